/*
 * calc.c - `structalign calc`: layouts of declarations typed by hand or read
 * from a file, the smallest order, and the cost at an instance count.
 */
#include "options.h"

#include <stdlib.h>
#include <string.h>

static const char calc_usage[] =
    "usage: structalign calc [options] (-f FILE | -f - | 'DECLARATIONS')\n"
    "\n"
    "Lay out Go or C struct declarations exactly as the compiler would, show\n"
    "holes and padding, the smallest field order, and the cost at a count.\n"
    "\n"
    "options:\n"
    "  -l, --lang go|c          input language (default: guessed from the text)\n"
    "  -a, --arch ARCH          amd64, arm64, 386 or arm (default: amd64)\n"
    "  -c, --count [TYPE=]N     instances (100M, 1.5G, 100_000_000); repeatable\n"
    "  -t, --type PATTERN       only types matching the glob; repeatable\n"
    "  -F, --format text|json   output format (default: text)\n"
    "  -f, --file FILE          read declarations from FILE (- for stdin)\n"
    "  -x, --hex                offsets in hexadecimal\n"
    "      --cacheline N        cache line size in bytes (default: 64)\n"
    "      --go VERSION         Go: the release whose allocator prices a heap object\n"
    "                           (1.19, 1.22 ... 1.27; default: the newest)\n"
    "      --check-atomic       list int64/uint64 fields sync/atomic cannot use on\n"
    "                           386/arm (on by default there); exit 1 if any\n"
    "      --no-check-atomic    do not list them\n"
    "      --strict             a --count that matches no type is an error\n"
    "      --no-progress        accepted, as by every command (calc shows none)\n"
    "  -h, --help               this help\n"
    "\n"
    "examples:\n"
    "  structalign calc 'type BadStruct struct { Flag bool; Counter int64; Active bool }'\n"
    "  structalign calc --lang c --arch arm64 -f types.h --count 100M\n";

static bool wanted(const cli_opts *o, const char *name)
{
    return pattern_list_match(o->filters, o->nfilters, name);
}

/* The declarations: -f FILE (- for stdin) or the one operand. */
static int check_operands(cli_opts *o)
{
    if (o->nargs > 0 && o->file != NULL)
        return usage_error("give either -f FILE or the declarations, not both",
                           "unexpected argument '%s'", o->args[0]);
    if (o->nargs > 1)
        return usage_error("quote the declarations as one argument", "too many arguments ('%s')",
                           o->args[1]);
    if (o->file == NULL && o->nargs == 0)
        return usage_error("give declarations as an argument, or -f FILE (-f - for stdin)",
                           "nothing to lay out");
    return 0;
}

int cmd_calc(int argc, char **argv)
{
    cli_opts o;
    align_graph *g = NULL;
    align_buf out;
    char *text = NULL;
    size_t len = 0, shown = 0, unaligned = 0;
    bool check_atomic;
    const char *name;
    int rc, status = EXIT_BAD;
    bool first = true;

    align_buf_init(&out);
    if (!cli_start(&o, CMD_CALC, calc_usage, check_operands, argc, argv, &status))
        goto done;
    if (o.file != NULL) {
        if (!read_input(o.file, &text, &len))
            goto done;
        name = strcmp(o.file, "-") == 0 ? "<stdin>" : o.file;
    } else {
        len = strlen(o.args[0]);
        text = malloc(len + 1);
        if (text == NULL)
            goto done;
        memcpy(text, o.args[0], len + 1);
        name = "<arg>";
    }
    if (!o.lang_set)
        o.lang = align_decl_guess_lang(text, len);
    check_atomic = atomic_check_on(o.atomic, o.lang, o.arch);
    if (align_graph_new(&g, o.lang, o.arch) < 0) {
        print_lib_error(NULL, 0);
        goto done;
    }
    align_graph_set_go_release(g, o.go ? o.go : align_go_release_newest());
    rc = o.lang == ALIGN_LANG_GO ? align_decl_parse_go(g, name, text, len)
                                 : align_decl_parse_c(g, name, text, len);
    if (rc < 0) {
        print_lib_error(text, len);
        goto done;
    }
    if (o.format == FMT_JSON)
        align_buf_puts(&out, "{\"types\":[");
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_type *t = align_graph_decl(g, i);
        align_layout *l;
        align_layout_opts lo = {0, o.cacheline};
        align_cost cost;
        const char *tname = type_name_of(t);
        count_table_touch(&o.counts, tname);
        if (!wanted(&o, tname))
            continue;
        if (align_layout_compute(&l, g, t, &lo) < 0) {
            print_lib_error(text, len);
            goto done;
        }
        if (align_cost_compute(&cost, l, count_table_get(&o.counts, l->name)) < 0) {
            print_lib_error(NULL, 0);
            align_layout_free(l);
            goto done;
        }
        if (o.format == FMT_JSON) {
            if (!first)
                align_buf_puts(&out, ",");
            align_render_json(&out, l, &cost);
        } else {
            align_render_opts ro = {o.hex, 1, NULL, 1, 1, NULL};
            bool counted = o.counts.n > 0 || o.counts.fallback != 1;
            ro.cost = counted ? &cost : NULL;
            if (!first)
                align_buf_puts(&out, "\n");
            align_render_text(&out, l, &ro);
        }
        if (check_atomic && o.format == FMT_JSON)
            unaligned += l->natomic_unaligned;
        else if (check_atomic)
            unaligned += atomic_check_render(&out, l);
        first = false;
        shown++;
        align_layout_free(l);
    }
    if (o.format == FMT_JSON)
        align_buf_puts(&out, "]}\n");
    if (shown == 0) {
        if (o.nfilters > 0)
            usage_error("list the types with: structalign calc -f FILE", "no type matches --type");
        else
            usage_error(NULL, "%s: no struct or union declarations", name);
        goto done;
    }
    if (!count_table_check_unused(&o.counts, o.strict))
        goto done;
    status = emit(&out) ? EXIT_OK : EXIT_BAD;
    if (status == EXIT_OK && o.atomic == ATOMIC_ON && unaligned > 0)
        status = EXIT_GATE;
done:
    align_buf_free(&out);
    align_graph_free(g);
    free(text);
    cli_opts_free(&o);
    return status;
}
