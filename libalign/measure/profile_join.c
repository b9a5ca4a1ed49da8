/*
 * profile_join.c - a heap profile's allocation sites tied to the struct
 * types of the binary that wrote it: align_profile_join_*.
 *
 * The chain: the profile's leaf frame gives file:line (profile.c); the
 * escape join (escape/heapsites.c) gives the heap sites of the -m log at
 * that file:line and the DWARF type each allocates; the profile's "bytes"
 * label (the size of one object as allocated) picks between several types
 * allocated on one line.  Without an escape log no site can be typed: each
 * is listed as untyped, with how to get the log.
 *
 * Who calls it: `structalign audit|show|diff --profile`, which takes the
 * per-type sums as instance counts instead of --count guesses.
 *
 * Workload: hundreds to a few thousand profile sites, as many heap sites;
 * each profile site looks its file up (a hash, then a tail match) and scans
 * the heap sites of that file (sorted once by file and line).
 *
 * A profile of another program is detected here: its allocating frames'
 * functions and files are not in the binary (a Go binary's mapping carries
 * a GNU build ID only when linked with one, so the files and functions are
 * the check that always works; the build ID and executable are reported).
 * The standard library's frames do not count: every Go program has them.
 *
 * Rejected: typing sites from DWARF alone (the variables in scope at a line
 * say nothing about what `new(T)` or `&T{}` on that line allocates; the
 * escape log does), and guessing between several types on one line when the
 * object size does not decide (a wrong type is worse than none).
 */
#include "util/arena.h"
#include "util/vec.h"
#include "source/gofuncs.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct align_profile_join {
    align_measured_site *sites;
    size_t nsites;
    align_measured_type *types;
    size_t ntypes;
    size_t *type_sites;
    align_heap_diag *diags;
    size_t ndiags, diags_cap;
    align_measure_summary summary;
    arena strs; /* the diagnostics' texts */
};

static int add_diag(align_profile_join *j, int severity, const char *input, const char *msg)
{
    align_heap_diag *d;
    if (msg == NULL)
        return ALIGN_ENOMEM;
    d = &(align_heap_diag){severity, input, msg};
    return vec_push((void **)&j->diags, &j->ndiags, &j->diags_cap, sizeof *j->diags, 8, d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 when a function name belongs to the standard library or the runtime
 * ("runtime.malg", "strings.(*Builder).grow", "encoding/json.Marshal"). */
static int std_function(const char *name)
{
    size_t n = gofuncs_symbol_pkg(name);
    char pkg[512];
    if (n == 0 || n >= sizeof pkg)
        return n == 0;
    memcpy(pkg, name, n);
    pkg[n] = '\0';
    return align_go_package_is_std(pkg);
}

/* Bytes the allocator takes for one object of type t, as the profile's
 * "bytes" label records it; 0 when it cannot be computed. */
static uint64_t object_bytes(align_graph *g, const align_type *t)
{
    uint64_t size, ptrdata;
    uint32_t align;
    align_go_alloc a;
    if (g == NULL || align_type_size(g, t, &size, &align, &ptrdata) < 0)
        return 0;
    /* The allocator of the binary's Go release (malloc headers, 1.22+). */
    if (align_go_alloc_compute(&a, align_graph_go_release(g),
                               align_graph_abi(g) ? align_abi_arch(align_graph_abi(g))
                                                  : ALIGN_ARCH_AMD64,
                               size, ptrdata != 0) < 0)
        return 0;
    return a.bytes;
}

static int type_site(align_profile_join *j, align_measured_site *ms, const align_heap_join *hj,
                     align_graph *g, const char *bin_path, unsigned line)
{
    size_t nstruct = 0, nother = 0, nunres = 0, nmatch = 0;
    /* Copies of the join's sites (it makes them on demand), with their
     * indices + 1 in the *_at (0: none). */
    align_heap_site first_struct_v, first_other_v, first_unres_v, sized_v;
    const align_heap_site *first_struct = NULL, *first_other = NULL, *first_unres = NULL;
    const align_heap_site *sized = NULL;
    size_t first_struct_at = 0, first_other_at = 0, first_unres_at = 0, sized_at = 0;
    int distinct = 0;

    for (size_t i = 0; i < align_heap_join_nsites(hj); i++) {
        align_heap_site hv;
        const align_heap_site *hs = &hv;
        align_heap_join_site(hj, i, &hv);
        if (hs->status == ALIGN_HEAP_STACK || hs->path == NULL || hs->line != line ||
            strcmp(hs->path, bin_path) != 0)
            continue;
        if (hs->status == ALIGN_HEAP_STRUCT) {
            if (first_struct == NULL) {
                first_struct_v = hv;
                first_struct = &first_struct_v;
                first_struct_at = i + 1;
            } else if (hs->type != first_struct->type ||
                       hs->per_element != first_struct->per_element)
                distinct = 1;
            nstruct++;
            if (!hs->per_element && ms->site->object_size &&
                object_bytes(g, hs->type) == ms->site->object_size) {
                if (sized == NULL) {
                    sized_v = hv;
                    sized = &sized_v;
                    sized_at = i + 1;
                    nmatch++;
                } else if (sized->type != hs->type)
                    nmatch++;
            }
        } else if (hs->status == ALIGN_HEAP_OTHER) {
            if (first_other == NULL) {
                first_other_v = hv;
                first_other = &first_other_v;
                first_other_at = i + 1;
            }
            nother++;
        } else {
            if (first_unres == NULL) {
                first_unres_v = hv;
                first_unres = &first_unres_v;
                first_unres_at = i + 1;
            }
            nunres++;
        }
    }
    /* One struct type alone on the line: it.  Several allocations on the
     * line: the one whose size class is the object size the profile
     * recorded, when exactly one type has it. */
    if (nstruct > 0 && !distinct && nother + nunres == 0) {
        sized = first_struct;
        sized_at = first_struct_at;
    } else if (nmatch != 1) {
        sized = NULL;
    }
    if (sized != NULL) {
        ms->status = ALIGN_MEASURE_STRUCT;
        ms->type = sized->type;
        ms->per_element = sized->per_element;
        ms->heap_site = sized_at;
        return 0;
    }
    if (nstruct > 0) {
        ms->status = ALIGN_MEASURE_UNTYPED;
        ms->heap_site = first_struct_at;
        ms->reason = arena_printf(&j->strs,
                                  "%zu allocations of different types at this line in the escape "
                                  "log (%s, ...); the object size (%llu bytes) does not tell "
                                  "which",
                                  nstruct + nother + nunres, first_struct->expr,
                                  (unsigned long long)ms->site->object_size);
        return ms->reason ? 0 : ALIGN_ENOMEM;
    }
    if (nother > 0) {
        ms->status = ALIGN_MEASURE_OTHER;
        ms->type = first_other->type;
        ms->heap_site = first_other_at;
        return 0;
    }
    ms->status = ALIGN_MEASURE_UNTYPED;
    if (first_unres != NULL) {
        ms->heap_site = first_unres_at;
        ms->reason =
            arena_printf(&j->strs, "the escape log's site here (%s) is unresolved: %s",
                         first_unres->expr, first_unres->reason ? first_unres->reason : "unknown");
    } else {
        ms->reason =
            arena_printf(&j->strs, "the escape log has no heap site at this line (a log of "
                                   "another build, or an allocation -m does not report)");
    }
    return ms->reason ? 0 : ALIGN_ENOMEM;
}

static int group_types(align_profile_join *j)
{
    size_t k = 0;
    /* Types in order of their first site; the sites are few enough for a
     * quadratic grouping to cost nothing next to reading the binary. */
    j->types = calloc(j->nsites ? j->nsites : 1, sizeof *j->types);
    j->type_sites = calloc(j->nsites ? j->nsites : 1, sizeof *j->type_sites);
    if (j->types == NULL || j->type_sites == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < j->nsites; i++) {
        const align_measured_site *s = &j->sites[i];
        align_measured_type *t = NULL;
        if (s->status != ALIGN_MEASURE_STRUCT)
            continue;
        for (size_t m = 0; m < j->ntypes; m++)
            if (j->types[m].type == s->type)
                t = &j->types[m];
        if (t != NULL)
            continue;
        t = &j->types[j->ntypes++];
        t->type = s->type;
        t->sites = j->type_sites + k;
        for (size_t m = i; m < j->nsites; m++) {
            const align_measured_site *o = &j->sites[m];
            if (o->status != ALIGN_MEASURE_STRUCT || o->type != s->type)
                continue;
            j->type_sites[k++] = m;
            t->nsites++;
            if (o->per_element)
                t->arrays = 1;
            else
                t->objects = 1;
            if (o->site->object_size > t->object_size)
                t->object_size = o->site->object_size;
            if (__builtin_add_overflow(t->inuse_objects, o->site->inuse_objects,
                                       &t->inuse_objects) ||
                __builtin_add_overflow(t->inuse_bytes, o->site->inuse_bytes, &t->inuse_bytes) ||
                __builtin_add_overflow(t->alloc_objects, o->site->alloc_objects,
                                       &t->alloc_objects) ||
                __builtin_add_overflow(t->alloc_bytes, o->site->alloc_bytes, &t->alloc_bytes))
                return error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                                 "the profile's counts overflow 64 bits");
        }
    }
    return 0;
}

/* Sites of functions outside the standard library: how many, how many are
 * in the binary at the profile's line, and the first that is not.  They
 * tell a profile of this build from one of another. */
typedef struct user_sites {
    size_t n, found;
    const char *first_missing;
} user_sites;

/* One profile site: whether the binary has it, and its type through the
 * escape join hj (NULL: none given).  names: the binary's function names,
 * sorted. */
static int classify_site(align_profile_join *j, align_measured_site *ms,
                         const align_profile_site *ps, const go_funcs *gf, const char **names,
                         const align_heap_join *hj, align_graph *g, user_sites *us)
{
    bool ambiguous = false;
    uint32_t f = ps->file[0] ? gofuncs_find_file(gf, ps->file, 2, &ambiguous, NULL) : GF_NONE;
    int exact = f != GF_NONE && strcmp(gf->files[f].path, ps->file) == 0;
    int has_func = ps->function[0] &&
                   bsearch(&ps->function, names, gf->nfuncs, sizeof *names, cmp_str) != NULL;
    int rc = 0;
    ms->site = ps;
    ms->in_binary = exact && has_func && ps->line <= gf->files[f].max_line;
    if (ps->function[0] && !std_function(ps->function)) {
        us->n++;
        if (ms->in_binary)
            us->found++;
        else if (us->first_missing == NULL)
            us->first_missing = ps->function;
    }
    if (ps->function[0] == '\0' || f == GF_NONE || ambiguous) {
        ms->status = ALIGN_MEASURE_UNTYPED;
        ms->reason = ps->function[0] == '\0'
                         ? arena_printf(&j->strs, "the profile gives no function or line here")
                         : arena_printf(&j->strs, "%s is not a file of the binary", ps->file);
        return ms->reason == NULL ? ALIGN_ENOMEM : 0;
    }
    if (std_function(ps->function) && hj == NULL) {
        ms->status = ALIGN_MEASURE_OTHER;
        return 0;
    }
    if (hj == NULL) {
        ms->status = ALIGN_MEASURE_UNTYPED;
        ms->reason =
            arena_printf(&j->strs, "no escape log (--escape) to tell what this line allocates");
        return ms->reason == NULL ? ALIGN_ENOMEM : 0;
    }
    rc = type_site(j, ms, hj, g, gf->files[f].path, ps->line);
    if (rc == 0 && ms->status == ALIGN_MEASURE_UNTYPED && std_function(ps->function) &&
        ms->heap_site == 0) {
        /* The standard library's own allocations: an all=-m log would type
         * them; a -m log of the main module never will. */
        ms->status = ALIGN_MEASURE_OTHER;
        ms->reason = NULL;
    }
    return rc;
}

/* The site's status into the summary's counts (saturating byte sums). */
static void count_site(align_measure_summary *sum, const align_measured_site *ms)
{
    const align_profile_site *ps = ms->site;
    sum->sites++;
    switch (ms->status) {
    case ALIGN_MEASURE_STRUCT: sum->structs++; break;
    case ALIGN_MEASURE_OTHER: sum->other++; break;
    default:
        sum->untyped++;
        if (__builtin_add_overflow(sum->untyped_inuse_bytes, ps->inuse_bytes,
                                   &sum->untyped_inuse_bytes))
            sum->untyped_inuse_bytes = UINT64_MAX;
        if (__builtin_add_overflow(sum->untyped_alloc_bytes, ps->alloc_bytes,
                                   &sum->untyped_alloc_bytes))
            sum->untyped_alloc_bytes = UINT64_MAX;
        break;
    }
    if (!ms->in_binary)
        sum->foreign++;
}

/* An error when the profile is of another binary (build IDs, or none of its
 * user functions in the binary); warnings and notes when some sites cannot
 * be typed and why. */
static int check_build(align_profile_join *j, const align_profile_info *pi,
                       const align_binary_info *info, const user_sites *us,
                       const align_heap_join *hj)
{
    int rc = 0;
    /* Build IDs, when both sides have one, are conclusive. */
    if (pi->build_id && info->build_id && strcmp(pi->build_id, info->build_id) != 0) {
        rc = error_set(ALIGN_EMISMATCH, pi->path, 0, 0,
                       "a profile of another binary: its executable%s%s has build ID %s, %s "
                       "has %s",
                       pi->executable ? " " : "", pi->executable ? pi->executable : "",
                       pi->build_id, info->path, info->build_id);
        error_hint("give the binary that wrote the profile (the same build)");
        return rc;
    }
    if (us->n > 0 && us->found == 0) {
        rc = error_set(ALIGN_EMISMATCH, pi->path, 0, 0,
                       "a profile of another program: none of its %zu allocating "
                       "functions outside the standard library is in %s (%s is not)%s%s%s%s",
                       us->n, info->path, us->first_missing,
                       pi->executable ? "; the profile's executable: " : "",
                       pi->executable ? pi->executable : "", pi->build_id ? ", build ID " : "",
                       pi->build_id ? pi->build_id : "");
        error_hint("give the binary that wrote the profile (the same build)");
        return rc;
    }
    if (us->found < us->n)
        rc = add_diag(j, ALIGN_HEAP_WARNING, pi->path,
                      arena_printf(&j->strs,
                                   "%zu of %zu allocating functions outside the standard library "
                                   "are not in %s at the profile's lines (%s, ...): a profile of "
                                   "another build? their sites are not typed",
                                   us->n - us->found, us->n, info->path, us->first_missing));
    if (rc == 0 && hj == NULL && j->summary.untyped > 0)
        rc = add_diag(
            j, ALIGN_HEAP_NOTE, pi->path,
            arena_printf(&j->strs,
                         "%llu of %llu allocation sites are not typed: without an escape log the "
                         "profile's file:line cannot be tied to a type; build with "
                         "`go build -gcflags=-m 2> build.log` and pass --escape build.log",
                         (unsigned long long)j->summary.untyped,
                         (unsigned long long)j->summary.sites));
    if (rc == 0 && hj != NULL && j->summary.structs == 0 && j->summary.untyped > 0)
        rc = add_diag(j, ALIGN_HEAP_WARNING, pi->path,
                      arena_printf(&j->strs,
                                   "none of its %llu untyped allocation sites is at a heap site of "
                                   "the escape log: the log and the profile are of different "
                                   "builds (or --src is needed)",
                                   (unsigned long long)j->summary.untyped));
    return rc;
}

int align_profile_join_new(align_profile_join **out, const align_profile *p, align_binary *bin,
                           const align_heap_join *hj)
{
    const align_binary_info *info;
    const go_funcs *gf;
    align_profile_join *j;
    const char **names = NULL;
    user_sites us = {0, 0, NULL};
    int rc = 0;

    assert(out != NULL && p != NULL && bin != NULL);
    *out = NULL;
    info = align_binary_info_get(bin);
    if (!info->has_go)
        return error_set(ALIGN_EFORMAT, info->path, 0, 0,
                         "no Go code: heap profiles are joined to Go binaries");
    gf = binary_go_funcs(bin);
    if (gf == NULL)
        return error_set(ALIGN_EINVAL, info->path, 0, 0,
                         "the binary was opened without ALIGN_BINARY_GO_FUNCS");
    j = calloc(1, sizeof *j);
    if (j == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    j->nsites = align_profile_nsites(p);
    j->sites = calloc(j->nsites ? j->nsites : 1, sizeof *j->sites);
    names = malloc((gf->nfuncs ? gf->nfuncs : 1) * sizeof *names);
    if (j->sites == NULL || names == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < gf->nfuncs; i++)
        names[i] = gf->funcs[i].name ? gf->funcs[i].name : "";
    qsort(names, gf->nfuncs, sizeof *names, cmp_str);
    for (size_t i = 0; i < j->nsites && rc == 0; i++) {
        rc = classify_site(j, &j->sites[i], align_profile_site_get(p, i), gf, names, hj,
                           binary_go_graph(bin), &us);
        if (rc == 0)
            count_site(&j->summary, &j->sites[i]);
    }
    if (rc == 0)
        rc = check_build(j, align_profile_info_get(p), info, &us, hj);
    if (rc == 0)
        rc = group_types(j);
    j->summary.types = j->ntypes;
done:
    free(names);
    if (rc < 0) {
        align_profile_join_free(j);
        return rc;
    }
    *out = j;
    return 0;
}

void align_profile_join_free(align_profile_join *j)
{
    if (j == NULL)
        return;
    arena_free(&j->strs);
    FREE_ALL(j->sites, j->types, j->type_sites, j->diags, j);
}

void align_profile_join_summary(align_measure_summary *out, const align_profile_join *j)
{
    *out = j->summary;
}

HANDLE_ACCESSORS(align_profile_join, align_profile_join_nsites, align_profile_join_site,
                 align_measured_site, nsites, sites)
HANDLE_ACCESSORS(align_profile_join, align_profile_join_ntypes, align_profile_join_type,
                 align_measured_type, ntypes, types)
HANDLE_ACCESSORS(align_profile_join, align_profile_join_ndiags, align_profile_join_diag,
                 align_heap_diag, ndiags, diags)

const align_measured_type *align_profile_join_find(const align_profile_join *j, const align_type *t)
{
    for (size_t i = 0; i < j->ntypes; i++)
        if (j->types[i].type == t)
            return &j->types[i];
    return NULL;
}

uint64_t align_measured_count(const align_measured_type *t, align_sample which)
{
    return which == ALIGN_SAMPLE_ALLOC ? t->alloc_objects : t->inuse_objects;
}
