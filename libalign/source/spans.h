/*
 * spans.h - where the Go and C declaration parsers saw each struct and each
 * member, as byte ranges of the text they were given; never installed.
 *
 * What it is for: the rewrite stage (rewrite/rewrite.c) moves members of a
 * struct declaration to the smallest order without a second parser: the
 * parsers that build the type graph (decl_go.c, decl_c.c) also record, when
 * asked, the span of every struct body and member declaration.  Comments are
 * not tokens; they live in the bytes between two member spans, which the
 * rewrite stage reads line by line.
 *
 * The same call also makes the parsers lenient (what a whole source file
 * needs, where `calc` wants every type sized): a type declared in another
 * file, package or header stays an incomplete placeholder instead of an
 * error, so only the structs that use it by value cannot be laid out (and
 * are refused with the layout's message); a file with no struct is not an
 * error; C's `#pragma pack` is skipped (the rewrite stage finds its lines and
 * refuses the structs it governs, never laid out as unpacked); Go generic types are
 * recorded without a record (they cannot be sized uninstantiated).
 *
 * All offsets are bytes from the start of the text handed to the parser.
 */
#ifndef LIBALIGN_SPANS_H
#define LIBALIGN_SPANS_H

#include "source/lex.h"
#include "util/internal.h"

/* One member declaration as written: Go `A, B int64 "tag"` or an embedded
 * field; C `unsigned a : 3, b : 5;`. */
typedef struct src_member {
    size_t start, end;           /* its first byte, and past its last (Go:
                                    the tag or the type; C: the ';') */
    uint32_t first, count;       /* the record's fields it declares */
    size_t type_start, type_end; /* Go: the type; C: the specifiers */
    size_t tag_start, tag_end;   /* Go: the tag; equal when none */
    bool embedded;               /* Go: an embedded field */
    bool defines_tag;            /* C: defines a tagged struct, union or
                                    enum, whose scope is the file */
} src_member;

/* Per field (by field index): Go the name token; C the declarator with
 * its width and attributes.  Equal offsets: none (embedded, anonymous). */
typedef struct src_name {
    size_t start, end;
} src_name;

typedef struct src_record {
    align_type *rec;         /* NULL: recorded only to be reported */
    const char *skip_reason; /* why rec is NULL ("generic type ...") */
    const char *name;        /* as written (Go type name, C tag); may be
                                NULL for an untagged C struct */
    size_t decl_start;       /* Go: `type` or the spec's name; C: the
                                struct keyword */
    unsigned line, col;      /* of decl_start */
    size_t open, close;      /* the '{' and the '}' */
    src_member *members;     /* in source order */
    size_t nmembers, members_cap;
    src_name *names; /* indexed by field */
    size_t nnames, names_cap;
    bool static_assert_inside; /* C: _Static_assert among the members */
    bool packed;               /* C: packed attribute on the record */
    int parent;                /* C: index of the record whose body holds
                                  this one, -1 at file scope */
} src_record;

typedef struct src_spans {
    const char *base; /* the text the offsets count from */
    src_record *v;
    size_t n, cap;
} src_spans;

/* The Go and C declaration parsers.  spans NULL: strict, as the public
 * align_decl_parse_go/_c.  Otherwise lenient, recording spans into *spans
 * (zeroed by the caller; base set to text); free with src_spans_free. */
int src_parse_go(align_graph *g, const char *file, const char *text, size_t len, src_spans *spans);
int src_parse_c(align_graph *g, const char *file, const char *text, size_t len, src_spans *spans);
/* What both start with: the contract of their arguments (g a graph of
 * lang, text of len bytes), spans->base set to text; returns whether the
 * parse is lenient (spans asked for). */
bool src_parse_begin(const align_graph *g, align_lang lang, const char *text, size_t len,
                     src_spans *spans);
void src_spans_free(src_spans *s);

/* Helpers for the parsers: a new record rec (NULL: recorded only to be
 * reported) named name, declared at the token at (its index, or -1 out of
 * memory), a member of record i, a name span of field `field` of record i. */
int src_spans_record(src_spans *s, align_type *rec, const char *name, const token *at);
int src_spans_member(src_spans *s, int i, const src_member *m);
int src_spans_name(src_spans *s, int i, uint32_t field, size_t start, size_t end);

#endif
