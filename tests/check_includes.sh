#!/bin/sh
# check_includes.sh - libalign's module graph has no cycle
# (tools/check-includes on the tree), and the checker itself catches one:
# a copy of two modules where each includes the other must fail.
set -u
srcdir=${top_srcdir:-.}
tool=$srcdir/tools/check-includes
python3 -c 'import sys' 2>/dev/null || { echo "SKIP: python3 not found"; exit 77; }

out=$(python3 "$tool" "$srcdir/libalign" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: libalign's include graph has a cycle"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/model" "$tmp/analysis"
printf '#include "analysis/analysis.h"\n' > "$tmp/model/model.h"
printf '#include "model/model.h"\n' > "$tmp/analysis/analysis.h"
printf '#include "model/model.h"\nint f(void) { return 0; }\n' > "$tmp/analysis/layout.c"
out=$(python3 "$tool" "$tmp" 2>&1)
rc=$?
echo "$out"
if [ $rc -ne 1 ] || ! echo "$out" | grep -q "a cycle between modules: analysis -> model -> analysis"; then
  echo "FAIL: an injected model <-> analysis cycle was not reported (exit $rc)"
  exit 1
fi
echo "2 passed, 0 failed"
exit 0
