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

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
lldb = t.tool("LLDB", "lldb")
env = t.plugin_env()
gdb_plugin = t.script("structalign_gdb.py")
lldb_plugin = t.script("structalign_lldb.py")
tmp = t.workdir()
lldb_env = dict(env, PYTHONPATH=t.lldb_pythonpath(lldb))

helper = os.path.join(tmp, "aligntest.py")
with open(helper, "w") as f:
    f.write('''import lldb

def run(name, command):
    result = lldb.SBCommandReturnObject()
    lldb.debugger.GetCommandInterpreter().HandleCommand(command, result)
    print("%s" % (MARK % name))
    print(result.GetOutput() or "", end="")
    if not result.Succeeded():
        print("ERROR: " + (result.GetError() or "").strip())
'''.replace("MARK", repr(t.MARK)))

PROGRAMS = [
    ("sample.c", "stop_here", [
        ("s", "align s"), ("recurse", "align -r s"), ("hex", "align -x -c 100M s"),
        ("static", "align -t struct sample"), ("wire", "align w"), ("union", "align s->num"),
        ("arm64", "align -a arm64 s")]),
    ("padding.c", "stop_here", [
        ("o", "align o"), ("recurse", "align -r o"), ("pointer", "align p"),
        ("list", "align list"), ("union", "align o.u"), ("pair", "align -r -t union pair")]),
    ("edge.c", "stop", [
        ("anonmem", "align -r am"), ("holder", "align -r o"), ("union", "align o.u"),
        ("robj", "align r"), ("robj-ptr", "align rp"), ("robj-t", "align -t robj"),
        ("anon", "align an"), ("zw", "align z"), ("pb", "align p"), ("zwl", "align zl")]),
]


def gdb_session(program, stop, commands):
    argv = [gdb, "-nx", "-batch", "-iex", "set auto-load python-scripts off",
            "-iex", "set debuginfod enabled off", "-iex", "set width 0", "-iex", "set height 0",
            "-x", gdb_plugin, "-ex", "break " + stop, "-ex", "run"]
    if stop == "stop":
        argv += ["-ex", "up"]
    for name, cmd in commands:
        argv += ["-ex", "echo " + t.MARK % name + "\\n", "-ex", cmd]
    argv += ["-ex", "echo " + t.MARK % "end" + "\\n", program]
    rc, out = t.run(argv, env=env)
    t.skip_if_no_ptrace(out, "gdb")
    return t.sections(out)


def lldb_session(program, stop, commands):
    argv = [lldb, "--no-lldbinit", "-b", "-o", "command script import " + helper,
            "-o", "command script import " + lldb_plugin,
            "-o", "breakpoint set -n " + stop, "-o", "process launch"]
    if stop == "stop":
        argv += ["-o", "up"]
    for name, cmd in commands:
        argv += ["-o", "script aligntest.run(%r, %r)" % (name, cmd)]
    argv += ["-o", "script aligntest.run('end', 'version')", program]
    rc, out = t.run(argv, env=lldb_env)
    t.skip_if_no_ptrace(out, "lldb")
    return t.sections(out)


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
    g = gdb_session(program, stop, commands)
    ll = lldb_session(program, stop, commands)
    for name, cmd in commands:
        a, b = normalise(g.get(name, "")), normalise(ll.get(name, ""))
        diff = [("gdb:  " + x, "lldb: " + y) for x, y in zip(a, b) if x != y]
        if len(a) != len(b):
            diff.append(("gdb: %d lines" % len(a), "lldb: %d lines" % len(b)))
        t.check(a and not diff, "%s: '%s' prints the same in GDB and LLDB (%d lines)"
                % (source, cmd, len(a)),
                "\n".join("%s\n%s" % d for d in diff[:12]) + "\n--- gdb:\n" +
                g.get(name, "") + "\n--- lldb:\n" + ll.get(name, ""))
t.finish()
