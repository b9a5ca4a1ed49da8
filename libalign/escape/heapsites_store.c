/*
 * heapsites_store.c - how the escape join keeps its sites: read straight
 * from the logs into records of a few bytes (align_heap_join_open,
 * _read_*; siterecs.c), and
 * given back one at a time (align_heap_join_site).  heapsites.c ties them
 * to the binary (align_heap_join_finish).
 *
 * Workload: `audit --escape` of a 500 MB -m log of generated code (the
 * bench-escape case: every line a distinct site, ~43 bytes of log each,
 * 11.6 M sites).  The join used to hold every site twice (the log's
 * align_escape_site, 128 bytes, and the join's align_heap_site, 136
 * bytes) plus per-site side tables: 6.4x the log in memory, against a
 * target of 0.5x.
 *
 * Shape: a site is its position (line, column, input line) and the id of
 * a pair (context, what): the context is the input, file and package the
 * log gave, with the binary's file they match (hs_ctx; a run of sites has
 * one); what is what the log said of the site, but its position (hs_said:
 * the expression and the explanations' fields), and after the join what
 * the join made of it (hs_made: status, type, reason, description).  Each
 * distinct context, said, made and pair is kept once (hs_set): a program's
 * sites repeat their expressions, and a log's sites their files, so these
 * sets stay small beside the records (bench-escape's logs, of any size:
 * 40 contexts, ~4,800 pairs of what the log said, ~7,200 of what the join
 * made).  Where nothing repeats, each distinct value costs ~100 bytes
 * with its index slots: still under half the old cost per site.  The
 * join's strings (reasons, descriptions of the variable that typed a site)
 * are interned by text for the same reason: made values are compared byte
 * for byte, pointers included.  Records are varints of each number's
 * change from the record before, 4 to 6 bytes as a rule (siterecs.c),
 * starting over every HS_GROUP records.
 *
 * Rejected: resolving each site as it is read.  Whether a log's package is
 * the command's ("main" in DWARF, its import path in -m headers) can be
 * known only from a later site, and -m=2 captures that type a closure may
 * come after it; resolving at the end keeps every verdict exactly what the
 * whole-log join said, for a few bytes a site.  Also rejected: a second read
 * of the logs to list the sites (no memory per site at all, but "-" and
 * pipes cannot be read twice, and -json sites span several records).
 */
#include "escape/escape.h"
#include "escape/heapsites.h"
#include "util/hash.h"
#include "util/vec.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ sets */

void hs_set_init(hs_set *s, size_t size, size_t keysize)
{
    memset(s, 0, sizeof *s);
    s->size = size;
    s->keysize = keysize;
}

void hs_set_free(hs_set *s)
{
    free(s->items);
    table_free(&s->index);
    s->items = NULL;
    s->n = s->cap = 0;
}

typedef struct set_key {
    const hs_set *s;
    const void *v;
} set_key;

static bool set_eq(const void *ctx, uint32_t entry)
{
    const set_key *k = ctx;
    return memcmp(k->s->items + (size_t)entry * k->s->size, k->v, k->s->keysize) == 0;
}

uint32_t hs_set_add(hs_set *s, const void *v, bool *added)
{
    set_key k = {s, v};
    uint64_t h = hash_str((const char *)v, s->keysize);
    uint32_t id = table_find(&s->index, h, set_eq, &k);
    if (added != NULL)
        *added = false;
    if (id != TABLE_NONE)
        return id;
    if (s->n >= TABLE_MAX_ENTRIES - 1) {
        error_set(ALIGN_ELIMIT, NULL, 0, 0, "more than 2^31 distinct escape-log values");
        return TABLE_NONE;
    }
    if (table_push(&s->index, h, (void **)&s->items, &s->n, &s->cap, s->size, 64, v) < 0)
        return TABLE_NONE;
    if (added != NULL)
        *added = true;
    return (uint32_t)(s->n - 1);
}

/* Forgets the values from n on (a failed read's). */
static int set_truncate(hs_set *s, size_t n)
{
    if (n >= s->n)
        return 0;
    s->n = n;
    table_clear(&s->index);
    for (size_t i = 0; i < n; i++)
        if (table_add(&s->index, hash_str((const char *)s->items + i * s->size, s->keysize),
                      (uint32_t)i) < 0)
            return ALIGN_ENOMEM;
    return 0;
}

/* --------------------------------------------------------------- strings */

static const char *str_text(const void *ctx, uint32_t entry, size_t *len)
{
    const align_heap_join *j = ctx;
    *len = j->strs[entry].len;
    return j->strs[entry].s;
}

const char *hs_strdup(align_heap_join *j, const char *s, size_t len)
{
    uint32_t k;
    hs_str e;
    if (len == (size_t)-1)
        len = strlen(s);
    k = table_find_text(&j->str_index, s, len, str_text, j);
    if (k != TABLE_NONE)
        return j->strs[k].s;
    if (j->nstrs >= TABLE_MAX_ENTRIES - 1) {
        error_set(ALIGN_ELIMIT, NULL, 0, 0, "more than 2^31 distinct escape-join strings");
        return NULL;
    }
    e.s = arena_strndup(&j->strings, s, len);
    e.len = len;
    if (e.s == NULL || table_push(&j->str_index, hash_str(s, len), (void **)&j->strs, &j->nstrs,
                                  &j->strs_cap, sizeof e, 64, &e) < 0)
        return NULL;
    return e.s;
}

const char *hs_printf(align_heap_join *j, const char *fmt, ...)
{
    align_buf b;
    const char *s;
    va_list ap;
    align_buf_init(&b);
    va_start(ap, fmt);
    align_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.failed) {
        align_buf_free(&b);
        error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    s = hs_strdup(j, b.data ? b.data : "", b.len);
    align_buf_free(&b);
    return s;
}

/* ------------------------------------------------- said and made values */

#define COPY(f) out->f = in->f;
#define FLAG(f) out->f = in->f != 0;
#define BYTE(f) out->f = (uint8_t)in->f;

void hs_said_pack(hs_said *out, const align_escape_site *in)
{
    memset(out, 0, sizeof *out);
    HS_SAID_FIELDS(COPY, FLAG, BYTE)
}

void hs_made_pack(hs_made *out, const align_heap_site *in)
{
    memset(out, 0, sizeof *out);
    HS_MADE_FIELDS(COPY, FLAG, BYTE)
}

/* hs_said_site and hs_made_site: one body for the two public records,
 * which share the names of the fields a record's place gives (its
 * position; the file, package and input of its context). */
#define DEFINE_SITE(name, Site, pairs, values, Value, FIELDS)                                      \
    uint32_t name(const align_heap_join *j, uint32_t pair, uint32_t line, uint32_t col,            \
                  uint64_t input_line, Site *out)                                                  \
    {                                                                                              \
        const hs_pair *p = hs_set_at(&j->pairs, pair);                                             \
        const hs_ctx *c = hs_set_at(&j->ctxs, p->ctx);                                             \
        const Value *in = hs_set_at(&j->values, p->what);                                          \
        memset(out, 0, sizeof *out);                                                               \
        out->file = c->file;                                                                       \
        out->package = c->package;                                                                 \
        out->input = c->input;                                                                     \
        out->line = line;                                                                          \
        out->col = col;                                                                            \
        out->input_line = input_line;                                                              \
        FIELDS(COPY, COPY, COPY)                                                                   \
        return p->ctx;                                                                             \
    }

DEFINE_SITE(hs_said_site, align_escape_site, pairs, saids, hs_said, HS_SAID_FIELDS)
DEFINE_SITE(hs_made_site, align_heap_site, mpairs, mades, hs_made, HS_MADE_FIELDS)

#undef COPY
#undef FLAG
#undef BYTE
#undef DEFINE_SITE

/* --------------------------------------------------------------- reading */

/* The log's sink: site as the join's next record. */
static int take_site(void *ctx, const align_escape_site *site)
{
    align_heap_join *j = ctx;
    const hs_ctx *last = j->last_ctx != UINT32_MAX ? hs_set_at(&j->ctxs, j->last_ctx) : NULL;
    uint32_t c, said_id, pair_id;
    hs_said said;
    hs_pair pair;

    if (j->recs.n >= TABLE_MAX_ENTRIES - 1)
        return error_set(ALIGN_ELIMIT, site->input, 0, 0,
                         "more than 2^31 escape-log sites: the join's limit");
    /* Sites come in runs of one file: interned strings compare by
     * pointer. */
    if (last != NULL && last->file == site->file && last->input == site->input &&
        last->package == site->package) {
        c = j->last_ctx;
    } else {
        hs_ctx key;
        memset(&key, 0, sizeof key);
        key.input = site->input;
        key.file = site->file;
        key.package = site->package;
        c = hs_set_add(&j->ctxs, &key, NULL);
        if (c == TABLE_NONE)
            return ALIGN_ENOMEM;
        j->last_ctx = c;
    }
    hs_said_pack(&said, site);
    said_id = hs_set_add(&j->saids, &said, NULL);
    if (said_id == TABLE_NONE)
        return ALIGN_ENOMEM;
    pair.ctx = c;
    pair.what = said_id;
    pair_id = hs_set_add(&j->pairs, &pair, NULL);
    if (pair_id == TABLE_NONE)
        return ALIGN_ENOMEM;
    return hs_store_push(&j->recs, pair_id, site->line, site->col, site->input_line);
}

int align_heap_join_open(align_heap_join **out, const char *src_dir)
{
    align_heap_join *j;

    assert(out != NULL);
    *out = NULL;
    j = calloc(1, sizeof *j);
    if (j == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    arena_init(&j->strings, 16384);
    hs_set_init(&j->ctxs, sizeof(hs_ctx), HS_CTX_KEY);
    hs_set_init(&j->saids, sizeof(hs_said), sizeof(hs_said));
    hs_set_init(&j->pairs, sizeof(hs_pair), sizeof(hs_pair));
    hs_set_init(&j->mpairs, sizeof(hs_pair), sizeof(hs_pair));
    hs_set_init(&j->mades, sizeof(hs_made), sizeof(hs_made));
    j->last_ctx = UINT32_MAX;
    if (src_dir != NULL) {
        j->src_dir = strdup(src_dir);
        if (j->src_dir == NULL) {
            free(j);
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    if (align_escape_log_new(&j->own_log) < 0) {
        align_heap_join_free(j);
        return ALIGN_ENOMEM;
    }
    j->own_log->sink = take_site;
    j->own_log->sink_ctx = j;
    j->log = j->own_log;
    *out = j;
    return 0;
}

void align_heap_join_set_progress(align_heap_join *j, align_progress_fn fn, void *user)
{
    assert(j != NULL && j->own_log != NULL);
    align_escape_log_set_progress(j->own_log, fn, user);
}

void align_heap_join_set_threads(align_heap_join *j, unsigned n)
{
    assert(j != NULL && j->own_log != NULL);
    align_escape_log_set_threads(j->own_log, n);
}

void align_heap_join_log_stats(align_escape_stats *out, const align_heap_join *j)
{
    assert(out != NULL && j != NULL);
    align_escape_log_stats(out, j->log);
}

/* Before a read: notes where the join stands, and returns the log to read
 * into.  Each reader is read_end(j, align_escape_log_read_X(read_begin(j),
 * ...)): the inner call's arguments are evaluated before it runs. */
static align_escape_log *read_begin(align_heap_join *j)
{
    assert(!j->finished && j->own_log != NULL);
    j->mark.nrecs = j->recs.n;
    j->mark.nctxs = j->ctxs.n;
    j->mark.nsaids = j->saids.n;
    j->mark.npairs = j->pairs.n;
    return j->own_log;
}

/* After a read: a failed one leaves the join as it was (the log's reader
 * has rolled back its own counts). */
static int read_end(align_heap_join *j, int rc)
{
    if (rc >= 0)
        return rc;
    hs_store_truncate(&j->recs, j->mark.nrecs);
    j->last_ctx = UINT32_MAX;
    /* A failed rebuild of an index (out of memory while already failing)
     * leaves values no record uses: harmless but for their count. */
    (void)set_truncate(&j->ctxs, j->mark.nctxs);
    (void)set_truncate(&j->saids, j->mark.nsaids);
    (void)set_truncate(&j->pairs, j->mark.npairs);
    return rc;
}

int align_heap_join_read_text(align_heap_join *j, const char *path)
{
    return read_end(j, align_escape_log_read_text(read_begin(j), path));
}

int align_heap_join_read_text_mem(align_heap_join *j, const char *name, const char *text,
                                  size_t len)
{
    return read_end(j, align_escape_log_read_text_mem(read_begin(j), name, text, len));
}

int align_heap_join_read_json_dir(align_heap_join *j, const char *dir)
{
    return read_end(j, align_escape_log_read_json_dir(read_begin(j), dir));
}

int align_heap_join_read_json_mem(align_heap_join *j, const char *name, const char *text,
                                  size_t len)
{
    return read_end(j, align_escape_log_read_json_mem(read_begin(j), name, text, len));
}

int align_heap_join_new(align_heap_join **out, align_binary *bin, const align_escape_log *log,
                        const char *src_dir)
{
    const align_escape_site *sites;
    size_t n;
    align_heap_join *j;
    int rc;

    assert(out != NULL && bin != NULL && log != NULL);
    rc = align_heap_join_open(out, src_dir);
    if (rc < 0)
        return rc;
    j = *out;
    *out = NULL;
    /* The caller's log has the strings and captures: the join's own is
     * not needed. */
    align_escape_log_free(j->own_log);
    j->own_log = NULL;
    j->log = log;
    sites = align_escape_log_sites(log);
    n = align_escape_log_nsites(log);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = take_site(j, &sites[i]);
    if (rc == 0)
        rc = align_heap_join_finish(j, bin);
    if (rc < 0) {
        align_heap_join_free(j);
        return rc;
    }
    *out = j;
    return 0;
}

/* ------------------------------------------------------------- the sites */

void hs_site(const align_heap_join *j, size_t i, align_heap_site *out)
{
    uint32_t pair, line, col;
    uint64_t input_line;
    hs_store_get(&j->recs, i, &pair, &line, &col, &input_line);
    hs_made_site(j, pair, line, col, input_line, out);
}

void align_heap_join_site(const align_heap_join *j, size_t i, align_heap_site *out)
{
    assert(j != NULL && j->finished && i < j->recs.n && out != NULL);
    hs_site(j, i, out);
}

size_t align_heap_join_nsites(const align_heap_join *j)
{
    assert(j != NULL && j->finished);
    return j->recs.n;
}

void align_heap_join_free(align_heap_join *j)
{
    if (j == NULL)
        return;
    arena_free(&j->strings);
    free(j->strs);
    table_free(&j->str_index);
    hs_index_free(j);
    table_free(&j->type_index);
    hs_set_free(&j->ctxs);
    hs_set_free(&j->saids);
    hs_set_free(&j->pairs);
    hs_set_free(&j->mpairs);
    hs_set_free(&j->mades);
    hs_store_free(&j->recs);
    align_escape_log_free(j->own_log);
    FREE_ALL(j->types, j->type_sites, j->diags, j->src_dir, j);
}
