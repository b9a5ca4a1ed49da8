#!/usr/bin/env python3
"""go_decl_real.py - the declarations show --optimize suggests for cmd/go
and cmd/compile paste into GOROOT and build (issue #14).

go_decl_paste.py checks the Go declaration printer on a program made for
the case; this checks it on real code.  cmd/go and cmd/compile are built
from a release's GOROOT; `show --optimize -F json` prints the declaration
of each of their types in the smallest order (with --src GOROOT/src/cmd,
the source's text: tags, import names, type parameters; and without it,
DWARF only).  Each declaration of a type whose order changes replaces the
original in its file (at the decl_file:decl_line show names), and after
it the file asserts, at compile time, that the type's unsafe.Sizeof and
Alignof are the optimal_size and align show promised:

    var _ [saunsafe.Sizeof(*(*T)(nil)) - N]byte   (and N - Sizeof)

(a negative length does not compile, so the build succeeds only if they
are equal).  The files are overlaid (go build -overlay: GOROOT is never
written) and the packages built with the release's `go build`.  The
truth is the compiler: a declaration that does not build, or builds to
another size, is a failure, counted per cause; a type the tool says
cannot be pasted as is is counted apart: a generic instance without
--src, and a type whose new order breaks code show names (unkeyed
composite literals, conversions from a type with the old order): those
are built on their own, and every compile error must be at a line show
named.

make check runs a handful of cmd/go types on the oldest release of
$GO_VERSIONS (building only their packages); make check-go-decls-real
(SA_GO_DECLS_REAL=1) every reordered type of both commands on every
release of $GO_VERSIONS, building the whole commands (a minute or more
a release).
Exit 0 pass, 1 fail, 77 skip.
"""
import collections
import json
import os
import re
import subprocess

from salib import check_releases, go_block_end, go_env, go_root, run_main

# make check: a handful of cmd/go types in small packages (fakeFile has an
# unkeyed literal show must name), and a reordered type declared in a
# function (its name·N is the release's), of modfetch if it has one.
FAST = ["cmd/go/internal/imports.importReader", "cmd/go/internal/modinfo.ModulePublic",
        "cmd/go/internal/modfetch/codehost.vcsRepo",
        "cmd/go/internal/modfetch/codehost.gitRepo", "cmd/go/internal/fsys.fakeFile"]
FAST_LOCAL = ("cmd/go/internal/modfetch/codehost.", "cmd/go/internal/modfetch.")

IMPORT = 'import saunsafe "unsafe"'


def reordered(t):
    idx = t.get("optimal_index") or []
    return idx != list(range(len(idx)))


def local_name(name):
    """"cmd/go/internal/x.T[args]" -> ("cmd/go/internal/x", "T", "[args]")."""
    br = name.find("[")
    head = name if br < 0 else name[:br]
    dot = head.rfind(".")
    return head[:dot], head[dot + 1:], "" if br < 0 else name[br:]


def source_args(args, own, imports):
    """A DWARF type argument list ("[int,*cmd/x.T]") written as the file
    would, or None when a package it names is not imported by the file."""
    out = []

    def fix(m):
        path, n = m.group(1), m.group(2)
        if path == own:
            return n
        for alias, p in imports:
            if p == path:
                return alias + "." + n
        out.append(path)
        return n
    text = re.sub(r"((?:[\w.-]+/)*[\w.-]+)\.([A-Za-z_]\w*)", fix, args)
    return None if out else text


def file_imports(src):
    """[(name, path)] of a Go file's imports (plain ones by the path's last
    element)."""
    out = []
    for block in re.findall(r"^import\s*(\([^)]*\)|[^\n]*)", src, re.M):
        for alias, path in re.findall(r'(?:([A-Za-z_]\w*|\.)\s+)?"([^"]+)"', block):
            out.append((alias or path.split("/")[-1], path))
    return out


def decl_span(src, line, local):
    """(start, end, grouped) of the declaration of `local` that starts on
    line (1-based): from `type local` (or `local` in a type group) to the
    struct's closing brace."""
    lines = src.split("\n")
    if not 0 < line <= len(lines):
        return None
    off = sum(len(x) + 1 for x in lines[:line - 1])
    m = re.compile(r"[ \t]*(type\s+)?%s\b(\s*\[[^\n]*?\])?\s*struct\s*\{" % re.escape(local)) \
        .match(src, off)
    if m is None:
        return None
    return off + len(m.group(0)) - len(m.group(0).lstrip()), go_block_end(src, m.end() - 1), \
        m.group(1) is None


def holds(t, other, byname, memo):
    """Whether type t holds `other` by value: a field of that type or an
    array of it, directly or through the fields of types it holds by value
    (byname: show's types; an anonymous struct is "T.field" there)."""
    key = (t["name"], other)
    if key not in memo:
        memo[key] = False
        for f in t["fields"]:
            ft = re.sub(r"^(\[\d+\])+", "", f["type"])
            if ft.startswith("struct"):
                ft = t["name"] + "." + f["name"]
            if ft == other or (ft in byname and holds(byname[ft], other, byname, memo)):
                memo[key] = True
                break
    return memo[key]


ANON = "// the anonymous struct of "


def anon_expr(name, byname):
    """A Go expression of the anonymous struct type show names `name`
    ("pkg.T.f.g": (*(*T)(nil)).f.g, with [0] for arrays), or None."""
    holder, field = name.rsplit(".", 1)
    h = byname.get(holder)
    if h is None or "[" in holder:
        return None
    if h.get("declaration", "").startswith(ANON):
        base = anon_expr(holder, byname)
    else:
        base = "(*(*%s)(nil))" % local_name(holder)[1]
    types = [f["type"] for f in h["fields"] if f["name"] == field]
    if base is None or not types:
        return None
    return "%s.%s%s" % (base, field, "[0]" * len(re.match(r"(\[\d+\])*", types[0]).group(0)
                                                  .split("]")[:-1]))


def rounds(types, byname):
    """The types in rounds such that no type holds another of its round by
    value: pasted together, a type holding a reordered one would shrink
    with it, and optimal_size is promised for the members as they are."""
    depth, memo = {}, {}

    def d(t, seen):
        if t["name"] not in depth:
            inner = [u for u in types if u is not t and u["name"] not in seen and
                     holds(t, u["name"], byname, memo)]
            depth[t["name"]] = 1 + max([d(u, seen | {t["name"]}) for u in inner] or [-1])
        return depth[t["name"]]
    for t in types:
        d(t, {t["name"]})
    out = collections.defaultdict(list)
    for t in types:
        out[depth[t["name"]]].append(t)
    return [out[k] for k in sorted(out)]


def paste(tool, v, env, root, binp, cmd, src_dir, pick, tmp, fails, stats):
    """One show run (with --src src_dir, or DWARF only when None): its
    declarations pasted and built, round by round.  stats: Counter of
    causes."""
    where = "Go %s cmd/%s %s" % (v, cmd, "--src" if src_dir else "DWARF only")
    args = [tool, "show", "-q", "--optimize", "-F", "json"]
    if src_dir:
        args += ["--src", src_dir]
    p = subprocess.run(args + [binp, "cmd/%s/*" % cmd], capture_output=True, text=True)
    if p.returncode != 0:
        fails.append("%s: show exit %d: %s" % (where, p.returncode, p.stderr[:300]))
        return
    types = [t for t in json.loads(p.stdout)["types"] if "declaration" in t]
    byname = {t["name"]: t for t in types}
    if pick is not None:
        # a type declared in a function, its package first in FAST_LOCAL
        local = sorted((t for t in types if "·" in t["name"] and reordered(t) and
                        t["name"].startswith("cmd/go/internal/")),
                       key=lambda t: (not t["name"].startswith(FAST_LOCAL), t["name"]))[:1]
        types = [t for t in types if t["name"] in pick] + local
        if len(types) != len(pick) + len(local) or not local:
            fails.append("%s: show printed %s of %s and a reordered local type"
                         % (where, [t["name"] for t in types], pick))
    else:
        types = [t for t in types if reordered(t)]
    todo = []
    for t in types:
        if "decl_file" not in t and src_dir is None:
            # no method and no function of its package in the binary: only
            # --src can place it (structalign(1), WHERE GO TYPES ARE)
            stats["not located without --src (no method, no function)"] += 1
        elif "decl_file" not in t:
            stats["not located"] += 1
            fails.append("%s: %s has no decl_file" % (where, t["name"]))
        elif "is an instance of the generic" in t["declaration"]:
            stats["instance (says it cannot be pasted)"] += 1
        elif t.get("defined_as"):
            # `type Term term`: show says to reorder term instead
            stats["declared from another type (show says so)"] += 1
        else:
            todo.append(t)
    # the unkeyed composite literals show says each new order breaks
    said = {}
    for t in types:
        for u in t.get("unkeyed_literals", []) + t.get("conversions", []):
            for ln in range(u["line"], u["end_line"] + 1):
                said[(os.path.realpath(u["file"]), ln)] = t["name"]
    # Types whose new order breaks an unkeyed literal (show says which)
    # cannot build: the others are built (sizes asserted) without them,
    # then they alone, where every error must be one of those literals.
    warned = [t for t in todo if t.get("unkeyed_literals") or t.get("conversions")]
    rs = rounds([t for t in todo if not t.get("unkeyed_literals") and
                  not t.get("conversions")], byname)
    for i, r in enumerate(rs):
        w = os.path.join(tmp, "round%d" % i)
        os.makedirs(w, exist_ok=True)
        build_round(v, env, root, cmd, r, byname, pick is not None, w, said,
                    "%s round %d/%d" % (where, i + 1, len(rs)), fails, stats)
    if warned:
        stats["types with unkeyed literals (show names them)"] += len(warned)
        w = os.path.join(tmp, "unkeyed")
        os.makedirs(w, exist_ok=True)
        build_round(v, env, root, cmd, warned, byname, pick is not None, w, said,
                    "%s with unkeyed literals" % where, fails, stats, sizes=False)
    if pick is not None:
        # the checker catches a wrong size: the local type (asserted in its
        # function), else importReader, claimed 8 bytes larger must fail
        # (one type: a package that fails stops those that import it)
        wrong = [dict(t, optimal_size=t["optimal_size"] + 8) for t in todo
                 if "·" in t["name"] and t not in warned][:1] or \
            [dict(t, optimal_size=t["optimal_size"] + 8) for t in todo if t["name"] == FAST[0]]
        caught = []
        w = os.path.join(tmp, "fault")
        os.makedirs(w, exist_ok=True)
        build_round(v, env, root, cmd, wrong, byname, True, w, said, "fault", caught,
                    collections.Counter())
        for t in wrong:
            if not any(t["name"] in c and "size or alignment differs" in c for c in caught):
                fails.append("%s: %s claimed 8 bytes larger still builds: the size check "
                             "is blind (%s)" % (where, t["name"], caught))


def assertion(ty, t):
    """Go declarations that compile only if the expression ty's type has
    t's optimal_size and align (a negative array length does not)."""
    return ("var _ [saunsafe.Sizeof(%s) - %d]byte; var _ [%d - saunsafe.Sizeof(%s)]byte; "
            "var _ [saunsafe.Alignof(%s) - %d]byte; var _ [%d - saunsafe.Alignof(%s)]byte"
            % (ty, t["optimal_size"], t["optimal_size"], ty, ty, t["align"], t["align"], ty))


def build_round(v, env, root, cmd, types, byname, fast, tmp, said, where, fails, stats,
                sizes=True):
    """types pasted into their files, bottom up in each file so that the
    lines above stay where show said, then built."""
    byfile = collections.defaultdict(list)
    for t in types:
        byfile[t["decl_file"]].append(t)
    overlay, owner, pkgs, back = {}, {}, set(), {}
    src_root = os.path.realpath(os.path.join(root, "src"))
    for real, ts in byfile.items():
        # the path the go command knows (GOROOT/src/...): Debian's GOROOT
        # links src to /usr/share
        rel = os.path.relpath(os.path.realpath(real), src_root)
        path = os.path.join(root, "src", rel)
        real_path = os.path.realpath(path)
        out = os.path.join(tmp, "ov", path.lstrip("/"))
        with open(path) as f:
            src = f.read()
        imports = file_imports(src)
        spans, asserts, locals_asserted = [], [], []
        for t in sorted(ts, key=lambda t: -t["decl_line"]):
            own, local, targs = local_name(t["name"])
            sp = decl_span(src, t["decl_line"], re.sub(r"·\d+$", "", local))
            if sp is None:
                stats["decl_line is not the declaration"] += 1
                fails.append("%s: %s: %s:%d does not declare it"
                             % (where, t["name"], path, t["decl_line"]))
                continue
            start, end, grouped = sp
            if any(s[0] <= start < s[1] for s in spans):
                continue  # another instance of the same generic declaration
            decl = t["declaration"].rstrip("\n")
            if grouped:
                decl = re.sub(r"(?m)^type ", "", decl, count=1)
            if sizes and "·" in local and not targs:
                # declared in a function: asserted there, on its last line
                ty = "*(*%s)(nil)" % re.sub(r"·\d+$", "", local)
                decl += "; " + assertion(ty, t)
                locals_asserted.append(t)
            grown = decl.count("\n") - src.count("\n", start, end)
            src = src[:start] + decl + src[end:]
            spans = [(a + len(decl) - (end - start), b + len(decl) - (end - start), u, g)
                     for a, b, u, g in spans]
            spans.append((start, start + len(decl), t, grown))
            ta = source_args(targs, own, imports) if targs else ""
            if not sizes:
                continue
            if t in locals_asserted:
                continue
            if t["declaration"].startswith(ANON):
                ty = anon_expr(t["name"], byname)
            else:
                ty = None if ta is None or "·" in local else "*(*%s%s)(nil)" % (local, ta)
            if ty is None:
                stats["size not asserted (type arguments or local type)"] += 1
                continue
            asserts.append((t, assertion(ty, t)))
        # the pasted ranges' lines, after the last replacement
        shifts = []
        for start, stop, t, grown in spans:
            a = src.count("\n", 0, start) + 1
            b = src.count("\n", 0, stop) + 1
            shifts.append((b, grown))
            for ln in range(a, b + 1):
                owner[(real_path, ln)] = owner[(out, ln)] = t
        # a line of the overlaid file that was not pasted: its line before
        back[out] = back[real_path] = (real_path, lambda ln, sh=shifts: ln - sum(
            g for b, g in sh if b < ln))
        m = re.search(r"(?m)^package \w+", src)
        if asserts or locals_asserted:
            src = src[:m.end()] + "; " + IMPORT + src[m.end():]
        src = src.rstrip("\n") + "\n"
        for t, a in asserts:
            src += a + "\n"
            ln = src.count("\n")
            owner[(real_path, ln)] = owner[(out, ln)] = (t, "size")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as f:
            f.write(src)
        overlay[path] = out
        pkgs.add(os.path.dirname(rel))
        stats["pasted" if sizes else "pasted, not expected to build"] += len(spans)
    if not overlay:
        return
    ovj = os.path.join(tmp, "overlay.json")
    with open(ovj, "w") as f:
        json.dump({"Replace": overlay}, f)
    # make check: the packages alone; the full run: the whole command (the
    # users of each type too: an unkeyed literal elsewhere breaks there).
    # -e: every error of the pasted packages, not the first ten.
    flags = ["-gcflags=%s=-e" % pk for pk in sorted(pkgs)]
    cmdline = ["go", "build", "-overlay", ovj] + flags
    cmdline += sorted(pkgs) if fast else ["-o", os.devnull, "cmd/" + cmd]
    b = subprocess.run(cmdline, cwd=tmp, env=env, capture_output=True, text=True)
    bad = set()
    for line in b.stderr.splitlines():
        m = re.match(r"(\S+?\.go):(\d+):(?:\d+:)?\s*(.*)", line)
        if m is None:
            continue
        at = (os.path.realpath(os.path.join(tmp, m.group(1))), int(m.group(2)))
        o = owner.get(at)
        if o is None and at[0] in back:  # an overlaid file: the line before pasting
            at = (back[at[0]][0], back[at[0]][1](at[1]))
        if o is None and at in said:
            if at not in bad:
                bad.add(at)
                stats["compile errors in unkeyed literals show names"] += 1
            continue
        if isinstance(o, tuple):
            cause, t = "size or alignment differs", o[0]
        elif o is not None and "saunsafe." in line:  # a local type's assertion
            cause, t = "size or alignment differs", o
        elif o is not None:
            cause, t = "does not compile", o
        else:
            cause, t = "breaks other code", None
        key = (cause, t["name"] if t else line)
        if key in bad:
            continue
        bad.add(key)
        stats[cause] += 1
        fails.append("%s: %s: %s: %s\n%s" % (where, t["name"] if t else "", cause, line,
                                               t["declaration"] if t else ""))
    if b.returncode == 0 and not sizes:
        fails.append("%s: show names unkeyed literals of %s, yet they build"
                     % (where, ", ".join(t["name"] for t in types)))
    if b.returncode != 0 and not bad:
        fails.append("%s: go build exit %d: %s" % (where, b.returncode, b.stderr[:2000]))
    if b.returncode == 0 and sizes:
        print("%s: %d declarations pasted, built, sizes asserted"
              % (where, sum(len(ts) for ts in byfile.values())))


def one_release(tool, v, tmp, fails, stats, full):
    env = go_env(v)
    root = go_root(v)
    for cmd in ("go", "compile") if full else ("go",):
        d = os.path.join(tmp, "%s_%s" % (cmd, v))
        os.makedirs(d, exist_ok=True)
        binp = os.path.join(d, cmd)
        b = subprocess.run(["go", "build", "-o", binp, "cmd/" + cmd], cwd=d, env=env,
                           capture_output=True, text=True)
        if b.returncode != 0:
            fails.append("Go %s: go build cmd/%s: %s" % (v, cmd, b.stderr[:500]))
            continue
        # make check: --src only (go_decl_paste.py covers DWARF-only
        # declarations on its program; a show of cmd/go takes 3 s)
        for src in (os.path.join(root, "src", "cmd"), None) if full else \
                (os.path.join(root, "src", "cmd"),):
            w = os.path.join(d, "src" if src else "dwarf")
            os.makedirs(w, exist_ok=True)
            paste(tool, v, env, root, binp, cmd, src, None if full else FAST, w, fails, stats)


def main():
    stats = collections.Counter()
    full = os.environ.get("SA_GO_DECLS_REAL") == "1"
    fails = check_releases(lambda tool, v, tmp, fails:
                           one_release(tool, v, tmp, fails, stats, full),
                           "sa-real-", oldest_unless="SA_GO_DECLS_REAL")
    print("causes: " + ", ".join("%s %d" % kv for kv in sorted(stats.items())))
    return fails


if __name__ == "__main__":
    raise SystemExit(run_main(main))
