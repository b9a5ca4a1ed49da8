#!/bin/sh
# html_report.sh - make check driver for html_report.py (audit --format
# html read back from headless chromium).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/html_report.py"
