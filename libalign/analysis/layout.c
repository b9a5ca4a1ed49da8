/*
 * layout.c - describes a record as the model places it (model/place.c):
 * members with offsets, holes, bit holes, tail padding, cache lines, the
 * cross-check against a compiler's given positions, then the atomic check
 * (atomic.c) and the smallest order (optimize.c).
 *
 * Who calls it: users via align_layout_compute, and the reports.  Work is
 * linear in the number of members, plus the optimizer's.
 */
#include "analysis/analysis.h"
#include "util/vec.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* ------------------------------------------------------------ describing */

typedef struct span {
    uint64_t start, end; /* bits */
    size_t member;       /* declaration index */
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    const uint64_t kx[] = {x->start, x->end}, ky[] = {y->start, y->end};
    return cmp_keys(kx, ky, 2);
}

static bool push_hole(align_layout *l, size_t *cap, uint64_t off, uint64_t size)
{
    align_hole h = {off, size};
    return vec_push((void **)&l->holes, &l->nholes, cap, sizeof h, 8, &h) == 0;
}

static bool push_bit_hole(align_layout *l, size_t *cap, uint64_t off, uint64_t size)
{
    align_bit_hole h = {off, size};
    return size == 0 || vec_push((void **)&l->bit_holes, &l->nbit_holes, cap, sizeof h, 8, &h) == 0;
}

/* Splits the unused bit range [from, to) into a leading partial byte (bit
 * hole), whole bytes (byte hole, or tail padding when at_end) and a trailing
 * partial byte (bit hole). */
static bool add_gap(align_layout *l, size_t *hcap, size_t *bcap, uint64_t from, uint64_t to,
                    bool at_end)
{
    uint64_t first_byte = (from + 7) / 8, last_byte = to / 8;
    if (to <= from)
        return true;
    if (first_byte >= last_byte) {
        /* Inside one byte or across one boundary with no whole byte. */
        if (first_byte * 8 > from && first_byte * 8 < to)
            return push_bit_hole(l, bcap, from, first_byte * 8 - from) &&
                   push_bit_hole(l, bcap, first_byte * 8, to - first_byte * 8);
        return push_bit_hole(l, bcap, from, to - from);
    }
    if (!push_bit_hole(l, bcap, from, first_byte * 8 - from))
        return false;
    if (at_end)
        l->tail_padding = last_byte - first_byte;
    else if (!push_hole(l, hcap, first_byte, last_byte - first_byte))
        return false;
    return push_bit_hole(l, bcap, last_byte * 8, to - last_byte * 8);
}

/* "(offset 80, 4 bytes)", or for bit-fields "(bit 1016, 3 bits)". */
static void where(char *buf, size_t n, const align_member *m, const placed *p)
{
    if (m->flags & ALIGN_MEMBER_BITFIELD)
        snprintf(buf, n, "(bit %llu, %llu bit%s)", (unsigned long long)p->bit_offset,
                 (unsigned long long)p->bit_size, p->bit_size == 1 ? "" : "s");
    else
        snprintf(buf, n, "(offset %llu, %llu byte%s)", (unsigned long long)(p->bit_offset / 8),
                 (unsigned long long)p->size, p->size == 1 ? "" : "s");
}

#define MNAME(l, i) ((l)->members[i].name[0] ? (l)->members[i].name : "(anonymous)")

/* Positions a compiler wrote must describe a record that can exist: no
 * member of a struct or union ends past the record's size.  On the first
 * violation, says which in l->invalid and clears positions_valid. */
static void check_ends(align_layout *l, const placed *pl)
{
    uint64_t limit = l->size * 8;
    char w[64];
    for (size_t i = 0; i < l->nmembers; i++)
        if (pl[i].bit_offset > limit || pl[i].bit_size > limit - pl[i].bit_offset) {
            where(w, sizeof w, &l->members[i], &pl[i]);
            snprintf(l->invalid, sizeof l->invalid,
                     "member %s %s ends past the record's %llu bytes", MNAME(l, i), w,
                     (unsigned long long)l->size);
            l->positions_valid = 0;
            return;
        }
}

/* Holes, bit holes, tail padding and cache-line flags from the members'
 * bit ranges, sorted by start.  check (given positions): the same pass
 * finds struct members that overlap, since a range starting before the
 * furthest end so far overlaps the member that reached it. */
static int describe(align_layout *l, const placed *pl, bool check)
{
    size_t n = l->nmembers, hcap = 0, bcap = 0, ns = 0, far = 0;
    uint64_t cur = 0, line_bits = (uint64_t)l->cacheline * 8;
    span *spans = malloc((n ? n : 1) * sizeof *spans);
    if (spans == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (pl[i].bit_size == 0) {
            /* A zero-size member (C flexible array, Go struct{} or [0]T)
             * takes no bytes but has a position: the bytes before it are a
             * hole, not tail padding, as `ptype /o` and pahole show them.
             * Zero-width bit-fields only move the next member. */
            if (!(l->members[i].flags & ALIGN_MEMBER_BITFIELD))
                spans[ns++] = (span){pl[i].bit_offset, pl[i].bit_offset, i};
            continue;
        }
        spans[ns++] = (span){pl[i].bit_offset, pl[i].bit_offset + pl[i].bit_size, i};
        if (line_bits &&
            pl[i].bit_offset / line_bits != (pl[i].bit_offset + pl[i].bit_size - 1) / line_bits)
            l->members[i].flags |= ALIGN_MEMBER_CROSSES_LINE;
    }
    qsort(spans, ns, sizeof *spans, cmp_span);
    if (check)
        check_ends(l, pl);
    check = check && l->positions_valid && l->kind == ALIGN_KIND_STRUCT;
    for (size_t i = 0; i < ns; i++) {
        if (spans[i].start > cur && !add_gap(l, &hcap, &bcap, cur, spans[i].start, false))
            goto nomem;
        if (check && spans[i].start < cur && spans[i].end > spans[i].start) {
            char w1[64], w2[64];
            where(w1, sizeof w1, &l->members[far], &pl[far]);
            where(w2, sizeof w2, &l->members[spans[i].member], &pl[spans[i].member]);
            snprintf(l->invalid, sizeof l->invalid, "members %s %s and %s %s overlap",
                     MNAME(l, far), w1, MNAME(l, spans[i].member), w2);
            l->positions_valid = 0;
            check = false;
        }
        if (spans[i].end > cur) {
            cur = spans[i].end;
            far = spans[i].member;
        }
    }
    /* A record DWARF lists no member of (place_c) is not all padding: what
     * it holds is unknown. */
    if (!(n == 0 && l->type != NULL && l->type->given_size > 0) &&
        !add_gap(l, &hcap, &bcap, cur, l->size * 8, true))
        goto nomem;
    free(spans);
    l->padding = l->tail_padding;
    for (size_t i = 0; i < l->nholes; i++)
        l->padding += l->holes[i].size;
    l->sum_members = l->size - l->padding;
    for (size_t i = 0; i < n; i++)
        if (l->members[i].flags & ALIGN_MEMBER_BLANK)
            l->intentional_padding += l->members[i].size;
    l->ncachelines = l->cacheline ? (l->size + l->cacheline - 1) / l->cacheline : 0;
    return 0;
nomem:
    free(spans);
    return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
}

void align_layout_free(align_layout *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->natomic_unaligned; i++)
        free((char *)l->atomic_unaligned[i].path);
    FREE_ALL(l->members, l->holes, l->bit_holes, l->optimal_order, l->unconstrained_order,
             l->atomic_unaligned, l);
}

/* Compares the model's placement with the positions a compiler wrote; on
 * the first difference says what it is in l->mismatch. */
static void cross_check(align_layout *l, const align_type *rec, const placed *model,
                        uint64_t model_size)
{
    bool any = rec->given_size >= 0;
    l->model_agrees = 1;
    for (size_t i = 0; i < rec->nfields; i++) {
        const align_field *f = &rec->fields[i];
        if (f->given_bit_offset < 0)
            continue;
        any = true;
        if ((uint64_t)f->given_bit_offset != model[i].bit_offset) {
            l->model_agrees = 0;
            snprintf(l->mismatch, sizeof l->mismatch,
                     "member %s: the compiler put it at bit %lld, the model at bit %llu",
                     f->name[0] ? f->name : "(anonymous)", (long long)f->given_bit_offset,
                     (unsigned long long)model[i].bit_offset);
            return;
        }
    }
    if (rec->given_size >= 0 && (uint64_t)rec->given_size != model_size) {
        l->model_agrees = 0;
        snprintf(l->mismatch, sizeof l->mismatch,
                 "size: the compiler says %lld bytes, the model %llu", (long long)rec->given_size,
                 (unsigned long long)model_size);
        return;
    }
    if (!any)
        l->model_agrees = -1;
}

/* The record's own mark, or HOST_LAYOUT when a Go struct holds a member
 * of type structs.HostLayout (by name, through defined types and aliases:
 * the DWARF reader and the Go parser both name it so). */
static align_order_fixed order_fixed(const align_graph *g, const align_type *rec)
{
    unsigned depth = 0; /* a typedef cycle from corrupt DWARF must not hang */
    if (rec->order_fixed != ALIGN_ORDER_FREE || g->lang != ALIGN_LANG_GO)
        return rec->order_fixed;
    for (uint32_t i = 0; i < rec->nfields; i++)
        for (const align_type *t = rec->fields[i].type; t != NULL && depth++ < ALIGN_MAX_DEPTH;
             t = t->kind == ALIGN_KIND_NAMED ? t->target : NULL)
            if (t->name != NULL && strcmp(t->name, "structs.HostLayout") == 0)
                return ALIGN_ORDER_HOST_LAYOUT;
    return ALIGN_ORDER_FREE;
}

/* The figures that follow from the optimizer's answer: the waste, and the
 * answer with blank fields free (the optimal one when the optimizer did
 * not run or no blank field cost anything). */
static void finish_optimal(align_layout *l)
{
    if (l->unconstrained_size == 0 || l->unconstrained_size > l->optimal_size) {
        l->unconstrained_size = l->optimal_size;
        l->unconstrained_ptrdata = l->optimal_ptrdata;
        memcpy(l->unconstrained_order, l->optimal_order, l->nmembers * sizeof *l->optimal_order);
    }
    l->reclaimable = l->size - l->optimal_size;
}

/* ALIGN_LAYOUT_GIVEN: the offsets and size the compiler wrote replace the
 * model's (after the cross-check); the model stays the judge of alignment,
 * which DWARF does not carry. */
static void take_given(align_layout *l, const align_type *rec, placed *pl, uint64_t size)
{
    /* The linker's copies of runtime structs follow no compiler rule for
     * their substituted members: nothing to check (-1). */
    if (l->order_fixed != ALIGN_ORDER_GO_LINKER)
        cross_check(l, rec, pl, size);
    for (size_t i = 0; i < rec->nfields; i++)
        if (rec->fields[i].given_bit_offset >= 0)
            pl[i].bit_offset = (uint64_t)rec->fields[i].given_bit_offset;
    if (rec->given_size >= 0)
        l->size = (uint64_t)rec->given_size;
    if (l->model_agrees == 0 || l->order_fixed == ALIGN_ORDER_GO_LINKER) {
        /* The Go pointer prefix, recomputed from the given positions. */
        l->ptrdata = 0;
        for (size_t i = 0; i < rec->nfields; i++)
            if (pl[i].ptrdata && pl[i].bit_offset / 8 + pl[i].ptrdata > l->ptrdata)
                l->ptrdata = pl[i].bit_offset / 8 + pl[i].ptrdata;
        if (l->ptrdata > l->size)
            l->ptrdata = l->size; /* members past the end (positions_valid) */
    }
}

/* l->members from the record's fields placed at pl.  -1 out of memory. */
static int fill_members(align_layout *l, const align_graph *g, const align_type *rec,
                        const placed *pl)
{
    l->nmembers = rec->nfields;
    l->members = calloc(l->nmembers ? l->nmembers : 1, sizeof *l->members);
    if (l->members == NULL)
        return -1;
    for (size_t i = 0; i < rec->nfields; i++) {
        const align_field *f = &rec->fields[i];
        align_member *m = &l->members[i];
        const align_type *ft = align_type_resolve(f->type);
        m->name = f->name;
        m->type_name = f->type->display;
        m->type = f->type;
        m->index = i;
        m->offset = pl[i].bit_offset / 8;
        m->size = pl[i].size;
        m->align = pl[i].align;
        m->ptrdata = pl[i].ptrdata;
        m->decl_text = f->decl_text;
        if (f->is_bitfield) {
            m->flags |= ALIGN_MEMBER_BITFIELD;
            m->bit_offset = pl[i].bit_offset;
            m->bit_size = f->bit_size;
        }
        if (f->embedded)
            m->flags |= ALIGN_MEMBER_EMBEDDED;
        if (g->lang == ALIGN_LANG_GO && strcmp(f->name, "_") == 0)
            m->flags |= ALIGN_MEMBER_BLANK;
        if (f->name[0] == '\0')
            m->flags |= ALIGN_MEMBER_ANONYMOUS;
        if (ft && ft->kind == ALIGN_KIND_ARRAY && ft->count == ALIGN_FLEXIBLE)
            m->flags |= ALIGN_MEMBER_FLEXIBLE;
        if (g->lang == ALIGN_LANG_GO && type_is_int64(f->type))
            m->flags |= ALIGN_MEMBER_INT64;
    }
    return 0;
}

int align_layout_compute(align_layout **out, align_graph *g, const align_type *record,
                         const align_layout_opts *opts)
{
    const align_type *rec = align_type_resolve(record);
    align_layout *l = NULL;
    placed *pl = NULL;
    unsigned flags = opts ? opts->flags : 0;
    uint64_t size, ptrdata;
    uint32_t align;
    int rc;

    *out = NULL;
    if (rec == NULL || (rec->kind != ALIGN_KIND_STRUCT && rec->kind != ALIGN_KIND_UNION))
        return error_set(ALIGN_EINVAL, NULL, 0, 0, "%s is not a struct or union",
                         record ? record->display : "(null)");
    if (!rec->complete)
        return error_set(ALIGN_EINCOMPLETE, rec->pos.file, rec->pos.line, rec->pos.col,
                         "%s is incomplete (declared but never defined)", rec->display);
    l = calloc(1, sizeof *l);
    pl = calloc(rec->nfields ? rec->nfields : 1, sizeof *pl);
    if (l == NULL || pl == NULL)
        goto nomem;
    rc = layout_place(g, rec, NULL, pl, &size, &align, &ptrdata, 0);
    if (rc < 0)
        goto fail;
    l->type = rec;
    /* an anonymous record: "Enclosing.field" when it has that label */
    l->name = rec->label     ? rec->label
              : record->name ? record->name
              : rec->name    ? rec->name
                             : rec->display;
    l->kind = rec->kind;
    l->lang = g->lang;
    l->arch = g->abi->arch;
    l->go_release = g->go_release;
    l->size = size;
    l->align = align;
    l->ptrdata = ptrdata;
    l->cacheline = opts && opts->cacheline ? opts->cacheline : 64;
    l->model_agrees = -1;
    l->positions_valid = 1;
    l->order_fixed = order_fixed(g, rec);
    l->align_note = rec->align_note;
    l->align_inferred = rec->align_inferred;
    if (flags & ALIGN_LAYOUT_GIVEN)
        take_given(l, rec, pl, size);
    if (fill_members(l, g, rec, pl) < 0)
        goto nomem;
    if (g->abi->go_atomic64_unaligned) {
        rc = atomic_scan(g, l, (flags & ALIGN_LAYOUT_GIVEN) != 0);
        if (rc < 0)
            goto fail;
    }
    rc = describe(l, pl, (flags & ALIGN_LAYOUT_GIVEN) != 0);
    if (rc < 0)
        goto fail;
    l->optimal_size = l->size;
    l->optimal_ptrdata = l->ptrdata;
    l->optimal_proven = 0;
    l->optimal_order = calloc(l->nmembers ? l->nmembers : 1, sizeof *l->optimal_order);
    l->unconstrained_order = calloc(l->nmembers ? l->nmembers : 1, sizeof *l->optimal_order);
    if (l->optimal_order == NULL || l->unconstrained_order == NULL)
        goto nomem;
    for (size_t i = 0; i < l->nmembers; i++)
        l->optimal_order[i] = l->unconstrained_order[i] = i;
    if (l->order_fixed != ALIGN_ORDER_FREE) {
        l->optimal_proven = 1; /* the only order there is */
        l->optimal_note = align_order_fixed_reason(l->order_fixed);
    } else if (!(flags & ALIGN_LAYOUT_NO_OPTIMIZE) && l->positions_valid) {
        /* An impossible layout is shown as given, never "improved". */
        rc = optimize_layout(g, l);
        if (rc < 0)
            goto fail;
    }
    finish_optimal(l);
    free(pl);
    *out = l;
    return 0;
nomem:
    rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    free(pl);
    align_layout_free(l);
    return rc;
}
