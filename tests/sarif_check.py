#!/usr/bin/env python3
"""sarif_check.py - `audit --format sarif` and `diff --format sarif`.

Two builds of a small C program (gcc -g): the new one has a struct that
grew and one that gained padding.  Both SARIF documents are parsed with the
json module and checked against the required properties of SARIF 2.1.0
(version, runs[].tool.driver.name, results[].message.text, ruleId declared
in the driver's rules, level in the allowed set, physicalLocation with an
artifactLocation.uri and a region.startLine >= 1 where present).  The full
2.1.0 JSON schema is not available offline, so this is not a schema
validation.  Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

OLD = """struct padded { char a; long b; char c; };
struct grows { int a; };
struct gains { int a, b, c, d; };
struct padded p; struct grows g; struct gains s;
int main(void) { return 0; }
"""
NEW = """struct padded { char a; long b; char c; };
struct grows { int a; long b; };
struct gains { long a; char b; };
struct padded p; struct grows g; struct gains s;
int main(void) { return 0; }
"""
LEVELS = {"none", "note", "warning", "error"}


def check_sarif(doc, what, fails):
    if doc.get("version") != "2.1.0":
        fails.append("%s: version %r" % (what, doc.get("version")))
    runs = doc.get("runs")
    if not isinstance(runs, list) or not runs:
        fails.append("%s: no runs" % what)
        return []
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    if not isinstance(driver.get("name"), str):
        fails.append("%s: tool.driver.name missing" % what)
    rules = {r.get("id") for r in driver.get("rules", [])}
    results = run.get("results")
    if not isinstance(results, list):
        fails.append("%s: results is not a list" % what)
        return []
    for r in results:
        if not isinstance(r.get("message", {}).get("text"), str):
            fails.append("%s: result without message.text: %s" % (what, r))
        if r.get("ruleId") not in rules:
            fails.append("%s: ruleId %r not among the driver's rules" % (what, r.get("ruleId")))
        if r.get("level", "warning") not in LEVELS:
            fails.append("%s: bad level %r" % (what, r.get("level")))
        for loc in r.get("locations", []):
            pl = loc.get("physicalLocation", {})
            if not isinstance(pl.get("artifactLocation", {}).get("uri"), str):
                fails.append("%s: location without uri" % what)
            if not (isinstance(pl.get("region", {}).get("startLine"), int)
                    and pl["region"]["startLine"] >= 1):
                fails.append("%s: location without startLine >= 1" % what)
    return results


def main():
    tool = os.environ.get("STRUCTALIGN")
    if not tool or not os.access(tool, os.X_OK):
        print("SKIP: STRUCTALIGN is not set (run through make check)")
        return 77
    if shutil.which("gcc") is None:
        print("SKIP: gcc not found")
        return 77
    work = tempfile.mkdtemp(prefix="sarif.")
    fails = []
    try:
        exes = []
        for name, text in (("old", OLD), ("new", NEW)):
            src = os.path.join(work, name + ".c")
            with open(src, "w") as f:
                f.write(text)
            exe = os.path.join(work, name)
            subprocess.run(["gcc", "-g", "-O0", "-o", exe, src], check=True)
            exes.append(exe)
        p = subprocess.run([tool, "audit", "--format", "sarif", "--filter", "padded", exes[0]],
                           capture_output=True, text=True)
        if p.returncode != 0:
            fails.append("audit --format sarif exited %d: %s" % (p.returncode, p.stderr))
        else:
            res = check_sarif(json.loads(p.stdout), "audit", fails)
            hits = [r for r in res if r.get("ruleId") == "SA001" and "padded" in
                    r["message"]["text"]]
            if len(hits) != 1 or not hits[0].get("locations"):
                fails.append("audit: want one SA001 result for padded with a location: %s" % res)
            elif hits[0]["locations"][0]["physicalLocation"]["region"]["startLine"] != 1:
                fails.append("audit: padded is declared on line 1: %s" % hits[0])
        p = subprocess.run([tool, "diff", "--format", "sarif", exes[0], exes[1]],
                           capture_output=True, text=True)
        if p.returncode != 0:
            fails.append("diff --format sarif exited %d: %s" % (p.returncode, p.stderr))
        else:
            res = check_sarif(json.loads(p.stdout), "diff", fails)
            ids = sorted((r["ruleId"], r["message"]["text"].split()[0]) for r in res)
            if ids != [("SA003", "grows"), ("SA004", "gains")] and \
                    ids != sorted([("SA003", "grows"), ("SA004", "gains")]):
                fails.append("diff: want SA003 grows and SA004 gains, got %s" % ids)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in fails:
        print("FAIL: " + f)
    print("%d failures (SARIF checked for required 2.1.0 properties; the full "
          "schema is not available offline)" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
