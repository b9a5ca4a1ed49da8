#!/bin/sh
# go_decl_real.sh - make check driver for go_decl_real.py (the declarations
# show --optimize suggests for cmd/go and cmd/compile paste and build).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/go_decl_real.py"
