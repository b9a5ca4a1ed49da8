/*
 * go_literals.c - the unkeyed composite literals of a Go type
 * (go_source_unkeyed), for show --optimize (cli/audit.c's unkeyed_note):
 * the literals and conversions that a new field order breaks, in the files
 * go_source.c reads.
 *
 * A composite literal that lists values without field names (`T{a, b}`,
 * or `{a, b}` with the type elided in a `[]T{...}`, `[]*T{...}` or
 * `map[K]T{...}`) depends on the declaration's field order: a reordered
 * declaration makes it fail to compile (or, with fields of the same types
 * swapped, silently assign them to others).  On Go 1.19's cmd/compile and
 * cmd/go they were the one cause of pasted declarations that did not build
 * (tests/go_decl_real.py), so show names them.  Searched: the files of the
 * type's own directory (`T{`) and, for an exported type, the other files
 * read (`pkg.T{`, by the package's own name; an import under another name
 * is missed).  Text is scanned, not parsed: a `T{` inside a func type's
 * result (`func() T{`) would be taken for a literal, as gofmt never writes
 * it. */
#define _GNU_SOURCE /* memmem */
#include "go_source_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Past blanks, newlines and comments from p. */
static const char *skip_blank(const char *p, const char *end)
{
    while (p < end) {
        const char *q = skip_lit(p, end);
        if (isspace((unsigned char)*p))
            p++;
        else if (q != p && *p == '/')
            p = q;
        else
            break;
    }
    return p;
}

/* Whether the struct literal whose '{' is at p lists values unkeyed: its
 * first element is not `name:` (Go wants all keyed or none). */
static bool unkeyed_body(const char *p, const char *end)
{
    const char *q;
    p = skip_blank(p + 1, end);
    if (p >= end || *p == '}')
        return false;
    q = p;
    while (q < end && ident_char(*q))
        q++;
    if (q == p)
        return true;
    q = skip_blank(q, end);
    return !(q < end && *q == ':' && (q + 1 >= end || q[1] != '='));
}

/* Records the literal [open, close] of f as unkeyed. */
static void add_lit(go_source *s, const go_file *f, const char *open, const char *close,
                    bool conversion, go_literal **out, size_t *n, size_t *cap)
{
    unsigned line = 1, end_line;
    for (const char *c = f->text; c < open; c++)
        line += *c == '\n';
    end_line = line;
    for (const char *c = open; c < close; c++)
        end_line += *c == '\n';
    if (align_vec_reserve((void **)out, cap, *n + 1, sizeof **out, 16) < 0)
        return;
    (*out)[*n].file = f->path;
    (*out)[*n].line = line;
    (*out)[*n].end_line = end_line;
    (*out)[*n].conversion = conversion;
    (*n)++;
    (void)s;
}

/* The elements of the collection literal whose '{' is at p: each value
 * that is itself a `{...}` (the element type elided) and unkeyed. */
static void scan_elided(go_source *s, const go_file *f, const char *p, const char *end,
                        go_literal **out, size_t *n, size_t *cap)
{
    const char *close = match(p, end);
    if (close == NULL)
        return;
    p++;
    while (p < close) {
        /* one element: [key :] value, up to ',' at this depth */
        const char *val = skip_blank(p, close), *e;
        int depth = 0;
        for (e = code_at(val, close); e < close; e = code_at(e + 1, close)) {
            if (*e == '{' || *e == '(' || *e == '[')
                depth++;
            else if (*e == '}' || *e == ')' || *e == ']')
                depth--;
            else if (depth == 0 && *e == ',')
                break;
            else if (depth == 0 && *e == ':')
                val = skip_blank(e + 1, close);
        }
        if (val < close && *val == '{' && unkeyed_body(val, close)) {
            const char *vc = match(val, close + 1);
            add_lit(s, f, val, vc ? vc : close, false, out, n, cap);
        }
        p = e + 1;
    }
}

/* The literals of f naming the type as [name, name+nlen) (`T` or `pkg.T`). */
static void scan_file(go_source *s, const go_file *f, const char *name, size_t nlen, bool coll,
                      go_literal **out, size_t *n, size_t *cap)
{
    if (file_text(s, f) == NULL)
        return;
    const char *p = f->text, *end = f->text + f->len;
    while (p < end) {
        const char *q = skip_lit(p, end), *t, *b;
        if (q != p) {
            p = q;
            continue;
        }
        if ((size_t)(end - p) <= nlen || memcmp(p, name, nlen) != 0 ||
            (p > f->text && (ident_char(p[-1]) || p[-1] == '.'))) {
            p++;
            continue;
        }
        t = p;
        b = p + nlen;
        p = b;
        if (b < end && *b == '[') { /* type arguments */
            const char *c = match(b, end);
            if (c == NULL)
                continue;
            b = c + 1;
        }
        if (coll) { /* `type list []*T`: list{{a, b}} */
            if (b < end && *b == '{')
                scan_elided(s, f, b, end, out, n, cap);
            continue;
        }
        /* a conversion: `T(x)`, `(*T)(p)` */
        if (b < end && *b == '(' && b == p) {
            const char *c = match(b, end);
            add_lit(s, f, b, c ? c : b, true, out, n, cap);
            continue;
        }
        if (b + 1 < end && b[0] == ')' && b[1] == '(' && t - f->text >= 2 && t[-1] == '*' &&
            t[-2] == '(') {
            const char *c = match(b + 1, end);
            add_lit(s, f, b + 1, c ? c : b + 1, true, out, n, cap);
            continue;
        }
        if (b >= end || *b != '{')
            continue;
        /* `[]T{`, `[]*T{`, `[4]T{`, `map[K]T{`: a collection of T */
        while (t > f->text && t[-1] == '*')
            t--;
        if (t > f->text && t[-1] == ']')
            scan_elided(s, f, b, end, out, n, cap);
        else if (unkeyed_body(b, end)) {
            const char *c = match(b, end);
            add_lit(s, f, b, c ? c : b, false, out, n, cap);
        }
    }
}

size_t go_source_unkeyed(go_source *s, const char *name, const char *decl_file, go_literal **out)
{
    char local[256], pkg[128], qual[400];
    unsigned nth;
    size_t n = 0, cap = 0, dlen;
    const char *slash = decl_file ? strrchr(decl_file, '/') : NULL;
    bool loaded = false;
    *out = NULL;
    if (s == NULL || slash == NULL || !split(name, local, sizeof local, pkg, sizeof pkg, &nth))
        return 0;
    dlen = (size_t)(slash - decl_file);
    for (size_t i = 0; i < s->nfiles && !loaded; i++)
        loaded = strncmp(s->files[i].path, decl_file, dlen) == 0 && s->files[i].path[dlen] == '/' &&
                 strchr(s->files[i].path + dlen + 1, '/') == NULL;
    if (!loaded) {
        snprintf(qual, sizeof qual, "%.*s", (int)dlen, decl_file);
        load_dir(s, qual);
    }
    /* the package's own name, as other packages write it */
    for (size_t i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i].path, decl_file) == 0 &&
            (!s->files[i].unread || read_unread(s, &s->files[i])))
            snprintf(pkg, sizeof pkg, "%s", s->files[i].pkg);
    snprintf(qual, sizeof qual, "%s.%s", pkg, local);
    /* `type Term term`: Term{...} depends on term's order too */
    char defined[8][128];
    bool coll[8];
    size_t ndefined = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        const go_file *f = &s->files[i];
        if (!(strncmp(f->path, decl_file, dlen) == 0 && f->path[dlen] == '/' &&
              strchr(f->path + dlen + 1, '/') == NULL))
            continue;
        if (file_text(s, f) == NULL)
            continue;
        for (const char *p = f->text, *end = f->text + f->len;
             ndefined < 8 && (p = memmem(p, (size_t)(end - p), "type ", 5)) != NULL; p += 5) {
            const char *a = p + 5, *e, *t;
            if (p > f->text && p[-1] != '\n' && p[-1] != '\t')
                continue;
            e = a;
            while (e < end && ident_char(*e))
                e++;
            t = e;
            t = skip_spaces(t, end);
            /* `type X T`, or a collection of T: `[]T`, `[]*T`, `[4]T`,
             * `map[K]*T` (its literals hold T's elided) */
            const char *u = t;
            if (end - u > 4 && memcmp(u, "map[", 4) == 0)
                u += 3;
            if (u < end && *u == '[') {
                const char *c = match(u, end);
                u = c ? c + 1 : end;
                while (u < end && *u == '*')
                    u++;
            }
            if (e > a && t > e && (size_t)(end - u) > strlen(local) &&
                memcmp(u, local, strlen(local)) == 0 && !ident_char(u[strlen(local)]) &&
                u[strlen(local)] != '[' && u[strlen(local)] != '.' &&
                (size_t)(e - a) < sizeof defined[0]) {
                coll[ndefined] = u != t;
                snprintf(defined[ndefined++], sizeof defined[0], "%.*s", (int)(e - a), a);
            }
        }
    }
    for (size_t i = 0; i < s->nfiles; i++) {
        const go_file *f = &s->files[i];
        bool own = strncmp(f->path, decl_file, dlen) == 0 && f->path[dlen] == '/' &&
                   strchr(f->path + dlen + 1, '/') == NULL;
        if (own) {
            scan_file(s, f, local, strlen(local), false, out, &n, &cap);
            for (size_t k = 0; k < ndefined; k++)
                scan_file(s, f, defined[k], strlen(defined[k]), coll[k], out, &n, &cap);
        } else if (nth == 0 && isupper((unsigned char)local[0]) && f->src) {
            scan_file(s, f, qual, strlen(qual), false, out, &n, &cap);
        }
    }
    return n;
}
