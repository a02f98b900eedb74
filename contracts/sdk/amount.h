/*
 * amount.h — u128 yoctoNEAR amounts without compiler-rt.
 *
 * NEAR passes balances and deposits as 16 bytes little-endian. clang's unsigned __int128 would
 * need compiler-rt helpers (__multi3, __udivti3) that a -nostdlib wasm32 build does not have, so
 * amounts are two u64 halves and the arithmetic is done by hand. Freestanding; pure; any thread.
 * Errors (common/err.h): YB_EOVERFLOW (result outside 0..2^128-1), YB_ENUMBER (not decimal
 * digits), YB_ETOOBIG (text longer than AMOUNT_DEC_MAX - 1).
 */
#ifndef AMOUNT_H
#define AMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* 2^128 - 1 has 39 decimal digits; plus a NUL. */
#define AMOUNT_DEC_MAX 40

struct amount {
    uint64_t lo;
    uint64_t hi;
};

struct amount amount_from_u64(uint64_t v);
/* Reads / writes NEAR's 16-byte little-endian form; pointers borrowed. */
struct amount amount_load(const uint8_t le[16]);
void amount_store(struct amount a, uint8_t le[16]);

/* -1, 0 or 1 as a <, == or > b. */
int amount_cmp(struct amount a, struct amount b);
bool amount_is_zero(struct amount a);

/* *out = a + b / a - b / a * m; YB_EOVERFLOW (and *out untouched) when out of range. */
int amount_add(struct amount a, struct amount b, struct amount *out);
int amount_sub(struct amount a, struct amount b, struct amount *out);
int amount_mul_u64(struct amount a, uint64_t m, struct amount *out);

/* Decimal text with a NUL; returns the number of digits. */
size_t amount_to_dec(struct amount a, char out[AMOUNT_DEC_MAX]);
/* Parses decimal digits (no sign, no leading zeros except "0"). */
int amount_from_dec(const char *s, size_t n, struct amount *out);

#endif
