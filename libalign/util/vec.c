/*
 * vec.c - the growable array of vec.h.
 */
#include "util/vec.h"
#include "util/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The capacity that holds need items, doubling from *cap (or first); 0 when
 * the bytes would overflow. */
static size_t grown(size_t cap, size_t need, size_t elem, size_t first)
{
    size_t ncap = cap ? cap : (first ? first : 8);
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return 0;
        ncap *= 2;
    }
    if (elem != 0 && ncap > SIZE_MAX / elem)
        return 0;
    return ncap;
}

int vec_reserve_arena(arena *a, void **arr, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t ncap;
    char *p;
    if (need <= *cap)
        return 0;
    ncap = grown(*cap, need, elem, first);
    p = ncap ? arena_alloc(a, ncap * elem) : NULL;
    if (p == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    if (*cap)
        memcpy(p, *arr, *cap * elem);
    memset(p + *cap * elem, 0, (ncap - *cap) * elem);
    *arr = p;
    *cap = ncap;
    return 0;
}

int align_vec_reserve(void **arr, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t ncap;
    void *p;
    if (need <= *cap)
        return 0;
    ncap = grown(*cap, need, elem, first);
    if (ncap == 0)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
    *arr = p;
    *cap = ncap;
    return 0;
}

int align_vec_push(void **arr, size_t *len, size_t *cap, size_t elem, size_t first,
                   const void *item)
{
    int rc = vec_reserve(arr, cap, *len + 1, elem, first);
    if (rc < 0)
        return rc;
    memcpy((char *)*arr + *len * elem, item, elem);
    (*len)++;
    return 0;
}

void vec_fit(void **arr, size_t *cap, size_t n, size_t elem)
{
    void *p;
    if (n == 0 || n >= *cap)
        return;
    p = realloc(*arr, n * elem);
    if (p == NULL)
        return;
    *arr = p;
    *cap = n;
}
