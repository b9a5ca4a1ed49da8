#!/bin/sh
# c_binaries.sh - make check driver for c_binaries.py (C records read from
# gcc-compiled binaries on amd64, i686 and arm64 under qemu, issue #17).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/c_binaries.py"
