#!/usr/bin/env python3
"""html_report.py - audit --format html read back from a real browser.

Builds the demo program (examples/orderbook) with its escape log, renders
`audit --format html` and `--format json` of the same run, loads the page in
headless Debian chromium (--dump-dom: the DOM after the script ran) and
checks, against the JSON document:
  - the summary's totals (types, wasteful types, bytes saved, heap bytes);
  - every table row: name, saved, size, optimal, count, and for heap types
    the size class now and optimal, heap bytes saved and heap sites;
  - every byte map box: each member's offset and size (data attributes),
    its rect's x and width at the map's px-per-byte, the holes and the tail
    padding, and the suggested order (names in order, optimal size);
  - that the page made no request (no src=/http), the script ran
    (data-ready) and logged no error (the page's own error hook, and
    chromium's console log on stderr);
  - with --all (90 types, past the 50 drawn inline), that the byte maps
    beyond are lazy <template>s holding the same checked boxes;
  - that names are HTML-escaped (the Go linker's hchan<T>, map<K,V>
    types come back from the browser's DOM as written);
  - audit --all of the system Go's cmd/go (thousands of types): every
    row and every byte map (lazy ones too) against the JSON, and the
    script's first table page holds 100 rows;
  - show --format html of a C struct built by gcc (its size and hole);
  - diff --format html of two gcc builds: each row against diff's JSON, and
    the old and new byte maps side by side against show --format json.
The sizes and offsets in the JSON are the compiler's (DWARF), cross-checked
against the model (model_agrees); main.Order's are also checked against
unsafe.Sizeof/Offsetof of the real compiler.
SKIP (77) without chromium or go.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

import salib  # tests/salib.py: this script's directory is on sys.path

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..")
SA = os.environ.get("STRUCTALIGN") or os.path.join(TOP, "build", "cli", "structalign")
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def skip(why):
    print("SKIP:", why)
    sys.exit(77)


class Dom(HTMLParser):
    """Collects the elements the checks need, with their attributes."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.rows = []  # table rows: {class: (data-v, text)}
        self.sections = []  # {name, maps: [{cls, ppb, bpr, gs:[...]}], lazy}
        self.summary = {}
        self.body = {}
        self.errors = ""
        self.cur_row = None
        self.cur_td = None
        self.cur_g = None
        self.cur_dd = None
        self.in_err = False
        self.in_template = False
        self.scripts = 0
        self.data_scripts = 0
        self.srcs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "src" in a or (a.get("href") or "#").split("#")[0]:
            self.srcs.append((tag, a))
        if tag == "body":
            self.body = a
        elif tag == "script" and a.get("type") == "application/json":
            self.data_scripts += 1
        elif tag == "script":
            self.scripts += 1
        elif tag == "pre" and a.get("id") == "js-errors":
            self.in_err = True
        elif tag == "dd" and a.get("id"):
            self.cur_dd = a["id"]
            self.summary[self.cur_dd] = a.get("data-v", "")
        elif tag == "tr" and "data-name" in a:
            self.cur_row = {"_name": a["data-name"], "_class": a.get("class") or ""}
            self.rows.append(self.cur_row)
        elif tag == "td" and self.cur_row is not None:
            self.cur_td = a.get("class", "")
            self.cur_row[self.cur_td] = [a.get("data-v"), ""]
        elif tag == "section":
            self.sections.append({"name": a["data-name"], "maps": [],
                                  "lazy": a.get("data-lazy") == "1"})
        elif tag == "template":
            self.in_template = True
            self.sections[-1]["lazy"] = True
        elif tag == "svg" and "data-ppb" in a:
            self.sections[-1]["maps"].append(
                {"cls": a["class"].split()[-1], "ppb": float(a["data-ppb"]),
                 "bpr": int(a["data-bpr"]), "gs": []})
        elif tag == "g" and self.sections and self.sections[-1]["maps"]:
            self.cur_g = dict(a, rects=[])
            self.sections[-1]["maps"][-1]["gs"].append(self.cur_g)
        elif tag == "rect" and self.cur_g is not None and a.get("class") != "unit":
            self.cur_g["rects"].append((float(a["x"]), float(a["width"])))
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()
        if tag == "tr":
            self.cur_row = None
        elif tag == "td":
            self.cur_td = None
        elif tag == "g":
            self.cur_g = None
        elif tag == "pre":
            self.in_err = False
        elif tag == "dd":
            self.cur_dd = None
        elif tag == "template":
            self.in_template = False

    def handle_data(self, data):
        if self.in_err:
            self.errors += data
        if self.cur_td is not None and self.cur_row is not None:
            self.cur_row[self.cur_td][1] += data


def chromium(path, work, fragment=""):
    exe = shutil.which("chromium")
    prof = tempfile.mkdtemp(dir=work)
    r = subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--user-data-dir=" + prof, "--enable-logging=stderr", "--v=0",
         "--dump-dom", "file://" + os.path.abspath(path) + fragment],
        capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "chromium exit %d: %s" % (r.returncode, r.stderr[-500:]))
    bad = [l for l in r.stderr.splitlines()
           if "CONSOLE" in l or "Uncaught" in l or "console" in l.lower()]
    check(not bad, "browser console: %s" % bad[:3])
    return r.stdout


def near(a, b):
    return abs(a - b) < 0.02


def check_map(sec, t):
    """The boxes of one section against the type's JSON object."""
    name = t["name"]
    cur = [m for m in sec["maps"] if m["cls"] == "current"]
    check(len(cur) == 1, "%s: one current byte map (got %d)" % (name, len(cur)))
    if not cur:
        return
    m = cur[0]
    ppb, bpr = m["ppb"], m["bpr"]
    members = [g for g in m["gs"] if g.get("class", "").startswith("m")]
    check(len(members) == len(t["fields"]),
          "%s: %d member boxes, JSON has %d fields" % (name, len(members), len(t["fields"])))
    for g, f in zip(members, t["fields"]):
        fname = f["name"] or f["type"]
        check(g["data-name"] == fname, "%s: box %r, field %r" % (name, g["data-name"], fname))
        check(int(g["data-off"]) == f["offset"] and int(g["data-size"]) == f["size"],
              "%s.%s: box at %s size %s, JSON offset %d size %d"
              % (name, fname, g["data-off"], g["data-size"], f["offset"], f["size"]))
        if "bit_size" in f or "bit_offset" in f or not f["size"]:
            continue
        # The rects cover the member's bytes, drawn to scale.
        width = sum(w for _, w in g["rects"])
        check(near(width, f["size"] * ppb),
              "%s.%s: drawn %.2f px wide, %d bytes x %g px" % (name, fname, width, f["size"], ppb))
        if g["rects"]:
            check(near(g["rects"][0][0], (f["offset"] % bpr) * ppb),
                  "%s.%s: drawn at x=%.2f, offset %d" % (name, fname, g["rects"][0][0], f["offset"]))
    holes = [(float(g["data-off"]), float(g["data-size"])) for g in m["gs"]
             if g.get("class") == "hole"]
    check(holes == [(h["offset"], h["size"]) for h in t["holes"]],
          "%s: hatched holes %s, JSON %s" % (name, holes, t["holes"]))
    tails = [float(g["data-size"]) for g in m["gs"] if g.get("class") == "tail"]
    check(tails == ([t["tail_padding"]] if t["tail_padding"] else []),
          "%s: tail %s, JSON %d" % (name, tails, t["tail_padding"]))
    opt = [m for m in sec["maps"] if m["cls"] == "optimal"]
    if t["reclaimable"] and opt:
        names = [g["data-name"] for g in opt[0]["gs"] if g.get("class", "").startswith("m")]
        check(names == t["optimal_order"],
              "%s: suggested order %s, JSON %s" % (name, names, t["optimal_order"]))
        end = max(float(g["data-off"]) + float(g["data-size"]) for g in opt[0]["gs"])
        check(end == t["optimal_size"],
              "%s: suggested map ends at %g, optimal_size %d" % (name, end, t["optimal_size"]))


def check_page(tag, dom, types, nrows, nmaps):
    """A page's table and byte maps against the JSON types (in the
    ranking's order): the rows are the first nrows types, the byte-map
    sections the first nmaps, in order; every row (check_rows) and every
    map's boxes (check_map) agree with its type."""
    rows = [r["_name"] for r in dom.rows]
    want = [t["name"] for t in types[:nrows]]
    check(rows == want, "%s: %d table rows %s, want the first %d types %s"
          % (tag, len(rows), rows[:5], len(want), want[:5]))
    check_rows(tag, dom.rows, types)
    maps = [x["name"] for x in dom.sections]
    want = [t["name"] for t in types[:nmaps]]
    check(maps == want, "%s: %d byte maps %s, want the first %d types %s"
          % (tag, len(maps), maps[:5], len(want), want[:5]))
    for sec, t in zip(dom.sections, types):
        check_map(sec, t)


def check_report(args, work, tag, want_lazy):
    html_path = os.path.join(work, tag.replace("/", "") + ".html")
    with open(html_path, "w") as f:
        r = subprocess.run([SA, "audit", "--format", "html"] + args, stdout=f,
                           stderr=subprocess.PIPE, text=True)
    check(r.returncode == 0, "%s: audit --format html exit %d: %s" % (tag, r.returncode, r.stderr))
    r = subprocess.run([SA, "audit", "--format", "json"] + args, capture_output=True, text=True)
    check(r.returncode == 0, "%s: audit --format json exit %d" % (tag, r.returncode))
    doc = json.loads(r.stdout)
    raw = open(html_path).read()
    check("http://" not in raw and "https://" not in raw, "%s: the page names a URL" % tag)
    types = doc["types"]
    first = [t["name"] for t in types[:100]]
    # Without script: the summary, the first table page and the first 50
    # byte maps are plain HTML.
    nojs = Dom()
    nojs.feed(raw)
    check_summary(tag + " (no script)", nojs, doc)
    check_page(tag + " (no script)", nojs, types, 100, 50)
    # As loaded: the script draws the first page of the table.
    dom = browse(html_path, work, tag, doc)
    shown = [r for r in dom.rows if "hidden" not in r.get("_class", "")]
    check([r["_name"] for r in shown] == first,
          "%s: %d rows on the first page, want the first %d types"
          % (tag, len(shown), len(first)))
    check_rows(tag, dom.rows, types)
    # #all (the test hook): every row and every byte map drawn, the lazy
    # ones by the script from the page's data.
    full = browse(html_path, work, tag + "#all", doc, "#all")
    check_page(tag + "#all", full, types, len(types), len(types))
    nlazy = sum(sec["lazy"] for sec, _ in zip(full.sections, types))
    if want_lazy:
        check(nlazy > 0, "%s: no lazy byte map among %d types" % (tag, len(types)))
    else:
        check(nlazy == 0, "%s: %d lazy byte maps" % (tag, nlazy))
    # #sort=z: the first page sorted by size, largest first, ties in the
    # ranking's order.
    by_size = sorted(types, key=lambda t: -t["size"])
    srt = browse(html_path, work, tag + "#sort=z", doc, "#sort=z")
    check([r["_name"] for r in srt.rows] == [t["name"] for t in by_size[:100]],
          "%s#sort=z: first page %s, JSON by size %s"
          % (tag, [r["_name"] for r in srt.rows][:5], [t["name"] for t in by_size[:5]]))
    check_rows(tag + "#sort=z", srt.rows, by_size)
    return doc, dom


def browse(html_path, work, tag, doc, fragment=""):
    """The page in chromium (with a URL fragment for the script's test
    hooks): it loaded, its one script ran without error, no request."""
    dom = Dom()
    dom.feed(chromium(html_path, work, fragment))
    check(dom.body.get("data-ready") == "1", "%s: the page's script did not finish" % tag)
    check(dom.errors.strip() == "", "%s: script errors: %s" % (tag, dom.errors))
    check(dom.scripts == 1, "%s: %d scripts, want the one inline" % (tag, dom.scripts))
    check(dom.data_scripts <= 1, "%s: %d data blocks" % (tag, dom.data_scripts))
    check(not dom.srcs, "%s: external references %s" % (tag, dom.srcs[:3]))
    check_summary(tag, dom, doc)
    return dom


def check_summary(tag, dom, doc):
    s = dom.summary
    check(s.get("s-total") == str(doc["total_bytes_saved"]),
          "%s: summary total %s, JSON %s" % (tag, s.get("s-total"), doc["total_bytes_saved"]))
    if "total_heap_bytes_saved" in doc:
        check(s.get("s-heap-total") == str(doc["total_heap_bytes_saved"]),
              "%s: summary heap %s, JSON %s" % (tag, s.get("s-heap-total"),
                                               doc["total_heap_bytes_saved"]))


def check_rows(tag, rows, types):
    """Each table row against the JSON type of the same name."""
    by_name = {t["name"]: t for t in types}
    for row in rows:
        t = by_name.get(row["_name"])
        check(t is not None, "%s: row %s is no JSON type" % (tag, row["_name"]))
        if t is None:
            continue
        for cls, key in (("saved", "bytes_saved"), ("size", "size"), ("opt", "optimal_size"),
                         ("count", "count")):
            check(row[cls][0] == str(t[key]) and row[cls][1] == str(t[key]),
                  "%s: %s %s %s, JSON %s" % (tag, t["name"], cls, row[cls], t[key]))
        # The heap column is the ranking key: the heap bytes owed to the type
        # (its own order at its sites, plus what it saves in the heap types
        # holding it by value).
        if t.get("carried_into") and not t.get("escapes") and t.get("heap_bytes_owed"):
            check(row["heap"][0] == str(t["heap_bytes_owed"]),
                  "%s: %s carried heap %s, JSON %s" % (tag, t["name"], row["heap"],
                                                       t["heap_bytes_owed"]))
        if t.get("escapes"):
            for cls, key in (("class", "size_class"), ("oclass", "optimal_size_class"),
                             ("heap", "heap_bytes_owed")):
                check(row[cls][0] == str(t[key]),
                      "%s: %s %s %s, JSON %s" % (tag, t["name"], cls, row[cls], t[key]))
            check(row["nsites"][0] == str(len(t["escapes"])),
                  "%s: %s heap sites %s, JSON %d" % (tag, t["name"], row["nsites"],
                                                      len(t["escapes"])))


def check_go_truth(work, src):
    """main.Order's size and offsets from the real compiler."""
    go = shutil.which("go")
    d = os.path.join(work, "truth")
    with open(os.path.join(src, "main.go")) as f:
        text = f.read()
    start = text.index("type Order struct")
    end = text.index("\n}\n", start) + 3
    prog = ("package main\n\nimport (\n\t\"fmt\"\n\t\"unsafe\"\n)\n\ntype Trader struct{}\n\n" +
            text[start:end] +
            "\nfunc main() {\n\tvar o Order\n\tfmt.Println(unsafe.Sizeof(o), "
            "unsafe.Offsetof(o.Quantity), unsafe.Offsetof(o.Expires))\n}\n")
    salib.write_tree(d, {"main.go": prog, "go.mod": "module truth\n\ngo 1.19\n"})
    env = dict(os.environ, GOFLAGS="", GOWORK="off", GOTOOLCHAIN="local", CGO_ENABLED="0")
    r = subprocess.run([go, "run", "."], cwd=d, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        check(False, "go run of main.Order's truth: %s" % r.stderr[-400:])
        return None
    return [int(x) for x in r.stdout.split()]


def browse_output(argv, page, work, tag):
    """The page `structalign ARGV` (a --format html command) writes, saved
    to page and loaded in chromium: the command exited 0 and the page's
    script finished (tag names the case in the messages)."""
    r = subprocess.run([SA] + argv, capture_output=True, text=True)
    check(r.returncode == 0, "%s exit %d: %s" % (" ".join(argv[:3]), r.returncode, r.stderr))
    with open(page, "w") as f:
        f.write(r.stdout)
    dom = Dom()
    dom.feed(chromium(page, work))
    check(dom.body.get("data-ready") == "1", "%s: the page's script did not finish" % tag)
    return dom


def show_json(binary, name):
    """The JSON object of one type: `show --format json BINARY NAME`."""
    r = subprocess.run([SA, "show", "--format", "json", binary, name], capture_output=True,
                       text=True)
    return json.loads(r.stdout)["types"][0]


def check_diff(work):
    """diff --format html of two gcc builds: the table against diff's JSON,
    each side's byte map against show --format json of its binary."""
    d = os.path.join(work, "diff")
    os.makedirs(d)
    srcs = {"old": "struct amp { char a; double b; int c; };\nstruct gone { int x; };\n"
                   "struct amp v; struct gone g;\n",
            "new": "struct amp { char a; double b; char z; long c; };\n"
                   "struct fresh { int y; };\nstruct amp v; struct fresh f;\n"}
    bins = {}
    for k, text in srcs.items():
        with open(os.path.join(d, k + ".c"), "w") as f:
            f.write(text + "int main(void) { return 0; }\n")
        bins[k] = os.path.join(d, k)
        subprocess.run(["gcc", "-g", "-O0", "-o", bins[k], os.path.join(d, k + ".c")], check=True)
    args = ["--count", "amp=10", bins["old"], bins["new"]]
    r = subprocess.run([SA, "diff", "--format", "json"] + args, capture_output=True, text=True)
    doc = json.loads(r.stdout)
    dom = browse_output(["diff", "--format", "html"] + args, os.path.join(d, "diff.html"), work,
                        "diff")
    check(dom.errors.strip() == "", "diff: script errors: %s" % dom.errors)
    check([r["_name"] for r in dom.rows] == [t["name"] for t in doc["types"]],
          "diff: rows %s, JSON %s" % ([r["_name"] for r in dom.rows], doc["types"]))
    for row, t in zip(dom.rows, doc["types"]):
        check(row["change"][0] == t["change"], "diff: %s change %s" % (t["name"], row["change"]))
        for cls, key in (("osize", "old_size"), ("opad", "old_padding"), ("nsize", "new_size"),
                         ("npad", "new_padding"), ("count", "count"), ("delta", "bytes_delta")):
            if key in t:
                check(row.get(cls, [None])[0] == str(t[key]),
                      "diff: %s %s %s, JSON %s" % (t["name"], cls, row.get(cls), t[key]))
    both = [t["name"] for t in doc["types"] if "old_size" in t and "new_size" in t]
    check([s["name"] for s in dom.sections] == both,
          "diff: side-by-side maps for %s, want %s" % ([s["name"] for s in dom.sections], both))
    for sec in dom.sections:
        check(len(sec["maps"]) == 2, "diff: %s has %d maps" % (sec["name"], len(sec["maps"])))
        for side, m in zip(("old", "new"), sec["maps"]):
            t = show_json(bins[side], sec["name"])
            t["reclaimable"] = 0  # the diff draws no suggested order
            check_map({"maps": [m]}, t)


def cmd_go(work):
    """The system Go's cmd/go, shared with audit_check.py's cache (same
    name: go-VERSION-amd64 under $top_builddir/tests/gotool-cache)."""
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True,
                            text=True).stdout.strip()
    with open(os.path.join(goroot, "VERSION")) as f:
        version = f.readline().strip()
    cache = os.path.join(os.path.abspath(os.environ.get("top_builddir", ".")), "tests",
                         "gotool-cache")
    exe = os.path.join(cache, "go-%s-amd64" % version)
    if not os.path.exists(exe):
        os.makedirs(cache, exist_ok=True)
        env = dict(os.environ, GOFLAGS="", GOWORK="off", GOARCH="amd64", GOOS="linux")
        tmp = exe + ".html.tmp"
        p = subprocess.run(["go", "build", "-o", tmp, "."], cwd=os.path.join(goroot, "src", "cmd",
                                                                              "go"),
                           env=env, capture_output=True, text=True)
        if p.returncode != 0:
            check(False, "building cmd/go: " + p.stderr[-400:])
            return None
        os.rename(tmp, exe)
    return exe


def check_cmd_go(work):
    """Every type of cmd/go (thousands: past the table's first page and
    the 50 inline maps), in the browser, against the JSON."""
    exe = cmd_go(work)
    if exe is None:
        return
    import time
    t0 = time.monotonic()
    doc, dom = check_report(["--all", exe], work, "cmd/go", True)
    print("cmd/go: %d types, page %d bytes, checked in %.1f s"
          % (len(doc["types"]), os.path.getsize(os.path.join(work, "cmdgo.html")),
             time.monotonic() - t0))
    check(len(dom.rows) == 100, "cmd/go: %d rows on the first page, want 100" % len(dom.rows))
    # Opening one type (its link, #tN) draws its byte maps, and only its.
    last = len(doc["types"]) - 1
    one = browse(os.path.join(work, "cmdgo.html"), work, "cmd/go#t%d" % last, doc, "#t%d" % last)
    drawn = [x for x in one.sections if x["lazy"]]
    check([x["name"] for x in drawn] == [doc["types"][last]["name"]],
          "cmd/go#t%d: drew %s, want only %s" % (last, [x["name"] for x in drawn][:3],
                                                 doc["types"][last]["name"]))
    for sec in drawn:
        check_map(sec, doc["types"][last])


def main():
    if not shutil.which("chromium"):
        skip("chromium not found (Debian package chromium): the HTML report is not tested "
             "in a browser")
    if not shutil.which("go"):
        skip("go not found (Debian package golang-go)")
    work = tempfile.mkdtemp(prefix="sa-html-")
    try:
        src = os.path.abspath(os.path.join(TOP, "examples", "orderbook"))
        binary = os.path.join(work, "orderbook")
        log = os.path.join(work, "escape.log")
        env = dict(os.environ, GOFLAGS="", GOWORK="off", CGO_ENABLED="0")
        r = salib.build_module(src, env, binary, "-m", log)
        if r.returncode != 0:
            check(False, "go build of examples/orderbook failed: " + open(log).read()[-400:])
            return 1
        base = ["--escape", log, "--src", src, "--count", "main.Order=100M",
                "--no-compiler-types", binary]
        doc, _ = check_report(base, work, "demo", False)
        order = [t for t in doc["types"] if t["name"] == "main.Order"]
        check(len(order) == 1, "main.Order not in the report")
        truth = check_go_truth(work, src)
        if order and truth:
            fields = {f["name"]: f["offset"] for f in order[0]["fields"]}
            check([order[0]["size"], fields.get("Quantity"), fields.get("Expires")] == truth,
                  "main.Order size/offsets %s, unsafe says %s"
                  % ([order[0]["size"], fields.get("Quantity"), fields.get("Expires")], truth))
        # Every type, the compiler's too: past the 50 maps drawn inline,
        # and names like hchan<int> or map<string,int> that are markup
        # unless escaped.
        _, dom = check_report(["--all"] + [a for a in base if a != "--no-compiler-types"],
                              work, "all", True)
        marked = [s["name"] for s in dom.sections if "<" in s["name"]]
        check(marked, "all: no type name with '<' to check the escaping with")
        # show --format html: escaping of names that are markup.
        cdir = os.path.join(work, "c")
        os.makedirs(cdir)
        with open(os.path.join(cdir, "x.c"), "w") as f:
            f.write("struct amp { char a; double b; };\n"
                    "struct amp v;\nint main(void) { return 0; }\n")
        if shutil.which("gcc"):
            cbin = os.path.join(cdir, "x")
            subprocess.run(["gcc", "-g", "-O0", "-o", cbin, os.path.join(cdir, "x.c")],
                           check=True)
            dom = browse_output(["show", "--format", "html", cbin, "amp"],
                                os.path.join(cdir, "show.html"), work, "show")
            check(len(dom.sections) == 1 and dom.sections[0]["name"] == "amp",
                  "show: sections %s" % [s["name"] for s in dom.sections])
            t = show_json(cbin, "amp")
            check(t["size"] == 16 and t["holes"] == [{"offset": 1, "size": 7}],
                  "show: amp is %s" % t)
            if dom.sections:
                check_map(dom.sections[0], t)
            check_diff(work)
        check_cmd_go(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        return 1
    print("ok: the HTML report's table and byte maps match the JSON in chromium")
    return 0


if __name__ == "__main__":
    sys.exit(main())
