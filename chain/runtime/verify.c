/*
 * verify.c — transaction validation and charging (see verify.h).
 */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "borsh.h"
#include "err.h"
#include "outcome.h"
#include "state.h"

int verify_tx_cost(const struct config_runtime *cfg, const struct tx *tx, struct verify_cost *out)
{
    bool sir = strcmp(tx->signer_id, tx->receiver_id) == 0;
    /* Unsigned __int128 sums cannot overflow from u64 gas terms of at most 100 actions; only
     * deposits near 2^128 can, and are caught below. */
    yb_u128 burnt = config_fee_send(cfg, CONFIG_FEE_ACTION_RECEIPT_CREATION, sir);
    yb_u128 remaining = config_fee_exec(cfg, CONFIG_FEE_ACTION_RECEIPT_CREATION);
    yb_u128 deposit = 0;
    for (size_t i = 0; i < tx->n_actions; i++) {
        const struct tx_action *a = &tx->actions[i];
        burnt += actions_send_fee(cfg, a, tx->receiver_id, sir);
        remaining += actions_exec_fee(cfg, a, tx->receiver_id);
        if (a->type == TX_ACTION_FUNCTION_CALL) {
            remaining += a->u.call.gas;
        }
        yb_u128 d = actions_deposit(a);
        if (deposit + d < deposit) {
            return YB_EOVERFLOW;
        }
        deposit += d;
    }
    if (burnt > UINT64_MAX || remaining > UINT64_MAX) {
        return YB_EOVERFLOW;
    }
    yb_u128 gas = burnt + remaining;
    yb_u128 gas_cost = gas * cfg->gas_price;
    if (cfg->gas_price != 0 && gas_cost / cfg->gas_price != gas) {
        return YB_EOVERFLOW;
    }
    if (gas_cost + deposit < gas_cost) {
        return YB_EOVERFLOW;
    }
    out->gas_burnt = (uint64_t)burnt;
    out->gas_remaining = (uint64_t)remaining;
    out->deposit = deposit;
    out->total = gas_cost + deposit;
    return YB_OK;
}

static int invalid(cJSON **err, const char **name, cJSON *e, const char *n)
{
    *err = e;
    *name = n;
    return YB_ERUNTIME_INVALID_TX;
}

/* ActionsValidation (nearcore validate_actions). */
static int validate_actions(const struct config_runtime *cfg, const struct tx *tx, cJSON **err,
                            const char **name)
{
    const struct config_limits *l = &cfg->limits;
    if (tx->n_actions > l->max_actions_per_receipt) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_u64(f, "total_number_of_actions", tx->n_actions);
        outcome_json_u64(f, "limit", l->max_actions_per_receipt);
        return invalid(err, name, outcome_err_actions_validation("TotalNumberOfActionsExceeded", f),
                       "TotalNumberOfActionsExceeded");
    }
    uint64_t total_gas = 0;
    for (size_t i = 0; i < tx->n_actions; i++) {
        const struct tx_action *a = &tx->actions[i];
        if (a->type == TX_ACTION_DELETE_ACCOUNT && i + 1 != tx->n_actions) {
            return invalid(err, name,
                           outcome_err_actions_validation("DeleteActionMustBeFinal", NULL),
                           "DeleteActionMustBeFinal");
        }
        if (a->type == TX_ACTION_FUNCTION_CALL) {
            if (a->u.call.gas == 0) {
                return invalid(err, name,
                               outcome_err_actions_validation("FunctionCallZeroAttachedGas", NULL),
                               "FunctionCallZeroAttachedGas");
            }
            size_t ml = strlen(a->u.call.method_name);
            if (ml > l->max_length_method_name) {
                cJSON *f = cJSON_CreateObject();
                outcome_json_u64(f, "length", ml);
                outcome_json_u64(f, "limit", l->max_length_method_name);
                return invalid(
                    err, name,
                    outcome_err_actions_validation("FunctionCallMethodNameLengthExceeded", f),
                    "FunctionCallMethodNameLengthExceeded");
            }
            if (a->u.call.args_len > l->max_arguments_length) {
                cJSON *f = cJSON_CreateObject();
                outcome_json_u64(f, "length", a->u.call.args_len);
                outcome_json_u64(f, "limit", l->max_arguments_length);
                return invalid(
                    err, name,
                    outcome_err_actions_validation("FunctionCallArgumentsLengthExceeded", f),
                    "FunctionCallArgumentsLengthExceeded");
            }
            if (total_gas + a->u.call.gas < total_gas) {
                return invalid(err, name, outcome_err_actions_validation("IntegerOverflow", NULL),
                               "IntegerOverflow");
            }
            total_gas += a->u.call.gas;
        }
        if (a->type == TX_ACTION_DEPLOY_CONTRACT && a->u.deploy.code_len > l->max_contract_size) {
            cJSON *f = cJSON_CreateObject();
            outcome_json_u64(f, "size", a->u.deploy.code_len);
            outcome_json_u64(f, "limit", l->max_contract_size);
            return invalid(err, name, outcome_err_actions_validation("ContractSizeExceeded", f),
                           "ContractSizeExceeded");
        }
    }
    if (total_gas > l->max_total_prepaid_gas) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_u64(f, "total_prepaid_gas", total_gas);
        outcome_json_u64(f, "limit", l->max_total_prepaid_gas);
        return invalid(err, name, outcome_err_actions_validation("TotalPrepaidGasExceeded", f),
                       "TotalPrepaidGasExceeded");
    }
    return YB_OK;
}

/* Function-call access key permission checks 2–5 of near-rpc.md §9. */
static int check_permission(const struct tx *tx, const struct tx_access_key *ak, cJSON **err,
                            const char **name)
{
    if (tx->n_actions != 1 || tx->actions[0].type != TX_ACTION_FUNCTION_CALL) {
        return invalid(err, name, outcome_err_access_key("RequiresFullAccess", NULL),
                       "RequiresFullAccess");
    }
    const struct tx_action *a = &tx->actions[0];
    if (a->u.call.deposit != 0) {
        return invalid(err, name, outcome_err_access_key("DepositWithFunctionCall", NULL),
                       "DepositWithFunctionCall");
    }
    if (strcmp(tx->receiver_id, ak->receiver_id) != 0) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_str(f, "tx_receiver", tx->receiver_id);
        outcome_json_str(f, "ak_receiver", ak->receiver_id);
        return invalid(err, name, outcome_err_access_key("ReceiverMismatch", f),
                       "ReceiverMismatch");
    }
    if (ak->n_method_names > 0) {
        bool found = false;
        for (size_t i = 0; i < ak->n_method_names && !found; i++) {
            found = strcmp(ak->method_names[i], a->u.call.method_name) == 0;
        }
        if (!found) {
            cJSON *f = cJSON_CreateObject();
            outcome_json_str(f, "method_name", a->u.call.method_name);
            return invalid(err, name, outcome_err_access_key("MethodNameMismatch", f),
                           "MethodNameMismatch");
        }
    }
    return YB_OK;
}

int verify_tx(struct runtime *rt, struct store_txn *txn, const struct tx_signed *st,
              uint64_t height, bool check_signature, runtime_block_lookup_fn lookup,
              void *lookup_ctx, bool charge, struct verify_cost *cost, cJSON **err,
              const char **name)
{
    const struct config_runtime *cfg = &rt->config;
    const struct tx *tx = &st->tx;
    *err = NULL;
    *name = NULL;

    if (check_signature && tx_signed_verify(st) != YB_OK) {
        return invalid(err, name, outcome_err_invalid_tx("InvalidSignature", NULL),
                       "InvalidSignature");
    }
    if (st->size > cfg->limits.max_transaction_size) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_u64(f, "size", st->size);
        outcome_json_u64(f, "limit", cfg->limits.max_transaction_size);
        return invalid(err, name, outcome_err_invalid_tx("TransactionSizeExceeded", f),
                       "TransactionSizeExceeded");
    }
    int rc = validate_actions(cfg, tx, err, name);
    if (rc != YB_OK) {
        return rc;
    }
    if (lookup) {
        uint64_t bh = 0;
        rc = lookup(lookup_ctx, tx->block_hash, &bh);
        if (rc == YB_ENOTFOUND) {
            return invalid(err, name, outcome_err_invalid_tx("InvalidChain", NULL), "InvalidChain");
        }
        if (rc != YB_OK) {
            return rc;
        }
        if (height > bh && height - bh > rt->tx_validity_period) {
            return invalid(err, name, outcome_err_invalid_tx("Expired", NULL), "Expired");
        }
    }
    struct verify_cost c;
    if (verify_tx_cost(cfg, tx, &c) != YB_OK) {
        return invalid(err, name, outcome_err_invalid_tx("CostOverflow", NULL), "CostOverflow");
    }

    struct state_account acc;
    rc = state_account_get(txn, tx->signer_id, &acc);
    if (rc == YB_ENOTFOUND) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_str(f, "signer_id", tx->signer_id);
        return invalid(err, name, outcome_err_invalid_tx("SignerDoesNotExist", f),
                       "SignerDoesNotExist");
    }
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t *akv = NULL;
    size_t akn = 0;
    rc = state_access_key_get(txn, tx->signer_id, &tx->public_key, &akv, &akn);
    if (rc == YB_ENOTFOUND) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_str(f, "account_id", tx->signer_id);
        outcome_json_pubkey(f, "public_key", &tx->public_key);
        return invalid(err, name, outcome_err_access_key("AccessKeyNotFound", f),
                       "AccessKeyNotFound");
    }
    if (rc != YB_OK) {
        return rc;
    }
    struct tx_access_key ak;
    struct borsh_reader r;
    borsh_reader_init(&r, akv, akn);
    rc = tx_access_key_decode(&r, &ak);
    free(akv);
    if (rc != YB_OK) {
        return YB_EMALFORMED;
    }

    if (tx->nonce <= ak.nonce) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_u64(f, "tx_nonce", tx->nonce);
        outcome_json_u64(f, "ak_nonce", ak.nonce);
        rc = invalid(err, name, outcome_err_invalid_tx("InvalidNonce", f), "InvalidNonce");
        goto out;
    }
    uint64_t upper = height * RUNTIME_NONCE_RANGE_MULTIPLIER;
    if (tx->nonce >= upper) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_u64(f, "tx_nonce", tx->nonce);
        outcome_json_u64(f, "upper_bound", upper);
        rc = invalid(err, name, outcome_err_invalid_tx("NonceTooLarge", f), "NonceTooLarge");
        goto out;
    }
    if (acc.amount < c.total) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_str(f, "signer_id", tx->signer_id);
        outcome_json_u128(f, "balance", acc.amount);
        outcome_json_u128(f, "cost", c.total);
        rc = invalid(err, name, outcome_err_invalid_tx("NotEnoughBalance", f), "NotEnoughBalance");
        goto out;
    }
    if (!ak.full_access && ak.has_allowance) {
        if (ak.allowance < c.total) {
            cJSON *f = cJSON_CreateObject();
            outcome_json_str(f, "account_id", tx->signer_id);
            outcome_json_pubkey(f, "public_key", &tx->public_key);
            outcome_json_u128(f, "allowance", ak.allowance);
            outcome_json_u128(f, "cost", c.total);
            rc = invalid(err, name, outcome_err_access_key("NotEnoughAllowance", f),
                         "NotEnoughAllowance");
            goto out;
        }
        ak.allowance -= c.total;
    }
    acc.amount -= c.total;
    yb_u128 required = (yb_u128)acc.storage_usage * cfg->storage_amount_per_byte;
    if (acc.amount + acc.locked < required) {
        cJSON *f = cJSON_CreateObject();
        outcome_json_str(f, "signer_id", tx->signer_id);
        outcome_json_u128(f, "amount", required - acc.amount - acc.locked);
        rc = invalid(err, name, outcome_err_invalid_tx("LackBalanceForState", f),
                     "LackBalanceForState");
        goto out;
    }
    if (!ak.full_access) {
        rc = check_permission(tx, &ak, err, name);
        if (rc != YB_OK) {
            goto out;
        }
    }
    if (charge) {
        ak.nonce = tx->nonce;
        struct yb_buf b;
        yb_buf_init(&b, 1u << 16);
        rc = tx_access_key_encode(&b, &ak);
        if (rc == YB_OK) {
            rc = state_access_key_set(txn, tx->signer_id, &tx->public_key, b.data, b.len);
        }
        yb_buf_fini(&b);
        if (rc == YB_OK) {
            rc = state_account_set(txn, tx->signer_id, &acc);
        }
        if (rc != YB_OK) {
            goto out;
        }
    }
    if (cost) {
        *cost = c;
    }
    rc = YB_OK;
out:
    tx_access_key_fini(&ak);
    return rc;
}
