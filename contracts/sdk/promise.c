/*
 * promise.c — promise building over the raw host functions (see promise.h).
 */
#include "promise.h"

#include "env.h"
#include "libc.h"
#include "near.h"

/* Deposits are 16 bytes little-endian in memory; these helpers never attach one. */
static const uint8_t no_deposit[16];

uint64_t promise_call(const char *account, const char *method, const char *args, size_t args_len,
                      uint64_t gas)
{
    return near_promise_create(strlen(account), NEAR_PTR(account), strlen(method), NEAR_PTR(method),
                               args_len, NEAR_PTR(args), NEAR_PTR(no_deposit), gas);
}

uint64_t promise_call_then(uint64_t after, const char *account, const char *method,
                           const char *args, size_t args_len, uint64_t gas)
{
    return near_promise_then(after, strlen(account), NEAR_PTR(account), strlen(method),
                             NEAR_PTR(method), args_len, NEAR_PTR(args), NEAR_PTR(no_deposit), gas);
}

uint64_t promise_callback(uint64_t after, const char *method, const char *args, size_t args_len,
                          uint64_t gas, uint64_t weight)
{
    size_t self_len;
    char *self = env_current_account(&self_len);
    uint64_t p = near_promise_batch_then(after, self_len, NEAR_PTR(self));
    near_promise_batch_action_function_call_weight(p, strlen(method), NEAR_PTR(method), args_len,
                                                   NEAR_PTR(args), NEAR_PTR(no_deposit), gas,
                                                   weight);
    return p;
}

uint64_t promise_join(const uint64_t *promises, size_t n)
{
    /* promise_and reads the indices as u64 little-endian, which is how wasm32 lays out a
     * uint64_t array, so the caller's array is passed as is. */
    return near_promise_and(NEAR_PTR(promises), n);
}

uint64_t promise_yield(const char *method, const char *args, size_t args_len, uint64_t gas,
                       uint64_t weight, uint64_t reg, uint8_t data_id[32])
{
    uint64_t p = near_promise_yield_create(strlen(method), NEAR_PTR(method), args_len,
                                           NEAR_PTR(args), gas, weight, reg);
    if (near_register_len(reg) != 32) {
        env_panic_z("promise_yield_create gave no 32-byte data id");
    }
    near_read_register(reg, NEAR_PTR(data_id));
    return p;
}

bool promise_resume(const uint8_t data_id[32], const void *payload, size_t payload_len)
{
    return near_promise_yield_resume(32, NEAR_PTR(data_id), payload_len, NEAR_PTR(payload)) == 1;
}

uint64_t promise_result_value(uint64_t i, uint64_t reg, size_t max, uint8_t **out, size_t *len)
{
    uint64_t status = near_promise_result(i, reg);
    *out = NULL;
    *len = 0;
    if (status == 1) {
        *out = env_register_max(reg, max, len);
        if (*out == NULL && near_register_len(reg) == UINT64_MAX) {
            env_panic_z("promise_result: status 1 without a value in the register");
        }
    }
    return status;
}
