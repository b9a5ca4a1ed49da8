/*
 * test_decl_go.c - Check suite for the Go declaration parser (decl_go.c).
 *
 * Where the numbers come from: every size, alignment, offset and pointer-
 * bytes value asserted here was printed by the Go compiler, never by this
 * library.  GO_SOURCE is a complete Go program; its main prints go_truth.
 * It was run with go1.19.8 on linux/amd64 and, built with GOARCH=arm64, under
 * qemu-aarch64; both printed the same table.  To check again:
 *
 *     write GO_SOURCE to truth.go
 *     GO111MODULE=off go run truth.go
 *     GOARCH=arm64 GO111MODULE=off go build -o t truth.go && qemu-aarch64 ./t
 *
 * ptrdata is the runtime's rtype.ptrdata, read through reflect as the program
 * shows.  The same text is also the parser's "whole Go file" input: package,
 * imports, funcs with bodies, a method, a var block, string and duration
 * consts are all skipped.  The stdlib table (stdlib_truth) was printed the
 * same way by a program calling show() on each type.  Error cases assert the
 * code, position and message.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libalign.h"

#include "suite.h"

static const char GO_SOURCE[] =
    "package main\n"
    "\n"
    "import (\n"
    "\t\"context\"\n"
    "\t\"fmt\"\n"
    "\t\"reflect\"\n"
    "\t\"sync\"\n"
    "\t\"sync/atomic\"\n"
    "\t\"time\"\n"
    "\t\"unsafe\"\n"
    ")\n"
    "\n"
    "func ptrdata(t reflect.Type) uintptr {\n"
    "\ttype iface struct{ tab, data unsafe.Pointer }\n"
    "\tp := (*iface)(unsafe.Pointer(&t)).data\n"
    "\treturn *(*uintptr)(unsafe.Add(p, unsafe.Sizeof(uintptr(0))))\n"
    "}\n"
    "\n"
    "type BadStruct struct {\n"
    "\tFlag    bool\n"
    "\tCounter int64\n"
    "\tActive  bool\n"
    "}\n"
    "type ZeroTail struct {\n"
    "\tA int32\n"
    "\tB struct{}\n"
    "}\n"
    "type ZeroHead struct {\n"
    "\tB struct{}\n"
    "\tA int32\n"
    "}\n"
    "type ZeroOnly struct{ A struct{} }\n"
    "type ZeroArr struct {\n"
    "\tA [0]int64\n"
    "\tB bool\n"
    "}\n"
    "type Cplx64 struct {\n"
    "\tA bool\n"
    "\tC complex64\n"
    "}\n"
    "type Cplx struct {\n"
    "\tA bool\n"
    "\tC complex64\n"
    "\tD complex128\n"
    "}\n"
    "type Refs struct {\n"
    "\tS string\n"
    "\tB []byte\n"
    "\tI interface{}\n"
    "\tE error\n"
    "\tM map[string][]int\n"
    "\tC chan int\n"
    "\tR <-chan int\n"
    "\tW chan<- int\n"
    "\tF func(int) error\n"
    "\tP *int\n"
    "\tU unsafe.Pointer\n"
    "\tA any\n"
    "\tN int64\n"
    "}\n"
    "type Pair struct {\n"
    "\tA int32\n"
    "\tB bool\n"
    "}\n"
    "type Arr struct {\n"
    "\tP [3]Pair\n"
    "\tX bool\n"
    "\tQ [2]*int\n"
    "\tR [2]string\n"
    "\tT int8\n"
    "}\n"
    "type Base struct {\n"
    "\tID   int64\n"
    "\tName string\n"
    "}\n"
    "type Node struct {\n"
    "\tNext *Node\n"
    "\tVal  int\n"
    "}\n"
    "type Emb struct {\n"
    "\tBase\n"
    "\t*Node\n"
    "\tsync.Mutex\n"
    "\t*time.Location\n"
    "\tFlag bool `json:\"flag\"`\n"
    "}\n"
    "\n"
    "const (\n"
    "\tKB = 1 << 10\n"
    "\tN  = 4\n"
    "\tM  = N*2 + 1\n"
    ")\n"
    "const (\n"
    "\tA0 = iota * 2\n"
    "\tA1\n"
    "\tA2\n"
    "\tA3\n"
    ")\n"
    "const (\n"
    "\t_ = iota\n"
    "\tB1\n"
    "\tB2, B3 = iota * 10, iota + 100\n"
    "\tB4, B5\n"
    ")\n"
    "\n"
    "type Consts struct {\n"
    "\tBuf [N]byte\n"
    "\tWs  [M]int16\n"
    "\tX   [A3]int32\n"
    "\tY   [KB / 256 % 3]uint64\n"
    "\tZ   [N*2 - (1<<2)&^1 + ^-4]int8\n"
    "\tL   [Later]byte\n"
    "\tQ   [B4 + B5 - B1]uint8\n"
    "\tT   [int(Typed)]byte\n"
    "\tP   [2 + 3*4 - 8>>1]uint64\n"
    "}\n"
    "\n"
    "const Later = 3\n"
    "const Typed uint8 = 5\n"
    "\n"
    "type List struct {\n"
    "\tHead *Item\n"
    "\tTail Item\n"
    "\tN    int\n"
    "}\n"
    "type Item struct {\n"
    "\tV    int32\n"
    "\tNext *Item\n"
    "}\n"
    "type Meters = int64\n"
    "type P2 = Pair\n"
    "type Celsius float32\n"
    "type Temps Pair\n"
    "type WithAlias struct {\n"
    "\tM Meters\n"
    "\tP P2\n"
    "\tC Celsius\n"
    "\tB bool\n"
    "}\n"
    "type Std struct {\n"
    "\tmu   sync.Mutex\n"
    "\tflag bool\n"
    "\trw   sync.RWMutex\n"
    "\twg   sync.WaitGroup\n"
    "\tonce sync.Once\n"
    "\tt    time.Time\n"
    "\td    time.Duration\n"
    "\ti32  atomic.Int32\n"
    "\ti64  atomic.Int64\n"
    "\tu64  atomic.Uint64\n"
    "\tu32  atomic.Uint32\n"
    "\tb    atomic.Bool\n"
    "\tv    atomic.Value\n"
    "\tp    atomic.Pointer[Node]\n"
    "\tctx  context.Context\n"
    "\tlast bool\n"
    "}\n"
    "type GList[T any] struct{ items []T }\n"
    "type Number interface{ ~int | ~float64 }\n"
    "type GPair[K comparable, V any] struct {\n"
    "\tk K\n"
    "\tv V\n"
    "}\n"
    "type AnonAlias = struct {\n"
    "\tA bool\n"
    "\tB int64\n"
    "}\n"
    "\n"
    "const Big = 2e1\n"
    "\n"
    "type Misc struct {\n"
    "\tF [Big]byte\n"
    "\tR ['b' - 'a']int16\n"
    "\tH Handler\n"
    "\tC chan struct{}\n"
    "\tI interface {\n"
    "\t\tRead(p []byte) (n int, err error)\n"
    "\t}\n"
    "\tM  map[Pair][2]*Node\n"
    "\tS  []*sync.Mutex\n"
    "\tA  [2][3]atomic.Int32\n"
    "\tU8 uint8\n"
    "}\n"
    "type Blank struct {\n"
    "\tA int32\n"
    "\t_ [4]byte\n"
    "\tB int64\n"
    "\t_ int32\n"
    "}\n"
    "type Tagged struct {\n"
    "\tX, Y int16  `note:\"pair\"`\n"
    "\tName string `json:\"name\"` // a comment\n"
    "}\n"
    "type Handler func(ctx context.Context, n *Node) (bool, error)\n"
    "type UsesGeneric struct {\n"
    "\tL *GList[int]\n"
    "\tA int8\n"
    "}\n"
    "type Deep struct {\n"
    "\tA struct {\n"
    "\t\tB struct {\n"
    "\t\t\tC [2]struct {\n"
    "\t\t\t\tD int16\n"
    "\t\t\t\tE *int\n"
    "\t\t\t}\n"
    "\t\t\tF bool\n"
    "\t\t}\n"
    "\t}\n"
    "\tG func() func() int\n"
    "}\n"
    "\n"
    "func show(name string, v any) {\n"
    "\tt := reflect.TypeOf(v)\n"
    "\tfmt.Printf(\"{\\\"%s\\\", %d, %d, %d, \\\"\", name, t.Size(), t.Align(), ptrdata(t))\n"
    "\tfor i := 0; i < t.NumField(); i++ {\n"
    "\t\tif i > 0 {\n"
    "\t\t\tfmt.Print(\",\")\n"
    "\t\t}\n"
    "\t\tfmt.Print(t.Field(i).Offset)\n"
    "\t}\n"
    "\tfmt.Println(\"\\\"},\")\n"
    "}\n"
    "\n"
    "// Not types: the parser skips these.\n"
    "var (\n"
    "\t_     = struct{ a int }{1}\n"
    "\tnames = map[string]int{\"}\": 1, `{`: 2}\n"
    "\tf     = func() complex128 { return 2i + 0x1p-3 }\n"
    ")\n"
    "\n"
    "const greeting = \"hi\"\n"
    "const timeout = 5 * time.Second\n"
    "\n"
    "func (n *Node) String() string {\n"
    "\tif n == nil {\n"
    "\t\treturn \"{\"\n"
    "\t}\n"
    "\treturn fmt.Sprint(n.Val, '}', f(), names)\n"
    "}\n"
    "\n"
    "func main() {\n"
    "\tshow(\"BadStruct\", BadStruct{})\n"
    "\tshow(\"ZeroTail\", ZeroTail{})\n"
    "\tshow(\"ZeroHead\", ZeroHead{})\n"
    "\tshow(\"ZeroOnly\", ZeroOnly{})\n"
    "\tshow(\"ZeroArr\", ZeroArr{})\n"
    "\tshow(\"Cplx64\", Cplx64{})\n"
    "\tshow(\"Cplx\", Cplx{})\n"
    "\tshow(\"Refs\", Refs{})\n"
    "\tshow(\"Pair\", Pair{})\n"
    "\tshow(\"Arr\", Arr{})\n"
    "\tshow(\"Base\", Base{})\n"
    "\tshow(\"Node\", Node{})\n"
    "\tshow(\"Emb\", Emb{})\n"
    "\tshow(\"Consts\", Consts{})\n"
    "\tshow(\"List\", List{})\n"
    "\tshow(\"Item\", Item{})\n"
    "\tshow(\"Temps\", Temps{})\n"
    "\tshow(\"WithAlias\", WithAlias{})\n"
    "\tshow(\"AnonAlias\", AnonAlias{})\n"
    "\tshow(\"Std\", Std{})\n"
    "\tshow(\"UsesGeneric\", UsesGeneric{})\n"
    "\tshow(\"Deep\", Deep{})\n"
    "\tshow(\"Misc\", Misc{})\n"
    "\tshow(\"Blank\", Blank{})\n"
    "\tshow(\"Tagged\", Tagged{})\n"
    "\tfmt.Println(greeting, timeout)\n"
    "}\n";

/* Printed by GO_SOURCE's main (go1.19.8, amd64 and arm64 alike): name,
 * size, align, ptrdata, field offsets. */
static const struct truth {
    const char *name;
    uint64_t size;
    uint32_t align;
    uint64_t ptrdata;
    const char *offsets;
} go_truth[] = {
    {"BadStruct", 24, 8, 0, "0,8,16"},
    {"ZeroTail", 8, 4, 0, "0,4"},
    {"ZeroHead", 4, 4, 0, "0,0"},
    {"ZeroOnly", 0, 1, 0, "0"},
    {"ZeroArr", 8, 8, 0, "0,0"},
    {"Cplx64", 12, 4, 0, "0,4"},
    {"Cplx", 32, 8, 0, "0,4,16"},
    {"Refs", 152, 8, 144, "0,16,40,56,72,80,88,96,104,112,120,128,144"},
    {"Pair", 8, 4, 0, "0,4"},
    {"Arr", 88, 8, 72, "0,24,32,48,80"},
    {"Base", 24, 8, 16, "0,8"},
    {"Node", 16, 8, 8, "0,8"},
    {"Emb", 56, 8, 48, "0,24,32,40,48"},
    {"Consts", 288, 8, 0, "0,4,24,48,56,63,66,198,208"},
    {"List", 32, 8, 24, "0,8,24"},
    {"Item", 16, 8, 16, "0,8"},
    {"Temps", 8, 4, 0, "0,4"},
    {"WithAlias", 24, 8, 0, "0,8,16,20"},
    {"AnonAlias", 16, 8, 0, "0,8"},
    {"Std", 184, 8, 176, "0,8,12,40,56,72,96,104,112,120,128,132,136,152,160,176"},
    {"UsesGeneric", 16, 8, 8, "0,8"},
    {"Deep", 48, 8, 48, "0,40"},
    {"Misc", 120, 8, 72, "0,20,24,32,40,56,64,88,112"},
    {"Blank", 24, 8, 0, "0,4,8,16"},
    {"Tagged", 24, 8, 16, "0,2,8"},
};

#define NTRUTH (sizeof go_truth / sizeof go_truth[0])

static const struct truth *truth_of(const char *name)
{
    for (size_t i = 0; i < NTRUTH; i++)
        if (strcmp(go_truth[i].name, name) == 0)
            return &go_truth[i];
    ck_abort_msg("no Go truth for %s", name);
    return NULL;
}

/* ------------------------------------------------------------- helpers */

static int parse(align_graph **g, const char *src, size_t len)
{
    ck_assert_int_eq(align_graph_new(g, ALIGN_LANG_GO, ALIGN_ARCH_AMD64), 0);
    return align_decl_parse_go(*g, "test.go", src, len);
}

static align_graph *parse_ok(const char *src)
{
    align_graph *g;
    int rc = parse(&g, src, strlen(src));
    const align_error *e = align_error_last();
    ck_assert_msg(rc == 0, "parse failed (%d) at %u:%u: %s", rc, e->line, e->col, e->message);
    return g;
}

/* Parses src, which must fail with code at line:col with a message that
 * contains msg; returns the error record. */
static const align_error *parse_fails(const char *src, int code, unsigned line, unsigned col,
                                      const char *msg)
{
    align_graph *g;
    int rc = parse(&g, src, strlen(src));
    const align_error *e = align_error_last();
    align_graph_free(g);
    ck_assert_msg(rc == code, "expected %d, got %d (%s) for: %s", code, rc, e->message, src);
    ck_assert_int_eq(e->code, code);
    ck_assert_str_eq(e->file, "test.go");
    ck_assert_msg(e->line == line && e->col == col, "position %u:%u, expected %u:%u (%s)", e->line,
                  e->col, line, col, e->message);
    ck_assert_msg(strstr(e->message, msg) != NULL, "message \"%s\" lacks \"%s\"", e->message, msg);
    return e;
}

static align_type *decl_named(align_graph *g, const char *name)
{
    for (size_t i = 0; i < align_graph_ndecls(g); i++) {
        align_type *t = align_graph_decl(g, i);
        if (align_type_name(t) != NULL && strcmp(align_type_name(t), name) == 0)
            return t;
    }
    ck_abort_msg("%s is not a declaration", name);
    return NULL;
}

static align_layout *layout_of(align_graph *g, const char *name)
{
    align_layout *l;
    int rc = align_layout_compute(&l, g, decl_named(g, name), NULL);
    ck_assert_msg(rc == 0, "layout of %s: %s", name, align_error_last()->message);
    ck_assert_str_eq(l->name, name);
    return l;
}

/* The layout of the decl name in g against the Go compiler's numbers. */
static void check_truth(align_graph *g, const char *name, const struct truth *t)
{
    align_layout *l = layout_of(g, name);
    const char *o = t->offsets;
    ck_assert_msg(l->size == t->size, "%s: size %llu, Go says %llu", name,
                  (unsigned long long)l->size, (unsigned long long)t->size);
    ck_assert_msg(l->align == t->align, "%s: align %u, Go says %u", name, l->align, t->align);
    ck_assert_msg(l->ptrdata == t->ptrdata, "%s: ptrdata %llu, Go says %llu", name,
                  (unsigned long long)l->ptrdata, (unsigned long long)t->ptrdata);
    for (size_t i = 0; i < l->nmembers; i++) {
        char *end;
        unsigned long long off = strtoull(o, &end, 10);
        ck_assert_msg(end != o, "%s: more members than Go has", name);
        ck_assert_msg(l->members[i].offset == off, "%s.%s: offset %llu, Go says %llu", name,
                      l->members[i].name, (unsigned long long)l->members[i].offset, off);
        o = *end == ',' ? end + 1 : end;
    }
    ck_assert_msg(*o == '\0', "%s: fewer members than Go has", name);
    align_layout_free(l);
}

static const align_member *member(const align_layout *l, const char *name)
{
    for (size_t i = 0; i < l->nmembers; i++)
        if (strcmp(l->members[i].name, name) == 0)
            return &l->members[i];
    ck_abort_msg("%s has no member %s", l->name, name);
    return NULL;
}

/* -------------------------------------------------- layouts vs. the compiler */

START_TEST(whole_file_matches_go)
{
    static const align_arch arches[] = {ALIGN_ARCH_AMD64, ALIGN_ARCH_ARM64};
    align_graph *g = parse_ok(GO_SOURCE);
    /* Every top-level struct (and Temps, a defined type over one; AnonAlias,
     * an alias of a struct literal) is a decl; generics and the local
     * struct literals in var and func bodies are not. */
    ck_assert_uint_eq(align_graph_ndecls(g), NTRUTH);
    ck_assert_str_eq(align_type_name(align_graph_decl(g, 0)), "BadStruct");
    for (size_t a = 0; a < 2; a++) {
        ck_assert_int_eq(align_graph_set_arch(g, arches[a]), 0);
        for (size_t i = 0; i < NTRUTH; i++)
            check_truth(g, go_truth[i].name, &go_truth[i]);
    }
    align_graph_free(g);
}
END_TEST

START_TEST(bad_struct_padding)
{
    align_graph *g = parse_ok("type BadStruct struct {\n"
                              "\tFlag    bool\n"
                              "\tCounter int64\n"
                              "\tActive  bool\n"
                              "}\n");
    align_layout *l;
    check_truth(g, "BadStruct", truth_of("BadStruct"));
    l = layout_of(g, "BadStruct");
    /* From Go's offsets 0, 8, 16 and size 24: bytes 1-7 and 17-23 unused. */
    ck_assert_uint_eq(l->nholes, 1);
    ck_assert_uint_eq(l->holes[0].offset, 1);
    ck_assert_uint_eq(l->holes[0].size, 7);
    ck_assert_uint_eq(l->tail_padding, 7);
    ck_assert_uint_eq(l->padding, 14);
    ck_assert_uint_eq(l->sum_members, 10);
    ck_assert_str_eq(l->members[1].name, "Counter");
    ck_assert_str_eq(l->members[1].type_name, "int64");
    ck_assert_str_eq(l->members[1].decl_text, "Counter int64");
    ck_assert_int_eq(align_type_kind(l->type), ALIGN_KIND_STRUCT);
    ck_assert_uint_eq(align_type_pos(l->type).line, 1);
    ck_assert_uint_eq(align_type_pos(l->type).col, 6);
    ck_assert_str_eq(align_type_pos(l->type).file, "test.go");
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

START_TEST(zero_size_final_field)
{
    align_graph *g = parse_ok("type ZeroTail struct { A int32; B struct{} }\n"
                              "type ZeroHead struct { B struct{}; A int32 }\n"
                              "type ZeroOnly struct { A struct{} }\n"
                              "type ZeroArr struct { A [0]int64; B bool }\n");
    check_truth(g, "ZeroTail", truth_of("ZeroTail"));
    check_truth(g, "ZeroHead", truth_of("ZeroHead"));
    check_truth(g, "ZeroOnly", truth_of("ZeroOnly"));
    check_truth(g, "ZeroArr", truth_of("ZeroArr"));
    align_graph_free(g);
}
END_TEST

START_TEST(complex64_aligns_to_4)
{
    align_graph *g = parse_ok("type Cplx64 struct { A bool; C complex64 }\n"
                              "type Cplx struct { A bool; C complex64; D complex128 }");
    check_truth(g, "Cplx64", truth_of("Cplx64"));
    check_truth(g, "Cplx", truth_of("Cplx"));
    align_graph_free(g);
}
END_TEST

/* Slices, maps, chans, funcs and interfaces: one unnamed node per use whose
 * target is the primitive and whose display is the type as written. */
START_TEST(reference_types_display_as_written)
{
    static const struct {
        const char *field, *display;
        align_prim prim;
    } want[] = {
        {"S", "string", ALIGN_GO_STRING},
        {"B", "[]byte", ALIGN_GO_SLICE},
        {"I", "interface{}", ALIGN_GO_IFACE},
        {"E", "error", ALIGN_GO_IFACE},
        {"M", "map[string][]int", ALIGN_GO_MAP},
        {"C", "chan int", ALIGN_GO_CHAN},
        {"R", "<-chan int", ALIGN_GO_CHAN},
        {"W", "chan<- int", ALIGN_GO_CHAN},
        {"F", "func(int) error", ALIGN_GO_FUNC},
        {"U", "unsafe.Pointer", ALIGN_GO_UNSAFE_POINTER},
        {"A", "any", ALIGN_GO_IFACE},
        {"N", "int64", ALIGN_GO_INT64},
    };
    align_graph *g = parse_ok(GO_SOURCE);
    align_layout *l = layout_of(g, "Refs");
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const align_member *m = member(l, want[i].field);
        const align_type *r = align_type_resolve(m->type);
        ck_assert_str_eq(m->type_name, want[i].display);
        ck_assert_int_eq(align_type_kind(r), ALIGN_KIND_PRIM);
        ck_assert_int_eq(align_type_prim_id(r), want[i].prim);
        if (align_type_kind(m->type) == ALIGN_KIND_NAMED)
            ck_assert_ptr_null(align_type_name(m->type)); /* not a defined type */
    }
    ck_assert_str_eq(member(l, "P")->type_name, "*int");
    ck_assert_int_eq(align_type_kind(member(l, "P")->type), ALIGN_KIND_POINTER);
    align_layout_free(l);
    l = layout_of(g, "Misc");
    ck_assert_str_eq(member(l, "F")->type_name, "[Big]byte");
    ck_assert_str_eq(member(l, "I")->type_name, "interface { Read(p []byte) (n int, err error) }");
    ck_assert_str_eq(member(l, "M")->type_name, "map[Pair][2]*Node");
    ck_assert_str_eq(member(l, "C")->type_name, "chan struct{}");
    ck_assert_str_eq(member(l, "S")->type_name, "[]*sync.Mutex");
    ck_assert_str_eq(member(l, "A")->type_name, "[2][3]atomic.Int32");
    /* A defined func type keeps its name; its layout is the func word. */
    ck_assert_str_eq(member(l, "H")->type_name, "Handler");
    ck_assert_int_eq(align_type_prim_id(align_type_resolve(member(l, "H")->type)), ALIGN_GO_FUNC);
    align_layout_free(l);
    l = layout_of(g, "Deep");
    ck_assert_str_eq(member(l, "A")->type_name,
                     "struct { B struct { C [2]struct { D int16; E *int }; F bool } }");
    ck_assert_str_eq(member(l, "G")->type_name, "func() func() int");
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

START_TEST(field_forms)
{
    align_graph *g = parse_ok(GO_SOURCE);
    align_layout *l = layout_of(g, "Emb");
    static const char *const names[] = {"Base", "Node", "Mutex", "Location", "Flag"};
    static const char *const texts[] = {"Base", "*Node", "sync.Mutex", "*time.Location",
                                        "Flag bool `json:\"flag\"`"};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_str_eq(l->members[i].name, names[i]);
        ck_assert_str_eq(l->members[i].decl_text, texts[i]);
        ck_assert_int_eq((l->members[i].flags & ALIGN_MEMBER_EMBEDDED) != 0, i < 4);
    }
    align_layout_free(l);
    /* `X, Y int16 tag` is two fields, each with the tag; comments dropped. */
    l = layout_of(g, "Tagged");
    ck_assert_str_eq(l->members[0].decl_text, "X int16 `note:\"pair\"`");
    ck_assert_str_eq(l->members[1].decl_text, "Y int16 `note:\"pair\"`");
    ck_assert_str_eq(l->members[2].decl_text, "Name string `json:\"name\"`");
    align_layout_free(l);
    /* Blank fields may repeat and are intentional padding: 4 + 4 bytes, from
     * Go's offsets for Blank (A 0, _ 4, B 8, _ 16, size 24). */
    l = layout_of(g, "Blank");
    ck_assert_uint_eq(l->members[1].flags & ALIGN_MEMBER_BLANK, ALIGN_MEMBER_BLANK);
    ck_assert_uint_eq(l->intentional_padding, 8);
    align_layout_free(l);
    align_graph_free(g);
    /* Semicolons, comments anywhere, a struct spanning lines in a group. */
    g = parse_ok("type (\n  P /* c */ struct { A int32; /* c */ B bool }; Q struct {\n"
                 "  X, Y int32 // c\n  Z struct {\n    A int32\n    B bool\n  }\n})");
    check_truth(g, "P", truth_of("Pair"));
    l = layout_of(g, "Q");
    ck_assert_str_eq(l->members[2].decl_text, "Z struct { A int32; B bool }");
    /* go1.19.8 printed Sizeof 16 and Offsetof(Z) 8 for this Q. */
    ck_assert_uint_eq(l->size, 16);
    ck_assert_uint_eq(l->members[2].offset, 8);
    align_layout_free(l);
    align_graph_free(g);
}
END_TEST

START_TEST(consts_as_array_lengths)
{
    /* Consts: KB/256%3 = 1, N*2-(1<<2)&^1+^-4 = 7, B4+B5-B1 = 132 (iota and
     * implicit repetition), Later declared after use, int(Typed), and
     * 2+3*4-8>>1 = 10 (precedence): all as Go placed them.  Misc: a float
     * const 2e1 and a rune difference. */
    align_graph *g = parse_ok(GO_SOURCE);
    check_truth(g, "Consts", truth_of("Consts"));
    check_truth(g, "Misc", truth_of("Misc"));
    align_graph_free(g);
}
END_TEST

START_TEST(forward_references_and_aliases)
{
    align_graph *g = parse_ok(GO_SOURCE);
    align_layout *l;
    check_truth(g, "List", truth_of("List")); /* uses Item before its declaration */
    l = layout_of(g, "WithAlias");
    ck_assert_str_eq(member(l, "M")->type_name, "Meters"); /* alias of int64 */
    ck_assert_str_eq(member(l, "M")->decl_text, "M Meters");
    ck_assert_int_eq(align_type_prim_id(align_type_resolve(member(l, "M")->type)), ALIGN_GO_INT64);
    ck_assert_str_eq(member(l, "P")->type_name, "P2");
    ck_assert_str_eq(member(l, "C")->type_name, "Celsius"); /* defined type */
    align_layout_free(l);
    /* The name of an alias is bound to the aliased type itself. */
    ck_assert_ptr_eq(align_graph_lookup(g, "P2"), align_graph_lookup(g, "Pair"));
    ck_assert_ptr_eq(align_graph_lookup(g, "Meters"), align_type_prim(g, ALIGN_GO_INT64));
    /* type Temps Pair: a decl of its own, a named type over Pair's struct. */
    ck_assert_int_eq(align_type_kind(decl_named(g, "Temps")), ALIGN_KIND_NAMED);
    ck_assert_int_eq(align_type_kind(decl_named(g, "AnonAlias")), ALIGN_KIND_STRUCT);
    ck_assert_int_eq(align_type_kind(align_graph_lookup(g, "Item")), ALIGN_KIND_STRUCT);
    align_graph_free(g);
    /* A defined type declared before the struct it names; forward chains. */
    g = parse_ok("type T2 T1\ntype S struct { A *Later; B T2 }\ntype T1 Pair\n"
                 "type Later struct{ x int }\ntype Pair struct { A int32; B bool }");
    check_truth(g, "T2", truth_of("Pair"));
    ck_assert_uint_eq(align_graph_ndecls(g), 5);
    ck_assert_str_eq(align_type_name(align_graph_decl(g, 0)), "T2");
    align_graph_free(g);
    /* An alias used before its declaration: laid out like Pair. */
    g = parse_ok("type FA struct { A int32; B Flag }\ntype Flag = Bool\ntype Bool = bool");
    check_truth(g, "FA", truth_of("Pair"));
    align_graph_free(g);
}
END_TEST

START_TEST(generics_are_skipped)
{
    align_graph *g = parse_ok(GO_SOURCE);
    align_layout *l = layout_of(g, "UsesGeneric");
    ck_assert_ptr_null(align_graph_lookup(g, "GList"));
    ck_assert_ptr_null(align_graph_lookup(g, "GPair"));
    ck_assert_str_eq(l->members[0].type_name, "*GList[int]");
    align_layout_free(l);
    align_graph_free(g);
    /* An instantiation used by value cannot be laid out, in either order. */
    parse_fails("type L[T any] struct{ x T }\ntype S struct { A L[int] }", ALIGN_EUNKNOWN, 2, 19,
                "generic type L cannot be laid out");
    parse_fails("type S struct {\n\tA L[int]\n}\ntype L[T any] struct{ x T }", ALIGN_EUNKNOWN, 2, 4,
                "generic type L");
    parse_fails("type S struct { L[int] }\ntype L[T any] struct{ x T }", ALIGN_EUNKNOWN, 1, 17,
                "generic type L");
}
END_TEST

/* Printed by go1.19.8 (amd64 and arm64 alike) for `type S struct{ X T }`
 * with each T below and `type Node struct{}`: size, alignment and reflect's
 * ptrdata of S. */
static const struct {
    const char *type;
    uint64_t size;
    uint32_t align;
    uint64_t ptrdata;
} stdlib_truth[] = {
    {"sync.Mutex", 8, 4, 0},
    {"sync.RWMutex", 24, 4, 0},
    {"sync.WaitGroup", 16, 8, 0},
    {"sync.Once", 12, 4, 0},
    {"time.Time", 24, 8, 24},
    {"time.Duration", 8, 8, 0},
    {"atomic.Int32", 4, 4, 0},
    {"atomic.Int64", 8, 8, 0},
    {"atomic.Uint32", 4, 4, 0},
    {"atomic.Uint64", 8, 8, 0},
    {"atomic.Bool", 4, 4, 0},
    {"atomic.Value", 16, 8, 16},
    {"atomic.Pointer[Node]", 8, 8, 8},
    {"context.Context", 16, 8, 16},
    /* Printed by the same show() with go1.19.8, amd64 and arm64 (qemu). */
    {"io.Reader", 16, 8, 16},
    {"net.Conn", 16, 8, 16},
    {"reflect.Type", 16, 8, 16},
    {"fs.FileMode", 4, 4, 0},
    {"reflect.Kind", 8, 8, 0},
    {"reflect.Value", 24, 8, 16},
};

START_TEST(stdlib_types)
{
    for (size_t i = 0; i < sizeof stdlib_truth / sizeof stdlib_truth[0]; i++) {
        char src[200];
        align_graph *g;
        align_layout *l;
        snprintf(src, sizeof src, "type Node struct{}\ntype S struct { X %s }",
                 stdlib_truth[i].type);
        g = parse_ok(src);
        for (int a = 0; a < 2; a++) {
            ck_assert_int_eq(align_graph_set_arch(g, a ? ALIGN_ARCH_ARM64 : ALIGN_ARCH_AMD64), 0);
            l = layout_of(g, "S");
            ck_assert_msg(l->size == stdlib_truth[i].size && l->align == stdlib_truth[i].align &&
                              l->ptrdata == stdlib_truth[i].ptrdata,
                          "%s: %llu/%u/%llu", stdlib_truth[i].type, (unsigned long long)l->size,
                          l->align, (unsigned long long)l->ptrdata);
            ck_assert_str_eq(l->members[0].type_name, stdlib_truth[i].type);
            align_layout_free(l);
        }
        align_graph_free(g);
    }
    /* Every table entry at once, by offset, as Go placed them. */
    {
        align_graph *g = parse_ok(GO_SOURCE);
        check_truth(g, "Std", truth_of("Std"));
        align_graph_free(g);
    }
}
END_TEST

START_TEST(several_inputs_one_graph)
{
    align_graph *g;
    ck_assert_int_eq(parse(&g, "type P struct { A int32 }", 25), 0);
    ck_assert_int_eq(align_decl_parse_go(g, "b.go", "type Q struct { P P; B bool }", 29), 0);
    check_truth(g, "Q", truth_of("Pair"));
    ck_assert_int_eq(align_decl_parse_go(g, "c.go", "type P struct{}", 15), ALIGN_ESYNTAX);
    ck_assert_str_eq(align_error_last()->file, "c.go");
    align_graph_free(g);
}
END_TEST

/* ------------------------------------------------------------------ errors */

START_TEST(syntax_errors)
{
    parse_fails("type T struct {\n\tA int foo\n}", ALIGN_ESYNTAX, 2, 8,
                "expected '}' after field list, found 'foo'");
    parse_fails("type T struct A int", ALIGN_ESYNTAX, 1, 15, "expected '{' after struct");
    parse_fails("type T struct {\n\tA int\n", ALIGN_ESYNTAX, 3, 1,
                "expected '}' to close the struct at 1:15, found end of input");
    parse_fails("type T struct { A map[string }", ALIGN_ESYNTAX, 1, 30,
                "expected ']' after map key type, found '}'");
    parse_fails("type T struct { struct{ a int } }", ALIGN_ESYNTAX, 1, 17,
                "expected field name or embedded type, found 'struct'");
    parse_fails("x := 5", ALIGN_ESYNTAX, 1, 1, "expected declaration");
    parse_fails("type T struct { A func }", ALIGN_ESYNTAX, 1, 24, "expected '(' after func");
    parse_fails("type T struct { A int }\nfunc f() {", ALIGN_ESYNTAX, 2, 10,
                "'{' is not closed before the end of input");
    parse_fails("type T struct { A 5 }", ALIGN_ESYNTAX, 1, 19, "expected type, found '5'");
    parse_fails("type T struct { *T int }", ALIGN_ESYNTAX, 1, 20,
                "expected '}' after field list, found 'int'");
    parse_fails("const (\n\tA int\n\tB\n)\ntype T struct{}", ALIGN_ESYNTAX, 2, 2,
                "missing init expression");
}
END_TEST

START_TEST(unknown_types)
{
    const align_error *e =
        parse_fails("type T struct {\n\tA Foo\n}", ALIGN_EUNKNOWN, 2, 4, "undefined type Foo");
    ck_assert_str_eq(e->hint, "declare it in the input, or replace it with a type of the "
                              "same size");
    e = parse_fails("type T struct { B *Foo }", ALIGN_EUNKNOWN, 1, 20, "undefined type Foo");
    ck_assert_ptr_nonnull(strstr(e->hint, "type Foo struct{}"));
    e = parse_fails("type T struct { A int; B bytes.Buffer }", ALIGN_EUNKNOWN, 1, 26,
                    "unknown type bytes.Buffer");
    ck_assert_ptr_nonnull(strstr(e->hint, "declare it in the input"));
    parse_fails("type T struct { A sync.Map }", ALIGN_EUNKNOWN, 1, 19, "sync.Map");
    parse_fails("type T struct { A atomic.Pointer }", ALIGN_ESYNTAX, 1, 26,
                "atomic.Pointer needs type arguments");
    parse_fails("const N = 3\ntype T struct { A N }", ALIGN_ESYNTAX, 2, 19,
                "N is a constant, not a type");
    /* Behind a pointer, slice, map or chan an unknown package type is fine. */
    {
        align_graph *g = parse_ok("type T struct { R *http.Request; H []http.Header; "
                                  "M map[string]bytes.Buffer; C chan os.Signal; B bool }");
        align_layout *l = layout_of(g, "T");
        /* go1.19.8 printed Offsetof(B) 48 for this struct (importing net/http,
         * bytes and os). */
        ck_assert_uint_eq(l->members[4].offset, 48);
        ck_assert_str_eq(l->members[0].type_name, "*http.Request");
        align_layout_free(l);
        align_graph_free(g);
    }
}
END_TEST

START_TEST(duplicates)
{
    parse_fails("type T struct { A int }\ntype T struct { B int }", ALIGN_ESYNTAX, 2, 6,
                "T redeclared (previous declaration at 1:6)");
    parse_fails("type T struct { A int; B string; A bool }", ALIGN_ESYNTAX, 1, 34,
                "duplicate field A (previous declaration at 1:17)");
    parse_fails("type T struct { Node; Node int }\ntype Node struct{}", ALIGN_ESYNTAX, 1, 23,
                "duplicate field Node");
    parse_fails("type N struct{}\nconst N = 3", ALIGN_ESYNTAX, 2, 7, "N redeclared");
    parse_fails("const N = 3\ntype N struct{}", ALIGN_ESYNTAX, 2, 6, "N redeclared");
    parse_fails("type N = int\ntype N struct{}", ALIGN_ESYNTAX, 2, 6, "N redeclared");
}
END_TEST

START_TEST(array_length_errors)
{
    parse_fails("type T struct { A [-1]int }", ALIGN_ESYNTAX, 1, 20,
                "invalid array length -1: must not be negative");
    parse_fails("type T struct { A [99999999999999999999]int }", ALIGN_EOVERFLOW, 1, 20,
                "does not fit in 64 bits");
    parse_fails("type T struct { A [1 << 63]int }", ALIGN_EOVERFLOW, 1, 22, "overflows");
    /* Unterminated strings: a tag cut by the end of the text or the line. */
    parse_fails("type T struct { A int `json:\"a\"", ALIGN_ESYNTAX, 1, 23,
                "unterminated string literal");
    parse_fails("type T struct { A int \"tag\n}", ALIGN_ESYNTAX, 1, 23,
                "unterminated string literal");
    parse_fails("type T struct { A int \"tag\\", ALIGN_ESYNTAX, 1, 23,
                "unterminated string literal");
    parse_fails("type T struct { A [1 << 62 * 4]int }", ALIGN_EOVERFLOW, 1, 28, "overflows");
    parse_fails("const S = \"x\"\ntype T struct { A [S]int }", ALIGN_ESYNTAX, 1, 11,
                "\"x\" is not an integer constant");
    parse_fails("type T struct { A [Undef]int }", ALIGN_EUNKNOWN, 1, 20, "undefined: Undef");
    parse_fails("type T struct { A [4 / (2 - 2)]int }", ALIGN_ESYNTAX, 1, 22, "division by zero");
    parse_fails("type T struct { A [iota]int }", ALIGN_ESYNTAX, 1, 20, "iota outside");
    parse_fails("const A = B\nconst B = A\ntype T struct { X [A]int }", ALIGN_ESYNTAX, 2, 11,
                "constant A is defined in terms of itself");
    parse_fails("type T struct { A [len(\"x\")]int }", ALIGN_EUNKNOWN, 1, 20,
                "cannot evaluate len(...)");
    parse_fails("type T struct { A [unsafe.Sizeof(0)]int }", ALIGN_EUNKNOWN, 1, 20,
                "cannot evaluate unsafe.Sizeof(...)");
    parse_fails("type T struct { A [1.5]int }", ALIGN_ESYNTAX, 1, 20, "1.5 is not an integer");
    parse_fails("type T struct { A [...]int }", ALIGN_ESYNTAX, 1, 20, "[...]");
    parse_fails("const (\n\tA, B = 1\n)\ntype T struct { X [B]int }", ALIGN_ESYNTAX, 2, 5,
                "missing init expression for constant B");
    /* Too large for memory is the layout's to say (ALIGN_EOVERFLOW there);
     * go1.19.8 refuses it too: "larger than address space". */
    {
        align_graph *g = parse_ok("type T struct { A [1 << 62]int64 }");
        align_layout *l;
        ck_assert_int_eq(align_layout_compute(&l, g, decl_named(g, "T"), NULL), ALIGN_EOVERFLOW);
        align_graph_free(g);
    }
}
END_TEST

START_TEST(nothing_to_lay_out)
{
    static const char *const inputs[] = {
        "",
        "package main\n",
        "type X int\ntype Y []X",
        "package p\nfunc main() { type T struct{} }",
        "// only a comment",
        "type G[T any] struct{ x T }",
        "var x struct{ a int }",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        const align_error *e =
            parse_fails(inputs[i], ALIGN_EEMPTY, 0, 0, "no struct type declarations found");
        ck_assert_str_eq(e->hint,
                         "calc expects Go declarations like: type T struct { A int64; B bool }");
    }
}
END_TEST

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + n * ul, tail, tl + 1);
    return s;
}

START_TEST(nesting_limits)
{
    static const struct {
        const char *head, *unit, *tail;
        size_t n;
        int code;
    } cases[] = {
        {"type T struct { a ", "*", "int }", 100000, ALIGN_ELIMIT},
        {"type T struct { a ", "[]", "int }", 100000, ALIGN_ELIMIT},
        {"type T struct { a ", "map[int]", "int }", 100000, ALIGN_ELIMIT},
        {"type T struct { a ", "func() ", "}", 100000, ALIGN_ELIMIT},
        {"type T ", "struct { a ", "int", 300, ALIGN_ELIMIT},
        {"type T struct { a [", "- ", "1]int }", 100000, ALIGN_ELIMIT},
        {"type T struct { a ", "[", "", 100000, ALIGN_ESYNTAX},
        {"type T struct { a ", "struct{", "", 100000, ALIGN_ESYNTAX},
        {"type T struct { a int }\nfunc f() ", "{", "", 100000, ALIGN_ESYNTAX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *src = repeat(cases[i].head, cases[i].unit, cases[i].n, cases[i].tail);
        align_graph *g;
        int rc = parse(&g, src, strlen(src));
        ck_assert_msg(rc == cases[i].code, "case %zu: %d (%s)", i, rc, align_error_last()->message);
        align_graph_free(g);
        free(src);
    }
    /* Parentheses in an array length. */
    {
        char *open = repeat("type T struct { a [", "(", 100000, "1");
        char *src = repeat(open, ")", 100000, "]int }");
        align_graph *g;
        ck_assert_int_eq(parse(&g, src, strlen(src)), ALIGN_ELIMIT);
        ck_assert_str_eq(align_error_last()->message, "expression nested deeper than 200 levels");
        align_graph_free(g);
        free(open);
        free(src);
    }
    /* 199 nested anonymous structs (200 levels of types) are fine.  Size 8:
     * go1.19.8 prints 8 for this nesting at 5, 10 and 15 levels; past about
     * 30 levels it compiles for minutes, so 199 itself was not compiled. */
    {
        char *src = repeat("type T ", "struct { a ", 199, "int");
        char *full = repeat(src, "}", 199, "");
        align_graph *g = parse_ok(full);
        align_layout *l = layout_of(g, "T");
        ck_assert_uint_eq(l->size, 8);
        align_layout_free(l);
        align_graph_free(g);
        free(src);
        free(full);
    }
}
END_TEST

START_TEST(junk_bytes)
{
    static const unsigned char nul[] = "type T struct { A int \0 }";
    static const unsigned char esc[] = "type T struct { A int }\x1b";
    static const unsigned char high[] = "\xff\xfe\x01\x02";
    align_graph *g;
    ck_assert_int_eq(parse(&g, (const char *)nul, sizeof nul - 1), ALIGN_ESYNTAX);
    ck_assert_str_eq(align_error_last()->message, "unexpected byte 0x00");
    ck_assert_uint_eq(align_error_last()->col, 23);
    align_graph_free(g);
    ck_assert_int_eq(parse(&g, (const char *)esc, sizeof esc - 1), ALIGN_ESYNTAX);
    align_graph_free(g);
    /* Raw bytes never reach a message; invalid UTF-8 is named where it
     * starts (issue #15). */
    ck_assert_int_eq(parse(&g, (const char *)high, sizeof high - 1), ALIGN_ESYNTAX);
    ck_assert_str_eq(align_error_last()->message, "invalid UTF-8 in an identifier (byte 0xff)");
    ck_assert_uint_eq(align_error_last()->col, 1);
    align_graph_free(g);
}
END_TEST

/* Random bytes, random tokens and damaged copies of GO_SOURCE: every input
 * parses or fails with a recorded error; none crashes (run under
 * --enable-sanitizers for memory errors). */
START_TEST(fuzz_never_crashes)
{
    static const char *const toks[] = {
        "type", "struct", "{",    "}",         "[",     "]",  "(",    ")",  "*",    "map",
        "chan", "<-",     "func", "interface", "const", "=",  "iota", "1",  "A",    "b",
        ".",    ",",      ";",    "\n",        "`t`",   "_",  "<<",   "-",  "sync", "Mutex",
        "[]",   "any",    "/*",   "*/",        "//",    "\"", "'",    "0x", "..."};
    size_t srclen = strlen(GO_SOURCE);
    char *buf = malloc(srclen + 1);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    ck_assert_ptr_nonnull(buf);
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = 0;
        int mode = iter % 3;
        if (mode == 0) {
            n = (seed >> 33) % 300;
            for (size_t i = 0; i < n; i++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                buf[i] = (char)(seed >> 56);
            }
        } else if (mode == 1) {
            size_t k = (seed >> 40) % 80;
            for (size_t i = 0; i < k; i++) {
                const char *t;
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                t = toks[(seed >> 33) % (sizeof toks / sizeof toks[0])];
                if (n + strlen(t) + 1 >= srclen)
                    break;
                memcpy(buf + n, t, strlen(t));
                n += strlen(t);
                buf[n++] = ' ';
            }
        } else {
            memcpy(buf, GO_SOURCE, srclen);
            n = srclen - (seed >> 33) % (srclen / 4);
            for (int k = 0; k < 3; k++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                buf[(seed >> 33) % n] = (char)(seed >> 20);
            }
        }
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        {
            align_graph *g;
            int rc = parse(&g, buf, n);
            if (rc < 0) {
                ck_assert_int_eq(align_error_last()->code, rc);
                ck_assert_msg(align_error_last()->message[0] != '\0', "no message");
            }
            for (size_t i = 0; rc == 0 && i < align_graph_ndecls(g); i++) {
                align_layout *l = NULL;
                if (align_layout_compute(&l, g, align_graph_decl(g, i), NULL) == 0)
                    align_layout_free(l);
            }
            align_graph_free(g);
        }
    }
    free(buf);
}
END_TEST

START_TEST(needs_a_go_graph)
{
    align_graph *g;
    ck_assert_int_eq(align_graph_new(&g, ALIGN_LANG_C, ALIGN_ARCH_AMD64), 0);
    align_decl_parse_go(g, "x.go", "type T struct{}", 15); /* asserts */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decl_go");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");
    tcase_add_test(core, whole_file_matches_go);
    tcase_add_test(core, bad_struct_padding);
    tcase_add_test(core, zero_size_final_field);
    tcase_add_test(core, complex64_aligns_to_4);
    tcase_add_test(core, reference_types_display_as_written);
    tcase_add_test(core, field_forms);
    tcase_add_test(core, consts_as_array_lengths);
    tcase_add_test(core, forward_references_and_aliases);
    tcase_add_test(core, generics_are_skipped);
    tcase_add_test(core, stdlib_types);
    tcase_add_test(core, several_inputs_one_graph);
    tcase_add_test(errors, syntax_errors);
    tcase_add_test(errors, unknown_types);
    tcase_add_test(errors, duplicates);
    tcase_add_test(errors, array_length_errors);
    tcase_add_test(errors, nothing_to_lay_out);
    tcase_add_test(errors, nesting_limits);
    tcase_add_test(errors, junk_bytes);
    tcase_add_test(errors, fuzz_never_crashes);
    tcase_add_test_raise_signal(errors, needs_a_go_graph, SIGABRT);
    tcase_set_timeout(errors, 60);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return run_suite(s);
}
