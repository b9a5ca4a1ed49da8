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

/* The name of die (its attributes in *d) copied into the graph's arena
 * in *name: 1; 0 for a DIE without a name (nothing to record); or a
 * negative code. */
static int die_name(dwarf_reader *rd, const die_info *d, const char **name)
{
    if (d->name == NULL)
        return 0;
    *name = align_graph_strdup(reader_graph(rd), d->name, (size_t)-1);
    return *name != NULL ? 1 : ALIGN_ENOMEM;
}

/* A named parameter or variable of function `func` (GF_NONE: a
 * package-level variable or constant, for the globals table), of
 * attributes d. */
static int add_var(dwarf_reader *rd, go_funcs *gf, const die_info *d, uint32_t func, bool param)
{
    gf_var v = {0};
    int rc = die_name(rd, d, &v.name);
    if (rc <= 0)
        return rc;
    if ((d->has & HAS_DECL_LINE) && d->decl_line <= UINT32_MAX)
        v.decl_line = (uint32_t)d->decl_line;
    v.func = func;
    v.param = param;
    if (d->has & HAS_TYPE) {
        v.type = reader_type(rd, d->type, 1, &rc);
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
    die_info d;
    int rc = reader_die_info(rd, die, &d);
    return rc < 0 ? rc : add_var(rd, reader_funcs(rd), &d, GF_NONE, constant);
}

int gf_scan_global(dwarf_reader *rd, const die_info *d, bool constant)
{
    return add_var(rd, reader_funcs(rd), d, GF_NONE, constant);
}

/* The scope being walked (visit_children, raw_children). */
typedef struct scope_walk {
    go_funcs *gf;
    uint32_t func;
    const gf_call *outer;
    unsigned depth;
} scope_walk;

/* What a child of a function's scope of tag `tag` (and attributes *d,
 * read for parameters, variables and inlined calls only) adds: a
 * parameter or variable, or an inlined call *c (whose own children are
 * its callee's, called from here).  1 when its children are part of the
 * scope (a block: *inner = w->outer; an inlined call: *inner = c), 0 when
 * they are not, or a negative code. */
static int scope_entry(dwarf_reader *rd, const scope_walk *w, unsigned tag, const die_info *d,
                       gf_call *c, const gf_call **inner)
{
    int rc = 0;
    switch (tag) {
    case DW_TAG_formal_parameter:
    case DW_TAG_variable:
        if (w->outer == NULL)
            return add_var(rd, w->gf, d, w->func, tag == DW_TAG_formal_parameter);
        return 0;
    case DW_TAG_lexical_block: *inner = w->outer; return 1;
    case DW_TAG_inlined_subroutine:
        *c = (gf_call){GF_NONE, 0, w->func, GF_NONE, 0};
        if (w->outer != NULL) {
            c->file = w->outer->file;
            c->line = w->outer->line;
        } else {
            if (d->has & HAS_CALL_FILE)
                c->file = file_id(rd, w->gf, d->call_file);
            if ((d->has & HAS_CALL_LINE) && d->call_line <= UINT32_MAX)
                c->line = (uint32_t)d->call_line;
        }
        if (d->has & HAS_ORIGIN) {
            c->origin_off = d->origin;
            rc = gofuncs_push_call(w->gf, c);
        }
        *inner = c;
        return rc < 0 ? rc : 1;
    default: return 0;
    }
}

static int visit_children(dwarf_reader *rd, go_funcs *gf, Dwarf_Die parent, uint32_t func,
                          const gf_call *outer, unsigned depth);

/* A child of a function's scope, through libdwarf. */
static int visit_scope_child(dwarf_reader *rd, Dwarf_Die child, Dwarf_Half tag, void *ctx)
{
    const scope_walk *w = ctx;
    const gf_call *inner = NULL;
    gf_call c;
    die_info d;
    int rc;
    if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable && tag != DW_TAG_lexical_block &&
        tag != DW_TAG_inlined_subroutine)
        return 0;
    rc = 0;
    if (tag == DW_TAG_lexical_block || (tag == DW_TAG_variable && w->outer != NULL) ||
        (tag == DW_TAG_formal_parameter && w->outer != NULL))
        memset(&d, 0, sizeof d); /* its attributes are not read */
    else
        rc = reader_die_info(rd, child, &d);
    if (rc < 0)
        return rc;
    rc = scope_entry(rd, w, tag, &d, &c, &inner);
    if (rc <= 0)
        return rc;
    return visit_children(rd, w->gf, child, w->func, inner, w->depth + 1);
}

static int visit_children(dwarf_reader *rd, go_funcs *gf, Dwarf_Die parent, uint32_t func,
                          const gf_call *outer, unsigned depth)
{
    scope_walk w = {gf, func, outer, depth};
    if (depth > ALIGN_MAX_DEPTH)
        return reader_broken(rd, NULL, "scopes nested deeper than %d levels", ALIGN_MAX_DEPTH);
    return reader_each_child(rd, parent, "reading a function's children", visit_scope_child, &w);
}

/* visit_children from the raw section (dwarf_scan.c: scan_die_info): the
 * list of DIEs at `at`, its end in *end.  0, a negative code, or 1 when
 * the scanner does not know a DIE of it (or the scopes nest deeper than
 * visit_children allows): the caller undoes what was added and walks the
 * function again through libdwarf, which reports what is wrong. */
static int raw_children(dwarf_reader *rd, dwarf_scan *s, go_funcs *gf, uint64_t at, uint32_t func,
                        const gf_call *outer, unsigned depth, uint64_t *end)
{
    scope_walk w = {gf, func, outer, depth};
    if (depth > ALIGN_MAX_DEPTH)
        return 1;
    for (;;) {
        const gf_call *inner = NULL;
        gf_call c;
        die_info d;
        bool children;
        int rc, r = scan_die_info(s, at, &d, &at, &children);
        if (r < 0)
            return 1;
        if (r == 0) {
            *end = at;
            return 0;
        }
        rc = scope_entry(rd, &w, d.tag, &d, &c, &inner);
        if (rc < 0)
            return rc;
        if (!children)
            continue;
        rc = rc == 1 ? raw_children(rd, s, gf, at, func, inner, depth + 1, &at)
                     : (scan_skip_list(s, at, &at) < 0 ? 1 : 0);
        if (rc != 0)
            return rc;
    }
}

/* The scope of the function DIE of attributes *d (raw_children), its
 * end in *end: 0, a negative code, or 1 (nothing added: walk it through
 * libdwarf). */
static int raw_function(dwarf_reader *rd, go_funcs *gf, const die_info *d, uint32_t func,
                        uint64_t *end)
{
    dwarf_scan *s = reader_go_scan(rd);
    size_t nvars = gf->nvars, ncalls = gf->ncalls;
    uint64_t at;
    die_info self;
    bool children;
    int rc;
    if (s == NULL)
        return 1;
    if (scan_die_info(s, d->off, &self, &at, &children) <= 0 || self.tag != d->tag)
        rc = 1;
    else if (!children)
        rc = 0, *end = at;
    else
        rc = raw_children(rd, s, gf, at, func, NULL, 1, end);
    if (rc == 1) {
        /* the rest of the unit is read through libdwarf: a scanner that
         * stumbles once would stumble again */
        reader_go_scan_off(rd);
        gf->nvars = nvars;
        gf->ncalls = ncalls;
    }
    return rc;
}

/* The function of attributes *d: entered in the table, its index in
 * *idx.  0, or a negative code; 1 for a DIE without a name (nothing
 * to record). */
static int add_func(dwarf_reader *rd, go_funcs *gf, const die_info *d, uint32_t *idx)
{
    gf_func f = {0};
    size_t plen;
    int rc = die_name(rd, d, &f.name);

    if (rc <= 0)
        return rc == 0 ? 1 : rc;
    f.file = (d->has & HAS_DECL_FILE) ? file_id(rd, gf, d->decl_file) : GF_NONE;
    plen = gofuncs_symbol_pkg(f.name);
    f.pkg = plen ? gofuncs_pkg(gf, f.name, plen) : GF_NONE;
    if (plen && f.pkg == GF_NONE)
        return ALIGN_ENOMEM;
    f.abstract = (d->has & HAS_INLINE) || !(d->has & HAS_LOW_PC);
    if (!f.abstract) {
        f.low_pc = d->low_pc;
        f.high_pc = (d->has & HAS_HIGH_PC_OFFSET) ? d->low_pc + d->high_pc
                    : (d->has & HAS_HIGH_PC)      ? d->high_pc
                                                  : d->low_pc;
    }
    f.var0 = (uint32_t)gf->nvars;
    f.die_off = d->off;
    *idx = (uint32_t)gf->nfuncs;
    return gofuncs_push_func(gf, &f);
}

int gf_visit_subprogram(dwarf_reader *rd, Dwarf_Die die)
{
    go_funcs *gf = reader_funcs(rd);
    die_info d;
    uint32_t idx;
    uint64_t end;
    int rc = reader_die_info(rd, die, &d);

    if (rc == 0)
        rc = add_func(rd, gf, &d, &idx);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    rc = raw_function(rd, gf, &d, idx, &end);
    if (rc == 1)
        rc = visit_children(rd, gf, die, idx, NULL, 1);
    if (rc == 0)
        gf->funcs[idx].nvars = (uint32_t)(gf->nvars - gf->funcs[idx].var0);
    return rc;
}

int gf_scan_subprogram(dwarf_reader *rd, const die_info *d, uint64_t *end)
{
    go_funcs *gf = reader_funcs(rd);
    uint32_t idx;
    int rc = add_func(rd, gf, d, &idx);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return 2;
    rc = raw_function(rd, gf, d, idx, end);
    if (rc == 0)
        gf->funcs[idx].nvars = (uint32_t)(gf->nvars - gf->funcs[idx].var0);
    else if (rc == 1)
        gf->nfuncs--;
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

typedef struct span_state {
    dwarf_reader *rd;
    go_funcs *gf;
    const pc_range *ranges, *cur;
    size_t nranges;
} span_state;

static void span_row(void *ctx, const line_row *row)
{
    span_state *st = ctx;
    go_funcs *gf = st->gf;
    uint32_t id, line;
    if (row->end || row->line == 0 || row->line > UINT32_MAX)
        return;
    line = (uint32_t)row->line;
    id = file_id(st->rd, gf, row->file);
    if (id == GF_NONE)
        return;
    if (line > gf->files[id].max_line)
        gf->files[id].max_line = line;
    if (st->cur == NULL || row->addr < st->cur->lo || row->addr >= st->cur->hi)
        st->cur = find_range(st->ranges, st->nranges, row->addr);
    if (st->cur != NULL) {
        gf_func *f = &gf->funcs[st->cur->func];
        if (f->file == id) {
            if (f->line_lo == 0 || line < f->line_lo)
                f->line_lo = line;
            if (line > f->line_hi)
                f->line_hi = line;
        }
    }
}

int gf_unit_lines(dwarf_reader *rd, size_t func0)
{
    go_funcs *gf = reader_funcs(rd);
    pc_range *ranges = NULL;
    size_t nranges = 0;
    span_state st;

    if (gf->nfuncs > func0) {
        ranges = malloc((gf->nfuncs - func0) * sizeof *ranges);
        if (ranges == NULL)
            return error_set(ALIGN_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = func0; i < gf->nfuncs; i++)
            if (!gf->funcs[i].abstract && gf->funcs[i].high_pc > gf->funcs[i].low_pc)
                ranges[nranges++] =
                    (pc_range){gf->funcs[i].low_pc, gf->funcs[i].high_pc, (uint32_t)i};
        qsort(ranges, nranges, sizeof *ranges, cmp_range);
    }
    st = (span_state){rd, gf, ranges, NULL, nranges};
    /* No line table only costs the spans. */
    reader_line_rows(rd, span_row, &st);
    free(ranges);
    return 0;
}
