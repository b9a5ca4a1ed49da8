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

/* Appends one elem-byte element to *array (align_vec_push); false
 * (printed) when out of memory. */
static bool push(void **array, size_t *n, size_t *cap, size_t elem, size_t first, const void *value)
{
    if (align_vec_push(array, n, cap, elem, first, value) < 0) {
        usage_error(NULL, "out of memory");
        return false;
    }
    return true;
}

static bool rows_push(audit_rows *r, const audit_row *row)
{
    return push((void **)&r->rows, &r->n, &r->cap, sizeof *row, 256, row);
}

int audit_row_heap_cost(align_heap_cost *c, const align_layout *l, const audit_row *r)
{
    return align_heap_cost_compute(c, l, r->count, r->heap && !r->heap->objects);
}

static bool in_scope(const audit_scope *s, align_lang lang, const align_type *t, const char *name)
{
    if (!pattern_list_match(s->filters, s->nfilters, name) || decl_excluded(t))
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
    /* heap_saved and the deep figures: carry_collect(), over every heap
     * type of the join. */
    if (row.heap != NULL)
        r->nheap++;
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
    row.public_api = public_api_of(t, s->keeps, s->nkeeps);
    if (row.public_api != NULL) {
        /* An ABI break is not a free saving: counted apart. */
        if (row.waste > 0)
            r->npublic++;
        if (__builtin_add_overflow(r->public_total, row.waste, &r->public_total))
            r->total_overflow = true;
    } else {
        if (row.waste > 0)
            r->nwasteful++;
        if (__builtin_add_overflow(r->total, row.waste, &r->total))
            r->total_overflow = true;
    }
    r->natomic += row.natomic;
    return rows_push(r, &row);
}

/* Rows by type, for carry_collect: sorted pointers. */
static int cmp_row_type(const void *a, const void *b)
{
    const audit_row *x = *(const audit_row *const *)a, *y = *(const audit_row *const *)b;
    return x->t < y->t ? -1 : x->t > y->t;
}

static audit_row *row_of(audit_row **by_type, size_t n, const align_type *t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_type[mid]->t == t)
            return by_type[mid];
        if (by_type[mid]->t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* align_carry_keep_fn: a record marked structalign:ignore keeps its order. */
static int marked(const align_type *t, void *arg)
{
    const audit_scope *s = arg;
    return source_marker(s->src, ALIGN_LANG_GO, type_name_of(t), align_type_pos(t)) != 0;
}

/* One heap type's steps (align_carry) as links, each owed to its record's
 * row when that row is in scope. */
static bool carry_type(audit_rows *r, const audit_scope *s, align_graph *g,
                       const align_heap_type *ht, audit_row **by_type)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, s->cacheline};
    const char *name = type_name_of(ht->type);
    uint64_t count = count_table_get(s->counts, name);
    align_layout *l = NULL;
    align_carry *c = NULL;
    align_carry_heap_cost deep;
    uint64_t *saved = NULL;
    audit_row *holder = row_of(by_type, r->n, ht->type);
    bool ok = false;

    if (align_layout_compute(&l, g, ht->type, &lo) < 0 ||
        align_carry_compute(&c, g, l, marked, (void *)s) < 0) {
        print_lib_error(NULL, 0);
        goto done;
    }
    saved = calloc(c->ncauses ? c->ncauses : 1, sizeof *saved);
    if (saved == NULL) {
        usage_error(NULL, "out of memory");
        goto done;
    }
    if (align_carry_heap(&deep, saved, l, c, count, !ht->objects) < 0) {
        print_lib_error(NULL, 0);
        goto done;
    }
    if (holder != NULL) {
        holder->deep_size = c->deep_size;
        holder->deep = deep;
    }
    for (size_t i = 0; i < c->ncauses; i++) {
        carry_link k = {ht->type, c->causes[i].type, c->causes[i].size_saved, saved[i], ht->nsites};
        audit_row *owed = k.cause ? row_of(by_type, r->n, k.cause) : NULL;
        if (!push((void **)&r->links, &r->nlinks, &r->links_cap, sizeof k, 64, &k))
            goto done;
        if (owed == NULL)
            continue;
        if (__builtin_add_overflow(owed->heap_saved, k.heap_saved, &owed->heap_saved))
            r->heap_overflow = true;
        if (k.cause != k.holder && k.heap_saved > 0)
            owed->heap_carried = true;
    }
    ok = true;
done:
    free(saved);
    align_carry_free(c);
    align_layout_free(l);
    return ok;
}

/* --escape: every heap type of the join (in scope or not) with the
 * records it holds reordered; each row is owed its part, and the heap
 * total is the rows' sum. */
static bool carry_collect(audit_rows *r, align_binary *bin, const audit_scope *s)
{
    align_graph *g = align_binary_graph(bin, ALIGN_LANG_GO);
    audit_row **by_type;
    bool ok = true;

    if (g == NULL || (s->lang_set && s->lang != ALIGN_LANG_GO))
        return true;
    by_type = malloc((r->n ? r->n : 1) * sizeof *by_type);
    if (by_type == NULL) {
        usage_error(NULL, "out of memory");
        return false;
    }
    for (size_t i = 0; i < r->n; i++)
        by_type[i] = &r->rows[i];
    qsort(by_type, r->n, sizeof *by_type, cmp_row_type);
    for (size_t i = 0; ok && i < align_heap_join_ntypes(s->join); i++)
        ok = carry_type(r, s, g, align_heap_join_type(s->join, i), by_type);
    free(by_type);
    for (size_t i = 0; ok && i < r->n; i++) {
        if (__builtin_add_overflow(r->heap_total, r->rows[i].heap_saved, &r->heap_total))
            r->heap_overflow = true;
        if (r->rows[i].heap_saved > 0)
            r->nowed++;
    }
    return ok;
}

int audit_rows_collect(audit_rows *r, align_binary *bin, const audit_scope *s)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, s->cacheline};
    align_arch arch = align_binary_info_get(bin)->arch;
    lang_graph gs[2];
    size_t ng = selected_graphs(gs, bin, s->lang_set, s->lang);

    memset(r, 0, sizeof *r);
    for (size_t k = 0; k < ng; k++) {
        align_lang lang = gs[k].lang;
        align_graph *g = gs[k].g;
        bool check_atomic = atomic_check_on(s->atomic, lang, arch);
        r->atomic_on = r->atomic_on || check_atomic;
        for (size_t i = 0; i < align_graph_ndecls(g); i++) {
            const align_type *t = align_graph_decl(g, i);
            const char *name = type_name_of(t);
            align_layout *l;
            bool ok;
            count_table_touch(s->counts, name);
            if (!in_scope(s, lang, t, name))
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
    if (s->join != NULL && !carry_collect(r, bin, s))
        return EXIT_BAD;
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
    free(r->links);
    memset(r, 0, sizeof *r);
}

/* Links of a row's type as holder (its steps) or as cause in another
 * type (carried up), sorted by heap bytes. */
static int cmp_link_heap(const void *a, const void *b)
{
    const carry_link *x = *(const carry_link *const *)a, *y = *(const carry_link *const *)b;
    if (x->heap_saved != y->heap_saved)
        return x->heap_saved > y->heap_saved ? -1 : 1;
    if (x->size_saved != y->size_saved)
        return x->size_saved > y->size_saved ? -1 : 1;
    return strcmp(type_name_of(x->holder), type_name_of(y->holder));
}

static const carry_link **links_of(const audit_rows *r, const align_type *t, bool as_holder,
                                   size_t *n)
{
    const carry_link **out = malloc((r->nlinks ? r->nlinks : 1) * sizeof *out);
    *n = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < r->nlinks; i++) {
        const carry_link *k = &r->links[i];
        if (as_holder ? k->holder == t : (k->cause == t && k->holder != t))
            out[(*n)++] = k;
    }
    if (!as_holder && *n > 1)
        qsort(out, *n, sizeof *out, cmp_link_heap);
    return out;
}

static const char *cause_name(const carry_link *k)
{
    return k->cause ? type_name_of(k->cause) : "every other record it holds";
}

void carry_text(align_buf *out, const audit_rows *r, const audit_row *row, const char *indent)
{
    size_t n;
    const carry_link **ks;
    char a[32], b[32];

    if (row->heap != NULL && row->deep_size > 0) {
        ks = links_of(r, row->t, true, &n);
        /* Only when a held record adds to the type's own order. */
        bool held = false;
        for (size_t i = 0; ks != NULL && i < n; i++)
            held = held || ks[i]->cause != row->t;
        if (held) {
            align_buf_printf(out,
                             "%swith the records it holds reordered too: %llu -> %llu bytes, "
                             "%llu -> %llu bytes/%s",
                             indent, (unsigned long long)row->size,
                             (unsigned long long)row->deep_size, (unsigned long long)row->deep.now,
                             (unsigned long long)row->deep.deep,
                             row->heap->objects ? "object" : "backing array");
            align_format_bytes(a, sizeof a, row->deep.saved_total);
            align_buf_printf(out, ", %s saved:", a);
            for (size_t i = 0; i < n; i++) {
                align_format_bytes(b, sizeof b, ks[i]->heap_saved);
                align_buf_printf(out, "%s %s by %s (%llu byte%s of size)", i ? ";" : "", b,
                                 ks[i]->cause == row->t ? "its own order" : cause_name(ks[i]),
                                 (unsigned long long)ks[i]->size_saved,
                                 ks[i]->size_saved == 1 ? "" : "s");
            }
            align_buf_puts(out, "\n");
        }
        free(ks);
    }
    if (!row->heap_carried)
        return;
    ks = links_of(r, row->t, false, &n);
    if (ks == NULL)
        return;
    {
        uint64_t heap = 0;
        size_t sites = 0, holders = 0;
        for (size_t i = 0; i < n; i++) {
            if (ks[i]->heap_saved == 0)
                continue;
            heap += ks[i]->heap_saved;
            sites += ks[i]->sites;
            holders++;
        }
        align_format_bytes(a, sizeof a, heap);
        align_buf_printf(out,
                         "%scarried up: %s saved in %zu heap-allocated type%s holding it by "
                         "value (%zu heap site%s):",
                         indent, a, holders, holders == 1 ? "" : "s", sites, sites == 1 ? "" : "s");
        for (size_t i = 0, shown = 0; i < n && shown < 5; i++) {
            if (ks[i]->heap_saved == 0)
                continue;
            align_format_bytes(b, sizeof b, ks[i]->heap_saved);
            align_buf_printf(out, "%s %s %s", shown++ ? "," : "", type_name_of(ks[i]->holder), b);
        }
        if (holders > 5)
            align_buf_printf(out, ", ... %zu more (--format json lists them)", holders - 5);
        align_buf_puts(out, "\n");
    }
    free(ks);
}

void carry_json(align_buf *out, const audit_rows *r, const audit_row *row)
{
    size_t n;
    const carry_link **ks;
    align_buf_printf(out, ",\"heap_bytes_owed\":%llu", (unsigned long long)row->heap_saved);
    if (row->heap != NULL && row->deep_size > 0) {
        align_buf_printf(out,
                         ",\"deep_size\":%llu,\"deep_size_class\":%llu,"
                         "\"deep_heap_bytes_saved_total\":%llu,\"carried_from\":[",
                         (unsigned long long)row->deep_size, (unsigned long long)row->deep.deep,
                         (unsigned long long)row->deep.saved_total);
        ks = links_of(r, row->t, true, &n);
        for (size_t i = 0; ks != NULL && i < n; i++) {
            align_buf_puts(out, i ? ",{\"type\":" : "{\"type\":");
            if (ks[i]->cause)
                align_buf_json_string(out, type_name_of(ks[i]->cause));
            else
                align_buf_puts(out, "null");
            align_buf_printf(out, ",\"size_saved\":%llu,\"heap_bytes_saved\":%llu}",
                             (unsigned long long)ks[i]->size_saved,
                             (unsigned long long)ks[i]->heap_saved);
        }
        free(ks);
        align_buf_puts(out, "]");
    }
    ks = links_of(r, row->t, false, &n);
    align_buf_puts(out, ",\"carried_into\":[");
    for (size_t i = 0; ks != NULL && i < n; i++) {
        align_buf_puts(out, i ? ",{\"type\":" : "{\"type\":");
        align_buf_json_string(out, type_name_of(ks[i]->holder));
        align_buf_printf(out, ",\"sites\":%zu,\"size_saved\":%llu,\"heap_bytes_saved\":%llu}",
                         ks[i]->sites, (unsigned long long)ks[i]->size_saved,
                         (unsigned long long)ks[i]->heap_saved);
    }
    free(ks);
    align_buf_puts(out, "]");
}
