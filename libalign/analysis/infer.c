/*
 * infer.c - the layout attributes a compiler's positions imply, recovered
 * from the positions themselves (align_infer_record_attrs).
 *
 * Who calls it: the DWARF reader (source/dwarf.c) on every C record it
 * loaded, and the Python module (gdb-plugin/module.c) on every record a
 * debugger describes.  One engine for both, so `structalign show`, GDB's
 * and LLDB's `align` print the same alignment and the same smallest order
 * for the same struct (they did not when the plugin had a copy of its own:
 * `#pragma pack(2) struct P { char a; int b; char c; long d; }` was aligned
 * 2 in show and 8 in GDB).
 *
 * What the positions do not say.  GCC writes aligned(N) and _Alignas as
 * DW_AT_alignment but nothing for __attribute__((packed)), #pragma pack(N),
 * nor for unnamed bit-fields (which get no DIE at all); debuggers drop
 * DW_AT_alignment too (LLDB 14 ignores it, GDB only keeps a record's).  A
 * record using them has offsets the model, knowing only the members, cannot
 * reproduce.  Every record whose model disagrees with the given offsets or
 * size is offered, in order, the explanations that could account for it,
 * and keeps the first that makes the model agree with every offset and the
 * size:
 *
 *   0. (alignment known to be lost, ALIGN_INFER_ALIGNMENT_LOST, or the
 *      record's given alignment says so) aligned(N) on the record;
 *   1. unnamed bit-fields: at the first member the compiler put further than
 *      the model, a zero-width bit-field (`int :0`) or a padding bit-field
 *      (`T :n`) that moves it exactly there; repeated member by member; and
 *      when only the size is short, padding bit-fields at the end.  A
 *      record with no member DIE at all (Linux's `struct bpf_timer { __u64
 *      :64; __u64 :64; }`, glibc's transparent unions) gets none made up:
 *      memberless() keeps its size and assumes an alignment that its uses
 *      correct (try_inner_aligned);
 *   2. packed, then packed with aligned(N) on the record (N = 2 .. 64);
 *   3. #pragma pack(N), N = 2, 4, 8: members aligned to at most N, which the
 *      model expresses as packed plus aligned(min(natural, N)) per member;
 *   4. attributes member by member: a member below its type's alignment is
 *      packed, one beyond the next aligned offset carries aligned(N) (N the
 *      smallest power of two that puts it there), a record the model makes
 *      larger is packed, a smaller one carries aligned(N); a bit-field
 *      before where its unit would put it is packed (it may cross units).
 *
 * Before those: a DW_AT_alignment below what the members give means packed
 * (given_below_natural); the record packed itself is preferred to packing
 * the records it holds (explain_by_uses), both explaining the same
 * offsets.  A gap no single unnamed bit-field explains by a boundary is
 * searched for one the model moves there (fill_gap_search).
 *
 * Afterwards mark_open() flags every record whose alignment, or whose
 * members' alignments, another reading fits as well (align_inferred):
 * DWARF has no packed and no unnamed bit-fields, so only DW_AT_alignment
 * decides an alignment outright.  Measured with tests/difftest.py (500
 * random records, x86-64, arm64, i686, arm): every record alignment equals
 * gcc's or is flagged, 5 to 9 records per target keep offsets no reading
 * explains (bit-fields with aligned(N) after unnamed ones, and the like).
 *
 * A record whose given alignment (a debugger's alignof) is larger than the
 * model's and divides the size gets it as aligned(N) when nothing else
 * contradicts it: GDB computes alignof from the members unless
 * DW_AT_alignment is present, so a larger one is an attribute.
 *
 * Records are handled innermost first (a member record's attributes change
 * its container's offsets).  Each attempt is one linear layout; a C binary
 * has a few thousand records, so this costs milliseconds.  A record no
 * explanation fits is left as described: its layouts say model_agrees = 0
 * and why.
 *
 * Rejected: inferring packed from "size is not a multiple of the natural
 * alignment" alone.  It misses packed records whose size happens to be a
 * multiple, and says nothing about which members moved; replaying the model
 * is exact and also catches the pack(N) and bit-field cases.  Rejected too:
 * trusting a debugger's alignof outright (GDB's is wrong for packed
 * records).
 */
#include "util/vec.h"
#include "model/model.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct infer_ctx {
    align_graph *g;
    unsigned flags;
    uint8_t *state; /* by type id: 0 new, 1 in progress, 2 done */
    uint8_t *given; /* by type id: 1 when the record came with aligned(N)
                       (DW_AT_alignment), before any inference */
    size_t nstate;
    placed *pl; /* scratch, pl_cap entries */
    size_t pl_cap;
    align_field *saved; /* the record's fields before an attempt */
    size_t saved_cap;
    size_t ninferred;
} infer_ctx;

/* The model's layout of rec in declaration order into c->pl: 0, or -1 when
 * the model cannot lay it out (the error is cleared: not the caller's). */
static int place(infer_ctx *c, const align_type *rec, uint64_t *size, uint32_t *align)
{
    uint64_t ptrdata;
    if (vec_reserve((void **)&c->pl, &c->pl_cap, rec->nfields, sizeof *c->pl, 16) < 0) {
        align_error_clear();
        return -1;
    }
    if (layout_place(c->g, rec, NULL, c->pl, size, align, &ptrdata, 0) < 0) {
        align_error_clear();
        return -1;
    }
    return 0;
}

/* 1 when the model reproduces every given offset and the size, 0 when not
 * (*bad = first member that differs, or nfields for the size), -1 when
 * the model cannot lay the record out at all. */
static int model_matches(infer_ctx *c, const align_type *rec, uint32_t *bad)
{
    uint64_t size;
    uint32_t align;
    if (place(c, rec, &size, &align) < 0)
        return -1;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        int64_t given = rec->fields[i].given_bit_offset;
        if (given >= 0 && (uint64_t)given != c->pl[i].bit_offset) {
            *bad = i;
            return 0;
        }
    }
    *bad = rec->nfields;
    return rec->given_size < 0 || (uint64_t)rec->given_size == size;
}

/* Smallest power of two n > from with start rounded up to n equal to off,
 * or 0 when none is (the member moved for another reason). */
static uint32_t aligned_that_places(uint64_t start, uint64_t off, uint32_t from)
{
    for (uint64_t n = (uint64_t)(from ? from : 1) * 2; n <= (1u << 28); n *= 2) {
        uint64_t at = (start + n - 1) / n * n;
        if (at == off)
            return (uint32_t)n;
        if (at > off)
            return 0;
    }
    return 0;
}

/* ------------------------------------------------- 0: aligned(N) record */

/* The given alignment when it can only be an attribute: larger than the
 * model's, a power of two, dividing the given size; else 0. */
static uint32_t given_align_attr(infer_ctx *c, const align_type *rec)
{
    uint64_t size;
    uint32_t align;
    int64_t hint = rec->given_align;
    if (hint <= 1 || hint > (1 << 28) || (hint & (hint - 1)) != 0 || rec->given_size < 0 ||
        rec->given_size % hint != 0 || (uint64_t)hint <= rec->aligned)
        return 0;
    if (place(c, rec, &size, &align) < 0 || (uint64_t)hint <= align)
        return 0;
    return (uint32_t)hint;
}

/* aligned(N) on the record, N = the given alignment when known, else the
 * smallest power of two that makes the model's size the given one. */
static int try_record_aligned(infer_ctx *c, align_type *rec)
{
    const uint32_t aligned = rec->aligned;
    uint32_t bad, hint = given_align_attr(c, rec);
    for (uint32_t n = hint ? hint : 2; n <= 4096; n *= 2) {
        if (n <= aligned)
            continue;
        rec->aligned = n;
        if (model_matches(c, rec, &bad) == 1)
            return 1;
        if (bad < rec->nfields || hint != 0)
            break; /* offsets differ: aligned(N) on the record cannot help */
    }
    rec->aligned = aligned;
    return 0;
}

/* ------------------------------------------------ 1: unnamed bit-fields */

/* Inserts an unnamed bit-field of type t and width bits before field i. */
static int insert_bitfield(infer_ctx *c, align_type *rec, uint32_t i, align_type *t, uint32_t bits)
{
    align_field_spec spec = align_field_spec_init();
    align_field f;
    spec.type = t;
    spec.is_bitfield = 1;
    spec.bit_size = bits;
    if (align_record_add_field(c->g, rec, &spec) < 0)
        return -1;
    f = rec->fields[rec->nfields - 1];
    memmove(&rec->fields[i + 1], &rec->fields[i], (rec->nfields - 1 - i) * sizeof f);
    rec->fields[i] = f;
    return 0;
}

/* Appends unnamed bit-fields covering bits [from, to): trailing padding
 * such as `__u64 :64;`, each piece within one unit of its type. */
static int append_padding(infer_ctx *c, align_type *rec, uint64_t from, uint64_t to)
{
    static const struct {
        uint32_t bits;
        align_prim prim;
    } units[] = {
        {64, ALIGN_C_ULLONG}, {32, ALIGN_C_UINT}, {16, ALIGN_C_USHORT}, {8, ALIGN_C_UCHAR}};
    for (int pieces = 0; from < to; pieces++) {
        uint64_t w = 0;
        align_prim p = ALIGN_C_UCHAR;
        if (pieces == 16)
            return -1;
        if (from % 8 != 0) {
            w = 8 - from % 8 < to - from ? 8 - from % 8 : to - from;
        } else {
            for (size_t k = 0; k < sizeof units / sizeof units[0] && w == 0; k++)
                if (from % units[k].bits == 0 && units[k].bits <= to - from) {
                    w = units[k].bits;
                    p = units[k].prim;
                }
            if (w == 0)
                w = to - from;
        }
        align_type *t = align_type_prim(c->g, p);
        if (t == NULL || insert_bitfield(c, rec, rec->nfields, t, (uint32_t)w) < 0)
            return -1;
        from += w;
    }
    return 0;
}

/* The unnamed bit-field that moves member f from the model's bit offset to
 * the given one.  Before a bit-field: one of its own type T, `T :0` when
 * the given offset is the next boundary of T's unit, else `T :n` filling
 * the gap (what a programmer writes, and it keeps the gap's bits visible).
 * Otherwise `U :0` for the smallest U whose boundary is exactly there.
 * NULL when none does. */
static align_type *gap_bitfield(infer_ctx *c, const align_field *f, uint64_t model, uint64_t given,
                                uint32_t *bits)
{
    static const align_prim units[] = {ALIGN_C_UCHAR, ALIGN_C_USHORT, ALIGN_C_UINT, ALIGN_C_ULLONG};
    uint64_t s, pd, pos;
    uint32_t a;

    *bits = 0;
    if (f->is_bitfield && type_size_depth(c->g, f->type, &s, &a, &pd, 1) == 0) {
        if (round_up_u64(model, (uint64_t)a * 8, &pos) && pos == given)
            return f->type;
        if (given - model < s * 8 && given - model < 64) {
            const align_type *r = align_type_resolve(f->type);
            *bits = (uint32_t)(given - model);
            /* `_Bool :3` is no C: a byte's worth of the same unit */
            if (r != NULL && r->kind == ALIGN_KIND_PRIM && r->prim == ALIGN_C_BOOL && *bits > 1)
                return align_type_prim(c->g, ALIGN_C_UCHAR);
            return f->type;
        }
    }
    align_error_clear();
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (align_abi_prim(align_graph_abi(c->g), units[k], &s, &a, &pd) == 0 &&
            round_up_u64(model, (uint64_t)a * 8, &pos) && pos == given)
            return align_type_prim(c->g, units[k]);
    /* No boundary is there (`T :2; int :0;` in a packed record leaves a
     * whole unit): a padding bit-field `U :n` filling the gap, U the
     * smallest unit that holds it without crossing a boundary. */
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (align_abi_prim(align_graph_abi(c->g), units[k], &s, &a, &pd) == 0 &&
            given - model <= s * 8 && model / (s * 8) == (given - 1) / (s * 8)) {
            *bits = (uint32_t)(given - model);
            return align_type_prim(c->g, units[k]);
        }
    return NULL;
}

/* The last resort of fill_gap: an unnamed `U :w` (U from unsigned char to
 * unsigned long long, w up to U's width) that the model itself moves past
 * a unit boundary (`char m1 : 7; long long : 61; unsigned m2 : 31;` puts
 * m2 at bit 128): each is tried in turn and the first after which member
 * bad sits at given is kept.  0, or -1 (rec as it was) when none does. */
static int fill_gap_search(infer_ctx *c, align_type *rec, uint32_t bad, uint64_t given)
{
    static const align_prim units[] = {ALIGN_C_UCHAR, ALIGN_C_USHORT, ALIGN_C_UINT, ALIGN_C_ULLONG};
    const uint32_t nfields = rec->nfields;
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        uint64_t s, pd, size;
        uint32_t a, align;
        align_type *u = align_type_prim(c->g, units[k]);
        if (u == NULL || align_abi_prim(align_graph_abi(c->g), units[k], &s, &a, &pd) < 0)
            return -1;
        for (uint32_t w = 1; w <= s * 8; w++) {
            if (insert_bitfield(c, rec, bad, u, w) < 0)
                return -1;
            if (place(c, rec, &size, &align) == 0 && c->pl[bad + 1].bit_offset == given)
                return 0;
            /* take it out again */
            memmove(&rec->fields[bad], &rec->fields[bad + 1],
                    (rec->nfields - 1 - bad) * sizeof *rec->fields);
            rec->nfields = nfields;
        }
    }
    return -1;
}

/* Puts the unnamed bit-field that explains where member bad sits (after the
 * model placed it, into c->pl) before it: 0, or -1 when none does. */
static int fill_gap(infer_ctx *c, align_type *rec, uint32_t bad)
{
    uint64_t model = c->pl[bad].bit_offset;
    uint64_t given = (uint64_t)rec->fields[bad].given_bit_offset;
    uint32_t bits;
    align_type *t;
    if (given <= model)
        return -1;
    t = gap_bitfield(c, &rec->fields[bad], model, given, &bits);
    if (t != NULL)
        return insert_bitfield(c, rec, bad, t, bits);
    return fill_gap_search(c, rec, bad, given);
}

static int try_bitfields(infer_ctx *c, align_type *rec)
{
    bool padded = false;
    for (uint32_t tries = 0; tries < 64; tries++) {
        uint32_t bad;
        int m = model_matches(c, rec, &bad);
        if (m != 0)
            return m;
        if (bad >= rec->nfields) {
            /* Every offset agrees, the size does not: padding at the end. */
            uint64_t end = 0;
            for (uint32_t i = 0; i < rec->nfields; i++)
                if (c->pl[i].bit_offset + c->pl[i].bit_size > end)
                    end = c->pl[i].bit_offset + c->pl[i].bit_size;
            if (padded || rec->given_size < 0 || end >= (uint64_t)rec->given_size * 8 ||
                rec->nfields == 0 || /* members unknown: memberless() */
                append_padding(c, rec, end, (uint64_t)rec->given_size * 8) < 0)
                return 0;
            padded = true;
            continue;
        }
        if (fill_gap(c, rec, bad) < 0)
            return 0;
    }
    return 0;
}

/* ------------------------------------------- 2 and 3: packed, pack(N) */

static int try_packed(infer_ctx *c, align_type *rec)
{
    const uint32_t aligned = rec->aligned;
    uint32_t bad;
    rec->packed = true;
    for (uint32_t n = 1; n <= 64; n *= 2) {
        if (n > 1 && n <= aligned)
            continue;
        rec->aligned = n > 1 ? n : aligned;
        if (model_matches(c, rec, &bad) == 1)
            return 1;
        if (bad < rec->nfields)
            break; /* offsets differ: aligned(N) on the record cannot help */
    }
    rec->aligned = aligned;
    rec->packed = false;
    return 0;
}

/* #pragma pack(n): packed, each member aligned to at most n. */
static void set_pack(infer_ctx *c, align_type *rec, uint32_t n)
{
    rec->packed = true;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_field *f = &rec->fields[i];
        uint64_t s, pd;
        uint32_t a;
        if (f->is_bitfield || f->aligned != 0)
            continue;
        if (type_size_depth(c->g, f->type, &s, &a, &pd, 1) < 0) {
            align_error_clear();
            continue;
        }
        f->aligned = a < n ? a : n;
    }
}

static void restore(infer_ctx *c, align_type *rec, uint32_t nfields)
{
    rec->nfields = nfields;
    memcpy(rec->fields, c->saved, nfields * sizeof *rec->fields);
}

/* Keeps rec's fields for restore(): 0, or -1 out of memory. */
static int save_fields(infer_ctx *c, const align_type *rec)
{
    if (rec->nfields > c->saved_cap) {
        align_field *s = realloc(c->saved, rec->nfields * sizeof *s);
        if (s == NULL)
            return -1;
        c->saved = s;
        c->saved_cap = rec->nfields;
    }
    if (rec->nfields > 0)
        memcpy(c->saved, rec->fields, rec->nfields * sizeof *rec->fields);
    return 0;
}

static int try_pragma_pack(infer_ctx *c, align_type *rec)
{
    const uint32_t nfields = rec->nfields;
    uint32_t bad;
    for (uint32_t n = 2; n <= 8; n *= 2) {
        set_pack(c, rec, n);
        if (model_matches(c, rec, &bad) == 1)
            return 1;
        restore(c, rec, nfields);
    }
    rec->packed = false;
    return 0;
}

/* ------------------------------------------ 4: attributes member by member */

/* Sets packed / aligned on the ordinary members so that the model places
 * each where the compiler did (bit-fields are left to the model).
 * rec->packed: every member's natural alignment is 1. */
static int explain_members(infer_ctx *c, align_type *rec)
{
    uint64_t end_bits = 0;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_field *f = &rec->fields[i];
        uint64_t size, ptrdata, off, start, natural;
        uint32_t align, eff;

        if (f->is_bitfield) {
            uint64_t e = (uint64_t)f->given_bit_offset + f->bit_size;
            if (f->given_bit_offset >= 0 && e > end_bits)
                end_bits = e;
            continue;
        }
        if (type_size_depth(c->g, f->type, &size, &align, &ptrdata, 1) < 0) {
            align_error_clear();
            return -1;
        }
        if (f->given_bit_offset < 0 || f->given_bit_offset % 8 != 0)
            continue; /* not an ordinary member after all: leave it to the model */
        f->packed = false;
        f->aligned = 0;
        off = (uint64_t)f->given_bit_offset / 8;
        start = rec->kind == ALIGN_KIND_UNION ? 0 : (end_bits + 7) / 8;
        eff = rec->packed ? 1 : align;
        if (off % eff != 0) {
            f->packed = true;
            eff = 1;
        }
        natural = (start + eff - 1) / eff * eff;
        if (off > natural)
            f->aligned = aligned_that_places(start, off, eff);
        if ((off + size) * 8 > end_bits)
            end_bits = (off + size) * 8;
    }
    return 0;
}

/* Member attributes, then the record's packed / aligned(N) from its size. */
static int explain_record(infer_ctx *c, align_type *rec, uint32_t aligned)
{
    uint64_t size;
    uint32_t align, n;
    rec->packed = false;
    rec->aligned = aligned;
    if (explain_members(c, rec) < 0 || place(c, rec, &size, &align) < 0)
        return -1;
    if (rec->given_size >= 0 && size > (uint64_t)rec->given_size) {
        /* Smaller than its members' alignment allows: a packed record. */
        rec->packed = true;
        if (explain_members(c, rec) < 0 || place(c, rec, &size, &align) < 0)
            return -1;
    }
    if (rec->given_size >= 0 && size < (uint64_t)rec->given_size) {
        n = aligned_that_places(size, (uint64_t)rec->given_size, align);
        if (n > rec->aligned)
            rec->aligned = n;
    }
    return 0;
}

/* Explanation 4, with the unnamed bit-fields before bit-field members that
 * sit beyond where the model puts them put back as it goes (a record may
 * need both: an aligned(32) member after an `int :4`). */
static int try_member_attrs(infer_ctx *c, align_type *rec)
{
    const uint32_t aligned = rec->aligned;
    for (uint32_t tries = 0; tries < 64; tries++) {
        uint32_t bad;
        int m;
        if (explain_record(c, rec, aligned) < 0)
            return 0;
        m = model_matches(c, rec, &bad);
        if (m != 0 || bad >= rec->nfields || !rec->fields[bad].is_bitfield)
            return m == 1;
        if (!rec->packed && !rec->fields[bad].packed &&
            (uint64_t)rec->fields[bad].given_bit_offset < c->pl[bad].bit_offset) {
            /* before where its unit would put it: a packed bit-field,
             * which may cross its unit (`long m : 63 __attribute__((packed))`) */
            rec->fields[bad].packed = true;
            continue;
        }
        if (fill_gap(c, rec, bad) < 0)
            return 0;
    }
    return 0;
}

/* ---------------------------------------------------------- per record */

/* A member whose declaration text the caller kept (the Python module's)
 * gets the attribute inferred for it appended, so that the suggested order
 * compiles to the size reported for it.  Keeps the text when there is
 * nothing to add or no memory (the layout is right either way). */
static void annotate_decls(infer_ctx *c, align_type *rec)
{
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_field *f = &rec->fields[i];
        bool packed = (rec->packed || f->packed) && !f->is_bitfield;
        char attr[64];
        align_buf b;
        const char *text;

        if (f->decl_text == NULL || f->is_bitfield || (!packed && f->aligned == 0))
            continue;
        if (f->aligned != 0)
            snprintf(attr, sizeof attr, " __attribute__((%saligned(%u)))", packed ? "packed, " : "",
                     f->aligned);
        else
            snprintf(attr, sizeof attr, " __attribute__((packed))");
        align_buf_init(&b);
        align_buf_puts(&b, f->decl_text);
        align_buf_puts(&b, attr);
        text = b.failed ? NULL : align_graph_strdup(c->g, b.data, b.len);
        if (text != NULL)
            f->decl_text = text;
        align_buf_free(&b);
    }
}

/* 1 when one of the explanations made the model agree, 0 when none did
 * (the record is as it was). */
static int explain(infer_ctx *c, align_type *rec)
{
    const uint32_t nfields = rec->nfields, aligned = rec->aligned;

    if (save_fields(c, rec) < 0)
        return 0;
    if (nfields > 0 && ((c->flags & ALIGN_INFER_ALIGNMENT_LOST) || given_align_attr(c, rec) != 0) &&
        try_record_aligned(c, rec) == 1)
        return 1;
    if (try_bitfields(c, rec) == 1)
        return 1;
    restore(c, rec, nfields);
    if (nfields == 0)
        return 0;
    if (try_packed(c, rec) == 1 || try_pragma_pack(c, rec) == 1)
        return 1;
    restore(c, rec, nfields);
    if (try_member_attrs(c, rec) == 1)
        return 1;
    restore(c, rec, nfields);
    rec->packed = false;
    rec->aligned = aligned;
    return 0;
}

/* The record a member holds by value (through typedefs and arrays). */
static align_type *by_value_record(align_type *t)
{
    for (unsigned i = 0; t != NULL && i < ALIGN_MAX_DEPTH; i++) {
        if (t->kind == ALIGN_KIND_STRUCT || t->kind == ALIGN_KIND_UNION)
            return t;
        if (t->kind != ALIGN_KIND_NAMED && t->kind != ALIGN_KIND_ARRAY)
            return NULL;
        t = t->target;
    }
    return NULL;
}

/* ------------------------------- packed records known from their uses */

static void memo_clear(align_graph *g)
{
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
}

/* The largest power of two dividing v (v > 0), capped at 1 << 28. */
static uint64_t low_bit(uint64_t v)
{
    uint64_t b = v & (~v + 1);
    return b > (1u << 28) ? (1u << 28) : b;
}

/* Member bad of rec is a record R held by value (or an array of them) at a
 * given offset below the model's.  DWARF does not say packed, but GCC
 * placed R there, so R's alignment divides that offset (and the element
 * size of an array of R): tries R packed with aligned(n), n the largest
 * power of two the placement allows down to 1, keeping the first under
 * which R's own offsets still agree.  1 changed (the old attributes in
 * *was), 0 not. */
static int try_inner_packed(infer_ctx *c, align_type *rec, uint32_t bad, uint32_t *was)
{
    const align_field *f = &rec->fields[bad];
    align_type *inner = by_value_record(f->type), *t = f->type;
    int64_t given = f->given_bit_offset;
    uint64_t bound, size;
    uint32_t b, align;
    if (inner == NULL || inner->packed || inner->aligned != 0 || f->is_bitfield || given < 0 ||
        given % 8 != 0 || inner->given_size <= 0)
        return 0; /* packed said, or DW_AT_alignment known: nothing to infer */
    bound = given / 8 ? low_bit((uint64_t)given / 8) : (1u << 28);
    for (unsigned i = 0; t != NULL && t != inner && i < ALIGN_MAX_DEPTH; i++, t = t->target)
        if (t->kind == ALIGN_KIND_ARRAY && t->count > 1 && t->count != ALIGN_FLEXIBLE &&
            low_bit((uint64_t)inner->given_size) < bound)
            bound = low_bit((uint64_t)inner->given_size);
    if (place(c, inner, &size, &align) < 0 || bound >= align)
        return 0;
    *was = inner->aligned;
    inner->packed = true;
    for (uint64_t n = bound; n >= 1; n /= 2) {
        inner->aligned = n > 1 ? (uint32_t)n : 0;
        memo_clear(c->g);
        if (model_matches(c, inner, &b) == 1)
            return 1;
    }
    inner->packed = false;
    inner->aligned = *was;
    memo_clear(c->g);
    return 0;
}

/* Explains rec's disagreeing members by the records they hold being packed
 * (try_inner_packed), member after member; kept only when rec then agrees
 * entirely (else rec itself is packed, or pack(N): explain() decides). */
static int explain_by_uses(infer_ctx *c, align_type *rec)
{
    align_type *changed[16];
    uint32_t was[16], bad;
    int64_t at[16];
    size_t n = 0;
    int m = model_matches(c, rec, &bad);
    while (m == 0 && bad < rec->nfields && n < 16 && try_inner_packed(c, rec, bad, &was[n]) == 1) {
        uint32_t before = bad;
        at[n] = rec->fields[bad].given_bit_offset / 8;
        changed[n++] = by_value_record(rec->fields[bad].type);
        m = model_matches(c, rec, &bad);
        if (m == 0 && bad <= before)
            break;
    }
    if (m == 1) {
        for (size_t i = 0; i < n; i++) {
            char note[256];
            snprintf(note, sizeof note,
                     "alignment %u inferred from a use (DWARF does not say packed): %s "
                     "holds it at offset %lld",
                     changed[i]->aligned ? changed[i]->aligned : 1, rec->display, (long long)at[i]);
            changed[i]->align_note = align_graph_strdup(c->g, note, (size_t)-1);
            c->ninferred++;
        }
        return 1;
    }
    while (n > 0) {
        n--;
        changed[n]->packed = false;
        changed[n]->aligned = was[n];
    }
    memo_clear(c->g);
    return 0;
}

/* A record whose DWARF lists no member but has a size: glibc's transparent
 * unions (__CONST_SOCKADDR_ARG), Linux's `struct bpf_timer { __u64 :64;
 * __u64 :64; }`.  Its members are unknown, so none is made up: the model
 * takes its size from DWARF, and its alignment, when DW_AT_alignment does
 * not give it, is assumed to be the largest power of two dividing the size
 * up to the pointer size (a transparent union has a pointer's or an
 * integer's mode), until a use says otherwise (try_inner_aligned). */
static void memberless(infer_ctx *c, align_type *rec)
{
    char note[160];
    uint64_t n = low_bit((uint64_t)rec->given_size);
    uint32_t ptr = align_graph_abi(c->g)->pointer_size;
    if (rec->nfields != 0 || rec->given_size <= 0 || rec->aligned != 0 || rec->packed)
        return;
    if (n > ptr)
        n = ptr;
    rec->aligned = (uint32_t)n;
    snprintf(note, sizeof note,
             "members unknown (DWARF lists none: a transparent union, or only unnamed "
             "bit-fields); alignment %u assumed",
             rec->aligned);
    rec->align_note = align_graph_strdup(c->g, note, (size_t)-1);
    c->ninferred++;
}

/* Member bad of rec is a memberless record (memberless()) whose assumed
 * alignment misplaces it: the alignment that puts it where the compiler
 * did, when one does and rec then agrees past it.  1 changed, 0 not. */
static int try_inner_aligned(infer_ctx *c, align_type *rec, uint32_t bad)
{
    align_type *inner = by_value_record(rec->fields[bad].type);
    uint32_t was, b;
    if (inner == NULL || inner->nfields != 0 || inner->align_note == NULL)
        return 0;
    was = inner->aligned;
    for (uint32_t n = 1; n <= 64; n *= 2) {
        if (n == was)
            continue;
        inner->aligned = n;
        memo_clear(c->g);
        if (model_matches(c, rec, &b) == 1 || b > bad) {
            char note[160];
            snprintf(note, sizeof note,
                     "alignment %u inferred from a use (DWARF lists no members): %s holds it "
                     "at offset %lld",
                     n, rec->display, (long long)(rec->fields[bad].given_bit_offset / 8));
            inner->align_note = align_graph_strdup(c->g, note, (size_t)-1);
            return 1;
        }
    }
    inner->aligned = was;
    memo_clear(c->g);
    return 0;
}

/* DW_AT_alignment is the record's alignment.  GCC writes it for aligned(N)
 * and for packed records holding a member of a user-aligned type (a packed
 * union, `typedef struct __attribute__((packed)) {...} T`, aligned 1); one
 * below what the members give can only be packed with that alignment, so
 * packed is kept even when the model still disagrees (trailing unnamed
 * bit-fields are tried then: they are what else DWARF leaves out). */
static void given_below_natural(infer_ctx *c, align_type *rec)
{
    const uint32_t nfields = rec->nfields;
    uint64_t size;
    uint32_t align, bad;
    if (!c->given[rec->id] || rec->packed || nfields == 0 || place(c, rec, &size, &align) < 0 ||
        align <= rec->aligned)
        return;
    rec->packed = true;
    c->ninferred++;
    if (model_matches(c, rec, &bad) == 1 || save_fields(c, rec) < 0)
        return;
    if (try_bitfields(c, rec) != 1)
        restore(c, rec, nfields);
}

static void infer_record(infer_ctx *c, align_type *rec)
{
    uint32_t bad, hint;
    int m;

    memberless(c, rec);
    given_below_natural(c, rec);
    m = model_matches(c, rec, &bad);
    for (unsigned tries = 0; m == 0 && bad < rec->nfields && tries < 16; tries++) {
        if (try_inner_aligned(c, rec, bad) == 0)
            break;
        m = model_matches(c, rec, &bad);
    }

    if (m < 0 || (m == 0 && rec->packed))
        return; /* the model cannot judge, or packed was said and is not enough */
    if (m == 1) {
        /* Agrees; a larger given alignment is still an attribute. */
        hint = given_align_attr(c, rec);
        if (hint != 0) {
            rec->aligned = hint;
            c->ninferred++;
        }
        return;
    }
    /* The record packed itself explains it (glibc's `struct epoll_event
     * { uint32_t events; epoll_data_t data; } __attribute__((packed))`):
     * preferred to packing the records it holds, which would explain the
     * same offsets, because packing the outer record is the idiom (wire
     * formats, kernel ABIs) and it changes no other record. */
    if (rec->nfields > 0) {
        const uint32_t nfields = rec->nfields;
        if (save_fields(c, rec) < 0)
            return;
        if (try_packed(c, rec) == 1) {
            c->ninferred++;
            return;
        }
        restore(c, rec, nfields);
    }
    if (explain_by_uses(c, rec) == 1)
        return;
    if (explain(c, rec) == 1) {
        annotate_decls(c, rec);
        c->ninferred++;
    }
}

static void infer(infer_ctx *c, align_type *rec, unsigned depth)
{
    if (rec->id >= c->nstate || c->state[rec->id] != 0 || depth > ALIGN_MAX_DEPTH || !rec->complete)
        return;
    c->state[rec->id] = 1;
    c->given[rec->id] = rec->aligned != 0;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_type *inner = by_value_record(rec->fields[i].type);
        if (inner != NULL)
            infer(c, inner, depth + 1);
    }
    /* The record's size was not needed yet: nothing memoised it. */
    infer_record(c, rec);
    c->state[rec->id] = 2;
}

/* ------------------------------------- what the offsets leave open */

/* Whether rec's alignment is decided by what was given: rec->align_inferred
 * is set when it is not (align_layout.align_inferred).  It is decided by
 * DW_AT_alignment; else every reading of packed and aligned(N) on the
 * record is tried (natural, packed, packed with aligned(2 .. 64)), the
 * members' own attributes as inferred, and when one that places every
 * member where the compiler did, at the given size, aligns the record
 * otherwise than the reading kept, nothing in the debug information tells
 * them apart: `struct { int a, b; }` and the same with packed have one
 * DWARF.  So is packed on a single member that then raises no alignment.
 * A reading that fits with packed where the kept one has none (or
 * the reverse), or packed inferred at all, leaves the members' own
 * alignments open even at the same record alignment.  A record holding
 * such a record by value (or an array of them) is open too unless its own
 * alignment is given.  Runs after every
 * inference (a use may have changed a record inferred before). */
static bool has_bitfield(const align_type *rec)
{
    for (uint32_t i = 0; i < rec->nfields; i++)
        if (rec->fields[i].is_bitfield)
            return true;
    return false;
}

/* mark_open's reading with unnamed bit-fields (which get no DIE;
 * plausible in a record of bit-fields): true when, under rec's attributes
 * as set, the zero-width and padding bit-fields try_bitfields finds make
 * every offset and the size agree at an alignment other than now.  rec's
 * fields are as before. */
static bool open_with_padding(infer_ctx *c, align_type *rec, uint32_t now)
{
    const uint32_t nfields = rec->nfields;
    uint64_t size, end = 0;
    uint32_t align, bad;
    bool open = false;
    if (rec->given_size < 0 || place(c, rec, &size, &align) < 0 || save_fields(c, rec) < 0)
        return false;
    for (uint32_t i = 0; i < nfields; i++)
        if (c->pl[i].bit_offset + c->pl[i].bit_size > end)
            end = c->pl[i].bit_offset + c->pl[i].bit_size;
    if (rec->kind == ALIGN_KIND_UNION) {
        /* a union's members all start at 0: one as wide as the union */
        static const align_prim by_size[] = {
            ALIGN_C_UCHAR, ALIGN_C_USHORT, 0, ALIGN_C_UINT, 0, 0, 0, ALIGN_C_ULLONG};
        uint64_t gs = (uint64_t)rec->given_size;
        align_type *u = gs >= 1 && gs <= 8 && (gs & (gs - 1)) == 0 && end < gs * 8
                            ? align_type_prim(c->g, by_size[gs - 1])
                            : NULL;
        if (u != NULL && insert_bitfield(c, rec, nfields, u, (uint32_t)(gs * 8)) == 0 &&
            model_matches(c, rec, &bad) == 1 && place(c, rec, &size, &align) == 0 && align != now)
            open = true;
    } else if (try_bitfields(c, rec) == 1 && place(c, rec, &size, &align) == 0 && align != now) {
        open = true; /* gaps and the end filled as the inference would */
    }
    restore(c, rec, nfields);
    return open;
}

static void mark_open(infer_ctx *c, align_type *rec, unsigned depth)
{
    const bool packed = rec->packed;
    const uint32_t aligned = rec->aligned;
    uint64_t size;
    uint32_t now, align, bad;
    bool open = false;

    if (rec->id >= c->nstate || c->state[rec->id] != 2 || depth > ALIGN_MAX_DEPTH)
        return;
    c->state[rec->id] = 3;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_type *inner = by_value_record(rec->fields[i].type);
        if (inner != NULL) {
            mark_open(c, inner, depth + 1);
            open = open || inner->align_inferred;
        }
    }
    if (rec->nfields == 0) {
        rec->align_inferred = false; /* memberless (noted) */
        return;
    }
    if (place(c, rec, &size, &now) < 0 || model_matches(c, rec, &bad) != 1) {
        /* not explained (its layouts say model_agrees 0): a guess */
        rec->align_inferred = true;
        return;
    }
    /* packed is never in DWARF: inferred on the record or a member, it
     * could as well sit on other members (a record packed, or only the
     * member that straddles) */
    open = open || packed;
    for (uint32_t i = 0; i < rec->nfields && !open; i++)
        open = rec->fields[i].packed;
    for (uint32_t n = 0; n <= 64 && !open; n = n ? n * 2 : 1) {
        /* DW_AT_alignment decides the record's: only whether its members
         * are packed can be open */
        if (c->given[rec->id] && n > 1 && n != aligned)
            continue;
        rec->packed = n != 0;
        rec->aligned = c->given[rec->id] ? aligned : n > 1 ? n : 0;
        if (model_matches(c, rec, &bad) == 1 && place(c, rec, &size, &align) == 0 &&
            (align != now || rec->packed != packed))
            open = true;
        else if (!open && has_bitfield(rec))
            open = open_with_padding(c, rec, now);
    }
    rec->packed = packed;
    rec->aligned = aligned;
    /* packed on one member alone (a bit-field `long long m : 3
     * __attribute__((packed))` raises no alignment) */
    for (uint32_t i = 0; i < rec->nfields && !open && !packed; i++) {
        align_field *f = &rec->fields[i];
        if (f->packed)
            continue;
        f->packed = true;
        if (model_matches(c, rec, &bad) == 1 && place(c, rec, &size, &align) == 0 && align != now)
            open = true;
        f->packed = false;
    }
    rec->align_inferred = open;
}

int align_infer_record_attrs(align_graph *g, align_type *const *records, size_t n, unsigned flags,
                             size_t *ninferred)
{
    infer_ctx c;
    assert(g != NULL);
    if (g->lang != ALIGN_LANG_C)
        return 0; /* Go has no layout attributes */
    memset(&c, 0, sizeof c);
    c.g = g;
    c.flags = flags;
    c.nstate = g->ntypes;
    c.state = calloc(g->ntypes ? g->ntypes : 1, 1);
    c.given = calloc(g->ntypes ? g->ntypes : 1, 1);
    if (c.state == NULL || c.given == NULL) {
        free(c.state);
        free(c.given);
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* Sizes memoised before (or while trying explanations) may describe
     * records as they were before an attribute was found. */
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
    for (size_t i = 0; i < n; i++)
        infer(&c, records[i], 0);
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
    for (size_t i = 0; i < n; i++)
        mark_open(&c, records[i], 0);
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
    FREE_ALL(c.state, c.given, c.pl, c.saved);
    if (ninferred != NULL)
        *ninferred += c.ninferred;
    return 0;
}
