#!/bin/sh
# c_dedup.sh - make check driver for c_dedup.py (a unit's copy of a record is
# skipped only when it is the same record: issue #17's speed work).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/c_dedup.py"
