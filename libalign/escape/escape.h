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
 * Memory, and what is still to do (issue #15): the log holds every site
 * (align_escape_site, 128 bytes) and the join a second record per site
 * (align_heap_site, 136 bytes), both public arrays; on the bench-escape logs,
 * where every line is a distinct site (~43 bytes of log per site), peak RSS
 * is ~6x the log against a 0.5x target.  The planned shape, not built yet:
 *   - align_heap_join_new(&j, bin, src_dir) makes an empty join, and
 *     align_heap_join_read_text / _read_json_dir (and _mem) read inputs
 *     straight into it: each site is resolved as it is read (file match
 *     cached per run of one file, package map, resolver) and kept as a
 *     compact record (string ids of file, expr, func, inlined, via, reason,
 *     input; line, col, kind, status, flags, type index: ~40 bytes); stack
 *     sites are counted and keep only their duplicate key;
 *   - align_heap_join_finish(j) groups types, diagnoses, and returns
 *     ALIGN_EMISMATCH for another program's log;
 *   - align_heap_join_site(j, i, &out) fills a caller's align_heap_site, so
 *     no array of full records exists; align_escape_log stays for callers
 *     that want the sites themselves (tests, fuzzers) on the same reader;
 *   - the guess of the command's package without build info (map_packages,
 *     now a pass before the join) becomes incremental: a package is taken
 *     for "main" at its first site in a main file, and the records of its
 *     earlier sites are relabelled at finish.
 * That is ~56 bytes a site with the duplicate set (1.3x these logs);
 * 0.5x also needs sites that differ only in their column to share one
 * record (a run of columns), or the listing made by a second read of the
 * inputs.
 */
#ifndef LIBALIGN_ESCAPE_H
#define LIBALIGN_ESCAPE_H

#include "model/model.h"
#include "util/arena.h"
#include "util/table.h"

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

/* Appends a copy of *site (its strings must already be interned) and
 * updates the site counters.  ALIGN_ENOMEM, ALIGN_EOVERFLOW. */
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

/* Called once per line, without its "\n" or "\r\n".  overlong: the line
 * was longer than the reader's cap and is not given (s is NULL).  Return 0
 * to go on, a negative code to stop the read with it. */
typedef int (*esc_line_fn)(void *ctx, const char *s, size_t len, uint64_t lineno, bool overlong);

/* Feeds every line of f (read in 64 KiB chunks, constant memory) or of the
 * buffer mem[0..mem_len) (when f is NULL) to fn.  A last line without "\n"
 * counts.  ALIGN_EIO (naming `name`) on a read error, ALIGN_ENOMEM, or what
 * fn returned. */
int esc_read_lines(FILE *f, const char *mem, size_t mem_len, const char *name, size_t max_line,
                   esc_line_fn fn, void *ctx);
/* The same, telling log's progress callback (if any) how far a file read is. */
int esc_read_lines_progress(const align_escape_log *log, FILE *f, const char *mem, size_t mem_len,
                            const char *name, size_t max_line, esc_line_fn fn, void *ctx);

#endif
