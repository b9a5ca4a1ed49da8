// sample.go - the Go program the GDB test stops in (tests/debugger/).
//
// A struct with every kind of member whose size, alignment or pointer
// bytes the Go ABI model must know: bool, int64, string, interface{}, a
// non-empty interface, int32, a slice, a nested struct, a pointer, a map,
// a chan, a func, a named string type, an array, struct{}, complex64.  The
// program prints unsafe.Offsetof and Sizeof for the test to compare, then
// calls stop(), where the test puts its breakpoint.
package main

import (
	"fmt"
	"unsafe"
)

type Inner struct {
	X int64
	Y bool
}

type Name string

type Shape interface{ Area() float64 }

type Square struct{ Side float64 }

func (s Square) Area() float64 { return s.Side * s.Side }

type Order struct {
	Paid   bool
	ID     int64
	Note   string
	Any    interface{}
	Shape  Shape
	Qty    int32
	Tags   []string
	In     Inner
	Next   *Order
	Flag   bool
	Prices map[string]int
	Done   chan bool
	Hook   func(int) int
	Kind   Name
	Small  [3]int16
	Z      struct{}
	C64    complex64
}

//go:noinline
func stop(o *Order) int { return int(o.Qty) }

func main() {
	o := &Order{Paid: true, ID: 42, Note: "hello", Any: 7, Shape: Square{2}, Qty: 3,
		Tags: []string{"a", "b"}, In: Inner{X: -5, Y: true}, Flag: true,
		Prices: map[string]int{"x": 1}, Done: make(chan bool), Kind: "vip",
		Small: [3]int16{1, 2, 3}, C64: complex(1, 2)}
	o.Hook = func(i int) int { return i + 1 }
	o.Next = o
	var z Order
	fmt.Printf("offsetof Paid %d\noffsetof ID %d\noffsetof Note %d\noffsetof Any %d\n",
		unsafe.Offsetof(z.Paid), unsafe.Offsetof(z.ID), unsafe.Offsetof(z.Note), unsafe.Offsetof(z.Any))
	fmt.Printf("offsetof Shape %d\noffsetof Qty %d\noffsetof Tags %d\noffsetof In %d\n",
		unsafe.Offsetof(z.Shape), unsafe.Offsetof(z.Qty), unsafe.Offsetof(z.Tags), unsafe.Offsetof(z.In))
	fmt.Printf("offsetof Next %d\noffsetof Flag %d\noffsetof Prices %d\noffsetof Done %d\n",
		unsafe.Offsetof(z.Next), unsafe.Offsetof(z.Flag), unsafe.Offsetof(z.Prices), unsafe.Offsetof(z.Done))
	fmt.Printf("offsetof Hook %d\noffsetof Kind %d\noffsetof Small %d\noffsetof Z %d\noffsetof C64 %d\n",
		unsafe.Offsetof(z.Hook), unsafe.Offsetof(z.Kind), unsafe.Offsetof(z.Small), unsafe.Offsetof(z.Z),
		unsafe.Offsetof(z.C64))
	fmt.Printf("sizeof Order %d\n", unsafe.Sizeof(z))
	stop(o)
}
