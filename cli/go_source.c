/*
 * go_source.c - what a Go type's source file says that DWARF does not, for
 * show --optimize --src: the fields as written (tags, import aliases,
 * type parameters in field types), the file's imports, the type
 * parameters of a generic type, and where the type is declared.  The
 * public go_source_* API (cli.h): the .go files read (walk, read_go), the
 * lookups (find_type, find_line) and the placing of every Go type
 * (go_source_locate).  Beside it: go_target.c (which files `go build`
 * compiles for the binary's target), go_index.c (each file's declaration
 * index), go_literals.c (go_source_unkeyed); go_source_int.h is what they
 * share.
 *
 * Who calls it: show (cli/audit.c), once per Go type shown, with --src.
 * The .go files below --src (not _test.go, testdata or vendor) are read
 * once; each lookup scans the files of the type's package name for its
 * `type Name` declaration.
 *
 * Who else: go_source_locate (audit, show, bgload.c's thread), which places
 * every Go type at its declaration: the directories of the types' packages
 * are read (cmd/compile: 1,027 files, 17 MB; not the 464 that go build
 * leaves out for the binary's target by their names, which no lookup
 * takes: go_file.unread), each file indexed as it is read (index_decls:
 * its struct declarations, local `type X` and the names find_line may
 * look for) and, outside --src, its text let go.  That work is on the
 * critical path of a -json escape join (the binary's thread, beside the
 * join), so: one openat, fstat and read per file into a buffer they share
 * (read_go); and the index visits only the identifiers it can record
 * (go_index.c).  (cmd/compile: 68 ms of the thread's CPU before, 26.5 ms
 * after; bench/HISTORY.md.)
 *
 * Rejected: the library's Go parser (align_decl_parse_go), which lays the
 * types out and so refuses a file naming a type of a package it was not
 * given; here nothing is sized, only text is carried.  A source whose
 * fields are not the binary's (names, count, order) is not used: the
 * binary is the truth, an edited file is not.
 */
#define _GNU_SOURCE /* asprintf */
#include "go_source_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 100000

static void let_go(go_source *s, go_file *f);

#define LOCAL_MARK "\xc2\xb7" /* U+00B7 in "pkg.name·N", a type local to a function */

/* f's text, read again when indexing dropped it (a file outside --src):
 * show needs it for the few types it prints, and keeps it.  NULL when the
 * file cannot be read. */
static bool read_go(go_source *s, int dfd, const char *name, const char *path, bool src,
                    char **text, size_t *len);

const char *file_text(const go_source *s, const go_file *f)
{
    go_file *w = (go_file *)f;
    if (w->text == NULL &&
        !read_go((go_source *)s, AT_FDCWD, w->path, w->path, true, &w->text, &w->len)) {
        w->text = NULL;
        w->len = 0;
    }
    return w->text;
}

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

/* The file name of directory dfd (path: dir/name) into *text and *len, as
 * read_input_to does: into a buffer of its own for a --src file (src),
 * else into s->scratch, which the next file's read reuses.  One openat,
 * fstat, read and close: read_input_to's stream, its fcntl calls and a
 * malloc and free per file were a quarter of the placing's time on
 * cmd/compile (1,464 files).  Anything unusual (an error, a file that is
 * not regular, one that grows while read) is left to read_input_to, which
 * says why. */
static bool read_go(go_source *s, int dfd, const char *name, const char *path, bool src,
                    char **text, size_t *len)
{
    int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    size_t n = 0, cap;
    char *buf = NULL;
    if (fd < 0)
        return read_input_to(path, text, len, s->msgs);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (uint64_t)st.st_size > ((uint64_t)64 << 20))
        goto slow;
    cap = (size_t)st.st_size + 1; /* a byte more: filled, the file has grown */
    if (src)
        buf = malloc(cap + 1);
    else if (align_vec_reserve((void **)&s->scratch, &s->scratch_cap, cap + 1, 1, 65536) == 0)
        buf = s->scratch;
    if (buf == NULL)
        goto slow;
    for (;;) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            goto slow;
        n += (size_t)got;
        if (n == cap) /* grown past its size */
            goto slow;
        /* the end: read gave nothing, or stopped short at the size fstat
         * gave (a regular file's read stops short only at its end; that
         * spares a second read per file) */
        if (got == 0 || n == (size_t)st.st_size) {
            close(fd);
            buf[n] = '\0';
            *text = buf;
            *len = n;
            return true;
        }
    }
slow:
    close(fd);
    if (src)
        free(buf);
    return read_input_to(path, text, len, s->msgs);
}

/* f (its path, dir_len and src set, the rest zero) read (name in
 * directory dfd) and indexed; outside --src its text let go.  False when
 * it cannot be read, or out of memory. */
static bool read_file(go_source *s, go_file *f, int dfd, const char *name)
{
    if (!read_go(s, dfd, name, f->path, f->src, &f->text, &f->len))
        return false;
    package_clause(f);
    f->build = build_line(f);
    f->for_target = -1;
    f->func_heads = false;
    for (size_t k = 0; k < s->nfunc_pkgs && !f->func_heads; k++)
        f->func_heads = strcmp(f->pkg, s->func_pkgs[k]) == 0;
    bool ok = index_decls(f, false);
    if (!f->src) /* its names are kept, not its text */
        let_go(s, f);
    return ok;
}

/* An unread file (go_file.unread) read after all; false when it cannot
 * be. */
bool read_unread(go_source *s, go_file *f)
{
    f->unread = false;
    return read_file(s, f, AT_FDCWD, f->path);
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
        bool go = n > 3 && strcmp(e->d_name + n - 3, ".go") == 0 &&
                  !(n > 8 && strcmp(e->d_name + n - 8, "_test.go") == 0);
        /* (no path made for an entry that readdir says is not looked at) */
        if (e->d_name[0] == '.' || (e->d_type == DT_REG && !go) ||
            (e->d_type == DT_DIR && depth >= 32) || asprintf(&p, "%s/%s", dir, e->d_name) < 0)
            continue;
        /* The entry's type from readdir when the file system gives it:
         * cmd/compile's audit reads some 150 package directories, and a
         * stat per entry was a tenth of the time spent placing types. */
        if (e->d_type == DT_DIR)
            st.st_mode = S_IFDIR;
        else if (e->d_type == DT_REG)
            st.st_mode = S_IFREG;
        else if (stat(p, &st) != 0)
            st.st_mode = 0;
        if (S_ISDIR(st.st_mode)) {
            if (depth < 32 && strcmp(e->d_name, "testdata") != 0 &&
                strcmp(e->d_name, "vendor") != 0)
                walk(s, p, depth + 1);
        } else if (S_ISREG(st.st_mode) && go &&
                   align_vec_reserve((void **)&s->files, &s->cap, s->nfiles + 1, sizeof *s->files,
                                     64) == 0) {
            go_file *f = &s->files[s->nfiles];
            memset(f, 0, sizeof *f);
            f->path = p;
            f->dir_len = (size_t)(strrchr(p, '/') - p);
            f->src = depth < 32;
            p = NULL;
            /* a package directory's file that go build leaves out by its
             * name: not read until asked (its text never is) */
            f->unread = depth == 32 && s->goos[0] != '\0' && !name_for_target(s, f->path);
            f->for_target = 0; /* file_for_target's answer for an unread file */
            if (f->unread || read_file(s, f, dirfd(d), e->d_name))
                s->nsrc += s->files[s->nfiles++].src;
            else
                free_file(f);
        }
        free(p);
    }
    closedir(d);
}

static go_source *source_new(const char *src_dir, bool deferred)
{
    go_source *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    align_buf_init(&s->deferred);
    s->msgs = deferred ? &s->deferred : NULL;
    if (src_dir != NULL)
        walk(s, src_dir, 0);
    return s;
}

go_source *go_source_new(const char *src_dir)
{
    return source_new(src_dir, false);
}

go_source *go_source_new_deferred(const char *src_dir)
{
    return source_new(src_dir, true);
}

void go_source_flush(go_source *s)
{
    if (s == NULL || s->msgs == NULL)
        return;
    if (s->deferred.len > 0)
        fwrite(s->deferred.data, 1, s->deferred.len, stderr);
    align_buf_free(&s->deferred);
    s->msgs = NULL;
}

void go_source_free(go_source *s)
{
    if (s == NULL)
        return;
    align_buf_free(&s->deferred);
    for (size_t i = 0; i < s->nfiles; i++)
        free_file(&s->files[i]);
    for (size_t i = 0; i < s->nstrings; i++)
        free(s->strings[i]);
    free(s->files);
    free(s->dirs);
    free(s->func_pkgs);
    free(s->scratch);
    for (size_t i = 0; i < s->nseen; i++)
        free(s->seen[i].path);
    free(s->seen);
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
        q = skip_spaces(q, end);
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
                q = skip_spaces(q, stop);
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

/* Frees a file's text once it has served (its declarations keep names and
 * lines, not the text, unless it is under --src). */
static void drop_text(go_file *f)
{
    free(f->text);
    f->text = NULL;
    f->len = 0;
}

/* Lets go of f's text (s->scratch's, or its own). */
static void let_go(go_source *s, go_file *f)
{
    if (f->text == s->scratch) {
        f->text = NULL;
        f->len = 0;
    }
    drop_text(f);
}

/* Whether f is one of the files searched: those of directory dir (not its
 * subdirectories), or with dir NULL the --src files of package pkg. */
static bool file_in_scope(const go_file *f, const char *dir, size_t dlen, const char *pkg)
{
    if (dir != NULL)
        return f->dir_len == dlen && memcmp(f->path, dir, dlen) == 0;
    return f->src && strcmp(f->pkg, pkg) == 0;
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
    type = skip_spaces(type, e);
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
        c = skip_spaces(c, e);
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

/* A type's name split ("example.com/pd/store.Pair[int,string]"): the
 * package-local name and the package name (the path's last element).  A
 * type declared in a function is "pkg.name·N" (the compiler numbers the
 * package's local type declarations 1, 2, ... in file order): *nth gets N
 * (else 0) and local the name alone. */
bool split(const char *name, char *local, size_t lcap, char *pkg, size_t pcap, unsigned *nth)
{
    const char *br = strchr(name, '['), *dot = NULL, *slash = NULL, *end;
    for (const char *p = name; *p && p != br; p++)
        if (*p == '.')
            dot = p;
    if (dot == NULL)
        return false;
    for (const char *p = name; p < dot; p++)
        if (*p == '/')
            slash = p;
    end = br ? br : name + strlen(name);
    *nth = 0;
    const char *mid = strstr(dot, LOCAL_MARK);
    if (mid != NULL && mid < end && mid[strlen(LOCAL_MARK)] != '\0' &&
        strspn(mid + strlen(LOCAL_MARK), "0123456789") ==
            (size_t)(end - mid - strlen(LOCAL_MARK))) {
        *nth = (unsigned)strtoul(mid + strlen(LOCAL_MARK), NULL, 10);
        end = mid;
    }
    snprintf(local, lcap, "%.*s", (int)(end - dot - 1), dot + 1);
    const char *ps = slash ? slash + 1 : name;
    snprintf(pkg, pcap, "%.*s", (int)(dot - ps), ps);
    return true;
}

typedef struct found {
    const go_file *f;
    const go_decl *d; /* NULL: no struct */
} found;

/* The declarations `type X` inside function bodies of f (brace depth
 * above 0), counted in *k over the files of a package: when the nth-th is
 * met, 1 if it declares the struct `local` (*out filled), -1 if it
 * declares another; 0 when f ends first.  nth 0: *k counts f's local
 * declarations of `local` and *out gets the first (0 returned). */
static int local_decl(const go_file *f, unsigned *k, unsigned nth, const char *local, found *out)
{
    size_t llen = strlen(local);
    for (size_t i = 0; i < f->nlocals; i++) {
        const go_decl *e = &f->locals[i];
        bool same = e->nlen == llen && memcmp(e->name, local, llen) == 0;
        if (nth == 0 && same && (*k)++ == 0) {
            out->f = f; /* the first; *k counts them all */
            out->d = e->brace != NO_BRACE ? e : NULL;
        } else if (nth > 0 && ++*k == nth) {
            out->f = f;
            out->d = same && e->brace != NO_BRACE ? e : NULL;
            return out->d ? 1 : -1;
        }
    }
    return 0;
}

/* Orders files by directory, then name: the compiler's file order. */
static int cmp_file(const void *a, const void *b)
{
    const char *x = (*(const go_file *const *)a)->path, *y = (*(const go_file *const *)b)->path;
    size_t dx = (size_t)(strrchr(x, '/') - x), dy = (size_t)(strrchr(y, '/') - y);
    int c = strncmp(x, y, dx < dy ? dx : dy);
    if (c != 0 || dx != dy)
        return c != 0 ? c : dx < dy ? -1 : 1;
    return strcmp(x + dx, y + dy);
}

static bool same_dir(const go_file *a, const go_file *b)
{
    size_t da = (size_t)(strrchr(a->path, '/') - a->path);
    return da == (size_t)(strrchr(b->path, '/') - b->path) && strncmp(a->path, b->path, da) == 0;
}

/* The declaration of the Go type `name` among the files (only those in
 * directory dir, when not NULL): the one whose directory ends with most of
 * the import path.  False when none declares it. */
static bool find_type(const go_source *s, const char *name, const char *dir, found *out)
{
    char local[256], pkg[128];
    size_t best_score = 0, dlen = dir ? strlen(dir) : 0, nc = 0;
    const char *dot = NULL;
    unsigned nth, k = 0;
    const go_file **cands;
    if (!split(name, local, sizeof local, pkg, sizeof pkg, &nth))
        return false;
    for (const char *p = name; *p && *p != '['; p++)
        if (*p == '.')
            dot = p;
    out->f = NULL;
    if (dir == NULL && s->nsrc == 0)
        return false; /* no file under --src */
    cands = malloc((s->nfiles ? s->nfiles : 1) * sizeof *cands);
    if (cands == NULL)
        return false;
    for (size_t i = 0; i < s->nfiles; i++) {
        const go_file *f = &s->files[i];
        if (dir != NULL && !(f->dir_len == dlen && memcmp(f->path, dir, dlen) == 0))
            continue;
        if (dir == NULL && (!f->src || (strcmp(f->pkg, pkg) != 0 &&
                                        !(pkg[0] == 'v' && isdigit((unsigned char)pkg[1])))))
            continue;
        if (!file_for_target(s, f))
            continue;
        cands[nc++] = f;
    }
    if (nth > 0)
        qsort(cands, nc, sizeof *cands, cmp_file);
    for (size_t i = 0; i < nc; i++) {
        const go_file *f = cands[i];
        found c = {0};
        size_t score = 1;
        if (nth > 0) {
            /* numbered per directory (package), in file order */
            if (i == 0 || !same_dir(cands[i - 1], f))
                k = 0;
            int r = local_decl(f, &k, nth, local, &c);
            /* the nth is another type (the numbering did not hold: a
             * file left out by build constraints): the directory's only
             * local declaration of this name, if it has one */
            if (r < 0) {
                unsigned seen = 0;
                for (size_t j = 0; j < nc; j++) {
                    found d = {0};
                    unsigned here = 0;
                    if (!same_dir(cands[j], f))
                        continue;
                    local_decl(cands[j], &here, 0, local, &d);
                    if (here > 0 && seen == 0)
                        c = d;
                    seen += here;
                }
                r = seen == 1 && c.d != NULL ? 1 : -1;
            }
            if (r != 1)
                continue;
            f = c.f;
        } else {
            c.f = f;
            c.d = find_decl(f, local);
            if (c.d == NULL)
                continue;
        }
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
        if (out->f == NULL || score > best_score) {
            *out = c;
            best_score = score;
        }
    }
    free(cands);
    return out->f != NULL;
}

bool go_source_decl(go_source *s, align_layout *l, align_go_decl_opts *opts, const char **file,
                    unsigned *line)
{
    found fd;
    memset(opts, 0, sizeof *opts);
    align_srcpos pos;
    char dir[1024];
    if (s == NULL || l->lang != ALIGN_LANG_GO || align_type_label(l->type, NULL) != NULL)
        return false;
    /* under --src, else where the type was placed (go_source_locate): a
     * file on disk says as much as one under --src */
    pos = align_type_pos(l->type);
    if (!find_type(s, l->name, NULL, &fd)) {
        if (pos.file == NULL || strrchr(pos.file, '/') == NULL)
            return false;
        snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(pos.file, '/') - pos.file), pos.file);
        if (!find_type(s, l->name, dir, &fd))
            return false;
    }
    const go_file *best = fd.f;
    if (file_text(s, best) == NULL)
        return false;
    const char *brace = best->text + fd.d->brace;
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
    *line = fd.d->line;
    if (!same)
        return false;
    read_imports(s, best);
    opts->imports = s->imports;
    opts->nimports = s->nimports;
    opts->type_params = fd.d->tplen ? keep(s, best->text + fd.d->tp, fd.d->tplen) : NULL;
    return true;
}

/* Reads the .go files of directory dir (once) into s. */
void load_dir(go_source *s, const char *dir)
{
    for (size_t i = 0; i < s->ndirs; i++)
        if (strcmp(s->dirs[i], dir) == 0)
            return;
    if (align_vec_reserve((void **)&s->dirs, &s->dcap, s->ndirs + 1, sizeof *s->dirs, 16) < 0)
        return;
    s->dirs[s->ndirs] = (char *)keep(s, dir, strlen(dir));
    if (s->dirs[s->ndirs] == NULL)
        return;
    s->ndirs++;
    walk(s, dir, 32); /* depth 32: this directory only */
}

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

/* A test of one line [p, e) of a file ending at end; first: the file's
 * first line. */
typedef bool (*line_test)(const char *p, const char *e, const char *end, bool first, void *ctx);

/* The first line that test accepts, in the files of directory dir (not its
 * subdirectories; NULL: the --src files of package pkg) that have key
 * among their heads (the name the test looks for): its file and line.
 * A file's text read for the search is dropped after it. */
static bool find_line(go_source *s, const char *dir, const char *pkg, const char *key,
                      line_test test, void *ctx, const go_file **file, unsigned *line)
{
    size_t dlen = dir ? strlen(dir) : 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        go_file *f = &s->files[i];
        bool found_it = false, had = f->text != NULL;
        if (!file_in_scope(f, dir, dlen, pkg) || !file_for_target(s, f) || !has_head(f, key) ||
            file_text(s, f) == NULL)
            continue;
        const char *end = f->text + f->len;
        unsigned l = 1;
        for (const char *p = f->text; p < end && !found_it; l++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
            if (test(p, e, end, p == f->text, ctx)) {
                *file = f;
                *line = l;
                found_it = true;
            }
            p = nl ? nl + 1 : end;
        }
        if (!had)
            drop_text(f);
        if (found_it)
            return true;
    }
    return false;
}

typedef struct defined_test {
    const char *local;
    size_t llen;
    char *under;
    size_t ucap;
} defined_test;

/* `type Name Other` (Other a named type, not a struct): fills Other. */
static bool is_defined_line(const char *p, const char *e, const char *end, bool first, void *ctx)
{
    defined_test *d = ctx;
    size_t llen = d->llen;
    (void)end;
    (void)first;
    if (!((size_t)(e - p) > 6 + llen && memcmp(p, "type ", 5) == 0 &&
          memcmp(p + 5, d->local, llen) == 0 && (p[5 + llen] == ' ' || p[5 + llen] == '\t')))
        return false;
    const char *o = p + 5 + llen, *oe;
    while (o < e && (*o == ' ' || *o == '\t'))
        o++;
    for (oe = o; oe < e && (ident_char(*oe) || *oe == '.');)
        oe++;
    const char *rest = oe;
    while (rest < e && (*rest == ' ' || *rest == '\t'))
        rest++;
    if (!(oe > o && (rest == e || (rest + 1 < e && rest[0] == '/' && rest[1] == '/')) &&
          !(oe - o == 6 && memcmp(o, "struct", 6) == 0)))
        return false;
    snprintf(d->under, d->ucap, "%.*s", (int)(oe - o), o);
    return true;
}

/* `type Name Other` at the start of a line of a file in directory dir
 * (NULL: the --src files of the package): Name is defined from the named
 * type Other (`type Term term` in go/types), whose declaration holds the
 * fields.  Fills the file, the line and Other. */
static bool find_defined(go_source *s, const char *name, const char *dir, const go_file **file,
                         unsigned *line, char *under, size_t ucap)
{
    char local[256], pkg[128];
    unsigned nth;
    if (!split(name, local, sizeof local, pkg, sizeof pkg, &nth) || nth > 0 || strchr(name, '['))
        return false;
    defined_test d = {local, strlen(local), under, ucap};
    return find_line(s, dir, pkg, local, is_defined_line, &d, file, line);
}

bool go_source_defined(go_source *s, const align_layout *l, char *under, size_t ucap)
{
    align_srcpos pos = align_type_pos(l->type);
    const go_file *f;
    unsigned line;
    char dir[1024];
    if (s == NULL || l->lang != ALIGN_LANG_GO || pos.file == NULL || strrchr(pos.file, '/') == NULL)
        return false;
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(pos.file, '/') - pos.file), pos.file);
    return find_defined(s, l->name, dir, &f, &line, under, ucap) && line == pos.line &&
           strcmp(f->path, pos.file) == 0;
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
static void locate_var(go_source *s, align_type *t, const char *label, const align_go_method *ms,
                       size_t nms)
{
    const go_file *f;
    align_srcpos pos = {0};
    char key[1024];
    if (!find_var(s, label, align_type_display(t), NULL, &f, &pos.line)) {
        const align_go_method *m = NULL;
        snprintf(key, sizeof key, "%s", label);
        if (strrchr(key, '.') == NULL || nms == 0)
            return;
        *strrchr(key, '.') = '\0';
        m = bsearch(key, ms, nms, sizeof *ms, cmp_key);
        if (m == NULL || m->file[0] != '/' || strrchr(m->file, '/') == NULL)
            return;
        snprintf(key, sizeof key, "%.*s", (int)(strrchr(m->file, '/') - m->file), m->file);
        load_dir(s, key);
        if (!find_var(s, label, align_type_display(t), key, &f, &pos.line))
            return;
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
static bool place_by_files(go_source *s, align_type *t, const char *name, const char *key,
                           const align_go_method *ms, size_t nms)
{
    const align_go_method *m = nms > 0 ? bsearch(key, ms, nms, sizeof *ms, cmp_key) : NULL;
    const char *tried = NULL;
    size_t tried_len = 0;
    if (m == NULL)
        return false;
    while (m > ms && strcmp(m[-1].type, key) == 0)
        m--;
    for (; m < ms + nms && strcmp(m->type, key) == 0; m++) {
        const char *slash = strrchr(m->file, '/');
        char dir[1024];
        size_t n = slash ? (size_t)(slash - m->file) : 0;
        if (m->file[0] != '/' || slash == NULL || n >= sizeof dir ||
            (tried != NULL && n == tried_len && strncmp(tried, m->file, n) == 0))
            continue;
        tried = m->file;
        tried_len = n;
        snprintf(dir, sizeof dir, "%.*s", (int)n, m->file);
        if (place_in_dir(s, t, name, dir))
            return true;
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
