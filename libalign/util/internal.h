/*
 * internal.h - what every libalign module may use, below the model: the
 * public header, the error setter, checked arithmetic, and the small
 * idioms written once (TRY, cmp_keys for comparators, FREE_ALL for
 * destructors, HANDLE_* for the public count-and-item accessors).  Never
 * installed.
 *
 * util/ is the bottom of libalign: what every other folder may use and
 * that knows nothing of types or layouts (checked arithmetic, the error
 * record, align_buf, the one arena, hash and growable array).
 *
 * The modules and who may include whom are drawn in libalign.h's top
 * comment; tools/check-includes (make check) fails on a cycle.  util is
 * the bottom: it includes only libalign.h.
 */
#ifndef LIBALIGN_INTERNAL_H
#define LIBALIGN_INTERNAL_H

#include "libalign.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>

/* Records an error in the per-thread record that align_error_last()
 * returns (error.c): code, the input's file ("" when NULL), 1-based line
 * and column (0: none) and the message.  The arguments may point into the
 * record itself.  Returns code, so that `return error_set(...)` reads
 * naturally.  Internal: callers of the library only read errors. */
int error_set(int code, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Makes *e (a copy of another thread's record) this thread's error
 * record, as if it had been recorded here; returns its code. */
int error_restore(const align_error *e);
/* Sets the hint of the error just recorded: what the user can do. */
void error_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The length of the valid UTF-8 sequence at p, of which avail bytes may
 * be read: 1 to 4, or 0 when there is none (RFC 3629: no overlong form, no
 * surrogate, nothing past U+10FFFF).  buf.c. */
size_t utf8_seq(const unsigned char *p, size_t avail);

/* Checked arithmetic: false on overflow. */
static inline bool mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}
/* Rounds v up to a multiple of a (a power of two or any positive value). */
static inline bool round_up_u64(uint64_t v, uint64_t a, uint64_t *out)
{
    uint64_t r;
    if (a <= 1) {
        *out = v;
        return true;
    }
    r = v % a;
    if (r == 0) {
        *out = v;
        return true;
    }
    return add_u64(v, a - r, out);
}

/* The order of two tuples of n numeric sort keys, the first key that
 * differs deciding: -1, 0 or 1, for qsort comparators that sort by several
 * fields (each lists its keys: {x->file, x->line, x->func}). */
static inline int cmp_keys(const uint64_t *x, const uint64_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Frees each buffer listed (any may be NULL), in order: a destructor's
 * list of what its struct owns, as data rather than one free() a line.
 * FREE_ALL(gf->funcs, gf->vars, gf). */
static inline void free_each(void *const *bufs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(bufs[i]);
}
#define FREE_ALL(...)                                                                              \
    free_each((void *const[]){__VA_ARGS__}, sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

/* Returns from the calling function the negative code of a failed call
 * (the parsers' and readers' way to stop at the first error). */
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int try_rc_ = (expr);                                                                      \
        if (try_rc_ < 0)                                                                           \
            return try_rc_;                                                                        \
    } while (0)

/* The public accessors of an array that an opaque handle owns, defined
 * once for the many that libalign.h declares (a join's types and
 * diagnostics, a log's sites...): each use says only which handle, array
 * and count.  COUNT(h): the length.  ITEM(h, i): item i, NULL past the
 * end.  ARRAY(h): the whole array, NULL when empty.  h must not be NULL. */
#define HANDLE_COUNT(Handle, name, n)                                                              \
    size_t name(const Handle *h)                                                                   \
    {                                                                                              \
        assert(h != NULL);                                                                         \
        return h->n;                                                                               \
    }
#define HANDLE_ITEM(Handle, name, Item, n, items)                                                  \
    const Item *name(const Handle *h, size_t i)                                                    \
    {                                                                                              \
        assert(h != NULL);                                                                         \
        return i < h->n ? &h->items[i] : NULL;                                                     \
    }
#define HANDLE_ARRAY(Handle, name, Item, n, items)                                                 \
    const Item *name(const Handle *h)                                                              \
    {                                                                                              \
        assert(h != NULL);                                                                         \
        return h->n ? h->items : NULL;                                                             \
    }
/* COUNT and ITEM, the usual pair. */
#define HANDLE_ACCESSORS(Handle, count_name, item_name, Item, n, items)                            \
    HANDLE_COUNT(Handle, count_name, n)                                                            \
    HANDLE_ITEM(Handle, item_name, Item, n, items)

#endif
