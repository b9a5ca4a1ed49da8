/*
 * util.c - what every subcommand needs: inputs, messages, counts, output.
 */
#include "cli.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Declarations typed by hand are small; a whole generated header may be a
 * few MB.  Past this we refuse rather than exhaust memory on a wrong path. */
#define MAX_INPUT ((size_t)256 << 20)

bool read_input(const char *path, char **text, size_t *len)
{
    FILE *f;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    struct stat st;
    bool is_stdin = strcmp(path, "-") == 0;

    *text = NULL;
    *len = 0;
    if (!is_stdin) {
        if (stat(path, &st) != 0) {
            fprintf(stderr, "%s: %s\n", path, strerror(errno));
            return false;
        }
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, "%s: is a directory, not a file\n", path);
            return false;
        }
    }
    f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return false;
    }
    for (;;) {
        if (cap - n < 65536) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *p;
            if (ncap > MAX_INPUT + 1) {
                fprintf(stderr, "%s: larger than %zu MiB; is this the right file?\n",
                        is_stdin ? "<stdin>" : path, MAX_INPUT >> 20);
                goto fail;
            }
            p = realloc(buf, ncap + 1);
            if (p == NULL) {
                fprintf(stderr, "%s: out of memory\n", path);
                goto fail;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                fprintf(stderr, "%s: %s\n", is_stdin ? "<stdin>" : path, strerror(errno));
                goto fail;
            }
            break;
        }
    }
    if (!is_stdin)
        fclose(f);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return true;
fail:
    if (!is_stdin)
        fclose(f);
    free(buf);
    return false;
}

void print_lib_error(const char *text, size_t len)
{
    const align_error *e = align_error_last();
    if (e->file[0] && e->line)
        fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->col ? e->col : 1, e->message);
    else if (e->file[0])
        fprintf(stderr, "%s: error: %s\n", e->file, e->message);
    else
        fprintf(stderr, "%s: error: %s\n", progname,
                e->message[0] ? e->message : align_strerror(e->code));
    if (text != NULL && e->line > 0) {
        /* The offending line, then a caret under the column. */
        const char *p = text, *end = text + len;
        for (unsigned l = 1; l < e->line && p < end; p++)
            if (*p == '\n')
                l++;
        if (p < end || (p == end && e->line == 1)) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
            if (n > 200)
                n = 200;
            fputs("    ", stderr);
            for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)p[i];
                fputc(c == '\t' ? '\t' : (c < 0x20 || c == 0x7f) ? '?' : c, stderr);
            }
            fputs("\n    ", stderr);
            for (unsigned i = 1; i < e->col && i <= n; i++)
                fputc(p[i - 1] == '\t' ? '\t' : ' ', stderr);
            fputs("^\n", stderr);
        }
    }
    if (e->hint[0])
        fprintf(stderr, "hint: %s\n", e->hint);
}

int usage_error(const char *hint, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: error: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (hint)
        fprintf(stderr, "hint: %s\n", hint);
    return EXIT_BAD;
}

void count_table_init(count_table *t)
{
    memset(t, 0, sizeof *t);
    t->fallback = 1;
}

void count_table_free(count_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->specs[i].type);
    free(t->specs);
    memset(t, 0, sizeof *t);
}

bool count_table_add(count_table *t, const char *arg)
{
    const char *eq = strrchr(arg, '=');
    uint64_t n;
    if (align_count_parse(&n, eq ? eq + 1 : arg) < 0) {
        fprintf(stderr, "%s: error: --count %s: %s\n", progname, arg, align_error_last()->message);
        if (align_error_last()->hint[0])
            fprintf(stderr, "hint: %s\n", align_error_last()->hint);
        return false;
    }
    if (eq == NULL) {
        t->fallback = n;
        return true;
    }
    if (eq == arg) {
        fprintf(stderr, "%s: error: --count %s: no type name before '='\n", progname, arg);
        fprintf(stderr, "hint: write --count TYPE=N, e.g. --count main.Order=100M\n");
        return false;
    }
    char *type = strndup(arg, (size_t)(eq - arg));
    bool ok = type != NULL && count_table_set(t, type, n);
    free(type);
    if (!ok)
        fprintf(stderr, "%s: error: out of memory\n", progname);
    return ok;
}

bool count_table_set(count_table *t, const char *type, uint64_t n)
{
    count_spec *s = realloc(t->specs, (t->n + 1) * sizeof *s);
    if (s == NULL)
        return false;
    t->specs = s;
    s[t->n].type = strdup(type);
    s[t->n].count = n;
    s[t->n].exact = false;
    if (s[t->n].type == NULL)
        return false;
    t->n++;
    return true;
}

bool count_table_prepend_exact(count_table *t, const char *type, uint64_t n)
{
    char *copy = strdup(type);
    count_spec *s = copy ? realloc(t->specs, (t->n + 1) * sizeof *s) : NULL;
    if (s == NULL) {
        free(copy);
        return false;
    }
    t->specs = s;
    memmove(s + 1, s, t->n * sizeof *s);
    s[0] = (count_spec){copy, n, true};
    t->n++;
    return true;
}

uint64_t count_table_get(const count_table *t, const char *type_name)
{
    /* The last matching spec wins, as with repeated options elsewhere. */
    for (size_t i = t->n; i-- > 0;)
        if (strcmp(t->specs[i].type, type_name) == 0 ||
            (!t->specs[i].exact && fnmatch(t->specs[i].type, type_name, 0) == 0))
            return t->specs[i].count;
    return t->fallback;
}

bool emit(align_buf *b)
{
    if (b->failed) {
        fprintf(stderr, "%s: error: out of memory while formatting the report\n", progname);
        return false;
    }
    if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
        fprintf(stderr, "%s: error: cannot write the report: %s\n", progname, strerror(errno));
        return false;
    }
    return true;
}

bool pattern_list_match(const char *const *list, size_t n, const char *name)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0 || fnmatch(list[i], name, 0) == 0)
            return true;
    return false;
}

bool pattern_list_add(const char ***list, size_t *n, const char *pattern)
{
    const char **a = realloc(*list, (*n + 1) * sizeof *a);
    if (a == NULL)
        return false;
    a[(*n)++] = pattern;
    *list = a;
    return true;
}

int parse_cacheline(uint32_t *out, const char *arg)
{
    uint64_t n;
    if (align_count_parse(&n, arg) < 0 || n == 0 || n > 65536 || (n & (n - 1)))
        return usage_error("a power of two such as 64 or 128", "invalid --cacheline '%s'", arg);
    *out = (uint32_t)n;
    return 0;
}
