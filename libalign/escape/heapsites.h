/*
 * heapsites.h - what heapsites.c (the join: sites in, types out) and
 * heapsites_resolve.c (type names, variables, expressions) share; never
 * installed.
 */
#ifndef LIBALIGN_HEAPSITES_H
#define LIBALIGN_HEAPSITES_H

#include "source/gofuncs.h"
#include "util/arena.h"
#include "util/table.h"

#include <stddef.h>

/* The binary's named types by name: one per name (a record rather than a
 * named wrapper of the same name). */
typedef struct hs_names {
    const align_type **types;
    size_t n, cap;
    table index; /* types by name */
} hs_names;

/* Functions by name, for the results of calls ("fresh().N"). */
typedef struct hs_fname {
    const char *name;
    uint32_t func;
} hs_fname;

/* A set of fixed-size values compared byte for byte over their first
 * `keysize` bytes (callers zero the padding): each distinct key once,
 * numbered from 0 in order of first appearance.  The join's sites are
 * records of ids into these: what sites share (their file, package and
 * input; what the log said of them; what the join made of them) is kept
 * once, however many sites say it. */
typedef struct hs_set {
    unsigned char *items;
    size_t n, cap;
    size_t size, keysize; /* bytes per value, of which the key */
    table index;
} hs_set;

/* What a run of sites shares: the input, file and package the log gave
 * (interned by the log), and the binary's file that matched (found by
 * align_heap_join_finish: the logs are read before the binary). */
typedef struct hs_ctx {
    const char *input, *file, *package;
    /* not part of the key: */
    uint32_t file_id;   /* the binary's file, or GF_NONE */
    uint32_t near;      /* a file of the binary with the same base name */
    uint32_t ambiguous; /* several files of the binary end like it */
} hs_ctx;
#define HS_CTX_KEY offsetof(hs_ctx, file_id)

/* What the log said of a site, but its position. */
typedef struct hs_said {
    const char *expr, *type_text, *var_name, *func, *flow_dst, *inlined, *inline_file;
    uint32_t inline_line;
    uint8_t kind, stack_only, var_size, pad;
} hs_said;

/* What the join made of a site, but its position, file and input. */
typedef struct hs_made {
    const char *expr, *path, *via, *reason, *inlined, *func;
    const align_type *type;
    uint8_t kind, status, per_element, stack_buffer, not_linked, stale, pad[2];
} hs_made;

/* The fields hs_said and hs_made keep of a site, each of the same name in
 * the public record (align_escape_site, align_heap_site): V a value kept
 * as it is, F a flag kept as 0 or 1, E an enum kept in a byte.  The
 * functions below copy the fields named here, so a field added to a
 * record is named once. */
#define HS_SAID_FIELDS(V, F, E)                                                                    \
    V(expr)                                                                                        \
    V(type_text)                                                                                   \
    V(var_name)                                                                                    \
    V(func)                                                                                        \
    V(flow_dst)                                                                                    \
    V(inlined)                                                                                     \
    V(inline_file)                                                                                 \
    V(inline_line)                                                                                 \
    F(stack_only)                                                                                  \
    F(var_size)                                                                                    \
    E(kind)
#define HS_MADE_FIELDS(V, F, E)                                                                    \
    V(expr)                                                                                        \
    V(path)                                                                                        \
    V(via)                                                                                         \
    V(reason)                                                                                      \
    V(inlined)                                                                                     \
    V(func)                                                                                        \
    V(type)                                                                                        \
    F(per_element)                                                                                 \
    F(stack_buffer)                                                                                \
    F(not_linked)                                                                                  \
    F(stale)                                                                                       \
    E(kind)                                                                                        \
    E(status)

/* What the join keeps of es and of hs (zeroed first: sets compare bytes). */
void hs_said_pack(hs_said *out, const align_escape_site *es);
void hs_made_pack(hs_made *out, const align_heap_site *hs);
/* The site a record of the join says: its position, and its pair (of
 * j->pairs, a said, before align_heap_join_finish; of j->mpairs, a made,
 * after) with its context.  Both return the context. */
uint32_t hs_said_site(const align_heap_join *j, uint32_t pair, uint32_t line, uint32_t col,
                      uint64_t input_line, align_escape_site *out);
uint32_t hs_made_site(const align_heap_join *j, uint32_t pair, uint32_t line, uint32_t col,
                      uint64_t input_line, align_heap_site *out);

/* A context and a said (before align_heap_join_finish) or a made (after). */
typedef struct hs_pair {
    uint32_t ctx, what;
} hs_pair;

/* The sites: a byte stream of records, each its pair, line, column and
 * input line as varints of the change from the record before (zigzag for
 * the signed ones), 3 to 6 bytes where a fixed record took 12 (siterecs.c
 * says why).  Every HS_GROUP records start over from zero, and the
 * group's first byte is kept: as a 64-bit position every HS_SUPER records
 * (hs_store.marks) and a 16-bit offset from it every HS_GROUP (offs), so
 * record i is read at random by decoding at most HS_GROUP - 1 records
 * before it. */
#define HS_GROUP 8
#define HS_SUPER 64
/* The stream comes in blocks of 2^16 bytes, never moved (an array grown by
 * doubling holds up to twice the bytes at once, and the allocator keeps the
 * freed smaller copies); a record never straddles two: one that might not
 * fit (HS_REC_MAX) starts the next block. */
#define HS_BLOCK_SHIFT 16
#define HS_BLOCK ((size_t)1 << HS_BLOCK_SHIFT)
#define HS_REC_MAX 25 /* 5 + 5 + 5 + 10 bytes */

/* The records, appended in order. */
typedef struct hs_store {
    unsigned char **blocks;
    size_t nblocks, blocks_cap;
    size_t n;        /* records */
    uint64_t *marks; /* per HS_SUPER records: the first one's byte */
    size_t nmarks, marks_cap;
    uint16_t *offs; /* per HS_GROUP: its first record's, from its mark */
    size_t noffs, offs_cap;
    uint64_t end; /* the byte where record n goes */
    /* Record n - 1 (zero at a group's start): what record n is told from. */
    uint32_t last_pair, last_line;
    uint64_t last_input;
} hs_store;

void hs_store_free(hs_store *s);
/* Appends a record.  0 or ALIGN_ENOMEM. */
int hs_store_push(hs_store *s, uint32_t pair, uint32_t line, uint32_t col, uint64_t input_line);
/* Record i, decoded. */
void hs_store_get(const hs_store *s, size_t i, uint32_t *pair, uint32_t *line, uint32_t *col,
                  uint64_t *input_line);
uint32_t hs_store_pair(const hs_store *s, size_t i);

/* Reading records in order from the first: a store's as they are
 * (hs_store_iter), or the records a rewrite replaces (hs_store_rewrite).
 * A reader is a value: a copy reads on from where it was copied. */
typedef struct hs_reader {
    size_t n;                     /* records to read */
    unsigned char *const *blocks; /* theirs */
    size_t nblocks;
    unsigned char **owned; /* a rewrite's old blocks (else NULL) */
    bool consume;          /* free each old block once read past (set it on
                              the rewrite's last pass only) */
    size_t next;           /* the record to read next */
    uint64_t pos;          /* its byte */
    uint32_t pair, line;   /* of the last record read */
    uint64_t input_line;
} hs_reader;
void hs_store_iter(const hs_store *s, hs_reader *r);
/* Record i: the one after the last read (the store is the rewrite's). */
void hs_reader_next(const hs_store *s, hs_reader *r, size_t i, uint32_t *pair, uint32_t *line,
                    uint32_t *col);

/* Rewriting a store, in order, dropping some records: hs_store_rewrite
 * hands the records to r and empties the store; each is read
 * (hs_reader_next) while the new ones are pushed; hs_store_rewritten frees
 * what is left of the old.  With r->consume the old blocks go as they are
 * read past, so the old and new records are about one set at a time. */
void hs_store_rewrite(hs_store *s, hs_reader *r);
void hs_store_rewritten(hs_store *s, hs_reader *r);
/* Keeps the first n records. */
void hs_store_truncate(hs_store *s, size_t n);

/* One string the join made, for interning by text. */
typedef struct hs_str {
    const char *s;
    size_t len;
} hs_str;

struct align_heap_join {
    align_graph *g; /* the binary's Go graph */
    const go_funcs *gf;
    const align_binary_info *info;
    char *src_dir;               /* NULL: each input's directory */
    align_escape_log *own_log;   /* the reader's (streamed joins) */
    const align_escape_log *log; /* strings, captures: own_log or the
                                    caller's (align_heap_join_new) */
    arena strings;               /* strings made by the join (16 KiB
                                    blocks), each once */
    hs_str *strs;
    size_t nstrs, strs_cap;
    table str_index;
    hs_set ctxs;       /* hs_ctx */
    hs_set saids;      /* hs_said; freed at finish */
    hs_set pairs;      /* hs_pair of ctx and said; freed at finish */
    hs_set mpairs;     /* hs_pair of ctx and made: the finished join's */
    hs_set mades;      /* hs_made */
    hs_store recs;     /* the sites: read, then (finished) the join's */
    uint32_t last_ctx; /* the ctx of the last site read, or UINT32_MAX */
    struct {           /* where the read under way started (read_begin) */
        size_t nrecs, nctxs, nsaids, npairs;
    } mark;
    bool finished;
    align_heap_type *types;
    size_t ntypes;
    uint32_t *type_sites; /* the types' site index lists, back to back */
    align_heap_diag *diags;
    size_t ndiags, diags_cap;
    align_heap_summary summary;
    hs_names names;
    hs_fname *fnames; /* sorted by name */
    size_t nfnames;
    table type_index; /* types by their align_type pointer */
};

void hs_set_init(hs_set *s, size_t size, size_t keysize);
void hs_set_free(hs_set *s);
/* The id of the value equal to *v (its first keysize bytes), added (a copy
 * of all size bytes; *added true when not NULL) when there is none.
 * TABLE_NONE when out of memory or past 2^31 values (recorded). */
uint32_t hs_set_add(hs_set *s, const void *v, bool *added);
static inline void *hs_set_at(const hs_set *s, uint32_t id)
{
    return s->items + (size_t)id * s->size;
}

/* Fills c's file_id, near and ambiguous: the binary's file of the log's
 * path (heapsites.c).  0 or ALIGN_ENOMEM. */
int hs_match_file(align_heap_join *j, hs_ctx *c);

/* Site i of the join's records (those finish has written). */
void hs_site(const align_heap_join *j, size_t i, align_heap_site *out);

/* What one site was resolved to. */
typedef struct hs_result {
    align_heap_status status; /* STRUCT, OTHER or UNRESOLVED */
    const align_type *type;
    int per_element;
    const char *via;
    const char *reason;
    int stale;
} hs_result;

/* The position a site is resolved at. */
typedef struct hs_where {
    uint32_t file; /* the binary's file */
    uint32_t line;
    const char *pkg; /* DWARF package path for unqualified names
                        ("main" for the command's package) */
} hs_where;

/* A string owned by the join: a copy of s[0..len) (len (size_t)-1:
 * strlen), or formatted; one copy per text (reasons and descriptions
 * repeat over the sites of a run, and sites share what the join made of
 * them only when the strings are the same pointer).  NULL when out of
 * memory (recorded). */
const char *hs_strdup(align_heap_join *j, const char *s, size_t len);
const char *hs_printf(align_heap_join *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Builds the name indexes (types and functions).  0 or ALIGN_ENOMEM. */
int hs_index(align_heap_join *j);
void hs_index_free(align_heap_join *j);

/* Whether the binary has a concrete function pkg.name (name as -m=2
 * prints it after "in": "main", "gnew[go.shape.int64]", "(*T).M"). */
bool hs_func_linked(const align_heap_join *j, const char *pkg, const char *name);

/* What a file the binary does not have is (path: the log's, resolved). */
typedef enum hs_file_verdict {
    HS_FILE_FOREIGN,  /* no file of the package in its directory: not
                         this binary's (another program, a moved tree) */
    HS_FILE_UNLINKED, /* the binary has other files of package pkg (DWARF's
                         spelling) in the same directory (its last elements:
                         a -trimpath build still matches): the linker
                         removed every function of this one */
    HS_FILE_GONE      /* so, but the file no longer exists where they
                         still do: deleted or renamed since the log */
} hs_file_verdict;
hs_file_verdict hs_file_unlinked(const align_heap_join *j, const char *pkg, const char *path);

/* Resolves one heap site (file already matched).  0, or ALIGN_ENOMEM. */
int hs_resolve(align_heap_join *j, const align_escape_log *log, const align_escape_site *site,
               const hs_where *w, hs_result *r);

#endif
