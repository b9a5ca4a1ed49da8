/*
 * dwarf_attr.c - one DIE's attributes, decoded into a die_info.
 *
 * Who calls it: the reader (dwarf.c) and its language modules, once per DIE
 * they use (struct and member DIEs, type DIEs reached from members, C
 * typedefs).  One dwarf_attrlist call per DIE, each attribute freed as soon
 * as it is decoded; the reader never holds a Dwarf_Attribute.
 *
 * Only the forms the reader can use are accepted for each attribute:
 * constants for sizes and offsets (sdata must not be negative), a single
 * DW_OP_plus_uconst expression for DWARF 2/3 member locations, constants for
 * array bounds (a VLA's bound, an expression, reads as unknown).  Anything
 * else libdwarf rejects makes the unit broken.
 *
 * Rejected: one dwarf_attr call per wanted attribute.  Each call scans the
 * abbreviation again and allocates an attribute all the same; attrlist
 * decodes the abbreviation once.
 */
#include "source/dwarf_read.h"

#include <stddef.h>
#include <string.h>

static bool is_constant_form(Dwarf_Half form)
{
    switch (form) {
    case DW_FORM_data1:
    case DW_FORM_data2:
    case DW_FORM_data4:
    case DW_FORM_data8:
    case DW_FORM_udata:
    case DW_FORM_sdata:
    case DW_FORM_implicit_const: return true;
    default: return false;
    }
}

/* A constant as its form writes it: its bits in *v, and *sgn when the
 * form is signed (sdata, implicit_const). */
static int get_const(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, bool *sgn, uint64_t *v)
{
    Dwarf_Error err = NULL;
    Dwarf_Signed s = 0;
    Dwarf_Unsigned u = 0;
    *sgn = form == DW_FORM_sdata || form == DW_FORM_implicit_const;
    if (*sgn ? dwarf_formsdata(a, &s, &err) != DW_DLV_OK
             : dwarf_formudata(a, &u, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading a constant");
    *v = *sgn ? (uint64_t)s : u;
    return 0;
}

/* An unsigned constant; negative sdata values are an error. */
static int get_udata(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, uint64_t *out)
{
    bool sgn;
    uint64_t v = 0;
    int rc = get_const(rd, a, form, &sgn, &v);
    if (rc == 0 && sgn && (int64_t)v < 0)
        return reader_broken(rd, NULL, "negative value %lld where a size or count is due",
                             (long long)(int64_t)v);
    if (rc == 0)
        *out = v;
    return rc;
}

static int get_sdata(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, int64_t *out)
{
    bool sgn;
    uint64_t v = 0;
    int rc = get_const(rd, a, form, &sgn, &v);
    /* data8 all ones is how some producers write -1 (an empty range). */
    if (rc == 0)
        *out = sgn || v <= INT64_MAX ? (int64_t)v : v == UINT64_MAX ? -1 : INT64_MAX;
    return rc;
}

static int get_flag(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, bool *out)
{
    Dwarf_Error err = NULL;
    Dwarf_Bool b;
    if (is_constant_form(form)) {
        uint64_t u = 0;
        int rc = get_udata(rd, a, form, &u);
        *out = u != 0;
        return rc;
    }
    if (dwarf_formflag(a, &b, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading a flag");
    *out = b != 0;
    return 0;
}

/* A DW_OP_plus_uconst N expression (DWARF 2/3 member locations). */
static bool plus_uconst(const unsigned char *p, Dwarf_Unsigned len, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    if (len < 2 || p[0] != DW_OP_plus_uconst)
        return false;
    for (Dwarf_Unsigned i = 1; i < len; i++) {
        if (shift > 63 || (shift == 63 && (p[i] & 0x7e)))
            return false;
        v |= (uint64_t)(p[i] & 0x7f) << shift;
        shift += 7;
        if (!(p[i] & 0x80)) {
            *out = v;
            return i + 1 == len;
        }
    }
    return false;
}

static int get_location(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, die_info *d)
{
    Dwarf_Error err = NULL;
    int rc;
    if (is_constant_form(form)) {
        rc = get_udata(rd, a, form, &d->location);
        if (rc == 0)
            d->has |= HAS_LOCATION;
        return rc;
    }
    if (form == DW_FORM_exprloc) {
        Dwarf_Unsigned len;
        Dwarf_Ptr p;
        if (dwarf_formexprloc(a, &len, &p, &err) != DW_DLV_OK)
            return reader_dwarf_error(rd, err, "reading a member location");
        if (plus_uconst(p, len, &d->location))
            d->has |= HAS_LOCATION;
        return 0;
    }
    if (form == DW_FORM_block1 || form == DW_FORM_block2 || form == DW_FORM_block4 ||
        form == DW_FORM_block) {
        Dwarf_Block *b;
        if (dwarf_formblock(a, &b, &err) != DW_DLV_OK)
            return reader_dwarf_error(rd, err, "reading a member location");
        if (plus_uconst(b->bl_data, b->bl_len, &d->location))
            d->has |= HAS_LOCATION;
        dwarf_dealloc(reader_dbg(rd), b, DW_DLA_BLOCK);
    }
    return 0; /* location lists and other expressions: position unknown */
}

/* The attributes read as they are into one die_info field: how, which
 * field, the HAS_* bit that says the DIE had it (0: none), and what a
 * libdwarf error was reading. */
typedef enum field_kind { F_UDATA, F_STRING, F_REF, F_ADDR } field_kind;
#define FIELD(at, kind, f, has, what)                                                              \
    {                                                                                              \
        at, kind, offsetof(die_info, f), has, what                                                 \
    }
static const struct field_attr {
    Dwarf_Half at;
    field_kind kind;
    size_t field; /* F_UDATA, F_ADDR: uint64_t; F_STRING: const char *;
                     F_REF: Dwarf_Off */
    unsigned has;
    const char *what;
} field_attrs[] = {
    FIELD(DW_AT_name, F_STRING, name, HAS_NAME, "reading a name"),
    FIELD(DW_AT_producer, F_STRING, producer, HAS_PRODUCER, "reading a name"),
    FIELD(DW_AT_go_package_name, F_STRING, go_pkg_name, HAS_GO_PKG_NAME, "reading a package name"),
    FIELD(DW_AT_type, F_REF, type, HAS_TYPE, "reading a type reference"),
    FIELD(DW_AT_abstract_origin, F_REF, origin, HAS_ORIGIN, "reading an abstract origin"),
    FIELD(DW_AT_low_pc, F_ADDR, low_pc, HAS_LOW_PC, "reading low_pc"),
    FIELD(DW_AT_bit_size, F_UDATA, bit_size, HAS_BIT_SIZE, NULL),
    FIELD(DW_AT_data_bit_offset, F_UDATA, data_bit_offset, HAS_DATA_BIT_OFFSET, NULL),
    FIELD(DW_AT_encoding, F_UDATA, encoding, HAS_ENCODING, NULL),
    FIELD(DW_AT_decl_file, F_UDATA, decl_file, HAS_DECL_FILE, NULL),
    FIELD(DW_AT_decl_line, F_UDATA, decl_line, HAS_DECL_LINE, NULL),
    FIELD(DW_AT_decl_column, F_UDATA, decl_column, 0, NULL),
    FIELD(DW_AT_alignment, F_UDATA, alignment, HAS_ALIGNMENT, NULL),
    FIELD(DW_AT_language, F_UDATA, language, HAS_LANGUAGE, NULL),
    FIELD(DW_AT_go_kind, F_UDATA, go_kind, HAS_GO_KIND, NULL),
    FIELD(DW_AT_call_file, F_UDATA, call_file, HAS_CALL_FILE, NULL),
    FIELD(DW_AT_call_line, F_UDATA, call_line, HAS_CALL_LINE, NULL),
};
#undef FIELD

/* An attribute of field_attrs into its field; 0 for any other. */
static int read_field_attr(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half at, Dwarf_Half form,
                           die_info *d)
{
    const struct field_attr *f = NULL;
    Dwarf_Error err = NULL;
    char *field, *s;
    Dwarf_Addr addr;
    int ok, rc = 0;
    for (size_t i = 0; i < sizeof field_attrs / sizeof field_attrs[0] && f == NULL; i++)
        if (field_attrs[i].at == at)
            f = &field_attrs[i];
    if (f == NULL)
        return 0;
    field = (char *)d + f->field;
    switch (f->kind) {
    case F_UDATA: rc = get_udata(rd, a, form, (uint64_t *)field); break;
    case F_STRING:
        ok = dwarf_formstring(a, &s, &err) == DW_DLV_OK;
        if (ok)
            *(const char **)field = s;
        rc = ok ? 0 : reader_dwarf_error(rd, err, f->what);
        break;
    case F_REF:
        ok = dwarf_global_formref(a, (Dwarf_Off *)field, &err) == DW_DLV_OK;
        rc = ok ? 0 : reader_dwarf_error(rd, err, f->what);
        break;
    case F_ADDR:
        ok = dwarf_formaddr(a, &addr, &err) == DW_DLV_OK;
        if (ok)
            *(uint64_t *)field = addr;
        rc = ok ? 0 : reader_dwarf_error(rd, err, f->what);
        break;
    }
    if (rc == 0)
        d->has |= f->has;
    return rc;
}

static int read_attr(dwarf_reader *rd, Dwarf_Attribute a, die_info *d)
{
    Dwarf_Error err = NULL;
    Dwarf_Half at, form;
    Dwarf_Addr addr;
    bool flag = false;
    int rc = 0;

    if (dwarf_whatattr(a, &at, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading an attribute");
    if (dwarf_whatform(a, &form, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading an attribute's form");
    switch (at) {
    case DW_AT_data_member_location: return get_location(rd, a, form, d);
    case DW_AT_bit_offset:
        rc = get_sdata(rd, a, form, &d->bit_offset);
        d->has |= HAS_BIT_OFFSET;
        return rc;
    case DW_AT_upper_bound:
    case DW_AT_lower_bound:
        if (!is_constant_form(form))
            return 0; /* a VLA bound (expression or variable): unknown */
        rc = get_sdata(rd, a, form, at == DW_AT_upper_bound ? &d->upper : &d->lower);
        d->has |= at == DW_AT_upper_bound ? HAS_UPPER : HAS_LOWER;
        return rc;
    case DW_AT_count:
        if (!is_constant_form(form))
            return 0;
        d->has |= HAS_COUNT;
        return get_udata(rd, a, form, &d->count);
    case DW_AT_byte_size:
        if (!is_constant_form(form))
            return 0; /* a runtime size (VLA struct, GNU extension) */
        d->has |= HAS_BYTE_SIZE;
        return get_udata(rd, a, form, &d->byte_size);
    case DW_AT_high_pc:
        if (form == DW_FORM_addr) {
            if (dwarf_formaddr(a, &addr, &err) != DW_DLV_OK)
                return reader_dwarf_error(rd, err, "reading high_pc");
            d->high_pc = addr;
        } else if (is_constant_form(form)) {
            rc = get_udata(rd, a, form, &d->high_pc);
            d->has |= HAS_HIGH_PC_OFFSET;
        } else {
            return 0;
        }
        d->has |= HAS_HIGH_PC;
        return rc;
    case DW_AT_inline: d->has |= HAS_INLINE; return 0;
    case DW_AT_go_embedded_field:
    case DW_AT_declaration:
    case DW_AT_GNU_vector:
    case DW_AT_prototyped:
        rc = get_flag(rd, a, form, &flag);
        if (rc == 0 && flag)
            d->has |= at == DW_AT_go_embedded_field ? HAS_EMBEDDED
                      : at == DW_AT_declaration     ? HAS_DECLARATION
                      : at == DW_AT_GNU_vector      ? HAS_VECTOR
                                                    : HAS_PROTOTYPED;
        return rc;
    default: return read_field_attr(rd, a, at, form, d);
    }
}

int reader_die_info(dwarf_reader *rd, Dwarf_Die die, die_info *d)
{
    Dwarf_Error err = NULL;
    Dwarf_Attribute *attrs = NULL;
    Dwarf_Signed n = 0;
    int res, rc = 0;

    memset(d, 0, sizeof *d);
    if (dwarf_dieoffset(die, &d->off, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading a DIE offset");
    if (dwarf_tag(die, &d->tag, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading a DIE tag");
    res = dwarf_attrlist(die, &attrs, &n, &err);
    if (res == DW_DLV_NO_ENTRY)
        return 0;
    if (res != DW_DLV_OK)
        return reader_dwarf_error(rd, err, "reading a DIE's attributes");
    for (Dwarf_Signed i = 0; i < n; i++) {
        if (rc == 0)
            rc = read_attr(rd, attrs[i], d);
        dwarf_dealloc(reader_dbg(rd), attrs[i], DW_DLA_ATTR);
    }
    dwarf_dealloc(reader_dbg(rd), attrs, DW_DLA_LIST);
    return rc;
}
