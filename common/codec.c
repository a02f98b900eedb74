/*
 * codec.c — hex, base58, base64 and u128 decimal.
 *
 * Hex and base64 go through libsodium's constant-time, strict converters (base64 rejects bad
 * padding and non-zero trailing bits, as the Rust `base64` crate nearcore uses does). Base58 has
 * no library on Debian, so it is the classic big-number conversion, capped in length because it
 * is quadratic.
 */
#include "codec.h"

#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "err.h"

/* ---- hex ---- */

size_t hex_encoded_len(size_t n)
{
    return 2 * n + 1;
}

int hex_encode(const uint8_t *p, size_t n, char *out, size_t out_cap)
{
    if (n > (SIZE_MAX - 1) / 2 || out_cap < hex_encoded_len(n)) {
        return YB_ETOOBIG;
    }
    sodium_bin2hex(out, out_cap, p, n);
    return YB_OK;
}

/* libsodium 1.0.18 maps some bytes >= 0x80 to alphabet values in its base64 decoder (found by
 * fuzz_codec: "Zm9\xf6" decoded), so both decoders check their alphabet here first. */
static bool is_hex_digit(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_base64_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

int hex_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *out_len)
{
    if (slen % 2 != 0) {
        return YB_EHEX;
    }
    for (size_t i = 0; i < slen; i++) {
        if (!is_hex_digit((unsigned char)s[i])) {
            return YB_EHEX;
        }
    }
    if (slen / 2 > cap) {
        return YB_ETOOBIG;
    }
    size_t n = 0;
    /* hex_end == NULL makes libsodium fail unless every character was consumed. */
    if (sodium_hex2bin(out, cap, s, slen, NULL, &n, NULL) != 0 || n != slen / 2) {
        return YB_EHEX;
    }
    *out_len = n;
    return YB_OK;
}

/* ---- base58 ---- */

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Digit value of an alphabet character, or -1; built from b58_alphabet on first use would need
 * a lock, so it is a literal table (0, O, I and l are the excluded look-alikes). */
static const int8_t b58_digit[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  -1, -1, -1, -1, -1, -1, -1, 9,
    10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1, 22, 23, 24, 25, 26, 27, 28, 29,
    30, 31, 32, -1, -1, -1, -1, -1, -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44,
    45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
};

/* log(256)/log(58) < 1.38: digits needed for n bytes. */
#define B58_DIGITS_FOR(n) ((n)*138 / 100 + 1)

/*
 * The conversions work on wide limbs rather than one digit or byte at a time: encoding keeps
 * the number in base 58^5 (< 2^30) and feeds it 32 input bits per step; decoding keeps it in
 * base 2^32 and feeds it 5 digits per step. Every product fits in 64 bits (2^30 * 2^32 and
 * 2^32 * 58^5 < 2^62), and there are ~20x fewer steps than with 8-bit digits.
 */
#define B58_POW5 656356768u /* 58^5 */
/* Limbs for the largest inputs: 512 bytes are 4096 bits, and one base-58^5 limb holds more
 * than 29 bits; 1024 digits are under 6000 bits, i.e. under 188 32-bit limbs. */
#define B58_ENC_LIMBS (BASE58_MAX_BYTES * 8 / 29 + 2)
#define B58_DEC_LIMBS (BASE58_MAX_STR_LEN * 586 / 100 / 32 + 2)

size_t base58_encoded_max(size_t n)
{
    return B58_DIGITS_FOR(n) + 1;
}

int base58_encode(const uint8_t *p, size_t n, char *out, size_t out_cap)
{
    if (n > BASE58_MAX_BYTES) {
        return YB_ETOOBIG;
    }
    size_t zeros = 0;
    while (zeros < n && p[zeros] == 0) {
        zeros++;
    }
    uint32_t limbs[B58_ENC_LIMBS]; /* little-endian, base 58^5 */
    size_t nl = 0;
    size_t i = zeros;
    while (i < n) {
        /* The first group takes the odd bytes so the rest come in whole 32-bit groups. */
        size_t take = (n - i) % 4 ? (n - i) % 4 : 4;
        uint64_t carry = 0;
        for (size_t k = 0; k < take; k++) {
            carry = carry << 8 | p[i + k];
        }
        unsigned shift = (unsigned)(8 * take);
        for (size_t k = 0; k < nl; k++) {
            carry += (uint64_t)limbs[k] << shift;
            limbs[k] = (uint32_t)(carry % B58_POW5);
            carry /= B58_POW5;
        }
        while (carry != 0) {
            limbs[nl++] = (uint32_t)(carry % B58_POW5);
            carry /= B58_POW5;
        }
        i += take;
    }
    /* Five digits per limb, least significant first; then drop the top limb's leading zeros. */
    char digits[B58_ENC_LIMBS * 5];
    size_t nd = 0;
    for (size_t k = 0; k < nl; k++) {
        uint32_t v = limbs[k];
        for (int d = 0; d < 5; d++) {
            digits[nd++] = b58_alphabet[v % 58];
            v /= 58;
        }
    }
    while (nd > 0 && digits[nd - 1] == '1') {
        nd--;
    }
    size_t len = zeros + nd;
    if (out_cap < len + 1) {
        return YB_ETOOBIG;
    }
    memset(out, '1', zeros);
    for (size_t k = 0; k < nd; k++) {
        out[zeros + k] = digits[nd - 1 - k];
    }
    out[len] = '\0';
    return YB_OK;
}

int base58_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *out_len)
{
    if (slen == 0) {
        return YB_EBASE58;
    }
    if (slen > BASE58_MAX_STR_LEN) {
        return YB_ETOOBIG;
    }
    size_t ones = 0;
    while (ones < slen && s[ones] == '1') {
        ones++;
    }
    uint32_t limbs[B58_DEC_LIMBS]; /* little-endian, base 2^32 */
    size_t nl = 0;
    size_t i = ones;
    while (i < slen) {
        size_t take = (slen - i) % 5 ? (slen - i) % 5 : 5;
        uint64_t group = 0;
        uint64_t mul = 1;
        for (size_t k = 0; k < take; k++) {
            unsigned char c = (unsigned char)s[i + k];
            if (c >= 128 || b58_digit[c] < 0) {
                return YB_EBASE58;
            }
            group = group * 58 + (uint64_t)b58_digit[c];
            mul *= 58;
        }
        uint64_t carry = group;
        for (size_t k = 0; k < nl; k++) {
            carry += (uint64_t)limbs[k] * mul;
            limbs[k] = (uint32_t)carry;
            carry >>= 32;
        }
        while (carry != 0) {
            limbs[nl++] = (uint32_t)carry;
            carry >>= 32;
        }
        i += take;
    }
    /* Big-endian bytes of the limbs without leading zero bytes. */
    size_t nb = nl * 4;
    while (nb > 0 && ((limbs[(nb - 1) / 4] >> (8 * ((nb - 1) % 4))) & 0xff) == 0) {
        nb--;
    }
    size_t len = ones + nb;
    if (len > cap) {
        return YB_ETOOBIG;
    }
    memset(out, 0, ones);
    for (size_t k = 0; k < nb; k++) {
        size_t bit = nb - 1 - k; /* byte index from the least significant end */
        out[ones + k] = (uint8_t)(limbs[bit / 4] >> (8 * (bit % 4)));
    }
    *out_len = len;
    return YB_OK;
}

int base58_decode_exact(const char *s, size_t slen, uint8_t *out, size_t n)
{
    size_t got = 0;
    int rc = base58_decode(s, slen, out, n, &got);
    if (rc == YB_ETOOBIG || (rc == YB_OK && got != n)) {
        return YB_EBASE58;
    }
    return rc;
}

/* ---- base64 ---- */

size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4 + 1;
}

size_t base64_decoded_max(size_t slen)
{
    return slen / 4 * 3;
}

int base64_encode(const uint8_t *p, size_t n, char *out, size_t out_cap)
{
    if (n > (SIZE_MAX - 3) / 4 * 3 || out_cap < base64_encoded_len(n)) {
        return YB_ETOOBIG;
    }
    sodium_bin2base64(out, out_cap, p, n, sodium_base64_VARIANT_ORIGINAL);
    return YB_OK;
}

int base64_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *out_len)
{
    if (slen % 4 != 0) {
        return YB_EBASE64;
    }
    for (size_t i = 0; i < slen; i++) {
        if (!is_base64_char((unsigned char)s[i])) {
            return YB_EBASE64;
        }
    }
    /* The exact size, so a too-small buffer is told apart from bad input. */
    size_t want = base64_decoded_max(slen);
    if (slen > 0 && s[slen - 1] == '=') {
        want--;
        if (s[slen - 2] == '=') {
            want--;
        }
    }
    if (want > cap) {
        return YB_ETOOBIG;
    }
    size_t n = 0;
    if (sodium_base642bin(out, cap, s, slen, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != want) {
        return YB_EBASE64;
    }
    *out_len = n;
    return YB_OK;
}

/* ---- u128 ---- */

void u128_to_dec(yb_u128 v, char out[U128_DEC_MAX])
{
    char tmp[U128_DEC_MAX];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    out[n] = '\0';
}

int u128_from_dec(const char *s, size_t slen, yb_u128 *out)
{
    if (slen == 0) {
        return YB_ENUMBER;
    }
    /* Syntax first, so "99…9x" is a bad number rather than an overflow. */
    for (size_t i = 0; i < slen; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return YB_ENUMBER;
        }
    }
    const yb_u128 max = ~(yb_u128)0;
    yb_u128 v = 0;
    for (size_t i = 0; i < slen; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10) {
            return YB_EOVERFLOW;
        }
        v = v * 10 + d;
    }
    *out = v;
    return YB_OK;
}
