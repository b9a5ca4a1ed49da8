/*
 * maps.c - what one entry of each Go map type of a binary costs in the
 * runtime's own storage, and how much of it is padding.
 *
 * Who calls it: `structalign audit` (the map section of its report), on the
 * Go graph of a binary.  Work is linear in the graph's declarations.
 *
 * The storage differs by release, and both layouts are read from the
 * binary's DWARF, never assumed:
 *
 *   Go 1.24+ (swiss tables, internal/runtime/maps): a map's groups are the
 *     compiler's noalg.map.group[K]V { ctrl uint64; slots [8]noalg.struct {
 *     key K; elem V } }.  Each slot is one struct laid out by the ordinary
 *     rules, so the value is aligned after the key and the slot is rounded
 *     to the larger alignment: map[int64]bool spends 16 bytes a slot on 9
 *     bytes of data, map[int32]int64 16 on 12, and a zero-size value still
 *     takes a byte after the key (the trailing zero-size field rule):
 *     map[K]struct{} with a 16-byte K spends 24.
 *   Go 1.19-1.23 (buckets, runtime/map.go): the linker's bucket<K,V> {
 *     tophash [8]uint8; keys [8]K; values [8]V; overflow *bucket } keeps the
 *     eight keys together and the eight values together, so the map adds
 *     no padding between a key and its value (map[int64]bool: 9 bytes an
 *     entry); what remains is the padding inside K and V themselves.
 *
 * Per map type: the bytes an entry takes (the slot's size, or the bucket's
 * key and value bytes over 8 plus its own padding over 8), the padding the
 * map layout adds, the padding inside K and V that reordering them would
 * reclaim, and the entry size with K and V in their smallest orders (laid
 * out by the model, the same rules as the slot).  The group's control word
 * and the bucket's tophash and overflow pointer are the map's own overhead,
 * not padding, and are not counted.
 *
 * Rejected: computing slots from the key and value types alone (the model
 * would agree today, but the slot type in DWARF is what the runtime uses;
 * a future runtime that lays slots out differently must show up, not be
 * papered over), and reading map<K,V> / hash<K,V> (the linker's headers say
 * nothing about entries).
 */
#include "util/vec.h"
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The member of rec named name, or NULL. */
static const align_field *field_named(const align_type *rec, const char *name)
{
    for (uint32_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].name, name) == 0)
            return &rec->fields[i];
    return NULL;
}

/* A record reached from t through defined types, or NULL. */
static const align_type *as_record(const align_type *t)
{
    const align_type *r = align_type_resolve(t);
    return r != NULL && r->kind == ALIGN_KIND_STRUCT && r->complete ? r : NULL;
}

/* Size and alignment of t in its smallest field order (a struct), or as it
 * is; *reclaim: what reordering saves. */
static int optimal_of(align_graph *g, const align_type *t, uint64_t *size, uint32_t *align,
                      uint64_t *reclaim)
{
    const align_type *r = as_record(t);
    align_layout *l;
    align_layout_opts o = {ALIGN_LAYOUT_GIVEN, 0};
    uint64_t ptr;
    int rc = align_type_size(g, t, size, align, &ptr);
    *reclaim = 0;
    if (rc < 0 || r == NULL)
        return rc;
    rc = align_layout_compute(&l, g, r, &o);
    if (rc < 0)
        return rc;
    *size = l->optimal_size;
    *reclaim = l->reclaimable;
    align_layout_free(l);
    return 0;
}

/* The size the model gives struct { key K'; elem V' } for the optimal
 * sizes and alignments of K and V: a record of two opaque members. */
static int slot_size(align_graph *g, uint64_t ks, uint32_t ka, uint64_t vs, uint32_t va,
                     uint64_t *out)
{
    align_type *rec = align_type_record(g, ALIGN_KIND_STRUCT, NULL);
    align_field_spec k = align_field_spec_init(), v = align_field_spec_init();
    uint64_t ptr;
    uint32_t a;
    if (rec == NULL)
        return ALIGN_ENOMEM;
    k.name = "key";
    k.type = align_type_opaque(g, "K", ks, ka, 0);
    v.name = "elem";
    v.type = align_type_opaque(g, "V", vs, va, 0);
    if (k.type == NULL || v.type == NULL || align_record_add_field(g, rec, &k) < 0 ||
        align_record_add_field(g, rec, &v) < 0)
        return ALIGN_ENOMEM;
    align_record_complete(rec, -1, -1);
    return align_type_size(g, rec, out, &a, &ptr);
}

/* Fills m from its entry record (swiss: the slot; else the bucket). */
static int measure(align_graph *g, align_go_map *m, const align_type *key, const align_type *elem)
{
    align_layout *l;
    align_layout_opts o = {ALIGN_LAYOUT_GIVEN | ALIGN_LAYOUT_NO_OPTIMIZE, 0};
    uint64_t kopt, vopt, kre, vre, ptr, entry_pad;
    uint32_t ka, va;
    int rc = align_layout_compute(&l, g, m->record, &o);
    if (rc < 0)
        return rc;
    entry_pad = l->padding;
    if (m->swiss) {
        m->entry_bytes = l->size;
        m->entry_padding = l->padding;
    }
    align_layout_free(l);
    m->key = key;
    m->elem = elem;
    rc = align_type_size(g, key, &m->key_size, &ka, &ptr);
    if (rc == 0)
        rc = align_type_size(g, elem, &m->elem_size, &va, &ptr);
    if (rc < 0)
        return rc;
    if (!m->swiss) {
        /* Eight entries share the bucket's padding (none in practice). */
        m->entry_padding = entry_pad / 8;
        m->entry_bytes = m->key_size + m->elem_size + m->entry_padding;
    }
    rc = optimal_of(g, key, &kopt, &ka, &kre);
    if (rc == 0)
        rc = optimal_of(g, elem, &vopt, &va, &vre);
    if (rc < 0)
        return rc;
    m->key_reclaimable = kre;
    m->elem_reclaimable = vre;
    if (m->swiss)
        return slot_size(g, kopt, ka, vopt, va, &m->optimal_entry_bytes);
    m->optimal_entry_bytes = kopt + vopt + m->entry_padding;
    return 0;
}

/* A group's name "noalg.map.group[K]V" -> "map[K]V" (the source's
 * spelling, also when the slot holds *K for a key over 128 bytes). */
static const char *map_name_from_group(align_graph *g, const char *group)
{
    size_t n = strlen(group + 15) + 4;
    char *s = malloc(n);
    const char *r;
    if (s == NULL)
        return NULL;
    snprintf(s, n, "map%s", group + 15);
    r = align_graph_strdup(g, s, (size_t)-1);
    free(s);
    return r;
}

static int add_map(align_go_map **arr, size_t *n, size_t *cap, const align_go_map *m)
{
    return vec_push((void **)arr, n, cap, sizeof **arr, 16, m);
}

int align_go_maps(align_go_map **out, size_t *nout, align_graph *g)
{
    align_go_map *arr = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    *out = NULL;
    *nout = 0;
    if (g->lang != ALIGN_LANG_GO)
        return error_set(ALIGN_EINVAL, NULL, 0, 0, "map entries are a Go question");
    for (size_t i = 0; i < g->ndecls && rc == 0; i++) {
        const align_type *t = g->decls[i];
        const align_type *rec = as_record(t);
        const char *name = rec ? rec->name : NULL;
        align_go_map m;
        memset(&m, 0, sizeof m);
        if (name == NULL)
            continue;
        if (strncmp(name, "noalg.map.group[", 16) == 0) {
            /* Go 1.24+: ctrl, then slots [8]struct { key; elem }. */
            const align_field *slots = field_named(rec, "slots");
            const align_type *arrt = slots ? align_type_resolve(slots->type) : NULL;
            const align_type *slot = arrt && arrt->kind == ALIGN_KIND_ARRAY && arrt->count > 0
                                         ? as_record(arrt->target)
                                         : NULL;
            const align_field *k = slot ? field_named(slot, "key") : NULL;
            const align_field *v = slot ? field_named(slot, "elem") : NULL;
            if (k == NULL || v == NULL)
                continue;
            m.swiss = 1;
            m.record = slot;
            m.map = map_name_from_group(g, name);
            if (m.map == NULL) {
                rc = ALIGN_ENOMEM;
                break;
            }
            rc = measure(g, &m, k->type, v->type);
        } else if (strncmp(name, "bucket<", 7) == 0) {
            /* Go 1.19-1.23: tophash, keys [8]K, values [8]V, overflow. */
            const align_field *ks = field_named(rec, "keys"), *vs = field_named(rec, "values");
            const align_type *ka = ks ? align_type_resolve(ks->type) : NULL;
            const align_type *va = vs ? align_type_resolve(vs->type) : NULL;
            char buf[512];
            if (ka == NULL || va == NULL || ka->kind != ALIGN_KIND_ARRAY ||
                va->kind != ALIGN_KIND_ARRAY || ka->count != 8 || va->count != 8)
                continue;
            m.swiss = 0;
            m.record = rec;
            snprintf(buf, sizeof buf, "map[%s]%s", ka->target->display, va->target->display);
            m.map = align_graph_strdup(g, buf, (size_t)-1);
            if (m.map == NULL) {
                rc = ALIGN_ENOMEM;
                break;
            }
            rc = measure(g, &m, ka->target, va->target);
        } else {
            continue;
        }
        if (rc == 0)
            rc = add_map(&arr, &n, &cap, &m);
    }
    if (rc < 0) {
        free(arr);
        if (rc == ALIGN_ENOMEM)
            error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        return rc;
    }
    *out = arr;
    *nout = n;
    return 0;
}

void align_go_maps_free(align_go_map *maps)
{
    free(maps);
}
