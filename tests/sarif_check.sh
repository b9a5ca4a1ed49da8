#!/bin/sh
# sarif_check.sh - make check driver for sarif_check.py.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/sarif_check.py"
