/*
 * go_source.c - what a Go type's source file says that DWARF does not, for
 * show --optimize --src: the fields as written (tags, import aliases,
 * type parameters in field types), the file's imports, the type
 * parameters of a generic type, and where the type is declared.  The
 * public go_source_* API (cli.h): the .go files read (walk, read_go), the
 * lookups (find_type, find_line).  Beside it: go_place.c (every Go type
 * placed at its declaration: go_source_locate), go_target.c (which files
 * `go build` compiles for the binary's target), go_index.c (each file's
 * declaration index), go_literals.c (go_source_unkeyed); go_source_int.h
 * is what they share.
 *
 * Who calls it: show (cli/audit.c), once per Go type shown, with --src.
 * The .go files below --src (not _test.go, testdata or vendor) are read
 * once; each lookup scans the files of the type's package name for its
 * `type Name` declaration.
 *
 * Who else: go_source_locate (go_place.c; audit, show, bgload.c's thread),
 * which places
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
const char *keep(go_source *s, const char *p, size_t n)
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
void drop_text(go_file *f)
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
bool file_in_scope(const go_file *f, const char *dir, size_t dlen, const char *pkg)
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
bool find_type(const go_source *s, const char *name, const char *dir, found *out)
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

/* The first line that test accepts, in the files of directory dir (not its
 * subdirectories; NULL: the --src files of package pkg) that have key
 * among their heads (the name the test looks for): its file and line.
 * A file's text read for the search is dropped after it. */
bool find_line(go_source *s, const char *dir, const char *pkg, const char *key, line_test test,
               void *ctx, const go_file **file, unsigned *line)
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
bool find_defined(go_source *s, const char *name, const char *dir, const go_file **file,
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
