"""gdb_watch_test - `align --watch` stops where padding leaks out.

watch.c sends a struct out four times (see its comment); `phase` says
which.  Under `align --watch m` the program must stop exactly when a
buffer going out holds m or a copy of it with non-zero padding: phase 2
(write of m), phase 3 (fwrite of a packet holding a copy at +8) and phase
5 (fclose's write of stdio's buffer, which holds the same packet), never at
the clean write (1) or the clean send (4); the message names the function,
where the value is in the buffer and the runs, which are where watch.c put
its garbage (offsetof).  `align --unwatch` removes the breakpoints and the
program runs to its end.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
env = t.plugin_env()
tmp = t.workdir()
program = t.build_c(tmp, "watch.c")
rc, text = t.run([program])
t.check(rc == 0, "watch.c runs", text)
g = re.search(r"^garbage (\S+) (\d+) (\d+)$", text, re.M)
size = int(re.search(r"^sizeof msg (\d+)$", text, re.M).group(1))
runs = "at %s+%s: %s" % (g.group(1), g.group(2), " ".join(["5a"] * int(g.group(3))))

COMMANDS = [("watch", "align --watch m")]
for i in range(1, 4):
    COMMANDS += [("continue-%d" % i, "continue"), ("phase-%d" % i, "print phase")]
COMMANDS += [("unwatch", "align --unwatch"), ("end-run", "continue"),
             ("type", "align --watch -t struct msg")]
sec, out = t.gdb_session(program, COMMANDS, env=env, stop="watch_here")
t.need_sections(sec, COMMANDS, out)

t.check("\nalign --watch: watching m (struct msg, %d bytes" % size in sec["watch"] and "write, send, sendto, fwrite" in sec["watch"], "the watch is set", sec["watch"])
phases = [re.search(r"= (\d+)", sec["phase-%d" % i]).group(1) for i in range(1, 4)]
t.check(phases == ["2", "3", "5"], "stops at phases 2, 3 and 5 only (not 1 nor 4)",
        repr(phases) + "\n" + out)
want = [("write", "m itself"), ("fwrite", "a copy of m at buf+8"),
        ("write", "a copy of m at buf+8")]
for i, (func, what) in enumerate(want, 1):
    msg = sec["continue-%d" % i]
    t.check(re.search(r"align --watch: %s\(buf=0x[0-9a-f]+, \d+ bytes\) sends %s \(struct msg\) "
                      r"with 3 padding bytes not zero: %s" % (func, re.escape(what),
                                                              re.escape(runs)), msg)
            is not None, "stop %d: %s sends %s, %s" % (i, func, what, runs), msg)
t.check("4 breakpoints removed" in sec["unwatch"] and "exited normally" in sec["end-run"],
        "--unwatch removes them; the program runs to its end", sec["unwatch"] + sec["end-run"])
t.check(sec["type"].strip().startswith("align: --watch needs a value"),
        "--watch on a type: one clear line", sec["type"])
t.check("Traceback" not in out and "Python Exception" not in out, "no Python traceback", out)
t.finish()
