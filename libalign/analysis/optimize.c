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
 * a C flexible array member stays last (the language requires it); a Go blank
 * `_` field is padding someone wrote on purpose (cache-line separation, ABI
 * mirroring), so it stays where it is and members move only between the
 * blanks.  Unions are not reordered: every member is at offset 0.
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
typedef struct search {
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
} search;

/* Whether units a and b place alike wherever they go. */
static bool interchangeable(const unit *a, const unit *b, const int8_t *pinned)
{
    return a->count == 1 && b->count == 1 && !a->bitfield && !b->bitfield && !a->fixed &&
           !b->fixed && a->size == b->size && a->align == b->align && a->ptrdata == b->ptrdata &&
           a->pin == b->pin && (pinned == NULL || pinned[a->first] == pinned[b->first]);
}

static int search_from(search *s, size_t pos, size_t nseq, const place_cursor *c, uint64_t rem_bits)
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
    search s = {g, l->type, u, nunits, bits, used, seq, l->align, b, n, improved};
    layout_cursor_init(&c);
    rc = search_from(&s, 0, 0, &c, rem);
out:
    free(bits);
    free(used);
    free(seq);
    return rc;
}

/* What the units of a record say about the search. */
typedef struct unit_facts {
    size_t nunits;
    uint64_t sum; /* member bytes */
    bool has_bitfields, has_fixed, has_flexible, any_pinned;
} unit_facts;

/* Groups the members into units (a run of adjacent bit-fields is one, sized
 * by the bits it spans; blank and flexible members are fixed) and marks in
 * pinned[] the members whose offset modulo 8 must be kept (32-bit Go:
 * 8-aligned int64s, and members holding one). */
static void make_units(const align_graph *g, const align_layout *l, unit *units, int8_t *pinned,
                       unit_facts *f)
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
        u->first = i;
        u->count = 1;
        u->size = m->size;
        u->align = m->align;
        u->ptrdata = m->ptrdata;
        if (m->flags & ALIGN_MEMBER_BITFIELD) {
            f->has_bitfields = true;
            u->bitfield = true;
        }
        if (m->flags & (ALIGN_MEMBER_BLANK | ALIGN_MEMBER_FLEXIBLE))
            u->fixed = true;
        if (m->flags & ALIGN_MEMBER_BLANK)
            f->has_fixed = true;
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

/* Why the suggested order is what it is, when a rule held members back. */
static const char *constraint_note(bool constrained, const unit_facts *f)
{
    if (constrained)
        return "64-bit integers at 8-aligned offsets stay 8-aligned (sync/atomic "
               "needs it on 32-bit targets)";
    if (f->has_fixed)
        return "blank (_) fields are intentional padding and stay in place";
    if (f->has_bitfields)
        return "each run of adjacent bit-fields is kept together, in order";
    if (f->has_flexible)
        return "the flexible array member stays last";
    return NULL;
}

int optimize_layout(align_graph *g, align_layout *l)
{
    const align_type *rec = l->type;
    size_t n = l->nmembers, nunits;
    unit *units = NULL;
    size_t *order = NULL, *scratch = NULL;
    int8_t *pinned = NULL;
    placed *pl = NULL;
    bool constrained = false, improved = false;
    uint64_t lower;
    unit_facts f;
    best b;
    int rc = 0;

    if (rec->kind == ALIGN_KIND_UNION || n < 2) {
        l->optimal_proven = 1;
        return 0;
    }
    units = calloc(n, sizeof *units);
    order = calloc(n, sizeof *order);
    scratch = calloc(n, sizeof *scratch);
    pinned = calloc(n, sizeof *pinned);
    pl = calloc(n, sizeof *pl);
    if (units == NULL || order == NULL || scratch == NULL || pinned == NULL || pl == NULL) {
        rc = error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    make_units(g, l, units, pinned, &f);
    nunits = f.nunits;
search:
    /* Sort each stretch between fixed units. */
    for (size_t s = 0; s < nunits;) {
        size_t e = s;
        while (e < nunits && !units[e].fixed)
            e++;
        if (e > s + 1)
            qsort(units + s, e - s, sizeof *units, cmp_units);
        s = e + 1;
    }
    b.size = l->size;
    b.ptrdata = l->ptrdata;
    b.order = order;
    b.pinned = constrained ? pinned : NULL;
    b.pl = pl;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    expand(units, nunits, scratch);
    rc = try_order(g, rec, scratch, &b, n, &improved);
    if (rc < 0)
        goto out;

    /* Lower bound: member bytes rounded up to the alignment (valid without
     * bit-fields, whose runs can share bytes with neighbours). */
    if (!round_up_u64(f.sum, l->align, &lower))
        lower = 0;
    if (!f.has_bitfields && b.size <= lower) {
        l->optimal_proven = 1;
    } else if (!f.has_fixed && !f.has_flexible && nunits <= EXHAUSTIVE_MAX) {
        rc = search_orders(g, l, units, nunits, &b, &improved);
        if (rc < 0)
            goto out;
        l->optimal_proven = 1;
    }
    if (f.any_pinned && !constrained && improved) {
        /* Does the unconstrained answer keep the pinned members 8-aligned? */
        rc = pins_kept(g, rec, order, pl, pinned, n);
        if (rc < 0)
            goto out;
        if (rc == 0) {
            constrained = true;
            improved = false;
            l->optimal_proven = 0;
            for (size_t i = 0; i < nunits; i++)
                units[i].pin =
                    !units[i].fixed && units[i].count == 1 && pinned[units[i].first] == 0;
            goto search;
        }
        rc = 0;
    }
    l->optimal_note = constraint_note(constrained, &f);
    l->optimal_size = b.size;
    l->optimal_ptrdata = b.ptrdata;
    memcpy(l->optimal_order, b.order, n * sizeof *b.order);
out:
    free(units);
    free(order);
    free(scratch);
    free(pinned);
    free(pl);
    return rc;
}
