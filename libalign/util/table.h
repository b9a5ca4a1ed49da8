/*
 * table.h - the one open-addressing hash table of libalign: an index over
 * entries that live in the caller's own array (util/vec), found by hash.
 *
 * Who uses it: the C parser's enum constants and member names, the type
 * graph's names, the DWARF reader's DIE map, the escape log's string
 * interning and its inlined-call positions, the escape join's duplicate
 * set, its inputs, packages and types, and the profile's site index.  Each keeps its entries in a
 * typed array of its own and asks the table "which entry has this key?"; the table holds, per slot,
 * the entry's number and 32 bits of its hash, so that growing never calls back into the caller (no
 * key is re-hashed) and most mismatches are rejected without looking at the entry.
 *
 * Sizes: from a few entries (inputs of one run) to millions (the distinct
 * sites of a 500 MB escape log): 8 bytes a slot, at most half the slots in
 * use (linear probing stays short; 3/4 for a table_set_dense one),
 * capacity a power of two.  Entries are
 * numbered below TABLE_MAX_ENTRIES.
 *
 * Rejected: a table that owns its keys (each user's keys differ: strings,
 * positions, pointers; copying them would double the memory of the largest
 * user) and one macro-generated table per key type (a second way to write
 * the same probe loop, which is what #12 removed).
 */
#ifndef LIBALIGN_UTIL_TABLE_H
#define LIBALIGN_UTIL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct table_slot {
    uint32_t hash;  /* the entry's hash, folded to 32 bits */
    uint32_t entry; /* the entry's number + 1; 0: empty */
} table_slot;

typedef struct table {
    table_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;   /* entries indexed */
    bool dense; /* filled to 3/4, not 1/2, before it doubles (table_set_dense) */
} table;

#define TABLE_NONE UINT32_MAX
#define TABLE_MAX_ENTRIES ((uint32_t)1 << 31)

/* A zero-filled struct table is empty. */
/* Whether the caller's entry number `entry` is the key ctx stands for. */
typedef bool (*table_eq_fn)(const void *ctx, uint32_t entry);

/* The entry indexed under hash for which eq(ctx, entry) is true, or
 * TABLE_NONE.  eq is only called for entries whose folded hash matches. */
uint32_t table_find(const table *t, uint64_t hash, table_eq_fn eq, const void *ctx);

/* table_find for the other common key, a 64-bit number (a DIE offset, a
 * fingerprint) stored in the caller's array: the entry of arr (items of
 * elem bytes, each with its key as a uint64_t at byte key_off) whose key is
 * key, indexed under hash. */
uint32_t table_find_u64(const table *t, uint64_t hash, uint64_t key, const void *arr, size_t elem,
                        size_t key_off);

/* The text of the caller's entry number `entry`, its length in *len. */
typedef const char *(*table_text_fn)(const void *ctx, uint32_t entry, size_t *len);

/* table_find for the most common key, a string: the entry whose text is
 * s[0..len), indexed under hash_str(s, len) (util/hash.h). */
uint32_t table_find_text(const table *t, const char *s, size_t len, table_text_fn text,
                         const void *ctx);

/* Indexes entry (a number below TABLE_MAX_ENTRIES, not yet indexed under
 * an equal key: call table_find first) under hash.  Doubles the table when
 * it would be more than half full.  0, or ALIGN_ENOMEM / ALIGN_ELIMIT
 * recorded; the table is unchanged on failure. */
int table_add(table *t, uint64_t hash, uint32_t entry);

/* Sizes the table for n entries in all, so that adding them never grows
 * it (a grown table holds its old slots and its new ones at once: the
 * escape join's duplicate set knows its size in advance).  0, or
 * ALIGN_ENOMEM / ALIGN_ELIMIT recorded; the table is unchanged on
 * failure. */
int table_reserve(table *t, size_t n);
/* Lets t fill to 3/4 of its slots, not 1/2, before it doubles (and
 * table_reserve size it so): for a large table sized once whose lookups
 * are few next to its size, where half the memory matters more than
 * probes ~3x longer when a key is absent (the escape join's duplicate
 * set: 151,000 entries of bench-escape's 50 MB log in 2 MiB, not 4).
 * Call it on an empty table. */
void table_set_dense(table *t);

/* The common way to fill an array with a table over it: appends item
 * (elem bytes) to the caller's array (*arr, *len, *cap, grown by util/vec
 * from first items) and indexes it under hash.  0, or ALIGN_ENOMEM /
 * ALIGN_ELIMIT recorded; on failure the array's length is as before (the
 * item is not kept) and the table unchanged. */
int table_push(table *t, uint64_t hash, void **arr, size_t *len, size_t *cap, size_t elem,
               size_t first, const void *item);

/* The usual user of a table: its entries, a growable array of T in the
 * order pushed, and the index over them, named once as kvec's kvec_t(T)
 * names a vector's fields (typedef TABLE_OF(name_entry) name_table;). */
#define TABLE_OF(T)                                                                                \
    struct {                                                                                       \
        T *entries;                                                                                \
        size_t len, cap;                                                                           \
        table index;                                                                               \
    }
/* table_push onto a TABLE_OF m: the entry *item appended, indexed under
 * hash; the array's first allocation holds `first` entries. */
#define TABLE_OF_PUSH(m, hash, item, first)                                                        \
    table_push(&(m)->index, (hash), (void **)&(m)->entries, &(m)->len, &(m)->cap,                  \
               sizeof *(m)->entries, (first), (item))

/* Forgets every entry and keeps the capacity (a table reused per package). */
void table_clear(table *t);

/* Frees the slots; the table is empty again. */
void table_free(table *t);

/* The hash of a pointer key (an interned string, a type node): its bits
 * mixed, since the low bits of an aligned address are all zero. */
static inline uint64_t table_hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

#endif
