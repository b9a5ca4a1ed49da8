#!/usr/bin/env python3
"""go_literal_where.py - an anonymous struct allocated by a composite
literal is typed by the escape join and placed at its `struct` line
(issue #14: every type has a file:line, "from the escape log" too).

A program returns `struct { io.Reader; io.Closer; pad bool; n int64; on
bool }{...}` as an io.ReadCloser (boxed: the heap holds it) and takes the
address of another literal that escapes (`&struct { ... }{...}`).  No
variable names either struct, so neither DWARF nor a declaration places
it; the -m log's site does.  Built by each Go release of $GO_VERSIONS
with -gcflags=-m=2 (the text log) and -json=0,DIR.

The truth: the line of each `struct {` is grep's in the program's own
source; the struct's size is unsafe.Sizeof, printed by the program, and
the heap object of wrap's literal what runtime.MemStats.TotalAlloc grows
by per call (1,000 calls).
Checks, for both log forms: the type (DWARF spells its unexported fields
"main.pad") is a heap type with its site, not an unresolved site, and its
decl_file:decl_line is the literal's `struct {` line.
make check runs the oldest release of $GO_VERSIONS; make check-go-blank
(SA_GOROOT=1) every one.
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import subprocess

from salib import build_module, check_releases, go_env, run_main, write_tree

MAIN = """package main

import (
	"io"
	"os"
	"runtime"
	"unsafe"
)

var sinkRC io.ReadCloser

//go:noinline
func wrap(r io.Reader, c io.Closer, n int64) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
		pad bool
		n   int64
		on  bool
	}{r, c, true, n, false}
}

var keep []*struct {
	first bool
	mid   int32
	Last  bool
	big   int64
}

//go:noinline
func grow(n int32) {
	keep = append(keep, &struct {
		first bool
		mid   int32
		Last  bool
		big   int64
	}{true, n, false, 7})
}

func main() {
	rc := wrap(os.Stdin, os.Stdin, 3)
	grow(2)
	// the bytes the heap gives wrap's literal, as the runtime counts them
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for i := 0; i < 1000; i++ {
		sinkRC = wrap(os.Stdin, os.Stdin, int64(i))
	}
	runtime.ReadMemStats(&ms1)
	println(unsafe.Sizeof(struct {
		io.Reader
		io.Closer
		pad bool
		n   int64
		on  bool
	}{}), unsafe.Sizeof(*keep[0]), (ms1.TotalAlloc-ms0.TotalAlloc)/1000)
	_ = rc
}
"""

WRAP = "struct { io.Reader; io.Closer; main.pad bool; main.n int64; main.on bool }"
GROW = "struct { main.first bool; main.mid int32; Last bool; main.big int64 }"


def struct_line(after):
    """The line (1-based) of the `struct {` that follows the line holding
    `after` in MAIN."""
    lines = MAIN.split("\n")
    start = next(i for i, l in enumerate(lines) if after in l)
    return next(i for i in range(start, len(lines)) if "struct {" in lines[i]) + 1


def one_release(tool, v, tmp, fails):
    env = go_env(v)
    d = os.path.join(tmp, "lit_" + v)
    write_tree(d, {"go.mod": "module example.com/lit\n\ngo 1.19\n", "main.go": MAIN})
    log = os.path.join(d, "m2.log")
    jdir = os.path.join(d, "json")
    b = build_module(d, env, "bin", gcflags="-m=2", log=log)
    if b.returncode != 0:
        fails.append("Go %s: build: %s" % (v, open(log).read()[:300]))
        return
    b = build_module(d, env, "bin2", gcflags="-json=0," + jdir)
    if b.returncode != 0:
        fails.append("Go %s: -json build: %s" % (v, b.stderr[:300]))
        return
    binp = os.path.join(d, "bin")
    sizes = subprocess.run([binp], capture_output=True, text=True).stderr.split()
    want = {WRAP: (struct_line("func wrap("), int(sizes[0])),
            GROW: (struct_line("func grow("), int(sizes[1]))}
    src = os.path.join(d, "main.go")
    for form, logp, bp in (("text", log, binp), ("-json", jdir, os.path.join(d, "bin2"))):
        p = subprocess.run([tool, "audit", "--format", "json", "--all", "--escape", logp, bp],
                           capture_output=True, text=True)
        if p.returncode != 0:
            fails.append("Go %s %s: audit exit %d: %s" % (v, form, p.returncode, p.stderr[-300:]))
            continue
        data = json.loads(p.stdout)
        byname = {t["name"]: t for t in data["types"]}
        for name, (line, size) in want.items():
            t = byname.get(name)
            if t is None:
                fails.append("Go %s %s: no type %s among %s" % (
                    v, form, name, sorted(n for n in byname if n.startswith("struct {"))[:8]))
                continue
            if t["size"] != size:
                fails.append("Go %s %s: %s is %d bytes, unsafe.Sizeof says %d"
                             % (v, form, name, t["size"], size))
            if not t.get("escapes"):
                fails.append("Go %s %s: %s has no heap site" % (v, form, name))
            if name == WRAP and (t.get("heap") or {}).get("bytes") != int(sizes[2]):
                fails.append("Go %s %s: %s's heap object is %s bytes, the runtime gives %s"
                             % (v, form, name, (t.get("heap") or {}).get("bytes"), sizes[2]))
            if (t.get("decl_file"), t.get("decl_line")) != (src, line):
                fails.append("Go %s %s: %s at %s:%s, its `struct {` is %s:%d"
                             % (v, form, name, t.get("decl_file"), t.get("decl_line"), src, line))
        for u in data.get("unresolved_sites", []):
            if "struct {" in json.dumps(u) and "main.go" in json.dumps(u):
                fails.append("Go %s %s: a literal's site is unresolved: %s" % (v, form, u))


def main():
    return check_releases(one_release, "sa-lit-", oldest_unless="SA_GOROOT")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
