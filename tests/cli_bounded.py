#!/usr/bin/env python3
"""Bounded inputs and exact totals (issue #15): no hang, no silently wrong
number.  Each case fails on the behaviour before the fix:

- inputs that never end: a FIFO (open() blocked), /dev/zero and
  /dev/urandom (read forever) for every input of every command, and the
  same streams on standard input (read under caps);
- log lines the reader skips are named when a log has no message (line
  number 2^32, a line over 1 MiB, a NUL byte); out-of-range -json
  positions are errors, and so is a damaged -json "leak" record (cut,
  bad escape, wrong nesting, out-of-range line), which the fast scan
  must not take for one to skip, and bytes that are not UTF-8 in any
  -json line (go writes U+FFFD for them) are an error at their column;
- totals that wrap: audit's sum over types (text, JSON, SARIF) and diff's
  size change x count (a count of 2^64-1 was cast to -1) are exact or
  exit 2; --fail-above / --fail-on-growth never pass on an overflow; the
  JSON total is the sum of the per-type numbers;
- counts that match nothing warn (--strict: exit 2), malformed --count
  entries are refused with their column, and an exact name beats a glob
  whatever the order.

The expected numbers come from the C compiler (sizeof in a program built
here) and from the counts given on the command line, never from
structalign's own output.  Environment: STRUCTALIGN, as for make check.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import salib  # noqa: E402

fails = []
SA = None
TOP_SRC = os.path.abspath(os.environ.get("top_srcdir",
                                         os.path.dirname(os.path.dirname(
                                             os.path.abspath(__file__)))))


def run(args, stdin=None, timeout=60):
    """(rc, stdout, stderr); rc None when it hung."""
    try:
        p = subprocess.run([SA] + args, stdin=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def case(name, args, want_rc=2, want_err=(), stdin=None, want_out=(), no_out=None):
    rc, out, err = run(args, stdin=stdin)
    problems = salib.run_problems(rc, out, err, want_rc, want_err, want_out, no_out)
    if problems:
        fails.append("%s: %s\n  args: %s\n  stderr: %s" % (name, "; ".join(problems), args,
                                                          err.strip()[:600]))
    return rc, out, err


def gcc(d, name, src):
    c = os.path.join(d, name + ".c")
    with open(c, "w") as f:
        f.write(src)
    out = os.path.join(d, name)
    subprocess.run(["gcc", "-g", "-O0", "-o", out, c], check=True)
    return out


def sizes(d, decls, names):
    """sizeof of each struct, from the compiler itself."""
    prog = decls + "\n#include <stdio.h>\nint main(void){\n" + "".join(
        'printf("%%zu\\n", sizeof(struct %s));\n' % n for n in names) + "return 0;}\n"
    exe = gcc(d, "sizes", prog)
    out = subprocess.run([exe], capture_output=True, check=True).stdout.decode().split()
    return [int(x) for x in out]


def endless_inputs(d, binary):
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    for dev in (fifo, "/dev/zero", "/dev/urandom"):
        what = "a FIFO" if dev == fifo else "a character device"
        case("audit --escape %s" % dev, ["audit", "--escape", dev, binary],
             want_err=(dev + ": error: is " + what, "not a regular file"))
        case("audit %s" % dev, ["audit", dev], want_err=(what, "not a regular file"))
        case("show %s" % dev, ["show", dev, "S"], want_err=(what,))
        case("diff %s" % dev, ["diff", binary, dev], want_err=(what,))
        case("calc -f %s" % dev, ["calc", "-f", dev], want_err=(what,))
        case("audit --counts %s" % dev, ["audit", "--counts", dev, binary], want_err=(what,))
    # A FIFO directory entry of a -json directory is not read (no hang).
    jd = os.path.join(d, "jsondir")
    os.makedirs(jd)
    os.mkfifo(os.path.join(jd, "x.json"))
    case("-json dir with a FIFO", ["audit", "--escape", jd, binary],
         want_err=("no .json compiler log",))
    # Streams on standard input are read under caps, and end.
    for dev, want in (("/dev/zero", "more than 4096 MiB: the limit for one log"),
                      ("/dev/urandom", "no Go escape-analysis message in its first 64 MiB")):
        with open(dev, "rb") as f:
            case("audit --escape - < %s" % dev, ["audit", "--escape", "-", binary], stdin=f,
                 want_err=(want,))
    with open("/dev/zero", "rb") as f:
        case("calc -f - < /dev/zero", ["calc", "-f", "-"], stdin=f,
             want_err=("larger than 256 MiB",))


def skipped_lines(d, binary):
    def log(name, data):
        p = os.path.join(d, name)
        with open(p, "wb") as f:
            f.write(data)
        return p
    big = log("line2to32.log", b"./main.go:4294967296:7: &Order{...} escapes to heap\n"
              b"./main.go:5:7: moved\n")
    case("line number 2^32", ["audit", "--escape", big, binary],
         want_err=("in 2 lines (line 1: a line number past 4294967295",))
    nul = log("nul.log", b"./main.go:4:7: &Order{\0...} escapes to heap\n")
    case("NUL byte", ["audit", "--escape", nul, binary],
         want_err=("(line 1: a NUL byte",))
    long = log("long.log", b"./main.go:4:7: &Order{" + b"x" * (2 << 20) + b"} escapes to heap\n")
    case("line over 1 MiB", ["audit", "--escape", long, binary],
         want_err=("(line 1: longer than 1 MiB",))
    head = (b'{"version":0,"package":"main","goos":"linux","goarch":"amd64",'
            b'"file":"/x/main.go"}\n')
    diag = (b'{"range":{"start":{"line":%s,"character":%s},"end":{"line":1,"character":1}},'
            b'"severity":3,"code":"escape","source":"go compiler",'
            b'"message":"&T{...} escapes to heap"}\n')
    for line, col, what in ((b"4294967296", b"3", b"range.start.line is 4294967296"),
                            (b"-1", b"3", b"range.start.line is -1"),
                            (b"12", b"4294967296", b"range.start.character is 4294967296"),
                            (b"12", b"-5", b"range.start.character is -5"),
                            (b"12", b"1e30", b"range.start.character is 1")):
        p = log("pos.json", head + diag % (line, col))
        case("-json position %s:%s" % (line.decode(), col.decode()),
             ["audit", "--escape", p, binary], want_err=(what.decode(), "pos.json:2"))
    # "leak" records (98% of a real -json directory) are read by a scan that
    # matches the exact record go writes and leaves anything else to json-c:
    # a damaged one is an error naming its line, never skipped.
    loc = (b'{"location":{"uri":"file:///x/main.go","range":{"start":{"line":19,"character":36},'
           b'"end":{"line":19,"character":36}}},')
    leak = (b'{"range":{"start":{"line":%s,"character":24},"end":{"line":10,"character":24}},'
            b'"severity":3,"code":"leak","source":"go compiler",'
            b'"message":"parameter v leaks to {heap} with derefs=0","relatedInformation":['
            + loc + b'"message":"escflow:    flow: {heap} = v:"},'
            + loc + b'"message":"escflow:      from f(v) (call parameter)"}]}')
    good = leak % b"10"
    for name, bad, what in (
            ("truncated", good[:len(good) // 2], "malformed JSON: truncated"),
            ("cut in a string", good[:good.index(b"call parameter")], "truncated"),
            ("bad escape", good.replace(b"escflow:    flow", b"escflow:\\x flow"),
             "malformed JSON"),
            ("bad \\u escape", good.replace(b"{heap} = v", b"{heap} \\u00g0 v"),
             "malformed JSON"),
            ("wrong nesting", good[:-2] + b"}}", "malformed JSON"),
            ("missing comma", good.replace(b"},{", b"}{"), "malformed JSON"),
            ("unquoted key", good.replace(b'"severity"', b"severity"), "malformed JSON"),
            ("text after", good + b" x", "text after the value"),
            ("line 0", leak % b"0", "range.start.line is 0"),
            ("line 2^32", leak % b"4294967296", "range.start.line is 4294967296"),
            ("line -3", leak % b"-3", "range.start.line is -3"),
            ("line 1.5", leak % b"1.5", "range.start.line is 1.5")):
        for last in (b"", b"\n" + good + b"\n"):
            p = log("leak.json", head + good + b"\n" + bad + last)
            case("-json leak record: %s%s" % (name, ", more after" if last else ""),
                 ["audit", "--escape", p, binary], want_err=(what, "leak.json:3", "hint:"))
    # Bytes go never writes (encoding/json puts U+FFFD for what is not
    # UTF-8): an error at the byte, whether the scan or json-c reads the line.
    for name, raw in (("0xff", b"\xff"), ("an overlong '.'", b"\xc0\xae"),
                      ("an encoded surrogate", b"\xed\xa0\x80"), ("a cut sequence", b"\xe2\x86")):
        for where, rec in (("leak", good), ("header", head.rstrip(b"\n"))):
            at = rec.index(b"{heap} = v" if where == "leak" else b"main")
            bad = rec[:at] + raw + rec[at:]
            lines = [head.rstrip(b"\n"), good, bad] if where == "leak" else [bad, good]
            p = log("utf8.json", b"\n".join(lines) + b"\n")
            case("-json %s with %s" % (where, name), ["audit", "--escape", p, binary],
                 want_err=("utf8.json:%d:%d: error: malformed JSON: byte 0x%02x is not UTF-8"
                           % (3 if where == "leak" else 1, at + 1, raw[0]), "hint:"))


def totals(d):
    # 100 types of 24 bytes that reorder to 16 (per the compiler).
    decls = "".join("struct T%d { char c; long l; char d; };\n" % i for i in range(100))
    opt = "struct O { long l; char c; char d; };\n"
    s, o = sizes(d, decls + opt, ["T0", "O"])
    saving = s - o
    many = gcc(d, "many", decls + opt + "".join("struct T%d t%d;\n" % (i, i) for i in range(100)) +
               "struct O o; int main(void){return 0;}\n")
    # Each type's saving fits in 64 bits, their sum does not.
    count = (2**64 - 1) // s
    assert count * saving * 100 >= 2**64 and count * s < 2**64
    for fmt in ("text", "json", "csv", "sarif"):
        case("audit total overflow (%s)" % fmt,
             ["audit", "--format", fmt, "--count", "T*=%d" % count, many],
             want_err=("exceeds 2^64-1 bytes", "cannot be reported exactly"))
    case("--fail-above never passes on an overflow",
         ["audit", "--fail-above", "0", "--count", "T*=%d" % count, many],
         want_err=("exceeds 2^64-1",))
    # Below the limit: the JSON total is the sum of the per-type savings,
    # each saving x count as the compiler's sizes say.
    small = 10**15
    rc, out, err = case("audit JSON totals", ["audit", "--format", "json", "--count",
                                              "T*=%d" % small, many], want_rc=0)
    if rc == 0:
        doc = json.loads(out)
        per = sum(t["bytes_saved"] for t in doc["types"])
        if doc["total_bytes_saved"] != per or per != 100 * saving * small:
            fails.append("audit JSON: total_bytes_saved %d, per-type sum %d, expected %d" %
                         (doc["total_bytes_saved"], per, 100 * saving * small))

    # diff: S grows by 8 bytes (the compiler's sizes); counts past 2^63
    # were cast to long long (2^64-1 -> -1: "net growth -8", gate passed).
    old = gcc(d, "old", "struct S { long a; };\nstruct S s;\nint main(void){return 0;}\n")
    new = gcc(d, "new", "struct S { long a; long b; };\nstruct S s;\nint main(void){return 0;}\n")
    so, = sizes(d, "struct S { long a; };", ["S"])
    sn, = sizes(d, "struct S { long a; long b; };", ["S"])
    grow = sn - so
    for fmt in ("text", "json", "sarif"):
        case("diff growth overflow (%s)" % fmt,
             ["diff", "--format", fmt, "--count", "S=18446744073709551615", "--fail-on-growth",
              "0", old, new], want_err=("growth of S", "cannot be reported exactly"))
    big = 2**63 // grow + 1  # positive, past 2^63-1 once multiplied
    case("diff growth past 2^63", ["diff", "--count", "S=%d" % big, old, new],
         want_err=("cannot be reported exactly",))
    n = 2**62 // grow  # the largest exact growth still reported
    rc, out, err = case("diff exact growth", ["diff", "--format", "json", "--count", "S=%d" % n,
                                              "--fail-on-growth", "0", old, new], want_rc=1,
                        no_out=False)
    if rc == 1:
        doc = json.loads(out)
        if doc["net_growth"] != grow * n:
            fails.append("diff net_growth %d, expected %d" % (doc["net_growth"], grow * n))


def counts(d):
    decls = "struct A { char c; long l; };\nstruct AB { char c; long l; };\n"
    sa, = sizes(d, decls, ["A"])
    exe = gcc(d, "counts", decls + "struct A a; struct AB ab; int main(void){return 0;}\n")
    case("typo: warning", ["audit", "--count", "packt=100M", exe], want_rc=0,
         want_err=("warning: --count 'packt=100M' matches no type",), no_out=False)
    case("typo: --strict", ["audit", "--strict", "--count", "packt=100M", exe],
         want_err=("error: --count 'packt=100M' matches no type",))
    case("typo: diff --strict", ["diff", "--strict", "--count", "packt=1", exe, exe],
         want_err=("matches no type",))
    case("typo: calc --strict", ["calc", "--strict", "--count", "packt=1", decls],
         want_err=("matches no type",))
    case("typo in --counts FILE", ["audit", "--strict", "--counts",
                                   write(d, "c.txt", "A 5\npackt 100M\n"), exe],
         want_err=("c.txt:2: packt matches no type",))
    case("T=5=6", ["audit", "--count", "T=5=6", exe],
         want_err=("--count 'T=5=6': column 4: a second '='",))
    case("' T=5'", ["audit", "--count", " T=5", exe],
         want_err=("--count ' T=5': column 1",))
    case("'T =5'", ["calc", "--count", "T =5", decls], want_err=("column 2",))
    # Exact name over glob, whatever the order.
    for order in (["A=7", "A*=3"], ["A*=3", "A=7"]):
        args = ["audit", "--all", "--format", "json"]
        for c in order:
            args += ["--count", c]
        rc, out, err = case("precedence %s" % " ".join(order), args + [exe], want_rc=0)
        if rc == 0:
            got = {t["name"]: t["count"] for t in json.loads(out)["types"]}
            if got.get("A") != 7 or got.get("AB") != 3:
                fails.append("precedence %s: counts %s, want A=7 AB=3" % (order, got))
    rc, out, err = case("calc precedence", ["calc", "--format", "json", "--count", "A=7",
                                             "--count", "*=3", "struct A { char c; long l; };"],
                        want_rc=0)
    if rc == 0:
        t = json.loads(out)["types"][0]
        if t["count"] != 7 or t["bytes_now"] != 7 * sa:
            fails.append("calc precedence: %s" % t)


def base_name_paths(d):
    """Sites whose file only shares its base name with a file of the binary
    are not that file's: ./store/main.go:64:23 and /etc/main.go:64:23 were
    attributed to main.Order of ./main.go (line 64: &Order{...} there)."""
    src = os.path.join(d, "join")
    shutil.copytree(os.path.join(TOP_SRC, "tests", "escape", "join"), src)
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="", GOWORK="off", GO111MODULE="on",
               GOCACHE=os.path.join(d, "gocache"))
    p = subprocess.run(["go", "build", "-gcflags=-m", "-o", "join", "."], cwd=src, env=env,
                       capture_output=True)
    if p.returncode != 0:
        fails.append("go build of tests/escape/join failed: %s" % p.stderr.decode()[-500:])
        return
    binary = os.path.join(src, "join")
    # The compiler's own line for the &Order{...} of main.go:64 (the truth
    # the other lines are moved from).
    real = [l for l in p.stderr.decode().splitlines()
            if l.startswith("./main.go:64:") and "&Order{...} escapes to heap" in l]
    if not real:
        fails.append("go -m printed no &Order{...} site at ./main.go:64")
        return
    good = "# example.com/join\n" + real[0] + "\n"
    rc, out, err = case("the real site", ["audit", "--escape", write(d, "good.log", good),
                                          "--format", "json", binary], want_rc=0)
    if rc == 0:
        order = [t for t in json.loads(out)["types"] if t["name"] == "main.Order"]
        if not order or len(order[0]["escapes"]) != 1:
            fails.append("the real ./main.go:64 site is not main.Order's: %s" % order)
    pos = real[0].split(":", 3)[1:3]
    for other in ("./store/main.go", "/etc/main.go", "geo/main.go"):
        log = "# example.com/join\n%s:%s:%s: &Order{...} escapes to heap\n" % (other, pos[0],
                                                                             pos[1])
        rc, out, err = case("%s is not ./main.go" % other,
                            ["audit", "--escape", write(d, "other.log", log), "--format",
                             "json", binary], want_rc=2,
                            want_err=("does not match",))
    # With another site that does match, the foreign one is listed as such.
    log = good + "./store/main.go:%s:%s: &Order{...} escapes to heap\n" % (pos[0], pos[1])
    rc, out, err = case("./store/main.go beside a real site",
                        ["audit", "--escape", write(d, "mixed.log", log), "--format", "json",
                         binary], want_rc=0)
    if rc == 0:
        doc = json.loads(out)
        order = [t for t in doc["types"] if t["name"] == "main.Order"]
        un = [u for u in doc["unresolved_sites"] if u["file"] == "./store/main.go"]
        if not order or len(order[0]["escapes"]) != 1:
            fails.append("main.Order has %s sites, want the one of ./main.go" %
                         (order[0]["escapes"] if order else None))
        if len(un) != 1 or "not a file of the binary: its main.go is" not in un[0]["reason"]:
            fails.append("./store/main.go: %s" % un)


def chains_and_big_records(d):
    """A typedef chain is a chain, not nesting: 50,000 links were "types
    nested deeper than 256 levels" in calc (Go and C) and dropped a whole
    unit of a binary.  A valid record past the model's 2^56 bytes dropped
    its unit ("corrupt DWARF"): now that one type is skipped, with a
    warning.  libdwarf's raw text is said once, with section and offset."""
    # C: GCC's sizeof for S behind a 2,000-link chain (the truth), the
    # binary's DWARF, and calc on the same chain 50,000 links long.
    def c_chain(n, main):
        lines = ["struct T0 { char a; long b; };", "typedef struct T0 U0;"]
        lines += ["typedef U%d U%d;" % (i - 1, i) for i in range(1, n)]
        lines.append("struct S { U%d x; char c; };" % (n - 1))
        if main:
            lines.append('#include <stdio.h>\nstruct S s;\nint main(void) { printf("%zu\\n", '
                         "sizeof(struct S)); return 0; }")
        return "\n".join(lines) + "\n"
    exe = gcc(d, "chain", c_chain(2000, True))
    size_s = int(subprocess.run([exe], capture_output=True, check=True).stdout)
    rc, out, err = case("C binary, 2,000-link typedef chain",
                        ["audit", "--all", "--format", "json", exe], want_rc=0)
    if rc == 0:
        got = {t["name"]: t["size"] for t in json.loads(out)["types"]}
        if got.get("S") != size_s or "warning" in err:
            fails.append("chain binary: S %s, want %d; stderr %s" % (got.get("S"), size_s, err))
    for n in (2000, 50000):
        rc, out, err = case("calc C, %d-link chain" % n,
                            ["calc", "--format", "json", "-t", "S", "-f",
                             write(d, "chain%d.h" % n, c_chain(n, False))], want_rc=0)
        if rc == 0 and json.loads(out)["types"][0]["size"] != size_s:
            fails.append("calc C chain %d: %s, want %d" % (n, out[:200], size_s))
    # Go: unsafe.Sizeof of S behind a 1,000-link `type T1 T0` chain.
    def go_chain(n):
        lines = ["type T0 struct { a bool; b int64 }"]
        lines += ["type T%d T%d" % (i, i - 1) for i in range(1, n)]
        lines.append("type S struct { x T%d; c bool }" % (n - 1))
        return "\n".join(lines) + "\n"
    gd = os.path.join(d, "gochain")
    os.makedirs(gd)
    write(gd, "main.go", 'package main\nimport ("fmt"; "unsafe")\n' + go_chain(1000) +
          "func main() { fmt.Println(unsafe.Sizeof(S{})) }\n")
    write(gd, "go.mod", "module example.com/chain\n\ngo 1.19\n")
    env = dict(os.environ, GOFLAGS="", GOWORK="off", GOCACHE=os.path.join(d, "gocache"))
    p = subprocess.run(["go", "run", "."], cwd=gd, env=env, capture_output=True)
    if p.returncode != 0:
        fails.append("go run of the chain: %s" % p.stderr.decode()[-300:])
    else:
        go_s = int(p.stdout)
        for n in (1000, 50000):
            rc, out, err = case("calc Go, %d-link chain" % n,
                                ["calc", "--format", "json", "-t", "S", "-f",
                                 write(d, "chain%d.go" % n, go_chain(n))], want_rc=0)
            if rc == 0 and json.loads(out)["types"][0]["size"] != go_s:
                fails.append("calc Go chain %d: %s, want %d" % (n, out[:200], go_s))

    # A struct of 2^61+8 bytes beside an ordinary one.
    src = ("struct Big { char a[1ULL << 61]; long x; };\nstruct Small { char c; long l; };\n"
           "struct Big *bp; struct Small s;\n")
    sizes_small, = sizes(d, src, ["Small"])
    big = gcc(d, "big", src + "int main(void) { return 0; }\n")
    rc, out, err = case("2^61+8-byte struct", ["audit", "--all", "--format", "json", big],
                        want_rc=0, want_err=("skipped 1 type too large to lay out",
                                             "struct Big", "2305843009213693960 bytes"))
    if rc == 0:
        got = {t["name"]: t["size"] for t in json.loads(out)["types"]}
        if got != {"Small": sizes_small}:
            fails.append("big: types %s, want Small=%d alone" % (got, sizes_small))

    # An unknown form code in .debug_abbrev.
    exe = gcc(d, "small", "struct S { char c; long l; };\nstruct S s;\n"
              "int main(void) { return 0; }\n")
    bad = os.path.join(d, "badabbrev")
    corrupt_abbrev(exe, bad)
    rc, out, err = case("unknown DWARF form", ["audit", bad],
                        want_err=(".debug_info offset 0x0", "form code 0x7e",
                                  "(libdwarf DW_DLE_UNKNOWN_FORM)", "readelf"))
    if err.count("DW_DLE_UNKNOWN_FORM") != 1:
        fails.append("libdwarf's text repeated: %s" % err)


def identifiers(d):
    """calc: an identifier with invalid UTF-8 is an error at its byte (it
    was accepted as part of a name no compiler takes); valid UTF-8 names
    (Go letters, GCC 10+ C) still are names."""
    for name, text, where in (
            ("Go, stray byte", b"type S\xff struct { a bool }\n", "t.go:1:7:"),
            ("Go, truncated sequence", b"type T struct {\n\tb\xc3( int\n}\n", "t.go:2:3:"),
            ("C, surrogate", b"struct S\xed\xa0\x80 { char c; };\n", "t.h:1:9:"),
            ("C, overlong", b"struct T { int x\xc0\xaf; };\n", "t.h:1:17:")):
        path = os.path.join(d, where.split(":")[0])
        with open(path, "wb") as f:
            f.write(text)
        case("invalid UTF-8 (%s)" % name, ["calc", "-f", path],
             want_err=(where + " error: invalid UTF-8 in an identifier",))
    path = os.path.join(d, "ok.go")
    with open(path, "wb") as f:
        f.write("type Größe struct { ä bool; b int64 }\n".encode())
    case("valid UTF-8 names", ["calc", "-f", path], want_rc=0, want_out=("Größe",))


def corrupt_abbrev(src, dst):
    """src with the form of the first attribute of its first .debug_abbrev
    entry replaced by 0x7e, no DW_FORM."""
    b = bytearray(open(src, "rb").read())

    def uleb(p):
        r = shift = 0
        while True:
            c = b[p]
            p += 1
            r |= (c & 0x7f) << shift
            shift += 7
            if c < 0x80:
                return r, p
    abbrev = salib.elf_sections(b).get(".debug_abbrev")
    if abbrev:
        p = abbrev[2]
        _, p = uleb(p)  # code
        _, p = uleb(p)  # tag
        p += 1  # children
        _, p = uleb(p)  # the first attribute
        b[p] = 0x7e
    with open(dst, "wb") as f:
        f.write(b)
    os.chmod(dst, 0o755)


def write(d, name, text):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def main():
    global SA
    SA = salib.need("gcc", "go")
    with tempfile.TemporaryDirectory(prefix="sa-bounded-") as d:
        binary = gcc(d, "plain", "struct S { char c; long l; };\nstruct S s;\n"
                     "int main(void){return 0;}\n")
        endless_inputs(d, binary)
        skipped_lines(d, binary)
        totals(d)
        counts(d)
        base_name_paths(d)
        chains_and_big_records(d)
        identifiers(d)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
