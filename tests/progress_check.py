#!/usr/bin/env python3
"""progress_check.py - the progress line of a long escape-log read.

Builds the demo program (examples/orderbook) with its -m log, repeats the
log's lines into a log of a hundred MiB or more (grown until the line shows:
the read lasts longer than the delay, 0.2 s here through
STRUCTALIGN_PROGRESS_DELAY, since reading is now fast enough that a log
taking over the default second would need gigabytes of disk), and runs
`structalign audit --escape BIG.log BIN`:
  - with stderr on a pseudo-terminal (pty.fork): a "\\r"-overwritten line
    "reading escape log: D MiB of T MiB (P%)" appears, T is the log's size
    in MiB (os.stat), D and P never go down and P is the
    percentage of some byte count D MiB rounds down to, and the line
    is erased at the end ("\\r\\033[K");
  - with stderr to a file: no progress text and no "\\r";
  - with --quiet on the pseudo-terminal: no progress text;
  - stdout (the report) is byte-identical in the three runs.
SKIP (77) without go, or with under 1.5 GiB free for the generated log.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import salib  # noqa: E402

LINE = re.compile(rb"\rreading escape log: (\d+) MiB of (\d+) MiB \((\d+)%\)")


def main():
    sa = salib.need("go")
    fails = []
    work = tempfile.mkdtemp(prefix="sa-progress-")
    # The log grows up to 1 GiB (until the line shows on the terminal);
    # on a small disk that is a reason to skip, not a failure of the tool.
    free = shutil.disk_usage(work).free
    if free < (3 << 29):
        shutil.rmtree(work, ignore_errors=True)
        raise salib.Skip("%d MiB free in %s; the generated escape log needs up to 1 GiB "
                         "(set TMPDIR to a larger disk)" % (free >> 20, os.path.dirname(work)))
    try:
        src = os.path.abspath(os.path.join(salib._top_srcdir(), "examples", "orderbook"))
        binary = os.path.join(work, "orderbook")
        small = os.path.join(work, "escape.log")
        env = dict(os.environ, GOFLAGS="", GOWORK="off", CGO_ENABLED="0")
        r = salib.build_module(src, env, binary, "-m", small)
        if r.returncode != 0:
            return ["go build of examples/orderbook failed: " + open(small).read()[-400:]]
        lines = open(small, "rb").read()
        big = os.path.join(work, "big.log")
        base = ["audit", "--escape", big, "--src", src, "--no-compiler-types", binary]
        os.environ["STRUCTALIGN_PROGRESS_DELAY"] = "0.2"
        # The run on the terminal sets the size: grown until the line shows
        # (the read outlasts the 0.2 s delay; then a line every 0.25 s).
        size = 64 << 20
        while True:
            block = lines * max(1, (8 << 20) // len(lines))
            with open(big, "wb") as f:
                n = 0
                while n < size:
                    f.write(block)
                    n += len(block)
            rc, tty, took = salib.run_pty([sa] + base, os.path.join(work, "out_tty.txt"))
            if rc != 0:
                return ["audit on a pty exited %d: %r" % (rc, tty[-300:])]
            if len(LINE.findall(tty)) >= 2 or size >= (1 << 30):
                break
            size *= 2
        print("log: %d MiB, read on the terminal in %.2f s" % (os.path.getsize(big) >> 20, took))
        total_mib = os.path.getsize(big) >> 20

        with open(os.path.join(work, "out_file.txt"), "wb") as o, \
                open(os.path.join(work, "err_file.txt"), "wb") as e:
            r = subprocess.run([sa] + base, stdout=o, stderr=e)
        err_file = open(os.path.join(work, "err_file.txt"), "rb").read()
        if r.returncode != 0:
            fails.append("audit with stderr to a file exited %d: %r" % (r.returncode, err_file[-300:]))
        if b"reading escape log" in err_file or b"\r" in err_file:
            fails.append("stderr to a file carries progress text: %r" % err_file[:200])

        shown = LINE.findall(tty)
        if not shown:
            fails.append("no progress line on the terminal: %r" % tty[:300])
        last_d = last_p = -1
        for d, t, p in shown:
            d, t, p = int(d), int(t), int(p)
            if t != total_mib:
                fails.append("progress total %d MiB, the log is %d MiB" % (t, total_mib))
                break
            if d < last_d or p < last_p or p > 100:
                fails.append("progress went back or past 100%%: %s" % (shown,))
                break
            if not salib.progress_percent_ok(d, p, os.path.getsize(big), 20):
                fails.append("progress %d MiB of %d MiB (%d bytes) is not %d%%"
                             % (d, t, os.path.getsize(big), p))
                break
            last_d, last_p = d, p
        if shown and b"\r\x1b[K" not in tty[tty.rfind(b"reading escape log"):]:
            fails.append("the progress line is not erased at the end: %r" % tty[-200:])
        print("terminal: %d progress lines, last %s" % (len(shown), shown[-1:] if shown else None))

        rc, quiet, _ = salib.run_pty([sa, "audit", "--quiet"] + base[1:],
                                     os.path.join(work, "out_quiet.txt"))
        if rc != 0:
            fails.append("audit --quiet on a pty exited %d: %r" % (rc, quiet[-300:]))
        if b"reading escape log" in quiet or b"MiB of" in quiet:
            fails.append("--quiet still prints progress: %r" % quiet[:200])

        ref = open(os.path.join(work, "out_file.txt"), "rb").read()
        if not ref.strip():
            fails.append("empty report on stdout")
        for name in ("out_tty.txt", "out_quiet.txt"):
            if open(os.path.join(work, name), "rb").read() != ref:
                fails.append("stdout of %s differs from the run with stderr to a file" % name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
