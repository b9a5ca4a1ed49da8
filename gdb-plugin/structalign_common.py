"""structalign_common - the debugger-neutral half of the `align` command.

structalign_gdb.py and structalign_lldb.py are thin: each implements an
*adapter* over its debugger's API (the methods listed in class Adapter
below) and calls run().  This module parses the command line, walks the
debugger's types once into a _libalign.Graph, collects the live values, and
lets the C module lay out and render everything, so that GDB and LLDB print
the same numbers with the same code as the structalign CLI.

Normalisations done here, once for both debuggers:
  - unnamed bit-fields are dropped: GCC never writes them to DWARF, LLDB
    synthesises them; the C module puts back the ones the offsets imply
    (libalign's align_infer_record_attrs), so both debuggers show the same
    members;
  - a trailing array of 0 elements, of unknown length (T x[]), or that runs
    past the end of the struct (LLDB reports `T x[]` with one element) is a
    flexible array member;
  - typedefs become named types (shown by name, laid out by what they name);
  - a pointer to a struct is dereferenced for the user, and the title says so;
  - alignments are never taken from the debugger: base types are mapped to
    libalign primitives by name (Graph.base), and the packed / aligned(N)
    attributes that explain the compiler's offsets are inferred in C.
"""

import json
import re

import _libalign

__all__ = ["UserError", "Options", "parse_args", "run", "TypeDesc", "FieldDesc", "HELP"]

# The help of both commands (GDB: `help align`, LLDB: `help align`) and of
# `align -h`: the first line is the summary debuggers list.
HELP = """\
Show the memory layout of a struct or union, with live padding bytes and the smallest order.

Usage: align [-r] [-x] [-c COUNT] [-a ARCH] [--json] EXPRESSION
       align [-r] [-x] [-c COUNT] [-a ARCH] [--json] [-t] TYPE
       align --watch EXPRESSION | --unwatch                    (GDB)

For each member: its offset (bit offset for bit-fields), size, type and
current value; a line for every hole and for the tail padding with the live
bytes inside it (non-zero padding is flagged: it leaks when the struct is
copied out); then the size, the sum of the members, holes, padding, cache
lines, and the smallest field order with its size and, for Go, its pointer
bytes.  A pointer to a struct is dereferenced; an array of structs shows
its element, with the array's length as the instance count.  A TYPE shows
the static layout, without values, and needs no process.

Go (GDB): a slice shows its element with len as the count, a map its
value type and the padding of every live entry ("at m["k"]+3: 5a"), an
interface its dynamic value; values print as fmt's %+v (strings quoted,
a small map's entries in fmt's order); the suggested order pastes and
builds.

Output fits GDB's `set width' (lines break between words); holes and
non-zero padding are coloured when `set style enabled' is on and the
output is a terminal.  Completion covers options, expressions, members
(align -r o.i<TAB>) and type names (align -t struct pa<TAB>); in LLDB
it needs LLDB 20 or later.

Leak check: every padding byte of the value is checked at every depth
(nested structs, unions, array elements; the first 1 MiB), whatever -r
shows, and each run of non-zero padding is listed where it lies, e.g.
"at o.in+17: 5a 5a 5a" (the tail padding of member in, 17 bytes into it).

GDB: C and Go programs; LLDB 14: C programs (it cannot read Go).

Options:
  -r          expand nested structs and unions in place (display only)
  -x          offsets in hexadecimal
  -c COUNT    cost at an instance count (100M, 1.5G, 64Ki, 100_000_000;
              shown as typed with its exact value; default for an
              array: its length)
  -a ARCH     project onto another architecture (amd64, arm64) with
              libalign's ABI model instead of the debugger's offsets
  -t          the argument is a type, not an expression
  --watch     (GDB) stop at write, send, sendto and fwrite when the
              buffer holds the value, or a copy of it, with non-zero
              padding; --unwatch removes these breakpoints
  -j, --json  the document of `structalign show --format json' for the
              type, plus the live values, padding bytes and leak check
              (for IDEs: GDB/MI -interpreter-exec console "align --json x")
  --          end of options

Examples:
  align s
  align -r -c 100M *order
  align -t struct packet
  align -a arm64 main.Order
  align -t *main.Order
  align --json s
  align --watch msg

See structalign-gdb(1)."""

ARCHES = ("amd64", "arm64", "x86_64", "aarch64")
OPTIONS = ("-r", "-x", "-c", "-a", "-t", "-j", "--json", "--watch", "--unwatch", "--",
           "-h")


class UserError(Exception):
    """A message for the user, one line: the command fails with it."""


class Options:
    """The parsed command line."""

    def __init__(self):
        self.recurse = False
        self.hex = False
        self.count = None      # the text, validated with libalign's parser
        self.arch = None       # projection target, or None
        self.as_type = False
        self.help = False
        self.target = ""       # the expression or type, as typed
        self.json = False      # --json: structalign show's document, live
        self.watch = None      # "watch" or "unwatch" (GDB)


def _split_option(text, pos):
    """The token at pos and the position after it (tokens end at blanks)."""
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[pos:end], end


def parse_args(text):
    """Options from the raw argument text.

    Only the leading options are split on blanks; the rest is the expression
    or type exactly as typed (it may contain blanks, quotes, casts), so GDB's
    string_to_argv, which would rewrite quotes, is not used on it.
    """
    opts = Options()
    pos = 0
    text = text or ""
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text) or text[pos] != "-":
            break
        tok, end = _split_option(text, pos)
        if tok == "--":
            pos = end
            break
        if tok in ("-h", "--help"):
            opts.help = True
            pos = end
            continue
        if tok == "--json":
            opts.json = True
            pos = end
            continue
        if tok in ("--watch", "--unwatch"):
            opts.watch = tok[2:]
            pos = end
            continue
        if len(tok) < 2 or not tok[1].isalpha():
            break  # an expression such as -1 or -x->y: not an option
        flags = tok[1:]
        pos = end
        for i, flag in enumerate(flags):
            if flag == "r":
                opts.recurse = True
            elif flag == "x":
                opts.hex = True
            elif flag == "t":
                opts.as_type = True
            elif flag == "j":
                # -j: --json's short form (LLDB's parsed commands need one).
                opts.json = True
            elif flag in ("c", "a"):
                value = flags[i + 1:]
                if not value:
                    while pos < len(text) and text[pos].isspace():
                        pos += 1
                    value, pos = _split_option(text, pos)
                if not value:
                    raise UserError("align: -%s needs a value (see 'help align')" % flag)
                if flag == "c":
                    try:
                        _libalign.parse_count(value)
                    except _libalign.Error as e:
                        raise UserError("align: -c: %s" % _message(e)) from None
                    opts.count = value
                else:
                    try:
                        _libalign.Graph("c", value)
                    except ValueError:
                        raise UserError("align: -a: unknown architecture '%s' (use %s)"
                                        % (value, ", ".join(ARCHES))) from None
                    opts.arch = value
                break
            else:
                raise UserError("align: unknown option -%s (options: -r -x -c N -a ARCH -t -j)"
                                % flag)
    opts.target = text[pos:].strip()
    return opts


def _message(e):
    """One line from a _libalign.Error: message, then the hint if any."""
    hint = getattr(e, "hint", "")
    return "%s (%s)" % (e, hint) if hint else str(e)


class TypeDesc:
    """What an adapter says about one debugger type (see Adapter.describe).

    kind    'struct', 'union', 'typedef', 'pointer', 'array' or 'base'
    name    the record's name or tag for records ('' when anonymous), the
            typedef's name, the display text otherwise
    display how the debugger shows the type ('struct point', 'main.T')
    size    bytes, -1 when unknown
    align   the debugger's alignof: a hint, 0 when unknown
    cls     base types: 'int', 'bool', 'float', 'complex', 'enum', and for Go
            'string', 'slice', 'interface', 'map', 'chan', 'func', 'pointer'
    target  typedefs: the named type; arrays: the element; pointers: pointee
    count   arrays: elements, None when unknown (T x[])
    fields  records: FieldDesc list in declaration order
    key     hashable identity for memoising (None: do not memoise)
    incomplete records: declared, never defined (no size, no members)
    """

    __slots__ = ("kind", "name", "display", "size", "align", "cls", "target", "count",
                 "fields", "key", "incomplete")

    def __init__(self, kind, name, display=None, size=-1, align=0, cls=None, target=None,
                 count=None, fields=None, key=None, incomplete=False):
        self.incomplete = incomplete
        self.kind = kind
        self.name = name
        self.display = display if display is not None else name
        self.size = size
        self.align = align
        self.cls = cls
        self.target = target
        self.count = count
        self.fields = fields or []
        self.key = key


class FieldDesc:
    """One member: name (None when anonymous), native type, absolute bit
    offset, bit-field width (None when not a bit-field), and handle, which
    the adapter uses to find the member's value again."""

    __slots__ = ("name", "type", "bit_offset", "bit_size", "handle", "flexible", "embedded",
                 "display")

    def __init__(self, name, type, bit_offset, bit_size=None, handle=None):
        self.name = name
        self.type = type
        self.bit_offset = bit_offset
        self.bit_size = bit_size
        self.handle = handle
        self.flexible = False
        self.embedded = False   # Go embedded field
        self.display = None     # the type as the source writes it (Go generics)


class Adapter:
    """The interface run() needs from a debugger (documentation only).

    language()          'c' or 'go' for the program being debugged; raise
                        UserError when the debugger cannot handle it
    arch()              'amd64' or 'arm64'; UserError otherwise
    has_process()       a live, stopped process is there to read
    evaluate(text)      a native value, or raise LookupError(message)
    lookup_type(text)   a native type, or raise LookupError(message)
    value_type(value)   the value's native type
    strip(type)         the type without typedefs and qualifiers
    describe(type)      a TypeDesc (typedefs described as such, not stripped)
    unwrap(value, type, desc, text)  optional (Go): None, or (value, type,
                        note[, extras]) for what a slice, interface or map
                        holds; value may be None (static)
    deref(value)        *value; is_null(value): a null pointer
    pointer_state(value) None, or 'synthetic' (GDB's <synthetic pointer>:
                        dereferenceable, not in memory) or 'optimized out'
    index(value, i)     element i of an array value
    address(value)      int, or None when the value is not in memory
    read(value, size)   its bytes, or None
    child(value, field) the value of FieldDesc field
    summary(value, desc) a short one-line string for a value of TypeDesc desc
    qualified(type)     optional (C): the type as declared when it has
                        qualifiers of its own ('char * const', 'const T'),
                        else None
    atomic(type)        optional (C): whether the type is itself _Atomic
                        (`_Atomic struct pt`, `int *_Atomic`, not
                        `_Atomic int *`): GCC aligns it to its size
    """


def c_spelling(text):
    """A C type as structalign show spells it: the qualifiers of a pointer
    against its star ('char *const', 'int (*const)(void)'; GDB writes
    'char * const')."""
    return re.sub(r"\* (?=(?:const|volatile|restrict|_Atomic)\b)", "*", text)


class Builder:
    """Debugger types -> Graph types, memoised by TypeDesc.key."""

    def __init__(self, adapter, graph):
        self.adapter = adapter
        self.graph = graph
        self.memo = {}

    def type(self, native):
        t = self._type(native)
        atomic = getattr(self.adapter, "atomic", None)
        if atomic is not None and atomic(native):
            # Outside the memo: LLDB describes _Atomic T as T.  GDB's
            # display already says _Atomic: kept, with the atomic alignment.
            a = self.graph.atomic(t)
            t = self.graph.named(t.display, a) if "_Atomic" in t.display else a
        return t

    def _type(self, native):
        d = self.adapter.describe(native)
        if d.key is not None and d.key in self.memo:
            return self.memo[d.key]
        g = self.graph
        if d.kind in ("struct", "union"):
            t = self.record(d)
        elif d.kind == "typedef":
            t = g.named(d.name, self.type(d.target))
        elif d.kind == "pointer":
            # The pointee does not matter to a layout, and may be cyclic.
            t = g.pointer(None, display=c_spelling(d.display))
        elif d.kind == "array":
            t = g.array(self.type(d.target), d.count, display=d.display)
        else:
            t = g.base(d.display, d.size, cls=d.cls, align=d.align)
        if d.key is not None:
            self.memo[d.key] = t
        return t

    def fields(self, d):
        """The members of record d, normalised (see the module docstring)."""
        fields = [f for f in d.fields if not (f.bit_size is not None and not f.name)]
        if fields and d.kind == "struct":
            last = fields[-1]
            ld = self.adapter.describe(self.adapter.strip(last.type))
            if ld.kind == "array" and last.bit_size is None and (
                    ld.count is None or ld.count == 0 or
                    (d.size >= 0 and ld.size > 0 and last.bit_offset // 8 + ld.size > d.size)):
                last.flexible = True
        return fields

    def record(self, d):
        specs = []
        for f in self.fields(d):
            if f.flexible:
                sd = self.adapter.describe(self.adapter.strip(f.type))
                ftype = self.graph.array(self.type(sd.target), None)
            else:
                ftype = self.type(f.type)
                if f.display is not None and f.display != ftype.display:
                    # A type parameter as the generic declaration names it.
                    ftype = self.graph.named(f.display, ftype)
                q = getattr(self.adapter, "qualified", None)
                q = q(f.type) if q is not None else None
                if q is not None and q != ftype.display:
                    # const/volatile on the member itself (`char *const p`,
                    # `const T t`): kept in the declaration printed, as
                    # structalign show keeps them.
                    ftype = self.graph.named(q, ftype)
            spec = {"name": f.name or "", "type": ftype, "bit_offset": f.bit_offset}
            if f.embedded:
                spec["embedded"] = True
            if f.bit_size is not None:
                spec["bit_size"] = f.bit_size
            specs.append(spec)
        return self.graph.record(d.name, specs, kind=d.kind, size=d.size, align=d.align,
                                 display=d.display)


def _values(adapter, builder, value, d, recurse, depth=0):
    """One entry per member of record d for Layout.render_live()."""
    out = []
    for f in builder.fields(d):
        try:
            v = adapter.child(value, f)
            fd = adapter.describe(adapter.strip(f.type))
            text = adapter.summary(v, fd)
            if recurse and fd.kind in ("struct", "union") and f.bit_size is None and depth < 32:
                out.append((text, _values(adapter, builder, v, fd, recurse, depth + 1)))
            else:
                out.append(text)
        except (UserError, LookupError, RuntimeError, ValueError, MemoryError) as e:
            out.append("<unreadable: %s>" % e)
    return out


NO_PROCESS = ("align: no process: the live layout needs a running program (start it, or "
              "attach); for the static layout use 'align -t TYPE'")


# Bytes of one value read for the leak check (the module checks as many),
# and the runs listed (leaks.c's LEAK_MAX_BYTES and LEAK_MAX_RUNS).
LEAK_MAX_BYTES = 1 << 20
LEAK_MAX_RUNS = 64


def _root_name(target, deref):
    """How the leak check names the value: the expression, parenthesised
    when it is not a plain name path, and dereferenced when it was a
    pointer ('(*s).in+9', never 's+9', which reads as pointer arithmetic)."""
    simple = all(ch.isalnum() or ch in "_.[]" for ch in target.lstrip("*"))
    if not simple:
        target = "(%s)" % target
    if deref:
        return "(*%s)" % target
    return "(%s)" % target if target.startswith("*") else target


class Resolved:
    """What the argument names: the record to lay out and, for a value, the
    whole value (an array of the record, or the record itself)."""

    def __init__(self):
        self.value = None       # native value of the whole, or None
        self.type = None        # native type of the record
        self.desc = None        # its TypeDesc
        self.notes = []
        self.deref = False      # the value was a pointer, dereferenced
        self.array = None       # native array type when the value is an array
        self.count = None       # its element count
        self.synthetic = False  # reached through a <synthetic pointer>
        self.slice_len = None   # Go: the slice's len when the value was one
        self.map_slot = None    # Go: (key type, value type, swiss) of a map
        self.map_key_too = False  # Go: the key is a record too: show it after
        self.map_value = None   # Go: the map itself, whose entries are checked
        self.title = None       # the record's type as written
        self.shown = ""         # the argument, with the pointers followed ("*pp")


def _resolve(adapter, opts):
    """(value or None, native type, its TypeDesc, notes for the title)."""
    r = _resolve_full(adapter, opts)
    return r.value, r.type, r.desc, r.notes


def _resolve_full(adapter, opts):
    """A Resolved for the argument, or UserError."""
    res = Resolved()
    notes = res.notes
    value = None
    if opts.as_type:
        try:
            t = adapter.lookup_type(opts.target)
        except LookupError as e:
            hint = ""
            if opts.target.split()[0] in ("struct", "union"):
                hint = ("; a %s that is only declared in this program (incomplete) has no "
                        "definition to find" % opts.target.split()[0])
            raise UserError("align: no type named '%s' (%s)%s" % (opts.target, e, hint)) \
                from None
    else:
        try:
            value = adapter.evaluate(opts.target)
        except LookupError as e_value:
            try:
                t = adapter.lookup_type(opts.target)
            except LookupError:
                raise UserError("align: '%s' is neither an expression nor a type here: %s"
                                % (opts.target, e_value)) from None
        if value is not None:
            if not adapter.has_process():
                raise UserError(NO_PROCESS)
            t = adapter.value_type(value)
    d = adapter.describe(adapter.strip(t))
    shown = opts.target
    for _ in range(8):
        # Go's containers and pointer chains, one step at a time: a slice
        # is an array of its len, an interface its dynamic value, a map its
        # value type; **T is *T behind one more pointer.
        step = adapter.unwrap(value, t, d, shown) if hasattr(adapter, "unwrap") else None
        if step is None and d.kind == "pointer" and d.target is not None:
            pd = adapter.describe(adapter.strip(d.target))
            if pd.kind == "pointer" or (pd.kind == "base" and pd.cls in
                                        ("slice", "interface", "map")):
                if value is not None:
                    if adapter.is_null(value):
                        raise UserError("align: '%s' is a null %s" % (shown, d.display))
                    value = adapter.deref(value)
                shown = "*%s" % shown
                t, d = d.target, pd
                continue
        if step is None:
            break
        value, t, note = step[0], step[1], step[2]
        if len(step) > 3:
            for key, extra in step[3].items():
                setattr(res, key, extra)
        if note:
            notes.append(note)
        d = adapter.describe(adapter.strip(t))
    res.shown = shown
    if d.kind == "pointer" and d.target is not None:
        pd = adapter.describe(adapter.strip(d.target))
        if pd.kind in ("struct", "union"):
            if pd.incomplete:
                raise UserError(
                    "align: '%s' points to %s, an incomplete type: it is declared but not "
                    "defined in the debug information of this program, so it has no layout"
                    % (shown, pd.display))
            if value is not None:
                state = adapter.pointer_state(value)
                if state == "optimized out":
                    raise UserError("align: '%s' is optimized out here (compiled with "
                                    "optimisation): it has no value to show" % shown)
                if state == "synthetic":
                    # GDB can still read the members (DW_OP_implicit_pointer),
                    # but the value is in registers, not in memory.
                    res.synthetic = True
                    notes.append("%s is a <synthetic pointer> (optimised code): the value "
                                 "is not in memory, padding bytes not shown" % shown)
                elif adapter.is_null(value):
                    raise UserError("align: '%s' is a null %s" % (shown, d.display))
                else:
                    notes.append("*(%s) %s" % (d.display, shown))
                value = adapter.deref(value)
            else:
                notes.append("pointed to by %s" % d.display)
            t = d.target
            d = pd
            res.deref = True
    if d.kind in ("struct", "union") and d.incomplete:
        raise UserError("align: %s is an incomplete type: it is declared but not defined in "
                        "the debug information of this program, so it has no layout"
                        % d.display)
    if d.kind == "array" and d.target is not None:
        ed = adapter.describe(adapter.strip(d.target))
        if ed.kind in ("struct", "union") and d.count:
            # An array of records: its element's layout, at count = length.
            res.array = t
            res.count = d.count
            if res.slice_len is None:
                notes.append("%s: %d elements of %s%s" % (
                    opts.target, d.count, ed.display,
                    "; element [0] shown, every element checked" if value is not None else ""))
            t = d.target
            d = ed
    if d.kind not in ("struct", "union"):
        raise UserError("align: '%s' is %s, not a struct or union (nor a pointer to one)"
                        % (opts.target, d.display or "of an unknown type"))
    if value is not None and not notes:
        notes.append("value of %s" % opts.target)
    res.value, res.type, res.desc = value, t, d
    # The title names the type as written: a typedef by its name (robj,
    # anon_t), an anonymous record as the debugger shows it (union {...}).
    td = adapter.describe(t)
    res.title = td.name if td.kind == "typedef" and td.name else d.display
    return res


def _map_slot_line(builder, graph, slot):
    """The padding of a Go map entry.  Go 1.24+ (swiss tables) keeps a key
    and its value side by side in a slot, struct { key K; elem V }, whose
    layout the compiler wrote to DWARF; earlier buckets keep 8 keys, then 8
    values.  A key or value over 128 bytes is kept behind a pointer."""
    key, val, native = slot[:3]
    behind = slot[3] if len(slot) > 3 else (False, False)
    kt, vt = builder.type(key), builder.type(val)
    kname = ("*" if behind[0] else "") + kt.display
    vname = ("*" if behind[1] else "") + vt.display
    note = ""
    if any(behind):
        note = " (%s over 128 bytes: kept behind a pointer)" % " and ".join(
            n for n, b in zip((kt.display, vt.display), behind) if b)
    if native is None:
        return ("/* map buckets (Go before 1.24): 8 keys (%s, %d bytes each), then 8 values "
                "(%s, %d bytes each): no padding between a key and its value%s */\n"
                % (kname, 8 if behind[0] else kt.size, vname, 8 if behind[1] else vt.size,
                   note))
    lay = graph.layout(builder.type(native))
    return ("/* map slot (Go 1.24+ swiss table): struct { key %s; elem %s }: %d bytes, "
            "%d of them padding, per entry%s */\n" % (kname, vname, lay.size, lay.padding, note))


def _map_entries_check(adapter, res, layout, klay):
    """The leak check of every live entry of a Go map as data: (totals of
    the bytes, bits, runs and padding_bits keys of Layout.leak_check(),
    the listed runs, the entries checked, the live entries)."""
    key, val = res.map_slot[:2]
    entries, live = adapter.map_entries(res.map_value, adapter.strip(key), adapter.strip(val),
                                        LEAK_MAX_BYTES)
    value_is_record = adapter.describe(adapter.strip(val)).kind in ("struct", "union")
    total = {"bytes": 0, "bits": 0, "runs": 0, "padding_bits": 0}
    listed = []
    for ktext, kraw, vraw in entries:
        checks = []
        if value_is_record:
            checks.append((layout, vraw, "%s[%s]" % (res.shown, ktext)))
            if klay is not None:
                checks.append((klay, kraw, "key(%s[%s])" % (res.shown, ktext)))
        else:
            checks.append((layout, kraw, "key(%s[%s])" % (res.shown, ktext)))
        for lay, data, root in checks:
            lc = lay.leak_check(data, root=root)
            for k in total:
                total[k] += lc[k]
            listed += lc["listed"]
    return total, listed, len(entries), live


def _map_klay(adapter, builder, graph, res):
    """The key's layout when a map's key and value are both records."""
    key = res.map_slot[0]
    kd = adapter.describe(adapter.strip(key))
    if kd.kind in ("struct", "union") and res.map_key_too:
        return graph.layout(builder.type(key)), kd
    return None, kd


def _map_leak_check(adapter, res, layout, klay):
    """The leak check of every live entry of a Go map: the padding of each
    value (when the value type is the record shown; else of each key) and,
    when both are records, of each key, listed as at m["k"]+3 (the value)
    or at key(m["k"])+1 (the key), in the words of render_live()."""
    total, listed, entries, live = _map_entries_check(adapter, res, layout, klay)
    limit = ""
    if entries < live:
        limit = "; only the first %d of its %d entries were checked" % (entries, live)
    what = "%d entr%s of %s" % (entries, "y" if entries == 1 else "ies", res.shown)
    if total["bytes"] == 0 and total["bits"] == 0:
        if total["padding_bits"] == 0:
            return "/* leak check: the %s have no padding%s */\n" % (what, limit)
        if total["padding_bits"] % 8 == 0:
            return "/* leak check: all %d padding bytes of the %s are zero, at every depth%s " \
                "*/\n" % (total["padding_bits"] // 8, what, limit)
        return "/* leak check: all %d padding bits of the %s are zero, at every depth%s */\n" \
            % (total["padding_bits"], what, limit)
    parts = []
    if total["bytes"]:
        parts.append("%d padding byte%s" % (total["bytes"], "" if total["bytes"] == 1 else "s"))
    if total["bits"]:
        parts.append("%d unused bit%s" % (total["bits"], "" if total["bits"] == 1 else "s"))
    one = total["bytes"] + total["bits"] == 1
    out = ["/* warning: %s of the %s %s not zero: copying them out leaks %s */" % (
        " and ".join(parts), what, "is" if one else "are", "it" if one else "them"),
        "/* non-zero padding, %d run%s, at every depth%s: */" % (
            total["runs"], "" if total["runs"] == 1 else "s", limit)]
    for name, rel, _, raw, mask in listed[:LEAK_MAX_RUNS]:
        line = "/*   at %s+%d: %s" % (name, rel, " ".join("%02x" % b for b in raw[:16]))
        if len(raw) > 16:
            line += " ... (%d bytes)" % len(raw)
        if len(raw) == 1 and mask is not None:
            line += " (unused bits 0x%02x)" % mask
        out.append(line + " */")
    if total["runs"] > LEAK_MAX_RUNS:
        out.append("/*   ... %d more runs not listed */" % (total["runs"] - LEAK_MAX_RUNS))
    return "\n".join(out) + "\n"


def _json_document(adapter, opts, res, layout, data, values, address, count, whole, notes):
    """`align --json`: structalign show --format json's document for the
    record ({"types":[...]}, same keys and numbers), each field with its
    "value", and "live": the expression, address, notes, the bytes of every
    hole and of the tail padding, and the leak check with its runs."""
    doc = json.loads(layout.render_json(count=count if count is not None else 1))
    if hasattr(adapter, "decl"):
        pos = adapter.decl(res.type)
        if pos is not None:
            doc["decl_file"], doc["decl_line"] = pos
    if values is not None:
        named = [m for m in layout.members if not (m.name == "" and m.bit_size)]
        by_name = {}
        for m, v in zip(named, values):
            by_name[m.name] = v[0] if isinstance(v, tuple) else v
        for f in doc.get("fields", []):
            if f.get("name") in by_name:
                f["value"] = by_name[f["name"]]
    live = {"expression": opts.target, "title": res.title, "notes": notes,
            "address": address, "bytes_read": len(data) if data is not None else 0}
    if data is not None:
        live["holes"] = [{"offset": h.offset, "size": h.size,
                          "bytes": data[h.offset:h.offset + h.size].hex()} for h in layout.holes]
        if layout.tail_padding:
            start = layout.size - layout.tail_padding
            live["tail_padding"] = {"offset": start, "size": layout.tail_padding,
                                    "bytes": data[start:layout.size].hex()}
        lc = layout.leak_check(data, whole=whole, root=_root_name(res.shown, res.deref))
        live["leak_check"] = {
            "checked": lc["checked"], "padding_bits": lc["padding_bits"],
            "nonzero_bytes": lc["bytes"], "nonzero_bits": lc["bits"], "runs": lc["runs"],
            "listed": [{"at": name, "offset": rel, "value_offset": at, "bytes": raw.hex(),
                        "unused_bits": mask} for name, rel, at, raw, mask in lc["listed"]]}
    doc["live"] = live
    return json.dumps({"types": [doc]}, separators=(",", ":")) + "\n"


def _count_as_typed(text, typed):
    """The cost line names the count as the user typed it, with its exact
    value: "64Ki (65,536) instances:", not libalign's "65.536K"."""
    if typed is None:
        return text
    exact = _libalign.parse_count(str(typed))
    shown = str(typed)
    if shown.replace("_", "").isdigit():
        label = "{:,}".format(exact)
    else:
        label = "%s (%s)" % (shown, "{:,}".format(exact))
    return re.sub(r"(?m)^\S+ instances: ", lambda m: label + " instances: ", text, count=1)


def fit(text, width):
    """Lines no wider than width (0 or None: as they are), broken between
    words, never inside one: a comment goes on as "   ... */" lines, a
    member line loses the end of its value ("..."), other lines go on
    indented.  A single word wider than width is left whole."""
    if not width or width < 20:
        return text
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        m = re.match(r"^(/\*.*?\*/ +\S.*?) +(= )(.*)$", line)
        if m and not line.startswith("/* XXX"):
            # The value column closes up, then the value is cut.
            head = m.group(1) + " " + m.group(2)
            if len(head) + len(m.group(3)) <= width:
                out.append(head + m.group(3))
                continue
            if len(head) + 4 <= width:
                out.append(head + m.group(3)[:width - len(head) - 3] + "...")
                continue
        indent = "   " if line.startswith("/*") else "    "
        # "!! non-zero" is one token.
        words = line.replace("!! non-zero", "!!\0non-zero").split(" ")
        words = [w.replace("\0", " ") for w in words]
        cur = words[0]
        for w in words[1:]:
            if len(cur) + 1 + len(w) <= width or not cur.strip():
                cur += " " + w
            else:
                out.append(cur.rstrip())
                cur = indent + w
        out.append(cur)
    return "\n".join(out)


_RED, _YELLOW, _OFF = "\033[1;31m", "\033[33m", "\033[m"


def colour(text):
    """Holes and padding in yellow, non-zero padding (the flagged bytes, the
    warning and its runs) in red: ANSI escapes, as GDB's styles use."""
    out = []
    for line in text.split("\n"):
        if "!! non-zero" in line:
            head, _, _ = line.partition("!! non-zero")
            line = _YELLOW + head + _OFF + _RED + "!! non-zero" + _OFF
        elif line.startswith("/* XXX"):
            line = _YELLOW + line + _OFF
        elif line.startswith(("/* warning: ", "/*   at ", "/* non-zero padding")):
            line = _RED + line + _OFF
        out.append(line)
    return "\n".join(out)


class WatchTarget:
    """What `align --watch` needs of a value, fixed when the watch is set:
    where it is, its bytes' padding mask, and how to check a copy of it."""

    def __init__(self, expression, title, address, size, layout, whole, root):
        self.expression = expression
        self.title = title
        self.address = address
        self.size = size
        self.layout = layout
        self.whole = whole
        self.root = root

    def check(self, data):
        """The leak check of bytes data (a copy of the value or the value)."""
        return self.layout.leak_check(data, whole=self.whole, root=self.root)

    def find_copy(self, current, buf):
        """Offsets in buf holding a copy of the value: its non-padding bytes
        equal the value's current ones (the padding may differ).  A search
        for the first run of data bytes, then a full comparison."""
        mask = self.check(current)["mask"]
        if len(mask) < self.size:
            return []
        data_runs = []
        i = 0
        while i < self.size:
            if mask[i] == 0:
                j = i
                while j < self.size and mask[j] == 0:
                    j += 1
                data_runs.append((i, j))
                i = j
            else:
                i += 1
        if not data_runs:
            return []
        first = max(data_runs, key=lambda r: r[1] - r[0])
        needle = current[first[0]:first[1]]
        found = []
        k = buf.find(needle)
        while k >= 0 and len(found) < 8:
            start = k - first[0]
            if start >= 0 and start + self.size <= len(buf) and all(
                    buf[start + a:start + b] == current[a:b] for a, b in data_runs):
                found.append(start)
            k = buf.find(needle, k + 1)
        return found


def watch_target(adapter, text):
    """The WatchTarget of `align --watch EXPR`, or UserError."""
    opts = parse_args(text)
    if not opts.target:
        raise UserError("align: --watch needs an expression (see 'help align')")
    if opts.as_type:
        raise UserError("align: --watch needs a value, not a type")
    lang = adapter.language()
    arch = adapter.arch()
    res = _resolve_full(adapter, opts)
    if res.value is None:
        raise UserError("align: --watch needs a value in a running program, not a type")
    if hasattr(adapter, "set_home"):
        adapter.set_home(res.desc)
    try:
        graph = _libalign.Graph(lang, arch)
        builder = Builder(adapter, graph)
        record = builder.type(res.type)
        whole = builder.type(res.array) if res.array is not None else None
        layout = graph.layout(record)
    except _libalign.Error as e:
        raise UserError("align: %s" % _message(e)) from None
    address = adapter.address(res.value)
    if address is None:
        raise UserError("align: '%s' is not in memory (a register or a synthetic pointer): "
                        "nothing to watch" % opts.target)
    size = whole.size if whole is not None else layout.size
    if size > LEAK_MAX_BYTES:
        raise UserError("align: '%s' is %d bytes: --watch checks values up to %d"
                        % (opts.target, size, LEAK_MAX_BYTES))
    return WatchTarget(opts.target, res.title, address, size, layout, whole,
                       _root_name(res.shown, res.deref))


def run(adapter, text):
    """The whole command: returns the text to print, or raises UserError
    with a one-line message."""
    try:
        out = _run(adapter, text)
    except UserError as e:
        raise UserError(" ".join(str(e).split())) from None
    if out.startswith('{"types":'):
        return out  # --json: for programs, never wrapped or coloured
    width = adapter.width() if hasattr(adapter, "width") else 0
    out = fit(out, width)
    if hasattr(adapter, "styled") and adapter.styled():
        out = colour(out)
    return out


def _run(adapter, text):
    opts = parse_args(text)
    if opts.help:
        return HELP + "\n"
    if opts.watch:
        raise UserError("align: --watch and --unwatch work in GDB only (breakpoints whose "
                        "condition is Python)")
    if not opts.target:
        raise UserError("align: give an expression or a type (see 'help align')")
    lang = adapter.language()
    arch = adapter.arch()
    res = _resolve_full(adapter, opts)
    if hasattr(adapter, "set_home"):
        adapter.set_home(res.desc)
        res.desc = adapter.describe(adapter.strip(res.type))
    value, t, d, notes = res.value, res.type, res.desc, res.notes
    try:
        graph = _libalign.Graph(lang, arch)
        builder = Builder(adapter, graph)
        record = builder.type(t)
        whole = builder.type(res.array) if res.array is not None else None
        count = opts.count
        if count is None and res.count is not None:
            count = res.count
        projected = opts.arch is not None and _libalign.Graph(lang, opts.arch).arch != arch
        if projected:
            graph.set_arch(opts.arch)
            layout = graph.layout(record, given=False)
            notes.append("projected from %s by the model" % arch)
        else:
            layout = graph.layout(record)
        data = values = address = None
        if value is not None:
            shown = adapter.index(value, 0) if res.array is not None else value
            values = _values(adapter, builder, shown, d, opts.recurse)
            if projected:
                notes.append("live padding bytes not shown")
            else:
                address = adapter.address(value)
                size = layout.size
                if whole is not None:
                    size = max(size, min(whole.size, LEAK_MAX_BYTES))
                data = adapter.read(value, size)
                if data is None and not res.synthetic:
                    notes.append("memory not readable: padding bytes not shown")
        else:
            notes.append("static layout")
        if opts.json:
            doc = _json_document(adapter, opts, res, layout, data, values, address, count,
                                 whole, notes)
            if res.map_value is not None and hasattr(adapter, "map_entries") and not projected:
                klay, _ = _map_klay(adapter, builder, graph, res)
                total, listed, entries, live = _map_entries_check(adapter, res, layout, klay)
                parsed = json.loads(doc)
                parsed["types"][0]["live"]["map_entries"] = {
                    "entries": live, "checked": entries, "padding_bits": total["padding_bits"],
                    "nonzero_bytes": total["bytes"], "nonzero_bits": total["bits"],
                    "runs": total["runs"],
                    "listed": [{"at": name, "offset": rel, "bytes": raw.hex(),
                                "unused_bits": mask}
                               for name, rel, _, raw, mask in listed[:LEAK_MAX_RUNS]]}
                doc = json.dumps(parsed, separators=(",", ":")) + "\n"
            return doc
        # A generic Go record named as declared ("Pair[K comparable, V
        # any]", found in its source): its declaration pastes as that.
        params = None
        if lang == "go" and d.name and "[" in d.name and " " in d.name.split("[", 1)[1]:
            params = "[" + d.name.split("[", 1)[1]
        text = layout.render_live(data, values, hex=opts.hex, count=count,
                                  recurse=opts.recurse, address=address,
                                  note="(" + "; ".join(notes) + ")",
                                  whole=whole if data is not None else None,
                                  root=_root_name(res.shown, res.deref), title=res.title,
                                  type_params=params)
        if res.map_slot is not None:
            text += _map_slot_line(builder, graph, res.map_slot)
            klay, kd = _map_klay(adapter, builder, graph, res)
            if klay is not None:
                # Both are records: the key's layout follows, at the same count.
                text += "\n" + klay.render_live(None, None, hex=opts.hex, count=count,
                                                note="(key type of %s; static layout)"
                                                % res.shown, title=kd.display)
            if res.map_value is not None and hasattr(adapter, "map_entries") and not projected:
                text += _map_leak_check(adapter, res, layout, klay)
        return _count_as_typed(text, count)
    except _libalign.Error as e:
        raise UserError("align: %s" % _message(e)) from None
