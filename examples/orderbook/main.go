// Command orderbook keeps a limit order book in memory: every incoming
// order is allocated on the heap, and the book holds them by the million.
// It is the demo of `structalign audit --escape` (./quickstart demo):
// Order's fields are in the order a person first writes them, and the
// escape log shows where each Order is allocated.
//
//	orderbook [N [HEAP.pprof]]
//
// files N orders (default 1,000,000); with a second argument it writes its
// heap profile there at the end (runtime/pprof, the default sampling rate),
// which `structalign audit --profile` reads for the measured counts.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

// Order is one resting order: 56 bytes as written, 40 reordered.
type Order struct {
	Live     bool
	ID       uint64
	Side     byte
	Price    float64
	Urgent   bool
	Quantity int32
	Trader   *Trader
	Expires  int64
}

// Trader owns orders.
type Trader struct {
	Name string
	Tier int8
}

// Book holds every order and the best prices.
type Book struct {
	orders  []*Order
	bestBid float64
	bestAsk float64
}

// Add allocates an order and files it.
func (b *Book) Add(t *Trader, id uint64, side byte, price float64, qty int32) *Order {
	o := &Order{Live: true, ID: id, Side: side, Price: price, Quantity: qty, Trader: t}
	b.orders = append(b.orders, o)
	if side == 'B' && price > b.bestBid {
		b.bestBid = price
	}
	if side == 'S' && (b.bestAsk == 0 || price < b.bestAsk) {
		b.bestAsk = price
	}
	return o
}

func main() {
	n := 1_000_000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	rng := rand.New(rand.NewSource(1))
	traders := []*Trader{{Name: "alice", Tier: 1}, {Name: "bob", Tier: 2}}
	book := &Book{orders: make([]*Order, 0, n)}
	for i := 0; i < n; i++ {
		side := byte('B')
		if i%2 == 1 {
			side = 'S'
		}
		book.Add(traders[i%2], uint64(i), side, 100+rng.Float64(), int32(rng.Intn(100)+1))
	}
	fmt.Printf("%d orders, best bid %.2f, best ask %.2f\n", len(book.orders), book.bestBid,
		book.bestAsk)
	if len(os.Args) > 2 {
		writeHeapProfile(os.Args[2])
	}
	runtime.KeepAlive(book)
}

// writeHeapProfile writes the heap as of a garbage collection run now.
func writeHeapProfile(path string) {
	runtime.GC()
	f, err := os.Create(path)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "orderbook:", err)
		os.Exit(1)
	}
}
