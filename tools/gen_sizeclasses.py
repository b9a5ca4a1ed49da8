#!/usr/bin/env python3
"""gen_sizeclasses.py - the Go allocator of each release, as C data.

Usage:
  tools/gen_sizeclasses.py GOROOT... > libalign/analysis/sizeclasses.h
  tools/gen_sizeclasses.py --check HEADER GOROOT...

Each GOROOT is one Go release (1.19 ... 1.27; tools/fetch-go --goroot V
prints them).  For each the script reads:
  - the size-class tables and constants that the runtime's mksizeclasses.go
    generates: src/runtime/sizeclasses.go up to 1.24,
    src/internal/runtime/gc/sizeclasses.go from 1.25 (renamed:
    class_to_size -> SizeClassToSize, _MaxSmallSize -> MaxSmallSize, ...);
  - the tiny allocator's block (_TinySize in malloc.go; gc.TinySize 1.26+);
  - the malloc header (1.22+): its size (mallocHeaderSize in
    runtime/mbitmap*.go, gc.MallocHeaderSize 1.25+), the rule that a scan
    object carries one when heapBitsInSpan(size) is false, i.e. size >
    minSizeForMallocHeader = PtrSize * PtrBits (512 bytes on 64-bit
    targets, 128 on 32-bit ones), and mallocgc's small-object limit
    maxSmallSize - mallocHeaderSize (objects above it take whole pages);
  - the release name from $GOROOT/VERSION.
Every rule is matched against the source text strictly: a release whose
source says something else makes the script exit 1 rather than guess.

It writes one header with each distinct table once and one row per run of
consecutive releases that share a table and rules (go_sc_releases), so a
table that changes in some future release shows up as a new row and a new
table.  --check compares the committed header with the given GOROOTs (any
subset): each release's row and table must be exactly what its source says.
tests/sizeclasses.test runs it for every installed release.

Why a generated, committed header and not a hand-copied table: the numbers
must be exactly the runtime's.  Why not parse the source at run time: users
run structalign on machines without a Go toolchain.
"""
import os
import re
import sys

OLD = {"consts": ["_MaxSmallSize", "smallSizeDiv", "smallSizeMax", "largeSizeDiv",
                  "_NumSizeClasses", "_PageShift"],
       "tables": ["class_to_size", "class_to_allocnpages", "size_to_class8",
                  "size_to_class128"]}
NEW = {"consts": ["MaxSmallSize", "SmallSizeDiv", "SmallSizeMax", "LargeSizeDiv",
                  "NumSizeClasses", "PageShift"],
       "tables": ["SizeClassToSize", "SizeClassToNPages", "SizeToSizeClass8",
                  "SizeToSizeClass128"]}
# Our names (the go1.19 ones, without underscores) and C types.
CONSTS = ["max_small_size", "small_size_div", "small_size_max", "large_size_div",
          "num_size_classes", "page_shift"]
# The runtime's four tables; the header keeps the first two (STORED).  The
# size-to-class lookups are derived data in the runtime too (mksizeclasses.go
# fills them with the smallest class that holds each size), so heap.c finds a
# size's class by a search over class_to_size, and release() refuses a
# release whose lookups ever disagree with that search.
TABLES = [("class_to_size", "uint16_t"), ("class_to_allocnpages", "uint8_t"),
          ("size_to_class8", "uint8_t"), ("size_to_class128", "uint8_t")]
STORED = TABLES[:2]


def die(msg):
    sys.stderr.write("gen_sizeclasses.py: %s\n" % msg)
    sys.exit(1)


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        die("cannot read %s: %s" % (path, e.strerror))


def const(src, name, path):
    found = re.findall(r"^\s*%s\s*=\s*(\d+)\s*(?://.*)?$" % re.escape(name), src, re.M)
    if len(found) != 1:
        die("%s: expected one constant %s, found %d" % (path, name, len(found)))
    return int(found[0])


def table(src, name, path):
    m = re.findall(r"^var %s = \[[^\]]+\]uint(?:8|16)\s*\{([^}]*)\}" % re.escape(name),
                   src, re.M)
    if len(m) != 1:
        die("%s: expected one table %s, found %d" % (path, name, len(m)))
    vals = [v.strip() for v in m[0].split(",") if v.strip()]
    if not all(v.isdigit() for v in vals):
        die("%s: table %s has a non-numeric entry" % (path, name))
    return [int(v) for v in vals]


def go_files(d):
    try:
        names = sorted(os.listdir(d))
    except OSError as e:
        die("cannot list %s: %s" % (d, e.strerror))
    return [os.path.join(d, n) for n in names if n.endswith(".go") and not n.endswith("_test.go")]


def release(goroot):
    """{version, minor, consts, tables, tiny, header, header_min, small_limit}
    of the Go release at goroot."""
    version = read(os.path.join(goroot, "VERSION")).split("\n")[0].strip()
    m = re.fullmatch(r"go1\.(\d+)(?:\.\d+)?(?:[A-Za-z0-9.+-]*)", version)
    if not m:
        die("%s/VERSION: unexpected first line %r" % (goroot, version))
    r = {"version": version, "minor": int(m.group(1))}
    rt = os.path.join(goroot, "src", "runtime")
    gcdir = os.path.join(goroot, "src", "internal", "runtime", "gc")
    new_path = os.path.join(gcdir, "sizeclasses.go")
    old_path = os.path.join(rt, "sizeclasses.go")
    if os.path.exists(new_path):
        path, names = new_path, NEW
    else:
        path, names = old_path, OLD
    sc = read(path)
    r["consts"] = {ours: const(sc, theirs, path) for ours, theirs in zip(CONSTS, names["consts"])}
    r["tables"] = {ours: table(sc, theirs, path)
                   for (ours, _), theirs in zip(TABLES, names["tables"])}
    c, t = r["consts"], r["tables"]
    n = c["num_size_classes"]
    want = {"class_to_size": n, "class_to_allocnpages": n,
            "size_to_class8": c["small_size_max"] // c["small_size_div"] + 1,
            "size_to_class128": (c["max_small_size"] - c["small_size_max"]) // c["large_size_div"] + 1}
    for name, length in want.items():
        if len(t[name]) != length:
            die("%s: %s has %d entries, expected %d" % (path, name, len(t[name]), length))
    if t["class_to_size"][-1] != c["max_small_size"]:
        die("%s: the last class is not the largest small size" % path)
    bad = lookup_mismatch(c, t)
    if bad:
        die("%s: %s: the runtime's lookup disagrees with the smallest class that "
            "holds the size; teach heap.c's small_class_in the lookup tables" % (path, bad))

    malloc_path = os.path.join(rt, "malloc.go")
    malloc = read(malloc_path)
    if re.search(r"^\s*_TinySize\s*=\s*gc\.TinySize\s*$", malloc, re.M):
        r["tiny"] = const(sc, "TinySize", path)
    else:
        r["tiny"] = const(malloc, "_TinySize", malloc_path)

    # The malloc header: 1.22-1.24 declare it in runtime/mbitmap*.go (1.22
    # also keeps mbitmap_noallocheaders.go for GOEXPERIMENT=noallocheaders,
    # off by default), 1.25+ in internal/runtime/gc/malloc.go.
    decls = []
    for f in go_files(rt) + (go_files(gcdir) if os.path.isdir(gcdir) else []):
        if f.endswith("_noallocheaders.go"):
            continue
        src = read(f)
        for name in ("mallocHeaderSize", "MallocHeaderSize"):
            for v in re.findall(r"^\s*%s\s*=\s*(\d+)\s*$" % name, src, re.M):
                decls.append((f, int(v), src))
    if not decls:
        r["header"] = r["header_min"] = 0
        r["small_limit"] = c["max_small_size"]
        if re.search(r"heapBitsInSpan|minSizeForMallocHeader", malloc):
            die("%s: mentions malloc headers but no mallocHeaderSize was found" % malloc_path)
        return r
    if len(decls) != 1:
        die("%s: expected one malloc header size, found %d" % (goroot, len(decls)))
    f, r["header"], src = decls[0]
    # minSizeForMallocHeader = PtrSize * PtrBits: r["header_min"] holds the
    # exponent form the C code evaluates per target (ptr size squared x 8).
    if not re.search(r"^\s*[mM]inSizeForMallocHeader\s*=\s*goarch\.PtrSize\s*\*\s*(?:goarch\.PtrBits|ptrBits)\s*$",
                     src, re.M):
        die("%s: minSizeForMallocHeader is not goarch.PtrSize * PtrBits" % f)
    r["header_min"] = "ptrsize*ptrbits"
    mbitmap = "\n".join(read(x) for x in go_files(rt) if os.path.basename(x).startswith("mbitmap")
                        and not x.endswith("_noallocheaders.go"))
    if not re.search(r"func heapBitsInSpan\(userSize uintptr\) bool \{[^}]*return userSize <= (?:gc\.)?[mM]inSizeForMallocHeader\s*\}",
                     mbitmap, re.S):
        die("%s: heapBitsInSpan is not `userSize <= minSizeForMallocHeader`" % rt)
    if not re.search(r"size \+= (?:gc\.)?[mM]allocHeaderSize", malloc):
        die("%s: no `size += mallocHeaderSize` in the header path" % malloc_path)
    if not re.search(r"if size <= maxSmallSize-(?:gc\.M|m)allocHeaderSize \{", malloc):
        die("%s: the small-object limit is not maxSmallSize-mallocHeaderSize" % malloc_path)
    r["small_limit"] = c["max_small_size"] - r["header"]
    return r


def lookup_mismatch(c, t):
    """The first size whose class in the runtime's size_to_class tables is not
    the smallest class of class_to_size that holds it, or None."""
    sizes = t["class_to_size"]
    for size in range(1, c["max_small_size"] + 1):
        if size <= c["small_size_max"] - 8:
            got = t["size_to_class8"][(size + c["small_size_div"] - 1) // c["small_size_div"]]
        else:
            got = t["size_to_class128"][(size - c["small_size_max"] + c["large_size_div"] - 1)
                                        // c["large_size_div"]]
        want = next(k for k in range(1, len(sizes)) if sizes[k] >= size)
        if got != want:
            return "size %d: class %d, smallest holding class %d" % (size, got, want)
    return None


def wrap(values, indent="    ", width=100):
    """Numbers packed into lines the way clang-format packs a braced list."""
    lines, cur = [], indent
    for v in values:
        item = "%d," % v
        if cur != indent and len(cur) + 1 + len(item) > width:
            lines.append(cur)
            cur = indent
        cur += ("" if cur == indent else " ") + item
    lines.append(cur)
    return lines


def rules_key(r):
    return (r["tiny"], r["header"], r["header_min"], r["small_limit"])


def table_key(r):
    return tuple(tuple(r["tables"][n]) for n, _ in STORED)


def group(rels):
    """[(first, last, [versions], table index, rules)] and the tables."""
    rels = sorted(rels, key=lambda r: r["minor"])
    for a, b in zip(rels, rels[1:]):
        if a["minor"] == b["minor"]:
            die("two GOROOTs of Go 1.%d (%s, %s)" % (a["minor"], a["version"], b["version"]))
    consts = rels[0]["consts"]
    for r in rels:
        if r["consts"] != consts:
            die("%s changes the size-class constants (%s): teach the generator and "
                "heap.c per-release constants" % (r["version"], r["consts"]))
    tables, rows = [], []
    for r in rels:
        k = table_key(r)
        if k not in tables:
            tables.append(k)
        ti = tables.index(k)
        if rows and rows[-1][3] == ti and rules_key(rows[-1][4]) == rules_key(r):
            rows[-1][1] = r["minor"]
            rows[-1][2].append(r["version"])
        else:
            rows.append([r["minor"], r["minor"], [r["version"]], ti, r])
    return consts, tables, rows


def header(rels):
    consts, tables, rows = group(rels)
    out = []
    p = out.append
    p("/*")
    p(" * sizeclasses.h - the Go allocator of each release, as data.")
    p(" *")
    p(" * Code generated by tools/gen_sizeclasses.py from %s; DO NOT EDIT." %
      ", ".join(r["version"] for r in sorted(rels, key=lambda r: r["minor"])))
    p(" * tests/sizeclasses.test checks it against every installed release")
    p(" * (tools/gen_sizeclasses.py --check).  Included by heap.c only.")
    p(" *")
    p(" * %d distinct table%s; releases with the same table and rules share a row" %
      (len(tables), "" if len(tables) == 1 else "s"))
    p(" * of go_sc_releases:")
    for first, last, versions, ti, r in rows:
        p(" *   1.%d-1.%d (%s): table %d, %s" %
          (first, last, " ".join(versions), ti,
           "%d-byte malloc header on scan objects over PtrSize*PtrBits bytes, "
           "small objects up to %d" % (r["header"], r["small_limit"]) if r["header"]
           else "no malloc header, small objects up to %d" % r["small_limit"]))
    p(" */")
    p("#ifndef LIBALIGN_SIZECLASSES_H")
    p("#define LIBALIGN_SIZECLASSES_H")
    p("")
    p("#include <stdint.h>")
    p("")
    p("/* The same in every release listed (the generator refuses otherwise). */")
    p("#define GO_SC_MAX_SMALL_SIZE %d /* _MaxSmallSize */" % consts["max_small_size"])
    p("#define GO_SC_SMALL_SIZE_DIV %d /* smallSizeDiv */" % consts["small_size_div"])
    p("#define GO_SC_SMALL_SIZE_MAX %d /* smallSizeMax */" % consts["small_size_max"])
    p("#define GO_SC_LARGE_SIZE_DIV %d /* largeSizeDiv */" % consts["large_size_div"])
    p("#define GO_SC_NUM_SIZE_CLASSES %d /* _NumSizeClasses */" % consts["num_size_classes"])
    p("#define GO_SC_PAGE_SHIFT %d /* _PageShift */" % consts["page_shift"])
    p("#define GO_SC_NTABLES %d" % len(tables))
    p("#define GO_SC_NRELEASES %d" % len(rows))
    for ti, tab in enumerate(tables):
        for (name, ctype), vals in zip(STORED, tab):
            p("")
            p("static const %s go_%s_%d[%d] = {" % (ctype, name, ti, len(vals)))
            for line in wrap(vals):
                p(line)
            p("};")
    p("")
    p("typedef struct go_sc_table {")
    for name, ctype in STORED:
        p("    const %s *%s;" % (ctype, name))
    p("} go_sc_table;")
    p("")
    p("static const go_sc_table go_sc_tables[GO_SC_NTABLES] = {")
    for ti in range(len(tables)):
        p("    {" + ", ".join("go_%s_%d" % (name, ti) for name, _ in STORED) + "},")
    p("};")
    p("")
    p("/* One run of releases 1.first .. 1.last with the same table and rules. */")
    p("typedef struct go_sc_release {")
    p("    unsigned first, last;   /* minor numbers of Go 1.x */")
    p("    const char *versions;   /* the releases the row was generated from */")
    p("    unsigned table;         /* index into go_sc_tables */")
    p("    unsigned tiny_size;     /* _TinySize: the tiny allocator's block */")
    p("    unsigned malloc_header; /* bytes before a scan object over")
    p("                               PtrSize*PtrBits bytes; 0: none */")
    p("    unsigned small_limit;   /* larger objects take whole pages */")
    p("} go_sc_release;")
    p("")
    p("static const go_sc_release go_sc_releases[GO_SC_NRELEASES] = {")
    for first, last, versions, ti, r in rows:
        p('    {%d, %d, "%s", %d, %d, %d, %d},' %
          (first, last, " ".join(versions), ti, r["tiny"], r["header"], r["small_limit"]))
    p("};")
    p("")
    p("#endif")
    return "\n".join(out) + "\n"


def check(path, rels):
    """Failures of the header at path against the releases rels."""
    text = read(path)
    fails = []
    rows = re.findall(r'^\s*\{(\d+), (\d+), "([^"]*)", (\d+), (\d+), (\d+), (\d+)\},$', text, re.M)
    if not rows:
        return ["%s: no go_sc_releases rows" % path]
    consts = {n: int(v) for n, v in re.findall(r"^#define GO_SC_([A-Z_]+) (\d+)", text, re.M)}
    for r in rels:
        row = [x for x in rows if int(x[0]) <= r["minor"] <= int(x[1])]
        if len(row) != 1:
            fails.append("%s: %d rows cover Go 1.%d (%s)" % (path, len(row), r["minor"], r["version"]))
            continue
        first, last, versions, ti, tiny, hdr, limit = row[0]
        got = (int(tiny), int(hdr), int(limit))
        want = (r["tiny"], r["header"], r["small_limit"])
        if got != want:
            fails.append("%s: Go 1.%d: (tiny, malloc header, small limit) %s, %s says %s"
                         % (path, r["minor"], got, r["version"], want))
        for ours in CONSTS:
            if consts.get(ours.upper()) != r["consts"][ours]:
                fails.append("%s: GO_SC_%s is %s, %s says %d" % (path, ours.upper(),
                             consts.get(ours.upper()), r["version"], r["consts"][ours]))
        for name, _ in STORED:
            m = re.search(r"go_%s_%s\[\d+\] = \{([^}]*)\}" % (name, ti), text)
            vals = [int(v) for v in re.findall(r"\d+", m.group(1))] if m else None
            if vals != r["tables"][name]:
                fails.append("%s: Go 1.%d: go_%s_%s differs from %s's runtime"
                             % (path, r["minor"], name, ti, r["version"]))
    return fails


def main(argv):
    if argv[:1] == ["--check"]:
        if len(argv) < 3:
            die("usage: gen_sizeclasses.py --check HEADER GOROOT...")
        fails = check(argv[1], [release(g) for g in argv[2:]])
        for f in fails:
            print("FAIL: " + f)
        return 1 if fails else 0
    if not argv or argv[0].startswith("-"):
        die("usage: gen_sizeclasses.py GOROOT... > sizeclasses.h | --check HEADER GOROOT...")
    sys.stdout.write(header([release(g) for g in argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
