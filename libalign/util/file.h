/*
 * file.h - opening the files a user names, without hanging on them.
 *
 * Every input of every command goes through here (escape logs, -json
 * files; binaries use the same rule in elf_check.c): a FIFO blocks in a
 * plain open() until a writer comes, and /dev/zero or /dev/urandom never
 * end.  So the open is O_NONBLOCK, the descriptor is fstat'ed, and only a
 * regular file is accepted; O_NONBLOCK is then cleared (it means nothing
 * for a regular file, but stdio should not see it).  Standard input ("-")
 * is the one stream accepted as it comes: its readers cap the line length
 * and the total size instead.
 *
 * Rejected: reading special files under the same caps as standard input
 * (a 4 GiB cap on /dev/urandom is seconds of work for a certain error).
 */
#ifndef LIBALIGN_UTIL_FILE_H
#define LIBALIGN_UTIL_FILE_H

#include <stdint.h>
#include <stdio.h>

/* The largest escape log (text or one -json file) read: 4 GiB.  A -m=2
 * all=-m log of a large program is a few hundred MB. */
#define ALIGN_MAX_LOG_BYTES ((uint64_t)4 << 30)

/* Opens path for reading when it is a regular file of at most max_bytes
 * bytes (0: no limit).  On failure sets the error (ALIGN_EIO: cannot open,
 * or not a regular file, naming what it is; ALIGN_ELIMIT: too large) and
 * returns it; *out is then NULL.  The caller fcloses *out. */
int file_open_regular(FILE **out, const char *path, uint64_t max_bytes);

/* "a FIFO", "a character device", ... for a st_mode that is not a regular
 * file. */
const char *file_kind_name(unsigned mode);

#endif
