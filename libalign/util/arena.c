/*
 * arena.c - the region allocator of arena.h.
 */
#include "util/arena.h"
#include "util/internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_DEFAULT_BLOCK 65536

struct arena_block {
    arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

void arena_init(arena *a, size_t block_size)
{
    a->blocks = NULL;
    a->block_size = block_size ? block_size : ARENA_DEFAULT_BLOCK;
}

/* size bytes at byte alignment `align` (1 or sizeof(max_align_t)). */
static void *take(arena *a, size_t size, size_t align)
{
    arena_block *b = a->blocks;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    size_t block = a->block_size ? a->block_size : ARENA_DEFAULT_BLOCK;
    void *p;

    if (b == NULL || at > b->cap || b->cap - at < size) {
        size_t cap = size > block / 2 ? size : block;
        if (cap > SIZE_MAX - sizeof *b) {
            error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
            return NULL;
        }
        b = malloc(sizeof *b + cap);
        if (b == NULL) {
            error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
            return NULL;
        }
        b->cap = cap;
        b->used = 0;
        at = 0;
        /* A block made for one large request goes behind the current one,
         * so the current block's free space is not lost. */
        if (size > block / 2 && a->blocks != NULL) {
            b->next = a->blocks->next;
            a->blocks->next = b;
        } else {
            b->next = a->blocks;
            a->blocks = b;
        }
    }
    p = (char *)b->data + at;
    b->used = at + size;
    return p;
}

void *arena_alloc(arena *a, size_t size)
{
    void *p;
    if (size == 0)
        size = 1;
    p = take(a, size, sizeof(max_align_t));
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p;
    if (len == (size_t)-1)
        len = strlen(s);
    if (len == SIZE_MAX) {
        error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    p = take(a, len + 1, 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    p = take(a, (size_t)n + 1, 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(arena *a)
{
    while (a->blocks != NULL) {
        arena_block *next = a->blocks->next;
        free(a->blocks);
        a->blocks = next;
    }
}
