#!/usr/bin/env python3
"""go_local_where.py - an anonymous struct that is the type of a function's
local variable is named after the function and the variable and placed at
the variable's declaration (issue #14, "Where is it?").

A package made for the case is built by each Go release of $GO_VERSIONS:
locals of a function, of a method (pointer and value receiver), of a
closure; two functions with a local of the same name; one function with
two locals of one name in two scopes (the second struct is F.v·2); an
anonymous struct nested in a local's struct (named F.v.f, at the field's
line); the element of a local slice; the element of a local slice whose address
escapes (moved to the heap, *[]struct in DWARF) and which a range
variable walks (named after the slice, at its line, not the range
variable's); a struct two functions' locals share
(named after one of them, the JSON says one other variable has it).  Every
struct is padded (bool, int64, bool), so SARIF has a result for it.

The truth is the test's own source: each expected line is found by
searching the file for the declaration's text (as grep would), never taken
from structalign.  Checks the JSON of audit --all (name, decl_file,
decl_line, local_var_of, other_vars), the SARIF result's location, show's
`/* file:line */`, show --optimize's pasteable declaration, and a build
with -trimpath (DWARF's module path; with --src, the file here).
make check runs the oldest release of $GO_VERSIONS; SA_GOROOT=1 every one.
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import subprocess

from salib import audit_types, build_module, check_releases, go_env, run_main, write_tree

LP = """package lp

var Sink any

//go:noinline
func Build() {
	cfg := struct {
		on  bool
		n   int64
		off bool
	}{n: 1}
	Sink = &cfg
}

type Box struct{ W int }

//go:noinline
func (b *Box) Scan() {
	st := struct {
		s1 bool
		s2 int64
		s3 bool
	}{s2: int64(b.W)}
	Sink = &st
}

//go:noinline
func (b Box) Peek() {
	pv := struct {
		p1 bool
		p2 int64
		p3 bool
	}{p2: int64(b.W)}
	Sink = &pv
}

//go:noinline
func Walk() func() {
	return func() {
		acc := struct {
			a1 bool
			a2 int64
			a3 bool
		}{a2: 3}
		Sink = &acc
	}
}

//go:noinline
func First() {
	tmp := struct {
		f1 bool
		f2 int64
		f3 bool
	}{f2: 4}
	Sink = &tmp
}

//go:noinline
func Second() {
	tmp := struct {
		g1 bool
		g2 int64
		g3 bool
	}{g2: 5}
	Sink = &tmp
}

//go:noinline
func Scopes(n int) {
	if n > 0 {
		v := struct {
			h1 bool
			h2 int64
			h3 bool
		}{h2: int64(n)}
		Sink = &v
	} else {
		v := struct {
			k1 bool
			k2 int64
			k3 bool
		}{k2: int64(n)}
		Sink = &v
	}
}

//go:noinline
func Nest() {
	outer := struct {
		o1    bool
		inner struct {
			i1 bool
			i2 int64
			i3 bool
		}
		o2 int64
		o3 bool
	}{o2: 6}
	Sink = &outer
}

//go:noinline
func Rows() {
	rows := []struct {
		r1 bool
		r2 int64
		r3 bool
	}{{r2: 7}, {r2: 8}}
	Sink = rows
}

func fill(p any) { Sink = p }

//go:noinline
func Ranged(n int) int {
	var flags []struct {
		q1 bool
		q2 int64
		q3 bool
	}
	fill(&flags)
	total := n
	for _, f := range flags {
		if f.q1 {
			total += int(f.q2)
		}
	}
	return total
}

//go:noinline
func Micro() {
	µs := struct {
		m1 bool
		m2 int64
		m3 bool
	}{m2: 11}
	Sink = &µs
}

//go:noinline
func ShareA() {
	sa := struct {
		x1 bool
		x2 int64
		x3 bool
	}{x2: 9}
	Sink = &sa
}

//go:noinline
func ShareB() {
	sb := struct {
		x1 bool
		x2 int64
		x3 bool
	}{x2: 10}
	Sink = &sb
}
"""

MAIN = """package main

import "example.com/locals/lp"

func main() {
	lp.Build()
	(&lp.Box{W: 2}).Scan()
	lp.Box{W: 3}.Peek()
	lp.Walk()()
	lp.First()
	lp.Second()
	lp.Scopes(1)
	lp.Scopes(-1)
	lp.Nest()
	lp.Rows()
	println(lp.Ranged(1))
	lp.Micro()
	lp.ShareA()
	lp.ShareB()
	println(lp.Sink != nil)
}
"""

PKG = "example.com/locals/lp."

# name -> (the text of its declaration line, a field only its struct has)
WANT = {
    "Build.cfg": ("\tcfg := struct {", "off"),
    "(*Box).Scan.st": ("\tst := struct {", "s1"),
    "Box.Peek.pv": ("\tpv := struct {", "p1"),
    "Walk.func1.acc": ("\t\tacc := struct {", "a1"),
    "First.tmp": ("\ttmp := struct {\n\t\tf1", "f1"),
    "Second.tmp": ("\ttmp := struct {\n\t\tg1", "g1"),
    "Nest.outer": ("\touter := struct {", "o1"),
    "Nest.outer.inner": ("\t\tinner struct {", "i1"),
    "Rows.rows": ("\trows := []struct {", "r1"),
    # a slice whose address escapes (DWARF: &flags, *[]struct {...}), not
    # the range variable f: where the struct is written
    "Ranged.flags": ("\tvar flags []struct {", "q1"),
    # a letter that starts with the byte 0xc2, as the "·" of "v·2" does
    "Micro.\u00b5s": ("\t\u00b5s := struct {", "m1"),
}
# the two scopes' v: "Scopes.v" and "Scopes.v·2", in whichever order DWARF
# has them, each at the line of the struct with its fields
SCOPES = (("\t\tv := struct {\n\t\t\th1", "h1"), ("\t\tv := struct {\n\t\t\tk1", "k1"))


def grep_line(text, pattern):
    """The 1-based line where pattern (which may span lines) starts."""
    at = text.find(pattern)
    if at < 0 or text.find(pattern, at + 1) >= 0:
        raise SystemExit("test bug: %r is not in the source exactly once" % pattern)
    return text.count("\n", 0, at) + 1


def one_release(tool, v, tmp, fails):
    env = go_env(v)
    d = os.path.join(tmp, "locals_" + v)
    write_tree(d, {"go.mod": "module example.com/locals\n\ngo 1.19\n", "lp/lp.go": LP,
                   "main.go": MAIN})
    b = build_module(d, env, "bin")
    if b.returncode != 0:
        fails.append("Go %s: build: %s" % (v, b.stderr[:300]))
        return
    binp = os.path.join(d, "bin")
    src = os.path.join(d, "lp", "lp.go")
    types = audit_types(tool, binp, "Go " + v, fails)
    if types is None:
        return
    types = [t for t in types if t["lang"] == "go"]
    byname = {t["name"]: t for t in types}

    def fields(t):
        return {f["name"] for f in t["fields"]}

    want = {PKG + k: (grep_line(LP, pat), field) for k, (pat, field) in WANT.items()}
    scopes = [t for n, t in byname.items() if n in (PKG + "Scopes.v", PKG + "Scopes.v\u00b72")]
    if len(scopes) != 2:
        fails.append("Go %s: Scopes.v and Scopes.v\u00b72 not both named: %s"
                     % (v, sorted(n for n in byname if "Scopes" in n)))
    for t in scopes:
        for pat, field in SCOPES:
            if field in fields(t):
                want[t["name"]] = (grep_line(LP, pat), field)
    # the shared struct: after ShareA.sa or ShareB.sb, whichever DWARF has
    # first, at that one's line
    shared = [n for n in (PKG + "ShareA.sa", PKG + "ShareB.sb") if n in byname]
    if len(shared) != 1:
        fails.append("Go %s: the struct ShareA and ShareB share is named %s, want one of them"
                     % (v, shared))
    else:
        want[shared[0]] = (grep_line(LP, "\t%s := struct {" % shared[0][-2:]), "x1")
        if byname[shared[0]].get("other_vars") != 1:
            fails.append("Go %s: %s: other_vars %s, want 1 (the other function's)"
                         % (v, shared[0], byname[shared[0]].get("other_vars")))
    for name, (line, field) in sorted(want.items()):
        t = byname.get(name)
        if t is None:
            fails.append("Go %s: no type named %s (Go types: %s)"
                         % (v, name, sorted(n for n in byname if n.startswith(PKG))))
            continue
        if field not in fields(t):
            fails.append("Go %s: %s has fields %s, not %s's" % (v, name, sorted(fields(t)), field))
        if os.path.realpath(t.get("decl_file", "")) != os.path.realpath(src) or \
                t.get("decl_line") != line:
            fails.append("Go %s: %s at %s:%s, the source says %s:%d"
                         % (v, name, t.get("decl_file"), t.get("decl_line"), src, line))
        inner = name.endswith(".inner")
        fn = name[:name.rindex(".")]
        if not inner and t.get("local_var_of") != fn:
            fails.append("Go %s: %s: local_var_of %r, want %r"
                         % (v, name, t.get("local_var_of"), fn))
    # show's text: each one's `/* file:line */` above its name (one run for all)
    s = subprocess.run([tool, "show", binp] + sorted(want), capture_output=True, text=True).stdout
    for name, (line, _) in sorted(want.items()):
        if "/* %s:%d */\nstruct %s  (" % (byname.get(name, {}).get("decl_file"), line, name) not in s:
            fails.append("Go %s: show %s does not name %s:%d" % (v, name, src, line))
    # show --optimize: what to paste, and what it is
    s = subprocess.run([tool, "show", "--optimize", binp, PKG + "Build.cfg"], capture_output=True,
                       text=True).stdout
    if "(type of local variable cfg of %sBuild)" % PKG not in s or \
            not re.search(r"\nstruct \{\n\tn +int64\n", s):
        fails.append("Go %s: show --optimize Build.cfg does not paste as cfg's struct:\n%s" % (v, s))
    # the variable as the source names it: without "·2", with all of "µs"
    for name, var, fn in (("Scopes.v\u00b72", "v", "Scopes"), ("Micro.\u00b5s", "\u00b5s", "Micro")):
        s = subprocess.run([tool, "show", "--optimize", binp, PKG + name], capture_output=True,
                           text=True).stdout
        if "(type of local variable %s of %s%s)" % (var, PKG, fn) not in s:
            fails.append("Go %s: show --optimize %s does not name variable %s:\n%s"
                         % (v, name, var, s))
    s = subprocess.run([tool, "show", "--optimize", binp, PKG + "Nest.outer.inner"],
                       capture_output=True, text=True).stdout
    if "\ninner struct {\n\ti2 int64\n" not in s:
        fails.append("Go %s: show --optimize Nest.outer.inner does not paste as the field:\n%s"
                     % (v, s))
    # SARIF: a result for each, at the JSON's line
    p = subprocess.run([tool, "audit", "-F", "sarif", binp], capture_output=True, text=True)
    results = {}
    for r in json.loads(p.stdout)["runs"][0]["results"]:
        m = re.match(r"(\S+) is \d+ bytes", r["message"]["text"])
        if m:
            results[m.group(1)] = (r.get("locations") or [{}])[0].get("physicalLocation", {})
    for name, (line, _) in sorted(want.items()):
        loc = results.get(name)
        if loc is None:
            fails.append("Go %s: no SARIF result names %s" % (v, name))
        elif loc.get("region", {}).get("startLine") != line or \
                not loc.get("artifactLocation", {}).get("uri", "").endswith("lp/lp.go"):
            fails.append("Go %s: SARIF places %s at %s, the source says line %d"
                         % (v, name, json.dumps(loc), line))
    # text: audit's ranking names them with their file:line
    p = subprocess.run([tool, "audit", "--all", binp], capture_output=True, text=True)
    for name, (line, _) in sorted(want.items()):
        if not re.search(r"%s .*\(%s:%d\)" % (re.escape(name), re.escape(src), line), p.stdout):
            fails.append("Go %s: audit's text has no line for %s at %s:%d" % (v, name, src, line))
    # -trimpath: DWARF's path is the module's ("./example.com/locals/lp/lp.go"
    # or "example.com/locals/lp/lp.go"); --src maps it to the file here
    b = subprocess.run(["go", "build", "-trimpath", "-o", "bintp", "."], cwd=d, env=env,
                       capture_output=True, text=True)
    if b.returncode != 0:
        fails.append("Go %s: build -trimpath: %s" % (v, b.stderr[:300]))
        return
    for src_args in ([], ["--src", d]):
        p = subprocess.run([tool, "audit", "--all", "-F", "json"] + src_args +
                           [os.path.join(d, "bintp")], capture_output=True, text=True)
        got = {t["name"]: t for t in json.loads(p.stdout)["types"]} if p.returncode == 0 else {}
        for name in (PKG + "Build.cfg", PKG + "Nest.outer", PKG + "Nest.outer.inner"):
            line = want[name][0]
            t = got.get(name, {})
            where = t.get("decl_file", "")
            ok = t.get("decl_line") == line and (
                os.path.realpath(where) == os.path.realpath(src) if src_args else
                where.endswith("example.com/locals/lp/lp.go"))
            # without --src a nested struct has no file to read its field in
            if name.endswith(".inner") and not src_args:
                ok = "decl_file" not in t or ok
            if not ok:
                fails.append("Go %s: -trimpath%s: %s at %s:%s, want %s line %d"
                             % (v, " --src" if src_args else "", name, where,
                                t.get("decl_line"), src if src_args else "lp/lp.go", line))
    print("Go %s: %d local variables' structs named and placed" % (v, len(want)))


def main():
    return check_releases(one_release, "sa-locals-", oldest_unless="SA_GOROOT")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
