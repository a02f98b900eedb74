/* borsh.c — Borsh writer over a capped buffer and a bounds-checked reader over a slice. */
#include "borsh.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

/* ---- writer ---- */

/* Integers are written byte by byte so the output is little-endian on any host. */
static int write_le(struct yb_buf *b, uint64_t v, size_t width)
{
    uint8_t tmp[8];
    for (size_t i = 0; i < width; i++) {
        tmp[i] = (uint8_t)(v >> (8 * i));
    }
    return yb_buf_append(b, tmp, width);
}

int borsh_write_u8(struct yb_buf *b, uint8_t v)
{
    return yb_buf_append_byte(b, v);
}

int borsh_write_u16(struct yb_buf *b, uint16_t v)
{
    return write_le(b, v, 2);
}

int borsh_write_u32(struct yb_buf *b, uint32_t v)
{
    return write_le(b, v, 4);
}

int borsh_write_u64(struct yb_buf *b, uint64_t v)
{
    return write_le(b, v, 8);
}

int borsh_write_u128(struct yb_buf *b, yb_u128 v)
{
    uint8_t tmp[16];
    for (size_t i = 0; i < 16; i++) {
        tmp[i] = (uint8_t)(v >> (8 * i));
    }
    return yb_buf_append(b, tmp, sizeof tmp);
}

int borsh_write_bool(struct yb_buf *b, bool v)
{
    return yb_buf_append_byte(b, v ? 1 : 0);
}

int borsh_write_fixed(struct yb_buf *b, const void *p, size_t n)
{
    return yb_buf_append(b, p, n);
}

int borsh_write_bytes(struct yb_buf *b, const uint8_t *p, size_t n)
{
    if (p == NULL && n > 0) {
        return YB_EINVAL;
    }
    if (n > UINT32_MAX) {
        return YB_ETOOBIG;
    }
    /* Check the whole value fits first, so a failure never leaves a dangling length prefix. */
    if (n > b->max || b->len > b->max - n || b->max - b->len - n < 4) {
        return YB_ETOOBIG;
    }
    int rc = borsh_write_u32(b, (uint32_t)n);
    if (rc != YB_OK) {
        return rc;
    }
    return yb_buf_append(b, p, n);
}

int borsh_write_string(struct yb_buf *b, const char *s, size_t n)
{
    int rc = borsh_check_utf8((const uint8_t *)s, n);
    if (rc != YB_OK) {
        return rc;
    }
    return borsh_write_bytes(b, (const uint8_t *)s, n);
}

int borsh_write_cstr(struct yb_buf *b, const char *s)
{
    if (s == NULL) {
        return YB_EINVAL;
    }
    return borsh_write_string(b, s, strlen(s));
}

int borsh_write_option(struct yb_buf *b, bool present)
{
    return yb_buf_append_byte(b, present ? 1 : 0);
}

/* ---- reader ---- */

void borsh_reader_init(struct borsh_reader *r, const uint8_t *p, size_t n)
{
    r->p = p;
    r->n = n;
    r->off = 0;
}

size_t borsh_reader_remaining(const struct borsh_reader *r)
{
    return r->n - r->off;
}

int borsh_reader_finish(const struct borsh_reader *r)
{
    return r->off == r->n ? YB_OK : YB_EBORSH_TRAILING;
}

static int read_le(struct borsh_reader *r, size_t width, uint64_t *out)
{
    if (borsh_reader_remaining(r) < width) {
        return YB_EBORSH_EOF;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < width; i++) {
        v |= (uint64_t)r->p[r->off + i] << (8 * i);
    }
    r->off += width;
    *out = v;
    return YB_OK;
}

int borsh_read_u8(struct borsh_reader *r, uint8_t *out)
{
    uint64_t v;
    int rc = read_le(r, 1, &v);
    if (rc == YB_OK) {
        *out = (uint8_t)v;
    }
    return rc;
}

int borsh_read_u16(struct borsh_reader *r, uint16_t *out)
{
    uint64_t v;
    int rc = read_le(r, 2, &v);
    if (rc == YB_OK) {
        *out = (uint16_t)v;
    }
    return rc;
}

int borsh_read_u32(struct borsh_reader *r, uint32_t *out)
{
    uint64_t v;
    int rc = read_le(r, 4, &v);
    if (rc == YB_OK) {
        *out = (uint32_t)v;
    }
    return rc;
}

int borsh_read_u64(struct borsh_reader *r, uint64_t *out)
{
    return read_le(r, 8, out);
}

int borsh_read_u128(struct borsh_reader *r, yb_u128 *out)
{
    uint64_t lo = 0;
    uint64_t hi = 0;
    if (borsh_reader_remaining(r) < 16) {
        return YB_EBORSH_EOF;
    }
    read_le(r, 8, &lo);
    read_le(r, 8, &hi);
    *out = ((yb_u128)hi << 64) | lo;
    return YB_OK;
}

int borsh_read_bool(struct borsh_reader *r, bool *out)
{
    uint8_t v;
    int rc = borsh_read_u8(r, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v > 1) {
        return YB_EBORSH_BOOL;
    }
    *out = v == 1;
    return YB_OK;
}

int borsh_read_option(struct borsh_reader *r, bool *present)
{
    uint8_t v;
    int rc = borsh_read_u8(r, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v > 1) {
        return YB_EBORSH_TAG;
    }
    *present = v == 1;
    return YB_OK;
}

int borsh_read_fixed_slice(struct borsh_reader *r, size_t n, const uint8_t **out)
{
    if (borsh_reader_remaining(r) < n) {
        return YB_EBORSH_EOF;
    }
    *out = r->p + r->off;
    r->off += n;
    return YB_OK;
}

int borsh_read_fixed(struct borsh_reader *r, void *out, size_t n)
{
    const uint8_t *p;
    int rc = borsh_read_fixed_slice(r, n, &p);
    if (rc == YB_OK && n > 0) {
        memcpy(out, p, n);
    }
    return rc;
}

int borsh_read_bytes(struct borsh_reader *r, size_t cap, const uint8_t **out, size_t *len)
{
    uint32_t n;
    int rc = borsh_read_u32(r, &n);
    if (rc != YB_OK) {
        return rc;
    }
    if (n > cap || n > borsh_reader_remaining(r)) {
        return YB_EBORSH_LEN;
    }
    *out = r->p + r->off;
    *len = n;
    r->off += n;
    return YB_OK;
}

int borsh_read_bytes_dup(struct borsh_reader *r, size_t cap, uint8_t **out, size_t *len)
{
    const uint8_t *p;
    size_t n;
    int rc = borsh_read_bytes(r, cap, &p, &n);
    if (rc != YB_OK) {
        return rc;
    }
    /* One spare byte so an empty vector still gets a real, freeable pointer. */
    uint8_t *copy = yb_xmalloc(n + 1);
    if (n > 0) {
        memcpy(copy, p, n);
    }
    *out = copy;
    *len = n;
    return YB_OK;
}

int borsh_read_string(struct borsh_reader *r, size_t cap, const char **out, size_t *len)
{
    const uint8_t *p;
    size_t n;
    int rc = borsh_read_bytes(r, cap, &p, &n);
    if (rc != YB_OK) {
        return rc;
    }
    rc = borsh_check_utf8(p, n);
    if (rc != YB_OK) {
        return rc;
    }
    *out = (const char *)p;
    *len = n;
    return YB_OK;
}

int borsh_read_cstr(struct borsh_reader *r, size_t cap, char **out)
{
    const char *s;
    size_t n;
    int rc = borsh_read_string(r, cap, &s, &n);
    if (rc != YB_OK) {
        return rc;
    }
    if (n > 0 && memchr(s, '\0', n) != NULL) {
        return YB_EMALFORMED;
    }
    *out = yb_xstrndup(s, n);
    return YB_OK;
}

int borsh_read_vec_len(struct borsh_reader *r, size_t cap, size_t min_elem_size, size_t *count)
{
    uint32_t n;
    int rc = borsh_read_u32(r, &n);
    if (rc != YB_OK) {
        return rc;
    }
    if (n > cap) {
        return YB_EBORSH_LEN;
    }
    /* Division rather than multiplication, so a huge count cannot wrap. */
    if (min_elem_size > 0 && n > borsh_reader_remaining(r) / min_elem_size) {
        return YB_EBORSH_LEN;
    }
    *count = n;
    return YB_OK;
}

/*
 * UTF-8 as Rust's String accepts it (RFC 3629): shortest form only, no UTF-16 surrogates
 * (U+D800..U+DFFF), nothing past U+10FFFF. The second-byte ranges below encode exactly those
 * rules, following the well-formed byte sequence table of Unicode §3.9.
 */
int borsh_check_utf8(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint8_t lo = 0x80;
        uint8_t hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) {
                lo = 0xA0;
            } else if (c == 0xED) {
                hi = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return YB_EUTF8;
        }
        if (n - i < len) {
            return YB_EUTF8;
        }
        if (p[i + 1] < lo || p[i + 1] > hi) {
            return YB_EUTF8;
        }
        for (size_t k = 2; k < len; k++) {
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) {
                return YB_EUTF8;
            }
        }
        i += len;
    }
    return YB_OK;
}
