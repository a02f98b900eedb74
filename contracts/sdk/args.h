/*
 * args.h — reading a method's JSON arguments, panicking with a clear message on bad input.
 *
 * Contract methods take a flat JSON object, as near-sdk contracts do. args_load() reads and
 * validates input(); the getters look one member up and convert it, and on a missing member,
 * a wrong type or a value over its cap they stop the call with a message naming the argument
 * (e.g. "argument `prompt`: longer than 4096 bytes"), so contract code reads straight through.
 * Returned strings live in the bump allocator. wasm32 only; single-threaded.
 */
#ifndef ARGS_H
#define ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jr.h"

/* Input larger than this is refused before it is parsed (NEAR's own cap is 4 MiB). */
#define ARGS_MAX_INPUT (64u * 1024u)

/* Members remembered for lookups; an object with more is searched in its text instead. */
#define ARGS_MAX_MEMBERS 16

struct args {
    struct jr_value root; /* the argument object; empty input reads as {} */
    /* Whether members[] lists root's members (set by args_load / args_of; a struct made by hand
     * as {.root = obj} is not indexed and is searched in its text). */
    bool indexed;
    size_t count; /* members of root; over ARGS_MAX_MEMBERS means "not all in members" */
    struct jr_member members[ARGS_MAX_MEMBERS];
};

/* Reads input() into a; panics if it is over ARGS_MAX_INPUT, not JSON, or not an object. The
 * input is validated once, and its members are noted on the way, so lookups do not walk it. */
void args_load(struct args *a);

/* Reads arguments from obj, an object inside arguments already loaded (e.g. an element of an
 * argument array), so the same getters and messages apply to it. obj borrowed. */
void args_of(struct args *a, struct jr_value obj);

/*
 * The getters are macros over the *_n functions below, which take the key's length: keys are
 * almost always literals, whose length the compiler knows, so no lookup measures its key.
 */

/* Whether key is present (and not null). */
#define args_has(a, key) args_has_n((a), (key), __builtin_strlen(key))
bool args_has_n(const struct args *a, const char *key, size_t key_len);

/* A string member of at most max bytes (decoded), NUL-terminated; *len its length. */
#define args_string(a, key, max, len) args_string_n((a), (key), __builtin_strlen(key), (max), (len))
char *args_string_n(const struct args *a, const char *key, size_t key_len, size_t max, size_t *len);

/* An unsigned integer member (number or decimal string); args_u64_or gives dflt if absent. */
#define args_u64(a, key)          args_u64_n((a), (key), __builtin_strlen(key))
#define args_u64_or(a, key, dflt) args_u64_or_n((a), (key), __builtin_strlen(key), (dflt))
uint64_t args_u64_n(const struct args *a, const char *key, size_t key_len);
uint64_t args_u64_or_n(const struct args *a, const char *key, size_t key_len, uint64_t dflt);

#define args_bool(a, key) args_bool_n((a), (key), __builtin_strlen(key))
bool args_bool_n(const struct args *a, const char *key, size_t key_len);

/* A 32-byte id given as near-sdk's array of 32 numbers or as a base58 string. */
#define args_hash32(a, key, out) args_hash32_n((a), (key), __builtin_strlen(key), (out))
void args_hash32_n(const struct args *a, const char *key, size_t key_len, uint8_t out[32]);

/* The raw JSON of a member (for arrays); panics if missing. */
#define args_value(a, key) args_value_n((a), (key), __builtin_strlen(key))
struct jr_value args_value_n(const struct args *a, const char *key, size_t key_len);

/* Panics "argument `key`: <what>". */
__attribute__((noreturn)) void args_fail(const char *key, const char *what);

#endif
