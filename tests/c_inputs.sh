#!/bin/sh
# c_inputs.sh - make check driver for c_inputs.py (separate debug files,
# .o and .a inputs, issue #17).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/c_inputs.py"
