#!/bin/sh
# fix_check.sh - make check driver for fix_check.py (structalign fix against
# go, gofmt, gcc and the cross compilers).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/fix_check.py"
