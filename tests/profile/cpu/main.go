// Writes a CPU profile to os.Args[1]: a real pprof file of the wrong kind,
// which `structalign audit --profile` must refuse (exit 2).
package main

import (
	"os"
	"runtime/pprof"
	"time"
)

var sink int

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	for end := time.Now().Add(30 * time.Millisecond); time.Now().Before(end); {
		sink++
	}
	pprof.StopCPUProfile()
	f.Close()
}
