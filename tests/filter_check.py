#!/usr/bin/env python3
"""filter_check.py - `audit --escape --filter` narrows the ranking, the
unresolved heap sites and the totals alike.

The program (written here): module example.com/f with packages main, a,
a/sub and b, each with a padded heap-allocated struct (and a, a struct
embedded in b's), built with -gcflags=all=-m (the standard library's sites
too) by the newest Go release of $GO_VERSIONS.  With SA_FILTER_REAL=DIR
(`make check-filters-real` sets it: cmd/compile built with
-gcflags=cmd/compile/...=-m) the same checks run on that real log instead.

Which package a type or a site belongs to is computed here, from the type's
name and the log's "# package" headers (the truth of what a pattern
selects, by go's own pattern rules: "P/..." is P and the packages under
it, "./..." the main module), independently of structalign.  For each
filter, on `audit --format json --all`:
  - every type listed matches it, and every type of the unfiltered report
    that matches it is listed;
  - total_types, total_bytes_saved and total_heap_bytes_saved are the sums
    over the listed types (bytes_saved, heap_bytes_owed);
  - escape_summary counts only the sites of the filter: struct = the heap
    sites of the listed types, unresolved = the unresolved_sites listed,
    each of a package the filter selects, heap = struct + other +
    unresolved;
  - text output lists as many unresolved sites as the summary counts with
    --all-unresolved, and says how many it left out without it.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import salib

FILES = {
    "go.mod": "module example.com/f\n\ngo 1.19\n",
    "main.go": """package main

import (
	"example.com/f/a"
	"example.com/f/a/sub"
	"example.com/f/b"
)

type Top struct {
	A bool
	N int64
	B bool
}

var sink []any

//go:noinline
func mk() *Top { return &Top{N: 1} }

func main() {
	sink = append(sink, mk(), a.New(), sub.New(), b.New())
	println(len(sink))
}
""",
    "a/a.go": """package a

type Padded struct {
	A bool
	N int64
	B bool
}

//go:noinline
func New() *Padded { return &Padded{N: 2} }
""",
    "a/sub/sub.go": """package sub

type Item struct {
	A bool
	P *int
	B bool
}

//go:noinline
func New() *Item { return &Item{} }
""",
    "b/b.go": """package b

import "example.com/f/a"

type Holder struct {
	a.Padded
	X int64
}

//go:noinline
func New() *Holder { return &Holder{X: 3} }
""",
}
MODULE = "example.com/f"


def type_pkg(name):
    head = re.split(r"[\[<{ ]", name, 1)[0]
    base = head.rfind("/") + 1
    dot = head.find(".", base)
    return head[:dot] if dot > 0 else None


def pkg_selected(pattern, pkg, main_path, module):
    if pkg is None:
        return False
    if pkg == "main" and main_path:
        pkg = main_path
    if pattern == "./...":
        return pkg == module or pkg.startswith(module + "/")
    root = pattern[:-4]
    return pkg == root or pkg.startswith(root + "/")


def audit(sa, binary, log, *args):
    p = subprocess.run([sa, "audit", "--escape", log] + list(args) + [binary],
                       capture_output=True, text=True)
    return p


def run_checks(sa, binary, log, patterns, main_path, module, fails):
    def fail(msg, detail=""):
        fails.append("%s%s" % (msg, ("\n      " + str(detail)[:1500]) if detail != "" else ""))

    p = audit(sa, binary, log, "--format", "json", "--all")
    if p.returncode != 0:
        fail("audit without a filter failed", p.stderr)
        return
    every = json.loads(p.stdout)
    for pat in patterns:
        p = audit(sa, binary, log, "--format", "json", "--all", "--filter", pat)
        if p.returncode != 0:
            fail("%s: audit failed" % pat, p.stderr)
            continue
        d = json.loads(p.stdout)
        names = [t["name"] for t in d["types"]]
        want = [t["name"] for t in every["types"]
                if pkg_selected(pat, type_pkg(t["name"]), main_path, module)]
        if sorted(names) != sorted(want):
            fail("%s: types %s, expected %s" % (pat, sorted(set(names) ^ set(want))[:8],
                                                len(want)))
        if not names:
            fail("%s: selects no type: the test proves nothing" % pat)
        if d["total_types"] != len(names):
            fail("%s: total_types %d, %d listed" % (pat, d["total_types"], len(names)))
        if d["total_bytes_saved"] != sum(t["bytes_saved"] for t in d["types"]):
            fail("%s: total_bytes_saved %d, rows %d" % (pat, d["total_bytes_saved"],
                                                         sum(t["bytes_saved"]
                                                             for t in d["types"])))
        owed = sum(t.get("heap_bytes_owed", 0) for t in d["types"])
        if d["total_heap_bytes_saved"] != owed:
            fail("%s: total_heap_bytes_saved %d, rows owe %d" % (pat, d["total_heap_bytes_saved"],
                                                                  owed))
        s = d["escape_summary"]
        nstruct = sum(len(t.get("escapes", [])) for t in d["types"])
        if s["struct"] != nstruct:
            fail("%s: summary struct %d, the listed types' sites %d" % (pat, s["struct"], nstruct))
        if s["unresolved"] != len(d["unresolved_sites"]):
            fail("%s: summary unresolved %d, %d listed" % (pat, s["unresolved"],
                                                            len(d["unresolved_sites"])))
        if s["heap"] != s["struct"] + s["other"] + s["unresolved"]:
            fail("%s: heap %d != struct + other + unresolved" % (pat, s["heap"]), s)
        bad = [u for u in d["unresolved_sites"]
               if not pkg_selected(pat, u.get("package"), main_path, module)]
        if bad:
            fail("%s: unresolved sites of other packages" % pat, bad[:3])
        # Every unresolved site of the unfiltered report in a selected package is here.
        want_u = sum(1 for u in every["unresolved_sites"]
                     if pkg_selected(pat, u.get("package"), main_path, module))
        if want_u != len(d["unresolved_sites"]):
            fail("%s: %d unresolved sites, the unfiltered report has %d of its packages" %
                 (pat, len(d["unresolved_sites"]), want_u))
        # Text: --all-unresolved lists every one the summary counts.
        p = audit(sa, binary, log, "--filter", pat, "--all-unresolved")
        listed = len(re.findall(r"^  \S+:\d+(:\d+)? .*\): ", p.stdout, re.M))
        if listed != s["unresolved"]:
            fail("%s: text --all-unresolved lists %d, the summary counts %d" %
                 (pat, listed, s["unresolved"]), p.stdout[-800:])
        print("%-28s %4d types, %6d bytes saved, %6d heap bytes, %5d struct sites, "
              "%5d unresolved" % (pat, len(names), d["total_bytes_saved"],
                                  d["total_heap_bytes_saved"], s["struct"], s["unresolved"]))


def main():
    sa = salib.need()
    fails = []
    real = os.environ.get("SA_FILTER_REAL")
    if real:
        run_checks(sa, os.path.join(real, "compile.bin"), os.path.join(real, "m.log"),
                   ["cmd/compile/...", "cmd/compile/internal/ir/...", "cmd/internal/...",
                    "internal/...", "cmd/compile/internal/ir.*"][:4], "cmd/compile", "cmd",
                   fails)
        return fails
    v = salib.go_releases_at_hand()[-1]
    env = salib.go_env(v)
    work = tempfile.mkdtemp(prefix="sa-filter-")
    try:
        root = os.path.join(work, "f")
        salib.write_tree(root, FILES)
        binary, log = os.path.join(work, "f.bin"), os.path.join(root, "build.log")
        p = salib.build_module(root, env, binary, "all=-m", log)
        if p.returncode != 0:
            return ["go build failed: " + open(log).read()[-800:]]
        run_checks(sa, binary, log, ["./...", "example.com/f/a/...", "example.com/f/b/...",
                                     "internal/...", "runtime/..."], MODULE, MODULE, fails)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
