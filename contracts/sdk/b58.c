/*
 * b58.c — base58 by base conversion (see b58.h).
 *
 * Contracts pay gas per instruction, so the conversion works on big limbs instead of single
 * digits: encoding divides the value, held in 32-bit words, by 58^5 (which fits 32 bits) and
 * emits five digits per pass; decoding takes five digits per step into limbs of base 2^32. For a
 * 32-byte id that is about 40 inner steps each way instead of about 700 with the byte-by-digit
 * schoolbook conversion. The five-digit steps are unrolled: a loop's bookkeeping would cost about
 * as many instructions as the digits themselves.
 */
#include "b58.h"

#include "libc.h"

/* A u32 at any address (WebAssembly stores need no alignment). */
typedef uint32_t __attribute__((aligned(1), may_alias)) u32_any;

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* 58^5: the largest power of 58 below 2^32. */
#define B58_LIMB_BASE   656356768u
#define B58_LIMB_DIGITS 5
/* Limbs for B58_MAX_BYTES bytes (512 bits) in base 58^5 (29.3 bits each) or 2^32. */
#define B58_MAX_LIMBS 18

/* Digit values by ASCII code; -1 outside the alphabet (also 0, O, I and l). */
static const int8_t b58_digits[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  -1, -1, -1, -1, -1, -1, -1, 9,
    10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1, 22, 23, 24, 25, 26, 27, 28, 29,
    30, 31, 32, -1, -1, -1, -1, -1, -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44,
    45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
};

/* A digit's value, or -1 for a character outside the alphabet. */
static int32_t digit_of(char c)
{
    uint8_t u = (uint8_t)c;
    return u < 128 ? b58_digits[u] : -1;
}

/* 58^0 .. 58^5: the multiplier of a chunk of that many digits. */
static const uint32_t b58_pow[B58_LIMB_DIGITS + 1] = {1, 58, 3364, 195112, 11316496, 656356768};

/* Largest digit count: B58_MAX_BYTES bytes in 5-digit groups. */
#define B58_MAX_DIGITS (B58_MAX_LIMBS * B58_LIMB_DIGITS)

int b58_encode(const uint8_t *p, size_t n, char *out, size_t cap, size_t *out_len)
{
    uint32_t w[B58_MAX_BYTES / 4]; /* the value in base 2^32, most significant first */
    char digits[B58_MAX_DIGITS];   /* filled from the end, most significant digit last */
    size_t zeros = 0;
    if (n > B58_MAX_BYTES) {
        return YB_ETOOBIG;
    }
    while (zeros < n && p[zeros] == 0) {
        zeros++;
    }
    const uint8_t *v = p + zeros;
    size_t len = n - zeros;
    size_t nw = (len + 3) / 4;
    /* The first word takes the bytes left over from whole words, the others four each. */
    size_t k = 0;
    uint32_t head = 0;
    for (; k < len - 4 * (nw > 0 ? nw - 1 : 0); k++) {
        head = (head << 8) | v[k];
    }
    if (nw > 0) {
        w[0] = head;
    }
    for (size_t j = 1; j < nw; j++, k += 4) {
        w[j] = (uint32_t)v[k] << 24 | (uint32_t)v[k + 1] << 16 | (uint32_t)v[k + 2] << 8 | v[k + 3];
    }
    /* Long division by 58^5 gives five digits per pass; the quotient drops at most one leading
     * word per pass (58^5 < 2^32), so the passes shorten as the value shrinks. */
    size_t start = sizeof digits;
    size_t first = 0;
    while (first < nw) {
        uint64_t rem = 0;
        for (size_t j = first; j < nw; j++) {
            uint64_t cur = (rem << 32) | w[j];
            uint64_t q = cur / B58_LIMB_BASE;
            w[j] = (uint32_t)q;
            rem = cur - q * B58_LIMB_BASE;
        }
        while (first < nw && w[first] == 0) {
            first++;
        }
        /* Five digits of the remainder (below 58^5), unrolled. */
        uint32_t r = (uint32_t)rem;
        uint32_t r1 = r / 58;
        uint32_t r2 = r1 / 58;
        uint32_t r3 = r2 / 58;
        uint32_t r4 = r3 / 58;
        start -= B58_LIMB_DIGITS;
        digits[start + 4] = b58_alphabet[r - r1 * 58];
        digits[start + 3] = b58_alphabet[r1 - r2 * 58];
        digits[start + 2] = b58_alphabet[r2 - r3 * 58];
        digits[start + 1] = b58_alphabet[r3 - r4 * 58];
        digits[start] = b58_alphabet[r4];
    }
    /* The last pass pads with zero digits ('1') above the value's leading digit. */
    while (start < sizeof digits && digits[start] == '1') {
        start++;
    }
    size_t nd = sizeof digits - start;
    size_t total = zeros + nd;
    if (total + 1 > cap) {
        return YB_ETOOBIG;
    }
    memset(out, '1', zeros);
    memcpy(out + zeros, digits + start, nd);
    out[total] = '\0';
    *out_len = total;
    return YB_OK;
}

int b58_decode_exact(const char *s, size_t slen, uint8_t *out, size_t n)
{
    uint32_t limbs[B58_MAX_LIMBS]; /* base 2^32, least significant first */
    size_t nl = 0;
    size_t zeros = 0;
    if (n > B58_MAX_BYTES || slen > B58_MAX_TEXT) {
        return YB_ETOOBIG;
    }
    if (slen == 0) {
        return YB_EBASE58;
    }
    while (zeros < slen && s[zeros] == '1') {
        zeros++;
    }
    /* Five digits per step (the first step takes the remainder): limb * 58^5 + carry stays
     * below 2^62, and the carry out of the top limb below 2^32. */
    size_t i = zeros;
    size_t chunk = (slen - zeros) % B58_LIMB_DIGITS;
    if (chunk == 0) {
        chunk = B58_LIMB_DIGITS;
    }
    while (i < slen) {
        uint32_t acc = 0;
        if (chunk == B58_LIMB_DIGITS) {
            /* The usual step, unrolled: a loop's bookkeeping would cost more than the digits. */
            int32_t d0 = digit_of(s[i]);
            int32_t d1 = digit_of(s[i + 1]);
            int32_t d2 = digit_of(s[i + 2]);
            int32_t d3 = digit_of(s[i + 3]);
            int32_t d4 = digit_of(s[i + 4]);
            if ((d0 | d1 | d2 | d3 | d4) < 0) {
                return YB_EBASE58;
            }
            acc = (uint32_t)((((d0 * 58 + d1) * 58 + d2) * 58 + d3) * 58 + d4);
        } else {
            for (size_t k = 0; k < chunk; k++) {
                int32_t d = digit_of(s[i + k]);
                if (d < 0) {
                    return YB_EBASE58;
                }
                acc = acc * 58 + (uint32_t)d;
            }
        }
        uint64_t mult = b58_pow[chunk];
        uint64_t carry = acc;
        i += chunk;
        chunk = B58_LIMB_DIGITS;
        for (size_t j = 0; j < nl; j++) {
            uint64_t t = (uint64_t)limbs[j] * mult + carry;
            limbs[j] = (uint32_t)t;
            carry = t >> 32;
        }
        if (carry != 0) {
            if (nl == B58_MAX_LIMBS) {
                return YB_EBASE58; /* more than B58_MAX_LIMBS * 4 bytes: cannot be n bytes */
            }
            limbs[nl++] = (uint32_t)carry;
        }
    }
    /* Bytes in the top limb (without its leading zero bytes) plus four per other limb. */
    size_t top_bytes = 0;
    if (nl > 0) {
        uint32_t top = limbs[nl - 1];
        top_bytes = top >= 1u << 24 ? 4 : top >= 1u << 16 ? 3 : top >= 1u << 8 ? 2 : 1;
    }
    size_t nb = nl == 0 ? 0 : top_bytes + 4 * (nl - 1);
    if (zeros + nb != n) {
        return YB_EBASE58;
    }
    memset(out, 0, zeros);
    uint8_t *o = out + zeros;
    if (nl > 0) {
        for (size_t b = top_bytes; b > 0; b--) {
            *o++ = (uint8_t)(limbs[nl - 1] >> (8 * (b - 1)));
        }
        /* The other limbs whole: one big-endian 4-byte store each. */
        for (size_t j = nl - 1; j > 0; j--, o += 4) {
            uint32_t x = limbs[j - 1];
            x = (x >> 24) | ((x >> 8) & 0xFF00u) | ((x << 8) & 0xFF0000u) | (x << 24);
            *(u32_any *)(void *)o = x;
        }
    }
    return YB_OK;
}
