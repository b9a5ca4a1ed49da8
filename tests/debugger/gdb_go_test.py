"""gdb_go_test - `align` in a batch GDB session on a Go program.

`ptype /o` does not work in GDB's Go mode; `align` must.  The program
(sample.go) prints unsafe.Offsetof/Sizeof and stops in main.stop.  Checked:
the offsets equal Go's, the live values (a string, an interface, a slice,
a map, ...), the holes with their (zero) bytes, the size, the pointer bytes,
the optimal size and pointer bytes of the Go ABI model (worked out by hand
below), the static layout, the projection onto arm64, and the errors.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
env = t.plugin_env()
tmp = t.workdir()
program = t.build_go(tmp)
offsets, sizes = t.program_offsets(program)

COMMANDS = [
    ("o", "align o"),
    ("recurse", "align -r -c 1.5G o"),
    ("static", "align -t main.Order"),
    ("arm64", "align -a arm64 o"),
    ("not-struct", "align o.Note"),
    ("boxes", "align bx"),
]
sec, out = t.gdb_session(program, COMMANDS, env=dict(env, GOTRACEBACK="none"),
                         stop="main.stop", after=["-ex", "kill"])
t.need_sections(sec, COMMANDS, out)

members, holes, summary = t.parse_align(sec["o"])
t.check_offsets(members, offsets, "unsafe.Offsetof")
t.check(t.summary_number(summary, r"size: (\d+) bytes") == sizes["Order"],
        "size is unsafe.Sizeof = %d" % sizes["Order"])
values = {n: m.value for n, m in members.items()}
for name, want in [("Paid", "true"), ("ID", "42"), ("Note", '"hello"'), ("Qty", "3"),
                   ("Kind", '"vip"'), ("Small", "[1 2 3]"), ("C64", "(1+2i)"),
                   ("Flag", "true")]:
    t.check(values.get(name) == want, "value of %s is %s" % (name, want), repr(values.get(name)))
# As fmt's %+v prints them (strings quoted), not GDB's raw {array, len, cap}.
t.check(values.get("Tags") == '["a" "b"]', "slice value as Go prints it", values.get("Tags"))
t.check(values.get("Shape") == "main.Square{Side:2}",
        "interface value: its dynamic type and value", values.get("Shape"))
t.check(values.get("Any") == "7", "an int behind interface{}", values.get("Any"))
# A small map's entries, keys sorted as fmt sorts them (strings quoted).
t.check(values.get("Prices") == 'map["x":1]', "map value as fmt prints it, strings quoted",
        values.get("Prices"))
t.check(members["Hook"].size == 8 and members["Prices"].size == 8 and members["Done"].size == 8,
        "func, map and chan are one word (GDB says a func is 1 byte)")
t.check(members["Note"].decl == "Note string" and members["Next"].decl == "Next *Order",
        "members in Go syntax", repr((members["Note"].decl, members["Next"].decl)))
byte_holes = [(k, s, r) for d, k, s, r in holes if d == 0]
t.check([(k, s) for k, s, r in byte_holes] == [("hole", 7), ("hole", 4), ("hole", 7), ("hole", 2)],
        "holes: 7 after Paid, 4 after Qty, 7 after Flag, 2 after Small", repr(byte_holes))
t.check(byte_holes and byte_holes[0][2] == "at 1: 00 00 00 00 00 00 00",
        "Go zeroes padding: bytes shown, not flagged", repr(byte_holes[:1]))
t.check("are not zero" not in sec["o"], "no leak warning for zeroed padding")
# The Go ABI model by hand: members sum to 164 bytes, rounded to 8: 168.
# Pointer bytes now: Kind (string, 1 pointer word) at 152 ends them at 160.
# Optimal: pointerful members first, the one with the most pointer-free
# tail (Tags: 24 bytes, 8 of pointer) last: 16+16+8*4+16+16+24 - 16 = 104.
t.check(t.summary_number(summary, r"pointer bytes: (\d+)") == 160, "pointer bytes 160")
t.check(t.summary_number(summary, r"optimal: (\d+) bytes") == 168, "optimal size 168",
        repr(summary))
t.check(t.summary_number(summary, r"pointer bytes (\d+) \*/") == 104, "optimal pointer bytes 104",
        repr(summary))
t.check("// Suggested order (168 bytes):" in sec["o"], "suggested Go order printed")

rm, rholes, rsum = t.parse_align(sec["recurse"])
t.check(rm.get("In.X") is not None and rm["In.X"].offset == offsets["In"] and
        rm["In.X"].value == "-5", "-r expands main.Inner", repr(rm.get("In.X")))
t.check(any(l.startswith("1.5G (1,500,000,000) instances: ") for l in rsum), "-c 1.5G cost line", repr(rsum))

sm, _, _ = t.parse_align(sec["static"])
t.check(all(n in sm and sm[n].offset == off for n, off in offsets.items()) and
        all(m.value is None for m in sm.values()), "align -t main.Order: same offsets, no values")

am, _, asum = t.parse_align(sec["arm64"])
t.check("(go/arm64)" in sec["arm64"] and all(am[n].offset == off for n, off in offsets.items()) and
        t.summary_number(asum, r"size: (\d+) bytes") == sizes["Order"],
        "-a arm64: the model places every member as gc does (same on arm64)")
t.check(sec["not-struct"].strip().startswith("align: 'o.Note' is string, not a struct"),
        "a Go string is not a struct: one clear line", sec["not-struct"])
# Values behind interface{} of every other kind, against what the program
# itself printed in this session (fmt's %+v; a string as %q; the same heap
# addresses): a struct's value is shown after its dynamic type's name.
boxes = dict(re.findall(r"^box (\w+) (.*)$", out, re.M))
bm, _, _ = t.parse_align(sec["boxes"])
t.check(len(boxes) == 18, "the program printed its 18 boxed values", repr(boxes))
for name, want in sorted(boxes.items()):
    got = bm[name].value if name in bm else None
    plain = re.sub(r"^(&?)main\.\w+(\{)", r"\1\2", got or "")
    t.check(plain == want, "interface{} holding %s prints %s as fmt does" % (name, want),
            repr(got))
t.check("Traceback" not in out and "Python Exception" not in out, "no Python traceback", out)
t.finish()
