/*
 * diff.c - `structalign diff OLD NEW`: what changed in the struct layouts
 * between two builds of a program.
 *
 * For CI: a pull request that adds a field to a type with 100 million
 * instances costs memory that no test notices.  Both binaries' types are
 * laid out as their DWARF says (ALIGN_LAYOUT_GIVEN, no optimisation: only
 * size and padding are compared), matched by name, and each difference is
 * weighed by the --count of the type.  A binary has ~10^4 types: two sorted
 * arrays and one merge, O(n log n).
 */
#include "options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char diff_usage[] =
    "usage: structalign diff [options] OLD NEW\n"
    "\n"
    "Compare the struct layouts of two builds: types that grew, shrank, gained\n"
    "or lost padding, appeared or disappeared, weighed by instance counts.\n"
    "\n"
    "options:\n"
    "  -c, --count [TYPE=]N        instances (glob; 100M, 1.5G); repeatable\n"
    "      --strict                a --count that matches no type is an error\n"
    "  -t, --filter PATTERN        only types whose name matches the glob; repeatable\n"
    "  -l, --lang go|c             only Go or only C types\n"
    "  -F, --format text|json|sarif|html\n"
    "      --fail-on-growth BYTES  exit 1 when the net growth (size change x count,\n"
    "                              over types in both builds) exceeds BYTES\n"
    "  -p, --profile FILE          counts measured by a Go heap profile of OLD (the\n"
    "                              build that ran), typed through --escape\n"
    "  -e, --escape LOG            OLD's escape log; --src DIR where its paths start\n"
    "      --sample inuse|alloc    with --profile: live (default) or allocated objects\n"
    "  -q, --quiet, --no-progress  no progress line on a terminal\n" DEBUG_DIR_USAGE
        DECL_FILTER_USAGE "  -h, --help                  this help\n"
    "\n"
    "example:\n"
    "  structalign diff --count main.Order=100M --fail-on-growth 10M old/server new/server\n";

typedef struct entry {
    const char *name; /* owned by the binary's graph */
    align_lang lang;
    uint64_t size, padding;
    const char *file; /* declaration, when DWARF has it */
    unsigned line;
    align_graph *g; /* to lay it out again (--format html) */
    const align_type *t;
} entry;

typedef struct side {
    align_binary *bin;
    entry *e;
    size_t n, cap;
} side;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return (int)x->lang - (int)y->lang;
}

static bool wanted(const cli_opts *o, const char *name)
{
    return pattern_list_match(o->filters, o->nfilters, name);
}

/* Opens a binary and lays out every selected type; false (with a message)
 * on failure. */
static bool load(side *s, const char *path, const cli_opts *o, unsigned flags)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN | ALIGN_LAYOUT_NO_OPTIMIZE, 0};
    lang_graph gs[2];
    size_t ng;
    s->bin = open_binary(path, flags);
    if (s->bin == NULL)
        return false;
    ng = selected_graphs(gs, s->bin, o->lang_set, o->lang);
    for (size_t k = 0; k < ng; k++) {
        align_lang lang = gs[k].lang;
        align_graph *g = gs[k].g;
        for (size_t i = 0; i < align_graph_ndecls(g); i++) {
            const align_type *t = align_graph_decl(g, i);
            const char *name = type_name_of(t);
            align_layout *l;
            if (!wanted(o, name) || decl_excluded(t) || align_layout_compute(&l, g, t, &lo) < 0)
                continue;
            if (align_vec_reserve((void **)&s->e, &s->cap, s->n + 1, sizeof *s->e, 256) < 0) {
                align_layout_free(l);
                usage_error(NULL, "out of memory");
                return false;
            }
            align_srcpos pos = align_type_pos(t);
            s->e[s->n++] = (entry){name, lang, l->size, l->padding, pos.file, pos.line, g, t};
            align_layout_free(l);
        }
    }
    if (s->n > 1) /* s->e is NULL for a binary without records */
        qsort(s->e, s->n, sizeof *s->e, cmp_entry);
    return true;
}

/* Two binaries, and the options that only --profile uses. */
static int check_operands(cli_opts *o)
{
    if (o->nargs != 2)
        return usage_error("structalign diff OLD NEW", "diff takes two binaries, got %zu",
                           o->nargs);
    if ((o->sample_set || o->nescapes > 0 || o->src_dir) && o->profile == NULL)
        return usage_error("--sample, --escape and --src go with --profile in diff",
                           "%s without --profile",
                           o->sample_set ? "--sample"
                           : o->nescapes ? "--escape"
                                         : "--src");
    return 0;
}

/* The size and padding cells of one build (which: 'o' old, 'n' new),
 * empty when the type is not in that build. */
static void size_cells(align_buf *out, char which, const entry *e)
{
    if (e == NULL) {
        align_buf_puts(out, "<td data-v=\"0\"></td><td data-v=\"0\"></td>");
        return;
    }
    align_buf_printf(out,
                     "<td class=\"%csize\" data-v=\"%llu\">%llu</td><td class=\"%cpad\" "
                     "data-v=\"%llu\">%llu</td>",
                     which, (unsigned long long)e->size, (unsigned long long)e->size, which,
                     (unsigned long long)e->padding, (unsigned long long)e->padding);
}

/* --format html: the table row of one difference, and (types in both
 * builds) the two byte maps side by side into maps.  false (printed) when
 * a layout fails. */
static bool report_html(align_buf *out, align_buf *maps, size_t id, const char *what,
                        const entry *a, const entry *b, uint64_t count, long long delta)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN | ALIGN_LAYOUT_NO_OPTIMIZE, 0};
    const entry *e = a ? a : b;
    align_buf_puts(out, "<tr data-name=\"");
    html_escape(out, e->name);
    align_buf_printf(out,
                     "\"><td class=\"change\" data-v=\"%s\">%s</td><td class=\"name\" "
                     "data-v=\"",
                     what, what);
    html_escape(out, e->name);
    align_buf_puts(out, "\">");
    if (a && b)
        align_buf_printf(out, "<a href=\"#d%zu\">", id);
    html_escape(out, e->name);
    align_buf_puts(out, a && b ? "</a></td>" : "</td>");
    size_cells(out, 'o', a);
    size_cells(out, 'n', b);
    align_buf_printf(out,
                     "<td class=\"count\" data-v=\"%llu\">%llu</td><td class=\"delta\" "
                     "data-v=\"%lld\">%+lld</td></tr>\n",
                     (unsigned long long)count, (unsigned long long)count, delta, delta);
    if (a && b) {
        align_layout *la, *lb;
        if (align_layout_compute(&la, a->g, a->t, &lo) < 0) {
            print_lib_error(NULL, 0);
            return false;
        }
        if (align_layout_compute(&lb, b->g, b->t, &lo) < 0) {
            print_lib_error(NULL, 0);
            align_layout_free(la);
            return false;
        }
        align_buf_printf(maps, "<section class=\"type diff\" id=\"d%zu\" data-name=\"", id);
        html_escape(maps, e->name);
        align_buf_puts(maps, "\"><h3>");
        html_escape(maps, e->name);
        align_buf_printf(maps,
                         " (%s)</h3>\n<div class=\"side\"><div class=\"old\"><div>old: "
                         "%llu bytes, padding %llu</div>",
                         what, (unsigned long long)la->size, (unsigned long long)la->padding);
        html_byte_map(maps, la);
        align_buf_printf(maps,
                         "</div><div class=\"new\"><div>new: %llu bytes, padding "
                         "%llu</div>",
                         (unsigned long long)lb->size, (unsigned long long)lb->padding);
        html_byte_map(maps, lb);
        align_buf_puts(maps, "</div></div></section>\n");
        align_layout_free(la);
        align_layout_free(lb);
    }
    return true;
}

/* Writes one difference; delta is the size change x count (0 for types in
 * only one build: they do not count as growth). */
static void report(align_buf *out, bool json, bool *first, const char *what, const entry *a,
                   const entry *b, uint64_t count, long long delta, bool sarif)
{
    const entry *e = a ? a : b;
    if (sarif) {
        /* Only growth is a finding; the rest is information. */
        char msg[512];
        bool grew = a && b && b->size > a->size;
        bool padded = a && b && b->size == a->size && b->padding > a->padding;
        snprintf(msg, sizeof msg,
                 "%s %s: size %llu -> %llu, padding %llu -> %llu (%+lld bytes "
                 "at %llu instances)",
                 e->name, what, a ? (unsigned long long)a->size : 0ULL,
                 b ? (unsigned long long)b->size : 0ULL, a ? (unsigned long long)a->padding : 0ULL,
                 b ? (unsigned long long)b->padding : 0ULL, delta, (unsigned long long)count);
        if (grew || padded)
            sarif_result(out, first, grew ? "SA003" : "SA004", grew ? "warning" : "note", msg,
                         e->file, e->line);
        return;
    }
    if (json) {
        align_buf_puts(out, *first ? "{\"name\":" : ",{\"name\":");
        align_buf_json_string(out, e->name);
        align_buf_printf(out, ",\"lang\":\"%s\",\"change\":\"%s\"", align_lang_name(e->lang), what);
        if (a)
            align_buf_printf(out, ",\"old_size\":%llu,\"old_padding\":%llu",
                             (unsigned long long)a->size, (unsigned long long)a->padding);
        if (b)
            align_buf_printf(out, ",\"new_size\":%llu,\"new_padding\":%llu",
                             (unsigned long long)b->size, (unsigned long long)b->padding);
        align_buf_printf(out, ",\"count\":%llu,\"bytes_delta\":%lld}", (unsigned long long)count,
                         delta);
    } else {
        align_buf_printf(out, "%-16s %-40s", what, e->name);
        if (a && b)
            align_buf_printf(out, " size %llu -> %llu, padding %llu -> %llu",
                             (unsigned long long)a->size, (unsigned long long)b->size,
                             (unsigned long long)a->padding, (unsigned long long)b->padding);
        else
            align_buf_printf(out, " size %llu, padding %llu", (unsigned long long)e->size,
                             (unsigned long long)e->padding);
        if (a && b && a->size != b->size)
            align_buf_printf(out, " (%+lld bytes x %llu = %+lld)",
                             (long long)((__int128)b->size - (__int128)a->size),
                             (unsigned long long)count, delta);
        align_buf_puts(out, "\n");
    }
    *first = false;
}

/* The document's head, before the first change. */
static void diff_begin(align_buf *out, const cli_opts *o, const measure_ctx *mc)
{
    if ((o->format == FMT_HTML)) {
        char title[1024];
        snprintf(title, sizeof title, "structalign diff: %s -> %s", o->args[0], o->args[1]);
        html_doc_begin(out, title);
        align_buf_puts(out, "<h1>");
        html_escape(out, title);
        align_buf_puts(out, "</h1>\n<div id=\"controls\" class=\"hidden\"><label>filter: "
                            "<input id=\"filter\" type=\"search\"></label> <span "
                            "id=\"pager\"><button id=\"prev\">&larr;</button><span "
                            "id=\"pageinfo\"></span><button id=\"next\">&rarr;</button>"
                            "</span></div>\n<table class=\"types\"><thead><tr><th>change</th>"
                            "<th class=\"name\">type</th><th data-num=\"1\">old size</th>"
                            "<th data-num=\"1\">old padding</th><th data-num=\"1\">new "
                            "size</th><th data-num=\"1\">new padding</th><th "
                            "data-num=\"1\">count</th><th data-num=\"1\">bytes</th></tr>"
                            "</thead><tbody>\n");
    } else if ((o->format == FMT_SARIF)) {
        sarif_begin(out);
    } else if ((o->format == FMT_JSON)) {
        align_buf_puts(out, "{\"old\":");
        align_buf_json_string(out, o->args[0]);
        align_buf_puts(out, ",\"new\":");
        align_buf_json_string(out, o->args[1]);
        align_buf_puts(out, ",\"types\":[");
    } else {
        align_buf_printf(out, "%s -> %s\n", o->args[0], o->args[1]);
        if (o->profile)
            measure_text_header(out, mc);
    }
}

/* The totals and the document's tail.  n[] counts each kind of change. */
static void diff_end(align_buf *out, const align_buf *maps, const cli_opts *o,
                     const measure_ctx *mc, const size_t n[6], long long net)
{
    if ((o->format == FMT_HTML)) {
        align_buf_printf(out,
                         "</tbody></table>\n<p id=\"d-summary\" data-grew=\"%zu\" "
                         "data-shrank=\"%zu\" data-net=\"%lld\">%zu grew, %zu shrank, %zu "
                         "gained padding, %zu lost padding, %zu appeared, %zu disappeared; net "
                         "growth %+lld bytes</p>\n<h2>Byte maps, old and new</h2>\n",
                         n[0], n[1], net, n[0], n[1], n[2], n[3], n[4], n[5], net);
        if (maps->data)
            align_buf_append(out, maps->data, maps->len);
        if (maps->failed)
            out->failed = 1;
        html_doc_end(out);
    } else if ((o->format == FMT_SARIF)) {
        sarif_end(out);
    } else if ((o->format == FMT_JSON)) {
        align_buf_printf(out,
                         "],\"grew\":%zu,\"shrank\":%zu,\"gained_padding\":%zu,"
                         "\"lost_padding\":%zu,\"appeared\":%zu,\"disappeared\":%zu,"
                         "\"net_growth\":%lld",
                         n[0], n[1], n[2], n[3], n[4], n[5], net);
        if (o->profile)
            measure_json_tail(out, mc, 0);
        align_buf_puts(out, "}\n");
    } else {
        align_buf_printf(out,
                         "%zu grew, %zu shrank, %zu gained padding, %zu lost padding, "
                         "%zu appeared, %zu disappeared; net growth %+lld bytes\n",
                         n[0], n[1], n[2], n[3], n[4], n[5], net);
    }
}

/* The kinds of change, in the order of diff_end's counts. */
enum { GREW, SHRANK, GAINED_PADDING, LOST_PADDING, APPEARED, DISAPPEARED };
static const char *const kinds[6] = {"grew",         "shrank",   "gained padding",
                                     "lost padding", "appeared", "disappeared"};

/* A type in both builds: its kind of change (-1: none) and *delta, its size
 * change times its count.  Exact: sizes and counts are uint64, so the
 * change and its product with the count are formed in 128 bits and must fit
 * the signed 64 bits reported (never a count cast to long long, which made
 * 2^64-1 instances -1); false when they do not. */
static bool compare(const entry *x, const entry *y, uint64_t count, int *kind, long long *delta)
{
    __int128 d = (__int128)y->size - (__int128)x->size, wide;
    *delta = 0;
    *kind = d > 0                     ? GREW
            : d < 0                   ? SHRANK
            : y->padding > x->padding ? GAINED_PADDING
            : y->padding < x->padding ? LOST_PADDING
                                      : -1;
    if (d > INT64_MAX || d < INT64_MIN || __builtin_mul_overflow(d, (__int128)count, &wide) ||
        wide > INT64_MAX || wide < INT64_MIN)
        return false;
    *delta = (long long)wide;
    return true;
}

/* One change in the chosen format; false (printed) when a layout fails. */
static bool emit_change(align_buf *out, align_buf *maps, size_t *nhtml, const cli_opts *o,
                        bool *first, int kind, const entry *x, const entry *y, uint64_t count,
                        long long delta)
{
    if ((o->format == FMT_HTML))
        return report_html(out, maps, (*nhtml)++, kinds[kind], x, y, count, delta);
    report(out, (o->format == FMT_JSON), first, kinds[kind], x, y, count, delta,
           (o->format == FMT_SARIF));
    return true;
}

int cmd_diff(int argc, char **argv)
{
    cli_opts o;
    side a = {0}, b = {0};
    align_heap_join *join = NULL;
    measure_ctx mc = {NULL, ALIGN_SAMPLE_INUSE, NULL, NULL, false};
    align_buf out, maps;
    size_t i = 0, j = 0, n[6] = {0}, nhtml = 0;
    long long net = 0;
    bool first = true;
    const char *overflow_type = NULL;
    int status = EXIT_BAD;

    align_buf_init(&out);
    align_buf_init(&maps);
    if (!cli_start(&o, CMD_DIFF, diff_usage, check_operands, argc, argv, &status))
        goto done;
    /* --profile: the counts OLD's run measured (the profile and logs are
     * read first: bad ones are reported before the slow binary loads). */
    mc.sample = o.sample;
    if (o.nescapes > 0 && !escape_load(&join, o.escapes, o.nescapes, o.src_dir))
        goto done;
    if (o.profile && !measure_load(&mc, o.profile))
        goto done;
    if (!load(&a, o.args[0], &o, o.profile ? ALIGN_BINARY_GO_FUNCS : 0) ||
        !load(&b, o.args[1], &o, 0))
        goto done;
    if (join && !escape_join(join, a.bin, o.args[0]))
        goto done;
    if (o.profile && !measure_join(&mc, a.bin, join, &o.counts, o.args[0]))
        goto done;
    diff_begin(&out, &o, &mc);
    while (i < a.n || j < b.n) {
        int c = i == a.n ? 1 : j == b.n ? -1 : cmp_entry(&a.e[i], &b.e[j]);
        const entry *x = c <= 0 ? &a.e[i++] : NULL, *y = c >= 0 ? &b.e[j++] : NULL;
        uint64_t count = count_table_get(&o.counts, (x ? x : y)->name);
        long long delta = 0;
        int kind = x == NULL ? APPEARED : DISAPPEARED;
        if (x != NULL && y != NULL) {
            if ((!compare(x, y, count, &kind, &delta) ||
                 __builtin_add_overflow(net, delta, &net)) &&
                overflow_type == NULL)
                overflow_type = x->name;
            if (kind < 0)
                continue;
        }
        if (!emit_change(&out, &maps, &nhtml, &o, &first, kind, x, y, count, delta))
            goto done;
        n[kind]++;
    }
    /* Exact or refused: a wrapped growth would print nonsense and could let
     * --fail-on-growth pass. */
    if (!count_table_check_unused(&o.counts, o.strict))
        goto done;
    if (overflow_type != NULL) {
        fprintf(stderr,
                "%s: error: the growth of %s (size change x count) or the net growth "
                "passes the 64-bit range (2^63-1 bytes): it cannot be reported exactly\n",
                o.args[1], overflow_type);
        fprintf(stderr, "hint: check the --count values\n");
        goto done;
    }
    diff_end(&out, &maps, &o, &mc, n, net);
    if (!emit(&out))
        goto done;
    status = EXIT_OK;
    if (o.fail_set && net > 0 && (uint64_t)net > o.fail_bytes) {
        fprintf(stderr, "%s: net growth %lld bytes exceeds --fail-on-growth %llu\n", o.args[1], net,
                (unsigned long long)o.fail_bytes);
        status = EXIT_GATE;
    }
done:
    align_buf_free(&out);
    align_buf_free(&maps);
    measure_free(&mc);
    align_heap_join_free(join);
    free(a.e);
    free(b.e);
    align_binary_free(a.bin);
    align_binary_free(b.bin);
    cli_opts_free(&o);
    return status;
}
