/*
 * binary.c - opening a compiled binary for audit, show, diff and SARIF, and
 * telling the Go toolchain's own types from the user's.
 *
 * Every subcommand that reads DWARF opens the binary the same way: the
 * library's error as "PATH: reason" and its hint, and a warning (exit
 * status unchanged) when some compile units could not be decoded, since
 * the report then covers only the others.  --debug-dir (every command that
 * opens a binary takes it) says where a stripped binary's separate debug
 * file is looked for; the library does the looking.  An archive's members
 * that are not ELF objects with DWARF are skipped with a note.
 */
#include "cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

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
    const char *label = align_type_label(t, NULL);
    return label ? label : align_type_name(t) ? align_type_name(t) : align_type_display(t);
}

binary_options binopts;

int binary_option(int code, const char *arg)
{
    struct stat st;
    bool ok = true;
    switch (code) {
    case OPT_DEBUG_DIR:
        if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode))
            return usage_error("give the directory that holds the debug files (or their "
                               ".build-id/)",
                               "--debug-dir %s: %s", arg,
                               stat(arg, &st) < 0 ? strerror(errno) : "not a directory");
        ok = pattern_list_add(&binopts.debug_dirs, &binopts.ndebug_dirs, arg);
        break;
    case OPT_CU_EXCLUDE:
        ok = pattern_list_add(&binopts.cu_excludes, &binopts.ncu_excludes, arg);
        break;
    case OPT_DECL_EXCLUDE:
        ok = pattern_list_add(&binopts.decl_excludes, &binopts.ndecl_excludes, arg);
        break;
    default: return usage_error(NULL, "unknown option code %d", code);
    }
    return ok ? EXIT_OK : usage_error(NULL, "out of memory");
}

bool decl_excluded(const align_type *t)
{
    align_srcpos pos;
    if (binopts.ndecl_excludes == 0)
        return false;
    pos = align_type_pos(t);
    return pos.file != NULL && pos.file[0] != '\0' &&
           pattern_list_match(binopts.decl_excludes, binopts.ndecl_excludes, pos.file);
}

size_t selected_graphs(lang_graph out[2], align_binary *bin, bool lang_set, align_lang lang)
{
    static const align_lang order[2] = {ALIGN_LANG_GO, ALIGN_LANG_C};
    size_t n = 0;
    for (size_t i = 0; i < 2; i++) {
        align_graph *g = align_binary_graph(bin, order[i]);
        if (g != NULL && (!lang_set || lang == order[i]))
            out[n++] = (lang_graph){order[i], g};
    }
    return n;
}

const char *public_api_of(const align_type *t, const char *const *keeps, size_t nkeeps)
{
    static const char *const installed[] = {"/usr/include/", "/usr/local/include/"};
    align_srcpos pos = align_type_pos(t);
    const char *alias = align_type_typedef_name(t);
    bool has_file = pos.file != NULL && pos.file[0] != '\0';
    if (nkeeps > 0 && ((has_file && pattern_list_match(keeps, nkeeps, pos.file)) ||
                       pattern_list_match(keeps, nkeeps, type_name_of(t)) ||
                       (alias != NULL && pattern_list_match(keeps, nkeeps, alias))))
        return "keep";
    for (size_t i = 0; has_file && i < sizeof installed / sizeof installed[0]; i++)
        if (strncmp(pos.file, installed[i], strlen(installed[i])) == 0)
            return "installed_header";
    return NULL;
}

const char *public_api_note(const char *why)
{
    return strcmp(why, "keep") == 0
               ? "public API (--keep): reordering it breaks the ABI; not counted as a saving"
               : "public API (declared in an installed header): reordering it breaks the ABI; "
                 "not counted as a saving";
}

int binary_read(align_binary **out, const char *path, unsigned flags, align_progress_fn fn,
                void *user)
{
    align_binary_opts opts = {flags, binopts.debug_dirs,  binopts.ndebug_dirs, fn,
                              user,  binopts.cu_excludes, binopts.ncu_excludes};
    return align_binary_open_opts(out, path, &opts);
}

align_binary *binary_report(const char *path, int rc, align_binary *b, const align_error *e)
{
    const align_binary_info *info;
    if (rc < 0) {
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
    if (info->nskipped_members > 0)
        fprintf(stderr,
                "%s: note: skipped %zu of %zu archive members (not ELF objects with DWARF; the "
                "first: %s)\n",
                path, info->nskipped_members, info->nmembers,
                info->skipped_member ? info->skipped_member : "?");
    if (info->nskipped_types > 0)
        fprintf(stderr, "%s: warning: skipped %zu type%s too large to lay out (%s%s)\n", path,
                info->nskipped_types, info->nskipped_types == 1 ? "" : "s",
                info->skipped_type_reason ? info->skipped_type_reason : "?",
                info->nskipped_types > 1 ? ", the first" : "");
    return b;
}

align_binary *open_binary(const char *path, unsigned flags)
{
    align_binary *b = NULL;
    progress prog;
    int rc;
    progress_begin(&prog, "reading DWARF");
    rc = binary_read(&b, path, flags, progress_update, &prog);
    progress_end(&prog);
    return binary_report(path, rc, b, align_error_last());
}
