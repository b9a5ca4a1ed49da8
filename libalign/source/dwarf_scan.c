/*
 * dwarf_scan.c - fingerprints of C record DIEs, read from the raw sections,
 * so that the reader knows a unit's copy of a record it already has before
 * reading a member of it.
 *
 * The workload: a C program is one unit per source file, and every unit
 * repeats the records of the headers it includes.  nginx: ~140 units that all
 * include ngx_core.h; the generated corpus of bench/c_speed: 520 units, each
 * with the same 540 records, 3.8 million member DIEs in all, of which 7,000
 * are distinct.  Reading every copy through libdwarf (an allocation per DIE
 * and per attribute) cost 75% of an audit, and merely stepping through the
 * copies' member DIEs with libdwarf costs a third of pahole's whole run.
 *
 * What it computes: for the DIE at a .debug_info offset, a 64-bit hash of its
 * whole subtree as the C language sees it: tags, names (their text),
 * constants (sizes, member locations, bit sizes and offsets, declaration
 * lines and columns, alignments), the declaring file (its path, not the
 * unit's file number), and for each reference (DW_AT_type) the fingerprint
 * of the type it points to, recursively, so that `long value` and
 * `double value` on the same line of the same header differ.  Behind a
 * pointer a record counts by its own attributes only (name, size,
 * declaration), which ends the recursion of linked types.  Two copies with
 * the same fingerprint describe the same record with the same member types:
 * the reader maps the second copy's DIE to the first copy's node and never
 * reads it (dwarf.c: find_copy).  A record that differs in any member,
 * member type, position or attribute gets another fingerprint and is read
 * as before.
 *
 * It never decides anything alone: whenever it meets what it does not know
 * for certain (a compressed section, a relocatable object whose sections need
 * relocations, split DWARF string indexes, a form it does not decode, an
 * offset out of bounds, nesting deeper than SCAN_MAX_DEPTH), it answers "no
 * fingerprint", and the reader reads the DIE through libdwarf as before.  So
 * bad input costs speed, never a wrong layout: libdwarf keeps every error
 * message.  The end-of-load deduplication of dwarf.c (by name, size and
 * members) still runs over the records read.
 *
 * Rejected: a key of the record DIE's own attributes (name, size,
 * declaration line) without its members.  Configuration switches
 * (`#ifdef X double v; #else long v; #endif`) give copies with the same
 * name, line and size but other members; only the members tell them apart,
 * and they must stay distinct records.  Comparing the copies through
 * libdwarf costs the allocation per DIE this file exists to avoid.
 *
 * Sections are the file's mapped pages (the page cache's; only
 * .debug_info, .debug_abbrev and .debug_str are touched), or for the walk
 * of Go functions the inflated copies libdwarf reads too (dwarf_sections.c:
 * one copy each), and every read is bounds-checked.  Memory: one memo per unit (offset ->
 * fingerprint), the unit's abbreviations and its file-name hashes, reused by the next unit.
 */
#include "source/dwarf_read.h"
#include "source/dwarf_cursor.h"
#include "util/hash.h"
#include "util/table.h"
#include "util/vec.h"

#include <elf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_MAX_DEPTH 48
#define SCAN_MAX_ABBREV 65536 /* codes above: not scanned */

typedef struct span {
    const uint8_t *p;
    uint64_t len;
} span;

typedef struct abbrev_attr {
    uint16_t at, form;
    int64_t implicit; /* DW_FORM_implicit_const */
} abbrev_attr;

typedef struct abbrev {
    uint16_t tag;
    uint8_t children;
    uint32_t first, n; /* attrs[first .. first+n) */
} abbrev;

typedef struct memo_entry {
    uint64_t key; /* offset * 2 + shallow */
    uint64_t fp;  /* 0: no fingerprint */
} memo_entry;

struct dwarf_scan {
    /* the sections: the file's bytes or their inflated copies, both the
     * elf_file's (dwarf_sections.c) */
    span info, abbrev, str, line_str, line, addr;
    /* the unit */
    uint64_t cu_start, cu_end, die_start; /* die_start: first DIE */
    unsigned version, offset_size, addr_size;
    bool unit_ok;
    uint64_t addrs, naddrs; /* DWARF 5: the unit's .debug_addr entries
                               (offset, count); naddrs 0: none known */
    abbrev *abbrevs;        /* by code; tag 0: no such code */
    size_t nabbrevs, abbrevs_cap;
    abbrev_attr *attrs;
    size_t nattrs, attrs_cap;
    uint32_t *codes; /* the codes set in abbrevs, to clear them */
    size_t ncodes, codes_cap;
    uint64_t abbrev_off; /* where the table in abbrevs was read from */
    bool abbrev_ok;      /* ... and it was read whole and valid */
    uint64_t *file_hash; /* by file number; 0 unknown */
    size_t nfiles, files_cap;
    memo_entry *memo; /* the unit's fingerprints so far (util/vec) */
    size_t memo_len, memo_cap;
    table memo_index; /* key -> memo[] (util/table) */
};

/* ------------------------------------------------------------ the file */

static dwarf_scan *open_scan(elf_file *f, bool inflate)
{
    static const char *const names[] = {".debug_info",     ".debug_abbrev", ".debug_str",
                                        ".debug_line_str", ".debug_line",   ".debug_addr"};
    dwarf_scan *s = calloc(1, sizeof *s);
    const uint8_t *map;
    size_t map_len;

    if (s == NULL)
        return NULL;
    map = elf_file_map(f, &map_len);
    for (int k = 0; k < 6; k++) {
        span *out = k == 0   ? &s->info
                    : k == 1 ? &s->abbrev
                    : k == 2 ? &s->str
                    : k == 3 ? &s->line_str
                    : k == 4 ? &s->line
                             : &s->addr;
        elf_section sec;
        int r = elf_find_section(map, map_len, names[k], &sec);
        if (r < 0)
            goto no;
        if (r > 0 && sec.compressed) {
            /* zlib or zstd: libdwarf decompresses; the walk of Go
             * functions reads the copies the file keeps (.debug_line is
             * dwarf_lines.c's) */
            if (!inflate && k == 5)
                continue; /* only the walk of Go functions reads it */
            if (!inflate)
                goto no;
            if (k == 3 || k == 4)
                continue; /* not read: a string there is not known */
            out->p = elf_file_inflated(f, &sec, &out->len);
            if (out->p == NULL)
                goto no;
        } else if (r > 0) {
            out->p = map + sec.offset;
            out->len = sec.size;
        }
    }
    if (s->info.p == NULL || s->abbrev.p == NULL)
        goto no;
    return s;
no:
    scan_close(s);
    return NULL;
}

dwarf_scan *scan_open(elf_file *f)
{
    return open_scan(f, false);
}

dwarf_scan *scan_open_inflated(elf_file *f)
{
    return open_scan(f, true);
}

void scan_close(dwarf_scan *s)
{
    if (s == NULL)
        return;
    table_free(&s->memo_index);
    FREE_ALL(s->abbrevs, s->attrs, s->codes, s->file_hash, s->memo, s);
}

/* ----------------------------------------------------------- decoding */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

/* One attribute's value, decoded. */
typedef struct attr_val {
    enum { V_CONST, V_REF, V_STR, V_OTHER } kind; /* V_OTHER: skipped, no value */
    uint64_t v;      /* V_CONST: the value (blocks: a hash of the bytes);
                        V_REF: the global offset */
    const char *str; /* V_STR: the text, NUL-terminated in its section */
    size_t len;      /* V_STR: its length */
} attr_val;

/* Decodes the attribute of spec at c; false for a form the scanner does not
 * know or bytes out of bounds.  Addresses, section offsets, list and
 * string indexes are stepped over as V_OTHER: the walk passes them (unit
 * DIEs, functions), a fingerprint refuses them (a record holds none; the
 * scanner does not guess). */
static inline bool decode_attr(const dwarf_scan *s, cursor *c, const abbrev_attr *spec,
                               attr_val *out)
{
    unsigned form = spec->form;
    const uint8_t *block;
    out->kind = V_CONST;
    out->v = 0;
    if (form == DW_FORM_indirect)
        form = (unsigned)get_uleb(c);
    switch (form) {
    case DW_FORM_data1:
    case DW_FORM_flag: out->v = get_u(c, 1); break;
    case DW_FORM_data2: out->v = get_u(c, 2); break;
    case DW_FORM_data4: out->v = get_u(c, 4); break;
    case DW_FORM_data8:
    case DW_FORM_ref_sig8: out->v = get_u(c, 8); break;
    case DW_FORM_data16:
        block = c->p;
        skip(c, 16);
        out->v = c->bad ? 0 : hash_fnv_bytes(HASH_FNV_SEED, block, 16);
        break;
    case DW_FORM_udata: out->v = get_uleb(c); break;
    case DW_FORM_sdata: out->v = (uint64_t)get_sleb(c); break;
    case DW_FORM_implicit_const: out->v = (uint64_t)spec->implicit; break;
    case DW_FORM_flag_present: out->v = 1; break;
    case DW_FORM_ref1:
    case DW_FORM_ref2:
    case DW_FORM_ref4:
    case DW_FORM_ref8:
    case DW_FORM_ref_udata:
        out->v = form == DW_FORM_ref1   ? get_u(c, 1)
                 : form == DW_FORM_ref2 ? get_u(c, 2)
                 : form == DW_FORM_ref4 ? get_u(c, 4)
                 : form == DW_FORM_ref8 ? get_u(c, 8)
                                        : get_uleb(c);
        if (out->v >= s->cu_end - s->cu_start)
            return false; /* past the unit: libdwarf's DW_DLE_ATTR_FORM_OFFSET_BAD */
        out->v += s->cu_start;
        out->kind = V_REF;
        break;
    case DW_FORM_ref_addr:
        out->v = get_u(c, s->version <= 2 ? s->addr_size : s->offset_size);
        out->kind = V_REF;
        break;
    case DW_FORM_string: {
        const uint8_t *nul = c->bad ? NULL : memchr(c->p, 0, (size_t)(c->end - c->p));
        if (nul == NULL)
            return false;
        out->str = (const char *)c->p;
        out->len = (size_t)(nul - c->p);
        out->kind = V_STR;
        c->p = nul + 1;
        break;
    }
    case DW_FORM_strp:
    case DW_FORM_line_strp: {
        const span *sec = form == DW_FORM_strp ? &s->str : &s->line_str;
        uint64_t off = get_u(c, s->offset_size);
        const uint8_t *nul;
        if (c->bad || sec->p == NULL || off >= sec->len)
            return false;
        nul = memchr(sec->p + off, 0, sec->len - off);
        if (nul == NULL)
            return false;
        out->str = (const char *)sec->p + off;
        out->len = (size_t)(nul - (sec->p + off));
        out->kind = V_STR;
        break;
    }
    case DW_FORM_exprloc:
    case DW_FORM_block:
    case DW_FORM_block1:
    case DW_FORM_block2:
    case DW_FORM_block4: {
        uint64_t n = form == DW_FORM_block1   ? get_u(c, 1)
                     : form == DW_FORM_block2 ? get_u(c, 2)
                     : form == DW_FORM_block4 ? get_u(c, 4)
                                              : get_uleb(c);
        block = c->p;
        skip(c, n);
        if (c->bad)
            return false;
        out->v = hash_fnv_bytes(mix(HASH_FNV_SEED, n), block, (size_t)n);
        break;
    }
    case DW_FORM_addr: skip(c, s->addr_size); goto other;
    case DW_FORM_sec_offset:
        out->v = get_u(c, s->offset_size); /* kept: DW_AT_stmt_list */
        out->kind = V_OTHER;
        break;
    case DW_FORM_GNU_ref_alt:
    case DW_FORM_GNU_strp_alt: skip(c, s->offset_size); goto other;
    case DW_FORM_addrx1:
    case DW_FORM_strx1: out->v = get_u(c, 1); goto other;
    case DW_FORM_addrx2:
    case DW_FORM_strx2: out->v = get_u(c, 2); goto other;
    case DW_FORM_addrx4:
    case DW_FORM_strx4: out->v = get_u(c, 4); goto other;
    case DW_FORM_addrx:
    case DW_FORM_strx:
    case DW_FORM_loclistx:
    case DW_FORM_rnglistx:
    case DW_FORM_GNU_addr_index:
    case DW_FORM_GNU_str_index:
        out->v = get_uleb(c); /* kept: an address index */
    other:
        out->kind = V_OTHER; /* its size is known, its meaning not used */
        break;
    default: return false;
    }
    return !c->bad;
}

/* A DIE's abbreviation code at c; 0 for the null entry.  The null entry
 * is the single byte 0: libdwarf tests that byte, not the number, so a
 * longer encoding of 0 (0x80 0x00) is to it a DIE of an abbreviation it
 * does not have (an error), where the number would end the list of
 * children early.  That, and bytes out of bounds, set c->bad. */
static uint64_t die_code(cursor *c)
{
    const uint8_t *start = c->p;
    uint64_t code = get_uleb(c);
    if (code == 0 && !c->bad && c->p - start != 1)
        c->bad = true;
    return code;
}

/* ------------------------------------------------------------ the unit */

/* Whether decode_attr knows form (its cases, and DW_FORM_indirect, whose
 * form comes with each value).  Not DW_FORM_strx3 and DW_FORM_addrx3:
 * libdwarf 20210528 steps over them as 4 bytes where DWARF 5 says 3 (seen
 * on a crafted unit: its next DIE is a byte later than ours); no producer
 * we read writes them, and the reader must see the DIEs libdwarf sees. */
static bool form_known(uint64_t form)
{
    switch (form) {
    case DW_FORM_addr:
    case DW_FORM_block2:
    case DW_FORM_block4:
    case DW_FORM_data2:
    case DW_FORM_data4:
    case DW_FORM_data8:
    case DW_FORM_string:
    case DW_FORM_block:
    case DW_FORM_block1:
    case DW_FORM_data1:
    case DW_FORM_flag:
    case DW_FORM_sdata:
    case DW_FORM_strp:
    case DW_FORM_udata:
    case DW_FORM_ref_addr:
    case DW_FORM_ref1:
    case DW_FORM_ref2:
    case DW_FORM_ref4:
    case DW_FORM_ref8:
    case DW_FORM_ref_udata:
    case DW_FORM_indirect:
    case DW_FORM_sec_offset:
    case DW_FORM_exprloc:
    case DW_FORM_flag_present:
    case DW_FORM_strx:
    case DW_FORM_addrx:
    case DW_FORM_data16:
    case DW_FORM_line_strp:
    case DW_FORM_ref_sig8:
    case DW_FORM_implicit_const:
    case DW_FORM_loclistx:
    case DW_FORM_rnglistx:
    case DW_FORM_strx1:
    case DW_FORM_strx2:
    case DW_FORM_strx4:
    case DW_FORM_addrx1:
    case DW_FORM_addrx2:
    case DW_FORM_addrx4:
    case DW_FORM_GNU_addr_index:
    case DW_FORM_GNU_str_index:
    case DW_FORM_GNU_ref_alt:
    case DW_FORM_GNU_strp_alt: return true;
    default: return false;
    }
}

/* The unit's abbreviation table, at off of .debug_abbrev, into
 * s->abbrevs: false when any entry of it is not one decode_attr reads as
 * libdwarf does, even an entry no DIE of the unit uses.  libdwarf reads the
 * table up to the code it looks for, refuses the unit at an entry with an
 * unknown form or an attribute 0 on the way, and of two entries with one
 * code takes the first: a unit the scanner read while libdwarf refuses it
 * (or reads it otherwise) would give functions the libdwarf reader never
 * has (tests/test_dwarf.c: go_raw_crafted_as_libdwarf).  So are refused:
 * those, a children byte other than DW_CHILDREN_no/yes, and a code seen
 * before.  A table is read once for all the units that share it (every
 * Go unit of a binary: one per package): units at other offsets cost what
 * their tables hold, not the largest code seen (SCAN_MAX_ABBREV entries
 * cleared per unit on a crafted file). */
static bool read_abbrevs(dwarf_scan *s, uint64_t off)
{
    cursor c;
    if (s->abbrev_ok && off == s->abbrev_off)
        return true;
    s->abbrev_ok = false;
    s->abbrev_off = off;
    for (size_t i = 0; i < s->ncodes; i++)
        s->abbrevs[s->codes[i]].tag = 0;
    s->ncodes = 0;
    s->nattrs = 0;
    if (off >= s->abbrev.len)
        return false;
    c.p = s->abbrev.p + off;
    c.end = s->abbrev.p + s->abbrev.len;
    c.bad = false;
    for (;;) {
        uint64_t code = get_uleb(&c), tag;
        abbrev a;
        if (c.bad)
            return false;
        if (code == 0) {
            s->abbrev_ok = true;
            return true;
        }
        if (code >= SCAN_MAX_ABBREV)
            return false;
        tag = get_uleb(&c);
        a.tag = (uint16_t)tag;
        a.children = (uint8_t)get_u(&c, 1);
        a.first = (uint32_t)s->nattrs;
        a.n = 0;
        if (tag == 0 || tag > 0xffff || a.children > DW_CHILDREN_yes)
            return false;
        for (;;) {
            abbrev_attr at;
            uint64_t name = get_uleb(&c), form = get_uleb(&c);
            at.implicit = 0;
            if (form == DW_FORM_implicit_const)
                at.implicit = get_sleb(&c);
            if (c.bad || name > 0xffff || form > 0xffff)
                return false;
            if (name == 0 && form == 0)
                break;
            if (name == 0 || !form_known(form))
                return false;
            at.at = (uint16_t)name;
            at.form = (uint16_t)form;
            if (vec_push((void **)&s->attrs, &s->nattrs, &s->attrs_cap, sizeof at, 64, &at) < 0)
                return false;
            a.n++;
        }
        while (code >= s->nabbrevs) {
            abbrev none = {0, 0, 0, 0};
            if (vec_push((void **)&s->abbrevs, &s->nabbrevs, &s->abbrevs_cap, sizeof none, 64,
                         &none) < 0)
                return false;
        }
        if (s->abbrevs[code].tag != 0)
            return false; /* a second entry of the code: libdwarf takes the first */
        if (vec_push((void **)&s->codes, &s->ncodes, &s->codes_cap, sizeof(uint32_t), 64,
                     &(uint32_t){(uint32_t)code}) < 0)
            return false;
        s->abbrevs[code] = a;
    }
}

/* DWARF 5: the unit's DW_AT_addr_base (sec_offset) and the .debug_addr
 * entries from there to the section's end, as addrs and naddrs; left 0
 * when anything is off (an address index is then not known). */
static void unit_addrs(dwarf_scan *s)
{
    cursor c = {s->info.p + s->die_start, s->info.p + s->cu_end, false};
    uint64_t code = die_code(&c), base = 0;
    const abbrev *a;
    s->addrs = s->naddrs = 0;
    if (s->version < 5 || s->addr.p == NULL || c.bad || code == 0 || code >= s->nabbrevs ||
        s->abbrevs[code].tag == 0)
        return;
    a = &s->abbrevs[code];
    for (uint32_t k = 0; k < a->n; k++) {
        const abbrev_attr *spec = &s->attrs[a->first + k];
        attr_val av;
        if (spec->form == DW_FORM_indirect || !decode_attr(s, &c, spec, &av))
            return;
        if (spec->at == DW_AT_addr_base) {
            if (spec->form != DW_FORM_sec_offset)
                return;
            base = av.v;
        }
    }
    /* Go writes one header for the whole section, the units' bases
     * point into it: the section's end bounds the entries (as libdwarf
     * checks them) */
    if (base > s->addr.len)
        return;
    s->addrs = base;
    s->naddrs = (s->addr.len - base) / s->addr_size;
}

int scan_unit(dwarf_scan *s, uint64_t cu_start, uint64_t cu_end)
{
    cursor c;
    uint64_t len, abbrev_off;
    s->unit_ok = false;
    s->cu_start = cu_start;
    s->cu_end = cu_end;
    s->nfiles = 0;
    s->memo_len = 0;
    table_clear(&s->memo_index);
    if (cu_start >= s->info.len || cu_end > s->info.len || cu_end <= cu_start)
        return 0;
    c.p = s->info.p + cu_start;
    c.end = s->info.p + cu_end;
    c.bad = false;
    len = get_u(&c, 4);
    s->offset_size = 4;
    if (len == 0xffffffff) {
        get_u(&c, 8);
        s->offset_size = 8;
    }
    s->version = (unsigned)get_u(&c, 2);
    if (s->version >= 5) {
        if (get_u(&c, 1) != DW_UT_compile)
            return 0; /* type, skeleton and split units: not scanned */
        s->addr_size = (unsigned)get_u(&c, 1);
        abbrev_off = get_u(&c, s->offset_size);
    } else if (s->version >= 2) {
        abbrev_off = get_u(&c, s->offset_size);
        s->addr_size = (unsigned)get_u(&c, 1);
    } else {
        return 0;
    }
    if (c.bad || (s->addr_size != 4 && s->addr_size != 8) || !read_abbrevs(s, abbrev_off))
        return 0;
    s->die_start = (uint64_t)(c.p - s->info.p);
    s->unit_ok = true;
    unit_addrs(s);
    return 0;
}

/* The hash of file number idx's path (the unit's numbering), through the
 * reader's line table copy; false when unknown. */
static bool file_hash(dwarf_scan *s, dwarf_reader *rd, uint64_t idx, uint64_t *h)
{
    const char *path;
    if (idx > 100000)
        return false;
    if (idx < s->nfiles && s->file_hash[idx] != 0) {
        *h = s->file_hash[idx];
        return true;
    }
    path = reader_unit_file(rd, idx);
    if (path == NULL)
        return false;
    while (s->nfiles <= idx) {
        uint64_t zero = 0;
        if (vec_push((void **)&s->file_hash, &s->nfiles, &s->files_cap, sizeof zero, 64, &zero) < 0)
            return false;
    }
    *h = hash_fnv_str(HASH_FNV_SEED, path) | 1;
    s->file_hash[idx] = *h;
    return true;
}

/* ---------------------------------------------------------- the memo */

/* The unit's memo entry for key, or NULL. */
static const memo_entry *memo_find(const dwarf_scan *s, uint64_t key)
{
    uint32_t e = table_find_u64(&s->memo_index, mix(0, key), key, s->memo, sizeof *s->memo,
                                offsetof(memo_entry, key));
    return e == TABLE_NONE ? NULL : &s->memo[e];
}

static void memo_put(dwarf_scan *s, uint64_t key, uint64_t fp)
{
    memo_entry m = {key, fp};
    if (table_push(&s->memo_index, mix(0, key), (void **)&s->memo, &s->memo_len, &s->memo_cap,
                   sizeof m, 1024, &m) < 0)
        align_error_clear(); /* the memo only saves work */
}

/* ------------------------------------------------------- fingerprints */

static bool fp_at(dwarf_scan *s, dwarf_reader *rd, uint64_t off, bool shallow, unsigned depth,
                  uint64_t *out);

static bool is_record_tag(unsigned tag)
{
    return tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type ||
           tag == DW_TAG_enumeration_type;
}

/* The DIE at c (after its abbreviation code; a is its abbreviation), hashed
 * into *out.  need_end: c must be left after the DIE and its children (a
 * child in a list); a record behind a pointer, whose members are not read,
 * then gives no fingerprint. */
static bool fp_die(dwarf_scan *s, dwarf_reader *rd, cursor *c, const abbrev *a, bool shallow,
                   bool need_end, unsigned depth, uint64_t *out)
{
    uint64_t h = mix(0x5ca1ab1e, a->tag);
    /* behind a pointer, records count by their own attributes */
    bool ref_shallow = shallow || a->tag == DW_TAG_pointer_type ||
                       a->tag == DW_TAG_reference_type || a->tag == DW_TAG_rvalue_reference_type ||
                       a->tag == DW_TAG_ptr_to_member_type;
    bool descend = a->children && !(shallow && is_record_tag(a->tag));

    if (need_end && a->children && !descend)
        return false;
    h = mix(h, a->children);
    for (uint32_t k = 0; k < a->n; k++) {
        const abbrev_attr *spec = &s->attrs[a->first + k];
        attr_val av;
        uint64_t v;
        if (!decode_attr(s, c, spec, &av) || av.kind == V_OTHER)
            return false;
        if (spec->at == DW_AT_sibling)
            continue; /* where the next DIE is: not what this one is */
        v = av.v;
        if (av.kind == V_REF) {
            if (!fp_at(s, rd, av.v, ref_shallow, depth + 1, &v))
                return false;
        } else if (av.kind == V_STR) {
            v = hash_fnv_bytes(HASH_FNV_SEED, av.str, av.len);
        } else if (spec->at == DW_AT_decl_file) {
            if (!file_hash(s, rd, av.v, &v))
                return false;
        }
        h = mix(mix(h, spec->at), v);
    }
    if (a->children) {
        /* the children, in order, up to the null entry */
        for (;;) {
            uint64_t code = die_code(c), sub;
            const abbrev *ca;
            if (c->bad)
                return false;
            if (code == 0)
                break;
            if (code >= s->nabbrevs || s->abbrevs[code].tag == 0)
                return false;
            ca = &s->abbrevs[code];
            if (!descend) {
                /* a record behind a pointer: its members do not count,
                 * and nothing after it is read */
                break;
            }
            if (depth + 1 > SCAN_MAX_DEPTH || !fp_die(s, rd, c, ca, shallow, true, depth + 1, &sub))
                return false;
            h = mix(h, sub);
        }
    }
    *out = h | 1; /* never 0 */
    return true;
}

static bool fp_at(dwarf_scan *s, dwarf_reader *rd, uint64_t off, bool shallow, unsigned depth,
                  uint64_t *out)
{
    uint64_t key = off * 2 + (shallow ? 1 : 0), code;
    const memo_entry *m = memo_find(s, key);
    cursor c;
    bool ok;

    if (m != NULL) {
        *out = m->fp;
        return m->fp != 0;
    }
    if (depth > SCAN_MAX_DEPTH || off < s->die_start || off >= s->cu_end)
        return false; /* cross-unit references: libdwarf reads them */
    c.p = s->info.p + off;
    c.end = s->info.p + s->cu_end;
    c.bad = false;
    code = die_code(&c);
    if (c.bad || code == 0 || code >= s->nabbrevs || s->abbrevs[code].tag == 0)
        ok = false;
    else
        ok = fp_die(s, rd, &c, &s->abbrevs[code], shallow, false, depth, out);
    memo_put(s, key, ok ? *out : 0);
    return ok;
}

uint64_t scan_record(dwarf_scan *s, dwarf_reader *rd, uint64_t off)
{
    uint64_t fp, code;
    cursor c;
    if (s == NULL || !s->unit_ok || off < s->die_start || off >= s->cu_end)
        return 0;
    c.p = s->info.p + off;
    c.end = s->info.p + s->cu_end;
    c.bad = false;
    code = die_code(&c);
    if (c.bad || code == 0 || code >= s->nabbrevs)
        return 0;
    if (s->abbrevs[code].tag != DW_TAG_structure_type && s->abbrevs[code].tag != DW_TAG_union_type)
        return 0;
    return fp_at(s, rd, off, false, 0, &fp) ? fp : 0;
}

/* ------------------------------------------------------------ the walk */

/* Reads the DIE at off into *d (d->after: the offset just past its
 * attributes: its first child, or its next sibling when it has none).
 * 1 a DIE, 0 a null entry (the end of a list of children; d->after is past
 * it), -1 not scannable. */
/* The entry at off of the current unit: *c at its attributes (past it
 * for a null entry) and its abbreviation in *a.  1 a DIE, 0 a null entry,
 * -1 out of the unit or an unknown abbreviation. */
static int entry_at(const dwarf_scan *s, uint64_t off, cursor *c, const abbrev **a)
{
    uint64_t code;
    if (s == NULL || !s->unit_ok || off < s->die_start || off >= s->cu_end)
        return -1;
    *c = (cursor){s->info.p + off, s->info.p + s->cu_end, false};
    code = die_code(c);
    if (c->bad)
        return -1;
    if (code == 0)
        return 0;
    if (code >= s->nabbrevs || s->abbrevs[code].tag == 0)
        return -1;
    *a = &s->abbrevs[code];
    return 1;
}

static int die_at(dwarf_scan *s, uint64_t off, scan_die *d)
{
    cursor c;
    const abbrev *a = NULL;
    int r = entry_at(s, off, &c, &a);
    if (r < 0)
        return -1;
    memset(d, 0, sizeof *d);
    d->off = off;
    if (r == 0) {
        d->after = (uint64_t)(c.p - s->info.p);
        return 0;
    }
    d->tag = a->tag;
    d->children = a->children != 0;
    for (uint32_t k = 0; k < a->n; k++) {
        const abbrev_attr *spec = &s->attrs[a->first + k];
        attr_val av;
        if (!decode_attr(s, &c, spec, &av))
            return -1;
        if (spec->at == DW_AT_name && av.kind == V_STR)
            d->name = av.str;
        else if (spec->at == DW_AT_type && av.kind == V_REF)
            d->type = av.v;
        else if (spec->at == DW_AT_sibling && av.kind != V_REF)
            return -1; /* not a reference: libdwarf's walk is not ours then */
        else if (spec->at == DW_AT_sibling)
            d->sibling = av.v;
        else if (spec->at == DW_AT_stmt_list)
            d->stmt_list = av.v + 1;
    }
    d->after = (uint64_t)(c.p - s->info.p);
    return 1;
}

/* A constant as reader_die_info's get_udata reads it: false for another
 * form or a negative signed value (the libdwarf path reports those). */
static bool udata_of(unsigned form, const attr_val *av)
{
    switch (form) {
    case DW_FORM_data1:
    case DW_FORM_data2:
    case DW_FORM_data4:
    case DW_FORM_data8:
    case DW_FORM_udata: return true;
    case DW_FORM_sdata:
    case DW_FORM_implicit_const: return (int64_t)av->v >= 0;
    default: return false;
    }
}

/* The raw readers of DIE_FIELD_ATTRS' kinds (dwarf_read.h), as
 * dwarf_attr.c's read them through libdwarf: the value of the attribute
 * decoded into *av (c just past it) into *out, or false where libdwarf
 * would fail or need checking (the caller falls back to it). */
static bool raw_UDATA(const dwarf_scan *s, const cursor *c, unsigned form, const attr_val *av,
                      uint64_t *out)
{
    (void)s, (void)c;
    if (!udata_of(form, av))
        return false;
    *out = av->v;
    return true;
}

static bool raw_STRING(const dwarf_scan *s, const cursor *c, unsigned form, const attr_val *av,
                       const char **out)
{
    (void)s, (void)c, (void)form;
    if (av->kind != V_STR)
        return false;
    *out = av->str;
    return true;
}

static bool raw_REF(const dwarf_scan *s, const cursor *c, unsigned form, const attr_val *av,
                    Dwarf_Off *out)
{
    (void)c, (void)form;
    /* a reference past the section: libdwarf's error */
    if (av->kind != V_REF || av->v >= s->info.len)
        return false;
    *out = av->v;
    return true;
}

static bool raw_ADDR(const dwarf_scan *s, const cursor *c, unsigned form, const attr_val *av,
                     uint64_t *out)
{
    const uint8_t *at;
    if (form == DW_FORM_addr) {
        *out = get_u(&(cursor){c->p - s->addr_size, c->p, false}, s->addr_size);
        return true;
    }
    if (form != DW_FORM_addrx && form != DW_FORM_addrx1 && form != DW_FORM_addrx2 &&
        form != DW_FORM_addrx4)
        return false;
    /* DWARF 5 (Go 1.25 on): an index into the unit's .debug_addr entries */
    if (av->v >= s->naddrs)
        return false;
    at = s->addr.p + s->addrs + av->v * s->addr_size;
    *out = get_u(&(cursor){at, at + s->addr_size, false}, s->addr_size);
    return true;
}

/* An attribute of DIE_SPECIAL_ATTRS (dwarf_read.h): decoded by explicit
 * code in reader_die_info, with checks the scanner does not repeat. */
static bool is_special_attr(unsigned at)
{
    switch (at) {
#define SPECIAL_CASE(name, code) case code:
        DIE_SPECIAL_ATTRS(SPECIAL_CASE)
#undef SPECIAL_CASE
        return true;
    default: return false;
    }
}

/* The attribute of spec, decoded at *c (c then past it), into *d as
 * reader_die_info would read it: false when it is one the scanner leaves
 * to libdwarf. */
static bool raw_attr(const dwarf_scan *s, cursor *c, const abbrev_attr *spec, die_info *d)
{
    unsigned form = spec->form;
    attr_val av;
    if (form == DW_FORM_indirect || !decode_attr(s, c, spec, &av))
        return false;
    switch (spec->at) {
#define RAW_FIELD(name, code, kind, field, what)                                                   \
    case code:                                                                                     \
        if (!raw_##kind(s, c, form, &av, &d->field))                                               \
            return false;                                                                          \
        d->has |= HAS_##name;                                                                      \
        break;
        DIE_FIELD_ATTRS(RAW_FIELD)
#undef RAW_FIELD
    /* the special attributes a Go function's scope holds */
    case DW_AT_high_pc:
        if (form == DW_FORM_addr) {
            d->high_pc = get_u(&(cursor){c->p - s->addr_size, c->p, false}, s->addr_size);
        } else if (udata_of(form, &av)) {
            d->high_pc = av.v;
            d->has |= HAS_HIGH_PC_OFFSET;
        } else {
            return false;
        }
        d->has |= HAS_HIGH_PC;
        break;
    case DW_AT_inline: d->has |= HAS_INLINE; break;
    case DW_AT_sibling: return false; /* changes the walk */
    default:
        /* the other special ones: left to libdwarf, which checks
         * them; any other attribute is not read by it either */
        if (is_special_attr(spec->at))
            return false;
        break;
    }
    return true;
}

int scan_die_info(dwarf_scan *s, uint64_t off, die_info *d, uint64_t *after, bool *children)
{
    const abbrev *a = NULL;
    cursor c;
    int r;
    memset(d, 0, sizeof *d);
    d->off = off;
    r = entry_at(s, off, &c, &a);
    if (r < 0)
        return -1;
    d->tag = r > 0 ? a->tag : 0;
    *children = r > 0 && a->children != 0;
    for (uint32_t k = 0; r > 0 && k < a->n; k++)
        if (!raw_attr(s, &c, &s->attrs[a->first + k], d))
            return -1;
    *after = (uint64_t)(c.p - s->info.p);
    return r;
}

int scan_skip_list(dwarf_scan *s, uint64_t at, uint64_t *end)
{
    for (uint64_t depth = 1; depth > 0;) {
        die_info d;
        bool children;
        int r = scan_die_info(s, at, &d, &at, &children);
        if (r < 0)
            return -1;
        if (r == 0)
            depth--;
        else if (children)
            depth += 1;
        if (depth > SCAN_MAX_DEPTH)
            return -1;
    }
    *end = at;
    return 0;
}

uint64_t scan_unit_die(const dwarf_scan *s)
{
    return s != NULL && s->unit_ok ? s->die_start : 0;
}

int scan_first_child(dwarf_scan *s, const scan_die *parent, scan_die *child)
{
    if (!parent->children)
        return 0;
    return die_at(s, parent->after, child);
}

int scan_list_at(dwarf_scan *s, uint64_t off, scan_die *d)
{
    return die_at(s, off, d);
}

int scan_die_at(dwarf_scan *s, uint64_t off, scan_die *d)
{
    return die_at(s, off, d) > 0 ? 1 : -1;
}

int scan_next_sibling(dwarf_scan *s, const scan_die *cur, scan_die *next)
{
    uint64_t at = cur->after;
    if (cur->sibling != 0 && cur->children) {
        /* GCC's DW_AT_sibling (libdwarf ignores it on a DIE without
         * children, as DWARF has no use for it there); a pointer
         * backwards would loop */
        if (cur->sibling <= cur->off || cur->sibling >= s->cu_end)
            return -1;
        at = cur->sibling;
    } else if (cur->children) {
        /* step over the children, their children..., to the null entry
         * that ends this DIE's list */
        for (uint64_t depth = 1; depth > 0;) {
            scan_die x;
            int r = die_at(s, at, &x);
            if (r < 0)
                return -1;
            at = x.after;
            if (r == 0)
                depth--;
            else if (x.children)
                depth++;
        }
    }
    return die_at(s, at, next); /* 0: cur was the last of its list */
}

int scan_line_table_ok(dwarf_scan *s)
{
    scan_die cu;
    cursor c;
    uint64_t len, dirs;
    unsigned version, offset_size = 4, opcode_base;
    if (s == NULL || s->line.p == NULL || die_at(s, s->die_start, &cu) <= 0 || cu.stmt_list == 0 ||
        cu.stmt_list - 1 >= s->line.len)
        return -1;
    c.p = s->line.p + (cu.stmt_list - 1);
    c.end = s->line.p + s->line.len;
    c.bad = false;
    len = get_u(&c, 4);
    if (len == 0xffffffff) {
        get_u(&c, 8);
        offset_size = 8;
    }
    version = (unsigned)get_u(&c, 2);
    if (c.bad || version < 2 || version > 5)
        return -1;
    if (version < 5)
        return 1;          /* the directory table may be empty: entry 0 is implied */
    skip(&c, 2);           /* address_size, segment_selector_size */
    skip(&c, offset_size); /* header_length */
    skip(&c, 4);           /* minimum_instruction_length .. line_base */
    skip(&c, 1);           /* line_range */
    opcode_base = (unsigned)get_u(&c, 1);
    if (opcode_base > 0)
        skip(&c, opcode_base - 1); /* standard_opcode_lengths */
    for (uint64_t n = get_u(&c, 1), i = 0; i < n && !c.bad; i++) {
        get_uleb(&c); /* content type */
        get_uleb(&c); /* form */
    }
    dirs = get_uleb(&c);
    if (c.bad)
        return -1;
    return dirs > 0;
}
