/*
 * fuzz_codec — the text decoders on arbitrary input. The first byte picks a codec, the rest is
 * the input. A decoder must either fail with its named error or succeed on input that encodes
 * back to the same text (all four accept only canonical forms, hex up to letter case), and
 * encoding arbitrary bytes must decode back to them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BYTES 2048

static void check_hex(const char *s, size_t n)
{
    uint8_t out[MAX_BYTES];
    size_t len = 0;
    int rc = hex_decode(s, n, out, sizeof out, &len);
    if (rc != YB_OK) {
        if (rc != YB_EHEX && rc != YB_ETOOBIG) {
            abort();
        }
        return;
    }
    char back[2 * MAX_BYTES + 1];
    if (len != n / 2 || hex_encode(out, len, back, sizeof back) != YB_OK ||
        strncasecmp(back, s, n) != 0) {
        abort();
    }
}

static void check_base58(const char *s, size_t n)
{
    uint8_t out[MAX_BYTES];
    size_t len = 0;
    int rc = base58_decode(s, n, out, sizeof out, &len);
    if (rc != YB_OK) {
        if (rc != YB_EBASE58 && rc != YB_ETOOBIG) {
            abort();
        }
        return;
    }
    if (len > BASE58_MAX_BYTES) {
        return; /* decodable, but over the encoder's cap */
    }
    char back[BASE58_MAX_STR_LEN + 2];
    if (base58_encode(out, len, back, sizeof back) != YB_OK || strlen(back) != n ||
        memcmp(back, s, n) != 0) {
        abort();
    }
}

static void check_base64(const char *s, size_t n)
{
    uint8_t out[MAX_BYTES];
    size_t len = 0;
    int rc = base64_decode(s, n, out, sizeof out, &len);
    if (rc != YB_OK) {
        if (rc != YB_EBASE64 && rc != YB_ETOOBIG) {
            abort();
        }
        return;
    }
    char back[MAX_BYTES / 3 * 4 + 8];
    if (base64_encode(out, len, back, sizeof back) != YB_OK || strlen(back) != n ||
        memcmp(back, s, n) != 0) {
        abort();
    }
}

static void check_u128(const char *s, size_t n)
{
    yb_u128 v = 0;
    int rc = u128_from_dec(s, n, &v);
    if (rc != YB_OK) {
        if (rc != YB_ENUMBER && rc != YB_EOVERFLOW) {
            abort();
        }
        return;
    }
    /* Leading zeros are accepted; the printed form has none. */
    size_t skip = 0;
    while (skip + 1 < n && s[skip] == '0') {
        skip++;
    }
    char back[U128_DEC_MAX];
    u128_to_dec(v, back);
    if (strlen(back) != n - skip || memcmp(back, s + skip, n - skip) != 0) {
        abort();
    }
}

static void check_encoders(const uint8_t *p, size_t n)
{
    if (n > BASE58_MAX_BYTES) {
        n = BASE58_MAX_BYTES;
    }
    char text[4 * BASE58_MAX_BYTES];
    uint8_t back[BASE58_MAX_BYTES + 1];
    size_t len = 0;
    if (hex_encode(p, n, text, sizeof text) != YB_OK ||
        hex_decode(text, strlen(text), back, sizeof back, &len) != YB_OK || len != n ||
        memcmp(back, p, n) != 0) {
        abort();
    }
    if (base64_encode(p, n, text, sizeof text) != YB_OK ||
        base64_decode(text, strlen(text), back, sizeof back, &len) != YB_OK || len != n ||
        memcmp(back, p, n) != 0) {
        abort();
    }
    if (base58_encode(p, n, text, sizeof text) != YB_OK) {
        abort();
    }
    if (n > 0 && (base58_decode(text, strlen(text), back, sizeof back, &len) != YB_OK || len != n ||
                  memcmp(back, p, n) != 0)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    switch (data[0] % 5) {
    case 0:
        check_hex(s, n);
        break;
    case 1:
        check_base58(s, n);
        break;
    case 2:
        check_base64(s, n);
        break;
    case 3:
        check_u128(s, n);
        break;
    default:
        check_encoders(data + 1, n);
        break;
    }
    return 0;
}
