/*
 * promise.h — building promises (cross-contract calls, callbacks, yields) without repeating the
 * raw near_* argument lists: strings are NUL-terminated account ids / method names, deposits
 * are zero (use the near_* functions directly to attach one), gas is in gas units (1 Tgas =
 * PROMISE_TGAS). Every function returns NEAR's promise index. All pointers are borrowed. Host
 * errors (bad account ids, gas over the budget, view calls) abort the call as described in
 * near.h. wasm32 only; single-threaded.
 */
#ifndef PROMISE_H
#define PROMISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROMISE_TGAS 1000000000000ull

/* A function call on account: promise_create with no deposit. args is the argument bytes. */
uint64_t promise_call(const char *account, const char *method, const char *args, size_t args_len,
                      uint64_t gas);

/* A function call on account that runs after promise `after`: promise_then with no deposit. */
uint64_t promise_call_then(uint64_t after, const char *account, const char *method,
                           const char *args, size_t args_len, uint64_t gas);

/* A callback on this contract after promise `after`, with static gas and a gas weight (weight
 * w > 0 also hands it a share of the call's unused gas): promise_batch_then +
 * promise_batch_action_function_call_weight. */
uint64_t promise_callback(uint64_t after, const char *method, const char *args, size_t args_len,
                          uint64_t gas, uint64_t weight);

/* Joins n promises (n >= 1) into one that a callback can follow: promise_and. */
uint64_t promise_join(const uint64_t *promises, size_t n);

/* promise_yield_create: parks a callback `method` on this contract until a resume or the
 * timeout; data_id receives its 32-byte id (through register `reg`, which it overwrites). */
uint64_t promise_yield(const char *method, const char *args, size_t args_len, uint64_t gas,
                       uint64_t weight, uint64_t reg, uint8_t data_id[32]);

/* promise_yield_resume: whether a yield of this account with that id was pending. payload up to
 * 1024 bytes (more is a host error). */
bool promise_resume(const uint8_t data_id[32], const void *payload, size_t payload_len);

/* promise_result(i) read through register `reg`: returns 1 (value in *out, *len bytes, NULL if
 * it is longer than max — then *len is its length), 2 (failed; *out NULL) or 0 (not ready). */
uint64_t promise_result_value(uint64_t i, uint64_t reg, size_t max, uint8_t **out, size_t *len);

#endif
