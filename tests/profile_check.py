#!/usr/bin/env python3
"""`structalign audit|show --profile` against the Go runtime, on each Go
release the suite tests (salib.go_releases(): 1.19, 1.24, 1.27 by default).

The truth, per release (tests/profile/truth):
  - run without arguments, the program prints what the runtime says: each
    padded type's allocation line (runtime.Caller), how many objects the
    profiled run allocates and keeps live, and the bytes one object takes
    in the allocator, as declared and in the smallest order
    (MemStats.TotalAlloc over 1000 allocations);
  - run with a path, it makes those allocations with MemProfileRate = 1 and
    writes its heap profile: structalign must report exactly those counts,
    lines and bytes, the bytes saved per allocation and in the live heap,
    and rank the types by them;
  - run with -default, it allocates 200 times as many at the default rate:
    the un-sampled counts per function must be those `go tool pprof
    -sample_index=inuse_objects -top` (and alloc_objects) prints.
Bad input: a CPU profile (written by Go), a profile of another program,
truncated, non-gzip and non-protobuf files: exit 2 with a clear message.
"""
import csv
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import salib  # noqa: E402

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..")
TRUTH_SRC = os.path.abspath(os.path.join(TOP, "tests", "profile", "truth"))
CPU_SRC = os.path.abspath(os.path.join(TOP, "tests", "profile", "cpu"))
OTHER_SRC = os.path.abspath(os.path.join(TOP, "examples", "orderbook"))
TYPES = ["main.Small", "main.Ptr", "main.Wide", "main.Same", "main.Pair", "main.Quad"]
FUNCS = {"main.Small": "main.newSmall", "main.Ptr": "main.newPtr", "main.Wide": "main.newWide",
         "main.Same": "main.newSame", "main.Pair": "main.newPairQuad",
         "main.Quad": "main.newPairQuad"}


def sh(cmd, env=None, cwd=None, check=True):
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr[-2000:]))
    return p


def by_name(doc):
    return {t["name"]: t for t in doc["types"]}


def pprof_top(env, binary, prof, index):
    """{function: flat} from `go tool pprof -sample_index=INDEX -top`."""
    out = sh(["go", "tool", "pprof", "-sample_index=" + index, "-top", "-nodecount=1000",
              "-nodefraction=0", "-edgefraction=0", binary, prof], env=env).stdout
    flat = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+)\s+\S+%\s+\S+%\s+\S+\s+\S+%\s+(\S+)$", line)
        if m:
            flat[m.group(2)] = m.group(1)
    if not flat:
        raise RuntimeError("go tool pprof -top printed no rows:\n" + out)
    return flat


def pprof_value(text):
    """pprof's count as printed: 1234, 1.23k, 4.5M...; with the precision
    it was printed to (half a unit of its last digit)."""
    m = re.match(r"^([0-9.]+)([kMGTE]?)$", text)
    if not m:
        raise RuntimeError("unexpected pprof number %r" % text)
    scale = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "E": 1e18}[m.group(2)]
    digits = m.group(1)
    frac = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits) * scale, 0.5 * scale * 10 ** -frac


def check_release(v, sa, d, fails, first):
    env = salib.go_env(v)
    exe, log = os.path.join(d, "truth"), os.path.join(d, "build.log")
    p = salib.build_module(TRUTH_SRC, env, exe, "-m", log)
    if p.returncode != 0:
        fails.append("Go %s: go build failed (%s)" % (v, open(log).read()[-500:]))
        return
    truth = json.loads(sh([exe], env=env).stdout)
    prof = os.path.join(d, "heap.pprof")
    sh([exe, prof], env=env)
    base = ["audit", "--profile", prof, "--escape", log, "--src", TRUTH_SRC, "--filter", "main.*"]

    def fail(msg):
        fails.append("Go %s: %s" % (v, msg))

    # -- exact counts, lines and bytes (MemProfileRate = 1)
    doc = json.loads(sh([sa] + base + ["--format", "json", exe]).stdout)
    types = by_name(doc)
    if doc.get("profile", {}).get("period") != 1 or doc["profile"].get("exact") is not True:
        fail("profile.period/exact: %r" % doc.get("profile"))
    for name in TYPES:
        t, want = types.get(name), truth[name]
        m = t and t.get("measured")
        if not m:
            fail("%s: not listed with measurements" % name)
            continue
        saved = want["bytes"] - want["opt_bytes"]
        expect = {"inuse_objects": want["live"], "alloc_objects": want["allocated"],
                  "inuse_bytes": want["live"] * want["bytes"],
                  "alloc_bytes": want["allocated"] * want["bytes"],
                  "object_size": want["bytes"], "size_class": want["bytes"],
                  "optimal_size_class": want["opt_bytes"], "saved_per_allocation": saved,
                  "inuse_bytes_saved": saved * want["live"],
                  "alloc_bytes_saved": saved * want["allocated"],
                  "count": want["live"], "sample": "inuse", "arrays": False}
        for k, w in expect.items():
            if m.get(k) != w:
                fail("%s: measured.%s = %r, the runtime says %r" % (name, k, m.get(k), w))
        lines = [(os.path.basename(s["file"]), s["line"], s["function"]) for s in m["sites"]]
        if lines != [("main.go", want["line"], FUNCS[name])]:
            fail("%s: sites %r, want main.go:%d in %s" % (name, lines, want["line"],
                                                           FUNCS[name]))
        if t["count"] != want["live"]:
            fail("%s: count %r, want the %d live objects" % (name, t["count"], want["live"]))
    ranked = [t["name"] for t in doc["types"] if t.get("measured")]
    want_rank = sorted(TYPES, key=lambda n: -(truth[n]["bytes"] - truth[n]["opt_bytes"])
                       * truth[n]["live"])
    if ranked != want_rank:
        fail("ranking by live bytes saved: %r, want %r" % (ranked, want_rank))
    untyped = [u for u in doc["profile"].get("untyped_sites", [])
               if u["function"] in FUNCS.values()]
    if untyped:
        fail("untyped sites: %r" % untyped[:3])

    # -- --sample alloc: counts and ranking by all allocations
    doc = json.loads(sh([sa] + base + ["--sample", "alloc", "--format", "json", exe]).stdout)
    types = by_name(doc)
    for name in TYPES:
        m = types.get(name, {}).get("measured") or {}
        if m.get("count") != truth[name]["allocated"] or m.get("sample") != "alloc":
            fail("--sample alloc: %s count %r, want %d" % (name, m.get("count"),
                                                            truth[name]["allocated"]))
    ranked = [t["name"] for t in doc["types"] if t.get("measured")]
    want_rank = sorted(TYPES, key=lambda n: -(truth[n]["bytes"] - truth[n]["opt_bytes"])
                       * truth[n]["allocated"])
    if ranked != want_rank:
        fail("--sample alloc ranking: %r, want %r" % (ranked, want_rank))

    if not first:
        return
    # The rest does not depend on the release: once.
    # -- standard input: the same numbers
    with open(prof, "rb") as f:
        p = subprocess.run([sa, "audit", "--profile", "-", "--escape", log, "--src", TRUTH_SRC,
                            "--filter", "main.*", "--format", "json", exe], stdin=f,
                           capture_output=True, text=True, timeout=600)
    m = p.returncode == 0 and by_name(json.loads(p.stdout)).get("main.Ptr", {}).get("measured")
    if not m or m.get("inuse_objects") != truth["main.Ptr"]["live"]:
        fail("--profile - (standard input): exit %d, %r" % (p.returncode, p.stderr[:300]))
    # -- --count overrides one type; the others stay measured
    doc = json.loads(sh([sa] + base + ["--count", "main.Small=5", "--format", "json",
                                       exe]).stdout)
    types = by_name(doc)
    if types["main.Small"]["count"] != 5 or types["main.Ptr"]["count"] != truth["main.Ptr"]["live"]:
        fail("--count main.Small=5: counts %r and %r" % (types["main.Small"]["count"],
                                                         types["main.Ptr"]["count"]))
    # -- text: the counts are said to be exact
    text = sh([sa] + base + [exe]).stdout
    for want in ("every allocation recorded (MemProfileRate = 1): the counts are exact",
                 "MEASURED SAVED", "%d bytes saved per allocation"
                 % (truth["main.Ptr"]["bytes"] - truth["main.Ptr"]["opt_bytes"])):
        if want not in text:
            fail("text output lacks %r" % want)
    # -- CSV
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(
        sh([sa] + base + ["--format", "csv", exe]).stdout))}
    r = rows.get("main.Ptr", {})
    if (r.get("measured_inuse_objects") != str(truth["main.Ptr"]["live"])
            or r.get("count") != str(truth["main.Ptr"]["live"])
            or r.get("measured_size_class") != str(truth["main.Ptr"]["bytes"])):
        fail("CSV row of main.Ptr: %r" % r)
    # -- SARIF: the count in the message is the measured one
    sarif = json.loads(sh([sa] + base + ["--format", "sarif", exe]).stdout)
    msgs = [res["message"]["text"] for res in sarif["runs"][0]["results"]]
    want = "at %d instances (measured: live)" % truth["main.Small"]["live"]
    if not any(mm.startswith("main.Small ") and want in mm for mm in msgs):
        fail("SARIF: no main.Small result with %r" % want)
    # -- show
    doc = json.loads(sh([sa, "show", "--profile", prof, "--escape", log, "--src", TRUTH_SRC,
                         "--format", "json", exe, "main.Wide"]).stdout)
    m = doc["types"][0].get("measured") or {}
    if m.get("inuse_objects") != truth["main.Wide"]["live"]:
        fail("show --profile: main.Wide measured %r" % m)
    # -- diff --profile: OLD's measured counts weigh the growth (a copy of
    # the program whose Small gained a field is NEW)
    grown = os.path.join(d, "grown")
    shutil.copytree(TRUTH_SRC, grown)
    src = open(os.path.join(grown, "main.go")).read()
    marker = "type Small struct {\n\tA bool\n\tB int64\n\tC bool\n"
    if marker not in src:
        fail("diff --profile: the truth program's Small changed; update this test")
    else:
        with open(os.path.join(grown, "main.go"), "w") as f:
            f.write(src.replace(marker, marker + "\tD int64\n"))
        new = os.path.join(d, "truth-grown")
        sh(["go", "build", "-o", new, "."], cwd=grown, env=env)
        doc = json.loads(sh([sa, "diff", "--profile", prof, "--escape", log, "--src", TRUTH_SRC,
                             "--filter", "main.Small", "--format", "json", exe, new]).stdout)
        t = doc["types"][0] if doc.get("types") else {}
        live = truth["main.Small"]["live"]
        if (t.get("change") != "grew" or t.get("count") != live
                or t.get("bytes_delta") != (t["new_size"] - t["old_size"]) * live
                or doc.get("profile", {}).get("period") != 1):
            fail("diff --profile: %r (want main.Small grown, count %d)" % (t, live))
    # -- build IDs: the same program linked with two GNU build IDs (-B);
    # the profile of one names the other's mismatch (readelf's truth)
    ids = {}
    for k, bid in (("b1", "0x" + "11" * 20), ("b2", "0x" + "22" * 20)):
        ids[k] = os.path.join(d, k)
        sh(["go", "build", "-ldflags=-B " + bid, "-o", ids[k], "."], cwd=TRUTH_SRC, env=env)
    note = sh(["readelf", "-n", ids["b1"]]).stdout if shutil.which("readelf") else ""
    b1prof = os.path.join(d, "b1.pprof")
    sh([ids["b1"], b1prof], env=env)
    p = sh([sa, "audit", "--profile", b1prof, ids["b2"]], check=False)
    if (p.returncode != 2 or "build ID " + "11" * 20 not in p.stderr
            or "has " + "22" * 20 not in p.stderr):
        fail("profile of another build ID: exit %d, %r" % (p.returncode, p.stderr[:300]))
    doc = json.loads(sh([sa, "audit", "--profile", b1prof, "--format", "json", ids["b1"]]).stdout)
    if doc["profile"].get("build_id") != "11" * 20 or (note and "11" * 20 not in note):
        fail("build_id of the profile: %r" % doc["profile"].get("build_id"))
    # -- no escape log: every site untyped, and the user told how to get one
    p = sh([sa] + base[:3] + [exe], check=False)
    if p.returncode != 0 or "pass --escape build.log" not in p.stdout + p.stderr:
        fail("--profile without --escape: exit %d, no hint how to get the log" % p.returncode)

    # -- bad input
    cpu_exe, cpu = os.path.join(d, "cpu"), os.path.join(d, "cpu.pprof")
    sh(["go", "build", "-o", cpu_exe, "."], cwd=CPU_SRC, env=env)
    sh([cpu_exe, cpu], env=env)
    raw = open(prof, "rb").read()
    bad = {"truncated.pprof": raw[:len(raw) // 2],
           "plain.pprof": gzip.decompress(raw),
           "junk.pprof": gzip.compress(b"\xff\xfe this is not a protobuf \x00\x07" * 7),
           "empty.pprof": b"",
           "text.pprof": b"heap profile: 1: 16 [1: 16] @ heap/524288\n"}
    wants = {"truncated.pprof": "truncated", "plain.pprof": "not gzip-compressed",
             "junk.pprof": "not a pprof profile", "empty.pprof": "empty file",
             "text.pprof": "legacy text format", cpu: "a CPU profile, not a heap profile"}
    for name, data in bad.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    for path, want in wants.items():
        path = path if os.path.isabs(path) else os.path.join(d, path)
        p = sh([sa, "audit", "--profile", path, exe], check=False)
        if p.returncode != 2 or want not in p.stderr or "hint:" not in p.stderr or p.stdout:
            fail("--profile %s: exit %d, stderr %r (want exit 2 and %r)"
                 % (os.path.basename(path), p.returncode, p.stderr[:300], want))
    # A profile of another program: the order book's binary.  When both
    # carry a GNU build ID (Go 1.24 on links one by default; the profile
    # records its executable's), the differing IDs are the refusal; without
    # them, none of the profile's functions being in the binary is.
    other = os.path.join(d, "orderbook")
    sh(["go", "build", "-o", other, "."], cwd=OTHER_SRC, env=env)
    p = sh([sa, "audit", "--profile", prof, other], check=False)
    ids = (salib.gnu_build_id(exe), salib.gnu_build_id(other))
    if all(ids) and ids[0] != ids[1]:
        want = ("a profile of another binary", "build ID " + ids[0], "has " + ids[1])
    else:
        want = ("a profile of another program",)
    if p.returncode != 2 or not all(w in p.stderr for w in want) or "hint:" not in p.stderr:
        fail("profile of another program (GNU build IDs %s): exit %d, %r (want exit 2 and %r)"
             % (ids, p.returncode, p.stderr[:300], want))


def check_default_rate(v, sa, d, fails):
    """At the default rate the numbers are estimates: they must be what
    go tool pprof shows, function by function (d: check_release's)."""
    env = salib.go_env(v)
    exe, log = os.path.join(d, "truth"), os.path.join(d, "build.log")
    prof = os.path.join(d, "heapd.pprof")
    sh([exe, "-default", prof], env=env)
    doc = json.loads(sh([sa, "audit", "--profile", prof, "--escape", log, "--src", TRUTH_SRC,
                         "--all", "--filter", "main.*", "--format", "json", exe]).stdout)
    if doc["profile"]["period"] != 512 * 1024 or doc["profile"]["exact"]:
        fails.append("Go %s: default-rate period %r" % (v, doc["profile"]["period"]))
    text = sh([sa, "audit", "--profile", prof, "--escape", log, "--src", TRUTH_SRC,
               exe]).stdout
    if "un-sampled estimates (runtime/pprof scaleHeapSample)" not in text:
        fails.append("Go %s: the text does not say the counts are un-sampled estimates" % v)
    for index, key in (("inuse_objects", "inuse_objects"), ("alloc_objects", "alloc_objects")):
        ours = {}
        for t in doc["types"]:
            for s in (t.get("measured") or {}).get("sites", []):
                ours[s["function"]] = ours.get(s["function"], 0) + s[key]
        top = pprof_top(env, exe, prof, index)
        for fn in sorted(set(FUNCS.values())):
            got = ours.get(fn, 0)
            if fn not in top:
                if got != 0:
                    fails.append("Go %s: %s: %s %d, go tool pprof shows none" % (v, index, fn,
                                                                               got))
                continue
            val, tol = pprof_value(top[fn])
            if abs(got - val) > tol:
                fails.append("Go %s: %s of %s: structalign %d, go tool pprof %s"
                             % (v, index, fn, got, top[fn]))


def main():
    checked = []  # the first release checked also runs the release-free cases

    def one_release(sa, v, d, fails):
        check_release(v, sa, d, fails, not checked)
        check_default_rate(v, sa, d, fails)
        checked.append(v)
        print("Go %s: checked" % v)
    return salib.check_releases(one_release, "sa-profile-", own_dirs=True)


if __name__ == "__main__":
    sys.exit(salib.run_main(main))
