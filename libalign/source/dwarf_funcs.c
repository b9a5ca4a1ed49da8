/*
 * dwarf_funcs.c - Go functions, their variables and inlined calls, and the
 * line spans of their code, read from DWARF into the table of gofuncs.h.
 *
 * Who calls it: the walk in dwarf.c, for Go units only and only when the
 * binary is opened with ALIGN_BINARY_GO_FUNCS (the escape join asks for it;
 * audit without --escape, show and the debugger plugin do not pay for it).
 *
 * What it costs: the type walk skips function bodies (Go writes no
 * DW_AT_sibling, so libdwarf scans them anyway); this module descends into
 * them instead and reads the attributes of each parameter, variable,
 * lexical block and inlined call: on cmd/go ~150,000 DIEs more, about the
 * cost of the type walk again.  Variable types go through the reader's
 * memoised type map, so they add few nodes (most are types members already
 * use).  Then one pass over each Go unit's line table (cmd/go: ~1.5 million
 * rows) gives every concrete function the span of lines of its own file
 * that its code covers, and every file its last line with code.  Rows are
 * in address order, so the function of a row is almost always the previous
 * row's: a binary search only when it changes.
 *
 * What is kept: for each function its name, file, package, pc range and
 * span; for each named parameter and variable its name, decl_line and
 * type; for each inlined call the outermost call's file and line and the
 * callee.  Variables inside inlined calls are not kept: they have no names
 * of their own (DW_AT_abstract_origin), and the callee's abstract function
 * has them.
 *
 * Rejected: spans from decl lines alone (Go writes no DW_AT_decl_line on
 * subprograms; a function's last line is nowhere else, and closures nest);
 * reading the line tables without the DIE walk (a row's function is only
 * known through the subprograms' pc ranges).
 */
#include "source/dwarf_read.h"
#include "util/vec.h"
#include "source/gofuncs.h"

#include <stdlib.h>
#include <string.h>

static uint32_t file_id(dwarf_reader *rd, go_funcs *gf, uint64_t index)
{
    const char *path;
    uint32_t id;
    if (index > 1u << 20)
        return GF_NONE;
    if (index < gf->unit_nfile_ids && gf->unit_file_ids[index] != 0)
        return gf->unit_file_ids[index] - 1;
    path = reader_unit_file(rd, index);
    if (path == NULL)
        return GF_NONE;
    id = gofuncs_file(gf, path);
    if (id == GF_NONE)
        return GF_NONE;
    /* unit_nfile_ids is the capacity: every slot is zeroed, 0 unknown */
    if (vec_reserve((void **)&gf->unit_file_ids, &gf->unit_nfile_ids, (size_t)index + 1,
                    sizeof *gf->unit_file_ids, 64) < 0) {
        align_error_clear();
        return id; /* only the cache is lost */
    }
    gf->unit_file_ids[index] = id + 1;
    return id;
}

int gf_unit_begin(dwarf_reader *rd, const die_info *cu, size_t *func0)
{
    go_funcs *gf = reader_funcs(rd);
    uint32_t p;
    free(gf->unit_file_ids);
    gf->unit_file_ids = NULL;
    gf->unit_nfile_ids = 0;
    *func0 = gf->nfuncs;
    if (cu->name == NULL)
        return 0;
    p = gofuncs_pkg(gf, cu->name, strlen(cu->name));
    if (p == GF_NONE)
        return ALIGN_ENOMEM;
    gf->pkgs[p].has_unit = true;
    if (cu->go_pkg_name != NULL) {
        gf->pkgs[p].name = align_graph_strdup(reader_graph(rd), cu->go_pkg_name, (size_t)-1);
        if (gf->pkgs[p].name == NULL)
            return ALIGN_ENOMEM;
    }
    return 0;
}

void gf_unit_done(dwarf_reader *rd)
{
    go_funcs *gf = reader_funcs(rd);
    free(gf->unit_file_ids);
    gf->unit_file_ids = NULL;
    gf->unit_nfile_ids = 0;
}

/* The attributes of die in *d and a copy of its name (in the graph's
 * arena) in *name: 1; 0 for a DIE without a name (nothing to record); or
 * a negative code. */
static int named_die(dwarf_reader *rd, Dwarf_Die die, die_info *d, const char **name)
{
    int rc = reader_die_info(rd, die, d);
    if (rc < 0 || d->name == NULL)
        return rc;
    *name = align_graph_strdup(reader_graph(rd), d->name, (size_t)-1);
    return *name != NULL ? 1 : ALIGN_ENOMEM;
}

/* A named parameter or variable of function `func` (GF_NONE: a
 * package-level variable or constant, for the globals table). */
static int add_var(dwarf_reader *rd, go_funcs *gf, Dwarf_Die die, uint32_t func, bool param)
{
    gf_var v = {0};
    die_info d;
    int rc = named_die(rd, die, &d, &v.name);
    if (rc <= 0)
        return rc;
    if ((d.has & HAS_DECL_LINE) && d.decl_line <= UINT32_MAX)
        v.decl_line = (uint32_t)d.decl_line;
    v.func = func;
    v.param = param;
    if (d.has & HAS_TYPE) {
        v.type = reader_type(rd, d.type, 1, &rc);
        if (rc == ALIGN_ENOMEM)
            return rc;
        if (rc < 0) {
            /* A variable we cannot type is a variable the join cannot use;
             * it must not cost the unit its struct types. */
            v.type = NULL;
            reader_forgive(rd);
        }
    }
    return func == GF_NONE ? gofuncs_push_global(gf, &v) : gofuncs_push_var(gf, &v);
}

int gf_visit_global(dwarf_reader *rd, Dwarf_Die die, bool constant)
{
    return add_var(rd, reader_funcs(rd), die, GF_NONE, constant);
}

static int visit_children(dwarf_reader *rd, go_funcs *gf, Dwarf_Die parent, uint32_t func,
                          const gf_call *outer, unsigned depth);

/* The scope being walked by visit_children. */
typedef struct scope_walk {
    go_funcs *gf;
    uint32_t func;
    const gf_call *outer;
    unsigned depth;
} scope_walk;

/* A child of a function's scope: a parameter or variable, a block, an
 * inlined call (whose own children are its callee's, called from here). */
static int visit_scope_child(dwarf_reader *rd, Dwarf_Die child, Dwarf_Half tag, void *ctx)
{
    const scope_walk *w = ctx;
    switch (tag) {
    case DW_TAG_formal_parameter:
    case DW_TAG_variable:
        if (w->outer == NULL)
            return add_var(rd, w->gf, child, w->func, tag == DW_TAG_formal_parameter);
        break;
    case DW_TAG_lexical_block:
        return visit_children(rd, w->gf, child, w->func, w->outer, w->depth + 1);
    case DW_TAG_inlined_subroutine: {
        gf_call c = {GF_NONE, 0, w->func, GF_NONE, 0};
        die_info d;
        int rc = reader_die_info(rd, child, &d);
        if (rc < 0)
            return rc;
        if (w->outer != NULL) {
            c.file = w->outer->file;
            c.line = w->outer->line;
        } else {
            if (d.has & HAS_CALL_FILE)
                c.file = file_id(rd, w->gf, d.call_file);
            if ((d.has & HAS_CALL_LINE) && d.call_line <= UINT32_MAX)
                c.line = (uint32_t)d.call_line;
        }
        if (d.has & HAS_ORIGIN) {
            c.origin_off = d.origin;
            rc = gofuncs_push_call(w->gf, &c);
        }
        if (rc == 0)
            rc = visit_children(rd, w->gf, child, w->func, &c, w->depth + 1);
        return rc;
    }
    default: break;
    }
    return 0;
}

static int visit_children(dwarf_reader *rd, go_funcs *gf, Dwarf_Die parent, uint32_t func,
                          const gf_call *outer, unsigned depth)
{
    scope_walk w = {gf, func, outer, depth};
    if (depth > ALIGN_MAX_DEPTH)
        return reader_broken(rd, NULL, "scopes nested deeper than %d levels", ALIGN_MAX_DEPTH);
    return reader_each_child(rd, parent, "reading a function's children", visit_scope_child, &w);
}

int gf_visit_subprogram(dwarf_reader *rd, Dwarf_Die die)
{
    go_funcs *gf = reader_funcs(rd);
    gf_func f = {0};
    die_info d;
    size_t plen;
    uint32_t idx;
    int rc = named_die(rd, die, &d, &f.name);

    if (rc <= 0)
        return rc;
    f.file = (d.has & HAS_DECL_FILE) ? file_id(rd, gf, d.decl_file) : GF_NONE;
    plen = gofuncs_symbol_pkg(f.name);
    f.pkg = plen ? gofuncs_pkg(gf, f.name, plen) : GF_NONE;
    if (plen && f.pkg == GF_NONE)
        return ALIGN_ENOMEM;
    f.abstract = (d.has & HAS_INLINE) || !(d.has & HAS_LOW_PC);
    if (!f.abstract) {
        f.low_pc = d.low_pc;
        f.high_pc = (d.has & HAS_HIGH_PC_OFFSET) ? d.low_pc + d.high_pc
                    : (d.has & HAS_HIGH_PC)      ? d.high_pc
                                                 : d.low_pc;
    }
    f.var0 = (uint32_t)gf->nvars;
    f.die_off = d.off;
    idx = (uint32_t)gf->nfuncs;
    rc = gofuncs_push_func(gf, &f);
    if (rc == 0)
        rc = visit_children(rd, gf, die, idx, NULL, 1);
    if (rc == 0)
        gf->funcs[idx].nvars = (uint32_t)(gf->nvars - f.var0);
    return rc;
}

/* ---------------------------------------------------------- line spans */

typedef struct pc_range {
    uint64_t lo, hi;
    uint32_t func;
} pc_range;

static int cmp_range(const void *a, const void *b)
{
    const pc_range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static const pc_range *find_range(const pc_range *r, size_t n, uint64_t pc)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid].lo <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || pc >= r[lo - 1].hi)
        return NULL;
    return &r[lo - 1];
}

int gf_unit_lines(dwarf_reader *rd, Dwarf_Die cu_die, size_t func0)
{
    go_funcs *gf = reader_funcs(rd);
    Dwarf_Error err = NULL;
    Dwarf_Unsigned version;
    Dwarf_Small ntables;
    Dwarf_Line_Context ctx = NULL;
    Dwarf_Line *lines = NULL;
    Dwarf_Signed nlines = 0;
    pc_range *ranges = NULL;
    const pc_range *cur = NULL;
    size_t nranges = 0;
    int res;

    res = dwarf_srclines_b(cu_die, &version, &ntables, &ctx, &err);
    if (res != DW_DLV_OK) {
        /* No line table only costs the spans. */
        if (res == DW_DLV_ERROR)
            dwarf_dealloc(reader_dbg(rd), err, DW_DLA_ERROR);
        return 0;
    }
    res = dwarf_srclines_from_linecontext(ctx, &lines, &nlines, &err);
    if (res != DW_DLV_OK) {
        if (res == DW_DLV_ERROR)
            dwarf_dealloc(reader_dbg(rd), err, DW_DLA_ERROR);
        dwarf_srclines_dealloc_b(ctx);
        return 0;
    }
    if (gf->nfuncs > func0) {
        ranges = malloc((gf->nfuncs - func0) * sizeof *ranges);
        if (ranges == NULL) {
            dwarf_srclines_dealloc_b(ctx);
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t i = func0; i < gf->nfuncs; i++)
            if (!gf->funcs[i].abstract && gf->funcs[i].high_pc > gf->funcs[i].low_pc)
                ranges[nranges++] =
                    (pc_range){gf->funcs[i].low_pc, gf->funcs[i].high_pc, (uint32_t)i};
        qsort(ranges, nranges, sizeof *ranges, cmp_range);
    }
    for (Dwarf_Signed i = 0; i < nlines; i++) {
        Dwarf_Addr pc;
        Dwarf_Unsigned lineno, fileno;
        Dwarf_Bool end = 0;
        uint32_t id, line;
        if (dwarf_lineendsequence(lines[i], &end, &err) != DW_DLV_OK ||
            dwarf_lineaddr(lines[i], &pc, &err) != DW_DLV_OK ||
            dwarf_lineno(lines[i], &lineno, &err) != DW_DLV_OK ||
            dwarf_line_srcfileno(lines[i], &fileno, &err) != DW_DLV_OK) {
            dwarf_dealloc(reader_dbg(rd), err, DW_DLA_ERROR);
            err = NULL;
            continue;
        }
        if (end || lineno == 0 || lineno > UINT32_MAX)
            continue;
        line = (uint32_t)lineno;
        id = file_id(rd, gf, fileno);
        if (id == GF_NONE)
            continue;
        if (line > gf->files[id].max_line)
            gf->files[id].max_line = line;
        if (cur == NULL || pc < cur->lo || pc >= cur->hi)
            cur = find_range(ranges, nranges, pc);
        if (cur != NULL) {
            gf_func *f = &gf->funcs[cur->func];
            if (f->file == id) {
                if (f->line_lo == 0 || line < f->line_lo)
                    f->line_lo = line;
                if (line > f->line_hi)
                    f->line_hi = line;
            }
        }
    }
    free(ranges);
    dwarf_srclines_dealloc_b(ctx);
    return 0;
}
