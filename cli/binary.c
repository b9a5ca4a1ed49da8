/*
 * binary.c - opening a compiled binary for audit, show, diff and SARIF, and
 * telling the Go toolchain's own types from the user's.
 *
 * Every subcommand that reads DWARF opens the binary the same way: the
 * library's error as "PATH: reason" and its hint, and a warning (exit
 * status unchanged) when some compile units could not be decoded, since
 * the report then covers only the others.
 */
#include "cli.h"

#include <string.h>

/* The linker's hchan<T>, sudog<T>, map<K,V>... and the compiler's noalg.*
 * are told by libalign (go_origin.c); the prefixes cover the rest. */
bool is_compiler_type(const char *name)
{
    if (align_go_type_origin(name) != ALIGN_ORDER_FREE)
        return true;
    static const char *const prefixes[] = {"noalg.",       "go.shape.", "runtime.", "internal/",
                                           "type:",        "go:",       "struct {", "reflect.",
                                           "sync/atomic.", NULL};
    for (int i = 0; prefixes[i]; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

const char *type_name_of(const align_type *t)
{
    return align_type_name(t) ? align_type_name(t) : align_type_display(t);
}

align_binary *open_binary(const char *path, unsigned flags)
{
    align_binary *b = NULL;
    const align_binary_info *info;
    progress prog;
    int rc;
    progress_begin(&prog, "reading DWARF");
    rc = align_binary_open_progress(&b, path, flags, progress_update, &prog);
    progress_end(&prog);
    if (rc < 0) {
        const align_error *e = align_error_last();
        fprintf(stderr, "%s: %s\n", path, e->message);
        if (e->hint[0])
            fprintf(stderr, "hint: %s\n", e->hint);
        return NULL;
    }
    /* The library skips units it cannot decode; the user must know the
     * report is partial (exit status stays 0: the rest is sound). */
    info = align_binary_info_get(b);
    if (info->nskipped_cus > 0) {
        fprintf(stderr,
                "%s: warning: skipped %zu of %zu compile units with unreadable DWARF "
                "(the first: %s); the report covers the others\n",
                path, info->nskipped_cus, info->ncus, info->skip_reason ? info->skip_reason : "?");
        fprintf(stderr, "hint: rebuild the binary, or check it with readelf --debug-dump=info\n");
    }
    if (info->nskipped_types > 0)
        fprintf(stderr, "%s: warning: skipped %zu type%s too large to lay out (%s%s)\n", path,
                info->nskipped_types, info->nskipped_types == 1 ? "" : "s",
                info->skipped_type_reason ? info->skipped_type_reason : "?",
                info->nskipped_types > 1 ? ", the first" : "");
    return b;
}
