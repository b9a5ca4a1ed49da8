/*
 * debuglink.c - finding the separate debug file of a stripped binary.
 *
 * Who calls it: input_resolve (inputs.c), when a binary has no .debug_info.
 * Distributions ship programs stripped and their DWARF in another file
 * (Debian's -dbgsym packages, `objcopy --only-keep-debug`), found either by
 * the binary's GNU build ID, as DIR/.build-id/xx/rest.debug, or by the name
 * and CRC-32 its .gnu_debuglink section gives, next to the binary, in its
 * .debug/ folder or under DIR followed by the binary's own directory.  The
 * order is gdb's ("Separate Debug Files" in its manual): the build ID first,
 * then the debug link; DIR is each --debug-dir, /usr/lib/debug by default.
 *
 * A candidate is taken only when it is an ELF file of the same machine with
 * DWARF and it matches: the same build ID, or the CRC-32 the debug link
 * records (computed over the whole file, as binutils does: zlib's crc32).
 * A candidate that does not match is not an error while another one may;
 * when none is found the error names each place tried and why each
 * candidate was refused, so the user can tell a missing file from a stale
 * one.
 *
 * Rejected: libdwarf's own search (dwarf_init_path's true_path buffer): it
 * reports neither where it looked nor why a candidate was refused.
 */
#include "source/dwarf_read.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* One search: what the debug file must match, and what the error says
 * when none does. */
typedef struct search {
    const char *binary;
    align_arch arch;
    const char *build_id; /* hex, or NULL */
    const elf_debug_ref *ref;
    char tried[400]; /* places looked at, "; "-separated */
    char why[400];   /* candidates refused and why */
} search;

/* Appends a then b to buf (cut at its capacity). */
static void append(char *buf, size_t cap, const char *a, const char *b)
{
    size_t len = strlen(buf);
    if (len + 4 >= cap)
        return;
    snprintf(buf + len, cap - len, "%s%s", a, b);
}

/* CRC-32 of the whole file, as .gnu_debuglink records it. */
static int file_crc(int fd, uint32_t *out)
{
    unsigned char buf[1 << 16]; /* not static: two threads may read at once */
    uLong crc = crc32(0L, Z_NULL, 0);
    off_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, off);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        crc = crc32(crc, buf, (uInt)n);
        off += n;
    }
    *out = (uint32_t)crc;
    return 0;
}

/* 1 when path is a debug file for the search (by build ID when by_id, else
 * by the debug link's CRC), 0 when it is not (the reason appended to
 * s->why, unless it does not exist), ALIGN_ENOMEM. */
static int candidate(search *s, const char *path, bool by_id)
{
    struct stat st;
    elf_go_info gi = {NULL, NULL, NULL, NULL};
    elf_debug_ref ref;
    align_arch arch;
    uint64_t size;
    int fd, rc, ok = 0;
    char reason[160];

    if (stat(path, &st) < 0)
        return 0;
    if (elf_open(path, &fd, &size) < 0) {
        snprintf(reason, sizeof reason, "%.150s", align_error_last()->message);
        goto refused;
    }
    rc = elf_check_fd(fd, size, path, &arch, &gi, &ref);
    if (rc == ALIGN_ENOMEM) {
        close(fd);
        return rc;
    }
    if (rc < 0) {
        snprintf(reason, sizeof reason, "%.150s", align_error_last()->message);
    } else if (arch != s->arch) {
        snprintf(reason, sizeof reason, "for %s, not %s", align_arch_name(arch),
                 align_arch_name(s->arch));
    } else if (!ref.has_dwarf) {
        snprintf(reason, sizeof reason, "no DWARF in it either");
    } else if (by_id) {
        if (gi.build_id != NULL && strcmp(gi.build_id, s->build_id) == 0)
            ok = 1;
        else
            snprintf(reason, sizeof reason, "build ID %.40s, not %.40s",
                     gi.build_id ? gi.build_id : "(none)", s->build_id);
    } else {
        uint32_t crc = 0;
        if (!s->ref->has_crc)
            ok = 1; /* nothing to check against */
        else if (file_crc(fd, &crc) < 0)
            snprintf(reason, sizeof reason, "cannot read: %s", strerror(errno));
        else if (crc == s->ref->debuglink_crc)
            ok = 1;
        else
            snprintf(reason, sizeof reason, "CRC-32 %08x, where .gnu_debuglink says %08x", crc,
                     s->ref->debuglink_crc);
    }
    close(fd);
    free(gi.go_version);
    free(gi.main_path);
    free(gi.main_module);
    free(gi.build_id);
    align_error_clear();
    if (ok)
        return 1;
refused:
    align_error_clear();
    append(s->why, sizeof s->why, s->why[0] ? "; " : "", path);
    append(s->why, sizeof s->why, ": ", reason);
    return 0;
}

/* Tries one path; on a match *out is a copy of it.  1, 0 or ALIGN_ENOMEM. */
static int try_path(search *s, char **out, const char *path, bool by_id)
{
    int rc;
    append(s->tried, sizeof s->tried, s->tried[0] ? "; " : "", path);
    rc = candidate(s, path, by_id);
    if (rc == 1) {
        *out = strdup(path);
        if (*out == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return rc;
}

/* The directory of the binary, absolute and without symbolic links (the
 * debug link's DIR/<dir>/NAME needs it so); "" when it cannot be had. */
static void binary_dir(const char *binary, char *dir, size_t cap)
{
    char *real = realpath(binary, NULL);
    char *slash;
    dir[0] = '\0';
    if (real == NULL)
        return;
    slash = strrchr(real, '/');
    if (slash != NULL) {
        *slash = '\0';
        snprintf(dir, cap, "%s", real);
    }
    free(real);
}

int debug_file_find(char **out, const char *binary, align_arch arch, const char *build_id,
                    const elf_debug_ref *ref, const char *const *dirs, size_t ndirs)
{
    static const char *const defaults[] = {"/usr/lib/debug"};
    search s;
    char dir[PATH_MAX], path[PATH_MAX + 512];
    int rc;

    *out = NULL;
    memset(&s, 0, sizeof s);
    s.binary = binary;
    s.arch = arch;
    s.build_id = build_id;
    s.ref = ref;
    if (dirs == NULL || ndirs == 0) {
        dirs = defaults;
        ndirs = 1;
    }
    /* 1. DIR/.build-id/xx/rest.debug */
    if (build_id != NULL && strlen(build_id) > 2) {
        for (size_t i = 0; i < ndirs; i++) {
            snprintf(path, sizeof path, "%s/.build-id/%.2s/%s.debug", dirs[i], build_id,
                     build_id + 2);
            rc = try_path(&s, out, path, true);
            if (rc != 0)
                return rc < 0 ? rc : 0;
        }
    }
    /* 2. .gnu_debuglink: next to the binary, in .debug/, under DIR/<dir>/ */
    if (ref->debuglink[0] != '\0' && strcmp(ref->debuglink, "?") != 0) {
        binary_dir(binary, dir, sizeof dir);
        if (dir[0] != '\0') {
            snprintf(path, sizeof path, "%s/%s", dir, ref->debuglink);
            /* never the stripped binary itself */
            char *self = realpath(binary, NULL);
            bool is_self = self != NULL && strcmp(self, path) == 0;
            free(self);
            if (!is_self) {
                rc = try_path(&s, out, path, false);
                if (rc != 0)
                    return rc < 0 ? rc : 0;
            }
            snprintf(path, sizeof path, "%s/.debug/%s", dir, ref->debuglink);
            rc = try_path(&s, out, path, false);
            if (rc != 0)
                return rc < 0 ? rc : 0;
        }
        for (size_t i = 0; i < ndirs; i++) {
            snprintf(path, sizeof path, "%s%s/%s", dirs[i], dir, ref->debuglink);
            rc = try_path(&s, out, path, false);
            if (rc != 0)
                return rc < 0 ? rc : 0;
        }
    }
    if (s.why[0] == '\0' && ref->debuglink[0] == '\0')
        return 1; /* a build ID, no file of it: just stripped */
    if (s.why[0] != '\0') {
        error_set(ALIGN_EFORMAT, binary, 0, 0,
                  "no DWARF here, and no separate debug file matches it: %s", s.why);
        error_hint("install the debug file of this very build, or point --debug-dir at the "
                   "directory holding it");
    } else {
        error_set(ALIGN_EFORMAT, binary, 0, 0,
                  "no DWARF here, and its separate debug file (%s%s%s%s) is not found: "
                  "looked at %s",
                  ref->debuglink[0] ? ref->debuglink : "",
                  ref->debuglink[0] && build_id ? ", " : "", build_id ? "build ID " : "",
                  build_id ? build_id : "", s.tried[0] ? s.tried : "(nowhere)");
        error_hint("install the debug file (Debian: the -dbgsym package) or point "
                   "--debug-dir at the directory holding it (DIR/.build-id/xx/rest.debug, or "
                   "DIR/<the binary's directory>/NAME)");
    }
    return ALIGN_EFORMAT;
}
