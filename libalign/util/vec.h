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

#include "libalign.h"

/* The growable array is public (align_vec_reserve, align_vec_push in
 * libalign.h) so that the CLI and the Python module grow their arrays the
 * same way; inside the library it keeps its short names. */
#define vec_reserve align_vec_reserve
#define vec_push align_vec_push

#include "util/arena.h"

/* vec_reserve for an array that lives in an arena (a record's fields: the
 * graph's nodes are never freed one by one): the bigger array comes from a,
 * the smaller one stays in the arena until the arena goes; new slots are
 * zeroed.  0, or ALIGN_ENOMEM recorded. */
int vec_reserve_arena(arena *a, void **arr, size_t *cap, size_t need, size_t elem, size_t first);

/* Gives back the unused tail of an array grown by doubling, once it is
 * complete (up to half of it, which the allocator could not otherwise
 * reuse while the array lives): *cap becomes n.  No-op for n == 0 or
 * when realloc fails (the larger block stays; nothing is lost). */
void vec_fit(void **arr, size_t *cap, size_t n, size_t elem);

#endif
