#!/usr/bin/env python3
"""go_runtime.py - the Go toolchain's own types in binaries of each release
(issue #11): linker-synthesized types, the runtime's 64-bit atomics on 386
and arm, 1.26's sudog<T>.elem, structs.HostLayout and map slot padding.

One small program (channels, maps, sync/atomic fields, and from 1.23 a
struct with a structs.HostLayout field) is built by each release for amd64,
386 and arm.  The truth:

  - the program itself prints unsafe.Sizeof/Alignof/Offsetof of its types
    (amd64 natively, arm under qemu-arm); 386 programs cannot run here, so
    the arm numbers are proved for 386 by compile-time assertions (a file
    that compiles for GOARCH=386 only if they hold);
  - the DWARF the compiler and linker wrote, listed by readelf (not by us):
    the names of the linker's types, and every struct's offsets, which the
    model must reproduce (0 "model disagrees" on every struct of the
    binary, the runtime's included);
  - the release's runtime source (GOROOT/src/runtime/runtime2.go) for the
    size of sudog.elem.

Checks, per release and arch: every type's offsets, size and alignment
match the program (sync/atomic.Int64/Uint64 and sync/atomic.align64 are
8-aligned on 386 and arm as on 64-bit targets: Alignof(atomic.Int64{}) is
8 while int64 aligns 4); no struct has an optimal size below the sum of its
members; the set of linker type families in DWARF is the release's
(hchan, sudog, waitq and hash, bucket up to 1.23, or map, table,
groupReference from 1.24), each of them is marked go_linker, has no model
verdict and no suggested order, and --no-compiler-types hides them;
sudog<T> carries exactly runtime.sudog's padding (1.26+: the 16-byte elem
the linker's DWARF calls *T is no hole); the text footer says nothing of
C's "packed or aligned"; HostLayout structs (1.23+) keep their order in
audit, show, SARIF and calc.

Releases: $GO_VERSIONS when set, else 1.19 1.23 1.24 1.27 (the last
release of buckets and the first of swiss tables both matter here).
Exit 0 pass, 1 fail, 77 skip (a release or qemu-arm missing).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from salib import Skip, go_env, go_releases, need, run_main, skip_release, write_tree

DEFAULT_RELEASES = ["1.19", "1.23", "1.24", "1.27"]
ARCHES = ("amd64", "386", "arm")

# name -> (declaration, field names whose offsets the program prints)
TYPES = {
    "Padded": ("struct {\n\tA bool\n\tB int64\n\tC bool\n}", ["A", "B", "C"]),
    "WithAtomic": ("struct {\n\tFlag bool\n\tN    atomic.Int64\n\tU    atomic.Uint64\n"
                   "\tG    int32\n}", ["Flag", "N", "U", "G"]),
    "Nested": ("struct {\n\tX  int32\n\tIn struct{ N atomic.Int64 }\n}", ["X", "In"]),
    "Small": ("struct {\n\tN int32\n\tB bool\n}", ["N", "B"]),
}
HOST = ("struct {\n\t_ structs.HostLayout\n\tA bool\n\tB int64\n\tC bool\n}", ["A", "B", "C"])

MAIN = """package main

import (
	"encoding/json"
	"os"
	"sync/atomic"
	"unsafe"
)

%(decls)s

type rec = map[string]any

var keep []any
var truth = map[string]rec{}

type Pair struct{ X, Y int64 }

// Padded in its smallest order (the slot a reordered value would make).
type PaddedOpt struct {
	B int64
	A bool
	C bool
}

var chP = make(chan Padded, 1)
var chI = make(chan int)
var mIB = map[int64]bool{1: true}
var mIW = map[int32]int64{1: 2}
var mSP = map[string]Padded{"a": {}}
var mIS = map[int64]Small{1: {}}
var mPS = map[Pair]struct{}{{}: {}}

// A swiss-table slot is struct { key K; elem V } (internal/runtime/maps):
// its size, and K's and V's, as the compiler lays them out.
func slot[K comparable, V any](name string, opt uintptr) {
	var s struct {
		key  K
		elem V
	}
	truth[name] = rec{"key": unsafe.Sizeof(s.key), "elem": unsafe.Sizeof(s.elem),
		"slot": unsafe.Sizeof(s), "slot_opt": opt}
}

func main() {
%(measure)s
	truth["sync/atomic.Int64"] = rec{"size": unsafe.Sizeof(atomic.Int64{}), "align": unsafe.Alignof(atomic.Int64{})}
	truth["sync/atomic.Uint64"] = rec{"size": unsafe.Sizeof(atomic.Uint64{}), "align": unsafe.Alignof(atomic.Uint64{})}
	var i64 int64
	truth["int64"] = rec{"size": unsafe.Sizeof(i64), "align": unsafe.Alignof(i64)}
	keep = append(keep, chP, chI, mIB, mIW, mSP, mIS, mPS)
	slot[int64, bool]("map[int64]bool", unsafe.Sizeof(struct {
		key  int64
		elem bool
	}{}))
	slot[int32, int64]("map[int32]int64", unsafe.Sizeof(struct {
		key  int32
		elem int64
	}{}))
	slot[string, Padded]("map[string]main.Padded", unsafe.Sizeof(struct {
		key  string
		elem PaddedOpt
	}{}))
	slot[int64, Small]("map[int64]main.Small", unsafe.Sizeof(struct {
		key  int64
		elem Small
	}{}))
	slot[Pair, struct{}]("map[main.Pair]struct {}", unsafe.Sizeof(struct {
		key  Pair
		elem struct{}
	}{}))
	json.NewEncoder(os.Stdout).Encode(truth)
}
"""

HOSTFILE = """//go:build go1.23

package main

import (
	"structs"
	"unsafe"
)

type HL %(decl)s

func init() {
%(measure)s
}
"""


def measure(name, fields, indent="\t"):
    v = "v" + name
    out = ["%svar %s %s" % (indent, v, name), "%skeep = append(keep, &%s)" % (indent, v)]
    offs = ", ".join('"%s": unsafe.Offsetof(%s.%s)' % (f, v, f) for f in fields)
    out.append('%struth["main.%s"] = rec{"size": unsafe.Sizeof(%s), "align": unsafe.Alignof(%s), '
               '"offsets": rec{%s}}' % (indent, name, v, v, offs))
    return "\n".join(out)


def asserts(name, fields, tr, k):
    """Go statements that compile only if gc's layout of name is tr."""
    v = "a%d" % k
    out = ["\tvar %s %s" % (v, name)]
    nums = [("unsafe.Sizeof(%s)" % v, tr["size"]), ("unsafe.Alignof(%s)" % v, tr["align"])]
    nums += [("unsafe.Offsetof(%s.%s)" % (v, f), tr["offsets"][f]) for f in fields]
    for expr, n in nums:
        out.append("\tconst _ uintptr = %s - %d\n\tconst _ uintptr = %d - %s" % (expr, n, n, expr))
    return "\n".join(out)


def write_program(d, with_host):
    decls = "\n\n".join("type %s %s" % (n, t[0]) for n, t in TYPES.items())
    meas = "\n".join(measure(n, t[1]) for n, t in TYPES.items())
    files = {"go.mod": "module example.com/goruntime\n\ngo 1.19\n",
             "main.go": MAIN % {"decls": decls, "measure": meas}}
    if with_host:
        files["host.go"] = HOSTFILE % {"decl": HOST[0], "measure": measure("HL", HOST[1])}
    write_tree(d, files)


def build(env, d, arch, out):
    e = dict(env, GOARCH=arch, GOOS="linux")
    if arch == "arm":
        e["GOARM"] = "7"
    p = subprocess.run(["go", "build", "-o", out, "."], cwd=d, env=e, capture_output=True,
                       text=True)
    return p.returncode == 0, p.stderr


def dwarf_structs(binary):
    """Struct type name -> DW_AT_byte_size in .debug_info, listed by readelf
    (the truth for what the compiler and linker wrote, independent of our
    reader)."""
    p = subprocess.run(["readelf", "--debug-dump=info", "--wide", binary], capture_output=True,
                       text=True, errors="replace")
    sizes, want, name = {}, False, None
    for line in p.stdout.splitlines():
        if "DW_TAG_" in line:
            want, name = "DW_TAG_structure_type" in line, None
        elif want and ("DW_AT_name" in line or "DW_AT_byte_size" in line):
            at = "DW_AT_name" if "DW_AT_name" in line else "DW_AT_byte_size"
            v = line.split(at, 1)[1].lstrip(" :")
            if v.startswith("("):  # "(string) name", "(indirect string, offset: 0x1): name"
                v = re.sub(r"^\([^)]*\):? ", "", v)
            if at == "DW_AT_name":
                name = v.strip()
                sizes.setdefault(name, None)
            elif name is not None:
                sizes[name] = int(v.strip(), 0)
    return sizes


def linker_families(release):
    old = tuple(int(x) for x in release.split(".")) <= (1, 23)
    return {"hchan", "sudog", "waitq"} | ({"hash", "bucket"} if old else
                                          {"map", "table", "groupReference"})


def run(tool, args):
    return subprocess.run([tool] + args, capture_output=True, text=True)


def check_binary(tool, release, arch, binary, truth, gosrc, fails):
    tag = "Go %s %s" % (release, arch)
    p = run(tool, ["audit", "--all", "--no-check-atomic", "-F", "json", binary])
    if p.returncode != 0:
        fails.append("%s: audit exit %d: %s" % (tag, p.returncode, p.stderr.strip()[:300]))
        return
    doc = json.loads(p.stdout)
    types = {t["name"]: t for t in doc["types"]}
    if doc["model_mismatches"] != 0:
        bad = [t["name"] + ": " + t.get("model_mismatch", "") for t in doc["types"]
               if t.get("model_agrees") is False]
        fails.append("%s: %d model disagreements, e.g. %s" % (tag, doc["model_mismatches"],
                                                             bad[:3]))
    # Impossible optimal sizes: below the bytes the members occupy.
    for t in doc["types"]:
        members = sum(f["size"] for f in t["fields"])
        if t["optimal_size"] < members:
            fails.append("%s: %s optimal_size %d < %d bytes of members" % (
                tag, t["name"], t["optimal_size"], members))
    # The program's own numbers.
    for name, tr in truth.items():
        if name == "int64" or name.startswith("map["):
            continue
        t = types.get(name)
        if t is None:
            fails.append("%s: %s not in audit --all" % (tag, name))
            continue
        if (t["size"], t["align"]) != (tr["size"], tr["align"]):
            fails.append("%s: %s size/align %d/%d, the compiler %d/%d" % (
                tag, name, t["size"], t["align"], tr["size"], tr["align"]))
        for f in t["fields"]:
            want = tr.get("offsets", {}).get(f["name"])
            if want is not None and f["offset"] != want:
                fails.append("%s: %s.%s at %d, the compiler %d" % (tag, name, f["name"],
                                                                    f["offset"], want))
    # align64: an empty struct, 8-aligned on every target (Alignof(atomic.Int64)
    # is 8 where int64 aligns 4: only align64 explains it).
    if "sync/atomic.align64" in types:
        want = truth["sync/atomic.Int64"]["align"]
        if types["sync/atomic.align64"]["align"] != want:
            fails.append("%s: sync/atomic.align64 align %d, the compiler's atomic.Int64 %d" % (
                tag, types["sync/atomic.align64"]["align"], want))
    # Linker types: the families of the release, all recognised.
    dsizes = dwarf_structs(binary)
    dnames = set(dsizes)
    linker = {n for n in dnames if re.match(r"^[A-Za-z]+<.*>$", n)}
    fams = {n.split("<", 1)[0] for n in linker}
    if fams != linker_families(release):
        fails.append("%s: linker type families in DWARF %s, expected %s" % (
            tag, sorted(fams), sorted(linker_families(release))))
    for n in sorted(linker):
        t = types.get(n)
        if t is None:
            fails.append("%s: %s (in DWARF) missing from audit --all" % (tag, n))
        elif (t.get("order_fixed") != "go_linker" or "model_agrees" in t or
              t["reclaimable"] != 0 or t["optimal_index"] != list(range(len(t["fields"])))):
            fails.append("%s: %s not kept as the linker's: order_fixed %s, model_agrees %s, "
                         "reclaimable %d" % (tag, n, t.get("order_fixed"), t.get("model_agrees"),
                                             t["reclaimable"]))
    for n in ("hchan<main.Padded>", "sudog<main.Padded>"):
        if n not in linker:
            fails.append("%s: %s not in the DWARF (readelf)" % (tag, n))
    # sudog<T>: runtime.sudog's own padding, no more (1.26+: elem is 16 bytes
    # in the runtime, *T in the linker's copy).
    rs, ss = types.get("runtime.sudog"), types.get("sudog<main.Padded>")
    if rs and ss:
        word = 4 if arch in ("386", "arm") else 8
        src = open(os.path.join(gosrc, "runtime", "runtime2.go")).read()
        m = re.search(r"type sudog struct \{.*?\n\telem\s+(\S+)", src, re.S)
        elem = m.group(1) if m else "?"
        want = 2 * word if elem == "maybeTraceablePtr" else word
        relem = [f for f in rs["fields"] if f["name"] == "elem"]
        selem = [f for f in ss["fields"] if f["name"] == "elem"]
        if not relem or relem[0]["size"] != want:
            fails.append("%s: runtime.sudog.elem (%s in runtime2.go) is %s bytes, expected %d" % (
                tag, elem, relem[0]["size"] if relem else "?", want))
        if not selem or selem[0]["size"] != want or ss["padding"] != rs["padding"]:
            fails.append("%s: sudog<main.Padded> elem %s bytes, padding %d; runtime.sudog's "
                         "elem %d, padding %d" % (tag, selem[0]["size"] if selem else "?",
                                                  ss["padding"], want, rs["padding"]))
    # show: the order is kept and no ATOMIC advice to move a field of it.
    if arch != "amd64":
        p = run(tool, ["show", binary, "sudog<main.Padded>"])
        if "order kept" not in p.stdout or "ATOMIC" in p.stdout:
            fails.append("%s: show sudog<main.Padded>: %s" % (tag, p.stdout.strip()[-300:]))
    # --no-compiler-types hides them.
    p = run(tool, ["audit", "--all", "--no-check-atomic", "--no-compiler-types", "-F", "json",
                   binary])
    shown = {t["name"] for t in json.loads(p.stdout)["types"]} if p.returncode == 0 else set()
    leaked = sorted(shown & (linker | {n for n in dnames if n.startswith("noalg.")}))
    if p.returncode != 0 or leaked:
        fails.append("%s: --no-compiler-types still lists %s" % (tag, leaked[:3]))
    # The text footer: no C wording for Go; the kept types are explained.
    p = run(tool, ["audit", "--no-check-atomic", binary])
    if "packed or aligned" in p.stdout or "made by the Go linker" not in p.stdout:
        fails.append("%s: audit text footer: %s" % (tag, p.stdout.strip().splitlines()[-2:]))
    check_maps(tool, release, arch, binary, doc, truth, dsizes, fails)
    # HostLayout (1.23+).
    if "main.HL" in truth:
        t = types.get("main.HL")
        if (t is None or t.get("order_fixed") != "host_layout" or t["reclaimable"] != 0 or
                "HostLayout" not in t.get("optimal_note", "")):
            fails.append("%s: main.HL not kept in its ABI order: %s" % (
                tag, {k: t.get(k) for k in ("order_fixed", "reclaimable")} if t else None))
        p = run(tool, ["show", "--optimize", "--no-check-atomic", binary, "main.HL"])
        if "order kept" not in p.stdout or "Suggested order" in p.stdout:
            fails.append("%s: show main.HL: %s" % (tag, p.stdout.strip().splitlines()[-1:]))
        p = run(tool, ["audit", "--no-check-atomic", "-F", "sarif", binary])
        if "main.HL" in p.stdout:
            fails.append("%s: the SARIF report has a result for main.HL" % tag)


def check_maps(tool, release, arch, binary, doc, truth, dsizes, fails):
    """Map entries: 1.24+ slots against the slot struct in DWARF and the
    program's struct { key K; elem V }; 1.19-1.23 buckets against bucket<K,V>
    in DWARF (8 keys then 8 values: no padding between them)."""
    tag = "Go %s %s" % (release, arch)
    swiss = tuple(int(x) for x in release.split(".")) >= (1, 24)
    word = 4 if arch in ("386", "arm") else 8
    maps = {m["map"]: m for m in doc.get("maps", [])}
    for name, tr in truth.items():
        if not name.startswith("map["):
            continue
        m = maps.get(name)
        if m is None:
            fails.append("%s: %s not in the JSON maps" % (tag, name))
            continue
        k, v = name[4:].split("]", 1)
        got = (m["layout"], m["key_size"], m["elem_size"], m["entry_bytes"], m["entry_padding"])
        if swiss:
            dw = dsizes.get("noalg.struct { key %s; elem %s }" % (k, v))
            want = ("slot", tr["key"], tr["elem"], tr["slot"], tr["slot"] - tr["key"] - tr["elem"])
            if dw != tr["slot"]:
                fails.append("%s: %s: the slot in DWARF is %s bytes, the program's struct %d"
                             % (tag, name, dw, tr["slot"]))
            want_opt = tr["slot_opt"]
        else:
            dw = dsizes.get("bucket<%s,%s>" % (k, v))
            want = ("bucket", tr["key"], tr["elem"], tr["key"] + tr["elem"], 0)
            # tophash [8]uint8, keys [8]K, values [8]V, overflow pointer
            if dw != 8 + 8 * (tr["key"] + tr["elem"]) + word:
                fails.append("%s: %s: bucket<%s,%s> in DWARF is %s bytes, not 8 + 8 x %d + %d"
                             % (tag, name, k, v, dw, tr["key"] + tr["elem"], word))
            want_opt = tr["slot_opt"] - (tr["slot"] - tr["key"] - tr["elem"])
            if name == "map[string]main.Padded":
                want_opt = tr["key"] + truth["main.Padded"]["size"] - (
                    tr["slot"] - tr["slot_opt"])
        if got != want:
            fails.append("%s: %s: (layout, key, elem, entry, padding) %s, expected %s"
                         % (tag, name, got, want))
        if name == "map[string]main.Padded" and m["optimal_entry_bytes"] != want_opt:
            fails.append("%s: %s: optimal entry %d, the reordered value's slot %d"
                         % (tag, name, m["optimal_entry_bytes"], want_opt))
    # Text: map[int64]bool listed with its padding times --count on 1.24+;
    # never on the bucket releases.
    p = run(tool, ["audit", "--no-check-atomic", "--count", "map[int64]bool=1M", binary])
    tr = truth["map[int64]bool"]
    pad = tr["slot"] - tr["key"] - tr["elem"]
    line = [ln for ln in p.stdout.splitlines() if ln.endswith(" map[int64]bool")]
    cols = line[0].split()[-5:] if line else []
    if swiss and cols != [str(tr["slot"]), str(tr["key"] + tr["elem"]), str(pad), "1M",
                          "map[int64]bool"]:
        fails.append("%s: audit text does not list map[int64]bool with %d bytes of padding an "
                     "entry at 1M entries: %s" % (tag, pad, line))
    if swiss:
        p = run(tool, ["audit", "--no-check-atomic", "-F", "json", "--count",
                       "map[int64]bool=1M", binary])
        m = {m["map"]: m for m in json.loads(p.stdout)["maps"]}.get("map[int64]bool", {})
        if m.get("padding_bytes") != pad * 1000000 or "fix" not in m:
            fails.append("%s: map[int64]bool at 1M entries: padding_bytes %s, expected %d"
                         % (tag, m.get("padding_bytes"), pad * 1000000))
    if not swiss and (line or "buckets" not in p.stdout):
        fails.append("%s: bucket release lists map[int64]bool or no bucket note: %s"
                     % (tag, line))


def check_calc_host(tool, fails):
    """calc on the Go declaration: the order is kept (no binary needed)."""
    decl = "type HL %s" % HOST[0]
    for arch in ARCHES:
        p = run(tool, ["calc", "--arch", arch, "-F", "json", "--no-check-atomic", decl])
        t = json.loads(p.stdout)["types"][0] if p.returncode == 0 else {}
        if t.get("order_fixed") != "host_layout" or t.get("reclaimable") != 0:
            fails.append("calc %s: HL not kept: %s %s" % (arch, t.get("order_fixed"),
                                                          p.stderr.strip()))
    p = run(tool, ["calc", decl])
    if "order kept" not in p.stdout or "structs.HostLayout" not in p.stdout:
        fails.append("calc text: %s" % p.stdout.strip().splitlines()[-1:])


def main():
    tool = need("qemu-arm", "readelf")
    releases = go_releases() if os.environ.get("GO_VERSIONS") else DEFAULT_RELEASES
    fails = []
    check_calc_host(tool, fails)
    work = tempfile.mkdtemp(prefix="go-runtime.")
    try:
        for release in releases:
            try:
                env = go_env(release)
            except Skip as e:
                skip_release(release, e)
                continue
            gosrc = os.path.join(env["GOROOT"], "src")
            with_host = tuple(int(x) for x in release.split(".")) >= (1, 23)
            d = os.path.join(work, release)
            write_program(d, with_host)
            bins, truth = {}, {}
            for arch in ("amd64", "arm"):
                bins[arch] = os.path.join(work, "prog-%s-%s" % (release, arch))
                ok, err = build(env, d, arch, bins[arch])
                if not ok:
                    fails.append("Go %s %s: build failed: %s" % (release, arch, err[-400:]))
                    continue
                cmd = ([] if arch == "amd64" else ["qemu-arm"]) + [bins[arch]]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    fails.append("Go %s %s: program failed: %s" % (release, arch, p.stderr[-300:]))
                    continue
                truth[arch] = json.loads(p.stdout)
            if "arm" not in truth or "amd64" not in truth:
                continue
            # 386: the arm numbers, proved by the 386 compiler.
            named = dict((n, t[1]) for n, t in TYPES.items())
            if with_host:
                named["HL"] = HOST[1]
            with open(os.path.join(d, "assert386.go"), "w") as f:
                f.write("//go:build 386\n\npackage main\n\nimport \"unsafe\"\n\n"
                        "func init() {\n%s\n}\n" % "\n".join(
                            asserts(n, flds, truth["arm"]["main." + n], k)
                            for k, (n, flds) in enumerate(named.items())))
            bins["386"] = os.path.join(work, "prog-%s-386" % release)
            ok, err = build(env, d, "386", bins["386"])
            os.unlink(os.path.join(d, "assert386.go"))
            if not ok:
                fails.append("Go %s 386: the layouts differ from arm's (compile-time assertions):"
                             " %s" % (release, err[-400:]))
                continue
            truth["386"] = truth["arm"]
            for arch in ARCHES:
                if arch != "amd64" and truth[arch]["int64"]["align"] != 4:
                    fails.append("Go %s %s: int64 aligns %d (expected 4: the test assumes it)"
                                 % (release, arch, truth[arch]["int64"]["align"]))
                check_binary(tool, release, arch, bins[arch], truth[arch], gosrc, fails)
            print("Go %s: amd64, 386, arm checked" % release)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return fails


if __name__ == "__main__":
    sys.exit(run_main(main))
