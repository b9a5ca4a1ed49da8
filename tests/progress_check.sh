#!/bin/sh
# progress_check.sh - make check driver for progress_check.py (the progress
# line of a long escape-log read, on a terminal only, never with --quiet).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/progress_check.py"
