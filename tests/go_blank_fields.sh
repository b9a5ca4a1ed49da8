#!/bin/sh
# go_blank_fields.sh - make check driver for go_blank_fields.py (Go blank
# fields in suggested orders, checked by compiling every order).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/go_blank_fields.py"
