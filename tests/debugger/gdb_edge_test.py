"""gdb_edge_test - C corner cases of `align` in batch GDB sessions.

The program (edge.c) prints GCC's alignment of records with zero-width
bit-fields and of a packed record with bit-fields (offsetof(struct {char c;
T x;}, x)) and their sizeof.  Checked: `align` reports those alignments and
sizes (no invented aligned(N)); titles name the type as written (robj,
anon_t, union {...}); a pointer to a struct that is never defined says the
type is incomplete, and so does -t; a char * is shown beyond 8 characters;
built with -O2, a <synthetic pointer> is reported as such (members shown,
no padding bytes), never as a null pointer; const and volatile members
keep their qualifiers in the suggested order, which gcc compiles to the
size claimed.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
env = t.plugin_env()
tmp = t.workdir()
program = t.build_c(tmp, "edge.c")
rc, text = t.run([program])
aligns = {m.group(1): int(m.group(2)) for m in re.finditer(r"^align (.+) (\d+)$", text, re.M)}
sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r"^size (.+) (\d+)$", text, re.M)}
t.check(len(aligns) == 4, "the program prints GCC's alignments", text)

cc = os.environ.get("CC") or "gcc"
optimised = os.path.join(tmp, "edge-O2")
rc, out = t.run(cc.split() + ["-g", "-O2", "-o", optimised,
                              os.path.join(t.HERE, "edge.c")])
t.check(rc == 0, "edge.c builds with -O2", out)


def session(program, stop, commands):
    sec, out = t.gdb_session(program, commands, env=env, stop=stop, up=True)
    t.need_sections(sec, commands, out)
    t.check("Traceback" not in out and "Python Exception" not in out, "no Python traceback", out)
    return sec


COMMANDS = [
    ("zw", "align z"), ("pb", "align p"), ("zwl", "align zl"),
    ("zw-t", "align -t struct zw"),
    ("robj", "align r"), ("robj-ptr", "align rp"), ("robj-t", "align -t robj"),
    ("anon", "align an"), ("anon-t", "align -t anon_t"), ("union", "align o.u"),
    ("holder", "align o"),
    ("opaque", "align op"), ("opaque-t", "align -t struct opaque"),
    ("quals", "align -t struct quals"),
]
sec = session(program, "stop", COMMANDS)

for name, type_ in [("zw", "struct zw"), ("pb", "struct pb"), ("zwl", "struct zwl"),
                    ("zw-t", "struct zw"), ("quals", "struct quals")]:
    summary = t.parse_align(sec[name])[2]
    got = (t.summary_number(summary, r"size: (\d+) bytes"),
           t.summary_number(summary, r"align: (\d+)"))
    want = (sizes[type_], aligns[type_])
    t.check(got == want, "%s (%s): size %d, align %d as GCC gives them" % ((type_, name) + want),
            sec[name])
    t.check("aligned(" not in sec[name], "%s: no invented aligned(N)" % name, sec[name])
    t.check("model lays this out differently" not in sec[name],
            "%s: the model agrees with GCC" % name, sec[name])


def title(name):
    return sec[name].strip().splitlines()[0]


t.check(title("robj").startswith("robj  (c/amd64)"), "typedef'd struct titled robj", title("robj"))
t.check(title("robj-ptr").startswith("robj  (c/amd64)") and "*(robj *) rp" in title("robj-ptr"),
        "through a robj *: titled robj", title("robj-ptr"))
t.check(title("robj-t").startswith("robj  (c/amd64)"), "align -t robj titled robj")
t.check(title("anon").startswith("anon_t  (c/amd64)") and title("anon-t").startswith("anon_t "),
        "anonymous struct behind a typedef titled anon_t", title("anon"))
t.check(title("union").startswith("union {...}  (c/amd64)"),
        "anonymous union member titled union {...}", title("union"))
name = t.parse_align(sec["holder"])[0].get("name")
t.check(name is not None and '"a string longer than eight characters"' in name.value,
        "a char * is not cut at 8 characters", repr(name))
t.check(sec["opaque"].strip() == "align: 'op' points to struct opaque, an incomplete type: it is "
        "declared but not defined in the debug information of this program, so it has no "
        "layout", "a pointer to an incomplete struct says so", sec["opaque"])
t.check(sec["opaque-t"].strip().startswith("align: no type named 'struct opaque'") and
        "only declared in this program (incomplete)" in sec["opaque-t"],
        "-t struct opaque: not found, incomplete named as a cause", sec["opaque-t"])

# Qualifiers of members stay in the suggested order, where C puts them, and
# the declaration compiles (with edge.c's own types) to the size claimed.
q = sec["quals"]
decl = q[q.find("struct quals {"):]
decl = decl[:decl.find("};") + 2]
for want in ("char *const cp;", "const volatile long cvl;", "int (*const cb)(const char *, int);",
             "const struct pt cpt;", "volatile int x[3];", "int *_Atomic ap;",
             "_Atomic long al[2];", "_Atomic struct pt as;"):
    t.check(re.search(r"^    %s$" % re.escape(want), decl, re.M) is not None,
            "align -t struct quals suggests `%s`" % want, q)
m = re.search(r"Suggested order \((\d+) bytes\)", q)
if t.check(m is not None and decl.startswith("struct quals {"), "a suggested order is printed", q):
    src = os.path.join(tmp, "quals_check.c")
    with open(src, "w") as f:
        f.write('#include "%s"\n%s\n_Static_assert(sizeof(struct quals_sa) == %s, "size");\n'
                % (os.path.join(t.HERE, "edge.c"), decl.replace("struct quals {",
                                                                  "struct quals_sa {"),
                   m.group(1)))
    rc, out = t.run(cc.split() + ["-c", "-w", "-o", os.devnull, src])
    t.check(rc == 0, "gcc compiles the suggested struct quals to %s bytes" % m.group(1), out)

sec = session(optimised, "sink", [("args", "info args"), ("synthetic", "align p")])
if "<synthetic pointer>" not in sec["args"]:
    t.check(False, "gcc -O2 makes p a <synthetic pointer> in get() (the test needs one)",
            sec["args"])
else:
    sm, sholes, _ = t.parse_align(sec["synthetic"])
    t.check("p is a <synthetic pointer>" in title("synthetic") and "null" not in sec["synthetic"],
            "a <synthetic pointer> is reported as such", sec["synthetic"])
    t.check(sm.get("l") is not None and sm.get("c") is not None and sm["l"].value and
            sm["c"].value, "its members are shown, with what GDB can tell of their values",
            sec["synthetic"])
    t.check(all(r == "" for _, _, _, r in sholes) and "leak check" not in sec["synthetic"],
            "no padding bytes shown: the value is not in memory", sec["synthetic"])
t.finish()
