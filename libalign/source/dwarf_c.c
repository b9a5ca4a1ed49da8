/*
 * dwarf_c.c - what is particular to C DWARF (GCC 12; Clang's spellings are
 * accepted too): base types, enums, function types, and inferring the
 * attributes DWARF leaves out.
 *
 * Base types are matched by name first ("long int" is long, "long long int"
 * long long: same size, different types) and checked against the ABI's size;
 * anything else by DW_AT_encoding and size, keeping its own name
 * ("_Float128", "char32_t"), or failing that as an opaque type of its size.
 *
 * What DWARF does not say.  GCC writes aligned(N) and _Alignas as
 * DW_AT_alignment (read in dwarf.c) but writes nothing for
 * __attribute__((packed)), #pragma pack(N), nor for unnamed bit-fields (which
 * get no DIE at all).  A record using them has offsets the model, knowing
 * only the members, cannot reproduce.  After loading, every C record whose
 * model disagrees with the compiler's offsets is offered, in order, the
 * explanations that could account for it, and keeps the first that makes the
 * model agree with every offset and the size:
 *
 *   1. unnamed bit-fields: at the first member the compiler put further than
 *      the model, a zero-width bit-field (`int :0`) or a padding bit-field
 *      (`T :n`) that moves it exactly there; repeated member by member; and
 *      when only the size is short, padding bit-fields at the end (Linux's
 *      `struct bpf_timer { __u64 :64; __u64 :64; }` has no member DIE);
 *   2. packed, then packed with aligned(N) on the record (N = 2 .. 64);
 *   3. #pragma pack(N), N = 2, 4, 8: members aligned to at most N, which the
 *      model expresses as packed plus aligned(min(natural, N)) per member.
 *
 * Records are handled innermost first (a member record's attributes change
 * its container's offsets).  Each attempt is one linear layout; a C binary
 * has a few thousand records, so this costs milliseconds.  A record no
 * explanation fits is left as DWARF described it: its layouts say
 * model_agrees = 0 and why.
 *
 * Rejected: inferring packed from "size is not a multiple of the natural
 * alignment" alone.  It misses packed records whose size happens to be a
 * multiple, and says nothing about which members moved; replaying the model
 * is exact and also catches the pack(N) and bit-field cases.
 */
#include "source/dwarf_read.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ base types */

static const struct {
    const char *name;
    align_prim prim;
} c_names[] = {
    {"char", ALIGN_C_CHAR},
    {"signed char", ALIGN_C_SCHAR},
    {"unsigned char", ALIGN_C_UCHAR},
    {"short int", ALIGN_C_SHORT},
    {"short", ALIGN_C_SHORT},
    {"short unsigned int", ALIGN_C_USHORT},
    {"unsigned short", ALIGN_C_USHORT},
    {"int", ALIGN_C_INT},
    {"unsigned int", ALIGN_C_UINT},
    {"long int", ALIGN_C_LONG},
    {"long", ALIGN_C_LONG},
    {"long unsigned int", ALIGN_C_ULONG},
    {"unsigned long", ALIGN_C_ULONG},
    {"long long int", ALIGN_C_LLONG},
    {"long long", ALIGN_C_LLONG},
    {"long long unsigned int", ALIGN_C_ULLONG},
    {"unsigned long long", ALIGN_C_ULLONG},
    {"__int128", ALIGN_C_INT128},
    {"__int128 unsigned", ALIGN_C_UINT128},
    {"unsigned __int128", ALIGN_C_UINT128},
    {"_Bool", ALIGN_C_BOOL},
    {"float", ALIGN_C_FLOAT},
    {"double", ALIGN_C_DOUBLE},
    {"long double", ALIGN_C_LDOUBLE},
    {"complex float", ALIGN_C_CFLOAT},
    {"complex double", ALIGN_C_CDOUBLE},
    {"complex long double", ALIGN_C_CLDOUBLE},
};

static bool prim_size_is(const align_abi *abi, align_prim p, uint64_t size)
{
    uint64_t s, pd;
    uint32_t a;
    return align_abi_prim(abi, p, &s, &a, &pd) == 0 && s == size;
}

/* The primitive of this encoding and size, or -1. */
static int encoding_prim(uint64_t enc, uint64_t size)
{
    switch (enc) {
    case DW_ATE_boolean: return size == 1 ? ALIGN_C_BOOL : -1;
    case DW_ATE_signed:
    case DW_ATE_signed_char:
        switch (size) {
        case 1: return ALIGN_C_SCHAR;
        case 2: return ALIGN_C_SHORT;
        case 4: return ALIGN_C_INT;
        case 8: return ALIGN_C_LONG;
        case 16: return ALIGN_C_INT128;
        default: return -1;
        }
    case DW_ATE_unsigned:
    case DW_ATE_unsigned_char:
    case DW_ATE_UTF:
        switch (size) {
        case 1: return ALIGN_C_UCHAR;
        case 2: return ALIGN_C_USHORT;
        case 4: return ALIGN_C_UINT;
        case 8: return ALIGN_C_ULONG;
        case 16: return ALIGN_C_UINT128;
        default: return -1;
        }
    case DW_ATE_float:
        return size == 4    ? ALIGN_C_FLOAT
               : size == 8  ? ALIGN_C_DOUBLE
               : size == 16 ? ALIGN_C_LDOUBLE
                            : -1;
    case DW_ATE_complex_float:
        return size == 8    ? ALIGN_C_CFLOAT
               : size == 16 ? ALIGN_C_CDOUBLE
               : size == 32 ? ALIGN_C_CLDOUBLE
                            : -1;
    default: return -1;
    }
}

align_type *c_base_type(dwarf_reader *rd, const die_info *d, int *rc)
{
    align_graph *g = reader_graph(rd);
    const align_abi *abi = align_graph_abi(g);
    align_type *t = NULL;
    int p = -1;

    *rc = 0;
    if (d->name != NULL)
        for (size_t i = 0; i < sizeof c_names / sizeof c_names[0]; i++)
            if (strcmp(d->name, c_names[i].name) == 0) {
                if (prim_size_is(abi, c_names[i].prim, d->byte_size))
                    t = align_type_prim(g, c_names[i].prim);
                break;
            }
    if (t == NULL) {
        p = encoding_prim(d->encoding, d->byte_size);
        if (p >= 0 && prim_size_is(abi, (align_prim)p, d->byte_size)) {
            t = align_type_prim(g, (align_prim)p);
            if (t != NULL && d->name != NULL)
                t = align_type_named(g, d->name, t);
        } else {
            t = align_type_opaque(g, d->name ? d->name : "?", d->byte_size,
                                  guess_align(d->byte_size), 0);
        }
    }
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}

align_type *c_enum_type(dwarf_reader *rd, const die_info *d, unsigned depth, int *rc)
{
    align_graph *g = reader_graph(rd);
    align_type *under = NULL, *t;
    align_buf name;

    *rc = 0;
    if (d->has & HAS_TYPE) {
        under = reader_type(rd, d->type, depth + 1, rc);
        if (under == NULL)
            return NULL;
    } else {
        /* DWARF 2/3 enums name no underlying type: the integer of the
         * enum's size (GCC's enums are unsigned unless a value is
         * negative; signedness does not change a layout). */
        int p =
            encoding_prim((d->has & HAS_ENCODING) ? d->encoding : DW_ATE_unsigned, d->byte_size);
        under = p >= 0 ? align_type_prim(g, (align_prim)p)
                       : align_type_opaque(g, "enum", d->byte_size, guess_align(d->byte_size), 0);
        if (under == NULL) {
            *rc = ALIGN_ENOMEM;
            return NULL;
        }
    }
    align_buf_init(&name);
    align_buf_printf(&name, "enum %s", d->name ? d->name : "{...}");
    t = name.failed ? NULL : align_type_named(g, name.data, under);
    align_buf_free(&name);
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}

align_type *c_func_type(dwarf_reader *rd, Dwarf_Die die, const die_info *d, unsigned depth, int *rc)
{
    align_graph *g = reader_graph(rd);
    Dwarf_Debug dbg = reader_dbg(rd);
    Dwarf_Error err = NULL;
    Dwarf_Die child = NULL, next = NULL;
    align_type *t;
    align_buf b;
    int res, nparams = 0;

    *rc = 0;
    align_buf_init(&b);
    if (d->has & HAS_TYPE) {
        t = reader_type(rd, d->type, depth + 1, rc);
        if (t == NULL)
            return NULL;
        align_buf_printf(&b, "%s (*)(", t->display);
    } else {
        align_buf_puts(&b, "void (*)(");
    }
    res = dwarf_child(die, &child, &err);
    while (res == DW_DLV_OK) {
        Dwarf_Half tag;
        die_info p;
        if (dwarf_tag(child, &tag, &err) != DW_DLV_OK) {
            *rc = reader_dwarf_error(rd, err, "reading a function type");
        } else if (tag == DW_TAG_formal_parameter) {
            *rc = reader_die_info(rd, child, &p);
            t = *rc < 0 ? NULL : (p.has & HAS_TYPE) ? reader_type(rd, p.type, depth + 1, rc) : NULL;
            if (t != NULL)
                align_buf_printf(&b, "%s%s", nparams++ ? ", " : "", t->display);
        } else if (tag == DW_TAG_unspecified_parameters) {
            align_buf_printf(&b, "%s...", nparams++ ? ", " : "");
        }
        if (*rc < 0)
            break;
        next = NULL;
        res = dwarf_siblingof_b(dbg, child, true, &next, &err);
        dwarf_dealloc(dbg, child, DW_DLA_DIE);
        child = next;
    }
    if (res == DW_DLV_OK && child != NULL)
        dwarf_dealloc(dbg, child, DW_DLA_DIE);
    if (*rc == 0 && res == DW_DLV_ERROR)
        *rc = reader_dwarf_error(rd, err, "reading a function type");
    if (*rc < 0) {
        align_buf_free(&b);
        return NULL;
    }
    if (nparams == 0 && (d->has & HAS_PROTOTYPED))
        align_buf_puts(&b, "void");
    align_buf_puts(&b, ")");
    t = b.failed ? NULL : align_type_func(g);
    if (t != NULL)
        align_type_set_display(g, t, b.data);
    align_buf_free(&b);
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}

/* ------------------------------------------------------------- inference */

typedef struct infer_ctx {
    align_graph *g;
    uint8_t *state; /* by type id: 0 new, 1 in progress, 2 done */
    placed *pl;     /* scratch, pl_cap entries */
    size_t pl_cap;
    align_field *saved; /* the record's fields before an attempt */
    size_t saved_cap;
    size_t ninferred;
} infer_ctx;

/* 1 when the model reproduces every given offset and the size, 0 when not
 * (*bad = first member that differs, or nfields for the size), -1 when
 * the model cannot lay the record out at all. */
static int model_matches(infer_ctx *c, const align_type *rec, uint32_t *bad)
{
    uint64_t size, ptrdata;
    uint32_t align;
    if (rec->nfields > c->pl_cap) {
        size_t ncap = rec->nfields * 2;
        placed *p = realloc(c->pl, ncap * sizeof *p);
        if (p == NULL)
            return -1;
        c->pl = p;
        c->pl_cap = ncap;
    }
    if (layout_place(c->g, rec, NULL, c->pl, &size, &align, &ptrdata, 0) < 0) {
        align_error_clear();
        return -1;
    }
    for (uint32_t i = 0; i < rec->nfields; i++) {
        int64_t given = rec->fields[i].given_bit_offset;
        if (given >= 0 && (uint64_t)given != c->pl[i].bit_offset) {
            *bad = i;
            return 0;
        }
    }
    *bad = rec->nfields;
    return rec->given_size < 0 || (uint64_t)rec->given_size == size;
}

/* Inserts an unnamed bit-field of type t and width bits before field i. */
static int insert_bitfield(infer_ctx *c, align_type *rec, uint32_t i, align_type *t, uint32_t bits)
{
    align_field_spec spec = align_field_spec_init();
    align_field f;
    spec.type = t;
    spec.is_bitfield = 1;
    spec.bit_size = bits;
    if (align_record_add_field(c->g, rec, &spec) < 0)
        return -1;
    f = rec->fields[rec->nfields - 1];
    memmove(&rec->fields[i + 1], &rec->fields[i], (rec->nfields - 1 - i) * sizeof f);
    rec->fields[i] = f;
    return 0;
}

/* Appends unnamed bit-fields covering bits [from, to): trailing padding
 * such as `__u64 :64;`, each piece within one unit of its type. */
static int append_padding(infer_ctx *c, align_type *rec, uint64_t from, uint64_t to)
{
    static const struct {
        uint32_t bits;
        align_prim prim;
    } units[] = {{64, ALIGN_C_ULONG}, {32, ALIGN_C_UINT}, {16, ALIGN_C_USHORT}, {8, ALIGN_C_UCHAR}};
    for (int pieces = 0; from < to; pieces++) {
        uint64_t w = 0;
        align_prim p = ALIGN_C_UCHAR;
        if (pieces == 16)
            return -1;
        if (from % 8 != 0) {
            w = 8 - from % 8 < to - from ? 8 - from % 8 : to - from;
        } else {
            for (size_t k = 0; k < sizeof units / sizeof units[0] && w == 0; k++)
                if (from % units[k].bits == 0 && units[k].bits <= to - from) {
                    w = units[k].bits;
                    p = units[k].prim;
                }
            if (w == 0)
                w = to - from;
        }
        align_type *t = align_type_prim(c->g, p);
        if (t == NULL || insert_bitfield(c, rec, rec->nfields, t, (uint32_t)w) < 0)
            return -1;
        from += w;
    }
    return 0;
}

/* Explanation 1: unnamed bit-fields DWARF did not record. */
static int try_bitfields(infer_ctx *c, align_type *rec)
{
    static const align_prim units[] = {ALIGN_C_UCHAR, ALIGN_C_USHORT, ALIGN_C_UINT, ALIGN_C_ULONG};
    bool padded = false;
    for (uint32_t tries = 0; tries < 64; tries++) {
        uint32_t bad;
        int m = model_matches(c, rec, &bad);
        uint64_t model, given;
        align_type *t = NULL;
        uint32_t bits = 0;
        if (m != 0)
            return m;
        if (bad >= rec->nfields) {
            /* Every offset agrees, the size does not: padding at the end. */
            uint64_t end = 0;
            for (uint32_t i = 0; i < rec->nfields; i++)
                if (c->pl[i].bit_offset + c->pl[i].bit_size > end)
                    end = c->pl[i].bit_offset + c->pl[i].bit_size;
            if (padded || rec->given_size < 0 || end >= (uint64_t)rec->given_size * 8 ||
                append_padding(c, rec, end, (uint64_t)rec->given_size * 8) < 0)
                return 0;
            padded = true;
            continue;
        }
        model = c->pl[bad].bit_offset;
        given = (uint64_t)rec->fields[bad].given_bit_offset;
        if (given <= model)
            return 0;
        /* `T :0` for the smallest T whose boundary is exactly there. */
        for (size_t k = 0; k < sizeof units / sizeof units[0] && t == NULL; k++) {
            uint64_t s, pd, pos;
            uint32_t a;
            if (align_abi_prim(align_graph_abi(c->g), units[k], &s, &a, &pd) == 0 &&
                round_up_u64(model, (uint64_t)a * 8, &pos) && pos == given)
                t = align_type_prim(c->g, units[k]);
        }
        /* Else `T :n` padding inside the member's own storage unit. */
        if (t == NULL && rec->fields[bad].is_bitfield && given - model < 64) {
            t = rec->fields[bad].type;
            bits = (uint32_t)(given - model);
        }
        if (t == NULL || insert_bitfield(c, rec, bad, t, bits) < 0)
            return 0;
    }
    return 0;
}

/* Explanation 3: #pragma pack(n). */
static void set_pack(infer_ctx *c, align_type *rec, uint32_t n)
{
    rec->packed = true;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_field *f = &rec->fields[i];
        uint64_t s, pd;
        uint32_t a;
        if (f->is_bitfield || f->aligned != 0)
            continue;
        if (type_size_depth(c->g, f->type, &s, &a, &pd, 1) < 0) {
            align_error_clear();
            continue;
        }
        f->aligned = a < n ? a : n;
    }
}

static void infer_record(infer_ctx *c, align_type *rec)
{
    const uint32_t nfields = rec->nfields, aligned = rec->aligned;
    uint32_t bad;
    int m = model_matches(c, rec, &bad);

    if (m != 0 || rec->packed)
        return; /* agrees, or the model cannot judge */
    if (nfields == 0) {
        if (try_bitfields(c, rec) == 1)
            c->ninferred++;
        return;
    }
    if (nfields > c->saved_cap) {
        align_field *s = realloc(c->saved, nfields * sizeof *s);
        if (s == NULL)
            return;
        c->saved = s;
        c->saved_cap = nfields;
    }
    memcpy(c->saved, rec->fields, nfields * sizeof *rec->fields);
    if (try_bitfields(c, rec) == 1)
        goto inferred;
    rec->nfields = nfields;
    memcpy(rec->fields, c->saved, nfields * sizeof *rec->fields);
    rec->packed = true;
    for (uint32_t n = 1; n <= 64; n *= 2) {
        if (n > 1 && n <= aligned)
            continue;
        rec->aligned = n > 1 ? n : aligned;
        if (model_matches(c, rec, &bad) == 1)
            goto inferred;
        if (bad < nfields)
            break; /* offsets differ: aligned(N) on the record cannot help */
    }
    rec->aligned = aligned;
    for (uint32_t n = 2; n <= 8; n *= 2) {
        set_pack(c, rec, n);
        if (model_matches(c, rec, &bad) == 1)
            goto inferred;
        memcpy(rec->fields, c->saved, nfields * sizeof *rec->fields);
    }
    rec->packed = false;
    return;
inferred:
    c->ninferred++;
}

/* The record a member holds by value (through typedefs and arrays). */
static align_type *by_value_record(align_type *t)
{
    for (unsigned i = 0; t != NULL && i < ALIGN_MAX_DEPTH; i++) {
        if (t->kind == ALIGN_KIND_STRUCT || t->kind == ALIGN_KIND_UNION)
            return t;
        if (t->kind != ALIGN_KIND_NAMED && t->kind != ALIGN_KIND_ARRAY)
            return NULL;
        t = t->target;
    }
    return NULL;
}

static void infer(infer_ctx *c, align_type *rec, unsigned depth)
{
    if (c->state[rec->id] != 0 || depth > ALIGN_MAX_DEPTH || !rec->complete)
        return;
    c->state[rec->id] = 1;
    for (uint32_t i = 0; i < rec->nfields; i++) {
        align_type *inner = by_value_record(rec->fields[i].type);
        if (inner != NULL)
            infer(c, inner, depth + 1);
    }
    /* The record's size was not needed yet: nothing memoised it. */
    infer_record(c, rec);
    c->state[rec->id] = 2;
}

int c_infer_attributes(align_graph *g, align_type **recs, size_t n, size_t *ninferred)
{
    infer_ctx c;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.state = calloc(g->ntypes ? g->ntypes : 1, 1);
    if (c.state == NULL)
        return align_error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        infer(&c, recs[i], 0);
    /* Sizes memoised while trying explanations may describe an attempt
     * that was undone. */
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
    free(c.state);
    free(c.pl);
    free(c.saved);
    *ninferred += c.ninferred;
    return 0;
}
