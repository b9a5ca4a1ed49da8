#!/bin/sh
# go_local_where.sh - make check driver for go_local_where.py (a function's
# local variable's anonymous struct is named pkg.F.v and placed at the
# variable's line).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/go_local_where.py"
