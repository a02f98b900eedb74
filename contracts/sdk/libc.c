/*
 * libc.c — the memory functions the compiler may call (see libc.h).
 *
 * memcpy and memset move 8 bytes per step through unaligned 64-bit loads and stores, which
 * WebAssembly permits at any address; contracts spend a good share of their instructions copying
 * JSON and storage values, and every instruction costs gas. The code stays MVP-only (no
 * bulk-memory opcodes, which NEAR protocols before 84 reject). At -O2 clang recognises plain copy
 * loops as memcpy/memset idioms and would compile them into calls to themselves; -fno-builtin
 * (set by yb_wasm) switches that recognition off.
 */
#include "libc.h"

#include <stdint.h>

/* A u64 that may sit at any address and alias any object. */
typedef uint64_t __attribute__((aligned(1), may_alias)) u64_unaligned;

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        *(u64_unaligned *)(d + i) = *(const u64_unaligned *)(s + i);
    }
    for (; i < n; i++) {
        d[i] = s[i];
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0) {
        return dst;
    }
    if (d < s) {
        for (size_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
        for (size_t i = n; i > 0; i--) {
            d[i - 1] = s[i - 1];
        }
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t word = (uint64_t)(uint8_t)c * 0x0101010101010101ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        *(u64_unaligned *)(d + i) = word;
    }
    for (; i < n; i++) {
        d[i] = (uint8_t)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a;
    const uint8_t *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}
