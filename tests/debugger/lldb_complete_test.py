"""lldb_complete_test - tab completion of `align` in LLDB.

LLDB 14-16 cannot complete a script command's arguments at all, LLDB 17-19
only with one built-in completer; LLDB 20 added parsed script commands with
their own completion, which the plugin registers there.  So:
  - with the system LLDB (configure's, bookworm's 14): the command loads,
    and runs (a value, -r, a static type with -x -c, a cast with blanks,
    -a arm64, -j);
  - with an LLDB >= 20 (the system's if it is one, else Debian's lldb-22
    unpacked by tools/fetch-lldb, never installed: its python3-lldb
    conflicts with the system's): the same commands print the same text
    (the parsed command rebuilds the command line the raw one gets), and
    completion offers, as GDB's does: the options after "-", arm64 after
    "-a ar", struct inner after "-t struct inn", union pair after
    "-t union pa", the typedef-free tag outer after "-t ou", the member
    o.in after "-r o.i" (members are read from the program's own types).
When no LLDB >= 20 can be had the test SKIPs (77) with the reason, after
the system LLDB's checks, which still fail it if they fail.
$LLDB_COMPLETION_VERSION chooses the release fetched (default 22).
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dbgtest as t  # noqa: E402

system_lldb = t.tool("LLDB", "lldb")
tmp = t.workdir()
program = t.build_c(tmp, "padding.c")

RUN = [("o", "align -r o"), ("static", "align -x -c 64Ki -t struct inner"),
       ("cast", "align (struct inner *) &o.in"), ("arm64", "align -a arm64 o"),
       ("json", "align -j -t struct inner")]
COMPLETE = [("options", "complete align -"), ("arch", "complete align -a ar"),
            ("tag", "complete align -t struct inn"), ("union", "complete align -t union pa"),
            ("bare", "complete align -t ou"), ("member", "complete align -r o.i")]


def lines(text):
    return [l for l in (text or "").strip().splitlines() if not l.startswith("(lldb) ")]


def matches(text):
    return [eval(m) for m in re.findall(r"^MATCH (.*)$", text or "", re.M)]


version = t.lldb_version(system_lldb)
sec, out = t.lldb_session(program, RUN, lldb=system_lldb)
for name, cmd in RUN:
    text = sec.get(name, "")
    t.check(text and "ERROR" not in text and ("/* size: " in text or '{"types":' in text),
            "LLDB %d: '%s' runs" % (version, cmd), text or out[-1500:])
system_out = sec

if version >= 20:
    new_lldb = system_lldb
else:
    want = os.environ.get("LLDB_COMPLETION_VERSION") or "22"
    rc, text = t.run([os.path.join(HERE, "..", "..", "tools", "fetch-lldb"), "--path", want],
                     timeout=600)
    new_lldb = text.strip().splitlines()[-1] if rc == 0 and text.strip() else None
    if not new_lldb or not os.path.exists(new_lldb):
        if t._failures:
            t.finish()
        t.skip("completion not checked: LLDB %d cannot complete a script command's "
               "arguments (that needs LLDB 20's parsed commands), and LLDB %s (Debian "
               "package lldb-%s) could not be had: %s"
               % (version, want, want, " ".join(text.split())[-300:]))

new_version = t.lldb_version(new_lldb)
sec, out = t.lldb_session(program, RUN + COMPLETE, lldb=new_lldb)
for name, cmd in RUN:
    t.check(lines(sec.get(name)) == lines(system_out.get(name)) and lines(sec.get(name)),
            "LLDB %d prints what LLDB %d prints for '%s'" % (new_version, version, cmd),
            "LLDB %d:\n%s\nLLDB %d:\n%s" % (new_version, sec.get(name), version,
                                            system_out.get(name)))
got = {name: matches(sec.get(name)) for name, _ in COMPLETE}
t.check(set(["-r", "-x", "-c", "-t", "-a"]) <= set(got["options"]),
        "align -<TAB> offers the options -r -x -c -t -a", repr(got["options"]))
t.check(got["arch"][1:] == ["arm64"], "align -a ar<TAB> completes arm64", repr(got["arch"]))
t.check(got["tag"][1:] == ["inner"], "align -t struct inn<TAB> completes struct inner",
        repr(got["tag"]))
t.check(got["union"][1:] == ["pair"], "align -t union pa<TAB> completes union pair",
        repr(got["union"]))
t.check("outer" in got["bare"][1:], "align -t ou<TAB> offers outer", repr(got["bare"]))
t.check(got["member"][1:] == ["o.in"], "align -r o.i<TAB> completes the member o.in",
        repr(got["member"]))
t.check("Traceback" not in out, "no Python traceback", out[-1500:])
t.finish()
