/*
 * report_json.c - one layout as an element of the "types" array.
 *
 * The schema is a contract (structalign(1), JSON OUTPUT): other tools and our
 * differential test read it, so keys are only ever added, never renamed.
 * Written by hand rather than through a JSON library: the output side is a
 * few dozen keys of numbers and escaped strings, and a library would add a
 * dependency to libalign for that alone.
 */
#include "model/model.h"

#define U(x) ((unsigned long long)(x))

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
    align_buf_printf(out, ",\"intentional_padding\":true,\"blank\":\"%s\"", rule);
    if (m->flags & ALIGN_MEMBER_BLANK_CONSTRAINS)
        align_buf_puts(out, ",\"constrains_order\":true");
}

/* Go: the answer with every blank field free to move. */
static void unconstrained_keys(align_buf *out, const align_layout *l)
{
    align_buf_printf(out, ",\"unconstrained_size\":%llu,\"unconstrained_ptrdata\":%llu",
                     U(l->unconstrained_size), U(l->unconstrained_ptrdata));
    align_buf_puts(out, ",\"unconstrained_index\":[");
    for (size_t i = 0; i < l->nmembers; i++)
        align_buf_printf(out, "%s%zu", i ? "," : "", l->unconstrained_order[i]);
    align_buf_puts(out, "]");
}

void align_render_json(align_buf *out, const align_layout *l, const align_cost *cost)
{
    align_buf_puts(out, "{\"name\":");
    align_buf_json_string(out, l->name);
    align_buf_printf(out, ",\"lang\":\"%s\",\"arch\":\"%s\",\"kind\":\"%s\"",
                     align_lang_name(l->lang), align_arch_name(l->arch),
                     l->kind == ALIGN_KIND_UNION ? "union" : "struct");
    align_buf_printf(out, ",\"size\":%llu,\"align\":%u", U(l->size), l->align);
    align_buf_puts(out, ",\"fields\":[");
    for (size_t i = 0; i < l->nmembers; i++) {
        const align_member *m = &l->members[i];
        align_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
        align_buf_json_string(out, m->name);
        align_buf_puts(out, ",\"type\":");
        align_buf_json_string(out, m->type_name);
        align_buf_printf(out, ",\"offset\":%llu,\"size\":%llu,\"align\":%u", U(m->offset),
                         U(m->size), m->align);
        if (m->flags & ALIGN_MEMBER_BITFIELD)
            align_buf_printf(out, ",\"bit_offset\":%llu,\"bit_size\":%u", U(m->bit_offset),
                             m->bit_size);
        if (m->flags & ALIGN_MEMBER_EMBEDDED)
            align_buf_puts(out, ",\"embedded\":true");
        if (m->flags & ALIGN_MEMBER_BLANK)
            blank_keys(out, m);
        if (m->flags & ALIGN_MEMBER_FLEXIBLE)
            align_buf_puts(out, ",\"flexible\":true");
        if (m->flags & ALIGN_MEMBER_ATOMIC_UNALIGNED)
            align_buf_puts(out, ",\"atomic_unaligned\":true");
        if (m->flags & ALIGN_MEMBER_ATOMIC_UNALIGNED_INSIDE)
            align_buf_puts(out, ",\"atomic_unaligned_inside\":true");
        align_buf_puts(out, "}");
    }
    align_buf_puts(out, "],\"holes\":[");
    for (size_t i = 0; i < l->nholes; i++)
        align_buf_printf(out, "%s{\"offset\":%llu,\"size\":%llu}", i ? "," : "",
                         U(l->holes[i].offset), U(l->holes[i].size));
    align_buf_puts(out, "],\"bit_holes\":[");
    for (size_t i = 0; i < l->nbit_holes; i++)
        align_buf_printf(out, "%s{\"bit_offset\":%llu,\"bit_size\":%llu}", i ? "," : "",
                         U(l->bit_holes[i].bit_offset), U(l->bit_holes[i].bit_size));
    align_buf_printf(out, "],\"tail_padding\":%llu,\"padding\":%llu", U(l->tail_padding),
                     U(l->padding));
    align_buf_printf(out, ",\"intentional_padding\":%llu,\"sum_members\":%llu",
                     U(l->intentional_padding), U(l->sum_members));
    align_buf_printf(out, ",\"cachelines\":%llu", U(l->ncachelines));
    align_buf_printf(out, ",\"optimal_size\":%llu,\"reclaimable\":%llu", U(l->optimal_size),
                     U(l->reclaimable));
    align_buf_puts(out, ",\"optimal_order\":[");
    for (size_t i = 0; i < l->nmembers; i++) {
        if (i)
            align_buf_puts(out, ",");
        align_buf_json_string(out, l->members[l->optimal_order[i]].name);
    }
    align_buf_puts(out, "],\"optimal_index\":[");
    for (size_t i = 0; i < l->nmembers; i++)
        align_buf_printf(out, "%s%zu", i ? "," : "", l->optimal_order[i]);
    align_buf_printf(out, "],\"optimal_proven\":%s", l->optimal_proven ? "true" : "false");
    if (l->optimal_note) {
        align_buf_puts(out, ",\"optimal_note\":");
        align_buf_json_string(out, l->optimal_note);
    }
    if (l->align_inferred)
        align_buf_puts(out, ",\"align_inferred\":true");
    if (l->align_note) {
        align_buf_puts(out, ",\"align_note\":");
        align_buf_json_string(out, l->align_note);
    }
    if (l->order_fixed != ALIGN_ORDER_FREE)
        align_buf_printf(out, ",\"order_fixed\":\"%s\"", align_order_fixed_name(l->order_fixed));
    if (l->lang == ALIGN_LANG_GO) {
        align_buf_printf(out, ",\"ptrdata\":%llu,\"optimal_ptrdata\":%llu", U(l->ptrdata),
                         U(l->optimal_ptrdata));
        unconstrained_keys(out, l);
    }
    if (l->lang == ALIGN_LANG_GO && l->size > 0) {
        align_heap_cost c;
        if (align_heap_cost_compute(&c, l, 1, 0) == 0)
            align_buf_printf(out,
                             ",\"heap\":{\"go\":\"1.%u\",\"bytes\":%llu,\"malloc_header\":%u,"
                             "\"pages\":%llu,\"tiny_per_block\":%u,\"optimal_bytes\":%llu,"
                             "\"optimal_tiny_per_block\":%u,\"saved\":%llu}",
                             c.now.release, U(c.now.bytes), c.now.header, U(c.now.pages),
                             c.now.tiny_per_block, U(c.optimal.bytes), c.optimal.tiny_per_block,
                             U(c.saved));
    }
    if (align_abi_atomic64_unaligned(align_abi_get(l->lang, l->arch))) {
        align_buf_printf(out, ",\"atomic_unaligned\":%zu,\"atomic_unaligned_fields\":[",
                         l->natomic_unaligned);
        for (size_t i = 0; i < l->natomic_unaligned; i++) {
            const align_atomic_field *f = &l->atomic_unaligned[i];
            align_buf_puts(out, i ? ",{\"path\":" : "{\"path\":");
            align_buf_json_string(out, f->path);
            align_buf_puts(out, ",\"type\":");
            align_buf_json_string(out, f->type_name);
            align_buf_printf(out, ",\"offset\":%llu}", U(f->offset));
        }
        align_buf_printf(out, "],\"atomic_truncated\":%s", l->atomic_truncated ? "true" : "false");
    }
    if (l->model_agrees >= 0) {
        align_buf_printf(out, ",\"model_agrees\":%s", l->model_agrees ? "true" : "false");
        if (!l->model_agrees) {
            align_buf_puts(out, ",\"model_mismatch\":");
            align_buf_json_string(out, l->mismatch);
        }
    }
    if (!l->positions_valid) {
        align_buf_puts(out, ",\"positions_valid\":false,\"invalid\":");
        align_buf_json_string(out, l->invalid);
    }
    if (l->type->pos.file && l->type->pos.line) {
        align_buf_puts(out, ",\"decl_file\":");
        align_buf_json_string(out, l->type->pos.file);
        align_buf_printf(out, ",\"decl_line\":%u", l->type->pos.line);
    }
    if (cost)
        align_buf_printf(out,
                         ",\"count\":%llu,\"bytes_now\":%llu,\"bytes_optimal\":%llu,"
                         "\"bytes_saved\":%llu",
                         U(cost->count), U(cost->bytes_now), U(cost->bytes_optimal),
                         U(cost->bytes_saved));
    align_buf_puts(out, "}");
}
