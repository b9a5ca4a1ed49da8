#!/usr/bin/env python3
"""A source file whose every function the linker removed is "not linked",
not a stale log; a file gone since the log, or a function the log names
that the binary has in another file, is "a log of another build".

The program (written here): package main with main.go and helper.go in
use and dead.go, whose functions nothing calls; package lib with lib.go in
use and lib_dead.go unused.  Built once per Go release ($GO_VERSIONS,
salib.go_releases()) with -gcflags=example.com/dead/...=-m=2, so the log
and the binary are one build's.

The truth:
  - which files the binary has code of: `go tool objdump` of the binary
    (the TEXT lines' files and every instruction's file:line), and `go tool
    nm` for the functions (deadAlloc, deadSlice, lib.Unused absent);
  - which heap sites the log has in each file: the log itself, read here
    with a regular expression.
Checked: every heap site of the dead files is unresolved, not_linked and
not stale, with the reason saying so; no site of a linked file is; the
summary counts them as not linked, with no stale or unmatched site; and
the join warns of no stale log.  Then two real stale logs of the same
build: helper.go renamed since (the file is gone while its package's
other files are there: stale, "log of another build", and a warning), and
on go1.25+ (whose -m=2 names the function analysed) helper() moved to
another file while helper.go stays with dead code only.
"""
import json
import os
import re
import subprocess
import sys

import salib

FILES = {
    "go.mod": "module example.com/dead\n\ngo 1.19\n",
    "main.go": """package main

import "example.com/dead/lib"

type Live struct {
	A bool
	B int64
	C bool
}

//go:noinline
func newLive(n int64) *Live { return &Live{B: n} }

var sink []any

func main() {
	sink = append(sink, newLive(3), lib.Make(2), helper())
	println(len(sink))
}
""",
    "helper.go": """package main

type Helped struct {
	A bool
	B int64
	C bool
}

//go:noinline
func helper() *Helped { return &Helped{B: 1} }
""",
    "dead.go": """package main

type Dead struct {
	A bool
	B int64
	C bool
}

func deadAlloc(n int64) *Dead { return &Dead{B: n} }

func deadSlice(n int) []Dead { return make([]Dead, n) }
""",
    "lib/lib.go": """package lib

type Rec struct {
	A bool
	N int
	B bool
}

//go:noinline
func Make(n int) *Rec { return &Rec{N: n} }
""",
    "lib/lib_dead.go": """package lib

func Unused(n int) *Rec { return &Rec{N: n + 1} }
""",
}
DEAD = {"dead.go", "lib/lib_dead.go"}
SITE = re.compile(r"^(\S+\.go):(\d+):(\d+): (.*escapes to heap|moved to heap: .*)$")


def build(root, env, out, log=None):
    """The program in root; with log, the escape log of its own packages
    (-m=2) written there."""
    p = salib.build_module(root, env, out, "example.com/dead/...=-m=2" if log else None, log)
    if p.returncode != 0:
        raise salib.Skip("go build failed in %s" % root)


def log_sites(log):
    """{(file as written, cleaned of "./", line, col)} of the log's heap sites."""
    out = set()
    for line in open(log):
        m = SITE.match(line.rstrip())
        if m and not line.startswith(" "):
            f = m.group(1)
            out.add((f[2:] if f.startswith("./") else f, int(m.group(2)), int(m.group(3))))
    return out


def code_files(binary, env):
    """The files the binary has code of, per go tool objdump: full paths of
    functions, base names of every instruction's line."""
    p = subprocess.run(["go", "tool", "objdump", binary], env=env, capture_output=True,
                       text=True, check=True)
    full, base = set(), set()
    for line in p.stdout.splitlines():
        if line.startswith("TEXT "):
            full.add(line.split()[-1])
        else:
            m = re.match(r"^\s+(\S+\.go):\d+\s", line)
            if m:
                base.add(m.group(1))
    return full, base


def audit(binary, *args):
    p = subprocess.run([os.environ["STRUCTALIGN"], "audit", "--all", "--format", "json"] +
                       list(args) + [binary], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr
    return json.loads(p.stdout), p.stderr


def check_release(v, work, fails):
    print("Go %s" % v)
    # The user's build cache: the standard library is not rebuilt, and the
    # program's packages (in a new directory each run) never replay an old
    # log.
    env = salib.go_env(v)
    vt = tuple(int(x) for x in v.split("."))
    root = os.path.join(work, "dead")
    salib.write_tree(root, FILES)
    log, binary = os.path.join(root, "build.log"), os.path.join(work, "dead.bin")
    build(root, env, binary, log)

    def fail(msg, detail=""):
        fails.append("go%s: %s%s" % (v, msg, ("\n      " + str(detail)) if detail else ""))

    # The truth: the dead files have no code in the binary, the others do.
    full, base = code_files(binary, env)
    nm = subprocess.run(["go", "tool", "nm", binary], env=env, capture_output=True,
                        text=True).stdout
    for rel in DEAD:
        if os.path.join(root, rel) in full or os.path.basename(rel) in base:
            fail("objdump shows code of %s: the program no longer tests a dead file" % rel)
    for rel in ("main.go", "helper.go", "lib/lib.go"):
        if os.path.join(root, rel) not in full:
            fail("objdump shows no function of %s" % rel, sorted(full)[:5])
    for fn in ("main.deadAlloc", "main.deadSlice", "example.com/dead/lib.Unused"):
        if re.search(r"\s%s$" % re.escape(fn), nm, re.M):
            fail("go tool nm lists %s: it was meant to be dead" % fn)
    sites = log_sites(log)
    dead_sites = {s for s in sites if s[0] in DEAD}
    if len(dead_sites) != 3:
        fail("the log has %d heap sites in the dead files, expected 3" % len(dead_sites),
             sorted(sites))

    d, err = audit(binary, "--escape", log)
    if d is None:
        fail("audit failed", err)
        return
    unres = {(u["file"][2:] if u["file"].startswith("./") else u["file"], u["line"], u["col"]): u
             for u in d["unresolved_sites"]}
    for s in sorted(dead_sites):
        u = unres.get(s)
        if u is None or not u.get("not_linked") or u["stale"] or \
                "not linked: no function of" not in u["reason"]:
            fail("%s:%d:%d (every function of its file removed) is not linked" % s, u)
    for s, u in unres.items():
        if s[0] not in DEAD:
            fail("%s:%d:%d of a linked file is unresolved" % s, u)
    summ = d["escape_summary"]
    if (summ["not_linked"], summ["stale"], summ["unmatched"]) != (len(dead_sites), 0, 0):
        fail("summary: not_linked %d, stale 0, unmatched 0" % len(dead_sites), summ)
    if "warning" in err:
        fail("a stale-log warning for a fresh log", err)
    p = subprocess.run([os.environ["STRUCTALIGN"], "audit", "--escape", log, binary],
                       capture_output=True, text=True)
    want = "Unresolved heap sites (%d: %d not linked, 0 in files the binary does not have, " \
           "0 contradicting it, 0 not typed):" % (len(dead_sites), len(dead_sites))
    if want not in p.stdout:
        fail("text: %r" % want, p.stdout[-600:])

    # Stale 1: helper.go renamed after the log was written.
    moved = os.path.join(work, "moved")
    files = dict(FILES)
    files["helper2.go"] = files.pop("helper.go")
    salib.write_tree(moved, files)
    moved_bin = os.path.join(work, "moved.bin")
    build(moved, env, moved_bin)
    d, err = audit(moved_bin, "--escape", log, "--src", moved)
    helper = [u for u in (d or {}).get("unresolved_sites", []) if u["file"].endswith("helper.go")]
    if not helper or not all(u["stale"] and not u.get("not_linked") and
                             "log of another build" in u["reason"] for u in helper):
        fail("helper.go renamed since the log: stale, a log of another build", helper or err)
    if "warning" not in err or "do not match" not in err:
        fail("helper.go renamed: the stale-log warning", err)

    # Stale 2 (go1.25+ -m=2 names the function): helper() moved to another
    # file, helper.go kept with dead code only.
    if vt >= (1, 25):
        split = os.path.join(work, "split")
        files = dict(FILES)
        files["helper2.go"] = files["helper.go"]
        files["helper.go"] = "package main\n\nfunc unusedHelper() int { return 1 }\n"
        salib.write_tree(split, files)
        split_bin = os.path.join(work, "split.bin")
        build(split, env, split_bin)
        d, err = audit(split_bin, "--escape", log, "--src", split)
        helper = [u for u in (d or {}).get("unresolved_sites", [])
                  if u["file"].endswith("helper.go")]
        if not helper or not all(u["stale"] and "main.helper is in the binary, but not in"
                                 in u["reason"] for u in helper):
            fail("helper() moved to helper2.go: a log of another build", helper or err)


def main():
    return salib.check_releases(lambda _, v, work, fails: check_release(v, work, fails),
                                "sa-unlinked-", tools=(), own_dirs=True)


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
