/*
 * run_suite.h - the end of every Check unit suite's main(): run the
 * suite, free the runner, and give the exit status make check reads.
 */
#ifndef STRUCTALIGN_TESTS_RUN_SUITE_H
#define STRUCTALIGN_TESTS_RUN_SUITE_H

#include <check.h>
#include <stdlib.h>

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
