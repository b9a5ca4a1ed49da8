#!/bin/sh
# go_decl_paste.sh - make check driver for go_decl_paste.py (show --optimize
# prints Go declarations that paste and build, with and without --src).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/go_decl_paste.py"
