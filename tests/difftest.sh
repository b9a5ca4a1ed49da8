#!/bin/sh
# difftest.sh - `make check` driver for difftest.py: structalign's layouts
# against gc and GCC on amd64 (native), arm64 (qemu-aarch64), arm (qemu-arm)
# and 386 (C under qemu-i386; Go checked at compile time, see difftest.py).
#
# Runs the harness twice:
#   1. with --inject-fault on a few types: the harness must report every
#      fault it injected and exit 1 (a checker that cannot fail proves
#      nothing);
#   2. the real comparison: --count ${DIFFTEST_COUNT:-500} types per
#      language, --seed ${DIFFTEST_SEED:-1}.
# Exit: 0 pass, 1 fail, 77 skip (a compiler or the emulator is missing; the
# reason is printed, and a skip is never a pass).
#
# Environment (set by TESTS_ENVIRONMENT): STRUCTALIGN, top_srcdir.
# DIFFTEST_ARGS adds options to both runs (e.g. --keep DIR is not useful
# there; --lang go is).

srcdir=${top_srcdir:-$(dirname "$0")/..}
py=$srcdir/tests/difftest.py

skip() {
    echo "SKIP: $*"
    exit 77
}

command -v python3 >/dev/null 2>&1 || skip "python3 not found"
command -v go >/dev/null 2>&1 || skip "go not found (Debian package golang-go)"
command -v gcc >/dev/null 2>&1 || skip "gcc not found"
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 ||
    skip "aarch64-linux-gnu-gcc not found (Debian package gcc-aarch64-linux-gnu)"
command -v i686-linux-gnu-gcc >/dev/null 2>&1 ||
    skip "i686-linux-gnu-gcc not found (Debian package gcc-i686-linux-gnu)"
command -v arm-linux-gnueabihf-gcc >/dev/null 2>&1 ||
    skip "arm-linux-gnueabihf-gcc not found (Debian package gcc-arm-linux-gnueabihf)"
for q in qemu-aarch64 qemu-arm qemu-i386; do
    command -v $q >/dev/null 2>&1 || skip "$q not found (Debian package qemu-user)"
done
[ -n "$STRUCTALIGN" ] || skip "STRUCTALIGN is not set (run through make check)"
[ -x "$STRUCTALIGN" ] || { echo "FAIL: $STRUCTALIGN is not an executable"; exit 1; }

out=$(mktemp "${TMPDIR:-/tmp}/difftest-inject.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT INT TERM

echo "== self-test: injected faults must be caught"
python3 "$py" --structalign "$STRUCTALIGN" --count 10 --seed 1 --inject-fault \
    --max-decls 0 $DIFFTEST_ARGS >"$out" 2>&1
rc=$?
# Shown indented and relabelled: the injected run's own tally (which must
# report failures) is not this test's result.
sed -e 's/^\([0-9]* passed, [0-9]* failed\)$/(injected-fault run tally: \1)/' \
    -e 's/^/    /' "$out"
case $rc in
77) exit 77 ;;
1) ;;
*)
    echo "FAIL: with --inject-fault the harness exited $rc, not 1"
    exit 1
    ;;
esac
line=$(grep '^fault injection: ' "$out")
injected=$(echo "$line" | sed -n 's/^fault injection: \([0-9]*\) injected, \([0-9]*\) detected$/\1/p')
detected=$(echo "$line" | sed -n 's/^fault injection: \([0-9]*\) injected, \([0-9]*\) detected$/\2/p')
if [ -z "$injected" ] || [ "$injected" -eq 0 ] || [ "$injected" != "$detected" ]; then
    echo "FAIL: the harness did not catch the faults it injected ($line)"
    exit 1
fi
echo "self-test ok: $injected injected faults caught"

echo "== structalign against the compilers"
exec python3 "$py" --structalign "$STRUCTALIGN" --count "${DIFFTEST_COUNT:-500}" \
    --seed "${DIFFTEST_SEED:-1}" $DIFFTEST_ARGS
