#!/usr/bin/env python3
"""Bad input for every subcommand: each case must end with exit status 2, one
clear message that names the input and says what is wrong, no signal, no hang,
no output on stdout, and (under valgrind, when installed) no memory error and
no leak.

Also a few good-input cases whose exit status and message shape are part of
the contract (structalign(1), EXIT STATUS).  Prints 'N passed, M failed'.
Environment: STRUCTALIGN (the built program; a libtool wrapper is fine),
top_srcdir, top_builddir; SA_NO_VALGRIND=1 to skip valgrind.

Valgrind multiplies a case's time by 20-50, and the sanitizer build
(./quickstart check's second tree) already runs every case under ASan and
UBSan, so the plain tree runs a representative subset under valgrind: the
first case of each subcommand and every VALGRIND_EVERY-th case after that
(deterministic: the same cases every run).  Every case runs, and every
assertion is checked, either way.  SA_VALGRIND=all runs them all under
valgrind (`make check-valgrind-all`).
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

import salib  # tests/salib.py: this script's directory is on sys.path

TOP_BUILD = os.environ.get("top_builddir", ".")
SA = os.environ.get("STRUCTALIGN") or os.path.join(TOP_BUILD, "cli", "structalign")
LIBTOOL = os.path.join(TOP_BUILD, "libtool")

# valgrind cannot run an ASan binary: the sanitizer build checks memory itself.
use_valgrind = (shutil.which("valgrind") is not None and not os.environ.get("SA_NO_VALGRIND")
                and os.environ.get("SA_SANITIZER_BUILD") != "yes"
                and os.path.exists(LIBTOOL))
valgrind_all = os.environ.get("SA_VALGRIND") == "all"
VALGRIND_EVERY = 8
passed = failed = 0
ncases = nvalgrind = 0
valgrind_seen = set()  # subcommands with a case run under valgrind


def pick_valgrind(args):
    """Whether this case runs under valgrind (see the module docstring)."""
    sub = args[0] if args else ""
    if not use_valgrind:
        return False
    if valgrind_all or sub not in valgrind_seen or ncases % VALGRIND_EVERY == 0:
        valgrind_seen.add(sub)
        return True
    return False


def run(args, stdin=None, timeout=60, valgrind=None):
    """Runs structalign; returns (rc, stdout, stderr).  Under valgrind, a
    memory error or leak turns into rc 99 with valgrind's report in stderr."""
    cmd = [SA] + args
    vg = use_valgrind if valgrind is None else valgrind
    if vg:
        cmd = [LIBTOOL, "--mode=execute", "valgrind", "-q", "--error-exitcode=99",
               "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
               "--show-leak-kinds=definite,indirect"] + cmd
        timeout *= 10
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def case(name, args, want_rc=2, want_err=(), stdin=None, want_out=(), valgrind=None):
    global passed, failed, ncases, nvalgrind
    if valgrind is None:
        valgrind = pick_valgrind(args)
    ncases += 1
    nvalgrind += bool(valgrind)
    try:
        rc, out, err = run(args, stdin=stdin, valgrind=valgrind)
    except subprocess.TimeoutExpired:
        print("FAIL %s: hung" % name)
        failed += 1
        return
    problems = salib.run_problems(rc, out, err, want_rc, want_err, want_out, valgrind_rc=99)
    if want_rc == 2 and not err.strip():
        problems.append("no message")
    if problems:
        failed += 1
        print("FAIL %s: %s\n  args: %s\n  stderr: %s" % (name, "; ".join(problems), args,
                                                          err.strip()[:2000]))
    else:
        passed += 1


def case_alone(name, args, want_err, absent, want_rc=2):
    """case(), and none of the texts of absent on stderr."""
    global passed, failed
    before = failed
    case(name, args, want_rc=want_rc, want_err=want_err, valgrind=False)
    if failed != before:
        return
    _, _, err = run(args, valgrind=False)
    seen = [a for a in absent if a in err]
    if seen:
        passed -= 1
        failed += 1
        print("FAIL %s: stderr names %s\n  args: %s\n  stderr: %s" % (name, seen, args,
                                                                    err.strip()[:2000]))


def main():
    d = tempfile.mkdtemp(prefix="sa-bad-")
    try:
        bad_inputs(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    if use_valgrind:
        print("valgrind: %d of %d cases (%s)" % (nvalgrind, ncases, "SA_VALGRIND=all" if
              valgrind_all else "a representative subset; SA_VALGRIND=all for every one"))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def write(d, name, data):
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def bad_inputs(d):
    rnd = random.Random(7)
    missing = os.path.join(d, "no-such-file")
    empty = write(d, "empty", b"")
    text = write(d, "text.txt", b"hello, this is not a binary\n")
    junk = write(d, "junk.bin", bytes(rnd.getrandbits(8) for _ in range(4096)))
    # A real C binary with DWARF, and damaged copies of it.
    src = write(d, "prog.c", b"struct s { char c; long l; char d; };\n"
                             b"struct s g;\nint main(void) { return g.c; }\n")
    exe = os.path.join(d, "prog")
    subprocess.run(["gcc", "-g", "-o", exe, src], check=True)
    with open(exe, "rb") as f:
        elf = f.read()
    header_only = write(d, "header-only", elf[:64])
    trunc64k = write(d, "trunc64k", elf[:65536] if len(elf) > 65536 else elf[: len(elf) // 3])
    half = write(d, "half", elf[: len(elf) // 2])
    stripped = os.path.join(d, "stripped")
    shutil.copy(exe, stripped)
    subprocess.run(["strip", stripped], check=True)
    # Zero every .debug_info byte after the unit header: corrupt DWARF.
    corrupt = bytearray(elf)
    out = subprocess.run(["readelf", "-S", "-W", exe], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if ".debug_info" in line:
            f = line.split("]")[1].split()
            off, size = int(f[3], 16), int(f[4], 16)
            for i in range(off + 12, off + size):
                corrupt[i] = 0xff
    corrupt = write(d, "corrupt-dwarf", bytes(corrupt))
    # Two units, the second undecodable (an abbreviation code no abbreviation
    # has, after its DWARF 5 header): the first is still reported.
    src2 = write(d, "other.c", b"struct other { char a; int b; }; struct other o;\n")
    exe2 = os.path.join(d, "prog2")
    subprocess.run(["gcc", "-g", "-gdwarf-5", "-o", exe2, src, src2], check=True)
    with open(exe2, "rb") as f:
        partial = bytearray(f.read())
    out = subprocess.run(["readelf", "-S", "-W", exe2], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if ".debug_info" in line:
            f = line.split("]")[1].split()
            off = int(f[3], 16)
            second = off + 4 + int.from_bytes(partial[off:off + 4], "little")
            partial[second + 12] = 0x7e
    partial = write(d, "partial-dwarf", bytes(partial))

    for sub in ("audit", "show"):
        extra = ["s"] if sub == "show" else []
        case(sub + " missing file", [sub, missing] + extra, want_err=[missing])
        case(sub + " directory", [sub, d] + extra, want_err=[d])
        case(sub + " empty file", [sub, empty] + extra, want_err=[empty])
        case(sub + " text file", [sub, text] + extra, want_err=[text, "ELF"])
        case(sub + " random bytes", [sub, junk] + extra, want_err=[junk])
        case(sub + " ELF header only", [sub, header_only] + extra, want_err=[header_only])
        case(sub + " truncated ELF (64 KiB)", [sub, trunc64k] + extra, want_err=[trunc64k])
        case(sub + " truncated ELF (half)", [sub, half] + extra, want_err=[half])
        case(sub + " stripped", [sub, stripped] + extra, want_err=[stripped, "hint:"])
        case(sub + " corrupt DWARF", [sub, corrupt] + extra, want_err=[corrupt])
        case(sub + " no binary", [sub], want_err=["no binary"])
    for sub in ("audit", "show"):
        extra = ["s"] if sub == "show" else []
        case(sub + " one undecodable unit of two", [sub, partial] + extra, want_rc=0,
             want_err=[partial, "warning: skipped 1 of 2 compile units"], want_out=["s"])
    case("audit bad --count", ["audit", "--count", "s=12Q", exe], want_err=["12Q"])
    case("audit --count without type", ["audit", "--count", "=5", exe], want_err=["type name"])
    case("audit overflowing count", ["audit", "--all", "--count", "s=18446744073709551615", exe],
         want_err=["2^64"])
    case("audit bad --counts file line", ["audit", "--counts", write(d, "counts", b"# c\ns 1\ns\n"),
                                          exe], want_err=["counts:3:"])
    case("audit missing --counts file", ["audit", "--counts", missing, exe], want_err=[missing])
    case("audit bad --format", ["audit", "--format", "xml", exe], want_err=["xml"])
    case("audit bad --top", ["audit", "--top", "0", exe], want_err=["--top"])
    case("audit two binaries", ["audit", exe, exe], want_err=["unexpected argument"])
    case("show unknown type", ["show", exe, "nosuchtype"], want_err=["nosuchtype", "hint:"])
    case("show no type", ["show", exe], want_err=["no type"])
    # audit's selection and gate: show prints exactly the types it names and
    # refuses them rather than ignore them.
    for opt in (["--all"], ["--all-unresolved"], ["--no-compiler-types"], ["--top", "3"],
                ["-n", "3"], ["--min-waste", "1"], ["--fail-above", "1"]):
        name = "--top" if opt[0] == "-n" else opt[0]
        case("show " + " ".join(opt), ["show"] + opt + [exe, "s"],
             want_err=["%s applies to audit, not show" % name, "hint: ", "structalign audit"])
    # Good input: the contract's statuses.
    case("audit ok", ["audit", exe], want_rc=0, want_out=["s", "16"])
    case("audit --fail-above trips", ["audit", "--fail-above", "1", exe], want_rc=1,
         want_err=["exceeds --fail-above"])
    case("audit --fail-above holds", ["audit", "--fail-above", "1K", exe], want_rc=0)
    case("show ok", ["show", "--optimize", exe, "s"], want_rc=0,
         want_out=["XXX   7-byte hole", "Suggested order (16 bytes)"])

    # audit --as-arch, SARIF and --cacheline: the newer options.
    case("audit --as-arch unknown", ["audit", "--as-arch", "mips", exe], want_err=["mips"])
    case("audit --as-arch empty", ["audit", "--as-arch", "", exe], want_err=["architecture"])
    case("audit --as-arch bad binary", ["audit", "--as-arch", "arm", junk], want_err=[junk])
    case("audit --as-arch with sarif", ["audit", "--as-arch", "arm", "--format", "sarif", exe],
         want_err=["SARIF"])
    for name, path, extra in (("missing file", missing, []), ("directory", d, []),
                              ("empty file", empty, []), ("text file", text, ["ELF"]),
                              ("random bytes", junk, []), ("truncated ELF", half, []),
                              ("stripped", stripped, ["hint:"]), ("corrupt DWARF", corrupt, [])):
        case("audit --format sarif " + name, ["audit", "--format", "sarif", path],
             want_err=[path] + extra)
    case("audit --format sarif one undecodable unit of two", ["audit", "--format", "sarif",
                                                              partial], want_rc=0,
         want_err=[partial, "warning: skipped 1 of 2 compile units"], want_out=['"2.1.0"'])
    case("audit --format sarif missing --escape log",
         ["audit", "--format", "sarif", "--escape", missing, exe], want_err=[missing])
    case("audit --format sarif --escape text log",
         ["audit", "--format", "sarif", "--escape", junk, exe], want_err=[junk])
    # The binary is read on a thread of its own while the logs and the
    # profile are (cli/bgload.c): a bad log is still reported first and
    # alone (nothing of the binary, bad or warned about), and a bad binary
    # after good logs as open_binary always said it.
    good_log = write(d, "good.log", b"# example.com/p\n./p.go:5:6: moved to heap: x\n")
    case_alone("audit --escape bad log, bad binary", ["audit", "--escape", junk, half], [junk],
               [half])
    case_alone("audit --escape missing log, binary with a bad unit",
               ["audit", "--escape", missing, partial], [missing], [partial, "skipped 1 of 2"])
    case_alone("audit --escape good log, bad binary", ["audit", "--escape", good_log, half],
               [half], [good_log])
    for sub, extra in (("audit", []), ("show", ["s"])):
        case_alone(sub + " --profile bad profile, bad binary",
                   [sub, "--profile", text, half] + extra, [text], [half])
    # --profile: bad heap profiles (the seeds of the profile fuzz target: a
    # real Go heap profile, cut short, and a real CPU profile).
    seeds = os.path.join(os.environ.get("top_srcdir", "."), "tests", "fuzz", "corpus", "profile")
    for sub, extra in (("audit", [exe]), ("show", [exe, "s"])):
        for name, path, want in (
                ("missing", missing, [missing]), ("directory", d, [d]),
                ("empty", empty, ["empty file", "hint:"]),
                ("not gzip", text, ["not gzip-compressed", "hint:"]),
                ("truncated", os.path.join(seeds, "truncated.pprof"), ["truncated", "hint:"]),
                ("CPU profile", os.path.join(seeds, "cpu.pprof"),
                 ["a CPU profile, not a heap profile", "hint:"])):
            case("%s --profile %s" % (sub, name), [sub, "--profile", path] + extra,
                 want_err=want)
        case(sub + " --sample bad", [sub, "--profile", empty, "--sample", "live"] + extra,
             want_err=["--sample"])
        case(sub + " --sample without --profile", [sub, "--sample", "alloc"] + extra,
             want_err=["--sample without --profile"])
    case("audit --profile of a C binary", ["audit", "--profile",
                                           os.path.join(seeds, "heap-rate1.pprof"), exe],
         want_err=["no Go code"])
    case("audit --format sarif --profile truncated",
         ["audit", "--format", "sarif", "--profile", os.path.join(seeds, "truncated.pprof"), exe],
         want_err=["truncated"])
    for sub, extra in (("calc", ["type T struct { A int }"]), ("audit", [exe]),
                       ("show", [exe, "s"])):
        for bad in ("abc", "0", "3", "-64", "", "4294967296", "131072"):
            case("%s --cacheline %r" % (sub, bad), [sub, "--cacheline", bad] + extra,
                 want_err=["--cacheline"])

    # --go: only releases libalign has the allocator of (issue 11).
    for sub, extra in (("calc", ["type T struct { A int }"]), ("audit", [exe]),
                       ("show", [exe, "s"])):
        for bad in ("1.21", "1.20", "2.0", "1.99", "abc", "", "1.27x", "1.", "go"):
            case("%s --go %r" % (sub, bad), [sub, "--go", bad] + extra,
                 want_err=["unknown Go release", "hint: libalign has the allocator of Go 1.19"])
    case("calc --go 1.19", ["calc", "--go", "1.19", "type T struct { A bool; P *int; "
                            "B [1000]byte; N int64; C bool }"], want_rc=0,
         want_out=["heap object (go1.19): 1152 bytes; reordered: 1024 bytes, 128 bytes saved"])
    case("calc --go go1.27", ["calc", "--go", "go1.27", "type T struct { A bool; P *int; "
                              "B [1000]byte; N int64; C bool }"], want_rc=0,
         want_out=["heap object (go1.27): 1152 bytes with its 8-byte malloc header; reordered: "
                   "1152 bytes with its 8-byte malloc header, the same size class"])

    # diff OLD NEW: every bad input on either side, and its options.
    for name, path, extra in (("missing file", missing, []), ("directory", d, []),
                              ("empty file", empty, []), ("text file", text, ["ELF"]),
                              ("random bytes", junk, []), ("ELF header only", header_only, []),
                              ("truncated ELF", trunc64k, []), ("stripped", stripped, ["hint:"]),
                              ("corrupt DWARF", corrupt, [])):
        case("diff OLD " + name, ["diff", path, exe], want_err=[path] + extra)
        case("diff NEW " + name, ["diff", exe, path], want_err=[path] + extra)
        case("diff --format sarif NEW " + name, ["diff", "--format", "sarif", exe, path],
             want_err=[path] + extra)
        case("diff --format json OLD " + name, ["diff", "--format", "json", path, exe],
             want_err=[path] + extra)
    for side, args in (("OLD", [partial, exe]), ("NEW", [exe, partial])):
        case("diff %s with one undecodable unit of two" % side, ["diff"] + args, want_rc=0,
             want_err=[partial, "warning: skipped 1 of 2 compile units"])
    case("diff no NEW", ["diff", exe], want_err=["two binaries, got 1"])
    case("diff no arguments", ["diff"], want_err=["two binaries, got 0"])
    case("diff three binaries", ["diff", exe, exe, exe], want_err=["two binaries, got 3"])
    case("diff bad --count", ["diff", "--count", "s=12Q", exe, exe], want_err=["12Q"])
    case("diff --count without type", ["diff", "--count", "=5", exe, exe],
         want_err=["type name"])
    case("diff overflowing --count", ["diff", "--count", "18446744073709551616", exe, exe],
         want_err=["2^64"])
    for bad in ("abc", "-1", "1.5", "", "10Q", "18446744073709551616"):
        case("diff --fail-on-growth %r" % bad, ["diff", "--fail-on-growth", bad, exe, exe],
             want_err=["--fail-on-growth"])
    case("diff bad --format", ["diff", "--format", "csv", exe, exe], want_err=["csv"])
    case("diff bad --lang", ["diff", "--lang", "rust", exe, exe], want_err=["rust"])
    case("diff ok", ["diff", "--fail-on-growth", "0", exe, exe], want_rc=0)
    case("diff --format sarif ok", ["diff", "--format", "sarif", exe, exe], want_rc=0,
         want_out=['"version":"2.1.0"'])

    # calc: text inputs report FILE:LINE:COL and a caret.
    go_bad = write(d, "bad.go", b"package p\n\ntype T struct {\n\tA int64\n\tB nosuch\n}\n")
    case("calc missing file", ["calc", "-f", missing], want_err=[missing])
    case("calc directory", ["calc", "-f", d], want_err=[d, "directory"])
    case("calc empty file", ["calc", "-f", empty], want_err=[empty])
    case("calc binary junk", ["calc", "-f", junk], want_err=[junk + ":"])
    case("calc ELF binary", ["calc", "-f", exe], want_err=[exe + ":"])
    case("calc Go unknown type", ["calc", "-f", go_bad], want_err=[go_bad + ":5:", "nosuch", "^"])
    case("calc Go syntax", ["calc", "--lang", "go", "type T struct { A int64"],
         want_err=["<arg>:1:"])
    case("calc Go recursive", ["calc", "type T struct { A int64; B T }"], want_err=["itself"])
    case("calc Go huge array", ["calc", "type T struct { A [1 << 62][4]int64 }"],
         want_err=["2^6"])
    case("calc C bit-field too wide", ["calc", "--lang", "c", "struct s { char c : 9; };"],
         want_err=["<arg>:1:17:", "exceeds its type"])
    case("calc C unknown type", ["calc", "--lang", "c", "struct s { foo_t x; };"],
         want_err=["foo_t"])
    case("calc C incomplete", ["calc", "--lang", "c", "struct a; struct s { struct a x; };"],
         want_err=["incomplete"])
    case("calc C recursive", ["calc", "--lang", "c", "struct s { int a; struct s b; };"],
         want_err=["<arg>:1:"])
    case("calc C deep nesting", ["calc", "--lang", "c", "-f", "-"],
         stdin=("struct s { " + "struct { " * 5000 + "int x;" + " };" * 5000 + " };").encode(),
         want_err=["<stdin>:1:"])
    case("calc Go deep nesting", ["calc", "--lang", "go", "-f", "-"],
         stdin=("type T struct { A " + "[1]" * 100000 + "int }").encode(),
         want_err=["<stdin>:1:"])
    case("calc --check-atomic Go syntax", ["calc", "--arch", "arm", "--check-atomic",
                                           "type T struct { A int64"], want_err=["<arg>:1:"])
    case("calc --check-atomic Go unknown type", ["calc", "--arch", "arm", "--check-atomic",
                                                 "-f", go_bad], want_err=[go_bad + ":5:", "^"])
    case("calc --check-atomic C syntax", ["calc", "--lang", "c", "--arch", "arm",
                                          "--check-atomic", "struct s { int a"],
         want_err=["<arg>:1:"])
    case("calc no declarations", ["calc", "--lang", "c", "int x;"], want_err=["hint:"])
    case("calc bad --count", ["calc", "--count", "1.5", "type T struct { A int }"],
         want_err=["1.5"])
    case("calc overflowing --count", ["calc", "--count", "18446744073709551615",
                                      "type T struct { A int64 }"], want_err=["2^64"])
    case("calc bad --arch", ["calc", "--arch", "sparc", "type T struct { A int }"],
         want_err=["sparc"])
    case("calc stdin junk", ["calc", "--lang", "c", "-f", "-"], stdin=b"\x00\x01\x02struct",
         want_err=["<stdin>:1:"])
    case("calc ok", ["calc", "--count", "100M",
                     "type BadStruct struct { Flag bool; Counter int64; Active bool }"],
         want_rc=0, want_out=["100M instances: 2.24 GiB now, 1.49 GiB optimal, 763 MiB saved"])
    case("unknown command", ["frobnicate"], want_err=["frobnicate"])
    case("no command", [], want_err=["usage"])


if __name__ == "__main__":
    main()
