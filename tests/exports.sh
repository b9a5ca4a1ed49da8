#!/bin/sh
# exports.sh - libalign.so exports exactly the functions its public header
# declares with ALIGN_API: no internal helper leaks into the ABI (the
# library is built with -fvisibility=hidden), and nothing declared is
# missing.  The checker proves it can fail: a symbol list with one extra
# internal name must be refused.
set -u
export LC_ALL=C
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
header=$srcdir/libalign/libalign.h
lib=$builddir/libalign/.libs/libalign.so

command -v nm >/dev/null || { echo "SKIP: nm not found (binutils)"; exit 77; }
if [ ! -f "$lib" ]; then
  echo "SKIP: $lib not built (a --disable-shared build has no dynamic symbol table)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every name declared with ALIGN_API, one a line (declarations may wrap
# after the name's parenthesis, never before it).
sed -n 's/^ALIGN_API [^(]*[ *]\([a-z_][a-z0-9_]*\)(.*/\1/p' "$header" | sort -u > "$tmp/declared"
nm -D --defined-only "$lib" | awk 'NF >= 3 {print $3}' | sort -u > "$tmp/exported"

# check LIST: 0 when LIST equals the declared names, else prints the
# difference and returns 1.
check() {
  extra=$(comm -23 "$1" "$tmp/declared")
  missing=$(comm -13 "$1" "$tmp/declared")
  [ -z "$extra" ] && [ -z "$missing" ] && return 0
  [ -n "$extra" ] && printf 'exported but not declared in libalign.h:\n%s\n' "$extra"
  [ -n "$missing" ] && printf 'declared with ALIGN_API but not exported:\n%s\n' "$missing"
  return 1
}

failed=0
n=$(wc -l < "$tmp/declared")
if [ "$n" -lt 50 ]; then
  echo "FAIL: only $n ALIGN_API declarations found in $header (the parser is broken)"
  failed=1
elif check "$tmp/exported"; then
  echo "ok: libalign.so exports the $n functions libalign.h declares, nothing else"
else
  echo "FAIL: libalign.so's exports differ from libalign.h"
  failed=1
fi

{ cat "$tmp/exported"; echo layout_place; } | sort -u > "$tmp/injected"
if check "$tmp/injected" > "$tmp/out"; then
  echo "FAIL: the checker accepted an exported internal symbol (layout_place)"
  failed=1
elif grep -q '^layout_place$' "$tmp/out"; then
  echo "ok: an injected internal symbol is caught"
else
  echo "FAIL: the checker did not name the injected symbol"
  cat "$tmp/out"
  failed=1
fi
if [ $failed -eq 0 ]; then
  echo "2 passed, 0 failed"
else
  echo "failures above"
fi
exit $failed
