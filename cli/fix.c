/*
 * fix.c - `structalign fix`: the smallest field order applied to Go and C
 * source files, as a unified diff (--diff, the default) or written in place
 * (--write).
 *
 * The library (align_fix_*, libalign/rewrite/) reads the files' text and
 * produces their new text; everything with a side effect is here: walking
 * directories, reading, the diff, the report, and the writes.  A write is
 * atomic per file (a temporary file in the same directory, fsync, rename),
 * and no file is written unless every file to change can be: each target
 * is checked first (a read-only file, one whose directory is not writable).
 * A file is read-only when no write bit is set, even for root, who could
 * write it anyway: we do not overwrite what the user protected.
 *
 * The diff is Myers' O((N+M)D) algorithm on lines (D, the lines that
 * differ, is small: a few struct bodies), with three lines of context.
 */
#define _GNU_SOURCE /* asprintf */
#include "options.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char fix_usage[] =
    "usage: structalign fix [options] FILE|DIR...\n"
    "\n"
    "Reorder the fields of Go and C struct declarations to the smallest order\n"
    "(the one calc and audit suggest), keeping every comment, tag and blank-line\n"
    "group.  Structs whose order is an interface are refused, with the reason.\n"
    "\n"
    "options:\n"
    "      --diff               print a unified diff, change nothing (default);\n"
    "                           exit 1 when there is something to fix\n"
    "      --write              rewrite the files (atomically) and report\n"
    "  -l, --lang go|c          only files of this language (default: by\n"
    "                           extension: .go; .c and .h)\n"
    "  -a, --arch ARCH          amd64, arm64, 386 or arm (default: amd64)\n"
    "  -t, --type PATTERN       only types matching the glob; repeatable\n"
    "  -k, --keep PATTERN       never reorder these types; repeatable\n"
    "  -b, --binary BIN         sizes of types declared elsewhere, from BIN's "
    "DWARF\n" DEBUG_DIR_USAGE "      --cacheline N        cache line size in bytes (default: 64)\n"
    "      --go VERSION         Go: also report each type's heap object size in\n"
    "                           this release's allocator (1.19 ... 1.27)\n"
    "      --no-check-atomic    Go on amd64/arm64: allow orders that would put an\n"
    "                           int64 at a 4-aligned offset on 386/arm\n"
    "  -q, --quiet              no report of refused types, no progress line\n"
    "      --no-progress        no progress line on a terminal\n"
    "  -h, --help               this help\n"
    "\n"
    "Refused: structs.HostLayout, //structalign:ignore on the line before,\n"
    "unsafe.Offsetof, binary.Read/Write, cgo, packed, #pragma pack, --keep,\n"
    "preprocessor lines inside, types that cannot be sized.\n"
    "\n"
    "examples:\n"
    "  structalign fix ./internal/orders\n"
    "  structalign fix --write --keep 'wire*' include/packet.h\n";

static int choose(const char *name, void *ctx)
{
    const cli_opts *o = ctx;
    if (!pattern_list_match(o->filters, o->nfilters, name))
        return ALIGN_FIX_SKIP;
    if (o->nkeeps > 0 && pattern_list_match(o->keeps, o->nkeeps, name))
        return ALIGN_FIX_KEEP;
    return ALIGN_FIX_DO;
}

static int check_operands(cli_opts *o)
{
    if (o->nargs == 0)
        return usage_error("give the Go or C files (or directories) to fix", "nothing to fix");
    return 0;
}

/* ---------------------------------------------------------------- files */

typedef struct file_list {
    char **v;
    size_t n, cap;
} file_list;

static bool list_add(file_list *l, const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL ||
        align_vec_push((void **)&l->v, &l->n, &l->cap, sizeof *l->v, 16, &copy) < 0) {
        free(copy);
        return false;
    }
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The language of a file by its name, or -1 when neither. */
static int lang_of(const char *path)
{
    if (ends_with(path, ".go"))
        return ALIGN_LANG_GO;
    if (ends_with(path, ".c") || ends_with(path, ".h"))
        return ALIGN_LANG_C;
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The source files under dir, recursively (skipping hidden directories,
 * testdata and vendor, as the go tool does), in name order. */
static bool walk(file_list *l, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    file_list here = {0};
    bool ok = true;
    if (d == NULL) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return false;
    }
    while ((e = readdir(d)) != NULL) {
        char *p;
        if (e->d_name[0] == '.')
            continue;
        if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) {
            ok = false;
            break;
        }
        ok = list_add(&here, p);
        free(p);
        if (!ok)
            break;
    }
    closedir(d);
    qsort(here.v, here.n, sizeof *here.v, cmp_str);
    for (size_t i = 0; i < here.n && ok; i++) {
        struct stat st;
        const char *base = strrchr(here.v[i], '/') + 1;
        if (stat(here.v[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < 64 && strcmp(base, "testdata") != 0 && strcmp(base, "vendor") != 0)
                ok = walk(l, here.v[i], depth + 1);
        } else if (S_ISREG(st.st_mode) && lang_of(here.v[i]) >= 0) {
            ok = list_add(l, here.v[i]);
        }
    }
    for (size_t i = 0; i < here.n; i++)
        free(here.v[i]);
    free(here.v);
    return ok;
}

static bool collect(file_list *l, const cli_opts *o)
{
    for (size_t i = 0; i < o->nargs; i++) {
        struct stat st;
        if (stat(o->args[i], &st) != 0) {
            fprintf(stderr, "%s: %s\n", o->args[i], strerror(errno));
            return false;
        }
        if (S_ISDIR(st.st_mode)) {
            if (!walk(l, o->args[i], 0))
                return false;
        } else if (!list_add(l, o->args[i])) {
            return false;
        }
    }
    return true;
}

/* ----------------------------------------------------------------- diff */

typedef struct lines {
    const char **s; /* line starts */
    size_t *n;      /* lengths with the newline */
    size_t count;
    size_t scap, ncap; /* capacities of s and n */
} lines;

static bool split_lines(lines *out, const char *t, size_t len)
{
    memset(out, 0, sizeof *out);
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(t + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - t) + 1 : len;
        if (align_vec_reserve((void **)&out->s, &out->scap, out->count + 1, sizeof *out->s, 64) <
                0 ||
            align_vec_reserve((void **)&out->n, &out->ncap, out->count + 1, sizeof *out->n, 64) < 0)
            return false;
        out->s[out->count] = t + pos;
        out->n[out->count++] = end - pos;
        pos = end;
    }
    return true;
}

static bool same(const lines *a, size_t i, const lines *b, size_t j)
{
    return a->n[i] == b->n[j] && memcmp(a->s[i], b->s[j], a->n[i]) == 0;
}

/* Myers' shortest edit script: op[k] for each line pair of the walk,
 * '=' kept, '-' deleted from a, '+' inserted from b.  Returns the count of
 * ops, or 0 with *ops NULL when out of memory. */
static size_t myers(const lines *a, const lines *b, char **ops)
{
    long n = (long)a->count, m = (long)b->count, max = n + m, off = max + 1;
    long *v = calloc((size_t)(2 * max + 3), sizeof *v), d, found = -1;
    long **trace = calloc((size_t)(max + 1), sizeof *trace);
    char *op = NULL;
    size_t nops = 0;
    *ops = NULL;
    if (v == NULL || trace == NULL)
        goto done;
    for (d = 0; d <= max && found < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                              : v[off + k - 1] + 1;
            long y = x - k;
            while (x < n && y < m && same(a, (size_t)x, b, (size_t)y))
                x++, y++;
            v[off + k] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
        trace[d] = malloc((size_t)(2 * max + 3) * sizeof **trace);
        if (trace[d] == NULL)
            goto done;
        memcpy(trace[d], v, (size_t)(2 * max + 3) * sizeof *v);
    }
    /* Walk back from (n, m). */
    op = malloc((size_t)(n + m + 1));
    if (op == NULL)
        goto done;
    {
        long x = n, y = m;
        for (d = found; d >= 0; d--) {
            long *vv = d > 0 ? trace[d - 1] : NULL, k = x - y, pk, px, py;
            if (d == 0) {
                while (x > 0 && y > 0)
                    op[nops++] = '=', x--, y--;
                break;
            }
            pk = (k == -d || (k != d && vv[off + k - 1] < vv[off + k + 1])) ? k + 1 : k - 1;
            px = vv[off + pk];
            py = px - pk;
            while (x > px && y > py)
                op[nops++] = '=', x--, y--;
            if (x == px)
                op[nops++] = '+', y--;
            else
                op[nops++] = '-', x--;
        }
    }
    for (size_t i = 0; i < nops / 2; i++) { /* reverse */
        char c = op[i];
        op[i] = op[nops - 1 - i];
        op[nops - 1 - i] = c;
    }
    *ops = op;
    op = NULL;
done:
    if (trace != NULL)
        for (d = 0; d <= max; d++)
            free(trace[d]);
    free(trace);
    free(v);
    free(op);
    return *ops ? nops : 0;
}

static void put_line(align_buf *out, char mark, const char *s, size_t n)
{
    align_buf_append(out, &mark, 1);
    align_buf_append(out, s, n);
    if (n == 0 || s[n - 1] != '\n')
        align_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* A unified diff of a and b with 3 lines of context. */
static bool unified_diff(align_buf *out, const char *path, const char *ta, size_t la,
                         const char *tb, size_t lb)
{
    lines a = {0}, b = {0};
    char *ops = NULL;
    size_t nops, i = 0, ai = 0, bi = 0;
    bool ok = split_lines(&a, ta, la) && split_lines(&b, tb, lb);
    if (ok)
        ok = (nops = myers(&a, &b, &ops)) > 0 || (a.count == 0 && b.count == 0);
    if (!ok)
        goto done;
    align_buf_printf(out, "--- %s\n+++ %s\n", path, path);
    while (i < nops) {
        size_t start, end, k, a0, b0, na = 0, nb = 0, ctx;
        if (ops[i] == '=') {
            i++, ai++, bi++;
            continue;
        }
        /* A hunk: from 3 lines before this change to 3 after the last
         * change that is less than 7 lines from the next. */
        ctx = i < 3 ? i : 3;
        start = i - ctx;
        a0 = ai - ctx;
        b0 = bi - ctx;
        end = i;
        for (k = i; k < nops;) {
            size_t run = 0;
            if (ops[k] != '=') {
                end = ++k;
                continue;
            }
            while (k + run < nops && ops[k + run] == '=')
                run++;
            if (k + run >= nops || run > 6)
                break;
            k += run;
        }
        end = end + 3 < nops ? end + 3 : nops;
        for (k = start; k < end; k++) {
            na += ops[k] != '+';
            nb += ops[k] != '-';
        }
        align_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", na ? a0 + 1 : a0, na, nb ? b0 + 1 : b0,
                         nb);
        for (k = start; k < end; k++) {
            size_t x = a0, y = b0;
            (void)x;
            (void)y;
            if (ops[k] == '=') {
                put_line(out, ' ', a.s[a0], a.n[a0]);
                a0++, b0++;
            } else if (ops[k] == '-') {
                put_line(out, '-', a.s[a0], a.n[a0]);
                a0++;
            } else {
                put_line(out, '+', b.s[b0], b.n[b0]);
                b0++;
            }
        }
        ai = a0;
        bi = b0;
        i = end;
    }
done:
    free(a.s);
    free(a.n);
    free(b.s);
    free(b.n);
    free(ops);
    return ok;
}

/* ---------------------------------------------------------------- write */

/* Whether path can be replaced: a writable regular file in a writable
 * directory.  Prints why not. */
static bool can_replace(const char *path)
{
    struct stat st;
    char *dir = strdup(path), *sl;
    bool ok;
    if (dir == NULL)
        return false;
    sl = strrchr(dir, '/');
    if (sl == NULL)
        strcpy(dir, ".");
    else if (sl == dir)
        sl[1] = '\0';
    else
        *sl = '\0';
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        ok = false;
    } else if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || access(path, W_OK) != 0) {
        fprintf(stderr, "%s: read-only file: not rewritten\n", path);
        ok = false;
    } else if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "%s: cannot create a file in %s: %s\n", path, dir, strerror(errno));
        ok = false;
    } else {
        ok = true;
    }
    free(dir);
    return ok;
}

/* Writes text to a temporary file beside path, then renames it over path
 * with path's mode.  Prints why it failed. */
static bool replace_file(const char *path, const char *text, size_t len)
{
    struct stat st;
    char *tmp;
    const char *sl = strrchr(path, '/');
    int fd;
    size_t done = 0;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return false;
    }
    if (asprintf(&tmp, "%.*s%s.structalign-XXXXXX", sl ? (int)(sl - path + 1) : 0, path,
                 sl ? sl + 1 : path) < 0)
        return false;
    fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "%s: cannot create a temporary file: %s\n", path, strerror(errno));
        free(tmp);
        return false;
    }
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (done < len || fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
        rename(tmp, path) != 0) {
        fprintf(stderr, "%s: not rewritten: %s\n", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    return true;
}

/* ------------------------------------------------------------------ run */

typedef struct totals {
    size_t reordered, refused, optimal;
    uint64_t saved; /* bytes per instance, summed over types */
} totals;

static void report(align_buf *rep, const align_fix_set *set, align_lang lang, const cli_opts *o,
                   totals *tot)
{
    for (size_t i = 0; i < align_fix_ntypes(set); i++) {
        const align_fix_type *t = align_fix_type_at(set, i);
        if (t->status == ALIGN_FIX_OPTIMAL) {
            tot->optimal++;
        } else if (t->status == ALIGN_FIX_REFUSED) {
            tot->refused++;
            if (!o->quiet)
                align_buf_printf(rep, "%s:%u:%u: %s: not reordered: %s\n", t->file, t->line, t->col,
                                 t->name, t->reason);
        } else {
            tot->reordered++;
            tot->saved += t->size - t->new_size;
            align_buf_printf(rep, "%s:%u:%u: %s: %llu -> %llu bytes (%llu saved", t->file, t->line,
                             t->col, t->name, (unsigned long long)t->size,
                             (unsigned long long)t->new_size,
                             (unsigned long long)(t->size - t->new_size));
            if (o->go != 0 && lang == ALIGN_LANG_GO) {
                align_go_alloc a, b;
                if (align_go_alloc_compute(&a, o->go, o->arch, t->size, t->ptrdata > 0) == 0 &&
                    align_go_alloc_compute(&b, o->go, o->arch, t->new_size, t->new_ptrdata > 0) ==
                        0)
                    align_buf_printf(rep, "; a heap object %llu -> %llu bytes in go1.%u",
                                     (unsigned long long)a.bytes, (unsigned long long)b.bytes,
                                     o->go);
            }
            align_buf_printf(rep, "): %s\n", t->new_order);
        }
    }
}

/* Reads the files of one language into a new set and runs it, with a
 * progress line while it parses.  false (printed) on any failure. */
static bool fix_lang(align_fix_set **set, int lang, const cli_opts *o, const file_list *files,
                     align_binary *bin)
{
    align_fix_opts fo;
    progress prog;
    size_t n = 0;
    int rc;
    memset(&fo, 0, sizeof fo);
    fo.arch = o->arch;
    fo.cacheline = o->cacheline;
    fo.check_atomic = o->atomic != ATOMIC_OFF;
    fo.choose = choose;
    fo.choose_ctx = (void *)o;
    fo.binary = bin;
    if (align_fix_new(set, (align_lang)lang, &fo) < 0) {
        print_lib_error(NULL, 0);
        return false;
    }
    for (size_t i = 0; i < files->n; i++) {
        char *text;
        size_t len;
        int fl = lang_of(files->v[i]);
        if (fl != lang && !(o->lang_set && fl < 0))
            continue;
        if (!read_input(files->v[i], &text, &len))
            return false;
        rc = align_fix_add(*set, files->v[i], text, len);
        free(text);
        if (rc < 0) {
            print_lib_error(NULL, 0);
            return false;
        }
        n++;
    }
    if (n == 0)
        return true;
    progress_begin(&prog, "parsing sources");
    align_fix_set_progress(*set, progress_update, &prog);
    rc = align_fix_run(*set);
    progress_end(&prog);
    if (rc < 0) {
        /* Show the offending line: find the file's text. */
        const align_error *e = align_error_last();
        const char *text = NULL;
        size_t len = 0;
        for (size_t i = 0; i < align_fix_nfiles(*set); i++)
            if (strcmp(align_fix_file_path(*set, i), e->file) == 0)
                text = align_fix_file_text(*set, i, &len);
        print_lib_error(text, len);
        fputs("structalign: no file was changed\n", stderr);
        return false;
    }
    return true;
}

int cmd_fix(int argc, char **argv)
{
    cli_opts o;
    file_list files = {0};
    align_fix_set *sets[2] = {NULL, NULL};
    align_binary *bin = NULL;
    align_buf diff, rep;
    totals tot = {0};
    int status = EXIT_BAD;
    bool ok = true;

    align_buf_init(&diff);
    align_buf_init(&rep);
    if (!cli_start(&o, CMD_FIX, fix_usage, check_operands, argc, argv, &status))
        goto done;
    if (!collect(&files, &o))
        goto done;
    if (o.binary != NULL) {
        bin = open_binary(o.binary, 0);
        if (bin == NULL)
            goto done;
    }
    for (int lang = 0; lang < 2; lang++)
        if (!(o.lang_set && (int)o.lang != lang) && !fix_lang(&sets[lang], lang, &o, &files, bin))
            goto done;
    if ((sets[0] == NULL || align_fix_nfiles(sets[0]) == 0) &&
        (sets[1] == NULL || align_fix_nfiles(sets[1]) == 0)) {
        usage_error("give .go, .c or .h files, or directories holding them (or --lang)",
                    "no Go or C source file to fix");
        goto done;
    }
    /* Every target is checked before any is written. */
    for (int lang = 0; lang < 2 && o.write; lang++)
        for (size_t i = 0; sets[lang] && i < align_fix_nfiles(sets[lang]); i++)
            if (align_fix_file_new_text(sets[lang], i, NULL) != NULL &&
                !can_replace(align_fix_file_path(sets[lang], i)))
                ok = false;
    if (!ok) {
        fputs("structalign: no file was changed\n", stderr);
        goto done;
    }
    for (int lang = 0; lang < 2; lang++) {
        for (size_t i = 0; sets[lang] && i < align_fix_nfiles(sets[lang]); i++) {
            size_t la, lb;
            const char *path = align_fix_file_path(sets[lang], i);
            const char *a = align_fix_file_text(sets[lang], i, &la);
            const char *b = align_fix_file_new_text(sets[lang], i, &lb);
            if (b == NULL)
                continue;
            if (o.write)
                ok = replace_file(path, b, lb) && ok;
            else if (!unified_diff(&diff, path, a, la, b, lb))
                ok = false;
        }
        if (sets[lang])
            report(&rep, sets[lang], (align_lang)lang, &o, &tot);
    }
    if (tot.reordered + tot.refused > 0 || o.write)
        align_buf_printf(&rep,
                         "%zu reordered (%llu bytes per instance saved), %zu refused, %zu "
                         "already optimal%s\n",
                         tot.reordered, (unsigned long long)tot.saved, tot.refused, tot.optimal,
                         o.write || tot.reordered == 0 ? "" : "; apply with --write");
    if (diff.failed || rep.failed)
        ok = false;
    if (!o.write && !emit(&diff))
        ok = false;
    if (rep.len > 0)
        fputs(rep.data, o.write ? stdout : stderr);
    if (!ok)
        status = EXIT_BAD;
    else if (!o.write && tot.reordered > 0)
        status = EXIT_GATE;
    else
        status = EXIT_OK;
done:
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    align_fix_free(sets[0]);
    align_fix_free(sets[1]);
    align_binary_free(bin);
    align_buf_free(&diff);
    align_buf_free(&rep);
    cli_opts_free(&o);
    return status;
}
