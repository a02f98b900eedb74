/*
 * str.h — small string helpers for contracts: decimal formatting, byte-string equality (account
 * ids are compared as bytes, as nearcore does), UTF-8 validation. Freestanding; pure functions;
 * any thread. All pointers are borrowed.
 */
#ifndef STR_H
#define STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes needed for any u64 in decimal plus a NUL: "18446744073709551615" is 20 digits. */
#define STR_U64_MAX 21

/* Writes v in decimal and a NUL to out; returns the number of digits. */
size_t str_from_u64(uint64_t v, char out[STR_U64_MAX]);

/* Whether a[0..an) and b[0..bn) hold the same bytes. */
bool str_eq(const void *a, size_t an, const void *b, size_t bn);

/* Whether the NUL-terminated z equals p[0..n). */
bool str_eq_z(const void *p, size_t n, const char *z);

/* NEAR account id limits (nearcore's AccountId rules). */
#define STR_ACCOUNT_MIN 2
#define STR_ACCOUNT_MAX 64

/* Whether p[0..n) is a valid NEAR account id: 2-64 characters of a-z, 0-9 and the separators
 * '.', '-', '_', starting and ending with a letter or digit, no two separators in a row. */
bool str_account_id_valid(const char *p, size_t n);

/* Length of the valid UTF-8 sequence starting at p[i] (i < n), or 0 if it is invalid (overlong
 * forms, surrogates and code points above U+10FFFF are invalid, as in Rust's str). */
size_t str_utf8_seq_len(const uint8_t *p, size_t n, size_t i);

/* How many bytes at the start of p[0..n) need no escaping inside a JSON string: printable ASCII
 * (0x20..0x7F) other than '"' and '\\'. Eight bytes per step; reads only p[0..n). */
size_t str_plain_run(const uint8_t *p, size_t n);

/* How many bytes at the start of p[0..n) are neither '"' nor '\\' (the bytes that can end or
 * escape inside a JSON string). Eight bytes per step; reads only p[0..n). */
size_t str_quote_run(const uint8_t *p, size_t n);

/* Whether p[0..n) is entirely valid UTF-8. */
bool str_utf8_valid(const char *p, size_t n);

#endif
