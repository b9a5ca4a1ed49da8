"""lldb_terminal_test - `align` in LLDB at a terminal: width and colour, as
gdb_terminal_test checks them in GDB.

padding.c is stopped in stop_here, LLDB runs under a pseudo-terminal.
Checked:
  - with `settings set term-width 60` every line of `align o` and
    `align -r -c 64Ki o` is at most 60 columns and no word is broken: the
    words of the wide output (member lines' value columns closed up,
    values cut with "..."; leak check and summary words all kept) are
    found whole in the narrow one;
  - with LLDB's colours on (its default at a terminal) holes are yellow
    and non-zero padding red (the same ANSI escapes as in GDB); with
    `settings set use-color false` there is no escape at all;
  - when the output is a pipe, there is no escape and no line is broken
    (LLDB's term-width describes a terminal that is not there).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

lldb = t.tool("LLDB", "lldb")
tmp = t.workdir()
program = t.build_c(tmp, "padding.c")
env = t.lldb_env(lldb)

ESC = "\033["
COMMANDS = [("wide", "align -r -c 64Ki o"), ("wide-o", "align o"),
            ("narrow-width", "settings set term-width 60"),
            ("narrow", "align -r -c 64Ki o"), ("narrow-o", "align o"),
            ("no-colour", "settings set use-color false"), ("plain", "align o")]
out = t.in_pty(t.lldb_argv(program, COMMANDS, lldb=lldb), env)
t.skip_if_no_ptrace(out, "lldb")
sec = t.sections(out)
t.need_sections(sec, COMMANDS, out)


def lines(text):
    """The output's lines, without LLDB's echo of the next command."""
    return [l for l in text.strip().splitlines() if not l.startswith("(lldb) ")]


def words(text, values=True):
    """The words of an output, escapes removed; without the value column
    when not values."""
    out = []
    for line in lines(re.sub(r"\033\[[0-9;]*m", "", text)):
        if not values:
            line = re.sub(r"^(/\*.*?\*/ +\S.*?) += .*$", r"\1", line)
        out += line.replace("!! non-zero", "!!_non-zero").split()
    return out


# ------------------------------------------------------------ width
for wide, narrow in (("wide", "narrow"), ("wide-o", "narrow-o")):
    long_lines = [l for l in lines(re.sub(r"\033\[[0-9;]*m", "", sec[narrow])) if len(l) > 60]
    t.check(not long_lines and len(lines(sec[narrow])) > len(lines(sec[wide])),
            "%s: every line fits term-width 60 (lines were broken)" % narrow,
            "\n".join(long_lines))
    missing = [w for w in words(sec[wide], values=False) if w not in words(sec[narrow])]
    t.check(not missing, "%s: no word is broken or lost (values may be cut)" % narrow,
            repr(missing[:10]) + "\n" + sec[narrow])
t.check(any(l.startswith("/*   at o.arr[2]+1: 5a") for l in
            lines(re.sub(r"\033\[[0-9;]*m", "", sec["narrow-o"]))),
        "the leak-check runs are still listed at width 60", sec["narrow-o"])

# ------------------------------------------------------------ colour
styled = sec["wide-o"]
t.check("\033[33m/* XXX   7-byte hole */" in styled and
        "\033[1;31m!! non-zero\033[m" in styled and
        "\033[1;31m/*   at o+1: 5a 5a */\033[m" in styled,
        "at a terminal with LLDB's colours on: holes yellow, non-zero padding red",
        repr(styled[:600]))
t.check("/* XXX   7-byte hole */" in sec["plain"] and ESC not in sec["plain"],
        "settings set use-color false: no colour", repr(sec["plain"][:300]))

# ------------------------------------------------------------ a pipe
piped, out = t.lldb_session(program, [("narrow-width", "settings set term-width 60"),
                                      ("piped", "align -r o")], lldb=lldb)
text = piped.get("piped", "")
t.check("/* XXX" in text and ESC not in out, "output to a pipe: no colour", text[:300])
t.check(any(len(l) > 60 for l in lines(text)),
        "output to a pipe: lines are not broken at LLDB's term-width", text[:300])
t.finish()
