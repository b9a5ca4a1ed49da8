/*
 * test_dwarf.c - the DWARF reader (align_binary_*) against the compilers that
 * wrote the DWARF.
 *
 * Before the suite runs, main() writes a C and a Go program into a temporary
 * directory and builds them with the real toolchains: gcc (DWARF 5 and
 * -gdwarf-4), aarch64-linux-gnu-gcc, i686-linux-gnu-gcc and
 * arm-linux-gnueabihf-gcc (32-bit ELF; __int128 spelled long long there),
 * go build for GOARCH=amd64 and arm64
 * (CGO_ENABLED=0, GOPATH in the temporary directory, the user's GOCACHE
 * when it is writable: see go_cache()).  Each program prints what its
 * compiler decided (sizeof/offsetof, unsafe.Sizeof/Offsetof, bit-field
 * positions found by setting the field to all ones and scanning the bytes),
 * run natively or under qemu-aarch64, qemu-i386 or qemu-arm.  The tests open the binaries and check
 * that every size and member position read from DWARF is the compiler's, that
 * the model reproduces them (model_agrees == 1, including the records whose
 * packed, pack(2) and unnamed bit-fields DWARF omits and the reader infers),
 * and the error paths: missing, directory, text, empty, truncated (64- and
 * 32-bit: header only, half a file), big-endian, a class that contradicts
 * the machine,
 * foreign machine, stripped (strip; go -ldflags="-s -w"), and corrupt DWARF
 * (a broken unit is skipped, mutated .debug_info never crashes the reader).
 *
 * A missing tool skips what needs it; the run then ends with exit 77 (SKIP,
 * naming the tools) even if everything that ran passed: never a silent pass.
 */
#define _GNU_SOURCE /* nftw, strsep, mkdtemp */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "libalign.h"
#include "source/dwarf_read.h" /* lines_decode, compiled in (Makefile.inc) */
#include "suite.h"

/* ------------------------------------------------------------ programs */

static const char c_header[] = "/* shared by two units: one declaration after deduplication */\n"
                               "struct shared { int id; const char *name; };\n";

static const char c_program[] =
    "#include <stddef.h>\n"
    "#include <stdio.h>\n"
    "#include <string.h>\n"
    "#include \"shared.h\"\n"
    "struct plain { char c; double d; short s; int *p; };\n"
    "struct bits { unsigned a:3; unsigned b:7; int c:20; char d;\n"
    "              unsigned long long e:40; _Bool f:1; };\n"
    "struct zw { int a:3; int :0; int b:3; char c; };\n"
    "struct pad { unsigned a:4; unsigned :4; unsigned b:8; };\n"
    "struct anon { int kind; union { int i; double d; }; struct { char x, y; } pt; };\n"
    "struct flex { int n; char data[]; };\n"
    "struct __attribute__((packed)) pk { char c; int i; short s; };\n"
    "#pragma pack(push, 2)\n"
    "struct pk2 { char c; int i; char d; };\n"
    "#pragma pack(pop)\n"
    "struct al { char c; int x __attribute__((aligned(16))); };\n"
    "struct __attribute__((aligned(32))) al32 { int x; };\n"
    "typedef struct { int q; double r; } tdanon;\n"
    "enum color { RED, GREEN };\n"
    "struct nest { struct pk p; tdanon t; long double ld; char tail; struct al32 a; };\n"
    "struct arrays { int m[2][3]; char s[5]; struct plain ps[2]; };\n"
    "union u { char c[3]; int i; double d; };\n"
    "struct prims { _Bool b; char c; signed char sc; unsigned char uc; short s;\n"
    "  unsigned short us; int i; unsigned u; long l; unsigned long ul; long long ll;\n"
    "  unsigned long long ull; __int128 i128; float f; double d; long double ld;\n"
    "  float _Complex cf; double _Complex cd; enum color e; void (*fn)(int);\n"
    "  const char *str; union u un; struct shared sh; };\n"
    "#define S(T) printf(\"S\\t%s\\t%zu\\n\", #T, sizeof(T))\n"
    "#define M(T, F) printf(\"M\\t%s\\t%s\\t%zu\\t0\\t%zu\\n\", #T, #F, offsetof(T, F) * 8, \\\n"
    "                       sizeof(((T *)0)->F))\n"
    "#define B(T, F) do { T v_; unsigned char *p_ = (unsigned char *)&v_; \\\n"
    "    size_t lo_ = (size_t)-1, n_ = 0; memset(&v_, 0, sizeof v_); v_.F = -1; \\\n"
    "    for (size_t i_ = 0; i_ < sizeof v_ * 8; i_++) \\\n"
    "        if (p_[i_ / 8] >> (i_ % 8) & 1) { if (lo_ == (size_t)-1) lo_ = i_; n_++; } \\\n"
    "    printf(\"M\\t%s\\t%s\\t%zu\\t%zu\\t0\\n\", #T, #F, lo_, n_); } while (0)\n"
    "int other(void);\n"
    "int main(void)\n"
    "{\n"
    "    S(struct plain); M(struct plain, c); M(struct plain, d); M(struct plain, s);\n"
    "    M(struct plain, p);\n"
    "    S(struct bits); B(struct bits, a); B(struct bits, b); B(struct bits, c);\n"
    "    M(struct bits, d); B(struct bits, e); B(struct bits, f);\n"
    "    S(struct zw); B(struct zw, a); B(struct zw, b); M(struct zw, c);\n"
    "    S(struct pad); B(struct pad, a); B(struct pad, b);\n"
    "    S(struct anon); M(struct anon, kind); M(struct anon, pt);\n"
    "    printf(\"M\\tstruct anon\\t\\t%zu\\t0\\t%zu\\n\", offsetof(struct anon, i) * 8,\n"
    "           sizeof(double));\n"
    "    S(struct flex); M(struct flex, n); printf(\"M\\tstruct flex\\tdata\\t%zu\\t0\\t0\\n\",\n"
    "                                             offsetof(struct flex, data) * 8);\n"
    "    S(struct pk); M(struct pk, c); M(struct pk, i); M(struct pk, s);\n"
    "    S(struct pk2); M(struct pk2, c); M(struct pk2, i); M(struct pk2, d);\n"
    "    S(struct al); M(struct al, c); M(struct al, x);\n"
    "    S(struct al32); M(struct al32, x);\n"
    "    S(tdanon); M(tdanon, q); M(tdanon, r);\n"
    "    S(struct nest); M(struct nest, p); M(struct nest, t); M(struct nest, ld);\n"
    "    M(struct nest, tail); M(struct nest, a);\n"
    "    S(struct arrays); M(struct arrays, m); M(struct arrays, s); M(struct arrays, ps);\n"
    "    S(union u); M(union u, c); M(union u, i); M(union u, d);\n"
    "    S(struct prims); M(struct prims, b); M(struct prims, c); M(struct prims, sc);\n"
    "    M(struct prims, uc); M(struct prims, s); M(struct prims, us); M(struct prims, i);\n"
    "    M(struct prims, u); M(struct prims, l); M(struct prims, ul); M(struct prims, ll);\n"
    "    M(struct prims, ull); M(struct prims, i128); M(struct prims, f); M(struct prims, d);\n"
    "    M(struct prims, ld); M(struct prims, cf); M(struct prims, cd); M(struct prims, e);\n"
    "    M(struct prims, fn); M(struct prims, str); M(struct prims, un); M(struct prims, sh);\n"
    "    S(struct shared); M(struct shared, id); M(struct shared, name);\n"
    "    return other();\n"
    "}\n";

/* The second unit: repeats struct shared, adds its own. */
static const char c_other[] =
    "#include \"shared.h\"\n"
    "struct other_only { char a; long b; };\n"
    "int other(void) { struct other_only o = {0}; struct shared s = {0};\n"
    "                  return o.a + s.id; }\n";

static const char go_program[] =
    "package main\n"
    "\n"
    "import \"unsafe\"\n"
    "\n"
    "type Point struct {\n"
    "\tX, Y int32\n"
    "\tName string\n"
    "}\n"
    "\n"
    "type Node struct {\n"
    "\tNext  *Node\n"
    "\tVal   int64\n"
    "\tFlag  bool\n"
    "\tTags  []string\n"
    "\tM     map[string]int\n"
    "\tI     interface{ String() string }\n"
    "\tE     any\n"
    "\tF     func(int) int\n"
    "\tC     chan int\n"
    "\tU     unsafe.Pointer\n"
    "\tArr   [3]int16\n"
    "\tC64   complex64\n"
    "\tC128  complex128\n"
    "\t_     [4]byte\n"
    "\tEmpty struct{}\n"
    "}\n"
    "\n"
    "type Pair[K comparable, V any] struct {\n"
    "\tKey K\n"
    "\tVal V\n"
    "}\n"
    "\n"
    "type Outer struct {\n"
    "\tPoint\n"
    "\tAnon struct {\n"
    "\t\tA byte\n"
    "\t\tB uint64\n"
    "\t}\n"
    "\tP Pair[int, string]\n"
    "\tQ Pair[string, [2]bool]\n"
    "}\n"
    "\n"
    "type Tail struct {\n"
    "\tA int32\n"
    "\tZ struct{}\n"
    "}\n"
    "\n"
    "type MyInt int\n"
    "type Strs []string\n"
    "\n"
    "type Named struct {\n"
    "\tA MyInt\n"
    "\tB Strs\n"
    "\tE error\n"
    "\tR map[int][]*Node\n"
    "\tH [2]struct{ X, Y int8 }\n"
    "}\n"
    "\n"
    "var sink []any\n"
    "\n"
    "func itoa(v uintptr) string {\n"
    "\tif v == 0 {\n"
    "\t\treturn \"0\"\n"
    "\t}\n"
    "\tvar b [24]byte\n"
    "\ti := len(b)\n"
    "\tfor v > 0 {\n"
    "\t\ti--\n"
    "\t\tb[i] = byte('0' + v%10)\n"
    "\t\tv /= 10\n"
    "\t}\n"
    "\treturn string(b[i:])\n"
    "}\n"
    "\n"
    "func S(rec string, size uintptr) { println(\"S\\t\" + rec + \"\\t\" + itoa(size)) }\n"
    "\n"
    "func M(rec, f string, off, size uintptr) {\n"
    "\tprintln(\"M\\t\" + rec + \"\\t\" + f + \"\\t\" + itoa(off*8) + \"\\t0\\t\" + itoa(size))\n"
    "}\n"
    "\n"
    /* a parameter of a named array type moved to heap, and a variable
     * with a location list after it (crafted case 10 of
     * go_raw_crafted_as_libdwarf) */
    "type quad [4]uint32\n"
    "\n"
    "//go:noinline\n"
    "func fill(q quad, n int) *quad {\n"
    "\ts := 0\n"
    "\tfor i := 0; i < n; i++ {\n"
    "\t\ts += int(q[i&3])\n"
    "\t\tprintln(s)\n"
    "\t}\n"
    "\tq[0] = uint32(s)\n"
    "\treturn &q\n"
    "}\n"
    "\n"
    "func main() {\n"
    "\tvar n Node\n"
    "\tvar o Outer\n"
    "\tvar t Tail\n"
    "\tvar nm Named\n"
    "\tsink = append(sink, &n, &o, &t, &nm)\n"
    "\tsink = append(sink, fill(quad{1, 2, 3, 4}, len(sink)))\n"
    "\tp := &o.Point\n"
    "\tS(\"main.Point\", unsafe.Sizeof(*p))\n"
    "\tM(\"main.Point\", \"X\", unsafe.Offsetof(p.X), unsafe.Sizeof(p.X))\n"
    "\tM(\"main.Point\", \"Y\", unsafe.Offsetof(p.Y), unsafe.Sizeof(p.Y))\n"
    "\tM(\"main.Point\", \"Name\", unsafe.Offsetof(p.Name), unsafe.Sizeof(p.Name))\n"
    "\tS(\"main.Node\", unsafe.Sizeof(n))\n"
    "\tM(\"main.Node\", \"Next\", unsafe.Offsetof(n.Next), unsafe.Sizeof(n.Next))\n"
    "\tM(\"main.Node\", \"Val\", unsafe.Offsetof(n.Val), unsafe.Sizeof(n.Val))\n"
    "\tM(\"main.Node\", \"Flag\", unsafe.Offsetof(n.Flag), unsafe.Sizeof(n.Flag))\n"
    "\tM(\"main.Node\", \"Tags\", unsafe.Offsetof(n.Tags), unsafe.Sizeof(n.Tags))\n"
    "\tM(\"main.Node\", \"M\", unsafe.Offsetof(n.M), unsafe.Sizeof(n.M))\n"
    "\tM(\"main.Node\", \"I\", unsafe.Offsetof(n.I), unsafe.Sizeof(n.I))\n"
    "\tM(\"main.Node\", \"E\", unsafe.Offsetof(n.E), unsafe.Sizeof(n.E))\n"
    "\tM(\"main.Node\", \"F\", unsafe.Offsetof(n.F), unsafe.Sizeof(n.F))\n"
    "\tM(\"main.Node\", \"C\", unsafe.Offsetof(n.C), unsafe.Sizeof(n.C))\n"
    "\tM(\"main.Node\", \"U\", unsafe.Offsetof(n.U), unsafe.Sizeof(n.U))\n"
    "\tM(\"main.Node\", \"Arr\", unsafe.Offsetof(n.Arr), unsafe.Sizeof(n.Arr))\n"
    "\tM(\"main.Node\", \"C64\", unsafe.Offsetof(n.C64), unsafe.Sizeof(n.C64))\n"
    "\tM(\"main.Node\", \"C128\", unsafe.Offsetof(n.C128), unsafe.Sizeof(n.C128))\n"
    "\tM(\"main.Node\", \"Empty\", unsafe.Offsetof(n.Empty), unsafe.Sizeof(n.Empty))\n"
    "\tS(\"main.Outer\", unsafe.Sizeof(o))\n"
    "\tM(\"main.Outer\", \"Point\", unsafe.Offsetof(o.Point), unsafe.Sizeof(o.Point))\n"
    "\tM(\"main.Outer\", \"Anon\", unsafe.Offsetof(o.Anon), unsafe.Sizeof(o.Anon))\n"
    "\tM(\"main.Outer\", \"P\", unsafe.Offsetof(o.P), unsafe.Sizeof(o.P))\n"
    "\tM(\"main.Outer\", \"Q\", unsafe.Offsetof(o.Q), unsafe.Sizeof(o.Q))\n"
    "\tS(\"main.Pair[int,string]\", unsafe.Sizeof(o.P))\n"
    "\tM(\"main.Pair[int,string]\", \"Key\", unsafe.Offsetof(o.P.Key), unsafe.Sizeof(o.P.Key))\n"
    "\tM(\"main.Pair[int,string]\", \"Val\", unsafe.Offsetof(o.P.Val), unsafe.Sizeof(o.P.Val))\n"
    "\tS(\"main.Pair[string,[2]bool]\", unsafe.Sizeof(o.Q))\n"
    "\tq := &o.Q\n"
    "\tM(\"main.Pair[string,[2]bool]\", \"Key\", unsafe.Offsetof(q.Key), unsafe.Sizeof(q.Key))\n"
    "\tM(\"main.Pair[string,[2]bool]\", \"Val\", unsafe.Offsetof(q.Val), unsafe.Sizeof(q.Val))\n"
    "\tS(\"main.Tail\", unsafe.Sizeof(t))\n"
    "\tM(\"main.Tail\", \"A\", unsafe.Offsetof(t.A), unsafe.Sizeof(t.A))\n"
    "\tM(\"main.Tail\", \"Z\", unsafe.Offsetof(t.Z), unsafe.Sizeof(t.Z))\n"
    "\tS(\"main.Named\", unsafe.Sizeof(nm))\n"
    "\tM(\"main.Named\", \"A\", unsafe.Offsetof(nm.A), unsafe.Sizeof(nm.A))\n"
    "\tM(\"main.Named\", \"B\", unsafe.Offsetof(nm.B), unsafe.Sizeof(nm.B))\n"
    "\tM(\"main.Named\", \"E\", unsafe.Offsetof(nm.E), unsafe.Sizeof(nm.E))\n"
    "\tM(\"main.Named\", \"R\", unsafe.Offsetof(nm.R), unsafe.Sizeof(nm.R))\n"
    "\tM(\"main.Named\", \"H\", unsafe.Offsetof(nm.H), unsafe.Sizeof(nm.H))\n"
    "}\n";

/* ------------------------------------------------------------- fixtures */

/* One line a compiled program printed: a record's size (!is_member) or a
 * member's position. */
typedef struct fact {
    char rec[96];
    char member[48];
    bool is_member;
    uint64_t size; /* record bytes, or the member type's bytes */
    uint64_t bit_offset;
    uint64_t bit_size; /* bit-fields; 0 otherwise */
} fact;

typedef struct artifact {
    const char *what; /* for messages; NULL when not attempted */
    char path[512];
    bool built; /* binary exists */
    fact facts[256];
    size_t nfacts; /* 0 when the program could not be run */
} artifact;

static char tmp[256];
static char missing[512]; /* tools not found: the run ends with SKIP */
static artifact c5, c4, ca, c386, carm, go_amd64, go_arm64;
static char c_multi[512], c_stripped[512], go_stripped[512];
static char gocache[512]; /* GOCACHE of every go build here: see go_cache() */
static bool have_go, have_qemu;

static void note_missing(const char *tool, const char *what)
{
    size_t n = strlen(missing);
    snprintf(missing + n, sizeof missing - n, "%s%s (%s)", n ? ", " : "", tool, what);
}

static bool have_tool(const char *tool)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "test_dwarf: cannot write %s: %s\n", path, strerror(errno));
        exit(99);
    }
}

/* Runs cmd and reads the S and M lines it prints (tab-separated). */
static void read_facts(artifact *a, const char *cmd)
{
    char line[512];
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return;
    while (fgets(line, sizeof line, p) != NULL && a->nfacts < 256) {
        char *field[6] = {0};
        char *s = line;
        int n = 0;
        fact *f = &a->facts[a->nfacts];
        line[strcspn(line, "\n")] = '\0';
        while (n < 6 && (field[n] = strsep(&s, "\t")) != NULL)
            n++;
        memset(f, 0, sizeof *f);
        if (n == 3 && strcmp(field[0], "S") == 0) {
            snprintf(f->rec, sizeof f->rec, "%s", field[1]);
            f->size = strtoull(field[2], NULL, 10);
        } else if (n == 6 && strcmp(field[0], "M") == 0) {
            snprintf(f->rec, sizeof f->rec, "%s", field[1]);
            snprintf(f->member, sizeof f->member, "%s", field[2]);
            f->is_member = true;
            f->bit_offset = strtoull(field[3], NULL, 10);
            f->bit_size = strtoull(field[4], NULL, 10);
            f->size = strtoull(field[5], NULL, 10);
        } else {
            continue;
        }
        a->nfacts++;
    }
    if (pclose(p) != 0)
        a->nfacts = 0;
}

static void build_c(artifact *a, const char *what, const char *cc, const char *flags,
                    const char *runner)
{
    char cmd[1024];
    a->what = what;
    snprintf(a->path, sizeof a->path, "%s/c-%s", tmp, what);
    a->built = sh("cd %s && %s -g -O0 -w -fno-eliminate-unused-debug-types %s -o %s prog.c "
                  "other.c",
                  tmp, cc, flags, a->path) == 0;
    if (!a->built)
        return;
    snprintf(cmd, sizeof cmd, "%s %s", runner, a->path);
    read_facts(a, cmd);
}

/* The user's Go build cache (`go env GOCACHE`) when it can be written, so
 * that the runtime and the standard library are compiled for arm64 once,
 * not in each of the three runs of this suite (plain, valgrind, ASan: ~7 s
 * of CPU each); else a cache in the temporary directory.  The cache is
 * keyed by content and safe for concurrent builds, and the program's own
 * package is compiled anew in each temporary directory (its directory is
 * part of the key). */
static void go_cache(void)
{
    FILE *p = popen("go env GOCACHE 2>/dev/null", "r");
    char line[512] = "";
    if (p != NULL) {
        if (fgets(line, sizeof line, p) == NULL)
            line[0] = '\0';
        pclose(p);
    }
    line[strcspn(line, "\n")] = '\0';
    if (line[0] == '/' && strchr(line, '\'') == NULL &&
        sh("mkdir -p '%s' 2>/dev/null", line) == 0 && access(line, W_OK) == 0)
        snprintf(gocache, sizeof gocache, "'%s'", line);
    else
        snprintf(gocache, sizeof gocache, "%s/gocache", tmp);
}

static void build_go(artifact *a, const char *goarch, const char *runner)
{
    char cmd[1024];
    a->what = goarch;
    snprintf(a->path, sizeof a->path, "%s/go-%s", tmp, goarch);
    a->built = sh("cd %s/gosrc && GOOS=linux GOARCH=%s CGO_ENABLED=0 GOCACHE=%s "
                  "GOPATH=%s/gopath GOPROXY=off go build -o %s . >%s/go-%s.log 2>&1",
                  tmp, goarch, gocache, tmp, a->path, tmp, goarch) == 0;
    if (!a->built)
        return;
    /* println writes to stderr. */
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", runner, a->path);
    read_facts(a, cmd);
}

static void build_all(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/gosrc", tmp);
    write_file(tmp, "shared.h", c_header);
    write_file(tmp, "prog.c", c_program);
    write_file(tmp, "other.c", c_other);
    build_c(&c5, "dwarf5", "gcc", "-gdwarf-5", "");
    build_c(&c4, "dwarf4", "gcc", "-gdwarf-4", "");
    snprintf(c_multi, sizeof c_multi, "%s", c5.path);
    snprintf(c_stripped, sizeof c_stripped, "%s/c-stripped", tmp);
    if (!have_tool("strip") || sh("strip -o %s %s", c_stripped, c5.path) != 0) {
        c_stripped[0] = '\0';
        note_missing("strip", "stripped binary");
    }
    have_qemu = have_tool("qemu-aarch64");
    if (!have_qemu)
        note_missing("qemu-aarch64", "arm64 C and Go programs");
    if (!have_tool("aarch64-linux-gnu-gcc"))
        note_missing("aarch64-linux-gnu-gcc", "arm64 C");
    else if (have_qemu)
        build_c(&ca, "arm64", "aarch64-linux-gnu-gcc", "-static", "qemu-aarch64");
    /* ILP32: no __int128 there; the program measures whatever it became. */
    if (!have_tool("i686-linux-gnu-gcc") || !have_tool("qemu-i386"))
        note_missing("i686-linux-gnu-gcc or qemu-i386", "386 C");
    else
        build_c(&c386, "386", "i686-linux-gnu-gcc", "-static '-D__int128=long long'", "qemu-i386");
    if (!have_tool("arm-linux-gnueabihf-gcc") || !have_tool("qemu-arm"))
        note_missing("arm-linux-gnueabihf-gcc or qemu-arm", "arm C");
    else
        build_c(&carm, "arm", "arm-linux-gnueabihf-gcc", "-static '-D__int128=long long'",
                "qemu-arm");
    have_go = have_tool("go");
    if (!have_go) {
        note_missing("go", "Go binaries");
        return;
    }
    if (mkdir(dir, 0755) != 0) {
        perror("test_dwarf: mkdir");
        exit(99);
    }
    write_file(dir, "main.go", go_program);
    write_file(dir, "go.mod", "module dwarftest\n\ngo 1.19\n");
    go_cache();
    build_go(&go_amd64, "amd64", "");
    if (have_qemu)
        build_go(&go_arm64, "arm64", "qemu-aarch64");
    snprintf(go_stripped, sizeof go_stripped, "%s/go-stripped", tmp);
    if (sh("cd %s && CGO_ENABLED=0 GOCACHE=%s GOPATH=%s/gopath GOPROXY=off go build "
           "-ldflags='-s -w' -o %s . >/dev/null 2>&1",
           dir, gocache, tmp, go_stripped) != 0)
        go_stripped[0] = '\0';
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* --------------------------------------------------------------- helpers */

static align_type *find_decl(align_graph *g, const char *display)
{
    align_type *found = NULL;
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_type *t = align_graph_decl(g, i);
        if (strcmp(align_type_display(t), display) == 0) {
            ck_assert_msg(found == NULL, "%s declared twice", display);
            found = t;
        }
    }
    return found;
}

static align_layout *given_layout(align_graph *g, const align_type *t)
{
    align_layout_opts o = {ALIGN_LAYOUT_GIVEN | ALIGN_LAYOUT_NO_OPTIMIZE, 0};
    align_layout *l = NULL;
    int rc = align_layout_compute(&l, g, t, &o);
    ck_assert_msg(rc == 0, "layout of %s: %s", align_type_display(t), align_error_last()->message);
    return l;
}

static const align_member *member(const align_layout *l, const char *name)
{
    for (size_t i = 0; i < l->nmembers; i++)
        if (strcmp(l->members[i].name, name) == 0)
            return &l->members[i];
    return NULL;
}

static align_binary *open_ok(const char *path)
{
    align_binary *b = NULL;
    int rc = align_binary_open(&b, path);
    ck_assert_msg(rc == 0, "%s: %s", path, align_error_last()->message);
    return b;
}

/* Every fact the program printed matches what was read from its DWARF, and
 * the model agrees with the compiler on each record. */
static void check_facts(const artifact *a, align_lang lang)
{
    align_binary *b;
    align_graph *g;
    size_t nrec = 0;

    if (a->what == NULL)
        return; /* not attempted: a tool is missing, the run ends in SKIP */
    ck_assert_msg(a->built, "%s: the test program did not build", a->what);
    ck_assert_msg(a->nfacts > 10, "%s: the test program printed no layout facts", a->what);
    b = open_ok(a->path);
    g = align_binary_graph(b, lang);
    ck_assert_ptr_nonnull(g);
    for (size_t i = 0; i < a->nfacts; i++) {
        const fact *f = &a->facts[i];
        align_type *t = find_decl(g, f->rec);
        align_layout *l;
        ck_assert_msg(t != NULL, "%s: no declaration %s", a->what, f->rec);
        l = given_layout(g, t);
        if (!f->is_member) {
            nrec++;
            ck_assert_msg(l->size == f->size, "%s: %s is %llu bytes, the compiler says %llu",
                          a->what, f->rec, (unsigned long long)l->size,
                          (unsigned long long)f->size);
            ck_assert_msg(l->model_agrees == 1, "%s: %s: %s", a->what, f->rec, l->mismatch);
        } else {
            const align_member *m = member(l, f->member);
            uint64_t bit;
            ck_assert_msg(m != NULL, "%s: %s has no member '%s'", a->what, f->rec, f->member);
            bit = f->bit_size ? m->bit_offset : m->offset * 8;
            ck_assert_msg(bit == f->bit_offset, "%s: %s.%s at bit %llu, the compiler says %llu",
                          a->what, f->rec, f->member, (unsigned long long)bit,
                          (unsigned long long)f->bit_offset);
            if (f->bit_size) {
                ck_assert_uint_eq(m->bit_size, f->bit_size);
                ck_assert(m->flags & ALIGN_MEMBER_BITFIELD);
            } else {
                ck_assert_msg(m->size == f->size, "%s: %s.%s is %llu bytes, the compiler says %llu",
                              a->what, f->rec, f->member, (unsigned long long)m->size,
                              (unsigned long long)f->size);
            }
        }
        align_layout_free(l);
    }
    ck_assert_uint_ge(nrec, 7);
    align_binary_free(b);
}

/* Every declaration of the binary (the runtime's, libc headers') lays out,
 * and the model reproduces the compiler's offsets and size; the Go linker's
 * own types (hchan<T>, bucket<K,V>, ...) follow no compiler rule and are
 * not judged (model_agrees -1), and only they. */
static void check_all_agree(const char *path, align_lang lang)
{
    align_binary *b = open_ok(path);
    align_graph *g = align_binary_graph(b, lang);
    ck_assert_ptr_nonnull(g);
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_layout *l = given_layout(g, align_graph_decl(g, i));
        if (l->order_fixed == ALIGN_ORDER_GO_LINKER)
            ck_assert_msg(l->model_agrees == -1 && strchr(l->name, '<') != NULL, "%s: %s", path,
                          l->name);
        else
            ck_assert_msg(l->model_agrees == 1, "%s: %s: %s", path, l->name, l->mismatch);
        align_layout_free(l);
    }
    align_binary_free(b);
}

/* ------------------------------------------------------------------ C */

START_TEST(c_dwarf5_layouts)
{
    check_facts(&c5, ALIGN_LANG_C);
}
END_TEST

START_TEST(c_dwarf4_layouts)
{
    check_facts(&c4, ALIGN_LANG_C);
}
END_TEST

START_TEST(c_arm64_layouts)
{
    check_facts(&ca, ALIGN_LANG_C);
}
END_TEST

START_TEST(c_386_layouts)
{
    check_facts(&c386, ALIGN_LANG_C);
}
END_TEST

START_TEST(c_arm_layouts)
{
    check_facts(&carm, ALIGN_LANG_C);
}
END_TEST

/* 32-bit ELF is read as its machine: EM_386 as 386, EM_ARM as arm, with
 * those ABIs' sizes (i386: long double 12 bytes, 4-aligned; ARM EABI: long
 * long 8-aligned). */
START_TEST(c_ilp32_details)
{
    const artifact *all[] = {&c386, &carm};
    const align_arch arch[] = {ALIGN_ARCH_386, ALIGN_ARCH_ARM};
    const uint64_t ld_size[] = {12, 8}, ll_align[] = {4, 8};
    for (size_t k = 0; k < 2; k++) {
        align_binary *b;
        align_graph *g;
        align_layout *l;
        if (!all[k]->built)
            continue;
        b = open_ok(all[k]->path);
        ck_assert_int_eq(align_binary_info_get(b)->arch, arch[k]);
        g = align_binary_graph(b, ALIGN_LANG_C);
        l = given_layout(g, find_decl(g, "struct prims"));
        ck_assert_uint_eq(member(l, "ld")->size, ld_size[k]);
        ck_assert_uint_eq(member(l, "ll")->align, ll_align[k]);
        ck_assert_uint_eq(member(l, "l")->size, 4);
        ck_assert_uint_eq(member(l, "str")->size, 4);
        align_layout_free(l);
        align_binary_free(b);
    }
}
END_TEST

START_TEST(c_all_decls_agree)
{
    const artifact *all[] = {&c5, &c4, &ca, &c386, &carm};
    for (size_t i = 0; i < 5; i++)
        if (all[i]->built)
            check_all_agree(all[i]->path, ALIGN_LANG_C);
}
END_TEST

START_TEST(c_details)
{
    const artifact *all[] = {&c5, &c4};
    for (size_t k = 0; k < 2; k++) {
        align_binary *b = open_ok(all[k]->path);
        const align_binary_info *in = align_binary_info_get(b);
        align_graph *g = align_binary_graph(b, ALIGN_LANG_C);
        align_layout *l;
        align_srcpos pos;
        const align_member *m;

        ck_assert_int_eq(in->arch, ALIGN_ARCH_AMD64);
        ck_assert(in->has_c && !in->has_go);
        ck_assert_msg(strncmp(in->producer, "GNU C", 5) == 0, "producer %s", in->producer);
        ck_assert_uint_eq(in->ncus, 2);
        ck_assert_uint_eq(in->nskipped_cus, 0);
        ck_assert_ptr_null(align_binary_graph(b, ALIGN_LANG_GO));
        /* pk (packed), pk2 (pack(2)), zw (int :0), pad (unsigned :4). */
        ck_assert_uint_ge(in->ninferred, 4);
        ck_assert_uint_eq(in->ntypes, align_graph_ndecls(g));

        /* Positions: file from the unit's line table, line of the tag. */
        pos = align_type_pos(find_decl(g, "struct plain"));
        ck_assert_ptr_nonnull(pos.file);
        ck_assert_msg(strstr(pos.file, "prog.c") != NULL, "file %s", pos.file);
        ck_assert_uint_eq(pos.line, 5);
        pos = align_type_pos(find_decl(g, "struct shared"));
        ck_assert_msg(pos.file && strstr(pos.file, "shared.h"), "file %s", pos.file);
        ck_assert_uint_eq(pos.line, 2);

        /* Each unit repeats struct shared: one declaration (find_decl
         * fails on two); both units' own records are there. */
        ck_assert_ptr_nonnull(find_decl(g, "struct other_only"));

        l = given_layout(g, find_decl(g, "struct anon"));
        ck_assert_uint_eq(l->nmembers, 3);
        ck_assert_str_eq(l->members[1].name, "");
        ck_assert(l->members[1].flags & ALIGN_MEMBER_ANONYMOUS);
        ck_assert_str_eq(l->members[1].type_name, "union {...}");
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "struct flex"));
        m = member(l, "data");
        ck_assert(m->flags & ALIGN_MEMBER_FLEXIBLE);
        ck_assert_str_eq(m->type_name, "char []");
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "struct bits"));
        ck_assert_uint_eq(l->nbit_holes > 0, 1);
        ck_assert_str_eq(member(l, "e")->type_name, "unsigned long long");
        align_layout_free(l);

        /* The unnamed zero-width bit-field DWARF omits, inferred back. */
        l = given_layout(g, find_decl(g, "struct zw"));
        ck_assert_uint_eq(l->nmembers, 4);
        ck_assert_uint_eq(l->members[1].bit_size, 0);
        ck_assert_str_eq(l->members[1].name, "");
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "struct arrays"));
        ck_assert_str_eq(member(l, "m")->type_name, "int [2][3]");
        ck_assert_str_eq(member(l, "ps")->type_name, "struct plain [2]");
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "struct prims"));
        ck_assert_str_eq(member(l, "fn")->type_name, "void (*)(int)");
        ck_assert_str_eq(member(l, "str")->type_name, "const char *"); /* const kept (#17) */
        ck_assert_str_eq(member(l, "e")->type_name, "enum color");
        ck_assert_str_eq(member(l, "l")->type_name, "long");
        ck_assert_str_eq(member(l, "ll")->type_name, "long long");
        ck_assert_str_eq(member(l, "sh")->type_name, "struct shared");
        ck_assert_str_eq(member(l, "un")->type_name, "union u");
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "struct nest"));
        ck_assert_str_eq(member(l, "t")->type_name, "tdanon");
        ck_assert_uint_eq(l->align, 32); /* aligned(32) via DW_AT_alignment */
        align_layout_free(l);
        align_binary_free(b);
    }
}
END_TEST

/* Locates .debug_info in an ELF file read into memory. */
static bool debug_info(const unsigned char *data, size_t size, size_t *off, size_t *len)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;
    const Elf64_Shdr *sh;
    if (size < sizeof *eh || eh->e_shoff + (uint64_t)eh->e_shnum * sizeof *sh > size)
        return false;
    sh = (const Elf64_Shdr *)(data + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const char *name = (const char *)data + sh[eh->e_shstrndx].sh_offset + sh[i].sh_name;
        if (strcmp(name, ".debug_info") == 0 && !(sh[i].sh_flags & SHF_COMPRESSED)) {
            *off = sh[i].sh_offset;
            *len = sh[i].sh_size;
            return *off + *len <= size;
        }
    }
    return false;
}

static void spill(const char *path, const unsigned char *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, size, f), size);
    fclose(f);
}

/* A unit whose DIEs libdwarf cannot decode is skipped and counted; the
 * other unit's types are still read.  With every unit broken, an error. */
START_TEST(c_broken_unit_skipped)
{
    size_t size, off, len, second;
    unsigned char *data = (unsigned char *)slurp(c_multi, &size);
    char path[512];
    align_binary *b = NULL;
    const align_binary_info *in;
    uint32_t unit_len;

    ck_assert(debug_info(data, size, &off, &len));
    memcpy(&unit_len, data + off, 4);
    second = off + 4 + unit_len;
    ck_assert_uint_lt(second + 13, off + len);
    /* DWARF 5 unit header: length 4, version 2, unit type 1, address size
     * 1, abbrev offset 4; then the unit DIE's abbreviation code, which no
     * abbreviation of this small program uses. */
    data[second + 12] = 0x7e;
    snprintf(path, sizeof path, "%s/c-broken-unit", tmp);
    spill(path, data, size);
    b = open_ok(path);
    in = align_binary_info_get(b);
    ck_assert_uint_eq(in->ncus, 2);
    ck_assert_uint_eq(in->nskipped_cus, 1);
    ck_assert_ptr_nonnull(in->skip_reason);
    ck_assert_ptr_nonnull(find_decl(align_binary_graph(b, ALIGN_LANG_C), "struct plain"));
    ck_assert_ptr_null(find_decl(align_binary_graph(b, ALIGN_LANG_C), "struct other_only"));
    align_binary_free(b);

    data[off + 12] = 0x7e; /* and the first */
    spill(path, data, size);
    b = NULL;
    ck_assert_int_eq(align_binary_open(&b, path), ALIGN_EFORMAT);
    ck_assert_ptr_null(b);
    ck_assert_msg(strstr(align_error_last()->message, "corrupt DWARF") != NULL, "%s",
                  align_error_last()->message);
    free(data);
}
END_TEST

/* Mutated .debug_info: the reader fails or succeeds, never crashes, hangs
 * or leaks (under valgrind); whatever it read lays out or fails cleanly. */
START_TEST(c_corrupt_dwarf_never_crashes)
{
    size_t size, off, len;
    unsigned char *orig = (unsigned char *)slurp(c4.path, &size), *data = malloc(size);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    char path[512];
    int ok = 0, failed = 0;

    ck_assert(debug_info(orig, size, &off, &len));
    snprintf(path, sizeof path, "%s/c-mutant", tmp);
    for (int round = 0; round < 150; round++) {
        align_binary *b = NULL;
        memcpy(data, orig, size);
        for (int k = 0; k < 1 + round % 5; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            data[off + (seed >> 33) % len] = (unsigned char)(seed >> 13);
        }
        spill(path, data, size);
        if (align_binary_open(&b, path) != 0) {
            ck_assert_int_eq(align_error_last()->code, ALIGN_EFORMAT);
            failed++;
            continue;
        }
        ok++;
        for (int lang = 0; lang < 2; lang++) {
            align_graph *g = align_binary_graph(b, (align_lang)lang);
            for (size_t i = 0; g != NULL && i < align_graph_ndecls(g); i++) {
                align_layout_opts o = {ALIGN_LAYOUT_GIVEN, 0};
                align_layout *l = NULL;
                if (align_layout_compute(&l, g, align_graph_decl(g, i), &o) == 0)
                    align_layout_free(l);
            }
        }
        align_binary_free(b);
    }
    ck_assert_int_gt(ok, 0);
    ck_assert_int_gt(failed, 0);
    free(orig);
    free(data);
}
END_TEST

/* ------------------------------------------------------- line tables */

typedef struct row_list {
    line_row *v;
    size_t n, cap;
} row_list;

static void collect_row(void *ctx, const line_row *r)
{
    row_list *l = ctx;
    ck_assert_int_eq(align_vec_push((void **)&l->v, &l->n, &l->cap, sizeof *r, 256, r), 0);
}

static bool stmt_list(Dwarf_Die cu, uint64_t *off)
{
    Dwarf_Error err = NULL;
    Dwarf_Attribute a = NULL;
    Dwarf_Half form = 0;
    Dwarf_Unsigned u = 0;
    Dwarf_Off o = 0;
    bool ok = false;
    if (dwarf_attr(cu, DW_AT_stmt_list, &a, &err) == DW_DLV_OK &&
        dwarf_whatform(a, &form, &err) == DW_DLV_OK) {
        if (form == DW_FORM_sec_offset)
            ok = dwarf_global_formref(a, &o, &err) == DW_DLV_OK;
        else if (form == DW_FORM_data4 || form == DW_FORM_data8) {
            ok = dwarf_formudata(a, &u, &err) == DW_DLV_OK;
            o = u;
        }
        *off = o;
    }
    if (err != NULL)
        dwarf_dealloc(NULL, err, DW_DLA_ERROR);
    return ok;
}

typedef struct table_counts {
    unsigned tables;   /* units whose table libdwarf reads */
    unsigned raw;      /* tables lines_decode decodes (each row as libdwarf's) */
    unsigned raw_only; /* tables lines_decode decodes and libdwarf refuses */
} table_counts;

/* Every unit's line table of path, by libdwarf (dwarf_srclines_b) and by
 * the raw decoder (lines_decode): wherever both read a table, the rows are
 * the same, in the same order. */
static table_counts compare_tables(const char *path)
{
    table_counts n = {0, 0, 0};
    Dwarf_Debug dbg = NULL;
    Dwarf_Error err = NULL;
    elf_file *ef = elf_file_open(path);
    line_section *ls = ef != NULL ? lines_open(ef) : NULL;
    ck_assert_int_eq(dwarf_init_path(path, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
                                     &dbg, NULL, 0, NULL, &err),
                     DW_DLV_OK);
    for (;;) {
        Dwarf_Unsigned hlen, typeoff, next, version = 0;
        Dwarf_Half ver, asz, lsz, esz, ut;
        Dwarf_Off abbrev;
        Dwarf_Sig8 sig;
        Dwarf_Die cu = NULL;
        Dwarf_Small ntables = 0;
        Dwarf_Line_Context ctx = NULL;
        Dwarf_Line *lines = NULL;
        Dwarf_Signed nlines = 0;
        row_list raw = {NULL, 0, 0};
        uint64_t off = 0, ndirs = 0;
        unsigned lversion = 0;
        int res = dwarf_next_cu_header_d(dbg, true, &hlen, &ver, &abbrev, &asz, &lsz, &esz, &sig,
                                         &typeoff, &next, &ut, &err);
        if (res != DW_DLV_OK)
            break; /* the end, or a unit libdwarf cannot step past */
        if (dwarf_siblingof_b(dbg, NULL, true, &cu, &err) != DW_DLV_OK)
            continue;
        bool has = stmt_list(cu, &off);
        int dec = has ? lines_decode(ls, off, asz, &lversion, &ndirs) : 0;
        if (dec == 1)
            lines_rows(ls, off, asz, collect_row, &raw);
        res = dwarf_srclines_b(cu, &version, &ntables, &ctx, &err);
        if (res == DW_DLV_OK &&
            dwarf_srclines_from_linecontext(ctx, &lines, &nlines, &err) == DW_DLV_OK) {
            n.tables++;
            if (dec == 1) {
                Dwarf_Signed dirs = -1;
                n.raw++;
                ck_assert_uint_eq(lversion, version);
                ck_assert_int_eq(dwarf_srclines_include_dir_count(ctx, &dirs, &err), DW_DLV_OK);
                ck_assert_msg(ndirs == (uint64_t)dirs,
                              "%s: unit at 0x%llx: %llu directories, "
                              "libdwarf %lld",
                              path, (unsigned long long)off, (unsigned long long)ndirs,
                              (long long)dirs);
                ck_assert_uint_eq(raw.n, (size_t)nlines);
                /* Plain tests per row, ck_abort_msg on a mismatch: a
                 * ck_assert records its location on every call (a write to
                 * Check's pipe), and Go's tables have 100,000s of rows. */
                for (Dwarf_Signed i = 0; i < nlines; i++) {
                    Dwarf_Bool end = 0;
                    Dwarf_Addr pc = 0;
                    Dwarf_Unsigned line = 0, file = 0;
                    if (dwarf_lineendsequence(lines[i], &end, &err) != DW_DLV_OK ||
                        dwarf_lineaddr(lines[i], &pc, &err) != DW_DLV_OK ||
                        dwarf_lineno(lines[i], &line, &err) != DW_DLV_OK ||
                        dwarf_line_srcfileno(lines[i], &file, &err) != DW_DLV_OK)
                        ck_abort_msg("%s: unit at 0x%llx, row %lld: libdwarf cannot read it", path,
                                     (unsigned long long)off, (long long)i);
                    if (!(raw.v[i].addr == pc && raw.v[i].line == line && raw.v[i].file == file &&
                          raw.v[i].end == (end != 0)))
                        ck_abort_msg("%s: unit at 0x%llx, row %lld: raw %llx %llu:%llu%s, libdwarf "
                                     "%llx %llu:%llu%s",
                                     path, (unsigned long long)off, (long long)i,
                                     (unsigned long long)raw.v[i].addr,
                                     (unsigned long long)raw.v[i].file,
                                     (unsigned long long)raw.v[i].line, raw.v[i].end ? " end" : "",
                                     (unsigned long long)pc, (unsigned long long)file,
                                     (unsigned long long)line, end ? " end" : "");
                }
            }
        } else {
            n.raw_only += dec == 1;
            if (res == DW_DLV_ERROR)
                dwarf_dealloc(dbg, err, DW_DLA_ERROR);
            err = NULL;
        }
        if (ctx != NULL)
            dwarf_srclines_dealloc_b(ctx);
        free(raw.v);
        dwarf_dealloc(dbg, cu, DW_DLA_DIE);
    }
    dwarf_finish(dbg, &err);
    lines_close(ls);
    elf_file_close(ef);
    return n;
}

/* How many mutants a randomized case runs: all in the plain tree; a tenth
 * under valgrind and a third under ASan and UBSan (quickstart sets
 * SA_UNDER_VALGRIND and SA_UNDER_SANITIZER), where each costs 10-50 times
 * more and the fuzz harnesses' replay covers the same readers. */
static int mutant_rounds(int all)
{
    if (getenv("SA_UNDER_VALGRIND"))
        return all / 10;
    if (getenv("SA_UNDER_SANITIZER"))
        return all / 3;
    return all;
}

/* The Go functions' line spans come from every row of every line table:
 * decoded from the raw section (dwarf_lines.c), not by libdwarf, for the
 * tables of Go (zlib-compressed sections, and the same binary with them
 * inflated: mapped) and GCC (-gdwarf-4; 32- and 64-bit addresses), row for
 * row, version and directory count the same as libdwarf's; GCC's DWARF 5
 * tables (paths in .debug_line_str) are left to libdwarf.  (Go's DWARF 5
 * tables, from 1.25, go through the same decoder: escape_releases.sh.)
 * Mutated line programs: the raw decoder never reads a table libdwarf
 * refuses, and agrees on every one it reads. */
START_TEST(line_tables_raw_as_libdwarf)
{
    artifact *all[] = {&go_amd64, &go_arm64, &c4, &c5, &ca, &c386, &carm};
    char plain[600], path[600], c386_4[600];
    size_t size;
    unsigned char *orig, *data;
    uint64_t seed = 0x2545f4914f6cdd1dull;
    elf_section sec;
    unsigned raw = 0;
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        table_counts n;
        if (!all[k]->built)
            continue;
        n = compare_tables(all[k]->path);
        ck_assert_msg(n.tables > 0, "%s: no line table", all[k]->path);
        /* Go and -gdwarf-4: every table raw; GCC's own DWARF 5 (its paths
         * in .debug_line_str): none; the cross compilers: their defaults */
        if (all[k] == &go_amd64 || all[k] == &go_arm64 || all[k] == &c4 || all[k] == &c5)
            ck_assert_msg(n.raw == (all[k] == &c5 ? 0 : n.tables),
                          "%s: %u of %u tables decoded raw", all[k]->path, n.raw, n.tables);
        ck_assert_uint_eq(n.raw_only, 0);
        raw += n.raw;
    }
    ck_assert_uint_gt(raw, 0);
    /* 32-bit addresses: the 386 program as DWARF 4 (not run, only read) */
    snprintf(c386_4, sizeof c386_4, "%s/c-386-dwarf4", tmp);
    if (have_tool("i686-linux-gnu-gcc") &&
        sh("cd %s && i686-linux-gnu-gcc -g -gdwarf-4 -O0 -w -static '-D__int128=long long' -o %s "
           "prog.c other.c",
           tmp, c386_4) == 0) {
        table_counts n = compare_tables(c386_4);
        ck_assert_uint_gt(n.tables, 0);
        ck_assert_uint_eq(n.raw, n.tables);
    }
    if (!go_amd64.built)
        return;
    if (!have_tool("objcopy")) {
        note_missing("objcopy", "inflated Go line tables");
        return;
    }
    snprintf(plain, sizeof plain, "%s/go-inflated", tmp);
    ck_assert_int_eq(sh("objcopy --decompress-debug-sections %s %s", go_amd64.path, plain), 0);
    orig = (unsigned char *)slurp(plain, &size);
    ck_assert_int_eq(elf_find_section(orig, size, ".debug_line", &sec), 1);
    ck_assert(!sec.compressed);
    table_counts whole = compare_tables(plain);
    ck_assert_uint_eq(whole.raw, whole.tables);
    data = malloc(size);
    ck_assert_ptr_nonnull(data);
    snprintf(path, sizeof path, "%s/go-line-mutant", tmp);
    /* 60 rounds; 6 under valgrind and 20 under ASan (quickstart sets
     * SA_UNDER_VALGRIND and SA_UNDER_SANITIZER: see mutant_rounds). */
    int rounds = mutant_rounds(60);
    for (int round = 0; round < rounds; round++) {
        memcpy(data, orig, size);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            data[sec.offset + (seed >> 33) % sec.size] = (unsigned char)(seed >> 13);
        }
        spill(path, data, size);
        table_counts n = compare_tables(path);
        ck_assert_uint_eq(n.raw_only, 0);
    }
    free(orig);
    free(data);
}
END_TEST

/* Members that overlap or end past their record: GCC never writes them, so
 * the test edits GCC's annotated assembly (-dA names each attribute) before
 * assembling it.  The records are kept and reported as inconsistent, never
 * optimized, and the unit is not skipped. */
static const char c_inconsistent[] = "struct clash { char pad[0x5a]; char moved; };\n"
                                     "struct past_end { char pad2[0x6c]; char last; };\n"
                                     "struct fine { char a; long b; };\n"
                                     "struct clash c1; struct past_end p1; struct fine f1;\n"
                                     "int main(void) { return 0; }\n";

START_TEST(c_inconsistent_members)
{
    char path[512];
    align_binary *b;
    align_graph *g;
    align_layout *l;
    align_layout_opts o = {ALIGN_LAYOUT_GIVEN, 0};

    write_file(tmp, "incons.c", c_inconsistent);
    snprintf(path, sizeof path, "%s/c-inconsistent", tmp);
    /* moved: 0x5a -> 0x50, inside pad; last: 0x6c -> 0x7f, past the
     * 0x6d-byte record. */
    ck_assert_int_eq(sh("cd %s && gcc -g -dA -S -o incons.s incons.c && "
                        "sed -i -e 's/0x5a\\t# DW_AT_data_member_location/0x50\\t# x/' "
                        "-e 's/0x6c\\t# DW_AT_data_member_location/0x7f\\t# x/' incons.s && "
                        "grep -c '# x$' incons.s | grep -qx 2 && gcc -o %s incons.s",
                        tmp, path),
                     0);
    b = open_ok(path);
    ck_assert_uint_eq(align_binary_info_get(b)->nskipped_cus, 0);
    g = align_binary_graph(b, ALIGN_LANG_C);

    ck_assert_int_eq(align_layout_compute(&l, g, find_decl(g, "struct clash"), &o), 0);
    ck_assert_int_eq(l->positions_valid, 0);
    ck_assert_msg(strstr(l->invalid, "pad") && strstr(l->invalid, "moved") &&
                      strstr(l->invalid, "overlap"),
                  "%s", l->invalid);
    ck_assert_uint_eq(member(l, "moved")->offset, 0x50);
    ck_assert_uint_eq(l->size, 0x5b);
    ck_assert_uint_eq(l->reclaimable, 0);
    ck_assert_uint_eq(l->optimal_size, l->size);
    align_layout_free(l);

    ck_assert_int_eq(align_layout_compute(&l, g, find_decl(g, "struct past_end"), &o), 0);
    ck_assert_int_eq(l->positions_valid, 0);
    ck_assert_msg(strstr(l->invalid, "last") && strstr(l->invalid, "ends past"), "%s", l->invalid);
    ck_assert_uint_eq(member(l, "last")->offset, 0x7f);
    ck_assert_uint_eq(l->reclaimable, 0);
    align_layout_free(l);

    /* The unit's other records are read and valid as usual. */
    ck_assert_int_eq(align_layout_compute(&l, g, find_decl(g, "struct fine"), &o), 0);
    ck_assert_int_eq(l->positions_valid, 1);
    ck_assert_uint_eq(l->size, 16);
    ck_assert_uint_eq(member(l, "b")->offset, 8);
    align_layout_free(l);
    align_binary_free(b);
}
END_TEST

/* ----------------------------------------------------------------- Go */

START_TEST(go_amd64_layouts)
{
    check_facts(&go_amd64, ALIGN_LANG_GO);
}
END_TEST

START_TEST(go_arm64_layouts)
{
    check_facts(&go_arm64, ALIGN_LANG_GO);
}
END_TEST

START_TEST(go_all_decls_agree)
{
    /* ~420 structs each: main's and the runtime's. */
    if (go_amd64.built)
        check_all_agree(go_amd64.path, ALIGN_LANG_GO);
    if (go_arm64.built)
        check_all_agree(go_arm64.path, ALIGN_LANG_GO);
}
END_TEST

static const align_type *resolved(const align_member *m)
{
    return align_type_resolve(m->type);
}

START_TEST(go_details)
{
    const artifact *all[] = {&go_amd64, &go_arm64};
    for (size_t k = 0; k < 2; k++) {
        align_binary *b;
        const align_binary_info *in;
        align_graph *g;
        align_layout *l;
        if (!all[k]->built)
            continue;
        b = open_ok(all[k]->path);
        in = align_binary_info_get(b);
        g = align_binary_graph(b, ALIGN_LANG_GO);
        ck_assert_int_eq(in->arch, k == 0 ? ALIGN_ARCH_AMD64 : ALIGN_ARCH_ARM64);
        ck_assert(in->has_go && !in->has_c);
        ck_assert_msg(strncmp(in->producer, "Go cmd/compile", 14) == 0, "%s", in->producer);
        ck_assert_uint_eq(in->nskipped_cus, 0);
        ck_assert_ptr_null(align_binary_graph(b, ALIGN_LANG_C));
        /* string and slice headers are primitives, not declarations. */
        ck_assert_ptr_null(find_decl(g, "string"));
        ck_assert_ptr_null(find_decl(g, "[]string"));

        l = given_layout(g, find_decl(g, "main.Node"));
        ck_assert_str_eq(member(l, "Next")->type_name, "*main.Node");
        ck_assert_str_eq(member(l, "Tags")->type_name, "[]string");
        ck_assert_int_eq(align_type_kind(resolved(member(l, "Tags"))), ALIGN_KIND_PRIM);
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "Tags"))), ALIGN_GO_SLICE);
        ck_assert_str_eq(member(l, "M")->type_name, "map[string]int");
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "M"))), ALIGN_GO_MAP);
        ck_assert_str_eq(member(l, "I")->type_name, "interface { String() string }");
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "I"))), ALIGN_GO_IFACE);
        ck_assert_str_eq(member(l, "E")->type_name, "interface {}");
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "E"))), ALIGN_GO_IFACE);
        ck_assert_str_eq(member(l, "F")->type_name, "func(int) int");
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "F"))), ALIGN_GO_FUNC);
        ck_assert_str_eq(member(l, "C")->type_name, "chan int");
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "C"))), ALIGN_GO_CHAN);
        ck_assert_str_eq(member(l, "U")->type_name, "unsafe.Pointer");
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "U"))), ALIGN_GO_UNSAFE_POINTER);
        ck_assert_str_eq(member(l, "Arr")->type_name, "[3]int16");
        ck_assert_str_eq(member(l, "C64")->type_name, "complex64");
        ck_assert(member(l, "_")->flags & ALIGN_MEMBER_BLANK);
        ck_assert_uint_eq(l->intentional_padding, 4);
        /* Pointer bytes: I (interface, two words) ends at 72, E at 88, F,
         * C, U are one word each: the last pointer word is U at 104. */
        ck_assert_uint_eq(l->ptrdata, 112);
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "main.Point"));
        ck_assert_uint_eq(l->ptrdata, 16); /* Name's data pointer at 8 */
        ck_assert_str_eq(member(l, "Name")->type_name, "string");
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "main.Outer"));
        ck_assert(member(l, "Point")->flags & ALIGN_MEMBER_EMBEDDED);
        ck_assert_str_eq(member(l, "Anon")->type_name, "struct { A uint8; B uint64 }");
        ck_assert_str_eq(member(l, "P")->type_name, "main.Pair[int,string]");
        align_layout_free(l);

        l = given_layout(g, find_decl(g, "main.Named"));
        ck_assert_str_eq(member(l, "A")->type_name, "main.MyInt");
        ck_assert_str_eq(member(l, "B")->type_name, "main.Strs");
        ck_assert_int_eq(align_type_prim_id(resolved(member(l, "B"))), ALIGN_GO_SLICE);
        ck_assert_str_eq(member(l, "E")->type_name, "error");
        ck_assert_str_eq(member(l, "R")->type_name, "map[int][]*main.Node");
        ck_assert_str_eq(member(l, "H")->type_name, "[2]struct { X int8; Y int8 }");
        align_layout_free(l);

        /* A trailing zero-size field gets a byte (then alignment): 8. */
        l = given_layout(g, find_decl(g, "main.Tail"));
        ck_assert_uint_eq(l->size, 8);
        align_layout_free(l);
        align_binary_free(b);
    }
}
END_TEST

/* -------------------------------------------------------------- errors */

static void expect_error(const char *path, int code, const char *in_message, const char *in_hint)
{
    align_binary *b = (align_binary *)1;
    const align_error *e;
    ck_assert_int_eq(align_binary_open(&b, path), code);
    ck_assert_ptr_null(b);
    e = align_error_last();
    ck_assert_int_eq(e->code, code);
    ck_assert_str_eq(e->file, path);
    ck_assert_msg(strstr(e->message, in_message) != NULL, "%s: message '%s' lacks '%s'", path,
                  e->message, in_message);
    if (in_hint != NULL)
        ck_assert_msg(strstr(e->hint, in_hint) != NULL, "%s: hint '%s' lacks '%s'", path, e->hint,
                      in_hint);
}

/* Appends to f all the public API says of the Go binary at path opened
 * with flags, and of its escape join with log: the open's outcome (its
 * error when it fails), the units, every declaration, the method files and
 * every site of the join. */
/* What align_binary_open says of path: its outcome, units and
 * declarations; the binary, or NULL when it did not open. */
static align_binary *open_digest(FILE *f, const char *path, unsigned flags)
{
    align_binary *b = NULL;
    const align_binary_info *in;
    int rc = align_binary_open_ex(&b, path, flags);
    fprintf(f, "open %d\n", rc);
    if (rc != 0) {
        fprintf(f, "%s\n", align_error_last()->message);
        return NULL;
    }
    in = align_binary_info_get(b);
    fprintf(f, "units %zu skipped %zu (%s) foreign %zu types %zu\n", in->ncus, in->nskipped_cus,
            in->skip_reason ? in->skip_reason : "-", in->nforeign_cus, in->ntypes);
    for (int lang = 0; lang < 2; lang++) {
        align_graph *g = align_binary_graph(b, (align_lang)lang);
        for (size_t i = 0; g != NULL && i < align_graph_ndecls(g); i++)
            fprintf(f, "decl %s\n", align_type_display(align_graph_decl(g, i)));
    }
    return b;
}

/* open_digest, then the Go functions: method files and the escape join
 * of log. */
static void binary_digest(FILE *f, const char *path, unsigned flags, const char *log, size_t loglen)
{
    align_go_method *m = NULL;
    align_escape_log *el = NULL;
    align_heap_join *j = NULL;
    align_heap_summary sum;
    size_t nm = 0;
    int rc;
    align_binary *b = open_digest(f, path, flags);
    if (b == NULL)
        return;
    ck_assert_int_eq(align_binary_go_method_files(b, &m, &nm), 0);
    for (size_t i = 0; i < nm; i++)
        fprintf(f, "method %s %s\n", m[i].type, m[i].file ? m[i].file : "-");
    align_go_methods_free(m, nm);
    ck_assert_int_eq(align_escape_log_new(&el), 0);
    ck_assert_int_eq(align_escape_log_read_text_mem(el, "m2.log", log, loglen), 0);
    rc = align_heap_join_new(&j, b, el, NULL);
    fprintf(f, "join %d\n", rc);
    if (rc == 0) {
        align_heap_join_summary(&sum, j);
        fprintf(f, "sites %llu heap %llu structs %llu unresolved %llu stale %llu unlinked %llu\n",
                (unsigned long long)sum.sites, (unsigned long long)sum.heap,
                (unsigned long long)sum.structs, (unsigned long long)sum.unresolved,
                (unsigned long long)sum.stale, (unsigned long long)sum.not_linked);
        for (size_t i = 0; i < align_heap_join_nsites(j); i++) {
            align_heap_site st;
            align_heap_join_site(j, i, &st);
            fprintf(f, "site %s:%u:%u %d %s %d %s %s %s\n", st.file, st.line, st.col,
                    (int)st.status, st.type ? align_type_display(st.type) : "-", st.per_element,
                    st.via ? st.via : "-", st.reason ? st.reason : "-", st.path ? st.path : "-");
        }
    }
    align_heap_join_free(j);
    align_escape_log_free(el);
    align_binary_free(b);
}

/* ------------------------------------------- crafted raw-reader inputs */

/* One .debug_abbrev entry: where its code and each attribute's name and
 * form are written (Go writes all of them as one-byte LEB128s but the
 * 0x29xx names of its own attributes). */
typedef struct abbrev_entry {
    size_t code_at;
    uint64_t code, tag;
    bool children;
    size_t nattr;
    size_t at_at[24], form_at[24];
    uint64_t at[24], form[24];
} abbrev_entry;

static uint64_t uleb_at(const unsigned char *p, size_t len, size_t *i)
{
    uint64_t v = 0;
    for (unsigned shift = 0; *i < len && shift < 64; shift += 7) {
        unsigned char b = p[(*i)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    ck_abort_msg("a LEB128 past the end of .debug_abbrev");
    return 0;
}

/* The entries of the abbreviation table at the start of p[0..len). */
static size_t abbrev_table(const unsigned char *p, size_t len, abbrev_entry *out, size_t max)
{
    size_t n = 0, i = 0;
    for (;;) {
        abbrev_entry e = {0};
        e.code_at = i;
        e.code = uleb_at(p, len, &i);
        if (e.code == 0)
            return n;
        e.tag = uleb_at(p, len, &i);
        ck_assert_uint_lt(i, len);
        e.children = p[i++] != 0;
        for (;;) {
            size_t at_at = i, form_at;
            uint64_t at = uleb_at(p, len, &i), form;
            form_at = i;
            form = uleb_at(p, len, &i);
            if (form == DW_FORM_implicit_const)
                (void)uleb_at(p, len, &i);
            if (at == 0 && form == 0)
                break;
            ck_assert_uint_lt(e.nattr, sizeof e.at / sizeof e.at[0]);
            e.at_at[e.nattr] = at_at;
            e.form_at[e.nattr] = form_at;
            e.at[e.nattr] = at;
            e.form[e.nattr++] = form;
        }
        ck_assert_uint_lt(n, max);
        out[n++] = e;
    }
}

/* The offset in .debug_abbrev of the form (form true) or name of the first
 * attribute `at` in the first entry of tag `tag` that has one. */
static size_t abbrev_attr(const abbrev_entry *t, size_t n, uint64_t tag, uint64_t at, bool form)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; t[i].tag == tag && k < t[i].nattr; k++)
            if (t[i].at[k] == at)
                return form ? t[i].form_at[k] : t[i].at_at[k];
    ck_abort_msg("no abbreviation of tag 0x%llx with attribute 0x%llx", (unsigned long long)tag,
                 (unsigned long long)at);
    return 0;
}

/* libdwarf's reading of path (dwarf_finish frees it). */
static Dwarf_Debug dwarf_of(const char *path)
{
    Dwarf_Debug dbg = NULL;
    Dwarf_Error err = NULL;
    ck_assert_int_eq(dwarf_init_path(path, NULL, 0, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
                                     &dbg, NULL, 0, NULL, &err),
                     DW_DLV_OK);
    return dbg;
}

/* The DIE of the next unit, NULL after the last. */
static Dwarf_Die next_unit(Dwarf_Debug dbg)
{
    Dwarf_Unsigned hlen, typeoff, nextcu;
    Dwarf_Half ver, asz, lsz, esz, ut;
    Dwarf_Off abbrev;
    Dwarf_Sig8 sig;
    Dwarf_Error err = NULL;
    Dwarf_Die cu = NULL;
    if (dwarf_next_cu_header_d(dbg, true, &hlen, &ver, &abbrev, &asz, &lsz, &esz, &sig, &typeoff,
                               &nextcu, &ut, &err) != DW_DLV_OK)
        return NULL;
    ck_assert_int_eq(dwarf_siblingof_b(dbg, NULL, true, &cu, &err), DW_DLV_OK);
    return cu;
}

/* The .debug_info offset of the first function (a top-level
 * DW_TAG_subprogram) whose first child has no children and a sibling:
 * that child's offset in *child and its sibling's in *child_end. */
static uint64_t first_function(const char *path, uint64_t *child, uint64_t *child_end)
{
    Dwarf_Debug dbg = dwarf_of(path);
    Dwarf_Error err = NULL;
    Dwarf_Die cu;
    uint64_t found = 0;
    while (found == 0 && (cu = next_unit(dbg)) != NULL) {
        Dwarf_Half tag;
        Dwarf_Off off, coff, soff;
        Dwarf_Die d = NULL, c = NULL, cc = NULL, sib = NULL;
        for (int r = dwarf_child(cu, &d, &err); r == DW_DLV_OK && found == 0;
             r = dwarf_siblingof_b(dbg, d, true, &d, &err)) {
            ck_assert_int_eq(dwarf_tag(d, &tag, &err), DW_DLV_OK);
            if (tag == DW_TAG_subprogram && dwarf_child(d, &c, &err) == DW_DLV_OK &&
                dwarf_child(c, &cc, &err) == DW_DLV_NO_ENTRY &&
                dwarf_siblingof_b(dbg, c, true, &sib, &err) == DW_DLV_OK) {
                ck_assert_int_eq(dwarf_dieoffset(d, &off, &err), DW_DLV_OK);
                ck_assert_int_eq(dwarf_dieoffset(c, &coff, &err), DW_DLV_OK);
                ck_assert_int_eq(dwarf_dieoffset(sib, &soff, &err), DW_DLV_OK);
                found = off;
                *child = coff;
                *child_end = soff;
            }
        }
    }
    dwarf_finish(dbg, &err);
    ck_assert_msg(found != 0, "%s: no function with two children", path);
    return found;
}

/* The inlined calls (DW_TAG_inlined_subroutine) under die, their
 * offsets appended to off[*n] (at most max). */
static void collect_inlined(Dwarf_Debug dbg, Dwarf_Die die, uint64_t *off, size_t *n, size_t max)
{
    Dwarf_Error err = NULL;
    Dwarf_Die c = NULL;
    for (int r = dwarf_child(die, &c, &err); r == DW_DLV_OK && *n < max;
         r = dwarf_siblingof_b(dbg, c, true, &c, &err)) {
        Dwarf_Half tag = 0;
        Dwarf_Off o = 0;
        ck_assert_int_eq(dwarf_tag(c, &tag, &err), DW_DLV_OK);
        ck_assert_int_eq(dwarf_dieoffset(c, &o, &err), DW_DLV_OK);
        if (tag == DW_TAG_inlined_subroutine)
            off[(*n)++] = o;
        collect_inlined(dbg, c, off, n, max);
    }
}

/* The first unit with inlined calls: its .debug_info offset and size (its
 * header's too) in *start and *size, its unit DIE's offset in *unit_die,
 * and the calls' offsets in off[0..n) (the return value). */
static size_t unit_with_inlined(const char *path, uint64_t *start, uint64_t *size,
                                uint64_t *unit_die, uint64_t *off, size_t max)
{
    Dwarf_Debug dbg = dwarf_of(path);
    Dwarf_Error err = NULL;
    Dwarf_Die cu;
    size_t n = 0;
    while (n == 0 && (cu = next_unit(dbg)) != NULL) {
        Dwarf_Off cu_off = 0, cu_len = 0, die_off = 0;
        collect_inlined(dbg, cu, off, &n, max);
        ck_assert_int_eq(dwarf_die_CU_offset_range(cu, &cu_off, &cu_len, &err), DW_DLV_OK);
        ck_assert_int_eq(dwarf_dieoffset(cu, &die_off, &err), DW_DLV_OK);
        *start = cu_off;
        *size = cu_len;
        *unit_die = die_off;
    }
    dwarf_finish(dbg, &err);
    ck_assert_msg(n > 0, "%s: no inlined call", path);
    return n;
}

/* The Go program's -m=2 log (*log, *loglen: malloc'd) and a copy of the
 * program with its sections inflated, written at tmp/name (its path in
 * plain) and read back: *size bytes, malloc'd. */
static unsigned char *go_inflated(char *plain, size_t cap, const char *name, char **log,
                                  size_t *loglen, size_t *size)
{
    char logpath[512];
    snprintf(logpath, sizeof logpath, "%s/go-amd64-m2.log", tmp);
    ck_assert_int_eq(sh("cd %s/gosrc && GOOS=linux GOARCH=amd64 CGO_ENABLED=0 GOCACHE=%s "
                        "GOPATH=%s/gopath GOPROXY=off go build -gcflags=-m=2 -o /dev/null . "
                        ">%s 2>&1",
                        tmp, gocache, tmp, logpath),
                     0);
    *log = slurp(logpath, loglen);
    snprintf(plain, cap, "%s/%s", tmp, name);
    ck_assert_int_eq(sh("objcopy --decompress-debug-sections %s %s", go_amd64.path, plain), 0);
    return (unsigned char *)slurp(plain, size);
}

/* Go functions' DIEs are decoded from the raw .debug_info (dwarf_scan.c:
 * scan_die_info) where that decoder knows them and read through libdwarf
 * where it does not: whatever the bytes, every result and every error is
 * libdwarf's alone (ALIGN_BINARY_LIBDWARF_ONLY); the same for the file
 * names of the line tables (dwarf.c: raw_files, as dwarf_srcfiles makes
 * them).  The Go program as built (compressed sections: inflated for the
 * scanner), its sections inflated, and mutants of that copy's .debug_info
 * and .debug_line, with the escape join of its -m=2 log. */
START_TEST(go_raw_functions_as_libdwarf)
{
    char plain[512], path[512], *a, *b;
    size_t size, off, len, alen, blen, loglen;
    elf_section line;
    unsigned char *orig, *data;
    char *log;
    uint64_t seed = 0x2545f4914f6cdd1dull;
    int rounds = mutant_rounds(30), same = 0;

    if (!go_amd64.built)
        return;
    if (!have_tool("objcopy")) {
        note_missing("objcopy", "raw Go functions against libdwarf");
        return;
    }
    orig = go_inflated(plain, sizeof plain, "go-raw-inflated", &log, &loglen, &size);
    ck_assert(debug_info(orig, size, &off, &len));
    ck_assert_int_eq(elf_find_section(orig, size, ".debug_line", &line), 1);
    data = malloc(size);
    ck_assert_ptr_nonnull(data);
    snprintf(path, sizeof path, "%s/go-raw-mutant", tmp);
    for (int round = -2; round < rounds; round++) {
        const char *p = round == -2 ? go_amd64.path : round == -1 ? plain : path;
        FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
        if (round >= 0) {
            memcpy(data, orig, size);
            /* one round in three: the line tables, whose file names
             * are raw too (dwarf.c: raw_files) */
            for (int k = 0; k < 1 + round % 4; k++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                if (round % 3 == 2)
                    data[line.offset + (seed >> 33) % line.size] = (unsigned char)(seed >> 13);
                else
                    data[off + (seed >> 33) % len] = (unsigned char)(seed >> 13);
            }
            spill(path, data, size);
        }
        binary_digest(fa, p, ALIGN_BINARY_GO_FUNCS, log, loglen);
        binary_digest(fb, p, ALIGN_BINARY_GO_FUNCS | ALIGN_BINARY_LIBDWARF_ONLY, log, loglen);
        fclose(fa);
        fclose(fb);
        ck_assert_msg(alen == blen && memcmp(a, b, alen) == 0, "round %d: raw and libdwarf differ",
                      round);
        if (round < 0)
            ck_assert_msg(strstr(a, "\nsite ") != NULL && strstr(a, "open 0") == a, "%s", a);
        same += round >= 0;
        free(a);
        free(b);
    }
    ck_assert_int_eq(same, rounds);
    free(orig);
    free(data);
    free(log);
}
END_TEST

/* The raw reader on inputs it must leave to libdwarf, each crafted in a
 * copy of the Go program with its sections inflated (found by mutating
 * .debug_abbrev, which the random rounds above never do): entries no
 * function DIE uses that libdwarf refuses on its way to one it needs (an
 * unknown form, an attribute 0), two entries of one code (libdwarf takes
 * the first), forms libdwarf 20210528 does not step over as DWARF 5 says
 * (strx3, addrx3), a sibling pointer that is a string, one on a DIE
 * without children (libdwarf ignores it), a unit DIE whose comp_dir is no
 * string (the file names of its line table), and a null entry written as
 * two bytes (0x80 0x00), which libdwarf does not take for the end of a
 * list, and a unit-relative reference to the unit's end (libdwarf takes
 * offsets before it only).  With each, the raw reader read units libdwarf
 * refuses, or others than it did.  And a type whose read failed: every
 * base type's DW_AT_go_kind read as a block2 (so each type over one fails
 * half way, a named array after its name is entered) and the variables
 * of one abbreviation (those with a location list) given a DW_AT_high_pc
 * for their type, which the raw walk leaves to libdwarf half way through
 * a unit (strings.makeASCIISet's asciiSet): the second request for the
 * failed type was handed the half-read one (a typedef without its
 * array), so which variables had a type depended on the reader. */
START_TEST(go_raw_crafted_as_libdwarf)
{
    char plain[512], path[512], *a, *b;
    size_t size, alen, blen, loglen, ntab, last, d, pad, t;
    elf_section ab, info;
    unsigned char *orig, *data, *tab_at;
    abbrev_entry tab[128];
    uint64_t child = 0, child_end = 0, unit_start = 0, unit_size = 0, unit_die = 0, inl[256];
    size_t ninl;
    char *log;

    if (!go_amd64.built)
        return;
    if (!have_tool("objcopy")) {
        note_missing("objcopy", "crafted inputs of the raw Go function reader");
        return;
    }
    orig = go_inflated(plain, sizeof plain, "go-crafted-inflated", &log, &loglen, &size);
    ck_assert_int_eq(elf_find_section(orig, size, ".debug_abbrev", &ab), 1);
    ck_assert_int_eq(elf_find_section(orig, size, ".debug_info", &info), 1);
    ntab = abbrev_table(orig + ab.offset, ab.size, tab, sizeof tab / sizeof tab[0]);
    ck_assert_uint_gt(ntab, 4);
    last = ntab - 1;
    for (pad = 0; pad < ntab && (tab[pad].nattr > 0 || tab[pad].children); pad++)
        ;
    ck_assert_uint_lt(pad, ntab);
    (void)first_function(plain, &child, &child_end);
    ninl = unit_with_inlined(plain, &unit_start, &unit_size, &unit_die, inl,
                             sizeof inl / sizeof inl[0]);
    data = malloc(size);
    ck_assert_ptr_nonnull(data);
    snprintf(path, sizeof path, "%s/go-crafted", tmp);
    /* each case costs two readings of the program: a third of them under
     * valgrind (SA_UNDER_VALGRIND, as mutant_rounds), all under ASan */
    for (int k = 0; k < 11; k += getenv("SA_UNDER_VALGRIND") ? 3 : 1) {
        const char *what = NULL;
        FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
        memcpy(data, orig, size);
        tab_at = data + ab.offset;
        switch (k) {
        case 0:
            what = "an unknown form in the second entry";
            tab_at[tab[1].form_at[tab[1].nattr - 1]] = 0x4a;
            break;
        case 1:
            what = "attribute 0 for a subprogram's high_pc";
            tab_at[abbrev_attr(tab, ntab, DW_TAG_subprogram, DW_AT_high_pc, false)] = 0;
            break;
        case 2:
            what = "the last entry given a subprogram entry's code";
            ck_assert(tab[last].code < 0x80 && tab[2].code < 0x80 &&
                      tab[2].tag == DW_TAG_subprogram);
            tab_at[tab[last].code_at] = (unsigned char)tab[2].code;
            break;
        case 3:
            what = "DW_FORM_addrx3 for DW_AT_inline";
            tab_at[abbrev_attr(tab, ntab, DW_TAG_subprogram, DW_AT_inline, true)] = DW_FORM_addrx3;
            break;
        case 4:
            what = "DW_FORM_strx3 for DW_AT_inline";
            tab_at[abbrev_attr(tab, ntab, DW_TAG_subprogram, DW_AT_inline, true)] = DW_FORM_strx3;
            break;
        case 5:
            what = "an array type's name read as its DW_AT_sibling";
            tab_at[abbrev_attr(tab, ntab, DW_TAG_array_type, DW_AT_name, false)] = DW_AT_sibling;
            break;
        case 6:
            what = "the unit's DW_AT_language (data1) named DW_AT_comp_dir";
            tab_at[abbrev_attr(tab, ntab, DW_TAG_compile_unit, DW_AT_language, false)] =
                DW_AT_comp_dir;
            break;
        case 7:
            /* the first child of a function given the code of an entry
             * with no attribute and no children, then its attributes'
             * bytes 0x80 0x00 (to the scanner, the null entry that ends
             * the function's children), then more such entries */
            what = "a null entry of two bytes in a function's children";
            ck_assert(tab[pad].code < 0x80 && orig[info.offset + child] < 0x80 &&
                      child_end >= child + 3);
            data[info.offset + child] = (unsigned char)tab[pad].code;
            data[info.offset + child + 1] = 0x80;
            data[info.offset + child + 2] = 0x00;
            for (uint64_t o = child + 3; o < child_end; o++)
                data[info.offset + o] = (unsigned char)tab[pad].code;
            break;
        case 9:
            /* the abstract origins of inlined calls made unit-relative
             * (ref4) and pointed at the unit's own DIE, the first at the
             * unit's end: one past the last offset libdwarf takes */
            what = "an inlined call's origin (ref4) at the end of its unit";
            for (t = 0; t < ntab; t++) {
                if (tab[t].tag != DW_TAG_inlined_subroutine)
                    continue;
                ck_assert(tab[t].at[0] == DW_AT_abstract_origin &&
                          tab[t].form[0] == DW_FORM_ref_addr);
                tab_at[tab[t].form_at[0]] = DW_FORM_ref4;
            }
            for (size_t i = 0; i < ninl; i++) {
                uint64_t v = i == 0 ? unit_size : unit_die - unit_start;
                unsigned char *at = data + info.offset + inl[i] + 1;
                ck_assert_uint_lt(orig[info.offset + inl[i]], 0x80); /* a one-byte code */
                for (int byte = 0; byte < 4; byte++)
                    at[byte] = (unsigned char)(v >> (8 * byte));
            }
            break;
        case 8:
            /* a DW_AT_sibling where there are no children to step over:
             * libdwarf ignores it */
            what = "a childless typedef's DW_AT_type named DW_AT_sibling";
            for (t = 0; t < ntab && (tab[t].tag != DW_TAG_typedef || tab[t].children); t++)
                ;
            ck_assert_uint_lt(t, ntab);
            tab_at[abbrev_attr(tab + t, 1, DW_TAG_typedef, DW_AT_type, false)] = DW_AT_sibling;
            break;
        case 10:
            what = "base types' go_kind as block2, variables' type named high_pc";
            tab_at[abbrev_attr(tab, ntab, DW_TAG_base_type, DW_AT_go_kind, true)] = DW_FORM_block2;
            for (t = 0; t < ntab; t++) {
                bool loclist = false;
                for (size_t i = 0; i < tab[t].nattr; i++)
                    loclist |=
                        tab[t].at[i] == DW_AT_location && tab[t].form[i] == DW_FORM_sec_offset;
                if (tab[t].tag == DW_TAG_variable && loclist)
                    break;
            }
            ck_assert_uint_lt(t, ntab);
            tab_at[abbrev_attr(tab + t, 1, DW_TAG_variable, DW_AT_type, false)] = DW_AT_high_pc;
            break;
        }
        spill(path, data, size);
        binary_digest(fa, path, ALIGN_BINARY_GO_FUNCS, log, loglen);
        binary_digest(fb, path, ALIGN_BINARY_GO_FUNCS | ALIGN_BINARY_LIBDWARF_ONLY, log, loglen);
        fclose(fa);
        fclose(fb);
        for (d = 0; d < alen && d < blen && a[d] == b[d]; d++)
            ;
        ck_assert_msg(alen == blen && d == alen, "%s: raw and libdwarf differ:\n%.300s\n%.300s",
                      what, a + d, b + d);
        free(a);
        free(b);
    }
    free(orig);
    free(data);
    free(log);
}
END_TEST

/* Where the first unit DIE's name lies when libdwarf reads path opened
 * through dwarf_open_input, with the elf_file or without (f NULL): 1 in
 * the elf_file's inflated copy of section `sec` (compressed), 2 in the
 * mapped file, 0 elsewhere (libdwarf's own memory). */
static int unit_name_in(const char *path, const char *sec, bool with_file)
{
    input_file in = {(char *)path, (char *)path, -1};
    elf_file *f = elf_file_open(path);
    Dwarf_Debug dbg = NULL;
    Dwarf_Error err = NULL;
    Dwarf_Die cu;
    char *name = NULL;
    const uint8_t *map, *copy = NULL;
    size_t map_len;
    uint64_t len = 0;
    elf_section es;
    int where = 0;
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(dwarf_open_input(&in, with_file ? f : NULL, &dbg, &err), DW_DLV_OK);
    cu = next_unit(dbg);
    ck_assert_ptr_nonnull(cu);
    ck_assert_int_eq(dwarf_diename(cu, &name, &err), DW_DLV_OK);
    map = elf_file_map(f, &map_len);
    ck_assert_int_eq(elf_find_section(map, map_len, sec, &es), 1);
    if (es.compressed)
        copy = elf_file_inflated(f, &es, &len);
    if (copy != NULL && (const uint8_t *)name >= copy && (const uint8_t *)name < copy + len)
        where = 1;
    else if ((const uint8_t *)name >= map && (const uint8_t *)name < map + map_len)
        where = 2;
    dwarf_dealloc(dbg, cu, DW_DLA_DIE);
    dwarf_finish(dbg, &err);
    elf_file_close(f);
    return where;
}

/* Each section is read once (dwarf_sections.c): libdwarf reads the raw
 * readers' inflated copy of a Go program's .debug_info, and a C program's
 * plain sections from the mapped file; without the elf_file (archive
 * members, separate debug files, ALIGN_BINARY_LIBDWARF_ONLY) it reads
 * its own copies. */
START_TEST(sections_read_once)
{
    if (go_amd64.built) {
        ck_assert_int_eq(unit_name_in(go_amd64.path, ".debug_info", true), 1);
        ck_assert_int_eq(unit_name_in(go_amd64.path, ".debug_info", false), 0);
    }
    if (c5.built) { /* GCC 12: the unit's name is in .debug_line_str */
        ck_assert_int_eq(unit_name_in(c5.path, ".debug_line_str", true), 2);
        ck_assert_int_eq(unit_name_in(c5.path, ".debug_line_str", false), 0);
    }
}
END_TEST

/* The Go program's compressed .debug_abbrev (data, size bytes) replaced
 * in place by a zlib stream of zeros, more than 16 times the section's
 * size (large), or of the table's first 100 bytes (less than half the
 * section's size): the stream ends before the section does. */
static void recompress_abbrev(unsigned char *data, size_t size, bool large)
{
    elf_section sec;
    Elf64_Chdr ch;
    uint64_t len, src;
    uLongf zlen;
    unsigned char *abbrev, *plain;
    ck_assert_int_eq(elf_find_section(data, size, ".debug_abbrev", &sec), 1);
    ck_assert(sec.compressed && sec.size > sizeof ch + 100);
    abbrev = elf_inflate(data + sec.offset, sec.size, false, &len);
    ck_assert_ptr_nonnull(abbrev);
    src = sec.size - sizeof ch;
    memcpy(&ch, data + sec.offset, sizeof ch);
    ch.ch_size = large ? src * 16 + 64 : 100;
    ck_assert_uint_gt(len, 100);
    plain = calloc(1, ch.ch_size);
    ck_assert_ptr_nonnull(plain);
    if (!large)
        memcpy(plain, abbrev, ch.ch_size);
    zlen = (uLongf)src;
    ck_assert_int_eq(compress2(data + sec.offset + sizeof ch, &zlen, plain, ch.ch_size, 9), Z_OK);
    memcpy(data + sec.offset, &ch, sizeof ch);
    free(abbrev);
    free(plain);
}

/* A compressed section's header or bytes that lie: whatever libdwarf's own
 * ELF reader makes of them (an error, or a section it reads anyway), the
 * reader says exactly the same when the object interface hands libdwarf
 * the sections (ALIGN_BINARY_LIBDWARF_ONLY: libdwarf's ELF reader alone).
 * The Go program as built (zlib-compressed sections), each of its
 * .debug_info, .debug_abbrev and .debug_line crafted: ch_size one byte too
 * large (zlib ends early: libdwarf takes the shorter section) or too small,
 * 20 times too large (past libdwarf's 16-fold limit), 0, a compression
 * type that is not zlib, a "ZLIB" (.zdebug) header, a byte of the stream
 * changed; .debug_abbrev recompressed to inflate more than 16 times its
 * size, and less than half (libdwarf refuses both; zlib itself inflates
 * them); and a C program built with gcc -gz. */
START_TEST(compressed_sections_as_libdwarf)
{
    static const char *const names[] = {".debug_info", ".debug_abbrev", ".debug_line"};
    static const char log[] = "# main\n./main.go:5:2: moved to heap: x\n";
    char path[512], *a, *b;
    size_t size, alen, blen, d;
    unsigned char *orig, *data;
    int step = getenv("SA_UNDER_VALGRIND") ? 3 : 1, opened = 0;

    if (!go_amd64.built)
        return;
    orig = (unsigned char *)slurp(go_amd64.path, &size);
    data = malloc(size);
    ck_assert_ptr_nonnull(data);
    snprintf(path, sizeof path, "%s/go-chdr", tmp);
    for (int k = 0; k < 3 * 7 + 2; k += step) {
        elf_section sec;
        Elf64_Chdr ch;
        FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
        memcpy(data, orig, size);
        if (k >= 3 * 7) {
            recompress_abbrev(data, size, k == 3 * 7);
            goto compare;
        }
        ck_assert_int_eq(elf_find_section(orig, size, names[k / 7], &sec), 1);
        ck_assert(sec.compressed && !sec.is32 && sec.size > sizeof ch + 64);
        memcpy(&ch, orig + sec.offset, sizeof ch);
        switch (k % 7) {
        case 0: ch.ch_size += 1; break;
        case 1: ch.ch_size -= 1; break;
        case 2: ch.ch_size *= 20; break;
        case 3: ch.ch_size = 0; break;
        case 4: ch.ch_type = 2; break;
        case 5: memcpy(&ch, "ZLIB", 4); break;
        case 6: data[sec.offset + sizeof ch + (sec.size - sizeof ch) / 2] ^= 0x5a; break;
        }
        if (k % 7 != 6)
            memcpy(data + sec.offset, &ch, sizeof ch);
    compare:
        spill(path, data, size);
        binary_digest(fa, path, ALIGN_BINARY_GO_FUNCS, log, sizeof log - 1);
        binary_digest(fb, path, ALIGN_BINARY_GO_FUNCS | ALIGN_BINARY_LIBDWARF_ONLY, log,
                      sizeof log - 1);
        fclose(fa);
        fclose(fb);
        for (d = 0; d < alen && d < blen && a[d] == b[d]; d++)
            ;
        ck_assert_msg(alen == blen && d == alen, "%s case %d: differ:\n%.300s\n%.300s",
                      names[k / 7 < 3 ? k / 7 : 1], k, a + d, b + d);
        opened += strncmp(a, "open 0", 6) == 0;
        free(a);
        free(b);
    }
    /* ch_size one too large reads as libdwarf reads it: the section */
    ck_assert_int_gt(opened, 0);
    free(orig);
    free(data);
    if (sh("cd %s && gcc -g -gz=zlib -O0 -w -o c-gz prog.c other.c", tmp) == 0) {
        FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
        snprintf(path, sizeof path, "%s/c-gz", tmp);
        align_binary_free(open_digest(fa, path, 0));
        align_binary_free(open_digest(fb, path, ALIGN_BINARY_LIBDWARF_ONLY));
        fclose(fa);
        fclose(fb);
        ck_assert_msg(alen == blen && memcmp(a, b, alen) == 0 && strncmp(a, "open 0", 6) == 0,
                      "gcc -gz:\n%.300s\n%.300s", a, b);
        free(a);
        free(b);
    }
}
END_TEST

/* ALIGN_BINARY_GO_FUNCS: the same types, the build info, and the escape
 * join's refusals (the join itself: tests/escape_join_test.py). */
START_TEST(go_funcs_and_join_errors)
{
    align_binary *plain, *funcs, *cbin;
    align_escape_log *log;
    align_heap_join *j = NULL;
    const align_binary_info *in;
    static const char foreign[] = "# other.example/pkg\n"
                                  "./zzz.go:3:4: &T{...} escapes to heap\n";
    if (!go_amd64.built)
        return;
    plain = open_ok(go_amd64.path);
    ck_assert_int_eq(align_binary_open_ex(&funcs, go_amd64.path, ALIGN_BINARY_GO_FUNCS), 0);
    ck_assert_int_eq(align_binary_open_ex(&cbin, go_amd64.path, 1u << 7), ALIGN_EINVAL);
    ck_assert_ptr_null(cbin);
    in = align_binary_info_get(funcs);
    ck_assert_uint_eq(in->ntypes, align_binary_info_get(plain)->ntypes);
    ck_assert_str_eq(in->go_main_path, "dwarftest");
    ck_assert_msg(strncmp(in->go_version, "go1.", 4) == 0, "%s", in->go_version);

    ck_assert_int_eq(align_escape_log_new(&log), 0);
    ck_assert_int_eq(
        align_escape_log_read_text_mem(log, "foreign.log", foreign, sizeof foreign - 1), 0);
    ck_assert_int_eq(align_heap_join_new(&j, plain, log, NULL), ALIGN_EINVAL);
    ck_assert_ptr_null(j);
    ck_assert_int_eq(align_heap_join_new(&j, funcs, log, NULL), ALIGN_EMISMATCH);
    ck_assert_ptr_null(j);
    ck_assert_msg(strstr(align_error_last()->message, "other.example/pkg") != NULL, "%s",
                  align_error_last()->message);
    ck_assert_int_eq(align_binary_open_ex(&cbin, c5.path, ALIGN_BINARY_GO_FUNCS), 0);
    ck_assert_int_eq(align_heap_join_new(&j, cbin, log, NULL), ALIGN_EFORMAT);
    align_escape_log_free(log);
    /* An empty log joins to nothing. */
    ck_assert_int_eq(align_escape_log_new(&log), 0);
    ck_assert_int_eq(align_heap_join_new(&j, funcs, log, NULL), 0);
    ck_assert_uint_eq(align_heap_join_nsites(j), 0);
    ck_assert_uint_eq(align_heap_join_ntypes(j), 0);
    align_heap_join_free(j);
    align_heap_join_free(NULL);
    align_escape_log_free(log);
    /* The streamed join: a failed read leaves it as it was; a site given
     * twice is one site and one duplicate; each site is made on demand. */
    {
        static const char stack[] = "# other.example/pkg\n"
                                    "./zzz.go:3:4: x does not escape\n"
                                    "./zzz.go:3:4: x does not escape\n";
        /* A -json file whose site is read before its last line fails. */
        static const char junk[] =
            "{\"version\":0,\"package\":\"other.example/pkg\",\"goos\":\"linux\","
            "\"goarch\":\"amd64\",\"gc_version\":\"go1.19.8\",\"file\":\"/x/zzz.go\"}\n"
            "{\"range\":{\"start\":{\"line\":9,\"character\":9},\"end\":{\"line\":9,"
            "\"character\":9}},\"severity\":3,\"code\":\"escapes\",\"source\":\"go compiler\","
            "\"message\":\"make(map[string]int) escapes to heap\"}\n"
            "{\"range\":\n";
        align_heap_summary sum;
        align_escape_stats st;
        align_heap_site hs;
        ck_assert_int_eq(align_heap_join_open(&j, NULL), 0);
        ck_assert_int_eq(align_heap_join_read_text_mem(j, "stack.log", stack, sizeof stack - 1), 0);
        ck_assert_int_eq(align_heap_join_finish(j, plain), ALIGN_EINVAL);
        align_heap_join_free(j);
        ck_assert_int_eq(align_heap_join_open(&j, NULL), 0);
        ck_assert_int_eq(align_heap_join_read_text_mem(j, "stack.log", stack, sizeof stack - 1), 0);
        ck_assert_int_eq(align_heap_join_read_json_mem(j, "junk.json", junk, sizeof junk - 1),
                         ALIGN_EFORMAT);
        align_heap_join_log_stats(&st, j);
        ck_assert_uint_eq(st.stack_sites, 2);
        ck_assert_uint_eq(st.heap_sites, 0); /* the failed read's site is gone */
        ck_assert_int_eq(align_heap_join_finish(j, funcs), 0);
        align_heap_join_summary(&sum, j);
        ck_assert_uint_eq(sum.sites, 1);
        ck_assert_uint_eq(sum.duplicates, 1);
        ck_assert_uint_eq(sum.stack, 1);
        ck_assert_uint_eq(align_heap_join_nsites(j), 1);
        align_heap_join_site(j, 0, &hs);
        ck_assert_str_eq(hs.file, "./zzz.go");
        ck_assert_uint_eq(hs.line, 3);
        ck_assert_uint_eq(hs.col, 4);
        ck_assert_str_eq(hs.expr, "x");
        ck_assert_str_eq(hs.package, "other.example/pkg");
        ck_assert_str_eq(hs.input, "stack.log");
        ck_assert_uint_eq(hs.input_line, 2);
        ck_assert_int_eq(hs.status, ALIGN_HEAP_STACK);
        align_heap_join_free(j);
        j = NULL;
        /* The foreign log, streamed: the same refusal as above. */
        ck_assert_int_eq(align_heap_join_open(&j, NULL), 0);
        ck_assert_int_eq(
            align_heap_join_read_text_mem(j, "foreign.log", foreign, sizeof foreign - 1), 0);
        ck_assert_int_eq(align_heap_join_finish(j, funcs), ALIGN_EMISMATCH);
        align_heap_join_free(j);
    }
    align_binary_free(cbin);
    align_binary_free(funcs);
    align_binary_free(plain);
}
END_TEST

START_TEST(errors)
{
    char path[512], trunc[512];
    size_t size;
    unsigned char *data = (unsigned char *)slurp(c5.path, &size);

    snprintf(path, sizeof path, "%s/does-not-exist", tmp);
    expect_error(path, ALIGN_EIO, "No such file", NULL);
    expect_error(tmp, ALIGN_EIO, "directory", NULL);
    snprintf(path, sizeof path, "%s/prog.c", tmp);
    expect_error(path, ALIGN_EFORMAT, "not an ELF file", "debug information");
    snprintf(path, sizeof path, "%s/empty", tmp);
    spill(path, data, 0);
    expect_error(path, ALIGN_EFORMAT, "empty file", NULL);
    snprintf(trunc, sizeof trunc, "%s/trunc", tmp);
    spill(trunc, data, 64);
    expect_error(trunc, ALIGN_EFORMAT, "truncated", NULL);
    spill(trunc, data, size / 2);
    expect_error(trunc, ALIGN_EFORMAT, "truncated", NULL);
    spill(trunc, data, 40);
    expect_error(trunc, ALIGN_EFORMAT, "truncated", NULL);

    data[EI_CLASS] = ELFCLASS32;
    spill(trunc, data, size);
    expect_error(trunc, ALIGN_EFORMAT, "32-bit ELF file for a 64-bit machine", NULL);
    data[EI_CLASS] = ELFCLASSNONE;
    spill(trunc, data, size);
    expect_error(trunc, ALIGN_EFORMAT, "unknown ELF class", NULL);
    data[EI_CLASS] = ELFCLASS64;
    data[EI_DATA] = ELFDATA2MSB;
    spill(trunc, data, size);
    expect_error(trunc, ALIGN_EFORMAT, "big-endian", "little-endian");
    data[EI_DATA] = ELFDATA2LSB;
    ((Elf64_Ehdr *)data)->e_machine = EM_RISCV;
    spill(trunc, data, size);
    expect_error(trunc, ALIGN_EFORMAT, "unsupported machine", "arm64");
    free(data);

    /* 32-bit ELF: the same bounds checks with Elf32 sizes. */
    if (c386.built) {
        data = (unsigned char *)slurp(c386.path, &size);
        spill(trunc, data, sizeof(Elf32_Ehdr));
        expect_error(trunc, ALIGN_EFORMAT, "truncated ELF file: the section table is past", NULL);
        spill(trunc, data, size / 2);
        expect_error(trunc, ALIGN_EFORMAT, "truncated", NULL);
        spill(trunc, data, sizeof(Elf32_Ehdr) - 1);
        expect_error(trunc, ALIGN_EFORMAT, "not even a header", NULL);
        ((Elf32_Ehdr *)data)->e_machine = EM_X86_64;
        spill(trunc, data, size);
        expect_error(trunc, ALIGN_EFORMAT, "64-bit machine", NULL);
        ((Elf32_Ehdr *)data)->e_machine = EM_386;
        data[EI_DATA] = ELFDATA2MSB;
        spill(trunc, data, size);
        expect_error(trunc, ALIGN_EFORMAT, "big-endian", NULL);
        free(data);
    }
    if (c_stripped[0])
        expect_error(c_stripped, ALIGN_EFORMAT, "no DWARF", "-g");
    if (go_stripped[0])
        expect_error(go_stripped, ALIGN_EFORMAT, "no DWARF", "-ldflags");
    align_binary_free(NULL);
}
END_TEST

/* align_binary_open_opts: a stripped program's separate debug file (by
 * .gnu_debuglink, its CRC checked, or by build ID under debug_dirs), an
 * archive's members and units left out by cu_exclude; the counts the
 * info reports.  The types read must be those of the program itself. */
static const char inputs_a[] = "struct in_a { char c; long l; };\nstruct in_a ga;\n";
static const char inputs_b[] = "struct in_b { short s; char t; };\nstruct in_b gb;\n";

START_TEST(c_separate_inputs)
{
    char full[512], strip[480], lib[512], dir[512];
    const char *dirs[1] = {dir};
    const char *ex[1] = {"*in_b.c"};
    align_binary *b, *ref;
    align_binary_opts o = {0, NULL, 0, NULL, NULL, NULL, 0};
    const align_binary_info *info;

    ck_assert_int_eq(align_c_pointer_wide_name("size_t"), 1);
    ck_assert_int_eq(align_c_pointer_wide_name("uintptr_t"), 1);
    ck_assert_int_eq(align_c_pointer_wide_name("off_t"), 0);
    ck_assert_int_eq(align_c_pointer_wide_name(NULL), 0);

    /* The debug link: next to the binary, then stale. */
    snprintf(full, sizeof full, "%s", c5.path);
    snprintf(strip, sizeof strip, "%s/split/prog", tmp);
    ck_assert_int_eq(sh("mkdir -p %s/split && objcopy --only-keep-debug %s %s.debug && "
                        "objcopy --strip-debug --add-gnu-debuglink=%s.debug %s %s",
                        tmp, full, strip, strip, full, strip),
                     0);
    ref = open_ok(full);
    ck_assert_int_eq(align_binary_open_opts(&b, strip, &o), 0);
    info = align_binary_info_get(b);
    ck_assert_ptr_nonnull(info->debug_file);
    ck_assert_msg(strstr(info->debug_file, "split/prog.debug") != NULL, "%s", info->debug_file);
    ck_assert_uint_eq(info->ntypes, align_binary_info_get(ref)->ntypes);
    ck_assert_uint_eq(info->ncus, align_binary_info_get(ref)->ncus);
    ck_assert_uint_eq(info->nmembers, 0);
    align_binary_free(b);
    ck_assert_int_eq(sh("echo stale >> %s.debug", strip), 0);
    ck_assert_int_eq(align_binary_open_opts(&b, strip, &o), ALIGN_EFORMAT);
    ck_assert_ptr_null(b);
    ck_assert_msg(strstr(align_error_last()->message, "CRC-32") != NULL, "%s",
                  align_error_last()->message);

    /* The build ID, under a debug directory. */
    snprintf(dir, sizeof dir, "%s/dbg", tmp);
    ck_assert_int_eq(sh("id=$(readelf -n %s | sed -n 's/.*Build ID: //p') && "
                        "mkdir -p %s/.build-id/$(echo $id | cut -c1-2) && "
                        "objcopy --only-keep-debug %s "
                        "%s/.build-id/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-).debug && "
                        "objcopy --strip-debug %s %s.noid",
                        full, dir, full, dir, full, strip),
                     0);
    snprintf(lib, sizeof lib, "%s.noid", strip);
    o.debug_dirs = dirs;
    o.ndebug_dirs = 1;
    ck_assert_int_eq(align_binary_open_opts(&b, lib, &o), 0);
    info = align_binary_info_get(b);
    ck_assert_msg(info->debug_file && strstr(info->debug_file, "/.build-id/"), "%s",
                  info->debug_file ? info->debug_file : "(null)");
    ck_assert_uint_eq(info->ntypes, align_binary_info_get(ref)->ntypes);
    align_binary_free(b);
    align_binary_free(ref);
    o.debug_dirs = NULL;
    o.ndebug_dirs = 0;

    /* An archive: two objects and a text member; then one unit left out. */
    write_file(tmp, "in_a.c", inputs_a);
    write_file(tmp, "in_b.c", inputs_b);
    write_file(tmp, "in_note.txt", "not an object\n");
    snprintf(lib, sizeof lib, "%s/libin.a", tmp);
    ck_assert_int_eq(sh("cd %s && gcc -g -c in_a.c && gcc -g -c in_b.c && "
                        "ar rcs libin.a in_a.o in_note.txt in_b.o",
                        tmp),
                     0);
    ck_assert_int_eq(align_binary_open_opts(&b, lib, &o), 0);
    info = align_binary_info_get(b);
    ck_assert_uint_eq(info->nmembers, 3);
    ck_assert_uint_eq(info->nskipped_members, 1);
    ck_assert_str_eq(info->skipped_member, "in_note.txt: not an ELF object");
    ck_assert_uint_eq(info->ncus, 2);
    ck_assert_uint_eq(info->ntypes, 2);
    ck_assert_ptr_nonnull(find_decl(align_binary_graph(b, ALIGN_LANG_C), "struct in_b"));
    align_binary_free(b);
    o.cu_exclude = ex;
    o.ncu_exclude = 1;
    ck_assert_int_eq(align_binary_open_opts(&b, lib, &o), 0);
    info = align_binary_info_get(b);
    ck_assert_uint_eq(info->nexcluded_cus, 1);
    ck_assert_uint_eq(info->ntypes, 1);
    align_binary_free(b);
}
END_TEST

/* ------------------------------------------------------------------ main */

int main(void)
{
    Suite *s = suite_create("dwarf");
    TCase *c = tcase_create("c"), *go = tcase_create("go"), *err = tcase_create("errors");
    const char *tmpdir = getenv("TMPDIR");

    if (!have_tool("gcc")) {
        printf("SKIP: gcc not found: the DWARF tests build their binaries with it\n");
        return 77;
    }
    snprintf(tmp, sizeof tmp, "%s/structalign-dwarf-XXXXXX", tmpdir ? tmpdir : "/tmp");
    if (mkdtemp(tmp) == NULL) {
        perror("test_dwarf: mkdtemp");
        return 99;
    }
    build_all();
    if (!c5.built || !c4.built) {
        fprintf(stderr, "test_dwarf: gcc could not build the test program\n");
        nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return 99;
    }
    if (have_go && !go_amd64.built) {
        fprintf(stderr, "test_dwarf: go build failed (see %s/go-amd64.log)\n", tmp);
        return 99;
    }

    tcase_set_timeout(c, 120);
    tcase_set_timeout(go, 120);
    tcase_add_test(c, c_dwarf5_layouts);
    tcase_add_test(c, c_dwarf4_layouts);
    tcase_add_test(c, c_arm64_layouts);
    tcase_add_test(c, c_386_layouts);
    tcase_add_test(c, c_arm_layouts);
    tcase_add_test(c, c_ilp32_details);
    tcase_add_test(c, c_all_decls_agree);
    tcase_add_test(c, c_details);
    tcase_add_test(c, c_broken_unit_skipped);
    tcase_add_test(c, c_corrupt_dwarf_never_crashes);
    tcase_add_test(c, c_inconsistent_members);
    tcase_add_test(c, c_separate_inputs);
    tcase_add_test(go, go_amd64_layouts);
    tcase_add_test(go, go_arm64_layouts);
    tcase_add_test(go, go_all_decls_agree);
    tcase_add_test(go, go_details);
    tcase_add_test(go, go_funcs_and_join_errors);
    tcase_add_test(go, line_tables_raw_as_libdwarf);
    tcase_add_test(go, go_raw_functions_as_libdwarf);
    tcase_add_test(go, go_raw_crafted_as_libdwarf);
    tcase_add_test(go, sections_read_once);
    tcase_add_test(go, compressed_sections_as_libdwarf);
    tcase_add_test(err, errors);
    suite_add_tcase(s, c);
    suite_add_tcase(s, go);
    suite_add_tcase(s, err);
    int rc = run_suite(s);
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != EXIT_SUCCESS)
        return rc;
    if (missing[0] != '\0') {
        printf("SKIP: not found: %s; those checks did not run\n", missing);
        return 77;
    }
    return EXIT_SUCCESS;
}
