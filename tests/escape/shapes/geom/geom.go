// Package geom holds padded types allocated from other packages, and small
// constructors the compiler inlines into their callers (the escape sites of
// inlined callees are reported at the caller's position).
package geom

// Padded is 24 bytes with 14 of padding (bool, int64, bool).
type Padded struct {
	Flag    bool
	Counter int64
	Active  bool
}

// New is small enough to inline: &Padded{} is reported where it is inlined.
func New(c int64) *Padded {
	return &Padded{Counter: c}
}

// NewNoInline keeps its own escape site in this file.
//
//go:noinline
func NewNoInline(c int64) *Padded {
	p := new(Padded)
	p.Counter = c
	return p
}

// Sum reads through its parameter without keeping it.
func Sum(ps []*Padded) int64 {
	var s int64
	for _, p := range ps {
		s += p.Counter
	}
	return s
}

// Keep stores its parameter in a global: leaking param.
var kept []*Padded

func Keep(p *Padded) {
	kept = append(kept, p)
}
