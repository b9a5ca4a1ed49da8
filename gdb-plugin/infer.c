/*
 * infer.c - the layout attributes DWARF does not carry, recovered from the
 * offsets it does.
 *
 * A debugger tells us where each member of a C struct is and how big the
 * struct is, but not why: `__attribute__((packed))`, `aligned(N)` and
 * `_Alignas` leave no trace in GCC's DWARF except the positions themselves
 * (and, sometimes, DW_AT_alignment, which GDB turns into alignof but LLDB 14
 * ignores).  The live layout does not need the why: align_layout_compute
 * with ALIGN_LAYOUT_GIVEN reports the given positions.  Everything else does:
 * the size and alignment of this record when it is nested in another, the
 * optimal order (evaluated by the model), and the projection onto another
 * architecture.  So we explain the positions with the fewest attributes:
 *
 *   - a member at an offset that is not a multiple of its type's alignment
 *     is packed (GCC: packed on the member or the record);
 *   - a member beyond the next offset its alignment allows carries
 *     aligned(N), N the smallest power of two that puts it there;
 *   - a record the model makes larger than the compiler did is packed (then
 *     the members are explained again with alignment 1);
 *   - a record the model makes smaller carries aligned(N) on the record;
 *   - a bit-field beyond where the model puts it follows an unnamed
 *     bit-field (`int :4;` or `int :0;`), which DWARF omits: it is put back.
 *
 * What this cannot see: an attribute that changes nothing here (packed on a
 * struct whose members all happen to be aligned), or an unnamed bit-field
 * (not in DWARF) that pushed the next member; then the layout's cross-check
 * (model_agrees, mismatch) says so, and the given positions are still what
 * is shown.  (An unnamed bit-field before an ordinary member is not put
 * back: its type, which decides the padding, is lost.)  Rejected: trusting the debugger's alignof
 * (GDB computes it from the member types unless DW_AT_alignment is present, so it is wrong for
 * packed records) and asking the user for the declaration.
 *
 * Cost: three passes over the members and at most two model layouts of the
 * record, per record the command touches.
 */
#include "plugin.h"

#include <stdio.h>
#include <string.h>

/* Smallest power of two n > from with start rounded up to n equal to off,
 * or 0 when none is (the member moved for another reason). */
static uint32_t aligned_that_places(uint64_t start, uint64_t off, uint32_t from)
{
    for (uint64_t n = (uint64_t)from * 2; n <= (1u << 28); n *= 2) {
        uint64_t at = (start + n - 1) / n * n;
        if (at == off)
            return (uint32_t)n;
        if (at > off)
            return 0;
    }
    return 0;
}

/* GCC writes no DWARF for unnamed bit-fields (`int :4;`, `int :0;`), so a
 * bit-field can sit beyond where the model would put it.  Puts back an
 * unnamed bit-field of the next member's type that explains the gap: a
 * zero-width one when the member starts at the next boundary of its type's
 * alignment, else one as wide as the gap.  LLDB synthesises the same
 * members (the script drops those, so both debuggers go through here).
 * Returns a new array (PyMem_Free it) of *nout specs, or NULL with the
 * libalign error set. */
static align_field_spec *restore_unnamed_bitfields(align_graph *g, const align_field_spec *specs,
                                                   size_t n, size_t *nout)
{
    align_field_spec *out = PyMem_Calloc(2 * n + 1, sizeof *out);
    uint64_t end_bits = 0;
    size_t k = 0;

    if (out == NULL) {
        align_error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const align_field_spec *s = &specs[i];
        uint64_t size, ptrdata, given = (uint64_t)s->given_bit_offset;
        uint32_t align;
        if (align_type_size(g, s->type, &size, &align, &ptrdata) < 0) {
            PyMem_Free(out);
            return NULL;
        }
        if (s->is_bitfield && s->bit_size > 0 && given > end_bits) {
            uint64_t unit = (uint64_t)align * 8, type_bits = size * 8, at = end_bits;
            uint64_t next_unit = (end_bits + unit - 1) / unit * unit;
            /* Where the model puts it: GCC's excess_unit_span rule. */
            if ((at % unit + s->bit_size + unit - 1) / unit > type_bits / unit)
                at = next_unit;
            if (given > at) {
                align_field_spec pad = align_field_spec_init();
                pad.type = s->type;
                pad.is_bitfield = 1;
                if (given == next_unit) {
                    pad.bit_size = 0; /* int :0 -- it has no position of its own */
                } else if (given - end_bits <= type_bits) {
                    pad.bit_size = (uint32_t)(given - end_bits);
                    pad.given_bit_offset = (int64_t)end_bits;
                }
                if (pad.bit_size > 0 || given == next_unit)
                    out[k++] = pad;
            }
        }
        out[k++] = *s;
        if (s->is_bitfield)
            end_bits = given + s->bit_size;
        else if (given + size * 8 > end_bits)
            end_bits = given + size * 8;
    }
    *nout = k;
    return out;
}

/* Sets packed / aligned on the member specs so that the model places every
 * ordinary member where the compiler did.  rec_packed: the record is
 * packed, so every member's natural alignment is 1. */
static int explain_members(align_graph *g, align_kind kind, align_field_spec *specs, size_t n,
                           int rec_packed)
{
    uint64_t end_bits = 0;
    for (size_t i = 0; i < n; i++) {
        align_field_spec *s = &specs[i];
        uint64_t size, ptrdata, off, start, natural;
        uint32_t align, eff;
        int rc;

        if (s->is_bitfield) {
            uint64_t e = (uint64_t)s->given_bit_offset + s->bit_size;
            if (s->given_bit_offset >= 0 && e > end_bits)
                end_bits = e;
            continue;
        }
        rc = align_type_size(g, s->type, &size, &align, &ptrdata);
        if (rc < 0)
            return rc;
        s->packed = 0;
        s->aligned = 0;
        if (s->given_bit_offset % 8 != 0)
            continue; /* not an ordinary member after all: leave it to the model */
        off = (uint64_t)s->given_bit_offset / 8;
        start = kind == ALIGN_KIND_UNION ? 0 : (end_bits + 7) / 8;
        eff = rec_packed ? 1 : align;
        if (off % eff != 0) {
            s->packed = 1;
            eff = 1;
        }
        natural = (start + eff - 1) / eff * eff;
        if (off > natural)
            s->aligned = aligned_that_places(start, off, eff);
        if ((off + size) * 8 > end_bits)
            end_bits = (off + size) * 8;
    }
    return 0;
}

/* The declaration text of a member with the attributes inferred for it, so
 * that the suggested order compiles to the size reported for it.  Keeps
 * the text when there is nothing to add or no memory (the layout is right
 * either way; only the re-emitted declaration would lack the attribute). */
static void annotate_decl(align_graph *g, align_field_spec *s)
{
    char attr[64];
    align_buf b;
    const char *text;

    if (s->decl_text == NULL || (!s->packed && s->aligned == 0))
        return;
    if (s->aligned != 0)
        snprintf(attr, sizeof attr, " __attribute__((%saligned(%u)))", s->packed ? "packed, " : "",
                 s->aligned);
    else
        snprintf(attr, sizeof attr, " __attribute__((packed))");
    align_buf_init(&b);
    align_buf_puts(&b, s->decl_text);
    align_buf_puts(&b, attr);
    text = b.failed ? NULL : align_graph_strdup(g, b.data, b.len);
    if (text != NULL)
        s->decl_text = text;
    align_buf_free(&b);
}

static align_type *build(align_graph *g, align_kind kind, const char *name,
                         const align_field_spec *specs, size_t n, int64_t given_size,
                         int64_t given_align)
{
    align_type *rec = align_type_record(g, kind, name);
    if (rec == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        align_field_spec f = specs[i];
        annotate_decl(g, &f);
        if (align_record_add_field(g, rec, &f) < 0)
            return NULL;
    }
    align_record_complete(rec, given_size, given_align);
    return rec;
}

/* The model's size and alignment of rec, ignoring given positions. */
static int model_size(align_graph *g, const align_type *rec, uint64_t *size, uint32_t *align)
{
    align_layout_opts opts = {.flags = ALIGN_LAYOUT_NO_OPTIMIZE};
    align_layout *l;
    int rc = align_layout_compute(&l, g, rec, &opts);
    if (rc < 0)
        return rc;
    *size = l->size;
    *align = l->align;
    align_layout_free(l);
    return 0;
}

align_type *infer_record(align_graph *g, align_kind kind, const char *name,
                         align_field_spec *given_specs, size_t given_n, int64_t given_size,
                         uint32_t align_hint)
{
    align_field_spec *specs = NULL;
    align_type *rec = NULL;
    uint64_t size;
    uint32_t align, n_aligned;
    size_t n = 0;
    int packed = 0;
    bool positioned = true;
    int64_t hint = align_hint ? (int64_t)align_hint : -1;

    for (size_t i = 0; i < given_n; i++)
        if (given_specs[i].given_bit_offset < 0)
            positioned = false;
    if (align_graph_lang(g) == ALIGN_LANG_GO || !positioned)
        return build(g, kind, name, given_specs, given_n, given_size, hint);

    if (kind == ALIGN_KIND_STRUCT) {
        specs = restore_unnamed_bitfields(g, given_specs, given_n, &n);
        if (specs == NULL)
            goto cleanup;
    } else {
        specs = PyMem_Calloc(given_n + 1, sizeof *specs);
        if (specs == NULL) {
            align_error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
            goto cleanup;
        }
        memcpy(specs, given_specs, given_n * sizeof *specs);
        n = given_n;
    }
    if (explain_members(g, kind, specs, n, 0) < 0)
        goto cleanup;
    rec = build(g, kind, name, specs, n, given_size, hint);
    if (rec == NULL || model_size(g, rec, &size, &align) < 0)
        goto fail;
    if (given_size >= 0 && size > (uint64_t)given_size) {
        /* Smaller than its members' alignment allows: a packed record.  The
         * first record stays in the arena unused: arenas never free one. */
        packed = 1;
        if (explain_members(g, kind, specs, n, 1) < 0)
            goto fail;
        rec = build(g, kind, name, specs, n, given_size, hint);
        if (rec == NULL)
            goto cleanup;
        align_type_set_packed(rec, 1);
        if (model_size(g, rec, &size, &align) < 0)
            goto fail;
    }
    if (given_size >= 0 && size < (uint64_t)given_size) {
        n_aligned = aligned_that_places(size, (uint64_t)given_size, align);
        if (n_aligned != 0)
            align_type_set_aligned(rec, n_aligned);
    } else if (!packed && align_hint > align && (align_hint & (align_hint - 1)) == 0 &&
               given_size >= 0 && (uint64_t)given_size % align_hint == 0) {
        /* Nothing in the offsets contradicts the debugger's DW_AT_alignment. */
        align_type_set_aligned(rec, align_hint);
    }
    goto cleanup;
fail:
    rec = NULL;
cleanup:
    PyMem_Free(specs);
    return rec;
}
