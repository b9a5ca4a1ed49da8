#!/usr/bin/env python3
"""c_decls.py - every suggested C declaration compiles to what it claims (#17).

For every struct and union of a compiled corpus, `structalign show --optimize
--format json` gives the record's size and alignment, the size of its
smallest order, and that order declared as C (`declaration`, printed for
every record, already optimal or not).  Each declaration is renamed
(`struct S` -> `struct S__sa`, `} T;` -> `} T__sa;`), pasted after the
corpus's own source (which defines every type it names), and compiled by
the same gcc with

    _Static_assert(sizeof(struct S__sa) == optimal_size, ...);
    _Static_assert(AL(struct S__sa) == align, ...);  /* offsetof(struct {char c; T x;}, x) */

The truth is gcc: a declaration that does not compile, or compiles to
another size or alignment than claimed, is a failure.  The same file also
asserts the claims against the original type (its sizeof and
alignment as a member), so a wrong alignment read from DWARF is caught too.

Corpora:
  quals     a program of qualifiers (const, volatile, restrict, _Atomic in
            every declarator position), nested anonymous records, members
            with aligned(N), packed and pragma-packed records;
  debugger  the debugger tests' C programs (tests/debugger/*.c);
  sysheaders  tests/fixtures/sysheaders.c: glibc and Linux UAPI headers,
            hundreds of real-world records;
  devheaders  the headers of Debian packages the build uses (zlib,
            protobuf-c, libdwarf, check);
  random    difftest.py's random C records (bit-fields, packed, aligned,
            vectors, nested anonymous records, flexible arrays), --count of
            them per --seed.

`make check` runs a representative sample (random: 60 records, one seed);
`make check-c-decls` runs --full (random: 500 records x 4 seeds).

Exit 0 pass, 1 fail, 77 skip (gcc missing).
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
SA = os.environ.get("STRUCTALIGN") or os.path.join(HERE, "..", "build", "cli", "structalign")

QUALS_SOURCE = r"""
#include <stddef.h>
#include <stdint.h>
struct inner { int a; };
typedef struct { char c; long l; } T;
typedef int (*handler_t)(void *);
struct quals {
    char c1;
    const char *p;
    char *const cp;
    volatile int x[4];
    const volatile long cvl;
    int *restrict rp;
    int (*const cb)(const char *, int);
    char c2;
    const struct inner ci;
    struct { int a; char b; } inner[3];
    char c3;
    union { int u1; char u2[6]; };
    long al __attribute__((aligned(16)));
    char c4;
    _Atomic(int *) ap;
    _Atomic long long all;
    const char *const *pp;
    int (*arrp)[3];
    struct { short s; char t; } __attribute__((packed)) pk;
    const T tt;
    const handler_t h;
    volatile struct { unsigned a : 3; const unsigned b : 5; } vb;
    void (*(*fpa[2])(int))(void);
};
struct quals quals;
/* aligned(N) on a member is what explains its offset */
struct memb { char c; int i __attribute__((aligned(8))); char d; short s __attribute__((aligned(4))); };
struct memb memb;
/* a member packed inside a record that is not */
struct pm { char c; int i __attribute__((packed)); char d; long l; };
struct pm pm;
/* nested anonymous records with their own attributes and bit-fields */
struct nest {
    char c;
    struct __attribute__((packed)) { char a; int b; } p;
    union { struct { short x, y; }; int xy; } u[2];
    struct { unsigned f : 3; unsigned : 0; unsigned g : 7; } bits;
    struct __attribute__((aligned(16))) { char z; } al16;
    char d;
};
struct nest nest;
#pragma pack(push, 2)
struct pp2 { char a; int b; char c; long d; };
#pragma pack(pop)
struct pp2 pp2;
struct hold { char c; struct pp2 p; char d; };
struct hold hold;
int main(void) { return 0; }
"""


DEV_HEADERS = ["zlib.h", "protobuf-c/protobuf-c.h", "libdwarf/libdwarf.h", "check.h"]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def rename(decl, name, new):
    """The declaration of record `name` declaring `new` instead, and the C
    type to assert on; None when its shape is not recognised."""
    lines = decl.rstrip("\n").split("\n")
    m = re.match(r"^(struct|union) (\S+) \{$", lines[0])
    if m:
        lines[0] = "%s %s {" % (m.group(1), new)
        return "\n".join(lines) + "\n", "%s %s" % (m.group(1), new), "%s %s" % (m.group(1),
                                                                              m.group(2))
    m = re.match(r"^(typedef )?(struct|union) \{$", lines[0])
    last = re.match(r"^\}(.*?)( [A-Za-z_]\w*)?;$", lines[-1])
    if not m or not last:
        return None
    lines[0] = "typedef %s {" % m.group(2)
    lines[-1] = "}%s %s;" % (last.group(1), new)
    orig = last.group(2).strip() if m.group(1) and last.group(2) else None
    return "\n".join(lines) + "\n", new, orig


class Corpus:
    def __init__(self, name, sources, include, flags, cc="gcc"):
        self.name, self.sources, self.include, self.flags, self.cc = (
            name, sources, include, flags, cc)


def check_corpus(tmp, c, verbose):
    """(records checked, failures): builds c, reads its records back and
    compiles every suggested declaration."""
    exe = os.path.join(tmp, c.name)
    r = run([c.cc, "-g", "-O0", "-w", "-fno-eliminate-unused-debug-types", "-o", exe]
            + c.flags + c.sources)
    if r.returncode != 0:
        print("FAIL %s: the corpus does not build:\n%s" % (c.name, r.stderr[-2000:]))
        return 0, 1, 0
    r = run([SA, "show", "--optimize", "--format", "json", "--lang", "c", exe, "*"])
    if r.returncode != 0:
        print("FAIL %s: show exited %d: %s" % (c.name, r.returncode, r.stderr[-2000:]))
        return 0, 1, 0
    types = json.loads(r.stdout)["types"]
    # Macros the corpus defines (glibc's `#define sa_handler
    # __sigaction_handler.sa_handler`): a member of that name is #undef'd
    # before the declarations, as it would be in a file of its own.
    r = run([c.cc, "-dM", "-E", "-w"] + c.flags + c.include)
    macros = set(re.findall(r"^#define (\w+)", r.stdout, re.M))
    blocks = []  # (name, text, first line, last line)
    # The alignment as a member (difftest's probe): GCC's _Alignof of a
    # 64-byte vector is 16 on x86-64 without AVX-512 while structs place it
    # 64-aligned, so _Alignof is not what a layout uses.
    head = "".join('#include "%s"\n' % os.path.abspath(i) for i in c.include) + \
        "#define AL(T) __builtin_offsetof(struct { char c; T x; }, x)\n"
    line = head.count("\n") + 1
    skipped = []
    seen = set()
    for k, t in enumerate(types):
        if "declaration" not in t:
            print("FAIL %s: show --optimize --format json gave %s no declaration" % (c.name,
                                                                                   t["name"]))
            return len(types), 1, 0
        new = "sa_%d__sa" % k
        got = rename(t["declaration"], t["name"], new)
        if got is None:
            skipped.append(t["name"])
            continue
        text, ctype, orig = got
        if t["name"] == "__va_list_tag":
            continue  # GCC's own: no source declares it (not counted)
        undef = sorted(set(re.findall(r"\b[A-Za-z_]\w*\b", text)) & macros)
        text = "".join("#undef %s\n" % u for u in undef) + text
        asserts = ["_Static_assert(sizeof(%s) == %d, \"%s: size %d claimed\");"
                   % (ctype, t["optimal_size"], t["name"], t["optimal_size"]),
                   "_Static_assert(AL(%s) == %d, \"%s: align %d claimed\");"
                   % (ctype, t["align"], t["name"], t["align"])]
        # The original, when the name reaches it and names it once: its
        # size, and a tagged record's alignment (a typedef may carry an
        # aligned(N) of its own, glibc's __pthread_unwind_buf_t).
        if orig and orig not in seen and "{" not in orig:
            seen.add(orig)
            asserts.append("_Static_assert(sizeof(%s) == %d, \"%s: size %d read\");"
                           % (orig, t["size"], t["name"], t["size"]))
            if " " in orig:
                asserts.append("_Static_assert(AL(%s) == %d, \"%s: align %d read "
                               "(original)\");" % (orig, t["align"], t["name"], t["align"]))
        body = text + "\n".join(asserts) + "\n"
        n = body.count("\n")
        blocks.append((t["name"], t["declaration"], line, line + n - 1, body,
                       t.get("align_inferred") is True))
        line += n
    bad = {}
    live = list(blocks)
    for _ in range(8):
        src = os.path.join(tmp, c.name + "_decls.c")
        with open(src, "w") as f:
            f.write(head + "".join(b[4] for b in live))
        r = run([c.cc, "-c", "-w", "-o", os.devnull] + c.flags + [src])
        if r.returncode == 0:
            break
        hit = False
        starts = head.count("\n") + 1
        spans = []
        for b in live:
            n = b[4].count("\n")
            spans.append((starts, starts + n - 1, b))
            starts += n
        for m in re.finditer(r"^%s:(\d+):\d+: error: (.*)$" % re.escape(src), r.stderr, re.M):
            ln = int(m.group(1))
            for lo, hi, b in spans:
                if lo <= ln <= hi:
                    bad.setdefault(b[0], (b, []))[1].append(m.group(2))
                    hit = True
        if not hit:
            print("FAIL %s: the declarations do not compile:\n%s" % (c.name, r.stderr[-3000:]))
            return len(types), 1, 0
        live = [b for b in live if b[0] not in bad]
    else:
        print("FAIL %s: still not compiling after 8 rounds" % c.name)
        return len(types), 1, 0
    open_align = []
    for name, (b, errs) in list(bad.items()):
        if b[5] and all(e.startswith("static assertion failed") for e in errs):
            # The record says its alignment (or that of a record it holds)
            # is inferred (align_inferred): DWARF fits other packed /
            # aligned readings too, and gcc's is another one.  Its claims
            # hold for the reading printed; counted, not failed.
            open_align.append(name)
            del bad[name]
            continue
        print("FAIL %s: %s: %s\n%s" % (c.name, name, "; ".join(sorted(set(errs)))[:600],
                                        b[1].rstrip()))
    if open_align:
        print("note %s: %d records flagged align_inferred read otherwise than gcc's: %s"
              % (c.name, len(open_align), " ".join(sorted(open_align)[:40])))
    if skipped:
        print("FAIL %s: declarations of an unknown shape: %s" % (c.name, skipped[:10]))
    checked = len(blocks)
    print("%s %s: %d records, %d declarations compiled to their claimed size and alignment, "
          "%d failed" % ("ok  " if not bad and not skipped else "FAIL", c.name, len(types),
                         checked - len(bad), len(bad) + len(skipped)))
    c.stats = (checked, len(open_align))
    return checked, len(bad) + len(skipped), len(open_align)


def random_corpus(tmp, seed, count):
    import difftest
    gen = difftest.CGen(random.Random("c:%d" % seed), count).gen()
    d = os.path.join(tmp, "random%d" % seed)
    os.makedirs(d, exist_ok=True)
    h = os.path.join(d, "decls.h")
    with open(h, "w") as f:
        f.write(gen.file_text())
    twins = [f.twin_text for t in gen.types for f in t.fields if f.kind == "anon"]
    m = os.path.join(d, "main.c")
    with open(m, "w") as f:
        f.write(difftest.c_main(gen.types, twins))
    return Corpus("random-seed%d" % seed, [m], [m], ["-I", d])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true",
                    help="the whole corpus: 500 random records x 4 seeds")
    ap.add_argument("--count", type=int, default=None, help="random records per seed")
    ap.add_argument("--seeds", type=int, default=None, help="random seeds")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    count = args.count or (500 if args.full else 60)
    seeds = args.seeds or (4 if args.full else 1)
    if shutil.which("gcc") is None:
        print("SKIP: gcc not found")
        return 77
    total = fails = flagged = 0
    with tempfile.TemporaryDirectory() as tmp:
        q = os.path.join(tmp, "quals.c")
        with open(q, "w") as f:
            f.write(QUALS_SOURCE)
        corpora = [Corpus("quals", [q], [q], [])]
        for p in ("sample.c", "edge.c", "padding.c", "watch.c"):
            src = os.path.join(HERE, "debugger", p)
            corpora.append(Corpus("debugger-" + p[:-2], [src], [src], []))
        sysh = os.path.join(HERE, "fixtures", "sysheaders.c")
        corpora.append(Corpus("sysheaders", [sysh], [sysh], []))
        # Debian packages' headers the build installs (zlib1g-dev,
        # libprotobuf-c-dev, libdwarf-dev, check): every record they declare.
        have = [h for h in DEV_HEADERS if os.path.exists(os.path.join("/usr/include", h))]
        if have:
            dev = os.path.join(tmp, "devheaders.c")
            with open(dev, "w") as f:
                f.write("".join("#include <%s>\n" % h for h in have) + "int main(void) { return 0; }\n")
            corpora.append(Corpus("devheaders", [dev], [dev], []))
        else:
            print("note: none of %s installed: devheaders not checked" % ", ".join(DEV_HEADERS))
        for s in range(1, seeds + 1):
            corpora.append(random_corpus(tmp, s, count))
        for c in corpora:
            n, f, o = check_corpus(tmp, c, args.verbose)
            total += n
            fails += f
            flagged += o
    print("declarations checked: %d, failures: %d, flagged align_inferred and read otherwise than "
          "gcc's: %d" % (total, fails, flagged))
    print("%d passed, %d failed" % (total - fails, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
