"""dbgtest - what the debugger tests share: skipping with a reason, building
the sample programs, running batch GDB and LLDB sessions (gdb_session,
lldb_session: the command lines are written here once), and parsing the
`align` output back into numbers.

Every test exits 0 (pass), 1 (fail) or 77 (skip, with the reason printed:
automake shows it in the .log and counts it as SKIP, never as PASS).
"""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.append(os.path.dirname(HERE))
import salib  # noqa: E402  (tests/salib.py: Go releases, terminals)
SKIP = 77
TIMEOUT = 60

_failures = []

if os.environ.get("SA_SANITIZER_BUILD") == "yes":
    print("SKIP: sanitizer build (--enable-sanitizers): the extension module is "
          "ASan-instrumented and python3, gdb and lldb are not, so the ASan runtime "
          "cannot come first in their library list; the plain build runs this test")
    sys.exit(SKIP)


def skip(reason):
    print("SKIP: " + reason)
    sys.exit(SKIP)


def check(cond, what, context=None):
    """Records a failed assertion (the test goes on, to report them all)."""
    if cond:
        print("ok: " + what)
        return True
    print("FAIL: " + what)
    if context:
        print("  " + context.replace("\n", "\n  "))
    _failures.append(what)
    return False


def finish():
    if _failures:
        print("%d check(s) failed" % len(_failures))
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def tool(var, name):
    """The program from the environment (configure's choice) or PATH."""
    path = os.environ.get(var) or shutil.which(name)
    if not path or not os.path.exists(path):
        skip("%s not found (install it or set %s)" % (name, var))
    return path


def workdir():
    d = tempfile.mkdtemp(prefix="structalign-dbg-")
    atexit.register(shutil.rmtree, d, True)
    return d


def run(argv, env=None, timeout=TIMEOUT, cwd=None):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        print((e.stdout or b"").decode("utf-8", "replace"))
        print("FAIL: %s did not finish in %d s" % (argv[0], timeout))
        sys.exit(1)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def build_c(tmp, source="sample.c"):
    cc = os.environ.get("CC") or "gcc"
    out = os.path.join(tmp, os.path.splitext(source)[0])
    rc, text = run(cc.split() + ["-g", "-O0", "-o", out, os.path.join(HERE, source)])
    if rc != 0:
        skip("cannot build the C test program with %s:\n%s" % (cc, text))
    return out


def go_env(tmp):
    env = dict(os.environ, GOFLAGS="", GO111MODULE="auto")
    home = env.get("HOME")
    if not home or not os.access(home, os.W_OK):
        env["GOCACHE"] = os.path.join(tmp, "gocache")
        env["HOME"] = tmp
    return env


def build_go(tmp):
    go = tool("GO", "go")
    out = os.path.join(tmp, "gsample")
    rc, text = run([go, "build", "-gcflags=-N -l", "-o", out, os.path.join(HERE, "sample.go")],
                   env=go_env(tmp), timeout=120, cwd=tmp)
    if rc != 0:
        skip("cannot build the Go test program:\n%s" % text)
    return out


def program_offsets(program):
    """{member: offset} and {type: size} printed by a sample program."""
    rc, text = run([program])
    if rc != 0:
        print(text)
        print("FAIL: %s exited with %d" % (program, rc))
        sys.exit(1)
    offsets = {m.group(1): int(m.group(2)) for m in re.finditer(r"^offsetof (\w+) (\d+)$", text, re.M)}
    sizes = {m.group(1): int(m.group(2)) for m in re.finditer(r"^sizeof (\w+) (\d+)$", text, re.M)}
    return offsets, sizes


# What GDB and LLDB say when the kernel or a container forbids ptrace.  (GDB's
# "Error disabling address space randomization: Operation not permitted"
# is only a warning: sessions work without it.)
PTRACE_DENIED = re.compile(r"ptrace: Operation not permitted|Couldn't get (?:\w+ )?registers?|"
                           r"Could not attach to process|error: process launch failed|"
                           r"Cannot create process: Operation not permitted|"
                           r"'A' packet returned an error")


def skip_if_no_ptrace(output, debugger):
    if PTRACE_DENIED.search(output):
        line = PTRACE_DENIED.search(output).group(0)
        skip("%s cannot run the test program here (%s): ptrace is not permitted; run the "
             "tests where it is (CAP_SYS_PTRACE, kernel.yama.ptrace_scope <= 1)"
             % (debugger, line))


def plugin_env():
    env = dict(os.environ)
    if not env.get("STRUCTALIGN_PYTHONPATH"):
        skip("STRUCTALIGN_PYTHONPATH is not set: run through `make check`")
    return env


def script(name):
    d = os.environ.get("STRUCTALIGN_SCRIPTS")
    if not d:
        skip("STRUCTALIGN_SCRIPTS is not set: run through `make check`")
    path = os.path.join(d, name)
    if not os.path.exists(path):
        skip("%s not built (make all first)" % path)
    return path


def lldb_pythonpath(lldb):
    """The directory of this LLDB's own Python module, for PYTHONPATH: what
    `lldb -P` says, except that Debian's LLDB 14 says site-packages and
    ships it in dist-packages."""
    rc, out = run([lldb, "-P"])
    first = out.strip().splitlines()[0] if out.strip() else ""
    candidates = [first, first.replace("site-packages", "dist-packages"),
                  "/usr/lib/llvm-14/lib/python3.11/dist-packages",
                  "/usr/lib/python3/dist-packages"]
    for c in candidates:
        if c and os.path.exists(os.path.join(c, "lldb", "__init__.py")):
            return c
    skip("LLDB's Python module not found (tried %s)" % ", ".join(filter(None, candidates)))


def per_release(releases, one_release):
    """Runs one_release(V) for each Go release V that tools/fetch-go can
    provide (tests/salib.py), then finishes: SKIP (77, naming what was
    missing) when a release could not be had and nothing failed."""
    tested = 0
    for v in releases:
        try:
            salib.go_root(v)
        except salib.Skip as e:
            print("SKIP (Go %s): %s" % (v, e))
            continue
        one_release(v)
        tested += 1
    if tested < len(releases) and not _failures:
        skip("%d of the Go releases %s could not be had (see above)"
             % (len(releases) - tested, " ".join(releases)))
    finish()


# ---------------------------------------------------------------- sessions

GDB_QUIET = ["-nx", "-batch", "-iex", "set auto-load python-scripts off",
             "-iex", "set debuginfod enabled off", "-iex", "set height 0"]


def gdb_argv(program, commands, stop="stop_here", before=(), width=0, after=(), launch=True,
             plugin=True, up=None):
    """A batch GDB command line: the plugin loaded, a breakpoint at stop and
    the program run (launch), then each (name, command) after a marker
    that sections() finds.  before: more arguments ahead of the plugin
    (-iex settings); after: more arguments after the last command;
    width None leaves GDB's `set width` alone; up: `up` once stopped
    (default: when stopped in edge.c's stop())."""
    gdb = tool("GDB", "gdb")
    argv = [gdb] + GDB_QUIET
    if width is not None:
        argv += ["-iex", "set width %d" % width]
    argv += list(before)
    if plugin:
        argv += ["-x", script("structalign_gdb.py")]
    if launch:
        argv += ["-ex", "break " + stop, "-ex", "run"]
        if up or (up is None and stop == "stop"):   # edge.c's stop(): in its caller
            argv += ["-ex", "up"]
    for name, cmd in commands:
        argv += ["-ex", "echo " + MARK % name + "\\n", "-ex", cmd]
    argv += ["-ex", "echo " + MARK % "end" + "\\n"] + list(after) + [program]
    return argv


def gdb_session(program, commands, env=None, **kw):
    """(sections, whole output) of a batch GDB session (see gdb_argv);
    skips when ptrace is not permitted."""
    rc, out = run(gdb_argv(program, commands, **kw), env=env if env is not None else plugin_env())
    skip_if_no_ptrace(out, "gdb")
    return sections(out), out


# Runs one command through LLDB's interpreter so that a failing command
# does not end the batch (lldb -b stops at the first error), and prints
# the result's output and error after the section marker.
_LLDB_HELPER = """import lldb

def run(name, command):
    result = lldb.SBCommandReturnObject()
    lldb.debugger.GetCommandInterpreter().HandleCommand(command, result)
    print("%s" % (MARK % name))
    print(result.GetOutput() or "", end="")
    if not result.Succeeded():
        print("ERROR: " + (result.GetError() or "").strip())


# What LLDB completes for line (the cursor at its end), as <TAB> does:
# MATCH lines, the first the common text to insert.
def complete(name, line):
    matches = lldb.SBStringList()
    lldb.debugger.GetCommandInterpreter().HandleCompletion(line, len(line), 0, -1, matches)
    print("%s" % (MARK % name))
    for i in range(matches.GetSize()):
        print("MATCH %r" % matches.GetStringAtIndex(i))
"""
_helper_dir = None


def lldb_env(lldb, env=None):
    env = dict(env if env is not None else plugin_env())
    env["PYTHONPATH"] = lldb_pythonpath(lldb)
    return env


def lldb_argv(program, commands, lldb=None, stop="stop_here", launch=True, before=(),
              plugin=True):
    """A batch LLDB command line, as gdb_argv: commands go through the
    helper (aligntest.run) so that an error ends no batch and is shown as
    an ERROR: line in its section; "complete LINE" prints what LLDB's
    completion offers for LINE, as GDB's complete command does."""
    global _helper_dir
    if _helper_dir is None:
        _helper_dir = workdir()
        with open(os.path.join(_helper_dir, "aligntest.py"), "w") as f:
            f.write(_LLDB_HELPER.replace("MARK", repr(MARK)))
    lldb = lldb or tool("LLDB", "lldb")
    argv = [lldb, "--no-lldbinit", "-b",
            "-o", "command script import " + os.path.join(_helper_dir, "aligntest.py")]
    argv += list(before)
    if plugin:
        argv += ["-o", "command script import " + script("structalign_lldb.py")]
    if launch:
        argv += ["-o", "breakpoint set -n " + stop, "-o", "process launch"]
        if stop == "stop":
            argv += ["-o", "up"]
    for name, cmd in commands:
        if cmd.startswith("complete "):
            argv += ["-o", "script aligntest.complete(%r, %r)" % (name, cmd[len("complete "):])]
        else:
            argv += ["-o", "script aligntest.run(%r, %r)" % (name, cmd)]
    argv += ["-o", "script aligntest.run('end', 'version')", program]
    return argv


def lldb_session(program, commands, lldb=None, env=None, **kw):
    """(sections, whole output) of a batch LLDB session (see lldb_argv)."""
    lldb = lldb or tool("LLDB", "lldb")
    rc, out = run(lldb_argv(program, commands, lldb=lldb, **kw),
                  env=lldb_env(lldb, env))
    skip_if_no_ptrace(out, "lldb")
    return sections(out), out


def lldb_version(lldb):
    """LLDB's major version (14 for "lldb version 14.0.6"), 0 if unknown."""
    rc, out = run([lldb, "--version"])
    m = re.search(r"lldb version (\d+)", out)
    return int(m.group(1)) if m else 0


def error_line(text):
    """The ERROR: line the LLDB helper printed (LLDB echoes the next
    command too)."""
    return next((l for l in (text or "").splitlines() if l.startswith("ERROR:")), "")


def in_pty(argv, env, columns=200):
    """The output of argv run with a pseudo-terminal as stdin, stdout and
    stderr (TERM=xterm, COLUMNS columns), carriage returns removed."""
    import pty
    master, slave = pty.openpty()
    try:
        import fcntl
        import struct
        import termios
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    except (ImportError, OSError):
        pass
    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                         env=dict(env, TERM="xterm", COLUMNS=str(columns), LINES="50"),
                         close_fds=True)
    os.close(slave)
    got = salib.pty_output(master)
    try:
        p.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        print("FAIL: %s did not finish in %d s under a pty" % (argv[0], TIMEOUT))
        sys.exit(1)
    os.close(master)
    return got.decode("utf-8", "replace").replace("\r\n", "\n")


# ---------------------------------------------------------------- parsing

MARK = "=== align-test: %s ==="


def sections(output):
    """{name: text} between the markers the tests print."""
    out = {}
    parts = re.split(r"^=== align-test: (.+?) ===$", output, flags=re.M)
    for i in range(1, len(parts) - 1, 2):
        out[parts[i]] = parts[i + 1]
    return out


def need_sections(sec, commands, output):
    """A check that each (name, command) of commands has its section in
    sec; at the first one missing, the whole session output is printed and
    the test finishes (every check after it would fail on the same)."""
    for name, _ in commands:
        if not check(name in sec, "section %s present" % name):
            print(output)
            finish()


def check_offsets(members, offsets, truth):
    """A check per {name: offset} of offsets (what the compiled program
    printed, truth naming how: "offsetof") that parse_align's members
    place it there."""
    for name, off in offsets.items():
        check(name in members and members[name].offset == off,
              "offset of %s is %s's %d" % (name, truth, off), repr(members.get(name)))


_MEMBER = re.compile(r"^/\*\s+(0x[0-9a-f]+|\d+)(?::\s*(\d+))?\s*\|\s*(\d+) \*/( +)(.*?)$")
_HOLE = re.compile(r"^/\* XXX\s+(\d+)-(byte|bit) (hole|padding)\s*\*/(.*)$")


class Member:
    def __init__(self, offset, bit, size, depth, decl, value):
        self.offset, self.bit, self.size, self.depth = offset, bit, size, depth
        self.decl, self.value = decl, value

    def __repr__(self):
        return "Member(%r, %d:%s, %d, %r)" % (self.decl, self.offset, self.bit, self.size,
                                             self.value)


def parse_align(text):
    """(members, holes, summary lines) from one `align` output.  members:
    name -> Member, nested members of an expanded record as 'outer.inner';
    holes: (depth, kind, size, rest of the line) in order."""
    members, holes, summary = {}, [], []
    stack = []              # [name or None (C: known at the closing brace), keys]
    for line in text.splitlines():
        m = _MEMBER.match(line)
        if m:
            off = int(m.group(1), 0)
            bit = int(m.group(2)) if m.group(2) is not None else None
            decl, _, value = m.group(5).partition("= ")
            decl = decl.strip()
            member = Member(off, bit, int(m.group(3)), len(stack), decl,
                            value.strip() if value else None)
            opening = decl.endswith("{")
            name = _member_name(decl[:-1].strip(), opening=True) if opening else _member_name(decl)
            key = "\0".join(s[0] or "?" for s in stack) + ("\0" if stack else "") + (name or "?")
            members[key] = member
            for s in stack:
                s[1].append(key)
            if opening:
                stack.append([name, [key]])
            continue
        h = _HOLE.match(line)
        if h:
            holes.append((len(stack), h.group(3) if h.group(2) == "byte" else "bit " + h.group(3),
                          int(h.group(1)), h.group(4).strip()))
            continue
        stripped = line.strip()
        if stripped.startswith("}") and stack:
            name, keys = stack.pop()
            closing = re.match(r"^\}\s*(\w+)?;?$", stripped)
            if name is None and closing and closing.group(1):
                _rename(members, stack, keys, len(stack), closing.group(1))
            continue
        if stripped.startswith("/*") or stripped.startswith("//") or "instances:" in stripped:
            summary.append(stripped)
    return {k.replace("\0", "."): v for k, v in members.items()}, holes, summary


def _rename(members, stack, keys, depth, name):
    """Gives the record opened at depth its name, found at its closing brace."""
    for old in keys:
        parts = old.split("\0")
        parts[depth] = name
        new = "\0".join(parts)
        members[new] = members.pop(old)
        for s in stack:
            s[1][:] = [new if k == old else k for k in s[1]]


def _member_name(decl, opening=False):
    """The member name in a C or Go member line."""
    decl = re.sub(r"__attribute__\(\(.*?\)\)\)?", "", decl).rstrip(" ;")
    if opening:
        # Go: "In main.Inner {"; C: "struct inner {", named at the "}".
        return None if decl.startswith(("struct", "union")) else decl.split()[0]
    if ":" in decl and not decl.startswith("func"):
        decl = decl.split(":")[0].strip()
    if re.match(r"^[A-Z_]\w* ", decl):     # Go: Name Type
        return decl.split()[0]
    decl = re.sub(r"\[.*\]$", "", decl)    # C arrays
    m = re.search(r"(\w+)$", decl)
    return m.group(1) if m else decl


def summary_number(summary, pattern):
    for line in summary:
        m = re.search(pattern, line)
        if m:
            return int(m.group(1))
    return None


def suggested_order(text):
    """The suggested declaration printed after the summary, or None."""
    m = re.search(r"Suggested order \((\d+) bytes\): \*/\n(struct .*?\n\};\n)", text, re.S)
    return (int(m.group(1)), m.group(2)) if m else None


def compiled_size(tmp, decl):
    """sizeof(struct sample) when GCC compiles decl with sample.h's types."""
    src = os.path.join(tmp, "suggested.c")
    exe = os.path.join(tmp, "suggested")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\n#define NO_STRUCT_SAMPLE\n#include "sample.h"\n')
        f.write(decl)
        f.write('int main(void) { printf("%zu\\n", sizeof(struct sample)); return 0; }\n')
    cc = os.environ.get("CC") or "gcc"
    rc, text = run(cc.split() + ["-I", HERE, "-o", exe, src])
    if rc != 0:
        return "does not compile: " + text
    rc, text = run([exe])
    return int(text.strip()) if rc == 0 else text


def check_compiled_size(tmp, decl, optimal):
    """A check that GCC compiles the suggested declaration decl (of struct
    sample) to the optimal size the summary reported."""
    got = compiled_size(tmp, decl)
    check(got == optimal, "GCC makes the suggested order %s bytes, as reported" % optimal,
          "gcc says %r for:\n%s" % (got, decl))


def ptype_offsets(text):
    """Top-level members {name: (offset, bit or None, size)} and byte holes
    [(depth, 'hole' or 'padding', size)] from GDB's `ptype /o`."""
    members, holes = {}, []
    depth = 0
    pending = None          # (offset, size) of the nested record being read
    for line in text.splitlines():
        m = re.match(r"^/\*\s+(\d+)(?::\s*(\d+))?\s*\|\s*(\d+) \*/\s+(.*)$", line)
        if m:
            decl = m.group(4).strip()
            if decl.endswith("{"):
                if depth == 0:
                    pending = (int(m.group(1)), None, int(m.group(3)))
                depth += 1
            elif depth == 0:
                members[_member_name(decl)] = (int(m.group(1)),
                                              int(m.group(2)) if m.group(2) else None,
                                              int(m.group(3)))
            continue
        h = re.match(r"^/\* XXX\s+(\d+)-byte (hole|padding)\s*\*/", line)
        if h:
            holes.append((depth, h.group(2), int(h.group(1))))
            continue
        c = re.match(r"^\s+\} (\w+);", line)
        if c and depth > 0:
            depth -= 1
            if depth == 0 and pending is not None:
                members[c.group(1)] = pending
                pending = None
    return members, holes
