#!/usr/bin/env python3
"""bench/synth.py N - prints a Go program (package main) with N struct types
T0..TN-1 of 2..8 fields of random kinds (seeded by N: the same program every
time), each heap-allocated so the linker keeps its DWARF.  bench/run and
bench/html_scale build it."""
import sys, random
n = int(sys.argv[1]); r = random.Random(n)
kinds = ["bool", "int8", "int16", "int32", "int64", "string", "*int", "[]byte", "float64", "any"]
print("package main\n\nimport \"fmt\"\n")
for i in range(n):
    print(f"type T{i} struct {{")
    for j in range(r.randint(2, 8)):
        print(f"\tF{j} {r.choice(kinds)}")
    print("}\n")
# One function per 500 types: a single huge function trips the compiler.
print("var sink []any\n")
for c in range(0, n, 500):
    print(f"func keep{c}() {{")
    for i in range(c, min(n, c + 500)):
        print(f"\tsink = append(sink, &T{i}{{}})")
    print("}\n")
print("func main() {")
for c in range(0, n, 500):
    print(f"\tkeep{c}()")
print("\tfmt.Println(len(sink))\n}")
