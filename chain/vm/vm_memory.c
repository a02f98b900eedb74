/*
 * vm_memory.c — linear memories: reserve once, commit on growth, unmap (or keep one spare per
 * thread) on free.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"
#include "vm_memory.h"

/* One spare reservation per thread. A runtime instantiates the same kind of contract memory
 * (NEAR: 1,024 of 2,048 pages) for every call; keeping the last one, all zero again, replaces
 * mmap + mprotect + munmap by nothing at all on the common path. */
static _Thread_local uint8_t *spare_data;
static _Thread_local size_t spare_reserved;
static _Thread_local size_t spare_open; /* bytes at the start that are PROT_READ|PROT_WRITE */

/* Make the dirty extent of m read as zero again. A contract call writes a few pages (its
 * stack, data and heap), so a memset of just those is far cheaper than madvise(MADV_DONTNEED)
 * over the memory, which unmaps them and makes the next call fault every one back in (fresh
 * page: fault, allocation, clear_page). Beyond VM_MEMORY_CLEAR_CAP the extent may be mostly
 * untouched pages, which memset would fault in only to zero them: madvise is cheaper there. */
static int memory_clear(struct vm_memory *m)
{
    if (m->dirty_lo >= m->dirty_hi) {
        return 0;
    }
    uint64_t lo = m->dirty_lo, hi = m->dirty_hi;
    m->dirty_lo = UINT64_MAX;
    m->dirty_hi = 0;
    if (hi - lo <= VM_MEMORY_CLEAR_CAP) {
        memset(m->data + lo, 0, hi - lo);
        return 0;
    }
    /* madvise needs page boundaries; the partial pages at either end are zeroed whole. */
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t a = lo & ~(page - 1), b = (hi + page - 1) & ~(page - 1);
    return madvise(m->data + a, b - a, MADV_DONTNEED);
}

static void memory_fini(struct vm_obj *o)
{
    struct vm_memory *m = (struct vm_memory *)o;
    if (m->data == NULL) {
        return;
    }
    if (spare_data == NULL && memory_clear(m) == 0) {
        spare_data = m->data;
        spare_reserved = m->reserved;
        spare_open = m->size;
        vm_spares_note();
        return;
    }
    munmap(m->data, m->reserved);
}

void vm_memory_spare_release(void)
{
    if (spare_data != NULL) {
        munmap(spare_data, spare_reserved);
        spare_data = NULL;
    }
}

/* A zeroed reservation of `reserve` bytes whose first `size` bytes are accessible. */
static uint8_t *memory_map(size_t reserve, size_t size)
{
    if (spare_data != NULL && spare_reserved == reserve) {
        uint8_t *p = spare_data;
        int rc = 0;
        if (spare_open > size) {
            rc = mprotect(p + size, spare_open - size, PROT_NONE);
        } else if (spare_open < size) {
            rc = mprotect(p + spare_open, size - spare_open, PROT_READ | PROT_WRITE);
        }
        if (rc == 0) {
            spare_data = NULL;
            return p;
        }
    }
    void *p = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    if (size > 0 && mprotect(p, size, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, reserve);
        return NULL;
    }
    return p;
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
    size_t size = (size_t)limits.min * VM_PAGE_SIZE;
    uint8_t *p = memory_map(reserve, size);
    if (p == NULL) {
        return YB_ENOMEM;
    }
    struct vm_memory *m = vm_store_alloc(s, sizeof(*m));
    m->data = p;
    m->reserved = reserve;
    m->size = size;
    m->pages = limits.min;
    m->max_pages = max;
    m->limits = limits;
    m->dirty_lo = UINT64_MAX;
    m->dirty_hi = 0;
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
    /* The caller may write anywhere through the pointer: all of it counts as written. */
    vm_memory_mark(m, 0, m->size);
    return m->data;
}

const uint8_t *vm_memory_view(const struct vm_memory *m)
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
    memmove(m->data + addr, src, len);
    vm_memory_mark(m, addr, addr + len);
    return YB_OK;
}
