/*
 * escape.c - `structalign audit --escape`: reading the escape logs the
 * user names, and the report lines of the escape join (the join itself is
 * libalign's heapsites.c; audit.c ranks the types and calls these).
 *
 * An --escape argument is a -m text log (a file, or "-"), a directory
 * written by -gcflags=-json=0,DIR, or one .json file of such a directory.
 * A file is JSON when its first non-blank byte is '{': go never writes
 * that at the start of -m output ("# pkg" or "file:line:col: ...").
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool looks_like_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    int c = EOF;
    if (f == NULL)
        return false; /* the text reader reports why */
    do
        c = fgetc(f);
    while (c != EOF && isspace(c));
    fclose(f);
    return c == '{';
}

/* Whether path goes to the -json reader: a directory, or a regular file
 * that starts with '{'.  Only a regular file is peeked at: fopen() of a
 * FIFO would block.  Anything else goes to the text reader, which refuses
 * it. */
static bool is_json_input(const char *path, bool *dir)
{
    struct stat st;
    *dir = false;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return false;
    *dir = S_ISDIR(st.st_mode);
    return *dir || (S_ISREG(st.st_mode) && looks_like_json(path));
}

/* The threads escape_load asks for: two when there are two cores. */
static unsigned parse_threads(void)
{
    return sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
}

bool escape_load_fills_cores(const char *const *paths, size_t n)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (parse_threads() < 2 || cores > (long)parse_threads())
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dir;
        if (is_json_input(paths[i], &dir) && dir)
            return true;
    }
    return false;
}

bool escape_load(align_heap_join **out, const char *const *paths, size_t n, const char *src_dir)
{
    align_heap_join *j = NULL;
    *out = NULL;
    if (align_heap_join_open(&j, src_dir) < 0) {
        print_lib_error(NULL, 0);
        return false;
    }
    /* A -json directory's files are parsed on two cores (the binary is
     * read on a thread of its own meanwhile: bgload.c). */
    if (parse_threads() > 1)
        align_heap_join_set_threads(j, parse_threads());
    progress prog;
    progress_begin(&prog, "reading escape log");
    if (prog.on)
        align_heap_join_set_progress(j, progress_update, &prog);
    for (size_t i = 0; i < n; i++) {
        bool dir;
        int rc;
        if (is_json_input(paths[i], &dir))
            rc = align_heap_join_read_json_dir(j, paths[i]);
        else
            rc = align_heap_join_read_text(j, paths[i]);
        progress_end(&prog);
        if (rc < 0) {
            const align_error *e = align_error_last();
            if (e->file[0] && e->line && e->col)
                fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->col, e->message);
            else if (e->file[0] && e->line)
                fprintf(stderr, "%s:%u: error: %s\n", e->file, e->line, e->message);
            else
                fprintf(stderr, "%s: error: %s\n", e->file[0] ? e->file : paths[i], e->message);
            if (e->hint[0])
                fprintf(stderr, "hint: %s\n", e->hint);
            align_heap_join_free(j);
            return false;
        }
    }
    align_heap_join_set_progress(j, NULL, NULL);
    *out = j;
    return true;
}

int escape_join_run(align_heap_join *j, align_binary *bin, align_error *e)
{
    int rc = align_heap_join_finish(j, bin);
    if (rc < 0)
        *e = *align_error_last();
    return rc;
}

bool escape_join(align_heap_join *j, align_binary *bin, const char *binary)
{
    align_error e;
    return escape_join_report(j, escape_join_run(j, bin, &e), &e, binary);
}

bool escape_join_report(const align_heap_join *j, int rc, const align_error *e, const char *binary)
{
    if (rc < 0) {
        fprintf(stderr, "%s: error: %s\n", binary, e->message);
        if (e->hint[0])
            fprintf(stderr, "hint: %s\n", e->hint);
        return false;
    }
    for (size_t i = 0; i < align_heap_join_ndiags(j); i++) {
        const align_heap_diag *d = align_heap_join_diag(j, i);
        fprintf(stderr, "%s: %s: %s\n", d->input ? d->input : progname,
                d->severity == ALIGN_HEAP_WARNING ? "warning" : "note", d->message);
    }
    return true;
}

/* "./main.go:55:2" */
static void site_pos(align_buf *out, const align_heap_site *s)
{
    align_buf_printf(out, "%s:%u", s->file, s->line);
    if (s->col)
        align_buf_printf(out, ":%u", s->col);
}

/* The expression as the compiler's message names the allocation. */
static void site_expr(align_buf *out, const align_heap_site *s)
{
    if (s->kind == ALIGN_ESCAPE_MOVED)
        align_buf_printf(out, "moved to heap: %s", s->expr);
    else if (s->kind == ALIGN_ESCAPE_UNKNOWN)
        align_buf_puts(out, "(no expression)");
    else
        align_buf_puts(out, s->expr);
}

/* Whether the scope keeps a site: a struct site by its type's name, the
 * others by their package. */
static bool site_in(const site_scope *sc, const align_heap_site *h)
{
    if (sc == NULL || sc->nfilters == 0)
        return true;
    if (h->status == ALIGN_HEAP_STRUCT && h->type != NULL)
        return pattern_list_match(sc->filters, sc->nfilters, type_name_of(h->type));
    return pattern_list_match_package(sc->filters, sc->nfilters, h->package);
}

/* The join's summary over the sites in scope (the join's own without
 * filters; duplicates are the join's either way). */
static void scoped_summary(align_heap_summary *s, const align_heap_join *j, const site_scope *sc)
{
    uint64_t dups;
    align_heap_join_summary(s, j);
    if (sc == NULL || sc->nfilters == 0)
        return;
    dups = s->duplicates;
    memset(s, 0, sizeof *s);
    s->duplicates = dups;
    for (size_t i = 0; i < align_heap_join_nsites(j); i++) {
        align_heap_site h_v;
        align_heap_join_site(j, i, &h_v);
        const align_heap_site *h = &h_v;
        if (!site_in(sc, h))
            continue;
        s->sites++;
        if (h->status == ALIGN_HEAP_STACK) {
            s->stack++;
            continue;
        }
        s->heap++;
        if (h->status == ALIGN_HEAP_STRUCT)
            s->structs++;
        else if (h->status == ALIGN_HEAP_OTHER)
            s->other++;
        else
            s->unresolved++;
        if (h->path == NULL && !h->not_linked && h->file[0] != '<')
            s->unmatched++;
        if (h->stale)
            s->stale++;
        if (h->not_linked)
            s->not_linked++;
    }
    for (size_t i = 0; i < align_heap_join_ntypes(j); i++)
        if (pattern_list_match(sc->filters, sc->nfilters,
                               type_name_of(align_heap_join_type(j, i)->type)))
            s->types++;
}

void escape_text_header(align_buf *out, const align_heap_join *j, const site_scope *sc)
{
    align_heap_summary s;
    scoped_summary(&s, j, sc);
    align_buf_printf(out,
                     "escape log: %llu sites: %llu heap (%llu of %zu struct type%s, %llu of "
                     "other values, %llu unresolved), %llu stack-only",
                     (unsigned long long)s.sites, (unsigned long long)s.heap,
                     (unsigned long long)s.structs, s.types, s.types == 1 ? "" : "s",
                     (unsigned long long)s.other, (unsigned long long)s.unresolved,
                     (unsigned long long)s.stack);
    if (s.duplicates)
        align_buf_printf(out, "; %llu duplicates dropped", (unsigned long long)s.duplicates);
    if (sc != NULL && sc->nfilters > 0)
        align_buf_puts(out, " (those --filter selects)");
    align_buf_puts(out, "\n");
}

static void alloc_text(align_buf *out, const align_go_alloc *a)
{
    if (a->size_class == 0 && a->pages)
        align_buf_printf(out, "%llu (%llu pages)", (unsigned long long)a->bytes,
                         (unsigned long long)a->pages);
    else
        align_buf_printf(out, "%llu", (unsigned long long)a->bytes);
}

void escape_text_type(align_buf *out, const align_heap_join *j, const align_heap_type *ht,
                      const align_heap_cost *c, const char *indent)
{
    char a[32], b[32], n[32];
    if (c->per_element) {
        align_format_count(n, sizeof n, c->count);
        align_format_bytes(a, sizeof a, c->now.bytes);
        align_format_bytes(b, sizeof b, c->optimal.bytes);
        align_buf_printf(out, "%sbacking array of %s: %s -> %s, ", indent, n, a, b);
        align_format_bytes(a, sizeof a, c->saved);
        align_buf_printf(out, "%s saved\n", a);
    } else {
        align_buf_printf(out, "%ssize class ", indent);
        alloc_text(out, &c->now);
        align_buf_puts(out, " -> ");
        alloc_text(out, &c->optimal);
        align_buf_printf(out, ", %llu bytes/object saved", (unsigned long long)c->saved);
        if (c->count != 1) {
            align_format_bytes(a, sizeof a, c->saved_total);
            align_format_count(n, sizeof n, c->count);
            align_buf_printf(out, " (%s for %s)", a, n);
        }
        if (c->now.tiny)
            align_buf_printf(out,
                             "; pointer-free and under %u bytes: the tiny allocator "
                             "packs %u (reordered: %u) into each %u-byte block",
                             ALIGN_GO_TINY_SIZE, c->now.tiny_per_block, c->optimal.tiny_per_block,
                             ALIGN_GO_TINY_SIZE);
        align_buf_puts(out, "\n");
    }
    /* Sites written where they are reported first; then, per function
     * whose body the compiler inlined, that function with its call sites
     * beneath (a constructor inlined into 11 callers is one allocation in
     * the source). */
    for (size_t pass = 0; pass < ht->nsites + 1; pass++) {
        const char *callee = NULL;
        size_t shown = 0;
        if (pass > 0) {
            /* the pass-th site that starts a new callee group */
            align_heap_site s_v;
            align_heap_join_site(j, ht->sites[pass - 1], &s_v);
            const align_heap_site *s = &s_v;
            bool seen = false;
            if (s->inlined == NULL)
                continue;
            for (size_t k = 0; k + 1 < pass && !seen; k++) {
                align_heap_site p_v;
                align_heap_join_site(j, ht->sites[k], &p_v);
                const align_heap_site *p = &p_v;
                seen = p->inlined != NULL && strcmp(p->inlined, s->inlined) == 0;
            }
            if (seen)
                continue;
            callee = s->inlined;
        }
        for (size_t i = 0; i < ht->nsites; i++) {
            align_heap_site s_v;
            align_heap_join_site(j, ht->sites[i], &s_v);
            const align_heap_site *s = &s_v;
            if (callee == NULL ? s->inlined != NULL
                               : s->inlined == NULL || strcmp(s->inlined, callee) != 0)
                continue;
            if (callee != NULL && shown++ == 0)
                align_buf_printf(out, "%sheap: in %s, inlined at:\n", indent, callee);
            align_buf_printf(out, "%s%s", indent, callee ? "  at: " : "heap: ");
            site_pos(out, s);
            align_buf_puts(out, " ");
            site_expr(out, s);
            align_buf_printf(out, " (%s%s%s%s)\n", align_escape_kind_name(s->kind),
                             s->via ? "; " : "", s->via ? s->via : "",
                             s->stack_buffer ? "; on the heap when over the 32-byte stack buffer "
                                               "(go1.25+)"
                                             : "");
        }
    }
}

/* From site *i on, the next unresolved site in scope, into *h; false past
 * the last.  Loops: for (i = 0; next_unresolved(j, sc, &i, &h); i++). */
static bool next_unresolved(const align_heap_join *j, const site_scope *sc, size_t *i,
                            align_heap_site *h)
{
    for (; *i < align_heap_join_nsites(j); ++*i) {
        align_heap_join_site(j, *i, h);
        if (h->status == ALIGN_HEAP_UNRESOLVED && site_in(sc, h))
            return true;
    }
    return false;
}

/* Text lists the unresolved sites of the user's packages; those of the
 * standard library and cmd/ (all=-m logs: mostly code the linker removed)
 * and those not linked are counted, and listed in JSON, and in text too
 * with --all-unresolved or a --filter package pattern that selects them. */
void escape_text_unresolved(align_buf *out, const align_heap_join *j, const site_scope *sc)
{
    align_heap_summary s;
    size_t nstd = 0, nlinked = 0;
    bool list_all = sc != NULL && sc->all, list_std = list_all;
    scoped_summary(&s, j, sc);
    if (s.unresolved == 0)
        return;
    for (size_t k = 0; sc != NULL && k < sc->nfilters; k++)
        list_std = list_std || pattern_is_package(sc->filters[k]);
    /* Each cause with its count: code the linker removed says nothing
     * against the log; a log of another build or program does. */
    {
        uint64_t other = 0, nofile = 0, stale = 0;
        for (size_t i = 0; i < align_heap_join_nsites(j); i++) {
            align_heap_site h_v;
            align_heap_join_site(j, i, &h_v);
            const align_heap_site *h = &h_v;
            if (h->status != ALIGN_HEAP_UNRESOLVED || h->not_linked || !site_in(sc, h))
                continue;
            if (h->path == NULL)
                nofile++;
            else if (h->stale)
                stale++;
            else
                other++;
        }
        align_buf_printf(out, "\nUnresolved heap sites (%llu: ", (unsigned long long)s.unresolved);
        align_buf_printf(out,
                         "%llu not linked, %llu in files the binary does not have, %llu "
                         "contradicting it, %llu not typed):\n",
                         (unsigned long long)s.not_linked, (unsigned long long)nofile,
                         (unsigned long long)stale, (unsigned long long)other);
    }
    align_heap_site h_v;
    const align_heap_site *h = &h_v;
    for (size_t i = 0; next_unresolved(j, sc, &i, &h_v); i++) {
        if (h->not_linked && !list_all) {
            nlinked++;
            continue;
        }
        if (align_go_package_is_std(h->package) && !list_std) {
            nstd++;
            continue;
        }
        align_buf_puts(out, "  ");
        site_pos(out, h);
        align_buf_puts(out, " ");
        site_expr(out, h);
        align_buf_printf(out, " (%s): %s\n", align_escape_kind_name(h->kind), h->reason);
        emit_partial(out);
    }
    if (nstd)
        align_buf_printf(out,
                         "  ... and %zu in standard-library and cmd/ packages "
                         "(--all-unresolved lists them)\n",
                         nstd);
    if (nlinked)
        align_buf_printf(out,
                         "  ... and %zu in functions the linker removed (not linked; "
                         "--all-unresolved lists them)\n",
                         nlinked);
}

static void site_json(align_buf *out, const align_heap_site *s, bool reason)
{
    align_buf_puts(out, "{\"file\":");
    align_buf_json_string(out, s->file);
    align_buf_printf(out, ",\"line\":%u,\"col\":%u,\"kind\":\"%s\",\"expr\":", s->line, s->col,
                     align_escape_kind_name(s->kind));
    align_buf_json_string(out, s->expr);
    if (s->path) {
        align_buf_puts(out, ",\"path\":");
        align_buf_json_string(out, s->path);
    }
    if (s->per_element)
        align_buf_puts(out, ",\"per_element\":true");
    if (s->stack_buffer)
        align_buf_puts(out, ",\"stack_buffer\":true");
    if (s->inlined) {
        align_buf_puts(out, ",\"inlined_from\":");
        align_buf_json_string(out, s->inlined);
    }
    if (s->func) {
        align_buf_puts(out, ",\"func\":");
        align_buf_json_string(out, s->func);
    }
    if (s->via) {
        align_buf_puts(out, ",\"via\":");
        align_buf_json_string(out, s->via);
    }
    if (reason) {
        align_buf_puts(out, ",\"reason\":");
        align_buf_json_string(out, s->reason ? s->reason : "");
        align_buf_printf(out, ",\"stale\":%s", s->stale ? "true" : "false");
        if (s->not_linked)
            align_buf_puts(out, ",\"not_linked\":true");
    }
    if (s->package) {
        align_buf_puts(out, ",\"package\":");
        align_buf_json_string(out, s->package);
    }
    align_buf_puts(out, ",\"input\":");
    align_buf_json_string(out, s->input ? s->input : "");
    align_buf_puts(out, "}");
}

void escape_json_type(align_buf *out, const align_heap_join *j, const align_heap_type *ht,
                      const align_heap_cost *c, uint64_t reclaimable)
{
    align_buf_puts(out, ",\"escapes\":[");
    for (size_t i = 0; ht != NULL && i < ht->nsites; i++) {
        if (i)
            align_buf_puts(out, ",");
        align_heap_site s;
        align_heap_join_site(j, ht->sites[i], &s);
        site_json(out, &s, false);
    }
    align_buf_puts(out, "]");
    if (c == NULL)
        return; /* a C type: no Go allocator */
    /* A type without heap sites: what one heap object of it would save;
     * nothing is allocated, so the total is 0. */
    align_buf_printf(out,
                     ",\"heap_alloc\":\"%s\",\"size_class\":%llu,\"optimal_size_class\":%llu,"
                     "\"heap_bytes_saved\":%llu,\"heap_bytes_saved_total\":%llu,\"tiny\":%s",
                     ht == NULL       ? "none"
                     : c->per_element ? "array"
                                      : "object",
                     (unsigned long long)c->now.bytes, (unsigned long long)c->optimal.bytes,
                     (unsigned long long)(c->per_element ? reclaimable : c->saved),
                     (unsigned long long)(ht ? c->saved_total : 0), c->now.tiny ? "true" : "false");
}

void escape_json_tail(align_buf *out, const align_heap_join *j, const site_scope *sc)
{
    align_heap_summary s;
    size_t k = 0;
    scoped_summary(&s, j, sc);
    align_buf_puts(out, ",\"unresolved_sites\":[");
    align_heap_site h_v;
    const align_heap_site *h = &h_v;
    for (size_t i = 0; next_unresolved(j, sc, &i, &h_v); i++) {
        if (k++)
            align_buf_puts(out, ",");
        site_json(out, h, true);
        emit_partial(out);
    }
    align_buf_printf(out,
                     "],\"escape_summary\":{\"sites\":%llu,\"heap\":%llu,\"struct\":%llu,"
                     "\"other\":%llu,\"unresolved\":%llu,\"stack\":%llu,\"unmatched\":%llu,"
                     "\"stale\":%llu,\"not_linked\":%llu,\"duplicates\":%llu,\"types\":%zu}",
                     (unsigned long long)s.sites, (unsigned long long)s.heap,
                     (unsigned long long)s.structs, (unsigned long long)s.other,
                     (unsigned long long)s.unresolved, (unsigned long long)s.stack,
                     (unsigned long long)s.unmatched, (unsigned long long)s.stale,
                     (unsigned long long)s.not_linked, (unsigned long long)s.duplicates, s.types);
    align_buf_puts(out, ",\"escape_diagnostics\":[");
    for (size_t i = 0; i < align_heap_join_ndiags(j); i++) {
        const align_heap_diag *d = align_heap_join_diag(j, i);
        align_buf_printf(out, "%s{\"severity\":\"%s\",\"input\":", i ? "," : "",
                         d->severity == ALIGN_HEAP_WARNING ? "warning" : "note");
        if (d->input)
            align_buf_json_string(out, d->input);
        else
            align_buf_puts(out, "null");
        align_buf_puts(out, ",\"message\":");
        align_buf_json_string(out, d->message);
        align_buf_puts(out, "}");
    }
    align_buf_puts(out, "]");
}
