/*
 * atomic.c - the 64-bit integers sync/atomic cannot use where they sit in a
 * record: Go on 386 and arm, at any depth.
 *
 * gc aligns int64 and uint64 to 4 bytes on 32-bit targets, and only the
 * first word of an allocation is guaranteed 8-aligned (sync/atomic/doc.go,
 * "Bugs"), so what matters is the field's offset from the start of the
 * allocation: the record's member offset, plus the offset inside a nested
 * struct, plus i x the element size inside an array.  A field 8-aligned in
 * its own struct can be 4-aligned in the record that embeds it, and the
 * reverse.  layout.c calls atomic_scan once per layout of such a
 * target; it fills l->atomic_unaligned with a path ("In.N", "Arr[1].N") and
 * the absolute offset of each, and flags the members that hold them, and
 * the members that hold 8-aligned ones (the optimizer keeps those members'
 * offsets modulo 8, so a suggested order does not break working code).
 *
 * Work: one visit per field and array element, except that an array is
 * walked past its first elements only when they held a finding (element
 * offsets repeat modulo 8 with a period of 1 or 2 elements, since anything
 * holding an int64 is 4-aligned, so elements beyond the period add nothing
 * new to look at).  A budget of ALIGN_ATOMIC_MAX_VISITS visits and
 * ALIGN_ATOMIC_MAX_LISTED findings bounds [1<<20][1<<20]T members; past it
 * the layout says atomic_truncated.  Rejected: reporting only the first
 * element of an array with a period of 2 ("Arr[*]"), which names an element
 * that may be fine and hides one that is not.
 *
 * Nested records are placed by the model, or at the compiler's offsets
 * when the layout trusts given positions (DWARF), like the record itself.
 * sync/atomic.Int64 and Uint64 are primitives of the model (align64), so
 * the walk never looks inside them.
 */
#include "util/vec.h"
#include "analysis/analysis.h"

#include <stdlib.h>
#include <string.h>

typedef struct scan {
    align_graph *g;
    align_layout *l;
    bool given;    /* trust given offsets of nested records */
    size_t member; /* the record's member being walked */
    bool aligned;  /* it holds an int64 at an 8-aligned offset */
    size_t cap;    /* entries allocated in l->atomic_unaligned */
    uint64_t visits;
    align_buf path;
} scan;

/* false: stop the walk (out of memory, or a budget reached). */
static bool add(scan *s, const align_type *t, uint64_t offset)
{
    align_layout *l = s->l;
    align_atomic_field *f;
    if (l->natomic_unaligned == ALIGN_ATOMIC_MAX_LISTED) {
        l->atomic_truncated = 1;
        return false;
    }
    if (vec_reserve((void **)&l->atomic_unaligned, &s->cap, l->natomic_unaligned + 1,
                    sizeof *l->atomic_unaligned, 4) < 0)
        return false;
    f = &l->atomic_unaligned[l->natomic_unaligned];
    f->path = s->path.failed ? NULL : strdup(s->path.data ? s->path.data : "");
    if (f->path == NULL)
        return false;
    f->type_name = t->display;
    f->offset = offset;
    f->member = s->member;
    l->natomic_unaligned++;
    return true;
}

static bool walk(scan *s, const align_type *t, uint64_t base, unsigned depth);

static bool walk_record(scan *s, const align_type *rec, uint64_t base, unsigned depth)
{
    placed *pl = calloc(rec->nfields ? rec->nfields : 1, sizeof *pl);
    uint64_t size, ptrdata;
    uint32_t align;
    bool ok = pl != NULL;
    size_t mark = s->path.len;

    if (ok && layout_place(s->g, rec, NULL, pl, &size, &align, &ptrdata, depth) < 0)
        ok = false; /* a nested record the layout itself could size: not expected */
    for (size_t i = 0; ok && i < rec->nfields; i++) {
        const align_field *f = &rec->fields[i];
        uint64_t bit = pl[i].bit_offset;
        if (f->is_bitfield)
            continue;
        if (s->given && f->given_bit_offset >= 0)
            bit = (uint64_t)f->given_bit_offset;
        align_buf_printf(&s->path, ".%s", f->name);
        ok = walk(s, f->type, base + bit / 8, depth + 1);
        s->path.len = mark;
        if (s->path.data)
            s->path.data[mark] = '\0';
    }
    free(pl);
    return ok;
}

static bool walk_array(scan *s, const align_type *arr, uint64_t base, unsigned depth)
{
    uint64_t esize, ptrdata;
    uint32_t ealign;
    size_t mark = s->path.len, before = s->l->natomic_unaligned;
    uint64_t period;

    if (arr->count == ALIGN_FLEXIBLE ||
        type_size_depth(s->g, arr->target, &esize, &ealign, &ptrdata, depth) < 0)
        return true; /* nothing placed there, or already reported by the layout */
    period = esize % 8 == 0 ? 1 : esize % 4 == 0 ? 2 : 8;
    for (uint64_t i = 0; i < arr->count; i++) {
        bool ok;
        if (i == period && s->l->natomic_unaligned == before)
            break; /* the first period found nothing: nor will the rest */
        align_buf_printf(&s->path, "[%llu]", (unsigned long long)i);
        ok = walk(s, arr->target, base + i * esize, depth + 1);
        s->path.len = mark;
        if (s->path.data)
            s->path.data[mark] = '\0';
        if (!ok)
            return false;
    }
    return true;
}

static bool walk(scan *s, const align_type *t, uint64_t base, unsigned depth)
{
    const align_type *r = align_type_resolve(t);
    if (r == NULL || depth > ALIGN_MAX_DEPTH)
        return true;
    if (++s->visits > ALIGN_ATOMIC_MAX_VISITS) {
        s->l->atomic_truncated = 1;
        return false;
    }
    if (type_is_int64(t)) {
        if (base % 8 == 0) {
            s->aligned = true;
            return true;
        }
        return add(s, t, base);
    }
    if ((r->kind == ALIGN_KIND_STRUCT || r->kind == ALIGN_KIND_UNION) && r->complete)
        return walk_record(s, r, base, depth);
    if (r->kind == ALIGN_KIND_ARRAY)
        return walk_array(s, r, base, depth);
    return true;
}

int atomic_scan(align_graph *g, align_layout *l, bool given)
{
    scan s;
    bool ok = true;
    memset(&s, 0, sizeof s);
    s.g = g;
    s.l = l;
    s.given = given;
    align_buf_init(&s.path);
    for (size_t i = 0; ok && i < l->nmembers; i++) {
        align_member *m = &l->members[i];
        size_t before = l->natomic_unaligned;
        s.member = i;
        s.aligned = false;
        align_buf_puts(&s.path, m->name);
        ok = walk(&s, m->type, m->offset, 1);
        s.path.len = 0;
        if (s.path.data)
            s.path.data[0] = '\0';
        if (s.aligned && !(m->flags & ALIGN_MEMBER_INT64))
            m->flags |= ALIGN_MEMBER_ATOMIC_ALIGNED_INSIDE;
        if (l->natomic_unaligned == before)
            continue;
        if (m->flags & ALIGN_MEMBER_INT64)
            m->flags |= ALIGN_MEMBER_ATOMIC_UNALIGNED;
        else
            m->flags |= ALIGN_MEMBER_ATOMIC_UNALIGNED_INSIDE;
    }
    ok = ok || l->atomic_truncated; /* a budget is not an error */
    if (s.path.failed)
        ok = false;
    align_buf_free(&s.path);
    if (!ok)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    return 0;
}
