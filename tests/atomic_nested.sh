#!/bin/sh
# atomic_nested.sh - make check driver for atomic_nested.py (the sync/atomic
# check inside nested structs and arrays, proved under qemu-arm).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/atomic_nested.py"
