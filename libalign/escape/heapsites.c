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
 * file's functions at worst), and grouped by type.  Memory: the sites
 * are the 12-byte records of heapsites_store.c, read from the logs before
 * the binary is loaded; align_heap_join_finish() rewrites each in place
 * to say what the join made of it, in log order (the order every verdict
 * below depends on), and the strings the join makes (reasons,
 * descriptions) are kept once per text.
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

/* ------------------------------------------------------------------ API */

const char *align_heap_status_name(align_heap_status status)
{
    static const char *const names[] = {"struct", "other", "unresolved", "stack"};
    if ((unsigned)status >= sizeof names / sizeof names[0])
        return NULL;
    return names[status];
}

void align_heap_join_summary(align_heap_summary *out, const align_heap_join *j)
{
    assert(out != NULL && j != NULL);
    *out = j->summary;
}

HANDLE_ACCESSORS(align_heap_join, align_heap_join_ntypes, align_heap_join_type, align_heap_type,
                 ntypes, types)

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

HANDLE_ACCESSORS(align_heap_join, align_heap_join_ndiags, align_heap_join_diag, align_heap_diag,
                 ndiags, diags)

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
    size_t first_unmatched;           /* its index in the join's sites + 1; 0 none */
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
    unsigned go_minor;     /* of the binary's release; 0 unknown */
    input_count *inputs;
    size_t ninputs, inputs_cap;
    table input_index; /* inputs by name pointer */
    pkg_map *pkgs;
    size_t npkgs, pkgs_cap;
    table pkg_index;   /* pkgs by log pointer */
    uint32_t *ctx_pkg; /* per context: its pkgs index, or GF_NONE */
    /* The last "past the last line" reason and its file: one string per
     * run of stale sites, not per site. */
    uint32_t stale_file;
    const char *stale_reason;
    /* The last file unlinked_file() judged (its run of sites shares the
     * verdict and the reason). */
    const char *dead_file, *dead_input, *dead_reason;
    bool dead;
    /* The join's sites that may repeat one another (see candidates()),
     * for duplicate detection: the others are not indexed at all. */
    table seen;
    uint8_t *cand; /* bit per record read: a candidate */
    /* Sites of compiler-generated code ("<autogenerated>:1:"), which the
     * compiler writes once per wrapper with the same text (see
     * generated_dup()): each input's count of each text so far (gen_count,
     * of gen_key), and the texts with their ordinals seen in any input
     * (gen_seen, of gen_key with the ordinal in count). */
    hs_set gen_count, gen_seen;
    /* The reason of the last unmatched site made, and its site's file,
     * package and input: a run of sites of one unmatched file shares it
     * (a string per site made memory grow with the log). */
    const char *last_reason;
    const char *last_file, *last_package, *last_input;
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
static const char *base_dir(const char *src_dir, const char *input, align_buf *tmp)
{
    const char *slash;
    if (src_dir != NULL)
        return src_dir;
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
static uint64_t key_hash(const char *path, unsigned line, unsigned col, align_escape_kind kind,
                         const char *expr)
{
    uint64_t h = hash_fnv_str(HASH_FNV_SEED, path);
    h = hash_fnv_u64(h, ((uint64_t)line << 32) | col);
    h = hash_fnv_u64(h, (uint64_t)kind);
    return hash_fnv_str(h, expr);
}

static uint64_t site_hash(const align_heap_site *s)
{
    return key_hash(s->path ? s->path : s->file, s->line, s->col, s->kind, s->expr);
}

/* Whether a heap site's file is not the binary's: its first verdict,
 * before the join (a stack-only site is never stale).  The same of a site
 * after the join: the join may call a matched site stale (a line the
 * binary has elsewhere) or an unmatched one not stale (not linked,
 * compiler-generated), and a repeat must compare as its first site did
 * when it was read. */
static bool unmatched_heap(const align_heap_site *s)
{
    return s->path == NULL && s->status != ALIGN_HEAP_STACK;
}

static bool same_site(const align_heap_site *a, const align_heap_site *b)
{
    const char *pa = a->path ? a->path : a->file, *pb = b->path ? b->path : b->file;
    return a->line == b->line && a->col == b->col && a->kind == b->kind &&
           unmatched_heap(a) == unmatched_heap(b) && strcmp(pa, pb) == 0 &&
           strcmp(a->expr, b->expr) == 0;
}

static bool site_eq(const void *ctx, uint32_t entry)
{
    const void *const *k = ctx;
    align_heap_site stored;
    hs_site(k[0], entry, &stored);
    return same_site(&stored, k[1]);
}

static bool bit_get(const uint8_t *map, uint64_t b)
{
    return (map[b >> 3] >> (b & 7)) & 1;
}

static void bit_set(uint8_t *map, uint64_t b)
{
    map[b >> 3] |= (uint8_t)(1u << (b & 7));
}

/* The key of a site of compiler-generated code, and in gen_count its
 * count (padding zeroed: sets compare keys byte for byte). */
typedef struct gen_key {
    const char *input;   /* NULL in gen_seen */
    const char *package; /* as DWARF spells it (hs_strdup'ed) */
    const char *expr;
    uint32_t kind;    /* align_escape_kind; | 0x100 when stack-only */
    uint32_t ordinal; /* gen_seen: the how-manieth of its input */
    uint64_t count;   /* gen_count: how many its input had so far */
    uint64_t line;    /* gen_count: the input line of the last */
} gen_key;

/* Whether hs, a site of compiler-generated code of context c, repeats
 * an earlier one.  The compiler writes "<autogenerated>:1: &E{...}
 * escapes to heap" once per wrapper it generates ((*V).A, (*V).B, ... of
 * methods that allocate E, inlined): one log repeats the text for
 * distinct allocations, never for one, and position and text cannot tell
 * them apart.  What does: the order, the same in every log of one build
 * (text, -m=2 and -json alike).  The k-th site of a text (package, kind,
 * expression) in an input is the k-th of that text in every other input:
 * the same log given twice, or text and -json of one build, count each
 * wrapper once, and one log counts each of its wrappers.  An input given
 * twice (one name) is told by its lines starting over. */
static int generated_dup(join_state *st, uint32_t c, const align_heap_site *hs, bool *dup)
{
    gen_key k;
    gen_key *counted;
    uint32_t id;
    bool added;
    const char *pkg = hs->package;

    /* The command's package is its import path in -m headers, "main" in
     * -json ones: as DWARF spells it when the binary has it. */
    if (st->ctx_pkg[c] != GF_NONE && st->pkgs[st->ctx_pkg[c]].dwarf != NULL)
        pkg = st->pkgs[st->ctx_pkg[c]].dwarf;
    if (pkg != NULL) {
        pkg = hs_strdup(st->j, pkg, (size_t)-1);
        if (pkg == NULL)
            return ALIGN_ENOMEM;
    }
    memset(&k, 0, sizeof k);
    k.input = hs->input;
    k.package = pkg;
    k.expr = hs->expr;
    k.kind = (uint32_t)hs->kind | (hs->status == ALIGN_HEAP_STACK ? 0x100u : 0);
    id = hs_set_add(&st->gen_count, &k, NULL);
    if (id == TABLE_NONE)
        return ALIGN_ENOMEM;
    counted = hs_set_at(&st->gen_count, id);
    /* An input line not past the last one's: the input read again (the
     * same log given twice), whose sites start over. */
    if (counted->count > 0 && hs->input_line <= counted->line)
        counted->count = 0;
    counted->line = hs->input_line;
    k.ordinal = (uint32_t)counted->count++;
    k.input = NULL;
    if (hs_set_add(&st->gen_seen, &k, &added) == TABLE_NONE)
        return ALIGN_ENOMEM;
    *dup = !added;
    return 0;
}

/* Whether hs, the join's next site (record i read, next written; of
 * context c), repeats an earlier one; indexes it when not.  Only
 * candidates are looked for and indexed: a site that is not one has no
 * other site of its key (candidates()). */
static int seen_before(join_state *st, uint32_t c, const align_heap_site *hs, size_t i, size_t next,
                       bool *dup)
{
    const void *key[2] = {st->j, hs};
    uint64_t h;
    *dup = false;
    if (hs->file[0] == '<')
        return generated_dup(st, c, hs, dup);
    if (!bit_get(st->cand, i))
        return 0;
    h = site_hash(hs);
    *dup = table_find(&st->seen, h, site_eq, key) != TABLE_NONE;
    if (*dup)
        return 0;
    return table_add(&st->seen, h, (uint32_t)next);
}

/* The command's package is named by its import path in -m headers, "main"
 * in -json headers and in DWARF.  The binary's build info names it; without
 * build info, a log package the binary does not know whose files the
 * binary's "main" functions are declared in is taken for it.  A package the
 * binary has neither under its path nor as its main package is another
 * program's: its sites are unmatched. */
static int map_packages(join_state *st)
{
    const go_funcs *gf = st->j->gf;
    size_t n = st->j->ctxs.n;

    st->ctx_pkg = malloc((n ? n : 1) * sizeof *st->ctx_pkg);
    if (st->ctx_pkg == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    /* Contexts in order of their first site: packages are numbered in
     * order of theirs, and the guess is the same over contexts as over
     * sites (a context's sites share the file and package). */
    for (size_t i = 0; i < n; i++) {
        const hs_ctx *c = hs_set_at(&st->j->ctxs, (uint32_t)i);
        const char *p = c->package;
        const void *key[2] = {st, p};
        uint32_t found;
        pkg_map *m = NULL;
        st->ctx_pkg[i] = GF_NONE;
        if (p == NULL)
            continue;
        found = table_find(&st->pkg_index, table_hash_ptr(p), pkg_eq, key);
        if (found != TABLE_NONE)
            m = &st->pkgs[found];
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
        st->ctx_pkg[i] = (uint32_t)(m - st->pkgs);
        if (m->dwarf == NULL && st->main_path == NULL && c->file_id != GF_NONE &&
            gf->files[c->file_id].pkg != GF_NONE &&
            strcmp(gf->pkgs[gf->files[c->file_id].pkg].path, "main") == 0)
            m->dwarf = "main";
    }
    return 0;
}

/* The package of the log that context c belongs to is not in the binary. */
static bool foreign_pkg(const join_state *st, uint32_t c)
{
    return st->ctx_pkg[c] != GF_NONE && st->pkgs[st->ctx_pkg[c]].dwarf == NULL;
}

static const char *dwarf_pkg(join_state *st, uint32_t c, const align_escape_site *s, uint32_t file)
{
    const go_funcs *gf = st->j->gf;
    if (st->ctx_pkg[c] != GF_NONE && st->pkgs[st->ctx_pkg[c]].dwarf != NULL)
        return st->pkgs[st->ctx_pkg[c]].dwarf;
    if (file != GF_NONE && gf->files[file].pkg != GF_NONE)
        return gf->pkgs[gf->files[file].pkg].path;
    return s->package ? s->package : "main";
}

/* Whether site i, whose file the binary does not have, is in a file of a
 * package the binary has, in that package's directory (hs_file_unlinked):
 * a file whose every function the linker removed, or one deleted since
 * the log.  Cached over the run of one file's sites. */
static bool unlinked_file(join_state *st, uint32_t c, const align_escape_site *es, bool ambiguous)
{
    align_buf path, rel, tmp;
    hs_file_verdict v = HS_FILE_FOREIGN;
    if (ambiguous || es->file[0] == '<' || st->ctx_pkg[c] == GF_NONE || foreign_pkg(st, c))
        return false;
    if (es->file == st->dead_file && es->input == st->dead_input)
        return st->dead_reason != NULL;
    align_buf_init(&path);
    align_buf_init(&rel);
    align_buf_init(&tmp);
    /* Made absolute from the current directory when the base is relative
     * or unknown (a log named without a directory): its directory is what
     * is compared, and whether it still exists. */
    if (align_escape_path_resolve(&rel, base_dir(st->src_dir, es->input, &tmp), es->file) == 0) {
        char cwd[4096];
        if (rel.data[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
            align_escape_path_resolve(&path, cwd, rel.data);
        else
            align_buf_puts(&path, rel.data);
    }
    if (path.len > 0 && !path.failed)
        v = hs_file_unlinked(st->j, st->pkgs[st->ctx_pkg[c]].dwarf, path.data);
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
static int unlinked_site(join_state *st, uint32_t c, const align_escape_site *es,
                         align_heap_site *hs)
{
    const char *pkg = st->pkgs[st->ctx_pkg[c]].dwarf;
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
static int join_site(join_state *st, uint32_t c, const align_escape_site *es, uint32_t file,
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
    w.pkg = dwarf_pkg(st, c, es, file);
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
static int join_generated(join_state *st, uint32_t c, const align_escape_site *es,
                          align_heap_site *hs)
{
    hs_where w = {GF_NONE, 0, dwarf_pkg(st, c, es, GF_NONE)};
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

/* The binary's file of a context's path (GF_NONE: none). */
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

int hs_match_file(align_heap_join *j, hs_ctx *c)
{
    align_buf path, tmp;
    bool amb = false;
    int rc;

    align_buf_init(&path);
    align_buf_init(&tmp);
    c->near = GF_NONE;
    c->file_id = GF_NONE;
    rc = align_escape_path_resolve(&path, base_dir(j->src_dir, c->input, &tmp), c->file);
    if (rc == 0 && c->file[0] != '<')
        c->file_id = gofuncs_find_file(j->gf, path.data, min_tail(c->file), &amb, &c->near);
    c->ambiguous = amb;
    align_buf_free(&path);
    align_buf_free(&tmp);
    return rc;
}

/* What the join made of its next site in rd (read in order: a record at
 * random is decoded from its group's first). */
static const hs_made *made_of(const align_heap_join *j, hs_reader *rd, size_t i)
{
    uint32_t pair, line, col;
    hs_reader_next(&j->recs, rd, i, &pair, &line, &col);
    return hs_set_at(&j->mades, ((const hs_pair *)hs_set_at(&j->mpairs, pair))->what);
}

/* The type index of type t, made on first use; TABLE_NONE when out of
 * memory. */
static uint32_t type_of_site(align_heap_join *j, const align_type *t, size_t *cap)
{
    const void *key[2] = {j, t};
    uint32_t k = table_find(&j->type_index, table_hash_ptr(t), type_eq, key);
    if (k != TABLE_NONE)
        return k;
    if (vec_reserve((void **)&j->types, cap, j->ntypes + 1, sizeof *j->types, 16) < 0 ||
        table_add(&j->type_index, table_hash_ptr(t), (uint32_t)j->ntypes) < 0)
        return TABLE_NONE;
    memset(&j->types[j->ntypes], 0, sizeof *j->types);
    j->types[j->ntypes].type = t;
    return (uint32_t)j->ntypes++;
}

/* Groups the struct sites by type, in order of first appearance, each
 * type's sites in log order: counted, then placed (no sort, and no list of
 * pairs beside the sites: the join's largest arrays are per site). */
static int group_types(align_heap_join *j)
{
    size_t nstruct = 0, cap = 0, *next;
    hs_reader rd;

    hs_store_iter(&j->recs, &rd);
    for (size_t i = 0; i < j->recs.n; i++) {
        const hs_made *m = made_of(j, &rd, i);
        uint32_t k;
        if (m->status != ALIGN_HEAP_STRUCT)
            continue;
        nstruct++;
        k = type_of_site(j, m->type, &cap);
        if (k == TABLE_NONE)
            return ALIGN_ENOMEM;
        j->types[k].nsites++;
        if (m->per_element)
            j->types[k].arrays = 1;
        else
            j->types[k].objects = 1;
    }
    if (nstruct == 0)
        return 0;
    j->type_sites = malloc(nstruct * sizeof *j->type_sites);
    next = malloc(j->ntypes * sizeof *next);
    if (j->type_sites == NULL || next == NULL) {
        free(next);
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0, pos = 0; i < j->ntypes; i++) {
        j->types[i].sites = j->type_sites + pos;
        next[i] = pos;
        pos += j->types[i].nsites;
    }
    hs_store_iter(&j->recs, &rd);
    for (size_t i = 0; i < j->recs.n; i++) {
        const hs_made *m = made_of(j, &rd, i);
        const void *key[2] = {j, m->type};
        if (m->status != ALIGN_HEAP_STRUCT)
            continue;
        uint32_t k = table_find(&j->type_index, table_hash_ptr(m->type), type_eq, key);
        j->type_sites[next[k]++] = (uint32_t)i;
    }
    free(next);
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
        align_heap_site first;
        if (c->heap == 0)
            continue;
        if (c->unmatched == c->heap) {
            hs_site(j, c->first_unmatched - 1, &first);
            rc = add_diag(j, ALIGN_HEAP_WARNING, c->input,
                          hs_printf(j,
                                    "none of its %llu heap sites is in a file of %s "
                                    "(first: %s:%u): a log of another program?",
                                    (unsigned long long)c->heap, binary, first.file, first.line));
        } else if (c->unmatched + c->stale > 0)
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
        align_heap_site first_site, *first = NULL;
        for (size_t i = 0; first == NULL && i < st->ninputs; i++)
            if (st->inputs[i].first_unmatched != 0) {
                hs_site(j, st->inputs[i].first_unmatched - 1, &first_site);
                first = &first_site;
            }
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
static void count_unmatched(align_heap_join *j, input_count *ic, bool user, size_t next)
{
    ic->all_unmatched++;
    if (user)
        ic->unmatched++;
    j->summary.unmatched++;
    if (ic->first_unmatched == 0)
        ic->first_unmatched = next + 1;
}

/* Why log site es of context c, whose file is not one of the binary's, is
 * not typed. */
static const char *unmatched_reason(join_state *st, uint32_t c, const align_escape_site *es)
{
    align_heap_join *j = st->j;
    const hs_ctx *ctx = hs_set_at(&j->ctxs, c);
    if (foreign_pkg(st, c))
        return hs_printf(j, "package %s is not in the binary (%s)", es->package,
                         std_package(es->package) ? "the linker removed it"
                                                  : "a log of another program?");
    if (es->file[0] == '<')
        return hs_printf(j, "compiler-generated code (%s)", es->file);
    if (ctx->ambiguous)
        return hs_printf(j,
                         "several files of the binary end like %s: --src DIR says where the "
                         "build ran",
                         es->file);
    if (ctx->near != GF_NONE)
        return hs_printf(j,
                         "%s is not a file of the binary: its %s is %s, another file (a log's "
                         "path is matched as written, from --src or the log's directory)",
                         es->file, hs_base(es->file), j->gf->files[ctx->near].path);
    return hs_printf(j,
                     "%s is not a file of the binary (a log of another program, or code the "
                     "linker removed)",
                     es->file);
}

/* Types heap site s, the join's copy of log site es of context c whose
 * binary's file is `file`, and counts it; next: its index. */
static int join_heap_site(join_state *st, uint32_t c, const align_escape_site *es, uint32_t file,
                          align_heap_site *s, input_count *ic, bool user, size_t next)
{
    align_heap_join *j = st->j;
    const hs_ctx *ctx = hs_set_at(&j->ctxs, c);
    bool judged = false; /* the verdict is stale, not linked or typed */
    int rc = 0;
    if (es->file[0] == '<' && !foreign_pkg(st, c)) {
        /* Wrappers the compiler generates ("<autogenerated>:1:", common
         * from go1.23): no file and no line, but a package; a type the
         * expression names can still be found.  Never evidence of a stale
         * log. */
        s->stale = 0;
        rc = join_generated(st, c, es, s);
    } else if (file == GF_NONE && unlinked_file(st, c, es, ctx->ambiguous)) {
        rc = unlinked_site(st, c, es, s);
        judged = true;
    } else if (file == GF_NONE) {
        if (st->last_reason != NULL && st->last_file == es->file &&
            st->last_package == es->package && st->last_input == es->input) {
            s->reason = st->last_reason;
        } else {
            s->reason = unmatched_reason(st, c, es);
            if (s->reason == NULL)
                return ALIGN_ENOMEM;
            st->last_reason = s->reason;
            st->last_file = es->file;
            st->last_package = es->package;
            st->last_input = es->input;
        }
        count_unmatched(j, ic, user, next);
    } else {
        rc = join_site(st, c, es, file, s);
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

/* Whether es counts as "does not escape": go1.25+ gives make([]T, n) that
 * "does not escape" a 32-byte stack buffer, and the heap when it needs
 * more: a heap site. */
static bool stack_buffer_site(const join_state *st, const align_escape_site *es)
{
    return es->stack_only && es->kind == ALIGN_ESCAPE_MAKE_SLICE && es->var_size &&
           st->go_minor >= 25;
}

/* The binary's file of site es of context c: none for a heap site of a
 * package the binary does not have. */
static uint32_t site_file(const join_state *st, uint32_t c, const align_escape_site *es)
{
    const hs_ctx *ctx = hs_set_at(&st->j->ctxs, c);
    bool stack = es->stack_only && !stack_buffer_site(st, es);
    if (!stack && foreign_pkg(st, c))
        return GF_NONE;
    return ctx->file_id;
}

/* Record i of the sites read (in order) as the log's site (*es, its
 * strings the log's); returns its context. */
static uint32_t read_site(const align_heap_join *j, hs_reader *rd, size_t i, align_escape_site *es)
{
    uint32_t pair, line, col;
    hs_reader_next(&j->recs, rd, i, &pair, &line, &col);
    return hs_said_site(j, pair, line, col, rd->input_line, es);
}

/* The hash of record i's key (site_hash() of its join site). */
static uint64_t rec_key(join_state *st, hs_reader *rd, size_t i)
{
    align_heap_join *j = st->j;
    align_escape_site es;
    uint32_t c = read_site(j, rd, i, &es), file = site_file(st, c, &es);
    const char *path = file != GF_NONE ? j->gf->files[file].path : NULL;
    return key_hash(path ? path : es.file, es.line, es.col, es.kind, es.expr);
}

/* Which sites may repeat another: those whose key (the file or path,
 * line, column, kind and expression site_hash() reads) falls into a
 * bucket of two sites or more in each of two bitmaps of 2 to 4 buckets a
 * site (a counting Bloom filter of two bits: FNV's high bits, which its
 * multiplications mix best, 27 at most for each).  Exact: sites that
 * repeat share both buckets.  Only they go into the duplicate set, sized
 * for them: of a log of distinct sites (the usual case) 5 to 15 per cent
 * instead of all, whose slots cost 11 to 21 bytes a site (dense).  A
 * second pass marks them, a bit a record, so that the bitmaps are gone
 * before the join's own memory grows.  The bitmaps (2 to 4 bits a site
 * each, four of them) and then the set are the join's peak over its
 * records: 2 to 4 buckets a site, not 4 to 8, halve the first for a few
 * more candidates in the second (bench-escape's 50 MB log: 26.1 MiB peak,
 * not 27.2). */
static int candidates(join_state *st, hs_reader rd)
{
    uint8_t *once[2] = {NULL, NULL}, *twice[2] = {NULL, NULL};
    uint64_t nbuckets = 64;
    size_t ncand = 0;
    hs_reader again = rd;
    int rc = 0;
    while (nbuckets < (uint64_t)rd.n * 2 && nbuckets < ((uint64_t)1 << 27))
        nbuckets <<= 1;
    st->cand = calloc(rd.n / 8 + 1, 1);
    if (st->cand == NULL)
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (int k = 0; k < 2 && rc == 0; k++) {
        once[k] = calloc(nbuckets / 8, 1);
        twice[k] = calloc(nbuckets / 8, 1);
        if (once[k] == NULL || twice[k] == NULL)
            rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < rd.n && rc == 0; i++) {
        uint64_t h = rec_key(st, &rd, i);
        for (int k = 0; k < 2; k++) {
            uint64_t b = (k == 0 ? h >> 37 : h >> 10) & (nbuckets - 1);
            if (bit_get(once[k], b))
                bit_set(twice[k], b);
            bit_set(once[k], b);
        }
    }
    free(once[0]);
    free(once[1]);
    for (size_t i = 0; i < rd.n && rc == 0; i++) {
        uint64_t h = rec_key(st, &again, i);
        if (bit_get(twice[0], (h >> 37) & (nbuckets - 1)) &&
            bit_get(twice[1], (h >> 10) & (nbuckets - 1))) {
            bit_set(st->cand, i);
            ncand++;
        }
    }
    free(twice[0]);
    free(twice[1]);
    /* Candidates come mostly in pairs (a site and its repeat), of which
     * one is indexed: room for half of them saves the table's growth (its
     * old and new slots at once) in the usual case, and it grows past.
     * Filled to 3/4 (dense): it is looked up once per candidate, and it
     * is the join's peak with the records (50 MB log: 2 MiB, not 4). */
    table_set_dense(&st->seen);
    if (rc == 0)
        rc = table_reserve(&st->seen, ncand / 2);
    return rc;
}

/* Log site es of context c (record i) as the join's next site (index
 * next): counted,
 * typed when it is a heap site seen for the first time, and its verdict in
 * *hs; *dup when it repeats an earlier one. */
static int add_log_site(join_state *st, uint32_t c, const align_escape_site *es, size_t i,
                        size_t next, align_heap_site *hs, bool *dup)
{
    align_heap_join *j = st->j;
    const hs_ctx *ctx = hs_set_at(&j->ctxs, c);
    align_escape_site stack_buffer;
    input_count *ic;
    uint32_t file;
    bool user;
    int rc;

    memset(hs, 0, sizeof *hs);
    hs->file = es->file;
    hs->line = es->line;
    hs->col = es->col;
    hs->kind = es->kind;
    hs->expr = es->expr;
    hs->package = es->package;
    hs->input = es->input;
    hs->input_line = es->input_line;
    hs->func = es->func;
    hs->inlined = es->inlined;
    if (hs->inlined == NULL && es->inline_file != NULL)
        hs->inlined =
            inlined_callee(j->gf, es->inline_file, es->inline_line, ctx->file_id, es->line);
    hs->status = es->stack_only ? ALIGN_HEAP_STACK : ALIGN_HEAP_UNRESOLVED;
    file = site_file(st, c, es);
    if (stack_buffer_site(st, es)) {
        stack_buffer = *es;
        stack_buffer.stack_only = 0;
        es = &stack_buffer;
        hs->status = ALIGN_HEAP_UNRESOLVED;
        hs->stack_buffer = 1;
    }
    if (file != GF_NONE)
        hs->path = j->gf->files[file].path;
    else if (!es->stack_only)
        hs->stale = 1;
    rc = seen_before(st, c, hs, i, next, dup);
    if (rc < 0)
        return rc;
    if (*dup) {
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
    return join_heap_site(st, c, es, file, hs, ic, user, next);
}

/* Verdict hs of site es (context c) as the join's next site. */
static int keep_site(align_heap_join *j, const align_escape_site *es, uint32_t c,
                     const align_heap_site *hs)
{
    hs_made m;
    hs_pair p;
    uint32_t pair;
    hs_made_pack(&m, hs);
    p.ctx = c;
    p.what = hs_set_add(&j->mades, &m, NULL);
    if (p.what == TABLE_NONE)
        return ALIGN_ENOMEM;
    pair = hs_set_add(&j->mpairs, &p, NULL);
    if (pair == TABLE_NONE)
        return ALIGN_ENOMEM;
    return hs_store_push(&j->recs, pair, es->line, es->col, es->input_line);
}

int align_heap_join_finish(align_heap_join *j, align_binary *bin)
{
    const align_binary_info *info;
    join_state st;
    hs_reader rd;
    int rc;

    assert(j != NULL && bin != NULL && !j->finished);
    info = align_binary_info_get(bin);
    if (!info->has_go)
        return error_set(ALIGN_EFORMAT, info->path, 0, 0,
                         "no Go code: the escape join is for Go binaries");
    if (binary_go_funcs(bin) == NULL)
        return error_set(ALIGN_EINVAL, info->path, 0, 0,
                         "the binary was opened without ALIGN_BINARY_GO_FUNCS");
    j->info = info;
    j->g = binary_go_graph(bin);
    j->gf = binary_go_funcs(bin);
    rc = hs_index(j);
    /* Each context's file in the binary (the reads did not need it). */
    for (size_t c = 0; c < j->ctxs.n && rc == 0; c++)
        rc = hs_match_file(j, hs_set_at(&j->ctxs, (uint32_t)c));
    if (rc < 0)
        return rc;
    memset(&st, 0, sizeof st);
    st.j = j;
    st.log = j->log;
    st.src_dir = j->src_dir;
    st.main_path = j->info->go_main_path;
    st.go_minor = go_minor(j->info->go_version);
    hs_set_init(&st.gen_count, sizeof(gen_key), offsetof(gen_key, ordinal));
    hs_set_init(&st.gen_seen, sizeof(gen_key), offsetof(gen_key, count));
    /* The records are rewritten as they are joined, duplicates
     * dropped: each says what the join made of its site from now on. */
    hs_store_rewrite(&j->recs, &rd);
    rc = map_packages(&st);
    if (rc == 0)
        rc = candidates(&st, rd);
    /* The last pass over the old records: each block goes once read. */
    rd.consume = true;
    for (size_t i = 0; i < rd.n && rc == 0; i++) {
        align_escape_site es;
        align_heap_site hs;
        bool dup;
        uint32_t c = read_site(j, &rd, i, &es);
        rc = add_log_site(&st, c, &es, i, j->recs.n, &hs, &dup);
        if (rc == 0 && !dup)
            rc = keep_site(j, &es, c, &hs);
    }
    hs_store_rewritten(&j->recs, &rd);
    /* What the log said is no longer needed. */
    j->finished = true;
    hs_set_free(&j->pairs);
    hs_set_free(&j->saids);
    table_free(&st.seen);
    hs_set_free(&st.gen_count);
    hs_set_free(&st.gen_seen);
    free(st.cand);
    st.cand = NULL;
    if (rc == 0)
        rc = group_types(j);
    j->summary.types = j->ntypes;
    if (rc == 0)
        rc = diagnose(&st, j->info->path);
    free(st.inputs);
    table_free(&st.input_index);
    free(st.pkgs);
    table_free(&st.pkg_index);
    free(st.ctx_pkg);
    return rc;
}
