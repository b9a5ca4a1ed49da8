/*
 * escape.h - what escape.c (the log object, -m text) and escape_json.c
 * (-json directories) share; never installed.
 *
 * escape/ is the Go compiler's escape analysis joined with a binary: the
 * -m and -json logs (escape.c, escape_json.c) and the join that ties each
 * heap allocation to a type (heapsites*.c).
 *
 * Sizes: an -m log of a large module built with all=-m runs to hundreds of
 * MB and millions of lines, of which a few per cent are sites.  Sites keep
 * pointers to interned strings (files, packages and expressions repeat a
 * lot: "./main.go", "~R0", "... argument"), carved from one arena of 64 KiB
 * blocks and freed with the log.
 *
 * Memory (issue #15): the join streams.  align_heap_join_open() makes an
 * empty join, align_heap_join_read_text / _read_json_dir (and _mem) read
 * through a log of the join's own whose sink hands each site to the join
 * instead of keeping it (esc_add_site), and the join keeps a record of a
 * few bytes per site (siterecs.c): its line, column, input line and the
 * id of a (context, what) pair, each a varint of its change from the site
 * before, where contexts (input, file, package: a run of sites) and whats
 * (what the log said of a site but its position) are each kept once
 * (heapsites_store.c).  align_heap_join_finish() ties
 * the records to the binary in log order, exactly as the whole-log join
 * did (the guess of the command's package and the -m=2 captures need the
 * whole log first), rewriting each record to point to what the join made
 * of it (again kept once per distinct value); align_heap_join_site() fills
 * a caller's align_heap_site on demand.  Duplicates are looked for only
 * among sites whose key shares a hash bucket with another's (a bitmap
 * pass), so the duplicate set no longer holds every site.  On bench-escape
 * (nearly every line a distinct site, ~43 bytes of log each) the records
 * take ~4.4 bytes a site (50 MB: 4.4 MB at the peak, where 12-byte
 * records took 14.2), against ~290 bytes a site for the whole-log join.
 * align_escape_log still holds the sites for callers that want them
 * (tests, fuzzers, align_heap_join_new).
 */
#ifndef LIBALIGN_ESCAPE_H
#define LIBALIGN_ESCAPE_H

#include "model/model.h"
#include "util/arena.h"
#include "util/table.h"

#include <stddef.h>
#include <stdio.h>

/* Lines longer than this are not compiler output: skipped (text) or an
 * error (JSON lines, which carry whole explanations, get the larger cap). */
#define ESC_MAX_TEXT_LINE ((size_t)1 << 20)
#define ESC_MAX_JSON_LINE ((size_t)16 << 20)

typedef struct esc_str {
    const char *s; /* NUL-terminated, in the arena */
    size_t len;
} esc_str;

struct align_escape_log {
    arena strings; /* the interned strings */
    esc_str *strs; /* the interned strings, in order */
    size_t nstrs, strs_cap;
    table str_index; /* strs by text */
    align_escape_site *sites;
    size_t nsites, sites_cap;
    align_escape_capture *captures; /* -m=2 "capturing by value/ref" */
    size_t ncaptures, captures_cap;
    align_escape_stats stats;
    align_progress_fn progress; /* align_escape_log_set_progress() */
    void *progress_user;
    unsigned threads; /* parsers of a -json directory (set_threads) */
    /* Set by the escape join that reads through this log: each site goes
     * to sink instead of the sites array (the join keeps records of its
     * own, and a log holding every site was most of the join's memory). */
    int (*sink)(void *ctx, const align_escape_site *site);
    void *sink_ctx;
};

/* Where a log stood before a read started: a failed read goes back to it
 * (strings interned meanwhile stay in the arena, unreferenced). */
typedef struct esc_mark {
    size_t nsites;
    size_t ncaptures;
    align_escape_stats stats;
} esc_mark;

void esc_mark_take(const align_escape_log *log, esc_mark *m);
void esc_mark_rollback(align_escape_log *log, const esc_mark *m);

/* The interned copy of s[0..len), or NULL when out of memory (recorded). */
const char *esc_intern(align_escape_log *log, const char *s, size_t len);

/* Where the reader found a site or a capture (the two structs name these
 * fields alike): the source file (interned) and the package being read,
 * and the log's name and line number. */
#define ESC_READ_AT(rec, in, file_, lineno)                                                        \
    ((rec).file = (file_), (rec).package = (in)->package, (rec).input = (in)->name,                \
     (rec).input_line = (lineno))

/* Appends a copy of *site (its strings must already be interned), or
 * gives it to the log's sink when it has one, and updates the site
 * counters.  ALIGN_ENOMEM, ALIGN_EOVERFLOW, or what the sink returned. */
int esc_add_site(align_escape_log *log, const align_escape_site *site);

/* Gives back the unused tail of the site and capture arrays (grown by
 * doubling, up to half of them slack) at the end of a public read: the
 * join that follows holds a record per site as well, and the slack was
 * a sixth of its peak memory on a 50 MB log. */
void esc_fit(align_escape_log *log);

/* Appends a copy of *c (its strings interned).  ALIGN_ENOMEM,
 * ALIGN_EOVERFLOW. */
int esc_add_capture(align_escape_log *log, const align_escape_capture *c);

/* Fills site->kind, ->expr and ->type_text from an expression the compiler
 * printed before "escapes to heap" / "does not escape" (not for "moved to
 * heap").  ALIGN_ENOMEM. */
int esc_classify(align_escape_log *log, align_escape_site *site, const char *expr, size_t len);

/* A -m=2 / -json "flow:" line's text after "flow: " ("~r0 = &o:",
 * "p ← &{storage for new(T)}:"): its destination and source (go1.19-1.24
 * write " = ", go1.25+ " ← ").  false when it is neither. */
bool esc_split_flow(const char *s, size_t n, const char **dst, size_t *dlen, const char **src,
                    size_t *slen);

/* align_escape_log_read_json_mem, with the shape scan of escape_json.c
 * (shape) or every line parsed by json-c (tests/test_json_shape compares
 * the two); *shaped (when not NULL): the lines the shape scan took. */
int esc_read_json_mem(align_escape_log *log, const char *name, const char *text, size_t len,
                      bool shape, uint64_t *shaped);

/* Called once per line, without its "\n" or "\r\n".  overlong: the line
 * was longer than the reader's cap and is not given (s is NULL); nul: the
 * line holds a NUL byte.  Return 0 to go on, a negative code to stop the
 * read with it. */
typedef int (*esc_line_fn)(void *ctx, const char *s, size_t len, uint64_t lineno, bool overlong,
                           bool nul);

/* Offered a line whose end is not yet known, before fn: s[0..end) is all
 * the reader holds from the line's start on (the line, maybe later lines,
 * maybe not all of the line).  Returns the line's length n when it took
 * the line (s[n] is the "\n" that ends it, checked; n at most the reader's
 * cap), 0 when it did not (the line then goes to fn as any other), or a
 * negative code to stop the read with it. */
typedef ptrdiff_t (*esc_span_fn)(void *ctx, const char *s, const char *end, uint64_t lineno);

/* Feeds every line of f (read in 64 KiB chunks, constant memory) or of the
 * buffer mem[0..mem_len) (when f is NULL) to fn.  A last line without "\n"
 * counts.  ALIGN_EIO (naming `name`) on a read error, ALIGN_ENOMEM, or what
 * fn returned. */
int esc_read_lines(FILE *f, const char *mem, size_t mem_len, const char *name, size_t max_line,
                   esc_line_fn fn, void *ctx);
/* The same, telling log's progress callback (if any) how far a file read
 * is; find_nul false: fn's nul is always false (no pass over the bytes
 * for NULs: the JSON reader, which does not skip such lines, never asks);
 * span (NULL: none; only with find_nul false) is offered each line that
 * ends in the bytes read so far, before its end is looked for (the JSON
 * reader's shape scan finds it: no second pass over the line's bytes).
 * With span, a line that does not end in a chunk stays in it, and the
 * chunk grows to hold the longest line (up to max_line + 1 bytes, as the
 * copy of a line across chunks does without span). */
int esc_read_lines_progress(const align_escape_log *log, FILE *f, const char *mem, size_t mem_len,
                            const char *name, size_t max_line, bool find_nul, esc_span_fn span,
                            esc_line_fn fn, void *ctx);

#endif
