#!/bin/sh
# c_decls.sh - make check driver for c_decls.py: every suggested C
# declaration of a compiled corpus, compiled by gcc, has the size and
# alignment claimed for it (#17).  A representative sample here; `make
# check-c-decls` runs the whole corpus.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/c_decls.py" "$@"
