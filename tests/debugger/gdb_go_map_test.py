"""gdb_go_map_test - `align m` on a Go map checks the padding of every live
entry: Go 1.19 (hmap buckets and overflow chains) and Go 1.24 (swiss
tables: a small map's single group, a big one's directory of tables).

gmap/main.go is built by each release and stopped in main.stop.  The
truth is what the program prints: the padding ranges of Entry
(unsafe.Offsetof/Sizeof), the lengths, and the bytes of each planted
entry as the map holds them (read back through reflect, which copies
every byte).  Checked, per release:
  - the leak check counts len(m) entries, every one of them;
  - the runs listed are exactly the non-zero bytes of the read-back entry
    inside Entry's padding, named m["bad"]+OFFSET and big[77]+OFFSET;
  - a map with zeroed padding says so, with padding bytes = len x the
    padding of one Entry;
  - a struct key's padding is checked too, named key(keyed[{K:7 N:7}])+1,
    against every entry read back with reflect's MapKeys and MapIndex;
  - a value over 128 bytes, which the map keeps behind a pointer, is read
    where the pointer goes (huge[3]+2);
  - --json carries the same runs in live.map_entries.
$GO_MAP_VERSIONS, else $GO_VERSIONS (`make check-go-all`: all seven),
else "1.19 1.24" chooses the releases; one that cannot be had is a loud
SKIP naming its Debian package.  All seven pass (1 min 43 s).
"""

import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import dbgtest as t  # noqa: E402
import salib  # noqa: E402

t.tool("GDB", "gdb")
env = t.plugin_env()
tmp = t.workdir()
COMMANDS = [("m", "align m"), ("big", "align big"), ("clean", "align clean"),
            ("keyed", "align keyed"), ("huge", "align huge"), ("json", "align --json m")]


def expected_runs(name, raw, padding):
    """The runs render_live lists for one entry: maximal runs of non-zero
    bytes inside one padding range, as 'at NAME+OFFSET: xx xx'."""
    out = []
    for start, end in padding:
        i = start
        while i < end:
            if raw[i]:
                j = i
                while j < end and raw[j]:
                    j += 1
                out.append("at %s+%d: %s" % (name, i, " ".join("%02x" % b for b in raw[i:j])))
                i = j
            else:
                i += 1
    return out


def listed(text):
    return re.findall(r"^/\*   (at .*?) \*/$", text, re.M)


def one_release(version):
    pre = "Go %s: " % version
    # The user's build cache (keyed by toolchain) when there is one: a
    # fresh cache would compile fmt and reflect again every run.
    genv = salib.go_env(version, t.go_env(tmp))
    d = os.path.join(tmp, "gmap-" + version)
    os.makedirs(d)
    shutil.copy(os.path.join(HERE, "gmap", "main.go"), d)
    with open(os.path.join(d, "go.mod"), "w") as f:
        f.write("module example.com/gmap\n\ngo 1.19\n")
    program = os.path.join(d, "gmap")
    rc, out = t.run(["go", "build", "-gcflags=all=-N -l", "-o", program, "."], env=genv,
                    cwd=d, timeout=300)
    if not t.check(rc == 0, pre + "builds gmap", out):
        return
    sec, out = t.gdb_session(program, COMMANDS, env=dict(env, GOTRACEBACK="none"),
                             stop="main.stop", after=["-ex", "kill"])
    padding = [(int(a), int(b)) for a, b in re.findall(r"^padding (\d+) (\d+)$", out, re.M)]
    lens = {k: int(v) for k, v in re.findall(r"^len (\w+) (\d+)$", out, re.M)}
    backs = {k: bytes.fromhex(v) for k, v in re.findall(r"^readback (\S+) ([0-9a-f]+)$", out,
                                                         re.M)}
    if not t.check(len(padding) == 2 and len(lens) == 5 and len(backs) == 2 and
                   all(n in sec for n, _ in COMMANDS), pre + "the program and GDB ran", out):
        return
    per_entry = sum(b - a for a, b in padding)
    for name, planted in (("m", 'm["bad"]'), ("big", "big[77]")):
        text = sec[name]
        want = expected_runs(planted, backs[planted], padding)
        nonzero = sum(1 for a, b in padding for i in range(a, b) if backs[planted][i])
        t.check(want and listed(text) == want,
                pre + "align %s lists the garbage of %s as the map holds it: %s"
                % (name, planted, "; ".join(want)), text[-900:])
        t.check("/* warning: %d padding bytes of the %d entries of %s are not zero"
                % (nonzero, lens[name], name) in text,
                pre + "align %s: all %d entries checked, %d non-zero padding bytes"
                % (name, lens[name], nonzero), text[-900:])
    t.check("/* leak check: all %d padding bytes of the %d entries of clean are zero, at "
            "every depth */" % (per_entry * lens["clean"], lens["clean"]) in sec["clean"],
            pre + "align clean: %d entries x %d padding bytes, all zero"
            % (lens["clean"], per_entry), sec["clean"][-600:])
    # --json: the same runs, for IDEs.
    try:
        entries = json.loads(sec["json"].strip())["types"][0]["live"]["map_entries"]
        got = ["at %s+%d: %s" % (r["at"], r["offset"], " ".join(
            r["bytes"][i:i + 2] for i in range(0, len(r["bytes"]), 2))) for r in entries["listed"]]
    except (ValueError, KeyError, IndexError, TypeError):
        entries, got = {}, None
    t.check(got == listed(sec["m"]) and entries.get("entries") == lens["m"] and
            entries.get("checked") == lens["m"],
            pre + "align --json m: live.map_entries has the same runs, all %d entries"
            % lens["m"], sec["json"][:600])
    # A struct key: its padding is checked too, named key(keyed[{K:7 N:7}]);
    # every entry's bytes as the map holds them are the truth (keys made
    # by composite literals carry stack garbage in their padding).
    kpad = [(int(a), int(b)) for a, b in re.findall(r"^keypadding (\d+) (\d+)$", out, re.M)]
    want = []
    for ktext, khex, vhex in re.findall(r"^keyentry (\{.*?\}) ([0-9a-f]+) ([0-9a-f]+)$", out,
                                        re.M):
        want += expected_runs("keyed[%s]" % ktext, bytes.fromhex(vhex), padding)
        want += expected_runs("key(keyed[%s])" % ktext, bytes.fromhex(khex), kpad)
    planted = [w for w in want if w.startswith("at key(keyed[{K:7 N:7}])+1: 5a")]
    t.check(planted and sorted(listed(sec["keyed"])) == sorted(want),
            pre + "align keyed lists the garbage of every key and value as the map holds "
            "them, the planted key's included: %s" % "; ".join(want), sec["keyed"][-900:])
    # A value over 128 bytes, kept behind a pointer in its slot: followed.
    hpad = [(int(a), int(b)) for a, b in re.findall(r"^hugepadding (\d+) (\d+)$", out, re.M)]
    want = []
    for ktext, vhex in re.findall(r"^hugeentry (\d+) ([0-9a-f]+)$", out, re.M):
        want += expected_runs("huge[%s]" % ktext, bytes.fromhex(vhex), hpad)
    t.check(any(w.startswith("at huge[3]+2: 5a") for w in want) and
            sorted(listed(sec["huge"])) == sorted(want) and
            "of the %d entries of huge" % lens["huge"] in sec["huge"],
            pre + "align huge follows the pointer to each value over 128 bytes: %s"
            % "; ".join(want), sec["huge"][-900:])
    t.check("elem *Huge }: 16 bytes" in sec["huge"] or
            "8 values (*Huge, 8 bytes each)" in sec["huge"],
            pre + "the slot or bucket line says the value is kept behind a pointer",
            sec["huge"][-600:])
    t.check("Traceback" not in out and "Python Exception" not in out,
            pre + "no Python traceback", out[-2000:])


if os.environ.get("GO_MAP_VERSIONS"):
    releases = os.environ["GO_MAP_VERSIONS"].split()
elif os.environ.get("GO_VERSIONS"):
    try:
        releases = salib.go_releases()   # make check-go-all: every release
    except salib.Skip as e:
        t.skip(str(e))
else:
    releases = ["1.19", "1.24"]          # one of each map implementation
t.per_release(releases, one_release)
