/*
 * profile.c - `--profile heap.pprof`: measured instance counts from a Go
 * heap profile (libalign's measure/ does the reading and the join; this
 * file loads, feeds the counts into the --count table and renders).
 *
 * The counts enter through the same table --count fills, in front of the
 * user's own entries: every report (text, JSON, CSV, SARIF) that multiplies
 * by a count multiplies by the measured one, and a --count TYPE=N the user
 * typed still wins for that type.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

bool measure_load(measure_ctx *m, const char *path)
{
    if (align_profile_open(&m->prof, path) < 0) {
        const align_error *e = align_error_last();
        fprintf(stderr, "%s: error: %s\n", e->file[0] ? e->file : path, e->message);
        if (e->hint[0])
            fprintf(stderr, "hint: %s\n", e->hint);
        return false;
    }
    m->path = path;
    return true;
}

bool measure_join(measure_ctx *m, align_binary *bin, const align_heap_join *hj, count_table *counts,
                  const char *binary)
{
    if (align_profile_join_new(&m->join, m->prof, bin, hj) < 0) {
        const align_error *e = align_error_last();
        fprintf(stderr, "%s: error: %s\n", e->file[0] ? e->file : binary, e->message);
        if (e->hint[0])
            fprintf(stderr, "hint: %s\n", e->hint);
        return false;
    }
    m->escape = hj != NULL;
    for (size_t i = 0; i < align_profile_join_ndiags(m->join); i++) {
        const align_heap_diag *d = align_profile_join_diag(m->join, i);
        fprintf(stderr, "%s: %s: %s\n", d->input ? d->input : progname,
                d->severity == ALIGN_HEAP_WARNING ? "warning" : "note", d->message);
    }
    for (size_t i = 0; counts && i < align_profile_join_ntypes(m->join); i++) {
        const align_measured_type *mt = align_profile_join_type(m->join, i);
        const char *name =
            align_type_name(mt->type) ? align_type_name(mt->type) : align_type_display(mt->type);
        if (!count_table_prepend_exact(counts, name, align_measured_count(mt, m->sample))) {
            fprintf(stderr, "%s: error: out of memory\n", progname);
            return false;
        }
    }
    return true;
}

void measure_free(measure_ctx *m)
{
    align_profile_join_free(m->join);
    align_profile_free(m->prof);
    m->join = NULL;
    m->prof = NULL;
}

const align_measured_type *measure_find(const measure_ctx *m, const align_type *t)
{
    return m && m->join ? align_profile_join_find(m->join, t) : NULL;
}

int measure_cost(measure_cost_t *out, const measure_ctx *m, const align_measured_type *mt,
                 const align_layout *l)
{
    align_heap_cost one;
    uint64_t n;
    int rc;
    memset(out, 0, sizeof *out);
    out->count = align_measured_count(mt, m->sample);
    out->alloc_saved = 0;
    /* Arrays only (make([]T, n)): the profile knows each array's bytes,
     * not its length; the most elements that fit is the length taken. */
    if (!mt->objects && mt->object_size && l->size) {
        n = mt->object_size / l->size;
        rc = align_heap_cost_compute(&one, l, n, 1);
        out->per_array_len = n;
    } else {
        rc = align_heap_cost_compute(&one, l, 1, 0);
    }
    if (rc < 0)
        return rc;
    out->size_class = one.now.bytes;
    out->optimal_size_class = one.optimal.bytes;
    out->saved_per_allocation = one.saved;
    if (__builtin_mul_overflow(one.saved, mt->inuse_objects, &out->inuse_saved))
        out->inuse_saved = UINT64_MAX;
    if (__builtin_mul_overflow(one.saved, mt->alloc_objects, &out->alloc_saved))
        out->alloc_saved = UINT64_MAX;
    out->saved = m->sample == ALIGN_SAMPLE_ALLOC ? out->alloc_saved : out->inuse_saved;
    return 0;
}

void measure_text_header(align_buf *out, const measure_ctx *m)
{
    const align_profile_info *pi = align_profile_info_get(m->prof);
    align_measure_summary s;
    char live[32], alloc[32], rate[32];
    align_profile_join_summary(&s, m->join);
    align_format_bytes(live, sizeof live, pi->inuse_bytes);
    align_format_bytes(alloc, sizeof alloc, pi->alloc_bytes);
    align_buf_printf(out,
                     "profile %s: %llu allocation sites, %llu typed to %zu struct types, %llu "
                     "other, %llu untyped; %s live, %s allocated in all\n",
                     pi->path, (unsigned long long)s.sites, (unsigned long long)s.structs, s.types,
                     (unsigned long long)s.other, (unsigned long long)s.untyped, live, alloc);
    if (pi->period == 1)
        align_buf_printf(out, "  every allocation recorded (MemProfileRate = 1): the counts are "
                              "exact\n");
    else {
        align_format_bytes(rate, sizeof rate, pi->period > 0 ? (uint64_t)pi->period : 0);
        align_buf_printf(out,
                         "  sampled once per %s allocated on average (MemProfileRate = %lld): "
                         "the counts are the runtime's un-sampled estimates (runtime/pprof "
                         "scaleHeapSample), as go tool pprof shows them\n",
                         rate, (long long)pi->period);
    }
    align_buf_printf(out, "  instances counted: %s objects (--sample %s)\n",
                     m->sample == ALIGN_SAMPLE_ALLOC ? "allocated" : "live",
                     align_sample_name(m->sample));
}

static void site_where(align_buf *out, const align_profile_site *ps)
{
    align_buf_printf(out, "%s:%u (%s)", ps->file[0] ? ps->file : "?", ps->line,
                     ps->function[0] ? ps->function : "?");
}

void measure_text_type(align_buf *out, const measure_ctx *m, const align_measured_type *mt,
                       const measure_cost_t *c, const char *indent)
{
    char ib[32], ab[32], s1[32], s2[32], in[32], an[32];
    align_format_bytes(ib, sizeof ib, mt->inuse_bytes);
    align_format_bytes(ab, sizeof ab, mt->alloc_bytes);
    align_format_count(in, sizeof in, mt->inuse_objects);
    align_format_count(an, sizeof an, mt->alloc_objects);
    align_buf_printf(out, "%smeasured: %s live (%s), %s allocated (%s)%s\n", indent, in, ib, an, ab,
                     mt->objects ? "" : " backing arrays");
    align_format_bytes(s1, sizeof s1, c->inuse_saved);
    align_format_bytes(s2, sizeof s2, c->alloc_saved);
    align_buf_printf(out,
                     "%ssize class %llu -> %llu bytes after reordering: %llu bytes saved per "
                     "allocation, %s of the live heap, %s of all allocations\n",
                     indent, (unsigned long long)c->size_class,
                     (unsigned long long)c->optimal_size_class,
                     (unsigned long long)c->saved_per_allocation, s1, s2);
    if (mt->object_size && mt->objects && mt->object_size != c->size_class)
        align_buf_printf(out,
                         "%snote: the profile records %llu bytes per object, the size-class "
                         "table %llu (another Go release's allocator?)\n",
                         indent, (unsigned long long)mt->object_size,
                         (unsigned long long)c->size_class);
    for (size_t i = 0; i < mt->nsites; i++) {
        const align_measured_site *ms = align_profile_join_site(m->join, mt->sites[i]);
        align_buf_printf(out, "%s  at ", indent);
        site_where(out, ms->site);
        align_format_count(in, sizeof in, ms->site->inuse_objects);
        align_format_count(an, sizeof an, ms->site->alloc_objects);
        align_buf_printf(out, ": %s live, %s allocated, %llu bytes each\n", in, an,
                         (unsigned long long)ms->site->object_size);
    }
}

void measure_text_untyped(align_buf *out, const measure_ctx *m)
{
    align_measure_summary s;
    size_t shown = 0;
    char b[32];
    align_profile_join_summary(&s, m->join);
    if (s.untyped == 0)
        return;
    align_format_bytes(b, sizeof b, s.untyped_inuse_bytes);
    align_buf_printf(out, "profile: %llu allocation site%s not typed (%s live):\n",
                     (unsigned long long)s.untyped, s.untyped == 1 ? "" : "s", b);
    for (size_t i = 0; i < align_profile_join_nsites(m->join); i++) {
        const align_measured_site *ms = align_profile_join_site(m->join, i);
        if (ms->status != ALIGN_MEASURE_UNTYPED)
            continue;
        if (shown++ == 10) {
            align_buf_printf(out, "  ... %llu more (--format json lists all)\n",
                             (unsigned long long)(s.untyped - 10));
            break;
        }
        align_buf_puts(out, "  ");
        site_where(out, ms->site);
        align_buf_printf(out, ": %llu live, %llu allocated: %s\n",
                         (unsigned long long)ms->site->inuse_objects,
                         (unsigned long long)ms->site->alloc_objects, ms->reason);
    }
    if (!m->escape)
        align_buf_puts(out, "hint: build with `go build -gcflags=-m 2> build.log` and pass "
                            "--escape build.log to type the sites\n");
}

static void json_site(align_buf *out, const align_profile_site *ps)
{
    align_buf_puts(out, "{");
    ALIGN_JSON_MEMBERS(
        out, ALIGN_JSTR("file", ps->file), ALIGN_JU64("line", ps->line),
        ALIGN_JSTR("function", ps->function), ALIGN_JU64("object_size", ps->object_size),
        ALIGN_JU64("inuse_objects", ps->inuse_objects), ALIGN_JU64("inuse_bytes", ps->inuse_bytes),
        ALIGN_JU64("alloc_objects", ps->alloc_objects), ALIGN_JU64("alloc_bytes", ps->alloc_bytes));
}

void measure_json_type(align_buf *out, const measure_ctx *m, const align_measured_type *mt,
                       const measure_cost_t *c)
{
    if (mt == NULL) {
        ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("measured", NULL));
        return;
    }
    align_buf_puts(out, ",\"measured\":{");
    ALIGN_JSON_MEMBERS(
        out, ALIGN_JSTR("sample", align_sample_name(m->sample)), ALIGN_JU64("count", c->count),
        ALIGN_JU64("inuse_objects", mt->inuse_objects), ALIGN_JU64("inuse_bytes", mt->inuse_bytes),
        ALIGN_JU64("alloc_objects", mt->alloc_objects), ALIGN_JU64("alloc_bytes", mt->alloc_bytes),
        ALIGN_JU64("object_size", mt->object_size), ALIGN_JBOOL("arrays", !mt->objects),
        ALIGN_JU64("size_class", c->size_class),
        ALIGN_JU64("optimal_size_class", c->optimal_size_class),
        ALIGN_JU64("saved_per_allocation", c->saved_per_allocation),
        ALIGN_JU64("inuse_bytes_saved", c->inuse_saved),
        ALIGN_JU64("alloc_bytes_saved", c->alloc_saved));
    align_buf_puts(out, ",\"sites\":[");
    for (size_t i = 0; i < mt->nsites; i++) {
        const align_measured_site *ms = align_profile_join_site(m->join, mt->sites[i]);
        if (i)
            align_buf_puts(out, ",");
        json_site(out, ms->site);
        align_buf_puts(out, "}");
    }
    align_buf_puts(out, "]}");
}

void measure_json_tail(align_buf *out, const measure_ctx *m, uint64_t total_saved)
{
    const align_profile_info *pi = align_profile_info_get(m->prof);
    align_measure_summary s;
    bool first = true;
    align_profile_join_summary(&s, m->join);
    align_buf_puts(out, ",\"profile\":{");
    ALIGN_JSON_MEMBERS(
        out, ALIGN_JSTR("path", pi->path), ALIGN_JI64("period", pi->period),
        ALIGN_JBOOL("exact", pi->period == 1), ALIGN_JSTR("sample", align_sample_name(m->sample)),
        ALIGN_JSTR("executable", pi->executable), ALIGN_JSTR("build_id", pi->build_id),
        ALIGN_JU64("inuse_objects", pi->inuse_objects), ALIGN_JU64("inuse_bytes", pi->inuse_bytes),
        ALIGN_JU64("alloc_objects", pi->alloc_objects), ALIGN_JU64("alloc_bytes", pi->alloc_bytes),
        ALIGN_JU64("sites", s.sites), ALIGN_JU64("typed_sites", s.structs),
        ALIGN_JU64("other_sites", s.other), ALIGN_JU64("foreign_sites", s.foreign),
        ALIGN_JU64("types", s.types), ALIGN_JU64("measured_bytes_saved", total_saved));
    align_buf_puts(out, ",\"untyped_sites\":[");
    for (size_t i = 0; i < align_profile_join_nsites(m->join); i++) {
        const align_measured_site *ms = align_profile_join_site(m->join, i);
        if (ms->status != ALIGN_MEASURE_UNTYPED)
            continue;
        if (!first)
            align_buf_puts(out, ",");
        first = false;
        json_site(out, ms->site);
        ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("reason", ms->reason ? ms->reason : ""));
        align_buf_puts(out, "}");
    }
    align_buf_puts(out, "],\"diagnostics\":[");
    for (size_t i = 0; i < align_profile_join_ndiags(m->join); i++) {
        const align_heap_diag *d = align_profile_join_diag(m->join, i);
        align_buf_puts(out, i ? ",{" : "{");
        ALIGN_JSON_MEMBERS(
            out, ALIGN_JSTR("severity", d->severity == ALIGN_HEAP_WARNING ? "warning" : "note"),
            ALIGN_JSTR("message", d->message));
        align_buf_puts(out, "}");
    }
    align_buf_puts(out, "]}");
}
