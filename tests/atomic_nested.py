#!/usr/bin/env python3
"""atomic_nested.py - the sync/atomic check looks inside nested structs and
arrays, and the real compiler agrees.

On 386 and arm only the first word of an allocation is 8-aligned, so a
64-bit integer inside a struct member or an array element sits at the
member's offset + its inner offset (+ i x the element size): 4-aligned
although 8-aligned in its own struct, or the reverse.  The types below have
every such case, plus sync/atomic.Int64 fields (align64: never flagged).

1. `calc --arch arm --check-atomic` on the declarations lists exactly the
   paths and absolute offsets below (WANT), and exits 1; the JSON says the
   same.
2. One Go program, built GOARCH=arm and run under qemu-arm, heap-allocates
   each root type and calls atomic.AddInt64 (or .Add) on every 64-bit
   integer at every depth, recovering each panic: the paths that panic with
   "unaligned 64-bit atomic operation" must be exactly those calc lists, at
   the offsets the program measures with unsafe.
3. A struct member holding an 8-aligned int64 (Pin.C) keeps its offset
   modulo 8 in the order calc suggests: that order does not panic, while
   the unconstrained smallest order does.
4. `audit --as-arch arm --check-atomic` on the same program built for amd64
   lists the same paths (exit 1).
5. `audit --check-atomic` on the arm build itself (offsets from its DWARF)
   lists the same paths (exit 1).
Exit 0 pass, 1 fail, 77 skip (go, qemu-arm missing: the reason is printed).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import salib

# name -> fields; a field type is int64, uint64, atomic.Int64, another
# name, [N]T, or something without 64-bit integers.
TYPES = [
    ("In", [("N", "int64")]),                       # 8 bytes, align 4 on arm
    ("In2", [("A", "int32"), ("N", "int64")]),      # 12 bytes: N at 4
    ("Deep", [("B", "bool"), ("In2", "In2")]),      # In2 at 4: N at 8
    ("WithAtomic", [("A", "int32"), ("C", "atomic.Int64")]),
    ("Outer", [("A", "int32"), ("In", "In"), ("Arr", "[3]In2"), ("B", "int32"),
               ("Pair", "[2]int64"), ("In2", "In2"), ("Deep", "Deep"),
               ("W", "WithAtomic"), ("U", "uint64"), ("P", "*int")]),
    ("Grid", [("B", "bool"), ("G", "[2][2]In"), ("Tail", "[2]Deep")]),
    # C.N at 8; the unconstrained smallest order (pointers first) puts it at 4.
    ("Pin", [("B", "bool"), ("P", "*int"), ("C", "In"), ("D", "bool"), ("E", "int32")]),
]
ROOTS = ["Outer", "Grid", "Pin"]  # all over 16 bytes: never tiny-allocated
UNCONSTRAINED_PIN = ["P", "C", "E", "B", "D"]
# What calc must list on arm: path from the root -> absolute offset.  Not
# listed: Arr[0].N and Arr[2].N (16, 40), In2.N (72: 4-aligned in In2 but
# not here), Deep.In2.N (88), W.C (atomic.Int64), U (112).
WANT = {
    "Outer": {"In.N": 4, "Arr[1].N": 28, "Pair[0]": 52, "Pair[1]": 60},
    "Grid": {"G[0][0].N": 4, "G[0][1].N": 12, "G[1][0].N": 20, "G[1][1].N": 28,
             "Tail[0].In2.N": 44, "Tail[1].In2.N": 60},
    "Pin": {},
}
DECLS = {name: fields for name, fields in TYPES}


def go_decls(types=TYPES):
    out = []
    for name, fields in types:
        out.append("type %s struct {" % name)
        out.extend("\t%s %s" % f for f in fields)
        out.append("}")
    return "\n".join(out) + "\n"


def leaves(typ, path):
    """(path, kind) of every 64-bit integer in typ; kind int64/uint64/atomic."""
    m = re.match(r"^\[(\d+)\](.*)$", typ)
    if typ in ("int64", "uint64", "atomic.Int64"):
        yield path, typ
    elif m:
        for i in range(int(m.group(1))):
            yield from leaves(m.group(2), "%s[%d]" % (path, i))
    elif typ in DECLS:
        for fname, ftype in DECLS[typ]:
            yield from leaves(ftype, "%s.%s" % (path, fname) if path else fname)


def go_program(types=TYPES):
    body = []
    for root in ROOTS:
        body.append("\t{\n\t\tp := new(%s)\n\t\tbase := uintptr(unsafe.Pointer(p))\n"
                    "\t\tfmt.Println(\"base\", \"%s\", base%%8)" % (root, root))
        for path, kind in leaves(root, ""):
            op = {"int64": "atomic.AddInt64(&p.%s, 1)",
                  "uint64": "atomic.AddUint64(&p.%s, 1)",
                  "atomic.Int64": "p.%s.Add(1)"}[kind] % path
            body.append('\t\ttry("%s", "%s", uintptr(unsafe.Pointer(&p.%s))-base, func() { %s })'
                        % (root, path, path, op))
        body.append("\t\tsink = append(sink, p)\n\t}")
    return """package main

import (
\t"fmt"
\t"strings"
\t"sync/atomic"
\t"unsafe"
)

%s
var sink []any

func try(root, path string, off uintptr, f func()) {
\tdefer func() {
\t\tif r := recover(); r != nil {
\t\t\tmsg := fmt.Sprint(r)
\t\t\tif strings.Contains(msg, "unaligned 64-bit atomic operation") {
\t\t\t\tmsg = "unaligned"
\t\t\t}
\t\t\tfmt.Println(root, path, off, "panic", msg)
\t\t}
\t}()
\tf()
\tfmt.Println(root, path, off, "ok")
}

func main() {
%s
}
""" % (go_decls(types), "\n".join(body))


def build(src, work, env, arch, fails):
    b = subprocess.run(["go", "build", "-o", os.path.join(work, "prog-" + arch), "."], cwd=src,
                       env=dict(env, GOARCH=arch, GOOS="linux"), capture_output=True, text=True)
    if b.returncode != 0:
        fails.append("go build GOARCH=%s: %s" % (arch, b.stderr))
    return b.returncode == 0


def pin_panics(src, work, env, order, fails):
    """Pin declared in ORDER, under qemu-arm: the paths that panic."""
    types = [(n, [f for o in order for f in DECLS[n] if f[0] == o] if n == "Pin" else fs)
             for n, fs in TYPES]
    with open(os.path.join(src, "main.go"), "w") as f:
        f.write(go_program(types))
    if not build(src, work, env, "arm", fails):
        return None
    run = subprocess.run(["qemu-arm", os.path.join(work, "prog-arm")], capture_output=True,
                         text=True, timeout=120)
    return sorted(line.split()[1] for line in run.stdout.splitlines()
                  if line.startswith("Pin ") and "panic" in line)


def flagged_from_json(text):
    got = {}
    for t in json.loads(text)["types"]:
        got[t["name"]] = {f["path"]: f["offset"] for f in t.get("atomic_unaligned_fields", [])}
    return got


def main():
    tool = salib.need("go", "qemu-arm")
    work = tempfile.mkdtemp(prefix="atomic-nested.")
    fails = []
    try:
        decl = os.path.join(work, "decl.go")
        with open(decl, "w") as f:
            f.write('import "sync/atomic"\n\n' + go_decls())
        # 1. calc, text and JSON
        p = subprocess.run([tool, "calc", "--arch", "arm", "--check-atomic", "-f", decl],
                           capture_output=True, text=True)
        if p.returncode != 1:
            fails.append("calc --check-atomic exited %d, not 1: %s" % (p.returncode, p.stderr))
        text = set(re.findall(r"ATOMIC: (\S+) \(\w+\) at offset (\d+)", p.stdout))
        for root in ROOTS:
            for path, off in WANT[root].items():
                if ("%s.%s" % (root, path), str(off)) not in text:
                    fails.append("calc text does not list %s.%s at offset %d" % (root, path, off))
        p = subprocess.run([tool, "calc", "--arch", "arm", "--check-atomic", "--format", "json",
                            "-f", decl], capture_output=True, text=True)
        calc = flagged_from_json(p.stdout)
        for root in ROOTS:
            if calc.get(root) != WANT[root]:
                fails.append("calc JSON for %s: %s, want %s" % (root, calc.get(root), WANT[root]))
        # 2. the real compiler under qemu-arm
        src = os.path.join(work, "prog")
        salib.write_tree(src, {"go.mod": "module m\n\ngo 1.19\n", "main.go": go_program()})
        env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GOPROXY="off",
                   GOWORK="off", GOPATH=os.path.join(work, "gopath"))
        env.setdefault("GOCACHE", subprocess.run(["go", "env", "GOCACHE"], capture_output=True,
                                                 text=True).stdout.strip())
        if not build(src, work, env, "arm", fails) or not build(src, work, env, "amd64", fails):
            return fails
        run = subprocess.run(["qemu-arm", os.path.join(work, "prog-arm")], capture_output=True,
                             text=True, timeout=120)
        panicked = {r: {} for r in ROOTS}
        seen = 0
        for line in run.stdout.splitlines():
            w = line.split()
            if w[0] == "base":
                if w[2] != "0":
                    fails.append("new(%s) is not 8-aligned: the test proves nothing" % w[1])
                continue
            seen += 1
            root, path, off, verdict = w[0], w[1], int(w[2]), w[3]
            if verdict == "panic" and w[4] == "unaligned":
                panicked[root][path] = off
            elif verdict != "ok":
                fails.append("%s.%s: unexpected %s" % (root, path, line))
        nleaves = sum(1 for r in ROOTS for _ in leaves(r, ""))
        if run.returncode != 0 or seen != nleaves:
            fails.append("qemu-arm run: status %d, %d of %d fields: %s"
                         % (run.returncode, seen, nleaves, run.stderr[-500:]))
        for root in ROOTS:
            if panicked[root] != (calc.get(root) or {}):
                fails.append("%s: panics under qemu-arm at %s; calc lists %s"
                             % (root, panicked[root], calc.get(root)))
            print("%s: %d of %d 64-bit fields panic, all flagged: %s"
                  % (root, len(panicked[root]), sum(1 for _ in leaves(root, "")),
                     " ".join(sorted(panicked[root]))))
        # 3. The smallest order calc suggests for Pin keeps C.N 8-aligned (it
        # does not panic); the unconstrained one does not (it panics, or this
        # proves nothing).
        p = subprocess.run([tool, "calc", "--arch", "arm", "--format", "json", "-t", "Pin",
                            "-f", decl], capture_output=True, text=True)
        pin = json.loads(p.stdout)["types"][0]
        if pin["optimal_size"] >= pin["size"] or "8-aligned" not in pin.get("optimal_note", ""):
            fails.append("calc: no constrained smaller order for Pin: %s" % pin)
        got = pin_panics(src, work, env, UNCONSTRAINED_PIN, fails)
        if got != ["C.N"]:
            fails.append("the unconstrained order of Pin: panics %s, want C.N" % got)
        got = pin_panics(src, work, env, pin["optimal_order"], fails)
        print("Pin in the suggested order %s: panics %s" % (" ".join(pin["optimal_order"]), got))
        if got != []:
            fails.append("the suggested order of Pin panics at %s" % got)
        # 4. audit --as-arch arm on the amd64 build
        p = subprocess.run([tool, "audit", "--as-arch", "arm", "--check-atomic", "--format",
                            "json", "-t", "main.*", os.path.join(work, "prog-amd64")],
                           capture_output=True, text=True)
        if p.returncode != 1:
            fails.append("audit --as-arch arm --check-atomic exited %d, not 1: %s"
                         % (p.returncode, p.stderr))
        else:
            got = {}
            for t in json.loads(p.stdout)["types"]:
                got[t["name"]] = {f["path"]: f["offset"]
                                  for f in t["layout"].get("atomic_unaligned_fields", [])}
            for root in ROOTS:
                if got.get("main." + root) != WANT[root]:
                    fails.append("audit --as-arch arm for main.%s: %s, want %s"
                                 % (root, got.get("main." + root), WANT[root]))
        p = subprocess.run([tool, "audit", "--as-arch", "arm", "--check-atomic", "-t",
                            "main.Outer", os.path.join(work, "prog-amd64")],
                           capture_output=True, text=True)
        if "ATOMIC: main.Outer.Arr[1].N (int64) at offset 28" not in p.stdout:
            fails.append("audit text does not list main.Outer.Arr[1].N: %s" % p.stdout)
        # 5. audit --check-atomic on the arm build itself (its DWARF offsets;
        # prog-arm now has Pin in the suggested order, which lists nothing).
        p = subprocess.run([tool, "audit", "--check-atomic", "--format", "json", "-t", "main.*",
                            os.path.join(work, "prog-arm")], capture_output=True, text=True)
        if p.returncode != 1:
            fails.append("audit --check-atomic on the arm build exited %d, not 1: %s"
                         % (p.returncode, p.stderr))
        else:
            got = {}
            for f in json.loads(p.stdout).get("atomic_fields", []):
                got.setdefault(f["type"], {})[f["field"]] = f["offset"]
            for root in ROOTS:
                if got.get("main." + root, {}) != WANT[root]:
                    fails.append("audit of the arm build for main.%s: %s, want %s"
                                 % (root, got.get("main." + root), WANT[root]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
