/*
 * util.c - what every subcommand needs: inputs, messages, counts, output.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Declarations typed by hand are small; a whole generated header may be a
 * few MB.  Past this we refuse rather than exhaust memory on a wrong path. */
#define MAX_INPUT ((size_t)256 << 20)

/* "PATH: reason" of read_input_to: to msgs, or to stderr when NULL. */
__attribute__((format(printf, 2, 3))) static void say(align_buf *msgs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (msgs != NULL)
        align_buf_vprintf(msgs, fmt, ap);
    else
        vfprintf(stderr, fmt, ap);
    va_end(ap);
}

bool read_input(const char *path, char **text, size_t *len)
{
    return read_input_to(path, text, len, NULL);
}

bool read_input_to(const char *path, char **text, size_t *len, align_buf *msgs)
{
    FILE *f;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    struct stat st;
    bool is_stdin = strcmp(path, "-") == 0;

    *text = NULL;
    *len = 0;
    if (is_stdin) {
        f = stdin;
    } else {
        /* O_NONBLOCK then fstat: open() of a FIFO would wait for a writer,
         * and /dev/zero never ends.  Only regular files; a stream can come
         * on standard input, under the size limit below. */
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), flags;
        if (fd < 0) {
            say(msgs, "%s: %s\n", path, strerror(errno));
            return false;
        }
        if (fstat(fd, &st) != 0) {
            say(msgs, "%s: %s\n", path, strerror(errno));
            close(fd);
            return false;
        }
        if (!S_ISREG(st.st_mode)) {
            say(msgs,
                "%s: is %s, not a regular file\nhint: give a file, or pipe "
                "the text to standard input ('-')\n",
                path,
                S_ISDIR(st.st_mode)    ? "a directory"
                : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)"
                : S_ISCHR(st.st_mode)  ? "a character device"
                : S_ISBLK(st.st_mode)  ? "a block device"
                                       : "a special file");
            close(fd);
            return false;
        }
        if ((uint64_t)st.st_size > MAX_INPUT) {
            say(msgs, "%s: larger than %zu MiB; is this the right file?\n", path, MAX_INPUT >> 20);
            close(fd);
            return false;
        }
        flags = fcntl(fd, F_GETFL);
        if (flags >= 0)
            (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        f = fdopen(fd, "rb");
        if (f == NULL) {
            say(msgs, "%s: %s\n", path, strerror(errno));
            close(fd);
            return false;
        }
    }
    /* A regular file is read into one buffer of its size (and a byte to
     * see the end in): growing from 64 KiB by realloc copied most files
     * once, and how often realloc moved a block depended on the heap's
     * layout (go_source reads some 2,700 files for cmd/go). */
    if (!is_stdin) {
        cap = (size_t)st.st_size + 1;
        buf = malloc(cap + 1);
        if (buf == NULL) {
            say(msgs, "%s: out of memory\n", path);
            goto fail;
        }
    }
    for (;;) {
        if (cap - n < (is_stdin ? 65536 : 1)) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *p;
            if (ncap > MAX_INPUT + 1) {
                say(msgs, "%s: larger than %zu MiB; is this the right file?\n",
                    is_stdin ? "<stdin>" : path, MAX_INPUT >> 20);
                goto fail;
            }
            p = realloc(buf, ncap + 1);
            if (p == NULL) {
                say(msgs, "%s: out of memory\n", path);
                goto fail;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                say(msgs, "%s: %s\n", is_stdin ? "<stdin>" : path, strerror(errno));
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

int parse_go_release(unsigned *out, const char *arg)
{
    char known[128];
    size_t n = 0;
    unsigned r;
    known[0] = '\0';
    for (r = align_go_release_oldest(); r <= align_go_release_newest(); r++)
        if (align_go_release_known(r) && n < sizeof known)
            n += (size_t)snprintf(known + n, sizeof known - n, "%s1.%u", n ? ", " : "", r);
    if (align_go_release_parse(out, arg) < 0 || !align_go_release_known(*out) ||
        strspn(arg, "go1.0123456789") != strlen(arg)) {
        char hint[192];
        snprintf(hint, sizeof hint, "libalign has the allocator of Go %s (--go 1.27)", known);
        return usage_error(hint, "unknown Go release '%s'", arg);
    }
    return 0;
}

void go_release_apply(align_binary *bin, const char *binary, unsigned go_opt, bool warn)
{
    align_graph *g = align_binary_graph(bin, ALIGN_LANG_GO);
    const align_binary_info *info = align_binary_info_get(bin);
    unsigned produced;
    const char *producer;
    if (g == NULL)
        return;
    produced = align_graph_go_release(g);
    producer = info->go_producer ? info->go_producer : "no DW_AT_producer";
    if (go_opt != 0) {
        if (produced != go_opt)
            fprintf(stderr,
                    "%s: warning: --go 1.%u overrides the release that built the binary (%s): "
                    "heap costs follow go1.%u's allocator\n",
                    binary, go_opt, producer, go_opt);
        align_graph_set_go_release(g, go_opt);
        return;
    }
    if (!warn || align_go_release_known(produced))
        return;
    if (produced == 0)
        fprintf(stderr,
                "%s: warning: no Go release in the producer (%s): heap costs follow go1.%u's "
                "allocator\nhint: name the release with --go 1.N\n",
                binary, producer, align_go_release_newest());
    else
        fprintf(stderr,
                "%s: warning: libalign does not have the allocator of go1.%u (%s): heap costs "
                "follow %s\nhint: name a release with --go 1.N\n",
                binary, produced, producer, align_go_size_classes_version(produced));
}

void count_table_init(count_table *t)
{
    memset(t, 0, sizeof *t);
    t->fallback = 1;
}

void count_table_free(count_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->specs[i].type);
        free(t->specs[i].origin);
    }
    free(t->specs);
    free(t->hit);
    memset(t, 0, sizeof *t);
}

static bool count_error(const char *arg, size_t col, const char *what, const char *hint)
{
    fprintf(stderr, "%s: error: --count '%s': column %zu: %s\n", progname, arg, col, what);
    fprintf(stderr, "hint: %s\n", hint);
    return false;
}

bool count_table_add(count_table *t, const char *arg)
{
    static const char form[] = "write --count TYPE=N (e.g. main.Order=100M) or --count N";
    const char *eq = strchr(arg, '=');
    char origin[64 + 16];
    uint64_t n;
    if (eq != NULL && strchr(eq + 1, '=') != NULL)
        return count_error(arg, (size_t)(strchr(eq + 1, '=') - arg) + 1,
                           "a second '=': one TYPE=N per --count", form);
    if (eq == arg)
        return count_error(arg, 1, "no type name before '='", form);
    if (eq != NULL && (isspace((unsigned char)arg[0]) || isspace((unsigned char)eq[-1])))
        return count_error(arg, isspace((unsigned char)arg[0]) ? 1 : (size_t)(eq - arg),
                           "a space around the type name (no type name has one there)", form);
    if (align_count_parse(&n, eq ? eq + 1 : arg) < 0) {
        fprintf(stderr, "%s: error: --count '%s': column %zu: %s\n", progname, arg,
                eq ? (size_t)(eq - arg) + 2 : (size_t)1, align_error_last()->message);
        if (align_error_last()->hint[0])
            fprintf(stderr, "hint: %s\n", align_error_last()->hint);
        return false;
    }
    if (eq == NULL) {
        t->fallback = n;
        return true;
    }
    char *type = strndup(arg, (size_t)(eq - arg));
    snprintf(origin, sizeof origin, "--count '%.64s%s'", arg, strlen(arg) > 64 ? "..." : "");
    bool ok = type != NULL && count_table_set(t, type, n, origin);
    free(type);
    if (!ok)
        fprintf(stderr, "%s: error: out of memory\n", progname);
    return ok;
}

/* The word at *p (NUL-terminated in place); *p moves past it and the
 * blanks after it. */
static char *next_word(char **p)
{
    char *w = *p;
    while (**p && !isspace((unsigned char)**p))
        (*p)++;
    if (**p)
        *(*p)++ = '\0';
    while (isspace((unsigned char)**p))
        (*p)++;
    return w;
}

bool count_table_read(count_table *t, const char *path)
{
    char *text, *line, *next;
    size_t len;
    unsigned lineno = 0;
    bool ok = true;
    if (!read_input(path, &text, &len))
        return false;
    for (line = text; ok && line < text + len; line = next) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        char *p = line, *name, *num, *hash;
        uint64_t n;
        next = nl ? nl + 1 : text + len;
        if (nl)
            *nl = '\0';
        lineno++;
        hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            continue;
        name = next_word(&p);
        num = next_word(&p);
        if (*num == '\0' || *p != '\0') {
            fprintf(stderr, "%s:%u:%d: error: expected 'TYPE COUNT'\n", path, lineno,
                    (int)((*num ? p : num) - line) + 1);
            fprintf(stderr, "hint: one type a line, e.g. 'main.Order 100M'\n");
            ok = false;
            break;
        }
        if (align_count_parse(&n, num) < 0) {
            fprintf(stderr, "%s:%u:%d: error: %s\n", path, lineno, (int)(num - line) + 1,
                    align_error_last()->message);
            if (align_error_last()->hint[0])
                fprintf(stderr, "hint: %s\n", align_error_last()->hint);
            ok = false;
            break;
        }
        {
            char origin[600];
            snprintf(origin, sizeof origin, "%.500s:%u: %s", path, lineno, name);
            ok = count_table_set(t, name, n, origin);
        }
    }
    free(text);
    return ok;
}

bool count_table_set(count_table *t, const char *type, uint64_t n, const char *origin)
{
    count_spec *s = realloc(t->specs, (t->n + 1) * sizeof *s);
    bool *hit;
    if (s == NULL)
        return false;
    t->specs = s;
    hit = realloc(t->hit, (t->n + 1) * sizeof *hit);
    if (hit == NULL)
        return false;
    t->hit = hit;
    hit[t->n] = false;
    s[t->n].type = strdup(type);
    s[t->n].origin = strdup(origin ? origin : type);
    s[t->n].count = n;
    s[t->n].exact = false;
    if (s[t->n].type == NULL || s[t->n].origin == NULL) {
        free(s[t->n].type);
        free(s[t->n].origin);
        return false;
    }
    t->n++;
    return true;
}

bool count_table_prepend_exact(count_table *t, const char *type, uint64_t n)
{
    /* Appended, then rotated to the front: the user's own exact --count
     * for the type comes later, so it wins ("the last exact name"). */
    count_spec last;
    if (!count_table_set(t, type, n, "--profile"))
        return false;
    last = t->specs[t->n - 1];
    last.exact = true;
    memmove(t->specs + 1, t->specs, (t->n - 1) * sizeof *t->specs);
    memmove(t->hit + 1, t->hit, (t->n - 1) * sizeof *t->hit);
    t->specs[0] = last;
    t->hit[0] = true; /* measured from the binary's own types: never unused */
    return true;
}

uint64_t count_table_get(const count_table *t, const char *type_name)
{
    size_t exact = SIZE_MAX, glob = SIZE_MAX;
    /* Every spec is looked at (to record that it matched something); the
     * last exact name wins, else the last glob. */
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->specs[i].type, type_name) == 0) {
            exact = i;
            t->hit[i] = true;
        } else if (!t->specs[i].exact && fnmatch(t->specs[i].type, type_name, 0) == 0) {
            glob = i;
            t->hit[i] = true;
        }
    }
    if (exact != SIZE_MAX)
        return t->specs[exact].count;
    if (glob != SIZE_MAX)
        return t->specs[glob].count;
    return t->fallback;
}

void count_table_touch(const count_table *t, const char *type_name)
{
    (void)count_table_get(t, type_name);
}

bool count_table_check_unused(const count_table *t, bool strict)
{
    bool ok = true;
    for (size_t i = 0; i < t->n; i++) {
        if (t->hit[i])
            continue;
        fprintf(stderr, "%s: %s: %s matches no type%s\n", progname, strict ? "error" : "warning",
                t->specs[i].origin, strict ? "" : " (a typo?)");
        ok = false;
    }
    if (!ok)
        fprintf(stderr, "hint: names are as audit lists them (main.Order, "
                        "net/http.Request; C: the struct tag); globs like 'main.*' work\n");
    return ok || !strict;
}

/* errno of a failed write by emit_partial, reported by emit. */
static int partial_errno;

void emit_partial(align_buf *b)
{
    if (b->failed || partial_errno != 0 || b->len < ((size_t)256 << 10))
        return;
    if (fwrite(b->data, 1, b->len, stdout) != b->len)
        partial_errno = errno ? errno : EIO;
    b->len = 0;
}

bool emit(align_buf *b)
{
    if (b->failed) {
        fprintf(stderr, "%s: error: out of memory while formatting the report\n", progname);
        return false;
    }
    if (partial_errno != 0 || (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) ||
        fflush(stdout) != 0) {
        fprintf(stderr, "%s: error: cannot write the report: %s\n", progname,
                strerror(partial_errno ? partial_errno : errno));
        return false;
    }
    return true;
}

/* The main package's path and the main module's (the binary's build
 * information), for "./..." (pattern_set_main). */
static const char *main_pkg_path, *main_module_path;

void pattern_set_main(const char *main_path, const char *main_module)
{
    main_pkg_path = main_path;
    main_module_path = main_module;
}

bool pattern_is_package(const char *p)
{
    size_t n = strlen(p);
    return strcmp(p, "...") == 0 || (n > 4 && strcmp(p + n - 4, "/...") == 0);
}

/* The length of the package path that starts a Go type name: up to the
 * first '.' after the last '/' of the part before any type argument
 * ("example.com/m/store.Rec[a/b.T]" -> "example.com/m/store"); 0 when the
 * name has none ("struct {...}", "map<K,V>"). */
static size_t type_pkg_len(const char *name)
{
    size_t head = strcspn(name, "[<{ "), base = 0;
    const char *dot;
    for (size_t i = 0; i < head; i++)
        if (name[i] == '/')
            base = i + 1;
    dot = memchr(name + base, '.', head - base);
    return dot ? (size_t)(dot - name) : 0;
}

/* Whether pkg[0..len) is path or a package under it. */
static bool under(const char *pkg, size_t len, const char *path)
{
    size_t n = strlen(path);
    return len >= n && memcmp(pkg, path, n) == 0 && (len == n || pkg[n] == '/');
}

static bool is_main(const char *pkg, size_t len)
{
    return (len == 4 && memcmp(pkg, "main", 4) == 0) ||
           (main_pkg_path && strlen(main_pkg_path) == len && memcmp(pkg, main_pkg_path, len) == 0);
}

/* A package pattern ("P/...", "./...", "...") against pkg[0..len). */
static bool package_match(const char *pat, const char *pkg, size_t len)
{
    char path[1024];
    size_t n = strlen(pat) - 4;
    if (strcmp(pat, "...") == 0)
        return true;
    if (strcmp(pat, "./...") == 0)
        return is_main(pkg, len) || (main_module_path && under(pkg, len, main_module_path));
    if (n >= sizeof path)
        return false;
    memcpy(path, pat, n);
    path[n] = '\0';
    return under(pkg, len, path) || (is_main(pkg, len) && main_pkg_path != NULL &&
                                     under(main_pkg_path, strlen(main_pkg_path), path));
}

bool pattern_list_match(const char *const *list, size_t n, const char *name)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++) {
        if (pattern_is_package(list[i])) {
            size_t len = type_pkg_len(name);
            if (len > 0 && package_match(list[i], name, len))
                return true;
        } else if (strcmp(list[i], name) == 0 || fnmatch(list[i], name, 0) == 0) {
            return true;
        }
    }
    return false;
}

bool pattern_list_match_package(const char *const *list, size_t n, const char *pkg)
{
    char glob[1024];
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        if (pattern_is_package(list[i])) {
            if (pkg != NULL && package_match(list[i], pkg, strlen(pkg)))
                return true;
            continue;
        }
        /* A type glob names packages by its part before the type's name;
         * one without ("*Order") names none, so keeps every site. */
        len = type_pkg_len(list[i]);
        if (len == 0)
            return true;
        if (pkg == NULL || len >= sizeof glob)
            continue;
        memcpy(glob, list[i], len);
        glob[len] = '\0';
        if (fnmatch(glob, pkg, 0) == 0 ||
            (is_main(pkg, strlen(pkg)) && fnmatch(glob, "main", 0) == 0))
            return true;
    }
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

/* ------------------------------------------------------------ progress */

bool progress_quiet;

static long long progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* How long work runs before its line appears: 1 s, or
 * STRUCTALIGN_PROGRESS_DELAY seconds (0 to 60, decimals allowed; as git's
 * GIT_PROGRESS_DELAY), which lets a test see the line of a short run. */
static long long progress_delay_ns(void)
{
    const char *s = getenv("STRUCTALIGN_PROGRESS_DELAY");
    char *end;
    double d;
    if (s == NULL || *s == '\0')
        return 1000000000LL;
    d = strtod(s, &end);
    if (*end != '\0' || !(d >= 0 && d <= 60))
        return 1000000000LL;
    return (long long)(d * 1e9);
}

void progress_begin(progress *p, const char *what)
{
    p->what = what;
    p->on = !progress_quiet && isatty(STDERR_FILENO);
    p->shown = false;
    p->start_ns = p->on ? progress_now() : 0;
    p->delay_ns = p->on ? progress_delay_ns() : 0;
}

void progress_update(void *user, uint64_t done, uint64_t total)
{
    progress *p = user;
    if (!p->on || progress_now() - p->start_ns < p->delay_ns)
        return;
    /* MiB for a log of hundreds of MiB; KiB for a .debug_info of a few. */
    uint64_t big = total > done ? total : done;
    unsigned shift = big >= ((uint64_t)64 << 20) ? 20 : 10;
    const char *unit = shift == 20 ? "MiB" : "KiB";
    if (total > 0)
        fprintf(stderr, "\r%s: %llu %s of %llu %s (%u%%)\033[K", p->what,
                (unsigned long long)(done >> shift), unit, (unsigned long long)(total >> shift),
                unit, (unsigned)(done >= total ? 100 : done * 100 / total));
    else
        fprintf(stderr, "\r%s: %llu %s\033[K", p->what, (unsigned long long)(done >> shift), unit);
    fflush(stderr);
    p->shown = true;
}

void progress_end(progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = false;
}
