/*
 * dwarf_go.c - what is particular to the DWARF the Go linker writes.
 *
 * cmd/link (Go 1.19, cmd/link/internal/ld/dwarf.go) describes Go types with
 * standard tags plus DW_AT_go_kind (reflect.Kind) on every type DIE:
 *
 *   base types      DW_TAG_base_type, named "int64" or "main.MyInt" (a
 *                   defined type over a basic type is itself a base type);
 *   string          DW_TAG_structure_type "string" {str *uint8; len int},
 *                   kind 24;
 *   slices          DW_TAG_structure_type "[]T" {array *T; len; cap}, kind
 *                   23 (also "main.Strs" for a defined slice type);
 *   interfaces      DW_TAG_typedef "interface { String() string }" or
 *                   "error", kind 20, over runtime.iface / runtime.eface;
 *   maps, channels  DW_TAG_typedef "map[K]V" / "chan T", kinds 21 / 18, over
 *                   pointers to the runtime's hash<K,V> / hchan<T>;
 *   funcs           DW_TAG_subroutine_type "func(int) int", kind 19, 8 bytes;
 *   unsafe.Pointer  DW_TAG_pointer_type without DW_AT_type;
 *   sync/atomic.Int64 and Uint64 (and the runtime's internal copies) are
 *                   structs whose align64 marker makes them 8-aligned even on
 *                   32-bit targets.
 *
 * Each maps onto the model's primitive of the same meaning, so that sizes,
 * alignments and pointer bytes come from the ABI table (abi.c) and stay right
 * when a graph is projected onto another architecture.  The node is wrapped
 * in a named node carrying the DWARF name whenever that differs from the
 * primitive's own name, so users read "[]string", not "[]T".  A DIE whose
 * DWARF size contradicts the table is left to the generic reader (a record
 * or an opaque type): the table is never silently trusted over the compiler.
 *
 * Rejected: laying out the runtime's own structs (string as {*uint8; int})
 * would give the same sizes on 64-bit targets but lose what the type is:
 * pointer bytes of interfaces (two words), the optimizer's knowledge that a
 * slice is one 8-aligned 24-byte unit, and display names.
 */
#include "source/dwarf_read.h"

#include <string.h>

static const align_prim kind_prims[] = {
    [GO_KIND_BOOL] = ALIGN_GO_BOOL,
    [GO_KIND_INT] = ALIGN_GO_INT,
    [GO_KIND_INT8] = ALIGN_GO_INT8,
    [GO_KIND_INT16] = ALIGN_GO_INT16,
    [GO_KIND_INT32] = ALIGN_GO_INT32,
    [GO_KIND_INT64] = ALIGN_GO_INT64,
    [GO_KIND_UINT] = ALIGN_GO_UINT,
    [GO_KIND_UINT8] = ALIGN_GO_UINT8,
    [GO_KIND_UINT16] = ALIGN_GO_UINT16,
    [GO_KIND_UINT32] = ALIGN_GO_UINT32,
    [GO_KIND_UINT64] = ALIGN_GO_UINT64,
    [GO_KIND_UINTPTR] = ALIGN_GO_UINTPTR,
    [GO_KIND_FLOAT32] = ALIGN_GO_FLOAT32,
    [GO_KIND_FLOAT64] = ALIGN_GO_FLOAT64,
    [GO_KIND_COMPLEX64] = ALIGN_GO_COMPLEX64,
    [GO_KIND_COMPLEX128] = ALIGN_GO_COMPLEX128,
    [GO_KIND_CHAN] = ALIGN_GO_CHAN,
    [GO_KIND_FUNC] = ALIGN_GO_FUNC,
    [GO_KIND_INTERFACE] = ALIGN_GO_IFACE,
    [GO_KIND_MAP] = ALIGN_GO_MAP,
    [GO_KIND_SLICE] = ALIGN_GO_SLICE,
    [GO_KIND_STRING] = ALIGN_GO_STRING,
    [GO_KIND_UNSAFE_POINTER] = ALIGN_GO_UNSAFE_POINTER,
};

/* The primitive for a kind, or -1 (arrays, pointers, structs: not
 * primitives; 0 and unknown kinds). */
static int kind_prim(uint64_t kind)
{
    if (kind == 0 || kind >= sizeof kind_prims / sizeof kind_prims[0] ||
        (kind_prims[kind] == ALIGN_GO_BOOL && kind != GO_KIND_BOOL))
        return -1;
    return (int)kind_prims[kind];
}

/* Base types of producers that leave DW_AT_go_kind out. */
static int name_prim(const char *name)
{
    static const struct {
        const char *name;
        align_prim prim;
    } names[] = {
        {"bool", ALIGN_GO_BOOL},           {"int", ALIGN_GO_INT},
        {"int8", ALIGN_GO_INT8},           {"int16", ALIGN_GO_INT16},
        {"int32", ALIGN_GO_INT32},         {"int64", ALIGN_GO_INT64},
        {"uint", ALIGN_GO_UINT},           {"uint8", ALIGN_GO_UINT8},
        {"uint16", ALIGN_GO_UINT16},       {"uint32", ALIGN_GO_UINT32},
        {"uint64", ALIGN_GO_UINT64},       {"uintptr", ALIGN_GO_UINTPTR},
        {"float32", ALIGN_GO_FLOAT32},     {"float64", ALIGN_GO_FLOAT64},
        {"complex64", ALIGN_GO_COMPLEX64}, {"complex128", ALIGN_GO_COMPLEX128},
    };
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return (int)names[i].prim;
    return -1;
}

/* Types whose align64 marker the model knows as ALIGN_GO_ATOMIC_INT64. */
static bool is_atomic64(const char *name)
{
    return name != NULL &&
           (strcmp(name, "sync/atomic.Int64") == 0 || strcmp(name, "sync/atomic.Uint64") == 0 ||
            strcmp(name, "runtime/internal/atomic.Int64") == 0 ||
            strcmp(name, "runtime/internal/atomic.Uint64") == 0);
}

/* The primitive, named after the DIE when its name is not the primitive's. */
static align_type *wrap(dwarf_reader *rd, align_prim p, const char *name, int *rc)
{
    align_graph *g = reader_graph(rd);
    align_type *t = align_type_prim(g, p);
    if (t != NULL && name != NULL && strcmp(name, align_prim_name(p)) != 0)
        t = align_type_named(g, name, t);
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}

/* Whether DWARF's byte_size (when given) is the ABI table's size. */
static bool size_agrees(dwarf_reader *rd, align_prim p, const die_info *d)
{
    uint64_t size, ptrdata;
    uint32_t align;
    if (!(d->has & HAS_BYTE_SIZE))
        return true;
    if (align_abi_prim(align_graph_abi(reader_graph(rd)), p, &size, &align, &ptrdata) < 0)
        return false;
    return size == d->byte_size;
}

align_type *go_special_type(dwarf_reader *rd, const die_info *d, int *rc)
{
    int p = -1;

    *rc = 0;
    switch (d->tag) {
    case DW_TAG_base_type:
        p = (d->has & HAS_GO_KIND) ? kind_prim(d->go_kind) : name_prim(d->name);
        break;
    case DW_TAG_structure_type:
        if ((d->has & HAS_GO_KIND) && (d->go_kind == GO_KIND_STRING || d->go_kind == GO_KIND_SLICE))
            p = kind_prim(d->go_kind);
        break;
    case DW_TAG_typedef:
        if (is_atomic64(d->name))
            return wrap(rd, ALIGN_GO_ATOMIC_INT64, d->name, rc);
        if ((d->has & HAS_GO_KIND) &&
            (d->go_kind == GO_KIND_INTERFACE || d->go_kind == GO_KIND_MAP ||
             d->go_kind == GO_KIND_CHAN || d->go_kind == GO_KIND_FUNC ||
             d->go_kind == GO_KIND_UNSAFE_POINTER))
            p = kind_prim(d->go_kind);
        break;
    case DW_TAG_subroutine_type: p = ALIGN_GO_FUNC; break;
    case DW_TAG_pointer_type:
        if (!(d->has & HAS_TYPE) ||
            ((d->has & HAS_GO_KIND) && d->go_kind == GO_KIND_UNSAFE_POINTER))
            p = ALIGN_GO_UNSAFE_POINTER;
        break;
    default: break;
    }
    if (p < 0 || !size_agrees(rd, (align_prim)p, d))
        return NULL;
    return wrap(rd, (align_prim)p, d->name, rc);
}
