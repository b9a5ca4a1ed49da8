package main

import "sync/atomic"

// Order has an embedded struct, a field named like its type (not
// embedded), a type from another package and an instantiated generic.
type Order struct {
	Paid bool
	Base
	Count atomic.Int64
	Tag   byte
	P     Pair[string, int]
	Shape Shape
	Note  string
}
