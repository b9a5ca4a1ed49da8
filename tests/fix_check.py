#!/usr/bin/env python3
"""fix_check.py - `structalign fix` against the real compilers.

Every number checked here comes from the compiler: what fix claims ("A -> B
bytes") is compared with unsafe.Sizeof / sizeof of the code it wrote.

1. Go sources: examples/badstruct.go, examples/orderbook, a generated file
   of random structs with a doc comment, a trailing comment and a tag on
   every field (multi-name fields, embedded fields, `_` padding, blank-line
   groups), and copies of real packages from GOROOT (non-test files of
   encoding/json, encoding/gob, archive/zip, go/scanner), each copied to a
   temporary directory (make check: two of them, amd64 only; FIX_CHECK_FULL=1
   for all, on both arches).  For each release of $GO_VERSIONS (1.19, the
   system's, and 1.27 by default, through tools/fetch-go; its own GOROOT's
   copies): `fix --write` on amd64, then gofmt -l prints nothing, go build
   and go vet pass, and a generated test prints unsafe.Sizeof of every
   type fix reordered: it equals the size fix claimed, and the pristine
   copy's equals the size it claimed before; with --go, the heap bytes one
   object takes before and after (measured with runtime.MemStats over
   20000 objects) equal what fix reports.
   The same with --arch arm, the binary built GOARCH=arm and run under
   qemu-arm (GOARCH=386 cannot run here).
2. Every comment moved with its field: in the random file, the line of
   field N still ends with "// trail N", carries its tag, and the line
   above it is "// doc N"; the multiset of comment lines is unchanged.
3. C sources: examples/packet.h, generated random structs (comments on
   every member, bit-field runs, `int a, b;`, anonymous unions, flexible
   array members), copies of /usr/include headers (argp.h, bzlib.h,
   gconv.h): gcc -fsyntax-only -Wall passes, and sizeof from gcc (amd64)
   and i686-linux-gnu-gcc under qemu-i386 (--arch 386) equals the claims.
4. fix run again changes nothing (exit 0, empty diff); the --diff output
   applied with patch gives exactly the --write result.
5. Guards: HostLayout, //structalign:ignore, unsafe.Offsetof,
   binary.Read, cgo, --keep, packed, #pragma pack, preprocessor lines,
   /* structalign:ignore */: each refused with its reason, file untouched.
6. Bad input: an unparsable file among good ones gives file:line:col and
   exit 2 with no file changed; a read-only file fails before any file is
   written.
7. audit --src: a type marked structalign:ignore (Go: found under --src;
   C: where DWARF says) is not reported; `audit --format sarif` SA001
   results carry `fixes` whose replacements, applied to the source, give
   exactly the file `fix --write` writes (and the document is validated
   against the SARIF 2.1.0 schema when it is at hand).
Under ./quickstart check the compilers' answers about a source (the sizes
a generated test printed, whether go build and go vet passed) are kept
for the run, keyed by the sources' bytes, the toolchain and the target
(salib.truth): the sanitizer tree's run, whose fix writes the same files,
compares its own claims with the answers the plain tree's run computed.
Exit 0 pass, 1 fail, 77 skip (a tool missing: the reason is printed).
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import salib

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..")
REPORT = re.compile(r"^(?P<file>[^:\n]+):\d+:\d+: (?P<name>.+?): (?P<a>\d+) -> (?P<b>\d+) bytes",
                    re.M)
# make check runs a subset (2 GOROOT packages, amd64 only); make
# check-fix-full (FIX_CHECK_FULL=1) runs every package on every arch.
FULL = os.environ.get("FIX_CHECK_FULL") == "1"
FAILS = []
SA = None


def check(cond, what, detail=""):
    if not cond:
        FAILS.append(what + (("\n      " + str(detail)[:3000]) if detail else ""))
    return cond


def fix(*args, cwd=None):
    return subprocess.run([SA, "fix"] + list(args), capture_output=True, text=True, cwd=cwd)


def claims(text):
    """{(file basename, type): (before, after)} from fix's report."""
    return {(os.path.basename(m["file"]), m["name"]): (int(m["a"]), int(m["b"]))
            for m in REPORT.finditer(text)}


def snapshot(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[p] = fh.read()
    return out


# ------------------------------------------------------------------ Go

def go_env(goroot, work):
    env = dict(os.environ, GOFLAGS="", GOWORK="off", GO111MODULE="on", GOTOOLCHAIN="local",
               CGO_ENABLED="0", GOPATH=os.path.join(work, "gopath"))
    if goroot:
        env["GOROOT"] = goroot
        env["PATH"] = os.path.join(goroot, "bin") + os.pathsep + env["PATH"]
    return env


def toolchain(env):
    """Which Go env runs: its GOROOT, else the go on its PATH."""
    return env.get("GOROOT") or shutil.which("go", path=env.get("PATH"))


def go(env, args, cwd, goarch=None):
    e = dict(env, GOARCH=goarch) if goarch else env
    return subprocess.run(["go"] + args, cwd=cwd, env=e, capture_output=True, text=True)


def package_clause(path):
    with open(path) as f:
        m = re.search(r"^package\s+(\w+)", f.read(), re.M)
    return m.group(1) if m else None


SIZES_TEST = """package %s

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"
)

%s
func TestStructalignSizes(t *testing.T) {
%s}
"""

# Bytes the allocator gives one object of T: 20000 of them kept reachable
# from a package-level array (so they are on the heap), MemStats.TotalAlloc
# before and after.
HEAP_PROBE = """	{
		runtime.GC()
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		for i := range zzSink%(i)d {
			zzSink%(i)d[i] = new(%(t)s)
		}
		runtime.ReadMemStats(&b)
		fmt.Printf("HEAP %(t)s %%d\\n", (b.TotalAlloc-a.TotalAlloc)/20000)
	}
"""
HEAP = re.compile(r"^(?P<file>[^:\n]+):\d+:\d+: (?P<name>.+?): \d+ -> \d+ bytes \(\d+ saved; "
                  r"a heap object (?P<a>\d+) -> (?P<b>\d+) bytes in go1\.\d+\)", re.M)


def go_sizes(env, moddir, pkgdir, names, goarch, what):
    """unsafe.Sizeof of each type of the package in pkgdir, from a test
    built for goarch (arm: run under qemu-arm)."""
    if not names:
        return {}
    gofiles = [f for f in os.listdir(pkgdir) if f.endswith(".go") and not f.endswith("_test.go")]
    pkg = package_clause(os.path.join(pkgdir, gofiles[0]))
    body = "".join('\tfmt.Printf("SIZE %%s %%d\\n", %s, unsafe.Sizeof(%s{}))\n' % ('"%s"' % n, n)
                   for n in sorted(names))
    sinks = "".join("var zzSink%d [20000]*%s\n" % (i, n) for i, n in enumerate(sorted(names)))
    body += "".join(HEAP_PROBE % {"i": i, "t": n} for i, n in enumerate(sorted(names)))
    test = os.path.join(pkgdir, "zz_structalign_sizes_test.go")
    with open(test, "w") as f:
        f.write(SIZES_TEST % (pkg, sinks, body))
    rel = "./" + os.path.relpath(pkgdir, moddir)

    def measure():
        exe = os.path.join(moddir, "sizes.test")
        p = go(env, ["test", "-c", "-o", exe, rel], moddir, goarch)
        if not check(p.returncode == 0, "%s: go test -c (%s) failed" % (what, goarch), p.stderr):
            return None
        run = ([] if goarch == "amd64" else ["qemu-" + goarch]) + [exe, "-test.run",
                                                                   "^TestStructalignSizes$",
                                                                   "-test.v"]
        p = subprocess.run(run, capture_output=True, text=True, cwd=pkgdir)
        if not check(p.returncode == 0, "%s: sizes test failed (%s)" % (what, goarch),
                     p.stdout + p.stderr):
            return None
        out = {m.group(1): int(m.group(2)) for m in re.finditer(r"^SIZE (\S+) (\d+)$", p.stdout,
                                                                re.M)}
        out.update({"heap " + m.group(1): int(m.group(2))
                    for m in re.finditer(r"^HEAP (\S+) (\d+)$", p.stdout, re.M)})
        return out
    try:
        # The same sources (the generated test included), toolchain and
        # target: the same answer (salib.truth; the sanitizer tree's run).
        return salib.truth(("go test sizes", salib.source_digest(moddir), rel, goarch,
                            toolchain(env)), measure)
    finally:
        os.unlink(test)


def go_truth(env, work, srcdir, label, goarch, archflag, gofmt, ver):
    """Copies srcdir (a module or a package dir) twice, fixes one, builds
    and vets it, and compares the sizes with the claims."""
    fixed = os.path.join(work, label + "-" + goarch + "-fixed")
    orig = os.path.join(work, label + "-" + goarch + "-orig")
    for d in (fixed, orig):
        shutil.copytree(srcdir, d)
        if not os.path.exists(os.path.join(d, "go.mod")):
            with open(os.path.join(d, "go.mod"), "w") as f:
                f.write("module fixcheck\n\ngo 1.19\n")
    p = fix("--write", "--arch", archflag, "--go", ver, fixed)
    if not check(p.returncode == 0, "%s: fix --write exit %d" % (label, p.returncode), p.stderr):
        return 0
    cl = claims(p.stdout)
    heap = {(os.path.basename(m["file"]), m["name"]): (int(m["a"]), int(m["b"]))
            for m in HEAP.finditer(p.stdout)}
    check(set(heap) == set(cl), "%s: --go: not every reordered type has its heap size" % label,
          p.stdout)
    if goarch == "amd64":
        p2 = subprocess.run([gofmt, "-l", fixed], capture_output=True, text=True)
        check(p2.stdout == "" and p2.returncode == 0, "%s: gofmt -l after fix" % label,
              p2.stdout + p2.stderr)
        for args in (["build", "./..."], ["vet", "./..."]):
            def passes(args=args):
                p2 = go(env, args, fixed)
                return "ok" if check(p2.returncode == 0, "%s: go %s after fix" % (label, args[0]),
                                     p2.stderr) else None
            salib.truth(("go " + args[0], salib.source_digest(fixed), toolchain(env)), passes)
    # Idempotent: a second run finds nothing.
    p2 = fix("--arch", archflag, fixed)
    check(p2.returncode == 0 and p2.stdout == "", "%s (%s): fix again is not a no-op" %
          (label, goarch), p2.stdout[:2000] + p2.stderr)
    by_dir = {}
    for (base, name), ab in cl.items():
        for d, _, files in os.walk(fixed):
            if base in files:
                by_dir.setdefault(os.path.relpath(d, fixed), {})[name] = ab
    for rel, types in sorted(by_dir.items()):
        now = go_sizes(env, fixed, os.path.join(fixed, rel), list(types), goarch, label)
        before = go_sizes(env, orig, os.path.join(orig, rel), list(types), goarch, label)
        if now is None or before is None:
            continue
        for name, (a, b) in sorted(types.items()):
            check(now.get(name) == b, "%s (%s): %s: fix claimed %d bytes, the compiler says %s" %
                  (label, goarch, name, b, now.get(name)))
            check(before.get(name) == a, "%s (%s): %s: fix said it was %d bytes, the compiler "
                  "says %s" % (label, goarch, name, a, before.get(name)))
            hk = [k for k in heap if k[1] == name]
            # Pointer-free objects under 16 bytes share tiny blocks: the
            # claim is an upper bound there, not measured.
            if hk and b >= 16:
                ha, hb = heap[hk[0]]
                check(now.get("heap " + name) == hb and before.get("heap " + name) == ha,
                      "%s (%s): %s: heap object %d -> %d bytes claimed, the runtime allocates "
                      "%s -> %s" % (label, goarch, name, ha, hb, before.get("heap " + name),
                                    now.get("heap " + name)))
    return len(cl)


# Real packages with structs fix reorders, copied when they import no
# internal package (which cannot be built outside GOROOT).
STD_PACKAGES = ["encoding/json", "encoding/gob", "archive/zip", "go/scanner", "net/smtp",
                "mime/quotedprintable", "compress/gzip"]

GO_TYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
            "int", "uintptr", "float32", "float64", "complex64", "complex128", "string",
            "[]byte", "*int", "map[string]int", "any", "error", "[3]byte", "[2]int32",
            "struct{}", "func()", "chan int", "Small", "[2]Small", "atomic.Int64",
            "sync.Mutex", "[0]int64", "unsafe.Pointer"]


def random_go(rng, nstructs):
    """A Go file of random structs; every field has a doc comment, a
    trailing comment and a tag naming its id."""
    out = ["package randfix", "", "import (", '\t"sync"', '\t"sync/atomic"', '\t"unsafe"', ")",
           "", "var _ = unsafe.Pointer(nil)", "var _ sync.Mutex", "var _ atomic.Int64", "",
           "type Small struct {", "\tA int8", "\tB int16", "}", ""]
    ids = {}
    for s in range(nstructs):
        name = "R%d" % s
        if s == 0:
            out.append("//structalign:ignore")
        out.append("type %s struct {" % name)
        nf = rng.randint(3, 10)
        for k in range(nf):
            fid = "%s_%d" % (name, k)
            if k > 0 and rng.random() < 0.15:
                out.append("")
            typ = rng.choice(GO_TYPES)
            r = rng.random()
            if r < 0.12 and k > 0:
                decl = "_ [%d]byte" % rng.randint(1, 7)
            elif r < 0.25:
                decl = "F%d, G%d %s" % (k, k, typ)
            elif r < 0.3 and s % 3 == 1:
                decl = "Small"
            else:
                decl = "F%d %s" % (k, typ)
            out.append("\t// doc %s" % fid)
            out.append('\t%s `fix:"%s"` // trail %s' % (decl, fid, fid))
            ids[fid] = decl
        out.append("}")
        out.append("")
    return "\n".join(out), ids


def check_go_comments(path, ids, label):
    with open(path) as f:
        lines = f.read().split("\n")
    for fid, decl in ids.items():
        at = [i for i, l in enumerate(lines) if l.endswith("// trail " + fid)]
        if not check(len(at) == 1, "%s: trailing comment of %s lost" % (label, fid)):
            continue
        i = at[0]
        check('`fix:"%s"`' % fid in lines[i], "%s: tag of %s not on its line" % (label, fid),
              lines[i])
        first = decl.split()[0].rstrip(",")
        check(re.match(r"^\t%s\b" % re.escape(first), lines[i]) is not None,
              "%s: the line of %s is not its field" % (label, fid), lines[i])
        check(lines[i - 1] == "\t// doc " + fid, "%s: doc comment of %s not above it" %
              (label, fid), "\n".join(lines[i - 2:i + 1]))


def comment_lines(text):
    return sorted(re.findall(r"//[^\n]*|/\*.*?\*/", text, re.S))


def go_tests(work, gofmt):
    rng = random.Random(16)
    # The releases of $GO_VERSIONS (1.19 and 1.27 by default; the sanitizer
    # tree runs the newest only); 1.19 is the system's go.
    gos = []
    for ver in salib.go_releases():
        try:
            gos.append((ver, None if ver == "1.19" else salib.go_root(ver)))
        except salib.Skip as e:
            print("SKIP (part): %s" % e)
    check(gos, "no Go release of GO_VERSIONS can be had")
    # The random file.
    text, ids = random_go(rng, 24)
    rnd = os.path.join(work, "src-random")
    os.makedirs(rnd)
    with open(os.path.join(rnd, "rand.go"), "w") as f:
        f.write(text)
    # Comments: checked on one fixed copy.
    cdir = os.path.join(work, "comments")
    shutil.copytree(rnd, cdir)
    p = fix("--write", cdir)
    check(p.returncode == 0, "random: fix --write exit %d" % p.returncode, p.stderr)
    check(len(claims(p.stdout)) >= 5, "random: fewer than 5 structs reordered", p.stdout)
    check_go_comments(os.path.join(cdir, "rand.go"), ids, "random")
    with open(os.path.join(cdir, "rand.go")) as f:
        new = f.read()
    check(comment_lines(new) == comment_lines(text), "random: comments differ after fix")
    r0_old = text[text.index("type R0 struct"):text.index("type R1 struct")]
    check(r0_old in new, "random: R0 (//structalign:ignore) was changed")
    check("R0: not reordered: marked structalign:ignore" in p.stdout, "random: R0 not listed as"
          " refused by its marker", p.stdout)
    total = 0
    for ver, goroot in gos:
        env = go_env(goroot, work)
        groot = goroot or subprocess.run(["go", "env", "GOROOT"], capture_output=True,
                                         text=True).stdout.strip()
        srcs = [("badstruct", os.path.join(TOP, "examples", "badstruct.go")),
                ("orderbook", os.path.join(TOP, "examples", "orderbook")), ("random", rnd)]
        nstd = 0
        for pkg in STD_PACKAGES:
            if nstd >= (len(STD_PACKAGES) if FULL else 2):
                break
            d = os.path.join(work, "std-%s-%s" % (ver, pkg.replace("/", "-")))
            files = [f for f in os.listdir(os.path.join(groot, "src", pkg))
                     if f.endswith(".go") and not f.endswith("_test.go")]
            if any(re.search(r'"(\S*/)?internal/', open(os.path.join(groot, "src", pkg, f)).read())
                   for f in files):
                continue  # cannot be built outside GOROOT
            os.makedirs(d)
            for f in files:
                shutil.copy(os.path.join(groot, "src", pkg, f), d)
            srcs.append((pkg, d))
            nstd += 1
        check(nstd >= (3 if FULL else 2), "go%s: only %d GOROOT packages can be copied" %
              (ver, nstd))
        for label, src in srcs:
            if os.path.isfile(src):
                d = os.path.join(work, "src-" + label + ver)
                os.makedirs(d)
                shutil.copy(src, d)
                src = d
            for goarch, flag in (("amd64", "amd64"), ("arm", "arm")):
                if goarch == "arm" and "/" in label and not FULL:
                    continue  # GOROOT copies on arm: FIX_CHECK_FULL=1
                total += go_truth(env, work, src, "%s go%s" % (label, ver), goarch, flag, gofmt,
                                  ver)
    check(total >= 20, "Go: only %d types reordered and checked" % total)
    return total


# ------------------------------------------------------------------- C

def random_c(rng, nstructs):
    types = ["char", "short", "int", "long", "long long", "float", "double", "void *",
             "unsigned char", "struct inner", "_Bool", "unsigned short"]
    out = ["#include <stddef.h>", "", "struct inner { char a; int b; };", ""]
    for s in range(nstructs):
        out.append("/* structalign:ignore */" if s == 0 else "/* struct %d */" % s)
        out.append("struct r%d {" % s)
        nm = rng.randint(2, 8)
        for k in range(nm):
            mid = "r%d_%d" % (s, k)
            r = rng.random()
            out.append("    /* doc %s */" % mid)
            if r < 0.12:
                out.append("    unsigned int b%d : %d; // trail %s" % (k, rng.randint(1, 9), mid))
                out.append("    unsigned int c%d : %d;" % (k, rng.randint(1, 9)))
            elif r < 0.22:
                out.append("    int x%d, y%d; // trail %s" % (k, k, mid))
            elif r < 0.3:
                out.append("    union { int u%d; char v%d; }; // trail %s" % (k, k, mid))
            else:
                out.append("    %s m%d; // trail %s" % (rng.choice(types), k, mid))
        if rng.random() < 0.25:
            out.append("    char tail[];")
        out.append("};")
        out.append("")
    return "\n".join(out) + "\n"


def c_sizes(cc, runner, header, names, work, what):
    src = os.path.join(work, "sizes.c")
    exe = os.path.join(work, "sizes")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\n#include <stdint.h>\n#include <stddef.h>\n#include "%s"\n'
                "int main(void) {\n" % header)
        for n in names:
            f.write('    printf("SIZE %s %%zu\\n", sizeof(%s));\n' % (n.replace(" ", "_"), n))
        f.write("    return 0;\n}\n")
    p = subprocess.run(cc + ["-o", exe, src], capture_output=True, text=True)
    if not check(p.returncode == 0, "%s: %s failed" % (what, cc[0]), p.stderr):
        return None
    p = subprocess.run(runner + [exe], capture_output=True, text=True)
    if not check(p.returncode == 0, "%s: running the sizes program failed" % what, p.stderr):
        return None
    return {m.group(1).replace("_", " ", 1) if m.group(1).startswith("struct_") else m.group(1):
            int(m.group(2)) for m in re.finditer(r"^SIZE (\S+) (\d+)$", p.stdout, re.M)}


def c_truth(work, label, header_src, arch, cc, runner):
    d = os.path.join(work, "c-%s-%s" % (label, arch))
    o = os.path.join(work, "c-%s-%s-orig" % (label, arch))
    for x in (d, o):
        os.makedirs(x)
        shutil.copy(header_src, x)
    h = os.path.basename(header_src)
    p = fix("--write", "--arch", arch, os.path.join(d, h))
    if not check(p.returncode == 0, "%s: fix --write exit %d" % (label, p.returncode), p.stderr):
        return 0
    cl = claims(p.stdout)
    p2 = subprocess.run(cc + ["-fsyntax-only", "-Wall", "-x", "c", os.path.join(d, h)],
                        capture_output=True, text=True)
    check(p2.returncode == 0, "%s (%s): %s -fsyntax-only after fix" % (label, arch, cc[0]),
          p2.stderr)
    p2 = fix("--arch", arch, os.path.join(d, h))
    check(p2.returncode == 0 and p2.stdout == "", "%s (%s): fix again is not a no-op" %
          (label, arch), p2.stdout[:2000])
    names = [n for (_, n) in cl]
    now = c_sizes(cc + ["-I", d], runner, h, names, d, label)
    before = c_sizes(cc + ["-I", o], runner, h, names, o, label)
    if now is None or before is None:
        return 0
    for (_, n), (a, b) in sorted(cl.items()):
        check(now.get(n) == b, "%s (%s): %s: fix claimed %d bytes, gcc says %s" %
              (label, arch, n, b, now.get(n)))
        check(before.get(n) == a, "%s (%s): %s: fix said it was %d bytes, gcc says %s" %
              (label, arch, n, a, before.get(n)))
    return len(cl)


def c_tests(work):
    rng = random.Random(1616)
    text = random_c(rng, 16)
    rc = os.path.join(work, "randfix.h")
    with open(rc, "w") as f:
        f.write(text)
    # Comments move with their members.
    d = os.path.join(work, "c-comments")
    os.makedirs(d)
    shutil.copy(rc, d)
    p = fix("--write", os.path.join(d, "randfix.h"))
    check(p.returncode == 0, "C random: fix --write exit %d" % p.returncode, p.stderr)
    with open(os.path.join(d, "randfix.h")) as f:
        new = f.read()
    check(comment_lines(new) == comment_lines(text), "C random: comments differ after fix")
    for m in re.finditer(r"    /\* doc (r\d+_\d+) \*/\n(    [^\n]*)\n", text):
        check(("    /* doc %s */\n%s\n" % (m.group(1), m.group(2))) in new,
              "C random: member %s lost its doc comment or its line" % m.group(1))
    s0 = text[text.index("struct r0 {"):text.index("struct r1 {")]
    check(s0 in new, "C random: r0 (/* structalign:ignore */) was changed")
    targets = [("amd64", ["gcc"], [])]
    if shutil.which("i686-linux-gnu-gcc") and shutil.which("qemu-i386"):
        targets.append(("386", ["i686-linux-gnu-gcc", "-static"], ["qemu-i386"]))
    else:
        print("SKIP (part): i686-linux-gnu-gcc or qemu-i386 missing (gcc-i686-linux-gnu, "
              "qemu-user)")
    total = 0
    headers = [("packet", os.path.join(TOP, "examples", "packet.h")), ("random", rc)]
    for h in ["argp.h", "bzlib.h", "gconv.h"]:
        if os.path.exists("/usr/include/" + h):
            headers.append((h, "/usr/include/" + h))
    for label, src in headers:
        for arch, cc, runner in targets:
            total += c_truth(work, label, src, arch, cc, runner)
    check(total >= 15, "C: only %d types reordered and checked" % total)
    return total


# -------------------------------------------------------- diff, guards

def diff_applies(work):
    for src in [os.path.join(TOP, "examples", "badstruct.go"),
                os.path.join(TOP, "examples", "packet.h")]:
        a = os.path.join(work, "patch-a")
        b = os.path.join(work, "patch-b")
        for x in (a, b):
            shutil.rmtree(x, ignore_errors=True)
            os.makedirs(x)
            shutil.copy(src, x)
        name = os.path.basename(src)
        p = fix(name, cwd=a)
        check(p.returncode == 1 and p.stdout.startswith("--- " + name),
              "%s: fix --diff exit %d (want 1) or no diff" % (name, p.returncode), p.stderr)
        p2 = subprocess.run(["patch", "-p0", "--quiet"], input=p.stdout, cwd=a, text=True,
                            capture_output=True)
        check(p2.returncode == 0, "%s: the diff does not apply" % name, p2.stdout + p2.stderr)
        fix("--write", name, cwd=b)
        with open(os.path.join(a, name)) as fa, open(os.path.join(b, name)) as fb:
            check(fa.read() == fb.read(), "%s: patched diff differs from --write" % name)


GUARDS_GO = {
    "a.go": """package g

import (
	"encoding/binary"
	"io"
	"structs"
	"unsafe"
)

type Host struct {
	_ structs.HostLayout
	A bool
	B int64
	C bool
}

// Marked: the order is an interface.
//structalign:ignore
type Marked struct {
	A bool
	B int64
	C bool
}

type Offs struct {
	A     bool
	Field int64
	C     bool
}

var off = unsafe.Offsetof(Offs{}.Field)

type Wire struct {
	A bool
	B int64
	C bool
}

func read(r io.Reader) (Wire, error) {
	var w Wire
	err := binary.Read(r, binary.LittleEndian, &w)
	return w, err
}

type Pinned struct {
	A bool
	B int64
	C bool
}

type Free struct {
	A bool
	B int64
	C bool
}
""",
}
GUARDS_GO_WANT = {"Host": "HostLayout", "Marked": "marked structalign:ignore",
                  "Offs": "unsafe.Offsetof", "Wire": "binary.Read", "Pinned": "--keep"}

GUARDS_CGO = """package c

import "C"

type T struct {
	A bool
	B int64
	C bool
}
"""

GUARDS_C = """#include <stdint.h>

struct packed_s {
    char a;
    int64_t b;
    char c;
} __attribute__((packed));

/* structalign:ignore */
struct marked {
    char a;
    int64_t b;
    char c;
};

struct cpp {
    char a;
#ifdef WIDE
    int64_t b;
#else
    int32_t b;
#endif
    char c;
};

struct free_s {
    char a;
    int64_t b;
    char c;
};

#pragma pack(push, 1)
struct in_pack {
    char a;
    int64_t b;
    char c;
};
#pragma pack(pop)
"""
GUARDS_C_WANT = {"struct packed_s": "packed", "struct marked": "marked structalign:ignore",
                 "struct cpp": "preprocessor line", "struct in_pack": "#pragma pack"}


def guards(work):
    d = os.path.join(work, "guards")
    os.makedirs(os.path.join(d, "cg"))
    for n, t in GUARDS_GO.items():
        with open(os.path.join(d, n), "w") as f:
            f.write(t)
    with open(os.path.join(d, "cg", "c.go"), "w") as f:
        f.write(GUARDS_CGO)
    with open(os.path.join(d, "g.h"), "w") as f:
        f.write(GUARDS_C)
    before = snapshot(d)
    p = fix("--write", "--keep", "Pinned", d)
    check(p.returncode == 0, "guards: fix --write exit %d" % p.returncode, p.stderr)
    for name, why in list(GUARDS_GO_WANT.items()) + list(GUARDS_C_WANT.items()) + \
            [("T", "cgo")]:
        m = re.search(r"^\S+: %s: not reordered: (.*)$" % re.escape(name), p.stdout, re.M)
        check(m is not None and why in m.group(1), "guards: %s not refused for %s" % (name, why),
              p.stdout)
    cl = claims(p.stdout)
    check(set(n for _, n in cl) == {"Free", "struct free_s"},
          "guards: reordered %s, want Free and struct free_s" % sorted(cl), p.stdout)
    after = snapshot(d)
    check(after[os.path.join(d, "cg", "c.go")] == before[os.path.join(d, "cg", "c.go")],
          "guards: the cgo file changed")
    for name in GUARDS_GO_WANT:
        block = re.search(r"type %s struct \{.*?\n\}" % name, GUARDS_GO["a.go"], re.S).group(0)
        check(block.encode() in after[os.path.join(d, "a.go")], "guards: %s changed" % name)
    for name in GUARDS_C_WANT:
        tag = name.split()[1]
        block = re.search(r"struct %s \{.*?\n\}" % tag, GUARDS_C, re.S).group(0)
        check(block.encode() in after[os.path.join(d, "g.h")], "guards: %s changed" % name)


def bad_input(work):
    d = os.path.join(work, "bad")
    os.makedirs(d)
    good = "package b\n\ntype T struct {\n\tA bool\n\tB int64\n\tC bool\n}\n"
    with open(os.path.join(d, "a.go"), "w") as f:
        f.write(good)
    with open(os.path.join(d, "z.go"), "w") as f:
        f.write("package b\n\ntype U struct {\n\tA bool\n\tB int64 +\n}\n")
    before = snapshot(d)
    p = fix("--write", d)
    check(p.returncode == 2, "bad input: exit %d, want 2" % p.returncode, p.stderr)
    check(re.search(r"z\.go:5:\d+: error: ", p.stderr) is not None,
          "bad input: no file:line:col: error:", p.stderr)
    check(snapshot(d) == before, "bad input: a file was changed")
    # A read-only file among writable ones: nothing is written.
    os.unlink(os.path.join(d, "z.go"))
    with open(os.path.join(d, "h.h"), "w") as f:
        f.write("struct s {\n    char a;\n    long b;\n    char c;\n};\n")
    os.chmod(os.path.join(d, "h.h"), 0o444)
    before = snapshot(d)
    p = fix("--write", d)
    check(p.returncode == 2, "read-only: exit %d, want 2" % p.returncode, p.stderr)
    check("h.h: read-only file" in p.stderr, "read-only: not named", p.stderr)
    check(snapshot(d) == before, "read-only: a file was changed")
    check(not [f for f in os.listdir(d) if "structalign-" in f], "read-only: a temporary file "
          "was left behind", os.listdir(d))


AUDIT_GO_TAIL = """
//structalign:ignore
type Wire struct {
	A bool
	B int64
	C bool
}

var keep = []any{new(BadStruct), new(Order), new(Client), new(Wire)}

func main() { _ = keep }
"""

AUDIT_C_TAIL = """
/* structalign:ignore */
struct wire {
    char a;
    long b;
    char c;
};
"""


def apply_sarif_fixes(text, results):
    """The text with every replacement of the results' fixes applied
    (regions in lines and 1-based byte columns, applied from the last)."""
    lines = text.split("\n")
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)
    reps = []
    for r in results:
        for fx in r.get("fixes", []):
            for ch in fx["artifactChanges"]:
                for rep in ch["replacements"]:
                    d = rep["deletedRegion"]
                    a = starts[d["startLine"] - 1] + d["startColumn"] - 1
                    b = starts[d["endLine"] - 1] + d["endColumn"] - 1
                    reps.append((a, b, rep["insertedContent"]["text"]))
    for a, b, t in sorted(reps, reverse=True):
        text = text[:a] + t + text[b:]
    return text, len(reps)


def audit_sources(work):
    """audit --src: a marked type is not reported; SARIF SA001 results carry
    the edit fix makes (applied, they give exactly fix --write's file)."""
    validator, why = None, None
    try:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import sarif_check
        validator, why = sarif_check.load_validator()
    except Exception as e:  # the schema is optional here: sarif_check requires it
        why = str(e)
    if validator is None:
        print("note: SARIF documents not validated against the schema: %s" % why)
    d = os.path.join(work, "audit")
    with open(os.path.join(TOP, "examples", "badstruct.go")) as f:
        gosrc = f.read().replace("package orders", "package main") + AUDIT_GO_TAIL
    with open(os.path.join(TOP, "examples", "packet.h")) as f:
        csrc = f.read() + AUDIT_C_TAIL
    salib.write_tree(d, {"main.go": gosrc, "go.mod": "module au\n\ngo 1.19\n",
                         "packet.h": csrc,
                         "m.c": '#include "packet.h"\nstruct packet p; struct wire w;\n'
                                'int main(void){return 0;}\n'})
    p = go(go_env(None, work), ["build", "-o", "prog", "."], d)
    if not check(p.returncode == 0, "audit: go build", p.stderr):
        return
    p = subprocess.run(["gcc", "-g", "-o", "cprog", "m.c"], cwd=d, capture_output=True, text=True)
    if not check(p.returncode == 0, "audit: gcc", p.stderr):
        return
    for prog, marked, src_name, fixed_types in (("prog", "main.Wire", "main.go", 2),
                                                ("cprog", "wire", "packet.h", 1)):
        base = subprocess.run([SA, "audit", prog, "--all"], cwd=d, capture_output=True, text=True)
        p = subprocess.run([SA, "audit", prog, "--all", "--src", "."], cwd=d, capture_output=True,
                           text=True)
        if prog == "prog":
            check(re.search(r"\b%s\b" % re.escape(marked), base.stdout) is not None,
                  "audit %s: %s not listed without --src" % (prog, marked), base.stdout)
        check(re.search(r"\b%s\b" % re.escape(marked), p.stdout) is None and
              "marked structalign:ignore not reported" in p.stderr,
              "audit %s: %s (marked) still reported" % (prog, marked), p.stdout + p.stderr)
        p = subprocess.run([SA, "audit", prog, "--src", ".", "--format", "sarif"], cwd=d,
                           capture_output=True, text=True)
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            check(False, "audit %s --format sarif: not JSON" % prog, p.stdout[:500] + p.stderr)
            continue
        if validator is not None:
            sarif_check.check_sarif(validator, doc, "audit %s --src" % prog, FAILS)
        results = doc["runs"][0]["results"]
        with open(os.path.join(d, src_name)) as f:
            text = f.read()
        patched, nrep = apply_sarif_fixes(text, results)
        check(nrep == fixed_types, "audit %s: %d SARIF fixes, want %d" % (prog, nrep, fixed_types),
              json.dumps(results)[:1500])
        w = os.path.join(work, "audit-fix-" + prog)
        os.makedirs(w)
        shutil.copy(os.path.join(d, src_name), w)
        fix("--write", os.path.join(w, src_name))
        with open(os.path.join(w, src_name)) as f:
            check(patched == f.read(), "audit %s: the SARIF fixes applied differ from fix --write"
                  % prog, patched)


def go_run_test(env, moddir, pkgdir, body, goarch, what, imports=("fmt", "testing", "unsafe")):
    """Builds a test with body in the package at pkgdir for goarch, runs it
    (arm: under qemu-arm) and returns its output, or None (a failure)."""
    gofiles = [f for f in os.listdir(pkgdir) if f.endswith(".go") and not f.endswith("_test.go")]
    pkg = package_clause(os.path.join(pkgdir, gofiles[0]))
    test = os.path.join(pkgdir, "zz_structalign_probe_test.go")
    with open(test, "w") as f:
        f.write("package %s\n\nimport (\n%s)\n\nvar _ = unsafe.Sizeof(0)\n\n"
                "func TestStructalignProbe(t *testing.T) {\n%s}\n" %
                (pkg, "".join('\t"%s"\n' % i for i in imports), body))
    try:
        exe = os.path.join(moddir, "probe.test")
        p = go(env, ["test", "-c", "-o", exe, "./" + os.path.relpath(pkgdir, moddir)], moddir,
               goarch)
        if not check(p.returncode == 0, "%s: go test -c (%s)" % (what, goarch), p.stderr):
            return None
        p = subprocess.run(([] if goarch == "amd64" else ["qemu-" + goarch]) +
                           [exe, "-test.run", "^TestStructalignProbe$", "-test.v"],
                           capture_output=True, text=True, cwd=pkgdir)
        if not check(p.returncode == 0, "%s: probe failed (%s)" % (what, goarch),
                     p.stdout + p.stderr):
            return None
        return p.stdout
    finally:
        os.unlink(test)


PIN = """package pin

// In holds an int64: 8-aligned inside Pin on 386 and arm as declared.
type In struct {
	N int64
}

type Pin struct {
	B bool
	P *int
	C In
	D bool
	E int32
}
"""

HOLDER = """package main

import "fixbin/other"

type Holder struct {
	A bool
	T other.Thing
	B bool
	C int64
}

var keep = []any{new(Holder)}

func main() { _ = keep }
"""


def options(work):
    env = go_env(None, work)
    ex = os.path.join(TOP, "examples")
    # --type: only the types asked for.
    p = fix("--type", "BadStruct", os.path.join(ex, "badstruct.go"))
    check(set(n for _, n in claims(p.stderr)) == {"BadStruct"} and "Order" not in p.stdout,
          "--type BadStruct: other types touched", p.stdout + p.stderr)
    # --lang c: only the C files of a directory.
    d = os.path.join(work, "opt-lang")
    os.makedirs(d)
    for f in ("badstruct.go", "packet.h"):
        shutil.copy(os.path.join(ex, f), d)
    p = fix("--lang", "c", d)
    check(set(n for _, n in claims(p.stderr)) == {"struct packet"}, "--lang c: wrong types",
          p.stderr)
    # --quiet: refusals are not listed; --cacheline: validated.
    p = fix("--quiet", "--keep", "Order", os.path.join(ex, "badstruct.go"))
    check("not reordered" not in p.stderr and "1 refused" in p.stderr, "--quiet: refusals listed",
          p.stderr)
    p = fix("--cacheline", "3", os.path.join(ex, "badstruct.go"))
    check(p.returncode == 2 and "--cacheline" in p.stderr, "--cacheline 3 accepted", p.stderr)
    # --no-check-atomic: the smallest order on amd64 puts Pin.C.N at a
    # 4-aligned offset on arm; by default fix keeps it 8-aligned.
    for flag, want in (([], 0), (["--no-check-atomic"], 4)):
        d = os.path.join(work, "opt-atomic%d" % want)
        salib.write_tree(d, {"pin.go": PIN, "go.mod": "module pin\n\ngo 1.19\n"})
        p = fix("--write", *flag, d)
        cl = claims(p.stdout)
        if not check(("pin.go", "Pin") in cl, "%s: Pin not reordered" % (flag or "default"),
                     p.stdout + p.stderr):
            continue
        out = go_run_test(env, d, d, '\tfmt.Printf("OFF %d SIZE %d\\n", unsafe.Offsetof(Pin{}.C)'
                          ' % 8, unsafe.Sizeof(Pin{}))\n', "arm", "atomic")
        m = re.search(r"OFF (\d+) SIZE", out or "")
        check(m is not None and int(m.group(1)) == want, "%s: Pin.C at offset %% 8 = %s on arm, "
              "want %d" % (flag or "default", m and m.group(1), want), out)
        sizes = go_sizes(env, d, d, ["Pin"], "amd64", "atomic")
        check(sizes is not None and sizes.get("Pin") == cl[("pin.go", "Pin")][1],
              "%s: Pin's amd64 size is not what fix claimed" % (flag or "default"), sizes)
    # --binary: a type of another package, sized from the program's DWARF.
    d = os.path.join(work, "opt-binary")
    salib.write_tree(d, {"go.mod": "module fixbin\n\ngo 1.19\n",
                         "other/other.go": "package other\n\ntype Thing struct {\n\tX int64\n"
                                           "\tY int32\n}\n",
                         "main.go": HOLDER})
    p = go(env, ["build", "-o", "prog", "."], d)
    if not check(p.returncode == 0, "--binary: go build", p.stderr):
        return
    p = fix(os.path.join(d, "main.go"))
    check(p.returncode == 0 and "Holder: not reordered: cannot be sized" in p.stderr,
          "--binary: without it Holder is not refused as unsized", p.stderr)
    p = fix("--write", "--binary", os.path.join(d, "prog"), os.path.join(d, "main.go"))
    cl = claims(p.stdout)
    if check(("main.go", "Holder") in cl, "--binary: Holder not reordered", p.stdout + p.stderr):
        sizes = go_sizes(env, d, d, ["Holder"], "amd64", "--binary")
        check(sizes is not None and sizes.get("Holder") == cl[("main.go", "Holder")][1],
              "--binary: Holder's size is not what fix claimed", (sizes, cl))
        p = go(env, ["vet", "./..."], d)
        check(p.returncode == 0, "--binary: go vet after fix", p.stderr)


def main():
    global SA
    SA = salib.need("go", "gcc", "gofmt", "patch", "qemu-arm")
    gofmt = shutil.which("gofmt")
    work = tempfile.mkdtemp(prefix="fix_check.")
    try:
        diff_applies(work)
        guards(work)
        bad_input(work)
        audit_sources(work)
        options(work)
        ngo = go_tests(work, gofmt)
        nc = c_tests(work)
        print("checked against the compilers: %d Go and %d C reordered types" % (ngo, nc))
        print(salib.truth_summary())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return FAILS


if __name__ == "__main__":
    raise SystemExit(salib.run_main(main))
