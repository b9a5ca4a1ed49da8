#!/bin/sh
# go_runtime.sh - make check driver for go_runtime.py (the Go toolchain's
# own types per release: linker types, runtime atomics on 386/arm, sudog's
# elem, structs.HostLayout, map slot padding).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/go_runtime.py"
