/*
 * go_index.c - the declaration index of a Go file, made once as
 * go_source.c reads the file (read_file -> index_decls): its struct
 * declarations (package level, for find_decl; local `type X` in function
 * bodies, for local_decl), and the names find_line may look for (heads,
 * has_head); free_file frees a file's record, most of it the index.  Also
 * the lexical steps the index is made of, which the lookups (go_source.c)
 * and go_literals.c use too: skip_lit, code_at, match, skip_spaces,
 * struct_brace.  The scanner reads declarations only: strings, raw
 * strings, runes and comments are skipped so that a brace or a quote in
 * them does not count.
 *
 * Who calls it: read_file (go_source.c), for every .go file go_source
 * reads (cmd/compile's packages: 1,027 files, 17 MB); tests/test_go_index
 * includes this file to reach index_every and index_fast.  That work is
 * on the critical path of a -json escape join (the binary's thread,
 * beside the join), so the index visits only the identifiers it can
 * record (a line's first before `[` or `struct`, or at the line's first
 * column; a `type` and the one after it), found by a scan that stops at
 * literals and comments, '[', "stru", "type" and a line that starts at its
 * first column, and counts the newlines and braces it passes, sixteen
 * bytes at a time with SSE2 (next_mark).  index_every, which visits every
 * identifier, is its definition: tests/test_go_index compares the two on
 * hand-written cases and mutants, make check-go-index on every file of two
 * Go releases.
 */
#define _GNU_SOURCE /* memmem */
#include "go_source_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* GO_SOURCE_NO_SIMD: the plain loop of next_stop (tests/test_go_index_scalar) */
#if defined(__SSE2__) && !defined(GO_SOURCE_NO_SIMD)
#define GO_SOURCE_SSE2 1
#include <emmintrin.h>
#endif

/* Past a string, raw string, rune or comment starting at p, else p. */
const char *skip_lit(const char *p, const char *end)
{
    char q = *p;
    if (q == '/' && p + 1 < end && p[1] == '/') {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        return nl ? nl : end;
    }
    if (q == '/' && p + 1 < end && p[1] == '*') {
        const char *c = memmem(p + 2, (size_t)(end - p - 2), "*/", 2);
        return c ? c + 2 : end;
    }
    if (q != '"' && q != '\'' && q != '`')
        return p;
    for (p++; p < end && *p != q; p++)
        if (*p == '\\' && q != '`')
            p++;
    return p < end ? p + 1 : end;
}

/* The first character of code from p (p itself, or past the strings,
 * runes and comments that start there), or end. */
const char *code_at(const char *p, const char *end)
{
    for (;;) {
        const char *q = p < end ? skip_lit(p, end) : p;
        if (q == p)
            return p;
        p = q;
    }
}

/* The bracket or brace matching the one at p, or NULL. */
const char *match(const char *p, const char *end)
{
    char open = *p, close = open == '{' ? '}' : open == '[' ? ']' : ')';
    int depth = 0;
    for (p = code_at(p, end); p < end; p = code_at(p + 1, end))
        if (*p == open)
            depth++;
        else if (*p == close && --depth == 0)
            return p;
    return NULL;
}

/* The bytes index_decls looks at, by class: a letter, digit, '_' or a
 * byte of a UTF-8 sequence (isalnum in the C locale, without its call); a
 * string, rune or comment's first byte; a newline or brace.  Every other
 * byte is stepped over in one loop (cmd/compile's audit indexes some
 * 1,500 files, 20 MB: a test per class per byte was a quarter of the
 * binary thread's instructions). */
const unsigned char char_class[256] = {
    ['a' ... 'z'] = CH_IDENT,
    ['A' ... 'Z'] = CH_IDENT,
    ['0' ... '9'] = CH_IDENT,
    ['_'] = CH_IDENT,
    [0x80 ... 0xff] = CH_IDENT,
    ['/'] = CH_LIT,
    ['"'] = CH_LIT,
    ['\''] = CH_LIT,
    ['`'] = CH_LIT,
    ['\n'] = CH_LINE,
    ['{'] = CH_LINE,
    ['}'] = CH_LINE,
};

/* Past spaces and tabs from p (not newlines: a Go statement ends there). */
const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The '{' of `struct {` at p (white space, newlines too, between them), or
 * NULL. */
const char *struct_brace(const char *p, const char *end)
{
    if ((size_t)(end - p) < 6 || memcmp(p, "struct", 6) != 0)
        return NULL;
    p += 6;
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p < end && *p == '{' ? p : NULL;
}

/* `Name [params] struct {` at p (the name's start): the brace, the
 * params' span, or NULL. */
static const char *struct_after(const char *p, size_t nlen, const char *end, const char **tp,
                                size_t *tplen)
{
    const char *q = p + nlen;
    *tp = NULL;
    *tplen = 0;
    if (q >= end || ident_char(*q))
        return NULL;
    q = skip_spaces(q, end);
    if (q < end && *q == '[') {
        const char *c = match(q, end);
        if (c == NULL)
            return NULL;
        *tp = q;
        *tplen = (size_t)(c + 1 - q);
        q = c + 1;
        q = skip_spaces(q, end);
    }
    return struct_brace(q, end);
}

static int cmp_decl(const void *a, const void *b)
{
    const go_decl *x = a, *y = b;
    int c = memcmp(x->name, y->name, x->nlen < y->nlen ? x->nlen : y->nlen);
    if (c == 0 && x->nlen != y->nlen)
        c = x->nlen < y->nlen ? -1 : 1;
    if (c == 0 && x->name != y->name) /* both in the text: by position */
        c = x->name < y->name ? -1 : 1;
    return c;
}

static bool add_decl(go_decl **v, size_t *n, size_t *cap, const char *text, const char *name,
                     size_t nlen, unsigned line, const char *brace, const char *tp, size_t tplen)
{
    go_decl d = {name,
                 nlen,
                 line,
                 brace ? (size_t)(brace - text) : NO_BRACE,
                 brace && tp ? (size_t)(tp - text) : 0,
                 brace && tp ? tplen : 0};
    return align_vec_push((void **)v, n, cap, sizeof d, 16, &d) == 0;
}

/* Appends the name [p, e) to f's heads; false when out of memory. */
static bool add_head(go_file *f, const char *p, const char *e)
{
    size_t n = (size_t)(e - p);
    if (align_vec_reserve((void **)&f->heads, &f->heads_cap, f->nheads + n + 3, 1, 256) < 0)
        return false;
    if (f->nheads == 0)
        f->heads[f->nheads++] = '\n';
    memcpy(f->heads + f->nheads, p, n);
    f->nheads += n;
    f->heads[f->nheads++] = '\n';
    f->heads[f->nheads] = '\0';
    return true;
}

/* Whether the name is one of f's heads (find_line: the file may hold it). */
bool has_head(const go_file *f, const char *name)
{
    size_t n = strlen(name);
    const char *h = f->heads, *end = f->heads + f->nheads;
    if (h == NULL || n == 0)
        return false;
    while ((h = memmem(h, (size_t)(end - h), name, n)) != NULL) {
        if (h[-1] == '\n' && h + n < end && h[n] == '\n')
            return true;
        h++;
    }
    return false;
}

/* The heads of the name [p, e) that spaces or tabs from ls precede: it
 * and the others of its list (`var left, right struct {`) after `var` at
 * the start of the line, or in a `var (` block (in_block); the name alone
 * after `type` there.  False when out of memory. */
static bool indented_heads(go_file *f, const char *p, const char *e, const char *ls, bool in_block)
{
    const char *text = f->text, *end = f->text + f->len;
    bool kw_type =
        ls - text >= 4 && memcmp(ls - 4, "type", 4) == 0 && (ls - 4 == text || ls[-5] == '\n');
    bool kw_var =
        ls - text >= 3 && memcmp(ls - 3, "var", 3) == 0 && (ls - 3 == text || ls[-4] == '\n');
    if ((in_block || kw_type || kw_var) && !add_head(f, p, e))
        return false;
    for (const char *comma = in_block || kw_var ? skip_spaces(e, end) : end, *ne;
         comma < end && *comma == ','; comma = skip_spaces(ne, end)) {
        const char *n = comma + 1;
        while (n < end && (*n == ' ' || *n == '\t'))
            n++;
        for (ne = n; ne < end && ident_char(*ne);)
            ne++;
        if (ne == n)
            break;
        if (!add_head(f, n, ne))
            return false;
    }
    return true;
}

/* The names of f's declarations (total bytes) copied out of its text;
 * false when out of memory. */
static bool keep_names(go_file *f, size_t total)
{
    f->names = malloc(total + 1);
    if (f->names == NULL)
        return false;
    total = 0;
    for (int pass = 0; pass < 2; pass++) {
        go_decl *v = pass ? f->locals : f->decls;
        for (size_t i = 0, n = pass ? f->nlocals : f->ndecls; i < n; i++) {
            memcpy(f->names + total, v[i].name, v[i].nlen);
            v[i].name = f->names + total;
            total += v[i].nlen;
        }
    }
    return true;
}

/* What index_decls carries from one identifier it visits to the next. */
typedef struct ix_state {
    go_file *f;
    const char *kw_from; /* a local `type` counts from here (not the X of `type X`) */
    unsigned l;          /* the line */
    int depth;           /* of braces */
    bool in_var;         /* in a `var (` block (heads) */
    size_t cap, lcap, total;
    const char *line; /* index_fast: where the line of code being read starts */
    const char *done; /* index_fast: past the last identifier visited */
} ix_state;

/* What index_decls records of the identifier [p, e) of code: a local
 * `type X`, a head, a `Name [params] struct {`.  False when out of
 * memory. */
static bool visit_ident(ix_state *st, const char *p, const char *e)
{
    go_file *f = st->f;
    const char *text = f->text, *end = text + f->len, *ls, *brace, *tp;
    size_t tplen;
    /* in a function body, `type X` whatever X is (not the X of the
     * last one: its name is no keyword) */
    if (e - p == 4 && st->depth > 0 && p >= st->kw_from && end - p > 5 &&
        memcmp(p, "type", 4) == 0) {
        const char *n = skip_spaces(e, end), *ne;
        for (ne = n; ne < end && ident_char(*ne);)
            ne++;
        if (n > e && ne > n) {
            brace = struct_after(n, (size_t)(ne - n), end, &tp, &tplen);
            if (!add_decl(&f->locals, &f->nlocals, &st->lcap, text, n, (size_t)(ne - n), st->l,
                          brace, tp, tplen))
                return false;
            st->total += (size_t)(ne - n);
        }
        if (n > e)
            st->kw_from = ne;
    }
    /* No declaration nor head: a name after any byte but a space,
     * tab or newline (most of them), or after white space that ends
     * no `type` nor `var` and starts no line */
    if (p != text && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n')
        return true;
    /* `type Name` or, in a `type (` group, Name alone on its line */
    ls = p;
    while (ls > text && (ls[-1] == ' ' || ls[-1] == '\t'))
        ls--;
    if (ls > text && ls[-1] != '\n' && ls[-1] != 'e' && ls[-1] != 'r')
        return true;
    bool typed = ls - text >= 4 && memcmp(ls - 4, "type", 4) == 0 &&
                 (ls - 4 == text || !ident_char(ls[-5])) && ls != p;
    bool grouped = ls == text || ls[-1] == '\n';
    /* heads: a name at the start of a line opens or closes a `var (`
     * block; what follows `var`/`type` there, or starts an indented
     * line in the block, is one */
    if (grouped && ls == p) {
        const char *q = skip_spaces(e, end), *n, *ne;
        st->in_var = e - p == 3 && memcmp(p, "var", 3) == 0 && q < end && *q == '(';
        /* and a function's name, `func F(`, `func (r *T) M(`: the
         * file of a local variable's struct (locate_local) */
        if (f->func_heads && e - p == 4 && memcmp(p, "func", 4) == 0 && q < end) {
            n = *q == '(' ? memchr(q, ')', (size_t)(end - q)) : q;
            n = n != NULL && *q == '(' ? skip_spaces(n + 1, end) : n;
            for (ne = n; ne != NULL && ne < end && ident_char(*ne);)
                ne++;
            if (n != NULL && ne > n && !add_head(f, n, ne))
                return false;
        }
    } else if (ls != p && !indented_heads(f, p, e, ls, grouped && st->in_var)) {
        return false;
    }
    /* `Name [params] struct {`: only a '[' or an 's' can follow */
    brace = NULL;
    if (typed || grouped) {
        const char *q = skip_spaces(e, end);
        if (q < end && (*q == '[' || *q == 's'))
            brace = struct_after(p, (size_t)(e - p), end, &tp, &tplen);
    }
    if (brace != NULL) {
        if (!add_decl(&f->decls, &f->ndecls, &st->cap, text, p, (size_t)(e - p), st->l, brace, tp,
                      tplen))
            return false;
        st->total += (size_t)(e - p);
    }
    return true;
}

/* Past a string, raw string, rune or comment at p (past a lone '/'),
 * counting its lines. */
static const char *past_lit(ix_state *st, const char *p, const char *end)
{
    const char *q = skip_lit(p, end);
    if (q == p) /* a lone '/' */
        q++;
    for (const char *nl = p; (nl = memchr(nl, '\n', (size_t)(q - nl))) != NULL; nl++)
        st->l++;
    return q;
}

/* The definition of index_decls: every identifier of code visited
 * (visit_ident), the text read byte by byte.  index_fast must record
 * what it records; test_go_index compares the two. */
static bool index_every(ix_state *st)
{
    const char *text = st->f->text, *p = text, *end = text + st->f->len, *e;
    for (;;) {
        while (p < end && char_class[(unsigned char)*p] == 0)
            p++;
        if (p == end)
            return true;
        unsigned k = char_class[(unsigned char)*p];
        if (k == CH_LIT) {
            p = past_lit(st, p, end);
        } else if (k == CH_LINE) {
            st->l += *p == '\n';
            st->depth += (*p == '{') - (*p == '}');
            p++;
        } else {
            for (e = p; e < end && ident_char(*e);)
                e++;
            if (!visit_ident(st, p, e))
                return false;
            p = e;
        }
    }
}

/* Whether [p, e) is the keyword after which an identifier that follows
 * on the line (spaces and tabs between) can be recorded: `type`, or `var`
 * at the start of a line. */
static bool names_next(const char *text, const char *p, const char *e)
{
    return (e - p == 4 && memcmp(p, "type", 4) == 0) ||
           (e - p == 3 && memcmp(p, "var", 3) == 0 && (p == text || p[-1] == '\n'));
}

/* Visits the identifier of code at p and, after `type` or a line's `var`,
 * the one that follows (and so on); past the last. */
static const char *visit_run(ix_state *st, const char *p, bool *ok)
{
    const char *text = st->f->text, *end = text + st->f->len;
    for (;;) {
        const char *e = p, *n;
        while (e < end && ident_char(*e))
            e++;
        if (!visit_ident(st, p, e)) {
            *ok = false;
            return end;
        }
        st->done = e;
        if (!names_next(text, p, e))
            return e;
        n = skip_spaces(e, end);
        if (n == e || n == end || !ident_char(*n))
            return e;
        p = n;
    }
}

/* A line's start p (in code): its first identifier visited, when it has
 * one after its indentation; past what was visited. */
static const char *line_start(ix_state *st, const char *p, bool *ok)
{
    const char *end = st->f->text + st->f->len, *q = skip_spaces(p, end), *e;
    if (q == end || !ident_char(*q))
        return q;
    if (q == p || st->in_var)
        return visit_run(st, q, ok);
    /* indented, outside a `var (` block: only `Name [params] struct {`
     * or a `type` (visit_ident's tests, the cheap ones first) */
    for (e = q; e < end && ident_char(*e);)
        e++;
    if (e - q == 4 && memcmp(q, "type", 4) == 0)
        return visit_run(st, q, ok);
    p = skip_spaces(e, end);
    if (p < end && (*p == '[' || *p == 's'))
        return visit_run(st, q, ok);
    return e;
}

/* Whether p starts `type` (the bytes; not the identifier). */
static inline bool type_at(const char *p, const char *end)
{
    return end - p >= 4 && p[0] == 't' && p[1] == 'y' && p[2] == 'p' && p[3] == 'e';
}

#ifdef GO_SOURCE_SSE2
/* The bytes of v that start a literal or a comment: '/', '"', '\'', '`'. */
__attribute__((always_inline)) static inline __m128i lit_starts(__m128i v)
{
    return _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('`'))));
}

/* The bytes where the four bytes a, b, c, d start, of the 16 loaded at p
 * (v) and those loaded at p + 1, p + 2 and p + 3 (v1, v2, v3). */
__attribute__((always_inline)) static inline __m128i
word_at(__m128i v, __m128i v1, __m128i v2, __m128i v3, char a, char b, char c, char d)
{
    return _mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(a)), _mm_cmpeq_epi8(v1, _mm_set1_epi8(b))),
        _mm_and_si128(_mm_cmpeq_epi8(v2, _mm_set1_epi8(c)), _mm_cmpeq_epi8(v3, _mm_set1_epi8(d))));
}
#endif

/* The first byte from p that index_fast stops at: a newline, a brace, a
 * literal's or comment's first byte ('/' too), or the start of the bytes
 * "type"; end if none.  Sixteen bytes at a time where SSE2 is (every
 * x86-64). */
static const char *next_stop(const char *p, const char *end)
{
#ifdef GO_SOURCE_SSE2
    const __m128i nl = _mm_set1_epi8('\n'), lb = _mm_set1_epi8('{'), rb = _mm_set1_epi8('}');
    while (end - p >= 19) { /* the 16 bytes and the 3 after, for "type" */
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nl), lit_starts(v)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, lb), _mm_cmpeq_epi8(v, rb)));
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            m, word_at(v, _mm_loadu_si128((const __m128i *)(p + 1)),
                       _mm_loadu_si128((const __m128i *)(p + 2)),
                       _mm_loadu_si128((const __m128i *)(p + 3)), 't', 'y', 'p', 'e')));
        if (bits != 0)
            return p + __builtin_ctz(bits);
        p += 16;
    }
#endif
    for (; p < end; p++)
        if ((char_class[(unsigned char)*p] & (CH_LIT | CH_LINE)) || (*p == 't' && type_at(p, end)))
            return p;
    return end;
}

/* A '[' or "stru" at x: the line's first identifier visited when x
 * follows it and the spaces after it (`Name [params] struct {`, `Name
 * struct {`) and it was not visited yet; past x, or past the visit. */
static const char *line_head(ix_state *st, const char *x, bool *ok)
{
    const char *end = st->f->text + st->f->len, *q = skip_spaces(st->line, end), *e;
    if (q >= x || q < st->done || !ident_char(*q))
        return x + 1;
    for (e = q; e < x && ident_char(*e);)
        e++;
    return skip_spaces(e, end) == x ? visit_run(st, q, ok) : x + 1;
}

#ifdef GO_SOURCE_SSE2
/* The bits set in each byte value, and in x (below 2^16): x86-64's
 * baseline has no popcnt instruction (__builtin_popcount became a call). */
#define POP2(n) n, n + 1, n + 1, n + 2
#define POP4(n) POP2(n), POP2(n + 1), POP2(n + 1), POP2(n + 2)
#define POP6(n) POP4(n), POP4(n + 1), POP4(n + 1), POP4(n + 2)
static const unsigned char pop8[256] = {POP6(0), POP6(1), POP6(1), POP6(2)};
static inline unsigned bits16(unsigned x)
{
    return (unsigned)pop8[x & 0xff] + pop8[x >> 8];
}

/* The sum of the 16 bytes of v. */
static inline unsigned lanes_sum(__m128i v)
{
    __m128i s = _mm_sad_epu8(v, _mm_setzero_si128());
    return (unsigned)_mm_cvtsi128_si32(s) + (unsigned)_mm_extract_epi16(s, 4);
}
#endif

/* Whether p starts "stru" (the bytes). */
static inline bool stru_at(const char *p, const char *end)
{
    return end - p >= 4 && p[0] == 's' && p[1] == 't' && p[2] == 'r' && p[3] == 'u';
}

/* The first byte from p that index_fast stops at outside a `var (` block:
 * a literal's or comment's first byte ('/' too), '[', the bytes "type" or
 * "stru", a newline before a byte that is not a tab, space or newline (a
 * line that starts at its first column); end if none.  The newlines and
 * braces passed are counted into st (and st->line moved) sixteen bytes at
 * a time where SSE2 is: a line that starts with white space has no
 * identifier to visit unless a '[' or "struct" follows it (line_head);
 * stopping at each newline and brace was half of the index's time.  The
 * last bytes (and every byte without SSE2) stop at every newline and
 * brace, which index_fast handles one by one, as next_stop's. */
static const char *next_mark(ix_state *st, const char *p, const char *end)
{
#ifdef GO_SOURCE_SSE2
    const __m128i nl = _mm_set1_epi8('\n'), lb = _mm_set1_epi8('{'), rb = _mm_set1_epi8('}'),
                  br = _mm_set1_epi8('['), tab = _mm_set1_epi8('\t'), sp = _mm_set1_epi8(' '),
                  zero = _mm_setzero_si128();
    /* The newlines and braces of the blocks passed, counted per byte lane
     * (a lane holds at most 255: summed every 255 blocks); where the last
     * newline was. */
    __m128i nls = zero, lbs = zero, rbs = zero;
    const char *at = NULL; /* the last block passed with a newline */
    unsigned at_bits = 0, blocks = 0, m = 0;
    while (end - p >= 19) { /* the 16 bytes and the 3 after, for "type" */
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        __m128i v1 = _mm_loadu_si128((const __m128i *)(p + 1));
        __m128i v2 = _mm_loadu_si128((const __m128i *)(p + 2));
        __m128i v3 = _mm_loadu_si128((const __m128i *)(p + 3));
        __m128i n = _mm_cmpeq_epi8(v, nl), ob = _mm_cmpeq_epi8(v, lb), cb = _mm_cmpeq_epi8(v, rb);
        __m128i lit = lit_starts(v);
        __m128i ty = word_at(v, v1, v2, v3, 't', 'y', 'p', 'e');
        __m128i st_ = word_at(v, v1, v2, v3, 's', 't', 'r', 'u');
        __m128i blank = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v1, tab), _mm_cmpeq_epi8(v1, sp)),
                                     _mm_cmpeq_epi8(v1, nl));
        __m128i stop =
            _mm_or_si128(_mm_or_si128(lit, _mm_cmpeq_epi8(v, br)),
                         _mm_or_si128(_mm_or_si128(ty, st_), _mm_andnot_si128(blank, n)));
        unsigned nb = (unsigned)_mm_movemask_epi8(n);
        m = (unsigned)_mm_movemask_epi8(stop);
        if (m != 0) { /* the bytes before the stop, one by one */
            unsigned below = (1u << __builtin_ctz(m)) - 1;
            nb &= below;
            st->l += bits16(nb);
            st->depth += (int)bits16((unsigned)_mm_movemask_epi8(ob) & below) -
                         (int)bits16((unsigned)_mm_movemask_epi8(cb) & below);
            if (nb != 0) {
                at = p;
                at_bits = nb;
            }
            break;
        }
        nls = _mm_sub_epi8(nls, n); /* a newline is -1 */
        lbs = _mm_sub_epi8(lbs, ob);
        rbs = _mm_sub_epi8(rbs, cb);
        if (nb != 0) {
            at = p;
            at_bits = nb;
        }
        p += 16;
        if (++blocks == 255) {
            st->l += lanes_sum(nls);
            st->depth += (int)lanes_sum(lbs) - (int)lanes_sum(rbs);
            nls = lbs = rbs = zero;
            blocks = 0;
        }
    }
    st->l += lanes_sum(nls);
    st->depth += (int)lanes_sum(lbs) - (int)lanes_sum(rbs);
    if (at != NULL)
        st->line = at + (31 - __builtin_clz(at_bits)) + 1;
    if (m != 0)
        return p + __builtin_ctz(m);
#endif
    for (; p < end; p++)
        if ((char_class[(unsigned char)*p] & (CH_LIT | CH_LINE)) || *p == '[' ||
            (*p == 't' && type_at(p, end)) || (*p == 's' && stru_at(p, end)))
            return p;
    return end;
}

/* index_every's records, with the identifiers that cannot be recorded
 * passed over (cmd/compile's audit indexes 1,464 files, 22 MB: visiting
 * each of their identifiers was half of the placing's time).  Only these
 * can be: a line's first (a group's `Name struct {`, a head, `var`,
 * `func`); a `type` (a local declaration); and the one after `type`, or
 * after a line's `var` (visit_run).  Any other follows a byte that
 * visit_ident turns away at once, or white space after a word that is not
 * one of those two.  And a line's first that white space precedes can be
 * recorded only in a `var (` block or before `[` or `struct` (line_head).
 * So the text is scanned for what changes the state (literals, comments,
 * newlines, braces), for lines that start at their first column, for
 * "type", "stru" and '[' only (next_mark; in a `var (` block, next_stop:
 * each line is looked at). */
static bool index_fast(ix_state *st)
{
    const char *text = st->f->text, *end = text + st->f->len, *p;
    bool ok = true;
    st->line = text;
    st->done = text;
    p = line_start(st, text, &ok);
    while (ok && (p = st->in_var ? next_stop(p, end) : next_mark(st, p, end)) < end) {
        switch (*p) {
        case '\n':
            st->l++;
            st->line = p + 1;
            p = line_start(st, p + 1, &ok);
            break;
        case '{':
            st->depth++;
            p++;
            break;
        case '}':
            st->depth--;
            p++;
            break;
        case '[':
        case 's': /* "stru" */ p = line_head(st, p, &ok); break;
        case 't': /* "type": the identifier, or a part of one */
            if (p != text && ident_char(p[-1]))
                p++;
            else if (p + 4 < end && ident_char(p[4]))
                p += 4;
            else
                p = visit_run(st, p, &ok);
            break;
        default: /* a line comment holds no newline: past_lit's count is not needed */
            if (p[0] == '/' && p + 1 < end && p[1] == '/') {
                p = memchr(p + 2, '\n', (size_t)(end - p - 2));
                p = p != NULL ? p : end;
            } else {
                p = past_lit(st, p, end);
            }
        }
    }
    return ok;
}

/* The struct declarations of f, read once when the file is read: a lookup
 * per type used to scan its package's files again (cmd/compile: 4 s of a
 * 5 s audit --escape).  Package level (find_decl): an identifier outside
 * strings, runes and comments, after `type` or alone at the start of its
 * line (a `type (` group), followed by `[params] struct {`.  In function
 * bodies (local_decl): every `type X` at brace depth above 0, in file
 * order, whatever its type.  A file outside --src keeps only the names and
 * lines, not its text (cmd/compile's packages hold tens of MB).  every:
 * index_every (the test's reference).  False when out of memory. */
bool index_decls(go_file *f, bool every)
{
    ix_state st = {f, f->text, 1, 0, false, 0, 0, 0, f->text, f->text};
    if (!(every ? index_every(&st) : index_fast(&st)))
        return false;
    if (f->ndecls > 1) /* qsort must not be given NULL, even for none */
        qsort(f->decls, f->ndecls, sizeof *f->decls, cmp_decl);
    return f->src || keep_names(f, st.total);
}

/* The first package-level declaration of the struct `name` in f, or NULL. */
const go_decl *find_decl(const go_file *f, const char *name)
{
    size_t nlen = strlen(name), lo = 0, hi = f->ndecls;
    while (lo < hi) { /* the first entry not below name */
        size_t mid = lo + (hi - lo) / 2;
        const go_decl *d = &f->decls[mid];
        int c = memcmp(d->name, name, d->nlen < nlen ? d->nlen : nlen);
        if (c < 0 || (c == 0 && d->nlen < nlen))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < f->ndecls && f->decls[lo].nlen == nlen && memcmp(f->decls[lo].name, name, nlen) == 0)
        return &f->decls[lo];
    return NULL;
}

void free_file(go_file *f)
{
    free(f->build);
    free(f->path);
    free(f->text);
    free(f->decls);
    free(f->locals);
    free(f->names);
    free(f->heads);
}
