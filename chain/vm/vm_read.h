/*
 * vm_read.h — a bounds-checked reader for the WebAssembly binary format (LEB128 integers,
 * bytes, names). Private to chain/vm. Every failure fills the reader's error with the byte
 * offset and returns YB_EWASM_MALFORMED.
 */
#ifndef YB_VM_READ_H
#define YB_VM_READ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "vm_int.h"

struct vm_reader {
    const uint8_t *p;
    const uint8_t *end;
    const uint8_t *base; /* start of the module, for offsets in messages */
    struct vm_error *err;
};

static inline uint32_t vm_read_offset(const struct vm_reader *r)
{
    return (uint32_t)(r->p - r->base);
}

static inline int vm_read_fail(struct vm_reader *r, const char *what)
{
    return vm_fail(r->err, YB_EWASM_MALFORMED, "%s at offset 0x%x", what, vm_read_offset(r));
}

static inline int vm_read_u8(struct vm_reader *r, uint8_t *out)
{
    *out = 0;
    if (r->p >= r->end) {
        return vm_read_fail(r, "unexpected end");
    }
    *out = *r->p++;
    return YB_OK;
}

/* Unsigned LEB128 of at most `bits` bits. */
static inline int vm_read_uleb(struct vm_reader *r, unsigned bits, uint64_t *out)
{
    *out = 0;
    uint64_t v = 0;
    unsigned shift = 0;
    unsigned maxbytes = (bits + 6) / 7;
    for (unsigned i = 0;; i++) {
        if (r->p >= r->end) {
            return vm_read_fail(r, "unexpected end");
        }
        uint8_t b = *r->p++;
        if (i == maxbytes - 1) {
            /* The last byte may only carry the bits left; the rest must be zero. */
            unsigned left = bits - shift;
            if (b & 0x80) {
                return vm_read_fail(r, "integer representation too long");
            }
            if (left < 7 && (b >> left) != 0) {
                return vm_read_fail(r, "integer too large");
            }
            v |= (uint64_t)b << shift;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            break;
        }
    }
    *out = v;
    return YB_OK;
}

/* Signed LEB128 of at most `bits` bits. */
static inline int vm_read_sleb(struct vm_reader *r, unsigned bits, int64_t *out)
{
    *out = 0;
    uint64_t v = 0;
    unsigned shift = 0;
    unsigned maxbytes = (bits + 6) / 7;
    uint8_t b = 0;
    for (unsigned i = 0;; i++) {
        if (r->p >= r->end) {
            return vm_read_fail(r, "unexpected end");
        }
        b = *r->p++;
        if (i == maxbytes - 1) {
            if (b & 0x80) {
                return vm_read_fail(r, "integer representation too long");
            }
            /* Unused high bits must all equal the sign bit of the value. */
            unsigned left = bits - shift; /* 1..7 bits that count */
            if (left < 7) {
                int sign = (b >> (left - 1)) & 1;
                uint8_t rest = (uint8_t)(b >> left) & (uint8_t)(0x7f >> left);
                uint8_t want = sign ? (uint8_t)(0x7f >> left) : 0;
                if (rest != want) {
                    return vm_read_fail(r, "integer too large");
                }
            }
            v |= (uint64_t)(b & 0x7f) << shift;
            shift += 7;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            break;
        }
    }
    if (shift < 64 && (b & 0x40)) {
        v |= ~0ull << shift;
    }
    *out = (int64_t)v;
    return YB_OK;
}

static inline int vm_read_u32(struct vm_reader *r, uint32_t *out)
{
    uint64_t v = 0;
    int rc = vm_read_uleb(r, 32, &v);
    *out = (uint32_t)v;
    return rc;
}

static inline int vm_read_bytes(struct vm_reader *r, size_t n, const uint8_t **out)
{
    *out = r->p;
    if ((size_t)(r->end - r->p) < n) {
        return vm_read_fail(r, "unexpected end");
    }
    *out = r->p;
    r->p += n;
    return YB_OK;
}

#endif
