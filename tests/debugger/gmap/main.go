// gmap - the Go program gdb_go_map_test.py stops in main.stop with three
// maps of a struct with padding: m (string keys, a small map: one group on
// Go 1.24+), big (100 int keys: several buckets, or a swiss table behind
// a directory) and clean (zeroed padding).  One entry of m and one of big
// get garbage in their padding.  The program prints the truth the test
// compares with: the padding ranges of Entry (unsafe.Offsetof/Sizeof),
// the lengths, and each planted entry's bytes as the map holds them, read
// back through reflect (which copies every byte).
package main

import (
	"fmt"
	"reflect"
	"unsafe"
)

type Entry struct {
	A uint8
	B int64
	C uint16
}

// Huge is over 128 bytes: a map keeps it behind a pointer.
type Huge struct {
	A uint8
	B [25]int64
}

// Key is a map key with padding: 3 bytes after K.
type Key struct {
	K uint8
	N int32
}

//go:noinline
func stop(m map[string]Entry, big map[int]Entry, clean map[int]Entry, keyed map[Key]Entry,
	huge map[int]Huge) int {
	return len(m) + len(big) + len(clean) + len(keyed) + len(huge)
}

// plant stores an Entry under k with garbage in its padding: through
// reflect, whose map assignment copies every byte of the value
// (typedmemmove), where m[k] = v may copy member by member.
func plant(m interface{}, name string, k interface{}) {
	v := new(Entry)
	*v = Entry{A: 9, B: 9, C: 9}
	raw := (*[unsafe.Sizeof(*v)]byte)(unsafe.Pointer(v))
	for _, off := range []uintptr{unsafe.Offsetof(v.A) + 1, unsafe.Offsetof(v.A) + 2,
		unsafe.Offsetof(v.C) + 3} {
		raw[off] = 0x5a
	}
	mv := reflect.ValueOf(m)
	mv.SetMapIndex(reflect.ValueOf(k), reflect.NewAt(reflect.TypeOf(*v), unsafe.Pointer(v)).Elem())
	back := mv.MapIndex(reflect.ValueOf(k)).Interface()
	got := (*[unsafe.Sizeof(*v)]byte)((*[2]unsafe.Pointer)(unsafe.Pointer(&back))[1])
	fmt.Printf("readback %s %x\n", name, got[:])
}

func main() {
	m := map[string]Entry{}
	for i := 0; i < 5; i++ {
		m[fmt.Sprintf("k%d", i)] = Entry{A: uint8(i), B: int64(i), C: uint16(i)}
	}
	plant(m, `m["bad"]`, "bad")
	big := map[int]Entry{}
	for i := 0; i < 100; i++ {
		big[i] = Entry{A: 1}
	}
	plant(big, "big[77]", 77)
	clean := map[int]Entry{}
	for i := 0; i < 20; i++ {
		clean[i] = Entry{A: 2, C: 3}
	}
	// A key with garbage in its padding, stored through reflect (every
	// byte copied) and read back with MapKeys (copies too).
	keyed := map[Key]Entry{{K: 1, N: 1}: {}, {K: 2, N: 2}: {}}
	k := new(Key)
	*k = Key{K: 7, N: 7}
	kraw := (*[unsafe.Sizeof(*k)]byte)(unsafe.Pointer(k))
	kraw[unsafe.Offsetof(k.K)+1] = 0x5a
	kv := reflect.ValueOf(keyed)
	kv.SetMapIndex(reflect.NewAt(reflect.TypeOf(*k), unsafe.Pointer(k)).Elem(),
		reflect.ValueOf(Entry{}))
	// Every entry as the map holds it (reflect copies every byte): the
	// keys made by composite literals carry whatever the stack held in
	// their padding, and the test expects exactly that.
	for _, mk := range kv.MapKeys() {
		kb, vb := mk.Interface(), kv.MapIndex(mk).Interface()
		kgot := (*[unsafe.Sizeof(*k)]byte)((*[2]unsafe.Pointer)(unsafe.Pointer(&kb))[1])
		vgot := (*[unsafe.Sizeof(Entry{})]byte)((*[2]unsafe.Pointer)(unsafe.Pointer(&vb))[1])
		fmt.Printf("keyentry %+v %x %x\n", kb, kgot[:], vgot[:])
	}
	// A value kept behind a pointer, with garbage after A.
	huge := map[int]Huge{1: {A: 1}, 2: {A: 2}}
	h := new(Huge)
	h.A = 3
	(*[unsafe.Sizeof(*h)]byte)(unsafe.Pointer(h))[unsafe.Offsetof(h.A)+2] = 0x5a
	hv := reflect.ValueOf(huge)
	hv.SetMapIndex(reflect.ValueOf(3), reflect.NewAt(reflect.TypeOf(*h), unsafe.Pointer(h)).Elem())
	for _, mk := range hv.MapKeys() {
		vb := hv.MapIndex(mk).Interface()
		got := (*[unsafe.Sizeof(*h)]byte)((*[2]unsafe.Pointer)(unsafe.Pointer(&vb))[1])
		fmt.Printf("hugeentry %v %x\n", mk.Interface(), got[:unsafe.Offsetof(h.B)])
	}
	fmt.Printf("keypadding %d %d\n", unsafe.Offsetof(k.K)+1, unsafe.Offsetof(k.N))
	var e Entry
	fmt.Printf("padding %d %d\npadding %d %d\n", unsafe.Offsetof(e.A)+unsafe.Sizeof(e.A),
		unsafe.Offsetof(e.B), unsafe.Offsetof(e.C)+unsafe.Sizeof(e.C), unsafe.Sizeof(e))
	fmt.Printf("len m %d\nlen big %d\nlen clean %d\nlen keyed %d\nlen huge %d\n", len(m),
		len(big), len(clean), len(keyed), len(huge))
	fmt.Printf("hugepadding %d %d\n", unsafe.Offsetof(h.A)+1, unsafe.Offsetof(h.B))
	stop(m, big, clean, keyed, huge)
}
