// gorder - the Go program gdb_go_order_test.py stops in main.stop with a
// pointer, a slice, a map, interfaces, a pointer to a pointer and an array
// of Order.  It prints the truth the test compares with: unsafe.Sizeof and
// Offsetof, the lengths, the size of a Go 1.24+ map slot (struct { key
// string; elem Order }), and fmt's %+v of some fields.
package main

import (
	"fmt"
	"unsafe"
)

//go:noinline
func stop(o *Order, s []Order, m map[string]Order, a any, e error, pp **Order, q [2]Order,
	mk map[Base]Order) int {
	return len(s) + len(m) + int(q[1].Tag) + len(mk)
}

func main() {
	o := &Order{Paid: true, Tag: 7, Note: "hello", Base: Base{N: -3}, Shape: Square{2}}
	o.Count.Store(5)
	s := []Order{*o, *o, *o}
	m := map[string]Order{"a": *o, "b": *o}
	var a any = *o
	var e error = &myErr{true, 3}
	pp := &o
	q := [2]Order{*o, *o}
	q[1].Tag = 9
	mk := map[Base]Order{{N: 1}: *o}
	var z Order
	fmt.Printf("sizeof Order %d\nsizeof Pair %d\nsizeof myErr %d\n", unsafe.Sizeof(z),
		unsafe.Sizeof(z.P), unsafe.Sizeof(myErr{}))
	fmt.Printf("offsetof Paid %d\noffsetof Base %d\noffsetof Count %d\noffsetof Tag %d\n",
		unsafe.Offsetof(z.Paid), unsafe.Offsetof(z.Base), unsafe.Offsetof(z.Count),
		unsafe.Offsetof(z.Tag))
	fmt.Printf("offsetof P %d\noffsetof Shape %d\noffsetof Note %d\n", unsafe.Offsetof(z.P),
		unsafe.Offsetof(z.Shape), unsafe.Offsetof(z.Note))
	fmt.Printf("len s %d\nlen m %d\n", len(s), len(m))
	fmt.Printf("sizeof slot %d\n", unsafe.Sizeof(struct {
		key  string
		elem Order
	}{}))
	fmt.Printf("value Paid %+v\nvalue Base %+v\nvalue Tag %+v\nvalue Count %+v\n", o.Paid,
		o.Base, o.Tag, &o.Count)
	fmt.Printf("sizeof Base %d\n", unsafe.Sizeof(Base{}))
	stop(o, s, m, a, e, pp, q, mk)
}
