#!/usr/bin/env python3
"""End-to-end checks of `structalign audit --escape` (the escape join).

Builds tests/escape/join (one of each heap-allocation shape for padded
structs, next to stack-only values of the same shapes) and tests/escape/shapes
(a module of several packages, built from its root) with the installed Go
1.19, keeps their escape logs in every form (-m, -m=2, all=-m, the -json
directory), and checks:

  - the exact heap sites tied to each struct type, per log form;
  - that stack-only values never appear, and the unresolved sites with
    their reasons;
  - the size classes against GOROOT's runtime/sizeclasses.go (parsed here,
    independently of libalign's generated table), bytes saved per object
    and per backing array, with and without --count;
  - logs that do not fit: another program's (exit 2), a stale one
    (warning, stale sites), garbage, empty, truncated, missing, a directory
    without JSON;
  - text, JSON and CSV output.

Prints 'N passed, M failed' and exits 0/1; 77 (skip) when go is not Go 1.19
(the expected sites are that compiler's).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import salib  # tests/salib.py: this script's directory is on sys.path

SA = os.environ.get("STRUCTALIGN") or os.path.join(
    os.environ.get("top_builddir", "."), "cli", "structalign")
SRCDIR = os.path.abspath(os.environ.get("top_srcdir", "."))

passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s%s" % (what, ("\n      " + str(detail)) if detail != "" else ""))


def skip(why):
    print("SKIP:", why)
    sys.exit(77)


def go_env(cache):
    return dict(os.environ, CGO_ENABLED="0", GOFLAGS="", GOWORK="off", GO111MODULE="on",
                GOTOOLCHAIN="local", GOCACHE=cache)


def go(args, cwd, cache, stderr_to=None):
    """Runs go; stderr to a file when asked (the -m log)."""
    with open(stderr_to, "w") if stderr_to else open(os.devnull, "w") as err:
        p = subprocess.run(["go"] + args, cwd=cwd, env=go_env(cache), stdout=subprocess.PIPE,
                           stderr=err if stderr_to else subprocess.PIPE, text=True)
    if p.returncode != 0:
        msg = open(stderr_to).read() if stderr_to else p.stderr
        raise SystemExit("go %s failed in %s:\n%s" % (" ".join(args), cwd, msg))


def audit(*args, expect=0):
    p = subprocess.run([SA, "audit"] + list(args), capture_output=True, text=True)
    if p.returncode != expect:
        check(False, "audit %s: exit %d, expected %d" % (" ".join(args), p.returncode, expect),
              p.stderr.strip())
    return p


def audit_json(*args):
    p = audit("--format", "json", "--all", *args)
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        check(False, "audit %s: JSON output" % " ".join(args), e)
        return {"types": [], "unresolved_sites": [], "escape_summary": {}}


# ------------------------------------------------------- size classes

def size_classes(goroot):
    """The table of runtime/sizeclasses.go's comment: class bytes/obj ..."""
    path = os.path.join(goroot, "src", "runtime", "sizeclasses.go")
    sizes = []
    for line in open(path):
        m = re.match(r"^//\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", line)
        if m:
            sizes.append(int(m.group(2)))
    if len(sizes) < 60:
        raise SystemExit("cannot read the size classes of %s" % path)
    return sizes


def alloc(sizes, n):
    """Bytes mallocgc reserves for n bytes (no tiny packing)."""
    if n == 0:
        return 0
    if n <= sizes[-1]:
        return min(s for s in sizes if s >= n)
    return (n + 8191) // 8192 * 8192


# ---------------------------------------------------------- helpers

def norm(path, root):
    """Log paths as written ("./main.go", "/abs/.../main.go") -> "main.go"."""
    if path.startswith("/"):
        path = os.path.relpath(path, root)
    return path[2:] if path.startswith("./") else path


def sites_by_type(data, root, with_expr=False, key="file"):
    """{type: sorted sites}; key "path": the binary's file each matched."""
    out = {}
    for t in data["types"]:
        if t.get("escapes"):
            out[t["name"]] = sorted(
                (norm(e[key], root), e["line"], e["col"], e["kind"]) +
                ((e["expr"],) if with_expr else ()) for e in t["escapes"])
    return out


def types_by_name(data):
    return {t["name"]: t for t in data["types"]}


# The join program: (file, line, col, kind) of every heap site per type,
# each checked against the source by hand (tests/escape/join/main.go).
JOIN_SITES = {
    "main.Order": [
        ("main.go", 55, 2, "moved"),          # newOrder: return &o
        ("main.go", 64, 23, "addr_of_lit"),   # fill: &Order{} in a loop
        ("main.go", 79, 13, "make_slice"),    # batch: make([]Order, n)
        ("main.go", 79, 31, "make_slice"),    # make([]Order, n, 2*n)
        ("main.go", 86, 2, "boxed"),          # report: sink = o (parameter)
        ("main.go", 93, 2, "moved"),          # watch: captured by reference
    ],
    # NewPoint is inlined into main; its own copy is not linked (go tool nm
    # lists no geo.NewPoint), so geo.go:13:9 is no heap site of the binary.
    "example.com/join/geo.Point": [
        ("main.go", 143, 20, "addr_of_lit"),   # inlined into main
    ],
    "main.Flags": [("main.go", 72, 12, "new")],
    "example.com/join/store.Record": [("store/store.go", 15, 10, "new")],
    # makePair's generic body allocates the only instantiation its shapes
    # stand for: makePair(true, int64(6)) is a Pair[bool,int64].
    "main.Pair[bool,int64]": [("main.go", 104, 9, "addr_of_lit"),
                              ("main.go", 109, 9, "addr_of_lit")],
    "main.Sample": [("main.go", 169, 16, "make_slice")],
}
# -m=2 says what the closure of every() copies: o, an Order.
JOIN_SITES_M2 = dict(JOIN_SITES)
JOIN_SITES_M2["main.Order"] = sorted(JOIN_SITES["main.Order"] +
                                     [("main.go", 137, 9, "func_lit")])
# The -json directory covers the packages named on the command line; the
# main package's own log has the inlined geo.Point site.
JOIN_UNRESOLVED = {
    ("geo/geo.go", 13, 9): "not linked",      # NewPoint's own copy
    ("main.go", 130, 2): "optimized away",    # note: o has no DWARF variable
    ("main.go", 154, 80): "cannot type",      # next(): a func value's result
    ("main.go", 155, 27): "cannot type",      # price()
}
# Stack-only in the source: these positions must never be heap sites.
JOIN_STACK = [("main.go", 117, 7), ("main.go", 118, 12), ("main.go", 119, 14)]

SHAPES_SITES = {
    "main.Order": [
        ("main.go", 25, 2, "moved", "o"),
        ("main.go", 33, 9, "addr_of_lit", "&Order{...}"),
        ("main.go", 40, 12, "new", "new(Order)"),
        ("main.go", 47, 21, "addr_of_lit", "&Order{...}"),
        ("main.go", 55, 11, "make_slice", "make([]Order, n)"),
        ("main.go", 56, 11, "make_slice", "make([]Order, n, 2 * n)"),
        ("main.go", 64, 2, "boxed", "o"),
        ("main.go", 106, 14, "addr_of_lit", "&Order{...}"),
        ("main.go", 107, 21, "make_slice", "make([]Order, n)"),
        ("main.go", 107, 21, "make_slice", "make([]Order, n, 2 * n)"),
    ],
    # geom.New and misc.Literals are inlined into main and not linked
    # themselves (go tool nm): their own sites are not the binary's.
    "example.com/shapes/geom.Padded": [
        ("geom/geom.go", 22, 10, "new", "new(Padded)"),
        ("main.go", 95, 15, "addr_of_lit", "&geom.Padded{...}"),
    ],
    "example.com/shapes/misc.Point": [
        ("main.go", 111, 15, "slice_lit", "[]misc.Point{...}"),
        ("main.go", 111, 15, "boxed", "any(misc.p)"),
    ],
    # NewPair(true, int64(3)) is the one instantiation of the shapes.
    "example.com/shapes/gen.Pair[bool,int64]": [
        ("main.go", 100, 9, "addr_of_lit", "&gen.Pair[bool,int64]{...}"),
        ("gen/gen.go", 12, 9, "addr_of_lit", "&gen.Pair[go.shape.bool_0,go.shape.int64_1]{...}"),
    ],
    "struct { A int8; B int8 }": [
        ("main.go", 111, 15, "addr_of_lit", "&struct { A int8; B int8 }{...}"),
    ],
}


def expect_sites(got, want, what):
    for name, sites in want.items():
        check(got.get(name) == sorted(sites), "%s: heap sites of %s" % (what, name),
              "got %s\n      want %s" % (got.get(name), sorted(sites)))
    extra = sorted(set(got) - set(want))
    check(not extra, "%s: no other type has heap sites" % what, extra)


def check_classes(data, sizes, what):
    """size_class / optimal_size_class / heap_bytes_saved of every heap type
    against runtime/sizeclasses.go."""
    n = 0
    for t in data["types"]:
        if not t.get("escapes"):
            continue
        n += 1
        count = t["count"]
        if t["heap_alloc"] == "array":
            now, opt = alloc(sizes, t["size"] * count), alloc(sizes, t["optimal_size"] * count)
            per, total = t["reclaimable"], now - opt
        else:
            now, opt = alloc(sizes, t["size"]), alloc(sizes, t["optimal_size"])
            per, total = now - opt, (now - opt) * count
        got = (t["size_class"], t["optimal_size_class"], t["heap_bytes_saved"],
               t["heap_bytes_saved_total"])
        check(got == (now, opt, per, total), "%s: size classes of %s" % (what, t["name"]),
              "got %s, sizeclasses.go gives %s" % (got, (now, opt, per, total)))
    check(n > 0, "%s: some type has heap sites" % what)


# ------------------------------------------------------------ the tests

def test_join(work, sizes):
    src = os.path.join(work, "join")
    shutil.copytree(os.path.join(SRCDIR, "tests", "escape", "join"), src)
    logs = os.path.join(work, "logs")
    os.mkdir(logs)
    # A fresh cache per log: go replays a cached package's -m output, and
    # writes no -json files for it.  The all=-m build uses the user's cache
    # (salib.go_user_cache): join's packages, in this temporary directory,
    # are compiled anew, and the standard library's -m output is replayed
    # verbatim instead of compiled again on every run (8 s of CPU).
    m, m2, allm = (os.path.join(logs, n) for n in ("m.log", "m2.log", "all-m.log"))
    jdir = os.path.join(logs, "json")
    go(["build", "-gcflags=-m", "./..."], src, os.path.join(work, "c1"), stderr_to=m)
    go(["build", "-gcflags=-m=2", "./..."], src, os.path.join(work, "c2"), stderr_to=m2)
    go(["build", "-gcflags=-json=0," + jdir, "./..."], src, os.path.join(work, "c3"))
    binary = os.path.join(work, "join.bin")
    go(["build", "-gcflags=all=-m", "-o", binary, "."], src,
       salib.go_user_cache(os.path.join(work, "c4")),
       stderr_to=allm)
    # Logs read from where the build ran: the default --src is the log's
    # directory, so copy the -m log there too.
    shutil.copy(m, os.path.join(src, "build.log"))

    # -m text, from the build directory (no --src).
    d = audit_json("--escape", os.path.join(src, "build.log"), binary)
    expect_sites(sites_by_type(d, src), JOIN_SITES, "-m")
    check_classes(d, sizes, "-m")
    t = types_by_name(d)
    order, rec, flags = t["main.Order"], t["example.com/join/store.Record"], t["main.Flags"]
    check((order["size"], order["optimal_size"], order["size_class"],
           order["optimal_size_class"], order["heap_bytes_saved"]) == (40, 24, 48, 24, 24),
          "Order: 40 -> 24 bytes, class 48 -> 24: 24 saved, more than its 16 of padding",
          order)
    check((rec["reclaimable"], rec["size_class"], rec["optimal_size_class"],
           rec["heap_bytes_saved"]) == (8, 48, 48, 0),
          "Record: 8 bytes reclaimable, both 48-byte objects: 0 saved", rec)
    check(flags["tiny"] is True and flags["size_class"] == 16 and
          flags["optimal_size_class"] == 8, "Flags: the tiny allocator", flags)
    check(t["main.Sample"]["heap_alloc"] == "array" and order["heap_alloc"] == "object",
          "make-only types are backing arrays, others objects")
    check(t["main.Tick"]["escapes"] == [], "Tick stays on the stack: no heap site",
          t["main.Tick"]["escapes"])
    every = [(norm(e["file"], src), e["line"], e["col"]) for t in d["types"]
             for e in t["escapes"]] + [(norm(u["file"], src), u["line"], u["col"])
                                       for u in d["unresolved_sites"]]
    for pos in JOIN_STACK:
        check(pos not in every, "stack-only %s:%d:%d is no heap site" % pos)
    unres = {(norm(u["file"], src), u["line"], u["col"]): u["reason"]
             for u in d["unresolved_sites"]}
    check(set(unres) == set(JOIN_UNRESOLVED), "unresolved sites", sorted(unres.items()))
    for pos, why in JOIN_UNRESOLVED.items():
        check(why in unres.get(pos, ""), "reason for %s:%d:%d" % pos, unres.get(pos))
    s = d["escape_summary"]
    check((s["heap"], s["struct"], s["unresolved"], s["stack"], s["unmatched"], s["stale"]) ==
          (26, 12, 4, 4, 0, 0), "summary of the -m log", s)
    check(s["not_linked"] == 1, "one site in code the linker removed", s)
    order_sites = [e for e in order["escapes"] if e["line"] == 55]
    check(order_sites and "newOrder" in order_sites[0].get("via", ""),
          "moved to heap: o resolved through newOrder's &o", order_sites)

    # --count: objects x count; one backing array of count elements.
    d = audit_json("--escape", m, "--src", src, "--count", "main.Order=100M",
                   "--count", "main.Sample=1M", binary)
    t = types_by_name(d)
    check(t["main.Order"]["heap_bytes_saved_total"] == 24 * 100_000_000,
          "100M Orders save 24 bytes each", t["main.Order"]["heap_bytes_saved_total"])
    want = alloc(sizes, 24 * 1_000_000) - alloc(sizes, 16 * 1_000_000)
    check(t["main.Sample"]["heap_bytes_saved_total"] == want,
          "make([]Sample, 1M): page-rounded arrays", (t["main.Sample"], want))
    check_classes(d, sizes, "--count")
    names = [t["name"] for t in d["types"]]
    check(names[:2] == ["main.Order", "main.Sample"],
          "--escape ranks by heap bytes saved x count", names[:4])
    heap_first = [bool(t["escapes"]) for t in d["types"]]
    check(heap_first == sorted(heap_first, reverse=True),
          "types without heap sites rank after those with")

    # -m=2 and -m -m: the same sites, and the by-value capture.
    d = audit_json("--escape", m2, "--src", src, binary)
    expect_sites(sites_by_type(d, src), JOIN_SITES_M2, "-m=2")
    fl = [e for e in types_by_name(d)["main.Order"]["escapes"] if e["kind"] == "func_lit"]
    check(fl and "captures o by value" in fl[0].get("via", ""), "closure capture via -m=2", fl)

    # The -json directory: the same heap sites (it has no stack-only ones),
    # and the by-value capture ("parameter o leaks to {storage for func
    # literal}", captured by a closure) as -m=2 has it.
    d = audit_json("--escape", jdir, binary)
    expect_sites(sites_by_type(d, src), JOIN_SITES_M2, "-json")
    fl = [e for e in types_by_name(d)["main.Order"]["escapes"] if e["kind"] == "func_lit"]
    check(fl and "captures o by value (-json)" in fl[0].get("via", ""),
          "closure capture via -json", fl)
    check(d["escape_summary"]["stack"] == 0, "-json logs have no stack-only sites")
    # Both forms of one build: duplicates dropped; the text log, read
    # first, keeps its sites (a capture joins only the log that says it).
    d2 = audit_json("--escape", m, "--src", src, "--escape", jdir, binary)
    check(sites_by_type(d2, src) == sites_by_type(audit_json("--escape", m, "--src", src,
                                                             binary), src) and
          d2["escape_summary"]["duplicates"] > 0, "text + json: duplicates dropped",
          d2["escape_summary"])

    # all=-m: the standard library's sites as well; ours unchanged.
    d = audit_json("--escape", allm, "--src", src, binary)
    got = {k: v for k, v in sites_by_type(d, src).items() if k in JOIN_SITES}
    expect_sites(got, JOIN_SITES, "all=-m")
    check(d["escape_summary"]["heap"] > 500, "all=-m: the standard library's sites read",
          d["escape_summary"])

    # Text and CSV.
    p = audit("--escape", m, "--src", src, "--no-compiler-types", binary)
    out = p.stdout
    for want in ("escape log: 30 sites: 26 heap (12 of 6 struct types, 10 of other values, "
                 "4 unresolved), 4 stack-only",
                 "size class 48 -> 24, 24 bytes/object saved",
                 "              heap: ./main.go:64:23 &Order{...} (addr_of_lit)",
                 "heap: ./main.go:55:2 moved to heap: o (moved; variable o main.Order of "
                 "main.newOrder)",
                 "size class 48 -> 48, 0 bytes/object saved",
                 "Unresolved heap sites (4: 1 not linked, 0 in files the binary does not have, "
                 "0 contradicting it, 3 not typed):",
                 "  ... and 1 in functions the linker removed (not linked; --all-unresolved "
                 "lists them)",
                 "  ./main.go:130:2 o (boxed): no variable o in scope at line 130"):
        check(want in out, "text output has %r" % want, out)
    p = audit("--escape", m, "--src", src, "--format", "csv", "--filter", "main.Order", binary)
    lines = p.stdout.splitlines()
    check(lines and lines[0].endswith(",heap_sites,size_class,optimal_size_class,"
                                      "heap_bytes_saved,heap_bytes_saved_total,heap_bytes_owed"),
          "CSV header", lines[:1])
    check(len(lines) == 2 and lines[1].endswith(",6,48,24,24,24,24"), "CSV row of main.Order",
          lines[1:])
    # A generic type's name is a glob with a bracket class: --filter takes
    # it as the exact name first.
    d = audit_json("--filter", "main.Pair[bool,int64]", binary)
    check([t["name"] for t in d["types"]] == ["main.Pair[bool,int64]"],
          "--filter selects a generic type by its exact name", [t["name"] for t in d["types"]])
    return src, binary, m


def test_mismatch(work, join_src, join_bin, join_log):
    shapes = os.path.join(work, "shapes")
    # Program A's log, program B's binary: nothing matches -> exit 2.
    p = audit("--escape", os.path.join(shapes, "build.log"), join_bin, expect=2)
    check("does not match" in p.stderr and "example.com/shapes" in p.stderr,
          "another program's log is detected", p.stderr)

    # A stale log: the program moved on by one line.
    stale = os.path.join(work, "stale")
    shutil.copytree(join_src, stale)
    with open(os.path.join(stale, "main.go")) as f:
        text = f.read()
    with open(os.path.join(stale, "main.go"), "w") as f:
        f.write("// edited after the log was written\n" + text)
    stale_bin = os.path.join(work, "stale.bin")
    go(["build", "-o", stale_bin, "."], stale, os.path.join(work, "c1"))
    p = audit("--format", "json", "--escape", join_log, "--src", stale, stale_bin)
    d = json.loads(p.stdout) if p.returncode == 0 else {"unresolved_sites": []}
    stale_sites = [u for u in d["unresolved_sites"] if u["stale"]]
    check(any("stale log" in u["reason"] and u["line"] == 55 for u in stale_sites),
          "moved variable declared one line later: stale", d["unresolved_sites"])
    check("warning" in p.stderr and "do not match" in p.stderr, "stale log warning", p.stderr)

    # Bad inputs: exit 2 and a message naming the file.
    garbage = os.path.join(work, "garbage.log")
    with open(garbage, "wb") as f:
        f.write(bytes(range(256)) * 64)
    empty = os.path.join(work, "empty.log")
    open(empty, "w").close()
    nojson = os.path.join(work, "nojson")
    os.mkdir(nojson)
    badjson = os.path.join(work, "badjson")
    os.mkdir(badjson)
    with open(os.path.join(badjson, "x.json"), "w") as f:
        f.write('{"version":0,"package":"main","goos":"linux","goarch":"amd64",'
                '"gc_version":"go1.19.8","file":"/x/main.go"}\n{"range": [1,\n')
    for path, want in ((garbage, "no Go escape-analysis message"),
                       (empty, "empty"),
                       (os.path.join(work, "missing.log"), "cannot open"),
                       (nojson, "no .json"),
                       (badjson, "x.json:2")):
        p = audit("--escape", path, join_bin, expect=2)
        check(want in p.stderr and path.split("/")[-1] in p.stderr,
              "bad log %s: %r" % (os.path.basename(path), want), p.stderr)

    # Truncated in mid-line, with unrelated lines mixed in: what is there
    # still joins, the rest is skipped.
    text = open(join_log).read()
    cut = text[:text.index("./main.go:86:2")] + "./main.go:86:"
    noisy = os.path.join(join_src, "noisy.log")
    with open(noisy, "w") as f:
        f.write("go: downloading example.com/nothing v1.0.0\nrandom words here\n" + cut)
    d = audit_json("--escape", noisy, join_bin)
    got = sites_by_type(d, join_src)
    check(got.get("main.Order") == [s for s in JOIN_SITES["main.Order"] if s[1] < 86],
          "truncated log: the sites before the cut", got.get("main.Order"))
    p = audit("--escape", join_log, "--src", join_src, "--format", "json", join_bin + ".nope",
              expect=2)
    check("cannot open" in p.stderr, "missing binary", p.stderr)
    # --src alone says where the sources are (structalign:ignore markers,
    # SARIF fixes: tests/fix_check.py): the same report as without it here.
    p = audit("--src", join_src, join_bin, expect=0)
    check("main.Order" in p.stdout, "--src alone: the audit is reported", p.stdout + p.stderr)


def test_shapes(work, sizes):
    src = os.path.join(work, "shapes")
    shutil.copytree(os.path.join(SRCDIR, "tests", "escape", "shapes"), src)
    log = os.path.join(src, "build.log")
    go(["build", "-gcflags=-m", "./..."], src, os.path.join(work, "c5"), stderr_to=log)
    binary = os.path.join(work, "shapes.bin")
    go(["build", "-o", binary, "."], src, os.path.join(work, "c5"))
    d = audit_json("--escape", log, binary)
    expect_sites(sites_by_type(d, src, with_expr=True), SHAPES_SITES, "shapes -m")
    check_classes(d, sizes, "shapes")
    every = {(norm(e["file"], src), e["line"], e["col"], e["expr"]) for t in d["types"]
             for e in t["escapes"]}
    for stack in (("misc/misc.go", 27, 11, "make(map[string]Point, n)"),
                  ("main.go", 98, 29, "[]*geom.Padded{...}"),
                  ("main.go", 114, 22, "any(misc.p)")):
        check(stack not in every, "shapes: stack-only %s:%d:%d %s is no heap site" % stack)
    # The committed fixtures (built in another directory, long ago): the
    # paths still match by their tails.
    fx = os.path.join(SRCDIR, "tests", "escape", "logs")
    for form in (["--escape", os.path.join(fx, "m.stderr"), "--src", src],
                 ["--escape", os.path.join(fx, "mm.stderr"), "--src", src],
                 ["--escape", os.path.join(fx, "subdir-m.stderr"), "--src",
                  os.path.join(src, "geom")],
                 ["--escape", os.path.join(fx, "json")]):
        d = audit_json(*(form + [binary]))
        got = sites_by_type(d, src, with_expr=True, key="path")
        check(got.get("example.com/shapes/geom.Padded") ==
              sorted(SHAPES_SITES["example.com/shapes/geom.Padded"]),
              "fixture %s: geom.Padded" % os.path.basename(form[1]),
              got.get("example.com/shapes/geom.Padded"))
        # main.go:95 is `p := geom.New(1)`: the &Padded{} is written in
        # geom.New (-m: "inlining call to geom.New" at the same position;
        # -json: its inlineLoc, geom.go:15, inside New).
        inl = [e.get("inlined_from") for t in d["types"] for e in t["escapes"]
               if e["line"] == 95 and e["col"] == 15]
        check(len(inl) == 1 and (inl[0] or "").endswith("geom.New"),
              "fixture %s: main.go:95:15 is geom.New's allocation, inlined"
              % os.path.basename(form[1]), inl)
    # Text: the allocation under the function it is written in, its
    # inlined call sites beneath.
    p = audit("--escape", log, "--filter", "example.com/shapes/geom.Padded", binary)
    check("heap: in geom.New, inlined at:\n" in p.stdout and
          "  at: ./main.go:95:15 &geom.Padded{...} (addr_of_lit)" in p.stdout,
          "text groups inlined sites under their function", p.stdout)


def main():
    if not shutil.which("go"):
        skip("go not installed (apt-get install golang-go)")
    ver = subprocess.run(["go", "version"], capture_output=True, text=True).stdout
    if "go1.19" not in ver:
        skip("the expected sites are Go 1.19's; this is %s" % ver.strip())
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True,
                            check=True).stdout.strip()
    sizes = size_classes(goroot)
    work = tempfile.mkdtemp(prefix="sa-escape-join-")
    try:
        test_shapes(work, sizes)
        join_src, join_bin, join_log = test_join(work, sizes)
        test_mismatch(work, join_src, join_bin, join_log)
    finally:
        salib.remove_tree(work)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
