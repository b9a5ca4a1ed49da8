/*
 * options.h - every option of every structalign command: one table
 * (options.c), one parser, one struct it fills.
 *
 * An option means the same in each command that takes it: --lang, --count,
 * --go, --cacheline, --format ... are parsed and checked in one place and
 * give one message when wrong, and a command reads the fields it needs
 * from its cli_opts.  The table says which commands take each option, so
 * `structalign calc --escape x` is refused as it always was.
 *
 * Rejected: one getopt loop per command, which is what we had: five copies
 * of the same cases that drifted apart (--check-atomic was 'A' in calc and
 * 'K' in audit, with three encodings of its value; --fail-on-growth and
 * --fail-above parsed the same bytes with different messages).
 */
#ifndef STRUCTALIGN_OPTIONS_H
#define STRUCTALIGN_OPTIONS_H

#include "cli.h"

#include <stdbool.h>
#include <stdint.h>

/* The commands, as a mask: the table's rows say which take an option. */
typedef enum cli_cmd {
    CMD_CALC = 1u << 0,
    CMD_AUDIT = 1u << 1,
    CMD_SHOW = 1u << 2,
    CMD_DIFF = 1u << 3,
    CMD_FIX = 1u << 4,
} cli_cmd;

typedef struct cli_opts {
    cli_cmd cmd;
    /* which types */
    align_lang lang; /* -l; lang_set: given */
    bool lang_set;
    align_arch arch;             /* -a (calc, fix): default amd64 */
    align_arch as_arch;          /* --as-arch (audit, show) */
    bool as_arch_set;            /* project.c does that work */
    const char **filters;        /* -t: --type (calc, fix), --filter */
    size_t nfilters;             /* (audit, show, diff) */
    const char **keeps;          /* --keep: fix -k, never reordered; */
    size_t nkeeps;               /* audit, show: public API (public_api_of) */
    bool all, no_compiler_types; /* audit */
    bool all_unresolved;         /* audit: std and cmd/ sites listed too */
    uint64_t top, min_waste;     /* audit: 0 = all; bytes */
    /* how many of each */
    count_table counts; /* -c, --counts */
    bool strict;        /* a --count that matches no type is an error */
    /* output */
    out_format format;
    bool hex, optimize; /* calc, show */
    bool quiet;         /* -q: no progress line; fix: no refused list */
    uint32_t cacheline; /* bytes; 0: the default (64) */
    /* Go */
    unsigned go; /* --go: the release (minor number); 0: not given */
    atomic_choice atomic;
    /* inputs besides the operands */
    const char *file;     /* calc -f */
    const char *binary;   /* fix -b */
    const char **escapes; /* --escape, in order */
    size_t nescapes;
    const char *src_dir; /* --src */
    const char *profile; /* --profile */
    align_sample sample; /* --sample; sample_set: given */
    bool sample_set;
    /* gates and actions */
    uint64_t fail_bytes; /* --fail-above (audit), --fail-on-growth (diff) */
    bool fail_set;
    bool write; /* fix --write (default --diff) */
    /* the operands getopt left, in order */
    char **args;
    size_t nargs;
} cli_opts;

/* Parses argv (argv[0] is the command's name) for cmd into o, which it
 * first resets to the defaults.  usage is the command's --help text.
 * 0: parsed; -1: --help was printed (exit 0); EXIT_BAD: a message was
 * printed.  Free with cli_opts_free whatever it returned. */
int cli_parse(cli_opts *o, cli_cmd cmd, const char *usage, int argc, char **argv);
void cli_opts_free(cli_opts *o);

/* A command's start: cli_parse, then check (its operands and the options
 * that need another; may fill fields from the operands).  true: go on
 * (*status untouched: the command's own "failed" value stays); false: stop
 * with exit status *status (EXIT_OK after --help, EXIT_BAD after a printed
 * message).  Free o with cli_opts_free either way. */
bool cli_start(cli_opts *o, cli_cmd cmd, const char *usage, int (*check)(cli_opts *o), int argc,
               char **argv, int *status);

#endif
