/*
 * rows.c - audit's one collection pass: every selected struct and union of
 * a binary laid out once, reduced to a row, with the totals every output
 * format reports.  Text, JSON and CSV (audit.c) and SARIF (sarif.c) render
 * from these rows, so they cannot disagree on which types were looked at,
 * what each saves, or what the gates see.
 *
 * Workload: cmd/go carries ~3,000 struct types; a large service 10-50k.  A
 * row is about 100 bytes and holds no layout (a layout is freed as soon as
 * its row is taken), so memory stays at the graph plus the rows; renderers
 * lay out again only the types they show.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static bool rows_push(audit_rows *r, const audit_row *row)
{
    if (align_vec_push((void **)&r->rows, &r->n, &r->cap, sizeof *r->rows, 256, row) < 0) {
        usage_error(NULL, "out of memory");
        return false;
    }
    return true;
}

int audit_row_heap_cost(align_heap_cost *c, const align_layout *l, const audit_row *r)
{
    return align_heap_cost_compute(c, l, r->count, r->heap && !r->heap->objects);
}

static bool in_scope(const audit_scope *s, align_lang lang, const char *name)
{
    if (!pattern_list_match(s->filters, s->nfilters, name))
        return false;
    return !(s->no_compiler_types && lang == ALIGN_LANG_GO && is_compiler_type(name));
}

/* The row of one laid-out type, its totals added to r.  false (printed)
 * on a failure that ends the audit. */
static bool take_row(audit_rows *r, const audit_scope *s, const align_layout *l, align_graph *g,
                     const align_type *t, const char *name, bool check_atomic)
{
    audit_row row;
    align_cost cost;

    if (align_cost_compute(&cost, l, count_table_get(s->counts, name)) < 0) {
        print_lib_error(NULL, 0);
        return false;
    }
    memset(&row, 0, sizeof row);
    row.g = g;
    row.t = t;
    row.name = name;
    row.size = l->size;
    row.optimal_size = l->optimal_size;
    row.count = cost.count;
    row.waste = cost.bytes_saved;
    row.model_agrees = l->model_agrees;
    row.invalid = !l->positions_valid;
    /* Linker- and compiler-made types are no one's to move (their runtime
     * originals are checked under their own names). */
    row.atomic_checked = check_atomic && l->order_fixed != ALIGN_ORDER_GO_LINKER &&
                         l->order_fixed != ALIGN_ORDER_GO_COMPILER;
    row.natomic = row.atomic_checked ? l->natomic_unaligned : 0;
    r->ntypes++;
    r->nfixed[l->order_fixed]++;
    /* An inconsistent layout is its own finding, not the model's. */
    if (l->model_agrees == 0 && l->positions_valid) {
        r->nmismatch++;
        if (l->lang == ALIGN_LANG_GO)
            r->nmismatch_go++;
    }
    if (row.invalid && r->ninvalid++ == 0)
        r->first_invalid = name;
    if (s->join != NULL && l->lang == ALIGN_LANG_GO)
        row.heap = align_heap_join_find(s->join, t);
    if (row.heap != NULL) {
        align_heap_cost hc;
        if (audit_row_heap_cost(&hc, l, &row) < 0) {
            print_lib_error(NULL, 0);
            return false;
        }
        row.heap_saved = hc.saved_total;
        r->nheap++;
        if (__builtin_add_overflow(r->heap_total, row.heap_saved, &r->heap_total))
            r->heap_overflow = true;
    }
    if (s->measure != NULL && l->lang == ALIGN_LANG_GO)
        row.measured = measure_find(s->measure, t);
    if (row.measured != NULL) {
        measure_cost_t mc;
        if (measure_cost(&mc, s->measure, row.measured, l) < 0) {
            print_lib_error(NULL, 0);
            return false;
        }
        row.measured_saved = mc.saved;
        row.sample = s->measure->sample;
        r->nmeasured++;
        if (__builtin_add_overflow(r->measured_total, row.measured_saved, &r->measured_total))
            r->measured_total = UINT64_MAX;
    }
    if (row.waste > 0)
        r->nwasteful++;
    if (__builtin_add_overflow(r->total, row.waste, &r->total))
        r->total_overflow = true;
    r->natomic += row.natomic;
    return rows_push(r, &row);
}

int audit_rows_collect(audit_rows *r, align_binary *bin, const audit_scope *s)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, s->cacheline};
    align_arch arch = align_binary_info_get(bin)->arch;

    memset(r, 0, sizeof *r);
    for (int li = 0; li < 2; li++) {
        align_lang lang = li == 0 ? ALIGN_LANG_GO : ALIGN_LANG_C;
        align_graph *g = align_binary_graph(bin, lang);
        bool check_atomic;
        if (g == NULL || (s->lang_set && s->lang != lang))
            continue;
        check_atomic = atomic_check_on(s->check_atomic == 1, s->check_atomic == 2, lang, arch);
        r->atomic_on = r->atomic_on || check_atomic;
        for (size_t i = 0; i < align_graph_ndecls(g); i++) {
            const align_type *t = align_graph_decl(g, i);
            const char *name = type_name_of(t);
            align_layout *l;
            bool ok;
            count_table_touch(s->counts, name);
            if (!in_scope(s, lang, name))
                continue;
            if (source_marker(s->src, lang, name, align_type_pos(t)) != 0) {
                r->nsilenced++; /* structalign:ignore: the order is meant */
                continue;
            }
            if (align_layout_compute(&l, g, t, &lo) < 0) {
                /* One type we cannot lay out must not hide the others. */
                fprintf(stderr, "%s: warning: %s: %s\n", s->binary, name,
                        align_error_last()->message);
                continue;
            }
            ok = take_row(r, s, l, g, t, name, check_atomic);
            align_layout_free(l);
            if (!ok)
                return EXIT_BAD;
        }
    }
    if (r->total_overflow || r->heap_overflow) {
        fprintf(stderr,
                "%s: error: the total %s over the selected types exceeds 2^64-1 bytes "
                "(16 EiB): it cannot be reported exactly\n",
                s->binary, r->total_overflow ? "of bytes saved" : "of heap bytes saved");
        fprintf(stderr, "hint: check the --count values (each type's saving fits; their sum "
                        "does not), or narrow the audit with --filter\n");
        return EXIT_BAD;
    }
    if (!count_table_check_unused(s->counts, s->strict))
        return EXIT_BAD;
    return EXIT_OK;
}

void audit_rows_free(audit_rows *r)
{
    free(r->rows);
    memset(r, 0, sizeof *r);
}
