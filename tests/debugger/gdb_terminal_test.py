"""gdb_terminal_test - `align` at a terminal: width, colour, completion,
counts as typed.

padding.c is stopped in stop_here.  Checked:
  - with `set width 60` every line of `align o` and `align -r -c 64Ki o` is
    at most 60 columns and no word is broken: the words of the wide output
    (member lines' value columns closed up, values cut with "..."; leak
    check and summary words all kept) are found whole in the narrow one;
  - under a pseudo-terminal with styling on, holes are yellow and non-zero
    padding red (ANSI escapes); with `set style enabled off`, and when the
    output is a pipe, there is no escape at all;
  - `complete align -r o.i` gives o.in (a member, after an option), not
    symbols; `complete align -t struct inn` gives struct inner;
  - `-c 64Ki` prints "64Ki (65,536) instances" and the bytes of 65,536
    instances (65,536 x sizeof(struct outer) printed by the program).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

env = t.plugin_env()
tmp = t.workdir()
program = t.build_c(tmp, "padding.c")
rc, text = t.run([program])
sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r"^sizeof (\w+) (\d+)$", text, re.M)}

ESC = "\033["


def argv_for(commands, before=()):
    return t.gdb_argv(program, commands, before=before, width=None)


def in_pty(argv):
    return t.in_pty(argv, env)


# ------------------------------------------------------------ width
COMMANDS = [("wide", "align -r -c 64Ki o"), ("wide-o", "align o"),
            ("complete-member", "complete align -r o.i"),
            ("complete-type", "complete align -t struct inn"),
            ("narrow-width", "set width 60"),
            ("narrow", "align -r -c 64Ki o"), ("narrow-o", "align o")]
rc, out = t.run(argv_for(COMMANDS, ["-iex", "set width 0"]), env=env)
t.skip_if_no_ptrace(out, "gdb")
sec = t.sections(out)
t.need_sections(sec, COMMANDS, out)


def words(text, values=True):
    """The words of an output; without the value column when not values."""
    out = []
    for line in text.strip().splitlines():
        if not values:
            line = re.sub(r"^(/\*.*?\*/ +\S.*?) += .*$", r"\1", line)
        out += line.replace("!! non-zero", "!!_non-zero").split()
    return out


for wide, narrow in (("wide", "narrow"), ("wide-o", "narrow-o")):
    long_lines = [l for l in sec[narrow].splitlines() if len(l) > 60]
    t.check(not long_lines, "%s: every line fits set width 60" % narrow, "\n".join(long_lines))
    missing = [w for w in words(sec[wide], values=False) if w not in words(sec[narrow])]
    t.check(not missing, "%s: no word is broken or lost (values may be cut)" % narrow,
            repr(missing[:10]) + "\n" + sec[narrow])
t.check(any(l.startswith("/*   at o.arr[2]+1: 5a") for l in sec["narrow-o"].splitlines()),
        "the leak-check runs are still listed at width 60", sec["narrow-o"])

# ------------------------------------------------------------ counts as typed
n = 65536
line = [l for l in sec["wide"].splitlines() if "instances:" in l]
t.check(line and line[0].startswith("64Ki (65,536) instances: 8.00 MiB now") and
        n * sizes["outer"] == 8 * 1024 * 1024,
        "-c 64Ki: 65,536 instances of %d bytes = 8.00 MiB" % sizes["outer"], repr(line))

# ------------------------------------------------------------ completion
t.check(sec["complete-member"].split() == ["align", "-r", "o.in"],
        "align -r o.i<TAB> completes the member in", sec["complete-member"])
t.check("align -t struct inner" in sec["complete-type"].splitlines(),
        "align -t struct inn<TAB> completes struct inner", sec["complete-type"])

# ------------------------------------------------------------ colour
t.check(ESC not in out, "output to a pipe: no colour")
rc, out = t.run(argv_for([("piped", "align o")], ["-iex", "set style enabled on"]), env=env)
t.check("/* XXX" in t.sections(out).get("piped", "") and ESC not in out,
        "output to a pipe with styling on: no colour either", out[-400:])
# -batch turns styling off: a user's session has it on by default.
out = in_pty(argv_for([("styled", "align o")], ["-iex", "set style enabled on"]))
styled = t.sections(out).get("styled", "")
t.check("\033[33m/* XXX   7-byte hole */" in styled and
        "\033[1;31m!! non-zero\033[m" in styled and "\033[1;31m/*   at o+1: 5a 5a */\033[m"
        in styled, "at a terminal with styling on: holes yellow, non-zero padding red",
        repr(styled[:600]))
out = in_pty(argv_for([("plain", "align o")], ["-iex", "set style enabled off"]))
plain = t.sections(out).get("plain", "")
t.check(plain and "/* XXX   7-byte hole */" in plain and ESC not in plain,
        "at a terminal with set style enabled off: no colour", repr(plain[:300]))
t.finish()
