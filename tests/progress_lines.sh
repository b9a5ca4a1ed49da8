#!/bin/sh
# progress_lines.sh - make check driver for progress_lines.py (the progress
# line while a binary's DWARF is read: on a terminal only, never with --quiet).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/progress_lines.py"
