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

// Boxes holds values of every other kind behind interface{}: the
// program prints each as fmt's %+v does (a string as %q), the truth for
// the value column.  Direct has one pointer field, so Go stores it in the
// interface's data word itself.
type Direct struct{ P *int64 }

type Celsius float64

type Boxes struct {
	S, F, Big, Tiny, F32, B, C, P, PS, D, N, U8, Sl, Ar, Ce, By, Ps, Mi interface{}
}

//go:noinline
func stop(o *Order, bx *Boxes) int { return int(o.Qty) }

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
	x := int64(11)
	bx := &Boxes{S: "hi \"q\"", F: 2.5, Big: 1234567.0, Tiny: 0.00001, F32: float32(0.1),
		B: true, C: complex(1.5, -2), P: &x, PS: &Inner{X: 1, Y: true}, D: Direct{P: &x},
		N: Name("vip"), U8: uint8(200), Sl: []int{1, -2}, Ar: [2]int16{3, 4},
		Ce: Celsius(36.6), By: []byte("hi"), Ps: []Inner{{X: 1, Y: true}},
		Mi: map[int]int{2: 20, 1: 10, 3: -30}}
	for _, f := range []struct {
		name string
		v    interface{}
	}{{"S", bx.S}, {"F", bx.F}, {"Big", bx.Big}, {"Tiny", bx.Tiny}, {"F32", bx.F32},
		{"B", bx.B}, {"C", bx.C}, {"P", bx.P}, {"PS", bx.PS}, {"D", bx.D}, {"N", bx.N},
		{"U8", bx.U8}, {"Sl", bx.Sl}, {"Ar", bx.Ar}, {"Ce", bx.Ce}, {"By", bx.By},
		{"Ps", bx.Ps}, {"Mi", bx.Mi}} {
		if s, ok := f.v.(string); ok {
			fmt.Printf("box %s %q\n", f.name, s)
		} else if n, ok := f.v.(Name); ok {
			fmt.Printf("box %s %q\n", f.name, string(n))
		} else {
			fmt.Printf("box %s %+v\n", f.name, f.v)
		}
	}
	stop(o, bx)
}
