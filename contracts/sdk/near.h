/*
 * near.h — the NEAR `env` host functions, declared for C contracts compiled with
 * clang --target=wasm32.
 *
 * Each declaration imports one function from module `env` under NEAR's own name (the
 * `import_name` attribute); the C name carries the `near_` prefix so nothing collides with C
 * library names such as `abort` or `panic`. Signatures are exactly nearcore's
 * (runtime/near-vm-runner/src/logic/imports.rs, mirrored by near-sdk's near-sys): every
 * parameter is a u64, except `abort`, which takes four u32 (AssemblyScript's ABI). The ctest
 * `contracts_imports` checks each built contract's import section against the same list.
 *
 * Conventions of the ABI (reference/nep519.md §6):
 *  - `(len, ptr)` pairs point into the contract's linear memory; `len == UINT64_MAX` means "ptr
 *    is a register id" (for log/panic strings: a NUL-terminated string instead).
 *  - Byte results go to a numbered register; size it with near_register_len() and copy it with
 *    near_read_register(). near_register_len() returns UINT64_MAX for an unused register.
 *  - u128 amounts are 16 bytes little-endian in memory, passed by pointer.
 *  - Misuse (bad pointers, limits, view-call prohibitions) is a host error: the call aborts and
 *    the receipt rolls back. It is never a return code.
 *
 * Left out: the deprecated storage iterators (storage_iter_*, a host error on NEAR), and what
 * our contracts do not use — chain_id, ecrecover, p256_verify, validator, alt_bn128, BLS12-381,
 * global-contract, state-init and gas-key functions. Adding one is one declaration; the import
 * check already knows every nearcore signature. Thread rules: contracts are single-threaded.
 */
#ifndef NEAR_H
#define NEAR_H

#include <stdint.h>

#define NEAR_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

/* The value NEAR uses for "no length: the pointer is a register id / NUL-terminated string". */
#define NEAR_REGISTER_ARG UINT64_MAX
/* promise_yield_create_with_id's answer when a yield with that id is still pending. */
#define NEAR_YIELD_ID_PENDING UINT64_MAX

/* ---- registers ---- */
NEAR_IMPORT(read_register) void near_read_register(uint64_t register_id, uint64_t ptr);
NEAR_IMPORT(register_len) uint64_t near_register_len(uint64_t register_id);
NEAR_IMPORT(write_register)
void near_write_register(uint64_t register_id, uint64_t data_len, uint64_t data_ptr);

/* ---- context ---- */
NEAR_IMPORT(current_account_id) void near_current_account_id(uint64_t register_id);
NEAR_IMPORT(signer_account_id) void near_signer_account_id(uint64_t register_id);
NEAR_IMPORT(signer_account_pk) void near_signer_account_pk(uint64_t register_id);
NEAR_IMPORT(predecessor_account_id) void near_predecessor_account_id(uint64_t register_id);
NEAR_IMPORT(input) void near_input(uint64_t register_id);
NEAR_IMPORT(block_index) uint64_t near_block_index(void);
NEAR_IMPORT(block_timestamp) uint64_t near_block_timestamp(void);
NEAR_IMPORT(epoch_height) uint64_t near_epoch_height(void);
NEAR_IMPORT(storage_usage) uint64_t near_storage_usage(void);

/* ---- economics ---- */
NEAR_IMPORT(account_balance) void near_account_balance(uint64_t balance_ptr);
NEAR_IMPORT(account_locked_balance) void near_account_locked_balance(uint64_t balance_ptr);
NEAR_IMPORT(attached_deposit) void near_attached_deposit(uint64_t balance_ptr);
NEAR_IMPORT(prepaid_gas) uint64_t near_prepaid_gas(void);
NEAR_IMPORT(used_gas) uint64_t near_used_gas(void);

/* ---- math ---- */
NEAR_IMPORT(random_seed) void near_random_seed(uint64_t register_id);
NEAR_IMPORT(sha256) void near_sha256(uint64_t value_len, uint64_t value_ptr, uint64_t register_id);
NEAR_IMPORT(keccak256)
void near_keccak256(uint64_t value_len, uint64_t value_ptr, uint64_t register_id);
NEAR_IMPORT(keccak512)
void near_keccak512(uint64_t value_len, uint64_t value_ptr, uint64_t register_id);
NEAR_IMPORT(ripemd160)
void near_ripemd160(uint64_t value_len, uint64_t value_ptr, uint64_t register_id);
NEAR_IMPORT(ed25519_verify)
uint64_t near_ed25519_verify(uint64_t sig_len, uint64_t sig_ptr, uint64_t msg_len, uint64_t msg_ptr,
                             uint64_t pub_key_len, uint64_t pub_key_ptr);

/* ---- miscellaneous ---- */
NEAR_IMPORT(value_return) void near_value_return(uint64_t value_len, uint64_t value_ptr);
NEAR_IMPORT(panic) __attribute__((noreturn)) void near_panic(void);
NEAR_IMPORT(panic_utf8) __attribute__((noreturn)) void near_panic_utf8(uint64_t len, uint64_t ptr);
NEAR_IMPORT(log_utf8) void near_log_utf8(uint64_t len, uint64_t ptr);
NEAR_IMPORT(log_utf16) void near_log_utf16(uint64_t len, uint64_t ptr);
NEAR_IMPORT(abort)
__attribute__((noreturn)) void near_abort(uint32_t msg_ptr, uint32_t filename_ptr, uint32_t line,
                                          uint32_t col);

/* ---- promises ---- */
NEAR_IMPORT(promise_create)
uint64_t near_promise_create(uint64_t account_id_len, uint64_t account_id_ptr,
                             uint64_t function_name_len, uint64_t function_name_ptr,
                             uint64_t arguments_len, uint64_t arguments_ptr, uint64_t amount_ptr,
                             uint64_t gas);
NEAR_IMPORT(promise_then)
uint64_t near_promise_then(uint64_t promise_index, uint64_t account_id_len, uint64_t account_id_ptr,
                           uint64_t function_name_len, uint64_t function_name_ptr,
                           uint64_t arguments_len, uint64_t arguments_ptr, uint64_t amount_ptr,
                           uint64_t gas);
/* promise_idx_ptr points at promise_idx_count u64 little-endian promise indices. */
NEAR_IMPORT(promise_and)
uint64_t near_promise_and(uint64_t promise_idx_ptr, uint64_t promise_idx_count);
NEAR_IMPORT(promise_batch_create)
uint64_t near_promise_batch_create(uint64_t account_id_len, uint64_t account_id_ptr);
NEAR_IMPORT(promise_batch_then)
uint64_t near_promise_batch_then(uint64_t promise_index, uint64_t account_id_len,
                                 uint64_t account_id_ptr);
NEAR_IMPORT(promise_set_refund_to)
void near_promise_set_refund_to(uint64_t promise_index, uint64_t account_id_len,
                                uint64_t account_id_ptr);

/* ---- promise batch actions ---- */
NEAR_IMPORT(promise_batch_action_create_account)
void near_promise_batch_action_create_account(uint64_t promise_index);
NEAR_IMPORT(promise_batch_action_deploy_contract)
void near_promise_batch_action_deploy_contract(uint64_t promise_index, uint64_t code_len,
                                               uint64_t code_ptr);
NEAR_IMPORT(promise_batch_action_function_call)
void near_promise_batch_action_function_call(uint64_t promise_index, uint64_t function_name_len,
                                             uint64_t function_name_ptr, uint64_t arguments_len,
                                             uint64_t arguments_ptr, uint64_t amount_ptr,
                                             uint64_t gas);
NEAR_IMPORT(promise_batch_action_function_call_weight)
void near_promise_batch_action_function_call_weight(uint64_t promise_index,
                                                    uint64_t function_name_len,
                                                    uint64_t function_name_ptr,
                                                    uint64_t arguments_len, uint64_t arguments_ptr,
                                                    uint64_t amount_ptr, uint64_t gas,
                                                    uint64_t weight);
NEAR_IMPORT(promise_batch_action_transfer)
void near_promise_batch_action_transfer(uint64_t promise_index, uint64_t amount_ptr);
NEAR_IMPORT(promise_batch_action_stake)
void near_promise_batch_action_stake(uint64_t promise_index, uint64_t amount_ptr,
                                     uint64_t public_key_len, uint64_t public_key_ptr);
NEAR_IMPORT(promise_batch_action_add_key_with_full_access)
void near_promise_batch_action_add_key_with_full_access(uint64_t promise_index,
                                                        uint64_t public_key_len,
                                                        uint64_t public_key_ptr, uint64_t nonce);
/* function_names: comma-separated method names (empty = any method). */
NEAR_IMPORT(promise_batch_action_add_key_with_function_call)
void near_promise_batch_action_add_key_with_function_call(
    uint64_t promise_index, uint64_t public_key_len, uint64_t public_key_ptr, uint64_t nonce,
    uint64_t allowance_ptr, uint64_t receiver_id_len, uint64_t receiver_id_ptr,
    uint64_t function_names_len, uint64_t function_names_ptr);
NEAR_IMPORT(promise_batch_action_delete_key)
void near_promise_batch_action_delete_key(uint64_t promise_index, uint64_t public_key_len,
                                          uint64_t public_key_ptr);
NEAR_IMPORT(promise_batch_action_delete_account)
void near_promise_batch_action_delete_account(uint64_t promise_index, uint64_t beneficiary_id_len,
                                              uint64_t beneficiary_id_ptr);

/* ---- yield / resume (NEP-519; reference/nep519.md §3) ---- */
/* Writes the 32-byte data id to register_id and returns the yield's promise index. */
NEAR_IMPORT(promise_yield_create)
uint64_t near_promise_yield_create(uint64_t function_name_len, uint64_t function_name_ptr,
                                   uint64_t arguments_len, uint64_t arguments_ptr, uint64_t gas,
                                   uint64_t gas_weight, uint64_t register_id);
/* 1 if a yield with that data id is pending for this account (payload queued), else 0.
 * A payload over 1024 bytes or a data id that is not 32 bytes is a host error. */
NEAR_IMPORT(promise_yield_resume)
uint32_t near_promise_yield_resume(uint64_t data_id_len, uint64_t data_id_ptr, uint64_t payload_len,
                                   uint64_t payload_ptr);
/* Protocol 85: the caller picks the 32-byte yield id; returns the promise index, or
 * NEAR_YIELD_ID_PENDING if a yield with that id is still pending. Writes no register. */
NEAR_IMPORT(promise_yield_create_with_id)
uint64_t near_promise_yield_create_with_id(uint64_t function_name_len, uint64_t function_name_ptr,
                                           uint64_t arguments_len, uint64_t arguments_ptr,
                                           uint64_t amount_ptr, uint64_t gas, uint64_t gas_weight,
                                           uint64_t yield_id_len, uint64_t yield_id_ptr);
NEAR_IMPORT(promise_yield_resume_with_yield_id)
uint32_t near_promise_yield_resume_with_yield_id(uint64_t yield_id_len, uint64_t yield_id_ptr,
                                                 uint64_t payload_len, uint64_t payload_ptr);

/* ---- promise results ---- */
NEAR_IMPORT(promise_results_count) uint64_t near_promise_results_count(void);
/* 1 = successful (value in register_id, maybe empty), 2 = failed, 0 = not ready. */
NEAR_IMPORT(promise_result) uint64_t near_promise_result(uint64_t result_idx, uint64_t register_id);
NEAR_IMPORT(promise_return) void near_promise_return(uint64_t promise_id);

/* ---- storage ---- */
NEAR_IMPORT(storage_write)
uint64_t near_storage_write(uint64_t key_len, uint64_t key_ptr, uint64_t value_len,
                            uint64_t value_ptr, uint64_t register_id);
NEAR_IMPORT(storage_read)
uint64_t near_storage_read(uint64_t key_len, uint64_t key_ptr, uint64_t register_id);
NEAR_IMPORT(storage_remove)
uint64_t near_storage_remove(uint64_t key_len, uint64_t key_ptr, uint64_t register_id);
NEAR_IMPORT(storage_has_key) uint64_t near_storage_has_key(uint64_t key_len, uint64_t key_ptr);

/* Defines a contract method: an exported function without parameters or results (arguments come
 * from near_input(), results leave through near_value_return()), as near-sdk generates them.
 *   NEAR_METHOD(increment) { ... }                                                          */
#define NEAR_METHOD(name)                                                                          \
    void name(void);                                                                               \
    __attribute__((export_name(#name))) void name(void)

/* A linear-memory address as the u64 the ABI wants. */
#define NEAR_PTR(p) ((uint64_t)(uintptr_t)(p))

#endif
