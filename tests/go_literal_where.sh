#!/bin/sh
# go_literal_where.sh - make check driver for go_literal_where.py (an
# anonymous struct literal on the heap is typed and placed at its line).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/go_literal_where.py"
