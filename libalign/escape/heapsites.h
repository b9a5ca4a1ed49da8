/*
 * heapsites.h - what heapsites.c (the join: sites in, types out) and
 * heapsites_resolve.c (type names, variables, expressions) share; never
 * installed.
 */
#ifndef LIBALIGN_HEAPSITES_H
#define LIBALIGN_HEAPSITES_H

#include "source/gofuncs.h"
#include "util/arena.h"
#include "util/table.h"

/* The binary's named types by name: one per name (a record rather than a
 * named wrapper of the same name). */
typedef struct hs_names {
    const align_type **types;
    size_t n, cap;
    table index; /* types by name */
} hs_names;

/* Functions by name, for the results of calls ("fresh().N"). */
typedef struct hs_fname {
    const char *name;
    uint32_t func;
} hs_fname;

struct align_heap_join {
    align_graph *g; /* the binary's Go graph */
    const go_funcs *gf;
    arena strings; /* strings made by the join (16 KiB blocks) */
    align_heap_site *sites;
    size_t nsites, sites_cap;
    align_heap_type *types;
    size_t ntypes;
    size_t *type_sites; /* the types' site index lists, back to back */
    align_heap_diag *diags;
    size_t ndiags, diags_cap;
    align_heap_summary summary;
    hs_names names;
    hs_fname *fnames; /* sorted by name */
    size_t nfnames;
    table type_index; /* types by their align_type pointer */
};

/* What one site was resolved to. */
typedef struct hs_result {
    align_heap_status status; /* STRUCT, OTHER or UNRESOLVED */
    const align_type *type;
    int per_element;
    const char *via;
    const char *reason;
    int stale;
} hs_result;

/* The position a site is resolved at. */
typedef struct hs_where {
    uint32_t file; /* the binary's file */
    uint32_t line;
    const char *pkg; /* DWARF package path for unqualified names
                        ("main" for the command's package) */
} hs_where;

/* A string owned by the join: a copy of s[0..len) (len (size_t)-1:
 * strlen), or formatted.  NULL when out of memory (recorded). */
const char *hs_strdup(align_heap_join *j, const char *s, size_t len);
const char *hs_printf(align_heap_join *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Builds the name indexes (types and functions).  0 or ALIGN_ENOMEM. */
int hs_index(align_heap_join *j);
void hs_index_free(align_heap_join *j);

/* Whether the binary has a concrete function pkg.name (name as -m=2
 * prints it after "in": "main", "gnew[go.shape.int64]", "(*T).M"). */
bool hs_func_linked(const align_heap_join *j, const char *pkg, const char *name);

/* What a file the binary does not have is (path: the log's, resolved). */
typedef enum hs_file_verdict {
    HS_FILE_FOREIGN,  /* no file of the package in its directory: not
                         this binary's (another program, a moved tree) */
    HS_FILE_UNLINKED, /* the binary has other files of package pkg (DWARF's
                         spelling) in the same directory (its last elements:
                         a -trimpath build still matches): the linker
                         removed every function of this one */
    HS_FILE_GONE      /* so, but the file no longer exists where they
                         still do: deleted or renamed since the log */
} hs_file_verdict;
hs_file_verdict hs_file_unlinked(const align_heap_join *j, const char *pkg, const char *path);

/* Resolves one heap site (file already matched).  0, or ALIGN_ENOMEM. */
int hs_resolve(align_heap_join *j, const align_escape_log *log, const align_escape_site *site,
               const hs_where *w, hs_result *r);

#endif
