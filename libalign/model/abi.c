/*
 * abi.c - the facts: one descriptor per (language, architecture).
 *
 * Rules are data, not `if (arch == ...)` in the layout code.  Each table
 * cites where its numbers come from; every number is also checked by the
 * differential test (tests/difftest.py) against the real compilers.
 *
 * Go (gc): cmd/compile/internal/types/size.go and the Go ABI internal spec
 * (go/src/cmd/compile/abi-internal.md, "Memory layout").  Sizes of string,
 * slice and interface are 2, 3 and 2 words; complex64 is aligned like its
 * float32 halves (4), complex128 like float64; map, chan and func values are
 * one pointer word.  ptrdata: a string or slice starts with its data pointer,
 * an interface is two pointer words (itab/type, data).
 *
 * C (GCC 12): the System V AMD64 psABI 1.0 §3.1.2 (Fundamental Types), and
 * the AAPCS64 (2023Q3) §5.1 and §10 (arm64 C/C++ types).  long double is the
 * x87 80-bit format padded to 16 bytes on amd64 and IEEE binary128 on arm64:
 * 16/16 on both.  Bit-field placement is GCC's PCC_BITFIELD_TYPE_MATTERS
 * rule on both targets (layout.c); they differ in whether unnamed
 * bit-fields raise a record's alignment (the c_*_bitfield_aligns flags).
 */
#include "model/model.h"

#include <string.h>

/* Go's primitive types on a target with W-byte words.  64-bit integers and
 * floats are W-aligned: 8 on amd64/arm64, only 4 on 386 and arm
 * (cmd/compile/internal/types/size.go: RegSize, and "Alignof(int64) = 4 on
 * 32-bit").  sync/atomic.Int64 and Uint64 carry an align64 field: 8 even on
 * 32-bit targets (sync/atomic/types.go), which also makes any struct holding
 * one 8-aligned. */
#define GO_PRIMS(W)                                                                                \
    [ALIGN_GO_BOOL] = {1, 1, 0}, [ALIGN_GO_INT8] = {1, 1, 0}, [ALIGN_GO_UINT8] = {1, 1, 0},        \
    [ALIGN_GO_INT16] = {2, 2, 0}, [ALIGN_GO_UINT16] = {2, 2, 0}, [ALIGN_GO_INT32] = {4, 4, 0},     \
    [ALIGN_GO_UINT32] = {4, 4, 0}, [ALIGN_GO_FLOAT32] = {4, 4, 0},                                 \
    [ALIGN_GO_COMPLEX64] = {8, 4, 0}, [ALIGN_GO_INT] = {W, W, 0}, [ALIGN_GO_UINT] = {W, W, 0},     \
    [ALIGN_GO_UINTPTR] = {W, W, 0}, [ALIGN_GO_STRING] = {2 * W, W, W},                             \
    [ALIGN_GO_SLICE] = {3 * W, W, W}, [ALIGN_GO_IFACE] = {2 * W, W, 2 * W},                        \
    [ALIGN_GO_MAP] = {W, W, W}, [ALIGN_GO_CHAN] = {W, W, W}, [ALIGN_GO_FUNC] = {W, W, W},          \
    [ALIGN_GO_UNSAFE_POINTER] = {W, W, W}, [ALIGN_GO_INT64] = {8, W, 0},                           \
    [ALIGN_GO_UINT64] = {8, W, 0}, [ALIGN_GO_FLOAT64] = {8, W, 0},                                 \
    [ALIGN_GO_COMPLEX128] = {16, W, 0}, [ALIGN_GO_ATOMIC_INT64] = {8, 8, 0}

/* A Go target differs from another only in its word size: gc lays out
 * structs the same way on every architecture.  On 32-bit targets a 64-bit
 * atomic needs an 8-aligned address the compiler does not guarantee
 * (sync/atomic's "Bugs" section), hence go_atomic64_unaligned. */
#define GO_ABI(NAME, ARCH, W)                                                                      \
    {                                                                                              \
        .name = NAME, .lang = ALIGN_LANG_GO, .arch = ARCH, .pointer_size = W, .pointer_align = W,  \
        .max_align = 8, .go_zero_size_tail_byte = true, .go_atomic64_unaligned = (W) == 4,         \
        .prim = {GO_PRIMS(W)},                                                                     \
    }

static const align_abi abi_go_amd64 = GO_ABI("go/amd64", ALIGN_ARCH_AMD64, 8);
static const align_abi abi_go_arm64 = GO_ABI("go/arm64", ALIGN_ARCH_ARM64, 8);
static const align_abi abi_go_386 = GO_ABI("go/386", ALIGN_ARCH_386, 4);
static const align_abi abi_go_arm = GO_ABI("go/arm", ALIGN_ARCH_ARM, 4);

/* The fields every C descriptor sets: its name, word size and the largest
 * fundamental alignment (max_align_t). */
#define C_ABI(NAME, ARCH, W, MAX_ALIGN)                                                            \
    .name = NAME, .lang = ALIGN_LANG_C, .arch = ARCH, .pointer_size = W, .pointer_align = W,       \
    .max_align = MAX_ALIGN

/* LP64 C types common to SysV x86-64 and AAPCS64. */
#define C_LP64                                                                                     \
    [ALIGN_C_BOOL] = {1, 1, 0}, [ALIGN_C_CHAR] = {1, 1, 0}, [ALIGN_C_SCHAR] = {1, 1, 0},           \
    [ALIGN_C_UCHAR] = {1, 1, 0}, [ALIGN_C_SHORT] = {2, 2, 0}, [ALIGN_C_USHORT] = {2, 2, 0},        \
    [ALIGN_C_INT] = {4, 4, 0}, [ALIGN_C_UINT] = {4, 4, 0}, [ALIGN_C_LONG] = {8, 8, 0},             \
    [ALIGN_C_ULONG] = {8, 8, 0}, [ALIGN_C_LLONG] = {8, 8, 0}, [ALIGN_C_ULLONG] = {8, 8, 0},        \
    [ALIGN_C_INT128] = {16, 16, 0}, [ALIGN_C_UINT128] = {16, 16, 0}, [ALIGN_C_FLOAT] = {4, 4, 0},  \
    [ALIGN_C_DOUBLE] = {8, 8, 0}, [ALIGN_C_LDOUBLE] = {16, 16, 0}, [ALIGN_C_CFLOAT] = {8, 4, 0},   \
    [ALIGN_C_CDOUBLE] = {16, 8, 0}, [ALIGN_C_CLDOUBLE] = {32, 16, 0}

/* The two families of bit-field rules, as GCC applies them.  x86 (psABI
 * §3.1.2, i386 alike): "unnamed bit-fields' types do not affect the
 * alignment of a structure or union", zero-width ones included.  ARM
 * (AAPCS64, and AAPCS32 with PCC_BITFIELD_TYPE_MATTERS): GCC's ports
 * define TARGET_ALIGN_ANON_BITFIELD true, so unnamed bit-fields, zero-width
 * ones included (even in a packed struct), raise the record's alignment
 * like named ones.  place.c reads the two flags. */
#define BITFIELDS_X86 .c_anon_bitfield_aligns = false, .c_zero_width_bitfield_aligns = false
#define BITFIELDS_ARM .c_anon_bitfield_aligns = true, .c_zero_width_bitfield_aligns = true

static const align_abi abi_c_amd64 = {
    C_ABI("c/amd64", ALIGN_ARCH_AMD64, 8, 16),
    BITFIELDS_X86,
    /* Vectors: aligned to their size, uncapped (vector_size(128) is
     * 128-aligned as a member), with or without -mavx. */
    .prim = {C_LP64},
};

static const align_abi abi_c_arm64 = {
    C_ABI("c/arm64", ALIGN_ARCH_ARM64, 8, 16),
    /* Measured with aarch64-linux-gnu-gcc 12 under qemu-aarch64: struct
     * {char c; int :4;} is 4 bytes, 4-aligned (2 and 1 on x86-64); struct
     * {char c; int :0; char d;} is 8 bytes, 4-aligned (5 and 1 on x86-64);
     * union {char c; int :0;} is 4 bytes (1 on x86-64). */
    BITFIELDS_ARM,
    /* Vectors: aligned to their size up to 16 (vector_size(32) is at 16 in
     * struct {char c; v v;}). */
    .c_vector_max_align = 16,
    .prim = {C_LP64},
};

/* ILP32 C types common to i386 SysV and ARM EABI (no __int128 on either),
 * but for the member alignment A8 of the 8-byte scalars (long long,
 * double, and double _Complex's parts) and long double, where they
 * differ. */
#define C_ILP32(A8)                                                                                \
    [ALIGN_C_BOOL] = {1, 1, 0}, [ALIGN_C_CHAR] = {1, 1, 0}, [ALIGN_C_SCHAR] = {1, 1, 0},           \
    [ALIGN_C_UCHAR] = {1, 1, 0}, [ALIGN_C_SHORT] = {2, 2, 0}, [ALIGN_C_USHORT] = {2, 2, 0},        \
    [ALIGN_C_INT] = {4, 4, 0}, [ALIGN_C_UINT] = {4, 4, 0}, [ALIGN_C_LONG] = {4, 4, 0},             \
    [ALIGN_C_ULONG] = {4, 4, 0}, [ALIGN_C_FLOAT] = {4, 4, 0}, [ALIGN_C_CFLOAT] = {8, 4, 0},        \
    [ALIGN_C_LLONG] = {8, A8, 0}, [ALIGN_C_ULLONG] = {8, A8, 0}, [ALIGN_C_DOUBLE] = {8, A8, 0},    \
    [ALIGN_C_CDOUBLE] = {16, A8, 0}

/* i386 SysV psABI (Intel386 supplement 1.1, Table 2.1) as GCC applies it
 * inside records: long long, double and their complex forms are 4-aligned
 * as members (GCC's x86_field_alignment caps them at 32 bits without
 * -malign-double); long double is the x87 80-bit format in 12 bytes,
 * 4-aligned. */
static const align_abi abi_c_386 = {
    C_ABI("c/386", ALIGN_ARCH_386, 4, 16),
    BITFIELDS_X86,
    /* Vectors as on x86-64, but an 8-byte vector of integers has DImode
     * without MMX and x86_field_alignment caps it at 4 like long long
     * (char/short/int/long long elements at offset 4; float/double at 8). */
    .c_vector8_int_align = 4,
    .prim = {C_ILP32(4), [ALIGN_C_LDOUBLE] = {12, 4, 0}, [ALIGN_C_CLDOUBLE] = {24, 4, 0}},
};

/* ARM EABI (AAPCS32 §5.1.1, hard-float Debian armhf): long long and double
 * are 8-aligned; long double is IEEE double, 8/8. */
static const align_abi abi_c_arm = {
    C_ABI("c/arm", ALIGN_ARCH_ARM, 4, 8),
    /* Measured with arm-linux-gnueabihf-gcc 12 under qemu-arm: struct
     * {char c; int :4;} is 4/4 (2/1 on i386); struct {char c; long long :0;
     * char d;} is 16/8 with d at 8 (5/1, d at 4 on i386); union {char c;
     * int :0;} is 4/4. */
    BITFIELDS_ARM,
    /* Vectors: aligned to their size up to 8 (BIGGEST_ALIGNMENT on EABI). */
    .c_vector_max_align = 8,
    .prim = {C_ILP32(8), [ALIGN_C_LDOUBLE] = {8, 8, 0}, [ALIGN_C_CLDOUBLE] = {16, 8, 0}},
};

static const align_abi *const abis[] = {&abi_go_amd64, &abi_go_arm64, &abi_go_386, &abi_go_arm,
                                        &abi_c_amd64,  &abi_c_arm64,  &abi_c_386,  &abi_c_arm};

const align_abi *align_abi_get(align_lang lang, align_arch arch)
{
    for (size_t i = 0; i < sizeof abis / sizeof abis[0]; i++)
        if (abis[i]->lang == lang && abis[i]->arch == arch)
            return abis[i];
    error_set(ALIGN_EINVAL, NULL, 0, 0, "no %s ABI model for %s", align_lang_name(lang),
              align_arch_name(arch));
    error_hint("supported targets: amd64, arm64, 386, arm");
    return NULL;
}

/* GCC vector alignment, measured with gcc, aarch64-linux-gnu-gcc,
 * i686-linux-gnu-gcc and arm-linux-gnueabihf-gcc 12 (offset of v in
 * struct {char c; V v;} for vector_size 1..256): see the tables above. */
uint32_t abi_vector_align(const align_abi *abi, uint64_t size, bool int_elems)
{
    uint64_t a = 1;
    while (a < ((uint64_t)1 << 31) && size % (2 * a) == 0)
        a *= 2; /* the largest power of two dividing size (size itself) */
    if (size == 8 && int_elems && abi->c_vector8_int_align)
        a = abi->c_vector8_int_align;
    if (abi->c_vector_max_align && a > abi->c_vector_max_align)
        a = abi->c_vector_max_align;
    return (uint32_t)a;
}

const char *align_abi_name(const align_abi *abi)
{
    return abi->name;
}
align_lang align_abi_lang(const align_abi *abi)
{
    return abi->lang;
}
align_arch align_abi_arch(const align_abi *abi)
{
    return abi->arch;
}
uint32_t align_abi_pointer_size(const align_abi *abi)
{
    return abi->pointer_size;
}
int align_abi_atomic64_unaligned(const align_abi *abi)
{
    return abi != NULL && abi->go_atomic64_unaligned;
}

int align_abi_prim(const align_abi *abi, align_prim p, uint64_t *size, uint32_t *align,
                   uint64_t *ptrdata)
{
    if ((unsigned)p >= ALIGN_PRIM_COUNT || abi->prim[p].align == 0)
        return error_set(ALIGN_EINVAL, NULL, 0, 0, "%s has no type %s", abi->name,
                         align_prim_name(p));
    *size = abi->prim[p].size;
    *align = abi->prim[p].align;
    *ptrdata = abi->prim[p].ptrdata;
    return 0;
}

static const char *const prim_names[ALIGN_PRIM_COUNT] = {
    [ALIGN_GO_BOOL] = "bool",
    [ALIGN_GO_INT8] = "int8",
    [ALIGN_GO_UINT8] = "uint8",
    [ALIGN_GO_INT16] = "int16",
    [ALIGN_GO_UINT16] = "uint16",
    [ALIGN_GO_INT32] = "int32",
    [ALIGN_GO_UINT32] = "uint32",
    [ALIGN_GO_INT64] = "int64",
    [ALIGN_GO_UINT64] = "uint64",
    [ALIGN_GO_INT] = "int",
    [ALIGN_GO_UINT] = "uint",
    [ALIGN_GO_UINTPTR] = "uintptr",
    [ALIGN_GO_FLOAT32] = "float32",
    [ALIGN_GO_FLOAT64] = "float64",
    [ALIGN_GO_COMPLEX64] = "complex64",
    [ALIGN_GO_COMPLEX128] = "complex128",
    [ALIGN_GO_STRING] = "string",
    [ALIGN_GO_SLICE] = "[]T",
    [ALIGN_GO_IFACE] = "interface{}",
    [ALIGN_GO_MAP] = "map",
    [ALIGN_GO_CHAN] = "chan",
    [ALIGN_GO_FUNC] = "func()",
    [ALIGN_GO_UNSAFE_POINTER] = "unsafe.Pointer",
    [ALIGN_GO_ATOMIC_INT64] = "atomic.Int64",
    [ALIGN_C_BOOL] = "_Bool",
    [ALIGN_C_CHAR] = "char",
    [ALIGN_C_SCHAR] = "signed char",
    [ALIGN_C_UCHAR] = "unsigned char",
    [ALIGN_C_SHORT] = "short",
    [ALIGN_C_USHORT] = "unsigned short",
    [ALIGN_C_INT] = "int",
    [ALIGN_C_UINT] = "unsigned int",
    [ALIGN_C_LONG] = "long",
    [ALIGN_C_ULONG] = "unsigned long",
    [ALIGN_C_LLONG] = "long long",
    [ALIGN_C_ULLONG] = "unsigned long long",
    [ALIGN_C_INT128] = "__int128",
    [ALIGN_C_UINT128] = "unsigned __int128",
    [ALIGN_C_FLOAT] = "float",
    [ALIGN_C_DOUBLE] = "double",
    [ALIGN_C_LDOUBLE] = "long double",
    [ALIGN_C_CFLOAT] = "float _Complex",
    [ALIGN_C_CDOUBLE] = "double _Complex",
    [ALIGN_C_CLDOUBLE] = "long double _Complex",
    [ALIGN_C_VOID] = "void",
};

const char *align_prim_name(align_prim p)
{
    return (unsigned)p < ALIGN_PRIM_COUNT && prim_names[p] ? prim_names[p] : "?";
}

static const prim_name go_predeclared_types[] = {
    {"bool", ALIGN_GO_BOOL},           {"byte", ALIGN_GO_UINT8},
    {"rune", ALIGN_GO_INT32},          {"int8", ALIGN_GO_INT8},
    {"uint8", ALIGN_GO_UINT8},         {"int16", ALIGN_GO_INT16},
    {"uint16", ALIGN_GO_UINT16},       {"int32", ALIGN_GO_INT32},
    {"uint32", ALIGN_GO_UINT32},       {"int64", ALIGN_GO_INT64},
    {"uint64", ALIGN_GO_UINT64},       {"int", ALIGN_GO_INT},
    {"uint", ALIGN_GO_UINT},           {"uintptr", ALIGN_GO_UINTPTR},
    {"float32", ALIGN_GO_FLOAT32},     {"float64", ALIGN_GO_FLOAT64},
    {"complex64", ALIGN_GO_COMPLEX64}, {"complex128", ALIGN_GO_COMPLEX128},
    {"string", ALIGN_GO_STRING},       {"error", ALIGN_GO_IFACE},
    {"any", ALIGN_GO_IFACE},
};

const prim_name *prim_name_find(const prim_name *t, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(t[i].name, name, len) == 0 && t[i].name[len] == '\0')
            return &t[i];
    return NULL;
}

const prim_name *go_predeclared_find(const char *name, size_t len)
{
    return prim_name_find(go_predeclared_types,
                          sizeof go_predeclared_types / sizeof go_predeclared_types[0], name, len);
}

const char *align_lang_name(align_lang lang)
{
    return lang == ALIGN_LANG_GO ? "go" : "c";
}

static const char *const arch_names[] = {"amd64", "arm64", "386", "arm"};

int align_c_pointer_wide_name(const char *name)
{
    /* C11 7.19 and 7.20.1.4 define them by what a pointer holds; every
     * Linux psABI makes them pointer-sized (size_t is unsigned int on 386
     * and arm, unsigned long on amd64 and arm64). */
    static const char *const names[] = {"size_t",    "__size_t", "ssize_t",    "__ssize_t",
                                        "ptrdiff_t", "intptr_t", "__intptr_t", "uintptr_t"};
    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

const char *align_arch_name(align_arch arch)
{
    return (unsigned)arch < 4 ? arch_names[arch] : "?";
}

int align_lang_parse(align_lang *out, const char *s)
{
    if (strcmp(s, "go") == 0 || strcmp(s, "Go") == 0) {
        *out = ALIGN_LANG_GO;
        return 0;
    }
    if (strcmp(s, "c") == 0 || strcmp(s, "C") == 0) {
        *out = ALIGN_LANG_C;
        return 0;
    }
    error_set(ALIGN_EINVAL, NULL, 0, 0, "unknown language '%s'", s);
    error_hint("use go or c");
    return ALIGN_EINVAL;
}

int align_arch_parse(align_arch *out, const char *s)
{
    static const struct {
        const char *name;
        align_arch arch;
    } names[] = {
        {"amd64", ALIGN_ARCH_AMD64}, {"x86_64", ALIGN_ARCH_AMD64},  {"x86-64", ALIGN_ARCH_AMD64},
        {"arm64", ALIGN_ARCH_ARM64}, {"aarch64", ALIGN_ARCH_ARM64}, {"386", ALIGN_ARCH_386},
        {"i386", ALIGN_ARCH_386},    {"i686", ALIGN_ARCH_386},      {"x86", ALIGN_ARCH_386},
        {"arm", ALIGN_ARCH_ARM},     {"armhf", ALIGN_ARCH_ARM},     {"armv7", ALIGN_ARCH_ARM}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].arch;
            return 0;
        }
    error_set(ALIGN_EINVAL, NULL, 0, 0, "unknown architecture '%s'", s);
    error_hint("use amd64 (x86_64), arm64 (aarch64), 386 (i386, i686) or arm "
               "(armhf, armv7)");
    return ALIGN_EINVAL;
}
