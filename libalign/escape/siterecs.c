/*
 * siterecs.c - the escape join's site records (hs_store, heapsites.h):
 * appended in log order, read back at random (align_heap_join_site) or in
 * order, and rewritten by the join, which drops duplicates.
 *
 * Workload: one record per site of every log read, 11.6 M for a 500 MB
 * log of distinct sites; the join keeps nothing else per site, so these
 * bytes are most of its memory (bench-escape's 50 MB log: 14 of its 25
 * MiB peak as 12-byte records).  A record is four numbers: the id of what
 * the site says (pair), its line, its column and its input line.  Logs
 * give sites in order: a package's sites by line, a few input lines apart,
 * and pairs numbered in order of first appearance, so each number is
 * written as a varint (7 bits a byte) of its change from the record before
 * (zigzag-coded, modulo 2^32 or 2^64, so any value round-trips), the
 * column whole: 1 byte each most of the time, 4 to 6 a record.  Every
 * HS_GROUP (8) records start from zero, and the group's first byte is
 * kept as a 16-bit offset from a 64-bit position kept every HS_SUPER (64)
 * records (3/8 of a byte a record), so record i is decoded at random
 * after at most 7 others (align_heap_join_site's cost: the text report
 * reads each site a few times at random; groups of 16 with a 64-bit
 * position each cost it 6% more CPU on bench-escape's 50 MB log, for 1/8
 * of a byte less a record; the join itself reads in order).
 *
 * The join rewrites the records once (each then says what the join made
 * of its site): the new ones cannot go over the old in place, a record
 * may grow, so they go to new blocks while the last pass over the old
 * frees each old block once read (hs_reader.consume): the two take about
 * one set of records at a time.
 *
 * Rejected: fixed 12-byte records with 16-bit column and input-line step
 * (twice the bytes; bench-escape's 50 MB log missed 0.5x its size by 1.3
 * MiB with them), one array grown by doubling (up to twice the records at
 * once, and the allocator keeps the freed smaller copies), and a column
 * and step packed into one varint (a byte saved on few records: columns
 * run past 127 as often as steps past 0).
 *
 * Checked by tests/test_siterecs.c against a plain array of the values.
 */
#include "escape/heapsites.h"
#include "util/vec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MASK (HS_BLOCK - 1)

static unsigned char *put_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static inline const unsigned char *get_varint(const unsigned char *p, uint64_t *v)
{
    uint64_t x = 0;
    unsigned shift = 0;
    if (__builtin_expect(*p < 0x80, 1)) { /* the usual case: one byte */
        *v = *p;
        return p + 1;
    }
    while (*p & 0x80) {
        x |= (uint64_t)(*p++ & 0x7f) << shift;
        shift += 7;
    }
    *v = x | (uint64_t)*p++ << shift;
    return p;
}

/* Signed changes as small unsigned numbers: 0, -1, 1, -2, ... */
static uint64_t zig32(uint32_t d)
{
    return (uint32_t)((d << 1) ^ (uint32_t) - (int32_t)(d >> 31));
}
static uint32_t unzig32(uint64_t z)
{
    return (uint32_t)(z >> 1) ^ (uint32_t) - (uint32_t)(z & 1);
}
static uint64_t zig64(uint64_t d)
{
    return (d << 1) ^ (uint64_t) - (int64_t)(d >> 63);
}
static uint64_t unzig64(uint64_t z)
{
    return (z >> 1) ^ (uint64_t) - (z & 1);
}

/* Where a record starting at byte pos goes: the next block's start when
 * one might not fit in pos's block. */
static uint64_t fit(uint64_t pos)
{
    if (HS_BLOCK - (pos & BLOCK_MASK) < HS_REC_MAX)
        pos = (pos | BLOCK_MASK) + 1;
    return pos;
}

typedef struct rec_state {
    uint32_t pair, line;
    uint64_t input_line;
} rec_state;

/* Decodes the record at pos (its state told from *st); returns the byte
 * after it. */
static inline uint64_t decode(unsigned char *const *blocks, uint64_t pos, rec_state *st,
                              uint32_t *col)
{
    const unsigned char *p0 = blocks[pos >> HS_BLOCK_SHIFT] + (pos & BLOCK_MASK), *p = p0;
    uint64_t v;
    p = get_varint(p, &v);
    st->pair += unzig32(v);
    p = get_varint(p, &v);
    st->line += unzig32(v);
    p = get_varint(p, &v);
    *col = (uint32_t)v;
    p = get_varint(p, &v);
    st->input_line += unzig64(v);
    return pos + (uint64_t)(p - p0);
}

void hs_store_free(hs_store *s)
{
    for (size_t b = 0; b < s->nblocks; b++)
        free(s->blocks[b]);
    FREE_ALL(s->blocks, s->marks, s->offs);
    memset(s, 0, sizeof *s);
}

int hs_store_push(hs_store *s, uint32_t pair, uint32_t line, uint32_t col, uint64_t input_line)
{
    unsigned char *p0, *p;
    bool first = s->n % HS_GROUP == 0;
    if ((s->end >> HS_BLOCK_SHIFT) == s->nblocks) {
        unsigned char *b;
        if (vec_reserve((void **)&s->blocks, &s->blocks_cap, s->nblocks + 1, sizeof *s->blocks,
                        16) < 0)
            return ALIGN_ENOMEM;
        b = malloc(HS_BLOCK);
        if (b == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        s->blocks[s->nblocks++] = b;
    }
    /* A mark or offset pushed by a push that failed after it is
     * overwritten. */
    if (s->n % HS_SUPER == 0) {
        if (s->n / HS_SUPER < s->nmarks)
            s->marks[s->n / HS_SUPER] = s->end;
        else if (vec_push((void **)&s->marks, &s->nmarks, &s->marks_cap, sizeof *s->marks, 64,
                          &s->end) < 0)
            return ALIGN_ENOMEM;
    }
    if (first) {
        /* At most HS_SUPER - HS_GROUP records, each under 2 * HS_REC_MAX
         * with the end of a block skipped, from the mark. */
        uint16_t off = (uint16_t)(s->end - s->marks[s->n / HS_SUPER]);
        assert(s->end - s->marks[s->n / HS_SUPER] < 0x10000);
        if (s->n / HS_GROUP < s->noffs)
            s->offs[s->n / HS_GROUP] = off;
        else if (vec_push((void **)&s->offs, &s->noffs, &s->offs_cap, sizeof *s->offs, 64, &off) <
                 0)
            return ALIGN_ENOMEM;
        s->last_pair = s->last_line = 0;
        s->last_input = 0;
    }
    p0 = p = s->blocks[s->end >> HS_BLOCK_SHIFT] + (s->end & BLOCK_MASK);
    p = put_varint(p, zig32(pair - s->last_pair));
    p = put_varint(p, zig32(line - s->last_line));
    p = put_varint(p, col);
    p = put_varint(p, zig64(input_line - s->last_input));
    assert(p - p0 <= HS_REC_MAX);
    s->end = fit(s->end + (uint64_t)(p - p0));
    s->last_pair = pair;
    s->last_line = line;
    s->last_input = input_line;
    s->n++;
    return 0;
}

void hs_store_get(const hs_store *s, size_t i, uint32_t *pair, uint32_t *line, uint32_t *col,
                  uint64_t *input_line)
{
    rec_state st = {0, 0, 0};
    uint64_t pos = s->marks[i / HS_SUPER] + s->offs[i / HS_GROUP];
    assert(i < s->n);
    for (size_t k = i - i % HS_GROUP; k <= i; k++)
        pos = fit(decode(s->blocks, pos, &st, col));
    *pair = st.pair;
    *line = st.line;
    *input_line = st.input_line;
}

uint32_t hs_store_pair(const hs_store *s, size_t i)
{
    uint32_t pair, line, col;
    uint64_t input_line;
    hs_store_get(s, i, &pair, &line, &col, &input_line);
    return pair;
}

void hs_store_iter(const hs_store *s, hs_reader *r)
{
    memset(r, 0, sizeof *r);
    r->n = s->n;
    r->blocks = s->blocks;
    r->nblocks = s->nblocks;
}

void hs_store_rewrite(hs_store *s, hs_reader *r)
{
    hs_store_iter(s, r);
    r->owned = s->blocks;
    FREE_ALL(s->marks, s->offs);
    memset(s, 0, sizeof *s);
}

void hs_reader_next(const hs_store *s, hs_reader *r, size_t i, uint32_t *pair, uint32_t *line,
                    uint32_t *col)
{
    rec_state st = {r->pair, r->line, r->input_line};
    uint64_t block = r->pos >> HS_BLOCK_SHIFT;
    (void)s;
    assert(i == r->next && i < r->n);
    if (i % HS_GROUP == 0)
        memset(&st, 0, sizeof st);
    r->pos = fit(decode(r->blocks, r->pos, &st, col));
    /* Past a block of a rewrite's last pass: it is not read again. */
    if (r->consume && r->owned != NULL && (r->pos >> HS_BLOCK_SHIFT) > block) {
        free(r->owned[block]);
        r->owned[block] = NULL;
    }
    r->pair = *pair = st.pair;
    r->line = *line = st.line;
    r->input_line = st.input_line;
    r->next++;
}

void hs_store_rewritten(hs_store *s, hs_reader *r)
{
    (void)s;
    if (r->owned != NULL) {
        for (size_t b = 0; b < r->nblocks; b++)
            free(r->owned[b]);
        free(r->owned);
    }
    memset(r, 0, sizeof *r);
}

void hs_store_truncate(hs_store *s, size_t n)
{
    size_t keep;
    if (n >= s->n)
        return;
    s->nmarks = (n + HS_SUPER - 1) / HS_SUPER;
    s->noffs = (n + HS_GROUP - 1) / HS_GROUP;
    s->last_pair = s->last_line = 0;
    s->last_input = 0;
    s->end = 0;
    if (n > 0) {
        rec_state st = {0, 0, 0};
        uint32_t col;
        uint64_t pos = s->marks[(n - 1) / HS_SUPER] + s->offs[(n - 1) / HS_GROUP];
        for (size_t k = (n - 1) - (n - 1) % HS_GROUP; k < n; k++)
            pos = fit(decode(s->blocks, pos, &st, &col));
        s->end = pos;
        s->last_pair = st.pair;
        s->last_line = st.line;
        s->last_input = st.input_line;
    }
    s->n = n;
    keep = (size_t)((s->end + BLOCK_MASK) >> HS_BLOCK_SHIFT);
    while (s->nblocks > keep)
        free(s->blocks[--s->nblocks]);
}
