#!/usr/bin/env python3
"""difftest_go.py - the differential test (tests/difftest.py) for Go, once
per Go release: each release's gc is the truth for its own layouts.

For every release go_releases() names ($GO_VERSIONS: 1.19 1.27 in make
check, all seven in make check-go-all) it runs difftest.py --lang go --go V
on amd64 (native) and arm64 (qemu-aarch64), and on 386 (compile-time
assertions) and arm (qemu-arm) for the newest release named and, when
$GO_VERSIONS is "all", the oldest (make check's tests/difftest.sh already
covers bookworm's go1.19 on all four).  Zero mismatches are required: in
calc's layouts, in audit of the truth binaries' DWARF (DWARF 4 up to 1.24,
DWARF 5 from 1.25), and in the sizes of the suggested orders.

$DIFFTEST_GO_COUNT types per run (default 100), seed $DIFFTEST_SEED (1).
A release that cannot be fetched is a SKIP naming its package."""
import os
import subprocess
import sys

import salib

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..")


def main():
    tool = salib.need("go", "qemu-aarch64")
    releases = salib.go_releases()
    full = os.environ.get("GO_VERSIONS", "").strip() == "all"
    wide = {releases[-1]} | ({releases[0]} if full else set())
    count = os.environ.get("DIFFTEST_GO_COUNT", "100")
    fails = []
    for v in salib.go_releases_at_hand():
        arches = ["amd64", "arm64"] + (["386", "arm"] if v in wide else [])
        cmd = [sys.executable, os.path.join(TOP, "tests", "difftest.py"), "--structalign", tool,
               "--lang", "go", "--go", v, "--count", count,
               "--seed", os.environ.get("DIFFTEST_SEED", "1")]
        for a in arches:
            cmd += ["--arch", a]
        print("== Go %s: %s" % (v, " ".join(arches)), flush=True)
        p = subprocess.run(cmd, capture_output=True, text=True)
        for line in p.stdout.splitlines():
            print("    " + line)
        if p.returncode == 77:
            skip = [x for x in p.stdout.splitlines() if x.startswith("SKIP")]
            salib.skip_release(v, skip[0] if skip else "difftest.py skipped")
        elif p.returncode != 0:
            fails.append("Go %s (%s): difftest.py exited %d%s" % (v, " ".join(arches),
                                                                 p.returncode,
                                                                 ": " + p.stderr[-500:]
                                                                 if p.stderr else ""))
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
