/*
 * optimize.c - the smallest field order of a struct, and among the smallest,
 * the one with the fewest Go pointer bytes.
 *
 * Who calls it: align_layout_compute, once per record, after the current
 * layout is known.  Audits of large binaries call it ~10^4 times, so the
 * common case is one sort and one evaluation: O(n log n).
 *
 * WHAT MAY MOVE.  The record's members are grouped into units that move as
 * a whole: an ordinary member is a unit; a run of adjacent C bit-fields is one
 * unit, kept in declaration order (packing bit-fields of different runs
 * together could save more, but it changes which bits share a storage unit,
 * which programs that overlay hardware registers or wire formats rely on);
 * a C flexible array member stays last (the language requires it).  Unions
 * are not reordered: every member is at offset 0.
 *
 * BLANK FIELDS.  A Go `_` field is written on purpose, and an order keeps
 * what it is for and nothing more (rule_of):
 *   - a zero-size one (`_ [0]func()` makes a struct non-comparable, `_
 *     align64` or `_ [0]int64` raise its alignment) works anywhere: it moves
 *     like any zero-size member, first, never last (the compiler pads after
 *     a zero-size last field: edwards25519.Point, 168 -> 160 in Go 1.19);
 *   - cache-line padding (a *CacheLinePad type, half a line or more, or
 *     padding that ends on a line boundary) keeps its offset and nothing
 *     crosses it: the members on each side share lines only with their own
 *     side, as written;
 *   - any other one is an explicit offset (`_ uint32` to put the next
 *     64-bit atomic at 8 on 32-bit targets, or to mirror a C layout): it
 *     keeps its offset and so does the member declared after it (what it
 *     positions); the others move across it (gcCPULimiterState in Go 1.19,
 *     88 -> 80 with `_` still at 36).
 * Keeping an offset is a constraint on the order, not on the sort: the
 * sorted stretches between fixed members are one candidate (checked by
 * offsets_kept), and fill_gaps another that fills each gap before a kept
 * blank with the members that fit it (a subset-sum table over the gap's
 * bytes).  Then the search runs again with every blank field free
 * (align_layout.unconstrained_*), and with each one alone released, to
 * name the blank fields that cost bytes (ALIGN_MEMBER_BLANK_CONSTRAINS).
 * Rejected: blanks as walls nothing crosses (the old rule: it called
 * 88-byte gcCPULimiterState "already optimal") and blanks that move freely
 * (it would undo the 32-bit alignment and cache-line separation they are
 * there for).
 *
 * THE CANDIDATE.  Within each stretch between fixed members, units are sorted
 * stably by: size 0 first; then alignment, largest first; then (Go) units that
 * hold pointers before those that do not, and among those with pointers, the
 * one with the most pointer-free bytes at its end last; ties keep declaration
 * order.  The candidate is laid out by the same engine as the declaration
 * (layout_place), so the reported optimal size is exactly what the compiler
 * makes of the suggested order; if it is not smaller (or, at equal size, does
 * not have fewer pointer bytes), the declaration order is kept.
 *
 * WHY IT IS THE SMALLEST (no fixed members, no bit-fields, every member's
 * size a multiple of its alignment, alignments powers of two: always true in
 * Go and in C without aligned() on members).  Lower bound: any order's size is
 * at least S = (sum of member sizes) rounded up to the record's alignment A,
 * because members do not overlap and the size is a multiple of A.  In the
 * sorted order every member starts at the end of the previous one: after a
 * prefix of members of alignments >= a, the offset is a sum of multiples of
 * those alignments, hence a multiple of a, which is exactly what the next
 * member (alignment a) needs.  Zero-size members go first, so Go's extra byte
 * for a trailing zero-size field never appears (unless every member has size
 * 0, and then the size is 0).  So the sorted order's size is S: minimal.
 *
 * WHY THE POINTER BYTES ARE THE FEWEST (Go, same conditions, and every
 * member holding pointers has the record's largest alignment, which holds on
 * 64-bit targets where pointer words are the largest alignment).  Let L be the
 * member whose pointer prefix ends last.  Every other member with pointers
 * must end before L starts (it cannot come after L without its pointers
 * ending later), so ptrdata >= (sum of their sizes) + ptrdata(L) = P - (size(L)
 * - ptrdata(L)) where P is the total size of members with pointers.  That is
 * smallest when L is the member with the most trailing pointer-free bytes,
 * which the sort puts last among them, and the sorted order packs them from
 * offset 0 (after zero-size members) without holes: the bound is reached.
 *
 * When the conditions do not hold (bit-field runs, fixed members, aligned()
 * members), the sorted candidate is still evaluated exactly, the lower bound
 * S is still checked, and for up to EXHAUSTIVE_MAX movable units every
 * permutation is tried; optimal_proven says whether minimality was shown.
 *
 * 32-BIT GO (386, arm): ATOMIC-SAFE ORDERS.  int64 and uint64 are 4-aligned
 * there, but sync/atomic's 64-bit functions need an 8-aligned address, and
 * only the first word of an allocation is guaranteed to be 8-aligned.  So a
 * suggested order never moves a 64-bit integer member that sits at an
 * 8-aligned offset in the declaration ("pinned") to a 4-aligned one: code
 * that relies on it would start to panic.  The search first runs without
 * the constraint; if its answer breaks it, the search runs again with pinned
 * units sorted first among the units of their alignment (4), and every
 * evaluated order that breaks it is rejected (try_order); optimal_note says
 * so.  The sorted candidate still reaches S: the units of alignment 8
 * (atomic.Int64, structs holding one) come first and have sizes that are
 * multiples of 8, so the pinned units (8 bytes each) that follow all start at
 * multiples of 8, and the sort is still by alignment, largest first, which is
 * all the size proof above needs.  Only the pointer-bytes proof can fail
 * (pinned units hold no pointers but precede those that do): the constrained
 * answer is then the fewest pointer bytes among the orders tried, and
 * optimal_proven keeps speaking only of the size.  With fixed blank fields a
 * stretch may start 4 bytes off an 8-byte boundary; a candidate that breaks
 * the constraint there is rejected and the declaration order stands.
 * Struct and array members holding such an integer deeper
 * (ALIGN_MEMBER_ATOMIC_ALIGNED_INSIDE, found by atomic.c) are pinned too, to
 * their offset modulo 8 (0 or 4): only orders that keep it are accepted;
 * those pinned to 0 are sorted first like 64-bit integers, those pinned to 4
 * rely on the exhaustive search or keep the declaration order.
 */
#include "analysis/analysis.h"

#include <stdlib.h>
#include <string.h>

#define EXHAUSTIVE_MAX 8

typedef struct unit {
    size_t first;  /* declaration index of the first member */
    size_t count;  /* members in the unit (bit-field runs: > 1) */
    uint64_t size; /* bytes (bit-field runs: bits rounded up) */
    uint32_t align;
    uint64_t ptrdata; /* Go */
    bool fixed;       /* stays where it is */
    bool bitfield;    /* a run of bit-fields */
    bool pin;         /* 32-bit Go, constrained pass: a pinned 64-bit integer */
} unit;

static int cmp_units(const void *pa, const void *pb)
{
    const unit *a = pa, *b = pb;
    bool az = a->size == 0, bz = b->size == 0;
    if (az != bz)
        return az ? -1 : 1;
    if (a->align != b->align)
        return a->align > b->align ? -1 : 1;
    if (a->pin != b->pin)
        return a->pin ? -1 : 1;
    if ((a->ptrdata > 0) != (b->ptrdata > 0))
        return a->ptrdata > 0 ? -1 : 1;
    if (a->ptrdata > 0) {
        uint64_t ta = a->size - a->ptrdata, tb = b->size - b->ptrdata;
        if (ta != tb)
            return ta < tb ? -1 : 1;
    }
    return a->first < b->first ? -1 : a->first > b->first;
}

/* Writes the declaration indices of units u[0..n) into order. */
static void expand(const unit *u, size_t n, size_t *order)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < u[i].count; j++)
            order[k++] = u[i].first + j;
}

typedef struct best {
    uint64_t size, ptrdata;
    size_t *order;
    const int8_t *pinned; /* by declaration index: the offset modulo 8 the
                             member must keep, -1 for any; NULL: no
                             constraint */
    placed *pl;           /* scratch for checking the constraint */
} best;

/* Evaluates an order; keeps it in *b when it beats what is there and keeps
 * every pinned member at its offset modulo 8. */
static int try_order(align_graph *g, const align_type *rec, const size_t *order, best *b, size_t n,
                     bool *improved)
{
    uint64_t size, ptrdata;
    uint32_t align;
    int rc = layout_place(g, rec, order, b->pinned ? b->pl : NULL, &size, &align, &ptrdata, 0);
    if (rc < 0)
        return rc;
    if (b->pinned)
        for (size_t i = 0; i < n; i++)
            if (b->pinned[i] >= 0 && b->pl[i].bit_offset % 64 != (uint64_t)b->pinned[i] * 8)
                return 0;
    if (size < b->size || (size == b->size && ptrdata < b->ptrdata)) {
        b->size = size;
        b->ptrdata = ptrdata;
        memcpy(b->order, order, n * sizeof *order);
        *improved = true;
    }
    return 0;
}

/* THE EXHAUSTIVE SEARCH: every order of the units, built one unit at a
 * time by the layout engine's own step (layout_place_member), so that all
 * orders sharing a prefix share its placement.  Two rules cut it down
 * without losing any order that could beat the best so far:
 *   - a bound: placing a member never moves the cursor back and advances it
 *     by at least the bits the member occupies, so an order that starts
 *     with a prefix ends no earlier than the prefix's end plus the bits of
 *     the units still to place, rounded up to the record's alignment (the
 *     same for every order); a prefix whose bound is not below the best size
 *     (or, at equal size, cannot beat the best pointer bytes) is abandoned;
 *   - interchangeable units (single ordinary members of the same size,
 *     alignment, pointer bytes and pin) are tried once per position: the
 *     orders that swap them place every byte alike.
 * Units are tried in the sorted order, so among equally small orders the one
 * found first is the closest to the sorted candidate.  The search replaced
 * Heap's algorithm over whole orders (8! layouts of a record of 8 units, 23%
 * of the CPU of an nginx audit); it visits every order Heap's did, less the
 * ones the two rules prove cannot win. */
typedef struct order_search {
    align_graph *g;
    const align_type *rec;
    const unit *u; /* sorted units */
    size_t nunits;
    const uint64_t *bits; /* per unit: the bits its members occupy */
    bool *used;           /* per unit */
    size_t *seq;          /* declaration indices of the prefix */
    uint32_t align;       /* the record's alignment: the same in any order */
    best *b;
    size_t n; /* members */
    bool *improved;
} order_search;

/* Whether units a and b place alike wherever they go. */
static bool interchangeable(const unit *a, const unit *b, const int8_t *pinned)
{
    return a->count == 1 && b->count == 1 && !a->bitfield && !b->bitfield && !a->fixed &&
           !b->fixed && a->size == b->size && a->align == b->align && a->ptrdata == b->ptrdata &&
           a->pin == b->pin && (pinned == NULL || pinned[a->first] == pinned[b->first]);
}

static int search_from(order_search *s, size_t pos, size_t nseq, const place_cursor *c,
                       uint64_t rem_bits)
{
    best *b = s->b;
    uint64_t end_bits, lower;
    int rc;

    if (pos == s->nunits) {
        uint64_t size, ptrdata;
        uint32_t align;
        rc = layout_place_end(s->g, s->rec, c, &size, &align, &ptrdata);
        if (rc < 0)
            return rc;
        if (size < b->size || (size == b->size && ptrdata < b->ptrdata)) {
            b->size = size;
            b->ptrdata = ptrdata;
            memcpy(b->order, s->seq, s->n * sizeof *s->seq);
            *s->improved = true;
        }
        return 0;
    }
    if (!add_u64(c->bitpos, rem_bits, &end_bits))
        return 0;
    if (c->max_bits > end_bits)
        end_bits = c->max_bits;
    if (!round_up_u64((end_bits + 7) / 8, s->align, &lower))
        return 0;
    if (lower > b->size || (lower == b->size && b->ptrdata == 0))
        return 0;
    for (size_t k = 0; k < s->nunits; k++) {
        const unit *u = &s->u[k];
        place_cursor next = *c;
        bool skip = false;
        if (s->u[pos].fixed ? k != pos : (u->fixed || s->used[k]))
            continue;
        for (size_t j = 0; j < k && !skip; j++)
            skip = !s->used[j] && interchangeable(&s->u[j], u, b->pinned);
        if (skip)
            continue;
        for (size_t m = 0; m < u->count; m++) {
            size_t i = u->first + m;
            rc = layout_place_member(s->g, s->rec, i, &next, b->pl, 0);
            if (rc < 0)
                return rc;
            if (b->pinned && b->pinned[i] >= 0 &&
                b->pl[i].bit_offset % 64 != (uint64_t)b->pinned[i] * 8) {
                skip = true;
                break;
            }
            s->seq[nseq + m] = i;
        }
        if (skip)
            continue;
        s->used[k] = true;
        rc = search_from(s, pos + 1, nseq + u->count, &next, rem_bits - s->bits[k]);
        s->used[k] = false;
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Runs the search over the units u[0..nunits) of the record laid out in l;
 * keeps in *b every order that beats it. */
static int search_orders(align_graph *g, const align_layout *l, const unit *u, size_t nunits,
                         best *b, bool *improved)
{
    size_t n = l->nmembers;
    uint64_t *bits = calloc(nunits, sizeof *bits);
    bool *used = calloc(nunits, sizeof *used);
    size_t *seq = calloc(n, sizeof *seq);
    uint64_t rem = 0;
    place_cursor c;
    int rc;

    if (bits == NULL || used == NULL || seq == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < nunits; k++) {
        for (size_t m = 0; m < u[k].count; m++) {
            const align_member *mb = &l->members[u[k].first + m];
            bits[k] += (mb->flags & ALIGN_MEMBER_BITFIELD) ? mb->bit_size : mb->size * 8;
        }
        rem += bits[k];
    }
    order_search s = {g, l->type, u, nunits, bits, used, seq, l->align, b, n, improved};
    layout_cursor_init(&c);
    rc = search_from(&s, 0, 0, &c, rem);
out:
    FREE_ALL(bits, used, seq);
    return rc;
}

/* What a Go blank (`_`) field is for, and so what a suggested order keeps
 * of it (BLANK FIELDS above). */
typedef enum blank_rule {
    RULE_MOVES = 0, /* an ordinary member, or a blank field released */
    RULE_MARKER,    /* size 0: moves with the zero-size members, first */
    RULE_OFFSET,    /* keeps its offset; members move across it */
    RULE_FOLLOWER,  /* the member an RULE_OFFSET blank field positions:
                       the one declared right after it keeps its offset */
    RULE_FENCE      /* cache-line padding: keeps its offset, none crosses */
} blank_rule;

/* What the units of a record say about the search. */
typedef struct unit_facts {
    size_t nunits;
    uint64_t sum; /* member bytes */
    bool has_bitfields, has_fixed, has_flexible, any_pinned;
    bool has_fence; /* a blank field no member crosses */
} unit_facts;

/* Groups the members into units (a run of adjacent bit-fields is one, sized
 * by the bits it spans; blank fields that keep their offset and flexible
 * members are fixed) and marks in pinned[] the members whose offset modulo
 * 8 must be kept (32-bit Go: 8-aligned int64s, and members holding one). */
static void make_units(const align_graph *g, const align_layout *l, const uint8_t *rules,
                       unit *units, int8_t *pinned, unit_facts *f)
{
    size_t n = l->nmembers;
    memset(f, 0, sizeof *f);
    memset(pinned, -1, n * sizeof *pinned);
    for (size_t i = 0; i < n; i++) {
        const align_member *m = &l->members[i];
        unit *u;
        if ((m->flags & ALIGN_MEMBER_BITFIELD) && f->nunits > 0 &&
            (l->members[units[f->nunits - 1].first].flags & ALIGN_MEMBER_BITFIELD)) {
            /* Extend the run; its size is the bits it spans. */
            u = &units[f->nunits - 1];
            u->count++;
            if (m->align > u->align)
                u->align = m->align;
            continue;
        }
        u = &units[f->nunits++];
        memset(u, 0, sizeof *u);
        u->first = i;
        u->count = 1;
        u->size = m->size;
        u->align = m->align;
        u->ptrdata = m->ptrdata;
        if (m->flags & ALIGN_MEMBER_BITFIELD) {
            f->has_bitfields = true;
            u->bitfield = true;
        }
        if (rules[i] >= RULE_OFFSET || (m->flags & ALIGN_MEMBER_FLEXIBLE))
            u->fixed = true;
        if (rules[i] >= RULE_OFFSET)
            f->has_fixed = true;
        if (rules[i] == RULE_FENCE)
            f->has_fence = true;
        if (m->flags & ALIGN_MEMBER_FLEXIBLE)
            f->has_flexible = true;
        if (g->abi->go_atomic64_unaligned && (m->flags & ALIGN_MEMBER_INT64) &&
            m->offset % 8 == 0) {
            pinned[i] = 0;
            f->any_pinned = true;
        }
        if (m->flags & ALIGN_MEMBER_ATOMIC_ALIGNED_INSIDE) {
            pinned[i] = (int8_t)(m->offset % 8);
            f->any_pinned = true;
        }
        f->sum += m->size;
    }
    for (size_t i = 0; i < f->nunits; i++) {
        unit *u = &units[i];
        if (u->count > 1 || (l->members[u->first].flags & ALIGN_MEMBER_BITFIELD)) {
            const align_member *first = &l->members[u->first],
                               *last = &l->members[u->first + u->count - 1];
            uint64_t bits = last->bit_offset + last->bit_size - first->bit_offset;
            u->size = (bits + 7) / 8;
        }
    }
}

/* Whether order keeps every pinned member at its offset modulo 8: 1 yes,
 * 0 no, or the error. */
static int pins_kept(align_graph *g, const align_type *rec, const size_t *order, placed *pl,
                     const int8_t *pinned, size_t n)
{
    uint64_t size, ptrdata;
    uint32_t align;
    int rc = layout_place(g, rec, order, pl, &size, &align, &ptrdata, 0);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (pinned[i] >= 0 && pl[i].bit_offset % 64 != (uint64_t)pinned[i] * 8)
            return 0;
    return 1;
}

/* Whether order leaves every blank field that keeps its offset where the
 * declaration has it: 1 yes, 0 no, or the error. */
static int offsets_kept(align_graph *g, const align_layout *l, const uint8_t *rules,
                        const size_t *order, placed *pl)
{
    uint64_t size, ptrdata;
    uint32_t align;
    int rc = layout_place(g, l->type, order, pl, &size, &align, &ptrdata, 0);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < l->nmembers; i++)
        if (rules[i] >= RULE_OFFSET && pl[i].bit_offset != l->members[i].offset * 8)
            return 0;
    return 1;
}

/* Scratch for the search, allocated once per record. */
typedef struct work {
    unit *units;
    size_t *scratch; /* an order being evaluated */
    int8_t *pinned;
    placed *pl;
    size_t *pool, *pick; /* fill_gaps: unit indices */
    bool *used;          /* fill_gaps: by unit index */
    uint32_t *from;      /* fill_gaps: by byte sum, the unit that reached it
                            + 1, 0 unreached; GAP_MAX + 1 entries */
} work;

/* A gap longer than this is not filled member by member (the table is one
 * entry a byte): such records keep the other candidate. */
#define GAP_MAX 8192
/* Sums tried per gap, from the largest down, before giving up on it. */
#define GAP_TRIES 64

static uint64_t up(uint64_t x, uint32_t a)
{
    return a > 1 ? (x + a - 1) / a * a : x;
}

/* Orders the units pick[0..k) (sorted by cmp_units) to be placed from byte
 * x: each step takes the first unit whose alignment x already meets (the
 * largest such alignment), or, when none does, the least aligned (the
 * smallest hole).  Returns where the last one ends. */
static uint64_t arrange(const unit *units, size_t *pick, size_t k, uint64_t x)
{
    for (size_t i = 0; i < k; i++) {
        size_t take = i;
        for (size_t j = i; j < k; j++)
            if (x % units[pick[j]].align == 0) {
                take = j;
                break;
            } else if (units[pick[j]].align < units[pick[take]].align) {
                take = j;
            }
        size_t t = pick[take];
        memmove(pick + i + 1, pick + i, (take - i) * sizeof *pick);
        pick[i] = t;
        x = up(x, units[t].align) + units[t].size;
    }
    return x;
}

/* Chooses, from the unused units of pool[0..np), those to place in the gap
 * [x, to) so that a member of alignment a placed after them lands at
 * exactly `to`: the most bytes a subset can fill (a subset-sum table over
 * the gap's bytes), then arrange().  Writes them to w->pick in placement
 * order and returns how many, or SIZE_MAX when no subset lands there. */
static size_t fill_one(work *w, const size_t *pool, size_t np, uint64_t x, uint64_t to, uint32_t a)
{
    const unit *units = w->units;
    uint64_t cap = to - x;
    size_t tries = 0;
    if (cap > GAP_MAX)
        return SIZE_MAX;
    memset(w->from, 0, (cap + 1) * sizeof *w->from);
    w->from[0] = UINT32_MAX; /* reached by the empty set */
    for (size_t p = 0; p < np; p++) {
        const unit *u = &units[pool[p]];
        if (w->used[pool[p]] || u->size == 0 || u->size > cap)
            continue;
        for (uint64_t s = cap; s >= u->size; s--)
            if (w->from[s] == 0 && w->from[s - u->size] != 0)
                w->from[s] = (uint32_t)p + 1;
    }
    for (uint64_t s = cap + 1; s-- > 0 && tries < GAP_TRIES;) {
        size_t k = 0;
        if (w->from[s] == 0)
            continue;
        tries++;
        /* pool positions, largest first: back into cmp_units order */
        for (uint64_t r = s; r > 0; r -= units[pool[w->from[r] - 1]].size)
            w->pick[k++] = w->from[r] - 1;
        for (size_t i = 0; i < k / 2; i++) {
            size_t t = w->pick[i];
            w->pick[i] = w->pick[k - 1 - i];
            w->pick[k - 1 - i] = t;
        }
        for (size_t i = 0; i < k; i++)
            w->pick[i] = pool[w->pick[i]];
        uint64_t end = arrange(units, w->pick, k, x);
        if (end <= to && up(end, a) == to)
            return k;
    }
    return SIZE_MAX;
}

/* Sorts the unit indices pool[0..np) by cmp_units: insertion sort, which
 * is stable and needs no context pointer (qsort's would have to be a
 * global), and the units of one record are few. */
static void sort_pool(const unit *units, size_t *pool, size_t np)
{
    for (size_t i = 1; i < np; i++)
        for (size_t j = i; j > 0 && cmp_units(&units[pool[j]], &units[pool[j - 1]]) < 0; j--) {
            size_t t = pool[j];
            pool[j] = pool[j - 1];
            pool[j - 1] = t;
        }
}

/* The candidate that moves members across blank fields that keep their
 * offset: region by region (the stretches between cache-line padding and
 * flexible members), each gap before such a blank field is filled with the
 * region's members that fit it best, and the rest follow the last one.
 * Writes the order to out; false when some gap cannot be filled exactly
 * (the caller then keeps the other candidates). */
static bool fill_gaps(work *w, const align_layout *l, const uint8_t *rules, size_t nunits,
                      size_t *out)
{
    const unit *units = w->units;
    size_t k = 0, rs = 0;
    uint64_t x = 0;
    while (rs <= nunits) {
        size_t re = rs, np = 0;
        while (re < nunits && !(units[re].fixed && rules[units[re].first] != RULE_OFFSET &&
                                rules[units[re].first] != RULE_FOLLOWER))
            re++;
        for (size_t i = rs; i < re; i++)
            if (!units[i].fixed) {
                w->pool[np++] = i;
                w->used[i] = false;
            }
        sort_pool(units, w->pool, np);
        /* Zero-size members first, where they cost nothing. */
        for (size_t p = 0; p < np; p++)
            if (units[w->pool[p]].size == 0 && x % units[w->pool[p]].align == 0) {
                w->used[w->pool[p]] = true;
                out[k++] = units[w->pool[p]].first;
            }
        for (size_t i = rs; i < re; i++) {
            const align_member *b = &l->members[units[i].first];
            size_t got;
            if (!units[i].fixed)
                continue;
            if (x > b->offset)
                return false;
            got = fill_one(w, w->pool, np, x, b->offset, b->align);
            if (got == SIZE_MAX)
                return false;
            for (size_t j = 0; j < got; j++) {
                w->used[w->pick[j]] = true;
                out[k++] = units[w->pick[j]].first;
            }
            out[k++] = units[i].first;
            x = b->offset + b->size;
        }
        size_t rest = 0;
        for (size_t p = 0; p < np; p++)
            if (!w->used[w->pool[p]])
                w->pick[rest++] = w->pool[p];
        (void)arrange(units, w->pick, rest, x);
        for (size_t j = 0; j < rest; j++)
            out[k++] = units[w->pick[j]].first;
        if (re == nunits)
            break;
        /* the fence or flexible member, where the declaration has it */
        out[k++] = units[re].first;
        x = l->members[units[re].first].offset + l->members[units[re].first].size;
        rs = re + 1;
    }
    return k == l->nmembers;
}

/* One search's answer. */
typedef struct answer {
    uint64_t size, ptrdata;
    size_t *order;    /* nmembers declaration indices, the caller's */
    int proven;       /* the size is proven minimal under the rules */
    bool constrained; /* 32-bit: the atomic rule held members back */
    unit_facts f;
} answer;

/* The best order under the blank-field rules (rules[i] for member i): the
 * sorted candidate, the gap-filling one when blank fields keep offsets, and
 * for few free units every permutation; then the 32-bit atomic rule. */
static int search(align_graph *g, const align_layout *l, const uint8_t *rules, work *w, answer *a)
{
    const align_type *rec = l->type;
    size_t n = l->nmembers, nunits;
    bool improved = false;
    uint64_t lower;
    unit_facts *f = &a->f;
    best b;
    int rc;

    a->constrained = false;
    a->proven = 0;
    make_units(g, l, rules, w->units, w->pinned, f);
    nunits = f->nunits;
search:
    /* Sort each stretch between fixed units. */
    for (size_t s = 0; s < nunits;) {
        size_t e = s;
        while (e < nunits && !w->units[e].fixed)
            e++;
        if (e > s + 1)
            qsort(w->units + s, e - s, sizeof *w->units, cmp_units);
        s = e + 1;
    }
    b.size = l->size;
    b.ptrdata = l->ptrdata;
    b.order = a->order;
    b.pinned = a->constrained ? w->pinned : NULL;
    b.pl = w->pl;
    for (size_t i = 0; i < n; i++)
        a->order[i] = i;
    expand(w->units, nunits, w->scratch);
    rc = f->has_fixed ? offsets_kept(g, l, rules, w->scratch, w->pl) : 1;
    if (rc == 1)
        rc = try_order(g, rec, w->scratch, &b, n, &improved);
    if (rc < 0)
        return rc;
    if (f->has_fixed && !f->has_bitfields && fill_gaps(w, l, rules, nunits, w->scratch)) {
        rc = offsets_kept(g, l, rules, w->scratch, w->pl);
        if (rc == 1)
            rc = try_order(g, rec, w->scratch, &b, n, &improved);
        if (rc < 0)
            return rc;
    }

    /* Lower bound: member bytes rounded up to the alignment (valid without
     * bit-fields, whose runs can share bytes with neighbours). */
    if (!round_up_u64(f->sum, l->align, &lower))
        lower = 0;
    if (!f->has_bitfields && b.size <= lower) {
        a->proven = 1;
    } else if (!f->has_fixed && !f->has_flexible && nunits <= EXHAUSTIVE_MAX) {
        rc = search_orders(g, l, w->units, nunits, &b, &improved);
        if (rc < 0)
            return rc;
        a->proven = 1;
    }
    if (f->any_pinned && !a->constrained && improved) {
        /* Does the unconstrained answer keep the pinned members 8-aligned? */
        rc = pins_kept(g, rec, a->order, w->pl, w->pinned, n);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            a->constrained = true;
            improved = false;
            a->proven = 0;
            for (size_t i = 0; i < nunits; i++)
                w->units[i].pin = !w->units[i].fixed && w->units[i].count == 1 &&
                                  w->pinned[w->units[i].first] == 0;
            goto search;
        }
    }
    a->size = b.size;
    a->ptrdata = b.ptrdata;
    return 0;
}

/* Why the suggested order is what it is, when a rule held members back. */
static const char *constraint_note(bool constrained, const unit_facts *f)
{
    if (constrained)
        return "64-bit integers at 8-aligned offsets stay 8-aligned (sync/atomic "
               "needs it on 32-bit targets)";
    if (f->has_fence)
        return "blank (_) fields keep their offsets, and no member moves across "
               "cache-line padding";
    if (f->has_fixed)
        return "blank (_) fields, and the member each one positions, keep their offsets; "
               "other members move across them";
    if (f->has_bitfields)
        return "each run of adjacent bit-fields is kept together, in order";
    if (f->has_flexible)
        return "the flexible array member stays last";
    return NULL;
}

/* What the blank field m is for.  Size 0: a marker (non-comparability with
 * [0]func(), alignment with align64 or [0]T), which works anywhere.
 * Cache-line padding: a CacheLinePad type, half a line or more, or padding
 * that ends on a line boundary.  Anything else is an explicit offset (such
 * as the 4 bytes that put the next 64-bit atomic at 8 on 32-bit targets). */
static blank_rule rule_of(const align_layout *l, const align_member *m)
{
    uint32_t line = l->cacheline ? l->cacheline : 64;
    if (!(m->flags & ALIGN_MEMBER_BLANK))
        return RULE_MOVES;
    if (m->size == 0)
        return RULE_MARKER;
    if (m->size >= line / 2 || (m->offset + m->size) % line == 0 ||
        (m->type_name && strstr(m->type_name, "CacheLinePad")))
        return RULE_FENCE;
    return RULE_OFFSET;
}

int optimize_layout(align_graph *g, align_layout *l)
{
    size_t n = l->nmembers;
    work w = {0};
    uint8_t *rules = NULL, *free_rules = NULL;
    size_t *order = NULL, *free_order = NULL;
    answer kept = {0}, loose = {0};
    bool any_kept = false;
    int rc = 0;

    l->unconstrained_size = l->size;
    l->unconstrained_ptrdata = l->ptrdata;
    if (l->type->kind == ALIGN_KIND_UNION || n < 2) {
        l->optimal_proven = 1;
        if (l->unconstrained_order)
            for (size_t i = 0; i < n; i++)
                l->unconstrained_order[i] = i;
        return 0;
    }
    w.units = calloc(n, sizeof *w.units);
    w.scratch = calloc(n, sizeof *w.scratch);
    w.pinned = calloc(n, sizeof *w.pinned);
    w.pl = calloc(n, sizeof *w.pl);
    w.pool = calloc(n, sizeof *w.pool);
    w.pick = calloc(n, sizeof *w.pick);
    w.used = calloc(n, sizeof *w.used);
    w.from = malloc((GAP_MAX + 1) * sizeof *w.from); /* fill_one clears what it uses:
                                                        calloc cost 11% of a Go audit */
    rules = calloc(n, 1);
    free_rules = calloc(n, 1);
    order = calloc(n, sizeof *order);
    free_order = calloc(n, sizeof *free_order);
    if (w.units == NULL || w.scratch == NULL || w.pinned == NULL || w.pl == NULL ||
        w.pool == NULL || w.pick == NULL || w.used == NULL || w.from == NULL || rules == NULL ||
        free_rules == NULL || order == NULL || free_order == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        align_member *m = &l->members[i];
        if (rules[i] == RULE_MOVES)
            rules[i] = (uint8_t)rule_of(l, m);
        if (rules[i] == RULE_OFFSET && i + 1 < n && rule_of(l, &l->members[i + 1]) == RULE_MOVES &&
            l->members[i + 1].size > 0)
            rules[i + 1] = RULE_FOLLOWER;
        if (rules[i] == RULE_OFFSET)
            m->flags |= ALIGN_MEMBER_BLANK_KEEPS_OFFSET;
        if (rules[i] == RULE_FENCE)
            m->flags |= ALIGN_MEMBER_BLANK_FENCE;
        any_kept = any_kept || rules[i] >= RULE_OFFSET;
    }
    kept.order = order;
    rc = search(g, l, rules, &w, &kept);
    if (rc < 0)
        goto out;
    l->optimal_note = constraint_note(kept.constrained, &kept.f);
    l->optimal_proven = kept.proven;
    l->optimal_size = kept.size;
    l->optimal_ptrdata = kept.ptrdata;
    memcpy(l->optimal_order, order, n * sizeof *order);
    l->unconstrained_size = kept.size;
    l->unconstrained_ptrdata = kept.ptrdata;
    if (l->unconstrained_order)
        memcpy(l->unconstrained_order, order, n * sizeof *order);
    if (!any_kept)
        goto out;

    /* The saving the kept blank fields cost: every one released, then each
     * alone, to name those that held the order back. */
    loose.order = free_order;
    rc = search(g, l, free_rules, &w, &loose);
    if (rc < 0)
        goto out;
    if (loose.size >= kept.size)
        goto out; /* pointer bytes alone are not what blank fields are kept for */
    l->unconstrained_size = loose.size;
    l->unconstrained_ptrdata = loose.ptrdata;
    if (l->unconstrained_order)
        memcpy(l->unconstrained_order, free_order, n * sizeof *free_order);
    for (size_t i = 0; i < n; i++) {
        answer one = {0};
        if (rules[i] < RULE_OFFSET || rules[i] == RULE_FOLLOWER)
            continue;
        memcpy(free_rules, rules, n);
        free_rules[i] = RULE_MOVES;
        if (i + 1 < n && rules[i + 1] == RULE_FOLLOWER)
            free_rules[i + 1] = RULE_MOVES;
        one.order = free_order;
        rc = search(g, l, free_rules, &w, &one);
        if (rc < 0)
            goto out;
        if (one.size < kept.size)
            l->members[i].flags |= ALIGN_MEMBER_BLANK_CONSTRAINS;
    }
out:
    FREE_ALL(w.units, w.scratch, w.pinned, w.pl, w.pool, w.pick, w.used, w.from, rules, free_rules,
             order, free_order);
    return rc;
}
