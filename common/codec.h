/*
 * codec.h — text encodings of bytes and numbers used by NEAR: hex, base58 (Bitcoin alphabet,
 * as NEAR uses for hashes and keys), base64 (standard alphabet, with padding), and u128 as a
 * decimal string (balances in JSON).
 *
 * Encoders write a NUL-terminated string into a caller buffer and fail with YB_ETOOBIG when it
 * is too small; the *_len() helpers give the size to allocate (including the NUL). Decoders
 * write at most `cap` bytes, set *out_len, and fail with a named error on bad input.
 */
#ifndef YB_CODEC_H
#define YB_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* ---- hex (lowercase out, either case in) ---- */
size_t hex_encoded_len(size_t n); /* 2n + 1 */
int hex_encode(const uint8_t *p, size_t n, char *out, size_t out_cap);
/* Errors: YB_EHEX (odd length, bad digit), YB_ETOOBIG (out too small). */
int hex_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *out_len);

/* ---- base58, Bitcoin alphabet; leading zero bytes map to leading '1's ---- */
/* Base58 conversion costs O(n^2), so both directions refuse inputs past these caps with
 * YB_ETOOBIG before doing any work. 1024 characters hold 749 bytes: far above the 64-byte
 * keys and signatures and 32-byte hashes NEAR writes in base58. */
#define BASE58_MAX_STR_LEN 1024
#define BASE58_MAX_BYTES   512
size_t base58_encoded_max(size_t n); /* an upper bound, including the NUL */
int base58_encode(const uint8_t *p, size_t n, char *out, size_t out_cap);
/* Errors: YB_EBASE58 (a character outside the alphabet, empty input), YB_ETOOBIG. */
int base58_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *out_len);
/* Decode exactly `n` bytes (32-byte hashes, keys); YB_EBASE58 if the length differs. */
int base58_decode_exact(const char *s, size_t slen, uint8_t *out, size_t n);

/* ---- base64, standard alphabet with '=' padding ---- */
size_t base64_encoded_len(size_t n); /* including the NUL */
size_t base64_decoded_max(size_t slen);
int base64_encode(const uint8_t *p, size_t n, char *out, size_t out_cap);
/* Errors: YB_EBASE64 (bad character, bad padding, bad length), YB_ETOOBIG. */
int base64_decode(const char *s, size_t slen, uint8_t *out, size_t cap, size_t *out_len);

/* ---- u128 (yoctoNEAR balances) ---- */
typedef unsigned __int128 yb_u128;
#define U128_DEC_MAX 40 /* 39 digits + NUL */
/* Writes the decimal form ("0" for zero). out must hold U128_DEC_MAX bytes. */
void u128_to_dec(yb_u128 v, char out[U128_DEC_MAX]);
/* Parses digits only (no sign, no spaces, no leading '+'); YB_ENUMBER on bad input,
 * YB_EOVERFLOW past 2^128-1. */
int u128_from_dec(const char *s, size_t slen, yb_u128 *out);

#endif
