"""module_test - the _libalign extension module from plain Python.

No debugger: the API as a script or notebook would use it.  Layouts built
from field lists (C and Go), the attributes inferred from given offsets,
live rendering, counts; then every kind of bad argument, which must raise
TypeError or ValueError naming the function, never crash; then 100,000
rounds of the whole API, after which the process must not have grown
(reference counts and libalign memory are released) and borrowed objects
must have their reference counts back.
"""

import gc
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dbgtest as t  # noqa: E402

paths = [p for p in os.environ.get("STRUCTALIGN_PYTHONPATH", "").split(":") if p]
if not paths:
    t.skip("STRUCTALIGN_PYTHONPATH is not set: run through `make check`")
sys.path[:0] = paths
import _libalign as L  # noqa: E402

suffix = os.path.basename(L.__file__)
t.check(suffix.startswith("_libalign.cpython-") and suffix.endswith(".so"),
        "the module file carries the interpreter's tag: %s" % suffix)


def raises(exc, fn, *args, what=None, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc as e:
        if what is not None and what not in str(e):
            return t.check(False, "%s names %s" % (exc.__name__, what), str(e))
        return t.check(True, "%s: %s" % (exc.__name__, e))
    except Exception as e:  # noqa: BLE001 -- the wrong exception is the failure
        return t.check(False, "expected %s, got %s: %s" % (exc.__name__, type(e).__name__, e))
    return t.check(False, "expected %s, nothing raised" % exc.__name__)


# --------------------------------------------------------------- C layouts
# struct s { char a; long b; int c; } from a field list with type names.
lay = L.layout([dict(name="a", type="char", offset=0, size=1),
                dict(name="b", type="long int", offset=8, size=8),
                dict(name="c", type="int", offset=16, size=4)], name="s", size=24)
t.check((lay.size, lay.align, lay.tail_padding, lay.padding) == (24, 8, 4, 11),
        "struct s: 24 bytes, align 8, 4 tail, 11 padding")
t.check(lay.holes == ((1, 7),) and lay.holes[0].offset == 1, "one 7-byte hole at 1")
t.check((lay.optimal_size, lay.reclaimable, lay.optimal_proven) == (16, 8, True),
        "optimal 16 bytes, proven")
t.check(lay.optimal_order == (1, 2, 0), "optimal order b, c, a")
t.check(lay.members[1].type_name == "long int" and lay.members[1].align == 8,
        "GCC's 'long int' is the model's long: align 8")
t.check(lay.model_agrees is True and lay.mismatch is None, "the model agrees")
text = lay.render()
t.check("/* XXX   7-byte hole */" in text and "long int b;" in text, "render()", text)
live = lay.render_live(bytes([0x61] + [0] * 7 + [1] + [0] * 7 + [2, 0, 0, 0, 9, 0, 0, 0]),
                       ["97 'a'", "1", "2"], address=0x1000, count="100M")
t.check("at 1: 00 00 00 00 00 00 00\n" in live, "render_live(): zero hole bytes, unflagged",
        live)
t.check("at 20: 09 00 00 00  !! non-zero" in live and
        "warning: 1 padding byte is not zero" in live, "non-zero tail padding flagged", live)
t.check("100M instances: 2.24 GiB now, 1.49 GiB optimal" in live, "count line", live)
t.check("struct s  (c/amd64)  at 0x1000" in live, "title with the address", live)
t.check(lay.cost("1.5G") == (1500000000, 36000000000, 24000000000, 12000000000),
        "cost('1.5G')")
t.check('"size": 24' in lay.render_json() or '"size":24' in lay.render_json(), "render_json()")

# Attributes recovered from offsets: packed members, aligned(32), a record
# aligned beyond its members, and an unnamed bit-field DWARF leaves out.
g = L.Graph("c")
c, i, d, s = g.base("char"), g.base("int"), g.base("double"), g.base("short")
packed = g.record("wire", [dict(name="tag", type=c, offset=0), dict(name="v", type=i, offset=1),
                           dict(name="port", type=s, offset=5)], size=7, align=4)
t.check(packed.size == 7 and packed.align == 1,
        "packed struct: 7 bytes, align 1 (not the debugger's hint 4)")
al = g.record("al", [dict(name="c", type=c, offset=0), dict(name="d", type=d, offset=32)],
              size=64)
la = g.layout(al)
t.check((la.size, la.align, la.model_agrees) == (64, 32, True), "aligned(32) member inferred")
t.check("double d __attribute__((aligned(32)));" in la.render(), "and re-emitted", la.render())
big = g.record("big", [dict(name="x", type=i, offset=0)], size=16)
t.check((big.size, big.align) == (16, 16), "aligned(16) record inferred from its size")
bits = g.record("bits", [dict(name="a", type=i, bit_offset=0, bit_size=3),
                         dict(name="b", type=i, bit_offset=8, bit_size=4)], size=4)
lb = g.layout(bits)
t.check(lb.model_agrees is True and len(lb.members) == 3 and lb.members[1].anonymous and
        lb.members[1].bit_size == 5, "unnamed 5-bit bit-field put back between a and b")
flex = g.record("fl", [dict(name="n", type=i, offset=0),
                       dict(name="d", type=g.array(s, None), offset=4)], size=4)
lf = g.layout(flex)
t.check(lf.members[1].flexible and lf.members[1].size == 0 and lf.size == 4, "flexible array")
un = g.layout(g.record("u", [dict(name="i", type=i, offset=0), dict(name="d", type=d, offset=0)],
                       kind="union", size=8))
t.check((un.kind, un.size) == ("union", 8), "union")
t.check(g.base("my_opaque", 12).size == 12 and g.base("my_opaque", 12).align == 4,
        "an unknown base type is opaque with its natural alignment")
t.check(g.sizeof(g.pointer()) == (8, 8, 0), "C pointer: 8 bytes, no ptrdata")

# -------------------------------------------------------------- Go layouts
go = L.Graph("go", "amd64")
rec = go.record("main.T", [dict(name="Flag", type=go.base("bool"), offset=0),
                           dict(name="Name", type=go.base("string"), offset=8),
                           dict(name="Any", type=go.base("interface {}"), offset=24),
                           dict(name="N", type=go.base("int64"), offset=40),
                           dict(name="Ok", type=go.base("bool"), offset=48),
                           dict(name="F", type=go.base("func(int) int", 1), offset=56)],
                size=64)
gl = go.layout(rec)
# Optimal: Any (16 bytes, all pointers), F (8), Name (16, 8 of pointer),
# then N and the bools: 56 bytes, pointers end at 16 + 8 + 8 = 32.
t.check((gl.size, gl.ptrdata, gl.optimal_size, gl.optimal_ptrdata) == (64, 64, 56, 32),
        "Go: 64 bytes, ptrdata 64; optimal 56, ptrdata 32",
        repr((gl.size, gl.ptrdata, gl.optimal_size, gl.optimal_ptrdata)))
t.check(go.base("main.Name", 16, cls="string").ptrdata == 8, "a named string keeps its pointer")
t.check(go.base("map[string]int").size == 8 and go.base("[]int").size == 24 and
        go.base("complex64").align == 4, "Go map, slice, complex64 from the model")
go.set_arch("arm64")
t.check(go.arch == "arm64" and go.layout(rec, given=False).arch == "arm64", "set_arch()")

# --------------------------------------------------------------- counts
t.check(L.parse_count("100M") == 10**8 and L.parse_count("1.5G") == 1500000000 and
        L.parse_count("64Ki") == 65536 and L.parse_count("100_000") == 100000, "parse_count()")
t.check(L.format_bytes(800000000) == "763 MiB" and L.format_count(1500000000) == "1.5G",
        "format_bytes(), format_count()")
try:
    L.parse_count("lots")
except L.Error as e:
    t.check(isinstance(e, ValueError) and e.code == -9 and "100M" in e.hint and
            e.function == "parse_count()", "Error is a ValueError with code, hint, function")

# ----------------------------------------------------------- bad arguments
raises(TypeError, L.Graph, 1, what="Graph")
raises(ValueError, L.Graph, "rust", what="Graph()")
raises(ValueError, L.Graph, "c", "mips", what="Graph()")
raises(TypeError, L.Graph)
raises(TypeError, g.base, 5, what="Graph.base")
raises(ValueError, g.base, "int", -5, what="Graph.base()")
raises(ValueError, g.base, "nonesuch", what="Graph.base()")
raises(ValueError, g.base, "int", cls="thing", what="Graph.base()")
raises(ValueError, g.base, "x", 4, align=3, what="Graph.base()")
raises(ValueError, g.opaque, "x", 8, 3, what="Graph.opaque()")
raises(ValueError, g.opaque, "x", 8, 8, 16, what="Graph.opaque()")
raises(ValueError, g.array, i, -1, what="Graph.array()")
raises(TypeError, g.array, i, "3", what="Graph.array()")
raises(OverflowError, g.array, i, 2**70, what="Graph.array()")
raises(TypeError, g.pointer, 42, what="Graph.pointer()")
raises(ValueError, g.pointer, go.base("int"), what="another Graph")
raises(TypeError, g.named, "x", None, what="Graph.named()")
raises(TypeError, g.record, "s", None, what="Graph.record()")
raises(TypeError, g.record, "s", [1], what="field 0 must be a dict")
raises(TypeError, g.record, "s", [{"name": "a"}], what="'type' is required")
raises(TypeError, g.record, "s", [{"name": "a", "type": i, "colour": 1}], what="unknown key")
raises(TypeError, g.record, "s", [{"name": 3, "type": i}], what="name must be str")
raises(TypeError, g.record, "s", [{"name": "a", "type": i, "offset": 0, "bit_offset": 0}],
       what="not both")
raises(ValueError, g.record, "s", [{"name": "a", "type": i, "offset": -8}], what="negative")
raises(ValueError, g.record, "s", [], kind="class", what="kind")
raises(ValueError, g.record, "s", [], size=-2, what="size")
raises(L.Error, g.layout, i, what="not a struct")
raises(ValueError, g.layout, al, cacheline=48, what="cacheline")
raises(L.Error, g.layout, g.record("bad", [dict(name="a", type=d, bit_size=3)]),
       what="non-integer")
raises(TypeError, L.Type)
raises(TypeError, L.Layout)
raises(TypeError, setattr, L.Graph, "x", 1)
raises(ValueError, lay.render_live, b"\0" * 4, what="data holds 4 bytes")
raises(TypeError, lay.render_live, None, 42, what="values must be a sequence")
raises(ValueError, lay.render_live, None, ["1"], what="1 values for the 3 members")
raises(TypeError, lay.render_live, None, [1, 2, 3], what="values[0]")
raises(TypeError, lay.render_live, 12, what="Layout.render_live(): data must be bytes-like")
raises(L.Error, lay.render, count="1.5.5", what="invalid count")
raises(ValueError, lay.cost, -1, what="Layout.cost()")
raises(TypeError, lay.cost, None, what="Layout.cost()")
raises(OverflowError, lay.cost, 2**64, what="Layout.cost()")
raises(L.Error, lay.cost, 2**63, what="exceed")
raises(TypeError, L.parse_count, 100, what="parse_count()")
raises(ValueError, L.format_bytes, -1, what="format_bytes()")

# A Layout keeps its Graph alive.
keep = L.Graph("c")
kl = keep.layout(keep.record("k", [dict(name="x", type=keep.base("int"), offset=0)], size=4))
del keep
gc.collect()
t.check(kl.members[0].name == "x" and kl.type.display == "struct k",
        "a Layout outlives the Graph variable")


# ------------------------------------------------------------ references
def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


data = bytes(range(24))
values = ["97 'a'", ("1", None), "2"]
probe = "a value string no one else holds"
values[2] = probe


def round_trip():
    gr = L.Graph("c")
    ty = gr.base("long int")
    rc = gr.record("s", [dict(name="a", type="char", offset=0, size=1),
                         dict(name="b", type=ty, offset=8),
                         dict(name="c", type=gr.base("int"), bit_offset=128, bit_size=5)],
                   size=24)
    ly = gr.layout(rc)
    ly.render_live(data, values, count="1M", recurse=True)
    ly.members, ly.holes, ly.bit_holes, ly.optimal_order, ly.cost(3), ly.render()
    try:
        gr.record("s", [dict(name="a", type=ty, colour=1)])
    except TypeError:
        pass
    try:
        L.parse_count("x")
    except L.Error:
        pass


before_refs = sys.getrefcount(probe)
for _ in range(2000):
    round_trip()
gc.collect()
start = rss_kib()
for _ in range(100000):
    round_trip()
gc.collect()
grown = rss_kib() - start
t.check(grown < 2048, "100k rounds of the API: RSS grew %d KiB (< 2 MiB)" % grown)
t.check(sys.getrefcount(probe) == before_refs, "borrowed value strings keep their refcount")
t.finish()
