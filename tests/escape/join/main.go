// Command join holds one of each heap-allocation shape for a padded struct,
// next to values of the same shapes that stay on the stack, so that
// tests/escape_join_test.py can assert exactly which sites the escape join
// ties to which type.  Line numbers are part of the test: append, do not
// insert.
package main

import (
	"fmt"
	"os"

	"example.com/join/geo"
	"example.com/join/store"
)

// Order is 40 bytes; Price, ID first makes it 24 (size class 48 -> 24).
type Order struct {
	Filled bool
	ID     uint64
	Side   byte
	Price  float64
	Urgent bool
}

// Flags has no pointers and 12 bytes (8 reordered): the tiny allocator's.
type Flags struct {
	A bool
	N int32
	B bool
}

// Tick is padded too, but every Tick stays on the stack.
type Tick struct {
	Up   bool
	At   int64
	Down bool
}

// Pair is generic; Pair[bool,int64] is 16 bytes and cannot shrink.
type Pair[K any, V any] struct {
	Key K
	Val V
}

var (
	sink   any
	keep   []*Order
	points []*geo.Point
)

// A returned pointer to a local: moved to heap.
//
//go:noinline
func newOrder(id uint64) *Order {
	o := Order{ID: id}
	return &o
}

// &T{} in a loop.
//
//go:noinline
func fill(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, &Order{ID: uint64(i)})
	}
}

// new(T) of a pointer-free 12-byte struct.
//
//go:noinline
func fresh() *Flags {
	return new(Flags)
}

// Non-constant make: the backing arrays hold Orders.
//
//go:noinline
func batch(n int) ([]Order, []Order) {
	return make([]Order, n), make([]Order, n, 2*n)
}

// A parameter boxed into an interface.
//
//go:noinline
func report(o Order) {
	sink = o
}

// A closure capturing a struct by reference: the variable moves to the heap.
//
//go:noinline
func watch() func() uint64 {
	last := Order{}
	return func() uint64 {
		last.ID++
		return last.ID
	}
}

// A generic instantiation, and a generic body (go.shape names).
//
//go:noinline
func newPair() *Pair[bool, int64] {
	return &Pair[bool, int64]{Val: 1}
}

//go:noinline
func makePair[K any, V any](k K, v V) *Pair[K, V] {
	return &Pair[K, V]{Key: k, Val: v}
}

// Ticks never leave the stack: none of these is a heap site.
//
//go:noinline
func local(n int) int64 {
	t := Tick{At: int64(n)}
	p := &Tick{At: 2}
	ts := make([]Tick, 4)
	var i any = t
	u, _ := i.(Tick)
	return t.At + p.At + int64(len(ts)) + u.At
}

// A local boxed into an interface; the compiler keeps no DWARF variable for
// it, so the join cannot type it and must say so.
//
//go:noinline
func note(id uint64) {
	o := Order{ID: id}
	sink = o
}

// A closure capturing a struct by value.
//
//go:noinline
func every(o Order) func() float64 {
	return func() float64 {
		return o.Price * float64(o.ID)
	}
}

func main() {
	pt := geo.NewPoint(1, 2) // inlined: &geo.Point{...} is reported here
	points = append(points, pt)
	rec := store.NewRecord(3)
	orders, more := batch(4)
	fill(2)
	report(*newOrder(5))
	next := watch()
	pr := newPair()
	pr2 := makePair(true, int64(6))
	note(8)
	price := every(Order{ID: 9})
	fmt.Fprintln(os.Stdout, pt.X, rec.Key, len(orders), len(more), fresh().N, next(), pr.Val,
		pr2.Val, local(7), price())
}

// Sample is only ever allocated as the backing array of a slice: its cost
// is per element, and a count of N is one array of N elements.
type Sample struct {
	Valid bool
	Value float64
	Seq   uint32
}

var samples []Sample

func init() {
	samples = make([]Sample, len(os.Args)*1000)
}
