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
 *   sync/atomic.Int64 and Uint64 (and the runtime's internal copies,
 *                   runtime/internal/atomic up to Go 1.22, internal/runtime/
 *                   atomic from 1.23) are structs whose align64 marker makes
 *                   them 8-aligned even on 32-bit targets; the align64
 *                   record itself is given alignment 8 (go_origin.c), so the
 *                   structs read as records lay out right too.
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

/* Base types of producers that leave DW_AT_go_kind out: the numeric and
 * boolean predeclared types (a base type is never a string or an
 * interface). */
static int name_prim(const char *name)
{
    const prim_name *pd = name ? go_predeclared_find(name, strlen(name)) : NULL;
    if (pd == NULL || pd->prim == ALIGN_GO_STRING || pd->prim == ALIGN_GO_IFACE)
        return -1;
    return (int)pd->prim;
}

/* Types whose align64 marker the model knows as ALIGN_GO_ATOMIC_INT64. */
static bool is_atomic64(const char *name)
{
    return name != NULL &&
           (strcmp(name, "sync/atomic.Int64") == 0 || strcmp(name, "sync/atomic.Uint64") == 0 ||
            strcmp(name, "runtime/internal/atomic.Int64") == 0 ||
            strcmp(name, "runtime/internal/atomic.Uint64") == 0 ||
            strcmp(name, "internal/runtime/atomic.Int64") == 0 ||
            strcmp(name, "internal/runtime/atomic.Uint64") == 0);
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

/* ------------------------------------------- linker-synthesized records */

/* The runtime struct each kind of linker record copies
 * (cmd/link/internal/ld/dwarf.go: findprotodie in synthesizechantypes and
 * synthesizemaptypes).  bucket<K,V> is assembled by the linker itself. */
static const struct {
    const char *prefix, *proto;
} linker_protos[] = {
    {"hchan<", "runtime.hchan"},
    {"sudog<", "runtime.sudog"},
    {"waitq<", "runtime.waitq"},
    {"hash<", "runtime.hmap"},
    {"map<", "internal/runtime/maps.Map"},
    {"table<", "internal/runtime/maps.table"},
    {"groupReference<", "internal/runtime/maps.groupsReference"},
};

#define NPROTOS (sizeof linker_protos / sizeof linker_protos[0])

/* The bytes from field i's given offset to the next member's (or the
 * record's end); 0 when positions are unknown. */
static uint64_t room_after(const align_type *rec, uint32_t i)
{
    int64_t at = rec->fields[i].given_bit_offset, next = rec->given_size * 8;
    if (at < 0 || rec->given_size < 0)
        return 0;
    for (uint32_t k = 0; k < rec->nfields; k++)
        if (rec->fields[k].given_bit_offset > at && rec->fields[k].given_bit_offset < next)
            next = rec->fields[k].given_bit_offset;
    return next > at ? (uint64_t)(next - at) / 8 : 0;
}

/* The linker copies a runtime struct and replaces some members' types
 * (substitutetype): the element pointer of sudog<T> becomes *T.  Where the
 * runtime's member is bigger than that (Go 1.26+: sudog.elem is a 16-byte
 * maybeTraceablePtr, DWARF says *T, 8 bytes), the bytes after it are the
 * member's, not padding: the member takes the runtime's type, which the
 * same DWARF describes (the prototype record at the same offset, of the
 * same name), and only when it fits the room before the next member.  A
 * binary without the prototype is left as written. */
int go_fix_linker_members(align_graph *g, align_type **recs, size_t n)
{
    const align_type *protos[NPROTOS] = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < NPROTOS; k++)
            if (recs[i]->name != NULL && strcmp(recs[i]->name, linker_protos[k].proto) == 0)
                protos[k] = recs[i];
    for (size_t i = 0; i < n; i++) {
        align_type *rec = recs[i];
        const align_type *proto = NULL;
        if (rec->order_fixed != ALIGN_ORDER_GO_LINKER || rec->name == NULL)
            continue;
        for (size_t k = 0; k < NPROTOS; k++)
            if (strncmp(rec->name, linker_protos[k].prefix, strlen(linker_protos[k].prefix)) == 0)
                proto = protos[k];
        if (proto == NULL || !proto->complete)
            continue;
        for (uint32_t f = 0; f < rec->nfields; f++) {
            align_field *mf = &rec->fields[f];
            for (uint32_t p = 0; p < proto->nfields; p++) {
                const align_field *pf = &proto->fields[p];
                uint64_t have, want, ptr;
                uint32_t al;
                if (strcmp(pf->name, mf->name) != 0 || pf->given_bit_offset != mf->given_bit_offset)
                    continue;
                if (align_type_size(g, mf->type, &have, &al, &ptr) < 0 ||
                    align_type_size(g, pf->type, &want, &al, &ptr) < 0) {
                    align_error_clear(); /* an unsized member: leave it */
                    break;
                }
                if (want > have && want <= room_after(rec, f))
                    mf->type = pf->type;
                break;
            }
        }
    }
    return 0;
}
