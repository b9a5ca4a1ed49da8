"""gdb_json_test - `align --json`: structalign show's document, live.

padding.c and sample.c are stopped in stop_here.  For each value, `align
--json` must print the document `structalign show --format json BINARY
TYPE` prints for its type (every key and number the same, with the same
count), plus a "value" on each field and "live": the holes' and tail
padding's bytes and the leak check's runs, which must be exactly the
garbage padding.c wrote (its own offsetof arithmetic).  The document must
also come through GDB/MI (-interpreter-exec console), as an IDE reads it.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

gdb = t.tool("GDB", "gdb")
env = t.plugin_env()
plugin = t.script("structalign_gdb.py")
structalign = os.environ.get("STRUCTALIGN") or t.skip("STRUCTALIGN is not set: run through "
                                                      "`make check`")
tmp = t.workdir()

CASES = [
    ("padding.c", [("o", "align --json o", "outer", None),
                   ("p", "align -j p", "outer", None),
                   ("list", "align --json list", "inner", 4),
                   ("inner-t", "align --json -t struct inner", "inner", None)]),
    ("sample.c", [("s", "align --json s", "sample", None),
                  ("w", "align --json -c 1k w", "wire", "1k")]),
]


def gdb_json(program, commands):
    sec, out = t.gdb_session(program, [(n, c) for n, c, _, _ in commands], env=env, width=70)
    return sec


def show(program, type_, count):
    argv = [structalign, "show", "--format", "json"]
    if count is not None:
        argv += ["-c", "%s=%s" % (type_, count)]
    rc, out = t.run(argv + [program, type_])
    if not t.check(rc == 0, "structalign show %s %s" % (program, type_), out):
        return None
    return json.loads(out)


for source, commands in CASES:
    program = t.build_c(tmp, source)
    rc, text = t.run([program])
    garbage = [(m.group(1), int(m.group(2)), int(m.group(3)))
               for m in re.finditer(r"^garbage (\S+) (\d+) (\d+)$", text, re.M)]
    sec = gdb_json(program, commands)
    for name, cmd, type_, count in commands:
        raw = sec.get(name, "").strip()
        try:
            ours = json.loads(raw)
        except ValueError:
            t.check(False, "%s: one JSON document" % cmd, raw)
            continue
        t.check("\n" not in raw, "%s: one line, never wrapped at set width 70" % cmd)
        theirs = show(program, type_, count)
        if theirs is None:
            continue
        doc = ours["types"][0]
        live = doc.pop("live", None)
        values = {f["name"]: f.pop("value", None) for f in doc["fields"]}
        t.check({"types": [doc]} == theirs,
                "%s: the document of structalign show --format json %s" % (cmd, type_),
                "ours:   %s\nshow:   %s" % (json.dumps({"types": [doc]}, sort_keys=True),
                                            json.dumps(theirs, sort_keys=True)))
        if cmd.count("-t "):
            t.check(live["address"] is None and "holes" not in live and
                    all(v is None for v in values.values()), "%s: static, no values" % cmd)
            continue
        t.check(live["address"] and all(v is not None for n, v in values.items() if n),
                "%s: every field has its live value" % cmd, repr(values))
        if source == "padding.c" and type_ == "outer":
            root = "o" if name == "o" else "(*p)"
            want = [(root + n[1:], off, "5a" * ln) for n, off, ln in garbage
                    if n.startswith("o")]
            got = [(r["at"], r["offset"], r["bytes"]) for r in live["leak_check"]["listed"]
                   if r["unused_bits"] is None]
            t.check(got == want, "%s: the leak-check runs are padding.c's garbage" % cmd,
                    repr(got))
            t.check(live["holes"][0]["bytes"] == "5a5a" + "00" * (live["holes"][0]["size"] - 2),
                    "%s: the live bytes of the first hole" % cmd, repr(live["holes"]))
        if name == "list":
            want = [(n, off, "5a" * ln) for n, off, ln in garbage if n.startswith("list")]
            got = [(r["at"], r["offset"], r["bytes"]) for r in live["leak_check"]["listed"]]
            t.check(got == want and live["leak_check"]["checked"] == 4 * doc["size"],
                    "%s: every element checked, the run in list[3] found" % cmd, repr(live))

# Through GDB/MI, as an IDE front end asks.
program = os.path.join(tmp, "padding")
import subprocess  # noqa: E402
argv = [gdb, "--interpreter=mi2", "-nx", "-iex", "set auto-load python-scripts off",
        "-x", plugin, "-ex", "break stop_here", "-ex", "run", program]
try:
    p = subprocess.run(argv, input=b'-interpreter-exec console "align --json o"\n-gdb-exit\n',
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       timeout=t.TIMEOUT)
    out = p.stdout.decode("utf-8", "replace")
except subprocess.TimeoutExpired:
    out = "timed out"
stream = "".join(json.loads(line[1:]) for line in out.splitlines() if line.startswith('~"'))
m = re.search(r'\{"types":.*\}\n', stream)
t.check(m is not None and json.loads(m.group(0))["types"][0]["name"] == "outer",
        "GDB/MI -interpreter-exec console \"align --json o\" carries the document",
        out[-1500:])
t.finish()
