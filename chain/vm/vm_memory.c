/*
 * vm_memory.c — linear memories: reserve once, commit on growth, unmap on free.
 */
#include <string.h>
#include <sys/mman.h>

#include "err.h"
#include "mem.h"
#include "vm_memory.h"

static void memory_fini(struct vm_obj *o)
{
    struct vm_memory *m = (struct vm_memory *)o;
    if (m->data != NULL) {
        munmap(m->data, m->reserved);
    }
}

int vm_memory_create(struct vm_store *s, struct vm_limits limits, uint32_t cap_pages,
                     struct vm_memory **out)
{
    uint32_t max = limits.has_max ? limits.max : VM_MAX_PAGES;
    if (max > cap_pages) {
        max = cap_pages;
    }
    if (limits.min > max) {
        return YB_EWASM_LIMIT;
    }
    size_t reserve = (size_t)(max ? max : 1) * VM_PAGE_SIZE;
    void *p = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return YB_ENOMEM;
    }
    size_t size = (size_t)limits.min * VM_PAGE_SIZE;
    if (size > 0 && mprotect(p, size, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, reserve);
        return YB_ENOMEM;
    }
    struct vm_memory *m = yb_xcalloc(1, sizeof(*m));
    m->data = p;
    m->reserved = reserve;
    m->size = size;
    m->pages = limits.min;
    m->max_pages = max;
    m->limits = limits;
    vm_store_adopt(s, &m->obj, memory_fini);
    *out = m;
    return YB_OK;
}

int vm_memory_new(struct vm_store *s, struct vm_limits limits, struct vm_memory **out)
{
    if (limits.has_max && limits.max < limits.min) {
        return YB_EINVAL;
    }
    return vm_memory_create(s, limits, s->cfg.max_memory_pages, out);
}

uint8_t *vm_memory_data(struct vm_memory *m)
{
    return m->data;
}

uint64_t vm_memory_size(const struct vm_memory *m)
{
    return m->size;
}

uint32_t vm_memory_pages(const struct vm_memory *m)
{
    return m->pages;
}

int vm_memory_grow(struct vm_memory *m, uint32_t pages, uint32_t *old_pages)
{
    if (m == NULL) {
        return YB_EWASM_LIMIT;
    }
    *old_pages = m->pages;
    if ((uint64_t)m->pages + pages > m->max_pages) {
        return YB_EWASM_LIMIT;
    }
    if (pages == 0) {
        return YB_OK;
    }
    size_t add = (size_t)pages * VM_PAGE_SIZE;
    if (mprotect(m->data + m->size, add, PROT_READ | PROT_WRITE) != 0) {
        return YB_EWASM_LIMIT;
    }
    m->size += add;
    m->pages += pages;
    return YB_OK;
}

int vm_memory_read(const struct vm_memory *m, uint64_t addr, void *dst, uint64_t len)
{
    if (m == NULL || addr > m->size || len > m->size - addr) {
        return YB_EINVAL;
    }
    memcpy(dst, m->data + addr, len);
    return YB_OK;
}

int vm_memory_write(struct vm_memory *m, uint64_t addr, const void *src, uint64_t len)
{
    if (m == NULL || addr > m->size || len > m->size - addr) {
        return YB_EINVAL;
    }
    memcpy(m->data + addr, src, len);
    return YB_OK;
}
