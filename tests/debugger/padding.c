/*
 * padding.c - the program gdb_padding_test.py stops in: values whose
 * padding holds garbage at known places, at every depth.
 *
 * Each value is zeroed, its members are set, then garbage (0x5a) is written
 * into padding with memset at offsets computed by offsetof and sizeof, and
 * each place is printed as "garbage NAME OFFSET LENGTH" (NAME: the
 * innermost struct or array element holding it, OFFSET from its start).
 * The test expects `align` to list exactly those places.  A union's bytes
 * that one member holds are data whatever the other members say, so the
 * garbage written into `cov` (held by cov.whole) must not be listed.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct inner {
    char tag;
    long n;
    char end;
};

union pair {
    struct {
        char a;
        int b;
    } x;
    struct {
        char c;
        int d;
    } y;
};

union covered {
    struct {
        char a;
        int b;
    } x;
    int whole;
};

struct bits {
    unsigned char f : 3;
    char g;
};

struct outer {
    char c;
    struct inner in;
    union pair u;
    union covered cov;
    struct inner arr[3];
    struct bits bt;
    short s;
};

struct outer o;
struct inner list[4];

void stop_here(struct outer *p);

void stop_here(struct outer *p)
{
    (void)p;
}

static void garbage(const char *name, void *value, size_t at, size_t rel, size_t n)
{
    memset((char *)value + at, 0x5a, n);
    printf("garbage %s %zu %zu\n", name, rel, n);
}

#define END_OF(type, m) (offsetof(type, m) + sizeof(((type *)0)->m))

int main(void)
{
    size_t in = offsetof(struct outer, in), u = offsetof(struct outer, u);
    size_t arr2 = offsetof(struct outer, arr) + 2 * sizeof(struct inner);
    size_t list3 = 3 * sizeof(struct inner);

    memset(&o, 0, sizeof o);
    memset(list, 0, sizeof list);
    o.c = 1;
    o.in.tag = 2;
    o.in.n = 3;
    o.u.x.a = 4;
    o.u.x.b = 5;
    o.arr[2].n = 7;
    o.bt.f = 2;
    o.bt.g = 'g';
    o.s = -1;
    list[3].n = 8;
    /* A hole of the outer struct: after c, up to in. */
    garbage("o", &o, END_OF(struct outer, c), END_OF(struct outer, c), 2);
    /* The tail padding of a nested struct. */
    garbage("o.in", &o, in + END_OF(struct inner, end), END_OF(struct inner, end), 3);
    /* A hole both members of a union have. */
    garbage("o.u", &o, u + END_OF(union pair, x.a), END_OF(union pair, x.a), 2);
    /* The hole of an array element. */
    garbage("o.arr[2]", &o, arr2 + END_OF(struct inner, tag), END_OF(struct inner, tag),
            offsetof(struct inner, n) - END_OF(struct inner, tag));
    /* The tail padding of the last element of a top-level array. */
    garbage("list[3]", list, list3 + END_OF(struct inner, end), END_OF(struct inner, end),
            sizeof(struct inner) - END_OF(struct inner, end));
    /* Held by cov.whole: data, not padding. */
    memset((char *)&o + offsetof(struct outer, cov) + 1, 0x5a, 3);
    /* The unused bits after the bit-field bt.f (bits 3-7 of its byte). */
    *((unsigned char *)&o + offsetof(struct outer, bt)) |= 0xf8;
    printf("bits o.bt %zu 0xf8\n", offsetof(struct bits, g) - 1);
    printf("sizeof inner %zu\nsizeof outer %zu\ncount list %zu\n", sizeof(struct inner),
           sizeof(struct outer), sizeof list / sizeof list[0]);
    fflush(stdout);
    stop_here(&o);
    return 0;
}
