/*
 * libc.h — the few C library functions a contract needs, for wasm32 builds without libc.
 *
 * clang emits calls to memcpy/memset/memmove/memcmp on its own (struct copies, zeroing) even
 * with -fno-builtin, so every contract links these. They keep the standard names and meanings
 * (that is what the compiler calls); all pointers are borrowed. Host builds (unit tests) get
 * the real <string.h> from this header; the unit tests compile libc.c there under the names
 * libc_memcpy, libc_memmove, ... to check it against the C library. SDK and contract sources
 * include "libc.h" instead of <string.h>, which a wasm32 build without a sysroot lacks.
 * Single-threaded.
 */
#ifndef LIBC_H
#define LIBC_H

#ifndef __wasm__
#include <string.h>

void *libc_memcpy(void *dst, const void *src, size_t n);
void *libc_memmove(void *dst, const void *src, size_t n);
void *libc_memset(void *dst, int c, size_t n);
int libc_memcmp(const void *a, const void *b, size_t n);
/* Reads whole aligned 8-byte words: the string's buffer must extend to the next multiple of 8
 * after its terminator (always true in wasm linear memory). */
size_t libc_strlen(const char *s);
#else
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif

#include <stdbool.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libc.h: the little-endian helpers below assume a little-endian target (wasm32 is)"
#endif

/* A u64 stored as 8 bytes little-endian (NEAR's u64 layout) at any address: one load or store
 * instead of eight byte steps. p borrowed. */
static inline uint64_t libc_load_u64le(const void *p)
{
    typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;
    return *(const u64_any *)p;
}

static inline void libc_store_u64le(void *p, uint64_t v)
{
    typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;
    *(u64_any *)p = v;
}

/* memcpy for blocks that are usually short (JSON keys, small values): 4 to 16 bytes are moved
 * inline with two overlapping loads and stores, with no call; other sizes go to memcpy. The
 * blocks must not overlap, as for memcpy. dst and src borrowed. */
static inline void libc_copy(void *dst, const void *src, size_t n)
{
    typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;
    typedef uint32_t __attribute__((aligned(1), may_alias)) u32_any;
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n >= 8 && n <= 16) {
        uint64_t a = *(const u64_any *)(const void *)s;
        uint64_t b = *(const u64_any *)(const void *)(s + n - 8);
        *(u64_any *)(void *)d = a;
        *(u64_any *)(void *)(d + n - 8) = b;
    } else if (n >= 4 && n < 8) {
        uint32_t a = *(const u32_any *)(const void *)s;
        uint32_t b = *(const u32_any *)(const void *)(s + n - 4);
        *(u32_any *)(void *)d = a;
        *(u32_any *)(void *)(d + n - 4) = b;
    } else if (n > 0) {
        memcpy(dst, src, n);
    }
}

/* Whether two blocks hold the same n bytes (memcmp(a, b, n) == 0), for short keys: 4 to 16
 * bytes are compared inline as two overlapping words. a and b borrowed. */
static inline bool libc_same(const void *a, const void *b, size_t n)
{
    typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;
    typedef uint32_t __attribute__((aligned(1), may_alias)) u32_any;
    const unsigned char *x = a;
    const unsigned char *y = b;
    if (n >= 8 && n <= 16) {
        return ((*(const u64_any *)(const void *)x ^ *(const u64_any *)(const void *)y) |
                (*(const u64_any *)(const void *)(x + n - 8) ^
                 *(const u64_any *)(const void *)(y + n - 8))) == 0;
    }
    if (n >= 4 && n < 8) {
        return ((*(const u32_any *)(const void *)x ^ *(const u32_any *)(const void *)y) |
                (*(const u32_any *)(const void *)(x + n - 4) ^
                 *(const u32_any *)(const void *)(y + n - 4))) == 0;
    }
    return n == 0 || memcmp(a, b, n) == 0;
}

#endif