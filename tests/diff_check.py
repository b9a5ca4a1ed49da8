#!/usr/bin/env python3
"""diff_check.py - `structalign diff OLD NEW` on two real builds.

Two versions of one Go program: a type that grows, one that shrinks, one
that gains padding at the same size, one that loses padding, one that
appears, one that disappears, one unchanged.  Each build prints its own
unsafe.Sizeof of every type (the compiler's truth); diff must report each
type in the right category with those sizes, weigh the growth by --count,
and --fail-on-growth must exit 1 above the net growth and 0 at it.  JSON is
parsed with the json module.  The same two versions built for GOARCH=arm
(32-bit ELF; run under qemu-arm for their sizes) must diff to the arm
compiler's sizes: grew and shrank exactly where those sizes say, the net
growth theirs.  Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import salib

OLD = {
    "Grows": "struct {\n\tA int32\n\tB bool\n}",
    "Shrinks": "struct {\n\tA bool\n\tB int64\n\tC bool\n}",
    "GainsPad": "struct {\n\tA int32\n\tB int32\n\tC int32\n\tD int32\n}",
    "LosesPad": "struct {\n\tA bool\n\tB int32\n\tC bool\n}",
    "Gone": "struct {\n\tA string\n}",
    "Same": "struct {\n\tA int64\n\tB int32\n}",
}
NEW = {
    "Grows": "struct {\n\tA int32\n\tB bool\n\tC int64\n}",
    "Shrinks": "struct {\n\tB int64\n\tA bool\n\tC bool\n}",
    "GainsPad": "struct {\n\tA int64\n\tB bool\n}",
    "LosesPad": "struct {\n\tA bool\n\tC bool\n\tB int32\n\tD int32\n}",
    "Fresh": "struct {\n\tA []int\n}",
    "Same": "struct {\n\tA int64\n\tB int32\n}",
}
MAIN = """package main

import (
\t"fmt"
\t"unsafe"
)

%s

var keep []any

func main() {
%s}
"""


def build(work, name, types, arch="amd64"):
    d = os.path.join(work, name + "-" + arch)
    decls = "\n".join("type %s %s" % kv for kv in types.items())
    body = "".join('\tkeep = append(keep, %s{})\n\tfmt.Println("main.%s", unsafe.Sizeof(%s{}))\n'
                   % (n, n, n) for n in types)
    salib.write_tree(d, {"go.mod": "module m\n\ngo 1.19\n", "main.go": MAIN % (decls, body)})
    env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GO111MODULE="on", GOWORK="off",
               CGO_ENABLED="0", GOPATH=os.path.join(work, "gopath"), GOARCH=arch, GOOS="linux")
    exe = os.path.join(d, "prog")
    subprocess.run(["go", "build", "-o", exe, "."], cwd=d, check=True, env=env)
    runner = ["qemu-arm"] if arch == "arm" else []
    out = subprocess.run(runner + [exe], check=True, capture_output=True, text=True).stdout
    return exe, {l.split()[0]: int(l.split()[1]) for l in out.splitlines()}


def check_arm(tool, work, count, fails):
    """diff of the arm builds against the arm compiler's sizes."""
    old, old_sz = build(work, "old", OLD, "arm")
    new, new_sz = build(work, "new", NEW, "arm")
    p = subprocess.run([tool, "diff", "--format", "json", "--filter", "main.*",
                        "--count", "main.Grows=%d" % count, old, new],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fails.append("arm: diff exited %d: %s" % (p.returncode, p.stderr))
        return
    got = {t["name"]: t for t in json.loads(p.stdout)["types"]}
    for name in old_sz.keys() & new_sz.keys():
        o, n = old_sz[name], new_sz[name]
        want = "grew" if n > o else "shrank" if n < o else None
        t = got.get(name)
        change = t["change"] if t else None
        if want is not None and (change != want or (t["old_size"], t["new_size"]) != (o, n)):
            fails.append("arm: %s is %d -> %d bytes, diff says %s" % (name, o, n, t))
        if want is None and change in ("grew", "shrank"):
            fails.append("arm: %s keeps %d bytes, diff says %s" % (name, o, change))
    for name, change in (("main.Fresh", "appeared"), ("main.Gone", "disappeared")):
        if got.get(name, {}).get("change") != change:
            fails.append("arm: %s not %s: %s" % (name, change, got.get(name)))
    net = sum((new_sz[n] - old_sz[n]) * (count if n == "main.Grows" else 1)
              for n in old_sz if n in new_sz)
    doc = json.loads(p.stdout)
    if doc.get("net_growth") != net:
        fails.append("arm: net_growth %s, compiler sizes give %d" % (doc.get("net_growth"), net))
    print("arm: %d -> %d types, net growth %s (compiler: %d)"
          % (len(old_sz), len(new_sz), doc.get("net_growth"), net))


def main():
    tool = salib.need("go", "qemu-arm")
    work = tempfile.mkdtemp(prefix="diffcheck.")
    fails = []
    try:
        old, old_sz = build(work, "old", OLD)
        new, new_sz = build(work, "new", NEW)
        count = 1000
        p = subprocess.run([tool, "diff", "--format", "json", "--filter", "main.*",
                            "--count", "main.Grows=%d" % count, old, new],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return ["diff exited %d: %s" % (p.returncode, p.stderr)]
        doc = json.loads(p.stdout)
        got = {t["name"]: t for t in doc["types"]}
        want = {"main.Grows": "grew", "main.Shrinks": "shrank",
                "main.GainsPad": "gained padding", "main.LosesPad": "lost padding",
                "main.Fresh": "appeared", "main.Gone": "disappeared"}
        for name, change in want.items():
            t = got.get(name)
            if t is None or t["change"] != change:
                fails.append("%s: want %s, got %s" % (name, change, t))
                continue
            if name in old_sz and t.get("old_size") != old_sz[name]:
                fails.append("%s: old_size %s, compiler %d" % (name, t.get("old_size"),
                                                               old_sz[name]))
            if name in new_sz and t.get("new_size") != new_sz[name]:
                fails.append("%s: new_size %s, compiler %d" % (name, t.get("new_size"),
                                                               new_sz[name]))
        if "main.Same" in got:
            fails.append("main.Same reported: %s" % got["main.Same"])
        net = sum((new_sz[n] - old_sz[n]) * (count if n == "main.Grows" else 1)
                  for n in old_sz if n in new_sz)
        if doc.get("net_growth") != net:
            fails.append("net_growth %s, compiler sizes give %d" % (doc.get("net_growth"), net))
        for k in ("grew", "shrank", "gained_padding", "lost_padding", "appeared", "disappeared"):
            if doc.get(k) != 1:
                fails.append("%s = %s, want 1" % (k, doc.get(k)))
        base = [tool, "diff", "--filter", "main.*", "--count", "main.Grows=%d" % count]
        for limit, rc in ((net - 1, 1), (net, 0)):
            r = subprocess.run(base + ["--fail-on-growth", str(limit), old, new],
                               capture_output=True, text=True)
            if r.returncode != rc:
                fails.append("--fail-on-growth %d exited %d, want %d" % (limit, r.returncode, rc))
        r = subprocess.run([tool, "diff", old], capture_output=True, text=True)
        if r.returncode != 2:
            fails.append("diff with one binary exited %d, want 2" % r.returncode)
        text = subprocess.run(base + [old, new], capture_output=True, text=True).stdout
        print(text)
        if "grew             main.Grows" not in text:
            fails.append("text output lacks the grew line")
        check_arm(tool, work, count, fails)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
