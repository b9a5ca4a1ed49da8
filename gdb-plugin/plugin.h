/*
 * plugin.h - shapes shared by the files of the _libalign extension module;
 * never installed.
 *
 * The module is the part of the debugger plugin that thinks: the GDB and
 * LLDB command scripts turn the debugger's types into calls on a Graph, hand
 * over the live bytes and the value strings, and print what comes back.
 * Everything that decides a number (which libalign primitive a debugger's
 * base type is, which attributes explain the offsets the compiler chose, how
 * holes line up with live bytes) lives in C, here, so that GDB, LLDB and the
 * CLI agree to the byte.  The attributes that explain a compiler's offsets
 * come from libalign itself (align_infer_record_attrs), the engine the DWARF
 * reader uses.
 *
 *   module.c     module state, errors, the Graph and Type heap types
 *   layout_obj.c the Layout heap type and its renderers
 *   prims.c      debugger base type (name, class, size) -> align_prim
 *   live.c       a layout rendered with live values and padding bytes
 */
#ifndef STRUCTALIGN_PLUGIN_H
#define STRUCTALIGN_PLUGIN_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>

#include "libalign.h"

/* Per-module state (PEP 489 multi-phase init): no static PyObject *. */
typedef struct module_state {
    PyTypeObject *graph_type;
    PyTypeObject *type_type;
    PyTypeObject *layout_type;
    PyTypeObject *member_type;   /* struct sequence */
    PyTypeObject *hole_type;     /* struct sequence */
    PyTypeObject *bit_hole_type; /* struct sequence */
    PyTypeObject *cost_type;     /* struct sequence */
    PyObject *error;             /* _libalign.Error, a ValueError */
} module_state;

/* A type graph.  Type and Layout objects keep their Graph alive: both point
 * into its arena.  (clang-format would join PyObject_HEAD, which has no
 * semicolon of its own, with the next member.) */
/* clang-format off */
typedef struct GraphObject {
    PyObject_HEAD
    align_graph *graph;
} GraphObject;

typedef struct TypeObject {
    PyObject_HEAD
    GraphObject *owner;       /* strong reference */
    align_type *type;         /* owned by owner->graph */
} TypeObject;

typedef struct LayoutObject {
    PyObject_HEAD
    GraphObject *owner;       /* strong reference */
    align_layout *layout;     /* owned by this object */
    unsigned flags;           /* ALIGN_LAYOUT_* it was computed with */
    uint32_t cacheline;       /* bytes, as the layout was computed */
} LayoutObject;
/* clang-format on */

/* ----------------------------------------------------------- module.c */

/* The module state of an instance of one of our heap types, or NULL with
 * an exception set. */
module_state *plugin_state(PyObject *self);

/* Sets the Python exception for the last libalign error of this thread:
 * MemoryError for ALIGN_ENOMEM, else _libalign.Error with .code, .hint and
 * .function (what: the Python-level name, "Graph.layout()").  NULL st: an
 * exception is already set.  Returns NULL. */
PyObject *plugin_raise(module_state *st, const char *what);

/* Python int -> uint64: TypeError, ValueError (negative) or OverflowError
 * naming what and arg. */
int plugin_as_u64(PyObject *o, uint64_t *out, const char *what, const char *arg);

/* A new Type object for t (NULL t: raise the libalign error). */
PyObject *plugin_type_wrap(GraphObject *owner, align_type *t);

/* ------------------------------------------------------- layout_obj.c */

extern PyType_Spec plugin_layout_spec;

/* A new Layout of rec (a struct, union, or a name for one) in owner's graph. */
PyObject *plugin_layout_new(GraphObject *owner, align_type *rec, int given, int optimize,
                            uint32_t cacheline, const char *what);

/* ------------------------------------------------------------ prims.c */

/* The class of a debugger base type, for types whose name is not one of the
 * language's spellings (a typedef'd or renamed base type, an enum, a Go
 * named string).  PRIM_CLASS_NONE: decide by name only. */
typedef enum prim_class {
    PRIM_CLASS_NONE = 0,
    PRIM_CLASS_INT, /* signed or unsigned integer, C char, enum */
    PRIM_CLASS_BOOL,
    PRIM_CLASS_FLOAT,
    PRIM_CLASS_COMPLEX,
    PRIM_CLASS_STRING, /* Go */
    PRIM_CLASS_SLICE,  /* Go */
    PRIM_CLASS_IFACE,  /* Go */
    PRIM_CLASS_MAP,    /* Go */
    PRIM_CLASS_CHAN,   /* Go */
    PRIM_CLASS_FUNC,   /* Go func value (one pointer word) */
    PRIM_CLASS_POINTER /* Go unsafe.Pointer and other raw pointer words */
} prim_class;

/* Parses "int", "bool", ... (the names listed in the module docs); -1 and a
 * ValueError naming `what` when unknown. */
int prim_class_parse(prim_class *out, const char *s, const char *what);

/* The libalign primitive for a base type, or -1 when there is none.  By
 * name first (GCC, Clang and Go spellings: "long unsigned int",
 * "unsigned long", "int64", "[]int", "map[string]int"), then by class and
 * size.  size < 0: unknown.  A primitive whose size in the graph's ABI is
 * not `size` is not returned (the caller falls back to an opaque type). */
int prim_lookup(align_graph *g, const char *name, prim_class cls, int64_t size);

/* ------------------------------------------------------------ leaks.c */

/* Bytes of one value checked for non-zero padding, and runs listed. */
#define LEAK_MAX_BYTES (1u << 20)
#define LEAK_MAX_RUNS 64

typedef struct leak_scan_opts {
    const align_type *type; /* the value's: a record or an array */
    uint64_t size;          /* its bytes */
    const char *root;       /* how runs are named: "s", "(*p)" */
    const char *first_sep;  /* between root and the first member: "." */
    PyObject *runs;         /* a list to append each listed run to, as
                               (name, offset in it, offset in the value,
                               bytes, unused-bits mask or None); or NULL */
} leak_scan_opts;

typedef struct leak_result {
    uint64_t checked;      /* bytes of the value checked */
    uint64_t padding_bits; /* padding bits in them */
    uint64_t bytes;        /* non-zero padding bytes */
    uint64_t bits;         /* non-zero unused bits next to bit-fields */
    uint64_t runs;         /* maximal runs of them */
} leak_result;

/* Checks every padding bit of the value in data (avail bytes of it; at most
 * LEAK_MAX_BYTES are checked) at every depth, and appends one line per run
 * of non-zero padding to out (NULL: count only; at most LEAK_MAX_RUNS
 * lines).  *mask_out (when not NULL) receives the padding mask of the
 * res->checked bytes (1 bits: padding), to free().  0, or -1 with a Python
 * exception set. */
int leak_scan(module_state *st, align_graph *g, unsigned flags, uint32_t cacheline,
              const unsigned char *data, uint64_t avail, const leak_scan_opts *o, leak_result *res,
              align_buf *out, unsigned char **mask_out);

/* ------------------------------------------------------------- live.c */

typedef struct live_opts {
    int hex_offsets;
    int recurse;            /* expand nested structs and unions */
    const align_cost *cost; /* NULL: no count line */
    int have_address;
    uint64_t address;        /* of the value, for the title line */
    const char *note;        /* appended to the title line, or NULL */
    const char *title;       /* the type as written ("robj", "union {...}"), or
                                NULL: "struct NAME" */
    const char *type_params; /* Go: a generic record's "[K comparable, V
                                any]" as declared, for the suggested
                                declaration; NULL: not known */
    /* The leak check (leaks.c) of the whole value when data is given:
     * scan.type NULL means the layout's record, named "value". */
    leak_scan_opts scan;
    const unsigned char *scan_data; /* NULL: data */
    uint64_t scan_avail;            /* bytes in scan_data */
} live_opts;

/* Renders layout `l` of graph `g` like align_render_text, with a value
 * column (values: a sequence with one entry per member in declaration
 * order: str, None, or (str, sequence) for a nested record whose members
 * have values of their own) and, when data is not NULL, the live bytes of
 * every hole, bit hole and tail padding, flagging the non-zero ones.
 * data must hold at least l->size bytes.  Returns a new str, or NULL with a
 * Python exception set. */
PyObject *live_render(module_state *st, align_graph *g, const align_layout *l,
                      unsigned layout_flags, uint32_t cacheline, const unsigned char *data,
                      PyObject *values, const live_opts *o);

#endif
