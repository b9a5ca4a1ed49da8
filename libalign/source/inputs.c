/*
 * inputs.c - which files' DWARF align_binary_open reads for one path.
 *
 * Who calls it: align_binary_open_opts (dwarf.c), before any DWARF is read.
 * A path is one of:
 *
 *   - an ELF executable, shared library or relocatable object (.o) with
 *     DWARF: read as it is (libdwarf applies an object's relocations to
 *     .debug_info, .debug_str_offsets, .debug_line ... itself);
 *   - a stripped ELF file: its separate debug file is read instead
 *     (debuglink.c finds it by build ID or .gnu_debuglink and checks that
 *     it matches); the Go build information and build ID still come from
 *     the binary;
 *   - a static archive (.a): every member that is an ELF object with DWARF,
 *     as if they were the compile units of one program (their types merge
 *     the same way).  A member that is not ELF, or has no DWARF, is skipped
 *     and counted, and the first one is named (a note, not an error: ar
 *     archives often carry a text file or an object built without -g).
 *
 * Members are copied into anonymous memory files (memfd_create): libdwarf
 * reads whole files by descriptor, and a member is a byte range of the
 * archive.  Rejected: temporary files on disk (they can be left behind, and
 * need a writable directory); libdwarf's object-access interface (a second
 * ELF reader of our own, with relocations, to maintain).
 */
#define _GNU_SOURCE
#include "source/dwarf_read.h"
#include "source/archive.h"
#include "util/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int add_file(input_set *in, const char *shown, const char *path, int fd)
{
    input_file *f;
    if (vec_reserve((void **)&in->files, &in->cap, in->n + 1, sizeof *in->files, 4) < 0)
        return ALIGN_ENOMEM;
    f = &in->files[in->n];
    f->shown = strdup(shown);
    f->path = path ? strdup(path) : NULL;
    f->fd = fd;
    if (f->shown == NULL || (path != NULL && f->path == NULL)) {
        free(f->shown);
        free(f->path);
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    in->n++;
    return 0;
}

void input_set_free(input_set *in)
{
    if (in == NULL)
        return;
    for (size_t i = 0; i < in->n; i++) {
        FREE_ALL(in->files[i].shown, in->files[i].path);
        if (in->files[i].fd >= 0)
            close(in->files[i].fd);
    }
    FREE_ALL(in->files, in->debug_file, in->skipped_member);
    memset(in, 0, sizeof *in);
}

/* An ELF file: itself, or its separate debug file. */
static int resolve_elf(input_set *in, const char *path, int fd, uint64_t size,
                       const char *const *dirs, size_t ndirs, elf_go_info *gi)
{
    elf_debug_ref ref;
    char *debug = NULL;
    int rc = elf_check_fd(fd, size, path, &in->arch, gi, &ref);
    if (rc < 0)
        return rc;
    if (ref.has_dwarf)
        return add_file(in, path, path, -1);
    /* An object file has none to follow; a file with neither a debug link
     * nor a build ID was merely stripped. */
    if (ref.relocatable || (ref.debuglink[0] == '\0' && gi->build_id == NULL))
        return elf_no_dwarf(path, &ref);
    rc = debug_file_find(&debug, path, in->arch, gi->build_id, &ref, dirs, ndirs);
    if (rc > 0) /* only a build ID, and no file of it anywhere */
        return elf_no_dwarf(path, &ref);
    if (rc < 0)
        return rc;
    in->debug_file = debug;
    return add_file(in, debug, debug, -1);
}

/* Notes a member that is skipped (the first one's name and reason are
 * kept). */
static int skip_member(input_set *in, const char *name, const char *why)
{
    size_t n;
    in->nskipped_members++;
    if (in->skipped_member != NULL)
        return 0;
    n = strlen(name) + strlen(why) + 3;
    in->skipped_member = malloc(n);
    if (in->skipped_member == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    snprintf(in->skipped_member, n, "%s: %s", name, why);
    return 0;
}

/* A copy of the member's bytes in an anonymous memory file: its
 * descriptor, or -1 with the error set. */
static int member_copy(int fd, const ar_member *m, const char *path)
{
    unsigned char buf[1 << 16]; /* not static: two threads may read at once */
    uint64_t done = 0;
    int mfd = memfd_create("structalign-member", MFD_CLOEXEC);
    if (mfd < 0) {
        error_set(ALIGN_EIO, path, 0, 0, "cannot copy member %s: memfd_create: %s", m->name,
                  strerror(errno));
        return -1;
    }
    while (done < m->size) {
        size_t want = m->size - done < sizeof buf ? (size_t)(m->size - done) : sizeof buf;
        ssize_t got = pread(fd, buf, want, (off_t)(m->off + done));
        if (got <= 0 || write(mfd, buf, (size_t)got) != got) {
            error_set(ALIGN_EIO, path, 0, 0, "cannot copy member %s: %s", m->name,
                      got < 0    ? strerror(errno)
                      : got == 0 ? "short read"
                                 : strerror(errno));
            close(mfd);
            return -1;
        }
        done += (uint64_t)got;
    }
    return mfd;
}

static int resolve_archive(input_set *in, const char *path, int fd, uint64_t size)
{
    ar_reader ar;
    ar_member m;
    int rc;
    bool have_arch = false;

    ar_begin(&ar, fd, size, path);
    while ((rc = ar_next(&ar, &m)) == 1) {
        unsigned char magic[4] = {0};
        char shown[600];
        elf_debug_ref ref;
        align_arch arch;
        int mfd;
        in->nmembers++;
        snprintf(shown, sizeof shown, "%s(%s)", path, m.name);
        if (m.size < 4 || pread(fd, magic, 4, (off_t)m.off) != 4 ||
            memcmp(magic, "\177ELF", 4) != 0) {
            rc = skip_member(in, m.name, "not an ELF object");
            if (rc < 0)
                break;
            continue;
        }
        mfd = member_copy(fd, &m, path);
        if (mfd < 0) {
            rc = align_error_last()->code;
            break;
        }
        rc = elf_check_fd(mfd, m.size, shown, &arch, NULL, &ref);
        if (rc == 0 && have_arch && arch != in->arch) {
            close(mfd);
            rc = error_set(ALIGN_EFORMAT, path, 0, 0, "members for two machines: %s and %s (%s)",
                           align_arch_name(in->arch), align_arch_name(arch), m.name);
            break;
        }
        if (rc == ALIGN_ENOMEM) {
            close(mfd);
            break;
        }
        if (rc < 0 || !ref.has_dwarf) {
            /* Said as a note: the other members still make a report. */
            char why[300];
            snprintf(why, sizeof why, "%.290s",
                     rc < 0 ? align_error_last()->message : "no DWARF (compiled without -g)");
            close(mfd);
            align_error_clear();
            rc = skip_member(in, m.name, why);
            if (rc < 0)
                break;
            continue;
        }
        in->arch = arch;
        have_arch = true;
        rc = add_file(in, shown, NULL, mfd);
        if (rc < 0) {
            close(mfd);
            break;
        }
    }
    ar_end(&ar);
    if (rc < 0)
        return rc;
    if (in->n == 0) {
        if (in->nmembers == 0)
            error_set(ALIGN_EFORMAT, path, 0, 0, "an empty archive: no member to read");
        else
            error_set(ALIGN_EFORMAT, path, 0, 0,
                      "no member of the archive is an ELF object with DWARF (%zu member%s; "
                      "the first: %s)",
                      in->nmembers, in->nmembers == 1 ? "" : "s",
                      in->skipped_member ? in->skipped_member : "?");
        error_hint("build the objects with debug information (gcc -g -c) before ar rcs");
        return ALIGN_EFORMAT;
    }
    return 0;
}

int input_resolve(input_set *in, const char *path, const char *const *dirs, size_t ndirs,
                  elf_go_info *gi)
{
    uint64_t size = 0;
    int fd = -1, rc;

    memset(in, 0, sizeof *in);
    rc = elf_open(path, &fd, &size);
    if (rc < 0)
        return rc;
    switch (ar_kind(fd, size)) {
    case AR_NORMAL: rc = resolve_archive(in, path, fd, size); break;
    case AR_THIN_ARCHIVE:
        rc = error_set(ALIGN_EFORMAT, path, 0, 0,
                       "a thin archive (ar T): it holds only its members' paths, not the "
                       "objects");
        error_hint("give the objects it lists (ar t %s), or make a normal archive: ar rcs "
                   "LIB.a OBJECTS...",
                   path);
        break;
    default: rc = resolve_elf(in, path, fd, size, dirs, ndirs, gi); break;
    }
    close(fd);
    if (rc < 0)
        input_set_free(in);
    return rc;
}
