#!/usr/bin/env python3
"""go_decl_paste.py - show --optimize prints Go declarations that paste
(issue #14).

A program made for the case (a package importing another under an alias,
a /v2 module path, a generic type and two instances, embedded fields, a
pointer to an embedded type, tags, an anonymous struct, map, slice and
func types, sync and sync/atomic types) is built by each Go release of
$GO_VERSIONS.  `show --optimize --format json` gives each type's
declaration, with --src (the source's text: tags, the import alias, the
type parameters) and without (DWARF only: package names).

The truth is the compiler: each declaration replaces the type's own in a
copy of its package (without --src: a copy whose alias import is the
plain one, the stub a DWARF-only declaration is written for), the module
is built with `go build`, and the program prints unsafe.Sizeof of every
type, which must be the optimal_size show promised.  Checks also that no
declaration names an import path, that the --src ones keep the tags and
the alias, that a generic instance is declared generically with --src and
says it is an instance without it, and that show names the type's file and
line (the `type X` line of the source, found by grep).
make check runs the oldest release of $GO_VERSIONS, make check-go-blank
(SA_GOROOT=1) every one (about 13 s each).
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import shutil
import subprocess

from salib import build_module, check_releases, go_block_end, go_env, run_main, write_tree

INNER = """package inner

type Item struct {
	ID   int64
	Name string
}

type Mode uint8
"""

STORE = """package store

import (
	"sync"
	"sync/atomic"
	"time"

	in "example.com/pd/inner/v2"
)

type Base struct {
	ok   bool
	when time.Time
}

// Pair is generic.
type Pair[K comparable, V any] struct {
	ok  bool
	key K
	n   int64
	val V
}

type Store struct {
	Base
	*in.Item
	mu     sync.Mutex
	closed bool `json:"closed"`
	hits   atomic.Int64
	mode   in.Mode
	byName map[string]*in.Item `json:"by_name,omitempty"` // a comment
	items  []in.Item
	f      func(in.Item) error
	done   bool
	pairs  Pair[string, *in.Item]
	anon   struct {
		a bool
		b int64
		c bool
	}
}

func New() *Store { return &Store{} }

func NewPair() any { return &Pair[int, string]{} }
"""

MAIN = """package main

import (
	"fmt"

	"example.com/pd/store"
)

var S store.Store

func main() { fmt.Println(store.New() != nil, store.NewPair(), &S) }
"""

SIZES = """package store

import (
	"fmt"
	"unsafe"

	inner "example.com/pd/inner/v2"
)

func Sizes() string {
	return fmt.Sprint(unsafe.Sizeof(Base{}), " ", unsafe.Sizeof(Store{}), " ",
		unsafe.Sizeof(Pair[int, string]{}), " ", unsafe.Sizeof(Pair[string, *inner.Item]{}))
}
"""

SIZE_MAIN = """package main

import (
	"fmt"

	"example.com/pd/store"
)

func main() { fmt.Println(store.Sizes()) }
"""

ORDER = ["example.com/pd/store.Base", "example.com/pd/store.Store",
         "example.com/pd/store.Pair[int,string]",
         "example.com/pd/store.Pair[string,*example.com/pd/inner/v2.Item]"]


ANON = "example.com/pd/store.Store.anon"


def replace_decl(src, name, decl):
    """src with `type name[...] struct {...}` replaced by decl."""
    m = re.search(r"type\s+%s\s*(\[[^\]]*\])?\s*struct\s*\{" % re.escape(name), src)
    return src[:m.start()] + decl.rstrip("\n") + src[go_block_end(src, m.end() - 1):]


def one_release(tool, v, tmp, fails):
    env = go_env(v)
    d = os.path.join(tmp, "pd_" + v)
    write_tree(d, {"go.mod": "module example.com/pd\n\ngo 1.19\n", "inner/v2/inner.go": INNER,
                   "store/store.go": STORE, "main.go": MAIN})
    b = build_module(d, env, "pd")
    if b.returncode != 0:
        fails.append("Go %s: build: %s" % (v, b.stderr[:500]))
        return
    lines = {n: i + 1 for i, l in enumerate(STORE.splitlines())
             for n in ("Base", "Pair", "Store") if re.match(r"type %s\b" % n, l)}
    for with_src in (True, False):
        args = [tool, "show", "--optimize", "-F", "json"]
        if with_src:
            args += ["--src", d]
        p = subprocess.run(args + [os.path.join(d, "pd"), "example.com/pd/store.*"],
                           capture_output=True, text=True)
        where = "Go %s %s --src" % (v, "with" if with_src else "without")
        if p.returncode != 0:
            fails.append("%s: show exit %d: %s" % (where, p.returncode, p.stderr[:300]))
            continue
        types = {t["name"]: t for t in json.loads(p.stdout)["types"]}
        # Store's anonymous struct is named after its field, placed at the
        # field's line, and declared as the field's type
        anon = types.pop(ANON, None)
        want_line = [i + 1 for i, l in enumerate(STORE.splitlines())
                     if re.match(r"\s+anon\s+struct \{", l)]
        # (without --src Store itself has no place: no function of its
        # package is left in the binary)
        if anon is None or ((with_src or "decl_line" in anon) and (
                anon.get("decl_line") not in want_line or
                not anon.get("decl_file", "").endswith("store/store.go"))):
            fails.append("%s: %s not placed at store.go:%s: %s"
                         % (where, ANON, want_line, anon and (anon.get("decl_file"),
                                                              anon.get("decl_line"))))
        elif not re.match(r"// the anonymous struct of %s: .*\nanon struct \{\n"
                          % re.escape(ANON), anon["declaration"]):
            fails.append("%s: %s declared as\n%s" % (where, ANON, anon["declaration"]))
        if sorted(types) != sorted(ORDER):
            fails.append("%s: types %s" % (where, sorted(types)))
            continue
        for n, t in types.items():
            decl = t["declaration"]
            if "example.com" in decl or "sync/atomic." in decl:
                fails.append("%s: %s names an import path:\n%s" % (where, n, decl))
            if with_src and "Pair[" in n and not decl.startswith("type Pair[K comparable, V any]"):
                fails.append("%s: %s not declared generically:\n%s" % (where, n, decl))
            if not with_src and "Pair[" in n and "is an instance of the generic Pair" not in decl:
                fails.append("%s: %s does not say it is an instance:\n%s" % (where, n, decl))
        store = types["example.com/pd/store.Store"]["declaration"]
        want = (['`json:"closed"`', '`json:"by_name,omitempty"`', "*in.Item", "in.Mode",
                 "atomic.Int64", "\tBase\n", "Pair[string, *in.Item]"] if with_src else
                ["*inner.Item", "inner.Mode", "atomic.Int64", "\tBase\n",
                 "Pair[string,*inner.Item]", "struct { a bool; b int64; c bool }"])
        for w in want:
            if w not in store:
                fails.append("%s: Store's declaration lacks %r:\n%s" % (where, w, store))
        # Paste into a copy of the package and build.
        c = os.path.join(tmp, "paste_%s_%d" % (v, with_src))
        shutil.rmtree(c, ignore_errors=True)
        shutil.copytree(d, c)
        src = STORE
        if not with_src:  # the stub: the same imports, without the alias
            src = src.replace('in "example.com/pd/inner/v2"', '"example.com/pd/inner/v2"')
            src = re.sub(r"\bin\.", "inner.", src)
        for n in ("Base", "Store", "Pair"):
            key = "example.com/pd/store." + n if n != "Pair" else ORDER[3]
            decl = types[key]["declaration"]
            if n == "Pair" and not with_src:
                continue  # an instance's fields, not the generic declaration
            src = replace_decl(src, n, decl)
        write_tree(c, {"store/store.go": src, "store/zz_sizes.go": SIZES, "main.go": SIZE_MAIN})
        b = build_module(c, env, "sizes")
        if b.returncode != 0:
            fails.append("%s: the pasted declarations do not build: %s\n%s"
                         % (where, b.stderr[:1500], src))
            continue
        r = subprocess.run(["./sizes"], cwd=c, capture_output=True, text=True)
        got = [int(x) for x in r.stdout.split()]
        for i, n in enumerate(ORDER):
            if n.endswith("Pair[int,string]") and not with_src:
                continue  # not pasted: the generic declaration stayed as written
            if got[i] != types[n]["optimal_size"]:
                fails.append("%s: %s compiles to %d bytes pasted, show promised %d"
                             % (where, n, got[i], types[n]["optimal_size"]))
        if with_src:
            # where it is: the text output's file:line is the `type X` line
            for n in ("Base", "Store", "Pair"):
                key = "example.com/pd/store." + n if n != "Pair" else ORDER[2]
                t = subprocess.run([tool, "show", "--src", d, os.path.join(d, "pd"), key],
                                   capture_output=True, text=True).stdout
                want_pos = "/* %s:%d */" % (os.path.join(d, "store", "store.go"), lines[n])
                if want_pos not in t:
                    fails.append("%s: show %s does not say %s:\n%s"
                                 % (where, n, want_pos, t[:300]))


def main():
    # make check: the oldest release of $GO_VERSIONS (three builds);
    # make check-go-blank (SA_GOROOT=1): every one.
    return check_releases(one_release, "sa-paste-", oldest_unless="SA_GOROOT")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
