/*
 * logic_int.h — the state of one function call (nearcore's VMLogic) shared by logic.c and the
 * host_*.c files. Private to chain/runtime: nothing outside this folder includes it.
 *
 * Error discipline inside host functions: every helper returns 0 to go on or LOGIC_ABORT to
 * stop the call. Before returning LOGIC_ABORT it has recorded why in the struct logic: a host
 * error (l->out->error), running out of gas (also a host error: GasExceeded /
 * GasLimitExceeded), or an internal failure (l->internal, a yb_err from ext). A host function
 * turns LOGIC_ABORT into an engine trap with logic_trap().
 */
#ifndef YB_RUNTIME_LOGIC_INT_H
#define YB_RUNTIME_LOGIC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "logic.h"
#include "vm.h"

#define LOGIC_ABORT 1

/* One register (nearcore's vmstate.rs Registers: a map id → bytes). */
struct logic_register {
    uint64_t id;
    uint8_t *data; /* owned; NULL when len is 0 */
    size_t len;
};

/* A promise index maps to one receipt, or (promise_and) to several: a "joint" promise. */
struct logic_promise {
    bool joint;
    uint64_t receipt; /* !joint */
    uint64_t *deps;   /* joint: owned receipt indices */
    size_t n_deps;
};

/* One (receipt, action) pair with a gas weight, in the order they were appended (§5.4). */
struct logic_weighted {
    uint64_t receipt;
    size_t action;
    uint64_t weight;
};

struct logic {
    const struct logic_ctx *ctx;
    const struct config_runtime *cfg;
    struct logic_outcome *out;
    struct vm_store *store;
    struct vm_call *call; /* the host call being served; NULL outside one */

    /* Gas. The engine's counter runs against gas_limit = min(prepaid, max_gas_burnt) and is
     * charged with everything the call uses: wasm ops, host costs (burnt) and gas prepaid to new
     * receipts (used, not burnt). So burnt = pre_burnt + engine used − promises_gas. */
    uint64_t gas_limit;
    uint64_t pre_burnt;    /* charged before the engine ran (contract loading) */
    uint64_t promises_gas; /* prepaid to new receipts */
    /* Set when a host charge ran out of gas: what nearcore's gas counter then holds as burnt,
     * min(burnt + the failed charge's burnt part, min(prepaid, max_gas_burnt)). The engine's
     * counter is exhausted at that point, so it cannot tell. */
    bool oog_set;
    uint64_t oog_burnt;

    struct logic_register *regs;
    size_t n_regs, cap_regs;
    uint64_t regs_memory; /* sum of (len + 8) over registers */

    uint64_t total_log_len;
    size_t cap_logs;

    struct logic_promise *promises;
    size_t n_promises, cap_promises;
    size_t cap_receipts, cap_resumes, cap_yields;
    struct logic_weighted *weights;
    size_t n_weights, cap_weights;

    uint64_t data_count; /* data ids made so far in this action */
    /* ctx's action hash and random seed, or what ctx->derive_hashes made of them on first use
     * (logic_action_hash / logic_random_seed). */
    bool hashes_ready;
    uint8_t action_hash[LOGIC_HASH_LEN];
    uint8_t random_seed[LOGIC_HASH_LEN];
    yb_u128 balance; /* account balance minus deposits promised */
    uint64_t storage_usage;
    int internal; /* a yb_err that stopped the call (store failure); 0 if none */
};

/* ---- logic.c ---- */
/* Record host error `kind` (a, b as in logic.h's list; msg copied, may be NULL) and return
 * LOGIC_ABORT. */
int logic_fail(struct logic *l, enum logic_error_kind kind, uint64_t a, uint64_t b,
               const char *msg);
/* Record an internal failure (a yb_err from ext, not a contract error); LOGIC_ABORT. */
int logic_fail_internal(struct logic *l, int err);
/* What a host function returns after a helper said LOGIC_ABORT: an engine trap carrying it. */
int logic_trap(struct logic *l);
/* Starts serving a host call: records the vm_call. Returns the struct logic behind ctx. */
struct logic *logic_enter(struct vm_call *call, void *ctx);

/* Charge `use` gas of which `burn` is burnt (burn <= use; the rest is prepaid to receipts).
 * GasExceeded / GasLimitExceeded as nearcore decides them. */
int logic_gas(struct logic *l, uint64_t burn, uint64_t use);
/* Burn one ext cost: cfg->ext[c]. */
int logic_pay(struct logic *l, enum config_ext_cost c);
/* Burn cfg->ext[c] × n (IntegerOverflow when the product overflows). */
int logic_pay_per(struct logic *l, enum config_ext_cost c, uint64_t n);
/* Gas burnt and used so far. */
uint64_t logic_burnt_gas(const struct logic *l);
uint64_t logic_used_gas(const struct logic *l);
/* ProhibitedInView{name} when the call is a view. */
int logic_check_not_view(struct logic *l, const char *name);
/* The action hash and random seed of this call (derived on first use, see logic_ctx). */
const uint8_t *logic_action_hash(struct logic *l);
const uint8_t *logic_random_seed(struct logic *l);
/* A fresh data id: sha256(action_hash ‖ height_le ‖ data_count_le), then data_count++. */
void logic_new_data_id(struct logic *l, uint8_t out[LOGIC_HASH_LEN]);
/* Ensure room for one more element in a growable array (yb_xrealloc, doubling). */
void logic_grow(void **arr, size_t *cap, size_t n, size_t elem);

/* ---- guest memory and registers (logic.c) ---- */
/* A borrowed view of guest memory [ptr, ptr+len): charges read_memory_base + byte × len;
 * MemoryAccessViolation when out of bounds. The pointer is valid until wasm runs again. */
int logic_mem_view(struct logic *l, uint64_t ptr, uint64_t len, const uint8_t **out);
/* Copy into guest memory: charges write_memory_base + byte × len. */
int logic_mem_write(struct logic *l, uint64_t ptr, const void *data, uint64_t len);
int logic_mem_read_u128(struct logic *l, uint64_t ptr, yb_u128 *out);
int logic_mem_write_u128(struct logic *l, uint64_t ptr, yb_u128 v);
/* Register contents (charges read_register_base + byte × len); InvalidRegisterId when unused.
 * *out borrowed until the register is next written. */
int logic_reg_get(struct logic *l, uint64_t id, const uint8_t **out, size_t *len);
/* Write a register (charges write_register_base + byte × len; nearcore's limits). data
 * borrowed (copied) — it may point into another register or into guest memory. */
int logic_reg_set(struct logic *l, uint64_t id, const uint8_t *data, size_t len);
/* The same without the per-byte charge when charge_bytes is false (nearcore's set_rc_data for
 * the shared input and promise results). */
int logic_reg_set_shared(struct logic *l, uint64_t id, const uint8_t *data, size_t len,
                         bool charge_bytes);
/* logic_reg_set for bytes the caller allocated: the register takes data (malloc'd; freed here
 * when the write fails) instead of copying it. */
int logic_reg_take(struct logic *l, uint64_t id, uint8_t *data, size_t len);
/* nearcore's get_memory_or_register: len == u64::MAX reads register `ptr`, else memory. */
int logic_mem_or_reg(struct logic *l, uint64_t ptr, uint64_t len, const uint8_t **out,
                     size_t *out_len);
void logic_regs_free(struct logic *l);
/* Whether register id is in use, and its length (no gas: register_len charges base only). */
bool logic_reg_len(struct logic *l, uint64_t id, uint64_t *len);

/* ---- receipts and promises (logic.c; used by host_promise.c and host_yield.c) ---- */
/* A new empty receipt draft for receiver (copied); its index into out->receipts. */
uint64_t logic_new_receipt(struct logic *l, const char *receiver);
/* A new zeroed action at the end of receipt draft r, with its gas weight (0: none). */
struct tx_action *logic_append_action(struct logic *l, uint64_t r, uint64_t weight);
/* Push a promise (taken) and give its index; NumberPromisesExceeded past the limit. */
int logic_push_promise(struct logic *l, struct logic_promise p, uint64_t *idx);
/* nearcore's pay_gas_for_new_receipt: action receipt fees (sir) plus one data-receipt base fee
 * per dependency (deps[i]: its sender is the receiver). */
int logic_pay_new_receipt(struct logic *l, bool sir, const bool *deps, size_t n_deps);
/* Burn the send part of fee f and use send + exec (pay_action_base); × n for _per_byte. */
int logic_pay_action(struct logic *l, enum config_fee_kind f, bool sir, uint64_t n);
/* Append FunctionCall{method (copied, must be UTF-8: InvalidMethodName), args (copied), gas,
 * deposit} with gas_weight to receipt r. */
int logic_append_function_call(struct logic *l, uint64_t r, const uint8_t *method,
                               size_t method_len, const uint8_t *args, size_t args_len,
                               uint64_t gas, yb_u128 deposit, uint64_t gas_weight);
/* nearcore's read_and_parse_account_id: memory or register, utf8 decoding costs, BadUTF8 —
 * but no account-id validation (receipt validation after the call does that). *out returned. */
int logic_read_account_id(struct logic *l, uint64_t len, uint64_t ptr, char **out);
/* Subtract a promised deposit from the balance (BalanceExceeded; 1 yocto from a zero balance
 * is exempt, as in nearcore). */
int logic_deduct_balance(struct logic *l, yb_u128 amount);

/* ---- host tables: each host_*.c exports its functions ---- */
struct logic_host_fn {
    const char *name;
    const char *sig; /* params then "->" results: 'I' = i64, 'i' = i32, e.g. "II->I" */
    vm_host_fn fn;
    uint32_t min_pv; /* first protocol version that has it; 0 = always */
};
extern const struct logic_host_fn host_registers_fns[];
extern const struct logic_host_fn host_context_fns[];
extern const struct logic_host_fn host_storage_fns[];
extern const struct logic_host_fn host_misc_fns[];
extern const struct logic_host_fn host_math_fns[];
extern const struct logic_host_fn host_promise_fns[];
extern const struct logic_host_fn host_yield_fns[];

#endif
