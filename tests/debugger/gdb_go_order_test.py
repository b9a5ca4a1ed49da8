"""gdb_go_order_test - `align` on Go values beyond one struct, per Go release.

For each release of $GO_VERSIONS (default 1.19 1.27; tests/salib.py),
the program in gorder/ is built and stopped in main.stop.  Checked against
what the program prints (unsafe.Sizeof/Offsetof, len, fmt %+v) and against
the Go compiler itself:
  - the suggested order of main.Order, pasted in place of order.go, builds
    with `go build` and unsafe.Sizeof gives the size reported ("type Order
    struct", Base stays embedded, Shape Shape stays a named field,
    atomic.Int64); the generic Pair's, pasted in place of pair.go, is the
    generic declaration and builds too;
  - `align s` on []Order: the element layout, len as the instance count,
    every element checked; `align m`: the value type's layout, len as the
    count, and the slot (1.24+: struct { key; elem }, sized by unsafe) or
    bucket line; `align a` / `align e`: the dynamic type behind any and
    error; `align q[1]`, `align pp` (**Order), `align -t *main.Order`;
  - values as fmt's %+v prints them (no raw {array,len,cap}).
GDB must read each release's DWARF (Go 1.25+ writes DWARF 5).
"""

import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import dbgtest as t  # noqa: E402
import salib  # noqa: E402

gdb = t.tool("GDB", "gdb")
env = t.plugin_env()
tmp = t.workdir()
SRC = os.path.join(HERE, "gorder")
GO_MOD = "module example.com/gorder\n\ngo 1.19\n"

COMMANDS = [
    ("o", "align o"),
    ("pair", "align -t main.Pair[string,int]"),
    ("s", "align s"),
    ("m", "align m"),
    ("mk", "align mk"),
    ("a", "align a"),
    ("e", "align e"),
    ("q1", "align q[1]"),
    ("pp", "align pp"),
    ("ptr-t", "align -t *main.Order"),
    ("slice-t", "align -t []main.Order"),
]


def module(dirname, files, extra=None):
    """A module dir with some of gorder/'s files and extra {name: text}."""
    d = os.path.join(tmp, dirname)
    os.makedirs(d)
    for f in files:
        shutil.copy(os.path.join(SRC, f), d)
    for name, text in (extra or {}).items():
        with open(os.path.join(d, name), "w") as fh:
            fh.write(text)
    with open(os.path.join(d, "go.mod"), "w") as fh:
        fh.write(GO_MOD)
    return d


def go_build(d, genv, out, flags=()):
    rc, text = t.run(["go", "build"] + list(flags) + ["-o", out, "."], env=genv, cwd=d,
                     timeout=300)
    return rc, text


def pasted_size(version, genv, files, decl, imports, what):
    """unsafe.Sizeof(what) when decl replaces a file of the program."""
    check = ("package main\n\nimport (\n\t\"fmt\"\n\t\"unsafe\"\n)\n\n"
             "func main() { fmt.Println(unsafe.Sizeof(%s)) }\n" % what)
    text = "package main\n\n%s%s\n" % (imports, decl)
    d = module("paste-%s-%s" % (version, what.split("{")[0].split("[")[0]), files,
               {"pasted.go": text, "main.go": check})
    rc, out = go_build(d, genv, os.path.join(d, "p"))
    if rc != 0:
        return "does not build:\n%s\n%s" % (out, text)
    rc, out = t.run([os.path.join(d, "p")])
    return int(out.strip()) if rc == 0 else out


def suggested(text):
    m = re.search(r"// Suggested order \((\d+) bytes\):\n(type .*?\n\}\n)", text, re.S)
    return (int(m.group(1)), m.group(2)) if m else (None, None)


def one_release(version):
    # The user's build cache (keyed by toolchain) when there is one: a
    # fresh one compiles the standard library again for every release.
    genv = salib.go_env(version, t.go_env(tmp))
    d = module("prog-" + version, ["types.go", "pair.go", "order.go", "main.go"])
    program = os.path.join(d, "gorder")
    rc, out = go_build(d, genv, program, ["-gcflags=all=-N -l"])
    if not t.check(rc == 0, "Go %s builds gorder" % version, out):
        return
    rc, text = t.run([program])
    num = {m.group(1): int(m.group(2))
           for m in re.finditer(r"^(\w+ \w+) (-?\d+)$", text, re.M)}
    values = {m.group(1): m.group(2) for m in re.finditer(r"^value (\w+) (.*)$", text, re.M)}
    sec, out = t.gdb_session(program, COMMANDS, env=dict(env, GOTRACEBACK="none"),
                             stop="main.stop", after=["-ex", "kill"])
    missing = [n for n, _ in COMMANDS if n not in sec]
    if not t.check(not missing, "Go %s: GDB reads the program (DWARF %s)"
                   % (version, "5" if version >= "1.25" else "4"), out):
        return
    t.check("Traceback" not in out and "Python Exception" not in out,
            "Go %s: no Python traceback" % version, out)
    pre = "Go %s: " % version

    # --- align o: offsets, values, the pasted order
    members, _, summary = t.parse_align(sec["o"])
    for name in ("Paid", "Base", "Count", "Tag", "P", "Shape", "Note"):
        m = members.get(name)
        t.check(m is not None and m.offset == num["offsetof " + name],
                pre + "offset of %s is unsafe.Offsetof's" % name, repr(m))
    t.check(t.summary_number(summary, r"size: (\d+) bytes") == num["sizeof Order"],
            pre + "size is unsafe.Sizeof(Order)")
    for name in ("Paid", "Base", "Tag", "Count"):
        want = values[name].lstrip("&")
        got = members[name].value if name in members else None
        t.check(got == want, pre + "%s = %s as fmt %%+v prints it" % (name, want), repr(got))
    size, decl = suggested(sec["o"])
    t.check(decl is not None and decl.startswith("type Order struct {") and
            "\n\tBase\n" in decl and re.search(r"\n\tShape +Shape\n", decl) and
            re.search(r"\n\tCount +atomic.Int64\n", decl) and
            re.search(r"\n\tP +Pair\[string, int\]\n", decl),
            pre + "the suggested order is written as the source would be", decl)
    if decl:
        got = pasted_size(version, genv, ["types.go", "pair.go"], decl,
                          'import "sync/atomic"\n\n', "Order{}")
        t.check(got == size, pre + "the pasted Order builds and is %s bytes" % size, repr(got))
    size, decl = suggested(sec["pair"])
    t.check(decl is not None and decl.startswith("type Pair[K comparable, V any] struct {") and
            re.search(r"\n\tKey +K\n", decl), pre + "a generic record as its declaration", decl)
    if decl:
        got = pasted_size(version, genv, ["types.go", "order.go"], decl, "",
                          "Pair[string, int]{}")
        t.check(got == size == num["sizeof Pair"],
                pre + "the pasted Pair builds and is %s bytes" % size, repr(got))

    # --- slices, maps, interfaces, pointers
    sm, _, ssum = t.parse_align(sec["s"])
    n = num["len s"]
    t.check(sec["s"].strip().startswith("main.Order ") and
            t.summary_number(ssum, r"size: (\d+) bytes") == num["sizeof Order"] and
            any(l.startswith("%d instances: %d bytes now" % (n, n * num["sizeof Order"]))
                for l in ssum) and "every element checked" in sec["s"],
            pre + "align s: the element, len %d as the count, every element checked" % n,
            sec["s"])
    mm, _, msum = t.parse_align(sec["m"])
    n = num["len m"]
    t.check(sec["m"].strip().startswith("main.Order ") and "value type of m (len %d)" % n in
            sec["m"] and any(l.startswith("%d instances:" % n) for l in msum),
            pre + "align m: the value type, len %d as the count" % n, sec["m"])
    if version >= "1.24":
        slot = re.search(r"map slot \(Go 1.24\+ swiss table\): struct \{ key string; elem Order "
                         r"\}: (\d+) bytes", sec["m"])
        t.check(slot is not None and int(slot.group(1)) == num["sizeof slot"],
                pre + "the map slot is unsafe.Sizeof's %d bytes" % num["sizeof slot"], sec["m"])
    else:
        t.check("map buckets (Go before 1.24): 8 keys (string, 16 bytes each)" in sec["m"],
                pre + "the map bucket line", sec["m"])
    parts = sec["mk"].split("\nBase  (go/")
    t.check(sec["mk"].strip().startswith("main.Order ") and len(parts) == 2 and
            "key type of mk; static layout" in parts[1] and
            t.summary_number(t.parse_align("Base  (go/" + parts[1])[2], r"size: (\d+) bytes")
            == num["sizeof Base"], pre + "align mk (map[Base]Order): the value's layout, then "
            "the key's", sec["mk"])
    t.check(sec["a"].strip().startswith("main.Order ") and
            "dynamic type of a (runtime.eface): main.Order" in sec["a"] and
            t.summary_number(t.parse_align(sec["a"])[2], r"size: (\d+) bytes") ==
            num["sizeof Order"], pre + "align a: the Order behind any", sec["a"])
    t.check(sec["e"].strip().startswith("main.myErr ") and "*main.myErr" in sec["e"] and
            t.summary_number(t.parse_align(sec["e"])[2], r"size: (\d+) bytes") ==
            num["sizeof myErr"], pre + "align e: the *myErr behind error", sec["e"])
    qm = t.parse_align(sec["q1"])[0]
    t.check(qm.get("Tag") is not None and qm["Tag"].value == "9", pre + "align q[1]",
            sec["q1"])
    pm = t.parse_align(sec["pp"])[0]
    t.check(pm.get("Note") is not None and pm["Note"].value == '"hello"' and
            pm["Note"].offset == num["offsetof Note"], pre + "align pp through **Order",
            sec["pp"])
    tm = t.parse_align(sec["ptr-t"])[0]
    t.check(tm.get("Note") is not None and "pointed to by *main.Order" in sec["ptr-t"],
            pre + "align -t *main.Order", sec["ptr-t"])
    t.check(t.summary_number(t.parse_align(sec["slice-t"])[2], r"size: (\d+) bytes") ==
            num["sizeof Order"], pre + "align -t []main.Order: the element's layout",
            sec["slice-t"])
    raw = [m.value for m in list(members.values()) + list(sm.values()) if m.value]
    t.check(not any("array =" in v or "_type =" in v or "tab =" in v for v in raw),
            pre + "no raw {array, len, cap} or {tab, data}", repr(raw))


try:
    releases = salib.go_releases()
except salib.Skip as e:
    t.skip(str(e))
t.per_release(releases, one_release)
