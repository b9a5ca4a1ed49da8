/*
 * test_decl_c.c - the C declaration parser (decl_c.c, decl_c_expr.c) and,
 * through it, the C layout rules (layout.c, abi.c).
 *
 * Every layout number below (sizes, alignments, offsets, bit offsets) was
 * printed by programs compiled with gcc 12 (x86-64) and aarch64-linux-gnu-
 * gcc 12 run under qemu-aarch64: sizeof, _Alignof, offsetof, and for
 * bit-fields the first bit set after assigning -1 to the field of a zeroed
 * struct.  Holes, bit holes and tail padding are those offsets and sizes
 * subtracted.  Where the targets differ the test says so and checks both.
 * None of these numbers came from this library.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h" /* member positions: align_member carries none */
#include "suite.h"

/* ------------------------------------------------------------- helpers */

static align_graph *parse_arch(const char *text, align_arch arch)
{
    align_graph *g = NULL;
    int rc;
    ck_assert_int_eq(align_graph_new(&g, ALIGN_LANG_C, arch), 0);
    rc = align_decl_parse_c(g, "t.h", text, strlen(text));
    ck_assert_msg(rc == 0, "parse failed (%d): %s:%u:%u: %s", rc, align_error_last()->file,
                  align_error_last()->line, align_error_last()->col, align_error_last()->message);
    return g;
}

static align_graph *parse(const char *text)
{
    return parse_arch(text, ALIGN_ARCH_AMD64);
}

static align_type *decl(const align_graph *g, const char *name)
{
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_type *t = align_graph_decl(g, i);
        if (align_type_name(t) != NULL && strcmp(align_type_name(t), name) == 0)
            return t;
    }
    ck_abort_msg("no decl %s", name);
    return NULL;
}

static align_layout *lay(align_graph *g, const char *name)
{
    align_layout *l = NULL;
    int rc = align_layout_compute(&l, g, decl(g, name), NULL);
    ck_assert_msg(rc == 0, "layout of %s failed: %s", name, align_error_last()->message);
    ck_assert_str_eq(l->name, name);
    return l;
}

static const align_member *mem(const align_layout *l, const char *name)
{
    for (size_t i = 0; i < l->nmembers; i++)
        if (strcmp(l->members[i].name, name) == 0)
            return &l->members[i];
    ck_abort_msg("%s has no member %s", l->name, name);
    return NULL;
}

/* Expected members: byte offset, or for bit-fields (bit >= 0) the absolute
 * bit offset and width. */
typedef struct mexp {
    const char *name;
    long long off;
    long long bit;
    unsigned width;
} mexp;

#define M(n, o)                                                                                    \
    {                                                                                              \
        n, o, -1, 0                                                                                \
    }
#define BF(n, b, w)                                                                                \
    {                                                                                              \
        n, -1, b, w                                                                                \
    }

static void check_members(const align_layout *l, const mexp *e)
{
    for (; e->name != NULL; e++) {
        const align_member *m = mem(l, e->name);
        if (e->bit >= 0) {
            ck_assert_msg(m->flags & ALIGN_MEMBER_BITFIELD, "%s.%s is a bit-field", l->name,
                          e->name);
            ck_assert_msg(m->bit_offset == (uint64_t)e->bit, "%s.%s at bit %llu, expected %lld",
                          l->name, e->name, (unsigned long long)m->bit_offset, e->bit);
            ck_assert_uint_eq(m->bit_size, e->width);
            ck_assert_uint_eq(m->offset, (uint64_t)e->bit / 8);
        } else {
            ck_assert_msg(m->offset == (uint64_t)e->off, "%s.%s at %llu, expected %lld", l->name,
                          e->name, (unsigned long long)m->offset, e->off);
        }
    }
}

/* Lays out `name` from `text` for one target and checks it. */
static void check_arch(const char *text, align_arch arch, const char *name, uint64_t size,
                       uint32_t align, const mexp *e)
{
    align_graph *g = parse_arch(text, arch);
    align_layout *l = lay(g, name);
    ck_assert_msg(l->size == size && l->align == align,
                  "%s on %s: size %llu align %u, expected %llu %u", name, align_arch_name(arch),
                  (unsigned long long)l->size, l->align, (unsigned long long)size, align);
    check_members(l, e);
    align_layout_free(l);
    align_graph_free(g);
}

/* The same numbers on amd64 and arm64. */
static void check_both(const char *text, const char *name, uint64_t size, uint32_t align,
                       const mexp *e)
{
    check_arch(text, ALIGN_ARCH_AMD64, name, size, align, e);
    check_arch(text, ALIGN_ARCH_ARM64, name, size, align, e);
}

/* Line and column (1-based) of the first `needle` in text. */
static void pos_of(const char *text, const char *needle, unsigned *line, unsigned *col)
{
    const char *at = strstr(text, needle), *l = text;
    ck_assert_ptr_nonnull(at);
    *line = 1;
    for (const char *c = text; c < at; c++)
        if (*c == '\n') {
            ++*line;
            l = c + 1;
        }
    *col = (unsigned)(at - l) + 1;
}

static void check_error_n(const char *text, size_t len, int code, unsigned line, unsigned col,
                          const char *message)
{
    align_graph *g = NULL;
    const align_error *e;
    int rc;
    ck_assert_int_eq(align_graph_new(&g, ALIGN_LANG_C, ALIGN_ARCH_AMD64), 0);
    rc = align_decl_parse_c(g, "e.h", text, len);
    e = align_error_last();
    ck_assert_msg(rc == code, "%.60s: got %d (%s:%u:%u: %s), expected %d", text, rc, e->file,
                  e->line, e->col, e->message, code);
    ck_assert_int_eq(e->code, code);
    ck_assert_str_eq(e->file, "e.h");
    ck_assert_msg(e->line == line && e->col == col, "%.60s: error at %u:%u (%s), expected %u:%u",
                  text, e->line, e->col, e->message, line, col);
    ck_assert_msg(strstr(e->message, message) != NULL, "%.60s: message '%s' lacks '%s'", text,
                  e->message, message);
    align_graph_free(g);
}

static void check_error(const char *text, int code, unsigned line, unsigned col,
                        const char *message)
{
    check_error_n(text, strlen(text), code, line, col, message);
}

/* The error is at the first occurrence of `at` in the text. */
static void check_error_at(const char *text, int code, const char *at, const char *message)
{
    unsigned line, col;
    pos_of(text, at, &line, &col);
    check_error(text, code, line, col, message);
}

/* ------------------------------------------------------------- core */

START_TEST(basic_layout)
{
    static const char text[] = "struct basic { char c; int i; short s; };";
    static const mexp e[] = {M("c", 0), M("i", 4), M("s", 8), {NULL, 0, 0, 0}};
    align_graph *g = parse(text);
    align_layout *l = lay(g, "basic");
    ck_assert_int_eq(align_graph_lang(g), ALIGN_LANG_C);
    ck_assert_uint_eq(l->size, 12);
    ck_assert_uint_eq(l->align, 4);
    ck_assert_int_eq(l->kind, ALIGN_KIND_STRUCT);
    check_members(l, e);
    ck_assert_uint_eq(l->nholes, 1); /* c ends at 1, i starts at 4 */
    ck_assert_uint_eq(l->holes[0].offset, 1);
    ck_assert_uint_eq(l->holes[0].size, 3);
    ck_assert_uint_eq(l->tail_padding, 2); /* s ends at 10 of 12 */
    ck_assert_uint_eq(l->padding, 5);
    ck_assert_uint_eq(l->nbit_holes, 0);
    ck_assert_uint_eq(mem(l, "i")->size, 4);
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "basic", 12, 4, e);
}
END_TEST

START_TEST(decls_in_order)
{
    static const char text[] = "struct fwd;\n"
                               "struct decls_a { struct decls_b { int x; } b; char c; };\n"
                               "typedef struct { char c; double d; } decls_t;\n"
                               "union du { int i; struct fwd *p; };\n"
                               "struct { int anon_var; } var;\n"
                               "enum not_a_decl { NAD };\n";
    static const mexp ea[] = {M("b", 0), M("c", 4), {NULL, 0, 0, 0}};
    static const mexp et[] = {M("c", 0), M("d", 8), {NULL, 0, 0, 0}};
    align_graph *g = parse(text);
    align_layout *l;
    unsigned line, col;
    align_srcpos pos;
    /* Tagged records (nested ones too: file scope in C), the typedef-named
     * one as "decls_t", and an untagged one defined at file scope. */
    ck_assert_uint_eq(align_graph_ndecls(g), 5);
    ck_assert_str_eq(align_type_name(align_graph_decl(g, 0)), "decls_a");
    ck_assert_str_eq(align_type_name(align_graph_decl(g, 1)), "decls_b");
    ck_assert_str_eq(align_type_name(align_graph_decl(g, 2)), "decls_t");
    ck_assert_str_eq(align_type_name(align_graph_decl(g, 3)), "du");
    ck_assert_ptr_null(align_type_name(align_graph_decl(g, 4)));
    ck_assert_str_eq(align_type_display(align_graph_decl(g, 2)), "decls_t");
    ck_assert_str_eq(align_type_display(align_graph_decl(g, 3)), "union du");
    pos = align_type_pos(decl(g, "decls_b"));
    pos_of(text, "decls_b", &line, &col);
    ck_assert_str_eq(pos.file, "t.h");
    ck_assert_uint_eq(pos.line, line);
    ck_assert_uint_eq(pos.col, col);
    l = lay(g, "decls_a"); /* gcc: 8/4, b at 0, c at 4 */
    ck_assert_uint_eq(l->size, 8);
    check_members(l, ea);
    ck_assert_str_eq(mem(l, "b")->type_name, "struct decls_b");
    pos_of(text, "c; }", &line, &col);
    ck_assert_str_eq(l->type->fields[1].pos.file, "t.h");
    ck_assert_uint_eq(l->type->fields[1].pos.line, line);
    ck_assert_uint_eq(l->type->fields[1].pos.col, col);
    align_layout_free(l);
    l = lay(g, "decls_t"); /* gcc: 16/8 */
    ck_assert_uint_eq(l->size, 16);
    ck_assert_uint_eq(l->align, 8);
    check_members(l, et);
    align_layout_free(l);
    ck_assert_int_eq(align_layout_compute(&l, g, align_graph_decl(g, 4), NULL), 0);
    ck_assert_str_eq(l->name, "struct {...}");
    ck_assert_uint_eq(l->size, 4);
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

START_TEST(declarators_and_text)
{
    static const char text[] = "struct ptrs {\n"
                               "    int a, *b, c[4];\n"
                               "    void (*fn)(int, char *);\n"
                               "    int (*(*fpa)[3])(void);\n"
                               "    int (*pa)[4];\n"
                               "    struct ptrs *next;\n"
                               "    unsigned char buf[16];\n"
                               "    char **pp;\n"
                               "};";
    static const mexp e[] = {M("a", 0),    M("b", 8),      M("c", 16),    M("fn", 32),
                             M("fpa", 40), M("pa", 48),    M("next", 56), M("buf", 64),
                             M("pp", 80),  {NULL, 0, 0, 0}};
    static const char *const shown[][3] = {
        {"a", "int", "int a"},
        {"b", "int *", "int *b"},
        {"c", "int [4]", "int c[4]"},
        {"fn", "void (*)(int, char *)", "void (*fn)(int, char *)"},
        {"fpa", "int (*(*)[3])(void)", "int (*(*fpa)[3])(void)"},
        {"pa", "int (*)[4]", "int (*pa)[4]"},
        {"next", "struct ptrs *", "struct ptrs *next"},
        {"buf", "unsigned char [16]", "unsigned char buf[16]"},
        {"pp", "char **", "char **pp"},
    };
    align_graph *g = parse(text);
    align_layout *l = lay(g, "ptrs");
    const align_type *t;
    ck_assert_uint_eq(l->size, 88); /* gcc: 88/8 on both */
    ck_assert_uint_eq(l->align, 8);
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        ck_assert_str_eq(mem(l, shown[i][0])->type_name, shown[i][1]);
        ck_assert_str_eq(mem(l, shown[i][0])->decl_text, shown[i][2]);
    }
    t = align_type_resolve(mem(l, "fpa")->type); /* pointer to array of pointers to function */
    ck_assert_int_eq(align_type_kind(t), ALIGN_KIND_POINTER);
    t = align_type_target(t);
    ck_assert_int_eq(align_type_kind(t), ALIGN_KIND_ARRAY);
    ck_assert_uint_eq(align_type_count(t), 3);
    t = align_type_target(t);
    ck_assert_int_eq(align_type_kind(t), ALIGN_KIND_POINTER);
    ck_assert_int_eq(align_type_kind(align_type_target(t)), ALIGN_KIND_FUNC);
    ck_assert_uint_eq(mem(l, "c")->size, 16);
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "ptrs", 88, 8, e);
}
END_TEST

START_TEST(decl_text_one_line)
{
    /* As written, each on one line and standing alone: comments, newlines
     * and directives between tokens become one space. */
    static const char text[] = "struct dt {\n"
                               "    unsigned int flag : 1,\n"
                               "                 : 2, /* spare */ mode:3;\n"
                               "    char name[16] __attribute__((aligned(8)));\n"
                               "    const char *\n"
                               "#ifdef X\n"
                               "        label;\n"
                               "    union { int i; float f; };\n"
                               "    __attribute__((packed)) long l;\n"
                               "};";
    align_graph *g = parse(text);
    align_layout *l = lay(g, "dt");
    ck_assert_str_eq(mem(l, "flag")->decl_text, "unsigned int flag : 1");
    ck_assert_str_eq(l->members[1].decl_text, "unsigned int : 2");
    ck_assert_str_eq(mem(l, "mode")->decl_text, "unsigned int mode:3");
    ck_assert_str_eq(mem(l, "name")->decl_text, "char name[16] __attribute__((aligned(8)))");
    ck_assert_str_eq(mem(l, "label")->decl_text, "const char * label");
    ck_assert_str_eq(mem(l, "label")->type_name, "char *");
    ck_assert_str_eq(l->members[5].decl_text, "union { int i; float f; }");
    ck_assert_str_eq(l->members[5].type_name, "union {...}");
    ck_assert_str_eq(mem(l, "l")->decl_text, "__attribute__((packed)) long l");
    ck_assert_str_eq(mem(l, "name")->type_name, "char [16]");
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

/* ------------------------------------------------------- specifiers */

START_TEST(type_specifiers)
{
    static const char text[] =
        "struct specs { long long unsigned int a; char b; signed char c; long int d;\n"
        "  short unsigned e; unsigned f; signed g; long double h; double long i;\n"
        "  int long long j; unsigned char k; _Bool l; const volatile int m; float n;\n"
        "  double o; short int q; unsigned long r; char s2; __int128 t;\n"
        "  unsigned __int128 u; float _Complex v; double _Complex w;\n"
        "  long double _Complex x; _Complex y; };";
    /* gcc, the same on both targets: long double and __int128 are 16/16. */
    static const mexp e[] = {M("a", 0),   M("b", 8),   M("c", 9),    M("d", 16),  M("e", 24),
                             M("f", 28),  M("g", 32),  M("h", 48),   M("i", 64),  M("j", 80),
                             M("k", 88),  M("l", 89),  M("m", 92),   M("n", 96),  M("o", 104),
                             M("q", 112), M("r", 120), M("s2", 128), M("t", 144), M("u", 160),
                             M("v", 176), M("w", 184), M("x", 208),  M("y", 240), {NULL, 0, 0, 0}};
    static const char *const names[][2] = {
        {"a", "unsigned long long"},
        {"c", "signed char"},
        {"d", "long"},
        {"e", "unsigned short"},
        {"f", "unsigned int"},
        {"g", "int"},
        {"h", "long double"},
        {"i", "long double"},
        {"j", "long long"},
        {"l", "_Bool"},
        {"m", "int"},
        {"t", "__int128"},
        {"u", "unsigned __int128"},
        {"v", "float _Complex"},
        {"x", "long double _Complex"},
        {"y", "double _Complex"},
    };
    align_graph *g = parse(text);
    align_layout *l = lay(g, "specs");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_str_eq(mem(l, names[i][0])->type_name, names[i][1]);
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "specs", 256, 16, e);
}
END_TEST

START_TEST(qualifiers_ignored)
{
    static const char text[] =
        "struct q { const char *restrict a; volatile long b; char * const __restrict c;\n"
        "  __extension__ unsigned long long d; _Atomic(char) e; const volatile _Bool f; };";
    static const mexp e[] = {M("a", 0),  M("b", 8),  M("c", 16),     M("d", 24),
                             M("e", 32), M("f", 33), {NULL, 0, 0, 0}}; /* gcc, both */
    align_graph *g = parse(text);
    align_layout *l = lay(g, "q");
    ck_assert_str_eq(mem(l, "a")->type_name, "char *");
    ck_assert_str_eq(mem(l, "c")->decl_text, "char * const __restrict c");
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "q", 40, 8, e);
}
END_TEST

START_TEST(predeclared_typedefs)
{
    static const char text[] =
        "struct predecl { int8_t a; uint8_t b; int16_t c; uint16_t d; int32_t e; uint32_t f;\n"
        "  int64_t g; uint64_t h; intptr_t i; uintptr_t j; size_t k; ssize_t l; ptrdiff_t m;\n"
        "  wchar_t n; char16_t o; char32_t p2; off_t q; pid_t r; uid_t s2; gid_t t; time_t u;\n"
        "  __int128_t v; __uint128_t w; bool x; intmax_t y; uint_fast16_t z; int_least16_t z2; };";
    /* gcc with <stdint.h>, <sys/types.h>, <uchar.h>, <wchar.h>, <stdbool.h>. */
    static const mexp e[] = {M("a", 0),   M("b", 1),    M("c", 2),      M("d", 4),    M("e", 8),
                             M("f", 12),  M("g", 16),   M("h", 24),     M("i", 32),   M("j", 40),
                             M("k", 48),  M("l", 56),   M("m", 64),     M("n", 72),   M("o", 76),
                             M("p2", 80), M("q", 88),   M("r", 96),     M("s2", 100), M("t", 104),
                             M("u", 112), M("v", 128),  M("w", 144),    M("x", 160),  M("y", 168),
                             M("z", 176), M("z2", 184), {NULL, 0, 0, 0}};
    static const mexp er[] = {M("a", 0), M("b", 1), {NULL, 0, 0, 0}};
    align_graph *g = parse(text);
    align_layout *l = lay(g, "predecl");
    ck_assert_str_eq(mem(l, "k")->type_name, "size_t");
    ck_assert_str_eq(mem(l, "x")->type_name, "bool");
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "predecl", 192, 16, e);
    /* A typedef in the input replaces a predeclared name. */
    check_both("typedef char size_t; struct r { size_t a; char b; };", "r", 2, 1, er);
}
END_TEST

START_TEST(enums)
{
    static const char text[] =
        "enum e_int { EI_A, EI_B };\n"
        "enum e_neg { EN_A = -1, EN_B };\n"
        "enum e_u32 { EU_A = 0xffffffff };\n"
        "enum e_64 { E64_A = 0x100000000 };\n"
        "enum e_mix { EM_A = -1, EM_B = 0x80000000 };\n"
        "enum __attribute__((packed)) e_p1 { EP1_A, EP1_B = 255 };\n"
        "enum __attribute__((packed)) e_p1s { EP1S_A = -128, EP1S_B = 127 };\n"
        "enum __attribute__((packed)) e_p2 { EP2_A = 256 };\n"
        "enum __attribute__((packed)) e_p4 { EP4_A = 0x10000 };\n"
        "enum __attribute__((packed)) e_p8 { EP8_A = 0x100000000 };\n"
        "enum e_after { EA_A } __attribute__((packed));\n"
        "enum e_expr { EX_A = 2, EX_B, EX_C = EX_B * 4, EX_D = 'A', EX_E = sizeof(long) << 1,\n"
        "              EX_F = -EX_C + 100, };\n"
        "struct enums { char c0; enum e_int a; char c1; enum e_neg b; char c2; enum e_u32 c;\n"
        "  char c3; enum e_64 d; char c4; enum e_mix e; char c5; enum e_p1 f; enum e_p1s g;\n"
        "  char c7; enum e_p2 h; char c8; enum e_p4 i; char c9; enum e_p8 j; char c10;\n"
        "  enum e_after k; enum e_p1 bf1 : 3; enum e_p2 bf2 : 9;\n"
        "  char arr[EX_F]; char arr2[EX_E]; char arr3[EX_D]; };";
    static const mexp e[] = {M("c0", 0),     M("a", 4),         M("c1", 8),        M("b", 12),
                             M("c2", 16),    M("c", 20),        M("c3", 24),       M("d", 32),
                             M("c4", 40),    M("e", 48),        M("c5", 56),       M("f", 57),
                             M("g", 58),     M("c7", 59),       M("h", 60),        M("c8", 62),
                             M("i", 64),     M("c9", 68),       M("j", 72),        M("c10", 80),
                             M("k", 81),     BF("bf1", 656, 3), BF("bf2", 659, 9), M("arr", 84),
                             M("arr2", 172), M("arr3", 188),    {NULL, 0, 0, 0}};
    /* sizeof/_Alignof of each enum type, gcc, both targets. */
    static const struct {
        const char *member;
        uint64_t size;
    } sizes[] = {{"a", 4}, {"b", 4}, {"c", 4}, {"d", 8}, {"e", 8}, {"f", 1},
                 {"g", 1}, {"h", 2}, {"i", 4}, {"j", 8}, {"k", 1}};
    align_graph *g = parse(text);
    align_layout *l = lay(g, "enums");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint64_t size;
        uint32_t align;
        ck_assert_int_eq(align_type_size(g, mem(l, sizes[i].member)->type, &size, &align, NULL), 0);
        ck_assert_uint_eq(size, sizes[i].size);
        ck_assert_uint_eq(align, (uint32_t)sizes[i].size);
    }
    ck_assert_str_eq(mem(l, "a")->type_name, "enum e_int");
    ck_assert_uint_eq(mem(l, "arr")->size, 88);  /* EX_F = -(3 * 4) + 100 */
    ck_assert_uint_eq(mem(l, "arr2")->size, 16); /* sizeof(long) << 1 */
    ck_assert_uint_eq(mem(l, "arr3")->size, 65); /* 'A' */
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "enums", 256, 8, e);
}
END_TEST

START_TEST(typedefs)
{
    static const char text[] =
        "struct tbase { char c; int i; };\n"
        "typedef struct tbase tb_t;\n"
        "typedef struct tbase *tb_ptr;\n"
        "typedef int i4arr[4];\n"
        "typedef void (*handler_t)(int);\n"
        "typedef int fn_t(int);\n"
        "typedef int int_a2 __attribute__((aligned(2)));\n"
        "typedef int int_a8 __attribute__((aligned(8)));\n"
        "typedef __attribute__((aligned(8))) int int_a8b;\n"
        "typedef int __attribute__((aligned(8))) int_a8c;\n"
        "typedef struct tbase tb_low __attribute__((aligned(2)));\n"
        "typedef struct tbase tb_pk __attribute__((packed));\n"
        "typedef struct { char c; int i; } __attribute__((packed)) pk_after_brace;\n"
        "typedef struct { char c; int i; } pk_after_name __attribute__((packed));\n"
        "typedef unsigned long ulong_t, *ulong_p;\n"
        "typedef int int_a8;\n" /* the same again (gcc keeps aligned(8)) */
        "struct tuse { char c0; tb_t a; tb_ptr b; i4arr c; handler_t d; fn_t *e; char c1;\n"
        "  int_a2 f; char c2; int_a8 g; char c3; int_a8b h; char c4; int_a8c i; char c5;\n"
        "  tb_low j; char c6; tb_pk k; char c7; pk_after_brace l; char c8; pk_after_name m;\n"
        "  ulong_t n; ulong_p o; };";
    /* gcc, both targets: aligned(N) on a typedef sets the alignment, lower
     * (int_a2, tb_low) or higher; packed after the typedef name is ignored,
     * after the closing brace it packs the struct. */
    static const mexp e[] = {M("c0", 0),   M("a", 4),   M("b", 16),  M("c", 24),   M("d", 40),
                             M("e", 48),   M("c1", 56), M("f", 58),  M("c2", 62),  M("g", 64),
                             M("c3", 68),  M("h", 72),  M("c4", 76), M("i", 80),   M("c5", 84),
                             M("j", 86),   M("c6", 94), M("k", 96),  M("c7", 104), M("l", 105),
                             M("c8", 110), M("m", 112), M("n", 120), M("o", 128),  {NULL, 0, 0, 0}};
    static const struct {
        const char *member, *display;
        uint64_t size;
        uint32_t align;
    } types[] = {
        {"a", "tb_t", 8, 4},          {"b", "tb_ptr", 8, 8},  {"c", "i4arr", 16, 4},
        {"d", "handler_t", 8, 8},     {"e", "fn_t *", 8, 8},  {"f", "int_a2", 4, 2},
        {"g", "int_a8", 4, 8},        {"h", "int_a8b", 4, 8}, {"i", "int_a8c", 4, 8},
        {"j", "tb_low", 8, 2},        {"k", "tb_pk", 8, 4},   {"l", "pk_after_brace", 5, 1},
        {"m", "pk_after_name", 8, 4}, {"n", "ulong_t", 8, 8}, {"o", "ulong_p", 8, 8}};
    static const mexp eb[] = {M("c", 0), M("i", 1), {NULL, 0, 0, 0}};
    align_graph *g = parse(text);
    align_layout *l = lay(g, "tuse");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        uint64_t size;
        uint32_t align;
        const align_member *m = mem(l, types[i].member);
        ck_assert_str_eq(m->type_name, types[i].display);
        ck_assert_int_eq(align_type_size(g, m->type, &size, &align, NULL), 0);
        ck_assert_msg(size == types[i].size && align == types[i].align, "%s: %llu/%u",
                      types[i].display, (unsigned long long)size, align);
    }
    ck_assert_int_eq(align_type_kind(align_type_target(mem(l, "e")->type)), ALIGN_KIND_NAMED);
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "tuse", 136, 8, e);
    check_both(text, "pk_after_brace", 5, 1, eb);
}
END_TEST

/* ------------------------------------------------------- attributes */

START_TEST(attributes)
{
    static const char text[] =
        "struct __attribute__((packed)) a_pk { char c; int i; short s; };\n"
        "struct a_pk2 { char c; int i; short s; } __attribute__((packed));\n"
        "struct __attribute__((aligned(16))) a_al { char c; };\n"
        "struct a_al2 { char c; } __attribute__((__aligned__(32)));\n"
        "struct __attribute__((packed, aligned(4))) a_pkal { char c; int i; char d; };\n"
        "struct a_mem { char c; int i __attribute__((aligned(16))); char d; };\n"
        "struct a_mempk { char c; int i __attribute__((packed)); long l "
        "__attribute__((__packed__)); };\n"
        "struct a_pfx { char c; __attribute__((aligned(8))) int x; char d; __attribute__((packed)) "
        "int y; };\n"
        "struct a_bare { char c; char d __attribute__((aligned)); };\n"
        "struct __attribute__((packed)) a_pk_memal { char c; int x __attribute__((aligned(8)));\n"
        "  char d; int y __attribute__((aligned(2))); };\n"
        "struct a_unknown { char c __attribute__((unused, deprecated(\"x (y)\")));\n"
        "  int i __attribute__((aligned(4), unused)); };\n"
        "struct a_alignas { char c; _Alignas(16) int x; char d; _Alignas(double) char e; char f;\n"
        "  alignas(4) char g; _Alignas(0) short h; };\n"
        "struct a_lower { char c; int x __attribute__((aligned(2))); };\n"
        "struct a_multi { char a; int x __attribute__((aligned(2))) __attribute__((aligned(8))); "
        "};\n";
    /* gcc, both targets (aligned without a number is 16 on both). */
    static const struct {
        const char *name;
        uint64_t size;
        uint32_t align;
        mexp m[8];
    } cases[] = {
        {"a_pk", 7, 1, {M("c", 0), M("i", 1), M("s", 5)}},
        {"a_pk2", 7, 1, {M("c", 0), M("i", 1), M("s", 5)}},
        {"a_al", 16, 16, {M("c", 0)}},
        {"a_al2", 32, 32, {M("c", 0)}},
        {"a_pkal", 8, 4, {M("c", 0), M("i", 1), M("d", 5)}},
        {"a_mem", 32, 16, {M("c", 0), M("i", 16), M("d", 20)}},
        {"a_mempk", 13, 1, {M("c", 0), M("i", 1), M("l", 5)}},
        {"a_pfx", 24, 8, {M("c", 0), M("x", 8), M("d", 12), M("y", 13)}},
        {"a_bare", 32, 16, {M("c", 0), M("d", 16)}},
        {"a_pk_memal", 24, 8, {M("c", 0), M("x", 8), M("d", 12), M("y", 14)}},
        {"a_unknown", 8, 4, {M("c", 0), M("i", 4)}},
        {"a_alignas",
         32,
         16,
         {M("c", 0), M("x", 16), M("d", 20), M("e", 24), M("f", 25), M("g", 28), M("h", 30)}},
        {"a_lower", 8, 4, {M("c", 0), M("x", 4)}},
        {"a_multi", 16, 8, {M("a", 0), M("x", 8)}},
    };
    align_graph *g = parse(text);
    align_layout *l = lay(g, "a_pk_memal");
    ck_assert_uint_eq(mem(l, "x")->align, 8);
    ck_assert_uint_eq(mem(l, "d")->align, 1);
    align_layout_free(l);
    align_graph_free(g);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_both(text, cases[i].name, cases[i].size, cases[i].align, cases[i].m);
}
END_TEST

/* -------------------------------------------------------- bit-fields */

static const char bf_text[] =
    "struct bf_basic { unsigned int a : 3; unsigned int b : 5; unsigned int c : 20; unsigned char "
    "d; };\n"
    "struct bf_strad { char c; int x : 20; int y : 20; };\n"
    "struct bf_strad2 { short s; int x : 17; };\n"
    "struct bf_anon { char c; int : 4; char d; };\n"
    "struct bf_zw { char c; int : 0; char d; };\n"
    "struct bf_zw_ll { char c; long long : 0; char d; };\n"
    "struct bf_named { char c; int x : 4; };\n"
    "struct bf_char { char a : 3; char b : 6; char c : 7; };\n"
    "struct bf_short { short a : 9; short b : 9; };\n"
    "struct bf_ll { char c; long long x : 40; long long y : 30; };\n"
    "struct __attribute__((packed)) bf_pk { char c; int x : 20; int y : 20; };\n"
    "struct bf_pkm { char c; int x : 20 __attribute__((packed)); int y : 20; };\n"
    "union bf_u { char c; int x : 20; };\n"
    "union bf_u_anon { char c; int : 20; };\n"
    "union bf_u_zw { char c; int : 0; };\n"
    "struct bf_only_anon { int : 5; char c; };\n"
    "struct bf_bool { _Bool a : 1; _Bool b : 1; int c; };\n"
    "struct bf_al { char c; int x : 4 __attribute__((aligned(8))); };\n"
    "struct bf_al_anon { char c; int : 4 __attribute__((aligned(8))); char d; };\n"
    "struct __attribute__((packed)) bf_pk_zw { char c; int : 0; char d; };\n"
    "struct bf_i128 { char c; __int128 x : 100; };\n"
    "struct bf_expr { unsigned a : sizeof(int) * 2; unsigned b : (1 << 2) + 1; };\n"
    "struct bf_multi { unsigned char c; unsigned u : 1, : 2, v : 3; };\n"
    "struct bf_order { char c; int x : 24 __attribute__((aligned(2))); };\n"
    "struct bf_zw_al { char c; int : 0 __attribute__((aligned(8))); char d; };\n";

START_TEST(bitfields_common)
{
    /* gcc: identical on amd64 and arm64. */
    static const struct {
        const char *name;
        uint64_t size;
        uint32_t align;
        mexp m[5];
    } cases[] = {
        {"bf_basic", 8, 4, {BF("a", 0, 3), BF("b", 3, 5), BF("c", 8, 20), M("d", 4)}},
        {"bf_strad", 8, 4, {M("c", 0), BF("x", 8, 20), BF("y", 32, 20)}},
        {"bf_strad2", 8, 4, {M("s", 0), BF("x", 32, 17)}},
        {"bf_named", 4, 4, {M("c", 0), BF("x", 8, 4)}},
        {"bf_char", 3, 1, {BF("a", 0, 3), BF("b", 8, 6), BF("c", 16, 7)}},
        {"bf_short", 4, 2, {BF("a", 0, 9), BF("b", 16, 9)}},
        {"bf_ll", 16, 8, {M("c", 0), BF("x", 8, 40), BF("y", 64, 30)}},
        {"bf_pk", 6, 1, {M("c", 0), BF("x", 8, 20), BF("y", 28, 20)}},
        {"bf_pkm", 8, 4, {M("c", 0), BF("x", 8, 20), BF("y", 32, 20)}},
        {"bf_u", 4, 4, {M("c", 0), BF("x", 0, 20)}},
        {"bf_bool", 8, 4, {BF("a", 0, 1), BF("b", 1, 1), M("c", 4)}},
        {"bf_al", 16, 8, {M("c", 0), BF("x", 64, 4)}},
        {"bf_i128", 16, 16, {M("c", 0), BF("x", 8, 100)}},
        {"bf_expr", 4, 4, {BF("a", 0, 8), BF("b", 8, 5)}},
        {"bf_multi", 4, 4, {M("c", 0), BF("u", 8, 1), BF("v", 11, 3)}},
        /* aligned(2) first (bit 16), then the PCC rule: bits 16..39 would
         * span two int units, so bit 32. */
        {"bf_order", 8, 4, {M("c", 0), BF("x", 32, 24)}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_both(bf_text, cases[i].name, cases[i].size, cases[i].align, cases[i].m);
}
END_TEST

START_TEST(bitfields_unnamed_by_target)
{
    /* gcc: unnamed bit-fields (zero-width ones too, even in a packed
     * struct) raise the record's alignment to their type's on arm64
     * (TARGET_ALIGN_ANON_BITFIELD), never on amd64. */
    static const struct {
        const char *name;
        uint64_t size_amd64;
        uint32_t align_amd64;
        uint64_t size_arm64;
        uint32_t align_arm64;
        mexp m[3];
    } cases[] = {
        {"bf_anon", 3, 1, 4, 4, {M("c", 0), M("d", 2)}},
        {"bf_zw", 5, 1, 8, 4, {M("c", 0), M("d", 4)}},
        {"bf_zw_ll", 9, 1, 16, 8, {M("c", 0), M("d", 8)}},
        {"bf_u_anon", 3, 1, 4, 4, {M("c", 0)}},
        {"bf_u_zw", 1, 1, 4, 4, {M("c", 0)}},
        {"bf_only_anon", 2, 1, 4, 4, {M("c", 1)}},
        {"bf_al_anon", 10, 1, 16, 8, {M("c", 0), M("d", 9)}},
        {"bf_pk_zw", 5, 1, 8, 4, {M("c", 0), M("d", 4)}},
        {"bf_zw_al", 9, 1, 16, 8, {M("c", 0), M("d", 8)}}, /* aligned(8) beats int's 4 */
    };
    align_graph *g;
    align_layout *l;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_arch(bf_text, ALIGN_ARCH_AMD64, cases[i].name, cases[i].size_amd64,
                   cases[i].align_amd64, cases[i].m);
        check_arch(bf_text, ALIGN_ARCH_ARM64, cases[i].name, cases[i].size_arm64,
                   cases[i].align_arm64, cases[i].m);
    }
    /* One graph projected onto the other target. */
    g = parse(bf_text);
    l = lay(g, "bf_zw");
    ck_assert_uint_eq(l->size, 5);
    ck_assert_uint_eq(l->nholes, 1); /* c ends at 1, d starts at 4 */
    ck_assert_uint_eq(l->holes[0].offset, 1);
    ck_assert_uint_eq(l->holes[0].size, 3);
    ck_assert_uint_eq(l->tail_padding, 0);
    align_layout_free(l);
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_ARM64), 0);
    l = lay(g, "bf_zw");
    ck_assert_uint_eq(l->size, 8);
    ck_assert_uint_eq(l->tail_padding, 3); /* d ends at 5 of 8 */
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

/* GCC vectors: aligned by the target's vector rule, not like their
 * elements.  Numbers from gcc, aarch64-linux-gnu-gcc, i686-linux-gnu-gcc and
 * arm-linux-gnueabihf-gcc 12 (offsetof/sizeof, run under qemu). */
static const char vec_text[] =
    "typedef float v8sf __attribute__((vector_size(32)));\n"
    "typedef int v2si __attribute__((vector_size(8)));\n"
    "struct V { char c; v8sf v; char d; v2si w; short __attribute__((vector_size(4))) s; };\n"
    "struct F { char c; float f __attribute__((vector_size(8))); };\n";

START_TEST(vectors)
{
    static const struct {
        align_arch arch;
        uint64_t size;
        uint32_t align;
        mexp m[6]; /* ends with {NULL} */
    } cases[] = {
        {ALIGN_ARCH_AMD64, 96, 32, {M("c", 0), M("v", 32), M("d", 64), M("w", 72), M("s", 80)}},
        {ALIGN_ARCH_ARM64, 80, 16, {M("c", 0), M("v", 16), M("d", 48), M("w", 56), M("s", 64)}},
        {ALIGN_ARCH_386, 96, 32, {M("c", 0), M("v", 32), M("d", 64), M("w", 68), M("s", 76)}},
        {ALIGN_ARCH_ARM, 64, 8, {M("c", 0), M("v", 8), M("d", 40), M("w", 48), M("s", 56)}},
    };
    align_graph *g;
    align_layout *l;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_arch(vec_text, cases[i].arch, "V", cases[i].size, cases[i].align, cases[i].m);
    /* An 8-byte float vector stays 8-aligned on i386 (integer ones: 4). */
    check_arch(vec_text, ALIGN_ARCH_386, "F", 16, 8, (mexp[]){M("c", 0), M("f", 8), {NULL}});
    /* Projection re-aligns vectors. */
    g = parse(vec_text);
    ck_assert_int_eq(align_graph_set_arch(g, ALIGN_ARCH_ARM), 0);
    l = lay(g, "V");
    ck_assert_uint_eq(l->size, 64);
    ck_assert_str_eq(mem(l, "s")->type_name, "short __attribute__((vector_size(4)))");
    align_layout_free(l);
    align_graph_free(g);
    /* _Alignas compares with the capped minimum alignment, as GCC does. */
    g = parse("typedef float v8sf __attribute__((vector_size(32)));\n"
              "struct A { char c; _Alignas(16) v8sf v; };\n");
    l = lay(g, "A");
    ck_assert_uint_eq(mem(l, "v")->offset, 32);
    align_layout_free(l);
    align_graph_free(g);
    /* GCC's errors. */
    check_error_at("typedef _Bool vb __attribute__((vector_size(16)));", ALIGN_EINVAL,
                   "vector_size", "invalid vector type for attribute 'vector_size': _Bool");
    check_error_at("struct S { char c; } typedef vs __attribute__((vector_size(16)));",
                   ALIGN_EINVAL, "vector_size", "invalid vector type");
    check_error_at("typedef int v __attribute__((vector_size(6)));", ALIGN_EINVAL, "vector_size",
                   "not an integral multiple of the component size");
    check_error_at("typedef char v __attribute__((vector_size(24)));", ALIGN_EINVAL, "vector_size",
                   "number of vector components 24 is not a power of two");
    check_error_at("typedef char v __attribute__((vector_size(0)));", ALIGN_EINVAL, "vector_size",
                   "vector size 0 is not positive");
}
END_TEST

START_TEST(bitfield_holes)
{
    align_graph *g = parse(bf_text);
    align_layout *l = lay(g, "bf_basic");
    /* c covers bits 8..27, d starts at bit 32: 4 unused bits, then bytes
     * 5..7 of 8 are tail padding. */
    ck_assert_uint_eq(l->nbit_holes, 1);
    ck_assert_uint_eq(l->bit_holes[0].bit_offset, 28);
    ck_assert_uint_eq(l->bit_holes[0].bit_size, 4);
    ck_assert_uint_eq(l->nholes, 0);
    ck_assert_uint_eq(l->tail_padding, 3);
    align_layout_free(l);
    l = lay(g, "bf_strad"); /* x: bits 8..27, y: 32..51, size 8 */
    ck_assert_uint_eq(l->nbit_holes, 2);
    ck_assert_uint_eq(l->bit_holes[0].bit_offset, 28);
    ck_assert_uint_eq(l->bit_holes[0].bit_size, 4);
    ck_assert_uint_eq(l->bit_holes[1].bit_offset, 52);
    ck_assert_uint_eq(l->bit_holes[1].bit_size, 4);
    ck_assert_uint_eq(l->tail_padding, 1);
    align_layout_free(l);
    l = lay(g, "bf_char"); /* a: 0..2, b: 8..13, c: 16..22, size 3 */
    ck_assert_uint_eq(l->nbit_holes, 3);
    ck_assert_uint_eq(l->bit_holes[0].bit_offset, 3);
    ck_assert_uint_eq(l->bit_holes[0].bit_size, 5);
    ck_assert_uint_eq(l->bit_holes[1].bit_offset, 14);
    ck_assert_uint_eq(l->bit_holes[1].bit_size, 2);
    ck_assert_uint_eq(l->bit_holes[2].bit_offset, 23);
    ck_assert_uint_eq(l->bit_holes[2].bit_size, 1);
    ck_assert_uint_eq(l->tail_padding, 0);
    align_layout_free(l);
    l = lay(g, "bf_pk"); /* packed: 8 + 20 + 20 bits fill 6 bytes */
    ck_assert_uint_eq(l->nbit_holes, 0);
    ck_assert_uint_eq(l->padding, 0);
    ck_assert_uint_eq(mem(l, "x")->flags & ALIGN_MEMBER_BITFIELD, ALIGN_MEMBER_BITFIELD);
    ck_assert_uint_eq(l->members[0].flags & ALIGN_MEMBER_BITFIELD, 0);
    align_layout_free(l);
    l = lay(g, "bf_anon");
    ck_assert_uint_eq(l->members[1].flags & ALIGN_MEMBER_ANONYMOUS, ALIGN_MEMBER_ANONYMOUS);
    ck_assert_str_eq(l->members[1].name, "");
    ck_assert_uint_eq(l->members[1].bit_size, 4);
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------ records */

static const char misc_text[] =
    "struct fl { int n; char d[]; };\n"
    "struct fl_l { char c; long d[]; };\n"
    "struct zl { char c; int z[0]; char e; };\n"
    "struct anon_u { char c; union { int i; double d; }; char e; };\n"
    "struct anon_s { char c; struct { char a; int b; }; char z; };\n"
    "struct __attribute__((packed)) anon_pk { char c; struct { char a; int b; }; char z; };\n"
    "struct nest_outer { struct nest_inner { long l; char c; } in; char tail; };\n"
    "struct nest_only_tag { struct nest_tag_only { int x; }; int y; };\n"
    "struct at_s2 { char a[2]; };\n"
    "struct at_s3 { char a[3]; };\n"
    "struct atomics { char c; _Atomic int a; char d; _Atomic struct at_s2 b; char e;\n"
    "  _Atomic(struct at_s2) f; _Atomic struct at_s3 g; _Atomic float _Complex h; };\n"
    "union uu { char c; int i; double d; char big[13]; };\n";

START_TEST(records)
{
    /* gcc, both targets. */
    static const struct {
        const char *name;
        uint64_t size;
        uint32_t align;
        mexp m[9];
    } cases[] = {
        {"fl", 4, 4, {M("n", 0), M("d", 4)}},
        {"fl_l", 8, 8, {M("c", 0), M("d", 8)}},
        {"zl", 8, 4, {M("c", 0), M("z", 4), M("e", 4)}},
        {"anon_u", 24, 8, {M("c", 0), M("e", 16)}},
        {"anon_s", 16, 4, {M("c", 0), M("z", 12)}},
        {"anon_pk", 10, 1, {M("c", 0), M("z", 9)}},
        {"nest_outer", 24, 8, {M("in", 0), M("tail", 16)}},
        {"nest_inner", 16, 8, {M("l", 0), M("c", 8)}},
        {"nest_only_tag", 4, 4, {M("y", 0)}},
        {"nest_tag_only", 4, 4, {M("x", 0)}},
        /* _Atomic: GCC aligns a 2, 4, 8 or 16-byte type to its size. */
        {"atomics",
         32,
         8,
         {M("c", 0), M("a", 4), M("d", 8), M("b", 10), M("e", 12), M("f", 14), M("g", 16),
          M("h", 24)}},
        {"uu", 16, 8, {M("c", 0), M("i", 0), M("d", 0), M("big", 0)}},
    };
    align_graph *g = parse(misc_text);
    align_layout *l = lay(g, "fl");
    ck_assert_uint_eq(mem(l, "d")->flags & ALIGN_MEMBER_FLEXIBLE, ALIGN_MEMBER_FLEXIBLE);
    ck_assert_str_eq(mem(l, "d")->type_name, "char []");
    ck_assert_uint_eq(align_type_count(align_type_resolve(mem(l, "d")->type)), ALIGN_FLEXIBLE);
    align_layout_free(l);
    l = lay(g, "zl");
    ck_assert_uint_eq(mem(l, "z")->flags & ALIGN_MEMBER_FLEXIBLE, 0);
    ck_assert_uint_eq(mem(l, "z")->size, 0);
    ck_assert_uint_eq(l->nholes, 1); /* 1..3 */
    ck_assert_uint_eq(l->tail_padding, 3);
    align_layout_free(l);
    /* The anonymous union sits at 8 (gcc: offsetof(anon_u, i) == 8), its
     * type is the nested record and it is not a decl. */
    l = lay(g, "anon_u");
    ck_assert_uint_eq(l->nmembers, 3);
    ck_assert_str_eq(l->members[1].name, "");
    ck_assert_uint_eq(l->members[1].offset, 8);
    ck_assert_uint_eq(l->members[1].flags & ALIGN_MEMBER_ANONYMOUS, ALIGN_MEMBER_ANONYMOUS);
    ck_assert_int_eq(align_type_kind(l->members[1].type), ALIGN_KIND_UNION);
    align_layout_free(l);
    l = lay(g, "anon_pk"); /* gcc: offsetof(anon_pk, b) == 5: the member is at 1 */
    ck_assert_uint_eq(l->members[1].offset, 1);
    align_layout_free(l);
    l = lay(g, "nest_only_tag"); /* a tagged definition declares no member */
    ck_assert_uint_eq(l->nmembers, 1);
    align_layout_free(l);
    l = lay(g, "atomics");
    ck_assert_str_eq(mem(l, "b")->type_name, "_Atomic struct at_s2");
    ck_assert_str_eq(mem(l, "g")->type_name, "_Atomic struct at_s3"); /* 3 bytes: align 1 */
    align_layout_free(l);
    l = lay(g, "uu");
    ck_assert_int_eq(l->kind, ALIGN_KIND_UNION);
    ck_assert_uint_eq(l->tail_padding, 3);
    align_layout_free(l);
    ck_assert_uint_eq(align_graph_ndecls(g), 14);
    align_graph_free(g);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_both(misc_text, cases[i].name, cases[i].size, cases[i].align, cases[i].m);
}
END_TEST

START_TEST(forward_and_self_reference)
{
    align_graph *g =
        parse("struct node;\n"
              "typedef struct node node_t;\n"
              "struct list { node_t *head; struct node *tail; struct later *l; int n; };\n"
              "struct node { struct node *next; node_t *prev; int v; };\n");
    align_layout *l = lay(g, "list"); /* four pointers' worth: gcc 32/8 */
    ck_assert_uint_eq(l->size, 32);
    ck_assert_str_eq(mem(l, "head")->type_name, "node_t *");
    align_layout_free(l);
    l = lay(g, "node");
    ck_assert_uint_eq(l->size, 24);
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

START_TEST(constant_expressions)
{
    static const char text[] =
        "struct fl { int n; char d[]; };\n"
        "struct exprs { char a[2 + 3 * 4]; char b[(1 << 3) | 1]; char c[~0 + 3]; char d[1 ? 2 : "
        "3];\n"
        "  char e[(unsigned char)300]; char f[10 / 3 % 2 + 7 - 2];\n"
        "  char g[(5 > 3) + (2 <= 2) + (3 == 3) + (1 != 1) + (6 & 3) + (4 ^ 1) + (1 && 0) + (0 || "
        "2)];\n"
        "  char h[_Alignof(double)]; char i[sizeof(struct fl)]; char j['\\n'];\n"
        "  char k[sizeof(int (*)[4]) + sizeof(char[3][5])]; char l[-(-3)];\n"
        "  char m[!0 + 0x10 + 010 + 0b11]; char n[100 >> 3]; };";
    /* gcc: the offsets follow from each array's length. */
    static const mexp e[] = {M("a", 0),   M("b", 14),  M("c", 23),  M("d", 25),  M("e", 27),
                             M("f", 71),  M("g", 77),  M("h", 88),  M("i", 96),  M("j", 100),
                             M("k", 110), M("l", 133), M("m", 136), M("n", 164), {NULL, 0, 0, 0}};
    check_both(text, "exprs", 176, 1, e);
}
END_TEST

START_TEST(whole_file)
{
    /* A C file as it is, #includes and all (checked with gcc: it compiles
     * and prints these numbers on both targets). */
    static const char text[] =
        "#include <stdio.h>\n"
        "#include <pthread.h>\n"
        "  #  define X 1\n"
        "#if 0\n"
        "this isn't C at all '\n"
        "#pragma pack(1)\n"
        "#endif\n"
        "#ifdef __cplusplus\n"
        "extern \"C\" {\n"
        "#endif\n"
        "__BEGIN_DECLS\n"
        "static const int table[] = { 1, 2, 3 };\n"
        "int global = 5, *gp = &global;\n"
        "static int helper(int a, char *b) { if (a) { return b[0]; } return 0; }\n"
        "extern void api(FILE *f, struct opaque *o) __attribute__((nonnull));\n"
        "_Static_assert(sizeof(int) == 4, \"int\");\n"
        "typedef __builtin_va_list my_va_list;\n"
        "struct rec {   /* comment */\n"
        "    FILE *fp;\n"
        "    pthread_mutex_t *lock;\n"
        "    void (*cb)(struct rec *, size_t);\n"
        "    char name[32];\n"
        "    unsigned short flags : 3, : 0, mode : 4;\n"
        "    static_assert(1, \"x\");\n"
        "};\n"
        "double hexf = 0x1.8p3;\n"
        "#define LONG_MACRO a \\\n"
        "    \"b /* c\n"
        "#ifdef __cplusplus\n"
        "}\n"
        "#endif\n"
        "int main(void) { struct rec r = {0}; return helper(0, (char *)&r); }\n";
    static const mexp e[] = {M("fp", 0),          M("lock", 8),       M("cb", 16),    M("name", 24),
                             BF("flags", 448, 3), BF("mode", 464, 4), {NULL, 0, 0, 0}};
    align_graph *g = parse(text);
    align_layout *l = lay(g, "rec");
    ck_assert_uint_eq(align_graph_ndecls(g), 1);
    ck_assert_str_eq(mem(l, "fp")->type_name, "FILE *");
    ck_assert_str_eq(mem(l, "cb")->type_name, "void (*)(struct rec *, size_t)");
    align_layout_free(l);
    align_graph_free(g);
    check_both(text, "rec", 64, 8, e);
}
END_TEST

START_TEST(several_inputs_one_graph)
{
    align_graph *g = NULL;
    align_layout *l;
    const char *a = "typedef struct { int a; } A; enum { K = 6 };";
    const char *b = "struct B { A a; char c[3]; };";
    ck_assert_int_eq(align_graph_new(&g, ALIGN_LANG_C, ALIGN_ARCH_ARM64), 0);
    ck_assert_int_eq(align_decl_parse_c(g, "a.h", a, strlen(a)), 0);
    ck_assert_int_eq(align_decl_parse_c(g, "b.h", b, strlen(b)), 0);
    l = lay(g, "B"); /* gcc: int then char[3]: 8/4 */
    ck_assert_uint_eq(l->size, 8);
    ck_assert_str_eq(align_type_pos(l->type).file, "b.h");
    align_layout_free(l);
    /* Text need not be NUL-terminated; NULL names the input "<input>". */
    ck_assert_int_eq(align_decl_parse_c(g, NULL, "struct C { int x; }; garbage", 20), 0);
    ck_assert_str_eq(align_type_pos(decl(g, "C")).file, "<input>");
    align_graph_free(g);
}
END_TEST

START_TEST(guess_lang)
{
    static const struct {
        const char *text;
        align_lang lang;
    } cases[] = {
        {"package main\n\ntype T struct { A int }\n", ALIGN_LANG_GO},
        {"type T struct {\n\tA int8\n}\n", ALIGN_LANG_GO},
        {"  type (\n  A struct{}\n)\n", ALIGN_LANG_GO},
        {"type Pair[K comparable, V any] struct { k K; v V }\n", ALIGN_LANG_GO},
        {"struct S { int type; };\n", ALIGN_LANG_C},
        {"typedef int type;\nstruct type_s { type t; };\n", ALIGN_LANG_C},
        {"/* package main */ struct S { char c; };\n", ALIGN_LANG_C},
        {"type T int\n", ALIGN_LANG_C},
        {"packages x;\n", ALIGN_LANG_C},
        {"", ALIGN_LANG_C},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(align_decl_guess_lang(cases[i].text, strlen(cases[i].text)) == cases[i].lang,
                      "guess for %s", cases[i].text);
    ck_assert_int_eq(align_decl_guess_lang(NULL, 0), ALIGN_LANG_C);
    ck_assert_int_eq(align_decl_guess_lang("type T struct", 4), ALIGN_LANG_C); /* only "type" */
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(errors_syntax)
{
    check_error("struct S { int a }", ALIGN_ESYNTAX, 1, 18,
                "expected ';' after member declaration");
    /* A missing ';' is reported where the line that lacks it ends. */
    check_error("struct S {\n    int a\n};", ALIGN_ESYNTAX, 2, 10,
                "expected ';' after member declaration");
    check_error_at("struct S { int a; ) };", ALIGN_ESYNTAX, ")", "expected a type name");
    check_error_at("struct S { int a;", ALIGN_ESYNTAX, "{", "'{' is never closed");
    check_error_at("struct S { int long long long x; };", ALIGN_ESYNTAX, "int long",
                   "invalid combination of type specifiers");
    check_error_at("struct S { unsigned float x; };", ALIGN_ESYNTAX, "unsigned",
                   "invalid combination of type specifiers");
    check_error_at("struct A { int a; } struct B { int b; };", ALIGN_ESYNTAX, "struct B",
                   "two or more data types");
    ck_assert_ptr_nonnull(
        strstr(align_error_last()->hint, "';' missing after the definition of struct A"));
    check_error_at("struct S { int (x; };", ALIGN_ESYNTAX, ";", "expected ')' in the declarator");
    check_error_at("struct S { int *; };", ALIGN_ESYNTAX, ";", "expected an identifier or '('");
    check_error_at("struct S { int x __attribute__(packed); };", ALIGN_ESYNTAX, "packed",
                   "expected '((' after __attribute__");
    check_error("struct S { int a; }; }", ALIGN_ESYNTAX, 1, 22, "unexpected '}'");
    check_error("struct { int a; } }", ALIGN_ESYNTAX, 1, 19,
                "expected ';' at the end of the declaration");
    check_error_at("struct S { int a; };\nint x\n", ALIGN_ESYNTAX, "int x",
                   "expected ';' at the end of this declaration");
    check_error_at("struct S { int a[3; };", ALIGN_ESYNTAX, ";", "expected ']'");
    check_error_at("struct S { int a; }; /* never closed", ALIGN_ESYNTAX, "/*",
                   "unterminated comment");
    check_error_at("struct S { int a[sizeof \"ab]; };", ALIGN_ESYNTAX, "\"ab",
                   "unterminated string literal");
    check_error_at("struct S { int a['x]; };\n", ALIGN_ESYNTAX, "'x",
                   "unterminated character literal");
    check_error_at("struct S { int a['\\", ALIGN_ESYNTAX, "'\\", "unterminated character literal");
    check_error_at("struct S { int f(void); };", ALIGN_ESYNTAX, "f(",
                   "field 'f' declared as a function");
    check_error_at("struct S { int g[3](void); };", ALIGN_ESYNTAX, "[3]",
                   "declaration of 'g' as array of functions");
    check_error_at("struct S { int (*h(void))[3]; };", ALIGN_ESYNTAX, "h(",
                   "field 'h' declared as a function");
    check_error_at("struct S { int h(void)[3]; };", ALIGN_ESYNTAX, "(void)",
                   "'h' declared as function returning an array");
    check_error_at("struct S { int h(void)(int); };", ALIGN_ESYNTAX, "(void)",
                   "'h' declared as function returning a function");
    check_error_at("enum E { };", ALIGN_ESYNTAX, "enum", "empty enum is invalid");
    check_error_at("enum E { A B };", ALIGN_ESYNTAX, "B",
                   "expected ',' or '}' in the enumerator list");
}
END_TEST

START_TEST(errors_types)
{
    check_error_at("struct S { foo x; };", ALIGN_EUNKNOWN, "foo", "unknown type name 'foo'");
    ck_assert_ptr_nonnull(strstr(align_error_last()->hint, "macros are not expanded"));
    check_error_at("struct node { int v; }; struct T { node *next; };", ALIGN_EUNKNOWN, "node *",
                   "unknown type name 'node'");
    ck_assert_str_eq(align_error_last()->hint, "use 'struct node' (in C a tag is not a type name)");
    /* Behind a '*' or in a typedef, a type from a header we did not read is
     * fine; by value it is an error where it is used. */
    check_error_at("typedef FILE my_file;\nstruct S { my_file *ok; my_file f; };", ALIGN_EUNKNOWN,
                   "f;", "unknown type name 'FILE'");
    ck_assert_ptr_nonnull(strstr(align_error_last()->hint, "typedef 'my_file'"));
    check_error_at("struct S { pthread_t *p; pthread_t t; };", ALIGN_EUNKNOWN, "t;",
                   "unknown type name 'pthread_t'");
    /* By-value uses of incomplete types name the type, at the member. */
    check_error_at("struct S;\nstruct T { struct S s; };", ALIGN_EINCOMPLETE, "s; }",
                   "field 's' has incomplete type 'struct S'");
    check_error_at("typedef struct S S_t; struct T { int a; S_t s; };", ALIGN_EINCOMPLETE, "s; }",
                   "field 's' has incomplete type 'struct S'");
    check_error_at("struct S { struct S self; };", ALIGN_EINCOMPLETE, "self",
                   "field 'self' has incomplete type 'struct S'");
    check_error_at("struct S { struct nope n[2]; };", ALIGN_EINCOMPLETE, "[2]",
                   "array type has incomplete element type 'struct nope'");
    check_error_at("struct S { enum F e; };", ALIGN_EINCOMPLETE, "e; }",
                   "incomplete type 'enum F'");
    check_error_at("struct S { void v; };", ALIGN_EINCOMPLETE, "v; }", "field 'v' declared void");
    check_error_at("struct S { char x[sizeof(struct S)]; };", ALIGN_EINCOMPLETE, "sizeof",
                   "invalid application of 'sizeof' to incomplete type 'struct S'");
    check_error_at("struct S { int a; };\nstruct S { int b; };", ALIGN_ESYNTAX, "S { int b",
                   "redefinition of 'struct S' (first defined at line 1)");
    ck_assert_ptr_nonnull(strstr(align_error_last()->hint, "#if/#else"));
    check_error_at("struct S { struct S { int a; } x; };", ALIGN_ESYNTAX, "S { int a",
                   "nested redefinition of 'struct S'");
    check_error_at("union S; struct S { int a; };", ALIGN_ESYNTAX, "S { int",
                   "'S' defined as wrong kind of tag");
    check_error_at("enum E { A }; enum E { B }; struct S { int a; };", ALIGN_ESYNTAX, "E { B",
                   "redefinition of 'enum E'");
    check_error_at("enum E { A, B, A }; struct S { int a; };", ALIGN_ESYNTAX, "A }",
                   "redeclaration of enumerator 'A'");
    check_error("typedef int T; typedef long T;", ALIGN_ESYNTAX, 1, 29,
                "conflicting types for 'T'");
    check_error("typedef int U __attribute__((aligned(8)));\ntypedef unsigned U;", ALIGN_ESYNTAX, 2,
                18, "conflicting types for 'U'");
    check_error_at("typedef int T; enum { T };", ALIGN_ESYNTAX, "T }",
                   "redeclared as a different kind of symbol");
    check_error_at("enum { T }; typedef int T;", ALIGN_ESYNTAX, "T;",
                   "redeclared as a different kind of symbol");
    check_error_at("typedef int a8 __attribute__((aligned(8)));\nstruct S { a8 x[2]; };",
                   ALIGN_EINVAL, "[2]", "alignment of array elements is greater than element size");
}
END_TEST

START_TEST(errors_members)
{
    check_error_at("struct S { int x : 33; };", ALIGN_EBITFIELD,
                   "x :", "width of 'x' exceeds its type");
    check_error_at("struct S { _Bool b : 2; };", ALIGN_EBITFIELD,
                   "b :", "width of 'b' exceeds its type");
    check_error_at("struct S { float f : 3; };", ALIGN_EBITFIELD,
                   "f :", "bit-field 'f' has invalid type 'float'");
    check_error_at("struct S { int *p : 3; };", ALIGN_EBITFIELD, "p :", "has invalid type 'int *'");
    check_error_at("struct S { int x : -1; };", ALIGN_EBITFIELD,
                   "x :", "negative width in bit-field 'x'");
    check_error_at("struct S { int : -1; };", ALIGN_EBITFIELD, ":",
                   "negative width in bit-field '<anonymous>'");
    check_error_at("struct S { int x : 0; };", ALIGN_EBITFIELD,
                   "x :", "zero width for bit-field 'x'");
    check_error_at("struct S { _Alignas(8) int x : 3; };", ALIGN_EBITFIELD, "_Alignas",
                   "_Alignas specifier used for bit-field 'x'");
    check_error_at("struct S { int n; int d[]; int e; };", ALIGN_ESYNTAX, "d[]",
                   "flexible array member not at end of struct");
    check_error_at("struct S { int d[]; };", ALIGN_ESYNTAX, "d[]",
                   "flexible array member in a struct with no named members");
    check_error_at("union U { int n; int d[]; };", ALIGN_ESYNTAX, "d[]",
                   "flexible array member in union");
    check_error_at("struct S { int x; char x; };", ALIGN_ESYNTAX, "x; }", "duplicate member 'x'");
    check_error_at("struct S { int x; union { struct { int x; }; }; };", ALIGN_ESYNTAX, "union",
                   "duplicate member 'x'");
    check_error_at("struct S { int x[-1]; };", ALIGN_ESYNTAX, "-1",
                   "size of array 'x' is negative");
    check_error_at("struct S { char c; _Alignas(2) int x; };", ALIGN_EINVAL, "_Alignas",
                   "_Alignas specifiers cannot reduce alignment of 'x'");
    check_error_at("struct S { int x __attribute__((aligned(3))); };", ALIGN_EINVAL, "aligned",
                   "requested alignment 3 is not a positive power of 2");
    check_error_at("struct S { char c; } __attribute__((aligned(1 << 29)));", ALIGN_EINVAL,
                   "aligned", "exceeds the maximum 268435456");
    check_error_at("typedef _Alignas(8) int T;", ALIGN_EINVAL, "_Alignas",
                   "alignment specified for a typedef");
}
END_TEST

START_TEST(errors_expressions)
{
    check_error_at("struct S { int a[N]; };", ALIGN_ESYNTAX, "N]",
                   "'N' is not a constant this parser knows");
    check_error_at("struct S { int a[1/0]; };", ALIGN_ESYNTAX, "/", "division by zero");
    check_error_at("struct S { int a[0x7fffffffffffffff * 2]; };", ALIGN_EOVERFLOW, "*",
                   "integer overflow");
    check_error_at("struct S { int a[99999999999999999999]; };", ALIGN_EOVERFLOW, "9999",
                   "integer constant 99999999999999999999 is too large");
    check_error_at("struct S { int a[1 << 63]; };", ALIGN_ESYNTAX, "<<",
                   "shift count 63 is out of range");
    check_error_at("struct S { int x; char a[sizeof x]; };", ALIGN_ESYNTAX, "sizeof",
                   "sizeof of an expression is not supported");
    check_error_at("struct S { int a[1 ? 2 3]; };", ALIGN_ESYNTAX, "3]", "expected ':'");
    check_error_at("struct S { int a['ab']; };", ALIGN_ESYNTAX, "'ab'", "character constant 'ab'");
    check_error_at("struct S { int a[]]; };", ALIGN_ESYNTAX, "];", "expected ';'");
    check_error_at("struct S { int a[+]; };", ALIGN_ESYNTAX, "]",
                   "expected an integer constant expression");
}
END_TEST

START_TEST(errors_input)
{
    static const char nul[] = "struct S { int a; };\nstr\0uct";
    check_error_at("#pragma pack(1)\nstruct S { char c; int i; };", ALIGN_ESYNTAX, "#pragma",
                   "#pragma pack is not supported");
    ck_assert_ptr_nonnull(strstr(align_error_last()->hint, "__attribute__((packed))"));
    check_error_at("struct T { int t; };\n  #  pragma   pack(push, 1)\nstruct S { char c; };",
                   ALIGN_ESYNTAX, "#", "#pragma pack is not supported");
    check_error_at("_Pragma(\"pack(1)\") struct S { char c; int i; };", ALIGN_ESYNTAX, "_Pragma",
                   "_Pragma(\"pack\") is not supported");
    check_error("int x;\nvoid f(void);\n", ALIGN_EEMPTY, 1, 1, "no struct or union definition");
    ck_assert_str_eq(align_error_last()->hint,
                     "calc expects C declarations like: struct S { char c; int i; };");
    check_error("", ALIGN_EEMPTY, 1, 1, "no struct or union definition");
    check_error("typedef struct S T; enum E { A };", ALIGN_EEMPTY, 1, 1,
                "no struct or union definition");
    check_error_n(nul, sizeof nul - 1, ALIGN_EFORMAT, 2, 4, "NUL byte in the input");
    check_error_at("struct S { int a; };\n\x01\x02garbage", ALIGN_ESYNTAX, "\x01",
                   "unexpected byte 0x01");
}
END_TEST

START_TEST(errors_limits)
{
    /* Nesting past 200 fails with ALIGN_ELIMIT, whatever nests. */
    size_t n = 100000;
    char *text = malloc(4 * n + 100), *s = text;
    s += sprintf(s, "struct S { int ");
    for (size_t i = 0; i < n; i++)
        *s++ = '(';
    *s++ = 'x';
    for (size_t i = 0; i < n; i++)
        *s++ = ')';
    strcpy(s, "; };");
    /* The record is one level, so the 200th '(' is one too many. */
    check_error(text, ALIGN_ELIMIT, 1, 16 + 199, "nested deeper than 200 levels");
    s = text + sprintf(text, "struct S { char a[");
    for (size_t i = 0; i < n; i++)
        *s++ = '(';
    strcpy(s, "1]; };");
    /* The record and the member's declarator are two levels, each '(' one. */
    check_error(text, ALIGN_ELIMIT, 1, 19 + 198, "nested deeper than 200 levels");
    s = text + sprintf(text, "struct S { char a[");
    for (size_t i = 0; i < n; i++) {
        *s++ = '-';
        *s++ = ' ';
    }
    strcpy(s, "1]; };");
    check_error(text, ALIGN_ELIMIT, 1, 19 + 2 * 198, "nested deeper than 200 levels");
    s = text + sprintf(text, "struct S { char a[");
    for (size_t i = 0; i < 300; i++)
        s += sprintf(s, "1 ? ");
    strcpy(s, "1]; };");
    check_error(text, ALIGN_ELIMIT, 1, 19 + 4 * 198, "nested deeper than 200 levels"); /* at a ? */
    s = text;
    for (size_t i = 0; i < 250; i++)
        s += sprintf(s, "struct S%zu { ", i);
    check_error_at(text, ALIGN_ELIMIT, "S200 {", "nested deeper than 200 levels");
    s = text + sprintf(text, "struct S { int ");
    for (size_t i = 0; i < 300; i++)
        *s++ = '*';
    strcpy(s, "p; };");
    check_error_at(text, ALIGN_ELIMIT, "*", "more than 256 pointer, array and function steps");
    free(text);
}
END_TEST

START_TEST(deep_but_fine)
{
    /* 150 nested struct definitions lay out (each is also a decl). */
    char *text = malloc(150 * 40 + 100), *s = text;
    align_graph *g;
    align_layout *l;
    for (int i = 0; i < 150; i++)
        s += sprintf(s, "struct S%d { char c; ", i);
    s += sprintf(s, "long x; ");
    for (int i = 149; i > 0; i--)
        s += sprintf(s, "} m%d; ", i);
    strcpy(s, "};");
    g = parse(text);
    ck_assert_uint_eq(align_graph_ndecls(g), 150);
    l = lay(g, "S0"); /* gcc, both targets: 1208/8, m1 at 8 */
    ck_assert_uint_eq(l->size, 1208);
    ck_assert_uint_eq(l->align, 8);
    ck_assert_uint_eq(mem(l, "m1")->offset, 8);
    align_layout_free(l);
    align_graph_free(g);
    free(text);
}
END_TEST

START_TEST(go_graph_asserts)
{
    align_graph *g = NULL;
    ck_assert_int_eq(align_graph_new(&g, ALIGN_LANG_GO, ALIGN_ARCH_AMD64), 0);
    align_decl_parse_c(g, "t.h", "struct S { int a; };", 20); /* a programmer mistake */
}
END_TEST

START_TEST(layout_error_positions)
{
    /* layout.c: a member whose type cannot be sized names the member and
     * carries its position (types.c's errors have none). */
    align_graph *g = parse("struct inc;\nstruct holder { int a; };");
    align_type *rec = align_type_record(g, ALIGN_KIND_STRUCT, "byhand");
    align_type *inc = align_graph_lookup_tag(g, "inc");
    align_field_spec f = align_field_spec_init();
    align_layout *l = NULL;
    f.name = "x";
    f.type = inc;
    f.pos = (align_srcpos){"hand.h", 7, 5};
    ck_assert_int_eq(align_record_add_field(g, rec, &f), 0);
    align_record_complete(rec, -1, -1);
    ck_assert_int_eq(align_layout_compute(&l, g, rec, NULL), ALIGN_EINCOMPLETE);
    ck_assert_str_eq(align_error_last()->file, "hand.h");
    ck_assert_uint_eq(align_error_last()->line, 7);
    ck_assert_uint_eq(align_error_last()->col, 5);
    ck_assert_ptr_nonnull(
        strstr(align_error_last()->message, "member x: struct inc is incomplete"));
    align_graph_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decl_c");
    TCase *core = tcase_create("core"), *bf = tcase_create("bitfields");
    TCase *err = tcase_create("errors"), *lim = tcase_create("limits");
    tcase_add_test(core, basic_layout);
    tcase_add_test(core, decls_in_order);
    tcase_add_test(core, declarators_and_text);
    tcase_add_test(core, decl_text_one_line);
    tcase_add_test(core, type_specifiers);
    tcase_add_test(core, qualifiers_ignored);
    tcase_add_test(core, predeclared_typedefs);
    tcase_add_test(core, enums);
    tcase_add_test(core, typedefs);
    tcase_add_test(core, attributes);
    tcase_add_test(core, vectors);
    tcase_add_test(core, records);
    tcase_add_test(core, forward_and_self_reference);
    tcase_add_test(core, constant_expressions);
    tcase_add_test(core, whole_file);
    tcase_add_test(core, several_inputs_one_graph);
    tcase_add_test(core, guess_lang);
    tcase_add_test(bf, bitfields_common);
    tcase_add_test(bf, bitfields_unnamed_by_target);
    tcase_add_test(bf, bitfield_holes);
    tcase_add_test(err, errors_syntax);
    tcase_add_test(err, errors_types);
    tcase_add_test(err, errors_members);
    tcase_add_test(err, errors_expressions);
    tcase_add_test(err, errors_input);
    tcase_add_test(err, layout_error_positions);
    tcase_add_test_raise_signal(err, go_graph_asserts, SIGABRT);
    tcase_add_test(lim, errors_limits);
    tcase_add_test(lim, deep_but_fine);
    tcase_set_timeout(lim, 30);
    suite_add_tcase(s, core);
    suite_add_tcase(s, bf);
    suite_add_tcase(s, err);
    suite_add_tcase(s, lim);
    return run_suite(s);
}
