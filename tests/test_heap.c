/*
 * test_heap.c - the Go allocator's size classes (heap.c).
 *
 * The reference is the human-readable table at the top of go1.19.8
 * src/runtime/sizeclasses.go (the "bytes/obj" column, typed in below from
 * that comment, independently of the class_to_size array the generated
 * header is made from), and the rules of mallocgc / allocLarge / makeslice
 * read in go1.19.8 src/runtime (malloc.go, mcache.go, slice.go).  Every size
 * from 0 to 3 pages past maxSmallSize is checked against "the smallest class
 * >= size, else whole 8 KiB pages"; the point values (24 -> 24, 25 -> 32,
 * 33 -> 48, 32769 -> 40960) follow from that table and from allocLarge's
 * rounding to whole pages.
 *
 * Go 1.22+ (read in go1.22.12 ... go1.27.4 src/runtime malloc.go and
 * mbitmap.go): a scan object over PtrSize * PtrBits bytes (512 on 64-bit
 * targets, 128 on 32-bit ones) takes the class of size + 8; every object
 * over maxSmallSize - 8 = 32760 bytes is large.  tests/heapcost.py measures
 * these with the runtime itself (B/op); here every size is checked against
 * the reference with the header rule applied.
 *
 * Savings carried up (carry.c): the sizes and B/op of tests/carry_check.py's
 * program and of its hand-reordered copies, as the compiler and runtime gave
 * them (that script measures them again per release).
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libalign.h"

#include "suite.h"

/* bytes/obj of classes 1..67, from the comment table of sizeclasses.go. */
static const uint32_t comment_classes[] = {
    8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,   160,
    176,   192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,
    480,   512,   576,   640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,
    1792,  2048,  2304,  2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,  6528,
    6784,  6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336, 16384, 18432,
    19072, 20480, 21760, 24576, 27264, 28672, 32768,
};
#define NCLASSES (sizeof comment_classes / sizeof comment_classes[0])

/* The trivially correct reference. */
static uint64_t reference(uint64_t size, uint32_t *cls)
{
    *cls = 0;
    if (size == 0)
        return 0;
    for (uint32_t i = 0; i < NCLASSES; i++) {
        if (comment_classes[i] >= size) {
            *cls = i + 1;
            return comment_classes[i];
        }
    }
    return (size + 8191) / 8192 * 8192;
}

START_TEST(points_from_the_go_source)
{
    ck_assert_uint_eq(NCLASSES, 67);
    ck_assert_uint_eq(align_go_size_class(0), 0); /* &zerobase */
    ck_assert_uint_eq(align_go_size_class(1), 8);
    ck_assert_uint_eq(align_go_size_class(8), 8);
    ck_assert_uint_eq(align_go_size_class(9), 16);
    ck_assert_uint_eq(align_go_size_class(24), 24);
    ck_assert_uint_eq(align_go_size_class(25), 32);
    ck_assert_uint_eq(align_go_size_class(33), 48);
    ck_assert_uint_eq(align_go_size_class(1016), 1024);
    ck_assert_uint_eq(align_go_size_class(1017), 1024); /* the wrapped index */
    ck_assert_uint_eq(align_go_size_class(1024), 1024);
    ck_assert_uint_eq(align_go_size_class(1025), 1152);
    ck_assert_uint_eq(align_go_size_class(32767), 32768);
    ck_assert_uint_eq(align_go_size_class(32768), 32768);
    ck_assert_uint_eq(align_go_size_class(32769), 40960);
    ck_assert_uint_eq(align_go_size_class(40960), 40960);
    ck_assert_uint_eq(align_go_size_class(40961), 49152);
    ck_assert_uint_eq(align_go_size_class(UINT64_C(1) << 48), UINT64_C(1) << 48);
    ck_assert_uint_eq(align_go_size_class((UINT64_C(1) << 48) + 1), UINT64_MAX);
    ck_assert_uint_eq(align_go_size_class(UINT64_MAX), UINT64_MAX);
    ck_assert_str_eq(align_go_size_classes_version(19), "go1.19.8");
    ck_assert_ptr_nonnull(strstr(align_go_size_classes_version(27), "go1.27."));
    ck_assert_ptr_nonnull(strstr(align_go_size_classes_version(0), "go1.27."));
}
END_TEST

/* Plain comparisons in the loop: a Check assertion per size would cost a
 * pipe write each in fork mode. */
START_TEST(every_small_size_matches_the_reference)
{
    for (uint64_t size = 0; size <= ALIGN_GO_MAX_SMALL_SIZE + 3 * ALIGN_GO_PAGE_SIZE; size++) {
        uint32_t cls;
        uint64_t want = reference(size, &cls);
        align_go_alloc a;
        int rc = align_go_alloc_compute(&a, 19, ALIGN_ARCH_AMD64, size, 1);
        if (align_go_size_class(size) != want || rc != 0 || a.bytes != want ||
            a.size_class != cls || a.waste != want - size || a.header != 0 ||
            a.pages != (size > ALIGN_GO_MAX_SMALL_SIZE ? want / 8192 : 0) || a.tiny != 0)
            ck_abort_msg("size %llu: got %llu (class %u, pages %llu, rc %d), want %llu (class %u)",
                         (unsigned long long)size, (unsigned long long)align_go_size_class(size),
                         a.size_class, (unsigned long long)a.pages, rc, (unsigned long long)want,
                         cls);
    }
}
END_TEST

/* Go 1.22 to 1.27: the malloc header and the 32760-byte small limit, for
 * scan and noscan objects on a 64-bit and a 32-bit target. */
START_TEST(every_size_with_malloc_headers)
{
    static const struct {
        align_arch arch;
        uint64_t header_over;
    } arches[] = {{ALIGN_ARCH_AMD64, 512},
                  {ALIGN_ARCH_ARM64, 512},
                  {ALIGN_ARCH_386, 128},
                  {ALIGN_ARCH_ARM, 128}};
    for (unsigned release = 22; release <= 27; release++) {
        for (size_t k = 0; k < sizeof arches / sizeof arches[0]; k++) {
            for (uint64_t size = 1; size <= ALIGN_GO_MAX_SMALL_SIZE + 2 * ALIGN_GO_PAGE_SIZE;
                 size++) {
                for (int ptr = 0; ptr <= 1; ptr++) {
                    uint32_t cls;
                    bool large = size > ALIGN_GO_MAX_SMALL_SIZE - 8;
                    bool header = ptr && !large && size > arches[k].header_over;
                    uint64_t want = large ? (size + 8191) / 8192 * 8192
                                          : reference(size + (header ? 8 : 0), &cls);
                    align_go_alloc a;
                    int rc = align_go_alloc_compute(&a, release, arches[k].arch, size, ptr);
                    if (rc != 0 || a.bytes != want || a.header != (header ? 8u : 0u) ||
                        a.size_class != (large ? 0 : cls) || a.pages != (large ? want / 8192 : 0) ||
                        a.release != release)
                        ck_abort_msg("go1.%u %s size %llu ptr %d: got %llu (class %u, header "
                                     "%u), want %llu",
                                     release, align_arch_name(arches[k].arch),
                                     (unsigned long long)size, ptr, (unsigned long long)a.bytes,
                                     a.size_class, a.header, (unsigned long long)want);
                }
            }
        }
    }
}
END_TEST

/* The case: 1,032 -> 1,024 bytes with a pointer saves 128 bytes an
 * object on 1.19 and nothing from 1.22 (both 1,152-byte objects). */
START_TEST(releases_and_the_1032_byte_struct)
{
    align_go_alloc a, b;
    unsigned r;
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_AMD64, 1032, 1), 0);
    ck_assert_int_eq(align_go_alloc_compute(&b, 19, ALIGN_ARCH_AMD64, 1024, 1), 0);
    ck_assert_uint_eq(a.bytes - b.bytes, 128);
    ck_assert_int_eq(align_go_alloc_compute(&a, 27, ALIGN_ARCH_AMD64, 1032, 1), 0);
    ck_assert_int_eq(align_go_alloc_compute(&b, 27, ALIGN_ARCH_AMD64, 1024, 1), 0);
    ck_assert_uint_eq(a.bytes, 1152);
    ck_assert_uint_eq(b.bytes, 1152);
    ck_assert_uint_eq(b.header, 8);
    /* 0 is the newest; 1.20 and 1.21 follow 1.19, 1.28 follows 1.27. */
    ck_assert_int_eq(align_go_alloc_compute(&a, 0, ALIGN_ARCH_AMD64, 1024, 1), 0);
    ck_assert_uint_eq(a.bytes, 1152);
    ck_assert_uint_eq(a.release, align_go_release_newest());
    ck_assert_int_eq(align_go_alloc_compute(&a, 21, ALIGN_ARCH_AMD64, 1024, 1), 0);
    ck_assert_uint_eq(a.bytes, 1024);
    ck_assert_int_eq(align_go_alloc_compute(&a, 28, ALIGN_ARCH_AMD64, 1024, 1), 0);
    ck_assert_uint_eq(a.bytes, 1152);
    ck_assert_int_eq(align_go_alloc_compute(&a, 12, ALIGN_ARCH_AMD64, 1024, 1), 0);
    ck_assert_uint_eq(a.bytes, 1024);
    ck_assert_uint_eq(align_go_release_oldest(), 19);
    ck_assert_uint_eq(align_go_release_newest(), 27);
    ck_assert_int_eq(align_go_release_known(19), 1);
    ck_assert_int_eq(align_go_release_known(20), 0);
    ck_assert_int_eq(align_go_release_known(22), 1);
    ck_assert_int_eq(align_go_release_known(27), 1);
    ck_assert_int_eq(align_go_release_known(28), 0);
    ck_assert_int_eq(align_go_release_known(2), 0);

    ck_assert_int_eq(align_go_release_parse(&r, "Go cmd/compile go1.27.4; regabi"), 0);
    ck_assert_uint_eq(r, 27);
    ck_assert_int_eq(align_go_release_parse(&r, "Go cmd/compile go1.19.8"), 0);
    ck_assert_uint_eq(r, 19);
    ck_assert_int_eq(align_go_release_parse(&r, "1.24"), 0);
    ck_assert_uint_eq(r, 24);
    ck_assert_int_eq(align_go_release_parse(&r, "go1.26rc1"), 0);
    ck_assert_uint_eq(r, 26);
    ck_assert_int_eq(align_go_release_parse(&r, "Go cmd/compile devel +abc"), ALIGN_EINVAL);
    ck_assert_uint_eq(r, 0);
    ck_assert_int_eq(align_go_release_parse(&r, "11.27"), ALIGN_EINVAL);
    ck_assert_int_eq(align_go_release_parse(&r, "1."), ALIGN_EINVAL);
    ck_assert_int_eq(align_go_release_parse(&r, ""), ALIGN_EINVAL);
}
END_TEST

/* malloc.go: noscan && size < maxTinySize; the offset is aligned to 8 when
 * size&7 == 0, 8 for 12 bytes on 32-bit targets, 4, 2, or 1. */
START_TEST(tiny_allocator)
{
    static const struct {
        uint64_t size;
        uint32_t per_block;
    } cases[] = {{1, 16}, {2, 8}, {3, 5}, {4, 4},  {5, 3}, {6, 2},
                 {7, 2},  {8, 2}, {9, 1}, {12, 1}, {15, 1}};
    align_go_alloc a;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_ARM64, cases[i].size, 0), 0);
        ck_assert_int_eq(a.tiny, 1);
        ck_assert_uint_eq(a.tiny_per_block, cases[i].per_block);
        ck_assert_uint_eq(a.bytes, cases[i].size <= 8 ? 8 : 16); /* the class is unchanged */
    }
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_386, 12, 0), 0);
    ck_assert_uint_eq(a.tiny_per_block, 1);
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_AMD64, 16, 0), 0);
    ck_assert_int_eq(a.tiny, 0);
    ck_assert_uint_eq(a.bytes, 16);
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_AMD64, 0, 0), 0);
    ck_assert_int_eq(a.tiny, 0);
    ck_assert_uint_eq(a.bytes, 0);
    /* Pointer-free objects of 16 bytes and more use the same classes. */
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_AMD64, 33, 0), 0);
    ck_assert_uint_eq(a.bytes, 48);
    ck_assert_uint_eq(a.size_class, 5);
}
END_TEST

START_TEST(limits_per_arch)
{
    align_go_alloc a;
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_AMD64, UINT64_C(1) << 48, 1), 0);
    ck_assert_uint_eq(a.pages, (UINT64_C(1) << 48) / 8192);
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_AMD64, (UINT64_C(1) << 48) + 1, 1),
                     ALIGN_EOVERFLOW);
    ck_assert_uint_eq(a.bytes, 0);
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_ARM, UINT64_C(1) << 32, 1),
                     ALIGN_EOVERFLOW);
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, ALIGN_ARCH_386, (UINT64_C(1) << 32) - 1, 1), 0);
    ck_assert_int_eq(align_go_alloc_compute(&a, 19, (align_arch)42, 8, 1), ALIGN_EINVAL);
}
END_TEST

/* runtime.makeslice: mallocgc(elemsize * cap). */
START_TEST(make_slice)
{
    align_go_alloc a;
    ck_assert_int_eq(align_go_alloc_slice(&a, 19, ALIGN_ARCH_AMD64, 24, 3, 1), 0);
    ck_assert_uint_eq(a.size, 72);
    ck_assert_uint_eq(a.bytes, 80);
    ck_assert_int_eq(align_go_alloc_slice(&a, 19, ALIGN_ARCH_AMD64, 24, 0, 1), 0);
    ck_assert_uint_eq(a.bytes, 0); /* zerobase */
    ck_assert_int_eq(align_go_alloc_slice(&a, 19, ALIGN_ARCH_AMD64, 0, 1000, 0), 0);
    ck_assert_uint_eq(a.bytes, 0);
    /* 1,000,000 24-byte elements: 24,000,000 bytes, 2930 pages. */
    ck_assert_int_eq(align_go_alloc_slice(&a, 19, ALIGN_ARCH_AMD64, 24, 1000000, 1), 0);
    ck_assert_uint_eq(a.bytes, 24002560);
    ck_assert_uint_eq(a.pages, 2930);
    /* make([]byte, 5): tiny. */
    ck_assert_int_eq(align_go_alloc_slice(&a, 19, ALIGN_ARCH_AMD64, 1, 5, 0), 0);
    ck_assert_int_eq(a.tiny, 1);
    ck_assert_int_eq(
        align_go_alloc_slice(&a, 19, ALIGN_ARCH_AMD64, UINT64_C(1) << 40, UINT64_C(1) << 30, 1),
        ALIGN_EOVERFLOW);
    ck_assert_int_eq(align_go_alloc_slice(&a, 19, ALIGN_ARCH_AMD64, 8, UINT64_C(1) << 46, 1),
                     ALIGN_EOVERFLOW);
    ck_assert_int_eq(align_error_last()->code, ALIGN_EOVERFLOW);
}
END_TEST

/* A Go struct {bool; int64; bool} (24 bytes, 16 reordered) or, with
 * pointer, {bool; *int64; bool}; the layout is freed by the caller, the
 * graph leaked into *g for the caller to free. */
static align_layout *padded(align_graph **g, int pointer, int c_lang)
{
    align_layout *l = NULL;
    align_type *rec, *mid;
    align_field_spec f = align_field_spec_init();
    ck_assert_int_eq(align_graph_new(g, c_lang ? ALIGN_LANG_C : ALIGN_LANG_GO, ALIGN_ARCH_AMD64),
                     0);
    rec = align_type_record(*g, ALIGN_KIND_STRUCT, "main.Padded");
    mid = align_type_prim(*g, c_lang ? ALIGN_C_LONG : ALIGN_GO_INT64);
    if (pointer)
        mid = align_type_pointer(*g, mid);
    f.name = "A";
    f.type = align_type_prim(*g, c_lang ? ALIGN_C_BOOL : ALIGN_GO_BOOL);
    ck_assert_int_eq(align_record_add_field(*g, rec, &f), 0);
    f.name = "B";
    f.type = mid;
    ck_assert_int_eq(align_record_add_field(*g, rec, &f), 0);
    f.name = "C";
    f.type = align_type_prim(*g, c_lang ? ALIGN_C_BOOL : ALIGN_GO_BOOL);
    ck_assert_int_eq(align_record_add_field(*g, rec, &f), 0);
    align_record_complete(rec, -1, -1);
    ck_assert_int_eq(align_layout_compute(&l, *g, rec, NULL), 0);
    ck_assert_uint_eq(l->size, 24);
    ck_assert_uint_eq(l->optimal_size, 16);
    return l;
}

START_TEST(heap_cost_of_a_layout)
{
    align_graph *g;
    align_layout *l = padded(&g, 1, 0);
    align_heap_cost c;

    /* One object: class 24 -> 16, 8 bytes each, x count. */
    ck_assert_int_eq(align_heap_cost_compute(&c, l, 100, 0), 0);
    ck_assert_uint_eq(c.now.bytes, 24);
    ck_assert_uint_eq(c.optimal.bytes, 16);
    ck_assert_uint_eq(c.saved, 8);
    ck_assert_uint_eq(c.saved_total, 800);
    ck_assert_int_eq(c.now.tiny, 0);
    /* make([]T, 1000): 24000 bytes take class 24576, 16000 class 16384. */
    ck_assert_int_eq(align_heap_cost_compute(&c, l, 1000, 1), 0);
    ck_assert_uint_eq(c.now.bytes, 24576);
    ck_assert_uint_eq(c.optimal.bytes, 16384);
    ck_assert_uint_eq(c.saved, 8192);
    ck_assert_uint_eq(c.saved_total, 8192);
    /* make([]T, 100M): whole pages, 2.4 GB -> 1.6 GB. */
    ck_assert_int_eq(align_heap_cost_compute(&c, l, 100000000, 1), 0);
    ck_assert_uint_eq(c.now.bytes, 2400002048ull);
    ck_assert_uint_eq(c.optimal.bytes, 1600004096ull);
    /* Overflow of the count. */
    ck_assert_int_eq(align_heap_cost_compute(&c, l, UINT64_MAX / 4, 0), ALIGN_EOVERFLOW);
    ck_assert_int_eq(align_heap_cost_compute(&c, l, UINT64_MAX / 4, 1), ALIGN_EOVERFLOW);
    align_layout_free(l);
    align_graph_free(g);

    /* Pointer-free and reordered under 16 bytes: the tiny allocator. */
    l = padded(&g, 0, 0);
    ck_assert_int_eq(align_heap_cost_compute(&c, l, 1, 0), 0);
    ck_assert_int_eq(c.now.tiny, 0); /* 24 bytes: not tiny */
    ck_assert_int_eq(c.optimal.tiny, 0);
    align_layout_free(l);
    align_graph_free(g);

    /* Size classes are the Go allocator's: a C layout is refused. */
    l = padded(&g, 0, 1);
    ck_assert_int_eq(align_heap_cost_compute(&c, l, 1, 0), ALIGN_EINVAL);
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

/* The record named name of a Go graph made from text. */
static const align_type *go_decl(align_graph **g, align_arch arch, const char *text,
                                 const char *name)
{
    ck_assert_int_eq(align_graph_new(g, ALIGN_LANG_GO, arch), 0);
    ck_assert_int_eq(align_decl_parse_go(*g, "carry.go", text, strlen(text)), 0);
    for (size_t i = 0; i < align_graph_ndecls(*g); i++) {
        const align_type *t = align_graph_decl(*g, i);
        if (align_type_name(t) && strcmp(align_type_name(t), name) == 0)
            return t;
    }
    ck_abort_msg("no type %s", name);
    return NULL;
}

/* tests/carry_check.py's program: unsafe.Sizeof of each type and of its
 * fully reordered copy, and B/op of both, as go1.19, 1.24 and 1.27 measure
 * them on amd64 (Inner 24 -> 16; Outer 32 -> 24 with B/op 32 -> 24; Arr
 * 80 -> 56, B/op 80 -> 64; Deep 40 -> 32, B/op 48 -> 32; make([]Pair, 100)
 * B/op 3200 -> 2688). */
static const char carry_src[] = "package main\n"
                                "type Inner struct { A bool; B int64; C bool }\n"
                                "type Outer struct { Inner; D int64 }\n"
                                "type Arr struct { X [3]Inner; P *int }\n"
                                "type Deep struct { O Outer; F bool }\n"
                                "type Pair struct { In Inner; N int32 }\n"
                                "type Lone struct { A bool; P *int; B bool }\n";

static align_carry *carry_of(align_graph **g, align_arch arch, const char *name, align_layout **l)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, 0};
    const align_type *t = go_decl(g, arch, carry_src, name);
    align_carry *c;
    ck_assert_int_eq(align_layout_compute(l, *g, t, &lo), 0);
    ck_assert_int_eq(align_carry_compute(&c, *g, *l, NULL, NULL), 0);
    return c;
}

START_TEST(savings_carried_up)
{
    static const struct {
        const char *name;
        uint64_t size, deep, now, deep_bytes;
    } cases[] = {
        {"Outer", 32, 24, 32, 24},
        {"Arr", 80, 56, 80, 64},
        {"Deep", 40, 32, 48, 32},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        align_graph *g;
        align_layout *l;
        align_carry *c = carry_of(&g, ALIGN_ARCH_AMD64, cases[i].name, &l);
        align_carry_heap_cost h;
        uint64_t saved[8];
        ck_assert_uint_eq(c->size, cases[i].size);
        ck_assert_uint_eq(c->optimal_size, cases[i].size); /* its own order is best */
        ck_assert_uint_eq(c->deep_size, cases[i].deep);
        /* One step, owed to Inner (Deep holds it through Outer). */
        ck_assert_uint_eq(c->ncauses, 1);
        ck_assert_str_eq(align_type_name(c->causes[0].type), "Inner");
        ck_assert_uint_eq(c->causes[0].size_saved, cases[i].size - cases[i].deep);
        ck_assert_int_eq(align_carry_heap(&h, saved, l, c, 1000, 0), 0);
        ck_assert_uint_eq(h.now, cases[i].now);
        ck_assert_uint_eq(h.deep, cases[i].deep_bytes);
        ck_assert_uint_eq(h.saved_total, 1000 * (cases[i].now - cases[i].deep_bytes));
        ck_assert_uint_eq(saved[0], h.saved_total);
        align_carry_free(c);
        align_layout_free(l);
        align_graph_free(g);
    }
}
END_TEST

static int keep_inner(const align_type *t, void *arg)
{
    (void)arg;
    return align_type_name(t) != NULL && strcmp(align_type_name(t), "Inner") == 0;
}

START_TEST(savings_carried_up_limits)
{
    align_graph *g;
    align_layout *l;
    align_carry *c;
    align_carry_heap_cost h;
    uint64_t saved[8];

    /* A backing array of 100 Pairs: 3200 -> 2400 bytes, classes 3200 ->
     * 2688. */
    c = carry_of(&g, ALIGN_ARCH_AMD64, "Pair", &l);
    ck_assert_uint_eq(c->deep_size, 24);
    ck_assert_int_eq(align_carry_heap(&h, saved, l, c, 100, 1), 0);
    ck_assert_uint_eq(h.now, 3200);
    ck_assert_uint_eq(h.deep, 2688);
    ck_assert_uint_eq(h.saved_total, 512);
    ck_assert_int_eq(align_carry_heap(&h, saved, l, c, UINT64_MAX / 2, 0), ALIGN_EOVERFLOW);
    align_carry_free(c);
    align_layout_free(l);
    align_graph_free(g);

    /* Its own order only: one step, owed to itself. */
    c = carry_of(&g, ALIGN_ARCH_AMD64, "Lone", &l);
    ck_assert_uint_eq(c->deep_size, 16);
    ck_assert_uint_eq(c->ncauses, 1);
    ck_assert_ptr_eq(c->causes[0].type, l->type);
    align_carry_free(c);
    align_layout_free(l);
    align_graph_free(g);

    /* Inner's order kept (structalign:ignore): Outer saves nothing. */
    {
        align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, 0};
        const align_type *t = go_decl(&g, ALIGN_ARCH_AMD64, carry_src, "Outer");
        ck_assert_int_eq(align_layout_compute(&l, g, t, &lo), 0);
        ck_assert_int_eq(align_carry_compute(&c, g, l, keep_inner, NULL), 0);
        ck_assert_uint_eq(c->deep_size, 32);
        ck_assert_uint_eq(c->ncauses, 0);
        align_carry_free(c);
        align_layout_free(l);
        align_graph_free(g);
    }

    /* 386: held records are not changed (their copies would lose the
     * 8-aligned int64 rule): deep_size is the own optimum. */
    c = carry_of(&g, ALIGN_ARCH_386, "Outer", &l);
    ck_assert_uint_eq(c->deep_size, c->optimal_size);
    ck_assert_uint_eq(c->ncauses, 0);
    align_carry_free(c);
    align_layout_free(l);
    align_graph_free(g);

    /* Go records only. */
    l = padded(&g, 0, 1);
    ck_assert_int_eq(align_carry_compute(&c, g, l, NULL, NULL), ALIGN_EINVAL);
    ck_assert_ptr_null(c);
    align_layout_free(l);
    align_graph_free(g);
    align_carry_free(NULL);
}
END_TEST

static Suite *heap_suite(void)
{
    Suite *s = suite_create("heap");
    TCase *t = tcase_create("size_classes");
    tcase_add_test(t, points_from_the_go_source);
    tcase_add_test(t, every_small_size_matches_the_reference);
    tcase_add_test(t, every_size_with_malloc_headers);
    tcase_add_test(t, releases_and_the_1032_byte_struct);
    tcase_add_test(t, tiny_allocator);
    tcase_add_test(t, limits_per_arch);
    tcase_add_test(t, make_slice);
    tcase_add_test(t, heap_cost_of_a_layout);
    tcase_add_test(t, savings_carried_up);
    tcase_add_test(t, savings_carried_up_limits);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(heap_suite());
}
