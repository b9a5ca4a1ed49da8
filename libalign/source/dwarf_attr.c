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

/* The readers of DIE_FIELD_ATTRS' kinds (dwarf_read.h): the value into
 * *out, or the libdwarf error with what as its context. */
static int read_UDATA(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, uint64_t *out,
                      const char *what)
{
    (void)what; /* get_const says "reading a constant" */
    return get_udata(rd, a, form, out);
}

static int read_STRING(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, const char **out,
                       const char *what)
{
    Dwarf_Error err = NULL;
    char *s;
    (void)form;
    if (dwarf_formstring(a, &s, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, what);
    *out = s;
    return 0;
}

static int read_REF(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, Dwarf_Off *out,
                    const char *what)
{
    Dwarf_Error err = NULL;
    (void)form;
    if (dwarf_global_formref(a, out, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, what);
    return 0;
}

static int read_ADDR(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half form, uint64_t *out,
                     const char *what)
{
    Dwarf_Error err = NULL;
    Dwarf_Addr addr;
    (void)form;
    if (dwarf_formaddr(a, &addr, &err) != DW_DLV_OK)
        return reader_dwarf_error(rd, err, what);
    *out = addr;
    return 0;
}

/* An attribute of DIE_FIELD_ATTRS into its field and its HAS_* bit; 0 for
 * any other. */
static int read_field_attr(dwarf_reader *rd, Dwarf_Attribute a, Dwarf_Half at, Dwarf_Half form,
                           die_info *d)
{
    int rc;
    switch (at) {
#define READ_FIELD(name, code, kind, field, what)                                                  \
    case code:                                                                                     \
        rc = read_##kind(rd, a, form, &d->field, what);                                            \
        if (rc == 0)                                                                               \
            d->has |= HAS_##name;                                                                  \
        return rc;
        DIE_FIELD_ATTRS(READ_FIELD)
#undef READ_FIELD
    default: return 0;
    }
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
