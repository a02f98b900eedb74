/*
 * jr.h — a small JSON reader for contract arguments (flat objects).
 *
 * Contracts receive their arguments as JSON bytes (near-sdk's convention). This reader validates
 * a whole document (RFC 8259 grammar, UTF-8 inside strings, nesting depth capped at
 * JR_MAX_DEPTH) and hands out values as slices pointing into the caller's buffer; typed
 * decoders then turn a slice into a C value. Nothing is allocated except by
 * jr_string_alloc(). Freestanding: no libc beyond memcpy/memcmp, so it builds for wasm32 and for
 * the host (unit tests). Pure functions; any thread.
 *
 * Errors (enum yb_err, common/err.h): YB_EJSON (not valid JSON, or a duplicate key),
 * YB_EJSON_TYPE (a value of another type), YB_EJSON_MISSING (key absent), YB_ENUMBER (not an
 * unsigned integer), YB_EOVERFLOW (above UINT64_MAX or a byte above 255), YB_ETOOBIG (decoded
 * string over the caller's cap), YB_EUTF8 (invalid UTF-8 or a lone surrogate escape).
 */
#ifndef JR_H
#define JR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Arrays/objects nested deeper than this are rejected (bounds the reader's recursion). */
#define JR_MAX_DEPTH 32
/* Keys longer than this (after unescaping) never match a lookup; they are still validated. */
#define JR_MAX_KEY 64

/* The text of one JSON value inside a borrowed buffer (no surrounding whitespace). */
struct jr_value {
    const char *p;
    size_t n;
};

/* The JSON type a value's first character announces. */
enum jr_type { JR_NULL, JR_BOOL, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

/* Checks that p[0..n) is exactly one JSON value surrounded by optional whitespace and stores
 * it in *out (out may be NULL). p borrowed; *out points into it. YB_EJSON otherwise. */
int jr_parse(const char *p, size_t n, struct jr_value *out);

/* One member of an object: its key as raw JSON text (the string with its quotes, escapes not
 * decoded; compare it with jr_member_is) and its value. Both point into the parsed buffer. */
struct jr_member {
    struct jr_value key;
    struct jr_value value;
    bool key_escaped; /* the key has escapes: compare it decoded */
};

/* jr_parse, and if the value is an object, its first max members in members[] (in document
 * order) while it is validated, so no lookup has to walk the text again. *count receives the
 * number of members, which may exceed max (then only the first max were stored). */
int jr_parse_members(const char *p, size_t n, struct jr_value *out, struct jr_member *members,
                     size_t max, size_t *count);

/* Iterates the members of an object from jr_parse/jr_get: start with *pos = 0; each call stores
 * the next member and returns 0, or YB_ENOTFOUND after the last. YB_EJSON_TYPE if obj is not an
 * object. */
int jr_object_next(struct jr_value obj, size_t *pos, struct jr_member *member);

/* Whether a member's key decodes to key[0..key_len). m borrowed. */
bool jr_member_is(const struct jr_member *m, const char *key, size_t key_len);

/* The type of a value returned by this module. */
enum jr_type jr_type_of(struct jr_value v);

/* Looks up key (NUL-terminated, compared after unescaping) in object obj, which must come from
 * jr_parse/jr_get (so it is valid). YB_EJSON_TYPE if obj is not an object, YB_EJSON_MISSING if
 * the key is absent, YB_EJSON if it appears twice (serde rejects duplicate fields too). */
int jr_get(struct jr_value obj, const char *key, struct jr_value *out);

/* Decodes a string value into out (cap bytes, no NUL added), \uXXXX escapes and surrogate pairs
 * into UTF-8; *out_len is the decoded length. YB_EJSON_TYPE if v is not a string, YB_ETOOBIG
 * if it decodes to more than cap bytes, YB_EUTF8 for a lone surrogate. */
int jr_string(struct jr_value v, char *out, size_t cap, size_t *out_len);

/* The same into a buffer from alloc_bytes() holding at most max bytes plus a NUL terminator;
 * *out returned (never freed: contracts use the bump allocator). */
int jr_string_alloc(struct jr_value v, size_t max, char **out, size_t *out_len);

/* An unsigned integer: a JSON number without sign, fraction or exponent, or a string holding
 * only decimal digits (how near-sdk passes U64). YB_ENUMBER otherwise, YB_EOVERFLOW above
 * UINT64_MAX. */
int jr_u64(struct jr_value v, uint64_t *out);

/* true / false; YB_EJSON_TYPE otherwise. */
int jr_bool(struct jr_value v, bool *out);

/* An array of exactly 32 integers 0..255 (near-sdk's CryptoHash JSON). YB_EJSON_TYPE if v is
 * not an array or has another length or element type, YB_EOVERFLOW for an element above 255. */
int jr_hash32(struct jr_value v, uint8_t out[32]);

/* Iterates an array: start with *pos = 0; each call stores the next element in *elem and
 * returns 0, or YB_ENOTFOUND after the last. YB_EJSON_TYPE if arr is not an array. */
int jr_array_next(struct jr_value arr, size_t *pos, struct jr_value *elem);

#endif
