/*
 * heapsites_resolve.c - what one heap site of an escape log allocates,
 * found in the binary's DWARF: the join's per-site work (heapsites.c does
 * the rest).
 *
 * Three questions, asked per site (a log has thousands, a binary tens of
 * thousands of functions: every lookup is a hash or a binary search plus a
 * scan of one file's functions):
 *
 *   - A type as -m prints it ("Order", "geom.Padded", "Pair[bool,int64]",
 *     "gen.Pair[go.shape.bool_0,go.shape.int64_1]", "struct { A int8 }")
 *     -> its DWARF name: unqualified names take the package being compiled
 *     (the command's package is "main" in DWARF), package names become
 *     import paths through the units' DW_AT_go_package_name (several
 *     packages may share a name: every combination is tried, a unique hit
 *     wins), byte/rune/any become uint8/int32/interface {}, go.shape names
 *     and struct field names stay.
 *
 *   - A variable ("moved to heap: o", "misc.big", a boxed "o", "~R0") ->
 *     the functions of the site's file whose code covers the line
 *     (narrowest first; abstract functions of inlined code span their
 *     variables' lines), their parameters and variables with that name or
 *     "&name" (a moved variable is a pointer in DWARF), the latest declared
 *     at or before the line; and for names the compiler qualified ("pkg.x":
 *     inlined from another package) the callees inlined at that line.
 *     Shadowing within one function is not resolved by scope (Go's DWARF
 *     gives blocks pcs, not lines): when same-named variables of different
 *     types are candidates the site is ambiguous, and says so.
 *
 *   - A boxed expression ("o", "o.ID", "fresh().N", "any(p)", "T{...}",
 *     "n + 1", "len(a)", "\"orders\"") -> its type, by a small recursive
 *     reading: literals, operators, conversions, calls of named functions
 *     and methods (their "~r0"), selectors through struct fields, index
 *     expressions.  What it cannot type is unresolved with the reason.
 *
 * Rejected: reading the Go sources (--src only anchors paths): the binary
 * is what runs, a source tree may have moved on, and a Go type checker is
 * not a library we can take.  Guessing a variable's type from its name
 * elsewhere in the package: wrong types are worse than unresolved sites.
 */
#include "escape/heapsites.h"
#include "util/hash.h"
#include "util/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CANDIDATES 8
#define MAX_DEPTH 32
/* Lines a moved variable may have shifted by for a log to be called stale. */
#define STALE_SHIFT 5

/* --------------------------------------------------------------- indexes */

static bool is_record(const align_type *t)
{
    return t != NULL && (t->kind == ALIGN_KIND_STRUCT || t->kind == ALIGN_KIND_UNION);
}

static int cmp_fname(const void *a, const void *b)
{
    const hs_fname *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->func < y->func ? -1 : x->func > y->func);
}

static const char *type_name_text(const void *ctx, uint32_t entry, size_t *len)
{
    const char *n = ((const hs_names *)ctx)->types[entry]->name;
    *len = strlen(n);
    return n;
}

static uint32_t name_find(const hs_names *names, const char *name, size_t len)
{
    return table_find_text(&names->index, name, len, type_name_text, names);
}

int hs_index(align_heap_join *j)
{
    align_graph *g = j->g;
    hs_names *names = &j->names;
    for (size_t i = 0; i < g->ntypes; i++) {
        const align_type *t = g->types[i];
        const char *name = t->name;
        size_t len;
        uint32_t k;
        if (name == NULL)
            continue;
        len = strlen(name);
        k = name_find(names, name, len);
        if (k != TABLE_NONE) {
            /* A record wins over a named wrapper of the same name. */
            if (!is_record(names->types[k]) && is_record(t))
                names->types[k] = t;
            continue;
        }
        if (vec_reserve((void **)&names->types, &names->cap, names->n + 1, sizeof *names->types,
                        256) < 0)
            return ALIGN_ENOMEM;
        if (table_add(&names->index, hash_str(name, len), (uint32_t)names->n) < 0)
            return ALIGN_ENOMEM;
        names->types[names->n++] = t;
    }
    if (j->gf->nfuncs) {
        j->fnames = malloc(j->gf->nfuncs * sizeof *j->fnames);
        if (j->fnames == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < j->gf->nfuncs; i++)
            j->fnames[i] = (hs_fname){j->gf->funcs[i].name, (uint32_t)i};
        j->nfnames = j->gf->nfuncs;
        qsort(j->fnames, j->nfnames, sizeof *j->fnames, cmp_fname);
    }
    return 0;
}

void hs_index_free(align_heap_join *j)
{
    free(j->names.types);
    table_free(&j->names.index);
    free(j->fnames);
}

static const align_type *type_by_name(const align_heap_join *j, const char *name, size_t len)
{
    uint32_t k = name_find(&j->names, name, len);
    return k == TABLE_NONE ? NULL : j->names.types[k];
}

/* A function by its exact name; prefers a concrete copy. */
static const gf_func *func_by_name(const align_heap_join *j, const char *name, size_t len)
{
    size_t lo = 0, hi = j->nfnames;
    const gf_func *hit = NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(j->fnames[mid].name, name, len);
        if (c == 0 && j->fnames[mid].name[len] != '\0')
            c = 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < j->nfnames; lo++) {
        const char *n = j->fnames[lo].name;
        if (strncmp(n, name, len) != 0 || n[len] != '\0')
            break;
        hit = &j->gf->funcs[j->fnames[lo].func];
        if (!hit->abstract)
            break;
    }
    return hit;
}

bool hs_func_linked(const align_heap_join *j, const char *pkg, const char *name)
{
    align_buf b;
    const gf_func *f;
    align_buf_init(&b);
    align_buf_printf(&b, "%s.%s", pkg, name);
    f = b.failed ? NULL : func_by_name(j, b.data, b.len);
    align_buf_free(&b);
    return f != NULL && !f->abstract;
}

/* Whether path names a file that exists (regular or not). */
static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

hs_file_verdict hs_file_unlinked(const align_heap_join *j, const char *pkg, const char *path)
{
    const go_funcs *gf = j->gf;
    uint32_t id = gofuncs_find_pkg(gf, pkg);
    const char *sibling = NULL;
    if (id == GF_NONE)
        return HS_FILE_FOREIGN;
    for (size_t k = 0; k < gf->nfiles && sibling == NULL; k++)
        if (gf->files[k].pkg == id && gofuncs_dir_tail(path, gf->files[k].path) > 0)
            sibling = gf->files[k].path;
    if (sibling == NULL)
        return HS_FILE_FOREIGN;
    /* Gone from where the build's other files still are: deleted or
     * renamed since the log was written.  Checked only when both paths
     * are absolute (a -trimpath or moved tree proves nothing). */
    if (path[0] == '/' && sibling[0] == '/' && !file_exists(path) && file_exists(sibling))
        return HS_FILE_GONE;
    return HS_FILE_UNLINKED;
}

/* ------------------------------------------------------------ type names */

static bool ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

static bool ident_start(unsigned char c)
{
    return ident_byte(c) && !(c >= '0' && c <= '9');
}

/* Predeclared types, as DWARF spells them. */
static const char *predeclared(const char *s, size_t n)
{
    static const char *const same[] = {
        "bool",    "int",     "int8",      "int16",      "int32",  "int64",
        "uint",    "uint8",   "uint16",    "uint32",     "uint64", "uintptr",
        "float32", "float64", "complex64", "complex128", "string", "error",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        if (strlen(same[i]) == n && memcmp(s, same[i], n) == 0)
            return same[i];
    if (n == 4 && memcmp(s, "byte", 4) == 0)
        return "uint8";
    if (n == 4 && memcmp(s, "rune", 4) == 0)
        return "int32";
    if (n == 3 && memcmp(s, "any", 3) == 0)
        return "interface {}";
    return NULL;
}

/* Packages named name[0..n): up to max indices. */
static size_t pkgs_named(const go_funcs *gf, const char *name, size_t n, uint32_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < gf->npkgs && k < max; i++) {
        const char *pn = gf->pkgs[i].name;
        if (strncmp(pn, name, n) == 0 && pn[n] == '\0')
            out[k++] = (uint32_t)i;
    }
    return k;
}

/* Go's rule for internal packages: a/b/internal/c may be imported by
 * a/b and what is under it; internal/x (the standard library's) by the
 * standard library only.  The command's package ("main") is never std. */
static bool importable(const char *path, const char *importer)
{
    const char *p = path, *cut = NULL;
    size_t parent;
    if (importer == NULL)
        return true;
    for (;;) {
        const char *q = strstr(p, "internal");
        if (q == NULL)
            break;
        if ((q == path || q[-1] == '/') && (q[8] == '/' || q[8] == '\0'))
            cut = q;
        p = q + 8;
    }
    if (cut == NULL)
        return true;
    parent = cut == path ? 0 : (size_t)(cut - path - 1);
    if (parent == 0)
        return align_go_package_is_std(importer) != 0;
    return strncmp(importer, path, parent) == 0 &&
           (importer[parent] == '\0' || importer[parent] == '/');
}

/* Of several packages of one name, those the site's package (or the
 * file's) may import: two "atomic" packages (sync/atomic and, from go1.23,
 * internal/runtime/atomic) are one for user code. */
static size_t visible_pkgs(const align_heap_join *j, const hs_where *w, uint32_t *cand, size_t nc)
{
    const go_funcs *gf = j->gf;
    const char *fpkg = w->file != GF_NONE && gf->files[w->file].pkg != GF_NONE
                           ? gf->pkgs[gf->files[w->file].pkg].path
                           : NULL;
    size_t k = 0;
    if (nc < 2)
        return nc;
    for (size_t i = 0; i < nc; i++) {
        const char *path = gf->pkgs[cand[i]].path;
        if (importable(path, w->pkg) || (fpkg != NULL && importable(path, fpkg)))
            cand[k++] = cand[i];
    }
    return k ? k : nc;
}

/* The length of an import-path-qualified name at t[0..n) ("example.com/x/
 * geom.Point", as go prints type arguments), with *dot the offset of the
 * '.' before the name; 0 when t does not start with one. */
static size_t path_qualified(const char *t, size_t n, size_t *dot)
{
    size_t i = 0, last = 0;
    bool slash = false;
    while (i < n && (ident_byte((unsigned char)t[i]) || t[i] == '.' || t[i] == '/' || t[i] == '-' ||
                     t[i] == '~')) {
        if (t[i] == '/')
            slash = true;
        if (t[i] == '.')
            last = i;
        i++;
    }
    if (!slash || last == 0)
        return 0;
    /* the name after the last '.' must follow the last '/' */
    for (size_t k = last; k < i; k++)
        if (t[k] == '/')
            return 0;
    if (last + 1 >= i || !ident_start((unsigned char)t[last + 1]))
        return 0;
    *dot = last;
    return i;
}

enum { MAX_QUALS = 4 };

/* "path/to/pkg".Name at t[i] (two packages of one name in a message):
 * path/to/pkg.Name into out, and the index past it; else i, nothing
 * written. */
static size_t quoted_name(const char *t, size_t n, size_t i, align_buf *out)
{
    const char *close = memchr(t + i + 1, '"', n - i - 1);
    size_t s, e;
    if (close == NULL || close + 2 >= t + n || close[1] != '.' ||
        !ident_start((unsigned char)close[2]))
        return i;
    align_buf_append(out, t + i + 1, (size_t)(close - t - i - 1));
    s = (size_t)(close - t) + 1;
    e = s + 1;
    while (e < n && ident_byte((unsigned char)t[e]))
        e++;
    align_buf_append(out, t + s, e - s);
    return e;
}

/* The name t[s..e) that starts a field or method in type text t[0..n),
 * into out as DWARF spells it: in a struct (in_struct), an unexported
 * field's qualified by the package ("struct { main.pad bool }").  False,
 * and nothing written, for an embedded field (`io.Reader`, `T`, alone
 * before ';' or '}'): a type, which the caller reads as one. */
static bool field_name(const hs_where *w, const char *t, size_t n, size_t s, size_t e,
                       bool in_struct, align_buf *out)
{
    size_t k = e;
    while (k < n && t[k] == ' ')
        k++;
    if (in_struct && (k >= n || t[k] == ';' || t[k] == '}' || t[k] == '.'))
        return false;
    if (in_struct && !(t[s] >= 'A' && t[s] <= 'Z') && !(e - s == 1 && t[s] == '_')) {
        align_buf_puts(out, w->pkg);
        align_buf_puts(out, ".");
    }
    align_buf_append(out, t + s, e - s);
    return true;
}

/* Rewrites type text t[0..n) into DWARF's spelling.  The k-th qualified
 * name (k < MAX_QUALS) takes package choice[k] of its candidates; counts[k]
 * receives how many there are.  Returns false when a package name matches
 * no package of the binary. */
static bool rewrite_type(const align_heap_join *j, const hs_where *w, const char *t, size_t n,
                         const size_t *choice, size_t *counts, size_t *nquals, align_buf *out)
{
    int field_next = 0; /* inside struct/interface braces: a name comes next */
    int brace = 0;
    /* per brace depth (bit brace - 1): a struct's, not an interface's;
     * the next '{' opens a struct's when kw_struct */
    uint64_t struct_braces = 0;
    bool kw_struct = false;
    size_t q = 0;
    bool ok = true;

    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)t[i];
        size_t s = i, e;
        e = c == '"' ? quoted_name(t, n, i, out) : i;
        if (e > i) {
            i = e;
            field_next = 0;
            continue;
        }
        if (ident_start(c) && !(field_next && brace > 0)) {
            size_t dot, len = path_qualified(t + i, n - i, &dot);
            if (len > 0) {
                align_buf_append(out, t + i, len); /* as DWARF spells it */
                i += len;
                continue;
            }
        }
        if (!ident_start(c)) {
            if (c == '{') {
                brace++;
                field_next = 1;
                if (brace <= 64 && kw_struct)
                    struct_braces |= (uint64_t)1 << (brace - 1);
                else if (brace <= 64)
                    struct_braces &= ~((uint64_t)1 << (brace - 1));
                kw_struct = false;
            } else if (c == '}') {
                brace--;
                field_next = 0;
            } else if (c == ';' && brace > 0) {
                field_next = 1;
            }
            align_buf_append(out, t + i, 1);
            i++;
            continue;
        }
        while (i < n && ident_byte((unsigned char)t[i]))
            i++;
        e = i;
        if (field_next && brace > 0) {
            field_next = 0;
            if (!field_name(w, t, n, s, e, brace <= 64 && (struct_braces >> (brace - 1)) & 1, out))
                i = s; /* an embedded field's type: read again as a type */
            continue;
        }
        if (e - s == 2 && memcmp(t + s, "go", 2) == 0 && i + 7 < n &&
            memcmp(t + i, ".shape.", 7) == 0) {
            /* go.shape.int_0, go.shape.struct { X int64 }_0, go.shape.*uint8:
             * verbatim, up to the end of this type argument. */
            int depth = 0;
            for (i += 7; i < n; i++) {
                char ch = t[i];
                if (ch == '[' || ch == '{' || ch == '(')
                    depth++;
                else if ((ch == ']' || ch == '}' || ch == ')') && depth-- == 0)
                    break;
                else if (ch == ',' && depth == 0)
                    break;
            }
            if (depth < 0)
                depth = 0;
            align_buf_append(out, t + s, i - s);
            continue;
        }
        if ((e - s == 6 && memcmp(t + s, "struct", 6) == 0) ||
            (e - s == 9 && memcmp(t + s, "interface", 9) == 0)) {
            kw_struct = e - s == 6;
            align_buf_append(out, t + s, e - s);
            continue;
        }
        if ((e - s == 3 && memcmp(t + s, "map", 3) == 0) ||
            (e - s == 4 && (memcmp(t + s, "chan", 4) == 0 || memcmp(t + s, "func", 4) == 0))) {
            align_buf_append(out, t + s, e - s);
            continue;
        }
        if (i + 1 < n && t[i] == '.' && ident_start((unsigned char)t[i + 1])) {
            uint32_t cand[MAX_CANDIDATES];
            size_t nc = pkgs_named(j->gf, t + s, e - s, cand, MAX_CANDIDATES), pick = 0;
            nc = visible_pkgs(j, w, cand, nc);
            if (q < MAX_QUALS) {
                counts[q] = nc;
                pick = choice ? choice[q] : 0;
            }
            q++;
            if (nc == 0) {
                ok = false;
                align_buf_append(out, t + s, e - s);
            } else {
                align_buf_puts(out, j->gf->pkgs[cand[pick < nc ? pick : 0]].path);
            }
            s = i; /* ".Name": as written */
            i++;
            while (i < n && ident_byte((unsigned char)t[i]))
                i++;
            align_buf_append(out, t + s, i - s);
            continue;
        }
        {
            const char *p = predeclared(t + s, e - s);
            if (p != NULL) {
                align_buf_puts(out, p);
            } else {
                align_buf_puts(out, w->pkg);
                align_buf_puts(out, ".");
                align_buf_append(out, t + s, e - s);
            }
        }
    }
    *nquals = q;
    return ok;
}

static const align_type *instance_of_shape(const align_heap_join *j, const char *name, size_t n,
                                           bool *several);

/* The binary's type that type text t[0..n) names, or NULL.  *ambiguous
 * when several packages' types fit. */
static const align_type *find_type(align_heap_join *j, const hs_where *w, const char *t, size_t n,
                                   bool *ambiguous, bool *unknown_pkg)
{
    size_t choice[MAX_QUALS] = {0}, counts[MAX_QUALS] = {0}, nq = 0, combos = 1;
    const align_type *hit = NULL;
    align_buf b;

    *ambiguous = false;
    *unknown_pkg = false;
    align_buf_init(&b);
    if (!rewrite_type(j, w, t, n, NULL, counts, &nq, &b)) {
        /* a package no function of the binary names (its code all
         * inlined: `io` of an embedded io.Reader): its name as written,
         * which is the path of a one-element path */
        hit = b.failed ? NULL : type_by_name(j, b.data ? b.data : "", b.len);
        *unknown_pkg = hit == NULL;
        align_buf_free(&b);
        return hit;
    }
    for (size_t k = 0; k < nq && k < MAX_QUALS; k++)
        combos *= counts[k] ? counts[k] : 1;
    if (combos > 64)
        combos = 64;
    for (size_t c = 0; c < combos; c++) {
        size_t rest = c;
        const align_type *t1;
        for (size_t k = 0; k < nq && k < MAX_QUALS; k++) {
            size_t nk = counts[k] ? counts[k] : 1;
            choice[k] = rest % nk;
            rest /= nk;
        }
        b.len = 0;
        if (b.data)
            b.data[0] = '\0';
        rewrite_type(j, w, t, n, choice, counts, &nq, &b);
        if (b.failed)
            break;
        t1 = type_by_name(j, b.data ? b.data : "", b.len);
        if (b.data != NULL && strstr(b.data, "[go.shape.") != NULL) {
            /* A generic body's allocation: the instantiation the shapes
             * stand for when there is one (whether DWARF keeps the shape
             * instantiation varies by release), else the shape type. */
            bool several = false;
            const align_type *inst = instance_of_shape(j, b.data, b.len, &several);
            if (inst != NULL)
                t1 = inst;
            else if (t1 == NULL && several)
                *ambiguous = true;
        }
        if (t1 == NULL)
            continue;
        if (hit != NULL && hit != t1)
            *ambiguous = true;
        hit = t1;
    }
    align_buf_free(&b);
    return hit;
}

/* Length of the type argument at s[0..n): up to a top-level ',' or ']'. */
static size_t first_targ(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[' || s[i] == '{' || s[i] == '(')
            depth++;
        else if (s[i] == ']' || s[i] == '}' || s[i] == ')') {
            if (depth-- == 0)
                return i;
        } else if (s[i] == ',' && depth == 0)
            return i;
    }
    return n;
}

/* ------------------------------------------------------------- shapes */

/* Whether record r has the fields a shape struct's name lists
 * ("go.shape.struct { Flag bool; os.mu sync.Mutex }": names, in order; an
 * unexported field is qualified by its package). */
static bool fields_match_shape(const align_type *r, const char *shape)
{
    const char *p = strchr(shape, '{');
    uint32_t k = 0;
    if (p == NULL || !is_record(r))
        return false;
    p++;
    for (;;) {
        const char *start, *end, *dot;
        while (*p == ' ' || *p == ';')
            p++;
        if (*p == '}' || *p == '\0')
            break;
        start = p;
        while (*p && *p != ' ' && *p != ';' && *p != '}')
            p++;
        end = p;
        /* skip the field's type up to the next top-level ';' or '}' */
        for (int depth = 0; *p; p++) {
            if (*p == '{' || *p == '[' || *p == '(')
                depth++;
            else if ((*p == '}' || *p == ']' || *p == ')') && depth-- == 0)
                break;
            else if (*p == ';' && depth == 0)
                break;
        }
        if (k >= r->nfields)
            return false;
        dot = NULL;
        for (const char *q = start; q < end; q++)
            if (*q == '.')
                dot = q;
        if (dot != NULL)
            start = dot + 1;
        if (strlen(r->fields[k].name) != (size_t)(end - start) ||
            memcmp(r->fields[k].name, start, (size_t)(end - start)) != 0) {
            /* an embedded field prints its type alone: accept it */
            if (!r->fields[k].embedded)
                return false;
        }
        k++;
    }
    return k == r->nfields;
}

/* The one named struct of the binary a go.shape struct stands for, or
 * NULL (none, or several: the shape is kept then). */
static const align_type *concrete_of_shape(const align_heap_join *j, const align_type *shape)
{
    const align_type *hit = NULL;
    if (shape == NULL || shape->name == NULL || strncmp(shape->name, "go.shape.struct {", 17) != 0)
        return NULL;
    for (size_t i = 0; i < j->g->ntypes; i++) {
        const align_type *t = j->g->types[i];
        if (t == shape || !is_record(t) || t->name == NULL || t->nfields != shape->nfields ||
            t->given_size != shape->given_size || strncmp(t->name, "go.shape.", 9) == 0 ||
            strncmp(t->name, "struct ", 7) == 0 || strncmp(t->name, "noalg.", 6) == 0)
            continue;
        if (!fields_match_shape(t, shape->name))
            continue;
        if (hit != NULL && hit != t)
            return NULL;
        hit = t;
    }
    return hit;
}

/* Whether the concrete type argument a (DWARF spelling) fits the shape
 * argument sh ("go.shape.int64", "go.shape.struct { X int64 }_0"). */
static bool arg_fits_shape(const align_heap_join *j, const char *a, size_t an, const char *sh,
                           size_t sn)
{
    const align_type *t;
    size_t k;
    if (sn < 9 || memcmp(sh, "go.shape.", 9) != 0)
        return an == sn && memcmp(a, sh, an) == 0;
    sh += 9;
    sn -= 9;
    k = sn; /* drop a "_0" suffix (go1.18-1.21) */
    while (k > 0 && sh[k - 1] >= '0' && sh[k - 1] <= '9')
        k--;
    if (k > 0 && k < sn && sh[k - 1] == '_')
        sn = k - 1;
    t = type_by_name(j, a, an);
    if (sn > 7 && memcmp(sh, "struct ", 7) == 0) {
        char *name = strndup(sh - 9, sn + 9);
        bool ok = name != NULL && t != NULL && fields_match_shape(align_type_resolve(t), name);
        free(name);
        return ok;
    }
    if (predeclared(sh, sn) != NULL) {
        const align_type *r = t;
        if (an == sn && memcmp(a, sh, an) == 0)
            return true;
        while (r != NULL && r->kind == ALIGN_KIND_NAMED && r->target != NULL)
            r = r->target;
        return r != NULL && r->name != NULL && strlen(r->name) == sn &&
               memcmp(r->name, predeclared(sh, sn), sn) == 0;
    }
    return true; /* pointers, interfaces, hashed shapes: not checked */
}

/* The instantiation of a generic type that a shape-instantiated name
 * absent from DWARF stands for ("example.com/x/geom.Pair[go.shape.struct {
 * ...},go.shape.int64]" -> "example.com/x/geom.Pair[example.com/x/geom.
 * Point,int64]"): the one instantiation whose arguments fit the shapes.
 * *several: more than one does. */
static const align_type *instance_of_shape(const align_heap_join *j, const char *name, size_t n,
                                           bool *several)
{
    const char *open = memchr(name, '[', n);
    const align_type *hit = NULL;
    size_t plen;
    *several = false;
    if (open == NULL || name[n - 1] != ']')
        return NULL;
    plen = (size_t)(open - name) + 1;
    for (size_t i = 0; i < j->g->ntypes; i++) {
        const align_type *t = j->g->types[i];
        const char *a, *sh;
        size_t tn;
        bool ok = true;
        if (!is_record(t) || t->name == NULL || strncmp(t->name, name, plen) != 0 ||
            strstr(t->name, "go.shape.") != NULL)
            continue;
        tn = strlen(t->name);
        a = t->name + plen;
        sh = name + plen;
        while (ok) {
            size_t al = first_targ(a, (size_t)(t->name + tn - 1 - a));
            size_t sl = first_targ(sh, (size_t)(name + n - 1 - sh));
            ok = arg_fits_shape(j, a, al, sh, sl);
            a += al;
            sh += sl;
            if (*a != ',' || *sh != ',') {
                ok = ok && *a == ']' && *sh == ']';
                break;
            }
            a++;
            sh++;
        }
        if (!ok)
            continue;
        if (hit != NULL && hit != t) {
            *several = true;
            return NULL;
        }
        hit = t;
    }
    return hit;
}

/* Type text that names no struct by itself: pointers, slices, arrays,
 * maps, channels, funcs, predeclared types. */
static bool composite_text(const char *t, size_t n)
{
    return n == 0 || t[0] == '*' || t[0] == '[' || t[0] == '(' ||
           (n > 4 && memcmp(t, "map[", 4) == 0) || (n > 5 && memcmp(t, "chan ", 5) == 0) ||
           (n > 5 && memcmp(t, "func(", 5) == 0) || (n > 6 && memcmp(t, "<-chan", 6) == 0) ||
           predeclared(t, n) != NULL || (n >= 9 && memcmp(t, "interface", 9) == 0);
}

/* ------------------------------------------------------------- variables */

typedef struct resolver {
    align_heap_join *j;
    const align_escape_log *log;
    const align_escape_site *site;
    const hs_where *w;
} resolver;

/* The value a variable holds: "&x" is how DWARF names a moved variable x,
 * of type *T: the value is the T. */
static const align_type *var_value(const gf_var *v)
{
    const align_type *t = v->type;
    if (t != NULL && v->name[0] == '&' && t->kind == ALIGN_KIND_POINTER)
        t = t->target;
    /* Generic bodies type variables as ".param0" typedefs over shapes. */
    while (t != NULL && t->kind == ALIGN_KIND_NAMED && t->name != NULL && t->name[0] == '.')
        t = t->target;
    return t;
}

static bool var_named(const gf_var *v, const char *name, size_t n)
{
    const char *vn = v->name[0] == '&' ? v->name + 1 : v->name;
    return strncmp(vn, name, n) == 0 && vn[n] == '\0';
}

/* Functions of the site's file covering line, narrowest span first. */
static size_t covering(const resolver *x, uint32_t line, uint32_t *out, size_t max)
{
    size_t n, k = 0;
    const uint32_t *fs = gofuncs_file_funcs(x->j->gf, x->w->file, &n);
    for (size_t i = 0; i < n; i++) {
        const gf_func *f = &x->j->gf->funcs[fs[i]];
        if (f->line_lo > line)
            break;
        if (f->line_hi < line)
            continue;
        if (k < max)
            out[k++] = fs[i];
    }
    /* insertion sort by span */
    for (size_t a = 1; a < k; a++) {
        uint32_t v = out[a];
        const gf_func *fv = &x->j->gf->funcs[v];
        size_t b = a;
        while (b > 0) {
            const gf_func *fb = &x->j->gf->funcs[out[b - 1]];
            if (fb->line_hi - fb->line_lo <= fv->line_hi - fv->line_lo)
                break;
            out[b] = out[b - 1];
            b--;
        }
        out[b] = v;
    }
    return k;
}

/* Adds t to a set of distinct candidate types. */
static void add_candidate(const align_type **set, size_t *n, const align_type *t)
{
    for (size_t i = 0; i < *n; i++)
        if (set[i] == t)
            return;
    if (*n < MAX_CANDIDATES)
        set[(*n)++] = t;
}

/* "T1, T2" (never NULL: "?" when out of memory, which the caller's own
 * allocation will report). */
static const char *type_list(align_heap_join *j, const align_type **set, size_t n)
{
    align_buf b;
    const char *s;
    align_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        align_buf_printf(&b, "%s%s", i ? ", " : "", set[i] ? align_type_display(set[i]) : "?");
    s = b.failed ? NULL : hs_strdup(j, b.data ? b.data : "", b.len);
    align_buf_free(&b);
    return s ? s : "?";
}

/* The callees inlined at the site's line whose package is named qual (any
 * when qual is NULL): their variables named name go to set. */
static void inlined_vars(const resolver *x, const char *qual, size_t qlen, const char *name,
                         size_t nlen, const align_type **set, size_t *nset, const gf_func **from)
{
    const go_funcs *gf = x->j->gf;
    size_t ncalls;
    const gf_call *calls = gofuncs_calls_at(gf, x->w->file, x->w->line, &ncalls);
    for (size_t i = 0; i < ncalls; i++) {
        const gf_func *o;
        if (calls[i].origin == GF_NONE)
            continue;
        o = &gf->funcs[calls[i].origin];
        if (qual != NULL) {
            const char *pn = o->pkg != GF_NONE ? gf->pkgs[o->pkg].name : "";
            if (strncmp(pn, qual, qlen) != 0 || pn[qlen] != '\0')
                continue;
        }
        for (uint32_t k = 0; k < o->nvars; k++) {
            const gf_var *v = &gf->vars[o->var0 + k];
            if (var_named(v, name, nlen) && v->type != NULL) {
                add_candidate(set, nset, var_value(v));
                *from = o;
            }
        }
    }
}

/* Splits "pkg.x" into qualifier and name. */
static void split_qual(const char *s, size_t n, const char **qual, size_t *qlen, const char **name,
                       size_t *nlen)
{
    const char *dot = memchr(s, '.', n);
    if (dot == NULL) {
        *qual = NULL;
        *qlen = 0;
        *name = s;
        *nlen = n;
    } else {
        *qual = s;
        *qlen = (size_t)(dot - s);
        *name = dot + 1;
        *nlen = n - *qlen - 1;
    }
}

/* "moved to heap: x": the variable declared at the site's line. */
static int resolve_moved(const resolver *x, hs_result *r)
{
    align_heap_join *j = x->j;
    const go_funcs *gf = j->gf;
    const char *var = x->site->var_name ? x->site->var_name : x->site->expr;
    const char *qual, *name;
    size_t qlen, nlen, nset = 0, nfs;
    const align_type *set[MAX_CANDIDATES];
    const gf_func *from = NULL;
    const uint32_t *fs;
    uint32_t line = x->w->line, elsewhere = 0;

    split_qual(var, strlen(var), &qual, &qlen, &name, &nlen);
    if (qual == NULL) {
        fs = gofuncs_file_funcs(gf, x->w->file, &nfs);
        for (size_t i = 0; i < nfs; i++) {
            const gf_func *f = &gf->funcs[fs[i]];
            for (uint32_t k = 0; k < f->nvars; k++) {
                const gf_var *v = &gf->vars[f->var0 + k];
                if (!var_named(v, name, nlen) || v->type == NULL)
                    continue;
                if (v->decl_line == line) {
                    add_candidate(set, &nset, var_value(v));
                    from = f;
                } else if (f->line_lo <= line && line <= f->line_hi && v->decl_line != 0 &&
                           !f->abstract && v->decl_line + STALE_SHIFT >= line &&
                           v->decl_line <= line + STALE_SHIFT) {
                    /* Declared a few lines away in a function covering the
                     * line: the source moved on since the log.  (Further
                     * away it is more likely another variable of the same
                     * name in a span widened by inlined code.) */
                    elsewhere = v->decl_line;
                }
            }
        }
        /* Functions inlined everywhere have no file: their package's. */
        fs = gofuncs_pkg_fileless_funcs(gf, gofuncs_find_pkg(gf, x->w->pkg), &nfs);
        for (size_t i = 0; nset == 0 && i < nfs; i++) {
            const gf_func *f = &gf->funcs[fs[i]];
            for (uint32_t k = 0; k < f->nvars; k++) {
                const gf_var *v = &gf->vars[f->var0 + k];
                if (var_named(v, name, nlen) && v->type != NULL && v->decl_line == line) {
                    add_candidate(set, &nset, var_value(v));
                    from = f;
                }
            }
        }
    }
    if (nset == 0)
        inlined_vars(x, qual, qlen, name, nlen, set, &nset, &from);
    if (nset == 1) {
        r->type = set[0];
        r->via = hs_printf(j, "variable %s %s of %s", var, align_type_display(set[0]),
                           from ? from->name : "?");
        return r->via ? 1 : ALIGN_ENOMEM;
    }
    if (nset > 1) {
        r->reason = hs_printf(j, "variable %s: candidates of different types (%s)", var,
                              type_list(j, set, nset));
        return r->reason ? 0 : ALIGN_ENOMEM;
    }
    if (elsewhere) {
        r->stale = 1;
        r->reason = hs_printf(j, "the binary declares %s at line %u, not %u: a stale log?", var,
                              elsewhere, line);
    } else {
        r->reason = hs_printf(j,
                              "no variable %s declared at line %u in the binary's DWARF "
                              "(optimized away, or a stale log)",
                              var, line);
    }
    return r->reason ? 0 : ALIGN_ENOMEM;
}

/* A package-level variable or constant of the site's package (qual NULL)
 * or of the packages named qual: "cfg" -> main.cfg, "misc.big". */
static const gf_var *package_var(const resolver *x, const char *qual, size_t qlen, const char *name,
                                 size_t nlen)
{
    const go_funcs *gf = x->j->gf;
    const gf_var *g = NULL;
    align_buf b;
    align_buf_init(&b);
    if (qual == NULL) {
        const char *fpkg = x->w->file != GF_NONE && gf->files[x->w->file].pkg != GF_NONE
                               ? gf->pkgs[gf->files[x->w->file].pkg].path
                               : NULL;
        align_buf_printf(&b, "%s.%.*s", x->w->pkg, (int)nlen, name);
        g = b.failed ? NULL : gofuncs_find_global(gf, b.data, b.len);
        if (g == NULL && fpkg != NULL) {
            b.len = 0;
            align_buf_printf(&b, "%s.%.*s", fpkg, (int)nlen, name);
            g = b.failed ? NULL : gofuncs_find_global(gf, b.data, b.len);
        }
    } else {
        uint32_t cand[MAX_CANDIDATES];
        size_t nc = pkgs_named(gf, qual, qlen, cand, MAX_CANDIDATES);
        for (size_t i = 0; i < nc && g == NULL; i++) {
            b.len = 0;
            align_buf_printf(&b, "%s.%.*s", gf->pkgs[cand[i]].path, (int)nlen, name);
            g = b.failed ? NULL : gofuncs_find_global(gf, b.data, b.len);
        }
    }
    align_buf_free(&b);
    return g;
}

/* A variable visible at the site: the latest declared at or before the
 * line in the narrowest covering function that has one; then the callees
 * inlined at the line.  1 found (*type), 0 not (reason). */
static int scope_var(const resolver *x, const char *s, size_t n, const align_type **type,
                     const char **via, const char **reason)
{
    align_heap_join *j = x->j;
    const go_funcs *gf = j->gf;
    const char *qual, *name;
    size_t qlen, nlen, nset = 0;
    const align_type *set[MAX_CANDIDATES];
    const gf_func *from = NULL;
    uint32_t fs[64], line = x->w->line;
    size_t nf = covering(x, line, fs, 64);
    bool exact = n >= 2 && s[0] == '~'; /* ~R0: results of inlined calls */

    split_qual(s, n, &qual, &qlen, &name, &nlen);
    if (exact) {
        qual = NULL;
        name = s;
        nlen = n;
    }
    for (size_t i = 0; qual == NULL && i < nf && nset == 0; i++) {
        const gf_func *f = &gf->funcs[fs[i]];
        uint32_t best = 0;
        for (uint32_t k = 0; k < f->nvars; k++) {
            const gf_var *v = &gf->vars[f->var0 + k];
            uint32_t dl = v->param ? 0 : v->decl_line;
            if (!var_named(v, name, nlen) || v->type == NULL)
                continue;
            if (exact ? v->decl_line != line : dl > line)
                continue;
            if (dl > best) {
                best = dl;
                nset = 0;
            }
            if (dl == best) {
                add_candidate(set, &nset, var_value(v));
                from = f;
            }
        }
    }
    if (nset == 0 && !exact)
        inlined_vars(x, qual, qlen, name, nlen, set, &nset, &from);
    /* Code of a function inlined everywhere (no concrete copy, so no file
     * and no span): the package's such functions with a variable of that
     * name, when they agree on its type. */
    if (nset == 0 && !exact && qual == NULL) {
        size_t nfrom = 0, nff;
        const uint32_t *ff = gofuncs_pkg_fileless_funcs(gf, gofuncs_find_pkg(gf, x->w->pkg), &nff);
        for (size_t i = 0; i < nff; i++) {
            const gf_func *f = &gf->funcs[ff[i]];
            if (!f->abstract)
                continue;
            for (uint32_t k = 0; k < f->nvars; k++) {
                const gf_var *v = &gf->vars[f->var0 + k];
                if (var_named(v, name, nlen) && v->type != NULL) {
                    add_candidate(set, &nset, var_value(v));
                    if (from != f)
                        nfrom++;
                    from = f;
                }
            }
        }
        if (nset == 1 && nfrom > 1) {
            *type = set[0];
            *via = hs_printf(j, "variable %.*s %s of the functions of %s inlined everywhere",
                             (int)n, s, align_type_display(set[0]), x->w->pkg);
            return *via ? 1 : ALIGN_ENOMEM;
        }
    }
    if (nset == 0 && !exact) {
        const gf_var *g = package_var(x, qual, qlen, name, nlen);
        if (g != NULL) {
            *type = g->type;
            *via = hs_printf(j, "package-level %s %s %s", g->param ? "constant" : "variable",
                             g->name, g->type ? align_type_display(g->type) : "?");
            return *via ? 1 : ALIGN_ENOMEM;
        }
    }
    if (nset == 1) {
        *type = set[0];
        *via = hs_printf(j, "%s %.*s %s of %s", exact ? "result" : "variable", (int)n, s,
                         align_type_display(set[0]), from ? from->name : "?");
        return *via ? 1 : ALIGN_ENOMEM;
    }
    if (nset > 1)
        *reason = hs_printf(j, "%.*s: candidates of different types (%s)", (int)n, s,
                            type_list(j, set, nset));
    else if (nf == 0 && qual == NULL)
        *reason = hs_printf(j, "no function of the binary covers line %u", line);
    else
        *reason = hs_printf(j,
                            "no variable %.*s in scope at line %u in the binary's DWARF "
                            "(optimized away)",
                            (int)n, s, line);
    return *reason ? 0 : ALIGN_ENOMEM;
}

/* ----------------------------------------------------------- expressions */

static const char *unresolved_expr(align_heap_join *j, const char *what, const char *e, size_t n)
{
    return hs_printf(j, "%s: %.*s", what, (int)n, e);
}

/* The matching opening bracket of the closing one at e[n-1], or n. */
static size_t open_of(const char *e, size_t n)
{
    char close = e[n - 1], open = close == ')' ? '(' : close == ']' ? '[' : '{';
    int depth = 0;
    for (size_t i = n; i-- > 0;) {
        if (e[i] == close)
            depth++;
        else if (e[i] == open && --depth == 0)
            return i;
    }
    return n;
}

/* The last top-level occurrence of " op " with op among ops, or n. */
static size_t top_level_op(const char *e, size_t n, const char *const *ops, size_t *oplen)
{
    int depth = 0;
    bool quote = false;
    size_t hit = n;
    for (size_t i = 0; i < n; i++) {
        char c = e[i];
        if (quote) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quote = false;
            continue;
        }
        if (c == '"')
            quote = true;
        else if (c == '(' || c == '[' || c == '{')
            depth++;
        else if (c == ')' || c == ']' || c == '}')
            depth--;
        else if (c == ' ' && depth == 0) {
            for (size_t k = 0; ops[k]; k++) {
                size_t l = strlen(ops[k]);
                if (i + l + 1 < n && memcmp(e + i + 1, ops[k], l) == 0 && e[i + l + 1] == ' ') {
                    hit = i;
                    *oplen = l + 2;
                }
            }
        }
    }
    return hit;
}

/* The last top-level '.', or n. */
static size_t last_dot(const char *e, size_t n)
{
    int depth = 0;
    for (size_t i = n; i-- > 0;) {
        if (e[i] == ')' || e[i] == ']' || e[i] == '}')
            depth++;
        else if (e[i] == '(' || e[i] == '[' || e[i] == '{')
            depth--;
        else if (e[i] == '.' && depth == 0)
            return i;
    }
    return n;
}

static bool is_ident(const char *e, size_t n)
{
    if (n == 0 || !ident_start((unsigned char)e[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!ident_byte((unsigned char)e[i]))
            return false;
    return true;
}

/* Strips named wrappers and follows a pointer, for field access. */
static const align_type *deref_record(const align_type *t)
{
    t = t ? align_type_resolve(t) : NULL;
    if (t != NULL && t->kind == ALIGN_KIND_POINTER)
        t = t->target ? align_type_resolve(t->target) : NULL;
    return is_record(t) ? t : NULL;
}

static const align_type *field_type(const align_type *rec, const char *name, size_t n,
                                    unsigned depth)
{
    if (rec == NULL || depth > 4)
        return NULL;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        const align_field *f = &rec->fields[i];
        if (strncmp(f->name, name, n) == 0 && f->name[n] == '\0')
            return f->type;
    }
    for (uint32_t i = 0; i < rec->nfields; i++) { /* promoted fields */
        const align_type *t;
        if (!rec->fields[i].embedded)
            continue;
        t = field_type(deref_record(rec->fields[i].type), name, n, depth + 1);
        if (t != NULL)
            return t;
    }
    return NULL;
}

/* The element type of an array or a slice (slices are primitives named
 * "[]T": T is found by name). */
static const align_type *elem_type(const resolver *x, const align_type *t)
{
    const align_type *r = t ? align_type_resolve(t) : NULL;
    if (r == NULL)
        return NULL;
    if (r->kind == ALIGN_KIND_ARRAY)
        return r->target;
    if (r->kind == ALIGN_KIND_PRIM && r->prim == ALIGN_GO_SLICE) {
        const char *d = t->display;
        if (strncmp(d, "[]", 2) == 0)
            return type_by_name(x->j, d + 2, strlen(d + 2));
    }
    return NULL;
}

/* The "~r0" of a function or method. */
static const align_type *result_of(const gf_func *f, const go_funcs *gf)
{
    for (uint32_t k = 0; f != NULL && k < f->nvars; k++) {
        const gf_var *v = &gf->vars[f->var0 + k];
        if (v->param && strcmp(v->name, "~r0") == 0)
            return v->type;
    }
    return NULL;
}

static int expr_type(const resolver *x, const char *e, size_t n, unsigned depth,
                     const align_type **type, const char **via, const char **reason);

/* A call: conversions, builtins, functions and methods. */
static int call_type(const resolver *x, const char *e, size_t n, size_t open, unsigned depth,
                     const align_type **type, const char **via, const char **reason)
{
    align_heap_join *j = x->j;
    const char *head = e, *args = e + open + 1;
    size_t hn = open, an = n - open - 2;
    const align_type *t;
    bool amb, unk;

    if ((hn == 3 && (memcmp(head, "len", 3) == 0 || memcmp(head, "cap", 3) == 0)) ||
        (hn == 4 && memcmp(head, "copy", 4) == 0) || (hn == 6 && memcmp(head, "string", 6) == 0) ||
        (hn == 7 && memcmp(head, "uintptr", 7) == 0) ||
        (hn == 14 && memcmp(head, "unsafe.Pointer", 14) == 0) || head[0] == '(') {
        *type = NULL;
        *via = NULL;
        return 1; /* ints, strings, pointers, []byte: not structs */
    }
    if ((hn == 3 && memcmp(head, "any", 3) == 0) ||
        (hn >= 9 && memcmp(head, "interface", 9) == 0) ||
        (hn == 5 && memcmp(head, "error", 5) == 0))
        return expr_type(x, args, an, depth + 1, type, via, reason); /* what is boxed */
    if (predeclared(head, hn) != NULL) {
        *type = NULL;
        return 1;
    }
    t = find_type(j, x->w, head, hn, &amb, &unk);
    if (t != NULL && !amb) {
        *type = t;
        *via = hs_printf(j, "conversion to %s", align_type_display(t));
        return *via ? 1 : ALIGN_ENOMEM;
    }
    /* A function: pkg.f or f of the site's package. */
    if (is_ident(head, hn) || (memchr(head, '.', hn) && last_dot(head, hn) < hn)) {
        size_t dot = last_dot(head, hn);
        const gf_func *f = NULL;
        align_buf b;
        align_buf_init(&b);
        if (dot == hn) {
            align_buf_printf(&b, "%s.%.*s", x->w->pkg, (int)hn, head);
            f = b.failed ? NULL : func_by_name(j, b.data, b.len);
        } else {
            const align_type *recv = NULL;
            const char *v2 = NULL, *r2 = NULL;
            uint32_t cand[MAX_CANDIDATES];
            size_t np =
                is_ident(head, dot) ? pkgs_named(j->gf, head, dot, cand, MAX_CANDIDATES) : 0;
            for (size_t i = 0; i < np && f == NULL; i++) {
                b.len = 0;
                align_buf_printf(&b, "%s.%.*s", j->gf->pkgs[cand[i]].path, (int)(hn - dot - 1),
                                 head + dot + 1);
                f = b.failed ? NULL : func_by_name(j, b.data, b.len);
            }
            /* A method: the receiver's type name + ".M" or ".(*T).M" style. */
            if (f == NULL && expr_type(x, head, dot, depth + 1, &recv, &v2, &r2) == 1 &&
                deref_record(recv) != NULL && deref_record(recv)->name != NULL) {
                const char *rn = deref_record(recv)->name;
                size_t pl = gofuncs_symbol_pkg(rn);
                b.len = 0;
                align_buf_printf(&b, "%s.%.*s", rn, (int)(hn - dot - 1), head + dot + 1);
                f = b.failed ? NULL : func_by_name(j, b.data, b.len);
                if (f == NULL && pl) {
                    b.len = 0;
                    align_buf_printf(&b, "%.*s.(*%s).%.*s", (int)pl, rn, rn + pl + 1,
                                     (int)(hn - dot - 1), head + dot + 1);
                    f = b.failed ? NULL : func_by_name(j, b.data, b.len);
                }
            }
        }
        align_buf_free(&b);
        t = result_of(f, j->gf);
        if (t != NULL) {
            *type = t;
            *via = hs_printf(j, "result of %s", f->name);
            return *via ? 1 : ALIGN_ENOMEM;
        }
    }
    *reason = unresolved_expr(j, "cannot type the result of the call", e, n);
    return *reason ? 0 : ALIGN_ENOMEM;
}

static int expr_type(const resolver *x, const char *e, size_t n, unsigned depth,
                     const align_type **type, const char **via, const char **reason)
{
    static const char *const logical[] = {"==", "!=", "<", "<=", ">", ">=", "&&", "||", NULL};
    static const char *const arith[] = {"+", "-", "*",  "/",  "%",  "&",
                                        "|", "^", "<<", ">>", "&^", NULL};
    align_heap_join *j = x->j;
    size_t op, oplen = 0;

    while (n > 0 && e[0] == ' ')
        e++, n--;
    while (n > 0 && e[n - 1] == ' ')
        n--;
    *type = NULL;
    if (n == 0 || depth > MAX_DEPTH) {
        *reason = hs_printf(j, "cannot type the expression");
        return *reason ? 0 : ALIGN_ENOMEM;
    }
    if (e[0] == '(' && open_of(e, n) == 0 && e[n - 1] == ')')
        return expr_type(x, e + 1, n - 2, depth + 1, type, via, reason);
    if (e[0] == '"' || e[0] == '`' || e[0] == '\'' || (e[0] >= '0' && e[0] <= '9') ||
        (n == 4 && memcmp(e, "true", 4) == 0) || (n == 5 && memcmp(e, "false", 5) == 0) ||
        (n == 3 && memcmp(e, "nil", 3) == 0))
        return 1; /* a constant: never a struct */
    if (top_level_op(e, n, logical, &oplen) < n)
        return 1; /* bool */
    op = top_level_op(e, n, arith, &oplen);
    if (op < n)
        return expr_type(x, e, op, depth + 1, type, via, reason); /* the left operand's */
    if (e[0] == '!' || e[0] == '&' || e[0] == '<')
        return 1; /* bool, a pointer, a received value: not a struct we can see */
    if (e[0] == '-' || e[0] == '+' || e[0] == '^')
        return expr_type(x, e + 1, n - 1, depth + 1, type, via, reason);
    if (e[0] == '*') {
        int rc = expr_type(x, e + 1, n - 1, depth + 1, type, via, reason);
        const align_type *t = *type ? align_type_resolve(*type) : NULL;
        if (rc == 1)
            *type = t != NULL && t->kind == ALIGN_KIND_POINTER ? t->target : NULL;
        return rc;
    }
    if ((n > 5 && memcmp(e + n - 5, "{...}", 5) == 0) ||
        (n > 2 && memcmp(e + n - 2, "{}", 2) == 0)) {
        size_t lit = e[n - 2] == '{' ? 2 : 5;
        bool amb, unk;
        const align_type *t;
        if (composite_text(e, n - lit))
            return 1;
        t = find_type(j, x->w, e, n - lit, &amb, &unk);
        if (t == NULL || amb) {
            *reason =
                unresolved_expr(j, amb ? "ambiguous type" : "type not in the binary", e, n - lit);
            return *reason ? 0 : ALIGN_ENOMEM;
        }
        *type = t;
        *via = NULL;
        return 1;
    }
    if (e[n - 1] == ')') {
        size_t open = open_of(e, n);
        if (open > 0 && open < n)
            return call_type(x, e, n, open, depth, type, via, reason);
    }
    if (e[n - 1] == ']') {
        size_t open = open_of(e, n);
        const align_type *t = NULL;
        int rc;
        if (open == 0 || open >= n)
            goto fail;
        rc = expr_type(x, e, open, depth + 1, &t, via, reason);
        if (rc != 1)
            return rc;
        if (t != NULL && align_type_resolve(t)->kind == ALIGN_KIND_PRIM &&
            align_type_resolve(t)->prim == ALIGN_GO_STRING)
            return 1; /* a byte */
        *type = elem_type(x, t);
        if (*type == NULL) {
            *reason = unresolved_expr(j, "cannot type the element of", e, open);
            return *reason ? 0 : ALIGN_ENOMEM;
        }
        *via = hs_printf(j, "element of %.*s", (int)open, e);
        return *via ? 1 : ALIGN_ENOMEM;
    }
    if (e[0] == '~' || is_ident(e, n))
        return scope_var(x, e, n, type, via, reason);
    {
        size_t dot = last_dot(e, n);
        const align_type *t = NULL, *ft;
        const char *v2 = NULL, *r2 = NULL;
        int rc;
        if (dot == 0 || dot >= n - 1)
            goto fail;
        rc = expr_type(x, e, dot, depth + 1, &t, &v2, &r2);
        if (rc < 0)
            return rc;
        if (rc == 0 && is_ident(e, dot)) {
            const char *r3 = NULL;
            rc = scope_var(x, e, n, type, via, &r3); /* pkg.x: inlined */
            if (rc != 0)
                return rc;
        }
        if (rc == 0) {
            *reason = r2;
            return 0;
        }
        ft = field_type(deref_record(t), e + dot + 1, n - dot - 1, 0);
        if (ft == NULL && deref_record(t) != NULL)
            return 1; /* a method value: a closure */
        if (ft == NULL) {
            *reason = unresolved_expr(j, "cannot type the selector", e, n);
            return *reason ? 0 : ALIGN_ENOMEM;
        }
        *type = ft;
        *via = hs_printf(j, "field %.*s of %s", (int)(n - dot - 1), e + dot + 1,
                         align_type_display(deref_record(t)));
        return *via ? 1 : ALIGN_ENOMEM;
    }
fail:
    *reason = unresolved_expr(j, "cannot type the expression", e, n);
    return *reason ? 0 : ALIGN_ENOMEM;
}

/* ------------------------------------------------------------- closures */

/* "main.every.func1" -> "every"; "main.main.func2.1" -> "main.func2". */
static size_t outer_name(const char *name, const char **start)
{
    size_t p = gofuncs_symbol_pkg(name);
    const char *s = p ? name + p + 1 : name;
    const char *last = strrchr(s, '.');
    *start = s;
    return last ? (size_t)(last - s) : 0;
}

static bool is_closure(const char *name)
{
    const char *last = strrchr(name, '.');
    if (last == NULL)
        return false;
    last++;
    if (strncmp(last, "func", 4) == 0)
        last += 4;
    if (*last == '\0')
        return false;
    for (; *last; last++)
        if (*last < '0' || *last > '9')
            return false;
    return true;
}

/* The line a closure is declared on: its parameters', else its code's. */
static uint32_t closure_line(const go_funcs *gf, const gf_func *f)
{
    for (uint32_t k = 0; k < f->nvars; k++)
        if (gf->vars[f->var0 + k].param && gf->vars[f->var0 + k].decl_line)
            return gf->vars[f->var0 + k].decl_line;
    return f->line_lo;
}

static int resolve_closure(const resolver *x, hs_result *r)
{
    align_heap_join *j = x->j;
    const go_funcs *gf = j->gf;
    const gf_func *c = NULL;
    size_t nfs;
    const uint32_t *fs = gofuncs_file_funcs(gf, x->w->file, &nfs);
    const char *outer;
    size_t olen;

    for (size_t i = 0; i < nfs && c == NULL; i++) {
        const gf_func *f = &gf->funcs[fs[i]];
        if (!f->abstract && is_closure(f->name) && closure_line(gf, f) == x->w->line)
            c = f;
    }
    if (c == NULL) {
        r->reason = hs_printf(j,
                              "no closure declared at line %u in the binary's DWARF "
                              "(its function was inlined, or removed by the linker)",
                              x->w->line);
        return r->reason ? 0 : ALIGN_ENOMEM;
    }
    /* By-value captures DWARF shows: variables of the closure, not &x. */
    for (uint32_t k = 0; k < c->nvars; k++) {
        const gf_var *v = &gf->vars[c->var0 + k];
        if (!v->param && v->name[0] != '&' && v->name[0] != '~' &&
            is_record(v->type ? align_type_resolve(v->type) : NULL)) {
            r->type = v->type;
            r->via = hs_printf(j, "%s captures %s by value", c->name, v->name);
            return r->via ? 1 : ALIGN_ENOMEM;
        }
    }
    /* -m=2 logs: "outer capturing by value: x" at x's declaration. */
    olen = outer_name(c->name, &outer);
    for (size_t i = 0; i < align_escape_log_ncaptures(x->log); i++) {
        const align_escape_capture *cap = &align_escape_log_captures(x->log)[i];
        align_escape_site s;
        hs_where w = *x->w;
        resolver x2 = *x;
        hs_result r2;
        int rc;
        if (!cap->by_value || cap->line > x->w->line || cap->input != x->site->input)
            continue;
        if (cap->func[0] == '\0') {
            /* -json: the closure is the one whose code has the use. */
            if (c->line_hi == 0 || cap->use_line < c->line_lo || cap->use_line > c->line_hi)
                continue;
        } else if (strncmp(cap->func, outer, olen) != 0 || cap->func[olen] != '\0') {
            continue;
        }
        /* Same log, same spelling of the file: the same file. */
        if (strcmp(cap->file, x->site->file) != 0)
            continue;
        memset(&s, 0, sizeof s);
        s.kind = ALIGN_ESCAPE_MOVED;
        s.var_name = s.expr = cap->var_name;
        w.line = cap->line;
        x2.site = &s;
        x2.w = &w;
        memset(&r2, 0, sizeof r2);
        rc = resolve_moved(&x2, &r2);
        if (rc < 0)
            return rc;
        if (rc == 1 && is_record(align_type_resolve(r2.type))) {
            r->type = r2.type;
            r->via = hs_printf(j, "%s captures %s by value (%s)", c->name, cap->var_name,
                               cap->func[0] ? "-m=2" : "-json");
            return r->via ? 1 : ALIGN_ENOMEM;
        }
    }
    r->status = ALIGN_HEAP_OTHER;
    r->via = hs_printf(j, "closure %s%s", c->name,
                       align_escape_log_ncaptures(x->log)
                           ? ""
                           : " (what it captures by value only -m=2 and -json logs say)");
    return r->via ? 2 : ALIGN_ENOMEM;
}

/* ------------------------------------------------------------ flows */

/* The variable an explanation's first flow stores the allocation's
 * address in ("flow: p <- &{storage for new(T)}", "~r0 = &.autotmp_2"):
 * its type from the narrowest function covering the line that has it. */
static const align_type *flow_dst_type(const resolver *x, const gf_func **from)
{
    const go_funcs *gf = x->j->gf;
    const char *dst = x->site->flow_dst;
    uint32_t fs[64];
    size_t nf, n;
    if (dst == NULL || dst[0] == '{' || x->w->file == GF_NONE)
        return NULL;
    if (strrchr(dst, '.') != NULL && strchr(dst, ' ') == NULL)
        dst = strrchr(dst, '.') + 1; /* "geom.~r0": inlined from geom */
    n = strlen(dst);
    nf = covering(x, x->w->line, fs, 64);
    for (size_t i = 0; i < nf; i++) {
        const gf_func *f = &gf->funcs[fs[i]];
        const align_type *hit = NULL;
        size_t nhit = 0;
        for (uint32_t k = 0; k < f->nvars; k++) {
            const gf_var *v = &gf->vars[f->var0 + k];
            if (var_named(v, dst, n) && v->type != NULL &&
                (v->param || v->decl_line <= x->w->line)) {
                if (hit != var_value(v))
                    nhit++;
                hit = var_value(v);
            }
        }
        if (nhit == 1) {
            *from = f;
            return hit;
        }
        if (nhit > 1)
            return NULL;
    }
    return NULL;
}

static const align_type *pointee(const align_type *t)
{
    t = t ? align_type_resolve(t) : NULL;
    return t != NULL && t->kind == ALIGN_KIND_POINTER ? t->target : NULL;
}

/* "append(xs, o)" (-m=2 and -json; -m prints "append"): the element type
 * of the slice appended to, or of the variable the result flows to. */
static int resolve_append(const resolver *x, hs_result *r, const align_type **out)
{
    align_heap_join *j = x->j;
    const char *e = x->site->expr;
    const align_type *st = NULL;
    const char *via = NULL, *why = NULL;
    const gf_func *from = NULL;
    size_t n = strlen(e);

    r->per_element = 1;
    if (n > 8 && strncmp(e, "append(", 7) == 0) {
        size_t depth = 0, k;
        for (k = 7; k < n - 1; k++) {
            if (e[k] == '(' || e[k] == '[' || e[k] == '{')
                depth++;
            else if (e[k] == ')' || e[k] == ']' || e[k] == '}')
                depth--;
            else if (e[k] == ',' && depth == 0)
                break;
        }
        if (expr_type(x, e + 7, k - 7, 1, &st, &via, &why) < 0)
            return ALIGN_ENOMEM;
    }
    if (st == NULL)
        st = flow_dst_type(x, &from);
    if (st == NULL) {
        r->reason = hs_printf(j, "%s",
                              n == 6 ? "the -m log prints \"append\" alone: -m=2 or -json logs "
                                       "name the slice appended to"
                                     : "cannot type the slice appended to");
        return r->reason ? 0 : ALIGN_ENOMEM;
    }
    *out = elem_type(x, st);
    if (*out == NULL) {
        r->status = ALIGN_HEAP_OTHER;
        r->type = st;
        return 2;
    }
    r->via = hs_printf(j, "backing array of %s", align_type_display(st));
    return r->via ? 1 : ALIGN_ENOMEM;
}

/* A site typed by where its value flows (flow_dst_type, from the -m=2 and
 * -json logs): with t, r->via is "<via> flows to DST of FUNC" and 1;
 * without, r->reason is "<what>: cannot type where <it> flows" (or that
 * only those logs say where) and 0; a negative code out of memory. */
static int typed_by_flow(const resolver *x, hs_result *r, const align_type *t, const gf_func *from,
                         const char *what, const char *it, const char *via)
{
    const char *dst = x->site->flow_dst;
    if (t == NULL) {
        r->reason = hs_printf(x->j, "%s: %s where %s flows", what,
                              dst ? "cannot type" : "only -m=2 and -json logs say", it);
        return r->reason ? 0 : ALIGN_ENOMEM;
    }
    r->via = hs_printf(x->j, "%s flows to %s of %s", via, dst, from ? from->name : "?");
    return r->via ? 1 : ALIGN_ENOMEM;
}

/* go1.26 new(expr): a compiler temporary, typed by where its address
 * flows (-m=2, -json).  1 with *t set, 0 with r final, or a negative code. */
static int resolve_temporary(const resolver *x, hs_result *r, const align_type **t)
{
    const gf_func *from = NULL;
    *t = pointee(flow_dst_type(x, &from));
    return typed_by_flow(x, r, *t, from, "a compiler temporary (new(expr), go1.26+)", "its address",
                         "new(expr): address");
}

/* &T{...}, new(T), make([]T, n) and []T{...}: the type the log names (or,
 * for a type parameter, the one its value flows to).  1 with *t set, 0 with
 * r final, or a negative code. */
static int resolve_allocated(const resolver *x, hs_result *r, const align_type **tp)
{
    align_heap_join *j = x->j;
    const align_escape_site *site = x->site;
    const hs_where *w = x->w;
    const char *tt = site->type_text;
    const align_type *t = NULL;
    bool amb = false, unk = false;
    size_t n = tt ? strlen(tt) : 0;
    if (site->kind == ALIGN_ESCAPE_MAKE_SLICE || site->kind == ALIGN_ESCAPE_SLICE_LIT) {
        if (n < 2 || memcmp(tt, "[]", 2) != 0) {
            r->reason = hs_printf(j, "not a slice type: %s", tt ? tt : "?");
            return r->reason ? 0 : ALIGN_ENOMEM;
        }
        tt += 2;
        n -= 2;
        r->per_element = 1;
    }
    if (composite_text(tt, n)) {
        r->status = ALIGN_HEAP_OTHER; /* pointers, ints, strings, ... */
        return 0;
    }
    if (n > 5 && strncmp(tt, "<node", 5) == 0) {
        /* go1.21+: new(T) of a type parameter in a generic body prints
         * "new(<node DYNAMICTYPE>)"; where the pointer flows says T. */
        const gf_func *from = NULL;
        t = flow_dst_type(x, &from);
        if (site->kind == ALIGN_ESCAPE_NEW || site->kind == ALIGN_ESCAPE_ADDR_OF_LIT)
            t = pointee(t);
        else
            t = t ? elem_type(x, t) : NULL;
        const char *what = hs_printf(j, "%s of a type parameter (%s)", site->expr, tt);
        if (what == NULL)
            return ALIGN_ENOMEM;
        *tp = t;
        return typed_by_flow(x, r, t, from, what, "it", "type parameter:");
    }
    t = find_type(j, w, tt, n, &amb, &unk);
    if (t == NULL || amb) {
        r->reason =
            amb   ? hs_printf(j, "type %s: several packages of that name have it", tt)
            : unk ? hs_printf(j, "type %s: no package of that name in the binary", tt)
                  : hs_printf(j, "type %s (package %s) is not in the binary's DWARF", tt, w->pkg);
        return r->reason ? 0 : ALIGN_ENOMEM;
    }
    *tp = t;
    return 1;
}

/* ------------------------------------------------------------------ site */

int hs_resolve(align_heap_join *j, const align_escape_log *log, const align_escape_site *site,
               const hs_where *w, hs_result *r)
{
    resolver x = {j, log, site, w};
    const align_type *t = NULL;
    int rc = 1;

    memset(r, 0, sizeof *r);
    r->status = ALIGN_HEAP_UNRESOLVED;
    switch (site->kind) {
    case ALIGN_ESCAPE_MOVED:
        if (strncmp(site->var_name ? site->var_name : site->expr, ".autotmp_", 9) == 0) {
            rc = resolve_temporary(&x, r, &t);
            if (rc <= 0)
                return rc;
            break;
        }
        rc = resolve_moved(&x, r);
        t = r->type;
        break;
    case ALIGN_ESCAPE_APPEND:
        rc = resolve_append(&x, r, &t);
        if (rc == 2)
            return 0;
        break;
    case ALIGN_ESCAPE_ADDR_OF_LIT:
    case ALIGN_ESCAPE_NEW:
    case ALIGN_ESCAPE_MAKE_SLICE:
    case ALIGN_ESCAPE_SLICE_LIT:
        rc = resolve_allocated(&x, r, &t);
        if (rc <= 0)
            return rc;
        break;
    case ALIGN_ESCAPE_BOXED:
        rc = expr_type(&x, site->expr, strlen(site->expr), 0, &t, &r->via, &r->reason);
        break;
    case ALIGN_ESCAPE_FUNC_LIT:
        rc = resolve_closure(&x, r);
        if (rc == 2)
            return 0;
        t = r->type;
        break;
    case ALIGN_ESCAPE_UNKNOWN:
        r->reason = hs_printf(j, "the -json log names no expression for this allocation");
        return r->reason ? 0 : ALIGN_ENOMEM;
    default:
        /* maps, varargs slices, string conversions: never a struct */
        r->status = ALIGN_HEAP_OTHER;
        return 0;
    }
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (r->reason == NULL)
            return ALIGN_ENOMEM;
        return 0;
    }
    r->reason = NULL;
    r->type = t;
    r->status = is_record(t ? align_type_resolve(t) : NULL) ? ALIGN_HEAP_STRUCT : ALIGN_HEAP_OTHER;
    if (r->status == ALIGN_HEAP_STRUCT) {
        const align_type *c;
        r->type = align_type_resolve(t);
        c = concrete_of_shape(j, r->type);
        if (c != NULL) {
            r->via = hs_printf(j, "%s%sshape %s", r->via ? r->via : "", r->via ? "; " : "",
                               r->type->name);
            if (r->via == NULL)
                return ALIGN_ENOMEM;
            r->type = c;
        }
    }
    return 0;
}
