// Package store: a padded type whose reordering saves no heap memory.
package store

// Record is 48 bytes, 40 reordered: both are 48-byte objects.
type Record struct {
	Live  bool
	Key   [4]int64
	Dirty bool
}

// NewRecord keeps its own heap site.
//
//go:noinline
func NewRecord(k int64) *Record {
	r := new(Record)
	r.Key[0] = k
	return r
}
