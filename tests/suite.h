/*
 * suite.h - what the Check unit suites share: reading a whole file, and
 * the end of main() (run the suite, free the runner, give the exit status
 * make check reads).
 */
#ifndef STRUCTALIGN_TESTS_SUITE_H
#define STRUCTALIGN_TESTS_SUITE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* The whole of the file at path, NUL-terminated past its *n bytes; fails
 * the test when it cannot be read. */
static inline char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long len;
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    ck_assert_int_ge(len, 0);
    rewind(f);
    p = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    p[len] = '\0';
    *n = (size_t)len;
    return p;
}

/* EXIT_SUCCESS when every test of s passed, else EXIT_FAILURE. */
static inline int run_suite(Suite *s)
{
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
