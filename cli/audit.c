/*
 * audit.c - `structalign audit` and `structalign show`: layouts of the types
 * a compiled binary's DWARF describes, ranked by what their padding costs.
 *
 * audit is three named steps: collect (rows.c: every type in scope laid out
 * once, ALIGN_LAYOUT_GIVEN, reduced to a row, with the totals), rank (the
 * rows the table lists, sorted), render (text, JSON or CSV here; SARIF in
 * sarif.c; all from the same rows), then the gates.  Only the rows shown
 * are laid out again.
 *
 * A Go binary read as 386 or arm is also checked for int64 fields that
 * sync/atomic cannot use (atomic.c; on unless --no-check-atomic): those are
 * few, so their layouts are computed again for the listing after the table.
 *
 * With --escape the binary is opened with its Go functions, the logs are
 * joined with it (libalign's heapsites.c; escape.c here renders), and the
 * ranking puts heap-allocated types first, by the heap bytes reordering
 * saves in the allocator's size classes, times the count.
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static const char audit_usage[] =
    "usage: structalign audit [options] BINARY\n"
    "\n"
    "Every struct and union in BINARY's DWARF, laid out and ranked by the bytes\n"
    "a better field order would save, times the expected instance count.\n"
    "\n"
    "options:\n"
    "  -c, --count TYPE=N       expected instances of TYPE (glob; 100M, 1.5G); repeatable\n"
    "      --counts FILE        lines 'TYPE N' ('#' starts a comment)\n"
    "      --strict             a --count that matches no type is an error\n"
    "  -t, --filter PATTERN     only types whose name matches the glob, or of the\n"
    "                           packages of a Go pattern (./..., cmd/compile/...);\n"
    "                           narrows the heap sites and the totals too; repeatable\n"
    "  -n, --top N              show the N most wasteful types\n"
    "      --min-waste BYTES    hide types saving fewer bytes (x count) than this\n"
    "      --all                every type, not only those that waste something\n"
    "  -l, --lang go|c          only Go or only C types (cgo binaries have both)\n"
    "      --no-compiler-types  hide Go compiler and runtime types (noalg.*,\n"
    "                           go.shape.*, runtime.*, internal/...)\n"
    "  -F, --format text|json|csv|sarif|html\n"
    "                           html: one self-contained page with byte maps\n"
    "  -e, --escape LOG         a `go build -gcflags=-m` log (also -m=2, all=-m), or a\n"
    "                           directory written by -gcflags=-json=0,DIR: show where\n"
    "                           each type is heap-allocated and the size-class bytes\n"
    "                           reordering saves; repeatable\n"
    "      --all-unresolved     text: list every unresolved heap site, also of the\n"
    "                           standard library, cmd/ and code the linker removed\n"
    "      --src DIR            where the sources are: the log's relative paths start\n"
    "                           there (default: the log's directory); Go types marked\n"
    "                           //structalign:ignore there are not reported, and SARIF\n"
    "                           results carry the fix (C: read where DWARF says)\n"
    "  -p, --profile FILE       a Go heap profile of this binary (WriteHeapProfile,\n"
    "                           /debug/pprof/heap): instance counts measured per type\n"
    "                           (typed through --escape's heap sites), ranked by the\n"
    "                           measured bytes reordering saves\n"
    "      --sample inuse|alloc with --profile: count live objects (default) or all\n"
    "                           objects allocated\n"
    "      --fail-above BYTES   exit 1 when the total reclaimable bytes exceed BYTES\n"
    "      --cacheline N        cache line size (default 64)\n"
    "      --as-arch ARCH       lay the types out for ARCH (amd64, arm64, 386, arm)\n"
    "                           and list those whose size or padding changes\n"
    "      --go VERSION         Go: price heap objects (--escape, JSON) with this\n"
    "                           release's allocator, not the producer's (1.19 ... 1.27)\n"
    "      --check-atomic       list int64 fields sync/atomic cannot use on 386|arm\n"
    "                           (default on for Go binaries read as 386 or arm, and\n"
    "                           with --as-arch 386|arm); exit 1 if any\n"
    "      --no-check-atomic    do not list them\n"
    "  -q, --quiet, --no-progress\n"
    "                           no progress line on a terminal\n" DEBUG_DIR_USAGE FILTER_USAGE
    "  -h, --help               this help\n"
    "\n"
    "examples:\n"
    "  structalign audit ./server\n"
    "  structalign audit --count main.Order=100M --top 10 ./server\n"
    "  GOARCH=arm go build -o server-arm . && structalign audit ./server-arm\n"
    "  structalign audit --fail-above 1M --format json ./server > padding.json\n"
    "  go build -gcflags=-m ./... 2> build.log\n"
    "  structalign audit --escape build.log --count main.Order=100M ./server\n"
    "  structalign audit --escape build.log --profile heap.pprof ./server\n";

static const char show_usage[] =
    "usage: structalign show [options] BINARY TYPE...\n"
    "\n"
    "The full layout of the named types (globs allowed) as BINARY's DWARF\n"
    "describes them.\n"
    "\n"
    "options:\n"
    "  -o, --optimize           also print the declaration in the smallest order\n"
    "  -c, --count [TYPE=]N     instances, as for audit; repeatable\n"
    "  -p, --profile FILE       measured counts from a Go heap profile (with --escape)\n"
    "  -e, --escape LOG         the escape log that types the profile's sites\n"
    "      --src DIR            the Go sources: declarations as written (tags,\n"
    "                           aliases, type parameters) and their file:line;\n"
    "                           where the log's relative paths start\n"
    "      --sample inuse|alloc live (default) or allocated objects\n"
    "  -l, --lang go|c          only Go or only C types\n"
    "  -F, --format text|json|html\n"
    "  -x, --hex                offsets in hexadecimal\n"
    "      --cacheline N        cache line size (default 64)\n"
    "      --as-arch ARCH       the layout ARCH's model gives the same types\n"
    "      --go VERSION         Go: price a heap object with this release's allocator,\n"
    "                           not the producer's (1.19, 1.22 ... 1.27)\n"
    "      --no-check-atomic    do not flag int64 fields sync/atomic cannot use\n"
    "                           (flagged by default for Go on 386 and arm)\n"
    "  -q, --quiet, --no-progress\n"
    "                           no progress line on a terminal\n" DEBUG_DIR_USAGE FILTER_USAGE
    "  -h, --help               this help\n"
    "\n"
    "example:\n"
    "  structalign show --optimize ./server 'main.Order*'\n";

/* The binary, show's types, and the options that need another. */
static int check_operands(cli_opts *o, bool is_show)
{
    if (o->nargs == 0)
        return usage_error(is_show ? "structalign show BINARY TYPE..." : "structalign audit BINARY",
                           "no binary given");
    o->binary = o->args[0];
    if (is_show && o->nargs == 1)
        return usage_error("name one or more types (globs allowed), e.g. 'main.Order'",
                           "no type given");
    if (!is_show && o->nargs > 1)
        return usage_error("audit reads one binary; use --filter to select types",
                           "unexpected argument '%s'", o->args[1]);
    if (o->sample_set && o->profile == NULL)
        return usage_error("--sample picks the counts of a --profile",
                           "--sample without --profile");
    if (is_show && o->nescapes > 0 && o->profile == NULL)
        return usage_error("show uses an escape log to type a --profile's sites; audit lists "
                           "heap sites",
                           "--escape without --profile");
    return 0;
}

static int cmp_rows(const void *pa, const void *pb)
{
    const audit_row *a = *(const audit_row *const *)pa, *b = *(const audit_row *const *)pb;
    /* --profile: measured types first, by measured bytes saved. */
    if ((a->measured != NULL) != (b->measured != NULL))
        return a->measured ? -1 : 1;
    if (a->measured_saved != b->measured_saved)
        return a->measured_saved > b->measured_saved ? -1 : 1;
    /* --escape: heap-allocated types, and the records they hold by value
     * whose reordering saves in them, first, by the heap bytes owed. */
    if ((a->heap != NULL || a->heap_carried) != (b->heap != NULL || b->heap_carried))
        return a->heap || a->heap_carried ? -1 : 1;
    if (a->heap_saved != b->heap_saved)
        return a->heap_saved > b->heap_saved ? -1 : 1;
    if (a->waste != b->waste)
        return a->waste > b->waste ? -1 : 1;
    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return strcmp(a->name, b->name);
}

static void csv_field(align_buf *b, const char *s)
{
    bool quote = strpbrk(s, ",\"\n") != NULL;
    if (!quote) {
        align_buf_puts(b, s);
        return;
    }
    align_buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"')
            align_buf_puts(b, "\"");
        align_buf_append(b, s, 1);
    }
    align_buf_puts(b, "\"");
}

/* The int64 fields sync/atomic cannot use, for the rows that have some:
 * text lines (atomic.c) or a JSON array of {type, field, field_type,
 * offset}; field is the path from the type ("In.N", "Arr[1].N"), at any
 * depth. */
static int render_atomic(align_buf *out, const audit_rows *r, bool json,
                         const align_layout_opts *lo)
{
    if (json)
        align_buf_puts(out, ",\"atomic_fields\":[");
    for (size_t i = 0, k = 0; i < r->n; i++) {
        const audit_row *row = &r->rows[i];
        align_layout *l;
        if (row->natomic == 0)
            continue;
        if (align_layout_compute(&l, row->g, row->t, lo) < 0) {
            print_lib_error(NULL, 0);
            return -1;
        }
        for (size_t j = 0; json && j < l->natomic_unaligned; j++) {
            const align_atomic_field *f = &l->atomic_unaligned[j];
            align_buf_puts(out, k++ ? ",{\"type\":" : "{\"type\":");
            align_buf_json_string(out, l->name);
            align_buf_puts(out, ",\"field\":");
            align_buf_json_string(out, f->path);
            align_buf_puts(out, ",\"field_type\":");
            align_buf_json_string(out, f->type_name);
            align_buf_printf(out, ",\"offset\":%llu}", (unsigned long long)f->offset);
        }
        if (!json)
            atomic_check_render(out, l);
        align_layout_free(l);
    }
    if (json)
        align_buf_puts(out, "]");
    return 0;
}

/* The rows the table lists, ranked: those that waste something (at least
 * --min-waste), every one with --all, and inconsistent types whatever they
 * waste (they are findings).  A malloc'd array of pointers into r (NULL
 * when none, or out of memory: *failed says which). */
static const audit_row **listed_rows(const cli_opts *o, const audit_rows *r, size_t *n,
                                     bool *failed)
{
    const audit_row **list = malloc((r->n ? r->n : 1) * sizeof *list);
    *n = 0;
    *failed = list == NULL;
    if (list == NULL) {
        usage_error(NULL, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < r->n; i++) {
        const audit_row *row = &r->rows[i];
        /* Measured types are listed whatever their count (0 live is a
         * finding too); the others when they waste enough. */
        /* Heap types that save once the records they hold are reordered
         * too, and those records, are listed as well. */
        bool carried = row->heap_saved > 0 || (row->heap && row->deep.saved_total > 0);
        if (!row->invalid && !o->all && !(row->measured && row->size > row->optimal_size) &&
            !carried && (row->waste == 0 || row->waste < o->min_waste))
            continue;
        list[(*n)++] = row;
    }
    if (*n > 1)
        qsort(list, *n, sizeof *list, cmp_rows);
    return list;
}

static void warn_inconsistent(const cli_opts *o, const audit_rows *r)
{
    if (r->ninvalid == 0)
        return;
    fprintf(stderr,
            "%s: warning: %zu type%s (%s%s) ha%s inconsistent debug information: members "
            "overlap or end past the record; shown as written, not optimized\n",
            o->binary, r->ninvalid, r->ninvalid == 1 ? "" : "s", r->first_invalid,
            r->ninvalid > 1 ? ", ..." : "", r->ninvalid == 1 ? "s" : "ve");
}

/* What comes before the rows: JSON's opening keys, CSV's header line, the
 * text summary and column heads. */
static void render_head(align_buf *out, const cli_opts *o, const align_binary_info *info,
                        const audit_rows *r, const align_heap_join *join, size_t shown,
                        const measure_ctx *mc)
{
    bool escape = o->nescapes > 0;
    if (o->format == FMT_JSON) {
        align_buf_puts(out, "{\"binary\":");
        align_buf_json_string(out, o->binary);
        align_buf_printf(out, ",\"arch\":\"%s\",\"producer\":", align_arch_name(info->arch));
        align_buf_json_string(out, info->producer ? info->producer : "");
        align_buf_puts(out, ",\"types\":[");
        return;
    }
    if (o->format == FMT_CSV) {
        align_buf_puts(out, "name,lang,size,optimal_size,reclaimable,count,bytes_saved,"
                            "decl_file,decl_line,model_agrees,positions_valid,public_api");
        if (escape)
            align_buf_puts(out, ",heap_sites,size_class,optimal_size_class,heap_bytes_saved,"
                                "heap_bytes_saved_total,heap_bytes_owed");
        if (o->profile)
            align_buf_puts(out, ",measured_inuse_objects,measured_inuse_bytes,"
                                "measured_alloc_objects,measured_alloc_bytes,"
                                "measured_size_class,measured_optimal_size_class,"
                                "measured_saved_per_allocation,measured_bytes_saved");
        align_buf_puts(out, "\n");
        return;
    }
    align_buf_printf(out,
                     "%s: %s, %s; %zu struct/union types, %zu with reclaimable "
                     "padding\n",
                     o->binary, align_arch_name(info->arch),
                     info->producer ? info->producer : "unknown producer", r->ntypes, r->nwasteful);
    if (r->atomic_on)
        align_buf_printf(out,
                         "atomic check (%s): %zu int64 field%s sync/atomic cannot "
                         "use, listed after the total\n",
                         o->atomic == ATOMIC_ON ? "--check-atomic"
                                                : "on by default for Go on 386 and arm; "
                                                  "--no-check-atomic turns it off",
                         r->natomic, r->natomic == 1 ? "" : "s");
    if (join != NULL) {
        site_scope sc = {o->filters, o->nfilters, o->all_unresolved};
        escape_text_header(out, join, &sc);
        /* Which allocator the size classes below are (heap.c). */
        for (size_t i = 0; i < r->n; i++)
            if (align_graph_lang(r->rows[i].g) == ALIGN_LANG_GO) {
                unsigned rel = align_graph_go_release(r->rows[i].g);
                align_buf_printf(out, "heap objects priced by the allocator of go1.%u%s\n",
                                 rel ? rel : align_go_release_newest(),
                                 o->go ? " (--go)"
                                 : rel ? " (DW_AT_producer)"
                                       : " (the newest)");
                break;
            }
    }
    if (o->profile)
        measure_text_header(out, mc);
    if (shown && o->profile)
        align_buf_printf(out, "%14s  %12s  %6s %6s  %8s  %s\n", "MEASURED SAVED", "SAVED", "SIZE",
                         "OPT", "COUNT", "TYPE");
    else if (shown && escape)
        align_buf_printf(out, "%12s  %12s  %6s %6s  %8s  %s\n", "HEAP SAVED", "SAVED", "SIZE",
                         "OPT", "COUNT", "TYPE");
    else if (shown)
        align_buf_printf(out, "%12s  %6s %6s  %8s  %s\n", "SAVED", "SIZE", "OPT", "COUNT", "TYPE");
}

static void render_csv_row(align_buf *out, const audit_row *r, const align_layout *l,
                           const align_cost *cost, const align_heap_cost *hc, bool escape,
                           bool profile, const measure_cost_t *mcost)
{
    align_srcpos pos = align_type_pos(r->t);
    csv_field(out, r->name);
    align_buf_printf(out, ",%s,%llu,%llu,%llu,%llu,%llu,", align_lang_name(l->lang),
                     (unsigned long long)l->size, (unsigned long long)l->optimal_size,
                     (unsigned long long)l->reclaimable, (unsigned long long)cost->count,
                     (unsigned long long)cost->bytes_saved);
    csv_field(out, pos.file ? pos.file : "");
    align_buf_printf(out, ",%u,%s,%s,%s", pos.line, l->model_agrees == 0 ? "false" : "true",
                     l->positions_valid ? "true" : "false", r->public_api ? r->public_api : "");
    if (escape && r->heap)
        align_buf_printf(out, ",%zu,%llu,%llu,%llu,%llu", r->heap->nsites,
                         (unsigned long long)hc->now.bytes, (unsigned long long)hc->optimal.bytes,
                         (unsigned long long)(hc->per_element ? l->reclaimable : hc->saved),
                         (unsigned long long)hc->saved_total);
    else if (escape)
        align_buf_puts(out, ",0,,,,");
    /* The ranking key (rows.c): with what it saves in the heap types
     * holding it by value. */
    if (escape)
        align_buf_printf(out, ",%llu", (unsigned long long)r->heap_saved);
    if (r->measured)
        align_buf_printf(
            out, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu",
            (unsigned long long)r->measured->inuse_objects,
            (unsigned long long)r->measured->inuse_bytes,
            (unsigned long long)r->measured->alloc_objects,
            (unsigned long long)r->measured->alloc_bytes, (unsigned long long)mcost->size_class,
            (unsigned long long)mcost->optimal_size_class,
            (unsigned long long)mcost->saved_per_allocation, (unsigned long long)mcost->saved);
    else if (profile)
        align_buf_puts(out, ",,,,,,,,");
    align_buf_puts(out, "\n");
}

static void render_text_row(align_buf *out, const audit_rows *rows, const audit_row *r,
                            const align_layout *l, const align_cost *cost,
                            const align_heap_cost *hc, const align_heap_join *join, bool escape,
                            const measure_ctx *mc, const measure_cost_t *mcost)
{
    align_srcpos pos = align_type_pos(r->t);
    char saved[64], count[32], h[32] = "-", ms[32] = "-";
    align_format_bytes(saved, sizeof saved, cost->bytes_saved);
    align_format_count(count, sizeof count, cost->count);
    if (mc != NULL) {
        if (r->measured)
            align_format_bytes(ms, sizeof ms, r->measured_saved);
        align_buf_printf(out, "%14s  ", ms);
    } else if (escape) {
        if (r->heap || r->heap_carried)
            align_format_bytes(h, sizeof h, r->heap_saved);
        align_buf_printf(out, "%12s  ", h);
    }
    align_buf_printf(out, "%12s  %6llu %6llu  %8s  %s", saved, (unsigned long long)l->size,
                     (unsigned long long)l->optimal_size, count, r->name);
    if (pos.file && pos.line)
        align_buf_printf(out, "  (%s:%u)", pos.file, pos.line);
    align_buf_puts(out, "\n");
    if (r->public_api != NULL && l->reclaimable > 0)
        align_buf_printf(out, "%12s  %s\n", "ABI", public_api_note(r->public_api));
    if (l->model_agrees == 0 && l->positions_valid)
        align_buf_printf(out, "%12s  model disagrees with the compiler: %s\n", "!", l->mismatch);
    else if (!l->positions_valid)
        align_buf_printf(out, "%12s  inconsistent debug information: %s\n", "!", l->invalid);
    if (r->heap)
        escape_text_type(out, join, r->heap, hc, "              ");
    if (escape)
        carry_text(out, rows, r, "              ");
    if (r->measured)
        measure_text_type(out, mc, r->measured, mcost, "              ");
}

/* One listed row in the chosen format (i: its rank, from 0). */
static int render_row(align_buf *out, const cli_opts *o, const audit_rows *rows, const audit_row *r,
                      size_t i, const align_heap_join *join, const align_layout_opts *lo,
                      const measure_ctx *mc)
{
    bool escape = o->nescapes > 0;
    align_layout *l;
    align_cost cost;
    align_heap_cost hc;
    measure_cost_t mcost;

    memset(&hc, 0, sizeof hc);
    memset(&mcost, 0, sizeof mcost);
    if (align_layout_compute(&l, r->g, r->t, lo) < 0) {
        print_lib_error(NULL, 0);
        return -1;
    }
    if (align_cost_compute(&cost, l, r->count) < 0 ||
        (escape && l->lang == ALIGN_LANG_GO && audit_row_heap_cost(&hc, l, r) < 0) ||
        (r->measured && measure_cost(&mcost, mc, r->measured, l) < 0)) {
        print_lib_error(NULL, 0);
        align_layout_free(l);
        return -1;
    }
    if (o->format == FMT_JSON) {
        if (i)
            align_buf_puts(out, ",");
        align_render_json(out, l, &cost);
        if (r->public_api != NULL) {
            out->len--; /* reopen the object */
            align_buf_puts(out, ",\"public_api\":");
            align_buf_json_string(out, r->public_api);
            align_buf_puts(out, "}");
        }
        if (escape || mc) {
            out->len--; /* reopen the object: the joins' keys go inside */
            if (escape)
                escape_json_type(out, join, r->heap, l->lang == ALIGN_LANG_GO ? &hc : NULL,
                                 l->reclaimable);
            if (escape && l->lang == ALIGN_LANG_GO)
                carry_json(out, rows, r);
            if (mc)
                measure_json_type(out, mc, r->measured, &mcost);
            align_buf_puts(out, "}");
        }
    } else if (o->format == FMT_CSV) {
        render_csv_row(out, r, l, &cost, &hc, escape, mc != NULL, &mcost);
    } else {
        render_text_row(out, rows, r, l, &cost, &hc, join, escape, mc, &mcost);
    }
    align_layout_free(l);
    return 0;
}

/* The map section (maps.c) for the binary's Go types, unless --lang c. */
static int render_maps(align_buf *out, align_binary *bin, const cli_opts *o, bool json)
{
    align_graph *g = align_binary_graph(bin, ALIGN_LANG_GO);
    maps_opts mo = {&o->counts,   o->filters, o->nfilters, o->no_compiler_types,
                    o->min_waste, o->top,     json};
    if (g == NULL || (o->lang_set && o->lang != ALIGN_LANG_GO))
        return 0;
    return maps_render(out, g, &mo);
}

/* The footer line on types whose order is kept (libalign's
 * align_order_fixed): how many, and why, for each reason that occurs. */
static void fixed_text(align_buf *out, const size_t *nfixed)
{
    static const char *const why[] = {
        [ALIGN_ORDER_GO_LINKER] = "made by the Go linker for debuggers (hchan<T>, sudog<T>, "
                                  "map<K,V>, ...: copies of runtime structs, not checked against "
                                  "the model)",
        [ALIGN_ORDER_GO_COMPILER] = "made by the Go compiler for the runtime (noalg.*)",
        [ALIGN_ORDER_HOST_LAYOUT] = "with a structs.HostLayout field (the platform ABI's order)"};
    const char *sep = "kept as laid out, never reordered: ";
    for (int k = ALIGN_ORDER_GO_LINKER; k <= ALIGN_ORDER_HOST_LAYOUT; k++) {
        if (nfixed[k] == 0)
            continue;
        align_buf_printf(out, "%s%zu %s", sep, nfixed[k], why[k]);
        sep = "; ";
    }
    if (sep[0] == ';')
        align_buf_puts(out, "\n");
}

/* What comes after the rows: JSON's totals, the text's total lines, the
 * map entries, the unresolved heap sites and the atomic findings. */
static int render_tail(align_buf *out, const cli_opts *o, const align_binary_info *info,
                       align_binary *bin, const audit_rows *r, const align_heap_join *join,
                       size_t shown, size_t nlisted, const align_layout_opts *lo,
                       const measure_ctx *mc)
{
    char a[64];
    size_t nmismatch_c = r->nmismatch - r->nmismatch_go;
    if (o->format == FMT_JSON) {
        align_buf_printf(out,
                         "],\"total_types\":%zu,\"wasteful_types\":%zu,"
                         "\"total_bytes_saved\":%llu,\"model_mismatches\":%zu,"
                         "\"inconsistent_types\":%zu,\"order_fixed_types\":{\"go_linker\":%zu,"
                         "\"go_compiler\":%zu,\"host_layout\":%zu}",
                         r->ntypes, r->nwasteful, (unsigned long long)r->total, r->nmismatch,
                         r->ninvalid, r->nfixed[ALIGN_ORDER_GO_LINKER],
                         r->nfixed[ALIGN_ORDER_GO_COMPILER], r->nfixed[ALIGN_ORDER_HOST_LAYOUT]);
        align_buf_printf(out, ",\"public_api_types\":%zu,\"public_api_bytes_saved\":%llu",
                         r->npublic, (unsigned long long)r->public_total);
        if (render_maps(out, bin, o, true) != 0)
            return -1;
        if (r->atomic_on) {
            align_buf_printf(out, ",\"atomic_unaligned\":%zu", r->natomic);
            if (render_atomic(out, r, true, lo) != 0)
                return -1;
        }
        if (join != NULL) {
            align_buf_printf(out,
                             ",\"heap_types\":%zu,\"owed_types\":%zu,"
                             "\"total_heap_bytes_saved\":%llu",
                             r->nheap, r->nowed, (unsigned long long)r->heap_total);
            site_scope sc = {o->filters, o->nfilters, o->all_unresolved};
            escape_json_tail(out, join, &sc);
        }
        if (mc)
            measure_json_tail(out, mc, r->measured_total);
        align_buf_puts(out, "}\n");
        return 0;
    }
    if (o->format != FMT_TEXT)
        return 0;
    if (shown < nlisted)
        align_buf_printf(out, "... %zu more (--top shows more)\n", nlisted - shown);
    align_format_bytes(a, sizeof a, r->total);
    align_buf_printf(out, "total: %s reclaimable", a);
    if (r->total >= 1024)
        align_buf_printf(out, " (%llu bytes)", (unsigned long long)r->total);
    align_buf_printf(out, " in %zu type%s", r->nwasteful, r->nwasteful == 1 ? "" : "s");
    if (r->npublic > 0) {
        align_format_bytes(a, sizeof a, r->public_total);
        align_buf_printf(out,
                         "; not counted: %s in %zu public-API type%s (installed headers, "
                         "--keep), where reordering breaks the ABI",
                         a, r->npublic, r->npublic == 1 ? "" : "s");
    }
    /* What a disagreement means depends on the language: in C, a packed or
     * aligned attribute DWARF does not record; in Go, whose layouts have
     * no attributes, a rule of this compiler release the model does not
     * know. */
    if (nmismatch_c)
        align_buf_printf(out,
                         "; the model disagreed with the compiler on %zu C type%s (packed "
                         "or aligned attributes DWARF does not record; offsets shown are "
                         "the compiler's)",
                         nmismatch_c, nmismatch_c == 1 ? "" : "s");
    if (r->nmismatch_go)
        align_buf_printf(out,
                         "; the model disagreed with the compiler on %zu Go type%s (a "
                         "layout rule of %s the model does not know; offsets shown are "
                         "the compiler's; please report it)",
                         r->nmismatch_go, r->nmismatch_go == 1 ? "" : "s",
                         info->go_version ? info->go_version : "this Go release");
    if (r->ninvalid)
        align_buf_printf(out,
                         "; %zu type%s with inconsistent debug information (shown as "
                         "written, not optimized)",
                         r->ninvalid, r->ninvalid == 1 ? "" : "s");
    align_buf_puts(out, "\n");
    fixed_text(out, r->nfixed);
    if (render_maps(out, bin, o, false) != 0)
        return -1;
    if (join != NULL) {
        align_format_bytes(a, sizeof a, r->heap_total);
        align_buf_printf(out,
                         "heap: %s saved in %zu heap-allocated type%s by reordering %zu "
                         "type%s (the heap types or records they hold by value)\n",
                         a, r->nheap, r->nheap == 1 ? "" : "s", r->nowed, r->nowed == 1 ? "" : "s");
        site_scope sc = {o->filters, o->nfilters, o->all_unresolved};
        escape_text_unresolved(out, join, &sc);
    }
    if (mc) {
        align_format_bytes(a, sizeof a, r->measured_total);
        align_buf_printf(out, "measured: %s saved %s by reordering %zu measured type%s\n", a,
                         mc->sample == ALIGN_SAMPLE_ALLOC ? "over all allocations"
                                                          : "in the live heap",
                         r->nmeasured, r->nmeasured == 1 ? "" : "s");
        measure_text_untyped(out, mc);
    }
    return render_atomic(out, r, false, lo);
}

/* Text, JSON or CSV from the collected rows. */
static int render_table(align_buf *out, const cli_opts *o, align_binary *bin, const audit_rows *r,
                        const align_heap_join *join, const measure_ctx *mc)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, o->cacheline};
    size_t nlisted, shown;
    bool failed;
    const audit_row **list = listed_rows(o, r, &nlisted, &failed);
    const align_binary_info *info = align_binary_info_get(bin);
    int rc = -1;

    if (failed)
        return -1;
    shown = o->top && o->top < nlisted ? (size_t)o->top : nlisted;
    if (o->format == FMT_HTML) {
        rc = html_audit_render(out, o->binary, info, r, list, shown, join, o->cacheline);
        free(list);
        return rc;
    }
    render_head(out, o, info, r, join, shown, mc);
    for (size_t i = 0; i < shown; i++) {
        if (render_row(out, o, r, list[i], i, join, &lo, mc) < 0)
            goto done;
        emit_partial(out);
    }
    rc = render_tail(out, o, info, bin, r, join, shown, nlisted, &lo, mc);
done:
    free(list);
    return rc;
}

/* The exit status once the report is out: the atomic and --fail-above
 * gates (SARIF totals only the savings it reports). */
static int gate_status(const cli_opts *o, const audit_rows *r, uint64_t sarif_total)
{
    char a[64];
    int status = EXIT_OK;
    if (o->atomic == ATOMIC_ON && r->natomic > 0)
        status = EXIT_GATE;
    if (o->fail_set && o->format == FMT_SARIF && sarif_total > o->fail_bytes) {
        fprintf(stderr, "%s: reclaimable padding %llu bytes exceeds --fail-above %llu\n", o->binary,
                (unsigned long long)sarif_total, (unsigned long long)o->fail_bytes);
        status = EXIT_GATE;
    } else if (o->fail_set && o->format != FMT_SARIF && r->total > o->fail_bytes) {
        /* "3.2 MiB (3355443 bytes)"; below 1 KiB "16 bytes" says it all. */
        align_format_bytes(a, sizeof a, r->total);
        if (r->total >= 1024)
            snprintf(a + strlen(a), sizeof a - strlen(a), " (%llu bytes)",
                     (unsigned long long)r->total);
        fprintf(stderr, "%s: reclaimable padding %s exceeds --fail-above %llu\n", o->binary, a,
                (unsigned long long)o->fail_bytes);
        status = EXIT_GATE;
    }
    return status;
}

/* What audit and show read besides their options: the binary, the
 * escape logs and their join, the heap profile and its join. */
typedef struct inputs {
    align_binary *bin;
    align_heap_join *join;
    measure_ctx mc;
    go_source *gosrc; /* --src's Go files and those that place Go types */
} inputs;

/* Reads them all; the logs and the profile are reported first (a bad one
 * before anything of the binary), while the binary is read on a thread of
 * its own (bgload.c) when there is a log or a profile; warn: say when --go
 * or the producer's release is not one libalign has.  false (printed) on
 * failure; free with inputs_free either way. */
static bool inputs_load(inputs *in, cli_opts *o, bool warn)
{
    bg_binary *bg = NULL;
    align_error e;
    int rc = 0;
    memset(in, 0, sizeof *in);
    in->mc.sample = o->sample;
    /* The Go functions also say where types are declared (their files). */
    if (o->nescapes > 0 || o->profile)
        bg = bg_binary_start(o->binary, ALIGN_BINARY_GO_FUNCS, o->src_dir,
                             escape_load_fills_cores(o->escapes, o->nescapes));
    if ((o->nescapes > 0 && !escape_load(&in->join, o->escapes, o->nescapes, o->src_dir)) ||
        (o->profile && !measure_load(&in->mc, o->profile))) {
        bg_binary_cancel(bg);
        return false;
    }
    if (bg != NULL) {
        /* The thread places the Go types while this one joins the logs
         * (neither needs the other's work); their messages come after
         * the binary's, the join's after the sources', as without it. */
        in->bin = bg_binary_take(bg);
        if (in->bin == NULL) {
            bg_binary_cancel(bg);
            return false;
        }
        go_release_apply(in->bin, o->binary, o->go, warn);
    } else {
        in->bin = open_binary(o->binary, ALIGN_BINARY_GO_FUNCS);
        if (in->bin == NULL)
            return false;
        go_release_apply(in->bin, o->binary, o->go, warn);
        in->gosrc = go_source_new(o->src_dir);
        go_source_locate(in->gosrc, in->bin);
    }
    /* "./..." in --filter: the main module of the binary's build info. */
    pattern_set_main(align_binary_info_get(in->bin)->go_main_path,
                     align_binary_info_get(in->bin)->go_main_module);
    if (in->join)
        rc = escape_join_run(in->join, in->bin, &e);
    if (bg != NULL) {
        in->gosrc = bg_binary_finish(bg);
        go_source_flush(in->gosrc);
    }
    /* the heap's anonymous struct literals: at their `struct` line */
    if (in->join && rc == 0)
        go_source_place_literals(in->join);
    if (in->join && !escape_join_report(in->join, rc, &e, o->binary)) {
        align_heap_join_free(in->join);
        in->join = NULL;
        return false;
    }
    /* The profile's counts go into the --count table (user's entries win). */
    return o->profile == NULL || measure_join(&in->mc, in->bin, in->join, &o->counts, o->binary);
}

static void inputs_free(inputs *in)
{
    go_source_free(in->gosrc);
    measure_free(&in->mc);
    align_heap_join_free(in->join);
    align_binary_free(in->bin);
}

static int run_audit(cli_opts *o)
{
    inputs in;
    align_binary *bin;
    align_heap_join *join;
    audit_rows rows;
    audit_scope scope;
    source_index *src = NULL;
    align_buf out;
    uint64_t sarif_total = 0;
    int status = EXIT_BAD, rc;

    memset(&rows, 0, sizeof rows);
    align_buf_init(&out);
    if (!inputs_load(&in, o, o->nescapes > 0 || o->profile))
        goto done;
    bin = in.bin;
    join = in.join;
    src = source_index_new(o->src_dir, align_binary_info_get(bin)->arch);
    scope = (audit_scope){o->binary,  o->lang_set,  o->lang,
                          &o->counts, o->filters,   o->nfilters,
                          o->keeps,   o->nkeeps,    o->no_compiler_types,
                          o->atomic,  o->cacheline, join,
                          o->strict,  src,          o->profile ? &in.mc : NULL};
    if (audit_rows_collect(&rows, bin, &scope) != EXIT_OK)
        goto done;
    if (rows.nsilenced > 0)
        fprintf(stderr, "%s: note: %zu type%s marked structalign:ignore not reported\n", o->binary,
                rows.nsilenced, rows.nsilenced == 1 ? "" : "s");
    warn_inconsistent(o, &rows);
    /* Nothing reaches stdout unless the whole document was built. */
    if (o->format == FMT_SARIF)
        rc = sarif_audit_render(&out, &rows, join, o->min_waste, o->cacheline, &sarif_total, src);
    else
        rc = render_table(&out, o, bin, &rows, join, o->profile ? &in.mc : NULL);
    if (rc < 0 || !emit(&out))
        goto done;
    status = gate_status(o, &rows, sarif_total);
done:
    audit_rows_free(&rows);
    source_index_free(src);
    align_buf_free(&out);
    inputs_free(&in);
    return status;
}

/* show --optimize --format json: the declaration to paste, as the text
 * output prints it (here also for a record already in its best order),
 * added to the type's object just written. */
static void json_declaration(align_buf *out, const align_layout *l, const align_go_decl_opts *go)
{
    align_buf decl;
    align_buf_init(&decl);
    if (l->lang == ALIGN_LANG_GO)
        align_render_decl_go(&decl, l, NULL, go);
    else
        align_render_decl(&decl, l);
    out->len--; /* reopen the object */
    align_buf_puts(out, ",\"declaration\":");
    align_buf_json_string(out, decl.data ? decl.data : "");
    align_buf_puts(out, "}");
    align_buf_free(&decl);
}

/* Where the type is declared: its position, else what --src found. */
static const char *decl_file_of(const align_type *t, const char *src_file)
{
    align_srcpos pos = align_type_pos(t);
    return pos.file && pos.line ? pos.file : src_file;
}

/* Whether the smallest order is not the declared one. */
static bool reordered(const align_layout *l)
{
    for (size_t k = 0; k < l->nmembers; k++)
        if (l->optimal_order[k] != k)
            return true;
    return false;
}

/* show --optimize, a Go type whose order changes: the unkeyed composite
 * literals that the new order breaks (go_literals.c), as text after the
 * declaration or as JSON "unkeyed_literals" added to the type's object. */
static void unkeyed_note(align_buf *out, go_source *src, const align_layout *l, const char *file,
                         bool json)
{
    go_literal *lits = NULL;
    /* an anonymous struct has no name a literal or conversion could use */
    size_t n = reordered(l) && align_type_label(l->type, NULL) == NULL
                   ? go_source_unkeyed(src, l->name, file, &lits)
                   : 0;
    for (int conv = 0; conv < 2; conv++) {
        size_t k = 0, shown = 0;
        for (size_t i = 0; i < n; i++)
            k += lits[i].conversion == conv;
        if (k == 0)
            continue;
        if (json) {
            out->len--; /* reopen the object */
            align_buf_puts(out, conv ? ",\"conversions\":[" : ",\"unkeyed_literals\":[");
        } else if (conv) {
            align_buf_printf(out,
                             "// %zu conversion%s to this type (T(x), (*T)(p)) need%s the "
                             "type converted from in the same order:\n",
                             k, k == 1 ? "" : "s", k == 1 ? "s" : "");
        } else {
            align_buf_printf(out,
                             "// %zu composite literal%s list%s the fields without their names "
                             "and break%s with this order: key %s first\n",
                             k, k == 1 ? "" : "s", k == 1 ? "s" : "", k == 1 ? "s" : "",
                             k == 1 ? "it" : "them");
        }
        for (size_t i = 0; i < n; i++) {
            if (lits[i].conversion != conv)
                continue;
            if (json) {
                align_buf_puts(out, shown++ ? ",{\"file\":" : "{\"file\":");
                align_buf_json_string(out, lits[i].file);
                align_buf_printf(out, ",\"line\":%u,\"end_line\":%u}", lits[i].line,
                                 lits[i].end_line);
            } else if (shown++ < 20) {
                align_buf_printf(out, "//   %s:%u\n", lits[i].file, lits[i].line);
            }
        }
        if (json)
            align_buf_puts(out, "]}");
        else if (k > 20)
            align_buf_printf(out, "//   ... and %zu more (--format json lists them all)\n", k - 20);
    }
    free(lits);
}

/* show's state across the types it draws. */
typedef struct show_run {
    const cli_opts *o;
    measure_ctx *mc;
    go_source *gosrc;
    align_buf *out;
    size_t matched;
    bool *hit; /* per TYPE operand: some type matched it */
} show_run;

/* Whether t is asked for by a TYPE operand (its name, a glob, or for a C
 * record the typedef naming it); marks the operands that match. */
static bool show_wants(show_run *sr, const align_type *t, const char *name)
{
    const char *alias = align_type_typedef_name(t);
    const char *const *types = (const char *const *)sr->o->args + 1;
    bool want = false;
    if (decl_excluded(t))
        return false; /* as if not in the binary: a name only it matches is an error */
    for (size_t k = 0; k + 1 < sr->o->nargs; k++)
        if (strcmp(types[k], name) == 0 || fnmatch(types[k], name, 0) == 0 ||
            (alias != NULL && fnmatch(types[k], alias, 0) == 0)) {
            sr->hit[k] = true;
            want = true;
        }
    return want;
}

/* One type as text: where it is declared, the layout, its notes. */
static void show_text(show_run *sr, const align_type *t, const align_layout *l,
                      const align_cost *cost, const align_go_decl_opts *godecl,
                      const char *src_file, unsigned src_line, bool check_atomic,
                      const align_measured_type *mt, const measure_cost_t *mcost)
{
    const cli_opts *o = sr->o;
    bool counted = o->counts.n > 0 || o->counts.fallback != 1;
    align_render_opts ro = {o->hex, o->optimize, counted ? cost : NULL, 1, 1, godecl};
    align_srcpos pos = align_type_pos(t);
    if (sr->matched)
        align_buf_puts(sr->out, "\n");
    if (pos.file && pos.line)
        align_buf_printf(sr->out, "/* %s:%u */\n", pos.file, pos.line);
    else if (src_file && src_line)
        align_buf_printf(sr->out, "/* %s:%u */\n", src_file, src_line);
    align_render_text(sr->out, l, &ro);
    const char *public_api = public_api_of(t, o->keeps, o->nkeeps);
    if (public_api != NULL)
        align_buf_printf(sr->out, "/* %s */\n", public_api_note(public_api));
    /* "Move it to the front" is no advice for a type the linker or compiler
     * made (its runtime original is where the field lives). */
    if (check_atomic && l->order_fixed != ALIGN_ORDER_GO_LINKER &&
        l->order_fixed != ALIGN_ORDER_GO_COMPILER)
        atomic_check_render(sr->out, l);
    if (mt)
        measure_text_type(sr->out, sr->mc, mt, mcost, "");
    else if (o->profile && l->lang == ALIGN_LANG_GO)
        align_buf_puts(sr->out, "measured: no allocation of this type in the profile "
                                "(or none typed: see the notes)\n");
    if (l->model_agrees == 0 && l->positions_valid)
        align_buf_printf(sr->out,
                         "/* warning: the model disagrees with the compiler "
                         "(%s); offsets shown are the compiler's */\n",
                         l->mismatch);
}

/* One type in the chosen format.  false (printed) when it cannot be laid
 * out or priced. */
static bool show_type(show_run *sr, align_graph *g, const align_type *t, const char *name,
                      bool check_atomic)
{
    const cli_opts *o = sr->o;
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, o->cacheline};
    align_layout *l;
    align_cost cost;
    align_go_decl_opts godecl;
    const char *src_file = NULL;
    unsigned src_line = 0;
    const align_measured_type *mt = NULL;
    measure_cost_t mcost;
    char under[256];
    bool go, have_src;
    if (align_layout_compute(&l, g, t, &lo) < 0 ||
        align_cost_compute(&cost, l, count_table_get(&o->counts, name)) < 0) {
        fprintf(stderr, "%s: %s: %s\n", o->binary, name, align_error_last()->message);
        return false;
    }
    go = l->lang == ALIGN_LANG_GO;
    /* --src: the Go type's file, for a declaration that pastes */
    have_src = go && go_source_decl(sr->gosrc, l, &godecl, &src_file, &src_line);
    mt = go ? measure_find(sr->mc, t) : NULL;
    memset(&mcost, 0, sizeof mcost);
    if (mt && measure_cost(&mcost, sr->mc, mt, l) < 0) {
        fprintf(stderr, "%s: %s: %s\n", o->binary, name, align_error_last()->message);
        align_layout_free(l);
        return false;
    }
    if (o->format == FMT_HTML) {
        html_type_section(sr->out, sr->matched, l, &cost, NULL, NULL, NULL, sr->matched >= 50);
    } else if (o->format == FMT_JSON) {
        if (sr->matched)
            align_buf_puts(sr->out, ",");
        align_render_json(sr->out, l, &cost);
        if (o->optimize)
            json_declaration(sr->out, l, have_src ? &godecl : NULL);
        if (o->optimize && go)
            unkeyed_note(sr->out, sr->gosrc, l, decl_file_of(t, src_file), true);
        if (o->optimize && go && go_source_defined(sr->gosrc, l, under, sizeof under)) {
            sr->out->len--; /* reopen the object */
            ALIGN_JSON_MEMBERS(sr->out, ALIGN_JSTR("defined_as", under));
            align_buf_puts(sr->out, "}");
        }
        const char *public_api = public_api_of(t, o->keeps, o->nkeeps);
        if (public_api != NULL) {
            sr->out->len--; /* reopen the object */
            ALIGN_JSON_MEMBERS(sr->out, ALIGN_JSTR("public_api", public_api));
            align_buf_puts(sr->out, "}");
        }
        if (o->profile) {
            sr->out->len--; /* reopen the object */
            measure_json_type(sr->out, sr->mc, mt, &mcost);
            align_buf_puts(sr->out, "}");
        }
    } else {
        show_text(sr, t, l, &cost, have_src ? &godecl : NULL, src_file, src_line, check_atomic, mt,
                  &mcost);
        if (o->optimize && go)
            unkeyed_note(sr->out, sr->gosrc, l, decl_file_of(t, src_file), false);
        if (o->optimize && go && go_source_defined(sr->gosrc, l, under, sizeof under))
            align_buf_printf(sr->out,
                             "// but the source declares it from another type (type %s %s): "
                             "reorder %s's declaration, and this type follows\n",
                             strrchr(l->name, '.') + 1, under, under);
    }
    sr->matched++;
    align_layout_free(l);
    return true;
}

static int run_show(cli_opts *o)
{
    inputs in;
    align_binary *bin;
    align_buf out;
    int status = EXIT_BAD;
    show_run sr = {o, &in.mc, NULL, &out, 0, calloc(o->nargs - 1, sizeof(bool))};
    lang_graph gs[2];
    size_t ng;

    align_buf_init(&out);
    /* --profile (and the --escape log that types its sites): the measured
     * counts of the types shown, as audit takes them. */
    if (!inputs_load(&in, o, true) || sr.hit == NULL)
        goto done;
    bin = in.bin;
    if (o->profile && o->format == FMT_TEXT)
        measure_text_header(&out, &in.mc);
    sr.gosrc = in.gosrc;
    if (o->format == FMT_JSON)
        align_buf_puts(&out, "{\"types\":[");
    if (o->format == FMT_HTML) {
        char title[512];
        snprintf(title, sizeof title, "structalign show: %s", o->binary);
        html_doc_begin(&out, title);
        align_buf_puts(&out, "<h1>");
        html_escape(&out, title);
        align_buf_puts(&out, "</h1>\n");
    }
    ng = selected_graphs(gs, bin, o->lang_set, o->lang);
    for (size_t k = 0; k < ng; k++) {
        align_graph *g = gs[k].g;
        bool check_atomic =
            atomic_check_on(o->atomic, gs[k].lang, align_binary_info_get(bin)->arch);
        for (size_t i = 0; i < align_graph_ndecls(g); i++) {
            const align_type *t = align_graph_decl(g, i);
            const char *name = type_name_of(t);
            if (show_wants(&sr, t, name) && !show_type(&sr, g, t, name, check_atomic))
                goto done;
        }
    }
    if (o->format == FMT_JSON) {
        align_buf_puts(&out, "]");
        if (o->profile)
            measure_json_tail(&out, &in.mc, 0);
        align_buf_puts(&out, "}\n");
    }
    for (size_t k = 0; k + 1 < o->nargs; k++)
        if (!sr.hit[k]) {
            fprintf(stderr, "%s: no struct or union type matches '%s'\n", o->binary,
                    o->args[k + 1]);
            fprintf(stderr, "hint: list the types with: structalign audit --all %s\n", o->binary);
            goto done;
        }
    if (o->format == FMT_HTML)
        html_doc_end(&out);
    else if (o->profile && o->format != FMT_JSON)
        measure_text_untyped(&out, &in.mc);
    if (emit(&out))
        status = EXIT_OK;
done:
    free(sr.hit);
    align_buf_free(&out); /* sr.gosrc is in's */
    inputs_free(&in);
    return status;
}

/* --as-arch: project.c does the work. */
static int run_projection(const cli_opts *o)
{
    if (o->format == FMT_CSV || o->format == FMT_SARIF || o->format == FMT_HTML)
        return usage_error("use --format text or json",
                           "--as-arch has no CSV, SARIF or HTML output");
    return project_run(o);
}

static int check_audit(cli_opts *o)
{
    return check_operands(o, false);
}

static int check_show(cli_opts *o)
{
    return check_operands(o, true);
}

static int cmd_common(int argc, char **argv, bool is_show)
{
    cli_opts o;
    int status;
    if (cli_start(&o, is_show ? CMD_SHOW : CMD_AUDIT, is_show ? show_usage : audit_usage,
                  is_show ? check_show : check_audit, argc, argv, &status))
        status = o.as_arch_set ? run_projection(&o) : is_show ? run_show(&o) : run_audit(&o);
    cli_opts_free(&o);
    return status;
}

int cmd_audit(int argc, char **argv)
{
    return cmd_common(argc, argv, false);
}

int cmd_show(int argc, char **argv)
{
    return cmd_common(argc, argv, true);
}
