/*
 * calc.c - `structalign calc`: layouts of declarations typed by hand or read
 * from a file, the smallest order, and the cost at an instance count.
 */
#include "cli.h"

#include <getopt.h>
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

typedef struct calc_opts {
    bool lang_set;
    align_lang lang;
    align_arch arch;
    count_table counts;
    const char **types;
    size_t ntypes;
    bool json;
    const char *file;
    const char *inline_text;
    bool hex;
    uint32_t cacheline;
    int check_atomic; /* -1 default (on for Go on 386/arm), 0 off, 1 asked */
    unsigned go;      /* --go: the Go release (minor number); 0: the newest */
    bool strict;      /* --strict: a --count that matches no type fails */
} calc_opts;

static bool wanted(const calc_opts *o, const char *name)
{
    return pattern_list_match(o->types, o->ntypes, name);
}

static int parse_args(calc_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"arch", required_argument, NULL, 'a'},
        {"count", required_argument, NULL, 'c'},
        {"type", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'F'},
        {"file", required_argument, NULL, 'f'},
        {"hex", no_argument, NULL, 'x'},
        {"cacheline", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},

        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"check-atomic", no_argument, NULL, 'A'},
        {"no-check-atomic", no_argument, NULL, 'N'},
        {"go", required_argument, NULL, 'G'},
        {"strict", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:a:c:t:F:f:xh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (align_lang_parse(&o->lang, optarg) < 0)
                return usage_error("use --lang go or --lang c", "unknown language '%s'", optarg);
            o->lang_set = true;
            break;
        case 'a':
            if (align_arch_parse(&o->arch, optarg) < 0)
                return usage_error(align_error_last()->hint, "unknown architecture '%s'", optarg);
            break;
        case 'c':
            if (!count_table_add(&o->counts, optarg))
                return EXIT_BAD;
            break;
        case 't':
            if (!pattern_list_add(&o->types, &o->ntypes, optarg))
                return usage_error(NULL, "out of memory");
            break;
        case 'F':
            if (strcmp(optarg, "json") == 0)
                o->json = true;
            else if (strcmp(optarg, "text") == 0)
                o->json = false;
            else
                return usage_error("use --format text or --format json", "unknown format '%s'",
                                   optarg);
            break;
        case 'f': o->file = optarg; break;
        case 'x': o->hex = true; break;
        case 'L':
            if (parse_cacheline(&o->cacheline, optarg) != 0)
                return EXIT_BAD;
            break;
        case 'A': o->check_atomic = 1; break;
        case 'N': o->check_atomic = 0; break;
        case 'G':
            if (parse_go_release(&o->go, optarg) != 0)
                return EXIT_BAD;
            break;
        case 'S': o->strict = true; break;
        case 'h': fputs(calc_usage, stdout); return -1;
        case OPT_NO_PROGRESS: progress_quiet = true; break;
        default: fputs(calc_usage, stderr); return EXIT_BAD;
        }
    }
    if (optind < argc) {
        if (o->file != NULL)
            return usage_error("give either -f FILE or the declarations, not both",
                               "unexpected argument '%s'", argv[optind]);
        if (optind + 1 < argc)
            return usage_error("quote the declarations as one argument",
                               "too many arguments ('%s')", argv[optind + 1]);
        o->inline_text = argv[optind];
    }
    if (o->file == NULL && o->inline_text == NULL)
        return usage_error("give declarations as an argument, or -f FILE (-f - for stdin)",
                           "nothing to lay out");
    return 0;
}

int cmd_calc(int argc, char **argv)
{
    calc_opts o;
    align_graph *g = NULL;
    align_buf out;
    char *text = NULL;
    size_t len = 0, shown = 0, unaligned = 0;
    bool check_atomic;
    const char *name;
    int rc, status = EXIT_BAD;
    bool first = true;

    memset(&o, 0, sizeof o);
    o.arch = ALIGN_ARCH_AMD64;
    o.check_atomic = -1;
    count_table_init(&o.counts);
    align_buf_init(&out);
    rc = parse_args(&o, argc, argv);
    if (rc != 0) {
        status = rc < 0 ? EXIT_OK : rc;
        goto done;
    }
    if (o.file != NULL) {
        if (!read_input(o.file, &text, &len))
            goto done;
        name = strcmp(o.file, "-") == 0 ? "<stdin>" : o.file;
    } else {
        len = strlen(o.inline_text);
        text = malloc(len + 1);
        if (text == NULL)
            goto done;
        memcpy(text, o.inline_text, len + 1);
        name = "<arg>";
    }
    if (!o.lang_set)
        o.lang = align_decl_guess_lang(text, len);
    check_atomic = atomic_check_on(o.check_atomic == 1, o.check_atomic == 0, o.lang, o.arch);
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
    if (o.json)
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
        if (o.json) {
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
        if (check_atomic && o.json)
            unaligned += l->natomic_unaligned;
        else if (check_atomic)
            unaligned += atomic_check_render(&out, l);
        first = false;
        shown++;
        align_layout_free(l);
    }
    if (o.json)
        align_buf_puts(&out, "]}\n");
    if (shown == 0) {
        if (o.ntypes > 0)
            usage_error("list the types with: structalign calc -f FILE", "no type matches --type");
        else
            usage_error(NULL, "%s: no struct or union declarations", name);
        goto done;
    }
    if (!count_table_check_unused(&o.counts, o.strict))
        goto done;
    status = emit(&out) ? EXIT_OK : EXIT_BAD;
    if (status == EXIT_OK && o.check_atomic == 1 && unaligned > 0)
        status = EXIT_GATE;
done:
    align_buf_free(&out);
    align_graph_free(g);
    free(text);
    free(o.types);
    count_table_free(&o.counts);
    return status;
}
