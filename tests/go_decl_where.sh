#!/bin/sh
# go_decl_where.sh - make check driver for go_decl_where.py (every Go type
# names the file and line of its declaration).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/go_decl_where.py"
