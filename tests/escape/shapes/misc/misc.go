// Package misc: the rarer allocation shapes: maps, slice and map literals,
// string conversions and concatenation, method values, explicit interface
// conversions, a value boxed without escaping, a variable too large for the
// stack.
package misc

type Point struct {
	X, Y int32
	Tag  string
}

func (p Point) Norm() int32 { return p.X*p.X + p.Y*p.Y }

var (
	sinkAny  any
	sinkMap  map[string]Point
	sinkFn   func() int32
	sinkStr  string
	sinkB    []byte
	sinkPts  []Point
	sinkBig  *[1 << 20]byte
	sinkPair *struct{ A, B int8 }
)

func Maps(n int) {
	sinkMap = make(map[string]Point)
	m := make(map[string]Point, n)
	m["a"] = Point{}
	sinkMap = map[string]Point{"b": {X: 1}}
	local := map[int]int{1: 2}
	_ = local
}

func Literals(p Point) {
	sinkPts = []Point{p, p}
	sinkPair = &struct{ A, B int8 }{1, 2}
	sinkAny = any(p)
	sinkFn = p.Norm
}

func Strings(b []byte, s, t string) {
	sinkStr = string(b)
	sinkB = []byte(s)
	sinkStr = s + t
	sinkAny = []rune(s)
}

func NoEscapeBox(p Point) bool {
	var i any = p
	_, ok := i.(Point)
	return ok
}

func Big() {
	var big [1 << 20]byte
	sinkBig = &big
}
