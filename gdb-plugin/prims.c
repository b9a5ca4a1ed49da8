/*
 * prims.c - which libalign primitive a debugger's base type is.
 *
 * Debuggers name base types the way the producer wrote them in DWARF: GCC
 * says "long unsigned int", Clang and LLDB "unsigned long", Go "int64",
 * "[]main.Item", "map[string]int".  The alignment of a primitive must come
 * from libalign's ABI table, not from the debugger (GDB guesses it from the
 * size; Go DWARF carries none; GDB sizes a Go func field as 1 byte), and for
 * Go the pointer bytes decide the optimal order, so every spelling is mapped
 * to an align_prim here.  A name we do not know falls back to the class the
 * script saw (integer, float, Go string, ...) and the size; the caller makes
 * an opaque type of whatever is left.
 *
 * The tables are small (~60 names) and scanned linearly: a command lays out
 * one struct, and a name is looked up once per member type.
 */
#include "plugin.h"

#include <string.h>

typedef struct prim_name {
    const char *name;
    align_prim prim;
} prim_name;

/* GCC's DWARF spellings, Clang's, and what people type. */
static const prim_name c_names[] = {
    {"_Bool", ALIGN_C_BOOL},
    {"bool", ALIGN_C_BOOL},
    {"char", ALIGN_C_CHAR},
    {"signed char", ALIGN_C_SCHAR},
    {"unsigned char", ALIGN_C_UCHAR},
    {"short", ALIGN_C_SHORT},
    {"short int", ALIGN_C_SHORT},
    {"signed short", ALIGN_C_SHORT},
    {"short signed int", ALIGN_C_SHORT},
    {"unsigned short", ALIGN_C_USHORT},
    {"short unsigned int", ALIGN_C_USHORT},
    {"unsigned short int", ALIGN_C_USHORT},
    {"int", ALIGN_C_INT},
    {"signed int", ALIGN_C_INT},
    {"signed", ALIGN_C_INT},
    {"unsigned int", ALIGN_C_UINT},
    {"unsigned", ALIGN_C_UINT},
    {"long", ALIGN_C_LONG},
    {"long int", ALIGN_C_LONG},
    {"signed long", ALIGN_C_LONG},
    {"long signed int", ALIGN_C_LONG},
    {"unsigned long", ALIGN_C_ULONG},
    {"long unsigned int", ALIGN_C_ULONG},
    {"unsigned long int", ALIGN_C_ULONG},
    {"long long", ALIGN_C_LLONG},
    {"long long int", ALIGN_C_LLONG},
    {"long long signed int", ALIGN_C_LLONG},
    {"unsigned long long", ALIGN_C_ULLONG},
    {"long long unsigned int", ALIGN_C_ULLONG},
    {"unsigned long long int", ALIGN_C_ULLONG},
    {"__int128", ALIGN_C_INT128},
    {"__int128_t", ALIGN_C_INT128},
    {"unsigned __int128", ALIGN_C_UINT128},
    {"__int128 unsigned", ALIGN_C_UINT128},
    {"__uint128_t", ALIGN_C_UINT128},
    {"float", ALIGN_C_FLOAT},
    {"double", ALIGN_C_DOUBLE},
    {"long double", ALIGN_C_LDOUBLE},
    {"complex float", ALIGN_C_CFLOAT},
    {"_Complex float", ALIGN_C_CFLOAT},
    {"float _Complex", ALIGN_C_CFLOAT},
    {"complex double", ALIGN_C_CDOUBLE},
    {"_Complex double", ALIGN_C_CDOUBLE},
    {"double _Complex", ALIGN_C_CDOUBLE},
    {"complex long double", ALIGN_C_CLDOUBLE},
    {"_Complex long double", ALIGN_C_CLDOUBLE},
    {"long double _Complex", ALIGN_C_CLDOUBLE},
    {"void", ALIGN_C_VOID},
};

static const prim_name go_names[] = {
    {"bool", ALIGN_GO_BOOL},
    {"int8", ALIGN_GO_INT8},
    {"uint8", ALIGN_GO_UINT8},
    {"byte", ALIGN_GO_UINT8},
    {"int16", ALIGN_GO_INT16},
    {"uint16", ALIGN_GO_UINT16},
    {"int32", ALIGN_GO_INT32},
    {"rune", ALIGN_GO_INT32},
    {"uint32", ALIGN_GO_UINT32},
    {"int64", ALIGN_GO_INT64},
    {"uint64", ALIGN_GO_UINT64},
    {"int", ALIGN_GO_INT},
    {"uint", ALIGN_GO_UINT},
    {"uintptr", ALIGN_GO_UINTPTR},
    {"float32", ALIGN_GO_FLOAT32},
    {"float64", ALIGN_GO_FLOAT64},
    {"complex64", ALIGN_GO_COMPLEX64},
    {"complex128", ALIGN_GO_COMPLEX128},
    {"string", ALIGN_GO_STRING},
    {"unsafe.Pointer", ALIGN_GO_UNSAFE_POINTER},
    {"error", ALIGN_GO_IFACE},
    {"any", ALIGN_GO_IFACE},
    {"sync/atomic.Int64", ALIGN_GO_ATOMIC_INT64},
    {"sync/atomic.Uint64", ALIGN_GO_ATOMIC_INT64},
    {"atomic.Int64", ALIGN_GO_ATOMIC_INT64},
    {"atomic.Uint64", ALIGN_GO_ATOMIC_INT64},
};

/* Go composite types by the shape of their name, as GDB prints them. */
static const prim_name go_prefixes[] = {
    {"[]", ALIGN_GO_SLICE},          {"map[", ALIGN_GO_MAP},         {"chan ", ALIGN_GO_CHAN},
    {"<-chan ", ALIGN_GO_CHAN},      {"chan<- ", ALIGN_GO_CHAN},     {"func(", ALIGN_GO_FUNC},
    {"interface {", ALIGN_GO_IFACE}, {"interface{", ALIGN_GO_IFACE},
};

static const struct {
    const char *name;
    prim_class cls;
} class_names[] = {
    {"int", PRIM_CLASS_INT},         {"uint", PRIM_CLASS_INT},        {"char", PRIM_CLASS_INT},
    {"enum", PRIM_CLASS_INT},        {"bool", PRIM_CLASS_BOOL},       {"float", PRIM_CLASS_FLOAT},
    {"complex", PRIM_CLASS_COMPLEX}, {"string", PRIM_CLASS_STRING},   {"slice", PRIM_CLASS_SLICE},
    {"interface", PRIM_CLASS_IFACE}, {"map", PRIM_CLASS_MAP},         {"chan", PRIM_CLASS_CHAN},
    {"func", PRIM_CLASS_FUNC},       {"pointer", PRIM_CLASS_POINTER},
};

int prim_class_parse(prim_class *out, const char *s, const char *what)
{
    for (size_t i = 0; i < sizeof class_names / sizeof class_names[0]; i++)
        if (strcmp(s, class_names[i].name) == 0) {
            *out = class_names[i].cls;
            return 0;
        }
    PyErr_Format(PyExc_ValueError,
                 "%s: unknown cls '%s' (use int, uint, char, enum, bool, float, complex, "
                 "string, slice, interface, map, chan, func or pointer)",
                 what, s);
    return -1;
}

static int by_name(const prim_name *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, t[i].name) == 0)
            return (int)t[i].prim;
    return -1;
}

/* Integer, float and complex primitives by size: the model's own types of
 * that size, which is what an unknown name of that class lays out as. */
static int by_class(align_lang lang, prim_class cls, int64_t size)
{
    const bool go = lang == ALIGN_LANG_GO;
    switch (cls) {
    case PRIM_CLASS_INT:
        switch (size) {
        case 1: return go ? ALIGN_GO_INT8 : ALIGN_C_CHAR;
        case 2: return go ? ALIGN_GO_INT16 : ALIGN_C_SHORT;
        case 4: return go ? ALIGN_GO_INT32 : ALIGN_C_INT;
        case 8: return go ? ALIGN_GO_INT64 : ALIGN_C_LONG;
        case 16: return go ? -1 : ALIGN_C_INT128;
        default: return -1;
        }
    case PRIM_CLASS_BOOL: return size == 1 ? (go ? ALIGN_GO_BOOL : ALIGN_C_BOOL) : -1;
    case PRIM_CLASS_FLOAT:
        switch (size) {
        case 4: return go ? ALIGN_GO_FLOAT32 : ALIGN_C_FLOAT;
        case 8: return go ? ALIGN_GO_FLOAT64 : ALIGN_C_DOUBLE;
        case 16: return go ? -1 : ALIGN_C_LDOUBLE;
        default: return -1;
        }
    case PRIM_CLASS_COMPLEX:
        switch (size) {
        case 8: return go ? ALIGN_GO_COMPLEX64 : ALIGN_C_CFLOAT;
        case 16: return go ? ALIGN_GO_COMPLEX128 : ALIGN_C_CDOUBLE;
        case 32: return go ? -1 : ALIGN_C_CLDOUBLE;
        default: return -1;
        }
    case PRIM_CLASS_STRING: return go ? ALIGN_GO_STRING : -1;
    case PRIM_CLASS_SLICE: return go ? ALIGN_GO_SLICE : -1;
    case PRIM_CLASS_IFACE: return go ? ALIGN_GO_IFACE : -1;
    case PRIM_CLASS_MAP: return go ? ALIGN_GO_MAP : -1;
    case PRIM_CLASS_CHAN: return go ? ALIGN_GO_CHAN : -1;
    case PRIM_CLASS_FUNC: return go ? ALIGN_GO_FUNC : -1;
    case PRIM_CLASS_POINTER: return go ? ALIGN_GO_UNSAFE_POINTER : -1;
    case PRIM_CLASS_NONE: return -1;
    }
    return -1;
}

int prim_lookup(align_graph *g, const char *name, prim_class cls, int64_t size)
{
    align_lang lang = align_graph_lang(g);
    int p = -1;
    uint64_t psize, pptr;
    uint32_t palign;

    if (lang == ALIGN_LANG_GO) {
        p = by_name(go_names, sizeof go_names / sizeof go_names[0], name);
        for (size_t i = 0; p < 0 && i < sizeof go_prefixes / sizeof go_prefixes[0]; i++)
            if (strncmp(name, go_prefixes[i].name, strlen(go_prefixes[i].name)) == 0)
                p = (int)go_prefixes[i].prim;
    } else {
        p = by_name(c_names, sizeof c_names / sizeof c_names[0], name);
    }
    /* The class the script saw wins over a name that merely looks like a
     * primitive: a Go `type Name string` is named "main.Name". */
    if (p < 0 || (cls != PRIM_CLASS_NONE && cls >= PRIM_CLASS_STRING))
        if (by_class(lang, cls, size) >= 0)
            p = by_class(lang, cls, size);
    if (p < 0)
        return -1;
    if (align_abi_prim(align_graph_abi(g), (align_prim)p, &psize, &palign, &pptr) < 0) {
        align_error_clear();
        return -1;
    }
    if (size >= 0 && (uint64_t)size != psize && (align_prim)p != ALIGN_GO_FUNC)
        return -1; /* not what this ABI calls that name: let the caller decide */
    return p;
}
