/* fuzz_replay - runs every committed fuzz input through its target.
 *
 * `make check` runs it (with the compiler and flags of the build, so the
 * sanitizer build and valgrind check it too): each file under
 * $top_srcdir/tests/fuzz/corpus/<target>/ and tests/fuzz/crashes/<target>/
 * goes through the same function as the libFuzzer harness (targets.c).  The
 * library's return codes do not matter; a crash, a sanitizer report or a
 * leak fails the test.  With arguments `TARGET FILE...` it replays just those
 * files, for reproducing one crash by hand. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets.h"

static const char *const targets[] = {"decl_go", "decl_c", "escape_text", "escape_json",
                                      "counts",  "dwarf",  "profile",     "profile_pb"};

static int replay_file(fuzz_target_fn fn, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t len = 0, cap = 0, n;
    if (f == NULL) {
        fprintf(stderr, "fuzz_replay: %s: cannot open\n", path);
        return -1;
    }
    for (;;) {
        if (len == cap) {
            char *p;
            cap = cap ? cap * 2 : 65536;
            p = realloc(data, cap);
            if (p == NULL) {
                free(data);
                fclose(f);
                return -1;
            }
            data = p;
        }
        n = fread(data + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    fn((const uint8_t *)data, len);
    free(data);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of dir in name order; returns the count, -1
 * on error.  A missing directory holds nothing. */
static long replay_dir(fuzz_target_fn fn, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t nnames = 0;
    long count = 0;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char **p;
        if (e->d_name[0] == '.')
            continue;
        p = realloc(names, (nnames + 1) * sizeof *names);
        if (p == NULL)
            break;
        names = p;
        names[nnames++] = strdup(e->d_name);
    }
    closedir(d);
    if (nnames > 1)
        qsort(names, nnames, sizeof *names, cmp_str);
    for (size_t i = 0; i < nnames; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen);
        if (path != NULL)
            snprintf(path, plen, "%s/%s", dir, names[i]);
        if (count >= 0 && path != NULL && replay_file(fn, path) == 0)
            count++;
        else
            count = -1;
        free(path);
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir");
    long total = 0;
    if (argc >= 3) {
        fuzz_target_fn fn = fuzz_target_lookup(argv[1]);
        if (fn == NULL) {
            fprintf(stderr, "fuzz_replay: unknown target %s\n", argv[1]);
            return 2;
        }
        for (int i = 2; i < argc; i++)
            if (replay_file(fn, argv[i]) < 0)
                return 1;
        return 0;
    }
    if (top == NULL)
        top = ".";
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        static const char *const kinds[] = {"corpus", "crashes"};
        for (int k = 0; k < 2; k++) {
            char dir[4096];
            long n;
            snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", top, kinds[k], targets[t]);
            n = replay_dir(fuzz_target_lookup(targets[t]), dir);
            if (n < 0)
                return 1;
            printf("%s/%s: %ld inputs\n", kinds[k], targets[t], n);
            total += n;
        }
    }
    if (total == 0) {
        fprintf(stderr, "fuzz_replay: no inputs under %s/tests/fuzz\n", top);
        return 1;
    }
    return 0;
}
