/*
 * cli.h - the structalign program: subcommands and what they share.
 *
 * The CLI owns everything the library must not do: reading files, printing,
 * exit statuses.  Exit statuses are published (structalign(1)) and never
 * change: 0 success, 1 a --fail-above style gate tripped, 2 usage or bad input.
 */
#ifndef STRUCTALIGN_CLI_H
#define STRUCTALIGN_CLI_H

#include "libalign.h"

#include <stdbool.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_GATE = 1, EXIT_BAD = 2 };

/* --format (options.c says which command writes which). */
typedef enum out_format { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_SARIF, FMT_HTML } out_format;

/* --check-atomic / --no-check-atomic; AUTO: on for Go on 386 and arm. */
typedef enum atomic_choice { ATOMIC_AUTO, ATOMIC_ON, ATOMIC_OFF } atomic_choice;

typedef struct source_index source_index; /* sources.c */

extern const char *progname;

int cmd_calc(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_fix(int argc, char **argv);

/* Reads a whole file ("-" = standard input) into a malloc'd NUL-terminated
 * buffer.  On failure prints "PATH: reason" and returns false. */
bool read_input(const char *path, char **text, size_t *len);
/* read_input whose failure message goes to msgs (NULL: stderr), for a
 * read on a thread that must not print (bgload.c). */
bool read_input_to(const char *path, char **text, size_t *len, align_buf *msgs);

/* Prints the library's last error: "file:line:col: error: message", the
 * offending source line with a caret when text is given, and the hint. */
void print_lib_error(const char *text, size_t len);
/* Prints "structalign: error: ..." and an optional hint; returns EXIT_BAD. */
int usage_error(const char *hint, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --go: parses a Go release libalign has the allocator of ("1.27",
 * "go1.27"); prints the error and returns EXIT_BAD otherwise. */
int parse_go_release(unsigned *out, const char *arg);
/* audit and show: --go (go_opt, 0 when not given) overrides the release the
 * Go graph got from the binary's producer, with a warning when they differ;
 * without it, warns (when warn) that a release libalign lacks uses the
 * nearest one's allocator. */
void go_release_apply(align_binary *bin, const char *binary, unsigned go_opt, bool warn);

/* Per-type instance counts from --count: "N" (every type) or "TYPE=N".
 * Precedence (structalign(1), --count): a spec naming the type exactly
 * beats any glob, whatever the order; among exact specs, and among globs,
 * the last given wins; "--count N" (else 1) is the default. */
typedef struct count_spec {
    char *type; /* a name or a glob */
    uint64_t count;
    char *origin; /* "--count ARG" or "FILE:LINE: TYPE", for the unused warning */
    bool exact;   /* the name only, never a glob (--profile's measured counts) */
} count_spec;

typedef struct count_table {
    count_spec *specs;
    size_t n;
    uint64_t fallback; /* 1 unless "--count N" was given */
    bool *hit;         /* per spec: matched some type (set by _get/_touch) */
} count_table;

void count_table_init(count_table *t);
void count_table_free(count_table *t);
/* Parses one --count argument; prints the error (with the column of what
 * is wrong: "T=5=6", " T=5") and returns false if bad. */
bool count_table_add(count_table *t, const char *arg);
/* The count of a type; records which specs match it. */
uint64_t count_table_get(const count_table *t, const char *type_name);
/* Records which specs match a type that is not laid out (filtered out). */
void count_table_touch(const count_table *t, const char *type_name);
/* Reads --counts FILE: "TYPE N" a line, '#' comments, blank lines; prints
 * FILE:LINE:COL: and returns false on a bad line. */
bool count_table_read(count_table *t, const char *path);
/* Adds "TYPE=n" (the type may be a glob) from origin; false when out of
 * memory. */
bool count_table_set(count_table *t, const char *type, uint64_t n, const char *origin);
/* Warns about each spec that matched no type; with strict, says so as an
 * error and returns false. */
bool count_table_check_unused(const count_table *t, bool strict);
/* Adds "TYPE=n" for exactly that name, before every other entry, so that
 * the user's --count for the type still wins (--profile's counts). */
bool count_table_prepend_exact(count_table *t, const char *type, uint64_t n);

/* --- profile.c: --profile heap.pprof (measured counts) ------------------ */

typedef struct measure_ctx {
    const char *path; /* --profile, NULL when not given */
    align_sample sample;
    align_profile *prof;
    align_profile_join *join;
    bool escape; /* joined through an escape log */
} measure_ctx;

/* What reordering saves for one measured type. */
typedef struct measure_cost_t {
    uint64_t count;              /* the objects --sample counts */
    uint64_t size_class;         /* bytes one allocation takes now */
    uint64_t optimal_size_class; /* and in the smallest order */
    uint64_t saved_per_allocation;
    uint64_t inuse_saved, alloc_saved; /* x live / allocated objects */
    uint64_t saved;                    /* the one --sample picks */
    uint64_t per_array_len;            /* arrays only: elements assumed */
} measure_cost_t;

/* Reads the profile (before the slow binary load); prints the error. */
bool measure_load(measure_ctx *m, const char *path);
/* Joins it with bin (opened with ALIGN_BINARY_GO_FUNCS) and hj (may be
 * NULL), prints the diagnostics, and puts each measured type's count in
 * counts (may be NULL).  Prints the error and returns false on failure. */
bool measure_join(measure_ctx *m, align_binary *bin, const align_heap_join *hj, count_table *counts,
                  const char *binary);
void measure_free(measure_ctx *m);
/* t's measurements, or NULL (also when no profile was given). */
const align_measured_type *measure_find(const measure_ctx *m, const align_type *t);
int measure_cost(measure_cost_t *out, const measure_ctx *m, const align_measured_type *mt,
                 const align_layout *l);
void measure_text_header(align_buf *out, const measure_ctx *m);
void measure_text_type(align_buf *out, const measure_ctx *m, const align_measured_type *mt,
                       const measure_cost_t *c, const char *indent);
void measure_text_untyped(align_buf *out, const measure_ctx *m);
/* "measured":{...} inside a type's JSON object (null when mt is NULL). */
void measure_json_type(align_buf *out, const measure_ctx *m, const align_measured_type *mt,
                       const measure_cost_t *c);
/* The top-level "profile":{...} key. */
void measure_json_tail(align_buf *out, const measure_ctx *m, uint64_t total_saved);

/* --- maps.c: audit's map entries ---------------------------------------- */

typedef struct maps_opts {
    const count_table *counts; /* entries of each map type, by its name */
    const char *const *filters;
    size_t nfilters;
    bool no_compiler_types;
    uint64_t min_waste;
    uint64_t top; /* 0 = all */
    bool json;    /* append ,"maps":[...] to an open JSON object */
} maps_opts;

/* The map section of audit for a Go graph: text lines, or a JSON key.
 * Prints a library error and returns -1 on failure. */
int maps_render(align_buf *out, align_graph *g, const maps_opts *o);

/* --- util.c: the progress line ------------------------------------------ */

/* A progress line on stderr for work that lasts: printed only when stderr
 * is a terminal, not with --quiet or --no-progress (progress_quiet), and
 * only once the work has taken over a second (STRUCTALIGN_PROGRESS_DELAY);
 * "\r"-overwritten, erased by progress_end(). */
extern bool progress_quiet;
/* --no-progress, which every command accepts: getopt's value for it, clear
 * of the binary options' enum (OPT_DEBUG_DIR = 0x100 ...). */
#define OPT_NO_PROGRESS 0x200
typedef struct progress {
    const char *what; /* "reading escape log" */
    long long start_ns, delay_ns;
    bool on, shown;
} progress;
void progress_begin(progress *p, const char *what);
void progress_update(void *p, uint64_t done, uint64_t total); /* align_progress_fn */
void progress_end(progress *p);

/* --- escape.c: audit --escape ------------------------------------------- */

/* Reads each path (a -m text log, "-", a -json directory or .json file)
 * into one join (src_dir: --src); prints the error and returns false on
 * failure. */
bool escape_load(align_heap_join **out, const char *const *paths, size_t n, const char *src_dir);
/* Whether escape_load keeps every core busy with these paths: a -json
 * directory's files are parsed on two threads, so with the binary's
 * thread beside them that is on a machine of at most two cores. */
bool escape_load_fills_cores(const char *const *paths, size_t n);
/* Which heap sites a report counts and lists: those of the types and
 * packages --filter selects (pattern_list_match, and for sites without a
 * struct type pattern_list_match_package); all (--all-unresolved): text
 * lists the unresolved sites of the standard library, cmd/ and code the
 * linker removed too, which it otherwise only counts.  NULL: every site. */
typedef struct site_scope {
    const char *const *filters;
    size_t nfilters;
    bool all;
} site_scope;
/* Ties the join's sites to bin (opened with its Go functions); prints the
 * error (false: free the join) or the join's diagnostics. */
bool escape_join(align_heap_join *j, align_binary *bin, const char *binary);
/* escape_join in two steps: the join, printing nothing (its error kept in
 * *e), then what escape_join prints of it (rc: escape_join_run's). */
int escape_join_run(align_heap_join *j, align_binary *bin, align_error *e);
bool escape_join_report(const align_heap_join *j, int rc, const align_error *e, const char *binary);
void escape_text_header(align_buf *out, const align_heap_join *j, const site_scope *sc);
/* The size-class line and the heap sites of one type, each line indented. */
void escape_text_type(align_buf *out, const align_heap_join *j, const align_heap_type *ht,
                      const align_heap_cost *c, const char *indent);
void escape_text_unresolved(align_buf *out, const align_heap_join *j, const site_scope *sc);
/* Keys appended inside a type's JSON object; ht NULL: a type without heap
 * sites; c NULL: a C type ("escapes":[] only). */
void escape_json_type(align_buf *out, const align_heap_join *j, const align_heap_type *ht,
                      const align_heap_cost *c, uint64_t reclaimable);
/* Top-level keys: unresolved_sites, escape_summary, escape_diagnostics. */
void escape_json_tail(align_buf *out, const align_heap_join *j, const site_scope *sc);

/* --check-atomic (atomic.c): whether the check is on: asked for
 * (--check-atomic, ATOMIC_ON), refused (--no-check-atomic, ATOMIC_OFF),
 * else by default for Go on 386 and arm; and the "ATOMIC:" lines for one layout's members that
 * sync/atomic cannot use; returns how many it wrote. */
bool atomic_check_on(atomic_choice choice, align_lang lang, align_arch arch);
size_t atomic_check_render(align_buf *out, const align_layout *l);

/* --as-arch (project.c): the binary's types laid out by another arch's
 * model, compared with the binary's own layouts. */
typedef struct cli_opts cli_opts; /* options.h */
/* audit/show --as-arch (project.c): o->binary's types on o->as_arch. */
int project_run(const cli_opts *o);

/* SARIF 2.1.0 (sarif.c): the document's start and end around results.
 * A location is left out unless it has a file and a line (col 0: none;
 * note: the location's message, or NULL). */
typedef struct sarif_loc {
    const char *file;
    unsigned line, col;
    const char *note;
} sarif_loc;
void sarif_begin(align_buf *out);
/* One result with its locations and related locations (either may be 0). */
void sarif_result_at(align_buf *out, bool *first, const char *rule, const char *level,
                     const char *message, const sarif_loc *locs, size_t nlocs,
                     const sarif_loc *related, size_t nrelated);
/* One result at file:line (or without a location). */
void sarif_result(align_buf *out, bool *first, const char *rule, const char *level,
                  const char *message, const char *file, unsigned line);
void sarif_end(align_buf *out);
/* --- binary.c: opening binaries, naming their types --------------------- */

/* Go types the compiler and runtime make for themselves (--no-compiler-types). */
bool is_compiler_type(const char *name);
/* A type's name, or its display text when it has none ("struct {...}"). */
const char *type_name_of(const align_type *t);
/* A graph of a binary and its language. */
typedef struct lang_graph {
    align_lang lang;
    align_graph *g;
} lang_graph;
/* The graphs of bin that --lang selects (lang_set: lang's alone; else
 * both), Go's first: writes them to out, returns how many (0 to 2). */
size_t selected_graphs(lang_graph out[2], align_binary *bin, bool lang_set, align_lang lang);
/* Opens a binary for audit, show, diff and SARIF; prints why it failed
 * (NULL), or a warning when some compile units were unreadable. */
align_binary *open_binary(const char *path, unsigned flags);
/* open_binary in two steps, for a read on another thread (bgload.c):
 * binary_read prints nothing (align_binary_open_opts with the binary
 * options; fn may be NULL); binary_report, on the thread that
 * prints, says what open_binary says of its result: rc and e are
 * binary_read's (e: the reading thread's error record, copied), b its
 * binary.  Returns b, or NULL when rc < 0. */
int binary_read(align_binary **out, const char *path, unsigned flags, align_progress_fn fn,
                void *user);
align_binary *binary_report(const char *path, int rc, align_binary *b, const align_error *e);

/* --- bgload.c: the binary read while the logs are ----------------------- */

/* A binary being read on a thread of its own (open_binary's read), whose
 * Go types are then placed at their declarations (go_source_locate with a
 * go_source_new_deferred(src_dir)). */
typedef struct bg_binary bg_binary;
typedef struct go_source go_source; /* go_source.c */
/* Starts reading path (binary_read's flags); NULL when no thread could be
 * started (nothing was read: call open_binary instead).  Prints nothing.
 * place_when_taken: the types are placed once bg_binary_take is called
 * (the caller's own reads are done and a core is free), not as soon as
 * the binary is read. */
bg_binary *bg_binary_start(const char *path, unsigned flags, const char *src_dir,
                           bool place_when_taken);
/* Waits for the read (its progress line drawn meanwhile), then prints what
 * open_binary prints; returns the binary (the caller frees it, after
 * bg_binary_finish: the thread is placing its types meanwhile) or NULL.
 * Call bg_binary_finish (or bg_binary_cancel) after it either way. */
align_binary *bg_binary_take(bg_binary *bg);
/* Waits for the types to be placed and returns the go_source that placed
 * them (NULL with no binary; the caller prints its messages with
 * go_source_flush and frees it).  Frees bg. */
go_source *bg_binary_finish(bg_binary *bg);
/* Waits for the thread and drops what it made: the binary unreported
 * unless bg_binary_take returned it (a log failed, or the join).  Frees
 * bg; NULL is a no-op. */
void bg_binary_cancel(bg_binary *bg);
/* The options every command that reads a binary shares, in the order
 * given (each repeatable): where open_binary looks for the separate debug
 * files of stripped binaries (--debug-dir; none: /usr/lib/debug), the
 * compile units it does not read (--cu-exclude), and the declaring files
 * whose types are left out (--decl-exclude; decl_excluded). */
typedef struct binary_options {
    const char **debug_dirs;
    size_t ndebug_dirs;
    const char **cu_excludes;
    size_t ncu_excludes;
    const char **decl_excludes;
    size_t ndecl_excludes;
} binary_options;
extern binary_options binopts;
/* Their getopt codes (long options only) and their handler: EXIT_OK, or
 * EXIT_BAD with the error printed (--debug-dir of no directory). */
enum { OPT_DEBUG_DIR = 0x100, OPT_CU_EXCLUDE, OPT_DECL_EXCLUDE };
int binary_option(int code, const char *arg);
/* Whether t is declared in a file --decl-exclude leaves out.  A type with
 * no declaring file (Go's) is never left out. */
bool decl_excluded(const align_type *t);
/* Whether reordering t changes a public ABI, and why: "installed_header"
 * (a C record declared under /usr/include/ or /usr/local/include/: other
 * programs compile against that layout) or "keep" (a --keep pattern of
 * keeps matches its declaring file, its name or its typedef name); NULL
 * when not. */
const char *public_api_of(const align_type *t, const char *const *keeps, size_t nkeeps);
/* The note shown under such a type (text). */
const char *public_api_note(const char *why);
/* Their lines in the usage texts. */
#define DEBUG_DIR_USAGE                                                                            \
    "      --debug-dir DIR      where a stripped binary's debug file is looked for\n"              \
    "                           (DIR/.build-id/xx/rest.debug or .gnu_debuglink;\n"                 \
    "                           repeatable; default /usr/lib/debug)\n"
#define DECL_FILTER_USAGE                                                                          \
    "      --decl-exclude GLOB  leave out types declared in matching files\n"                      \
    "                           (e.g. '/usr/include/*'); repeatable\n"                             \
    "      --cu-exclude GLOB    do not read compile units whose source name\n"                     \
    "                           matches (e.g. '*/vendor/*'); repeatable\n"
#define FILTER_USAGE                                                                               \
    DECL_FILTER_USAGE                                                                              \
    "      --keep GLOB          types whose order is public API (declaring file or\n"              \
    "                           name; installed headers always are): their savings\n"              \
    "                           are ABI breaks, totalled apart; repeatable\n"

/* --- rows.c: audit's one collection pass ---------------------------------- */

/* One type of the binary in audit's scope: enough to rank it, to total it
 * and to find it again (no layout is kept). */
typedef struct audit_row {
    align_graph *g;
    const align_type *t;
    const char *name;
    uint64_t size, optimal_size, count, waste; /* waste = reclaimable x count */
    /* Its order is public API (public_api_of): "installed_header" or
     * "keep"; NULL when reordering it is free.  Its waste then goes to
     * public_total, not total. */
    const char *public_api;
    int model_agrees;
    bool invalid;                /* the positions cannot be right (a finding) */
    const align_heap_type *heap; /* --escape: its heap sites, or NULL */
    /* --escape: heap bytes owed to this type, x count: what its own order
     * saves where it is allocated, plus what its reordering saves in the
     * heap-allocated types that hold it by value (carry.c).  The ranking
     * key; the rows' sum is the total. */
    uint64_t heap_saved;
    bool heap_carried;                   /* some of heap_saved comes from holders */
    uint64_t deep_size;                  /* heap types: the best size with the
                                            records it holds reordered too */
    align_carry_heap_cost deep;          /* heap types: allocator bytes now and at
                                            deep_size (x count) */
    bool atomic_checked;                 /* the atomic check is on for its language */
    size_t natomic;                      /* int64 fields sync/atomic cannot use (checked only) */
    const align_measured_type *measured; /* --profile: its measurements, or NULL */
    uint64_t measured_saved;             /* --profile: measured bytes reordering saves */
    align_sample sample;                 /* --profile: what count measures */
} audit_row;

/* Which types an audit looks at, and how it weighs them. */
typedef struct audit_scope {
    const char *binary; /* for messages */
    bool lang_set;
    align_lang lang;
    const count_table *counts;
    const char *const *filters; /* --filter globs; none: every type */
    size_t nfilters;
    const char *const *keeps; /* --keep: public API (public_api_of) */
    size_t nkeeps;
    bool no_compiler_types;
    atomic_choice atomic;
    uint32_t cacheline;
    const align_heap_join *join; /* --escape, or NULL */
    bool strict;                 /* --strict: a --count matching no type fails */
    source_index *src;           /* markers silence types; NULL: none */
    const measure_ctx *measure;  /* --profile, or NULL */
} audit_scope;

/* --escape: one step of a heap type's saving with its held records
 * reordered (align_carry): the record it is owed to and how much. */
typedef struct carry_link {
    const align_type *holder; /* a heap-allocated type */
    const align_type *cause;  /* the record whose reordering saves: the
                                 holder itself (its own order), a record it
                                 holds by value, or NULL (several) */
    uint64_t size_saved;      /* bytes of the holder's size */
    uint64_t heap_saved;      /* allocator bytes, x the holder's count */
    size_t sites;             /* the holder's heap sites */
} carry_link;

/* Every row, in the binary's order (Go types, then C), and the totals. */
typedef struct audit_rows {
    audit_row *rows;
    size_t n, cap;
    size_t ntypes, nwasteful, nmismatch, ninvalid, nheap, natomic;
    size_t nowed;        /* --escape: rows owed heap bytes (heap_saved > 0) */
    size_t nmismatch_go; /* of nmismatch, Go types */
    size_t nfixed[ALIGN_ORDER_HOST_LAYOUT + 1]; /* by align_order_fixed */
    size_t nsilenced;                           /* types a structalign:ignore comment silenced */
    const char *first_invalid;
    uint64_t total, heap_total; /* waste and heap_saved summed (exact: a sum
                                   past 2^64-1 fails the collection); total
                                   and nwasteful: free reorderings only */
    size_t npublic;             /* public-API rows with waste (ABI breaks) */
    uint64_t public_total;      /* their waste summed (exact, as total) */
    bool total_overflow, heap_overflow;
    bool atomic_on;          /* the check is on for some language audited */
    size_t nmeasured;        /* --profile: rows with measurements */
    uint64_t measured_total; /* their measured_saved summed (saturating) */
    carry_link *links;       /* --escape: every heap type's steps, also of
                                types out of scope (a record in scope is
                                owed what it saves in them) */
    size_t nlinks, links_cap;
} audit_rows;

/* Lays out every type in scope once and fills *r (free it with
 * audit_rows_free, also after a failure).  A type that cannot be laid out
 * is a warning on stderr, as is a --count matching no type of the binary
 * (an error under strict).  A total past 2^64-1 bytes is an error: totals
 * are exact or refused, so no gate passes on a wrapped sum.  EXIT_OK, or
 * EXIT_BAD with the error printed. */
int audit_rows_collect(audit_rows *r, align_binary *bin, const audit_scope *s);
void audit_rows_free(audit_rows *r);
/* --escape, text: under a heap type, its best size with the records it
 * holds reordered and whom the saving is owed to; under a record held by
 * heap types, what its reordering saves in them.  Nothing when neither. */
void carry_text(align_buf *out, const audit_rows *r, const audit_row *row, const char *indent);
/* The same as JSON keys inside the type's object: "heap_bytes_owed",
 * "deep_size", "deep_size_class", "deep_heap_bytes_saved_total",
 * "carried_from" (steps of a heap type), "carried_into" (holders). */
void carry_json(align_buf *out, const audit_rows *r, const audit_row *row);
/* The heap cost of a row's layout: single objects when some site
 * allocates one, else one backing array of `count` elements. */
int audit_row_heap_cost(align_heap_cost *c, const align_layout *l, const audit_row *r);

/* audit --format sarif (sarif.c): one SA005 result per inconsistent type,
 * one SA001 per type with reclaimable padding saving at least min_waste,
 * one SA002 per 4-aligned 64-bit integer (checked languages); with a join,
 * the heap sites of Go types as locations.  *total: the SA001 savings
 * summed (saturating), for --fail-above.  0, or -1 with the error
 * printed. */
int sarif_audit_render(align_buf *out, const audit_rows *r, const align_heap_join *join,
                       uint64_t min_waste, uint32_t cacheline, uint64_t *total, source_index *src);

/* The sources behind a binary's types (sources.c): structalign:ignore
 * markers, which silence audit, and the edit `fix` would make (SARIF
 * fixes).  Go sources are found under src_dir (NULL: none); C files where
 * DWARF says (relative names under src_dir, else the current directory). */
source_index *source_index_new(const char *src_dir, align_arch arch);
void source_index_free(source_index *ix); /* accepts NULL */
/* The marker's line when the type is marked, else 0. */
unsigned source_marker(source_index *ix, align_lang lang, const char *name, align_srcpos pos);
/* Appends `"fixes":[...]` for the type when its source gives the order the
 * binary's layout promises (size and optimal_size); false when not. */
bool source_fix_json(align_buf *out, source_index *ix, align_lang lang, const char *name,
                     align_srcpos pos, uint64_t size, uint64_t optimal_size);
/* The .go files below a --src directory (go_source.c), read once, for
 * show --optimize: what a type's file says that DWARF does not. */
typedef struct go_source go_source;
go_source *go_source_new(const char *src_dir);
/* go_source_new for a thread that must not print (bgload.c): the reasons
 * files could not be read are kept until go_source_flush prints them;
 * after it, later reads print as go_source_new's do. */
go_source *go_source_new_deferred(const char *src_dir);
void go_source_flush(go_source *s); /* accepts NULL */
void go_source_free(go_source *s);  /* accepts NULL */
/* Finds the declaration of the Go type l->name; *file and *line say where
 * (when found).  When its fields are the binary's (names and order), sets
 * each member's decl_text to the source's text (kept by s) and fills opts
 * with the file's imports and the type parameters: true. */
bool go_source_decl(go_source *s, align_layout *l, align_go_decl_opts *opts, const char **file,
                    unsigned *line);
/* Gives every Go record of bin that has no position the file and line of
 * its `type` declaration: under --src, else in the directory of its
 * methods' (or its package's) DW_AT_decl_file when that is on disk, else
 * (no function of the package linked) where the other packages' files
 * say its import path lives (path_root).  bin
 * must be opened with ALIGN_BINARY_GO_FUNCS to use the latter; the paths
 * are kept by s, which must outlive the output. */
void go_source_locate(go_source *s, align_binary *bin);
/* Places each anonymous struct that no declaration placed and that a heap
 * site of j allocates as a composite literal (`return struct {...}{r,
 * c}`: no variable names it) at the line of its `struct` keyword, from
 * the site's position in its file.  After go_source_locate, on the thread
 * that owns the binary. */
void go_source_place_literals(const align_heap_join *j);
/* Whether the Go type of l, where go_source_locate placed it, is declared
 * from another named type (`type Term term`): *under gets that type, whose
 * declaration holds the fields and is the one to reorder. */
bool go_source_defined(go_source *s, const align_layout *l, char *under, size_t ucap);
/* A composite literal that lists a struct's values without field names
 * (`T{a, b}`): it depends on the declaration's order. */
typedef struct go_literal {
    const char *file; /* kept by the go_source */
    unsigned line, end_line;
    bool conversion; /* a conversion T(x) or (*T)(p), not a literal: the
                        type converted from must have the same order */
} go_literal;
/* The unkeyed composite literals of the Go type `name` (a binary's name)
 * declared in decl_file, and its conversions: in the files of its
 * directory (read if they were not; also those of a type defined from it,
 * `type X T`) and, for an exported type, in the other files under --src.
 * *out (free it) gets them; returns how many. */
size_t go_source_unkeyed(go_source *s, const char *name, const char *decl_file, go_literal **out);
/* A path as a SARIF URI reference, quoted. */
void sarif_put_uri(align_buf *out, const char *path);

/* Appends a glob (not copied) to a growable list; false when out of memory. */
bool pattern_list_add(const char ***list, size_t *n, const char *pattern);
/* Whether name is one of the list's names or matches one of its globs
 * (exactly first: "main.Pair[int,string]" is a glob with a bracket class),
 * or, for a Go package pattern as go spells them ("P/...": P and the
 * packages under it; "./...": the main module; "...": all), whether the
 * type's package matches; an empty list selects everything. */
bool pattern_list_match(const char *const *list, size_t n, const char *name);
/* Whether the list selects the sites of Go package pkg (an import path,
 * "main" for the command; NULL unknown): package patterns as above, type
 * globs by their package part ("main.*": main; "*Order", with none, every
 * package).  An empty list selects everything. */
bool pattern_list_match_package(const char *const *list, size_t n, const char *pkg);
bool pattern_is_package(const char *pattern); /* "P/...", "./...", "..." */
/* The binary's main package path and main module path, for "./..." (both
 * may be NULL: then "./..." is the package DWARF calls main). */
void pattern_set_main(const char *main_path, const char *main_module);
/* --cacheline N: a power of two up to 65536; prints the error, EXIT_BAD. */
int parse_cacheline(uint32_t *out, const char *arg);

/* Writes the buffer to stdout; false (with a message) if it failed, here
 * or in an emit_partial before. */
bool emit(align_buf *b);
/* Writes the buffer to stdout and empties it once it holds 256 KiB or more.
 * A report lists every heap site: for a 500 MB log it is several times the
 * log's size, and building it whole made memory grow with it.  Renderers
 * call it only once every check of the input has passed (what can still
 * fail is memory, or the write itself, which emit then reports). */
void emit_partial(align_buf *b);

/* --- report_html.c: audit and show as one self-contained HTML page ------ */

/* Appends s with & < > " ' escaped. */
void html_escape(align_buf *out, const char *s);
/* The page's head (title escaped, inline CSS, the hatch pattern) and its
 * end (the inline script). */
void html_doc_begin(align_buf *out, const char *title);
void html_doc_end(align_buf *out);
/* One type: figures, byte maps (current and suggested order; lazy: kept in
 * a <template> the script renders when it scrolls into view), heap sites
 * (ht, hc may be NULL). */
void html_type_section(align_buf *out, size_t id, const align_layout *l, const align_cost *cost,
                       const align_heap_join *join, const align_heap_type *ht,
                       const align_heap_cost *hc, bool lazy);
/* One layout's byte map as laid out (an <svg class="map current">). */
void html_byte_map(align_buf *out, const align_layout *l);
/* audit --format html: the summary, the table of the n listed rows, their
 * byte maps.  0, or -1 with the error printed. */
int html_audit_render(align_buf *out, const char *binary, const align_binary_info *info,
                      const audit_rows *r, const audit_row *const *list, size_t n,
                      const align_heap_join *join, uint32_t cacheline);

#endif
