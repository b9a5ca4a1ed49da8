/*
 * sarif.c - SARIF 2.1.0 output (OASIS Static Analysis Results Interchange
 * Format) for `audit --format sarif` and `diff --format sarif`, so code
 * hosts and CI dashboards show padding findings next to the code.
 *
 * One run, one tool.driver with the rules used, one result per finding;
 * a result carries a physicalLocation when the DWARF gave the type a
 * declaration file and line (C types, and Go types whose DWARF has them).
 * With --escape, a Go type's heap-allocation sites are locations too: the
 * related locations of a type that has a declaration, else its locations
 * (Go's DWARF gives types no file, and a result a viewer can place is worth
 * more than one it cannot).  A result with neither has no locations, which
 * SARIF allows.
 *
 * artifactLocation.uri must be a URI reference (RFC 3986): absolute paths
 * become file:// URIs, relative ones stay relative, and every byte outside
 * the unreserved and path characters is percent-encoded.
 *
 * tests/sarif_check.py validates every document against the official
 * 2.1.0 JSON schema (fetched by ./quickstart, not shipped with us).
 */
#include "cli.h"
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *id, *name, *text;
} rules[] = {
    {"SA001", "ReclaimablePadding", "A different field order makes this type smaller."},
    {"SA002", "AtomicUnaligned",
     "A 64-bit integer at a 4-aligned offset: sync/atomic's 64-bit functions panic on it on "
     "386 and arm."},
    {"SA003", "TypeGrew", "This type is larger than in the previous build."},
    {"SA004", "PaddingGrew", "This type has more padding than in the previous build."},
    {"SA005", "InconsistentDebugInfo",
     "The debug information places members where they cannot be: they overlap or end past "
     "the type's size."},
};

void sarif_begin(align_buf *out)
{
    align_buf_puts(out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
                        "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
                        "\"name\":\"structalign\",\"version\":\"" PACKAGE_VERSION "\","
                        "\"informationUri\":\"https://example.invalid/structalign\","
                        "\"rules\":[");
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        align_buf_printf(out, "%s{\"id\":\"%s\",\"name\":\"%s\",\"shortDescription\":{\"text\":",
                         i ? "," : "", rules[i].id, rules[i].name);
        align_buf_json_string(out, rules[i].text);
        align_buf_puts(out, "}}");
    }
    align_buf_puts(out, "]}},\"results\":[");
}

/* A path as a URI reference: "/a b/x.c" -> "file:///a%20b/x.c"; "./x.go" ->
 * "x.go".  Bytes other than RFC 3986's unreserved and "/" are encoded, so
 * a file name with spaces, '%', '#' or non-ASCII bytes stays one path. */
void sarif_put_uri(align_buf *out, const char *path)
{
    align_buf_puts(out, "\"");
    if (path[0] == '/')
        align_buf_puts(out, "file://");
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("-._~/", *p) != NULL)
            align_buf_printf(out, "%c", *p);
        else
            align_buf_printf(out, "%%%02X", *p);
    }
    align_buf_puts(out, "\"");
}

static void put_location(align_buf *out, const sarif_loc *loc, bool with_id, size_t id)
{
    align_buf_puts(out, "{");
    if (with_id)
        align_buf_printf(out, "\"id\":%zu,", id);
    align_buf_puts(out, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    sarif_put_uri(out, loc->file);
    align_buf_printf(out, "},\"region\":{\"startLine\":%u", loc->line);
    if (loc->col > 0)
        align_buf_printf(out, ",\"startColumn\":%u", loc->col);
    align_buf_puts(out, "}}");
    if (loc->note != NULL) {
        align_buf_puts(out, ",\"message\":{\"text\":");
        align_buf_json_string(out, loc->note);
        align_buf_puts(out, "}");
    }
    align_buf_puts(out, "}");
}

/* Locations without a file or a line are left out. */
static void put_locations(align_buf *out, const char *key, const sarif_loc *locs, size_t n,
                          bool with_ids)
{
    size_t written = 0;
    for (size_t i = 0; i < n; i++) {
        if (locs[i].file == NULL || locs[i].file[0] == '\0' || locs[i].line == 0)
            continue;
        align_buf_printf(out, written ? "," : ",\"%s\":[", key);
        put_location(out, &locs[i], with_ids, written);
        written++;
    }
    if (written)
        align_buf_puts(out, "]");
}

/* One result; extra: members appended to it ("fixes":[...]), or NULL. */
static void result_with(align_buf *out, bool *first, const char *rule, const char *level,
                        const char *message, const sarif_loc *locs, size_t nlocs,
                        const sarif_loc *related, size_t nrelated, const align_buf *extra)
{
    align_buf_printf(out, "%s{\"ruleId\":\"%s\",\"level\":\"%s\",\"message\":{\"text\":",
                     *first ? "" : ",", rule, level);
    align_buf_json_string(out, message);
    align_buf_puts(out, "}");
    put_locations(out, "locations", locs, nlocs, false);
    put_locations(out, "relatedLocations", related, nrelated, true);
    if (extra != NULL && extra->len > 0) {
        align_buf_puts(out, ",");
        align_buf_append(out, extra->data, extra->len);
    }
    align_buf_puts(out, "}");
    *first = false;
}

void sarif_result_at(align_buf *out, bool *first, const char *rule, const char *level,
                     const char *message, const sarif_loc *locs, size_t nlocs,
                     const sarif_loc *related, size_t nrelated)
{
    result_with(out, first, rule, level, message, locs, nlocs, related, nrelated, NULL);
}

void sarif_result(align_buf *out, bool *first, const char *rule, const char *level,
                  const char *message, const char *file, unsigned line)
{
    sarif_loc loc = {file, line, 0, NULL};
    sarif_result_at(out, first, rule, level, message, &loc, 1, NULL, 0);
}

void sarif_end(align_buf *out)
{
    align_buf_puts(out, "]}]}\n");
}

/* The type's declaration and its heap sites (--escape) as locations: see
 * the comment at the top.  locs has room for 1 + ht->nsites entries. */
static void type_locations(const align_type *t, const align_heap_join *join,
                           const align_heap_type *ht, sarif_loc *locs, size_t *nlocs,
                           size_t *nrelated)
{
    align_srcpos pos = align_type_pos(t);
    size_t n = 0;
    locs[n++] = (sarif_loc){pos.file, pos.line, 0, NULL};
    for (size_t k = 0; ht != NULL && k < ht->nsites; k++) {
        align_heap_site s_v;
        align_heap_join_site(join, ht->sites[k], &s_v);
        const align_heap_site *s = &s_v;
        locs[n++] = (sarif_loc){s->path ? s->path : s->file, s->line, s->col, s->expr};
    }
    if (pos.file != NULL && pos.file[0] != '\0' && pos.line > 0) {
        *nlocs = 1;
        *nrelated = n - 1;
    } else {
        *nlocs = n;
        *nrelated = 0;
    }
}

/* The results for one row (l: its layout); adds its SA001 saving to
 * *total (it cannot wrap: at most the rows' total, which is checked). */
static void audit_type(align_buf *out, bool *first, const align_layout *l, const audit_row *r,
                       const align_heap_join *join, uint64_t min_waste, uint64_t *total,
                       source_index *src)
{
    const align_heap_type *ht = r->heap;
    size_t nsites = ht ? ht->nsites : 0, nlocs = 0, nrelated = 0;
    sarif_loc one, *locs = nsites ? calloc(1 + nsites, sizeof *locs) : &one;
    char msg[600];

    if (locs == NULL) {
        locs = &one; /* out of memory: the declaration only */
        ht = NULL;
    }
    type_locations(r->t, join, ht, locs, &nlocs, &nrelated);
    if (!l->positions_valid) {
        snprintf(msg, sizeof msg,
                 "%s: inconsistent debug information: %s; shown as written, "
                 "not optimized",
                 r->name, l->invalid);
        sarif_result_at(out, first, "SA005", "warning", msg, locs, nlocs, NULL, 0);
    }
    if (l->reclaimable > 0 && r->waste >= min_waste) {
        /* A public-API type's saving is an ABI break: a note, without a
         * fix, outside the --fail-above total. */
        if (r->public_api == NULL && __builtin_add_overflow(*total, r->waste, total))
            *total = UINT64_MAX;
        snprintf(
            msg, sizeof msg,
            "%s is %llu bytes; in another field order %llu: %llu bytes "
            "reclaimable per instance, %llu bytes at %llu instances%s%s",
            r->name, (unsigned long long)l->size, (unsigned long long)l->optimal_size,
            (unsigned long long)l->reclaimable, (unsigned long long)r->waste,
            (unsigned long long)r->count,
            r->measured && r->count == align_measured_count(r->measured, r->sample)
                ? (r->sample == ALIGN_SAMPLE_ALLOC ? " (measured: allocated)" : " (measured: live)")
                : "",
            ht ? "; heap-allocated" : "");
        /* --escape: the heap bytes owed to it (rows.c), carried up from the
         * heap types holding it by value too. */
        if (r->heap_saved > 0) {
            size_t len = strlen(msg);
            snprintf(msg + len, sizeof msg - len, "; %llu heap bytes saved%s",
                     (unsigned long long)r->heap_saved,
                     r->heap_carried ? " (with those in the heap types holding it by value)" : "");
        }
        if (r->public_api != NULL) {
            size_t len = strlen(msg);
            snprintf(msg + len, sizeof msg - len, "; %s", public_api_note(r->public_api));
        }
        {
            /* With sources (--src), the edit `fix` makes, when the source
             * gives the order the binary's layout promises. */
            align_buf fix;
            align_buf_init(&fix);
            if (r->public_api != NULL ||
                !source_fix_json(&fix, src, l->lang, r->name, align_type_pos(r->t), l->size,
                                 l->optimal_size) ||
                fix.failed)
                fix.len = 0;
            result_with(out, first, "SA001", r->public_api ? "note" : "warning", msg, locs, nlocs,
                        locs + nlocs, nrelated, &fix);
            align_buf_free(&fix);
        }
    }
    for (size_t k = 0; r->atomic_checked && k < l->natomic_unaligned; k++) {
        const align_atomic_field *f = &l->atomic_unaligned[k];
        snprintf(msg, sizeof msg, "%s.%s (%s) at offset %llu is not 8-aligned", r->name, f->path,
                 f->type_name, (unsigned long long)f->offset);
        sarif_result_at(out, first, "SA002", "error", msg, locs, 1, NULL, 0);
    }
    if (locs != &one)
        free(locs);
}

int sarif_audit_render(align_buf *out, const audit_rows *r, const align_heap_join *join,
                       uint64_t min_waste, uint32_t cacheline, uint64_t *total, source_index *src)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, cacheline};
    bool first = true;

    *total = 0;
    sarif_begin(out);
    for (size_t i = 0; i < r->n; i++) {
        const audit_row *row = &r->rows[i];
        align_layout *l;
        /* Only rows with a finding need their layout again. */
        if (!row->invalid && row->waste == 0 && row->natomic == 0 && row->size == row->optimal_size)
            continue;
        if (align_layout_compute(&l, row->g, row->t, &lo) < 0) {
            print_lib_error(NULL, 0);
            return -1;
        }
        audit_type(out, &first, l, row, join, min_waste, total, src);
        emit_partial(out);
        align_layout_free(l);
    }
    sarif_end(out);
    return 0;
}
