#!/usr/bin/env python3
"""c_decl_where.py - C anonymous records are named and placed (issue #14).

A record with no tag inside a named one (a member `struct {...} inner;`, a
C11 anonymous struct or union member, one nested in another, an array of
them, and one inside a typedef'd anonymous struct) is reported under the
name of its enclosing type and member ("outer.inner", "outer.inner.deep",
"outer.(anonymous union)"), at the line gcc's DWARF gives it: the line
where the member's `struct {` / `union {` is written.

The truth is the source: each expected line is found by searching the
program's text (never copied from the tool's output).  Checks audit's
JSON (name, decl_file, decl_line), its text rows "(file:line)", show's
"/* file:line */" header, SARIF's first location of each result, and that
the suggested declaration of an anonymous record stays anonymous C (it is
compiled by gcc inside the enclosing struct, and its size checked with
sizeof).
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile

from salib import need, run_main

PROG = """#include <stdio.h>

struct outer {
    char tag;
    struct {
        char a;
        long b;
        char c;
        struct {
            char x;
            long y;
            char z;
        } deep;
    } inner;
    union {
        int i;
        double d;
    };
    struct {
        char p;
        long q;
        char r;
    } cells[2];
    char end;
};

typedef struct {
    int n;
    struct {
        char u;
        long v;
        char w;
    } body;
} wrapped;

struct outer g;
wrapped h;

int main(void) { printf("%zu %zu\\n", sizeof g, sizeof h); return 0; }
"""

# name -> the text of the line that opens it (the member's record)
WANT = {
    "outer.inner": "    struct {\n        char a;",
    "outer.inner.deep": "        struct {\n            char x;",
    "outer.(anonymous union)": "    union {\n        int i;",
    "outer.cells": "    struct {\n        char p;",
    "wrapped.body": "    struct {\n        char u;",
}


def line_of(text):
    """The 1-based line where `text` starts in PROG."""
    i = PROG.index(text)
    return PROG.count("\n", 0, i) + 1


def main():
    tool = need("gcc")
    fails = []
    tmp = tempfile.mkdtemp(prefix="sa-cwhere-")
    try:
        src = os.path.join(tmp, "anon.c")
        binp = os.path.join(tmp, "anon")
        with open(src, "w") as f:
            f.write(PROG)
        subprocess.run(["gcc", "-g", "-O0", "-o", binp, src], check=True)
        p = subprocess.run([tool, "audit", "--all", "-F", "json", binp], capture_output=True,
                           text=True)
        types = {t["name"]: t for t in json.loads(p.stdout)["types"]}
        for name, text in WANT.items():
            t = types.get(name)
            want = line_of(text)
            if t is None:
                fails.append("%s not in audit's JSON (names: %s)" % (name, sorted(types)))
                continue
            if os.path.realpath(t.get("decl_file", "")) != os.path.realpath(src) or \
                    t.get("decl_line") != want:
                fails.append("%s at %s:%s, the source says line %d"
                             % (name, t.get("decl_file"), t.get("decl_line"), want))
        if any(n.startswith(("struct {", "union {")) for n in types):
            fails.append("an anonymous record is still unnamed: %s" % sorted(types))
        # text rows, show's header
        text = subprocess.run([tool, "audit", "--all", binp], capture_output=True,
                              text=True).stdout
        for name, t in WANT.items():
            if not re.search(r"\s%s  \(%s:%d\)" % (re.escape(name), re.escape(src), line_of(t)),
                             text):
                fails.append("audit's text does not place %s at line %d:\n%s"
                             % (name, line_of(t), text))
            s = subprocess.run([tool, "show", binp, name], capture_output=True, text=True)
            if "/* %s:%d */" % (src, line_of(t)) not in s.stdout:
                fails.append("show %s does not say %s:%d:\n%s%s"
                             % (name, src, line_of(t), s.stdout, s.stderr))
        # SARIF: the result of each wasteful anonymous record is at its line
        p = subprocess.run([tool, "audit", "-F", "sarif", binp], capture_output=True, text=True)
        seen = set()
        for r in json.loads(p.stdout)["runs"][0]["results"]:
            m = re.match(r"(\S+(?: \S+\))?) is \d+ bytes", r["message"]["text"])
            if m is None or m.group(1) not in WANT:
                continue
            seen.add(m.group(1))
            loc = r["locations"][0]["physicalLocation"]
            if loc.get("region", {}).get("startLine") != line_of(WANT[m.group(1)]):
                fails.append("SARIF places %s at %s" % (m.group(1), json.dumps(loc)))
        # the union is optimal already: no result
        for name in set(WANT) - {"outer.(anonymous union)"} - seen:
            fails.append("no SARIF result for %s" % name)
        # show --optimize: the suggestion is an anonymous struct; compiled
        # as the member's type it has the promised size
        s = subprocess.run([tool, "show", "--optimize", "-F", "json", binp, "outer.inner"],
                           capture_output=True, text=True)
        t = json.loads(s.stdout)["types"][0]
        decl = t["declaration"]
        if not decl.startswith("struct {"):
            fails.append("outer.inner declared as:\n" + decl)
        check = os.path.join(tmp, "check.c")
        with open(check, "w") as f:
            f.write("#include <stdio.h>\nstruct x { %s member; };\n"
                    "int main(void) { struct x v; printf(\"%%zu\\n\", sizeof v.member); "
                    "return 0; }\n" % decl.rstrip().rstrip(";"))
        c = subprocess.run(["gcc", "-o", os.path.join(tmp, "check"), check],
                           capture_output=True, text=True)
        if c.returncode != 0:
            fails.append("outer.inner's declaration does not compile:\n%s\n%s"
                         % (decl, c.stderr))
        else:
            got = int(subprocess.run([os.path.join(tmp, "check")], capture_output=True,
                                     text=True).stdout)
            if got != t["optimal_size"]:
                fails.append("outer.inner's declaration is %d bytes, show promised %d"
                             % (got, t["optimal_size"]))
        print("%d anonymous records named and placed" % len(WANT))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return fails


if __name__ == "__main__":
    raise SystemExit(run_main(main))
