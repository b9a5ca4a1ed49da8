#!/usr/bin/env python3
"""go_blank_fields.py - Go blank (`_`) fields in suggested orders (issue #14).

A blank field is kept only for what it is for: a zero-size marker
(`_ [0]func()`, non-comparability) moves first, where it costs nothing,
instead of last, where the compiler pads after it; explicit padding
(`_ uint32`) keeps its offset, and so does the member declared right after
it, while other members move across it; cache-line padding keeps its
offset and no member crosses it.  The output names the blank fields that
cost bytes and the size with every blank field free to move.

The truth is the compiler: every order (the declaration, the suggested one,
the one with blank fields free) is compiled into a program that prints
reflect's offsets of every field (blank ones included) and the size, run
for amd64 natively and for arm under qemu-arm, on each Go release of
$GO_VERSIONS.  Checks, per struct: the tool's declared offsets and size are
the program's; the suggested order compiles to exactly optimal_size and
unconstrained_size; every blank field that keeps its offset (and its
follower) is at the declaration's offset in the compiled suggestion; no
member crosses cache-line padding; a type the old rule called "already
optimal" is now smaller where the compiler says it can be.

With SA_GOROOT=1 (make check-go-blank, about 30 s per release) the same is
checked on the two real types of the issue, in their own packages:
runtime.gcCPULimiterState and edwards25519.Point.  Their source file is
overlaid (go build -overlay) with the suggested order and a file whose
init() prints unsafe.Sizeof/Offsetof of the type, blank fields renamed so
that Offsetof can name them (a name does not change a layout).
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import shutil
import subprocess

from salib import build_module, check_releases, go_env, go_root, run_main, write_tree

CASES = """
// Point (crypto/internal/edwards25519, Go 1.19): a trailing zero-size marker.
type Point struct {
	x, y, z, t [5]uint64
	_          [0]func()
}

// gcCPULimiterState (runtime, Go 1.19), with sync/atomic's types.
type Limiter struct {
	lock    atomic.Uint32
	enabled bool
	bucket  struct {
		fill, capacity uint64
	}
	overflow         uint64
	gcEnabled        bool
	transitioning    bool
	_                uint32
	assistTimePool   atomic.Int64
	idleMarkTimePool atomic.Int64
	idleTimePool     atomic.Int64
	lastUpdate       atomic.Int64
	lastEnabledCycle atomic.Uint32
	nprocs           int32
	test             bool
}

// Explicit padding that positions b; c, d, e move across it.
type Mid struct {
	a bool
	_ int32
	b int64
	c bool
	d int32
	e bool
}

// Padding at the end: kept, and it holds the order back.
type Tail struct {
	a bool
	b int64
	c bool
	_ [4]byte
}

// Cache-line padding: nothing crosses it.
type Fence struct {
	a bool
	_ [56]byte
	b int64
	c bool
	d int32
	e bool
}

// Pointers and two explicit paddings.
type Two struct {
	p *int
	a bool
	_ [3]byte
	b int32
	c bool
	s string
	_ int16
	d int16
	e bool
	q []byte
	f int64
	g bool
}

// A zero-size marker of alignment 8 in the middle.
type Marker struct {
	a bool
	_ [0]int64
	b int32
	c bool
	d [0]func()
}
"""

NAMES = ["Point", "Limiter", "Mid", "Tail", "Fence", "Two", "Marker"]


def fields_of(body):
    """The fields of a struct body (text between the braces): a list of
    (name, type text) in declaration order, `x, y T` split in two.  Line
    comments are dropped; a field may span lines (nested struct)."""
    out, depth, cur = [], 0, ""
    for line in body.splitlines():
        line = re.sub(r"//.*", "", line).rstrip()
        if not line.strip() and depth == 0:
            continue
        cur += line + "\n"
        depth += line.count("{") - line.count("}")
        if depth > 0:
            continue
        m = re.match(r"\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+(\S.*)$", cur, re.S)
        if m is None:  # embedded: its name is the type's last part
            t = cur.strip()
            out.append((re.sub(r"^\*", "", t).split(".")[-1], t))
        else:
            for n in m.group(1).split(","):
                out.append((n.strip(), m.group(2).strip()))
        cur = ""
    return out


def struct_body(src, name):
    """(start, end, body) of `type name struct { body }` in src."""
    m = re.search(r"type\s+%s\s+struct\s*\{" % re.escape(name), src)
    if m is None:
        raise KeyError(name)
    i, depth = m.end(), 1
    while depth:
        c = src[i]
        if c == "/" and src[i + 1] == "/":
            i = src.index("\n", i)
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        i += 1
    return m.start(), i, src[m.end():i - 1]


def decl(name, fields, order, rename_blanks):
    """`type name struct {...}` with fields in `order` (declaration
    indices); blank fields renamed sablankK (K: its declaration index)
    when rename_blanks."""
    lines = []
    for i in order:
        n, t = fields[i]
        if n == "_" and rename_blanks:
            n = "sablank%d" % i
        lines.append("\t%s %s" % (n, t))
    return "type %s struct {\n%s\n}\n" % (name, "\n".join(lines))


def check_type(fails, where, t, fields, truth):
    """truth: {"decl"|"opt"|"free": (size, [offsets by declaration index])}
    from the compiler; t: the tool's JSON for the type."""
    size, offs = truth["decl"]
    if t["size"] != size:
        fails.append("%s: size %d, the compiler says %d" % (where, t["size"], size))
    got = [f["offset"] for f in t["fields"]]
    if got != offs:
        fails.append("%s: offsets %s, the compiler says %s" % (where, got, offs))
    if truth["opt"][0] != t["optimal_size"]:
        fails.append("%s: optimal_size %d, the suggested order compiles to %d"
                     % (where, t["optimal_size"], truth["opt"][0]))
    if truth["free"][0] != t["unconstrained_size"]:
        fails.append("%s: unconstrained_size %d, that order compiles to %d"
                     % (where, t["unconstrained_size"], truth["free"][0]))
    opt = truth["opt"][1]
    order = t["optimal_index"]
    for i, f in enumerate(t["fields"]):
        rule = f.get("blank")
        if fields[i][0] == "_" and rule is None:
            fails.append("%s: field %d is blank and has no \"blank\" rule" % (where, i))
        kept = rule in ("offset", "cacheline")
        follower = i > 0 and t["fields"][i - 1].get("blank") == "offset" and f["size"] > 0 \
            and fields[i][0] != "_"
        if (kept or follower) and opt[i] != offs[i]:
            fails.append("%s: %s %s (field %d) moved from offset %d to %d"
                         % (where, "blank" if kept else "follower", fields[i][0], i, offs[i],
                            opt[i]))
        if rule == "cacheline":
            before = {j for j in range(len(fields)) if j < i}
            placed_before = set(order[:order.index(i)])
            if before != placed_before:
                fails.append("%s: members cross the cache-line padding at %d"
                             % (where, offs[i]))
        if rule == "marker" and order[-1] == i and len(order) > 1:
            fails.append("%s: a zero-size marker placed last" % where)
    if t["unconstrained_size"] > t["optimal_size"]:
        fails.append("%s: unconstrained %d above optimal %d"
                     % (where, t["unconstrained_size"], t["optimal_size"]))
    if any(f.get("constrains_order") for f in t["fields"]) and \
            t["unconstrained_size"] >= t["optimal_size"]:
        fails.append("%s: a blank field said to hold the order back, at no cost" % where)


def run_cases(tool, v, arch, tmp, fails):
    env = go_env(v)
    env["GOARCH"] = arch
    if arch == "arm":
        env["GOARM"] = "7"
    cases = "package main\n\nimport \"sync/atomic\"\n" + CASES
    src = os.path.join(tmp, "cases.go")
    with open(src, "w") as f:
        f.write(cases)
    p = subprocess.run([tool, "calc", "-F", "json", "--arch", arch, "-f", src],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fails.append("Go %s %s: calc exit %d: %s" % (v, arch, p.returncode, p.stderr))
        return
    types = {t["name"]: t for t in json.loads(p.stdout)["types"]}
    text = subprocess.run([tool, "calc", "--arch", arch, "-f", src], capture_output=True,
                          text=True).stdout
    # One program: each struct three times (declared, suggested, free);
    # reflect gives every field's offset, blank fields included.
    prog = ["package main", "", "import (", "\t\"fmt\"", "\t\"reflect\"",
            "\t\"sync/atomic\"", ")", "", "var _ atomic.Int64", ""]
    all_fields = {}
    for n in NAMES:
        _, _, body = struct_body(cases, n)
        fields = fields_of(body)
        all_fields[n] = fields
        t = types.get(n)
        if t is None or len(t["fields"]) != len(fields):
            fails.append("Go %s %s: %s missing or with another field count" % (v, arch, n))
            return
        prog.append(decl("D" + n, fields, range(len(fields)), False))
        prog.append(decl("O" + n, fields, t["optimal_index"], False))
        prog.append(decl("F" + n, fields, t["unconstrained_index"], False))
    prog += ["func lay(v any) []any {",
             "\tt := reflect.TypeOf(v)",
             "\tout := []any{t.Size()}",
             "\tfor i := 0; i < t.NumField(); i++ {",
             "\t\tout = append(out, t.Field(i).Offset)",
             "\t}",
             "\treturn out",
             "}", "", "func main() {"]
    for n in NAMES:
        for k in "DOF":
            prog.append("\tfmt.Println(\"%s\", lay(%s%s{}))" % (k + n, k, n))
    prog.append("}")
    d = os.path.join(tmp, "prog_%s_%s" % (v, arch))
    write_tree(d, {"go.mod": "module blanks\n\ngo 1.19\n", "main.go": "\n".join(prog) + "\n"})
    b = build_module(d, env, "prog")
    if b.returncode != 0:
        fails.append("Go %s %s: the suggestions do not build: %s" % (v, arch, b.stderr[:2000]))
        return
    run = ["./prog"] if arch == "amd64" else ["qemu-arm", "./prog"]
    r = subprocess.run(run, cwd=d, capture_output=True, text=True)
    if r.returncode != 0:
        fails.append("Go %s %s: the program failed: %s" % (v, arch, r.stderr[:500]))
        return
    got = {}
    for line in r.stdout.splitlines():
        key, rest = line.split(" ", 1)
        nums = [int(x) for x in re.findall(r"\d+", rest)]
        got[key] = (nums[0], nums[1:])
    for n in NAMES:
        t = types[n]
        # reflect lists fields in the order of the struct: back to
        # declaration indices for the suggested and free orders.
        truth = {"decl": got["D" + n]}
        for k, key in (("O", "optimal_index"), ("F", "unconstrained_index")):
            size, offs = got[k + n]
            by_decl = [0] * len(offs)
            for pos, i in enumerate(t[key]):
                by_decl[i] = offs[pos]
            truth["opt" if k == "O" else "free"] = (size, by_decl)
        check_type(fails, "Go %s %s %s" % (v, arch, n), t, all_fields[n], truth)
    # What a user reads: the figures the compiler gives for Point and
    # Limiter on 64-bit targets, and the words that name the blank field.
    if arch == "amd64":
        for n, size, opt in (("Point", 168, 160), ("Limiter", 88, 80)):
            if got["D" + n][0] != size or got["O" + n][0] != opt:
                fails.append("Go %s: %s compiles to %d, suggested %d (the issue's %d -> %d)"
                             % (v, n, got["D" + n][0], got["O" + n][0], size, opt))
        if "zero-size marker: moves" not in text:
            fails.append("text output does not say the marker moves")
        if "held back by blank fields kept in place: _ [4]byte at offset 17" not in text:
            fails.append("text output does not name Tail's blank field:\n" + text)
        if "with every blank field free to move: 16 bytes" not in text:
            fails.append("text output does not offer Tail's unconstrained size")
        free_decl = "// With every blank field free to move (16 bytes; check what they are " \
            "for first):\ntype Tail struct {\n"
        if free_decl not in text:
            fails.append("text output does not offer Tail's unconstrained order:\n" + text)


# ----------------------------------------------------------- real types

REAL = [("runtime", "runtime", "mgclimit.go", "gcCPULimiterState"),
        ("crypto/internal/edwards25519", "edwards25519", "edwards25519.go", "Point"),
        ("crypto/internal/fips140/edwards25519", "edwards25519", "edwards25519.go", "Point")]


def run_goroot(tool, v, tmp, fails):
    env = go_env(v)
    root = go_root(v)
    d = os.path.join(tmp, "real_%s" % v)
    write_tree(d, {"go.mod": "module real\n\ngo 1.19\n",
                   "main.go": "package main\n\nimport (\n\t\"crypto/ed25519\"\n\t\"fmt\"\n)\n\n"
                   "func main() {\n\tpub, _, _ := ed25519.GenerateKey(nil)\n"
                   "\tfmt.Println(len(pub))\n}\n"})
    b = build_module(d, env, "bin")
    if b.returncode != 0:
        fails.append("Go %s: build: %s" % (v, b.stderr[:500]))
        return
    overlay, prints, want = {}, [], {}
    for path, pkg, file, typ in REAL:
        srcfile = os.path.join(root, "src", path, file)
        if not os.path.exists(srcfile):
            continue
        p = subprocess.run([tool, "show", "-F", "json", os.path.join(d, "bin"),
                            "%s.%s" % (path, typ)], capture_output=True, text=True)
        if p.returncode != 0:
            fails.append("Go %s: show %s.%s: exit %d %s" % (v, path, typ, p.returncode,
                                                            p.stderr[:300]))
            continue
        t = json.loads(p.stdout)["types"][0]
        with open(srcfile) as f:
            src = f.read()
        start, end, body = struct_body(src, typ)
        fields = fields_of(body)
        if [n for n, _ in fields] != [f["name"] for f in t["fields"]]:
            fails.append("Go %s: %s.%s fields %s, DWARF %s" % (
                v, path, typ, [n for n, _ in fields], [f["name"] for f in t["fields"]]))
            continue
        # The package's own file keeps the type (other files use it); the
        # added file declares the three orders under other names.
        extra = ["package %s" % pkg, "", "import \"unsafe\"", ""]
        for k, order in (("D", range(len(fields))), ("O", t["optimal_index"]),
                         ("F", t["unconstrained_index"])):
            extra.append(decl("sa%s_%s" % (k, typ), fields, order, True))
        extra.append("func init() {")
        for k in "DOF":
            names = ["sablank%d" % i if n == "_" else n for i, (n, _) in enumerate(fields)]
            offs = ", ".join("unsafe.Offsetof(x.%s)" % n for n in names)
            extra.append("\t{\n\t\tvar x sa%s_%s\n\t\tprintln(\"SA %s %s\", unsafe.Sizeof(x), %s)\n"
                         "\t}" % (k, typ, k, typ, offs))
        extra.append("}")
        # Field types are the package's own or its imports': the new file
        # imports those of the type's file that the fields name.
        used = set(re.findall(r"\b([A-Za-z_]\w*)\.", " ".join(t for _, t in fields)))
        block = re.search(r"\nimport\s*(\([^)]*\)|\"[^\"]*\")", src)
        for spec in re.findall(r"(?:([A-Za-z_]\w*)\s+)?\"([^\"]+)\"", block.group(1) if block else ""):
            name = spec[0] or spec[1].split("/")[-1]
            if name in used and spec[1] != "unsafe":
                extra.insert(3, "import %s \"%s\"" % (name, spec[1]))
        os.makedirs(os.path.join(d, "overlay", pkg), exist_ok=True)
        added = os.path.join(d, "overlay", pkg, "zz.go")
        with open(added, "w") as f:
            f.write("\n".join(extra) + "\n")
        overlay[os.path.join(root, "src", path, "zz_structalign_blank.go")] = added
        want[typ] = (t, fields)
    with open(os.path.join(d, "overlay.json"), "w") as f:
        json.dump({"Replace": overlay}, f)
    b = subprocess.run(["go", "build", "-overlay", "overlay.json", "-o", "ov", "."], cwd=d,
                       env=env, capture_output=True, text=True)
    if b.returncode != 0:
        fails.append("Go %s: overlay build: %s" % (v, b.stderr[:2000]))
        return
    r = subprocess.run(["./ov"], cwd=d, capture_output=True, text=True)
    got = {}
    for line in r.stderr.splitlines():
        if line.startswith("SA "):
            parts = line.split()
            got[(parts[1], parts[2])] = [int(x) for x in parts[3:]]
    for typ, (t, fields) in want.items():
        truth = {}
        for k, key in (("D", None), ("O", "optimal_index"), ("F", "unconstrained_index")):
            vals = got.get((k, typ))
            if vals is None:
                fails.append("Go %s: %s printed nothing for %s" % (v, typ, k))
                break
            truth[{"D": "decl", "O": "opt", "F": "free"}[k]] = (vals[0], vals[1:])
        else:
            check_type(fails, "Go %s %s" % (v, typ), t, fields, truth)
            if v == "1.19":
                want_sizes = {"gcCPULimiterState": (88, 80), "Point": (168, 160)}[typ]
                if (truth["decl"][0], truth["opt"][0]) != want_sizes:
                    fails.append("Go 1.19 %s: %d -> %d, the issue's %s" % (
                        typ, truth["decl"][0], truth["opt"][0], want_sizes))
            print("Go %s %s: %d bytes, suggested %d, blank fields free %d (compiled)"
                  % (v, typ, truth["decl"][0], truth["opt"][0], truth["free"][0]))


def one_release(tool, v, tmp, fails):
    run_cases(tool, v, "amd64", tmp, fails)
    if shutil.which("qemu-arm"):
        run_cases(tool, v, "arm", tmp, fails)
    if os.environ.get("SA_GOROOT") == "1":
        run_goroot(tool, v, tmp, fails)


def main():
    return check_releases(one_release, "sa-blank-")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
