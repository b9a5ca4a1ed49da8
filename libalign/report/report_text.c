/*
 * report_text.c - a layout as people read it: the `ptype /o` shape GDB users
 * know, with pahole's hole and padding lines, then one summary line, the
 * optimal order, and the cost at the given instance count.
 *
 * report/ turns layouts into text (this file) and JSON (report_json.c);
 * nothing in it decides a number.
 *
 * Who calls it: `structalign calc` and `show`, and the debugger plugin (which
 * adds live values itself, line by line, from the same layout).  Output is
 * plain ASCII; every number carries its unit.
 */
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void offset_col(align_buf *out, const align_render_opts *o, const align_member *m)
{
    if (m->flags & ALIGN_MEMBER_BITFIELD) {
        /* As pahole: the offset of the storage unit of the declared type
         * that holds the field, then the bit within it (`32:16`); a field
         * crossing its unit (packed) as byte:bit of its first bit. */
        uint64_t unit = m->bit_offset / 8;
        unsigned bit = (unsigned)(m->bit_offset % 8);
        if (m->size > 0 && m->size <= 16) {
            uint64_t u = m->bit_offset / (m->size * 8) * m->size;
            if (m->bit_offset + m->bit_size <= (u + m->size) * 8) {
                unit = u;
                bit = (unsigned)(m->bit_offset - u * 8);
            }
        }
        if (o && o->hex_offsets)
            align_buf_printf(out, "/* 0x%04llx:%2u", (unsigned long long)unit, bit);
        else
            align_buf_printf(out, "/* %6llu:%2u", (unsigned long long)unit, bit);
    } else if (o && o->hex_offsets) {
        align_buf_printf(out, "/*    0x%04llx", (unsigned long long)m->offset);
    } else {
        align_buf_printf(out, "/* %9llu", (unsigned long long)m->offset);
    }
    align_buf_printf(out, " | %5llu */    ", (unsigned long long)m->size);
}

static void c_declarator(align_buf *out, const align_type *t, const char *name, int expand,
                         unsigned depth);

static void qual_words(align_buf *out, unsigned q, bool atomic)
{
    if (q & ALIGN_QUAL_CONST)
        align_buf_puts(out, "const ");
    if (q & ALIGN_QUAL_VOLATILE)
        align_buf_puts(out, "volatile ");
    if (q & ALIGN_QUAL_RESTRICT)
        align_buf_puts(out, "restrict ");
    if (atomic)
        align_buf_puts(out, "_Atomic ");
}

/* The attributes a record's own layout needs when declared anew: packed,
 * aligned(N) (DW_AT_alignment, or inferred), both.  natural: the
 * alignment its members give it (aligned(N) no larger says nothing). */
static void record_attrs(char *attr, size_t n, const align_type *rt, uint32_t natural,
                         uint32_t align)
{
    attr[0] = '\0';
    if (rt->packed && (rt->aligned > 1 || align > 1))
        snprintf(attr, n, "__attribute__((packed, aligned(%u)))",
                 rt->aligned > 1 ? rt->aligned : align);
    else if (rt->packed)
        snprintf(attr, n, "__attribute__((packed))");
    else if (rt->aligned > 1 && rt->aligned > natural)
        snprintf(attr, n, "__attribute__((aligned(%u)))", rt->aligned);
}

/* The attributes of one member as GCC needs them to put it where the model
 * does: aligned(N) (DW_AT_alignment, inferred, or #pragma pack's per-member
 * bound) and packed on a member of a record that is not packed. */
static void member_attrs(align_buf *out, const align_type *rec, const align_field *f)
{
    bool packed = f->packed && !rec->packed && !f->is_bitfield;
    if (f->aligned != 0)
        align_buf_printf(out, " __attribute__((%saligned(%u)))", packed ? "packed, " : "",
                         f->aligned);
    else if (packed)
        align_buf_puts(out, " __attribute__((packed))");
}

/* One field of rec, declared: `T name[3] __attribute__((aligned(8)));`. */
static void c_field(align_buf *out, const align_type *rec, const align_field *f, unsigned depth)
{
    c_declarator(out, f->type, f->name ? f->name : "", 1, depth + 1);
    if (f->is_bitfield)
        align_buf_printf(out, " : %u", f->bit_size);
    member_attrs(out, rec, f);
    align_buf_puts(out, ";");
}

/* An anonymous record spelled out, `struct { int a; char b; }`, with the
 * attributes its layout needs (which DWARF gives or inference found). */
static void c_record_body(align_buf *out, const align_type *rec, unsigned depth)
{
    char attr[64];
    uint32_t natural = 1;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        const align_type *u = align_type_resolve(rec->fields[i].type);
        /* the largest alignment a member asks for itself */
        if (rec->fields[i].aligned > natural)
            natural = rec->fields[i].aligned;
        (void)u;
    }
    record_attrs(attr, sizeof attr, rec, natural, rec->aligned);
    align_buf_printf(out, "%s %s%s{", rec->kind == ALIGN_KIND_UNION ? "union" : "struct", attr,
                     attr[0] ? " " : "");
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_buf_puts(out, " ");
        c_field(out, rec, &rec->fields[i], depth);
    }
    if (rec->nfields == 0 && rec->given_size > 0)
        align_buf_printf(out, " unsigned char members_unknown[%lld];", (long long)rec->given_size);
    align_buf_puts(out, rec->nfields || rec->given_size > 0 ? " }" : "}");
}

/* C: `T name` as C declares it, built from the type graph: arrays after
 * the name (`char name[13]`), the name inside a pointer to function
 * (`int (*cb)(void *, int)`) or to an array (`int (*p)[3]`), qualifiers
 * where they apply (`const char *p`, `char *const p`, `volatile int x[4]`,
 * `int *_Atomic a`).  expand: an anonymous record is spelled out with its
 * members (a declaration to paste), else shown as `struct {...}`. */
static void c_declarator(align_buf *out, const align_type *t, const char *name, int expand,
                         unsigned depth)
{
    align_buf mid, tmp;
    unsigned base_q = 0, ptr_q = 0;
    bool base_atomic = false, ptr_atomic = false;
    align_buf_init(&mid);
    align_buf_puts(&mid, name);
    for (unsigned i = 0; t != NULL && i < 256; i++) {
        if (t->kind == ALIGN_KIND_NAMED && (t->quals != 0 || t->atomic)) {
            /* Qualifiers of a pointer follow its star; any other's
             * (arrays: their elements') come before the specifier. */
            const align_type *u = t;
            for (unsigned k = 0; u != NULL && k < 256 && u->kind == ALIGN_KIND_NAMED &&
                                 (u->quals != 0 || u->atomic);
                 k++)
                u = u->target;
            if (u != NULL && u->kind == ALIGN_KIND_POINTER) {
                ptr_q |= t->quals;
                ptr_atomic = ptr_atomic || t->atomic;
            } else {
                base_q |= t->quals;
                base_atomic = base_atomic || t->atomic;
            }
            t = t->target;
            continue;
        }
        if (t->kind == ALIGN_KIND_POINTER && t->target != NULL) {
            align_buf_init(&tmp);
            align_buf_puts(&tmp, "*");
            if (ptr_q || ptr_atomic) {
                qual_words(&tmp, ptr_q, ptr_atomic);
                if (mid.len == 0)
                    tmp.len--, tmp.data[tmp.len] = '\0'; /* no trailing space */
            }
            align_buf_puts(&tmp, mid.data ? mid.data : "");
            align_buf_free(&mid);
            mid = tmp;
            ptr_q = 0;
            ptr_atomic = false;
            t = t->target;
            continue;
        }
        if (t->kind == ALIGN_KIND_ARRAY && !t->vector && t->target != NULL) {
            align_buf_init(&tmp);
            if (mid.len && mid.data[0] == '*')
                align_buf_printf(&tmp, "(%s)", mid.data);
            else
                align_buf_puts(&tmp, mid.data ? mid.data : "");
            if (t->count == ALIGN_FLEXIBLE)
                align_buf_puts(&tmp, "[]");
            else
                align_buf_printf(&tmp, "[%llu]", (unsigned long long)t->count);
            align_buf_free(&mid);
            mid = tmp;
            t = t->target;
            continue;
        }
        break;
    }
    if (t != NULL && t->kind == ALIGN_KIND_FUNC) {
        /* Shown "RET (*)(ARGS)": the declarator goes where "*" is.  RET
         * may itself be a pointer to function ("void (*)(void) (*)(int)"):
         * the function's declarator then goes in RET's place for a name,
         * `void (*(*fpa[2])(int))(void)`. */
        const char *disp = t->display, *star = NULL, *ret_star;
        for (const char *q = strstr(disp, "(*)"); q != NULL; q = strstr(q + 1, "(*)"))
            star = q;
        if (star != NULL && mid.len && mid.data[0] == '*') {
            int rlen = (int)(star - disp);
            while (rlen > 0 && disp[rlen - 1] == ' ')
                rlen--;
            qual_words(out, base_q, base_atomic);
            ret_star = strstr(disp, "(*)");
            if (ret_star != NULL && ret_star < star)
                align_buf_printf(out, "%.*s(*(%s)%s)%.*s", (int)(ret_star - disp), disp, mid.data,
                                 star + 3, rlen - (int)(ret_star + 3 - disp), ret_star + 3);
            else
                align_buf_printf(out, "%.*s%s(%s)%s", rlen, disp, rlen ? " " : "", mid.data,
                                 star + 3);
            align_buf_free(&mid);
            return;
        }
    }
    if (t != NULL && t->kind == ALIGN_KIND_NAMED && t->target != NULL &&
        strcmp(t->display, "enum {...}") == 0)
        t = t->target; /* an anonymous enum has no name: its integer type */
    qual_words(out, base_q, base_atomic);
    if (t == NULL) {
        align_buf_puts(out, "void");
    } else if (expand && depth < 16 &&
               (t->kind == ALIGN_KIND_STRUCT || t->kind == ALIGN_KIND_UNION) && t->name == NULL &&
               strchr(t->display, '{') != NULL && t->complete) {
        c_record_body(out, t, depth);
    } else {
        align_buf_puts(out, t->display);
    }
    if (mid.len)
        align_buf_printf(out, " %s", mid.data);
    align_buf_free(&mid);
}

/* The member as declared: decl_text when the parser kept it, else built.
 * decl: for a declaration to paste (anonymous records spelled out, the
 * member's attributes added), else as the listing shows it. */
static void member_text(align_buf *out, const align_layout *l, const align_member *m, bool decl)
{
    if (m->decl_text != NULL) {
        align_buf_puts(out, m->decl_text);
    } else if (l->lang == ALIGN_LANG_GO) {
        if (m->flags & ALIGN_MEMBER_EMBEDDED)
            align_buf_puts(out, m->type_name);
        else
            align_buf_printf(out, "%s %s", m->name, m->type_name);
    } else if (m->type != NULL) {
        const align_type *rt = l->type != NULL ? align_type_resolve(l->type) : NULL;
        c_declarator(out, m->type, m->name, decl, 0);
        if (m->flags & ALIGN_MEMBER_BITFIELD)
            align_buf_printf(out, " : %u", m->bit_size);
        if (decl && rt != NULL && m->index < rt->nfields)
            member_attrs(out, rt, &rt->fields[m->index]);
    } else {
        align_buf_printf(out, "%s%s%s", m->type_name, m->name[0] ? " " : "", m->name);
        if (m->flags & ALIGN_MEMBER_BITFIELD)
            align_buf_printf(out, " : %u", m->bit_size);
    }
    if (l->lang == ALIGN_LANG_C)
        align_buf_puts(out, ";");
}

static void hole_line(align_buf *out, uint64_t n, const char *what)
{
    align_buf_printf(out, "/* XXX %3llu-%s %s */\n", (unsigned long long)n,
                     strcmp(what, "bit hole") == 0 ? "bit" : "byte", what);
}

static int cmp_member_pos(const void *pa, const void *pb)
{
    const align_member *a = *(const align_member *const *)pa;
    const align_member *b = *(const align_member *const *)pb;
    uint64_t x = a->offset * 8 + (a->flags & ALIGN_MEMBER_BITFIELD ? a->bit_offset % 8 : 0);
    uint64_t y = b->offset * 8 + (b->flags & ALIGN_MEMBER_BITFIELD ? b->bit_offset % 8 : 0);
    if (x != y)
        return x < y ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void alloc_words(align_buf *out, const align_go_alloc *a)
{
    if (a->pages)
        align_buf_printf(out, "%llu bytes (%llu pages)", (unsigned long long)a->bytes,
                         (unsigned long long)a->pages);
    else if (a->tiny)
        align_buf_printf(out, "%u per %u-byte tiny block", a->tiny_per_block, ALIGN_GO_TINY_SIZE);
    else
        align_buf_printf(out, "%llu bytes", (unsigned long long)a->bytes);
    if (a->header)
        align_buf_printf(out, " with its %u-byte malloc header", a->header);
}

/* What one heap object costs now and in the smallest order, in the
 * allocator of the layout's Go release (heap.c). */
static void heap_line(align_buf *out, const align_layout *l)
{
    align_heap_cost c;
    if (l->size == 0 || align_heap_cost_compute(&c, l, 1, 0) < 0)
        return;
    align_buf_printf(out, "/* heap object (go1.%u): ", c.now.release);
    alloc_words(out, &c.now);
    if (l->optimal_size < l->size) {
        align_buf_puts(out, "; reordered: ");
        alloc_words(out, &c.optimal);
        if (c.saved)
            align_buf_printf(out, ", %llu bytes saved", (unsigned long long)c.saved);
        else if (!c.now.tiny)
            align_buf_puts(out, ", the same size class");
    }
    align_buf_puts(out, " */\n");
}

/* What a Go blank field is for, as the optimizer kept it (optimize.c). */
static const char *blank_comment(const align_member *m)
{
    if (m->flags & ALIGN_MEMBER_BLANK_FENCE)
        return "  /* cache-line padding, kept in place */";
    if (m->flags & ALIGN_MEMBER_BLANK_KEEPS_OFFSET)
        return "  /* intentional padding, kept at its offset */";
    if (m->size == 0)
        return "  /* zero-size marker: moves */";
    return "  /* intentional padding */";
}

/* The title, the column heads and the members in offset order, with the
 * holes, bit holes, cache-line boundaries and tail padding between them. */
static void render_members(align_buf *out, const align_layout *l, const align_render_opts *o)
{
    size_t hi = 0, bi = 0;
    uint64_t next_line = l->cacheline;
    const align_member **byoff = malloc((l->nmembers ? l->nmembers : 1) * sizeof *byoff);
    bool is_union = l->kind == ALIGN_KIND_UNION;

    if (byoff == NULL) {
        out->failed = 1;
        return;
    }
    for (size_t i = 0; i < l->nmembers; i++)
        byoff[i] = &l->members[i];
    if (!is_union)
        qsort(byoff, l->nmembers, sizeof *byoff, cmp_member_pos);

    if (l->lang == ALIGN_LANG_C && l->type != NULL && l->type->label != NULL)
        /* an anonymous record, by its enclosing type and field */
        align_buf_printf(out, "%s {...} %s  (%s/%s)\n", is_union ? "union" : "struct", l->name,
                         align_lang_name(l->lang), align_arch_name(l->arch));
    else if (l->lang == ALIGN_LANG_C && l->type != NULL && align_type_name(l->type) == NULL &&
             strchr(l->name, '{') == NULL && strchr(l->name, ' ') == NULL)
        /* `typedef struct {...} T;`: T is its only name */
        align_buf_printf(out, "%s  (%s/%s)\n", l->name, align_lang_name(l->lang),
                         align_arch_name(l->arch));
    else if (l->lang == ALIGN_LANG_C && strchr(l->name, '{') != NULL)
        /* an anonymous record: "struct {...}" says it all */
        align_buf_printf(out, "%s  (%s/%s)\n", l->name, align_lang_name(l->lang),
                         align_arch_name(l->arch));
    else
        align_buf_printf(out, "%s %s  (%s/%s)\n", is_union ? "union" : "struct", l->name,
                         align_lang_name(l->lang), align_arch_name(l->arch));
    align_buf_puts(out,
                   o && o->hex_offsets ? "/*   offset |  size */\n" : "/*    offset |  size */\n");
    for (size_t k = 0; k < l->nmembers; k++) {
        const align_member *m = byoff[k];
        uint64_t pos = m->flags & ALIGN_MEMBER_BITFIELD ? m->bit_offset : m->offset * 8;
        while (bi < l->nbit_holes && l->bit_holes[bi].bit_offset < pos &&
               (hi >= l->nholes || l->bit_holes[bi].bit_offset < l->holes[hi].offset * 8)) {
            hole_line(out, l->bit_holes[bi].bit_size, "bit hole");
            bi++;
        }
        while (hi < l->nholes && l->holes[hi].offset * 8 < pos) {
            while (bi < l->nbit_holes && l->bit_holes[bi].bit_offset < l->holes[hi].offset * 8) {
                hole_line(out, l->bit_holes[bi].bit_size, "bit hole");
                bi++;
            }
            hole_line(out, l->holes[hi].size, "hole");
            hi++;
        }
        while (bi < l->nbit_holes && l->bit_holes[bi].bit_offset < pos) {
            hole_line(out, l->bit_holes[bi].bit_size, "bit hole");
            bi++;
        }
        if (o && o->cachelines && !is_union && l->cacheline && m->offset >= next_line) {
            while (m->offset >= next_line + l->cacheline)
                next_line += l->cacheline;
            align_buf_printf(out, "/* --- cacheline %llu boundary (%llu bytes) --- */\n",
                             (unsigned long long)(next_line / l->cacheline),
                             (unsigned long long)next_line);
            next_line += l->cacheline;
        }
        offset_col(out, o, m);
        member_text(out, l, m, false);
        if (m->flags & ALIGN_MEMBER_BLANK)
            align_buf_puts(out, blank_comment(m));
        if (m->flags & ALIGN_MEMBER_CROSSES_LINE)
            align_buf_puts(out, "  /* crosses a cache line */");
        align_buf_puts(out, "\n");
    }
    for (; hi < l->nholes; hi++)
        hole_line(out, l->holes[hi].size, "hole");
    for (; bi < l->nbit_holes; bi++)
        hole_line(out, l->bit_holes[bi].bit_size, "bit hole");
    if (l->tail_padding)
        hole_line(out, l->tail_padding, "padding");
    free(byoff);
}

/* The size line (and Go's pointer bytes). */
static void render_summary(align_buf *out, const align_layout *l)
{
    align_buf_printf(out,
                     "/* size: %llu bytes, align: %u, members: %llu bytes, "
                     "padding: %llu bytes in %zu hole%s + %llu tail",
                     (unsigned long long)l->size, l->align, (unsigned long long)l->sum_members,
                     (unsigned long long)l->padding, l->nholes, l->nholes == 1 ? "" : "s",
                     (unsigned long long)l->tail_padding);
    if (l->nbit_holes) {
        uint64_t bits = 0;
        for (size_t i = 0; i < l->nbit_holes; i++)
            bits += l->bit_holes[i].bit_size;
        align_buf_printf(out, ", %llu unused bits", (unsigned long long)bits);
    }
    if (l->intentional_padding)
        align_buf_printf(out, ", %llu bytes of _ fields",
                         (unsigned long long)l->intentional_padding);
    if (l->cacheline)
        align_buf_printf(out, ", %llu cache line%s", (unsigned long long)l->ncachelines,
                         l->ncachelines == 1 ? "" : "s");
    align_buf_puts(out, " */\n");
    if (l->lang == ALIGN_LANG_GO)
        align_buf_printf(out, "/* pointer bytes: %llu */\n", (unsigned long long)l->ptrdata);
}

/* Go: the blank fields kept in place that cost bytes, and the size
 * without keeping them (align_layout.unconstrained_size). */
static void render_blank_cost(align_buf *out, const align_layout *l)
{
    size_t k = 0;
    if (l->lang != ALIGN_LANG_GO || l->unconstrained_size >= l->optimal_size)
        return;
    align_buf_puts(out, "/* held back by blank fields kept in place:");
    for (size_t i = 0; i < l->nmembers; i++) {
        const align_member *m = &l->members[i];
        if (!(m->flags & ALIGN_MEMBER_BLANK_CONSTRAINS))
            continue;
        align_buf_printf(out, "%s _ %s at offset %llu (%s)", k++ ? "," : "", m->type_name,
                         (unsigned long long)m->offset,
                         m->flags & ALIGN_MEMBER_BLANK_FENCE ? "cache-line padding"
                                                             : "explicit offset");
    }
    if (k == 0)
        align_buf_puts(out, " several together");
    align_buf_printf(out,
                     "; with every blank field free to move: %llu bytes, %llu more "
                     "reclaimable */\n",
                     (unsigned long long)l->unconstrained_size,
                     (unsigned long long)(l->optimal_size - l->unconstrained_size));
}

/* What the smallest order gains, or why there is none. */
static void render_optimal(align_buf *out, const align_layout *l)
{
    if (!l->positions_valid) {
        align_buf_printf(out,
                         "/* INCONSISTENT: %s; the debug information cannot be right, "
                         "so no order is suggested */\n",
                         l->invalid);
    } else if (l->order_fixed != ALIGN_ORDER_FREE) {
        align_buf_printf(out, "/* order kept: %s */\n", l->optimal_note);
    } else if (l->reclaimable > 0) {
        align_buf_printf(out, "/* optimal: %llu bytes, %llu reclaimable (%.1f%%)",
                         (unsigned long long)l->optimal_size, (unsigned long long)l->reclaimable,
                         100.0 * (double)l->reclaimable / (double)l->size);
        if (l->lang == ALIGN_LANG_GO)
            align_buf_printf(out, ", pointer bytes %llu", (unsigned long long)l->optimal_ptrdata);
        align_buf_puts(out, " */\n");
    } else if (l->lang == ALIGN_LANG_GO && l->optimal_ptrdata < l->ptrdata) {
        align_buf_printf(out, "/* optimal: same size, pointer bytes %llu instead of %llu */\n",
                         (unsigned long long)l->optimal_ptrdata, (unsigned long long)l->ptrdata);
    } else {
        align_buf_printf(out, "/* already optimal: no order is smaller%s */\n",
                         l->optimal_proven ? "" : " than this one found");
    }
    if (l->optimal_note && (l->reclaimable > 0 || l->optimal_ptrdata < l->ptrdata))
        align_buf_printf(out, "/* note: %s */\n", l->optimal_note);
    render_blank_cost(out, l);
    if (l->align_note)
        align_buf_printf(out, "/* note: %s */\n", l->align_note);
}

/* The cost line at the instance count. */
static void render_cost(align_buf *out, const align_cost *cost)
{
    char a[64], b[64];
    char count[32];
    align_format_count(count, sizeof count, cost->count);
    align_format_bytes(a, sizeof a, cost->bytes_now);
    align_format_bytes(b, sizeof b, cost->bytes_optimal);
    align_buf_printf(out, "%s instances: %s now, %s optimal, ", count, a, b);
    align_format_bytes(a, sizeof a, cost->bytes_saved);
    align_buf_printf(out, "%s saved", a);
    if (cost->bytes_saved >= 1024)
        align_buf_printf(out, " (%llu bytes)", (unsigned long long)cost->bytes_saved);
    align_buf_puts(out, "\n");
}

void align_render_text(align_buf *out, const align_layout *l, const align_render_opts *o)
{
    render_members(out, l, o);
    render_summary(out, l);
    render_optimal(out, l);
    if (o && o->heap && l->lang == ALIGN_LANG_GO)
        heap_line(out, l);
    if (o && o->cost)
        render_cost(out, o->cost);
    if (o && o->show_optimal && (l->reclaimable > 0 || l->optimal_ptrdata < l->ptrdata)) {
        if (l->lang == ALIGN_LANG_GO)
            align_buf_printf(out, "\n// Suggested order (%llu bytes):\n",
                             (unsigned long long)l->optimal_size);
        else
            align_buf_printf(out, "\n/* Suggested order (%llu bytes): */\n",
                             (unsigned long long)l->optimal_size);
        if (l->lang == ALIGN_LANG_GO)
            align_render_decl_go(out, l, NULL, o->go_decl);
        else
            align_render_decl(out, l);
    }
    if (o && o->show_optimal && l->lang == ALIGN_LANG_GO &&
        l->unconstrained_size < l->optimal_size) {
        /* What the blank fields kept in place cost, as an order to paste
         * once the user knows they are not needed where they are. */
        align_buf_printf(out,
                         "\n// With every blank field free to move (%llu bytes; "
                         "check what they are for first):\n",
                         (unsigned long long)l->unconstrained_size);
        align_render_decl_go(out, l, l->unconstrained_order, o->go_decl);
    }
}

void align_render_decl(align_buf *out, const align_layout *l)
{
    bool is_union = l->kind == ALIGN_KIND_UNION;
    if (l->lang == ALIGN_LANG_GO) {
        align_render_decl_go(out, l, NULL, NULL);
        return;
    }
    const char *disp = align_type_display(l->type);
    const char *kw = is_union ? "union" : "struct";
    /* "struct packet" is a tag; "struct {...}" (a debugger's name for an
     * anonymous record) is not: it is declared through its typedef. */
    bool tagged =
        strncmp(disp, kw, strlen(kw)) == 0 && disp[strlen(kw)] == ' ' && strchr(disp, '{') == NULL;
    /* An anonymous record no typedef names (a member's type) has no name
     * to declare: its body alone. */
    bool unnamed =
        !tagged && (strchr(l->name, '{') != NULL || (l->type != NULL && l->type->label != NULL));
    if (tagged)
        align_buf_printf(out, "%s {\n", disp);
    else
        align_buf_printf(out, "%s%s {\n", unnamed ? "" : "typedef ", kw);
    for (size_t k = 0; k < l->nmembers; k++) {
        const align_member *m = &l->members[l->optimal_order[k]];
        align_buf_puts(out, "    ");
        member_text(out, l, m, true);
        align_buf_puts(out, "\n");
    }
    if (l->nmembers == 0 && l->size > 0)
        /* DWARF lists no member (a transparent union): its bytes, so that
         * the declaration has the size and alignment read */
        align_buf_printf(out, "    unsigned char members_unknown[%llu]; /* DWARF lists none */\n",
                         (unsigned long long)l->size);
    /* The attributes that make the layout (DW_AT_alignment, or packed
     * inferred from the offsets): without them the pasted declaration
     * comes out at another size or alignment. */
    const align_type *rt = align_type_resolve(l->type);
    char attr[72] = "";
    /* A packed record aligned above 1 (aligned(N) on it, or #pragma
     * pack(N), which the model holds as aligned(min(natural, N)) on each
     * member) keeps that alignment: packed alone would paste as align 1. */
    if (rt != NULL) {
        uint32_t natural = 1; /* aligned(N) no larger than that says nothing */
        for (size_t i = 0; i < l->nmembers; i++)
            if (l->members[i].align > natural)
                natural = l->members[i].align;
        attr[0] = ' ';
        record_attrs(attr + 1, sizeof attr - 1, rt, natural, l->align);
        if (attr[1] == '\0')
            attr[0] = '\0';
    }
    if (tagged || unnamed)
        align_buf_printf(out, "}%s;\n", attr);
    else
        align_buf_printf(out, "}%s %s;\n", attr, l->name);
}
