#!/usr/bin/env python3
"""project_check.py - `audit --as-arch` against a binary really built for
the target.

One Go program (types chosen to change between 64- and 32-bit layouts:
int64 after a bool, strings, slices, interfaces, atomic.Int64, nested
structs, zero-size tails) is built for amd64 with DWARF and for each target
arch; the target build runs (arm64 under qemu-aarch64, arm under qemu-arm)
and prints each type's size and padding (size minus the field sizes) as the
compiler made them.  `structalign audit --as-arch A --all --format json` on
the amd64 binary must give the same numbers, and must mark `changed` exactly
where they differ from amd64's.  Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

TYPES = {
    "Order": "struct {\n\tPaid bool\n\tID int64\n\tName string\n\tTags []string\n\tQty int32\n}",
    "Event": "struct {\n\tKind uint8\n\tAt float64\n\tV any\n\tErr error\n}",
    "Counter": "struct {\n\tOn bool\n\tN atomic.Int64\n\tM int64\n}",
    "Nest": "struct {\n\tA Order\n\tB bool\n\tC complex128\n\tD [3]int16\n\tE struct{}\n}",
    "Small": "struct {\n\tA int32\n\tB int16\n\tC int8\n}",
}
MAIN = """package main

import (
\t"fmt"
\t"reflect"
\t"sync/atomic"
)

%s

var keep []any

func show(name string, v any) {
\tkeep = append(keep, v)
\tt := reflect.TypeOf(v)
\tvar sum uintptr
\tfor i := 0; i < t.NumField(); i++ {
\t\tsum += t.Field(i).Type.Size()
\t}
\tfmt.Printf("main.%%s %%d %%d\\n", name, t.Size(), t.Size()-sum)
}

func main() {
\tvar _ atomic.Int64
%s}
"""
RUN = {"amd64": [], "arm64": ["qemu-aarch64"], "arm": ["qemu-arm"]}


def main():
    tool = os.environ.get("STRUCTALIGN")
    if not tool or not os.access(tool, os.X_OK):
        print("SKIP: STRUCTALIGN is not set (run through make check)")
        return 77
    for exe in ["go", "qemu-aarch64", "qemu-arm"]:
        if shutil.which(exe) is None:
            print("SKIP: %s not found" % exe)
            return 77
    decls = "\n".join("type %s %s" % kv for kv in TYPES.items())
    calls = "".join("\tshow(%r, %s{})\n" % (n, n) for n in TYPES)
    calls = calls.replace("'", '"')
    work = tempfile.mkdtemp(prefix="project.")
    env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GO111MODULE="on", GOWORK="off",
               CGO_ENABLED="0", GOPATH=os.path.join(work, "gopath"), GOOS="linux")
    try:
        with open(os.path.join(work, "go.mod"), "w") as f:
            f.write("module m\n\ngo 1.19\n")
        with open(os.path.join(work, "main.go"), "w") as f:
            f.write(MAIN % (decls, calls))
        truth = {}
        for a in RUN:
            exe = os.path.join(work, "prog-" + a)
            subprocess.run(["go", "build", "-o", exe, "."], cwd=work, check=True,
                           env=dict(env, GOARCH=a))
            out = subprocess.run(RUN[a] + [exe], check=True, capture_output=True,
                                 text=True).stdout
            truth[a] = {l.split()[0]: (int(l.split()[1]), int(l.split()[2]))
                        for l in out.splitlines()}
        fails = 0
        for a in ("arm", "arm64", "386"):
            p = subprocess.run([tool, "audit", "--as-arch", a, "--all", "--format", "json",
                                "--filter", "main.*", os.path.join(work, "prog-amd64")],
                               capture_output=True, text=True)
            if p.returncode != 0:
                print("FAIL: audit --as-arch %s exited %d: %s" % (a, p.returncode, p.stderr))
                return 1
            got = {t["name"]: t for t in json.loads(p.stdout)["types"]}
            ref = truth.get(a)
            for name, (size64, pad64) in truth["amd64"].items():
                t = got.get(name)
                if t is None:
                    print("FAIL: %s missing from --as-arch %s" % (name, a))
                    fails += 1
                    continue
                if (t["size"], t["padding"]) != (size64, pad64):
                    print("FAIL: %s amd64 size/padding %s, ours %s"
                          % (name, (size64, pad64), (t["size"], t["padding"])))
                    fails += 1
                if ref is None:
                    continue   # 386: no runnable truth here (see difftest.py)
                want = ref[name]
                ok = (t["as_size"], t["as_padding"]) == want and \
                    t["changed"] == (want != (size64, pad64))
                print("%s %s on %s: compiler %s, ours %s, changed %s"
                      % ("ok  " if ok else "FAIL", name, a, want,
                         (t["as_size"], t["as_padding"]), t["changed"]))
                fails += not ok
        print("%d failures" % fails)
        return 1 if fails else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
