/*
 * b58.c — base58 by schoolbook base conversion over byte arrays (see b58.h). Quadratic, which
 * for 32-byte ids is a few thousand steps.
 */
#include "b58.h"

#include "libc.h"

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int digit_of(char c)
{
    for (int i = 0; i < 58; i++) {
        if (b58_alphabet[i] == c) {
            return i;
        }
    }
    return -1;
}

int b58_encode(const uint8_t *p, size_t n, char *out, size_t cap, size_t *out_len)
{
    uint8_t digits[B58_MAX_TEXT]; /* base-58 digits, least significant first */
    size_t nd = 0;
    size_t zeros = 0;
    if (n > B58_MAX_BYTES) {
        return YB_ETOOBIG;
    }
    while (zeros < n && p[zeros] == 0) {
        zeros++;
    }
    for (size_t i = zeros; i < n; i++) {
        unsigned carry = p[i];
        for (size_t j = 0; j < nd; j++) {
            carry += (unsigned)digits[j] << 8;
            digits[j] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        while (carry > 0) {
            digits[nd++] = (uint8_t)(carry % 58);
            carry /= 58;
        }
    }
    size_t len = zeros + nd;
    if (len + 1 > cap) {
        return YB_ETOOBIG;
    }
    for (size_t i = 0; i < zeros; i++) {
        out[i] = '1';
    }
    for (size_t i = 0; i < nd; i++) {
        out[zeros + i] = b58_alphabet[digits[nd - 1 - i]];
    }
    out[len] = '\0';
    *out_len = len;
    return YB_OK;
}

int b58_decode_exact(const char *s, size_t slen, uint8_t *out, size_t n)
{
    uint8_t bytes[B58_MAX_TEXT]; /* the value in base 256, least significant first */
    size_t nb = 0;
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
    for (size_t i = zeros; i < slen; i++) {
        int d = digit_of(s[i]);
        if (d < 0) {
            return YB_EBASE58;
        }
        unsigned carry = (unsigned)d;
        for (size_t j = 0; j < nb; j++) {
            carry += (unsigned)bytes[j] * 58;
            bytes[j] = (uint8_t)(carry & 0xFF);
            carry >>= 8;
        }
        while (carry > 0) {
            bytes[nb++] = (uint8_t)(carry & 0xFF);
            carry >>= 8;
        }
    }
    if (zeros + nb != n) {
        return YB_EBASE58;
    }
    memset(out, 0, zeros);
    for (size_t i = 0; i < nb; i++) {
        out[zeros + i] = bytes[nb - 1 - i];
    }
    return YB_OK;
}
