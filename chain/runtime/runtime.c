/*
 * runtime.c — the runtime object, admission checks, view calls and genesis (see runtime.h);
 * block application is in apply.c.
 */
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "borsh.h"
#include "code_cache.h"
#include "crypto.h"
#include "err.h"
#include "ext.h"
#include "logic.h"
#include "mem.h"
#include "state.h"
#include "verify.h"

int runtime_init(struct runtime *rt, const struct config_runtime *cfg)
{
    memset(rt, 0, sizeof *rt);
    rt->config = *cfg;
    rt->tx_validity_period = RUNTIME_DEFAULT_TX_VALIDITY;
    rt->block_gas_limit = RUNTIME_DEFAULT_BLOCK_GAS_LIMIT;
    struct vm_config vc;
    logic_vm_config(cfg, &vc);
    int rc = vm_cache_new(&vc, RUNTIME_VM_CACHE_ENTRIES, &rt->cache);
    if (rc == YB_OK) {
        rt->codes = code_cache_new(rt->cache);
    }
    return rc;
}

void runtime_fini(struct runtime *rt)
{
    code_cache_free(rt->codes);
    rt->codes = NULL;
    vm_cache_free(rt->cache);
    rt->cache = NULL;
}

int runtime_verify_tx(struct runtime *rt, struct store_txn *txn, const struct tx_signed *st,
                      uint64_t height, bool check_signature, runtime_block_lookup_fn lookup,
                      void *lookup_ctx, cJSON **err, const char **name)
{
    return verify_tx(rt, txn, st, height, check_signature, lookup, lookup_ctx, false, NULL, err,
                     name);
}

void runtime_view_result_fini(struct runtime_view_result *v)
{
    free(v->value);
    for (size_t i = 0; i < v->n_logs; i++) {
        free(v->logs[i]);
    }
    free(v->logs);
    cJSON_Delete(v->error);
    free(v->error_text);
    memset(v, 0, sizeof *v);
}

int runtime_view_call(struct runtime *rt, struct store_txn *txn, const char *acc,
                      const char *method, const uint8_t *args, size_t args_len, uint64_t height,
                      uint64_t timestamp_ns, struct runtime_view_result *out)
{
    memset(out, 0, sizeof *out);
    struct state_account a;
    int rc = state_account_get(txn, acc, &a);
    if (rc != YB_OK) {
        return rc;
    }
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    if (memcmp(a.code_hash, zero, NEAR_HASH_LEN) == 0) {
        return YB_ERUNTIME_NO_CODE;
    }
    struct vm_module *module = NULL;
    uint8_t *code = NULL;
    size_t code_len = 0;
    rc = code_cache_get(rt->codes, txn, acc, a.code_hash, &module, &code_len);
    if (rc >= YB_EWASM_MALFORMED && rc <= YB_EOUT_OF_GAS) {
        rc = state_code_get(txn, acc, &code, &code_len);
    }
    if (rc == YB_ENOTFOUND) {
        return YB_ERUNTIME_NO_CODE;
    }
    if (rc != YB_OK) {
        return rc;
    }
    struct ext ext;
    ext_init(&ext, txn, acc);
    struct logic_ctx ctx = {
        .config = &rt->config,
        .current_account_id = acc,
        .predecessor_account_id = acc,
        .signer_account_id = acc,
        .signer_public_key = {.type = NEAR_KEY_ED25519},
        .input = args,
        .input_len = args_len,
        .block_height = height,
        .block_timestamp = timestamp_ns,
        .account_balance = a.amount,
        .account_locked_balance = a.locked,
        .prepaid_gas = rt->config.limits.max_gas_burnt,
        .storage_usage = a.storage_usage,
        .is_view = true,
        .ext = &ext_ops,
        .ext_ctx = &ext,
    };
    struct logic_outcome lo;
    if (module) {
        rc = logic_run(&ctx, module, code_len, method, &lo);
        vm_module_release(module);
    } else {
        rc = logic_run_code(&ctx, rt->cache, code, code_len, method, &lo);
        free(code);
    }
    ext_fini(&ext);
    if (rc != YB_OK) {
        logic_outcome_fini(&lo);
        return rc;
    }
    out->logs = lo.logs;
    out->n_logs = lo.n_logs;
    lo.logs = NULL;
    lo.n_logs = 0;
    if (lo.error.kind != LOGIC_ERR_NONE) {
        out->error = logic_error_to_json(&lo.error);
        struct yb_buf b;
        yb_buf_init(&b, 1u << 16);
        (void)yb_buf_append_str(&b, "wasm execution failed with error: ");
        (void)logic_error_format(&lo.error, &b);
        out->error_text = (char *)yb_buf_steal(&b, NULL);
        yb_buf_fini(&b);
    } else if (lo.return_kind == LOGIC_RETURN_VALUE) {
        out->value = lo.return_data;
        out->value_len = lo.return_len;
        lo.return_data = NULL;
    }
    logic_outcome_fini(&lo);
    return YB_OK;
}

int runtime_genesis_account(struct runtime *rt, struct store_txn *txn, const char *acc,
                            yb_u128 amount, const struct near_pubkey *pk)
{
    int rc = near_account_validate_cstr(acc);
    if (rc != YB_OK) {
        return rc;
    }
    if (state_account_exists(txn, acc)) {
        return YB_EEXIST;
    }
    struct state_account a;
    memset(&a, 0, sizeof a);
    a.amount = amount;
    a.storage_usage = rt->config.storage_num_bytes_account;
    if (pk) {
        struct tx_access_key ak = {.nonce = 0, .full_access = true};
        struct yb_buf b;
        yb_buf_init(&b, 64);
        rc = tx_access_key_encode(&b, &ak);
        if (rc == YB_OK) {
            rc = state_access_key_set(txn, acc, pk, b.data, b.len);
        }
        yb_buf_fini(&b);
        if (rc != YB_OK) {
            return rc;
        }
        a.storage_usage += actions_access_key_bytes(&rt->config, pk, &ak);
    }
    return state_account_set(txn, acc, &a);
}

int runtime_genesis_deploy(struct runtime *rt, struct store_txn *txn, const char *acc,
                           const uint8_t *code, size_t len)
{
    struct state_account a;
    int rc = state_account_get(txn, acc, &a);
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t *old = NULL;
    size_t old_len = 0;
    if (state_code_get(txn, acc, &old, &old_len) == YB_OK) {
        free(old);
        a.storage_usage -= old_len;
    }
    rc = state_code_set(txn, acc, code, len);
    if (rc != YB_OK) {
        return rc;
    }
    crypto_sha256(code, len, a.code_hash);
    a.storage_usage += len;
    (void)rt;
    return state_account_set(txn, acc, &a);
}
