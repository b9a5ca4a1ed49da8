/*
 * archive.h - reading the members of a static library; never installed.
 * See archive.c.
 */
#ifndef LIBALIGN_ARCHIVE_H
#define LIBALIGN_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

enum { AR_NONE = 0, AR_NORMAL, AR_THIN_ARCHIVE };

/* What the file at fd is: AR_NONE, AR_NORMAL ("!<arch>") or
 * AR_THIN_ARCHIVE ("!<thin>"). */
int ar_kind(int fd, uint64_t size);

typedef struct ar_reader {
    int fd;
    uint64_t size, pos; /* the file's size; the next header's offset */
    const char *path;   /* for messages */
    char *longnames;    /* the "//" member, or NULL */
    size_t nlong;
} ar_reader;

typedef struct ar_member {
    char name[256];
    uint64_t off, size; /* the data's offset in the archive, its bytes */
} ar_member;

/* Reads the archive at fd (size bytes, whose magic ar_kind found). */
void ar_begin(ar_reader *ar, int fd, uint64_t size, const char *path);
/* The next member, skipping the symbol and long-name tables: 1, 0 at the
 * end, or ALIGN_EFORMAT/ALIGN_EIO/ALIGN_ENOMEM with the message. */
int ar_next(ar_reader *ar, ar_member *m);
void ar_end(ar_reader *ar);

#endif
