"""gdb_c_test - `align` in a batch GDB session on a C program.

The program (sample.c) fills a struct with 0xaa, sets its members, prints
offsetof/sizeof, and stops in stop_here().  Checked: `align` prints the
offsets that offsetof and `ptype /o` give, the live values, every byte hole
with its live bytes flagged, the tail padding, the optimal size (compiled by
GCC in the suggested order to confirm it), recursion, hex offsets, counts,
projection, a packed struct, a union, the errors, tab completion, and that
`align` shadows no GDB command.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
env = t.plugin_env()
plugin = t.script("structalign_gdb.py")
tmp = t.workdir()
program = t.build_c(tmp)
offsets, sizes = t.program_offsets(program)

COMMANDS = [
    ("s", "align s"),
    ("recurse", "align -r s"),
    ("hex", "align -x -c 100M s"),
    ("static", "align -t struct sample"),
    ("arm64", "align -a arm64 s"),
    ("wire", "align w"),
    ("union", "align s->num"),
    ("ptype", "ptype /o struct sample"),
    ("not-struct", "align s->c"),
    ("unknown", "align nosuch"),
    ("bad-count", "align -c lots s"),
    ("bad-option", "align -q s"),
    ("complete-type", "complete align -t struct sam"),
    ("complete-field", "complete align s->na"),
    ("complete-option", "complete align -"),
    ("help", "help align"),
]


def session(before, commands, run_program=True):
    sec, out = t.gdb_session(program, commands, env=env, before=before, launch=run_program,
                             plugin=False)
    return out


# Without the script `align` is not a GDB command: we shadow nothing.
out = session([], [("bare", "help align")], run_program=False)
t.check("Undefined command" in t.sections(out).get("bare", ""),
        "'align' is not a built-in GDB command", out)

out = session(["-x", plugin], COMMANDS)
sec = t.sections(out)
t.need_sections(sec, COMMANDS, out)

# ------------------------------------------------------------ align s
members, holes, summary = t.parse_align(sec["s"])
t.check_offsets(members, offsets, "offsetof")
ptype_members, ptype_holes = t.ptype_offsets(sec["ptype"])
for name, (off, bit, size) in ptype_members.items():
    m = members.get(name)
    ok = m is not None and m.offset == off and m.size == size and (bit is None or m.bit == bit)
    t.check(ok, "%s at %d:%s size %d as ptype /o says" % (name, off, bit, size), repr(m))
ours = [(kind, size) for depth, kind, size, _ in holes if depth == 0 and not kind.startswith("bit")]
theirs = [(kind, size) for depth, kind, size in ptype_holes if depth == 0]
t.check(ours == theirs, "byte holes and padding as ptype /o: %s" % theirs, repr(ours))

values = {n: m.value for n, m in members.items()}
for name, want in [("c", "120 'x'"), ("l", "42"), ("a", "5"), ("b", "17"), ("d", "99"),
                   ("z", "122 'z'"), ("wide", "2.5"), ("col", "GREEN"), ("hits", "123"),
                   ("last", "76 'L'")]:
    t.check(values.get(name) == want, "value of %s is %s" % (name, want), repr(values.get(name)))
t.check('"hello"' in (values.get("name") or ""), "name points to \"hello\"", values.get("name"))
t.check("x = -7" in (values.get("in") or ""), "nested struct summarised", values.get("in"))

hole_after_c = [h for h in holes if h[1] == "hole" and h[2] == 7]
t.check(hole_after_c and hole_after_c[0][3].startswith("at 1: aa aa aa aa aa aa aa") and
        "!! non-zero" in hole_after_c[0][3], "7-byte hole after c shows aa bytes, flagged",
        repr(hole_after_c))
tail = [h for h in holes if h[1] == "padding" and h[0] == 0]
want_tail = sizes["sample"] - offsets["flex"]
t.check(tail and tail[0][2] == want_tail and tail[0][3].startswith("at %d: aa" % offsets["flex"]),
        "tail padding of %d bytes at %d, live" % (want_tail, offsets["flex"]), repr(tail))
t.check(any("unsigned int : 4;" in m.decl and "bits 0xa" in m.value if m.value else False
            for m in members.values()) or "bits 0xa  !! non-zero" in sec["s"],
        "the unnamed bit-field GCC left out of DWARF is shown with its live bits")
t.check("are not zero: copying this value out" in sec["s"], "leak warning printed")
t.check(t.summary_number(summary, r"size: (\d+) bytes") == sizes["sample"],
        "size is sizeof(struct sample) = %d" % sizes["sample"])
t.check("model lays this out differently" not in sec["s"],
        "the model reproduces GCC's layout (packed, aligned(32), unnamed bit-field inferred)")
optimal = t.summary_number(summary, r"optimal: (\d+) bytes")
suggested = t.suggested_order(sec["s"])
t.check(suggested is not None and suggested[0] == optimal, "suggested order printed")
if suggested:
    t.check_compiled_size(tmp, suggested[1], optimal)

# ------------------------------------------------------------ variants
rm, rholes, _ = t.parse_align(sec["recurse"])
t.check(rm.get("in.x") is not None and rm["in.x"].offset == offsets["in"] and
        rm["in.x"].value == "-7", "-r expands struct inner with absolute offsets",
        repr(rm.get("in.x")))
t.check(any(d == 1 and k == "padding" and s == 7 and r.startswith("at %d: aa" % (offsets["in"] + 9))
            for d, k, s, r in rholes), "-r shows the nested tail padding bytes", repr(rholes))
t.check(rm.get("w.value") is not None and rm["w.value"].offset == offsets["w"] + 1,
        "-r: packed member at offset +1", repr(rm.get("w.value")))

hm, _, hsum = t.parse_align(sec["hex"])
t.check(hm.get("wide") is not None and hm["wide"].offset == offsets["wide"] and
        "0x%04x" % offsets["wide"] in sec["hex"], "-x prints hex offsets")
t.check(any(l.startswith("100M (100,000,000) instances: ") for l in hsum), "-c 100M prints the cost line",
        repr(hsum))

sm, sholes, ssum = t.parse_align(sec["static"])
t.check(all(sm[n].offset == off for n, off in offsets.items() if n in sm) and
        len([n for n in offsets if n in sm]) == len(offsets), "align -t: same offsets")
t.check(all(m.value is None for m in sm.values()) and "static layout" in sec["static"],
        "align -t shows no values")

t.check("(c/arm64)" in sec["arm64"] and "projected from amd64" in sec["arm64"] and
        t.summary_number(t.parse_align(sec["arm64"])[2], r"size: (\d+) bytes") == sizes["sample"],
        "-a arm64 projects with the model (same C layout on arm64)")

wm, wholes, wsum = t.parse_align(sec["wire"])
t.check([wm[n].offset for n in ("tag", "value", "port")] == [0, 1, 5] and not wholes and
        t.summary_number(wsum, r"size: (\d+) bytes") == sizes["wire"],
        "packed struct: offsets 0, 1, 5, no holes, %d bytes" % sizes["wire"], sec["wire"])
t.check("*(struct wire *) w" in sec["wire"], "a pointer is dereferenced and the title says so")

um, _, usum = t.parse_align(sec["union"])
t.check(sorted(m.offset for m in um.values()) == [0, 0, 0] and um["i"].value == "7" and
        t.summary_number(usum, r"size: (\d+) bytes") == 8, "union: members at 0, size 8",
        sec["union"])

# ------------------------------------------------------------ errors
for name, want in [("not-struct", "align: 's->c' is char, not a struct or union"),
                   ("unknown", "align: 'nosuch' is neither an expression nor a type"),
                   ("bad-count", "align: -c: invalid count 'lots'"),
                   ("bad-option", "align: unknown option -q")]:
    text = sec[name].strip()
    t.check(text.startswith(want) and len(text.splitlines()) == 1,
            "%s: one clear line: %s" % (name, want), text)
t.check("Python Exception" not in out and "Traceback" not in out, "no Python traceback", out)

t.check("align -t struct sample" in sec["complete-type"], "completes struct tags after -t",
        sec["complete-type"])
t.check("align s->name" in sec["complete-field"], "completes expressions",
        sec["complete-field"])
t.check("align -r" in sec["complete-option"] and "align -t" in sec["complete-option"],
        "completes options", sec["complete-option"])
t.check(sec["help"].lstrip().startswith("Show the memory layout of a struct or union") and
        "Usage: align" in sec["help"],
        "help align is the class docstring")

# ------------------------------------------------------------ no process
out = session(["-x", plugin], [("type", "align -t struct sample"),
                               ("global", "align global_sample"),
                               ("notype", "align -t struct nosuch")], run_program=False)
sec = t.sections(out)
nm, _, _ = t.parse_align(sec.get("type", ""))
t.check(nm.get("wide") is not None and nm["wide"].offset == offsets["wide"],
        "without a process the static layout works", sec.get("type"))
t.check(sec.get("global", "").strip().startswith("align: no process:"),
        "align EXPR without a process: one clear error", sec.get("global"))
t.check(sec.get("notype", "").strip().startswith("align: no type named 'struct nosuch'"),
        "unknown type: one clear error", sec.get("notype"))
t.finish()
