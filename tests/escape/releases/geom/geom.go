// Package geom: a padded type and generics used from package main.
package geom

// Point is 24 bytes, 16 reordered.
type Point struct {
	Flag bool
	X    int64
	Ok   bool
}

type Pair[K any, V any] struct {
	Key K
	Val V
}

func NewPair[K any, V any](k K, v V) *Pair[K, V] { // inlined from go1.22 on, and not linked then
	return &Pair[K, V]{Key: k, Val: v} // want example.com/rel/geom.Pair[example.com/rel/geom.Point,int64] (go1.19)
}

//go:noinline
func Alloc[T any]() *T {
	return new(T) // want main.Order (explained go1.22+); main.Order (go1.19)
}
