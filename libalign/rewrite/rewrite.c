/*
 * rewrite.c - the last stage of the pipeline (source -> model -> analysis
 * -> rewrite): the smallest field order applied to Go and C source files.
 *
 * Who calls it: `structalign fix` (cli/fix.c) through align_fix_* in
 * libalign.h; the tests.  Inputs: one file to a few hundred (a package
 * directory, a tree of headers), each up to 10^4 lines.
 *
 * HOW A RUN GOES.
 *   1. Parse.  Go files are grouped by directory and package clause and
 *      parsed into one graph per package (a type of another file of the
 *      package can then be sized) by the Go declaration parser in its
 *      lenient mode, which records spans (source/spans.h).  A package
 *      whose files declare a name twice (files for different GOOS, build
 *      tags) is parsed again one file per graph.  C files are parsed one
 *      per graph.  A file that does not parse stops the run: the error
 *      record has its file:line:col and nothing is rewritten.
 *   2. Sizes from a binary (opts.binary): placeholders the parsers left for
 *      types declared elsewhere are completed from the binary's DWARF
 *      types of the same name, laid out for the same arch.
 *   3. Guards: what makes an order an interface, found per package (Go) or
 *      per file (C), each refusal listed with its reason (see refuse_*).
 *   4. Orders: each struct is laid out (analysis/layout.c, optimize.c:
 *      the same model and order `calc` and `audit` show); a struct that
 *      saves bytes is cut into member units and written again
 *      (rewrite/body.c).  The new order is laid out once more as a new
 *      record and must give the size the optimizer promised; on 64-bit Go
 *      targets it is also laid out for 386 to check that no int64 that was
 *      8-aligned there becomes 4-aligned.
 *   5. Each changed file's new text is its text with the bodies replaced.
 *
 * What is never reordered, and why (the reason strings say the same):
 *   - Go: a `structs.HostLayout` field (the platform's layout is asked
 *     for); a struct one of whose field names appears in unsafe.Offsetof in
 *     the package (offsets are used as numbers; which struct the operand
 *     is cannot be known without types, so every struct with that field
 *     name is kept); a struct named in a function that calls binary.Read or
 *     binary.Write (the order is a wire format); every struct of a package
 *     that uses cgo (its layouts may be shared with C); generic types (no
 *     size until instantiated).
 *   - C: packed records and records with packed members; records after a
 *     `#pragma pack` (the model does not lay them out); records with a
 *     _Static_assert inside, or defining a tagged type inside (moving a
 *     member before that definition would not compile), or defined inside
 *     another record; preprocessor lines inside the body.
 *   - Both: a `structalign:ignore` comment on the line before the struct;
 *     a type the user pins (chooser says ALIGN_FIX_KEEP); a type holding a
 *     type that cannot be sized.
 *
 * Rejected: a token-level rewrite through the type graph (decl_text): it
 * loses comments and the file's formatting; go/ast in a helper program (a
 * Go toolchain at run time, and no C); reordering nested C records (their
 * spans are inside the outer record's members: one edit per body keeps
 * edits disjoint and a second run a no-op).
 */
#include "rewrite/rewrite.h"
#include "source/lex.h"
#include "util/progress.h"
#include "util/vec.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fix_edit {
    size_t start, end; /* bytes of the original text replaced */
    char *text;
    size_t len;
} fix_edit;

typedef struct fix_file {
    char *path;
    char *text;
    size_t len;
    char *new_text; /* NULL: unchanged */
    size_t new_len;
    src_spans spans;
    align_graph *g; /* the graph it was parsed into (owned by the set) */
    size_t group;   /* Go: its package; C: itself */
    fix_edit *edits;
    size_t nedits, edits_cap;
} fix_file;

enum { GUARD_OFFSETOF, GUARD_BINARY, GUARD_CGO };

typedef struct guard {
    size_t group;
    int kind;
    char *name; /* OFFSETOF: a field name; BINARY: a type name */
    const char *file;
    unsigned line;
} guard;

struct align_fix_set {
    align_lang lang;
    align_fix_opts o;
    fix_file *f;
    size_t nf, capf;
    align_graph **graphs;
    size_t ngraphs, capg;
    align_fix_type *types;
    size_t nt, capt;
    char **strs;
    size_t ns, caps;
    guard *guards;
    size_t nguards, capguards;
    bool ran;
    align_progress_fn progress; /* align_fix_set_progress; NULL: none */
    void *progress_user;
    progress_clock clock;
    uint64_t parsed, total; /* bytes of text parsed, of all files */
};

/* ------------------------------------------------------------ storage */

static int nomem(void)
{
    return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
}

/* A malloc'd copy of the n bytes at str, NUL-terminated; NULL out of
 * memory. */
static char *copy_bytes(const char *str, size_t n)
{
    char *c = malloc(n + 1);
    if (c == NULL)
        return NULL;
    memcpy(c, str, n);
    c[n] = '\0';
    return c;
}

/* A string owned by the set: a copy of n bytes of s. */
static char *keep_str(align_fix_set *s, const char *str, size_t n)
{
    char *c;
    if (vec_reserve((void **)&s->strs, &s->caps, s->ns + 1, sizeof *s->strs, 16) < 0)
        return NULL;
    c = copy_bytes(str, n);
    if (c == NULL)
        return NULL;
    s->strs[s->ns++] = c;
    return c;
}

static char *keep_fmt(align_fix_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *keep_fmt(align_fix_set *s, const char *fmt, ...)
{
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return keep_str(s, buf, strlen(buf));
}

int align_fix_new(align_fix_set **out, align_lang lang, const align_fix_opts *opts)
{
    align_fix_set *s;
    assert(out != NULL && opts != NULL);
    *out = NULL;
    if (align_abi_get(lang, opts->arch) == NULL)
        return align_error_last()->code;
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return nomem();
    s->lang = lang;
    s->o = *opts;
    *out = s;
    return 0;
}

void align_fix_free(align_fix_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nf; i++) {
        src_spans_free(&s->f[i].spans);
        for (size_t k = 0; k < s->f[i].nedits; k++)
            free(s->f[i].edits[k].text);
        FREE_ALL(s->f[i].path, s->f[i].text, s->f[i].new_text, s->f[i].edits);
    }
    for (size_t i = 0; i < s->ngraphs; i++)
        align_graph_free(s->graphs[i]);
    for (size_t i = 0; i < s->ns; i++)
        free(s->strs[i]);
    for (size_t i = 0; i < s->nguards; i++)
        free(s->guards[i].name);
    FREE_ALL(s->guards, s->strs, s->graphs, s->types, s->f, s);
}

int align_fix_add(align_fix_set *s, const char *path, const char *text, size_t len)
{
    fix_file *f;
    assert(s != NULL && path != NULL && (text != NULL || len == 0));
    if (vec_reserve((void **)&s->f, &s->capf, s->nf + 1, sizeof *s->f, 16) < 0)
        return nomem();
    f = &s->f[s->nf];
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    f->text = malloc(len + 1);
    if (f->path == NULL || f->text == NULL) {
        free(f->path);
        free(f->text);
        return nomem();
    }
    if (len > 0)
        memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;
    s->nf++;
    return 0;
}

static int new_graph(align_fix_set *s, align_graph **out)
{
    if (vec_reserve((void **)&s->graphs, &s->capg, s->ngraphs + 1, sizeof *s->graphs, 16) < 0)
        return nomem();
    if (align_graph_new(out, s->lang, s->o.arch) < 0)
        return align_error_last()->code;
    s->graphs[s->ngraphs++] = *out;
    return 0;
}

/* ------------------------------------------------------------- Go guards */

/* The package clause's name, or "" (a fragment without one). */
static void package_name(const fix_file *f, char *out, size_t cap)
{
    lexer lx;
    out[0] = '\0';
    lex_init(&lx, f->path, f->text, f->len, LEX_NEWLINES | LEX_RAW_STRINGS);
    do {
        if (lex_next(&lx) < 0)
            return;
    } while (lx.tok.kind == TOK_NEWLINE);
    if (!tok_is(&lx.tok, "package") || lex_next(&lx) < 0 || lx.tok.kind != TOK_IDENT)
        return;
    snprintf(out, cap, "%.*s", (int)lx.tok.len, lx.tok.text);
}

static int add_guard(align_fix_set *s, size_t group, int kind, const char *name, size_t n,
                     const fix_file *f, unsigned line)
{
    guard g = {group, kind, copy_bytes(name, n), f->path, line};
    if (g.name == NULL ||
        vec_push((void **)&s->guards, &s->nguards, &s->capguards, sizeof g, 16, &g) < 0) {
        free(g.name);
        return nomem();
    }
    return 0;
}

/* The struct types the spans of the group's files declare, to tell a type
 * name from any other identifier. */
static bool is_struct_name(const align_fix_set *s, size_t group, const token *t)
{
    for (size_t i = 0; i < s->nf; i++) {
        const src_spans *sp = &s->f[i].spans;
        if (s->f[i].group != group)
            continue;
        for (size_t k = 0; k < sp->n; k++)
            if (sp->v[k].name != NULL && strlen(sp->v[k].name) == t->len &&
                memcmp(sp->v[k].name, t->text, t->len) == 0)
                return true;
    }
    return false;
}

typedef struct toks {
    token *v;
    size_t n, cap;
} toks;

/* Every token of a Go file (it parsed, so it lexes). */
static int lex_all(const fix_file *f, toks *out)
{
    lexer lx;
    lex_init(&lx, f->path, f->text, f->len, LEX_NEWLINES | LEX_RAW_STRINGS);
    for (;;) {
        int rc = lex_next(&lx);
        if (rc < 0)
            return rc;
        if (vec_reserve((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v, 16) < 0)
            return nomem();
        out->v[out->n++] = lx.tok;
        if (lx.tok.kind == TOK_EOF)
            return 0;
    }
}

/* unsafe.Offsetof(x.F), binary.Read/Write and import "C" in one file. */
static int scan_go_guards(align_fix_set *s, size_t fi)
{
    fix_file *f = &s->f[fi];
    toks tk = {0};
    int rc = lex_all(f, &tk), depth = 0;
    bool in_import = false;
    size_t seg = 0; /* first token of the current top-level declaration */
    if (rc < 0)
        goto done;
    for (size_t i = 0; i < tk.n; i++) {
        const token *t = &tk.v[i];
        if (tok_is(t, "{") || tok_is(t, "(") || tok_is(t, "["))
            depth++;
        else if (tok_is(t, "}") || tok_is(t, ")") || tok_is(t, "]"))
            depth--;
        if (depth == 0 && t->kind == TOK_IDENT &&
            (tok_is(t, "func") || tok_is(t, "type") || tok_is(t, "var") || tok_is(t, "const")))
            seg = i;
        if (tok_is(t, "import")) {
            in_import = i + 1 < tk.n && tok_is(&tk.v[i + 1], "(");
            continue;
        }
        if (in_import && tok_is(t, ")"))
            in_import = false;
        if (t->kind == TOK_STRING && t->len == 3 && memcmp(t->text, "\"C\"", 3) == 0 &&
            (in_import || (i > 0 && tok_is(&tk.v[i - 1], "import")))) {
            rc = add_guard(s, f->group, GUARD_CGO, "C", 1, f, t->line);
            if (rc < 0)
                goto done;
        }
        if (i + 3 < tk.n && tok_is(t, "unsafe") && tok_is(&tk.v[i + 1], ".") &&
            tok_is(&tk.v[i + 2], "Offsetof") && tok_is(&tk.v[i + 3], "(")) {
            /* The last selector before the closing parenthesis. */
            int d = 0;
            const token *last = NULL;
            for (size_t k = i + 3; k < tk.n; k++) {
                if (tok_is(&tk.v[k], "(") || tok_is(&tk.v[k], "["))
                    d++;
                else if (tok_is(&tk.v[k], ")") || tok_is(&tk.v[k], "]"))
                    d--;
                else if (d == 1 && tk.v[k].kind == TOK_IDENT)
                    last = &tk.v[k];
                if (d == 0)
                    break;
            }
            if (last != NULL) {
                rc = add_guard(s, f->group, GUARD_OFFSETOF, last->text, last->len, f, t->line);
                if (rc < 0)
                    goto done;
            }
        }
        if (i + 2 < tk.n && tok_is(t, "binary") && tok_is(&tk.v[i + 1], ".") &&
            (tok_is(&tk.v[i + 2], "Read") || tok_is(&tk.v[i + 2], "Write"))) {
            /* Every struct named in the declaration that makes the call:
             * the value's type cannot be known without type checking. */
            int d = 0;
            for (size_t k = seg; k < tk.n; k++) {
                const token *u = &tk.v[k];
                if (k > seg && d == 0 && u->kind == TOK_IDENT &&
                    (tok_is(u, "func") || tok_is(u, "type") || tok_is(u, "var") ||
                     tok_is(u, "const")))
                    break;
                if (tok_is(u, "{") || tok_is(u, "(") || tok_is(u, "["))
                    d++;
                else if (tok_is(u, "}") || tok_is(u, ")") || tok_is(u, "]"))
                    d--;
                if (u->kind == TOK_IDENT && is_struct_name(s, f->group, u)) {
                    rc = add_guard(s, f->group, GUARD_BINARY, u->text, u->len, f, t->line);
                    if (rc < 0)
                        goto done;
                }
            }
        }
    }
done:
    free(tk.v);
    return rc;
}

static const guard *find_guard(const align_fix_set *s, size_t group, int kind, const char *name)
{
    for (size_t i = 0; i < s->nguards; i++)
        if (s->guards[i].group == group && s->guards[i].kind == kind &&
            (name == NULL || strcmp(s->guards[i].name, name) == 0))
            return &s->guards[i];
    return NULL;
}

/* ---------------------------------------------------------------- parse */

static int parse_one(align_fix_set *s, fix_file *f, align_graph *g)
{
    memset(&f->spans, 0, sizeof f->spans);
    f->g = g;
    return s->lang == ALIGN_LANG_GO ? src_parse_go(g, f->path, f->text, f->len, &f->spans)
                                    : src_parse_c(g, f->path, f->text, f->len, &f->spans);
}

static size_t dir_len(const char *path)
{
    const char *sl = strrchr(path, '/');
    return sl ? (size_t)(sl - path) : 0;
}

/* Reports the bytes parsed so far (add: a file just parsed); last: the
 * run is done, whatever was counted. */
static void fix_progress(align_fix_set *s, uint64_t add, bool last)
{
    if (s->progress == NULL)
        return;
    s->parsed += add;
    if (s->parsed > s->total || last)
        s->parsed = s->total;
    if (last || progress_due(&s->clock, s->parsed))
        s->progress(s->progress_user, s->parsed, s->total);
}

void align_fix_set_progress(align_fix_set *s, align_progress_fn fn, void *user)
{
    assert(s != NULL);
    s->progress = fn;
    s->progress_user = user;
}

static int parse_all(align_fix_set *s)
{
    char(*pkg)[64] = calloc(s->nf ? s->nf : 1, sizeof *pkg);
    int rc = 0;
    if (pkg == NULL)
        return nomem();
    for (size_t i = 0; i < s->nf; i++) {
        s->f[i].group = i;
        if (s->lang != ALIGN_LANG_GO)
            continue;
        package_name(&s->f[i], pkg[i], sizeof pkg[i]);
        for (size_t j = 0; j < i; j++)
            if (dir_len(s->f[i].path) == dir_len(s->f[j].path) &&
                memcmp(s->f[i].path, s->f[j].path, dir_len(s->f[i].path)) == 0 &&
                strcmp(pkg[i], pkg[j]) == 0 && pkg[i][0] != '\0') {
                s->f[i].group = s->f[j].group;
                break;
            }
    }
    for (size_t i = 0; i < s->nf && rc == 0; i++) {
        align_graph *g;
        bool split = false;
        if (s->f[i].group != i)
            continue;
        rc = new_graph(s, &g);
        if (rc < 0)
            break;
        for (size_t j = i; j < s->nf && rc == 0; j++) {
            if (s->f[j].group != i)
                continue;
            rc = parse_one(s, &s->f[j], g);
            fix_progress(s, s->f[j].len, false);
            if (rc < 0 && strstr(align_error_last()->message, "by an earlier input") != NULL)
                split = true;
        }
        if (!split)
            continue;
        /* Two files of the package declare the same name (build tags,
         * GOOS suffixes): one graph per file; cross-file types then cannot
         * be sized. */
        rc = 0;
        for (size_t j = i; j < s->nf && rc == 0; j++) {
            if (s->f[j].group != i)
                continue;
            src_spans_free(&s->f[j].spans);
            rc = new_graph(s, &g);
            if (rc == 0)
                rc = parse_one(s, &s->f[j], g);
        }
    }
    free(pkg);
    return rc;
}

/* ------------------------------------------------------- binary sizes */

/* The binary's record for a name the source uses: "pkg.T" (Go, another
 * package), "T" (Go, the same package: any package's T when unique), or a
 * C tag / typedef name. */
static const align_type *binary_type(align_graph *bg, align_lang lang, const char *name)
{
    const align_type *found = NULL;
    size_t n = strlen(name);
    for (size_t i = 0; i < align_graph_ndecls(bg); i++) {
        const align_type *t = align_graph_decl(bg, i);
        const char *tn = align_type_name(t);
        size_t tl;
        bool match;
        if (tn == NULL)
            continue;
        tl = strlen(tn);
        if (lang == ALIGN_LANG_C)
            match = strcmp(tn, name) == 0;
        else if (strchr(name, '.') != NULL)
            match = strcmp(tn, name) == 0 ||
                    (tl > n && tn[tl - n - 1] == '/' && strcmp(tn + tl - n, name) == 0);
        else
            match = tl > n && tn[tl - n - 1] == '.' && strcmp(tn + tl - n, name) == 0 &&
                    memchr(tn + tl - n, '[', n) == NULL;
        if (!match)
            continue;
        if (found != NULL && found != t)
            return NULL; /* ambiguous: never guess */
        found = t;
    }
    return found;
}

/* Completes the placeholders of g that the binary declares. */
static int size_from_binary(align_fix_set *s, align_graph *g, const src_spans *sp)
{
    align_graph *bg = align_binary_graph(s->o.binary, s->lang);
    if (bg == NULL)
        return 0;
    if (align_graph_set_arch(bg, s->o.arch) < 0)
        return align_error_last()->code;
    for (size_t i = 0; i < sp->n; i++) {
        align_type *rec = sp->v[i].rec;
        for (uint32_t k = 0; rec != NULL && k < rec->nfields; k++) {
            align_type *t = rec->fields[k].type;
            const align_type *bt;
            uint64_t size, ptrdata;
            uint32_t align;
            /* Arrays of them too: the element decides. */
            while (t != NULL && t->kind == ALIGN_KIND_ARRAY)
                t = t->target;
            if (t == NULL || t->name == NULL)
                continue;
            if (!((t->kind == ALIGN_KIND_NAMED && t->target == NULL) ||
                  ((t->kind == ALIGN_KIND_STRUCT || t->kind == ALIGN_KIND_UNION) && !t->complete)))
                continue;
            bt = binary_type(bg, s->lang, t->name);
            if (bt == NULL || align_type_size(bg, bt, &size, &align, &ptrdata) < 0) {
                align_error_clear();
                continue;
            }
            {
                align_type *op = align_type_opaque(g, t->name, size, align, ptrdata);
                if (op == NULL)
                    return nomem();
                if (t->kind == ALIGN_KIND_NAMED) {
                    align_type_set_target(t, op);
                } else {
                    align_field_spec fs = align_field_spec_init();
                    fs.name = "";
                    fs.type = op;
                    if (align_record_add_field(g, t, &fs) < 0)
                        return align_error_last()->code;
                    align_record_complete(t, -1, -1);
                }
            }
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- guards */

static size_t line_start(const char *t, size_t off)
{
    while (off > 0 && t[off - 1] != '\n')
        off--;
    return off;
}

/* The `structalign:ignore` marker on the line of the declaration before it,
 * or in the comment lines directly above: its line, or 0. */
static unsigned ignore_marker(const fix_file *f, size_t decl, unsigned decl_line)
{
    size_t ls = line_start(f->text, decl);
    unsigned line = decl_line;
    const char *m = "structalign:ignore";
    /* Before the declaration on its own line. */
    for (size_t k = ls; k + strlen(m) <= decl; k++)
        if (memcmp(f->text + k, m, strlen(m)) == 0)
            return line;
    while (ls > 0) {
        size_t pe = ls - 1, ps = line_start(f->text, pe), q = ps;
        line--;
        while (q < pe && (f->text[q] == ' ' || f->text[q] == '\t'))
            q++;
        if (!(q + 1 < pe && f->text[q] == '/' &&
              (f->text[q + 1] == '/' || f->text[q + 1] == '*')) &&
            !(q < pe && f->text[q] == '*'))
            return 0; /* not a comment line */
        for (size_t k = ps; k + strlen(m) <= pe; k++)
            if (memcmp(f->text + k, m, strlen(m)) == 0)
                return line;
        ls = ps;
    }
    return 0;
}

/* C: the line of a `#pragma pack` before off, or 0. */
static unsigned pragma_pack_before(const fix_file *f, size_t off)
{
    unsigned line = 1, found = 0;
    for (size_t k = 0; k < off; k++) {
        if (f->text[k] == '\n') {
            line++;
            continue;
        }
        if (k == line_start(f->text, k) || f->text[k] == '#') {
            size_t q = k;
            if (k != line_start(f->text, k))
                continue;
            while (q < off && (f->text[q] == ' ' || f->text[q] == '\t'))
                q++;
            if (q < off && f->text[q] == '#') {
                q++;
                while (q < off && (f->text[q] == ' ' || f->text[q] == '\t'))
                    q++;
                if (off - q > 11 && memcmp(f->text + q, "pragma", 6) == 0) {
                    q += 6;
                    while (q < off && (f->text[q] == ' ' || f->text[q] == '\t'))
                        q++;
                    if (off - q > 4 && memcmp(f->text + q, "pack", 4) == 0)
                        found = line;
                }
            }
        }
    }
    return found;
}

/* C: a line of r's body that starts with '#'. */
static bool cpp_line_inside(const fix_file *f, const src_record *r)
{
    for (size_t k = r->open; k < r->close; k++)
        if (f->text[k] == '\n') {
            size_t q = k + 1;
            while (q < r->close && (f->text[q] == ' ' || f->text[q] == '\t'))
                q++;
            if (q < r->close && f->text[q] == '#')
                return true;
        }
    return false;
}

/* ---------------------------------------------------------------- orders */

static int add_type(align_fix_set *s, const align_fix_type *t)
{
    if (vec_reserve((void **)&s->types, &s->capt, s->nt + 1, sizeof *s->types, 16) < 0)
        return nomem();
    s->types[s->nt++] = *t;
    return 0;
}

static int add_edit(fix_file *f, size_t start, size_t end, const align_buf *b)
{
    fix_edit e = {start, end, copy_bytes(b->data ? b->data : "", b->len), b->len};
    if (e.text == NULL ||
        vec_push((void **)&f->edits, &f->nedits, &f->edits_cap, sizeof e, 16, &e) < 0) {
        free(e.text);
        return nomem();
    }
    return 0;
}

/* The record again with its fields in `order`: laid out to check the
 * optimizer's promise. */
static align_type *reordered(align_graph *g, const align_type *rec, const size_t *order)
{
    align_type *nr = align_type_record(g, ALIGN_KIND_STRUCT, NULL);
    if (nr == NULL)
        return NULL;
    for (uint32_t j = 0; j < rec->nfields; j++) {
        const align_field *f = &rec->fields[order[j]];
        align_field_spec fs = align_field_spec_init();
        fs.name = f->name;
        fs.type = f->type;
        fs.aligned = f->aligned;
        fs.packed = f->packed;
        fs.is_bitfield = f->is_bitfield;
        fs.bit_size = f->bit_size;
        fs.embedded = f->embedded;
        fs.decl_text = f->decl_text;
        fs.pos = f->pos;
        if (align_record_add_field(g, nr, &fs) < 0)
            return NULL;
    }
    align_type_set_aligned(nr, rec->aligned);
    align_record_complete(nr, -1, -1);
    return nr;
}

/* Go on 64-bit targets: does the new order keep every int64 that is
 * 8-aligned on 386 (and arm, the same layout) 8-aligned there?  The name of
 * the first field it would break, or NULL. */
static const char *atomic_breaks(align_graph *g, const align_type *rec, const align_type *nr,
                                 const size_t *order, align_arch arch)
{
    align_layout *lo = NULL, *ln = NULL;
    align_layout_opts opts = {ALIGN_LAYOUT_NO_OPTIMIZE, 0};
    const char *broken = NULL;
    if (align_graph_set_arch(g, ALIGN_ARCH_386) < 0)
        goto done;
    if (align_layout_compute(&lo, g, rec, &opts) < 0 || align_layout_compute(&ln, g, nr, &opts) < 0)
        goto done;
    for (size_t j = 0; j < ln->nmembers && broken == NULL; j++) {
        const align_member *mo = &lo->members[order[j]], *mn = &ln->members[j];
        bool int64 = mo->flags & ALIGN_MEMBER_INT64,
             inside = mo->flags & ALIGN_MEMBER_ATOMIC_ALIGNED_INSIDE;
        if ((int64 && mo->offset % 8 == 0 && mn->offset % 8 != 0) ||
            (inside && mo->offset % 8 != mn->offset % 8))
            broken = mo->name;
    }
done:
    align_error_clear();
    align_layout_free(lo);
    align_layout_free(ln);
    align_graph_set_arch(g, arch);
    return broken;
}

/* The order the optimizer finds on 386 (atomic-safe), in *out (malloc'd;
 * NULL when it keeps the declaration order). */
static int safe_order(align_graph *g, const align_type *rec, align_arch arch,
                      const align_layout_opts *opts, size_t **out)
{
    align_layout *l = NULL;
    *out = NULL;
    if (align_graph_set_arch(g, ALIGN_ARCH_386) == 0 &&
        align_layout_compute(&l, g, rec, opts) == 0 && l->reclaimable > 0) {
        *out = malloc(l->nmembers * sizeof **out);
        if (*out == NULL) {
            align_layout_free(l);
            align_graph_set_arch(g, arch);
            return nomem();
        }
        memcpy(*out, l->optimal_order, l->nmembers * sizeof **out);
    }
    align_error_clear();
    align_layout_free(l);
    align_graph_set_arch(g, arch);
    return 0;
}

/* Orders that keep the fields of each multi-name member (`X, Y int`,
 * `int a, b;`) together, in declaration order, to try instead of the
 * optimizer's when it puts them apart: how 0, the member where its first
 * field is; 1, where its last is; 2, the members sorted stably by
 * alignment, largest first, from the optimizer's order (only without fixed
 * members: Go `_` fields, C flexible arrays).  *out NULL: nothing to try. */
static int group_members(const src_record *r, const align_layout *l, int how, size_t **out)
{
    const size_t *order = l->optimal_order;
    size_t n = l->nmembers, *g, k = 0, *member_of, *units;
    size_t nunits = 0;
    bool *done, apart = false;
    *out = NULL;
    for (size_t m = 0; m < r->nmembers; m++) {
        const src_member *sm = &r->members[m];
        for (size_t i = 0; i < n && sm->count > 1; i++)
            if (order[i] >= sm->first && order[i] < sm->first + sm->count) {
                for (uint32_t j = 0; j < sm->count; j++)
                    if (i + j >= n || order[i + j] != sm->first + j)
                        apart = true;
                break;
            }
    }
    if (!apart)
        return 0;
    if (how == 2)
        for (size_t i = 0; i < n; i++)
            if (l->members[i].flags & (ALIGN_MEMBER_BLANK | ALIGN_MEMBER_FLEXIBLE))
                return 0;
    g = malloc(n * sizeof *g);
    units = malloc(n * sizeof *units);
    member_of = malloc(n * sizeof *member_of);
    done = calloc(r->nmembers ? r->nmembers : 1, sizeof *done);
    if (g == NULL || member_of == NULL || done == NULL || units == NULL) {
        FREE_ALL(g, units, member_of, done);
        return nomem();
    }
    for (size_t i = 0; i < n; i++)
        member_of[i] = SIZE_MAX;
    for (size_t m = 0; m < r->nmembers; m++)
        for (uint32_t j = 0; j < r->members[m].count; j++)
            if (r->members[m].first + j < n)
                member_of[r->members[m].first + j] = m;
    /* The units (a field alone, or a whole member) in the order their
     * first (how 0, 2) or last (how 1) field comes. */
    for (size_t x = 0; x < n; x++) {
        size_t i = how == 1 ? n - 1 - x : x, m = member_of[order[i]];
        if (m != SIZE_MAX && done[m])
            continue;
        if (m != SIZE_MAX)
            done[m] = true;
        units[nunits++] = m != SIZE_MAX ? n + m : order[i];
    }
    if (how == 1)
        for (size_t i = 0; i < nunits / 2; i++) {
            size_t t = units[i];
            units[i] = units[nunits - 1 - i];
            units[nunits - 1 - i] = t;
        }
    if (how == 2) /* insertion sort: stable, and units are few */
        for (size_t i = 1; i < nunits; i++) {
            size_t u = units[i], j = i;
            uint32_t a = l->members[u >= n ? r->members[u - n].first : u].align;
            while (j > 0 &&
                   l->members[units[j - 1] >= n ? r->members[units[j - 1] - n].first : units[j - 1]]
                           .align < a) {
                units[j] = units[j - 1];
                j--;
            }
            units[j] = u;
        }
    for (size_t i = 0; i < nunits; i++) {
        if (units[i] < n) {
            g[k++] = units[i];
            continue;
        }
        for (uint32_t j = 0; j < r->members[units[i] - n].count; j++)
            g[k++] = r->members[units[i] - n].first + j;
    }
    FREE_ALL(units, member_of, done);
    *out = g;
    return 0;
}

/* The order that keeps each blank-line group of the body where it is and
 * sorts its members (whole) by alignment, largest first, stably; *out NULL
 * when the body has one group, or fixed members (Go `_`, C flexible
 * arrays) or bit-fields, whose runs a sort by alignment could split. */
static int block_order(const body *b, const align_layout *l, size_t **out)
{
    size_t n = l->nmembers, k = 0, *units, nblocks = 1;
    *out = NULL;
    for (size_t u = 1; u < b->nunits; u++)
        nblocks += b->units[u].blank_before;
    if (nblocks < 2)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (l->members[i].flags &
            (ALIGN_MEMBER_BLANK | ALIGN_MEMBER_FLEXIBLE | ALIGN_MEMBER_BITFIELD))
            return 0;
    for (size_t u = 0; u < b->nunits; u++)
        if (b->units[u].m->count == 0 || b->units[u].m->first + b->units[u].m->count > n)
            return 0;
    units = malloc(b->nunits * sizeof *units);
    *out = malloc(n * sizeof **out);
    if (units == NULL || *out == NULL) {
        free(units);
        free(*out);
        *out = NULL;
        return nomem();
    }
    for (size_t start = 0; start < b->nunits;) {
        size_t end = start + 1, nu = 0;
        while (end < b->nunits && !b->units[end].blank_before)
            end++;
        for (size_t u = start; u < end; u++) { /* insertion sort: stable */
            uint32_t a = l->members[b->units[u].m->first].align;
            size_t j = nu++;
            while (j > 0 && l->members[b->units[units[j - 1]].m->first].align < a) {
                units[j] = units[j - 1];
                j--;
            }
            units[j] = u;
        }
        for (size_t x = 0; x < nu; x++)
            for (uint32_t f = 0; f < b->units[units[x]].m->count; f++)
                (*out)[k++] = b->units[units[x]].m->first + f;
        start = end;
    }
    free(units);
    if (k != n) {
        free(*out);
        *out = NULL;
    }
    return 0;
}

static bool has_host_layout(const align_type *rec)
{
    for (uint32_t k = 0; k < rec->nfields; k++) {
        const char *d = align_type_display(rec->fields[k].type);
        size_t n = strlen(d);
        /* "HostLayout" is 10 characters: "structs.HostLayout" or a
         * dot-imported "HostLayout". */
        if (n >= 10 && strcmp(d + n - 10, "HostLayout") == 0 && (n == 10 || d[n - 11] == '.'))
            return true;
    }
    return false;
}

static const char *type_name_of(const src_record *r)
{
    if (r->rec != NULL && r->rec->name != NULL)
        return align_type_display(r->rec);
    return r->name;
}

/* Why the record must keep its order, or NULL when it may be reordered:
 * Go guards (cgo, HostLayout, unsafe.Offsetof, binary.Read/Write) and C
 * ones (nested definitions, packing, macros, static asserts).  The reason is
 * kept in the set; *nomem is set when it could not be. */
static const char *refusal(align_fix_set *s, fix_file *f, const src_record *r, const char *name,
                           bool *nomem_out)
{
    const align_type *rec = r->rec;
    const char *why = NULL;
    const guard *gd;
    unsigned mark = ignore_marker(f, r->decl_start, r->line);
#define REFUSE(...)                                                                                \
    do {                                                                                           \
        why = keep_fmt(s, __VA_ARGS__);                                                            \
        goto out;                                                                                  \
    } while (0)
    if (mark != 0)
        REFUSE("marked structalign:ignore at %s:%u", f->path, mark);
    if (rec == NULL)
        REFUSE("%s", r->skip_reason);
    if (s->lang == ALIGN_LANG_GO) {
        gd = find_guard(s, f->group, GUARD_CGO, NULL);
        if (gd != NULL)
            REFUSE("its package uses cgo (import \"C\" at %s:%u): layouts may be shared with C",
                   gd->file, gd->line);
        if (has_host_layout(rec))
            REFUSE("has a structs.HostLayout field: it follows the platform's layout");
        for (uint32_t k = 0; k < rec->nfields; k++) {
            gd = find_guard(s, f->group, GUARD_OFFSETOF, rec->fields[k].name);
            if (gd != NULL)
                REFUSE("field %s is named in unsafe.Offsetof at %s:%u", rec->fields[k].name,
                       gd->file, gd->line);
        }
        gd = find_guard(s, f->group, GUARD_BINARY, name);
        if (gd != NULL)
            REFUSE("named in a function that calls binary.Read or binary.Write (%s:%u): its "
                   "order is a wire format",
                   gd->file, gd->line);
        return NULL;
    }
    if (r->parent >= 0)
        REFUSE("defined inside another struct: move the definition out to reorder it");
    if (rec->packed)
        REFUSE("packed: its layout is an interface");
    for (uint32_t k = 0; k < rec->nfields; k++)
        if (rec->fields[k].packed)
            REFUSE("member %s is packed: its layout is an interface",
                   rec->fields[k].name[0] ? rec->fields[k].name : "<anonymous>");
    mark = pragma_pack_before(f, r->decl_start);
    if (mark != 0)
        REFUSE("after #pragma pack at %s:%u: its alignment is not modelled", f->path, mark);
    if (cpp_line_inside(f, r))
        REFUSE("a preprocessor line inside the struct: its members depend on macros");
    if (r->static_assert_inside)
        REFUSE("a _Static_assert inside may check its offsets");
    for (size_t k = 0; k < r->nmembers; k++)
        if (r->members[k].defines_tag || r->members[k].count == 0)
            REFUSE("a member defines a tagged type: moving members across it may not "
                   "compile");
    return NULL;
#undef REFUSE
out:
    *nomem_out = why == NULL;
    return why;
}

/* The order to write, *out (owned by *scratch or l), and its layout *lout:
 * of the candidates, the most faithful to the source first, the first as
 * small as the optimizer's order (and, on 64-bit Go targets, keeping every
 * 386-aligned int64 8-aligned there):
 *   - each blank-line group where it is, sorted within itself;
 *   - `X, Y int` kept one declaration (3 ways, see group_members), at no
 *     more pointer bytes than the optimizer's order;
 *   - the optimizer's order;
 *   - the optimizer's order for 386, which keeps those int64s.
 * Returns 0 (with *out NULL and *broke naming the int64 when none fits),
 * or a negative code. */
typedef struct order_scratch {
    size_t *order32, *grouped3[3], *blocks;
} order_scratch;

static void order_scratch_free(order_scratch *sc)
{
    free(sc->order32);
    for (int k = 0; k < 3; k++)
        free(sc->grouped3[k]);
    free(sc->blocks);
}

static int choose_order(align_fix_set *s, fix_file *f, const src_record *r, const body *b,
                        const align_layout *l, const align_type *nr, const align_layout *ln,
                        order_scratch *sc, const size_t **out, align_layout **lout,
                        const char **broke)
{
    const align_type *rec = r->rec;
    const size_t *cand[6];
    bool ptr_bound[6] = {false, true, true, true, false, false};
    size_t ncand = 0;
    bool atomic = s->lang == ALIGN_LANG_GO && s->o.check_atomic &&
                  (s->o.arch == ALIGN_ARCH_AMD64 || s->o.arch == ALIGN_ARCH_ARM64);
    align_layout_opts lo = {0, s->o.cacheline};
    int rc;
    *out = NULL;
    *lout = NULL;
    *broke = NULL;
    rc = block_order(b, l, &sc->blocks);
    if (rc < 0)
        return rc;
    cand[ncand++] = sc->blocks;
    for (int how = 0; how < 3; how++) {
        rc = group_members(r, l, how, &sc->grouped3[how]);
        if (rc < 0)
            return rc;
        cand[ncand++] = sc->grouped3[how];
    }
    cand[ncand++] = l->optimal_order;
    *broke = atomic ? atomic_breaks(f->g, rec, nr, l->optimal_order, s->o.arch) : NULL;
    if (*broke != NULL) {
        rc = safe_order(f->g, rec, s->o.arch, &lo, &sc->order32);
        if (rc < 0)
            return rc;
    }
    cand[ncand++] = sc->order32;
    for (size_t c = 0; c < ncand && *out == NULL; c++) {
        align_layout *lg = NULL;
        align_type *ng;
        if (cand[c] == NULL)
            continue;
        ng = reordered(f->g, rec, cand[c]);
        if (ng != NULL && align_layout_compute(&lg, f->g, ng, &lo) == 0 &&
            lg->size == l->optimal_size && (!ptr_bound[c] || lg->ptrdata <= ln->ptrdata) &&
            (!atomic || atomic_breaks(f->g, rec, ng, cand[c], s->o.arch) == NULL)) {
            *out = cand[c];
            *lout = lg;
            lg = NULL;
        }
        align_error_clear();
        align_layout_free(lg);
    }
    return 0;
}

/* "a, b, c": the members' names in the new order; t->nmoved counts those
 * that moved. */
static const char *order_names(align_fix_set *s, const align_type *rec, const size_t *order,
                               align_fix_type *t)
{
    align_buf names;
    const char *kept;
    align_buf_init(&names);
    for (uint32_t j = 0; j < rec->nfields; j++) {
        const char *fn = rec->fields[order[j]].name;
        if (j > 0)
            align_buf_puts(&names, ", ");
        align_buf_puts(&names, fn[0] ? fn : "<anonymous>");
        t->nmoved += order[j] != j;
    }
    kept = names.failed ? NULL : keep_str(s, names.data ? names.data : "", names.len);
    align_buf_free(&names);
    return kept;
}

/* One recorded struct: listed, refused or rewritten. */
static int fix_record(align_fix_set *s, fix_file *f, const src_record *r)
{
    align_fix_type t;
    const char *name = type_name_of(r), *why = NULL, *broke;
    align_layout *l = NULL, *ln = NULL, *lw = NULL;
    align_layout_opts lo = {0, s->o.cacheline};
    align_type *rec = r->rec, *nr;
    order_scratch sc = {NULL, {NULL, NULL, NULL}, NULL};
    const size_t *order;
    bool nomem_refusal = false;
    body b;
    align_buf out;
    int choice, rc = 0;

    if (name == NULL || (s->lang == ALIGN_LANG_C && r->parent >= 0 && r->name == NULL))
        return 0; /* untagged: no name to report it under, never moved */
    if (rec != NULL && rec->kind == ALIGN_KIND_UNION)
        return 0; /* every member at 0: nothing to order */
    choice = s->o.choose ? s->o.choose(name, s->o.choose_ctx) : ALIGN_FIX_DO;
    if (choice == ALIGN_FIX_SKIP)
        return 0;
    memset(&t, 0, sizeof t);
    memset(&b, 0, sizeof b);
    align_buf_init(&out);
    t.name = name;
    t.file = f->path;
    t.line = r->line;
    t.col = r->col;
    t.status = ALIGN_FIX_REFUSED;
    if (choice == ALIGN_FIX_KEEP) {
        t.reason = keep_fmt(s, "pinned by --keep");
        goto listed;
    }
    t.marker_line = ignore_marker(f, r->decl_start, r->line);
    t.reason = refusal(s, f, r, name, &nomem_refusal);
    if (t.reason != NULL || nomem_refusal)
        goto listed;
    if (align_layout_compute(&l, f->g, rec, &lo) < 0) {
        const align_error *e = align_error_last();
        t.reason = keep_fmt(s, "cannot be sized: %s%s", e->message,
                            s->o.binary ? "" : " (declared elsewhere: give --binary)");
        align_error_clear();
        goto listed;
    }
    t.size = t.new_size = l->size;
    t.ptrdata = t.new_ptrdata = l->ptrdata;
    if (l->reclaimable == 0) {
        t.status = ALIGN_FIX_OPTIMAL;
        goto listed;
    }
    rc = body_cut(&b, s->lang, f->text, f->len, r, &why);
    if (rc != 0) {
        if (rc < 0)
            goto done;
        rc = 0;
        t.reason = keep_fmt(s, "%s", why);
        goto listed;
    }
    nr = reordered(f->g, rec, l->optimal_order);
    if (nr == NULL) {
        rc = nomem();
        goto done;
    }
    if (align_layout_compute(&ln, f->g, nr, &lo) < 0 || ln->size != l->optimal_size) {
        align_error_clear();
        t.reason = keep_fmt(s, "internal: the new order does not lay out to the size the "
                               "optimizer found");
        goto listed;
    }
    rc = choose_order(s, f, r, &b, l, nr, ln, &sc, &order, &lw, &broke);
    if (rc < 0)
        goto done;
    if (order == NULL) {
        t.reason = keep_fmt(s,
                            "the smallest order would put %s at a 4-aligned offset on 386 and "
                            "arm, where sync/atomic needs 8 (--no-check-atomic to allow it)",
                            broke ? broke : "an int64");
        goto listed;
    }
    rc = body_emit(&out, &b, order, rec->nfields);
    if (rc == 0 && out.failed)
        rc = nomem();
    if (rc == 0)
        rc = add_edit(f, b.region_start, b.region_end, &out);
    if (rc < 0)
        goto done;
    t.region_start = b.region_start;
    t.region_end = b.region_end;
    t.replacement = f->edits[f->nedits - 1].text;
    t.status = ALIGN_FIX_REORDERED;
    t.new_size = lw->size;
    t.new_ptrdata = lw->ptrdata;
    t.new_order = order_names(s, rec, order, &t);
listed:
    if ((t.status == ALIGN_FIX_REFUSED && t.reason == NULL) ||
        (t.status == ALIGN_FIX_REORDERED && t.new_order == NULL))
        rc = nomem();
    else
        rc = add_type(s, &t);
done:
    order_scratch_free(&sc);
    body_free(&b);
    align_layout_free(l);
    align_layout_free(ln);
    align_layout_free(lw);
    align_buf_free(&out);
    return rc;
}

static int cmp_edit(const void *a, const void *b)
{
    const fix_edit *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

static int apply_edits(fix_file *f)
{
    align_buf out;
    size_t pos = 0;
    if (f->nedits == 0)
        return 0;
    qsort(f->edits, f->nedits, sizeof *f->edits, cmp_edit);
    align_buf_init(&out);
    for (size_t k = 0; k < f->nedits; k++) {
        assert(f->edits[k].start >= pos);
        align_buf_append(&out, f->text + pos, f->edits[k].start - pos);
        align_buf_append(&out, f->edits[k].text, f->edits[k].len);
        pos = f->edits[k].end;
    }
    align_buf_append(&out, f->text + pos, f->len - pos);
    if (out.failed) {
        align_buf_free(&out);
        return nomem();
    }
    f->new_text = out.data ? out.data : strdup("");
    f->new_len = out.len;
    return f->new_text ? 0 : nomem();
}

int align_fix_run(align_fix_set *s)
{
    int rc;
    assert(s != NULL && !s->ran);
    s->ran = true;
    s->total = s->parsed = 0;
    for (size_t i = 0; i < s->nf; i++)
        s->total += s->f[i].len;
    progress_start(&s->clock);
    rc = parse_all(s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < s->nf && rc >= 0; i++) {
        if (s->o.binary != NULL)
            rc = size_from_binary(s, s->f[i].g, &s->f[i].spans);
        if (rc >= 0 && s->lang == ALIGN_LANG_GO)
            rc = scan_go_guards(s, i);
    }
    for (size_t i = 0; i < s->nf && rc >= 0; i++)
        for (size_t k = 0; k < s->f[i].spans.n && rc >= 0; k++)
            rc = fix_record(s, &s->f[i], &s->f[i].spans.v[k]);
    for (size_t i = 0; i < s->nf && rc >= 0; i++)
        rc = apply_edits(&s->f[i]);
    if (rc >= 0)
        fix_progress(s, 0, true);
    return rc < 0 ? rc : 0;
}

HANDLE_ACCESSORS(align_fix_set, align_fix_ntypes, align_fix_type_at, align_fix_type, nt, types)

size_t align_fix_nfiles(const align_fix_set *s)
{
    return s->nf;
}

const char *align_fix_file_path(const align_fix_set *s, size_t i)
{
    return i < s->nf ? s->f[i].path : NULL;
}

const char *align_fix_file_text(const align_fix_set *s, size_t i, size_t *len)
{
    if (i >= s->nf)
        return NULL;
    if (len != NULL)
        *len = s->f[i].len;
    return s->f[i].text;
}

const char *align_fix_file_new_text(const align_fix_set *s, size_t i, size_t *len)
{
    if (i >= s->nf || s->f[i].new_text == NULL)
        return NULL;
    if (len != NULL)
        *len = s->f[i].new_len;
    return s->f[i].new_text;
}
