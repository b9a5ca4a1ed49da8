#!/usr/bin/env python3
"""difftest.py - prove structalign's layout numbers against the real compilers.

Why: every number structalign prints (offsets, sizes, alignments, bit-field
positions, Go pointer bytes, the size of the order it suggests) is a claim
about what gc and GCC will do.  The only trustworthy reference is the
compilers themselves, so this script generates a few hundred random type
declarations per language, asks the compilers for the truth, asks
`structalign calc` for its answer on the very same text, and compares.

One run (seeded, reproducible):

  1. Generate --count Go struct types and --count C struct/union types that
     exercise the layout rules (see GoGen and CGen for the feature lists).
  2. Truth: one Go program per arch (GOARCH=amd64 native, GOARCH=arm64 under
     qemu-aarch64, GOARCH=arm under qemu-arm; GOARCH=386 cannot run here, so
     the arm numbers are proved for 386 by compile-time assertions, see
     go_assert_386) prints, per type, unsafe.Sizeof/Alignof, every field's
     reflect offset/size/align, and the pointer-prefix length (ptrdata; see
     GO_MAIN for the trick).  One C program per arch (gcc native,
     aarch64-linux-gnu-gcc under qemu-aarch64) prints sizeof, the alignment
     (the offset of the type in struct {char c; T x;}), offsetof, sizeof and
     __alignof__ of each member (also
     i686-linux-gnu-gcc under qemu-i386 and arm-linux-gnueabihf-gcc under
     qemu-arm, static binaries; the 32-bit types are a second generated set
     without __int128 and with 32-bit long bit-fields), and each named
     bit-field's absolute bit offset and width, found by zeroing an object,
     setting the field to all ones and scanning the bytes (both targets are
     little-endian).  Anonymous struct/union members are measured through a
     named member inside them and a file-scope twin of their type.
  3. Ours: `structalign calc --lang L --arch A --format json -f FILE` on the
     declaration file; matched to the truth by type name.  Size, align, every
     field's offset/size/align, bit_offset/bit_size, Go ptrdata, plus the
     JSON's own arithmetic (members + holes + tail padding == size).
  4. The suggested order: every type is declared again with its fields in
     our optimal_index order; a second program per language and arch reports
     its size (and Go ptrdata), which must equal optimal_size (and
     optimal_ptrdata); a C flexible array member must stay last.
  5. Audit: `structalign audit --all --format json` on the truth programs
     themselves (32-bit ELF for 386 and arm; for Go 386 the compile-time
     check's binary), whose DWARF holds every type: each must equal the
     truth, and the model must reproduce the compiler's offsets.
  6. --inject-fault perturbs our JSON before the comparison; the run must
     then report exactly the injected faults (the checker checks itself).

Exit status: 0 all matched, 1 a mismatch (or a tool/compiler failure),
77 a required compiler or emulator is missing (the reason is printed),
2 usage.  Python 3 standard library only.
"""

import argparse
import json
import re
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import salib

ARCHES_64 = ("amd64", "arm64")
ARCHES_32 = ("386", "arm")
ARCHES = ARCHES_64 + ARCHES_32
# How to run a program built for each arch on an amd64 Linux host (static
# binaries, so no -L sysroot is needed), and the C compiler for it.
RUNNER = {"amd64": [], "arm64": ["qemu-aarch64"], "386": ["qemu-i386"], "arm": ["qemu-arm"]}
CC = {"amd64": ["gcc"], "arm64": ["aarch64-linux-gnu-gcc", "-static"],
      "386": ["i686-linux-gnu-gcc", "-static"], "arm": ["arm-linux-gnueabihf-gcc", "-static"]}
CC_PKG = {"amd64": "gcc", "arm64": "gcc-aarch64-linux-gnu", "386": "gcc-i686-linux-gnu",
          "arm": "gcc-arm-linux-gnueabihf"}
MAX_MISSING_SHOWN = 10      # "not in our output" lines printed per lang/arch
LANGS = ("go", "c")
SKIP = 77


class Skip(Exception):
    """A required tool is missing: the run is skipped, never passed."""


class Fail(Exception):
    """The harness cannot produce the truth (a compiler or program failed)."""


# --------------------------------------------------------------- data model

class Field:
    """One member as declared, in declaration order.

    name    the name the compiler reports (Go: reflect's StructField.Name, so
            `_` for blank and the type name for embedded; C: the member name,
            "" for anonymous members and unnamed bit-fields)
    text    the member declared alone, to rebuild the type in another order
    kind    "plain", "bitfield", "unnamed" (unnamed C bit-field: cannot be
            measured), "anon" (C11 anonymous struct/union), "fam" (C flexible
            array member)
    """

    def __init__(self, name, text, kind="plain", width=None, base=None):
        self.name = name
        self.text = text
        self.kind = kind
        self.width = width      # bit-fields: declared width
        self.base = base        # bit-fields: declared type (C text)
        self.twin = None        # anon: name of the file-scope twin type
        self.twin_text = None   # anon: definition of the twin
        self.probe = None       # anon: (member name, is_bitfield) inside it
        self.est = 16           # C: rough upper bound of its bytes


class TypeDecl:
    """One generated struct or union whose layout is compared.

    name   as our JSON names it (Go type name; C tag or typedef name)
    ref    how C code names it ("struct S3", "union U4", "T5"); Go: name
    unit   index of the top-level declaration that defines it
    """

    def __init__(self, lang, name, kind, ref, fields, decl):
        self.lang = lang
        self.name = name
        self.kind = kind
        self.ref = ref
        self.fields = fields
        self.decl = decl
        self.unit = None
        self.opt_head = None    # C: text before the member list, opt name
        self.opt_tail = None    # C: text after the member list

    def has_bitfields(self):
        return any(f.kind in ("bitfield", "unnamed") for f in self.fields)


class Unit:
    """One top-level declaration: the text, the names it defines and the
    names of other units it needs (to cut a file down to one type)."""

    def __init__(self, text, defines, deps):
        self.text = text
        self.defines = set(defines)
        self.deps = set(deps)


# ---------------------------------------------------------------- Go side

GO_BASIC = ["bool", "int8", "uint8", "byte", "int16", "uint16", "int32", "rune",
            "uint32", "int64", "uint64", "int", "uint", "uintptr", "float32",
            "float64", "complex64", "complex128", "string"]
GO_KEYS = ["string", "int", "int32", "uint8", "bool", "float64", "complex64",
           "[2]int16", "*int", "uintptr", "struct{}"]
GO_IFACES = ["interface{}", "any", "error", "interface{ M() int }"]
GO_FUNCS = ["func()", "func(int) error", "func(string, ...int) (bool, error)",
            "func(a, b int) int", "func(func()) func()"]
# Standard library types structalign(1) names as known without their source.
GO_STD = ["sync.Mutex", "time.Time", "atomic.Int64", "atomic.Uint64"]
GO_MAX_EST = 4096
GO_IMPORTS = ('package main\n\nimport (\n\t"sync"\n\t"sync/atomic"\n\t"time"\n'
              '\t"unsafe"\n)\n')
# Keeps every import used (calc must skip non-type declarations).
GO_USE_IMPORTS = "var (\n\t_ unsafe.Pointer\n\t_ sync.Mutex\n\t_ time.Time\n\t_ atomic.Int64\n)\n"      # named types larger than this are not nested by value
GO_ZERO = ["struct{}", "[0]int64", "[0]string", "[3]struct{}", "[0]complex128",
           "[0]*int", "struct{ _ [0]int32 }", "[0]struct{ a int16 }"]


class GoGen:
    """Random Go declarations.  Covers: every predeclared numeric type, bool,
    string, slices, maps, channels (all directions), func types, interfaces
    (empty, any, error, with methods), pointers, unsafe.Pointer, arrays
    (length 0, constant names), zero-size fields first/middle/last, nested
    anonymous structs, earlier named types by value and in arrays, embedded
    fields (struct, *struct, error, defined types), blank `_` fields,
    grouped field names, tags, defined and alias non-struct types, grouped
    `type (...)` blocks."""

    def __init__(self, rng, count, ilp32=False):
        self.rng = rng
        self.count = count
        self.ilp32 = ilp32
        self.units = []
        self.types = []
        self.named = []        # struct type names defined so far
        self.defined = []      # (name, embeddable) defined non-struct types
        self.consts = []
        self.est = {}          # name -> rough size bound

    def gen(self):
        r = self.rng
        for i in range(max(2, self.count // 100)):
            name = "N%d" % i
            self.consts.append(name)
            self.units.append(Unit("const %s = %d" % (name, r.choice([0, 1, 2, 3, 5])),
                                   [name], []))
        for i in range(max(4, self.count // 25)):
            self.gen_defined(i)
        for i in range(self.count):
            self.gen_struct(i)
        # calc must skip declarations that are not types
        self.units.append(Unit("func unused() int { return 0 }", [], []))
        self.units.append(Unit(GO_USE_IMPORTS, [], []))
        return self

    def gen_defined(self, i):
        r = self.rng
        name = "D%d" % i
        choice = r.randrange(9)
        embeddable = True
        if choice == 0:
            text = "type %s %s" % (name, r.choice(GO_BASIC))
        elif choice == 1:
            text = "type %s [%d]%s" % (name, r.choice([0, 1, 3]), r.choice(GO_BASIC))
        elif choice == 2:
            text = "type %s = %s" % (name, r.choice(GO_BASIC))
            embeddable = False     # alias: skip the embedded-name subtleties
        elif choice == 3:
            text = "type %s []string" % name
        elif choice == 4:
            text = "type %s map[string]int" % name
        elif choice == 5:
            text = "type %s func(int) bool" % name
        elif choice == 6:
            text = "type %s *int64" % name
            embeddable = False     # embedded pointer types are illegal
        elif choice == 7:
            text = "type %s chan complex64" % name
        else:
            text = "type %s = [2]complex64" % name
            embeddable = False
        self.units.append(Unit(text, [name], []))
        self.defined.append((name, embeddable))

    def texpr(self, depth, deps, selfname):
        """A random type expression and a rough upper bound of its size (to
        keep nested arrays of named types from growing without bound);
        names it uses are added to deps."""
        r = self.rng
        opts = [("basic", 30), ("ptr", 5), ("uptr", 3), ("slice", 5), ("map", 3),
                ("chan", 3), ("func", 3), ("iface", 5), ("array", 10), ("zero", 4),
                ("selfptr", 2), ("defined", 4), ("std", 2)]
        if depth < 2:
            opts.append(("anon", 5))
        small = [n for n in self.named if self.est[n] <= GO_MAX_EST]
        if small:
            opts += [("named", 12), ("namedarr", 4)]
        kind = weighted(r, opts)
        if kind == "basic":
            return r.choice(GO_BASIC), 16
        if kind == "ptr":
            return "*" + self.texpr(depth + 1, deps, selfname)[0], 8
        if kind == "uptr":
            return "unsafe.Pointer", 8
        if kind == "slice":
            return "[]" + self.texpr(depth + 1, deps, selfname)[0], 24
        if kind == "map":
            val = self.texpr(depth + 1, deps, selfname)[0]
            if self.ilp32:
                # Go 1.19's compiler crashes on 386 and arm ("bad offset of
                # overflow in bmap") for map values that are 8-aligned there
                # (atomic.Int64 inside, even in a [0] array or a named type):
                # map values go behind a pointer on 32-bit targets.
                val = "*" + val
            return "map[%s]%s" % (r.choice(GO_KEYS), val), 8
        if kind == "chan":
            return r.choice(["chan ", "<-chan ", "chan<- "]) + r.choice(GO_BASIC), 8
        if kind == "func":
            return r.choice(GO_FUNCS), 8
        if kind == "iface":
            return r.choice(GO_IFACES), 16
        if kind == "array":
            if r.random() < 0.1:
                n = r.choice(self.consts)
                deps.add(n)
                count = 5
            else:
                count = r.choice([0, 1, 1, 2, 3, 4, 5, 7, 16] if depth == 0 else [0, 1, 2, 3])
                n = str(count)
            text, est = self.texpr(depth + 1, deps, selfname)
            return "[%s]%s" % (n, text), count * est
        if kind == "zero":
            return r.choice(GO_ZERO), 0
        if kind == "std":
            return r.choice(GO_STD), 24
        if kind == "selfptr":
            return r.choice(["*", "[]", "map[string]*", "[2]*"]) + selfname, 24
        if kind == "defined":
            name = r.choice(self.defined)[0]
            deps.add(name)
            return name, 48
        if kind == "anon":
            fields = []
            est = 0
            for j in range(r.randrange(0, 5)):
                fname = "_" if r.random() < 0.1 else "x%d" % j
                text, e = self.texpr(depth + 1, deps, selfname)
                fields.append("%s %s" % (fname, text))
                est += e
            if not fields:
                return "struct{}", 0
            return "struct{ %s }" % "; ".join(fields), est
        name = r.choice(small)
        deps.add(name)
        if kind == "named":
            return name, self.est[name]
        count = r.choice([0, 1, 2, 3])
        return "[%d]%s" % (count, name), count * self.est[name]

    def gen_struct(self, i):
        r = self.rng
        name = "T%d" % i
        deps = set()
        fields = []            # Field objects
        lines = []             # declaration lines (groups share one)
        used = set()
        n = weighted(r, [(0, 3), (1, 10), (2, 12), (3, 12), (4, 12), (5, 10),
                         (6, 9), (7, 8), (8, 6), (10, 5), (12, 4), (16, 2)])
        k = 0
        est = 0
        if n and r.random() < 0.25:
            t = r.choice(GO_ZERO)
            fields.append(Field("z0", "z0 " + t))
            lines.append(fields[-1].text)
            used.add("z0")
        while len(fields) < n:
            roll = r.random()
            if roll < 0.08:
                t, e = self.texpr(0, deps, name)
                est += e
                fields.append(Field("_", "_ " + t))
                lines.append(fields[-1].text)
                continue
            if roll < 0.16:
                emb = self.embedded(deps, used)
                if emb is not None:
                    fname, text = emb
                    est += self.est.get(text, 24)
                    used.add(fname)
                    fields.append(Field(fname, text))
                    lines.append(text)
                    continue
            t, e = self.texpr(0, deps, name)
            group = 1
            if r.random() < 0.12:
                group = r.choice([2, 3])
            names = []
            for _ in range(group):
                fname = "f%d" % k
                k += 1
                names.append(fname)
                used.add(fname)
            tag = ' `json:"%s"`' % names[0] if r.random() < 0.08 else ""
            for fname in names:
                fields.append(Field(fname, "%s %s%s" % (fname, t, tag)))
                est += e
            lines.append("%s %s%s" % (", ".join(names), t, tag))
        if n and r.random() < 0.25:
            t = r.choice(GO_ZERO)
            fields.append(Field("zl", "zl " + t))
            lines.append(fields[-1].text)
        body = "".join("\t%s\n" % l for l in lines)
        decl = "type %s struct {\n%s}" % (name, body) if body else "type %s struct{}" % name
        td = TypeDecl("go", name, "struct", name, fields, decl)
        td.unit = len(self.units)
        self.units.append(Unit(decl, [name], deps))
        self.types.append(td)
        self.named.append(name)
        self.est[name] = 2 * est + 16

    def embedded(self, deps, used):
        r = self.rng
        roll = r.random()
        if roll < 0.6 and self.named:
            tname = r.choice(self.named)
            text = ("*" if r.random() < 0.4 else "") + tname
        elif roll < 0.8:
            tname, ok = r.choice(self.defined)
            if not ok:
                return None
            text = tname
        else:
            tname = text = "error"
        if tname in used:
            return None
        if tname != "error":
            deps.add(tname)
        return tname, text

    def file_text(self, units=None):
        """The declaration file given to calc and compiled into the programs.
        A few consecutive struct types go into grouped `type (...)` blocks."""
        units = self.units if units is None else units
        out = [GO_IMPORTS]
        rng = random.Random(len(units))
        i = 0
        while i < len(units):
            u = units[i]
            if u.text.startswith("type ") and rng.random() < 0.1:
                j = i
                group = []
                while j < len(units) and j < i + 3 and units[j].text.startswith("type "):
                    group.append(units[j].text[5:].replace("\n", "\n\t"))
                    j += 1
                out.append("type (\n\t%s\n)\n" % "\n\t".join(group))
                i = j
                continue
            out.append(u.text + "\n")
            i += 1
        if units is not self.units:
            out.append(GO_USE_IMPORTS)
        return "\n".join(out)


GO_MAIN_HEAD = r'''package main

import (
	"os"
	"reflect"
	"strconv"
	"unsafe"
)

// ptrdata returns the length of the prefix of a value of type t that can
// hold pointers.  reflect does not export it, but in Go 1.19 a reflect.Type
// is an interface whose data word points to a runtime *rtype, and rtype
// begins with {size uintptr; ptrdata uintptr; ...}.  So: take the data
// word of the interface and read the second uintptr.  selfCheck() verifies
// the first word against t.Size() for every type and the second against
// types whose answer is known, so a Go with another layout fails loudly
// instead of producing wrong truth.
func ptrdata(t reflect.Type) uintptr {
	type iface struct{ tab, data unsafe.Pointer }
	rt := (*iface)(unsafe.Pointer(&t)).data
	words := (*[2]uintptr)(rt)
	if words[0] != t.Size() {
		panic("difftest: rtype layout is not {size, ptrdata, ...}: " + t.String())
	}
	return words[1]
}

func selfCheck() {
	w := unsafe.Sizeof(uintptr(0))
	known := []struct {
		t    reflect.Type
		want uintptr
	}{
		{reflect.TypeOf(""), w},
		{reflect.TypeOf([2]string{}), 3 * w},
		{reflect.TypeOf(struct {
			a int
			b *int
		}{}), 2 * w},
		{reflect.TypeOf(struct {
			a *int
			b int
		}{}), w},
		{reflect.TypeOf(0), 0},
		{reflect.TypeOf([]int(nil)), w},
		{reflect.TypeOf((*interface{})(nil)).Elem(), 2 * w},
		{reflect.TypeOf([0]*int{}), 0},
	}
	for _, k := range known {
		if got := ptrdata(k.t); got != k.want {
			panic("difftest: ptrdata self-check failed for " + k.t.String() +
				": got " + strconv.Itoa(int(got)) + ", want " + strconv.Itoa(int(k.want)))
		}
	}
}

var out []byte

func num(key string, v uintptr) {
	out = append(out, '"')
	out = append(out, key...)
	out = append(out, `":`...)
	out = strconv.AppendUint(out, uint64(v), 10)
}

func emit(name string, t reflect.Type, size, align uintptr, fields bool) {
	if t.Size() != size || uintptr(t.Align()) != align {
		panic("difftest: reflect and unsafe disagree on " + name)
	}
	out = append(out, `{"name":`...)
	out = strconv.AppendQuote(out, name)
	out = append(out, ',')
	num("size", size)
	out = append(out, ',')
	num("align", align)
	out = append(out, ',')
	num("ptrdata", ptrdata(t))
	out = append(out, `,"fields":[`...)
	for i := 0; fields && i < t.NumField(); i++ {
		f := t.Field(i)
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"name":`...)
		out = strconv.AppendQuote(out, f.Name)
		out = append(out, `,"kind":"plain",`...)
		num("offset", f.Offset)
		out = append(out, ',')
		num("size", f.Type.Size())
		out = append(out, ',')
		num("align", uintptr(f.Type.Align()))
		out = append(out, '}')
	}
	out = append(out, "]}\n"...)
}

func main() {
	selfCheck()
'''


def go_main(types, suffix, fields):
    lines = [GO_MAIN_HEAD]
    for t in types:
        n = t.name + suffix
        lines.append('\temit(%s, reflect.TypeOf((*%s)(nil)).Elem(), unsafe.Sizeof(%s{}), '
                     'unsafe.Alignof(%s{}), %s)\n' % (json.dumps(t.name), n, n, n,
                                                     "true" if fields else "false"))
    # Go's linker writes DWARF only for types that variables or functions
    # use: give every type a global the program really uses, so that
    # `structalign audit` finds all of them in the binary.
    lines.append("\tdwarfKeep = []any{%s}\n" % ", ".join("&dwarf%s" % (t.name + suffix)
                                                        for t in types))
    lines.append("\tos.Stdout.Write(out)\n}\n\nvar dwarfKeep []any\n\n")
    for t in types:
        lines.append("var dwarf%s %s\n" % (t.name + suffix, t.name + suffix))
    return "".join(lines)


def go_assert_386(types, truth, suffix=""):
    """A Go file that compiles for GOARCH=386 only if gc's 386 layout of
    each type equals `truth` (numbers measured on arm): Sizeof, Alignof and
    the offset of every field that can be named.  Go programs cannot run
    here for 386 (no IA32 kernel support; qemu-i386 7.2 crashes the Go
    runtime in its first function), but unsafe.Sizeof/Alignof/Offsetof are
    compile-time constants, and a negative uintptr constant is a compile
    error: two subtractions per number make the compiler check equality.
    A pointer to each value is also kept so that its type reaches the
    binary's DWARF, which audit then reads (audit_truth_binaries)."""
    out = [GO_IMPORTS, GO_USE_IMPORTS, "var keep386 []any\n\nfunc check386() {\n"]
    for k, t in enumerate(types):
        tr = truth[t.name]
        v = "v%d" % k
        out.append("\tvar %s %s%s\n\tkeep386 = append(keep386, &%s)\n" % (v, t.name, suffix, v))
        nums = [("unsafe.Sizeof(%s)" % v, tr["size"]), ("unsafe.Alignof(%s)" % v, tr["align"])]
        for f, tf in zip(t.fields, tr.get("fields") or []):
            if f.name and f.name != "_" and f.name.isidentifier() and tf.get("name") == f.name:
                nums.append(("unsafe.Offsetof(%s.%s)" % (v, f.name), tf["offset"]))
        for expr, n in nums:
            out.append("\tconst _ uintptr = %s - %d\n\tconst _ uintptr = %d - %s\n"
                       % (expr, n, n, expr))
    out.append("}\n\nfunc main() { check386() }\n")
    return "".join(out)


def go_opt_decls(types, orders):
    out = [GO_IMPORTS, GO_USE_IMPORTS]
    for t in types:
        order = orders.get(t.name)
        if order is None:
            continue
        body = "".join("\t%s\n" % t.fields[i].text for i in order)
        out.append("type %s_opt struct {\n%s}\n" % (t.name, body))
    return "\n".join(out)


# ----------------------------------------------------------------- C side

# (spelling, size, align): the same on SysV x86-64 and AAPCS64 (char's
# signedness differs, which no layout depends on).
C_SCALARS = [("char", 1, 1), ("signed char", 1, 1), ("unsigned char", 1, 1),
             ("short", 2, 2), ("unsigned short", 2, 2), ("short int", 2, 2),
             ("int", 4, 4), ("unsigned int", 4, 4), ("unsigned", 4, 4),
             ("long", 8, 8), ("unsigned long", 8, 8), ("long int", 8, 8),
             ("long long", 8, 8), ("unsigned long long", 8, 8), ("_Bool", 1, 1),
             ("float", 4, 4), ("double", 8, 8), ("long double", 16, 16),
             ("__int128", 16, 16), ("unsigned __int128", 16, 16),
             ("float _Complex", 8, 4), ("double _Complex", 16, 8),
             ("long double _Complex", 32, 16)]
# <stdint.h> names: calc knows them without an #include (structalign(1)).
C_STDINT = [("int8_t", 1, 1), ("uint8_t", 1, 1), ("int16_t", 2, 2), ("uint16_t", 2, 2),
            ("int32_t", 4, 4), ("uint32_t", 4, 4), ("int64_t", 8, 8), ("uint64_t", 8, 8),
            ("intptr_t", 8, 8), ("uintptr_t", 8, 8)]
C_BITBASE = [("char", 8), ("signed char", 8), ("unsigned char", 8), ("short", 16),
             ("unsigned short", 16), ("int", 32), ("unsigned int", 32),
             ("signed int", 32), ("unsigned", 32), ("long long", 64),
             ("unsigned long long", 64), ("long", 64), ("_Bool", 1)]
# ILP32 (i386 SysV, ARM EABI): long and pointers are 4 bytes, no __int128.
# The size/align columns are only the generator's size estimates.
C_SCALARS_32 = [s for s in C_SCALARS if "__int128" not in s[0]]
C_STDINT_32 = [s if not s[0].startswith(("intptr", "uintptr")) else (s[0], 4, 4)
               for s in C_STDINT]
C_BITBASE_32 = [b if b[0] not in ("long", "unsigned long") else (b[0], 32)
                for b in C_BITBASE]
C_FUNCPTRS = ["int (*%s)(int, void *)", "void (*%s)(void)", "double (*%s[2])(double)",
              "char *(*%s)(const char *, ...)"]
C_ALIGNS = [1, 2, 4, 8, 16, 32, 64]
C_MAX_EST = 4096       # records larger than this are not nested by value


class CGen:
    """Random C declarations (gnu11, GCC).  Covers: every integer type,
    _Bool, float, double, long double, __int128, GCC vectors, pointers, function
    pointers, arrays (multi-dimensional), enums (tagged and typedef'd),
    scalar typedefs, earlier records by value and in arrays (through their
    tag or a typedef), unions, C11 anonymous struct/union members, members
    of unnamed record type, named records defined inside a member
    declaration, bit-fields (named, unnamed, zero-width, widths 1..type
    width, char/short/int/long/long long/_Bool, runs that straddle units,
    packed and aligned bit-fields), packed and aligned(N) on records and
    members (before or after), _Alignas(N) on members, grouped declarators,
    flexible array members."""

    def __init__(self, rng, count, ilp32=False):
        self.rng = rng
        self.count = count
        self.scalars = C_SCALARS_32 if ilp32 else C_SCALARS
        self.stdint = C_STDINT_32 if ilp32 else C_STDINT
        self.bitbase = C_BITBASE_32 if ilp32 else C_BITBASE
        self.units = []
        self.types = []
        self.records = []      # (ref, align or None, deps, size bound): by value
        self.ptr_targets = []  # record refs usable behind a pointer
        self.enums = []
        self.scalar_typedefs = []   # (name, size, align)
        self.next_tag = 0
        self.twins = 0

    def gen(self):
        r = self.rng
        for i in range(max(2, self.count // 25)):
            vals = ", ".join("E%d_%d%s" % (i, j, " = %d" % r.randrange(100) if r.random() < 0.3 else "")
                             for j in range(r.randrange(1, 5)))
            if r.random() < 0.3:
                name = "TE%d" % i
                text = "typedef enum { %s } %s;" % (vals, name)
                self.enums.append((name, name))
            else:
                name = "E%d" % i
                text = "enum %s { %s };" % (name, vals)
                self.enums.append(("enum " + name, name))
            self.units.append(Unit(text, [name], []))
        for i, (t, size, align) in enumerate(
                [("unsigned long long", 8, 8), ("int", 4, 4), ("unsigned char", 1, 1),
                 ("double", 8, 8)]):
            name = "dt%d_t" % i
            self.units.append(Unit("typedef %s %s;" % (t, name), [name], []))
            self.scalar_typedefs.append((name, size, align))
        self.units.append(Unit("typedef short dtarr_t[3];", ["dtarr_t"], []))
        self.scalar_typedefs.append(("dtarr_t", 6, 2))
        # GCC vector types, aligned by the target's vector rule rather than
        # like their elements: to their size on x86 (but 4 for 8-byte
        # integer vectors on i386), at most 16 on arm64 and 8 on arm.
        for i, (t, n) in enumerate([("int", 16), ("float", 32), ("char", 8), ("double", 64),
                                    ("short", 4), ("float", 8), ("long long", 16)]):
            name = "dv%d_t" % i
            self.units.append(Unit("typedef %s %s __attribute__((vector_size(%d)));" % (t, name, n),
                                   [name], []))
            self.scalar_typedefs.append((name, n, min(n, 16)))
        for i in range(self.count):
            self.gen_top(i)
        return self

    # -- helpers

    def tag(self, prefix):
        name = "%s%d" % (prefix, self.next_tag)
        self.next_tag += 1
        return name

    def record_attrs(self, can_pack=True):
        """Attributes for a record: (before-the-tag text, after-the-brace text)."""
        r = self.rng
        attrs = []
        if can_pack and r.random() < 0.15:
            attrs.append("packed")
        if r.random() < 0.12:
            attrs.append("aligned(%d)" % r.choice(C_ALIGNS))
        if not attrs:
            return "", ""
        text = "__attribute__((%s))" % ", ".join(attrs)
        if r.random() < 0.5:
            return text + " ", ""
        return "", " " + text

    def scalar(self):
        r = self.rng
        roll = r.random()
        if roll < 0.1:
            return r.choice(self.scalar_typedefs)
        if roll < 0.15:
            return r.choice(self.stdint)
        return r.choice(self.scalars)

    # -- members

    class Ctx:
        def __init__(self, selfref):
            self.k = 0
            self.deps = set()
            self.selfref = selfref  # "struct S3" or None
            self.inline = []        # TypeDecls defined inside members

        def name(self):
            self.k += 1
            return "m%d" % self.k

    def members(self, ctx, depth, kind, top):
        """A member list: list of (line text, [Field]).  Guarantees one named
        member (anonymous members are probed through it; a struct with no
        named member is an error with a flexible array)."""
        r = self.rng
        n = weighted(r, [(1, 10), (2, 12), (3, 12), (4, 12), (5, 10), (6, 8), (8, 6),
                         (10, 3), (14, 2)])
        if depth > 0:
            n = min(n, 4)
        out = []
        while len(out) < n:
            out.extend(self.member(ctx, depth, top))
        if not any(f.name for _, fs in out for f in fs):
            nm = ctx.name()
            out.append(("int %s;" % nm, [Field(nm, "int %s;" % nm)]))
        if top and kind == "struct" and r.random() < 0.15:
            out.append(self.fam(ctx))
        return out

    def fam(self, ctx):
        r = self.rng
        nm = ctx.name()
        small = self.small_records()
        if small and r.random() < 0.2:
            ref, _, deps, _ = r.choice(small)
            ctx.deps |= deps
            t = ref
        else:
            t = self.scalar()[0]
        attr = " __attribute__((aligned(%d)))" % r.choice(C_ALIGNS) if r.random() < 0.15 else ""
        text = "%s %s[]%s;" % (t, nm, attr)
        f = Field(nm, text, "fam")
        f.est = 64
        return (text, [f])

    def small_records(self):
        """Records small enough to nest by value (nesting could otherwise
        grow sizes geometrically)."""
        return [rec for rec in self.records if rec[3] <= C_MAX_EST]

    def member(self, ctx, depth, top):
        r = self.rng
        opts = [("scalar", 25), ("ptr", 6), ("funcptr", 3), ("array", 10), ("enum", 4),
                ("bitfields", 12), ("group", 3)]
        small = self.small_records()
        if small:
            opts += [("record", 8), ("recarr", 3)]
        if depth < 2:
            opts += [("anon", 5), ("unnamedtype", 3)]
        if top:
            opts.append(("inline", 2))
        kind = weighted(r, opts)
        if kind == "bitfields":
            return self.bitfields(ctx)
        if kind == "group":
            t, _, _ = self.scalar()
            names = [ctx.name() for _ in range(r.randrange(2, 4))]
            decls = [r.choice(["%s", "*%s", "%s[2]", "%s[3]"]) % nm for nm in names]
            text = "%s %s;" % (t, ", ".join(decls))
            fs = [Field(nm, "%s %s;" % (t, d)) for nm, d in zip(names, decls)]
            for f in fs:
                f.est = 64
            return [(text, fs)]
        if kind in ("anon", "unnamedtype", "inline"):
            return [self.nested(ctx, depth, kind)]
        nm = ctx.name()
        natural = None      # alignment when known (for _Alignas)
        est = 16
        if kind == "scalar":
            t, _, natural = self.scalar()
            decl = "%s %s" % (t, nm)
        elif kind == "ptr":
            targets = [s[0] for s in self.scalars[:8]] + ["void", "const char"]
            if self.ptr_targets and r.random() < 0.4:
                targets = self.ptr_targets
            if ctx.selfref and r.random() < 0.2:
                targets = [ctx.selfref]
            t = r.choice(targets)
            if t in self.ptr_targets:
                ctx.deps.add(t.split()[-1])
            decl = "%s *%s" % (t, nm)
            natural = 8
        elif kind == "funcptr":
            decl = r.choice(C_FUNCPTRS) % nm
            natural = 8
        elif kind == "array":
            t, _, natural = self.scalar()
            est = r.randrange(1, 6)
            dims = "[%d]" % est
            if r.random() < 0.3:
                d = r.randrange(1, 4)
                dims += "[%d]" % d
                est *= d
                if r.random() < 0.3:
                    d = r.randrange(1, 3)
                    dims += "[%d]" % d
                    est *= d
            est *= 16
            decl = "%s %s%s" % (t, nm, dims)
        elif kind == "enum":
            ref, ename = r.choice(self.enums)
            ctx.deps.add(ename)
            decl = "%s %s" % (ref, nm)
            natural = 4
        else:
            ref, natural, deps, est = r.choice(small)
            ctx.deps |= deps
            decl = "%s %s" % (ref, nm)
            if kind == "recarr":
                d = r.randrange(1, 4)
                decl += "[%d]" % d
                est *= d
        text = self.member_attrs(decl, natural) + ";"
        f = Field(nm, text)
        f.est = est + 64
        return [(text, [f])]

    def member_attrs(self, decl, natural):
        r = self.rng
        attrs = []
        if r.random() < 0.08:
            attrs.append("packed")
        if r.random() < 0.08:
            attrs.append("aligned(%d)" % r.choice(C_ALIGNS))
        if attrs:
            a = "__attribute__((%s))" % ", ".join(attrs)
            decl = "%s %s" % (a, decl) if r.random() < 0.3 else "%s %s" % (decl, a)
        if natural is not None and r.random() < 0.06:
            # _Alignas may not weaken: never below the type's alignment.
            n = r.choice([a for a in C_ALIGNS if a >= natural])
            decl = "_Alignas(%d) %s" % (n, decl)
        return decl

    def bitfields(self, ctx):
        """A run of 1..6 bit-fields, some unnamed or zero-width."""
        r = self.rng
        out = []
        for _ in range(r.randrange(1, 7)):
            base, bits = r.choice(self.bitbase)
            roll = r.random()
            if roll < 0.1 and base != "_Bool":
                text = "%s : 0;" % base
                out.append((text, [Field("", text, "unnamed", 0, base)]))
                continue
            width = r.randrange(1, bits + 1)
            if r.random() < 0.5:
                width = min(bits, r.choice([1, 2, 3, bits // 2 or 1, bits - 1 or 1, bits]))
            attr = ""
            if r.random() < 0.06:
                attr = " __attribute__((packed))"
            elif r.random() < 0.03:
                attr = " __attribute__((aligned(%d)))" % r.choice(C_ALIGNS)
            if roll < 0.22:
                text = "%s : %d%s;" % (base, width, attr)
                out.append((text, [Field("", text, "unnamed", width, base)]))
                continue
            nm = ctx.name()
            text = "%s %s : %d%s;" % (base, nm, width, attr)
            out.append((text, [Field(nm, text, "bitfield", width, base)]))
        if len(out) >= 2 and r.random() < 0.2:
            # a grouped declarator line: `unsigned a : 3, b : 4;`
            base, bits = r.choice([b for b in self.bitbase if b[1] >= 8])
            names = [ctx.name(), ctx.name()]
            widths = [r.randrange(1, bits + 1), r.randrange(1, bits + 1)]
            text = "%s %s;" % (base, ", ".join("%s : %d" % nw for nw in zip(names, widths)))
            out.append((text, [Field(nm, "%s %s : %d;" % (base, nm, w), "bitfield", w, base)
                               for nm, w in zip(names, widths)]))
        return out

    def nested(self, ctx, depth, kind):
        """A member whose type is a record defined right there:
        anon         C11 anonymous member `struct { ... };`
        unnamedtype  `union { ... } m;`
        inline       `struct S12 { ... } m;` (S12 becomes a file-scope type)"""
        r = self.rng
        rkind = "union" if r.random() < 0.4 else "struct"
        before, after = self.record_attrs()
        if kind == "inline":
            tag = self.tag("S" if rkind == "struct" else "U")
            sub = CGen.Ctx(None)
            sub.k = 0
            mem = self.members(sub, 1, rkind, False)
            ctx.deps |= sub.deps
            body = " ".join(t for t, _ in mem)
            head = "%s %s%s" % (rkind, before, tag)
            nm = ctx.name()
            td = TypeDecl("c", tag, rkind, "%s %s" % (rkind, tag),
                          [f for _, fs in mem for f in fs],
                          "%s { %s }%s" % (head, body, after))
            td.est = estimate(mem)
            td.opt_head = "%s %s%s__opt" % (rkind, before, tag)
            td.opt_tail = after + ";"
            ctx.inline.append(td)
            text = "%s { %s }%s %s;" % (head, body, after, nm)
            # Declared again elsewhere, the member must not redefine the tag.
            f = Field(nm, "%s %s %s;" % (rkind, tag, nm))
            f.est = td.est
            return (text, [f])
        mem = self.members(ctx, depth + 1, rkind, False)
        body = " ".join(t for t, _ in mem)
        head = "%s %s{ %s }%s" % (rkind, before, body, after)
        if kind == "unnamedtype":
            nm = ctx.name()
            text = "%s %s;" % (head, nm)
            f = Field(nm, text)
            f.est = estimate(mem)
            return (text, [f])
        text = head + ";"
        f = Field("", text, "anon")
        f.est = estimate(mem)
        self.twins += 1
        f.twin = "dt_twin%d" % self.twins
        f.twin_text = "%s %s%s { %s }%s;" % (rkind, before, f.twin, body, after)
        f.probe = probe([fl for _, fs in mem for fl in fs])
        return (text, [f])

    def gen_top(self, i):
        r = self.rng
        rkind = "union" if r.random() < 0.2 else "struct"
        typedef = r.random() < 0.25
        before, after = self.record_attrs()
        if typedef:
            name = "T%d" % i
            ref = name
        else:
            name = self.tag("S" if rkind == "struct" else "U")
            ref = "%s %s" % (rkind, name)
        ctx = CGen.Ctx(None if typedef else ref)
        mem = self.members(ctx, 0, rkind, True)
        fields = [f for _, fs in mem for f in fs]
        body = "".join("    %s\n" % t for t, _ in mem)
        if typedef:
            text = "typedef %s %s{\n%s}%s %s;" % (rkind, before, body, after, name)
            opt_head = "typedef %s %s" % (rkind, before)
            opt_tail = "%s %s__opt;" % (after, name)
        else:
            text = "%s %s%s {\n%s}%s;" % (rkind, before, name, body, after)
            opt_head = "%s %s%s__opt" % (rkind, before, name)
            opt_tail = after + ";"
        td = TypeDecl("c", name, rkind, ref, fields, text)
        td.opt_head = opt_head
        td.opt_tail = opt_tail
        unit = len(self.units)
        deps = set(ctx.deps)
        deps.discard(name)
        defines = [name] + [t.name for t in ctx.inline]
        extra = ""
        alias = None
        if not typedef and r.random() < 0.2:
            alias = "%s_t" % name
            extra = "\ntypedef %s %s;" % (ref, alias)
            defines.append(alias)
        self.units.append(Unit(text + extra, defines, deps))
        for t in ctx.inline:
            t.unit = unit
            self.types.append(t)
            self.records.append((t.ref, None, {name}, t.est))
        td.unit = unit
        self.types.append(td)
        has_fam = any(f.kind == "fam" for f in fields)
        if not typedef:
            self.ptr_targets.append(ref)
        if not has_fam:
            self.records.append((alias or ref, None, {name}, estimate(mem)))

    def file_text(self, units=None):
        units = self.units if units is None else units
        return "/* generated by difftest.py */\n\n" + "\n\n".join(u.text for u in units) + "\n"


def estimate(members):
    """A rough upper bound of a member list's bytes (padding included)."""
    return 2 * sum(f.est for _, fs in members for f in fs) + 64


def probe(fields):
    """A named member reachable from an anonymous member's scope, preferring
    one that is not a bit-field: (name, is_bitfield) or None."""
    best = None
    for f in fields:
        if f.kind in ("plain", "fam") and f.name:
            return (f.name, False)
        if f.kind == "bitfield" and best is None:
            best = (f.name, True)
        if f.kind == "anon" and f.probe:
            if not f.probe[1]:
                return f.probe
            if best is None:
                best = f.probe
    return best


C_MAIN_HEAD = r'''#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "decls.h"

/* Absolute position of the set bits in the object at p: the object was
 * zeroed and one bit-field set to all ones.  Both targets are little-endian:
 * bit b of byte i is bit 8*i+b of the object. */
static int comma;

static long low_bit(const unsigned char *p, size_t n, long *count, long *high)
{
    long lo = -1;
    *count = 0;
    *high = -1;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            if (p[i] >> b & 1) {
                if (lo < 0)
                    lo = (long)(8 * i + b);
                *high = (long)(8 * i + b);
                (*count)++;
            }
    return lo;
}

static void sep(void)
{
    if (comma)
        putchar(',');
    comma = 1;
}

static void head(const char *name, size_t size, size_t align)
{
    printf("{\"name\":\"%s\",\"size\":%zu,\"align\":%zu,\"fields\":[", name, size, align);
    comma = 0;
}

static void plain(const char *name, const char *kind, size_t off, long size, size_t align)
{
    sep();
    printf("{\"name\":\"%s\",\"kind\":\"%s\",\"offset\":%zu,\"size\":%ld,\"align\":%zu}",
           name, kind, off, size, align);
}

static void bits(const char *name, const void *obj, size_t n, long width, size_t tsize)
{
    long count, high, lo = low_bit(obj, n, &count, &high);
    sep();
    if (lo < 0 || count != width || high - lo + 1 != width) {
        printf("{\"name\":\"%s\",\"kind\":\"error\",\"error\":\"bits %ld..%ld, %ld set, width %ld\"}",
               name, lo, high, count, width);
        return;
    }
    printf("{\"name\":\"%s\",\"kind\":\"bitfield\",\"offset\":%ld,\"size\":%zu,"
           "\"bit_offset\":%ld,\"bit_size\":%ld}", name, lo / 8, tsize, lo, width);
}

static void unnamed(long width)
{
    sep();
    printf("{\"name\":\"\",\"kind\":\"unnamed\",\"bit_size\":%ld}", width);
}

static void anon_bits(const void *obj, size_t n, const void *twin, size_t tn, size_t tsize)
{
    long c, h, a = low_bit(obj, n, &c, &h), b = low_bit(twin, tn, &c, &h);
    sep();
    printf("{\"name\":\"\",\"kind\":\"anon\",\"offset\":%ld,\"size\":%zu}", (a - b) / 8, tsize);
}

static void tail(void)
{
    printf("]}\n");
}

int main(void)
{
'''


def c_main(types, twins):
    """The truth program: per type one block printing a JSON line."""
    # A type's alignment is where GCC places it in a record: C11's _Alignof
    # reports less for records holding x86 vectors wider than 16 bytes
    # (GCC's min_align_of_type caps at BIGGEST_ALIGNMENT: 16 without -mavx)
    # while such a record, nested, sits at its full 32 or 64.
    probes = ["struct sa_probe_%s { char c; %s x; };" % (t.name, t.ref) for t in types]
    out = [C_MAIN_HEAD.replace('#include "decls.h"',
                               '#include "decls.h"\n\n' + "\n".join(twins + probes))]
    for t in types:
        R = t.ref
        b = ['    {\n        static %s v;\n        (void)v;\n' % R,
             '        head("%s", sizeof(%s), offsetof(struct sa_probe_%s, x));\n'
             % (t.name, R, t.name)]
        for f in t.fields:
            if f.kind == "plain":
                b.append('        plain("%s", "plain", offsetof(%s, %s), (long)sizeof(((%s *)0)->%s), '
                         '__alignof__(((%s *)0)->%s));\n' % (f.name, R, f.name, R, f.name, R, f.name))
            elif f.kind == "fam":
                b.append('        plain("%s", "fam", offsetof(%s, %s), -1, __alignof__(((%s *)0)->%s));\n'
                         % (f.name, R, f.name, R, f.name))
            elif f.kind == "bitfield":
                b.append('        memset(&v, 0, sizeof v);\n        v.%s = -1;\n'
                         '        bits("%s", &v, sizeof v, %d, sizeof(%s));\n'
                         % (f.name, f.name, f.width, f.base))
            elif f.kind == "unnamed":
                b.append('        unnamed(%d);\n' % f.width)
            elif f.kind == "anon":
                p, isbit = f.probe
                tw = "struct " + f.twin if f.twin_text.startswith("struct") else "union " + f.twin
                if not isbit:
                    b.append('        plain("", "anon", offsetof(%s, %s) - offsetof(%s, %s), '
                             '(long)sizeof(%s), 0);\n' % (R, p, tw, p, tw))
                else:
                    b.append('        {\n            static %s w;\n'
                             '            memset(&v, 0, sizeof v);\n            v.%s = -1;\n'
                             '            memset(&w, 0, sizeof w);\n            w.%s = -1;\n'
                             '            anon_bits(&v, sizeof v, &w, sizeof w, sizeof w);\n'
                             '        }\n' % (tw, p, p))
        b.append('        tail();\n    }\n')
        out.append("".join(b))
    out.append("    return 0;\n}\n")
    return "".join(out)


def c_opt_main(types, orders):
    decls = []
    emits = []
    for t in types:
        order = orders.get(t.name)
        if order is None:
            continue
        body = " ".join(t.fields[i].text for i in order)
        decls.append("%s { %s }%s" % (t.opt_head, body, t.opt_tail))
        R = t.ref.replace(t.name, t.name + "__opt")
        emits.append('    printf("{\\"name\\":\\"%s\\",\\"size\\":%%zu,\\"align\\":%%zu}\\n", '
                     'sizeof(%s), _Alignof(%s));\n' % (t.name, R, R))
    return ('#include <stdio.h>\n#include <stdint.h>\n#include "decls.h"\n\n' + "\n".join(decls) +
            "\n\nint main(void)\n{\n" + "".join(emits) + "    return 0;\n}\n")


# ---------------------------------------------------------------- helpers

def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def run(cmd, cwd, env=None, timeout=600):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def must(cmd, cwd, what, env=None):
    rc, out, err = run(cmd, cwd, env)
    if rc != 0:
        raise Fail("%s failed (exit %d): %s\n%s" % (what, rc, " ".join(cmd), (err or out)[-4000:]))
    return out


def parse_lines(text, what):
    res = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError as e:
            raise Fail("%s printed bad JSON (%s): %s" % (what, e, line[:200]))
        res[d["name"]] = d
    return res


def check_tools(langs, arches):
    need = []
    if "go" in langs:
        need += [("go", "go")]
    for a in arches:
        if "c" in langs:
            need += [(CC[a][0], CC_PKG[a])]
        if RUNNER[a]:
            need += [(RUNNER[a][0], "qemu-user")]
    for exe, pkg in need:
        if shutil.which(exe) is None:
            raise Skip("%s not found (Debian package %s); cannot get the truth" % (exe, pkg))


class Builder:
    """Compiles and runs the truth programs in the work directory."""

    def __init__(self, work, jobs):
        self.work = work
        self.jobs = jobs
        env = dict(os.environ)
        env.update({"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GO111MODULE": "on",
                    "GOWORK": "off", "CGO_ENABLED": "0",
                    "GOPATH": os.path.join(work, "gopath")})
        # The user's cache: a cold one costs half a minute (the runtime and
        # reflect for arm64).
        env["GOCACHE"] = salib.go_user_cache(os.path.join(work, "gocache"))
        self.env = env

    def go_module(self, name, files):
        """The directory of Go program name: files {name: text} and a
        go.mod without requirements."""
        d = os.path.join(self.work, name)
        salib.write_tree(d, {"go.mod": "module difftest\n\ngo 1.19\n", **files})
        return d

    def go(self, name, files, arches=ARCHES):
        """Builds a Go program from files {name: text} for both arches and
        returns {arch: stdout}."""
        d = self.go_module(name, files)

        def one(arch):
            env = dict(self.env, GOARCH=arch, GOOS="linux")
            exe = "./prog-" + arch
            must(["go", "build", "-o", exe, "."], d, "go build (%s, %s)" % (name, arch), env)
            return must(RUNNER[arch] + [exe], d, "running %s/%s" % (name, arch))
        with ThreadPoolExecutor(self.jobs) as ex:
            res = dict(zip(arches, ex.map(one, arches)))
        return res

    def go_compile(self, name, files, arch):
        """Builds a Go program for arch without running it (compile-time
        checks); raises Fail with the compiler's errors."""
        d = self.go_module(name, files)
        env = dict(self.env, GOARCH=arch, GOOS="linux")
        must(["go", "build", "-gcflags=-e", "-o", "./prog-" + arch, "."], d,
             "go build (%s, %s)" % (name, arch), env)

    def c(self, name, files, arches=ARCHES):
        d = os.path.join(self.work, name)
        os.makedirs(d, exist_ok=True)
        for fn, text in files.items():
            with open(os.path.join(d, fn), "w") as f:
                f.write(text)

        def one(arch):
            exe = "./prog-" + arch
            must(CC[arch] + ["-std=gnu11", "-w", "-O0", "-g", "-o", exe, "main.c"], d,
                 "compiling %s for %s" % (name, arch))
            return must(RUNNER[arch] + [exe], d, "running %s/%s" % (name, arch))
        with ThreadPoolExecutor(self.jobs) as ex:
            res = dict(zip(arches, ex.map(one, arches)))
        return res


# ------------------------------------------------------------ our tool

def run_calc(tool, lang, arch, path, cwd):
    """Runs calc; returns ({name: type}, error text or None)."""
    cmd = [tool, "calc", "--lang", lang, "--arch", arch, "--format", "json", "-f", path]
    try:
        rc, out, err = run(cmd, cwd, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {}, "%s: %s" % (" ".join(cmd), e)
    if rc != 0:
        return {}, "%s: exit %d: %s" % (" ".join(cmd), rc, (err.strip() or out.strip())[:2000])
    try:
        doc = json.loads(out)
        types = {t["name"]: t for t in doc["types"]}
    except (ValueError, KeyError, TypeError) as e:
        return {}, "%s: output is not the documented JSON (%s): %s" % (" ".join(cmd), e, out[:300])
    return types, None


def closure(units, unit_index):
    """Indices of the units unit_index needs, itself included, in order."""
    by_name = {}
    for i, u in enumerate(units):
        for n in u.defines:
            by_name[n] = i
    need = {unit_index}
    todo = [unit_index]
    while todo:
        for n in units[todo.pop()].deps:
            j = by_name.get(n)
            if j is not None and j not in need:
                need.add(j)
                todo.append(j)
    return sorted(need)


def ours_for(tool, gen, lang, arch, work, log):
    """Our JSON for every type.  When calc fails on the whole file, each type
    is tried alone (with what it needs) so one unsupported declaration does
    not hide the rest; the failures are returned per type."""
    ext = "go" if lang == "go" else "h"
    path = os.path.join(work, "calc-%s.%s" % (arch, ext))
    with open(path, "w") as f:
        f.write(gen.file_text())
    types, err = run_calc(tool, lang, arch, path, work)
    if err is None:
        return types, {}
    log("%s/%s: calc failed on the whole file; trying each type alone\n  %s"
        % (lang, arch, err.replace("\n", "\n  ")))
    errors = {}
    last, same = None, 0
    d = os.path.join(work, "calc-%s-%s-alone" % (lang, arch))
    os.makedirs(d, exist_ok=True)
    for t in gen.types:
        if same >= 25:
            errors[t.name] = "not tried: calc failed the same way 25 times in a row"
            continue
        units = [gen.units[i] for i in closure(gen.units, t.unit)]
        p = os.path.join(d, "%s.%s" % (t.name, ext))
        with open(p, "w") as f:
            f.write(gen.file_text(units))
        got, e = run_calc(tool, lang, arch, p, d)
        if e is not None:
            failed_deps = sorted(n for i in closure(gen.units, t.unit) if i != t.unit
                                 for n in gen.units[i].defines if n in errors)
            if failed_deps:
                e = "(it needs %s, which failed alone) %s" % (", ".join(failed_deps), e)
            errors[t.name] = e
            key = e.split(":", 2)[-1][:60]
            same = same + 1 if key == last else 1
            last = key
            continue
        same = 0
        if t.name in got:
            types[t.name] = got[t.name]
    return types, errors


def inject(ours, lang, arch, injected):
    """--inject-fault: in three different types, bump one field offset by 1,
    the size by 8 and optimal_size by 1.  Records (lang, arch, type, what,
    field index) in injected, to be found among the reported mismatches."""
    todo = ["offset", "size", "optimal_size"]
    for name in sorted(ours):
        t = ours[name]
        if not todo:
            break
        if todo[0] == "offset":
            for i, f in enumerate(t.get("fields") or []):
                if f.get("name") and "bit_size" not in f and isinstance(f.get("offset"), int):
                    f["offset"] += 1
                    injected.append((lang, arch, name, "offset", i))
                    todo.pop(0)
                    break
        elif isinstance(t.get(todo[0]), int):
            t[todo[0]] += 8 if todo[0] == "size" else 1
            injected.append((lang, arch, name, todo.pop(0), None))
    for j in injected:
        if j[0] == lang and j[1] == arch:
            print("injected fault: %s/%s %s %s%s" % (j[0], j[1], j[2], j[3],
                                                     "" if j[4] is None else " of field %d" % j[4]))


# ---------------------------------------------------------- comparison

class Report:
    def __init__(self, max_decls):
        self.mismatches = []    # (lang, arch, type, field idx, what, text)
        self.shown = set()
        self.max_decls = max_decls
        self.lines = []

    def add(self, lang, arch, td, what, text, field=None, extra=None):
        self.mismatches.append((lang, arch, td.name if td else "-", field, what))
        print("MISMATCH %s/%s %s: %s" % (lang, arch, td.name if td else "-", text))
        if td is not None and (lang, td.name) not in self.shown and len(self.shown) < self.max_decls:
            self.shown.add((lang, td.name))
            print("  declaration:\n    " + td.decl.replace("\n", "\n    "))
        if extra and len(self.shown) < self.max_decls:
            print("  " + extra.replace("\n", "\n    "))


def compare_type(rep, lang, arch, td, truth, ours):
    """Compares one type; returns the number of fields compared and whether
    everything matched."""
    before = len(rep.mismatches)

    def bad(what, text, field=None):
        rep.add(lang, arch, td, what, text, field)

    for key in ("size", "align") + (("ptrdata",) if lang == "go" else ()):
        if ours.get(key) != truth[key]:
            bad(key, "%s: truth %s, ours %s" % (key, truth[key], ours.get(key)))
    if ours.get("kind") != td.kind:
        bad("kind", "kind: truth %s, ours %s" % (td.kind, ours.get("kind")))
    tf = truth["fields"]
    of = ours.get("fields")
    if not isinstance(of, list):
        bad("fields", "no fields array in our JSON")
        return 0, False
    if len(of) != len(tf):
        bad("nfields", "%d fields declared (truth), ours lists %d: %s"
            % (len(tf), len(of), [f.get("name") for f in of]))
        # Pair named fields by name; nothing else can be matched safely.
        byname = {f.get("name"): f for f in of if f.get("name")}
        pairs = [(i, t, byname.get(t["name"])) for i, t in enumerate(tf) if t["name"]]
    else:
        pairs = [(i, t, o) for i, (t, o) in enumerate(zip(tf, of))]
    compared = 0
    for i, t, o in pairs:
        label = "field %d %r" % (i, t["name"])
        if o is None:
            bad("field", "%s: missing from our JSON" % label, i)
            continue
        if t["kind"] == "unnamed":
            # Cannot be measured; at least it must be a bit-field of that width.
            if o.get("bit_size") != t["bit_size"]:
                bad("bit_size", "%s (unnamed bit-field): width %d, ours bit_size %s"
                    % (label, t["bit_size"], o.get("bit_size")), i)
            continue
        if t["kind"] == "error":
            bad("truth", "%s: could not measure: %s" % (label, t["error"]), i)
            continue
        compared += 1
        if o.get("name", None) != t["name"]:
            bad("name", "%s: ours is named %r" % (label, o.get("name")), i)
        keys = ["offset", "size", "align"]
        if t["kind"] == "bitfield":
            keys = ["offset", "size", "bit_offset", "bit_size"]
        elif t["kind"] == "anon":
            keys = ["offset", "size"]
        elif t["kind"] == "fam":
            keys = ["offset", "align"]
        for k in keys:
            if o.get(k) != t[k]:
                bad(k, "%s: %s truth %s, ours %s" % (label, k, t[k], o.get(k)), i)
    consistency(bad, td, ours)
    return compared, len(rep.mismatches) == before


def consistency(bad, td, o):
    """The JSON's own arithmetic, and the optimal order's shape."""
    fields = o.get("fields") or []
    holes = o.get("holes")
    try:
        hole_bytes = sum(h["size"] for h in holes)
        if o.get("padding") != hole_bytes + o["tail_padding"]:
            bad("padding", "padding %s != holes %d + tail_padding %s"
                % (o.get("padding"), hole_bytes, o.get("tail_padding")))
        if td.kind == "struct" and not td.has_bitfields():
            member_bytes = sum(f["size"] for f, d in zip(fields, td.fields) if d.kind != "fam")
            if member_bytes + hole_bytes + o["tail_padding"] != o["size"]:
                bad("sum", "members %d + holes %d + tail_padding %d != size %d"
                    % (member_bytes, hole_bytes, o["tail_padding"], o["size"]))
    except (KeyError, TypeError) as e:
        bad("schema", "holes/tail_padding/padding missing or malformed (%s)" % e)
    size, opt = o.get("size"), o.get("optimal_size")
    if "reclaimable" in o and isinstance(size, int) and isinstance(opt, int) \
            and o["reclaimable"] != size - opt:
        bad("reclaimable", "reclaimable %s != size %d - optimal_size %d"
            % (o["reclaimable"], size, opt))
    if "sum_members" in o and isinstance(o.get("padding"), int) and isinstance(size, int) \
            and o["sum_members"] + o["padding"] != size:
        bad("sum_members", "sum_members %s + padding %s != size %d"
            % (o["sum_members"], o["padding"], size))
    if isinstance(o.get("count"), int) and isinstance(size, int) and isinstance(opt, int):
        c = o["count"]
        want = (size * c, opt * c, (size - opt) * c)
        got = (o.get("bytes_now"), o.get("bytes_optimal"), o.get("bytes_saved"))
        if got != want:
            bad("bytes", "count %d: bytes_now/optimal/saved %s, expected %s" % (c, got, want))
    idx = o.get("optimal_index")
    if not isinstance(idx, list) or sorted(idx) != list(range(len(td.fields))):
        bad("optimal_index", "optimal_index %s is not a permutation of 0..%d"
            % (idx, len(td.fields) - 1))
        return
    names = o.get("optimal_order")
    if len(fields) == len(td.fields) and names != [fields[i].get("name") for i in idx]:
        bad("optimal_order", "optimal_order %s does not name the fields of optimal_index %s"
            % (names, idx))
    if not isinstance(o.get("optimal_size"), int) or o["optimal_size"] > o.get("size", -1):
        bad("optimal_size", "optimal_size %s > size %s" % (o.get("optimal_size"), o.get("size")))
    fam = [i for i, f in enumerate(td.fields) if f.kind == "fam"]
    if fam and idx[-1] != fam[0]:
        bad("fam", "the flexible array member (field %d) is not last in optimal_index %s"
            % (fam[0], idx))


def reordered_decl(td, order):
    """td declared again in the given order, as the opt programs do."""
    if td.lang == "go":
        return "type %s_opt struct {\n%s}" % (td.name, "".join("\t%s\n" % td.fields[i].text
                                                           for i in order))
    return "%s {\n%s}%s" % (td.opt_head, "".join("    %s\n" % td.fields[i].text for i in order),
                            td.opt_tail)


def compare_opt(rep, lang, arch, td, opt_truth, ours):
    ok = True
    idx = ours.get("optimal_index")
    extra = "in optimal_index order:\n" + reordered_decl(td, idx)
    if ours.get("optimal_size") != opt_truth["size"]:
        rep.add(lang, arch, td, "optimal_size",
                "optimal_size: declared in optimal_index order %s the compiler makes it %d bytes, "
                "ours says %s" % (idx, opt_truth["size"], ours.get("optimal_size")), extra=extra)
        ok = False
        extra = None
    if lang == "go" and ours.get("optimal_ptrdata") != opt_truth["ptrdata"]:
        rep.add(lang, arch, td, "optimal_ptrdata",
                "optimal_ptrdata: in optimal_index order %s the compiler's ptrdata is %d, "
                "ours says %s" % (idx, opt_truth["ptrdata"], ours.get("optimal_ptrdata")),
                extra=extra)
        ok = False
    return ok


# ----------------------------------------------------------------- main

def audit_truth_binaries(tool, b, rep, lang, gen, truth, arches, sfx=""):
    """`structalign audit` on the truth programs themselves: they were built
    with DWARF (Go by default, C with -g) and contain every generated type,
    so audit's layout of each type, read from the binary, must equal the
    compilers' truth too, and the model must reproduce the compiler's
    offsets (model_agrees).  Unnamed bit-fields are left out on both sides:
    GCC does not describe them in DWARF.  sfx names the word size's
    programs ("-32"); Go's 386 binary is the compile-time check (the truth
    measured on arm, which that compile confirmed).  Returns (passed,
    failed)."""
    passed = failed = 0
    for a in arches:
        d = "truth-go-386" if (lang, a) == ("go", "386") else "truth-" + lang + sfx
        exe = os.path.join(b.work, d, "prog-" + a)
        cmd = [tool, "audit", "--all", "--format", "json", "--lang", lang, exe]
        try:
            rc, out, err = run(cmd, b.work, timeout=300)
            doc = json.loads(out) if rc == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError) as e:
            rc, doc, err = -1, None, str(e)
        if doc is None:
            print("MISMATCH audit %s/%s: %s failed: exit %s %s" % (lang, a, " ".join(cmd), rc,
                                                                  err.strip()[:500]))
            failed += len(gen.types)
            continue
        if doc.get("arch") != a:
            print("MISMATCH audit %s/%s: binary read as %s" % (lang, a, doc.get("arch")))
            failed += 1
        prefix = "main." if lang == "go" else ""
        ours = {t["name"][len(prefix):]: t for t in doc.get("types", [])
                if t["name"].startswith(prefix)}
        before = len(rep.mismatches)
        nf = 0
        tally = {"open": 0, "open_differs": 0, "unexplained": 0}
        hidden = attributes_dwarf_lacks(gen.types) if lang == "c" else set()
        for t in gen.types:
            o = ours.get(t.name)
            if o is None:
                rep.add(lang, a, t, "audit-missing", "audit did not report %s%s" % (prefix, t.name))
                failed += 1
                continue
            n, ok = audit_compare(rep, lang, a, t, truth[a][t.name], o, tally, t.name in hidden)
            nf += n
            if ok:
                passed += 1
            else:
                failed += 1
        note = ""
        if lang == "c":
            note = ("; %d alignments DWARF leaves open (flagged align_inferred), %d of them "
                    "read otherwise than gcc's; %d records whose offsets the inference cannot "
                    "explain (model_agrees false, flagged)" % (tally["open"],
                                                               tally["open_differs"],
                                                               tally["unexplained"]))
        rep.lines.append("audit %s/%s: %d types read back from the binary's DWARF, %d fields "
                         "compared, %d mismatches%s" % (lang, a, len(gen.types), nf,
                                                       len(rep.mismatches) - before, note))
    return passed, failed


def attributes_dwarf_lacks(types):
    """Names of the C types whose layout depends, directly or through a type
    they contain, on what GCC does not write into DWARF: packed (on a record
    or a member), aligned(N) and _Alignas on members or typedefs, and unnamed
    bit-fields.  Only these may have offsets the inference cannot explain;
    every other record's model must agree with the compiler."""
    marked = {t.name for t in types
              if re.search(r"packed|aligned|_Alignas", t.decl)
              or any(f.kind == "unnamed" for f in t.fields)}
    refs = {t.name: set(re.findall(r"\b[A-Za-z_]\w*\b", t.decl)) for t in types}
    # A type is marked when it names a marked type, directly or through the
    # generator's typedef of it (NAME_t).
    changed = True
    while changed:
        changed = False
        names = marked | {n + "_t" for n in marked}
        for t in types:
            if t.name not in marked and refs[t.name] & names:
                marked.add(t.name)
                changed = True
    return marked


def member_attrs_dwarf_lacks(text):
    """A C member declared with packed, aligned(N) or _Alignas: GCC writes
    DW_AT_alignment for some of these but never `packed`, so the member's
    own alignment (its __alignof__) is not in DWARF; its offset is."""
    return re.search(r"packed|aligned|_Alignas", text) is not None


def audit_compare(rep, lang, arch, td, truth, ours, tally=None, dwarf_lacks_attrs=False):
    """One type as audit read it from DWARF against the compilers' truth:
    size, align, Go ptrdata, and every field GCC describes in DWARF (named
    members and anonymous records; unnamed bit-fields are not described).

    C alignment (issue #17): DWARF has no `packed` and no unnamed
    bit-fields, so a record's alignment is decided only by DW_AT_alignment
    or by offsets that one reading of the attributes explains.  Where
    another reading fits every offset and the size, audit must say so
    (align_inferred); a record alignment that differs from gcc's without it
    is a mismatch.  A record whose offsets the inference cannot explain
    must say that too (model_agrees false), and only a record using such
    attributes (dwarf_lacks_attrs) may be unexplained.  A member's own
    alignment is compared unless its declaration carries packed/aligned
    (its __alignof__ is then not in DWARF) or its record's alignment is
    open.  Sizes, offsets and bit offsets are always compared."""
    before = len(rep.mismatches)

    def bad(what, text, field=None):
        rep.add(lang, arch, td, "audit-" + what, "audit: " + text, field)

    inferred = lang == "c" and ours.get("align_inferred") is True
    unexplained = lang == "c" and ours.get("model_agrees") is False
    if tally is not None and inferred:
        tally["open"] += 1
        if ours.get("align") != truth["align"]:
            tally["open_differs"] += 1
    if tally is not None and unexplained:
        tally["unexplained"] += 1
    for key in ("size", "align") + (("ptrdata",) if lang == "go" else ()):
        if key == "align" and inferred:
            continue
        if ours.get(key) != truth[key]:
            bad(key, "%s: truth %s, ours %s%s" % (key, truth[key], ours.get(key),
                                                 " (not flagged align_inferred)"
                                                 if key == "align" and lang == "c" else ""))
    if unexplained and not dwarf_lacks_attrs:
        bad("model", "the model disagrees with the compiler: %s" % ours.get("model_mismatch"))
    tf = [f for f in truth["fields"] if f["kind"] not in ("unnamed", "error")]
    of = [f for f in ours.get("fields", []) if not (f.get("name") == "" and "bit_size" in f)]
    if len(tf) != len(of):
        bad("nfields", "%d fields in the truth, %d in audit's JSON: %s"
            % (len(tf), len(of), [f.get("name") for f in of]))
        return 0, False
    texts = {f.name: f.text for f in td.fields}
    for i, (t, o) in enumerate(zip(tf, of)):
        keys = ["offset", "size"]
        if t["kind"] == "bitfield":
            keys += ["bit_offset", "bit_size"]
        elif t["kind"] not in ("anon", "fam") and not inferred and not unexplained and \
                not member_attrs_dwarf_lacks(texts.get(t["name"], "")):
            keys += ["align"]
        if t["kind"] == "fam":
            keys = ["offset"]
        if o.get("name") != t["name"]:
            bad("name", "field %d: truth %r, ours %r" % (i, t["name"], o.get("name")), i)
        for k in keys:
            if o.get(k) != t[k]:
                bad(k, "field %d %r: %s truth %s, ours %s" % (i, t["name"], k, t[k], o.get(k)), i)
    return len(tf), len(rep.mismatches) == before


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare structalign's layouts with gc's and GCC's, on random "
                    "declarations, for amd64, arm64, 386 and arm.")
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    ap.add_argument("--count", type=int, default=500, help="types per language (default 500)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    ap.add_argument("--structalign", metavar="PATH", default=os.environ.get("STRUCTALIGN"),
                    help="the tool (default: $STRUCTALIGN)")
    ap.add_argument("--lang", choices=LANGS, action="append", help="only this language")
    ap.add_argument("--arch", choices=ARCHES, action="append", dest="arches",
                    help="only this architecture (repeatable; default all four)")
    ap.add_argument("--inject-fault", action="store_true",
                    help="perturb our JSON; the run must report exactly those faults")
    ap.add_argument("--no-audit", action="store_true",
                    help="do not audit the truth binaries (calc only)")
    ap.add_argument("--truth-only", action="store_true",
                    help="generate, compile and run the truth programs; no tool needed")
    ap.add_argument("--max-decls", type=int, default=20,
                    help="print the declaration of at most this many failing types")
    ap.add_argument("--jobs", type=int, default=2, help="parallel builds (default 2)")
    ap.add_argument("--go", metavar="VERSION",
                    help="the Go release whose compiler is the truth (1.19 ... 1.27, fetched "
                         "with tools/fetch-go; default: the go on PATH)")
    args = ap.parse_args(argv)
    if args.count < 1:
        ap.error("--count must be at least 1")
    langs = args.lang or list(LANGS)
    args.arches = args.arches or list(ARCHES)
    start = time.time()

    if args.go:
        try:
            os.environ.update(salib.go_env(args.go))
        except salib.Skip as e:
            print("SKIP: %s" % e)
            return SKIP
    if "go" in langs and shutil.which("go"):
        print("go: " + subprocess.run(["go", "version"], capture_output=True,
                                      text=True).stdout.strip())
    try:
        check_tools(langs, args.arches)
        if not args.truth_only:
            if not args.structalign:
                raise Skip("no tool: pass --structalign PATH or set STRUCTALIGN")
            if not os.access(args.structalign, os.X_OK):
                raise Fail("%s is not an executable" % args.structalign)
            args.structalign = os.path.abspath(args.structalign)
    except Skip as e:
        print("SKIP: %s" % e)
        return SKIP
    except Fail as e:
        print("FAIL: %s" % e)
        return 1

    if args.keep:
        work = os.path.abspath(args.keep)
        os.makedirs(work, exist_ok=True)
        print("work directory (kept): %s" % work)
    else:
        work = tempfile.mkdtemp(prefix="difftest.")
    try:
        return run_all(args, langs, work, start)
    except Fail as e:
        print("FAIL: %s" % e)
        print("0 passed, 1 failed")
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run_all(args, langs, work, start):
    b = Builder(work, args.jobs)
    # One generated set per word size: ILP32 C has no __int128 and 32-bit long.
    groups = [g for g in (tuple(a for a in ARCHES_64 if a in args.arches),
                          tuple(a for a in ARCHES_32 if a in args.arches)) if g]
    rep = Report(args.max_decls)
    injected = []
    passed = failed = 0
    for lang in langs:
        for arches in groups:
            ilp32 = arches[0] in ARCHES_32
            sfx = "-32" if ilp32 else ""
            rng = random.Random("%s:%d%s" % (lang, args.seed, ":ilp32" if ilp32 else ""))
            gen = (GoGen(rng, args.count, ilp32) if lang == "go"
                     else CGen(rng, args.count, ilp32)).gen()
            t0 = time.time()
            if lang == "go":
                decls = gen.file_text()
                run_arches = [a for a in arches if a != "386"]
                if "386" in arches and "arm" not in run_arches:
                    run_arches.append("arm")
                truth_out = b.go("truth-go" + sfx, {"decls.go": decls,
                                              "main.go": go_main(gen.types, "", True)},
                                   run_arches)
                if "386" in arches:
                    arm = parse_lines(truth_out["arm"], "truth-go/arm")
                    b.go_compile("truth-go-386", {"decls.go": decls,
                                                  "check.go": go_assert_386(gen.types, arm)},
                                 "386")
                    truth_out["386"] = truth_out["arm"]
            else:
                twins = [f.twin_text for t in gen.types for f in t.fields if f.kind == "anon"]
                decls = gen.file_text()
                truth_out = b.c("truth-c" + sfx, {"decls.h": decls, "main.c": c_main(gen.types, twins)},
                                  arches)
            truth = {a: parse_lines(truth_out[a], "truth-%s/%s" % (lang, a)) for a in arches}
            for a in arches:
                missing = [t.name for t in gen.types if t.name not in truth[a]]
                if missing:
                    raise Fail("truth-%s/%s printed no line for %s" % (lang, a, missing[:5]))
                for t in gen.types:
                    truth[a][t.name]["kind"] = t.kind
                with open(os.path.join(work, "truth-%s-%s.json" % (lang, a)), "w") as f:
                    json.dump({"types": [truth[a][t.name] for t in gen.types]}, f)
            nfields = sum(len(t.fields) for t in gen.types)
            print("%s: %d types, %d fields; truth for %s in %.1fs"
                  % (lang, len(gen.types), nfields, " and ".join(arches),
                     time.time() - t0))
            if args.truth_only:
                continue

            ours = {}
            errors = {}
            for a in arches:
                ours[a], errors[a] = ours_for(args.structalign, gen, lang, a, work, print)
                if args.inject_fault:
                    inject(ours[a], lang, a, injected)

            # The suggested orders, compiled.
            orders = {a: {} for a in arches}
            for a in arches:
                for t in gen.types:
                    o = ours[a].get(t.name)
                    idx = o.get("optimal_index") if o else None
                    if isinstance(idx, list) and sorted(idx) == list(range(len(t.fields))):
                        orders[a][t.name] = idx
            def build_opt(a):
                if lang == "go" and a == "386":
                    return None  # filled from arm below, checked at compile time
                if lang == "go":
                    outp = b.go("opt-go-" + a, {"decls.go": gen.file_text(),
                                                "opt.go": go_opt_decls(gen.types, orders[a]),
                                                "main.go": go_main([t for t in gen.types
                                                                    if t.name in orders[a]],
                                                                   "_opt", False)}, [a])
                else:
                    outp = b.c("opt-c-" + a, {"decls.h": gen.file_text(),
                                              "main.c": c_opt_main(gen.types, orders[a])}, [a])
                return parse_lines(outp[a], "opt-%s/%s" % (lang, a))
            with ThreadPoolExecutor(args.jobs) as ex:
                opt = dict(zip(arches, ex.map(build_opt, arches)))
            if lang == "go" and "386" in arches:
                # 386's suggested orders measured on arm, and the 386
                # compiler made to confirm every size (go_assert_386).
                sel = [t for t in gen.types if t.name in orders["386"]]
                files = {"decls.go": gen.file_text(),
                         "opt.go": go_opt_decls(gen.types, orders["386"])}
                outp = b.go("opt-go-386-on-arm", dict(files, **{
                    "main.go": go_main(sel, "_opt", False)}), ["arm"])
                opt["386"] = parse_lines(outp["arm"], "opt-go/386-on-arm")
                b.go_compile("opt-go-386", dict(files, **{
                    "check.go": go_assert_386(sel, opt["386"], "_opt")}), "386")

            for a in arches:
                nf = nm = 0
                before = len(rep.mismatches)
                missing = 0
                for t in gen.types:
                    o = ours[a].get(t.name)
                    if o is None:
                        why = errors[a].get(t.name, "calc did not report it")
                        missing += 1
                        if missing <= MAX_MISSING_SHOWN:
                            rep.add(lang, a, t, "missing", "not in our output: %s" % why)
                        else:
                            rep.mismatches.append((lang, a, t.name, None, "missing"))
                        failed += 1
                        continue
                    n, ok = compare_type(rep, lang, a, t, truth[a][t.name], o)
                    nf += n
                    if t.name in opt[a]:
                        ok = compare_opt(rep, lang, a, t, opt[a][t.name], o) and ok
                    if ok:
                        passed += 1
                    else:
                        failed += 1
                nm = len(rep.mismatches) - before
                if missing > MAX_MISSING_SHOWN:
                    print("MISMATCH %s/%s: ... and %d more types missing from our output"
                          % (lang, a, missing - MAX_MISSING_SHOWN))
                rep.lines.append("%s/%s: %d types, %d fields compared, %d mismatches"
                                 % (lang, a, len(gen.types), nf, nm))

            # audit reads the truth binaries of every arch (32-bit ELF too).
            if not args.no_audit and not args.inject_fault:
                p, f = audit_truth_binaries(args.structalign, b, rep, lang, gen, truth,
                                            arches, sfx)
                passed += p
                failed += f

    print("")
    kinds = {}
    for m in rep.mismatches:
        key = "%s/%s %s" % (m[0], m[1], m[4])
        kinds[key] = kinds.get(key, 0) + 1
    if kinds:
        print("mismatches by kind: " + ", ".join("%s: %d" % kv for kv in sorted(kinds.items())))
    for line in rep.lines:
        print(line)
    if args.inject_fault:
        seen = {(m[0], m[1], m[2], m[4], m[3]) for m in rep.mismatches}
        detected = sum(1 for j in injected if j in seen)
        print("fault injection: %d injected, %d detected" % (len(injected), detected))
        if not injected:
            print("FAIL: no fault could be injected: our tool produced no layouts")
            failed += 1
        elif detected != len(injected):
            print("FAIL: the harness missed injected faults: %s"
                  % [j for j in injected if j not in seen])
            failed += 1
    print("time: %.1fs" % (time.time() - start))
    print("%d passed, %d failed" % (passed, failed))
    if args.truth_only:
        return 0
    return 1 if failed or rep.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
