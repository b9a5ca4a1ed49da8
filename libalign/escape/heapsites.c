/*
 * heapsites.c - the escape join: the allocation sites of Go escape-analysis
 * logs tied to the struct types of the binary the same build produced
 * (align_heap_join_*), and what reordering those types saves in the
 * allocator's size classes (align_heap_cost_compute is in heap.c).
 *
 * Who calls it: `structalign audit --escape LOG BINARY`, which ranks the
 * padded types by heap bytes saved and lists each one's sites.
 *
 * Workload: a -m log of one module has hundreds of heap sites; all=-m of a
 * large program tens of thousands (the standard library's own: ~6,000 for
 * a hello world).  Each site is matched to a file of the binary (a hash,
 * then a suffix match), resolved by heapsites_resolve.c (a scan of that
 * file's functions at worst), and grouped by type.  Memory: one record per
 * site plus the strings the join makes (reasons, descriptions) in blocks.
 *
 * The steps, per site:
 *   1. drop exact duplicates (the same build's text log and -json
 *      directory given together; -m=2 prints a site twice);
 *   2. stack-only sites ("does not escape") are counted, never resolved;
 *   3. the file: the log's path joined to --src (default: the log's own
 *      directory) and cleaned, then the binary's file of that path, or of
 *      the longest common tail of path elements: binaries built elsewhere
 *      or with -trimpath still match.  No file: the site is not this
 *      binary's (another program, or code the linker removed);
 *   4. the line: past the file's last line with code it is stale;
 *   5. the package: the log's "# path" header, as DWARF spells it (the
 *      command's package is "main" there);
 *   6. the type (heapsites_resolve.c).
 * Then: sites grouped per struct type, and diagnostics per input: a log
 * none of whose heap sites is in the binary is another program's (fatal
 * when it is the only input: ALIGN_EMISMATCH), a log with some is stale.
 *
 * Rejected: failing on the first unresolvable site (one optimized-away
 * variable would hide every other answer), and dropping unresolvable sites
 * silently (they are how a user learns the log and binary disagree).
 */
#include "escape/heapsites.h"
#include "util/vec.h"
#include "util/hash.h"
#include "util/table.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --------------------------------------------------------------- strings */

const char *hs_strdup(align_heap_join *j, const char *s, size_t len)
{
    return arena_strndup(&j->strings, s, len);
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

/* ------------------------------------------------------------------ API */

const char *align_heap_status_name(align_heap_status status)
{
    static const char *const names[] = {"struct", "other", "unresolved", "stack"};
    if ((unsigned)status >= sizeof names / sizeof names[0])
        return NULL;
    return names[status];
}

void align_heap_join_free(align_heap_join *j)
{
    if (j == NULL)
        return;
    arena_free(&j->strings);
    hs_index_free(j);
    table_free(&j->type_index);
    free(j->sites);
    free(j->types);
    free(j->type_sites);
    free(j->diags);
    free(j);
}

void align_heap_join_summary(align_heap_summary *out, const align_heap_join *j)
{
    assert(out != NULL && j != NULL);
    *out = j->summary;
}

size_t align_heap_join_nsites(const align_heap_join *j)
{
    assert(j != NULL);
    return j->nsites;
}

const align_heap_site *align_heap_join_site(const align_heap_join *j, size_t i)
{
    assert(j != NULL && i < j->nsites);
    return &j->sites[i];
}

size_t align_heap_join_ntypes(const align_heap_join *j)
{
    assert(j != NULL);
    return j->ntypes;
}

const align_heap_type *align_heap_join_type(const align_heap_join *j, size_t i)
{
    assert(j != NULL && i < j->ntypes);
    return &j->types[i];
}

static bool type_eq(const void *ctx, uint32_t entry)
{
    const align_heap_join *j = ((const void *const *)ctx)[0];
    const align_type *t = ((const void *const *)ctx)[1];
    return j->types[entry].type == t;
}

const align_heap_type *align_heap_join_find(const align_heap_join *j, const align_type *t)
{
    const void *key[2] = {j, t};
    uint32_t k;
    assert(j != NULL);
    if (t == NULL)
        return NULL;
    k = table_find(&j->type_index, table_hash_ptr(t), type_eq, key);
    return k == TABLE_NONE ? NULL : &j->types[k];
}

size_t align_heap_join_ndiags(const align_heap_join *j)
{
    assert(j != NULL);
    return j->ndiags;
}

const align_heap_diag *align_heap_join_diag(const align_heap_join *j, size_t i)
{
    assert(j != NULL && i < j->ndiags);
    return &j->diags[i];
}

/* ------------------------------------------------------------ the join */

static int add_diag(align_heap_join *j, int severity, const char *input, const char *msg)
{
    if (msg == NULL)
        return ALIGN_ENOMEM;
    align_heap_diag d = {severity, input, msg};
    return vec_push((void **)&j->diags, &j->ndiags, &j->diags_cap, sizeof d, 8, &d);
}

/* Per input (log file or -json directory file) counts, for the mismatch
 * diagnostics: heap sites of the user's packages only.  An all=-m log has
 * thousands of standard-library sites in code the linker removed; those
 * say nothing about whether the log is this binary's. */
typedef struct input_count {
    const char *input;
    uint64_t heap, unmatched, stale;  /* the user's packages */
    uint64_t all_heap, all_unmatched; /* every package */
    const align_heap_site *first_unmatched;
    size_t first_unmatched_idx; /* its index in the join's sites + 1; 0 none */
} input_count;

/* Per log package: how DWARF spells it. */
typedef struct pkg_map {
    const char *log;   /* the header's path (interned by the log) */
    const char *dwarf; /* NULL until known */
    bool reported;
} pkg_map;

/* The minor version of "go1.25.3" (25), 0 when unknown. */
static unsigned go_minor(const char *v)
{
    unsigned m = 0;
    if (v == NULL || strncmp(v, "go1.", 4) != 0)
        return 0;
    for (v += 4; *v >= '0' && *v <= '9'; v++)
        m = m * 10 + (unsigned)(*v - '0');
    return m;
}

typedef struct join_state {
    align_heap_join *j;
    const align_escape_log *log;
    const char *src_dir;
    const char *main_path; /* the binary's main package, from its build
                              info; NULL when unknown */
    input_count *inputs;
    size_t ninputs, inputs_cap;
    table input_index; /* inputs by name pointer */
    pkg_map *pkgs;
    size_t npkgs, pkgs_cap;
    table pkg_index;    /* pkgs by log pointer */
    uint32_t *site_pkg; /* per log site: its pkgs index, or GF_NONE */
    /* The last "past the last line" reason and its file: one string per
     * run of stale sites, not per site. */
    uint32_t stale_file;
    const char *stale_reason;
    /* The last file unlinked_file() judged (its run of sites shares the
     * verdict and the reason). */
    const char *dead_file, *dead_input, *dead_reason;
    bool dead;
    table seen; /* the join's sites, for duplicate detection */
    /* Per log site (file_ids: its file in the binary or GF_NONE; near: a
     * file of the same base name; ambiguous: several files end like it). */
    uint32_t *file_ids, *near;
    uint8_t *ambiguous;
    /* The reason of the last unmatched site made, and its log site: a run of
     * sites of one unmatched file shares it (a string per site made memory
     * grow with the log). */
    const char *last_reason;
    const align_escape_site *last_site;
} join_state;

int align_go_package_is_std(const char *p)
{
    size_t first;
    if (p == NULL || strcmp(p, "main") == 0)
        return 0;
    first = strcspn(p, "/");
    return memchr(p, '.', first) == NULL;
}

static bool std_package(const char *p)
{
    return align_go_package_is_std(p) != 0;
}

static bool input_eq(const void *ctx, uint32_t entry)
{
    const join_state *st = ((const void *const *)ctx)[0];
    return st->inputs[entry].input == ((const void *const *)ctx)[1];
}

static bool pkg_eq(const void *ctx, uint32_t entry)
{
    const join_state *st = ((const void *const *)ctx)[0];
    return st->pkgs[entry].log == ((const void *const *)ctx)[1];
}

/* The counts of an input, made on first use; NULL when out of memory. */
static input_count *input_of(join_state *st, const char *input)
{
    const void *key[2] = {st, input};
    uint64_t h = table_hash_ptr(input);
    uint32_t k = table_find(&st->input_index, h, input_eq, key);
    if (k != TABLE_NONE)
        return &st->inputs[k];
    if (vec_reserve((void **)&st->inputs, &st->inputs_cap, st->ninputs + 1, sizeof *st->inputs, 8) <
        0)
        return NULL;
    if (table_add(&st->input_index, h, (uint32_t)st->ninputs) < 0)
        return NULL;
    memset(&st->inputs[st->ninputs], 0, sizeof st->inputs[0]);
    st->inputs[st->ninputs].input = input;
    return &st->inputs[st->ninputs++];
}

/* The directory an input's relative paths start from. */
static const char *base_dir(join_state *st, const char *input, align_buf *tmp)
{
    const char *slash;
    if (st->src_dir != NULL)
        return st->src_dir;
    if (input == NULL || input[0] == '<')
        return NULL;
    slash = strrchr(input, '/');
    if (slash == NULL)
        return NULL;
    tmp->len = 0;
    align_buf_append(tmp, input, slash == input ? 1 : (size_t)(slash - input));
    return tmp->failed ? NULL : tmp->data;
}

/* Every field reaches the low bits the table index uses: the line, column
 * and kind go in byte by byte (hash_fnv_u64).  They once went in shifted
 * left by 32 and 8 before a single multiply, which leaves the low bits
 * untouched: every site of one column and expression fell into one bucket,
 * and 200,000 such sites took 100 s. */
static uint64_t site_hash(const align_heap_site *s)
{
    uint64_t h = hash_fnv_str(HASH_FNV_SEED, s->path ? s->path : s->file);
    h = hash_fnv_u64(h, ((uint64_t)s->line << 32) | s->col);
    h = hash_fnv_u64(h, (uint64_t)s->kind);
    return hash_fnv_str(h, s->expr);
}

static bool same_site(const align_heap_site *a, const align_heap_site *b)
{
    const char *pa = a->path ? a->path : a->file, *pb = b->path ? b->path : b->file;
    return a->line == b->line && a->col == b->col && a->kind == b->kind && a->stale == b->stale &&
           strcmp(pa, pb) == 0 && strcmp(a->expr, b->expr) == 0;
}

static bool site_eq(const void *ctx, uint32_t entry)
{
    const align_heap_join *j = ctx;
    return same_site(&j->sites[entry], &j->sites[j->nsites - 1]);
}

/* Whether the join's last site repeats an earlier one; indexes it when not. */
static int seen_before(join_state *st, bool *dup)
{
    align_heap_join *j = st->j;
    uint64_t h = site_hash(&j->sites[j->nsites - 1]);
    *dup = table_find(&st->seen, h, site_eq, j) != TABLE_NONE;
    if (*dup)
        return 0;
    return table_add(&st->seen, h, (uint32_t)(j->nsites - 1));
}

/* The command's package is named by its import path in -m headers, "main"
 * in -json headers and in DWARF.  The binary's build info names it; without
 * build info, a log package the binary does not know whose files the
 * binary's "main" functions are declared in is taken for it.  A package the
 * binary has neither under its path nor as its main package is another
 * program's: its sites are unmatched. */
static int map_packages(join_state *st, const uint32_t *file_ids)
{
    const align_escape_site *sites = align_escape_log_sites(st->log);
    const go_funcs *gf = st->j->gf;
    size_t n = align_escape_log_nsites(st->log);

    st->site_pkg = malloc((n ? n : 1) * sizeof *st->site_pkg);
    if (st->site_pkg == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *p = sites[i].package;
        pkg_map *m = NULL;
        st->site_pkg[i] = GF_NONE;
        if (p == NULL)
            continue;
        /* Sites come in runs of one package. */
        if (i > 0 && sites[i - 1].package == p && st->site_pkg[i - 1] != GF_NONE) {
            m = &st->pkgs[st->site_pkg[i - 1]];
        } else {
            const void *key[2] = {st, p};
            uint32_t found = table_find(&st->pkg_index, table_hash_ptr(p), pkg_eq, key);
            if (found != TABLE_NONE)
                m = &st->pkgs[found];
        }
        if (m == NULL) {
            uint32_t id;
            if (vec_reserve((void **)&st->pkgs, &st->pkgs_cap, st->npkgs + 1, sizeof *st->pkgs,
                            16) < 0)
                return ALIGN_ENOMEM;
            if (table_add(&st->pkg_index, table_hash_ptr(p), (uint32_t)st->npkgs) < 0)
                return ALIGN_ENOMEM;
            m = &st->pkgs[st->npkgs++];
            m->log = p;
            m->dwarf = NULL;
            m->reported = false;
            id = gofuncs_find_pkg(gf, p);
            if (strcmp(p, "main") == 0 || (st->main_path && strcmp(p, st->main_path) == 0))
                m->dwarf = "main";
            else if (id != GF_NONE)
                m->dwarf = gf->pkgs[id].path;
        }
        st->site_pkg[i] = (uint32_t)(m - st->pkgs);
        if (m->dwarf == NULL && st->main_path == NULL && file_ids[i] != GF_NONE &&
            gf->files[file_ids[i]].pkg != GF_NONE &&
            strcmp(gf->pkgs[gf->files[file_ids[i]].pkg].path, "main") == 0)
            m->dwarf = "main";
    }
    return 0;
}

/* The package of the log that site i belongs to is not in the binary. */
static bool foreign_pkg(const join_state *st, size_t i)
{
    return st->site_pkg[i] != GF_NONE && st->pkgs[st->site_pkg[i]].dwarf == NULL;
}

static const char *dwarf_pkg(join_state *st, size_t i, const align_escape_site *s, uint32_t file)
{
    const go_funcs *gf = st->j->gf;
    if (st->site_pkg[i] != GF_NONE && st->pkgs[st->site_pkg[i]].dwarf != NULL)
        return st->pkgs[st->site_pkg[i]].dwarf;
    if (file != GF_NONE && gf->files[file].pkg != GF_NONE)
        return gf->pkgs[gf->files[file].pkg].path;
    return s->package ? s->package : "main";
}

/* Whether site i, whose file the binary does not have, is in a file of a
 * package the binary has, in that package's directory (hs_file_unlinked):
 * a file whose every function the linker removed, or one deleted since
 * the log.  Cached over the run of one file's sites. */
static bool unlinked_file(join_state *st, size_t i, const align_escape_site *es, bool ambiguous)
{
    align_buf path, rel, tmp;
    hs_file_verdict v = HS_FILE_FOREIGN;
    if (ambiguous || es->file[0] == '<' || st->site_pkg[i] == GF_NONE || foreign_pkg(st, i))
        return false;
    if (es->file == st->dead_file && es->input == st->dead_input)
        return st->dead_reason != NULL;
    align_buf_init(&path);
    align_buf_init(&rel);
    align_buf_init(&tmp);
    /* Made absolute from the current directory when the base is relative
     * or unknown (a log named without a directory): its directory is what
     * is compared, and whether it still exists. */
    if (align_escape_path_resolve(&rel, base_dir(st, es->input, &tmp), es->file) == 0) {
        char cwd[4096];
        if (rel.data[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
            align_escape_path_resolve(&path, cwd, rel.data);
        else
            align_buf_puts(&path, rel.data);
    }
    if (path.len > 0 && !path.failed)
        v = hs_file_unlinked(st->j, st->pkgs[st->site_pkg[i]].dwarf, path.data);
    st->dead_reason = NULL;
    st->dead = v == HS_FILE_UNLINKED;
    if (v == HS_FILE_UNLINKED)
        st->dead_reason = hs_printf(st->j,
                                    "not linked: no function of %s is in the binary (the "
                                    "linker removed them all; the package's other files are "
                                    "there)",
                                    path.data);
    else if (v == HS_FILE_GONE)
        st->dead_reason = hs_printf(st->j,
                                    "%s no longer exists, and the binary has the package's "
                                    "other files: a log of another build",
                                    path.data);
    st->dead_file = es->file;
    st->dead_input = es->input;
    align_buf_free(&path);
    align_buf_free(&rel);
    align_buf_free(&tmp);
    return st->dead_reason != NULL;
}

/* A site of a file unlinked_file() judged: not linked, unless the file is
 * gone or the function the -m=2 log names (go1.25+) is in the binary
 * elsewhere: then the file was removed, renamed or split since the log was
 * written. */
static int unlinked_site(join_state *st, size_t i, const align_escape_site *es, align_heap_site *hs)
{
    const char *pkg = st->pkgs[st->site_pkg[i]].dwarf;
    hs->stale = 1;
    hs->reason = st->dead_reason;
    if (st->dead && es->func != NULL && hs_func_linked(st->j, pkg, es->func))
        hs->reason = hs_printf(st->j,
                               "%s.%s is in the binary, but not in %s: a log of another "
                               "build",
                               pkg, es->func, es->file);
    else if (st->dead) {
        hs->stale = 0;
        hs->not_linked = 1;
    }
    return hs->reason ? 0 : ALIGN_ENOMEM;
}

/* Steps 3-6 for one heap site. */
/* The function of the binary whose lines hold path:line (the narrowest),
 * or NULL: the callee of a -json inlineLoc. */
static const char *inlined_callee(const go_funcs *gf, const char *path, uint32_t line,
                                  uint32_t site_file, uint32_t site_line)
{
    bool amb = false;
    uint32_t near = GF_NONE, file = gofuncs_find_file(gf, path, 2, &amb, &near);
    const gf_func *best = NULL;
    size_t n;
    const uint32_t *fs;
    if (site_file != GF_NONE) {
        /* The callees DWARF records as inlined at the site's line: the one
         * whose file is the inlineLoc's (functions inlined everywhere have
         * no concrete copy, so no file of their own: then the only one). */
        size_t nc;
        const gf_call *c = gofuncs_calls_at(gf, site_file, site_line, &nc);
        const char *only = NULL;
        size_t distinct = 0;
        for (size_t k = 0; k < nc; k++) {
            const gf_func *o = c[k].origin != GF_NONE ? &gf->funcs[c[k].origin] : NULL;
            if (o == NULL)
                continue;
            if (file != GF_NONE && o->file == file)
                return o->name;
            if (only == NULL || strcmp(only, o->name) != 0) {
                only = o->name;
                distinct++;
            }
        }
        if (distinct == 1)
            return only;
    }
    if (file == GF_NONE)
        return NULL;
    fs = gofuncs_file_funcs(gf, file, &n);
    for (size_t k = 0; k < n; k++) {
        const gf_func *f = &gf->funcs[fs[k]];
        if (f->line_lo > line)
            break;
        if (f->line_lo == 0)
            continue;
        if (f->line_hi < line) {
            /* A function inlined everywhere spans only its variables'
             * lines: the last one declared before the line holds it. */
            if (best == NULL || (best->line_hi < line && f->line_lo >= best->line_lo))
                best = f;
            continue;
        }
        if (best == NULL || best->line_hi < line ||
            f->line_hi - f->line_lo < best->line_hi - best->line_lo)
            best = f;
    }
    return best ? best->name : NULL;
}

/* Whether a concrete function of the binary has code of file at line (or
 * spans it: a function's lines from the line table, first to last). */
static bool line_linked(const go_funcs *gf, uint32_t file, uint32_t line)
{
    size_t n;
    const uint32_t *fs = gofuncs_file_funcs(gf, file, &n);
    for (size_t k = 0; k < n; k++) {
        const gf_func *f = &gf->funcs[fs[k]];
        if (f->line_lo > line)
            break;
        if (!f->abstract && f->line_lo != 0 && f->line_hi >= line)
            return true;
    }
    return false;
}

/* The resolver's verdict on a site, copied into it (staleness is the
 * caller's: compiler-generated code is never a sign of a stale log). */
static void take_result(align_heap_site *hs, const hs_result *r)
{
    hs->status = r->status;
    hs->type = r->type;
    hs->per_element = r->per_element;
    hs->via = r->via;
    hs->reason = r->reason;
    if (hs->status == ALIGN_HEAP_UNRESOLVED && hs->reason == NULL)
        hs->reason = "unknown";
}
static int join_site(join_state *st, size_t i, const align_escape_site *es, uint32_t file,
                     align_heap_site *hs)
{
    align_heap_join *j = st->j;
    const go_funcs *gf = j->gf;
    hs_where w;
    hs_result r;
    int rc;

    if (file == GF_NONE) {
        hs->stale = 1;
        return 0; /* reason set by the caller */
    }
    hs->path = gf->files[file].path;
    w.file = file;
    w.line = es->line;
    w.pkg = dwarf_pkg(st, i, es, file);
    if (!line_linked(gf, file, es->line)) {
        /* No concrete function of the binary covers the line: code the
         * linker removed, unless the function the -m=2 log names (go1.25+)
         * is in the binary elsewhere: then the log is of another build. */
        if (es->func != NULL && hs_func_linked(j, w.pkg, es->func)) {
            hs->stale = 1;
            hs->reason = hs_printf(j,
                                   "%s.%s is in the binary but does not cover line %u of %s: "
                                   "a log of another build",
                                   w.pkg, es->func, es->line, hs->path);
            return hs->reason ? 0 : ALIGN_ENOMEM;
        }
        hs->not_linked = 1;
        if (st->stale_reason == NULL || st->stale_file != file) {
            st->stale_reason = hs_printf(j,
                                         "not linked: no function of the binary covers this "
                                         "line of %s (code the linker removed)",
                                         hs->path);
            st->stale_file = file;
        }
        hs->reason = st->stale_reason;
        return hs->reason ? 0 : ALIGN_ENOMEM;
    }
    rc = hs_resolve(j, st->log, es, &w, &r);
    if (rc < 0)
        return rc;
    take_result(hs, &r);
    hs->stale = r.stale;
    return 0;
}

/* A site of compiler-generated code: resolved by the type its expression
 * names, in the package of the log. */
static int join_generated(join_state *st, size_t i, const align_escape_site *es,
                          align_heap_site *hs)
{
    hs_where w = {GF_NONE, 0, dwarf_pkg(st, i, es, GF_NONE)};
    hs_result r;
    int rc;
    switch (es->kind) {
    case ALIGN_ESCAPE_ADDR_OF_LIT:
    case ALIGN_ESCAPE_NEW:
    case ALIGN_ESCAPE_MAKE_SLICE:
    case ALIGN_ESCAPE_SLICE_LIT:
    case ALIGN_ESCAPE_MAKE_MAP:
    case ALIGN_ESCAPE_MAP_LIT:
    case ALIGN_ESCAPE_VARARGS:
    case ALIGN_ESCAPE_STRING_CONV: break;
    default:
        if (es->kind == ALIGN_ESCAPE_BOXED && (es->expr[0] == '"' || es->expr[0] == '`' ||
                                               (es->expr[0] >= '0' && es->expr[0] <= '9'))) {
            hs->status = ALIGN_HEAP_OTHER; /* a constant boxed by a wrapper */
            return 0;
        }
        hs->reason = hs_printf(st->j,
                               "compiler-generated wrapper (%s): no source line to "
                               "type %s by",
                               es->file, es->expr);
        return hs->reason ? 0 : ALIGN_ENOMEM;
    }
    rc = hs_resolve(st->j, st->log, es, &w, &r);
    if (rc < 0)
        return rc;
    take_result(hs, &r); /* never stale: generated code has no source line */
    return 0;
}

static int push_site(align_heap_join *j, const align_heap_site *s)
{
    return vec_push((void **)&j->sites, &j->nsites, &j->sites_cap, sizeof *s, 256, s);
}

/* The binary's file of each site of the log (GF_NONE: none). */
/* The base name of a path. */
static const char *hs_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* How many trailing path elements of a log's path a file of the binary
 * must share with it.  A relative path is matched as the log wrote it
 * (from the build directory): all its elements, "." and ".." aside, so
 * "./store/main.go" is never ./main.go, wherever the binary was built (or
 * -trimpath'ed: "example.com/m/store/main.go" still ends so).  An absolute
 * path: its directory and name, so a moved GOROOT or module cache still
 * matches and "/etc/main.go" is not "/work/main.go". */
static size_t min_tail(const char *file)
{
    size_t n = 0;
    const char *p = file;
    while (*p != '\0') {
        size_t len;
        while (*p == '/')
            p++;
        len = strcspn(p, "/");
        if (len > 0 && !(len == 1 && p[0] == '.') && !(len == 2 && p[0] == '.' && p[1] == '.'))
            n++;
        p += len;
    }
    if (file[0] == '/' && n > 2)
        n = 2;
    return n;
}

static int match_files(join_state *st, uint32_t *ids, uint8_t *ambiguous, uint32_t *near)
{
    const align_escape_site *sites = align_escape_log_sites(st->log);
    size_t n = align_escape_log_nsites(st->log);
    const char *last_file = NULL, *last_input = NULL;
    uint32_t last_id = GF_NONE, last_near = GF_NONE;
    bool last_amb = false;
    align_buf path, tmp;
    int rc = 0;

    align_buf_init(&path);
    align_buf_init(&tmp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const align_escape_site *s = &sites[i];
        bool amb = false;
        /* Sites come in runs of one file: interned strings compare by
         * pointer. */
        if (s->file == last_file && s->input == last_input) {
            ids[i] = last_id;
            ambiguous[i] = last_amb;
            near[i] = last_near;
            continue;
        }
        path.len = 0;
        rc = align_escape_path_resolve(&path, base_dir(st, s->input, &tmp), s->file);
        if (rc < 0)
            break;
        near[i] = GF_NONE;
        ids[i] = s->file[0] == '<'
                     ? GF_NONE
                     : gofuncs_find_file(st->j->gf, path.data, min_tail(s->file), &amb, &near[i]);
        ambiguous[i] = amb;
        last_near = near[i];
        last_file = s->file;
        last_input = s->input;
        last_id = ids[i];
        last_amb = amb;
    }
    align_buf_free(&path);
    align_buf_free(&tmp);
    return rc;
}

/* The type index of struct site s, made on first use; TABLE_NONE when out
 * of memory. */
static uint32_t type_of_site(align_heap_join *j, const align_heap_site *s, size_t *ntypes)
{
    const void *key[2] = {j, s->type};
    uint32_t k = table_find(&j->type_index, table_hash_ptr(s->type), type_eq, key);
    if (k != TABLE_NONE)
        return k;
    if (table_add(&j->type_index, table_hash_ptr(s->type), (uint32_t)*ntypes) < 0)
        return TABLE_NONE;
    j->types[*ntypes].type = s->type;
    return (uint32_t)(*ntypes)++;
}

/* Groups the struct sites by type, in order of first appearance, each
 * type's sites in log order: counted, then placed (no sort, and no list of
 * pairs beside the sites: the join's largest arrays are per site). */
static int group_types(align_heap_join *j)
{
    size_t nstruct = 0, ntypes = 0, *next;

    for (size_t i = 0; i < j->nsites; i++)
        if (j->sites[i].status == ALIGN_HEAP_STRUCT)
            nstruct++;
    if (nstruct == 0)
        return 0;
    j->types = calloc(nstruct, sizeof *j->types);
    j->type_sites = malloc(nstruct * sizeof *j->type_sites);
    if (j->types == NULL || j->type_sites == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < j->nsites; i++) {
        const align_heap_site *s = &j->sites[i];
        uint32_t k;
        if (s->status != ALIGN_HEAP_STRUCT)
            continue;
        k = type_of_site(j, s, &ntypes);
        if (k == TABLE_NONE)
            return ALIGN_ENOMEM;
        j->types[k].nsites++;
        if (s->per_element)
            j->types[k].arrays = 1;
        else
            j->types[k].objects = 1;
    }
    next = malloc(ntypes * sizeof *next);
    if (next == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0, pos = 0; i < ntypes; i++) {
        j->types[i].sites = j->type_sites + pos;
        next[i] = pos;
        pos += j->types[i].nsites;
    }
    for (size_t i = 0; i < j->nsites; i++) {
        const void *key[2] = {j, j->sites[i].type};
        if (j->sites[i].status != ALIGN_HEAP_STRUCT)
            continue;
        uint32_t k = table_find(&j->type_index, table_hash_ptr(j->sites[i].type), type_eq, key);
        j->type_sites[next[k]++] = i;
    }
    free(next);
    j->ntypes = ntypes;
    return 0;
}

/* Diagnostics per input and per package; ALIGN_EMISMATCH when no heap
 * site of any input is in the binary. */
static int diagnose(join_state *st, const char *binary)
{
    align_heap_join *j = st->j;
    const align_heap_summary *sum = &j->summary;
    int rc = 0;

    for (size_t i = 0; i < st->ninputs && rc == 0; i++) {
        const input_count *c = &st->inputs[i];
        if (c->heap == 0)
            continue;
        if (c->unmatched == c->heap)
            rc = add_diag(j, ALIGN_HEAP_WARNING, c->input,
                          hs_printf(j,
                                    "none of its %llu heap sites is in a file of %s "
                                    "(first: %s:%u): a log of another program?",
                                    (unsigned long long)c->heap, binary, c->first_unmatched->file,
                                    c->first_unmatched->line));
        else if (c->unmatched + c->stale > 0)
            rc =
                add_diag(j, ALIGN_HEAP_WARNING, c->input,
                         hs_printf(j,
                                   "%llu of its %llu heap sites do not match %s (%llu in "
                                   "files it does not have, %llu at lines or variables "
                                   "it has elsewhere): a stale log, or code the linker "
                                   "removed",
                                   (unsigned long long)(c->unmatched + c->stale),
                                   (unsigned long long)c->heap, binary,
                                   (unsigned long long)c->unmatched, (unsigned long long)c->stale));
    }
    if (rc == 0 && sum->not_linked > 0)
        rc = add_diag(j, ALIGN_HEAP_NOTE, NULL,
                      hs_printf(j,
                                "%llu heap site%s in functions the linker removed (not linked): "
                                "listed as unresolved, not ranked",
                                (unsigned long long)sum->not_linked,
                                sum->not_linked == 1 ? " is" : "s are"));
    for (size_t k = 0; k < st->npkgs && rc == 0; k++) {
        const go_funcs *gf = j->gf;
        (void)gf;
        if (st->pkgs[k].dwarf != NULL || std_package(st->pkgs[k].log))
            continue;
        rc = add_diag(j, ALIGN_HEAP_WARNING, NULL,
                      hs_printf(j, "package %s of the log is not in %s%s%s", st->pkgs[k].log,
                                binary, st->main_path ? ", whose main package is " : "",
                                st->main_path ? st->main_path : ""));
    }
    uint64_t heap = 0, unmatched = 0, all_heap = 0, all_unmatched = 0;
    for (size_t i = 0; i < st->ninputs; i++) {
        heap += st->inputs[i].heap;
        unmatched += st->inputs[i].unmatched;
        all_heap += st->inputs[i].all_heap;
        all_unmatched += st->inputs[i].all_unmatched;
    }
    (void)sum;
    /* Nothing of the user's packages matches (or, for a log of the
     * standard library alone, nothing at all): another program's log. */
    if (rc == 0 && ((heap > 0 && unmatched == heap) ||
                    (heap == 0 && all_heap > 0 && all_unmatched == all_heap))) {
        const align_heap_site *first = st->inputs[0].first_unmatched;
        for (size_t i = 0; first == NULL && i < st->ninputs; i++)
            first = st->inputs[i].first_unmatched;
        align_buf foreign;
        align_buf_init(&foreign);
        for (size_t k = 0, n = 0; k < st->npkgs; k++) {
            if (st->pkgs[k].dwarf != NULL)
                continue;
            if (n < 3)
                align_buf_printf(&foreign, "%s%s", n ? ", " : "", st->pkgs[k].log);
            else if (n == 3)
                align_buf_puts(&foreign, ", ...");
            n++;
        }
        if (foreign.len > 0 && !foreign.failed)
            error_set(ALIGN_EMISMATCH, NULL, 0, 0,
                      "the escape log does not match %s: its packages (%s) are not in "
                      "the binary%s%s",
                      binary, foreign.data, st->main_path ? ", whose main package is " : "",
                      st->main_path ? st->main_path : "");
        else
            error_set(ALIGN_EMISMATCH, NULL, 0, 0,
                      "the escape log does not match %s: none of its %llu heap sites is "
                      "in a file of the binary (first: %s:%u)",
                      binary, (unsigned long long)sum->heap, first ? first->file : "?",
                      first ? first->line : 0);
        align_buf_free(&foreign);
        error_hint("give the log of the build that produced the binary; if the log was "
                   "moved, --src DIR names the directory the build ran in");
        return ALIGN_EMISMATCH;
    }
    return rc;
}

/* The counts of one site whose file is not in the binary. */
static void count_unmatched(align_heap_join *j, input_count *ic, bool user)
{
    ic->all_unmatched++;
    if (user)
        ic->unmatched++;
    j->summary.unmatched++;
    if (ic->first_unmatched_idx == 0)
        ic->first_unmatched_idx = j->nsites;
}

/* Why log site i, whose file is not one of the binary's, is not typed. */
static const char *unmatched_reason(join_state *st, size_t i, const align_escape_site *es)
{
    align_heap_join *j = st->j;
    if (foreign_pkg(st, i))
        return hs_printf(j, "package %s is not in the binary (%s)", es->package,
                         std_package(es->package) ? "the linker removed it"
                                                  : "a log of another program?");
    if (es->file[0] == '<')
        return hs_printf(j, "compiler-generated code (%s)", es->file);
    if (st->ambiguous[i])
        return hs_printf(j,
                         "several files of the binary end like %s: --src DIR says where the "
                         "build ran",
                         es->file);
    if (st->near[i] != GF_NONE)
        return hs_printf(j,
                         "%s is not a file of the binary: its %s is %s, another file (a log's "
                         "path is matched as written, from --src or the log's directory)",
                         es->file, hs_base(es->file), j->gf->files[st->near[i]].path);
    return hs_printf(j,
                     "%s is not a file of the binary (a log of another program, or code the "
                     "linker removed)",
                     es->file);
}

/* Types heap site s, the join's copy of log site i (es), and counts it. */
static int join_heap_site(join_state *st, size_t i, const align_escape_site *es, align_heap_site *s,
                          input_count *ic, bool user)
{
    align_heap_join *j = st->j;
    uint32_t file = st->file_ids[i];
    bool judged = false; /* the verdict is stale, not linked or typed */
    int rc = 0;
    if (es->file[0] == '<' && !foreign_pkg(st, i)) {
        /* Wrappers the compiler generates ("<autogenerated>:1:", common
         * from go1.23): no file and no line, but a package; a type the
         * expression names can still be found.  Never evidence of a stale
         * log. */
        s->stale = 0;
        rc = join_generated(st, i, es, s);
    } else if (file == GF_NONE && unlinked_file(st, i, es, st->ambiguous[i])) {
        rc = unlinked_site(st, i, es, s);
        judged = true;
    } else if (file == GF_NONE) {
        if (st->last_reason != NULL && st->last_site->file == es->file &&
            st->last_site->package == es->package && st->last_site->input == es->input) {
            s->reason = st->last_reason;
        } else {
            s->reason = unmatched_reason(st, i, es);
            if (s->reason == NULL)
                return ALIGN_ENOMEM;
            st->last_reason = s->reason;
            st->last_site = &align_escape_log_sites(st->log)[i]; /* es may be a copy */
        }
        count_unmatched(j, ic, user);
    } else {
        rc = join_site(st, i, es, file, s);
        judged = true;
    }
    if (rc < 0)
        return rc;
    if (judged && s->stale) {
        if (user)
            ic->stale++;
        j->summary.stale++;
    }
    if (judged && s->not_linked)
        j->summary.not_linked++;
    switch (s->status) {
    case ALIGN_HEAP_STRUCT: j->summary.structs++; break;
    case ALIGN_HEAP_OTHER: j->summary.other++; break;
    default: j->summary.unresolved++; break;
    }
    return 0;
}

/* Log site i as the join's next site: pushed, counted, and typed when it is
 * a heap site seen for the first time. */
static int add_log_site(join_state *st, size_t i, const align_escape_site *es, unsigned go_minor_v)
{
    align_heap_join *j = st->j;
    align_escape_site stack_buffer;
    align_heap_site hs;
    input_count *ic;
    bool dup, user;
    int rc;

    memset(&hs, 0, sizeof hs);
    hs.file = es->file;
    hs.line = es->line;
    hs.col = es->col;
    hs.kind = es->kind;
    hs.expr = es->expr;
    hs.package = es->package;
    hs.input = es->input;
    hs.input_line = es->input_line;
    hs.func = es->func;
    hs.inlined = es->inlined;
    if (hs.inlined == NULL && es->inline_file != NULL)
        hs.inlined =
            inlined_callee(j->gf, es->inline_file, es->inline_line, st->file_ids[i], es->line);
    hs.status = es->stack_only ? ALIGN_HEAP_STACK : ALIGN_HEAP_UNRESOLVED;
    /* go1.25+: make([]T, n) that "does not escape" gets a 32-byte stack
     * buffer, and the heap when it needs more: a heap site. */
    if (es->stack_only && es->kind == ALIGN_ESCAPE_MAKE_SLICE && es->var_size && go_minor_v >= 25) {
        stack_buffer = *es;
        stack_buffer.stack_only = 0;
        es = &stack_buffer;
        hs.status = ALIGN_HEAP_UNRESOLVED;
        hs.stack_buffer = 1;
    }
    if (!es->stack_only && foreign_pkg(st, i))
        st->file_ids[i] = GF_NONE;
    if (st->file_ids[i] != GF_NONE)
        hs.path = j->gf->files[st->file_ids[i]].path;
    else if (!es->stack_only)
        hs.stale = 1;
    rc = push_site(j, &hs);
    if (rc == 0)
        rc = seen_before(st, &dup);
    if (rc < 0)
        return rc;
    if (dup) {
        j->nsites--;
        j->summary.duplicates++;
        return 0;
    }
    j->summary.sites++;
    if (es->stack_only) {
        j->summary.stack++;
        return 0;
    }
    ic = input_of(st, es->input);
    if (ic == NULL)
        return ALIGN_ENOMEM;
    user = !std_package(es->package);
    ic->all_heap++;
    if (user)
        ic->heap++;
    j->summary.heap++;
    return join_heap_site(st, i, es, &j->sites[j->nsites - 1], ic, user);
}

int align_heap_join_new(align_heap_join **out, align_binary *bin, const align_escape_log *log,
                        const char *src_dir)
{
    const align_escape_site *sites;
    const align_binary_info *info;
    size_t n;
    join_state st;
    align_heap_join *j;
    int rc;

    assert(out != NULL && bin != NULL && log != NULL);
    *out = NULL;
    info = align_binary_info_get(bin);
    if (!info->has_go)
        return error_set(ALIGN_EFORMAT, info->path, 0, 0,
                         "no Go code: the escape join is for Go binaries");
    if (binary_go_funcs(bin) == NULL)
        return error_set(ALIGN_EINVAL, info->path, 0, 0,
                         "the binary was opened without ALIGN_BINARY_GO_FUNCS");
    j = calloc(1, sizeof *j);
    if (j == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    arena_init(&j->strings, 16384);
    memset(&st, 0, sizeof st);
    st.j = j;
    st.log = log;
    st.src_dir = src_dir;
    st.main_path = info->go_main_path;
    j->g = binary_go_graph(bin);
    j->gf = binary_go_funcs(bin);
    rc = hs_index(j);
    sites = align_escape_log_sites(log);
    n = align_escape_log_nsites(log);
    if (rc == 0 && n > 0) {
        st.file_ids = malloc(n * sizeof *st.file_ids);
        st.near = malloc(n * sizeof *st.near);
        st.ambiguous = malloc(n);
        /* At most one join site per log site: sized once, no doubling
         * (whose slack and copy were a third of the peak memory). */
        j->sites = malloc(n * sizeof *j->sites);
        j->sites_cap = j->sites ? n : 0;
        if (st.file_ids == NULL || st.near == NULL || st.ambiguous == NULL || j->sites == NULL)
            rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (rc == 0 && n > 0)
        rc = match_files(&st, st.file_ids, st.ambiguous, st.near);
    if (rc == 0 && n > 0)
        rc = map_packages(&st, st.file_ids);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_log_site(&st, i, &sites[i], go_minor(info->go_version));
    /* The sites array has stopped growing: indices become pointers. */
    for (size_t k = 0; rc == 0 && k < st.ninputs; k++)
        st.inputs[k].first_unmatched = st.inputs[k].first_unmatched_idx
                                           ? &j->sites[st.inputs[k].first_unmatched_idx - 1]
                                           : NULL;
    if (rc == 0)
        rc = group_types(j);
    j->summary.types = j->ntypes;
    if (rc == 0)
        rc = diagnose(&st, info->path);
    free(st.file_ids);
    free(st.ambiguous);
    free(st.inputs);
    table_free(&st.input_index);
    free(st.pkgs);
    table_free(&st.pkg_index);
    free(st.site_pkg);
    free(st.near);
    table_free(&st.seen);
    if (rc < 0) {
        align_heap_join_free(j);
        return rc;
    }
    *out = j;
    return 0;
}
