/*
 * test_siterecs.c - the escape join's site records (escape/siterecs.c),
 * compiled into the test from its source: the library does not export
 * them.
 *
 * The truth is a trivially correct reference: plain arrays of the values
 * pushed.  The values are chosen to exercise every length of the varints:
 * small and 32-bit columns, lines and pairs, extremes (0 after
 * UINT32_MAX, UINT64_MAX input lines: the longest records, 25 bytes),
 * input-line steps forwards, backwards, a new input starting at line 1,
 * 64-bit input lines, across group and block boundaries, read at random,
 * in order, after truncation, and after a rewrite that drops records and
 * frees the old blocks as it reads them.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "escape/heapsites.h"

#include "suite.h"

typedef struct ref {
    uint32_t pair, line, col;
    uint64_t input_line;
} ref;

/* A reproducible sequence: xorshift. */
static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static ref make(uint64_t *x, uint64_t prev, size_t i)
{
    ref r;
    uint64_t k = rnd(x) % 100;
    r.pair = k < 5 ? UINT32_MAX : k < 10 ? 0 : (uint32_t)rnd(x);
    r.line = k < 5 ? 0 : k < 10 ? UINT32_MAX : (uint32_t)rnd(x);
    r.col = k < 90   ? (uint32_t)(rnd(x) % 200)
            : k < 95 ? 0xfffeu + (uint32_t)(rnd(x) % 3)
                     : (uint32_t)rnd(x);
    k = rnd(x) % 100;
    if (k < 80)
        r.input_line = prev + rnd(x) % 4;
    else if (k < 85)
        r.input_line = prev + 0xffff + rnd(x) % 3; /* just fits, just not */
    else if (k < 90)
        r.input_line = 1; /* a new input */
    else if (k < 95)
        r.input_line = prev - (prev > 0); /* backwards */
    else if (k < 98)
        r.input_line = ((uint64_t)1 << 40) + i; /* past 32 bits */
    else
        r.input_line = UINT64_MAX - (i & 1);
    return r;
}

/* Checks of every record: plain tests, not ck_assert (each ck_assert
 * writes to Check's pipe, which costs more than the code under test). */
#define REC_EQ(i, what, got, want)                                                                 \
    do {                                                                                           \
        if ((uint64_t)(got) != (uint64_t)(want))                                                   \
            ck_abort_msg("record %zu: %s is %llu, expected %llu", (size_t)(i), what,               \
                         (unsigned long long)(got), (unsigned long long)(want));                   \
    } while (0)
#define PUSH_OK(i, call)                                                                           \
    do {                                                                                           \
        if ((call) != 0)                                                                           \
            ck_abort_msg("record %zu: hs_store_push failed", (size_t)(i));                         \
    } while (0)

static void check_all(const hs_store *s, const ref *want, size_t n)
{
    ck_assert_uint_eq(s->n, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t pair, line, col;
        uint64_t input_line;
        hs_store_get(s, i, &pair, &line, &col, &input_line);
        REC_EQ(i, "pair", pair, want[i].pair);
        REC_EQ(i, "line", line, want[i].line);
        REC_EQ(i, "col", col, want[i].col);
        REC_EQ(i, "input line", input_line, want[i].input_line);
        REC_EQ(i, "hs_store_pair", hs_store_pair(s, i), want[i].pair);
    }
}

START_TEST(test_push_get_truncate)
{
    size_t n = HS_BLOCK * 2 + 1000;
    ref *want = malloc(n * sizeof *want);
    hs_store s;
    uint64_t x = 88172645463325252ull, prev = 1;
    memset(&s, 0, sizeof s);
    ck_assert_ptr_nonnull(want);
    for (size_t i = 0; i < n; i++) {
        want[i] = make(&x, prev, i);
        prev = want[i].input_line;
        PUSH_OK(i, hs_store_push(&s, want[i].pair, want[i].line, want[i].col, want[i].input_line));
    }
    ck_assert_uint_gt(s.nblocks, 4);
    check_all(&s, want, n);
    /* A failed read's records go: the rest stays, and pushing goes on from
     * the last record kept (its values are the next record's base). */
    size_t before = s.nblocks;
    hs_store_truncate(&s, HS_BLOCK + 37);
    ck_assert_uint_lt(s.nblocks, before);
    ck_assert_uint_eq(s.nblocks, (s.end + HS_BLOCK - 1) / HS_BLOCK);
    check_all(&s, want, HS_BLOCK + 37);
    prev = want[HS_BLOCK + 36].input_line;
    for (size_t i = HS_BLOCK + 37; i < n; i++) {
        want[i] = make(&x, prev, i);
        prev = want[i].input_line;
        PUSH_OK(i, hs_store_push(&s, want[i].pair, want[i].line, want[i].col, want[i].input_line));
    }
    check_all(&s, want, n);
    hs_store_truncate(&s, 0);
    check_all(&s, want, 0);
    hs_store_free(&s);
    free(want);
}
END_TEST

/* Reads record i (the next) with r and checks it is *w. */
static void read_next(const hs_store *s, hs_reader *r, size_t i, const ref *w)
{
    uint32_t pair, line, col;
    hs_reader_next(s, r, i, &pair, &line, &col);
    REC_EQ(i, "pair", pair, w->pair);
    REC_EQ(i, "line", line, w->line);
    REC_EQ(i, "col", col, w->col);
    REC_EQ(i, "input line", r->input_line, w->input_line);
}

/* The join's rewrite: every record read in order, some written back at
 * lower indices, others dropped. */
START_TEST(test_rewrite)
{
    size_t n = HS_BLOCK + 5000, kept = 0;
    ref *want = malloc(n * sizeof *want), *out = malloc(n * sizeof *out);
    hs_store s;
    hs_reader rd;
    uint64_t x = 2463534242ull, prev = 7;
    memset(&s, 0, sizeof s);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(out);
    for (size_t i = 0; i < n; i++) {
        want[i] = make(&x, prev, i);
        prev = want[i].input_line;
        PUSH_OK(i, hs_store_push(&s, want[i].pair, want[i].line, want[i].col, want[i].input_line));
    }
    /* Read in order as they are (a copy of a reader reads on alone). */
    hs_store_iter(&s, &rd);
    for (size_t i = 0; i < n; i++)
        read_next(&s, &rd, i, &want[i]);
    /* A first pass that keeps the old blocks (the duplicate filter's),
     * then the last, which frees each as it is read past. */
    hs_store_rewrite(&s, &rd);
    ck_assert_uint_eq(rd.n, n);
    hs_reader first = rd;
    for (size_t i = 0; i < n; i++)
        read_next(&s, &first, i, &want[i]);
    rd.consume = true;
    for (size_t i = 0; i < n; i++) {
        uint32_t line = want[i].line, col = want[i].col;
        read_next(&s, &rd, i, &want[i]);
        /* Drop runs of records (duplicates come in runs too); what is
         * kept gets a new pair, as the join's verdict does. */
        if (rnd(&x) % 100 < (i % 5000 < 2500 ? 10 : 70))
            continue;
        out[kept] = want[i];
        out[kept].pair = (uint32_t)(i * 3);
        PUSH_OK(i, hs_store_push(&s, out[kept].pair, line, col, rd.input_line));
        kept++;
    }
    for (size_t b = 0; b + 1 < rd.nblocks; b++)
        ck_assert_ptr_null(rd.owned[b]);
    hs_store_rewritten(&s, &rd);
    ck_assert_uint_lt(kept, n);
    check_all(&s, out, kept);
    hs_store_free(&s);
    free(want);
    free(out);
}
END_TEST

/* A log's usual records (pairs numbered in order of first appearance,
 * lines and input lines a few apart, columns under 128) take 4 bytes and
 * 3/8 of a byte of group marks; the fixed records they replace took 12. */
START_TEST(test_compact)
{
    size_t n = 100000;
    hs_store s;
    uint64_t x = 1234567, input = 1;
    uint32_t line = 10;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < n; i++) {
        line += (uint32_t)(rnd(&x) % 8);
        input += 1 + rnd(&x) % 3;
        PUSH_OK(i, hs_store_push(&s, (uint32_t)(i / 3), line, (uint32_t)(rnd(&x) % 100), input));
    }
    ck_assert_uint_le(s.end, 4 * n + n / HS_GROUP * 8);
    ck_assert_uint_le(s.nmarks * sizeof *s.marks + s.noffs * sizeof *s.offs, n * 3 / 8 + 16);
    hs_store_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("siterecs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_push_get_truncate);
    tcase_add_test(tc, test_rewrite);
    tcase_add_test(tc, test_compact);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
