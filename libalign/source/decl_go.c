/*
 * decl_go.c - Go type declarations (source text) into a type graph.
 *
 * What it is for: `structalign calc` and the tests hand it Go source, a whole
 * file or a few pasted declarations, and lay out the struct types declared in
 * it.  Input is usually a few hundred lines; a generated file (syscall
 * tables, protobuf code) can be 10^5 lines with thousands of consts and
 * structs of thousands of fields, so names go through a hash table, field
 * names are checked by sorting, and a const is evaluated only when an array
 * length needs it.  Who calls it: align_decl_parse_go() (libalign.h), from
 * cli/calc.c and the tests; the caller discards the graph when it fails.
 *
 * How: two passes over the tokens of lex.c (LEX_NEWLINES | LEX_RAW_STRINGS;
 * Go's automatic semicolons are applied in ts_next).  Pass 1 records every
 * top-level const (name, first token of its expressions, iota), because a
 * type may use a const declared further down; its errors are ignored, as
 * pass 2 meets the same text.  Pass 2 turns type declarations into graph
 * nodes and skips package, import, var and func (bodies by balanced
 * brackets).  A const is computed by replaying its tokens, in checked int64
 * arithmetic.  A type used before its declaration gets a placeholder (a NAMED
 * node without target) that the declaration completes; one never declared is
 * an error at its first use.
 *
 * Representation:
 * - A slice, map, chan, func or interface takes a few words whatever its
 *   element types, so each use is an unnamed NAMED node (name NULL) whose
 *   target is the interned primitive (ALIGN_GO_SLICE, ...) and whose display
 *   is the type as written, "map[string][]int"; byte, rune, error, any and
 *   alias names are wrapped the same way to keep the spelling.  A wrapper,
 *   not an opaque node: align_type_resolve still finds the primitive and
 *   align_graph_set_arch still projects it; not a name, which would make it
 *   look like a Go defined type.  Element types are resolved (a misspelt name
 *   is an error) but not kept.
 * - The standard library types real structs hold (sync.Mutex, time.Time, ...)
 *   are declared below in Go, copied from the Go 1.19 sources, and parsed by
 *   this parser: real records, right on every ABI.
 * - An unknown qualified type (http.Request) is accepted behind a pointer,
 *   slice, map or chan, where its layout does not matter, as an incomplete
 *   NAMED node; by value it is ALIGN_EUNKNOWN.  Parameter lists and interface
 *   bodies are skipped by balanced brackets.
 *
 * Rejected: go/parser in a helper program (a Go toolchain at run time and a
 * process per call); arbitrary-precision constants (an array length must fit
 * in int64 anyway); accepting undeclared unqualified names behind pointers
 * (the Go compiler rejects them; we would hide typos); import renames
 * (`import t "time"`): qualified names are matched as written.
 */
#include "util/vec.h"
#include "source/lex.h"
#include "source/spans.h"
#include "util/hash.h"
#include "util/table.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A token stream with Go's semicolon insertion: a newline after an
 * identifier, a literal, break/continue/fallthrough/return, ++, --, ), ] or }
 * is a ';' (kept as a TOK_NEWLINE token); other newlines are dropped.  A
 * plain value: copying it is how the parser looks ahead and replays. */
typedef struct tstream {
    lexer lx;
    token tok;            /* the current token */
    bool semi_ok;         /* a newline now would be a ';' */
    const char *prev_end; /* end of the last token consumed, for spans */
} tstream;

typedef enum sym_kind { SYM_TYPE, SYM_FORWARD, SYM_GENERIC, SYM_CONST } sym_kind;

/* A package-level name: the side table of one parse, freed at its end. */
typedef struct sym {
    const char *name; /* into the input text; not NUL-terminated */
    size_t len;
    sym_kind kind;
    unsigned line, col;         /* declaration (SYM_FORWARD: first use) */
    align_type *type;           /* TYPE: bound node; FORWARD, GENERIC: placeholder */
    bool alias;                 /* TYPE: declared with '=' */
    unsigned val_line, val_col; /* FORWARD, GENERIC: first use by value, or 0 */
    /* SYM_CONST */
    token expr;   /* the first token of its expression list */
    size_t index; /* which expression of the list */
    int64_t iota;
    int state; /* 0 not evaluated, 1 evaluating, 2 done */
    int64_t value;
} sym;

typedef struct parser {
    align_graph *g;
    const char *file; /* graph-owned copy, or NULL */
    const char *src;  /* the input */
    size_t len;
    tstream ts;
    unsigned depth;      /* current nesting of types and expressions */
    bool pass_types;     /* pass 2 */
    bool in_stdlib;      /* parsing the stdlib table: predeclared names only */
    token const_list;    /* the const expression list in force (Go repeats */
    bool has_const_list; /* the last one in a group for specs without one) */
    sym *syms;           /* creation order */
    size_t nsyms, syms_cap;
    table sym_index;    /* syms by name */
    align_type **decls; /* top-level candidates in source order */
    size_t ndecls, decls_cap;
    /* src_parse_go: spans recorded, unknown types tolerated (spans.h) */
    src_spans *spans;
    bool lenient;
    int span_next; /* the record whose body parse_struct reads next, -1 */
} parser;

static int parse_type(parser *p, bool indirect, align_type **out);
static int parse_struct(parser *p, align_type *rec);
static int eval_unary(parser *p, tstream *s, int64_t iota, int64_t *out);

/* ------------------------------------------------------------- messages */

/* Copies text for a message: at most 40 bytes, any byte but printable
 * ASCII as \xNN, so that binary input cannot put raw bytes in a message. */
static const char *quote(char *buf, size_t cap, const char *s, size_t n)
{
    size_t o = 0, i;
    for (i = 0; i < n && o < 40 && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
    }
    memcpy(buf + o, i < n ? "..." : "", i < n ? 4 : 1);
    return buf;
}

static int expected(parser *p, const token *t, const char *what)
{
    char q[64];
    if (t->kind == TOK_EOF || t->kind == TOK_NEWLINE)
        return PARSE_ERROR(p, t->line, t->col, ALIGN_ESYNTAX, "expected %s, found %s", what,
                           t->kind == TOK_EOF ? "end of input" : "newline");
    return PARSE_ERROR(p, t->line, t->col, ALIGN_ESYNTAX, "expected %s, found '%s'", what,
                       quote(q, sizeof q, t->text, t->len));
}

static align_srcpos srcpos(const parser *p, const token *t)
{
    return (align_srcpos){p->file, t->line, t->col};
}

/* --------------------------------------------------------------- tokens */

static const char *const keywords[] = {
    "break",  "case",        "chan", "const",   "continue", "default", "defer",
    "else",   "fallthrough", "for",  "func",    "go",       "goto",    "if",
    "import", "interface",   "map",  "package", "range",    "return",  "select",
    "struct", "switch",      "type", "var",     NULL};

static bool is_keyword(const token *t)
{
    for (size_t i = 0; t->kind == TOK_IDENT && keywords[i] != NULL; i++)
        if (tok_is(t, keywords[i]))
            return true;
    return false;
}

static bool is_name(const token *t)
{
    return t->kind == TOK_IDENT && !is_keyword(t);
}

/* The Go spec's rule for automatic semicolons, on the line's last token. */
static bool allows_semi(const token *t)
{
    switch (t->kind) {
    case TOK_IDENT:
        return !is_keyword(t) || tok_is(t, "break") || tok_is(t, "continue") ||
               tok_is(t, "fallthrough") || tok_is(t, "return");
    case TOK_INT:
    case TOK_FLOAT:
    case TOK_STRING:
    case TOK_CHAR: return true;
    case TOK_PUNCT:
        return tok_is(t, ")") || tok_is(t, "]") || tok_is(t, "}") || tok_is(t, "++") ||
               tok_is(t, "--");
    default: return false;
    }
}

static bool is_semi(const token *t)
{
    return t->kind == TOK_NEWLINE || (t->kind == TOK_PUNCT && tok_is(t, ";"));
}

/* 1 for an opening bracket, -1 for a closing one, else 0. */
static int bracket(const token *t)
{
    if (t->kind != TOK_PUNCT || t->len != 1)
        return 0;
    return strchr("([{", t->text[0]) ? 1 : strchr(")]}", t->text[0]) ? -1 : 0;
}

static int ts_next(tstream *s)
{
    if (s->tok.kind != TOK_NEWLINE && s->tok.kind != TOK_EOF && s->tok.text != NULL)
        s->prev_end = s->tok.text + s->tok.len;
    for (;;) {
        TRY(lex_next(&s->lx));
        s->tok = s->lx.tok;
        if (s->tok.kind != TOK_NEWLINE) {
            s->semi_ok = allows_semi(&s->tok);
            return 0;
        }
        if (s->semi_ok) {
            s->semi_ok = false;
            return 0;
        }
    }
}

static int ts_init(parser *p, tstream *s, const char *src, size_t len)
{
    memset(s, 0, sizeof *s);
    lex_init(&s->lx, p->file, src, len, LEX_NEWLINES | LEX_RAW_STRINGS);
    s->prev_end = src;
    return ts_next(s);
}

/* A stream of the input from token t on (t was lexed from it before). */
static int ts_at(parser *p, tstream *s, const token *t)
{
    memset(s, 0, sizeof *s);
    lex_init(&s->lx, p->file, p->src, p->len, LEX_NEWLINES | LEX_RAW_STRINGS);
    s->lx.pos = (size_t)(t->text - p->src);
    s->lx.line = t->line;
    s->lx.col = t->col;
    s->prev_end = t->text;
    return ts_next(s);
}

static int next(parser *p)
{
    return ts_next(&p->ts);
}

/* Consumes the punctuation or keyword s, or fails with "expected what". */
static int expect(parser *p, const char *s, const char *what)
{
    return tok_is(&p->ts.tok, s) ? next(p) : expected(p, &p->ts.tok, what);
}

/* At an opening bracket: consumes through its matching closer. */
static int skip_group(parser *p, tstream *s)
{
    token open = s->tok;
    long depth = 0;
    do {
        if (s->tok.kind == TOK_EOF)
            return PARSE_ERROR(p, open.line, open.col, ALIGN_ESYNTAX,
                               "'%c' is not closed before the end of input", open.text[0]);
        depth += bracket(&s->tok);
        TRY(ts_next(s));
    } while (depth > 0);
    return 0;
}

/* Skips to the end of a spec or expression: the next ';', ',' (when
 * stop_at_comma) or unmatched closer outside brackets; not consumed. */
static int skip_to_end(parser *p, tstream *s, bool stop_at_comma)
{
    while (!is_semi(&s->tok) && s->tok.kind != TOK_EOF && bracket(&s->tok) >= 0 &&
           !(stop_at_comma && tok_is(&s->tok, ",")))
        TRY(bracket(&s->tok) > 0 ? skip_group(p, s) : ts_next(s));
    return 0;
}

/* A declaration ends with ';', a newline or the end of input. */
static int end_decl(parser *p)
{
    if (p->ts.tok.kind == TOK_EOF)
        return 0;
    if (is_semi(&p->ts.tok))
        return next(p);
    return expected(p, &p->ts.tok, "';' or newline after declaration");
}

/* After import or var (and type in pass 1): one spec or a group. */
static int skip_decl(parser *p)
{
    TRY(tok_is(&p->ts.tok, "(") ? skip_group(p, &p->ts) : skip_to_end(p, &p->ts, false));
    return end_decl(p);
}

/* After func: the signature (which may hold struct{...} or interface{...})
 * up to the body, then the body; or no body (assembly). */
static int skip_func(parser *p)
{
    for (;;) {
        const token *t = &p->ts.tok;
        bool literal = tok_is(t, "struct") || tok_is(t, "interface");
        if (is_semi(t) || t->kind == TOK_EOF)
            return end_decl(p);
        if (bracket(t) < 0)
            return expected(p, t, "function body");
        if (tok_is(t, "{")) {
            TRY(skip_group(p, &p->ts));
            return end_decl(p);
        }
        TRY(bracket(t) > 0 ? skip_group(p, &p->ts) : next(p));
        if (literal && tok_is(t, "{"))
            TRY(skip_group(p, &p->ts));
    }
}

/* ---------------------------------------------------------- side tables */

static const char *sym_text(const void *ctx, uint32_t entry, size_t *len)
{
    const sym *s = &((const parser *)ctx)->syms[entry];
    *len = s->len;
    return s->name;
}

static sym *sym_find(parser *p, const char *name, size_t len)
{
    uint32_t i = table_find_text(&p->sym_index, name, len, sym_text, p);
    return i == TABLE_NONE ? NULL : &p->syms[i];
}

/* A new entry for t's name, which sym_find did not find.  Invalidates
 * pointers to other entries. */
static sym *sym_add(parser *p, const token *t, sym_kind kind)
{
    sym *s;
    if (p->nsyms >= TABLE_MAX_ENTRIES - 1) {
        error_set(ALIGN_ELIMIT, p->file, t->line, t->col, "more than 2^31 names declared");
        return NULL;
    }
    if (vec_reserve((void **)&p->syms, &p->syms_cap, p->nsyms + 1, sizeof *p->syms, 64) < 0 ||
        table_add(&p->sym_index, hash_str(t->text, t->len), (uint32_t)p->nsyms) < 0)
        return NULL;
    s = &p->syms[p->nsyms++];
    memset(s, 0, sizeof *s);
    s->name = t->text;
    s->len = t->len;
    s->kind = kind;
    s->line = t->line;
    s->col = t->col;
    return s;
}

static int push_decl(parser *p, align_type *t)
{
    return vec_push((void **)&p->decls, &p->ndecls, &p->decls_cap, sizeof *p->decls, 32, &t);
}

/* The name at t is being declared: ALIGN_ESYNTAX at the later of the two
 * declarations if it is taken; *fwd is its forward entry or SIZE_MAX. */
static int check_new_name(parser *p, const token *t, size_t *fwd)
{
    char q[64];
    const sym *s = sym_find(p, t->text, t->len);
    unsigned l1, c1, l2, c2;
    *fwd = SIZE_MAX;
    if (s == NULL)
        return 0;
    if (s->kind == SYM_FORWARD) {
        *fwd = (size_t)(s - p->syms);
        return 0;
    }
    if (s->line == t->line && s->col == t->col)
        return 0; /* pass 2 meets a const of pass 1 */
    l1 = s->line, c1 = s->col, l2 = t->line, c2 = t->col;
    if (l1 > l2 || (l1 == l2 && c1 > c2))
        l1 = t->line, c1 = t->col, l2 = s->line, c2 = s->col;
    return PARSE_ERROR(p, l2, c2, ALIGN_ESYNTAX, "%s redeclared (previous declaration at %u:%u)",
                       quote(q, sizeof q, t->text, t->len), l1, c1);
}

/* ---------------------------------------------------------- source text */

/* Appends the source between two token boundaries as one line: blanks and
 * comments become one space, a newline that Go reads as ';' becomes "; ". */
static void append_norm(align_buf *b, const char *start, const char *end)
{
    lexer lx;
    token prev;
    bool nl = false, first = true;
    memset(&prev, 0, sizeof prev);
    lex_init(&lx, NULL, start, (size_t)(end - start), LEX_NEWLINES | LEX_RAW_STRINGS);
    while (lex_next(&lx) == 0 && lx.tok.kind != TOK_EOF) {
        const token *t = &lx.tok;
        if (t->kind == TOK_NEWLINE) {
            nl = true;
            continue;
        }
        if (!first && nl && allows_semi(&prev) && !tok_is(t, "}") && !tok_is(t, ")"))
            align_buf_append(b, "; ", 2);
        else if (!first && t->text != prev.text + prev.len)
            align_buf_append(b, " ", 1);
        align_buf_append(b, t->text, t->len);
        prev = *t;
        nl = false;
        first = false;
    }
}

/* Sets t's display to the source from start to the last token consumed. */
static int set_display(parser *p, align_type *t, const char *start)
{
    align_buf b;
    const char *before = align_type_display(t);
    int rc = 0;
    align_buf_init(&b);
    append_norm(&b, start, p->ts.prev_end);
    if (!b.failed && b.data != NULL)
        align_type_set_display(p->g, t, b.data);
    /* align_type_set_display keeps the old text when it cannot copy. */
    if (b.failed || align_type_display(t) == before)
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    align_buf_free(&b);
    return rc;
}

static const char *strdup_tok(parser *p, const token *t)
{
    return align_graph_strdup(p->g, t->text, t->len);
}

/* align_type_named, with the copy of the name checked. */
static align_type *new_named(parser *p, const char *name, align_type *target)
{
    align_type *t = align_type_named(p->g, name, target);
    if (t != NULL && name != NULL && align_type_name(t) == NULL)
        return NULL; /* the arena recorded ALIGN_ENOMEM */
    return t;
}

/* An unnamed node standing for one use of target, shown as the source from
 * start to the last token consumed (see the top of the file). */
static int wrap(parser *p, align_type *target, const char *start, align_type **out)
{
    *out = target ? new_named(p, NULL, target) : NULL;
    return *out ? set_display(p, *out, start) : ALIGN_ENOMEM;
}

static int wrap_prim(parser *p, align_prim prim, const char *start, align_type **out)
{
    return wrap(p, align_type_prim(p->g, prim), start, out);
}

/* ------------------------------------------------------ constant values */

static int arith(parser *p, const token *op, int64_t x, int64_t y, int64_t *out)
{
    bool ovf = false;
    *out = 0;
    if (tok_is(op, "+")) {
        ovf = __builtin_add_overflow(x, y, out);
    } else if (tok_is(op, "-")) {
        ovf = __builtin_sub_overflow(x, y, out);
    } else if (tok_is(op, "*")) {
        ovf = __builtin_mul_overflow(x, y, out);
    } else if (tok_is(op, "/") || tok_is(op, "%")) {
        if (y == 0)
            return PARSE_ERROR(p, op->line, op->col, ALIGN_ESYNTAX, "division by zero");
        ovf = x == INT64_MIN && y == -1;
        if (!ovf)
            *out = tok_is(op, "/") ? x / y : x % y;
    } else if (tok_is(op, "<<") || tok_is(op, ">>")) {
        if (y < 0)
            return PARSE_ERROR(p, op->line, op->col, ALIGN_ESYNTAX, "negative shift count %lld",
                               (long long)y);
        if (tok_is(op, ">>"))
            *out = y >= 63 ? (x < 0 ? -1 : 0) : x < 0 ? ~(~x >> y) : x >> y;
        else if (y >= 63)
            ovf = x != 0;
        else
            ovf = __builtin_mul_overflow(x, (int64_t)1 << y, out);
    } else if (tok_is(op, "&") || tok_is(op, "&^")) {
        *out = x & (tok_is(op, "&") ? y : ~y);
    } else {
        *out = tok_is(op, "|") ? x | y : x ^ y;
    }
    if (ovf)
        return PARSE_ERROR(p, op->line, op->col, ALIGN_EOVERFLOW,
                           "constant expression overflows 64 bits at '%.*s'", (int)op->len,
                           op->text);
    return 0;
}

static int binary_prec(const token *t)
{
    static const char *const ops[] = {"*",  "/", "%", "<<", ">>", "&",
                                      "&^", "+", "-", "|",  "^",  NULL};
    for (size_t i = 0; t->kind == TOK_PUNCT && ops[i] != NULL; i++)
        if (tok_is(t, ops[i]))
            return i < 7 ? 5 : 4;
    return 0;
}

/* Precedence climbing over Go's two arithmetic levels (5: * / % << >> & &^,
 * 4: + - | ^); comparisons and logic never make an array length. */
static int eval_binary(parser *p, tstream *s, int64_t iota, int min_prec, int64_t *out)
{
    TRY(eval_unary(p, s, iota, out));
    while (binary_prec(&s->tok) >= min_prec) {
        token op = s->tok;
        int64_t y;
        TRY(ts_next(s));
        TRY(eval_binary(p, s, iota, binary_prec(&op) + 1, &y));
        TRY(arith(p, &op, *out, y, out));
    }
    return 0;
}

static const prim_name *find_predeclared(const token *t)
{
    return t->kind == TOK_IDENT ? go_predeclared_find(t->text, t->len) : NULL;
}

/* The value of the const at index ci, computed once from its saved text.
 * Any error ends the parse, so a failed const is never asked for again. */
static int eval_const(parser *p, size_t ci, const token *use, int64_t *out)
{
    sym *c = &p->syms[ci];
    char q[64], what[100];
    tstream s;
    if (c->state == 2) {
        *out = c->value;
        return 0;
    }
    quote(q, sizeof q, c->name, c->len);
    if (c->state == 1)
        return PARSE_ERROR(p, use->line, use->col, ALIGN_ESYNTAX,
                           "constant %s is defined in terms of itself", q);
    c->state = 1;
    TRY(ts_at(p, &s, &c->expr));
    for (size_t k = 0; k < c->index; k++) {
        TRY(skip_to_end(p, &s, true));
        if (!tok_is(&s.tok, ","))
            return PARSE_ERROR(p, c->line, c->col, ALIGN_ESYNTAX,
                               "missing init expression for constant %s", q);
        TRY(ts_next(&s));
    }
    TRY(eval_binary(p, &s, c->iota, 1, out));
    if (!tok_is(&s.tok, ",") && !tok_is(&s.tok, ")") && !is_semi(&s.tok) && s.tok.kind != TOK_EOF) {
        snprintf(what, sizeof what, "end of the expression of constant %s", q);
        return expected(p, &s.tok, what);
    }
    c = &p->syms[ci];
    c->state = 2;
    c->value = *out;
    return 0;
}

/* A float literal with an integer value (Go: const N = 2e6; [N]int). */
static int float_value(parser *p, const token *t, int64_t *out)
{
    char buf[64], q[64], *end;
    size_t n = 0;
    double v;
    for (size_t i = 0; i < t->len && n + 1 < sizeof buf; i++)
        if (t->text[i] != '_')
            buf[n++] = t->text[i];
    buf[n] = '\0';
    v = strtod(buf, &end);
    if (*end == '\0' && v > -9.2e18 && v < 9.2e18 && v == (double)(int64_t)v) {
        *out = (int64_t)v;
        return 0;
    }
    return PARSE_ERROR(p, t->line, t->col, ALIGN_ESYNTAX, "%s is not an integer constant",
                       quote(q, sizeof q, t->text, t->len));
}

/* A name in a constant expression, at t (already consumed). */
static int eval_name(parser *p, tstream *s, const token *t, int64_t iota, int64_t *out)
{
    const sym *c = sym_find(p, t->text, t->len);
    const prim_name *pd = find_predeclared(t);
    char q[64];
    quote(q, sizeof q, t->text, t->len);
    if (tok_is(&s->tok, "(") &&
        ((pd != NULL && pd->prim >= ALIGN_GO_INT8 && pd->prim <= ALIGN_GO_UINTPTR) ||
         (c != NULL && (c->kind == SYM_TYPE || c->kind == SYM_FORWARD))))
        return eval_unary(p, s, iota, out); /* a conversion: the value stays */
    if (tok_is(&s->tok, "(") || tok_is(&s->tok, ".")) {
        /* len(x), unsafe.Sizeof(x), syscall.X: not knowable here. */
        const char *end = t->text + t->len;
        if (tok_is(&s->tok, ".")) {
            TRY(ts_next(s));
            end = s->tok.kind == TOK_IDENT ? s->tok.text + s->tok.len : end;
            if (s->tok.kind == TOK_IDENT)
                TRY(ts_next(s));
        }
        quote(q, sizeof q, t->text, (size_t)(end - t->text));
        PARSE_ERROR(p, t->line, t->col, ALIGN_EUNKNOWN, "cannot evaluate %s%s", q,
                    tok_is(&s->tok, "(") ? "(...)" : "");
        error_hint("replace it with its value: array lengths must be integer "
                   "constants declared in the input");
        return ALIGN_EUNKNOWN;
    }
    if (c != NULL && c->kind == SYM_CONST)
        return eval_const(p, (size_t)(c - p->syms), t, out);
    if (c != NULL || pd != NULL || tok_is(t, "true") || tok_is(t, "false"))
        return PARSE_ERROR(p, t->line, t->col, ALIGN_ESYNTAX, "%s is not an integer constant", q);
    PARSE_ERROR(p, t->line, t->col, ALIGN_EUNKNOWN, "undefined: %s", q);
    error_hint("declare the constant in the input, e.g. const %s = 16", q);
    return ALIGN_EUNKNOWN;
}

/* An operand or a unary operator applied to one. */
static int eval_operand(parser *p, tstream *s, int64_t iota, int64_t *out)
{
    token t = s->tok;
    char q[64];
    if (tok_is(&t, "+") || tok_is(&t, "-") || tok_is(&t, "^")) {
        TRY(ts_next(s));
        TRY(eval_unary(p, s, iota, out));
        if (tok_is(&t, "-") && *out == INT64_MIN)
            return PARSE_ERROR(p, t.line, t.col, ALIGN_EOVERFLOW, "constant overflows 64 bits");
        *out = tok_is(&t, "-") ? -*out : tok_is(&t, "^") ? ~*out : *out;
        return 0;
    }
    if (tok_is(&t, "(")) {
        TRY(ts_next(s));
        TRY(eval_binary(p, s, iota, 1, out));
        return tok_is(&s->tok, ")") ? ts_next(s)
                                    : expected(p, &s->tok, "')' in constant expression");
    }
    if (is_name(&t) && !tok_is(&t, "iota")) {
        TRY(ts_next(s));
        return eval_name(p, s, &t, iota, out);
    }
    quote(q, sizeof q, t.text, t.len);
    if (t.kind == TOK_INT && (t.ovf || t.ival > INT64_MAX))
        return PARSE_ERROR(p, t.line, t.col, ALIGN_EOVERFLOW,
                           "integer constant %s does not fit in 64 bits", q);
    if (tok_is(&t, "iota") && iota < 0)
        return PARSE_ERROR(p, t.line, t.col, ALIGN_ESYNTAX,
                           "cannot use iota outside constant declaration");
    *out = tok_is(&t, "iota") ? iota : t.kind == TOK_CHAR ? t.text[1] : (int64_t)t.ival;
    if (t.kind == TOK_FLOAT)
        TRY(float_value(p, &t, out));
    else if (t.kind == TOK_STRING || (t.kind == TOK_CHAR && (t.len != 3 || *out == '\\')))
        return PARSE_ERROR(p, t.line, t.col, ALIGN_ESYNTAX, "%s is not an integer constant", q);
    else if (t.kind != TOK_INT && t.kind != TOK_CHAR && !tok_is(&t, "iota"))
        return expected(p, &t, "constant expression");
    return ts_next(s);
}

static int eval_unary(parser *p, tstream *s, int64_t iota, int64_t *out)
{
    int rc;
    if (p->depth >= MAX_NEST)
        return PARSE_ERROR(p, s->tok.line, s->tok.col, ALIGN_ELIMIT,
                           "expression nested deeper than %d levels", MAX_NEST);
    p->depth++;
    rc = eval_operand(p, s, iota, out);
    p->depth--;
    return rc;
}

/* ---------------------------------------------------------------- consts */

/* One ConstSpec: names [type] [= expressions].  Pass 1 declares the names
 * with where their value is; pass 2 checks the syntax again. */
static int const_spec(parser *p, int64_t iota)
{
    token first = p->ts.tok;
    size_t nsyms = p->nsyms, fwd;
    for (size_t n = 0;; n++) {
        const token *t = &p->ts.tok;
        if (!is_name(t))
            return expected(p, t, "constant name");
        if (!tok_is(t, "_")) {
            TRY(check_new_name(p, t, &fwd));
            if (!p->pass_types) {
                sym *c = sym_add(p, t, SYM_CONST);
                if (c == NULL)
                    return ALIGN_ENOMEM;
                c->index = n;
                c->iota = iota;
            }
        }
        TRY(next(p));
        if (!tok_is(&p->ts.tok, ","))
            break;
        TRY(next(p));
    }
    /* An optional type: skipped, the value is what matters. */
    while (!tok_is(&p->ts.tok, "=") && !is_semi(&p->ts.tok) && bracket(&p->ts.tok) >= 0 &&
           p->ts.tok.kind != TOK_EOF)
        TRY(bracket(&p->ts.tok) > 0 ? skip_group(p, &p->ts) : next(p));
    if (tok_is(&p->ts.tok, "=")) {
        TRY(next(p));
        p->const_list = p->ts.tok;
        p->has_const_list = true;
        TRY(skip_to_end(p, &p->ts, false));
    } else if (!p->has_const_list) {
        return PARSE_ERROR(p, first.line, first.col, ALIGN_ESYNTAX,
                           "missing init expression for const declaration");
    }
    for (size_t i = nsyms; i < p->nsyms; i++)
        p->syms[i].expr = p->const_list;
    return 0;
}

/* After const or type: one spec, or a parenthesized group of specs, which
 * spec gets numbered (iota). */
static int parse_group(parser *p, int (*spec)(parser *, int64_t), const char *after_spec)
{
    if (!tok_is(&p->ts.tok, "(")) {
        TRY(spec(p, 0));
        return end_decl(p);
    }
    TRY(next(p));
    for (int64_t i = 0;; i++) {
        while (is_semi(&p->ts.tok))
            TRY(next(p));
        if (tok_is(&p->ts.tok, ")"))
            break;
        TRY(spec(p, i));
        if (!is_semi(&p->ts.tok) && !tok_is(&p->ts.tok, ")"))
            return expected(p, &p->ts.tok, after_spec);
    }
    TRY(next(p));
    return end_decl(p);
}

/* ------------------------------------------------------ standard library */

/* A row of the table below: a type that has a declaration and takes no
 * type arguments. */
/* clang-format off */
#define DECLARED(name, decl) {name, decl, 0, false}
/* clang-format on */

/* Types of the Go 1.19 standard library that real structs hold by value,
 * declared as their source declares them (file:line in GOROOT/src) and laid
 * out by our model, so they are right on every ABI.  Sizes, alignments and
 * pointer bytes checked against go1.19.8 on linux/amd64 and linux/arm64
 * (unsafe.Sizeof, Alignof, reflect's ptrdata; tests/test_decl_go.c).
 * noCopy and align64 are struct{}; Pointer[T]'s `_ [0]*T` is written
 * [0]unsafe.Pointer, the same layout. */
static const struct stdlib_type {
    const char *name; /* as written in Go source: package name + "." + type */
    const char *decl; /* its underlying type; NULL: the primitive prim */
    align_prim prim;
    bool generic; /* takes type arguments */
} stdlib[] = {
    /* GOROOT/src/...: size, align, ptrdata on amd64 and arm64 */
    /* sync/mutex.go:34: 8, 4, 0; sync/rwmutex.go:36: 24, 4, 0 */
    DECLARED("sync.Mutex", "struct { state int32; sema uint32 }"),
    DECLARED("sync.RWMutex", "struct { w sync.Mutex; writerSem uint32; readerSem uint32; "
                             "readerCount int32; readerWait int32 }"),
    /* sync/waitgroup.go:23: 16, 8, 0; sync/once.go:18: 12, 4, 0 */
    DECLARED("sync.WaitGroup", "struct { noCopy struct{}; state1 uint64; state2 uint32 }"),
    DECLARED("sync.Once", "struct { done uint32; m sync.Mutex }"),
    /* time/time.go:129: 24, 8, 24; time/time.go:591: 8, 8, 0 */
    DECLARED("time.Time", "struct { wall uint64; ext int64; loc *time.Location }"),
    DECLARED("time.Duration", "int64"),
    /* sync/atomic/type.go:64, 111, 11: 4, 4, 0 */
    DECLARED("atomic.Int32", "struct { _ struct{}; v int32 }"),
    DECLARED("atomic.Uint32", "struct { _ struct{}; v uint32 }"),
    DECLARED("atomic.Bool", "struct { _ struct{}; v uint32 }"),
    /* sync/atomic/type.go:87, 134: 8, 8, 0; align64 keeps 8 on 32-bit targets */
    {"atomic.Int64", NULL, ALIGN_GO_ATOMIC_INT64, false},
    {"atomic.Uint64", NULL, ALIGN_GO_ATOMIC_INT64, false},
    /* sync/atomic/value.go:16: 16, 8, 16; sync/atomic/type.go:39: 8, 8, 8 */
    DECLARED("atomic.Value", "struct { v any }"),
    {"atomic.Pointer", "struct { _ [0]unsafe.Pointer; _ struct{}; v unsafe.Pointer }", 0, true},
    /* structs/hostlayout.go (Go 1.23+): 0, 1, 0; a struct holding one keeps
     * the platform ABI's order, so it is never reordered (layout.c) */
    DECLARED("structs.HostLayout", "struct{}"),
    /* io/fs/fs.go:152 (os/types.go:28 aliases it): 4, 4, 0 */
    DECLARED("fs.FileMode", "uint32"),
    DECLARED("os.FileMode", "uint32"),
    /* reflect/type.go:241, a uint: 8, 8, 0 */
    DECLARED("reflect.Kind", "uint"),
    /* reflect/value.go:39 (typ, ptr, flag): 24, 8, 16 */
    DECLARED("reflect.Value", "struct { typ unsafe.Pointer; ptr unsafe.Pointer; flag uintptr }"),
};

/* Interfaces real structs hold: two words whatever their methods
 * (io/io.go, reflect/type.go, fmt/print.go, net/net.go, hash/hash.go,
 * io/fs/fs.go, sort/sort.go, os/signal, context/context.go:62...): 16, 8,
 * 16.  Each is built as any_interface. */
static const char *const stdlib_interfaces[] = {
    "io.Reader",     "io.Writer",          "io.Closer",       "io.ReadCloser",  "io.WriteCloser",
    "io.ReadWriter", "io.ReadWriteCloser", "io.ReaderAt",     "io.WriterAt",    "io.Seeker",
    "io.ReadSeeker", "io.ByteReader",      "io.ByteScanner",  "io.RuneScanner", "reflect.Type",
    "fmt.Stringer",  "net.Conn",           "net.Addr",        "net.Listener",   "hash.Hash",
    "hash.Hash32",   "hash.Hash64",        "fs.FS",           "fs.File",        "fs.FileInfo",
    "os.Signal",     "sort.Interface",     "context.Context",
};
static const struct stdlib_type any_interface = DECLARED("interface", "interface{}");

/* The stdlib type named key ("pkg.Sel"), or NULL. */
static const struct stdlib_type *find_stdlib(const char *key)
{
    for (size_t i = 0; i < sizeof stdlib / sizeof stdlib[0]; i++)
        if (strcmp(stdlib[i].name, key) == 0)
            return &stdlib[i];
    for (size_t i = 0; i < sizeof stdlib_interfaces / sizeof stdlib_interfaces[0]; i++)
        if (strcmp(stdlib_interfaces[i], key) == 0)
            return &any_interface;
    return NULL;
}

/* Builds the stdlib type e: a defined type named name over its decl. */
static int build_stdlib(parser *p, const struct stdlib_type *e, const char *name, align_type **out)
{
    tstream saved = p->ts;
    bool saved_in_stdlib = p->in_stdlib;
    align_type *u = e->decl ? NULL : align_type_prim(p->g, e->prim);
    int rc = e->decl || u ? 0 : ALIGN_ENOMEM;
    if (e->decl != NULL) {
        p->in_stdlib = true;
        rc = ts_init(p, &p->ts, e->decl, strlen(e->decl));
        if (rc == 0)
            rc = parse_type(p, false, &u);
        assert(rc == ALIGN_ENOMEM || (rc == 0 && p->ts.tok.kind == TOK_EOF));
        p->ts = saved;
        p->in_stdlib = saved_in_stdlib;
    }
    *out = rc == 0 ? new_named(p, name, u) : NULL;
    return rc < 0 ? rc : *out ? 0 : ALIGN_ENOMEM;
}

/* pkg.Sel (with type arguments when has_args, already consumed). */
static int qualified_type(parser *p, const token *pkg, const token *sel, bool has_args,
                          bool indirect, const char *start, align_type **out)
{
    char key[96], q[64];
    const struct stdlib_type *e = NULL;
    *out = NULL;
    snprintf(key, sizeof key, "%.*s.%.*s", (int)(pkg->len < 40 ? pkg->len : 40), pkg->text,
             (int)(sel->len < 40 ? sel->len : 40), sel->text);
    if (strcmp(key, "unsafe.Pointer") == 0 && !has_args) {
        *out = align_type_prim(p->g, ALIGN_GO_UNSAFE_POINTER);
        return *out ? 0 : ALIGN_ENOMEM;
    }
    if (pkg->len < 40 && sel->len < 40) /* else key was cut */
        e = find_stdlib(key);
    if (e != NULL && e->generic != has_args)
        return PARSE_ERROR(p, sel->line, sel->col, ALIGN_ESYNTAX, "%s %s type arguments", key,
                           e->generic ? "needs" : "takes no");
    if (e != NULL && !e->generic) {
        *out = align_graph_lookup(p->g, key); /* built once per graph */
        if (*out != NULL)
            return 0;
        TRY(build_stdlib(p, e, key, out));
        return align_graph_bind(p->g, key, *out);
    }
    if (e != NULL) {
        TRY(build_stdlib(p, e, key, out)); /* one node per instantiation */
        return set_display(p, *out, start);
    }
    if (!indirect && !p->lenient) {
        PARSE_ERROR(p, pkg->line, pkg->col, ALIGN_EUNKNOWN, "unknown type %s",
                    quote(q, sizeof q, pkg->text, (size_t)(p->ts.prev_end - pkg->text)));
        error_hint("declare it in the input, or replace it with a type of the same size "
                   "(known: sync, sync/atomic, time, context and structs types)");
        return ALIGN_EUNKNOWN;
    }
    /* Behind a pointer, slice, map or chan: its layout never matters. */
    *out = new_named(p, key, NULL);
    return *out ? set_display(p, *out, start) : ALIGN_ENOMEM;
}

/* ----------------------------------------------------------------- types */

static int generic_error(parser *p, unsigned line, unsigned col, const char *name)
{
    PARSE_ERROR(p, line, col, ALIGN_EUNKNOWN,
                "generic type %s cannot be laid out here: declarations are not instantiated, "
                "even with type arguments",
                name);
    error_hint("declare the instantiated struct by hand, with its type arguments");
    return ALIGN_EUNKNOWN;
}

/* An unqualified type name at t (its type arguments, if any, consumed). */
static int named_type(parser *p, const token *t, bool indirect, const char *start, align_type **out)
{
    const prim_name *pd = find_predeclared(t);
    sym *s = p->in_stdlib ? NULL : sym_find(p, t->text, t->len);
    const char *cname;
    char q[64];
    quote(q, sizeof q, t->text, t->len);
    *out = NULL;
    if (s != NULL && s->kind == SYM_CONST)
        return PARSE_ERROR(p, t->line, t->col, ALIGN_ESYNTAX, "%s is a constant, not a type", q);
    if (s != NULL && s->kind == SYM_GENERIC && !indirect && !p->lenient)
        return generic_error(p, t->line, t->col, q);
    if (s != NULL && s->kind == SYM_GENERIC) {
        /* Behind a pointer: incomplete, like http.Request. */
        *out = new_named(p, NULL, NULL);
        return *out ? set_display(p, *out, start) : ALIGN_ENOMEM;
    }
    if (s != NULL) {
        if (!indirect && s->val_line == 0) {
            s->val_line = t->line;
            s->val_col = t->col;
        }
        if (!s->alias) {
            *out = s->type;
            return 0;
        }
        return wrap(p, s->type, start, out); /* the target, shown by the alias */
    }
    if (pd != NULL && strcmp(pd->name, align_prim_name(pd->prim)) != 0)
        return wrap_prim(p, pd->prim, start, out); /* byte, rune, error, any */
    if (pd != NULL) {
        *out = align_type_prim(p->g, pd->prim);
        return *out ? 0 : ALIGN_ENOMEM;
    }
    assert(!p->in_stdlib);
    cname = strdup_tok(p, t);
    if (cname == NULL)
        return ALIGN_ENOMEM;
    *out = align_graph_lookup(p->g, cname); /* declared by an earlier input */
    if (*out != NULL)
        return 0;
    /* A forward reference: a placeholder the declaration will complete. */
    s = sym_add(p, t, SYM_FORWARD);
    *out = s ? new_named(p, cname, NULL) : NULL;
    if (*out == NULL)
        return ALIGN_ENOMEM;
    s->type = *out;
    s->val_line = indirect ? 0 : t->line;
    s->val_col = indirect ? 0 : t->col;
    align_type_set_pos(*out, srcpos(p, t));
    return align_graph_bind(p->g, cname, *out);
}

/* A type name, maybe qualified, maybe with type arguments. */
static int type_name(parser *p, bool indirect, align_type **out)
{
    token t = p->ts.tok, sel = p->ts.tok;
    bool qualified, args;
    TRY(next(p));
    qualified = tok_is(&p->ts.tok, ".");
    if (qualified) {
        TRY(next(p));
        sel = p->ts.tok;
        if (!is_name(&sel))
            return expected(p, &sel, "type name after '.'");
        TRY(next(p));
    }
    args = tok_is(&p->ts.tok, "[");
    if (args)
        TRY(skip_group(p, &p->ts));
    if (qualified)
        return qualified_type(p, &t, &sel, args, indirect, t.text, out);
    return named_type(p, &t, indirect, t.text, out);
}

/* [N]T or []T, at '['. */
static int array_type(parser *p, bool indirect, const char *start, align_type **out)
{
    token len_tok;
    align_type *elem;
    int64_t n = 0;
    TRY(next(p));
    len_tok = p->ts.tok;
    if (tok_is(&len_tok, "]")) {
        TRY(next(p));
        TRY(parse_type(p, true, &elem));
        return wrap_prim(p, ALIGN_GO_SLICE, start, out);
    }
    if (tok_is(&len_tok, "..."))
        return PARSE_ERROR(p, len_tok.line, len_tok.col, ALIGN_ESYNTAX,
                           "[...] array length outside a composite literal");
    {
        tstream saved = p->ts;
        int rc = eval_binary(p, &p->ts, -1, 1, &n);
        if (rc < 0 && p->lenient && rc != ALIGN_ENOMEM) {
            /* A length this parser cannot compute (len(TimeFormat), a
             * const of another package): the array stays unsized, and so
             * does a struct that holds it. */
            int d = 0;
            align_error_clear();
            p->ts = saved;
            while (d > 0 || !tok_is(&p->ts.tok, "]")) {
                if (p->ts.tok.kind == TOK_EOF)
                    return expected(p, &p->ts.tok, "']' after array length");
                d += bracket(&p->ts.tok);
                TRY(next(p));
            }
            TRY(next(p));
            TRY(parse_type(p, true, &elem));
            *out = new_named(p, NULL, NULL);
            return *out ? set_display(p, *out, start) : ALIGN_ENOMEM;
        }
        TRY(rc);
    }
    if (!tok_is(&p->ts.tok, "]"))
        return expected(p, &p->ts.tok, "']' after array length");
    if (n < 0)
        return PARSE_ERROR(p, len_tok.line, len_tok.col, ALIGN_ESYNTAX,
                           "invalid array length %lld: must not be negative", (long long)n);
    TRY(next(p));
    TRY(parse_type(p, indirect, &elem));
    *out = align_type_array(p->g, elem, (uint64_t)n);
    return *out ? set_display(p, *out, start) : ALIGN_ENOMEM;
}

/* func(params) results, after 'func': one word whatever the signature. */
static int func_type(parser *p, const char *start, align_type **out)
{
    const token *t = &p->ts.tok;
    align_type *result;
    if (!tok_is(t, "("))
        return expected(p, t, "'(' after func");
    TRY(skip_group(p, &p->ts));
    if (tok_is(t, "("))
        TRY(skip_group(p, &p->ts));
    else if (is_name(t) || tok_is(t, "*") || tok_is(t, "[") || tok_is(t, "<-") ||
             tok_is(t, "func") || tok_is(t, "map") || tok_is(t, "chan") || tok_is(t, "struct") ||
             tok_is(t, "interface"))
        TRY(parse_type(p, true, &result));
    return wrap_prim(p, ALIGN_GO_FUNC, start, out);
}

/* Any type but a name (type_name) or a parenthesized one. */
static int type_literal(parser *p, const token *t, align_type **out)
{
    const char *start = t->text;
    align_type *u;
    if (tok_is(t, "*")) {
        TRY(next(p));
        TRY(parse_type(p, true, &u));
        *out = align_type_pointer(p->g, u);
        return *out ? set_display(p, *out, start) : ALIGN_ENOMEM;
    }
    if (tok_is(t, "<-") || tok_is(t, "chan")) {
        TRY(next(p));
        if (tok_is(t, "<-"))
            TRY(expect(p, "chan", "chan after <-"));
        else if (tok_is(&p->ts.tok, "<-"))
            TRY(next(p));
        TRY(parse_type(p, true, &u));
        return wrap_prim(p, ALIGN_GO_CHAN, start, out);
    }
    if (tok_is(t, "map")) {
        TRY(next(p));
        TRY(expect(p, "[", "'[' after map"));
        TRY(parse_type(p, true, &u));
        TRY(expect(p, "]", "']' after map key type"));
        TRY(parse_type(p, true, &u));
        return wrap_prim(p, ALIGN_GO_MAP, start, out);
    }
    if (tok_is(t, "func")) {
        TRY(next(p));
        return func_type(p, start, out);
    }
    if (tok_is(t, "interface")) {
        TRY(next(p));
        if (!tok_is(&p->ts.tok, "{"))
            return expected(p, &p->ts.tok, "'{' after interface");
        TRY(skip_group(p, &p->ts));
        return wrap_prim(p, ALIGN_GO_IFACE, start, out);
    }
    if (!tok_is(t, "struct"))
        return expected(p, t, "type");
    *out = align_type_record(p->g, ALIGN_KIND_STRUCT, NULL);
    if (*out == NULL)
        return ALIGN_ENOMEM;
    align_type_set_pos(*out, srcpos(p, t));
    TRY(parse_struct(p, *out));
    return set_display(p, *out, start);
}

/* Any type.  indirect: behind a pointer, slice, map, chan or func, where an
 * unknown qualified type and a generic one are allowed. */
static int parse_type(parser *p, bool indirect, align_type **out)
{
    token t = p->ts.tok;
    int rc;
    *out = NULL;
    if (p->depth >= MAX_NEST) {
        PARSE_ERROR(p, t.line, t.col, ALIGN_ELIMIT, "types nested deeper than %d levels", MAX_NEST);
        error_hint("name the inner types with type declarations");
        return ALIGN_ELIMIT;
    }
    p->depth++;
    if (tok_is(&t, "(")) {
        rc = next(p);
        rc = rc < 0 ? rc : parse_type(p, indirect, out);
        rc = rc < 0 ? rc : expect(p, ")", "')' after parenthesized type");
    } else if (tok_is(&t, "[")) {
        rc = array_type(p, indirect, t.text, out);
    } else if (is_name(&t)) {
        rc = type_name(p, indirect, out);
    } else {
        rc = type_literal(p, &t, out);
    }
    p->depth--;
    return rc;
}

/* ---------------------------------------------------------------- fields */

/* Adds one field named nm, declared at `at` (an embedded field is named
 * after its type name and sits at its first token), of type ty written from
 * ty_start to ty_end, with an optional tag. */
static int add_field(parser *p, align_type *rec, const token *nm, const token *at, bool embedded,
                     align_type *ty, const char *ty_start, const char *ty_end, const token *tag)
{
    align_field_spec spec = align_field_spec_init();
    align_buf b;
    spec.name = strdup_tok(p, nm);
    if (spec.name == NULL)
        return ALIGN_ENOMEM;
    /* The declaration as written, on one line: "Name string `json:...`". */
    align_buf_init(&b);
    if (!embedded) {
        align_buf_append(&b, nm->text, nm->len);
        align_buf_append(&b, " ", 1);
    }
    append_norm(&b, ty_start, ty_end);
    if (tag != NULL) {
        align_buf_append(&b, " ", 1);
        align_buf_append(&b, tag->text, tag->len);
    }
    spec.decl_text = b.failed ? NULL : align_graph_strdup(p->g, b.data, b.len);
    align_buf_free(&b);
    if (spec.decl_text == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    spec.type = ty;
    spec.embedded = embedded;
    if (!p->in_stdlib)
        spec.pos = srcpos(p, at);
    return align_record_add_field(p->g, rec, &spec);
}

/* Is the field at the current token embedded (`T`, `*T`, `pkg.T`, `T[A]`)
 * rather than `a, b T`?  *name is then the token naming it. */
static int is_embedded(parser *p, bool *yes, token *name)
{
    tstream c = p->ts;
    bool star = tok_is(&c.tok, "*");
    if (star)
        TRY(ts_next(&c));
    *name = c.tok;
    if (!is_name(name)) {
        *yes = false;
        return star ? expected(p, name, "embedded type name") : 0;
    }
    TRY(ts_next(&c));
    if (tok_is(&c.tok, ".")) {
        TRY(ts_next(&c));
        *name = c.tok; /* type_name checks it */
        *yes = true;
        return 0;
    }
    /* `a [N]T` or `T[A]`: what follows the brackets decides, as in go/parser. */
    if (tok_is(&c.tok, "["))
        TRY(skip_group(p, &c));
    *yes = star || is_semi(&c.tok) || tok_is(&c.tok, "}") || c.tok.kind == TOK_STRING ||
           c.tok.kind == TOK_EOF;
    return 0;
}

/* FieldDecl: `a, b T` or an embedded type, then an optional tag.  si >= 0:
 * its span is recorded as a member of p->spans->v[si]. */
static int parse_field(parser *p, align_type *rec, int si)
{
    uint32_t first_field = rec->nfields;
    token first = p->ts.tok, emb, tag;
    tstream names = p->ts;
    const char *ty_start, *ty_end;
    align_type *ty;
    size_t n = 0;
    bool embedded;
    TRY(is_embedded(p, &embedded, &emb));
    while (!embedded) {
        if (!is_name(&p->ts.tok))
            return expected(p, &p->ts.tok, "field name or embedded type");
        n++;
        TRY(next(p));
        if (!tok_is(&p->ts.tok, ","))
            break;
        TRY(next(p));
    }
    ty_start = p->ts.tok.text;
    TRY(parse_type(p, false, &ty));
    ty_end = p->ts.prev_end;
    tag = p->ts.tok;
    if (tag.kind == TOK_STRING)
        TRY(next(p));
    if (embedded) {
        TRY(add_field(p, rec, &emb, &first, true, ty, ty_start, ty_end,
                      tag.kind == TOK_STRING ? &tag : NULL));
    } else {
        for (size_t i = 0; i < n; i++) {
            token nm = names.tok;
            TRY(add_field(p, rec, &nm, &nm, false, ty, ty_start, ty_end,
                          tag.kind == TOK_STRING ? &tag : NULL));
            if (si >= 0)
                TRY(src_spans_name(p->spans, si, rec->nfields - 1,
                                   (size_t)(nm.text - p->spans->base),
                                   (size_t)(nm.text + nm.len - p->spans->base)));
            TRY(ts_next(&names)); /* the ',' */
            TRY(ts_next(&names));
        }
    }
    if (si >= 0) {
        src_member m;
        const char *b = p->spans->base;
        memset(&m, 0, sizeof m);
        m.start = (size_t)(first.text - b);
        m.end = (size_t)(p->ts.prev_end - b);
        m.first = first_field;
        m.count = rec->nfields - first_field;
        m.type_start = (size_t)(ty_start - b);
        m.type_end = (size_t)(ty_end - b);
        m.tag_start = m.tag_end = m.type_end;
        if (tag.kind == TOK_STRING) {
            m.tag_start = (size_t)(tag.text - b);
            m.tag_end = m.tag_start + tag.len;
        }
        m.embedded = embedded;
        TRY(src_spans_member(p->spans, si, &m));
    }
    return 0;
}

static int cmp_field_name(const void *a, const void *b)
{
    const align_field *x = *(const align_field *const *)a, *y = *(const align_field *const *)b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x > y) - (x < y); /* then declaration order */
}

/* Duplicate field names (`_` may repeat), found by sorting: comparing every
 * pair would be quadratic in a generated struct's thousands of fields.  The
 * error is at the first repeated name in declaration order. */
static int check_fields(parser *p, const align_type *rec)
{
    const align_field **f = malloc((rec->nfields ? rec->nfields : 1) * sizeof *f);
    const align_field *dup = NULL, *prev = NULL;
    char q[64];
    if (f == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (uint32_t i = 0; i < rec->nfields; i++)
        f[i] = &rec->fields[i];
    qsort(f, rec->nfields, sizeof *f, cmp_field_name);
    for (uint32_t i = 1; i < rec->nfields; i++)
        if (strcmp(f[i]->name, f[i - 1]->name) == 0 && strcmp(f[i]->name, "_") != 0 &&
            (dup == NULL || f[i] < dup)) {
            dup = f[i];
            prev = f[i - 1];
        }
    free(f);
    if (dup == NULL)
        return 0;
    return PARSE_ERROR(p, dup->pos.line, dup->pos.col, ALIGN_ESYNTAX,
                       "duplicate field %s (previous declaration at %u:%u)",
                       quote(q, sizeof q, dup->name, strlen(dup->name)), prev->pos.line,
                       prev->pos.col);
}

/* At 'struct': the field list into rec, which is then complete. */
static int parse_struct(parser *p, align_type *rec)
{
    token open;
    int si = p->span_next; /* nested struct types are not recorded */
    p->span_next = -1;
    TRY(next(p));
    open = p->ts.tok;
    if (si >= 0)
        p->spans->v[si].open = (size_t)(open.text - p->spans->base);
    TRY(expect(p, "{", "'{' after struct"));
    for (;;) {
        while (is_semi(&p->ts.tok))
            TRY(next(p));
        if (tok_is(&p->ts.tok, "}"))
            break;
        if (p->ts.tok.kind == TOK_EOF)
            return PARSE_ERROR(p, p->ts.tok.line, p->ts.tok.col, ALIGN_ESYNTAX,
                               "expected '}' to close the struct at %u:%u, found end of input",
                               open.line, open.col);
        TRY(parse_field(p, rec, si));
        if (!is_semi(&p->ts.tok) && !tok_is(&p->ts.tok, "}"))
            return expected(p, &p->ts.tok, "'}' after field list");
    }
    if (si >= 0)
        p->spans->v[si].close = (size_t)(p->ts.tok.text - p->spans->base);
    TRY(check_fields(p, rec));
    align_record_complete(rec, -1, -1);
    return next(p);
}

/* ----------------------------------------------------------- type decls */

/* After `type Name`, at '[': type parameters rather than an array length?
 * Go's rule: `[P C]`, `[P ~C]`, `[P, Q C]` are parameters; `[N]`, `[N*M]`
 * (even `[P *C]`) are lengths. */
static int is_type_params(parser *p, bool *yes)
{
    tstream c = p->ts;
    *yes = false;
    TRY(ts_next(&c));
    if (!is_name(&c.tok))
        return 0;
    TRY(ts_next(&c));
    *yes = c.tok.kind == TOK_IDENT || tok_is(&c.tok, "~") || tok_is(&c.tok, ",");
    return 0;
}

/* Makes the entry fwd (SIZE_MAX: a new one) the declaration of name as t. */
static int bind_name(parser *p, const token *name, const char *cname, size_t fwd, align_type *t,
                     bool alias)
{
    sym *s = fwd != SIZE_MAX ? &p->syms[fwd] : sym_add(p, name, SYM_TYPE);
    if (s == NULL)
        return ALIGN_ENOMEM;
    s->kind = SYM_TYPE;
    s->type = t;
    s->alias = alias;
    s->line = name->line;
    s->col = name->col;
    return align_graph_bind(p->g, cname, t);
}

/* TypeSpec: Name [TypeParams] ['='] Type. */
static int type_spec(parser *p, int64_t index)
{
    token name = p->ts.tok;
    const char *cname;
    align_type *t, *ph, *under;
    size_t fwd;
    bool generic = false, alias;
    char q[64];
    (void)index;
    if (!is_name(&name))
        return expected(p, &name, "type name");
    TRY(check_new_name(p, &name, &fwd));
    TRY(next(p));
    if (tok_is(&p->ts.tok, "["))
        TRY(is_type_params(p, &generic));
    if (tok_is(&name, "_"))
        return skip_to_end(p, &p->ts, false); /* type _ ...: nothing can use it */
    if (generic && p->spans != NULL && p->pass_types) {
        int si = src_spans_record(p->spans, NULL, strdup_tok(p, &name), &name);
        if (si < 0)
            return ALIGN_ENOMEM;
        p->spans->v[si].skip_reason = "generic type: a type parameter has no size until "
                                      "instantiated";
    }
    if (generic) {
        /* Cannot be laid out uninstantiated: remember the name, skip. */
        sym *s = fwd != SIZE_MAX ? &p->syms[fwd] : sym_add(p, &name, SYM_GENERIC);
        if (s == NULL)
            return ALIGN_ENOMEM;
        s->kind = SYM_GENERIC;
        s->line = name.line;
        s->col = name.col;
        return skip_to_end(p, &p->ts, false);
    }
    cname = strdup_tok(p, &name);
    if (cname == NULL)
        return ALIGN_ENOMEM;
    ph = fwd != SIZE_MAX ? p->syms[fwd].type : NULL;
    t = fwd == SIZE_MAX ? align_graph_lookup(p->g, cname) : NULL;
    if (t != NULL) {
        /* Lenient: another file of the package used the name before this
         * file declares it, and left a placeholder to complete. */
        if (p->lenient && t->kind == ALIGN_KIND_NAMED && t->target == NULL && t->name != NULL)
            ph = t;
        else
            return PARSE_ERROR(p, name.line, name.col, ALIGN_ESYNTAX,
                               "%s redeclared (declared by an earlier input)",
                               quote(q, sizeof q, name.text, name.len));
    }
    alias = tok_is(&p->ts.tok, "=");
    if (alias)
        TRY(next(p));
    if (tok_is(&p->ts.tok, "struct")) {
        /* type X struct {...} (or X = struct {...}): the record is X, bound
         * first so that its fields can point to it. */
        t = align_type_record(p->g, ALIGN_KIND_STRUCT, cname);
        if (t == NULL)
            return ALIGN_ENOMEM;
        if (ph != NULL)
            align_type_set_target(ph, t);
        align_type_set_pos(t, srcpos(p, &name));
        TRY(bind_name(p, &name, cname, fwd, t, false));
        if (p->spans != NULL) {
            int si = src_spans_record(p->spans, t, cname, &name);
            if (si < 0)
                return ALIGN_ENOMEM;
            p->span_next = si;
        }
        TRY(parse_struct(p, t));
        return push_decl(p, t);
    }
    if (!alias) {
        /* A defined type, bound before its underlying type, which may use it
         * (type List *List).  The placeholder becomes it. */
        t = ph ? ph : new_named(p, cname, NULL);
        if (t == NULL)
            return ALIGN_ENOMEM;
        align_type_set_pos(t, srcpos(p, &name));
        TRY(bind_name(p, &name, cname, fwd, t, false));
        TRY(parse_type(p, false, &under));
        align_type_set_target(t, under);
        return push_decl(p, t); /* kept at the end if its layout is a struct */
    }
    /* An alias is the type itself; uses before it went through the
     * placeholder, which now points to it. */
    TRY(parse_type(p, false, &t));
    TRY(check_new_name(p, &name, &fwd)); /* the type may have used the name */
    if (fwd != SIZE_MAX)
        align_type_set_target(p->syms[fwd].type, t);
    return bind_name(p, &name, cname, fwd, t, true);
}

/* ---------------------------------------------------------------- files */

static int parse_file(parser *p)
{
    for (;;) {
        token kw = p->ts.tok;
        if (kw.kind == TOK_EOF)
            return 0;
        if (!is_semi(&kw) && !tok_is(&kw, "package") && !tok_is(&kw, "import") &&
            !tok_is(&kw, "var") && !tok_is(&kw, "func") && !tok_is(&kw, "const") &&
            !tok_is(&kw, "type"))
            return expected(p, &kw, "declaration (type, const, var, func or import)");
        p->has_const_list = false;
        TRY(next(p));
        if (tok_is(&kw, "func"))
            TRY(skip_func(p));
        else if (tok_is(&kw, "const"))
            TRY(parse_group(p, const_spec, "';' or ')' after constant declaration"));
        else if (tok_is(&kw, "type") && p->pass_types)
            TRY(parse_group(p, type_spec, "';' or ')' after type declaration"));
        else if (!is_semi(&kw))
            TRY(skip_decl(p));
    }
}

/* Every forward reference resolved; the struct declarations, in order. */

/* align_type_resolve(t), remembering the answer for every named node on
 * the way (memo by type id, n ids; NULL: not known yet), so that the
 * links of one chain are walked once in all. */
static const align_type *resolve_memo(const align_type *t, const align_type **memo, size_t n)
{
    const align_type *u = t, *r;
    size_t steps = 0;
    while (u != NULL && u->kind == ALIGN_KIND_NAMED && u->id < n && memo[u->id] == NULL &&
           steps <= n) {
        u = u->target;
        steps++;
    }
    if (u != NULL && u->kind == ALIGN_KIND_NAMED)
        r = u->id < n && memo[u->id] != NULL ? memo[u->id] : align_type_resolve(u);
    else
        r = u;
    for (u = t; steps-- > 0; u = u->target)
        memo[u->id] = r;
    return r;
}

static int finish(parser *p)
{
    size_t before = align_graph_ndecls(p->g);
    char q[64];
    for (size_t i = 0; i < p->nsyms && !p->lenient; i++) {
        const sym *s = &p->syms[i];
        if (s->kind == SYM_FORWARD) {
            PARSE_ERROR(p, s->line, s->col, ALIGN_EUNKNOWN, "undefined type %s",
                        quote(q, sizeof q, s->name, s->len));
            if (s->val_line != 0)
                error_hint("declare it in the input, or replace it with a type of the "
                           "same size");
            else
                error_hint("declare it in the input; behind a pointer, slice, map or "
                           "chan any declaration will do: type %s struct{}",
                           q);
            return ALIGN_EUNKNOWN;
        }
        if (s->kind == SYM_GENERIC && s->val_line != 0)
            return generic_error(p, s->val_line, s->val_col, quote(q, sizeof q, s->name, s->len));
    }
    /* `type T1 T0` 50,000 times: every declaration is a link of one
     * chain, so each chain node's answer is kept (by type id): resolving
     * each declaration afresh was quadratic. */
    const align_type **resolved = calloc(p->g->ntypes ? p->g->ntypes : 1, sizeof *resolved);
    if (resolved == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < p->ndecls; i++) {
        const align_type *r = resolve_memo(p->decls[i], resolved, p->g->ntypes);
        int rc = r != NULL && align_type_kind(r) == ALIGN_KIND_STRUCT
                     ? align_graph_add_decl(p->g, p->decls[i])
                     : 0;
        if (rc < 0) {
            free(resolved);
            return rc;
        }
    }
    free(resolved);
    if (align_graph_ndecls(p->g) == before && !p->lenient) {
        error_set(ALIGN_EEMPTY, p->file, 0, 0, "no struct type declarations found");
        error_hint("calc expects Go declarations like: type T struct { A int64; B bool }");
        return ALIGN_EEMPTY;
    }
    return 0;
}

int align_decl_parse_go(align_graph *g, const char *file, const char *text, size_t len)
{
    return src_parse_go(g, file, text, len, NULL);
}

int src_parse_go(align_graph *g, const char *file, const char *text, size_t len, src_spans *spans)
{
    parser p;
    int rc;
    memset(&p, 0, sizeof p);
    p.lenient = src_parse_begin(g, ALIGN_LANG_GO, text, len, spans);
    p.g = g;
    p.src = text ? text : "";
    p.len = len;
    p.spans = spans;
    p.span_next = -1;
    if (file != NULL) {
        p.file = align_graph_strdup(g, file, (size_t)-1);
        if (p.file == NULL)
            return ALIGN_ENOMEM;
    }
    /* Pass 1: the consts.  Its errors are pass 2's to report. */
    rc = ts_init(&p, &p.ts, p.src, len);
    if (rc == 0)
        rc = parse_file(&p);
    if (rc == ALIGN_ENOMEM)
        goto done;
    align_error_clear();
    /* Pass 2: the types. */
    p.pass_types = true;
    rc = ts_init(&p, &p.ts, p.src, len);
    if (rc == 0)
        rc = parse_file(&p);
    if (rc == 0)
        rc = finish(&p);
done:
    free(p.syms);
    table_free(&p.sym_index);
    free(p.decls);
    return rc;
}
