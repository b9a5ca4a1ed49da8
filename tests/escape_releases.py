#!/usr/bin/env python3
"""The escape join per Go release: tests/escape/releases built with every
release of $GO_VERSIONS (salib.go_releases(): 1.19, 1.24, 1.27 by default;
`make check-go-all` runs all seven), its -m, -m=2 and -json logs made at
test time with that release (in a fresh directory, so that go never
replays a cached compile's output, which would carry another directory's
paths and write no -json), each joined with the binary the same release
built.

The truth is the program's source: a "// want T1; T2 (go1.25+)" comment
on a line names the struct types its heap sites allocate, as the source
says (a qualifier limits a want to releases, go1.25+ or go1.24-, and to
logs that explain sites, "explained": -m=2 and -json; "text": -m and
-m=2, as -json logs have no site that "does not escape"; both together:
-m=2 alone).  Checked per
release and log form:
  - every struct heap site of the program's files is on a line with an
    applicable want, and is tied to one of the types it names;
  - every line with an applicable want has such a site;
  - no heap site of a line with an applicable want is unresolved;
  - the join does not call the log stale, nor warn about it.
go1.26+ also builds go126/newexpr.go (new(expr)), with the module's go line
raised to 1.26.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import salib

WANT = re.compile(r"//\s*want\s+(.*)$")
QUAL = re.compile(r"^(.*?)\s*\(([^)]*)\)\s*$")


def parse_wants(root):
    """{(relpath, line): [(type, minv, maxv, explained_only)]}"""
    wants = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".go"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            for n, text in enumerate(open(path), 1):
                m = WANT.search(text)
                if not m:
                    continue
                items = []
                for part in m.group(1).split(";"):
                    part = part.strip()
                    q = QUAL.match(part)
                    typ, quals = (q.group(1), q.group(2).split()) if q else (part, [])
                    minv, maxv, expl = None, None, set()
                    for w in quals:
                        if w in ("explained", "text"):
                            expl.add(w)
                        elif w.endswith("+"):
                            minv = tuple(int(x) for x in w[2:-1].split("."))
                        elif w.endswith("-"):
                            maxv = tuple(int(x) for x in w[2:-1].split("."))
                        elif re.match(r"^go\d+\.\d+$", w):
                            minv = maxv = tuple(int(x) for x in w[2:].split("."))
                        else:
                            raise SystemExit("%s:%d: bad qualifier %r" % (rel, n, w))
                    items.append((typ, minv, maxv, expl))
                wants[(rel, n)] = items
    return wants


def applicable(items, ver, explained, form_json=False):
    out = set()
    for typ, minv, maxv, expl in items:
        if minv and ver < minv:
            continue
        if maxv and ver > maxv:
            continue
        if "explained" in expl and not explained:
            continue
        if "text" in expl and form_json:
            continue
        out.add(typ)
    return out


def rel_of(path, src):
    if path.startswith("file://"):
        path = path[7:]
    if path.startswith("./"):
        path = path[2:]
    if os.path.isabs(path):
        path = os.path.relpath(path, src)
    return path


def check_form(sa, v, ver, form, log, src, binary, wants, fails):
    explained = form != "-m"
    args = [sa, "audit", "--format", "json", "--all", "--escape", log]
    if form != "-json":
        args += ["--src", src]
    p = subprocess.run(args + [binary], capture_output=True, text=True)
    what = "go%s %s" % (v, form)
    if p.returncode != 0:
        fails.append("%s: audit exit %d: %s" % (what, p.returncode, p.stderr.strip()[:300]))
        return
    if "warning" in p.stderr:
        fails.append("%s: the join warns: %s" % (what, p.stderr.strip()[:300]))
    d = json.loads(p.stdout)
    got = {}
    for t in d["types"]:
        for e in t.get("escapes", []):
            key = (rel_of(e["path"] if e.get("path") else e["file"], src), e["line"])
            got.setdefault(key, []).append((t["name"], e))
    unres = {}
    for u in d["unresolved_sites"]:
        key = (rel_of(u["file"], src), u["line"])
        unres.setdefault(key, []).append(u)
    if d["escape_summary"]["stale"]:
        fails.append("%s: %d sites called stale" % (what, d["escape_summary"]["stale"]))
    for key, sites in sorted(got.items()):
        if key[0].startswith(".."):
            continue  # GOROOT
        want = applicable(wants.get(key, []), ver, explained, form == "-json")
        for name, e in sites:
            if name not in want:
                fails.append("%s: %s:%d %s (%s) tied to %s; the source says %s"
                             % (what, key[0], key[1], e["expr"], e["kind"], name,
                                sorted(want) or "no struct"))
    for key, items in sorted(wants.items()):
        want = applicable(items, ver, explained, form == "-json")
        if not want:
            continue
        if key not in got:
            fails.append("%s: %s:%d: no heap site tied to %s%s"
                         % (what, key[0], key[1], sorted(want),
                            "; unresolved: %s" % [u["reason"] for u in unres[key]]
                            if key in unres else ""))
        for u in unres.get(key, []):
            fails.append("%s: %s:%d %s unresolved: %s"
                         % (what, key[0], key[1], u["expr"], u["reason"]))


def run_release(sa, v, work, wants_src, fails):
    env = salib.go_env(v)
    ver = tuple(int(x) for x in v.split("."))
    src = os.path.join(work, "rel-" + v)
    shutil.copytree(wants_src, src, ignore=shutil.ignore_patterns("go126"))
    if ver >= (1, 26):
        shutil.copy(os.path.join(wants_src, "go126", "newexpr.go"), src)
        with open(os.path.join(src, "go.mod"), "w") as f:
            f.write("module example.com/rel\n\ngo 1.26\n")
    wants = parse_wants(src)
    logs = {}

    def build(args, cache, stderr_path=None):
        # The user's build cache (salib.go_env): the standard library is
        # compiled once per release.  The module's packages are never
        # replayed from it: they are compiled in a fresh directory, and
        # each log form is made once with its own flags.
        e = env
        with open(stderr_path or os.devnull, "w") as err:
            p = subprocess.run(["go", "build"] + args, cwd=src, env=e, stderr=err,
                               stdout=subprocess.DEVNULL)
        if p.returncode != 0:
            raise SystemExit("go%s build %s failed: %s" % (v, " ".join(args),
                             open(stderr_path).read()[-2000:] if stderr_path else ""))

    binary = os.path.join(work, "rel-%s.bin" % v)
    build(["-o", binary, "."], "bin")
    logs["-m"] = os.path.join(src, "m.log")
    build(["-gcflags=-m", "-o", os.devnull, "./..."], "m", logs["-m"])
    logs["-m=2"] = os.path.join(src, "m2.log")
    build(["-gcflags=-m=2", "-o", os.devnull, "./..."], "m2", logs["-m=2"])
    logs["-json"] = os.path.join(work, "json-" + v)
    build(["-gcflags=-json=0," + logs["-json"], "-o", os.devnull, "./..."], "json")
    for form in ("-m", "-m=2", "-json"):
        check_form(sa, v, ver, form, logs[form], src, binary, wants, fails)


def main():
    sa = salib.need()
    fails = []
    wants_src = os.path.join(os.path.abspath(salib._top_srcdir()), "tests", "escape",
                             "releases")
    work = tempfile.mkdtemp(prefix="sa-escape-rel-")
    try:
        for v in salib.go_releases():
            try:
                run_release(sa, v, work, wants_src, fails)
            except salib.Skip as e:
                salib.skip_release(v, e)
    finally:
        salib.remove_tree(work)
    return fails


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
