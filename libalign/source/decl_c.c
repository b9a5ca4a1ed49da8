/*
 * decl_c.c - C declarations, typed by hand or read from a header or a C
 * file, turned into the type graph: structs, unions, enums and typedefs with
 * GCC's attributes, every member with its declaration as written.
 *
 * Who calls it: `structalign calc` (declarations from the command line or a
 * file), the Python module (a declaration pasted into a debugger), the
 * tests.  Inputs range from one struct typed by hand to a header of some
 * 10^4 lines; the parse is one pass over the tokens, plus one re-lexing of
 * each member's own text to put it on one line.
 *
 * It models what decides a layout, the way GCC 12 does:
 *   - type specifiers in any order, typedef names (the usual <stdint.h> and
 *     <sys/types.h> ones predeclared, since we read no headers), full
 *     declarators, bit-fields, flexible and zero-length arrays, anonymous
 *     members, __attribute__((packed, aligned(N), aligned)) where GCC takes
 *     them, _Alignas, and _Atomic, which GCC gives an alignment equal to the
 *     size when that is 2, 4, 8 or 16 (`_Atomic struct {char c[2];}` is
 *     2-aligned; align_type_atomic, kept in the displays);
 *   - integer constant expressions in array sizes, widths, enumerators and
 *     alignments; sizeof and _Alignof are evaluated on the graph for its ABI
 *     at parse time (LP64 on every target we model, so the numbers survive
 *     align_graph_set_arch);
 *   - an enum is a named node "enum E" over the integer primitive GCC picks:
 *     int, or unsigned int when no value is negative; 8 bytes when a value
 *     needs 64 bits; when packed, the smallest of 1, 2, 4 and 8 bytes.
 * Qualifiers and storage classes are dropped (displays read like C without
 * them).  Parameter lists are kept as text, never resolved: a prototype may
 * name types we never saw, and a pointer to a function is a pointer.
 * Variables and functions are skipped (bodies by balanced braces).  A name
 * we never saw defined is skipped at file scope, kept as a placeholder in a
 * typedef or behind a '*' (headers use types from headers we do not read),
 * and an error where a layout needs it by value: we do not guess.
 *
 * Graph decls, in source order (taken at the opening brace): every struct
 * or union with a tag, nested ones included (C gives them file scope), and
 * every untagged one defined at file scope; `typedef struct {...} T` names
 * its record "T".  Anonymous members are not decls.  As in C, a member used
 * by value must be complete where it is declared: a by-value use of a
 * forward-declared struct fails here, ALIGN_EINCOMPLETE at the member.
 *
 * Rejected: running the preprocessor.  It needs the user's include paths and
 * macros, which a calculator does not have; lex.c skips directive lines
 * (both arms of an #if are read, `#if 0` groups are not) and refuses
 * `#pragma pack`.  Rejected too: an AST.  Types are built as declarators
 * are read, and a member's decl_text is its source range re-lexed onto one
 * line, which is what re-emitting it in a suggested order needs.
 *
 * Limits: nesting (parentheses, declarators, records, expressions) deeper
 * than MAX_NEST is ALIGN_ELIMIT, so no input can exhaust the stack.  On
 * failure the graph may hold partly built types: discard it.
 *
 * decl_c_expr.c holds the token layer, constant expressions and attributes
 * (decl_c.h is what the two share).
 */
#include "util/vec.h"
#include "source/decl_c.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DERIV 256 /* pointer/array/function steps in a declarator */
#define HOLE "\x01"   /* where the name goes in a display pattern */

static const char empty_hint[] = "calc expects C declarations like: struct S { char c; int i; };";
static const char cpp_hint[] = "both arms of #if/#else are read: the preprocessor does not run";

/* Typedef names usable without their headers: glibc's on LP64, the same on
 * x86-64 and aarch64 (sizeof/_Alignof checked with gcc and aarch64-linux-
 * gnu-gcc; wchar_t is signed on one and unsigned on the other, 4 bytes on
 * both).  The 64-bit ones are long long, which is what glibc uses on ILP32
 * (i386, arm: long is 4 bytes there) and has long's size and alignment on
 * LP64; the rest are long, which is pointer-sized on all four targets.  A
 * typedef in the input replaces them. */
static const prim_name predeclared[] = {
    {"int8_t", ALIGN_C_SCHAR},
    {"uint8_t", ALIGN_C_UCHAR},
    {"int16_t", ALIGN_C_SHORT},
    {"uint16_t", ALIGN_C_USHORT},
    {"int32_t", ALIGN_C_INT},
    {"uint32_t", ALIGN_C_UINT},
    {"int64_t", ALIGN_C_LLONG},
    {"uint64_t", ALIGN_C_ULLONG},
    {"int_least8_t", ALIGN_C_SCHAR},
    {"uint_least8_t", ALIGN_C_UCHAR},
    {"int_least16_t", ALIGN_C_SHORT},
    {"uint_least16_t", ALIGN_C_USHORT},
    {"int_least32_t", ALIGN_C_INT},
    {"uint_least32_t", ALIGN_C_UINT},
    {"int_least64_t", ALIGN_C_LLONG},
    {"uint_least64_t", ALIGN_C_ULLONG},
    {"int_fast8_t", ALIGN_C_SCHAR},
    {"uint_fast8_t", ALIGN_C_UCHAR},
    {"int_fast16_t", ALIGN_C_LONG},
    {"uint_fast16_t", ALIGN_C_ULONG},
    {"int_fast32_t", ALIGN_C_LONG},
    {"uint_fast32_t", ALIGN_C_ULONG},
    {"int_fast64_t", ALIGN_C_LLONG},
    {"uint_fast64_t", ALIGN_C_ULLONG},
    {"intptr_t", ALIGN_C_LONG},
    {"uintptr_t", ALIGN_C_ULONG},
    {"intmax_t", ALIGN_C_LLONG},
    {"uintmax_t", ALIGN_C_ULLONG},
    {"size_t", ALIGN_C_ULONG},
    {"ssize_t", ALIGN_C_LONG},
    {"ptrdiff_t", ALIGN_C_LONG},
    {"wchar_t", ALIGN_C_INT},
    {"char16_t", ALIGN_C_USHORT},
    {"char32_t", ALIGN_C_UINT},
    {"off_t", ALIGN_C_LONG},
    {"pid_t", ALIGN_C_INT},
    {"uid_t", ALIGN_C_UINT},
    {"gid_t", ALIGN_C_UINT},
    {"time_t", ALIGN_C_LONG},
    {"__int128_t", ALIGN_C_INT128},
    {"__uint128_t", ALIGN_C_UINT128},
    {"bool", ALIGN_C_BOOL}, /* <stdbool.h>; C23 makes it a keyword */
};

enum { DOP_PTR, DOP_ARRAY, DOP_FUNC };

typedef struct dop { /* one derivation step of a declarator */
    int kind;
    uint64_t count;     /* DOP_ARRAY: elements, ALIGN_FLEXIBLE for [] */
    const char *params; /* DOP_FUNC: "(int, char *)", graph-owned */
    unsigned line, col;
    bool unsized; /* DOP_ARRAY, lenient: a size we cannot compute */
} dop;

typedef struct dops {
    dop *v; /* in the order they apply to the base type */
    size_t n, cap;
} dops;

typedef struct declarator {
    token name;
    bool named;
    dops ops;
    attrs attr; /* attributes after the declarator (and its width) */
} declarator;

static int parse_specs(parser *p, specs *s, int ctx);
static int parse_dlevel(parser *p, declarator *d, bool abstract, dops *out);

/* ------------------------------------------------------------- types */

/* The typedef a name denotes (the input's, else a predeclared one), or NULL. */
static int lookup_typedef(parser *p, const token *t, align_type **out)
{
    char buf[128];
    const char *name = t->len < sizeof buf ? buf : align_graph_strdup(p->g, t->text, t->len);
    const prim_name *pd;
    align_type *ty, *prim;
    *out = NULL;
    if (name == NULL)
        return ALIGN_ENOMEM;
    if (name == buf) {
        memcpy(buf, t->text, t->len);
        buf[t->len] = '\0';
    }
    ty = align_graph_lookup(p->g, name);
    pd = ty == NULL ? prim_name_find(predeclared, sizeof predeclared / sizeof predeclared[0], name,
                                     strlen(name))
                    : NULL;
    if (pd != NULL) {
        prim = align_type_prim(p->g, pd->prim);
        ty = prim != NULL ? align_type_named(p->g, name, prim) : NULL;
        if (ty == NULL)
            return ALIGN_ENOMEM;
        TRY(align_graph_bind(p->g, name, ty));
    }
    *out = ty;
    return 0;
}

bool cp_is_type_start(parser *p, const token *t)
{
    align_type *ty = NULL;
    kw k = cp_kw(t);
    if (k != KW_NONE)
        return cp_is_spec_kw(k);
    return t->kind == TOK_IDENT && lookup_typedef(p, t, &ty) == 0 && ty != NULL;
}

/* The part of t that makes it unusable by value (an incomplete struct,
 * void, a flexible array as an element, an undefined name), or NULL. */
const align_type *cp_incomplete_of(const align_type *t)
{
    for (unsigned i = 0; t != NULL && i < ALIGN_MAX_DEPTH; i++) {
        const align_type *r = align_type_resolve(t);
        if (r == NULL)
            return t;
        if (r->kind == ALIGN_KIND_ARRAY && r->count != ALIGN_FLEXIBLE) {
            t = r->target;
            continue;
        }
        if (r->kind == ALIGN_KIND_STRUCT || r->kind == ALIGN_KIND_UNION)
            return r->complete ? NULL : r;
        if (r->kind == ALIGN_KIND_ARRAY) /* flexible */
            return r;
        return r->kind == ALIGN_KIND_PRIM && r->prim == ALIGN_C_VOID ? r : NULL;
    }
    return NULL;
}

/* A named node with no target that is not an enum: a name used in a
 * typedef or behind a '*' but never defined. */
static bool is_placeholder(const align_type *t)
{
    return t->kind == ALIGN_KIND_NAMED && t->target == NULL && strncmp(t->name, "enum ", 5) != 0;
}

/* A by-value use of what cp_incomplete_of() found: what is "field" for a
 * member (shown is its name), else the start of the message. */
int cp_incomplete_error(parser *p, const token *at, const align_type *inc, const char *what,
                        const char *shown)
{
    const align_type *u = inc;
    for (unsigned i = 0; i < ALIGN_MAX_DEPTH && u->kind == ALIGN_KIND_NAMED && u->target; i++)
        u = u->target;
    if (is_placeholder(u)) {
        ERR_AT(p, at, ALIGN_EUNKNOWN, "unknown type name '%s'", u->name);
        error_hint("%s%s%sdeclare it before use: #include and macros are not expanded",
                   u != inc ? "it is behind typedef '" : "", u != inc ? inc->name : "",
                   u != inc ? "'; " : "");
        return ALIGN_EUNKNOWN;
    }
    if (strcmp(what, "field") == 0 && inc->kind == ALIGN_KIND_PRIM)
        return ERR_AT(p, at, ALIGN_EINCOMPLETE, "field '%s' declared void", shown);
    if (strcmp(what, "field") == 0)
        ERR_AT(p, at, ALIGN_EINCOMPLETE, "field '%s' has incomplete type '%s'", shown,
               inc->display);
    else
        ERR_AT(p, at, ALIGN_EINCOMPLETE, "%s '%s'", what, inc->display);
    error_hint("define %s before this use, or use a pointer to it", inc->display);
    return ALIGN_EINCOMPLETE;
}

/* align_type_size, with the position of `at` when the error has none. */
int cp_size_at(parser *p, const align_type *t, const token *at, uint64_t *size, uint32_t *align)
{
    uint64_t ptrdata;
    int rc = align_type_size(p->g, t, size, align, &ptrdata);
    if (rc < 0 && align_error_last()->line == 0) {
        char msg[sizeof align_error_last()->message], hint[sizeof align_error_last()->hint];
        snprintf(msg, sizeof msg, "%s", align_error_last()->message);
        snprintf(hint, sizeof hint, "%s", align_error_last()->hint);
        ERR_AT(p, at, rc, "%s", msg);
        error_hint("%s", hint);
    }
    return rc;
}

bool cp_is_integer_prim(const align_type *r)
{
    return r != NULL && r->kind == ALIGN_KIND_PRIM && r->prim >= ALIGN_C_BOOL &&
           r->prim <= ALIGN_C_UINT128;
}

/* vector_size(N) makes the declaration's base type (what its specifiers
 * name, under any declarator: `int *p __attribute__((vector_size(16)))` is
 * a pointer to a vector, as GCC reads it) a GCC vector of N bytes; the
 * declarator's attribute wins over the specifiers'.  GCC's rules: integer
 * (not _Bool) and real floating elements only, N a multiple of the
 * element's size, a power-of-two number of elements. */
int cp_vector_base(parser *p, const specs *s, const attrs *d_attr, align_type **base)
{
    const attrs *a = d_attr != NULL && d_attr->vector_size ? d_attr : &s->attr;
    const align_type *r;
    uint64_t es, n;
    uint32_t ea;
    *base = s->type;
    if (a->vector_size == 0 || s->type == NULL)
        return 0;
    r = align_type_resolve(s->type);
    if (r == NULL || r->kind != ALIGN_KIND_PRIM || r->prim < ALIGN_C_CHAR ||
        r->prim > ALIGN_C_LDOUBLE)
        return ERR_AT(p, &a->vector_tok, ALIGN_EINVAL,
                      "invalid vector type for attribute 'vector_size': %s", s->type->display);
    TRY(cp_size_at(p, s->type, &a->vector_tok, &es, &ea));
    if ((uint64_t)a->vector_size % es != 0)
        return ERR_AT(p, &a->vector_tok, ALIGN_EINVAL,
                      "vector size %lld is not an integral multiple of the component size "
                      "(%s: %llu bytes)",
                      (long long)a->vector_size, s->type->display, (unsigned long long)es);
    n = (uint64_t)a->vector_size / es;
    if ((n & (n - 1)) != 0)
        return ERR_AT(p, &a->vector_tok, ALIGN_EINVAL,
                      "number of vector components %llu is not a power of two",
                      (unsigned long long)n);
    *base = align_type_vector(p->g, s->type, n);
    return *base != NULL ? 0 : cp_nomem();
}

/* The primitive that counted basic specifiers name, or ALIGN_PRIM_COUNT. */
static align_prim basic_prim(const unsigned *n)
{
#define B(k) (1u << (k))
    const unsigned sign = B(KW_SIGNED) | B(KW_UNSIGNED);
    unsigned m = 0, im;
    bool uns = n[KW_UNSIGNED] > 0, ld = n[KW_LONG] == 1;
    for (int k = KW_VOID; k < NBASIC; k++) {
        if (n[k] > (k == KW_LONG ? 2u : 1u))
            return ALIGN_PRIM_COUNT;
        m |= n[k] ? B(k) : 0;
    }
    if ((m & sign) == sign)
        return ALIGN_PRIM_COUNT;
    if (m == B(KW_VOID) || m == B(KW_BOOL) || m == B(KW_FLOAT) || m == B(KW_DOUBLE))
        return m == B(KW_VOID)    ? ALIGN_C_VOID
               : m == B(KW_BOOL)  ? ALIGN_C_BOOL
               : m == B(KW_FLOAT) ? ALIGN_C_FLOAT
                                  : ALIGN_C_DOUBLE;
    if ((m & ~sign) == B(KW_CHAR))
        return n[KW_SIGNED] ? ALIGN_C_SCHAR : uns ? ALIGN_C_UCHAR : ALIGN_C_CHAR;
    if ((m & ~sign) == B(KW_INT128))
        return uns ? ALIGN_C_UINT128 : ALIGN_C_INT128;
    if (m == (B(KW_DOUBLE) | B(KW_LONG)) && ld)
        return ALIGN_C_LDOUBLE;
    if (m == (B(KW_COMPLEX) | B(KW_FLOAT)))
        return ALIGN_C_CFLOAT;
    if (m == B(KW_COMPLEX) || m == (B(KW_COMPLEX) | B(KW_DOUBLE))) /* bare _Complex: double */
        return ALIGN_C_CDOUBLE;
    if (m == (B(KW_COMPLEX) | B(KW_DOUBLE) | B(KW_LONG)) && ld)
        return ALIGN_C_CLDOUBLE;
    im = m & ~(sign | B(KW_INT)); /* [un]signed [short | long | long long] [int] */
    if (im == 0 && m != 0)
        return uns ? ALIGN_C_UINT : ALIGN_C_INT;
    if (im == B(KW_SHORT))
        return uns ? ALIGN_C_USHORT : ALIGN_C_SHORT;
    if (im == B(KW_LONG))
        return ld ? (uns ? ALIGN_C_ULONG : ALIGN_C_LONG) : (uns ? ALIGN_C_ULLONG : ALIGN_C_LLONG);
    return ALIGN_PRIM_COUNT;
#undef B
}

/* Replaces the hole of a display pattern by l HOLE r. */
static int wrap_hole(align_buf *pat, const char *l, const char *r)
{
    align_buf nb;
    const char *h = strchr(pat->data, HOLE[0]);
    align_buf_init(&nb);
    align_buf_append(&nb, pat->data, (size_t)(h - pat->data));
    align_buf_printf(&nb, "%s" HOLE "%s%s", l, r, h + 1);
    align_buf_free(pat);
    *pat = nb;
    return nb.failed ? cp_nomem() : 0;
}

/* Applies a declarator's steps to base, each new node with a display that
 * reads like C ("int (*)[4]", "void (*)(int)"): a pattern with a hole where
 * the name would go, wrapped by each step.  lenient (typedefs): an array of
 * an incomplete type is an error only where it is used by value. */
static int build_type(parser *p, align_type *base, const dops *ops, const char *name, bool lenient,
                      align_type **out)
{
    align_buf pat, disp;
    int prev = -1, rc = 0;
    align_buf_init(&pat);
    align_buf_init(&disp);
    align_buf_puts(&pat, HOLE);
    *out = base;
    for (size_t i = 0; i < ops->n && rc == 0; i++) {
        const dop *o = &ops->v[i];
        const align_type *r = align_type_resolve(*out), *inc;
        token at = {.line = o->line, .col = o->col};
        align_type *nt = NULL;
        uint64_t es;
        uint32_t ea;
        char num[32];
        if (o->kind == DOP_PTR) {
            nt = align_type_pointer(p->g, *out);
            if (prev == DOP_ARRAY || prev == DOP_FUNC) /* int (*)[4], void (*)(int) */
                rc = wrap_hole(&pat, "(*", ")");
            else
                rc = wrap_hole(&pat, "*", "");
        } else if (o->kind == DOP_ARRAY) {
            if (r != NULL && r->kind == ALIGN_KIND_FUNC) {
                rc = ERR_AT(p, &at, ALIGN_ESYNTAX, "declaration of '%s' as array of functions",
                            name);
                break;
            }
            inc = cp_incomplete_of(*out);
            if (inc != NULL && !lenient) {
                rc = cp_incomplete_error(p, &at, inc, "array type has incomplete element type",
                                         name);
                break;
            }
            if (inc == NULL)
                rc = cp_size_at(p, *out, &at, &es, &ea);
            if (inc == NULL && rc == ALIGN_EINCOMPLETE && lenient && p->lenient) {
                align_error_clear();
                rc = 0;
                es = 0;
                ea = 1;
            }
            if (inc == NULL && rc == 0 && ea != 0 && es % ea != 0)
                rc = ERR_AT(p, &at, ALIGN_EINVAL,
                            "alignment of array elements is greater than element size");
            if (o->unsized)
                snprintf(num, sizeof num, "[?]");
            else if (o->count == ALIGN_FLEXIBLE)
                snprintf(num, sizeof num, "[]");
            else
                snprintf(num, sizeof num, "[%llu]", (unsigned long long)o->count);
            if (rc == 0 && o->unsized)
                nt = align_type_named(p->g, NULL, NULL); /* incomplete */
            else if (rc == 0)
                nt = align_type_array(p->g, *out, o->count);
            if (rc == 0 && nt != NULL)
                rc = wrap_hole(&pat, "", num);
        } else {
            if (r != NULL && (r->kind == ALIGN_KIND_FUNC || r->kind == ALIGN_KIND_ARRAY)) {
                rc = ERR_AT(p, &at, ALIGN_ESYNTAX, "'%s' declared as function returning %s", name,
                            r->kind == ALIGN_KIND_FUNC ? "a function" : "an array");
                break;
            }
            nt = align_type_func(p->g);
            if (nt != NULL) {
                nt->target = *out; /* the return type, for readers */
                rc = wrap_hole(&pat, "", o->params);
            }
        }
        if (rc == 0 && nt == NULL)
            rc = ALIGN_ENOMEM;
        if (rc < 0)
            break;
        disp.len = 0;
        align_buf_printf(&disp, "%s ", base->display);
        for (const char *c = pat.data; *c; c++)
            if (*c != HOLE[0])
                align_buf_append(&disp, c, 1);
        if (disp.failed)
            rc = cp_nomem();
        else
            align_type_set_display(p->g, nt, disp.data);
        *out = nt;
        prev = o->kind;
    }
    align_buf_free(&pat);
    align_buf_free(&disp);
    return rc;
}

/* ------------------------------------------------------------- records */

typedef struct members { /* a record body being read */
    align_type *rec;
    cmap names;      /* member names, anonymous members' included */
    bool has_named;  /* a member other than an unnamed bit-field so far */
    bool has_flex;   /* the last member was a flexible array */
    bool flex_alone; /* and no named member came before it */
    token flex_at;
} members;

static int add_name(parser *p, members *ms, const char *name, const token *at)
{
    if (name[0] == '\0')
        return 0;
    if (cp_cmap_find(&ms->names, name, strlen(name)) != NULL && p->lenient)
        return 0; /* both arms of an #if: the record is refused for its
                     preprocessor lines */
    if (cp_cmap_find(&ms->names, name, strlen(name)) != NULL)
        return ERR_AT(p, at, ALIGN_ESYNTAX, "duplicate member '%s'", name);
    return cp_cmap_put(&ms->names, name, strlen(name), 0);
}

/* C11: an anonymous struct's or union's members are the enclosing record's
 * (recursion bounded by MAX_NEST, like the records themselves). */
static int add_anon_names(parser *p, members *ms, const align_type *rec, const token *at)
{
    for (uint32_t i = 0; i < rec->nfields; i++) {
        const align_type *r = align_type_resolve(rec->fields[i].type);
        TRY(add_name(p, ms, rec->fields[i].name, at));
        if (rec->fields[i].name[0] == '\0' && r != NULL &&
            (r->kind == ALIGN_KIND_STRUCT || r->kind == ALIGN_KIND_UNION))
            TRY(add_anon_names(p, ms, r, at));
    }
    return 0;
}

/* Checks one member (d NULL: an anonymous struct or union) and adds it. */
static int add_member(parser *p, members *ms, const specs *s, const declarator *d,
                      const char *d_start, bool has_width, int64_t width, const token *at)
{
    align_field_spec f = align_field_spec_init();
    const char *name = "", *shown;
    align_type *t = s->type;
    const align_type *r, *inc;
    bool flexible;
    uint64_t size, bits;
    uint32_t align;

    if (d != NULL && d->named) {
        name = align_graph_strdup(p->g, d->name.text, d->name.len);
        if (name == NULL)
            return ALIGN_ENOMEM;
    }
    shown = name[0] ? name : "<anonymous>";
    if (d != NULL) {
        align_type *base;
        TRY(cp_vector_base(p, s, &d->attr, &base));
        TRY(build_type(p, base, &d->ops, shown, p->lenient, &t));
    }
    if (ms->has_flex)
        return ERR_AT(p, &ms->flex_at, ALIGN_ESYNTAX, "flexible array member not at end of struct");
    r = align_type_resolve(t);
    if (r != NULL && r->kind == ALIGN_KIND_FUNC)
        return ERR_AT(p, at, ALIGN_ESYNTAX, "field '%s' declared as a function", shown);
    flexible = r != NULL && r->kind == ALIGN_KIND_ARRAY && r->count == ALIGN_FLEXIBLE;
    inc = cp_incomplete_of(flexible ? r->target : t);
    if (inc != NULL && !p->lenient)
        return cp_incomplete_error(p, at, inc, "field", shown);
    if (inc != NULL || (flexible && p->lenient)) {
        /* Lenient: a type from a header we did not read; the layout of
         * this record fails, and says which. */
        size = 0;
        align = 1;
    } else {
        int rc = cp_size_at(p, t, at, &size, &align);
        if (rc == ALIGN_EINCOMPLETE && p->lenient) { /* unsized deeper inside */
            align_error_clear();
            size = 0;
            align = 1;
            inc = t;
        } else if (rc < 0) {
            return rc;
        }
    }
    if (has_width && inc == NULL) {
        if (!cp_is_integer_prim(r))
            return ERR_AT(p, at, ALIGN_EBITFIELD, "bit-field '%s' has invalid type '%s'", shown,
                          t->display);
        bits = r->prim == ALIGN_C_BOOL ? 1 : size * 8;
        if (width < 0)
            return ERR_AT(p, at, ALIGN_EBITFIELD, "negative width in bit-field '%s'", shown);
        if (width == 0 && name[0] != '\0')
            return ERR_AT(p, at, ALIGN_EBITFIELD, "zero width for bit-field '%s'", shown);
        if ((uint64_t)width > bits)
            return ERR_AT(p, at, ALIGN_EBITFIELD, "width of '%s' exceeds its type (%llu bits)",
                          shown, (unsigned long long)bits);
        if (s->has_alignas)
            return ERR_AT(p, &s->alignas_tok, ALIGN_EBITFIELD,
                          "_Alignas specifier used for bit-field '%s'", shown);
    }
    /* GCC compares with the type's minimum alignment (min_align_of_type),
     * which is capped at BIGGEST_ALIGNMENT: _Alignas(16) on a 32-aligned
     * x86 vector is accepted, and the member stays 32-aligned. */
    if (s->has_alignas && s->alignas != 0 &&
        s->alignas < (align < p->g->abi->max_align ? align : p->g->abi->max_align))
        return ERR_AT(p, &s->alignas_tok, ALIGN_EINVAL,
                      "_Alignas specifiers cannot reduce alignment of '%s' (%u bytes)", shown,
                      align);
    if (flexible && ms->rec->kind == ALIGN_KIND_UNION)
        return ERR_AT(p, at, ALIGN_ESYNTAX, "flexible array member in union");
    if (flexible) {
        ms->flex_alone = !ms->has_named;
        ms->has_flex = true;
        ms->flex_at = *at;
    }
    TRY(d != NULL ? add_name(p, ms, name, at) : add_anon_names(p, ms, r, at));
    ms->has_named |= name[0] != '\0' || !has_width;
    f.name = name;
    f.type = t;
    f.aligned = s->attr.aligned;
    if (d != NULL && d->attr.aligned > f.aligned)
        f.aligned = d->attr.aligned;
    if (s->alignas > f.aligned)
        f.aligned = s->alignas;
    f.packed = s->attr.packed || (d != NULL && d->attr.packed);
    f.is_bitfield = has_width;
    f.bit_size = has_width ? (uint32_t)width : 0;
    f.decl_text = cp_norm_text(p, s->start, s->end, d_start, d_start ? p->prev_end : NULL);
    if (f.decl_text == NULL)
        return ALIGN_ENOMEM;
    f.pos = (align_srcpos){p->file, at->line, at->col};
    return align_record_add_field(p->g, ms->rec, &f);
}

/* One member declaration: specifiers, then declarators up to ';'. */
/* The member declaration just read (specs s, fields from `first` on) as a
 * span of the record being read, when spans are recorded. */
static int member_span(parser *p, members *ms, const specs *s, uint32_t first)
{
    src_member m;
    const char *b;
    if (p->spans == NULL || p->span_cur < 0)
        return 0;
    b = p->spans->base;
    memset(&m, 0, sizeof m);
    m.start = (size_t)(s->start - b);
    m.end = (size_t)(p->prev_end - b);
    m.first = first;
    m.count = ms->rec->nfields - first;
    m.type_start = (size_t)(s->start - b);
    m.type_end = (size_t)(s->end - b);
    m.tag_start = m.tag_end = m.type_end;
    m.defines_tag =
        s->defined != NULL && (!s->defined_untagged || s->defined->kind == ALIGN_KIND_NAMED);
    return src_spans_member(p->spans, p->span_cur, &m);
}

static int parse_member(parser *p, members *ms)
{
    specs s;
    int rc = 0;
    uint32_t first = ms->rec->nfields;
    TRY(parse_specs(p, &s, CTX_MEMBER));
    if (tok_is(TOK(p), ";")) {
        /* No declarator: an untagged struct or union is an anonymous
         * member; a tagged definition or `int;` declares none. */
        if (s.defined != NULL && s.defined_untagged && s.defined->kind != ALIGN_KIND_NAMED)
            TRY(add_member(p, ms, &s, NULL, NULL, false, 0, &s.first));
        TRY(cp_next(p));
        return member_span(p, ms, &s, first);
    }
    for (;;) {
        declarator d;
        const char *d_start = TOK(p)->text;
        token at = *TOK(p);
        int64_t width = 0;
        bool has_width = false;
        memset(&d, 0, sizeof d);
        if (!tok_is(TOK(p), ":"))
            rc = parse_dlevel(p, &d, false, &d.ops);
        if (rc == 0)
            rc = cp_parse_attrs(p, &d.attr);
        if (rc == 0 && tok_is(TOK(p), ":")) {
            at = d.named ? at : *TOK(p);
            has_width = true;
            rc = cp_next(p);
            if (rc == 0)
                rc = cp_expr(p, &width);
            if (rc == 0)
                rc = cp_parse_attrs(p, &d.attr);
        }
        if (rc == 0)
            rc = add_member(p, ms, &s, &d, d_start, has_width, width, d.named ? &d.name : &at);
        if (rc == 0 && p->spans != NULL && p->span_cur >= 0)
            rc = src_spans_name(p->spans, p->span_cur, ms->rec->nfields - 1,
                                (size_t)(d_start - p->spans->base),
                                (size_t)(p->prev_end - p->spans->base));
        free(d.ops.v);
        if (rc < 0)
            return rc;
        if (!tok_is(TOK(p), ",")) {
            TRY(cp_expect(p, ";", "';' after member declaration"));
            return member_span(p, ms, &s, first);
        }
        TRY(cp_next(p));
    }
}

/* A `_Static_assert(...);` among members: skipped (the compiler checks it),
 * but remembered so `fix` knows the record asserts something of itself. */
static int skip_static_assert(parser *p)
{
    TRY(cp_next(p));
    TRY(cp_skip_balanced(p));
    TRY(cp_expect(p, ";", "';' after _Static_assert"));
    if (p->spans != NULL && p->span_cur >= 0)
        p->spans->v[p->span_cur].static_assert_inside = true;
    return 0;
}

static int parse_body(parser *p, align_type *rec)
{
    token open = *TOK(p);
    members ms;
    int rc;
    memset(&ms, 0, sizeof ms);
    ms.rec = rec;
    rc = cp_next(p);
    while (rc == 0 && !tok_is(TOK(p), "}")) {
        if (TOK(p)->kind == TOK_EOF)
            rc = ERR_AT(p, &open, ALIGN_ESYNTAX,
                        "'{' is never closed: expected '}' before the end of input");
        else if (tok_is(TOK(p), ";"))
            rc = cp_next(p);
        else if (cp_kw(TOK(p)) != KW_STATIC_ASSERT)
            rc = parse_member(p, &ms);
        else
            rc = skip_static_assert(p);
    }
    if (rc == 0 && p->spans != NULL && p->span_cur >= 0)
        p->spans->v[p->span_cur].close = (size_t)(TOK(p)->text - p->spans->base);
    cp_cmap_free(&ms.names);
    if (rc == 0 && ms.has_flex && ms.flex_alone)
        rc = ERR_AT(p, &ms.flex_at, ALIGN_ESYNTAX,
                    "flexible array member in a struct with no named members");
    return rc < 0 ? rc : cp_next(p);
}

/* [attrs] [tag] after struct/union/enum: the tag's current type in *t, its
 * name (graph-owned) in *name, both NULL when absent. */
static int parse_tag(parser *p, attrs *a, bool is_enum, align_kind kind, token *tag,
                     const char **name, align_type **t)
{
    *name = NULL;
    *t = NULL;
    TRY(cp_next(p));
    TRY(cp_parse_attrs(p, a));
    if (TOK(p)->kind != TOK_IDENT || cp_kw(TOK(p)) != KW_NONE)
        return 0;
    *tag = *TOK(p);
    *name = align_graph_strdup(p->g, tag->text, tag->len);
    if (*name == NULL)
        return ALIGN_ENOMEM;
    TRY(cp_next(p));
    *t = align_graph_lookup_tag(p->g, *name);
    if (*t != NULL && (is_enum ? (*t)->kind != ALIGN_KIND_NAMED : (*t)->kind != kind))
        return ERR_AT(p, tag, ALIGN_ESYNTAX, "'%s' defined as wrong kind of tag", *name);
    return 0;
}

static int bind_tag_at(parser *p, const char *name, align_type *t, const token *at)
{
    align_type_set_pos(t, (align_srcpos){p->file, at->line, at->col});
    return name != NULL ? align_graph_bind_tag(p->g, name, t) : 0;
}

/* struct/union [attrs] [tag] [{ members } [attrs]] */
static int parse_record(parser *p, specs *s, int ctx, align_kind kind, align_type **out)
{
    const char *kwname = kind == ALIGN_KIND_STRUCT ? "struct" : "union", *name;
    token tag = *TOK(p), kwtok = *TOK(p);
    attrs ra = {0};
    align_type *rec;
    open_rec me;
    int rc, si = -1, outer = p->span_cur;
    TRY(parse_tag(p, &ra, false, kind, &tag, &name, &rec));
    if (!tok_is(TOK(p), "{")) {
        if (name == NULL)
            return cp_expected(p, kind == ALIGN_KIND_STRUCT ? "'{' or a tag after 'struct'"
                                                            : "'{' or a tag after 'union'");
        if (rec == NULL)
            rec = align_type_record(p->g, kind, name);
        if (rec == NULL)
            return ALIGN_ENOMEM;
        if (rec->pos.line == 0)
            TRY(bind_tag_at(p, name, rec, &tag));
        *out = rec;
        return 0;
    }
    if (rec != NULL && rec->complete) {
        ERR_AT(p, &tag, ALIGN_ESYNTAX, "redefinition of '%s %s' (first defined at line %u)", kwname,
               name, rec->pos.line);
        error_hint("%s", cpp_hint);
        return ALIGN_ESYNTAX;
    }
    for (open_rec *o = p->open; rec != NULL && o != NULL; o = o->up)
        if (o->rec == rec)
            return ERR_AT(p, &tag, ALIGN_ESYNTAX, "nested redefinition of '%s %s'", kwname, name);
    if (rec == NULL)
        rec = align_type_record(p->g, kind, name);
    if (rec == NULL)
        return ALIGN_ENOMEM;
    TRY(bind_tag_at(p, name, rec, &tag));
    if (name != NULL || (ctx == CTX_TOP && p->open == NULL)) {
        TRY(align_graph_add_decl(p->g, rec));
        p->ndecls++;
    }
    TRY(cp_enter(p, &tag));
    if (p->spans != NULL) {
        si = src_spans_record(p->spans, rec, name, &kwtok);
        if (si < 0)
            return ALIGN_ENOMEM;
        p->spans->v[si].open = (size_t)(TOK(p)->text - p->spans->base);
        p->spans->v[si].parent = outer;
        p->span_cur = si;
    }
    me = (open_rec){rec, p->open};
    p->open = &me;
    rc = parse_body(p, rec);
    p->span_cur = outer;
    p->open = me.up;
    p->depth--;
    TRY(rc);
    TRY(cp_parse_attrs(p, &ra));
    align_type_set_packed(rec, ra.packed);
    align_type_set_aligned(rec, ra.aligned);
    align_record_complete(rec, -1, -1);
    s->defined = rec;
    s->defined_untagged = name == NULL;
    *out = rec;
    return 0;
}

/* The integer type GCC gives an enum with values in [min, max] (c-decl.cc
 * finish_enum): int, or unsigned int when none is negative, if the values
 * fit in 32 bits, else 64 bits; packed: the smallest of 8/16/32/64 bits. */
static align_prim enum_prim(int64_t min, int64_t max, bool packed)
{
    static const align_prim prims[2][4] = {
        {ALIGN_C_UCHAR, ALIGN_C_USHORT, ALIGN_C_UINT, ALIGN_C_ULONG},
        {ALIGN_C_SCHAR, ALIGN_C_SHORT, ALIGN_C_INT, ALIGN_C_LONG}};
    unsigned bits = 1, size;
    while (bits < 64 &&
           (min >= 0 ? (uint64_t)max >> bits != 0
                     : min < -((int64_t)1 << (bits - 1)) || max >= (int64_t)1 << (bits - 1)))
        bits++;
    size = packed ? (bits <= 8 ? 0 : bits <= 16 ? 1 : bits <= 32 ? 2 : 3) : (bits <= 32 ? 2 : 3);
    return prims[min < 0][size];
}

/* enum [attrs] [tag] [{ enumerators } [attrs]] */
static int parse_enum(parser *p, specs *s, align_type **out)
{
    token kwt = *TOK(p), tag = kwt;
    attrs ea = {0};
    align_type *e, *prim, *clash;
    align_buf buf;
    const char *name;
    int64_t val = 0, min = 0, max = 0;
    bool any = false;
    TRY(parse_tag(p, &ea, true, ALIGN_KIND_NAMED, &tag, &name, &e));
    if (e != NULL && e->target != NULL && tok_is(TOK(p), "{")) {
        ERR_AT(p, &tag, ALIGN_ESYNTAX, "redefinition of '%s' (first defined at line %u)",
               e->display, e->pos.line);
        error_hint("%s", cpp_hint);
        return ALIGN_ESYNTAX;
    }
    if (e == NULL) {
        align_buf_init(&buf);
        align_buf_printf(&buf, "enum %s", name ? name : "{...}");
        e = buf.failed ? NULL : align_type_named(p->g, buf.data, NULL);
        align_buf_free(&buf);
        if (e == NULL)
            return cp_nomem();
        TRY(bind_tag_at(p, name, e, &tag));
    }
    *out = e;
    if (!tok_is(TOK(p), "{"))
        return name == NULL ? cp_expected(p, "'{' or a tag after 'enum'") : 0;
    align_type_set_pos(e, (align_srcpos){p->file, tag.line, tag.col});
    TRY(cp_next(p));
    while (!tok_is(TOK(p), "}")) {
        token en = *TOK(p);
        attrs ignored = {0};
        if (en.kind != TOK_IDENT || cp_kw(&en) != KW_NONE)
            return cp_expected(p, "an enumerator name");
        TRY(cp_next(p));
        TRY(cp_parse_attrs(p, &ignored));
        if (tok_is(TOK(p), "=")) {
            TRY(cp_next(p));
            TRY(cp_expr(p, &val));
        } else if (any && __builtin_add_overflow(val, 1, &val)) {
            return ERR_AT(p, &en, ALIGN_EOVERFLOW, "overflow in enumeration values");
        }
        if (cp_cmap_find(&p->consts, en.text, en.len) != NULL)
            return ERR_AT(p, &en, ALIGN_ESYNTAX, "redeclaration of enumerator '%.*s'", (int)en.len,
                          en.text);
        TRY(lookup_typedef(p, &en, &clash));
        if (clash != NULL)
            return ERR_AT(p, &en, ALIGN_ESYNTAX, "'%.*s' redeclared as a different kind of symbol",
                          (int)en.len, en.text);
        TRY(cp_cmap_put(&p->consts, en.text, en.len, val));
        min = any && min < val ? min : val;
        max = any && max > val ? max : val;
        any = true;
        if (!tok_is(TOK(p), "}"))
            TRY(cp_expect(p, ",", "',' or '}' in the enumerator list"));
    }
    if (!any)
        return ERR_AT(p, &kwt, ALIGN_ESYNTAX, "empty enum is invalid");
    TRY(cp_next(p));
    TRY(cp_parse_attrs(p, &ea));
    prim = align_type_prim(p->g, enum_prim(min, max, ea.packed));
    if (prim == NULL)
        return ALIGN_ENOMEM;
    align_type_set_target(e, prim);
    if (ea.aligned > p->g->abi->prim[prim->prim].align)
        align_type_set_aligned(e, ea.aligned);
    s->defined = e;
    s->defined_untagged = name == NULL;
    return 0;
}

/* ---------------------------------------------------------- specifiers */

static int unknown_type(parser *p, const token *t)
{
    const char *name = align_graph_strdup(p->g, t->text, t->len);
    align_type *tag = name ? align_graph_lookup_tag(p->g, name) : NULL;
    ERR_AT(p, t, ALIGN_EUNKNOWN, "unknown type name '%.*s'", (int)(t->len > 64 ? 64 : t->len),
           t->text);
    if (tag != NULL)
        error_hint("use '%s' (in C a tag is not a type name)", tag->display);
    else
        error_hint("declare it before use: #include and macros are not expanded");
    return ALIGN_EUNKNOWN;
}

/* _Atomic T: a node of its own (align_type_atomic), so that the alignment
 * GCC gives 2-, 4-, 8- and 16-byte atomic types is decided for the ABI the
 * graph is laid out for, and the declaration keeps its qualifier. */
static int atomic_type(parser *p, specs *s)
{
    const align_type *r = align_type_resolve(s->type);
    align_type *t;
    if (r == NULL || r->kind == ALIGN_KIND_FUNC)
        return 0; /* only ever behind a pointer, where it changes nothing */
    t = align_type_atomic(p->g, s->type);
    if (t == NULL)
        return cp_nomem();
    s->type = t;
    return 0;
}

/* An identifier in specifiers that names no type we know. */
static int unknown_ident(parser *p, specs *s, int ctx, align_type **other)
{
    const token *t = TOK(p), *nx;
    align_type *ty = NULL;
    const char *name;
    TRY(lex_peek(&p->lx, &nx));
    if (ctx == CTX_TOP && !s->is_typedef) {
        /* Followed by what continues a declaration, it is a macro such as
         * __BEGIN_DECLS: skip it.  Else skip the whole declaration. */
        kw k = cp_kw(nx);
        if (cp_is_spec_kw(k) || k == KW_TYPEDEF || k == KW_EXTERN || k == KW_ALIGNAS ||
            (k == KW_NONE && nx->kind == TOK_IDENT && lookup_typedef(p, nx, &ty) == 0 && ty))
            return cp_next(p);
        s->unknown = true;
        return 1;
    }
    name = align_graph_strdup(p->g, t->text, t->len);
    if (name == NULL)
        return ALIGN_ENOMEM;
    /* A typedef of, or a pointer to, a type from a header we did not read:
     * a placeholder, an error only where it is needed by value.  A tag's
     * name used as a type is a mistake, not a type we did not see. */
    if ((!s->is_typedef && !(ctx == CTX_MEMBER && (tok_is(nx, "*") || p->lenient))) ||
        align_graph_lookup_tag(p->g, name) != NULL)
        return unknown_type(p, t);
    *other = align_type_named(p->g, name, NULL);
    if (*other == NULL)
        return ALIGN_ENOMEM;
    align_type_set_pos(*other, (align_srcpos){p->file, t->line, t->col});
    TRY(align_graph_bind(p->g, name, *other));
    return cp_next(p);
}

static int parse_specs(parser *p, specs *s, int ctx)
{
    unsigned n[NBASIC] = {0};
    bool any_basic = false;
    align_type *other = NULL;
    memset(s, 0, sizeof *s);
    s->first = *TOK(p);
    s->start = TOK(p)->text;
    for (;;) {
        const token *t = TOK(p);
        kw k = cp_kw(t);
        token at = *t;
        int rc;
        if (((k != KW_NONE && k < NBASIC) && other != NULL) ||
            ((k == KW_STRUCT || k == KW_UNION || k == KW_ENUM || k == KW_TYPEOF) &&
             (other != NULL || any_basic))) {
            ERR_AT(p, t, ALIGN_ESYNTAX, "two or more data types in declaration specifiers");
            if (s->defined != NULL)
                error_hint("is a ';' missing after the definition of %s?", s->defined->display);
            return ALIGN_ESYNTAX;
        }
        if (k != KW_NONE && k < NBASIC) {
            n[k]++;
            any_basic = true;
            TRY(cp_next(p));
        } else if (k == KW_STRUCT || k == KW_UNION) {
            TRY(parse_record(p, s, ctx, k == KW_STRUCT ? ALIGN_KIND_STRUCT : ALIGN_KIND_UNION,
                             &other));
        } else if (k == KW_ENUM) {
            TRY(parse_enum(p, s, &other));
        } else if (k == KW_TYPEDEF || k == KW_EXTERN || k == KW_QUAL) {
            s->is_typedef |= k == KW_TYPEDEF;
            TRY(cp_next(p));
        } else if (k == KW_ATOMIC) {
            s->is_atomic = true;
            TRY(cp_next(p));
            if (tok_is(TOK(p), "(")) { /* _Atomic(type) */
                if (other != NULL || any_basic)
                    return ERR_AT(p, &at, ALIGN_ESYNTAX,
                                  "two or more data types in declaration specifiers");
                TRY(cp_next(p));
                TRY(cp_type_name(p, &other));
                TRY(cp_expect(p, ")", "')' after the type name"));
            }
        } else if (k == KW_ALIGNAS) {
            TRY(cp_parse_alignas(p, s));
        } else if (k == KW_ATTRIBUTE) {
            TRY(cp_parse_attrs(p, &s->attr));
        } else if (k == KW_TYPEOF) {
            TRY(cp_next(p));
            TRY(cp_expect(p, "(", "'(' after typeof"));
            if (!cp_is_type_start(p, TOK(p)))
                return ERR_AT(p, &at, ALIGN_ESYNTAX, "typeof of an expression is not supported");
            TRY(cp_type_name(p, &other));
            TRY(cp_expect(p, ")", "')' after the type name"));
        } else if (k == KW_NONE && t->kind == TOK_IDENT && other == NULL && !any_basic) {
            TRY(lookup_typedef(p, t, &other));
            if (other != NULL) {
                TRY(cp_next(p));
            } else {
                rc = unknown_ident(p, s, ctx, &other);
                if (rc != 0)
                    return rc < 0 ? rc : 0;
            }
        } else {
            break;
        }
    }
    s->end = p->prev_end;
    if (other == NULL && !any_basic)
        return cp_expected(p, ctx == CTX_TOP ? "a declaration" : "a type name");
    if (other == NULL) {
        align_prim prim = basic_prim(n);
        if (prim == ALIGN_PRIM_COUNT)
            return ERR_AT(p, &s->first, ALIGN_ESYNTAX, "invalid combination of type specifiers");
        other = align_type_prim(p->g, prim);
        if (other == NULL)
            return ALIGN_ENOMEM;
    }
    s->type = other;
    return s->is_atomic ? atomic_type(p, s) : 0;
}

/* ---------------------------------------------------------- declarators */

static int dops_push(parser *p, dops *o, const dop *d)
{
    if (o->n >= MAX_DERIV)
        return PARSE_ERROR(p, d->line, d->col, ALIGN_ELIMIT,
                           "declarator with more than %d pointer, array and function steps",
                           MAX_DERIV);
    if (vec_push((void **)&o->v, &o->n, &o->cap, sizeof *o->v, 8, d) < 0)
        return cp_nomem();
    return 0;
}

/* An array or function suffix. */
static int parse_suffix(parser *p, const declarator *d, dops *suffix)
{
    token at = *TOK(p);
    dop o = {.kind = DOP_ARRAY, .line = at.line, .col = at.col};
    int64_t n;
    if (tok_is(&at, "(")) { /* parameters: kept as text, never resolved */
        o.kind = DOP_FUNC;
        TRY(cp_skip_balanced(p));
        o.params = cp_norm_text(p, at.text, p->prev_end, NULL, NULL);
        if (o.params == NULL)
            return ALIGN_ENOMEM;
        return dops_push(p, suffix, &o);
    }
    TRY(cp_next(p));
    while (cp_kw(TOK(p)) == KW_QUAL)
        TRY(cp_next(p));
    o.count = ALIGN_FLEXIBLE;
    if (!tok_is(TOK(p), "]")) {
        int rc;
        at = *TOK(p);
        rc = cp_expr(p, &n);
        if (rc < 0 && p->lenient && rc != ALIGN_ENOMEM) {
            /* A size from a macro we did not see: the array stays
             * unsized, and so does a struct that holds it by value. */
            int depth = 0;
            align_error_clear();
            while (depth > 0 || !tok_is(TOK(p), "]")) {
                if (TOK(p)->kind == TOK_EOF)
                    return cp_expected(p, "']' after the array size");
                depth += tok_is(TOK(p), "(") || tok_is(TOK(p), "[");
                depth -= tok_is(TOK(p), ")") || tok_is(TOK(p), "]");
                TRY(cp_next(p));
            }
            o.unsized = true;
            n = 0;
        } else if (rc < 0) {
            return rc;
        }
        if (n < 0)
            return ERR_AT(p, &at, ALIGN_ESYNTAX, "size of array '%.*s' is negative",
                          d->named ? (int)d->name.len : 11,
                          d->named ? d->name.text : "<anonymous>");
        o.count = (uint64_t)n;
    }
    TRY(cp_expect(p, "]", "']' after the array size"));
    return dops_push(p, suffix, &o);
}

/* One level of a declarator: pointers, then a name or a parenthesized
 * declarator, then array and function suffixes.  Appends its steps to out
 * in the order they apply to the base type: the pointers, the suffixes from
 * the last, then the inner declarator's. */
static int parse_dlevel(parser *p, declarator *d, bool abstract, dops *out)
{
    token first = *TOK(p);
    const token *nx;
    dops inner = {0}, suffix = {0};
    dop ptr = {.kind = DOP_PTR, .line = first.line, .col = first.col};
    size_t nptr = 0;
    int rc = cp_enter(p, &first);
    while (rc == 0 && tok_is(TOK(p), "*")) {
        attrs ignored = {0}; /* qualifiers and attributes of the pointer */
        nptr++;
        rc = cp_next(p);
        for (kw k;
             rc == 0 && ((k = cp_kw(TOK(p))) == KW_QUAL || k == KW_ATOMIC || k == KW_ATTRIBUTE);)
            rc = k == KW_ATTRIBUTE ? cp_parse_attrs(p, &ignored) : cp_next(p);
    }
    /* '(' starts a nested declarator, not parameters, when what follows can
     * only begin a declarator. */
    nx = NULL;
    if (rc == 0 && tok_is(TOK(p), "("))
        rc = lex_peek(&p->lx, &nx);
    if (rc == 0 && nx != NULL &&
        (tok_is(nx, "*") || tok_is(nx, "(") || tok_is(nx, "[") || cp_kw(nx) == KW_ATTRIBUTE ||
         (!abstract && nx->kind == TOK_IDENT && cp_kw(nx) == KW_NONE))) {
        rc = cp_next(p);
        if (rc == 0)
            rc = parse_dlevel(p, d, abstract, &inner);
        if (rc == 0)
            rc = cp_expect(p, ")", "')' in the declarator");
    } else if (rc == 0 && !abstract && TOK(p)->kind == TOK_IDENT && cp_kw(TOK(p)) == KW_NONE) {
        d->name = *TOK(p);
        d->named = true;
        rc = cp_next(p);
    } else if (rc == 0 && !abstract) {
        rc = cp_expected(p, "an identifier or '(' in the declarator");
    }
    while (rc == 0 && (tok_is(TOK(p), "[") || tok_is(TOK(p), "(")))
        rc = parse_suffix(p, d, &suffix);
    for (size_t i = 0; rc == 0 && i < nptr; i++)
        rc = dops_push(p, out, &ptr);
    for (size_t i = suffix.n; rc == 0 && i-- > 0;)
        rc = dops_push(p, out, &suffix.v[i]);
    for (size_t i = 0; rc == 0 && i < inner.n; i++)
        rc = dops_push(p, out, &inner.v[i]);
    free(inner.v);
    free(suffix.v);
    p->depth -= rc == 0;
    return rc;
}

int cp_type_name(parser *p, align_type **out)
{
    specs s;
    declarator d;
    int rc;
    memset(&d, 0, sizeof d);
    rc = parse_specs(p, &s, CTX_TYPENAME);
    if (rc == 0)
        rc = parse_dlevel(p, &d, true, &d.ops);
    if (rc == 0)
        rc = build_type(p, s.type, &d.ops, "<type name>", false, out);
    free(d.ops.v);
    return rc;
}

/* ---------------------------------------------------------- file scope */

/* Skips a declaration we do not model (a variable, a function and its
 * body).  lenient: its type was unknown, maybe a macro used without ';', so
 * stop quietly where a new declaration plainly starts. */
static int skip_declaration(parser *p, const token *start, bool lenient)
{
    bool init = false;
    for (;;) {
        const token *t = TOK(p);
        kw k = cp_kw(t);
        if (t->kind == TOK_EOF)
            return lenient ? 0
                           : ERR_AT(p, start, ALIGN_ESYNTAX,
                                    "expected ';' at the end of this declaration");
        if (k == KW_STRUCT || k == KW_UNION || k == KW_ENUM || k == KW_TYPEDEF || tok_is(t, "}"))
            return lenient ? 0 : cp_expected(p, "';' at the end of the declaration");
        if (tok_is(t, ";"))
            return cp_next(p);
        if (tok_is(t, "{") || tok_is(t, "(") || tok_is(t, "[")) {
            bool body = tok_is(t, "{") && !init;
            TRY(cp_skip_balanced(p));
            if (body) /* a function body ends its definition */
                return 0;
            continue;
        }
        init = tok_is(t, "=") || (init && !tok_is(t, ","));
        TRY(cp_next(p));
    }
}

/* Types are compatible for a repeated typedef (C11 6.7p3). */
static bool same_type(const align_type *a, const align_type *b)
{
    for (unsigned i = 0; i < ALIGN_MAX_DEPTH; i++) {
        a = align_type_resolve(a);
        b = align_type_resolve(b);
        if (a == b || (a != NULL && b != NULL && a->kind == b->kind && a->kind == ALIGN_KIND_FUNC))
            return true;
        if (a == NULL || b == NULL || a->kind != b->kind)
            return false;
        if (a->kind == ALIGN_KIND_PRIM)
            return a->prim == b->prim;
        if (a->kind != ALIGN_KIND_POINTER && (a->kind != ALIGN_KIND_ARRAY || a->count != b->count))
            return false;
        a = a->target;
        b = b->target;
    }
    return false;
}

/* One typedef declarator: binds its name. */
static int add_typedef(parser *p, specs *s, declarator *d)
{
    const char *name = align_graph_strdup(p->g, d->name.text, d->name.len);
    uint32_t aligned = s->attr.aligned > d->attr.aligned ? s->attr.aligned : d->attr.aligned;
    align_srcpos pos = {p->file, d->name.line, d->name.col};
    align_type *t, *old, *nt, *base;
    if (name == NULL)
        return ALIGN_ENOMEM;
    /* Lenient: an array of a struct from a header we did not read fails
     * where it is used by value, not here. */
    TRY(cp_vector_base(p, s, &d->attr, &base));
    TRY(build_type(p, base, &d->ops, name, true, &t));
    if (t == s->defined && s->defined_untagged && t->kind != ALIGN_KIND_NAMED && t->name == NULL) {
        t->name = name; /* typedef struct {...} T: the record is "T" */
        t->display = name;
    }
    if (cp_cmap_find(&p->consts, d->name.text, d->name.len) != NULL)
        return ERR_AT(p, &d->name, ALIGN_ESYNTAX, "'%s' redeclared as a different kind of symbol",
                      name);
    old = align_graph_lookup(p->g, name);
    if (old != NULL && is_placeholder(old)) {
        /* Defines a name used so far behind pointers: never sized, so no
         * memoised size goes stale. */
        align_type_set_target(old, t);
        align_type_set_aligned(old, aligned);
        align_type_set_pos(old, pos);
        return 0;
    }
    if (old != NULL && old->pos.line != 0 && !p->lenient &&
        (old->kind != ALIGN_KIND_NAMED || !same_type(old->target, t))) {
        ERR_AT(p, &d->name, ALIGN_ESYNTAX,
               "conflicting types for '%s' (previous declaration at line %u)", name, old->pos.line);
        error_hint("%s", cpp_hint);
        return ALIGN_ESYNTAX;
    }
    /* The same typedef again (C11 allows it; GCC keeps the larger aligned(N)
     * of the two for later uses), else a new node: uses so far keep theirs,
     * as they would keep a predeclared name's meaning. */
    if (old != NULL && old->pos.line != 0 && aligned <= old->aligned)
        return 0;
    if (old != NULL && old->pos.line != 0)
        aligned = old->aligned > aligned ? old->aligned : aligned;
    nt = align_type_named(p->g, name, t);
    if (nt == NULL)
        return ALIGN_ENOMEM;
    align_type_set_aligned(nt, aligned);
    align_type_set_pos(nt, pos);
    return align_graph_bind(p->g, name, nt);
}

static int parse_typedefs(parser *p, specs *s)
{
    int rc = 0;
    if (s->has_alignas)
        return ERR_AT(p, &s->alignas_tok, ALIGN_EINVAL, "alignment specified for a typedef");
    for (;;) {
        declarator d;
        memset(&d, 0, sizeof d);
        rc = parse_dlevel(p, &d, false, &d.ops);
        if (rc == 0)
            rc = cp_parse_attrs(p, &d.attr);
        if (rc == 0)
            rc = add_typedef(p, s, &d);
        free(d.ops.v);
        if (rc < 0)
            return rc;
        if (!tok_is(TOK(p), ","))
            break;
        TRY(cp_next(p));
    }
    if (TOK(p)->kind == TOK_EOF) /* a last ';' forgotten: harmless */
        return 0;
    return cp_expect(p, ";", "';' after the typedef");
}

static int parse_external(parser *p)
{
    const token *t = TOK(p), *nx;
    kw k = cp_kw(t);
    specs s;
    if (tok_is(t, ";"))
        return cp_next(p);
    if (tok_is(t, "}")) {
        if (p->extern_c == 0)
            return ERR_AT(p, t, ALIGN_ESYNTAX, "unexpected '}'");
        p->extern_c--;
        return cp_next(p);
    }
    if (k == KW_STATIC_ASSERT || k == KW_ASM)
        return skip_declaration(p, t, false);
    if (k == KW_EXTERN) { /* extern "C" { ... } in headers written for C++ too */
        TRY(lex_peek(&p->lx, &nx));
        if (nx->kind == TOK_STRING) {
            TRY(cp_next(p));
            TRY(cp_next(p));
            if (tok_is(TOK(p), "{")) {
                p->extern_c++;
                return cp_next(p);
            }
        }
    }
    TRY(parse_specs(p, &s, CTX_TOP));
    if (s.unknown)
        return skip_declaration(p, &s.first, true);
    if (tok_is(TOK(p), ";"))
        return cp_next(p);
    if (TOK(p)->kind == TOK_EOF) /* `struct S {...}` with its ';' forgotten */
        return 0;
    return s.is_typedef ? parse_typedefs(p, &s) : skip_declaration(p, &s.first, false);
}

int align_decl_parse_c(align_graph *g, const char *file, const char *text, size_t len)
{
    return src_parse_c(g, file, text, len, NULL);
}

int src_parse_c(align_graph *g, const char *file, const char *text, size_t len, src_spans *spans)
{
    parser p;
    const char *nul;
    unsigned line = 1, col = 1;
    int rc;

    memset(&p, 0, sizeof p);
    p.lenient = src_parse_begin(g, ALIGN_LANG_C, text, len, spans);
    p.g = g;
    p.spans = spans;
    p.span_cur = -1;
    p.file = align_graph_strdup(g, file ? file : "<input>", (size_t)-1);
    if (p.file == NULL)
        return ALIGN_ENOMEM;
    text = text ? text : "";
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) { /* a UTF-8 byte order mark */
        text += 3;
        len -= 3;
    }
    nul = memchr(text, '\0', len);
    if (nul != NULL) {
        for (const char *c = text; c < nul; c++) {
            line += *c == '\n';
            col = *c == '\n' ? 1 : col + 1;
        }
        error_set(ALIGN_EFORMAT, p.file, line, col,
                  "NUL byte in the input: is this a binary file?");
        error_hint("%s", empty_hint);
        return ALIGN_EFORMAT;
    }
    lex_init(&p.lx, p.file, text, len, LEX_SKIP_CPP | (spans != NULL ? LEX_PACK_OK : 0));
    p.prev_end = text;
    p.prev_line = 1;
    p.prev_col = 1;
    rc = lex_next(&p.lx);
    if (rc == 0)
        rc = cp_skip_pragmas(&p);
    while (rc == 0 && TOK(&p)->kind != TOK_EOF)
        rc = parse_external(&p);
    if (rc == 0 && p.ndecls == 0 && !p.lenient) {
        rc = error_set(ALIGN_EEMPTY, p.file, 1, 1, "no struct or union definition in the input");
        error_hint("%s", empty_hint);
    }
    cp_cmap_free(&p.consts);
    return rc;
}

/* -------------------------------------------------------- language guess */

static const char *skip_blanks(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* Past the word w at s (and the blanks after it), or NULL. */
static const char *after_word(const char *s, const char *end, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(end - s) < n || memcmp(s, w, n) != 0 ||
        (s + n < end && (isalnum((unsigned char)s[n]) || s[n] == '_')))
        return NULL;
    return skip_blanks(s + n, end);
}

static const char *skip_ident(const char *s, const char *end)
{
    while (s < end && (isalnum((unsigned char)*s) || *s == '_' || (unsigned char)*s >= 0x80))
        s++;
    return s;
}

/* Go when a line starts with a package clause, `type (`, or `type Name
 * struct` (type parameters allowed); C otherwise. */
align_lang align_decl_guess_lang(const char *text, size_t len)
{
    for (const char *s = text, *end = text + (text ? len : 0), *w, *e; s < end;) {
        const char *l = skip_blanks(s, end);
        w = after_word(l, end, "package");
        if (w != NULL && w > l + 7 && skip_ident(w, end) > w)
            return ALIGN_LANG_GO;
        w = after_word(l, end, "type");
        if (w != NULL && w > l + 4 && w < end) {
            if (*w == '(')
                return ALIGN_LANG_GO;
            e = skip_blanks(skip_ident(w, end), end);
            if (e > w && e < end && *e == '[') { /* type parameters */
                while (e < end && *e != ']' && *e != '\n')
                    e++;
                e = e < end && *e == ']' ? skip_blanks(e + 1, end) : end;
            }
            if (e > w && e < end && after_word(e, end, "struct") != NULL)
                return ALIGN_LANG_GO;
        }
        s = memchr(s, '\n', (size_t)(end - s));
        s = s != NULL ? s + 1 : end;
    }
    return ALIGN_LANG_C;
}
