/*
 * rewrite.h - what the two halves of the rewrite stage share; never
 * installed.  rewrite.c runs a set (parse, guards, orders); body.c cuts a
 * struct body into member units with their comments and writes the body
 * again in a new order (Go aligned as gofmt aligns it, C line by line).
 */
#ifndef LIBALIGN_REWRITE_H
#define LIBALIGN_REWRITE_H

#include "source/spans.h"

/* One member declaration of a body with what moves with it. */
typedef struct body_unit {
    const src_member *m;
    size_t lead_start;         /* first byte of its doc comment lines (a line
                                  start), or line_start when none */
    size_t line_start;         /* start of the line where the member starts */
    size_t end;                /* past the newline that ends the member and its
                                  trailing comment */
    size_t com_start, com_end; /* the trailing comment, equal when none */
    bool blank_before;         /* a blank line separates it from what precedes */
    bool multiline;            /* the declaration itself spans lines */
} body_unit;

typedef struct body {
    align_lang lang;
    const char *text;
    const src_record *r;
    body_unit *units; /* r->nmembers, source order */
    size_t nunits;
    bool oneline;        /* '{' and '}' on one line */
    size_t region_start; /* the bytes that are replaced */
    size_t region_end;
} body;

/* Cuts r's body into units.  0, or 1 with *why set (a static string) when
 * the body cannot be rewritten (preprocessor lines, fields sharing a line);
 * negative on ENOMEM. */
int body_cut(body *b, align_lang lang, const char *text, size_t len, const src_record *r,
             const char **why);
void body_free(body *b);
/* The region's new text for the order `order` (nfields field indices). */
int body_emit(align_buf *out, const body *b, const size_t *order, size_t nfields);

#endif
