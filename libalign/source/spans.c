/*
 * spans.c - the growable arrays of spans.h, filled by the declaration
 * parsers when the rewrite stage asks for spans.
 */
#include "source/spans.h"

#include <stdlib.h>
#include <string.h>

bool src_grow(void **v, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *nv;
    if (need <= *cap)
        return true;
    ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    nv = realloc(*v, ncap * elem);
    if (nv == NULL)
        return false;
    memset((char *)nv + *cap * elem, 0, (ncap - *cap) * elem);
    *v = nv;
    *cap = ncap;
    return true;
}

int src_spans_record(src_spans *s)
{
    if (!src_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v)) {
        align_error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    memset(&s->v[s->n], 0, sizeof s->v[s->n]);
    s->v[s->n].parent = -1;
    return (int)s->n++;
}

int src_spans_member(src_spans *s, int i, const src_member *m)
{
    src_record *r = &s->v[i];
    if (!src_grow((void **)&r->members, &r->members_cap, r->nmembers + 1, sizeof *r->members))
        return align_error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    r->members[r->nmembers++] = *m;
    return 0;
}

int src_spans_name(src_spans *s, int i, uint32_t field, size_t start, size_t end)
{
    src_record *r = &s->v[i];
    if (!src_grow((void **)&r->names, &r->names_cap, (size_t)field + 1, sizeof *r->names))
        return align_error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
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
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].members);
        free(s->v[i].names);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}
