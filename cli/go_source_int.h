/*
 * go_source_int.h - what the files of the Go source reader share
 * (go_source.c, go_place.c, go_target.c, go_index.c, go_literals.c): a
 * file's record
 * and its declaration index, the go_source that holds them, and the
 * functions one of them calls in another.  Private to them and to
 * tests/test_go_index.c; the public go_source_* API is in cli.h.
 */
#ifndef STRUCTALIGN_GO_SOURCE_INT_H
#define STRUCTALIGN_GO_SOURCE_INT_H

#include "cli.h"

#include <stdbool.h>
#include <stddef.h>

/* A struct type declaration of a file, `type Name [params] struct {`:
 * offsets into the file's text, which only --src files keep. */
typedef struct go_decl {
    const char *name; /* in the text, or in the file's names */
    size_t nlen;
    unsigned line;
    size_t brace;     /* NO_BRACE: a local `type Name` that is no struct */
    size_t tp, tplen; /* tplen 0: no type parameters */
} go_decl;

#define NO_BRACE ((size_t)-1)

typedef struct go_file {
    char *path, *text; /* text: NULL once indexed, unless src */
    size_t len;
    size_t dir_len; /* path's directory: up to its last '/' */
    char pkg[64];   /* the package clause */
    bool src;       /* under --src (not read for go_source_locate) */
    go_decl *decls; /* package-level structs: by name, then position */
    size_t ndecls;
    go_decl *locals; /* every `type X` in a function body, in file order */
    size_t nlocals;
    char *names; /* the names of both once the text is gone */
    char *build; /* the expression of its //go:build line, or NULL */
    /* The names find_line's tests can match, "\nX\nY\n": X of `var X`
     * and `type X` at the start of a line, and the first name of the
     * indented lines of a `var (` block; and F of `func F(` and `func
     * (r T) F(` (locate_local's test); NULL: none.  A search for a
     * package variable or a `type A B` reads a file again only when its
     * name is here (cmd/compile: whole package directories were read
     * again for each anonymous variable's struct). */
    char *heads;
    size_t nheads, heads_cap;
    bool func_heads; /* heads also has the file's `func` names */
    /* file_for_target's answer, 1 or 0; -1: not asked since set_target
     * (find_type asks it of every file of a directory, for each type) */
    signed char for_target;
    /* Not read with its directory: its name rules it out for the target
     * (name_for_target), so no lookup asks its index (cmd/compile: 464
     * of 1,464 files).  Read when asked for all the same (file_for_target
     * after a change of target, file_pkg). */
    bool unread;
} go_file;

/* A path place_by_roots asked stat about, and whether it is a directory. */
typedef struct dir_seen {
    char *path;
    bool is_dir;
} dir_seen;

struct go_source {
    /* The binary's target, for the file names' build constraints
     * (file_for_target); "" while unknown: every file is taken. */
    char goos[16], goarch[16];
    bool cgo; /* runtime/cgo is linked in: the cgo tag holds */
    go_file *files;
    size_t nfiles, cap;
    size_t nsrc;    /* files under --src */
    char **strings; /* texts handed out, freed with the source */
    size_t nstrings, scap;
    align_go_import *imports; /* of the last lookup */
    size_t nimports, icap;
    char **dirs; /* directories read for go_source_locate (kept) */
    size_t ndirs, dcap;
    /* go_source_new_deferred: why files could not be read, until
     * go_source_flush (msgs NULL: printed at once) */
    align_buf *msgs, deferred;
    /* The package names ("sync") whose files' `func` names go among
     * their heads: those of a local variable's struct that DWARF gave no
     * file (locate_local), known before any directory is read.  Every
     * file's function names cost 1% of an audit of cmd/go. */
    char **func_pkgs;
    size_t nfunc_pkgs, func_pkgs_cap;
    /* The text of a file outside --src while it is indexed (read_go):
     * one buffer for them all */
    char *scratch;
    size_t scratch_cap;
    /* is_dir's answers, by path (cmd/compile: 2,500 stat calls for 550
     * paths, most of them of no directory) */
    dir_seen *seen;
    size_t nseen, seen_cap;
};

/* The classes of char_class (go_index.c): the bytes index_decls looks at. */
enum { CH_IDENT = 1, CH_LIT = 2, CH_LINE = 4 };
extern const unsigned char char_class[256];

static inline bool ident_char(char ch)
{
    return char_class[(unsigned char)ch] & CH_IDENT;
}

#define LOCAL_MARK "\xc2\xb7" /* U+00B7 in "pkg.name·N", a type local to a function */

/* ------------------------------------------------ go_target.c */

/* The binary's GOOS and GOARCH into s (from the files of its functions,
 * ms), every file's file_for_target forgotten. */
void set_target(go_source *s, const align_binary *bin, const align_go_method *ms, size_t nms);
/* Whether `go build` for s's target compiles the file at path, by its
 * name alone (x_linux.go, x_amd64.go). */
bool name_for_target(const go_source *s, const char *path);
/* Whether `go build` for s's target compiles f, by its name and its
 * //go:build line; remembered per file and target (reads an unread f). */
bool file_for_target(const go_source *s, const go_file *f);
/* The expression of f's //go:build line, malloc'd; NULL: none. */
char *build_line(const go_file *f);

/* ------------------------------------------------ go_index.c */

/* Past a string, raw string, rune or comment starting at p, else p. */
const char *skip_lit(const char *p, const char *end);
/* The first character of code from p (past literals and comments), or end. */
const char *code_at(const char *p, const char *end);
/* The bracket or brace matching the one at p, or NULL. */
const char *match(const char *p, const char *end);
/* Past spaces and tabs from p (not newlines). */
const char *skip_spaces(const char *p, const char *end);
/* The '{' of `struct {` at p, or NULL. */
const char *struct_brace(const char *p, const char *end);
/* Records f's struct declarations, local `type X` and heads (f->text
 * read); every: the reference scan.  False when out of memory. */
bool index_decls(go_file *f, bool every);
/* The first package-level declaration of the struct `name` in f, or NULL. */
const go_decl *find_decl(const go_file *f, const char *name);
/* Whether the name is one of f's heads (find_line: the file may hold it). */
bool has_head(const go_file *f, const char *name);
/* Frees what f holds (its path, text, //go:build line and index), not f. */
void free_file(go_file *f);

/* ------------------------------------------------ go_source.c */

/* f's text, read again if indexing dropped it; NULL when it cannot be read. */
const char *file_text(const go_source *s, const go_file *f);
/* Reads an unread file (go_file.unread); false when it cannot be. */
bool read_unread(go_source *s, go_file *f);
/* Reads the .go files of directory dir (once) into s. */
void load_dir(go_source *s, const char *dir);
/* A binary's Go type name split into its package-local name and package
 * name; *nth: N of a function's local type "pkg.name·N", else 0. */
bool split(const char *name, char *local, size_t lcap, char *pkg, size_t pcap, unsigned *nth);
/* A copy of [p, p+n) kept until the source is freed, or NULL. */
const char *keep(go_source *s, const char *p, size_t n);
/* Frees f's text once it has served (file_text reads it again if asked). */
void drop_text(go_file *f);
/* Whether f is in directory dir (not below it), or with dir NULL one of
 * the --src files of package pkg. */
bool file_in_scope(const go_file *f, const char *dir, size_t dlen, const char *pkg);
/* find_type's answer: the file, and the declaration in it. */
typedef struct found {
    const go_file *f;
    const go_decl *d; /* NULL: no struct */
} found;
/* The declaration of the Go type `name` among the files (only those of
 * directory dir, when not NULL); false when none declares it. */
bool find_type(const go_source *s, const char *name, const char *dir, found *out);
/* A test of one line [p, e) of a file ending at end; first: the file's
 * first line. */
typedef bool (*line_test)(const char *p, const char *e, const char *end, bool first, void *ctx);
/* The first line that test accepts in the files of dir (NULL: the --src
 * files of package pkg) that have key among their heads. */
bool find_line(go_source *s, const char *dir, const char *pkg, const char *key, line_test test,
               void *ctx, const go_file **file, unsigned *line);
/* `type Name Other` (Other a named type) in dir: its file, line, Other. */
bool find_defined(go_source *s, const char *name, const char *dir, const go_file **file,
                  unsigned *line, char *under, size_t ucap);

#endif
