/*
 * test_go_index.c - the Go declaration index of cli/go_index.c (its
 * index_decls, compiled into the test from the source: index_every and
 * index_fast are static, and tests/test_go_index_scalar compiles it
 * without SIMD), the scanner that places every Go type at its declaration
 * (issue #14).
 *
 * The truth is the index's definition, index_every: every identifier of
 * code visited, the text read byte by byte.  index_fast passes over the
 * identifiers that cannot be recorded and scans sixteen bytes at a time
 * (tests/test_go_index_scalar: the same with the plain loop); both must
 * record the same struct declarations (name, line, brace, type
 * parameters), the same local `type X` and the same heads, on
 *   - hand-written cases: a declaration inside a comment, a string, a rune
 *     or a raw string (never one), `type (` groups, `var (` blocks, local
 *     types, `type type`, a text that ends inside a token, CRLF, non-ASCII
 *     names; some of their records are checked against what the text says;
 *   - mutants of them and of a Go file (bytes that change the lexer's
 *     state inserted, spans deleted): 4,000 in make check;
 *   - with SA_GO_INDEX_DIRS (a list of directories, ':' between them), every
 *     .go file below them and SA_GO_INDEX_MUTANTS mutants of each (default
 *     8): make check-go-index, over the sources of Go 1.19 and 1.27 (13,652
 *     files, 13 s).
 */
#include "../cli/go_index.c"

#include <check.h>
#include <ftw.h>

#include "suite.h"

/* f indexed from [text, text+len) (copied), every or fast. */
static void index_of(go_file *f, const char *text, size_t len, bool func_heads, bool every)
{
    memset(f, 0, sizeof *f);
    f->text = malloc(len + 1);
    ck_assert_ptr_nonnull(f->text);
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;
    f->src = true; /* the names stay in the text */
    f->func_heads = func_heads;
    ck_assert(index_decls(f, every));
}

/* Whether the records of a and b are the same; what differs into why. */
static bool same_records(const go_file *a, const go_file *b, char *why, size_t cap)
{
    for (int pass = 0; pass < 2; pass++) {
        const go_decl *x = pass ? a->locals : a->decls, *y = pass ? b->locals : b->decls;
        size_t nx = pass ? a->nlocals : a->ndecls, ny = pass ? b->nlocals : b->ndecls;
        const char *what = pass ? "local" : "decl";
        if (nx != ny) {
            snprintf(why, cap, "%zu %ss, %zu", nx, what, ny);
            return false;
        }
        for (size_t i = 0; i < nx; i++)
            if (x[i].nlen != y[i].nlen || memcmp(x[i].name, y[i].name, x[i].nlen) != 0 ||
                x[i].line != y[i].line || x[i].brace != y[i].brace || x[i].tp != y[i].tp ||
                x[i].tplen != y[i].tplen) {
                snprintf(why, cap, "%s %zu: %.*s line %u brace %zu, %.*s line %u brace %zu", what,
                         i, (int)x[i].nlen, x[i].name, x[i].line, x[i].brace, (int)y[i].nlen,
                         y[i].name, y[i].line, y[i].brace);
                return false;
            }
    }
    if (a->nheads != b->nheads || (a->nheads > 0 && memcmp(a->heads, b->heads, a->nheads) != 0)) {
        snprintf(why, cap, "heads \"%.*s\", \"%.*s\"", (int)a->nheads, a->heads ? a->heads : "",
                 (int)b->nheads, b->heads ? b->heads : "");
        return false;
    }
    return true;
}

static size_t ncompared;

/* index_fast's records of the text are index_every's (with and without
 * the functions' names among the heads); on a difference, fails naming
 * the text (where, its origin) after writing it to a file. */
static void check_same(const char *text, size_t len, const char *where)
{
    for (int fh = 0; fh < 2; fh++) {
        go_file a, b;
        char why[600];
        index_of(&a, text, len, fh, true);
        index_of(&b, text, len, fh, false);
        bool same = same_records(&a, &b, why, sizeof why);
        free_file(&a);
        free_file(&b);
        if (!same) {
            FILE *out = fopen("test_go_index.fail.go", "wb");
            if (out != NULL) {
                fwrite(text, 1, len, out);
                fclose(out);
            }
        }
        ck_assert_msg(same, "%s (func heads %d): every %s (the text: test_go_index.fail.go)", where,
                      fh, why);
        ncompared++;
    }
}

static const char *const cases[] = {
    "package p\n\ntype A struct {\n\tx int\n}\n",
    "package p\n// type B struct {\n/* type C struct { */\nvar s = \"type D struct {\"\n"
    "var r = `\ntype E struct {\n`\nvar c = '{'\ntype F struct{ y int }\n",
    "package p\n\ntype (\n\tG struct {\n\t\ta int\n\t}\n\tH [4]int\n\tI[T any] struct{ v T }\n)\n",
    "package p\n\nvar (\n\tleft, right struct{ n int }\n\tJ = struct{ m int }{}\n)\n\n"
    "var K, L struct{ o int }\n",
    "package p\n\nfunc f() {\n\ttype M struct{ a int }\n\tif true {\n\t\ttype N int\n\t}\n"
    "\ttype type struct{}\n\ttype M struct{ b int }\n}\n",
    "package p\n\nfunc (r *T) Meth(x int) {}\nfunc Plain[T any]() {}\nfunc  Odd() {}\n",
    "type",
    "type ",
    "type X",
    "package p\ntype X struct",
    "package p\ntype X[\n\tK comparable,\n\tV any,\n] struct {\n\tk K\n\tv V\n}\n",
    "package p\r\ntype CR struct {\r\n\tx int\r\n}\r\n\ttype notes struct{}\r\n",
    "package p\n\ntype Ünï struct{ ä int }\ntype\tTab\tstruct{}\n",
    "package p\nvar s = \"unterminated\ntype U struct {}\n",
    "package p\n/* unterminated\ntype V struct {}\n",
    "package p\nvar r = 'x' + '\\'' + '\"'\ntype W struct{}\nvar q = \"a\\\"b\" // type Z "
    "struct{}\n",
    "package p\nfunc g() { x := a/b; type Y struct{}; _ = x }\ntypetype struct{}\nmytype Q "
    "struct{}\n",
    "  type Lead struct{}\n",
    "package p\nvar x = y.type Dot struct{}\nvar (\n\tin struct{}\n)\n\tout struct{}\n",
    "package p\n\ntype T0 struct{}\ntype T1 struct {}\ntype T2 struct\n{\n}\ntype T3 [N]struct{}\n",
    "package p\n}}}\ntype Neg struct{}\nfunc h() {{ type Deep struct{} }}\n",
    /* past sixteen bytes of indentation; a name across the scan's blocks */
    "package p\n\nvar (\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tdeep [2]struct{ a int }\n\tx, y = 1, "
    "2\n)\n"
    "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tLong_identifier_name_across_blocks [T any] struct{}\n"
    "func f() { construct(); x[1] = 2; s := struct{}{}; _ = s }\n\tIndented   struct {}\n",
};

/* A Go file of the shapes above, mixed (the mutants' usual base). */
static const char base_file[] =
    "// Copyright 2026 The Authors.\n"
    "\n"
    "/*\nPackage demo shows { braces } and \"quotes\" in a comment: type Fake struct {\n*/\n"
    "package demo\n"
    "\n"
    "import (\n\t\"fmt\"\n\tstr \"strings\"\n)\n"
    "\n"
    "type (\n\tPair[K comparable, V any] struct {\n\t\tk K\n\t\tv V\n\t}\n\tID int\n)\n"
    "\n"
    "var (\n\tcache, spare struct {\n\t\tn int // type Cmt struct {\n\t}\n\tdefaults = "
    "[]struct{ a, b int }{{1, 2}}\n)\n"
    "\n"
    "var single struct{ on bool }\n"
    "\n"
    "type Order struct {\n\tID    ID `json:\"id\"`\n\tNotes string\n\tItems []struct {\n"
    "\t\tSKU string\n\t\tQty int\n\t}\n}\n"
    "\n"
    "func (o *Order) Total() (r struct{ sum, carry int64 }) {\n"
    "\ttype line struct{ q, p int }\n"
    "\tls := []line{{1, 2}, {3, 4}}\n"
    "\tfor _, l := range ls {\n\t\tr.sum += int64(l.q * l.p)\n\t}\n"
    "\ts := `raw { string\ntype Raw struct {\n`\n"
    "\tif len(s) > 0 && s[0] == '{' {\n\t\ttype inner int\n\t\t_ = inner(1)\n\t}\n"
    "\tfmt.Println(str.ToUpper(\"type Q struct {\"), '\\'', \"\\\"\")\n"
    "\treturn r\n"
    "}\n"
    "\n"
    "func Plain[T any](x T) T { type local struct{ x T }; return local{x}.x }\n";

/* xorshift64*: the mutants are the same on every run */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

/* What a mutant inserts: the bytes and words that change the scanner's
 * state or make a declaration. */
static const char *const inserts[] = {
    "/",           "//",       "/*",
    "*/",          "\"",       "'",
    "`",           "\\",       "\n",
    "{",           "}",        "[",
    "]",           "(",        ")",
    " ",           "\t",       "\r\n",
    "type",        "type ",    "var",
    "var ",        "var (",    "func ",
    "func (r T) ", "struct",   "struct {",
    "\n)",         "\ntype ",  "\n\t",
    " X ",         "e",        "r",
    "t",           "\xc3\xa9", "type type ",
    ",",           ", b",      "\nvar x, y struct {",
    "[T any]",     "_",
};

/* A mutant of [text, text+len) into out (cap: len + 64 at least). */
static size_t mutate(const char *text, size_t len, char *out)
{
    size_t n = len;
    memcpy(out, text, len);
    for (int edits = 1 + (int)(next_rand() % 3); edits > 0; edits--) {
        size_t at = n ? (size_t)(next_rand() % (n + 1)) : 0;
        if (next_rand() % 3 == 0 && n > 0) { /* delete up to 8 bytes */
            size_t k = 1 + (size_t)(next_rand() % 8);
            if (at + k > n)
                k = n - at;
            memmove(out + at, out + at + k, n - at - k);
            n -= k;
        } else {
            const char *ins = inserts[next_rand() % (sizeof inserts / sizeof *inserts)];
            size_t k = strlen(ins);
            memmove(out + at + k, out + at, n - at);
            memcpy(out + at, ins, k);
            n += k;
        }
    }
    return n;
}

static void check_mutants(const char *text, size_t len, unsigned count, const char *where)
{
    char *buf = malloc(len + 64);
    char name[512];
    ck_assert_ptr_nonnull(buf);
    for (unsigned i = 0; i < count; i++) {
        size_t n = mutate(text, len, buf);
        snprintf(name, sizeof name, "mutant %u of %s", i, where);
        check_same(buf, n, name);
    }
    free(buf);
}

/* The declarations of a case (every), "Name:line ..." in file order. */
static void decls_of(const char *text, char *out, size_t cap, bool locals)
{
    go_file f;
    size_t k = 0;
    index_of(&f, text, strlen(text), false, true);
    out[0] = '\0';
    /* decls are sorted by name; print them by line for the test */
    for (unsigned line = 1; line < 100; line++)
        for (size_t i = 0, n = locals ? f.nlocals : f.ndecls; i < n; i++) {
            const go_decl *d = locals ? &f.locals[i] : &f.decls[i];
            if (d->line == line && k + d->nlen + 16 < cap)
                k += (size_t)snprintf(out + k, cap - k, "%s%.*s:%u%s", k ? " " : "", (int)d->nlen,
                                      d->name, d->line, d->brace == NO_BRACE ? "!" : "");
        }
    free_file(&f);
}

START_TEST(test_cases)
{
    char got[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char where[32];
        snprintf(where, sizeof where, "case %zu", i);
        check_same(cases[i], strlen(cases[i]), where);
    }
    check_same(base_file, strlen(base_file), "the base file");
    /* what the texts say (read off them by hand) */
    decls_of(cases[1], got, sizeof got, false);
    ck_assert_str_eq(got, "F:9");
    decls_of(cases[2], got, sizeof got, false);
    ck_assert_str_eq(got, "G:4 I:8");
    decls_of(cases[4], got, sizeof got, true);
    ck_assert_str_eq(got, "M:4 N:6! type:8 M:9");
    decls_of(cases[10], got, sizeof got, false);
    ck_assert_str_eq(got, "X:2");
    decls_of(cases[11], got, sizeof got, false);
    ck_assert_str_eq(got, "CR:2 notes:5");
    decls_of(cases[13], got, sizeof got, false);
    ck_assert_str_eq(got, ""); /* the string runs to the end */
    decls_of(cases[21], got, sizeof got, false);
    ck_assert_str_eq(got, "deep:4 Long_identifier_name_across_blocks:7 Indented:9");
    decls_of(cases[15], got, sizeof got, false);
    ck_assert_str_eq(got, "W:3");
    decls_of(base_file, got, sizeof got, false);
    ck_assert_str_eq(got, "Pair:14 Order:30 Items:33 line:40 local:56");
    decls_of(base_file, got, sizeof got, true);
    ck_assert_str_eq(got, "line:40 inner:49! local:56");
}
END_TEST

START_TEST(test_mutants)
{
    unsigned each = 4000 / (unsigned)(sizeof cases / sizeof *cases + 4);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char where[32];
        snprintf(where, sizeof where, "case %zu", i);
        check_mutants(cases[i], strlen(cases[i]), each, where);
    }
    check_mutants(base_file, strlen(base_file), 4 * each, "the base file");
}
END_TEST

static unsigned dir_mutants;
static size_t nfiles;

static int check_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    size_t n = strlen(path), len;
    (void)st;
    (void)ftw;
    if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".go") != 0)
        return 0;
    char *text = slurp(path, &len);
    check_same(text, len, path);
    check_mutants(text, len, dir_mutants, path);
    free(text);
    nfiles++;
    return 0;
}

START_TEST(test_dirs)
{
    const char *dirs = getenv("SA_GO_INDEX_DIRS"), *m = getenv("SA_GO_INDEX_MUTANTS");
    char *list, *save = NULL;
    if (dirs == NULL || *dirs == '\0')
        return;
    dir_mutants = m ? (unsigned)strtoul(m, NULL, 10) : 8;
    list = strdup(dirs);
    ck_assert_ptr_nonnull(list);
    for (char *d = strtok_r(list, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
        size_t before = nfiles;
        char *real = realpath(d, NULL); /* nftw does not follow a top that is a link */
        ck_assert_msg(real != NULL, "%s: cannot be read", d);
        ck_assert_int_eq(nftw(real, check_file, 32, FTW_PHYS), 0);
        free(real);
        ck_assert_msg(nfiles > before, "no .go file below %s", d);
        printf("test_go_index: %s: %zu files\n", d, nfiles - before);
    }
    printf("test_go_index: %zu texts compared\n", ncompared);
    free(list);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("go_index");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_cases);
    tcase_add_test(tc, test_mutants);
    tcase_add_test(tc, test_dirs);
    tcase_set_timeout(tc, 0);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
