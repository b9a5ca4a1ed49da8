#!/usr/bin/env python3
"""carry_check.py - savings carried up: a padded struct held by value in
heap-allocated types, checked against what each Go release's runtime
measures.

For every Go release of $GO_VERSIONS (salib.go_releases()) one program is
built with -gcflags=-m.  It declares Inner (24 bytes, 16 reordered) held by
value in Outer (embedded: 32 bytes, own order already best), in Arr (an
array [3]Inner), in Deep (through Outer: two levels down) and in Pair
(allocated only as make([]Pair, n), a backing array), next to Lone (padded
itself, not held); and, written here by hand, the fully reordered copy of
each (Inner2, Outer2, ... in which every record, held ones included, is in
its best order).  The program allocates every type with testing.Benchmark
(&T{} and make([]Pair, 100) kept in package-level sinks) and prints,
per type, unsafe.Sizeof and the bytes per operation the runtime counted
(runtime.MemStats' TotalAlloc over 10,000 operations, least of three: B/op as
testing.Benchmark computes it; one allocation per operation, checked with
testing.AllocsPerRun).  That is the truth.

Checked against `structalign audit --escape` of the very binary and log
(JSON; --count main.Pair=100 so the array is the program's):
  - each holder's deep_size is unsafe.Sizeof of its reordered copy;
  - its deep_heap_bytes_saved_total is B/op(original) - B/op(reordered);
  - the steps ("carried_from") are owed to Inner, never to Outer (which
    only passes Inner's saving on), and add up to that difference;
  - Inner's heap_bytes_owed is the sum of the measured differences of its
    holders, and its "carried_into" names each holder;
  - Lone's own order: heap_bytes_owed = its measured difference;
  - total_heap_bytes_saved is the sum of heap_bytes_owed over the rows, and
    equals the sum of every measured difference;
  - with Inner marked //structalign:ignore (--src), nothing is owed to it
    and the total is Lone's alone;
  - the text report lists Inner first, with the "carried up" line, and the
    CSV row of Inner has the same owed bytes.
"""
import json
import os
import re
import subprocess
import sys
import shutil

import salib

PROGRAM = r'''package main

import (
	"encoding/json"
	"os"
	"runtime"
	"testing"
	"unsafe"
)

type Inner struct {
	A bool
	B int64
	C bool
}

type Outer struct {
	Inner
	D int64
}

type Arr struct {
	X [3]Inner
	P *int
}

type Deep struct {
	O Outer
	F bool
}

type Pair struct {
	In Inner
	N  int32
}

type Lone struct {
	A bool
	P *int
	B bool
}

type Inner2 struct {
	B int64
	A bool
	C bool
}

type Outer2 struct {
	Inner2
	D int64
}

type Arr2 struct {
	X [3]Inner2
	P *int
}

type Deep2 struct {
	O Outer2
	F bool
}

type Pair2 struct {
	In Inner2
	N  int32
}

type Lone2 struct {
	P *int
	A bool
	B bool
}

var (
	sink      any
	pairSink  []Pair
	pair2Sink []Pair2
)

type result struct {
	Size   uintptr `json:"size"`
	Bytes  int64   `json:"bytes"`
	Allocs int64   `json:"allocs"`
}

// measure: bytes per allocation from runtime.MemStats over n runs (what
// testing.Benchmark reports as B/op, without its one-second runs), the
// least of three (the runtime's own allocations, a few KiB, only ever add:
// with n = 10000 they vanish in the integer division), and allocations
// per run from testing.AllocsPerRun.
func measure(size uintptr, alloc func()) result {
	const n = 10000
	best := int64(-1)
	for rep := 0; rep < 3; rep++ {
		var before, after runtime.MemStats
		alloc()
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < n; i++ {
			alloc()
		}
		runtime.ReadMemStats(&after)
		b := int64(after.TotalAlloc-before.TotalAlloc) / n
		if best < 0 || b < best {
			best = b
		}
	}
	allocs := testing.AllocsPerRun(100, alloc)
	return result{size, best, int64(allocs)}
}

func main() {
	out := map[string]result{
		"Outer":  measure(unsafe.Sizeof(Outer{}), func() { sink = &Outer{D: 1} }),
		"Outer2": measure(unsafe.Sizeof(Outer2{}), func() { sink = &Outer2{D: 1} }),
		"Arr":    measure(unsafe.Sizeof(Arr{}), func() { sink = &Arr{} }),
		"Arr2":   measure(unsafe.Sizeof(Arr2{}), func() { sink = &Arr2{} }),
		"Deep":   measure(unsafe.Sizeof(Deep{}), func() { sink = &Deep{F: true} }),
		"Deep2":  measure(unsafe.Sizeof(Deep2{}), func() { sink = &Deep2{F: true} }),
		"Pair":   measure(unsafe.Sizeof(Pair{}), func() { pairSink = make([]Pair, 100) }),
		"Pair2":  measure(unsafe.Sizeof(Pair2{}), func() { pair2Sink = make([]Pair2, 100) }),
		"Lone":   measure(unsafe.Sizeof(Lone{}), func() { sink = &Lone{A: true} }),
		"Lone2":  measure(unsafe.Sizeof(Lone2{}), func() { sink = &Lone2{A: true} }),
		"Inner":  measure(unsafe.Sizeof(Inner{}), func() {}),
		"Inner2": measure(unsafe.Sizeof(Inner2{}), func() {}),
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
'''

HOLDERS = ("Outer", "Arr", "Deep", "Pair")


def check_release(v, work, fails):
    def fail(msg, detail=""):
        fails.append("go%s: %s%s" % (v, msg, ("\n      " + str(detail)) if detail != "" else ""))

    env = salib.go_env(v)
    root = os.path.join(work, "carry")
    salib.write_tree(root, {"go.mod": "module example.com/carry\n\ngo 1.19\n",
                            "main.go": PROGRAM})
    binary, log = os.path.join(work, "carry.bin"), os.path.join(root, "build.log")
    p = salib.build_module(root, env, binary, "-m", log)
    if p.returncode != 0:
        fail("go build failed", open(log).read()[-800:])
        return
    p = subprocess.run([binary], capture_output=True, text=True, env=env, timeout=300)
    if p.returncode != 0:
        fail("the program failed", p.stderr[-800:])
        return
    m = json.loads(p.stdout)
    for name in ("Outer", "Outer2", "Arr", "Arr2", "Deep", "Deep2", "Pair", "Pair2",
                 "Lone", "Lone2"):
        if m[name]["allocs"] != 1:
            fail("%s: %d allocations per op, expected 1" % (name, m[name]["allocs"]))
    # The program's own sanity: the reordered copies are smaller.
    if not (m["Inner2"]["size"] < m["Inner"]["size"]):
        fail("Inner2 is not smaller than Inner", m)

    sa = os.environ["STRUCTALIGN"]
    p = subprocess.run([sa, "audit", "--format", "json", "--escape", log, "--count",
                        "main.Pair=100", "--filter", "main.*", binary],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("audit failed", p.stderr)
        return
    d = json.loads(p.stdout)
    t = {x["name"]: x for x in d["types"]}
    want_total = 0
    inner_owed = 0
    for h in HOLDERS:
        row = t.get("main." + h)
        diff = m[h]["bytes"] - m[h + "2"]["bytes"]
        want_total += diff
        inner_owed += diff
        if row is None:
            fail("main.%s is not reported" % h, sorted(t))
            continue
        if row.get("deep_size") != m[h + "2"]["size"]:
            fail("main.%s: deep_size %s, unsafe.Sizeof(%s2) %d" %
                 (h, row.get("deep_size"), h, m[h + "2"]["size"]))
        if row.get("deep_heap_bytes_saved_total") != diff:
            fail("main.%s: deep heap saving %s, measured B/op %d - %d = %d" %
                 (h, row.get("deep_heap_bytes_saved_total"), m[h]["bytes"], m[h + "2"]["bytes"],
                  diff))
        steps = row.get("carried_from", [])
        if [s["type"] for s in steps] != ["main.Inner"] or \
                sum(s["heap_bytes_saved"] for s in steps) != diff:
            fail("main.%s: the saving is owed to main.Inner alone" % h, steps)
        if row.get("heap_bytes_owed") != 0:
            fail("main.%s owes nothing to its own order" % h, row.get("heap_bytes_owed"))
    lone = t.get("main.Lone", {})
    diff = m["Lone"]["bytes"] - m["Lone2"]["bytes"]
    want_total += diff
    if lone.get("heap_bytes_owed") != diff:
        fail("main.Lone: its own order saves %s, measured %d" % (lone.get("heap_bytes_owed"),
                                                                  diff))
    inner = t.get("main.Inner", {})
    if inner.get("heap_bytes_owed") != inner_owed:
        fail("main.Inner: owed %s, the measured differences of its holders sum to %d" %
             (inner.get("heap_bytes_owed"), inner_owed))
    into = sorted(x["type"] for x in inner.get("carried_into", []))
    if into != sorted("main." + h for h in HOLDERS):
        fail("main.Inner: carried into %s" % into)
    owed = sum(x.get("heap_bytes_owed", 0) for x in d["types"])
    if d.get("total_heap_bytes_saved") != owed or owed != want_total:
        fail("total_heap_bytes_saved %s, rows owed %d, measured %d" %
             (d.get("total_heap_bytes_saved"), owed, want_total))
    print("go%s: B/op %s; Inner owed %d bytes, total %d" %
          (v, " ".join("%s %d->%d" % (h, m[h]["bytes"], m[h + "2"]["bytes"])
                       for h in HOLDERS + ("Lone",)), inner_owed, want_total))

    # Inner marked //structalign:ignore (its order is meant, found through
    # --src): not listed, no holder saves by it, the total is Lone's alone.
    marked = os.path.join(work, "marked")
    shutil.copytree(root, marked)
    with open(os.path.join(marked, "main.go"), "w") as f:
        f.write(PROGRAM.replace("type Inner struct {", "//structalign:ignore\ntype Inner struct {"))
    p = subprocess.run([sa, "audit", "--format", "json", "--all", "--escape", log, "--src", marked,
                        "--count", "main.Pair=100", "--filter", "main.*", binary],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("audit --src (Inner marked) failed", p.stderr)
    else:
        dm = json.loads(p.stdout)
        tm = {x["name"]: x for x in dm["types"]}
        lone_diff = m["Lone"]["bytes"] - m["Lone2"]["bytes"]
        if "main.Inner" in tm or any(tm.get("main." + h, {}).get("carried_from") for h in HOLDERS) \
                or dm.get("total_heap_bytes_saved") != lone_diff:
            fail("Inner marked structalign:ignore: nothing is owed to it (total %s, Lone's %d)" %
                 (dm.get("total_heap_bytes_saved"), lone_diff),
                 {h: tm.get("main." + h, {}).get("carried_from") for h in HOLDERS})

    # CSV: the same owed bytes in its heap_bytes_owed column.
    p = subprocess.run([sa, "audit", "--format", "csv", "--escape", log, "--count",
                        "main.Pair=100", "--filter", "main.Inner", binary],
                       capture_output=True, text=True)
    lines = p.stdout.splitlines()
    if len(lines) != 2 or not lines[0].endswith(",heap_bytes_owed") or \
            not lines[1].endswith(",%d" % inner_owed):
        fail("CSV: main.Inner's heap_bytes_owed %d" % inner_owed, lines)
    p = subprocess.run([sa, "audit", "--escape", log, "--count", "main.Pair=100", "--filter",
                        "main.*", binary], capture_output=True, text=True)
    # Table rows: heap saved, saved, size, optimal size, count, the type,
    # then (since #14's "where is it") the type's file:line in parentheses.
    row = re.compile(r"^\s*[\d.]+ (?:bytes|KiB|MiB|GiB)\s+[\d.]+ (?:bytes|KiB|MiB|GiB)"
                     r"\s+\d+\s+\d+\s+\S+\s+(main\.\w+)")
    rows = [m.group(1) for m in map(row.match, p.stdout.splitlines()) if m]
    if not rows or rows[0] != "main.Inner" or "carried up: " not in p.stdout:
        fail("text: main.Inner ranked first with its carried-up line", p.stdout[:1500])


def main():
    return salib.check_releases(lambda _, v, work, fails: check_release(v, work, fails),
                                "sa-carry-", tools=(), own_dirs=True)


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
