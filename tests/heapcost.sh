#!/bin/sh
# heapcost.sh - Go heap object costs against each release's runtime (B/op);
# see tests/heapcost.py.  $GO_VERSIONS picks the releases.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed"; exit 77; }
exec python3 "${top_srcdir:-.}/tests/heapcost.py"
