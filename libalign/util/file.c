/*
 * file.c - opening the files a user names, without hanging on them (see
 * file.h for why).
 */
#include "util/file.h"

#include "util/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *file_kind_name(unsigned mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

int file_open_regular(FILE **out, const char *path, uint64_t max_bytes)
{
    struct stat st;
    int fd, flags;
    FILE *f;

    *out = NULL;
    /* O_NONBLOCK: open() of a FIFO without a writer would wait forever. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error_set(ALIGN_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return error_set(ALIGN_EIO, path, 0, 0, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        error_set(ALIGN_EIO, path, 0, 0, "is %s, not a regular file",
                  file_kind_name((unsigned)st.st_mode));
        error_hint("give a file; to read a stream, pipe it to standard input ('-'), "
                   "which is read with size limits");
        return ALIGN_EIO;
    }
    if (max_bytes > 0 && (uint64_t)st.st_size > max_bytes) {
        close(fd);
        error_set(ALIGN_ELIMIT, path, 0, 0,
                  "%llu bytes: larger than the limit of %llu MiB for one input",
                  (unsigned long long)st.st_size, (unsigned long long)(max_bytes >> 20));
        error_hint("is this the right file? split the log per package if it really is");
        return ALIGN_ELIMIT;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    f = fdopen(fd, "rb");
    if (f == NULL) {
        int e = errno;
        close(fd);
        return error_set(ALIGN_EIO, path, 0, 0, "cannot open: %s", strerror(e));
    }
    *out = f;
    return 0;
}
