#!/bin/sh
# audit_inconsistent.sh - struct members that overlap or end past their
# record, in a real binary (GCC's annotated assembly with two member
# locations edited, as tests/test_dwarf.c does), are reported by audit and
# show as findings: listed whatever they waste, never optimized, a warning
# on stderr, exit 0, and the rest of the unit read as usual.
command -v gcc >/dev/null 2>&1 || { echo "SKIP: gcc not found"; exit 77; }
: "${STRUCTALIGN:?run through make check}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/sa-incons.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$dir/incons.c" <<'C'
struct clash { char pad[0x5a]; char moved; };
struct past_end { char pad2[0x6c]; char last; };
struct fine { char a; long b; };
struct clash c1; struct past_end p1; struct fine f1;
int main(void) { return 0; }
C
tab=$(printf '\t')
(cd "$dir" && gcc -g -dA -S -o incons.s incons.c &&
 sed -i -e "s/0x5a${tab}# DW_AT_data_member_location/0x50${tab}# x/" \
        -e "s/0x6c${tab}# DW_AT_data_member_location/0x7f${tab}# x/" incons.s &&
 [ "$(grep -c '# x$' incons.s)" = 2 ] && gcc -o incons incons.s) ||
  fail "could not build the edited binary"

"$STRUCTALIGN" audit "$dir/incons" >"$dir/out" 2>"$dir/err" || fail "audit exited $?"
cat "$dir/out" "$dir/err"
grep -q 'inconsistent debug information: members pad (offset 0, 90 bytes) and moved (offset 80, 1 byte) overlap' "$dir/out" ||
  fail "the overlap is not reported"
grep -q "inconsistent debug information: member last (offset 127, 1 byte) ends past the record's 109 bytes" "$dir/out" ||
  fail "the member past the end is not reported"
grep -q '2 types with inconsistent debug information' "$dir/out" || fail "no footer count"
grep -q 'warning: 2 types .* have inconsistent debug information' "$dir/err" || fail "no warning"
grep -q 'model disagrees' "$dir/out" && fail "an inconsistent type counted as a model disagreement"

"$STRUCTALIGN" audit --all --format json "$dir/incons" >"$dir/json" 2>/dev/null ||
  fail "audit --format json exited $?"
python3 - "$dir/json" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in doc["types"]}
assert doc["inconsistent_types"] == 2, doc["inconsistent_types"]
for name in ("clash", "past_end"):
    assert t[name]["positions_valid"] is False and t[name]["invalid"], t[name]
    assert t[name]["optimal_size"] == t[name]["size"] and t[name]["bytes_saved"] == 0, t[name]
assert "positions_valid" not in t["fine"] and t["fine"]["size"] == 16, t["fine"]
print("json: ok")
PY
"$STRUCTALIGN" audit --format sarif "$dir/incons" >"$dir/sarif" 2>/dev/null ||
  fail "audit --format sarif exited $?"
python3 - "$dir/sarif" <<'PY' || exit 1
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
got = sorted((r["ruleId"], r["message"]["text"].split(":")[0]) for r in res)
assert got == [("SA005", "clash"), ("SA005", "past_end")], got
print("sarif: ok")
PY
"$STRUCTALIGN" show "$dir/incons" clash | grep -q '^/\* INCONSISTENT: members pad' ||
  fail "show does not say the layout is inconsistent"
echo "PASS"
