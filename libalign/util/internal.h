/*
 * internal.h - what every libalign module may use, below the model: the
 * public header and checked arithmetic.  Never installed.
 *
 * The modules and who may include whom are drawn in libalign.h's top
 * comment; tools/check-includes (make check) fails on a cycle.  util is
 * the bottom: it includes only libalign.h.
 */
#ifndef LIBALIGN_INTERNAL_H
#define LIBALIGN_INTERNAL_H

#include "libalign.h"

#include <stdbool.h>

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

#endif
