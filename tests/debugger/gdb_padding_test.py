"""gdb_padding_test - the leak check of `align` and arrays as instances, in
a batch GDB session.

The program (padding.c) zeroes its values, sets their members, then writes
garbage into padding at places it computes with offsetof and sizeof and
prints ("garbage NAME OFFSET LENGTH", "bits NAME OFFSET MASK").  Checked:
`align` lists exactly those runs, at every depth (a nested struct's tail
padding, a hole shared by every member of a union, an array element's
hole, the unused bits beside a bit-field), and not the bytes a union member
holds; -r changes the display only (same runs, same count); a pointer is
named (*p); `align list` on an array of structs shows the element layout
(sizeof the element) with the array length as the instance count, and
checks every element.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
env = t.plugin_env()
tmp = t.workdir()
program = t.build_c(tmp, "padding.c")
rc, text = t.run([program])
t.check(rc == 0, "the program runs", text)
garbage = [(m.group(1), int(m.group(2)), int(m.group(3)))
           for m in re.finditer(r"^garbage (\S+) (\d+) (\d+)$", text, re.M)]
bits = [(m.group(1), int(m.group(2)), int(m.group(3), 16))
        for m in re.finditer(r"^bits (\S+) (\d+) (0x[0-9a-f]+)$", text, re.M)]
sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r"^sizeof (\w+) (\d+)$", text, re.M)}
count = int(re.search(r"^count list (\d+)$", text, re.M).group(1))

COMMANDS = [
    ("o", "align o"),
    ("recurse", "align -r o"),
    ("pointer", "align p"),
    ("list", "align list"),
    ("list-count", "align -c 1k list"),
]
sec, out = t.gdb_session(program, COMMANDS, env=env)
t.need_sections(sec, COMMANDS, out)

RUN = re.compile(r"^/\*   at (\S+)\+(\d+): ((?:[0-9a-f]{2} ?)+)(?:\(unused bits (0x[0-9a-f]+)\) )?\*/$",
                 re.M)


def runs(text):
    return [(m.group(1), int(m.group(2)), m.group(3).split(),
             int(m.group(4), 16) if m.group(4) else None) for m in RUN.finditer(text)]


def warning(text):
    m = re.search(r"^/\* warning: (.*) not zero", text, re.M)
    return m.group(1) if m else None


want = [(n, off, ["5a"] * ln, None) for n, off, ln in garbage if n.startswith("o")]
got = [r for r in runs(sec["o"]) if r[3] is None]
t.check(sorted(got) == sorted(want), "align o lists exactly the garbage padding.c wrote: %s"
        % ["%s+%d" % (n, off) for n, off, _, _ in want], sec["o"])
bit_runs = [r for r in runs(sec["o"]) if r[3] is not None]
t.check(len(bit_runs) == 1 and bits and bit_runs[0][0] == bits[0][0] and
        bit_runs[0][1] == bits[0][1] and bit_runs[0][3] == bits[0][2],
        "the unused bits beside bt.f are listed with their mask %s" % (bits,), repr(bit_runs))
nbytes = sum(ln for n, _, ln in garbage if n.startswith("o"))
t.check(warning(sec["o"]) == "%d padding bytes and 5 unused bits are" % nbytes,
        "the warning counts %d bytes and 5 bits" % nbytes, warning(sec["o"]))
t.check(not any(n == "o.cov" for n, _, _, _ in runs(sec["o"])),
        "bytes a union member holds (cov.whole) are not padding")
t.check(runs(sec["recurse"]) == runs(sec["o"]) and warning(sec["recurse"]) == warning(sec["o"]),
        "-r changes the display only: the same runs and count", sec["recurse"])
t.check(re.search(r"^/\* XXX   3-byte hole \*/    at 41: 5a 5a 5a$", sec["recurse"], re.M)
        is not None, "-r: a union member's hole that another member holds is shown, not flagged",
        sec["recurse"])
prunes = runs(sec["pointer"])
t.check([("(*p)" + n[1:], off, b, m) for n, off, b, m in runs(sec["o"])] == prunes,
        "through a pointer the runs are named (*p)...", sec["pointer"])

lm, _, lsum = t.parse_align(sec["list"])
t.check(t.summary_number(lsum, r"size: (\d+) bytes") == sizes["inner"] and
        sec["list"].strip().startswith("struct inner") and "%d elements" % count in sec["list"],
        "align list: the element's layout (sizeof %d), %d elements" % (sizes["inner"], count),
        sec["list"])
t.check(any(l == "%d instances: %d bytes now, %d bytes optimal, %d bytes saved"
            % (count, count * sizes["inner"], count * 16, count * 8) for l in lsum),
        "align list: the array length is the instance count", repr(lsum))
want_list = [(n, off, ["5a"] * ln, None) for n, off, ln in garbage if n.startswith("list")]
t.check(runs(sec["list"]) == want_list, "every element is checked: %s" % want_list, sec["list"])
t.check(any(l.startswith("1k (1,000) instances: 23.4 KiB now")
            for l in t.parse_align(sec["list-count"])[2]),
        "-c overrides the array length", sec["list-count"])
t.check("Traceback" not in out and "Python Exception" not in out, "no Python traceback", out)
t.finish()
