/*
 * sample.c - the C program the debugger tests stop in (tests/debugger/).
 *
 * Every layout feature the `align` command must get right, in one struct
 * filled with 0xaa before its members are set, so that padding bytes are
 * known: bit-fields with an unnamed one between them (absent from DWARF),
 * a nested struct with tail padding, a packed struct, an aligned(32)
 * member, a union, an enum, a pointer, and a flexible array member after a
 * char (so there is tail padding too).  The program prints offsetof and
 * sizeof for the test to compare, then calls stop_here(), where the tests
 * put their breakpoint.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

/* Read by the no-process tests: `align global_sample` needs a process. */
struct sample global_sample;

#define OFF(m) printf("offsetof %s %zu\n", #m, offsetof(struct sample, m))

void stop_here(struct sample *s, struct wire *w);

void stop_here(struct sample *s, struct wire *w)
{
    (void)s;
    (void)w;
}

int main(void)
{
    struct sample s;
    struct wire w;
    struct sample *heap = malloc(sizeof *heap + 4 * sizeof(short));

    OFF(c), OFF(l), OFF(in), OFF(w), OFF(z), OFF(wide), OFF(num), OFF(col), OFF(hits);
    OFF(name), OFF(last), OFF(flex);
    printf("sizeof sample %zu\n", sizeof(struct sample));
    printf("sizeof wire %zu\n", sizeof(struct wire));
    memset(&s, 0xaa, sizeof s);
    s.c = 'x';
    s.l = 42;
    s.a = 5;
    s.b = 17;
    s.d = 99;
    s.in.x = -7;
    s.in.y = 'q';
    s.w.tag = 't';
    s.w.value = 1000;
    s.w.port = 80;
    s.z = 'z';
    s.wide = 2.5;
    s.num.i = 7;
    s.col = GREEN;
    s.hits = 123;
    s.name = "hello";
    s.last = 'L';
    memset(heap, 0, sizeof *heap);
    heap->l = 9;
    memset(&w, 0, sizeof w);
    w.tag = 'w';
    w.value = -1;
    w.port = 443;
    fflush(stdout);
    stop_here(&s, &w);
    stop_here(heap, &w);
    free(heap);
    return 0;
}
