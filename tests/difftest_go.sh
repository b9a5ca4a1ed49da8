#!/bin/sh
# difftest_go.sh - tests/difftest.py for Go once per Go release
# ($GO_VERSIONS); see tests/difftest_go.py.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed"; exit 77; }
exec python3 "${top_srcdir:-.}/tests/difftest_go.py"
