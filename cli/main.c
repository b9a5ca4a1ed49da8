/*
 * main.c - structalign: which subcommand, global --help and --version.
 */
#include "cli.h"
#include "config.h"

#include <string.h>

const char *progname = "structalign";

static const char main_usage[] =
    "usage: structalign COMMAND [options] ...\n"
    "\n"
    "Exact struct layouts, padding waste and the smallest field order for Go\n"
    "and C, on amd64, arm64, 386 and arm.\n"
    "\n"
    "commands:\n"
    "  calc     lay out declarations typed by hand or read from a file\n"
    "  audit    rank the padding waste of every struct in a binary's DWARF\n"
    "  show     the full layout of named types in a binary\n"
    "  diff     compare the layouts of two builds (CI: --fail-on-growth)\n"
    "  fix      reorder struct fields in Go and C source to the smallest order\n"
    "\n"
    "Run 'structalign COMMAND --help' for a command's options; see structalign(1).\n"
    "Exit status: 0 success, 1 a gate (--fail-above, ...) tripped, 2 usage or bad input.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_usage, stderr);
        return EXIT_BAD;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(main_usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("structalign %s\n", PACKAGE_VERSION);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "calc") == 0)
        return cmd_calc(argc - 1, argv + 1);
    if (strcmp(argv[1], "audit") == 0)
        return cmd_audit(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return cmd_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0)
        return cmd_diff(argc - 1, argv + 1);
    if (strcmp(argv[1], "fix") == 0)
        return cmd_fix(argc - 1, argv + 1);
    fprintf(stderr, "%s: error: unknown command '%s'\n", progname, argv[1]);
    fputs("hint: run 'structalign --help' for the list of commands\n", stderr);
    return EXIT_BAD;
}
