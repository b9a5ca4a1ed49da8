/*
 * lex.h - the tokenizer shared by the Go and C declaration parsers.
 *
 * Both languages have C-like tokens; the differences are options: Go wants
 * newlines (for its automatic semicolons) and raw `...` strings, C wants
 * preprocessor lines skipped.  Input is untrusted text of any size; the lexer
 * never reads past len, and never fails except on an unterminated comment or
 * string or a byte no token starts with (ALIGN_ESYNTAX with the position).
 */
#ifndef LIBALIGN_LEX_H
#define LIBALIGN_LEX_H

#include "model/model.h"

typedef enum tok_kind {
    TOK_EOF = 0,
    TOK_IDENT,
    TOK_INT, /* integer literal: value in tok.ival (saturates: ovf set) */
    TOK_FLOAT,
    TOK_STRING, /* "..." or `...` (Go raw); text includes the quotes */
    TOK_CHAR,   /* '...' */
    TOK_PUNCT,  /* operator or punctuation: text is 1-3 chars */
    TOK_NEWLINE /* only with LEX_NEWLINES */
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *text; /* points into the input; not NUL-terminated */
    size_t len;
    unsigned line, col; /* 1-based */
    uint64_t ival;
    bool ovf; /* integer literal did not fit in 64 bits */
} token;

enum {
    LEX_NEWLINES = 1u << 0,    /* emit TOK_NEWLINE (Go) */
    LEX_SKIP_CPP = 1u << 1,    /* skip lines starting with '#' (C) */
    LEX_RAW_STRINGS = 1u << 2, /* `...` strings (Go) */
    LEX_PACK_OK = 1u << 3      /* skip `#pragma pack` like other directives */
};

typedef struct lexer {
    const char *file;
    const char *src;
    size_t len;
    size_t pos;
    unsigned line, col;
    unsigned flags;
    token tok;    /* the current token */
    token peeked; /* one token of lookahead */
    bool has_peek;
} lexer;

void lex_init(lexer *lx, const char *file, const char *src, size_t len, unsigned flags);
/* Advances to the next token; ALIGN_ESYNTAX on bad input. */
int lex_next(lexer *lx);
/* The token after the current one, without consuming it. */
int lex_peek(lexer *lx, const token **out);
bool tok_is(const token *t, const char *punct_or_ident);
/* Records ALIGN_ESYNTAX (or code) at the token's position. */
int lex_error_at(const lexer *lx, const token *t, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The one error helper of the declaration parsers (decl_go.c, decl_c.c,
 * decl_c_expr.c): an error at line:col of the file parser p reads
 * (p->file), returning code.  error_set formats before it clears the
 * record, so the arguments may come from the previous error. */
#define PARSE_ERROR(p, line, col, code, ...)                                                       \
    error_set((code), (p)->file, (line), (col), __VA_ARGS__)

/* Deeper nesting of records, declarators, types or expressions is
 * ALIGN_ELIMIT in both parsers: recursion stays far from the end of the
 * stack, and below the layout's ALIGN_MAX_DEPTH. */
#define MAX_NEST 200

#endif
