/* Fuzz targets shared by the libFuzzer harnesses and the replay driver; see
 * targets.h.  Inputs are small (libFuzzer's default -max_len is 4 KiB for
 * text, the DWARF seeds are ELF files of 10-40 KiB). */
#define _GNU_SOURCE
#include "targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libalign.h"

#include <zlib.h>

#ifdef FUZZ_TARGET
#include "escape/escape.h"  /* esc_read_json_mem */
#include "source/gofuncs.h" /* binary_go_funcs */
#endif

/* libdwarf sizes some tables from counts in the file and calloc()s them
 * before it checks them against the section (a line table header can ask
 * for 1.5 EiB).  glibc returns NULL, libdwarf reports DW_DLE_ALLOC_FAIL and
 * we report a corrupt unit; ASan by default aborts instead.  Make ASan
 * builds (the fuzzers, the sanitizer build of fuzz_replay) behave like the
 * real allocator; the environment's ASAN_OPTIONS still apply on top. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

/* Lays out and renders every declared type of g, as calc and audit do. */
static void layout_all(align_graph *g, unsigned flags)
{
    align_layout_opts lo = {flags, 0};
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_type *t = align_graph_decl(g, i);
        align_layout *l = NULL;
        align_cost cost;
        align_buf out;
        if (align_layout_compute(&l, g, t, &lo) < 0)
            continue;
        align_buf_init(&out);
        if (align_cost_compute(&cost, l, 100000000) == 0) {
            align_render_opts ro = {0};
            ro.show_optimal = 1;
            ro.cost = &cost;
            ro.cachelines = 1;
            align_render_text(&out, l, &ro);
            align_render_json(&out, l, &cost);
        }
        align_render_decl(&out, l);
        align_buf_free(&out);
        align_layout_free(l);
    }
}

static int decl(align_lang lang, const uint8_t *data, size_t size)
{
    /* Both arches with different pointer sizes would be nice; amd64 and
     * arm64 share them, so one arch is enough. */
    align_graph *g = NULL;
    int rc;
    if (align_graph_new(&g, lang, ALIGN_ARCH_AMD64) < 0)
        return 0;
    if (lang == ALIGN_LANG_GO)
        rc = align_decl_parse_go(g, "fuzz.go", (const char *)data, size);
    else
        rc = align_decl_parse_c(g, "fuzz.h", (const char *)data, size);
    if (rc == 0)
        layout_all(g, 0);
    align_graph_free(g);
    align_error_clear();
    return 0;
}

int fuzz_decl_go(const uint8_t *data, size_t size)
{
    return decl(ALIGN_LANG_GO, data, size);
}

int fuzz_decl_c(const uint8_t *data, size_t size)
{
    return decl(ALIGN_LANG_C, data, size);
}

int fuzz_escape_text(const uint8_t *data, size_t size)
{
    align_escape_log *log = NULL;
    if (align_escape_log_new(&log) < 0)
        return 0;
    align_escape_log_read_text_mem(log, "fuzz.txt", (const char *)data, size);
    align_escape_log_free(log);
    align_error_clear();
    return 0;
}

#ifdef FUZZ_TARGET
/* The libFuzzer harness is built from the library's sources: there the
 * -json target also reads every input with json-c alone (the reader
 * without its shape scan) and aborts when the two readings differ in
 * anything the reader says (tests/test_json_shape.c does the same on
 * chosen inputs in make check). */
#include "escape/escape.h"

static char *json_said(const uint8_t *data, size_t size, bool shape)
{
    align_escape_log *log = NULL;
    align_escape_stats st;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    int rc;
    if (f == NULL || align_escape_log_new(&log) < 0)
        abort();
    align_error_clear();
    rc = esc_read_json_mem(log, "fuzz.json", (const char *)data, size, shape, NULL);
    const align_error *e = align_error_last();
    fprintf(f, "%d %d %s|%s|%s|%u|%u\n", rc, e->code, e->message, e->file, e->hint, e->line,
            e->col);
    align_escape_log_stats(&st, log);
    fprintf(f, "%llu %llu %llu %llu %llu %llu\n", (unsigned long long)st.inputs,
            (unsigned long long)st.lines, (unsigned long long)st.heap_sites,
            (unsigned long long)st.stack_sites, (unsigned long long)st.ignored,
            (unsigned long long)st.skipped);
#define S(x) ((x) ? (x) : "(null)")
    for (size_t i = 0; i < align_escape_log_nsites(log); i++) {
        const align_escape_site *x = &align_escape_log_sites(log)[i];
        fprintf(f, "site %s|%u|%u|%s|%d|%d|%s|%s|%s|%s|%llu|%s|%s|%s|%s|%u|%d\n", S(x->file),
                x->line, x->col, S(x->package), (int)x->kind, x->stack_only, S(x->expr),
                S(x->type_text), S(x->var_name), S(x->input), (unsigned long long)x->input_line,
                S(x->func), S(x->flow_dst), S(x->inlined), S(x->inline_file), x->inline_line,
                x->var_size);
    }
    for (size_t i = 0; i < align_escape_log_ncaptures(log); i++) {
        const align_escape_capture *x = &align_escape_log_captures(log)[i];
        fprintf(f, "capture %s|%u|%u|%s|%s|%s|%d|%llu|%s|%llu|%u\n", S(x->file), x->line, x->col,
                S(x->package), S(x->func), S(x->var_name), x->by_value,
                (unsigned long long)x->width, S(x->input), (unsigned long long)x->input_line,
                x->use_line);
    }
#undef S
    fclose(f);
    align_escape_log_free(log);
    align_error_clear();
    return out;
}

int fuzz_escape_json(const uint8_t *data, size_t size)
{
    char *a = json_said(data, size, true), *b = json_said(data, size, false);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "shape scan:\n%s\njson-c:\n%s\n", a, b);
        abort();
    }
    free(a);
    free(b);
    return 0;
}
#else
int fuzz_escape_json(const uint8_t *data, size_t size)
{
    align_escape_log *log = NULL;
    if (align_escape_log_new(&log) < 0)
        return 0;
    align_escape_log_read_json_mem(log, "fuzz.json", (const char *)data, size);
    align_escape_log_free(log);
    align_error_clear();
    return 0;
}
#endif

int fuzz_counts(const uint8_t *data, size_t size)
{
    /* The CLI hands argv strings: NUL-terminated, no embedded NUL. */
    char *s = malloc(size + 1);
    uint64_t n;
    char buf[64];
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (align_count_parse(&n, s) == 0) {
        align_format_count(buf, sizeof buf, n);
        align_format_bytes(buf, sizeof buf, n);
    }
    free(s);
    align_error_clear();
    return 0;
}

#ifdef FUZZ_TARGET
/* All the reader says of the binary at path opened with flags: the
 * outcome, the units, the declarations and the Go function table (which
 * the public API shows only through the escape join). */
static char *dwarf_said(const char *path, unsigned flags)
{
    align_binary *b = NULL;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    int rc;
    if (f == NULL)
        abort();
    align_error_clear();
    rc = align_binary_open_ex(&b, path, flags);
    fprintf(f, "%d %s\n", rc, rc != 0 ? align_error_last()->message : "");
    if (rc == 0) {
        const align_binary_info *in = align_binary_info_get(b);
        const go_funcs *gf = binary_go_funcs(b);
#define S(x) ((x) ? (x) : "-")
        fprintf(f, "units %zu skipped %zu (%s) foreign %zu types %zu\n", in->ncus, in->nskipped_cus,
                S(in->skip_reason), in->nforeign_cus, in->ntypes);
        for (int li = 0; li < 2; li++) {
            align_graph *g = align_binary_graph(b, li == 0 ? ALIGN_LANG_GO : ALIGN_LANG_C);
            for (size_t i = 0; g != NULL && i < align_graph_ndecls(g); i++)
                fprintf(f, "decl %s\n", align_type_display(align_graph_decl(g, i)));
        }
        for (size_t i = 0; gf != NULL && i < gf->nfuncs; i++) {
            const gf_func *x = &gf->funcs[i];
            fprintf(f, "func %s %u %u %u-%u %llx-%llx %d %u+%u %llx\n", x->name, x->file, x->pkg,
                    x->line_lo, x->line_hi, (unsigned long long)x->low_pc,
                    (unsigned long long)x->high_pc, x->abstract, x->var0, x->nvars,
                    (unsigned long long)x->die_off);
        }
        for (size_t i = 0; gf != NULL && i < gf->nvars; i++)
            fprintf(f, "var %s %s %u %u %d\n", gf->vars[i].name,
                    gf->vars[i].type ? align_type_display(gf->vars[i].type) : "-",
                    gf->vars[i].decl_line, gf->vars[i].func, gf->vars[i].param);
        for (size_t i = 0; gf != NULL && i < gf->ncalls; i++)
            fprintf(f, "call %u:%u %u %u %llx\n", gf->calls[i].file, gf->calls[i].line,
                    gf->calls[i].func, gf->calls[i].origin,
                    (unsigned long long)gf->calls[i].origin_off);
        for (size_t i = 0; gf != NULL && i < gf->nglobals; i++)
            fprintf(f, "global %s %s %u\n", gf->globals[i].name,
                    gf->globals[i].type ? align_type_display(gf->globals[i].type) : "-",
                    gf->globals[i].decl_line);
        for (size_t i = 0; gf != NULL && i < gf->nfiles; i++)
            fprintf(f, "file %s %u\n", S(gf->files[i].path), gf->files[i].max_line);
        for (size_t i = 0; gf != NULL && i < gf->npkgs; i++)
            fprintf(f, "pkg %s %s %d\n", S(gf->pkgs[i].path), S(gf->pkgs[i].name),
                    gf->pkgs[i].has_unit);
#undef S
        align_binary_free(b);
    }
    fclose(f);
    align_error_clear();
    return out;
}
#endif

int fuzz_dwarf(const uint8_t *data, size_t size)
{
    /* align_binary_open takes a path: hand it an anonymous memory file. */
    char path[64];
    align_binary *b = NULL;
    int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (size > 0 && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    /* With the Go functions too: their reader (and the line tables it
     * reads) sees the same hostile bytes when a user asks for --escape. */
    if (align_binary_open_ex(&b, path, ALIGN_BINARY_GO_FUNCS) == 0) {
        for (int li = 0; li < 2; li++) {
            align_graph *g = align_binary_graph(b, li == 0 ? ALIGN_LANG_GO : ALIGN_LANG_C);
            if (g != NULL)
                layout_all(g, ALIGN_LAYOUT_GIVEN);
        }
        align_binary_free(b);
    }
#ifdef FUZZ_TARGET
    /* The libFuzzer harness also compares the raw readers of Go functions
     * and line tables (dwarf_scan.c, dwarf_lines.c) with libdwarf alone:
     * whatever the bytes, all the reader says must be the same
     * (tests/test_dwarf.c: go_raw_*_as_libdwarf on chosen inputs). */
    {
        char *a = dwarf_said(path, ALIGN_BINARY_GO_FUNCS);
        char *c = dwarf_said(path, ALIGN_BINARY_GO_FUNCS | ALIGN_BINARY_LIBDWARF_ONLY);
        if (strcmp(a, c) != 0) {
            size_t d = 0;
            while (a[d] == c[d])
                d++;
            fprintf(stderr, "raw:\n%.400s\nlibdwarf only:\n%.400s\n", a + d, c + d);
            abort();
        }
        free(a);
        free(c);
    }
#endif
    close(fd);
    align_error_clear();
    return 0;
}

int fuzz_profile(const uint8_t *data, size_t size)
{
    align_profile *p = NULL;
    if (align_profile_read_mem(&p, "fuzz.pprof", data, size) == 0) {
        /* Read every site the way the CLI does. */
        const align_profile_info *pi = align_profile_info_get(p);
        uint64_t sum = pi->inuse_objects;
        for (size_t i = 0; i < align_profile_nsites(p); i++) {
            const align_profile_site *s = align_profile_site_get(p, i);
            sum += s->alloc_objects + s->line + strlen(s->file) + strlen(s->function);
        }
        (void)sum;
    }
    align_profile_free(p);
    return 0;
}

int fuzz_profile_pb(const uint8_t *data, size_t size)
{
    z_stream zs;
    uLong cap = compressBound((uLong)size) + 64;
    unsigned char *gz = malloc(cap);
    if (gz == NULL)
        return 0;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(gz);
        return 0;
    }
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)size;
    zs.next_out = gz;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) == Z_STREAM_END)
        fuzz_profile(gz, zs.total_out);
    deflateEnd(&zs);
    free(gz);
    return 0;
}

fuzz_target_fn fuzz_target_lookup(const char *name)
{
    static const struct {
        const char *name;
        fuzz_target_fn fn;
    } table[] = {
        {"decl_go", fuzz_decl_go},         {"decl_c", fuzz_decl_c},
        {"escape_text", fuzz_escape_text}, {"escape_json", fuzz_escape_json},
        {"counts", fuzz_counts},           {"dwarf", fuzz_dwarf},
        {"profile", fuzz_profile},         {"profile_pb", fuzz_profile_pb},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].fn;
    return NULL;
}
