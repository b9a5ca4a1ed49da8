"""gdb_lldb_same_test - GDB and LLDB print the same `align` output.

The same C programs (sample.c, padding.c, edge.c), the same commands in a batch GDB
and a batch LLDB session, stopped at the same breakpoint; the outputs are
compared line by line, values included (the LLDB command spells C values
as GDB does: `120 'x'`, `0x0`, `"\a\000"`, nested records `{...}`).  Only
stack addresses are set aside: the two launch the program with different
environments, so its stack starts elsewhere.  Every offset, size, hole,
padding byte, value, leak-check run, summary and suggested order must be
identical.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
lldb = t.tool("LLDB", "lldb")
tmp = t.workdir()
PROGRAMS = [
    ("sample.c", "stop_here", [
        ("s", "align s"), ("recurse", "align -r s"), ("hex", "align -x -c 100M s"),
        ("static", "align -t struct sample"), ("wire", "align w"), ("union", "align s->num"),
        ("arm64", "align -a arm64 s")]),
    ("padding.c", "stop_here", [
        ("o", "align o"), ("recurse", "align -r o"), ("pointer", "align p"),
        ("list", "align list"), ("union", "align o.u"), ("pair", "align -r -t union pair"),
        ("json", "align --json o")]),
    ("edge.c", "stop", [
        ("anonmem", "align -r am"), ("holder", "align -r o"), ("union", "align o.u"),
        ("robj", "align r"), ("robj-ptr", "align rp"), ("robj-t", "align -t robj"),
        ("anon", "align an"), ("zw", "align z"), ("pb", "align p"), ("zwl", "align zl"),
        ("json-robj", "align --json r"), ("json-anon", "align --json -t anon_t"),
        ("quals", "align quals_global"), ("json-quals", "align --json quals_global")]),
]


def normalise(text):
    lines = []
    for line in text.strip().splitlines():
        if line.startswith("(lldb) "):
            continue  # the batch echoes the next command
        line = re.sub(r"  at 0x[0-9a-f]+  ", "  at ADDRESS  ", line)
        # A stack address in a value: the two launch with different
        # environments, so the stack starts elsewhere.
        line = re.sub(r"\b0x7ff[0-9a-f]{9}\b", "STACK", line)
        lines.append(line)
    return lines


for source, stop, commands in PROGRAMS:
    program = t.build_c(tmp, source)
    g, _ = t.gdb_session(program, commands, stop=stop)
    ll, _ = t.lldb_session(program, commands, lldb=lldb, stop=stop)
    for name, cmd in commands:
        if name.startswith("json"):
            # One JSON document each: the same but for the stack address
            # (decl_file and decl_line included).
            docs = []
            for text in (g.get(name, ""), ll.get(name, "")):
                raw = "\n".join(l for l in text.splitlines() if not l.startswith("(lldb)"))
                try:
                    doc = json.loads(re.sub(r"0x7ff[0-9a-f]{9}", "STACK", raw))
                    doc["types"][0]["live"].pop("address", None)
                except (ValueError, KeyError, IndexError):
                    doc = raw
                docs.append(doc)
            t.check(docs[0] == docs[1] and isinstance(docs[0], dict) and
                    "decl_line" in docs[0]["types"][0],
                    "%s: '%s' prints the same document in GDB and LLDB (decl %s:%s)" % (
                        source, cmd, docs[0]["types"][0].get("decl_file") if isinstance(
                            docs[0], dict) else None,
                        docs[0]["types"][0].get("decl_line") if isinstance(docs[0], dict)
                        else None), "gdb:  %s\nlldb: %s" % (docs[0], docs[1]))
            continue
        a, b = normalise(g.get(name, "")), normalise(ll.get(name, ""))
        diff = [("gdb:  " + x, "lldb: " + y) for x, y in zip(a, b) if x != y]
        if len(a) != len(b):
            diff.append(("gdb: %d lines" % len(a), "lldb: %d lines" % len(b)))
        t.check(a and not diff, "%s: '%s' prints the same in GDB and LLDB (%d lines)"
                % (source, cmd, len(a)),
                "\n".join("%s\n%s" % d for d in diff[:12]) + "\n--- gdb:\n" +
                g.get(name, "") + "\n--- lldb:\n" + ll.get(name, ""))
t.finish()
