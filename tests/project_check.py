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
where they differ from amd64's.

Then the projection against the target build itself: for 386 and arm, Go
(GOARCH=386/arm) and C (i686-linux-gnu-gcc / arm-linux-gnueabihf-gcc against
gcc), `audit` of the target binary (32-bit ELF) must equal `audit --as-arch`
of the amd64 binary type by type: size, padding and every field's offset and
size; and the other way round, the 32-bit binary projected onto amd64 must
equal the amd64 build.  Exit 0 pass, 1 fail, 77 skip.
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
# Built for the projection comparison only (Go 386 cannot run here).
BUILD_ONLY = ["386"]
C_TYPES = """struct order { char paid; long long id; const char *name; short qty; double px; };
struct wide { char c; long double ld; int i; _Complex double z; };
struct bits { char c; unsigned a : 3; unsigned b : 9; long long q : 40; short s; };
union num { char c[3]; long long l; double d; };
struct nest { char k; struct order o; union num n; long l; struct bits b; };
struct order g_order; struct wide g_wide; struct bits g_bits; union num g_num;
struct nest g_nest;
int main(void) { return 0; }
"""
CC = {"amd64": "gcc", "386": "i686-linux-gnu-gcc", "arm": "arm-linux-gnueabihf-gcc"}


def audit_json(tool, args):
    """Runs `structalign audit ARGS --all --format json`; the document, or
    None (with the reason printed)."""
    p = subprocess.run([tool, "audit", "--all", "--format", "json"] + args,
                       capture_output=True, text=True)
    if p.returncode != 0:
        print("FAIL: audit %s exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
        return None
    return json.loads(p.stdout)


def shape(t):
    """What must agree between a projection and the real target build."""
    return (t["size"], t["padding"],
            [(f["name"], f["offset"], f["size"]) for f in t["fields"]])


def projection_vs_build(tool, lang, a, source_exe, target_exe, pattern):
    """audit --as-arch a of source_exe (built for another arch) against
    audit of the binary built for a; returns the number of failures."""
    proj = audit_json(tool, ["--as-arch", a, "--lang", lang, "--filter", pattern, source_exe])
    real = audit_json(tool, ["--lang", lang, "--filter", pattern, target_exe])
    if proj is None or real is None:
        return 1
    if real["arch"] != a:
        print("FAIL: %s read as %s, not %s" % (target_exe, real["arch"], a))
        return 1
    got = {t["name"]: t["layout"] for t in proj["types"]}
    fails = 0
    for t in real["types"]:
        want = shape(t)
        have = shape(got[t["name"]]) if t["name"] in got else None
        ok = have == want and t["model_agrees"]
        print("%s %s %s: audit of the %s build %s, --as-arch %s %s"
              % ("ok  " if ok else "FAIL", lang, t["name"], a, want[:2],
                 a, have[:2] if have else "missing"))
        if not ok and have:
            print("    fields: build %s\n    projection %s" % (want[2], have[2]))
        fails += not ok
    if not real["types"]:
        print("FAIL: audit of %s listed no type" % target_exe)
        fails += 1
    return fails


def main():
    tool = os.environ.get("STRUCTALIGN")
    if not tool or not os.access(tool, os.X_OK):
        print("SKIP: STRUCTALIGN is not set (run through make check)")
        return 77
    for exe in ["go", "qemu-aarch64", "qemu-arm"] + list(CC.values()):
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
        for a in BUILD_ONLY:
            subprocess.run(["go", "build", "-o", os.path.join(work, "prog-" + a), "."],
                           cwd=work, check=True, env=dict(env, GOARCH=a))
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
        for a in ("386", "arm"):
            fails += projection_vs_build(tool, "go", a, os.path.join(work, "prog-amd64"),
                                         os.path.join(work, "prog-" + a), "main.*")
            # And back: the 32-bit build projected onto amd64.
            fails += projection_vs_build(tool, "go", "amd64", os.path.join(work, "prog-" + a),
                                         os.path.join(work, "prog-amd64"), "main.*")
        with open(os.path.join(work, "types.c"), "w") as f:
            f.write(C_TYPES)
        for a, cc in CC.items():
            subprocess.run([cc, "-g", "-O0", "-o", os.path.join(work, "c-" + a), "types.c"],
                           cwd=work, check=True)
        for a in ("386", "arm"):
            fails += projection_vs_build(tool, "c", a, os.path.join(work, "c-amd64"),
                                         os.path.join(work, "c-" + a), "*")
            fails += projection_vs_build(tool, "c", "amd64", os.path.join(work, "c-" + a),
                                         os.path.join(work, "c-amd64"), "*")
        print("%d failures" % fails)
        return 1 if fails else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
