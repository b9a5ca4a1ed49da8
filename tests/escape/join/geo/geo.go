// Package geo: a padded type whose constructor is inlined into its callers.
package geo

// Point is 24 bytes; reordered 16 (size class 24 -> 16).
type Point struct {
	Visible bool
	X       int64
	Y       int32
}

// NewPoint is small enough to inline: its &Point{} site moves to the caller.
func NewPoint(x int64, y int32) *Point {
	return &Point{X: x, Y: y}
}
