/*
 * sources.c - the source files behind a binary's types, for audit: which
 * types a `structalign:ignore` comment silences, and the edit `fix` would
 * make to each (SARIF `fixes`).
 *
 * Who calls it: audit (cli/audit.c, cli/rows.c, cli/sarif.c).  Go's DWARF
 * gives no position for types, so Go sources are found under --src: every
 * .go file below it is read once, through the same rewrite engine as
 * `structalign fix` (align_fix_*), and its struct types are matched to the
 * binary's by "package.Name" (the import path's last element and the
 * package clause).  C types carry their file and line in DWARF: each file
 * is read when a type needs it (relative names start at --src, else the
 * current directory), and run through its own fix set, so that a header
 * this parser cannot read only loses its own fixes (its markers are still
 * found by reading the lines above the declaration).
 *
 * A fix is offered only when the source agrees with the binary: the size
 * the rewrite engine computes from the source, before and after, must be
 * the binary's size and optimal size.
 */
#define _GNU_SOURCE /* asprintf */
#include "cli.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct c_file {
    char *path; /* as found on disk */
    align_fix_set *set;
    char *text; /* its text (markers are read from it) */
    size_t len;
    bool tried; /* set made (or failed) */
} c_file;

struct source_index {
    align_arch arch;
    const char *src_dir;
    align_fix_set *go;
    c_file *c;
    size_t nc, cap;
};

static void walk_go(align_fix_set *set, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char *p;
        struct stat st;
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || asprintf(&p, "%s/%s", dir, e->d_name) < 0)
            continue;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth < 32 &&
            strcmp(e->d_name, "testdata") != 0 && strcmp(e->d_name, "vendor") != 0) {
            walk_go(set, p, depth + 1);
        } else if (S_ISREG(st.st_mode) && n > 3 && strcmp(e->d_name + n - 3, ".go") == 0) {
            char *text;
            size_t len;
            if (read_input(p, &text, &len)) {
                align_fix_add(set, p, text, len);
                free(text);
            }
        }
        free(p);
    }
    closedir(d);
}

source_index *source_index_new(const char *src_dir, align_arch arch)
{
    source_index *ix = calloc(1, sizeof *ix);
    align_fix_opts fo;
    if (ix == NULL)
        return NULL;
    ix->arch = arch;
    ix->src_dir = src_dir;
    if (src_dir == NULL)
        return ix;
    memset(&fo, 0, sizeof fo);
    fo.arch = arch;
    fo.check_atomic = 1;
    if (align_fix_new(&ix->go, ALIGN_LANG_GO, &fo) < 0)
        return ix;
    walk_go(ix->go, src_dir, 0);
    if (align_fix_nfiles(ix->go) > 0 && align_fix_run(ix->go) < 0) {
        const align_error *e = align_error_last();
        fprintf(stderr, "%s: warning: %s:%u:%u: %s: Go sources not used for markers and fixes\n",
                progname, e->file, e->line, e->col, e->message);
        align_fix_free(ix->go);
        ix->go = NULL;
    }
    return ix;
}

void source_index_free(source_index *ix)
{
    if (ix == NULL)
        return;
    align_fix_free(ix->go);
    for (size_t i = 0; i < ix->nc; i++) {
        free(ix->c[i].path);
        free(ix->c[i].text);
        align_fix_free(ix->c[i].set);
    }
    free(ix->c);
    free(ix);
}

/* "example.com/x/orders.Order" -> "orders.Order". */
static const char *short_name(const char *name)
{
    const char *dot = strchr(name, '.'), *sl = NULL;
    for (const char *p = name; *p && (dot == NULL || p < dot); p++)
        if (*p == '/')
            sl = p;
    return sl != NULL ? sl + 1 : name;
}

static void package_of(const char *text, size_t len, char *out, size_t cap)
{
    const char *p = text, *end = text + len;
    out[0] = '\0';
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 8 && memcmp(p, "package ", 8) == 0) {
            size_t k = 8;
            while (k < n && (p[k] == '_' || (p[k] >= '0' && p[k] <= '9') ||
                             (p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z')))
                k++;
            snprintf(out, cap, "%.*s", (int)(k - 8), p + 8);
            return;
        }
        p = nl ? nl + 1 : end;
    }
}

/* The Go type of the index named like the binary's name, and its set. */
static const align_fix_type *find_go(const source_index *ix, const char *name,
                                     const align_fix_set **set)
{
    const char *want = short_name(name);
    if (ix->go == NULL)
        return NULL;
    for (size_t i = 0; i < align_fix_ntypes(ix->go); i++) {
        const align_fix_type *t = align_fix_type_at(ix->go, i);
        char pkg[128], key[512];
        size_t len;
        const char *text = NULL;
        for (size_t k = 0; k < align_fix_nfiles(ix->go); k++)
            if (strcmp(align_fix_file_path(ix->go, k), t->file) == 0)
                text = align_fix_file_text(ix->go, k, &len);
        if (text == NULL)
            continue;
        package_of(text, len, pkg, sizeof pkg);
        snprintf(key, sizeof key, "%s.%s", pkg, t->name);
        if (strcmp(key, want) == 0) {
            *set = ix->go;
            return t;
        }
    }
    return NULL;
}

/* The C file of a DWARF position, read once; with_set: also run through
 * its own fix set (once). */
static c_file *c_file_of(source_index *ix, const char *file, bool with_set)
{
    char *path;
    struct stat st;
    align_fix_opts fo;
    c_file *cf = NULL;
    if (file == NULL || file[0] == '\0')
        return NULL;
    if (file[0] != '/' && ix->src_dir != NULL) {
        if (asprintf(&path, "%s/%s", ix->src_dir, file) < 0)
            return NULL;
    } else {
        path = strdup(file);
        if (path == NULL)
            return NULL;
    }
    for (size_t i = 0; i < ix->nc && cf == NULL; i++)
        if (strcmp(ix->c[i].path, path) == 0)
            cf = &ix->c[i];
    if (cf != NULL) {
        free(path);
    } else {
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            return NULL;
        }
        if (align_vec_reserve((void **)&ix->c, &ix->cap, ix->nc + 1, sizeof *ix->c, 16) < 0) {
            free(path);
            return NULL;
        }
        cf = &ix->c[ix->nc++];
        memset(cf, 0, sizeof *cf);
        cf->path = path;
        if (!read_input(path, &cf->text, &cf->len))
            cf->text = NULL;
    }
    if (!with_set || cf->set != NULL || cf->tried || cf->text == NULL)
        return cf;
    cf->tried = true;
    memset(&fo, 0, sizeof fo);
    fo.arch = ix->arch;
    if (align_fix_new(&cf->set, ALIGN_LANG_C, &fo) < 0 ||
        align_fix_add(cf->set, cf->path, cf->text, cf->len) < 0 || align_fix_run(cf->set) < 0) {
        align_error_clear();
        align_fix_free(cf->set);
        cf->set = NULL;
    }
    return cf;
}

static const align_fix_type *find_c(source_index *ix, const char *name, align_srcpos pos,
                                    const align_fix_set **set, c_file **cfo)
{
    c_file *cf = c_file_of(ix, pos.file, true);
    *cfo = cf;
    if (cf == NULL || cf->set == NULL)
        return NULL;
    for (size_t i = 0; i < align_fix_ntypes(cf->set); i++) {
        const align_fix_type *t = align_fix_type_at(cf->set, i);
        const char *n = t->name;
        /* DWARF names the tag ("packet"), the source "struct packet". */
        if (strncmp(n, "struct ", 7) == 0)
            n += 7;
        if (strcmp(n, name) == 0 || strcmp(t->name, name) == 0) {
            *set = cf->set;
            return t;
        }
    }
    return NULL;
}

/* The marker in the comment lines directly above line (1-based) of text,
 * or on it before the declaration: its line, or 0. */
static unsigned marker_above(const char *text, size_t len, unsigned line)
{
    const char *p = text, *end = text + len, *starts[3] = {NULL, NULL, NULL};
    unsigned l = 1;
    /* Up to the declaration's line, keeping the starts of the lines above. */
    while (p < end && l < line) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        starts[0] = starts[1];
        starts[1] = starts[2];
        starts[2] = p;
        if (nl == NULL)
            return 0;
        p = nl + 1;
        l++;
    }
    for (int k = 2; k >= 0 && starts[k] != NULL; k--) {
        const char *s = starts[k], *e = memchr(s, '\n', (size_t)(end - s));
        const char *q = s;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        if (!(e - q >= 2 && q[0] == '/' && (q[1] == '/' || q[1] == '*')) && !(q < e && *q == '*'))
            return 0;
        if (memmem(s, (size_t)(e - s), "structalign:ignore", 18) != NULL)
            return line - (unsigned)(3 - k);
    }
    return 0;
}

unsigned source_marker(source_index *ix, align_lang lang, const char *name, align_srcpos pos)
{
    const align_fix_set *set;
    const align_fix_type *t;
    c_file *cf;
    if (ix == NULL)
        return 0;
    if (lang == ALIGN_LANG_GO) {
        t = find_go(ix, name, &set);
        return t != NULL ? t->marker_line : 0;
    }
    /* C: the lines above the declaration, read without parsing the file. */
    cf = pos.line > 0 ? c_file_of(ix, pos.file, false) : NULL;
    return cf != NULL && cf->text != NULL ? marker_above(cf->text, cf->len, pos.line) : 0;
}

/* Line and column (1-based, bytes) of offset off in text. */
static void line_col(const char *text, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

bool source_fix_json(align_buf *out, source_index *ix, align_lang lang, const char *name,
                     align_srcpos pos, uint64_t size, uint64_t optimal_size)
{
    const align_fix_set *set = NULL;
    const align_fix_type *t;
    c_file *cf;
    const char *text = NULL;
    size_t len = 0;
    unsigned l0, c0, l1, c1;
    if (ix == NULL)
        return false;
    t = lang == ALIGN_LANG_GO ? find_go(ix, name, &set) : find_c(ix, name, pos, &set, &cf);
    if (t == NULL || t->status != ALIGN_FIX_REORDERED || t->size != size ||
        t->new_size != optimal_size)
        return false;
    for (size_t k = 0; k < align_fix_nfiles(set); k++)
        if (strcmp(align_fix_file_path(set, k), t->file) == 0)
            text = align_fix_file_text(set, k, &len);
    if (text == NULL || t->region_end > len)
        return false;
    line_col(text, t->region_start, &l0, &c0);
    line_col(text, t->region_end, &l1, &c1);
    align_buf_puts(out, "\"fixes\":[{\"description\":{\"text\":");
    {
        char d[600];
        snprintf(d, sizeof d, "Reorder the fields of %s: %s (%llu -> %llu bytes)", t->name,
                 t->new_order, (unsigned long long)t->size, (unsigned long long)t->new_size);
        align_buf_json_string(out, d);
    }
    align_buf_puts(out, "},\"artifactChanges\":[{\"artifactLocation\":{\"uri\":");
    sarif_put_uri(out, t->file);
    align_buf_printf(out,
                     "},\"replacements\":[{\"deletedRegion\":{\"startLine\":%u,\"startColumn\":%u,"
                     "\"endLine\":%u,\"endColumn\":%u},\"insertedContent\":{\"text\":",
                     l0, c0, l1, c1);
    align_buf_json_string(out, t->replacement);
    align_buf_puts(out, "}}]}]}]");
    return true;
}
