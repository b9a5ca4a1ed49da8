/*
 * decl_c_expr.c - the C declaration parser's token layer, its integer
 * constant expressions and GCC's attributes (see decl_c.h, decl_c.c).
 *
 * Tokens: keywords, advancing (skipping _Pragma operators and refusing
 * pack, as lex.c refuses #pragma pack), errors at positions, and a source
 * range put on one line (a member's decl_text, a parameter list).
 *
 * Expressions are what C allows in array sizes, bit-field widths,
 * enumerators and alignments: integer literals, character constants, enum
 * constants, sizeof(type), _Alignof(type), casts, and the unary, binary and
 * conditional operators, evaluated in 64-bit signed arithmetic with every
 * overflow an error (GCC would diagnose it too).  sizeof of an expression
 * is refused: we do not type expressions, and a declaration needs types.
 * Precedence climbing keeps the recursion at 10 levels per parenthesis;
 * nesting is bounded by MAX_NEST.
 */
#include "source/decl_c.h"
#include "util/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_USER_ALIGN (1u << 28) /* GCC: "requested alignment exceeds maximum" */

/* ------------------------------------------------------------ keywords */

#define K(s, k)                                                                                    \
    {                                                                                              \
        s, sizeof s - 1, k                                                                         \
    }
static const struct keyword {
    const char *name;
    size_t len;
    kw kw;
} keywords[] = {
    K("void", KW_VOID),
    K("char", KW_CHAR),
    K("short", KW_SHORT),
    K("int", KW_INT),
    K("long", KW_LONG),
    K("float", KW_FLOAT),
    K("double", KW_DOUBLE),
    K("signed", KW_SIGNED),
    K("__signed", KW_SIGNED),
    K("__signed__", KW_SIGNED),
    K("unsigned", KW_UNSIGNED),
    K("_Bool", KW_BOOL),
    K("__int128", KW_INT128),
    K("_Complex", KW_COMPLEX),
    K("__complex__", KW_COMPLEX),
    K("struct", KW_STRUCT),
    K("union", KW_UNION),
    K("enum", KW_ENUM),
    K("typedef", KW_TYPEDEF),
    K("extern", KW_EXTERN),
    K("static", KW_QUAL),
    K("register", KW_QUAL),
    K("auto", KW_QUAL),
    K("inline", KW_QUAL),
    K("__inline", KW_QUAL),
    K("__inline__", KW_QUAL),
    K("_Noreturn", KW_QUAL),
    K("_Thread_local", KW_QUAL),
    K("thread_local", KW_QUAL),
    K("__thread", KW_QUAL),
    K("const", KW_QUAL),
    K("__const", KW_QUAL),
    K("__const__", KW_QUAL),
    K("volatile", KW_QUAL),
    K("__volatile", KW_QUAL),
    K("__volatile__", KW_QUAL),
    K("restrict", KW_QUAL),
    K("__restrict", KW_QUAL),
    K("__restrict__", KW_QUAL),
    K("__extension__", KW_QUAL),
    K("_Atomic", KW_ATOMIC),
    K("_Alignas", KW_ALIGNAS),
    K("alignas", KW_ALIGNAS),
    K("__attribute__", KW_ATTRIBUTE),
    K("__attribute", KW_ATTRIBUTE),
    K("typeof", KW_TYPEOF),
    K("__typeof__", KW_TYPEOF),
    K("__typeof", KW_TYPEOF),
    K("sizeof", KW_SIZEOF),
    K("_Alignof", KW_ALIGNOF),
    K("alignof", KW_ALIGNOF),
    K("__alignof__", KW_ALIGNOF),
    K("__alignof", KW_ALIGNOF),
    K("_Static_assert", KW_STATIC_ASSERT),
    K("static_assert", KW_STATIC_ASSERT),
    K("asm", KW_ASM),
    K("__asm__", KW_ASM),
    K("__asm", KW_ASM),
};

kw cp_kw(const token *t)
{
    if (t->kind != TOK_IDENT)
        return KW_NONE;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (keywords[i].len == t->len && memcmp(keywords[i].name, t->text, t->len) == 0)
            return keywords[i].kw;
    return KW_NONE;
}

/* Whether a keyword can start or continue declaration specifiers. */
bool cp_is_spec_kw(kw k)
{
    return (k != KW_NONE && k < NBASIC) || k == KW_STRUCT || k == KW_UNION || k == KW_ENUM ||
           k == KW_QUAL || k == KW_ATOMIC || k == KW_ATTRIBUTE || k == KW_TYPEOF;
}

/* --------------------------------------------------- name -> value maps */

static const char *cslot_text(const void *ctx, uint32_t entry, size_t *len)
{
    const cmap *m = ctx;
    *len = m->entries[entry].len;
    return m->entries[entry].name;
}

cslot *cp_cmap_find(const cmap *m, const char *name, size_t len)
{
    uint32_t e = table_find_text(&m->index, name, len, cslot_text, m);
    return e == TABLE_NONE ? NULL : &m->entries[e];
}

int cp_cmap_put(cmap *m, const char *name, size_t len, int64_t value)
{
    cslot *s = cp_cmap_find(m, name, len), fresh = {name, len, value};
    if (s != NULL) {
        s->value = value;
        return 0;
    }
    return TABLE_OF_PUSH(m, hash_str(name, len), &fresh, 16);
}

void cp_cmap_free(cmap *m)
{
    free(m->entries);
    table_free(&m->index);
}

/* ------------------------------------------------------- errors, tokens */

int cp_nomem(void)
{
    return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
}

static const char *tok_desc(const token *t, char *buf, size_t n)
{
    if (t->kind == TOK_EOF)
        return "end of input";
    snprintf(buf, n, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->text);
    return buf;
}

/* "expected X": at the end of the previous token when the current one is on
 * a later line (a missing ';' belongs to the line that lacks it). */
int cp_expected(parser *p, const char *what)
{
    char buf[64];
    const token *t = TOK(p);
    bool after = t->line != p->prev_line;
    return PARSE_ERROR(p, after ? p->prev_line : t->line, after ? p->prev_col : t->col,
                       ALIGN_ESYNTAX, "expected %s, found %s", what, tok_desc(t, buf, sizeof buf));
}

int cp_enter(parser *p, const token *at)
{
    if (p->depth < MAX_NEST) {
        p->depth++;
        return 0;
    }
    ERR_AT(p, at, ALIGN_ELIMIT, "declaration nested deeper than %d levels", MAX_NEST);
    error_hint("split the declaration with typedefs");
    return ALIGN_ELIMIT;
}

static int lex_one(parser *p)
{
    const token *t = TOK(p);
    p->prev_end = t->text + t->len;
    p->prev_line = t->line;
    p->prev_col = t->col + (unsigned)t->len;
    return lex_next(&p->lx);
}

/* Skips _Pragma("...") operators at the current token, refusing pack as
 * lex.c refuses #pragma pack. */
int cp_skip_pragmas(parser *p)
{
    token at;
    while (tok_is(TOK(p), "_Pragma")) {
        at = *TOK(p);
        for (int i = 0; i < 4; i++) {
            const token *t = TOK(p);
            if (i > 0 && !(i == 2 ? t->kind == TOK_STRING : tok_is(t, i == 1 ? "(" : ")")))
                return ERR_AT(p, &at, ALIGN_ESYNTAX, "expected _Pragma(\"...\")");
            if (i == 2 && t->len > 5 && memcmp(t->text + 1, "pack", 4) == 0) {
                ERR_AT(p, &at, ALIGN_ESYNTAX,
                       "_Pragma(\"pack\") is not supported: it changes "
                       "member alignment");
                error_hint("use __attribute__((packed)) on the struct instead");
                return ALIGN_ESYNTAX;
            }
            TRY(lex_one(p));
        }
    }
    return 0;
}

int cp_next(parser *p)
{
    if (TOK(p)->kind != TOK_EOF)
        TRY(lex_one(p));
    return cp_skip_pragmas(p);
}

int cp_expect(parser *p, const char *punct, const char *what)
{
    return tok_is(TOK(p), punct) ? cp_next(p) : cp_expected(p, what);
}

/* Skips from an opening bracket to its match, without recursion. */
int cp_skip_balanced(parser *p)
{
    token open = *TOK(p);
    unsigned depth = 0;
    do {
        const token *t = TOK(p);
        if (t->kind == TOK_EOF)
            return ERR_AT(p, &open, ALIGN_ESYNTAX, "'%.*s' is never closed", (int)open.len,
                          open.text);
        if (t->kind == TOK_PUNCT && t->len == 1 && strchr("([{", t->text[0]) != NULL)
            depth++;
        else if (t->kind == TOK_PUNCT && t->len == 1 && strchr(")]}", t->text[0]) != NULL)
            depth--;
        TRY(cp_next(p));
    } while (depth > 0);
    return 0;
}

/* Two source ranges on one line, joined by a space: tokens as written, any
 * run of blanks, newlines, comments or directives between them one space. */
const char *cp_norm_text(parser *p, const char *a, const char *a_end, const char *b,
                         const char *b_end)
{
    align_buf buf;
    const char *out = NULL;
    align_buf_init(&buf);
    for (int part = 0; part < 2; part++) {
        const char *from = part ? b : a, *to = part ? b_end : a_end, *prev = NULL;
        lexer sub;
        if (from == NULL || to <= from)
            continue;
        if (buf.len > 0)
            align_buf_puts(&buf, " ");
        lex_init(&sub, p->file, from, (size_t)(to - from), LEX_SKIP_CPP);
        while (lex_next(&sub) == 0 && sub.tok.kind != TOK_EOF) {
            if (prev != NULL && prev != sub.tok.text)
                align_buf_puts(&buf, " ");
            align_buf_append(&buf, sub.tok.text, sub.tok.len);
            prev = sub.tok.text + sub.tok.len;
        }
    }
    if (!buf.failed)
        out = align_graph_strdup(p->g, buf.data ? buf.data : "", buf.len);
    align_buf_free(&buf);
    if (out == NULL)
        cp_nomem();
    return out;
}

/* ------------------------------------------------- constant expressions */

static int lit_char(parser *p, const token *t, int64_t *v)
{
    static const char esc[] = "n\nt\tr\rv\vf\fa\ab\be\033\\\\''\"\"??";
    const char *s = t->text + 1, *e = t->text + t->len - 1;
    const char *hit = s + 1 < e ? strchr(esc, s[1]) : NULL;
    int64_t c = 0;
    if (s < e && *s != '\\') {
        c = (unsigned char)*s++;
    } else if (s + 1 < e && (s[1] == 'x' || (s[1] >= '0' && s[1] <= '7'))) {
        bool hex = s[1] == 'x';
        for (s += 1 + hex; s < e && strchr(hex ? "0123456789abcdefABCDEF" : "01234567", *s); s++)
            c = c * (hex ? 16 : 8) + (*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
    } else if (hit != NULL && (hit - esc) % 2 == 0) {
        c = (unsigned char)hit[1];
        s += 2;
    }
    if (s != e || c > 255)
        return ERR_AT(p, t, ALIGN_ESYNTAX, "character constant %.*s is not supported", (int)t->len,
                      t->text);
    *v = c;
    return 0;
}

/* A cast's effect on an integer: truncated to the type's width, sign-
 * extended when the type is signed (plain char as on amd64). */
static void cast_value(parser *p, const align_type *t, int64_t *v)
{
    const align_type *r = align_type_resolve(t);
    uint64_t size, pd, m, u;
    uint32_t al;
    if (!cp_is_integer_prim(r) || align_abi_prim(p->g->abi, r->prim, &size, &al, &pd) < 0 ||
        size >= 8)
        return;
    m = (1ull << (size * 8)) - 1;
    u = (uint64_t)*v & m;
    if (r->prim == ALIGN_C_BOOL)
        u = *v != 0;
    else if ((r->prim == ALIGN_C_CHAR || r->prim == ALIGN_C_SCHAR || r->prim == ALIGN_C_SHORT ||
              r->prim == ALIGN_C_INT) &&
             (u >> (size * 8 - 1)) != 0)
        u |= ~m;
    *v = (int64_t)u;
}

static int expr_unary(parser *p, int64_t *v)
{
    token t = *TOK(p);
    const token *nx;
    const align_type *inc;
    align_type *ty;
    uint64_t size;
    uint32_t align;
    kw k = cp_kw(&t);
    TRY(cp_enter(p, &t));
    if (t.kind == TOK_PUNCT && t.len == 1 && strchr("+-~!", t.text[0]) != NULL) {
        TRY(cp_next(p));
        TRY(expr_unary(p, v));
        if (t.text[0] == '-' && *v == INT64_MIN)
            return ERR_AT(p, &t, ALIGN_EOVERFLOW, "integer overflow in a constant expression");
        *v = t.text[0] == '-' ? -*v : t.text[0] == '~' ? ~*v : t.text[0] == '!' ? !*v : *v;
    } else if (k == KW_SIZEOF || k == KW_ALIGNOF) {
        TRY(cp_next(p));
        TRY(lex_peek(&p->lx, &nx));
        if (!tok_is(TOK(p), "(") || !cp_is_type_start(p, nx)) {
            ERR_AT(p, &t, ALIGN_ESYNTAX, "%.*s of an expression is not supported", (int)t.len,
                   t.text);
            error_hint("write %.*s(type)", (int)t.len, t.text);
            return ALIGN_ESYNTAX;
        }
        TRY(cp_next(p));
        TRY(cp_type_name(p, &ty));
        TRY(cp_expect(p, ")", "')' after the type name"));
        inc = cp_incomplete_of(ty);
        if (inc != NULL)
            return cp_incomplete_error(p, &t, inc,
                                       k == KW_SIZEOF ? "invalid application of 'sizeof' "
                                                        "to incomplete type"
                                                      : "invalid application of '_Alignof' to "
                                                        "incomplete type",
                                       NULL);
        if (align_type_resolve(ty)->kind == ALIGN_KIND_FUNC)
            return ERR_AT(p, &t, ALIGN_EINCOMPLETE, "%.*s of a function type", (int)t.len, t.text);
        TRY(cp_size_at(p, ty, &t, &size, &align));
        if (size > INT64_MAX)
            return ERR_AT(p, &t, ALIGN_EOVERFLOW, "sizeof does not fit in a constant expression");
        *v = k == KW_SIZEOF ? (int64_t)size : (int64_t)align;
    } else if (tok_is(&t, "(")) {
        TRY(lex_peek(&p->lx, &nx));
        TRY(cp_next(p));
        if (cp_is_type_start(p, nx)) {
            TRY(cp_type_name(p, &ty));
            TRY(cp_expect(p, ")", "')' after the type name"));
            TRY(expr_unary(p, v));
            cast_value(p, ty, v);
        } else {
            TRY(cp_expr(p, v));
            TRY(cp_expect(p, ")", "')'"));
        }
    } else if (t.kind == TOK_INT) {
        if (t.ovf || t.ival > (uint64_t)INT64_MAX)
            return ERR_AT(p, &t, ALIGN_EOVERFLOW, "integer constant %.*s is too large", (int)t.len,
                          t.text);
        *v = (int64_t)t.ival;
        TRY(cp_next(p));
    } else if (t.kind == TOK_CHAR) {
        TRY(lit_char(p, &t, v));
        TRY(cp_next(p));
    } else if (t.kind == TOK_IDENT && k == KW_NONE) {
        const cslot *c = cp_cmap_find(&p->consts, t.text, t.len);
        if (c == NULL && !tok_is(&t, "true") && !tok_is(&t, "false")) {
            ERR_AT(p, &t, ALIGN_ESYNTAX, "'%.*s' is not a constant this parser knows",
                   (int)(t.len > 64 ? 64 : t.len), t.text);
            error_hint("sizes and widths must be integer constant expressions: literals, "
                       "enum constants, sizeof, _Alignof (macros are not expanded)");
            return ALIGN_ESYNTAX;
        }
        *v = c != NULL ? c->value : tok_is(&t, "true");
        TRY(cp_next(p));
    } else {
        return cp_expected(p, "an integer constant expression");
    }
    p->depth--;
    return 0;
}

static int binop_prec(const token *t)
{
    static const struct {
        const char *op;
        int prec;
    } ops[] = {{"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4},  {"&", 5},  {"==", 6},
               {"!=", 6}, {"<", 7},  {">", 7}, {"<=", 7}, {">=", 7}, {"<<", 8},
               {">>", 8}, {"+", 9},  {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10}};
    for (size_t i = 0; t->kind == TOK_PUNCT && i < sizeof ops / sizeof ops[0]; i++)
        if (tok_is(t, ops[i].op))
            return ops[i].prec;
    return 0;
}

static int apply_binop(parser *p, const token *op, int64_t a, int64_t b, int64_t *out)
{
    char c0 = op->text[0], c1 = op->len > 1 ? op->text[1] : '\0';
    bool ok = true;
    if ((c0 == '/' || c0 == '%') && b == 0)
        return ERR_AT(p, op, ALIGN_ESYNTAX, "division by zero in a constant expression");
    if ((c0 == '<' || c0 == '>') && c1 == c0 && (b < 0 || b > 62))
        return ERR_AT(p, op, ALIGN_ESYNTAX, "shift count %lld is out of range", (long long)b);
    switch (c0) {
    case '+': ok = !__builtin_add_overflow(a, b, out); break;
    case '-': ok = !__builtin_sub_overflow(a, b, out); break;
    case '*': ok = !__builtin_mul_overflow(a, b, out); break;
    case '/':
    case '%':
        ok = !(a == INT64_MIN && b == -1);
        *out = ok ? (c0 == '/' ? a / b : a % b) : 0;
        break;
    case '<':
        if (c1 == '<')
            ok = !__builtin_mul_overflow(a, (int64_t)1 << b, out);
        else
            *out = c1 == '=' ? a <= b : a < b;
        break;
    case '>': *out = c1 == '>' ? a >> b : c1 == '=' ? a >= b : a > b; break;
    case '=': *out = a == b; break;
    case '!': *out = a != b; break;
    case '&': *out = c1 == '&' ? (a && b) : (a & b); break;
    case '|': *out = c1 == '|' ? (a || b) : (a | b); break;
    default: *out = a ^ b; break;
    }
    return ok ? 0 : ERR_AT(p, op, ALIGN_EOVERFLOW, "integer overflow in a constant expression");
}

/* Precedence climbing: at most 10 levels of recursion per parenthesis. */
static int expr_binary(parser *p, int min_prec, int64_t *v)
{
    TRY(expr_unary(p, v));
    for (int prec; (prec = binop_prec(TOK(p))) != 0 && prec >= min_prec;) {
        token op = *TOK(p);
        int64_t r;
        TRY(cp_next(p));
        TRY(expr_binary(p, prec + 1, &r));
        TRY(apply_binop(p, &op, *v, r, v));
    }
    return 0;
}

int cp_expr(parser *p, int64_t *v)
{
    int64_t a, b;
    TRY(expr_binary(p, 1, v));
    if (tok_is(TOK(p), "?")) { /* a nesting level per '?' */
        TRY(cp_enter(p, TOK(p)));
        TRY(cp_next(p));
        TRY(cp_expr(p, &a));
        TRY(cp_expect(p, ":", "':' in a conditional expression"));
        TRY(cp_expr(p, &b));
        *v = *v ? a : b;
        p->depth--;
    }
    return 0;
}

/* ---------------------------------------------------------- attributes */

/* aligned(N), _Alignas(N): 0 means none (GCC ignores aligned(0) with a
 * warning, _Alignas(0) has no effect), else a power of two up to 2^28. */
static int check_align(parser *p, const token *at, int64_t v, uint32_t *out)
{
    if (v < 0 || (v & (v - 1)) != 0)
        return ERR_AT(p, at, ALIGN_EINVAL, "requested alignment %lld is not a positive power of 2",
                      (long long)v);
    if (v > (int64_t)MAX_USER_ALIGN)
        return ERR_AT(p, at, ALIGN_EINVAL, "requested alignment %lld exceeds the maximum %u",
                      (long long)v, MAX_USER_ALIGN);
    *out = (uint32_t)v;
    return 0;
}

/* __attribute__((...)) lists: packed, aligned and vector_size are kept,
 * GCC's other attributes skipped with their arguments. */
int cp_parse_attrs(parser *p, attrs *a)
{
    while (cp_kw(TOK(p)) == KW_ATTRIBUTE) {
        TRY(cp_next(p));
        TRY(cp_expect(p, "(", "'((' after __attribute__"));
        TRY(cp_expect(p, "(", "'((' after __attribute__"));
        while (!tok_is(TOK(p), ")")) {
            token name = *TOK(p);
            const char *n = name.text;
            size_t len = name.len;
            uint32_t al;
            int64_t e;
            if (tok_is(&name, ",")) {
                TRY(cp_next(p));
                continue;
            }
            if (name.kind != TOK_IDENT)
                return cp_expected(p, "an attribute name");
            TRY(cp_next(p));
            if (len > 4 && memcmp(n, "__", 2) == 0 && memcmp(n + len - 2, "__", 2) == 0) {
                n += 2;
                len -= 4;
            }
            if (len == 6 && memcmp(n, "packed", 6) == 0) {
                a->packed = true;
            } else if (len == 7 && memcmp(n, "aligned", 7) == 0) {
                al = p->g->abi->max_align; /* bare `aligned`: the target's largest */
                if (tok_is(TOK(p), "(")) {
                    TRY(cp_next(p));
                    TRY(cp_expr(p, &e));
                    TRY(cp_expect(p, ")", "')' after the alignment"));
                    TRY(check_align(p, &name, e, &al));
                }
                a->aligned = al > a->aligned ? al : a->aligned;
                continue;
            } else if (len == 11 && memcmp(n, "vector_size", 11) == 0) {
                TRY(cp_expect(p, "(", "'(' after vector_size"));
                TRY(cp_expr(p, &e));
                TRY(cp_expect(p, ")", "')' after the vector size"));
                if (e <= 0)
                    return ERR_AT(p, &name, ALIGN_EINVAL, "vector size %lld is not positive",
                                  (long long)e);
                a->vector_size = e;
                a->vector_tok = name;
                continue;
            }
            if (tok_is(TOK(p), "("))
                TRY(cp_skip_balanced(p));
        }
        TRY(cp_next(p));
        TRY(cp_expect(p, ")", "'))' after the attributes"));
    }
    return 0;
}

int cp_parse_alignas(parser *p, specs *s)
{
    token at = *TOK(p);
    uint32_t v = 0;
    uint64_t size;
    int64_t e;
    align_type *t;
    TRY(cp_next(p));
    TRY(cp_expect(p, "(", "'(' after _Alignas"));
    if (cp_is_type_start(p, TOK(p))) {
        TRY(cp_type_name(p, &t));
        TRY(cp_size_at(p, t, &at, &size, &v));
    } else {
        TRY(cp_expr(p, &e));
        TRY(check_align(p, &at, e, &v));
    }
    TRY(cp_expect(p, ")", "')' after the alignment"));
    s->has_alignas = true;
    s->alignas_tok = at;
    s->alignas = v > s->alignas ? v : s->alignas;
    return 0;
}
