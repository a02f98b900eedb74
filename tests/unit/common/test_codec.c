/* Known-answer vectors and malformed-input tables for hex, base58, base64 and u128 decimal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "crypto.h"
#include "err.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Bytes written as hex so vectors read like their sources. */
static size_t from_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    assert_int_equal(hex_decode(hex, strlen(hex), out, cap, &n), YB_OK);
    return n;
}

/* ---- hex ---- */

static void hex_round_trips_and_accepts_either_case(void **state)
{
    const uint8_t bytes[] = {0x00, 0xff, 0x10, 0xab};
    char s[16];
    assert_int_equal(hex_encode(bytes, sizeof bytes, s, sizeof s), YB_OK);
    assert_string_equal(s, "00ff10ab");
    uint8_t back[4];
    size_t n = 0;
    assert_int_equal(hex_decode("00FF10Ab", 8, back, sizeof back, &n), YB_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(back, bytes, 4);
    assert_int_equal(hex_decode("", 0, back, sizeof back, &n), YB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(hex_encoded_len(4), 9);
}

static void hex_rejects_malformed_input(void **state)
{
    static const struct {
        const char *in;
        int err;
    } cases[] = {
        {"0", YB_EHEX},     {"abc", YB_EHEX},      {"0g", YB_EHEX},        {"g0", YB_EHEX},
        {" 00", YB_EHEX},   {"00 ", YB_EHEX},      {"0x00", YB_EHEX},      {"-1", YB_EHEX},
        {"00:11", YB_EHEX}, {"\xc1\xb0", YB_EHEX}, {"000000", YB_ETOOBIG}, /* 3 bytes into 2 */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        uint8_t out[2];
        size_t n = 99;
        int rc = hex_decode(cases[i].in, strlen(cases[i].in), out, sizeof out, &n);
        if (rc != cases[i].err) {
            fail_msg("hex_decode(\"%s\") = %s, want %s", cases[i].in, yb_err_name(rc),
                     yb_err_name(cases[i].err));
        }
        assert_int_equal(n, 99); /* out_len untouched on failure */
    }
    char s[4];
    const uint8_t two[2] = {1, 2};
    assert_int_equal(hex_encode(two, 2, s, sizeof s), YB_ETOOBIG);
}

/* ---- base58 ---- */

static const struct {
    const char *hex;
    const char *b58;
} base58_vectors[] = {
    /* near-rpc.md §5: the Transfer transaction's sha256 and its hash string. */
    {"eea6e680f3ea51a7f667e9a801d0bfadf66e03d41ed54975b3c6006351461b32",
     "H4be6ioGzDeiGKork27na6Usw2Hzt4gNJfetJ7ag3LhP"},
    /* near-rpc.md §5: the signer's public key. */
    {"917b3d268d4b58f7fec1b150bd68d69be3ee5d4cc39855e341538465bb77860d",
     "Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC"},
    /* near-rpc.md §5: the block hash. */
    {"0fa473fd26901df296be6adc4cc4df34d040efa2435224b6986910e630c2fef6",
     "244ZQ9cgj3CQ6bWBdytfrJMuMQ1jdXLFGnr4HhvtCTnM"},
    /* near-rpc.md §5: the 64-byte signature. */
    {"969a83332186ee9755e4839325525806e189a3d2d2bb4b4760e94443e97e1c4f22deeef0059a8e9713100eda6e191"
     "4"
     "4da7e8a0ef7e539b20708ba1d8d021bd01",
     "41eAXToSZSqFqHCDZKnK7QnYANgRY5mSgHz2P19NaLYqphwsdk4HA6QSd11kdKgqL4wa6hg7wvwt1V3wE6kbRxWt"},
    /* near-rpc.md §6: the all-zero hash is 32 ones. */
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "11111111111111111111111111111111"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG"},
    /* Bitcoin's classic vectors: text, and leading zero bytes. */
    {"48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"},
    {"0000287fb4cd", "11233QC4"},
    {"00", "1"},
    {"39", "z"},
    {"3a", "21"},
};

static void base58_known_answers(void **state)
{
    for (size_t i = 0; i < ARRAY_LEN(base58_vectors); i++) {
        uint8_t bytes[64];
        size_t n = from_hex(base58_vectors[i].hex, bytes, sizeof bytes);
        char s[128];
        assert_true(base58_encoded_max(n) <= sizeof s);
        assert_int_equal(base58_encode(bytes, n, s, sizeof s), YB_OK);
        assert_string_equal(s, base58_vectors[i].b58);
        uint8_t back[64];
        size_t m = 0;
        assert_int_equal(base58_decode(s, strlen(s), back, sizeof back, &m), YB_OK);
        assert_int_equal(m, n);
        assert_memory_equal(back, bytes, n);
    }
}

static void base58_hash_strings_are_43_or_44_chars(void **state)
{
    /* Random 32-byte hashes encode to 43-44 characters unless they start with zero bytes. */
    for (int i = 0; i < 200; i++) {
        uint8_t h[32];
        crypto_random(h, sizeof h);
        h[0] |= 1;
        char s[64];
        assert_int_equal(base58_encode(h, sizeof h, s, sizeof s), YB_OK);
        size_t len = strlen(s);
        assert_true(len == 43 || len == 44);
        uint8_t back[32];
        assert_int_equal(base58_decode_exact(s, len, back, sizeof back), YB_OK);
        assert_memory_equal(back, h, sizeof h);
    }
}

static void base58_round_trips_every_length_with_leading_zeros(void **state)
{
    for (size_t n = 0; n <= 80; n++) {
        uint8_t p[80];
        crypto_random(p, n);
        for (size_t z = 0; z < n && z < n % 5; z++) {
            p[z] = 0;
        }
        char s[base58_encoded_max(80)];
        assert_int_equal(base58_encode(p, n, s, sizeof s), YB_OK);
        if (n == 0) {
            assert_string_equal(s, "");
            continue;
        }
        uint8_t back[80];
        size_t m = 0;
        assert_int_equal(base58_decode(s, strlen(s), back, sizeof back, &m), YB_OK);
        assert_int_equal(m, n);
        assert_memory_equal(back, p, n);
    }
}

/* Base58 the schoolbook way, for comparison: repeatedly divide the big-endian number by 58. */
static void base58_reference(const uint8_t *p, size_t n, char *out)
{
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    uint8_t num[600];
    memcpy(num, p, n);
    char rev[900];
    size_t nd = 0;
    size_t zeros = 0;
    while (zeros < n && p[zeros] == 0) {
        zeros++;
    }
    for (;;) {
        bool all_zero = true;
        unsigned rem = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned cur = rem * 256 + num[i];
            num[i] = (uint8_t)(cur / 58);
            rem = cur % 58;
            all_zero = all_zero && num[i] == 0;
        }
        bool was_zero = all_zero && rem == 0;
        if (was_zero) {
            break;
        }
        rev[nd++] = alphabet[rem];
        if (all_zero) {
            break;
        }
    }
    memset(out, '1', zeros);
    for (size_t i = 0; i < nd; i++) {
        out[zeros + i] = rev[nd - 1 - i];
    }
    out[zeros + nd] = '\0';
}

static void base58_matches_a_schoolbook_reference(void **state)
{
    /* Every length up to the cap, random bytes with 0-3 leading zeros. */
    for (size_t n = 1; n <= BASE58_MAX_BYTES; n += (n < 80 ? 1 : 37)) {
        uint8_t p[BASE58_MAX_BYTES];
        crypto_random(p, n);
        for (size_t z = 0; z < n && z < n % 4; z++) {
            p[z] = 0;
        }
        char want[900];
        char got[900];
        base58_reference(p, n, want);
        assert_int_equal(base58_encode(p, n, got, sizeof got), YB_OK);
        assert_string_equal(got, want);
        uint8_t back[BASE58_MAX_BYTES];
        size_t m = 0;
        assert_int_equal(base58_decode(want, strlen(want), back, sizeof back, &m), YB_OK);
        assert_int_equal(m, n);
        assert_memory_equal(back, p, n);
    }
}

static void base58_rejects_malformed_input(void **state)
{
    static const struct {
        const char *in;
        int err;
    } cases[] = {
        {"", YB_EBASE58},
        {"0", YB_EBASE58},
        {"O", YB_EBASE58},
        {"I", YB_EBASE58},
        {"l", YB_EBASE58},
        {"abc+", YB_EBASE58},
        {" 2NEp", YB_EBASE58},
        {"2NEp\n", YB_EBASE58},
        {"ed25519:Anu7", YB_EBASE58},
        {"\xc3\xa9", YB_EBASE58},
        {"11111", YB_ETOOBIG}, /* 5 zero bytes into a 4-byte buffer */
        {"2NEpo7TZRRrLZSi2U", YB_ETOOBIG},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        uint8_t out[4];
        size_t n = 0;
        int rc = base58_decode(cases[i].in, strlen(cases[i].in), out, sizeof out, &n);
        if (rc != cases[i].err) {
            fail_msg("base58_decode(\"%s\") = %s, want %s", cases[i].in, yb_err_name(rc),
                     yb_err_name(cases[i].err));
        }
    }
}

static void base58_decode_exact_checks_the_length(void **state)
{
    uint8_t key[32];
    const char *pk = "Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC";
    assert_int_equal(base58_decode_exact(pk, strlen(pk), key, 32), YB_OK);
    /* The same text as a 31- or 33-byte value: the length is wrong, so it is bad base58. */
    assert_int_equal(base58_decode_exact(pk, strlen(pk), key, 31), YB_EBASE58);
    uint8_t big[33];
    assert_int_equal(base58_decode_exact(pk, strlen(pk), big, 33), YB_EBASE58);
    assert_int_equal(base58_decode_exact("1", 1, key, 32), YB_EBASE58);
}

static void base58_caps_its_quadratic_inputs(void **state)
{
    /* A long string of valid digits is refused before any conversion work. */
    size_t len = BASE58_MAX_STR_LEN + 1;
    char *s = malloc(len);
    assert_non_null(s);
    memset(s, 'z', len);
    uint8_t out[1024];
    size_t n = 0;
    assert_int_equal(base58_decode(s, len, out, sizeof out, &n), YB_ETOOBIG);
    /* At the cap it still works. */
    assert_int_equal(base58_decode(s, BASE58_MAX_STR_LEN, out, sizeof out, &n), YB_OK);
    free(s);

    uint8_t *p = calloc(BASE58_MAX_BYTES + 1, 1);
    assert_non_null(p);
    char *o = malloc(base58_encoded_max(BASE58_MAX_BYTES + 1));
    assert_non_null(o);
    assert_int_equal(
        base58_encode(p, BASE58_MAX_BYTES + 1, o, base58_encoded_max(BASE58_MAX_BYTES + 1)),
        YB_ETOOBIG);
    memset(p, 0xff, BASE58_MAX_BYTES);
    assert_int_equal(base58_encode(p, BASE58_MAX_BYTES, o, base58_encoded_max(BASE58_MAX_BYTES)),
                     YB_OK);
    free(o);
    free(p);
}

static void base58_encode_reports_a_small_buffer(void **state)
{
    const uint8_t h[3] = {0, 0, 1};
    char s[3];
    assert_int_equal(base58_encode(h, sizeof h, s, sizeof s), YB_ETOOBIG); /* "112" + NUL */
    char t[4];
    assert_int_equal(base58_encode(h, sizeof h, t, sizeof t), YB_OK);
    assert_string_equal(t, "112");
}

/* ---- base64 ---- */

static void base64_rfc4648_vectors(void **state)
{
    static const struct {
        const char *raw;
        const char *b64;
    } v[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < ARRAY_LEN(v); i++) {
        size_t n = strlen(v[i].raw);
        char s[16];
        assert_int_equal(base64_encoded_len(n), strlen(v[i].b64) + 1);
        assert_int_equal(base64_encode((const uint8_t *)v[i].raw, n, s, sizeof s), YB_OK);
        assert_string_equal(s, v[i].b64);
        uint8_t back[16];
        size_t m = 99;
        assert_int_equal(base64_decode(s, strlen(s), back, base64_decoded_max(strlen(s)), &m),
                         YB_OK);
        assert_int_equal(m, n);
        assert_memory_equal(back, v[i].raw, n);
    }
}

static void base64_decodes_binary_bytes(void **state)
{
    const char *s = "AP8Q/w==";
    uint8_t out[4];
    size_t n = 0;
    assert_int_equal(base64_decode(s, strlen(s), out, sizeof out, &n), YB_OK);
    assert_int_equal(n, 4);
    const uint8_t want[] = {0x00, 0xff, 0x10, 0xff};
    assert_memory_equal(out, want, 4);
}

static void base64_rejects_malformed_input(void **state)
{
    static const struct {
        const char *in;
        int err;
    } cases[] = {
        {"Zg", YB_EBASE64},       /* padding missing */
        {"Zg=", YB_EBASE64},      /* length not a multiple of 4 */
        {"Zg===", YB_EBASE64},    /* too much padding */
        {"Z===", YB_EBASE64},     /* one character cannot make a byte */
        {"====", YB_EBASE64},     /* padding only */
        {"Zh==", YB_EBASE64},     /* non-zero trailing bits */
        {"Zm9=", YB_EBASE64},     /* non-zero trailing bits */
        {"Zg==Zg==", YB_EBASE64}, /* padding in the middle */
        {"Z=g=", YB_EBASE64},     /* padding in the middle */
        {"Zm9v!A==", YB_EBASE64}, /* bad character */
        {"Zm9 v", YB_EBASE64},    /* space */
        {"Zm-_", YB_EBASE64},     /* url-safe alphabet is not standard */
        {"Zm9\xf6", YB_EBASE64},  /* non-ASCII (libsodium 1.0.18 accepted it; fuzz_codec) */
        {"Zm9v\x80\x80\x80\x80", YB_EBASE64},
        {"Zm9vYmFy", YB_ETOOBIG}, /* 6 bytes into a 4-byte buffer */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        uint8_t out[4];
        size_t n = 99;
        int rc = base64_decode(cases[i].in, strlen(cases[i].in), out, sizeof out, &n);
        if (rc != cases[i].err) {
            fail_msg("base64_decode(\"%s\") = %s, want %s", cases[i].in, yb_err_name(rc),
                     yb_err_name(cases[i].err));
        }
        assert_int_equal(n, 99);
    }
    char s[4];
    assert_int_equal(base64_encode((const uint8_t *)"foo", 3, s, sizeof s), YB_ETOOBIG);
}

/* ---- u128 ---- */

static void u128_decimal_round_trips(void **state)
{
    static const char *const v[] = {
        "0",
        "1",
        "10",
        "1000000000000000000000000",               /* 1 NEAR in yocto */
        "18446744073709551615",                    /* 2^64-1 */
        "18446744073709551616",                    /* 2^64 */
        "340282366920938463463374607431768211455", /* 2^128-1 */
    };
    for (size_t i = 0; i < ARRAY_LEN(v); i++) {
        yb_u128 x = 0;
        assert_int_equal(u128_from_dec(v[i], strlen(v[i]), &x), YB_OK);
        char s[U128_DEC_MAX];
        u128_to_dec(x, s);
        assert_string_equal(s, v[i]);
    }
    yb_u128 x = 0;
    assert_int_equal(u128_from_dec("18446744073709551616", 20, &x), YB_OK);
    assert_true(x == (yb_u128)UINT64_MAX + 1);
    assert_int_equal(u128_from_dec("007", 3, &x), YB_OK); /* leading zeros, as Rust parses */
    assert_true(x == 7);
}

static void u128_rejects_malformed_input(void **state)
{
    static const struct {
        const char *in;
        int err;
    } cases[] = {
        {"", YB_ENUMBER},
        {"+1", YB_ENUMBER},
        {"-1", YB_ENUMBER},
        {" 1", YB_ENUMBER},
        {"1 ", YB_ENUMBER},
        {"1.0", YB_ENUMBER},
        {"1e3", YB_ENUMBER},
        {"0x10", YB_ENUMBER},
        {"340282366920938463463374607431768211456", YB_EOVERFLOW}, /* 2^128 */
        {"999999999999999999999999999999999999999999", YB_EOVERFLOW},
        {"999999999999999999999999999999999999999999x", YB_ENUMBER},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        yb_u128 x = 42;
        int rc = u128_from_dec(cases[i].in, strlen(cases[i].in), &x);
        if (rc != cases[i].err) {
            fail_msg("u128_from_dec(\"%s\") = %s, want %s", cases[i].in, yb_err_name(rc),
                     yb_err_name(cases[i].err));
        }
        assert_true(x == 42);
    }
}

int main(void)
{
    assert_int_equal(crypto_init(), YB_OK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_round_trips_and_accepts_either_case),
        cmocka_unit_test(hex_rejects_malformed_input),
        cmocka_unit_test(base58_known_answers),
        cmocka_unit_test(base58_hash_strings_are_43_or_44_chars),
        cmocka_unit_test(base58_round_trips_every_length_with_leading_zeros),
        cmocka_unit_test(base58_matches_a_schoolbook_reference),
        cmocka_unit_test(base58_rejects_malformed_input),
        cmocka_unit_test(base58_decode_exact_checks_the_length),
        cmocka_unit_test(base58_caps_its_quadratic_inputs),
        cmocka_unit_test(base58_encode_reports_a_small_buffer),
        cmocka_unit_test(base64_rfc4648_vectors),
        cmocka_unit_test(base64_decodes_binary_bytes),
        cmocka_unit_test(base64_rejects_malformed_input),
        cmocka_unit_test(u128_decimal_round_trips),
        cmocka_unit_test(u128_rejects_malformed_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
