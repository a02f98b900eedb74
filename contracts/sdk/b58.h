/*
 * b58.h — base58 (Bitcoin alphabet) for NEAR's 32-byte ids: yield/data ids and hashes.
 *
 * Inputs are capped at B58_MAX_BYTES so the conversion runs in fixed stack buffers. Freestanding;
 * pure functions; any thread. Errors (common/err.h): YB_ETOOBIG (input or output over its cap),
 * YB_EBASE58 (a character outside the alphabet, or an empty string).
 */
#ifndef B58_H
#define B58_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Largest byte string handled (a 64-byte ed25519 signature fits). */
#define B58_MAX_BYTES 64
/* Characters of base58 text for B58_MAX_BYTES bytes (each byte needs at most log58(256) < 1.37
 * characters) plus a NUL. 32 bytes need at most 44 characters. */
#define B58_MAX_TEXT  90
#define B58_HASH_TEXT 45

/* Encodes p[0..n) into out (cap bytes, NUL-terminated); *out_len = characters written.
 * p, out borrowed. YB_ETOOBIG if n > B58_MAX_BYTES or the text does not fit in cap. */
int b58_encode(const uint8_t *p, size_t n, char *out, size_t cap, size_t *out_len);

/* Decodes s[0..slen) into exactly n bytes of out: YB_EBASE58 if it is not base58 of exactly n
 * bytes (leading '1's count as zero bytes), YB_ETOOBIG if slen > B58_MAX_TEXT or n >
 * B58_MAX_BYTES. */
int b58_decode_exact(const char *s, size_t slen, uint8_t *out, size_t n);

#endif
