/*
 * test_table.c - util/table (the one open-addressing index of libalign),
 * compiled into the test from its source: the library does not export it.
 *
 * The truth is a trivially correct reference: a linear scan of the same
 * entries.  Keys are chosen to be hard for a table: every key with the same
 * hash (all probes collide), hashes that differ only in their high 32 bits
 * (the shape of the escape join's old one-bucket bug), and a million keys
 * (growth from empty through 2^21 slots).
 */
#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "libalign.h"
#include "util/hash.h"
#include "util/table.h"

typedef struct keys {
    const uint64_t *v;
    uint64_t want;
} keys;

static bool key_eq(const void *ctx, uint32_t entry)
{
    const keys *k = ctx;
    return k->v[entry] == k->want;
}

/* Indexes v[0..n) under hash(v[i]) and checks every lookup, present and
 * absent, against a scan.  The per-key checks are plain comparisons that
 * abort with the key: ck_assert records its location on every call (a
 * write to Check's pipe), which made this test a million writes. */
static void check_keys(const uint64_t *v, size_t n, uint64_t (*hash)(uint64_t))
{
    table t = {0};
    keys k = {v, 0};
    for (size_t i = 0; i < n; i++) {
        k.want = v[i];
        if (table_find(&t, hash(v[i]), key_eq, &k) != TABLE_NONE)
            ck_abort_msg("key %zu found before it was added", i);
        if (table_add(&t, hash(v[i]), (uint32_t)i) != 0)
            ck_abort_msg("table_add failed at key %zu", i);
    }
    ck_assert_uint_eq(t.n, n);
    ck_assert(t.cap >= 2 * n);
    for (size_t i = 0; i < n; i++) {
        k.want = v[i];
        uint32_t got = table_find(&t, hash(v[i]), key_eq, &k);
        if (got != i)
            ck_abort_msg("key %zu found as entry %u", i, (unsigned)got);
        k.want = v[i] + ((uint64_t)1 << 62); /* never a key */
        if (table_find(&t, hash(k.want), key_eq, &k) != TABLE_NONE)
            ck_abort_msg("absent key %zu + 2^62 found", i);
    }
    table_free(&t);
    ck_assert_uint_eq(t.cap, 0);
    ck_assert_uint_eq(table_find(&t, hash(v[0]), key_eq, &k), TABLE_NONE);
}

static uint64_t fnv(uint64_t x)
{
    return hash_fnv_u64(HASH_FNV_SEED, x);
}

static uint64_t constant(uint64_t x)
{
    (void)x;
    return 42;
}

static uint64_t high_bits(uint64_t x)
{
    return x << 32; /* the low 32 bits all zero */
}

START_TEST(test_many)
{
    size_t n = 1000000;
    uint64_t *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < n; i++)
        v[i] = i * 7919 + 3;
    check_keys(v, n, fnv);
    free(v);
}
END_TEST

START_TEST(test_collisions)
{
    uint64_t v[2000];
    for (size_t i = 0; i < 2000; i++)
        v[i] = i;
    check_keys(v, 2000, constant);
    check_keys(v, 2000, high_bits);
}
END_TEST

START_TEST(test_clear_and_ptr)
{
    table t = {0};
    uint64_t v[100];
    keys k = {v, 0};
    for (size_t i = 0; i < 100; i++) {
        v[i] = i;
        ck_assert_int_eq(table_add(&t, table_hash_ptr(&v[i]), (uint32_t)i), 0);
    }
    size_t cap = t.cap;
    table_clear(&t);
    ck_assert_uint_eq(t.n, 0);
    ck_assert_uint_eq(t.cap, cap); /* kept for the next package */
    for (size_t i = 0; i < 100; i++) {
        k.want = v[i];
        ck_assert_uint_eq(table_find(&t, table_hash_ptr(&v[i]), key_eq, &k), TABLE_NONE);
    }
    /* Entry numbers past the limit are refused, the table unchanged. */
    ck_assert_int_eq(table_add(&t, 1, TABLE_MAX_ENTRIES), ALIGN_ELIMIT);
    ck_assert_uint_eq(t.n, 0);
    /* Pointers 8 bytes apart spread over the slots. */
    size_t used = 0;
    for (size_t i = 0; i < 32; i++)
        ck_assert_int_eq(table_add(&t, table_hash_ptr(&v[i]), (uint32_t)i), 0);
    for (size_t s = 0; s < t.cap; s++)
        used += t.slots[s].entry != 0 && (s == 0 || t.slots[s - 1].entry == 0);
    ck_assert(used > 16); /* mostly runs of one: no clustering */
    table_free(&t);
}
END_TEST

/* table_reserve: room for n entries, so that adding them never grows the
 * table (the escape join's duplicate set); entries already there stay. */
START_TEST(test_reserve)
{
    table t = {0};
    uint64_t v[1000];
    keys k = {v, 0};
    for (size_t i = 0; i < 10; i++) {
        v[i] = i * 7919;
        ck_assert_int_eq(table_add(&t, hash_fnv_u64(HASH_FNV_SEED, v[i]), (uint32_t)i), 0);
    }
    ck_assert_int_eq(table_reserve(&t, 1000), 0);
    size_t cap = t.cap;
    ck_assert_uint_ge(cap, 2000);
    ck_assert_uint_eq(t.n, 10);
    for (size_t i = 10; i < 1000; i++) {
        v[i] = i * 7919;
        ck_assert_int_eq(table_add(&t, hash_fnv_u64(HASH_FNV_SEED, v[i]), (uint32_t)i), 0);
    }
    ck_assert_uint_eq(t.cap, cap); /* never grown */
    for (size_t i = 0; i < 1000; i++) {
        k.want = v[i];
        ck_assert_uint_eq(table_find(&t, hash_fnv_u64(HASH_FNV_SEED, v[i]), key_eq, &k), i);
    }
    ck_assert_int_eq(table_reserve(&t, 10), 0); /* never shrinks */
    ck_assert_uint_eq(t.cap, cap);
    ck_assert_int_eq(table_reserve(&t, (size_t)TABLE_MAX_ENTRIES + 1), ALIGN_ELIMIT);
    ck_assert_uint_eq(t.cap, cap);
    table_free(&t);
}
END_TEST

/* table_push: the array grows with the index; every item found at its
 * number, in the order pushed. */
START_TEST(test_push)
{
    table t = {0};
    uint64_t *v = NULL;
    size_t n = 0, cap = 0;
    keys k = {NULL, 0};
    for (uint64_t i = 0; i < 1000; i++) {
        uint64_t item = i * 7919;
        ck_assert_int_eq(table_push(&t, fnv(item), (void **)&v, &n, &cap, sizeof item, 4, &item),
                         0);
    }
    ck_assert_uint_eq(n, 1000);
    ck_assert_uint_eq(t.n, 1000);
    k.v = v;
    for (uint64_t i = 0; i < 1000; i++) {
        k.want = i * 7919;
        ck_assert_uint_eq(table_find(&t, fnv(k.want), key_eq, &k), i);
    }
    k.want = 1;
    ck_assert_uint_eq(table_find(&t, fnv(1), key_eq, &k), TABLE_NONE);
    free(v);
    table_free(&t);
}
END_TEST

/* table_find_u64: keys read from the caller's records at an offset. */
START_TEST(test_find_u64)
{
    typedef struct rec {
        char pad;
        uint64_t key;
    } rec;
    table t = {0};
    rec r[300];
    for (uint32_t i = 0; i < 300; i++) {
        r[i] = (rec){'x', (uint64_t)i * 0x100000001ull};
        ck_assert_int_eq(table_add(&t, fnv(r[i].key), i), 0);
    }
    for (uint32_t i = 0; i < 300; i++)
        ck_assert_uint_eq(
            table_find_u64(&t, fnv(r[i].key), r[i].key, r, sizeof *r, offsetof(rec, key)), i);
    ck_assert_uint_eq(table_find_u64(&t, fnv(7), 7, r, sizeof *r, offsetof(rec, key)), TABLE_NONE);
    table_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_many);
    tcase_add_test(tc, test_collisions);
    tcase_add_test(tc, test_clear_and_ptr);
    tcase_add_test(tc, test_reserve);
    tcase_add_test(tc, test_push);
    tcase_add_test(tc, test_find_u64);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
