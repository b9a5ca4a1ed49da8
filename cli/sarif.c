/*
 * sarif.c - SARIF 2.1.0 output (OASIS Static Analysis Results Interchange
 * Format) for `audit --format sarif` and `diff --format sarif`, so code
 * hosts and CI dashboards show padding findings next to the code.
 *
 * One run, one tool.driver with the rules used, one result per finding;
 * a result carries a physicalLocation when the DWARF gave the type a
 * declaration file and line (C types, and Go types whose DWARF has them),
 * else none (SARIF allows results without locations).  Checked in the tests
 * with Python's json module against the required properties of the 2.1.0
 * structure; the full JSON schema is not available offline.
 */
#include "cli.h"
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *id, *name, *text;
} rules[] = {
    {"SA001", "ReclaimablePadding", "A different field order makes this type smaller."},
    {"SA002", "AtomicUnaligned",
     "A 64-bit integer at a 4-aligned offset: sync/atomic's 64-bit functions panic on it on "
     "386 and arm."},
    {"SA003", "TypeGrew", "This type is larger than in the previous build."},
    {"SA004", "PaddingGrew", "This type has more padding than in the previous build."},
};

void sarif_begin(align_buf *out)
{
    align_buf_puts(out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
                        "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
                        "\"name\":\"structalign\",\"version\":\"" PACKAGE_VERSION "\","
                        "\"informationUri\":\"https://example.invalid/structalign\","
                        "\"rules\":[");
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        align_buf_printf(out, "%s{\"id\":\"%s\",\"name\":\"%s\",\"shortDescription\":{\"text\":",
                         i ? "," : "", rules[i].id, rules[i].name);
        align_buf_json_string(out, rules[i].text);
        align_buf_puts(out, "}}");
    }
    align_buf_puts(out, "]}},\"results\":[");
}

void sarif_result(align_buf *out, bool *first, const char *rule, const char *level,
                  const char *message, const char *file, unsigned line)
{
    align_buf_printf(out, "%s{\"ruleId\":\"%s\",\"level\":\"%s\",\"message\":{\"text\":",
                     *first ? "" : ",", rule, level);
    align_buf_json_string(out, message);
    align_buf_puts(out, "}");
    if (file != NULL && file[0] != '\0' && line > 0) {
        align_buf_puts(out, ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{"
                            "\"uri\":");
        align_buf_json_string(out, file);
        align_buf_printf(out, "},\"region\":{\"startLine\":%u}}}]", line);
    }
    align_buf_puts(out, "}");
    *first = false;
}

void sarif_end(align_buf *out)
{
    align_buf_puts(out, "]}]}\n");
}

int sarif_audit(const char *binary, bool lang_set, align_lang lang_only,
                const count_table *counts, const char **filters, size_t nfilters)
{
    align_binary *bin = NULL;
    align_buf out;
    bool first = true;
    int status = EXIT_BAD;
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, 0};

    align_buf_init(&out);
    if (align_binary_open(&bin, binary) < 0) {
        const align_error *e = align_error_last();
        fprintf(stderr, "%s: %s\n", binary, e->message);
        if (e->hint[0])
            fprintf(stderr, "hint: %s\n", e->hint);
        return EXIT_BAD;
    }
    sarif_begin(&out);
    for (int li = 0; li < 2; li++) {
        align_lang lang = li == 0 ? ALIGN_LANG_GO : ALIGN_LANG_C;
        align_graph *g = align_binary_graph(bin, lang);
        if (g == NULL || (lang_set && lang_only != lang))
            continue;
        for (size_t i = 0; i < align_graph_ndecls(g); i++) {
            const align_type *t = align_graph_decl(g, i);
            const char *name = align_type_name(t) ? align_type_name(t) : align_type_display(t);
            align_srcpos pos = align_type_pos(t);
            align_layout *l;
            align_cost cost;
            char msg[600];
            bool keep = nfilters == 0;
            for (size_t k = 0; k < nfilters; k++)
                if (fnmatch(filters[k], name, 0) == 0)
                    keep = true;
            if (!keep || align_layout_compute(&l, g, t, &lo) < 0)
                continue;
            if (l->reclaimable > 0 &&
                align_cost_compute(&cost, l, count_table_get(counts, name)) == 0) {
                snprintf(msg, sizeof msg,
                         "%s is %llu bytes; in another field order %llu: %llu bytes "
                         "reclaimable per instance, %llu bytes at %llu instances",
                         name, (unsigned long long)l->size, (unsigned long long)l->optimal_size,
                         (unsigned long long)l->reclaimable,
                         (unsigned long long)cost.bytes_saved, (unsigned long long)cost.count);
                sarif_result(&out, &first, "SA001", "warning", msg, pos.file, pos.line);
            }
            for (size_t m = 0; m < l->nmembers; m++)
                if (l->members[m].flags & ALIGN_MEMBER_ATOMIC_UNALIGNED) {
                    snprintf(msg, sizeof msg, "%s.%s (int64) at offset %llu is not 8-aligned",
                             name, l->members[m].name,
                             (unsigned long long)l->members[m].offset);
                    sarif_result(&out, &first, "SA002", "error", msg, pos.file, pos.line);
                }
            align_layout_free(l);
        }
    }
    sarif_end(&out);
    if (emit(&out))
        status = EXIT_OK;
    align_buf_free(&out);
    align_binary_free(bin);
    return status;
}
