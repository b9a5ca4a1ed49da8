/*
 * test_arena.c - util/arena (the one region allocator of libalign),
 * compiled into the test from its source: the library does not export it.
 *
 * The truth is the C library: arena_printf must give what snprintf gives,
 * for a short text, one longer than a block (its own block, linked behind
 * the current one) and the empty text; earlier results must stay intact
 * as later ones are carved.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libalign.h"
#include "util/arena.h"

#include "suite.h"

START_TEST(test_printf)
{
    arena a;
    char want[64], *big = malloc(5000), *s1, *s2, *s3;
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 4999);
    big[4999] = '\0';
    arena_init(&a, 1024);
    snprintf(want, sizeof want, "%d of %s at %#llx", 42, "main.T", 0x1234ull);
    s1 = arena_printf(&a, "%d of %s at %#llx", 42, "main.T", 0x1234ull);
    ck_assert_str_eq(s1, want);
    s2 = arena_printf(&a, "<%s>", big); /* larger than a block */
    ck_assert_uint_eq(strlen(s2), 5001);
    ck_assert(s2[0] == '<' && s2[5000] == '>' && strspn(s2 + 1, "x") == 4999);
    s3 = arena_printf(&a, "%s", "");
    ck_assert_str_eq(s3, "");
    ck_assert_str_eq(s1, want); /* untouched by the later ones */
    arena_free(&a);
    free(big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_printf);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
