/*
 * carry.c - savings carried up: what a Go record saves once the records it
 * holds by value (embedded or named fields, arrays of them, at any depth)
 * are reordered too, and which of those records each byte is owed to.
 *
 * Why: a padded struct embedded in others shows no saving where it is
 * allocated.  cmd/compile's ir.miniExpr (56 bytes, 48 reordered) is held by
 * value in 31 heap-allocated node types; ir.BinaryExpr is 88 bytes and
 * already in its best order, so its own layout says "96 -> 96, nothing
 * saved", yet with miniExpr reordered it is 80 bytes, one size class less.
 * The saving belongs to miniExpr, summed over every type that holds it.
 *
 * Who calls it: audit's collection pass (cli/rows.c), once per
 * heap-allocated type of an escape join.
 *
 * How: sized(R, S) is the size of record R when the records of the set S
 * are reordered (in their best order, given their members' new sizes) and
 * the others keep their declared order (with their members' new sizes,
 * which can still move offsets).  A record none of whose by-value members
 * changes keeps its layout's figures; one whose members change is laid out
 * again as a copy in the same graph whose changed members are opaque types
 * of the new size, the same alignment and the new pointer bytes, through
 * align_layout_compute: the optimizer's rules (blank fields, zero-size
 * fields, atomics) apply unchanged.  The record's own order comes first
 * (S = {T}); then each record reachable from T by value is added to S in
 * turn, the one saving most on its own first, and each is owed the bytes
 * its step saves.  Steps are differences of a sequence that never grows (a
 * reordering that would not help is not applied), so the parts add up to
 * exactly size - deep_size, and their heap costs (align_carry_heap) to
 * exactly the allocator bytes saved.
 *
 * Limits: Go only (C records carry attributes an opaque copy would lose,
 * and C reports have no heap join); records whose model disagrees with the
 * compiler, or whose positions are inconsistent, are kept as they are;
 * linker-made records (hchan<T>, map groups) are never changed; a record
 * reachable from T through more than CARRY_MAX_CAUSES others is left to
 * the last step ("every other member record").  Go on 386 and arm: the
 * copies lose the "int64 inside at an 8-aligned offset" constraint of their
 * changed members, so carried savings are not computed there (deep_size =
 * the record's own optimal_size).
 *
 * Rejected: summing each member's own padding into the container (wrong:
 * a member's saved bytes can vanish in the container's tail padding, or
 * cross a size class that its own padding alone would not); splitting the
 * saving in proportion to padding (fractions of a byte, and no order a
 * user can apply).
 */
#include "analysis/analysis.h"
#include "util/vec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define CARRY_MAX_CAUSES 32

typedef struct carry_rec {
    const align_type *type;
    align_layout *layout; /* ALIGN_LAYOUT_GIVEN, as the binary has it */
} carry_rec;

typedef struct carry_ctx {
    align_graph *g;
    align_layout_opts opts;
    carry_rec *recs;
    size_t nrecs, recs_cap;
    /* The set S: records reordered.  all: every record. */
    const align_type **set;
    size_t nset;
    bool all;
    int depth;
    align_carry_keep_fn keep; /* records whose order is meant; may be NULL */
    void *keep_arg;
} carry_ctx;

static bool is_struct(const align_type *t)
{
    return t != NULL && t->kind == ALIGN_KIND_STRUCT;
}

/* The struct an array (of arrays) of structs holds, and how many: NULL when
 * the type holds no struct by value that way. */
static const align_type *held_struct(const align_type *t, uint64_t *count)
{
    uint64_t n = 1;
    t = align_type_resolve(t);
    while (t != NULL && t->kind == ALIGN_KIND_ARRAY) {
        if (t->count == ALIGN_FLEXIBLE || __builtin_mul_overflow(n, t->count, &n))
            return NULL;
        t = align_type_resolve(t->target);
    }
    *count = n;
    return is_struct(t) ? t : NULL;
}

/* The record's layout as the binary has it (kept for the whole call). */
static int rec_layout(carry_ctx *c, const align_type *t, const align_layout **out)
{
    carry_rec *r;
    for (size_t i = 0; i < c->nrecs; i++)
        if (c->recs[i].type == t) {
            *out = c->recs[i].layout;
            return 0;
        }
    if (vec_reserve((void **)&c->recs, &c->recs_cap, c->nrecs + 1, sizeof *c->recs, 16) < 0)
        return ALIGN_ENOMEM;
    r = &c->recs[c->nrecs];
    if (align_layout_compute(&r->layout, c->g, t, &c->opts) < 0)
        return -1;
    r->type = t;
    c->nrecs++;
    *out = r->layout;
    return 0;
}

static bool in_set(const carry_ctx *c, const align_type *t)
{
    if (c->all)
        return true;
    for (size_t i = 0; i < c->nset; i++)
        if (c->set[i] == t)
            return true;
    return false;
}

/* Whether the caller keeps the record's order (a structalign:ignore
 * marker): its size still follows its members'. */
static bool kept(const carry_ctx *c, const align_type *t)
{
    return c->keep != NULL && c->keep(t, c->keep_arg) != 0;
}

/* Whether a record may be changed at all (see Limits). */
static bool changeable(const align_layout *l)
{
    return l->model_agrees != 0 && l->positions_valid && l->order_fixed != ALIGN_ORDER_GO_LINKER &&
           l->order_fixed != ALIGN_ORDER_GO_COMPILER;
}

/* Size and pointer bytes of record t with the records of S reordered. */
static int sized(carry_ctx *c, const align_type *t, uint64_t *size, uint64_t *ptrdata)
{
    const align_layout *l;
    uint64_t *msize = NULL, *mptr = NULL;
    bool changed = false, reorder;
    int rc;

    if (c->depth >= ALIGN_MAX_DEPTH)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "records nested deeper than %d",
                         ALIGN_MAX_DEPTH);
    rc = rec_layout(c, t, &l);
    if (rc < 0)
        return rc;
    reorder = in_set(c, t) && changeable(l) && !kept(c, t);
    *size = reorder ? l->optimal_size : l->size;
    *ptrdata = reorder ? l->optimal_ptrdata : l->ptrdata;
    if (!changeable(l) || l->nmembers == 0)
        return 0;
    msize = malloc(l->nmembers * sizeof *msize);
    mptr = malloc(l->nmembers * sizeof *mptr);
    if (msize == NULL || mptr == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    c->depth++;
    for (size_t i = 0; i < l->nmembers && rc == 0; i++) {
        const align_member *m = &l->members[i];
        uint64_t n, es, ep;
        const align_type *st = held_struct(m->type, &n);
        msize[i] = m->size;
        mptr[i] = m->ptrdata;
        if (st == NULL || n == 0)
            continue;
        rc = sized(c, st, &es, &ep);
        if (rc < 0 || es == m->size / n)
            continue;
        /* n elements of es bytes; pointer bytes: up to the last element's
         * (the earlier ones are whole elements). */
        msize[i] = es * n;
        mptr[i] = ep == 0 ? 0 : es * (n - 1) + ep;
        changed = true;
    }
    c->depth--;
    if (rc < 0 || !changed)
        goto done;
    {
        align_type *copy = align_type_record(c->g, ALIGN_KIND_STRUCT, NULL);
        align_layout *cl = NULL;
        for (size_t i = 0; copy != NULL && i < l->nmembers && rc == 0; i++) {
            const align_member *m = &l->members[i];
            align_field_spec spec = align_field_spec_init();
            spec.name = m->name;
            spec.embedded = (m->flags & ALIGN_MEMBER_EMBEDDED) != 0;
            spec.decl_text = m->decl_text;
            spec.type = (align_type *)m->type;
            if (msize[i] != m->size)
                spec.type = align_type_opaque(c->g, NULL, msize[i], m->align, mptr[i]);
            if (spec.type == NULL)
                rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
            else
                rc = align_record_add_field(c->g, copy, &spec);
        }
        if (copy == NULL)
            rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        if (rc == 0) {
            align_layout_opts o = {reorder ? 0 : ALIGN_LAYOUT_NO_OPTIMIZE, c->opts.cacheline};
            align_type_set_order_fixed(copy, l->order_fixed);
            align_record_complete(copy, -1, -1);
            rc = align_layout_compute(&cl, c->g, copy, &o);
        }
        if (rc == 0) {
            uint64_t s = reorder ? cl->optimal_size : cl->size;
            uint64_t p = reorder ? cl->optimal_ptrdata : cl->ptrdata;
            /* Never larger than without the change (see the design
             * comment): a change that would not help is not made. */
            if (s < *size || (s == *size && p < *ptrdata)) {
                *size = s;
                *ptrdata = p;
            }
        }
        align_layout_free(cl);
    }
done:
    free(msize);
    free(mptr);
    return rc;
}

/* Every struct reachable from t by value, t excluded, once each. */
static int reachable(carry_ctx *c, const align_type *t, const align_type ***out, size_t *n,
                     size_t *cap, int depth)
{
    const align_layout *l;
    int rc;
    if (depth >= ALIGN_MAX_DEPTH)
        return error_set(ALIGN_ELIMIT, NULL, 0, 0, "records nested deeper than %d",
                         ALIGN_MAX_DEPTH);
    rc = rec_layout(c, t, &l);
    if (rc < 0 || !changeable(l))
        return rc;
    for (size_t i = 0; i < l->nmembers && rc == 0; i++) {
        uint64_t cnt;
        const align_type *st = held_struct(l->members[i].type, &cnt);
        bool seen = false;
        if (st == NULL || cnt == 0)
            continue;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = (*out)[k] == st;
        if (seen)
            continue;
        rc = vec_push((void **)out, n, cap, sizeof **out, 16, &st);
        if (rc == 0)
            rc = reachable(c, st, out, n, cap, depth + 1);
    }
    return rc;
}

/* The size of the heap type with the records of set[0..n) reordered. */
static int size_with(carry_ctx *c, const align_type *t, const align_type **set, size_t n, bool all,
                     uint64_t *size, uint64_t *ptrdata)
{
    c->set = set;
    c->nset = n;
    c->all = all;
    c->depth = 0;
    return sized(c, t, size, ptrdata);
}

typedef struct cand {
    const align_type *type;
    uint64_t alone; /* size saved with it alone (and t's own order) */
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    const char *nx = x->type->display, *ny = y->type->display;
    if (x->alone != y->alone)
        return x->alone > y->alone ? -1 : 1;
    return strcmp(nx ? nx : "", ny ? ny : "");
}

/* A carry owns its causes, which push_cause grows. */
void align_carry_free(align_carry *c)
{
    if (c == NULL)
        return;
    FREE_ALL(c->causes, c);
}

static int push_cause(align_carry *out, size_t *cap, const align_type *t, uint64_t before,
                      uint64_t after)
{
    align_carry_cause cause = {t, before - after, after};
    return vec_push((void **)&out->causes, &out->ncauses, cap, sizeof cause, 4, &cause);
}

int align_carry_compute(align_carry **out, align_graph *g, const align_layout *l,
                        align_carry_keep_fn keep, void *keep_arg)
{
    carry_ctx c;
    align_carry *r;
    const align_type **reach = NULL, **set = NULL;
    size_t nreach = 0, reach_cap = 0, causes_cap = 0, nset = 0;
    cand *cands = NULL;
    uint64_t cur, curp, s, p;
    int rc = 0;

    assert(out != NULL && g != NULL && l != NULL);
    *out = NULL;
    if (l->lang != ALIGN_LANG_GO)
        return error_set(ALIGN_EINVAL, NULL, 0, 0,
                         "%s: savings carried up are computed for Go records", l->name);
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
    r->type = l->type;
    r->size = l->size;
    r->optimal_size = l->optimal_size;
    r->deep_size = l->optimal_size;
    r->deep_ptrdata = l->optimal_ptrdata;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.opts.flags = ALIGN_LAYOUT_GIVEN;
    c.opts.cacheline = l->cacheline;
    c.keep = keep;
    c.keep_arg = keep_arg;
    /* Its own order first (unless kept: then every step starts from its
     * size as laid out). */
    if (kept(&c, l->type)) {
        r->optimal_size = l->size;
        r->deep_size = l->size;
        r->deep_ptrdata = l->ptrdata;
    } else if (l->optimal_size < l->size) {
        rc = push_cause(r, &causes_cap, l->type, l->size, l->optimal_size);
    }
    if (rc < 0 || align_abi_pointer_size(align_graph_abi(g)) < 8 || l->model_agrees == 0 ||
        !l->positions_valid)
        goto done;
    rc = reachable(&c, l->type, &reach, &nreach, &reach_cap, 0);
    if (rc < 0 || nreach == 0)
        goto done;
    cands = calloc(nreach, sizeof *cands);
    set = calloc(nreach + 1, sizeof *set);
    if (cands == NULL || set == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    set[0] = l->type;
    cur = r->optimal_size;
    curp = r->deep_ptrdata;
    /* What each saves alone decides the order of the steps. */
    for (size_t i = 0; i < nreach && rc == 0; i++) {
        set[1] = reach[i];
        cands[i].type = reach[i];
        if (kept(&c, reach[i]))
            continue; /* alone 0: no step of its own */
        rc = size_with(&c, l->type, set, 2, false, &s, &p);
        cands[i].alone = rc == 0 && s < cur ? cur - s : 0;
    }
    if (rc < 0)
        goto done;
    qsort(cands, nreach, sizeof *cands, cmp_cand);
    nset = 1;
    for (size_t i = 0; i < nreach && i < CARRY_MAX_CAUSES && rc == 0; i++) {
        set[nset++] = cands[i].type;
        rc = size_with(&c, l->type, set, nset, false, &s, &p);
        if (rc == 0 && s < cur) {
            rc = push_cause(r, &causes_cap, cands[i].type, cur, s);
            cur = s;
            curp = p;
        }
    }
    if (rc == 0 && nreach > CARRY_MAX_CAUSES) {
        /* The rest at once: "every other member record" (type NULL). */
        rc = size_with(&c, l->type, NULL, 0, true, &s, &p);
        if (rc == 0 && s < cur) {
            rc = push_cause(r, &causes_cap, NULL, cur, s);
            cur = s;
            curp = p;
        }
    }
    if (rc == 0) {
        r->deep_size = cur;
        r->deep_ptrdata = curp;
    }
done:
    for (size_t i = 0; i < c.nrecs; i++)
        align_layout_free(c.recs[i].layout);
    FREE_ALL(c.recs, reach, set, cands);
    if (rc < 0) {
        align_carry_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* Bytes the allocator reserves for the heap type at `size` bytes. */
static int alloc_bytes(uint64_t *out, const align_layout *l, uint64_t size, uint64_t count,
                       int per_element)
{
    align_go_alloc a;
    int has_ptr = l->ptrdata != 0, rc;
    rc = per_element ? align_go_alloc_slice(&a, l->go_release, l->arch, size, count, has_ptr)
                     : align_go_alloc_compute(&a, l->go_release, l->arch, size, has_ptr);
    *out = a.bytes;
    return rc;
}

int align_carry_heap(align_carry_heap_cost *out, uint64_t *cause_saved, const align_layout *l,
                     const align_carry *c, uint64_t count, int per_element)
{
    uint64_t prev, cur, mult = per_element ? 1 : count;
    int rc;

    assert(out != NULL && l != NULL && c != NULL);
    memset(out, 0, sizeof *out);
    rc = alloc_bytes(&out->now, l, c->size, count, per_element);
    if (rc == 0)
        rc = alloc_bytes(&out->deep, l, c->deep_size, count, per_element);
    prev = out->now;
    for (size_t i = 0; i < c->ncauses && rc == 0; i++) {
        rc = alloc_bytes(&cur, l, c->causes[i].size_after, count, per_element);
        if (rc == 0 && __builtin_mul_overflow(prev - cur, mult, &cause_saved[i]))
            rc = error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                           "%s: %llu objects: bytes saved overflow 64 bits", l->name,
                           (unsigned long long)count);
        prev = cur;
    }
    if (rc == 0 && __builtin_mul_overflow(out->now - out->deep, mult, &out->saved_total))
        rc =
            error_set(ALIGN_EOVERFLOW, NULL, 0, 0, "%s: %llu objects: bytes saved overflow 64 bits",
                      l->name, (unsigned long long)count);
    if (rc < 0)
        memset(out, 0, sizeof *out);
    return rc;
}
