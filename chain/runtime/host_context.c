/*
 * host_context.c — what a contract may learn about its call: accounts, input, block, balances,
 * gas, storage usage and the random seed (nep519 §6). Predecessor, signer, signer key and the
 * gas queries are prohibited in view calls, as in nearcore.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "logic_int.h"

/* base, an optional view prohibition, then the bytes into a register. */
static int to_register(struct vm_call *call, void *ctx, uint64_t reg, const char *view_name,
                       const uint8_t *p, size_t n)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE) || (view_name && logic_check_not_view(l, view_name)) ||
        logic_reg_set(l, reg, p, n)) {
        return logic_trap(l);
    }
    return YB_OK;
}

static int account_to_register(struct vm_call *call, void *ctx, uint64_t reg, const char *view_name,
                               const char *account)
{
    const char *s = account ? account : "";
    return to_register(call, ctx, reg, view_name, (const uint8_t *)s, strlen(s));
}

static int h_current_account_id(struct vm_call *call, void *ctx, const union vm_value *a,
                                union vm_value *res)
{
    struct logic *l = ctx;
    return account_to_register(call, ctx, a[0].i64, NULL, l->ctx->current_account_id);
}

static int h_signer_account_id(struct vm_call *call, void *ctx, const union vm_value *a,
                               union vm_value *res)
{
    struct logic *l = ctx;
    return account_to_register(call, ctx, a[0].i64, "signer_account_id", l->ctx->signer_account_id);
}

static int h_predecessor_account_id(struct vm_call *call, void *ctx, const union vm_value *a,
                                    union vm_value *res)
{
    struct logic *l = ctx;
    return account_to_register(call, ctx, a[0].i64, "predecessor_account_id",
                               l->ctx->predecessor_account_id);
}

static int h_refund_to_account_id(struct vm_call *call, void *ctx, const union vm_value *a,
                                  union vm_value *res)
{
    struct logic *l = ctx;
    const char *who = l->ctx->refund_to_account_id ? l->ctx->refund_to_account_id
                                                   : l->ctx->predecessor_account_id;
    return account_to_register(call, ctx, a[0].i64, "refund_to_account_id", who);
}

static int h_signer_account_pk(struct vm_call *call, void *ctx, const union vm_value *a,
                               union vm_value *res)
{
    struct logic *l = ctx;
    /* Borsh PublicKey: key type byte, then the key. */
    uint8_t pk[1 + NEAR_ED25519_PK_LEN];
    pk[0] = l->ctx->signer_public_key.type;
    memcpy(pk + 1, l->ctx->signer_public_key.data, NEAR_ED25519_PK_LEN);
    return to_register(call, ctx, a[0].i64, "signer_account_pk", pk, sizeof(pk));
}

static int h_input(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE) ||
        logic_reg_set_shared(l, a[0].i64, l->ctx->input, l->ctx->input_len,
                             !l->cfg->deterministic_account_ids)) {
        return logic_trap(l);
    }
    return YB_OK;
}

static int h_random_seed(struct vm_call *call, void *ctx, const union vm_value *a,
                         union vm_value *res)
{
    struct logic *l = ctx;
    return to_register(call, ctx, a[0].i64, NULL, logic_random_seed(l), LOGIC_HASH_LEN);
}

/* base, an optional view prohibition, then a u64 result. */
static int u64_result(struct vm_call *call, void *ctx, const char *view_name, uint64_t v,
                      union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE) || (view_name && logic_check_not_view(l, view_name))) {
        return logic_trap(l);
    }
    res[0].i64 = v;
    return YB_OK;
}

static int h_block_index(struct vm_call *call, void *ctx, const union vm_value *a,
                         union vm_value *res)
{
    return u64_result(call, ctx, NULL, ((struct logic *)ctx)->ctx->block_height, res);
}

static int h_block_timestamp(struct vm_call *call, void *ctx, const union vm_value *a,
                             union vm_value *res)
{
    return u64_result(call, ctx, NULL, ((struct logic *)ctx)->ctx->block_timestamp, res);
}

static int h_epoch_height(struct vm_call *call, void *ctx, const union vm_value *a,
                          union vm_value *res)
{
    return u64_result(call, ctx, NULL, ((struct logic *)ctx)->ctx->epoch_height, res);
}

static int h_storage_usage(struct vm_call *call, void *ctx, const union vm_value *a,
                           union vm_value *res)
{
    return u64_result(call, ctx, NULL, ((struct logic *)ctx)->storage_usage, res);
}

static int h_prepaid_gas(struct vm_call *call, void *ctx, const union vm_value *a,
                         union vm_value *res)
{
    return u64_result(call, ctx, "prepaid_gas", ((struct logic *)ctx)->ctx->prepaid_gas, res);
}

static int h_used_gas(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_check_not_view(l, "used_gas")) {
        return logic_trap(l);
    }
    /* Read after charging base, so the figure includes this call's own cost. */
    res[0].i64 = logic_used_gas(l);
    return YB_OK;
}

/* base, then a u128 written to guest memory. */
static int u128_to_memory(struct vm_call *call, void *ctx, uint64_t ptr, yb_u128 v)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_mem_write_u128(l, ptr, v)) {
        return logic_trap(l);
    }
    return YB_OK;
}

static int h_account_balance(struct vm_call *call, void *ctx, const union vm_value *a,
                             union vm_value *res)
{
    return u128_to_memory(call, ctx, a[0].i64, ((struct logic *)ctx)->balance);
}

static int h_account_locked_balance(struct vm_call *call, void *ctx, const union vm_value *a,
                                    union vm_value *res)
{
    return u128_to_memory(call, ctx, a[0].i64, ((struct logic *)ctx)->ctx->account_locked_balance);
}

static int h_attached_deposit(struct vm_call *call, void *ctx, const union vm_value *a,
                              union vm_value *res)
{
    return u128_to_memory(call, ctx, a[0].i64, ((struct logic *)ctx)->ctx->attached_deposit);
}

/* validator_stake(account_id_len, account_id_ptr, stake_ptr): a local chain has no validators
 * (Stake actions are refused), so every account's stake is 0, as nearcore answers for an
 * account outside the validator set. */
static int h_validator_stake(struct vm_call *call, void *ctx, const union vm_value *a,
                             union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    char *account = NULL;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_read_account_id(l, a[0].i64, a[1].i64, &account) ||
        logic_pay(l, CONFIG_EXT_VALIDATOR_STAKE_BASE) || logic_mem_write_u128(l, a[2].i64, 0)) {
        free(account);
        return logic_trap(l);
    }
    free(account);
    return YB_OK;
}

/* validator_total_stake(stake_ptr): 0, for the same reason. */
static int h_validator_total_stake(struct vm_call *call, void *ctx, const union vm_value *a,
                                   union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_pay(l, CONFIG_EXT_VALIDATOR_TOTAL_STAKE_BASE) ||
        logic_mem_write_u128(l, a[0].i64, 0)) {
        return logic_trap(l);
    }
    return YB_OK;
}

/* current_contract_code(register_id) -> 0 no contract / 1 a local contract, whose code hash
 * goes to the register (2 and 3, global contracts, do not exist here). */
static int h_current_contract_code(struct vm_call *call, void *ctx, const union vm_value *a,
                                   union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE)) {
        return logic_trap(l);
    }
    if (!l->ctx->code_hash) {
        res[0].i64 = 0;
        return YB_OK;
    }
    if (logic_reg_set(l, a[0].i64, l->ctx->code_hash, LOGIC_HASH_LEN)) {
        return logic_trap(l);
    }
    res[0].i64 = 1;
    return YB_OK;
}

const struct logic_host_fn host_context_fns[] = {
    {"current_account_id", "I->", h_current_account_id, 0},
    {"signer_account_id", "I->", h_signer_account_id, 0},
    {"signer_account_pk", "I->", h_signer_account_pk, 0},
    {"predecessor_account_id", "I->", h_predecessor_account_id, 0},
    {"refund_to_account_id", "I->", h_refund_to_account_id, 0},
    {"input", "I->", h_input, 0},
    {"random_seed", "I->", h_random_seed, 0},
    {"block_index", "->I", h_block_index, 0},
    {"block_timestamp", "->I", h_block_timestamp, 0},
    {"epoch_height", "->I", h_epoch_height, 0},
    {"storage_usage", "->I", h_storage_usage, 0},
    {"prepaid_gas", "->I", h_prepaid_gas, 0},
    {"used_gas", "->I", h_used_gas, 0},
    {"account_balance", "I->", h_account_balance, 0},
    {"account_locked_balance", "I->", h_account_locked_balance, 0},
    {"attached_deposit", "I->", h_attached_deposit, 0},
    {"validator_stake", "III->", h_validator_stake, 0},
    {"validator_total_stake", "I->", h_validator_total_stake, 0},
    {"current_contract_code", "I->I", h_current_contract_code, 0},
    {NULL, NULL, NULL, 0},
};
