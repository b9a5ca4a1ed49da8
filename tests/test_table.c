/*
 * test_table.c - util/table (the one open-addressing index of libalign),
 * compiled into the test from its source: the library does not export it.
 *
 * The truth is a trivially correct reference: a linear scan of the same
 * entries.  Keys are chosen to be hard for a table: every key with the same
 * hash (all probes collide), hashes that differ only in their high 32 bits
 * (the shape of the escape join's old one-bucket bug), and a million keys
 * (growth from empty through 2^21 slots).  And util/hash.h, whose keys
 * must reach the low bits a table indexes: pieces, lengths, and keys
 * chosen to be hard for it.
 */
#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libalign.h"
#include "util/hash.h"
#include "util/table.h"

#include "suite.h"

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

/* table_set_dense: filled to 3/4 before it doubles, sized so by
 * table_reserve; every key found, present and absent, as in a sparse one. */
START_TEST(test_dense)
{
    table t = {0};
    size_t n = 3000;
    uint64_t *v = malloc(n * sizeof *v);
    keys k = {v, 0};
    ck_assert_ptr_nonnull(v);
    table_set_dense(&t);
    ck_assert_int_eq(table_reserve(&t, n), 0);
    ck_assert_uint_eq(t.cap, 4096); /* 3000 <= 3/4 of 4096; sparse: 8192 */
    for (size_t i = 0; i < n; i++) {
        v[i] = i * 7919 + 1;
        ck_assert_int_eq(table_add(&t, hash_fnv_u64(HASH_FNV_SEED, v[i]), (uint32_t)i), 0);
    }
    ck_assert_uint_eq(t.cap, 4096); /* never grown */
    for (size_t i = 0; i < n; i++) {
        k.want = v[i];
        if (table_find(&t, hash_fnv_u64(HASH_FNV_SEED, v[i]), key_eq, &k) != i)
            ck_abort_msg("key %zu not found as its entry", i);
        k.want = v[i] + 1; /* never a key: keys are 1 mod 7919 */
        if (table_find(&t, hash_fnv_u64(HASH_FNV_SEED, k.want), key_eq, &k) != TABLE_NONE)
            ck_abort_msg("absent key %zu found", i);
    }
    /* Past 3/4 it doubles. */
    for (size_t i = 0; i < 73; i++)
        ck_assert_int_eq(table_add(&t, hash_fnv_u64(HASH_FNV_SEED, i), (uint32_t)i), 0);
    ck_assert_uint_eq(t.n, 3073);
    ck_assert_uint_eq(t.cap, 8192);
    table_free(&t);
    free(v);
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

/* util/hash.h: a piece hashes the same through every function that takes
 * it, and lengths are part of it. */
START_TEST(test_hash_pieces)
{
    const char *s = "cmd/compile/internal/ir.BinaryExpr";
    unsigned char le[8];
    uint64_t v = 0x0123456789abcdefull;
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    ck_assert_uint_eq(hash_fnv_str(HASH_FNV_SEED, s), hash_str(s, strlen(s)));
    ck_assert_uint_eq(hash_fnv_u64(HASH_FNV_SEED, v), hash_fnv_bytes(HASH_FNV_SEED, le, 8));
    ck_assert_uint_ne(hash_str("ab", 2), hash_str("ab\0", 3));
    ck_assert_uint_ne(hash_str("", 0), hash_str("\0", 1));
    ck_assert_uint_ne(hash_str("abcdefgh", 8), hash_str("abcdefgh\0", 9));
    for (size_t n = 0; n <= 17; n++)
        ck_assert_uint_eq(hash_str(s, n), hash_fnv_bytes(HASH_FNV_SEED, s, n));
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* How many of h[0..n) share their full 64 bits with another, after
 * sorting h; and in *fill, how many distinct buckets of 2^bits the low bits
 * (as util/table indexes: folded) reach. */
static size_t spread(uint64_t *h, size_t n, unsigned bits, size_t *fill)
{
    size_t same = 0, nb = (size_t)1 << bits;
    unsigned char *used = calloc(nb, 1);
    ck_assert_ptr_nonnull(used);
    *fill = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)((h[i] ^ (h[i] >> 32)) & (nb - 1));
        *fill += !used[b];
        used[b] = 1;
    }
    free(used);
    qsort(h, n, sizeof *h, cmp_u64);
    for (size_t i = 1; i < n; i++)
        same += h[i] == h[i - 1];
    return same;
}

/* Keys that put byte-wise and word-at-a-time hashes in few buckets: the
 * escape join's line << 32 | column of one column over 100,000 lines
 * (issue #15: every such site in one bucket), and 64-byte values (the
 * join's) differing in one byte anywhere or in the top bytes of two words
 * (which a multiply alone carries only into the top bits) or in any two
 * bytes.  None may share all 64 bits with another, and their low bits
 * must fill the buckets as a random function's do, 1 - e^(-n/buckets):
 * 53% for the 100,000 lines in 2^17 (45% asked), 78% for the 199,020
 * values (70% asked). */
START_TEST(test_hash_spread)
{
    size_t n = 0, fill, cap = 200000;
    uint64_t *h = malloc(cap * sizeof *h);
    ck_assert_ptr_nonnull(h);
    for (uint64_t line = 1; line <= 100000; line++) {
        uint64_t k = hash_fnv_str(HASH_FNV_SEED, "./main.go");
        k = hash_fnv_u64(k, line << 32 | 7);
        k = hash_fnv_u64(k, 1);
        h[n++] = hash_fnv_str(k, "&Order{...}");
    }
    ck_assert_uint_eq(spread(h, n, 17, &fill), 0);
    ck_assert_uint_ge(fill, 131072 * 45 / 100);

    n = 0;
    for (size_t p = 0; p < 64; p++)
        for (unsigned b = 1; b < 256; b++) {
            unsigned char v[64] = {0};
            v[p] = (unsigned char)b;
            h[n++] = hash_str((const char *)v, sizeof v);
        }
    for (size_t i = 0; i < 8; i++)
        for (size_t j = i + 1; j < 8; j++)
            for (unsigned a = 1; a < 64; a++)
                for (unsigned b = 1; b < 64; b++) {
                    unsigned char v[64] = {0};
                    v[8 * i + 7] = (unsigned char)a;
                    v[8 * j + 7] = (unsigned char)b;
                    h[n++] = hash_str((const char *)v, sizeof v);
                }
    for (size_t p = 0; p < 64; p++)
        for (size_t q = p + 1; q < 64; q++) {
            static const unsigned char val[] = {1, 2, 3, 17, 128, 255};
            if (p % 8 == 7 && q % 8 == 7)
                continue; /* above */
            for (size_t a = 0; a < sizeof val; a++)
                for (size_t b = 0; b < sizeof val; b++) {
                    unsigned char v[64] = {0};
                    v[p] = val[a];
                    v[q] = val[b];
                    h[n++] = hash_str((const char *)v, sizeof v);
                }
        }
    ck_assert_uint_le(n, cap);
    ck_assert_uint_eq(spread(h, n, 17, &fill), 0);
    ck_assert_uint_ge(fill, 131072 * 70 / 100);
    free(h);
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
    tcase_add_test(tc, test_dense);
    tcase_add_test(tc, test_push);
    tcase_add_test(tc, test_find_u64);
    tcase_add_test(tc, test_hash_pieces);
    tcase_add_test(tc, test_hash_spread);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
