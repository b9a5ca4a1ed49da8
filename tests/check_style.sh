#!/bin/sh
# check_style.sh - the house rules clang-format cannot enforce hold in
# libalign/, cli/ and gdb-plugin/ (tools/check-style: no assignment inside
# an if condition, no function body over 120 lines), and the checker itself
# catches each: a copy with one of each must be refused, naming both.
set -u
srcdir=${top_srcdir:-.}
tool=$srcdir/tools/check-style
python3 -c 'import sys' 2>/dev/null || { echo "SKIP: python3 not found"; exit 77; }

out=$(cd "$srcdir" && python3 tools/check-style libalign cli gdb-plugin 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: tools/check-style found what STYLE.md rules out"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  printf '#include <stdlib.h>\n'
  printf 'int f(void)\n{\n    char *p;\n    /* if ((p = a) == b) in a comment is not code */\n'
  printf '    if ((p = malloc(4)) == NULL)\n        return -1;\n    free(p);\n'
  printf '    return 0;\n}\n'
  printf 'int g(int x)\n{\n'
  i=0
  while [ $i -lt 121 ]; do printf '    x += %d;\n' $i; i=$((i + 1)); done
  printf '    if (x == 3 && "a = b")\n        return 1;\n'
  printf '    return x;\n}\n'
} > "$tmp/bad.c"
out=$(python3 "$tool" "$tmp/bad.c" 2>&1)
rc=$?
echo "$out"
n=$(echo "$out" | grep -c "^$tmp/bad.c:")
if [ $rc -ne 1 ] || [ "$n" -ne 2 ] ||
   ! echo "$out" | grep -q "bad.c:6:12: assign-in-condition" ||
   ! echo "$out" | grep -q "function-length: g is 124 lines long"; then
  echo "FAIL: the injected assignment and long function were not both reported, and nothing else (exit $rc)"
  exit 1
fi
echo "2 passed, 0 failed"
exit 0
