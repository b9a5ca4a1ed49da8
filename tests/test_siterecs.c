/*
 * test_siterecs.c - the escape join's site records (escape/siterecs.c),
 * compiled into the test from its source: the library does not export
 * them.
 *
 * The truth is a trivially correct reference: plain arrays of the values
 * pushed.  The values are chosen to exercise every encoding: columns and
 * input-line steps that fit in 16 bits and those that do not (a step of
 * exactly 65,535, one past, backwards, a new input starting at line 1,
 * 64-bit input lines), across group and block boundaries, read at random,
 * in order, after truncation, and after an in-place rewrite that drops
 * records.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "escape/heapsites.h"

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
    r.pair = (uint32_t)rnd(x);
    r.line = (uint32_t)rnd(x);
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
    else
        r.input_line = ((uint64_t)1 << 40) + i; /* past 32 bits */
    return r;
}

static void check_all(const hs_store *s, const ref *want, size_t n)
{
    ck_assert_uint_eq(s->n, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t pair, line, col;
        uint64_t input_line;
        hs_store_get(s, i, &pair, &line, &col, &input_line);
        ck_assert_uint_eq(pair, want[i].pair);
        ck_assert_uint_eq(line, want[i].line);
        ck_assert_uint_eq(col, want[i].col);
        ck_assert_uint_eq(input_line, want[i].input_line);
        ck_assert_uint_eq(hs_store_pair(s, i), want[i].pair);
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
        ck_assert_int_eq(
            hs_store_push(&s, want[i].pair, want[i].line, want[i].col, want[i].input_line), 0);
    }
    ck_assert_uint_gt(s.nbigs, 0);
    check_all(&s, want, n);
    /* A failed read's records go: the rest stays, and pushing goes on from
     * the last record kept (its input line is the next step's base). */
    hs_store_truncate(&s, HS_BLOCK + 37);
    ck_assert_uint_eq(s.nblocks, 2);
    check_all(&s, want, HS_BLOCK + 37);
    prev = want[HS_BLOCK + 36].input_line;
    for (size_t i = HS_BLOCK + 37; i < n; i++) {
        want[i] = make(&x, prev, i);
        prev = want[i].input_line;
        ck_assert_int_eq(
            hs_store_push(&s, want[i].pair, want[i].line, want[i].col, want[i].input_line), 0);
    }
    check_all(&s, want, n);
    hs_store_truncate(&s, 0);
    check_all(&s, want, 0);
    hs_store_free(&s);
    free(want);
}
END_TEST

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
        ck_assert_int_eq(
            hs_store_push(&s, want[i].pair, want[i].line, want[i].col, want[i].input_line), 0);
    }
    hs_store_rewrite(&s, &rd);
    ck_assert_uint_eq(rd.n, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t pair, line, col;
        hs_reader_next(&s, &rd, i, &pair, &line, &col);
        ck_assert_uint_eq(pair, want[i].pair);
        ck_assert_uint_eq(line, want[i].line);
        ck_assert_uint_eq(col, want[i].col);
        ck_assert_uint_eq(rd.input_line, want[i].input_line);
        /* Drop runs of records (duplicates come in runs too); what is
         * kept gets a new pair, as the join's verdict does. */
        if (rnd(&x) % 100 < (i % 5000 < 2500 ? 10 : 70))
            continue;
        out[kept] = want[i];
        out[kept].pair = (uint32_t)(i * 3);
        ck_assert_int_eq(hs_store_push(&s, out[kept].pair, line, col, rd.input_line), 0);
        kept++;
    }
    hs_store_rewritten(&s, &rd);
    ck_assert_uint_lt(kept, n);
    check_all(&s, out, kept);
    hs_store_free(&s);
    free(want);
    free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("siterecs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_push_get_truncate);
    tcase_add_test(tc, test_rewrite);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
