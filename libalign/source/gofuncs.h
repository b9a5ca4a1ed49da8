/*
 * gofuncs.h - the Go functions of a binary as the escape join needs them:
 * names, files, the lines their code covers, their variables and
 * parameters with types, and the calls inlined into them.  Never installed.
 *
 * Filled by dwarf_funcs.c while a binary is read with ALIGN_BINARY_GO_FUNCS,
 * finished and queried by gofuncs.c, used by heapsites.c.  Nothing here
 * needs libdwarf: the join never sees a DIE.  It is read from the binary,
 * so it lives with the reader (source/): the escape join (escape/) uses the
 * reader's results and the reader never calls the join.
 *
 * What Go 1.19 writes (cmd/compile/internal/dwarfgen, cmd/link), and so
 * what this table can know:
 *   - a concrete function: DW_TAG_subprogram with name, low/high pc and
 *     DW_AT_decl_file, but no DW_AT_decl_line; its parameters (results are
 *     "~r0") carry the line of the `func` keyword, its variables the line of
 *     their declaration, and no decl_file.  A variable moved to the heap is
 *     "&x" of type *T.  Variables the optimizer dropped are simply absent.
 *   - an abstract function (DW_AT_inline): one per unit that inlines it, with
 *     name and variables, no file, no pc.  A function that was inlined
 *     everywhere has no concrete copy.
 *   - DW_TAG_inlined_subroutine: DW_AT_abstract_origin, call_file,
 *     call_line.  The -m log reports a callee's allocations at the position
 *     of the outermost call, so that is the position kept for nested ones.
 *   - lexical blocks: their variables are kept with the function's.
 *   - the unit's line table: the only source of a function's line span.
 */
#ifndef LIBALIGN_GOFUNCS_H
#define LIBALIGN_GOFUNCS_H

#include "model/model.h"

#define GF_NONE UINT32_MAX

typedef struct gf_var {
    const char *name;       /* "o", "&o" (moved to heap), "~r0", "~R0" */
    const align_type *type; /* NULL when DWARF gives none */
    uint32_t decl_line;     /* 1-based; 0 unknown */
    uint32_t func;          /* index of its function */
    bool param;             /* a formal parameter (or result) */
} gf_var;

typedef struct gf_call { /* a call inlined into a concrete function */
    uint32_t file;       /* the outermost call's file (index in files) */
    uint32_t line;       /* and line */
    uint32_t func;       /* the function it is inlined into */
    uint32_t origin;     /* the callee (an abstract function); GF_NONE */
    uint64_t origin_off; /* its DIE, until gofuncs_finish resolves it */
} gf_call;

typedef struct gf_func {
    const char *name;         /* "main.newOrder", "example.com/x/geo.New",
                                 "main.watch.func1", "pkg.F[go.shape.int_0]" */
    uint32_t file;            /* decl_file (index in files); abstract
                                 functions take a concrete copy's; GF_NONE */
    uint32_t pkg;             /* index in pkgs, from the name; GF_NONE */
    uint32_t line_lo;         /* the lines of `file` its code covers, from */
    uint32_t line_hi;         /*   the line table (abstract functions: from
                                   their variables); 0 when unknown */
    uint64_t low_pc, high_pc; /* concrete functions; 0 otherwise */
    bool abstract;
    uint32_t var0, nvars; /* vars[var0 .. var0 + nvars) */
    uint64_t die_off;
} gf_func;

typedef struct gf_pkg {
    const char *path; /* as symbols spell it: "main" for commands */
    const char *name; /* DW_AT_go_package_name; else the path's last
                         element */
    bool has_unit;    /* a compile unit has this name */
} gf_pkg;

typedef struct gf_file {
    const char *path;  /* as the line tables write it (absolute, or
                          module-relative with -trimpath) */
    uint32_t max_line; /* the largest line with code; 0 none */
    uint32_t pkg;      /* package of the functions declared in it */
} gf_file;

typedef struct go_funcs {
    align_graph *g; /* owns every string and type below */
    gf_func *funcs;
    size_t nfuncs, funcs_cap;
    gf_var *vars;
    size_t nvars, vars_cap;
    gf_call *calls;
    size_t ncalls, calls_cap;
    gf_pkg *pkgs;
    size_t npkgs, pkgs_cap;
    gf_file *files;
    size_t nfiles, files_cap;
    /* Package-level variables and constants ("main.cfg", "syscall.EINVAL"),
     * func GF_NONE; param true marks a constant.  Sorted by name after
     * gofuncs_finish. */
    gf_var *globals;
    size_t nglobals, globals_cap;
    /* The variables (indexes in vars, ascending but for a unit read
     * again) whose type may be an anonymous struct's (go_local_candidate):
     * what go_label_locals looks at, not every variable. */
    uint32_t *locals;
    size_t nlocals, locals_cap;
    /* Hash indexes (open addressing, values + 1; 0 = empty). */
    uint32_t *pkg_index, *file_index;
    size_t pkg_index_cap, file_index_cap;
    /* After gofuncs_finish: calls sorted by (file, line); functions by
     * file then line_lo (indices). */
    uint32_t *funcs_by_file;
    /* After gofuncs_finish: the functions with no file (inlined
     * everywhere, so no concrete copy) and a package, by package then
     * index: nfileless of them. */
    uint32_t *fileless_by_pkg;
    size_t nfileless;
    /* After gofuncs_finish: file ids sorted by base name, for the tail
     * match of gofuncs_find_file (a binary search, not a scan). */
    uint32_t *files_by_base;
    bool finished;
    /* While a unit is read: its DWARF file numbers -> file id + 1. */
    uint32_t *unit_file_ids;
    size_t unit_nfile_ids;
} go_funcs;

/* --- building (dwarf_funcs.c calls these) -------------------------------- */

int gofuncs_new(go_funcs **out, align_graph *g);
void gofuncs_free(go_funcs *gf);
/* The index of the package `path` (made on first use); GF_NONE on ENOMEM. */
uint32_t gofuncs_pkg(go_funcs *gf, const char *path, size_t len);
/* The index of the file `path` (copied on first use); GF_NONE on ENOMEM. */
uint32_t gofuncs_file(go_funcs *gf, const char *path);
/* The package path of a Go symbol name ("example.com/x/geo.New" ->
 * "example.com/x/geo"): its length, or 0 for compiler symbols
 * ("type..eq.T", "go.shape.*"). */
size_t gofuncs_symbol_pkg(const char *name);
int gofuncs_push_func(go_funcs *gf, const gf_func *f);
int gofuncs_push_var(go_funcs *gf, const gf_var *v);
int gofuncs_push_call(go_funcs *gf, const gf_call *c);
int gofuncs_push_global(go_funcs *gf, const gf_var *v);
/* Resolves call origins, gives abstract functions a file and a span, sorts
 * the indexes.  0 or ALIGN_ENOMEM. */
int gofuncs_finish(go_funcs *gf);

/* Names each anonymous struct of g that no earlier pass named after the
 * first function-local variable or parameter of gf that has it, "pkg.F.v"
 * (go_locals.c), and places it at that variable's declaration line.
 * After gofuncs_finish and the other labels.  0, or ALIGN_ENOMEM. */
int go_label_locals(go_funcs *gf, align_graph *g);
/* Whether a variable of type t may have an anonymous struct as its type,
 * behind a pointer, in an array, a slice or a map (by kind and text
 * alone: the graph may be incomplete while the variables are read). */
bool go_local_candidate(const align_type *t);

/* --- queries (heapsites.c) ----------------------------------------------- */

/* The table of a binary opened with ALIGN_BINARY_GO_FUNCS (dwarf.c); NULL
 * without the flag or when the binary has no Go unit. */
const go_funcs *binary_go_funcs(const align_binary *b);
/* The Go graph even when it holds no struct (align_binary_graph returns
 * NULL then); NULL when no Go unit was read. */
align_graph *binary_go_graph(align_binary *b);

/* The file of the binary that a log's path names: the same path, else the
 * one sharing the longest tail of path elements with it, at least min_tail
 * elements (a build elsewhere or with -trimpath keeps the path as the log
 * wrote it relative to the build directory, "store/main.go"; a file that
 * shares only its base name is another file).  GF_NONE when none does;
 * *ambiguous is set when two files tie; *near (may be NULL) is then a file
 * with the same base name that fell short of min_tail, or GF_NONE.
 * O(log files + files of that base name). */
uint32_t gofuncs_find_file(const go_funcs *gf, const char *path, size_t min_tail, bool *ambiguous,
                           uint32_t *near);
/* Path elements the directories of paths a and b share at their ends
 * ("/w/m/dead.go" and "example.com/m/main.go": 1); "." and ".." count for
 * nothing, a path without a directory shares none. */
size_t gofuncs_dir_tail(const char *a, const char *b);
/* The package with this path, or GF_NONE. */
uint32_t gofuncs_find_pkg(const go_funcs *gf, const char *path);
/* The package-level variable or constant named name[0..len) ("main.cfg"),
 * or NULL. */
const gf_var *gofuncs_find_global(const go_funcs *gf, const char *name, size_t len);
/* Functions declared in file, in order of line_lo: *n of them. */
const uint32_t *gofuncs_file_funcs(const go_funcs *gf, uint32_t file, size_t *n);
/* The functions of package pkg with no file (gf_func.file GF_NONE: those
 * inlined everywhere), in index order: *n of them. */
const uint32_t *gofuncs_pkg_fileless_funcs(const go_funcs *gf, uint32_t pkg, size_t *n);
/* Inlined calls at (file, line): *n of them, adjacent in gf->calls. */
const gf_call *gofuncs_calls_at(const go_funcs *gf, uint32_t file, uint32_t line, size_t *n);

#endif
