/*
 * heap.c - what one Go heap object really costs: the allocator's size
 * classes and rules, per Go release.
 *
 * Who calls it: the escape join (a heap site of type T costs what mallocgc
 * reserves for sizeof T, a make([]T, n) site its backing array's), calc
 * and reports that say whether shrinking a struct crosses a class boundary
 * (48 -> 40 bytes saves nothing: both are 48-byte objects).  Inputs are
 * single sizes; every lookup is O(1).
 *
 * The rules, read in each release's src/runtime (malloc.go mallocgc and,
 * from 1.22, mallocgcSmallScanHeader, mbitmap.go heapBitsInSpan, mcache.go
 * allocLarge, slice.go makeslice, msize.go roundupsize):
 *   - size 0: every zero-size allocation returns &zerobase; nothing is used.
 *   - small objects: the size class found by the two lookup tables, exactly
 *     as mallocgc does it (size_to_class8 for sizes up to 1016,
 *     size_to_class128 above; for 1017..1024 the runtime's index
 *     divRoundUp(size-1024, 128) wraps around to 0, which is class 32, 1024
 *     bytes: we compute the same index without the wrap-around).  Small
 *     means up to 32768 bytes (maxSmallSize) in 1.19, up to 32760
 *     (maxSmallSize - mallocHeaderSize) from 1.22, for every object.
 *   - above that: allocLarge takes whole 8 KiB pages (npages = size >>
 *     _PageShift, plus one if size & _PageMask); no header (1.22+ keeps a
 *     large object's type in its span, span.largeType).
 *   - malloc headers (1.22 to 1.27 at least; GOEXPERIMENT=allocheaders,
 *     on by default): a scan (pointerful) small object whose size is over
 *     minSizeForMallocHeader = PtrSize * PtrBits bytes (512 on 64-bit
 *     targets, 128 on 386 and arm) gets an 8-byte header in front, so it
 *     takes the class of size + 8: a 1,024-byte struct holding a pointer is
 *     a 1,152-byte object, a 1,032-byte one too (on 1.19: 1,024 and 1,152).
 *     Measured with testing.Benchmark B/op by tests/heapcost.py.
 *   - noscan vs scan otherwise: makeSpanClass(sizeclass, noscan) only picks
 *     a different span list; the class and the bytes are the same.  The
 *     tiny allocator: noscan objects smaller than 16 bytes are packed into
 *     shared 16-byte blocks, each aligned to 8 if its size is a multiple of
 *     8, 8 for 12-byte objects on 32-bit targets, 4, 2 or 1 otherwise (the
 *     same in every release; 1.26's size-specialized mallocgc keeps it).
 *     align_go_alloc reports it; `bytes` keeps the class (an upper bound).
 *   - not modelled: 1.25+ Green Tea GC (per-span metadata, no per-object
 *     bytes), sanitizer builds (asan redzones), GOEXPERIMENT overrides.
 *
 * The tables are libalign/analysis/sizeclasses.h, generated from each
 * release's sizeclasses.go (src/runtime up to 1.24,
 * src/internal/runtime/gc from 1.25) and malloc sources by
 * tools/gen_sizeclasses.py, which stores each distinct table once with the
 * releases it applies to: today one table for 1.19-1.27 and two sets of
 * rules (1.19; 1.22-1.27).  tests/sizeclasses.test checks it against every
 * installed GOROOT.  Rejected: a hand-typed table (the DESIGN.md list stops
 * at "..."; a typo would be silent) and "smallest class >= size" by binary
 * search over class_to_size (equivalent for the generated tables, and
 * tests/test_heap.c proves it for every size, but using the runtime's own
 * lookup keeps us exact if a future table were not monotone in that way).
 */
#include "model/model.h"
#include "analysis/sizeclasses.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(GO_SC_MAX_SMALL_SIZE == ALIGN_GO_MAX_SMALL_SIZE, "regenerate sizeclasses.h");
_Static_assert((1u << GO_SC_PAGE_SHIFT) == ALIGN_GO_PAGE_SIZE, "regenerate sizeclasses.h");
_Static_assert(GO_SC_SMALL_SIZE_MAX % GO_SC_SMALL_SIZE_DIV == 0, "unexpected table shape");
_Static_assert(GO_SC_NRELEASES >= 1, "regenerate sizeclasses.h");

/* The largest heap object of a 64-bit runtime: maxAlloc = 1 << heapAddrBits,
 * heapAddrBits = 48 on linux/amd64 and linux/arm64 (malloc.go).  32-bit
 * targets: (1 << 32) - 1. */
#define GO_MAX_ALLOC_64 (UINT64_C(1) << 48)
#define GO_MAX_ALLOC_32 ((UINT64_C(1) << 32) - 1)

int align_go_release_parse(unsigned *release, const char *text)
{
    assert(release != NULL);
    *release = 0;
    for (const char *p = text; p != NULL && *p; p++) {
        const char *q = p;
        char *end;
        unsigned long minor;
        if (strncmp(q, "go", 2) == 0)
            q += 2;
        else if (p != text && p[-1] != ' ')
            continue; /* a bare "1.N" only at the start of a word */
        if (q[0] != '1' || q[1] != '.' || q[2] < '1' || q[2] > '9')
            continue;
        minor = strtoul(q + 2, &end, 10);
        if (minor > 1000 || (*end >= '0' && *end <= '9'))
            continue;
        *release = (unsigned)minor;
        return 0;
    }
    return error_set(ALIGN_EINVAL, NULL, 0, 0, "'%s' names no Go release (1.N, go1.N.P)",
                     text ? text : "");
}

unsigned align_go_release_oldest(void)
{
    return go_sc_releases[0].first;
}

unsigned align_go_release_newest(void)
{
    return go_sc_releases[GO_SC_NRELEASES - 1].last;
}

/* The rules for `release`: its row, else the nearest row below, else the
 * oldest; 0 means the newest. */
static const go_sc_release *release_row(unsigned release)
{
    const go_sc_release *r = &go_sc_releases[0];
    if (release == 0)
        return &go_sc_releases[GO_SC_NRELEASES - 1];
    for (size_t i = 0; i < GO_SC_NRELEASES; i++)
        if (go_sc_releases[i].first <= release)
            r = &go_sc_releases[i];
    return r;
}

int align_go_release_known(unsigned release)
{
    const go_sc_release *r = release_row(release);
    char want[16];
    const char *v = r->versions;
    size_t n;
    if (release == 0 || release < r->first || release > r->last)
        return 0;
    /* Rows cover runs: 1.22-1.27 came from each of those releases, but a
     * run only has the releases it was generated from. */
    n = (size_t)snprintf(want, sizeof want, "go1.%u", release);
    while ((v = strstr(v, want)) != NULL) {
        if (v[n] == '.' || v[n] == ' ' || v[n] == '\0')
            return 1;
        v += n;
    }
    return 0;
}

const char *align_go_size_classes_version(unsigned release)
{
    return release_row(release)->versions;
}

/* The runtime's class index in table t for 1 <= size <= maxSmallSize: the
 * smallest class whose objects hold size bytes.  The runtime reads it from
 * its size_to_class8/128 tables, which mksizeclasses.go fills with exactly
 * that class; tools/gen_sizeclasses.py refuses a release where the two ever
 * differ, so a binary search over the 68 sizes is the same function. */
static unsigned small_class_in(const go_sc_table *t, uint64_t size)
{
    unsigned lo = 1, hi = GO_SC_NUM_SIZE_CLASSES - 1;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (t->class_to_size[mid] < size)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint64_t pages_bytes(uint64_t size)
{
    uint64_t rounded;
    if (size > GO_MAX_ALLOC_64)
        return UINT64_MAX;
    if (!round_up_u64(size, ALIGN_GO_PAGE_SIZE, &rounded))
        return UINT64_MAX; /* cannot happen below 2^48 */
    return rounded;
}

uint64_t align_go_size_class(uint64_t size)
{
    if (size == 0)
        return 0;
    if (size <= GO_SC_MAX_SMALL_SIZE)
        return go_sc_tables[release_row(0)->table]
            .class_to_size[small_class_in(&go_sc_tables[release_row(0)->table], size)];
    return pages_bytes(size);
}

/* Objects of `size` bytes that one tiny block holds when allocated one after
 * another, with mallocgc's alignment of the tiny offset. */
static uint32_t tiny_per_block(uint64_t size, bool ptr4, uint64_t block)
{
    uint64_t align = 1, off = 0;
    uint32_t n = 0;
    if ((size & 7) == 0)
        align = 8;
    else if (ptr4 && size == 12)
        align = 8;
    else if ((size & 3) == 0)
        align = 4;
    else if ((size & 1) == 0)
        align = 2;
    for (;;) {
        off = (off + align - 1) & ~(align - 1);
        if (off + size > block)
            break;
        off += size;
        n++;
    }
    return n;
}

/* The largest allocation and whether pointers are 4 bytes: the word size
 * comes from the ABI tables (abi.c), not from a list of architectures. */
static int arch_max_alloc(align_arch arch, uint64_t *max_alloc, bool *ptr4)
{
    const align_abi *abi = align_abi_get(ALIGN_LANG_GO, arch);
    if (abi == NULL)
        return error_set(ALIGN_EINVAL, NULL, 0, 0, "unknown architecture %d", (int)arch);
    *ptr4 = align_abi_pointer_size(abi) == 4;
    *max_alloc = *ptr4 ? GO_MAX_ALLOC_32 : GO_MAX_ALLOC_64;
    return 0;
}

int align_go_alloc_compute(align_go_alloc *out, unsigned release, align_arch arch, uint64_t size,
                           int has_pointers)
{
    const go_sc_release *r = release_row(release);
    const go_sc_table *t = &go_sc_tables[r->table];
    uint64_t max_alloc = 0, need;
    bool ptr4 = false;
    int rc;

    assert(out != NULL);
    memset(out, 0, sizeof *out);
    rc = arch_max_alloc(arch, &max_alloc, &ptr4);
    if (rc < 0)
        return rc;
    if (size > max_alloc) {
        error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                  "a %llu-byte object is larger than the Go runtime's largest "
                  "allocation on %s (%llu bytes)",
                  (unsigned long long)size, align_arch_name(arch), (unsigned long long)max_alloc);
        return ALIGN_EOVERFLOW;
    }
    out->release = release ? release : align_go_release_newest();
    out->size = size;
    if (size == 0)
        return 0;
    if (size > r->small_limit) {
        out->bytes = pages_bytes(size);
        out->pages = out->bytes >> GO_SC_PAGE_SHIFT;
        out->waste = out->bytes - size;
        return 0;
    }
    need = size;
    /* heapBitsInSpan(size) is size <= PtrSize * PtrBits. */
    if (has_pointers && r->malloc_header != 0) {
        uint64_t ptrsize = ptr4 ? 4 : 8;
        if (size > ptrsize * ptrsize * 8) {
            out->header = r->malloc_header;
            need = size + r->malloc_header;
        }
    }
    out->size_class = small_class_in(t, need);
    out->bytes = t->class_to_size[out->size_class];
    out->waste = out->bytes - size;
    if (!has_pointers && size < r->tiny_size) {
        out->tiny = 1;
        out->tiny_per_block = tiny_per_block(size, ptr4, r->tiny_size);
    }
    return 0;
}

int align_go_alloc_slice(align_go_alloc *out, unsigned release, align_arch arch, uint64_t elem_size,
                         uint64_t cap, int elem_has_pointers)
{
    uint64_t mem;
    assert(out != NULL);
    if (!mul_u64(elem_size, cap, &mem)) {
        memset(out, 0, sizeof *out);
        error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                  "make([]T, %llu) of %llu-byte elements overflows: the program "
                  "would panic with \"len out of range\"",
                  (unsigned long long)cap, (unsigned long long)elem_size);
        return ALIGN_EOVERFLOW;
    }
    return align_go_alloc_compute(out, release, arch, mem, elem_has_pointers);
}

/* The heap cost of a laid-out Go struct: what the escape join reports for
 * each heap-allocated type.  The object's pointer-ness decides the tiny
 * allocator; the smallest order keeps the same fields, so it has pointers
 * exactly when the original does. */
int align_heap_cost_compute(align_heap_cost *out, const align_layout *l, uint64_t count,
                            int per_element)
{
    int has_ptr, rc;

    assert(out != NULL && l != NULL);
    memset(out, 0, sizeof *out);
    if (l->lang != ALIGN_LANG_GO)
        return error_set(ALIGN_EINVAL, NULL, 0, 0, "%s: heap size classes are the Go allocator's",
                         l->name);
    has_ptr = l->ptrdata != 0;
    out->per_element = per_element != 0;
    out->count = count;
    if (per_element) {
        rc = align_go_alloc_slice(&out->now, l->go_release, l->arch, l->size, count, has_ptr);
        if (rc == 0)
            rc = align_go_alloc_slice(&out->optimal, l->go_release, l->arch, l->optimal_size, count,
                                      has_ptr);
    } else {
        rc = align_go_alloc_compute(&out->now, l->go_release, l->arch, l->size, has_ptr);
        if (rc == 0)
            rc = align_go_alloc_compute(&out->optimal, l->go_release, l->arch, l->optimal_size,
                                        has_ptr);
    }
    if (rc < 0) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->saved = out->now.bytes > out->optimal.bytes ? out->now.bytes - out->optimal.bytes : 0;
    if (per_element) {
        out->saved_total = out->saved;
    } else if (!mul_u64(out->saved, count, &out->saved_total)) {
        memset(out, 0, sizeof *out);
        return error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                         "%s: %llu objects: bytes saved overflow 64 bits", l->name,
                         (unsigned long long)count);
    }
    return 0;
}
