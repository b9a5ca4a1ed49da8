#!/usr/bin/env python3
"""bench/c_corpus.py - writes a C program shaped like nginx for bench/c_speed.

    bench/c_corpus.py DIR [--units N] [--records N] [--seed S]

A C program is one compile unit per source file, each repeating the types
of every header it includes: nginx has ~140 units that all include
ngx_core.h (528 record types, 7 MB); the reader's cost is the copies.  This
writes DIR/include/corpus_*.h with RECORDS record types (default 540) in
twelve headers that include each other in order, and UNITS source files
(default 520) that each include all of them and the usual system headers
and use `struct corpus_root`, whose pointers reach every record, so GCC
writes every record into every unit as it does for nginx's ngx_cycle_t.

The mix follows what nginx and redis declare: plain structs of integers,
pointers and size_t; typedef'd anonymous structs; unions; runs of
bit-fields (flags words); nested anonymous unions and structs; arrays
(char buffers, two-dimensional tables, arrays of records); function
pointers; enums; a flexible array member; a few packed records and
aligned(N) members; records nested by value and linked by pointer.  Each
unit also declares a file-local `struct unit_state` of its own shape (the
same name, a different definition in every unit) and a `struct conf_entry`
defined in two ways by a macro in the shared header, as configuration
switches do: copies that must stay apart.

Deterministic for a seed; writes a Makefile-free build script DIR/build.sh
(gcc -g, DWARF version from $DWARF, default 4).
"""
import os
import random
import sys

PRIMS = [
    ("char", 1), ("unsigned char", 1), ("short", 2), ("unsigned short", 2),
    ("int", 4), ("unsigned int", 4), ("long", 8), ("unsigned long", 8),
    ("size_t", 8), ("ssize_t", 8), ("off_t", 8), ("time_t", 8),
    ("uint8_t", 1), ("uint16_t", 2), ("uint32_t", 4), ("uint64_t", 8),
    ("int32_t", 4), ("int64_t", 8), ("double", 8), ("float", 4),
    ("void *", 8), ("char *", 8), ("const char *", 8), ("_Bool", 1),
]
BF_TYPES = ["unsigned", "unsigned int", "int", "unsigned char", "uint32_t", "unsigned short"]


def words(rng, n):
    syl = ["con", "buf", "req", "hdr", "pool", "log", "ev", "peer", "sock", "upstr",
           "cache", "file", "path", "addr", "queue", "timer", "ssl", "proxy", "var",
           "hash", "list", "chain", "rbt", "shm", "zone", "conf", "loc", "srv", "mime"]
    return "_".join(rng.choice(syl) for _ in range(n))


class Corpus:
    def __init__(self, nrec, seed):
        self.rng = random.Random(seed)
        self.records = []  # (header index, name, text, is_typedef_name)
        self.nrec = nrec

    @staticmethod
    def ref(rec):
        """How a declaration names record rec."""
        return rec[1] if rec[3] else rec[4] + " " + rec[1]

    def member(self, i, earlier, k):
        """One member declaration for record i (earlier: records before it)."""
        r = self.rng
        roll = r.random()
        name = "m%d_%s" % (k, words(r, 1))
        if roll < 0.42:
            t, _ = r.choice(PRIMS)
            return "    %s %s;" % (t, name)
        if roll < 0.58 and self.records:
            # a pointer to a record defined before this one
            tgt = r.choice(self.records)
            ref = self.ref(tgt)
            return "    %s *%s;" % (ref, name)
        if roll < 0.64 and earlier > 0:
            tgt = self.records[r.randrange(earlier)]
            ref = self.ref(tgt)
            return "    %s %s;" % (ref, name)
        if roll < 0.72:
            t, _ = r.choice(PRIMS[:12])
            dims = "[%d]" % r.choice([2, 3, 4, 8, 16, 32, 64])
            if r.random() < 0.2:
                dims += "[%d]" % r.choice([2, 3, 4])
            return "    %s %s%s;" % (t, name, dims)
        if roll < 0.75 and earlier > 0:
            tgt = self.records[r.randrange(earlier)]
            ref = self.ref(tgt)
            return "    %s %s[%d];" % (ref, name, r.choice([2, 4]))
        if roll < 0.82:
            ret = r.choice(["int", "void", "ssize_t", "void *"])
            args = ", ".join(r.choice(["void *", "int", "size_t", "const char *"])
                             for _ in range(r.randint(1, 3)))
            return "    %s (*%s)(%s);" % (ret, name, args)
        if roll < 0.86:
            e = r.randrange(8)
            return "    enum corpus_enum%d %s;" % (e, name)
        if roll < 0.93:
            # nested anonymous union or struct
            kw = r.choice(["union", "struct"])
            inner = [self.member(i, earlier, 100 * k + j) for j in range(r.randint(2, 3))]
            inner = [x for x in inner if "[]" not in x]
            return "    %s {\n    %s\n    } %s;" % (kw, "\n    ".join(inner), name)
        # a run of bit-fields: a flags word
        t = r.choice(BF_TYPES)
        bits = 8 if "char" in t else 16 if "short" in t else 32
        lines = []
        for j in range(r.randint(2, 7)):
            w = min(bits, r.choice([1, 1, 1, 2, 3, 4, 5, 8, 12]))
            lines.append("    %s %s_%d:%d;" % (t, name, j, w))
        return "\n".join(lines)

    def record(self, hidx, i):
        r = self.rng
        earlier = len(self.records)
        nm = r.randint(2, 14)
        body = [self.member(i, earlier, k) for k in range(nm)]
        roll = r.random()
        attr = ""
        if roll < 0.03:
            attr = " __attribute__((packed))"
        elif roll < 0.05:
            body[0] = body[0].rstrip(";") + " __attribute__((aligned(16)));" \
                if "\n" not in body[0] else body[0]
        kind = "union" if r.random() < 0.08 else "struct"
        if r.random() < 0.04 and kind == "struct":
            body.append("    unsigned char tail_data[];")
        base = "corpus%d_%s" % (i, words(r, 2))
        style = r.random() if kind == "struct" else 1.0
        # typedef struct name_s {...} name_t; typedef struct {...} name_t;
        # or a plain tag
        tag = base + "_t_s" if style < 0.25 else None if style < 0.35 else base
        if tag is not None and kind == "struct" and r.random() < 0.3:
            at = 0 if body[-1].endswith("[];") else r.randrange(len(body) + 1)
            body.insert(at, "    struct %s *next;" % tag)
        text = "\n".join(body)
        if style < 0.35:
            name = base + "_t"
            decl = "typedef struct %s{\n%s\n}%s %s;\n" % (tag + " " if tag else "", text,
                                                            attr, name)
            self.records.append((hidx, name, decl, True, kind))
        else:
            decl = "%s %s {\n%s\n}%s;\n" % (kind, base, text, attr)
            self.records.append((hidx, base, decl, False, kind))

    def write(self, out, nunits, nheaders=12):
        r = self.rng
        inc = os.path.join(out, "include")
        src = os.path.join(out, "src")
        os.makedirs(inc, exist_ok=True)
        os.makedirs(src, exist_ok=True)
        per = (self.nrec + nheaders - 1) // nheaders
        for h in range(nheaders):
            start = len(self.records)
            for i in range(per):
                if len(self.records) < self.nrec:
                    self.record(h, len(self.records))
            with open(os.path.join(inc, "corpus_%02d.h" % h), "w") as f:
                f.write("#ifndef CORPUS_%02d_H\n#define CORPUS_%02d_H\n" % (h, h))
                if h == 0:
                    f.write("#include <stddef.h>\n#include <stdint.h>\n#include <sys/types.h>\n"
                            "#include <time.h>\n#include <stdio.h>\n#include <pthread.h>\n")
                    for e in range(8):
                        vals = ", ".join("CORPUS_E%d_%d" % (e, v)
                                         for v in range(r.randint(2, 9)))
                        f.write("enum corpus_enum%d { %s };\n" % (e, vals))
                else:
                    f.write('#include "corpus_%02d.h"\n' % (h - 1))
                for rec in self.records[start:]:
                    f.write(rec[2])
                if h == nheaders - 1:
                    f.write("struct corpus_root {\n")
                    for k, rec in enumerate(self.records):
                        ref = self.ref(rec)
                        f.write("    %s *p%d;\n" % (ref, k))
                    f.write("    pthread_mutex_t lock;\n    FILE *log;\n};\n")
                    # configuration switches: one header, two shapes, the same
                    # name, line and size (long vs double) in different units
                    f.write("struct conf_entry {\n    int key;\n"
                            "#ifdef CORPUS_ALT\n    double value;\n#else\n    long value;\n"
                            "#endif\n    struct conf_entry *next;\n};\n")
                f.write("#endif\n")
        last = "corpus_%02d.h" % (nheaders - 1)
        for u in range(nunits):
            fields = []
            for k in range(r.randint(2, 8)):
                t, _ = r.choice(PRIMS)
                fields.append("    %s s%d;" % (t, k))
            if r.random() < 0.5:
                fields.append("    unsigned busy:1;\n    unsigned gen:%d;" % r.randint(2, 9))
            with open(os.path.join(src, "unit%03d.c" % u), "w") as f:
                if u % 2:
                    f.write("#define CORPUS_ALT 1\n")
                f.write('#include "%s"\n' % last)
                f.write("struct unit_state {\n%s\n};\n" % "\n".join(fields))
                f.write("static struct unit_state state%d;\n" % u)
                # a few functions with parameters, locals and a block-local
                # record, as real units have (pahole reads their DIEs, the
                # audit walks them for local record types)
                for k in range(4):
                    f.write("static long work%d_%d(struct corpus_root *r, long n, const char *s)\n"
                            "{\n    long acc = 0;\n    size_t len = s ? 1 : 0;\n"
                            "    for (long i = 0; i < n; i++) {\n"
                            "        struct { int lo, hi; } span = { (int)i, (int)n };\n"
                            "        acc += span.hi - span.lo + (long)len + (r != NULL);\n"
                            "    }\n    return acc;\n}\n" % (u, k))
                f.write("int unit%d(struct corpus_root *r, struct conf_entry *c)\n{\n"
                        "    state%d.s0 = 0;\n"
                        "    return (r != NULL) + (c != NULL) + (int)sizeof state%d\n"
                        "        + (int)(work%d_0(r, 3, \"a\") + work%d_1(r, 4, 0)\n"
                        "        + work%d_2(r, 5, \"b\") + work%d_3(r, 6, 0));\n}\n"
                        % (u, u, u, u, u, u, u))
        with open(os.path.join(src, "main.c"), "w") as f:
            f.write('#include "%s"\n' % last)
            for u in range(nunits):
                f.write("int unit%d(struct corpus_root *, struct conf_entry *);\n" % u)
            f.write("int main(void)\n{\n    int s = 0;\n")
            for u in range(nunits):
                f.write("    s += unit%d(NULL, NULL);\n" % u)
            f.write("    return s == 0;\n}\n")
        with open(os.path.join(out, "build.sh"), "w") as f:
            f.write("#!/bin/sh\n# builds DIR/app (DWARF version $DWARF, default 4; -j from $JOBS)\n"
                    "set -e\ncd \"$(dirname \"$0\")\"\nmkdir -p obj\n"
                    "ls src/*.c | sed 's,src/,,;s,\\.c$,,' | xargs -P \"${JOBS:-2}\" -I{} "
                    "gcc -g -gdwarf-${DWARF:-4} -O1 -Wno-packed-bitfield-compat -Iinclude -c src/{}.c -o obj/{}.o\n"
                    "gcc -o app obj/*.o\n")
        os.chmod(os.path.join(out, "build.sh"), 0o755)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    out = args[0]
    opts = {"--units": 520, "--records": 540, "--seed": 17}
    i = 1
    while i < len(args):
        if args[i] not in opts or i + 1 >= len(args):
            sys.stderr.write("c_corpus.py: unknown or incomplete option %s\n" % args[i])
            return 2
        opts[args[i]] = int(args[i + 1])
        i += 2
    c = Corpus(opts["--records"], opts["--seed"])
    c.write(out, opts["--units"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
