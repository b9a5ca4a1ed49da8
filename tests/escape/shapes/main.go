// Command shapes exercises every shape of escape-analysis message the
// structalign escape-log parser must recognise (tests/escape/README).
package main

import (
	"fmt"
	"os"

	"example.com/shapes/gen"
	"example.com/shapes/geom"
	"example.com/shapes/misc"
)

type Order struct {
	ID    int64
	Open  bool
	Price float64
	Done  bool
}

var sink any

// returned pointer to a local: moved to heap.
func newOrder(id int64) *Order {
	o := Order{ID: id}
	return &o
}

// &T{} escapes; //go:noinline keeps the site here.
//
//go:noinline
func newOrderLit(id int64) *Order {
	return &Order{ID: id}
}

// new(T) escapes.
//
//go:noinline
func newOrderNew() *Order {
	return new(Order)
}

// &T{} in a loop.
func many(n int) []*Order {
	var out []*Order
	for i := 0; i < n; i++ {
		out = append(out, &Order{ID: int64(i)})
	}
	return out
}

// non-constant make, make with len and cap, constant make that stays on the
// stack, and a constant make too large for the stack.
func makes(n int) ([]Order, []Order, int, []byte) {
	a := make([]Order, n)
	b := make([]Order, n, 2*n)
	c := make([]int, 8)
	d := make([]byte, 100000)
	return a, b, len(c), d
}

// interface boxing: a variable, a parameter, an expression.
func box(o Order, n int) {
	sink = o
	sink = n + 1
	fmt.Println(o.ID, "orders")
}

// closure capture: the captured variable moves to the heap and the func
// literal escapes.
func counter() func() int {
	n := 0
	return func() int {
		n++
		return n
	}
}

// a func literal that does not escape.
func apply(xs []int) int {
	s := 0
	each := func(x int) { s += x }
	for _, x := range xs {
		each(x)
	}
	return s
}

// leaking param content and a param leaking to the result.
func first(ps []*Order) *Order {
	return ps[0]
}

func main() {
	p := geom.New(1)         // inlined: site at this line
	q := geom.NewNoInline(2) // site in geom.go
	geom.Keep(p)
	_ = geom.Sum([]*geom.Padded{p, q})
	pr := gen.NewPair(true, int64(3)) // generic instantiation
	pr2 := &gen.Pair[bool, int64]{Key: false, Val: 4}
	sink = pr2
	bs := gen.Boxes([]int{1, 2})
	o := newOrder(1)
	o2 := newOrderLit(2)
	o3 := newOrderNew()
	ords := many(3)
	a, b, c, d := makes(4)
	box(*o, c)
	f := counter()
	misc.Maps(1)
	misc.Literals(misc.Point{})
	misc.Strings(nil, "a", "b")
	misc.Big()
	_ = misc.NoEscapeBox(misc.Point{})
	fmt.Fprintln(os_stdout(), pr, bs, o2, o3, first(ords), len(a), len(b), len(d), f(), apply([]int{1}))
}

func os_stdout() *os.File { return os.Stdout }
