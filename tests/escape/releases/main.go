// Command rel: one escape-log shape per line for tests/escape_releases.py,
// built with every Go release.  A "want" comment lists the types the join
// must tie the heap sites of its line to, each optionally limited to
// releases (go1.25+, go1.24-) and to logs that explain sites (explained:
// -m=2 and -json; a plain -m log prints less).  Lines without one must
// have no struct heap site.
package main

import (
	"fmt"
	"os"
	"sync/atomic"

	"example.com/rel/geom"
)

type Order struct {
	ID    int64
	Open  bool
	Price float64
	Done  bool
}

type Pair[K any, V any] struct {
	Key K
	Val V
}

var sink any
var cfg = Order{ID: 7}
var bufs [][]byte

//go:noinline
func appendIt(xs []Order, o Order) []Order {
	return append(xs, o) // want main.Order (explained go1.25+)
}

//go:noinline
func makes(n int) []byte {
	b := make([]byte, 128)
	c := make([]byte, n)
	bufs = append(bufs, b, c)
	const k = 64
	d := make([]Order, k) // want main.Order
	sink = d
	return b
}

//go:noinline
func varmake(n int) int {
	c := make([]Order, n) // want main.Order (go1.24-); main.Order (go1.25+ text)
	return len(c)
}

//go:noinline
func gnew[T any]() *T {
	return new(T) // want main.Order (explained go1.22+); main.Order (go1.19)
}

//go:noinline
func cross() *Pair[geom.Point, int64] {
	return &Pair[geom.Point, int64]{Val: 1} // want main.Pair[example.com/rel/geom.Point,int64]
}

//go:noinline
func boxGlobal() {
	fmt.Println(cfg) // want main.Order
}

//go:noinline
func atom() *atomic.Int64 {
	return &atomic.Int64{} // want sync/atomic.Int64
}

//go:noinline
func newOrder(id int64) *Order {
	o := Order{ID: id} // want main.Order
	return &o
}

type Emb struct {
	geom.Point
	n int
}

func (e Emb) String() string { return "e" }

func main() {
	xs := appendIt(nil, Order{})
	fmt.Println(len(xs), makes(3), varmake(4), gnew[Order](), geom.Alloc[Order](), cross(), atom())
	boxGlobal()
	p := geom.NewPair(geom.Point{}, int64(2)) // want example.com/rel/geom.Pair[example.com/rel/geom.Point,int64] (go1.22+)
	sink = p
	var s fmt.Stringer = &Emb{} // want main.Emb
	sink = s
	sink = newOrder(5)
	fmt.Fprintln(os.Stdout, "x", newExpr())
	closures()
}

// Closures.  A func literal that escapes allocates its closure object: a
// struct the compiler makes of the function pointer and the captures.
// Every release 1.19-1.27 prints the same -m wording here ("func literal
// escapes to heap", "moved to heap: o", "c.Get escapes to heap").  A capture
// by reference moves the variable to the heap (tied at its declaration).  A
// struct captured by value is tied from -m=2's "byValue capturing by
// value: p" and from -json's "parameter p leaks to {storage for func
// literal}" (explained "captured by a closure"); -m says nothing of
// captures, so there the site is only classified as a closure.  litEscapes captures an int (no struct); the method
// value c.Get is classified as a closure (its copy of c is not tied to
// main.Counter).

type Padded struct {
	A bool
	B int64
	C bool
}

type Counter struct {
	On bool
	N  int64
}

//go:noinline
func (c Counter) Get() int64 { return c.N }

//go:noinline
func litEscapes(n int) func() int {
	return func() int { return n * 2 }
}

//go:noinline
func byRef() func() int64 {
	o := Order{ID: 1} // want main.Order
	return func() int64 {
		o.ID++
		return o.ID
	}
}

//go:noinline
func byValue(p Padded) func() bool {
	return func() bool { return p.A && p.C } // want main.Padded (explained)
}

//go:noinline
func genClosure[T any](v T) func() T {
	return func() T { return v } // want main.Padded (explained)
}

//go:noinline
func methodValue(c Counter) func() int64 {
	return c.Get
}

func closures() {
	a, b, c := litEscapes(1)(), byRef()(), byValue(Padded{A: true})()
	d, e := genClosure(Padded{})().B, methodValue(Counter{N: 3})()
	fmt.Println(a, b, c, d, e)
}
