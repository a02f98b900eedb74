/*
 * b58.c — base58 by base conversion (see b58.h).
 *
 * Contracts pay gas per instruction, so the conversion works on big limbs instead of single
 * digits: encoding takes four input bytes per step into limbs of base 58^5 (which fit 32 bits)
 * and emits five digits per limb; decoding takes five digits per step into limbs of base 2^32.
 * For a 32-byte id that is about 40 inner steps each way instead of about 700 with the
 * byte-by-digit schoolbook conversion.
 */
#include "b58.h"

#include "libc.h"

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

static int digit_of(char c)
{
    unsigned char u = (unsigned char)c;
    return u < 128 ? b58_digits[u] : -1;
}

int b58_encode(const uint8_t *p, size_t n, char *out, size_t cap, size_t *out_len)
{
    uint32_t limbs[B58_MAX_LIMBS]; /* base 58^5, least significant first */
    size_t nl = 0;
    size_t zeros = 0;
    if (n > B58_MAX_BYTES) {
        return YB_ETOOBIG;
    }
    while (zeros < n && p[zeros] == 0) {
        zeros++;
    }
    /* Four input bytes per step: limb * 2^32 + carry stays below 2^62. */
    size_t i = zeros;
    size_t chunk = (n - zeros) % 4 == 0 ? 4 : (n - zeros) % 4;
    while (i < n) {
        uint64_t carry = 0;
        for (size_t k = 0; k < chunk; k++) {
            carry = (carry << 8) | p[i + k];
        }
        uint64_t mult = (uint64_t)1 << (8 * chunk);
        i += chunk;
        chunk = 4;
        for (size_t j = 0; j < nl; j++) {
            uint64_t t = (uint64_t)limbs[j] * mult + carry;
            limbs[j] = (uint32_t)(t % B58_LIMB_BASE);
            carry = t / B58_LIMB_BASE;
        }
        while (carry > 0) {
            limbs[nl++] = (uint32_t)(carry % B58_LIMB_BASE);
            carry /= B58_LIMB_BASE;
        }
    }
    /* Digits least significant first; the top limb contributes no leading zero digits. */
    char digits[B58_MAX_LIMBS * B58_LIMB_DIGITS];
    size_t nd = 0;
    for (size_t j = 0; j < nl; j++) {
        uint32_t v = limbs[j];
        for (int k = 0; k < B58_LIMB_DIGITS; k++) {
            if (j == nl - 1 && v == 0) {
                break;
            }
            digits[nd++] = b58_alphabet[v % 58];
            v /= 58;
        }
    }
    size_t len = zeros + nd;
    if (len + 1 > cap) {
        return YB_ETOOBIG;
    }
    memset(out, '1', zeros);
    for (size_t d = 0; d < nd; d++) {
        out[zeros + d] = digits[nd - 1 - d];
    }
    out[len] = '\0';
    *out_len = len;
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
    /* Five digits per step: limb * 58^5 + carry stays below 2^62. */
    size_t i = zeros;
    size_t chunk = (slen - zeros) % 5 == 0 ? 5 : (slen - zeros) % 5;
    while (i < slen) {
        uint64_t carry = 0;
        uint64_t mult = 1;
        for (size_t k = 0; k < chunk; k++) {
            int d = digit_of(s[i + k]);
            if (d < 0) {
                return YB_EBASE58;
            }
            carry = carry * 58 + (uint64_t)d;
            mult *= 58;
        }
        i += chunk;
        chunk = 5;
        for (size_t j = 0; j < nl; j++) {
            uint64_t t = (uint64_t)limbs[j] * mult + carry;
            limbs[j] = (uint32_t)t;
            carry = t >> 32;
        }
        while (carry > 0) {
            if (nl == B58_MAX_LIMBS) {
                return YB_EBASE58; /* more than B58_MAX_LIMBS * 4 bytes: cannot be n bytes */
            }
            limbs[nl++] = (uint32_t)carry;
            carry >>= 32;
        }
    }
    /* The value's bytes, most significant first, without leading zero bytes. */
    uint8_t bytes[B58_MAX_LIMBS * 4];
    size_t nb = 0;
    for (size_t j = nl; j > 0; j--) {
        uint32_t v = limbs[j - 1];
        for (int k = 3; k >= 0; k--) {
            uint8_t b = (uint8_t)(v >> (8 * k));
            if (nb == 0 && b == 0) {
                continue;
            }
            bytes[nb++] = b;
        }
    }
    if (zeros + nb != n) {
        return YB_EBASE58;
    }
    memset(out, 0, zeros);
    memcpy(out + zeros, bytes, nb);
    return YB_OK;
}
