/*
 * str.c — decimal formatting, comparisons and UTF-8 checks (see str.h).
 */
#include "str.h"

#include "libc.h"

/* A u64 at any address (WebAssembly loads need no alignment). */
typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;

/* Each byte 0x01 / 0x80. (w - ONES) & ~w & HIGHS is non-zero iff some byte of w is zero: the
 * lowest zero byte always borrows into its own top bit, and no byte sets it otherwise. */
#define ONES     0x0101010101010101ull
#define HIGHS    0x8080808080808080ull
#define BYTES(c) ((uint64_t)(c)*ONES)

static uint64_t load64(const uint8_t *p)
{
    return *(const u64_any *)(const void *)p;
}

static bool plain(uint8_t c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Top bit of each byte of w that is not plain, exact for the lowest such byte (a borrow only
 * starts at a byte that is not plain, so the bytes below it are never flagged). */
static uint64_t not_plain(uint64_t w)
{
    uint64_t lows = w - BYTES(0x20);
    uint64_t quotes = (w ^ BYTES('"')) - ONES;
    uint64_t slashes = (w ^ BYTES('\\')) - ONES;
    return (w | lows | quotes | slashes) & HIGHS;
}

/* The same for the bytes '"' and '\\'. */
static uint64_t quote_or_slash(uint64_t w)
{
    uint64_t q = w ^ BYTES('"');
    uint64_t b = w ^ BYTES('\\');
    return (((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
}

/* The index of the byte a flag word's lowest bit falls in (bytes are little-endian). */
static size_t first_flagged(uint64_t flags)
{
    return (size_t)__builtin_ctzll(flags) / 8;
}

size_t str_plain_run(const uint8_t *p, size_t n)
{
    if (n < 8) {
        size_t i = 0;
        while (i < n && plain(p[i])) {
            i++;
        }
        return i;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t f = not_plain(load64(p + i));
        if (f != 0) {
            return i + first_flagged(f);
        }
    }
    if (i < n) {
        /* The last 8 bytes, overlapping plain ones already checked. */
        uint64_t f = not_plain(load64(p + n - 8));
        if (f != 0) {
            return n - 8 + first_flagged(f);
        }
    }
    return n;
}

size_t str_quote_run(const uint8_t *p, size_t n)
{
    if (n < 8) {
        size_t i = 0;
        while (i < n && p[i] != '"' && p[i] != '\\') {
            i++;
        }
        return i;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t f = quote_or_slash(load64(p + i));
        if (f != 0) {
            return i + first_flagged(f);
        }
    }
    if (i < n) {
        uint64_t f = quote_or_slash(load64(p + n - 8));
        if (f != 0) {
            return n - 8 + first_flagged(f);
        }
    }
    return n;
}

size_t str_from_u64(uint64_t v, char out[STR_U64_MAX])
{
    /* Digits from the end of a scratch buffer, then one copy: no reversal loop. */
    char rev[STR_U64_MAX];
    char *p = rev + sizeof rev;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    size_t n = (size_t)(rev + sizeof rev - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

bool str_eq(const void *a, size_t an, const void *b, size_t bn)
{
    return an == bn && libc_same(a, b, an);
}

bool str_eq_z(const void *p, size_t n, const char *z)
{
    return str_eq(p, n, z, strlen(z));
}

size_t str_utf8_seq_len(const uint8_t *p, size_t n, size_t i)
{
    uint8_t c = p[i];
    size_t len;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) {
            lo = 0xA0; /* shorter forms are overlong */
        } else if (c == 0xED) {
            hi = 0x9F; /* U+D800..U+DFFF are surrogates, not characters */
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) {
            lo = 0x90;
        } else if (c == 0xF4) {
            hi = 0x8F; /* nothing above U+10FFFF */
        }
    } else {
        return 0;
    }
    if (len > n - i) {
        return 0;
    }
    if (p[i + 1] < lo || p[i + 1] > hi) {
        return 0;
    }
    for (size_t k = 2; k < len; k++) {
        if (p[i + k] < 0x80 || p[i + k] > 0xBF) {
            return 0;
        }
    }
    return len;
}

bool str_utf8_valid(const char *p, size_t n)
{
    const uint8_t *u = (const uint8_t *)p;
    size_t i = 0;
    while (i < n) {
        size_t len = str_utf8_seq_len(u, n, i);
        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

bool str_account_id_valid(const char *p, size_t n)
{
    bool last_sep = true; /* treats the start like a separator: ids cannot begin with one */
    if (n < STR_ACCOUNT_MIN || n > STR_ACCOUNT_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        bool sep = c == '.' || c == '-' || c == '_';
        if (!alnum && !sep) {
            return false;
        }
        if (sep && last_sep) {
            return false;
        }
        last_sep = sep;
    }
    return !last_sep;
}
