/*
 * body.c - a struct body cut into member units, and written again in a new
 * order with every comment, tag and blank-line group kept.
 *
 * Who calls it: rewrite.c, once per struct that a run reorders.  Bodies are
 * a few to a few hundred lines; everything here is linear in the body.
 *
 * CUTTING.  The parsers give each member declaration's byte span
 * (spans.h); the bytes between two spans hold only blanks, ';' and
 * comments, which the lexer skipped.  So the body is read line by line:
 *   - the rest of the '{' line (a comment there stays with the '{');
 *   - for each member: the comment lines directly above it (its doc
 *     comment; blank lines between them are kept inside it) and whether a
 *     blank line precedes them; the member's own lines; the comment after
 *     it on its last line (its trailing comment, which may be a block
 *     comment running over several lines);
 *   - after the last member, comment and blank lines up to the '}' line,
 *     which stay where they are.
 * Anything else between members is refused, with the reason: a
 * preprocessor line (C: the struct means different things under different
 * macros), or two members sharing a line (a unit would not be whole
 * lines).  A body on one line (`struct{ A int; B bool }`) is its own case:
 * members joined by "; " (Go) or " " (C), refused when it holds comments.
 *
 * WRITING.  The region from the end of the '{' line to the end of the last
 * member is replaced.  Members come in the new order; a member declaring
 * several names (`X, Y int`, `int a, b;`) is written whole when its fields
 * stay together in their order, else each field is written on its own line
 * (its doc and trailing comment go with the first of them).  A unit keeps
 * its blank line above it (one), except the first.
 *   - C: each unit's lines are copied as they are: the file's indentation,
 *     its column alignment, its comments.
 *   - Go: each field line is produced again and aligned as gofmt aligns it,
 *     so that the output is gofmt-clean when the input was.  go/printer
 *     (nodes.go, fieldList) writes the cells of a field separated by
 *     tabwriter cells: names \v type, then for a tag \v \v tag (named) or
 *     \v tag (embedded), then a comment after \v (named, no tag), \v \v
 *     (embedded, no tag) or \t (after a tag).  text/tabwriter (padding 1,
 *     DiscardEmptyColumns) aligns each column over a block of consecutive
 *     lines that have a cell there that is not their last; a column of
 *     empty \v cells is dropped.  Doc comments, blank lines and multi-line
 *     fields end the blocks (the printer writes formfeeds there).  The
 *     same rules are applied here to the new order.
 *
 * Rejected: calling gofmt (a Go toolchain at run time, and it would
 * reformat parts of the file the user did not ask about); keeping the old
 * column widths (gofmt -l would flag every reordered struct).
 */
#include "rewrite/rewrite.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- cutting */

static size_t line_start(const char *t, size_t off)
{
    while (off > 0 && t[off - 1] != '\n')
        off--;
    return off;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* From pos: blanks, ';' (when semis), comments, up to and past a newline
 * (or to lim).  The comments' range in *cs, *ce (equal when none).  Returns
 * the position reached, or SIZE_MAX when other text comes first. */
static size_t rest_of_line(const char *t, size_t pos, size_t lim, bool semis, size_t *cs,
                           size_t *ce)
{
    *cs = *ce = SIZE_MAX;
    while (pos < lim) {
        char c = t[pos];
        if (is_blank(c) || (semis && c == ';' && *cs == SIZE_MAX)) {
            pos++;
        } else if (c == '\n') {
            pos++;
            break;
        } else if (c == '/' && pos + 1 < lim && t[pos + 1] == '/') {
            if (*cs == SIZE_MAX)
                *cs = pos;
            while (pos < lim && t[pos] != '\n')
                pos++;
            *ce = pos;
        } else if (c == '/' && pos + 1 < lim && t[pos + 1] == '*') {
            if (*cs == SIZE_MAX)
                *cs = pos;
            pos += 2;
            while (pos + 1 < lim && !(t[pos] == '*' && t[pos + 1] == '/'))
                pos++;
            pos = pos + 1 < lim ? pos + 2 : lim;
            *ce = pos;
        } else {
            return SIZE_MAX;
        }
    }
    if (*cs == SIZE_MAX)
        *cs = *ce = pos;
    while (*ce > *cs && is_blank(t[*ce - 1]))
        (*ce)--;
    return pos;
}

void body_free(body *b)
{
    free(b->units);
    memset(b, 0, sizeof *b);
}

static int cut_oneline(body *b, const char **why)
{
    const char *t = b->text;
    size_t pos = b->r->open + 1;
    b->oneline = true;
    for (size_t i = 0; i <= b->nunits; i++) {
        size_t lim = i < b->nunits ? b->units[i].m->start : b->r->close;
        for (; pos < lim; pos++)
            if (!is_blank(t[pos]) && t[pos] != ';') {
                *why = "a comment inside a one-line struct: put one field per line";
                return 1;
            }
        if (i < b->nunits) {
            b->units[i].lead_start = b->units[i].line_start = b->units[i].m->start;
            b->units[i].end = b->units[i].m->end;
            b->units[i].com_start = b->units[i].com_end = b->units[i].m->end;
            pos = b->units[i].m->end;
        }
    }
    b->region_start = b->units[0].m->start;
    b->region_end = b->units[b->nunits - 1].m->end;
    return 0;
}

int body_cut(body *b, align_lang lang, const char *text, size_t len, const src_record *r,
             const char **why)
{
    size_t pos, cs, ce;
    bool go = lang == ALIGN_LANG_GO;
    memset(b, 0, sizeof *b);
    b->lang = lang;
    b->text = text;
    b->r = r;
    b->nunits = r->nmembers;
    if (r->nmembers == 0 || r->close <= r->open || r->close > len) {
        *why = "no member to move";
        return 1;
    }
    b->units = calloc(r->nmembers, sizeof *b->units);
    if (b->units == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->nmembers; i++)
        b->units[i].m = &r->members[i];
    if (memchr(text + r->open, '\n', r->close - r->open) == NULL)
        return cut_oneline(b, why);
    /* The rest of the '{' line. */
    pos = rest_of_line(text, r->open + 1, r->close, go, &cs, &ce);
    if (pos == SIZE_MAX || pos >= r->close || text[pos - 1] != '\n') {
        *why = "a field on the line of '{': put one field per line";
        return 1;
    }
    b->region_start = pos;
    for (size_t i = 0; i < b->nunits; i++) {
        body_unit *u = &b->units[i];
        size_t ls = line_start(text, u->m->start), first_comment = SIZE_MAX;
        bool blank = false;
        if (ls < pos) {
            *why = "two fields share a line: put one field per line";
            return 1;
        }
        for (size_t k = ls; k < u->m->start; k++)
            if (!is_blank(text[k])) {
                *why = "two fields share a line: put one field per line";
                return 1;
            }
        /* The lines between the previous unit and this member. */
        while (pos < ls) {
            size_t q = pos;
            while (q < ls && is_blank(text[q]))
                q++;
            if (text[q] == '\n') {
                if (first_comment == SIZE_MAX)
                    blank = true;
                pos = q + 1;
                continue;
            }
            if (!go && text[q] == '#') {
                *why = "a preprocessor line inside the struct: its members depend on macros";
                return 1;
            }
            if (!(text[q] == '/' && q + 1 < ls && (text[q + 1] == '/' || text[q + 1] == '*'))) {
                *why = "text between fields that is neither a field nor a comment";
                return 1;
            }
            if (first_comment == SIZE_MAX)
                first_comment = pos;
            pos = rest_of_line(text, q, ls, go, &cs, &ce);
            if (pos == SIZE_MAX) {
                *why = "a comment shares a line with a field: put one field per line";
                return 1;
            }
        }
        u->line_start = ls;
        u->lead_start = first_comment != SIZE_MAX ? first_comment : ls;
        u->blank_before = blank;
        u->multiline = memchr(text + u->m->start, '\n', u->m->end - u->m->start) != NULL;
        pos = rest_of_line(text, u->m->end, r->close, go, &u->com_start, &u->com_end);
        if (pos == SIZE_MAX || pos > r->close || text[pos - 1] != '\n') {
            *why = "two fields share a line (or the last one shares the line of '}')";
            return 1;
        }
        if (memchr(text + u->com_start, '\n', u->com_end - u->com_start) != NULL)
            u->multiline = true;
        u->end = pos;
    }
    b->region_end = pos;
    /* What follows the last member: comments and blank lines, then '}'. */
    while (pos < r->close) {
        size_t q = pos;
        while (q < r->close && is_blank(text[q]))
            q++;
        if (q == r->close)
            break;
        if (text[q] == '\n') {
            pos = q + 1;
            continue;
        }
        if (!go && text[q] == '#') {
            *why = "a preprocessor line inside the struct: its members depend on macros";
            return 1;
        }
        if (!(text[q] == '/' && q + 1 < r->close && (text[q + 1] == '/' || text[q + 1] == '*'))) {
            *why = "text after the last field that is not a comment";
            return 1;
        }
        pos = rest_of_line(text, q, r->close, go, &cs, &ce);
        if (pos == SIZE_MAX) {
            *why = "text after the last field that is not a comment";
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------- writing */

/* One piece of output: a whole unit, or one field of a unit split apart. */
typedef struct piece {
    const body_unit *u;
    long field; /* -1: the whole unit; else the field written alone */
    bool first; /* the first piece of its unit: carries its comments */
} piece;

/* A Go field line as tabwriter cells (see the top of the file). */
#define MAX_CELLS 5
typedef struct gline {
    bool aligned; /* a field line (else: copied, ends the blocks) */
    int n;        /* cells; the last is not aligned */
    const char *cell[MAX_CELLS];
    size_t len[MAX_CELLS];
    size_t width[MAX_CELLS]; /* runes */
    bool htab[MAX_CELLS];    /* terminated by '\t' (never discarded) */
    size_t pad[MAX_CELLS];   /* column width given by the blocks */
} gline;

static size_t runes(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void cell(gline *g, const char *s, size_t n, bool htab)
{
    g->cell[g->n] = s;
    g->len[g->n] = n;
    g->width[g->n] = runes(s, n);
    g->htab[g->n] = htab;
    g->n++;
}

/* text/tabwriter's format(): column col over lines [lo, hi). */
static void align_cols(gline *l, size_t lo, size_t hi, int col)
{
    size_t i = lo;
    while (i < hi) {
        size_t j, width = 0;
        bool discardable = true;
        if (!l[i].aligned || col >= l[i].n - 1) {
            i++;
            continue;
        }
        for (j = i; j < hi && l[j].aligned && col < l[j].n - 1; j++) {
            if (l[j].width[col] + 1 > width)
                width = l[j].width[col] + 1;
            if (l[j].width[col] > 0 || l[j].htab[col])
                discardable = false;
        }
        if (discardable)
            width = 0;
        for (size_t k = i; k < j; k++)
            l[k].pad[col] = width;
        align_cols(l, i, j, col + 1);
        i = j;
    }
}

static const char *skip_blanks(const char *s, const char *e)
{
    while (s < e && is_blank(*s))
        s++;
    return s;
}

/* The names cell of a piece: "X, Y" as the spans name them. */
static void names_text(align_buf *nb, const body *b, const piece *pc)
{
    const src_member *m = pc->u->m;
    uint32_t lo = pc->field >= 0 ? (uint32_t)pc->field : m->first;
    uint32_t hi = pc->field >= 0 ? lo + 1 : m->first + m->count;
    for (uint32_t f = lo; f < hi; f++) {
        const src_name *nm = f < b->r->nnames ? &b->r->names[f] : NULL;
        if (f > lo)
            align_buf_puts(nb, ", ");
        if (nm != NULL && nm->end > nm->start)
            align_buf_append(nb, b->text + nm->start, nm->end - nm->start);
    }
}

static int emit_go(align_buf *out, const body *b, const piece *pcs, size_t np)
{
    const char *t = b->text;
    gline *gl = calloc(np, sizeof *gl);
    align_buf *names = calloc(np, sizeof *names);
    const char *indent = t + b->units[0].line_start;
    size_t nindent = (size_t)(skip_blanks(indent, t + b->units[0].m->start) - indent);
    size_t lo = 0;
    if (gl == NULL || names == NULL) {
        free(gl);
        free(names);
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < np; i++) {
        const piece *pc = &pcs[i];
        const src_member *m = pc->u->m;
        bool tag = m->tag_end > m->tag_start, com = pc->first && pc->u->com_end > pc->u->com_start;
        align_buf_init(&names[i]);
        if (pc->u->multiline && pc->field < 0)
            continue; /* copied */
        gl[i].aligned = true;
        if (!m->embedded) {
            names_text(&names[i], b, pc);
            cell(&gl[i], names[i].data ? names[i].data : "", names[i].len, false);
        }
        cell(&gl[i], t + m->type_start, m->type_end - m->type_start, false);
        if (tag && !m->embedded)
            cell(&gl[i], "", 0, false);
        if (tag)
            cell(&gl[i], t + m->tag_start, m->tag_end - m->tag_start, com);
        if (com && !tag && m->embedded)
            cell(&gl[i], "", 0, false); /* embedded: \v \v before it */
        if (com)
            cell(&gl[i], t + pc->u->com_start, pc->u->com_end - pc->u->com_start, false);
    }
    /* Blocks: consecutive field lines without doc comments or blank lines
     * between them, and no multi-line field. */
    for (size_t i = 0; i <= np; i++) {
        bool brk = i == np || !gl[i].aligned ||
                   (i > 0 && pcs[i].first &&
                    (pcs[i].u->lead_start < pcs[i].u->line_start || pcs[i].u->blank_before));
        if (brk) {
            align_cols(gl, lo, i, 0);
            lo = i < np && !gl[i].aligned ? i + 1 : i;
        }
    }
    for (size_t i = 0; i < np; i++) {
        const piece *pc = &pcs[i];
        if (i > 0 && pc->first && pc->u->blank_before)
            align_buf_puts(out, "\n");
        if (pc->first)
            align_buf_append(out, t + pc->u->lead_start, pc->u->line_start - pc->u->lead_start);
        if (!gl[i].aligned) {
            align_buf_append(out, t + pc->u->line_start, pc->u->end - pc->u->line_start);
            continue;
        }
        align_buf_append(out, indent, nindent);
        for (int c = 0; c < gl[i].n; c++) {
            align_buf_append(out, gl[i].cell[c], gl[i].len[c]);
            if (c < gl[i].n - 1)
                for (size_t k = gl[i].width[c]; k < gl[i].pad[c]; k++)
                    align_buf_puts(out, " ");
        }
        /* No trailing blanks: gofmt trims them. */
        while (out->len > 0 && out->data[out->len - 1] == ' ')
            out->data[--out->len] = '\0';
        align_buf_puts(out, "\n");
    }
    for (size_t i = 0; i < np; i++)
        align_buf_free(&names[i]);
    free(names);
    free(gl);
    return 0;
}

static void emit_c(align_buf *out, const body *b, const piece *pcs, size_t np)
{
    const char *t = b->text;
    for (size_t i = 0; i < np; i++) {
        const piece *pc = &pcs[i];
        const body_unit *u = pc->u;
        const src_member *m = u->m;
        if (i > 0 && pc->first && u->blank_before)
            align_buf_puts(out, "\n");
        if (pc->field < 0) {
            align_buf_append(out, t + u->lead_start, u->end - u->lead_start);
            continue;
        }
        /* One declarator of `T a, b;` alone: its indentation, the
         * specifiers, the declarator. */
        if (pc->first)
            align_buf_append(out, t + u->lead_start, u->line_start - u->lead_start);
        align_buf_append(
            out, t + u->line_start,
            (size_t)(skip_blanks(t + u->line_start, t + m->start) - (t + u->line_start)));
        align_buf_append(out, t + m->type_start, m->type_end - m->type_start);
        align_buf_puts(out, " ");
        if ((size_t)pc->field < b->r->nnames) {
            const src_name *nm = &b->r->names[pc->field];
            align_buf_append(out, t + nm->start, nm->end - nm->start);
        }
        align_buf_puts(out, ";");
        if (pc->first && u->com_end > u->com_start) {
            align_buf_puts(out, " ");
            align_buf_append(out, t + u->com_start, u->com_end - u->com_start);
        }
        align_buf_puts(out, "\n");
    }
}

static void emit_oneline(align_buf *out, const body *b, const piece *pcs, size_t np)
{
    const char *t = b->text;
    for (size_t i = 0; i < np; i++) {
        const piece *pc = &pcs[i];
        const src_member *m = pc->u->m;
        if (i > 0)
            align_buf_puts(out, b->lang == ALIGN_LANG_GO ? "; " : " ");
        if (pc->field < 0) {
            align_buf_append(out, t + m->start, m->end - m->start);
        } else if (b->lang == ALIGN_LANG_GO) {
            names_text(out, b, pc);
            align_buf_puts(out, " ");
            align_buf_append(out, t + m->type_start, m->type_end - m->type_start);
            if (m->tag_end > m->tag_start) {
                align_buf_puts(out, " ");
                align_buf_append(out, t + m->tag_start, m->tag_end - m->tag_start);
            }
        } else {
            const src_name *nm = &b->r->names[pc->field];
            align_buf_append(out, t + m->type_start, m->type_end - m->type_start);
            align_buf_puts(out, " ");
            align_buf_append(out, t + nm->start, nm->end - nm->start);
            align_buf_puts(out, ";");
        }
    }
}

int body_emit(align_buf *out, const body *b, const size_t *order, size_t nfields)
{
    size_t *unit_of = malloc((nfields ? nfields : 1) * sizeof *unit_of);
    bool *started = calloc(b->nunits ? b->nunits : 1, sizeof *started);
    piece *pcs = malloc((nfields ? nfields : 1) * sizeof *pcs);
    size_t np = 0;
    int rc = 0;
    if (unit_of == NULL || started == NULL || pcs == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nfields; i++)
        unit_of[i] = SIZE_MAX;
    for (size_t u = 0; u < b->nunits; u++)
        for (uint32_t k = 0; k < b->units[u].m->count; k++)
            if (b->units[u].m->first + k < nfields)
                unit_of[b->units[u].m->first + k] = u;
    for (size_t i = 0; i < nfields;) {
        size_t u = unit_of[order[i]];
        const src_member *m;
        bool whole = true;
        if (u == SIZE_MAX) { /* a field no span declares: cannot happen */
            rc = error_set(ALIGN_EINVAL, NULL, 0, 0, "field %zu has no source span", order[i]);
            goto done;
        }
        m = b->units[u].m;
        for (uint32_t k = 0; k < m->count; k++)
            if (i + k >= nfields || order[i + k] != m->first + k)
                whole = false;
        pcs[np].u = &b->units[u];
        pcs[np].first = !started[u];
        started[u] = true;
        if (whole && m->count > 0) {
            pcs[np++].field = -1;
            i += m->count;
        } else {
            pcs[np++].field = (long)order[i];
            i++;
        }
    }
    /* Members that declare no field (C: `struct tag {...};` inside) were
     * refused before: every unit has a piece. */
    if (b->oneline)
        emit_oneline(out, b, pcs, np);
    else if (b->lang == ALIGN_LANG_GO)
        rc = emit_go(out, b, pcs, np);
    else
        emit_c(out, b, pcs, np);
done:
    FREE_ALL(unit_of, started, pcs);
    return rc;
}
