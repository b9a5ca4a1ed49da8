/*
 * dwarf_cursor.h - bounds-checked reading of raw DWARF bytes, for the
 * readers that decode mapped sections without libdwarf (dwarf_scan.c: DIE
 * fingerprints; dwarf_lines.c: line programs).  Little-endian only.  A read
 * past the end sets bad and returns 0; every later read does the same, so
 * a caller checks bad once after a run of reads.
 */
#ifndef LIBALIGN_DWARF_CURSOR_H
#define LIBALIGN_DWARF_CURSOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

typedef struct cursor {
    const uint8_t *p, *end;
    bool bad;
} cursor;

/* An n-byte little-endian number (n <= 8). */
static inline uint64_t get_u(cursor *c, unsigned n)
{
    uint64_t v = 0;
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = true;
        return 0;
    }
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)c->p[i] << (8 * i);
    c->p += n;
    return v;
}

/* A LEB128 number; sign: sign-extend it (SLEB128).  One that does not fit
 * in 64 bits is bad. */
static inline uint64_t get_leb(cursor *c, bool sign)
{
    uint64_t v = 0;
    unsigned shift = 0;
    while (!c->bad) {
        uint8_t b;
        if (c->p >= c->end || shift > 63) {
            c->bad = true;
            break;
        }
        b = *c->p++;
        if (shift == 63 && (b & 0x7e) != 0 && !(sign && (b & 0x7f) == 0x7f)) {
            c->bad = true;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (sign && shift < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            return v;
        }
    }
    return 0;
}

static inline uint64_t get_uleb(cursor *c)
{
    return get_leb(c, false);
}

static inline int64_t get_sleb(cursor *c)
{
    return (int64_t)get_leb(c, true);
}

static inline void skip(cursor *c, uint64_t n)
{
    if (c->bad || (uint64_t)(c->end - c->p) < n)
        c->bad = true;
    else
        c->p += n;
}

#endif
