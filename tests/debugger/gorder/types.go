// The types gdb_go_order_test.py keeps when it pastes a suggested order
// back in place of order.go or pair.go.
package main

type Base struct {
	Flag bool
	N    int64
}

type Shape interface{ Area() float64 }

type Square struct{ Side float64 }

func (s Square) Area() float64 { return s.Side * s.Side }

type myErr struct {
	Code bool
	N    int64
}

func (e *myErr) Error() string { return "my error" }
