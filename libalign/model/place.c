/*
 * place.c - places the members of a struct or union the way the compilers
 * do (layout_place): the model's answer to "where does each member go".
 *
 * It lives in the model, beside types.c, because the two recurse into each
 * other: a record's size is where its members end, and a member's size may
 * be a nested record's.  Who calls it: type_size_depth (a nested record's
 * size), and the analyses (analysis/): layout.c to describe a record,
 * optimize.c to evaluate candidate orders (the same engine, so a suggested
 * order's size is exactly what the compiler will make of it), atomic.c and
 * infer.c.  Work is linear in the number of members.
 *
 * The engine works in bits throughout so that C bit-fields and ordinary
 * members follow one path.  The rules:
 *
 * Go (cmd/compile/internal/types/size.go, CalcStructSize): each field at the
 *   next multiple of its alignment; the struct is aligned like its most
 *   aligned field (zero-size fields count); a non-empty struct whose last
 *   field has size 0 gets one byte more (Go issue 9401), then the size is
 *   rounded up to the alignment.
 *
 * C (GCC 12, stor-layout.c place_field, with PCC_BITFIELD_TYPE_MATTERS as on
 *   x86-64 and aarch64):
 *   - an ordinary member goes to the next multiple of its alignment: the
 *     type's, 1 when the member or the record is packed, raised by aligned(N)
 *     or _Alignas(N) on the member (which packed does not undo);
 *   - a bit-field of declared type T, width w > 0, goes at the next free bit
 *     unless it would span more alignment units of T than T itself has
 *     (excess_unit_span); then it goes to the next boundary of T's alignment.
 *     Packed bit-fields skip that check; aligned(N) on a bit-field moves it
 *     to a multiple of N first.  A named bit-field raises the record's
 *     alignment to T's (1 when packed) and to its aligned(N); an unnamed
 *     one does neither, except where the ABI says it does like a named one
 *     (align_abi.c_anon_bitfield_aligns: aarch64, not x86-64);
 *   - a zero-width bit-field moves the next member to the next boundary of
 *     T's alignment (or its aligned(N) if larger), packed or not, and
 *     raises the record's alignment to that, packed or not, only where the
 *     ABI says (c_zero_width_bitfield_aligns: aarch64, not x86-64);
 *   - a flexible array member takes no room but its alignment counts;
 *   - the size is the bytes used rounded up to the record's alignment, which
 *     aligned(N) on the record can raise.
 *   Unions put every member at 0 and take the largest.
 */
#include "model/model.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
bool type_is_int64(const align_type *t)
{
    const align_type *r = align_type_resolve(t);
    return r != NULL && r->kind == ALIGN_KIND_PRIM &&
           (r->prim == ALIGN_GO_INT64 || r->prim == ALIGN_GO_UINT64);
}

static bool is_integer_like(const align_type *t)
{
    const align_type *r = align_type_resolve(t);
    if (r == NULL)
        return false;
    if (r->kind == ALIGN_KIND_OPAQUE)
        return true; /* DWARF base types we do not model by name */
    if (r->kind != ALIGN_KIND_PRIM)
        return false;
    switch (r->prim) {
    case ALIGN_C_BOOL:
    case ALIGN_C_CHAR:
    case ALIGN_C_SCHAR:
    case ALIGN_C_UCHAR:
    case ALIGN_C_SHORT:
    case ALIGN_C_USHORT:
    case ALIGN_C_INT:
    case ALIGN_C_UINT:
    case ALIGN_C_LONG:
    case ALIGN_C_ULONG:
    case ALIGN_C_LLONG:
    case ALIGN_C_ULLONG:
    case ALIGN_C_INT128:
    case ALIGN_C_UINT128: return true;
    default: return false;
    }
}

static int field_error(const align_type *rec, const align_field *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int field_error(const align_type *rec, const align_field *f, int code, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(code, f->pos.file ? f->pos.file : rec->pos.file,
                     f->pos.line ? f->pos.line : rec->pos.line,
                     f->pos.line ? f->pos.col : rec->pos.col, "%s", msg);
}

/* A member's type could not be sized (incomplete, recursive, ...): the
 * error names the type but, coming from types.c, has no position; give it
 * the member's, and name the member. */
static int member_error(const align_type *rec, const align_field *f, int rc)
{
    const align_error *e = align_error_last();
    char msg[sizeof e->message], hint[sizeof e->hint];
    if (e->line != 0 || (f->pos.line == 0 && rec->pos.line == 0))
        return rc;
    snprintf(msg, sizeof msg, "%s", e->message);
    snprintf(hint, sizeof hint, "%s", e->hint);
    field_error(rec, f, rc, "member %s: %s", f->name[0] ? f->name : "(anonymous)", msg);
    if (hint[0] != '\0')
        error_hint("%s", hint);
    return rc;
}

/* GCC's excess_unit_span: would a w-bit field at bitpos cover more units of
 * the type's alignment than the type has? */
static bool excess_unit_span(uint64_t bitpos, uint64_t w, uint64_t align_bits, uint64_t type_bits)
{
    uint64_t off = bitpos % align_bits;
    return (off + w + align_bits - 1) / align_bits > type_bits / align_bits;
}

/* ALIGN_EOVERFLOW: rec's size passes what a layout can hold. */
static int too_large(const align_type *rec)
{
    return error_set(ALIGN_EOVERFLOW, rec->pos.file, rec->pos.line, rec->pos.col,
                     "%s is larger than 2^61 bytes", rec->display);
}

/* A placed record's results: its end rounded up to its alignment. */
static int finish(const align_type *rec, uint64_t end, uint32_t rec_align, uint64_t pd,
                  uint64_t *size, uint32_t *align, uint64_t *ptrdata)
{
    if (!round_up_u64(end, rec_align, size))
        return too_large(rec);
    *align = rec_align;
    *ptrdata = pd;
    return 0;
}

/* Go: the next member, i, at the cursor. */
static int place_go_member(align_graph *g, const align_type *rec, size_t i, place_cursor *c,
                           placed *out, unsigned depth)
{
    const align_field *f = &rec->fields[i];
    uint64_t fs, fp, off = c->bitpos / 8;
    uint32_t fa;
    int rc = type_size_depth(g, f->type, &fs, &fa, &fp, depth);
    if (rc < 0)
        return member_error(rec, f, rc);
    if (!round_up_u64(off, fa, &off))
        goto overflow;
    if (out) {
        out[i].bit_offset = off * 8;
        out[i].bit_size = fs * 8;
        out[i].size = fs;
        out[i].align = fa;
        out[i].ptrdata = fp;
    }
    if (fp > 0)
        c->ptrdata = off + fp;
    if (!add_u64(off, fs, &off) || off > UINT64_MAX / 8)
        goto overflow;
    c->bitpos = c->max_bits = off * 8;
    if (fa > c->align)
        c->align = fa;
    c->last_size = fs;
    c->nplaced++;
    return 0;
overflow:
    return too_large(rec);
}

static int place_go_end(align_graph *g, const align_type *rec, const place_cursor *c,
                        uint64_t *size, uint32_t *align, uint64_t *ptrdata)
{
    uint64_t off = c->bitpos / 8;
    uint32_t max_align = c->align;
    /* The align64 marker's own alignment (align_go_record_align): set on
     * the record by the reader, 8 on every target. */
    if (rec->aligned > max_align)
        max_align = rec->aligned;
    if (g->abi->go_zero_size_tail_byte && off > 0 && c->nplaced > 0 && c->last_size == 0)
        off++;
    return finish(rec, off, max_align, c->ptrdata, size, align, ptrdata);
}

/* C: the next member, i, at the cursor. */
static int place_c_member(align_graph *g, const align_type *rec, size_t i, place_cursor *c,
                          placed *out, unsigned depth)
{
    const align_field *f = &rec->fields[i];
    const bool packed = rec->packed || f->packed;
    uint64_t ts, tp, pos, bits;
    uint32_t ta, fa;
    int rc = type_size_depth(g, f->type, &ts, &ta, &tp, depth);
    if (rc < 0)
        return member_error(rec, f, rc);
    if (ts > UINT64_MAX / 8)
        return field_error(rec, f, ALIGN_EOVERFLOW, "member %s is larger than 2^61 bytes", f->name);
    if (rec->kind == ALIGN_KIND_UNION)
        c->bitpos = 0;
    if (!f->is_bitfield) {
        fa = packed ? 1 : ta;
        if (f->aligned > fa)
            fa = f->aligned;
        if (!round_up_u64(c->bitpos, (uint64_t)fa * 8, &pos))
            goto overflow;
        bits = ts * 8;
    } else {
        if (!is_integer_like(f->type))
            return field_error(rec, f, ALIGN_EBITFIELD, "bit-field %s has non-integer type %s",
                               f->name[0] ? f->name : "(unnamed)", f->type->display);
        if (f->bit_size > ts * 8)
            return field_error(rec, f, ALIGN_EBITFIELD,
                               "bit-field %s is wider than its type (%llu bits)",
                               f->name[0] ? f->name : "(unnamed)", (unsigned long long)(ts * 8));
        fa = 1;
        pos = c->bitpos;
        bits = f->bit_size;
        if (f->bit_size == 0) {
            /* Aligned like its type (or aligned(N) if more), packed or
             * not (layout_decl); raises the record's alignment only
             * where the ABI says. */
            uint32_t za = f->aligned > ta ? f->aligned : ta;
            if (f->name[0] != '\0')
                return field_error(rec, f, ALIGN_EBITFIELD,
                                   "zero-width bit-field %s must be unnamed", f->name);
            if (!round_up_u64(pos, (uint64_t)za * 8, &pos))
                goto overflow;
            if (g->abi->c_zero_width_bitfield_aligns)
                fa = za;
        } else {
            /* place_field: first aligned(N) (desired_align), then the
             * PCC rule; update_alignment_for_field: only a named
             * bit-field, or an unnamed one where the ABI says, raises
             * the record's alignment, to its type's (1 when packed)
             * and its aligned(N). */
            if (f->aligned > 0 && !round_up_u64(pos, (uint64_t)f->aligned * 8, &pos))
                goto overflow;
            if (!packed && excess_unit_span(pos, bits, (uint64_t)ta * 8, ts * 8) &&
                !round_up_u64(pos, (uint64_t)ta * 8, &pos))
                goto overflow;
            if (f->name[0] != '\0' || g->abi->c_anon_bitfield_aligns) {
                fa = packed ? 1 : ta;
                if (f->aligned > fa)
                    fa = f->aligned;
            }
        }
    }
    if (fa > c->align)
        c->align = fa;
    if (out) {
        out[i].bit_offset = pos;
        out[i].bit_size = bits;
        out[i].size = ts;
        out[i].align = fa;
        out[i].ptrdata = 0;
    }
    if (!add_u64(pos, bits, &c->bitpos) || c->bitpos > UINT64_MAX - 7)
        goto overflow;
    if (c->bitpos > c->max_bits)
        c->max_bits = c->bitpos;
    c->nplaced++;
    return 0;
overflow:
    return too_large(rec);
}

static int place_c_end(const align_type *rec, const place_cursor *c, uint64_t *size,
                       uint32_t *align, uint64_t *ptrdata)
{
    uint32_t rec_align = c->align;
    uint64_t bytes = (c->max_bits + 7) / 8;
    if (rec->aligned > rec_align)
        rec_align = rec->aligned;
    /* DWARF listed no member but gave a size (a transparent union, a record
     * of unnamed bit-fields): what is there is unknown, its size is not. */
    if (rec->nfields == 0 && rec->given_size > 0)
        bytes = (uint64_t)rec->given_size;
    return finish(rec, bytes, rec_align, 0, size, align, ptrdata);
}

void layout_cursor_init(place_cursor *c)
{
    memset(c, 0, sizeof *c);
    c->align = 1;
}

int layout_place_member(align_graph *g, const align_type *rec, size_t i, place_cursor *c,
                        placed *out, unsigned depth)
{
    assert(i < rec->nfields);
    if (g->lang == ALIGN_LANG_GO)
        return place_go_member(g, rec, i, c, out, depth);
    return place_c_member(g, rec, i, c, out, depth);
}

int layout_place_end(align_graph *g, const align_type *rec, const place_cursor *c, uint64_t *size,
                     uint32_t *align, uint64_t *ptrdata)
{
    if (g->lang == ALIGN_LANG_GO)
        return place_go_end(g, rec, c, size, align, ptrdata);
    return place_c_end(rec, c, size, align, ptrdata);
}

int layout_place(align_graph *g, const align_type *rec, const size_t *order, placed *out,
                 uint64_t *size, uint32_t *align, uint64_t *ptrdata, unsigned depth)
{
    place_cursor c;
    assert(rec->kind == ALIGN_KIND_STRUCT || rec->kind == ALIGN_KIND_UNION);
    layout_cursor_init(&c);
    for (uint32_t k = 0; k < rec->nfields; k++) {
        int rc = layout_place_member(g, rec, order ? order[k] : k, &c, out, depth);
        if (rc < 0)
            return rc;
    }
    return layout_place_end(g, rec, &c, size, align, ptrdata);
}
