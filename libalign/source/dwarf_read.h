/*
 * dwarf_read.h - the DWARF reader's shared state; never installed.
 *
 * dwarf.c owns the walk (units, DIEs, the offset map, records and members);
 * dwarf_go.c and dwarf_c.c hold what is particular to each compiler's DWARF:
 * Go's DW_AT_go_kind types and the C base types, enums, function types and
 * the packed-attribute inference.  See dwarf.c for the design.
 */
#ifndef LIBALIGN_DWARF_READ_H
#define LIBALIGN_DWARF_READ_H

#include "model/model.h"

#include <dwarf.h>
#include <libdwarf.h>

/* Go's DWARF extensions (cmd/internal/dwarf/dwarf.go). */
#define DW_AT_go_kind 0x2900
#define DW_AT_go_key 0x2901
#define DW_AT_go_elem 0x2902
#define DW_AT_go_embedded_field 0x2903
#define DW_AT_go_runtime_type 0x2904
#define DW_AT_go_package_name 0x2905

/* reflect.Kind, as cmd/link writes it to DW_AT_go_kind. */
enum {
    GO_KIND_BOOL = 1,
    GO_KIND_INT,
    GO_KIND_INT8,
    GO_KIND_INT16,
    GO_KIND_INT32,
    GO_KIND_INT64,
    GO_KIND_UINT,
    GO_KIND_UINT8,
    GO_KIND_UINT16,
    GO_KIND_UINT32,
    GO_KIND_UINT64,
    GO_KIND_UINTPTR,
    GO_KIND_FLOAT32,
    GO_KIND_FLOAT64,
    GO_KIND_COMPLEX64,
    GO_KIND_COMPLEX128,
    GO_KIND_ARRAY,
    GO_KIND_CHAN,
    GO_KIND_FUNC,
    GO_KIND_INTERFACE,
    GO_KIND_MAP,
    GO_KIND_PTR,
    GO_KIND_SLICE,
    GO_KIND_STRING,
    GO_KIND_STRUCT,
    GO_KIND_UNSAFE_POINTER
};

/* The attributes the DIE reader keeps: the one list behind the HAS_* bits,
 * dwarf_attr.c's reading through libdwarf and dwarf_scan.c's raw reading
 * (scan_die_info).
 *
 * DIE_FIELD_ATTRS: read as they are into one die_info field, the same way
 * by both readers: X(NAME, DW_AT code, kind, field, what) with kind
 *   UDATA   a constant (a negative sdata is an error), into a uint64_t
 *   STRING  a string, into a const char *
 *   REF     a reference, as a global .debug_info offset, into a Dwarf_Off
 *   ADDR    an address (DW_FORM_addr, or DWARF 5's addrx into .debug_addr),
 *           into a uint64_t
 * and what: the libdwarf error's context (NULL: the constant reader's).
 * Adding an attribute here is all it takes for both readers to keep it. */
#define DIE_FIELD_ATTRS(X)                                                                         \
    X(NAME, DW_AT_name, STRING, name, "reading a name")                                            \
    X(PRODUCER, DW_AT_producer, STRING, producer, "reading a name")                                \
    X(GO_PKG_NAME, DW_AT_go_package_name, STRING, go_pkg_name, "reading a package name")           \
    X(TYPE, DW_AT_type, REF, type, "reading a type reference")                                     \
    X(ORIGIN, DW_AT_abstract_origin, REF, origin, "reading an abstract origin")                    \
    X(LOW_PC, DW_AT_low_pc, ADDR, low_pc, "reading low_pc")                                        \
    X(BIT_SIZE, DW_AT_bit_size, UDATA, bit_size, NULL)                                             \
    X(DATA_BIT_OFFSET, DW_AT_data_bit_offset, UDATA, data_bit_offset, NULL)                        \
    X(ENCODING, DW_AT_encoding, UDATA, encoding, NULL)                                             \
    X(DECL_FILE, DW_AT_decl_file, UDATA, decl_file, NULL)                                          \
    X(DECL_LINE, DW_AT_decl_line, UDATA, decl_line, NULL)                                          \
    X(DECL_COLUMN, DW_AT_decl_column, UDATA, decl_column, NULL)                                    \
    X(ALIGNMENT, DW_AT_alignment, UDATA, alignment, NULL)                                          \
    X(LANGUAGE, DW_AT_language, UDATA, language, NULL)                                             \
    X(GO_KIND, DW_AT_go_kind, UDATA, go_kind, NULL)                                                \
    X(CALL_FILE, DW_AT_call_file, UDATA, call_file, NULL)                                          \
    X(CALL_LINE, DW_AT_call_line, UDATA, call_line, NULL)

/* DIE_SPECIAL_ATTRS: attributes each reader decodes by explicit code,
 * X(NAME, DW_AT code): forms that change the meaning (high_pc an address
 * or an offset; a VLA's bound or size an expression), expressions (member
 * locations), signed values, flags.  dwarf_attr.c's read_attr has a case
 * for each; the raw scanner decodes high_pc and inline and leaves the rest
 * to libdwarf (a Go function's scope holds none of them). */
#define DIE_SPECIAL_ATTRS(X)                                                                       \
    X(BYTE_SIZE, DW_AT_byte_size)           /* constant forms only */                              \
    X(BIT_OFFSET, DW_AT_bit_offset)         /* DWARF 2-4 bit-fields, from the MSB */               \
    X(LOCATION, DW_AT_data_member_location) /* a constant, or DW_OP_plus_uconst */                 \
    X(COUNT, DW_AT_count)                   /* constant forms only */                              \
    X(UPPER, DW_AT_upper_bound)             /* signed; constant forms only */                      \
    X(LOWER, DW_AT_lower_bound)             /* signed; constant forms only */                      \
    X(HIGH_PC, DW_AT_high_pc)               /* an address, or HAS_HIGH_PC_OFFSET */                \
    X(INLINE, DW_AT_inline)                 /* an abstract instance */                             \
    X(DECLARATION, DW_AT_declaration)       /* flag: an incomplete type */                         \
    X(VECTOR, DW_AT_GNU_vector)             /* flag */                                             \
    X(EMBEDDED, DW_AT_go_embedded_field)    /* flag: a Go embedded field */                        \
    X(PROTOTYPED, DW_AT_prototyped)         /* flag */

/* Which attributes a die_info holds: bit indexes, then the bits of
 * die_info.has (HAS_NAME ...).  HAS_ALIGNMENT is aligned(N)/_Alignas;
 * HAS_LOW_PC, HAS_HIGH_PC, HAS_INLINE, HAS_ORIGIN, HAS_CALL_* are read for
 * the Go function table only (dwarf_funcs.c). */
#define DIE_BIT_INDEX(name, ...) DIE_BIT_##name,
enum {
    DIE_FIELD_ATTRS(DIE_BIT_INDEX) DIE_SPECIAL_ATTRS(DIE_BIT_INDEX)
    /* high_pc is an offset from low_pc (a constant form) */
    DIE_BIT_HIGH_PC_OFFSET,
    DIE_NBITS
};
#undef DIE_BIT_INDEX
#define DIE_BIT_MASK(name, ...) HAS_##name = 1u << DIE_BIT_##name,
enum {
    DIE_FIELD_ATTRS(DIE_BIT_MASK) DIE_SPECIAL_ATTRS(DIE_BIT_MASK) HAS_HIGH_PC_OFFSET =
        1u << DIE_BIT_HIGH_PC_OFFSET
};
#undef DIE_BIT_MASK
_Static_assert(DIE_NBITS <= 31, "the HAS_* masks must fit an int (enum constants)");

/* The attributes the reader uses, from one DIE, read with one
 * dwarf_attrlist call.  Strings point into libdwarf's section data and stay
 * valid until dwarf_finish (never freed one by one). */
typedef struct die_info {
    Dwarf_Off off; /* global .debug_info offset */
    Dwarf_Half tag;
    unsigned has; /* HAS_* */
    const char *name;
    const char *producer;
    Dwarf_Off type; /* global offset of DW_AT_type */
    uint64_t byte_size;
    uint64_t bit_size;
    uint64_t data_bit_offset;
    int64_t bit_offset; /* may be negative (GCC, packed bit-fields) */
    uint64_t location;  /* bytes */
    uint64_t count;
    int64_t upper; /* DW_AT_upper_bound; -1 from some producers */
    int64_t lower;
    uint64_t encoding; /* DW_ATE_* */
    uint64_t decl_file;
    uint64_t decl_line;
    uint64_t decl_column;
    uint64_t alignment;
    uint64_t go_kind;
    uint64_t language; /* DW_LANG_* */
    uint64_t low_pc, high_pc;
    Dwarf_Off origin; /* global offset of DW_AT_abstract_origin */
    uint64_t call_file, call_line;
    const char *go_pkg_name; /* DW_AT_go_package_name of a Go unit */
} die_info;

typedef struct dwarf_reader dwarf_reader;

/* --- elf_check.c ---------------------------------------------------------- */

/* From a Go binary's .go.buildinfo; malloc'd strings, NULL when absent. */
typedef struct elf_go_info {
    char *go_version;  /* "go1.19.8" */
    char *main_path;   /* "example.com/app": the main package */
    char *main_module; /* "example.com/app": the main module's path */
    char *build_id;    /* the GNU build ID in hex, or NULL */
} elf_go_info;

/* Where a file without DWARF says its debug information went. */
typedef struct elf_debug_ref {
    bool has_dwarf;         /* a non-empty .debug_info */
    bool has_go;            /* Go sections: the hint says how to rebuild */
    bool relocatable;       /* ET_REL: an object file */
    char debuglink[256];    /* .gnu_debuglink's file name; "" none, "?" unreadable */
    bool has_crc;           /* debuglink_crc was read */
    uint32_t debuglink_crc; /* CRC-32 of the debug file */
} elf_debug_ref;

/* Opens path, which must be a non-empty regular file (never blocking on a
 * FIFO): *fd and *size, or ALIGN_EIO/ALIGN_EFORMAT (nothing left open). */
int elf_open(const char *path, int *fd, uint64_t *size);
/* Checks that the size bytes at fd are a complete little-endian ELF file
 * for amd64 or arm64 (64-bit) or 386 or arm (32-bit), and fills *arch (and
 * *gi, which may be NULL).  path names the file in messages.  With ref
 * NULL a file without DWARF is an error; otherwise it is not, and *ref says
 * whether DWARF is there and where a separate debug file may be
 * (elf_no_dwarf makes the error afterwards).  ALIGN_EIO or ALIGN_EFORMAT
 * with a message and, where one helps, a hint. */
int elf_check_fd(int fd, uint64_t size, const char *path, align_arch *arch, elf_go_info *gi,
                 elf_debug_ref *ref);
/* elf_check_fd on a path, without ref. */
int elf_check(const char *path, align_arch *arch, elf_go_info *gi);
/* The error for a file without DWARF (ALIGN_EFORMAT), with the hint that
 * fits how it was lost. */
int elf_no_dwarf(const char *path, const elf_debug_ref *ref);

/* --- debuglink.c ---------------------------------------------------------- */

/* The separate debug file of binary (of arch; build_id hex or NULL; ref
 * from elf_check_fd) under dirs (NULL/0: /usr/lib/debug): 0 with *out
 * malloc'd; 1 when there is only a build ID and no file of it (a binary
 * merely stripped: the caller says so); ALIGN_EFORMAT naming each place
 * tried and why each candidate was refused; ALIGN_ENOMEM. */
int debug_file_find(char **out, const char *binary, align_arch arch, const char *build_id,
                    const elf_debug_ref *ref, const char *const *dirs, size_t ndirs);

/* --- inputs.c: what align_binary_open reads ------------------------------ */

/* One ELF file whose DWARF is read: the path given, a separate debug file,
 * or an archive member (copied into an anonymous memory file: libdwarf reads
 * whole files). */
typedef struct input_file {
    char *shown; /* "lib.a(x.o)", or the path; malloc'd */
    char *path;  /* opened by libdwarf when fd < 0 */
    int fd;      /* the member's copy, or -1 */
} input_file;

typedef struct input_set {
    input_file *files;
    size_t n, cap;
    align_arch arch;
    char *debug_file;        /* the separate debug file found, or NULL */
    size_t nmembers;         /* archive members (0: not an archive) */
    size_t nskipped_members; /* members that are not ELF objects with DWARF */
    char *skipped_member;    /* the first: "name: reason"; NULL */
} input_set;

/* The files behind path: itself; its separate debug file (.gnu_debuglink,
 * whose CRC must match, or the build ID, under each of dirs, default
 * /usr/lib/debug) when it has no DWARF; or each member of a static archive
 * that is an ELF object with DWARF.  Fills gi from path itself.  0, or
 * ALIGN_EIO/ALIGN_EFORMAT/ALIGN_ENOMEM with the message (and *in freed). */
int input_resolve(input_set *in, const char *path, const char *const *dirs, size_t ndirs,
                  elf_go_info *gi);
void input_set_free(input_set *in);

/* --- dwarf_attr.c --------------------------------------------------------- */

/* Reads die's attributes; 0 or ALIGN_EFORMAT. */
int reader_die_info(dwarf_reader *rd, Dwarf_Die die, die_info *d);

/* --- dwarf.c, for the other modules --------------------------------------- */

align_graph *reader_graph(dwarf_reader *rd);
/* Records that the current unit is broken (first reason wins) and returns
 * ALIGN_EFORMAT. */
int reader_broken(dwarf_reader *rd, const die_info *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records a libdwarf error (and frees it), returns ALIGN_EFORMAT. */
int reader_dwarf_error(dwarf_reader *rd, Dwarf_Error err, const char *what);
/* Calls visit(rd, child, its tag, ctx) for each child DIE of parent, in
 * order, until it returns a negative code; the child is freed after the
 * call.  A libdwarf error is recorded as what ("reading a record's
 * members"), a sibling that does not come after the last child as a broken
 * unit (it would walk forever).  0, or the first negative code. */
typedef int (*reader_child_fn)(dwarf_reader *rd, Dwarf_Die child, Dwarf_Half tag, void *ctx);
int reader_each_child(dwarf_reader *rd, Dwarf_Die parent, const char *what, reader_child_fn visit,
                      void *ctx);
/* The type at a global DIE offset, built on first use; NULL on failure with
 * *rc set (ALIGN_EFORMAT: broken unit, ALIGN_ENOMEM). */
align_type *reader_type(dwarf_reader *rd, Dwarf_Off off, unsigned depth, int *rc);
Dwarf_Debug reader_dbg(dwarf_reader *rd);
/* File number `index` of the current unit's line table, copied into the
 * graph; NULL when unknown. */
const char *reader_unit_file(dwarf_reader *rd, uint64_t index);
/* Forgets that the unit is broken: for optional information (a variable's
 * type) whose failure must not cost the unit. */
void reader_forgive(dwarf_reader *rd);
/* Alignment for a type DWARF describes by size alone: the largest power of
 * two dividing size, at most 16. */
uint32_t guess_align(uint64_t size);

/* --- dwarf_sections.c: the file's sections, each read once -------------- */

/* An ELF file mapped, and the sections of it inflated so far (each once).
 * Owns every byte the raw readers and a libdwarf handle opened with it
 * read: close it after them. */
typedef struct elf_file elf_file;
/* Maps the regular file path: NULL when it cannot be (no raw reading). */
elf_file *elf_file_open(const char *path);
void elf_file_close(elf_file *f); /* accepts NULL */
/* The mapped file: valid until elf_file_close. */
const uint8_t *elf_file_map(const elf_file *f, size_t *len);
/* A section of f is SHF_COMPRESSED (elf_find_section's sec): its bytes,
 * inflated on the first call and kept, *len of them; NULL when elf_inflate
 * refuses it (every call).  Valid until elf_file_close. */
typedef struct elf_section elf_section;
const uint8_t *elf_file_inflated(elf_file *f, const elf_section *sec, uint64_t *len);
/* Opens libdwarf on in (dwarf_init_b on its fd, dwarf_init_path on its
 * path): libdwarf's result, and *err on DW_DLV_ERROR.  With f (the same
 * file, read by path), when libdwarf accepted it and the object interface
 * reads it exactly as libdwarf's ELF reader does, the handle reads f's
 * sections (the inflated copies the raw readers read).  Every libdwarf
 * open of the library goes through here (a lock: dwarf_sections.c). */
int dwarf_open_input(const input_file *in, elf_file *f, Dwarf_Debug *dbg, Dwarf_Error *err);

/* --- dwarf_scan.c ---------------------------------------------------------- */

/* Fingerprints of C record DIEs from the raw sections (see dwarf_scan.c).
 * NULL when the file cannot be scanned (compressed or relocatable
 * sections...): the reader then reads every copy. */
typedef struct dwarf_scan dwarf_scan;
dwarf_scan *scan_open(elf_file *f);
void scan_close(dwarf_scan *s); /* accepts NULL */
/* The unit whose header starts at .debug_info offset cu_start and which
 * ends at cu_end; always 0 (a unit it cannot read gives no fingerprints). */
int scan_unit(dwarf_scan *s, uint64_t cu_start, uint64_t cu_end);
/* The fingerprint of the struct or union DIE at off in the current unit, 0
 * when there is none (not a record, or anything the scanner does not know
 * for certain).  Equal fingerprints: the same record, member types and all.
 * rd gives the unit's file names. */
uint64_t scan_record(dwarf_scan *s, dwarf_reader *rd, uint64_t off);

/* The walk of a C unit's DIEs without libdwarf (dwarf.c: walk_scanned).
 * Strings point into the mapped file: valid until scan_close. */
typedef struct scan_die {
    uint64_t off;   /* global .debug_info offset */
    uint64_t after; /* just past its attributes */
    unsigned tag;   /* 0: a null entry */
    bool children;
    const char *name;   /* DW_AT_name, NULL when none */
    uint64_t type;      /* DW_AT_type's global offset, 0 when none */
    uint64_t sibling;   /* DW_AT_sibling, 0 when none */
    uint64_t stmt_list; /* DW_AT_stmt_list + 1, 0 when none */
} scan_die;
/* scan_open, with compressed .debug_info, .debug_abbrev, .debug_str and
 * .debug_addr inflated (for the walk of Go functions, dwarf_funcs.c). */
dwarf_scan *scan_open_inflated(elf_file *f);
/* The DIE at off of the current unit decoded into *d as reader_die_info
 * would fill it: the attributes of DIE_FIELD_ATTRS, and of the special ones
 * those a Go function's scope holds (pc bounds of DW_FORM_addr or a
 * constant, DW_AT_inline); any other attribute's value is stepped over, as
 * reader_die_info ignores it.  1 and *after (just past its attributes) and
 * *children, 0 a null entry (*after past it), -1 when it holds anything
 * else (a form, a value reader_die_info would refuse, another special
 * attribute, a sibling pointer, bytes out of bounds): the caller reads it
 * through libdwarf, which reports what is wrong. */
int scan_die_info(dwarf_scan *s, uint64_t off, die_info *d, uint64_t *after, bool *children);
/* Steps over the list of DIEs starting at `at` (and their children) to just
 * past the null entry ending it: 0 and *end, or -1 as scan_die_info. */
int scan_skip_list(dwarf_scan *s, uint64_t at, uint64_t *end);
/* The unit DIE's offset, 0 when the unit is not scannable. */
uint64_t scan_unit_die(const dwarf_scan *s);
/* The DIE at off: 1 and *d, or -1 when the scanner cannot read it. */
int scan_die_at(dwarf_scan *s, uint64_t off, scan_die *d);
/* The entry at off of a list of DIEs: 1 and *d, 0 the null entry that ends
 * the list, -1 unreadable. */
int scan_list_at(dwarf_scan *s, uint64_t off, scan_die *d);
/* parent's first child: 1 and *child, 0 none, -1 unreadable. */
int scan_first_child(dwarf_scan *s, const scan_die *parent, scan_die *child);
/* cur's next sibling: 1 and *next, 0 none, -1 unreadable. */
int scan_next_sibling(dwarf_scan *s, const scan_die *cur, scan_die *next);
/* Whether the unit's line table lists an include directory, as DWARF 5
 * needs (dwarf.c: line_table_has_dirs): 1 yes (or DWARF 2-4), 0 no, -1
 * unknown.  Reads the table's header, not its rows. */
int scan_line_table_ok(dwarf_scan *s);

/* A section of a mapped little-endian ELF file that is not relocatable
 * (dwarf_sections.c). */
struct elf_section {
    uint64_t offset, size; /* in the file */
    bool compressed;       /* SHF_COMPRESSED: an Elf32/64_Chdr, then the data */
    bool is32;             /* ELFCLASS32 */
};
/* Finds the (first) section named name: 1 and *out, 0 when there is none,
 * -1 when it has no bytes (SHT_NOBITS) or lies out of bounds, when a
 * section header does, or when the file is not ELF or is an ET_REL
 * object. */
int elf_find_section(const uint8_t *base, size_t size, const char *name, elf_section *out);
/* The bytes of a SHF_COMPRESSED section sec of size bytes (zlib only;
 * at most 1 GiB inflated), malloc'd, their length in *out_len; NULL when
 * anything is off (the caller leaves the section to libdwarf). */
uint8_t *elf_inflate(const uint8_t *sec, uint64_t size, bool is32, uint64_t *out_len);
/* Maps the regular file path copy-on-write (at least an ELF header long):
 * the mapping and its length in *len, or NULL (munmap(map, *len) frees it). */
void *elf_map_file(const char *path, size_t *len);

/* --- dwarf_lines.c --------------------------------------------------------- */

/* .debug_line of an ELF file, mapped or inflated (zlib: f's copy), read
 * without libdwarf (see dwarf_lines.c).  NULL when the file has none or it
 * cannot be read this way: libdwarf then reads the line tables. */
typedef struct line_section line_section;
line_section *lines_open(elf_file *f);
void lines_close(line_section *ls); /* accepts NULL */
/* One row of a line table: the state machine's registers when it is
 * appended (DW_LNS_copy, a special opcode, DW_LNE_end_sequence). */
typedef struct line_row {
    uint64_t addr, file, line; /* file: the unit's numbering, as written */
    bool end;                  /* DW_LNE_end_sequence */
} line_row;
typedef void (*line_row_fn)(void *ctx, const line_row *row);
/* Checks the line table at offset off of the section, for a unit of
 * addresses addr_size bytes wide: 1 when this reader decodes all of it
 * (DWARF 2-4; DWARF 5 as Go writes it), with its version and the entries
 * of its directory table; 0 when it does not know it: ask libdwarf. */
int lines_decode(const line_section *ls, uint64_t off, unsigned addr_size, unsigned *version,
                 uint64_t *ndirs);
/* The file table of a table lines_decode has accepted, entry by entry in
 * the unit's numbering: fn(ctx, dir, name) with the entry's directory as
 * the table writes it (DWARF 2-4: NULL for directory 0, the unit's
 * compilation directory).  The entries, or -1 when a directory index is
 * out of range. */
typedef void (*line_file_fn)(void *ctx, const char *dir, const char *name);
int64_t lines_files(const line_section *ls, uint64_t off, unsigned addr_size, line_file_fn fn,
                    void *ctx);
/* The rows of a table lines_decode has accepted, without checking it again. */
void lines_rows(const line_section *ls, uint64_t off, unsigned addr_size, line_row_fn fn,
                void *ctx);
/* dwarf.c: the current Go unit's line table, row by row to fn: decoded
 * raw when lines_decode knows it, else libdwarf's (read once a unit, also
 * for reader_unit_file).  0, or -1 when the unit has no table that can be
 * read (fn never called). */
int reader_line_rows(dwarf_reader *rd, line_row_fn fn, void *ctx);

/* dwarf.c: the scanner of the current Go unit, for the raw walk of its
 * functions' scopes (dwarf_funcs.c); NULL when there is none (an archive
 * member, sections it cannot read, a unit header it does not know) or
 * after reader_go_scan_off, which leaves the rest of the unit to
 * libdwarf. */
dwarf_scan *reader_go_scan(dwarf_reader *rd);
void reader_go_scan_off(dwarf_reader *rd);

/* --- dwarf_go.c ----------------------------------------------------------- */

/* The node for a Go DIE that maps onto a primitive (base types, string,
 * slices, interfaces, maps, channels, funcs, unsafe.Pointer, the atomic
 * 64-bit types), wrapped in a named node when the DWARF name is not the
 * primitive's own ("main.MyInt", "[]string", "map[string]int").  Returns
 * NULL with *rc = 0 when the DIE is not one of those. */
align_type *go_special_type(dwarf_reader *rd, const die_info *d, int *rc);
/* Go: gives the members of linker-synthesized records (sudog<T>, ...)
 * that DWARF describes smaller than the runtime struct they copy the
 * runtime's member type (dwarf_go.c).  recs: the Go records read. */
int go_fix_linker_members(align_graph *g, align_type **recs, size_t n);

/* --- dwarf_funcs.c (ALIGN_BINARY_GO_FUNCS, Go units only) ---------------- */

typedef struct go_funcs go_funcs;
/* The table being filled; NULL when the binary is opened without
 * ALIGN_BINARY_GO_FUNCS. */
go_funcs *reader_funcs(dwarf_reader *rd);
/* At the start of a Go unit: enters its package; *func0 marks the unit's
 * first function.  0 or ALIGN_ENOMEM. */
int gf_unit_begin(dwarf_reader *rd, const die_info *cu, size_t *func0);
/* A top-level DW_TAG_subprogram of a Go unit, with its variables and
 * inlined calls. */
int gf_visit_subprogram(dwarf_reader *rd, Dwarf_Die die);
/* The same from the raw section: d the subprogram's attributes
 * (scan_die_info).  0 and *end (past its children), 2 for a function
 * without a name (nothing recorded; the caller steps over it), a negative
 * code, or 1 when the scanner does not know its scope (nothing added). */
int gf_scan_subprogram(dwarf_reader *rd, const die_info *d, uint64_t *end);
/* A Go unit's package-level DW_TAG_variable or DW_TAG_constant. */
int gf_visit_global(dwarf_reader *rd, Dwarf_Die die, bool constant);
/* The same from the raw section: d its attributes (scan_die_info). */
int gf_scan_global(dwarf_reader *rd, const die_info *d, bool constant);
/* After the walk of a Go unit: the line table gives the unit's functions
 * their spans and files their last line.  0 or ALIGN_ENOMEM. */
int gf_unit_lines(dwarf_reader *rd, size_t func0);
void gf_unit_done(dwarf_reader *rd);

/* --- dwarf_c.c ------------------------------------------------------------ */

align_type *c_base_type(dwarf_reader *rd, const die_info *d, int *rc);
/* enum T -> a named node over the integer type of its size. */
align_type *c_enum_type(dwarf_reader *rd, const die_info *d, unsigned depth, int *rc);
/* A function type, shown as "RET (*)(ARGS)" since C only uses it behind a
 * pointer. */
/* C: const, volatile, restrict (DW_TAG_const_type ...) over their type. */
align_type *c_qualified_type(dwarf_reader *rd, const die_info *d, unsigned depth, int *rc);
align_type *c_func_type(dwarf_reader *rd, Dwarf_Die die, const die_info *d, unsigned depth,
                        int *rc);

#endif
