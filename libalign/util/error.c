/*
 * error.c - the per-thread error record (libgit2's git_error_last model).
 *
 * Library functions return a negative code and leave the details here; the
 * CLI and the Python module format them.  A thread-local record rather than an
 * error out-parameter on every call: the parsers fail deep inside recursion
 * and an extra argument on every function would buy nothing.
 */
#include "util/internal.h"

#include <stdio.h>
#include <string.h>

static _Thread_local align_error last_error;

const align_error *align_error_last(void)
{
    return &last_error;
}

void align_error_clear(void)
{
    memset(&last_error, 0, sizeof last_error);
}

int error_restore(const align_error *e)
{
    last_error = *e;
    return e->code;
}

int error_set(int code, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    /* Formatted before the record is cleared: the arguments may point into
     * it (a message that wraps the previous one, the file of the last). */
    char msg[sizeof last_error.message], where[sizeof last_error.file];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%s", file ? file : "");
    align_error_clear();
    last_error.code = code;
    memcpy(last_error.file, where, sizeof where);
    last_error.line = line;
    last_error.col = col;
    memcpy(last_error.message, msg, sizeof msg);
    return code;
}

void error_hint(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error.hint, sizeof last_error.hint, fmt, ap);
    va_end(ap);
}

const char *align_strerror(int code)
{
    switch (code) {
    case ALIGN_OK: return "success";
    case ALIGN_ENOMEM: return "out of memory";
    case ALIGN_ESYNTAX: return "syntax error";
    case ALIGN_EUNKNOWN: return "unknown type";
    case ALIGN_ERECURSIVE: return "recursive type";
    case ALIGN_EOVERFLOW: return "size overflow";
    case ALIGN_EBITFIELD: return "invalid bit-field";
    case ALIGN_EINCOMPLETE: return "incomplete type";
    case ALIGN_EEMPTY: return "nothing to lay out";
    case ALIGN_EINVAL: return "invalid argument";
    case ALIGN_EIO: return "input/output error";
    case ALIGN_EFORMAT: return "bad input format";
    case ALIGN_ENOTFOUND: return "not found";
    case ALIGN_ELIMIT: return "limit exceeded";
    case ALIGN_EMISMATCH: return "model mismatch";
    default: return "unknown error";
    }
}
