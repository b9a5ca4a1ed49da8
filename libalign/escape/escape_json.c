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
