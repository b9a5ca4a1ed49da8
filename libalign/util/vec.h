/*
 * vec.h - the one growable array of libalign: a malloc'd array, its length
 * and its capacity, grown by doubling.
 *
 * Who uses it: the DWARF reader's work lists, the type graph's side tables,
 * the Go-functions table, the layout's hole lists, the escape log's sites.
 * Callers keep their own (T *items, size_t n, size_t cap) fields, typed,
 * and pass their addresses: no macro-generated types, no void* in structs.
 * Rejected: a generic struct vec { void *data; ... } (every use site would
 * cast) and a macro per element type (a second way to write the same code).
 */
#ifndef LIBALIGN_UTIL_VEC_H
#define LIBALIGN_UTIL_VEC_H

#include <stddef.h>

/* Makes *arr (capacity *cap elem-sized items) hold at least need items,
 * doubling from `first` (when *cap is 0); the new slots are zeroed.
 * 0, or ALIGN_ENOMEM recorded (also when the size overflows); *arr is
 * unchanged on failure. */
int vec_reserve(void **arr, size_t *cap, size_t need, size_t elem, size_t first);

/* Appends the elem bytes at item to *arr (length *len, capacity *cap),
 * growing it by doubling from `first`.  0 or ALIGN_ENOMEM recorded. */
int vec_push(void **arr, size_t *len, size_t *cap, size_t elem, size_t first, const void *item);

#endif
