/*
 * module.c - _libalign, libalign for Python: the engine behind the `align`
 * command of GDB and LLDB.
 *
 * Who calls it: gdb-plugin/structalign_common.py (shared by the two command
 * scripts), and anyone with a field list (tests, notebooks).  A command
 * builds one Graph, maps the handful of types its struct uses (tens, rarely
 * thousands for a big nested type), lays one record out and renders it:
 * nothing here is hot, so clarity wins over speed, but every call is safe on
 * any argument: wrong types raise TypeError, bad values ValueError (or
 * _libalign.Error, a ValueError, for what libalign rejects), each message
 * naming the function.
 *
 * Shape (CPython's Modules/xxlimited.c and _bisectmodule.c):
 *   - multi-phase initialisation (PEP 489) with the exception and the heap
 *     types in the module state, nothing in static PyObject * variables, so
 *     each interpreter gets its own module and it is collected cleanly;
 *   - heap types from PyType_FromModuleAndSpec; Type and Layout cannot be
 *     instantiated from Python (they only make sense inside a Graph);
 *   - Type and Layout hold a strong reference to their Graph because they
 *     point into its arena; the Graph holds no Python objects, so no cycle
 *     can form, but every type takes part in GC as heap types should;
 *   - one cleanup label per function that owns something.
 *
 * This file: the module, its errors, Graph and Type; Layout is in
 * layout_obj.c.  Python API (the docstrings are the reference; README.md
 * shows a session):
 *   Graph(lang, arch='amd64')         .lang .arch .abi .pointer_size
 *     .set_arch(arch)  .base(name, size=-1, *, cls=None, align=0)
 *     .pointer(target=None, *, display=None)  .array(elem, count, *, display=None)
 *     .named(name, target)  .opaque(name, size, align, ptrdata=0)
 *     .record(name, fields, *, kind='struct', size=-1, align=0, display=None)
 *     .sizeof(type) -> (size, align, ptrdata)
 *     .layout(record, *, given=True, optimize=True, cacheline=64) -> Layout
 *   Type: .kind .name .display .size .align .ptrdata .graph
 *   Layout: every align_layout field; .render() .render_decl() .render_json()
 *     .render_live() .cost()
 *   layout(fields, *, name='', kind='struct', lang='c', arch='amd64', ...)
 *   parse_count(text)  format_bytes(n)  format_count(n)  Error
 */
#include "plugin.h"

#include "config.h"

#include <string.h>

static PyModuleDef module_def;

/* The module state of any object of our heap types. */
module_state *plugin_state(PyObject *self)
{
    PyObject *m = PyType_GetModuleByDef(Py_TYPE(self), &module_def);
    return m ? (module_state *)PyModule_GetState(m) : NULL;
}

PyObject *plugin_raise(module_state *st, const char *what)
{
    const align_error *e = align_error_last();
    PyObject *exc = NULL, *code = NULL, *hint = NULL, *function = NULL;

    if (st == NULL)
        return NULL; /* the state lookup has set the exception */
    if (e->code == ALIGN_ENOMEM)
        return PyErr_NoMemory();
    exc =
        PyObject_CallFunction(st->error, "s", e->message[0] ? e->message : align_strerror(e->code));
    if (exc == NULL)
        goto cleanup;
    code = PyLong_FromLong(e->code);
    hint = PyUnicode_FromString(e->hint);
    function = PyUnicode_FromString(what);
    if (code == NULL || hint == NULL || function == NULL ||
        PyObject_SetAttrString(exc, "code", code) < 0 ||
        PyObject_SetAttrString(exc, "hint", hint) < 0 ||
        PyObject_SetAttrString(exc, "function", function) < 0)
        goto cleanup;
    PyErr_SetObject(st->error, exc);
cleanup:
    Py_XDECREF(exc);
    Py_XDECREF(code);
    Py_XDECREF(hint);
    Py_XDECREF(function);
    return NULL;
}

static int parse_lang(align_lang *out, const char *s, const char *what)
{
    if (align_lang_parse(out, s) < 0) {
        align_error_clear();
        PyErr_Format(PyExc_ValueError, "%s: unknown language '%s' (use 'go' or 'c')", what, s);
        return -1;
    }
    return 0;
}

static int parse_arch(align_arch *out, const char *s, const char *what)
{
    if (align_arch_parse(out, s) < 0) {
        align_error_clear();
        PyErr_Format(PyExc_ValueError,
                     "%s: unknown architecture '%s' (use amd64/x86_64 or arm64/aarch64)", what, s);
        return -1;
    }
    return 0;
}

static int parse_kind(align_kind *out, const char *s, const char *what)
{
    if (strcmp(s, "struct") == 0) {
        *out = ALIGN_KIND_STRUCT;
        return 0;
    }
    if (strcmp(s, "union") == 0) {
        *out = ALIGN_KIND_UNION;
        return 0;
    }
    PyErr_Format(PyExc_ValueError, "%s: kind must be 'struct' or 'union', not '%s'", what, s);
    return -1;
}

/* Python int -> uint64 with errors naming the function: TypeError for a
 * non-int, ValueError for a negative one, OverflowError past 2^64-1. */
int plugin_as_u64(PyObject *o, uint64_t *out, const char *what, const char *arg)
{
    int overflow;
    long long v;
    if (!PyLong_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s: %s must be int, not %.100s", what, arg,
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (overflow < 0 || (overflow == 0 && v < 0)) {
        PyErr_Format(PyExc_ValueError, "%s: %s must not be negative", what, arg);
        return -1;
    }
    if (overflow == 0) {
        *out = (uint64_t)v;
        return 0;
    }
    *out = PyLong_AsUnsignedLongLong(o);
    if (PyErr_Occurred()) {
        PyErr_Format(PyExc_OverflowError, "%s: %s is larger than 2^64-1", what, arg);
        return -1;
    }
    return 0;
}

/* An optional int argument parsed as long long ("L"): check its range. */
static int in_range(long long v, long long lo, long long hi, const char *what, const char *arg)
{
    if (v < lo || v > hi) {
        PyErr_Format(PyExc_ValueError, "%s: %s must be between %lld and %lld, not %lld", what, arg,
                     lo, hi, v);
        return -1;
    }
    return 0;
}

/* An alignment argument: 0 (none) or a power of two up to 2^28. */
static int align_value(long long v, const char *what, const char *arg)
{
    if (in_range(v, 0, 1 << 28, what, arg) < 0)
        return -1;
    if ((v & (v - 1)) != 0) {
        PyErr_Format(PyExc_ValueError, "%s: %s must be 0 or a power of two, not %lld", what, arg,
                     v);
        return -1;
    }
    return 0;
}

/* ================================================================ Type */

PyObject *plugin_type_wrap(GraphObject *owner, align_type *t)
{
    module_state *st = plugin_state((PyObject *)owner);
    TypeObject *self;
    if (st == NULL)
        return NULL;
    if (t == NULL)
        return plugin_raise(st, "Graph");
    self = PyObject_GC_New(TypeObject, st->type_type);
    if (self == NULL)
        return NULL;
    Py_INCREF(owner);
    self->owner = owner;
    self->type = t;
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

static int type_traverse(TypeObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->owner);
    return 0;
}

static int type_clear(TypeObject *self)
{
    Py_CLEAR(self->owner);
    return 0;
}

static void type_dealloc(TypeObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    type_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static const char *const kind_names[] = {"prim",  "pointer", "array", "struct",
                                         "union", "named",   "func",  "opaque"};

static PyObject *type_get_kind(TypeObject *self, void *closure)
{
    return PyUnicode_FromString(kind_names[align_type_kind(self->type)]);
}

static PyObject *type_get_name(TypeObject *self, void *closure)
{
    const char *n = align_type_name(self->type);
    if (n == NULL)
        Py_RETURN_NONE;
    return PyUnicode_FromString(n);
}

static PyObject *type_get_display(TypeObject *self, void *closure)
{
    return PyUnicode_FromString(align_type_display(self->type));
}

static PyObject *type_get_graph(TypeObject *self, void *closure)
{
    Py_INCREF(self->owner);
    return (PyObject *)self->owner;
}

/* closure: 0 size, 1 align, 2 ptrdata */
static PyObject *type_get_size(TypeObject *self, void *closure)
{
    uint64_t size, ptrdata;
    uint32_t align;
    if (align_type_size(self->owner->graph, self->type, &size, &align, &ptrdata) < 0)
        return plugin_raise(plugin_state((PyObject *)self), "Type.size");
    switch ((int)(intptr_t)closure) {
    case 0: return PyLong_FromUnsignedLongLong(size);
    case 1: return PyLong_FromUnsignedLong(align);
    default: return PyLong_FromUnsignedLongLong(ptrdata);
    }
}

static PyObject *type_repr(TypeObject *self)
{
    const align_abi *abi = align_graph_abi(self->owner->graph);
    return PyUnicode_FromFormat("<_libalign.Type %s %s (%s)>",
                                kind_names[align_type_kind(self->type)],
                                align_type_display(self->type), align_abi_name(abi));
}

static PyGetSetDef type_getset[] = {
    {"kind", (getter)type_get_kind, NULL,
     "'prim', 'pointer', 'array', 'struct', 'union', 'named', 'func' or 'opaque'.", NULL},
    {"name", (getter)type_get_name, NULL, "The type's name or tag, or None.", NULL},
    {"display", (getter)type_get_display, NULL, "How the type is shown to users.", NULL},
    {"graph", (getter)type_get_graph, NULL, "The Graph that owns this type.", NULL},
    {"size", (getter)type_get_size, NULL, "Size in bytes for the graph's current ABI.", (void *)0},
    {"align", (getter)type_get_size, NULL, "Alignment in bytes for the graph's current ABI.",
     (void *)1},
    {"ptrdata", (getter)type_get_size, NULL, "Go pointer bytes at the start of a value.",
     (void *)2},
    {NULL},
};

static PyType_Slot type_slots[] = {
    {Py_tp_doc, "A type in a Graph.  Made by Graph methods, never directly."},
    {Py_tp_dealloc, type_dealloc},
    {Py_tp_traverse, type_traverse},
    {Py_tp_clear, type_clear},
    {Py_tp_getset, type_getset},
    {Py_tp_repr, type_repr},
    {0, NULL},
};

static PyType_Spec type_spec = {
    .name = "_libalign.Type",
    .basicsize = sizeof(TypeObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION |
             Py_TPFLAGS_IMMUTABLETYPE,
    .slots = type_slots,
};

/* The align_type of a Type argument that belongs to graph g. */
static align_type *type_arg(GraphObject *g, PyObject *o, const char *what, const char *arg)
{
    module_state *st = plugin_state((PyObject *)g);
    if (st == NULL)
        return NULL;
    if (!Py_IS_TYPE(o, st->type_type)) {
        PyErr_Format(PyExc_TypeError, "%s: %s must be a _libalign.Type, not %.100s", what, arg,
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    if (((TypeObject *)o)->owner != g) {
        PyErr_Format(PyExc_ValueError, "%s: %s belongs to another Graph", what, arg);
        return NULL;
    }
    return ((TypeObject *)o)->type;
}

/* =============================================================== Graph */

static PyObject *graph_new(PyTypeObject *tp, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"lang", "arch", NULL};
    const char *lang_s, *arch_s = "amd64";
    align_lang lang;
    align_arch arch;
    GraphObject *self;
    PyObject *m = PyType_GetModuleByDef(tp, &module_def);

    if (m == NULL ||
        !PyArg_ParseTupleAndKeywords(args, kwargs, "s|s:Graph", kwlist, &lang_s, &arch_s))
        return NULL;
    if (parse_lang(&lang, lang_s, "Graph()") < 0 || parse_arch(&arch, arch_s, "Graph()") < 0)
        return NULL;
    self = (GraphObject *)tp->tp_alloc(tp, 0);
    if (self == NULL)
        return NULL;
    if (align_graph_new(&self->graph, lang, arch) < 0) {
        Py_DECREF(self);
        return plugin_raise(PyModule_GetState(m), "Graph()");
    }
    return (PyObject *)self;
}

static int graph_traverse(GraphObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static void graph_dealloc(GraphObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    align_graph_free(self->graph);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *graph_get_lang(GraphObject *self, void *closure)
{
    return PyUnicode_FromString(align_lang_name(align_graph_lang(self->graph)));
}

static PyObject *graph_get_arch(GraphObject *self, void *closure)
{
    return PyUnicode_FromString(align_arch_name(align_abi_arch(align_graph_abi(self->graph))));
}

static PyObject *graph_get_abi(GraphObject *self, void *closure)
{
    return PyUnicode_FromString(align_abi_name(align_graph_abi(self->graph)));
}

static PyObject *graph_get_pointer_size(GraphObject *self, void *closure)
{
    return PyLong_FromUnsignedLong(align_abi_pointer_size(align_graph_abi(self->graph)));
}

static PyObject *graph_repr(GraphObject *self)
{
    return PyUnicode_FromFormat("<_libalign.Graph %s>",
                                align_abi_name(align_graph_abi(self->graph)));
}

PyDoc_STRVAR(graph_set_arch_doc,
             "set_arch(arch)\n\n"
             "Lay the same types out for another architecture from now on ('amd64',\n"
             "'arm64'; aliases x86_64, aarch64).  Layouts made before keep their numbers.");

static PyObject *graph_set_arch(GraphObject *self, PyObject *arg)
{
    align_arch arch;
    const char *s;
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "Graph.set_arch(): arch must be str, not %.100s",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    s = PyUnicode_AsUTF8(arg);
    if (s == NULL || parse_arch(&arch, s, "Graph.set_arch()") < 0)
        return NULL;
    if (align_graph_set_arch(self->graph, arch) < 0)
        return plugin_raise(plugin_state((PyObject *)self), "Graph.set_arch()");
    Py_RETURN_NONE;
}

/* Largest power of two dividing size, at most max; 1 for size 0. */
static uint32_t natural_align(uint64_t size, uint32_t max)
{
    uint32_t a = 1;
    while (size != 0 && size % ((uint64_t)a * 2) == 0 && a * 2 <= max)
        a *= 2;
    return a;
}

/* Graph.base and string field types: a primitive when the model has one,
 * wrapped in a named type when the debugger spells it differently, else an
 * opaque type with the model's natural alignment for its size. */
static align_type *make_base(GraphObject *self, const char *name, int64_t size, prim_class cls,
                             uint32_t align_hint, const char *what)
{
    align_graph *g = self->graph;
    int p = prim_lookup(g, name, cls, size);
    if (p >= 0) {
        align_type *t = align_type_prim(g, (align_prim)p);
        if (t != NULL && strcmp(align_type_display(t), name) != 0)
            t = align_type_named(g, name, t);
        if (t == NULL)
            plugin_raise(plugin_state((PyObject *)self), what);
        return t;
    }
    if (size < 0) {
        PyErr_Format(PyExc_ValueError,
                     "%s: '%s' is not a %s primitive: give its size (and cls or align)", what, name,
                     align_lang_name(align_graph_lang(g)));
        return NULL;
    }
    if (align_hint == 0 || (align_hint & (align_hint - 1)) != 0) {
        uint32_t max =
            align_graph_lang(g) == ALIGN_LANG_GO ? align_abi_pointer_size(align_graph_abi(g)) : 16;
        align_hint = natural_align((uint64_t)size, max);
    }
    align_type *t = align_type_opaque(g, name, (uint64_t)size, align_hint, 0);
    if (t == NULL)
        plugin_raise(plugin_state((PyObject *)self), what);
    return t;
}

PyDoc_STRVAR(graph_base_doc,
             "base(name, size=-1, *, cls=None, align=0) -> Type\n\n"
             "A base type as the debugger names it: 'long unsigned int', 'unsigned long',\n"
             "'int64', 'string', '[]int', 'map[string]int', ...  Its size and alignment\n"
             "come from libalign's ABI model, not from the debugger.  cls says what the\n"
             "debugger saw when the name is not a primitive's: 'int', 'uint', 'char',\n"
             "'enum', 'bool', 'float', 'complex', and for Go 'string', 'slice',\n"
             "'interface', 'map', 'chan', 'func', 'pointer'.  A type the model does not\n"
             "know becomes opaque with the given size and align (default: the largest\n"
             "power of two dividing the size).");

static PyObject *graph_base(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"name", "size", "cls", "align", NULL};
    const char *name, *cls_s = NULL;
    long long size = -1, align = 0;
    prim_class cls = PRIM_CLASS_NONE;
    align_type *t;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|L$zL:Graph.base", kwlist, &name, &size,
                                     &cls_s, &align))
        return NULL;
    if (in_range(size, -1, INT64_MAX, "Graph.base()", "size") < 0 ||
        align_value(align, "Graph.base()", "align") < 0)
        return NULL;
    if (cls_s != NULL && prim_class_parse(&cls, cls_s, "Graph.base()") < 0)
        return NULL;
    t = make_base(self, name, size, cls, (uint32_t)align, "Graph.base()");
    if (t == NULL)
        return NULL;
    return plugin_type_wrap(self, t);
}

/* Sets a display text given as an optional str argument. */
static int set_display(GraphObject *self, align_type *t, const char *display)
{
    if (display != NULL && display[0] != '\0')
        align_type_set_display(self->graph, t, display);
    return 0;
}

PyDoc_STRVAR(graph_pointer_doc,
             "pointer(target=None, *, display=None) -> Type\n\n"
             "A pointer (Go: one pointer word of ptrdata).  target may be None: the\n"
             "pointee does not matter to a layout, and debuggers' types can be cyclic.");

static PyObject *graph_pointer(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"target", "display", NULL};
    PyObject *target = Py_None;
    const char *display = NULL;
    align_type *tt = NULL, *t;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O$z:Graph.pointer", kwlist, &target, &display))
        return NULL;
    if (target != Py_None) {
        tt = type_arg(self, target, "Graph.pointer()", "target");
        if (tt == NULL)
            return NULL;
    }
    t = align_type_pointer(self->graph, tt);
    if (t == NULL)
        return plugin_raise(plugin_state((PyObject *)self), "Graph.pointer()");
    set_display(self, t, display);
    return plugin_type_wrap(self, t);
}

PyDoc_STRVAR(graph_array_doc,
             "array(elem, count, *, display=None) -> Type\n\n"
             "count elements of elem; count None is a C flexible array member (T x[]).");

static PyObject *graph_array(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"elem", "count", "display", NULL};
    PyObject *elem, *count_obj;
    const char *display = NULL;
    uint64_t count = ALIGN_FLEXIBLE;
    align_type *et, *t;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$z:Graph.array", kwlist, &elem, &count_obj,
                                     &display))
        return NULL;
    et = type_arg(self, elem, "Graph.array()", "elem");
    if (et == NULL)
        return NULL;
    if (count_obj != Py_None) {
        if (plugin_as_u64(count_obj, &count, "Graph.array()", "count") < 0)
            return NULL;
        if (count == ALIGN_FLEXIBLE) {
            PyErr_SetString(PyExc_OverflowError, "Graph.array(): count is too large");
            return NULL;
        }
    }
    t = align_type_array(self->graph, et, count);
    if (t == NULL)
        return plugin_raise(plugin_state((PyObject *)self), "Graph.array()");
    set_display(self, t, display);
    return plugin_type_wrap(self, t);
}

PyDoc_STRVAR(graph_named_doc,
             "named(name, target) -> Type\n\n"
             "A C typedef or Go defined type: laid out like target, shown as name.");

static PyObject *graph_named(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"name", "target", NULL};
    const char *name;
    PyObject *target;
    align_type *tt, *t;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO:Graph.named", kwlist, &name, &target))
        return NULL;
    tt = type_arg(self, target, "Graph.named()", "target");
    if (tt == NULL)
        return NULL;
    t = align_type_named(self->graph, name, tt);
    if (t == NULL)
        return plugin_raise(plugin_state((PyObject *)self), "Graph.named()");
    return plugin_type_wrap(self, t);
}

PyDoc_STRVAR(graph_atomic_doc,
             "atomic(target) -> Type\n\n"
             "C: _Atomic target, aligned as GCC aligns it (a 2-, 4-, 8- or 16-byte type\n"
             "to its size).");

static PyObject *graph_atomic(GraphObject *self, PyObject *target)
{
    align_type *tt = type_arg(self, target, "Graph.atomic()", "target"), *t;
    if (tt == NULL)
        return NULL;
    t = align_type_atomic(self->graph, tt);
    if (t == NULL)
        return plugin_raise(plugin_state((PyObject *)self), "Graph.atomic()");
    return plugin_type_wrap(self, t);
}

PyDoc_STRVAR(graph_opaque_doc,
             "opaque(name, size, align, ptrdata=0) -> Type\n\n"
             "A type the model cannot see inside, with the given size, alignment (a power\n"
             "of two) and Go pointer bytes.");

static PyObject *graph_opaque(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"name", "size", "align", "ptrdata", NULL};
    const char *name;
    long long size, align, ptrdata = 0;
    align_type *t;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sLL|L:Graph.opaque", kwlist, &name, &size,
                                     &align, &ptrdata))
        return NULL;
    if (in_range(size, 0, INT64_MAX, "Graph.opaque()", "size") < 0 ||
        in_range(ptrdata, 0, INT64_MAX, "Graph.opaque()", "ptrdata") < 0 ||
        align_value(align, "Graph.opaque()", "align") < 0)
        return NULL;
    if (align == 0) {
        PyErr_SetString(PyExc_ValueError, "Graph.opaque(): align must be a power of two, not 0");
        return NULL;
    }
    if (ptrdata > size) {
        PyErr_SetString(PyExc_ValueError, "Graph.opaque(): ptrdata is larger than size");
        return NULL;
    }
    t = align_type_opaque(self->graph, name, (uint64_t)size, (uint32_t)align, (uint64_t)ptrdata);
    if (t == NULL)
        return plugin_raise(plugin_state((PyObject *)self), "Graph.opaque()");
    return plugin_type_wrap(self, t);
}

/* Looks up key in a field dict: 0 absent, 1 present (*out borrowed), -1 error. */
static int field_item(PyObject *d, const char *key, PyObject **out)
{
    *out = PyDict_GetItemString(d, key);
    return *out != NULL && *out != Py_None;
}

static const char *const field_keys[] = {"name",     "type",    "offset", "bit_offset",
                                         "bit_size", "aligned", "packed", "embedded",
                                         "size",     "align",   "cls",    NULL};

static int int_item(PyObject *d, const char *key, uint64_t *out, const char *what, const char *arg)
{
    PyObject *v;
    if (!field_item(d, key, &v))
        return 0;
    if (plugin_as_u64(v, out, what, arg) < 0)
        return -1;
    return 1;
}

/* The C declaration of a member from its type's display text and name,
 * for align_render_text and the suggested order ("char c[3]", "void
 * (*fn)(int)", "unsigned int a : 3"): debuggers show the type alone
 * ("char [3]"), and "char [3] c" is not C.  Graph-owned, NULL when out of
 * memory. */
static const char *c_declaration(align_graph *g, const char *type, const char *name,
                                 const align_field_spec *s)
{
    const char *cut = strstr(type, "(*");
    const char *bracket = strchr(type, '[');
    const char *r = NULL;
    align_buf b;

    align_buf_init(&b);
    if (cut != NULL) {
        /* Pointer to function or array: the name goes after the stars and
         * their qualifiers (`int (*const cb)(void)`). */
        static const char *const quals[] = {"const", "volatile", "restrict", "_Atomic"};
        bool qualified = false;
        cut += 2;
        for (bool more = true; more;) {
            more = false;
            while (*cut == '*' || *cut == ' ')
                cut++;
            for (size_t i = 0; i < sizeof quals / sizeof quals[0]; i++) {
                size_t n = strlen(quals[i]);
                if (strncmp(cut, quals[i], n) == 0 && (cut[n] == ' ' || cut[n] == ')')) {
                    cut += n;
                    qualified = more = true;
                }
            }
        }
        align_buf_append(&b, type, (size_t)(cut - type));
        if (qualified)
            align_buf_puts(&b, " ");
        align_buf_puts(&b, name);
        align_buf_puts(&b, cut);
    } else if (bracket != NULL) {
        size_t len = (size_t)(bracket - type);
        while (len > 0 && type[len - 1] == ' ')
            len--;
        align_buf_append(&b, type, len);
        align_buf_printf(&b, "%s%s%s", name[0] ? " " : "", name, bracket);
    } else {
        size_t len = strlen(type);
        align_buf_printf(&b, "%s%s%s", type, len > 0 && type[len - 1] == '*' ? "" : " ", name);
    }
    if (s->is_bitfield)
        align_buf_printf(&b, " : %u", s->bit_size);
    if (!b.failed)
        r = align_graph_strdup(g, b.data ? b.data : "", b.len);
    align_buf_free(&b);
    return r;
}

/* -1 (TypeError set) when d is not a dict or has a key field_keys lacks. */
static int check_field_keys(PyObject *d, const char *what)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    if (!PyDict_Check(d)) {
        PyErr_Format(PyExc_TypeError, "%s must be a dict, not %.100s", what, Py_TYPE(d)->tp_name);
        return -1;
    }
    while (PyDict_Next(d, &pos, &key, &value)) {
        const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        size_t i = 0;
        if (k != NULL)
            for (; field_keys[i] != NULL && strcmp(field_keys[i], k) != 0; i++)
                ;
        if (k == NULL || field_keys[i] == NULL) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError,
                         "%s: unknown key %R (keys: name, type, offset, bit_offset, bit_size, "
                         "aligned, packed, embedded, size, align, cls)",
                         what, key);
            return -1;
        }
    }
    return 0;
}

/* The field's type into s->type: a Type, or a type name (a base type sized
 * by 'size' and 'align', classified by 'cls'). */
static int field_type(GraphObject *self, PyObject *d, align_field_spec *s, const char *what)
{
    const char *tname, *cls_s = NULL;
    prim_class cls = PRIM_CLASS_NONE;
    uint64_t size = 0, align = 0;
    int have_size;
    PyObject *v, *c;
    if (!field_item(d, "type", &v)) {
        PyErr_Format(PyExc_TypeError, "%s: 'type' is required (a Type or a type name)", what);
        return -1;
    }
    if (!PyUnicode_Check(v)) {
        s->type = type_arg(self, v, what, "type");
        return s->type == NULL ? -1 : 0;
    }
    tname = PyUnicode_AsUTF8(v);
    if (tname == NULL)
        return -1;
    have_size = int_item(d, "size", &size, what, "size");
    if (have_size < 0 || int_item(d, "align", &align, what, "align") < 0)
        return -1;
    if (field_item(d, "cls", &c)) {
        if (!PyUnicode_Check(c)) {
            PyErr_Format(PyExc_TypeError, "%s: cls must be str, not %.100s", what,
                         Py_TYPE(c)->tp_name);
            return -1;
        }
        cls_s = PyUnicode_AsUTF8(c);
        if (cls_s == NULL || prim_class_parse(&cls, cls_s, what) < 0)
            return -1;
    }
    if (align > UINT32_MAX || size > INT64_MAX) {
        PyErr_Format(PyExc_ValueError, "%s: size or align is too large", what);
        return -1;
    }
    s->type = make_base(self, tname, have_size ? (int64_t)size : -1, cls, (uint32_t)align, what);
    return s->type == NULL ? -1 : 0;
}

/* The field's position and shape: offset or bit_offset, bit_size, aligned,
 * packed, embedded. */
static int field_position(PyObject *d, align_field_spec *s, const char *what)
{
    PyObject *v;
    uint64_t off, u;
    int rc, flag;
    rc = int_item(d, "bit_offset", &off, what, "bit_offset");
    if (rc < 0)
        return -1;
    if (rc == 1) {
        if (field_item(d, "offset", &v)) {
            PyErr_Format(PyExc_TypeError, "%s: give offset or bit_offset, not both", what);
            return -1;
        }
    } else {
        rc = int_item(d, "offset", &off, what, "offset");
        if (rc < 0)
            return -1;
        if (rc == 1) {
            if (off > (uint64_t)INT64_MAX / 8) {
                PyErr_Format(PyExc_OverflowError, "%s: offset is too large", what);
                return -1;
            }
            off *= 8;
        }
    }
    if (rc == 1) {
        if (off > (uint64_t)INT64_MAX) {
            PyErr_Format(PyExc_OverflowError, "%s: bit_offset is too large", what);
            return -1;
        }
        s->given_bit_offset = (int64_t)off;
    }
    rc = int_item(d, "bit_size", &u, what, "bit_size");
    if (rc < 0)
        return -1;
    if (rc == 1) {
        if (u > 1024) {
            PyErr_Format(PyExc_ValueError, "%s: bit_size %llu is not a bit-field width", what,
                         (unsigned long long)u);
            return -1;
        }
        s->is_bitfield = 1;
        s->bit_size = (uint32_t)u;
    }
    rc = int_item(d, "aligned", &u, what, "aligned");
    if (rc < 0)
        return -1;
    if (rc == 1) {
        if (u > (1u << 28) || (u & (u - 1)) != 0) {
            PyErr_Format(PyExc_ValueError, "%s: aligned must be a power of two", what);
            return -1;
        }
        s->aligned = (uint32_t)u;
    }
    if (field_item(d, "packed", &v)) {
        flag = PyObject_IsTrue(v);
        if (flag < 0)
            return -1;
        s->packed = flag;
    }
    if (field_item(d, "embedded", &v)) {
        flag = PyObject_IsTrue(v);
        if (flag < 0)
            return -1;
        s->embedded = flag;
    }
    return 0;
}

/* One field dict -> spec.  what is "Graph.record(): field 3". */
static int field_spec(GraphObject *self, PyObject *d, align_field_spec *s, const char *what)
{
    align_graph *g = self->graph;
    PyObject *v;

    if (check_field_keys(d, what) < 0)
        return -1;
    *s = align_field_spec_init();
    if (field_item(d, "name", &v)) {
        const char *name;
        if (!PyUnicode_Check(v)) {
            PyErr_Format(PyExc_TypeError, "%s: name must be str or None, not %.100s", what,
                         Py_TYPE(v)->tp_name);
            return -1;
        }
        name = PyUnicode_AsUTF8(v);
        if (name == NULL)
            return -1;
        s->name = align_graph_strdup(g, name, (size_t)-1);
        if (s->name == NULL)
            goto nomem;
    }
    if (field_type(self, d, s, what) < 0 || field_position(d, s, what) < 0)
        return -1;
    if (align_graph_lang(g) == ALIGN_LANG_C && s->name != NULL && s->name[0] != '\0') {
        s->decl_text = c_declaration(g, align_type_display(s->type), s->name, s);
        if (s->decl_text == NULL)
            goto nomem;
    }
    return 0;
nomem:
    plugin_raise(plugin_state((PyObject *)self), what);
    return -1;
}

/* A complete record from members at the positions a debugger read.  When
 * every member has a position, the attributes that explain them are
 * recovered by libalign's one inference engine (align_infer_record_attrs,
 * shared with the DWARF reader, so `align` and `structalign show` agree).
 * align: the debugger's alignof, a hint (0 = none); debuggers drop
 * DW_AT_alignment (LLDB 14 always), hence ALIGN_INFER_ALIGNMENT_LOST.
 * specs are not modified.  Returns the record, or NULL with the libalign
 * error set. */
static align_type *record_from_specs(align_graph *g, align_kind kind, const char *name,
                                     const align_field_spec *specs, size_t n, int64_t size,
                                     long long align)
{
    align_type *rec = align_type_record(g, kind, name);
    bool positioned = true;

    if (rec == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (specs[i].given_bit_offset < 0)
            positioned = false;
        if (align_record_add_field(g, rec, &specs[i]) < 0)
            return NULL;
    }
    align_record_complete(rec, size, align > 0 ? (int64_t)align : -1);
    if (positioned && align_infer_record_attrs(g, &rec, 1, ALIGN_INFER_ALIGNMENT_LOST, NULL) < 0)
        return NULL;
    return rec;
}

/* The body of Graph.record and of layout(): fields -> complete record. */
static align_type *build_record(GraphObject *self, const char *name, PyObject *fields,
                                const char *kind_s, long long size, long long align,
                                const char *display, const char *what)
{
    align_kind kind;
    align_field_spec *specs = NULL;
    Py_ssize_t n = 0, cap = 0;
    PyObject *it = NULL, *item = NULL;
    align_type *rec = NULL;
    char fwhat[96];

    if (parse_kind(&kind, kind_s, what) < 0)
        goto cleanup;
    if (in_range(size, -1, INT64_MAX, what, "size") < 0 || align_value(align, what, "align") < 0)
        goto cleanup;
    it = PyObject_GetIter(fields);
    if (it == NULL) {
        PyErr_Format(PyExc_TypeError, "%s: fields must be an iterable of dicts, not %.100s", what,
                     Py_TYPE(fields)->tp_name);
        goto cleanup;
    }
    while ((item = PyIter_Next(it)) != NULL) {
        if (n == cap) {
            Py_ssize_t ncap = cap ? cap * 2 : 16;
            align_field_spec *ns = PyMem_Realloc(specs, (size_t)ncap * sizeof *ns);
            if (ns == NULL) {
                PyErr_NoMemory();
                goto cleanup;
            }
            specs = ns;
            cap = ncap;
        }
        snprintf(fwhat, sizeof fwhat, "%s: field %zd", what, n);
        if (field_spec(self, item, &specs[n], fwhat) < 0)
            goto cleanup;
        Py_CLEAR(item);
        n++;
    }
    if (PyErr_Occurred())
        goto cleanup;
    rec = record_from_specs(self->graph, kind, name ? name : "", specs, (size_t)n, size, align);
    if (rec == NULL) {
        plugin_raise(plugin_state((PyObject *)self), what);
        goto cleanup;
    }
    set_display(self, rec, display);
cleanup:
    Py_XDECREF(item);
    Py_XDECREF(it);
    PyMem_Free(specs);
    return rec;
}

PyDoc_STRVAR(graph_record_doc,
             "record(name, fields, *, kind='struct', size=-1, align=0, display=None) -> Type\n\n"
             "A complete struct or union.  fields: an iterable of dicts with the keys\n"
             "  name        str or None (anonymous member)\n"
             "  type        a Type, or a base type name (then size, align, cls as in base())\n"
             "  offset      bytes from the start, or bit_offset: bits from the start\n"
             "  bit_size    the width of a bit-field (None: not a bit-field)\n"
             "  aligned     aligned(N) on the member; packed: bool; embedded: bool (Go)\n"
             "size is the compiler's size (-1 unknown), align the debugger's alignof\n"
             "(0 unknown: it is only a hint).  When every member has an offset, C\n"
             "records get the packed/aligned(N) attributes that explain those offsets,\n"
             "so that the model reproduces them.");

static PyObject *graph_record(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"name", "fields", "kind", "size", "align", "display", NULL};
    const char *name, *kind_s = "struct", *display = NULL;
    PyObject *fields;
    long long size = -1, align = 0;
    align_type *rec;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "zO|$sLLz:Graph.record", kwlist, &name, &fields,
                                     &kind_s, &size, &align, &display))
        return NULL;
    rec = build_record(self, name, fields, kind_s, size, align, display, "Graph.record()");
    if (rec == NULL)
        return NULL;
    return plugin_type_wrap(self, rec);
}

PyDoc_STRVAR(graph_sizeof_doc, "sizeof(type) -> (size, align, ptrdata)\n\n"
                               "The model's numbers for type on the graph's current ABI.");

static PyObject *graph_sizeof(GraphObject *self, PyObject *arg)
{
    align_type *t = type_arg(self, arg, "Graph.sizeof()", "type");
    uint64_t size, ptrdata;
    uint32_t align;
    if (t == NULL)
        return NULL;
    if (align_type_size(self->graph, t, &size, &align, &ptrdata) < 0)
        return plugin_raise(plugin_state((PyObject *)self), "Graph.sizeof()");
    return Py_BuildValue("(KIK)", (unsigned long long)size, align, (unsigned long long)ptrdata);
}

PyDoc_STRVAR(graph_layout_doc,
             "layout(record, *, given=True, optimize=True, cacheline=64) -> Layout\n\n"
             "Lays a struct or union out.  given: report the offsets and size the\n"
             "compiler wrote (the live layout) and cross-check the model against them;\n"
             "False: the model places every member (use it after set_arch()).");

static PyObject *graph_layout(GraphObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"record", "given", "optimize", "cacheline", NULL};
    PyObject *rec_obj;
    int given = 1, optimize = 1;
    long long cacheline = 64;
    align_type *rec;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$ppL:Graph.layout", kwlist, &rec_obj, &given,
                                     &optimize, &cacheline))
        return NULL;
    if (align_value(cacheline, "Graph.layout()", "cacheline") < 0)
        return NULL;
    rec = type_arg(self, rec_obj, "Graph.layout()", "record");
    if (rec == NULL)
        return NULL;
    return plugin_layout_new(self, rec, given, optimize, (uint32_t)cacheline, "Graph.layout()");
}

static PyGetSetDef graph_getset[] = {
    {"lang", (getter)graph_get_lang, NULL, "'go' or 'c'.", NULL},
    {"arch", (getter)graph_get_arch, NULL, "The current architecture.", NULL},
    {"abi", (getter)graph_get_abi, NULL, "The current ABI, e.g. 'go/amd64'.", NULL},
    {"pointer_size", (getter)graph_get_pointer_size, NULL, "Bytes per pointer.", NULL},
    {NULL},
};

#define KW(f) (PyCFunction)(void (*)(void))(f), METH_VARARGS | METH_KEYWORDS
static PyMethodDef graph_methods[] = {
    {"set_arch", (PyCFunction)graph_set_arch, METH_O, graph_set_arch_doc},
    {"base", KW(graph_base), graph_base_doc},
    {"pointer", KW(graph_pointer), graph_pointer_doc},
    {"array", KW(graph_array), graph_array_doc},
    {"named", KW(graph_named), graph_named_doc},
    {"atomic", (PyCFunction)graph_atomic, METH_O, graph_atomic_doc},
    {"opaque", KW(graph_opaque), graph_opaque_doc},
    {"record", KW(graph_record), graph_record_doc},
    {"sizeof", (PyCFunction)graph_sizeof, METH_O, graph_sizeof_doc},
    {"layout", KW(graph_layout), graph_layout_doc},
    {NULL},
};

static PyType_Slot graph_slots[] = {
    {Py_tp_doc, "Graph(lang, arch='amd64')\n\n"
                "A libalign type graph for one language ('go' or 'c') and architecture\n"
                "('amd64', 'arm64').  Owns every Type made by its methods."},
    {Py_tp_new, graph_new},
    {Py_tp_dealloc, graph_dealloc},
    {Py_tp_traverse, graph_traverse},
    {Py_tp_getset, graph_getset},
    {Py_tp_methods, graph_methods},
    {Py_tp_repr, graph_repr},
    {0, NULL},
};

static PyType_Spec graph_spec = {
    .name = "_libalign.Graph",
    .basicsize = sizeof(GraphObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = graph_slots,
};

/* ==================================================== module functions */

PyDoc_STRVAR(mod_layout_doc,
             "layout(fields, *, name='', kind='struct', lang='c', arch='amd64', size=-1,\n"
             "       align=0, given=True, optimize=True) -> Layout\n\n"
             "One call from a field list to a layout: a new Graph, Graph.record(), and\n"
             "Graph.layout().  Fields as in Graph.record(); their 'type' is then a type\n"
             "name with 'size' (and 'cls' or 'align' when the name is not a primitive).");

static PyObject *mod_layout(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"fields", "name",  "kind",  "lang",     "arch",
                             "size",   "align", "given", "optimize", NULL};
    module_state *st = PyModule_GetState(module);
    const char *name = "", *kind_s = "struct", *lang_s = "c", *arch_s = "amd64";
    PyObject *fields, *graph = NULL, *result = NULL;
    long long size = -1, align = 0;
    int given = 1, optimize = 1;
    align_type *rec;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$ssssLLpp:layout", kwlist, &fields, &name,
                                     &kind_s, &lang_s, &arch_s, &size, &align, &given, &optimize))
        return NULL;
    graph = PyObject_CallFunction((PyObject *)st->graph_type, "ss", lang_s, arch_s);
    if (graph == NULL)
        goto cleanup;
    rec = build_record((GraphObject *)graph, name, fields, kind_s, size, align, NULL, "layout()");
    if (rec == NULL)
        goto cleanup;
    result = plugin_layout_new((GraphObject *)graph, rec, given, optimize, 64, "layout()");
cleanup:
    Py_XDECREF(graph);
    return result;
}

PyDoc_STRVAR(parse_count_doc,
             "parse_count(text) -> int\n\n"
             "An instance count as people write it: '100000000', '100_000_000', '100M',\n"
             "'1.5G', '64K', '2Gi'.  Raises Error (a ValueError) otherwise.");

static PyObject *mod_parse_count(PyObject *module, PyObject *arg)
{
    const char *s;
    uint64_t n;
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "parse_count(): text must be str, not %.100s",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    s = PyUnicode_AsUTF8(arg);
    if (s == NULL)
        return NULL;
    if (align_count_parse(&n, s) < 0)
        return plugin_raise(PyModule_GetState(module), "parse_count()");
    return PyLong_FromUnsignedLongLong(n);
}

/* closure-less pair: which formatter, by the function's name in messages. */
static PyObject *format_with(PyObject *arg, void (*fmt)(char *, size_t, uint64_t), const char *what)
{
    char buf[64];
    uint64_t n;
    if (plugin_as_u64(arg, &n, what, "n") < 0)
        return NULL;
    fmt(buf, sizeof buf, n);
    return PyUnicode_FromString(buf);
}

static PyObject *mod_format_bytes(PyObject *module, PyObject *arg)
{
    return format_with(arg, align_format_bytes, "format_bytes()");
}

static PyObject *mod_format_count(PyObject *module, PyObject *arg)
{
    return format_with(arg, align_format_count, "format_count()");
}

static PyMethodDef module_methods[] = {
    {"layout", (PyCFunction)(void (*)(void))mod_layout, METH_VARARGS | METH_KEYWORDS,
     mod_layout_doc},
    {"parse_count", (PyCFunction)mod_parse_count, METH_O, parse_count_doc},
    {"format_bytes", (PyCFunction)mod_format_bytes, METH_O,
     "format_bytes(n) -> str\n\n'56 bytes', '763 MiB', '2.24 GiB'."},
    {"format_count", (PyCFunction)mod_format_count, METH_O,
     "format_count(n) -> str\n\n'100M', '1.5G', '12345'."},
    {NULL},
};

/* ============================================================== module */

static PyStructSequence_Field member_fields[] = {
    {"name", "as declared; '' when anonymous"},
    {"type_name", "display text of the declared type"},
    {"index", "declaration index"},
    {"offset", "bytes from the start (bit-fields: the byte holding the first bit)"},
    {"size", "bytes of the declared type"},
    {"align", "alignment effective here"},
    {"bit_offset", "bits from the start"},
    {"bit_size", "bit-field width, or None"},
    {"ptrdata", "Go pointer bytes at the member's start"},
    {"embedded", "Go embedded field"},
    {"blank", "Go _ field: intentional padding"},
    {"flexible", "C flexible array member"},
    {"anonymous", "no name"},
    {"crosses_line", "straddles a cache-line boundary"},
    {NULL},
};
static PyStructSequence_Desc member_desc = {"_libalign.Member", "A member of a Layout.",
                                            member_fields, 14};

static PyStructSequence_Field hole_fields[] = {{"offset", "bytes"}, {"size", "bytes"}, {NULL}};
static PyStructSequence_Desc hole_desc = {"_libalign.Hole", "Bytes no member touches.", hole_fields,
                                          2};

static PyStructSequence_Field bit_hole_fields[] = {
    {"bit_offset", "bits from the start"}, {"bit_size", "bits"}, {NULL}};
static PyStructSequence_Desc bit_hole_desc = {
    "_libalign.BitHole", "Unused bits inside bytes that bit-fields use.", bit_hole_fields, 2};

static PyStructSequence_Field cost_fields[] = {{"count", "instances"},
                                               {"bytes_now", "size * count"},
                                               {"bytes_optimal", "optimal_size * count"},
                                               {"bytes_saved", "the difference"},
                                               {NULL}};
static PyStructSequence_Desc cost_desc = {"_libalign.Cost", "What a count of instances costs.",
                                          cost_fields, 4};

static int add_type(PyObject *m, PyTypeObject **slot, PyObject *tp)
{
    if (tp == NULL)
        return -1;
    *slot = (PyTypeObject *)tp;
    return PyModule_AddObjectRef(m, ((PyTypeObject *)tp)->tp_name + strlen("_libalign."), tp);
}

static int module_exec(PyObject *m)
{
    module_state *st = PyModule_GetState(m);

    if (add_type(m, &st->graph_type, PyType_FromModuleAndSpec(m, &graph_spec, NULL)) < 0 ||
        add_type(m, &st->type_type, PyType_FromModuleAndSpec(m, &type_spec, NULL)) < 0 ||
        add_type(m, &st->layout_type, PyType_FromModuleAndSpec(m, &plugin_layout_spec, NULL)) < 0 ||
        add_type(m, &st->member_type, (PyObject *)PyStructSequence_NewType(&member_desc)) < 0 ||
        add_type(m, &st->hole_type, (PyObject *)PyStructSequence_NewType(&hole_desc)) < 0 ||
        add_type(m, &st->bit_hole_type, (PyObject *)PyStructSequence_NewType(&bit_hole_desc)) < 0 ||
        add_type(m, &st->cost_type, (PyObject *)PyStructSequence_NewType(&cost_desc)) < 0)
        return -1;
    st->error = PyErr_NewExceptionWithDoc(
        "_libalign.Error",
        "libalign rejected the input: .code is the ALIGN_E* code, .hint what to do,\n"
        ".function the call that failed.",
        PyExc_ValueError, NULL);
    if (st->error == NULL || PyModule_AddObjectRef(m, "Error", st->error) < 0)
        return -1;
    if (PyModule_AddStringConstant(m, "LIBALIGN_VERSION", PACKAGE_VERSION) < 0)
        return -1;
    return 0;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    module_state *st = PyModule_GetState(m);
    Py_VISIT(st->graph_type);
    Py_VISIT(st->type_type);
    Py_VISIT(st->layout_type);
    Py_VISIT(st->member_type);
    Py_VISIT(st->hole_type);
    Py_VISIT(st->bit_hole_type);
    Py_VISIT(st->cost_type);
    Py_VISIT(st->error);
    return 0;
}

static int module_clear(PyObject *m)
{
    module_state *st = PyModule_GetState(m);
    Py_CLEAR(st->graph_type);
    Py_CLEAR(st->type_type);
    Py_CLEAR(st->layout_type);
    Py_CLEAR(st->member_type);
    Py_CLEAR(st->hole_type);
    Py_CLEAR(st->bit_hole_type);
    Py_CLEAR(st->cost_type);
    Py_CLEAR(st->error);
    return 0;
}

static void module_free(void *m)
{
    module_clear((PyObject *)m);
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL},
};

PyDoc_STRVAR(module_doc, "libalign for Python: exact Go and C struct layouts, holes, padding, the\n"
                         "smallest field order, and the cost at an instance count.  Used by the\n"
                         "GDB and LLDB `align` commands (structalign-gdb(1)).");

static PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,          .m_name = "_libalign",       .m_doc = module_doc,
    .m_size = sizeof(module_state), .m_methods = module_methods, .m_slots = module_slots,
    .m_traverse = module_traverse,  .m_clear = module_clear,     .m_free = module_free,
};

PyMODINIT_FUNC PyInit__libalign(void);

PyMODINIT_FUNC PyInit__libalign(void)
{
    return PyModuleDef_Init(&module_def);
}
