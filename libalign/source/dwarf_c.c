/*
 * dwarf_c.c - what is particular to C DWARF (GCC 12; Clang's spellings are
 * accepted too): base types, enums and function types.
 *
 * Base types are matched by name first ("long int" is long, "long long int"
 * long long: same size, different types) and checked against the ABI's size;
 * anything else by DW_AT_encoding and size, keeping its own name
 * ("_Float128", "char32_t"), or failing that as an opaque type of its size.
 *
 * const, volatile and restrict change no layout but are kept
 * (align_type_qualified), so that a suggested declaration says
 * `const char *name;` and `char *const p;` as the program does.
 *
 * What DWARF does not say (packed, #pragma pack, unnamed bit-fields) is
 * recovered after loading by align_infer_record_attrs (analysis/infer.c),
 * the engine the debugger module uses too.
 */
#include "source/dwarf_read.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ base types */

static const prim_name c_names[] = {
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
    const prim_name *cn =
        d->name != NULL
            ? prim_name_find(c_names, sizeof c_names / sizeof c_names[0], d->name, strlen(d->name))
            : NULL;
    align_type *t = NULL;
    int p = -1;

    *rc = 0;
    if (cn != NULL && prim_size_is(abi, cn->prim, d->byte_size))
        t = align_type_prim(g, cn->prim);
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

/* A function type's parameter list being written (c_func_type). */
typedef struct param_walk {
    align_buf *b;
    int nparams;
    unsigned depth;
} param_walk;

static int visit_param(dwarf_reader *rd, Dwarf_Die child, Dwarf_Half tag, void *ctx)
{
    param_walk *w = ctx;
    const align_type *t = NULL;
    die_info p;
    int rc = 0;
    if (tag == DW_TAG_formal_parameter) {
        rc = reader_die_info(rd, child, &p);
        if (rc == 0 && (p.has & HAS_TYPE))
            t = reader_type(rd, p.type, w->depth + 1, &rc);
        if (t != NULL)
            align_buf_printf(w->b, "%s%s", w->nparams++ ? ", " : "", t->display);
    } else if (tag == DW_TAG_unspecified_parameters) {
        align_buf_printf(w->b, "%s...", w->nparams++ ? ", " : "");
    }
    return rc;
}

align_type *c_func_type(dwarf_reader *rd, Dwarf_Die die, const die_info *d, unsigned depth, int *rc)
{
    align_graph *g = reader_graph(rd);
    align_type *t;
    align_buf b;
    param_walk w = {&b, 0, depth};

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
    *rc = reader_each_child(rd, die, "reading a function type", visit_param, &w);
    if (*rc < 0) {
        align_buf_free(&b);
        return NULL;
    }
    if (w.nparams == 0 && (d->has & HAS_PROTOTYPED))
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

align_type *c_qualified_type(dwarf_reader *rd, const die_info *d, unsigned depth, int *rc)
{
    align_graph *g = reader_graph(rd);
    align_type *base, *t;
    unsigned q = d->tag == DW_TAG_const_type      ? ALIGN_QUAL_CONST
                 : d->tag == DW_TAG_volatile_type ? ALIGN_QUAL_VOLATILE
                                                  : ALIGN_QUAL_RESTRICT;
    *rc = 0;
    base = (d->has & HAS_TYPE) ? reader_type(rd, d->type, depth + 1, rc)
                               : align_type_prim(g, ALIGN_C_VOID); /* const void */
    if (base == NULL) {
        if (*rc == 0)
            *rc = ALIGN_ENOMEM;
        return NULL;
    }
    t = align_type_qualified(g, base, q);
    if (t == NULL)
        *rc = ALIGN_ENOMEM;
    return t;
}
