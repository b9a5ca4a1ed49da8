/*
 * table.c - the open-addressing index of table.h: linear probing over
 * (folded hash, entry + 1) slots, doubled past half full (3/4 when
 * dense).
 */
#include "util/table.h"
#include "util/internal.h"
#include "util/hash.h"
#include "util/vec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Every bit of the 64-bit hash reaches the 32 kept, and the slot index
 * (the low bits): a key that differs only in its high bits (a line number
 * shifted left) still spreads. */
static uint32_t fold(uint64_t h)
{
    return (uint32_t)(h ^ (h >> 32));
}

uint32_t table_find(const table *t, uint64_t hash, table_eq_fn eq, const void *ctx)
{
    uint32_t h = fold(hash);
    size_t mask, k;
    if (t->cap == 0)
        return TABLE_NONE;
    mask = t->cap - 1;
    for (k = h & mask; t->slots[k].entry != 0; k = (k + 1) & mask)
        if (t->slots[k].hash == h && eq(ctx, t->slots[k].entry - 1))
            return t->slots[k].entry - 1;
    return TABLE_NONE;
}

typedef struct text_key {
    const char *s;
    size_t len;
    table_text_fn text;
    const void *ctx;
} text_key;

static bool text_eq(const void *ctx, uint32_t entry)
{
    const text_key *k = ctx;
    size_t n;
    const char *e = k->text(k->ctx, entry, &n);
    return n == k->len && memcmp(e, k->s, n) == 0;
}

typedef struct u64_key {
    const char *arr;
    size_t elem, key_off;
    uint64_t key;
} u64_key;

static bool u64_eq(const void *ctx, uint32_t entry)
{
    const u64_key *k = ctx;
    uint64_t v;
    memcpy(&v, k->arr + (size_t)entry * k->elem + k->key_off, sizeof v);
    return v == k->key;
}

uint32_t table_find_u64(const table *t, uint64_t hash, uint64_t key, const void *arr, size_t elem,
                        size_t key_off)
{
    u64_key k = {arr, elem, key_off, key};
    return table_find(t, hash, u64_eq, &k);
}

uint32_t table_find_text(const table *t, const char *s, size_t len, table_text_fn text,
                         const void *ctx)
{
    text_key k = {s, len, text, ctx};
    return table_find(t, hash_str(s, len), text_eq, &k);
}

static void place(table_slot *slots, size_t cap, uint32_t h, uint32_t entry1)
{
    size_t k = h & (cap - 1);
    while (slots[k].entry != 0)
        k = (k + 1) & (cap - 1);
    slots[k].hash = h;
    slots[k].entry = entry1;
}

/* Moves the entries to cap slots (a power of two, more than twice them). */
static int resize(table *t, size_t cap)
{
    table_slot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].entry != 0)
            place(slots, cap, t->slots[i].hash, t->slots[i].entry);
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

/* Whether n entries are too many for cap slots. */
static bool too_full(const table *t, size_t n, size_t cap)
{
    return t->dense ? n * 4 > cap * 3 : n * 2 > cap;
}

int table_add(table *t, uint64_t hash, uint32_t entry)
{
    if (entry >= TABLE_MAX_ENTRIES || t->n >= TABLE_MAX_ENTRIES)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "more than %u entries in one table",
                         (unsigned)TABLE_MAX_ENTRIES);
    if (too_full(t, t->n + 1, t->cap) && resize(t, t->cap ? t->cap * 2 : 64) < 0)
        return ALIGN_ENOMEM;
    place(t->slots, t->cap, fold(hash), entry + 1);
    t->n++;
    return 0;
}

int table_reserve(table *t, size_t n)
{
    size_t cap = t->cap ? t->cap : 64;
    if (n > TABLE_MAX_ENTRIES)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "more than %u entries in one table",
                         (unsigned)TABLE_MAX_ENTRIES);
    while (too_full(t, n, cap))
        cap *= 2;
    return cap == t->cap ? 0 : resize(t, cap);
}

void table_set_dense(table *t)
{
    assert(t->n == 0);
    t->dense = true;
}

int table_push(table *t, uint64_t hash, void **arr, size_t *len, size_t *cap, size_t elem,
               size_t first, const void *item)
{
    int rc = vec_push(arr, len, cap, elem, first, item);
    if (rc < 0)
        return rc;
    rc = table_add(t, hash, (uint32_t)(*len - 1));
    if (rc < 0)
        (*len)--; /* pushed but not indexed: forgotten */
    return rc;
}

void table_clear(table *t)
{
    if (t->n == 0)
        return;
    memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->n = 0;
}

void table_free(table *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = 0;
    t->n = 0;
}
