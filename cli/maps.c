/*
 * maps.c - the map section of `structalign audit`: Go map types whose
 * entries carry padding in the runtime's own storage (libalign's
 * align_go_maps, which reads the slot or bucket types from DWARF).
 *
 * Go 1.24+ stores each entry as a slot struct { key K; elem V }, so the
 * padding of that struct repeats in every entry (map[int64]bool: 16 bytes a
 * slot for 9); Go 1.19-1.23 keeps 8 keys then 8 values in a bucket and adds
 * none.  Each listed map says how many bytes an entry spends on padding,
 * times its --count (entries), and what removes it: reordering a value or
 * key struct (computed by the model), or putting the padding to use by
 * merging the values of maps with the same key into one struct value.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct map_row {
    const align_go_map *m;
    uint64_t count;
    uint64_t waste; /* (entry padding + reorder saving) x count */
} map_row;

static int cmp_map_rows(const void *pa, const void *pb)
{
    const map_row *a = pa, *b = pb;
    if (a->waste != b->waste)
        return a->waste > b->waste ? -1 : 1;
    return strcmp(a->m->map, b->m->map);
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* What to do about one map's padding, or "" when nothing is wasted. */
static void map_fix(char *buf, size_t n, const align_go_map *m)
{
    const char *k = align_type_display(m->key), *v = align_type_display(m->elem);
    size_t len = 0;
    buf[0] = '\0';
    if (m->optimal_entry_bytes < m->entry_bytes)
        len += (size_t)snprintf(buf + len, n - len,
                                "reorder the fields of %s (structalign show): %llu -> %llu "
                                "bytes an entry",
                                m->elem_reclaimable ? v : k, (unsigned long long)m->entry_bytes,
                                (unsigned long long)m->optimal_entry_bytes);
    if (len >= n || m->entry_padding == 0)
        return;
    if (m->elem_size == 0)
        snprintf(buf + len, n - len,
                 "%sa zero-size value still takes a byte after the key (Go's rule for a "
                 "trailing zero-size field), rounded up to the key's alignment: %llu bytes an "
                 "entry for a %llu-byte %s",
                 len ? "; " : "", (unsigned long long)m->entry_bytes,
                 (unsigned long long)m->key_size, k);
    else
        snprintf(buf + len, n - len,
                 "%s%llu of the %llu bytes of each slot { %s; %s } are padding: values "
                 "of other maps keyed by %s fit there if the maps become one map with a "
                 "struct value",
                 len ? "; " : "", (unsigned long long)m->entry_padding,
                 (unsigned long long)m->entry_bytes, k, v, k);
}

/* --no-compiler-types: a key or value of a toolchain type, also behind
 * pointers, slices and arrays ("[]*internal/abi.Type"). */
static bool compiler_named(const align_type *t)
{
    const char *s = align_type_display(t);
    while (*s == '*' || *s == '[' || *s == ']' || (*s >= '0' && *s <= '9'))
        s++;
    return is_compiler_type(s);
}

int maps_render(align_buf *out, align_graph *g, const maps_opts *o)
{
    align_go_map *maps = NULL;
    map_row *rows = NULL;
    size_t n = 0, nrows = 0, shown;
    bool swiss = false;
    char fix[512];

    if (align_go_maps(&maps, &n, g) < 0) {
        print_lib_error(NULL, 0);
        return -1;
    }
    rows = calloc(n ? n : 1, sizeof *rows);
    if (rows == NULL) {
        align_go_maps_free(maps);
        return usage_error(NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const align_go_map *m = &maps[i];
        map_row r = {m, count_table_get(o->counts, m->map), 0};
        uint64_t per = m->entry_padding + (m->entry_bytes - m->optimal_entry_bytes);
        swiss = swiss || m->swiss;
        /* --filter names the map, its key or its value type. */
        if (!pattern_list_match(o->filters, o->nfilters, m->map) &&
            !pattern_list_match(o->filters, o->nfilters, align_type_display(m->key)) &&
            !pattern_list_match(o->filters, o->nfilters, align_type_display(m->elem)))
            continue;
        if (o->no_compiler_types && (compiler_named(m->key) || compiler_named(m->elem)))
            continue;
        r.waste = mul_sat(per, r.count);
        if (!o->json && (per == 0 || r.waste < o->min_waste))
            continue;
        rows[nrows++] = r;
    }
    qsort(rows, nrows, sizeof *rows, cmp_map_rows);
    shown = !o->json && o->top && o->top < nrows ? (size_t)o->top : nrows;
    if (o->json) {
        align_buf_puts(out, ",\"maps\":[");
        for (size_t i = 0; i < nrows; i++) {
            const align_go_map *m = rows[i].m;
            uint64_t count = rows[i].count;
            align_buf_puts(out, i ? ",{" : "{");
            ALIGN_JSON_MEMBERS(
                out, ALIGN_JSTR("map", m->map), ALIGN_JSTR("layout", m->swiss ? "slot" : "bucket"),
                ALIGN_JSTR("entry_type", align_type_display(m->record)),
                ALIGN_JSTR("key", align_type_display(m->key)),
                ALIGN_JSTR("elem", align_type_display(m->elem)),
                ALIGN_JU64("key_size", m->key_size), ALIGN_JU64("elem_size", m->elem_size),
                ALIGN_JU64("entry_bytes", m->entry_bytes),
                ALIGN_JU64("entry_padding", m->entry_padding),
                ALIGN_JU64("key_reclaimable", m->key_reclaimable),
                ALIGN_JU64("elem_reclaimable", m->elem_reclaimable),
                ALIGN_JU64("optimal_entry_bytes", m->optimal_entry_bytes),
                ALIGN_JU64("count", count),
                ALIGN_JU64("padding_bytes", mul_sat(m->entry_padding, count)),
                ALIGN_JU64("bytes_saved", mul_sat(m->entry_bytes - m->optimal_entry_bytes, count)));
            map_fix(fix, sizeof fix, m);
            if (fix[0])
                ALIGN_JSON_MEMBERS(out, ALIGN_JSTR("fix", fix));
            align_buf_puts(out, "}");
        }
        align_buf_puts(out, "]");
    } else if (n > 0) {
        if (swiss)
            align_buf_puts(out, "map entries (Go 1.24+ swiss tables: each entry is a slot "
                                "struct { key K; elem V }, padded like any struct):\n");
        else
            align_buf_puts(out, "map entries (Go 1.19-1.23 buckets: 8 keys, then 8 values, "
                                "so no padding between a key and its value):\n");
        if (shown == 0)
            align_buf_printf(out, "  no map type%s carries padding in its entries\n",
                             o->nfilters ? " selected" : " of the binary");
        else
            align_buf_printf(out, "%12s  %6s %6s %6s  %8s  %s\n", "PADDING", "ENTRY", "DATA", "PAD",
                             "COUNT", "MAP");
        for (size_t i = 0; i < shown; i++) {
            const align_go_map *m = rows[i].m;
            char bytes[64], count[32];
            align_format_bytes(bytes, sizeof bytes, rows[i].waste);
            align_format_count(count, sizeof count, rows[i].count);
            align_buf_printf(out, "%12s  %6llu %6llu %6llu  %8s  %s\n", bytes,
                             (unsigned long long)m->entry_bytes,
                             (unsigned long long)(m->key_size + m->elem_size),
                             (unsigned long long)m->entry_padding, count, m->map);
            map_fix(fix, sizeof fix, m);
            if (fix[0])
                align_buf_printf(out, "%12s  fix: %s\n", "", fix);
        }
        if (shown < nrows)
            align_buf_printf(out, "... %zu more maps (--top shows more)\n", nrows - shown);
    }
    free(rows);
    align_go_maps_free(maps);
    return 0;
}
