/*
 * test_layout.c - the layout engine, the optimizer, counts and renderers,
 * driven through the public API with graphs built by hand (no parser).
 *
 * Every expected number was measured with the real compilers, not copied
 * from our output:
 *   Go:  go1.19.8, unsafe.Sizeof/Alignof, reflect Field(i).Offset, and ptrdata
 *        read from reflect's rtype; GOARCH=amd64 natively and GOARCH=arm64
 *        under qemu-aarch64 (identical for these types).
 *   C:   gcc 12.2 (x86-64) and aarch64-linux-gnu-gcc 12.2 under qemu-aarch64:
 *        sizeof, _Alignof, offsetof, and bit offsets found by setting the
 *        field to all ones in a zeroed struct and scanning for the first bit.
 * The programs are in the comments next to each case.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libalign.h"

#include "suite.h"

static align_graph *g;

static void setup_go(void)
{
    ck_assert_int_eq(align_graph_new(&g, ALIGN_LANG_GO, ALIGN_ARCH_AMD64), 0);
}

static void setup_c(void)
{
    ck_assert_int_eq(align_graph_new(&g, ALIGN_LANG_C, ALIGN_ARCH_AMD64), 0);
}

static void teardown(void)
{
    align_graph_free(g);
    g = NULL;
}

static void add(align_type *rec, const char *name, align_type *t)
{
    align_field_spec s = align_field_spec_init();
    s.name = name;
    s.type = t;
    ck_assert_int_eq(align_record_add_field(g, rec, &s), 0);
}

static void add_bits(align_type *rec, const char *name, align_type *t, uint32_t bits)
{
    align_field_spec s = align_field_spec_init();
    s.name = name;
    s.type = t;
    s.is_bitfield = 1;
    s.bit_size = bits;
    ck_assert_int_eq(align_record_add_field(g, rec, &s), 0);
}

static align_type *P(align_prim p)
{
    return align_type_prim(g, p);
}

static align_layout *lay(align_type *rec)
{
    align_layout *l = NULL;
    int rc = align_layout_compute(&l, g, rec, NULL);
    ck_assert_msg(rc == 0, "layout failed: %s", align_error_last()->message);
    return l;
}

/* ------------------------------------------------------------------- Go */

/* type BadStruct struct { Flag bool; Counter int64; Active bool }
 * go: size 24 align 8, Flag@0 Counter@8 Active@16. */
static align_type *bad_struct(void)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "BadStruct");
    add(r, "Flag", P(ALIGN_GO_BOOL));
    add(r, "Counter", P(ALIGN_GO_INT64));
    add(r, "Active", P(ALIGN_GO_BOOL));
    align_record_complete(r, -1, -1);
    return r;
}

START_TEST(go_bad_struct)
{
    align_layout *l = lay(bad_struct());
    ck_assert_uint_eq(l->size, 24);
    ck_assert_uint_eq(l->align, 8);
    ck_assert_uint_eq(l->members[0].offset, 0);
    ck_assert_uint_eq(l->members[1].offset, 8);
    ck_assert_uint_eq(l->members[2].offset, 16);
    ck_assert_uint_eq(l->nholes, 1);
    ck_assert_uint_eq(l->holes[0].offset, 1);
    ck_assert_uint_eq(l->holes[0].size, 7);
    ck_assert_uint_eq(l->tail_padding, 7);
    ck_assert_uint_eq(l->padding, 14);
    ck_assert_uint_eq(l->sum_members, 10);
    /* Counter, Flag, Active compiled: 16 bytes (go1.19.8). */
    ck_assert_uint_eq(l->optimal_size, 16);
    ck_assert_uint_eq(l->reclaimable, 8);
    ck_assert_int_eq(l->optimal_proven, 1);
    ck_assert_uint_eq(l->optimal_order[0], 1);
    ck_assert_uint_eq(l->optimal_order[1], 0);
    ck_assert_uint_eq(l->optimal_order[2], 2);
    align_layout_free(l);
}
END_TEST

/* struct{a int32; b struct{}} = 8 (the extra byte for a trailing zero-size
 * field, then rounding); struct{b struct{}; a int32} = 4;
 * struct{s struct{}} = 0.  go1.19.8 on amd64 and arm64. */
START_TEST(go_zero_size_tail)
{
    align_type *empty = align_type_record(g, ALIGN_KIND_STRUCT, NULL);
    align_record_complete(empty, -1, -1);
    align_type *z1 = align_type_record(g, ALIGN_KIND_STRUCT, "Z1");
    add(z1, "a", P(ALIGN_GO_INT32));
    add(z1, "b", empty);
    align_record_complete(z1, -1, -1);
    align_type *z2 = align_type_record(g, ALIGN_KIND_STRUCT, "Z2");
    add(z2, "b", empty);
    add(z2, "a", P(ALIGN_GO_INT32));
    align_record_complete(z2, -1, -1);
    align_type *z3 = align_type_record(g, ALIGN_KIND_STRUCT, "Z3");
    add(z3, "s", empty);
    align_record_complete(z3, -1, -1);

    align_layout *l = lay(z1);
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->align, 4);
    ck_assert_uint_eq(l->members[1].offset, 4);
    ck_assert_uint_eq(l->tail_padding, 4);
    /* Moving the empty field first removes the byte: Z2 is 4. */
    ck_assert_uint_eq(l->optimal_size, 4);
    ck_assert_uint_eq(l->optimal_order[0], 1);
    align_layout_free(l);
    l = lay(z2);
    ck_assert_uint_eq(l->size, 4);
    ck_assert_uint_eq(l->reclaimable, 0);
    align_layout_free(l);
    l = lay(z3);
    ck_assert_uint_eq(l->size, 0);
    ck_assert_uint_eq(l->align, 1);
    align_layout_free(l);
}
END_TEST

/* struct{a bool; c complex64}: complex64 is aligned to 4, size 12. */
START_TEST(go_complex64_align4)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "C64");
    add(r, "a", P(ALIGN_GO_BOOL));
    add(r, "c", P(ALIGN_GO_COMPLEX64));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 12);
    ck_assert_uint_eq(l->align, 4);
    ck_assert_uint_eq(l->members[1].offset, 4);
    ck_assert_uint_eq(l->optimal_size, 12);
    ck_assert_uint_eq(l->reclaimable, 0);
    align_layout_free(l);
}
END_TEST

/* type P struct { a int64; s string; b bool; p *int }: size 40, ptrdata 40.
 * The order P2 {p *int; s string; a int64; b bool}: size 40, ptrdata 16. */
START_TEST(go_ptrdata_order)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "P");
    add(r, "a", P(ALIGN_GO_INT64));
    add(r, "s", P(ALIGN_GO_STRING));
    add(r, "b", P(ALIGN_GO_BOOL));
    add(r, "p", align_type_pointer(g, P(ALIGN_GO_INT)));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 40);
    ck_assert_uint_eq(l->ptrdata, 40);
    ck_assert_uint_eq(l->optimal_size, 40);
    ck_assert_uint_eq(l->optimal_ptrdata, 16);
    ck_assert_uint_eq(l->optimal_order[0], 3); /* p */
    ck_assert_uint_eq(l->optimal_order[1], 1); /* s */
    ck_assert_uint_eq(l->optimal_order[2], 0); /* a */
    ck_assert_uint_eq(l->optimal_order[3], 2); /* b */
    align_layout_free(l);
}
END_TEST

/* type A struct { x [3]string }: size 48, ptrdata 40 (two whole strings and
 * the data pointer of the third). */
START_TEST(go_array_ptrdata)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "A");
    add(r, "x", align_type_array(g, P(ALIGN_GO_STRING), 3));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 48);
    ck_assert_uint_eq(l->ptrdata, 40);
    ck_assert_str_eq(l->members[0].type_name, "[3]string");
    align_layout_free(l);
}
END_TEST

/* A zero-size blank marker (`_ [0]func()`: non-comparable) works anywhere:
 * it moves first instead of costing the trailing padding.  go1.19 reflect
 * (tests/go_blank_fields.py): 168 bytes declared, 160 suggested. */
START_TEST(go_blank_marker_moves)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "Point");
    const char *names[] = {"x", "y", "z", "t"};
    for (int i = 0; i < 4; i++)
        add(r, names[i], align_type_array(g, P(ALIGN_GO_UINT64), 5));
    add(r, "_", align_type_array(g, P(ALIGN_GO_FUNC), 0));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 168);
    ck_assert_uint_eq(l->optimal_size, 160);
    ck_assert_uint_eq(l->optimal_order[0], 4);
    ck_assert_uint_eq(l->unconstrained_size, 160);
    ck_assert_uint_eq(l->members[4].flags &
                          (ALIGN_MEMBER_BLANK_KEEPS_OFFSET | ALIGN_MEMBER_BLANK_FENCE |
                           ALIGN_MEMBER_BLANK_CONSTRAINS),
                      0);
    align_layout_free(l);
}
END_TEST

/* Explicit padding keeps its offset, and so does the member after it;
 * the others move across it.  go1.19 reflect: Mid {a bool; _ int32; b
 * int64; c bool; d int32; e bool} is 32 bytes, 24 suggested with _ at 4
 * and b at 8; Tail {a bool; b int64; c bool; _ [4]byte} is 24 bytes kept,
 * 16 with the blank field free. */
START_TEST(go_blank_keeps_offset)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "Mid");
    add(r, "a", P(ALIGN_GO_BOOL));
    add(r, "_", P(ALIGN_GO_INT32));
    add(r, "b", P(ALIGN_GO_INT64));
    add(r, "c", P(ALIGN_GO_BOOL));
    add(r, "d", P(ALIGN_GO_INT32));
    add(r, "e", P(ALIGN_GO_BOOL));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 32);
    ck_assert_uint_eq(l->optimal_size, 24);
    ck_assert(l->members[1].flags & ALIGN_MEMBER_BLANK_KEEPS_OFFSET);
    ck_assert_uint_eq(l->optimal_order[1], 1);
    ck_assert_uint_eq(l->optimal_order[2], 2);
    ck_assert_ptr_nonnull(l->optimal_note);
    align_layout_free(l);

    r = align_type_record(g, ALIGN_KIND_STRUCT, "Tail");
    add(r, "a", P(ALIGN_GO_BOOL));
    add(r, "b", P(ALIGN_GO_INT64));
    add(r, "c", P(ALIGN_GO_BOOL));
    add(r, "_", align_type_array(g, P(ALIGN_GO_UINT8), 4));
    align_record_complete(r, -1, -1);
    l = lay(r);
    ck_assert_uint_eq(l->size, 24);
    ck_assert_uint_eq(l->optimal_size, 24);
    ck_assert_uint_eq(l->unconstrained_size, 16);
    ck_assert(l->members[3].flags & ALIGN_MEMBER_BLANK_CONSTRAINS);
    align_layout_free(l);
}
END_TEST

/* Cache-line padding keeps its offset and no member crosses it. */
START_TEST(go_blank_fixed)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "Blank");
    add(r, "a", P(ALIGN_GO_BOOL));
    add(r, "_", align_type_array(g, P(ALIGN_GO_UINT8), 56));
    add(r, "b", P(ALIGN_GO_INT64));
    add(r, "c", P(ALIGN_GO_BOOL));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    /* a@0 _@1 b@64 c@72: size 80 (same rules as BadStruct; go1.19.8). */
    ck_assert_uint_eq(l->size, 80);
    ck_assert_uint_eq(l->intentional_padding, 56);
    ck_assert_uint_eq(l->members[1].flags & ALIGN_MEMBER_BLANK, ALIGN_MEMBER_BLANK);
    ck_assert_uint_eq(l->optimal_order[1], 1);
    /* a _ c b: c moves within its side, a@0 _@1 c@57 b@64, 72 bytes; free,
     * b _ a c is 72 too (the rules of BadStruct, go1.19.8). */
    ck_assert_uint_eq(l->optimal_order[2], 3);
    ck_assert_uint_eq(l->optimal_size, 72);
    ck_assert(l->members[1].flags & ALIGN_MEMBER_BLANK_FENCE);
    ck_assert_uint_eq(l->unconstrained_size, 72);
    ck_assert(!(l->members[1].flags & ALIGN_MEMBER_BLANK_CONSTRAINS));
    align_layout_free(l);
}
END_TEST

START_TEST(go_recursive_by_value)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "R");
    add(r, "next", r);
    align_record_complete(r, -1, -1);
    align_layout *l = NULL;
    ck_assert_int_eq(align_layout_compute(&l, g, r, NULL), ALIGN_ERECURSIVE);
    ck_assert_ptr_null(l);
    ck_assert_ptr_nonnull(strstr(align_error_last()->message, "contains itself"));
}
END_TEST

START_TEST(go_overflow)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "Huge");
    add(r, "a",
        align_type_array(g, align_type_array(g, P(ALIGN_GO_INT64), 1ull << 40), 1ull << 30));
    align_record_complete(r, -1, -1);
    align_layout *l = NULL;
    ck_assert_int_eq(align_layout_compute(&l, g, r, NULL), ALIGN_EOVERFLOW);
}
END_TEST

START_TEST(go_arm64_same)
{
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_ARM64), 0);
    align_layout *l = lay(bad_struct());
    ck_assert_uint_eq(l->size, 24);
    ck_assert_int_eq(l->arch, ALIGN_ARCH_ARM64);
    align_layout_free(l);
}
END_TEST

/* 386 and arm (gc 1.19, unsafe.Offsetof under qemu-arm, and compile-time
 * assertions for 386): BadStruct is 16 bytes, 4-aligned, Counter at 4;
 * struct { Flag bool; N atomic.Int64 } is 16 bytes, 8-aligned, N at 8. */
START_TEST(go_32bit_int64_align4)
{
    static const align_arch arches[] = {ALIGN_ARCH_386, ALIGN_ARCH_ARM};
    align_type *at = align_type_record(g, ALIGN_KIND_STRUCT, "main.A");
    add(at, "Flag", P(ALIGN_GO_BOOL));
    add(at, "N", P(ALIGN_GO_ATOMIC_INT64));
    align_record_complete(at, -1, -1);
    align_type *bad = bad_struct();
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(align_graph_set_arch(g, arches[i]), 0);
        align_layout *l = lay(bad);
        ck_assert_uint_eq(l->size, 16);
        ck_assert_uint_eq(l->align, 4);
        ck_assert_uint_eq(l->members[1].offset, 4);
        align_layout_free(l);
        l = lay(at);
        ck_assert_uint_eq(l->size, 16);
        ck_assert_uint_eq(l->align, 8);
        ck_assert_uint_eq(l->members[1].offset, 8);
        align_layout_free(l);
    }
}
END_TEST

/* The atomic check at any depth (offsets as gc 1.19 puts them on arm,
 * checked under qemu-arm by tests/atomic_nested.py): Outer{A int32; In
 * struct{N int64}; Arr [3]struct{A int32; N int64}; Big [1<<20]int64;
 * Ok atomic.Int64}.  In.N at 4 and Arr[1].N at 28 are 4-aligned; Arr[0]
 * and Arr[2] are not; Big's elements are fine (the walk stops after the
 * first), and the align64 field is never listed. */
START_TEST(go_32bit_atomic_nested)
{
    align_type *in = align_type_record(g, ALIGN_KIND_STRUCT, "In");
    align_type *in2 = align_type_record(g, ALIGN_KIND_STRUCT, "In2");
    align_type *outer = align_type_record(g, ALIGN_KIND_STRUCT, "Outer");
    add(in, "N", P(ALIGN_GO_INT64));
    align_record_complete(in, -1, -1);
    add(in2, "A", P(ALIGN_GO_INT32));
    add(in2, "N", P(ALIGN_GO_INT64));
    align_record_complete(in2, -1, -1);
    add(outer, "A", P(ALIGN_GO_INT32));
    add(outer, "In", in);
    add(outer, "Arr", align_type_array(g, in2, 3));
    add(outer, "Big", align_type_array(g, P(ALIGN_GO_INT64), 1u << 20));
    add(outer, "Ok", P(ALIGN_GO_ATOMIC_INT64));
    align_record_complete(outer, -1, -1);
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_ARM), 0);
    align_layout *l = lay(outer);
    ck_assert_uint_eq(l->natomic_unaligned, 2);
    ck_assert_int_eq(l->atomic_truncated, 0);
    ck_assert_str_eq(l->atomic_unaligned[0].path, "In.N");
    ck_assert_uint_eq(l->atomic_unaligned[0].offset, 4);
    ck_assert_uint_eq(l->atomic_unaligned[0].member, 1);
    ck_assert_str_eq(l->atomic_unaligned[1].path, "Arr[1].N");
    ck_assert_uint_eq(l->atomic_unaligned[1].offset, 28);
    ck_assert(l->members[1].flags & ALIGN_MEMBER_ATOMIC_UNALIGNED_INSIDE);
    ck_assert(l->members[2].flags & ALIGN_MEMBER_ATOMIC_UNALIGNED_INSIDE);
    ck_assert(!(l->members[3].flags & ALIGN_MEMBER_ATOMIC_UNALIGNED_INSIDE));
    align_layout_free(l);
    /* In2 alone: its N at 4 is a direct member. */
    l = lay(in2);
    ck_assert_uint_eq(l->natomic_unaligned, 1);
    ck_assert_str_eq(l->atomic_unaligned[0].path, "N");
    ck_assert(l->members[1].flags & ALIGN_MEMBER_ATOMIC_UNALIGNED);
    align_layout_free(l);
    /* amd64: nothing to check. */
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_AMD64), 0);
    l = lay(outer);
    ck_assert_uint_eq(l->natomic_unaligned, 0);
    align_layout_free(l);
}
END_TEST

/* A huge array of 4-aligned int64s: the list stops at its limit and says so. */
START_TEST(go_32bit_atomic_truncated)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "R");
    add(r, "A", P(ALIGN_GO_INT32));
    add(r, "Many", align_type_array(g, P(ALIGN_GO_INT64), 1u << 20));
    align_record_complete(r, -1, -1);
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_386), 0);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->natomic_unaligned, ALIGN_ATOMIC_MAX_LISTED);
    ck_assert_int_eq(l->atomic_truncated, 1);
    ck_assert_str_eq(l->atomic_unaligned[255].path, "Many[255]");
    align_layout_free(l);
}
END_TEST

START_TEST(arch_aliases)
{
    static const struct {
        const char *s;
        align_arch a;
    } cases[] = {{"386", ALIGN_ARCH_386}, {"i386", ALIGN_ARCH_386},  {"i686", ALIGN_ARCH_386},
                 {"arm", ALIGN_ARCH_ARM}, {"armhf", ALIGN_ARCH_ARM}, {"armv7", ALIGN_ARCH_ARM}};
    align_arch a;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(align_arch_parse(&a, cases[i].s), 0);
        ck_assert_int_eq(a, cases[i].a);
    }
    ck_assert_int_eq(align_arch_parse(&a, "mips"), ALIGN_EINVAL);
}
END_TEST

/* -------------------------------------------------------------------- C */

/* struct c1 { char c; int i; char d; }: 12 bytes, align 4 (gcc, both). */
START_TEST(c_basic_holes)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "c1");
    add(r, "c", P(ALIGN_C_CHAR));
    add(r, "i", P(ALIGN_C_INT));
    add(r, "d", P(ALIGN_C_CHAR));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 12);
    ck_assert_uint_eq(l->align, 4);
    ck_assert_uint_eq(l->holes[0].offset, 1);
    ck_assert_uint_eq(l->holes[0].size, 3);
    ck_assert_uint_eq(l->tail_padding, 3);
    ck_assert_uint_eq(l->optimal_size, 8);
    ck_assert_str_eq(l->name, "c1");
    align_layout_free(l);
}
END_TEST

/* struct c2 { char a; int b:4; int c:30; }: 8 bytes align 4; b at bit 8, c
 * at bit 32 (12+30 would straddle the int unit). gcc, both arches. */
START_TEST(c_bitfield_straddle)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "c2");
    add(r, "a", P(ALIGN_C_CHAR));
    add_bits(r, "b", P(ALIGN_C_INT), 4);
    add_bits(r, "c", P(ALIGN_C_INT), 30);
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->align, 4);
    ck_assert_uint_eq(l->members[1].bit_offset, 8);
    ck_assert_uint_eq(l->members[2].bit_offset, 32);
    ck_assert_uint_eq(l->members[2].offset, 4);
    /* bits 12..31 unused: 4 bits in byte 1, then bytes 2-3 a hole. */
    ck_assert_uint_eq(l->nholes, 1);
    ck_assert_uint_eq(l->holes[0].offset, 2);
    ck_assert_uint_eq(l->holes[0].size, 2);
    ck_assert_uint_eq(l->nbit_holes, 2);
    ck_assert_uint_eq(l->bit_holes[0].bit_offset, 12);
    ck_assert_uint_eq(l->bit_holes[0].bit_size, 4);
    align_layout_free(l);
}
END_TEST

/* struct __attribute__((packed)) c11 { char a; int b:4; int c:30; }:
 * 6 bytes align 1, b at bit 8, c at bit 12. */
START_TEST(c_packed_bitfields)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "c11");
    align_type_set_packed(r, 1);
    add(r, "a", P(ALIGN_C_CHAR));
    add_bits(r, "b", P(ALIGN_C_INT), 4);
    add_bits(r, "c", P(ALIGN_C_INT), 30);
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 6);
    ck_assert_uint_eq(l->align, 1);
    ck_assert_uint_eq(l->members[2].bit_offset, 12);
    align_layout_free(l);
}
END_TEST

/* struct c10 { char a; char b:3; long long c:40; }: 8 bytes, align 8,
 * b at bit 8, c at bit 11. */
START_TEST(c_bitfield_long_long)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "c10");
    add(r, "a", P(ALIGN_C_CHAR));
    add_bits(r, "b", P(ALIGN_C_CHAR), 3);
    add_bits(r, "c", P(ALIGN_C_LLONG), 40);
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->align, 8);
    ck_assert_uint_eq(l->members[2].bit_offset, 11);
    align_layout_free(l);
}
END_TEST

/* struct c7 { char a; int :0; char b; }: amd64 5 bytes align 1, b at 4;
 * arm64 8 bytes align 4, b at 4 (unnamed bit-fields raise alignment there).
 * struct c8 { char a; int :3; char b; }: amd64 3/1, arm64 4/4, b at 2. */
START_TEST(c_unnamed_bitfields_per_arch)
{
    align_type *c7 = align_type_record(g, ALIGN_KIND_STRUCT, "c7");
    add(c7, "a", P(ALIGN_C_CHAR));
    add_bits(c7, NULL, P(ALIGN_C_INT), 0);
    add(c7, "b", P(ALIGN_C_CHAR));
    align_record_complete(c7, -1, -1);
    align_type *c8 = align_type_record(g, ALIGN_KIND_STRUCT, "c8");
    add(c8, "a", P(ALIGN_C_CHAR));
    add_bits(c8, NULL, P(ALIGN_C_INT), 3);
    add(c8, "b", P(ALIGN_C_CHAR));
    align_record_complete(c8, -1, -1);

    align_layout *l = lay(c7);
    ck_assert_uint_eq(l->size, 5);
    ck_assert_uint_eq(l->align, 1);
    ck_assert_uint_eq(l->members[2].offset, 4);
    align_layout_free(l);
    l = lay(c8);
    ck_assert_uint_eq(l->size, 3);
    ck_assert_uint_eq(l->members[2].offset, 2);
    align_layout_free(l);

    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_ARM64), 0);
    l = lay(c7);
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->align, 4);
    ck_assert_uint_eq(l->members[2].offset, 4);
    align_layout_free(l);
    l = lay(c8);
    ck_assert_uint_eq(l->size, 4);
    ck_assert_uint_eq(l->align, 4);
    align_layout_free(l);

    /* i386 like x86-64; arm like arm64 (i686-linux-gnu-gcc under
     * qemu-i386, arm-linux-gnueabihf-gcc under qemu-arm). */
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_386), 0);
    l = lay(c7);
    ck_assert_uint_eq(l->size, 5);
    ck_assert_uint_eq(l->align, 1);
    align_layout_free(l);
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_ARM), 0);
    l = lay(c7);
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->align, 4);
    align_layout_free(l);
}
END_TEST

/* struct { char c; double d; long double ld; }: i386 24/4, d at 4, ld at
 * 12; arm 24/8, d at 8, ld at 16 (the compilers, under qemu). */
START_TEST(c_32bit_double)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "g32");
    add(r, "c", P(ALIGN_C_CHAR));
    add(r, "d", P(ALIGN_C_DOUBLE));
    add(r, "ld", P(ALIGN_C_LDOUBLE));
    align_record_complete(r, -1, -1);
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_386), 0);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 24);
    ck_assert_uint_eq(l->align, 4);
    ck_assert_uint_eq(l->members[1].offset, 4);
    ck_assert_uint_eq(l->members[2].offset, 12);
    align_layout_free(l);
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_ARM), 0);
    l = lay(r);
    ck_assert_uint_eq(l->size, 24);
    ck_assert_uint_eq(l->align, 8);
    ck_assert_uint_eq(l->members[1].offset, 8);
    ck_assert_uint_eq(l->members[2].offset, 16);
    align_layout_free(l);
}
END_TEST

/* struct __attribute__((packed)) c3 { char c; int i; }: 5 bytes align 1.
 * struct __attribute__((packed)) c13 { char c; int i __attribute__((aligned(8))); }:
 * 16 bytes align 8, i at 8 (aligned() survives packed). */
START_TEST(c_packed_and_aligned)
{
    align_type *c3 = align_type_record(g, ALIGN_KIND_STRUCT, "c3");
    align_type_set_packed(c3, 1);
    add(c3, "c", P(ALIGN_C_CHAR));
    add(c3, "i", P(ALIGN_C_INT));
    align_record_complete(c3, -1, -1);
    align_layout *l = lay(c3);
    ck_assert_uint_eq(l->size, 5);
    ck_assert_uint_eq(l->align, 1);
    ck_assert_uint_eq(l->members[1].offset, 1);
    ck_assert_uint_eq(l->padding, 0);
    align_layout_free(l);

    align_type *c13 = align_type_record(g, ALIGN_KIND_STRUCT, "c13");
    align_type_set_packed(c13, 1);
    add(c13, "c", P(ALIGN_C_CHAR));
    align_field_spec s = align_field_spec_init();
    s.name = "i";
    s.type = P(ALIGN_C_INT);
    s.aligned = 8;
    ck_assert_int_eq(align_record_add_field(g, c13, &s), 0);
    align_record_complete(c13, -1, -1);
    l = lay(c13);
    ck_assert_uint_eq(l->size, 16);
    ck_assert_uint_eq(l->align, 8);
    ck_assert_uint_eq(l->members[1].offset, 8);
    align_layout_free(l);
}
END_TEST

/* struct c4 { char c; int i __attribute__((aligned(16))); }: 32/16, i@16. */
START_TEST(c_aligned_member)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "c4");
    add(r, "c", P(ALIGN_C_CHAR));
    align_field_spec s = align_field_spec_init();
    s.name = "i";
    s.type = P(ALIGN_C_INT);
    s.aligned = 16;
    ck_assert_int_eq(align_record_add_field(g, r, &s), 0);
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 32);
    ck_assert_uint_eq(l->align, 16);
    ck_assert_uint_eq(l->members[1].offset, 16);
    align_layout_free(l);
}
END_TEST

/* struct c5 { int n; char c; double d[]; }: 8 bytes align 8, d at 8; the
 * flexible array stays last in the suggested order. */
START_TEST(c_flexible_array)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "c5");
    add(r, "n", P(ALIGN_C_INT));
    add(r, "c", P(ALIGN_C_CHAR));
    add(r, "d", align_type_array(g, P(ALIGN_C_DOUBLE), ALIGN_FLEXIBLE));
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->align, 8);
    ck_assert_uint_eq(l->members[2].offset, 8);
    ck_assert(l->members[2].flags & ALIGN_MEMBER_FLEXIBLE);
    ck_assert_uint_eq(l->optimal_order[2], 2);
    align_layout_free(l);
}
END_TEST

/* union c6 { char c; double d; int a:3; }: 8 bytes align 8. */
START_TEST(c_union)
{
    align_type *r = align_type_record(g, ALIGN_KIND_UNION, "c6");
    add(r, "c", P(ALIGN_C_CHAR));
    add(r, "d", P(ALIGN_C_DOUBLE));
    add_bits(r, "a", P(ALIGN_C_INT), 3);
    align_record_complete(r, -1, -1);
    align_layout *l = lay(r);
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->align, 8);
    ck_assert_uint_eq(l->tail_padding, 0);
    ck_assert_uint_eq(l->optimal_size, 8);
    align_layout_free(l);
}
END_TEST

START_TEST(c_bitfield_errors)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "w");
    add_bits(r, "x", P(ALIGN_C_CHAR), 9);
    align_record_complete(r, -1, -1);
    align_layout *l = NULL;
    ck_assert_int_eq(align_layout_compute(&l, g, r, NULL), ALIGN_EBITFIELD);
    ck_assert_ptr_nonnull(strstr(align_error_last()->message, "wider"));
    align_type *r2 = align_type_record(g, ALIGN_KIND_STRUCT, "f");
    add_bits(r2, "x", P(ALIGN_C_DOUBLE), 3);
    align_record_complete(r2, -1, -1);
    ck_assert_int_eq(align_layout_compute(&l, g, r2, NULL), ALIGN_EBITFIELD);
}
END_TEST

START_TEST(c_incomplete)
{
    align_type *fwd = align_type_record(g, ALIGN_KIND_STRUCT, "fwd");
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "user");
    add(r, "p", align_type_pointer(g, fwd));
    add(r, "v", fwd);
    align_record_complete(r, -1, -1);
    align_layout *l = NULL;
    ck_assert_int_eq(align_layout_compute(&l, g, r, NULL), ALIGN_EINCOMPLETE);
    ck_assert_ptr_nonnull(strstr(align_error_last()->message, "struct fwd"));
}
END_TEST

/* Given positions (DWARF) that the model reproduces, and one it does not. */
START_TEST(c_given_cross_check)
{
    align_type *r = align_type_record(g, ALIGN_KIND_STRUCT, "c1");
    align_field_spec s = align_field_spec_init();
    s.name = "c";
    s.type = P(ALIGN_C_CHAR);
    s.given_bit_offset = 0;
    align_record_add_field(g, r, &s);
    s.name = "i";
    s.type = P(ALIGN_C_INT);
    s.given_bit_offset = 32;
    align_record_add_field(g, r, &s);
    align_record_complete(r, 8, -1);
    align_layout_opts o = {ALIGN_LAYOUT_GIVEN, 0};
    align_layout *l = NULL;
    ck_assert_int_eq(align_layout_compute(&l, g, r, &o), 0);
    ck_assert_int_eq(l->model_agrees, 1);
    align_layout_free(l);

    /* The same members packed by the compiler: the model disagrees. */
    align_type *p = align_type_record(g, ALIGN_KIND_STRUCT, "c3");
    s.name = "c";
    s.type = P(ALIGN_C_CHAR);
    s.given_bit_offset = 0;
    align_record_add_field(g, p, &s);
    s.name = "i";
    s.type = P(ALIGN_C_INT);
    s.given_bit_offset = 8;
    align_record_add_field(g, p, &s);
    align_record_complete(p, 5, -1);
    ck_assert_int_eq(align_layout_compute(&l, g, p, &o), 0);
    ck_assert_int_eq(l->model_agrees, 0);
    ck_assert_uint_eq(l->size, 5);
    ck_assert_uint_eq(l->members[1].offset, 1);
    ck_assert_ptr_nonnull(strstr(l->mismatch, "member i"));
    align_layout_free(l);
}
END_TEST

/* ---------------------------------------------------------------- counts */

START_TEST(count_parse_forms)
{
    uint64_t n;
    ck_assert_int_eq(align_count_parse(&n, "100000000"), 0);
    ck_assert_uint_eq(n, 100000000);
    ck_assert_int_eq(align_count_parse(&n, "100_000_000"), 0);
    ck_assert_uint_eq(n, 100000000);
    ck_assert_int_eq(align_count_parse(&n, "100M"), 0);
    ck_assert_uint_eq(n, 100000000);
    ck_assert_int_eq(align_count_parse(&n, "1.5G"), 0);
    ck_assert_uint_eq(n, 1500000000);
    ck_assert_int_eq(align_count_parse(&n, "64K"), 0);
    ck_assert_uint_eq(n, 64000);
    ck_assert_int_eq(align_count_parse(&n, "2Ki"), 0);
    ck_assert_uint_eq(n, 2048);
    ck_assert_int_eq(align_count_parse(&n, "18446744073709551615"), 0);
    ck_assert_uint_eq(n, UINT64_MAX);
}
END_TEST

START_TEST(count_parse_errors)
{
    uint64_t n;
    const char *bad[] = {"",   "M",     "abc", "1.5", "10X",     "1__0", "_1", "1_",
                         "-5", "1.2.3", "1.",  ".5K", "1.0001K", " 5",   "5 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(align_count_parse(&n, bad[i]) == ALIGN_EINVAL, "accepted '%s'", bad[i]);
    ck_assert_int_eq(align_count_parse(&n, "18446744073709551616"), ALIGN_EOVERFLOW);
    ck_assert_int_eq(align_count_parse(&n, "20000000T"), ALIGN_EOVERFLOW);
}
END_TEST

START_TEST(cost_and_units)
{
    char buf[64];
    align_cost c;
    align_layout *l = lay(bad_struct());
    ck_assert_int_eq(align_cost_compute(&c, l, 100000000), 0);
    ck_assert_uint_eq(c.bytes_now, 2400000000ull);
    ck_assert_uint_eq(c.bytes_optimal, 1600000000ull);
    ck_assert_uint_eq(c.bytes_saved, 800000000ull);
    /* 2.4e9 B = 2.235 GiB, 1.6e9 B = 1.490 GiB, 8e8 B = 762.9 MiB. */
    align_format_bytes(buf, sizeof buf, c.bytes_now);
    ck_assert_str_eq(buf, "2.24 GiB");
    align_format_bytes(buf, sizeof buf, c.bytes_optimal);
    ck_assert_str_eq(buf, "1.49 GiB");
    align_format_bytes(buf, sizeof buf, c.bytes_saved);
    ck_assert_str_eq(buf, "763 MiB");
    align_format_bytes(buf, sizeof buf, 56);
    ck_assert_str_eq(buf, "56 bytes");
    align_format_count(buf, sizeof buf, 100000000);
    ck_assert_str_eq(buf, "100M");
    align_format_count(buf, sizeof buf, 1500000000);
    ck_assert_str_eq(buf, "1.5G");
    align_format_count(buf, sizeof buf, 1234567);
    ck_assert_str_eq(buf, "1234567");
    ck_assert_int_eq(align_cost_compute(&c, l, UINT64_MAX / 8), ALIGN_EOVERFLOW);
    align_layout_free(l);
}
END_TEST

/* ------------------------------------------------------------- renderers */

START_TEST(render_text_and_json)
{
    align_buf b;
    align_cost c;
    align_layout *l = lay(bad_struct());
    align_render_opts o = {0, 1, &c, 1, 0, NULL};
    align_cost_compute(&c, l, 100000000);
    align_buf_init(&b);
    align_render_text(&b, l, &o);
    ck_assert(!b.failed);
    ck_assert_ptr_nonnull(strstr(b.data, "/* XXX   7-byte hole */"));
    ck_assert_ptr_nonnull(strstr(b.data, "/* XXX   7-byte padding */"));
    ck_assert_ptr_nonnull(
        strstr(b.data, "100M instances: 2.24 GiB now, 1.49 GiB optimal, 763 MiB saved"));
    ck_assert_ptr_nonnull(strstr(b.data, "type BadStruct struct {\n\tCounter int64\n"));
    align_buf_free(&b);
    align_buf_init(&b);
    align_render_json(&b, l, &c);
    ck_assert_ptr_nonnull(strstr(b.data, "\"size\":24,\"align\":8"));
    ck_assert_ptr_nonnull(strstr(b.data, "\"optimal_order\":[\"Counter\",\"Flag\",\"Active\"]"));
    ck_assert_ptr_nonnull(strstr(b.data, "\"bytes_saved\":800000000"));
    align_buf_free(&b);
    align_layout_free(l);
}
END_TEST

START_TEST(json_string_escapes)
{
    align_buf b;
    align_buf_init(&b);
    align_buf_json_string(&b, "a\"b\\c\n\x01\xff\xc3\xa9");
    ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc3\xa9\"");
    align_buf_free(&b);
}
END_TEST

/* The members writer: a comma before every member but an object's first,
 * also across calls and in a reopened object; each kind's text; NULL as
 * null; keys escaped like strings. */
START_TEST(json_members_commas_kinds)
{
    align_buf b;
    align_buf_init(&b);
    align_buf_puts(&b, "[{");
    ALIGN_JSON_MEMBERS(&b, ALIGN_JSTR("s", "a\"b"), ALIGN_JU64("u", UINT64_MAX),
                       ALIGN_JI64("i", INT64_MIN), ALIGN_JBOOL("t", 2), ALIGN_JBOOL("f", 0));
    ALIGN_JSON_MEMBERS(&b, ALIGN_JSTR("n", NULL));
    align_buf_json_key(&b, "k\n");
    align_buf_puts(&b, "[]}");
    b.len--; /* reopen the object */
    ALIGN_JSON_MEMBERS(&b, ALIGN_JI64("m", -1));
    align_buf_puts(&b, "},{");
    ALIGN_JSON_MEMBERS(&b, ALIGN_JU64("z", 0));
    align_buf_puts(&b, "}]");
    ck_assert_str_eq(b.data, "[{\"s\":\"a\\\"b\",\"u\":18446744073709551615,"
                             "\"i\":-9223372036854775808,\"t\":true,\"f\":false,"
                             "\"n\":null,\"k\\n\":[],\"m\":-1},{\"z\":0}]");
    ck_assert_int_eq(b.failed, 0);
    align_buf_free(&b);
    /* an empty buffer: the first key has no comma */
    align_buf_init(&b);
    align_buf_json_key(&b, "x");
    ck_assert_str_eq(b.data, "\"x\":");
    align_buf_free(&b);
}
END_TEST

/* ------------------------------------------------ the search, exhaustively */

/* The optimizer's search (a bounded walk over orders of units, optimize.c)
 * must find the smallest size among all orders of the record's units.  The
 * reference here is the plain one: every order of the units declared as a
 * record of its own and laid out without the optimizer, the smallest size
 * kept.  The layout engine itself is held to gcc by difftest; this holds the
 * search to the engine, on random C records with bit-field runs (the case
 * the lower bound alone cannot settle), aligned(N) members and packed
 * records. */
typedef struct rnd_member {
    align_prim prim;
    uint32_t bits; /* bit-field width; 0 with is_bf: zero-width */
    int is_bf;
    uint32_t aligned;
    char name[8];
} rnd_member;

static uint64_t rnd_state = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (unsigned)(rnd_state % n);
}

static align_type *rnd_record(const rnd_member *m, size_t n, const size_t *order, int packed)
{
    align_type *rec = align_type_record(g, ALIGN_KIND_STRUCT, NULL);
    ck_assert_ptr_nonnull(rec);
    if (packed)
        align_type_set_packed(rec, 1);
    for (size_t k = 0; k < n; k++) {
        const rnd_member *x = &m[order ? order[k] : k];
        align_field_spec s = align_field_spec_init();
        s.name = x->name;
        s.type = P(x->prim);
        s.is_bitfield = x->is_bf;
        s.bit_size = x->bits;
        s.aligned = x->aligned;
        ck_assert_int_eq(align_record_add_field(g, rec, &s), 0);
    }
    align_record_complete(rec, -1, -1);
    return rec;
}

static uint64_t size_of_order(const rnd_member *m, size_t n, const size_t *order, int packed)
{
    align_layout_opts o = {0};
    align_layout *l = NULL;
    uint64_t size;
    o.flags = ALIGN_LAYOUT_NO_OPTIMIZE;
    ck_assert_int_eq(align_layout_compute(&l, g, rnd_record(m, n, order, packed), &o), 0);
    size = l->size;
    align_layout_free(l);
    return size;
}

/* Every order of the units [k, nunits) after the fixed prefix; keeps the
 * smallest size in *min. */
static void every_order(const rnd_member *m, size_t n, size_t (*unit)[2], size_t k, size_t nunits,
                        int packed, uint64_t *min)
{
    if (k == nunits) {
        size_t order[16], len = 0;
        for (size_t u = 0; u < nunits; u++)
            for (size_t j = 0; j < unit[u][1]; j++)
                order[len++] = unit[u][0] + j;
        uint64_t size = size_of_order(m, n, order, packed);
        if (size < *min)
            *min = size;
        return;
    }
    for (size_t i = k; i < nunits; i++) {
        size_t t[2] = {unit[k][0], unit[k][1]};
        unit[k][0] = unit[i][0];
        unit[k][1] = unit[i][1];
        unit[i][0] = t[0];
        unit[i][1] = t[1];
        every_order(m, n, unit, k + 1, nunits, packed, min);
        unit[i][0] = unit[k][0];
        unit[i][1] = unit[k][1];
        unit[k][0] = t[0];
        unit[k][1] = t[1];
    }
}

START_TEST(c_search_exhaustive)
{
    static const align_prim ordinary[] = {ALIGN_C_CHAR, ALIGN_C_SHORT,  ALIGN_C_INT,
                                          ALIGN_C_LONG, ALIGN_C_DOUBLE, ALIGN_C_CHAR};
    static const align_prim bf[] = {ALIGN_C_UCHAR, ALIGN_C_USHORT, ALIGN_C_UINT, ALIGN_C_INT,
                                    ALIGN_C_ULLONG};
    static const uint32_t bf_bits[] = {8, 16, 32, 32, 64};
    unsigned proven = 0, searched = 0;
    for (int r = 0; r < 100; r++) {
        rnd_member m[16];
        size_t n = 0, unit[16][2], nunits = 0;
        size_t want_units = 2 + rnd(r < 96 ? 5 : 6); /* 2..6, a few of up to 7 */
        int packed = rnd(12) == 0;
        memset(m, 0, sizeof m);
        while (nunits < want_units && n < 14) {
            int run = rnd(2) == 0;
            if (run && nunits > 0 && m[n - 1].is_bf)
                run = 0; /* adjacent runs are one unit: keep them apart */
            unit[nunits][0] = n;
            if (!run) {
                m[n].prim = ordinary[rnd(6)];
                if (rnd(10) == 0)
                    m[n].aligned = 8u << rnd(2);
                snprintf(m[n].name, sizeof m[n].name, "m%zu", n);
                n++;
            } else {
                size_t len = 1 + rnd(3);
                for (size_t j = 0; j < len && n < 14; j++, n++) {
                    unsigned t = rnd(5);
                    m[n].prim = bf[t];
                    m[n].is_bf = 1;
                    m[n].bits = 1 + rnd(bf_bits[t] < 12 ? bf_bits[t] : 12);
                    if (j > 0 && rnd(8) == 0)
                        m[n].bits = 0; /* unnamed, zero-width */
                    else
                        snprintf(m[n].name, sizeof m[n].name, "b%zu", n);
                }
            }
            unit[nunits][1] = n - unit[nunits][0];
            nunits++;
        }
        align_layout *l = lay(rnd_record(m, n, NULL, packed));
        uint64_t min = UINT64_MAX;
        every_order(m, n, unit, 0, nunits, packed, &min);
        ck_assert_msg(l->optimal_size == min,
                      "record %d (%zu units): optimizer says %llu bytes, the best of every "
                      "order is %llu",
                      r, nunits, (unsigned long long)l->optimal_size, (unsigned long long)min);
        ck_assert_uint_eq(size_of_order(m, n, l->optimal_order, packed), l->optimal_size);
        ck_assert_int_eq(l->optimal_proven, 1);
        searched += l->optimal_size < l->size;
        proven++;
        align_layout_free(l);
    }
    ck_assert_uint_eq(proven, 100);
    ck_assert_uint_gt(searched, 10); /* the search had something to find */
}
END_TEST

/* Qualifiers stay in the declarations printed, where C puts them; they
 * change no layout.  The text below compiles with gcc 12 (x86-64) to
 * sizeof 80 and _Alignof 8, the already optimal order (73 bytes of
 * members). */
START_TEST(c_qualified_decl)
{
    align_type *cch = align_type_qualified(g, P(ALIGN_C_CHAR), ALIGN_QUAL_CONST);
    align_type *cp =
        align_type_qualified(g, align_type_pointer(g, P(ALIGN_C_CHAR)), ALIGN_QUAL_CONST);
    align_type *vi = align_type_qualified(g, P(ALIGN_C_INT), ALIGN_QUAL_VOLATILE);
    align_type *cvl = align_type_qualified(
        g, align_type_qualified(g, P(ALIGN_C_LONG), ALIGN_QUAL_VOLATILE), ALIGN_QUAL_CONST);
    align_type *fn = align_type_func(g);
    align_type *rec = align_type_record(g, ALIGN_KIND_STRUCT, "q");
    align_type *anon = align_type_record(g, ALIGN_KIND_STRUCT, NULL);
    align_layout *l;
    align_buf b;
    uint64_t size, pd;
    uint32_t al;

    align_type_set_display(g, fn, "int (*)(const char *, int)");
    ck_assert_str_eq(align_type_display(cch), "const char");
    ck_assert_str_eq(align_type_display(align_type_pointer(g, cch)), "const char *");
    ck_assert_str_eq(align_type_display(cp), "char *const");
    ck_assert_str_eq(align_type_display(cvl), "const volatile long");
    ck_assert_str_eq(
        align_type_display(align_type_qualified(g, align_type_pointer(g, fn), ALIGN_QUAL_CONST)),
        "int (*const)(const char *, int)");
    ck_assert_int_eq(align_type_size(g, cvl, &size, &al, &pd), 0);
    ck_assert_uint_eq(size, 8);
    ck_assert_uint_eq(al, 8);
    ck_assert_uint_eq(align_type_quals(cvl), ALIGN_QUAL_CONST);
    ck_assert_uint_eq(align_type_quals(P(ALIGN_C_INT)), 0);
    ck_assert_ptr_eq(align_type_qualified(g, vi, 0), vi);

    add(anon, "a", P(ALIGN_C_INT));
    add(anon, "b", P(ALIGN_C_CHAR));
    align_record_complete(anon, -1, -1);
    add(rec, "c", P(ALIGN_C_CHAR));
    add(rec, "p", align_type_pointer(g, cch));
    add(rec, "cp", cp);
    add(rec, "x", align_type_array(g, vi, 4));
    add(rec, "cb", align_type_qualified(g, align_type_pointer(g, fn), ALIGN_QUAL_CONST));
    add(rec, "ap", align_type_atomic(g, align_type_pointer(g, P(ALIGN_C_INT))));
    add(rec, "arrp", align_type_pointer(g, align_type_array(g, P(ALIGN_C_INT), 3)));
    add(rec, "in", align_type_array(g, anon, 2));
    align_record_complete(rec, -1, -1);
    l = lay(rec);
    ck_assert_uint_eq(l->size, 80);
    align_buf_init(&b);
    align_render_decl(&b, l);
    ck_assert(!b.failed);
    ck_assert_str_eq(b.data, "struct q {\n"
                             "    char c;\n"
                             "    const char *p;\n"
                             "    char *const cp;\n"
                             "    volatile int x[4];\n"
                             "    int (*const cb)(const char *, int);\n"
                             "    int *_Atomic ap;\n"
                             "    int (*arrp)[3];\n"
                             "    struct { int a; char b; } in[2];\n"
                             "};\n");
    align_buf_free(&b);
    align_layout_free(l);
}
END_TEST

static Suite *layout_suite(void)
{
    Suite *s = suite_create("layout");
    TCase *go = tcase_create("go");
    tcase_add_checked_fixture(go, setup_go, teardown);
    tcase_add_test(go, go_bad_struct);
    tcase_add_test(go, go_zero_size_tail);
    tcase_add_test(go, go_complex64_align4);
    tcase_add_test(go, go_ptrdata_order);
    tcase_add_test(go, go_array_ptrdata);
    tcase_add_test(go, go_blank_fixed);
    tcase_add_test(go, go_blank_marker_moves);
    tcase_add_test(go, go_blank_keeps_offset);
    tcase_add_test(go, go_recursive_by_value);
    tcase_add_test(go, go_overflow);
    tcase_add_test(go, go_arm64_same);
    tcase_add_test(go, go_32bit_int64_align4);
    tcase_add_test(go, go_32bit_atomic_nested);
    tcase_add_test(go, go_32bit_atomic_truncated);
    tcase_add_test(go, arch_aliases);
    tcase_add_test(go, cost_and_units);
    tcase_add_test(go, render_text_and_json);
    suite_add_tcase(s, go);
    TCase *c = tcase_create("c");
    tcase_add_checked_fixture(c, setup_c, teardown);
    tcase_add_test(c, c_basic_holes);
    tcase_add_test(c, c_bitfield_straddle);
    tcase_add_test(c, c_packed_bitfields);
    tcase_add_test(c, c_bitfield_long_long);
    tcase_add_test(c, c_unnamed_bitfields_per_arch);
    tcase_add_test(c, c_32bit_double);
    tcase_add_test(c, c_packed_and_aligned);
    tcase_add_test(c, c_aligned_member);
    tcase_add_test(c, c_flexible_array);
    tcase_add_test(c, c_union);
    tcase_add_test(c, c_bitfield_errors);
    tcase_add_test(c, c_incomplete);
    tcase_add_test(c, c_given_cross_check);
    tcase_add_test(c, c_qualified_decl);
    suite_add_tcase(s, c);
    /* every order of 100 records: half a second, more on a loaded machine */
    TCase *search = tcase_create("search");
    tcase_add_checked_fixture(search, setup_c, teardown);
    tcase_set_timeout(search, 60);
    tcase_add_test(search, c_search_exhaustive);
    suite_add_tcase(s, search);
    TCase *n = tcase_create("counts");
    tcase_add_test(n, count_parse_forms);
    tcase_add_test(n, count_parse_errors);
    tcase_add_test(n, json_string_escapes);
    tcase_add_test(n, json_members_commas_kinds);
    suite_add_tcase(s, n);
    return s;
}

int main(void)
{
    return run_suite(layout_suite());
}
