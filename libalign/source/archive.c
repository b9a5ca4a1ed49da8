/*
 * archive.c - the members of a static library (`ar rcs libx.a a.o b.o`).
 *
 * Who calls it: input_resolve (inputs.c), which reads every member that is
 * an ELF object as one more input of the same binary, so the types of all
 * members merge as those of a program's compile units do.  The format is
 * the System V / GNU one that binutils' ar writes: the magic "!<arch>\n",
 * then members, each a 60-byte text header (name, mtime, uid, gid, mode,
 * decimal size, "`\n") and its data padded to an even offset.  Names end
 * with '/'; longer ones are "/N", an offset into the "//" member, which
 * holds them '/'-and-newline-terminated; "/" and "/SYM64/" are the symbol
 * tables (BSD's "#1/N" names, with the name in the data, are read too).
 * Sizes: a few hundred members of a few hundred KB each.
 *
 * A thin archive ("!<thin>\n", `ar rcsT`) holds only the members' paths:
 * it is refused with a message saying so (ar_kind), not read as garbage.
 *
 * Every header is checked against the file's size before its data is
 * trusted, so a truncated or corrupt archive is an error, never an
 * out-of-bounds read.
 */
#include "source/dwarf_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/archive.h"

#define AR_MAGIC "!<arch>\n"
#define AR_THIN "!<thin>\n"
#define AR_HDR 60

int ar_kind(int fd, uint64_t size)
{
    char magic[8];
    if (size < 8 || pread(fd, magic, 8, 0) != 8)
        return AR_NONE;
    if (memcmp(magic, AR_MAGIC, 8) == 0)
        return AR_NORMAL;
    if (memcmp(magic, AR_THIN, 8) == 0)
        return AR_THIN_ARCHIVE;
    return AR_NONE;
}

void ar_begin(ar_reader *ar, int fd, uint64_t size, const char *path)
{
    memset(ar, 0, sizeof *ar);
    ar->fd = fd;
    ar->size = size;
    ar->pos = 8;
    ar->path = path;
}

void ar_end(ar_reader *ar)
{
    free(ar->longnames);
    ar->longnames = NULL;
}

/* A decimal header field of n bytes (space-padded); false when not one. */
static bool field_number(const char *f, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    if (i == n || f[i] < '0' || f[i] > '9')
        return false;
    for (; i < n && f[i] >= '0' && f[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != ' ')
            return false;
    *out = v;
    return true;
}

static int corrupt(const ar_reader *ar, const char *what)
{
    error_set(ALIGN_EFORMAT, ar->path, 0, 0, "corrupt archive: %s at offset %llu", what,
              (unsigned long long)ar->pos);
    error_hint("rebuild the archive (ar rcs LIB.a OBJECTS...)");
    return ALIGN_EFORMAT;
}

/* The member's name from its header field (and the long-name table). */
static int member_name(ar_reader *ar, const char *field, ar_member *m)
{
    size_t n = 16;
    while (n > 0 && field[n - 1] == ' ')
        n--;
    if (field[0] == '/' && n > 1 && field[1] >= '0' && field[1] <= '9') {
        uint64_t off;
        const char *s, *end;
        if (!field_number(field + 1, 15, &off) || ar->longnames == NULL || off >= ar->nlong)
            return corrupt(ar, "a long member name outside the name table");
        s = ar->longnames + off;
        end = memchr(s, '\n', ar->nlong - off);
        n = end ? (size_t)(end - s) : ar->nlong - off;
        if (n > 0 && s[n - 1] == '/')
            n--;
        snprintf(m->name, sizeof m->name, "%.*s", (int)n, s);
        return 0;
    }
    if (n > 0 && field[n - 1] == '/')
        n--;
    snprintf(m->name, sizeof m->name, "%.*s", (int)n, field);
    return 0;
}

int ar_next(ar_reader *ar, ar_member *m)
{
    for (;;) {
        char hdr[AR_HDR];
        uint64_t size, data;
        if (ar->pos & 1)
            ar->pos++; /* members start at even offsets */
        if (ar->pos >= ar->size)
            return 0;
        if (ar->size - ar->pos < AR_HDR)
            return corrupt(ar, "a truncated member header");
        if (pread(ar->fd, hdr, AR_HDR, (off_t)ar->pos) != AR_HDR)
            return error_set(ALIGN_EIO, ar->path, 0, 0, "cannot read: %s", strerror(errno));
        if (hdr[58] != '`' || hdr[59] != '\n' || !field_number(hdr + 48, 10, &size))
            return corrupt(ar, "a member header that is not one");
        data = ar->pos + AR_HDR;
        if (size > ar->size - data)
            return corrupt(ar, "a member running past the end of the file");
        ar->pos = data + size;
        memset(m, 0, sizeof *m);
        m->off = data;
        m->size = size;
        if (memcmp(hdr, "/               ", 16) == 0 || memcmp(hdr, "/SYM64/         ", 16) == 0 ||
            memcmp(hdr, "__.SYMDEF", 9) == 0)
            continue; /* symbol tables */
        if (memcmp(hdr, "//              ", 16) == 0) {
            if (ar->longnames != NULL)
                return corrupt(ar, "a second long-name table");
            if (size > (64u << 20))
                return corrupt(ar, "a long-name table over 64 MiB");
            ar->longnames = malloc(size ? size : 1);
            if (ar->longnames == NULL)
                return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
            if (pread(ar->fd, ar->longnames, size, (off_t)data) != (ssize_t)size)
                return error_set(ALIGN_EIO, ar->path, 0, 0, "cannot read: %s", strerror(errno));
            ar->nlong = (size_t)size;
            continue;
        }
        if (memcmp(hdr, "#1/", 3) == 0) {
            /* BSD: the name is the data's first N bytes */
            uint64_t nlen;
            if (!field_number(hdr + 3, 13, &nlen) || nlen > size || nlen >= sizeof m->name)
                return corrupt(ar, "a BSD member name that does not fit");
            if (pread(ar->fd, m->name, nlen, (off_t)data) != (ssize_t)nlen)
                return error_set(ALIGN_EIO, ar->path, 0, 0, "cannot read: %s", strerror(errno));
            m->name[nlen] = '\0';
            m->off += nlen;
            m->size -= nlen;
            return 1;
        }
        if (member_name(ar, hdr, m) < 0)
            return ALIGN_EFORMAT;
        return 1;
    }
}
