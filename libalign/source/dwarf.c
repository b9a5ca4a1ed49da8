/*
 * dwarf.c - reads every struct and union type of an ELF binary's DWARF into
 * libalign type graphs (one per language): align_binary_open() and friends.
 *
 * source/ is where types come from: declarations typed by hand (lex.c,
 * decl_go.c, decl_c*.c) and compiled binaries (this file and dwarf_*.c,
 * elf_check.c, the Go-functions table gofuncs.c); each fills a graph of
 * the model, nothing more.
 *
 * Inputs: ELF executables, libraries and objects for amd64 and arm64, and
 * 32-bit ones for 386 and arm (read on any host; each graph is laid out by
 * the ABI of the binary's machine), Go (gc) and C (GCC, DWARF 4 and 5), with zlib-compressed
 * (SHF_COMPRESSED: Go's default) or plain .debug_* sections; libdwarf does the
 * decoding.  The workload that shaped the design is Go's own cmd/go (Go 1.19,
 * amd64): a 15 MB binary, 240 compile units, 165,000 DIEs, of which ~3,200
 * struct types with ~14,000 members, all in the one `runtime` unit (larger Go
 * programs reach 10,000 structs).  A C program is the opposite shape: one unit
 * per source file, each repeating the types of every header it includes.
 *
 * How it works:
 *
 *   - One pass over the units.  In each unit only the DIEs that can declare a
 *     record are looked at: the unit's top level (Go keeps every type there)
 *     and, for C, function bodies and lexical blocks (local struct types).
 *     Every other subtree is skipped by libdwarf's sibling walk; without
 *     DW_AT_sibling (Go writes none) libdwarf still scans its bytes, which is
 *     ~45% of the load of cmd/go and the floor of any DIE-level reader.
 *     Records are filled (members read) when the walk reaches them.
 *
 *   - A member's type is built on demand by following DW_AT_type with
 *     dwarf_offdie_b, and memoised in a hash map from global DIE offset to
 *     node, so a type shared by many members is built once and a type that no
 *     member uses is never built (cmd/go: 9,500 type DIEs, 5,700 nodes built,
 *     2,800 of them records).
 *
 *   - A record reached through a reference before the walk gets to it is made
 *     as an empty shell (name, size, position) and filled when the walk
 *     arrives, or at the end for records the walk never visits.  So recursion
 *     only follows chains of typedefs, pointers, arrays and qualifiers, never
 *     record into record: it is bounded by ALIGN_MAX_DEPTH, and linked types
 *     (Node -> *Node) need no special case.  A cycle through non-record types
 *     (only corrupt DWARF or Go's `type P *P`) is caught by a BUILDING mark.
 *
 *   - Go releases: 1.19 to 1.24 write DWARF 4, 1.25 and later DWARF 5
 *     (.debug_addr, .debug_rnglists, .debug_loclists, line table v5), which
 *     libdwarf decodes alike: tests/audit_gotool.sh reads each release's own
 *     cmd/go and tests/difftest_go.sh its truth binaries.  The first Go
 *     unit's DW_AT_producer ("Go cmd/compile go1.27.4; regabi") names the
 *     release; the Go graph keeps it (align_graph_go_release) for the heap
 *     costs of that release's allocator (heap.c).
 *
 *   - Go: a named type is a typedef plus a struct of the same name; both DIEs
 *     map to the one struct node.  string, slices, interfaces, maps, channels,
 *     funcs are described as structs and typedefs over runtime types; they
 *     map to the model's primitives by DW_AT_go_kind (dwarf_go.c) so that
 *     sizes, alignments and pointer bytes come from one ABI table.
 *
 *   - C: a unit's copy of a record an earlier unit had is not read at all:
 *     dwarf_scan.c fingerprints the record DIE's subtree from the raw
 *     sections (members, member types, positions, declaration), and a copy
 *     whose fingerprint is known maps to the first copy's node (known_copy).
 *     On the 520-unit corpus of bench/c_speed that skips 99% of the member
 *     DIEs; anything the scanner is unsure of is read as before.
 *   - C: records are deduplicated at the end by name, size and member list
 *     (names, offsets, widths, type names); DWARF carries aligned(N) as
 *     DW_AT_alignment but not packed, so the attributes that only packed or an
 *     unnamed bit-field explain are inferred from the offsets (dwarf_c.c).
 *
 *   - Only with ALIGN_BINARY_GO_FUNCS (the escape join asks for it): Go
 *     units' subprograms are descended into as well, and their line tables
 *     read, by dwarf_funcs.c.  Without the flag nothing of that runs.
 *     Their DIEs are decoded from the raw .debug_info (the inflated copy
 *     libdwarf reads too: dwarf_sections.c) by dwarf_scan.c's scan_die_info,
 *     which fills the die_info reader_die_info would for the forms Go
 *     writes (DWARF 4; 5 from Go 1.25, addresses by index into
 *     .debug_addr), and the unit's top level is stepped raw too
 *     (walk_go_scanned): libdwarf reads only the records and package
 *     variables there (package constants, nine in ten of the globals,
 *     are decoded raw as a function's variables are).  Both decode the
 *     attributes of one list (dwarf_read.h: DIE_FIELD_ATTRS).  Anything else -- a form, a
 *     special attribute reader_die_info checks, a sibling pointer, a
 *     bound crossed -- sends
 *     the function, or the unit, back to libdwarf, which reports what is
 *     wrong exactly as before; test_dwarf compares the two readers on
 *     mutants (ALIGN_BINARY_LIBDWARF_ONLY).  cmd/compile's escape join:
 *     the reading thread's CPU 0.29 -> ~0.20 s.  A Go
 *     unit's line table is decoded from the raw .debug_line (dwarf_lines.c:
 *     no record per row) when that decoder knows all of it, else read once
 *     by libdwarf for both the declaration files and the spans, and freed
 *     with the unit.
 *
 *   - The file is read once: mapped, each compressed section that both
 *     libdwarf and the raw readers read inflated once, and libdwarf handed
 *     those copies and the mapped pages through its object interface
 *     (dwarf_sections.c; libdwarf's own ELF reader for what that does not
 *     read exactly: objects, archive members, split DWARF, separate debug
 *     files).  cmd/compile (Go 1.19, 24 MB): an audit's CPU 0.18 -> 0.16 s,
 *     its peak 36 -> 29 MB.  libdwarf's handle is closed before
 *     align_binary_open returns, every string the graphs keep is copied into
 *     their arenas, and align_binary holds nothing else.
 *
 * Rejected:
 *
 *   - Building every type DIE in walk order (pahole's way): 70% more nodes
 *     on cmd/go, and in C every typedef of every header in every unit.
 *   - Decoding all of .debug_info by hand: faster still, but libdwarf
 *     handles DWARF 2-5 forms, compression and its own bounds checks, and
 *     its messages are the ones users see on broken files; only the Go
 *     functions' DIEs (the bulk of an escape join's read) are decoded raw,
 *     and only where that decoder knows every byte.
 *   - dwarf_set_de_alloc_flag(0): loads cmd/go 15-30% faster (libdwarf
 *     stops tracking every allocation; we free each one ourselves), but the
 *     flag is process-global: another libdwarf user in the process that
 *     allocates with tracking on and frees with it off gets a double free at
 *     dwarf_finish.  A library must not flip it under its host.  (The hook
 *     dwarf_sections.c sets is process-global too, but lives only inside
 *     one open call, under a lock, and is put back.)
 *   - Keeping the Dwarf_Debug open to build types lazily per query: holds the
 *     decompressed sections for the binary's lifetime to save one load.
 *   - Reading libdwarf's inflated .debug_info instead of inflating our own:
 *     libdwarf 20210528 has no call that gives a section's bytes, and its
 *     ELF reader inflated .debug_info a second time (21 ms of reading
 *     cmd/compile); libdwarf reads ours instead (dwarf_sections.c).
 *
 * Broken input never crashes or hangs the reader: the ELF header and section
 * table are checked before libdwarf sees the file (precise messages for empty,
 * truncated, foreign and stripped files); inside DWARF, reference chains
 * deeper than ALIGN_MAX_DEPTH, cycles, absurd sizes and offsets and libdwarf
 * errors make the unit "broken": it is skipped and
 * counted (nskipped_cus), the records it completed are dropped, and the load
 * fails only when no unit could be read.  An unreadable unit header (or unit
 * DIE, which libdwarf reads with it) ends the walk: libdwarf cannot step
 * past it, so the units after it are neither read nor counted.  Members
 * that overlap or end past their record are not the unit's fault alone: the
 * record is kept and its layout says it is inconsistent (positions_valid).
 *
 * Files: dwarf.c (this: walk, map, records, types, the API), dwarf_attr.c
 * (DIE attributes), dwarf_sections.c (the file's sections, each read once,
 * and libdwarf's handle on them), dwarf_scan.c (fingerprints of C records,
 * the raw walk of Go functions), dwarf_lines.c (raw line tables), dwarf_go.c and dwarf_c.c
 * (per-language types, C attribute inference), dwarf_funcs.c and gofuncs.c (Go functions for the
 * escape join), elf_check.c (the file before libdwarf, Go build info),
 * dwarf_read.h.
 */
#include "source/dwarf_read.h"
#include "util/hash.h"
#include "util/progress.h"
#include "util/table.h"
#include "util/vec.h"
#include "source/gofuncs.h"

#include <assert.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DWARF 5 language codes that older dwarf.h files may lack. */
#define LANG_C11 0x1d
#define LANG_C17 0x2c

struct align_binary {
    align_binary_info info;
    align_graph *graphs[2]; /* by align_lang; NULL when no unit of it */
    unsigned flags;         /* ALIGN_BINARY_* */
    go_funcs *funcs;        /* ALIGN_BINARY_GO_FUNCS: the Go functions */
    char *path;
    char *producer;
    char *go_producer; /* the first Go unit's DW_AT_producer */
    char *skip_reason;
    char *skipped_type_reason;
    char *debug_file;     /* the separate debug file read, or NULL */
    char *skipped_member; /* an archive's first member skipped, or NULL */
    elf_go_info go;
    align_progress_fn progress; /* while open: align_binary_open_progress */
    void *progress_user;
    const char *const *cu_exclude; /* while open: units not read (globs) */
    size_t ncu_exclude;
};

/* ------------------------------------------------------------ offset map */

/* A DIE's slot: BUILDING while its node is being built (a reference back
 * to it is a cycle), SHELL a record entered but not filled yet, DONE its
 * node, FAILED: reading it failed (corrupt DWARF).  A node whose read
 * failed half way (a typedef without its target, a record without its
 * members) is never handed out: a later request for the DIE fails too,
 * whatever came first, so the result does not depend on which reader or
 * which request met it first (the raw Go walk and libdwarf's meet a
 * unit's DIEs in one order, but the raw walk may hand a unit back to
 * libdwarf half way, after a variable's failed type read was forgiven). */
enum { SLOT_BUILDING = 1, SLOT_SHELL, SLOT_DONE, SLOT_FAILED };

typedef struct die_slot {
    Dwarf_Off off;    /* global DIE offset */
    align_type *type; /* NULL while BUILDING */
    uint8_t state;    /* SLOT_* */
    uint8_t lang;     /* graph the node belongs to */
} die_slot;

typedef TABLE_OF(die_slot) die_map; /* offset -> slot, in the order entered */

_Static_assert(sizeof(Dwarf_Off) == sizeof(uint64_t), "DIE offsets are table_find_u64 keys");

static uint64_t off_hash(Dwarf_Off off)
{
    uint64_t h = (uint64_t)off * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 31);
}

/* The slot of the DIE at off, or NULL.  Valid until the next map_put. */
static die_slot *map_find(const die_map *m, Dwarf_Off off)
{
    uint32_t e = table_find_u64(&m->index, off_hash(off), off, m->entries, sizeof *m->entries,
                                offsetof(die_slot, off));
    return e == TABLE_NONE ? NULL : &m->entries[e];
}

static int map_put(die_map *m, Dwarf_Off off, align_type *t, int state, align_lang lang)
{
    die_slot *s = map_find(m, off), fresh = {off, t, (uint8_t)state, (uint8_t)lang};
    if (s != NULL) {
        *s = fresh;
        return 0;
    }
    return TABLE_OF_PUSH(m, off_hash(off), &fresh, 4096);
}

/* Marks the slot of the DIE at off, when there is one, FAILED. */
static void map_fail(die_map *m, Dwarf_Off off)
{
    die_slot *s = map_find(m, off);
    if (s != NULL) {
        s->state = SLOT_FAILED;
        s->type = NULL;
    }
}

/* The error of a request for a DIE whose read failed before (the reason
 * was given then: see reader_broken). */
static int reader_failed_before(dwarf_reader *rd, Dwarf_Off off)
{
    return reader_broken(rd, NULL, "type DIE <0x%llx> could not be read", (unsigned long long)off);
}

static void map_free(die_map *m)
{
    free(m->entries);
    table_free(&m->index);
    memset(m, 0, sizeof *m);
}

/* ----------------------------------------------------------- the reader */

typedef struct pending { /* a record shell waiting for its members */
    Dwarf_Off off;
    align_lang lang;
} pending;

typedef struct fixup { /* a typedef made while its target was being built */
    align_type *named;
    Dwarf_Off target;
} fixup;

/* C: a record already read, by fingerprint (dwarf_scan.c): a unit's copy
 * of one maps to the node of the first copy, unread. */
typedef struct copy_slot {
    uint64_t fp;
    align_type *rec;
} copy_slot;

typedef struct td_name { /* C: `typedef struct {...} name;` */
    Dwarf_Off target;
    const char *name; /* libdwarf's string: valid until dwarf_finish */
} td_name;

typedef struct gvar_ref { /* Go: a package variable, its type's DIE */
    Dwarf_Off target;     /* its type, or a slice's element */
    const char *name;     /* libdwarf's string: valid until dwarf_finish */
    bool elem;            /* target is the element of the variable's slice */
    bool defined;         /* target is a defined array type, name its name */
} gvar_ref;

typedef struct go_var { /* Go: a package variable and its type */
    align_type *type;   /* the anonymous struct: its type or element's */
    const char *name;   /* the graph's copy */
    bool elem;          /* the variable is an array or slice of type */
    bool defined;       /* name is a defined array type's (gvar_ref) */
    size_t seq;         /* DWARF order */
} go_var;

struct dwarf_reader {
    Dwarf_Debug dbg;
    align_binary *bin;
    /* the unit being read; cu_die is NULL in the end passes */
    align_graph *g;
    align_lang lang;
    Dwarf_Die cu_die;
    Dwarf_Half version;
    Dwarf_Off cu_start, cu_end;
    int files_state; /* 0 not loaded, 1 loaded, -1 unavailable, 2 raw */
    char **files;    /* dwarf_srcfiles, freed at the end of the unit */
    Dwarf_Signed nfiles;
    const char **file_copies; /* graph-owned copies, made on first use */
    char why[512];            /* why the unit is broken; "" while it is not */
    die_map map;
    pending *pend;
    size_t npend, pend_cap;
    fixup *fix;
    size_t nfix, fix_cap;
    Dwarf_Off *links; /* the typedef links being built (build_typedef), a stack */
    size_t nlinks, links_cap;
    td_name *tdn;
    size_t ntdn, tdn_cap;
    gvar_ref *gvar; /* Go: package variables of this file, by their type */
    size_t ngvar, gvar_cap;
    go_var *gv; /* and of every file, resolved (resolve_go_vars) */
    size_t ngv, gv_cap;
    align_type **recs[2]; /* completed records in walk order, by lang */
    size_t nrecs[2], recs_cap[2];
    progress_clock clock;     /* when progress was last reported */
    Dwarf_Unsigned info_size; /* .debug_info decoded; 0 until known */
    dwarf_scan *scan;         /* the file's; NULL: every copy is read */
    copy_slot *copies;        /* the units read so far, all files (fingerprints
                                 hold no offsets) */
    size_t ncopies, copies_cap;
    table copies_index;     /* fingerprint -> copies[] */
    copy_slot *unit_copies; /* the unit's records, entered once it is read */
    size_t nunit_copies, unit_copies_cap;
    /* The members read of the records being filled, a stack (a C record
     * declared inside another is filled while the outer one is): each
     * record takes its own once all are read (fill_record), in an array of
     * their exact count. */
    align_field_spec *specs;
    size_t nspecs, specs_cap;
    /* Go units' line tables (see raw_lines) */
    elf_file *elf;           /* the file read, mapped; NULL for an archive
                                member (or a file that cannot be mapped) */
    unsigned addr_size;      /* the unit's, from its header */
    line_section *lines;     /* .debug_line read raw; NULL */
    int lines_state;         /* 0 not opened yet, 1 open, -1 unavailable */
    int unit_lines;          /* 0 not looked at, 1 decoded raw, -1 libdwarf's */
    uint64_t unit_stmt_list; /* the table's .debug_line offset */
    unsigned unit_lines_version;
    uint64_t unit_lines_ndirs;
    /* Go functions' scopes read raw (reader_go_scan) */
    dwarf_scan *goscan;      /* the file's, sections inflated; NULL */
    int goscan_state;        /* 0 not opened yet, 1 open, -1 unavailable */
    uint64_t goscan_unit;    /* the unit goscan is at (cu_start + 1), 0 none */
    bool goscan_off;         /* the unit is read through libdwarf only */
    Dwarf_Line_Context lctx; /* libdwarf's table of the unit, read once */
    Dwarf_Unsigned lctx_version;
    int lctx_state; /* 0 not read, 1 read, -1 none */
};

/* ---------------------------------------------------------- record copies */

/* The record read before whose copy has fingerprint fp, or NULL. */
static align_type *known_copy(const dwarf_reader *rd, uint64_t fp)
{
    uint32_t e = fp ? table_find_u64(&rd->copies_index, fp, fp, rd->copies, sizeof *rd->copies,
                                     offsetof(copy_slot, fp))
                    : TABLE_NONE;
    return e == TABLE_NONE ? NULL : rd->copies[e].rec;
}

/* Enters the unit's records (first copy wins); 0 or ALIGN_ENOMEM. */
static int commit_copies(dwarf_reader *rd)
{
    for (size_t k = 0; k < rd->nunit_copies; k++) {
        const copy_slot *c = &rd->unit_copies[k];
        int rc;
        if (known_copy(rd, c->fp) != NULL)
            continue;
        rc = table_push(&rd->copies_index, c->fp, (void **)&rd->copies, &rd->ncopies,
                        &rd->copies_cap, sizeof *c, 1024, c);
        if (rc < 0)
            return rc;
    }
    rd->nunit_copies = 0;
    return 0;
}

align_graph *reader_graph(dwarf_reader *rd)
{
    return rd->g;
}
Dwarf_Debug reader_dbg(dwarf_reader *rd)
{
    return rd->dbg;
}
go_funcs *reader_funcs(dwarf_reader *rd)
{
    return rd->bin->funcs;
}
void reader_forgive(dwarf_reader *rd)
{
    rd->why[0] = '\0';
}

int reader_broken(dwarf_reader *rd, const die_info *d, const char *fmt, ...)
{
    if (rd->why[0] == '\0') {
        char msg[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (d != NULL)
            snprintf(rd->why, sizeof rd->why, "DIE <0x%llx>: %s", (unsigned long long)d->off, msg);
        else
            snprintf(rd->why, sizeof rd->why, "%s", msg);
    }
    return ALIGN_EFORMAT;
}

/* libdwarf's own text repeats itself and names no section ("DW_DLE_UNKNOWN_FORM:
 * Abbrev form 0x7e DW_DLE_UNKNOWN_FORM: Abbrev form 0x7e with attribute 0x3
 * so abbreviations unusable."): the error's name is kept, to search for,
 * and the rest said once, with the section, the offset and what to do. */
static void translate_dwarf_error(char *out, size_t n, const char *raw, Dwarf_Off unit)
{
    static const struct {
        const char *code; /* a prefix of the DW_DLE_ name */
        const char *says;
    } known[] = {
        {"DW_DLE_UNKNOWN_FORM", "its .debug_abbrev entry names a form code that is no DWARF "
                                "form: the unit's abbreviations are unusable"},
        {"DW_DLE_ATTR_FORM_BAD", "an attribute has a form its .debug_abbrev entry does not "
                                 "allow"},
        {"DW_DLE_ABBREV", ".debug_abbrev (its attribute and form codes) is corrupt"},
        {"DW_DLE_DIE_ABBREV", "a DIE names an abbreviation .debug_abbrev does not have"},
        {"DW_DLE_STRING_NOT_TERMINATED", "a string of .debug_str or .debug_info has no "
                                         "terminating NUL"},
        {"DW_DLE_STR_OFFSET", "a string offset points outside .debug_str"},
        {"DW_DLE_CU_LENGTH", "the unit's length in its .debug_info header is wrong"},
        {"DW_DLE_VERSION_STAMP", "the unit's DWARF version is not 2 to 5"},
        {"DW_DLE_DEBUG_INFO", ".debug_info is truncated or corrupt"},
        {"DW_DLE_OFFSET_BAD", "an offset points outside its section"},
    };
    char code[64] = "", detail[32] = "";
    const char *p = raw, *form;
    size_t len = strcspn(p, " :(");

    if (strncmp(p, "DW_DLE_", 7) != 0 || len >= sizeof code) {
        snprintf(out, n, "%s", raw);
        return;
    }
    memcpy(code, p, len);
    code[len] = '\0';
    form = strstr(raw, "form 0x");
    if (form != NULL)
        snprintf(detail, sizeof detail, "%.*s", (int)strspn(form + 5, "0123456789abcdefABCDEFx"),
                 form + 5);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strncmp(code, known[i].code, strlen(known[i].code)) != 0)
            continue;
        snprintf(out, n,
                 "the unit at .debug_info offset 0x%llx: %s%s%s%s (libdwarf %s); the file is "
                 "damaged or from a newer producer: rebuild it, or look with readelf "
                 "--debug-dump=info,abbrev",
                 (unsigned long long)unit, known[i].says, detail[0] ? " (form code " : "", detail,
                 detail[0] ? ")" : "", code);
        return;
    }
    /* Unknown to us: libdwarf's text, once. */
    snprintf(out, n, "the unit at .debug_info offset 0x%llx: %.*s", (unsigned long long)unit,
             (int)(strstr(raw + len, code) ? (size_t)(strstr(raw + len, code) - raw) : strlen(raw)),
             raw);
}

int reader_dwarf_error(dwarf_reader *rd, Dwarf_Error err, const char *what)
{
    if (rd->why[0] == '\0') {
        char said[440];
        translate_dwarf_error(said, sizeof said, err ? dwarf_errmsg(err) : "libdwarf error",
                              rd->cu_start);
        snprintf(rd->why, sizeof rd->why, "%.60s: %.440s", what, said);
    }
    if (err != NULL)
        dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
    return ALIGN_EFORMAT;
}

int reader_each_child(dwarf_reader *rd, Dwarf_Die parent, const char *what, reader_child_fn visit,
                      void *ctx)
{
    Dwarf_Error err = NULL;
    Dwarf_Die child = NULL, next = NULL;
    Dwarf_Off prev = 0, off;
    int res = dwarf_child(parent, &child, &err);
    int rc = 0;

    while (res == DW_DLV_OK) {
        Dwarf_Half tag;
        if (dwarf_tag(child, &tag, &err) != DW_DLV_OK ||
            dwarf_dieoffset(child, &off, &err) != DW_DLV_OK) {
            rc = reader_dwarf_error(rd, err, what);
            break;
        }
        /* A sibling pointer that goes backwards would loop forever. */
        if (off <= prev) {
            rc = reader_broken(rd, NULL, "DIE <0x%llx> follows DIE <0x%llx>",
                               (unsigned long long)off, (unsigned long long)prev);
            break;
        }
        prev = off;
        rc = visit(rd, child, tag, ctx);
        if (rc < 0)
            break;
        next = NULL;
        res = dwarf_siblingof_b(rd->dbg, child, true, &next, &err);
        dwarf_dealloc(rd->dbg, child, DW_DLA_DIE);
        child = next;
    }
    if (res == DW_DLV_OK && child != NULL)
        dwarf_dealloc(rd->dbg, child, DW_DLA_DIE);
    if (rc < 0)
        return rc;
    return res == DW_DLV_ERROR ? reader_dwarf_error(rd, err, what) : 0;
}

uint32_t guess_align(uint64_t size)
{
    uint32_t a = 1;
    while (a < 16 && size % (2 * (uint64_t)a) == 0 && size >= 2 * (uint64_t)a)
        a *= 2;
    return a;
}

/* ------------------------------------------------------------- positions */

static void release_files(dwarf_reader *rd)
{
    if (rd->files_state == 1) {
        for (Dwarf_Signed i = 0; i < rd->nfiles; i++)
            dwarf_dealloc(rd->dbg, rd->files[i], DW_DLA_STRING);
        dwarf_dealloc(rd->dbg, rd->files, DW_DLA_LIST);
    }
    if (rd->files_state == 2) {
        for (Dwarf_Signed i = 0; i < rd->nfiles; i++)
            free(rd->files[i]);
        free(rd->files);
    }
    free(rd->file_copies);
    rd->files = NULL;
    rd->file_copies = NULL;
    rd->nfiles = 0;
    rd->files_state = 0;
}

/* The unit's DW_AT_stmt_list: false when it has none libdwarf reads. */
static bool unit_stmt_list(dwarf_reader *rd, uint64_t *off)
{
    Dwarf_Error err = NULL;
    Dwarf_Attribute a = NULL;
    Dwarf_Half form = 0;
    Dwarf_Unsigned u = 0;
    Dwarf_Off o = 0;
    int res = dwarf_attr(rd->cu_die, DW_AT_stmt_list, &a, &err);
    bool ok = false;
    if (res == DW_DLV_OK && dwarf_whatform(a, &form, &err) == DW_DLV_OK) {
        if (form == DW_FORM_sec_offset)
            res = dwarf_global_formref(a, &o, &err);
        else if (form == DW_FORM_data4 || form == DW_FORM_data8) {
            res = dwarf_formudata(a, &u, &err);
            o = u;
        } else
            res = DW_DLV_NO_ENTRY;
        ok = res == DW_DLV_OK;
        *off = o;
    }
    if (err != NULL)
        dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
    if (a != NULL)
        dwarf_dealloc(rd->dbg, a, DW_DLA_ATTR);
    return ok;
}

/* Whether the Go unit's line table is decoded from the raw section
 * (dwarf_lines.c), not by libdwarf: a table whose header and whole program
 * that reader knows.  Decided once a unit. */
static bool raw_lines(dwarf_reader *rd)
{
    uint64_t off = 0;
    if (rd->unit_lines != 0)
        return rd->unit_lines == 1;
    rd->unit_lines = -1;
    if (rd->lang != ALIGN_LANG_GO || rd->cu_die == NULL || rd->elf == NULL)
        return false;
    if (rd->lines_state == 0) {
        rd->lines = lines_open(rd->elf);
        rd->lines_state = rd->lines != NULL ? 1 : -1;
    }
    if (rd->lines != NULL && unit_stmt_list(rd, &off) &&
        lines_decode(rd->lines, off, rd->addr_size, &rd->unit_lines_version,
                     &rd->unit_lines_ndirs) == 1) {
        rd->unit_lines = 1;
        rd->unit_stmt_list = off;
    }
    return rd->unit_lines == 1;
}

dwarf_scan *reader_go_scan(dwarf_reader *rd)
{
    if (rd->lang != ALIGN_LANG_GO || rd->cu_die == NULL || rd->elf == NULL ||
        (rd->bin->flags & ALIGN_BINARY_LIBDWARF_ONLY))
        return NULL;
    if (rd->goscan_state == 0) {
        /* the file's scanner when its sections are plain, else one that
         * inflates them */
        rd->goscan = rd->scan != NULL ? rd->scan : scan_open_inflated(rd->elf);
        rd->goscan_state = rd->goscan != NULL ? 1 : -1;
    }
    if (rd->goscan == NULL)
        return NULL;
    if (rd->goscan_unit != rd->cu_start + 1) {
        rd->goscan_unit = rd->cu_start + 1;
        scan_unit(rd->goscan, rd->cu_start, rd->cu_end);
        rd->goscan_off = scan_unit_die(rd->goscan) == 0;
    }
    return rd->goscan_off ? NULL : rd->goscan;
}

void reader_go_scan_off(dwarf_reader *rd)
{
    rd->goscan_off = true;
}

/* libdwarf's line table of the unit, read once a unit (kept until
 * release_lines); NULL when it has none or cannot read it. */
static Dwarf_Line_Context line_context(dwarf_reader *rd, Dwarf_Unsigned *version)
{
    if (rd->lctx_state == 0) {
        Dwarf_Error err = NULL;
        Dwarf_Small ntables = 0;
        int res = dwarf_srclines_b(rd->cu_die, &rd->lctx_version, &ntables, &rd->lctx, &err);
        if (res == DW_DLV_ERROR)
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
        rd->lctx_state = res == DW_DLV_OK ? 1 : -1;
        if (res != DW_DLV_OK)
            rd->lctx = NULL;
    }
    *version = rd->lctx_version;
    return rd->lctx;
}

static void release_lines(dwarf_reader *rd)
{
    if (rd->lctx != NULL)
        dwarf_srclines_dealloc_b(rd->lctx);
    rd->lctx = NULL;
    rd->lctx_state = 0;
    rd->unit_lines = 0;
}

int reader_line_rows(dwarf_reader *rd, line_row_fn fn, void *ctx)
{
    Dwarf_Error err = NULL;
    Dwarf_Line_Context lctx;
    Dwarf_Unsigned version;
    Dwarf_Line *lines = NULL;
    Dwarf_Signed nlines = 0;
    int res;
    if (raw_lines(rd)) {
        lines_rows(rd->lines, rd->unit_stmt_list, rd->addr_size, fn, ctx);
        return 0;
    }
    lctx = line_context(rd, &version);
    if (lctx == NULL)
        return -1;
    res = dwarf_srclines_from_linecontext(lctx, &lines, &nlines, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR)
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
        return -1;
    }
    for (Dwarf_Signed i = 0; i < nlines; i++) {
        Dwarf_Bool end = 0;
        Dwarf_Addr pc;
        Dwarf_Unsigned lineno, fileno;
        line_row row;
        if (dwarf_lineendsequence(lines[i], &end, &err) != DW_DLV_OK ||
            dwarf_lineaddr(lines[i], &pc, &err) != DW_DLV_OK ||
            dwarf_lineno(lines[i], &lineno, &err) != DW_DLV_OK ||
            dwarf_line_srcfileno(lines[i], &fileno, &err) != DW_DLV_OK) {
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
            err = NULL;
            continue;
        }
        row = (line_row){pc, fileno, lineno, end != 0};
        fn(ctx, &row);
    }
    return 0;
}

/* Whether the unit's line table lists at least one include directory.
 * libdwarf 20210528 (Debian bookworm) builds each file's full path in
 * dwarf_srcfiles from its directory entry without checking that a DWARF 5
 * table has any: an empty directory table (only corrupt DWARF has one: entry 0
 * is the compilation directory) makes it read through a wild pointer (found by
 * the DWARF fuzzer; tests/fuzz/crashes/dwarf/).  dwarf_srclines_b reads the
 * header without building paths, so ask it first; on any doubt say no, which
 * only loses declaration files. */
static bool line_table_has_dirs(dwarf_reader *rd)
{
    Dwarf_Error err = NULL;
    Dwarf_Unsigned version = 0;
    Dwarf_Small ntables = 0;
    Dwarf_Line_Context ctx = NULL;
    Dwarf_Signed ndirs = 0;
    bool ok = false;
    int res;
    if (rd->scan != NULL && rd->lang == ALIGN_LANG_C) {
        /* the header alone, from the mapped section: dwarf_srclines_b
         * decodes every row (a third of an nginx audit) */
        res = scan_line_table_ok(rd->scan);
        if (res >= 0)
            return res == 1;
    }
    if (rd->lang == ALIGN_LANG_GO) {
        /* Go: the table the spans read too (dwarf_funcs.c), decoded raw
         * (read to its end: what dwarf_srclines_b accepts) or by libdwarf
         * once for both */
        if (raw_lines(rd))
            return rd->unit_lines_version < 5 || rd->unit_lines_ndirs > 0;
        ctx = line_context(rd, &version);
        if (ctx == NULL)
            return false;
    } else {
        res = dwarf_srclines_b(rd->cu_die, &version, &ntables, &ctx, &err);
        if (res == DW_DLV_ERROR) {
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
            return false;
        }
        if (res != DW_DLV_OK)
            return false;
    }
    err = NULL;
    res = dwarf_srclines_include_dir_count(ctx, &ndirs, &err);
    if (res == DW_DLV_ERROR)
        dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
    else if (res == DW_DLV_OK)
        ok = version < 5 || ndirs > 0;
    if (rd->lang != ALIGN_LANG_GO)
        dwarf_srclines_dealloc_b(ctx);
    return ok;
}

/* The raw file table being turned into paths (raw_files). */
typedef struct file_list {
    char **paths;
    size_t n, cap;
    const char *comp_dir; /* the unit's DW_AT_comp_dir, NULL */
    bool failed;
} file_list;

/* One file's path as libdwarf's dwarf_srcfiles makes it: the name when it
 * is absolute, else joined to its directory (the compilation directory for
 * DWARF 2-4's directory 0), itself joined to the compilation directory
 * when it is relative (DWARF 5's directory 0 too: Go writes "." for both,
 * "./<autogenerated>").  Checked against dwarf_srcfiles on every unit of
 * the Go 1.19-1.27 programs of /work/scratch (amd64, arm64, 386, arm). */
static void file_path(void *ctx, const char *dir, const char *name)
{
    file_list *l = ctx;
    char *p = NULL;
    bool unit_dir = dir == NULL;
    if (unit_dir)
        dir = l->comp_dir;
    if (name[0] == '/' || dir == NULL)
        p = strdup(name);
    else {
        const char *top = unit_dir || dir[0] == '/' || l->comp_dir == NULL ? "" : l->comp_dir;
        size_t n = strlen(top) + strlen(dir) + strlen(name) + 3;
        p = malloc(n);
        if (p != NULL)
            snprintf(p, n, "%s%s%s/%s", top, *top ? "/" : "", dir, name);
    }
    if (p == NULL || vec_push((void **)&l->paths, &l->n, &l->cap, sizeof p, 64, &p) < 0) {
        free(p);
        l->failed = true;
    }
}

/* A Go unit's file names from its raw line table (dwarf_lines.c), as
 * dwarf_srcfiles gives them, so that libdwarf never reads .debug_line:
 * true with rd->files filled (files_state 2), false to ask libdwarf. */
static bool raw_files(dwarf_reader *rd)
{
    Dwarf_Error err = NULL;
    Dwarf_Attribute a = NULL;
    char *comp_dir = NULL;
    file_list l = {NULL, 0, 0, NULL, false};
    int64_t n;
    int res;
    if ((rd->bin->flags & ALIGN_BINARY_LIBDWARF_ONLY) || !raw_lines(rd))
        return false;
    res = dwarf_attr(rd->cu_die, DW_AT_comp_dir, &a, &err);
    if (res == DW_DLV_OK) {
        res = dwarf_formstring(a, &comp_dir, &err);
        l.comp_dir = comp_dir;
    }
    if (err != NULL)
        dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
    if (a != NULL)
        dwarf_dealloc(rd->dbg, a, DW_DLA_ATTR);
    if (res == DW_DLV_ERROR)
        return false; /* a comp_dir that is no string: dwarf_srcfiles refuses
                         the unit, and only it can say so */
    n = lines_files(rd->lines, rd->unit_stmt_list, rd->addr_size, file_path, &l);
    if (n < 0 || l.failed || (size_t)n != l.n) {
        for (size_t i = 0; i < l.n; i++)
            free(l.paths[i]);
        free(l.paths);
        return false;
    }
    rd->files = l.paths;
    rd->nfiles = (Dwarf_Signed)l.n;
    rd->files_state = 2;
    return true;
}

/* The name of file number `index` of the unit's line table, copied into the
 * graph once; NULL when unknown.  Positions are optional: a missing or
 * broken line table only loses them. */
static const char *unit_file(dwarf_reader *rd, Dwarf_Off die_off, uint64_t index)
{
    Dwarf_Error err = NULL;
    uint64_t i;
    if (rd->cu_die == NULL || die_off < rd->cu_start || die_off >= rd->cu_end)
        return NULL;
    if (rd->files_state == 0 && !line_table_has_dirs(rd)) {
        rd->files_state = -1;
    }
    if (rd->files_state == 0 && rd->lang == ALIGN_LANG_GO && raw_files(rd) &&
        rd->files_state == 2) {
        rd->file_copies = calloc(rd->nfiles ? (size_t)rd->nfiles : 1, sizeof *rd->file_copies);
        if (rd->file_copies == NULL) {
            release_files(rd);
            rd->files_state = -1;
        }
    }
    if (rd->files_state == 0) {
        int res = dwarf_srcfiles(rd->cu_die, &rd->files, &rd->nfiles, &err);
        if (res == DW_DLV_ERROR)
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
        rd->files_state = res == DW_DLV_OK ? 1 : -1;
        if (res == DW_DLV_OK) {
            rd->file_copies = calloc(rd->nfiles ? (size_t)rd->nfiles : 1, sizeof *rd->file_copies);
            if (rd->file_copies == NULL) {
                release_files(rd);
                rd->files_state = -1;
            }
        }
    }
    if (rd->files_state != 1 && rd->files_state != 2)
        return NULL;
    /* DWARF 5 numbers files from 0 (the primary source file); earlier
     * versions from 1, and libdwarf's list follows the unit's numbering. */
    if (rd->version >= 5) {
        i = index;
    } else {
        if (index == 0)
            return NULL;
        i = index - 1;
    }
    if (i >= (uint64_t)rd->nfiles)
        return NULL;
    if (rd->file_copies[i] == NULL)
        rd->file_copies[i] = align_graph_strdup(rd->g, rd->files[i], (size_t)-1);
    return rd->file_copies[i];
}

const char *reader_unit_file(dwarf_reader *rd, uint64_t index)
{
    return unit_file(rd, rd->cu_start, index);
}

static align_srcpos decl_pos(dwarf_reader *rd, const die_info *d)
{
    align_srcpos pos = {NULL, 0, 0};
    if ((d->has & HAS_DECL_LINE) && d->decl_line <= UINT32_MAX)
        pos.line = (unsigned)d->decl_line;
    if (pos.line != 0 && d->decl_column <= UINT32_MAX)
        pos.col = (unsigned)d->decl_column;
    if (d->has & HAS_DECL_FILE)
        pos.file = unit_file(rd, d->off, d->decl_file);
    return pos;
}

/* --------------------------------------------------------------- records */

static int check_alignment(dwarf_reader *rd, const die_info *d, uint32_t *out)
{
    *out = 0;
    if (!(d->has & HAS_ALIGNMENT) || rd->lang != ALIGN_LANG_C)
        return 0;
    if (d->alignment == 0 || d->alignment > (1u << 28) || (d->alignment & (d->alignment - 1)))
        return reader_broken(rd, d, "alignment %llu is not a power of two up to 2^28",
                             (unsigned long long)d->alignment);
    *out = (uint32_t)d->alignment;
    return 0;
}

/* An empty record for d, entered in the map as a SHELL. */
static align_type *new_record(dwarf_reader *rd, const die_info *d, int *rc)
{
    align_kind kind = d->tag == DW_TAG_union_type ? ALIGN_KIND_UNION : ALIGN_KIND_STRUCT;
    align_type *rec;
    uint32_t aligned;

    *rc = check_alignment(rd, d, &aligned);
    if (*rc < 0)
        return NULL;
    rec = align_type_record(rd->g, kind, d->name);
    if (rec == NULL) {
        *rc = ALIGN_ENOMEM;
        return NULL;
    }
    align_type_set_pos(rec, decl_pos(rd, d));
    if (aligned != 0)
        align_type_set_aligned(rec, aligned);
    if (rd->lang == ALIGN_LANG_GO) {
        /* Linker- and compiler-made types keep their order; align64 is
         * 8-aligned by the compiler's rule (go_origin.c). */
        align_type_set_order_fixed(rec, align_go_type_origin(d->name));
        if (align_go_record_align(d->name) != 0)
            align_type_set_aligned(rec, align_go_record_align(d->name));
    }
    *rc = map_put(&rd->map, d->off, rec, (d->has & HAS_DECLARATION) ? SLOT_DONE : SLOT_SHELL,
                  rd->lang);
    return *rc < 0 ? NULL : rec;
}

static int visit_record(dwarf_reader *rd, Dwarf_Die die, unsigned depth);

/* Reads one DW_TAG_member of rec onto the reader's stack of members. */
static int add_member(dwarf_reader *rd, align_type *rec, Dwarf_Die die, unsigned depth)
{
    align_field_spec spec = align_field_spec_init();
    int64_t given = -1;
    die_info m;
    int rc = reader_die_info(rd, die, &m);

    if (rc < 0)
        return rc;
    if (!(m.has & HAS_TYPE))
        return reader_broken(rd, &m, "member without a type");
    spec.type = reader_type(rd, m.type, depth + 1, &rc);
    if (spec.type == NULL)
        return rc;
    if (m.has & HAS_NAME) {
        spec.name = align_graph_strdup(rd->g, m.name, (size_t)-1);
        if (spec.name == NULL)
            return ALIGN_ENOMEM;
    }
    spec.embedded = (m.has & HAS_EMBEDDED) != 0;
    rc = check_alignment(rd, &m, &spec.aligned);
    if (rc < 0)
        return rc;
    if ((m.has & HAS_LOCATION) && m.location > (uint64_t)INT64_MAX / 16)
        return reader_broken(rd, &m, "member offset %llu is absurd",
                             (unsigned long long)m.location);
    if (m.has & HAS_BIT_SIZE) {
        if (m.bit_size > UINT32_MAX)
            return reader_broken(rd, &m, "bit-field width %llu is absurd",
                                 (unsigned long long)m.bit_size);
        spec.is_bitfield = 1;
        spec.bit_size = (uint32_t)m.bit_size;
        if (m.has & HAS_DATA_BIT_OFFSET) {
            /* DWARF 4+: bits from the start of the record. */
            if (m.data_bit_offset > (uint64_t)INT64_MAX)
                return reader_broken(rd, &m, "bit offset is absurd");
            given = (int64_t)m.data_bit_offset;
        } else if (m.has & HAS_BIT_OFFSET) {
            /* DWARF 2/3: from the most significant bit of a storage unit of
             * DW_AT_byte_size bytes at data_member_location; on a
             * little-endian target that is unit_bits - bit_offset - width
             * from the unit's least significant bit. */
            uint64_t unit = m.byte_size;
            if (!(m.has & HAS_BYTE_SIZE)) {
                uint64_t ptrdata;
                uint32_t align;
                if (align_type_size(rd->g, spec.type, &unit, &align, &ptrdata) < 0)
                    return reader_broken(rd, &m, "bit-field of a type with no size");
            }
            if (unit > 64)
                return reader_broken(rd, &m, "bit-field storage unit of %llu bytes",
                                     (unsigned long long)unit);
            given = (int64_t)(((m.has & HAS_LOCATION) ? m.location : 0) * 8 + unit * 8) -
                    m.bit_offset - (int64_t)m.bit_size;
            if (m.bit_offset > (int64_t)(unit * 8) || m.bit_offset < -(int64_t)(unit * 8) ||
                given < 0)
                return reader_broken(rd, &m, "bit-field position out of its storage unit");
        } else if (m.has & HAS_LOCATION) {
            given = (int64_t)m.location * 8;
        }
    } else if (m.has & HAS_LOCATION) {
        given = (int64_t)m.location * 8;
    }
    if (given < 0 && rec->kind == ALIGN_KIND_UNION)
        given = 0; /* DWARF 4 unions leave the (zero) location out */
    /* A member past the record's end (or overlapping another) is kept as
     * written: the layout reports the record as inconsistent
     * (positions_valid) instead of the unit being dropped. */
    spec.given_bit_offset = given;
    if (rd->lang == ALIGN_LANG_C)
        spec.pos = decl_pos(rd, &m);
    return vec_push((void **)&rd->specs, &rd->nspecs, &rd->specs_cap, sizeof spec, 64, &spec);
}

/* The members read for rec, specs[base..nspecs), into rec: its field
 * array sized once (a Go record has a handful of fields; grown by
 * doubling from 8, the arena kept the slack: ~0.8 MB of a 5 MB binary's
 * graph). */
static int take_members(dwarf_reader *rd, align_type *rec, size_t base)
{
    int rc = record_reserve_fields(rd->g, rec, rd->nspecs - base);
    for (size_t i = base; i < rd->nspecs && rc == 0; i++)
        rc = align_record_add_field(rd->g, rec, &rd->specs[i]);
    return rc;
}

/* A record's children: its members, and the records declared inside it. */
typedef struct member_walk {
    align_type *rec;
    unsigned depth;
} member_walk;

static int visit_member(dwarf_reader *rd, Dwarf_Die child, Dwarf_Half tag, void *ctx)
{
    const member_walk *w = ctx;
    if (tag == DW_TAG_member)
        return add_member(rd, w->rec, child, w->depth);
    if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type)
        return visit_record(rd, child, w->depth + 1);
    return 0;
}

/* Reads the members of the record at die into rec and completes it. */
static int fill_record(dwarf_reader *rd, align_type *rec, Dwarf_Die die, const die_info *d,
                       unsigned depth, uint64_t fp)
{
    member_walk w = {rec, depth};
    int64_t size = -1;
    size_t base;
    int rc;

    /* Done before reading: a record is read once (a member of its own
     * type through a pointer finds it); one that fails half way is
     * FAILED, never handed out incomplete. */
    rc = map_put(&rd->map, d->off, rec, SLOT_DONE, rd->lang);
    if (rc < 0)
        return rc;
    if (d->has & HAS_BYTE_SIZE) {
        if (d->byte_size > ((uint64_t)1 << 56)) {
            /* Valid (GCC makes a struct of char[1ULL << 61]) but past what
             * the model places (bit offsets in 64 bits): this record is
             * left incomplete and counted, the unit is kept. */
            align_binary *b = rd->bin;
            b->info.nskipped_types++;
            if (b->skipped_type_reason == NULL) {
                char msg[400];
                snprintf(msg, sizeof msg,
                         "%s %s (DIE <0x%llx>) is %llu bytes, past the 2^56-byte limit of "
                         "the layout model",
                         d->tag == DW_TAG_union_type ? "union" : "struct",
                         d->name ? d->name : "(anonymous)", (unsigned long long)d->off,
                         (unsigned long long)d->byte_size);
                b->skipped_type_reason = strdup(msg);
                if (b->skipped_type_reason == NULL)
                    return ALIGN_ENOMEM;
            }
            return 0;
        }
        size = (int64_t)d->byte_size;
    }
    base = rd->nspecs;
    rc = reader_each_child(rd, die, "reading a record's members", visit_member, &w);
    if (rc == 0)
        rc = take_members(rd, rec, base);
    rd->nspecs = base;
    if (rc == ALIGN_EFORMAT)
        map_fail(&rd->map, d->off);
    if (rc < 0)
        return rc;
    align_record_complete(rec, size, -1);
    if (fp != 0) {
        copy_slot c = {fp, rec};
        rc = vec_push((void **)&rd->unit_copies, &rd->nunit_copies, &rd->unit_copies_cap, sizeof c,
                      256, &c);
        if (rc < 0)
            return rc;
    }
    return vec_push((void **)&rd->recs[rd->lang], &rd->nrecs[rd->lang], &rd->recs_cap[rd->lang],
                    sizeof *rd->recs[0], 256, &rec);
}

/* A struct or union DIE met by the walk. */
static int visit_record(dwarf_reader *rd, Dwarf_Die die, unsigned depth)
{
    die_slot *slot;
    align_type *rec;
    uint64_t fp = 0;
    die_info d;
    int rc;

    if (depth > ALIGN_MAX_DEPTH)
        return reader_broken(rd, NULL, "records nested deeper than %d levels", ALIGN_MAX_DEPTH);
    if (rd->lang == ALIGN_LANG_C && rd->scan != NULL) {
        /* A copy of a record an earlier unit had: the same node, unread. */
        Dwarf_Error err = NULL;
        Dwarf_Off off;
        if (dwarf_dieoffset(die, &off, &err) != DW_DLV_OK)
            return reader_dwarf_error(rd, err, "reading a DIE offset");
        slot = map_find(&rd->map, off);
        if (slot != NULL && slot->state == SLOT_FAILED)
            return reader_failed_before(rd, off);
        if (slot != NULL && slot->state != SLOT_SHELL)
            return 0;
        fp = scan_record(rd->scan, rd, off);
        rec = known_copy(rd, fp);
        if (rec != NULL && slot == NULL)
            return map_put(&rd->map, off, rec, SLOT_DONE, rd->lang);
    }
    rc = reader_die_info(rd, die, &d);
    if (rc < 0)
        return rc;
    slot = map_find(&rd->map, d.off);
    if (slot != NULL && slot->state == SLOT_FAILED)
        return reader_failed_before(rd, d.off);
    if (slot != NULL && slot->state != SLOT_SHELL)
        return 0;
    if (d.has & HAS_DECLARATION)
        return 0;
    /* Go's string and slice headers are primitives of the model, not
     * declarations; they are built if a member uses them. */
    if (rd->lang == ALIGN_LANG_GO && (d.has & HAS_GO_KIND) &&
        (d.go_kind == GO_KIND_STRING || d.go_kind == GO_KIND_SLICE))
        return 0;
    rec = slot != NULL ? slot->type : new_record(rd, &d, &rc);
    if (rec == NULL)
        return rc;
    return fill_record(rd, rec, die, &d, depth, fp);
}

/* ----------------------------------------------------------------- types */

static align_type *build_type(dwarf_reader *rd, Dwarf_Die die, const die_info *d, unsigned depth,
                              int *rc);

align_type *reader_type(dwarf_reader *rd, Dwarf_Off off, unsigned depth, int *rc)
{
    Dwarf_Error err = NULL;
    Dwarf_Die die = NULL;
    die_slot *slot;
    align_type *t = NULL;
    die_info d;

    *rc = 0;
    if (depth > ALIGN_MAX_DEPTH) {
        *rc = reader_broken(rd, NULL, "type references nested deeper than %d levels",
                            ALIGN_MAX_DEPTH);
        return NULL;
    }
    slot = map_find(&rd->map, off);
    if (slot != NULL) {
        if (slot->state == SLOT_FAILED) {
            *rc = reader_failed_before(rd, off);
            return NULL;
        }
        if (slot->state == SLOT_BUILDING) {
            *rc = reader_broken(rd, NULL, "type DIE <0x%llx> refers to itself",
                                (unsigned long long)off);
            return NULL;
        }
        if (slot->lang != rd->lang) {
            *rc = reader_broken(rd, NULL, "type DIE <0x%llx> is shared by a Go and a C unit",
                                (unsigned long long)off);
            return NULL;
        }
        return slot->type;
    }
    if (rd->lang == ALIGN_LANG_C && rd->scan != NULL) {
        t = known_copy(rd, scan_record(rd->scan, rd, off));
        if (t != NULL) {
            *rc = map_put(&rd->map, off, t, SLOT_DONE, rd->lang);
            return *rc < 0 ? NULL : t;
        }
    }
    if (dwarf_offdie_b(rd->dbg, off, true, &die, &err) != DW_DLV_OK) {
        *rc = reader_dwarf_error(rd, err, "following a type reference");
        return NULL;
    }
    *rc = reader_die_info(rd, die, &d);
    t = *rc < 0 ? NULL : build_type(rd, die, &d, depth, rc);
    dwarf_dealloc(rd->dbg, die, DW_DLA_DIE);
    return t;
}

static align_type *void_type(dwarf_reader *rd, int *rc)
{
    align_type *t = align_type_prim(rd->g, ALIGN_C_VOID);
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}

/* The node for a DIE that has no meaning the model knows: its size is
 * all we have. */
static align_type *opaque_type(dwarf_reader *rd, const die_info *d, uint64_t size, int *rc)
{
    align_type *t = align_type_opaque(rd->g, d->name ? d->name : "?", size, guess_align(size), 0);
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}

/* Ends a typedef chain's links from rd->links[links] on (build_typedef),
 * the last at off: all FAILED when the chain failed (rc). */
static void end_links(dwarf_reader *rd, size_t links, Dwarf_Off off, int rc)
{
    if (rc == ALIGN_EFORMAT) {
        map_fail(&rd->map, off);
        for (size_t i = links; i < rd->nlinks; i++)
            map_fail(&rd->map, rd->links[i]);
    }
    rd->nlinks = links;
}

/* A typedef, and the typedefs it names in turn: a chain (C's
 * `typedef A B; typedef B C; ...`, Go's `type T1 T0`, 50,000 long in a
 * generated program) is walked in a loop, each link a node of its own.  A
 * chain is not nesting: recursing per link ran past ALIGN_MAX_DEPTH (and
 * would run out of stack).  Returns the first typedef's node. */
static align_type *build_typedef(dwarf_reader *rd, const die_info *d0, unsigned depth, int *rc)
{
    Dwarf_Error err = NULL;
    Dwarf_Die tdie = NULL;
    align_type *first = NULL, *prev = NULL;
    die_info cur = *d0, td;
    size_t links = rd->nlinks; /* this chain's links: rd->links[links..] */

    *rc = 0;
    for (;;) {
        const char *name = cur.name ? cur.name : "?";
        align_type *named = NULL, *target = NULL, *known = NULL, *node = NULL;
        die_slot *slot;
        int known_state = 0;
        uint32_t aligned;

        memset(&td, 0, sizeof td);
        *rc = check_alignment(rd, &cur, &aligned);
        if (*rc < 0)
            break;
        if (!(cur.has & HAS_TYPE)) {
            if (rd->lang == ALIGN_LANG_GO) {
                *rc = reader_broken(rd, &cur, "Go typedef without a type");
                break;
            }
            target = void_type(rd, rc); /* typedef void T; */
            node = target ? align_type_named(rd->g, name, target) : NULL;
            if (node == NULL)
                *rc = ALIGN_ENOMEM;
            else
                *rc = map_put(&rd->map, cur.off, node, SLOT_DONE, rd->lang);
        } else {
            /* Copied out: map_put below may move the slots. */
            slot = map_find(&rd->map, cur.type);
            if (slot != NULL && slot->state == SLOT_FAILED) {
                *rc = reader_failed_before(rd, cur.type);
                break;
            }
            if (slot != NULL) {
                known = slot->type;
                known_state = slot->state;
            } else {
                if (dwarf_offdie_b(rd->dbg, cur.type, true, &tdie, &err) != DW_DLV_OK) {
                    *rc = reader_dwarf_error(rd, err, "following a typedef");
                    break;
                }
                *rc = reader_die_info(rd, tdie, &td);
                if (*rc < 0)
                    break;
            }
            /* Go: `type main.Point struct{...}` is a typedef to a struct of
             * the same name (interfaces, funcs, named slices likewise): one
             * node for both. */
            if (rd->lang == ALIGN_LANG_GO && cur.name != NULL && known_state != 0 &&
                known_state != SLOT_BUILDING && known->name != NULL &&
                strcmp(known->name, cur.name) == 0) {
                node = known;
            } else if (rd->lang == ALIGN_LANG_GO && cur.name != NULL && known_state == 0 &&
                       td.name != NULL && strcmp(td.name, cur.name) == 0) {
                node = build_type(rd, tdie, &td, depth + 1, rc);
            }
            if (node != NULL || *rc < 0) {
                if (node != NULL && prev != NULL)
                    *rc = map_put(&rd->map, cur.off, node, SLOT_DONE, rd->lang);
            } else {
                named = align_type_named(rd->g, name, NULL);
                if (named == NULL) {
                    *rc = ALIGN_ENOMEM;
                    break;
                }
                if (aligned != 0)
                    align_type_set_aligned(named, aligned);
                *rc = map_put(&rd->map, cur.off, named, SLOT_DONE, rd->lang);
                if (*rc < 0)
                    break;
                node = named;
                if (known_state == SLOT_BUILDING) {
                    /* The target is being built further up the stack (Go
                     * `type P *P`): link them once it is done. */
                    fixup f = {named, cur.type};
                    *rc = vec_push((void **)&rd->fix, &rd->nfix, &rd->fix_cap, sizeof f, 256, &f);
                } else if (known_state != 0) {
                    if (known != named)
                        align_type_set_target(named, known);
                } else if (td.tag == DW_TAG_typedef) {
                    /* The next link: around the loop, not down the stack
                     * (each link's offset kept, to be marked FAILED if a
                     * later one fails). */
                    *rc = vec_push((void **)&rd->links, &rd->nlinks, &rd->links_cap, sizeof cur.off,
                                   64, &cur.off);
                    if (*rc < 0)
                        break;
                    if (prev != NULL)
                        align_type_set_target(prev, named);
                    if (first == NULL)
                        first = named;
                    prev = named;
                    cur = td;
                    dwarf_dealloc(rd->dbg, tdie, DW_DLA_DIE);
                    tdie = NULL;
                    continue;
                } else {
                    target = build_type(rd, tdie, &td, depth + 1, rc);
                    if (target != NULL && target != named)
                        align_type_set_target(named, target);
                }
            }
        }
        if (*rc == 0 && node != NULL) {
            if (prev != NULL && node != prev)
                align_type_set_target(prev, node);
            if (first == NULL)
                first = node;
        }
        break;
    }
    if (tdie != NULL)
        dwarf_dealloc(rd->dbg, tdie, DW_DLA_DIE);
    end_links(rd, links, cur.off, *rc);
    return *rc < 0 ? NULL : first;
}

/* GCC vector types (__m128, vector_size(N)): a vector node over the element
 * (its alignment is the ABI's vector rule, abi_vector_align, so projection
 * to another arch re-aligns it; a typedef's aligned(N) arrives as
 * DW_AT_alignment).  The DIE usually carries no size: it is the element's
 * times the count. */
static align_type *vector_type(dwarf_reader *rd, const die_info *d, align_type *elem,
                               const uint64_t *dims, size_t ndims, int *rc)
{
    uint64_t count = 1, es, pd;
    uint32_t ea;
    align_type *v;
    if (align_type_size(rd->g, elem, &es, &ea, &pd) < 0 || es == 0) {
        *rc = reader_broken(rd, d, "vector of an element without a size");
        return NULL;
    }
    for (size_t i = 0; i < ndims; i++)
        if (dims[i] == ALIGN_FLEXIBLE || !mul_u64(count, dims[i], &count) ||
            count > ((uint64_t)1 << 32)) {
            *rc = reader_broken(rd, d, "vector size is absurd");
            return NULL;
        }
    if ((d->has & HAS_BYTE_SIZE) && d->byte_size != es * count) {
        if (d->byte_size % es != 0 || d->byte_size / es > ((uint64_t)1 << 32)) {
            *rc = reader_broken(rd, d, "vector of %llu bytes is no whole number of elements",
                                (unsigned long long)d->byte_size);
            return NULL;
        }
        count = d->byte_size / es;
    }
    if (count == 0) {
        *rc = reader_broken(rd, d, "vector of no elements");
        return NULL;
    }
    v = align_type_vector(rd->g, elem, count);
    if (v == NULL)
        *rc = ALIGN_ENOMEM;
    return v;
}

enum { MAX_DIMS = 32 };

/* An array's dimensions read so far (build_array). */
typedef struct dims_walk {
    const die_info *d; /* the array */
    uint64_t dims[MAX_DIMS];
    size_t ndims;
} dims_walk;

/* One DW_TAG_subrange_type child: a dimension (count, or upper and lower
 * bound; none: C's flexible `T x[]`, outermost only). */
static int visit_subrange(dwarf_reader *rd, Dwarf_Die child, Dwarf_Half tag, void *ctx)
{
    dims_walk *w = ctx;
    die_info s;
    int64_t lower;
    int rc;
    if (tag != DW_TAG_subrange_type)
        return 0;
    rc = reader_die_info(rd, child, &s);
    if (rc == 0 && w->ndims == MAX_DIMS)
        rc = reader_broken(rd, w->d, "array of more than %d dimensions", MAX_DIMS);
    if (rc < 0)
        return rc;
    lower = (s.has & HAS_LOWER) ? s.lower : 0;
    if (s.has & HAS_COUNT) {
        w->dims[w->ndims] = s.count;
    } else if (s.has & HAS_UPPER) {
        /* upper = lower - 1 (often -1) is an empty range. */
        if (lower < 0 || s.upper == INT64_MAX || s.upper < lower - 1)
            return reader_broken(rd, &s, "bad array bounds");
        w->dims[w->ndims] = (uint64_t)(s.upper - lower + 1);
    } else if (w->ndims == 0) {
        w->dims[w->ndims] = ALIGN_FLEXIBLE; /* C `T x[]` */
    } else {
        return reader_broken(rd, &s, "inner array dimension without a bound");
    }
    if (w->dims[w->ndims] == UINT64_MAX && (s.has & (HAS_COUNT | HAS_UPPER)))
        return reader_broken(rd, &s, "array count is absurd");
    w->ndims++;
    return 0;
}

/* Arrays: one DW_TAG_subrange_type child per dimension, outermost first. */
static align_type *build_array(dwarf_reader *rd, Dwarf_Die die, const die_info *d, unsigned depth,
                               int *rc)
{
    dims_walk w = {d, {0}, 0};
    uint64_t *dims = w.dims;
    align_type *levels[MAX_DIMS];
    const char *elem_display;
    size_t ndims;
    align_type *t = NULL;

    if (!(d->has & HAS_TYPE)) {
        *rc = reader_broken(rd, d, "array without an element type");
        return NULL;
    }
    *rc = reader_each_child(rd, die, "reading an array's dimensions", visit_subrange, &w);
    if (*rc < 0)
        return NULL;
    ndims = w.ndims;
    t = reader_type(rd, d->type, depth + 1, rc);
    if (t == NULL)
        return NULL;
    if (d->has & HAS_VECTOR)
        return vector_type(rd, d, t, dims, ndims, rc);
    if (ndims == 0)
        dims[ndims++] = ALIGN_FLEXIBLE;
    elem_display = t->display;
    for (size_t i = ndims; i-- > 0 && t != NULL;)
        t = levels[i] = align_type_array(rd->g, t, dims[i]);
    if (t != NULL && rd->lang == ALIGN_LANG_C && ndims > 1) {
        /* C shows `int [2][3]`: each level is the element followed by the
         * dimensions from that level inwards (the constructor, nesting one
         * level at a time, would say `int [3] [2]`). */
        size_t offs[MAX_DIMS];
        align_buf br, s;
        align_buf_init(&br);
        for (size_t i = 0; i < ndims; i++) {
            offs[i] = br.len;
            if (dims[i] == ALIGN_FLEXIBLE)
                align_buf_puts(&br, "[]");
            else
                align_buf_printf(&br, "[%llu]", (unsigned long long)dims[i]);
        }
        for (size_t i = 0; i < ndims && !br.failed; i++) {
            align_buf_init(&s);
            align_buf_printf(&s, "%s %s", elem_display, br.data + offs[i]);
            if (!s.failed)
                align_type_set_display(rd->g, levels[i], s.data);
            align_buf_free(&s);
        }
        align_buf_free(&br);
    }
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}

static align_type *build_pointer(dwarf_reader *rd, const die_info *d, unsigned depth, int *rc)
{
    align_type *target = NULL, *p = NULL;
    if (!(d->has & HAS_TYPE))
        target = void_type(rd, rc);
    else
        target = reader_type(rd, d->type, depth + 1, rc);
    if (target == NULL)
        return NULL;
    p = align_type_pointer(rd->g, target);
    if (p == NULL) {
        *rc = ALIGN_ENOMEM;
        return NULL;
    }
    /* C function pointers: the function type is already shown as
     * "RET (*)(ARGS)". */
    if (rd->lang == ALIGN_LANG_C && target->kind == ALIGN_KIND_FUNC)
        p->display = target->display;
    return p;
}

/* Builds the node for d (DIE die) and enters it in the map. */
static align_type *build_type(dwarf_reader *rd, Dwarf_Die die, const die_info *d, unsigned depth,
                              int *rc)
{
    align_type *t = NULL;

    *rc = 0;
    if (depth > ALIGN_MAX_DEPTH) {
        *rc = reader_broken(rd, d, "type references nested deeper than %d levels", ALIGN_MAX_DEPTH);
        return NULL;
    }
    if (rd->lang == ALIGN_LANG_GO) {
        t = go_special_type(rd, d, rc);
        if (*rc < 0)
            return NULL;
        if (t != NULL) {
            *rc = map_put(&rd->map, d->off, t, SLOT_DONE, rd->lang);
            return *rc < 0 ? NULL : t;
        }
    }
    switch (d->tag) {
    case DW_TAG_structure_type:
    case DW_TAG_union_type:
    case DW_TAG_class_type:
        t = new_record(rd, d, rc);
        if (t != NULL && !(d->has & HAS_DECLARATION)) {
            pending p = {d->off, rd->lang};
            *rc = vec_push((void **)&rd->pend, &rd->npend, &rd->pend_cap, sizeof p, 256, &p);
        }
        return *rc < 0 ? NULL : t; /* entered by new_record */
    case DW_TAG_typedef: t = build_typedef(rd, d, depth, rc); break;
    case DW_TAG_base_type:
        t = rd->lang == ALIGN_LANG_C ? c_base_type(rd, d, rc)
                                     : opaque_type(rd, d, d->byte_size, rc);
        break;
    case DW_TAG_enumeration_type:
        *rc = map_put(&rd->map, d->off, NULL, SLOT_BUILDING, rd->lang);
        if (*rc == 0)
            t = rd->lang == ALIGN_LANG_C ? c_enum_type(rd, d, depth, rc)
                                         : opaque_type(rd, d, d->byte_size, rc);
        break;
    case DW_TAG_subroutine_type:
        *rc = map_put(&rd->map, d->off, NULL, SLOT_BUILDING, rd->lang);
        if (*rc == 0 && rd->lang == ALIGN_LANG_C) {
            t = c_func_type(rd, die, d, depth, rc);
        } else if (*rc == 0) {
            t = align_type_named(rd->g, d->name ? d->name : "func()",
                                 align_type_prim(rd->g, ALIGN_GO_FUNC));
            if (t == NULL)
                *rc = ALIGN_ENOMEM;
        }
        break;
    case DW_TAG_pointer_type:
        *rc = map_put(&rd->map, d->off, NULL, SLOT_BUILDING, rd->lang);
        if (*rc == 0)
            t = build_pointer(rd, d, depth, rc);
        break;
    case DW_TAG_array_type:
        *rc = map_put(&rd->map, d->off, NULL, SLOT_BUILDING, rd->lang);
        if (*rc == 0)
            t = build_array(rd, die, d, depth, rc);
        break;
    case DW_TAG_atomic_type:
        /* C: _Atomic raises the alignment of 2-, 4-, 8- and 16-byte types
         * (align_type_atomic); Go has no such qualifier. */
        if (rd->lang == ALIGN_LANG_C) {
            align_type *base;
            *rc = map_put(&rd->map, d->off, NULL, SLOT_BUILDING, rd->lang);
            if (*rc < 0)
                return NULL;
            base =
                (d->has & HAS_TYPE) ? reader_type(rd, d->type, depth + 1, rc) : void_type(rd, rc);
            if (base == NULL)
                return NULL;
            t = align_type_atomic(rd->g, base);
            if (t == NULL)
                *rc = ALIGN_ENOMEM;
            break;
        }
        /* fall through */
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
        if (rd->lang == ALIGN_LANG_C) {
            /* Kept for the declarations printed (c_qualified_type). */
            *rc = map_put(&rd->map, d->off, NULL, SLOT_BUILDING, rd->lang);
            if (*rc == 0)
                t = c_qualified_type(rd, d, depth, rc);
            break;
        }
        /* fall through */
    case DW_TAG_immutable_type:
    case DW_TAG_shared_type:
        /* Qualifiers do not change a Go layout: the qualified type's node. */
        *rc = map_put(&rd->map, d->off, NULL, SLOT_BUILDING, rd->lang);
        if (*rc == 0)
            t = (d->has & HAS_TYPE) ? reader_type(rd, d->type, depth + 1, rc) : void_type(rd, rc);
        break;
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
    case DW_TAG_ptr_to_member_type:
        t = opaque_type(rd, d, (d->has & HAS_BYTE_SIZE) ? d->byte_size : 8, rc);
        break;
    default: t = opaque_type(rd, d, d->byte_size, rc); break;
    }
    if (t == NULL) {
        if (*rc == ALIGN_EFORMAT)
            map_fail(&rd->map, d->off); /* left BUILDING, or DONE half way */
        return NULL;
    }
    if (rd->lang == ALIGN_LANG_GO && d->tag == DW_TAG_pointer_type && d->name != NULL &&
        strcmp(t->display, d->name) != 0) {
        /* Go names defined pointer types ("main.P" for `type P *P`). */
        align_type_set_display(rd->g, t, d->name);
    }
    *rc = map_put(&rd->map, d->off, t, SLOT_DONE, rd->lang);
    return *rc < 0 ? NULL : t;
}

/* ------------------------------------------------------------------ walk */

/* C: remember `typedef struct {...} name;` to name the record. */
static int note_typedef(dwarf_reader *rd, Dwarf_Die die)
{
    die_info d;
    int rc = reader_die_info(rd, die, &d);
    if (rc < 0 || !(d.has & HAS_TYPE) || d.name == NULL)
        return rc;
    td_name n = {d.type, d.name};
    return vec_push((void **)&rd->tdn, &rd->ntdn, &rd->tdn_cap, sizeof n, 256, &n);
}

/* Go: remember a package variable and its type, to name an anonymous
 * struct only it has (label_go_vars). */
static int note_go_var(dwarf_reader *rd, Dwarf_Die die)
{
    die_info d;
    int rc = reader_die_info(rd, die, &d);
    if (rc < 0 || !(d.has & HAS_TYPE) || d.name == NULL || strchr(d.name, '.') == NULL)
        return rc;
    /* A variable of a defined type (`var semtable semTable`, a typedef
     * of [N]struct {...}, which the map holds as the array): the struct
     * is that type's, not the variable's: named after the type. */
    Dwarf_Die tdie = NULL;
    Dwarf_Error err = NULL;
    Dwarf_Attribute elem = NULL;
    Dwarf_Half tag = 0;
    char *tname = NULL;
    gvar_ref n = {d.type, d.name, false, false};
    int ok = dwarf_offdie_b(rd->dbg, d.type, true, &tdie, &err);
    if (ok == DW_DLV_OK)
        ok = dwarf_tag(tdie, &tag, &err);
    /* A slice, "[]T" {array *T; len; cap}, which the map holds as the
     * model's slice: T is DW_AT_go_elem (`var table = []struct {...}`);
     * and a map's values, the typedef "map[K]V" (`var jump =
     * map[K]struct {...}{...}`). */
    if (ok == DW_DLV_OK && (tag == DW_TAG_structure_type || tag == DW_TAG_typedef) &&
        dwarf_attr(tdie, DW_AT_go_elem, &elem, &err) == DW_DLV_OK) {
        ok = dwarf_global_formref(elem, &n.target, &err);
        n.elem = true;
        tag = DW_TAG_structure_type; /* not a defined type's */
    }
    if (ok == DW_DLV_OK && tag == DW_TAG_typedef) {
        /* the typedef's name (libdwarf's string, as the variable's) */
        if (dwarf_diename(tdie, &tname, &err) == DW_DLV_OK && strchr(tname, '.') != NULL) {
            n.name = tname;
            n.defined = true;
        }
    }
    if (elem != NULL)
        dwarf_dealloc(rd->dbg, elem, DW_DLA_ATTR);
    if (tdie != NULL)
        dwarf_dealloc(rd->dbg, tdie, DW_DLA_DIE);
    if (err != NULL)
        dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
    if (ok != DW_DLV_OK || (tag == DW_TAG_typedef && !n.defined))
        return 0; /* a broken reference names nothing: no type to label */
    return vec_push((void **)&rd->gvar, &rd->ngvar, &rd->gvar_cap, sizeof n, 256, &n);
}

/* At the end of a file (its DIE map and strings still there): the
 * anonymous struct type of each package variable noted, kept with a copy
 * of its name. */
static int resolve_go_vars(dwarf_reader *rd)
{
    for (size_t i = 0; i < rd->ngvar; i++) {
        die_slot *slot = map_find(&rd->map, rd->gvar[i].target);
        align_type *t = slot != NULL && slot->lang == ALIGN_LANG_GO ? slot->type : NULL;
        bool elem = rd->gvar[i].elem, defined = rd->gvar[i].defined;
        /* a defined type: its array (`type semTable [N]struct {...}`,
         * held as the array named so, or a typedef of it), whose element
         * is then looked for below */
        if (defined && t != NULL && t->kind == ALIGN_KIND_NAMED)
            t = t->target;
        if (defined && (t == NULL || t->kind != ALIGN_KIND_ARRAY))
            continue; /* a defined type that is no array: its struct is named */
        if (defined) {
            t = t->target;
            elem = true;
        }
        /* `var V [4]struct {...}`: the element (not of a defined array
         * type, `var semtable semTable`: the struct is that type's) */
        for (int k = 0; t != NULL && t->kind == ALIGN_KIND_ARRAY &&
                        (t->name == NULL || t->name[0] == '[') && k < 64;
             k++) {
            t = t->target;
            elem = true;
        }
        if (t == NULL || t->kind != ALIGN_KIND_STRUCT || t->name == NULL ||
            strncmp(t->name, "struct", 6) != 0 || (t->name[6] != ' ' && t->name[6] != '{'))
            continue;
        align_graph *g = rd->bin->graphs[ALIGN_LANG_GO];
        go_var v = {t, arena_strndup(&g->arena, rd->gvar[i].name, strlen(rd->gvar[i].name)), elem,
                    defined, rd->ngv};
        if (v.name == NULL ||
            vec_push((void **)&rd->gv, &rd->ngv, &rd->gv_cap, sizeof v, 64, &v) < 0)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    rd->ngvar = 0;
    return 0;
}

static int cmp_go_var(const void *a, const void *b)
{
    const go_var *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* An anonymous struct that is the type of a package variable (`var
 * Config struct {...}`; or its element, `var pool [4]struct {...}`, `var
 * table = []struct {...}{...}`, `var jump = map[K]struct {...}{...}`, as
 * a field `f [2]struct {...}` names its element) and is not held in a
 * named type is named after it, "pkg.Config" (label_of NULL: a
 * variable's, not a field's), and the anonymous structs it holds after it
 * and their fields, "pkg.Config.f" (as a named type's are).  One several
 * variables have (`var left, right struct {...}`) is named after the
 * first in DWARF order, label_shared counting the others.  0, or
 * ALIGN_ENOMEM.
 *
 * A function's local variables' structs are named after this, from the
 * variables the functions' walk keeps anyway (source/go_locals.c); a
 * walk of every function's variables for this alone made `audit` of Go
 * 1.27's cmd/compile 50% slower (0.47 -> 0.70 s CPU). */
static int label_go_vars(dwarf_reader *rd)
{
    if (rd->ngv == 0)
        return 0;
    qsort(rd->gv, rd->ngv, sizeof *rd->gv, cmp_go_var);
    for (size_t i = 0, j; i < rd->ngv; i = j) {
        for (j = i + 1; j < rd->ngv && rd->gv[j].type == rd->gv[i].type;)
            j++;
        /* a label after a record the linker or the compiler made (a map's
         * buckets, bucket<K,V>.values, noalg.struct {...}.elem) gives way
         * to the variable's name */
        const align_type *of = rd->gv[i].type->label_of;
        bool made = of != NULL && of->order_fixed != ALIGN_ORDER_FREE &&
                    of->order_fixed != ALIGN_ORDER_HOST_LAYOUT;
        if (rd->gv[i].type->label == NULL || made) {
            /* several variables (`var left, right struct {...}`): the
             * first in DWARF order, and how many others there are */
            unsigned shared = 0;
            for (size_t k = i + 1; k < j; k++)
                shared += strcmp(rd->gv[k].name, rd->gv[i].name) != 0;
            rd->gv[i].type->label = rd->gv[i].name;
            rd->gv[i].type->label_of = NULL;
            rd->gv[i].type->label_elem = rd->gv[i].elem;
            rd->gv[i].type->label_defined = rd->gv[i].defined;
            rd->gv[i].type->label_shared = shared < UINT16_MAX ? (uint16_t)shared : UINT16_MAX;
            /* and the anonymous structs it holds: "pkg.V.f" */
            if (type_label_fields(rd->bin->graphs[ALIGN_LANG_GO], rd->gv[i].type) < 0)
                return ALIGN_ENOMEM;
        }
    }
    return 0;
}

static int walk_scope(dwarf_reader *rd, Dwarf_Die parent, unsigned depth);

/* A child of a scope (walk_scope): a record, a typedef, a function or a
 * block (C: which may declare more), a Go global. */
static int visit_scope_die(dwarf_reader *rd, Dwarf_Die die, Dwarf_Half tag, void *ctx)
{
    unsigned depth = *(const unsigned *)ctx;
    switch (tag) {
    case DW_TAG_structure_type:
    case DW_TAG_union_type: return visit_record(rd, die, depth);
    case DW_TAG_typedef:
        if (rd->lang == ALIGN_LANG_C)
            return note_typedef(rd, die);
        break;
    case DW_TAG_subprogram:
        if (rd->lang == ALIGN_LANG_C)
            return walk_scope(rd, die, depth + 1);
        if (rd->bin->funcs != NULL && depth == 0)
            return gf_visit_subprogram(rd, die);
        break;
    case DW_TAG_variable:
        if (rd->lang == ALIGN_LANG_GO && depth == 0) {
            int rc = note_go_var(rd, die);
            if (rc < 0)
                return rc;
        }
        /* fallthrough */
    case DW_TAG_constant:
        if (rd->lang == ALIGN_LANG_GO && rd->bin->funcs != NULL && depth == 0)
            return gf_visit_global(rd, die, tag == DW_TAG_constant);
        break;
    case DW_TAG_lexical_block:
        if (rd->lang == ALIGN_LANG_C)
            return walk_scope(rd, die, depth + 1);
        break;
    default: break;
    }
    return 0;
}

/* Visits the children of parent that can declare records. */
static int walk_scope(dwarf_reader *rd, Dwarf_Die parent, unsigned depth)
{
    if (depth > ALIGN_MAX_DEPTH)
        return reader_broken(rd, NULL, "scopes nested deeper than %d levels", ALIGN_MAX_DEPTH);
    return reader_each_child(rd, parent, "reading a DIE's children", visit_scope_die, &depth);
}

/* A C record DIE met by the scanned walk: a copy of a record read before
 * is mapped without libdwarf; any other is read through it. */
static int visit_record_at(dwarf_reader *rd, Dwarf_Off off, unsigned depth)
{
    Dwarf_Error err = NULL;
    Dwarf_Die die = NULL;
    die_slot *slot = map_find(&rd->map, off);
    align_type *rec;
    int rc;

    if (slot != NULL && slot->state == SLOT_FAILED)
        return reader_failed_before(rd, off);
    if (slot != NULL && slot->state != SLOT_SHELL)
        return 0;
    rec = known_copy(rd, scan_record(rd->scan, rd, off));
    if (rec != NULL && slot == NULL)
        return map_put(&rd->map, off, rec, SLOT_DONE, rd->lang);
    if (dwarf_offdie_b(rd->dbg, off, true, &die, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading a record");
    rc = visit_record(rd, die, depth);
    dwarf_dealloc(rd->dbg, die, DW_DLA_DIE);
    return rc;
}

/* walk_scope for a C unit, stepping with the scanner instead of libdwarf
 * (one allocation per DIE there): in a unit whose records are all copies,
 * no libdwarf call is made below the unit DIE.  Returns 1 when the scanner
 * cannot read the unit: the caller walks it again with walk_scope, which
 * skips the records already done (the map) and reports what is wrong. */
static int walk_scanned(dwarf_reader *rd, const scan_die *parent, unsigned depth)
{
    scan_die d;
    int r, rc = 0;

    if (depth > ALIGN_MAX_DEPTH)
        return 1;
    for (r = scan_first_child(rd->scan, parent, &d); r > 0;
         r = scan_next_sibling(rd->scan, &d, &d)) {
        switch (d.tag) {
        case DW_TAG_structure_type:
        case DW_TAG_union_type: rc = visit_record_at(rd, d.off, depth); break;
        case DW_TAG_typedef:
            if (d.name != NULL && d.type != 0) {
                td_name n = {d.type, d.name}; /* the mapped file's string */
                rc = vec_push((void **)&rd->tdn, &rd->ntdn, &rd->tdn_cap, sizeof n, 256, &n);
            }
            break;
        case DW_TAG_subprogram:
        case DW_TAG_lexical_block: rc = walk_scanned(rd, &d, depth + 1); break;
        default: break;
        }
        if (rc != 0)
            return rc;
    }
    return r < 0 ? 1 : 0;
}

/* A top-level DIE of a Go unit met by walk_go_scanned that the scanner
 * does not read (a record, a package variable or constant), through
 * libdwarf as walk_scope reads it.  0, a negative code, or 1 when
 * libdwarf does not give the DIE (walk_scope then says why). */
static int visit_go_die_at(dwarf_reader *rd, Dwarf_Off off, unsigned tag)
{
    Dwarf_Error err = NULL;
    Dwarf_Die die = NULL;
    unsigned depth = 0;
    int rc;
    if (dwarf_offdie_b(rd->dbg, off, true, &die, &err) != DW_DLV_OK) {
        if (err != NULL)
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
        return 1;
    }
    rc = visit_scope_die(rd, die, (Dwarf_Half)tag, &depth);
    dwarf_dealloc(rd->dbg, die, DW_DLA_DIE);
    return rc;
}

/* walk_scope for a Go unit read for its functions (ALIGN_BINARY_GO_FUNCS),
 * stepping through the top level with the scanner (dwarf_scan.c) instead
 * of libdwarf, which allocates a DIE for each of the thousands of type
 * DIEs Go keeps there and steps through every function's subtree to find
 * the next: functions and their scopes are decoded raw (dwarf_funcs.c),
 * records and package variables read through libdwarf at their offsets.
 * Returns 1 when anything is not as the scanner knows it: what was added
 * is taken back and the caller walks the unit again with walk_scope, which
 * skips the records already done (the map) and reports what is wrong, as
 * without the scanner.  An error of libdwarf's own reading (a broken
 * record) is the unit's, as in walk_scope, which meets the same DIEs in
 * the same order (walking again would only meet it again: the record is
 * FAILED in the map). */
static int walk_go_scanned(dwarf_reader *rd)
{
    go_funcs *gf = rd->bin->funcs;
    size_t nfuncs = gf->nfuncs, nvars = gf->nvars, ncalls = gf->ncalls;
    size_t nglobals = gf->nglobals, ngvar = rd->ngvar;
    dwarf_scan *s = reader_go_scan(rd);
    scan_die d;
    int r, rc = 0;

    if (s == NULL || scan_die_at(s, scan_unit_die(s), &d) < 0)
        return 1;
    for (r = scan_first_child(s, &d, &d); r > 0 && rc == 0;) {
        die_info fd;
        uint64_t end, after;
        bool children;
        switch (d.tag) {
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
        case DW_TAG_variable: rc = visit_go_die_at(rd, d.off, d.tag); break;
        case DW_TAG_constant:
            /* nine in ten of the globals, all gf_visit_global's: decoded
             * raw as a function's variables are (cmd/compile: 16,000,
             * each a libdwarf DIE and attribute list); through libdwarf
             * when the scanner does not know one */
            if (scan_die_info(s, d.off, &fd, &after, &children) > 0)
                rc = gf_scan_global(rd, &fd, true);
            else
                rc = visit_go_die_at(rd, d.off, d.tag);
            break;
        case DW_TAG_subprogram:
            if (scan_die_info(s, d.off, &fd, &after, &children) <= 0) {
                rc = 1;
                break;
            }
            rc = gf_scan_subprogram(rd, &fd, &end);
            if (rc == 0) {
                r = scan_list_at(s, end, &d);
                continue;
            }
            if (rc == 2)
                rc = 0;
            break;
        default: break;
        }
        if (rc == 0)
            r = scan_next_sibling(s, &d, &d);
    }
    if (rc == 0 && r < 0)
        rc = 1;
    if (rc == 1) {
        gf->nfuncs = nfuncs;
        gf->nvars = nvars;
        gf->ncalls = ncalls;
        gf->nglobals = nglobals;
        rd->ngvar = ngvar;
        reader_forgive(rd);
    }
    return rc;
}

static int unit_lang(const die_info *cu, align_lang *out)
{
    const char *p = cu->producer;
    if (cu->has & HAS_LANGUAGE) {
        switch (cu->language) {
        case DW_LANG_Go: *out = ALIGN_LANG_GO; return 0;
        case DW_LANG_C89:
        case DW_LANG_C:
        case DW_LANG_C99:
        case LANG_C11:
        case LANG_C17: *out = ALIGN_LANG_C; return 0;
        default: return -1;
        }
    }
    if (p != NULL && strncmp(p, "Go ", 3) == 0) {
        *out = ALIGN_LANG_GO;
        return 0;
    }
    if (p != NULL && strncmp(p, "GNU C", 5) == 0 && strncmp(p, "GNU C++", 7) != 0) {
        *out = ALIGN_LANG_C;
        return 0;
    }
    return -1;
}

static int read_unit(dwarf_reader *rd, Dwarf_Die cu_die, Dwarf_Half version)
{
    align_binary *b = rd->bin;
    size_t mark_recs[2], mark_pend = rd->npend, mark_tdn = rd->ntdn;
    size_t mark_funcs = 0, mark_vars = 0, mark_calls = 0;
    bool funcs = false;
    align_lang lang;
    die_info cu;
    int rc = reader_die_info(rd, cu_die, &cu);

    if (rc < 0)
        return rc;
    if (b->info.ncus == 1) {
        b->producer = strdup(cu.producer ? cu.producer : "");
        if (b->producer == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (unit_lang(&cu, &lang) < 0) {
        b->info.nforeign_cus++;
        return 0;
    }
    if (b->graphs[lang] == NULL) {
        rc = align_graph_new(&b->graphs[lang], lang, b->info.arch);
        if (rc < 0)
            return rc;
    }
    if (lang == ALIGN_LANG_GO && b->go_producer == NULL && cu.producer != NULL) {
        unsigned release;
        /* "Go cmd/compile go1.27.4; regabi": the graph's Go release, which
         * the heap costs follow (heap.c).  A producer without one leaves
         * the graph at 0 (the newest release libalign knows). */
        b->go_producer = strdup(cu.producer);
        if (b->go_producer == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        if (align_go_release_parse(&release, cu.producer) == 0)
            align_graph_set_go_release(b->graphs[lang], release);
    }
    if (lang == ALIGN_LANG_GO)
        b->info.has_go = 1;
    else
        b->info.has_c = 1;
    rd->g = b->graphs[lang];
    rd->lang = lang;
    rd->cu_die = cu_die;
    rd->version = version;
    rd->nunit_copies = 0;
    if (lang == ALIGN_LANG_C && rd->scan != NULL)
        scan_unit(rd->scan, rd->cu_start, rd->cu_end);
    mark_recs[0] = rd->nrecs[0];
    mark_recs[1] = rd->nrecs[1];
    if (lang == ALIGN_LANG_GO && (b->flags & ALIGN_BINARY_GO_FUNCS)) {
        if (b->funcs == NULL) {
            rc = gofuncs_new(&b->funcs, rd->g);
            if (rc < 0)
                return rc;
        }
        funcs = true;
        mark_vars = b->funcs->nvars;
        mark_calls = b->funcs->ncalls;
        rc = gf_unit_begin(rd, &cu, &mark_funcs);
        if (rc < 0)
            return rc;
    }
    rc = 1;
    if (lang == ALIGN_LANG_C && rd->scan != NULL) {
        Dwarf_Error err = NULL;
        Dwarf_Off off = 0;
        scan_die unit;
        if (dwarf_dieoffset(cu_die, &off, &err) != DW_DLV_OK)
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
        else if (off == scan_unit_die(rd->scan) && scan_die_at(rd->scan, off, &unit) > 0)
            rc = walk_scanned(rd, &unit, 0);
    } else if (funcs)
        rc = walk_go_scanned(rd);
    if (rc == 1)
        rc = walk_scope(rd, cu_die, 0);
    if (rc == 0)
        rc = commit_copies(rd);
    if (rc == 0 && funcs)
        rc = gf_unit_lines(rd, mark_funcs);
    if (funcs)
        gf_unit_done(rd);
    release_files(rd);
    release_lines(rd);
    rd->cu_die = NULL;
    if (rc == ALIGN_EFORMAT && funcs) {
        b->funcs->nfuncs = mark_funcs;
        b->funcs->nvars = mark_vars;
        b->funcs->ncalls = mark_calls;
    }
    if (rc == ALIGN_EFORMAT) {
        /* Drop what the broken unit completed; its nodes stay in the arena,
         * unreachable from the declarations. */
        rd->nrecs[0] = mark_recs[0];
        rd->nrecs[1] = mark_recs[1];
        rd->npend = mark_pend;
        rd->ntdn = mark_tdn;
    }
    return rc;
}

static int skip_unit(dwarf_reader *rd)
{
    align_binary *b = rd->bin;
    b->info.nskipped_cus++;
    if (b->skip_reason == NULL) {
        b->skip_reason = strdup(rd->why[0] ? rd->why : "unreadable DWARF");
        if (b->skip_reason == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    rd->why[0] = '\0';
    return 0;
}

/* Tells the caller of align_binary_open_progress() that the units up to
 * byte done of .debug_info are read.  The section's size is asked once its
 * first unit is loaded, when libdwarf has decompressed it. */
static void report_progress(dwarf_reader *rd, Dwarf_Off done, bool last)
{
    align_binary *b = rd->bin;
    if (b->progress == NULL)
        return;
    if (rd->info_size == 0) {
        Dwarf_Unsigned z[19] = {0};
        dwarf_get_section_max_offsets_d(rd->dbg, &rd->info_size, &z[0], &z[1], &z[2], &z[3], &z[4],
                                        &z[5], &z[6], &z[7], &z[8], &z[9], &z[10], &z[11], &z[12],
                                        &z[13], &z[14], &z[15], &z[16], &z[17], &z[18]);
    }
    if (last)
        done = rd->info_size;
    else if (!progress_due(&rd->clock, done))
        return;
    b->progress(b->progress_user, done, rd->info_size > done ? rd->info_size : done);
}

/* Whether the unit's DW_AT_name (the source path as given to the
 * compiler) matches one of align_binary_opts.cu_exclude: its DIEs are then
 * never walked, so its types are those of the other units only. */
static bool unit_excluded(dwarf_reader *rd, Dwarf_Die cu_die)
{
    const align_binary *b = rd->bin;
    char *name = NULL;
    Dwarf_Error err = NULL;
    bool out = false;
    if (b->ncu_exclude == 0)
        return false;
    if (dwarf_diename(cu_die, &name, &err) != DW_DLV_OK) {
        if (err != NULL)
            dwarf_dealloc(rd->dbg, err, DW_DLA_ERROR);
        return false;
    }
    for (size_t i = 0; i < b->ncu_exclude && !out; i++)
        out = fnmatch(b->cu_exclude[i], name, 0) == 0;
    return out;
}

static int read_units(dwarf_reader *rd)
{
    Dwarf_Off start = 0;
    int rc;

    for (;;) {
        Dwarf_Unsigned hlen, typeoff, next_off;
        Dwarf_Half ver, asz, lsz, esz, ut;
        Dwarf_Off abbrev;
        Dwarf_Sig8 sig;
        Dwarf_Error err = NULL;
        Dwarf_Die cu_die = NULL;
        int res = dwarf_next_cu_header_d(rd->dbg, true, &hlen, &ver, &abbrev, &asz, &lsz, &esz,
                                         &sig, &typeoff, &next_off, &ut, &err);
        if (res == DW_DLV_NO_ENTRY) {
            report_progress(rd, start, true);
            return 0;
        }
        rd->bin->info.ncus++;
        if (res != DW_DLV_OK) {
            /* libdwarf cannot step past it: stop here.  The unit that
             * failed starts where the last one ended. */
            rd->cu_start = start;
            reader_dwarf_error(rd, err, "reading a unit header (later units not read)");
            return skip_unit(rd);
        }
        rd->cu_start = start;
        rd->cu_end = next_off;
        rd->addr_size = asz;
        start = next_off;
        res = dwarf_siblingof_b(rd->dbg, NULL, true, &cu_die, &err);
        if (res != DW_DLV_OK) {
            if (res == DW_DLV_ERROR)
                reader_dwarf_error(rd, err, "reading a unit's DIE");
            else
                reader_broken(rd, NULL, "a unit without a DIE");
            rc = ALIGN_EFORMAT;
        } else if (unit_excluded(rd, cu_die)) {
            rd->bin->info.nexcluded_cus++;
            dwarf_dealloc(rd->dbg, cu_die, DW_DLA_DIE);
            rc = 0;
        } else {
            rc = read_unit(rd, cu_die, ver);
            dwarf_dealloc(rd->dbg, cu_die, DW_DLA_DIE);
        }
        if (rc == ALIGN_EFORMAT)
            rc = skip_unit(rd);
        if (rc < 0)
            return rc;
        report_progress(rd, next_off, false);
    }
}

/* ------------------------------------------------------------ end passes */

/* Fills the record shells the walk never reached. */
static int fill_pending(dwarf_reader *rd)
{
    for (size_t i = 0; i < rd->npend; i++) {
        pending p = rd->pend[i];
        die_slot *slot = map_find(&rd->map, p.off);
        Dwarf_Error err = NULL;
        Dwarf_Die die = NULL;
        die_info d;
        int rc;
        if (slot == NULL || slot->state != SLOT_SHELL)
            continue;
        rd->g = rd->bin->graphs[p.lang];
        rd->lang = p.lang;
        if (dwarf_offdie_b(rd->dbg, p.off, true, &die, &err) != DW_DLV_OK) {
            rc = reader_dwarf_error(rd, err, "following a record reference");
        } else {
            rc = reader_die_info(rd, die, &d);
            if (rc == 0)
                rc = fill_record(rd, slot->type, die, &d, 0, 0);
            dwarf_dealloc(rd->dbg, die, DW_DLA_DIE);
        }
        if (rc == ALIGN_ENOMEM)
            return rc;
        rd->why[0] = '\0'; /* the record stays incomplete */
    }
    return 0;
}

static void apply_fixups(dwarf_reader *rd)
{
    for (size_t i = 0; i < rd->nfix; i++) {
        die_slot *slot = map_find(&rd->map, rd->fix[i].target);
        if (slot != NULL && slot->type != NULL && slot->type != rd->fix[i].named)
            align_type_set_target(rd->fix[i].named, slot->type);
    }
}

/* C: `typedef struct {...} name;` shows the record as "name". */
static void name_anonymous(dwarf_reader *rd)
{
    for (size_t i = 0; i < rd->ntdn; i++) {
        die_slot *slot = map_find(&rd->map, rd->tdn[i].target);
        align_type *t = slot ? slot->type : NULL;
        if (t == NULL || slot->lang != ALIGN_LANG_C ||
            (t->kind != ALIGN_KIND_STRUCT && t->kind != ALIGN_KIND_UNION))
            continue;
        if (t->name != NULL) {
            if (t->typedef_name == NULL && strcmp(t->name, rd->tdn[i].name) != 0)
                align_type_set_typedef_name(rd->bin->graphs[ALIGN_LANG_C], t, rd->tdn[i].name);
            continue;
        }
        if (strcmp(t->display, "struct {...}") == 0 || strcmp(t->display, "union {...}") == 0)
            align_type_set_display(rd->bin->graphs[ALIGN_LANG_C], t, rd->tdn[i].name);
    }
}

static uint64_t record_hash(const align_type *r)
{
    uint64_t h = hash_fnv_bytes(HASH_FNV_SEED, r->display, strlen(r->display));
    h = hash_fnv_bytes(h, &r->given_size, sizeof r->given_size);
    h = hash_fnv_bytes(h, &r->nfields, sizeof r->nfields);
    for (uint32_t i = 0; i < r->nfields; i++) {
        const align_field *f = &r->fields[i];
        h = hash_fnv_bytes(h, f->name, strlen(f->name) + 1);
        h = hash_fnv_bytes(h, &f->given_bit_offset, sizeof f->given_bit_offset);
        h = hash_fnv_bytes(h, &f->bit_size, sizeof f->bit_size);
        h = hash_fnv_bytes(h, f->type->display, strlen(f->type->display) + 1);
    }
    return h;
}

static bool same_record(const align_type *a, const align_type *b)
{
    if (a->kind != b->kind || a->given_size != b->given_size || a->nfields != b->nfields ||
        strcmp(a->display, b->display) != 0)
        return false;
    for (uint32_t i = 0; i < a->nfields; i++) {
        const align_field *x = &a->fields[i], *y = &b->fields[i];
        if (x->given_bit_offset != y->given_bit_offset || x->bit_size != y->bit_size ||
            x->is_bitfield != y->is_bitfield || strcmp(x->name, y->name) != 0 ||
            strcmp(x->type->display, y->type->display) != 0)
            return false;
    }
    return true;
}

/* A set of records by structure (same_record), as a util/table over the
 * walk's own array of records (entries are indexes into recs). */
typedef struct record_key {
    align_type *const *recs;
    const align_type *r;
} record_key;

static bool record_is(const void *ctx, uint32_t entry)
{
    const record_key *k = ctx;
    return k->recs[entry] == k->r || same_record(k->recs[entry], k->r);
}

/* The index in recs of the record in set that r is the same as, or
 * TABLE_NONE. */
static uint32_t record_find(const table *set, align_type *const *recs, const align_type *r)
{
    record_key k = {recs, r};
    return table_find(set, record_hash(r), record_is, &k);
}

/* Adds each distinct completed record to its graph's declarations, in walk
 * order.  C headers repeat their types in every unit. */
static int add_decls(dwarf_reader *rd, align_lang lang)
{
    align_graph *g = rd->bin->graphs[lang];
    align_type *const *recs = rd->recs[lang];
    table set = {0};
    int rc = 0;

    if (g == NULL)
        return 0;
    for (size_t i = 0; i < rd->nrecs[lang] && rc == 0; i++) {
        if (record_find(&set, recs, recs[i]) != TABLE_NONE)
            continue;
        rc = table_add(&set, record_hash(recs[i]), (uint32_t)i);
        if (rc == 0)
            rc = align_graph_add_decl(g, recs[i]);
    }
    table_free(&set);
    return rc;
}

/* C: a record found packed from where one unit places it
 * (align_infer_record_attrs) is the same type in every unit, though the
 * others may never show it: their copies take the same attributes. */
static int share_inferred(dwarf_reader *rd)
{
    align_graph *g = rd->bin->graphs[ALIGN_LANG_C];
    size_t n = rd->nrecs[ALIGN_LANG_C];
    align_type *const *recs = rd->recs[ALIGN_LANG_C];
    table donors = {0};
    uint32_t e;
    int rc;

    if (g == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (recs[i]->align_note == NULL || record_find(&donors, recs, recs[i]) != TABLE_NONE)
            continue;
        rc = table_add(&donors, record_hash(recs[i]), (uint32_t)i);
        if (rc < 0) {
            table_free(&donors);
            return rc;
        }
    }
    if (donors.n == 0)
        return 0; /* nothing inferred: the memo stands */
    for (size_t i = 0; i < n; i++) {
        align_type *r = recs[i];
        if (r->align_note != NULL || r->packed || r->aligned != 0)
            continue;
        e = record_find(&donors, recs, r);
        if (e != TABLE_NONE) {
            r->packed = recs[e]->packed;
            r->aligned = recs[e]->aligned;
            r->align_note = recs[e]->align_note;
        }
    }
    table_free(&donors);
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
    return 0;
}

/* Bits a <stdint.h>/POSIX typedef name fixes whatever the target
 * (int64_t, __uint32_t, int_least16_t, off64_t, __u64 ...), or 0 when the
 * name does not (size_t, off_t, int_fast32_t follow the target). */
static unsigned fixed_width_bits(const char *n, bool *is_unsigned)
{
    static const char *const w64[] = {
        "off64_t",      "__off64_t",      "ino64_t",      "__ino64_t",
        "blkcnt64_t",   "__blkcnt64_t",   "fsblkcnt64_t", "__fsblkcnt64_t",
        "fsfilcnt64_t", "__fsfilcnt64_t", "rlim64_t",     "__rlim64_t",
        "__quad_t",     "__u_quad_t",     "__loff_t",     "loff_t"};
    unsigned bits = 0;
    char tail[8];
    *is_unsigned = false;
    for (size_t i = 0; i < sizeof w64 / sizeof w64[0]; i++)
        if (strcmp(n, w64[i]) == 0) {
            *is_unsigned = strcmp(n, "__u_quad_t") == 0;
            return 64;
        }
    while (*n == '_')
        n++;
    if (n[0] == 'u' && (n[1] == 'i' || (n[1] >= '0' && n[1] <= '9'))) {
        *is_unsigned = true;
        n++;
    } else if (n[0] == 's' && n[1] >= '0' && n[1] <= '9') {
        n++; /* __s64 */
    }
    if (strncmp(n, "int", 3) == 0) {
        n += 3;
        if (strncmp(n, "_least", 6) == 0)
            n += 6;
    } else if (!(n[0] >= '0' && n[0] <= '9')) {
        return 0;
    }
    if (sscanf(n, "%u%7s", &bits, tail) < 1)
        return 0;
    if (n[0] == '0' || (bits != 8 && bits != 16 && bits != 32 && bits != 64))
        return 0;
    n += bits >= 10 ? 2 : 1;
    return (strcmp(n, "_t") == 0 || n[0] == '\0') ? bits : 0;
}

/* C: typedefs whose width their name fixes point at a primitive of that
 * width on every target (int64_t over `long` on amd64 becomes `long long`),
 * so that `--as-arch 386` keeps them 8 bytes, as i686's headers do.  Only
 * when the typedef really is that wide here. */
static int pin_fixed_width(dwarf_reader *rd)
{
    static const align_prim sprim[] = {ALIGN_C_SCHAR, ALIGN_C_SHORT, ALIGN_C_INT, ALIGN_C_LLONG};
    static const align_prim uprim[] = {ALIGN_C_UCHAR, ALIGN_C_USHORT, ALIGN_C_UINT, ALIGN_C_ULLONG};
    align_graph *g = rd->bin->graphs[ALIGN_LANG_C];
    if (g == NULL)
        return 0;
    for (size_t i = 0; i < g->ntypes; i++) {
        align_type *t = g->types[i];
        const align_type *r;
        bool uns;
        unsigned bits, k;
        uint64_t size;
        uint32_t align;
        if (t->kind != ALIGN_KIND_NAMED || t->name == NULL || t->aligned != 0 || t->atomic)
            continue;
        if (align_c_pointer_wide_name(t->name)) {
            /* size_t is unsigned int on 386, unsigned long on amd64: long
             * on every Linux target, so `long` follows the target. */
            r = align_type_resolve(t);
            if (r != NULL && r->kind == ALIGN_KIND_PRIM &&
                (r->prim == ALIGN_C_INT || r->prim == ALIGN_C_UINT) &&
                align_type_size(g, r, &size, &align, NULL) == 0 &&
                size == align_graph_abi(g)->pointer_size) {
                align_type *p =
                    align_type_prim(g, r->prim == ALIGN_C_INT ? ALIGN_C_LONG : ALIGN_C_ULONG);
                if (p == NULL)
                    return ALIGN_ENOMEM;
                t->target = p;
            }
            align_error_clear();
            continue;
        }
        bits = fixed_width_bits(t->name, &uns);
        r = bits ? align_type_resolve(t) : NULL;
        if (r == NULL || r->kind != ALIGN_KIND_PRIM || r->prim < ALIGN_C_CHAR ||
            r->prim > ALIGN_C_ULLONG || r->prim == ALIGN_C_BOOL)
            continue;
        if (align_type_size(g, r, &size, &align, NULL) < 0) {
            align_error_clear();
            continue;
        }
        if (size * 8 != bits)
            continue;
        k = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
        if (r->prim == (uns ? uprim[k] : sprim[k]))
            continue;
        /* the primitive GCC's target headers use: keep the signedness the
         * DWARF says, not the name's (uint8_t is unsigned char) */
        bool rs = r->prim == ALIGN_C_UCHAR || r->prim == ALIGN_C_USHORT ||
                  r->prim == ALIGN_C_UINT || r->prim == ALIGN_C_ULONG || r->prim == ALIGN_C_ULLONG;
        align_type *p = align_type_prim(g, rs ? uprim[k] : sprim[k]);
        if (p == NULL)
            return ALIGN_ENOMEM;
        if (r->prim == ALIGN_C_CHAR)
            continue; /* plain char: 1 byte everywhere */
        t->target = p;
    }
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
    return 0;
}

static void free_reader(dwarf_reader *rd)
{
    release_files(rd);
    map_free(&rd->map);
    FREE_ALL(rd->pend, rd->fix, rd->links, rd->tdn, rd->gvar, rd->gv, rd->recs[0], rd->recs[1],
             rd->copies, rd->unit_copies, rd->specs);
    table_free(&rd->copies_index);
    if (rd->goscan != rd->scan)
        scan_close(rd->goscan);
    scan_close(rd->scan);
    lines_close(rd->lines);
    elf_file_close(rd->elf);
}

/* ------------------------------------------------------------ public API */

/* Reads one file's units into the graphs.  DIE offsets are per file: the
 * offset map and the work lists that hold them are emptied after it.
 * debug_file: f is a separate debug file (read by libdwarf's ELF reader). */
static int load_file(dwarf_reader *rd, const input_file *f, bool debug_file)
{
    Dwarf_Error err = NULL;
    bool own = !debug_file && !(rd->bin->flags & ALIGN_BINARY_LIBDWARF_ONLY);
    int res, rc;

    rd->dbg = NULL;
    rd->info_size = 0; /* progress: this file's .debug_info */
    progress_start(&rd->clock);
    /* An archive member (fd) is a relocatable object: never read raw.
     * ALIGN_BINARY_LIBDWARF_ONLY: libdwarf reads the file itself too. */
    rd->elf = f->fd >= 0 ? NULL : elf_file_open(f->path);
    res = dwarf_open_input(f, own ? rd->elf : NULL, &rd->dbg, &err);
    if (res != DW_DLV_OK) {
        elf_file_close(rd->elf);
        rd->elf = NULL;
    }
    if (res == DW_DLV_NO_ENTRY) {
        error_set(ALIGN_EFORMAT, f->shown, 0, 0, "no DWARF debug information");
        error_hint("rebuild with debug information (gcc -g; go build without -ldflags=-w)");
        return ALIGN_EFORMAT;
    }
    if (res != DW_DLV_OK) {
        error_set(ALIGN_EFORMAT, f->shown, 0, 0, "unreadable DWARF: %s",
                  err ? dwarf_errmsg(err) : "libdwarf error");
        if (err != NULL)
            dwarf_dealloc(NULL, err, DW_DLA_ERROR);
        return ALIGN_EFORMAT;
    }
    rd->scan = rd->elf != NULL ? scan_open(rd->elf) : NULL;
    rc = read_units(rd);
    if (rc == 0)
        rc = fill_pending(rd);
    if (rc == 0) {
        apply_fixups(rd);
        name_anonymous(rd);
        rc = resolve_go_vars(rd);
    }
    rd->ngvar = 0;
    release_files(rd);
    release_lines(rd);
    map_free(&rd->map);
    rd->npend = rd->nfix = rd->ntdn = rd->nlinks = 0;
    if (rd->goscan != rd->scan)
        scan_close(rd->goscan);
    rd->goscan = NULL;
    rd->goscan_state = 0;
    rd->goscan_unit = 0;
    scan_close(rd->scan);
    rd->scan = NULL;
    lines_close(rd->lines);
    rd->lines = NULL;
    rd->lines_state = 0;
    dwarf_finish(rd->dbg, &err);
    rd->dbg = NULL;
    elf_file_close(rd->elf); /* after libdwarf: it may read the copies */
    rd->elf = NULL;
    return rc;
}

static int load(align_binary *b, const input_set *in)
{
    dwarf_reader rd;
    const char *path = in->n == 1 ? in->files[0].shown : b->path;
    int rc = 0;

    memset(&rd, 0, sizeof rd);
    rd.bin = b;
    for (size_t i = 0; i < in->n && rc == 0; i++)
        rc = load_file(&rd, &in->files[i],
                       in->debug_file != NULL && strcmp(in->files[i].path, in->debug_file) == 0);
    if (rc == 0)
        rc = add_decls(&rd, ALIGN_LANG_GO);
    if (rc == 0)
        rc = add_decls(&rd, ALIGN_LANG_C);
    if (rc == 0 && b->funcs != NULL)
        rc = gofuncs_finish(b->funcs);
    if (rc == 0 && b->graphs[ALIGN_LANG_GO] != NULL)
        rc = go_fix_linker_members(b->graphs[ALIGN_LANG_GO], rd.recs[ALIGN_LANG_GO],
                                   rd.nrecs[ALIGN_LANG_GO]);
    if (rc == 0 && b->graphs[ALIGN_LANG_C] != NULL)
        rc = align_infer_record_attrs(b->graphs[ALIGN_LANG_C], rd.recs[ALIGN_LANG_C],
                                      rd.nrecs[ALIGN_LANG_C], 0, &b->info.ninferred);
    if (rc == 0)
        rc = share_inferred(&rd);
    if (rc == 0)
        rc = pin_fixed_width(&rd);
    /* anonymous records named after their enclosing type and field */
    for (int l = 0; l < 2 && rc == 0; l++)
        if (b->graphs[l] != NULL)
            rc = align_graph_label_anonymous(b->graphs[l]);
    if (rc == 0)
        rc = label_go_vars(&rd);
    /* then what only a function's variables name (ALIGN_BINARY_GO_FUNCS) */
    if (rc == 0 && b->funcs != NULL)
        rc = go_label_locals(b->funcs, b->graphs[ALIGN_LANG_GO]);
    free_reader(&rd);
    if (rc < 0)
        return rc;
    for (int l = 0; l < 2; l++)
        if (b->graphs[l] != NULL)
            b->info.ntypes += align_graph_ndecls(b->graphs[l]);
    if (b->info.ncus == 0)
        return error_set(ALIGN_EFORMAT, path, 0, 0, "no compile units in .debug_info");
    if (b->info.nexcluded_cus > 0 && b->info.nexcluded_cus == b->info.ncus) {
        error_set(ALIGN_EFORMAT, path, 0, 0, "every compile unit (%zu) is excluded", b->info.ncus);
        error_hint("exclude fewer units: the patterns match the units' source names as "
                   "DW_AT_name gives them");
        return ALIGN_EFORMAT;
    }
    if (b->info.nskipped_cus == b->info.ncus) {
        error_set(ALIGN_EFORMAT, path, 0, 0, "corrupt DWARF: no compile unit is readable (%s)",
                  b->skip_reason ? b->skip_reason : "?");
        return ALIGN_EFORMAT;
    }
    if (!b->info.has_go && !b->info.has_c) {
        error_set(ALIGN_EFORMAT, path, 0, 0, "no Go or C compile unit (%zu in other languages)",
                  b->info.nforeign_cus);
        error_hint("structalign models Go (gc) and C (GCC) layouts; C++ is not supported");
        return ALIGN_EFORMAT;
    }
    return 0;
}

int align_binary_open(align_binary **out, const char *path)
{
    return align_binary_open_ex(out, path, 0);
}

int align_binary_open_ex(align_binary **out, const char *path, unsigned flags)
{
    align_binary_opts o = {flags, NULL, 0, NULL, NULL, NULL, 0};
    return align_binary_open_opts(out, path, &o);
}

int align_binary_open_progress(align_binary **out, const char *path, unsigned flags,
                               align_progress_fn fn, void *user)
{
    align_binary_opts o = {flags, NULL, 0, fn, user, NULL, 0};
    return align_binary_open_opts(out, path, &o);
}

int align_binary_open_opts(align_binary **out, const char *path, const align_binary_opts *opts)
{
    align_binary *b;
    input_set in;
    unsigned flags;
    int rc;

    assert(out != NULL && path != NULL && opts != NULL);
    *out = NULL;
    memset(&in, 0, sizeof in);
    flags = opts->flags;
    if (flags & ~(unsigned)(ALIGN_BINARY_GO_FUNCS | ALIGN_BINARY_LIBDWARF_ONLY))
        return error_set(ALIGN_EINVAL, NULL, 0, 0, "unknown flags 0x%x", flags);
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    b->flags = flags;
    b->progress = opts->progress;
    b->progress_user = opts->progress_user;
    b->cu_exclude = opts->cu_exclude;
    b->ncu_exclude = opts->ncu_exclude;
    b->path = strdup(path);
    if (b->path == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    rc = input_resolve(&in, path, opts->debug_dirs, opts->ndebug_dirs, &b->go);
    if (rc < 0)
        goto fail;
    b->info.arch = in.arch;
    rc = load(b, &in);
    b->progress = NULL;
    b->cu_exclude = NULL;
    b->ncu_exclude = 0;
    if (rc < 0)
        goto fail;
    b->debug_file = in.debug_file;
    b->skipped_member = in.skipped_member;
    in.debug_file = in.skipped_member = NULL;
    b->info.debug_file = b->debug_file;
    b->info.nmembers = in.nmembers;
    b->info.nskipped_members = in.nskipped_members;
    b->info.skipped_member = b->skipped_member;
    input_set_free(&in);
    b->info.path = b->path;
    b->info.producer = b->producer ? b->producer : "";
    b->info.go_producer = b->go_producer;
    b->info.skip_reason = b->skip_reason;
    b->info.skipped_type_reason = b->skipped_type_reason;
    b->info.go_version = b->go.go_version;
    b->info.go_main_path = b->go.main_path;
    b->info.go_main_module = b->go.main_module;
    b->info.build_id = b->go.build_id;
    *out = b;
    return 0;
fail:
    input_set_free(&in);
    align_binary_free(b);
    return rc;
}

void align_binary_free(align_binary *b)
{
    if (b == NULL)
        return;
    gofuncs_free(b->funcs);
    align_graph_free(b->graphs[0]);
    align_graph_free(b->graphs[1]);
    FREE_ALL(b->path, b->producer, b->go_producer, b->skip_reason, b->skipped_type_reason,
             b->debug_file, b->skipped_member, b->go.go_version, b->go.main_path, b->go.main_module,
             b->go.build_id, b);
}

const align_binary_info *align_binary_info_get(const align_binary *b)
{
    assert(b != NULL);
    return &b->info;
}

const go_funcs *binary_go_funcs(const align_binary *b)
{
    assert(b != NULL);
    return b->funcs;
}

align_graph *binary_go_graph(align_binary *b)
{
    assert(b != NULL);
    return b->graphs[ALIGN_LANG_GO];
}

align_graph *align_binary_graph(align_binary *b, align_lang lang)
{
    assert(b != NULL);
    if ((unsigned)lang > ALIGN_LANG_C || b->graphs[lang] == NULL ||
        align_graph_ndecls(b->graphs[lang]) == 0)
        return NULL;
    return b->graphs[lang];
}
