/*
 * model.h - the model: ABI descriptors, the type graph and the placing of
 * members (abi.c, types.c, place.c); never installed.
 *
 * model/ is what a type is and where its members go, for each target ABI:
 * the facts every other folder (sources, analyses, reports) builds on.
 *
 * A graph owns an arena (a list of large blocks) from which every node,
 * field array and string is carved; nothing is freed one by one.  Memoised
 * sizes live in a side table indexed by the type's id, so that the nodes stay
 * a pure description of what was declared and one graph can be laid out for
 * several ABIs in turn (align_graph_set_arch clears the table).
 *
 * Expected sizes: a hand-typed declaration has a handful of types; a Go
 * binary's DWARF (cmd/go) about 10,000 struct types and 100,000 fields; the
 * arena's 64 KiB blocks and the doubling arrays are sized for that.
 *
 * Everything above the model (source/, analysis/, escape/, report/)
 * includes this header; the model includes only util/.
 */
#ifndef LIBALIGN_MODEL_H
#define LIBALIGN_MODEL_H

#include "util/arena.h"
#include "util/internal.h"
#include "util/table.h"

/* ------------------------------------------------------------------ ABI */

typedef struct abi_prim {
    uint32_t size;    /* bytes; 0 with align 0: absent in this language */
    uint32_t align;   /* bytes, alignment as a struct member */
    uint32_t ptrdata; /* Go: pointer bytes at the start of the value */
} abi_prim;

struct align_abi {
    const char *name; /* "go/amd64" */
    align_lang lang;
    align_arch arch;
    uint32_t pointer_size;
    uint32_t pointer_align;
    uint32_t max_align; /* largest natural alignment (Go) */
    /* Go: a non-empty struct whose last field has size 0 gets one more byte
     * (cmd/compile/internal/types/size.go, issue 9401). */
    bool go_zero_size_tail_byte;
    /* C: whether an unnamed bit-field's declared type raises the record's
     * alignment (GCC's TARGET_ALIGN_ANON_BITFIELD). */
    bool c_anon_bitfield_aligns;
    /* C: whether a zero-width bit-field's type raises the record's
     * alignment (true on aarch64, false on x86-64: measured with GCC 12). */
    bool c_zero_width_bitfield_aligns;
    /* Go: int64/uint64 are less than 8-aligned (386, arm) while sync/atomic's
     * 64-bit operations need 8 (sync/atomic/doc.go, "Bugs"): the optimizer
     * keeps 8-aligned 64-bit integers 8-aligned, and layouts flag the
     * others. */
    bool go_atomic64_unaligned;
    /* C: GCC vector types (vector_size(N), __m128) are N bytes and
     * N-aligned up to c_vector_max_align (0: no cap); on i386 an 8-byte
     * vector of integers (DImode: no MMX by default) is aligned like long
     * long, c_vector8_int_align.  See abi_vector_align. */
    uint32_t c_vector_max_align;
    uint32_t c_vector8_int_align;
    abi_prim prim[ALIGN_PRIM_COUNT];
};

/* The alignment GCC gives a C vector of `size` bytes (a power of two) on
 * abi; int_elems: its elements are integers. */
uint32_t abi_vector_align(const align_abi *abi, uint64_t size, bool int_elems);

/* A primitive's name in a table of them: Go's predeclared types (below),
 * C's typedefs usable without their headers (decl_c.c), DWARF's spellings
 * of C base types (dwarf_c.c). */
typedef struct prim_name {
    const char *name;
    align_prim prim;
} prim_name;
/* The entry of table t (n entries) named name[0..len), or NULL. */
const prim_name *prim_name_find(const prim_name *t, size_t n, const char *name, size_t len);

/* Go's predeclared types by name (the spec's "Predeclared identifiers"):
 * what the declaration parser resolves a bare `int64` to, and what the
 * DWARF reader makes of a base type without DW_AT_go_kind.  byte and rune
 * are uint8 and int32; error and any are interfaces (two words).  The one
 * named name[0..len), or NULL. */
const prim_name *go_predeclared_find(const char *name, size_t len);

/* ---------------------------------------------------------------- types */

typedef struct align_field {
    const char *name; /* "" when anonymous */
    align_type *type;
    uint32_t aligned;
    bool packed;
    bool is_bitfield;
    bool embedded;
    uint32_t bit_size;
    const char *decl_text;
    int64_t given_bit_offset;
    align_srcpos pos;
} align_field;

struct align_type {
    uint32_t id; /* index in the graph's side tables */
    align_kind kind;
    align_prim prim;     /* ALIGN_KIND_PRIM */
    const char *name;    /* named types, records with a tag; else NULL */
    const char *display; /* how users see it; never NULL */
    align_type *target;  /* pointer, array element, named underlying */
    uint64_t count;      /* arrays; ALIGN_FLEXIBLE for `T x[]` */
    bool vector;         /* arrays: a GCC vector, aligned by the ABI's
                            vector rule, not like its element */
    bool atomic;         /* named: C `_Atomic T` (align_type_atomic) */
    uint8_t quals;       /* named, no name: C const/volatile/restrict
                            (ALIGN_QUAL_*, align_type_qualified) */
    /* records */
    align_field *fields;
    uint32_t nfields;
    uint32_t fields_cap;
    bool complete;
    bool packed;                   /* __attribute__((packed)) */
    uint32_t aligned;              /* aligned(N) on the record or typedef */
    int64_t given_size;            /* DWARF byte_size, -1 unknown */
    int64_t given_align;           /* debugger's alignof, -1 unknown */
    const char *align_note;        /* how the alignment was inferred, or NULL */
    bool align_inferred;           /* the debug information leaves it open
                                      (align_layout.align_inferred) */
    const char *typedef_name;      /* C: a typedef naming this tagged record */
    align_order_fixed order_fixed; /* ALIGN_ORDER_FREE unless marked */
    /* opaque */
    uint64_t opaque_size;
    uint32_t opaque_align;
    uint64_t opaque_ptrdata;
    align_srcpos pos;
    /* An anonymous record held by value in a named one: its name in
     * reports, "Enclosing.field" (align_graph_label_anonymous); NULL for
     * other types.  label_of is the record holding it (the first seen);
     * NULL for a Go struct named after its one package variable. */
    const char *label;
    const align_type *label_of;
    /* Go, label_of NULL: the variable is an array, a slice or a map of
     * the struct (`var V [4]struct {`, `var V = []struct {`, `var V =
     * map[K]struct {`), not the struct */
    bool label_elem;
    /* Go, label_of NULL: named after a function's local variable or
     * parameter, "pkg.F.v" (source/go_locals.c), not a package variable;
     * label_pkg is the length of the package path that starts the label
     * ("pkg").  label_shared (label_of NULL, a local's or a package
     * variable's): how many other variables have the struct (at most
     * UINT16_MAX). */
    bool label_local;
    /* Go, label_of NULL: named after a defined array type whose element
     * it is (`type semTable [N]struct {...}`, "runtime.semTable"), met
     * as a package variable's type, not after the variable */
    bool label_defined;
    uint16_t label_shared;
    uint32_t label_pkg;
};

/* Memo of one type's size for the graph's current ABI. */
typedef enum memo_state { MEMO_NONE = 0, MEMO_BUSY, MEMO_DONE } memo_state;
typedef struct type_memo {
    uint8_t state;
    uint32_t align;
    uint64_t size;
    uint64_t ptrdata;
} type_memo;

typedef struct name_entry {
    const char *name;
    align_type *type;
} name_entry;

typedef TABLE_OF(name_entry) name_table; /* name -> entry, in the order bound */

struct align_graph {
    align_lang lang;
    const align_abi *abi;
    /* The architecture the graph was made for: sizes a compiler wrote
     * (align_record_complete's given_size) describe it, so a nested record
     * takes its given size only while the graph is laid out for it, and the
     * model's size once projected to another architecture. */
    align_arch given_arch;
    /* Go: the release whose compiler and runtime the types come from, as
     * the minor number of Go 1.x (27 for go1.27.4); 0 when unknown. */
    unsigned go_release;
    arena arena;        /* every node, field array and string */
    align_type **types; /* every node, by id */
    size_t ntypes, types_cap;
    type_memo *memo; /* side table, same index as types */
    size_t memo_cap;
    align_type **decls; /* top-level declarations in order */
    size_t ndecls, decls_cap;
    name_table names;                    /* Go type names, C typedef names */
    name_table tags;                     /* C struct/union/enum tags */
    align_type *prims[ALIGN_PRIM_COUNT]; /* interned primitives */
};

/* ---------------------------------------------------------------- layout */

/* One placed member, the engine's working form (bits throughout). */
typedef struct placed {
    uint64_t bit_offset; /* absolute */
    uint64_t bit_size;   /* storage bits the member occupies: its width
                            for bit-fields, size*8 otherwise */
    uint64_t size;       /* bytes of the declared type */
    uint32_t align;      /* effective member alignment, bytes */
    uint64_t ptrdata;
} placed;

/* Lays the record's fields out in the given order (order[i] = declaration
 * index of the i-th field placed; NULL = declaration order), by the model of
 * the graph's ABI.  Fills out[] indexed by declaration index, the record's
 * size, alignment and pointer bytes.  Used by align_type_size for nested
 * records and by the optimizer to evaluate candidate orders. */
int layout_place(align_graph *g, const align_type *rec, const size_t *order, placed *out,
                 uint64_t *size, uint32_t *align, uint64_t *ptrdata, unsigned depth);
int type_size_depth(align_graph *g, const align_type *t, uint64_t *size, uint32_t *align,
                    uint64_t *ptrdata, unsigned depth);
/* Room for exactly n fields in a record that has none yet, so that adding
 * them never grows (and never leaves) an array in the arena: a reader that
 * knows the count before it adds (the DWARF reader, once a record's members
 * are read) saves the doubling's slack, up to half of every record's field
 * array, for the graph's lifetime.  0, or ALIGN_ENOMEM / ALIGN_ELIMIT. */
int record_reserve_fields(align_graph *g, align_type *rec, size_t n);

/* layout_place one member at a time, for searches that share a prefix of
 * an order among many orders (optimize.c): init, then place_member for
 * each declaration index in order, then place_end for the record's size,
 * alignment and pointer bytes.  layout_place is exactly these steps.  The
 * cursor is a value: copy it to go back to an earlier prefix. */
typedef struct place_cursor {
    uint64_t bitpos;    /* where the next member may start, bits */
    uint64_t max_bits;  /* the furthest end so far, bits */
    uint64_t ptrdata;   /* Go: the pointer prefix so far, bytes */
    uint64_t last_size; /* Go: the last member's bytes */
    uint32_t align;     /* the largest member alignment so far, bytes */
    uint32_t nplaced;
} place_cursor;
void layout_cursor_init(place_cursor *c);
int layout_place_member(align_graph *g, const align_type *rec, size_t i, place_cursor *c,
                        placed *out, unsigned depth);
int layout_place_end(align_graph *g, const align_type *rec, const place_cursor *c, uint64_t *size,
                     uint32_t *align, uint64_t *ptrdata);

/* Go: does the type resolve to int64 or uint64? */
bool type_is_int64(const align_type *t);

/* Labels the anonymous records rec (itself labelled: a Go struct named
 * after its package variable) holds by value, at any depth, as
 * align_graph_label_anonymous labels a named record's: "pkg.V.f",
 * "pkg.V.f.g", each with label_of its holder.  0, or ALIGN_ENOMEM. */
int type_label_fields(align_graph *g, const align_type *rec);

#endif
