"""salib.py - what the Python test scripts share: finding the structalign
under test and the tools a script needs (or skipping, exit 77, with the
reason), writing and building Go programs, running a command on a
terminal, and ending with the failures listed.  The scripts run as
`python3 $top_srcdir/tests/NAME.py`, so this directory is on sys.path."""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time

PACKAGES = {"go": "golang-go", "qemu-arm": "qemu-user", "qemu-aarch64": "qemu-user",
            "qemu-i386": "qemu-user", "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
            "i686-linux-gnu-gcc": "gcc-i686-linux-gnu",
            "arm-linux-gnueabihf-gcc": "gcc-arm-linux-gnueabihf"}


class Skip(Exception):
    """Raised with the reason a script cannot run here."""


def need(*tools):
    """$STRUCTALIGN (set by make check), after checking that every tool is
    on PATH; raises Skip naming the first one missing (and its package)."""
    tool = os.environ.get("STRUCTALIGN")
    if not tool or not os.access(tool, os.X_OK):
        raise Skip("STRUCTALIGN is not set (run through make check)")
    for t in tools:
        if shutil.which(t) is None:
            pkg = PACKAGES.get(t)
            raise Skip("%s not found%s" % (t, " (Debian package %s)" % pkg if pkg else ""))
    return tool


def run_problems(rc, out, err, want_rc=2, want_err=(), want_out=(), no_out=None,
                 timeout=60, valgrind_rc=None):
    """What is wrong with one run of structalign (rc None: it hung and was
    killed after timeout seconds; rc valgrind_rc: valgrind's error exit)
    against what it should do: exit want_rc, each text of want_err on
    stderr and of want_out on stdout, and nothing on stdout when no_out
    (by default when want_rc is 2: no report on bad input).  A list of
    texts, empty when the run is right."""
    problems = []
    if rc is None:
        problems.append("hung (killed after %d s)" % timeout)
    elif rc < 0:
        problems.append("killed by signal %d" % -rc)
    elif valgrind_rc is not None and rc == valgrind_rc:
        problems.append("valgrind found errors")
    elif rc != want_rc:
        problems.append("exit %d, want %d" % (rc, want_rc))
    for w in want_err:
        if w not in err:
            problems.append("stderr lacks %r" % w)
    for w in want_out:
        if w not in out:
            problems.append("stdout lacks %r" % w)
    if (want_rc == 2 if no_out is None else no_out) and out.strip():
        problems.append("printed a report on bad input")
    return problems


# The C targets whose compiled programs are the truth for C layouts:
# (arch, compiler, its flags, what runs the program).  i686 programs run
# natively on an x86-64 kernel; arm64 ones under qemu.
C_TARGETS = [
    ("amd64", "gcc", [], []),
    ("386", "i686-linux-gnu-gcc", ["-static"], []),
    ("arm64", "aarch64-linux-gnu-gcc", ["-static"], ["qemu-aarch64"]),
]


# ------------------------------------------------------------ Go releases
#
# A test that runs per Go release asks go_releases() which ones (the
# $GO_VERSIONS knob: `./quickstart check` and `make check` use the oldest
# and the newest, 1.19 and 1.27; `make check-go-all` all seven), then go_env(v) for each: the
# environment that makes `go` on PATH that release (tools/fetch-go finds or
# fetches it).  A release that cannot be had raises Skip naming its Debian
# package; a test covering several releases catches it, carries on with the
# others and calls skip_release(v, why), so that run_main reports SKIP (exit
# 77, never a pass) when nothing failed but a release was missing.

GO_VERSIONS_DEFAULT = "1.19 1.27"
_goroots = {}
_skipped_releases = []


def _top_srcdir():
    return os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..")


def go_releases():
    """The Go releases to test, oldest first: $GO_VERSIONS (blank- or
    comma-separated, "all" for every release tools/fetch-go knows), else
    1.19 1.27 (the oldest and the newest).  Raises Skip for a release
    fetch-go does not know."""
    known = subprocess.run([os.path.join(_top_srcdir(), "tools", "fetch-go"), "--list"],
                           capture_output=True, text=True).stdout.split()
    text = os.environ.get("GO_VERSIONS", "").replace(",", " ").strip() or GO_VERSIONS_DEFAULT
    if text == "all":
        return known
    vs = text.split()
    for v in vs:
        if known and v not in known:
            raise Skip("GO_VERSIONS names Go %s; tools/fetch-go --list knows %s"
                       % (v, " ".join(known)))
    return sorted(set(vs), key=lambda v: tuple(int(x) for x in v.split(".")))


def go_package(version):
    """The Debian package of a release's toolchain."""
    return "golang-go" if version == "1.19" else "golang-%s-go" % version


def go_root(version):
    """The GOROOT of Go `version` (e.g. "1.27"), fetched once by
    tools/fetch-go and cached; raises Skip naming the package when it
    cannot be had."""
    if version not in _goroots:
        p = subprocess.run([os.path.join(_top_srcdir(), "tools", "fetch-go"), "--goroot",
                            version], capture_output=True, text=True)
        root = p.stdout.strip()
        if p.returncode != 0 or not root or not os.access(os.path.join(root, "bin", "go"),
                                                         os.X_OK):
            why = (p.stderr.strip().splitlines() or ["tools/fetch-go failed"])[0]
            _goroots[version] = Skip("Go %s is not available (Debian package %s): %s"
                                     % (version, go_package(version), why))
        else:
            _goroots[version] = root
    r = _goroots[version]
    if isinstance(r, Skip):
        raise r
    return r


def go_env(version, base=None):
    """A copy of `base` (default os.environ) in which `go` is Go `version`:
    GOROOT set, its bin/ first on PATH, GOTOOLCHAIN=local (never a
    download), GOFLAGS and GOWORK off, CGO_ENABLED=0.  The build cache is
    the user's (keyed by toolchain, so releases do not collide).  Raises
    Skip like go_root."""
    root = go_root(version)
    env = dict(os.environ if base is None else base)
    env.update(GOROOT=root, GOTOOLCHAIN="local", GOFLAGS="", GOWORK="off", CGO_ENABLED="0",
               PATH=os.path.join(root, "bin") + os.pathsep + env.get("PATH", ""))
    return env


def go_user_cache(fallback):
    """The user's Go build cache (`go env GOCACHE`) when it is writable, else
    the directory fallback.  Keyed by content and safe for concurrent builds:
    a test that builds for arm64 or arm, or with -gcflags=all=..., compiles
    the runtime and the standard library once, not on every run in every
    tree (a cold cache costs 5-8 s of CPU there).  A package in the test's
    own temporary directory is never found in it (its directory is part of
    the key), so its compiler output (-m) is always written anew; only the
    standard library's is replayed, verbatim, from the cache."""
    try:
        p = subprocess.run(["go", "env", "GOCACHE"], capture_output=True, text=True,
                           timeout=60)
        cache = p.stdout.strip() if p.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        cache = ""
    if cache and cache != "off":
        try:
            os.makedirs(cache, exist_ok=True)
            if os.access(cache, os.W_OK):
                return cache
        except OSError:
            pass
    return fallback


def go_releases_at_hand():
    """go_releases() minus those that cannot be had, each recorded with
    skip_release() (so the test ends in SKIP unless something fails)."""
    out = []
    for v in go_releases():
        try:
            go_root(v)
            out.append(v)
        except Skip as e:
            skip_release(v, e)
    return out


def go_releases_installed():
    """Every release tools/fetch-go knows that is already at hand (bookworm's
    1.19, or unpacked in the cache), fetching nothing: {version: GOROOT}."""
    fetch = os.path.join(_top_srcdir(), "tools", "fetch-go")
    known = subprocess.run([fetch, "--list"], capture_output=True, text=True).stdout.split()
    out = {}
    for v in known:
        p = subprocess.run([fetch, "--cached", v], capture_output=True, text=True)
        if p.returncode == 0 and p.stdout.strip():
            out[v] = p.stdout.strip()
    return out


def go_block_end(src, i):
    """The index just past the brace, bracket or parenthesis that closes
    the one at src[i], skipping Go strings, raw strings, runes and
    comments (a brace or quote in them does not count)."""
    close = {"{": "}", "[": "]", "(": ")"}[src[i]]
    opening, depth = src[i], 0
    while True:
        c = src[i]
        if c in "`\"'":
            j = i + 1
            while src[j] != c:
                j += 2 if c != "`" and src[j] == "\\" else 1
            i = j + 1
            continue
        if src.startswith("//", i):
            i = src.index("\n", i)
            continue
        if src.startswith("/*", i):
            i = src.index("*/", i) + 2
            continue
        if c == opening:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def skip_release(version, why):
    """Records that a release was not tested (run_main then reports SKIP
    unless something failed)."""
    print("SKIP (Go %s): %s" % (version, why))
    _skipped_releases.append((version, str(why)))


def run_main(main):
    """Runs main() -> list of failure texts; prints them and the verdict.
    Exit status: 0 pass, 1 fail, 77 skip (also when main passed but
    skip_release() was called: a release left out is never a pass)."""
    try:
        fails = main()
    except Skip as e:
        print("SKIP: %s" % e)
        return 77
    for f in fails:
        print("FAIL: " + f)
    if not fails and _skipped_releases:
        print("SKIP: nothing failed, but Go %s could not be tested (%s)"
              % (", ".join(v for v, _ in _skipped_releases),
                 "; ".join(w for _, w in _skipped_releases)))
        return 77
    print("%s: %d failure%s" % ("FAIL" if fails else "PASS", len(fails),
                                "" if len(fails) == 1 else "s"))
    return 1 if fails else 0


# ------------------------------------------------------------ Go programs
#
# A test writes its program as {path: text} (write_tree), go.mod included,
# and builds it with build_module, in a module whose go.mod has no
# requirements; a test checking releases one by one hands its per-release
# body to check_releases.

def write_tree(root, files):
    """Writes each {path relative to root: text} of files, making the
    directories on the way."""
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def build_module(root, env, out, gcflags=None, log=None, timeout=600):
    """`go build [-gcflags=GCFLAGS] -o OUT .` in root under env (go_env(v),
    or the caller's).  The compiler's messages (with -m, the escape log) go
    to the file log when given, else to the result's .stderr (text).
    Returns the CompletedProcess: the caller decides what a failed build
    means (a build past timeout seconds raises subprocess.TimeoutExpired)."""
    args = ["go", "build"] + (["-gcflags=" + gcflags] if gcflags else []) + ["-o", out, "."]
    if log is None:
        return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True,
                              timeout=timeout)
    with open(log, "w") as err:
        return subprocess.run(args, cwd=root, env=env, stderr=err, stdout=subprocess.PIPE,
                              text=True, timeout=timeout)


def audit_types(tool, binary, label, fails, args=()):
    """`structalign audit --all -F json [ARGS] BINARY`'s types, or None after
    appending to fails what went wrong (the exit status and stderr), the
    line starting with label ("Go 1.27")."""
    p = subprocess.run([tool, "audit", "--all", "-F", "json"] + list(args) + [binary],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fails.append("%s: audit exit %d: %s" % (label, p.returncode, p.stderr[:300]))
        return None
    return json.loads(p.stdout)["types"]


def check_releases(one_release, prefix, oldest_unless=None, tools=("go",), own_dirs=False):
    """The main() of a test that checks Go releases one by one: needs the
    tools (salib.need), then one_release(structalign, v, tmp, fails) for
    each release of $GO_VERSIONS at hand, tmp a directory made with prefix
    and removed at the end (remove_tree); with own_dirs, tmp/V, made here,
    a directory of the release's own.  oldest_unless names a variable
    (SA_GOROOT, which make check-go-blank sets to 1): without it at 1, the
    oldest release only (make check stays fast).  Returns the failures."""
    tool = need(*tools)
    fails = []
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        releases = go_releases_at_hand()
        if oldest_unless and os.environ.get(oldest_unless) != "1":
            releases = releases[:1]
        for v in releases:
            work = os.path.join(tmp, v) if own_dirs else tmp
            if own_dirs:
                os.makedirs(work)
            one_release(tool, v, work, fails)
    finally:
        remove_tree(tmp)
    return fails


def remove_tree(path):
    """Removes a test's work directory, read-only files included (Go
    writes its module cache and some build outputs read-only)."""
    subprocess.run(["chmod", "-R", "u+w", path])
    shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------ the truth, once a run
#
# `./quickstart check` runs the suite twice, in the plain tree and then in
# the sanitizer tree, and a test there asks the same compilers the same
# questions about byte-identical sources (what unsafe.Sizeof says of a
# file structalign fix rewrote, whether go vet passes on it).  quickstart
# points SA_TRUTH_CACHE at a directory it empties at the start of the run;
# truth() keeps each answer there, keyed by everything the answer depends
# on (the sources' bytes, the toolchain, the target), and the second tree
# reads it instead of compiling again.  Only answers are kept, never a
# verdict on structalign: the test compares its own run's claims with them
# every time.  Without SA_TRUTH_CACHE (make check alone) every answer is
# computed.

TRUTH_COUNTS = {"computed": 0, "reused": 0}


def source_digest(root, suffixes=(".go", ".c", ".h", "go.mod", "go.sum")):
    """A digest of the sources under root: each file ending in one of
    suffixes, by its path relative to root and its bytes (build outputs and
    the directory's own path are left out)."""
    h = hashlib.sha256()
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(suffixes):
                p = os.path.join(d, f)
                with open(p, "rb") as fh:
                    data = fh.read()
                h.update(("%s %d\n" % (os.path.relpath(p, root), len(data))).encode())
                h.update(data)
    return h.hexdigest()


def truth(key, compute):
    """compute() (a compiler's answer, anything JSON can hold; None for
    "no answer": a failure the caller has recorded), or the answer kept for
    the same key (a tuple of strings) earlier in this ./quickstart check
    run (see above)."""
    d = os.environ.get("SA_TRUTH_CACHE")
    if not d or not os.path.isdir(d):
        TRUTH_COUNTS["computed"] += 1
        return compute()
    path = os.path.join(d, hashlib.sha256(json.dumps(key).encode()).hexdigest() + ".json")
    try:
        with open(path) as f:
            value = json.load(f)["answer"]
        TRUTH_COUNTS["reused"] += 1
        return value
    except (OSError, ValueError, KeyError):
        pass
    TRUTH_COUNTS["computed"] += 1
    value = compute()
    if value is not None:
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w") as f:
            json.dump({"key": key, "answer": value}, f)
        os.replace(tmp, path)
    return value


def truth_summary():
    """One line saying how many answers were computed and how many reused."""
    return ("compilers' answers: %d computed, %d reused from this run's SA_TRUTH_CACHE"
            % (TRUTH_COUNTS["computed"], TRUTH_COUNTS["reused"]))


# ------------------------------------------------------------ terminals

def pty_output(master):
    """Everything the master side of a pseudo-terminal receives until no
    process holds its other side (Linux then fails the read with EIO,
    taken as the end).  The caller closes master."""
    chunks = []
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    return b"".join(chunks)


def run_pty(argv, out_path, env=None):
    """argv (argv[0] a path) with stdout to the file out_path and stdin and
    stderr on a pseudo-terminal, its controlling terminal (pty.fork), under
    env (default os.environ as it is now).  Returns (exit status, what the
    terminal received, wall seconds)."""
    import pty
    out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    t0 = time.monotonic()
    pid, master = pty.fork()
    if pid == 0:
        os.dup2(out, 1)
        try:
            os.execve(argv[0], argv, os.environ if env is None else env)
        finally:
            os._exit(127)
    os.close(out)
    got = pty_output(master)
    os.close(master)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), got, time.monotonic() - t0


def progress_percent_ok(d, p, total, shift):
    """Whether a progress line's "D unit ... (P%)" fits a read of total
    bytes: P is computed from the bytes done, D is them rounded down to the
    unit (1 << shift bytes), so P must be floor(done * 100 / total) for some
    done in [D, D + 1) units (and done <= total).  Comparing P with D * 100 /
    T instead is off by two near the end of a log whose size is just under
    a whole unit more than T (64 MiB of 71.9 MiB is 88%, 6400 / 71 is 90)."""
    lo = min(d << shift, total)
    hi = min(((d + 1) << shift) - 1, total)
    return total > 0 and lo * 100 // total <= p <= hi * 100 // total


# ------------------------------------------------------------ ELF files
#
# Read here from the file's bytes (64-bit little-endian, as the host's), a
# truth independent of structalign's own reading of them.

def elf_sections(data):
    """{name: (sh_type, sh_flags, sh_offset, sh_size)} of the sections of
    a 64-bit little-endian ELF file's bytes (the first of a name)."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)

    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab = header(shstrndx)[4]
    out = {}
    for i in range(shnum):
        name, sh_type, flags, _, off, size, _, _, _, _ = header(i)
        end = data.index(b"\0", strtab + name)
        out.setdefault(bytes(data[strtab + name:end]).decode("latin-1"),
                       (sh_type, flags, off, size))
    return out


def gnu_build_id(path):
    """The GNU build ID of an ELF file (its NT_GNU_BUILD_ID note, owner
    "GNU", in any SHT_NOTE section), in hex; None when it has none."""
    with open(path, "rb") as f:
        data = f.read()
    for sh_type, _, off, size in elf_sections(data).values():
        if sh_type != 7:  # SHT_NOTE
            continue
        p = off
        while p + 12 <= off + size:
            namesz, descsz, n_type = struct.unpack_from("<III", data, p)
            desc = p + 12 + (namesz + 3) // 4 * 4
            if n_type == 3 and data[p + 12:p + 12 + namesz] == b"GNU\0":
                return data[desc:desc + descsz].hex()
            p = desc + (descsz + 3) // 4 * 4
    return None
