#!/bin/sh
# atomic_arm.sh - the sync/atomic rule on 32-bit Go, proved on a real arm
# program under qemu-arm.
#
# 1. `calc --arch arm --check-atomic` on a struct whose int64 sits at offset
#    4 must list it and exit 1; that struct, built with GOARCH=arm, must
#    panic with "unaligned 64-bit atomic operation" on atomic.AddInt64.
#    `audit` of that arm binary (32-bit ELF) must list main.T.Counter by
#    default (exit 0), exit 1 with --check-atomic, and list nothing with
#    --no-check-atomic.
# 2. The order calc suggests for it must pass the check (exit 0) and must
#    not panic; audit of that binary must not list main.T.
# 3. A struct whose int64 is 8-aligned where the unconstrained smallest order
#    would move it to offset 4: the suggested order keeps it 8-aligned (the
#    optimal_note says why), passes the check and does not panic.
# Exit: 0 pass, 1 fail, 77 skip (go or qemu-arm missing; the reason is printed).

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

command -v go >/dev/null 2>&1 || skip "go not found (Debian package golang-go)"
command -v qemu-arm >/dev/null 2>&1 || skip "qemu-arm not found (Debian package qemu-user)"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
[ -x "$STRUCTALIGN" ] || skip "STRUCTALIGN is not set (run through make check)"

work=$(mktemp -d "${TMPDIR:-/tmp}/atomic-arm.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
export GOCACHE="${GOCACHE:-$(go env GOCACHE)}" GOFLAGS=-mod=mod GOPROXY=off \
    GO111MODULE=on GOWORK=off CGO_ENABLED=0 GOPATH="$work/gopath"

# reorder DECL_FILE TYPE: the type declared again in calc's suggested order.
reorder() {
    "$STRUCTALIGN" calc --arch arm --format json --no-check-atomic -f "$1" |
        python3 -c '
import json, sys
t = [t for t in json.load(sys.stdin)["types"] if t["name"] == sys.argv[1]][0]
decl = {f["name"]: f["type"] for f in t["fields"]}
print("type %s struct {" % t["name"])
for n in t["optimal_order"]:
    print("\t%s %s" % (n, decl[n]))
print("}")
if t.get("optimal_note"):
    print("// note: " + t["optimal_note"])
' "$2"
}

# run_arm NAME DECL_FILE: builds a program doing atomic.AddInt64 on every
# int64 field of a heap-allocated T for GOARCH=arm, runs it under qemu-arm;
# prints its output, returns its status.
run_arm() {
    d="$work/$1"
    mkdir -p "$d"
    printf 'module m\n\ngo 1.19\n' >"$d/go.mod"
    { echo 'package main'; echo 'import ("fmt"; "sync/atomic")'; cat "$2"
      echo 'var sink *T'
      echo 'func main() {'
      echo '	sink = new(T)'
      python3 -c '
import re, sys
for name, typ in re.findall(r"^\s+(\w+)\s+(\S+)\s*$", open(sys.argv[1]).read(), re.M):
    if typ == "int64":
        print("\tatomic.AddInt64(&sink.%s, 1)" % name)
' "$2"
      echo '	fmt.Println("ok")'
      echo '}'; } >"$d/main.go"
    (cd "$d" && GOARCH=arm GOOS=linux go build -o prog . ) || fail "go build $1"
    qemu-arm "$d/prog" 2>&1
}

# 1. before
cat >"$work/before.go" <<'GO'
type T struct {
	Flag    bool
	Counter int64
	Active  bool
}
GO
out=$("$STRUCTALIGN" calc --arch arm --check-atomic -f "$work/before.go")
rc=$?
echo "$out"
[ $rc -eq 1 ] || fail "calc --check-atomic on the 4-aligned int64 exited $rc, not 1"
echo "$out" | grep -q 'ATOMIC: T.Counter (int64) at offset 4' ||
    fail "calc did not list T.Counter"
res=$(run_arm before "$work/before.go")
echo "before: $res" | head -3
echo "$res" | grep -q 'unaligned 64-bit atomic operation' ||
    fail "the 4-aligned int64 did not panic under qemu-arm"
# The same finding from the binary itself.
out=$("$STRUCTALIGN" audit --filter 'main.*' "$work/before/prog")
rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "audit of the arm binary exited $rc"
echo "$out" | grep -q '^atomic check (on by default for Go on 386 and arm' ||
    fail "audit of the arm binary does not say the atomic check is on"
echo "$out" | grep -q 'ATOMIC: main.T.Counter (int64) at offset 4 is not 8-aligned on arm' ||
    fail "audit of the arm binary did not list main.T.Counter"
"$STRUCTALIGN" audit --check-atomic --filter 'main.*' "$work/before/prog" >/dev/null
rc=$?
[ $rc -eq 1 ] || fail "audit --check-atomic of the arm binary exited $rc, not 1"
"$STRUCTALIGN" audit --no-check-atomic --filter 'main.*' "$work/before/prog" |
    grep -q 'ATOMIC' && fail "audit --no-check-atomic still lists atomic fields"

# 2. after
reorder "$work/before.go" T >"$work/after.go" || fail "calc on before.go"
cat "$work/after.go"
"$STRUCTALIGN" calc --arch arm --check-atomic -f "$work/after.go" >/dev/null ||
    fail "the suggested order fails --check-atomic"
res=$(run_arm after "$work/after.go")
echo "after: $res"
[ "$res" = ok ] || fail "the suggested order panicked: $res"
"$STRUCTALIGN" audit --check-atomic --filter 'main.*' "$work/after/prog" >/dev/null ||
    fail "audit --check-atomic lists a field of the suggested order's binary"

# 3. the constraint
cat >"$work/pinned.go" <<'GO'
type T struct {
	B bool
	P *int
	C int64
	D bool
	E int32
}
GO
res=$(run_arm pinned "$work/pinned.go")
[ "$res" = ok ] || fail "the declared order (C at 8) panicked: $res"
# The order an unconstrained optimizer picks (pointers first, then by
# declaration) puts C at 4: it must panic, or this test proves nothing.
cat >"$work/unconstrained.go" <<'GO'
type T struct {
	P *int
	C int64
	E int32
	B bool
	D bool
}
GO
res=$(run_arm unconstrained "$work/unconstrained.go")
echo "$res" | grep -q 'unaligned 64-bit atomic operation' ||
    fail "the unconstrained order did not panic: $res"
reorder "$work/pinned.go" T >"$work/pinned-after.go" || fail "calc on pinned.go"
cat "$work/pinned-after.go"
grep -q '^// note: 64-bit integers at 8-aligned offsets stay 8-aligned' "$work/pinned-after.go" ||
    fail "no optimal_note about the atomic constraint"
"$STRUCTALIGN" calc --arch arm --check-atomic -f "$work/pinned-after.go" >/dev/null ||
    fail "the constrained order fails --check-atomic"
res=$(run_arm pinned-after "$work/pinned-after.go")
echo "pinned after: $res"
[ "$res" = ok ] || fail "the constrained order panicked: $res"
echo "PASS"
