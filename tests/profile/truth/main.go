// The truth for `structalign audit --profile`: known numbers of objects of
// padded types, allocated at known lines, a known number kept live, with
// every allocation recorded (runtime.MemProfileRate = 1).
//
//	truth PATH   allocates, keeps some, writes the heap profile to PATH
//	truth -default PATH
//	             the same 200 times over, sampled at the default rate
//	             (what `go tool pprof` then shows is the other truth)
//	truth        prints, as JSON, what the runtime itself says: each type's
//	             allocation line (runtime.Caller), how many the other mode
//	             allocates and keeps, and the bytes one object takes in the
//	             allocator (runtime.MemStats.TotalAlloc over 1000
//	             allocations, divided by 1000), for the type as declared and
//	             for the same fields in the smallest order.
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/pprof"
)

// 24 bytes; 16 in the best order.
type Small struct {
	A bool
	B int64
	C bool
}

type SmallOpt struct {
	B    int64
	A, C bool
}

// 32 bytes with a pointer; 16 in the best order.
type Ptr struct {
	A bool
	P *int
	B bool
	N int32
	C bool
}

type PtrOpt struct {
	P       *int
	N       int32
	A, B, C bool
}

// 56 bytes (class 64); 32 in the best order.
type Wide struct {
	A byte
	B int64
	C byte
	D int64
	E byte
	F int64
	G byte
}

type WideOpt struct {
	B, D, F    int64
	A, C, E, G byte
}

// 64 bytes; 56 in the best order: the same 64-byte class, nothing saved.
type Same struct {
	X bool
	Y [6]int64
	Z bool
}

type SameOpt struct {
	Y    [6]int64
	X, Z bool
}

// Two allocations on one line (Pair and Quad): the profile's object size
// tells them apart.  Pair: 24 bytes -> 16; Quad: 40 (class 48) -> 24.
type Pair struct {
	A bool
	B int64
	C int8
}

type PairOpt struct {
	B int64
	A bool
	C int8
}

type Quad struct {
	A bool
	B int64
	C bool
	D int64
	E bool
}

type QuadOpt struct {
	B, D    int64
	A, C, E bool
}

var (
	line      = map[string]int{}
	recording bool
)

func here(name string) {
	_, _, l, _ := runtime.Caller(1)
	line[name] = l + 2 // the allocation is after the if's closing brace
}

//go:noinline
func newSmall() *Small {
	if recording {
		here("main.Small")
	}
	return &Small{}
}

//go:noinline
func newPtr() *Ptr {
	if recording {
		here("main.Ptr")
	}
	return &Ptr{}
}

//go:noinline
func newWide() *Wide {
	if recording {
		here("main.Wide")
	}
	return &Wide{}
}

//go:noinline
func newSame() *Same {
	if recording {
		here("main.Same")
	}
	return new(Same)
}

//go:noinline
func newPairQuad() (*Pair, *Quad) {
	if recording {
		here("main.Pair")
	}
	return &Pair{}, &Quad{}
}

const (
	nSmall, nPtr, nWide, nSame, nPQ = 3000, 1200, 700, 500, 400
	lSmall, lPtr, lWide, lSame, lPQ = 1000, 1200, 100, 0, 150
)

var (
	keepSmall []*Small
	keepPtr   []*Ptr
	keepWide  []*Wide
	keepSame  []*Same
	keepPair  []*Pair
	keepQuad  []*Quad
	sink      any
)

type result struct {
	Line      int    `json:"line"`
	Allocated uint64 `json:"allocated"`
	Live      uint64 `json:"live"`
	Bytes     uint64 `json:"bytes"`     // allocator bytes per object
	OptBytes  uint64 `json:"opt_bytes"` // the same in the best order
}

// bytesPer measures the allocator bytes of one object that f allocates.
func bytesPer(f func()) uint64 {
	const n = 1000
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	for i := 0; i < n; i++ {
		f()
	}
	runtime.ReadMemStats(&b)
	return (b.TotalAlloc - a.TotalAlloc) / n
}

// measure prints the truth: lines, counts and bytes, without profiling.
func measure() {
	recording = true
	newSmall()
	newPtr()
	newWide()
	newSame()
	newPairQuad()
	recording = false
	line["main.Quad"] = line["main.Pair"]
	res := map[string]*result{
		"main.Small": {Allocated: nSmall, Live: lSmall,
			Bytes:    bytesPer(func() { sink = newSmall() }),
			OptBytes: bytesPer(func() { sink = &SmallOpt{} })},
		"main.Ptr": {Allocated: nPtr, Live: lPtr,
			Bytes:    bytesPer(func() { sink = newPtr() }),
			OptBytes: bytesPer(func() { sink = &PtrOpt{} })},
		"main.Wide": {Allocated: nWide, Live: lWide,
			Bytes:    bytesPer(func() { sink = newWide() }),
			OptBytes: bytesPer(func() { sink = &WideOpt{} })},
		"main.Same": {Allocated: nSame, Live: lSame,
			Bytes:    bytesPer(func() { sink = newSame() }),
			OptBytes: bytesPer(func() { sink = &SameOpt{} })},
		"main.Pair": {Allocated: nPQ, Live: lPQ,
			Bytes:    bytesPer(func() { sink = &Pair{} }),
			OptBytes: bytesPer(func() { sink = &PairOpt{} })},
		"main.Quad": {Allocated: nPQ, Live: lPQ,
			Bytes:    bytesPer(func() { sink = &Quad{} }),
			OptBytes: bytesPer(func() { sink = &QuadOpt{} })},
	}
	for name, r := range res {
		r.Line = line[name]
	}
	out, _ := json.Marshal(res)
	os.Stdout.Write(append(out, '\n'))
}

func main() {
	if len(os.Args) < 2 {
		measure()
		return
	}
	path, k := os.Args[1], 1
	if path == "-default" && len(os.Args) > 2 {
		path, k = os.Args[2], 200
	} else {
		runtime.MemProfileRate = 1
	}
	keepSmall = make([]*Small, nSmall*k)
	keepPtr = make([]*Ptr, nPtr*k)
	keepWide = make([]*Wide, nWide*k)
	keepSame = make([]*Same, nSame*k)
	keepPair = make([]*Pair, nPQ*k)
	keepQuad = make([]*Quad, nPQ*k)
	for i := range keepSmall {
		keepSmall[i] = newSmall()
	}
	for i := range keepPtr {
		keepPtr[i] = newPtr()
	}
	for i := range keepWide {
		keepWide[i] = newWide()
	}
	for i := range keepSame {
		keepSame[i] = newSame()
	}
	for i := range keepPair {
		keepPair[i], keepQuad[i] = newPairQuad()
	}
	// Keep the first l of each, drop the rest.
	for i := lSmall * k; i < len(keepSmall); i++ {
		keepSmall[i] = nil
	}
	for i := lPtr * k; i < len(keepPtr); i++ {
		keepPtr[i] = nil
	}
	for i := lWide * k; i < len(keepWide); i++ {
		keepWide[i] = nil
	}
	for i := lSame * k; i < len(keepSame); i++ {
		keepSame[i] = nil
	}
	for i := lPQ * k; i < len(keepPair); i++ {
		keepPair[i], keepQuad[i] = nil, nil
	}
	// The profile shows the heap as of the last completed GC.
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
	runtime.KeepAlive(keepSmall)
	runtime.KeepAlive(keepPtr)
	runtime.KeepAlive(keepWide)
	runtime.KeepAlive(keepSame)
	runtime.KeepAlive(keepPair)
	runtime.KeepAlive(keepQuad)
}
