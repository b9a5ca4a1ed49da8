/*
 * go_place.c - go_source_locate: every Go type of a binary placed at its
 * declaration.  A record that has no position gets the file and line of
 * its `type` declaration: under --src, else in the directory of its
 * methods' (or its package's) DW_AT_decl_file when that is on disk, else
 * (no function of the package linked) where the other packages' files say
 * its import path lives (path_root).  Then the anonymous structs: of a
 * package variable (locate_var), in their holders' declarations
 * (locate_anonymous), and of a function's local variable (locate_local,
 * check_local).  The files are go_source.c's (load_dir reads a package
 * directory once), found with its lookups (find_type, find_defined,
 * find_line).
 *
 * Who calls it: audit, show and bgload.c's thread (go_source_locate).
 */
#define _GNU_SOURCE /* memmem, getline */
#include "go_source_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Past the name at p of a field's names (`a, b, c T`): the next name
 * (*more true), else the start of the type. */
static const char *next_name(const char *p, const char *end, bool *more)
{
    while (p < end && ident_char(*p))
        p++;
    p = skip_spaces(p, end);
    *more = p < end && *p == ',';
    if (*more) {
        p++;
        while (p < end && isspace((unsigned char)*p))
            p++;
    }
    return p;
}

/* The field `name` declared directly in the struct body whose '{' is at
 * brace (not in a nested struct), or NULL: where its name starts. */
static const char *field_in_body(const char *brace, const char *end, const char *name)
{
    const char *close = match(brace, end), *p = brace + 1;
    size_t nlen = strlen(name);
    bool at_start = true; /* at the start of a field declaration */
    int depth = 0;
    if (close == NULL)
        return NULL;
    while (p < close) {
        const char *q = skip_lit(p, close);
        if (q != p) {
            p = q;
            continue;
        }
        if (*p == '\n' || *p == ';') {
            at_start = depth == 0;
            p++;
            continue;
        }
        if (*p == '{' || *p == '(' || *p == '[')
            depth++;
        else if (*p == '}' || *p == ')' || *p == ']')
            depth--;
        if (depth == 0 && at_start && ident_char(*p)) {
            /* `a, b, c T`: each name of the list */
            for (bool more = true; more && p < close;) {
                const char *e = p;
                while (e < close && ident_char(*e))
                    e++;
                if ((size_t)(e - p) == nlen && memcmp(p, name, nlen) == 0)
                    return p;
                p = next_name(p, close, &more);
            }
            at_start = false;
            continue;
        }
        if (!isspace((unsigned char)*p))
            at_start = false;
        p++;
    }
    return NULL;
}

/* The '{' of the struct type of the field whose name is at p (`f struct
 * {`, `f [4]struct {`, `f, g struct {`), or NULL. */
static const char *field_struct(const char *p, const char *end)
{
    for (bool more = true; more;) /* the names */
        p = next_name(p, end, &more);
    while (p < end && *p == '[') {
        const char *c = match(p, end);
        if (c == NULL)
            return NULL;
        p = c + 1;
    }
    return struct_brace(p, end);
}

/* An anonymous struct labelled "pkg.T.f.g": the line of field g's
 * declaration in f's struct in T's declaration (T already placed). */
/* The line of the field `path` ("f.g": field g of the struct of field
 * f) in the struct body whose '{' is at brace, or 0. */
static unsigned field_line(const char *text, const char *end, const char *brace, const char *path)
{
    const char *at = NULL;
    char field[256];
    unsigned line = 1;
    while (*path != '\0' && brace != NULL) {
        size_t n = strcspn(path, ".");
        snprintf(field, sizeof field, "%.*s", (int)n, path);
        path += n + (path[n] == '.');
        at = field_in_body(brace, end, field);
        if (at == NULL)
            return 0;
        brace = *path ? field_struct(at, end) : NULL;
    }
    if (at == NULL || *path != '\0')
        return 0;
    for (const char *c = text; c < at; c++)
        line += *c == '\n';
    return line;
}

/* The file of go_source at path, or NULL. */
static go_file *file_at(go_source *s, const char *path)
{
    for (size_t i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i].path, path) == 0)
            return &s->files[i];
    return NULL;
}

/* The '{' of the struct on line `line` of f's text (a package variable's
 * `var V struct {`, placed by locate_var), or NULL. */
static const char *var_brace(const go_file *f, unsigned line)
{
    const char *p = f->text, *end = f->text + f->len, *e;
    for (unsigned l = 1; l < line && p != NULL; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        p = p != NULL ? p + 1 : NULL;
    }
    if (p == NULL)
        return NULL;
    e = memchr(p, '\n', (size_t)(end - p));
    return memchr(p, '{', (size_t)((e != NULL ? e : end) - p)); /* var_struct_line's */
}

/* An anonymous struct labelled "pkg.T.f.g": the line of field g's
 * declaration in f's struct in T's declaration (T already placed); or
 * labelled "pkg.V.f.g" under a package variable's struct (label_of NULL,
 * placed by locate_var): the same in the struct of `var V struct {`. */
static void locate_anonymous(go_source *s, align_type *t, const char *label)
{
    const align_type *top = NULL, *up = NULL;
    align_srcpos pos;
    found fd;
    char dir[1024];
    go_file *f;
    const char *brace;
    align_type_label(t, &top);
    while (top != NULL && align_type_label(top, &up) != NULL && up != NULL)
        top = up;
    if (top == NULL)
        return;
    bool var = align_type_label(top, NULL) != NULL; /* a variable's struct */
    const char *name = var ? align_type_label(top, NULL) : align_type_name(top);
    if (name == NULL)
        return;
    const char *rest = label + strlen(name);
    pos = align_type_pos(top);
    if (strncmp(label, name, strlen(name)) != 0 || *rest != '.' || pos.file == NULL ||
        strrchr(pos.file, '/') == NULL)
        return;
    if (var) {
        f = file_at(s, pos.file);
        if (f == NULL && strrchr(pos.file, '/') != NULL) {
            /* a function's local variable's: its file is DWARF's */
            snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(pos.file, '/') - pos.file), pos.file);
            load_dir(s, dir);
            f = file_at(s, pos.file);
        }
        if (f == NULL)
            return;
    } else {
        snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(pos.file, '/') - pos.file), pos.file);
        if (!find_type(s, name, dir, &fd) || fd.d == NULL || fd.d->line != pos.line)
            return;
        f = (go_file *)fd.f;
    }
    /* a file outside --src is read for this and let go again: audit keeps
     * no text it does not need (the escape join's peak RSS) */
    bool had = f->text != NULL;
    if (file_text(s, f) == NULL)
        return;
    brace = var ? var_brace(f, pos.line) : f->text + fd.d->brace;
    pos.line = brace ? field_line(f->text, f->text + f->len, brace, rest + 1) : 0;
    pos.file = f->path;
    pos.col = 0;
    if (!had)
        drop_text(f);
    if (pos.line > 0)
        align_type_set_pos(t, pos);
}

static int cmp_key(const void *key, const void *m)
{
    return strcmp(key, ((const align_go_method *)m)->type);
}

/* An import path as written in a symbol, unescaped: the linker writes a
 * '.' of the last element as "%2e" ("crypto/internal/entropy/v1%2e0%2e0"),
 * and '%' and '"' as "%25" and "%22".  False when it does not fit. */
static bool unescape_path(const char *p, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        const char *hi = i + 2 < n ? strchr(hex, tolower((unsigned char)p[i + 1])) : NULL;
        const char *lo = hi != NULL ? strchr(hex, tolower((unsigned char)p[i + 2])) : NULL;
        if (c == '%' && hi != NULL && lo != NULL && *hi != '\0' && *lo != '\0') {
            c = (char)((hi - hex) * 16 + (lo - hex));
            i += 2;
        }
        if (k + 1 >= cap)
            return false;
        out[k++] = c;
    }
    out[k] = '\0';
    return true;
}

/* Where the import paths of a prefix live, learned from a package whose
 * directory the binary gives: "cmd/go/internal/work" written in
 * /usr/lib/go/src/cmd/go/internal/work says that "" maps to
 * /usr/lib/go/src; "example.com/m/a" in /home/u/m/a that "example.com/m"
 * maps to /home/u/m (a module in the module cache, ".../m@v1.2.3/a",
 * likewise). */
typedef struct path_root {
    char *prefix, *dir; /* prefix without, dir without a trailing '/' */
} path_root;

/* The path_roots of the method files (packages with a function in the
 * binary), distinct, longest prefix first; *n 0 when none. */
static path_root *path_roots(const align_go_method *ms, size_t nms, size_t *n)
{
    path_root *v = NULL;
    size_t cap = 0;
    *n = 0;
    for (size_t i = 0; i < nms; i++) {
        char pkg[1024];
        const char *t = ms[i].type, *f = ms[i].file, *slash = strrchr(t, '/');
        const char *fe = strrchr(f, '/'), *pe;
        if (f[0] != '/' || fe == NULL || strchr(slash ? slash : t, '.') != NULL ||
            !unescape_path(t, strlen(t), pkg, sizeof pkg))
            continue; /* a method's entry ("P.T"), or a relative file */
        /* the path components they end with alike */
        pe = pkg + strlen(pkg);
        while (pe > pkg && fe > f) {
            const char *pc = pe, *fc = fe;
            while (pc > pkg && pc[-1] != '/')
                pc--;
            while (fc > f && fc[-1] != '/')
                fc--;
            if (pe - pc != fe - fc || memcmp(pc, fc, (size_t)(pe - pc)) != 0 || fc == f)
                break;
            pe = pc > pkg ? pc - 1 : pc;
            fe = fc - 1;
        }
        if (pe == pkg + strlen(pkg))
            continue; /* not even the last element */
        path_root r;
        size_t k = 0;
        while (k < *n && !(strncmp(v[k].prefix, pkg, (size_t)(pe - pkg)) == 0 &&
                           v[k].prefix[pe - pkg] == '\0' &&
                           strncmp(v[k].dir, f, (size_t)(fe - f)) == 0 && v[k].dir[fe - f] == '\0'))
            k++;
        if (k < *n)
            continue;
        r.prefix = strndup(pkg, (size_t)(pe - pkg));
        r.dir = strndup(f, (size_t)(fe - f));
        if (r.prefix == NULL || r.dir == NULL ||
            align_vec_push((void **)&v, n, &cap, sizeof r, 8, &r) < 0) {
            free(r.prefix);
            free(r.dir);
            break;
        }
    }
    for (size_t i = 1; i < *n; i++) /* longest prefix first (a handful) */
        for (size_t j = i; j > 0 && strlen(v[j].prefix) > strlen(v[j - 1].prefix); j--) {
            path_root x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    return v;
}

static void path_roots_free(path_root *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].prefix);
        free(v[i].dir);
    }
    free(v);
}

/* Whether the line [p, e) declares the package variable local with an
 * anonymous struct type: `var local struct {` (`var local = struct {`)
 * or, in a `var (` block, `local struct {`; or an array, a slice or a
 * map of one (`var local [4]struct {`, `var local = []struct {`, `var
 * local = map[K]struct {`). */
static bool var_struct_line(const char *p, const char *e, const char *local, bool in_block)
{
    size_t llen = strlen(local);
    if (!in_block) {
        if ((size_t)(e - p) < 4 || memcmp(p, "var ", 4) != 0)
            return false;
        p += 4;
    }
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    /* the name, alone or in a list (`var left, right struct {`) */
    bool named = false;
    for (;;) {
        const char *n = p;
        while (p < e && ident_char(*p))
            p++;
        if (p == n)
            return false;
        named |= (size_t)(p - n) == llen && memcmp(n, local, llen) == 0;
        const char *c = skip_spaces(p, e);
        if (c == e || *c != ',')
            break;
        p = skip_spaces(c + 1, e);
    }
    if (!named || p == e || (*p != ' ' && *p != '\t'))
        return false;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '=')) /* `var x = struct {...}{...}` */
        p++;
    if ((size_t)(e - p) > 4 && memcmp(p, "map[", 4) == 0)
        p += 3;                  /* `var x = map[K]struct {`: K skipped below */
    while (p < e && *p == '[') { /* `var x [4]struct {`, `var x = []struct {` */
        int depth = 0;
        const char *c = p;
        for (; c < e; c++) {
            depth += (*c == '[') - (*c == ']');
            if (depth == 0)
                break;
        }
        if (c == e)
            return false;
        p = c + 1;
    }
    return struct_brace(p, e) != NULL;
}

/* Whether the struct body whose '{' is at brace declares every named
 * field of lit, the compiler's text of the struct ("struct { runtime.lock
 * runtime.mutex; n int }"): of two files declaring the variable under
 * other build tags (runtime.trace in Go 1.22's trace.go and trace2.go),
 * the one that was built. */
static bool body_has_fields(const char *brace, const char *end, const char *lit)
{
    const char *p = strchr(lit, '{');
    if (p == NULL)
        return false;
    for (p++; *p != '\0';) {
        char field[256];
        const char *e = p;
        int depth = 0;
        while (*p == ' ')
            p++;
        /* the field's text, up to its ';' (not one of a nested struct) */
        for (e = p; *e != '\0' && !(depth == 0 && (*e == ';' || *e == '}')); e++)
            depth += (*e == '{' || *e == '[' || *e == '(') - (*e == '}' || *e == ']' || *e == ')');
        const char *fe = e, *sp, *dot = NULL;
        while (fe > p && fe[-1] == ' ') /* the space before the last field's '}' */
            fe--;
        sp = memchr(p, ' ', (size_t)(fe - p));
        if (sp != NULL) { /* `name type`, the name qualified by its package */
            for (const char *c = p; c < sp; c++)
                if (*c == '.')
                    dot = c;
            const char *n = dot ? dot + 1 : p;
            snprintf(field, sizeof field, "%.*s", (int)(sp - n), n);
            if (strcmp(field, "_") != 0 && field_in_body(brace, end, field) == NULL)
                return false;
        }
        if (*e != ';')
            break;
        p = e + 1;
    }
    return true;
}

typedef struct var_test {
    const char *local, *lit;
    bool in_block; /* inside `var (` ... `)` */
} var_test;

static bool is_var_line(const char *p, const char *e, const char *end, bool first, void *ctx)
{
    var_test *v = ctx;
    if (first)
        v->in_block = false;
    if (e - p >= 5 && memcmp(p, "var (", 5) == 0)
        v->in_block = true;
    else if (e > p && *p == ')')
        v->in_block = false;
    else if (var_struct_line(p, e, v->local, v->in_block && (*p == '\t' || *p == ' ')) &&
             body_has_fields(memchr(p, '{', (size_t)(e - p)), end, v->lit))
        return true;
    return false;
}

/* The line of `var Name struct {` for the package variable name ("pkg.Name")
 * in a file of directory dir (NULL: the --src files of its package), whose
 * struct declares the fields of lit. */
static bool find_var(go_source *s, const char *name, const char *lit, const char *dir,
                     const go_file **file, unsigned *line)
{
    char local[256], pkg[128];
    unsigned nth;
    if (!split(name, local, sizeof local, pkg, sizeof pkg, &nth) || nth > 0 || strchr(name, '['))
        return false;
    var_test v = {local, lit, false};
    return find_line(s, dir, pkg, local, is_var_line, &v, file, line);
}

/* An anonymous struct named after the one package variable of its type
 * (label_of NULL): at its `var` line, under --src or in the directory of
 * its package's functions' files. */
static bool place_by_files(go_source *s, align_type *t, const char *name, const char *key,
                           const align_go_method *ms, size_t nms);

static void locate_var(go_source *s, align_type *t, const char *label, const align_go_method *ms,
                       size_t nms)
{
    const go_file *f;
    align_srcpos pos = {0};
    char key[1024], pkg[1024];
    if (!find_var(s, label, align_type_display(t), NULL, &f, &pos.line)) {
        const align_go_method *m = NULL;
        snprintf(key, sizeof key, "%s", label);
        if (strrchr(key, '.') == NULL || nms == 0)
            return;
        *strrchr(key, '.') = '\0';
        snprintf(pkg, sizeof pkg, "%s", key);
        m = bsearch(key, ms, nms, sizeof *ms, cmp_key);
        if (m != NULL && m->file[0] == '/' && strrchr(m->file, '/') != NULL) {
            snprintf(key, sizeof key, "%.*s", (int)(strrchr(m->file, '/') - m->file), m->file);
            load_dir(s, key);
        }
        if (m == NULL || !find_var(s, label, align_type_display(t), key, &f, &pos.line)) {
            /* no `var V`: the element of a defined array type named V
             * (`type semTable [N]struct {`, a name no variable of the
             * package can have), at that line */
            place_by_files(s, t, label, pkg, ms, nms);
            return;
        }
    }
    pos.file = f->path;
    align_type_set_pos(t, pos);
}

/* The name a function is declared with in its file, from its DWARF name
 * after the package ("F", "(*T).M", "T.M", "F.func1.2", "G[go.shape.int]"):
 * F, M, M, F, G into buf. */
static void func_decl_name(const char *fn, char *buf, size_t cap)
{
    char plain[512];
    size_t n = 0;
    int depth = 0;
    /* without type arguments */
    for (const char *p = fn; *p != '\0' && n + 1 < sizeof plain; p++) {
        depth += *p == '[';
        if (depth == 0)
            plain[n++] = *p;
        depth -= *p == ']' && depth > 0;
    }
    plain[n] = '\0';
    const char *p = plain;
    if (*p == '(') { /* "(*T).M" */
        p = strchr(p, ')');
        p = p != NULL && p[1] == '.' ? p + 2 : plain + n;
    } else if (strchr(p, '.') != NULL) {
        /* "T.M" (a value receiver's method) or "F.func1" (a closure) */
        const char *second = strchr(p, '.') + 1;
        if (!(strncmp(second, "func", 4) == 0 && isdigit((unsigned char)second[4])) &&
            !isdigit((unsigned char)*second))
            p = second;
    }
    snprintf(buf, cap, "%.*s", (int)strcspn(p, ".-"), p);
}

/* Whether line [p, e) declares variable var with a struct type: `var
 * name struct {`, `name := struct {`, `name, other := struct {`, `(name
 * struct {` in a parameter list... : the name as a word, then "struct". */
static bool local_line(const char *p, const char *e, const char *var)
{
    size_t n = strlen(var);
    for (const char *q = p; q + n <= e; q++) {
        const char *w = memmem(q, (size_t)(e - q), var, n);
        if (w == NULL)
            return false;
        if ((w == p || !ident_char(w[-1])) && (w + n == e || !ident_char(w[n])) &&
            memmem(w + n, (size_t)(e - w - (ptrdiff_t)n), "struct", 6) != NULL)
            return true;
        q = w;
    }
    return false;
}

/* An anonymous struct named after a function's local variable whose
 * function DWARF gives no file (inlined wherever it is called:
 * sync.OnceValue[...]): the file of its package's directory (the
 * directory of one of its package's functions' files) in which the
 * function is declared before the variable's line, which declares the
 * variable with a struct type.  A named result has no line in DWARF
 * (ssa.bitsAdd64's `(r struct{ sum, carry int64 })`): the first line of
 * the function that declares it so.  Not found: the line goes too (no
 * position is better than half of one). */
static void locate_local(go_source *s, align_type *t, const char *label, size_t pkg_len,
                         const align_go_method *ms, size_t nms)
{
    align_srcpos pos = align_type_pos(t);
    char pkg[512], fn[512], var[256], dir[1024];
    const char *last = strrchr(label, '.');
    const align_go_method *m = NULL;
    bool placed = false;
    if (pkg_len > 0 && pkg_len < sizeof pkg && last != NULL && last > label + pkg_len && nms > 0) {
        snprintf(pkg, sizeof pkg, "%.*s", (int)pkg_len, label);
        snprintf(var, sizeof var, "%.*s", (int)strcspn(last + 1, LOCAL_MARK), last + 1);
        snprintf(fn, sizeof fn, "%.*s", (int)(last - label - (ptrdiff_t)pkg_len - 1),
                 label + pkg_len + 1);
        m = bsearch(pkg, ms, nms, sizeof *ms, cmp_key);
    }
    if (m != NULL && m->file[0] == '/' && strrchr(m->file, '/') != NULL) {
        char name[256], head[300];
        func_decl_name(fn, name, sizeof name);
        snprintf(head, sizeof head, ") %s", name);
        snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(m->file, '/') - m->file), m->file);
        load_dir(s, dir);
        for (size_t i = 0; i < s->nfiles && !placed && name[0] != '\0'; i++) {
            go_file *f = &s->files[i];
            bool had = f->text != NULL, in_func = false;
            if (!file_in_scope(f, dir, strlen(dir), NULL) ||
                (f->func_heads && !has_head(f, name)) || file_text(s, f) == NULL)
                continue;
            const char *end = f->text + f->len, *p = f->text;
            for (unsigned l = 1; p < end && !placed && (pos.line == 0 || l <= pos.line); l++) {
                const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
                size_t nn = strlen(name);
                /* `func Name(`, `func Name[`, `func (r *T) Name(` */
                if (e - p > 5 && memcmp(p, "func ", 5) == 0) {
                    const char *at =
                        p[5] == '(' ? memmem(p, (size_t)(e - p), head, strlen(head)) : p + 3;
                    in_func = at != NULL && at + 2 + nn < e && memcmp(at + 2, name, nn) == 0 &&
                              (at[2 + nn] == '(' || at[2 + nn] == '[');
                }
                if ((l == pos.line || pos.line == 0) && in_func && local_line(p, e, var)) {
                    pos.file = f->path;
                    pos.line = l;
                    placed = true;
                }
                p = nl ? nl + 1 : end;
            }
            if (!had)
                drop_text(f);
        }
    }
    if (!placed)
        pos.line = 0;
    align_type_set_pos(t, pos);
}

/* Path elements a and b share at their ends ("/w/lp/lp.go" and
 * "./example.com/m/lp/lp.go": 2). */
static size_t shared_tail(const char *a, const char *b)
{
    const char *x = a + strlen(a), *y = b + strlen(b);
    size_t n = 0;
    for (;;) {
        const char *xs = x, *ys = y;
        while (xs > a && xs[-1] != '/')
            xs--;
        while (ys > b && ys[-1] != '/')
            ys--;
        if (x - xs != y - ys || x == xs || memcmp(xs, ys, (size_t)(x - xs)) != 0)
            return n;
        n++;
        if (xs == a || ys == b)
            return n;
        x = xs - 1;
        y = ys - 1;
    }
}

/* Whether line `line` of file path declares variable var with a struct
 * type (local_line): 1 yes, 0 no, -1 the file cannot be read.  Only the
 * lines up to it are read (cmd/go: 25 of these, in files of up to 150 KB,
 * read whole were a third of their cost). */
static int file_declares(const char *path, unsigned line, const char *var)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = -1;
    if (f == NULL)
        return -1;
    for (unsigned l = 1; l <= line && (n = getline(&buf, &cap, f)) >= 0; l++)
        ;
    int yes = n >= 0 && local_line(buf, buf + n, var);
    free(buf);
    fclose(f);
    return yes;
}

/* A local variable's struct that DWARF placed: kept where the file says
 * the variable is declared with a struct type there, dropped where it
 * says otherwise (`for _, f := range table`: f's struct is table's
 * element, declared elsewhere).  A file not on this machine (a binary
 * built with -trimpath: "./example.com/m/lp/lp.go") is the --src file
 * that ends with its directory and name, when one does and declares the
 * variable there; else DWARF's path stays (it names the variable's line,
 * in the module). */
static void check_local(go_source *s, align_type *t, const char *label)
{
    align_srcpos pos = align_type_pos(t);
    const char *last = strrchr(label, '.');
    char var[256];
    if (pos.file == NULL || last == NULL)
        return;
    snprintf(var, sizeof var, "%.*s", (int)strcspn(last + 1, LOCAL_MARK), last + 1);
    int here = file_declares(pos.file, pos.line, var);
    if (here >= 0) {
        if (here == 0) {
            pos.file = NULL;
            pos.line = 0;
            align_type_set_pos(t, pos);
        }
        return;
    }
    go_file *best = NULL;
    size_t most = 1; /* the directory too, not the base name alone */
    bool tie = false;
    for (size_t i = 0; i < s->nfiles; i++) {
        size_t n = s->files[i].src ? shared_tail(s->files[i].path, pos.file) : 0;
        tie = n > most ? false : tie || (n == most && best != NULL);
        if (n > most) {
            most = n;
            best = &s->files[i];
        }
    }
    if (best != NULL && !tie && file_declares(best->path, pos.line, var) == 1) {
        pos.file = best->path;
        align_type_set_pos(t, pos);
    }
}

/* Places the Go type t (its name) at its declaration among the files of
 * directory dir, read first: its `type` line, or that of `type T U`.
 * True when placed. */
static bool place_in_dir(go_source *s, align_type *t, const char *name, const char *dir)
{
    align_srcpos pos = {0};
    const go_file *df;
    found fd;
    char under[256];
    load_dir(s, dir);
    if (find_type(s, name, dir, &fd)) {
        pos.file = fd.f->path;
        pos.line = fd.d->line;
    } else if (find_defined(s, name, dir, &df, &pos.line, under, sizeof under)) {
        pos.file = df->path; /* `type Term term`: at that line */
    } else {
        return false;
    }
    align_type_set_pos(t, pos);
    return true;
}

/* place_in_dir in the directory of each method file entry for key (a
 * type's or a package's), until one places t. */
/* Whether directory dir ends with "/" and the import path [pkg, pkg +
 * n) (as the symbol writes it: a '.' of its last element as %2e). */
static bool ends_with_path(const char *dir, const char *pkg, size_t n)
{
    char path[1024];
    size_t dl = strlen(dir), pl;
    if (!unescape_path(pkg, n, path, sizeof path))
        return false;
    pl = strlen(path);
    return dl > pl && dir[dl - pl - 1] == '/' && strcmp(dir + dl - pl, path) == 0;
}

static bool place_by_files(go_source *s, align_type *t, const char *name, const char *key,
                           const align_go_method *ms, size_t nms)
{
    const align_go_method *m = nms > 0 ? bsearch(key, ms, nms, sizeof *ms, cmp_key) : NULL;
    const char *pkg_end = NULL;
    if (m == NULL)
        return false;
    while (m > ms && strcmp(m[-1].type, key) == 0)
        m--;
    for (const char *p = name; *p != '\0' && *p != '['; p++)
        pkg_end = *p == '.' ? p : pkg_end;
    /* The directories that end with the whole import path first: a
     * function linknamed into the package from another directory of the
     * same last element (runtime/internal/syscall's syscall.RawSyscall6)
     * must not place a type that both declare (EpollEvent) there. */
    for (int pass = 0; pass < 2; pass++) {
        const char *tried = NULL;
        size_t tried_len = 0;
        for (const align_go_method *e = m; e < ms + nms && strcmp(e->type, key) == 0; e++) {
            const char *slash = strrchr(e->file, '/');
            char dir[1024];
            size_t n = slash ? (size_t)(slash - e->file) : 0;
            if (e->file[0] != '/' || slash == NULL || n >= sizeof dir ||
                (tried != NULL && n == tried_len && strncmp(tried, e->file, n) == 0))
                continue;
            tried = e->file;
            tried_len = n;
            snprintf(dir, sizeof dir, "%.*s", (int)n, e->file);
            bool own = pkg_end != NULL && ends_with_path(dir, name, (size_t)(pkg_end - name));
            if (own == (pass == 0) && place_in_dir(s, t, name, dir))
                return true;
        }
    }
    return false;
}

/* Whether path is a directory (stat), asked once per path. */
static bool is_dir(go_source *s, const char *path)
{
    size_t lo = 0, hi = s->nseen;
    struct stat st;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->seen[mid].path, path);
        if (c == 0)
            return s->seen[mid].is_dir;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    dir_seen d = {strdup(path), stat(path, &st) == 0 && S_ISDIR(st.st_mode)};
    if (d.path == NULL ||
        align_vec_reserve((void **)&s->seen, &s->seen_cap, s->nseen + 1, sizeof *s->seen, 64) < 0) {
        free(d.path); /* out of memory: answered, not kept */
        align_error_clear();
        return d.is_dir;
    }
    memmove(s->seen + lo + 1, s->seen + lo, (s->nseen - lo) * sizeof *s->seen);
    s->seen[lo] = d;
    s->nseen++;
    return d.is_dir;
}

/* place_in_dir in the directory of the type's package (name's, up to its
 * last '.' before any '[') under each root whose prefix it has, until one
 * places t. */
static bool place_by_roots(go_source *s, align_type *t, const char *name, const path_root *roots,
                           size_t nroots)
{
    char path[1024], dir[2048];
    const char *dot = NULL;
    for (const char *p = name; *p != '\0' && *p != '['; p++)
        dot = *p == '.' ? p : dot;
    if (dot == NULL || !unescape_path(name, (size_t)(dot - name), path, sizeof path))
        return false;
    /* no import path has a space or one of these (the compiler refuses
     * them): the "package" of a closure's struct, "noalg.struct { F
     * uintptr; R *ir.Name }", or of a map's bucket, "bucket<string,go/token"
     * (cmd/compile: 1,850 stat calls of no directory) */
    if (strpbrk(path, " !\"#$%&'()*,:;<=>?[\\]^`{|}") != NULL)
        return false;
    for (size_t i = 0; i < nroots; i++) {
        size_t n = strlen(roots[i].prefix);
        if (n > 0 && (strncmp(path, roots[i].prefix, n) != 0 || path[n] != '/'))
            continue;
        int w = snprintf(dir, sizeof dir, "%s/%s", roots[i].dir, path + n + (n > 0));
        if (w > 0 && (size_t)w < sizeof dir && is_dir(s, dir) && place_in_dir(s, t, name, dir))
            return true;
    }
    return false;
}

void go_source_locate(go_source *s, align_binary *bin)
{
    align_graph *g = align_binary_graph(bin, ALIGN_LANG_GO);
    align_go_method *ms = NULL;
    path_root *roots = NULL; /* made when first needed */
    size_t nms = 0, nroots = 0;
    bool roots_made = false;
    if (s == NULL || g == NULL)
        return;
    if (align_binary_go_method_files(bin, &ms, &nms) < 0)
        align_error_clear();
    set_target(s, bin, ms, nms);
    /* the packages whose files locate_local will search for a function */
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_type *t = align_graph_decl(g, i);
        size_t pkg_len = 0;
        const char *label = align_type_label(t, NULL), *last = NULL;
        if (label == NULL || !align_type_label_local(t, &pkg_len, NULL) ||
            align_type_pos(t).file != NULL)
            continue;
        for (size_t k = 0; k < pkg_len; k++)
            if (label[k] == '/')
                last = label + k + 1;
        last = last != NULL ? last : label;
        size_t n = (size_t)(label + pkg_len - last), k = 0;
        while (k < s->nfunc_pkgs &&
               (strncmp(s->func_pkgs[k], last, n) != 0 || s->func_pkgs[k][n] != '\0'))
            k++;
        if (k < s->nfunc_pkgs)
            continue; /* already there */
        const char *name = keep(s, last, n);
        if (name != NULL && align_vec_push((void **)&s->func_pkgs, &s->nfunc_pkgs,
                                           &s->func_pkgs_cap, sizeof name, 8, &name) < 0)
            align_error_clear();
    }
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_type *t = align_graph_decl(g, i);
        const char *name = align_type_name(t);
        align_srcpos pos = align_type_pos(t);
        found fd;
        char key[1024];
        if (name == NULL || pos.line > 0 || align_type_label(t, NULL) != NULL)
            continue;
        if (find_type(s, name, NULL, &fd)) {
            pos.file = fd.f->path;
            pos.line = fd.d->line;
            pos.col = 0;
            align_type_set_pos(t, pos);
            continue;
        }
        /* the directory of its methods', else its package's, files (each
         * one: a function linknamed into the package is written in
         * another, as runtime/internal/syscall's syscall.RawSyscall6),
         * else where the other packages' say its import path lives */
        snprintf(key, sizeof key, "%.*s", (int)strcspn(name, "["), name);
        if (place_by_files(s, t, name, key, ms, nms))
            continue;
        if (strrchr(key, '.') != NULL) {
            *strrchr(key, '.') = '\0';
            if (place_by_files(s, t, name, key, ms, nms))
                continue;
        }
        if (!roots_made)
            roots = path_roots(ms, nms, &nroots);
        roots_made = true;
        place_by_roots(s, t, name, roots, nroots);
    }
    /* then the package variables' anonymous structs, then the anonymous
     * structs in their holders' declarations (a variable's too) */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < align_graph_ndecls(g); i++) {
            align_type *t = align_graph_decl(g, i);
            const align_type *of = NULL;
            const char *label = align_type_label(t, &of);
            size_t pkg_len = 0;
            if (label != NULL && pass == 0 && align_type_label_local(t, &pkg_len, NULL)) {
                /* a function's local variable's: placed by DWARF, unless
                 * its function has no file there */
                if (align_type_pos(t).file == NULL)
                    locate_local(s, t, label, pkg_len, ms, nms);
                else
                    check_local(s, t, label);
                continue;
            }
            if (label == NULL || align_type_pos(t).line != 0 || (of == NULL) != (pass == 0))
                continue;
            if (of != NULL)
                locate_anonymous(s, t, label);
            else
                locate_var(s, t, label, ms, nms);
        }
    path_roots_free(roots, nroots);
    align_go_methods_free(ms, nms);
}

/* The line of the `struct` keyword of the anonymous struct type whose
 * composite literal's '{' (or '&' before `&struct {...}{...}`) is at
 * line:col (bytes, from 1) of text, or 0
 * when the text there is not that: the nearest `struct {` before it whose
 * body's closing '}' the literal's '{' follows (match() steps over
 * strings, runes and comments, so a brace in a tag does not count). */
static unsigned literal_struct_line(const char *text, size_t len, unsigned line, unsigned col)
{
    const char *end = text + len, *p = text, *brace, *q;
    for (unsigned l = 1; l < line && p < end; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (p == NULL)
            return 0;
        p++;
    }
    if (col == 0 || (size_t)(end - p) < col)
        return 0;
    if (p[col - 1] == '&') {
        /* `&struct {...}{...}`: reported at the '&', the keyword next */
        const char *kw = skip_spaces(p + col, end), *open, *close;
        open = (size_t)(end - kw) > 6 && !ident_char(kw[6]) ? struct_brace(kw, end) : NULL;
        close = open != NULL ? match(open, end) : NULL;
        if (close == NULL || skip_spaces(close + 1, end) >= end ||
            *skip_spaces(close + 1, end) != '{')
            return 0;
        return line;
    }
    if (p[col - 1] != '{')
        return 0;
    brace = p + col - 1;
    /* the candidates, nearest first: at most 64 KB back */
    for (q = brace; q - text >= 6 && brace - q < 65536; q--) {
        const char *kw = q - 6, *open, *close;
        if (memcmp(kw, "struct", 6) != 0 || (kw > text && ident_char(kw[-1])))
            continue;
        open = struct_brace(kw, brace);
        close = open != NULL ? match(open, brace) : NULL;
        if (close == NULL || skip_spaces(close + 1, brace) != brace)
            continue;
        unsigned at = 1;
        for (const char *c = text; c < kw; c++)
            at += *c == '\n';
        return at;
    }
    return 0;
}

void go_source_place_literals(const align_heap_join *j)
{
    char *text = NULL;
    size_t len = 0;
    const char *cur = NULL;
    align_buf msgs; /* a file that cannot be read places nothing */
    align_buf_init(&msgs);
    for (size_t i = 0; j != NULL && i < align_heap_join_nsites(j); i++) {
        align_heap_site st;
        align_heap_join_site(j, i, &st);
        align_type *t = (align_type *)st.type; /* the binary's graph's */
        const char *name = t != NULL ? align_type_name(t) : NULL;
        if (t == NULL || st.per_element || st.inlined != NULL || st.path == NULL ||
            st.path[0] != '/' || st.expr == NULL ||
            strncmp(st.expr + (st.expr[0] == '&'), "struct {", 8) != 0 || name == NULL ||
            strncmp(name, "struct {", 8) != 0 || align_type_pos(t).line != 0 ||
            align_type_label(t, NULL) != NULL)
            continue;
        if (cur == NULL || strcmp(cur, st.path) != 0) {
            free(text);
            text = NULL;
            cur = st.path;
            if (!read_input_to(st.path, &text, &len, &msgs))
                text = NULL;
        }
        unsigned line = text != NULL ? literal_struct_line(text, len, st.line, st.col) : 0;
        if (line > 0)
            align_type_set_pos(t, (align_srcpos){st.path, line, 0});
    }
    free(text);
    align_buf_free(&msgs);
}
