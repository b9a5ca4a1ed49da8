/*
 * go_origin.c - who laid a Go struct out, and so whether its field order is
 * the user's to change.
 *
 * A Go binary's DWARF holds three kinds of struct types besides the ones a
 * program declares:
 *
 *   - types the linker synthesizes for debuggers (cmd/link/internal/ld/
 *     dwarf.go, synthesizechantypes and synthesizemaptypes), named with
 *     angle brackets: hchan<T>, sudog<T>, waitq<T> (every release), and for
 *     maps hash<K,V> and bucket<K,V> (1.19-1.23) or map<K,V>, table<K,V>
 *     and groupReference<K,V> (1.24+, swiss tables).  They are copies of
 *     the runtime's hchan, sudog, waitq, hmap/bmap or internal/runtime/
 *     maps.Map/table/groupsReference with some member types replaced (the
 *     element pointer by *T, ...), and bucket<K,V> is assembled member by
 *     member by the linker itself.  Their offsets are the runtime struct's,
 *     not what the compiler's rules give the substituted members: in 1.26
 *     sudog's elem is a 16-byte maybeTraceablePtr that DWARF calls *T (8
 *     bytes), so the model cannot be the judge and no order of them can be
 *     written by anyone;
 *   - types the compiler makes for itself, named noalg.* (map groups and
 *     slots noalg.map.group[K]V and noalg.struct { key K; elem V }, 1.19's
 *     noalg.map.bucket[K]V, closure contexts noalg.struct { F uintptr; ...
 *     }): laid out by the compiler's rules (the model checks them), but no
 *     source declares them, and the runtime depends on their order;
 *   - structs with a structs.HostLayout field (Go 1.23+, decided by
 *     layout.c from the members): their order is the platform ABI's, for C
 *     and system calls.
 *
 * Names listed here were read from the DWARF of programs with channels and
 * maps built by Go 1.19, 1.22, 1.23, 1.24, 1.25, 1.26 and 1.27 (amd64, 386,
 * arm): exactly these angle-bracket prefixes occur.
 *
 * The align64 marker: cmd/compile/internal/types/size.go gives the empty
 * struct named align64 of sync/atomic and of the runtime's atomic package
 * (runtime/internal/atomic up to 1.22, internal/runtime/atomic from 1.23)
 * alignment 8 on every target, so sync/atomic.Int64 and the runtime's
 * Int64/Uint64 (which hold one) are 8-aligned on 386 and arm.
 */
#include "model/model.h"

#include <string.h>

align_order_fixed align_go_type_origin(const char *name)
{
    static const char *const linker[] = {"hchan<",  "sudog<", "waitq<", "hash<",
                                         "bucket<", "map<",   "table<", "groupReference<"};
    size_t n;
    if (name == NULL)
        return ALIGN_ORDER_FREE;
    n = strlen(name);
    if (n > 0 && name[n - 1] == '>')
        for (size_t i = 0; i < sizeof linker / sizeof linker[0]; i++)
            if (strncmp(name, linker[i], strlen(linker[i])) == 0)
                return ALIGN_ORDER_GO_LINKER;
    if (strncmp(name, "noalg.", 6) == 0)
        return ALIGN_ORDER_GO_COMPILER;
    return ALIGN_ORDER_FREE;
}

uint32_t align_go_record_align(const char *name)
{
    static const char *const align64[] = {"sync/atomic.align64", "runtime/internal/atomic.align64",
                                          "internal/runtime/atomic.align64"};
    if (name == NULL)
        return 0;
    for (size_t i = 0; i < sizeof align64 / sizeof align64[0]; i++)
        if (strcmp(name, align64[i]) == 0)
            return 8;
    return 0;
}

const char *align_order_fixed_name(align_order_fixed why)
{
    switch (why) {
    case ALIGN_ORDER_GO_LINKER: return "go_linker";
    case ALIGN_ORDER_GO_COMPILER: return "go_compiler";
    case ALIGN_ORDER_HOST_LAYOUT: return "host_layout";
    default: return NULL;
    }
}

const char *align_order_fixed_reason(align_order_fixed why)
{
    switch (why) {
    case ALIGN_ORDER_GO_LINKER:
        return "synthesized by the Go linker for debuggers (a runtime struct with its element "
               "types filled in), not laid out by the compiler: no source declares it, so it is "
               "not reordered and not checked against the model";
    case ALIGN_ORDER_GO_COMPILER:
        return "made by the Go compiler for the runtime (noalg.*): no source declares it and the "
               "runtime depends on its order, so it is not reordered";
    case ALIGN_ORDER_HOST_LAYOUT:
        return "has a structs.HostLayout field: its order is the platform ABI's (C, system "
               "calls), so it is never reordered";
    default: return NULL;
    }
}
