/*
 * spans.c - the growable arrays of spans.h, filled by the declaration
 * parsers when the rewrite stage asks for spans.
 */
#include "source/spans.h"
#include "util/vec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

bool src_parse_begin(const align_graph *g, align_lang lang, const char *text, size_t len,
                     src_spans *spans)
{
    assert(g != NULL);
    assert(align_graph_lang(g) == lang);
    assert(text != NULL || len == 0);
    if (spans == NULL)
        return false;
    spans->base = text;
    return true;
}

int src_spans_record(src_spans *s, align_type *rec, const char *name, const token *at)
{
    src_record *r;
    if (vec_reserve((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v, 8) < 0)
        return -1;
    r = &s->v[s->n];
    memset(r, 0, sizeof *r);
    r->rec = rec;
    r->name = name;
    r->decl_start = (size_t)(at->text - s->base);
    r->line = at->line;
    r->col = at->col;
    r->parent = -1;
    return (int)s->n++;
}

int src_spans_member(src_spans *s, int i, const src_member *m)
{
    src_record *r = &s->v[i];
    if (vec_reserve((void **)&r->members, &r->members_cap, r->nmembers + 1, sizeof *r->members, 8) <
        0)
        return ALIGN_ENOMEM;
    r->members[r->nmembers++] = *m;
    return 0;
}

int src_spans_name(src_spans *s, int i, uint32_t field, size_t start, size_t end)
{
    src_record *r = &s->v[i];
    if (vec_reserve((void **)&r->names, &r->names_cap, (size_t)field + 1, sizeof *r->names, 8) < 0)
        return ALIGN_ENOMEM;
    r->names[field].start = start;
    r->names[field].end = end;
    if (r->nnames < (size_t)field + 1)
        r->nnames = (size_t)field + 1;
    return 0;
}

void src_spans_free(src_spans *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        FREE_ALL(s->v[i].members, s->v[i].names);
    free(s->v);
    memset(s, 0, sizeof *s);
}
