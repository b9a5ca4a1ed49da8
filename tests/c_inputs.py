#!/usr/bin/env python3
"""c_inputs.py - the inputs pahole reads besides linked programs (issue #17):
separate debug files, relocatable objects and static archives.

Truth: the compiler.  A program of three units prints sizeof, _Alignof and
every member's offsetof for each record (run natively, or under qemu for
arm64); the records read from each object (.o), from an archive of them
(.a) and from the stripped program's separate debug file must give those
numbers, and the same layouts and declaration places as the linked
program's own DWARF.  pahole (dwarves) read on each amd64 object must agree
on sizes, holes and padding: it applies relocations its own way (libdw).

Separate debug files (objcopy --only-keep-debug / --strip-debug /
--add-gnu-debuglink, and a DIR/.build-id/xx/rest.debug tree given with
--debug-dir) must read exactly as the unstripped program, through audit,
show and diff; a debug file of another build (CRC-32 or build ID), or none,
is exit 2 with the binary's path and the reason.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import salib

SA = os.environ.get("STRUCTALIGN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build", "cli", "structalign")

HEADER = r"""
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
struct pair { char c; long l; short s; };
struct bits { unsigned a : 3; unsigned b : 17; char c; unsigned long long d : 40; int e; };
typedef struct { char tag; double v; char u[3]; } anon_t;
struct nest { char k; union { int i; char c[5]; } u; struct { short s; char t; } in; long z; };
struct list { struct list *next; char flag; int64_t id; anon_t val; struct pair p[2]; };
"""
# (title, C type, members); titles as structalign names them.
RECORDS = [
    ("pair", "struct pair", ["c", "l", "s"]),
    ("bits", "struct bits", ["c", "e"]),
    ("anon_t", "anon_t", ["tag", "v", "u"]),
    ("nest", "struct nest", ["k", "u", "in", "z"]),
    ("list", "struct list", ["next", "flag", "id", "val", "p"]),
]
UNITS = {
    "a.c": '#include "t.h"\nstruct pair g_pair; struct bits g_bits; anon_t g_anon;\n'
           'int use_a(struct list *l) { return l->flag; }\n',
    "b.c": '#include "t.h"\nstruct nest g_nest; struct list g_list;\n'
           'struct only_b { char x; FILE *f; int y; } g_only_b;\n'
           'int use_b(struct pair *p) { return p->c; }\n',
}
TARGETS = salib.C_TARGETS


def main_unit():
    out = ['#include "t.h"', "#define AL(T) offsetof(struct { char c; T x; }, x)",
           "int use_a(struct list *); int use_b(struct pair *);",
           "int main(void) {", "    struct list l = {0}; struct pair p = {0};",
           "    use_a(&l); use_b(&p);"]
    for title, ctype, members in RECORDS:
        fmt = " ".join(["%zu"] * (2 + len(members)))
        args = ", ".join(["sizeof(%s)" % ctype, "AL(%s)" % ctype] +
                         ["offsetof(%s, %s)" % (ctype, m) for m in members])
        out.append('    printf("%s %s\\n", %s);' % (title, fmt, args))
    out += ["    return 0;", "}"]
    return "\n".join(out) + "\n"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def sa_json(*args):
    """structalign's JSON (None, with the failure printed, on a non-zero exit)."""
    p = run([SA] + list(args))
    if p.returncode != 0:
        print("structalign %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
        return None
    return json.loads(p.stdout)


def by_name(doc):
    return {t["name"]: t for t in doc["types"]} if doc else {}


def check_truth(tag, truth, types):
    """Each record's size, alignment and member offsets against gcc's."""
    fails = []
    for title, _, members in RECORDS:
        want = truth[title]
        t = types.get(title)
        if t is None:
            fails.append("%s: %s not read" % (tag, title))
            continue
        got = [t["size"], t["align"]] + [
            next((f["offset"] for f in t["fields"] if f.get("name") == m), -1) for m in members]
        if got != want:
            fails.append("%s %s: size, align, offsets %s; gcc %s" % (tag, title, got, want))
    return fails


def same_types(tag, got, ref, names=None):
    """The records named (default: all of ref) read alike: fields, size,
    place of declaration."""
    fails = []
    for name in names or sorted(ref):
        if name not in got:
            fails.append("%s: %s missing" % (tag, name))
        elif got[name] != ref[name]:
            fails.append("%s: %s differs from the linked program's:\n  %s\n  %s"
                         % (tag, name, json.dumps(got[name])[:400], json.dumps(ref[name])[:400]))
    return fails


def build(tmp, cc, flags, dwarf, out, objects_only=False):
    """Compiles the units; returns (objects, program or None)."""
    objs = []
    for name in sorted(UNITS) + ["main.c"]:
        o = os.path.join(tmp, "%s%s.o" % (name[:-2], out))
        run([cc, dwarf, "-O0", "-c", "-o", o, os.path.join(tmp, name)], check=True)
        objs.append(o)
    if objects_only:
        return objs, None
    exe = os.path.join(tmp, "prog" + out)
    run([cc] + flags + ["-o", exe] + objs, check=True)
    return objs, exe


def check_objects(tmp):
    fails = []
    pahole_compared = 0
    import audit_check  # parse_pahole: pahole's default output
    for arch, cc, flags, runner in TARGETS:
        if shutil.which(cc) is None or any(shutil.which(r) is None for r in runner):
            raise salib.Skip("%s not found" % (cc if shutil.which(cc) is None else runner[0]))
        for dwarf in ("-gdwarf-5", "-gdwarf-4"):
            tag = "%s %s" % (arch, dwarf)
            objs, exe = build(tmp, cc, flags, dwarf, "-%s%s" % (arch, dwarf[-1]))
            truth = {}
            for line in run(runner + [exe], check=True).stdout.splitlines():
                w = line.split()
                truth[w[0]] = [int(x) for x in w[1:]]
            linked = by_name(sa_json("audit", "--all", "--format", "json", exe))
            fails += check_truth(tag + " program", truth, linked)
            merged = {}
            for o in objs:
                got = by_name(sa_json("audit", "--all", "--format", "json", o))
                if not got:
                    fails.append("%s: nothing read from %s" % (tag, os.path.basename(o)))
                fails += same_types("%s %s" % (tag, os.path.basename(o)), got, linked,
                                    [n for n in got])
                merged.update(got)
                if arch == "amd64" and dwarf == "-gdwarf-5" and shutil.which("pahole"):
                    ph = audit_check.parse_pahole(run(["pahole", o], check=True).stdout)
                    for name, p in ph.items():
                        t = got.get(name)
                        if t is None or p["size"] is None:
                            continue
                        mine = (t["size"], len(t["holes"]), sum(h["size"] for h in t["holes"]),
                                t["tail_padding"])
                        theirs = (p["size"], p["holes"], p["sum_holes"], p["padding"])
                        if p["bitfields"]:
                            mine, theirs = mine[:1], theirs[:1]
                        pahole_compared += 1
                        if mine != theirs:
                            fails.append("%s %s %s: size/holes/sum/padding %s, pahole %s"
                                         % (tag, os.path.basename(o), name, mine, theirs))
            fails += check_truth(tag + " objects", truth, merged)
            # The archive: every member, a text file among them skipped
            # with a note.
            lib = os.path.join(tmp, "lib-%s%s.a" % (arch, dwarf[-1]))
            readme = os.path.join(tmp, "README")
            with open(readme, "w") as f:
                f.write("not an object\n")
            run(["ar", "rcs", lib] + objs[:2] + [readme, objs[2]], check=True)
            p = run([SA, "audit", "--all", "--format", "json", lib])
            if p.returncode != 0:
                fails.append("%s: archive: exit %d: %s" % (tag, p.returncode, p.stderr))
                continue
            if "skipped 1 of 4 archive members" not in p.stderr or "README" not in p.stderr:
                fails.append("%s: archive: no note of the README member: %r" % (tag, p.stderr))
            got = by_name(json.loads(p.stdout))
            fails += same_types(tag + " archive", got, linked)
            fails += check_truth(tag + " archive", truth, got)
            print("ok   %s: program, %d objects, archive (%d records)"
                  % (tag, len(objs), len(got)) if not fails else "...  %s" % tag)
    if shutil.which("pahole") and pahole_compared < 6:
        fails.append("only %d records compared with pahole" % pahole_compared)
    print("     pahole agrees on %d records of the amd64 objects" % pahole_compared)
    # clang's DWARF 5 objects name strings and addresses through
    # .debug_str_offsets and .debug_addr (DW_FORM_strx, addrx), whose
    # relocations gcc's objects do not exercise: the same offsets as gcc's
    # program, and the same names and places.
    if shutil.which("clang"):
        amd64 = {}
        for line in run([os.path.join(tmp, "prog-amd645")], check=True).stdout.splitlines():
            w = line.split()
            amd64[w[0]] = [int(x) for x in w[1:]]
        gcc_types = by_name(sa_json("audit", "--all", "--format", "json",
                                    os.path.join(tmp, "prog-amd645")))
        objs, _ = build(tmp, "clang", [], "-gdwarf-5", "-clang", objects_only=True)
        lib = os.path.join(tmp, "lib-clang.a")
        run(["ar", "rcs", lib] + objs, check=True)
        got = by_name(sa_json("audit", "--all", "--format", "json", lib))
        fails += check_truth("amd64 clang -gdwarf-5 archive", amd64, got)
        for name, t in got.items():
            g = gcc_types.get(name, {})
            if (t.get("decl_file"), t.get("decl_line"), [f["name"] for f in t["fields"]]) != \
                    (g.get("decl_file"), g.get("decl_line"), [f["name"] for f in g.get("fields", [])]):
                fails.append("clang archive: %s: place or member names differ from gcc's" % name)
        if len(got) != len(gcc_types):
            fails.append("clang archive: %d records, gcc's program %d" % (len(got), len(gcc_types)))
        print("ok   amd64 clang -gdwarf-5: archive of objects with .debug_str_offsets "
              "(%d records)" % len(got))
    else:
        print("note: clang not installed (Debian package clang): the .debug_str_offsets "
              "relocations of its objects are not checked")
    # Archives that cannot be read: thin, and without any ELF member.
    thin = os.path.join(tmp, "thin.a")
    run(["ar", "rcsT", thin, os.path.join(tmp, "a-amd645.o")], check=True)
    p = run([SA, "audit", thin])
    if p.returncode != 2 or not p.stderr.startswith(thin + ": a thin archive") \
            or "hint:" not in p.stderr:
        fails.append("thin archive: exit %d, %r" % (p.returncode, p.stderr))
    mixed = os.path.join(tmp, "mixed.a")
    run(["ar", "rcs", mixed, os.path.join(tmp, "a-amd645.o"), os.path.join(tmp, "b-3865.o")],
        check=True)
    p = run([SA, "audit", mixed])
    if p.returncode != 2 or "members for two machines: amd64 and 386" not in p.stderr:
        fails.append("archive of two machines: exit %d, %r" % (p.returncode, p.stderr))
    cut = os.path.join(tmp, "cut.a")
    with open(os.path.join(tmp, "lib-amd645.a"), "rb") as f:
        data = f.read()
    with open(cut, "wb") as f:
        f.write(data[:len(data) * 2 // 3])
    p = run([SA, "audit", cut])
    if p.returncode != 2 or not p.stderr.startswith(cut + ": corrupt archive: ") \
            or "hint:" not in p.stderr:
        fails.append("truncated archive: exit %d, %r" % (p.returncode, p.stderr))
    text = os.path.join(tmp, "text.a")
    run(["ar", "rcs", text, os.path.join(tmp, "README")], check=True)
    p = run([SA, "show", text, "pair"])
    if p.returncode != 2 or "no member of the archive is an ELF object" not in p.stderr:
        fails.append("archive of text: exit %d, %r" % (p.returncode, p.stderr))
    return fails


def check_debug_files(tmp):
    fails = []
    _, full = build(tmp, "gcc", [], "-g", "-dbg")
    ref = sa_json("audit", "--all", "--format", "json", full)
    ref_show = sa_json("show", "--format", "json", full, "list", "anon_t")
    d = os.path.join(tmp, "split")
    os.mkdir(d)
    stripped = os.path.join(d, "prog")
    debug = os.path.join(d, "prog.debug")
    run(["objcopy", "--only-keep-debug", full, debug], check=True)
    run(["objcopy", "--strip-debug", "--add-gnu-debuglink=" + debug, full, stripped], check=True)
    # 1. The debug link, next to the binary.
    got = sa_json("audit", "--all", "--format", "json", stripped)
    if got is None or got["types"] != ref["types"] or len(ref["types"]) < 5:
        fails.append("debuglink: audit differs from the unstripped program's")
    got = sa_json("show", "--format", "json", stripped, "list", "anon_t")
    if got != ref_show:
        fails.append("debuglink: show differs from the unstripped program's")
    p = run([SA, "diff", "--format", "json", full, stripped])
    if p.returncode != 0 or json.loads(p.stdout)["types"] != [] \
            or json.loads(p.stdout)["appeared"] or json.loads(p.stdout)["disappeared"]:
        fails.append("debuglink: diff against the unstripped program: exit %d %s"
                     % (p.returncode, p.stdout[:300]))
    # 2. The build ID, under --debug-dir (a first directory without it).
    bid = [l.split()[-1] for l in run(["readelf", "-n", full], check=True).stdout.splitlines()
           if "Build ID" in l][0]
    tree = os.path.join(tmp, "dbgroot")
    os.makedirs(os.path.join(tree, ".build-id", bid[:2]))
    os.mkdir(os.path.join(tmp, "empty"))
    shutil.copy(debug, os.path.join(tree, ".build-id", bid[:2], bid[2:] + ".debug"))
    nolink = os.path.join(tmp, "prog-nolink")
    run(["objcopy", "--strip-debug", full, nolink], check=True)
    got = sa_json("audit", "--all", "--format", "json", "--debug-dir", os.path.join(tmp, "empty"),
                  "--debug-dir", tree, nolink)
    if got is None or got["types"] != ref["types"]:
        fails.append("build ID: audit differs from the unstripped program's")
    # 3. Debug files of another build: refused with the reason.
    other_src = os.path.join(tmp, "a.c")
    with open(other_src) as f:
        a = f.read()
    other = os.path.join(tmp, "other")
    os.mkdir(other)
    with open(os.path.join(other, "a.c"), "w") as f:
        f.write(a.replace("struct pair g_pair;", "struct pair g_pair; int extra;"))
    for n in ("t.h", "b.c", "main.c"):
        shutil.copy(os.path.join(tmp, n), other)
    _, full2 = build(other, "gcc", [], "-g", "-other")
    run(["objcopy", "--only-keep-debug", full2, debug], check=True)
    p = run([SA, "audit", stripped])
    if p.returncode != 2 or not p.stderr.startswith(stripped + ": ") or "CRC-32" not in p.stderr \
            or debug not in p.stderr or "hint:" not in p.stderr:
        fails.append("stale debug file: exit %d, %r" % (p.returncode, p.stderr))
    shutil.copy(debug, os.path.join(tree, ".build-id", bid[:2], bid[2:] + ".debug"))
    p = run([SA, "show", "--debug-dir", tree, nolink, "pair"])
    if p.returncode != 2 or "build ID" not in p.stderr or nolink not in p.stderr:
        fails.append("debug file of another build ID: exit %d, %r" % (p.returncode, p.stderr))
    os.remove(debug)
    p = run([SA, "diff", full, stripped])
    if p.returncode != 2 or "prog.debug" not in p.stderr or "not found" not in p.stderr:
        fails.append("missing debug file: exit %d, %r" % (p.returncode, p.stderr))
    p = run([SA, "audit", "--debug-dir", os.path.join(tmp, "nowhere"), full])
    if p.returncode != 2 or "--debug-dir" not in p.stderr:
        fails.append("--debug-dir of no directory: exit %d, %r" % (p.returncode, p.stderr))
    # Go: the separate debug file's types, the binary's own build info.
    if shutil.which("go"):
        gd = os.path.join(tmp, "gosplit")
        salib.write_tree(gd, {
            "go.mod": "module example.com/split\n\ngo 1.19\n",
            "main.go": "package main\n\ntype T struct {\n\tA bool\n\tB int64\n\tC bool\n}\n\n"
                       "var keep = []any{new(T)}\n\nfunc main() { println(len(keep)) }\n"})
        env = dict(os.environ, GOFLAGS="", GOWORK="off", GOTOOLCHAIN="local")
        run(["go", "build", "-o", "app", "."], cwd=gd, env=env, check=True)
        app = os.path.join(gd, "app")
        run(["objcopy", "--only-keep-debug", app, app + ".debug"], check=True)
        run(["objcopy", "--strip-debug", "--add-gnu-debuglink=" + app + ".debug", app,
             app + ".s"], check=True)
        want = sa_json("audit", "--all", "--format", "json", app)
        got = sa_json("audit", "--all", "--format", "json", app + ".s")
        if want is None or got is None or got["types"] != want["types"] \
                or "main.T" not in by_name(got):
            fails.append("Go debug link: audit differs from the unstripped binary's")
    if not fails:
        print("ok   separate debug files: debug link, build ID, stale and missing")
    return fails


FILTER_MAIN = r"""
#include <stdio.h>
#include <pthread.h>
#include <sys/stat.h>
#include "shared.h"
struct mine { char c; long l; char d; };
struct mine g_mine; FILE *g_fp; pthread_mutex_t g_mu; struct stat g_st; struct shared g_sh;
int main(void) { return 0; }
"""
FILTER_VENDOR = r"""
#include "../shared.h"
struct vend { char c; double d; char e; };
struct vend g_vend; struct shared g_sh2;
"""


def check_totals(tag, got, want):
    """The totals of an audit document whose types are want: free savings
    and public-API ones (ABI breaks) apart, each the sum of its types."""
    free = [t for t in want if "public_api" not in t]
    public = [t for t in want if "public_api" in t]
    have = (got["total_types"], got["wasteful_types"], got["total_bytes_saved"],
            got["public_api_types"], got["public_api_bytes_saved"])
    need = (len(want), sum(1 for t in free if t["bytes_saved"] > 0),
            sum(t["bytes_saved"] for t in free), sum(1 for t in public if t["bytes_saved"] > 0),
            sum(t["bytes_saved"] for t in public))
    return ["%s: totals %s, want %s" % (tag, have, need)] if have != need else []


def check_public_api(exe, full):
    """Records declared in installed headers (the decl_file gcc wrote is
    under /usr/include) are public API, and so is what --keep names (a
    declaring file or a type name); their savings are ABI breaks, totalled
    apart and left out of the --fail-above gate."""
    fails = []
    types = {t["name"]: t for t in full["types"]}
    installed = {n for n, t in types.items()
                 if t.get("decl_file", "").startswith(("/usr/include/", "/usr/local/include/"))}
    flagged = {n for n, t in types.items() if t.get("public_api") == "installed_header"}
    if flagged != installed or "_IO_FILE" not in flagged:
        fails.append("public API: flagged %s, installed headers declare %s"
                     % (sorted(flagged), sorted(installed)))
    fails += check_totals("public API", full, full["types"])
    for keep, name in (("mine", "mine"), ("*/vendor/*", "vend")):
        got = sa_json("audit", "--all", "--format", "json", "--keep", keep, exe)
        if got is None:
            fails.append("--keep %s: audit failed" % keep)
            continue
        t = {t["name"]: t for t in got["types"]}.get(name, {})
        if t.get("public_api") != "keep" or t.get("bytes_saved", 0) == 0:
            fails.append("--keep %s: %s not flagged: %s" % (keep, name, t.get("public_api")))
        fails += check_totals("--keep " + keep, got, got["types"])
    # The gate counts free savings only, in every format.
    free = full["total_bytes_saved"]
    for limit, rc, fmt in ((free, 0, "text"), (free - 1, 1, "text"), (free, 0, "sarif"),
                           (free - 1, 1, "sarif")):
        p = run([SA, "audit", "--format", fmt, "--fail-above", str(limit), exe])
        if p.returncode != rc:
            fails.append("--fail-above %d (free %d, public %d): exit %d, want %d"
                         % (limit, free, full["public_api_bytes_saved"], p.returncode, rc))
    p = run([SA, "audit", exe])
    if "not counted: %d bytes in %d public-API type" % (
            full["public_api_bytes_saved"], full["public_api_types"]) not in p.stdout \
            or "ABI  public API (declared in an installed header)" not in p.stdout:
        fails.append("audit text: no public-API note or total:\n" + p.stdout)
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(
        run([SA, "audit", "--all", "--format", "csv", "--keep", "mine", exe]).stdout))}
    if (rows.get("_IO_FILE", {}).get("public_api"), rows.get("mine", {}).get("public_api"),
            rows.get("vend", {}).get("public_api")) != ("installed_header", "keep", ""):
        fails.append("CSV public_api column: %s" % {n: r.get("public_api") for n, r in rows.items()})
    sarif = json.loads(run([SA, "audit", "--format", "sarif", exe]).stdout)
    levels = {r["message"]["text"].split(" ")[0]: r["level"] for r in sarif["runs"][0]["results"]
              if r["ruleId"] == "SA001"}
    if levels.get("_IO_FILE") != "note" or levels.get("mine") != "warning":
        fails.append("SARIF SA001 levels %s: a public-API saving is a note" % levels)
    page = run([SA, "audit", "--format", "html", exe]).stdout
    if 'id="s-public-total" data-v="%d"' % full["public_api_bytes_saved"] not in page \
            or 'id="s-total" data-v="%d"' % free not in page:
        fails.append("HTML summary: public-API total not apart from the free one")
    p = run([SA, "show", exe, "_IO_FILE"])
    if "reordering it breaks the ABI" not in p.stdout:
        fails.append("show: no public-API note")
    got = sa_json("show", "--format", "json", exe, "_IO_FILE", "mine")
    if got is None or [t.get("public_api") for t in got["types"]] != ["installed_header", None]:
        fails.append("show JSON public_api: %s" % (got and [t.get("public_api") for t in got["types"]]))
    return fails


def check_filters(tmp):
    """--decl-exclude (declaring file) and --cu-exclude (unit name) through
    audit, show and diff: the types left are exactly those the compiler
    declared elsewhere (the decl_file gcc wrote) or in the other units, and
    the totals are those of the types left."""
    fails = []
    d = os.path.join(tmp, "filters")
    os.makedirs(os.path.join(d, "vendor"))
    for name, text in (("main.c", FILTER_MAIN), ("vendor/v.c", FILTER_VENDOR),
                       ("shared.h", "struct shared { char a; int b; char c; };\n")):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    exe = os.path.join(d, "prog")
    run(["gcc", "-g", "-O0", "-o", exe, "main.c", "vendor/v.c"], cwd=d, check=True)
    full = sa_json("audit", "--all", "--format", "json", exe)
    if full is None:
        return ["filters: audit failed"]
    system = {t["name"] for t in full["types"] if t.get("decl_file", "").startswith("/usr/include/")}
    if len(system) < 3 or not {"mine", "vend", "shared"} <= {t["name"] for t in full["types"]}:
        fails.append("filters: the program lacks the expected types: %s"
                     % sorted(t["name"] for t in full["types"]))

    def check(tag, args, gone):
        got = sa_json("audit", "--all", "--format", "json", *args, exe)
        if got is None:
            fails.append("%s: audit failed" % tag)
            return
        want = [t for t in full["types"] if t["name"] not in gone]
        names = [t["name"] for t in got["types"]]
        if names != [t["name"] for t in want]:
            fails.append("%s: types %s, want %s" % (tag, names, [t["name"] for t in want]))
        if got["types"] != want:
            fails.append("%s: the types left read differently" % tag)
        fails.extend(check_totals(tag, got, want))

    check("--decl-exclude /usr/include/*", ["--decl-exclude", "/usr/include/*"], system)
    check("--decl-exclude twice", ["--decl-exclude", "/usr/include/x86_64-linux-gnu/*",
                                   "--decl-exclude", "/usr/include/*.h"], system)
    # The vendor unit: vend is only there; shared is in the main unit too.
    check("--cu-exclude vendor/*", ["--cu-exclude", "vendor/*"], {"vend"})
    check("both", ["--cu-exclude", "*/v.c", "--decl-exclude", "/usr/*"], system | {"vend"})
    p = run([SA, "show", "--decl-exclude", "/usr/include/*", exe, "mine", "_IO_FILE"])
    if p.returncode != 2 or "no struct or union type matches '_IO_FILE'" not in p.stderr:
        fails.append("show --decl-exclude of an excluded type: exit %d %r"
                     % (p.returncode, p.stderr))
    got = sa_json("show", "--format", "json", "--cu-exclude", "vendor/*", exe, "mine", "shared")
    if got is None or sorted(t["name"] for t in got["types"]) != ["mine", "shared"]:
        fails.append("show --cu-exclude: %s" % (got and [t["name"] for t in got["types"]]))
    p = run([SA, "audit", "--cu-exclude", "*", exe])
    if p.returncode != 2 or "every compile unit (2) is excluded" not in p.stderr:
        fails.append("--cu-exclude of every unit: exit %d %r" % (p.returncode, p.stderr))
    p = run([SA, "diff", "--format", "json", "--cu-exclude", "vendor/*", exe, exe])
    if p.returncode != 0 or json.loads(p.stdout)["types"] != []:
        fails.append("diff --cu-exclude: exit %d %s" % (p.returncode, p.stdout[:200]))
    fails += check_public_api(exe, full)
    if not fails:
        print("ok   --decl-exclude, --cu-exclude, --keep: %d system types (public API: %d bytes "
              "apart from %d free), the vendor unit"
              % (len(system), full["public_api_bytes_saved"], full["total_bytes_saved"]))
    return fails


def main():
    salib.need("gcc", "objcopy", "ar", "readelf")
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "t.h"), "w") as f:
            f.write(HEADER)
        for name, text in UNITS.items():
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        with open(os.path.join(tmp, "main.c"), "w") as f:
            f.write(main_unit())
        fails += check_filters(tmp)
        fails += check_debug_files(tmp)
        fails += check_objects(tmp)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
