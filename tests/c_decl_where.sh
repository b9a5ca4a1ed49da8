#!/bin/sh
# c_decl_where.sh - make check driver for c_decl_where.py (C anonymous
# records named after their enclosing type and member, at their line).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/c_decl_where.py"
