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

/* Whether key is present (and not null). */
bool args_has(const struct args *a, const char *key);

/* A string member of at most max bytes (decoded), NUL-terminated; *len its length. */
char *args_string(const struct args *a, const char *key, size_t max, size_t *len);

/* An unsigned integer member (number or decimal string); args_u64_or gives dflt if absent. */
uint64_t args_u64(const struct args *a, const char *key);
uint64_t args_u64_or(const struct args *a, const char *key, uint64_t dflt);

bool args_bool(const struct args *a, const char *key);

/* A 32-byte id given as near-sdk's array of 32 numbers or as a base58 string. */
void args_hash32(const struct args *a, const char *key, uint8_t out[32]);

/* The raw JSON of a member (for arrays); panics if missing. */
struct jr_value args_value(const struct args *a, const char *key);

/* Panics "argument `key`: <what>". */
__attribute__((noreturn)) void args_fail(const char *key, const char *what);

#endif
