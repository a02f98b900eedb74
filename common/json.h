/*
 * json.h — typed access to cJSON trees that returns errors instead of NULL-chasing, a parse with
 * a size cap and an error position, and writers for NEAR's number conventions (u64 as a JSON
 * number, u128 as a decimal string; reference/near-rpc.md §6).
 *
 * Getters take an object and a key (matched case-sensitively). A key that is absent is
 * YB_EJSON_MISSING; a key whose value has the wrong type (null included) is YB_EJSON_TYPE, and
 * so is an `obj` that is not an object. The json_opt_* forms treat an absent key or a null value
 * as "use the default" (serde's Option) and fail only on a wrong type. Out-parameters are
 * written only on success. The json_as_* forms convert one value (an array element).
 *
 * Strings and sub-objects handed out are borrowed: they live as long as the tree.
 *
 * Thread rules: reentrant; a tree may be read from several threads but not changed meanwhile.
 * Parse through json_parse rather than cJSON_Parse*: cJSON writes a global on every parse, and
 * json_parse serialises that.
 */
#ifndef YB_JSON_H
#define YB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "codec.h"

/* The largest integer a JSON number (an IEEE double) carries exactly: 2^53 - 1, JavaScript's
 * Number.MAX_SAFE_INTEGER. Larger u64 values must come as decimal strings to be accepted. */
#define JSON_MAX_SAFE_INT 9007199254740991ULL

/*
 * Parses text[0..len) (need not be NUL-terminated) into a tree; *out returned (cJSON_Delete).
 * Trailing whitespace is allowed, anything else after the value is an error.
 * err_pos may be NULL; on YB_EJSON it receives the byte offset where parsing failed.
 * Errors: YB_ETOOBIG (len > max_len; nothing is parsed), YB_EJSON.
 */
int json_parse(const char *text, size_t len, size_t max_len, cJSON **out, size_t *err_pos);

/* ---- one value ---- */
/* A string; *out borrowed from v. Errors: YB_EJSON_TYPE. */
int json_as_str(const cJSON *v, const char **out);
/* A JSON number that is a whole number in 0..JSON_MAX_SAFE_INT, or a string of decimal digits
 * up to 2^64-1. Errors: YB_EJSON_TYPE (other types), YB_ENUMBER (a fraction, a negative, a
 * number past JSON_MAX_SAFE_INT, a string that is not plain digits), YB_EOVERFLOW (a string past
 * 2^64-1). */
int json_as_u64(const cJSON *v, uint64_t *out);
/* A string of decimal digits (NEAR balances). Errors: YB_EJSON_TYPE (not a string), YB_ENUMBER,
 * YB_EOVERFLOW. */
int json_as_u128(const cJSON *v, yb_u128 *out);
/* Errors: YB_EJSON_TYPE. */
int json_as_bool(const cJSON *v, bool *out);
/*
 * Bytes from a standard base64 string (args_base64, SuccessValue, code_base64), at most max of
 * them; *out returned (free(); non-NULL even for zero bytes), *len its size. Errors:
 * YB_EJSON_TYPE, YB_EBASE64, YB_ETOOBIG (more than max bytes; checked before allocating).
 */
int json_as_base64(const cJSON *v, size_t max, uint8_t **out, size_t *len);
/*
 * Bytes from an array of numbers 0..255 (a call_function result, near-rpc.md §6), at most max;
 * *out returned (free(); non-NULL), *len its size. Errors: YB_EJSON_TYPE (not an array, or an
 * element not a number), YB_ENUMBER (an element not a whole number in 0..255), YB_ETOOBIG.
 */
int json_as_byte_array(const cJSON *v, size_t max, uint8_t **out, size_t *len);

/* ---- required fields ---- */
int json_get_str(const cJSON *obj, const char *key, const char **out);
int json_get_u64(const cJSON *obj, const char *key, uint64_t *out);
int json_get_u128(const cJSON *obj, const char *key, yb_u128 *out);
int json_get_bool(const cJSON *obj, const char *key, bool *out);
/* *out borrowed from obj. */
int json_get_object(const cJSON *obj, const char *key, const cJSON **out);
int json_get_array(const cJSON *obj, const char *key, const cJSON **out);
/* As json_as_base64 / json_as_byte_array on a field. */
int json_get_base64(const cJSON *obj, const char *key, size_t max, uint8_t **out, size_t *len);
int json_get_byte_array(const cJSON *obj, const char *key, size_t max, uint8_t **out, size_t *len);

/* ---- optional fields: absent or null gives the default ---- */
int json_opt_str(const cJSON *obj, const char *key, const char *def, const char **out);
int json_opt_u64(const cJSON *obj, const char *key, uint64_t def, uint64_t *out);
int json_opt_u128(const cJSON *obj, const char *key, yb_u128 def, yb_u128 *out);
int json_opt_bool(const cJSON *obj, const char *key, bool def, bool *out);
/* *out is NULL when absent or null. */
int json_opt_object(const cJSON *obj, const char *key, const cJSON **out);
int json_opt_array(const cJSON *obj, const char *key, const cJSON **out);

/* ---- writers ---- */
/*
 * Adds a u64 as a JSON number, printed exactly over the whole u64 range: values below 10^15 are
 * ordinary cJSON numbers, larger ones raw digits (cJSON_IsRaw; json_as_u64 reads both). Note
 * that a reader going through cJSON gets back only values up to JSON_MAX_SAFE_INT exactly.
 * obj and key borrowed. Errors: YB_EINVAL (obj not an object), YB_ENOMEM.
 */
int json_add_u64(cJSON *obj, const char *key, uint64_t v);
/* Adds a u128 as a decimal string ("1000000000000000000000000"). Errors as json_add_u64. */
int json_add_u128(cJSON *obj, const char *key, yb_u128 v);
/* Adds p[0..n) (borrowed) as a standard base64 string. Errors as json_add_u64. */
int json_add_base64(cJSON *obj, const char *key, const uint8_t *p, size_t n);

#endif
