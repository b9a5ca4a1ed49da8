/*
 * siterecs.c - the escape join's site records (hs_store, heapsites.h):
 * 12 bytes a site, appended in log order, read back at random
 * (align_heap_join_site) or in order, and rewritten in place by the join,
 * which drops duplicates.
 *
 * Workload: one record per site of every log read, 11.6 M for a 500 MB
 * log of distinct sites; the join keeps nothing else per site, so these
 * bytes are most of its memory.  A record is the id of what the site says
 * (4 bytes), its line (4), its column (2) and the step of its input line
 * from the record before (2): logs give sites in input order, one to a
 * few lines apart.  Every HS_GROUP records the input line is written out
 * whole (8 bytes per 64 records), so reading record i at random adds at
 * most 63 steps; a column or a step that does not fit (the first site of
 * each input, columns past 65,534) goes to a side table of bigs, found by
 * binary search.  Records live in blocks of 2^16 that never move.
 *
 * Rejected: 16-byte records with the whole column and a 32-bit input line
 * (a third more memory for the records, which bench-escape's 500 MB log
 * needs to stay under half its size), and one array grown by doubling (up
 * to twice the records at once, and the allocator keeps the freed smaller
 * copies).
 *
 * Checked by tests/test_siterecs.c against a plain array of the values.
 */
#include "escape/heapsites.h"
#include "util/vec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static hs_rec *rec_at(const hs_store *s, size_t i)
{
    return &s->blocks[i >> HS_BLOCK_SHIFT][i & (HS_BLOCK - 1)];
}

void hs_store_free(hs_store *s)
{
    for (size_t b = 0; b < s->nblocks; b++)
        free(s->blocks[b]);
    FREE_ALL(s->blocks, s->marks, s->bigs);
    memset(s, 0, sizeof *s);
}

int hs_store_push(hs_store *s, uint32_t pair, uint32_t line, uint32_t col, uint64_t input_line)
{
    hs_rec *r;
    bool first = s->n % HS_GROUP == 0;
    if ((s->n & (HS_BLOCK - 1)) == 0 && (s->n >> HS_BLOCK_SHIFT) == s->nblocks) {
        hs_rec *b;
        if (vec_reserve((void **)&s->blocks, &s->blocks_cap, s->nblocks + 1, sizeof *s->blocks,
                        16) < 0)
            return ALIGN_ENOMEM;
        b = malloc(HS_BLOCK * sizeof *b);
        if (b == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        s->blocks[s->nblocks++] = b;
    }
    /* A store rewritten in place (hs_store_rewrite) has its marks. */
    if (first && s->n / HS_GROUP < s->nmarks)
        s->marks[s->n / HS_GROUP] = input_line;
    else if (first && vec_push((void **)&s->marks, &s->nmarks, &s->marks_cap, sizeof *s->marks, 64,
                               &input_line) < 0)
        return ALIGN_ENOMEM;
    r = rec_at(s, s->n);
    r->pair = pair;
    r->line = line;
    r->step = 0;
    if (!first && input_line >= s->last_line && input_line - s->last_line < 0x10000)
        r->step = (uint16_t)(input_line - s->last_line);
    if (col < HS_BIG && (first || input_line - s->last_line == r->step)) {
        r->col = (uint16_t)col;
    } else {
        hs_big big = {s->n, col, input_line};
        if (vec_push((void **)&s->bigs, &s->nbigs, &s->bigs_cap, sizeof big, 16, &big) < 0)
            return ALIGN_ENOMEM; /* a mark pushed stays: the next push
                                    of this record overwrites it */
        r->col = HS_BIG;
    }
    s->last_line = input_line;
    s->n++;
    return 0;
}

static const hs_big *big_in(const hs_big *bigs, size_t nbigs, size_t i)
{
    size_t lo = 0, hi = nbigs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (bigs[mid].rec < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    assert(lo < nbigs && bigs[lo].rec == i);
    return &bigs[lo];
}

static const hs_big *big_of(const hs_store *s, size_t i)
{
    return big_in(s->bigs, s->nbigs, i);
}

void hs_store_get(const hs_store *s, size_t i, uint32_t *pair, uint32_t *line, uint32_t *col,
                  uint64_t *input_line)
{
    const hs_rec *r = rec_at(s, i);
    uint64_t v = s->marks[i / HS_GROUP];
    /* The steps from the group's first record. */
    for (size_t k = i - i % HS_GROUP + 1; k <= i; k++) {
        const hs_rec *q = rec_at(s, k);
        v = q->col == HS_BIG ? big_of(s, k)->input_line : v + q->step;
    }
    *pair = r->pair;
    *line = r->line;
    *col = r->col == HS_BIG ? big_of(s, i)->col : r->col;
    *input_line = v;
}

void hs_store_rewrite(hs_store *s, hs_reader *r)
{
    r->n = s->n;
    r->bigs = s->bigs;
    r->nbigs = s->nbigs;
    r->input_line = 0;
    s->bigs = NULL;
    s->nbigs = s->bigs_cap = 0;
    s->n = 0;
}

void hs_reader_next(const hs_store *s, hs_reader *r, size_t i, uint32_t *pair, uint32_t *line,
                    uint32_t *col)
{
    const hs_rec *q = rec_at(s, i);
    const hs_big *big = q->col == HS_BIG ? big_in(r->bigs, r->nbigs, i) : NULL;
    /* Group i / HS_GROUP's mark is rewritten only for a record written at
     * i or later, after this read. */
    if (i % HS_GROUP == 0)
        r->input_line = s->marks[i / HS_GROUP];
    else if (big != NULL)
        r->input_line = big->input_line;
    else
        r->input_line += q->step;
    *pair = q->pair;
    *line = q->line;
    *col = big != NULL ? big->col : q->col;
}

void hs_store_rewritten(hs_store *s, hs_reader *r)
{
    size_t keep = (s->n + HS_BLOCK - 1) >> HS_BLOCK_SHIFT;
    free(r->bigs);
    r->bigs = NULL;
    s->nmarks = (s->n + HS_GROUP - 1) / HS_GROUP;
    while (s->nblocks > keep)
        free(s->blocks[--s->nblocks]);
}

uint32_t hs_store_pair(const hs_store *s, size_t i)
{
    return rec_at(s, i)->pair;
}

void hs_store_truncate(hs_store *s, size_t n)
{
    size_t keep;
    if (n >= s->n)
        return;
    s->n = n;
    s->nmarks = (n + HS_GROUP - 1) / HS_GROUP;
    while (s->nbigs > 0 && s->bigs[s->nbigs - 1].rec >= n)
        s->nbigs--;
    keep = (n + HS_BLOCK - 1) >> HS_BLOCK_SHIFT;
    while (s->nblocks > keep)
        free(s->blocks[--s->nblocks]);
    if (n > 0) {
        uint32_t pair, line, col;
        hs_store_get(s, n - 1, &pair, &line, &col, &s->last_line);
    }
}
