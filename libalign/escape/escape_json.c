/*
 * escape_json.c - heap sites from the directory `go build
 * -gcflags=-json=0,DIR` writes (cmd/compile/internal/logopt).
 *
 * Layout (go1.19.8, checked on tests/escape/shapes): DIR/<url.PathEscape of
 * the package path>/<file base name>.json; the main package's directory is
 * "main", not its import path; a generic function instantiated in package
 * main is logged under main/ with its own file ("main/gen.json").  Each file
 * is JSON lines: line 1 a header
 *   {"version":0,"package":"main","goos":"linux","goarch":"amd64",
 *    "gc_version":"go1.19.8","file":"/abs/path/main.go"}
 * then one LSP diagnostic a line, sorted by position:
 *   {"range":{"start":{"line":24,"character":2},"end":{...}},"severity":3,
 *    "code":"escape","source":"go compiler","message":"o escapes to heap",
 *    "relatedInformation":[{"location":{...},"message":"escflow:    flow:
 *    ~r0 = &o:"}, ...]}
 * Lines and characters are 1-based (the -m text positions), despite LSP.
 *
 * What go1.19 logs for escape analysis, and how it maps to sites:
 *   code "escape"/"escapes", message "X escapes to heap": one heap site.
 *     "escapes" comes from graph.go (the value flows straight to the heap),
 *     "escape" from solve.go; both carry the explanation.  A moved variable
 *     is logged the same way ("o escapes to heap", no "moved to heap"): its
 *     first "flow:" line reads "DST = &o:" where an allocated expression
 *     reads "DST = &{storage for X}:".  That is how MOVED is told apart.
 *   code "escape", message "": a second record for each escaping expression
 *     (not variable), same position, from escape.go.  Dropped, except that
 *     when a position has more of these than named records, the extras
 *     become UNKNOWN sites, so that no allocation is ever lost.
 *   code "leak": "parameter p leaks to {heap} with derefs=0": not a site.
 *     "parameter p leaks to {storage for func literal} with derefs=0"
 *     whose explanation reads "from p (captured by a closure)" at the
 *     closure's use of p: p is captured by value (every release 1.19-1.27;
 *     -json has no "capturing by value" line).  Recorded as a capture with
 *     no function name (func "") and that use's line (use_line).
 *   Nothing is logged for "does not escape": -json logs have no stack sites.
 *   Other codes (canInlineFunction, nilcheck, isInBounds, ...) are ignored.
 *   relatedInformation entries with message "inlineLoc" give the inlined
 *   callee's position; the site's position is the outermost (the caller's),
 *   as in the -m text.
 *
 * Every line is parsed with json-c (a tokener reused across lines), so a
 * malformed line is reported with its file:line.  Rejected: a hand-written
 * JSON scanner (escaping, nesting and numbers are exactly where the bugs
 * would be), and a streaming parse of the whole file as one value (the
 * file is JSON lines, not one document).
 */
#include "escape/escape.h"
#include "util/file.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct json_input {
    align_escape_log *log;
    const char *name;    /* interned path of the .json file */
    const char *file;    /* from the header: the source file */
    const char *package; /* from the header; NULL for "\0" */
    bool have_header;
    json_tokener *tok;
    /* Records of the current position (line, col). */
    bool group_open;
    unsigned group_line, group_col;
    uint64_t group_named; /* escaping expressions with a message */
    uint64_t group_empty; /* "escape" records with an empty message */
    uint64_t group_input_line;
} json_input;

static const char json_hint[] = "produce it with: go build -a -gcflags=-json=0,$PWD/escape ./... "
                                "(a cached build writes nothing)";

static int bad_json(json_input *in, uint64_t lineno, const char *what, const char *detail)
{
    error_set(ALIGN_EFORMAT, in->name, (unsigned)(lineno > UINT32_MAX ? 0 : lineno), 0, "%s%s%s",
              what, detail ? ": " : "", detail ? detail : "");
    error_hint("%s", json_hint);
    return ALIGN_EFORMAT;
}

static json_object *member(json_object *o, const char *key, json_type type)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

/* A position number in [min, UINT32_MAX] at *out: 1; absent: 0 (*out 0);
 * present but not such a number (negative, past 2^32-1, not an integer):
 * the error, naming the value. */
static int position_number(json_input *in, uint64_t lineno, json_object *o, const char *key,
                           int64_t min, unsigned *out)
{
    json_object *v = NULL;
    int64_t n;
    char what[64];
    *out = 0;
    if (!json_object_object_get_ex(o, key, &v) || v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_int)) {
        n = json_object_get_int64(v);
        /* json-c keeps integers past INT64_MAX as uint64: get_int64 clamps
         * them to INT64_MAX, past the range below either way. */
        if (n >= min && n <= (int64_t)UINT32_MAX) {
            *out = (unsigned)n;
            return 1;
        }
    }
    snprintf(what, sizeof what, "range.start.%s is %.24s", key, json_object_to_json_string(v));
    return bad_json(in, lineno, what,
                    min > 0 ? "not a line number from 1 to 4294967295"
                            : "not a column number from 0 to 4294967295");
}

/* Emits UNKNOWN sites for the allocations of the closed position group
 * that had no named record. */
static int group_flush(json_input *in)
{
    align_escape_site site;
    int rc;

    if (!in->group_open)
        return 0;
    in->group_open = false;
    for (uint64_t i = in->group_named; i < in->group_empty; i++) {
        memset(&site, 0, sizeof site);
        site.file = in->file;
        site.line = in->group_line;
        site.col = in->group_col;
        site.package = in->package;
        site.kind = ALIGN_ESCAPE_UNKNOWN;
        site.expr = esc_intern(in->log, "", 0);
        if (site.expr == NULL)
            return ALIGN_ENOMEM;
        site.input = in->name;
        site.input_line = in->group_input_line;
        rc = esc_add_site(in->log, &site);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int group_enter(json_input *in, unsigned line, unsigned col, uint64_t lineno)
{
    int rc;
    if (in->group_open && in->group_line == line && in->group_col == col)
        return 0;
    rc = group_flush(in);
    if (rc < 0)
        return rc;
    in->group_open = true;
    in->group_line = line;
    in->group_col = col;
    in->group_named = in->group_empty = 0;
    in->group_input_line = lineno;
    return 0;
}

/* What the explanation of an escaping value says: whether its first
 * "flow:" starts at the address of the variable `name` ("flow: DST = &name:"
 * in go1.19-1.24, "DST ← &name:" in go1.25+), i.e. the site is a variable
 * moved to the heap, not an allocated expression; the destination of that
 * first flow when it takes an address; and the innermost "inlineLoc" (the
 * position in the inlined callee the allocation is written at). */
typedef struct json_explain {
    bool moved;
    const char *dst; /* in the JSON object: valid while it lives */
    size_t dlen;
    const char *inline_uri;
    unsigned inline_line;
} json_explain;

static void explain(json_object *diag, const char *name, size_t len, json_explain *x)
{
    json_object *rel = member(diag, "relatedInformation", json_type_array);
    size_t n = rel ? json_object_array_length(rel) : 0;
    bool flow_seen = false;

    memset(x, 0, sizeof *x);
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(rel, i);
        json_object *msg = member(r, "message", json_type_string);
        const char *m, *flow, *dst, *src;
        size_t dlen, slen;
        if (msg == NULL)
            continue;
        m = json_object_get_string(msg);
        if (strcmp(m, "inlineLoc") == 0 && !flow_seen) {
            /* The first inlineLoc of a record is the innermost callee's. */
            json_object *loc = member(r, "location", json_type_object);
            json_object *uri = loc ? member(loc, "uri", json_type_string) : NULL;
            json_object *range = loc ? member(loc, "range", json_type_object) : NULL;
            json_object *start = range ? member(range, "start", json_type_object) : NULL;
            if (x->inline_uri == NULL && uri != NULL && start != NULL) {
                x->inline_uri = json_object_get_string(uri);
                json_object *ln = member(start, "line", json_type_int);
                int64_t v = ln ? json_object_get_int64(ln) : 0;
                x->inline_line = v > 0 && v <= (int64_t)UINT32_MAX ? (unsigned)v : 0;
            }
            continue;
        }
        if (strncmp(m, "escflow:", 8) != 0)
            continue;
        flow = strstr(m + 8, "flow: "); /* not the "flow:" of "escflow:" */
        if (flow == NULL || flow_seen)
            continue; /* a "from" line */
        flow_seen = true;
        flow += 6;
        if (!esc_split_flow(flow, strlen(flow), &dst, &dlen, &src, &slen) || src[0] != '&')
            continue;
        x->dst = dst;
        x->dlen = dlen;
        x->moved = slen == len + 1 && strncmp(src + 1, name, len) == 0;
    }
}

static int json_header(json_input *in, json_object *o, uint64_t lineno)
{
    json_object *version = member(o, "version", json_type_int);
    json_object *pkg = member(o, "package", json_type_string);
    json_object *file = member(o, "file", json_type_string);
    const char *s;
    size_t len;

    if (version == NULL || pkg == NULL)
        return bad_json(in, lineno, "not a Go compiler -json log",
                        "the first line is not a {\"version\",\"package\",...} header");
    if (json_object_get_int64(version) != 0) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)json_object_get_int64(version));
        return bad_json(in, lineno, "unsupported -json log version", v);
    }
    if (file == NULL || json_object_get_string_len(file) == 0)
        return bad_json(in, lineno, "the -json header names no source file", NULL);
    s = json_object_get_string(pkg);
    len = (size_t)json_object_get_string_len(pkg);
    in->package = NULL;
    if (len > 0 && !(len == 1 && s[0] == '\0')) {
        in->package = esc_intern(in->log, s, len);
        if (in->package == NULL)
            return ALIGN_ENOMEM;
    }
    in->file =
        esc_intern(in->log, json_object_get_string(file), (size_t)json_object_get_string_len(file));
    if (in->file == NULL)
        return ALIGN_ENOMEM;
    in->have_header = true;
    in->log->stats.ignored++;
    return 0;
}

/* A "leak" record: a by-value capture when it is "parameter X leaks to
 * {storage for func literal} with derefs=0" explained "from X (captured
 * by a closure)"; else ignored. */
static int json_capture(json_input *in, json_object *o, const char *m, unsigned line,
                        uint64_t lineno)
{
    static const char pre[] = "parameter ", post[] = " leaks to {storage for func literal} ";
    json_object *rel = member(o, "relatedInformation", json_type_array);
    size_t n = rel ? json_object_array_length(rel) : 0;
    const char *end;
    size_t nlen;
    align_escape_capture c;

    in->log->stats.ignored++; /* not a site */
    if (strncmp(m, pre, sizeof pre - 1) != 0)
        return 0;
    m += sizeof pre - 1;
    end = strstr(m, post);
    if (end == NULL || end == m || strstr(end, "with derefs=0") == NULL)
        return 0;
    nlen = (size_t)(end - m);
    if (m[0] == '.' || memchr(m, ' ', nlen) != NULL)
        return 0; /* ".dict" of a generic function */
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < n && c.use_line == 0; i++) {
        json_object *r = json_object_array_get_idx(rel, i);
        json_object *msg = member(r, "message", json_type_string);
        json_object *loc = member(r, "location", json_type_object);
        json_object *range = loc ? member(loc, "range", json_type_object) : NULL;
        json_object *start = range ? member(range, "start", json_type_object) : NULL;
        json_object *ln = start ? member(start, "line", json_type_int) : NULL;
        const char *t = msg ? json_object_get_string(msg) : "";
        const char *from = strstr(t, "from ");
        int64_t v = ln ? json_object_get_int64(ln) : 0;
        if (from == NULL || strncmp(from + 5, m, nlen) != 0 ||
            strcmp(from + 5 + nlen, " (captured by a closure)") != 0)
            continue;
        if (v > 0 && v <= (int64_t)UINT32_MAX)
            c.use_line = (unsigned)v;
    }
    if (c.use_line == 0)
        return 0;
    c.by_value = 1;
    c.line = line;
    c.file = in->file;
    c.package = in->package;
    c.input = in->name;
    c.input_line = lineno;
    c.func = esc_intern(in->log, "", 0);
    c.var_name = esc_intern(in->log, m, nlen);
    if (c.func == NULL || c.var_name == NULL)
        return ALIGN_ENOMEM;
    return esc_add_capture(in->log, &c);
}

static int json_diagnostic(json_input *in, json_object *o, uint64_t lineno)
{
    static const char suffix[] = " escapes to heap";
    const size_t slen = sizeof suffix - 1;
    json_object *range = member(o, "range", json_type_object);
    json_object *start = range ? member(range, "start", json_type_object) : NULL;
    json_object *code = member(o, "code", json_type_string);
    json_object *msg = member(o, "message", json_type_string);
    align_escape_site site;
    json_explain x;
    const char *c, *m;
    size_t mlen;
    unsigned line;
    int rc;

    if (start == NULL || code == NULL)
        return bad_json(in, lineno, "a diagnostic without range.start or code", NULL);
    rc = position_number(in, lineno, start, "line", 1, &line);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return bad_json(in, lineno, "a diagnostic without range.start.line", NULL);
    c = json_object_get_string(code);
    if (strcmp(c, "leak") == 0 && msg != NULL)
        return json_capture(in, o, json_object_get_string(msg), line, lineno);
    if (strcmp(c, "escape") != 0 && strcmp(c, "escapes") != 0) {
        in->log->stats.ignored++; /* "leak", "nilcheck", "canInlineFunction", ... */
        return 0;
    }
    memset(&site, 0, sizeof site);
    site.line = line;
    rc = position_number(in, lineno, start, "character", 0, &site.col);
    if (rc < 0)
        return rc;
    rc = group_enter(in, site.line, site.col, lineno);
    if (rc < 0)
        return rc;
    m = msg ? json_object_get_string(msg) : "";
    mlen = msg ? (size_t)json_object_get_string_len(msg) : 0;
    if (mlen == 0) {
        in->group_empty++;
        in->log->stats.ignored++;
        return 0;
    }
    if (mlen <= slen || memcmp(m + mlen - slen, suffix, slen) != 0 ||
        memchr(m, '\0', mlen) != NULL) {
        in->log->stats.ignored++;
        return 0;
    }
    mlen -= slen;
    explain(o, m, mlen, &x);
    if (x.dst != NULL) {
        site.flow_dst = esc_intern(in->log, x.dst, x.dlen);
        if (site.flow_dst == NULL)
            return ALIGN_ENOMEM;
    }
    if (x.inline_uri != NULL) {
        const char *u = x.inline_uri;
        if (strncmp(u, "file://", 7) == 0)
            u += 7;
        site.inline_file = esc_intern(in->log, u, strlen(u));
        if (site.inline_file == NULL)
            return ALIGN_ENOMEM;
        site.inline_line = x.inline_line;
    }
    if (x.moved) {
        site.kind = ALIGN_ESCAPE_MOVED;
        site.expr = site.var_name = esc_intern(in->log, m, mlen);
        if (site.expr == NULL)
            return ALIGN_ENOMEM;
    } else {
        rc = esc_classify(in->log, &site, m, mlen);
        if (rc < 0)
            return rc;
        in->group_named++;
    }
    site.file = in->file;
    site.package = in->package;
    site.input = in->name;
    site.input_line = lineno;
    return esc_add_site(in->log, &site);
}

/* ------------------------------------------------ the "leak" fast path */

/* 98% of the bytes of cmd/compile's -json directory (670 of 682 MB) are
 * "leak" records ("parameter p leaks to {heap} with derefs=0" and their
 * explanations), which are never sites: parsing each into json-c objects
 * made the -json join 5x slower than the text one.  A line is let through
 * unparsed when a strict, allocation-free scan proves what the full parse
 * would conclude: it is one well-formed JSON object (RFC 8259, which json-c
 * accepts too), its range.start.line an integer from 1 to 2^32-1, and its
 * top-level "code" (unescaped) is neither "escape" nor "escapes" (sites)
 * nor a "leak" that could be a by-value capture ("for func literal" in its
 * message, or a \u escape that could help spell it).  The other codes
 * (isInBounds, nilcheck, canInlineFunction, ...) are ignored the same way.  Anything the
 * scan does not prove (a duplicate key, deeper nesting than json-c allows,
 * a number where a string should be) goes to json-c as before, so errors
 * and their messages are unchanged. */

#define FAST_MAX_DEPTH 32 /* json-c's default nesting limit */

enum { ROLE_NONE, ROLE_TOP, ROLE_RANGE, ROLE_START };

typedef struct fast_scan {
    const char *p, *end;
    const char *code; /* the top-level "code" string's raw bytes */
    size_t code_len;
    const char *msg; /* the top-level "message" string's raw bytes, or NULL */
    size_t msg_len;
    uint64_t line; /* range.start.line; 0: absent or not an integer */
    unsigned seen; /* bits: 1 code, 2 range, 4 start, 8 line, 16 message
                      (each seen once) */
    bool escapes;  /* some string holds a \u escape of a letter, digit,
                      space, brace, '=' or '.' */
} fast_scan;

static void fast_ws(fast_scan *f)
{
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r'))
        f->p++;
}

static bool fast_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether the 4 hex digits at h escape a character that could help spell
 * a capture's message (a letter, digit, space, '{', '}', '=' or '.'); Go
 * escapes '&', '<' and '>' (\u0026, \u003c, \u003e) in every explanation,
 * and those cannot. */
static bool fast_spells(const char *h)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = h[i];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v == ' ' || v == '{' || v == '}' || v == '=' || v == '.' || (v >= '0' && v <= '9') ||
           ((v | 0x20) >= 'a' && (v | 0x20) <= 'z');
}

/* A string at f->p; its raw contents (between the quotes) in *s, *n. */
#define BYTES(c) (0x0101010101010101ull * (c))

/* Whether one of the 8 bytes of x ends a plain run of string bytes: a
 * quote, a backslash or a control character (the bit tricks are exact:
 * each sets a high bit only for a byte that is zero, or below 0x20). */
static bool stops_string(uint64_t x)
{
    uint64_t q = x ^ BYTES('"'), b = x ^ BYTES('\\');
    return (((x - BYTES(0x20)) & ~x) | ((q - BYTES(1)) & ~q) | ((b - BYTES(1)) & ~b)) & BYTES(0x80);
}

/* The first byte at or after r that ends a plain run of string bytes
 * (see stops_string), or end.  Strings are most of a line's bytes: 16 at a
 * time where SSE2 is there (every amd64), else 8. */
static const char *string_stop(const char *r, const char *end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  high3 = _mm_set1_epi8((char)0xe0), zero = _mm_setzero_si128();
    while (end - r >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)r);
        __m128i stop =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmpeq_epi8(_mm_and_si128(v, high3), zero)); /* below 0x20 */
        unsigned bits = (unsigned)_mm_movemask_epi8(stop);
        if (bits != 0)
            return r + __builtin_ctz(bits);
        r += 16;
    }
#endif
    while (end - r >= 8) {
        uint64_t x;
        memcpy(&x, r, 8);
        if (stops_string(x))
            break;
        r += 8;
    }
    while (r < end && (unsigned char)*r >= 0x20 && *r != '"' && *r != '\\')
        r++;
    return r;
}

/* A string at f->p; its raw contents (between the quotes) in *s, *n. */
static bool fast_string(fast_scan *f, const char **s, size_t *n)
{
    if (f->p >= f->end || *f->p != '"')
        return false;
    *s = ++f->p;
    for (;;) {
        const char *r = string_stop(f->p, f->end);
        if (r >= f->end)
            return false;
        if (*r == '"') {
            *n = (size_t)(r - *s);
            f->p = r + 1;
            return true;
        }
        if (*r != '\\' || f->end - r < 2)
            return false; /* a control character */
        if (r[1] == 'u') {
            if (f->end - r < 6 || !fast_hex(r[2]) || !fast_hex(r[3]) || !fast_hex(r[4]) ||
                !fast_hex(r[5]))
                return false;
            f->escapes |= fast_spells(r + 2);
            f->p = r + 6;
        } else if (r[1] != '\0' && strchr("\"\\/bfnrt", r[1]) != NULL) {
            f->p = r + 2; /* an escaped quote is skipped here, not taken for the end */
        } else {
            return false;
        }
    }
}

/* A number; *integer: its value when it is a plain integer (no sign,
 * fraction or exponent) below 2^33, else UINT64_MAX. */
static bool fast_number(fast_scan *f, uint64_t *integer)
{
    const char *start = f->p;
    bool plain = true;
    uint64_t v = 0;
    if (f->p < f->end && *f->p == '-') {
        plain = false;
        f->p++;
    }
    if (f->p >= f->end || *f->p < '0' || *f->p > '9')
        return false;
    if (*f->p == '0' && f->p + 1 < f->end && f->p[1] >= '0' && f->p[1] <= '9')
        return false; /* a leading zero */
    while (f->p < f->end && *f->p >= '0' && *f->p <= '9') {
        if (v < ((uint64_t)1 << 33))
            v = v * 10 + (uint64_t)(*f->p - '0');
        f->p++;
    }
    if (f->p < f->end && *f->p == '.') {
        plain = false;
        if (++f->p >= f->end || *f->p < '0' || *f->p > '9')
            return false;
        while (f->p < f->end && *f->p >= '0' && *f->p <= '9')
            f->p++;
    }
    if (f->p < f->end && (*f->p == 'e' || *f->p == 'E')) {
        plain = false;
        if (++f->p < f->end && (*f->p == '+' || *f->p == '-'))
            f->p++;
        if (f->p >= f->end || *f->p < '0' || *f->p > '9')
            return false;
        while (f->p < f->end && *f->p >= '0' && *f->p <= '9')
            f->p++;
    }
    *integer = plain && f->p - start <= 10 ? v : UINT64_MAX;
    return true;
}

static bool fast_word(fast_scan *f, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0)
        return false;
    f->p += n;
    return true;
}

static bool fast_value(fast_scan *f, int depth, int role);

/* After an item of an object or an array: 0 at a ',' (another item
 * follows), 1 at the closing bracket close, -1 at anything else; consumes
 * the ',' or the bracket. */
static int fast_after_item(fast_scan *f, char close)
{
    fast_ws(f);
    if (f->p >= f->end)
        return -1;
    if (*f->p == close) {
        f->p++;
        return 1;
    }
    if (*f->p != ',')
        return -1;
    f->p++;
    return 0;
}

/* Marks bit in f->seen; false when it was seen already (a duplicate key:
 * json-c keeps the last one, left to it). */
static bool fast_once(fast_scan *f, unsigned bit)
{
    if (f->seen & bit)
        return false;
    f->seen |= bit;
    return true;
}

static bool fast_object(fast_scan *f, int depth, int role)
{
    f->p++; /* '{' */
    fast_ws(f);
    if (f->p < f->end && *f->p == '}') {
        f->p++;
        return true;
    }
    for (;;) {
        const char *k;
        size_t kn;
        int sub = ROLE_NONE;
        fast_ws(f);
        if (!fast_string(f, &k, &kn))
            return false;
        fast_ws(f);
        if (f->p >= f->end || *f->p != ':')
            return false;
        f->p++;
        fast_ws(f);
#define KEY_IS(lit) (kn == sizeof lit - 1 && memcmp(k, lit, kn) == 0)
        if (role == ROLE_TOP && KEY_IS("code")) {
            const char *v;
            size_t vn;
            if (!fast_once(f, 1) || !fast_string(f, &v, &vn))
                return false;
            f->code = v;
            f->code_len = vn;
        } else if (role == ROLE_TOP && KEY_IS("message")) {
            if (!fast_once(f, 16))
                return false;
            if (f->p < f->end && *f->p == '"') {
                if (!fast_string(f, &f->msg, &f->msg_len))
                    return false;
            } else if (!fast_value(f, depth, ROLE_NONE)) {
                return false;
            }
        } else if (role == ROLE_START && KEY_IS("line")) {
            uint64_t v;
            if (!fast_once(f, 8) || !fast_number(f, &v))
                return false;
            f->line = v <= UINT32_MAX ? v : 0;
        } else {
            if (role == ROLE_TOP && KEY_IS("range")) {
                if (!fast_once(f, 2) || f->p >= f->end || *f->p != '{')
                    return false;
                sub = ROLE_RANGE;
            } else if (role == ROLE_RANGE && KEY_IS("start")) {
                if (!fast_once(f, 4) || f->p >= f->end || *f->p != '{')
                    return false;
                sub = ROLE_START;
            }
            if (!fast_value(f, depth, sub))
                return false;
        }
#undef KEY_IS
        int after = fast_after_item(f, '}');
        if (after != 0)
            return after > 0;
    }
}

static bool fast_value(fast_scan *f, int depth, int role)
{
    const char *s;
    size_t n;
    uint64_t v;
    if (f->p >= f->end || depth >= FAST_MAX_DEPTH)
        return false;
    switch (*f->p) {
    case '{': return fast_object(f, depth + 1, role);
    case '[':
        f->p++;
        fast_ws(f);
        if (f->p < f->end && *f->p == ']') {
            f->p++;
            return true;
        }
        for (;;) {
            fast_ws(f);
            if (!fast_value(f, depth + 1, ROLE_NONE))
                return false;
            int after = fast_after_item(f, ']');
            if (after != 0)
                return after > 0;
        }
    case '"': return fast_string(f, &s, &n);
    case 't': return fast_word(f, "true");
    case 'f': return fast_word(f, "false");
    case 'n': return fast_word(f, "null");
    default: return fast_number(f, &v);
    }
}

/* Whether the line s[0..n) is a diagnostic that the full parse would only
 * count as ignored (see above): a "leak" that is no capture, or another
 * code that is not "escape"/"escapes". */
static bool fast_leak(const char *s, size_t n)
{
    static const char capture[] = "for func literal";
    fast_scan f = {.p = s, .end = s + n};
    fast_ws(&f);
    if (f.p >= f.end || *f.p != '{' || !fast_object(&f, 1, ROLE_TOP))
        return false;
    while (f.p < f.end && (*f.p == ' ' || *f.p == '\t'))
        f.p++;
    if (f.p != f.end || f.line == 0 || (f.seen & 15) != 15)
        return false;
    if (memchr(f.code, '\\', f.code_len) != NULL)
        return false;
    if ((f.code_len == 6 && memcmp(f.code, "escape", 6) == 0) ||
        (f.code_len == 7 && memcmp(f.code, "escapes", 7) == 0))
        return false; /* a site */
    if (f.code_len != 4 || memcmp(f.code, "leak", 4) != 0)
        return true; /* "isInBounds", "nilcheck", "canInlineFunction", ... */
    if (f.escapes)
        return false;
    if (f.msg == NULL)
        return true; /* no message: json-c's path ignores it too */
    for (const char *p = f.msg, *end = f.msg + f.msg_len;;) {
        p = memchr(p, 'f', (size_t)(end - p));
        if (p == NULL || (size_t)(end - p) < sizeof capture - 1)
            return true;
        if (memcmp(p, capture, sizeof capture - 1) == 0)
            return false;
        p++;
    }
}

static int json_line(void *ctx, const char *s, size_t n, uint64_t lineno, bool overlong)
{
    json_input *in = ctx;
    json_object *o;
    enum json_tokener_error jerr;
    size_t end, i;
    int rc;

    in->log->stats.lines++;
    if (overlong) {
        error_set(ALIGN_ELIMIT, in->name, (unsigned)(lineno > UINT32_MAX ? 0 : lineno), 0,
                  "a line longer than %zu MiB", ESC_MAX_JSON_LINE >> 20);
        return ALIGN_ELIMIT;
    }
    for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
        ;
    if (i == n)
        return 0;
    if (n > INT32_MAX)
        return bad_json(in, lineno, "malformed JSON", "line too long");
    if (in->have_header && fast_leak(s, n)) {
        in->log->stats.ignored++;
        return 0;
    }
    json_tokener_reset(in->tok);
    o = json_tokener_parse_ex(in->tok, s, (int)n);
    jerr = json_tokener_get_error(in->tok);
    if (o == NULL || jerr != json_tokener_success) {
        json_object_put(o);
        return bad_json(in, lineno, "malformed JSON",
                        jerr == json_tokener_continue ? "truncated"
                                                      : json_tokener_error_desc(jerr));
    }
    end = json_tokener_get_parse_end(in->tok);
    while (end < n && (s[end] == ' ' || s[end] == '\t'))
        end++;
    if (end != n) {
        json_object_put(o);
        return bad_json(in, lineno, "malformed JSON", "text after the value");
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return bad_json(in, lineno, "malformed JSON", "a line that is not an object");
    }
    rc = in->have_header ? json_diagnostic(in, o, lineno) : json_header(in, o, lineno);
    json_object_put(o);
    return rc;
}

/* Reads one .json file or buffer into the log, without rolling back. */
static int read_json(align_escape_log *log, const char *name, FILE *f, const char *mem, size_t len)
{
    json_input in = {.log = log};
    int rc;

    in.name = esc_intern(log, name, strlen(name));
    if (in.name == NULL)
        return ALIGN_ENOMEM;
    in.tok = json_tokener_new();
    if (in.tok == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    rc = esc_read_lines_progress(log, f, mem, len, name, ESC_MAX_JSON_LINE, json_line, &in);
    if (rc == 0)
        rc = group_flush(&in);
    if (rc == 0 && !in.have_header)
        rc = bad_json(&in, 0, "empty: not a Go compiler -json log", NULL);
    json_tokener_free(in.tok);
    if (rc == 0)
        log->stats.inputs++;
    return rc;
}

static int read_json_file(align_escape_log *log, const char *path)
{
    FILE *f;
    int rc = file_open_regular(&f, path, ALIGN_MAX_LOG_BYTES);
    if (rc < 0)
        return rc;
    rc = read_json(log, path, f, NULL, 0);
    fclose(f);
    return rc;
}

static bool is_json_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 && name[0] != '.';
}

static int skip_dots(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* Reads the .json files of dir in name order; with descend, also those of
 * its subdirectories (one level: DIR/<package>/<file>.json).  *nfiles counts
 * the files read. */
static int read_json_tree(align_escape_log *log, const char *dir, bool descend, size_t *nfiles)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, skip_dots, alphasort);
    int rc = 0;

    if (n < 0) {
        error_set(ALIGN_EIO, dir, 0, 0, "cannot read directory: %s", strerror(errno));
        error_hint("%s", json_hint);
        return ALIGN_EIO;
    }
    for (int i = 0; i < n; i++) {
        char *path = rc == 0 ? path_join(dir, names[i]->d_name) : NULL;
        struct stat st;
        if (rc == 0 && path == NULL)
            rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        if (rc == 0 && stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode) && descend) {
                rc = read_json_tree(log, path, false, nfiles);
            } else if (S_ISREG(st.st_mode) && is_json_name(names[i]->d_name)) {
                rc = read_json_file(log, path);
                (*nfiles)++;
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int align_escape_log_read_json_dir(align_escape_log *log, const char *dir)
{
    struct stat st;
    esc_mark mark;
    size_t nfiles = 0;
    int rc;

    assert(log != NULL && dir != NULL);
    esc_mark_take(log, &mark);
    if (stat(dir, &st) != 0) {
        error_set(ALIGN_EIO, dir, 0, 0, "cannot read: %s", strerror(errno));
        error_hint("%s", json_hint);
        return ALIGN_EIO;
    }
    if (S_ISREG(st.st_mode)) {
        rc = read_json_file(log, dir);
    } else if (!S_ISDIR(st.st_mode)) {
        rc = error_set(ALIGN_EIO, dir, 0, 0, "is %s, not a file or directory",
                       file_kind_name((unsigned)st.st_mode));
        error_hint("%s", json_hint);
    } else {
        rc = read_json_tree(log, dir, true, &nfiles);
        if (rc == 0 && nfiles == 0) {
            rc = error_set(ALIGN_EFORMAT, dir, 0, 0,
                           "no .json compiler log in the directory or its subdirectories");
            error_hint("%s", json_hint);
        }
    }
    if (rc < 0)
        esc_mark_rollback(log, &mark);
    esc_fit(log);
    return rc;
}

int align_escape_log_read_json_mem(align_escape_log *log, const char *name, const char *text,
                                   size_t len)
{
    esc_mark mark;
    int rc;

    assert(log != NULL && name != NULL && (text != NULL || len == 0));
    esc_mark_take(log, &mark);
    rc = read_json(log, name, NULL, text ? text : "", len);
    if (rc < 0)
        esc_mark_rollback(log, &mark);
    return rc;
}
