// Package gen: generic types and functions (instantiated with go.shape types).
package gen

// Pair is generic; Pair[bool,int64] has 7 bytes of padding.
type Pair[K any, V any] struct {
	Key K
	Val V
}

//go:noinline
func NewPair[K any, V any](k K, v V) *Pair[K, V] {
	return &Pair[K, V]{Key: k, Val: v}
}

// Boxes returns its values boxed into interfaces.
func Boxes[T any](xs []T) []any {
	out := make([]any, 0, len(xs))
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}
