#!/usr/bin/env python3
"""c_dedup.py - a unit's copy of a record is skipped only when it is the
same record (issue #17's speed work, libalign/source/dwarf_scan.c).

The reader maps a unit's copy of a record to the node of the first copy
without reading it when the two have the same fingerprint (members, member
types, positions, declaration).  Copies that merely share a name, a line and
a size must stay apart.  The program here has four units that include one
header whose records are:
  - the same in every unit (a linked node, a typedef'd anonymous record,
    nested anonymous unions, bit-fields, a flexible array member);
  - switched by a macro each unit sets differently, at the same line with
    the same size: `long value` / `double value` on lines of their own, and
    `VALUE_T v` on one line (the type differs, the line does not);
  - a record holding, by value, a record whose definition switches
    (`long x` / `char x[8]`: the same size, another alignment, so the outer
    record's layout differs while its own text does not);
and each unit also defines its own `struct unit_state`, different in every
unit.

Truths:
  1. gcc: each unit prints sizeof and offsetof of its variants at run time;
     the audit of the four-unit program must hold, for each variant, a
     record of that name with that size and those member offsets.
  2. the audit of the four-unit program must list exactly the records the
     four single-unit programs (one unit each: nothing to skip) list
     together, member types and all, as a set: skipping copies adds,
     drops and changes nothing.
Run for DWARF 4 and 5.  Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import salib  # noqa: E402

HEADER = r"""
#include <stddef.h>
#ifndef VALUE_T
#define VALUE_T long
#endif
struct node { struct node *next; int key; short tag; };
typedef struct { unsigned a:3, b:5; unsigned char c; long d; } flags_t;
struct msg {
    int kind;
    union { long l; double d; struct { int lo, hi; } pair; } u;
    flags_t flags;
    unsigned char data[];
};
struct conf {
    int key;
#ifdef ALT
    double value;
#else
    long value;
#endif
    struct conf *next;
};
struct typed { int k; VALUE_T v; };
struct inner {
#ifdef ALT
    char x[8];
#else
    long x;
#endif
};
struct outer { char c; struct inner in; };
"""

UNIT = r"""
%(defs)s
#include <stdio.h>
#include "shared.h"
struct unit_state { %(state)s };
#define O(T, m) (unsigned)offsetof(T, m)
int unit%(n)d(void)
{
    struct node n = {0}; flags_t f = {0}; struct msg *m = 0; struct conf c = {0};
    struct typed t = {0}; struct outer o = {0}; struct unit_state s = {0};
    printf("node %%zu next %%u key %%u tag %%u\n", sizeof n, O(struct node, next),
           O(struct node, key), O(struct node, tag));
    printf("flags_t %%zu c %%u d %%u\n", sizeof f, O(flags_t, c), O(flags_t, d));
    printf("msg %%zu kind %%u u %%u flags %%u data %%u\n", sizeof *m, O(struct msg, kind),
           O(struct msg, u), O(struct msg, flags), O(struct msg, data));
    printf("conf %%zu key %%u value %%u next %%u\n", sizeof c, O(struct conf, key),
           O(struct conf, value), O(struct conf, next));
    printf("typed %%zu k %%u v %%u\n", sizeof t, O(struct typed, k), O(struct typed, v));
    printf("outer %%zu c %%u in %%u\n", sizeof o, O(struct outer, c), O(struct outer, in));
    %(state_printf)s
    return (int)(n.key + f.c + c.key + t.k + o.c) + (m != 0) + (int)sizeof s;
}
"""

UNITS = [
    ("", "int a; char b;"),
    ("#define ALT 1", "long a; char b; short c;"),
    ("#define VALUE_T double", "char a; long b;"),
    ("#define ALT 1\n#define VALUE_T short", "short a; short b; int c; char d[3];"),
]


def sh(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed:\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def audit(sa, binary):
    out = sh([sa, "audit", "--all", "--format", "json", binary], os.path.dirname(binary))
    return json.loads(out)["types"]


def key(t):
    """A record as the audit shows it, positions and member types included."""
    fields = tuple((f.get("name"), f.get("type"), f.get("offset"), f.get("size"),
                    f.get("bit_offset"), f.get("bit_size")) for f in t["fields"])
    return (t["name"], t["kind"], t["size"], t["align"], fields, t["optimal_size"])


def run(sa, d, dwarf):
    bad = []
    with open(os.path.join(d, "shared.h"), "w") as f:
        f.write(HEADER)
    objs, mains = [], []
    for n, (defs, state) in enumerate(UNITS):
        names = [decl.split()[-1].split("[")[0] for decl in state.split(";") if decl.strip()]
        state_printf = 'printf("unit_state %%zu %s\\n", sizeof s%s);' % (
            " ".join("%s@%%u" % m for m in names),
            "".join(", O(struct unit_state, %s)" % m for m in names))
        src = UNIT % {"defs": defs, "state": state, "n": n, "state_printf": state_printf}
        with open(os.path.join(d, "u%d.c" % n), "w") as f:
            f.write(src)
        sh(["gcc", "-g", "-gdwarf-%d" % dwarf, "-O0", "-c", "u%d.c" % n, "-o", "u%d.o" % n], d)
        objs.append("u%d.o" % n)
        with open(os.path.join(d, "m%d.c" % n), "w") as f:
            f.write("int unit%d(void);\nint main(void) { return unit%d() < 0; }\n" % (n, n))
        sh(["gcc", "-g", "-gdwarf-%d" % dwarf, "-c", "m%d.c" % n, "-o", "m%d.o" % n], d)
        sh(["gcc", "-o", "single%d" % n, "u%d.o" % n, "m%d.o" % n], d)
        mains.append("single%d" % n)
    with open(os.path.join(d, "main.c"), "w") as f:
        f.write("".join("int unit%d(void);\n" % n for n in range(len(UNITS))))
        f.write("int main(void) { return %s < 0; }\n"
                % " + ".join("unit%d()" % n for n in range(len(UNITS))))
    sh(["gcc", "-g", "-gdwarf-%d" % dwarf, "-c", "main.c", "-o", "main.o"], d)
    sh(["gcc", "-o", "all"] + objs + ["main.o"], d)

    types = audit(sa, os.path.join(d, "all"))
    have = {}
    for t in types:
        have.setdefault(t["name"], []).append(t)

    # 1. every variant gcc made is there, with gcc's size and offsets
    truth = sh([os.path.join(d, "all")], d).splitlines()
    for line in sorted(set(truth)):
        words = line.split()
        name, size = words[0], int(words[1])
        offs = {}
        for w in words[2:]:
            if "@" in w:
                m, o = w.split("@")
                offs[m] = int(o)
        if not offs:
            for m, o in zip(words[2::2], words[3::2]):
                offs[m] = int(o)
        ok = False
        for t in have.get(name, []):
            got = {f["name"]: f["offset"] for f in t["fields"]}
            if t["size"] == size and all(got.get(m) == o for m, o in offs.items()):
                ok = True
        if not ok:
            bad.append("DWARF %d: gcc's %s (%d bytes, %s) is not among the audit's %d record(s) "
                       "of that name: %s" % (dwarf, name, size, offs, len(have.get(name, [])),
                                             [(t["size"], [(f["name"], f["offset"])
                                                           for f in t["fields"]])
                                              for t in have.get(name, [])]))
    for name, want in (("conf", 2), ("typed", 3), ("inner", 2), ("outer", 2),
                       ("unit_state", 4), ("node", 1), ("msg", 1), ("flags_t", 1)):
        if len(have.get(name, [])) != want:
            bad.append("DWARF %d: %d record(s) named %s, the program defines %d"
                       % (dwarf, len(have.get(name, [])), name, want))

    # 2. the same set of records as the single-unit programs together
    single = set()
    for m in mains:
        single |= {key(t) for t in audit(sa, os.path.join(d, m))}
    multi = {key(t) for t in types}
    for k in sorted(single - multi, key=repr):
        bad.append("DWARF %d: the single-unit programs have %r, the four-unit one not"
                   % (dwarf, k[:4]))
    for k in sorted(multi - single, key=repr):
        bad.append("DWARF %d: the four-unit program has %r, no single-unit one does"
                   % (dwarf, k[:4]))
    if len(multi) != len(types):
        bad.append("DWARF %d: %d records listed, %d distinct" % (dwarf, len(types), len(multi)))
    return bad


def main():
    try:
        sa = salib.need("gcc")
    except salib.Skip as e:
        print("SKIP: %s" % e)
        return 77
    bad = []
    d = tempfile.mkdtemp(prefix="c_dedup.")
    try:
        for dwarf in (4, 5):
            sub = os.path.join(d, "dwarf%d" % dwarf)
            os.mkdir(sub)
            bad += run(sa, sub, dwarf)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    for b in bad:
        print("FAIL: %s" % b)
    print("%d passed, %d failed" % (2 if not bad else 0, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
