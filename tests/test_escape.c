/*
 * test_escape.c - Go escape-analysis logs (escape.c, escape_json.c).
 *
 * The fixtures are real compiler output: tests/escape/shapes (a module with
 * packages main, geom, gen, misc covering every escape shape) built with
 * go1.19.8 linux/amd64 by tests/escape/regen.sh, which wrote
 * tests/escape/logs/{m,m2,mm,subdir-m}.stderr, all-m.stderr.gz and json/.
 * The expected sites of m.stderr below were checked line by line against
 * the log (input_line is the line of m.stderr each one comes from); the
 * totals of the all=-m log were counted independently with grep:
 *   grep -cE ': (.* escapes to heap|moved to heap: .*)$'   -> 1866
 *   grep -cE ': .* does not escape$'                      -> 2676
 * The -json heap sites must be exactly the -m heap sites, with paths
 * resolved against the directory the fixtures were built in.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libalign.h"

#include "suite.h"

/* Where the -json fixtures say the shapes module is: their paths are
 * absolute, and regen.sh rewrites the directory it built in to this fixed,
 * fictitious prefix, so that nothing depends on where they were made. */
#define SHAPES "/fixture/shapes"

#define HEAP 0
#define STACK 1
#define MOVED ALIGN_ESCAPE_MOVED
#define ADDR_OF_LIT ALIGN_ESCAPE_ADDR_OF_LIT
#define NEW ALIGN_ESCAPE_NEW
#define MAKE_SLICE ALIGN_ESCAPE_MAKE_SLICE
#define MAKE_MAP ALIGN_ESCAPE_MAKE_MAP
#define SLICE_LIT ALIGN_ESCAPE_SLICE_LIT
#define MAP_LIT ALIGN_ESCAPE_MAP_LIT
#define VARARGS ALIGN_ESCAPE_VARARGS
#define FUNC_LIT ALIGN_ESCAPE_FUNC_LIT
#define STRING_CONV ALIGN_ESCAPE_STRING_CONV
#define BOXED ALIGN_ESCAPE_BOXED

enum { GEOM, MISC, MAIN };
static const char *const pkg_path[] = {"example.com/shapes/geom", "example.com/shapes/misc",
                                       "example.com/shapes"};

typedef struct want {
    const char *file;
    unsigned line, col;
    int pkg;
    align_escape_kind kind;
    int stack_only;
    const char *expr, *type_text, *var_name;
    unsigned input_line;
} want;

/* go build -gcflags=-m ./... in tests/escape/shapes (logs/m.stderr). */
static const want m_sites[] = {
    {"geom/geom.go", 15, 9, GEOM, ADDR_OF_LIT, HEAP, "&Padded{...}", "Padded", NULL, 5},
    {"geom/geom.go", 22, 10, GEOM, NEW, HEAP, "new(Padded)", "Padded", NULL, 6},
    {"geom/geom.go", 28, 10, GEOM, BOXED, STACK, "ps", NULL, NULL, 7},
    {"misc/misc.go", 12, 7, MISC, BOXED, STACK, "p", NULL, NULL, 16},
    {"misc/misc.go", 26, 16, MISC, MAKE_MAP, HEAP, "make(map[string]Point)", "map[string]Point",
     NULL, 17},
    {"misc/misc.go", 27, 11, MISC, MAKE_MAP, STACK, "make(map[string]Point, n)", "map[string]Point",
     NULL, 18},
    {"misc/misc.go", 29, 28, MISC, MAP_LIT, HEAP, "map[string]Point{...}", "map[string]Point", NULL,
     19},
    {"misc/misc.go", 30, 22, MISC, MAP_LIT, STACK, "map[int]int{...}", "map[int]int", NULL, 20},
    {"misc/misc.go", 35, 19, MISC, SLICE_LIT, HEAP, "[]Point{...}", "[]Point", NULL, 22},
    {"misc/misc.go", 36, 13, MISC, ADDR_OF_LIT, HEAP, "&struct { A int8; B int8 }{...}",
     "struct { A int8; B int8 }", NULL, 23},
    {"misc/misc.go", 37, 15, MISC, BOXED, HEAP, "any(p)", NULL, NULL, 24},
    {"misc/misc.go", 38, 12, MISC, BOXED, HEAP, "p.Norm", NULL, NULL, 25},
    {"misc/misc.go", 41, 14, MISC, BOXED, STACK, "b", NULL, NULL, 26},
    {"misc/misc.go", 41, 24, MISC, BOXED, STACK, "s", NULL, NULL, 27},
    {"misc/misc.go", 41, 27, MISC, BOXED, STACK, "t", NULL, NULL, 28},
    {"misc/misc.go", 42, 18, MISC, STRING_CONV, HEAP, "string(b)", NULL, NULL, 29},
    {"misc/misc.go", 43, 16, MISC, STRING_CONV, HEAP, "([]byte)(s)", NULL, NULL, 30},
    {"misc/misc.go", 44, 14, MISC, BOXED, HEAP, "s + t", NULL, NULL, 31},
    {"misc/misc.go", 45, 2, MISC, STRING_CONV, HEAP, "([]rune)(s)", NULL, NULL, 32},
    {"misc/misc.go", 45, 18, MISC, STRING_CONV, HEAP, "([]rune)(s)", NULL, NULL, 33},
    {"misc/misc.go", 48, 18, MISC, BOXED, STACK, "p", NULL, NULL, 34},
    {"misc/misc.go", 49, 14, MISC, BOXED, STACK, "p", NULL, NULL, 35},
    {"misc/misc.go", 55, 6, MISC, MOVED, HEAP, "big", NULL, "big", 36},
    {"./main.go", 25, 2, MAIN, MOVED, HEAP, "o", NULL, "o", 68},
    {"./main.go", 33, 9, MAIN, ADDR_OF_LIT, HEAP, "&Order{...}", "Order", NULL, 69},
    {"./main.go", 40, 12, MAIN, NEW, HEAP, "new(Order)", "Order", NULL, 70},
    {"./main.go", 47, 21, MAIN, ADDR_OF_LIT, HEAP, "&Order{...}", "Order", NULL, 71},
    {"./main.go", 55, 11, MAIN, MAKE_SLICE, HEAP, "make([]Order, n)", "[]Order", NULL, 72},
    {"./main.go", 56, 11, MAIN, MAKE_SLICE, HEAP, "make([]Order, n, 2 * n)", "[]Order", NULL, 73},
    {"./main.go", 57, 11, MAIN, MAKE_SLICE, STACK, "make([]int, 8)", "[]int", NULL, 74},
    {"./main.go", 58, 11, MAIN, MAKE_SLICE, HEAP, "make([]byte, 100000)", "[]byte", NULL, 75},
    {"./main.go", 64, 2, MAIN, BOXED, HEAP, "o", NULL, NULL, 76},
    {"./main.go", 65, 2, MAIN, BOXED, HEAP, "n + 1", NULL, NULL, 77},
    {"./main.go", 66, 13, MAIN, VARARGS, STACK, "... argument", NULL, NULL, 78},
    {"./main.go", 66, 15, MAIN, BOXED, HEAP, "o.ID", NULL, NULL, 79},
    {"./main.go", 66, 20, MAIN, BOXED, HEAP, "\"orders\"", NULL, NULL, 80},
    {"./main.go", 72, 2, MAIN, MOVED, HEAP, "n", NULL, "n", 81},
    {"./main.go", 73, 9, MAIN, FUNC_LIT, HEAP, "func literal", NULL, NULL, 82},
    {"./main.go", 80, 12, MAIN, BOXED, STACK, "xs", NULL, NULL, 83},
    {"./main.go", 82, 10, MAIN, FUNC_LIT, STACK, "func literal", NULL, NULL, 84},
    {"./gen/gen.go", 12, 9, MAIN, ADDR_OF_LIT, HEAP,
     "&gen.Pair[go.shape.bool_0,go.shape.int64_1]{...}",
     "gen.Pair[go.shape.bool_0,go.shape.int64_1]", NULL, 86},
    {"./gen/gen.go", 17, 13, MAIN, MAKE_SLICE, HEAP, "make([]any, int(0), len(gen.xs))", "[]any",
     NULL, 87},
    {"./gen/gen.go", 19, 15, MAIN, BOXED, HEAP, "unsafe.Pointer(gen.x)", NULL, NULL, 88},
    {"./main.go", 113, 10, MAIN, MOVED, HEAP, "misc.big", NULL, "misc.big", 89},
    {"./main.go", 95, 15, MAIN, ADDR_OF_LIT, HEAP, "&geom.Padded{...}", "geom.Padded", NULL, 90},
    {"./main.go", 98, 29, MAIN, SLICE_LIT, STACK, "[]*geom.Padded{...}", "[]*geom.Padded", NULL,
     91},
    {"./main.go", 100, 9, MAIN, ADDR_OF_LIT, HEAP, "&gen.Pair[bool,int64]{...}",
     "gen.Pair[bool,int64]", NULL, 92},
    {"./main.go", 102, 23, MAIN, SLICE_LIT, STACK, "[]int{...}", "[]int", NULL, 93},
    {"./main.go", 106, 14, MAIN, ADDR_OF_LIT, HEAP, "&Order{...}", "Order", NULL, 94},
    {"./main.go", 107, 21, MAIN, MAKE_SLICE, HEAP, "make([]Order, n)", "[]Order", NULL, 95},
    {"./main.go", 107, 21, MAIN, MAKE_SLICE, HEAP, "make([]Order, n, 2 * n)", "[]Order", NULL, 96},
    {"./main.go", 107, 21, MAIN, MAKE_SLICE, STACK, "make([]int, 8)", "[]int", NULL, 97},
    {"./main.go", 107, 21, MAIN, MAKE_SLICE, HEAP, "make([]byte, 100000)", "[]byte", NULL, 98},
    {"./main.go", 109, 14, MAIN, FUNC_LIT, STACK, "func literal", NULL, NULL, 99},
    {"./main.go", 110, 11, MAIN, MAKE_MAP, HEAP, "make(map[string]misc.Point)",
     "map[string]misc.Point", NULL, 100},
    {"./main.go", 110, 11, MAIN, MAKE_MAP, STACK, "make(map[string]misc.Point, misc.n)",
     "map[string]misc.Point", NULL, 101},
    {"./main.go", 110, 11, MAIN, MAP_LIT, HEAP, "map[string]misc.Point{...}",
     "map[string]misc.Point", NULL, 102},
    {"./main.go", 110, 11, MAIN, MAP_LIT, STACK, "map[int]int{...}", "map[int]int", NULL, 103},
    {"./main.go", 111, 15, MAIN, SLICE_LIT, HEAP, "[]misc.Point{...}", "[]misc.Point", NULL, 104},
    {"./main.go", 111, 15, MAIN, ADDR_OF_LIT, HEAP, "&struct { A int8; B int8 }{...}",
     "struct { A int8; B int8 }", NULL, 105},
    {"./main.go", 111, 15, MAIN, BOXED, HEAP, "any(misc.p)", NULL, NULL, 106},
    {"./main.go", 111, 15, MAIN, BOXED, HEAP, "misc.p.Norm", NULL, NULL, 107},
    {"./main.go", 112, 14, MAIN, STRING_CONV, HEAP, "string(misc.b)", NULL, NULL, 108},
    {"./main.go", 112, 14, MAIN, STRING_CONV, HEAP, "([]byte)(misc.s)", NULL, NULL, 109},
    {"./main.go", 112, 14, MAIN, BOXED, HEAP, "misc.s + misc.t", NULL, NULL, 110},
    {"./main.go", 112, 14, MAIN, BOXED, HEAP, "any(([]rune)(misc.s))", NULL, NULL, 111},
    {"./main.go", 112, 14, MAIN, STRING_CONV, HEAP, "([]rune)(misc.s)", NULL, NULL, 112},
    {"./main.go", 114, 22, MAIN, BOXED, STACK, "any(misc.p)", NULL, NULL, 113},
    {"./main.go", 115, 14, MAIN, VARARGS, STACK, "... argument", NULL, NULL, 114},
    {"./main.go", 115, 24, MAIN, BOXED, HEAP, "bs", NULL, NULL, 115},
    {"./main.go", 115, 60, MAIN, BOXED, HEAP, "len(a)", NULL, NULL, 116},
    {"./main.go", 115, 68, MAIN, BOXED, HEAP, "len(b)", NULL, NULL, 117},
    {"./main.go", 115, 76, MAIN, BOXED, HEAP, "len(d)", NULL, NULL, 118},
    {"./main.go", 115, 82, MAIN, BOXED, HEAP, "~R0", NULL, NULL, 119},
    {"./main.go", 115, 91, MAIN, BOXED, HEAP, "~R0", NULL, NULL, 120},
    {"./main.go", 115, 97, MAIN, SLICE_LIT, STACK, "[]int{...}", "[]int", NULL, 121},
    {"./main.go", 115, 91, MAIN, FUNC_LIT, STACK, "func literal", NULL, NULL, 122},
};
#define N_M_SITES (sizeof m_sites / sizeof m_sites[0])

static char *fixture(const char *rel)
{
    const char *top = getenv("top_srcdir");
    static char path[4][1024];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, sizeof path[0], "%s/tests/escape/%s", top ? top : ".", rel);
    return p;
}

static align_escape_log *log_;

static void setup(void)
{
    ck_assert_int_eq(align_escape_log_new(&log_), 0);
}

static void teardown(void)
{
    align_escape_log_free(log_);
    log_ = NULL;
}

static int streq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

static void check_site(const align_escape_site *s, const want *w, const char *file, const char *pkg,
                       size_t i)
{
    ck_assert_msg(streq(s->file, file) && s->line == w->line && s->col == w->col &&
                      streq(s->package, pkg) && s->kind == w->kind &&
                      s->stack_only == w->stack_only && streq(s->expr, w->expr) &&
                      streq(s->type_text, w->type_text) && streq(s->var_name, w->var_name),
                  "site %zu: got %s:%u:%u %s %s/%d %s|%s|%s, want %s:%u:%u %s %s/%d %s|%s|%s", i,
                  str(s->file), s->line, s->col, str(s->package), align_escape_kind_name(s->kind),
                  s->stack_only, str(s->expr), str(s->type_text), str(s->var_name), file, w->line,
                  w->col, str(pkg), align_escape_kind_name(w->kind), w->stack_only, w->expr,
                  str(w->type_text), str(w->var_name));
}

static void check_stats(uint64_t inputs, uint64_t lines, uint64_t heap, uint64_t stack,
                        uint64_t ignored, uint64_t skipped)
{
    align_escape_stats st;
    align_escape_log_stats(&st, log_);
    ck_assert_uint_eq(st.inputs, inputs);
    ck_assert_uint_eq(st.lines, lines);
    ck_assert_uint_eq(st.heap_sites, heap);
    ck_assert_uint_eq(st.stack_sites, stack);
    ck_assert_uint_eq(st.ignored, ignored);
    ck_assert_uint_eq(st.skipped, skipped);
}

/* Index of the unused expected site equal to s (file given separately);
 * marks it used.  -1 when none. */
static int match_unordered(const align_escape_site *s, const char *file, const char *main_pkg,
                           const want *w, size_t n, char *used,
                           const char *(*map_file)(const want *))
{
    for (size_t i = 0; i < n; i++) {
        const char *pkg = w[i].pkg == MAIN ? main_pkg : pkg_path[w[i].pkg];
        if (used[i] || !streq(file, map_file(&w[i])) || s->line != w[i].line ||
            s->col != w[i].col || !streq(s->package, pkg) || s->kind != w[i].kind ||
            s->stack_only != w[i].stack_only || !streq(s->expr, w[i].expr) ||
            !streq(s->type_text, w[i].type_text) || !streq(s->var_name, w[i].var_name))
            continue;
        used[i] = 1;
        return (int)i;
    }
    return -1;
}

static const char *as_written(const want *w)
{
    return w->file;
}

/* ------------------------------------------------------------ -m text */

START_TEST(text_m_exact)
{
    const char *path = fixture("logs/m.stderr");
    ck_assert_int_eq(align_escape_log_read_text(log_, path), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), N_M_SITES);
    const align_escape_site *s = align_escape_log_sites(log_);
    for (size_t i = 0; i < N_M_SITES; i++) {
        check_site(&s[i], &m_sites[i], m_sites[i].file, pkg_path[m_sites[i].pkg], i);
        ck_assert_uint_eq(s[i].input_line, m_sites[i].input_line);
        ck_assert_str_eq(s[i].input, path);
    }
    /* 122 lines: 77 sites, 3 headers + 42 can/cannot inline, inlining call,
     * leaking param; nothing unrelated. */
    check_stats(1, 122, 54, 23, 45, 0);
}
END_TEST

/* -m=2 and "-m -m" are the same flag; their explanations must not add or
 * double a site.  Package blocks come out in build order, which varies. */
static void check_same_sites_unordered(const char *(*map_file)(const want *))
{
    char used[N_M_SITES] = {0};
    const align_escape_site *s = align_escape_log_sites(log_);
    ck_assert_uint_eq(align_escape_log_nsites(log_), N_M_SITES);
    for (size_t i = 0; i < N_M_SITES; i++)
        ck_assert_msg(match_unordered(&s[i], s[i].file, pkg_path[MAIN], m_sites, N_M_SITES, used,
                                      map_file) >= 0,
                      "unexpected site %s:%u:%u %s", s[i].file, s[i].line, s[i].col, s[i].expr);
}

START_TEST(text_m2_same_sites)
{
    ck_assert_int_eq(align_escape_log_read_text(log_, fixture("logs/m2.stderr")), 0);
    check_same_sites_unordered(as_written);
    check_stats(1, 396, 54, 23, 319, 0);
}
END_TEST

START_TEST(text_mm_same_sites)
{
    ck_assert_int_eq(align_escape_log_read_text(log_, fixture("logs/mm.stderr")), 0);
    check_same_sites_unordered(as_written);
    check_stats(1, 396, 54, 23, 319, 0);
}
END_TEST

/* Built from shapes/geom with `go build -gcflags=-m ../...`: paths are
 * relative to that directory, and resolve to the same files. */
static const char *from_geom(const want *w)
{
    static char buf[256];
    if (strcmp(w->file, "geom/geom.go") == 0)
        return "./geom.go";
    snprintf(buf, sizeof buf, "../%s", w->file[0] == '.' ? w->file + 2 : w->file);
    return buf;
}

START_TEST(text_subdir_paths)
{
    ck_assert_int_eq(align_escape_log_read_text(log_, fixture("logs/subdir-m.stderr")), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), N_M_SITES);
    const align_escape_site *s = align_escape_log_sites(log_);
    for (size_t i = 0; i < N_M_SITES; i++) {
        align_buf a, b;
        check_site(&s[i], &m_sites[i], from_geom(&m_sites[i]), pkg_path[m_sites[i].pkg], i);
        align_buf_init(&a);
        align_buf_init(&b);
        ck_assert_int_eq(align_escape_path_resolve(&a, SHAPES "/geom", s[i].file), 0);
        ck_assert_int_eq(align_escape_path_resolve(&b, SHAPES, m_sites[i].file), 0);
        ck_assert_str_eq(a.data, b.data);
        align_buf_free(&a);
        align_buf_free(&b);
    }
    check_stats(1, 122, 54, 23, 45, 0);
}
END_TEST

/* all=-m: the standard library too (absolute GOROOT paths, <autogenerated>
 * lines without a column, "index bounds check elided"). */
START_TEST(text_all_m)
{
    const char *top = getenv("top_builddir");
    char path[1024];
    char used[N_M_SITES] = {0};
    size_t module = 0, autogen = 0, moved = 0, goroot = 0;

    snprintf(path, sizeof path, "%s/tests/escape/all-m.stderr", top ? top : ".");
    ck_assert_msg(align_escape_log_read_text(log_, path) == 0, "%s: %s", path,
                  align_error_last()->message);
    check_stats(1, 18569, 1866, 2676, 14027, 0);
    const align_escape_site *s = align_escape_log_sites(log_);
    for (size_t i = 0; i < align_escape_log_nsites(log_); i++) {
        if (s[i].package != NULL && strncmp(s[i].package, "example.com/shapes", 18) == 0) {
            ck_assert_msg(match_unordered(&s[i], s[i].file, pkg_path[MAIN], m_sites, N_M_SITES,
                                          used, as_written) >= 0,
                          "unexpected module site %s:%u:%u %s", s[i].file, s[i].line, s[i].col,
                          s[i].expr);
            module++;
        }
        if (strcmp(s[i].file, "<autogenerated>") == 0) {
            ck_assert_uint_eq(s[i].line, 1);
            ck_assert_uint_eq(s[i].col, 0);
            autogen++;
        }
        if (s[i].kind == ALIGN_ESCAPE_MOVED)
            moved++;
        if (strncmp(s[i].file, "/usr/lib/go-1.19/src/", 21) == 0)
            goroot++;
    }
    ck_assert_uint_eq(module, N_M_SITES);
    ck_assert_uint_eq(autogen, 34); /* grep -cE '^<autogenerated>:[0-9]+: .*(escape|moved)' */
    ck_assert_uint_eq(moved, 44);   /* grep -c ': moved to heap: ' */
    ck_assert_uint_gt(goroot, 4000);
}
END_TEST

/* Appending a second log keeps the first one's sites, each with its input. */
START_TEST(text_two_inputs)
{
    ck_assert_int_eq(align_escape_log_read_text(log_, fixture("logs/m.stderr")), 0);
    ck_assert_int_eq(align_escape_log_read_text(log_, fixture("logs/subdir-m.stderr")), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 2 * N_M_SITES);
    const align_escape_site *s = align_escape_log_sites(log_);
    ck_assert_ptr_ne(strstr(s[0].input, "m.stderr"), NULL);
    ck_assert_ptr_ne(strstr(s[N_M_SITES].input, "subdir-m.stderr"), NULL);
    check_stats(2, 244, 108, 46, 90, 0);
}
END_TEST

/* ------------------------------------------------------------- -json */

static const char *resolved(const want *w)
{
    static align_buf b;
    align_buf_free(&b);
    align_buf_init(&b);
    ck_assert_int_eq(align_escape_path_resolve(&b, SHAPES, w->file), 0);
    return b.data;
}

START_TEST(json_dir_matches_text)
{
    want heap[N_M_SITES];
    size_t nheap = 0;
    char used[N_M_SITES] = {0};

    for (size_t i = 0; i < N_M_SITES; i++)
        if (!m_sites[i].stack_only)
            heap[nheap++] = m_sites[i];
    ck_assert_int_eq(align_escape_log_read_json_dir(log_, fixture("logs/json")), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), nheap);
    const align_escape_site *s = align_escape_log_sites(log_);
    for (size_t i = 0; i < nheap; i++)
        ck_assert_msg(match_unordered(&s[i], s[i].file, "main", heap, nheap, used, resolved) >= 0,
                      "unexpected -json site %s:%u:%u %s %s", s[i].file, s[i].line, s[i].col,
                      align_escape_kind_name(s[i].kind), s[i].expr);
    /* 4 files, 143 lines: 54 sites, the rest headers, empty-message
     * duplicates, leaks, inlining and bounds-check records. */
    check_stats(4, 143, 54, 0, 89, 0);
}
END_TEST

START_TEST(json_file_and_package_dir)
{
    ck_assert_int_eq(align_escape_log_read_json_dir(
                         log_, fixture("logs/json/example.com%2Fshapes%2Fgeom/geom.json")),
                     0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 2);
    ck_assert_int_eq(align_escape_log_read_json_dir(log_, fixture("logs/json/main")), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 2 + 3 + 37);
    const align_escape_site *s = align_escape_log_sites(log_);
    ck_assert_str_eq(s[0].package, "example.com/shapes/geom");
    ck_assert_str_eq(s[0].file, SHAPES "/geom/geom.go");
    ck_assert_str_eq(s[2].file, SHAPES "/gen/gen.go"); /* main/gen.json sorts first */
    ck_assert_str_eq(s[2].package, "main");
    ck_assert_uint_eq(s[2].input_line, 3);
}
END_TEST

static const char hdr[] =
    "{\"version\":0,\"package\":\"p\",\"goos\":\"linux\",\"goarch\":\"amd64\","
    "\"gc_version\":\"go1.19.8\",\"file\":\"/src/p/a.go\"}\n";

static int json_mem(const char *body)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", hdr, body);
    return align_escape_log_read_json_mem(log_, "a.json", text, strlen(text));
}

#define DIAG(line, col, code, msg)                                                                 \
    "{\"range\":{\"start\":{\"line\":" #line ",\"character\":" #col "},\"end\":{\"line\":" #line   \
    ",\"character\":" #col "}},\"severity\":3,\"code\":\"" code "\",\"source\":\"go compiler\","   \
    "\"message\":\"" msg "\"}\n"

START_TEST(json_orphans_and_codes)
{
    /* clang-format off */
    ck_assert_int_eq(json_mem(DIAG(5, 3, "escape", "")  /* orphan */
                              DIAG(7, 2, "escape", "\\u0026T{...} escapes to heap")
                              DIAG(7, 2, "escape", "")
                              DIAG(7, 2, "escape", "")  /* orphan */
                              DIAG(8, 1, "leak", "parameter p leaks to {heap} with derefs=0")
                              DIAG(9, 1, "nilcheck", "")
                              DIAG(10, 4, "escapes", "x escapes to heap")),
                     0);
    /* clang-format on */
    ck_assert_uint_eq(align_escape_log_nsites(log_), 4);
    const align_escape_site *s = align_escape_log_sites(log_);
    ck_assert_int_eq(s[0].kind, ALIGN_ESCAPE_UNKNOWN);
    ck_assert_uint_eq(s[0].line, 5);
    ck_assert_uint_eq(s[0].col, 3);
    ck_assert_str_eq(s[0].expr, "");
    ck_assert_str_eq(s[0].file, "/src/p/a.go");
    ck_assert_str_eq(s[0].package, "p");
    ck_assert_int_eq(s[1].kind, ALIGN_ESCAPE_ADDR_OF_LIT);
    ck_assert_str_eq(s[1].type_text, "T");
    ck_assert_int_eq(s[2].kind, ALIGN_ESCAPE_UNKNOWN);
    ck_assert_uint_eq(s[2].line, 7);
    ck_assert_int_eq(s[3].kind, ALIGN_ESCAPE_BOXED); /* no explanation: not provably a variable */
    check_stats(1, 8, 4, 0, 6, 0);
}
END_TEST

START_TEST(json_moved_needs_address_flow)
{
    ck_assert_int_eq(
        json_mem("{\"range\":{\"start\":{\"line\":3,\"character\":2}},\"code\":\"escape\","
                 "\"message\":\"o escapes to heap\",\"relatedInformation\":["
                 "{\"location\":{},\"message\":\"inlineLoc\"},"
                 "{\"location\":{},\"message\":\"escflow:    flow: ~r0 = \\u0026o:\"}]}\n"
                 "{\"range\":{\"start\":{\"line\":4,\"character\":2}},\"code\":\"escape\","
                 "\"message\":\"o escapes to heap\",\"relatedInformation\":["
                 "{\"location\":{},\"message\":\"escflow:    flow: {heap} = "
                 "\\u0026{storage for o}:\"}]}\n"),
        0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 2);
    const align_escape_site *s = align_escape_log_sites(log_);
    ck_assert_int_eq(s[0].kind, ALIGN_ESCAPE_MOVED);
    ck_assert_str_eq(s[0].var_name, "o");
    ck_assert_int_eq(s[1].kind, ALIGN_ESCAPE_BOXED);
    ck_assert_ptr_null(s[1].var_name);
}
END_TEST

/* -json has no "capturing by value" line: a parameter the closure copies
 * is a "leak" to {storage for func literal} "captured by a closure" (these
 * records as go1.19 and go1.27 write them); .dict, {heap} leaks and leaks
 * of another cause are not captures. */
START_TEST(json_capture_by_value)
{
    ck_assert_int_eq(
        json_mem("{\"range\":{\"start\":{\"line\":133,\"character\":14}},\"code\":\"leak\","
                 "\"message\":\"parameter p leaks to {storage for func literal} with derefs=0\","
                 "\"relatedInformation\":[{\"location\":{\"uri\":\"file:///src/p/a.go\","
                 "\"range\":{\"start\":{\"line\":134,\"character\":30}}},"
                 "\"message\":\"escflow:    flow: {storage for func literal} \\u2190 p:\"},"
                 "{\"location\":{\"uri\":\"file:///src/p/a.go\",\"range\":{\"start\":"
                 "{\"line\":134,\"character\":30}}},"
                 "\"message\":\"escflow:      from p (captured by a closure)\"}]}\n"
                 "{\"range\":{\"start\":{\"line\":138,\"character\":6}},\"code\":\"leak\","
                 "\"message\":\"parameter .dict leaks to {storage for func literal} with "
                 "derefs=0\",\"relatedInformation\":[{\"location\":{\"range\":{\"start\":"
                 "{\"line\":138,\"character\":6}}},"
                 "\"message\":\"escflow:      from .dict (captured by a closure)\"}]}\n"
                 "{\"range\":{\"start\":{\"line\":140,\"character\":6}},\"code\":\"leak\","
                 "\"message\":\"parameter q leaks to {storage for func literal} with "
                 "derefs=0\",\"relatedInformation\":[{\"location\":{\"range\":{\"start\":"
                 "{\"line\":141,\"character\":6}}},"
                 "\"message\":\"escflow:      from q (call parameter)\"}]}\n" DIAG(
                     8, 1, "leak", "parameter r leaks to {heap} with derefs=0")),
        0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 0);
    ck_assert_uint_eq(align_escape_log_ncaptures(log_), 1);
    const align_escape_capture *c = align_escape_log_captures(log_);
    ck_assert_str_eq(c[0].var_name, "p");
    ck_assert_str_eq(c[0].func, "");
    ck_assert_int_eq(c[0].by_value, 1);
    ck_assert_uint_eq(c[0].line, 133);
    ck_assert_uint_eq(c[0].use_line, 134);
    ck_assert_str_eq(c[0].file, "/src/p/a.go");
}
END_TEST

/* Lines the reader lets through without json-c ("leak" and other ignored
 * codes) must end exactly as json-c's parse would: each record below looks
 * like an ignored one to a careless scan.  The truth is json-c's reading of
 * each line: the last of two "code" keys counts, \u escapes spell letters,
 * and a bad range.start.line is an error. */
START_TEST(json_ignored_records_unparsed)
{
    /* clang-format off */
    ck_assert_int_eq(json_mem(
        /* two "code" keys: json-c keeps the last, a site */
        "{\"range\":{\"start\":{\"line\":4,\"character\":2}},\"code\":\"leak\",\"code\":\"escape\","
        "\"message\":\"new(T) escapes to heap\"}\n"
        /* "code" spelled with an escape: a leak after all, and a capture whose
         * message spells "for" with one */
        "{\"range\":{\"start\":{\"line\":133,\"character\":14}},\"code\":\"l\\u0065ak\","
        "\"message\":\"parameter p leaks to {storage f\\u006fr func literal} with derefs=0\","
        "\"relatedInformation\":[{\"location\":{\"range\":{\"start\":{\"line\":134,"
        "\"character\":30}}},\"message\":\"escflow:      from p (captured by a closure)\"}]}\n"
        /* "\u0026" in an explanation cannot spell a capture: ignored */
        "{\"range\":{\"start\":{\"line\":9,\"character\":1}},\"code\":\"leak\",\"message\":"
        "\"parameter r leaks to {heap} with derefs=0\",\"relatedInformation\":[{\"location\":{},"
        "\"message\":\"escflow:    flow: {heap} = \\u0026r:\"}]}\n"
        DIAG(10, 1, "isInBounds", "")
        /* two "range" keys: json-c keeps the last */
        "{\"range\":{\"start\":{\"line\":1,\"character\":1}},\"range\":{\"start\":{\"line\":11,"
        "\"character\":3}},\"code\":\"escapes\",\"message\":\"x escapes to heap\"}\n"),
        0);
    /* clang-format on */
    ck_assert_uint_eq(align_escape_log_nsites(log_), 2);
    const align_escape_site *s = align_escape_log_sites(log_);
    ck_assert_int_eq(s[0].kind, ALIGN_ESCAPE_NEW);
    ck_assert_uint_eq(s[0].line, 4);
    ck_assert_uint_eq(s[1].line, 11);
    ck_assert_uint_eq(s[1].col, 3);
    ck_assert_uint_eq(align_escape_log_ncaptures(log_), 1);
    ck_assert_str_eq(align_escape_log_captures(log_)[0].var_name, "p");
    ck_assert_uint_eq(align_escape_log_captures(log_)[0].use_line, 134);
    check_stats(1, 6, 2, 0, 4, 0);

    /* An ignored code still needs a valid position, like any record. */
    const char *bad[] = {
        "{\"range\":{\"start\":{\"line\":0,\"character\":1}},\"code\":\"leak\"}\n",
        "{\"range\":{\"start\":{\"line\":1.5,\"character\":1}},\"code\":\"nilcheck\"}\n",
        "{\"range\":{\"start\":{\"line\":4294967296}},\"code\":\"leak\"}\n",
        "{\"range\":{\"start\":{}},\"code\":\"leak\"}\n",
        "{\"range\":{\"start\":{\"line\":3}},\"code\":7}\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        align_escape_log_free(log_);
        ck_assert_int_eq(align_escape_log_new(&log_), 0);
        ck_assert_int_eq(json_mem(bad[i]), ALIGN_EFORMAT);
        ck_assert_uint_eq(align_error_last()->line, 2);
    }
}
END_TEST

/* The scan of a string's bytes takes 16 (SSE2) or 8 at a time: a closing
 * quote, an escaped quote, a \u escape and a control character at every
 * offset from a line's start are found where they are, as json-c finds
 * them.  Per offset: a {heap} leak (ignored), a capture (its variable named
 * after the offset), and a record with a raw tab in its message, which
 * json-c reads (ignored) and the scan leaves to it. */
START_TEST(json_string_stops_at_every_offset)
{
    static char text[64 * 1024];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", hdr);
    for (int k = 0; k < 40; k++) {
        char pad[41];
        memset(pad, 'a', (size_t)k);
        pad[k] = '\0';
        n += (size_t)snprintf(
            text + n, sizeof text - n,
            "{\"range\":{\"start\":{\"line\":%d,\"character\":1}},\"code\":\"leak\","
            "\"message\":\"parameter %s\\\"p\\\" leaks to {heap} \\u0026 with derefs=0\"}\n"
            "{\"range\":{\"start\":{\"line\":%d,\"character\":14}},\"code\":\"leak\","
            "\"message\":\"parameter v%s leaks to {storage for func literal} with derefs=0\","
            "\"relatedInformation\":[{\"location\":{\"range\":{\"start\":{\"line\":%d,"
            "\"character\":30}}},\"message\":\"escflow:      from v%s (captured by a "
            "closure)\"}]}\n"
            "{\"range\":{\"start\":{\"line\":%d,\"character\":2}},\"code\":\"leak\","
            "\"message\":\"%s\tq\"}\n",
            100 + k, pad, 200 + k, pad, 201 + k, pad, 300 + k, pad);
        ck_assert_uint_lt(n, sizeof text);
    }
    ck_assert_int_eq(align_escape_log_read_json_mem(log_, "a.json", text, n), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 0);
    ck_assert_uint_eq(align_escape_log_ncaptures(log_), 40);
    for (size_t i = 0; i < 40; i++) {
        const align_escape_capture *c = &align_escape_log_captures(log_)[i];
        ck_assert_uint_eq(strlen(c->var_name), 1 + i);
        ck_assert_uint_eq(c->use_line, 201 + i);
    }
    check_stats(1, 121, 0, 0, 121, 0); /* the header and every record */
}
END_TEST

static void expect_json_error(const char *text, unsigned line, const char *what)
{
    int rc = align_escape_log_read_json_mem(log_, "bad.json", text, strlen(text));
    const align_error *e = align_error_last();
    ck_assert_int_eq(rc, ALIGN_EFORMAT);
    ck_assert_str_eq(e->file, "bad.json");
    ck_assert_uint_eq(e->line, line);
    ck_assert_msg(strstr(e->message, what) != NULL, "message '%s' lacks '%s'", e->message, what);
    ck_assert_ptr_ne(strstr(e->hint, "-gcflags=-json=0,"), NULL);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 0);
    check_stats(0, 0, 0, 0, 0, 0); /* rolled back */
}

START_TEST(json_errors)
{
    char buf[4096];
    expect_json_error("", 0, "empty");
    expect_json_error("\n\n", 0, "empty");
    expect_json_error("{\"range\":{}}\n", 1, "not a Go compiler -json log");
    expect_json_error("{\"version\":1,\"package\":\"p\",\"file\":\"a.go\"}\n", 1, "version");
    expect_json_error("{\"version\":0,\"package\":\"p\"}\n", 1, "no source file");
    snprintf(buf, sizeof buf, "%s%s{\"range\":", hdr, DIAG(3, 1, "escape", ""));
    expect_json_error(buf, 3, "truncated");
    snprintf(buf, sizeof buf, "%s%s{\"range\" 1}\n", hdr, DIAG(3, 1, "escape", ""));
    expect_json_error(buf, 3, "malformed JSON");
    snprintf(buf, sizeof buf, "%s{} x\n", hdr);
    expect_json_error(buf, 2, "text after the value");
    snprintf(buf, sizeof buf, "%s[1]\n", hdr);
    expect_json_error(buf, 2, "not an object");
    snprintf(buf, sizeof buf, "%s{\"code\":\"escape\"}\n", hdr);
    expect_json_error(buf, 2, "range.start");
    snprintf(buf, sizeof buf, "%s\x01\xff\xfe\n", hdr);
    expect_json_error(buf, 2, "malformed JSON");
}
END_TEST

START_TEST(json_package_nul)
{
    const char *t = "{\"version\":0,\"package\":\"\\u0000\",\"file\":\"x.go\"}\n" DIAG(
        1, 1, "escape", "new(int) escapes to heap");
    ck_assert_int_eq(align_escape_log_read_json_mem(log_, "x.json", t, strlen(t)), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 1);
    ck_assert_ptr_null(align_escape_log_sites(log_)[0].package);
}
END_TEST

START_TEST(json_dir_errors)
{
    char dir[] = "/tmp/test_escape.XXXXXX";
    char path[256];
    FILE *f;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(align_escape_log_read_json_dir(log_, dir), ALIGN_EFORMAT);
    ck_assert_ptr_ne(strstr(align_error_last()->message, "no .json"), NULL);
    ck_assert_int_eq(align_escape_log_read_json_dir(log_, "/nonexistent/escape"), ALIGN_EIO);
    /* A good package directory and a bad one: nothing is kept. */
    snprintf(path, sizeof path, "%s/a", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/a/ok.json", dir);
    f = fopen(path, "w");
    fputs(hdr, f);
    fputs(DIAG(2, 2, "escape", "new(T) escapes to heap"), f);
    fclose(f);
    snprintf(path, sizeof path, "%s/b", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/b/bad.json", dir);
    f = fopen(path, "w");
    fputs(hdr, f);
    fputs("{oops\n", f);
    fclose(f);
    ck_assert_int_eq(align_escape_log_read_json_dir(log_, dir), ALIGN_EFORMAT);
    ck_assert_str_eq(align_error_last()->file, path);
    ck_assert_uint_eq(align_error_last()->line, 2);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 0);
    check_stats(0, 0, 0, 0, 0, 0);
    unlink(path);
    snprintf(path, sizeof path, "%s/a/ok.json", dir);
    ck_assert_int_eq(align_escape_log_read_json_dir(log_, dir), 0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 1);
    unlink(path);
    snprintf(path, sizeof path, "%s/a", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/b", dir);
    rmdir(path);
    rmdir(dir);
}
END_TEST

/* Parsed on several threads (align_escape_log_set_threads), a directory
 * of many files reads as it does on one: the same sites in the same order
 * (each file's input name tells them apart), captures, counts, and the
 * same first error with nothing kept.  60 files (12 packages of the four
 * fixture files and one capture), so that files are taken by every thread and merged out
 * of the order they were parsed in. */
static void copy_file(const char *from, const char *to)
{
    size_t n;
    char *text = slurp(from, &n);
    FILE *f = fopen(to, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
    free(text);
}

static void same_logs(const align_escape_log *a, const align_escape_log *b)
{
    align_escape_stats sa, sb;
    size_t n = align_escape_log_nsites(a);
    const align_escape_site *x = align_escape_log_sites(a), *y = align_escape_log_sites(b);
    const align_escape_capture *c = align_escape_log_captures(a), *d = align_escape_log_captures(b);

    ck_assert_uint_eq(align_escape_log_nsites(b), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(
            streq(x[i].file, y[i].file) && x[i].line == y[i].line && x[i].col == y[i].col &&
                streq(x[i].package, y[i].package) && x[i].kind == y[i].kind &&
                x[i].stack_only == y[i].stack_only && streq(x[i].expr, y[i].expr) &&
                streq(x[i].type_text, y[i].type_text) && streq(x[i].var_name, y[i].var_name) &&
                streq(x[i].input, y[i].input) && x[i].input_line == y[i].input_line &&
                streq(x[i].func, y[i].func) && streq(x[i].flow_dst, y[i].flow_dst) &&
                streq(x[i].inlined, y[i].inlined) && streq(x[i].inline_file, y[i].inline_file) &&
                x[i].inline_line == y[i].inline_line && x[i].var_size == y[i].var_size,
            "site %zu: %s:%llu differs from %s:%llu", i, str(x[i].input),
            (unsigned long long)x[i].input_line, str(y[i].input),
            (unsigned long long)y[i].input_line);
    n = align_escape_log_ncaptures(a);
    ck_assert_uint_eq(align_escape_log_ncaptures(b), n);
    for (size_t i = 0; i < n; i++)
        ck_assert(streq(c[i].file, d[i].file) && c[i].line == d[i].line && c[i].col == d[i].col &&
                  streq(c[i].package, d[i].package) && streq(c[i].func, d[i].func) &&
                  streq(c[i].var_name, d[i].var_name) && c[i].by_value == d[i].by_value &&
                  c[i].width == d[i].width && streq(c[i].input, d[i].input) &&
                  c[i].input_line == d[i].input_line && c[i].use_line == d[i].use_line);
    align_escape_log_stats(&sa, a);
    align_escape_log_stats(&sb, b);
    ck_assert_mem_eq(&sa, &sb, sizeof sa);
}

START_TEST(json_dir_threads)
{
    static const char *const files[] = {"logs/json/example.com%2Fshapes%2Fgeom/geom.json",
                                        "logs/json/example.com%2Fshapes%2Fmisc/misc.json",
                                        "logs/json/main/gen.json", "logs/json/main/main.json"};
    char dir[] = "/tmp/test_escape.XXXXXX";
    char path[256], bad[256] = "";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (int p = 0; p < 12; p++) {
        snprintf(path, sizeof path, "%s/p%02d", dir, p);
        ck_assert_int_eq(mkdir(path, 0700), 0);
        for (int k = 0; k < 4; k++) {
            snprintf(path, sizeof path, "%s/p%02d/f%d.json", dir, p, k);
            copy_file(fixture(files[(p + k) % 4]), path);
        }
        /* and a capture (no fixture has one), its line the package's */
        snprintf(path, sizeof path, "%s/p%02d/f4.json", dir, p);
        FILE *c = fopen(path, "w");
        ck_assert_ptr_nonnull(c);
        fprintf(c,
                "%s{\"range\":{\"start\":{\"line\":%d,\"character\":14}},\"code\":\"leak\","
                "\"message\":\"parameter p leaks to {storage for func literal} with derefs=0\","
                "\"relatedInformation\":[{\"location\":{\"uri\":\"file:///src/p/a.go\","
                "\"range\":{\"start\":{\"line\":%d,\"character\":30}}},"
                "\"message\":\"escflow:      from p (captured by a closure)\"}]}\n",
                hdr, 100 + p, 101 + p);
        ck_assert_int_eq(fclose(c), 0);
    }
    ck_assert_int_eq(align_escape_log_read_json_dir(log_, dir), 0);
    ck_assert_uint_gt(align_escape_log_nsites(log_), 12 * 54 - 1);
    ck_assert_uint_eq(align_escape_log_ncaptures(log_), 12);
    for (unsigned threads = 2; threads <= 9; threads += 7) {
        align_escape_log *par;
        ck_assert_int_eq(align_escape_log_new(&par), 0);
        align_escape_log_set_threads(par, threads);
        ck_assert_int_eq(align_escape_log_read_json_dir(par, dir), 0);
        same_logs(log_, par);
        align_escape_log_free(par);
    }
    /* A bad line in the 31st file: its error, and nothing kept, whichever
     * thread parsed it and whatever the others had read by then. */
    snprintf(bad, sizeof bad, "%s/p07/f2.json", dir);
    FILE *f = fopen(bad, "a");
    ck_assert_ptr_nonnull(f);
    fputs("{\"range\":{oops\n", f);
    fclose(f);
    for (unsigned threads = 1; threads <= 4; threads += 3) {
        align_escape_log *par;
        align_escape_stats st;
        ck_assert_int_eq(align_escape_log_new(&par), 0);
        align_escape_log_set_threads(par, threads);
        ck_assert_int_eq(align_escape_log_read_json_dir(par, fixture("logs/json/main")), 0);
        ck_assert_int_eq(align_escape_log_read_json_dir(par, dir), ALIGN_EFORMAT);
        ck_assert_str_eq(align_error_last()->file, bad);
        ck_assert_uint_gt(align_error_last()->line, 10);
        ck_assert_ptr_ne(strstr(align_error_last()->message, "malformed JSON"), NULL);
        ck_assert_uint_eq(align_escape_log_nsites(par), 3 + 37);
        align_escape_log_stats(&st, par);
        ck_assert_uint_eq(st.inputs, 2);
        align_escape_log_free(par);
    }
    for (int p = 0; p < 12; p++) {
        for (int k = 0; k < 5; k++) {
            snprintf(path, sizeof path, "%s/p%02d/f%d.json", dir, p, k);
            unlink(path);
        }
        snprintf(path, sizeof path, "%s/p%02d", dir, p);
        rmdir(path);
    }
    rmdir(dir);
}
END_TEST

/* ------------------------------------------------------ text: errors */

static int text_mem(const char *text)
{
    return align_escape_log_read_text_mem(log_, "t.log", text, strlen(text));
}

START_TEST(text_no_compiler_output)
{
    static const char *const inputs[] = {
        "",
        "\n\n   \n",
        "hello\nworld\n",
        "# example.com/x\n./x.go:3:2: undefined: foo\n\tnote: continuation\n",
        "go: downloading example.com/y v1.0.0\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        ck_assert_int_eq(text_mem(inputs[i]), ALIGN_EFORMAT);
        ck_assert_str_eq(align_error_last()->file, "t.log");
        ck_assert_str_eq(align_error_last()->hint,
                         "produce it with: go build -gcflags=-m ./... 2> build.log");
    }
    /* The message says which line was skipped and why (issue #15). */
    ck_assert_ptr_ne(strstr(align_error_last()->message,
                            "in 1 line (line 1: not of the form file:line:col: message)"),
                     NULL);
    /* binary junk */
    static const char junk[] = "\x7f"
                               "ELF\x02\x01\x01\0\0\0\0:1:2: moved to heap: x\n\xff\xfe";
    ck_assert_int_eq(align_escape_log_read_text_mem(log_, "a.out", junk, sizeof junk - 1),
                     ALIGN_EFORMAT);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 0);
    ck_assert_ptr_ne(strstr(align_error_last()->message, "(line 1: a NUL byte"), NULL);
    check_stats(0, 0, 0, 0, 0, 0);
    /* A line number past 2^32-1 is named, not a silent skip. */
    ck_assert_int_eq(text_mem("./m.go:4294967296:7: &T{...} escapes to heap\n"), ALIGN_EFORMAT);
    ck_assert_ptr_ne(strstr(align_error_last()->message, "line number past 4294967295"), NULL);
    /* Not a regular file: refused without blocking. */
    ck_assert_int_eq(align_escape_log_read_text(log_, "/dev/zero"), ALIGN_EIO);
    ck_assert_ptr_ne(strstr(align_error_last()->message, "character device"), NULL);
    ck_assert_int_eq(align_escape_log_read_text(log_, "/nonexistent/build.log"), ALIGN_EIO);
    ck_assert_str_eq(align_error_last()->file, "/nonexistent/build.log");
}
END_TEST

START_TEST(text_mixed_and_odd_lines)
{
    ck_assert_int_eq(text_mem("go: downloading example.com/y v1.0.0\r\n"
                              "# example.com/x [example.com/x.test]\r\n"
                              "./x.go:3:2: moved to heap: v\r\n" /* CRLF */
                              "./x.go:4:2: undefined: foo\n"     /* an error */
                              "\tmore context\n"
                              "./x.go:0:1: moved to heap: zero\n"          /* line 0 */
                              "./x.go:99999999999:1: moved to heap: big\n" /* overflow */
                              "./x.go:5:2:moved to heap: nospace\n"
                              "./x.go:5:2: \n"
                              "./x.go:5:2: escapes to heap\n"
                              "#notaheader\n"
                              "C:\\src\\x.go:6:7: new(T) escapes to heap\n" /* colon in path */
                              "<autogenerated>:1: .this does not escape\n"  /* no column */
                              "./x.go:8:9: index bounds check elided\n"
                              "./x.go:10:1: &T{...} escapes to heap"), /* no final newline */
                     0);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 4);
    const align_escape_site *s = align_escape_log_sites(log_);
    ck_assert_str_eq(s[0].file, "./x.go");
    ck_assert_str_eq(s[0].var_name, "v");
    ck_assert_str_eq(s[0].package, "example.com/x");
    ck_assert_uint_eq(s[0].input_line, 3);
    ck_assert_str_eq(s[1].file, "C:\\src\\x.go");
    ck_assert_uint_eq(s[1].line, 6);
    ck_assert_uint_eq(s[1].col, 7);
    ck_assert_str_eq(s[2].file, "<autogenerated>");
    ck_assert_uint_eq(s[2].col, 0);
    ck_assert_int_eq(s[2].stack_only, 1);
    ck_assert_str_eq(s[3].expr, "&T{...}");
    ck_assert_uint_eq(s[3].input_line, 15);
    /* 15 lines: 4 sites, 2 ignored (header, bounds check), 9 skipped. */
    check_stats(1, 15, 3, 1, 2, 9);
}
END_TEST

START_TEST(text_classify)
{
    static const struct {
        const char *expr;
        align_escape_kind kind;
        const char *type_text;
    } cases[] = {
        {"make([]gen.Pair[int,string], n)", ALIGN_ESCAPE_MAKE_SLICE, "[]gen.Pair[int,string]"},
        {"make([]func(int, int), n)", ALIGN_ESCAPE_MAKE_SLICE, "[]func(int, int)"},
        {"make(map[[2]int]string)", ALIGN_ESCAPE_MAKE_MAP, "map[[2]int]string"},
        {"&[4]int{...}", ALIGN_ESCAPE_ADDR_OF_LIT, "[4]int"},
        {"new(struct { X int })", ALIGN_ESCAPE_NEW, "struct { X int }"},
        {"Order{...}", ALIGN_ESCAPE_BOXED, "Order"},
        {"[4]int{...}", ALIGN_ESCAPE_BOXED, "[4]int"},
        {"make(chan int)", ALIGN_ESCAPE_BOXED, NULL},
        {"string(r)", ALIGN_ESCAPE_STRING_CONV, NULL},
        {"x", ALIGN_ESCAPE_BOXED, NULL},
        {"{...}", ALIGN_ESCAPE_BOXED, NULL},
        {"&{...}", ALIGN_ESCAPE_BOXED, NULL},
        /* Literals without elements print as "{}" (go1.19 all=-m of cmd/go:
         * "&scanner{}", "&comment.Printer{}", "[]string{}", "bailout{}"). */
        {"&scanner{}", ALIGN_ESCAPE_ADDR_OF_LIT, "scanner"},
        {"&comment.Printer{}", ALIGN_ESCAPE_ADDR_OF_LIT, "comment.Printer"},
        {"[]string{}", ALIGN_ESCAPE_SLICE_LIT, "[]string"},
        {"map[string]bool{}", ALIGN_ESCAPE_MAP_LIT, "map[string]bool"},
        {"bailout{}", ALIGN_ESCAPE_BOXED, "bailout"},
        {"{}", ALIGN_ESCAPE_BOXED, NULL},
        {"&{}", ALIGN_ESCAPE_BOXED, NULL},
    };
    char line[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(line, sizeof line, "a.go:1:1: %s escapes to heap\n", cases[i].expr);
        ck_assert_int_eq(text_mem(line), 0);
        const align_escape_site *s = &align_escape_log_sites(log_)[i];
        ck_assert_msg(s->kind == cases[i].kind && streq(s->type_text, cases[i].type_text),
                      "%s: got %s %s", cases[i].expr, align_escape_kind_name(s->kind),
                      str(s->type_text));
        ck_assert_str_eq(s->expr, cases[i].expr);
    }
}
END_TEST

/* A failed read leaves earlier sites and counts as they were. */
START_TEST(text_rollback)
{
    align_escape_stats before, after;
    ck_assert_int_eq(align_escape_log_read_text(log_, fixture("logs/m.stderr")), 0);
    align_escape_log_stats(&before, log_);
    ck_assert_int_eq(text_mem("junk\n"), ALIGN_EFORMAT);
    ck_assert_int_eq(align_escape_log_read_json_mem(log_, "j", "{", 1), ALIGN_EFORMAT);
    align_escape_log_stats(&after, log_);
    ck_assert_uint_eq(align_escape_log_nsites(log_), N_M_SITES);
    ck_assert_int_eq(memcmp(&before, &after, sizeof before), 0);
}
END_TEST

/* ------------------------------------------------- streaming and size */

/* 2000 copies of m.stderr (11 MB): lines straddle every 64 KiB read
 * boundary, and the result must be the same sites 2000 times. */
START_TEST(text_large_streamed)
{
    char path[] = "/tmp/test_escape_big.XXXXXX";
    size_t len;
    char *text = slurp(fixture("logs/m.stderr"), &len);
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "wb");
    for (int i = 0; i < 2000; i++)
        ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    ck_assert_int_eq(align_escape_log_read_text(log_, path), 0);
    unlink(path);
    free(text);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 2000 * N_M_SITES);
    const align_escape_site *s = align_escape_log_sites(log_);
    for (size_t i = 0; i < 2000 * N_M_SITES; i++) {
        const want *w = &m_sites[i % N_M_SITES];
        if (s[i].line != w->line || s[i].col != w->col || strcmp(s[i].expr, w->expr) != 0 ||
            strcmp(s[i].file, w->file) != 0 ||
            s[i].input_line != (i / N_M_SITES) * 122 + w->input_line)
            ck_abort_msg("site %zu differs: %s:%u:%u %s (input line %llu)", i, s[i].file, s[i].line,
                         s[i].col, s[i].expr, (unsigned long long)s[i].input_line);
    }
    check_stats(1, 2000 * 122, 2000 * 54, 2000 * 23, 2000 * 45, 0);
}
END_TEST

/* A line over 1 MiB is skipped unread, in a file and in memory. */
START_TEST(text_overlong_line)
{
    size_t n = (2u << 20) + 10;
    char *text = malloc(n + 64);
    ck_assert_ptr_nonnull(text);
    memset(text, 'x', n);
    strcpy(text + n, "\na.go:1:2: new(T) escapes to heap\n");
    ck_assert_int_eq(align_escape_log_read_text_mem(log_, "m", text, strlen(text)), 0);
    char path[] = "/tmp/test_escape_long.XXXXXX";
    FILE *f = fdopen(mkstemp(path), "wb");
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(align_escape_log_read_text(log_, path), 0);
    unlink(path);
    free(text);
    ck_assert_uint_eq(align_escape_log_nsites(log_), 2);
    ck_assert_uint_eq(align_escape_log_sites(log_)[1].input_line, 2);
    check_stats(2, 4, 2, 0, 0, 2);
}
END_TEST

/* Every prefix of a real log, and 3000 copies with random bytes changed:
 * never a crash, only success or ALIGN_EFORMAT. */
START_TEST(robust_prefixes_and_mutations)
{
    static const char *const files[] = {"logs/m2.stderr", "logs/json/main/gen.json",
                                        "logs/json/example.com%2Fshapes%2Fgeom/geom.json"};
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        size_t len;
        char *text = slurp(fixture(files[k]), &len);
        int json = k > 0;
        for (size_t cut = 0; cut <= len; cut += json ? 1 : 7) {
            align_escape_log *l;
            if (align_escape_log_new(&l) != 0)
                ck_abort_msg("out of memory");
            int rc = json ? align_escape_log_read_json_mem(l, "p", text, cut)
                          : align_escape_log_read_text_mem(l, "p", text, cut);
            if (rc != 0 && rc != ALIGN_EFORMAT)
                ck_abort_msg("prefix %zu: rc %d", cut, rc);
            align_escape_log_free(l);
        }
        for (int round = 0; round < 1000; round++) {
            char *m = malloc(len);
            align_escape_log *l;
            if (m == NULL)
                ck_abort_msg("out of memory");
            memcpy(m, text, len);
            for (int j = 0; j < 8; j++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                m[(seed >> 33) % len] = (char)(seed >> 13);
            }
            if (m == NULL || align_escape_log_new(&l) != 0)
                ck_abort_msg("out of memory");
            int rc = json ? align_escape_log_read_json_mem(l, "p", m, len)
                          : align_escape_log_read_text_mem(l, "p", m, len);
            if (rc != 0 && rc != ALIGN_EFORMAT)
                ck_abort_msg("mutation %d: rc %d", round, rc);
            align_escape_log_free(l);
            free(m);
        }
        free(text);
    }
}
END_TEST

/* ---------------------------------------------------- small functions */

START_TEST(path_resolve)
{
    static const struct {
        const char *base, *file, *want;
    } cases[] = {
        {NULL, "./main.go", "main.go"},
        {SHAPES, "./main.go", SHAPES "/main.go"},
        {SHAPES "/geom", "../main.go", SHAPES "/main.go"},
        {SHAPES, "geom/geom.go", SHAPES "/geom/geom.go"},
        {SHAPES, "/usr/lib/go-1.19/src/runtime/map.go", "/usr/lib/go-1.19/src/runtime/map.go"},
        {SHAPES, "<autogenerated>", "<autogenerated>"},
        {"rel/dir", "../../../x.go", "../x.go"},
        {"..", "../x.go", "../../x.go"},
        {"/", "../x.go", "/x.go"},
        {"/a//b/./c/", "d/../e.go", "/a/b/c/e.go"},
        {"", "a.go", "a.go"},
        {NULL, ".", "."},
        {"a", "..", "."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        align_buf b;
        align_buf_init(&b);
        ck_assert_int_eq(align_escape_path_resolve(&b, cases[i].base, cases[i].file), 0);
        ck_assert_msg(strcmp(b.data, cases[i].want) == 0, "%s + %s: got %s, want %s",
                      str(cases[i].base), cases[i].file, b.data, cases[i].want);
        align_buf_free(&b);
    }
    align_buf b;
    align_buf_init(&b);
    align_buf_puts(&b, "at ");
    ck_assert_int_eq(align_escape_path_resolve(&b, "/w", "../x.go"), 0);
    ck_assert_str_eq(b.data, "at /x.go");
    align_buf_free(&b);
}
END_TEST

START_TEST(kind_names)
{
    for (int k = ALIGN_ESCAPE_MOVED; k <= ALIGN_ESCAPE_APPEND; k++) {
        ck_assert_ptr_nonnull(align_escape_kind_name((align_escape_kind)k));
        for (int j = 0; j < k; j++)
            ck_assert_str_ne(align_escape_kind_name((align_escape_kind)j),
                             align_escape_kind_name((align_escape_kind)k));
    }
    ck_assert_str_eq(align_escape_kind_name(ALIGN_ESCAPE_ADDR_OF_LIT), "addr_of_lit");
    ck_assert_ptr_null(align_escape_kind_name((align_escape_kind)(ALIGN_ESCAPE_APPEND + 1)));
    ck_assert_ptr_null(align_escape_log_sites(log_));
    align_escape_log_free(NULL);
}
END_TEST

static Suite *escape_suite(void)
{
    Suite *s = suite_create("escape");
    TCase *t = tcase_create("text");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, text_m_exact);
    tcase_add_test(t, text_m2_same_sites);
    tcase_add_test(t, text_mm_same_sites);
    tcase_add_test(t, text_subdir_paths);
    tcase_add_test(t, text_all_m);
    tcase_add_test(t, text_two_inputs);
    tcase_add_test(t, text_no_compiler_output);
    tcase_add_test(t, text_mixed_and_odd_lines);
    tcase_add_test(t, text_classify);
    tcase_add_test(t, text_rollback);
    tcase_add_test(t, text_large_streamed);
    tcase_add_test(t, text_overlong_line);
    suite_add_tcase(s, t);
    TCase *j = tcase_create("json");
    tcase_add_checked_fixture(j, setup, teardown);
    tcase_add_test(j, json_dir_matches_text);
    tcase_add_test(j, json_file_and_package_dir);
    tcase_add_test(j, json_orphans_and_codes);
    tcase_add_test(j, json_moved_needs_address_flow);
    tcase_add_test(j, json_capture_by_value);
    tcase_add_test(j, json_ignored_records_unparsed);
    tcase_add_test(j, json_string_stops_at_every_offset);
    tcase_add_test(j, json_errors);
    tcase_add_test(j, json_package_nul);
    tcase_add_test(j, json_dir_errors);
    tcase_add_test(j, json_dir_threads);
    suite_add_tcase(s, j);
    TCase *m = tcase_create("misc");
    tcase_add_checked_fixture(m, setup, teardown);
    tcase_set_timeout(m, 120);
    tcase_add_test(m, robust_prefixes_and_mutations);
    tcase_add_test(m, path_resolve);
    tcase_add_test(m, kind_names);
    suite_add_tcase(s, m);
    return s;
}

int main(void)
{
    return run_suite(escape_suite());
}
