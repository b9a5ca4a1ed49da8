/*
 * project.c - `audit --as-arch ARCH` and `show --as-arch ARCH`: the types
 * read from one binary's DWARF laid out by another architecture's model.
 *
 * Who needs it: a team shipping amd64 binaries that also ships arm or 386
 * builds (or the reverse) wants to know which structs change size or
 * padding there without building and auditing every target.  The binary's
 * own layouts come first (the compiler's offsets, ALIGN_LAYOUT_GIVEN); then
 * the graph is switched to the target ABI (align_graph_set_arch) and every
 * type is laid out again by the model alone, since the binary's offsets
 * describe the other target.  Two passes, not one switch per type: switching
 * clears the graph's size memo, and a Go binary has ~10^4 struct types.
 *
 * Kept out of audit.c on purpose: audit.c owns ranking by waste; this file
 * owns the comparison between two ABIs, and shares only the option parsing.
 */
#include "options.h"

#include <stdlib.h>
#include <string.h>

typedef struct before {
    uint64_t size, padding;
    bool ok;
} before;

/* C: the typedef names among l's members (through arrays) that stand for
 * long or unsigned long here (off_t, time_t, clock_t ...): the members the
 * shown layout lists, not those of records inside them (each lists its
 * own).  The model keeps them long on the target, which is what its headers
 * usually say, but not always (off_t with _FILE_OFFSET_BITS=64, time_t
 * with _TIME_BITS=64 on 386 and arm): the projection depends on them.
 * Never listed: fixed-width names (int64_t, off64_t), which the reader
 * pins, and the pointer-wide ones (size_t, intptr_t ...), whose width the
 * ABI fixes (align_c_pointer_wide_name).  Fills names (each once, in
 * member order); returns how many, at most max. */
static size_t header_dependent(const align_layout *l, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < l->nmembers; i++) {
        const align_type *t = l->members[i].type;
        const char *name = NULL;
        bool seen = false;
        for (unsigned k = 0; t != NULL && k < 64; k++) {
            align_kind kd = align_type_kind(t);
            if (kd == ALIGN_KIND_NAMED && name == NULL)
                name = align_type_name(t);
            if (kd != ALIGN_KIND_NAMED && kd != ALIGN_KIND_ARRAY)
                break;
            t = align_type_target(t);
        }
        if (name == NULL || t == NULL || align_type_kind(t) != ALIGN_KIND_PRIM ||
            (align_type_prim_id(t) != ALIGN_C_LONG && align_type_prim_id(t) != ALIGN_C_ULONG) ||
            align_c_pointer_wide_name(name))
            continue;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(names[k], name) == 0;
        if (!seen && n < max)
            names[n++] = name;
    }
    return n;
}

/* The run's state: its options, the binary's own arch, and the counts the
 * last line and the gate need. */
typedef struct projection {
    const cli_opts *o;
    bool show;                   /* show --as-arch: every matching type, drawn */
    const char *const *patterns; /* show: the TYPE operands; audit: --filter */
    size_t npatterns;
    align_arch from;
    size_t nchanged, ntypes, natomic, shown;
} projection;

/* A type is selected by its name or, for a C record, by the typedef that
 * names it (`show --as-arch 386 BIN ngx_connection_t`), as show does. */
static bool matches(const projection *pj, const align_type *t)
{
    const char *alias = align_type_typedef_name(t);
    if (decl_excluded(t))
        return false;
    return pattern_list_match(pj->patterns, pj->npatterns, type_name_of(t)) ||
           (alias != NULL && pj->npatterns > 0 &&
            pattern_list_match(pj->patterns, pj->npatterns, alias));
}

/* One projected type in the chosen format; bf is its layout on the
 * binary's own arch. */
static void render_type(align_buf *out, projection *pj, const align_layout *l, const before *bf,
                        bool changed, bool check_atomic)
{
    const char *to = align_arch_name(pj->o->as_arch), *hd[64];
    size_t nhd = l->lang == ALIGN_LANG_C ? header_dependent(l, hd, 64) : 0;
    if (pj->o->format == FMT_JSON) {
        align_buf_puts(out, pj->shown ? ",{\"name\":" : "{\"name\":");
        align_buf_json_string(out, l->name);
        align_buf_printf(out,
                         ",\"lang\":\"%s\",\"size\":%llu,\"as_size\":%llu,"
                         "\"padding\":%llu,\"as_padding\":%llu,\"changed\":%s,"
                         "\"layout\":",
                         align_lang_name(l->lang), (unsigned long long)bf->size,
                         (unsigned long long)l->size, (unsigned long long)bf->padding,
                         (unsigned long long)l->padding, changed ? "true" : "false");
        align_render_json(out, l, NULL);
        if (l->lang == ALIGN_LANG_C) {
            align_buf_puts(out, ",\"header_dependent\":[");
            for (size_t k = 0; k < nhd; k++) {
                align_buf_puts(out, k > 0 ? "," : "");
                align_buf_json_string(out, hd[k]);
            }
            align_buf_puts(out, "]");
        }
        align_buf_puts(out, "}");
        return;
    }
    if (pj->show) {
        align_render_opts ro = {pj->o->hex, pj->o->optimize, NULL, 1, 0, NULL};
        align_buf_printf(out,
                         "\n/* %s: %llu bytes, %llu padding on %s; %llu bytes, "
                         "%llu padding on %s%s */\n",
                         l->name, (unsigned long long)bf->size, (unsigned long long)bf->padding,
                         align_arch_name(pj->from), (unsigned long long)l->size,
                         (unsigned long long)l->padding, to, changed ? "" : " (unchanged)");
        align_render_text(out, l, &ro);
        if (nhd > 0) {
            align_buf_printf(out, "/* depends on %s's headers: ", to);
            for (size_t k = 0; k < nhd; k++)
                align_buf_printf(out, "%s%s", k ? ", " : "", hd[k]);
            align_buf_printf(out, " (long on %s; assumed long on %s too) */\n",
                             align_arch_name(pj->from), to);
        }
    } else {
        align_buf_printf(out, "%s %-40s size %llu -> %llu, padding %llu -> %llu\n",
                         changed ? "*" : " ", l->name, (unsigned long long)bf->size,
                         (unsigned long long)l->size, (unsigned long long)bf->padding,
                         (unsigned long long)l->padding);
    }
    if (check_atomic)
        atomic_check_render(out, l);
}

/* The selected types of g: laid out as the binary has them, then again on
 * the target.  false (printed) when the graph cannot be switched. */
static bool project_graph(align_buf *out, projection *pj, align_graph *g, align_lang lang)
{
    const cli_opts *o = pj->o;
    align_layout_opts given = {ALIGN_LAYOUT_GIVEN | ALIGN_LAYOUT_NO_OPTIMIZE, o->cacheline};
    align_layout_opts model = {0, o->cacheline};
    size_t n = align_graph_ndecls(g);
    before *bf = calloc(n ? n : 1, sizeof *bf);
    bool check_atomic;
    if (bf == NULL) {
        usage_error(NULL, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const align_type *t = align_graph_decl(g, i);
        align_layout *l;
        if (!matches(pj, t) || align_layout_compute(&l, g, t, &given) < 0)
            continue;
        bf[i] = (before){l->size, l->padding, true};
        align_layout_free(l);
    }
    if (align_graph_set_arch(g, o->as_arch) < 0) {
        print_lib_error(NULL, 0);
        free(bf);
        return false;
    }
    check_atomic = atomic_check_on(o->atomic, lang, o->as_arch);
    for (size_t i = 0; i < n; i++) {
        const align_type *t = align_graph_decl(g, i);
        align_layout *l;
        bool changed;
        if (!bf[i].ok)
            continue;
        if (align_layout_compute(&l, g, t, &model) < 0) {
            fprintf(stderr, "%s: warning: %s on %s: %s\n", o->binary, type_name_of(t),
                    align_arch_name(o->as_arch), align_error_last()->message);
            continue;
        }
        pj->ntypes++;
        changed = l->size != bf[i].size || l->padding != bf[i].padding;
        pj->nchanged += changed;
        if (check_atomic)
            pj->natomic += l->natomic_unaligned;
        if (changed || o->all || pj->show || (check_atomic && l->natomic_unaligned)) {
            render_type(out, pj, l, &bf[i], changed, check_atomic);
            pj->shown++;
        }
        align_layout_free(l);
    }
    free(bf);
    return true;
}

int project_run(const cli_opts *o)
{
    align_binary *bin = NULL;
    const char *to = align_arch_name(o->as_arch);
    projection pj = {o, o->cmd == CMD_SHOW, NULL, 0, ALIGN_ARCH_AMD64, 0, 0, 0, 0};
    align_buf out;
    lang_graph gs[2];
    size_t ng;
    int status = EXIT_BAD;

    pj.patterns = pj.show ? (const char *const *)o->args + 1 : o->filters;
    pj.npatterns = pj.show ? o->nargs - 1 : o->nfilters;
    align_buf_init(&out);
    bin = open_binary(o->binary, 0);
    if (bin == NULL)
        return EXIT_BAD;
    pj.from = align_binary_info_get(bin)->arch;
    if (o->format == FMT_JSON) {
        align_buf_puts(&out, "{\"binary\":");
        align_buf_json_string(&out, o->binary);
        align_buf_printf(&out, ",\"arch\":\"%s\",\"as_arch\":\"%s\",\"types\":[",
                         align_arch_name(pj.from), to);
    } else {
        align_buf_printf(&out, "%s: %s projected to %s (the %s model places every field)\n",
                         o->binary, align_arch_name(pj.from), to, to);
    }
    ng = selected_graphs(gs, bin, o->lang_set, o->lang);
    for (size_t k = 0; k < ng; k++)
        if (!project_graph(&out, &pj, gs[k].g, gs[k].lang))
            goto done;
    if (o->format == FMT_JSON)
        align_buf_printf(&out,
                         "],\"total_types\":%zu,\"changed_types\":%zu,"
                         "\"atomic_unaligned\":%zu}\n",
                         pj.ntypes, pj.nchanged, pj.natomic);
    else
        align_buf_printf(&out, "%zu of %zu types change size or padding on %s\n", pj.nchanged,
                         pj.ntypes, to);
    if (pj.show && pj.shown == 0) {
        fprintf(stderr, "%s: no struct or union type matches\n", o->binary);
        goto done;
    }
    if (!emit(&out))
        goto done;
    status = EXIT_OK;
    if (o->atomic == ATOMIC_ON && pj.natomic > 0)
        status = EXIT_GATE;
done:
    align_buf_free(&out);
    align_binary_free(bin);
    return status;
}
