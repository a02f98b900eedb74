/*
 * vm_memory.h — linear memories (private part; the public calls are in vm.h).
 *
 * A memory reserves address space for its largest possible size once (PROT_NONE,
 * MAP_NORESERVE) and makes pages accessible as it grows, so its base address never moves and a
 * fresh 64 MiB memory costs two system calls, not 64 MiB of zeroing.
 *
 * Reuse: every writer records the extent it wrote in the memory's dirty extent
 * (vm_memory_mark); when the memory is freed, that extent alone is cleared and the reservation
 * kept as the thread's spare, so the next memory of the same reservation starts out zero
 * without page faults or system calls (vm_memory.c says how).
 */
#ifndef YB_VM_MEMORY_H
#define YB_VM_MEMORY_H

#include "vm_int.h"

/* Extents up to this many bytes are cleared with memset when a memory is released; larger ones
 * are handed back to the kernel with madvise(MADV_DONTNEED). memset of a page the call touched
 * costs ~0.1 µs; a page fault to re-populate it plus its share of the madvise costs ~2 µs, so
 * the cap only guards against clearing large sparse extents byte by byte. */
#define VM_MEMORY_CLEAR_CAP (1u << 20)

/* A memory of `limits` capped at cap_pages, owned by s. Errors: YB_EWASM_LIMIT (minimum over the
 * cap), YB_ENOMEM (no address space). */
int vm_memory_create(struct vm_store *s, struct vm_limits limits, uint32_t cap_pages,
                     struct vm_memory **out);

/* Unmaps the calling thread's spare reservation, if any (at thread exit). */
void vm_memory_spare_release(void);

/* Record that [lo, hi) of m (hi <= m->size) may now hold non-zero bytes. Every writer of guest
 * memory must call it (or vm_memory_write / vm_memory_data, which do): a write left out would
 * leak bytes into the next memory reusing the reservation. m borrowed. */
static inline void vm_memory_mark(struct vm_memory *m, uint64_t lo, uint64_t hi)
{
    if (lo >= hi) {
        return;
    }
    if (lo < m->dirty_lo) {
        m->dirty_lo = lo;
    }
    if (hi > m->dirty_hi) {
        m->dirty_hi = hi;
    }
}

#endif
