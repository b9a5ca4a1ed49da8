/*
 * buf.c - a growable string for the renderers (curl's dynbuf, smaller).
 *
 * Failure is sticky: renderers append dozens of pieces and check once at the
 * end, which keeps them readable.  Growth doubles, so rendering a whole
 * binary's JSON (tens of MB) costs amortised O(n).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void align_buf_init(align_buf *b)
{
    memset(b, 0, sizeof *b);
}

void align_buf_free(align_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    memset(b, 0, sizeof *b);
}

static bool reserve(align_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;
    if (b->failed)
        return false;
    if (!add_u64(b->len, extra, (uint64_t *)&need) || need == SIZE_MAX) {
        b->failed = 1;
        return false;
    }
    need++;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = 1;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void align_buf_append(align_buf *b, const char *s, size_t len)
{
    if (!reserve(b, len))
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void align_buf_puts(align_buf *b, const char *s)
{
    align_buf_append(b, s, strlen(s));
}

void align_buf_vprintf(align_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void align_buf_printf(align_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    align_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void align_buf_json_string(align_buf *b, const char *s)
{
    align_buf_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': align_buf_append(b, "\\\"", 2); break;
        case '\\': align_buf_append(b, "\\\\", 2); break;
        case '\n': align_buf_append(b, "\\n", 2); break;
        case '\t': align_buf_append(b, "\\t", 2); break;
        case '\r': align_buf_append(b, "\\r", 2); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                align_buf_printf(b, "\\u%04x", *p);
            else
                align_buf_append(b, (const char *)p, 1);
        }
    }
    align_buf_append(b, "\"", 1);
}
