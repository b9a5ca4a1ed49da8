package main

// Pair is generic: Go's DWARF names only its instantiations
// (main.Pair[string,int]); `align` must suggest the declaration.
type Pair[K comparable, V any] struct {
	Ok  bool
	Key K
	Val V
}
