type T struct {
	a bool
	b [3]int64
	c *T
	_ [2]byte
	m map[string][]int
	f func(int) error
	e struct{ x, y int8 }
	i interface{ M() }
	g [1 << 10]complex64
	B
}
type B struct{ x uint16; s string }
type A = [4]B
