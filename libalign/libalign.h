/*
 * libalign.h - exact struct layouts for Go and C, their padding, the smallest
 * field order, and the cost of the waste multiplied by instance counts.
 *
 * This is the only public header of libalign.  Everything the CLI, the Python
 * module and the tests use is declared here, with ALIGN_API: the library
 * is built with -fvisibility=hidden and exports nothing else.
 *
 * THE DATA MODEL
 *
 *   align_graph   owns every type and string made for it (one arena, freed in
 *                 one call).  A graph is for one language (Go or C) and one
 *                 target ABI (align_abi), which can be changed to project the
 *                 same types onto another architecture.
 *
 *   align_type    a node: primitive, pointer, array, struct, union, named type
 *                 (C typedef or enum, Go defined type), C function type, or an
 *                 opaque type with a known size and alignment (what a DWARF
 *                 reader or a debugger hands us for types we cannot model).
 *                 Types are immutable once their record is completed; sizes
 *                 and alignments are never stored in the node: they are
 *                 computed for the graph's current ABI and memoised in a side
 *                 table of the graph.
 *
 *   align_field   a member of a struct or union, as declared: name, type,
 *                 attributes (aligned(N), packed), bit-field width, and
 *                 optionally the position a compiler wrote (DWARF) so that the
 *                 layout can trust it and cross-check the model against it.
 *
 *   align_layout  the result of laying one record out: members with offsets,
 *                 byte holes, bit holes, tail padding, the optimal order and
 *                 its size, Go pointer bytes, and (Go on 386 and arm) the
 *                 64-bit integers at any depth that sync/atomic cannot use
 *                 where they sit (align_atomic_field: a path and an absolute
 *                 offset).  Owned by the caller; freed with
 *                 align_layout_free().  It points into the graph, so it must
 *                 not outlive it.
 *
 * WHERE THINGS ARE (one concept per file, one folder per step)
 *
 *   util/      internal.h (checked arithmetic, TRY, the error setter),
 *              error.c (the per-thread error record), buf.c (align_buf, and
 *              the JSON strings and object members every renderer writes),
 *              file.c (bounded reads of regular files), progress.h (when a
 *              long read reports), and one of each mechanism: arena.c (the
 *              region allocator), hash.h (FNV-1a), vec.c (the growable
 *              array, public as align_vec_*), table.c (the open-addressing
 *              hash index)
 *   model/     abi.c (one descriptor per target), types.c (the type graph,
 *              its arena and name tables), place.c (where each member goes:
 *              the compilers' rules), go_origin.c (where a Go type comes
 *              from: runtime, linker, compiler); model.h
 *   source/    where types come from: lex.c, decl_go.c, decl_c.c and
 *              decl_c_expr.c (declarations typed by hand; spans.c records
 *              their text for rewrite/); inputs.c (which files a path
 *              stands for), debuglink.c (separate debug files), archive.c
 *              (.a members); dwarf.c, dwarf_go.c, dwarf_c.c, dwarf_attr.c
 *              (a binary's DWARF through libdwarf), dwarf_scan.c (the raw
 *              .debug_info: C records' fingerprints, to skip a unit's
 *              repeated copies, and Go functions' DIEs decoded without
 *              libdwarf), dwarf_lines.c (the raw .debug_line of Go units);
 *              elf_check.c (the ELF pre-check); gofuncs.c and
 *              dwarf_funcs.c (a Go binary's functions and variables, for
 *              the join); go_locals.c (anonymous structs named after the
 *              function-local variable they are the type of)
 *   analysis/  layout.c (holes, padding, the cross-check), optimize.c (the
 *              smallest order, Go's blank fields kept where they must be),
 *              atomic.c (Go's 64-bit atomics on 386/arm), infer.c
 *              (attributes recovered from a compiler's offsets), counts.c
 *              (instance counts and costs), heap.c (Go size classes,
 *              sizeclasses.h generated per release), carry.c (savings
 *              carried up through records held by value), maps.c (Go map
 *              entries and their padding); analysis.h
 *   escape/    escape.c and escape_json.c (the compiler's -m logs; a
 *              -json directory's files parsed on several threads when
 *              asked), heapsites.c and heapsites_resolve.c (the join of
 *              log and binary: which type is allocated where),
 *              heapsites_store.c and siterecs.c (how the join keeps its
 *              sites: records of a few bytes); escape.h, heapsites.h
 *   measure/   profile.c (Go heap profiles: pprof's gzipped protobuf, read
 *              with protobuf-c and zlib), profile_join.c (their allocation
 *              sites tied to types through the escape join): measured
 *              instance counts, another source of counts beside escape/
 *   report/    report_text.c, report_json.c (renderers), render_go.c (a Go
 *              declaration as its package's source writes it)
 *   rewrite/   rewrite.c (structalign fix: guards, orders, new file text),
 *              body.c (a struct body cut into members with their comments,
 *              written again in a new order); rewrite.h.  The parsers of
 *              source/ record the spans it needs (source/spans.h)

 *   Data flows one way; each arrow is "includes a header of", and
 *   tools/check-includes (make check) fails on a cycle:
 *
 *       util     <- everyone (arithmetic, hash, errors, buffers)
 *       model    -> util
 *       source   -> model        analysis -> model        report -> model
 *       escape   -> source (the Go functions), model
 *       measure  -> source (the Go functions), through the public API to
 *                   escape's join
 *       rewrite  -> source (spans), model, analysis (through the public API)
 *
 *   (tools/check-includes --graph prints the graph as the code has it.)
 *
 *   Within model, types.c and place.c call each other (a record's size is
 *   where its members end; a member may be a record); nothing else recurses
 *   across files.
 *
 * CONVENTIONS (see shared/STYLE.md)
 *
 *   Functions that can fail return 0 or a negative ALIGN_E* code and record a
 *   message in a per-thread error record (align_error_last()).  The library
 *   never prints and never exits.  Out-parameters come first.  Programmer
 *   mistakes (NULL graph, ...) are assert()ed.  Every size computation is
 *   overflow-checked: a size that does not fit in 64 bits is ALIGN_EOVERFLOW.
 *   All sizes are bytes unless the name says bits.
 *
 *   Threads: the library starts none and keeps no state between calls but
 *   the per-thread error record, so objects that share nothing may be used
 *   on different threads at once; one object is used by one thread at a
 *   time.  structalign reads a binary (align_binary_open_opts) on one
 *   thread while another reads escape logs into an align_heap_join, and
 *   hands the binary over only for align_heap_join_finish (cli/bgload.c).
 */
#ifndef LIBALIGN_H
#define LIBALIGN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks what libalign exports.  The library is built with
 * -fvisibility=hidden: a function is part of the API (and of the ABI that
 * the libtool version in configure.ac numbers) only when it is declared
 * here with ALIGN_API.  tests/exports.sh checks that libalign.so exports
 * nothing else. */
#if defined(__GNUC__) || defined(__clang__)
#define ALIGN_API __attribute__((visibility("default")))
#else
#define ALIGN_API
#endif

/* ---------------------------------------------------------------- errors */

enum {
    ALIGN_OK = 0,
    ALIGN_ENOMEM = -1,      /* out of memory */
    ALIGN_ESYNTAX = -2,     /* declaration text does not parse */
    ALIGN_EUNKNOWN = -3,    /* a type name that is declared nowhere */
    ALIGN_ERECURSIVE = -4,  /* a type contains itself by value */
    ALIGN_EOVERFLOW = -5,   /* a size or count does not fit in 64 bits */
    ALIGN_EBITFIELD = -6,   /* bad bit-field (too wide, bad type, ...) */
    ALIGN_EINCOMPLETE = -7, /* incomplete type used by value */
    ALIGN_EEMPTY = -8,      /* no declaration to lay out */
    ALIGN_EINVAL = -9,      /* a bad argument value (count, arch, ...) */
    ALIGN_EIO = -10,        /* a file could not be read */
    ALIGN_EFORMAT = -11,    /* a binary or log is not in the expected format */
    ALIGN_ENOTFOUND = -12,  /* a named thing does not exist */
    ALIGN_ELIMIT = -13,     /* nesting or size beyond the library's limits */
    ALIGN_EMISMATCH = -14   /* the model disagrees with a compiler's layout */
};

/* The last error of the calling thread.  Fields are valid until the next
 * failing call on the same thread.  file is "" and line/col 0 when the error
 * has no source position. */
typedef struct align_error {
    int code;          /* an ALIGN_E* value, 0 when no error */
    char message[512]; /* one line, no trailing newline */
    char file[256];    /* input name as the caller gave it */
    unsigned line;     /* 1-based, 0 if unknown */
    unsigned col;      /* 1-based byte column, 0 if unknown */
    char hint[256];    /* what the user can do about it, "" if nothing */
} align_error;

ALIGN_API const align_error *align_error_last(void);
ALIGN_API void align_error_clear(void);
ALIGN_API const char *align_strerror(int code);

/* ------------------------------------------------------- languages, ABIs */

typedef enum align_lang { ALIGN_LANG_GO = 0, ALIGN_LANG_C = 1 } align_lang;

typedef enum align_arch {
    ALIGN_ARCH_AMD64 = 0,
    ALIGN_ARCH_ARM64 = 1,
    ALIGN_ARCH_386 = 2,
    ALIGN_ARCH_ARM = 3
} align_arch;

/* Primitive types.  Each ABI descriptor gives size, alignment and (Go) the
 * pointer bytes at the start of the value; a size of 0 with align 0 means the
 * primitive does not exist in that language. */
typedef enum align_prim {
    /* Go */
    ALIGN_GO_BOOL,
    ALIGN_GO_INT8,
    ALIGN_GO_UINT8,
    ALIGN_GO_INT16,
    ALIGN_GO_UINT16,
    ALIGN_GO_INT32,
    ALIGN_GO_UINT32,
    ALIGN_GO_INT64,
    ALIGN_GO_UINT64,
    ALIGN_GO_INT,
    ALIGN_GO_UINT,
    ALIGN_GO_UINTPTR,
    ALIGN_GO_FLOAT32,
    ALIGN_GO_FLOAT64,
    ALIGN_GO_COMPLEX64,
    ALIGN_GO_COMPLEX128,
    ALIGN_GO_STRING, /* {ptr, len} */
    ALIGN_GO_SLICE,  /* {ptr, len, cap} */
    ALIGN_GO_IFACE,  /* {tab/type, data}: both words are pointers */
    ALIGN_GO_MAP,
    ALIGN_GO_CHAN,
    ALIGN_GO_FUNC,
    ALIGN_GO_UNSAFE_POINTER,
    ALIGN_GO_ATOMIC_INT64, /* sync/atomic.Int64/Uint64: align64 marker */
    /* C (GCC) */
    ALIGN_C_BOOL,
    ALIGN_C_CHAR,
    ALIGN_C_SCHAR,
    ALIGN_C_UCHAR,
    ALIGN_C_SHORT,
    ALIGN_C_USHORT,
    ALIGN_C_INT,
    ALIGN_C_UINT,
    ALIGN_C_LONG,
    ALIGN_C_ULONG,
    ALIGN_C_LLONG,
    ALIGN_C_ULLONG,
    ALIGN_C_INT128,
    ALIGN_C_UINT128,
    ALIGN_C_FLOAT,
    ALIGN_C_DOUBLE,
    ALIGN_C_LDOUBLE,
    ALIGN_C_CFLOAT,
    ALIGN_C_CDOUBLE,
    ALIGN_C_CLDOUBLE, /* _Complex */
    ALIGN_C_VOID,     /* incomplete: only behind a pointer */
    ALIGN_PRIM_COUNT
} align_prim;

/* One target ABI: the facts for one language on one architecture.  The
 * tables live in abi.c, each rule citing its source. */
typedef struct align_abi align_abi;

/* The descriptor for (lang, arch), or NULL with ALIGN_EINVAL recorded when
 * the pair is not modelled.  Descriptors are static: never freed. */
ALIGN_API const align_abi *align_abi_get(align_lang lang, align_arch arch);
ALIGN_API const char *align_abi_name(const align_abi *abi); /* "go/amd64" */
ALIGN_API align_lang align_abi_lang(const align_abi *abi);
ALIGN_API align_arch align_abi_arch(const align_abi *abi);
ALIGN_API uint32_t align_abi_pointer_size(const align_abi *abi);
/* 1 when 64-bit integers may sit at 4-aligned offsets while sync/atomic's
 * 64-bit operations need 8 (Go on 386 and arm): the one place that says
 * which targets the atomic check is for.  0 otherwise (and for NULL). */
ALIGN_API int align_abi_atomic64_unaligned(const align_abi *abi);
/* Size, alignment and pointer bytes of a primitive; ALIGN_EINVAL when the
 * primitive does not exist in this ABI's language. */
ALIGN_API int align_abi_prim(const align_abi *abi, align_prim p, uint64_t *size, uint32_t *align,
                             uint64_t *ptrdata);
ALIGN_API const char *align_prim_name(align_prim p); /* "int64", "long" */

ALIGN_API const char *align_lang_name(align_lang lang);         /* "go", "c" */
ALIGN_API const char *align_arch_name(align_arch arch);         /* "amd64", ... */
ALIGN_API int align_lang_parse(align_lang *out, const char *s); /* ALIGN_EINVAL */
ALIGN_API int align_arch_parse(align_arch *out, const char *s); /* accepts aliases */
/* C: 1 when a typedef name is as wide as a pointer on every Linux target
 * by definition (size_t, ssize_t, ptrdiff_t, intptr_t, uintptr_t and
 * their __ forms), so that its width elsewhere follows from the ABI, not
 * from that target's headers; 0 otherwise. */
ALIGN_API int align_c_pointer_wide_name(const char *name);

/* ------------------------------------------------------------ the graph */

typedef struct align_graph align_graph;
typedef struct align_type align_type;

typedef enum align_kind {
    ALIGN_KIND_PRIM,    /* a primitive of the ABI table */
    ALIGN_KIND_POINTER, /* target = pointee (may be incomplete) */
    ALIGN_KIND_ARRAY,   /* target = element, count elements */
    ALIGN_KIND_STRUCT,
    ALIGN_KIND_UNION,
    ALIGN_KIND_NAMED, /* typedef, enum, Go defined type: target = underlying */
    ALIGN_KIND_FUNC,  /* C function type: only behind a pointer */
    ALIGN_KIND_OPAQUE /* size, align, ptrdata given by the creator */
} align_kind;

/* Array element count meaning "flexible array member" (C `T x[]`). */
#define ALIGN_FLEXIBLE UINT64_MAX

/* Where a declaration came from: kept for messages and reports. */
typedef struct align_srcpos {
    const char *file; /* owned by the graph; NULL if unknown */
    unsigned line;    /* 1-based; 0 if unknown */
    unsigned col;
} align_srcpos;

/* New empty graph for a language and target.  *out is NULL on failure. */
ALIGN_API int align_graph_new(align_graph **out, align_lang lang, align_arch arch);
/* Frees the graph, every type and string in it.  Accepts NULL. */
ALIGN_API void align_graph_free(align_graph *g);
ALIGN_API align_lang align_graph_lang(const align_graph *g);
ALIGN_API const align_abi *align_graph_abi(const align_graph *g);
/* Lay the same types out for another architecture from now on (cross-arch
 * projection).  Layouts computed before stay valid but describe the old ABI. */
ALIGN_API int align_graph_set_arch(align_graph *g, align_arch arch);
/* Go: the release the graph's types were compiled by, as the minor number
 * of Go 1.x (27 for go1.27.4; see align_go_release_parse); 0, the default,
 * means unknown.  Layouts copy it (align_layout.go_release) and heap costs
 * follow that release's allocator.  A binary's Go graph gets it from the
 * first Go unit's DW_AT_producer.  Always 0 (success). */
ALIGN_API int align_graph_set_go_release(align_graph *g, unsigned release);
ALIGN_API unsigned align_graph_go_release(const align_graph *g);

/* A copy of s (len bytes, or strlen if len is (size_t)-1) owned by the graph. */
ALIGN_API const char *align_graph_strdup(align_graph *g, const char *s, size_t len);

/* Type constructors.  Every returned type is owned by the graph; NULL means
 * out of memory (recorded).  Constructors do not lay anything out, so types
 * may refer to named types that are completed later. */
ALIGN_API align_type *align_type_prim(align_graph *g, align_prim p);
ALIGN_API align_type *align_type_pointer(align_graph *g, align_type *target);
ALIGN_API align_type *align_type_array(align_graph *g, align_type *elem, uint64_t count);
/* C: a GCC vector of count elements (__attribute__((vector_size(N))), N =
 * count x the element's size): N bytes, aligned by the ABI's vector rule
 * (N up to 16 on arm64 and 8 on arm; 4 for 8-byte integer vectors on 386),
 * shown as GCC spells it.  NULL (error set) when elem has no size. */
ALIGN_API align_type *align_type_vector(align_graph *g, align_type *elem, uint64_t count);
/* A named type (typedef, enum, Go defined type).  target may be NULL and set
 * later with align_type_set_target(): that is how forward references work. */
ALIGN_API align_type *align_type_named(align_graph *g, const char *name, align_type *target);
ALIGN_API void align_type_set_target(align_type *named, align_type *target);
/* C: `_Atomic T`, a named node "_Atomic T" over target.  Its size is the
 * target's; GCC (12, on x86-64, i686 and arm64 alike) raises the alignment
 * of an atomic type whose size is 2, 4, 8 or 16 bytes to that size
 * (`_Atomic struct {int a, b;}` is 8-aligned even on i686; a 3- or 12-byte
 * one keeps its alignment).  The size is never rounded up.  Decided when
 * laid out, so it follows align_graph_set_arch. */
ALIGN_API align_type *align_type_atomic(align_graph *g, align_type *target);
/* C: `const`, `volatile`, `restrict` (ALIGN_QUAL_*, or-ed) on target
 * (DW_TAG_const_type ...): a NAMED node without a name that changes no
 * layout, kept so that a declaration is printed as written.  Its display
 * puts the qualifiers where C does: "const char" before a non-pointer
 * ("const int [4]" qualifies the elements), after the star of a pointer
 * ("char *const", "int (*const)(void)").  NULL (recorded) when out of
 * memory; target itself when quals is 0. */
enum { ALIGN_QUAL_CONST = 1u << 0, ALIGN_QUAL_VOLATILE = 1u << 1, ALIGN_QUAL_RESTRICT = 1u << 2 };
ALIGN_API align_type *align_type_qualified(align_graph *g, align_type *target, unsigned quals);
/* The qualifiers of a node made by align_type_qualified (ALIGN_QUAL_*); 0
 * for every other node. */
ALIGN_API unsigned align_type_quals(const align_type *t);
/* A struct or union, empty and incomplete until align_record_complete(). */
ALIGN_API align_type *align_type_record(align_graph *g, align_kind kind, const char *name);
ALIGN_API align_type *align_type_func(align_graph *g);
ALIGN_API align_type *align_type_opaque(align_graph *g, const char *name, uint64_t size,
                                        uint32_t align, uint64_t ptrdata);

/* How the type is shown to users, in the graph's language: "int64",
 * "*main.Node", "struct point", "unsigned char [16]", "void (*)(int)".
 * Constructors set a default; parsers override it with the text as written. */
ALIGN_API const char *align_type_display(const align_type *t);
ALIGN_API void align_type_set_display(align_graph *g, align_type *t, const char *text);
ALIGN_API align_kind align_type_kind(const align_type *t);
ALIGN_API const char *align_type_name(const align_type *t); /* NULL when unnamed */
/* C records read from DWARF: the first typedef that names a tagged record
 * (`typedef struct ngx_connection_s ngx_connection_t;`), so that users may
 * ask for it by either name; NULL when none (an anonymous record named by
 * its typedef has that name as its display instead). */
ALIGN_API const char *align_type_typedef_name(const align_type *t);
ALIGN_API void align_type_set_typedef_name(align_graph *g, align_type *t, const char *name);
ALIGN_API align_type *align_type_target(const align_type *t);
ALIGN_API uint64_t align_type_count(const align_type *t); /* arrays only */
ALIGN_API align_prim align_type_prim_id(const align_type *t);
/* Strips NAMED wrappers: the type that decides the layout. */
ALIGN_API const align_type *align_type_resolve(const align_type *t);
ALIGN_API void align_type_set_pos(align_type *t, align_srcpos pos);
ALIGN_API align_srcpos align_type_pos(const align_type *t);
/* Names every anonymous record held by value (directly, in arrays, or in
 * another anonymous record) in a named record of g after its enclosing
 * type and field: "cmd/x.T.field", "outer.inner.deeper"; an unnamed C
 * member (a C11 anonymous struct or union) is "outer.(anonymous union)".  A
 * record held in several places takes the first name.  The label is the
 * record's name in reports (align_layout.name); its declaration text
 * stays anonymous.  0, or ALIGN_ENOMEM. */
ALIGN_API int align_graph_label_anonymous(align_graph *g);
/* The name align_graph_label_anonymous gave t, or NULL; *of (when not
 * NULL) gets the record holding it.  The DWARF reader also names a Go
 * anonymous struct that is the type of a package variable (and held in no
 * named record) after that variable, "pkg.V" (of several, the first in
 * DWARF order); *of is then NULL. */
ALIGN_API const char *align_type_label(const align_type *t, const align_type **of);
/* Whether t (a Go anonymous struct) is named after a function's local
 * variable or parameter, "pkg.F.v" (of NULL above): 1, with *pkg_len (may
 * be NULL) the length of the package path that starts the label and
 * *shared (may be NULL) how many other variables have the struct (the
 * first in DWARF order names it); 0 otherwise.  Only for a binary opened
 * with ALIGN_BINARY_GO_FUNCS, whose functions' variables are read.  Its
 * position is the variable's DW_AT_decl_line in its function's file; a
 * function DWARF gives no file (inlined everywhere) leaves the file NULL
 * and the line set. */
ALIGN_API int align_type_label_local(const align_type *t, size_t *pkg_len, unsigned *shared);

/* C attributes on a type: aligned(N) (0 = none; on a typedef it may also
 * lower the alignment, as GCC allows), packed (records, enums). */
ALIGN_API void align_type_set_aligned(align_type *t, uint32_t aligned);
ALIGN_API void align_type_set_packed(align_type *t, int packed);

/* Why a record's member order is not the user's to change (go_origin.c).
 * Layouts of such records never suggest another order (optimal_size ==
 * size) and say why (align_layout.order_fixed). */
typedef enum align_order_fixed {
    ALIGN_ORDER_FREE = 0, /* declared in source: any order may be suggested */
    /* Go: synthesized by the linker for debuggers (hchan<T>, sudog<T>,
     * waitq<T>, hash<K,V>, bucket<K,V>, map<K,V>, table<K,V>,
     * groupReference<K,V>): copies of runtime structs with member types
     * substituted, at the runtime's offsets.  The model is not checked
     * against them (model_agrees is -1). */
    ALIGN_ORDER_GO_LINKER,
    /* Go: made by the compiler for the runtime (noalg.*: map groups and
     * slots, closure contexts); laid out by the compiler's rules, so still
     * checked against the model. */
    ALIGN_ORDER_GO_COMPILER,
    /* Go 1.23+: holds a structs.HostLayout field: the platform ABI's order
     * (decided by the layout from the members, not set on the record). */
    ALIGN_ORDER_HOST_LAYOUT
} align_order_fixed;

/* Marks a record (the DWARF reader does, from align_go_type_origin). */
ALIGN_API void align_type_set_order_fixed(align_type *record, align_order_fixed why);
ALIGN_API align_order_fixed align_type_order_fixed(const align_type *record);
/* ALIGN_ORDER_GO_LINKER or ALIGN_ORDER_GO_COMPILER when a Go type name is
 * one the linker or the compiler makes (by the shape of the name: "sudog<",
 * "noalg."), else ALIGN_ORDER_FREE.  NULL is FREE. */
ALIGN_API align_order_fixed align_go_type_origin(const char *name);
/* The alignment the Go compiler forces on a record by its name: 8 for the
 * align64 marker of sync/atomic and the runtime's atomic package (all
 * targets), else 0. */
ALIGN_API uint32_t align_go_record_align(const char *name);
/* "go_linker", "go_compiler", "host_layout"; NULL for ALIGN_ORDER_FREE.
 * Stable (JSON). */
ALIGN_API const char *align_order_fixed_name(align_order_fixed why);
/* One line for people saying why the order stays; NULL for FREE. */
ALIGN_API const char *align_order_fixed_reason(align_order_fixed why);

/* A member as declared, handed to align_record_add_field().  Copied: the
 * caller keeps ownership of the spec itself, strings must be graph-owned or
 * outlive the graph (use align_graph_strdup). */
typedef struct align_field_spec {
    const char *name; /* NULL or "" for an anonymous member */
    align_type *type;
    uint32_t aligned; /* aligned(N) / _Alignas(N), bytes; 0 = none */
    int packed;       /* __attribute__((packed)) on the member */
    int is_bitfield;  /* bit_size is meaningful (0 = zero-width) */
    uint32_t bit_size;
    int embedded;          /* Go embedded field */
    const char *decl_text; /* the member's declaration as written, to
                              re-emit in a suggested order; may be NULL */
    /* A position a compiler wrote (DWARF), trusted by ALIGN_LAYOUT_GIVEN and
     * cross-checked against the model.  -1 = unknown. */
    int64_t given_bit_offset; /* absolute bits from the record's start */
    align_srcpos pos;
} align_field_spec;

/* A spec with every field zero/NULL and given_bit_offset = -1. */
ALIGN_API align_field_spec align_field_spec_init(void);

ALIGN_API int align_record_add_field(align_graph *g, align_type *record,
                                     const align_field_spec *spec);
/* Marks the record complete.  given_size >= 0 is the size a compiler wrote
 * (DWARF byte_size), -1 unknown; given_align likewise (debuggers know it). */
ALIGN_API void align_record_complete(align_type *record, int64_t given_size, int64_t given_align);
ALIGN_API int align_record_is_complete(const align_type *record);
ALIGN_API size_t align_record_nfields(const align_type *record);

/* Recovers the layout attributes a C compiler's positions imply and the
 * debug information left out (__attribute__((packed)), #pragma pack(N),
 * aligned(N) when DW_AT_alignment was dropped, unnamed bit-fields, which
 * get no DIE), so that the model reproduces every given offset and size.
 * records: complete records whose members carry given_bit_offset and whose
 * given_size is known; their by-value member records are handled first.
 * Each record the model already agrees with is left alone (but for a given
 * alignment larger than the model's, which becomes aligned(N)); each other
 * one gets the first explanation that makes the model agree, or stays as
 * it was (its layouts then say model_agrees = 0).  Modifies the records in
 * place: attributes are set, unnamed bit-fields inserted, and members with
 * decl_text get the attribute appended to it; everything added belongs to
 * g.  Clears g's size memo.  A Go graph is left alone (Go has no layout
 * attributes).  Adds the number of records changed to *ninferred (may be
 * NULL).  Returns 0 or ALIGN_ENOMEM.  Used by the DWARF reader and by the
 * debugger module, so both infer the same attributes. */
enum {
    /* The positions come from a source that drops DW_AT_alignment (LLDB
     * 14; GDB for members): a record the model makes too small is given
     * aligned(N) before trailing unnamed bit-fields are tried. */
    ALIGN_INFER_ALIGNMENT_LOST = 1u << 0
};
ALIGN_API int align_infer_record_attrs(align_graph *g, align_type *const *records, size_t n,
                                       unsigned flags, size_t *ninferred);

/* Top-level declarations, in source order: the types a report is about.
 * Parsers add every struct and union they see declared at top level. */
ALIGN_API int align_graph_add_decl(align_graph *g, align_type *t);
ALIGN_API size_t align_graph_ndecls(const align_graph *g);
ALIGN_API align_type *align_graph_decl(const align_graph *g, size_t i);

/* Name table for parsers: declare and look up named types (Go defined types,
 * C typedef names) and C tags (struct/union/enum namespace). */
ALIGN_API int align_graph_bind(align_graph *g, const char *name, align_type *t);
ALIGN_API align_type *align_graph_lookup(const align_graph *g, const char *name);
ALIGN_API int align_graph_bind_tag(align_graph *g, const char *tag, align_type *t);
ALIGN_API align_type *align_graph_lookup_tag(const align_graph *g, const char *tag);

/* Size, alignment and Go pointer bytes of any complete type for the graph's
 * ABI.  Fails with ALIGN_EINCOMPLETE, ALIGN_ERECURSIVE, ALIGN_EOVERFLOW,
 * ALIGN_ELIMIT (nesting deeper than ALIGN_MAX_DEPTH). */
#define ALIGN_MAX_DEPTH 256
ALIGN_API int align_type_size(align_graph *g, const align_type *t, uint64_t *size, uint32_t *align,
                              uint64_t *ptrdata);

/* ------------------------------------------------------------ layouts */

enum {
    ALIGN_MEMBER_BITFIELD = 1u << 0,
    ALIGN_MEMBER_EMBEDDED = 1u << 1,     /* Go embedded field */
    ALIGN_MEMBER_BLANK = 1u << 2,        /* Go `_` field: intentional padding */
    ALIGN_MEMBER_FLEXIBLE = 1u << 3,     /* C flexible array member */
    ALIGN_MEMBER_ANONYMOUS = 1u << 4,    /* no name (C anonymous struct/union,
                                            unnamed bit-field) */
    ALIGN_MEMBER_CROSSES_LINE = 1u << 5, /* straddles a cache-line boundary */
    /* Go: an int64 or uint64 (or a defined type of one), what sync/atomic's
     * 64-bit functions take a pointer to. */
    ALIGN_MEMBER_INT64 = 1u << 6,
    /* Go on 386 and arm: an ALIGN_MEMBER_INT64 member at an offset that is
     * not a multiple of 8.  Only the first word of an allocation is
     * guaranteed 8-aligned there, and atomic.AddInt64 and friends panic
     * ("unaligned 64-bit atomic operation") on a 4-aligned address. */
    ALIGN_MEMBER_ATOMIC_UNALIGNED = 1u << 7,
    /* Go on 386 and arm: a struct or array member with such an integer
     * inside it, at a depth below the member (see align_atomic_field). */
    ALIGN_MEMBER_ATOMIC_UNALIGNED_INSIDE = 1u << 8,
    /* Go on 386 and arm: a struct or array member with an int64 or uint64
     * inside it at an 8-aligned offset from the record's start.  A
     * suggested order keeps the member's offset modulo 8, so that integer
     * stays 8-aligned (as direct int64 members at 8-aligned offsets do). */
    ALIGN_MEMBER_ATOMIC_ALIGNED_INSIDE = 1u << 9,
    /* Go blank fields, by what they are for (a zero-size one, a marker such
     * as `_ [0]func()` for non-comparability or align64, has neither flag
     * and moves like any zero-size member: first, never last, where the
     * compiler would add padding after it).  KEEPS_OFFSET: explicit padding
     * (`_ uint32` that puts the next 64-bit atomic at an 8-aligned offset on
     * 32-bit targets); the suggested order keeps it at its offset, and other
     * members move across it.  FENCE: cache-line padding (a *CacheLinePad
     * type, half a cache line or more, or padding that ends on a line
     * boundary); it keeps its offset and no member moves across it. */
    ALIGN_MEMBER_BLANK_KEEPS_OFFSET = 1u << 10,
    ALIGN_MEMBER_BLANK_FENCE = 1u << 11,
    /* A blank field kept in place that cost bytes: releasing it alone gives
     * a smaller order (see align_layout.unconstrained_size). */
    ALIGN_MEMBER_BLANK_CONSTRAINS = 1u << 12
};

/* Go on 386 and arm: one int64 or uint64, anywhere in a record (a member,
 * a field of a nested struct, an element of an array, at any depth), whose
 * absolute offset in the record is not a multiple of 8.  The record is
 * taken to be the allocation: only its first word is guaranteed 8-aligned.
 * The same field may be fine at its own struct's offset and not here, or
 * the reverse: offsets add up (member offset + inner offset + i x element
 * size).  sync/atomic.Int64 and Uint64 carry align64 and are never listed. */
typedef struct align_atomic_field {
    const char *path;      /* from the record: "N", "In.N", "Arr[1].N";
                              owned by the layout */
    const char *type_name; /* display text of the field's declared type */
    uint64_t offset;       /* bytes from the start of the record */
    size_t member;         /* index of the record's member it lies in */
} align_atomic_field;

/* At most this many align_atomic_field entries per layout, and this many
 * fields and elements visited to find them (a [1<<20]T member is not walked
 * element by element when its first elements say the rest). */
#define ALIGN_ATOMIC_MAX_LISTED 256
#define ALIGN_ATOMIC_MAX_VISITS 65536

typedef struct align_member {
    const char *name;      /* as declared; "" when anonymous */
    const char *type_name; /* display text of the declared type */
    const align_type *type;
    size_t index;          /* declaration index, 0-based */
    uint64_t offset;       /* bytes from the start; bit-fields: the byte
                              holding the first bit */
    uint64_t size;         /* bytes of the declared type (a bit-field's
                              type, not its width) */
    uint32_t align;        /* alignment effective here (packed: 1) */
    uint64_t bit_offset;   /* bit-fields: absolute bits from the start */
    uint32_t bit_size;     /* bit-fields: width; 0 otherwise */
    uint64_t ptrdata;      /* Go: pointer bytes at the member's start */
    unsigned flags;        /* ALIGN_MEMBER_* */
    const char *decl_text; /* from the spec, may be NULL */
} align_member;

typedef struct align_hole {
    uint64_t offset; /* bytes */
    uint64_t size;   /* bytes */
} align_hole;

typedef struct align_bit_hole {
    uint64_t bit_offset; /* absolute bits from the start */
    uint64_t bit_size;
} align_bit_hole;

typedef struct align_layout {
    const align_type *type;
    const char *name; /* the record's name, or its display text */
    align_kind kind;  /* ALIGN_KIND_STRUCT or ALIGN_KIND_UNION */
    align_lang lang;
    align_arch arch;
    unsigned go_release; /* the graph's (align_graph_go_release); 0 unknown */
    uint64_t size;
    uint32_t align;
    size_t nmembers;
    align_member *members; /* declaration order */
    size_t nholes;
    align_hole *holes; /* bytes no member touches, before the end of
                          the last member */
    size_t nbit_holes;
    align_bit_hole *bit_holes;    /* unused bits inside bytes bit-fields use */
    uint64_t tail_padding;        /* bytes after the last member */
    uint64_t padding;             /* sum of holes + tail_padding */
    uint64_t intentional_padding; /* Go `_` fields: never counted as waste */
    uint64_t sum_members;         /* bytes members occupy (bit-fields: bits/8
                                     rounded up per run of shared bytes) */
    uint64_t ptrdata;             /* Go: length of the prefix that can hold
                                     pointers; 0 for C */
    /* The smallest order (see optimize.c for the proof and the rules). */
    uint64_t optimal_size;
    uint64_t optimal_ptrdata;
    size_t *optimal_order;    /* nmembers declaration indices */
    int optimal_proven;       /* 1 when optimal_size is proven minimal */
    const char *optimal_note; /* why an order was constrained, or NULL */
    /* The smallest order found with every Go blank field free to move like
     * an ordinary member: what the blank fields kept in place cost
     * (optimal_size - unconstrained_size; 0 when they cost nothing, and
     * always for C).  The members that held it back carry
     * ALIGN_MEMBER_BLANK_CONSTRAINS. */
    uint64_t unconstrained_size;
    uint64_t unconstrained_ptrdata;
    size_t *unconstrained_order;          /* nmembers declaration indices */
    size_t natomic_unaligned;             /* entries of atomic_unaligned (direct members
                                             flagged ALIGN_MEMBER_ATOMIC_UNALIGNED and
                                             fields inside members) */
    align_atomic_field *atomic_unaligned; /* in declaration order, depth
                                first; NULL when none */
    int atomic_truncated;                 /* 1 when more exist than are listed (see
                                             ALIGN_ATOMIC_MAX_*) */
    uint64_t reclaimable;                 /* size - optimal_size: the waste */
    uint32_t cacheline;                   /* bytes per cache line used for flags */
    uint64_t ncachelines;                 /* lines one instance touches at offset 0 */
    /* When members carried compiler positions: 1 when the model reproduced
     * every offset and the size, 0 when not (mismatch says what), -1 when
     * nothing was given. */
    int model_agrees;
    char mismatch[256];
    /* ALIGN_LAYOUT_GIVEN: 0 when the given positions cannot be right (a
     * struct's members overlap, or a member ends past the record's size;
     * invalid says which).  Such a layout shows the positions as given and
     * the bytes no member touches, but it is not trusted: it is not
     * optimized (optimal_size == size, reclaimable 0).  1 otherwise. */
    int positions_valid;
    char invalid[256];
    /* Not ALIGN_ORDER_FREE: the order is not the user's to change (the
     * record's own mark, or HOST_LAYOUT found among the members); the
     * layout is not optimized and optimal_note is the reason. */
    align_order_fixed order_fixed;
    /* C from DWARF: how the alignment was inferred where the debug
     * information does not say it (a record placed by the compiler at an
     * offset its natural alignment forbids is packed), or NULL. */
    const char *align_note;
    /* C from DWARF: 1 when the debug information does not decide the
     * alignment of the record or of its members: DWARF has no `packed`,
     * and another reading of packed / aligned(N) on the record (or on a
     * record it holds by value) puts every member at the same offset with
     * the same size but aligns the record or its members otherwise, or
     * packed was inferred (it could sit on the record or on one member).
     * Only DW_AT_alignment decides a record's alignment outright.  The
     * model's reading is the natural one unless an offset or a use says
     * more (align_note then tells which). */
    int align_inferred;
} align_layout;

enum {
    ALIGN_LAYOUT_GIVEN = 1u << 0, /* trust given offsets/sizes (DWARF) and
                                     cross-check the model against them */
    ALIGN_LAYOUT_NO_OPTIMIZE = 1u << 1
};

typedef struct align_layout_opts {
    unsigned flags;     /* ALIGN_LAYOUT_* */
    uint32_t cacheline; /* 0 = 64 */
} align_layout_opts;

/* Lays out a complete struct or union for the graph's ABI, with holes,
 * padding and the optimal order.  *out is owned by the caller. */
ALIGN_API int align_layout_compute(align_layout **out, align_graph *g, const align_type *record,
                                   const align_layout_opts *opts);
ALIGN_API void align_layout_free(align_layout *l);

/* ------------------------------------------------------------- counts */

/* Parses an instance count: "100000000", "100_000_000", "100M", "1.5G",
 * "64K", "2Gi" (K/M/G/T are powers of 1000, Ki/Mi/Gi/Ti powers of 1024).
 * ALIGN_EINVAL for anything else, ALIGN_EOVERFLOW past 2^64-1, and for a
 * fraction that does not give a whole number. */
ALIGN_API int align_count_parse(uint64_t *out, const char *s);

typedef struct align_cost {
    uint64_t count;
    uint64_t bytes_now;     /* size * count */
    uint64_t bytes_optimal; /* optimal_size * count */
    uint64_t bytes_saved;
} align_cost;

ALIGN_API int align_cost_compute(align_cost *out, const align_layout *l, uint64_t count);

/* "763 MiB", "2.24 GiB", "56 bytes": three significant digits, binary units. */
ALIGN_API void align_format_bytes(char *buf, size_t n, uint64_t bytes);
/* "100M", "1.5G", "64K", "12345": the count as a person would write it. */
ALIGN_API void align_format_count(char *buf, size_t n, uint64_t count);

/* ------------------------------------------------------------- buffers */

/* A growable string.  On allocation failure `failed` is set and further
 * appends do nothing; check it once at the end. */
typedef struct align_buf {
    char *data; /* NUL-terminated, owned; NULL when empty */
    size_t len;
    size_t cap;
    int failed;
} align_buf;

ALIGN_API void align_buf_init(align_buf *b);
ALIGN_API void align_buf_free(align_buf *b);
ALIGN_API void align_buf_append(align_buf *b, const char *s, size_t len);
ALIGN_API void align_buf_puts(align_buf *b, const char *s);
ALIGN_API void align_buf_printf(align_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
ALIGN_API void align_buf_vprintf(align_buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal (quotes included); NULL is written "". */
ALIGN_API void align_buf_json_string(align_buf *b, const char *s);

/* The members of a JSON object, for whoever writes one (report_json.c, the
 * CLI's documents, extension writers):
 *
 *     align_buf_puts(b, "{");
 *     ALIGN_JSON_MEMBERS(b, ALIGN_JSTR("name", name), ALIGN_JU64("size", n));
 *     align_buf_puts(b, "}");
 *
 * appends {"name":"...","size":56}.  A member goes after a comma unless it
 * opens its object (b ends with '{'), so members can be added in several
 * calls, and to an object reopened by taking its '}' off.  Arrays and nested
 * objects stay with the caller: align_buf_json_key writes the key, the caller
 * the value.  Strings are escaped by align_buf_json_string; a NULL string
 * is written null (ALIGN_JSTR(k, s ? s : "") where the schema says "").
 * ALIGN_JSON_MEMBERS uses compound literals (C99), so it is for C callers;
 * from C++ call align_buf_json_members with an array. */
typedef enum align_json_kind {
    ALIGN_JSON_U64,  /* u, in decimal */
    ALIGN_JSON_I64,  /* i, in decimal */
    ALIGN_JSON_BOOL, /* u: 0 false, 1 true */
    ALIGN_JSON_STR   /* s: escaped, NULL is null */
} align_json_kind;
typedef struct align_json_member {
    const char *key; /* written escaped */
    align_json_kind kind;
    uint64_t u;
    int64_t i;
    const char *s;
} align_json_member;
#define ALIGN_JU64(k, v) ((align_json_member){(k), ALIGN_JSON_U64, (uint64_t)(v), 0, NULL})
#define ALIGN_JI64(k, v) ((align_json_member){(k), ALIGN_JSON_I64, 0, (int64_t)(v), NULL})
#define ALIGN_JBOOL(k, v) ((align_json_member){(k), ALIGN_JSON_BOOL, (v) ? 1 : 0, 0, NULL})
#define ALIGN_JSTR(k, v) ((align_json_member){(k), ALIGN_JSON_STR, 0, 0, (v)})
/* Appends `"key":` (after a comma unless b ends with '{'); the caller
 * appends the value. */
ALIGN_API void align_buf_json_key(align_buf *b, const char *key);
/* Appends the n members m[0..n-1], each as align_buf_json_key and its value. */
ALIGN_API void align_buf_json_members(align_buf *b, const align_json_member *m, size_t n);
/* ALIGN_JSON_MEMBERS(b, ALIGN_JSTR("name", s), ALIGN_JU64("size", n), ...) */
#define ALIGN_JSON_MEMBERS(b, ...)                                                                 \
    align_buf_json_members((b), (const align_json_member[]){__VA_ARGS__},                          \
                           sizeof((const align_json_member[]){__VA_ARGS__}) /                      \
                               sizeof(align_json_member))

/* A growable array: the caller keeps its own typed (T *items, size_t n,
 * size_t cap) and passes their addresses, so there is one growth rule
 * (doubling from `first`, zeroed new slots, overflow-checked sizes) for
 * every array of the library and the tools built on it.
 * align_vec_reserve makes *arr (capacity *cap items of elem bytes) hold at
 * least need items; align_vec_push appends the elem bytes at item.  0, or
 * ALIGN_ENOMEM recorded (also when a size overflows); *arr is unchanged on
 * failure. */
ALIGN_API int align_vec_reserve(void **arr, size_t *cap, size_t need, size_t elem, size_t first);
ALIGN_API int align_vec_push(void **arr, size_t *len, size_t *cap, size_t elem, size_t first,
                             const void *item);

/* ------------------------------------------------- declaration parsers */

/* Parse declarations typed by hand or read from a file and add their types
 * to g (whose language must match).  file names the input in messages.
 * Go: `type X struct {...}` declarations, grouped `type (...)`, defined and
 * alias types, consts used as array lengths; other declarations are skipped.
 * C: struct/union/enum/typedef declarations with GCC attributes.
 * On failure the error record holds file:line:col. */
ALIGN_API int align_decl_parse_go(align_graph *g, const char *file, const char *text, size_t len);
ALIGN_API int align_decl_parse_c(align_graph *g, const char *file, const char *text, size_t len);

/* Guess the language of declaration text: ALIGN_LANG_GO when it contains a
 * Go `type` declaration, else ALIGN_LANG_C. */
ALIGN_API align_lang align_decl_guess_lang(const char *text, size_t len);

/* ------------------------------------------------------------ binaries */

/* Progress of a long read (a binary's .debug_info, an escape log): done
 * bytes of total (0: unknown, standard input).  Called between steps (a
 * compile unit, a 64 KiB chunk) once 64 MiB more were read or 0.25 s
 * passed since the last call, so that a caller can show a progress line;
 * the library itself never prints. */
typedef void (*align_progress_fn)(void *user, uint64_t done, uint64_t total);

/* A compiled program, shared library or object file read through its
 * DWARF: little-endian ELF, 64-bit for amd64 or arm64, 32-bit for 386 or arm
 * (read on any host; info->arch says which), compile units of
 * Go (gc) and C (GCC, DWARF 4 and 5), .debug_* sections compressed (Go's
 * default) or not.  Opening reads every struct and union type into one
 * graph per language and closes the file; the binary then owns the graphs.
 *
 * Each graph's declarations (align_graph_decl) are the struct and union
 * types found, each once (C types repeated by every unit that includes a
 * header are merged when name, size and members agree), with their source
 * position where DWARF gives it (C: file and line; Go: none).  Members carry
 * the compiler's positions (align_field_spec.given_bit_offset) and records
 * its size, so lay them out with ALIGN_LAYOUT_GIVEN: the layout reports
 * what the compiler did and model_agrees says whether the ABI model
 * reproduces it.  Alignment is not in DWARF: it always comes from the model.
 *
 * Go's string, slice, interface, map, chan, func and unsafe.Pointer types
 * are the model's primitives, shown by their Go names ("[]string",
 * "map[string]int", "main.Pair[int,string]"); C types read as C spells them
 * ("struct S", "int *", "char [16]").  aligned(N) comes from DW_AT_alignment;
 * packed, #pragma pack(N) and unnamed bit-fields are not in DWARF and are
 * inferred for C records whose offsets only they explain (ninferred). */
typedef struct align_binary align_binary;

typedef struct align_binary_info {
    const char *path;        /* as given to align_binary_open */
    align_arch arch;         /* from the ELF header */
    int has_go;              /* 1 when a compile unit is Go */
    int has_c;               /* 1 when a compile unit is C */
    const char *producer;    /* the first unit's DW_AT_producer, e.g. "Go
                                cmd/compile go1.19.8; regabi", "GNU C17
                                12.2.0 -g"; "" when absent */
    const char *go_producer; /* the first Go unit's; NULL when none (the Go
                                graph's release comes from it) */
    size_t ncus;             /* compile units read */
    size_t nskipped_cus;     /* units skipped because their DWARF is broken */
    const char *skip_reason; /* why the first of them was skipped; NULL */
    size_t nforeign_cus;     /* units of other languages (C++, assembly) */
    size_t ntypes;           /* declarations in both graphs */
    size_t ninferred;        /* C records given packed, pack(N) or unnamed
                                bit-fields to match the compiler's offsets */
    /* Go build information (.go.buildinfo, Go 1.18+); NULL when absent. */
    const char *go_version;     /* "go1.19.8" */
    const char *go_main_path;   /* import path of the main package
                                   ("example.com/app"), which DWARF calls
                                   "main"; NULL for libraries and old Go */
    const char *go_main_module; /* the main module's path ("example.com/app"
                                   for a main package "example.com/app/cmd/x");
                                   NULL when the build information has none */
    /* Records larger than the layout model can place (over 2^56 bytes,
     * e.g. a struct holding char[1ULL << 61]: valid C, bit offsets past
     * 2^63): each is left out of the graph, not its unit. */
    size_t nskipped_types;
    const char *skipped_type_reason; /* the first one and why; NULL */
    /* The GNU build ID (.note.gnu.build-id) in lowercase hex, as pprof
     * writes a mapping's build_id; NULL when absent (Go links one only
     * when asked: -ldflags=-B ...). */
    const char *build_id;
    /* A stripped binary's separate debug file, whose DWARF was read
     * (found by build ID or .gnu_debuglink: align_binary_open_opts); NULL
     * when the DWARF is the binary's own. */
    const char *debug_file;
    /* A static archive (.a): its members (symbol tables not counted), and
     * those skipped because they are not ELF objects with DWARF, the first
     * as "NAME: reason" (NULL when none).  nmembers is 0 for an ELF file. */
    size_t nmembers;
    size_t nskipped_members;
    const char *skipped_member;
    /* Compile units left unread by align_binary_opts.cu_exclude (counted
     * in ncus too). */
    size_t nexcluded_cus;
} align_binary_info;

/* Reads the binary at path: an ELF executable, shared library or
 * relocatable object (.o), or a static archive (.a) of objects, read as one
 * program whose compile units are all its members'.  *out is NULL on
 * failure:
 *   ALIGN_EIO      missing, unreadable, a directory;
 *   ALIGN_EFORMAT  not ELF, empty, truncated, 32-bit or big-endian, another
 *                  machine, no DWARF (the hint says how to rebuild: Go
 *                  without -ldflags=-s/-w, C with -g), DWARF so corrupt that
 *                  no unit is readable, no Go or C unit;
 *   ALIGN_ENOMEM.
 * A broken compile unit is skipped and counted, not fatal. */
ALIGN_API int align_binary_open(align_binary **out, const char *path);

/* Flags of align_binary_open_ex(). */
enum {
    /* Also read the Go functions: names, files, the lines their code
     * covers, parameters and variables with their types (including the
     * "&x" a moved-to-heap variable becomes) and inlined calls.  The escape
     * join (align_heap_join_new) needs them; reading them (and the line
     * tables) triples the time to open a Go binary (cmd/go: 0.14 s ->
     * 0.45 s), so it is not the default. */
    ALIGN_BINARY_GO_FUNCS = 1u << 0,
    /* Read every DIE through libdwarf: Go functions' DIEs are otherwise
     * decoded from the raw sections where that decoder knows them (twice
     * as fast), libdwarf reading the rest.  The results are the same; for
     * tests that compare the two readers. */
    ALIGN_BINARY_LIBDWARF_ONLY = 1u << 1
};

/* Go: where a type is declared, as far as the binary says.  DWARF gives a
 * Go type no position, but each function its DW_AT_decl_file, and a
 * method is declared in its type's package, usually its file.  One entry a
 * receiver type ("example.com/x/geo.Point", generic types without their
 * arguments) with the file of one of its methods, and one a package (its
 * path alone, "example.com/x/geo") with the file of one of its functions,
 * sorted by type (bsearch with strcmp).  Needs ALIGN_BINARY_GO_FUNCS (else ALIGN_EINVAL).  *out is
 * the caller's (align_go_methods_free); files point into the binary. */
typedef struct align_go_method {
    const char *type;
    const char *file; /* as the line tables write it */
} align_go_method;
ALIGN_API int align_binary_go_method_files(const align_binary *b, align_go_method **out, size_t *n);
ALIGN_API void align_go_methods_free(align_go_method *m, size_t n);

/* align_binary_open() with ALIGN_BINARY_* flags; ALIGN_EINVAL for unknown
 * flags. */
ALIGN_API int align_binary_open_ex(align_binary **out, const char *path, unsigned flags);

/* How align_binary_open_opts() reads a binary. */
typedef struct align_binary_opts {
    unsigned flags; /* ALIGN_BINARY_* */
    /* Where a stripped binary's separate debug file is looked for, as gdb
     * does: DIR/.build-id/xx/rest.debug by its GNU build ID, then the
     * .gnu_debuglink name next to the binary, in its .debug/ folder and as
     * DIR/<the binary's directory>/NAME, whose CRC-32 must match.  NULL or
     * none: /usr/lib/debug.  Not used when the binary has DWARF. */
    const char *const *debug_dirs;
    size_t ndebug_dirs;
    /* Reports how far the read got, as align_binary_open_progress() says
     * (NULL: no report); for an archive, member by member. */
    align_progress_fn progress;
    void *progress_user;
    /* Compile units not read: those whose DW_AT_name (the source file as
     * the compiler was given it, "src/vendor/zlib.c") matches one of these
     * globs (fnmatch, no flags: '*' also matches '/').  A type that an
     * included unit also describes is still read from it.  Counted in
     * align_binary_info.nexcluded_cus; excluding every unit is
     * ALIGN_EFORMAT. */
    const char *const *cu_exclude;
    size_t ncu_exclude;
} align_binary_opts;

/* align_binary_open() with options.  A stripped binary whose debug file is
 * not found, or does not match (another build ID or CRC), is ALIGN_EFORMAT
 * naming each place tried and why each candidate was refused. */
ALIGN_API int align_binary_open_opts(align_binary **out, const char *path,
                                     const align_binary_opts *opts);

/* align_binary_open_ex() that reports how far the read of .debug_info got
 * (fn NULL: none): done and total are bytes of the section as decoded
 * (uncompressed), done the end of the last unit read; called after a unit,
 * at the rate align_progress_fn says, and once with done == total when the
 * units are read (the end passes that follow are short).  fn is not kept
 * after the call returns. */
ALIGN_API int align_binary_open_progress(align_binary **out, const char *path, unsigned flags,
                                         align_progress_fn fn, void *user);
/* Frees the binary and its graphs (and so every type and layout from them).
 * Accepts NULL. */
ALIGN_API void align_binary_free(align_binary *b);
/* Owned by the binary; valid until align_binary_free. */
ALIGN_API const align_binary_info *align_binary_info_get(const align_binary *b);
/* The graph of one language's types, owned by the binary (do not free it);
 * NULL when the binary has no struct or union of that language.  Callers
 * may project it to another arch (align_graph_set_arch). */
ALIGN_API align_graph *align_binary_graph(align_binary *b, align_lang lang);

/* ------------------------------------------------- Go map entries */

/* What one entry of a Go map type costs in the runtime's storage
 * (maps.c), read from the binary's DWARF: Go 1.24+ slots
 * (noalg.struct { key K; elem V } in noalg.map.group[K]V) or Go 1.19-1.23
 * buckets (bucket<K,V>: 8 keys, then 8 values).  Sizes in bytes. */
typedef struct align_go_map {
    const char *map;          /* "map[int64]bool"; owned by the graph */
    int swiss;                /* 1: a slot struct; 0: a bucket */
    const align_type *record; /* the slot, or the bucket */
    const align_type *key;    /* K and V as stored (*K for indirect keys) */
    const align_type *elem;
    uint64_t key_size, elem_size;
    uint64_t entry_bytes;         /* the slot's size; in a bucket, key +
                                     value + the bucket's padding / 8 */
    uint64_t entry_padding;       /* entry_bytes - key_size - elem_size:
                                     what the map layout adds */
    uint64_t key_reclaimable;     /* padding inside K and V that their */
    uint64_t elem_reclaimable;    /* smallest field orders reclaim */
    uint64_t optimal_entry_bytes; /* entry with K and V reordered */
} align_go_map;

/* Every map type of a binary's Go graph, in declaration order.  *out is
 * the caller's (align_go_maps_free); it points into g.  ALIGN_EINVAL for a
 * C graph, ALIGN_ENOMEM.  Adds a few scratch types to g. */
ALIGN_API int align_go_maps(align_go_map **out, size_t *n, align_graph *g);
ALIGN_API void align_go_maps_free(align_go_map *maps);

/* ------------------------------------------------------------ reports */

typedef struct align_render_opts {
    int hex_offsets;                          /* offsets in hex */
    int show_optimal;                         /* append the suggested declaration */
    const align_cost *cost;                   /* NULL: no count lines */
    int cachelines;                           /* mark cache-line boundaries */
    int heap;                                 /* Go: add what one heap object costs in the
                                                 layout's Go release, now and reordered */
    const struct align_go_decl_opts *go_decl; /* Go: what the source says
                                                 (show_optimal), or NULL */
} align_render_opts;

/* A ptype /o-like text block for one layout. */
ALIGN_API void align_render_text(align_buf *out, const align_layout *l,
                                 const align_render_opts *opts);
/* The record declared again in the optimal order, in its language. */
ALIGN_API void align_render_decl(align_buf *out, const align_layout *l);
/* Go: what the declaring file says that DWARF does not (--src). */
typedef struct align_go_import {
    const char *name; /* how the file refers to it: the alias, else the
                         package name */
    const char *path; /* the import path */
} align_go_import;

typedef struct align_go_decl_opts {
    const align_go_import *imports; /* the file's imports, or NULL */
    size_t nimports;
    const char *type_params; /* a generic type's "[K comparable, V any]" as
                                declared, or NULL */
} align_go_decl_opts;

/* The Go record declared again in order (declaration indices; NULL: the
 * optimal order) as its own package writes it: the package-local name,
 * field types qualified by the file's import names (opts) or the packages'
 * names, embedded fields embedded, members with source text (decl_text)
 * as written, tags included.  A generic instance is declared under its
 * generic name, with opts->type_params when known. */
ALIGN_API void align_render_decl_go(align_buf *out, const align_layout *l, const size_t *order,
                                    const align_go_decl_opts *opts);
/* One element of the "types" array of the JSON schema (structalign(1)). */
ALIGN_API void align_render_json(align_buf *out, const align_layout *l, const align_cost *cost);

/* ---------------------------------------------- rewriting source (fix) */

/* The smallest field order applied to Go and C source files (rewrite/):
 * the parsers' spans of every struct and member, the optimizer's order, and
 * new text in which every member moves with its doc comment, trailing
 * comment and tag.  A set is filled with files, run once, then read: the
 * types it looked at (reordered, already optimal, or refused with the
 * reason) and the new text of each file it changed.  It never writes a
 * file: the caller shows the diff or writes atomically.
 *
 * Go files of one directory and package are parsed into one graph, so a
 * type declared in another file of the package can be sized; types of
 * other packages and headers cannot be, unless a binary's DWARF is given
 * (align_fix_opts.binary), and a struct holding one by value is refused. */
typedef struct align_fix_set align_fix_set;

/* What the chooser says about a type (its name as declared). */
enum {
    ALIGN_FIX_SKIP = 0, /* not looked at, not listed (--type) */
    ALIGN_FIX_DO = 1,   /* reorder if it saves bytes */
    ALIGN_FIX_KEEP = 2  /* pinned by the user (--keep): refused */
};

typedef struct align_fix_opts {
    align_arch arch;
    uint32_t cacheline; /* 0 = 64 */
    /* Go on amd64/arm64: refuse an order that would leave an int64 that is
     * 8-aligned on 386 and arm at a 4-aligned offset there (sync/atomic
     * would panic).  On 386 and arm the optimizer itself keeps them. */
    int check_atomic;
    /* NULL: every type is ALIGN_FIX_DO. */
    int (*choose)(const char *type_name, void *ctx);
    void *choose_ctx;
    /* Sizes of types the sources do not declare, by name; NULL: none. */
    align_binary *binary;
} align_fix_opts;

typedef enum align_fix_status {
    ALIGN_FIX_REORDERED = 0, /* new order written into the file's text */
    ALIGN_FIX_OPTIMAL,       /* already the smallest order */
    ALIGN_FIX_REFUSED        /* left alone: see reason */
} align_fix_status;

/* One struct declaration the run looked at.  Strings are owned by the set. */
typedef struct align_fix_type {
    const char *name; /* as declared: "Order", "struct packet", "T" */
    const char *file; /* as added */
    unsigned line, col;
    align_fix_status status;
    const char *reason;            /* REFUSED: why, one line; else NULL */
    uint64_t size;                 /* bytes now (0 when it could not be sized) */
    uint64_t new_size;             /* bytes in the new order (REORDERED), else size */
    uint64_t ptrdata, new_ptrdata; /* Go pointer bytes */
    const char *new_order;         /* REORDERED: the field names in the new
                                      order, ", "-separated; else NULL */
    size_t nmoved;                 /* REORDERED: fields whose place changed */
    unsigned marker_line;          /* a structalign:ignore comment marks it
                                      (refused): the marker's line; else 0 */
    /* REORDERED: the bytes of the file's text the new order replaces, and
     * what replaces them (one edit per type; edits never overlap). */
    size_t region_start, region_end;
    const char *replacement;
} align_fix_type;

/* A new empty set for one language.  *out is NULL on failure. */
ALIGN_API int align_fix_new(align_fix_set **out, align_lang lang, const align_fix_opts *opts);
ALIGN_API void align_fix_free(align_fix_set *s); /* accepts NULL */
/* Adds a file's text (copied) under the name path (used to group Go files
 * by directory and in messages). */
ALIGN_API int align_fix_add(align_fix_set *s, const char *path, const char *text, size_t len);
/* Parses every file, applies the guards, computes the orders and the new
 * texts.  On a file that does not parse: ALIGN_ESYNTAX (or the parser's
 * code) with file:line:col in the error record, and no result. */
ALIGN_API int align_fix_run(align_fix_set *s);
/* Sets (fn NULL: clears) the progress callback of align_fix_run: done
 * bytes of the files' text parsed of total (all files added), at the rate
 * align_progress_fn says, and once with done == total when the run is
 * done (the checks and orders after the parse are short). */
ALIGN_API void align_fix_set_progress(align_fix_set *s, align_progress_fn fn, void *user);
ALIGN_API size_t align_fix_ntypes(const align_fix_set *s);
ALIGN_API const align_fix_type *align_fix_type_at(const align_fix_set *s, size_t i);
ALIGN_API size_t align_fix_nfiles(const align_fix_set *s);
ALIGN_API const char *align_fix_file_path(const align_fix_set *s, size_t i);
/* The file's original text, and its new text (NULL when unchanged). */
ALIGN_API const char *align_fix_file_text(const align_fix_set *s, size_t i, size_t *len);
ALIGN_API const char *align_fix_file_new_text(const align_fix_set *s, size_t i, size_t *len);

/* =======================================================================
 * Go heap cost: the allocator's size classes (heap.c) and the compiler's
 * escape-analysis logs (escape.c).  Together with a layout they answer "is
 * this padded type heap-allocated, where, and what does it cost there".
 * ======================================================================= */

/* ------------------------------------------------- Go heap size classes */

/* The Go runtime's allocator constants (runtime/sizeclasses.go, malloc.go;
 * the same in every release 1.19-1.27; heap.c checks them against its
 * generated table at compile time). */
#define ALIGN_GO_MAX_SMALL_SIZE 32768u /* larger objects take whole pages */
#define ALIGN_GO_PAGE_SIZE 8192u       /* bytes of one runtime page */
#define ALIGN_GO_TINY_SIZE 16u         /* the tiny allocator's block */
#define ALIGN_GO_MALLOC_HEADER 8u      /* Go 1.22+: bytes before a large scan object */

/* Go releases are named by the minor number of Go 1.x: 19 for go1.19.8,
 * 27 for go1.27.4.  Parses the first "go1.N" or "1.N" in text ("1.27",
 * "go1.27.4", "Go cmd/compile go1.27.4; regabi") into *release;
 * ALIGN_EINVAL (error set, *release 0) when there is none. */
ALIGN_API int align_go_release_parse(unsigned *release, const char *text);
/* The oldest and newest releases whose allocator libalign has from the
 * release's own runtime source (1.19 and 1.27 today). */
ALIGN_API unsigned align_go_release_oldest(void);
ALIGN_API unsigned align_go_release_newest(void);
/* 1 when libalign's allocator model was generated from this release's own
 * runtime (1.19, 1.22 ... 1.27), 0 otherwise.  Other releases use the rules
 * of the nearest release below them that libalign has (or the oldest): 1.20
 * and 1.21 those of 1.19 (malloc headers came in 1.22), 1.28 those of 1.27. */
ALIGN_API int align_go_release_known(unsigned release);
/* The Go releases the model used for `release` was generated from, e.g.
 * "go1.22.12 go1.23.5 ..." (a static string); release 0: the newest. */
ALIGN_API const char *align_go_size_classes_version(unsigned release);

/* The size class of `size` bytes: 0 for size 0 (zero-size allocations all
 * return &runtime.zerobase), the smallest size class >= size up to 32768
 * bytes (24 -> 24, 25 -> 32, 33 -> 48), above that the size rounded up to
 * whole 8 KiB pages (32769 -> 40960).  The class table is the same in every
 * release; what a pointerful object costs is not (malloc headers, 1.22+):
 * use align_go_alloc_compute for that.  Sizes no Go target can allocate
 * (more than 2^48 bytes) return UINT64_MAX. */
ALIGN_API uint64_t align_go_size_class(uint64_t size);

/* One allocation as a Go release's runtime serves it (mallocgc). */
typedef struct align_go_alloc {
    uint64_t size;       /* bytes requested */
    uint64_t bytes;      /* bytes reserved: the size class of size +
                            header, or whole pages */
    uint64_t waste;      /* bytes - size: what the rounding and the
                            header add */
    uint32_t header;     /* malloc header bytes inside `bytes` (Go 1.22+:
                            8 for an object with pointers of more than
                            512 bytes on 64-bit targets, 128 on 32-bit
                            ones, that is not large); 0 otherwise */
    uint32_t size_class; /* the runtime's class index, 1..67; 0 for
                            size 0 and for large objects */
    uint64_t pages;      /* large objects: 8 KiB pages of their span */
    /* Pointer-free objects of 1..15 bytes go to the tiny allocator, which
     * packs them into shared 16-byte blocks: `bytes` (8 or 16) is then an
     * upper bound and tiny_per_block objects of this size share one block
     * when allocated back to back (16 / tiny_per_block bytes each). */
    int tiny;
    uint32_t tiny_per_block; /* 0 when not tiny */
    unsigned release;        /* the Go release whose rules were applied */
} align_go_alloc;

/* Fills *out for one object of `size` bytes allocated by Go `release` (0:
 * the newest libalign knows) on `arch` (the largest allocation, the malloc
 * header's threshold and the tiny allocator's alignment of 12-byte objects
 * depend on the word size).  has_pointers: the type's ptrdata is not 0.
 * ALIGN_EOVERFLOW when the runtime would refuse the size (more than 2^48
 * bytes on 64-bit targets, 2^32-1 on 32-bit ones); ALIGN_EINVAL for an
 * unknown arch.  *out is zeroed on failure. */
ALIGN_API int align_go_alloc_compute(align_go_alloc *out, unsigned release, align_arch arch,
                                     uint64_t size, int has_pointers);

/* The backing array of make([]T, len, cap) (runtime.makeslice): cap *
 * elem_size bytes, rounded by the same rules (a zero-length make allocates
 * nothing).  ALIGN_EOVERFLOW when the product overflows or exceeds the
 * largest allocation: the program would panic with "len out of range". */
ALIGN_API int align_go_alloc_slice(align_go_alloc *out, unsigned release, align_arch arch,
                                   uint64_t elem_size, uint64_t cap, int elem_has_pointers);

/* ------------------------------------------- Go escape-analysis logs */

/* What a site allocates, from the shape of the expression the compiler
 * printed.  The table in escape.c shows the go1.19 text of each. */
typedef enum align_escape_kind {
    ALIGN_ESCAPE_MOVED = 0,   /* "moved to heap: x": a named variable;
                                 var_name = x, its type is DWARF's &x */
    ALIGN_ESCAPE_ADDR_OF_LIT, /* "&T{...}": type_text = "T" */
    ALIGN_ESCAPE_NEW,         /* "new(T)": type_text = "T" */
    ALIGN_ESCAPE_MAKE_SLICE,  /* "make([]T, n)", "make([]T, n, m)":
                                 type_text = "[]T" (the backing array) */
    ALIGN_ESCAPE_MAKE_MAP,    /* "make(map[K]V)", "make(map[K]V, n)" */
    ALIGN_ESCAPE_SLICE_LIT,   /* "[]T{...}": type_text = "[]T" */
    ALIGN_ESCAPE_MAP_LIT,     /* "map[K]V{...}" */
    ALIGN_ESCAPE_VARARGS,     /* "... argument": a variadic call's slice */
    ALIGN_ESCAPE_FUNC_LIT,    /* "func literal": a closure's context */
    ALIGN_ESCAPE_STRING_CONV, /* "string(b)", "([]byte)(s)", "([]rune)(s)" */
    /* A value converted to an interface; the compiler prints the value
     * ("o", "n + 1", "o.ID", "\"orders\"", "any(p)", "~R0", "T{...}" with
     * type_text = "T").  The same text also stands for string
     * concatenations ("s + t") and method values ("p.Norm"); with
     * stack_only, a bare name may also be a parameter whose pointees do not
     * escape.  The text cannot tell these apart; all are non-MOVED sites
     * of an unnamed type. */
    ALIGN_ESCAPE_BOXED,
    /* -json logs only: an allocation logged with an empty message and no
     * other record at its position; expr is "". */
    ALIGN_ESCAPE_UNKNOWN,
    /* Go 1.25+: "append escapes to heap": the backing array an append
     * grows into (-m text prints "append" alone; -m=2 explanations and
     * -json print the call, "append(xs, o)", which expr then holds). */
    ALIGN_ESCAPE_APPEND
} align_escape_kind;

/* "moved", "addr_of_lit", "new", "make_slice", "make_map", "slice_lit",
 * "map_lit", "varargs", "func_lit", "string_conv", "boxed", "unknown",
 * "append";
 * NULL for a value out of range.  Stable: used in JSON reports. */
ALIGN_API const char *align_escape_kind_name(align_escape_kind kind);

/* One allocation site.  Every string is owned by the log and valid until
 * align_escape_log_free(). */
typedef struct align_escape_site {
    const char *file;    /* as written: "./main.go", "geom/geom.go",
                            "../main.go", an absolute path, or
                            "<autogenerated>"; see
                            align_escape_path_resolve() */
    unsigned line;       /* 1-based */
    unsigned col;        /* 1-based byte column; 0 when not given */
    const char *package; /* import path of the package being compiled
                            (which may differ from the file's: inlined
                            and generic code), from the "# path" header
                            of -m text or the "package" of a -json
                            header ("main" for commands there); NULL
                            when the input did not say */
    align_escape_kind kind;
    int stack_only;        /* 1: "... does not escape": the compiler
                              proved it stays on the stack (text logs
                              only: -json records heap sites alone) */
    const char *expr;      /* the expression as printed; never NULL */
    const char *type_text; /* the type the expression names, as written
                              ("geom.Padded", "gen.Pair[bool,int64]",
                              "[]Order"), or NULL */
    const char *var_name;  /* ALIGN_ESCAPE_MOVED: the variable; else NULL */
    const char *input;     /* the file or name the site was read from */
    uint64_t input_line;   /* 1-based line of that input */
    /* What the explanations say (-m=2 text, -json), NULL when not given:
     * func: the function being analysed, as go1.25+ prints it after "in"
     * ("main", "gnew[go.shape.int64]", "(*T).M"); flow_dst: the first
     * flow's destination when it takes the allocation's address
     * ("flow: p <- &{storage for new(T)}" or "flow: ~r0 = &x": "p",
     * "~r0"); inlined: the callee whose body the allocation is written in
     * when the compiler reports it at an inlined call ("inlining call to
     * geom.New" at the same position of -m text, "inlineLoc" of -json),
     * with inline_file/inline_line its position (-json only, else NULL/0). */
    const char *func;
    const char *flow_dst;
    const char *inlined;
    const char *inline_file;
    unsigned inline_line;
    /* MAKE_SLICE with a length or capacity that is not a number: from Go
     * 1.25 (whose logs fold constants) such a make that "does not escape"
     * still goes to the heap when it needs more than 32 bytes. */
    int var_size;
} align_escape_site;

/* Counts over every input read into a log. */
typedef struct align_escape_stats {
    uint64_t inputs;      /* files and buffers read successfully */
    uint64_t lines;       /* lines read */
    uint64_t heap_sites;  /* sites with stack_only == 0 */
    uint64_t stack_sites; /* sites with stack_only == 1 */
    uint64_t ignored;     /* compiler lines that are not sites: "# pkg"
                             headers, can/cannot inline, inlining call,
                             leaking param, -m=2 explanations, -json
                             headers and other diagnostics */
    uint64_t skipped;     /* non-blank lines that are not compiler
                             output (build errors, "go: downloading",
                             binary junk, lines over 1 MiB) */
} align_escape_stats;

/* A set of sites read from one or more logs, in input order. */
typedef struct align_escape_log align_escape_log;

/* New empty log; *out is NULL on failure (ALIGN_ENOMEM). */
ALIGN_API int align_escape_log_new(align_escape_log **out);
/* Frees the log, its sites and strings.  Accepts NULL. */
ALIGN_API void align_escape_log_free(align_escape_log *log);

/* Progress of a long read: align_progress_fn, under "binaries" above. */
/* Sets (fn NULL: clears) the progress callback of the log's later text and
 * JSON reads from files. */
ALIGN_API void align_escape_log_set_progress(align_escape_log *log, align_progress_fn fn,
                                             void *user);
/* Lets the log's later reads of -json directories parse up to n files at
 * once (n - 1 threads of the library's own beside the caller's; 0 or 1,
 * the default: none).  The result is the same to the byte (sites, their
 * order, counts, errors); only files parsed on the caller's thread call
 * the progress callback.  Threads are never started otherwise. */
ALIGN_API void align_escape_log_set_threads(align_escape_log *log, unsigned n);

/* Appends the sites of a `go build -gcflags=-m` log (also all=-m, -m=2,
 * -m -m): the compiler's stderr, read line by line in constant memory.
 * path "-" reads standard input.  Lines that are not compiler output are
 * skipped and counted.  ALIGN_EIO when the file cannot be read;
 * ALIGN_EFORMAT when it holds no compiler line at all (the error names the
 * file and hints how to produce one).  On failure the log is unchanged. */
ALIGN_API int align_escape_log_read_text(align_escape_log *log, const char *path);
/* The same for text in memory; name is used in sites and messages. */
ALIGN_API int align_escape_log_read_text_mem(align_escape_log *log, const char *name,
                                             const char *text, size_t len);

/* Appends the heap sites of the directory written by
 * `go build -gcflags=-json=0,DIR`: DIR/<escaped package path>/<file>.json
 * (a package directory or a single .json file is accepted too).  Files are
 * read in name order.  ALIGN_EIO when DIR cannot be read; ALIGN_EFORMAT
 * with file:line for malformed JSON or a missing version header, or when
 * DIR holds no .json file.  On failure the log is unchanged. */
ALIGN_API int align_escape_log_read_json_dir(align_escape_log *log, const char *dir);
/* One such .json file's text in memory. */
ALIGN_API int align_escape_log_read_json_mem(align_escape_log *log, const char *name,
                                             const char *text, size_t len);

ALIGN_API size_t align_escape_log_nsites(const align_escape_log *log);
/* The sites as an array of nsites elements, NULL when empty.  The array is
 * owned by the log and moves when more input is read: do not keep the
 * pointer across a read. */
ALIGN_API const align_escape_site *align_escape_log_sites(const align_escape_log *log);
ALIGN_API void align_escape_log_stats(align_escape_stats *out, const align_escape_log *log);

/* -m=2 (and -m -m) logs also say what each closure captures:
 * "./main.go:16:14: byValue capturing by value: s (addr=false assign=false
 * width=24)", at the position of the captured variable's declaration.
 * These are not allocations themselves; the escape join uses them to tell
 * which struct an escaping func literal copies into its closure. */
typedef struct align_escape_capture {
    const char *file;     /* as written; see align_escape_site.file */
    unsigned line, col;   /* the captured variable's declaration */
    const char *package;  /* as align_escape_site.package */
    const char *func;     /* the function the closure is declared in, as
                             printed: "byValue", "main", "every.func1" */
    const char *var_name; /* "s"; "pkg.s" when inlined from package pkg */
    int by_value;         /* 1: a copy is stored in the closure */
    uint64_t width;       /* bytes the compiler gives the variable */
    const char *input;
    uint64_t input_line;
    unsigned use_line; /* -json: the line the closure uses it on (func is
                          "" there: -json does not name it); 0 in text */
} align_escape_capture;

ALIGN_API size_t align_escape_log_ncaptures(const align_escape_log *log);
/* The captures as an array (NULL when none); moves as the sites do. */
ALIGN_API const align_escape_capture *align_escape_log_captures(const align_escape_log *log);

/* The path of a site's file for the machine that runs the analysis: file
 * joined to base_dir (the directory the build ran in) when relative, then
 * cleaned lexically ("./a/../b.go" -> "b.go").  Absolute files, names in
 * angle brackets ("<autogenerated>") and a NULL base_dir leave the file as
 * it is (cleaned).  Paths in -m text are relative to the directory of the
 * build that compiled the package: go replays cached compiler output
 * verbatim, so that can be an earlier build's directory.  Paths in -json
 * logs are absolute.  Appends to out; ALIGN_ENOMEM when it failed. */
ALIGN_API int align_escape_path_resolve(align_buf *out, const char *base_dir, const char *file);

/* ------------------------------------- the escape join (heapsites.c) */

/* Ties the allocation sites of escape-analysis logs to the struct types of
 * the binary the same build produced: which padded type is allocated on
 * the heap where, and what reordering it saves in allocator size classes.
 * Sites are resolved through the binary's DWARF (the variables of "moved to
 * heap: x", the type names of "&T{...}", "new(T)", "make([]T, n)", the
 * values boxed into interfaces, the captures of closures); a site that
 * cannot be resolved says why, and a log that does not fit the binary is
 * detected. */
typedef struct align_heap_join align_heap_join;

typedef enum align_heap_status {
    ALIGN_HEAP_STRUCT = 0, /* allocates a struct type of the binary */
    ALIGN_HEAP_OTHER,      /* allocates something else (a map, string,
                              []byte, int, pointer, closure); `type` is
                              set when known */
    ALIGN_HEAP_UNRESOLVED, /* could not be tied to a type: see reason */
    ALIGN_HEAP_STACK       /* "does not escape": not a heap allocation */
} align_heap_status;

/* "struct", "other", "unresolved", "stack".  Stable (JSON). */
ALIGN_API const char *align_heap_status_name(align_heap_status status);

/* One site of the log and what it was resolved to.  Strings are owned by
 * the join (or by the log and the binary, which must outlive it). */
typedef struct align_heap_site {
    const char *file;   /* as the log wrote it: "./main.go" */
    unsigned line, col; /* col 0: not given */
    align_escape_kind kind;
    const char *expr;    /* as the log wrote it */
    const char *package; /* the log's package header, or NULL */
    const char *input;   /* the log it came from */
    uint64_t input_line;
    const char *path; /* the binary's file the site matched (as its
                         DWARF names it); NULL when none did */
    align_heap_status status;
    /* STRUCT: the record allocated; for make([]T, n) and []T{...} the
     * element type (per_element = 1): the allocation is a backing array of
     * them.  OTHER: the value's type when known.  The node belongs to the
     * binary's Go graph. */
    const align_type *type;
    int per_element;
    const char *via;     /* how the type was found, for people:
                            "variable &o *main.Order of main.newOrder",
                            "captured by value: o"; NULL when the
                            expression names the type itself */
    const char *reason;  /* UNRESOLVED: why, one line; else NULL */
    int stack_buffer;    /* go1.25+ "make([]T, n) does not escape" with a
                            size that is not a constant: a 32-byte stack
                            buffer when the array fits, the heap when it
                            does not; counted as a heap site */
    const char *inlined; /* the function whose body holds the allocation
                            when the compiler reports it at a call it
                            inlined: as -m prints it ("geom.New"), or as
                            DWARF names the function covering -json's
                            inlineLoc; NULL when written where reported */
    const char *func;    /* the function analysed, as go1.25+ -m=2 names
                            it ("main"); NULL when the log does not say */
    int not_linked;      /* in code the linker removed: its file is in
                            the binary (or its package is) but no
                            function of the binary covers its line; never
                            evidence of a stale log, never ranked */
    int stale;           /* the site contradicts the binary: its file
                            is not in it, its line has no code, or its
                            variable is declared elsewhere */
} align_heap_site;

/* A struct type with at least one heap site. */
typedef struct align_heap_type {
    const align_type *type;
    size_t nsites;
    const uint32_t *sites; /* indices for align_heap_join_site(), in
                              log order */
    int objects;           /* some site allocates single objects */
    int arrays;            /* some site allocates backing arrays */
} align_heap_type;

typedef struct align_heap_summary {
    uint64_t sites;      /* sites read (heap and stack-only), after
                            dropping duplicates */
    uint64_t duplicates; /* sites given twice (same position and
                            expression, e.g. a text log and a -json
                            directory of one build) */
    uint64_t heap;       /* heap sites: struct + other + unresolved */
    uint64_t structs;    /* heap sites tied to a struct type */
    uint64_t other;      /* heap sites of other values */
    uint64_t unresolved;
    uint64_t stack;      /* "does not escape" sites */
    uint64_t unmatched;  /* heap sites whose file is not in the binary */
    uint64_t stale;      /* heap sites that contradict the binary */
    uint64_t not_linked; /* heap sites in code the linker removed */
    size_t types;        /* struct types with heap sites */
} align_heap_summary;

enum { ALIGN_HEAP_NOTE = 0, ALIGN_HEAP_WARNING = 1 };

/* Something a person should know about the inputs as a whole: a log (or a
 * package of it) that does not match the binary, closures whose captures
 * only -m=2 logs tell. */
typedef struct align_heap_diag {
    int severity;        /* ALIGN_HEAP_NOTE or ALIGN_HEAP_WARNING */
    const char *input;   /* the log concerned, or NULL */
    const char *message; /* one line */
} align_heap_diag;

/* An empty join: read the escape logs into it with align_heap_join_read_*
 * (in any number and mix, before the binary is loaded if that is slow),
 * then tie them to the binary with align_heap_join_finish() once, before
 * asking for sites or types.  src_dir: where relative paths of the logs
 * start (the directory `go build` ran in); NULL: each input's own
 * directory.  ALIGN_ENOMEM.
 * Memory: the join keeps no log.  Each site read is kept as a record of
 * 4 to 6 bytes as a rule (its line, column, input line, and the id of
 * what its log and the join said of it, shared by every site that says
 * the same, each told by its change from the site before): the join of a
 * 50 MB log of distinct sites holds under half of that. */
ALIGN_API int align_heap_join_open(align_heap_join **out, const char *src_dir);
/* Sets (fn NULL: clears) the progress callback of the join's later reads
 * of files (align_progress_fn, under "binaries" above). */
ALIGN_API void align_heap_join_set_progress(align_heap_join *j, align_progress_fn fn, void *user);
/* align_escape_log_set_threads() for the join's later -json reads. */
ALIGN_API void align_heap_join_set_threads(align_heap_join *j, unsigned n);
/* The readers of align_escape_log_read_text(), _text_mem(), _json_dir()
 * and _json_mem(), same inputs, same errors, with the sites going into the
 * join instead of a log; also ALIGN_ELIMIT past 2^31 - 1 sites.  On
 * failure the join is unchanged.  Not after align_heap_join_finish(), nor
 * on a join made by align_heap_join_new(). */
ALIGN_API int align_heap_join_read_text(align_heap_join *j, const char *path);
ALIGN_API int align_heap_join_read_text_mem(align_heap_join *j, const char *name, const char *text,
                                            size_t len);
ALIGN_API int align_heap_join_read_json_dir(align_heap_join *j, const char *dir);
ALIGN_API int align_heap_join_read_json_mem(align_heap_join *j, const char *name, const char *text,
                                            size_t len);
/* What the reads counted so far (align_escape_log_stats()). */
ALIGN_API void align_heap_join_log_stats(align_escape_stats *out, const align_heap_join *j);
/* Ties every site read to the binary bin, which must have been opened with
 * ALIGN_BINARY_GO_FUNCS, groups them by type and diagnoses the inputs;
 * call it once, after the last read.  The join points into bin from then
 * on: free it first.
 *   ALIGN_EINVAL    bin was opened without ALIGN_BINARY_GO_FUNCS;
 *   ALIGN_EFORMAT   bin has no Go code;
 *   ALIGN_EMISMATCH the logs have heap sites and none of them is in a file
 *                   of the binary (a log of another program);
 *   ALIGN_ELIMIT, ALIGN_ENOMEM.
 * After a failure only align_heap_join_free() may be called. */
ALIGN_API int align_heap_join_finish(align_heap_join *j, align_binary *bin);

/* The same in one call for the sites already read into log (tests and
 * tools that want the sites themselves): open, every site of log, finish.
 * The join points into bin and log: free it first.  Errors: those of
 * align_heap_join_finish(). */
ALIGN_API int align_heap_join_new(align_heap_join **out, align_binary *bin,
                                  const align_escape_log *log, const char *src_dir);
ALIGN_API void align_heap_join_free(align_heap_join *j); /* accepts NULL */

/* The accessors below are for a finished join. */
ALIGN_API void align_heap_join_summary(align_heap_summary *out, const align_heap_join *j);
/* Sites after dropping duplicates, in input order. */
ALIGN_API size_t align_heap_join_nsites(const align_heap_join *j);
/* Fills *out with site i (i < align_heap_join_nsites()).  No array of
 * these exists: each call decodes one from the join's records.  The
 * strings *out points to are owned by the join and valid until
 * align_heap_join_free(). */
ALIGN_API void align_heap_join_site(const align_heap_join *j, size_t i, align_heap_site *out);
/* Struct types with heap sites, in order of their first site; NULL past
 * the end (as align_heap_join_diag). */
ALIGN_API size_t align_heap_join_ntypes(const align_heap_join *j);
ALIGN_API const align_heap_type *align_heap_join_type(const align_heap_join *j, size_t i);
/* The heap sites of t (a record of the binary's Go graph), or NULL. */
ALIGN_API const align_heap_type *align_heap_join_find(const align_heap_join *j,
                                                      const align_type *t);
ALIGN_API size_t align_heap_join_ndiags(const align_heap_join *j);
ALIGN_API const align_heap_diag *align_heap_join_diag(const align_heap_join *j, size_t i);

/* 1 when an import path is the standard library's: no dot in its first
 * element ("fmt", "internal/race", "vendor/golang.org/x/net/route"), and
 * not "main".  The join does not count such packages' sites when it judges
 * whether a log matches the binary (all=-m logs are full of standard
 * library code the linker removed). */
ALIGN_API int align_go_package_is_std(const char *import_path);

/* What reordering a heap-allocated type saves in the Go allocator. */
typedef struct align_heap_cost {
    int per_element; /* 1: one backing array of `count` elements
                        (make([]T, count)); 0: `count` objects */
    uint64_t count;
    align_go_alloc now;     /* one object, or the whole array */
    align_go_alloc optimal; /* the same in the smallest field order */
    uint64_t saved;         /* now.bytes - optimal.bytes: per object (0
                               when both sizes share a class; more than
                               the padding when a class boundary is
                               crossed), or for the whole array */
    uint64_t saved_total;   /* objects: saved x count; arrays: saved */
} align_heap_cost;

/* Fills *out for a layout of a Go struct, with the allocator of the
 * layout's Go release (l->go_release; 0: the newest).  ALIGN_EOVERFLOW when
 * a count makes a size overflow; ALIGN_EINVAL for a layout of another
 * language. */
ALIGN_API int align_heap_cost_compute(align_heap_cost *out, const align_layout *l, uint64_t count,
                                      int per_element);

/* ------------------------------------- savings carried up (carry.c) */

/* A Go record's best size once the records it holds by value (embedded or
 * named struct fields, arrays of them, at any depth) are reordered too, and
 * which record each saved byte is owed to: a padded struct embedded in
 * heap-allocated types saves nothing where it is allocated by its own
 * layout, but does in the types that hold it. */
typedef struct align_carry_cause {
    /* The record whose reordering saves these bytes: the record itself
     * (causes[0] when its own order saves), or a record reachable from it
     * by value; NULL: every other such record at once (past 32 of them). */
    const align_type *type;
    uint64_t size_saved; /* bytes of the record's size this step saves */
    uint64_t size_after; /* the record's size after this step */
} align_carry_cause;

typedef struct align_carry {
    const align_type *type;
    uint64_t size;         /* as laid out */
    uint64_t optimal_size; /* its own members reordered (the layout's;
                              size when its order is kept) */
    uint64_t deep_size;    /* and every record held by value too */
    uint64_t deep_ptrdata; /* pointer bytes in that order */
    /* The steps from size to deep_size, in order: the record's own order
     * first, then the held records, the one saving most alone first, each
     * saving given the steps before it.  Their size_saved add up to
     * size - deep_size exactly; no step has size_saved 0. */
    size_t ncauses;
    align_carry_cause *causes;
} align_carry;

/* Fills *out (free with align_carry_free) for the layout l of a Go record
 * of g (ALIGN_LAYOUT_GIVEN, as audit lays types out).  Records whose
 * positions the model does not reproduce, and records the linker or the
 * compiler made, keep their size; on 386 and arm only the record's own
 * order is counted (deep_size = optimal_size).  Each step lays out copies
 * of the records involved, added to g (unnamed, never declarations).
 *   ALIGN_EINVAL a layout of another language; ALIGN_ELIMIT nesting past
 *   ALIGN_MAX_DEPTH; ALIGN_ENOMEM. */
/* keep (may be NULL): nonzero for a record whose order is meant (audit:
 * a structalign:ignore marker): it is never reordered, and no step is owed
 * to it, though its size still follows its members'. */
typedef int (*align_carry_keep_fn)(const align_type *record, void *arg);
ALIGN_API int align_carry_compute(align_carry **out, align_graph *g, const align_layout *l,
                                  align_carry_keep_fn keep, void *keep_arg);
ALIGN_API void align_carry_free(align_carry *c); /* accepts NULL */

/* The allocator's bytes for the record now and at deep_size, for count
 * objects or one backing array of count elements (as align_heap_cost). */
typedef struct align_carry_heap_cost {
    uint64_t now, deep;   /* bytes reserved for one object, or the array */
    uint64_t saved_total; /* (now - deep) x count for objects; arrays: once */
} align_carry_heap_cost;

/* Fills *out, and cause_saved[i] (c->ncauses entries) with the allocator
 * bytes each step of c saves, times the count as saved_total is: they add
 * up to saved_total exactly.  l: the layout c was computed from.
 * ALIGN_EOVERFLOW when a count makes a total overflow. */
ALIGN_API int align_carry_heap(align_carry_heap_cost *out, uint64_t *cause_saved,
                               const align_layout *l, const align_carry *c, uint64_t count,
                               int per_element);

/* =======================================================================
 * Measured counts: Go heap profiles (measure/profile.c, profile_join.c).
 * A heap profile counts, per allocation stack, the objects allocated and
 * still live; joined to the escape join's heap sites it gives each padded
 * struct type its real instance count instead of a --count guess.
 * ======================================================================= */

/* Which of a heap profile's counts stands for "instances". */
typedef enum align_sample {
    ALIGN_SAMPLE_INUSE = 0, /* live when the profile was written */
    ALIGN_SAMPLE_ALLOC = 1  /* allocated since the program started */
} align_sample;

/* "inuse", "alloc"; NULL out of range.  Stable (JSON). */
ALIGN_API const char *align_sample_name(align_sample s);

/* A profile inflates to at most this many bytes, and its file is at most
 * ALIGN_PROFILE_MAX_FILE_BYTES (ALIGN_ELIMIT past either). */
#define ALIGN_PROFILE_MAX_BYTES (1024u * 1024u * 1024u)
#define ALIGN_PROFILE_MAX_FILE_BYTES (256u * 1024u * 1024u)

/* A heap profile read into allocation sites.  Opaque; owns its strings. */
typedef struct align_profile align_profile;

/* What a profile says about itself.  Strings are owned by the profile. */
typedef struct align_profile_info {
    const char *path;           /* as given to align_profile_open */
    int64_t period;             /* runtime.MemProfileRate when it was written:
                                   one sample per `period` bytes on average
                                   (524288 by default); 1 = every allocation */
    int64_t time_nanos;         /* when it was written (Unix ns); 0 unknown */
    const char *default_sample; /* "inuse_space" (heap), "alloc_space"
                                   (allocs), or NULL */
    const char *executable;     /* the first mapping's file, or NULL */
    const char *build_id;       /* its GNU build ID, or NULL (Go binaries
                                   carry one only when linked with one) */
    size_t nsamples;            /* stacks in the profile */
    size_t nsites;              /* allocation sites after summing */
    /* Totals over every sample.  The Go runtime writes un-sampled
     * estimates (runtime/pprof scaleHeapSample: each sampled count divided
     * by its probability 1 - exp(-size/period)); they are used as written,
     * as `go tool pprof` does.  Exact when period is 1. */
    uint64_t alloc_objects, alloc_bytes, inuse_objects, inuse_bytes;
} align_profile_info;

/* One allocation site: the samples whose allocating (leaf) frame is at
 * file:line in function, for objects of one size, summed. */
typedef struct align_profile_site {
    const char *file;     /* as the binary's line table writes it; "" when
                             the profile gives none */
    unsigned line;        /* 1-based; 0 unknown */
    const char *function; /* "main.newOrder"; "" when none */
    uint64_t object_size; /* bytes one object takes (its size class): the
                             sample's "bytes" label; 0 when absent */
    uint64_t alloc_objects, alloc_bytes, inuse_objects, inuse_bytes;
    size_t nstacks; /* samples summed into this site */
} align_profile_site;

/* Reads a gzipped protobuf heap profile (runtime/pprof.WriteHeapProfile,
 * go test -memprofile, /debug/pprof/heap or /allocs); path "-" reads
 * standard input.  *out is NULL on failure:
 *   ALIGN_EIO      missing, unreadable, not a regular file (a FIFO or a
 *                  directory: never waited on);
 *   ALIGN_EFORMAT  empty, not gzip, corrupt or truncated gzip, not a
 *                  protobuf profile, a profile that is not a heap profile
 *                  (a CPU profile: the message says so), inconsistent
 *                  (a sample pointing to a missing location, ...);
 *   ALIGN_ELIMIT   inflates past ALIGN_PROFILE_MAX_BYTES;
 *   ALIGN_EOVERFLOW, ALIGN_ENOMEM.
 * The hint says how to write a good profile. */
ALIGN_API int align_profile_open(align_profile **out, const char *path);
/* The same for bytes in memory; name is used in messages. */
ALIGN_API int align_profile_read_mem(align_profile **out, const char *name, const void *data,
                                     size_t len);
ALIGN_API void align_profile_free(align_profile *p); /* accepts NULL */
/* Owned by the profile; valid until align_profile_free. */
ALIGN_API const align_profile_info *align_profile_info_get(const align_profile *p);
ALIGN_API size_t align_profile_nsites(const align_profile *p);
/* Sites in order of first appearance; NULL past the end.  Owned by p. */
ALIGN_API const align_profile_site *align_profile_site_get(const align_profile *p, size_t i);

/* A profile joined to a binary (and its escape join). */
typedef struct align_profile_join align_profile_join;

typedef enum align_measure_status {
    ALIGN_MEASURE_STRUCT = 0, /* allocates a struct type of the binary */
    ALIGN_MEASURE_OTHER,      /* something else (the log's site is a map,
                                 string, closure...), or the standard
                                 library's own allocations */
    ALIGN_MEASURE_UNTYPED     /* could not be typed: see reason */
} align_measure_status;

/* One profile site and its type. */
typedef struct align_measured_site {
    const align_profile_site *site; /* owned by the profile */
    align_measure_status status;
    const align_type *type; /* STRUCT: the record (the element type when
                               per_element); OTHER: when known; owned by
                               the binary's Go graph */
    int per_element;        /* the site allocates backing arrays of type */
    size_t heap_site;       /* the escape log's site that typed it
                               (or that could not): its index for
                               align_heap_join_site() + 1; 0 when
                               none */
    const char *reason;     /* UNTYPED: why, one line; else NULL */
    int in_binary;          /* the function, file and line are the
                               binary's */
} align_measured_site;

/* A struct type with measured allocations: its sites' sums. */
typedef struct align_measured_type {
    const align_type *type;
    int objects, arrays;  /* some site allocates single objects / arrays */
    uint64_t object_size; /* the profile's bytes per allocation (the
                             largest when sites differ) */
    uint64_t inuse_objects, inuse_bytes, alloc_objects, alloc_bytes;
    size_t nsites;
    const size_t *sites; /* indices for align_profile_join_site() */
} align_measured_type;

typedef struct align_measure_summary {
    uint64_t sites, structs, other, untyped;
    uint64_t foreign; /* sites whose function, file or line is not the
                         binary's */
    uint64_t untyped_inuse_bytes, untyped_alloc_bytes;
    size_t types;
} align_measure_summary;

/* Joins profile p with bin (opened with ALIGN_BINARY_GO_FUNCS) through
 * the escape join hj, which may be NULL: then no site is typed, and a note
 * says how to get a log.  Points into p, bin and hj: free it first.
 *   ALIGN_EINVAL    bin was opened without ALIGN_BINARY_GO_FUNCS;
 *   ALIGN_EFORMAT   bin has no Go code;
 *   ALIGN_EMISMATCH none of the profile's allocating functions outside
 *                   the standard library is in bin (another program);
 *   ALIGN_EOVERFLOW, ALIGN_ENOMEM. */
ALIGN_API int align_profile_join_new(align_profile_join **out, const align_profile *p,
                                     align_binary *bin, const align_heap_join *hj);
ALIGN_API void align_profile_join_free(align_profile_join *j); /* accepts NULL */
ALIGN_API void align_profile_join_summary(align_measure_summary *out, const align_profile_join *j);
/* Struct types with measured allocations, in order of their first site,
 * and what each counts. */
ALIGN_API size_t align_profile_join_ntypes(const align_profile_join *j);
ALIGN_API const align_measured_type *align_profile_join_type(const align_profile_join *j, size_t i);
/* t's measurements, or NULL when no typed site allocates it. */
ALIGN_API const align_measured_type *align_profile_join_find(const align_profile_join *j,
                                                             const align_type *t);
/* The objects (arrays for per-element sites) `which` counts. */
ALIGN_API uint64_t align_measured_count(const align_measured_type *t, align_sample which);
/* Every measured site; a type's are listed in align_measured_type.sites. */
ALIGN_API size_t align_profile_join_nsites(const align_profile_join *j);
ALIGN_API const align_measured_site *align_profile_join_site(const align_profile_join *j, size_t i);
/* Warnings (a profile of another build) and notes (sites left untyped). */
ALIGN_API size_t align_profile_join_ndiags(const align_profile_join *j);
ALIGN_API const align_heap_diag *align_profile_join_diag(const align_profile_join *j, size_t i);

#ifdef __cplusplus
}
#endif
#endif
