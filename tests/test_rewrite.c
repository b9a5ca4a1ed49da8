/*
 * test_rewrite.c - Check suite for the rewrite stage (rewrite/rewrite.c,
 * rewrite/body.c) through the public align_fix_* API.
 *
 * Where the numbers come from: the sizes below (BadStruct 24 -> 16,
 * struct s 24 -> 16) are what go1.19 and gcc 12 print for these
 * declarations on amd64 (tests/fix_check.py compiles every rewritten type
 * and compares); the expected Go texts are gofmt's (`gofmt -l` prints
 * nothing for them).  The rest is structure: which bytes move, which
 * structs are refused and why, and that errors carry file:line:col.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libalign.h"

#include "suite.h"

static align_fix_set *run(align_lang lang, const char *path, const char *text)
{
    align_fix_set *s;
    align_fix_opts o;
    memset(&o, 0, sizeof o);
    o.arch = ALIGN_ARCH_AMD64;
    o.check_atomic = 1;
    ck_assert_int_eq(align_fix_new(&s, lang, &o), 0);
    ck_assert_int_eq(align_fix_add(s, path, text, strlen(text)), 0);
    ck_assert_int_eq(align_fix_run(s), 0);
    return s;
}

static const align_fix_type *type_named(const align_fix_set *s, const char *name)
{
    for (size_t i = 0; i < align_fix_ntypes(s); i++)
        if (strcmp(align_fix_type_at(s, i)->name, name) == 0)
            return align_fix_type_at(s, i);
    ck_abort_msg("no type %s", name);
    return NULL;
}

START_TEST(go_comments_and_tags_move)
{
    static const char in[] = "package p\n"
                             "\n"
                             "type BadStruct struct {\n"
                             "\t// Flag is set first.\n"
                             "\tFlag    bool  `json:\"flag\"` // one byte\n"
                             "\tCounter int64 `json:\"counter\"`\n"
                             "\tActive  bool\n"
                             "}\n";
    static const char want[] = "package p\n"
                               "\n"
                               "type BadStruct struct {\n"
                               "\tCounter int64 `json:\"counter\"`\n"
                               "\t// Flag is set first.\n"
                               "\tFlag   bool `json:\"flag\"` // one byte\n"
                               "\tActive bool\n"
                               "}\n";
    align_fix_set *s = run(ALIGN_LANG_GO, "p/a.go", in);
    const align_fix_type *t = type_named(s, "BadStruct");
    size_t len;
    const char *out = align_fix_file_new_text(s, 0, &len);
    ck_assert_int_eq(t->status, ALIGN_FIX_REORDERED);
    ck_assert_uint_eq(t->size, 24);
    ck_assert_uint_eq(t->new_size, 16);
    ck_assert_str_eq(t->new_order, "Counter, Flag, Active");
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, want);
    /* Again: nothing to do. */
    align_fix_free(s);
    s = run(ALIGN_LANG_GO, "p/a.go", want);
    ck_assert_ptr_null(align_fix_file_new_text(s, 0, NULL));
    ck_assert_int_eq(type_named(s, "BadStruct")->status, ALIGN_FIX_OPTIMAL);
    align_fix_free(s);
}
END_TEST

START_TEST(go_multi_name_kept_whole)
{
    static const char in[] = "package p\n"
                             "\n"
                             "type T struct {\n"
                             "\tA    bool\n"
                             "\tX, Y int64\n"
                             "\tB    bool\n"
                             "}\n";
    align_fix_set *s = run(ALIGN_LANG_GO, "a.go", in);
    const char *out = align_fix_file_new_text(s, 0, NULL);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(strstr(out, "\tX, Y int64\n\tA    bool\n\tB    bool\n"));
    align_fix_free(s);
}
END_TEST

START_TEST(go_guards)
{
    static const char in[] = "package p\n"
                             "\n"
                             "import (\n"
                             "\t\"structs\"\n"
                             "\t\"unsafe\"\n"
                             ")\n"
                             "\n"
                             "//structalign:ignore\n"
                             "type Marked struct {\n\tA bool\n\tB int64\n\tC bool\n}\n"
                             "\n"
                             "type Host struct {\n\t_ structs.HostLayout\n\tA bool\n\tB int64\n"
                             "\tC bool\n}\n"
                             "\n"
                             "type Off struct {\n\tA bool\n\tF int64\n\tC bool\n}\n"
                             "\n"
                             "var _ = unsafe.Offsetof(Off{}.F)\n"
                             "\n"
                             "type Gen[T any] struct {\n\tA bool\n\tV T\n}\n"
                             "\n"
                             "type Far struct {\n\tA bool\n\tB other.Thing\n\tC bool\n}\n";
    align_fix_set *s = run(ALIGN_LANG_GO, "a.go", in);
    const align_fix_type *t;
    ck_assert_ptr_null(align_fix_file_new_text(s, 0, NULL));
    t = type_named(s, "Marked");
    ck_assert_int_eq(t->status, ALIGN_FIX_REFUSED);
    ck_assert_uint_eq(t->marker_line, 8);
    ck_assert_ptr_nonnull(strstr(type_named(s, "Host")->reason, "HostLayout"));
    ck_assert_ptr_nonnull(strstr(type_named(s, "Off")->reason, "unsafe.Offsetof at a.go:28"));
    ck_assert_ptr_nonnull(strstr(type_named(s, "Gen")->reason, "generic"));
    ck_assert_ptr_nonnull(strstr(type_named(s, "Far")->reason, "cannot be sized"));
    align_fix_free(s);
}
END_TEST

START_TEST(go_cgo_package)
{
    static const char in[] = "package p\n\nimport \"C\"\n\n"
                             "type T struct {\n\tA bool\n\tB int64\n\tC bool\n}\n";
    align_fix_set *s = run(ALIGN_LANG_GO, "a.go", in);
    ck_assert_ptr_nonnull(strstr(type_named(s, "T")->reason, "cgo"));
    align_fix_free(s);
}
END_TEST

START_TEST(c_lines_move_as_written)
{
    static const char in[] = "struct s {\n"
                             "    char a;   /* first */\n"
                             "    long b;\n"
                             "    /* c's doc */\n"
                             "    char c;\n"
                             "};\n";
    static const char want[] = "struct s {\n"
                               "    long b;\n"
                               "    char a;   /* first */\n"
                               "    /* c's doc */\n"
                               "    char c;\n"
                               "};\n";
    align_fix_set *s = run(ALIGN_LANG_C, "s.h", in);
    const align_fix_type *t = type_named(s, "struct s");
    ck_assert_int_eq(t->status, ALIGN_FIX_REORDERED);
    ck_assert_uint_eq(t->size, 24);
    ck_assert_uint_eq(t->new_size, 16);
    ck_assert_str_eq(align_fix_file_new_text(s, 0, NULL), want);
    ck_assert_uint_eq(t->region_start, strlen("struct s {\n"));
    ck_assert_uint_eq(t->region_end, strlen(in) - strlen("};\n"));
    align_fix_free(s);
}
END_TEST

START_TEST(c_guards)
{
    static const char in[] = "struct p {\n    char a;\n    long b;\n    char c;\n} "
                             "__attribute__((packed));\n"
                             "/* structalign:ignore */\n"
                             "struct m {\n    char a;\n    long b;\n    char c;\n};\n"
                             "struct q {\n    char a;\n#ifdef X\n    long b;\n#endif\n"
                             "    char c;\n    long d;\n};\n"
                             "#pragma pack(1)\n"
                             "struct k {\n    char a;\n    long b;\n    char c;\n};\n";
    align_fix_set *s = run(ALIGN_LANG_C, "g.h", in);
    ck_assert_ptr_null(align_fix_file_new_text(s, 0, NULL));
    ck_assert_ptr_nonnull(strstr(type_named(s, "struct p")->reason, "packed"));
    ck_assert_uint_eq(type_named(s, "struct m")->marker_line, 6);
    ck_assert_ptr_nonnull(strstr(type_named(s, "struct q")->reason, "preprocessor"));
    ck_assert_ptr_nonnull(strstr(type_named(s, "struct k")->reason, "#pragma pack"));
    align_fix_free(s);
}
END_TEST

START_TEST(parse_error_has_position)
{
    static const char in[] = "package p\n\ntype T struct {\n\tA bool\n\tB int64 +\n}\n";
    align_fix_set *s;
    align_fix_opts o;
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(align_fix_new(&s, ALIGN_LANG_GO, &o), 0);
    ck_assert_int_eq(align_fix_add(s, "bad.go", in, strlen(in)), 0);
    ck_assert_int_lt(align_fix_run(s), 0);
    ck_assert_str_eq(align_error_last()->file, "bad.go");
    ck_assert_uint_eq(align_error_last()->line, 5);
    ck_assert_uint_gt(align_error_last()->col, 0);
    align_fix_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rewrite");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, go_comments_and_tags_move);
    tcase_add_test(tc, go_multi_name_kept_whole);
    tcase_add_test(tc, go_guards);
    tcase_add_test(tc, go_cgo_package);
    tcase_add_test(tc, c_lines_move_as_written);
    tcase_add_test(tc, c_guards);
    tcase_add_test(tc, parse_error_has_position);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
