/*
 * lex.c - tokens for the declaration parsers (see lex.h).
 *
 * A hand-written scanner: the token set is small and the parsers want exact
 * line and column numbers for every message; a generated scanner would add a
 * build dependency and nothing else.
 *
 * LEX_SKIP_CPP (C): a directive is a line whose first non-blank is '#',
 * with its continuations and any comment that opens on it; an `#if 0` group
 * is skipped up to its #else/#elif/#endif (it often holds text that is not
 * C); both arms of other conditionals are read.  `#pragma pack` is refused
 * (ALIGN_ESYNTAX at its line): it changes layouts, and a reader that skips
 * it would report packed structs as unpacked without a word.
 */
#include "source/lex.h"

#include <stdio.h>
#include <string.h>

void lex_init(lexer *lx, const char *file, const char *src, size_t len, unsigned flags)
{
    memset(lx, 0, sizeof(*lx));
    lx->file = file;
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
    lx->flags = flags;
}

static int peekc(const lexer *lx, size_t k)
{
    return lx->pos + k < lx->len ? (unsigned char)lx->src[lx->pos + k] : -1;
}

static void advance(lexer *lx)
{
    if (lx->pos >= lx->len)
        return;
    if (lx->src[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->pos++;
}

static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* The length of the UTF-8 sequence at the lexer's position (its lead
 * byte is >= 0x80), or 0 when it is not valid UTF-8: a stray continuation
 * byte, a truncated sequence, an overlong form, a surrogate, past
 * U+10FFFF (RFC 3629). */
static size_t utf8_len(const lexer *lx)
{
    int c = peekc(lx, 0), lo = 0x80, hi = 0xbf;
    size_t n;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0; /* overlong */
    else if (c == 0xed)
        hi = 0x9f; /* surrogates */
    else if (c == 0xf0)
        lo = 0x90; /* overlong */
    else if (c == 0xf4)
        hi = 0x8f; /* past U+10FFFF */
    for (size_t k = 1; k < n; k++) {
        int b = peekc(lx, k);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf))
            return 0;
    }
    return n;
}

int lex_error_at(const lexer *lx, const token *t, int code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(code, lx->file, t ? t->line : lx->line, t ? t->col : lx->col, "%s", msg);
}

/* Whether only blanks precede the current position on its line: a
 * directive may be indented ("  #include", "#  define"). */
static bool at_line_start(const lexer *lx)
{
    size_t i = lx->pos;
    while (i > 0 && (lx->src[i - 1] == ' ' || lx->src[i - 1] == '\t'))
        i--;
    return i == 0 || lx->src[i - 1] == '\n';
}

/* Skips a preprocessor line: backslash continuations, and comments and
 * quotes on it: a block comment that opens on a directive line (after an
 * #endif, say) may close lines later, and a comment opener inside quotes is
 * not one.  decl_c.c scans skipped text by the same rules. */
static int skip_directive(lexer *lx)
{
    while (lx->pos < lx->len && lx->src[lx->pos] != '\n') {
        int c = peekc(lx, 0);
        if (c == '\\' && (peekc(lx, 1) == '\n' || (peekc(lx, 1) == '\r' && peekc(lx, 2) == '\n'))) {
            advance(lx);
            if (peekc(lx, 0) == '\r')
                advance(lx);
            advance(lx);
        } else if (c == '/' && peekc(lx, 1) == '*') {
            unsigned line = lx->line, col = lx->col;
            advance(lx);
            advance(lx);
            while (!(peekc(lx, 0) == '*' && peekc(lx, 1) == '/')) {
                if (lx->pos >= lx->len)
                    return error_set(ALIGN_ESYNTAX, lx->file, line, col, "unterminated comment");
                advance(lx);
            }
            advance(lx);
            advance(lx);
        } else if (c == '/' && peekc(lx, 1) == '/') {
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
                advance(lx);
        } else if (c == '"' || c == '\'') {
            advance(lx);
            while (lx->pos < lx->len && peekc(lx, 0) != c && peekc(lx, 0) != '\n') {
                if (peekc(lx, 0) == '\\' && peekc(lx, 1) >= 0) /* an escape or a continuation */
                    advance(lx);
                advance(lx);
            }
            if (peekc(lx, 0) == c)
                advance(lx);
        } else {
            advance(lx);
        }
    }
    return 0;
}

/* The word after s (past blanks): its start in *w, its length returned. */
static size_t next_word(const char *s, const char *end, const char **w)
{
    size_t n = 0;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (s + n < end && is_ident_char((unsigned char)s[n]))
        n++;
    *w = s;
    return n;
}

/* Whether the directive whose '#' is at s reads `#if 0`. */
static bool is_if0(const char *s, const char *end)
{
    const char *w;
    if (next_word(s + 1, end, &w) != 2 || memcmp(w, "if", 2) != 0 ||
        next_word(w + 2, end, &w) != 1 || *w != '0')
        return false;
    for (s = w + 1; s < end && (*s == ' ' || *s == '\t' || *s == '\r'); s++)
        ;
    return s == end || *s == '\n' || *s == '/';
}

/* Whether the directive whose '#' is at s reads `#pragma pack`. */
static bool is_pragma_pack(const char *s, const char *end)
{
    const char *w;
    return next_word(s + 1, end, &w) == 6 && memcmp(w, "pragma", 6) == 0 &&
           next_word(w + 6, end, &w) == 4 && memcmp(w, "pack", 4) == 0;
}

/* After an `#if 0` line: skips the group's lines, which need not be C, up to
 * the '#' of its #else, #elif or #endif (nested conditionals counted), so
 * that the directive is skipped as usual and an #else arm read as code. */
static void skip_if0_group(lexer *lx)
{
    unsigned depth = 0;
    while (lx->pos < lx->len) {
        const char *s, *end = lx->src + lx->len;
        size_t n;
        advance(lx); /* the newline */
        while (peekc(lx, 0) == ' ' || peekc(lx, 0) == '\t')
            advance(lx);
        if (peekc(lx, 0) == '#') {
            s = lx->src + lx->pos + 1;
            while (s < end && (*s == ' ' || *s == '\t'))
                s++;
            for (n = 0; s + n < end && is_ident_char((unsigned char)s[n]); n++)
                ;
            if ((n == 2 && memcmp(s, "if", 2) == 0) || (n == 5 && memcmp(s, "ifdef", 5) == 0) ||
                (n == 6 && memcmp(s, "ifndef", 6) == 0)) {
                depth++;
            } else if (n == 5 && memcmp(s, "endif", 5) == 0) {
                if (depth == 0)
                    return;
                depth--;
            } else if (depth == 0 && ((n == 4 && memcmp(s, "else", 4) == 0) ||
                                      (n == 4 && memcmp(s, "elif", 4) == 0))) {
                return;
            }
        }
        while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
            advance(lx);
    }
}

/* Skips blanks and comments; stops at a newline when newlines are tokens. */
static int skip_space(lexer *lx)
{
    for (;;) {
        int c = peekc(lx, 0);
        if (c == '\n' && (lx->flags & LEX_NEWLINES))
            return 0;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
            advance(lx);
        } else if (c == '#' && (lx->flags & LEX_SKIP_CPP) && at_line_start(lx)) {
            bool if0 = is_if0(lx->src + lx->pos, lx->src + lx->len);
            int rc;
            /* Skipping it would lay out packed structs as unpacked. */
            if (!(lx->flags & LEX_PACK_OK) &&
                is_pragma_pack(lx->src + lx->pos, lx->src + lx->len)) {
                error_set(ALIGN_ESYNTAX, lx->file, lx->line, lx->col,
                          "#pragma pack is not supported: it changes member alignment");
                error_hint("use __attribute__((packed)) on the struct, or "
                           "__attribute__((aligned(N))) on members, instead");
                return ALIGN_ESYNTAX;
            }
            rc = skip_directive(lx);
            if (rc < 0)
                return rc;
            if (if0)
                skip_if0_group(lx);
        } else if (c == '/' && peekc(lx, 1) == '/') {
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
                advance(lx);
        } else if (c == '/' && peekc(lx, 1) == '*') {
            unsigned line = lx->line, col = lx->col;
            bool had_newline = false;
            advance(lx);
            advance(lx);
            for (;;) {
                if (lx->pos >= lx->len)
                    return error_set(ALIGN_ESYNTAX, lx->file, line, col, "unterminated comment");
                if (lx->src[lx->pos] == '*' && peekc(lx, 1) == '/') {
                    advance(lx);
                    advance(lx);
                    break;
                }
                if (lx->src[lx->pos] == '\n')
                    had_newline = true;
                advance(lx);
            }
            /* Go: a general comment with a newline acts like a newline. */
            if (had_newline && (lx->flags & LEX_NEWLINES)) {
                lx->tok.kind = TOK_NEWLINE;
                return 1;
            }
        } else {
            return 0;
        }
    }
}

static const char *const puncts3[] = {"...", "<<=", ">>=", "&^=", NULL};
static const char *const puncts2[] = {
    "<-", "->", "::", "<<", ">>", "&&", "||", "==", "!=", "<=", ">=", ":=",
    "++", "--", "+=", "-=", "*=", "/=", "&^", "|=", "&=", "^=", "%=", NULL};

/* A number at c (the current character): decimal, 0x, 0o, 0b, octal, with
 * Go's '_' separators and C's integer suffixes; anything with '.' or an
 * exponent is a float. */
static int scan_number(lexer *lx, token *t, int c)
{
    unsigned base = 10;
    uint64_t v = 0;
    bool ovf = false, is_float = false;
    if (c == '0' && (peekc(lx, 1) == 'x' || peekc(lx, 1) == 'X')) {
        base = 16;
        advance(lx);
        advance(lx);
    } else if (c == '0' && (peekc(lx, 1) == 'b' || peekc(lx, 1) == 'B')) {
        base = 2;
        advance(lx);
        advance(lx);
    } else if (c == '0' && (peekc(lx, 1) == 'o' || peekc(lx, 1) == 'O')) {
        base = 8;
        advance(lx);
        advance(lx);
    } else if (c == '0') {
        base = 8;
    }
    for (;;) {
        int d = peekc(lx, 0), dv;
        if (d == '_') {
            advance(lx);
            continue;
        }
        if (d >= '0' && d <= '9')
            dv = d - '0';
        else if (base == 16 && d >= 'a' && d <= 'f')
            dv = d - 'a' + 10;
        else if (base == 16 && d >= 'A' && d <= 'F')
            dv = d - 'A' + 10;
        else
            break;
        if (base != 16 && (d == 'e' || d == 'E'))
            break;
        if ((unsigned)dv >= base && base != 8) /* 08/09 checked below */
            break;
        if (!mul_u64(v, base, &v) || !add_u64(v, (uint64_t)dv, &v))
            ovf = true;
        advance(lx);
    }
    int d = peekc(lx, 0);
    /* Floats: decimal with '.' or an exponent e; hexadecimal (C99, Go)
     * with '.' or a binary exponent p, whose sign follows the p. */
    if ((base != 16 && (d == '.' || d == 'e' || d == 'E')) ||
        (base == 16 && (d == '.' || d == 'p' || d == 'P'))) {
        const char *exp = base == 16 ? "pP" : "eE";
        is_float = true;
        while (is_ident_char(peekc(lx, 0)) || peekc(lx, 0) == '.' ||
               ((peekc(lx, 0) == '+' || peekc(lx, 0) == '-') &&
                strchr(exp, lx->src[lx->pos - 1]) != NULL))
            advance(lx);
    } else {
        /* C suffixes u, l, ll in any case and order. */
        while (peekc(lx, 0) == 'u' || peekc(lx, 0) == 'U' || peekc(lx, 0) == 'l' ||
               peekc(lx, 0) == 'L')
            advance(lx);
        /* An imaginary literal (Go 2i, GCC's 2i extension): not an integer. */
        if (peekc(lx, 0) == 'i' && !is_ident_char(peekc(lx, 1))) {
            advance(lx);
            is_float = true;
        }
        if (is_ident_char(peekc(lx, 0))) {
            t->len = (size_t)(lx->src + lx->pos - t->text) + 1;
            return lex_error_at(lx, t, ALIGN_ESYNTAX, "malformed number '%.*s'", (int)t->len,
                                t->text);
        }
    }
    t->kind = is_float ? TOK_FLOAT : TOK_INT;
    t->ival = v;
    t->ovf = ovf;
    if (!is_float && base == 8) {
        /* An octal literal with an 8 or 9 in it is an error in both. */
        for (const char *p = t->text; p < lx->src + lx->pos; p++)
            if (*p == '8' || *p == '9')
                return lex_error_at(lx, t, ALIGN_ESYNTAX, "invalid digit in octal literal");
    }
    return 0;
}

/* A string or character literal (raw strings: Go's backquotes). */
static int scan_quoted(lexer *lx, token *t, int c)
{
    int quote = c;
    advance(lx);
    for (;;) {
        int d = peekc(lx, 0);
        if (d < 0 || (d == '\n' && quote != '`'))
            return lex_error_at(lx, t, ALIGN_ESYNTAX, "unterminated %s literal",
                                quote == '\'' ? "character" : "string");
        advance(lx);
        if (d == quote)
            break;
        if (d == '\\' && quote != '`' && peekc(lx, 0) >= 0)
            advance(lx);
    }
    t->kind = quote == '\'' ? TOK_CHAR : TOK_STRING;
    return 0;
}

/* Punctuation: the longest of puncts3, puncts2, then one character. */
static int scan_punct(lexer *lx, token *t, int c)
{
    t->kind = TOK_PUNCT;
    size_t rest = lx->len - lx->pos;
    for (int i = 0; puncts3[i]; i++)
        if (rest >= 3 && memcmp(lx->src + lx->pos, puncts3[i], 3) == 0) {
            advance(lx);
            advance(lx);
            advance(lx);
            return 0;
        }
    for (int i = 0; puncts2[i]; i++)
        if (rest >= 2 && memcmp(lx->src + lx->pos, puncts2[i], 2) == 0) {
            advance(lx);
            advance(lx);
            return 0;
        }
    if (strchr("{}[]();,.*&:=<>+-/%^|!~?@\\", c) == NULL || c == 0) {
        t->len = 1;
        if (c >= 0x20 && c < 0x7f)
            return lex_error_at(lx, t, ALIGN_ESYNTAX, "unexpected character '%c'", c);
        return lex_error_at(lx, t, ALIGN_ESYNTAX, "unexpected byte 0x%02x", (unsigned)c);
    }
    advance(lx);
    return 0;
}

static int scan(lexer *lx, token *t)
{
    int rc = skip_space(lx);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        /* A multi-line comment standing for a newline (Go). */
        memset(t, 0, sizeof *t);
        t->kind = TOK_NEWLINE;
        t->line = lx->line;
        t->col = lx->col;
        t->text = lx->src + lx->pos;
        return 0;
    }
    memset(t, 0, sizeof *t);
    t->line = lx->line;
    t->col = lx->col;
    t->text = lx->src + lx->pos;
    int c = peekc(lx, 0);
    if (c < 0) {
        t->kind = TOK_EOF;
        return 0;
    }
    if (c == '\n') {
        t->kind = TOK_NEWLINE;
        advance(lx);
        t->len = 1;
        return 0;
    }
    if (is_ident_start(c)) {
        /* Identifiers may be UTF-8 (Go letters; GCC 10+ in C), but valid
         * UTF-8: a stray byte is an error at its column, not part of a
         * name no compiler would accept. */
        while (is_ident_char(peekc(lx, 0))) {
            size_t n = 1;
            if (peekc(lx, 0) >= 0x80)
                n = utf8_len(lx);
            if (n == 0) {
                error_set(ALIGN_ESYNTAX, lx->file, lx->line, lx->col,
                          "invalid UTF-8 in an identifier (byte 0x%02x)", peekc(lx, 0));
                error_hint("save the file as UTF-8");
                return ALIGN_ESYNTAX;
            }
            while (n-- > 0)
                advance(lx);
        }
        t->kind = TOK_IDENT;
    } else if ((c >= '0' && c <= '9') || (c == '.' && peekc(lx, 1) >= '0' && peekc(lx, 1) <= '9')) {
        rc = scan_number(lx, t, c);
    } else if (c == '"' || c == '\'' || (c == '`' && (lx->flags & LEX_RAW_STRINGS))) {
        rc = scan_quoted(lx, t, c);
    } else {
        rc = scan_punct(lx, t, c);
    }
    if (rc < 0)
        return rc;
    t->len = (size_t)(lx->src + lx->pos - t->text);
    return 0;
}

int lex_next(lexer *lx)
{
    if (lx->has_peek) {
        lx->tok = lx->peeked;
        lx->has_peek = false;
        return 0;
    }
    return scan(lx, &lx->tok);
}

int lex_peek(lexer *lx, const token **out)
{
    if (!lx->has_peek) {
        int rc = scan(lx, &lx->peeked);
        if (rc < 0)
            return rc;
        lx->has_peek = true;
    }
    *out = &lx->peeked;
    return 0;
}

bool tok_is(const token *t, const char *s)
{
    size_t n = strlen(s);
    return (t->kind == TOK_PUNCT || t->kind == TOK_IDENT) && t->len == n &&
           memcmp(t->text, s, n) == 0;
}
