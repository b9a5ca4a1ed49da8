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
 * Reading: each line is first matched against the exact record go writes
 * (the shape scan below, no allocation, strings scanned 64 bytes at a
 * time, offered the line before its end is looked for); what it matches
 * is read from the line's bytes, and every other line (the header,
 * anything written otherwise, anything malformed) is parsed with json-c
 * (a tokener reused across lines), so a malformed line is reported with
 * its file:line and json-c's words.  Both readings end in the same
 * diag_view, read by one piece of code.  Rejected: a general
 * hand-written JSON parser (escaping, nesting and numbers are exactly
 * where the bugs would be: the scan only matches one fixed shape and
 * leaves the rest to json-c), and a streaming parse of the whole file as
 * one value (the file is JSON lines, not one document).
 */
#include "escape/escape.h"
#include "util/file.h"
#include "util/vec.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct rel_info rel_info;
typedef struct raw_rel raw_rel;

typedef struct json_input {
    align_escape_log *log;
    const char *name;    /* interned path of the .json file */
    const char *file;    /* from the header: the source file */
    const char *package; /* from the header; NULL for "\0" */
    bool have_header;
    bool shape;      /* try the shape scan before json-c (tests turn it off) */
    uint64_t shaped; /* lines the shape scan took */
    json_tokener *tok;
    /* Records of the current position (line, col). */
    bool group_open;
    unsigned group_line, group_col;
    uint64_t group_named; /* escaping expressions with a message */
    uint64_t group_empty; /* "escape" records with an empty message */
    uint64_t group_input_line;
    /* Reused from line to line: a record's explanation entries, the shape
     * scan's raw strings of them, and its decoded strings. */
    rel_info *rel;
    size_t rel_cap;
    raw_rel *raw;
    size_t raw_cap;
    char *scratch;
    size_t scratch_len, scratch_cap;
} json_input;

static const char json_hint[] = "produce it with: go build -a -gcflags=-json=0,$PWD/escape ./... "
                                "(a cached build writes nothing)";

/* The error of line lineno (column col, 0: none). */
static int bad_json_at(json_input *in, uint64_t lineno, unsigned col, const char *what,
                       const char *detail)
{
    error_set(ALIGN_EFORMAT, in->name, (unsigned)(lineno > UINT32_MAX ? 0 : lineno), col, "%s%s%s",
              what, detail ? ": " : "", detail ? detail : "");
    error_hint("%s", json_hint);
    return ALIGN_EFORMAT;
}

static int bad_json(json_input *in, uint64_t lineno, const char *what, const char *detail)
{
    return bad_json_at(in, lineno, 0, what, detail);
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
        ESC_READ_AT(site, in, in->file, in->group_input_line);
        site.line = in->group_line;
        site.col = in->group_col;
        site.kind = ALIGN_ESCAPE_UNKNOWN;
        site.expr = esc_intern(in->log, "", 0);
        if (site.expr == NULL)
            return ALIGN_ENOMEM;
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

/* ------------------------------------------------------------ records */

/* One relatedInformation entry as the logic below reads it, whichever
 * reader made it (json-c's objects or the shape scan). */
typedef struct rel_info {
    const char *msg; /* "message" when a string (NUL-terminated), else NULL */
    const char *uri; /* "location"."uri" when a string, else NULL */
    bool has_start;  /* "location"."range"."start" is an object */
    unsigned line;   /* its "line" when an integer from 1 to 2^32-1, else 0 */
} rel_info;

/* A diagnostic: its code, message and position, and its explanation. */
typedef struct diag_view {
    const char *code; /* NUL-terminated */
    const char *msg;  /* "message" when a string, else NULL */
    size_t msg_len;   /* its length (a \u0000 escape can put a NUL inside) */
    unsigned line;    /* range.start.line, checked */
    unsigned col;     /* range.start.character, checked for escape codes only */
    const rel_info *rel;
    size_t nrel;
} diag_view;

/* What the explanation of an escaping value says: whether its first
 * "flow:" starts at the address of the variable `name` ("flow: DST = &name:"
 * in go1.19-1.24, "DST ← &name:" in go1.25+), i.e. the site is a variable
 * moved to the heap, not an allocated expression; the destination of that
 * first flow when it takes an address; and the innermost "inlineLoc" (the
 * position in the inlined callee the allocation is written at). */
typedef struct json_explain {
    bool moved;
    const char *dst; /* in the record's strings: valid while they live */
    size_t dlen;
    const char *inline_uri;
    unsigned inline_line;
} json_explain;

static void explain(const diag_view *d, const char *name, size_t len, json_explain *x)
{
    bool flow_seen = false;

    memset(x, 0, sizeof *x);
    for (size_t i = 0; i < d->nrel; i++) {
        const rel_info *r = &d->rel[i];
        const char *m = r->msg, *flow, *dst, *src;
        size_t dlen, slen;
        if (m == NULL)
            continue;
        if (strcmp(m, "inlineLoc") == 0 && !flow_seen) {
            /* The first inlineLoc of a record is the innermost callee's. */
            if (x->inline_uri == NULL && r->uri != NULL && r->has_start) {
                x->inline_uri = r->uri;
                x->inline_line = r->line;
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

/* A "leak" record (message m): a by-value capture when it is "parameter X
 * leaks to {storage for func literal} with derefs=0" explained "from X
 * (captured by a closure)"; else ignored. */
static int json_capture(json_input *in, const diag_view *d, const char *m, uint64_t lineno)
{
    static const char pre[] = "parameter ", post[] = " leaks to {storage for func literal} ";
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
    for (size_t i = 0; i < d->nrel && c.use_line == 0; i++) {
        const char *t = d->rel[i].msg ? d->rel[i].msg : "";
        const char *from = strstr(t, "from ");
        if (from == NULL || strncmp(from + 5, m, nlen) != 0 ||
            strcmp(from + 5 + nlen, " (captured by a closure)") != 0)
            continue;
        c.use_line = d->rel[i].line;
    }
    if (c.use_line == 0)
        return 0;
    ESC_READ_AT(c, in, in->file, lineno);
    c.by_value = 1;
    c.line = d->line;
    c.func = esc_intern(in->log, "", 0);
    c.var_name = esc_intern(in->log, m, nlen);
    if (c.func == NULL || c.var_name == NULL)
        return ALIGN_ENOMEM;
    return esc_add_capture(in->log, &c);
}

static bool is_site_code(const char *c)
{
    return strcmp(c, "escape") == 0 || strcmp(c, "escapes") == 0;
}

/* What a checked diagnostic adds: a site, a capture, or nothing. */
static int json_record(json_input *in, const diag_view *d, uint64_t lineno)
{
    static const char suffix[] = " escapes to heap";
    const size_t slen = sizeof suffix - 1;
    align_escape_site site;
    json_explain x;
    const char *m;
    size_t mlen;
    int rc;

    if (strcmp(d->code, "leak") == 0 && d->msg != NULL)
        return json_capture(in, d, d->msg, lineno);
    if (!is_site_code(d->code)) {
        in->log->stats.ignored++; /* "leak", "nilcheck", "canInlineFunction", ... */
        return 0;
    }
    memset(&site, 0, sizeof site);
    site.line = d->line;
    site.col = d->col;
    rc = group_enter(in, site.line, site.col, lineno);
    if (rc < 0)
        return rc;
    m = d->msg ? d->msg : "";
    mlen = d->msg ? d->msg_len : 0;
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
    explain(d, m, mlen, &x);
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
    ESC_READ_AT(site, in, in->file, lineno);
    return esc_add_site(in->log, &site);
}

/* --------------------------------------------------- json-c's reading */

/* The relatedInformation entries of o as rel_info, in in->rel. */
static int rel_from_object(json_input *in, json_object *o, size_t *nrel)
{
    json_object *rel = member(o, "relatedInformation", json_type_array);
    size_t n = rel ? json_object_array_length(rel) : 0;

    *nrel = 0;
    if (n > 0 && vec_reserve((void **)&in->rel, &in->rel_cap, n, sizeof *in->rel, 16) < 0)
        return ALIGN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(rel, i);
        json_object *msg = member(r, "message", json_type_string);
        json_object *loc = member(r, "location", json_type_object);
        json_object *uri = loc ? member(loc, "uri", json_type_string) : NULL;
        json_object *range = loc ? member(loc, "range", json_type_object) : NULL;
        json_object *start = range ? member(range, "start", json_type_object) : NULL;
        json_object *ln = start ? member(start, "line", json_type_int) : NULL;
        int64_t v = ln ? json_object_get_int64(ln) : 0;
        rel_info *e = &in->rel[i];
        e->msg = msg ? json_object_get_string(msg) : NULL;
        e->uri = uri ? json_object_get_string(uri) : NULL;
        e->has_start = start != NULL;
        e->line = v > 0 && v <= (int64_t)UINT32_MAX ? (unsigned)v : 0;
    }
    *nrel = n;
    return 0;
}

static int json_diagnostic(json_input *in, json_object *o, uint64_t lineno)
{
    json_object *range = member(o, "range", json_type_object);
    json_object *start = range ? member(range, "start", json_type_object) : NULL;
    json_object *code = member(o, "code", json_type_string);
    json_object *msg = member(o, "message", json_type_string);
    diag_view d;
    int rc;

    if (start == NULL || code == NULL)
        return bad_json(in, lineno, "a diagnostic without range.start or code", NULL);
    memset(&d, 0, sizeof d);
    rc = position_number(in, lineno, start, "line", 1, &d.line);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return bad_json(in, lineno, "a diagnostic without range.start.line", NULL);
    d.code = json_object_get_string(code);
    if (msg != NULL) {
        d.msg = json_object_get_string(msg);
        d.msg_len = (size_t)json_object_get_string_len(msg);
    }
    if (is_site_code(d.code)) {
        rc = position_number(in, lineno, start, "character", 0, &d.col);
        if (rc < 0)
            return rc;
    }
    if (is_site_code(d.code) || (strcmp(d.code, "leak") == 0 && d.msg != NULL)) {
        rc = rel_from_object(in, o, &d.nrel);
        if (rc < 0)
            return rc;
        d.rel = in->rel;
    }
    return json_record(in, &d, lineno);
}

/* ---------------------------------------------------- the shape scan */

/* Nearly every byte of a -json directory is in records that are never
 * sites: 98% of cmd/compile's (670 of 682 MB) are "leak" records
 * ("parameter p leaks to {heap} with derefs=0" and their explanations).
 * Parsing each into json-c objects made the -json join 5x slower than the
 * text one, and a general validator 2x.  So a line is first matched
 * against the exact record go writes (cmd/compile/internal/logopt,
 * encoding/json of its Diagnostic, the same in 1.19-1.27):
 *
 *   {"range":R,"severity":U,"code":S,"source":S,"message":S}
 *   {"range":R,"severity":U,"code":S,"source":S,"message":S,
 *    "relatedInformation":[E,E,...]}
 *   R = {"start":{"line":U,"character":U},"end":{"line":U,"character":U}}
 *   E = {"location":{"uri":S,"range":R},"message":S}
 *
 * where U is an integer from 0 to 2^32-1 without sign or leading zero
 * (range.start.line from 1), and S a string whose escapes are those of RFC
 * 8259 but \u0000 and the surrogates (go writes neither: it escapes
 * control characters, "<>&" and U+2028/9, and puts U+FFFD for invalid
 * UTF-8), with no raw control character and only valid UTF-8 (other
 * bytes: json_line's error, which the json-c reading reports: go never
 * writes them).  Such a line is one well-formed JSON object
 * that json-c reads to the same values; what the scan does not match (a
 * space, another key order, a header, a duplicate key, a float, a bad
 * escape, a truncated line) goes to json-c, so every error and its
 * message is json-c's or the checks' above, as before.  A matched line
 * whose code is neither a site nor a "leak" that could be a capture (its
 * message, decoded when it has escapes, has "for func literal") is
 * counted and left; the others have their strings decoded (into
 * in->scratch, NUL-terminated) and go to json_record like json-c's.
 *
 * The scan is offered each line before its end is known (json_span, the
 * line reader's esc_span_fn): no part of a record can match a newline,
 * so a record matched and followed by "\n" is the whole line, and the
 * reader's pass to find the newline is saved; a line the scan leaves is
 * found and read the usual way (json_line, which tries the scan again on
 * the line alone, then json-c).  What is matched is the grammar above
 * byte for byte either way; only the speed differs (1,024 files, 3
 * million entries, 682 MB on cmd/compile):
 *   - an entry that repeats the previous entry's bytes (its uri: 77%,
 *     its whole location: 41%) is compared to them 64 bytes a step, and
 *     the matched part not scanned again (common_prefix);
 *   - a range whose numbers have at most 7 digits and whose end repeats
 *     its start (range_fast) is checked from one load of which bytes are
 *     digits: where it ends is known from that load alone, not from bytes
 *     found after the first number, so the scan runs ahead of the checks;
 *     an entry's line is summed only when its record is read;
 *   - a string of plain bytes that ends within 128 bytes is found inline
 *     (shape_string_fast), the source "go compiler" as a literal.
 * Each falls back to the general code (range_slow, shape_string) for
 * anything else, so the fast paths only decide how fast a byte is
 * matched, never whether it is. */

typedef struct raw_str {
    const char *s; /* between the quotes */
    uint32_t n;
    bool esc; /* holds a backslash */
} raw_str;

typedef struct raw_rel {
    raw_str uri, msg;
    /* The start line: its value, or (line_digits not NULL) the number of
     * its digits there, 1 to 7, summed only when the record is read. */
    unsigned line;
    const char *line_digits;
} raw_rel;

#define BYTES(c) (0x0101010101010101ull * (c))

/* Whether one of the 8 bytes of x ends a plain run of string bytes: a
 * quote, a backslash, a control character or a byte of a multi-byte UTF-8
 * sequence, checked by shape_string (the bit tricks are exact: each sets a
 * high bit only for a byte that is zero, or below 0x20, or from 0x80). */
static bool stops_string(uint64_t x)
{
    uint64_t q = x ^ BYTES('"'), b = x ^ BYTES('\\');
    return (((x - BYTES(0x20)) & ~x) | ((q - BYTES(1)) & ~q) | ((b - BYTES(1)) & ~b) | x) &
           BYTES(0x80);
}

#ifdef __SSE2__
/* The bits of the 16 bytes at r that end a plain run (see stops_string):
 * a quote, a backslash, or a byte below 0x20 as a signed byte (a control
 * character, or one from 0x80). */
__attribute__((always_inline)) static inline uint64_t stops16(const char *r)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)r);
    const __m128i stop = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(stop);
}
#endif

/* The first byte at or after r that ends a plain run of string bytes
 * (see stops_string), or end: with SSE2 (every amd64) 64 bytes a step,
 * then 16, else 8.  (An AVX2 scan of 32 behind a run-time check was no
 * faster: the strings are 40-70 bytes.) */
static const char *string_stop(const char *r, const char *end)
{
#ifdef __SSE2__
    /* 64 bytes a step: most strings (messages, paths) end in the first,
     * so the loop's exit is predicted, where 16 a step mispredicted it
     * about once a string. */
    while (end - r >= 64) {
        uint64_t bits =
            stops16(r) | stops16(r + 16) << 16 | stops16(r + 32) << 32 | stops16(r + 48) << 48;
        if (bits != 0)
            return r + __builtin_ctzll(bits);
        r += 64;
    }
    while (end - r >= 16) {
        uint64_t bits = stops16(r);
        if (bits != 0)
            return r + __builtin_ctzll(bits);
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
    while (r < end && (unsigned char)*r >= 0x20 && (unsigned char)*r < 0x80 && *r != '"' &&
           *r != '\\')
        r++;
    return r;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The code point of the 4 hex digits at h; -1 when one is not a digit,
 * or the escape is \u0000 or a surrogate (left to json-c). */
static long u_escape(const char *h)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(h[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v == 0 || (v >= 0xd800 && v <= 0xdfff) ? -1 : v;
}

/* A string at *pp (its opening quote); past its closing quote on success. */
static bool shape_string(const char **pp, const char *end, raw_str *out)
{
    const char *p = *pp, *r;
    if (p >= end || *p != '"')
        return false;
    out->s = ++p;
    out->esc = false;
    for (;;) {
        r = string_stop(p, end);
        if (r >= end)
            return false;
        if (*r == '"')
            break;
        if ((unsigned char)*r >= 0x80) {
            size_t k = utf8_seq((const unsigned char *)r, (size_t)(end - r));
            if (k == 0)
                return false; /* not UTF-8: json_line says so */
            p = r + k;
            continue;
        }
        if (*r != '\\' || end - r < 2)
            return false; /* a control character */
        out->esc = true;
        if (r[1] == 'u') {
            if (end - r < 6 || u_escape(r + 2) < 0)
                return false;
            p = r + 6;
        } else if (r[1] != '\0' && strchr("\"\\/bfnrt", r[1]) != NULL) {
            p = r + 2; /* an escaped quote is skipped here, not taken for the end */
        } else {
            return false;
        }
    }
    if ((size_t)(r - out->s) > UINT32_MAX)
        return false;
    out->n = (uint32_t)(r - out->s);
    *pp = r + 1;
    return true;
}

/* shape_string, with the common case inline: a string of plain bytes
 * that ends in the 128 from its start (a message, a path). */
__attribute__((always_inline)) static inline bool shape_string_fast(const char **pp,
                                                                    const char *end, raw_str *out)
{
#ifdef __SSE2__
    const char *p = *pp + 1, *r;
    uint64_t bits;
    if (end - p >= 128 && p[-1] == '"') {
        r = p;
        bits = stops16(r) | stops16(r + 16) << 16 | stops16(r + 32) << 32 | stops16(r + 48) << 48;
        if (bits == 0) {
            r += 64;
            bits =
                stops16(r) | stops16(r + 16) << 16 | stops16(r + 32) << 32 | stops16(r + 48) << 48;
        }
        r += __builtin_ctzll(bits | 1ull << 63);
        if (*r == '"') {
            out->s = p;
            out->n = (uint32_t)(r - p);
            out->esc = false;
            *pp = r + 1;
            return true;
        }
    }
#endif
    return shape_string(pp, end, out);
}

/* Whether the n bytes at p are those of lit: 8 at a time, the last 8
 * overlapping (n is a constant where it is called: the loads of lit fold
 * into immediates, and no call to memcmp is left). */
__attribute__((always_inline)) static inline bool lit_eq(const char *p, const char *lit, size_t n)
{
    uint64_t a, b, acc = 0;
    size_t i = 0;
    if (n < 8) {
        for (; i < n; i++)
            acc |= (unsigned char)(p[i] ^ lit[i]);
        return acc == 0;
    }
    for (; i + 8 <= n; i += 8) {
        memcpy(&a, p + i, 8);
        memcpy(&b, lit + i, 8);
        acc |= a ^ b;
    }
    if (i < n) {
        memcpy(&a, p + n - 8, 8);
        memcpy(&b, lit + n - 8, 8);
        acc |= a ^ b;
    }
    return acc == 0;
}

/* The literal lit at *pp; past it when it is there. */
#define SHAPE_LIT(pp, end, lit)                                                                    \
    ((size_t)((end) - *(pp)) >= sizeof lit - 1 && lit_eq(*(pp), lit, sizeof lit - 1) &&            \
     (*(pp) += sizeof lit - 1, true))

/* The number of the 8 bytes at p that are digits before the first that
 * is not (8: all are), and those bytes in *x. */
static inline unsigned digits8(const char *p, uint64_t *x)
{
    uint64_t z, nd;
    memcpy(x, p, 8);
    /* z: 0 in the bytes that are digits (0x30-0x39); a carry out of a
     * byte over 0xf9 only spoils the bytes after that non-digit. */
    z = ((*x & BYTES(0xf0)) ^ BYTES(0x30)) | (((*x + BYTES(0x06)) & BYTES(0xf0)) ^ BYTES(0x30));
    nd = (z | ((z & BYTES(0x7f)) + BYTES(0x7f))) & BYTES(0x80); /* a non-digit's high bit */
    return nd != 0 ? (unsigned)__builtin_ctzll(nd) / 8 : 8;
}

/* The value of the first n (1 to 7) digits of x (see digits8). */
static inline unsigned digits_value(uint64_t x, unsigned n)
{
    x = (x << (8 * (8 - n))) & BYTES(0x0f); /* right-aligned, zeros before */
    x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffull;
    x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffull;
    return (unsigned)((x * 10000 + (x >> 32)) & 0xffffffffull);
}

/* An integer from 0 to 2^32-1 as encoding/json writes a uint: digits, no
 * leading zero, at most 10 of them.  Up to 7 digits (all positions but
 * the rare huge file) are found and summed 8 bytes at a time, without a
 * branch per digit (each mispredicted a number before). */
static bool shape_uint(const char **pp, const char *end, unsigned *out)
{
    const char *p = *pp, *stop;
    uint64_t v;
    if (end - p >= 8) {
        uint64_t x;
        unsigned n = digits8(p, &x);
        if (n < 8) {
            if ((n == 0) | ((n > 1) & (*p == '0'))) /* no digit, a leading zero */
                return false;
            *out = digits_value(x, n);
            *pp = p + n;
            return true;
        }
    }
    stop = end - p > 11 ? p + 11 : end;
    if (p >= end || (unsigned)(*p - '0') > 9)
        return false;
    v = (uint64_t)(*p++ - '0');
    if (v == 0) {
        *out = 0;
        *pp = p;
        return p == end || (unsigned)(*p - '0') > 9;
    }
    while (p < stop && (unsigned)(*p - '0') <= 9)
        v = v * 10 + (uint64_t)(*p++ - '0');
    if (v > UINT32_MAX || p - *pp > 10)
        return false;
    *out = (unsigned)v;
    *pp = p;
    return true;
}

#ifdef __SSE2__
/* The bytes of the 16 at a equal to those at b, as bits. */
__attribute__((always_inline)) static inline unsigned same16(const char *a, const char *b)
{
    return (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)a),
                       _mm_loadu_si128((const __m128i *)(const void *)b)));
}

/* Whether the 16 bytes at a are those at b. */
static inline bool eq16(const char *a, const char *b)
{
    return same16(a, b) == 0xffff;
}

/* What range_rest reads at most from "line": on, on its fast path. */
#define RANGE_FAST 96

/* range_rest's common case: numbers of 1 to 7 digits, the end a copy of
 * the start; false: not this case (the caller reads the range the
 * general way).  key: the "line": before *pp, with RANGE_FAST bytes
 * readable from it.  Where both numbers end comes from one load of the
 * 32 bytes from the first digit on (which bytes are digits), not from
 * the bytes found after the first number: the range's end, and so where
 * the scan goes on, is known a few cycles after the load, while the
 * bytes between are checked on the side (those branches are predicted
 * taken: the scan runs ahead of them). */
__attribute__((always_inline)) static inline bool range_fast(const char **pp, const char *key,
                                                             unsigned *nline, unsigned *ncol)
{
    static const char end_line[16] = "},\"end\":{\"line\":";
    const char *p = *pp, *c;
    const __m128i zero = _mm_setzero_si128(), nine = _mm_set1_epi8(9), d0 = _mm_set1_epi8('0');
    __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    uint64_t nd;
    unsigned n, m, k;
    bool ok;

    /* a byte is a digit when (byte - '0') mod 256 is at most 9 */
    lo = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(lo, d0), nine), zero);
    hi = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(hi, d0), nine), zero);
    nd = ~((uint64_t)(unsigned)_mm_movemask_epi8(lo) | (uint64_t)(unsigned)_mm_movemask_epi8(hi)
                                                           << 16); /* the non-digits */
    n = (unsigned)__builtin_ctzll(nd);
    m = (unsigned)__builtin_ctzll(nd >> (n + 13)); /* n <= 32: nd's top bits are set */
    /* k: the bytes of "line":N,"character":M, 22 to 34; the copy is
     * compared as [7, 23) and its last 16, which cover it up to 32. */
    k = 7 + n + 13 + m;
    ok = (n - 1 < 7) & (m - 1 < 7) & (k <= 32);
    if (!ok)
        return false;
    c = p + n;
    if (((n > 1) & (p[0] == '0')) | ((m > 1) & (c[13] == '0')) || !lit_eq(c, ",\"character\":", 13))
        return false;
    c += 13 + m; /* at "},\"end\":{" */
    if (!eq16(c, end_line) || !eq16(c + 16, key + 7) || !eq16(c + 9 + k - 16, key + k - 16) ||
        !lit_eq(c + 9 + k, "}}", 2))
        return false;
    *nline = n;
    *ncol = m;
    *pp = c + 11 + k;
    return true;
}

/* The value of the n (1 to 7) digits at p, with 8 bytes readable. */
static inline unsigned digits_at(const char *p, unsigned n)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return digits_value(x, n);
}
#endif

/* R (see above) after its {"start":{"line": (at *pp, matched; its
 * "line": at *pp - 7); its start line and character, the general way. */
static bool range_slow(const char **pp, const char *end, unsigned *line, unsigned *col)
{
    const char *start = *pp - 7, *p;
    unsigned l2, c2;
    size_t k;
    uint64_t a, b;
    if (!shape_uint(pp, end, line) || !SHAPE_LIT(pp, end, ",\"character\":") ||
        !shape_uint(pp, end, col))
        return false;
    /* The end is most often the start again, byte for byte (always in
     * go1.19, which has no lastPos): "line":N,"character":M matched once,
     * then "}}" after the copy (no digit goes on).  k is 22 to 40. */
    k = (size_t)(*pp - start);
    p = *pp;
    if ((size_t)(end - p) >= k + 11 && lit_eq(p, "},\"end\":{", 9)) {
        size_t i = 0;
        uint64_t acc = 0;
        for (; i + 8 <= k; i += 8) {
            memcpy(&a, p + 9 + i, 8);
            memcpy(&b, start + i, 8);
            acc |= a ^ b;
        }
        memcpy(&a, p + 9 + k - 8, 8);
        memcpy(&b, start + k - 8, 8);
        acc |= a ^ b;
        if (acc == 0 && lit_eq(p + 9 + k, "}}", 2)) {
            *pp = p + 11 + k;
            return true;
        }
    }
    return SHAPE_LIT(pp, end, "},\"end\":{\"line\":") && shape_uint(pp, end, &l2) &&
           SHAPE_LIT(pp, end, ",\"character\":") && shape_uint(pp, end, &c2) &&
           SHAPE_LIT(pp, end, "}}");
}

/* range_slow, by range_fast when it can. */
static inline bool range_rest(const char **pp, const char *end, unsigned *line, unsigned *col)
{
#ifdef __SSE2__
    const char *key = *pp - 7;
    unsigned n, m;
    if (end - key >= RANGE_FAST && range_fast(pp, key, &n, &m)) {
        *line = digits_at(key + 7, n);
        *col = digits_at(key + 20 + n, m);
        return true;
    }
#endif
    return range_slow(pp, end, line, col);
}

/* An entry's range (see range_rest): its start line in r; the character
 * is not kept. */
static inline bool rel_range(const char **pp, const char *end, raw_rel *r)
{
    unsigned col;
#ifdef __SSE2__
    const char *key = *pp - 7;
    if (end - key >= RANGE_FAST && range_fast(pp, key, &r->line, &col)) {
        r->line_digits = key + 7;
        return true;
    }
#endif
    r->line_digits = NULL;
    return range_slow(pp, end, &r->line, &col);
}

#ifdef __SSE2__
/* Whether the 64 bytes at a are those at b. */
__attribute__((always_inline)) static inline bool same64(const char *a, const char *b)
{
    __m128i e = _mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)a),
                                     _mm_loadu_si128((const __m128i *)(const void *)b)),
                      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(a + 16)),
                                     _mm_loadu_si128((const __m128i *)(const void *)(b + 16)))),
        _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(a + 32)),
                                     _mm_loadu_si128((const __m128i *)(const void *)(b + 32))),
                      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(a + 48)),
                                     _mm_loadu_si128((const __m128i *)(const void *)(b + 48)))));
    return _mm_movemask_epi8(e) == 0xffff;
}
#endif

/* The length of the common prefix of the n bytes at a and at b: 64 bytes
 * a step (an entry's location is about 190), then 16. */
static inline size_t common_prefix(const char *a, const char *b, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    unsigned d;
    while (i + 64 <= n && same64(a + i, b + i))
        i += 64;
    for (; i + 16 <= n; i += 16) {
        d = same16(a + i, b + i) ^ 0xffff;
        if (d != 0)
            return i + (unsigned)__builtin_ctz(d);
    }
    if (i < n && n >= 16) { /* the last 16, of which those before i are equal */
        d = same16(a + n - 16, b + n - 16) ^ 0xffff;
        return d != 0 ? n - 16 + (unsigned)__builtin_ctz(d) : n;
    }
#endif
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* A matched line's top level. */
typedef struct shape_line {
    unsigned line, col;
    raw_str code, msg;
    size_t nrel; /* entries in in->raw */
} shape_line;

/* Matches the record at s (see above), reading no byte at or past end;
 * the entries' strings go to in->raw, and *after is past its closing brace.
 * No part of a record can match a newline (nor a string hold one), so the
 * record matched is all on s's line whether end is that line's end or the
 * end of the buffer: the caller checks what follows. */
static int shape_match(json_input *in, const char *s, const char *end, shape_line *out,
                       const char **after)
{
    const char *p = s;
    unsigned sev;
    raw_str source;

    out->nrel = 0;
    if (!SHAPE_LIT(&p, end, "{\"range\":{\"start\":{\"line\":") ||
        !range_rest(&p, end, &out->line, &out->col) || out->line == 0)
        return 0;
    /* The severity is always 3 (information): no number scan for it. */
    if (!SHAPE_LIT(&p, end, ",\"severity\":3,\"code\":") &&
        (!SHAPE_LIT(&p, end, ",\"severity\":") || !shape_uint(&p, end, &sev) ||
         !SHAPE_LIT(&p, end, ",\"code\":")))
        return 0;
    if (!shape_string_fast(&p, end, &out->code))
        return 0;
    /* The source is always "go compiler": no string scan for it either. */
    if (SHAPE_LIT(&p, end, ",\"source\":\"go compiler\",\"message\":")) {
        source.s = p - 23; /* go compiler","message": */
        source.n = 11;
        source.esc = false;
    } else if (!SHAPE_LIT(&p, end, ",\"source\":") || !shape_string(&p, end, &source) ||
               !SHAPE_LIT(&p, end, ",\"message\":")) {
        return 0;
    }
    if (!shape_string_fast(&p, end, &out->msg))
        return 0;
    if (p < end && *p == '}') {
        *after = p + 1;
        return 1;
    }
    if (!SHAPE_LIT(&p, end, ",\"relatedInformation\":["))
        return 0;
    /* An entry's uri is most often the previous entry's (77% on
     * cmd/compile), and its whole location too (41%): bytes equal to ones
     * matched before need no second look.  One compare finds how far the
     * entry is a copy of the last: the location (then on to the message),
     * the uri (then the range), or less. */
    const char *prev = NULL;
    size_t prev_uri = 0; /* bytes of prev through the uri and ,"range":{"start":{"line": */
    size_t prev_loc = 0; /* bytes of prev through the location and ,"message": */
    for (;;) {
        raw_rel *r;
        const char *e = p;
        size_t same;
        if (out->nrel == in->raw_cap &&
            vec_reserve((void **)&in->raw, &in->raw_cap, out->nrel + 1, sizeof *in->raw, 64) < 0)
            return ALIGN_ENOMEM;
        r = &in->raw[out->nrel];
        same = prev != NULL && (size_t)(end - p) > prev_loc ? common_prefix(p, prev, prev_loc) : 0;
        if (same == prev_loc && prev != NULL) {
            r->uri = r[-1].uri;
            r->uri.s = p + (r[-1].uri.s - prev);
            r->line = r[-1].line;
            r->line_digits = r[-1].line_digits; /* the same bytes */
            p += prev_loc;
        } else {
            if (prev != NULL && same >= prev_uri) {
                r->uri = r[-1].uri;
                r->uri.s = p + (r[-1].uri.s - prev);
                p += prev_uri;
            } else if (!SHAPE_LIT(&p, end, "{\"location\":{\"uri\":") ||
                       !shape_string_fast(&p, end, &r->uri) ||
                       !SHAPE_LIT(&p, end, ",\"range\":{\"start\":{\"line\":")) {
                return 0;
            }
            prev_uri = (size_t)(p - e);
            if (!rel_range(&p, end, r) || !SHAPE_LIT(&p, end, "},\"message\":"))
                return 0;
            prev_loc = (size_t)(p - e);
        }
        prev = e;
        if (!shape_string_fast(&p, end, &r->msg) || !SHAPE_LIT(&p, end, "}"))
            return 0;
        out->nrel++;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (!SHAPE_LIT(&p, end, "]}"))
            return 0;
        *after = p;
        return 1;
    }
}

/* The decoded copy of a matched string in in->scratch (reserved by the
 * caller), NUL-terminated; *len its length. */
static const char *decode(json_input *in, const raw_str *r, size_t *len)
{
    char *out = in->scratch + in->scratch_len, *o = out;
    const char *p = r->s, *end = r->s + r->n;
    if (!r->esc) {
        memcpy(o, p, r->n);
        o += r->n;
    } else {
        while (p < end) {
            const char *b = memchr(p, '\\', (size_t)(end - p));
            size_t k = (size_t)((b ? b : end) - p);
            memcpy(o, p, k);
            o += k;
            p += k;
            if (b == NULL)
                break;
            switch (b[1]) {
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u': {
                long v = u_escape(b + 2); /* checked by shape_string */
                if (v < 0x80) {
                    *o++ = (char)v;
                } else if (v < 0x800) {
                    *o++ = (char)(0xc0 | (v >> 6));
                    *o++ = (char)(0x80 | (v & 0x3f));
                } else {
                    *o++ = (char)(0xe0 | (v >> 12));
                    *o++ = (char)(0x80 | ((v >> 6) & 0x3f));
                    *o++ = (char)(0x80 | (v & 0x3f));
                }
                p = b + 6;
                continue;
            }
            default: *o++ = b[1]; break; /* '"', '\\', '/' */
            }
            p = b + 2;
        }
    }
    *o++ = '\0';
    in->scratch_len = (size_t)(o - in->scratch);
    if (len != NULL)
        *len = (size_t)(o - out) - 1;
    return out;
}

/* Whether the n bytes at s hold "for func literal". */
static bool has_func_literal(const char *s, size_t n)
{
    static const char capture[] = "for func literal";
    for (const char *p = s, *end = s + n;;) {
        p = memchr(p, 'f', (size_t)(end - p));
        if (p == NULL || (size_t)(end - p) < sizeof capture - 1)
            return false;
        if (memcmp(p, capture, sizeof capture - 1) == 0)
            return true;
        p++;
    }
}

/* Whether the message of a matched "leak" could be a capture's (which
 * needs "for func literal" in it, as json_capture reads it): 1, 0, or
 * an error.  A message with escapes (most often \u0026, "&") is
 * decoded first, alone: the rest of such a record is not. */
static int maybe_capture(json_input *in, const raw_str *m)
{
    const char *d;
    size_t len;
    if (!m->esc)
        return has_func_literal(m->s, m->n);
    if (vec_reserve((void **)&in->scratch, &in->scratch_cap, (size_t)m->n + 1, 1, 4096) < 0)
        return ALIGN_ENOMEM;
    in->scratch_len = 0;
    d = decode(in, m, &len);
    return has_func_literal(d, len);
}

/* Takes a matched record: 0, or an error. */
static int shape_take(json_input *in, const shape_line *sl, uint64_t lineno)
{
    diag_view d;
    const char *code;
    size_t need;

    if (!sl->code.esc) {
        bool site = (sl->code.n == 6 && memcmp(sl->code.s, "escape", 6) == 0) ||
                    (sl->code.n == 7 && memcmp(sl->code.s, "escapes", 7) == 0);
        bool leak = sl->code.n == 4 && memcmp(sl->code.s, "leak", 4) == 0;
        int cap = leak ? maybe_capture(in, &sl->msg) : 0;
        if (cap < 0)
            return cap;
        if (!site && cap == 0) {
            in->log->stats.ignored++;
            return 0;
        }
    }
    /* Every string decoded is no longer than its raw bytes, plus a NUL. */
    need = sl->code.n + sl->msg.n + 2;
    for (size_t i = 0; i < sl->nrel; i++)
        need += in->raw[i].uri.n + in->raw[i].msg.n + 2;
    if (vec_reserve((void **)&in->scratch, &in->scratch_cap, need, 1, 4096) < 0 ||
        (sl->nrel > 0 &&
         vec_reserve((void **)&in->rel, &in->rel_cap, sl->nrel, sizeof *in->rel, 16) < 0))
        return ALIGN_ENOMEM;
    in->scratch_len = 0;
    memset(&d, 0, sizeof d);
    code = decode(in, &sl->code, NULL);
    d.code = code;
    d.msg = decode(in, &sl->msg, &d.msg_len);
    d.line = sl->line;
    d.col = sl->col;
    for (size_t i = 0; i < sl->nrel; i++) {
        in->rel[i].uri = decode(in, &in->raw[i].uri, NULL);
        in->rel[i].msg = decode(in, &in->raw[i].msg, NULL);
        in->rel[i].has_start = true;
        in->rel[i].line = in->raw[i].line_digits == NULL
                              ? in->raw[i].line
                              : digits_at(in->raw[i].line_digits, in->raw[i].line);
    }
    d.rel = in->rel;
    d.nrel = sl->nrel;
    return json_record(in, &d, lineno);
}

/* 1: the line s[0..n) was matched and taken; 0: left to json-c; or an
 * error. */
static int json_shape(json_input *in, const char *s, size_t n, uint64_t lineno)
{
    shape_line sl;
    const char *after = NULL;
    int rc = shape_match(in, s, s + n, &sl, &after);

    if (rc <= 0 || after != s + n)
        return rc < 0 ? rc : 0;
    rc = shape_take(in, &sl, lineno);
    if (rc < 0)
        return rc;
    in->shaped++;
    return 1;
}

/* The shape scan of a line before its end is known (esc_span_fn): the
 * record matched, followed by its line's "\n", is taken as json_line
 * would take it, without a pass to find the newline first. */
static ptrdiff_t json_span(void *ctx, const char *s, const char *end, uint64_t lineno)
{
    json_input *in = ctx;
    shape_line sl;
    const char *after = NULL;
    int rc;

    if (!in->have_header || !in->shape)
        return 0;
    rc = shape_match(in, s, end, &sl, &after);
    if (rc <= 0 || after >= end || *after != '\n' || (size_t)(after - s) > ESC_MAX_JSON_LINE)
        return rc < 0 ? rc : 0;
    in->log->stats.lines++;
    rc = shape_take(in, &sl, lineno);
    if (rc < 0)
        return rc;
    in->shaped++;
    return after - s;
}

/* The offset of the first byte of s[0..n) that is not part of valid UTF-8
 * (RFC 3629), or n: 8 ASCII bytes a step. */
static size_t invalid_utf8(const char *s, size_t n)
{
    size_t i = 0, k;
    while (i < n) {
        uint64_t x;
        if (n - i >= 8) {
            memcpy(&x, s + i, 8);
            if (!(x & BYTES(0x80))) {
                i += 8;
                continue;
            }
        }
        k = utf8_seq((const unsigned char *)s + i, n - i);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

static int json_line(void *ctx, const char *s, size_t n, uint64_t lineno, bool overlong, bool nul)
{
    json_input *in = ctx;
    json_object *o;
    enum json_tokener_error jerr;
    size_t end, i;
    int rc;
    (void)nul; /* not looked for: only the text reader skips such lines */

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
    if (in->have_header && in->shape) {
        rc = json_shape(in, s, n, lineno);
        if (rc != 0)
            return rc < 0 ? rc : 0;
    }
    /* Every line the shape scan leaves, as it leaves any whose strings
     * are not UTF-8: go's encoding/json writes U+FFFD for invalid bytes,
     * so they are not the compiler's (json-c would take them as they are). */
    i = invalid_utf8(s, n);
    if (i < n) {
        char what[64];
        snprintf(what, sizeof what, "byte 0x%02x is not UTF-8, which go always writes",
                 (unsigned char)s[i]);
        return bad_json_at(in, lineno, i + 1 > UINT32_MAX ? 0 : (unsigned)(i + 1), "malformed JSON",
                           what);
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
static int read_json(align_escape_log *log, const char *name, FILE *f, const char *mem, size_t len,
                     bool shape, uint64_t *shaped)
{
    json_input in = {.log = log, .shape = shape};
    int rc;

    in.name = esc_intern(log, name, strlen(name));
    if (in.name == NULL)
        return ALIGN_ENOMEM;
    in.tok = json_tokener_new();
    if (in.tok == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    rc = esc_read_lines_progress(log, f, mem, len, name, ESC_MAX_JSON_LINE, false, json_span,
                                 json_line, &in);
    if (rc == 0)
        rc = group_flush(&in);
    if (rc == 0 && !in.have_header)
        rc = bad_json(&in, 0, "empty: not a Go compiler -json log", NULL);
    json_tokener_free(in.tok);
    if (shaped != NULL)
        *shaped = in.shaped;
    free(in.rel);
    free(in.raw);
    free(in.scratch);
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
    rc = read_json(log, path, f, NULL, 0, true, NULL);
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

/* Lists the .json files of dir in name order into *files (paths to free);
 * with descend, also those of its subdirectories (one level:
 * DIR/<package>/<file>.json).  Stops at the first error, the files listed
 * before it kept: they come before it in the reading order. */
static int list_json_tree(const char *dir, bool descend, char ***files, size_t *nfiles, size_t *cap)
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
                rc = list_json_tree(path, false, files, nfiles, cap);
            } else if (S_ISREG(st.st_mode) && is_json_name(names[i]->d_name)) {
                if (vec_push((void **)files, nfiles, cap, sizeof path, 64, &path) < 0)
                    rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
                else
                    path = NULL;
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ------------------------------------------- parsing files side by side */

/* A directory's files are independent (each its own header, positions and
 * groups), so with log->threads > 1 they are parsed on several threads,
 * each file into a log of its own (a part), and the parts are merged into
 * the log in file order: each part's sites and captures, their strings
 * interned again, go through esc_add_site and esc_add_capture exactly as
 * the file's own reading would have sent them, so the sites, their order,
 * the counts and the first error are those of reading the files one after
 * the other.  The calling thread takes files too: one that every earlier
 * file is merged before is read straight into the log (no part, no
 * merge), so when the helper is slow to start, nothing is lost.  The
 * files are taken from a shared index, one at a time (the largest of
 * cmd/compile's 1,024 is 7% of the bytes). */

typedef struct json_part {
    align_escape_log *log; /* the file's sites, NULL once merged */
    int rc;
    align_error err; /* the reading thread's record when rc < 0 */
    bool done;       /* under mu */
} json_part;

typedef struct json_par {
    char **files;
    size_t nfiles;
    json_part *parts;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next; /* the next file to take, under mu */
    bool stop;   /* under mu: take no more (an error, or the end) */
} json_par;

/* The next file to read, or nfiles when none is left. */
static size_t par_take(json_par *p)
{
    size_t i;
    pthread_mutex_lock(&p->mu);
    i = p->stop || p->next >= p->nfiles ? p->nfiles : p->next++;
    pthread_mutex_unlock(&p->mu);
    return i;
}

/* Reads file i into a part of its own. */
static void part_read(json_par *p, size_t i)
{
    json_part *part = &p->parts[i];
    align_escape_log *log = NULL;
    int rc = align_escape_log_new(&log);
    /* A file's strings are few (its name, header, sites): small blocks,
     * for the parts that wait for an earlier file's can be hundreds. */
    if (rc == 0)
        arena_init(&log->strings, 4096);
    if (rc == 0)
        rc = read_json_file(log, p->files[i]);
    if (rc < 0)
        part->err = *align_error_last();
    pthread_mutex_lock(&p->mu);
    part->log = log;
    part->rc = rc;
    part->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *par_helper(void *arg)
{
    json_par *p = arg;
    for (size_t i; (i = par_take(p)) < p->nfiles;)
        part_read(p, i);
    return NULL;
}

/* The log's copy of a part's string (NULL stays NULL); *ok false when out
 * of memory.  Runs of sites share their file, package and input: the
 * last string asked for is asked again most of the time. */
typedef struct reintern {
    align_escape_log *log;
    const char *from[4], *to[4];
    unsigned k;
    bool ok;
} reintern;

static const char *reintern_str(reintern *r, const char *s)
{
    const char *t;
    if (s == NULL)
        return NULL;
    for (unsigned i = 0; i < 4; i++)
        if (r->from[i] == s)
            return r->to[i];
    t = esc_intern(r->log, s, strlen(s));
    if (t == NULL) {
        r->ok = false;
        return NULL;
    }
    r->from[r->k] = s;
    r->to[r->k] = t;
    r->k = (r->k + 1) % 4;
    return t;
}

/* Re-interns the n strings *strs[0..n) points to: true, or false when
 * out of memory. */
static bool reintern_all(reintern *r, const char **const *strs, size_t n)
{
    for (size_t k = 0; k < n; k++)
        *strs[k] = reintern_str(r, *strs[k]);
    return r->ok;
}

/* Adds a read part to log as its file's own reading would have. */
static int part_merge(align_escape_log *log, const align_escape_log *part)
{
    reintern r = {.log = log, .ok = true};
    int rc;

    for (size_t i = 0; i < part->nsites; i++) {
        align_escape_site s = part->sites[i];
        const char **const strs[] = {&s.file,     &s.package,    &s.expr, &s.type_text,
                                     &s.var_name, &s.input,      &s.func, &s.flow_dst,
                                     &s.inlined,  &s.inline_file};
        rc = reintern_all(&r, strs, sizeof strs / sizeof *strs) ? esc_add_site(log, &s)
                                                                : ALIGN_ENOMEM;
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < part->ncaptures; i++) {
        align_escape_capture c = part->captures[i];
        const char **const strs[] = {&c.file, &c.package, &c.func, &c.var_name, &c.input};
        rc = reintern_all(&r, strs, sizeof strs / sizeof *strs) ? esc_add_capture(log, &c)
                                                                : ALIGN_ENOMEM;
        if (rc < 0)
            return rc;
    }
    /* The site counts were made again by esc_add_site. */
    log->stats.inputs += part->stats.inputs;
    log->stats.lines += part->stats.lines;
    log->stats.ignored += part->stats.ignored;
    log->stats.skipped += part->stats.skipped;
    return 0;
}

/* Merges the parts from *merged up to (not including) upto, in order,
 * waiting for each (wait) or stopping at the first not yet read. */
static int par_merge(json_par *p, align_escape_log *log, size_t *merged, size_t upto, bool wait)
{
    for (; *merged < upto; ++*merged) {
        json_part *part = &p->parts[*merged];
        bool done;
        int rc;
        pthread_mutex_lock(&p->mu);
        while (!part->done && wait)
            pthread_cond_wait(&p->cv, &p->mu);
        done = part->done;
        pthread_mutex_unlock(&p->mu);
        if (!done)
            return 0;
        rc = part->rc < 0 ? error_restore(&part->err) : part_merge(log, part->log);
        align_escape_log_free(part->log);
        part->log = NULL;
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Reads the files in order into log with up to log->threads at once. */
static int read_json_files(align_escape_log *log, char **files, size_t nfiles)
{
    json_par p = {.files = files, .nfiles = nfiles};
    pthread_t helpers[7];
    size_t nhelpers = 0, merged = 0, i;
    int rc = 0;

    if (log->threads > 1 && nfiles > 1) {
        p.parts = calloc(nfiles, sizeof *p.parts);
        if (p.parts != NULL && pthread_mutex_init(&p.mu, NULL) != 0) {
            free(p.parts);
            p.parts = NULL;
        }
        if (p.parts != NULL && pthread_cond_init(&p.cv, NULL) != 0) {
            pthread_mutex_destroy(&p.mu);
            free(p.parts);
            p.parts = NULL;
        }
    }
    if (p.parts == NULL) { /* one after the other on this thread */
        for (i = 0; i < nfiles && rc == 0; i++)
            rc = read_json_file(log, files[i]);
        return rc;
    }
    while (nhelpers + 1 < log->threads && nhelpers + 1 < nfiles &&
           nhelpers < sizeof helpers / sizeof helpers[0] &&
           pthread_create(&helpers[nhelpers], NULL, par_helper, &p) == 0)
        nhelpers++;
    while (rc == 0 && (i = par_take(&p)) < nfiles) {
        rc = par_merge(&p, log, &merged, i, false);
        if (rc < 0)
            break;
        if (merged == i) {
            rc = read_json_file(log, files[i]);
            merged = i + 1;
        } else {
            part_read(&p, i);
        }
    }
    if (rc == 0)
        rc = par_merge(&p, log, &merged, nfiles, true);
    pthread_mutex_lock(&p.mu);
    p.stop = true;
    pthread_mutex_unlock(&p.mu);
    for (i = 0; i < nhelpers; i++)
        pthread_join(helpers[i], NULL);
    for (i = 0; i < nfiles; i++)
        align_escape_log_free(p.parts[i].log);
    free(p.parts);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    return rc;
}

/* Reads the .json files of dir (see list_json_tree) in order.  An error
 * of the listing is reported after the files listed before it are read,
 * as when each was read as soon as it was found. */
static int read_json_tree(align_escape_log *log, const char *dir)
{
    char **files = NULL;
    size_t nfiles = 0, cap = 0;
    align_error listed;
    int lrc = list_json_tree(dir, true, &files, &nfiles, &cap);
    int rc;

    if (lrc < 0)
        listed = *align_error_last();
    rc = read_json_files(log, files, nfiles);
    if (rc == 0 && lrc < 0)
        rc = error_restore(&listed);
    if (rc == 0 && nfiles == 0) {
        rc = error_set(ALIGN_EFORMAT, dir, 0, 0,
                       "no .json compiler log in the directory or its subdirectories");
        error_hint("%s", json_hint);
    }
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    return rc;
}

int align_escape_log_read_json_dir(align_escape_log *log, const char *dir)
{
    struct stat st;
    esc_mark mark;
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
        rc = read_json_tree(log, dir);
    }
    if (rc < 0)
        esc_mark_rollback(log, &mark);
    esc_fit(log);
    return rc;
}

int esc_read_json_mem(align_escape_log *log, const char *name, const char *text, size_t len,
                      bool shape, uint64_t *shaped)
{
    esc_mark mark;
    int rc;

    assert(log != NULL && name != NULL && (text != NULL || len == 0));
    esc_mark_take(log, &mark);
    rc = read_json(log, name, NULL, text ? text : "", len, shape, shaped);
    if (rc < 0)
        esc_mark_rollback(log, &mark);
    return rc;
}

int align_escape_log_read_json_mem(align_escape_log *log, const char *name, const char *text,
                                   size_t len)
{
    return esc_read_json_mem(log, name, text, len, true, NULL);
}
