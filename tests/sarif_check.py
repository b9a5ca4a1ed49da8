#!/usr/bin/env python3
"""sarif_check.py - `audit --format sarif` and `diff --format sarif`.

Two builds of a small C program (gcc -g): the new one has a struct that
grew and one that gained padding; and a Go program (built with -gcflags=-m)
whose padded type is heap-allocated, built for amd64 and for arm (where a
nested int64 sits at offset 4: an SA002 result).  Every SARIF document
(audit on the C and the Go binaries, the Go one with and without --escape,
diff) is validated
with the jsonschema module against the official SARIF 2.1.0 JSON schema
(sarif-2.1.0-rtm.5.json, with the validator its $schema names, formats
checked), then checked for what the schema cannot say: the findings, their
rules and locations.  The checker is tested too: broken copies of a
document (a level "fatal", no version, a location without a uri) must fail
validation.

The schema is not ours and not in the tree: ./quickstart fetches it once
(npm pack @microsoft/jest-sarif) into ${XDG_CACHE_HOME:-~/.cache}/structalign
and exports SARIF_SCHEMA.  Without it, or without the jsonschema module,
the test skips and says what to install; with SA_REQUIRE_SARIF_SCHEMA=1
(quickstart sets it) that is a failure instead.
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import salib  # tests/salib.py: this script's directory is on sys.path

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
GO_MAIN = """package main

type Padded struct {
	A bool
	B int64
	C bool
}

type In struct{ N int64 }

// On arm: In at 4, so In.N is at 4 (SA002 names the path).
type Nested struct {
	A  int32
	In In
}

var nested Nested

//go:noinline
func newPadded() *Padded { return &Padded{A: true} }

var sink []*Padded

func main() {
	for i := 0; i < 3; i++ {
		sink = append(sink, newPadded())
	}
	println(len(sink), nested.In.N)
}
"""
SCHEMA_NAME = "sarif-2.1.0-rtm.5.json"
LEVELS = {"none", "note", "warning", "error"}
# RFC 3986 URI reference characters; sarif.c percent-encodes the rest.
URI_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                "-._~:/?#[]@!$&'()*+,;=%")


def schema_path():
    if os.environ.get("SARIF_SCHEMA"):
        return os.environ["SARIF_SCHEMA"]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(cache, "structalign", SCHEMA_NAME)


def load_validator():
    """(validator, None) or (None, the reason to skip)."""
    try:
        import jsonschema
    except ImportError:
        return None, "the jsonschema module is missing (install python3-jsonschema)"
    path = schema_path()
    if not os.path.isfile(path):
        return None, ("the SARIF 2.1.0 schema is missing at %s (./quickstart check fetches it "
                      "with npm pack @microsoft/jest-sarif; install npm)" % path)
    with open(path) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER), None


def schema_errors(validator, doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message)
            for e in validator.iter_errors(doc)]


def check_sarif(validator, doc, what, fails):
    for e in schema_errors(validator, doc)[:5]:
        fails.append("%s: schema: %s" % (what, e))
    runs = doc.get("runs")
    if not isinstance(runs, list) or not runs:
        fails.append("%s: no runs" % what)
        return []
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    rules = {r.get("id") for r in driver.get("rules", [])}
    results = run.get("results")
    if not isinstance(results, list):
        fails.append("%s: results is not a list" % what)
        return []
    for r in results:
        # The schema allows a ruleId no rule declares; we do not.
        if r.get("ruleId") not in rules:
            fails.append("%s: ruleId %r not among the driver's rules" % (what, r.get("ruleId")))
        for loc in r.get("locations", []) + r.get("relatedLocations", []):
            uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
            if not uri or not set(uri) <= URI_CHARS or (uri.startswith("file:") and
                                                         not uri.startswith("file:///")):
                fails.append("%s: %r is not a URI reference" % (what, uri))
    return results


def check_checker(validator, doc, fails):
    """The validator must reject documents we broke on purpose."""
    broken = []
    d = json.loads(json.dumps(doc))
    d["runs"][0]["results"][0]["level"] = "fatal"
    broken.append(("a result with level fatal", d))
    d = json.loads(json.dumps(doc))
    del d["version"]
    broken.append(("a document without version", d))
    d = json.loads(json.dumps(doc))
    d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    broken.append(("a region with startLine 0", d))
    for what, d in broken:
        if not schema_errors(validator, d):
            fails.append("the schema validator accepted %s" % what)


def run(tool, args, fails, what):
    p = subprocess.run([tool] + args, capture_output=True, text=True)
    if p.returncode != 0:
        fails.append("%s exited %d: %s" % (what, p.returncode, p.stderr))
        return None
    return json.loads(p.stdout)


def build_go(work, fails, goarch="amd64"):
    """The Go program and its -m log, or (None, None) without go."""
    if shutil.which("go") is None:
        return None, None
    d = os.path.join(work, "go src")  # a space, which the URI must encode
    salib.write_tree(d, {"go.mod": "module m\n\ngo 1.19\n", "main.go": GO_MAIN})
    exe = os.path.join(work, "goprog-" + goarch)
    log = os.path.join(work, "escape-%s.log" % goarch)
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="", GOWORK="off", GOARCH=goarch,
               GOOS="linux", GOCACHE=salib.go_user_cache(os.path.join(work, "gocache")))
    p = salib.build_module(d, env, exe, "-m", log)
    if p.returncode != 0:
        fails.append("go build failed (see %s)" % log)
        return None, None
    return exe, (log, d)


def main():
    tool = os.environ.get("STRUCTALIGN")
    if not tool or not os.access(tool, os.X_OK):
        print("SKIP: STRUCTALIGN is not set (run through make check)")
        return 77
    if shutil.which("gcc") is None:
        print("SKIP: gcc not found")
        return 77
    validator, why = load_validator()
    if validator is None:
        if os.environ.get("SA_REQUIRE_SARIF_SCHEMA") == "1":
            print("FAIL: %s" % why)
            return 1
        print("SKIP: %s" % why)
        return 77
    work = tempfile.mkdtemp(prefix="sarif.")
    fails = []
    validated = []  # every document validated against the schema
    try:
        exes = []
        for name, text in (("old", OLD), ("new", NEW)):
            src = os.path.join(work, name + ".c")
            with open(src, "w") as f:
                f.write(text)
            exe = os.path.join(work, name)
            subprocess.run(["gcc", "-g", "-O0", "-o", exe, src], check=True)
            exes.append(exe)
        def checked(args, what):
            """The document's results, validated and checked; None if it failed."""
            doc = run(tool, args, fails, what)
            if doc is None:
                return None
            validated.append(doc)
            return check_sarif(validator, doc, what, fails)

        checked(["audit", "--format", "sarif", exes[0]], "audit C")
        res = checked(["audit", "--format", "sarif", "--filter", "padded", exes[0]],
                      "audit --filter padded")
        if res is not None:
            hits = [r for r in res if r.get("ruleId") == "SA001" and "padded" in
                    r["message"]["text"]]
            if len(hits) != 1 or not hits[0].get("locations"):
                fails.append("audit: want one SA001 result for padded with a location: %s" % res)
            else:
                pl = hits[0]["locations"][0]["physicalLocation"]
                if pl["region"]["startLine"] != 1:
                    fails.append("audit: padded is declared on line 1: %s" % hits[0])
                if pl["artifactLocation"]["uri"] != "file://" + os.path.join(work, "old.c"):
                    fails.append("audit: uri %r is not old.c's" % pl["artifactLocation"]["uri"])
                check_checker(validator, validated[-1], fails)
        # The ranking's options apply: padded saves 8 bytes.
        for mw, want in (("8", 1), ("9", 0)):
            res = checked(["audit", "--format", "sarif", "--min-waste", mw, exes[0]],
                          "audit --min-waste " + mw)
            if res is not None and len([r for r in res if r["ruleId"] == "SA001"]) != want:
                fails.append("audit --min-waste %s: want %d SA001 results: %s" % (mw, want, res))
        p = subprocess.run([tool, "audit", "--format", "sarif", "--fail-above", "7", exes[0]],
                           capture_output=True, text=True)
        if p.returncode != 1 or "exceeds --fail-above 7" not in p.stderr:
            fails.append("audit --format sarif --fail-above 7: exit %d, %r (want 1 and the "
                         "reason)" % (p.returncode, p.stderr))
        else:
            validated.append(json.loads(p.stdout))
            check_sarif(validator, validated[-1], "audit --fail-above", fails)
        res = checked(["diff", "--format", "sarif", exes[0], exes[1]], "diff")
        if res is not None:
            ids = sorted((r["ruleId"], r["message"]["text"].split()[0]) for r in res)
            if ids != [("SA003", "grows"), ("SA004", "gains")]:
                fails.append("diff: want SA003 grows and SA004 gains, got %s" % ids)
        goexe, esc = build_go(work, fails)
        if goexe is None and not fails:
            print("note: go not found: the Go documents were not checked")
        if goexe is not None:
            # A Go type is placed at its `type` line, found in the source
            # of its package's functions (the file is on this machine).
            decl_line = GO_MAIN.splitlines().index("type Padded struct {") + 1
            main_uri = "file://" + os.path.join(esc[1], "main.go").replace(" ", "%20")
            res = checked(["audit", "--format", "sarif", "-t", "main.*", goexe], "audit Go")
            if res is not None and ([r["ruleId"] for r in res] != ["SA001"] or [
                    (l["physicalLocation"]["artifactLocation"]["uri"],
                     l["physicalLocation"]["region"].get("startLine"))
                    for l in res[0].get("locations", [])] != [(main_uri, decl_line)]):
                fails.append("audit Go: want one SA001 at %s:%d: %s" % (main_uri, decl_line, res))
            res = checked(["audit", "--format", "sarif", "--no-compiler-types", goexe],
                          "audit Go --no-compiler-types")
            names = [r["message"]["text"].split()[0] for r in res or []]
            if res is not None and ("main.Padded" not in names or
                                    any(n.startswith(("runtime.", "internal/", "noalg."))
                                        for n in names)):
                fails.append("audit Go --no-compiler-types: results for %s" % names)
            res = checked(["audit", "--format", "sarif", "--escape", esc[0], "--src", esc[1],
                           "-t", "main.*", goexe], "audit Go --escape")
            if res is not None:
                want = "file://" + os.path.join(esc[1], "main.go").replace(" ", "%20")
                locs = [(l["physicalLocation"]["artifactLocation"]["uri"],
                         l["physicalLocation"]["region"].get("startLine"))
                        for r in res for l in r.get("relatedLocations", [])]
                line = GO_MAIN.splitlines().index(
                    "func newPadded() *Padded { return &Padded{A: true} }") + 1
                if locs != [(want, line)]:
                    fails.append("audit Go --escape: want the heap site %s:%d related to "
                                 "the type's line, got %s" % (want, line, locs))
        armexe, _ = build_go(work, fails, "arm") if goexe is not None else (None, None)
        if armexe is not None:
            res = checked(["audit", "--format", "sarif", "-t", "main.*", armexe], "audit Go arm")
            got = [r["message"]["text"] for r in res or [] if r["ruleId"] == "SA002"]
            if res is not None and sorted(got) != [
                    "main.Nested.In.N (int64) at offset 4 is not 8-aligned",
                    "main.Padded.B (int64) at offset 4 is not 8-aligned"]:
                fails.append("audit Go arm: want SA002 for main.Nested.In.N and "
                             "main.Padded.B: %s" % got)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in fails:
        print("FAIL: " + f)
    print("%d failures (%d SARIF documents validated against %s)"
          % (len(fails), len(validated), schema_path()))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
