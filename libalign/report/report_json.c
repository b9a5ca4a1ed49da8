/*
 * report_json.c - one layout as an element of the "types" array.
 *
 * The schema is a contract (structalign(1), JSON OUTPUT): other tools and our
 * differential test read it, so keys are only ever added, never renamed.
 * Written by hand rather than through a JSON library: the output side is a
 * few dozen keys of numbers and escaped strings, and a library would add a
 * dependency to libalign for that alone.  The members go through
 * ALIGN_JSON_MEMBERS (util/buf.c), as the CLI's do; arrays are written here.
 */
#include "model/model.h"

#include <stdio.h>
#include <string.h>

/* A string the schema has always written as "" when absent (ALIGN_JSTR
 * writes NULL as null). */
static const char *text(const char *s)
{
    return s ? s : "";
}

/* Writes element i of an array of l. */
typedef void element_fn(align_buf *out, const align_layout *l, size_t i);

/* "key":[e0,e1,...]: the n elements, each written by each(). */
static void array(align_buf *out, const char *key, size_t n, element_fn *each,
                  const align_layout *l)
{
    align_buf_json_key(out, key);
    align_buf_puts(out, "[");
    for (size_t i = 0; i < n; i++) {
        align_buf_puts(out, i ? "," : "");
        each(out, l, i);
    }
    align_buf_puts(out, "]");
}

/* A Go blank field: what the order keeps of it (optimize.c). */
static void blank_keys(align_buf *out, const align_member *m)
{
    const char *rule = "kept"; /* the order was not optimized */
    if (m->flags & ALIGN_MEMBER_BLANK_FENCE)
        rule = "cacheline";
    else if (m->flags & ALIGN_MEMBER_BLANK_KEEPS_OFFSET)
        rule = "offset";
    else if (m->size == 0)
        rule = "marker";
    ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("intentional_padding", true), ALIGN_JSTR("blank", rule));
    if (m->flags & ALIGN_MEMBER_BLANK_CONSTRAINS)
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("constrains_order", true));
}

/* An element of "fields". */
static void field(align_buf *out, const align_layout *l, size_t i)
{
    const align_member *m = &l->members[i];
    align_buf_puts(out, "{");
    ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("name", text(m->name)),
                       ALIGN_JSTR("type", text(m->type_name)), ALIGN_JU64("offset", m->offset),
                       ALIGN_JU64("size", m->size), ALIGN_JU64("align", m->align));
    if (m->flags & ALIGN_MEMBER_BITFIELD)
        ALIGN_JSON_MEMBERS(out, ALIGN_JU64("bit_offset", m->bit_offset),
                           ALIGN_JU64("bit_size", m->bit_size));
    if (m->flags & ALIGN_MEMBER_EMBEDDED)
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("embedded", true));
    if (m->flags & ALIGN_MEMBER_BLANK)
        blank_keys(out, m);
    if (m->flags & ALIGN_MEMBER_FLEXIBLE)
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("flexible", true));
    if (m->flags & ALIGN_MEMBER_ATOMIC_UNALIGNED)
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("atomic_unaligned", true));
    if (m->flags & ALIGN_MEMBER_ATOMIC_UNALIGNED_INSIDE)
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("atomic_unaligned_inside", true));
    align_buf_puts(out, "}");
}

/* An element of "holes": bytes no member uses. */
static void hole(align_buf *out, const align_layout *l, size_t i)
{
    align_buf_puts(out, "{");
    ALIGN_JSON_MEMBERS(out, ALIGN_JU64("offset", l->holes[i].offset),
                       ALIGN_JU64("size", l->holes[i].size));
    align_buf_puts(out, "}");
}

/* An element of "bit_holes": bits no bit-field uses. */
static void bit_hole(align_buf *out, const align_layout *l, size_t i)
{
    align_buf_puts(out, "{");
    ALIGN_JSON_MEMBERS(out, ALIGN_JU64("bit_offset", l->bit_holes[i].bit_offset),
                       ALIGN_JU64("bit_size", l->bit_holes[i].bit_size));
    align_buf_puts(out, "}");
}

/* The elements of "optimal_order", "optimal_index", "unconstrained_index". */
static void optimal_name(align_buf *out, const align_layout *l, size_t i)
{
    align_buf_json_string(out, l->members[l->optimal_order[i]].name);
}

static void optimal_index(align_buf *out, const align_layout *l, size_t i)
{
    align_buf_printf(out, "%zu", l->optimal_order[i]);
}

static void unconstrained_index(align_buf *out, const align_layout *l, size_t i)
{
    align_buf_printf(out, "%zu", l->unconstrained_order[i]);
}

/* An element of "atomic_unaligned_fields" (Go on 386 and arm): a 64-bit
 * integer sync/atomic cannot use where it sits. */
static void atomic_field(align_buf *out, const align_layout *l, size_t i)
{
    const align_atomic_field *f = &l->atomic_unaligned[i];
    align_buf_puts(out, "{");
    ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("path", text(f->path)),
                       ALIGN_JSTR("type", text(f->type_name)), ALIGN_JU64("offset", f->offset));
    align_buf_puts(out, "}");
}

/* The smallest order, by name and by index, and what is known of it. */
static void optimal_keys(align_buf *out, const align_layout *l)
{
    array(out, "optimal_order", l->nmembers, optimal_name, l);
    array(out, "optimal_index", l->nmembers, optimal_index, l);
    ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("optimal_proven", l->optimal_proven));
    if (l->optimal_note)
        ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("optimal_note", l->optimal_note));
    if (l->align_inferred)
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("align_inferred", true));
    if (l->align_note)
        ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("align_note", l->align_note));
    if (l->order_fixed != ALIGN_ORDER_FREE)
        ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("order_fixed", align_order_fixed_name(l->order_fixed)));
}

/* Go: pointer bytes, the answer with every blank field free to move, and
 * the heap object of one instance under the graph's release. */
static void go_keys(align_buf *out, const align_layout *l)
{
    align_heap_cost c;
    char release[16];
    ALIGN_JSON_MEMBERS(out, ALIGN_JU64("ptrdata", l->ptrdata),
                       ALIGN_JU64("optimal_ptrdata", l->optimal_ptrdata),
                       ALIGN_JU64("unconstrained_size", l->unconstrained_size),
                       ALIGN_JU64("unconstrained_ptrdata", l->unconstrained_ptrdata));
    array(out, "unconstrained_index", l->nmembers, unconstrained_index, l);
    if (l->size == 0 || align_heap_cost_compute(&c, l, 1, 0) != 0)
        return;
    snprintf(release, sizeof release, "1.%u", c.now.release);
    align_buf_json_key(out, "heap");
    align_buf_puts(out, "{");
    ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("go", release), ALIGN_JU64("bytes", c.now.bytes),
                       ALIGN_JU64("malloc_header", c.now.header), ALIGN_JU64("pages", c.now.pages),
                       ALIGN_JU64("tiny_per_block", c.now.tiny_per_block),
                       ALIGN_JU64("optimal_bytes", c.optimal.bytes),
                       ALIGN_JU64("optimal_tiny_per_block", c.optimal.tiny_per_block),
                       ALIGN_JU64("saved", c.saved));
    align_buf_puts(out, "}");
}

void align_render_json(align_buf *out, const align_layout *l, const align_cost *cost)
{
    align_buf_puts(out, "{");
    ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("name", text(l->name)),
                       ALIGN_JSTR("lang", align_lang_name(l->lang)),
                       ALIGN_JSTR("arch", align_arch_name(l->arch)),
                       ALIGN_JSTR("kind", l->kind == ALIGN_KIND_UNION ? "union" : "struct"),
                       ALIGN_JU64("size", l->size), ALIGN_JU64("align", l->align));
    array(out, "fields", l->nmembers, field, l);
    array(out, "holes", l->nholes, hole, l);
    array(out, "bit_holes", l->nbit_holes, bit_hole, l);
    ALIGN_JSON_MEMBERS(
        out, ALIGN_JU64("tail_padding", l->tail_padding), ALIGN_JU64("padding", l->padding),
        ALIGN_JU64("intentional_padding", l->intentional_padding),
        ALIGN_JU64("sum_members", l->sum_members), ALIGN_JU64("cachelines", l->ncachelines),
        ALIGN_JU64("optimal_size", l->optimal_size), ALIGN_JU64("reclaimable", l->reclaimable));
    optimal_keys(out, l);
    if (l->lang == ALIGN_LANG_GO)
        go_keys(out, l);
    if (align_abi_atomic64_unaligned(align_abi_get(l->lang, l->arch))) {
        ALIGN_JSON_MEMBERS(out, ALIGN_JU64("atomic_unaligned", l->natomic_unaligned));
        array(out, "atomic_unaligned_fields", l->natomic_unaligned, atomic_field, l);
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("atomic_truncated", l->atomic_truncated));
    }
    if (l->model_agrees >= 0) {
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("model_agrees", l->model_agrees));
        if (!l->model_agrees)
            ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("model_mismatch", text(l->mismatch)));
    }
    if (!l->positions_valid)
        ALIGN_JSON_MEMBERS(out, ALIGN_JBOOL("positions_valid", false),
                           ALIGN_JSTR("invalid", text(l->invalid)));
    if (l->type->pos.file && l->type->pos.line)
        ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("decl_file", l->type->pos.file),
                           ALIGN_JU64("decl_line", l->type->pos.line));
    if (l->type->label_local && strrchr(l->type->label, '.') != NULL) {
        /* Go, named after a function's local variable "pkg.F.v": the
         * function, and how many other variables have the struct */
        align_buf fn;
        align_buf_init(&fn);
        align_buf_printf(&fn, "%.*s", (int)(strrchr(l->type->label, '.') - l->type->label),
                         l->type->label);
        out->failed |= fn.failed;
        if (!fn.failed)
            ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("local_var_of", fn.data),
                               ALIGN_JU64("other_vars", l->type->label_shared));
        align_buf_free(&fn);
    } else if (l->type->label != NULL && l->type->label_of == NULL && l->type->label_shared > 0) {
        /* Go, named after the first of several package variables */
        ALIGN_JSON_MEMBERS(out, ALIGN_JU64("other_vars", l->type->label_shared));
    }
    if (cost)
        ALIGN_JSON_MEMBERS(out, ALIGN_JU64("count", cost->count),
                           ALIGN_JU64("bytes_now", cost->bytes_now),
                           ALIGN_JU64("bytes_optimal", cost->bytes_optimal),
                           ALIGN_JU64("bytes_saved", cost->bytes_saved));
    align_buf_puts(out, "}");
}
