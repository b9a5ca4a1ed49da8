/*
 * arena.h - the one region allocator of libalign: many small objects carved
 * from large blocks, all freed in one call, none one by one.
 *
 * Who uses it: the type graph (every node, field array and string), the
 * escape log (its interned strings) and the heap join (the strings it makes:
 * reasons, descriptions).  Their objects live exactly as long as their
 * owner, so per-object free() would be pure cost; cmd/go's DWARF makes
 * ~100,000 fields and ~10,000 types, an all=-m log ~50,000 strings.
 *
 * A request larger than half a block gets a block of its own, linked behind
 * the current one so the current block's free space stays in use.
 * Rejected: one malloc per object (10-20% of audit's time on cmd/go in
 * malloc/free, and a free path to get wrong).
 */
#ifndef LIBALIGN_UTIL_ARENA_H
#define LIBALIGN_UTIL_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
    arena_block *blocks; /* current block first */
    size_t block_size;   /* bytes of an ordinary block */
} arena;

/* An empty arena whose blocks hold block_size bytes (0: 64 KiB).  A
 * zero-filled struct arena is an empty arena with 64 KiB blocks too. */
void arena_init(arena *a, size_t block_size);
/* size zeroed bytes aligned for any object, owned by the arena; NULL with
 * ALIGN_ENOMEM recorded when out of memory. */
void *arena_alloc(arena *a, size_t size);
/* A NUL-terminated copy of len bytes at s (len (size_t)-1: strlen(s)),
 * byte-aligned; NULL with ALIGN_ENOMEM recorded. */
char *arena_strndup(arena *a, const char *s, size_t len);
/* The text fmt formats, NUL-terminated, byte-aligned; NULL with
 * ALIGN_ENOMEM recorded. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena is empty again (and may be reused). */
void arena_free(arena *a);

#endif
