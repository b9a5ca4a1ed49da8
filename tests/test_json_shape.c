/*
 * test_json_shape.c - the -json reader's shape scan (escape/escape_json.c)
 * against json-c, compiled in from the sources (the library does not
 * export esc_read_json_mem).
 *
 * The truth is json-c's reading: every input is read twice, once with the
 * shape scan and once with every line parsed by json-c (the reader before
 * the scan existed), and all the reader says must be the same both times:
 * status, error (code, message, file, line, column, hint), counters, sites
 * and captures field by field.  Inputs: real logs (go1.19.8's fixture
 * directory, lines go1.27 wrote for the same module), of which the scan
 * must take every record line (else the comparison would prove nothing),
 * and, at every offset of four records as go writes them (a {heap} leak,
 * a capture, a site with inlineLoc and flows, one with escapes in its
 * strings), the change of the byte to one that JSON treats specially, its
 * deletion and the line cut there, and in the capture escapes inserted
 * (bad, \u0000, surrogates, one that spells a letter).  The libFuzzer
 * target escape_json makes the same comparison on any input.
 */
#define _GNU_SOURCE /* mkdtemp */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape/escape.h"

#include "suite.h"

static const char hdr[] =
    "{\"version\":0,\"package\":\"p\",\"goos\":\"linux\",\"goarch\":\"amd64\","
    "\"gc_version\":\"go1.19.8\",\"file\":\"/src/p/a.go\"}\n";

/* Records exactly as go writes them (go1.19.8 and go1.27.4 on
 * tests/escape/shapes; the capture as go1.27 writes a by-value one). */
static const char *const records[] = {
    "{\"range\":{\"start\":{\"line\":10,\"character\":24},\"end\":{\"line\":10,\"character\":24}},"
    "\"severity\":3,\"code\":\"leak\",\"source\":\"go compiler\",\"message\":\"parameter v leaks "
    "to {heap} with derefs=0\",\"relatedInformation\":[{\"location\":{\"uri\":\"file:///src/p/"
    "a.go\",\"range\":{\"start\":{\"line\":19,\"character\":36},\"end\":{\"line\":19,"
    "\"character\":36}}},\"message\":\"escflow:    flow: {heap} = v:\"},{\"location\":{\"uri\":"
    "\"file:///src/p/a.go\",\"range\":{\"start\":{\"line\":19,\"character\":36},\"end\":{"
    "\"line\":19,\"character\":36}}},\"message\":\"escflow:      from f(v) (call parameter)\"}]}",

    "{\"range\":{\"start\":{\"line\":133,\"character\":14},\"end\":{\"line\":133,\"character\":"
    "14}},\"severity\":3,\"code\":\"leak\",\"source\":\"go compiler\",\"message\":\"parameter p "
    "leaks to {storage for func literal} with derefs=0\",\"relatedInformation\":[{\"location\":"
    "{\"uri\":\"file:///src/p/a.go\",\"range\":{\"start\":{\"line\":134,\"character\":30},"
    "\"end\":{\"line\":134,\"character\":30}}},\"message\":\"escflow:    flow: {storage for func "
    "literal} \xe2\x86\x90 p:\"},{\"location\":{\"uri\":\"file:///src/p/a.go\",\"range\":{"
    "\"start\":{\"line\":134,\"character\":30},\"end\":{\"line\":134,\"character\":30}}},"
    "\"message\":\"escflow:      from p (captured by a closure)\"}]}",

    "{\"range\":{\"start\":{\"line\":25,\"character\":2},\"end\":{\"line\":25,\"character\":2}},"
    "\"severity\":3,\"code\":\"escape\",\"source\":\"go compiler\",\"message\":\"o escapes to "
    "heap\",\"relatedInformation\":[{\"location\":{\"uri\":\"file:///src/p/g.go\",\"range\":{"
    "\"start\":{\"line\":7,\"character\":9},\"end\":{\"line\":7,\"character\":9}}},\"message\":"
    "\"inlineLoc\"},{\"location\":{\"uri\":\"file:///src/p/a.go\",\"range\":{\"start\":{\"line\":"
    "26,\"character\":9},\"end\":{\"line\":26,\"character\":9}}},\"message\":\"escflow:    "
    "flow: ~r0 = \\u0026o:\"}]}",

    "{\"range\":{\"start\":{\"line\":47,\"character\":21},\"end\":{\"line\":47,\"character\":21}},"
    "\"severity\":3,\"code\":\"escapes\",\"source\":\"go compiler\",\"message\":\"\\u0026Order{"
    "Note: \\\"a\\\\b\\/\\t\\u00e9\\u2028\\\"} escapes to heap\",\"relatedInformation\":[{"
    "\"location\":{\"uri\":\"file:///src/p/a.go\",\"range\":{\"start\":{\"line\":47,\"character\":"
    "21},\"end\":{\"line\":47,\"character\":21}}},\"message\":\"escflow:    flow: x = "
    "\\u0026{storage for \\u0026Order{...}}:\"}]}",
};

static int str_same(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

#define SAME_STR(f) ck_assert_msg(str_same(x->f, y->f), "%s: %s vs %s", #f, x->f, y->f)

/* Reads text[0..n) both ways and checks that the reader says the same;
 * the lines the shape scan took.  With path, the shape scan reads text
 * from the file path (written first), in chunks, not from memory. */
static uint64_t same_as(const char *text, size_t n, const char *path)
{
    align_escape_log *a = NULL, *b = NULL;
    align_error ea, eb;
    align_escape_stats sa, sb;
    uint64_t shaped = 0;
    int ra, rb;

    ck_assert_int_eq(align_escape_log_new(&a), 0);
    ck_assert_int_eq(align_escape_log_new(&b), 0);
    align_error_clear();
    if (path != NULL) {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(text, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
        ra = align_escape_log_read_json_dir(a, path);
    } else {
        ra = esc_read_json_mem(a, "t.json", text, n, true, &shaped);
    }
    ea = *align_error_last();
    align_error_clear();
    rb = esc_read_json_mem(b, path ? path : "t.json", text, n, false, NULL);
    eb = *align_error_last();
    ck_assert_msg(ra == rb, "status %d vs json-c's %d (%s) for: %.*s", ra, rb, eb.message, (int)n,
                  text);
    ck_assert_int_eq(ea.code, eb.code);
    ck_assert_str_eq(ea.message, eb.message);
    ck_assert_str_eq(ea.file, eb.file);
    ck_assert_str_eq(ea.hint, eb.hint);
    ck_assert_uint_eq(ea.line, eb.line);
    ck_assert_uint_eq(ea.col, eb.col);
    align_escape_log_stats(&sa, a);
    align_escape_log_stats(&sb, b);
    ck_assert_msg(memcmp(&sa, &sb, sizeof sa) == 0, "counters differ for: %.*s", (int)n, text);
    ck_assert_uint_eq(align_escape_log_nsites(a), align_escape_log_nsites(b));
    for (size_t i = 0; i < align_escape_log_nsites(a); i++) {
        const align_escape_site *x = &align_escape_log_sites(a)[i];
        const align_escape_site *y = &align_escape_log_sites(b)[i];
        SAME_STR(file);
        SAME_STR(package);
        SAME_STR(expr);
        SAME_STR(type_text);
        SAME_STR(var_name);
        SAME_STR(input);
        SAME_STR(func);
        SAME_STR(flow_dst);
        SAME_STR(inlined);
        SAME_STR(inline_file);
        ck_assert_uint_eq(x->line, y->line);
        ck_assert_uint_eq(x->col, y->col);
        ck_assert_int_eq(x->kind, y->kind);
        ck_assert_int_eq(x->stack_only, y->stack_only);
        ck_assert_uint_eq(x->input_line, y->input_line);
        ck_assert_uint_eq(x->inline_line, y->inline_line);
        ck_assert_int_eq(x->var_size, y->var_size);
    }
    ck_assert_uint_eq(align_escape_log_ncaptures(a), align_escape_log_ncaptures(b));
    for (size_t i = 0; i < align_escape_log_ncaptures(a); i++) {
        const align_escape_capture *x = &align_escape_log_captures(a)[i];
        const align_escape_capture *y = &align_escape_log_captures(b)[i];
        SAME_STR(file);
        SAME_STR(package);
        SAME_STR(func);
        SAME_STR(var_name);
        SAME_STR(input);
        ck_assert_uint_eq(x->line, y->line);
        ck_assert_uint_eq(x->col, y->col);
        ck_assert_int_eq(x->by_value, y->by_value);
        ck_assert_uint_eq(x->width, y->width);
        ck_assert_uint_eq(x->input_line, y->input_line);
        ck_assert_uint_eq(x->use_line, y->use_line);
    }
    align_escape_log_free(a);
    align_escape_log_free(b);
    return shaped;
}

static uint64_t same(const char *text, size_t n)
{
    return same_as(text, n, NULL);
}

/* A fixture of tests/escape/, relative to it. */
static char *read_fixture(const char *rel, size_t *n)
{
    const char *top = getenv("top_srcdir");
    char path[1024];
    char *text;
    snprintf(path, sizeof path, "%s/tests/escape/%s", top ? top : ".", rel);
    text = slurp(path, n);
    ck_assert_uint_gt(*n, 0);
    return text;
}

static size_t count_lines(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* Real logs: the same reading, every record line taken by the scan. */
START_TEST(real_logs)
{
    static const char *const logs[] = {
        "logs/json/example.com%2Fshapes%2Fgeom/geom.json",
        "logs/json/example.com%2Fshapes%2Fmisc/misc.json",
        "logs/json/main/gen.json",
        "logs/json/main/main.json",
        "logs/go1.27-sample.json",
    };
    for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
        size_t n;
        char *text = read_fixture(logs[i], &n);
        ck_assert_uint_eq(same(text, n), count_lines(text, n) - 1); /* all but the header */
        free(text);
    }
}
END_TEST

/* The records above, whole and in a file: all taken, one capture, two
 * sites. */
START_TEST(records_taken)
{
    char text[16384];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", hdr);
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\n", records[i]);
    ck_assert_uint_lt(n, sizeof text);
    ck_assert_uint_eq(same(text, n), 4);
    align_escape_log *log = NULL;
    ck_assert_int_eq(align_escape_log_new(&log), 0);
    ck_assert_int_eq(esc_read_json_mem(log, "t.json", text, n, true, NULL), 0);
    ck_assert_uint_eq(align_escape_log_ncaptures(log), 1);
    ck_assert_uint_eq(align_escape_log_nsites(log), 2);
    ck_assert_str_eq(align_escape_log_sites(log)[0].inline_file, "/src/p/g.go");
    ck_assert_int_eq(align_escape_log_sites(log)[0].kind, ALIGN_ESCAPE_MOVED);
    ck_assert_str_eq(align_escape_log_sites(log)[1].expr,
                     "&Order{Note: \"a\\b/\t\xc3\xa9\xe2\x80\xa8\"}");
    align_escape_log_free(log);
}
END_TEST

/* hdr, then line[0..n) with bytes ins[0..k) put in place of del bytes at
 * offset at, then a good record (the reading goes on after the line). */
static void mutated(const char *line, size_t n, size_t at, size_t del, const char *ins, size_t k)
{
    static char text[8192];
    size_t h = sizeof hdr - 1, m = 0;
    ck_assert_uint_lt(h + n + k + 512, sizeof text);
    memcpy(text, hdr, h);
    m = h;
    memcpy(text + m, line, at);
    m += at;
    memcpy(text + m, ins, k);
    m += k;
    memcpy(text + m, line + at + del, n - at - del);
    m += n - at - del;
    m += (size_t)snprintf(text + m, sizeof text - m, "\n%s\n", records[0]);
    same(text, m);
}

/* Every offset of every record: the line cut there, the byte deleted, or
 * changed to one JSON treats specially; escapes inserted at every offset
 * of the capture (the record whose strings are read).  About 40,000
 * readings, each done twice: 0.6 s, 4 s under ASan. */
START_TEST(mutations)
{
    static const char bytes[] = "\"\\09-. }],\x01\xff";
    static const char *const escapes[] = {
        "\\x", "\\u00g0", "\\u0000",        "\\ud800", "\\u0066",
        "\\n", "\\\"",    "\\ud83d\\ude00", "\"",      "\xe2\x86\x90",
    };
    const char *line = records[_i];
    size_t n = strlen(line);
    for (size_t at = 0; at <= n; at++) {
        mutated(line, at, at, 0, "", 0); /* cut there */
        for (size_t e = 0; _i == 1 && e < sizeof escapes / sizeof escapes[0]; e++)
            mutated(line, n, at, 0, escapes[e], strlen(escapes[e]));
        if (at == n)
            break;
        mutated(line, n, at, 1, "", 0);
        for (size_t b = 0; b < sizeof bytes - 1; b++)
            if (bytes[b] != line[at])
                mutated(line, n, at, 1, &bytes[b], 1);
    }
}
END_TEST

/* Numbers at their limits, in each position of a record. */
START_TEST(numbers)
{
    static const char *const nums[] = {
        "0",           "1",  "00", "01",  "4294967295", "4294967296", "9999999999",
        "10000000000", "-1", "-0", "1.0", "1e3",        "2E1",        "18446744073709551616"};
    const char *line = records[2];
    size_t n = strlen(line);
    for (size_t at = 0; at < n; at++) {
        size_t k = 0;
        if (line[at] < '0' || line[at] > '9' ||
            (at > 0 && line[at - 1] >= '0' && line[at - 1] <= '9'))
            continue;
        while (line[at + k] >= '0' && line[at + k] <= '9')
            k++;
        for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
            mutated(line, n, at, k, nums[i], strlen(nums[i]));
    }
}
END_TEST

/* Bytes that are not UTF-8 (go's encoding/json writes U+FFFD for them),
 * in each string of a record the scan takes and of one it counts and
 * leaves, and in the header: an error naming the line and the byte's
 * column, the same both ways.  UTF-8 of 2, 3 and 4 bytes is taken. */
START_TEST(invalid_utf8)
{
    static const char *const bad[] = {
        "\xff", "\x80", "\xc0\xae", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x86", "\xf0\x9f\x98"};
    static const char *const good[] = {"\xc3\xa9", "\xe2\x86\x90", "\xf0\x9f\x98\x80"};
    static const char *const after[] = {"file:///src/p/a.go", "go compiler", "\"leak\"",
                                        "parameter p ",       "from p ",     "parameter v "};
    char text[8192];
    for (size_t r = 0; r < 2; r++) {
        const char *line = records[r]; /* a {heap} leak (left), a capture (read) */
        for (size_t a = 0; a < sizeof after / sizeof after[0]; a++) {
            const char *at = strstr(line, after[a]);
            size_t off;
            if (at == NULL)
                continue;
            off = (size_t)(at - line) + (after[a][0] == '"' ? 2 : strlen(after[a]));
            for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
                align_escape_log *log = NULL;
                const align_error *e;
                int n = snprintf(text, sizeof text, "%s%.*s%s%s\n", hdr, (int)off, line, bad[b],
                                 line + off);
                ck_assert_int_lt(n, (int)sizeof text);
                same(text, (size_t)n);
                ck_assert_int_eq(align_escape_log_new(&log), 0);
                ck_assert_int_eq(esc_read_json_mem(log, "t.json", text, (size_t)n, true, NULL),
                                 ALIGN_EFORMAT);
                e = align_error_last();
                ck_assert_uint_eq(e->line, 2);
                ck_assert_uint_eq(e->col, off + 1);
                ck_assert_msg(strstr(e->message, "is not UTF-8") != NULL, "%s", e->message);
                align_escape_log_free(log);
            }
            for (size_t g = 0; g < sizeof good / sizeof good[0]; g++) {
                int n = snprintf(text, sizeof text, "%s%.*s%s%s\n", hdr, (int)off, line, good[g],
                                 line + off);
                ck_assert_uint_eq(same(text, (size_t)n), 1);
            }
        }
    }
    /* the header, which json-c reads: line 1 */
    int n =
        snprintf(text, sizeof text, "{\"version\":0,\"package\":\"p\xff\",\"file\":\"/a.go\"}\n");
    align_escape_log *log = NULL;
    same(text, (size_t)n);
    ck_assert_int_eq(align_escape_log_new(&log), 0);
    ck_assert_int_eq(esc_read_json_mem(log, "t.json", text, (size_t)n, true, NULL), ALIGN_EFORMAT);
    ck_assert_uint_eq(align_error_last()->line, 1);
    ck_assert_uint_eq(align_error_last()->col, 26); /* the byte after the p of the package */
    align_escape_log_free(log);
}
END_TEST

/* A "leak" record at line `line` of nrel entries whose messages are mlen
 * bytes, in b; its length. */
static size_t leak_record(char *b, unsigned line, size_t nrel, size_t mlen)
{
    size_t n =
        (size_t)sprintf(b,
                        "{\"range\":{\"start\":{\"line\":%u,\"character\":%u},\"end\":{"
                        "\"line\":%u,\"character\":%u}},\"severity\":3,\"code\":\"leak\","
                        "\"source\":\"go compiler\",\"message\":\"parameter v leaks to {heap} "
                        "with derefs=0\",\"relatedInformation\":[",
                        line, line % 70 + 1, line, line % 70 + 1);
    for (size_t i = 0; i < nrel; i++) {
        n += (size_t)sprintf(b + n,
                             "%s{\"location\":{\"uri\":\"file:///src/p/a%zu.go\",\"range\":{"
                             "\"start\":{\"line\":%zu,\"character\":3},\"end\":{\"line\":%zu,"
                             "\"character\":3}}},\"message\":\"escflow:      from ",
                             i ? "," : "", i / 3, line + i / 2, line + i / 2);
        memset(b + n, 'x', mlen);
        n += mlen;
        n += (size_t)sprintf(b + n, " (call parameter)\"}");
    }
    return n + (size_t)sprintf(b + n, "]}");
}

/* A file read in chunks the same as in memory: records of many lengths
 * (most under a chunk of 64 KiB, some over, one over four) cut by the
 * chunks' ends at many offsets, a line ended by "\r\n", the last with no
 * "\n"; damaged records after a chunk's end and in a long line; and a
 * line over the 16 MiB cap, the error at its line both ways. */
START_TEST(file_chunks)
{
    static char text[1 << 21];
    char dir[] = "/tmp/test_json_shape.XXXXXX", path[64];
    size_t n = 0, lines = 1, pairs = 0;
    unsigned seed = 7;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.json", dir);
    n = (size_t)sprintf(text, "%s", hdr);
    while (n < sizeof text - (1 << 19)) {
        size_t nrel, mlen;
        seed = seed * 1103515245u + 12345u;
        nrel = (seed >> 8) % 40;
        mlen = (seed >> 16) % 90;
        if (lines % 97 == 0)
            nrel = 300 + (seed >> 4) % 700; /* 70 to 240 KiB */
        n += leak_record(text + n, (unsigned)lines + 1, nrel, mlen);
        text[n++] = '\n';
        if (lines % 23 == 0) { /* a site and a capture, read in full */
            n += (size_t)sprintf(text + n, "%s\r\n%s\n", records[2], records[1]);
            lines += 2;
            pairs++;
        }
        lines++;
    }
    n += (size_t)sprintf(text + n, "%s", records[3]); /* no "\n" */
    same_as(text, n, path);
    {
        align_escape_log *log = NULL;
        align_escape_stats st;
        ck_assert_int_eq(align_escape_log_new(&log), 0);
        ck_assert_int_eq(align_escape_log_read_json_dir(log, path), 0);
        align_escape_log_stats(&st, log);
        ck_assert_uint_eq(st.lines, lines + 1);
        ck_assert_uint_gt(pairs, 10);
        ck_assert_uint_eq(align_escape_log_ncaptures(log), pairs);
        ck_assert_uint_eq(align_escape_log_nsites(log), pairs + 1);
        align_escape_log_free(log);
    }
    /* damage after the first chunk's end, and in the first long line */
    for (size_t at = 65536; at < 65536 + 4000; at += 397) {
        char c = text[at];
        text[at] = '}';
        same_as(text, n, path);
        text[at] = c;
    }
    {
        const char *longline = NULL;
        for (const char *p = text, *e; (e = memchr(p, '\n', (size_t)(text + n - p))); p = e + 1)
            if (e - p > 65536) {
                longline = p;
                break;
            }
        ck_assert_ptr_nonnull(longline);
        for (size_t k = 1; k < 4; k++) {
            size_t at = (size_t)(longline - text) + k * 40000;
            char c = text[at];
            text[at] = '\x01';
            same_as(text, n, path);
            text[at] = c;
        }
    }
    /* a line over the cap, then a good one */
    {
        size_t big = ESC_MAX_JSON_LINE + 100, m = sizeof hdr - 1;
        char *t = malloc(big + 4096);
        align_escape_log *log = NULL;
        ck_assert_ptr_nonnull(t);
        memcpy(t, hdr, m);
        m += leak_record(t + m, 2, 1, 0);
        t[m++] = '\n';
        memset(t + m, ' ', big);
        m += big;
        t[m++] = '\n';
        m += leak_record(t + m, 4, 2, 5);
        t[m++] = '\n';
        same_as(t, m, path);
        ck_assert_int_eq(align_escape_log_new(&log), 0);
        ck_assert_int_eq(align_escape_log_read_json_dir(log, path), ALIGN_ELIMIT);
        ck_assert_uint_eq(align_error_last()->line, 3);
        align_escape_log_free(log);
        free(t);
    }
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *shape_suite(void)
{
    Suite *s = suite_create("json_shape");
    TCase *t = tcase_create("shape");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, real_logs);
    tcase_add_test(t, records_taken);
    tcase_add_loop_test(t, mutations, 0, (int)(sizeof records / sizeof records[0]));
    tcase_add_test(t, numbers);
    tcase_add_test(t, invalid_utf8);
    tcase_add_test(t, file_chunks);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(shape_suite());
}
