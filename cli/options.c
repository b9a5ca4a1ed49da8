/*
 * options.c - the one table of structalign's options and its parser
 * (options.h says why).
 *
 * Each row is an option: its long name, its short letter (the same letter
 * means the same option in every command), the commands that take it, and
 * how its argument is applied: a flag or a string stored at a field of
 * cli_opts, or an action of apply()'s switch.  getopt_long's tables are
 * built from the rows of the command at hand, so an option a command does
 * not take is refused by getopt with the command's usage, as before.
 */
#include "options.h"

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CALC = CMD_CALC,
    AUDIT = CMD_AUDIT,
    SHOW = CMD_SHOW,
    DIFF = CMD_DIFF,
    FIX = CMD_FIX,
    BINARIES = CMD_AUDIT | CMD_SHOW | CMD_DIFF, /* commands that read binaries' types */
    ALL = CMD_CALC | CMD_AUDIT | CMD_SHOW | CMD_DIFF | CMD_FIX,
};

/* How a row's argument is applied. */
typedef enum action {
    SET_FLAG,   /* bool at off := true */
    SET_STRING, /* const char * at off := the argument */
    LANG,
    ARCH,
    AS_ARCH,
    FILTER,
    KEEP,
    ESCAPE,
    COUNT,
    COUNTS,
    FORMAT,
    CACHELINE,
    GO,
    ATOMIC_YES,
    ATOMIC_NO,
    TOP,
    MIN_WASTE,
    FAIL_BYTES,
    SAMPLE,
    QUIET,
    NO_PROGRESS,
    BINARY_OPTION, /* binopts: --debug-dir, --cu-exclude, --decl-exclude */
    DIFF_ONLY,
    HELP,
    REFUSE, /* an option of another command: refused with row->why */
} action;

typedef struct opt_row {
    const char *name;
    char letter; /* 0: long only */
    bool has_arg;
    unsigned cmds; /* the cli_cmd mask of the commands that take it */
    action act;
    size_t off;      /* SET_FLAG, SET_STRING: the field */
    int binary_code; /* BINARY_OPTION: binary_option()'s code */
    const char *why; /* REFUSE: the hint (what to run instead) */
} opt_row;

#define FIELD(f) offsetof(cli_opts, f)

static const opt_row rows[] = {
    /* which types */
    {"lang", 'l', true, ALL, LANG, 0, 0, NULL},
    {"arch", 'a', true, CALC | FIX, ARCH, 0, 0, NULL},
    {"as-arch", 0, true, AUDIT | SHOW, AS_ARCH, 0, 0, NULL},
    {"type", 't', true, CALC | FIX, FILTER, 0, 0, NULL},
    {"filter", 't', true, BINARIES, FILTER, 0, 0, NULL},
    {"keep", 'k', true, FIX, KEEP, 0, 0, NULL},
    {"all-unresolved", 0, false, AUDIT, SET_FLAG, FIELD(all_unresolved), 0, NULL},
    {"keep", 0, true, AUDIT | SHOW, KEEP, 0, 0, NULL},
    {"all", 0, false, AUDIT, SET_FLAG, FIELD(all), 0, NULL},
    {"no-compiler-types", 0, false, AUDIT, SET_FLAG, FIELD(no_compiler_types), 0, NULL},
    {"top", 'n', true, AUDIT, TOP, 0, 0, NULL},
    {"min-waste", 0, true, AUDIT, MIN_WASTE, 0, 0, NULL},
    {"cu-exclude", 0, true, BINARIES, BINARY_OPTION, 0, OPT_CU_EXCLUDE, NULL},
    {"decl-exclude", 0, true, BINARIES, BINARY_OPTION, 0, OPT_DECL_EXCLUDE, NULL},
    /* how many of each */
    {"count", 'c', true, CALC | BINARIES, COUNT, 0, 0, NULL},
    {"counts", 0, true, AUDIT | SHOW, COUNTS, 0, 0, NULL},
    {"strict", 0, false, CALC | BINARIES, SET_FLAG, FIELD(strict), 0, NULL},
    /* output */
    {"format", 'F', true, CALC | BINARIES, FORMAT, 0, 0, NULL},
    {"hex", 'x', false, CALC | AUDIT | SHOW, SET_FLAG, FIELD(hex), 0, NULL},
    {"optimize", 'o', false, AUDIT | SHOW, SET_FLAG, FIELD(optimize), 0, NULL},
    {"cacheline", 0, true, CALC | AUDIT | SHOW | FIX, CACHELINE, 0, 0, NULL},
    {"quiet", 'q', false, BINARIES | FIX, QUIET, 0, 0, NULL},
    {"no-progress", 0, false, ALL, NO_PROGRESS, 0, 0, NULL},
    /* Go */
    {"go", 0, true, CALC | AUDIT | SHOW | FIX, GO, 0, 0, NULL},
    {"check-atomic", 0, false, CALC | AUDIT | SHOW, ATOMIC_YES, 0, 0, NULL},
    {"no-check-atomic", 0, false, CALC | AUDIT | SHOW | FIX, ATOMIC_NO, 0, 0, NULL},
    /* inputs besides the operands */
    {"file", 'f', true, CALC, SET_STRING, FIELD(file), 0, NULL},
    {"binary", 'b', true, FIX, SET_STRING, FIELD(binary), 0, NULL},
    {"escape", 'e', true, BINARIES, ESCAPE, 0, 0, NULL},
    {"src", 0, true, BINARIES, SET_STRING, FIELD(src_dir), 0, NULL},
    {"profile", 'p', true, BINARIES, SET_STRING, FIELD(profile), 0, NULL},
    {"sample", 0, true, BINARIES, SAMPLE, 0, 0, NULL},
    {"debug-dir", 0, true, BINARIES | FIX, BINARY_OPTION, 0, OPT_DEBUG_DIR, NULL},
    /* gates and actions */
    {"fail-above", 0, true, AUDIT, FAIL_BYTES, 0, 0, NULL},
    {"fail-on-growth", 0, true, DIFF, FAIL_BYTES, 0, 0, NULL},
    {"diff", 0, false, FIX, DIFF_ONLY, 0, 0, NULL},
    {"write", 0, false, FIX, SET_FLAG, FIELD(write), 0, NULL},
    {"help", 'h', false, ALL, HELP, 0, 0, NULL},
    /* audit's selection and gate, which show once took and ignored: show
     * prints exactly the types it names, and has no gate. */
    {"all", 0, false, SHOW, REFUSE, 0, 0,
     "show prints the types it names; `structalign audit --all BINARY` lists every type"},
    {"all-unresolved", 0, false, SHOW, REFUSE, 0, 0,
     "show lists no heap sites; `structalign audit --escape LOG --all-unresolved BINARY` does"},
    {"no-compiler-types", 0, false, SHOW, REFUSE, 0, 0,
     "show prints the types it names; name the ones you want, or use `structalign audit "
     "--no-compiler-types BINARY`"},
    {"top", 'n', true, SHOW, REFUSE, 0, 0,
     "show prints every type it names; `structalign audit --top N BINARY` ranks them"},
    {"min-waste", 0, true, SHOW, REFUSE, 0, 0,
     "show prints every type it names; `structalign audit --min-waste N BINARY` filters by "
     "bytes saved"},
    {"fail-above", 0, true, SHOW, REFUSE, 0, 0,
     "show has no gate; `structalign audit --fail-above N BINARY` exits 1 above N bytes"},
};

#define NROWS (sizeof rows / sizeof rows[0])
#define CODE_BASE 0x200 /* getopt's value for row i: CODE_BASE + i */

/* The formats each command writes, and how to say so. */
static const struct {
    unsigned cmds;
    const char *names[5];
    const char *hint;
} formats[] = {
    {CALC, {"text", "json"}, "use --format text or --format json"},
    {AUDIT, {"text", "json", "csv", "sarif", "html"}, "use text, json, csv, sarif or html"},
    {SHOW, {"text", "json", "html"}, "use text, json or html"},
    {DIFF, {"text", "json", "sarif", "html"}, "use --format text, json, sarif or html"},
};

static const char *const format_names[] = {"text", "json", "csv", "sarif", "html"};

static int parse_format(cli_opts *o, const char *arg)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (!(formats[i].cmds & o->cmd))
            continue;
        for (size_t k = 0; k < 5 && formats[i].names[k] != NULL; k++) {
            if (strcmp(formats[i].names[k], arg) != 0)
                continue;
            for (size_t f = 0; f < 5; f++)
                if (strcmp(format_names[f], arg) == 0)
                    o->format = (out_format)f;
            return 0;
        }
        return usage_error(formats[i].hint, "unknown format '%s'", arg);
    }
    return usage_error(NULL, "this command has no --format");
}

/* Byte thresholds take the count syntax: 1M = 10^6 bytes, 1Mi = 2^20. */
static int parse_bytes(const char *opt, const char *arg, uint64_t *out)
{
    if (align_count_parse(out, arg) == 0)
        return 0;
    fprintf(stderr, "%s: error: --%s %s: %s\n", progname, opt, arg, align_error_last()->message);
    fprintf(stderr, "hint: write bytes like 4096, 64K, 1M or 1Mi\n");
    return EXIT_BAD;
}

static int add_pattern(const char ***list, size_t *n, const char *arg)
{
    return pattern_list_add(list, n, arg) ? 0 : usage_error(NULL, "out of memory");
}

static const struct {
    cli_cmd cmd;
    const char *name;
} commands[] = {
    {CMD_CALC, "calc"}, {CMD_AUDIT, "audit"}, {CMD_SHOW, "show"},
    {CMD_DIFF, "diff"}, {CMD_FIX, "fix"},
};

static const char *command_name(unsigned cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].cmd == cmd)
            return commands[i].name;
    return "?";
}

/* "--all applies to audit, not show": the commands whose rows take r's
 * option, and r->why as the hint.  Returns EXIT_BAD. */
static int refuse(const cli_opts *o, const opt_row *r)
{
    char takers[64] = "";
    for (size_t i = 0; i < NROWS; i++)
        if (rows[i].act != REFUSE && strcmp(rows[i].name, r->name) == 0)
            for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
                if (rows[i].cmds & commands[c].cmd) {
                    if (takers[0] != '\0')
                        strncat(takers, ", ", sizeof takers - strlen(takers) - 1);
                    strncat(takers, commands[c].name, sizeof takers - strlen(takers) - 1);
                }
    return usage_error(r->why, "--%s applies to %s, not %s", r->name, takers, command_name(o->cmd));
}

/* Applies row r with argument arg (NULL for a flag).  0, -1 after --help,
 * or EXIT_BAD (printed). */
static int apply(cli_opts *o, const opt_row *r, const char *arg, const char *usage)
{
    switch (r->act) {
    case SET_FLAG: *(bool *)((char *)o + r->off) = true; return 0;
    case SET_STRING: *(const char **)((char *)o + r->off) = arg; return 0;
    case LANG:
        if (align_lang_parse(&o->lang, arg) < 0)
            return usage_error("use --lang go or --lang c", "unknown language '%s'", arg);
        o->lang_set = true;
        return 0;
    case ARCH:
    case AS_ARCH:
        if (align_arch_parse(r->act == ARCH ? &o->arch : &o->as_arch, arg) < 0)
            return usage_error(align_error_last()->hint, "unknown architecture '%s'", arg);
        o->as_arch_set |= r->act == AS_ARCH;
        return 0;
    case FILTER: return add_pattern(&o->filters, &o->nfilters, arg);
    case KEEP: return add_pattern(&o->keeps, &o->nkeeps, arg);
    case ESCAPE: return add_pattern(&o->escapes, &o->nescapes, arg);
    case COUNT: return count_table_add(&o->counts, arg) ? 0 : EXIT_BAD;
    case COUNTS: return count_table_read(&o->counts, arg) ? 0 : EXIT_BAD;
    case FORMAT: return parse_format(o, arg);
    case CACHELINE: return parse_cacheline(&o->cacheline, arg) != 0 ? EXIT_BAD : 0;
    case GO: return parse_go_release(&o->go, arg) != 0 ? EXIT_BAD : 0;
    case ATOMIC_YES: o->atomic = ATOMIC_ON; return 0;
    case ATOMIC_NO: o->atomic = ATOMIC_OFF; return 0;
    case TOP:
        if (align_count_parse(&o->top, arg) < 0 || o->top == 0)
            return usage_error("--top takes a positive number", "invalid --top '%s'", arg);
        return 0;
    case MIN_WASTE: return parse_bytes(r->name, arg, &o->min_waste);
    case FAIL_BYTES: o->fail_set = true; return parse_bytes(r->name, arg, &o->fail_bytes);
    case SAMPLE:
        if (strcmp(arg, "inuse") != 0 && strcmp(arg, "alloc") != 0)
            return usage_error("use --sample inuse (live objects) or --sample alloc "
                               "(all allocated)",
                               "unknown sample '%s'", arg);
        o->sample = arg[0] == 'a' ? ALIGN_SAMPLE_ALLOC : ALIGN_SAMPLE_INUSE;
        o->sample_set = true;
        return 0;
    case QUIET:
        o->quiet = true;
        progress_quiet = true;
        return 0;
    case NO_PROGRESS: progress_quiet = true; return 0;
    case BINARY_OPTION: return binary_option(r->binary_code, arg);
    case DIFF_ONLY: o->write = false; return 0;
    case HELP: fputs(usage, stdout); return -1;
    case REFUSE: return refuse(o, r);
    }
    return usage_error(NULL, "internal: option --%s has no action", r->name);
}

int cli_parse(cli_opts *o, cli_cmd cmd, const char *usage, int argc, char **argv)
{
    struct option longopts[NROWS + 1];
    char shortopts[2 * NROWS + 1];
    const opt_row *by_letter[128] = {NULL};
    size_t nl = 0, ns = 0;
    int c, rc = 0;

    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->arch = ALIGN_ARCH_AMD64;
    o->sample = ALIGN_SAMPLE_INUSE;
    count_table_init(&o->counts);
    for (size_t i = 0; i < NROWS; i++) {
        if (!(rows[i].cmds & cmd))
            continue;
        longopts[nl++] =
            (struct option){rows[i].name, rows[i].has_arg ? required_argument : no_argument, NULL,
                            CODE_BASE + (int)i};
        if (rows[i].letter != 0) {
            by_letter[(unsigned char)rows[i].letter] = &rows[i];
            shortopts[ns++] = rows[i].letter;
            if (rows[i].has_arg)
                shortopts[ns++] = ':';
        }
    }
    longopts[nl] = (struct option){NULL, 0, NULL, 0};
    shortopts[ns] = '\0';
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        const opt_row *r = c >= CODE_BASE && c < CODE_BASE + (int)NROWS ? &rows[c - CODE_BASE]
                           : c > 0 && c < 128                           ? by_letter[c]
                                                                        : NULL;
        if (r == NULL) {
            fputs(usage, stderr);
            return EXIT_BAD;
        }
        rc = apply(o, r, r->has_arg ? optarg : NULL, usage);
    }
    o->args = argv + optind;
    o->nargs = optind < argc ? (size_t)(argc - optind) : 0;
    return rc;
}

bool cli_start(cli_opts *o, cli_cmd cmd, const char *usage, int (*check)(cli_opts *o), int argc,
               char **argv, int *status)
{
    int rc = cli_parse(o, cmd, usage, argc, argv);
    if (rc == 0)
        rc = check(o);
    if (rc != 0)
        *status = rc < 0 ? EXIT_OK : rc;
    return rc == 0;
}

void cli_opts_free(cli_opts *o)
{
    free(o->filters);
    free(o->keeps);
    free(o->escapes);
    count_table_free(&o->counts);
}
