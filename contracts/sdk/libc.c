/*
 * libc.c — the memory functions the compiler may call (see libc.h).
 *
 * Contracts pay gas for every wasm instruction, and these functions run on nearly every byte a
 * contract touches, so they move whole words: 8 bytes per unaligned 64-bit load and store (which
 * WebAssembly permits at any address), and the ragged end of a block as one more word that
 * overlaps the last one instead of a loop over single bytes. Blocks under 8 bytes take at most two
 * overlapping 4- or 2-byte accesses. The code stays MVP-only (no bulk-memory opcodes, which NEAR
 * protocols before 84 reject). At -O2 clang recognises plain copy loops as memcpy/memset idioms
 * and would compile them into calls to themselves; -fno-builtin (set by yb_wasm) switches that
 * recognition off.
 *
 * Host builds compile this file under the names libc_memcpy etc. so the unit tests can compare
 * it with the C library byte for byte (see libc.h).
 */
#include "libc.h"

#include <stdint.h>

#ifdef __wasm__
#define LIBC_FN(name) name
#else
#define LIBC_FN(name) libc_##name
#endif

/* Integers that may sit at any address and alias any object. */
typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;
typedef uint32_t __attribute__((aligned(1), may_alias)) u32_any;
typedef uint16_t __attribute__((aligned(1), may_alias)) u16_any;

#define LOAD64(p)     (*(const u64_any *)(const void *)(p))
#define STORE64(p, v) (*(u64_any *)(void *)(p) = (v))
#define LOAD32(p)     (*(const u32_any *)(const void *)(p))
#define STORE32(p, v) (*(u32_any *)(void *)(p) = (v))
#define LOAD16(p)     (*(const u16_any *)(const void *)(p))
#define STORE16(p, v) (*(u16_any *)(void *)(p) = (v))

/* 0x01 and 0x80 in every byte: a word has a zero byte iff (w - ONES) & ~w & HIGHS != 0. */
#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* n < 8 bytes: every load happens before any store, so this is also right for overlapping
 * blocks (memmove). */
static void copy_small(uint8_t *d, const uint8_t *s, size_t n)
{
    if (n >= 4) {
        uint32_t a = LOAD32(s);
        uint32_t b = LOAD32(s + n - 4);
        STORE32(d, a);
        STORE32(d + n - 4, b);
    } else if (n >= 2) {
        uint16_t a = LOAD16(s);
        uint16_t b = LOAD16(s + n - 2);
        STORE16(d, a);
        STORE16(d + n - 2, b);
    } else if (n == 1) {
        d[0] = s[0];
    }
}

void *LIBC_FN(memcpy)(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (n < 8) {
        copy_small(d, s, n);
        return dst;
    }
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint64_t a = LOAD64(s + i);
        uint64_t b = LOAD64(s + i + 8);
        STORE64(d + i, a);
        STORE64(d + i + 8, b);
    }
    if (i + 8 <= n) {
        STORE64(d + i, LOAD64(s + i));
    }
    /* The last 8 bytes again, overlapping what was copied: the blocks do not overlap, so the
     * source still holds them. */
    STORE64(d + n - 8, LOAD64(s + n - 8));
    return dst;
}

void *LIBC_FN(memmove)(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0) {
        return dst;
    }
    if (n < 8) {
        copy_small(d, s, n);
        return dst;
    }
    if (d < s) {
        /* Forward: a store at d + i only reaches source bytes below s + i, all read already.
         * The last word is read before the loop, while the source still holds it. */
        uint64_t last = LOAD64(s + n - 8);
        for (size_t i = 0; i + 8 <= n; i += 8) {
            STORE64(d + i, LOAD64(s + i));
        }
        STORE64(d + n - 8, last);
    } else {
        /* Backward, the mirror image: the first word is read first. */
        uint64_t first = LOAD64(s);
        for (size_t i = n; i >= 8; i -= 8) {
            STORE64(d + i - 8, LOAD64(s + i - 8));
        }
        STORE64(d, first);
    }
    return dst;
}

void *LIBC_FN(memset)(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t word = (uint64_t)(uint8_t)c * ONES;
    if (n < 8) {
        if (n >= 4) {
            STORE32(d, (uint32_t)word);
            STORE32(d + n - 4, (uint32_t)word);
        } else if (n >= 2) {
            STORE16(d, (uint16_t)word);
            STORE16(d + n - 2, (uint16_t)word);
        } else if (n == 1) {
            d[0] = (uint8_t)c;
        }
        return dst;
    }
    for (size_t i = 0; i + 8 <= n; i += 8) {
        STORE64(d + i, word);
    }
    STORE64(d + n - 8, word);
    return dst;
}

/* The sign of the first differing byte of two words known to differ. */
static int word_order(const uint8_t *x, const uint8_t *y)
{
    size_t k = 0;
    while (x[k] == y[k]) {
        k++;
    }
    return x[k] < y[k] ? -1 : 1;
}

int LIBC_FN(memcmp)(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a;
    const uint8_t *y = b;
    if (n < 8) {
        for (size_t i = 0; i < n; i++) {
            if (x[i] != y[i]) {
                return x[i] < y[i] ? -1 : 1;
            }
        }
        return 0;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        if (LOAD64(x + i) != LOAD64(y + i)) {
            return word_order(x + i, y + i);
        }
    }
    /* The last word overlaps bytes already found equal, so its first difference is the
     * first difference of the blocks. */
    if (i < n && LOAD64(x + n - 8) != LOAD64(y + n - 8)) {
        return word_order(x + n - 8, y + n - 8);
    }
    return 0;
}

size_t LIBC_FN(strlen)(const char *s)
{
    const char *p = s;
    /* Byte steps up to an 8-byte boundary, then whole aligned words: an aligned word never
     * crosses the end of linear memory (a multiple of 64 KiB), so reading past the terminator
     * inside its word is safe. */
    while (((uintptr_t)p & 7) != 0) {
        if (*p == '\0') {
            return (size_t)(p - s);
        }
        p++;
    }
    for (;;) {
        uint64_t w = LOAD64(p);
        if (((w - ONES) & ~w & HIGHS) != 0) {
            break;
        }
        p += 8;
    }
    while (*p != '\0') {
        p++;
    }
    return (size_t)(p - s);
}
