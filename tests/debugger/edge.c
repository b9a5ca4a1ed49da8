/*
 * edge.c - the C corner cases gdb_edge_test.py puts to `align`: typedef'd
 * and anonymous records (titles as written), a pointer to a struct that is
 * declared and never defined (incomplete), a char * longer than 8
 * characters, zero-width bit-fields and a packed record with bit-fields
 * (their alignment is printed as GCC gives it: offsetof(struct {char c; T
 * x;}, x)), and, built with -O2, a pointer GCC optimises into a
 * <synthetic pointer> (DW_OP_implicit_pointer) in the inlined get().
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct opaque; /* never defined */

typedef struct redisObject {
    unsigned type : 4;
    unsigned lru : 24;
    int refcount;
    void *ptr;
} robj;

typedef struct {
    char a;
    long b;
    char c;
} anon_t;

struct holder {
    char k;
    union {
        int i;
        char c;
    } u;
    const char *name;
};

struct anonmem {
    char k;
    struct {
        char b;
        int c;
    };
    union {
        int i;
        float f;
    };
};

struct zw {
    char a;
    int : 0;
    char b;
};

struct __attribute__((packed)) pb {
    char a;
    unsigned x : 3;
    unsigned y : 9;
};

struct zwl {
    char a;
    long : 0;
    char b;
};

struct pt {
    char c;
    long l;
};

/* Qualifiers on members (#17, #18): the suggested order keeps them (LLDB
   spells _Atomic T as "_Atomic(T)"). */
struct quals {
    char c1;
    char *const cp;
    char c2;
    const volatile long cvl;
    char c3;
    int (*const cb)(const char *, int);
    const struct pt cpt;
    volatile int x[3];
    char c4;
    int *_Atomic ap;
    _Atomic long al[2];
    char c5;
    _Atomic struct pt as; /* GCC aligns it to 16, as __int128 */
};
struct quals quals_global = {0};

#define ALIGN_OF(T)                                                                                \
    printf("align %s %zu\nsize %s %zu\n", #T,                                                      \
           offsetof(                                                                               \
               struct {                                                                            \
                   char c;                                                                         \
                   T x;                                                                            \
               },                                                                                  \
               x),                                                                                 \
           #T, sizeof(T))

void stop(void);
void stop(void) {}

long sink(long v);
__attribute__((noinline)) long sink(long v)
{
    __asm__ volatile("" ::: "memory");
    return v;
}

static inline __attribute__((always_inline)) long get(const struct pt *p)
{
    return sink(p->l) + p->c;
}

static char storage[16];

int main(int argc, char **argv)
{
    struct holder o;
    robj r = {1, 2, 3, 0};
    anon_t an = {1, 2, 3};
    struct zw z = {1, 2};
    struct pb p = {1, 2, 3};
    struct zwl zl = {1, 2};
    struct opaque *op = (struct opaque *)storage;
    robj *rp = &r;
    struct pt v = {(char)argc, argc * 3L};
    struct anonmem am;

    (void)argv;
    memset(&o, 0, sizeof o);
    o.k = 'k';
    o.u.i = 7;
    o.name = "a string longer than eight characters";
    memset(&am, 0, sizeof am);
    am.k = 'k';
    am.b = 'b';
    am.c = 3;
    am.i = 4;
    ALIGN_OF(struct zw);
    ALIGN_OF(struct pb);
    ALIGN_OF(struct zwl);
    ALIGN_OF(struct quals);
    fflush(stdout);
    stop();
    return (int)get(&v) + o.k + r.type + an.a + z.a + p.a + zl.a + (op != NULL) + rp->refcount +
           am.c;
}
