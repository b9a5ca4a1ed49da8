/*
 * gofuncs.c - the table of a Go binary's functions, variables and inlined
 * calls (gofuncs.h): building blocks for dwarf_funcs.c, the finishing pass,
 * and the lookups the escape join makes.
 *
 * Sizes: cmd/go (Go 1.19) has ~12,000 concrete and ~6,000 abstract
 * functions, ~110,000 named parameters and variables and ~40,000 inlined
 * calls; its line tables name ~1,000 files.  Rows are small fixed records
 * in doubling arrays; strings and types live in the Go graph's arena.
 * Lookups are per log site (thousands): a hash for packages and files,
 * binary search over sorted index arrays for the rest.
 *
 * Rejected: a tree of scopes (function > lexical block > variable) as
 * DWARF has it.  The join asks "which variable named x, declared at or
 * before line L, in the functions covering L": a flat list per function
 * answers that, and Go's line tables give no line spans for blocks anyway.
 */
#include "source/gofuncs.h"
#include "util/hash.h"
#include "util/vec.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int nomem(void)
{
    return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Appends item (elem bytes) to a table: they are indexed by uint32_t. */
static int push(void **arr, size_t *len, size_t *cap, size_t elem, const void *item)
{
    if (*len >= UINT32_MAX - 1)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "too many Go functions or variables");
    return vec_push(arr, len, cap, elem, 256, item);
}

int gofuncs_new(go_funcs **out, align_graph *g)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return nomem();
    (*out)->g = g;
    return 0;
}

void gofuncs_free(go_funcs *gf)
{
    if (gf == NULL)
        return;
    FREE_ALL(gf->funcs, gf->vars, gf->calls, gf->pkgs, gf->files, gf->globals, gf->locals,
             gf->pkg_index, gf->file_index, gf->funcs_by_file, gf->fileless_by_pkg,
             gf->files_by_base, gf->unit_file_ids, gf);
}

int gofuncs_push_func(go_funcs *gf, const gf_func *f)
{
    return push((void **)&gf->funcs, &gf->nfuncs, &gf->funcs_cap, sizeof *f, f);
}

int gofuncs_push_var(go_funcs *gf, const gf_var *v)
{
    uint32_t at = (uint32_t)gf->nvars;
    int rc = push((void **)&gf->vars, &gf->nvars, &gf->vars_cap, sizeof *v, v);
    /* a candidate for go_label_locals: the type is in the cache now */
    if (rc == 0 && go_local_candidate(v->type))
        rc = vec_push((void **)&gf->locals, &gf->nlocals, &gf->locals_cap, sizeof at, 64, &at);
    return rc;
}

int gofuncs_push_global(go_funcs *gf, const gf_var *v)
{
    return push((void **)&gf->globals, &gf->nglobals, &gf->globals_cap, sizeof *v, v);
}

static int cmp_global(const void *a, const void *b)
{
    const gf_var *x = a, *y = b;
    return strcmp(x->name, y->name);
}

const gf_var *gofuncs_find_global(const go_funcs *gf, const char *name, size_t len)
{
    size_t lo = 0, hi = gf->nglobals;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *n = gf->globals[mid].name;
        int c = strncmp(n, name, len);
        if (c == 0 && n[len] != '\0')
            c = 1;
        if (c == 0)
            return &gf->globals[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int gofuncs_push_call(go_funcs *gf, const gf_call *c)
{
    return push((void **)&gf->calls, &gf->ncalls, &gf->calls_cap, sizeof *c, c);
}

/* ------------------------------------------------------- hashed names */

/* Looks name[0..len) up in an index whose values are 1 + an index into an
 * array of records; key(i) gives record i's name. */
typedef const char *(*key_fn)(const go_funcs *gf, uint32_t i);

static const char *pkg_key(const go_funcs *gf, uint32_t i)
{
    return gf->pkgs[i].path;
}
static const char *file_key(const go_funcs *gf, uint32_t i)
{
    return gf->files[i].path;
}

static size_t index_slot(const go_funcs *gf, const uint32_t *index, size_t cap, key_fn key,
                         const char *s, size_t len)
{
    size_t j = (size_t)hash_str(s, len) & (cap - 1);
    for (; index[j] != 0; j = (j + 1) & (cap - 1)) {
        const char *k = key(gf, index[j] - 1);
        if (strncmp(k, s, len) == 0 && k[len] == '\0')
            break;
    }
    return j;
}

static int index_grow(const go_funcs *gf, uint32_t **index, size_t *cap, size_t n, key_fn key)
{
    size_t ncap = *cap ? *cap : 64;
    uint32_t *t;
    if ((n + 1) * 2 <= *cap)
        return 0;
    while ((n + 1) * 2 > ncap)
        ncap *= 2;
    t = calloc(ncap, sizeof *t);
    if (t == NULL)
        return nomem();
    for (size_t i = 0; i < n; i++) {
        const char *k = key(gf, (uint32_t)i);
        size_t j = (size_t)hash_str(k, strlen(k)) & (ncap - 1);
        while (t[j] != 0)
            j = (j + 1) & (ncap - 1);
        t[j] = (uint32_t)i + 1;
    }
    free(*index);
    *index = t;
    *cap = ncap;
    return 0;
}

uint32_t gofuncs_pkg(go_funcs *gf, const char *path, size_t len)
{
    gf_pkg p;
    size_t j;
    const char *slash;
    if (index_grow(gf, &gf->pkg_index, &gf->pkg_index_cap, gf->npkgs, pkg_key) < 0)
        return GF_NONE;
    j = index_slot(gf, gf->pkg_index, gf->pkg_index_cap, pkg_key, path, len);
    if (gf->pkg_index[j] != 0)
        return gf->pkg_index[j] - 1;
    memset(&p, 0, sizeof p);
    p.path = align_graph_strdup(gf->g, path, len);
    if (p.path == NULL)
        return GF_NONE;
    slash = strrchr(p.path, '/');
    p.name = slash ? slash + 1 : p.path;
    if (push((void **)&gf->pkgs, &gf->npkgs, &gf->pkgs_cap, sizeof p, &p) < 0)
        return GF_NONE;
    gf->pkg_index[j] = (uint32_t)gf->npkgs;
    return (uint32_t)gf->npkgs - 1;
}

uint32_t gofuncs_file(go_funcs *gf, const char *path)
{
    gf_file f;
    size_t j, len = strlen(path);
    if (index_grow(gf, &gf->file_index, &gf->file_index_cap, gf->nfiles, file_key) < 0)
        return GF_NONE;
    j = index_slot(gf, gf->file_index, gf->file_index_cap, file_key, path, len);
    if (gf->file_index[j] != 0)
        return gf->file_index[j] - 1;
    f.path = align_graph_strdup(gf->g, path, len);
    f.max_line = 0;
    f.pkg = GF_NONE;
    if (f.path == NULL || push((void **)&gf->files, &gf->nfiles, &gf->files_cap, sizeof f, &f) < 0)
        return GF_NONE;
    gf->file_index[j] = (uint32_t)gf->nfiles;
    return (uint32_t)gf->nfiles - 1;
}

uint32_t gofuncs_find_pkg(const go_funcs *gf, const char *path)
{
    size_t j;
    if (gf->pkg_index_cap == 0)
        return GF_NONE;
    j = index_slot(gf, gf->pkg_index, gf->pkg_index_cap, pkg_key, path, strlen(path));
    return gf->pkg_index[j] ? gf->pkg_index[j] - 1 : GF_NONE;
}

size_t gofuncs_symbol_pkg(const char *name)
{
    size_t end = strcspn(name, "[");
    size_t start = 0, i;
    /* Compiler-made symbols: type..eq.T, type..hash.T, go.shape.int_0,
     * go:buildid... */
    if (strncmp(name, "type.", 5) == 0 || strncmp(name, "go.", 3) == 0 ||
        strncmp(name, "go:", 3) == 0)
        return 0;
    for (i = 0; i < end; i++)
        if (name[i] == '/')
            start = i + 1;
    for (i = start; i < end; i++)
        if (name[i] == '.')
            return i;
    return 0;
}

/* -------------------------------------------------------------- finish */

static int cmp_u64_pair(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Sort keys copied next to the index, so that qsort needs no context. */
typedef struct by_file {
    uint32_t file, line_lo, idx;
} by_file;

typedef struct by_name {
    const char *name;
    bool abstract;
    uint32_t idx;
} by_name;

static int cmp_call(const void *a, const void *b)
{
    const gf_call *x = a, *y = b;
    const uint64_t kx[] = {x->file, x->line, x->func}, ky[] = {y->file, y->line, y->func};
    return cmp_keys(kx, ky, 3);
}

static int cmp_func_file(const void *a, const void *b)
{
    const by_file *x = a, *y = b;
    const uint64_t kx[] = {x->file, x->line_lo, x->idx}, ky[] = {y->file, y->line_lo, y->idx};
    return cmp_keys(kx, ky, 3);
}

static int cmp_name_idx(const void *a, const void *b)
{
    const by_name *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    if (x->abstract != y->abstract) /* concrete copies first */
        return x->abstract ? 1 : -1;
    return x->idx < y->idx ? -1 : 1;
}

/* Abstract functions have no file: take it from a concrete copy of the
 * same name when the binary has one. */
static int abstract_files(go_funcs *gf)
{
    by_name *byname = malloc((gf->nfuncs ? gf->nfuncs : 1) * sizeof *byname);
    if (byname == NULL)
        return nomem();
    for (size_t i = 0; i < gf->nfuncs; i++)
        byname[i] = (by_name){gf->funcs[i].name, gf->funcs[i].abstract, (uint32_t)i};
    qsort(byname, gf->nfuncs, sizeof *byname, cmp_name_idx);
    for (size_t i = 0; i < gf->nfuncs;) {
        size_t j = i + 1;
        const gf_func *c = &gf->funcs[byname[i].idx];
        while (j < gf->nfuncs && strcmp(byname[j].name, byname[i].name) == 0)
            j++;
        for (size_t k = i + 1; k < j && !c->abstract; k++) {
            gf_func *a = &gf->funcs[byname[k].idx];
            if (a->abstract && a->file == GF_NONE)
                a->file = c->file;
        }
        i = j;
    }
    free(byname);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

typedef struct by_base {
    const char *base;
    uint32_t idx;
} by_base;

static int cmp_by_base(const void *a, const void *b)
{
    const by_base *x = a, *y = b;
    int c = strcmp(x->base, y->base);
    return c != 0 ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static void func_file_key(const go_funcs *gf, uint32_t i, void *out)
{
    *(by_file *)out = (by_file){gf->funcs[i].file, gf->funcs[i].line_lo, i};
}

static void file_base_key(const go_funcs *gf, uint32_t i, void *out)
{
    *(by_base *)out = (by_base){base_name(gf->files[i].path), i};
}

/* The order of n items of gf (functions, files) under cmp, as their
 * indices: the sort keys that key() writes for item i (elem bytes, i as a
 * uint32_t at idx_off) are sorted, and the indices kept.  Malloc'd; NULL
 * out of memory. */
static uint32_t *sorted_order(const go_funcs *gf, size_t n, size_t elem, size_t idx_off,
                              void (*key)(const go_funcs *, uint32_t, void *),
                              int (*cmp)(const void *, const void *))
{
    unsigned char *keys = malloc((n ? n : 1) * elem);
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (keys == NULL || order == NULL) {
        free(keys);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        key(gf, (uint32_t)i, keys + i * elem);
    qsort(keys, n, elem, cmp);
    for (size_t i = 0; i < n; i++)
        memcpy(&order[i], keys + i * elem + idx_off, sizeof *order);
    free(keys);
    return order;
}

/* fileless_by_pkg: the functions with no file, by (package, index).  The
 * escape join looks for a package's functions inlined everywhere at each
 * site whose variable is not in the functions covering its line: a scan
 * of every function there was ~10 ms of cmd/compile's join. */
static int index_fileless(go_funcs *gf)
{
    by_file *keys;
    size_t n = 0;
    for (size_t i = 0; i < gf->nfuncs; i++)
        n += gf->funcs[i].file == GF_NONE && gf->funcs[i].pkg != GF_NONE;
    keys = malloc((n ? n : 1) * sizeof *keys);
    gf->fileless_by_pkg = malloc((n ? n : 1) * sizeof *gf->fileless_by_pkg);
    if (keys == NULL || gf->fileless_by_pkg == NULL) {
        free(keys);
        return nomem();
    }
    n = 0;
    for (size_t i = 0; i < gf->nfuncs; i++)
        if (gf->funcs[i].file == GF_NONE && gf->funcs[i].pkg != GF_NONE)
            keys[n++] = (by_file){gf->funcs[i].pkg, 0, (uint32_t)i};
    qsort(keys, n, sizeof *keys, cmp_func_file); /* (pkg, 0, index) */
    for (size_t i = 0; i < n; i++)
        gf->fileless_by_pkg[i] = keys[i].idx;
    gf->nfileless = n;
    free(keys);
    return 0;
}

int gofuncs_finish(go_funcs *gf)
{
    uint64_t *offs = NULL;
    int rc;

    assert(!gf->finished);
    if (gf->nglobals > 1)
        qsort(gf->globals, gf->nglobals, sizeof *gf->globals, cmp_global);
    /* A concrete function's parameters are declared on its `func` line,
     * which may have no code: it starts the span.  Functions the line table
     * did not cover (abstract ones) span their variables.  (A concrete
     * function's variables may come from inlined code of other files.) */
    for (size_t i = 0; i < gf->nfuncs; i++) {
        gf_func *f = &gf->funcs[i];
        bool lines = f->line_lo != 0;
        for (uint32_t k = 0; k < f->nvars; k++) {
            const gf_var *v = &gf->vars[f->var0 + k];
            uint32_t l = v->decl_line;
            if (l == 0 || (lines && !v->param))
                continue;
            if (f->line_lo == 0 || l < f->line_lo)
                f->line_lo = l;
            if (l > f->line_hi)
                f->line_hi = l;
        }
    }
    rc = abstract_files(gf);
    if (rc < 0)
        return rc;
    /* The package that declares the functions of each file. */
    for (size_t i = 0; i < gf->nfuncs; i++) {
        gf_func *f = &gf->funcs[i];
        if (f->file != GF_NONE && f->pkg != GF_NONE && !f->abstract &&
            gf->files[f->file].pkg == GF_NONE && strchr(f->name, '[') == NULL)
            gf->files[f->file].pkg = f->pkg;
    }
    /* Call origins: DIE offset -> function. */
    if (gf->ncalls) {
        offs = malloc((gf->nfuncs ? gf->nfuncs : 1) * 2 * sizeof *offs);
        if (offs == NULL)
            return nomem();
        for (size_t i = 0; i < gf->nfuncs; i++) {
            offs[2 * i] = gf->funcs[i].die_off;
            offs[2 * i + 1] = i;
        }
        qsort(offs, gf->nfuncs, 2 * sizeof *offs, cmp_u64_pair);
        for (size_t i = 0; i < gf->ncalls; i++) {
            uint64_t key[2] = {gf->calls[i].origin_off, 0};
            const uint64_t *hit = bsearch(key, offs, gf->nfuncs, 2 * sizeof *offs, cmp_u64_pair);
            gf->calls[i].origin = hit ? (uint32_t)hit[1] : GF_NONE;
        }
        free(offs);
        qsort(gf->calls, gf->ncalls, sizeof *gf->calls, cmp_call);
    }
    gf->funcs_by_file = sorted_order(gf, gf->nfuncs, sizeof(by_file), offsetof(by_file, idx),
                                     func_file_key, cmp_func_file);
    gf->files_by_base = sorted_order(gf, gf->nfiles, sizeof(by_base), offsetof(by_base, idx),
                                     file_base_key, cmp_by_base);
    if (gf->funcs_by_file == NULL || gf->files_by_base == NULL)
        return nomem();
    rc = index_fileless(gf);
    if (rc < 0)
        return rc;
    /* Nothing is added after this: the doubling's slack goes back (a
     * third of the table on cmd/compile and bench-escape's program, ~0.7
     * MB of the join's peak on the latter). */
    vec_fit((void **)&gf->funcs, &gf->funcs_cap, gf->nfuncs, sizeof *gf->funcs);
    vec_fit((void **)&gf->vars, &gf->vars_cap, gf->nvars, sizeof *gf->vars);
    vec_fit((void **)&gf->calls, &gf->calls_cap, gf->ncalls, sizeof *gf->calls);
    vec_fit((void **)&gf->globals, &gf->globals_cap, gf->nglobals, sizeof *gf->globals);
    vec_fit((void **)&gf->pkgs, &gf->pkgs_cap, gf->npkgs, sizeof *gf->pkgs);
    vec_fit((void **)&gf->files, &gf->files_cap, gf->nfiles, sizeof *gf->files);
    gf->finished = true;
    return 0;
}

/* ------------------------------------------------------------- queries */

/* The run of order[0..n) (function indices, sorted by field, the offset
 * of a uint32_t in gf_func) whose field is key: *len of them. */
static const uint32_t *func_run(const go_funcs *gf, const uint32_t *order, size_t n, size_t field,
                                uint32_t key, size_t *len)
{
#define FIELD(i) (*(const uint32_t *)((const char *)&gf->funcs[order[i]] + field))
    size_t lo = 0, hi = n, start;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (FIELD(mid) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    start = lo;
    while (lo < n && FIELD(lo) == key)
        lo++;
#undef FIELD
    *len = lo - start;
    return order + start;
}

const uint32_t *gofuncs_file_funcs(const go_funcs *gf, uint32_t file, size_t *n)
{
    return func_run(gf, gf->funcs_by_file, gf->nfuncs, offsetof(gf_func, file), file, n);
}

const uint32_t *gofuncs_pkg_fileless_funcs(const go_funcs *gf, uint32_t pkg, size_t *n)
{
    return func_run(gf, gf->fileless_by_pkg, gf->nfileless, offsetof(gf_func, pkg), pkg, n);
}

const gf_call *gofuncs_calls_at(const go_funcs *gf, uint32_t file, uint32_t line, size_t *n)
{
    size_t lo = 0, hi = gf->ncalls, start;
    *n = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const gf_call *c = &gf->calls[mid];
        if (c->file < file || (c->file == file && c->line < line))
            lo = mid + 1;
        else
            hi = mid;
    }
    start = lo;
    while (lo < gf->ncalls && gf->calls[lo].file == file && gf->calls[lo].line == line)
        lo++;
    *n = lo - start;
    return gf->calls + start;
}

/* Path elements a[0..la) and b[0..lb) share at their ends: 0 when even
 * the last ones differ. */
static size_t tail_elements(const char *a, size_t la, const char *b, size_t lb)
{
    size_t n = 0;
    while (la > 0 && lb > 0) {
        size_t ea = la, eb = lb;
        while (la > 0 && a[la - 1] != '/')
            la--;
        while (lb > 0 && b[lb - 1] != '/')
            lb--;
        if (ea - la != eb - lb || memcmp(a + la, b + lb, ea - la) != 0)
            break;
        /* "." and ".." prove nothing */
        if (!(ea - la == 1 && a[la] == '.') && !(ea - la == 2 && a[la] == '.' && a[la + 1] == '.'))
            n++;
        while (la > 0 && a[la - 1] == '/')
            la--;
        while (lb > 0 && b[lb - 1] == '/')
            lb--;
    }
    return n;
}

static size_t common_tail(const char *a, const char *b)
{
    return tail_elements(a, strlen(a), b, strlen(b));
}

size_t gofuncs_dir_tail(const char *a, const char *b)
{
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
    if (sa == NULL || sb == NULL)
        return 0;
    return tail_elements(a, (size_t)(sa - a), b, (size_t)(sb - b));
}

uint32_t gofuncs_find_file(const go_funcs *gf, const char *path, size_t min_tail, bool *ambiguous,
                           uint32_t *near)
{
    size_t j, best = 0, lo = 0, hi = gf->nfiles;
    uint32_t hit = GF_NONE;
    const char *base = base_name(path);

    *ambiguous = false;
    if (near != NULL)
        *near = GF_NONE;
    if (gf->file_index_cap != 0) {
        j = index_slot(gf, gf->file_index, gf->file_index_cap, file_key, path, strlen(path));
        if (gf->file_index[j] != 0)
            return gf->file_index[j] - 1;
    }
    if (gf->files_by_base == NULL)
        return GF_NONE;
    /* The first file of that base name, then each of them. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(base_name(gf->files[gf->files_by_base[mid]].path), base) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < gf->nfiles; lo++) {
        uint32_t i = gf->files_by_base[lo];
        size_t n;
        if (strcmp(base_name(gf->files[i].path), base) != 0)
            break;
        n = common_tail(path, gf->files[i].path);
        if (n == 0)
            continue;
        if (n < min_tail) {
            if (near != NULL && *near == GF_NONE)
                *near = i;
            continue;
        }
        if (n < best)
            continue;
        if (n == best) {
            *ambiguous = true;
            continue;
        }
        best = n;
        hit = i;
        *ambiguous = false;
    }
    return hit;
}

/* ------------------------------------------------- where types are declared */

static int cmp_method(const void *a, const void *b)
{
    return strcmp(((const align_go_method *)a)->type, ((const align_go_method *)b)->type);
}

/* "P.(*T).M", "P.T.M", "P.(*T[...]).M": the receiver type "P.T" into buf;
 * false for a function that is no method. */
static bool receiver_of(const char *name, char *buf, size_t cap)
{
    size_t pkg = gofuncs_symbol_pkg(name), n;
    const char *t, *end;
    if (pkg == 0 || name[pkg] != '.')
        return false;
    t = name + pkg + 1;
    if (strncmp(t, "(*", 2) == 0) {
        t += 2;
        end = t + strcspn(t, ")[");
    } else {
        end = t + strcspn(t, ".[");
        if (*end != '.' && *end != '[')
            return false;
    }
    if (end == t || (!(*t >= 'A' && *t <= 'Z') && !(*t >= 'a' && *t <= 'z') && *t != '_'))
        return false;
    /* "P.T.M" needs the M; "P.F.func1" (a closure) has a lower-case T too:
     * a closure's "funcN" and a method are told apart by the reader only
     * through the file, which is the same either way. */
    n = pkg + 1 + (size_t)(end - t);
    if (n + 1 > cap)
        return false;
    memcpy(buf, name, pkg + 1);
    memcpy(buf + pkg + 1, t, (size_t)(end - t));
    buf[n] = '\0';
    return true;
}

/* Whether path is in a directory named like the package's last element
 * (name[0..pkg) is its import path): a function the runtime implements
 * for another package (go:linkname, "reflect.chanlen" in runtime/chan.go)
 * is not where that package's types are.  "main" is anywhere. */
static bool in_own_dir(const char *name, size_t pkg, const char *path)
{
    const char *last = name, *dir_end = strrchr(path, '/'), *dir;
    size_t n;
    if (pkg == 4 && strncmp(name, "main", 4) == 0)
        return true;
    for (size_t i = 0; i < pkg; i++)
        if (name[i] == '/')
            last = name + i + 1;
    n = (size_t)(name + pkg - last);
    if (dir_end == NULL)
        return false;
    dir = dir_end;
    while (dir > path && dir[-1] != '/')
        dir--;
    return (size_t)(dir_end - dir) == n && strncmp(dir, last, n) == 0;
}

int align_binary_go_method_files(const align_binary *b, align_go_method **out, size_t *n)
{
    const go_funcs *gf = binary_go_funcs(b);
    align_go_method *v = NULL;
    size_t nv = 0, cap = 0;
    char key[1024];
    size_t last[2] = {SIZE_MAX, SIZE_MAX}; /* each pass's last entry */
    *out = NULL;
    *n = 0;
    if (gf == NULL)
        return error_set(ALIGN_EINVAL, NULL, 0, 0,
                         "the binary was opened without ALIGN_BINARY_GO_FUNCS, or has no Go");
    for (size_t i = 0; i < gf->nfuncs; i++) {
        const gf_func *f = &gf->funcs[i];
        align_go_method m;
        size_t pkg = gofuncs_symbol_pkg(f->name);
        const char *path = f->file != GF_NONE ? gf->files[f->file].path : "";
        size_t plen = strlen(path);
        /* <autogenerated> wrappers and assembly say nothing of types */
        if (f->abstract || pkg == 0 || pkg >= sizeof key || plen < 3 ||
            strcmp(path + plen - 3, ".go") != 0 || !in_own_dir(f->name, pkg, path))
            continue;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 0) { /* the package itself: "P" */
                memcpy(key, f->name, pkg);
                key[pkg] = '\0';
            } else if (!receiver_of(f->name, key, sizeof key)) {
                continue;
            }
            /* functions of one package (and type) come together: the
             * first of them is kept, as the sort below keeps the first
             * (cmd/compile: a push of the package's key for each method
             * was most of the entries sorted) */
            if (last[pass] != SIZE_MAX && strcmp(v[last[pass]].type, key) == 0)
                continue;
            m.type = strdup(key);
            m.file = gf->files[f->file].path;
            if (m.type == NULL || align_vec_push((void **)&v, &nv, &cap, sizeof m, 64, &m) < 0) {
                free((char *)m.type);
                align_go_methods_free(v, nv);
                return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
            }
            last[pass] = nv - 1;
        }
    }
    if (nv > 1) /* v is NULL when no function names a method (qsort's UB) */
        qsort(v, nv, sizeof *v, cmp_method);
    size_t k = 0; /* one entry a key */
    for (size_t i = 0; i < nv; i++) {
        if (k > 0 && strcmp(v[k - 1].type, v[i].type) == 0) {
            free((char *)v[i].type);
            continue;
        }
        v[k++] = v[i];
    }
    nv = k;
    *out = v;
    *n = nv;
    return 0;
}

void align_go_methods_free(align_go_method *m, size_t n)
{
    for (size_t i = 0; m != NULL && i < n; i++)
        free((char *)m[i].type);
    free(m);
}
