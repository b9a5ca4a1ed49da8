/*
 * live.c - a layout shown with the value it describes: each member's
 * current value, and the live bytes inside every hole and the tail padding.
 *
 * Who calls it: Layout.render_live(), i.e. the `align` command of GDB and
 * LLDB, once per command; the struct is whatever the user points at, from a
 * few members to a few hundred.  The shape is align_render_text's (the
 * `ptype /o` columns: offset | size, member as declared) with a value column,
 * so that the static and live views read alike; the summary and the optimal
 * order below the members are align_render_text's own lines.
 *
 * Why padding bytes: a struct copied out whole (write(2), send(2),
 * copy_to_user, memcpy into a packet) carries its padding along; bytes that
 * are not zero there are whatever the stack or heap held before, which is a
 * classic information leak.  So every hole, bit hole and tail padding shows
 * its bytes, non-zero ones are flagged, and the total is repeated at the end.
 *
 * Nested structs and unions are summarised on one line (the value string
 * the debugger made) or, with recurse, expanded in place with absolute
 * offsets and their own holes, as `ptype /o` does.
 */
#include "plugin.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX_WIDTH 23    /* the "offset | size" comment column */
#define VALUE_COLUMN 36    /* where " = value" starts, after the prefix */
#define MAX_SHOWN_BYTES 16 /* bytes of one hole shown before "..." */

typedef struct live_ctx {
    module_state *st;
    align_graph *g;
    unsigned flags; /* layout flags for nested records */
    uint32_t cacheline;
    const live_opts *o;
    align_buf *out;
    int values; /* a value column is shown */
    /* Padding mask of the value (leaks.c), mask_len bytes from offset 0:
     * a byte shown is flagged only when its padding bits are not zero (a
     * hole of a union member that another member holds is data). */
    const unsigned char *mask;
    uint64_t mask_len;
} live_ctx;

typedef enum ev_kind { EV_HOLE, EV_BIT_HOLE, EV_MEMBER } ev_kind;

typedef struct event {
    uint64_t pos; /* bits from the record's start */
    ev_kind kind;
    size_t index; /* into members, holes or bit_holes */
} event;

static int cmp_event(const void *pa, const void *pb)
{
    const event *a = pa, *b = pb;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool unnamed_bitfield(const align_member *m)
{
    return (m->flags & (ALIGN_MEMBER_BITFIELD | ALIGN_MEMBER_ANONYMOUS)) ==
           (ALIGN_MEMBER_BITFIELD | ALIGN_MEMBER_ANONYMOUS);
}

static uint64_t member_pos(const align_member *m)
{
    return m->flags & ALIGN_MEMBER_BITFIELD ? m->bit_offset : m->offset * 8;
}

/* The offset | size column for a member at absolute bit position pos. */
static void offset_prefix(live_ctx *c, const align_member *m, uint64_t pos)
{
    if (m->flags & ALIGN_MEMBER_BITFIELD)
        align_buf_printf(c->out, c->o->hex_offsets ? "/* 0x%04llx:%2u" : "/* %6llu:%2u",
                         (unsigned long long)(pos / 8), (unsigned)(pos % 8));
    else
        align_buf_printf(c->out, c->o->hex_offsets ? "/*    0x%04llx" : "/* %9llu",
                         (unsigned long long)(pos / 8));
    align_buf_printf(c->out, " | %5llu */    ", (unsigned long long)m->size);
}

/* The member as declared, in the layout's language; open: "... {" for an
 * expanded nested record. */
static void member_text(align_buf *b, const align_layout *l, const align_member *m, int open)
{
    if (l->lang == ALIGN_LANG_GO) {
        if (m->flags & ALIGN_MEMBER_EMBEDDED)
            align_buf_puts(b, m->type_name);
        else
            align_buf_printf(b, "%s %s", m->name, m->type_name);
        if (open)
            align_buf_puts(b, " {");
        return;
    }
    if (open) {
        align_buf_printf(b, "%s {", m->type_name);
        return;
    }
    if (m->decl_text != NULL) {
        align_buf_printf(b, "%s;", m->decl_text);
        return;
    }
    align_buf_printf(b, "%s%s%s", m->type_name, m->name[0] ? " " : "", m->name);
    if (m->flags & ALIGN_MEMBER_BITFIELD)
        align_buf_printf(b, " : %u", m->bit_size);
    align_buf_puts(b, ";");
}

/* Appends a value string on one line: control characters become spaces. */
static void put_value(align_buf *b, const char *s)
{
    for (; *s; s++) {
        char ch = (unsigned char)*s < 0x20 ? ' ' : *s;
        align_buf_append(b, &ch, 1);
    }
}

static void indent_to(align_buf *b, size_t from, size_t to)
{
    static const char spaces[] = "                                        ";
    while (from < to) {
        size_t n = to - from < sizeof spaces - 1 ? to - from : sizeof spaces - 1;
        align_buf_append(b, spaces, n);
        from += n;
    }
}

/* "at 17: aa aa 00" for bytes [off, off+n) of data, flagging non-zero. */
/* The padding bits of byte abs of the value: all of them when no mask. */
static unsigned pad_bits(const live_ctx *c, uint64_t abs)
{
    if (c->mask == NULL)
        return 0xff;
    return abs < c->mask_len ? c->mask[abs] : 0;
}

static void hole_bytes(live_ctx *c, const unsigned char *data, uint64_t base, uint64_t off,
                       uint64_t n)
{
    uint64_t nonzero = 0;
    align_buf_printf(c->out, c->o->hex_offsets ? "    at 0x%llx:" : "    at %llu:",
                     (unsigned long long)(base + off));
    for (uint64_t i = 0; i < n; i++) {
        if ((data[off + i] & pad_bits(c, base + off + i)) != 0)
            nonzero++;
        if (i < MAX_SHOWN_BYTES)
            align_buf_printf(c->out, " %02x", data[off + i]);
    }
    if (n > MAX_SHOWN_BYTES)
        align_buf_printf(c->out, " ... (%llu more)", (unsigned long long)(n - MAX_SHOWN_BYTES));
    if (nonzero)
        align_buf_puts(c->out, "  !! non-zero");
}

static void hole_line(live_ctx *c, const unsigned char *data, uint64_t base, uint64_t off,
                      uint64_t n, const char *what)
{
    char inner[64];
    snprintf(inner, sizeof inner, "XXX %3llu-byte %s", (unsigned long long)n, what);
    align_buf_printf(c->out, "/* %-17s */", inner);
    if (data != NULL)
        hole_bytes(c, data, base, off, n);
    align_buf_puts(c->out, "\n");
}

static void bit_hole_line(live_ctx *c, const unsigned char *data, uint64_t base,
                          const align_bit_hole *h)
{
    char inner[64];
    snprintf(inner, sizeof inner, "XXX %3llu-bit hole", (unsigned long long)h->bit_size);
    align_buf_printf(c->out, "/* %-17s */", inner);
    /* Bit holes never span a byte boundary (layout.c splits them) and
     * bit-fields are numbered from the least significant bit on both
     * little-endian targets we model. */
    if (data != NULL && h->bit_size < 8 && h->bit_offset % 8 + h->bit_size <= 8) {
        unsigned v = (data[h->bit_offset / 8] >> (h->bit_offset % 8)) & ((1u << h->bit_size) - 1);
        align_buf_printf(
            c->out, c->o->hex_offsets ? "    at 0x%llx:%u: 0x%x" : "    at %llu:%u: 0x%x",
            (unsigned long long)(base + h->bit_offset / 8), (unsigned)(h->bit_offset % 8), v);
        if ((v & (pad_bits(c, base + h->bit_offset / 8) >> (h->bit_offset % 8))) != 0)
            align_buf_puts(c->out, "  !! non-zero");
    }
    align_buf_puts(c->out, "\n");
}

/* The live bits of an unnamed bit-field member, flagged when not zero. */
static void anonymous_bits(live_ctx *c, const unsigned char *data, uint64_t base,
                           const align_member *m, size_t text_len)
{
    uint64_t v = 0, flagged = 0;
    unsigned n = m->bit_size < 64 ? m->bit_size : 64;
    for (unsigned i = 0; i < n; i++) {
        uint64_t bit = m->bit_offset + i;
        uint64_t one = (data[bit / 8] >> (bit % 8)) & 1u;
        v |= one << i;
        if (one && (pad_bits(c, base + bit / 8) >> (bit % 8)) & 1u)
            flagged = 1;
    }
    indent_to(c->out, text_len, VALUE_COLUMN);
    align_buf_printf(c->out, "%sbits 0x%llx", text_len >= VALUE_COLUMN ? "  " : "",
                     (unsigned long long)v);
    if (flagged)
        align_buf_puts(c->out, "  !! non-zero");
}

/* values[i] -> (*value: borrowed str or NULL, *sub: borrowed sequence or
 * NULL).  *hold receives the new reference that keeps them alive. */
static int member_value(PyObject *values, size_t i, PyObject **hold, const char **value,
                        PyObject **sub)
{
    PyObject *v = PySequence_GetItem(values, (Py_ssize_t)i);
    *hold = v;
    *value = NULL;
    *sub = NULL;
    if (v == NULL)
        return -1;
    if (v == Py_None)
        return 0;
    if (PyUnicode_Check(v)) {
        *value = PyUnicode_AsUTF8(v);
        return *value ? 0 : -1;
    }
    if (PyTuple_Check(v) && PyTuple_GET_SIZE(v) == 2 &&
        (PyTuple_GET_ITEM(v, 0) == Py_None || PyUnicode_Check(PyTuple_GET_ITEM(v, 0))) &&
        (PyTuple_GET_ITEM(v, 1) == Py_None || PySequence_Check(PyTuple_GET_ITEM(v, 1)))) {
        PyObject *s = PyTuple_GET_ITEM(v, 0);
        if (s != Py_None) {
            *value = PyUnicode_AsUTF8(s);
            if (*value == NULL)
                return -1;
        }
        if (PyTuple_GET_ITEM(v, 1) != Py_None)
            *sub = PyTuple_GET_ITEM(v, 1);
        return 0;
    }
    PyErr_Format(PyExc_TypeError,
                 "Layout.render_live(): values[%zu] must be str, None or (str, values), "
                 "not %.100s",
                 i, Py_TYPE(v)->tp_name);
    return -1;
}

/* values has one entry per member, or one per member that is not an
 * unnamed bit-field (those have no value of their own, and the module may
 * have put them back: align_infer_record_attrs).  *skip says which. */
static int check_values(PyObject *values, const align_layout *l, int *skip)
{
    Py_ssize_t n;
    size_t unnamed = 0;
    *skip = 0;
    if (values == NULL)
        return 0;
    n = PySequence_Size(values);
    if (n < 0)
        return -1;
    for (size_t i = 0; i < l->nmembers; i++)
        if (unnamed_bitfield(&l->members[i]))
            unnamed++;
    if ((size_t)n == l->nmembers)
        return 0;
    if ((size_t)n == l->nmembers - unnamed) {
        *skip = 1;
        return 0;
    }
    PyErr_Format(PyExc_ValueError,
                 "Layout.render_live(): %zd values for the %zu members of %s (or %zu without "
                 "its unnamed bit-fields)",
                 n, l->nmembers, l->name, l->nmembers - unnamed);
    return -1;
}

/* The index in values of member m, or -1 when it has none. */
static Py_ssize_t value_index(const align_layout *l, const align_member *m, int skip)
{
    Py_ssize_t k = (Py_ssize_t)m->index;
    if (!skip)
        return k;
    if (unnamed_bitfield(m))
        return -1;
    for (size_t i = 0; i < m->index; i++)
        if (unnamed_bitfield(&l->members[i]))
            k--;
    return k;
}

static int render_record(live_ctx *c, const align_layout *l, uint64_t base,
                         const unsigned char *data, PyObject *values, int skip, size_t indent,
                         unsigned depth);

/* One member line, or an expanded nested record. */
static int render_member(live_ctx *c, const align_layout *l, const align_member *m, uint64_t base,
                         const unsigned char *data, PyObject *values, int skip, size_t indent,
                         unsigned depth)
{
    PyObject *hold = NULL;
    const char *value = NULL;
    PyObject *sub = NULL;
    const align_type *rt = align_type_resolve(m->type);
    align_layout *nested = NULL;
    align_buf text;
    Py_ssize_t vi = values != NULL ? value_index(l, m, skip) : -1;
    int rc = -1, sub_skip;

    align_buf_init(&text);
    if (vi >= 0 && member_value(values, (size_t)vi, &hold, &value, &sub) < 0)
        goto cleanup;
    if (c->o->recurse && !(m->flags & ALIGN_MEMBER_BITFIELD) && rt != NULL &&
        (align_type_kind(rt) == ALIGN_KIND_STRUCT || align_type_kind(rt) == ALIGN_KIND_UNION) &&
        align_record_nfields(rt) > 0 && depth < ALIGN_MAX_DEPTH) {
        align_layout_opts opts = {.flags = c->flags | ALIGN_LAYOUT_NO_OPTIMIZE,
                                  .cacheline = c->cacheline};
        if (align_layout_compute(&nested, c->g, m->type, &opts) < 0) {
            plugin_raise(c->st, "Layout.render_live()");
            goto cleanup;
        }
        offset_prefix(c, m, base * 8 + member_pos(m));
        indent_to(c->out, 0, indent);
        member_text(c->out, l, m, 1);
        align_buf_puts(c->out, "\n");
        if (check_values(sub, nested, &sub_skip) < 0 ||
            render_record(c, nested, base + m->offset, data ? data + m->offset : NULL, sub,
                          sub_skip, indent + 4, depth + 1) < 0)
            goto cleanup;
        indent_to(c->out, 0, PREFIX_WIDTH + 4 + indent);
        if (l->lang == ALIGN_LANG_GO)
            align_buf_puts(c->out, "}\n");
        else
            align_buf_printf(c->out, "}%s%s;\n", m->name[0] ? " " : "", m->name);
        rc = 0;
        goto cleanup;
    }
    offset_prefix(c, m, base * 8 + member_pos(m));
    indent_to(&text, 0, indent);
    member_text(&text, l, m, 0);
    align_buf_append(c->out, text.data ? text.data : "", text.len);
    if (m->flags & ALIGN_MEMBER_BLANK)
        align_buf_puts(c->out, "  /* intentional padding */");
    if (unnamed_bitfield(m) && data != NULL && m->bit_size > 0) {
        /* An unnamed bit-field is padding someone declared: show its bits. */
        anonymous_bits(c, data, base, m, text.len);
    } else if (c->values && value != NULL) {
        indent_to(c->out, text.len, VALUE_COLUMN);
        align_buf_puts(c->out, text.len >= VALUE_COLUMN ? "  = " : "= ");
        put_value(c->out, value);
    }
    align_buf_puts(c->out, "\n");
    rc = 0;
cleanup:
    align_layout_free(nested);
    align_buf_free(&text);
    Py_XDECREF(hold);
    return rc;
}

/* The members, holes and bit holes of one record in position order, then
 * its tail padding.  base: the record's absolute offset; data: its bytes or
 * NULL. */
static int render_record(live_ctx *c, const align_layout *l, uint64_t base,
                         const unsigned char *data, PyObject *values, int skip, size_t indent,
                         unsigned depth)
{
    size_t n = l->nmembers + l->nholes + l->nbit_holes, k = 0;
    event *ev = malloc((n ? n : 1) * sizeof *ev);
    int rc = -1;

    if (ev == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < l->nmembers; i++)
        ev[k++] =
            (event){l->kind == ALIGN_KIND_UNION ? 0 : member_pos(&l->members[i]), EV_MEMBER, i};
    for (size_t i = 0; i < l->nholes; i++)
        ev[k++] = (event){l->holes[i].offset * 8, EV_HOLE, i};
    for (size_t i = 0; i < l->nbit_holes; i++)
        ev[k++] = (event){l->bit_holes[i].bit_offset, EV_BIT_HOLE, i};
    qsort(ev, n, sizeof *ev, cmp_event);
    for (size_t i = 0; i < n; i++) {
        switch (ev[i].kind) {
        case EV_MEMBER:
            if (render_member(c, l, &l->members[ev[i].index], base, data, values, skip, indent,
                              depth) < 0)
                goto cleanup;
            break;
        case EV_HOLE:
            hole_line(c, data, base, l->holes[ev[i].index].offset, l->holes[ev[i].index].size,
                      "hole");
            break;
        case EV_BIT_HOLE: bit_hole_line(c, data, base, &l->bit_holes[ev[i].index]); break;
        }
    }
    if (l->tail_padding)
        hole_line(c, data, base, l->size - l->tail_padding, l->tail_padding, "padding");
    rc = 0;
cleanup:
    free(ev);
    return rc;
}

/* align_render_text's summary: every line from the "size:" line on.  Taken from
 * the library's own renderer so that the numbers and words are the CLI's. */
static void summary(live_ctx *c, const align_layout *l)
{
    align_go_decl_opts go = {.type_params = c->o->type_params};
    align_render_opts ro = {.hex_offsets = c->o->hex_offsets,
                            .show_optimal = 1,
                            .cost = c->o->cost,
                            .cachelines = 0,
                            .go_decl = c->o->type_params != NULL ? &go : NULL};
    align_buf full;
    const char *s;
    align_buf_init(&full);
    align_render_text(&full, l, &ro);
    if (full.failed)
        c->out->failed = 1;
    s = full.data ? strstr(full.data, "\n/* size: ") : NULL;
    if (s != NULL)
        align_buf_puts(c->out, s + 1);
    align_buf_free(&full);
}

/* The leak check of the whole value, every depth (leaks.c), before the
 * members are rendered: c->mask is set for them, and *report receives the
 * warning with one line per run of non-zero padding, or the line saying
 * that all of it is zero. */
static int leak_check(live_ctx *c, const align_layout *l, const unsigned char *data,
                      unsigned char **mask, align_buf *report)
{
    leak_scan_opts so = c->o->scan;
    const unsigned char *bytes = c->o->scan_data != NULL ? c->o->scan_data : data;
    uint64_t avail = c->o->scan_data != NULL ? c->o->scan_avail : l->size;
    align_buf runs;
    leak_result r;
    char limit[96] = "";
    int rc;

    if (so.type == NULL) {
        so.type = l->type;
        so.size = l->size;
    }
    if (so.root == NULL)
        so.root = "value";
    if (so.first_sep == NULL)
        so.first_sep = ".";
    align_buf_init(&runs);
    rc = leak_scan(c->st, c->g, c->flags, c->cacheline, bytes, avail, &so, &r, &runs, mask);
    if (rc < 0)
        goto cleanup;
    c->mask = *mask;
    c->mask_len = r.checked;
    if (r.checked < so.size)
        snprintf(limit, sizeof limit, "; only the first %llu of its %llu bytes were checked",
                 (unsigned long long)r.checked, (unsigned long long)so.size);
    if (r.bytes == 0 && r.bits == 0) {
        if (r.padding_bits % 8 == 0 && r.padding_bits > 0)
            align_buf_printf(
                report, "/* leak check: all %llu padding bytes are zero, at every depth%s */\n",
                (unsigned long long)r.padding_bits / 8, limit);
        else if (r.padding_bits > 0)
            align_buf_printf(report,
                             "/* leak check: all %llu padding bits are zero, at every depth%s */\n",
                             (unsigned long long)r.padding_bits, limit);
        goto cleanup;
    }
    align_buf_puts(report, "/* warning: ");
    if (r.bytes)
        align_buf_printf(report, "%llu padding byte%s", (unsigned long long)r.bytes,
                         r.bytes == 1 ? "" : "s");
    if (r.bytes && r.bits)
        align_buf_puts(report, " and ");
    if (r.bits)
        align_buf_printf(report, "%llu unused bit%s", (unsigned long long)r.bits,
                         r.bits == 1 ? "" : "s");
    align_buf_printf(report,
                     " %s not zero: copying this value out (write, send, copy_to_user) leaks "
                     "%s */\n/* non-zero padding, %llu run%s, at every depth%s: */\n",
                     r.bytes + r.bits == 1 ? "is" : "are", r.bytes + r.bits == 1 ? "it" : "them",
                     (unsigned long long)r.runs, r.runs == 1 ? "" : "s", limit);
    align_buf_append(report, runs.data ? runs.data : "", runs.len);
    if (r.runs > LEAK_MAX_RUNS)
        align_buf_printf(report, "/*   ... %llu more runs not listed */\n",
                         (unsigned long long)(r.runs - LEAK_MAX_RUNS));
cleanup:
    if (runs.failed)
        report->failed = 1;
    align_buf_free(&runs);
    return rc;
}

PyObject *live_render(module_state *st, align_graph *g, const align_layout *l,
                      unsigned layout_flags, uint32_t cacheline, const unsigned char *data,
                      PyObject *values, const live_opts *o)
{
    live_ctx c = {.st = st,
                  .g = g,
                  .flags = layout_flags,
                  .cacheline = cacheline,
                  .o = o,
                  .values = values != NULL};
    align_buf out, report;
    PyObject *result = NULL;
    unsigned char *mask = NULL;
    int skip;

    align_buf_init(&out);
    align_buf_init(&report);
    c.out = &out;
    if (check_values(values, l, &skip) < 0)
        goto cleanup;
    if (data != NULL && leak_check(&c, l, data, &mask, &report) < 0)
        goto cleanup;
    if (o->title != NULL && o->title[0] != '\0')
        align_buf_printf(&out, "%s  (%s/%s)", o->title, align_lang_name(l->lang),
                         align_arch_name(l->arch));
    else
        align_buf_printf(&out, "%s %s  (%s/%s)", l->kind == ALIGN_KIND_UNION ? "union" : "struct",
                         l->name, align_lang_name(l->lang), align_arch_name(l->arch));
    if (o->have_address)
        align_buf_printf(&out, "  at 0x%llx", (unsigned long long)o->address);
    if (o->note != NULL && o->note[0] != '\0')
        align_buf_printf(&out, "  %s", o->note);
    /* One header for both offset styles: "%9llu" and "   0x%04llx" are as wide. */
    align_buf_puts(&out, "\n/*    offset |  size */\n");
    if (render_record(&c, l, 0, data, values, skip, 0, 0) < 0)
        goto cleanup;
    summary(&c, l);
    if (!l->positions_valid)
        align_buf_printf(&out,
                         "/* warning: the debug information is inconsistent (%s): shown as "
                         "written, no order suggested */\n",
                         l->invalid);
    else if (l->model_agrees == 0)
        align_buf_printf(&out,
                         "/* note: the model lays this out differently (%s): offsets are the "
                         "compiler's, the optimal order is the model's */\n",
                         l->mismatch);
    align_buf_append(&out, report.data ? report.data : "", report.len);
    if (report.failed)
        out.failed = 1;
    if (out.failed) {
        PyErr_NoMemory();
        goto cleanup;
    }
    result = PyUnicode_DecodeUTF8(out.data ? out.data : "", (Py_ssize_t)out.len, "replace");
cleanup:
    free(mask);
    align_buf_free(&report);
    align_buf_free(&out);
    return result;
}
