#!/usr/bin/env python3
"""sizeclasses_check.py - libalign/analysis/sizeclasses.h against each Go
release's own runtime source (run by tests/sizeclasses.test).

For every release go_releases() names ($GO_VERSIONS; make check-go-all: all
seven), and every other release already fetched, the generator's --check must find the header's row and table for that
release exactly what the release's sizeclasses.go and malloc sources say.
The check must also be able to fail: faults injected into copies of a
runtime's source (a class of 40 bytes instead of 48, a 16-byte malloc
header, an unknown header threshold, a truncated table) must be caught.
A release that cannot be fetched is a SKIP naming its package."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import salib

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..")
GEN = os.path.join(TOP, "tools", "gen_sizeclasses.py")
HEADER = os.path.join(TOP, "libalign", "analysis", "sizeclasses.h")


def gen(*args):
    return subprocess.run([sys.executable, GEN] + list(args), capture_output=True, text=True)


def copy_runtime(goroot, dst):
    """The files the generator reads, copied from goroot into dst."""
    os.makedirs(os.path.join(dst, "src", "runtime"))
    shutil.copy(os.path.join(goroot, "VERSION"), dst)
    rt = os.path.join(goroot, "src", "runtime")
    for n in os.listdir(rt):
        if n in ("malloc.go", "sizeclasses.go") or n.startswith("mbitmap"):
            shutil.copy(os.path.join(rt, n), os.path.join(dst, "src", "runtime", n))
    gc = os.path.join(goroot, "src", "internal", "runtime", "gc")
    if os.path.isdir(gc):
        os.makedirs(os.path.join(dst, "src", "internal", "runtime", "gc"))
        for n in os.listdir(gc):
            if n.endswith(".go"):
                shutil.copy(os.path.join(gc, n), os.path.join(dst, "src", "internal", "runtime", "gc", n))


def edit(path, pattern, repl):
    with open(path) as f:
        text = f.read()
    new, n = re.subn(pattern, repl, text, count=1, flags=re.M)
    if n != 1:
        raise AssertionError("%s: pattern %r not found" % (path, pattern))
    with open(path, "w") as f:
        f.write(new)


def main():
    fails = []
    roots = {v: salib.go_root(v) for v in salib.go_releases_at_hand()}
    # Every other release already at hand is checked too (it costs nothing).
    for v, root in salib.go_releases_installed().items():
        roots.setdefault(v, root)
    if not roots:
        raise salib.Skip("no Go release to check the tables against")
    for v, root in roots.items():
        p = gen("--check", HEADER, root)
        if p.returncode != 0:
            fails.append("Go %s (%s): %s%s" % (v, root, p.stdout.strip(), p.stderr.strip()))
            print("hint: python3 tools/gen_sizeclasses.py $(for v in $(tools/fetch-go --list); "
                  "do tools/fetch-go --goroot $v; done) > libalign/analysis/sizeclasses.h")
        else:
            print("ok: Go %s: the table and rules for %s match its runtime" % (v, root))

    # Fault injection, on the oldest and the newest release at hand.
    oldest, newest = sorted(roots, key=lambda v: int(v.split(".")[1]))[0], \
        sorted(roots, key=lambda v: int(v.split(".")[1]))[-1]
    with tempfile.TemporaryDirectory() as tmp:
        def faulty(v, what, path_in, pattern, repl, refuse=False):
            d = os.path.join(tmp, "%s-%d" % (v, len(os.listdir(tmp))))
            copy_runtime(roots[v], d)
            edit(os.path.join(d, path_in), pattern, repl)
            p = gen("--check", HEADER, d)
            if refuse and p.returncode == 0:
                fails.append("fault not refused (Go %s): %s" % (v, what))
            elif p.returncode == 0:
                fails.append("fault went unnoticed (Go %s): %s" % (v, what))
            else:
                print("fault caught (Go %s): %s" % (v, what))

        for v in {oldest, newest}:
            sc = ("src/internal/runtime/gc/sizeclasses.go"
                  if os.path.exists(os.path.join(roots[v], "src/internal/runtime/gc/sizeclasses.go"))
                  else "src/runtime/sizeclasses.go")
            faulty(v, "a 40-byte class instead of 48", sc,
                   r"^(var \w+ = \[\w+\]uint16\{0, 8, 16, 24, 32), 48,", r"\1, 40,")
            faulty(v, "a truncated class table", sc,
                   r"^(var \w+ = \[\w+\]uint16\{0, 8, 16)[^}]*\}", r"\1}", refuse=True)
            if int(v.split(".")[1]) >= 22:
                hdr = ("src/internal/runtime/gc/malloc.go" if int(v.split(".")[1]) >= 25
                       else "src/runtime/mbitmap.go" if int(v.split(".")[1]) >= 23
                       else "src/runtime/mbitmap_allocheaders.go")
                faulty(v, "a 16-byte malloc header", hdr,
                       r"^(\s*[mM]allocHeaderSize\s*=\s*)8\s*$", r"\g<1>16")
                faulty(v, "another header threshold", hdr,
                       r"^(\s*[mM]inSizeForMallocHeader\s*=\s*)goarch\.PtrSize \* .*$",
                       r"\g<1>1024", refuse=True)
            else:
                faulty(v, "a malloc header in a release that has none", "src/runtime/malloc.go",
                       r"^(\s*_TinySize\s*=\s*16)\s*$",
                       "\\1\n\tmallocHeaderSize = 8\n\tminSizeForMallocHeader = goarch.PtrSize * ptrBits")
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
