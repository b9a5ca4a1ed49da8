/*
 * types.c - the type graph: arena, nodes, names, and sizes of any type.
 *
 * Who calls it: the declaration parsers and the DWARF reader build graphs;
 * layout.c and the renderers read them.  A hand-typed declaration makes tens
 * of nodes, a large Go binary ~10^5: the arena hands out 64 KiB blocks (large
 * requests get a block of their own) so building is a pointer bump, and
 * freeing a graph walks the block list once.  Nodes are never freed alone.
 *
 * Sizes are memoised per graph in `memo`, indexed by node id, and are
 * computed lazily: a parser may refer to a type before it is defined (Go
 * allows any order; C allows pointers to incomplete structs), so nothing can
 * be laid out while building.  A node whose memo is BUSY when it is asked for
 * again contains itself by value: ALIGN_ERECURSIVE, never a stack overflow.
 */
#include "model/model.h"
#include "util/hash.h"
#include "util/table.h"
#include "util/vec.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *align_graph_strdup(align_graph *g, const char *s, size_t len)
{
    return s == NULL ? NULL : arena_strndup(&g->arena, s, len);
}

int align_graph_new(align_graph **out, align_lang lang, align_arch arch)
{
    align_graph *g;
    const align_abi *abi = align_abi_get(lang, arch);
    *out = NULL;
    if (abi == NULL)
        return ALIGN_EINVAL;
    g = calloc(1, sizeof *g);
    if (g == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    arena_init(&g->arena, 0);
    g->lang = lang;
    g->abi = abi;
    g->given_arch = arch;
    *out = g;
    return 0;
}

void align_graph_free(align_graph *g)
{
    if (g == NULL)
        return;
    arena_free(&g->arena);
    table_free(&g->names.index);
    table_free(&g->tags.index);
    FREE_ALL(g->types, g->memo, g->decls, g->names.entries, g->tags.entries, g);
}

align_lang align_graph_lang(const align_graph *g)
{
    return g->lang;
}
const align_abi *align_graph_abi(const align_graph *g)
{
    return g->abi;
}

int align_graph_set_arch(align_graph *g, align_arch arch)
{
    const align_abi *abi = align_abi_get(g->lang, arch);
    if (abi == NULL)
        return ALIGN_EINVAL;
    g->abi = abi;
    if (g->memo != NULL)
        memset(g->memo, 0, g->memo_cap * sizeof *g->memo);
    return 0;
}

int align_graph_set_go_release(align_graph *g, unsigned release)
{
    g->go_release = release;
    return 0;
}

unsigned align_graph_go_release(const align_graph *g)
{
    return g->go_release;
}

static align_type *new_type(align_graph *g, align_kind kind)
{
    align_type *t;
    if (vec_reserve((void **)&g->types, &g->types_cap, g->ntypes + 1, sizeof *g->types, 64) < 0)
        return NULL;
    t = arena_alloc(&g->arena, sizeof *t);
    if (t == NULL)
        return NULL;
    t->id = (uint32_t)g->ntypes;
    t->kind = kind;
    t->given_size = -1;
    t->given_align = -1;
    t->display = "?";
    g->types[g->ntypes++] = t;
    return t;
}

/* A new node that goes by name (a copy in the arena; displayed "?" when
 * the copy cannot be made). */
static align_type *new_named_type(align_graph *g, align_kind kind, const char *name)
{
    align_type *t = new_type(g, kind);
    if (t == NULL)
        return NULL;
    t->name = align_graph_strdup(g, name, (size_t)-1);
    t->display = t->name ? t->name : "?";
    return t;
}

static const char *concat3(align_graph *g, const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *p = arena_alloc(&g->arena, la + lb + lc + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, a, la);
    memcpy(p + la, b, lb);
    memcpy(p + la + lb, c, lc);
    p[la + lb + lc] = '\0';
    return p;
}

align_type *align_type_prim(align_graph *g, align_prim p)
{
    align_type *t;
    assert((unsigned)p < ALIGN_PRIM_COUNT);
    if (g->prims[p] != NULL)
        return g->prims[p];
    t = new_type(g, ALIGN_KIND_PRIM);
    if (t == NULL)
        return NULL;
    t->prim = p;
    t->display = align_prim_name(p);
    g->prims[p] = t;
    return t;
}

align_type *align_type_pointer(align_graph *g, align_type *target)
{
    align_type *t = new_type(g, ALIGN_KIND_POINTER);
    if (t == NULL)
        return NULL;
    t->target = target;
    if (g->lang == ALIGN_LANG_GO) {
        t->display = concat3(g, "*", target ? target->display : "?", "");
    } else {
        const char *td = target ? target->display : "void";
        size_t n = strlen(td);
        if (target != NULL && target->kind == ALIGN_KIND_FUNC && strstr(td, "(*)") != NULL)
            t->display = td; /* C shows a function type as "RET (*)(ARGS)" */
        else
            t->display = concat3(g, td, n > 0 && td[n - 1] == '*' ? "*" : " *", "");
    }
    return t->display ? t : NULL;
}

align_type *align_type_array(align_graph *g, align_type *elem, uint64_t count)
{
    char num[32];
    align_type *t = new_type(g, ALIGN_KIND_ARRAY);
    if (t == NULL)
        return NULL;
    t->target = elem;
    t->count = count;
    if (count == ALIGN_FLEXIBLE)
        num[0] = '\0';
    else
        snprintf(num, sizeof num, "%llu", (unsigned long long)count);
    if (g->lang == ALIGN_LANG_GO) {
        char br[40];
        snprintf(br, sizeof br, "[%s]", num);
        t->display = concat3(g, br, elem ? elem->display : "?", "");
    } else {
        char br[40];
        snprintf(br, sizeof br, " [%s]", num);
        t->display = concat3(g, elem ? elem->display : "?", br, "");
    }
    return t->display ? t : NULL;
}

align_type *align_type_vector(align_graph *g, align_type *elem, uint64_t count)
{
    uint64_t es, pd;
    uint32_t ea;
    char num[64];
    align_type *t;
    if (align_type_size(g, elem, &es, &ea, &pd) < 0)
        return NULL;
    if (count == 0 || count == ALIGN_FLEXIBLE || !mul_u64(es, count, &es)) {
        error_set(ALIGN_EINVAL, NULL, 0, 0, "bad vector of %s", elem->display);
        return NULL;
    }
    t = align_type_array(g, elem, count);
    if (t == NULL)
        return NULL;
    t->vector = true;
    snprintf(num, sizeof num, " __attribute__((vector_size(%llu)))", (unsigned long long)es);
    t->display = concat3(g, elem->display, num, "");
    return t->display ? t : NULL;
}

align_type *align_type_named(align_graph *g, const char *name, align_type *target)
{
    align_type *t = new_named_type(g, ALIGN_KIND_NAMED, name);
    if (t == NULL)
        return NULL;
    t->target = target;
    return t;
}

/* C: the display of `words` (a qualifier list, "const volatile") applied
 * to target: after the star when target is a pointer ("char *const",
 * "int (*const)(void)"), before it otherwise ("const char"). */
static const char *qualified_display(align_graph *g, const align_type *target, const char *words)
{
    const align_type *u = target;
    const char *td = target != NULL ? target->display : "void";
    const char *star;
    size_t n = strlen(td);
    for (unsigned i = 0; u != NULL && i < ALIGN_MAX_DEPTH && u->kind == ALIGN_KIND_NAMED &&
                         u->name == NULL && u->quals != 0;
         i++)
        u = u->target;
    if (u == NULL || u->kind != ALIGN_KIND_POINTER)
        return concat3(g, words, " ", td);
    star = strstr(td, "(*");
    if (star != NULL && u->target != NULL && u->target->kind == ALIGN_KIND_FUNC) {
        /* "RET (*)(ARGS)" -> "RET (*const)(ARGS)" */
        const char *close = strchr(star, ')'), *d;
        align_buf b;
        if (close == NULL)
            return concat3(g, td, " ", words);
        align_buf_init(&b);
        align_buf_printf(&b, "%.*s%s%s%s", (int)(close - td), td, close[-1] == '*' ? "" : " ",
                         words, close);
        d = b.failed ? NULL : align_graph_strdup(g, b.data, b.len);
        align_buf_free(&b);
        return d;
    }
    return concat3(g, td, n > 0 && td[n - 1] == '*' ? "" : " ", words);
}

align_type *align_type_atomic(align_graph *g, align_type *target)
{
    const char *d;
    align_type *t;
    if (g->lang != ALIGN_LANG_C || target == NULL) {
        align_buf name;
        align_buf_init(&name);
        align_buf_printf(&name, "_Atomic %s", target != NULL ? target->display : "void");
        t = name.failed ? NULL : align_type_named(g, name.data, target);
        align_buf_free(&name);
    } else {
        d = qualified_display(g, target, "_Atomic");
        t = d != NULL ? align_type_named(g, d, target) : NULL;
    }
    if (t != NULL)
        t->atomic = true;
    return t;
}

/* The qualifiers of a chain of qualifier nodes from t down, and the first
 * node that is not one (*base). */
static unsigned chain_quals(const align_type *t, const align_type **base)
{
    unsigned q = 0;
    for (unsigned i = 0; t != NULL && i < ALIGN_MAX_DEPTH && t->kind == ALIGN_KIND_NAMED &&
                         t->name == NULL && t->quals != 0;
         i++) {
        q |= t->quals;
        t = t->target;
    }
    *base = t;
    return q;
}

align_type *align_type_qualified(align_graph *g, align_type *target, unsigned quals)
{
    char words[32] = "";
    const align_type *base;
    unsigned shown;
    align_type *t;
    quals &= ALIGN_QUAL_CONST | ALIGN_QUAL_VOLATILE | ALIGN_QUAL_RESTRICT;
    if (quals == 0)
        return target;
    /* "const volatile long", not "volatile const long" (DWARF nests one
     * node per qualifier, in any order); C has no qualified array, GCC
     * qualifies the elements too, and says so once. */
    shown = quals | chain_quals(target, &base);
    if (base != NULL && base->kind == ALIGN_KIND_ARRAY) {
        const align_type *e = base;
        unsigned eq = 0;
        for (unsigned i = 0; e != NULL && i < ALIGN_MAX_DEPTH && e->kind == ALIGN_KIND_ARRAY; i++)
            eq = chain_quals(e->target, &e);
        shown &= ~eq;
    }
    if (shown & ALIGN_QUAL_CONST)
        strcat(words, "const");
    if (shown & ALIGN_QUAL_VOLATILE)
        strcat(words, words[0] ? " volatile" : "volatile");
    if (shown & ALIGN_QUAL_RESTRICT)
        strcat(words, words[0] ? " restrict" : "restrict");
    t = new_type(g, ALIGN_KIND_NAMED);
    if (t == NULL)
        return NULL;
    t->target = target;
    t->quals = (uint8_t)quals;
    t->display =
        words[0] == '\0' && base != NULL ? base->display : qualified_display(g, base, words);
    if (t->display == NULL) {
        error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    return t;
}

unsigned align_type_quals(const align_type *t)
{
    return t->quals;
}

const char *align_type_typedef_name(const align_type *t)
{
    return t->typedef_name;
}

void align_type_set_typedef_name(align_graph *g, align_type *t, const char *name)
{
    t->typedef_name = name ? align_graph_strdup(g, name, (size_t)-1) : NULL;
}

void align_type_set_target(align_type *named, align_type *target)
{
    assert(named->kind == ALIGN_KIND_NAMED);
    named->target = target;
}

align_type *align_type_record(align_graph *g, align_kind kind, const char *name)
{
    align_type *t;
    assert(kind == ALIGN_KIND_STRUCT || kind == ALIGN_KIND_UNION);
    t = new_type(g, kind);
    if (t == NULL)
        return NULL;
    if (name != NULL && name[0] != '\0') {
        t->name = align_graph_strdup(g, name, (size_t)-1);
        if (g->lang == ALIGN_LANG_C)
            t->display = concat3(g, kind == ALIGN_KIND_STRUCT ? "struct " : "union ", name, "");
        else
            t->display = t->name;
    } else {
        t->display = kind == ALIGN_KIND_STRUCT ? "struct {...}" : "union {...}";
    }
    return t->display ? t : NULL;
}

align_type *align_type_func(align_graph *g)
{
    align_type *t = new_type(g, ALIGN_KIND_FUNC);
    if (t != NULL)
        t->display = g->lang == ALIGN_LANG_GO ? "func()" : "function";
    return t;
}

align_type *align_type_opaque(align_graph *g, const char *name, uint64_t size, uint32_t align,
                              uint64_t ptrdata)
{
    align_type *t = new_named_type(g, ALIGN_KIND_OPAQUE, name);
    if (t == NULL)
        return NULL;
    t->opaque_size = size;
    t->opaque_align = align ? align : 1;
    t->opaque_ptrdata = ptrdata;
    return t;
}

const char *align_type_display(const align_type *t)
{
    return t->display;
}

void align_type_set_display(align_graph *g, align_type *t, const char *text)
{
    const char *d = align_graph_strdup(g, text, (size_t)-1);
    if (d != NULL)
        t->display = d;
}

align_kind align_type_kind(const align_type *t)
{
    return t->kind;
}
const char *align_type_name(const align_type *t)
{
    return t->name;
}
align_type *align_type_target(const align_type *t)
{
    return t->target;
}
uint64_t align_type_count(const align_type *t)
{
    return t->count;
}
align_prim align_type_prim_id(const align_type *t)
{
    return t->prim;
}
void align_type_set_pos(align_type *t, align_srcpos pos)
{
    t->pos = pos;
}
align_srcpos align_type_pos(const align_type *t)
{
    return t->pos;
}
const char *align_type_label(const align_type *t, const align_type **of)
{
    if (of != NULL)
        *of = t->label_of;
    return t->label;
}

int align_type_label_local(const align_type *t, size_t *pkg_len, unsigned *shared)
{
    if (t->label == NULL || !t->label_local)
        return 0;
    if (pkg_len != NULL)
        *pkg_len = t->label_pkg;
    if (shared != NULL)
        *shared = t->label_shared;
    return 1;
}

/* A record with no name of its own: C's "struct {...}" (no tag, no
 * typedef naming it), Go's type literal "struct { a bool; ... }". */
static bool anonymous_record(const align_graph *g, const align_type *t)
{
    if (t->kind != ALIGN_KIND_STRUCT && t->kind != ALIGN_KIND_UNION)
        return false;
    if (g->lang == ALIGN_LANG_GO)
        return t->name != NULL && strncmp(t->name, "struct", 6) == 0 &&
               (t->name[6] == ' ' || t->name[6] == '{');
    return t->name == NULL && strchr(t->display, '{') != NULL;
}

/* Labels the anonymous records rec holds by value, then theirs. */
static int label_fields(align_graph *g, const align_type *rec, const char *prefix, int depth)
{
    if (depth > 64)
        return 0; /* a DWARF loop: records do not nest that deep */
    for (uint32_t i = 0; i < rec->nfields; i++) {
        const align_field *f = &rec->fields[i];
        align_type *ft = (align_type *)f->type;
        while (ft != NULL && ft->kind == ALIGN_KIND_ARRAY)
            ft = ft->target;
        if (ft == NULL || ft->label != NULL || !anonymous_record(g, ft))
            continue;
        ft->label = concat3(g, prefix, ".",
                            f->name[0]                     ? f->name
                            : ft->kind == ALIGN_KIND_UNION ? "(anonymous union)"
                                                           : "(anonymous struct)");
        if (ft->label == NULL)
            return ALIGN_ENOMEM;
        ft->label_of = rec;
        if (label_fields(g, ft, ft->label, depth + 1) < 0)
            return ALIGN_ENOMEM;
    }
    return 0;
}

int type_label_fields(align_graph *g, const align_type *rec)
{
    assert(rec->label != NULL);
    if (label_fields(g, rec, rec->label, 0) < 0)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    return 0;
}

int align_graph_label_anonymous(align_graph *g)
{
    for (size_t i = 0; i < g->ndecls; i++) {
        const align_type *t = g->decls[i];
        const align_type *r = align_type_resolve(t);
        if (r == NULL || (r->kind != ALIGN_KIND_STRUCT && r->kind != ALIGN_KIND_UNION) ||
            anonymous_record(g, r))
            continue;
        if (label_fields(g, r, t->name ? t->name : r->name ? r->name : r->display, 0) < 0)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return 0;
}

void align_type_set_aligned(align_type *t, uint32_t aligned)
{
    t->aligned = aligned;
}
void align_type_set_packed(align_type *t, int packed)
{
    t->packed = packed != 0;
}
void align_type_set_order_fixed(align_type *record, align_order_fixed why)
{
    record->order_fixed = why;
}
align_order_fixed align_type_order_fixed(const align_type *record)
{
    return record->order_fixed;
}

const align_type *align_type_resolve(const align_type *t)
{
    /* A chain of any length (50,000 typedefs is a chain, not nesting); a
     * cycle (impossible from the parsers, possible from corrupt DWARF) must
     * not hang: Brent's detection, no memory, O(chain).  A cycle resolves
     * to one of its named nodes. */
    const align_type *mark = t;
    size_t steps = 0, power = 1;
    while (t != NULL && t->kind == ALIGN_KIND_NAMED) {
        t = t->target;
        if (t == mark)
            return t;
        if (++steps == power) {
            mark = t;
            power *= 2;
            steps = 0;
        }
    }
    return t;
}

align_field_spec align_field_spec_init(void)
{
    align_field_spec s;
    memset(&s, 0, sizeof s);
    s.given_bit_offset = -1;
    return s;
}

int record_reserve_fields(align_graph *g, align_type *rec, size_t n)
{
    size_t cap = rec->fields_cap;
    assert(rec->kind == ALIGN_KIND_STRUCT || rec->kind == ALIGN_KIND_UNION);
    if (n <= cap || rec->nfields > 0)
        return 0;
    if (n > UINT32_MAX)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "too many fields");
    if (vec_reserve_arena(&g->arena, (void **)&rec->fields, &cap, n, sizeof *rec->fields, n) < 0)
        return ALIGN_ENOMEM;
    rec->fields_cap = (uint32_t)cap;
    return 0;
}

int align_record_add_field(align_graph *g, align_type *rec, const align_field_spec *spec)
{
    align_field *f;
    assert(rec->kind == ALIGN_KIND_STRUCT || rec->kind == ALIGN_KIND_UNION);
    assert(spec->type != NULL);
    if (rec->nfields == UINT32_MAX)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "too many fields");
    if (rec->nfields == rec->fields_cap) {
        size_t cap = rec->fields_cap;
        if (vec_reserve_arena(&g->arena, (void **)&rec->fields, &cap, (size_t)rec->nfields + 1,
                              sizeof *rec->fields, 8) < 0)
            return ALIGN_ENOMEM;
        rec->fields_cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
    }
    f = &rec->fields[rec->nfields++];
    f->name = spec->name ? spec->name : "";
    f->type = spec->type;
    f->aligned = spec->aligned;
    f->packed = spec->packed != 0;
    f->is_bitfield = spec->is_bitfield != 0;
    f->bit_size = spec->bit_size;
    f->embedded = spec->embedded != 0;
    f->decl_text = spec->decl_text;
    f->given_bit_offset = spec->given_bit_offset;
    f->pos = spec->pos;
    return 0;
}

void align_record_complete(align_type *rec, int64_t given_size, int64_t given_align)
{
    rec->complete = true;
    rec->given_size = given_size;
    rec->given_align = given_align;
}

int align_record_is_complete(const align_type *rec)
{
    return rec->complete;
}
size_t align_record_nfields(const align_type *rec)
{
    return rec->nfields;
}

int align_graph_add_decl(align_graph *g, align_type *t)
{
    if (vec_reserve((void **)&g->decls, &g->decls_cap, g->ndecls + 1, sizeof *g->decls, 64) < 0)
        return ALIGN_ENOMEM;
    g->decls[g->ndecls++] = t;
    return 0;
}

size_t align_graph_ndecls(const align_graph *g)
{
    return g->ndecls;
}

align_type *align_graph_decl(const align_graph *g, size_t i)
{
    return i < g->ndecls ? g->decls[i] : NULL;
}

/* ----------------------------------------------------------- name tables */

static const char *name_text(const void *ctx, uint32_t entry, size_t *len)
{
    const name_table *nt = ctx;
    *len = strlen(nt->entries[entry].name);
    return nt->entries[entry].name;
}

static name_entry *name_find(const name_table *nt, const char *name)
{
    uint32_t e = table_find_text(&nt->index, name, strlen(name), name_text, nt);
    return e == TABLE_NONE ? NULL : &nt->entries[e];
}

/* Binds name to t (a later binding of the same name replaces it). */
static int name_bind(align_graph *g, name_table *nt, const char *name, align_type *t)
{
    name_entry *e = name_find(nt, name), fresh;
    if (e != NULL) {
        e->type = t;
        return 0;
    }
    fresh.name = align_graph_strdup(g, name, (size_t)-1);
    fresh.type = t;
    if (fresh.name == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    return TABLE_OF_PUSH(nt, hash_str(name, strlen(name)), &fresh, 64);
}

static align_type *name_lookup(const name_table *nt, const char *name)
{
    name_entry *e = name_find(nt, name);
    return e ? e->type : NULL;
}

int align_graph_bind(align_graph *g, const char *name, align_type *t)
{
    return name_bind(g, &g->names, name, t);
}

align_type *align_graph_lookup(const align_graph *g, const char *name)
{
    return name_lookup(&g->names, name);
}

int align_graph_bind_tag(align_graph *g, const char *tag, align_type *t)
{
    return name_bind(g, &g->tags, tag, t);
}

align_type *align_graph_lookup_tag(const align_graph *g, const char *tag)
{
    return name_lookup(&g->tags, tag);
}

/* ----------------------------------------------------------------- sizes */

static int compute_size(align_graph *g, const align_type *t, uint64_t *size, uint32_t *align,
                        uint64_t *ptrdata, unsigned depth)
{
    uint64_t es, ep;
    uint32_t ea;
    int rc;
    switch (t->kind) {
    case ALIGN_KIND_PRIM: return align_abi_prim(g->abi, t->prim, size, align, ptrdata);
    case ALIGN_KIND_POINTER:
        *size = g->abi->pointer_size;
        *align = g->abi->pointer_align;
        *ptrdata = g->lang == ALIGN_LANG_GO ? g->abi->pointer_size : 0;
        return 0;
    case ALIGN_KIND_ARRAY:
        if (t->target == NULL)
            return error_set(ALIGN_EINCOMPLETE, NULL, 0, 0, "array of unknown type");
        rc = type_size_depth(g, t->target, &es, &ea, &ep, depth + 1);
        if (rc < 0)
            return rc;
        *align = ea;
        if (t->count == ALIGN_FLEXIBLE) {
            *size = 0;
            *ptrdata = 0;
            return 0;
        }
        if (!mul_u64(es, t->count, size))
            return error_set(ALIGN_EOVERFLOW, NULL, 0, 0, "array %s is larger than 2^64 bytes",
                             t->display);
        /* Go: (n-1) whole elements then the last one's pointer prefix. */
        *ptrdata = (ep == 0 || t->count == 0) ? 0 : es * (t->count - 1) + ep;
        if (t->vector) {
            const align_type *e = align_type_resolve(t->target);
            bool ints = e != NULL && e->kind == ALIGN_KIND_PRIM && e->prim != ALIGN_C_FLOAT &&
                        e->prim != ALIGN_C_DOUBLE && e->prim != ALIGN_C_LDOUBLE;
            *align = abi_vector_align(g->abi, *size, ints);
        }
        return 0;
    case ALIGN_KIND_NAMED: {
        /* A chain of typedefs is walked in a loop, not recursed into: it is
         * not nesting (`type T1 T0` 50,000 times).  GCC: on a typedef,
         * aligned(N) sets the alignment (it may lower it too), and the
         * outermost one in the chain wins; the size is the base's. */
        const align_type *u = t;
        uint32_t aligned = 0;
        bool atomic = false;
        for (size_t steps = 0; u->kind == ALIGN_KIND_NAMED; steps++) {
            if (u->target == NULL)
                return error_set(ALIGN_EINCOMPLETE, NULL, 0, 0, "type %s is not defined",
                                 u->display);
            if (steps > g->ntypes) {
                error_set(ALIGN_ERECURSIVE, t->pos.file, t->pos.line, t->pos.col,
                          "%s contains itself: its typedef chain is a cycle", t->display);
                return ALIGN_ERECURSIVE;
            }
            if (aligned == 0)
                aligned = u->aligned;
            atomic = atomic || u->atomic;
            u = u->target;
        }
        rc = type_size_depth(g, u, size, align, ptrdata, depth + 1);
        if (rc < 0)
            return rc;
        /* GCC's find_atomic_core_type: an atomic type of 2, 4, 8 or 16
         * bytes takes the alignment of the atomic integer of that size. */
        if (atomic && (*size == 2 || *size == 4 || *size == 8 || *size == 16) && *align < *size)
            *align = (uint32_t)*size;
        if (aligned != 0)
            *align = aligned;
        return 0;
    }
    case ALIGN_KIND_STRUCT:
    case ALIGN_KIND_UNION:
        if (!t->complete)
            return error_set(ALIGN_EINCOMPLETE, NULL, 0, 0,
                             "%s is incomplete (declared but never defined)", t->display);
        rc = layout_place(g, t, NULL, NULL, size, align, ptrdata, depth + 1);
        /* A member of record type occupies what the compiler wrote for it
         * (DWARF byte_size): packed or pragma-packed records whose layout
         * the model cannot see must not shift the members after them. */
        if (rc == 0 && t->given_size >= 0 && g->abi->arch == g->given_arch)
            *size = (uint64_t)t->given_size;
        return rc;
    case ALIGN_KIND_FUNC:
        return error_set(ALIGN_EINCOMPLETE, NULL, 0, 0,
                         "a function type has no size (use a pointer to it)");
    case ALIGN_KIND_OPAQUE:
        *size = t->opaque_size;
        *align = t->opaque_align;
        *ptrdata = t->opaque_ptrdata;
        return 0;
    }
    return error_set(ALIGN_EINVAL, NULL, 0, 0, "bad type kind");
}

int type_size_depth(align_graph *g, const align_type *t, uint64_t *size, uint32_t *align,
                    uint64_t *ptrdata, unsigned depth)
{
    type_memo *m;
    int rc;
    if (depth > ALIGN_MAX_DEPTH)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "types nested deeper than %d levels",
                         ALIGN_MAX_DEPTH);
    if (vec_reserve((void **)&g->memo, &g->memo_cap, g->ntypes, sizeof *g->memo, 64) < 0)
        return ALIGN_ENOMEM;
    m = &g->memo[t->id];
    if (m->state == MEMO_DONE) {
        *size = m->size;
        *align = m->align;
        *ptrdata = m->ptrdata;
        return 0;
    }
    if (m->state == MEMO_BUSY) {
        error_set(ALIGN_ERECURSIVE, t->pos.file, t->pos.line, t->pos.col,
                  "%s contains itself by value", t->display);
        error_hint("use a pointer (or a slice) to break the cycle");
        return ALIGN_ERECURSIVE;
    }
    m->state = MEMO_BUSY;
    rc = compute_size(g, t, size, align, ptrdata, depth);
    /* The memo array may have moved while recursing. */
    m = &g->memo[t->id];
    if (rc < 0) {
        m->state = MEMO_NONE;
        return rc;
    }
    m->state = MEMO_DONE;
    m->size = *size;
    m->align = *align;
    m->ptrdata = *ptrdata;
    return 0;
}

int align_type_size(align_graph *g, const align_type *t, uint64_t *size, uint32_t *align,
                    uint64_t *ptrdata)
{
    uint64_t s, p;
    uint32_t a;
    int rc = type_size_depth(g, t, &s, &a, &p, 0);
    if (rc < 0)
        return rc;
    if (size)
        *size = s;
    if (align)
        *align = a;
    if (ptrdata)
        *ptrdata = p;
    return 0;
}
