#!/bin/sh
# project_check.sh - make check driver for project_check.py (audit --as-arch
# against programs built for the target and run under qemu).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/project_check.py"
