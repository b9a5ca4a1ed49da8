//go:build go1.26

package main

// new(expr), go1.26+: a compiler temporary moved to the heap.
//
//go:noinline
func newExpr() *Order {
	return new(Order{ID: 3}) // want main.Order (explained)
}
