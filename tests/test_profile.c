/*
 * test_profile.c - the heap-profile reader (measure/profile.c): sums,
 * limits and errors.
 *
 * Profiles are built here with protobuf-c's own encoder (the code protoc-c
 * generated from libalign/measure/profile.proto) and gzipped with zlib, so
 * each case states its samples exactly; the real profiles the Go runtime
 * writes are checked end to end by tests/profile_check.py against the
 * runtime and `go tool pprof`.  The committed fuzz seed heap-rate1.pprof
 * (written by tests/profile/truth with Go 1.19, MemProfileRate = 1) is read
 * too: its totals must be the sums of its sites.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "libalign.h"
#include "measure/profile.pb-c.h"

#include "suite.h"

/* ------------------------------------------------ building a profile */

typedef struct builder {
    SaPprof__Profile p;
    char *strings[32];
    SaPprof__ValueType vt[4], period_type;
    SaPprof__ValueType *vtp[4];
    SaPprof__Sample samples[8];
    SaPprof__Sample *sp[8];
    uint64_t locids[8][2];
    int64_t values[8][4];
    SaPprof__Label labels[8];
    SaPprof__Label *lp[8];
    SaPprof__Location locs[4];
    SaPprof__Location *locp[4];
    SaPprof__Line lines[4];
    SaPprof__Line *linep[4];
    SaPprof__Function funcs[2];
    SaPprof__Function *funcp[2];
} builder;

/* A heap profile: strings 0 "", 1..4 sample types, 5 count, 6 bytes,
 * 7 main.f, 8 /src/main.go, 9 space; function 1 = main.f in main.go;
 * location 1 at line 10 and 2 at line 20 of it.  No samples yet. */
static void heap_profile(builder *b, int64_t period)
{
    static const char *const strs[] = {
        "",      "alloc_objects", "alloc_space", "inuse_objects", "inuse_space",
        "count", "bytes",         "main.f",      "/src/main.go",  "space"};
    memset(b, 0, sizeof *b);
    sa_pprof__profile__init(&b->p);
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        b->strings[i] = (char *)strs[i];
    b->p.string_table = b->strings;
    b->p.n_string_table = sizeof strs / sizeof strs[0];
    for (int i = 0; i < 4; i++) {
        sa_pprof__value_type__init(&b->vt[i]);
        b->vt[i].type = i + 1;
        b->vt[i].unit = i % 2 ? 6 : 5;
        b->vtp[i] = &b->vt[i];
    }
    b->p.sample_type = b->vtp;
    b->p.n_sample_type = 4;
    sa_pprof__value_type__init(&b->period_type);
    b->period_type.type = 9;
    b->period_type.unit = 6;
    b->p.period_type = &b->period_type;
    b->p.period = period;
    sa_pprof__function__init(&b->funcs[0]);
    b->funcs[0].id = 1;
    b->funcs[0].name = 7;
    b->funcs[0].filename = 8;
    b->funcp[0] = &b->funcs[0];
    b->p.function = b->funcp;
    b->p.n_function = 1;
    for (int i = 0; i < 2; i++) {
        sa_pprof__location__init(&b->locs[i]);
        sa_pprof__line__init(&b->lines[i]);
        b->lines[i].function_id = 1;
        b->lines[i].line = 10 * (i + 1);
        b->linep[i] = &b->lines[i];
        b->locs[i].id = (uint64_t)i + 1;
        b->locs[i].line = &b->linep[i];
        b->locs[i].n_line = 1;
        b->locp[i] = &b->locs[i];
    }
    b->p.location = b->locp;
    b->p.n_location = 2;
    b->p.sample = b->sp;
}

/* One sample at location loc of objects of `size` bytes. */
static void add_sample(builder *b, uint64_t loc, int64_t alloc, int64_t inuse, int64_t size)
{
    size_t i = b->p.n_sample++;
    SaPprof__Sample *s = &b->samples[i];
    sa_pprof__sample__init(s);
    b->locids[i][0] = loc;
    s->location_id = b->locids[i];
    s->n_location_id = 1;
    b->values[i][0] = alloc;
    b->values[i][1] = alloc * size;
    b->values[i][2] = inuse;
    b->values[i][3] = inuse * size;
    s->value = b->values[i];
    s->n_value = 4;
    sa_pprof__label__init(&b->labels[i]);
    b->labels[i].key = 6;
    b->labels[i].num = size;
    b->lp[i] = &b->labels[i];
    s->label = &b->lp[i];
    s->n_label = 1;
    b->sp[i] = s;
}

/* The profile packed and gzipped: a malloc'd buffer of *len bytes. */
static unsigned char *gzip_bytes(const unsigned char *raw, size_t rawlen, size_t *len)
{
    z_stream zs;
    size_t cap = rawlen + 256;
    unsigned char *gz = malloc(cap);
    ck_assert_ptr_nonnull(gz);
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)raw;
    zs.avail_in = (uInt)rawlen;
    zs.next_out = gz;
    zs.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *len = zs.total_out;
    deflateEnd(&zs);
    return gz;
}

static unsigned char *pack(builder *b, size_t *len)
{
    size_t rawlen = sa_pprof__profile__get_packed_size(&b->p);
    unsigned char *raw = malloc(rawlen + 1), *gz;
    ck_assert_ptr_nonnull(raw);
    sa_pprof__profile__pack(&b->p, raw);
    gz = gzip_bytes(raw, rawlen, len);
    free(raw);
    return gz;
}

/* Reads the builder's profile; returns the library's code. */
static int read_built(builder *b, align_profile **out)
{
    size_t len;
    unsigned char *gz = pack(b, &len);
    int rc = align_profile_read_mem(out, "t.pprof", gz, len);
    free(gz);
    return rc;
}

/* --------------------------------------------------------------- tests */

START_TEST(sums_per_site)
{
    builder b;
    align_profile *p = NULL;
    const align_profile_site *s;
    heap_profile(&b, 1);
    add_sample(&b, 1, 30, 10, 24); /* two stacks, one site */
    add_sample(&b, 1, 5, 1, 24);
    add_sample(&b, 1, 7, 7, 48); /* same line, other object size */
    add_sample(&b, 2, 3, 0, 24);
    ck_assert_int_eq(read_built(&b, &p), 0);
    ck_assert_uint_eq(align_profile_nsites(p), 3);
    s = align_profile_site_get(p, 0);
    ck_assert_str_eq(s->file, "/src/main.go");
    ck_assert_str_eq(s->function, "main.f");
    ck_assert_uint_eq(s->line, 10);
    ck_assert_uint_eq(s->object_size, 24);
    ck_assert_uint_eq(s->alloc_objects, 35);
    ck_assert_uint_eq(s->inuse_objects, 11);
    ck_assert_uint_eq(s->inuse_bytes, 11 * 24);
    ck_assert_uint_eq(s->nstacks, 2);
    s = align_profile_site_get(p, 1);
    ck_assert_uint_eq(s->object_size, 48);
    ck_assert_uint_eq(s->inuse_objects, 7);
    s = align_profile_site_get(p, 2);
    ck_assert_uint_eq(s->line, 20);
    ck_assert_ptr_null(align_profile_site_get(p, 3));
    ck_assert_int_eq(align_profile_info_get(p)->period, 1);
    ck_assert_uint_eq(align_profile_info_get(p)->alloc_objects, 45);
    ck_assert_uint_eq(align_profile_info_get(p)->inuse_bytes, 11 * 24 + 7 * 48);
    align_profile_free(p);
}
END_TEST

/* The runtime already un-sampled the values (scaleHeapSample): they are
 * taken as written, whatever the period. */
START_TEST(values_are_not_scaled_again)
{
    builder b;
    align_profile *p = NULL;
    heap_profile(&b, 524288);
    add_sample(&b, 1, 21846, 21846, 24);
    ck_assert_int_eq(read_built(&b, &p), 0);
    ck_assert_int_eq(align_profile_info_get(p)->period, 524288);
    ck_assert_uint_eq(align_profile_site_get(p, 0)->inuse_objects, 21846);
    align_profile_free(p);
}
END_TEST

static void expect_error(builder *b, int code, const char *words)
{
    align_profile *p = (align_profile *)1;
    ck_assert_int_eq(read_built(b, &p), code);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(align_error_last()->message, words) != NULL, "message '%s' lacks '%s'",
                  align_error_last()->message, words);
    ck_assert_str_eq(align_error_last()->file, "t.pprof");
}

START_TEST(inconsistent_profiles)
{
    builder b;
    heap_profile(&b, 1);
    add_sample(&b, 1, -1, 0, 24);
    expect_error(&b, ALIGN_EFORMAT, "negative count");
    heap_profile(&b, 1);
    add_sample(&b, 9, 1, 1, 24);
    expect_error(&b, ALIGN_EFORMAT, "location that does not exist");
    heap_profile(&b, 1);
    add_sample(&b, 1, 1, 1, 24);
    b.samples[0].n_value = 3;
    expect_error(&b, ALIGN_EFORMAT, "more or fewer values");
    heap_profile(&b, 1);
    b.lines[0].function_id = 5;
    add_sample(&b, 1, 1, 1, 24);
    expect_error(&b, ALIGN_EFORMAT, "function that does not exist");
    heap_profile(&b, 1);
    b.funcs[0].name = 99;
    expect_error(&b, ALIGN_EFORMAT, "names no string");
    heap_profile(&b, 1);
    b.strings[0] = "x";
    expect_error(&b, ALIGN_EFORMAT, "string table");
    heap_profile(&b, 1);
    add_sample(&b, 1, INT64_MAX, 0, 1);
    add_sample(&b, 2, INT64_MAX, 0, 1);
    add_sample(&b, 2, INT64_MAX, 0, 1);
    expect_error(&b, ALIGN_EOVERFLOW, "overflow");
}
END_TEST

START_TEST(not_a_heap_profile)
{
    builder b;
    heap_profile(&b, 1);
    b.strings[1] = "samples"; /* a CPU profile's first sample type */
    b.strings[9] = "cpu";
    expect_error(&b, ALIGN_EFORMAT, "a CPU profile, not a heap profile");
    heap_profile(&b, 1);
    b.strings[3] = "contentions";
    expect_error(&b, ALIGN_EFORMAT, "not a heap profile");
    heap_profile(&b, 1);
    b.p.n_sample_type = 0;
    expect_error(&b, ALIGN_EFORMAT, "no sample types");
}
END_TEST

START_TEST(not_gzip_truncated_not_protobuf)
{
    builder b;
    align_profile *p = NULL;
    size_t len;
    unsigned char *gz;
    static const unsigned char junk[] = "\x08\x96\x01 not a protobuf \xff\xff\xff\xff";
    ck_assert_int_eq(align_profile_read_mem(&p, "t.pprof", "hello", 5), ALIGN_EFORMAT);
    ck_assert_ptr_nonnull(strstr(align_error_last()->message, "not gzip-compressed"));
    ck_assert_ptr_nonnull(strstr(align_error_last()->hint, "WriteHeapProfile"));
    ck_assert_int_eq(
        align_profile_read_mem(&p, "t.pprof", "heap profile: 1: 2 [3: 4] @ heap/8", 34),
        ALIGN_EFORMAT);
    ck_assert_ptr_nonnull(strstr(align_error_last()->message, "legacy text format"));
    heap_profile(&b, 1);
    add_sample(&b, 1, 1, 1, 24);
    gz = pack(&b, &len);
    for (size_t cut = 2; cut < len; cut += 7) {
        ck_assert_int_lt(align_profile_read_mem(&p, "t.pprof", gz, cut), 0);
        ck_assert_ptr_null(p);
    }
    ck_assert_int_eq(align_profile_read_mem(&p, "t.pprof", gz, len - 1), ALIGN_EFORMAT);
    ck_assert_ptr_nonnull(strstr(align_error_last()->message, "truncated"));
    gz[len / 2] ^= 0x55;
    ck_assert_int_lt(align_profile_read_mem(&p, "t.pprof", gz, len), 0);
    free(gz);
    gz = gzip_bytes(junk, sizeof junk - 1, &len);
    ck_assert_int_eq(align_profile_read_mem(&p, "t.pprof", gz, len), ALIGN_EFORMAT);
    ck_assert_ptr_nonnull(strstr(align_error_last()->message, "not a pprof profile"));
    free(gz);
    ck_assert_int_eq(align_profile_open(&p, "/nonexistent/heap.pprof"), ALIGN_EIO);
    ck_assert_int_eq(align_profile_open(&p, "/"), ALIGN_EIO);
}
END_TEST

START_TEST(a_real_profile)
{
    char path[4096];
    const char *top = getenv("top_srcdir");
    align_profile *p = NULL;
    uint64_t inuse = 0, alloc = 0;
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/profile/heap-rate1.pprof", top ? top : ".");
    ck_assert_int_eq(align_profile_open(&p, path), 0);
    ck_assert_int_eq(align_profile_info_get(p)->period, 1);
    ck_assert_ptr_null(align_profile_info_get(p)->default_sample); /* WriteHeapProfile: none */
    for (size_t i = 0; i < align_profile_nsites(p); i++) {
        inuse += align_profile_site_get(p, i)->inuse_bytes;
        alloc += align_profile_site_get(p, i)->alloc_objects;
    }
    ck_assert_uint_eq(inuse, align_profile_info_get(p)->inuse_bytes);
    ck_assert_uint_eq(alloc, align_profile_info_get(p)->alloc_objects);
    align_profile_free(p);
    align_profile_free(NULL);
    ck_assert_str_eq(align_sample_name(ALIGN_SAMPLE_ALLOC), "alloc");
}
END_TEST

static Suite *profile_suite(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sums_per_site);
    tcase_add_test(tc, values_are_not_scaled_again);
    tcase_add_test(tc, a_real_profile);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, inconsistent_profiles);
    tcase_add_test(tc, not_a_heap_profile);
    tcase_add_test(tc, not_gzip_truncated_not_protobuf);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(profile_suite());
}
