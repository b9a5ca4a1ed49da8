#!/bin/sh
# diff_check.sh - make check driver for diff_check.py (structalign diff on
# two real Go builds).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/diff_check.py"
