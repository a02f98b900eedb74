/*
 * vm_memory.h — linear memories (private part; the public calls are in vm.h).
 *
 * A memory reserves address space for its largest possible size once (PROT_NONE,
 * MAP_NORESERVE) and makes pages accessible as it grows, so its base address never moves and a
 * fresh 64 MiB memory costs two system calls, not 64 MiB of zeroing.
 */
#ifndef YB_VM_MEMORY_H
#define YB_VM_MEMORY_H

#include "vm_int.h"

/* A memory of `limits` capped at cap_pages, owned by s. Errors: YB_EWASM_LIMIT (minimum over the
 * cap), YB_ENOMEM (no address space). */
int vm_memory_create(struct vm_store *s, struct vm_limits limits, uint32_t cap_pages,
                     struct vm_memory **out);

#endif
