/*
 * dwarf_lines.c - a unit's line program decoded from the raw .debug_line
 * section, row by row, without libdwarf's line records.
 *
 * Who calls it: the DWARF reader, for Go units (dwarf.c: reader_line_rows),
 * when the Go functions are read: their line spans (dwarf_funcs.c:
 * gf_unit_lines) come from every row of every unit's line table.
 *
 * Why: libdwarf's dwarf_srclines_b allocates a record per row, plus a chain
 * link, and tracks each allocation in a search tree until the table is
 * freed.  On cmd/compile the runtime unit's table alone (1.1 MB of line
 * program) cost 57 MB of peak memory, and the line tables were read twice
 * (once to check the directory table, once for the spans): 45% of the
 * CPU time of opening the binary.  Here a row is a few registers on the
 * stack, handed to the caller and forgotten.
 *
 * It never decides anything alone (as dwarf_scan.c): it decodes only what
 * DWARF 2-4 defines and producers write (Go's and GCC's programs), and
 * DWARF 5 tables laid out as Go's (inline path strings, directory
 * indexes), and for anything else -- other DWARF 5 entry formats (GCC's
 * .debug_line_str paths), a compressed section that is not zlib, a
 * relocatable object, DW_LNE_define_file, an opcode it does not know, a
 * non-standard opcode length table, maximum_operations_per_instruction
 * other than 1, an address of another size than the unit's, a negative
 * line, a read past the unit's end, a program that does not end with
 * DW_LNE_end_sequence -- it answers "unknown" and the reader asks libdwarf
 * as before, whose answer (rows or error) is then the one used.  A program
 * is checked to the end before its first row is handed out, so a table
 * that turns out unknown halfway has handed out nothing.
 *
 * Rejected: dwarf_set_de_alloc_flag(0) (libdwarf without its allocation
 * tracking): process-global, and it makes every dwarf_dealloc the
 * caller's duty.  Keeping libdwarf's rows but freeing each table at once:
 * the peak is the largest table, which is the problem.
 */
#include "source/dwarf_read.h"
#include "source/dwarf_cursor.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Line numbers (and advances) past this are left to libdwarf: far past
 * any real file, and the arithmetic below cannot overflow. */
#define LINE_LIMIT ((int64_t)1 << 40)

struct line_section {
    const uint8_t *p; /* .debug_line's bytes: the file's or its inflated
                         copy (dwarf_sections.c owns both) */
    uint64_t len;
};

line_section *lines_open(elf_file *f)
{
    line_section *ls;
    const uint8_t *base;
    size_t size;
    elf_section sec;

    base = elf_file_map(f, &size);
    if (elf_find_section(base, size, ".debug_line", &sec) <= 0 || sec.size == 0)
        return NULL;
    ls = calloc(1, sizeof *ls);
    if (ls == NULL)
        return NULL;
    ls->p = base + sec.offset;
    ls->len = sec.size;
    if (sec.compressed)
        ls->p = elf_file_inflated(f, &sec, &ls->len);
    if (ls->p == NULL) {
        free(ls);
        return NULL;
    }
    return ls;
}

void lines_close(line_section *ls)
{
    free(ls);
}

/* ----------------------------------------------------------- decoding */

/* A NUL-terminated string: false when it runs past the end. */
static bool lstr(cursor *c)
{
    const uint8_t *z = NULL;
    if (!c->bad && c->p < c->end)
        z = memchr(c->p, 0, (size_t)(c->end - c->p));
    if (z == NULL) {
        c->bad = true;
        return false;
    }
    c->p = z + 1;
    return true;
}

/* The operand counts of the standard opcodes 1..12 (DWARF 2-4). */
static const uint8_t std_lengths[12] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};

typedef struct lheader {
    unsigned version, min_inst, opcode_base, line_range;
    int line_base;
    bool default_stmt;
    uint64_t ndirs;         /* entries of the directory table */
    const uint8_t *dirs;    /* the directory table's first entry */
    const uint8_t *files;   /* the file table's first entry */
    const uint8_t *lengths; /* opcode_base - 1 operand counts */
    const uint8_t *prog, *end;
} lheader;

/* A DWARF 5 directory or file-name table, as Go (1.25 on) writes them:
 * the entry formats must be exactly want[0..nwant) (content type, form),
 * every string inline (DW_FORM_string: no .debug_line_str to check), and
 * each file's directory index below ndirs.  *count: its entries.  False
 * for anything else: libdwarf's. */
static bool v5_table(cursor *c, const uint64_t (*want)[2], unsigned nwant, uint64_t ndirs,
                     uint64_t *count)
{
    unsigned nfmt = (unsigned)get_u(c, 1);
    if (c->bad || nfmt != nwant)
        return false;
    for (unsigned i = 0; i < nfmt; i++)
        if (get_uleb(c) != want[i][0] || get_uleb(c) != want[i][1])
            return false;
    *count = get_uleb(c);
    if (c->bad || *count > (uint64_t)(c->end - c->p))
        return false;
    for (uint64_t e = 0; e < *count && !c->bad; e++)
        for (unsigned i = 0; i < nfmt; i++)
            if (want[i][1] == DW_FORM_string)
                lstr(c);
            else if (get_uleb(c) >= ndirs) /* DW_LNCT_directory_index */
                return false;
    return !c->bad;
}

/* The header of the table at off: false when it is not one this reader
 * decodes exactly as DWARF 2-5 say. */
static bool read_header(const line_section *ls, uint64_t off, unsigned addr_size, lheader *h)
{
    static const uint64_t dir_fmt[1][2] = {{DW_LNCT_path, DW_FORM_string}};
    static const uint64_t file_fmt[2][2] = {{DW_LNCT_path, DW_FORM_string},
                                            {DW_LNCT_directory_index, DW_FORM_udata}};
    uint64_t nfiles;
    cursor c = {NULL, NULL, false};
    uint64_t len, hlen;
    unsigned offset_size = 4;
    const uint8_t *hstart;
    if (off >= ls->len)
        return false;
    c.p = ls->p + off;
    c.end = ls->p + ls->len;
    len = get_u(&c, 4);
    if (len >= 0xfffffff0u) {
        if (len != 0xffffffffu)
            return false;
        len = get_u(&c, 8);
        offset_size = 8;
    }
    if (c.bad || len > (uint64_t)(c.end - c.p))
        return false;
    c.end = c.p + len;
    h->end = c.end;
    h->version = (unsigned)get_u(&c, 2);
    if (c.bad || h->version < 2 || h->version > 5)
        return false;
    if (h->version == 5 && (get_u(&c, 1) != addr_size || get_u(&c, 1) != 0))
        return false; /* address_size, segment_selector_size */
    hlen = get_u(&c, offset_size);
    if (c.bad || hlen > (uint64_t)(c.end - c.p))
        return false;
    hstart = c.p;
    h->min_inst = (unsigned)get_u(&c, 1);
    if (h->version >= 4 && get_u(&c, 1) != 1)
        return false; /* maximum_operations_per_instruction: VLIW */
    h->default_stmt = get_u(&c, 1) != 0;
    h->line_base = (int)(int8_t)get_u(&c, 1);
    h->line_range = (unsigned)get_u(&c, 1);
    h->opcode_base = (unsigned)get_u(&c, 1);
    if (c.bad || h->line_range == 0 || h->opcode_base < 10 ||
        (size_t)(c.end - c.p) < h->opcode_base - 1)
        return false;
    h->lengths = c.p;
    for (unsigned i = 0; i + 1 < h->opcode_base && i < sizeof std_lengths; i++)
        if (h->lengths[i] != std_lengths[i])
            return false; /* libdwarf has its ways with odd tables: let it */
    c.p += h->opcode_base - 1;
    h->ndirs = 0;
    if (h->version == 5) {
        /* the entries after the format (1 + 2 bytes) and count (uleb) */
        if (!v5_table(&c, dir_fmt, 1, 0, &h->ndirs))
            return false;
        h->files = c.p;
        if (!v5_table(&c, file_fmt, 2, h->ndirs, &nfiles))
            return false;
    } else {
        h->dirs = c.p;
        while (!c.bad && c.p < c.end && *c.p != 0) { /* include_directories */
            lstr(&c);
            h->ndirs++;
        }
        get_u(&c, 1);
        h->files = c.p;
        while (!c.bad && c.p < c.end && *c.p != 0) { /* file_names */
            lstr(&c);
            get_uleb(&c); /* directory index */
            get_uleb(&c); /* modification time */
            get_uleb(&c); /* length */
        }
        get_u(&c, 1);
    }
    /* the program starts where header_length says, and nothing is left
     * between the tables and it */
    if (c.bad || c.p != hstart + hlen)
        return false;
    h->prog = c.p;
    return true;
}

/* Runs the program of h; with fn NULL only checks it.  false: unknown. */
static bool run(const lheader *h, unsigned addr_size, line_row_fn fn, void *ctx)
{
    cursor c = {h->prog, h->end, false};
    line_row r;
    bool in_seq = false;

#define RESET()                                                                                    \
    do {                                                                                           \
        r.addr = 0;                                                                                \
        r.file = h->version >= 5 ? 0 : 1; /* libdwarf's DWARF 5 file base */                       \
        r.line = 1;                                                                                \
        r.end = false;                                                                             \
    } while (0)
    RESET();
    while (c.p < c.end) {
        unsigned op = (unsigned)get_u(&c, 1);
        in_seq = true;
        if (op >= h->opcode_base) { /* special */
            unsigned adj = op - h->opcode_base;
            int64_t line = (int64_t)r.line + h->line_base + (int64_t)(adj % h->line_range);
            if (line < 0 || line > LINE_LIMIT)
                return false; /* libdwarf's call (negative: an error in some releases) */
            r.line = (uint64_t)line;
            r.addr += (uint64_t)h->min_inst * (adj / h->line_range);
            if (fn != NULL)
                fn(ctx, &r);
            continue;
        }
        switch (op) {
        case 0: { /* extended */
            uint64_t n = get_uleb(&c);
            const uint8_t *next;
            unsigned sub;
            if (c.bad || n == 0 || n > (uint64_t)(c.end - c.p))
                return false;
            next = c.p + n;
            sub = (unsigned)get_u(&c, 1);
            if (sub == DW_LNE_end_sequence) {
                r.end = true;
                if (fn != NULL)
                    fn(ctx, &r);
                RESET();
                in_seq = false;
            } else if (sub == DW_LNE_set_address) {
                if (n - 1 != addr_size)
                    return false;
                r.addr = get_u(&c, addr_size);
            } else if (sub == DW_LNE_set_discriminator) {
                get_uleb(&c);
            } else {
                return false; /* define_file, vendor opcodes */
            }
            if (c.bad || c.p != next)
                return false;
            break;
        }
        case DW_LNS_copy:
            if (fn != NULL)
                fn(ctx, &r);
            break;
        case DW_LNS_advance_pc: r.addr += (uint64_t)h->min_inst * get_uleb(&c); break;
        case DW_LNS_advance_line: {
            int64_t adv = get_sleb(&c);
            if (adv > LINE_LIMIT || adv < -LINE_LIMIT || (int64_t)r.line + adv < 0)
                return false;
            r.line = (uint64_t)((int64_t)r.line + adv);
            break;
        }
        case DW_LNS_set_file:
            r.file = get_uleb(&c);
            if (r.file > INT32_MAX)
                return false;
            break;
        case DW_LNS_set_column:
            if (get_uleb(&c) > INT32_MAX)
                return false;
            break;
        case DW_LNS_negate_stmt:
        case DW_LNS_set_basic_block:
        case DW_LNS_set_prologue_end:
        case DW_LNS_set_epilogue_begin: break;
        case DW_LNS_const_add_pc:
            r.addr += (uint64_t)h->min_inst * ((255 - h->opcode_base) / h->line_range);
            break;
        case DW_LNS_fixed_advance_pc: r.addr += get_u(&c, 2); break;
        case DW_LNS_set_isa: get_uleb(&c); break;
        default: return false; /* a standard opcode past DWARF 4's */
        }
        if (c.bad || r.line > (uint64_t)LINE_LIMIT)
            return false;
    }
#undef RESET
    return !c.bad && !in_seq;
}

int lines_decode(const line_section *ls, uint64_t off, unsigned addr_size, unsigned *version,
                 uint64_t *ndirs)
{
    lheader h;
    if (ls == NULL || (addr_size != 4 && addr_size != 8) || !read_header(ls, off, addr_size, &h) ||
        !run(&h, addr_size, NULL, NULL))
        return 0;
    *version = h.version;
    *ndirs = h.ndirs;
    return 1;
}

/* The n-th NUL-terminated string from p on (all checked by read_header). */
static const char *nth_string(const uint8_t *p, uint64_t n)
{
    while (n-- > 0)
        p += strlen((const char *)p) + 1;
    return (const char *)p;
}

/* A DWARF 5 table as read_header checked it: the entries after its
 * format (a count byte, then uleb pairs) and its count. */
static const uint8_t *v5_entries(const uint8_t *p, const uint8_t *end, uint64_t *count)
{
    cursor c = {p, end, false};
    unsigned nfmt = (unsigned)get_u(&c, 1);
    for (unsigned i = 0; i < 2 * nfmt; i++)
        get_uleb(&c);
    *count = get_uleb(&c);
    return c.p;
}

int64_t lines_files(const line_section *ls, uint64_t off, unsigned addr_size, line_file_fn fn,
                    void *ctx)
{
    lheader h;
    const uint8_t *dirs;
    uint64_t n = 0, ndirs;
    if (!read_header(ls, off, addr_size, &h))
        return -1;
    cursor c = {h.files, h.prog, false};
    if (h.version == 5) {
        uint64_t count;
        dirs = v5_entries(h.lengths + h.opcode_base - 1, h.prog, &ndirs);
        c.p = v5_entries(h.files, h.prog, &count);
        for (; n < count; n++) {
            const char *name = (const char *)c.p;
            lstr(&c);
            fn(ctx, nth_string(dirs, get_uleb(&c)), name);
        }
        return (int64_t)n;
    }
    while (c.p < c.end && *c.p != 0) {
        const char *name = (const char *)c.p;
        uint64_t dir;
        lstr(&c);
        dir = get_uleb(&c);
        get_uleb(&c);
        get_uleb(&c);
        if (c.bad || dir > h.ndirs)
            return -1;
        fn(ctx, dir == 0 ? NULL : nth_string(h.dirs, dir - 1), name);
        n++;
    }
    return (int64_t)n;
}

void lines_rows(const line_section *ls, uint64_t off, unsigned addr_size, line_row_fn fn, void *ctx)
{
    lheader h;
    if (read_header(ls, off, addr_size, &h))
        run(&h, addr_size, fn, ctx);
}
