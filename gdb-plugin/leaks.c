/*
 * leaks.c - every padding byte of a live value, at every depth.
 *
 * Who calls it: live.c, once per `align EXPR` with the value's bytes.  The
 * value is a struct, a union or an array of them, as the user points at
 * it: from a few bytes to a few MiB (an array of a million records).
 *
 * What is padding: the bits of the value that no member can hold.  A
 * struct's are its holes, tail padding, unused bits next to bit-fields and
 * unnamed bit-fields (Go `_` fields too), plus the padding of each member,
 * recursively; an array's are its elements'; a union's are the bits that are
 * padding in *every* member (a byte that one member holds is data whichever
 * member is live: the debugger cannot know which one is).  Primitives,
 * pointers and opaque types have none.
 *
 * How: one bit mask of the value (1 = padding), built by walking the
 * libalign types with their given (compiler) offsets, then a scan of the
 * live bytes under it.  Each maximal run of non-zero padding bytes is named
 * by the innermost struct or array element that holds it ("(*o).u+3",
 * "arr[2].in+9"); a union is as deep as a name goes.  The mask of an array
 * element is computed once and copied, so a large array costs a memcpy per
 * element.  Rejected: walking the layouts the renderer shows (the earlier
 * design): it saw only what was displayed, so the count changed with -r,
 * and it never looked inside array elements.
 *
 * Limits, stated in the output: the first LEAK_MAX_BYTES bytes of a value
 * are checked, and LEAK_MAX_RUNS runs are listed (all are counted).
 */
#include "plugin.h"

#include <stdlib.h>
#include <string.h>

typedef struct mask_ctx {
    module_state *st;
    align_graph *g;
    unsigned flags; /* ALIGN_LAYOUT_* for nested records */
    uint32_t cacheline;
    int failed; /* a Python exception is set */
} mask_ctx;

static int is_record(const align_type *t)
{
    return t != NULL &&
           (align_type_kind(t) == ALIGN_KIND_STRUCT || align_type_kind(t) == ALIGN_KIND_UNION);
}

static align_layout *record_layout(mask_ctx *c, const align_type *t)
{
    align_layout_opts opts = {.flags = c->flags | ALIGN_LAYOUT_NO_OPTIMIZE,
                              .cacheline = c->cacheline};
    align_layout *l = NULL;
    if (align_layout_compute(&l, c->g, t, &opts) < 0) {
        plugin_raise(c->st, "Layout.render_live()");
        c->failed = 1;
        return NULL;
    }
    return l;
}

/* Clears bits [from, from + n) of mask (avail bytes long): they hold data. */
static void clear_bits(unsigned char *mask, uint64_t avail, uint64_t from, uint64_t n)
{
    for (uint64_t b = from; b < from + n && b / 8 < avail; b++)
        mask[b / 8] &= (unsigned char)~(1u << (b % 8));
}

static void fill_mask(mask_ctx *c, const align_type *t, unsigned char *mask, uint64_t size,
                      uint64_t avail, unsigned depth);

/* The mask of member m of a record, written over mask (the record's). */
static void member_mask(mask_ctx *c, const align_member *m, unsigned char *mask, uint64_t avail,
                        unsigned depth)
{
    if (m->flags & (ALIGN_MEMBER_BLANK | ALIGN_MEMBER_FLEXIBLE))
        return; /* declared padding; a flexible array lies past the value */
    if (m->flags & ALIGN_MEMBER_BITFIELD) {
        if (!(m->flags & ALIGN_MEMBER_ANONYMOUS)) /* unnamed: padding */
            clear_bits(mask, avail, m->bit_offset, m->bit_size);
        return;
    }
    if (m->offset >= avail)
        return;
    fill_mask(c, m->type, mask + m->offset, m->size, avail - m->offset, depth + 1);
}

/* Writes the padding mask of a value of type t (size bytes) into mask,
 * of which avail bytes exist. */
static void fill_mask(mask_ctx *c, const align_type *t, unsigned char *mask, uint64_t size,
                      uint64_t avail, unsigned depth)
{
    uint64_t n = size < avail ? size : avail;
    const align_type *r = align_type_resolve(t);
    align_layout *l;

    if (c->failed || n == 0)
        return;
    if (r == NULL || depth >= ALIGN_MAX_DEPTH) {
        memset(mask, 0, n);
        return;
    }
    switch (align_type_kind(r)) {
    case ALIGN_KIND_STRUCT:
        l = record_layout(c, r);
        if (l == NULL)
            return;
        memset(mask, 0xff, n);
        for (size_t i = 0; i < l->nmembers; i++)
            member_mask(c, &l->members[i], mask, n, depth);
        align_layout_free(l);
        return;
    case ALIGN_KIND_UNION: {
        unsigned char *one = malloc(n);
        if (one == NULL) {
            PyErr_NoMemory();
            c->failed = 1;
            return;
        }
        l = record_layout(c, r);
        if (l == NULL) {
            free(one);
            return;
        }
        memset(mask, 0xff, n);
        for (size_t i = 0; i < l->nmembers; i++) {
            memset(one, 0xff, n);
            member_mask(c, &l->members[i], one, n, depth);
            for (uint64_t k = 0; k < n; k++)
                mask[k] &= one[k];
        }
        align_layout_free(l);
        free(one);
        return;
    }
    case ALIGN_KIND_ARRAY: {
        uint64_t count = align_type_count(r), esize = 0;
        uint32_t ealign;
        uint64_t ptrdata;
        if (count == ALIGN_FLEXIBLE || count == 0 ||
            align_type_size(c->g, align_type_target(r), &esize, &ealign, &ptrdata) < 0 ||
            esize == 0) {
            memset(mask, 0, n);
            return;
        }
        fill_mask(c, align_type_target(r), mask, esize, n, depth + 1);
        for (uint64_t off = esize; off < n; off += esize)
            memcpy(mask + off, mask, esize < n - off ? esize : n - off);
        return;
    }
    default: memset(mask, 0, n); return;
    }
}

/* Appends to path the innermost struct member or array element that holds
 * byte off of a value of type t, and returns off relative to it. */
static uint64_t name_offset(mask_ctx *c, const align_type *t, uint64_t off, align_buf *path,
                            int first, const char *first_sep, unsigned depth)
{
    const align_type *r = align_type_resolve(t);
    if (r == NULL || depth >= ALIGN_MAX_DEPTH || c->failed)
        return off;
    if (align_type_kind(r) == ALIGN_KIND_ARRAY) {
        uint64_t esize = 0, ptrdata, count = align_type_count(r);
        uint32_t ealign;
        const align_type *e = align_type_target(r);
        const align_type *er = align_type_resolve(e);
        if (count == ALIGN_FLEXIBLE || align_type_size(c->g, e, &esize, &ealign, &ptrdata) < 0 ||
            esize == 0)
            return off;
        align_buf_printf(path, "[%llu]", (unsigned long long)(off / esize));
        if (er != NULL && (is_record(er) || align_type_kind(er) == ALIGN_KIND_ARRAY))
            return name_offset(c, e, off % esize, path, 0, ".", depth + 1);
        return off % esize;
    }
    if (align_type_kind(r) == ALIGN_KIND_STRUCT) {
        align_layout *l = record_layout(c, r);
        uint64_t rel = off;
        if (l == NULL)
            return off;
        for (size_t i = 0; i < l->nmembers; i++) {
            const align_member *m = &l->members[i];
            const align_type *mr = align_type_resolve(m->type);
            if ((m->flags & (ALIGN_MEMBER_BITFIELD | ALIGN_MEMBER_FLEXIBLE)) || m->size == 0 ||
                off < m->offset || off - m->offset >= m->size || mr == NULL ||
                !(is_record(mr) || align_type_kind(mr) == ALIGN_KIND_ARRAY))
                continue;
            /* A C anonymous struct or union member: its members are the
             * outer record's, and it has no name to write. */
            if (m->name[0] != '\0')
                align_buf_printf(path, "%s%s", first ? first_sep : ".", m->name);
            rel = name_offset(c, m->type, off - m->offset, path, m->name[0] == '\0' ? first : 0,
                              first_sep, depth + 1);
            break;
        }
        align_layout_free(l);
        return rel;
    }
    return off; /* a union: which member is live is unknown */
}

/* The name of byte off ("(*o).u"), into path; returns the offset in it. */
static uint64_t byte_name(mask_ctx *c, const leak_scan_opts *o, uint64_t off, align_buf *path)
{
    path->len = 0;
    align_buf_puts(path, o->root);
    return name_offset(c, o->type, off, path, 1, o->first_sep, 0);
}

static int same_name(const align_buf *a, const align_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* The end of the listed run that starts at from and may go on to to: it
 * stops where the bytes stop belonging to the same record or element. */
static uint64_t run_end(mask_ctx *c, const leak_scan_opts *o, uint64_t from, uint64_t to)
{
    align_buf first, next;
    uint64_t rel, end = from + 1;
    align_buf_init(&first);
    align_buf_init(&next);
    rel = byte_name(c, o, from, &first);
    for (; end < to; end++)
        if (byte_name(c, o, end, &next) != rel + (end - from) || !same_name(&first, &next))
            break;
    align_buf_free(&first);
    align_buf_free(&next);
    return end;
}

/* "  at PATH+OFF: 5a 5a" for the run [from, to) of data. */
static void run_line(mask_ctx *c, const leak_scan_opts *o, const unsigned char *data,
                     const unsigned char *mask, uint64_t from, uint64_t to, align_buf *out)
{
    align_buf path;
    uint64_t rel;
    align_buf_init(&path);
    rel = byte_name(c, o, from, &path);
    if (o->runs != NULL) {
        PyObject *bits =
            to - from == 1 && mask[from] != 0xff ? PyLong_FromLong(mask[from]) : Py_NewRef(Py_None);
        PyObject *t =
            bits == NULL
                ? NULL
                : Py_BuildValue("(s#KKy#N)", path.data ? path.data : "", (Py_ssize_t)path.len,
                                (unsigned long long)rel, (unsigned long long)from,
                                (const char *)data + from, (Py_ssize_t)(to - from), bits);
        if (t == NULL || PyList_Append(o->runs, t) < 0)
            c->failed = 1;
        Py_XDECREF(t);
    }
    if (out == NULL) {
        align_buf_free(&path);
        return;
    }
    align_buf_printf(out, "/*   at %s+%llu:", path.data ? path.data : "?", (unsigned long long)rel);
    for (uint64_t i = from; i < to && i < from + 16; i++)
        align_buf_printf(out, " %02x", data[i]);
    if (to - from > 16)
        align_buf_printf(out, " ... (%llu bytes)", (unsigned long long)(to - from));
    if (to - from == 1 && mask[from] != 0xff)
        align_buf_printf(out, " (unused bits 0x%02x)", mask[from]);
    align_buf_puts(out, " */\n");
    align_buf_free(&path);
}

int leak_scan(module_state *st, align_graph *g, unsigned flags, uint32_t cacheline,
              const unsigned char *data, uint64_t avail, const leak_scan_opts *o, leak_result *res,
              align_buf *out, unsigned char **mask_out)
{
    mask_ctx c = {.st = st, .g = g, .flags = flags, .cacheline = cacheline};
    uint64_t size = o->size, n = size < avail ? size : avail;
    unsigned char *mask;
    uint64_t listed = 0;

    memset(res, 0, sizeof *res);
    if (n > LEAK_MAX_BYTES)
        n = LEAK_MAX_BYTES;
    res->checked = n;
    mask = malloc(n ? n : 1);
    if (mask == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    fill_mask(&c, o->type, mask, size, n, 0);
    if (c.failed) {
        free(mask);
        return -1;
    }
    for (uint64_t i = 0; i < n; i++)
        if (mask[i])
            res->padding_bits += (uint64_t)__builtin_popcount(mask[i]);
    for (uint64_t i = 0; i < n;) {
        uint64_t j;
        if ((data[i] & mask[i]) == 0) {
            i++;
            continue;
        }
        if (mask[i] != 0xff) {
            /* Unused bits beside bit-fields: a run of its own. */
            res->bits += (uint64_t)__builtin_popcount(data[i] & mask[i]);
            j = i + 1;
        } else {
            for (j = i; j < n && mask[j] == 0xff && data[j] != 0; j++)
                ;
            if ((out != NULL || o->runs != NULL) && listed < LEAK_MAX_RUNS)
                j = run_end(&c, o, i, j);
            res->bytes += j - i;
        }
        res->runs++;
        if ((out != NULL || o->runs != NULL) && listed < LEAK_MAX_RUNS) {
            run_line(&c, o, data, mask, i, j, out);
            listed++;
            if (c.failed) {
                free(mask);
                return -1;
            }
        }
        i = j;
    }
    if (mask_out != NULL)
        *mask_out = mask;
    else
        free(mask);
    return 0;
}
