#!/usr/bin/env python3
"""c_binaries.py - C records read from gcc-compiled binaries (issue #17).

Every number expected here is printed by the compiled program itself:
sizeof, offsetof, and the alignment as offsetof(struct {char c; T x;}, x),
for x86-64 (native), i686 (i686-linux-gnu-gcc) and arm64
(aarch64-linux-gnu-gcc under qemu-aarch64).  structalign reads the same
binary's DWARF (`show --format json`) and must agree on each record's size,
alignment and member offsets; where a case names a reordered twin, the
claimed optimal size must equal the twin's sizeof (the order is reachable).
Cases: _Atomic aggregates (GCC aligns 2/4/8/16-byte atomics to their size);
packed records nested in others, whose alignment DWARF does not carry and
which the reader infers from the offsets where the program places them,
across units (the record is also defined in a unit that never shows it);
records whose DWARF lists no member (glibc's transparent union
__CONST_SOCKADDR_ARG, a struct of unnamed bit-fields): their size and
alignment, and that no member is made up.

Exit 0 pass, 1 fail, 77 skip (a compiler or qemu missing: printed).
"""
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile

import salib  # tests/salib.py: this script's directory is on sys.path

SA = os.environ.get("STRUCTALIGN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build", "cli", "structalign")

# Records of the program; (title in structalign, C type, members, optimal twin)
SOURCE = r"""
#define _GNU_SOURCE
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
struct pair { int a, b; };
struct Q { int x; _Atomic struct pair p; int y; };
struct Q_opt { _Atomic struct pair p; int x; int y; };
struct c3 { char c[3]; };
struct i3 { int a[3]; };
struct c16 { char c[16]; };
struct A { char c; _Atomic long long ll; char d; _Atomic struct c3 t; _Atomic short s;
           _Atomic struct i3 i; char e; _Atomic struct c16 w; _Atomic double f; };
/* Packed records: DWARF does not say packed; their uses show it. */
struct S17 { long f0; } __attribute__((packed));
struct C { char c; struct S17 s; int x; };
struct S2 { char a; int b; } __attribute__((packed, aligned(2)));
struct S4 { long l; int i; } __attribute__((packed, aligned(4)));
struct C2 { char c; struct S2 s; char d; struct S17 arr[2]; short h; struct S4 q; };
/* Records DWARF lists no members of: glibc's transparent union, a struct
 * of unnamed bit-fields (1-aligned on x86, 8 on arm64), held at offset 1. */
struct holder { char c; __CONST_SOCKADDR_ARG a; };
struct bt { unsigned long long :64; unsigned long long :64; };
struct hb { char c; struct bt b; };
/* Fixed-width typedefs keep their width in a projection; size_t, long,
 * intptr_t follow the target. */
struct fw { char c; int64_t a; uint64_t b; off64_t o; int32_t i; int_least64_t l;
            size_t s; long lg; intptr_t ip; uint16_t u16; __int64_t x; ssize_t ss; };
struct C2_opt { struct S17 arr[2]; struct S4 q; struct S2 s; short h; char c; char d; };
"""
# Linked first: a unit where S17 is only ever at offset 0 (the evidence is
# in the other unit).
SOURCE2 = r"""
struct S17 { long f0; } __attribute__((packed));
struct S17 only_here;
int other(void) { return (int)only_here.f0; }
"""
CASES = [
    ("Q", "struct Q", ["x", "p", "y"], "struct Q_opt"),
    ("A", "struct A", ["c", "ll", "d", "t", "s", "i", "e", "w", "f"], None),
    ("S17", "struct S17", ["f0"], None),
    ("C", "struct C", ["c", "s", "x"], None),
    ("S2", "struct S2", ["a", "b"], None),
    ("S4", "struct S4", ["l", "i"], None),
    ("C2", "struct C2", ["c", "s", "d", "arr", "h", "q"], "struct C2_opt"),
    ("__CONST_SOCKADDR_ARG", "__CONST_SOCKADDR_ARG", [], None),
    ("holder", "struct holder", ["c", "a"], None),
    ("fw", "struct fw", ["c", "a", "b", "o", "i", "l", "s", "lg", "ip", "u16", "x", "ss"], None),
    ("bt", "struct bt", [], None),
    ("hb", "struct hb", ["c", "b"], None),
]
CASES_BY_NAME = {c[0]: c[2] for c in CASES}
TARGETS = salib.C_TARGETS


def program():
    out = [SOURCE] + ["%s v_%s;" % (c[1], c[0]) for c in CASES]  # in DWARF
    out += ["#define AL(T) offsetof(struct { char c; T x; }, x)",
           "int main(void) {"]
    for title, ctype, members, twin in CASES:
        offs = " ".join("%zu" for _ in members)
        args = "".join(", offsetof(%s, %s)" % (ctype, m) for m in members)
        out.append('    printf("%s %%zu %%zu %%zu %s\\n", sizeof(%s), AL(%s), %s%s);'
                   % (title, offs, ctype, ctype,
                      "sizeof(%s)" % twin if twin else "(size_t)0", args))
    out.append("    return 0;\n}")
    return "\n".join(out) + "\n"


def main():
    for _, cc, _, run in TARGETS:
        for tool in [cc] + run:
            if shutil.which(tool) is None:
                print("SKIP: %s not found" % tool)
                return 77
    fails = 0
    projected = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "c_binaries.c")
        with open(src, "w") as f:
            f.write(program())
        src2 = os.path.join(tmp, "c_binaries2.c")
        with open(src2, "w") as f:
            f.write(SOURCE2)
        for arch, cc, flags, run in TARGETS:
            exe = os.path.join(tmp, "prog-" + arch)
            subprocess.run([cc, "-g", "-O0", "-w"] + flags + ["-o", exe, src2, src], check=True,
                           capture_output=True)
            truth = {}
            for line in subprocess.run(run + [exe], check=True, capture_output=True,
                                       text=True).stdout.splitlines():
                w = line.split()
                truth[w[0]] = [int(x) for x in w[1:]]
            names = [c[0] for c in CASES]
            res = subprocess.run([SA, "show", "--format", "json", exe] + names,
                                 capture_output=True, text=True)
            if res.returncode != 0:
                print("FAIL %s: structalign exited %d: %s" % (arch, res.returncode, res.stderr))
                fails += 1
                continue
            got = {t["name"]: t for t in json.loads(res.stdout)["types"]}
            projected[arch] = truth
            for title, ctype, members, twin in CASES:
                size, align, twin_size = truth[title][:3]
                offs = dict(zip(members, truth[title][3:]))
                t = got.get(title)
                if t is None:
                    print("FAIL %s %s: not shown" % (arch, title))
                    fails += 1
                    continue
                gm = {f["name"]: f["offset"] for f in t["fields"] if f.get("name")}
                bad = []
                if not members and t["fields"]:
                    bad.append("made-up members %s" % t["fields"])
                if (t["size"], t["align"]) != (size, align):
                    bad.append("size/align %d/%d, gcc %d/%d" % (t["size"], t["align"], size, align))
                if gm != offs:
                    bad.append("offsets %s, gcc %s" % (gm, offs))
                if twin and t["optimal_size"] != twin_size:
                    bad.append("optimal %d, gcc's %s is %d" % (t["optimal_size"], twin, twin_size))
                if bad:
                    print("FAIL %s %s: %s" % (arch, title, "; ".join(bad)))
                    fails += 1
                else:
                    print("ok   %s %s: size %d align %d" % (arch, title, size, align))
        # `show --as-arch`: one target's binary laid out by the other's
        # model must give what the other target's gcc gave.
        for src_arch, dst_arch in (("amd64", "386"), ("386", "amd64"), ("arm64", "386")):
            exe = os.path.join(tmp, "prog-" + src_arch)
            res = subprocess.run([SA, "show", "--format", "json", "--as-arch", dst_arch, exe, "fw"],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                print("FAIL %s->%s: exit %d: %s" % (src_arch, dst_arch, res.returncode, res.stderr))
                fails += 1
                continue
            t = json.loads(res.stdout)["types"][0]
            lay = t["layout"]
            size, align = projected[dst_arch]["fw"][:2]
            offs = dict(zip(CASES_BY_NAME["fw"], projected[dst_arch]["fw"][3:]))
            gm = {f["name"]: f["offset"] for f in lay["fields"] if f.get("name")}
            bad = []
            if (lay["size"], lay["align"]) != (size, align):
                bad.append("size/align %d/%d, gcc %d/%d" % (lay["size"], lay["align"], size, align))
            if gm != offs:
                bad.append("offsets %s, gcc %s" % (gm, offs))
            # fw's typedefs are all fixed-width or pointer-wide: none
            # depends on the target's headers (check_header_dependent).
            hd = t.get("header_dependent")
            if hd != []:
                bad.append("header_dependent %r" % hd)
            if bad:
                print("FAIL %s->%s fw: %s" % (src_arch, dst_arch, "; ".join(bad)))
                fails += 1
            else:
                print("ok   %s->%s fw: size %d align %d, header-dependent: %s"
                      % (src_arch, dst_arch, size, align, hd))
        fails += check_header_dependent(tmp)
        fails += check_compressed(tmp, src)
        fails += check_names(tmp)
        fails += check_declarations(tmp)
    print("%d failed" % fails)
    return 1 if fails else 0


NAMES_SOURCE = r"""
#include <stdio.h>
#include <string.h>
typedef struct { char c; long l; unsigned a:3, b:16; } T;
typedef struct ngx_connection_s ngx_connection_t;
struct ngx_connection_s { void *data; int fd; char x; };
typedef struct robj_s { unsigned type:4; unsigned enc:4; unsigned lru:24; int refcount;
                        unsigned long long w:20, z:40; } robj;
T t; ngx_connection_t nc; robj r;
/* the bit where a bit-field starts: set it alone to all ones, find it */
#define BIT(S, f) do { S v; unsigned char *p = (unsigned char *)&v; memset(&v, 0, sizeof v); \
    v.f = ~0ull; for (unsigned i = 0; i < 8 * sizeof v; i++) \
        if (p[i / 8] >> (i % 8) & 1) { printf(#f " %u\n", i); break; } } while (0)
int main(void) { BIT(T, a); BIT(T, b); BIT(robj, type); BIT(robj, enc); BIT(robj, lru);
                 BIT(robj, w); BIT(robj, z); return 0; }
"""


def check_names(tmp):
    """Typedef names: an anonymous record is titled by its typedef (`T`, not
    `struct T`); `show BIN ngx_connection_t` finds the tagged record;
    bit-fields are placed as pahole shows them, unit offset:bit in unit,
    the bit measured in the compiled program."""
    fails = 0
    src = os.path.join(tmp, "names.c")
    exe = os.path.join(tmp, "names")
    with open(src, "w") as f:
        f.write(NAMES_SOURCE)
    subprocess.run(["gcc", "-g", "-w", "-o", exe, src], check=True, capture_output=True)
    bits = {}
    for line in subprocess.run([exe], check=True, capture_output=True, text=True).stdout.split("\n"):
        if line:
            name, bit = line.split()
            bits[name] = int(bit)
    units = {"a": 4, "b": 4, "type": 4, "enc": 4, "lru": 4, "w": 8, "z": 8}
    checked = set()
    for typ, title in (("T", "T  (c/"), ("ngx_connection_t", "struct ngx_connection_s  (c/"),
                       ("robj", "struct robj_s  (c/")):
        r = subprocess.run([SA, "show", exe, typ], capture_output=True, text=True)
        lines = r.stdout.splitlines()
        if r.returncode != 0 or len(lines) < 2 or not lines[1].startswith(title):
            print("FAIL show %s: exit %d, title %r: %s" % (typ, r.returncode,
                                                         lines[1] if len(lines) > 1 else "",
                                                         r.stderr))
            fails += 1
            continue
        for l in lines:
            m = re.match(r"/\*\s*(\d+):\s*(\d+) \|.*\s(\w+) : \d+;", l)
            if m is None or m.group(3) not in units:
                continue
            f, u = m.group(3), units[m.group(3)]
            want = (bits[f] // (8 * u) * u, bits[f] % (8 * u))
            if (int(m.group(1)), int(m.group(2))) != want:
                print("FAIL %s.%s at %s:%s, pahole-style truth %d:%d"
                      % (typ, f, m.group(1), m.group(2), want[0], want[1]))
                fails += 1
            checked.add(f)
        print("ok   show %s: %s" % (typ, lines[1]))
    if checked != set(units):
        print("FAIL bit-fields not found in the output: %s" % sorted(set(units) - checked))
        fails += 1
    return fails


DECL_SOURCE = r"""
struct inner { int a; };
struct D { char c; int (*cb)(void *, int); char name[13]; long l; short m[2][3];
           struct inner in[3]; char d; void (*v)(void); char *p[2]; };
struct D d;
/* attributes that make the layout: aligned(N) (DW_AT_alignment), packed
 * with aligned(N) (inferred from the offsets) */
struct E { char c; int i; char d; int j; char e; } __attribute__((aligned(8)));
struct E e;
struct F { int i; char c; } __attribute__((packed, aligned(2)));
struct G { char c; struct F f; char d; struct F f2; long l; char e; };
struct G g;
int main(void) { return 0; }
"""


def check_declarations(tmp):
    """`show --optimize`'s suggested declaration, compiled by gcc, has the
    claimed optimal size and the record's alignment (arrays, pointers to
    functions and arrays of records declared as C declares them)."""
    src = os.path.join(tmp, "decl.c")
    exe = os.path.join(tmp, "decl")
    with open(src, "w") as f:
        f.write(DECL_SOURCE)
    subprocess.run(["gcc", "-g", "-w", "-o", exe, src], check=True, capture_output=True)
    fails = 0
    for name in ("D", "E", "G"):
        fails += check_declaration(tmp, exe, name)
    return fails


def check_declaration(tmp, exe, name):
    r = subprocess.run([SA, "show", "--optimize", exe, name], capture_output=True, text=True)
    j = subprocess.run([SA, "show", "--format", "json", exe, name], capture_output=True, text=True)
    if r.returncode != 0 or j.returncode != 0:
        print("FAIL show --optimize %s: exit %d: %s" % (name, r.returncode, r.stderr))
        return 1
    t = json.loads(j.stdout)["types"][0]
    text = r.stdout
    if "struct %s {" % name not in text:  # already optimal: the layout as is
        print("FAIL show --optimize %s printed no declaration" % name)
        return 1
    decl = text[text.index("struct %s {" % name):]
    decl = decl[:decl.index(";\n", decl.index("\n}")) + 1]
    prog = os.path.join(tmp, "decl_check.c")
    with open(prog, "w") as f:
        f.write("#include <stdio.h>\n#include <stddef.h>\nstruct inner { int a; };\n"
                "struct F { int i; char c; } __attribute__((packed, aligned(2)));\n%s\n"
                "int main(void) { printf(\"%%zu %%zu\\n\", sizeof(struct %s), "
                "offsetof(struct { char c; struct %s x; }, x)); return 0; }\n"
                % (decl, name, name))
    c = subprocess.run(["gcc", "-o", prog + ".exe", prog], capture_output=True, text=True)
    if c.returncode != 0:
        print("FAIL the suggested declaration does not compile:\n%s\n%s" % (decl, c.stderr))
        return 1
    size, align = map(int, subprocess.run([prog + ".exe"], check=True, capture_output=True,
                                          text=True).stdout.split())
    if (size, align) != (t["optimal_size"], t["align"]):
        print("FAIL suggested %s: gcc %d bytes align %d, claimed %d align %d (now %d)\n%s"
              % (name, size, align, t["optimal_size"], t["align"], t["size"], decl))
        return 1
    print("ok   suggested declaration of %s compiles: %d bytes (was %d), align %d"
          % (name, size, t["size"], align))
    return 0


def craft_zstd(src, dst):
    """Copies an ELF64 LE file whose .debug_* sections are zlib-compressed
    (SHF_COMPRESSED), setting each one's ch_type to ELFCOMPRESS_ZSTD."""
    data = bytearray(open(src, "rb").read())
    shoff = int.from_bytes(data[0x28:0x30], "little")
    shentsize = int.from_bytes(data[0x3a:0x3c], "little")
    shnum = int.from_bytes(data[0x3c:0x3e], "little")
    shstrndx = int.from_bytes(data[0x3e:0x40], "little")

    def sh(i, o, n):
        b = shoff + i * shentsize + o
        return int.from_bytes(data[b:b + n], "little")
    stroff = sh(shstrndx, 0x18, 8)
    for i in range(shnum):
        name_off = stroff + sh(i, 0, 4)
        name = bytes(data[name_off:data.index(0, name_off)]).decode()
        if name.startswith(".debug_") and sh(i, 8, 8) & 0x800:
            off = sh(i, 0x18, 8)
            data[off:off + 4] = (2).to_bytes(4, "little")
    open(dst, "wb").write(data)


HD_SOURCE = r"""
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
typedef struct hd_s hd_t;
struct hd_s { char c; size_t sz; ssize_t ss; intptr_t ip; uintptr_t up; ptrdiff_t pd;
              off_t off; time_t t; long lg; int64_t i64; off_t arr[2]; clock_t ck; char *p; };
hd_t g_hd;
#define W(m) sizeof(((struct hd_s *)0)->m)
int main(void) {
    printf("%zu", sizeof(struct hd_s));
#define M(m) printf(" " #m "=%zu,%zu", offsetof(struct hd_s, m), W(m));
    M(c) M(sz) M(ss) M(ip) M(up) M(pd) M(off) M(t) M(lg) M(i64) M(arr) M(ck) M(p)
    printf("\n");
    return 0;
}
"""
HD_TYPEDEFS = {"sz": "size_t", "ss": "ssize_t", "ip": "intptr_t", "up": "uintptr_t",
               "pd": "ptrdiff_t", "off": "off_t", "t": "time_t", "lg": None, "i64": "int64_t",
               "arr": "off_t", "ck": "clock_t"}


def check_header_dependent(tmp):
    """show --as-arch 386 of an amd64 build, given by its typedef name:
    the layout i686 gcc gives with its default headers, and
    header_dependent (a JSON array) lists exactly the typedefs of long
    whose i686 width the headers choose: off_t and time_t change under
    _FILE_OFFSET_BITS=64 _TIME_BITS=64 (i686 gcc says so), clock_t is long
    by glibc's choice; never size_t, intptr_t and the other pointer-wide
    names (pointer-sized under every configuration), nor int64_t."""
    src = os.path.join(tmp, "hd.c")
    with open(src, "w") as f:
        f.write(HD_SOURCE)
    exe = os.path.join(tmp, "hd-amd64")
    subprocess.run(["gcc", "-g", "-O0", "-o", exe, src], check=True)
    truth = {}
    for tag, flags in (("default", []), ("wide", ["-D_FILE_OFFSET_BITS=64", "-D_TIME_BITS=64"])):
        exe32 = os.path.join(tmp, "hd-386-" + tag)
        subprocess.run(["i686-linux-gnu-gcc", "-static", "-O0"] + flags + ["-o", exe32, src],
                       check=True)
        w = subprocess.run([exe32], check=True, capture_output=True, text=True).stdout.split()
        truth[tag] = (int(w[0]), {k: tuple(int(x) for x in v.split(","))
                                  for k, v in (p.split("=") for p in w[1:])})
    bad = []
    res = subprocess.run([SA, "show", "--format", "json", "--as-arch", "386", exe, "hd_t"],
                         capture_output=True, text=True)
    if res.returncode != 0:
        return print("FAIL hd: show --as-arch 386 hd_t: exit %d: %s"
                     % (res.returncode, res.stderr)) or 1
    t = json.loads(res.stdout)["types"][0]
    size, members = truth["default"]
    lay = t["layout"]
    got = {f["name"]: (f["offset"], f["size"]) for f in lay["fields"]}
    if lay["size"] != size or got != members:
        bad.append("layout %d %s, i686 gcc %d %s" % (lay["size"], got, size, members))
    changes = {HD_TYPEDEFS[m] for m in members
               if members[m][1] != truth["wide"][1][m][1] and HD_TYPEDEFS.get(m)}
    want = ["off_t", "time_t", "clock_t"]
    if changes != {"off_t", "time_t"}:
        bad.append("i686 gcc: the header options changed %s, expected off_t and time_t"
                   % sorted(changes))
    if t.get("header_dependent") != want:
        bad.append("header_dependent %r, want %r" % (t.get("header_dependent"), want))
    text = subprocess.run([SA, "show", "--as-arch", "386", exe, "hd_t"],
                          capture_output=True, text=True).stdout
    if "depends on 386's headers: off_t, time_t, clock_t (" not in text:
        bad.append("text: no 'depends on' line with off_t, time_t, clock_t")
    if bad:
        print("FAIL hd: " + "; ".join(bad))
        return 1
    print("ok   amd64->386 hd_t: size %d as i686 gcc; header-dependent: %s"
          % (size, ", ".join(want)))
    return 0


def check_compressed(tmp, src):
    """zlib-compressed DWARF reads; zstd (which this libdwarf cannot
    inflate) is said plainly with exit 2, never "corrupt DWARF".  When the
    linker cannot write zstd, a zlib section's ch_type is set to
    ELFCOMPRESS_ZSTD (2) by hand: the reader must refuse it the same way."""
    fails = 0
    zl = os.path.join(tmp, "zlib")
    subprocess.run(["gcc", "-g", "-w", "-Wl,--compress-debug-sections=zlib", "-o", zl, src],
                   check=True, capture_output=True)
    r = subprocess.run([SA, "show", zl, "Q"], capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL zlib-compressed DWARF: exit %d: %s" % (r.returncode, r.stderr))
        fails += 1
    zs = os.path.join(tmp, "zstd")
    how = "linker"
    if subprocess.run(["gcc", "-g", "-w", "-Wl,--compress-debug-sections=zstd", "-o", zs, src],
                      capture_output=True).returncode != 0:
        how = "crafted"
        craft_zstd(zl, zs)
    cases = [(how, zs)]
    if how == "linker":
        craft_zstd(zl, zs + "-crafted")
        cases.append(("crafted", zs + "-crafted"))
    for how, path in cases:
        r = subprocess.run([SA, "audit", path], capture_output=True, text=True)
        if (r.returncode != 2 or "compressed with zstd" not in r.stderr or "corrupt" in r.stderr
                or "hint: rebuild with zlib or none" not in r.stderr):
            print("FAIL zstd-compressed DWARF (%s): exit %d: %s" % (how, r.returncode, r.stderr))
            fails += 1
        else:
            print("ok   zstd-compressed DWARF (%s): exit 2, %s" % (how, r.stderr.splitlines()[0]))
    return fails


if __name__ == "__main__":
    sys.exit(main())
