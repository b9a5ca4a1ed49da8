#!/bin/sh
# dwarf_guards.sh - make check driver for dwarf_guards.py (cyclic, deep,
# outside-the-unit and unterminated DWARF in real binaries).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/dwarf_guards.py"
