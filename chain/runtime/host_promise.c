/*
 * host_promise.c — the promise API (nep519 §5.1): building receipt drafts and their data
 * dependencies, every batch action, promise results and promise_return.
 *
 * Promises are indices into l->promises; each maps to one receipt draft (its index in
 * out->receipts) or, after promise_and, to several ("joint"). Data ids are made in the order
 * nearcore makes them, so rt-core's receipts match nearcore's byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "err.h"
#include "logic_int.h"
#include "mem.h"

static bool is_self(const struct logic *l, const char *account)
{
    return strcmp(account, l->ctx->current_account_id) == 0;
}

/* The receipt behind a non-joint promise, and whether it goes to the current account. */
static int promise_receipt(struct logic *l, uint64_t idx, uint64_t *r, bool *sir)
{
    if (idx >= l->n_promises) {
        return logic_fail(l, LOGIC_ERR_INVALID_PROMISE_INDEX, idx, 0, NULL);
    }
    if (l->promises[idx].joint) {
        return logic_fail(l, LOGIC_ERR_CANNOT_APPEND_ACTION_TO_JOINT_PROMISE, 0, 0, NULL);
    }
    *r = l->promises[idx].receipt;
    *sir = is_self(l, l->out->receipts[*r].receiver_id);
    return 0;
}

/* base + the view check every promise function starts with. */
static int start(struct logic *l, const char *name)
{
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_check_not_view(l, name)) {
        return LOGIC_ABORT;
    }
    return 0;
}

/* nearcore's PublicKeyBuffer: the key is read (and paid for) first, but a key that does not
 * decode (borsh, all bytes used, ed25519 only) is reported only later, by key_decoded(), after
 * the receipt lookup and the fees — the order nearcore keeps for compatibility. */
struct key_buf {
    struct near_pubkey pk;
    bool ok;
};

static int read_public_key(struct logic *l, uint64_t len, uint64_t ptr, struct key_buf *kb)
{
    const uint8_t *p;
    size_t n;
    if (logic_mem_or_reg(l, ptr, len, &p, &n)) {
        return LOGIC_ABORT;
    }
    struct borsh_reader r;
    borsh_reader_init(&r, p, n);
    kb->ok = near_pubkey_decode(&r, &kb->pk) == YB_OK && borsh_reader_finish(&r) == YB_OK;
    return 0;
}

static int key_decoded(struct logic *l, const struct key_buf *kb)
{
    return kb->ok ? 0 : logic_fail(l, LOGIC_ERR_INVALID_PUBLIC_KEY, 0, 0, NULL);
}

/* ---- creating receipts ---- */

static int batch_create(struct logic *l, uint64_t len, uint64_t ptr, uint64_t *idx)
{
    char *account = NULL;
    if (start(l, "promise_batch_create") || logic_read_account_id(l, len, ptr, &account) ||
        logic_pay_new_receipt(l, is_self(l, account), NULL, 0)) {
        free(account);
        return LOGIC_ABORT;
    }
    uint64_t r = logic_new_receipt(l, account);
    free(account);
    return logic_push_promise(l, (struct logic_promise){.receipt = r}, idx);
}

static int batch_then(struct logic *l, uint64_t promise_idx, uint64_t len, uint64_t ptr,
                      uint64_t *idx)
{
    char *account = NULL;
    if (start(l, "promise_batch_then") || logic_read_account_id(l, len, ptr, &account)) {
        free(account);
        return LOGIC_ABORT;
    }
    if (promise_idx >= l->n_promises) {
        free(account);
        return logic_fail(l, LOGIC_ERR_INVALID_PROMISE_INDEX, promise_idx, 0, NULL);
    }
    const struct logic_promise *p = &l->promises[promise_idx];
    size_t n = p->joint ? p->n_deps : 1;
    uint64_t *deps = yb_xmalloc(n * sizeof(*deps));
    if (p->joint) {
        memcpy(deps, p->deps, n * sizeof(*deps));
    } else {
        deps[0] = p->receipt;
    }
    bool *dep_sir = yb_xmalloc(n * sizeof(*dep_sir));
    for (size_t i = 0; i < n; i++) {
        dep_sir[i] = strcmp(l->out->receipts[deps[i]].receiver_id, account) == 0;
    }
    int rc = logic_pay_new_receipt(l, is_self(l, account), dep_sir, n);
    free(dep_sir);
    if (rc) {
        free(deps);
        free(account);
        return LOGIC_ABORT;
    }
    /* Each dependency gets an output data receiver for a fresh data id; the new receipt waits
     * for those ids in the same order. */
    uint64_t r = logic_new_receipt(l, account);
    struct logic_receipt_draft *nr = &l->out->receipts[r];
    nr->input_data_ids = yb_xmalloc(n * LOGIC_HASH_LEN);
    nr->n_input_data_ids = n;
    for (size_t i = 0; i < n; i++) {
        struct logic_receipt_draft *d = &l->out->receipts[deps[i]];
        d->output_data_receivers =
            yb_xrealloc(d->output_data_receivers,
                        (d->n_output_data_receivers + 1) * sizeof(struct logic_data_receiver));
        struct logic_data_receiver *dr = &d->output_data_receivers[d->n_output_data_receivers++];
        logic_new_data_id(l, dr->data_id);
        dr->receiver_id = yb_xstrdup(account);
        memcpy(nr->input_data_ids[i], dr->data_id, LOGIC_HASH_LEN);
    }
    free(deps);
    free(account);
    return logic_push_promise(l, (struct logic_promise){.receipt = r}, idx);
}

/* promise_batch_action_function_call_weight's body (with_weight: which name to report). */
static int action_function_call(struct logic *l, uint64_t promise_idx, uint64_t method_len,
                                uint64_t method_ptr, uint64_t args_len, uint64_t args_ptr,
                                uint64_t amount_ptr, uint64_t gas, uint64_t weight)
{
    yb_u128 amount;
    const uint8_t *mp, *ap;
    size_t mn, an;
    if (start(l, "promise_batch_action_function_call") ||
        logic_mem_read_u128(l, amount_ptr, &amount) ||
        logic_mem_or_reg(l, method_ptr, method_len, &mp, &mn)) {
        return LOGIC_ABORT;
    }
    if (mn == 0) {
        return logic_fail(l, LOGIC_ERR_EMPTY_METHOD_NAME, 0, 0, NULL);
    }
    /* The method name may sit in a register that reading the arguments leaves alone, but it
     * may also be guest memory; copy it so later reads cannot disturb it. */
    uint8_t *method = yb_xmalloc(mn);
    memcpy(method, mp, mn);
    uint64_t r;
    bool sir;
    int rc = logic_mem_or_reg(l, args_ptr, args_len, &ap, &an);
    if (!rc) {
        rc = promise_receipt(l, promise_idx, &r, &sir);
    }
    if (!rc) {
        rc = logic_pay_action(l, CONFIG_FEE_FUNCTION_CALL, sir, 1);
    }
    if (!rc) {
        rc = logic_pay_action(l, CONFIG_FEE_FUNCTION_CALL_PER_BYTE, sir, (uint64_t)mn + an);
    }
    if (!rc) {
        rc = logic_gas(l, 0, gas); /* prepaid to the call: used, not burnt */
    }
    if (!rc) {
        rc = logic_deduct_balance(l, amount);
    }
    if (!rc) {
        rc = logic_append_function_call(l, r, method, mn, ap, an, gas, amount, weight);
    }
    free(method);
    return rc;
}

/* ---- host functions ---- */

#define ENTER() struct logic *l = logic_enter(call, ctx)
#define HOST(name)                                                                                 \
    static int name(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)

HOST(h_promise_create)
{
    ENTER();
    uint64_t idx;
    if (batch_create(l, a[0].i64, a[1].i64, &idx) ||
        action_function_call(l, idx, a[2].i64, a[3].i64, a[4].i64, a[5].i64, a[6].i64, a[7].i64,
                             0)) {
        return logic_trap(l);
    }
    res[0].i64 = idx;
    return YB_OK;
}

HOST(h_promise_then)
{
    ENTER();
    uint64_t idx;
    if (batch_then(l, a[0].i64, a[1].i64, a[2].i64, &idx) ||
        action_function_call(l, idx, a[3].i64, a[4].i64, a[5].i64, a[6].i64, a[7].i64, a[8].i64,
                             0)) {
        return logic_trap(l);
    }
    res[0].i64 = idx;
    return YB_OK;
}

HOST(h_promise_and)
{
    ENTER();
    uint64_t count = a[1].i64, bytes;
    if (start(l, "promise_and") || logic_pay(l, CONFIG_EXT_PROMISE_AND_BASE)) {
        return logic_trap(l);
    }
    if (__builtin_mul_overflow(count, (uint64_t)8, &bytes)) {
        logic_fail(l, LOGIC_ERR_INTEGER_OVERFLOW, 0, 0, NULL);
        return logic_trap(l);
    }
    const uint8_t *p;
    if (logic_pay_per(l, CONFIG_EXT_PROMISE_AND_PER_PROMISE, bytes) ||
        logic_mem_view(l, a[0].i64, bytes, &p)) {
        return logic_trap(l);
    }
    uint64_t limit = l->cfg->limits.max_number_input_data_dependencies;
    uint64_t *deps = NULL;
    size_t n = 0, cap = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t idx = 0;
        for (int b = 7; b >= 0; b--) {
            idx = (idx << 8) | p[i * 8 + (uint64_t)b];
        }
        if (idx >= l->n_promises) {
            free(deps);
            logic_fail(l, LOGIC_ERR_INVALID_PROMISE_INDEX, idx, 0, NULL);
            return logic_trap(l);
        }
        const struct logic_promise *pr = &l->promises[idx];
        size_t add = pr->joint ? pr->n_deps : 1;
        for (size_t k = 0; k < add; k++) {
            logic_grow((void **)&deps, &cap, n, sizeof(*deps));
            deps[n++] = pr->joint ? pr->deps[k] : pr->receipt;
        }
        /* Checked inside the loop so joining huge joint promises stops early. */
        if (n > limit) {
            free(deps);
            logic_fail(l, LOGIC_ERR_NUMBER_INPUT_DATA_DEPENDENCIES_EXCEEDED, n, limit, NULL);
            return logic_trap(l);
        }
    }
    uint64_t idx;
    if (logic_push_promise(l, (struct logic_promise){.joint = true, .deps = deps, .n_deps = n},
                           &idx)) {
        return logic_trap(l);
    }
    res[0].i64 = idx;
    return YB_OK;
}

HOST(h_promise_batch_create)
{
    ENTER();
    uint64_t idx;
    if (batch_create(l, a[0].i64, a[1].i64, &idx)) {
        return logic_trap(l);
    }
    res[0].i64 = idx;
    return YB_OK;
}

HOST(h_promise_batch_then)
{
    ENTER();
    uint64_t idx;
    if (batch_then(l, a[0].i64, a[1].i64, a[2].i64, &idx)) {
        return logic_trap(l);
    }
    res[0].i64 = idx;
    return YB_OK;
}

HOST(h_action_create_account)
{
    ENTER();
    uint64_t r;
    bool sir;
    if (start(l, "promise_batch_action_create_account") || promise_receipt(l, a[0].i64, &r, &sir) ||
        logic_pay_action(l, CONFIG_FEE_CREATE_ACCOUNT, sir, 1)) {
        return logic_trap(l);
    }
    logic_append_action(l, r, 0)->type = TX_ACTION_CREATE_ACCOUNT;
    return YB_OK;
}

HOST(h_action_deploy_contract)
{
    ENTER();
    const uint8_t *p;
    size_t n;
    if (start(l, "promise_batch_action_deploy_contract") ||
        logic_mem_or_reg(l, a[2].i64, a[1].i64, &p, &n)) {
        return logic_trap(l);
    }
    uint64_t limit = l->cfg->limits.max_contract_size;
    if (n > limit) {
        logic_fail(l, LOGIC_ERR_CONTRACT_SIZE_EXCEEDED, n, limit, NULL);
        return logic_trap(l);
    }
    uint64_t r;
    bool sir;
    if (promise_receipt(l, a[0].i64, &r, &sir) ||
        logic_pay_action(l, CONFIG_FEE_DEPLOY_CONTRACT, sir, 1) ||
        logic_pay_action(l, CONFIG_FEE_DEPLOY_CONTRACT_PER_BYTE, sir, n)) {
        return logic_trap(l);
    }
    struct tx_action *act = logic_append_action(l, r, 0);
    act->type = TX_ACTION_DEPLOY_CONTRACT;
    act->u.deploy.code = yb_xmalloc(n ? n : 1);
    if (n) {
        memcpy(act->u.deploy.code, p, n);
    }
    act->u.deploy.code_len = n;
    return YB_OK;
}

HOST(h_action_function_call)
{
    ENTER();
    if (action_function_call(l, a[0].i64, a[1].i64, a[2].i64, a[3].i64, a[4].i64, a[5].i64,
                             a[6].i64, 0)) {
        return logic_trap(l);
    }
    return YB_OK;
}

HOST(h_action_function_call_weight)
{
    ENTER();
    if (action_function_call(l, a[0].i64, a[1].i64, a[2].i64, a[3].i64, a[4].i64, a[5].i64,
                             a[6].i64, a[7].i64)) {
        return logic_trap(l);
    }
    return YB_OK;
}

HOST(h_action_transfer)
{
    ENTER();
    yb_u128 amount;
    uint64_t r;
    bool sir;
    if (start(l, "promise_batch_action_transfer") || logic_mem_read_u128(l, a[1].i64, &amount) ||
        promise_receipt(l, a[0].i64, &r, &sir)) {
        return logic_trap(l);
    }
    /* A transfer to a NEAR-implicit account that may not exist yet also pays for creating it
     * and adding its full-access key (nearcore's transfer_send_fee / transfer_exec_fee). */
    const char *to = l->out->receipts[r].receiver_id;
    uint64_t send = config_fee_send(l->cfg, CONFIG_FEE_TRANSFER, sir);
    uint64_t exec = config_fee_exec(l->cfg, CONFIG_FEE_TRANSFER);
    if (near_account_validate(to, strlen(to)) == YB_OK &&
        near_account_kind(to, strlen(to)) == NEAR_ACCOUNT_NEAR_IMPLICIT) {
        send += config_fee_send(l->cfg, CONFIG_FEE_CREATE_ACCOUNT, sir) +
                config_fee_send(l->cfg, CONFIG_FEE_ADD_FULL_ACCESS_KEY, sir);
        exec += config_fee_exec(l->cfg, CONFIG_FEE_CREATE_ACCOUNT) +
                config_fee_exec(l->cfg, CONFIG_FEE_ADD_FULL_ACCESS_KEY);
    }
    if (logic_gas(l, send, send + exec) || logic_deduct_balance(l, amount)) {
        return logic_trap(l);
    }
    struct tx_action *act = logic_append_action(l, r, 0);
    act->type = TX_ACTION_TRANSFER;
    act->u.transfer.deposit = amount;
    return YB_OK;
}

HOST(h_action_stake)
{
    ENTER();
    yb_u128 amount;
    struct key_buf kb;
    uint64_t r;
    bool sir;
    if (start(l, "promise_batch_action_stake") || logic_mem_read_u128(l, a[1].i64, &amount) ||
        read_public_key(l, a[2].i64, a[3].i64, &kb) || promise_receipt(l, a[0].i64, &r, &sir) ||
        logic_pay_action(l, CONFIG_FEE_STAKE, sir, 1) || key_decoded(l, &kb)) {
        return logic_trap(l);
    }
    struct tx_action *act = logic_append_action(l, r, 0);
    act->type = TX_ACTION_STAKE;
    act->u.stake.stake = amount;
    act->u.stake.public_key = kb.pk;
    return YB_OK;
}

/* The start shared by the key actions whose arguments begin (promise_idx, pk_len, pk_ptr): the
 * checks in NEAR's order, fee f paid, then an action of type t on the promise's receipt with
 * the decoded key in *kb. NULL when the call trapped (return logic_trap then). */
static struct tx_action *key_action(struct logic *l, const union vm_value *a, const char *name,
                                    enum config_fee_kind f, enum tx_action_type t,
                                    struct key_buf *kb)
{
    uint64_t r;
    bool sir;
    if (start(l, name) || read_public_key(l, a[1].i64, a[2].i64, kb) ||
        promise_receipt(l, a[0].i64, &r, &sir) || logic_pay_action(l, f, sir, 1) ||
        key_decoded(l, kb)) {
        return NULL;
    }
    struct tx_action *act = logic_append_action(l, r, 0);
    act->type = t;
    return act;
}

HOST(h_action_add_key_full)
{
    ENTER();
    struct key_buf kb;
    struct tx_action *act = key_action(l, a, "promise_batch_action_add_key_with_full_access",
                                       CONFIG_FEE_ADD_FULL_ACCESS_KEY, TX_ACTION_ADD_KEY, &kb);
    if (act == NULL) {
        return logic_trap(l);
    }
    act->u.add_key.public_key = kb.pk;
    act->u.add_key.access_key.nonce = a[3].i64;
    act->u.add_key.access_key.full_access = true;
    return YB_OK;
}

/* Comma-separated method names (empty list allowed, empty name not) → owned strings. */
static int split_method_names(struct logic *l, const uint8_t *p, size_t n, char ***out,
                              size_t *count, uint64_t *bytes)
{
    *out = NULL;
    *count = 0;
    *bytes = 0;
    if (n == 0) {
        return 0;
    }
    size_t start_at = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != ',') {
            continue;
        }
        size_t len = i - start_at;
        int rc = 0;
        if (len == 0) {
            rc = logic_fail(l, LOGIC_ERR_EMPTY_METHOD_NAME, 0, 0, NULL);
        } else if (borsh_check_utf8(p + start_at, len) != YB_OK || memchr(p + start_at, 0, len)) {
            rc = logic_fail(l, LOGIC_ERR_INVALID_METHOD_NAME, 0, 0, NULL);
        }
        if (rc) {
            for (size_t k = 0; k < *count; k++) {
                free((*out)[k]);
            }
            free(*out);
            *out = NULL;
            *count = 0;
            return rc;
        }
        *out = yb_xrealloc(*out, (*count + 1) * sizeof(char *));
        (*out)[(*count)++] = yb_xstrndup((const char *)p + start_at, len);
        *bytes += len + 1; /* nearcore counts a terminator per name */
        start_at = i + 1;
    }
    return 0;
}

HOST(h_action_add_key_fc)
{
    ENTER();
    /* (promise_idx, pk_len, pk_ptr, nonce, allowance_ptr, receiver_len, receiver_ptr,
     *  method_names_len, method_names_ptr) */
    struct key_buf kb;
    yb_u128 allowance;
    char *receiver = NULL;
    if (start(l, "promise_batch_action_add_key_with_function_call") ||
        read_public_key(l, a[1].i64, a[2].i64, &kb) ||
        logic_mem_read_u128(l, a[4].i64, &allowance) ||
        logic_read_account_id(l, a[5].i64, a[6].i64, &receiver)) {
        free(receiver);
        return logic_trap(l);
    }
    const uint8_t *mp;
    size_t mn;
    char **names = NULL;
    size_t n_names = 0;
    uint64_t bytes = 0, r;
    bool sir;
    int rc = logic_mem_or_reg(l, a[8].i64, a[7].i64, &mp, &mn);
    if (!rc) {
        rc = split_method_names(l, mp, mn, &names, &n_names, &bytes);
    }
    if (!rc) {
        rc = promise_receipt(l, a[0].i64, &r, &sir);
    }
    if (!rc) {
        rc = logic_pay_action(l, CONFIG_FEE_ADD_FUNCTION_CALL_KEY, sir, 1);
    }
    if (!rc) {
        rc = logic_pay_action(l, CONFIG_FEE_ADD_FUNCTION_CALL_KEY_PER_BYTE, sir, bytes);
    }
    if (!rc) {
        rc = key_decoded(l, &kb);
    }
    if (rc) {
        for (size_t k = 0; k < n_names; k++) {
            free(names[k]);
        }
        free(names);
        free(receiver);
        return logic_trap(l);
    }
    struct tx_action *act = logic_append_action(l, r, 0);
    act->type = TX_ACTION_ADD_KEY;
    act->u.add_key.public_key = kb.pk;
    struct tx_access_key *ak = &act->u.add_key.access_key;
    ak->nonce = a[3].i64;
    ak->full_access = false;
    ak->has_allowance = allowance > 0;
    ak->allowance = allowance;
    ak->receiver_id = receiver;
    ak->method_names = names;
    ak->n_method_names = n_names;
    return YB_OK;
}

HOST(h_action_delete_key)
{
    ENTER();
    struct key_buf kb;
    struct tx_action *act = key_action(l, a, "promise_batch_action_delete_key",
                                       CONFIG_FEE_DELETE_KEY, TX_ACTION_DELETE_KEY, &kb);
    if (act == NULL) {
        return logic_trap(l);
    }
    act->u.delete_key.public_key = kb.pk;
    return YB_OK;
}

HOST(h_action_delete_account)
{
    ENTER();
    char *beneficiary = NULL;
    uint64_t r;
    bool sir;
    if (start(l, "promise_batch_action_delete_account") ||
        logic_read_account_id(l, a[1].i64, a[2].i64, &beneficiary) ||
        promise_receipt(l, a[0].i64, &r, &sir) ||
        logic_pay_action(l, CONFIG_FEE_DELETE_ACCOUNT, sir, 1)) {
        free(beneficiary);
        return logic_trap(l);
    }
    struct tx_action *act = logic_append_action(l, r, 0);
    act->type = TX_ACTION_DELETE_ACCOUNT;
    act->u.delete_account.beneficiary_id = beneficiary;
    return YB_OK;
}

HOST(h_promise_set_refund_to)
{
    ENTER();
    char *account = NULL;
    uint64_t r;
    bool sir;
    if (start(l, "promise_set_refund_to") ||
        logic_read_account_id(l, a[1].i64, a[2].i64, &account)) {
        free(account);
        return logic_trap(l);
    }
    if (a[0].i64 < l->n_promises && l->promises[a[0].i64].joint) {
        free(account);
        logic_fail(l, LOGIC_ERR_CANNOT_SET_REFUND_TO_ON_JOINT_PROMISE, 0, 0, NULL);
        return logic_trap(l);
    }
    if (promise_receipt(l, a[0].i64, &r, &sir)) {
        free(account);
        return logic_trap(l);
    }
    free(l->out->receipts[r].refund_to);
    l->out->receipts[r].refund_to = account;
    return YB_OK;
}

HOST(h_promise_results_count)
{
    ENTER();
    if (start(l, "promise_results_count")) {
        return logic_trap(l);
    }
    res[0].i64 = l->ctx->n_promise_results;
    return YB_OK;
}

HOST(h_promise_result)
{
    ENTER();
    uint64_t i = a[0].i64;
    if (start(l, "promise_result")) {
        return logic_trap(l);
    }
    if (i >= l->ctx->n_promise_results) {
        logic_fail(l, LOGIC_ERR_INVALID_PROMISE_RESULT_INDEX, i, 0, NULL);
        return logic_trap(l);
    }
    const struct logic_promise_result *pr = &l->ctx->promise_results[i];
    if (pr->status == LOGIC_PROMISE_FAILED) {
        res[0].i64 = 2;
        return YB_OK;
    }
    if (logic_reg_set_shared(l, a[1].i64, pr->data, pr->len, !l->cfg->deterministic_account_ids)) {
        return logic_trap(l);
    }
    res[0].i64 = 1;
    return YB_OK;
}

HOST(h_promise_return)
{
    ENTER();
    uint64_t idx = a[0].i64;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_pay(l, CONFIG_EXT_PROMISE_RETURN) ||
        logic_check_not_view(l, "promise_return")) {
        return logic_trap(l);
    }
    if (idx >= l->n_promises) {
        logic_fail(l, LOGIC_ERR_INVALID_PROMISE_INDEX, idx, 0, NULL);
        return logic_trap(l);
    }
    if (l->promises[idx].joint) {
        logic_fail(l, LOGIC_ERR_CANNOT_RETURN_JOINT_PROMISE, 0, 0, NULL);
        return logic_trap(l);
    }
    free(l->out->return_data);
    l->out->return_data = NULL;
    l->out->return_len = 0;
    l->out->return_kind = LOGIC_RETURN_RECEIPT;
    l->out->return_receipt_index = l->promises[idx].receipt;
    return YB_OK;
}

const struct logic_host_fn host_promise_fns[] = {
    {"promise_create", "IIIIIIII->I", h_promise_create, 0},
    {"promise_then", "IIIIIIIII->I", h_promise_then, 0},
    {"promise_and", "II->I", h_promise_and, 0},
    {"promise_batch_create", "II->I", h_promise_batch_create, 0},
    {"promise_batch_then", "III->I", h_promise_batch_then, 0},
    {"promise_batch_action_create_account", "I->", h_action_create_account, 0},
    {"promise_batch_action_deploy_contract", "III->", h_action_deploy_contract, 0},
    {"promise_batch_action_function_call", "IIIIIII->", h_action_function_call, 0},
    {"promise_batch_action_function_call_weight", "IIIIIIII->", h_action_function_call_weight, 0},
    {"promise_batch_action_transfer", "II->", h_action_transfer, 0},
    {"promise_batch_action_stake", "IIII->", h_action_stake, 0},
    {"promise_batch_action_add_key_with_full_access", "IIII->", h_action_add_key_full, 0},
    {"promise_batch_action_add_key_with_function_call", "IIIIIIIII->", h_action_add_key_fc, 0},
    {"promise_batch_action_delete_key", "III->", h_action_delete_key, 0},
    {"promise_batch_action_delete_account", "III->", h_action_delete_account, 0},
    {"promise_set_refund_to", "III->", h_promise_set_refund_to, 0},
    {"promise_results_count", "->I", h_promise_results_count, 0},
    {"promise_result", "II->I", h_promise_result, 0},
    {"promise_return", "I->", h_promise_return, 0},
    {NULL, NULL, NULL, 0},
};
