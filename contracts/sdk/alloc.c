/*
 * alloc.c — bump allocation over linear memory (see alloc.h).
 */
#include "alloc.h"

#include <stdint.h>
#include "libc.h"

#define ALLOC_ALIGN 8u

/* End of the memory heap_reserve last found addressable: allocations below it need no call
 * (most of a contract's allocations are small and fit). */
static uintptr_t heap_known_end;

#ifdef __wasm__
#include "near.h"

static const char alloc_oom_msg[] = "out of memory";

/* A contract that cannot get memory must stop with a reason, not trap on a NULL store. */
__attribute__((noreturn)) static void alloc_fail(void)
{
    near_panic_utf8(sizeof alloc_oom_msg - 1, NEAR_PTR(alloc_oom_msg));
}

#define ALLOC_PAGE 65536u

/* Provided by wasm-ld: the first byte after the data segments and the stack. */
extern unsigned char __heap_base;

static uintptr_t heap_next;
static uintptr_t heap_start;

/* Makes [heap_next, heap_next + n) addressable, growing memory by whole pages. */
static int heap_reserve(size_t n)
{
    if (heap_next == 0) {
        heap_start = (uintptr_t)&__heap_base;
        heap_next = heap_start;
    }
    uintptr_t end = (uintptr_t)__builtin_wasm_memory_size(0) * ALLOC_PAGE;
    if (n > UINTPTR_MAX - heap_next) {
        return -1;
    }
    uintptr_t want = heap_next + n;
    if (want > end) {
        size_t pages = (want - end + ALLOC_PAGE - 1) / ALLOC_PAGE;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) {
            return -1;
        }
        end += pages * ALLOC_PAGE;
    }
    heap_known_end = end;
    return 0;
}
#else
#include <stdlib.h>

/* Host builds (unit tests): a fixed arena stands in for linear memory. */
__attribute__((noreturn)) static void alloc_fail(void)
{
    abort();
}

#define ALLOC_HOST_ARENA (8u << 20)
static _Alignas(ALLOC_ALIGN) unsigned char host_arena[ALLOC_HOST_ARENA];
static uintptr_t heap_next;
static uintptr_t heap_start;

static int heap_reserve(size_t n)
{
    if (heap_next == 0) {
        heap_start = (uintptr_t)host_arena;
        heap_next = heap_start;
    }
    if (n > (uintptr_t)host_arena + ALLOC_HOST_ARENA - heap_next) {
        return -1;
    }
    heap_known_end = (uintptr_t)host_arena + ALLOC_HOST_ARENA;
    return 0;
}
#endif

void *alloc_bytes(size_t n)
{
    size_t rounded = (n + ALLOC_ALIGN - 1) & ~(size_t)(ALLOC_ALIGN - 1);
    if (rounded >= n && heap_next != 0 && rounded <= heap_known_end - heap_next) {
        void *p = (void *)heap_next;
        heap_next += rounded;
        return p;
    }
    if (rounded < n || heap_reserve(rounded) != 0) {
        alloc_fail();
    }
    void *p = (void *)heap_next;
    heap_next += rounded;
    return p;
}

void *alloc_zeroed(size_t n)
{
    void *p = alloc_bytes(n);
    memset(p, 0, n);
    return p;
}

char *alloc_dup(const void *p, size_t n)
{
    char *s = alloc_bytes(n + 1);
    if (n > 0) {
        memcpy(s, p, n);
    }
    s[n] = '\0';
    return s;
}

size_t alloc_used(void)
{
    return (size_t)(heap_next - heap_start);
}

void alloc_reset(void)
{
    heap_next = heap_start;
}
