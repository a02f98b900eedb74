/*
 * str.c — decimal formatting, comparisons and UTF-8 checks (see str.h).
 */
#include "str.h"

#include "libc.h"

size_t str_from_u64(uint64_t v, char out[STR_U64_MAX])
{
    char rev[STR_U64_MAX];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = rev[n - 1 - i];
    }
    out[n] = '\0';
    return n;
}

bool str_eq(const void *a, size_t an, const void *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
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
