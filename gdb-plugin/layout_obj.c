/*
 * layout_obj.c - _libalign.Layout: one laid-out struct or union, read-only,
 * with the renderers of libalign (text, declaration, JSON), the live view
 * (live.c) and the cost at an instance count.
 *
 * A Layout owns its align_layout and keeps its Graph alive (members point
 * at the graph's types and strings).  Every attribute is computed on access
 * from the align_layout: the objects are made once per command and read a
 * few times, so caching would only add state.
 */
#include "plugin.h"

#include <stdlib.h>

#include <string.h>

static int layout_traverse(LayoutObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->owner);
    return 0;
}

static int layout_clear(LayoutObject *self)
{
    Py_CLEAR(self->owner);
    return 0;
}

static void layout_dealloc(LayoutObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    align_layout_free(self->layout);
    self->layout = NULL;
    layout_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

enum {
    L_SIZE,
    L_ALIGN,
    L_TAIL,
    L_PADDING,
    L_INTENTIONAL,
    L_SUM,
    L_PTRDATA,
    L_OPT_SIZE,
    L_OPT_PTRDATA,
    L_RECLAIMABLE,
    L_CACHELINE,
    L_NCACHELINES
};

static PyObject *layout_get_number(LayoutObject *self, void *closure)
{
    const align_layout *l = self->layout;
    switch ((int)(intptr_t)closure) {
    case L_SIZE: return PyLong_FromUnsignedLongLong(l->size);
    case L_ALIGN: return PyLong_FromUnsignedLong(l->align);
    case L_TAIL: return PyLong_FromUnsignedLongLong(l->tail_padding);
    case L_PADDING: return PyLong_FromUnsignedLongLong(l->padding);
    case L_INTENTIONAL: return PyLong_FromUnsignedLongLong(l->intentional_padding);
    case L_SUM: return PyLong_FromUnsignedLongLong(l->sum_members);
    case L_PTRDATA: return PyLong_FromUnsignedLongLong(l->ptrdata);
    case L_OPT_SIZE: return PyLong_FromUnsignedLongLong(l->optimal_size);
    case L_OPT_PTRDATA: return PyLong_FromUnsignedLongLong(l->optimal_ptrdata);
    case L_RECLAIMABLE: return PyLong_FromUnsignedLongLong(l->reclaimable);
    case L_CACHELINE: return PyLong_FromUnsignedLong(l->cacheline);
    default: return PyLong_FromUnsignedLongLong(l->ncachelines);
    }
}

static PyObject *layout_get_name(LayoutObject *self, void *closure)
{
    return PyUnicode_FromString(self->layout->name);
}

static PyObject *layout_get_kind(LayoutObject *self, void *closure)
{
    return PyUnicode_FromString(self->layout->kind == ALIGN_KIND_UNION ? "union" : "struct");
}

static PyObject *layout_get_lang(LayoutObject *self, void *closure)
{
    return PyUnicode_FromString(align_lang_name(self->layout->lang));
}

static PyObject *layout_get_arch(LayoutObject *self, void *closure)
{
    return PyUnicode_FromString(align_arch_name(self->layout->arch));
}

static PyObject *layout_get_type(LayoutObject *self, void *closure)
{
    /* The layout's type is const in libalign; the Type object never
     * mutates it (Type has no mutators). */
    return plugin_type_wrap(self->owner, (align_type *)self->layout->type);
}

static PyObject *member_tuple(module_state *st, const align_member *m)
{
    PyObject *t = PyStructSequence_New(st->member_type);
    PyObject *v[15];
    int n = 0;
    if (t == NULL)
        return NULL;
    v[n++] = PyUnicode_FromString(m->name);
    v[n++] = PyUnicode_FromString(m->type_name);
    v[n++] = PyLong_FromSize_t(m->index);
    v[n++] = PyLong_FromUnsignedLongLong(m->offset);
    v[n++] = PyLong_FromUnsignedLongLong(m->size);
    v[n++] = PyLong_FromUnsignedLong(m->align);
    v[n++] = PyLong_FromUnsignedLongLong(m->flags & ALIGN_MEMBER_BITFIELD ? m->bit_offset
                                                                          : m->offset * 8);
    if (m->flags & ALIGN_MEMBER_BITFIELD) {
        v[n++] = PyLong_FromUnsignedLong(m->bit_size);
    } else {
        Py_INCREF(Py_None);
        v[n++] = Py_None;
    }
    v[n++] = PyLong_FromUnsignedLongLong(m->ptrdata);
    v[n++] = PyBool_FromLong(m->flags & ALIGN_MEMBER_EMBEDDED);
    v[n++] = PyBool_FromLong(m->flags & ALIGN_MEMBER_BLANK);
    v[n++] = PyBool_FromLong(m->flags & ALIGN_MEMBER_FLEXIBLE);
    v[n++] = PyBool_FromLong(m->flags & ALIGN_MEMBER_ANONYMOUS);
    v[n++] = PyBool_FromLong(m->flags & ALIGN_MEMBER_CROSSES_LINE);
    for (int i = 0; i < n; i++) {
        if (v[i] == NULL) {
            for (int j = i + 1; j < n; j++)
                Py_XDECREF(v[j]);
            Py_DECREF(t);
            return NULL;
        }
        PyStructSequence_SetItem(t, i, v[i]); /* steals */
    }
    return t;
}

static PyObject *layout_get_members(LayoutObject *self, void *closure)
{
    module_state *st = plugin_state((PyObject *)self);
    const align_layout *l = self->layout;
    PyObject *tuple;
    if (st == NULL)
        return NULL;
    tuple = PyTuple_New((Py_ssize_t)l->nmembers);
    if (tuple == NULL)
        return NULL;
    for (size_t i = 0; i < l->nmembers; i++) {
        PyObject *m = member_tuple(st, &l->members[i]);
        if (m == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, (Py_ssize_t)i, m);
    }
    return tuple;
}

static PyObject *pair_tuple(PyTypeObject *tp, uint64_t a, uint64_t b)
{
    PyObject *t = PyStructSequence_New(tp);
    PyObject *x, *y;
    if (t == NULL)
        return NULL;
    x = PyLong_FromUnsignedLongLong(a);
    y = PyLong_FromUnsignedLongLong(b);
    if (x == NULL || y == NULL) {
        Py_XDECREF(x);
        Py_XDECREF(y);
        Py_DECREF(t);
        return NULL;
    }
    PyStructSequence_SetItem(t, 0, x);
    PyStructSequence_SetItem(t, 1, y);
    return t;
}

/* closure: 0 byte holes, 1 bit holes */
static PyObject *layout_get_holes(LayoutObject *self, void *closure)
{
    module_state *st = plugin_state((PyObject *)self);
    const align_layout *l = self->layout;
    const bool bits = closure != NULL;
    size_t n = bits ? l->nbit_holes : l->nholes;
    PyObject *tuple;
    if (st == NULL)
        return NULL;
    tuple = PyTuple_New((Py_ssize_t)n);
    if (tuple == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *h = bits ? pair_tuple(st->bit_hole_type, l->bit_holes[i].bit_offset,
                                        l->bit_holes[i].bit_size)
                           : pair_tuple(st->hole_type, l->holes[i].offset, l->holes[i].size);
        if (h == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, (Py_ssize_t)i, h);
    }
    return tuple;
}

static PyObject *layout_get_order(LayoutObject *self, void *closure)
{
    const align_layout *l = self->layout;
    PyObject *tuple = PyTuple_New((Py_ssize_t)l->nmembers);
    if (tuple == NULL)
        return NULL;
    for (size_t i = 0; i < l->nmembers; i++) {
        PyObject *v = PyLong_FromSize_t(l->optimal_order[i]);
        if (v == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, (Py_ssize_t)i, v);
    }
    return tuple;
}

static PyObject *layout_get_proven(LayoutObject *self, void *closure)
{
    return PyBool_FromLong(self->layout->optimal_proven);
}

static PyObject *layout_get_note(LayoutObject *self, void *closure)
{
    if (self->layout->optimal_note == NULL)
        Py_RETURN_NONE;
    return PyUnicode_FromString(self->layout->optimal_note);
}

static PyObject *layout_get_agrees(LayoutObject *self, void *closure)
{
    if (self->layout->model_agrees < 0)
        Py_RETURN_NONE;
    return PyBool_FromLong(self->layout->model_agrees);
}

static PyObject *layout_get_mismatch(LayoutObject *self, void *closure)
{
    if (self->layout->model_agrees != 0)
        Py_RETURN_NONE;
    return PyUnicode_FromString(self->layout->mismatch);
}

static PyObject *layout_get_invalid(LayoutObject *self, void *closure)
{
    if (self->layout->positions_valid)
        Py_RETURN_NONE;
    return PyUnicode_FromString(self->layout->invalid);
}

#define NUM(name, id, doc)                                                                         \
    {                                                                                              \
        name, (getter)layout_get_number, NULL, doc, (void *)(intptr_t)(id)                         \
    }
static PyGetSetDef layout_getset[] = {
    {"name", (getter)layout_get_name, NULL, "The record's name or display text.", NULL},
    {"kind", (getter)layout_get_kind, NULL, "'struct' or 'union'.", NULL},
    {"lang", (getter)layout_get_lang, NULL, "'go' or 'c'.", NULL},
    {"arch", (getter)layout_get_arch, NULL, "The architecture it was laid out for.", NULL},
    {"type", (getter)layout_get_type, NULL, "The record's Type.", NULL},
    NUM("size", L_SIZE, "Size in bytes."),
    NUM("align", L_ALIGN, "Alignment in bytes (the model's)."),
    NUM("tail_padding", L_TAIL, "Bytes after the last member."),
    NUM("padding", L_PADDING, "Holes plus tail padding, bytes."),
    NUM("intentional_padding", L_INTENTIONAL, "Go `_` fields, bytes (not waste)."),
    NUM("sum_members", L_SUM, "Bytes the members occupy."),
    NUM("ptrdata", L_PTRDATA, "Go pointer bytes (0 for C)."),
    NUM("optimal_size", L_OPT_SIZE, "Size in the optimal order, bytes."),
    NUM("optimal_ptrdata", L_OPT_PTRDATA, "Go pointer bytes in the optimal order."),
    NUM("reclaimable", L_RECLAIMABLE, "size - optimal_size."),
    NUM("cacheline", L_CACHELINE, "Cache line size used, bytes."),
    NUM("ncachelines", L_NCACHELINES, "Cache lines one instance at offset 0 touches."),
    {"members", (getter)layout_get_members, NULL, "Tuple of Member, in declaration order.", NULL},
    {"holes", (getter)layout_get_holes, NULL, "Tuple of Hole(offset, size), bytes.", NULL},
    {"bit_holes", (getter)layout_get_holes, NULL,
     "Tuple of BitHole(bit_offset, bit_size): unused bits in bytes bit-fields use.", (void *)1},
    {"optimal_order", (getter)layout_get_order, NULL, "Declaration indices in the optimal order.",
     NULL},
    {"optimal_proven", (getter)layout_get_proven, NULL, "True when optimal_size is proven minimal.",
     NULL},
    {"optimal_note", (getter)layout_get_note, NULL, "Why the order was constrained, or None.",
     NULL},
    {"model_agrees", (getter)layout_get_agrees, NULL,
     "True/False: the model reproduced the given positions; None: none given.", NULL},
    {"mismatch", (getter)layout_get_mismatch, NULL, "What the model placed differently, or None.",
     NULL},
    {"invalid", (getter)layout_get_invalid, NULL,
     "Why the given positions cannot be right (members overlap or end past the record), "
     "or None.",
     NULL},
    {NULL},
};
#undef NUM

/* count argument (int or str such as "100M") -> *count; 0 when None. */
static int count_arg(module_state *st, PyObject *o, uint64_t *count, int *have, const char *what)
{
    *have = 0;
    if (o == NULL || o == Py_None)
        return 0;
    if (PyUnicode_Check(o)) {
        const char *s = PyUnicode_AsUTF8(o);
        if (s == NULL)
            return -1;
        if (align_count_parse(count, s) < 0) {
            plugin_raise(st, what);
            return -1;
        }
    } else if (plugin_as_u64(o, count, what, "count") < 0) {
        return -1;
    }
    *have = 1;
    return 0;
}

static PyObject *buf_result(align_buf *b)
{
    PyObject *r;
    if (b->failed) {
        align_buf_free(b);
        return PyErr_NoMemory();
    }
    r = PyUnicode_DecodeUTF8(b->data ? b->data : "", (Py_ssize_t)b->len, "replace");
    align_buf_free(b);
    return r;
}

PyDoc_STRVAR(layout_render_doc,
             "render(*, hex=False, show_optimal=True, count=None, cachelines=False) -> str\n\n"
             "The ptype /o-like text of libalign (align_render_text).  count: instances\n"
             "(int or text such as '100M') for the cost line.");

static PyObject *layout_render(LayoutObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"hex", "show_optimal", "count", "cachelines", NULL};
    module_state *st = plugin_state((PyObject *)self);
    int hex = 0, show_optimal = 1, cachelines = 0, have_count;
    PyObject *count_obj = NULL;
    uint64_t count = 0;
    align_cost cost;
    align_render_opts o;
    align_buf b;

    if (st == NULL || !PyArg_ParseTupleAndKeywords(args, kwargs, "|$ppOp:Layout.render", kwlist,
                                                   &hex, &show_optimal, &count_obj, &cachelines))
        return NULL;
    if (count_arg(st, count_obj, &count, &have_count, "Layout.render()") < 0)
        return NULL;
    if (have_count && align_cost_compute(&cost, self->layout, count) < 0)
        return plugin_raise(st, "Layout.render()");
    memset(&o, 0, sizeof o);
    o.hex_offsets = hex;
    o.show_optimal = show_optimal;
    o.cachelines = cachelines;
    o.cost = have_count ? &cost : NULL;
    align_buf_init(&b);
    align_render_text(&b, self->layout, &o);
    return buf_result(&b);
}

static PyObject *layout_render_decl(LayoutObject *self, PyObject *unused)
{
    align_buf b;
    align_buf_init(&b);
    align_render_decl(&b, self->layout);
    return buf_result(&b);
}

PyDoc_STRVAR(layout_render_json_doc, "render_json(count=None) -> str\n\n"
                                     "One element of the JSON \"types\" array (structalign(1)).");

static PyObject *layout_render_json(LayoutObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"count", NULL};
    module_state *st = plugin_state((PyObject *)self);
    PyObject *count_obj = NULL;
    uint64_t count = 0;
    int have_count;
    align_cost cost;
    align_buf b;

    if (st == NULL ||
        !PyArg_ParseTupleAndKeywords(args, kwargs, "|O:Layout.render_json", kwlist, &count_obj))
        return NULL;
    if (count_arg(st, count_obj, &count, &have_count, "Layout.render_json()") < 0)
        return NULL;
    if (have_count && align_cost_compute(&cost, self->layout, count) < 0)
        return plugin_raise(st, "Layout.render_json()");
    align_buf_init(&b);
    align_render_json(&b, self->layout, have_count ? &cost : NULL);
    return buf_result(&b);
}

PyDoc_STRVAR(layout_render_live_doc,
             "render_live(data=None, values=None, *, hex=False, count=None, recurse=False,\n"
             "            address=None, note=None, whole=None, root=None, sep=None,\n"
             "            title=None, type_params=None) -> str\n\n"
             "The layout with live values and padding bytes, as the align command shows\n"
             "it.  data: the value's bytes (bytes-like, at least size bytes) or None.\n"
             "values: None, or one entry per member in declaration order (unnamed\n"
             "bit-fields may be left out): a str, None, or (str, values) for a nested\n"
             "struct or union, expanded when recurse is true.  Holes and padding show their live "
             "bytes; non-zero padding is\n"
             "flagged.  address (int) and note (str) go on the title line.\n"
             "Every padding bit of the value is checked at every depth (nested records,\n"
             "unions, array elements; the first 1 MiB) and each run of non-zero padding\n"
             "listed, named from root (default 'value'; sep joins it to the first member,\n"
             "default '.').  whole: the Type of data when it is more than the record (an\n"
             "array of it: the members shown are element 0's).  title: the type as written\n"
             "for the title line (default 'struct NAME').  type_params: Go, a generic\n"
             "record's '[K comparable, V any]' as declared, for the suggested declaration.");

static PyObject *layout_render_live(LayoutObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"data",  "values", "hex", "count", "recurse",     "address", "note",
                             "whole", "root",   "sep", "title", "type_params", NULL};
    const char *what = "Layout.render_live()";
    module_state *st = plugin_state((PyObject *)self);
    PyObject *data_obj = Py_None, *values = Py_None, *count_obj = NULL, *addr_obj = Py_None;
    PyObject *result = NULL, *whole = Py_None;
    const char *note = NULL, *root = NULL, *sep = NULL, *title = NULL, *type_params = NULL;
    Py_buffer view = {0};
    int hex = 0, recurse = 0, have_count = 0, have_view = 0;
    uint64_t count = 0;
    align_cost cost;
    live_opts o;

    if (st == NULL ||
        !PyArg_ParseTupleAndKeywords(args, kwargs, "|OO$pOpOzOzzzz:Layout.render_live", kwlist,
                                     &data_obj, &values, &hex, &count_obj, &recurse, &addr_obj,
                                     &note, &whole, &root, &sep, &title, &type_params))
        return NULL;
    memset(&o, 0, sizeof o);
    if (whole != Py_None) {
        uint64_t wsize = 0, wptr;
        uint32_t walign;
        if (!PyObject_TypeCheck(whole, st->type_type) ||
            ((TypeObject *)whole)->owner != self->owner) {
            PyErr_Format(PyExc_TypeError, "%s: whole must be a Type of the layout's Graph", what);
            return NULL;
        }
        o.scan.type = ((TypeObject *)whole)->type;
        if (align_type_size(self->owner->graph, o.scan.type, &wsize, &walign, &wptr) < 0)
            return plugin_raise(st, what);
        o.scan.size = wsize;
    }
    o.title = title;
    o.type_params = type_params;
    o.scan.root = root;
    o.scan.first_sep = sep;
    if (data_obj != Py_None) {
        if (PyObject_GetBuffer(data_obj, &view, PyBUF_SIMPLE) < 0) {
            if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, "%s: data must be bytes-like or None, not %.100s",
                             what, Py_TYPE(data_obj)->tp_name);
            }
            goto cleanup;
        }
        have_view = 1;
        o.scan_data = view.buf;
        o.scan_avail = (uint64_t)view.len;
        if ((uint64_t)view.len < self->layout->size) {
            PyErr_Format(PyExc_ValueError, "%s: data holds %zd bytes, the %s is %llu", what,
                         view.len, self->layout->name, (unsigned long long)self->layout->size);
            goto cleanup;
        }
    }
    if (values != Py_None && !PySequence_Check(values)) {
        PyErr_Format(PyExc_TypeError, "%s: values must be a sequence or None, not %.100s", what,
                     Py_TYPE(values)->tp_name);
        goto cleanup;
    }
    if (count_arg(st, count_obj, &count, &have_count, what) < 0)
        goto cleanup;
    if (have_count && align_cost_compute(&cost, self->layout, count) < 0) {
        plugin_raise(st, what);
        goto cleanup;
    }
    if (addr_obj != Py_None) {
        if (plugin_as_u64(addr_obj, &o.address, what, "address") < 0)
            goto cleanup;
        o.have_address = 1;
    }
    if (recurse && align_abi_arch(align_graph_abi(self->owner->graph)) != self->layout->arch) {
        PyErr_Format(PyExc_ValueError,
                     "%s: the Graph was moved to another arch since this layout was made", what);
        goto cleanup;
    }
    o.hex_offsets = hex;
    o.recurse = recurse;
    o.cost = have_count ? &cost : NULL;
    o.note = note;
    result = live_render(st, self->owner->graph, self->layout, self->flags, self->cacheline,
                         have_view ? view.buf : NULL, values == Py_None ? NULL : values, &o);
cleanup:
    if (have_view)
        PyBuffer_Release(&view);
    return result;
}

PyDoc_STRVAR(layout_leak_check_doc,
             "leak_check(data, *, whole=None, root=None, sep=None) -> dict\n\n"
             "The leak check of render_live() as data: every padding bit of the value in\n"
             "data (the record, or whole: an array of it) at every depth.  Keys: checked\n"
             "(bytes), padding_bits, bytes and bits (non-zero ones), runs (count) and\n"
             "listed: (name, offset in name, offset in the value, bytes, unused-bits\n"
             "mask or None) for the first 64 runs; mask: one byte per byte checked,\n"
             "its padding bits set.");

static PyObject *layout_leak_check(LayoutObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"data", "whole", "root", "sep", NULL};
    const char *what = "Layout.leak_check()";
    module_state *st = plugin_state((PyObject *)self);
    PyObject *data_obj, *whole = Py_None, *result = NULL, *runs = NULL;
    Py_buffer view = {0};
    leak_scan_opts so = {0};
    leak_result r;
    unsigned char *mask = NULL;

    if (st == NULL || !PyArg_ParseTupleAndKeywords(args, kwargs, "O|$Ozz:Layout.leak_check", kwlist,
                                                   &data_obj, &whole, &so.root, &so.first_sep))
        return NULL;
    if (PyObject_GetBuffer(data_obj, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    so.type = self->layout->type;
    so.size = self->layout->size;
    if (whole != Py_None) {
        uint32_t walign;
        uint64_t wptr;
        if (!PyObject_TypeCheck(whole, st->type_type) ||
            ((TypeObject *)whole)->owner != self->owner) {
            PyErr_Format(PyExc_TypeError, "%s: whole must be a Type of the layout's Graph", what);
            goto cleanup;
        }
        so.type = ((TypeObject *)whole)->type;
        if (align_type_size(self->owner->graph, so.type, &so.size, &walign, &wptr) < 0) {
            plugin_raise(st, what);
            goto cleanup;
        }
    }
    if ((uint64_t)view.len < (so.size < LEAK_MAX_BYTES ? so.size : LEAK_MAX_BYTES) &&
        (uint64_t)view.len < so.size) {
        PyErr_Format(PyExc_ValueError, "%s: data holds %zd bytes, the value %llu", what, view.len,
                     (unsigned long long)so.size);
        goto cleanup;
    }
    if (so.root == NULL)
        so.root = "value";
    if (so.first_sep == NULL)
        so.first_sep = ".";
    runs = PyList_New(0);
    if (runs == NULL)
        goto cleanup;
    so.runs = runs;
    if (leak_scan(st, self->owner->graph, self->flags, self->cacheline, view.buf,
                  (uint64_t)view.len, &so, &r, NULL, &mask) < 0)
        goto cleanup;
    result =
        Py_BuildValue("{sKsKsKsKsKsOsy#}", "checked", (unsigned long long)r.checked, "padding_bits",
                      (unsigned long long)r.padding_bits, "bytes", (unsigned long long)r.bytes,
                      "bits", (unsigned long long)r.bits, "runs", (unsigned long long)r.runs,
                      "listed", runs, "mask", (const char *)mask, (Py_ssize_t)r.checked);
cleanup:
    free(mask);
    Py_XDECREF(runs);
    PyBuffer_Release(&view);
    return result;
}

PyDoc_STRVAR(layout_cost_doc,
             "cost(count) -> Cost(count, bytes_now, bytes_optimal, bytes_saved)\n\n"
             "count: int, or text such as '100M', '1.5G', '100_000_000'.");

static PyObject *layout_cost(LayoutObject *self, PyObject *arg)
{
    module_state *st = plugin_state((PyObject *)self);
    uint64_t count;
    int have;
    align_cost c;
    PyObject *t, *v[4];

    if (st == NULL)
        return NULL;
    if (arg == Py_None) {
        PyErr_SetString(PyExc_TypeError, "Layout.cost(): count must be int or str, not None");
        return NULL;
    }
    if (count_arg(st, arg, &count, &have, "Layout.cost()") < 0)
        return NULL;
    if (align_cost_compute(&c, self->layout, count) < 0)
        return plugin_raise(st, "Layout.cost()");
    t = PyStructSequence_New(st->cost_type);
    if (t == NULL)
        return NULL;
    v[0] = PyLong_FromUnsignedLongLong(c.count);
    v[1] = PyLong_FromUnsignedLongLong(c.bytes_now);
    v[2] = PyLong_FromUnsignedLongLong(c.bytes_optimal);
    v[3] = PyLong_FromUnsignedLongLong(c.bytes_saved);
    for (int i = 0; i < 4; i++) {
        if (v[i] == NULL) {
            for (int j = i + 1; j < 4; j++)
                Py_XDECREF(v[j]);
            Py_DECREF(t);
            return NULL;
        }
        PyStructSequence_SetItem(t, i, v[i]);
    }
    return t;
}

static PyObject *layout_repr(LayoutObject *self)
{
    const align_layout *l = self->layout;
    return PyUnicode_FromFormat("<_libalign.Layout %s %s (%s/%s): %llu bytes, optimal %llu>",
                                l->kind == ALIGN_KIND_UNION ? "union" : "struct", l->name,
                                align_lang_name(l->lang), align_arch_name(l->arch),
                                (unsigned long long)l->size, (unsigned long long)l->optimal_size);
}

static PyMethodDef layout_methods[] = {
    {"render", (PyCFunction)(void (*)(void))layout_render, METH_VARARGS | METH_KEYWORDS,
     layout_render_doc},
    {"render_decl", (PyCFunction)layout_render_decl, METH_NOARGS,
     "render_decl() -> str\n\nThe record declared again in the optimal order."},
    {"render_json", (PyCFunction)(void (*)(void))layout_render_json, METH_VARARGS | METH_KEYWORDS,
     layout_render_json_doc},
    {"render_live", (PyCFunction)(void (*)(void))layout_render_live, METH_VARARGS | METH_KEYWORDS,
     layout_render_live_doc},
    {"cost", (PyCFunction)layout_cost, METH_O, layout_cost_doc},
    {"leak_check", (PyCFunction)(void (*)(void))layout_leak_check, METH_VARARGS | METH_KEYWORDS,
     layout_leak_check_doc},
    {NULL},
};

static PyType_Slot layout_slots[] = {
    {Py_tp_doc, "The layout of one struct or union: members, holes, padding, the optimal\n"
                "order.  Made by Graph.layout() or layout(), never directly."},
    {Py_tp_dealloc, layout_dealloc},
    {Py_tp_traverse, layout_traverse},
    {Py_tp_clear, layout_clear},
    {Py_tp_getset, layout_getset},
    {Py_tp_methods, layout_methods},
    {Py_tp_repr, layout_repr},
    {0, NULL},
};

PyType_Spec plugin_layout_spec = {
    .name = "_libalign.Layout",
    .basicsize = sizeof(LayoutObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION |
             Py_TPFLAGS_IMMUTABLETYPE,
    .slots = layout_slots,
};

PyObject *plugin_layout_new(GraphObject *self, align_type *rec, int given, int optimize,
                            uint32_t cacheline, const char *what)
{
    module_state *st = plugin_state((PyObject *)self);
    align_layout_opts opts;
    LayoutObject *lo;
    align_layout *l;

    if (st == NULL)
        return NULL;
    opts.flags = (given ? ALIGN_LAYOUT_GIVEN : 0) | (optimize ? 0 : ALIGN_LAYOUT_NO_OPTIMIZE);
    opts.cacheline = cacheline;
    if (align_layout_compute(&l, self->graph, rec, &opts) < 0)
        return plugin_raise(st, what);
    lo = PyObject_GC_New(LayoutObject, st->layout_type);
    if (lo == NULL) {
        align_layout_free(l);
        return NULL;
    }
    Py_INCREF(self);
    lo->owner = self;
    lo->layout = l;
    lo->flags = opts.flags;
    lo->cacheline = cacheline;
    PyObject_GC_Track(lo);
    return (PyObject *)lo;
}
