#!/usr/bin/env python3
"""progress_lines.py - the progress line while a binary's DWARF is read
(audit, show, diff) and while fix parses a tree of sources.

A small Go program built here (fmt pulls in some forty units, so the
line moves through many values) reads in a fraction of a second, under
the second after which a line appears, so the runs on a terminal set
STRUCTALIGN_PROGRESS_DELAY=0 (documented in structalign(1), as git's
GIT_PROGRESS_DELAY) to see it at once:
  - with stderr on a pseudo-terminal (pty.fork): "\\r"-overwritten lines
    "reading DWARF: D KiB of T KiB (P%)", T is .debug_info's decoded size
    read from the ELF file here (the section header, or for a compressed
    section its Elf64_Chdr.ch_size: not libdwarf's figure), D and P never go
    down, P is the percentage of some byte count D KiB rounds
    down to, the last line is T of T (100%), and the line is erased
    at the end ("\\r\\033[K");
  - diff reads two binaries: one line per binary, each with its own total;
  - with stderr to a file: no progress text and no "\\r";
  - with --quiet, and with --no-progress, on the pseudo-terminal: no
    progress text;
  - without the delay variable, a read that took under 0.9 s shows nothing;
  - stdout (the report) is byte-identical in every run.
Lines are drawn at most every 250 ms, so the small program's read shows
one; the system Go's cmd/go (3 MB of .debug_info, about a second; the
build html_report.py caches) is read once more on the terminal, for a run
of several lines whose D and P must never go down.
fix over a generated tree of Go packages (--diff: nothing is written): the
same, with "parsing sources: D KiB of T KiB (P%)", T the sum of the .go
files' sizes (os.stat); fix --quiet and --no-progress show none; the exit
status (1: something to fix) and the diff on stdout are the same in every
run.  calc accepts --no-progress (every command does).
SKIP (77) without go.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import salib  # noqa: E402

DWARF = re.compile(rb"\rreading DWARF: (\d+) KiB of (\d+) KiB \((\d+)%\)")
PARSE = re.compile(rb"\rparsing sources: (\d+) KiB of (\d+) KiB \((\d+)%\)")
SHF_COMPRESSED = 0x800


def debug_info_size(path):
    """The decoded size of .debug_info of a 64-bit little-endian ELF file."""
    with open(path, "rb") as f:
        elf = f.read()
    sec = salib.elf_sections(elf).get(".debug_info")
    if sec is None:
        return None
    _, flags, off, size = sec
    if flags & SHF_COMPRESSED:
        _, _, ch_size, _ = struct.unpack_from("<IIQQ", elf, off)
        return ch_size
    return size


def check_lines(what, tty, totals, fails, line=DWARF):
    """The progress lines of one run on the terminal: one sequence per
    binary read, in order, each ending at its total (KiB) and erased."""
    # Each read's lines end where the line is erased ("\r\033[K" alone).
    seqs = [[tuple(int(x) for x in m) for m in line.findall(chunk)]
            for chunk in tty.split(b"\r\x1b[K")]
    seqs = [q for q in seqs if q]
    shown = [s for q in seqs for s in q]
    if not shown:
        fails.append("%s: no progress line on the terminal: %r" % (what, tty[:300]))
        return
    got_totals = [q[0][1] for q in seqs]
    if got_totals != [t >> 10 for t in totals]:
        fails.append("%s: progress totals %s KiB, the binaries' .debug_info are %s KiB"
                     % (what, got_totals, [t >> 10 for t in totals]))
    for q, total in zip(seqs, totals):
        last_p = -1
        for d, t, p in q:
            if p < last_p or p > 100 or d > t:
                fails.append("%s: progress went back or past 100%%: %s" % (what, q))
                break
            if not salib.progress_percent_ok(d, p, total, 10):
                fails.append("%s: %d KiB of %d KiB (%d bytes) is not %d%%"
                             % (what, d, t, total, p))
                break
            last_p = p
        if q[-1][0] != q[-1][1] or q[-1][2] != 100:
            fails.append("%s: the last line is %s, not the whole section" % (what, q[-1]))
    if b"\r\x1b[K" not in tty[tty.rfind(b" KiB of "):]:
        fails.append("%s: the progress line is not erased at the end: %r" % (what, tty[-200:]))
    print("%s: %d progress lines, totals %s KiB" % (what, len(shown), got_totals))


def check_dwarf(sa, exe, work, fails):
    size = debug_info_size(exe)
    if not size:
        fails.append("%s: no .debug_info section found" % exe)
        return
    env0 = {k: v for k, v in os.environ.items() if k != "STRUCTALIGN_PROGRESS_DELAY"}
    env = dict(env0, STRUCTALIGN_PROGRESS_DELAY="0")
    # show needs a type name: the first of audit's ranking.
    top = subprocess.run([sa, "audit", "--format", "json", "--top", "1", exe],
                         capture_output=True, text=True)
    name = re.search(r'"name": *"([^"]+)"', top.stdout)
    if top.returncode != 0 or not name:
        fails.append("audit --format json --top 1 failed: %s" % top.stderr[-300:])
        return
    cases = [("audit", ["audit", "--all", exe], [size]),
             ("show", ["show", exe, name.group(1)], [size]),
             ("diff", ["diff", exe, exe], [size, size])]
    for what, args, totals in cases:
        ref_path = os.path.join(work, what + ".file.out")
        with open(ref_path, "wb") as o, open(os.path.join(work, what + ".err"), "wb") as e:
            r = subprocess.run([sa] + args, stdout=o, stderr=e, env=env)
        err = open(os.path.join(work, what + ".err"), "rb").read()
        if r.returncode != 0:
            fails.append("%s with stderr to a file exited %d: %r" % (what, r.returncode, err[-300:]))
            continue
        if b"reading DWARF" in err or b"\r" in err:
            fails.append("%s: stderr to a file carries progress text: %r" % (what, err[:200]))
        ref = open(ref_path, "rb").read()
        if not ref.strip():
            fails.append("%s: empty report on stdout" % what)

        rc, tty, _ = salib.run_pty([sa] + args, os.path.join(work, what + ".tty.out"), env)
        if rc != 0:
            fails.append("%s on a pty exited %d: %r" % (what, rc, tty[-300:]))
            continue
        check_lines(what, tty, totals, fails)

        runs = [("--quiet", [args[0], "--quiet"] + args[1:], env),
                ("--no-progress", [args[0], "--no-progress"] + args[1:], env)]
        for flag, argv, e in runs:
            rc, tty, _ = salib.run_pty([sa] + argv, os.path.join(work, what + flag + ".out"), e)
            if rc != 0:
                fails.append("%s %s on a pty exited %d: %r" % (what, flag, rc, tty[-300:]))
            elif b"reading DWARF" in tty or b"KiB of" in tty:
                fails.append("%s %s still prints progress: %r" % (what, flag, tty[:200]))

        rc, tty, took = salib.run_pty([sa] + args, os.path.join(work, what + ".delay.out"), env0)
        if rc != 0:
            fails.append("%s (1 s delay) on a pty exited %d: %r" % (what, rc, tty[-300:]))
        elif took < 0.9 and b"reading DWARF" in tty:
            fails.append("%s: a %.2f s run shows a progress line before its second: %r"
                         % (what, took, tty[:200]))

        for name_ in (what + ".tty.out", what + "--quiet.out", what + "--no-progress.out",
                      what + ".delay.out"):
            p = os.path.join(work, name_)
            if os.path.exists(p) and open(p, "rb").read() != ref:
                fails.append("stdout of %s differs from the run with stderr to a file" % name_)


def check_long_read(sa, work, fails):
    """audit --all of cmd/go on the terminal: several lines, never back."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import html_report  # the cmd/go build and its cache
    exe = html_report.cmd_go(work)
    if exe is None:
        fails.append("could not build cmd/go")
        return
    env = dict(os.environ, STRUCTALIGN_PROGRESS_DELAY="0")
    rc, tty, _ = salib.run_pty([sa, "audit", "--all", exe],
                               os.path.join(work, "cmdgo.tty.out"), env)
    if rc != 0:
        fails.append("audit of cmd/go on a pty exited %d: %r" % (rc, tty[-300:]))
        return
    check_lines("audit of cmd/go", tty, [debug_info_size(exe)], fails)


def make_tree(root, npkg=24, nfiles=12):
    """Go packages of generated structs (bool/int64/bool: each one saves
    bytes reordered); returns the sum of the .go files' sizes."""
    total = 0
    for p in range(npkg):
        d = os.path.join(root, "pkg%d" % p)
        os.makedirs(d)
        for f in range(nfiles):
            text = "package pkg%d\n\n" % p
            for t in range(40):
                text += ("// T%d_%d holds a flag, a counter and a flag.\ntype T%d_%d struct {\n"
                         "\tA bool\n\tN int64 // count\n\tB bool\n\tS string\n}\n\n"
                         % (f, t, f, t))
            path = os.path.join(d, "f%d.go" % f)
            with open(path, "w") as out:
                out.write(text)
            total += os.stat(path).st_size
    return total


def check_fix(sa, work, fails):
    root = os.path.join(work, "tree")
    total = make_tree(root)
    env0 = {k: v for k, v in os.environ.items() if k != "STRUCTALIGN_PROGRESS_DELAY"}
    env = dict(env0, STRUCTALIGN_PROGRESS_DELAY="0")
    ref_path = os.path.join(work, "fix.file.out")
    with open(ref_path, "wb") as o, open(os.path.join(work, "fix.err"), "wb") as e:
        r = subprocess.run([sa, "fix", root], stdout=o, stderr=e, env=env)
    err = open(os.path.join(work, "fix.err"), "rb").read()
    ref = open(ref_path, "rb").read()
    if r.returncode != 1 or b"+++ " not in ref:
        fails.append("fix with stderr to a file exited %d (want 1, a diff): %r"
                     % (r.returncode, err[-300:]))
        return
    if b"parsing sources" in err or b"\r" in err:
        fails.append("fix: stderr to a file carries progress text: %r" % err[:200])
    rc, tty, _ = salib.run_pty([sa, "fix", root], os.path.join(work, "fix.tty.out"), env)
    if rc != 1:
        fails.append("fix on a pty exited %d: %r" % (rc, tty[-300:]))
    check_lines("fix", tty, [total], fails, PARSE)
    for flag in ("--quiet", "--no-progress"):
        out = os.path.join(work, "fix" + flag + ".out")
        rc, tty, _ = salib.run_pty([sa, "fix", flag, root], out, env)
        if rc != 1:
            fails.append("fix %s on a pty exited %d: %r" % (flag, rc, tty[-300:]))
        if b"parsing sources" in tty or b"KiB of" in tty:
            fails.append("fix %s still prints progress: %r" % (flag, tty[:200]))
        if open(out, "rb").read() != ref:
            fails.append("fix %s: stdout differs from the run with stderr to a file" % flag)
    if open(os.path.join(work, "fix.tty.out"), "rb").read() != ref:
        fails.append("fix: stdout on the terminal run differs from the run with stderr to a file")
    r = subprocess.run([sa, "calc", "--no-progress", "type T struct { A bool; N int64 }"],
                       capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        fails.append("calc --no-progress exited %d: %s" % (r.returncode, r.stderr[-200:]))


PROGRAM = {
    "go.mod": "module example.com/progress\n\ngo 1.19\n",
    "main.go": ("package main\n\nimport \"fmt\"\n\n"
                "// Padded saves bytes reordered, so audit ranks it first.\n"
                "type Padded struct {\n\tA bool\n\tN int64\n\tB bool\n}\n\n"
                "func main() { fmt.Println(Padded{}) }\n"),
}


def main():
    sa = salib.need("go")
    fails = []
    work = tempfile.mkdtemp(prefix="sa-progress-lines-")
    try:
        src = os.path.join(work, "src")
        salib.write_tree(src, PROGRAM)
        exe = os.path.join(work, "progress")
        env = dict(os.environ, GOFLAGS="", GOWORK="off", CGO_ENABLED="0")
        b = salib.build_module(src, env, exe)
        if b.returncode != 0:
            return ["go build failed: " + b.stderr[-400:]]
        check_dwarf(sa, exe, work, fails)
        check_long_read(sa, work, fails)
        check_fix(sa, work, fails)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
