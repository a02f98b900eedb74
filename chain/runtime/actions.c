/*
 * actions.c — applying one action of an action receipt, and action fees (see actions.h).
 */
#include "actions.h"

#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "code_cache.h"
#include "crypto.h"
#include "err.h"
#include "ext.h"
#include "logic.h"
#include "mem.h"
#include "outcome.h"
#include "state.h"

/* ---- fees ---- */

static uint64_t method_names_bytes(const struct tx_access_key *ak)
{
    /* nearcore counts each name plus one byte (its separator in the original encoding) */
    uint64_t n = 0;
    for (size_t i = 0; i < ak->n_method_names; i++) {
        n += strlen(ak->method_names[i]) + 1;
    }
    return n;
}

/* Fee of an action: (base fee kind, optional per-byte kind, byte count). */
static void action_fee_parts(const struct tx_action *a, int *base, int *per_byte, uint64_t *bytes)
{
    *per_byte = -1;
    *bytes = 0;
    switch (a->type) {
    case TX_ACTION_CREATE_ACCOUNT:
        *base = CONFIG_FEE_CREATE_ACCOUNT;
        break;
    case TX_ACTION_DEPLOY_CONTRACT:
        *base = CONFIG_FEE_DEPLOY_CONTRACT;
        *per_byte = CONFIG_FEE_DEPLOY_CONTRACT_PER_BYTE;
        *bytes = a->u.deploy.code_len;
        break;
    case TX_ACTION_FUNCTION_CALL:
        *base = CONFIG_FEE_FUNCTION_CALL;
        *per_byte = CONFIG_FEE_FUNCTION_CALL_PER_BYTE;
        *bytes = strlen(a->u.call.method_name) + a->u.call.args_len;
        break;
    case TX_ACTION_TRANSFER:
        *base = CONFIG_FEE_TRANSFER;
        break;
    case TX_ACTION_STAKE:
        *base = CONFIG_FEE_STAKE;
        break;
    case TX_ACTION_ADD_KEY:
        if (a->u.add_key.access_key.full_access) {
            *base = CONFIG_FEE_ADD_FULL_ACCESS_KEY;
        } else {
            *base = CONFIG_FEE_ADD_FUNCTION_CALL_KEY;
            *per_byte = CONFIG_FEE_ADD_FUNCTION_CALL_KEY_PER_BYTE;
            *bytes = method_names_bytes(&a->u.add_key.access_key);
        }
        break;
    case TX_ACTION_DELETE_KEY:
        *base = CONFIG_FEE_DELETE_KEY;
        break;
    case TX_ACTION_DELETE_ACCOUNT:
    default:
        *base = CONFIG_FEE_DELETE_ACCOUNT;
        break;
    }
}

/* nearcore's transfer_send_fee / transfer_exec_fee: a transfer that may create a NEAR-implicit
 * account prepays the account and its full-access key. */
static bool creates_implicit(const struct tx_action *a, const char *receiver)
{
    return a->type == TX_ACTION_TRANSFER &&
           near_account_kind(receiver, strlen(receiver)) == NEAR_ACCOUNT_NEAR_IMPLICIT;
}

uint64_t actions_send_fee(const struct config_runtime *cfg, const struct tx_action *a,
                          const char *receiver, bool sir)
{
    int base, per_byte;
    uint64_t bytes;
    action_fee_parts(a, &base, &per_byte, &bytes);
    uint64_t fee = config_fee_send(cfg, (enum config_fee_kind)base, sir);
    if (per_byte >= 0) {
        fee += config_fee_send(cfg, (enum config_fee_kind)per_byte, sir) * bytes;
    }
    if (creates_implicit(a, receiver)) {
        fee += config_fee_send(cfg, CONFIG_FEE_CREATE_ACCOUNT, sir) +
               config_fee_send(cfg, CONFIG_FEE_ADD_FULL_ACCESS_KEY, sir);
    }
    return fee;
}

uint64_t actions_exec_fee(const struct config_runtime *cfg, const struct tx_action *a,
                          const char *receiver)
{
    int base, per_byte;
    uint64_t bytes;
    action_fee_parts(a, &base, &per_byte, &bytes);
    uint64_t fee = config_fee_exec(cfg, (enum config_fee_kind)base);
    if (per_byte >= 0) {
        fee += config_fee_exec(cfg, (enum config_fee_kind)per_byte) * bytes;
    }
    if (creates_implicit(a, receiver)) {
        fee += config_fee_exec(cfg, CONFIG_FEE_CREATE_ACCOUNT) +
               config_fee_exec(cfg, CONFIG_FEE_ADD_FULL_ACCESS_KEY);
    }
    return fee;
}

yb_u128 actions_deposit(const struct tx_action *a)
{
    if (a->type == TX_ACTION_TRANSFER) {
        return a->u.transfer.deposit;
    }
    if (a->type == TX_ACTION_FUNCTION_CALL) {
        return a->u.call.deposit;
    }
    return 0;
}

uint64_t actions_access_key_bytes(const struct config_runtime *cfg, const struct near_pubkey *pk,
                                  const struct tx_access_key *ak)
{
    struct yb_buf b;
    yb_buf_init(&b, 1u << 16);
    (void)tx_access_key_encode(&b, ak);
    uint64_t n = 1 + NEAR_ED25519_PK_LEN + b.len + cfg->storage_num_extra_bytes_record;
    (void)pk;
    yb_buf_fini(&b);
    return n;
}

/* ---- checks common to every action ---- */

static cJSON *fields_account(const char *acc)
{
    cJSON *f = cJSON_CreateObject();
    outcome_json_str(f, "account_id", acc);
    return f;
}

static bool needs_actor(enum tx_action_type t)
{
    return t == TX_ACTION_DEPLOY_CONTRACT || t == TX_ACTION_STAKE || t == TX_ACTION_ADD_KEY ||
           t == TX_ACTION_DELETE_KEY || t == TX_ACTION_DELETE_ACCOUNT;
}

/* nearcore's check_actor_permissions then check_account_existence; true when the action may
 * proceed (else es->failure is set). */
static bool action_precheck(struct exec_state *es, size_t index, const struct tx_action *a)
{
    const char *acc = es->r->receiver_id;
    if (needs_actor(a->type) && strcmp(es->actor_id, acc) != 0) {
        cJSON *f = fields_account(acc);
        outcome_json_str(f, "actor_id", es->actor_id);
        exec_fail(es, (long)index, "ActorNoPermission", f);
        return false;
    }
    if (a->type == TX_ACTION_DELETE_ACCOUNT && es->account_exists && es->account.locked != 0) {
        exec_fail(es, (long)index, "DeleteAccountStaking", fields_account(acc));
        return false;
    }
    if (a->type == TX_ACTION_CREATE_ACCOUNT) {
        if (es->account_exists) {
            exec_fail(es, (long)index, "AccountAlreadyExists", fields_account(acc));
            return false;
        }
        return true;
    }
    if (!es->account_exists) {
        /* a transfer to an absent NEAR-implicit id creates it (below) */
        if (a->type == TX_ACTION_TRANSFER &&
            near_account_kind(acc, strlen(acc)) == NEAR_ACCOUNT_NEAR_IMPLICIT) {
            return true;
        }
        exec_fail(es, (long)index, "AccountDoesNotExist", fields_account(acc));
        return false;
    }
    return true;
}

/* ---- the actions ---- */

static int action_create_account(struct exec_state *es, size_t index)
{
    const struct config_runtime *cfg = &es->ac->rt->config;
    const char *acc = es->r->receiver_id;
    const char *pred = es->r->predecessor_id;
    size_t n = strlen(acc);
    enum near_account_kind kind = near_account_kind(acc, n);
    if (kind != NEAR_ACCOUNT_NAMED) {
        exec_fail(es, (long)index, "OnlyImplicitAccountCreationAllowed", fields_account(acc));
        return YB_OK;
    }
    if (near_account_is_top_level(acc, n)) {
        if (n < RUNTIME_MIN_TOP_LEVEL_ACCOUNT_LEN && strcmp(pred, RUNTIME_REGISTRAR_ACCOUNT) != 0) {
            cJSON *f = fields_account(acc);
            outcome_json_str(f, "registrar_account_id", RUNTIME_REGISTRAR_ACCOUNT);
            outcome_json_str(f, "predecessor_id", pred);
            exec_fail(es, (long)index, "CreateAccountOnlyByRegistrar", f);
            return YB_OK;
        }
    } else if (!near_account_is_sub_of(acc, n, pred, strlen(pred))) {
        cJSON *f = fields_account(acc);
        outcome_json_str(f, "predecessor_id", pred);
        exec_fail(es, (long)index, "CreateAccountNotAllowed", f);
        return YB_OK;
    }
    memset(&es->account, 0, sizeof es->account);
    es->account.storage_usage = cfg->storage_num_bytes_account;
    es->account_exists = true;
    /* the new account's own actions follow in this receipt (deploy, add key) */
    es->actor_id = es->r->receiver_id;
    return YB_OK;
}

static int action_deploy(struct exec_state *es, const struct tx_action *a)
{
    const char *acc = es->r->receiver_id;
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    uint64_t old_len = 0;
    if (memcmp(es->account.code_hash, zero, NEAR_HASH_LEN) != 0) {
        uint8_t *old = NULL;
        size_t n = 0;
        int rc = state_code_get(es->txn, acc, &old, &n);
        if (rc == YB_OK) {
            old_len = n;
            free(old);
        } else if (rc != YB_ENOTFOUND) {
            return rc;
        }
    }
    int rc = state_code_set(es->txn, acc, a->u.deploy.code, a->u.deploy.code_len);
    if (rc != YB_OK) {
        return rc;
    }
    crypto_sha256(a->u.deploy.code, a->u.deploy.code_len, es->account.code_hash);
    es->account.storage_usage = es->account.storage_usage - old_len + a->u.deploy.code_len;
    return YB_OK;
}

static int action_transfer(struct exec_state *es, size_t index, const struct tx_action *a)
{
    const struct config_runtime *cfg = &es->ac->rt->config;
    const char *acc = es->r->receiver_id;
    if (!es->account_exists) {
        /* NEAR-implicit account: the id is the hex of its ed25519 key (near-rpc.md §9) */
        struct tx_access_key ak = {.nonce =
                                       (es->ac->blk->height - 1) * RUNTIME_NONCE_RANGE_MULTIPLIER,
                                   .full_access = true};
        struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
        size_t got = 0;
        if (hex_decode(acc, strlen(acc), pk.data, sizeof pk.data, &got) != 0 ||
            got != NEAR_ED25519_PK_LEN) {
            exec_fail(es, (long)index, "AccountDoesNotExist", fields_account(acc));
            return YB_OK;
        }
        struct yb_buf b;
        yb_buf_init(&b, 64);
        int rc = tx_access_key_encode(&b, &ak);
        if (rc == YB_OK) {
            rc = state_access_key_set(es->txn, acc, &pk, b.data, b.len);
        }
        yb_buf_fini(&b);
        if (rc != YB_OK) {
            return rc;
        }
        memset(&es->account, 0, sizeof es->account);
        es->account.storage_usage =
            cfg->storage_num_bytes_account + actions_access_key_bytes(cfg, &pk, &ak);
        es->account_exists = true;
    }
    yb_u128 d = a->u.transfer.deposit;
    if (es->account.amount + d < es->account.amount) {
        exec_fail(es, (long)index, "BalanceOverflow", fields_account(acc));
        return YB_OK;
    }
    es->account.amount += d;
    return YB_OK;
}

static int action_add_key(struct exec_state *es, size_t index, const struct tx_action *a)
{
    const struct config_runtime *cfg = &es->ac->rt->config;
    const char *acc = es->r->receiver_id;
    const struct near_pubkey *pk = &a->u.add_key.public_key;
    uint8_t *old = NULL;
    size_t old_len = 0;
    int rc = state_access_key_get(es->txn, acc, pk, &old, &old_len);
    if (rc == YB_OK) {
        free(old);
        cJSON *f = fields_account(acc);
        outcome_json_pubkey(f, "public_key", pk);
        exec_fail(es, (long)index, "AddKeyAlreadyExists", f);
        return YB_OK;
    }
    if (rc != YB_ENOTFOUND) {
        return rc;
    }
    /* The nonce the client sent (always 0) is ignored: a new key starts at (h-1)·10^6 so old
     * signed transactions cannot be replayed with it (near-rpc.md §9). */
    struct tx_access_key ak;
    tx_access_key_copy(&ak, &a->u.add_key.access_key);
    ak.nonce = (es->ac->blk->height - 1) * RUNTIME_NONCE_RANGE_MULTIPLIER;
    struct yb_buf b;
    yb_buf_init(&b, 1u << 16);
    rc = tx_access_key_encode(&b, &ak);
    if (rc == YB_OK) {
        rc = state_access_key_set(es->txn, acc, pk, b.data, b.len);
    }
    if (rc == YB_OK) {
        es->account.storage_usage += actions_access_key_bytes(cfg, pk, &ak);
    }
    yb_buf_fini(&b);
    tx_access_key_fini(&ak);
    return rc;
}

static int action_delete_key(struct exec_state *es, size_t index, const struct tx_action *a)
{
    const struct config_runtime *cfg = &es->ac->rt->config;
    const char *acc = es->r->receiver_id;
    const struct near_pubkey *pk = &a->u.delete_key.public_key;
    uint8_t *old = NULL;
    size_t old_len = 0;
    int rc = state_access_key_get(es->txn, acc, pk, &old, &old_len);
    if (rc == YB_ENOTFOUND) {
        cJSON *f = fields_account(acc);
        outcome_json_pubkey(f, "public_key", pk);
        exec_fail(es, (long)index, "DeleteKeyDoesNotExist", f);
        return YB_OK;
    }
    if (rc != YB_OK) {
        return rc;
    }
    struct tx_access_key ak;
    struct borsh_reader r;
    borsh_reader_init(&r, old, old_len);
    rc = tx_access_key_decode(&r, &ak);
    free(old);
    if (rc != YB_OK) {
        return YB_EMALFORMED;
    }
    uint64_t bytes = actions_access_key_bytes(cfg, pk, &ak);
    tx_access_key_fini(&ak);
    rc = state_access_key_remove(es->txn, acc, pk);
    if (rc != YB_OK) {
        return rc;
    }
    es->account.storage_usage =
        es->account.storage_usage > bytes ? es->account.storage_usage - bytes : 0;
    return YB_OK;
}

static int action_delete_account(struct exec_state *es, const struct tx_action *a)
{
    const char *acc = es->r->receiver_id;
    int rc = state_account_remove_all(es->txn, acc);
    if (rc != YB_OK) {
        return rc;
    }
    /* The remaining balance goes to the beneficiary as a system transfer (a refund receipt in
     * nearcore), which cannot fail for lack of gas. */
    if (es->account.amount > 0) {
        struct receipt t;
        receipt_init(&t);
        t.kind = RECEIPT_ACTION;
        t.predecessor_id = yb_xstrdup(RECEIPT_SYSTEM_ACCOUNT);
        t.receiver_id = yb_xstrdup(a->u.delete_account.beneficiary_id);
        t.signer_id = yb_xstrdup(RECEIPT_SYSTEM_ACCOUNT);
        t.signer_pk.type = NEAR_KEY_ED25519;
        struct tx_action tr = {.type = TX_ACTION_TRANSFER};
        tr.u.transfer.deposit = es->account.amount;
        receipt_add_action(&t, &tr);
        exec_add_receipt(es, &t, false);
    }
    memset(&es->account, 0, sizeof es->account);
    es->account_exists = false;
    return YB_OK;
}

/* What a function call's action hash and random seed are made of; logic derives them only if
 * the call makes a data id or asks for the seed (two sha256 saved on most calls). */
struct call_hashes {
    const uint8_t *receipt_id;
    uint64_t height;
    size_t action_index;
    const uint8_t *block_random;
};

static void derive_call_hashes(const void *arg, uint8_t action_hash[LOGIC_HASH_LEN],
                               uint8_t random_seed[LOGIC_HASH_LEN])
{
    const struct call_hashes *h = arg;
    receipt_action_hash(h->receipt_id, h->height, h->action_index, action_hash);
    /* nearcore's create_random_seed: sha256(action_hash ‖ block random value) */
    uint8_t seed_in[2 * NEAR_HASH_LEN];
    memcpy(seed_in, action_hash, NEAR_HASH_LEN);
    memcpy(seed_in + NEAR_HASH_LEN, h->block_random, NEAR_HASH_LEN);
    crypto_sha256(seed_in, sizeof seed_in, random_seed);
}

static int action_function_call(struct exec_state *es, size_t index, const struct tx_action *a)
{
    struct apply_ctx *ac = es->ac;
    const struct config_runtime *cfg = &ac->rt->config;
    const struct receipt *r = es->r;
    const char *acc = r->receiver_id;
    static const uint8_t zero[NEAR_HASH_LEN] = {0};

    struct vm_module *module = NULL;
    size_t code_len = 0;
    int rc = YB_ENOTFOUND;
    if (memcmp(es->account.code_hash, zero, NEAR_HASH_LEN) != 0) {
        rc = code_cache_get(ac->rt->codes, es->txn, acc, es->account.code_hash, &module, &code_len);
    }
    if (rc == YB_ENOTFOUND) {
        cJSON *cde = cJSON_CreateObject();
        cJSON_AddItemToObject(cde, "CodeDoesNotExist", fields_account(acc));
        cJSON *ce = cJSON_CreateObject();
        cJSON_AddItemToObject(ce, "CompilationError", cde);
        exec_fail(es, (long)index, "FunctionCallError", ce);
        free(es->failure_name_owned);
        es->failure_name_owned = yb_xstrdup("CodeDoesNotExist");
        es->failure_name = es->failure_name_owned;
        return YB_OK;
    }
    /* Code the engine refuses is judged by logic_run_code, which reports it as NEAR does. */
    uint8_t *code = NULL;
    if (rc >= YB_EWASM_MALFORMED && rc <= YB_EOUT_OF_GAS) {
        rc = state_code_get(es->txn, acc, &code, &code_len);
    }
    if (rc != YB_OK) {
        return rc;
    }

    /* The attached deposit belongs to the contract while it runs; a failure rolls it back and
     * the caller refunds it to the predecessor. */
    es->account.amount += a->u.call.deposit;

    /* value_return pays the data-receipt byte fee once per receiver of this receipt */
    const char **receivers = r->n_outputs ? yb_xcalloc(r->n_outputs, sizeof *receivers) : NULL;
    for (size_t i = 0; i < r->n_outputs; i++) {
        receivers[i] = r->outputs[i].receiver_id;
    }
    struct ext ext;
    ext_init(&ext, es->txn, acc);
    struct logic_ctx ctx = {
        .config = cfg,
        .current_account_id = acc,
        .predecessor_account_id = r->predecessor_id,
        .signer_account_id = r->signer_id,
        .signer_public_key = r->signer_pk,
        .input = a->u.call.args,
        .input_len = a->u.call.args_len,
        .block_height = ac->blk->height,
        .block_timestamp = ac->blk->timestamp_ns,
        .epoch_height = 0,
        .account_balance = es->account.amount,
        .account_locked_balance = es->account.locked,
        .attached_deposit = a->u.call.deposit,
        .prepaid_gas = a->u.call.gas,
        .storage_usage = es->account.storage_usage,
        .is_view = false,
        .promise_results = es->results,
        .n_promise_results = es->n_results,
        .refund_to_account_id = r->refund_to,
        .output_data_receivers = (const char *const *)receivers,
        .n_output_data_receivers = r->n_outputs,
        .ext = &ext_ops,
        .ext_ctx = &ext,
    };
    struct call_hashes hashes = {
        .receipt_id = r->id,
        .height = ac->blk->height,
        .action_index = index,
        .block_random = ac->blk->random_seed,
    };
    ctx.derive_hashes = derive_call_hashes;
    ctx.derive_arg = &hashes;

    struct logic_outcome out;
    if (module) {
        rc = logic_run(&ctx, module, code_len, a->u.call.method_name, &out);
        vm_module_release(module);
    } else {
        rc = logic_run_code(&ctx, ac->rt->cache, code, code_len, a->u.call.method_name, &out);
        free(code);
    }
    free(receivers);
    ext_fini(&ext);
    if (rc != YB_OK) {
        logic_outcome_fini(&out);
        return rc;
    }
    for (size_t i = 0; i < out.n_logs; i++) {
        es->logs = yb_xrealloc(es->logs, (es->n_logs + 1) * sizeof *es->logs);
        es->logs[es->n_logs++] = out.logs[i];
        out.logs[i] = NULL;
    }
    es->gas_burnt += out.burnt_gas;
    es->gas_used += out.used_gas;
    es->wasm_burnt += out.burnt_gas;

    if (out.error.kind != LOGIC_ERR_NONE) {
        exec_fail(es, (long)index, "FunctionCallError", logic_error_to_json(&out.error));
        free(es->failure_name_owned);
        es->failure_name_owned = yb_xstrdup(logic_error_name(out.error.kind));
        es->failure_name = es->failure_name_owned;
        logic_outcome_fini(&out);
        return YB_OK;
    }

    es->account.amount = out.balance;
    es->account.storage_usage = out.storage_usage;

    size_t base = es->n_news;
    for (size_t i = 0; i < out.n_receipts; i++) {
        struct logic_receipt_draft *d = &out.receipts[i];
        struct receipt n;
        receipt_init(&n);
        n.kind = d->is_yield ? RECEIPT_PROMISE_YIELD : RECEIPT_ACTION;
        n.predecessor_id = yb_xstrdup(acc);
        n.receiver_id = yb_xstrdup(d->receiver_id);
        n.signer_id = yb_xstrdup(r->signer_id);
        n.signer_pk = r->signer_pk;
        n.gas_price = r->gas_price;
        for (size_t k = 0; k < d->n_output_data_receivers; k++) {
            receipt_add_output(&n, d->output_data_receivers[k].data_id,
                               d->output_data_receivers[k].receiver_id);
        }
        for (size_t k = 0; k < d->n_input_data_ids; k++) {
            receipt_add_input(&n, d->input_data_ids[k]);
        }
        for (size_t k = 0; k < d->n_actions; k++) {
            receipt_add_action(&n, &d->actions[k]);
        }
        if (d->refund_to) {
            n.refund_to = yb_xstrdup(d->refund_to);
        }
        exec_add_receipt(es, &n, false);
    }
    /* Yield receipts are among the drafts (is_yield); apply.c parks them and queues their
     * timeouts once this receipt has succeeded. */
    for (size_t i = 0; i < out.n_resumes; i++) {
        struct receipt n;
        receipt_init(&n);
        n.kind = RECEIPT_PROMISE_RESUME;
        n.predecessor_id = yb_xstrdup(acc);
        n.receiver_id = yb_xstrdup(acc);
        memcpy(n.data_id, out.resumes[i].data_id, NEAR_HASH_LEN);
        n.has_data = true;
        n.data = out.resumes[i].payload;
        n.data_len = out.resumes[i].len;
        out.resumes[i].payload = NULL;
        out.resumes[i].len = 0;
        exec_add_receipt(es, &n, true);
    }
    /* The last function call's return decides the receipt's result. */
    free(es->ret_value);
    es->ret_value = NULL;
    es->ret_len = 0;
    es->ret_kind = out.return_kind;
    if (out.return_kind == LOGIC_RETURN_VALUE) {
        es->ret_value = out.return_data;
        es->ret_len = out.return_len;
        out.return_data = NULL;
    } else if (out.return_kind == LOGIC_RETURN_RECEIPT) {
        es->ret_receipt = base + out.return_receipt_index;
    }
    logic_outcome_fini(&out);
    return YB_OK;
}

int actions_apply(struct exec_state *es, size_t index)
{
    const struct tx_action *a = &es->r->actions[index];
    uint64_t fee = actions_exec_fee(&es->ac->rt->config, a, es->r->receiver_id);
    es->gas_burnt += fee;
    es->gas_used += fee;
    if (!action_precheck(es, index, a)) {
        return YB_OK;
    }
    switch (a->type) {
    case TX_ACTION_CREATE_ACCOUNT:
        return action_create_account(es, index);
    case TX_ACTION_DEPLOY_CONTRACT:
        return action_deploy(es, a);
    case TX_ACTION_FUNCTION_CALL:
        return action_function_call(es, index, a);
    case TX_ACTION_TRANSFER:
        return action_transfer(es, index, a);
    case TX_ACTION_STAKE: {
        /* A local chain has no validators to join; staking is refused by name. */
        cJSON *f = fields_account(es->r->receiver_id);
        outcome_json_u128(f, "stake", a->u.stake.stake);
        exec_fail(es, (long)index, "StakingNotSupported", f);
        return YB_OK;
    }
    case TX_ACTION_ADD_KEY:
        return action_add_key(es, index, a);
    case TX_ACTION_DELETE_KEY:
        return action_delete_key(es, index, a);
    case TX_ACTION_DELETE_ACCOUNT:
        return action_delete_account(es, a);
    default:
        exec_fail(es, (long)index, "UnsupportedAction", NULL);
        return YB_OK;
    }
}
