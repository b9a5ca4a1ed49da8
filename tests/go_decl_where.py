#!/usr/bin/env python3
"""go_decl_where.py - every Go type says where it is declared (issue #14).

Go's DWARF gives types no position.  structalign finds a type's `type X
struct` line in the directory of its methods' (or its package's)
DW_AT_decl_file, or under --src.  A program using the runtime, crypto and
a package of its own (types with and without methods) is built by each Go
release of $GO_VERSIONS.

The truth is the source: the line each position names must be the `type
X ... struct` declaration of that type in that file (read by this script,
as grep would), and for runtime.gcCPULimiterState and edwards25519.Point
it must be the line `grep -n 'type NAME struct'` finds in the release's
GOROOT.  Checks the JSON (decl_file, decl_line) of audit --all, that SARIF
results carry the same line, that show's text names it, that most named
types are located (the linker's types are not), that anonymous structs
are named after their enclosing type and field (Box.meta, Box.meta.deep,
Box.cells, runtime.mheap.central) and placed at that field's line, that
the anonymous struct type of exactly one package variable is named after
it (shapes.Settings, runtime.debug) and placed at its `var` line, and
the anonymous structs it holds after it and their fields
(Tuning.limits, Tuning.limits.inner, Tuning.slots) at the fields' lines,
the element struct of the one array, slice or map variable of it likewise
(Limits, Limits.sub, runtime.stackpool, pool, modes), while one shared by
two variables (left, right) is named after the first in DWARF order, at
their line, with other_vars 1, and that --src
locates the program's types that have no method.
make check runs the oldest release of $GO_VERSIONS; make check-go-blank
(SA_GOROOT=1) every one (about a minute each on a loaded machine).
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import subprocess

from salib import (audit_types, build_module, check_releases, go_env, go_root, run_main,
                   write_tree)

SHAPES = """package shapes

import "sync"

// Plain has no method: only --src can place it.
type Plain struct {
	a bool
	b int64
}

type Box struct {
	on   bool
	w, h int64
	tag  string
	meta struct {
		ok   bool
		size int64
		deep struct {
			x bool
			y int64
			z bool
		}
		last bool
	}
	cells [2]struct {
		on bool
		v  int64
		w  bool
	}
}

func (b *Box) Area() int64 { return b.w * b.h }

// Settings is the one variable of its anonymous struct type.
var Settings struct {
	on   bool
	size int64
	last bool
}

// Guarded's struct ends with an embedded field of another package.
var Guarded struct {
	n int64
	sync.Mutex
}

// Ring is a defined array type of an anonymous struct, Rings its
// variable: the struct is named after the type (as runtime.semTable's).
type Ring [4]struct {
	lo   bool
	span int64
	hi   bool
}

var Rings Ring

// Tuning's struct holds anonymous structs, nested and in an array: each
// named after it and its fields (Tuning.limits, Tuning.limits.inner,
// Tuning.slots).
var Tuning struct {
	on     bool
	limits struct {
		lo    bool
		hi    int64
		inner struct {
			p bool
			q int64
			r bool
		}
		ok bool
	}
	slots [3]struct {
		c bool
		m int64
		d bool
	}
}

// Limits is the one variable of an array of its anonymous struct, pool
// of a slice of one, modes of a map of one: each names the element (and
// Limits.sub), not the map's buckets.
var Limits [4]struct {
	lo  bool
	top int64
	hi  bool
	sub struct {
		s1 bool
		s2 int64
		s3 bool
	}
}

var pool = []struct {
	u bool
	w int64
	x bool
}{{u: true}}

var modes = map[string]struct {
	g bool
	h int64
	i bool
}{"a": {h: 1}}

// left and right share theirs: the first in DWARF order names it.
var (
	left, right struct {
		a bool
		n int64
		b bool
	}
)

//go:noinline
func Touch() int64 {
	Settings.size++
	Guarded.Lock()
	Guarded.n++
	Guarded.Unlock()
	Rings[1].span++
	left.n++
	right.n += 2
	Tuning.limits.inner.q++
	Tuning.slots[1].m++
	Limits[2].sub.s2++
	pool[0].w++
	modes["b"] = modes["a"]
	return Settings.size + left.n + right.n + Tuning.limits.inner.q + Tuning.slots[1].m +
		Limits[2].sub.s2 + pool[0].w + modes["b"].h
}

//go:noinline
func NewBox() *Box { return &Box{w: 2, h: 3} }
"""

MAIN = """package main

import (
	"crypto/ed25519"
	"fmt"

	"example.com/where/shapes"
	"example.com/where/shapes/bare"
)

var P shapes.Plain

var B bare.Bare

func main() {
	pub, _, _ := ed25519.GenerateKey(nil)
	fmt.Println(len(pub), shapes.NewBox().Area(), &P, shapes.Touch(), &B)
}
"""


# A package no function of which is in the binary: its directory comes
# from the others' (example.com/where/shapes in DIR/shapes says that
# example.com/where is DIR).
BARE = """package bare

// Bare's package has no function at all.
type Bare struct {
	a bool
	b int64
	c bool
}
"""


def decl_ok(path, line, name):
    """Whether line (1-based) of path declares the struct type `name`."""
    try:
        with open(path) as f:
            lines = f.read().split("\n")
    except OSError:
        return False
    local = re.sub(r"\[.*", "", name).split(".")[-1]
    # a function's local variable's ("pkg.F.v", "sync.OnceValue[...].d",
    # "pkg.F.v\u00b72"): `v := struct {`, `var v struct {`, `v := []struct {`,
    # `(r struct{` of a named result
    var = re.sub(r"\u00b7\d+$", "", re.sub(r"\[[^\]]*\]", "", name).split(".")[-1])
    if 0 < line <= len(lines) and re.search(
            r"(^|[\s(,])(var\s+)?%s\s*(:=|=)?\s*\*?(map\[[^\]]*\]|\[[^\]]*\])*struct\b"
            % re.escape(var), lines[line - 1]):
        return True
    # a type declared inside a function: DWARF names it name·N
    local = re.sub(r"\u00b7\d+$", "", local)
    # a type, the field an anonymous struct is the type of (`f [2]struct {`),
    # or a type declared from another (`type Term term`), or the package
    # variable an anonymous struct is the type of (`var V struct {`,
    # `var V = struct {`, `V struct {` in a `var (` block), or the element
    # type of (`var V [4]struct {`, `var V = map[K]struct {`)
    return 0 < line <= len(lines) and (re.match(
        r"(var\s+|\s+)(\w+\s*,\s*)*%s\s*(,\s*\w+\s*)*(=\s*)?(map)?(\[[^\]]*\])*struct\b"
        % re.escape(local), lines[line - 1]) is not None or re.match(
        r"\s*(type\s+)?%s\b(\[.*\])?\s*(\[[^\]]*\])*struct\b" % re.escape(local),
        lines[line - 1]) is not None or re.match(
        r"type %s\s+[\w.]+\s*(//.*)?$" % re.escape(local), lines[line - 1]) is not None)


def grep_line(path, pattern):
    with open(path) as f:
        for i, l in enumerate(f, 1):
            if pattern in l:
                return i
    return None


def one_release(tool, v, tmp, fails):
    env = go_env(v)
    root = go_root(v)
    d = os.path.join(tmp, "where_" + v)
    write_tree(d, {"go.mod": "module example.com/where\n\ngo 1.19\n",
                   "shapes/shapes.go": SHAPES,
                   "shapes/bare/bare.go": BARE, "main.go": MAIN})
    b = build_module(d, env, "bin")
    if b.returncode != 0:
        fails.append("Go %s: build: %s" % (v, b.stderr[:300]))
        return
    binp = os.path.join(d, "bin")
    types = audit_types(tool, binp, "Go " + v, fails)
    if types is None:
        return
    types = [t for t in types if t["lang"] == "go"]
    named = [t for t in types if not t["name"].startswith("struct ") and
             "<" not in t["name"] and not t["name"].startswith("noalg.") and
             t.get("order_fixed") not in ("go_linker", "go_compiler")]
    located = [t for t in named if "decl_file" in t]
    for t in types:
        if "decl_file" in t and not decl_ok(t["decl_file"], t["decl_line"], t["name"]):
            fails.append("Go %s: %s placed at %s:%d, which does not declare it"
                         % (v, t["name"], t["decl_file"], t["decl_line"]))
    # a type declared once per OS or architecture is placed in the file go
    # build compiled for this one (linux/amd64), by the file's name or its
    # //go:build line: never syscall's ztypes_netbsd_amd64.go or runtime's
    # defs_linux_mipsx.go (`//go:build linux && (mips || mipsle)`)
    foreign = re.compile(r"_(aix|android|darwin|dragonfly|freebsd|hurd|illumos|ios|js|nacl|"
                         r"netbsd|openbsd|plan9|solaris|wasip1|windows|zos|386|arm|arm64|"
                         r"loong64|mips\w*|ppc64\w*|riscv64|s390x|wasm)(_\w+)?\.go$")
    for t in types:
        f = t.get("decl_file", "")
        if foreign.search(os.path.basename(f)) or "//go:build linux && (mips || mipsle)" in \
                (open(f).read(4096) if f.endswith("mipsx.go") else ""):
            fails.append("Go %s: %s placed in %s, a file for another target"
                         % (v, t["name"], f))
    # a standard-library type is placed in its own package's directory,
    # GOROOT/src/PATH: never in another directory whose last element is
    # the same (runtime/internal/syscall for syscall, whose functions are
    # linknamed into syscall and which declares an EpollEvent too)
    for t in types:
        f = t.get("decl_file")
        name = re.sub(r"\[.*", "", t["name"])
        slash = name.rfind("/")
        dot = name.find(".", slash + 1)
        path = name[:dot].replace("%2e", ".")
        if not f or dot < 0 or "." in path.split("/")[0] or path == "main" or \
                t.get("local") or "\u00b7" in name:
            continue
        if os.path.dirname(f) != os.path.join(root, "src", path):
            fails.append("Go %s: %s placed in %s, not in its package's directory %s"
                         % (v, t["name"], f, os.path.join(root, "src", path)))
    print("Go %s: %d of %d named Go types located (%d in all)"
          % (v, len(located), len(named), len(types)))
    if len(located) * 10 < len(named) * 6:
        fails.append("Go %s: only %d of %d named types located" % (v, len(located), len(named)))
    byname = {t["name"]: t for t in types}
    point = "crypto/internal/edwards25519" if v < "1.24" else \
        "crypto/internal/fips140/edwards25519"
    for name, rel, pattern in (
            ("runtime.gcCPULimiterState", "runtime/mgclimit.go", "type gcCPULimiterState struct"),
            # declared in a file per target (the first in directory order
            # is defs_linux_mipsx.go's, built for mips only)
            ("runtime.sigactiont", "runtime/defs_linux_amd64.go", "type sigactiont struct"),
            (point + ".Point", point + "/edwards25519.go", "type Point struct"),
            ("example.com/where/shapes.Box", None, "type Box struct"),
            # anonymous structs: by their enclosing type and field, at the
            # field's line
            ("example.com/where/shapes.Box.meta", None, "\tmeta struct {"),
            ("example.com/where/shapes.Box.meta.deep", None, "\tdeep struct {"),
            ("example.com/where/shapes.Box.cells", None, "\tcells [2]struct {"),
            ("runtime.mheap.central", "runtime/mheap.go", "\tcentral [numSpanClasses]struct {"),
            # the one package variable of an anonymous struct type: at its
            # var line
            ("example.com/where/shapes.Settings", None, "var Settings struct {"),
            ("example.com/where/shapes.Guarded", None, "var Guarded struct {"),
            # the element of a defined array type a package variable has:
            # by the type, at its line
            ("example.com/where/shapes.Ring", None, "type Ring [4]struct {"),
            ("runtime.semTable", "runtime/sema.go", "type semTable [semTabSize]struct {"),
            ("runtime.debug", "runtime/runtime1.go", "var debug struct {"),
            # and the anonymous structs it holds: by the variable and
            # field, at the field's line
            ("example.com/where/shapes.Tuning", None, "var Tuning struct {"),
            ("example.com/where/shapes.Tuning.limits", None, "\tlimits struct {"),
            ("example.com/where/shapes.Tuning.limits.inner", None, "\tinner struct {"),
            ("example.com/where/shapes.Tuning.slots", None, "\tslots [3]struct {"),
            # the element of the one array, slice or map variable of it
            ("example.com/where/shapes.Limits", None, "var Limits [4]struct {"),
            ("example.com/where/shapes.Limits.sub", None, "\tsub struct {"),
            ("runtime.stackpool", "runtime/stack.go", "var stackpool [_NumStackOrders]struct {"),
            ("example.com/where/shapes.pool", None, "var pool = []struct {"),
            ("example.com/where/shapes.modes", None, "var modes = map[string]struct {")):
        t = byname.get(name)
        path = os.path.join(root, "src", rel) if rel else os.path.join(d, "shapes", "shapes.go")
        want = grep_line(path, pattern)
        if t is None or t.get("decl_file") is None:
            fails.append("Go %s: %s not located" % (v, name))
            continue
        if os.path.realpath(t["decl_file"]) != os.path.realpath(path) or t["decl_line"] != want:
            fails.append("Go %s: %s at %s:%s, grep says %s:%s"
                         % (v, name, t["decl_file"], t["decl_line"], path, want))
        s = subprocess.run([tool, "show", binp, name], capture_output=True, text=True).stdout
        if "/* %s:%d */" % (t["decl_file"], want) not in s:
            fails.append("Go %s: show %s does not name %s:%d" % (v, name, t["decl_file"], want))
    # a type of a package without a function in the binary
    t = byname.get("example.com/where/shapes/bare.Bare")
    path = os.path.join(d, "shapes", "bare", "bare.go")
    want = grep_line(path, "type Bare struct {")
    if t is None or t.get("decl_file") is None or \
            os.path.realpath(t["decl_file"]) != os.path.realpath(path) or t["decl_line"] != want:
        fails.append("Go %s: bare.Bare at %s:%s, grep says %s:%s"
                     % (v, t and t.get("decl_file"), t and t.get("decl_line"), path, want))
    # a type two variables share is named after the first in DWARF order,
    # at their line, and says one other variable has it
    shared = [byname[n] for n in ("example.com/where/shapes.left", "example.com/where/shapes.right")
              if n in byname]
    want = grep_line(os.path.join(d, "shapes", "shapes.go"), "\tleft, right struct {")
    if len(shared) != 1:
        fails.append("Go %s: the type left and right share is named %s, want one of them"
                     % (v, [t["name"] for t in shared]))
    elif shared[0].get("decl_line") != want or shared[0].get("other_vars") != 1:
        fails.append("Go %s: %s at line %s with other_vars %s; want line %s, 1"
                     % (v, shared[0]["name"], shared[0].get("decl_line"),
                        shared[0].get("other_vars"), want))
    if any(n.startswith("struct {") and "example.com/where/shapes.n int64" in n for n in byname):
        fails.append("Go %s: the type left and right share keeps its struct text" % v)
    s = subprocess.run([tool, "show", "--optimize", binp, "example.com/where/shapes.Settings"],
                       capture_output=True, text=True).stdout
    if "(type of var example.com/where/shapes.Settings)" not in s or \
            "\nvar Settings struct {\n" not in s:
        fails.append("Go %s: show --optimize Settings does not say it is var Settings's type:\n%s"
                     % (v, s))
    # a struct nested in a variable's pastes as its field, with the field
    # types as the file writes them; an array's or a slice's element as the
    # element type
    for name, wants in (
            ("Tuning.limits", ("\nlimits struct {\n", "inner struct { p bool; q int64; r bool }")),
            ("pool", ("(element type of var example.com/where/shapes.pool)",
                      "\nstruct {\n\tw int64\n")),
            ("Limits", ("(element type of var example.com/where/shapes.Limits)",
                        "\nstruct {\n\ttop int64\n")),
            ("Ring", ("(element type of type Ring)", "\nstruct {\n\tspan int64\n"))):
        s = subprocess.run([tool, "show", "--optimize", binp, "example.com/where/shapes." + name],
                           capture_output=True, text=True).stdout
        if not all(w in s for w in wants):
            fails.append("Go %s: show --optimize %s does not paste as %s:\n%s"
                         % (v, name, wants, s))
    # SARIF: each result's first location is the type's line.
    p = subprocess.run([tool, "audit", "-F", "sarif", binp], capture_output=True, text=True)
    results = json.loads(p.stdout)["runs"][0]["results"]
    named = [re.match(r"(\S+) is \d+ bytes", r["message"]["text"]) for r in results]
    for anon in ("Box.meta", "Box.meta.deep", "Box.cells", "Settings", "Tuning.limits",
                 "Tuning.limits.inner", "Tuning.slots", "Limits", "Limits.sub", "pool",
                 "modes"):
        if "example.com/where/shapes." + anon not in [m.group(1) for m in named if m]:
            fails.append("Go %s: no SARIF result names %s" % (v, anon))
    for r in results:
        m = re.match(r"(\S+) is \d+ bytes", r["message"]["text"])
        t = byname.get(m.group(1)) if m else None
        if t is None or "decl_file" not in t:
            continue
        loc = r["locations"][0]["physicalLocation"]
        if loc.get("region", {}).get("startLine") != t["decl_line"] or \
                not loc["artifactLocation"]["uri"].endswith(t["decl_file"]):
            fails.append("Go %s: SARIF places %s at %s, JSON at %s:%d"
                         % (v, t["name"], json.dumps(loc), t["decl_file"], t["decl_line"]))
    # --src places the type without methods.
    p = subprocess.run([tool, "show", "-F", "json", "--src", d, binp,
                        "example.com/where/shapes.Plain"], capture_output=True, text=True)
    t = json.loads(p.stdout)["types"][0] if p.returncode == 0 else {}
    want = grep_line(os.path.join(d, "shapes", "shapes.go"), "type Plain struct")
    if t.get("decl_line") != want:
        fails.append("Go %s: with --src, Plain at %s, grep says line %s"
                     % (v, t.get("decl_line"), want))
    # --src files go build would not compile for linux/amd64 declare Plain
    # too: by their name, by a //go:build line nested 20 deep, and one
    # whose //go:build line is garbage (it rules nothing out, and declares
    # no Plain); and one whose text ends inside a struct.  Plain is still
    # at shapes.go's line, and show reads them all without failing.
    srcx = os.path.join(d, "srcx")
    write_tree(srcx, {
        "shapes/shapes.go": SHAPES,
        "shapes/plain_windows.go": "package shapes\n\ntype Plain struct {\n\tz int8\n}\n",
        "shapes/deep.go": "//go:build " + "(" * 20 + "!linux" + ")" * 20 +
                          "\n\npackage shapes\n\ntype Plain struct {\n\tz int8\n}\n",
        "shapes/garbage.go": "//go:build )(&& || !\n\npackage shapes\n\ntype other struct {\n",
        "shapes/open.go": "package shapes\n\ntype Open struct {\n\tx `\n"})
    p = subprocess.run([tool, "show", "-F", "json", "--src", srcx, binp,
                        "example.com/where/shapes.Plain"], capture_output=True, text=True)
    t = json.loads(p.stdout)["types"][0] if p.returncode == 0 else {}
    if (t.get("decl_file"), t.get("decl_line")) != (os.path.join(srcx, "shapes", "shapes.go"),
                                                    want):
        fails.append("Go %s: with --src among other targets' files, Plain at %s:%s (exit %d: "
                     "%s), grep says shapes.go:%s" % (v, t.get("decl_file"), t.get("decl_line"),
                                                      p.returncode, p.stderr[-200:], want))


def main():
    # make check: the oldest release (a few builds); make check-go-blank
    # (SA_GOROOT=1): every release of $GO_VERSIONS.
    return check_releases(one_release, "sa-where-", oldest_unless="SA_GOROOT")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
