/*
 * atomic.c - the sync/atomic alignment check shared by calc and audit
 * (--check-atomic; on by default for Go on 386 and arm).
 *
 * On 32-bit targets gc aligns int64 and uint64 to 4 bytes, but the 64-bit
 * functions of sync/atomic need an 8-aligned address and panic with
 * "unaligned 64-bit atomic operation" otherwise; only the first word of an
 * allocation is guaranteed 8-aligned (sync/atomic/doc.go, "Bugs").  The
 * library lists such fields at any depth, with their path and absolute
 * offset ("Outer.In.N", "Outer.Arr[1].N"; align_atomic_field); this file
 * only words the finding.  Rejected: failing every 32-bit calc by default (most
 * int64 fields are never used atomically), so the exit status changes only
 * when the user asks for the check by name.
 */
#include "cli.h"

bool atomic_check_on(atomic_choice choice, align_lang lang, align_arch arch)
{
    /* Which targets need it is the ABI tables' business (abi.c). */
    return choice == ATOMIC_ON ||
           (choice == ATOMIC_AUTO && align_abi_atomic64_unaligned(align_abi_get(lang, arch)));
}

size_t atomic_check_render(align_buf *out, const align_layout *l)
{
    for (size_t i = 0; i < l->natomic_unaligned; i++) {
        const align_atomic_field *f = &l->atomic_unaligned[i];
        align_buf_printf(out,
                         "/* ATOMIC: %s.%s (%s) at offset %llu is not 8-aligned on %s: "
                         "sync/atomic's 64-bit functions panic on it (\"unaligned 64-bit "
                         "atomic operation\"); move it to the front of the struct or use "
                         "atomic.Int64 */\n",
                         l->name, f->path, f->type_name, (unsigned long long)f->offset,
                         align_arch_name(l->arch));
    }
    if (l->atomic_truncated)
        align_buf_printf(out,
                         "/* ATOMIC: %s: more than these; the check stopped at its "
                         "limit */\n",
                         l->name);
    return l->natomic_unaligned;
}
