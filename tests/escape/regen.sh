#!/bin/sh
# regen.sh - rebuild the escape-analysis fixtures in tests/escape/logs from
# the programs in tests/escape/shapes, with the installed go (the committed
# logs come from go1.19.8 linux/amd64, Debian's golang-1.19).
#
# Every build gets an empty GOCACHE: go replays a cached package's compiler
# output verbatim (paths included) and writes no -json files for it, so a
# warm cache would give different logs.  tests/test_escape.c asserts the
# exact sites of these logs: after regenerating, update it and check every
# changed expectation against the log by hand.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
logs=$here/logs
shapes=$here/shapes
cache=$(mktemp -d)
trap 'chmod -R u+w "$cache" 2>/dev/null; rm -rf "$cache"' EXIT INT TERM
export GOFLAGS= GOWORK=off GO111MODULE=on GOTOOLCHAIN=local
fresh() {
    chmod -R u+w "$cache" 2>/dev/null || true
    rm -rf "$cache"
    mkdir "$cache"
    export GOCACHE="$cache"
}

mkdir -p "$logs"
go version > "$logs/go-version.txt"
cd "$shapes"
fresh; go build -gcflags=-m ./... 2> "$logs/m.stderr"
fresh; go build -gcflags=-m=2 ./... 2> "$logs/m2.stderr"
fresh; go build -gcflags='-m -m' ./... 2> "$logs/mm.stderr"
fresh; go build -gcflags=all=-m -o /dev/null . 2> "$logs/all-m.stderr"
gzip -9nf "$logs/all-m.stderr"
rm -rf "$logs/json"
fresh; go build -gcflags=-json=0,"$logs/json" ./...
# The -json paths are absolute: made independent of where this ran
# (tests/test_escape.c's SHAPES).
find "$logs/json" -name '*.json' -exec sed -i "s|$shapes|/fixture/shapes|g" {} +
cd "$shapes/geom"
fresh; go build -gcflags=-m ../... 2> "$logs/subdir-m.stderr"
