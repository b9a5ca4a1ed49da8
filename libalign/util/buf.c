/*
 * buf.c - a growable string for the renderers (curl's dynbuf, smaller).
 *
 * Failure is sticky: renderers append dozens of pieces and check once at the
 * end, which keeps them readable.  Growth doubles, so rendering a whole
 * binary's JSON (tens of MB) costs amortised O(n).
 *
 * JSON: strings escaped to valid UTF-8 JSON (align_buf_json_string), and the
 * "key": value members of objects (align_buf_json_members), through which
 * report_json.c and the CLI's documents write their members.  Rejected: a JSON
 * library (the output is small, append-only and has a stable byte-exact
 * schema, structalign(1)), and one printf per object with a cast per member,
 * which put each key a dozen lines from its value.
 */
#include "util/internal.h"

#include <inttypes.h>
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

size_t utf8_seq(const unsigned char *p, size_t avail)
{
    size_t n;
    uint32_t cp;
    if (avail == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates, past U+10FFFF. */
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return n;
}

/* JSON's two-character escape of c, or NULL when c has none. */
static const char *json_short_escape(unsigned char c)
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    default: return NULL;
    }
}

void align_buf_json_string(align_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    align_buf_append(b, "\"", 1);
    while (*p) {
        const char *esc = json_short_escape(*p);
        /* 4 bytes may be asked for: the NUL ends a sequence before them */
        size_t n = esc != NULL || *p < 0x20 || *p == 0x7f ? 1 : utf8_seq(p, 4);
        if (esc != NULL)
            align_buf_append(b, esc, 2);
        else if (*p < 0x20 || *p == 0x7f)
            align_buf_printf(b, "\\u%04x", *p);
        else if (n == 0)
            align_buf_append(b, "\\ufffd", 6); /* not UTF-8: keep the output valid JSON */
        else
            align_buf_append(b, (const char *)p, n);
        p += n ? n : 1;
    }
    align_buf_append(b, "\"", 1);
}

/* The comma rule: a member that opens its object has none before it.  Read
 * from the buffer rather than kept in a "first member" flag, so that callers
 * can add members in several calls (and to a reopened object) with no state
 * of their own. */
void align_buf_json_key(align_buf *b, const char *key)
{
    if (b->len > 0 && b->data[b->len - 1] != '{')
        align_buf_append(b, ",", 1);
    align_buf_json_string(b, key);
    align_buf_append(b, ":", 1);
}

void align_buf_json_members(align_buf *b, const align_json_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        align_buf_json_key(b, m[i].key);
        switch (m[i].kind) {
        case ALIGN_JSON_U64: align_buf_printf(b, "%" PRIu64, m[i].u); break;
        case ALIGN_JSON_I64: align_buf_printf(b, "%" PRId64, m[i].i); break;
        case ALIGN_JSON_BOOL: align_buf_puts(b, m[i].u ? "true" : "false"); break;
        case ALIGN_JSON_STR:
            if (m[i].s != NULL)
                align_buf_json_string(b, m[i].s);
            else
                align_buf_puts(b, "null");
            break;
        }
    }
}
