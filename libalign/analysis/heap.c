/*
 * heap.c - what one Go heap object really costs: the allocator's size
 * classes.
 *
 * Who calls it: the escape join (a heap site of type T costs
 * align_go_size_class(sizeof T) bytes, a make([]T, n) site its backing
 * array's class), and reports that say whether shrinking a struct crosses a
 * class boundary (48 -> 40 bytes saves nothing: both are 48-byte objects).
 * Inputs are single sizes; every lookup is O(1).
 *
 * The rules, from go1.19 src/runtime (malloc.go mallocgc, mcache.go
 * allocLarge, slice.go makeslice, msize.go roundupsize):
 *   - size 0: every zero-size allocation returns &zerobase; nothing is used.
 *   - 1..32768 bytes (maxSmallSize): the size class found by the two lookup
 *     tables, exactly as mallocgc does it (size_to_class8 for sizes up to
 *     1016, size_to_class128 above; for 1017..1024 the runtime's index
 *     divRoundUp(size-1024, 128) wraps around to 0, which is class 32, 1024
 *     bytes: we compute the same index without the wrap-around).
 *   - above 32768: allocLarge takes whole 8 KiB pages (npages = size >>
 *     _PageShift, plus one if size & _PageMask).
 *   - noscan (no pointers) vs scan: makeSpanClass(sizeclass, noscan) only
 *     picks a different span list; the class and the bytes are the same.
 *     The exception is the tiny allocator: noscan objects smaller than 16
 *     bytes are packed into shared 16-byte blocks, each aligned to 8 if its
 *     size is a multiple of 8, 8 for 12-byte objects on 32-bit targets, 4, 2
 *     or 1 otherwise.  align_go_alloc reports it; align_go_size_class keeps
 *     the class (an upper bound).
 *   - Go 1.22 added an 8-byte malloc header to scan objects over 512 bytes,
 *     which does change the class: this table is for go1.19 and the header
 *     is not modelled.
 *
 * The table is libalign/sizeclasses.h, generated from the runtime's
 * sizeclasses.go by tools/gen_sizeclasses.py and checked against the
 * installed GOROOT by tests/sizeclasses.test.  Rejected: a hand-typed table
 * (the DESIGN.md list stops at "..."; a typo would be silent) and "smallest
 * class >= size" by binary search over class_to_size (equivalent for the
 * generated tables, and tests/test_heap.c proves it for every size, but
 * using the runtime's own lookup keeps us exact if a future table were not
 * monotone in that way).
 */
#include "model/model.h"
#include "analysis/sizeclasses.h"

#include <assert.h>
#include <string.h>

_Static_assert(GO_SC_MAX_SMALL_SIZE == ALIGN_GO_MAX_SMALL_SIZE, "regenerate sizeclasses.h");
_Static_assert((1u << GO_SC_PAGE_SHIFT) == ALIGN_GO_PAGE_SIZE, "regenerate sizeclasses.h");
_Static_assert(GO_SC_TINY_SIZE == ALIGN_GO_TINY_SIZE, "regenerate sizeclasses.h");
_Static_assert(GO_SC_SMALL_SIZE_MAX % GO_SC_SMALL_SIZE_DIV == 0, "unexpected table shape");

/* The largest heap object of a 64-bit runtime: maxAlloc = 1 << heapAddrBits,
 * heapAddrBits = 48 on linux/amd64 and linux/arm64 (malloc.go).  32-bit
 * targets: (1 << 32) - 1. */
#define GO_MAX_ALLOC_64 (UINT64_C(1) << 48)
#define GO_MAX_ALLOC_32 ((UINT64_C(1) << 32) - 1)

const char *align_go_size_classes_version(void)
{
    return GO_SC_GO_VERSION;
}

/* The runtime's class index for 1 <= size <= maxSmallSize. */
static unsigned small_class(uint64_t size)
{
    uint64_t i;
    if (size <= GO_SC_SMALL_SIZE_MAX - 8) {
        i = (size + GO_SC_SMALL_SIZE_DIV - 1) / GO_SC_SMALL_SIZE_DIV;
        return go_size_to_class8[i];
    }
    /* 1017..1024 map to index 0, as the runtime's wrapped subtraction does. */
    i = size <= GO_SC_SMALL_SIZE_MAX
            ? 0
            : (size - GO_SC_SMALL_SIZE_MAX + GO_SC_LARGE_SIZE_DIV - 1) / GO_SC_LARGE_SIZE_DIV;
    return go_size_to_class128[i];
}

uint64_t align_go_size_class(uint64_t size)
{
    uint64_t rounded;
    if (size == 0)
        return 0;
    if (size <= GO_SC_MAX_SMALL_SIZE)
        return go_class_to_size[small_class(size)];
    if (size > GO_MAX_ALLOC_64)
        return UINT64_MAX;
    if (!round_up_u64(size, ALIGN_GO_PAGE_SIZE, &rounded))
        return UINT64_MAX; /* cannot happen below 2^48 */
    return rounded;
}

/* Objects of `size` bytes that one tiny block holds when allocated one after
 * another, with mallocgc's alignment of the tiny offset. */
static uint32_t tiny_per_block(uint64_t size, bool ptr4)
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
        if (off + size > GO_SC_TINY_SIZE)
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
        return align_error_set(ALIGN_EINVAL, NULL, 0, 0, "unknown architecture %d", (int)arch);
    *ptr4 = align_abi_pointer_size(abi) == 4;
    *max_alloc = *ptr4 ? GO_MAX_ALLOC_32 : GO_MAX_ALLOC_64;
    return 0;
}

int align_go_alloc_compute(align_go_alloc *out, align_arch arch, uint64_t size, int has_pointers)
{
    uint64_t max_alloc = 0;
    bool ptr4 = false;
    int rc;

    assert(out != NULL);
    memset(out, 0, sizeof *out);
    rc = arch_max_alloc(arch, &max_alloc, &ptr4);
    if (rc < 0)
        return rc;
    if (size > max_alloc) {
        align_error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                        "a %llu-byte object is larger than the Go runtime's largest "
                        "allocation on %s (%llu bytes)",
                        (unsigned long long)size, align_arch_name(arch),
                        (unsigned long long)max_alloc);
        return ALIGN_EOVERFLOW;
    }
    out->size = size;
    out->bytes = align_go_size_class(size);
    out->waste = out->bytes - size;
    if (size == 0)
        return 0;
    if (size <= GO_SC_MAX_SMALL_SIZE) {
        out->size_class = small_class(size);
        if (!has_pointers && size < GO_SC_TINY_SIZE) {
            out->tiny = 1;
            out->tiny_per_block = tiny_per_block(size, ptr4);
        }
    } else {
        out->pages = out->bytes >> GO_SC_PAGE_SHIFT;
    }
    return 0;
}

int align_go_alloc_slice(align_go_alloc *out, align_arch arch, uint64_t elem_size, uint64_t cap,
                         int elem_has_pointers)
{
    uint64_t mem;
    assert(out != NULL);
    if (!mul_u64(elem_size, cap, &mem)) {
        memset(out, 0, sizeof *out);
        align_error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                        "make([]T, %llu) of %llu-byte elements overflows: the program "
                        "would panic with \"len out of range\"",
                        (unsigned long long)cap, (unsigned long long)elem_size);
        return ALIGN_EOVERFLOW;
    }
    return align_go_alloc_compute(out, arch, mem, elem_has_pointers);
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
        return align_error_set(ALIGN_EINVAL, NULL, 0, 0,
                               "%s: heap size classes are the Go allocator's", l->name);
    has_ptr = l->ptrdata != 0;
    out->per_element = per_element != 0;
    out->count = count;
    if (per_element) {
        rc = align_go_alloc_slice(&out->now, l->arch, l->size, count, has_ptr);
        if (rc == 0)
            rc = align_go_alloc_slice(&out->optimal, l->arch, l->optimal_size, count, has_ptr);
    } else {
        rc = align_go_alloc_compute(&out->now, l->arch, l->size, has_ptr);
        if (rc == 0)
            rc = align_go_alloc_compute(&out->optimal, l->arch, l->optimal_size, has_ptr);
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
        return align_error_set(ALIGN_EOVERFLOW, NULL, 0, 0,
                               "%s: %llu objects: bytes saved overflow 64 bits", l->name,
                               (unsigned long long)count);
    }
    return 0;
}
