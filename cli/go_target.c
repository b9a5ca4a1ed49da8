/*
 * go_target.c - the binary's build target and Go's build constraints:
 * whether `go build` for the target the binary was built for compiles a
 * package's .go file, by the file's name (x_linux.go, x_amd64.go) and its
 * //go:build line.
 *
 * Build constraints: a package's files for other targets declare its
 * per-OS types again (syscall.Stat_t in ztypes_netbsd_amd64.go, runtime's
 * in defs_linux_mipsx.go), so a file go build would not compile for the
 * binary's target, by its name or its //go:build line, is never searched
 * (file_for_target; the target's OS from the names of the files its
 * functions are written in).
 *
 * Who calls it: go_source.c: go_source_locate (set_target), walk
 * (name_for_target: a package directory's file that go build leaves out
 * by its name is not read), read_file (build_line), and the lookups
 * find_type and find_line (file_for_target).
 */
#define _GNU_SOURCE /* memmem, strndup */
#include "go_source_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The GOOS and GOARCH values `go build` takes from a file name's
 * _GOOS, _GOARCH or _GOOS_GOARCH suffix (go/build: goodOSArchFile). */
static const char *const known_os[] = {
    "aix",  "android", "darwin",  "dragonfly", "freebsd", "hurd",   "illumos", "ios", "js", "linux",
    "nacl", "netbsd",  "openbsd", "plan9",     "solaris", "wasip1", "windows", "zos", NULL};
static const char *const known_arch[] = {"386",    "amd64",    "amd64p32",  "arm",         "armbe",
                                         "arm64",  "arm64be",  "loong64",   "mips",        "mipsle",
                                         "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc",
                                         "ppc64",  "ppc64le",  "riscv",     "riscv64",     "s390",
                                         "s390x",  "sparc",    "sparc64",   "wasm",        NULL};

static bool known(const char *const *list, const char *w, size_t n)
{
    for (; *list != NULL; list++)
        if (strlen(*list) == n && memcmp(*list, w, n) == 0)
            return true;
    return false;
}

/* Whether an OS of a file name is the target's (android builds linux's
 * files, illumos solaris's, ios darwin's). */
static bool os_matches(const char *goos, const char *w, size_t n)
{
    const char *alias = strcmp(goos, "android") == 0   ? "linux"
                        : strcmp(goos, "illumos") == 0 ? "solaris"
                        : strcmp(goos, "ios") == 0     ? "darwin"
                                                       : "";
    return (strlen(goos) == n && memcmp(goos, w, n) == 0) ||
           (strlen(alias) == n && memcmp(alias, w, n) == 0);
}

/* The binary's GOOS, as the names of the files its functions are
 * written in say it (the OS most of those with an OS suffix name), into
 * s->goos; its GOARCH from its architecture. */
void set_target(go_source *s, const align_binary *bin, const align_go_method *ms, size_t nms)
{
    size_t count[sizeof known_os / sizeof known_os[0]] = {0}, best = 0;
    static const char *const arch[] = {[ALIGN_ARCH_AMD64] = "amd64",
                                       [ALIGN_ARCH_ARM64] = "arm64",
                                       [ALIGN_ARCH_386] = "386",
                                       [ALIGN_ARCH_ARM] = "arm"};
    unsigned a = (unsigned)align_binary_info_get(bin)->arch;
    snprintf(s->goarch, sizeof s->goarch, "%s", a < 4 ? arch[a] : "");
    s->cgo = false;
    for (size_t i = 0; i < nms; i++) {
        s->cgo |= strncmp(ms[i].type, "runtime/cgo", 11) == 0 &&
                  (ms[i].type[11] == '\0' || ms[i].type[11] == '.');
        const char *base = strrchr(ms[i].file, '/'), *end;
        base = base ? base + 1 : ms[i].file;
        end = base + strlen(base);
        /* (an OS follows a '_': a name without one names none) */
        if (end - base < 4 || strcmp(end - 3, ".go") != 0 ||
            memchr(base, '_', (size_t)(end - base)) == NULL)
            continue;
        for (size_t k = 0; known_os[k] != NULL; k++) {
            size_t n = strlen(known_os[k]);
            const char *w = memmem(base, (size_t)(end - base), known_os[k], n);
            /* _OS.go or _OS_ARCH.go */
            if (w != NULL && w > base && w[-1] == '_' &&
                (w + n == end - 3 ||
                 (w[n] == '_' && known(known_arch, w + n + 1, (size_t)(end - 3 - (w + n + 1))))))
                count[k]++;
        }
    }
    s->goos[0] = '\0';
    for (size_t k = 0; known_os[k] != NULL; k++)
        if (count[k] > best) {
            best = count[k];
            snprintf(s->goos, sizeof s->goos, "%s", known_os[k]);
        }
    if (s->goos[0] == '\0')
        s->goarch[0] = '\0'; /* not known: every file is taken */
    for (size_t i = 0; i < s->nfiles; i++)
        s->files[i].for_target = -1;
}

/* Whether the build tag [w, w + n) holds for the target: 1, 0, or -1
 * when that cannot be told from the binary.  Known: GOOS (and the OS it
 * implies), GOARCH, every other OS and architecture (0), unix, gc, every
 * go1.N, cgo when runtime/cgo is linked in; not known: the rest (a
 * goexperiment, which a release may turn on by default; purego, netgo,
 * race, ...). */
static int tag_holds(const go_source *s, const char *w, size_t n)
{
    static const char *const unix_os[] = {"aix",     "android", "darwin", "dragonfly", "freebsd",
                                          "hurd",    "illumos", "ios",    "linux",     "netbsd",
                                          "openbsd", "solaris", NULL};
    if (os_matches(s->goos, w, n) || (strlen(s->goarch) == n && memcmp(s->goarch, w, n) == 0))
        return 1;
    if (known(known_os, w, n) || known(known_arch, w, n))
        return 0;
    if (n == 4 && memcmp(w, "unix", 4) == 0)
        return known(unix_os, s->goos, strlen(s->goos));
    if (n == 3 && memcmp(w, "cgo", 3) == 0)
        return s->cgo ? 1 : -1;
    return (n == 2 && memcmp(w, "gc", 2) == 0) || (n > 4 && memcmp(w, "go1.", 4) == 0) ? 1 : -1;
}

/* A //go:build expression at *p (||, &&, !, parentheses, tags) for the
 * target, in three values as tag_holds; a malformed one is -1. */
static int build_expr(const go_source *s, const char **p, int depth)
{
    int any = 0;
    for (;;) { /* a || b || ... */
        int all = 1;
        for (;;) { /* a && b && ... */
            bool neg = false;
            int v;
            while (**p == ' ' || **p == '\t' || **p == '!') {
                neg ^= **p == '!';
                (*p)++;
            }
            if (**p == '(' && depth < 32) {
                (*p)++;
                v = build_expr(s, p, depth + 1);
                if (**p == ')')
                    (*p)++;
            } else {
                const char *w = *p;
                while (isalnum((unsigned char)**p) || **p == '_' || **p == '.')
                    (*p)++;
                v = *p == w ? -1 : tag_holds(s, w, (size_t)(*p - w));
            }
            if (neg && v >= 0)
                v = !v;
            all = all == 0 || v == 0 ? 0 : all < 0 || v < 0 ? -1 : 1;
            while (**p == ' ' || **p == '\t')
                (*p)++;
            if ((*p)[0] != '&' || (*p)[1] != '&')
                break;
            *p += 2;
        }
        any = any == 1 || all == 1 ? 1 : any < 0 || all < 0 ? -1 : 0;
        if ((*p)[0] != '|' || (*p)[1] != '|')
            return any;
        *p += 2;
    }
}

/* Whether `go build` for the source's target would compile the file at
 * path, by its name alone (x_linux.go, x_amd64.go, x_netbsd_arm64.go):
 * a type declared once per OS (syscall.Stat_t in ztypes_linux_amd64.go,
 * ztypes_netbsd_amd64.go, ...) is placed in the target's file.  Build
 * tags (//go:build) are not read. */
static int build_expr(const go_source *s, const char **p, int depth);

/* The part of file_for_target_asked that the file's name answers (the
 * target known). */
bool name_for_target(const go_source *s, const char *path)
{
    const char *base = strrchr(path, '/'), *end;
    const char *w[2] = {NULL, NULL};
    size_t wn[2] = {0, 0};
    base = base ? base + 1 : path;
    end = base + strlen(base);
    if (end - base < 3)
        return true;
    end -= 3; /* ".go" */
    /* the last two '_'-separated words after the first */
    for (int k = 1; k >= 0; k--) {
        const char *u = end;
        while (u > base && u[-1] != '_')
            u--;
        if (u == base)
            break;
        w[k] = u;
        wn[k] = (size_t)(end - u);
        end = u - 1;
    }
    if (w[1] == NULL)
        return true;
    if (w[0] != NULL && known(known_os, w[0], wn[0]) && known(known_arch, w[1], wn[1]))
        return os_matches(s->goos, w[0], wn[0]) && strlen(s->goarch) == wn[1] &&
               memcmp(s->goarch, w[1], wn[1]) == 0;
    if (known(known_os, w[1], wn[1]))
        return os_matches(s->goos, w[1], wn[1]);
    if (known(known_arch, w[1], wn[1]))
        return strlen(s->goarch) == wn[1] && memcmp(s->goarch, w[1], wn[1]) == 0;
    return true;
}

static bool file_for_target_asked(const go_source *s, const go_file *f)
{
    const char *b = f->build;
    if (s->goos[0] == '\0')
        return true;
    if (b != NULL && build_expr(s, &b, 0) == 0)
        return false; /* ruled out, not merely not known to be in */
    return name_for_target(s, f->path);
}

/* file_for_target_asked, once per file and target (cmd/compile: its
 * //go:build expressions evaluated for each lookup were 9 ms). */
bool file_for_target(const go_source *s, const go_file *f)
{
    go_file *w = (go_file *)f;
    if (w->for_target < 0)
        w->for_target = file_for_target_asked(s, f);
    if (w->for_target && w->unread) /* not there if it cannot be read, as before */
        w->for_target = read_unread((go_source *)s, w) ? file_for_target_asked(s, w) : 0;
    return w->for_target;
}

/* The expression of f's //go:build line (before its package clause),
 * malloc'd; NULL: none (or out of memory: the file is not ruled out). */
char *build_line(const go_file *f)
{
    const char *p = f->text, *end = f->text + f->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
        if ((size_t)(e - p) > 11 && memcmp(p, "//go:build ", 11) == 0)
            return strndup(p + 11, (size_t)(e - p - 11));
        if ((size_t)(e - p) >= 8 && memcmp(p, "package ", 8) == 0)
            return NULL;
        p = nl ? nl + 1 : end;
    }
    return NULL;
}
