/*
 * go_source.c - what a Go type's source file says that DWARF does not, for
 * show --optimize --src: the fields as written (tags, import aliases,
 * type parameters in field types), the file's imports, the type
 * parameters of a generic type, and where the type is declared.
 *
 * Who calls it: show (cli/audit.c), once per Go type shown, with --src.
 * The .go files below --src (not _test.go, testdata or vendor) are read
 * once; each lookup scans the files of the type's package name for its
 * `type Name` declaration.  The scanner reads declarations only: strings,
 * raw strings, runes and comments are skipped so that a brace or a quote in
 * them does not count.
 *
 * Rejected: the library's Go parser (align_decl_parse_go), which lays the
 * types out and so refuses a file naming a type of a package it was not
 * given; here nothing is sized, only text is carried.  A source whose
 * fields are not the binary's (names, count, order) is not used: the
 * binary is the truth, an edited file is not.
 */
#define _GNU_SOURCE /* asprintf */
#include "cli.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct go_file {
    char *path, *text;
    size_t len;
    char pkg[64]; /* the package clause */
} go_file;

struct go_source {
    go_file *files;
    size_t nfiles, cap;
    char **strings; /* texts handed out, freed with the source */
    size_t nstrings, scap;
    align_go_import *imports; /* of the last lookup */
    size_t nimports, icap;
};

#define MAX_FILES 100000

static void package_clause(go_file *f)
{
    const char *p = f->text, *end = f->text + f->len;
    f->pkg[0] = '\0';
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 8 && memcmp(p, "package ", 8) == 0) {
            size_t k = 8;
            while (k < n && (isalnum((unsigned char)p[k]) || p[k] == '_'))
                k++;
            snprintf(f->pkg, sizeof f->pkg, "%.*s", (int)(k - 8), p + 8);
            return;
        }
        p = nl ? nl + 1 : end;
    }
}

static void walk(go_source *s, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL && s->nfiles < MAX_FILES) {
        char *p;
        struct stat st;
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || asprintf(&p, "%s/%s", dir, e->d_name) < 0)
            continue;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth < 32 && strcmp(e->d_name, "testdata") != 0 &&
                strcmp(e->d_name, "vendor") != 0)
                walk(s, p, depth + 1);
        } else if (S_ISREG(st.st_mode) && n > 3 && strcmp(e->d_name + n - 3, ".go") == 0 &&
                   !(n > 8 && strcmp(e->d_name + n - 8, "_test.go") == 0) &&
                   align_vec_reserve((void **)&s->files, &s->cap, s->nfiles + 1, sizeof *s->files,
                                     64) == 0) {
            go_file *f = &s->files[s->nfiles];
            if (read_input(p, &f->text, &f->len)) {
                f->path = p;
                p = NULL;
                package_clause(f);
                s->nfiles++;
            }
        }
        free(p);
    }
    closedir(d);
}

go_source *go_source_new(const char *src_dir)
{
    go_source *s = calloc(1, sizeof *s);
    if (s != NULL && src_dir != NULL)
        walk(s, src_dir, 0);
    return s;
}

void go_source_free(go_source *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nfiles; i++) {
        free(s->files[i].path);
        free(s->files[i].text);
    }
    for (size_t i = 0; i < s->nstrings; i++)
        free(s->strings[i]);
    free(s->files);
    free(s->strings);
    free(s->imports);
    free(s);
}

/* A copy of [p, p+n) kept until the source is freed, or NULL. */
static const char *keep(go_source *s, const char *p, size_t n)
{
    char *c = malloc(n + 1);
    if (c == NULL || align_vec_reserve((void **)&s->strings, &s->scap, s->nstrings + 1,
                                       sizeof *s->strings, 64) < 0) {
        free(c);
        return NULL;
    }
    memcpy(c, p, n);
    c[n] = '\0';
    s->strings[s->nstrings++] = c;
    return c;
}

/* A field's text on one line, as a table row needs it and Go accepts:
 * a line break inside a nested struct or interface becomes "; " (" "
 * after "{" and before "}"), the indentation after it is dropped. */
static char *one_line(const char *p, size_t n)
{
    char *out = malloc(2 * n + 1);
    size_t k = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\n') {
            out[k++] = p[i];
            continue;
        }
        while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t'))
            k--;
        while (i + 1 < n && isspace((unsigned char)p[i + 1]))
            i++;
        if (k > 0 && out[k - 1] != '{' && !(i + 1 < n && p[i + 1] == '}') && out[k - 1] != ';')
            out[k++] = ';';
        out[k++] = ' ';
    }
    out[k] = '\0';
    return out;
}

/* Past a string, raw string, rune or comment starting at p, else p. */
static const char *skip_lit(const char *p, const char *end)
{
    char q = *p;
    if (q == '/' && p + 1 < end && p[1] == '/') {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        return nl ? nl : end;
    }
    if (q == '/' && p + 1 < end && p[1] == '*') {
        const char *c = memmem(p + 2, (size_t)(end - p - 2), "*/", 2);
        return c ? c + 2 : end;
    }
    if (q != '"' && q != '\'' && q != '`')
        return p;
    for (p++; p < end && *p != q; p++)
        if (*p == '\\' && q != '`')
            p++;
    return p < end ? p + 1 : end;
}

/* The bracket or brace matching the one at p, or NULL. */
static const char *match(const char *p, const char *end)
{
    char open = *p, close = open == '{' ? '}' : open == '[' ? ']' : ')';
    int depth = 0;
    while (p < end) {
        const char *q = skip_lit(p, end);
        if (q != p) {
            p = q;
            continue;
        }
        if (*p == open)
            depth++;
        else if (*p == close && --depth == 0)
            return p;
        p++;
    }
    return NULL;
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* The file's import specs into s->imports (aliases and plain paths: the
 * plain ones by the path's last element, as the renderer would say). */
static void read_imports(go_source *s, const go_file *f)
{
    const char *p = f->text, *end = f->text + f->len;
    s->nimports = 0;
    while ((p = memmem(p, (size_t)(end - p), "import", 6)) != NULL) {
        const char *q = p + 6, *stop;
        bool at_line = p == f->text || p[-1] == '\n';
        p = q;
        if (!at_line)
            continue;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        stop = *q == '(' ? match(q, end) : memchr(q, '\n', (size_t)(end - q));
        if (stop == NULL)
            stop = end;
        while (q < stop) {
            const char *name = NULL, *qs;
            size_t nlen = 0;
            while (q < stop && (isspace((unsigned char)*q) || *q == '(' || *q == ';'))
                q++;
            if (q < stop && q[0] == '/') {
                q = skip_lit(q, stop);
                continue;
            }
            if (q < stop && (ident_char(*q) || *q == '.')) {
                name = q;
                while (q < stop && (ident_char(*q) || *q == '.'))
                    q++;
                nlen = (size_t)(q - name);
                while (q < stop && (*q == ' ' || *q == '\t'))
                    q++;
            }
            if (q >= stop || *q != '"')
                break;
            qs = skip_lit(q, stop);
            if (name != NULL && nlen > 0 && !(nlen == 1 && (*name == '_' || *name == '.')) &&
                align_vec_reserve((void **)&s->imports, &s->icap, s->nimports + 1,
                                  sizeof *s->imports, 16) == 0) {
                s->imports[s->nimports].name = keep(s, name, nlen);
                s->imports[s->nimports].path = keep(s, q + 1, (size_t)(qs - q - 2));
                if (s->imports[s->nimports].name && s->imports[s->nimports].path)
                    s->nimports++;
            }
            q = qs;
        }
        p = stop;
    }
}

/* `Name [params] struct {` at p (the name's start): the brace, the
 * params' span, or NULL. */
static const char *struct_after(const char *p, size_t nlen, const char *end, const char **tp,
                                size_t *tplen)
{
    const char *q = p + nlen;
    *tp = NULL;
    *tplen = 0;
    if (q >= end || ident_char(*q))
        return NULL;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    if (q < end && *q == '[') {
        const char *c = match(q, end);
        if (c == NULL)
            return NULL;
        *tp = q;
        *tplen = (size_t)(c + 1 - q);
        q = c + 1;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
    }
    if ((size_t)(end - q) < 6 || memcmp(q, "struct", 6) != 0)
        return NULL;
    q += 6;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    return q < end && *q == '{' ? q : NULL;
}

/* The declaration of `name` in f: the opening brace of its struct, the
 * line, the type parameters; NULL when f does not declare it. */
static const char *find_decl(const go_file *f, const char *name, unsigned *line, const char **tp,
                             size_t *tplen)
{
    const char *p = f->text, *end = f->text + f->len;
    size_t nlen = strlen(name);
    unsigned l = 1;
    while (p < end) {
        const char *q = skip_lit(p, end), *ls;
        if (q != p) {
            for (; p < q; p++)
                l += *p == '\n';
            continue;
        }
        if (*p == '\n') {
            l++;
            p++;
            continue;
        }
        if (!(p == f->text || !ident_char(p[-1])) || (size_t)(end - p) < nlen ||
            memcmp(p, name, nlen) != 0) {
            p++;
            continue;
        }
        /* `type Name` or, in a `type (` group, Name alone on its line */
        ls = p;
        while (ls > f->text && (ls[-1] == ' ' || ls[-1] == '\t'))
            ls--;
        bool typed = ls - f->text >= 4 && memcmp(ls - 4, "type", 4) == 0 &&
                     (ls - 4 == f->text || !ident_char(ls[-5])) && ls != p;
        bool grouped = ls == f->text || ls[-1] == '\n';
        const char *brace = typed || grouped ? struct_after(p, nlen, end, tp, tplen) : NULL;
        if (brace != NULL) {
            *line = l;
            return brace;
        }
        p += nlen;
    }
    return NULL;
}

/* One field declaration [p, e) (comments dropped): its names and the text
 * each member gets ("x T `tag`"; embedded: as written). */
static int add_fields(go_source *s, const char *p, const char *e, const char **names,
                      const char **texts, int n, int cap)
{
    const char *q, *type;
    while (p < e && isspace((unsigned char)*p))
        p++;
    while (e > p && isspace((unsigned char)e[-1]))
        e--;
    if (p == e)
        return n;
    q = p;
    while (q < e && ident_char(*q))
        q++;
    if (*p == '*' || q == p || (q < e && (*q == '.' || *q == '['))) {
        goto embedded;
    }
    type = q;
    while (type < e && (*type == ' ' || *type == '\t'))
        type++;
    if (type == e || *type == '`' || *type == '"')
        goto embedded;
    /* names: ident {, ident}, then the type */
    int first = n;
    for (const char *a = p;;) {
        const char *b = a, *c;
        while (b < e && ident_char(*b))
            b++;
        if (b == a || n >= cap)
            break;
        names[n++] = keep(s, a, (size_t)(b - a));
        c = b;
        while (c < e && (*c == ' ' || *c == '\t'))
            c++;
        if (c < e && *c == ',') {
            c++;
            while (c < e && isspace((unsigned char)*c))
                c++;
            a = c;
            continue;
        }
        type = c;
        break;
    }
    for (int i = first; i < n; i++) {
        char *text;
        if (names[i] == NULL || asprintf(&text, "%s %.*s", names[i], (int)(e - type), type) < 0)
            return -1;
        char *flat = one_line(text, strlen(text));
        free(text);
        if (flat == NULL)
            return -1;
        texts[i] = keep(s, flat, strlen(flat));
        free(flat);
    }
    return n;
embedded:
    if (n < cap) {
        /* its name: the type's last identifier before any [args] */
        const char *end = p, *start;
        while (end < e && *end != '[' && *end != ' ' && *end != '\t' && *end != '`' && *end != '"')
            end++;
        start = end;
        while (start > p && ident_char(start[-1]))
            start--;
        char *flat = one_line(p, (size_t)(e - p));
        if (flat == NULL)
            return -1;
        names[n] = keep(s, start, (size_t)(end - start));
        texts[n] = keep(s, flat, strlen(flat));
        free(flat);
        n++;
    }
    return n;
}

/* Splits the struct body [p, end) into members: (names[i], texts[i]).
 * Returns the count, or -1. */
static int body_fields(go_source *s, const char *p, const char *end, const char **names,
                       const char **texts, int cap)
{
    int n = 0;
    char *clean = malloc((size_t)(end - p) + 1);
    size_t k = 0;
    if (clean == NULL)
        return -1;
    /* comments out, literals kept */
    while (p < end) {
        const char *q = skip_lit(p, end);
        if (q != p && *p == '/') {
            clean[k++] = ' ';
            p = q;
        } else if (q != p) {
            memcpy(clean + k, p, (size_t)(q - p));
            k += (size_t)(q - p);
            p = q;
        } else {
            clean[k++] = *p++;
        }
    }
    const char *c = clean, *ce = clean + k, *start = clean;
    int depth = 0;
    while (c <= ce && n >= 0) {
        if (c == ce || (depth == 0 && (*c == '\n' || *c == ';'))) {
            n = add_fields(s, start, c, names, texts, n, cap);
            start = c + 1;
            c++;
            continue;
        }
        const char *q = skip_lit(c, ce);
        if (q != c) {
            c = q;
            continue;
        }
        depth += (*c == '{' || *c == '(' || *c == '[') - (*c == '}' || *c == ')' || *c == ']');
        c++;
    }
    free(clean);
    return n;
}

bool go_source_decl(go_source *s, align_layout *l, align_go_decl_opts *opts, const char **file,
                    unsigned *line)
{
    const char *name = l->name, *br = strchr(name, '['), *dot = NULL, *slash = NULL;
    char local[256], pkg[128];
    const go_file *best = NULL;
    const char *brace = NULL, *tp = NULL;
    size_t tplen = 0, best_score = 0;
    unsigned best_line = 0;
    memset(opts, 0, sizeof *opts);
    if (s == NULL || l->lang != ALIGN_LANG_GO)
        return false;
    for (const char *p = name; *p && p != br; p++)
        if (*p == '.')
            dot = p;
    if (dot == NULL)
        return false;
    for (const char *p = name; p < dot; p++)
        if (*p == '/')
            slash = p;
    snprintf(local, sizeof local, "%.*s", (int)((br ? br : name + strlen(name)) - dot - 1),
             dot + 1);
    /* the package's name: the path's last element (a .../v2 is not it) */
    const char *ps = slash ? slash + 1 : name;
    snprintf(pkg, sizeof pkg, "%.*s", (int)(dot - ps), ps);
    for (size_t i = 0; i < s->nfiles; i++) {
        const go_file *f = &s->files[i];
        unsigned ln;
        const char *b, *t;
        size_t tl, score = 1;
        if (strcmp(f->pkg, pkg) != 0 && !(pkg[0] == 'v' && isdigit((unsigned char)pkg[1])))
            continue;
        b = find_decl(f, local, &ln, &t, &tl);
        if (b == NULL)
            continue;
        /* the directory that ends with the most of the import path */
        const char *fp = f->path + strlen(f->path), *ip = dot;
        while (fp > f->path && fp[-1] != '/')
            fp--;
        if (fp > f->path)
            fp--;
        while (fp > f->path && ip > name && fp[-1] == ip[-1]) {
            fp--;
            ip--;
            score++;
        }
        if (best == NULL || score > best_score) {
            best = f;
            best_score = score;
            brace = b;
            best_line = ln;
            tp = t;
            tplen = tl;
        }
    }
    if (best == NULL)
        return false;
    const char *close = match(brace, best->text + best->len);
    const char **names = calloc(l->nmembers + 1, sizeof *names);
    const char **texts = calloc(l->nmembers + 1, sizeof *texts);
    bool same = false;
    if (close != NULL && names != NULL && texts != NULL) {
        int n = body_fields(s, brace + 1, close, names, texts, (int)l->nmembers + 1);
        same = n == (int)l->nmembers;
        for (size_t i = 0; same && i < l->nmembers; i++)
            same = strcmp(names[i], l->members[i].name) == 0;
        for (size_t i = 0; same && i < l->nmembers; i++)
            l->members[i].decl_text = texts[i];
    }
    free(names);
    free(texts);
    *file = best->path;
    *line = best_line;
    if (!same)
        return false;
    read_imports(s, best);
    opts->imports = s->imports;
    opts->nimports = s->nimports;
    opts->type_params = tp ? keep(s, tp, tplen) : NULL;
    return true;
}
