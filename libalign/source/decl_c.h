/*
 * decl_c.h - what the two halves of the C declaration parser share; never
 * installed.  decl_c.c reads declarations and builds their types;
 * decl_c_expr.c is its token layer (keywords, advancing, errors at
 * positions, source text put on one line), its integer constant expressions
 * and GCC's attributes.  Two files because one would pass 1,500 lines
 * (STYLE.md); the shared names start with cp_ ("C parser").
 */
#ifndef LIBALIGN_DECL_C_H
#define LIBALIGN_DECL_C_H

#include "source/lex.h"
#include "source/spans.h"
#include "util/table.h"

typedef enum kw {
    KW_NONE,
    /* basic type specifiers, counted: their combination names a primitive */
    KW_VOID,
    KW_CHAR,
    KW_SHORT,
    KW_INT,
    KW_LONG,
    KW_FLOAT,
    KW_DOUBLE,
    KW_SIGNED,
    KW_UNSIGNED,
    KW_BOOL,
    KW_INT128,
    KW_COMPLEX,
    KW_STRUCT,
    KW_UNION,
    KW_ENUM,
    KW_TYPEDEF,
    KW_EXTERN,
    KW_QUAL, /* storage classes, qualifiers, function specifiers: no layout */
    KW_ATOMIC,
    KW_ALIGNAS,
    KW_ATTRIBUTE,
    KW_TYPEOF,
    KW_SIZEOF,
    KW_ALIGNOF,
    KW_STATIC_ASSERT,
    KW_ASM
} kw;
#define NBASIC (KW_COMPLEX + 1)

/* Enum constants (name -> value) and a record's member names.  Names point
 * into the input or the graph, both of which outlive the map. */
typedef struct cslot {
    const char *name; /* len bytes, not NUL-terminated */
    size_t len;
    int64_t value;
} cslot;

typedef TABLE_OF(cslot) cmap; /* name -> entry, in the order put */

enum { CTX_TOP, CTX_MEMBER, CTX_TYPENAME }; /* where specifiers are read */

typedef struct open_rec { /* a record whose body is being read */
    const align_type *rec;
    struct open_rec *up;
} open_rec;

typedef struct parser {
    align_graph *g;
    lexer lx;
    const char *file;             /* graph-owned input name */
    const char *prev_end;         /* end of the last consumed token */
    unsigned prev_line, prev_col; /* and where that is */
    unsigned depth;               /* current nesting, <= MAX_NEST */
    unsigned extern_c;            /* open `extern "C" {` blocks */
    size_t ndecls;                /* decls this parse added */
    open_rec *open;               /* innermost record being defined */
    cmap consts;                  /* enum constants */
    src_spans *spans;             /* src_parse_c: spans recorded, and */
    bool lenient;                 /* unknown types tolerated (spans.h) */
    int span_cur;                 /* record whose body is read, or -1 */
} parser;

#define TOK(p) (&(p)->lx.tok)

typedef struct attrs {
    bool packed;
    uint32_t aligned;    /* the largest aligned(N), bytes; 0: none */
    int64_t vector_size; /* vector_size(N), bytes; 0: none (the last wins) */
    token vector_tok;    /* where it was written, for errors */
} attrs;

typedef struct specs { /* declaration specifiers, read */
    align_type *type;  /* the base type; NULL when unknown at file scope */
    bool is_typedef, is_atomic, unknown, has_alignas;
    uint32_t alignas; /* the largest _Alignas, bytes */
    token first, alignas_tok;
    attrs attr;          /* attributes among the specifiers: the declaration's */
    align_type *defined; /* the struct, union or enum defined here */
    bool defined_untagged;
    const char *start, *end; /* source range */
} specs;

#define ERR_AT(p, t, code, ...) PARSE_ERROR((p), (t)->line, (t)->col, (code), __VA_ARGS__)

/* decl_c_expr.c: tokens */
kw cp_kw(const token *t);
bool cp_is_spec_kw(kw k);
cslot *cp_cmap_find(const cmap *m, const char *name, size_t len);
int cp_cmap_put(cmap *m, const char *name, size_t len, int64_t value);
void cp_cmap_free(cmap *m);
int cp_nomem(void);
int cp_expected(parser *p, const char *what);
int cp_enter(parser *p, const token *at);
int cp_skip_pragmas(parser *p);
int cp_next(parser *p);
int cp_expect(parser *p, const char *punct, const char *what);
int cp_skip_balanced(parser *p);
const char *cp_norm_text(parser *p, const char *a, const char *a_end, const char *b,
                         const char *b_end);
/* decl_c_expr.c: constant expressions, attributes */
int cp_expr(parser *p, int64_t *v);
int cp_parse_attrs(parser *p, attrs *a);
int cp_parse_alignas(parser *p, specs *s);
/* decl_c.c: types */
bool cp_is_type_start(parser *p, const token *t);
int cp_type_name(parser *p, align_type **out);
int cp_size_at(parser *p, const align_type *t, const token *at, uint64_t *size, uint32_t *align);
const align_type *cp_incomplete_of(const align_type *t);
int cp_incomplete_error(parser *p, const token *at, const align_type *inc, const char *what,
                        const char *shown);
bool cp_is_integer_prim(const align_type *r);
int cp_vector_base(parser *p, const specs *s, const attrs *d_attr, align_type **base);

#endif
