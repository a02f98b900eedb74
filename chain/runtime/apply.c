/*
 * apply.c — applying a block: transactions to receipts, receipt execution with per-receipt
 * rollback, data dependencies, refunds, yield timeouts (see runtime.h for the order).
 *
 * Every receipt this block creates (new calls, data, resumes, refunds, timeouts) is queued in
 * the state's delayed-receipt queue and runs in the next block: this chain has one shard, and
 * "outgoing to another shard" becomes "the next block" (reference/nep519.md §4.5). Only local
 * transaction receipts (signer == receiver) and PromiseYield receipts (instant, stored) take
 * effect in the block that made them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "borsh.h"
#include "err.h"
#include "ext.h"
#include "mem.h"
#include "runtime_int.h"
#include "verify.h"
#include "yield_queue.h"

/* Room for element n of an array that only grows one element at a time: its capacity is
 * implicitly 4, 8, 16, ... (the next power of two), so appending n elements reallocates
 * log2(n) times, not n times (a block's yield events number in the thousands). */
static void *grow_for(void *arr, size_t n, size_t elem)
{
    if (n == 0) {
        return yb_xrealloc(arr, 4 * elem);
    }
    if (n >= 4 && (n & (n - 1)) == 0) {
        return yb_xrealloc(arr, 2 * n * elem);
    }
    return arr;
}

/* ---- exec_state helpers (runtime_int.h) ---- */

size_t exec_add_receipt(struct exec_state *es, struct receipt *r, bool is_data)
{
    es->news = grow_for(es->news, es->n_news, sizeof *es->news);
    es->news[es->n_news].r = *r;
    es->news[es->n_news].is_data = is_data;
    receipt_init(r);
    return es->n_news++;
}

void exec_fail_json(struct exec_state *es, cJSON *err, const char *name)
{
    cJSON_Delete(es->failure);
    es->failure = err;
    free(es->failure_name_owned);
    es->failure_name_owned = yb_xstrdup(name);
    es->failure_name = es->failure_name_owned;
}

void exec_fail(struct exec_state *es, long index, const char *name, cJSON *fields)
{
    exec_fail_json(es, outcome_err_action(index, name, fields), name);
}

static void exec_drop_news(struct exec_state *es)
{
    for (size_t i = 0; i < es->n_news; i++) {
        receipt_fini(&es->news[i].r);
    }
    free(es->news);
    es->news = NULL;
    es->n_news = 0;
}

static void exec_state_fini(struct exec_state *es)
{
    exec_drop_news(es);
    for (size_t i = 0; i < es->n_logs; i++) {
        free(es->logs[i]);
    }
    free(es->logs);
    free(es->ret_value);
    cJSON_Delete(es->failure);
    free(es->failure_name_owned);
}

/* ---- yield events ---- */

static void yield_event(struct apply_ctx *ac, enum runtime_yield_event_kind kind, const char *acc,
                        const uint8_t data_id[NEAR_HASH_LEN],
                        const uint8_t receipt_id[NEAR_HASH_LEN], uint64_t expires)
{
    struct runtime_block_result *res = ac->res;
    res->yields = grow_for(res->yields, res->n_yields, sizeof *res->yields);
    struct runtime_yield_event *e = &res->yields[res->n_yields++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    snprintf(e->account, sizeof e->account, "%s", acc);
    memcpy(e->data_id, data_id, NEAR_HASH_LEN);
    memcpy(e->receipt_id, receipt_id, NEAR_HASH_LEN);
    e->expires_height = expires;
}

int runtime_pending_yields(struct store_txn *txn, uint64_t *out)
{
    return store_count(txn, STATE_COL_YIELD_RECEIPT, NULL, 0, out);
}

/* ---- queues ---- */

/* Sends a receipt to the next block. */
static int queue_receipt(struct apply_ctx *ac, const struct receipt *r)
{
    yb_buf_reset(&ac->scratch);
    int rc = receipt_encode(&ac->scratch, r);
    if (rc == YB_OK) {
        rc = state_queue_append(ac->txn, &ac->delayed, ac->scratch.data, ac->scratch.len);
    }
    return rc;
}

/* With blk->record_receipts, keeps a copy of an action receipt made in this block (the node
 * stores it as the receipt's history). */
static void record_created(struct apply_ctx *ac, const struct receipt *r)
{
    struct runtime_block_result *res = ac->res;
    if (!ac->blk->record_receipts || !receipt_is_action(r)) {
        return;
    }
    if (res->n_created == res->cap_created) {
        res->cap_created = res->cap_created ? res->cap_created * 2 : 16;
        res->created = yb_xrealloc(res->created, res->cap_created * sizeof *res->created);
    }
    receipt_copy(&res->created[res->n_created++], r);
}

/* A system Transfer: deposit and gas refunds, which cost no gas and cannot be refused. */
static void make_refund(struct receipt *t, const char *receiver, yb_u128 amount,
                        const struct near_pubkey *pk)
{
    receipt_init(t);
    t->kind = RECEIPT_ACTION;
    t->predecessor_id = yb_xstrdup(RECEIPT_SYSTEM_ACCOUNT);
    t->receiver_id = yb_xstrdup(receiver);
    t->signer_id = yb_xstrdup(RECEIPT_SYSTEM_ACCOUNT);
    t->signer_pk.type = NEAR_KEY_ED25519;
    if (pk) {
        /* a gas refund names the signer's key, whose allowance it refills */
        t->signer_pk = *pk;
        free(t->signer_id);
        t->signer_id = yb_xstrdup(receiver);
    }
    struct tx_action a = {.type = TX_ACTION_TRANSFER};
    a.u.transfer.deposit = amount;
    receipt_add_action(t, &a);
}

/* A gas refund gives the refunded tokens back to the allowance of the key that paid. */
static int refill_allowance(struct apply_ctx *ac, const struct receipt *r)
{
    static const uint8_t zero[NEAR_ED25519_PK_LEN] = {0};
    if (r->n_actions != 1 || r->actions[0].type != TX_ACTION_TRANSFER ||
        memcmp(r->signer_pk.data, zero, sizeof zero) == 0) {
        return YB_OK;
    }
    uint8_t *v = NULL;
    size_t n = 0;
    int rc = state_access_key_get(ac->txn, r->receiver_id, &r->signer_pk, &v, &n);
    if (rc == YB_ENOTFOUND) {
        return YB_OK;
    }
    if (rc != YB_OK) {
        return rc;
    }
    struct tx_access_key ak;
    struct borsh_reader rd;
    borsh_reader_init(&rd, v, n);
    rc = tx_access_key_decode(&rd, &ak);
    free(v);
    if (rc != YB_OK) {
        return YB_EMALFORMED;
    }
    if (!ak.full_access && ak.has_allowance) {
        yb_u128 add = r->actions[0].u.transfer.deposit;
        ak.allowance = ak.allowance + add < ak.allowance ? ~(yb_u128)0 : ak.allowance + add;
        struct yb_buf b;
        yb_buf_init(&b, 1u << 16);
        rc = tx_access_key_encode(&b, &ak);
        if (rc == YB_OK) {
            rc = state_access_key_set(ac->txn, r->receiver_id, &r->signer_pk, b.data, b.len);
        }
        yb_buf_fini(&b);
    }
    tx_access_key_fini(&ak);
    return rc;
}

/* ---- executing an action receipt ---- */

struct input_data {
    struct logic_promise_result *results;
    uint8_t **bufs;
    size_t n;
};

static void input_data_fini(struct input_data *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free(in->bufs[i]);
    }
    free(in->bufs);
    free(in->results);
}

/* Reads and deletes the received data of every input, in input order (nep519 §5.2.2). */
static int take_inputs(struct apply_ctx *ac, const struct receipt *r, struct input_data *in)
{
    memset(in, 0, sizeof *in);
    if (r->n_inputs == 0) {
        return YB_OK;
    }
    in->results = yb_xcalloc(r->n_inputs, sizeof *in->results);
    in->bufs = yb_xcalloc(r->n_inputs, sizeof *in->bufs);
    for (size_t i = 0; i < r->n_inputs; i++) {
        bool present = false;
        size_t len = 0;
        int rc = state_received_data_get(ac->txn, r->receiver_id, r->inputs[i], &present,
                                         &in->bufs[i], &len);
        in->n = i + 1;
        if (rc != YB_OK) {
            return rc == YB_ENOTFOUND ? YB_EINTERNAL : rc;
        }
        in->results[i].status = present ? LOGIC_PROMISE_SUCCESSFUL : LOGIC_PROMISE_FAILED;
        in->results[i].data = in->bufs[i];
        in->results[i].len = len;
        rc = state_id_remove(ac->txn, STATE_COL_RECEIVED_DATA, r->receiver_id, r->inputs[i]);
        if (rc != YB_OK) {
            return rc;
        }
    }
    return YB_OK;
}

/* 30% of the gas burnt by wasm goes to the contract (burnt_gas_reward). nearcore multiplies
 * before dividing: gas · 3 / 10, then the price. */
static yb_u128 burnt_gas_reward(const struct config_runtime *cfg, const struct receipt *r,
                                uint64_t wasm_burnt)
{
    return (yb_u128)wasm_burnt * cfg->burnt_gas_reward_num / cfg->burnt_gas_reward_den *
           r->gas_price;
}

/* Runs the actions inside a nested txn; on failure everything this receipt wrote is undone. */
static int run_actions(struct exec_state *es)
{
    const struct config_runtime *cfg = &es->ac->rt->config;
    const struct receipt *r = es->r;
    int rc = store_nested_begin(es->ac->txn, &es->txn);
    if (rc != YB_OK) {
        return rc;
    }
    rc = state_account_get(es->txn, r->receiver_id, &es->account);
    if (rc == YB_OK) {
        es->account_exists = true;
    } else if (rc == YB_ENOTFOUND) {
        es->account_exists = false;
        rc = YB_OK;
    }
    for (size_t i = 0; rc == YB_OK && i < r->n_actions && !es->failure; i++) {
        rc = actions_apply(es, i);
    }
    if (rc == YB_OK && !es->failure && es->account_exists) {
        yb_u128 need = (yb_u128)es->account.storage_usage * cfg->storage_amount_per_byte;
        yb_u128 have = es->account.amount + es->account.locked;
        if (have < need) {
            cJSON *f = cJSON_CreateObject();
            outcome_json_str(f, "account_id", r->receiver_id);
            outcome_json_u128(f, "amount", need - have);
            exec_fail(es, -1, "LackBalanceForState", f);
        }
    }
    if (rc == YB_OK && !es->failure && es->account_exists) {
        /* The contract's share of wasm gas (applied after the storage check, as nearcore
         * does), folded into this write instead of a second read and write of the account. */
        if (strcmp(r->predecessor_id, RECEIPT_SYSTEM_ACCOUNT) != 0 && es->wasm_burnt > 0) {
            es->account.amount += burnt_gas_reward(cfg, r, es->wasm_burnt);
            es->reward_paid = true;
        }
        rc = state_account_set(es->txn, r->receiver_id, &es->account);
    }
    if (rc != YB_OK || es->failure) {
        store_abort(es->txn);
        es->txn = NULL;
        return rc;
    }
    rc = store_commit(es->txn);
    es->txn = NULL;
    return rc;
}

/* Output data (nep519 §5.2.4): forward to a returned receipt, or one data receipt per
 * receiver with the value, an empty value, or None on failure. */
static void route_outputs(struct exec_state *es)
{
    const struct receipt *r = es->r;
    if (r->n_outputs == 0) {
        return;
    }
    if (!es->failure && es->ret_kind == LOGIC_RETURN_RECEIPT && es->ret_receipt < es->n_news) {
        struct receipt *target = &es->news[es->ret_receipt].r;
        for (size_t i = 0; i < r->n_outputs; i++) {
            receipt_add_output(target, r->outputs[i].data_id, r->outputs[i].receiver_id);
        }
        return;
    }
    for (size_t i = 0; i < r->n_outputs; i++) {
        struct receipt d;
        receipt_init(&d);
        d.kind = RECEIPT_DATA;
        d.predecessor_id = yb_xstrdup(r->receiver_id);
        d.receiver_id = yb_xstrdup(r->outputs[i].receiver_id);
        memcpy(d.data_id, r->outputs[i].data_id, NEAR_HASH_LEN);
        d.has_data = es->failure == NULL;
        if (d.has_data && es->ret_kind == LOGIC_RETURN_VALUE && es->ret_len > 0) {
            d.data = yb_xmalloc(es->ret_len);
            memcpy(d.data, es->ret_value, es->ret_len);
            d.data_len = es->ret_len;
        }
        exec_add_receipt(es, &d, true);
    }
}

static uint64_t prepaid_gas(const struct config_runtime *cfg, const struct receipt *r)
{
    uint64_t g = config_fee_exec(cfg, CONFIG_FEE_ACTION_RECEIPT_CREATION);
    for (size_t i = 0; i < r->n_actions; i++) {
        g += actions_exec_fee(cfg, &r->actions[i], r->receiver_id);
        if (r->actions[i].type == TX_ACTION_FUNCTION_CALL) {
            g += r->actions[i].u.call.gas;
        }
    }
    return g;
}

static int execute_action_receipt(struct apply_ctx *ac, const struct receipt *r)
{
    const struct config_runtime *cfg = &ac->rt->config;
    const uint64_t height = ac->blk->height;
    bool is_refund = strcmp(r->predecessor_id, RECEIPT_SYSTEM_ACCOUNT) == 0;

    struct input_data in;
    int rc = take_inputs(ac, r, &in);
    if (rc != YB_OK) {
        input_data_fini(&in);
        return rc;
    }
    struct exec_state es;
    memset(&es, 0, sizeof es);
    es.ac = ac;
    es.r = r;
    es.actor_id = r->predecessor_id;
    es.results = in.results;
    es.n_results = in.n;
    es.gas_burnt = config_fee_exec(cfg, CONFIG_FEE_ACTION_RECEIPT_CREATION);
    es.gas_used = es.gas_burnt;

    if (is_refund) {
        rc = refill_allowance(ac, r);
    }
    if (rc == YB_OK) {
        rc = run_actions(&es);
    }
    if (rc != YB_OK) {
        goto out;
    }
    if (es.failure) {
        /* a failed receipt sends nothing on; its gas is all burnt (nep519 §5.2.3) */
        exec_drop_news(&es);
        es.gas_used = es.gas_burnt;
    }
    route_outputs(&es);

    /* The contract's reward, unless run_actions already paid it with its own account write
     * (it does when the actions succeeded). */
    if (!is_refund && es.wasm_burnt > 0 && !es.reward_paid) {
        struct state_account a;
        rc = state_account_get(ac->txn, r->receiver_id, &a);
        if (rc == YB_OK) {
            a.amount += burnt_gas_reward(cfg, r, es.wasm_burnt);
            rc = state_account_set(ac->txn, r->receiver_id, &a);
        } else if (rc == YB_ENOTFOUND) {
            rc = YB_OK;
        }
        if (rc != YB_OK) {
            goto out;
        }
    }

    /* Refunds (nep519 §5.3): deposits back on failure, unspent gas back to the signer. */
    if (!is_refund) {
        if (es.failure) {
            yb_u128 dep = 0;
            for (size_t i = 0; i < r->n_actions; i++) {
                dep += actions_deposit(&r->actions[i]);
            }
            if (dep > 0) {
                struct receipt t;
                make_refund(&t, receipt_refund_receiver(r), dep, NULL);
                exec_add_receipt(&es, &t, false);
            }
        }
        uint64_t prepaid = prepaid_gas(cfg, r);
        uint64_t spent = es.failure ? es.gas_burnt : es.gas_used;
        if (prepaid > spent && r->gas_price > 0) {
            struct receipt t;
            make_refund(&t, r->signer_id, (yb_u128)(prepaid - spent) * r->gas_price, &r->signer_pk);
            exec_add_receipt(&es, &t, false);
        }
    } else {
        es.gas_burnt = 0;
        es.gas_used = 0;
    }

    /* Ids, in creation order, then the outcome. */
    struct outcome *o = outcome_list_push(&ac->res->outcomes, r->id, r->receiver_id, false);
    for (size_t i = 0; i < es.n_news; i++) {
        receipt_id_from_parent(r->id, height, i, es.news[i].r.id);
        if (!es.news[i].is_data) {
            outcome_add_receipt_id(o, es.news[i].r.id);
            record_created(ac, &es.news[i].r);
        }
    }
    for (size_t i = 0; i < es.n_logs; i++) {
        outcome_add_log(o, es.logs[i], strlen(es.logs[i]));
    }
    o->gas_burnt = es.gas_burnt;
    o->tokens_burnt = (yb_u128)es.gas_burnt * r->gas_price;
    if (es.failure) {
        outcome_set_failure(o, es.failure, es.failure_name);
        es.failure = NULL;
    } else if (es.ret_kind == LOGIC_RETURN_RECEIPT && es.ret_receipt < es.n_news) {
        outcome_set_receipt(o, es.news[es.ret_receipt].r.id);
    } else {
        outcome_set_value(o, es.ret_kind == LOGIC_RETURN_VALUE ? es.ret_value : NULL,
                          es.ret_kind == LOGIC_RETURN_VALUE ? es.ret_len : 0);
    }
    ac->res->gas_burnt += o->gas_burnt;
    ac->res->tokens_burnt += o->tokens_burnt;
    ac->res->n_receipts++;

    /* Yields are stored at once and get a timeout; everything else waits for the next block. */
    for (size_t i = 0; rc == YB_OK && i < es.n_news; i++) {
        const struct receipt *n = &es.news[i].r;
        if (n->kind == RECEIPT_PROMISE_YIELD) {
            uint64_t expires = height + cfg->limits.yield_timeout_length_in_blocks;
            rc = yield_park(ac->txn, n);
            if (rc == YB_OK) {
                rc = yield_queue_push(ac->txn, n->receiver_id, n->inputs[0], expires);
                yield_event(ac, RUNTIME_YIELD_CREATED, n->receiver_id, n->inputs[0], n->id,
                            expires);
            }
        } else {
            if (n->kind == RECEIPT_PROMISE_RESUME && n->has_data) {
                yield_event(ac, RUNTIME_YIELD_RESUMED, n->receiver_id, n->data_id, r->id, 0);
            }
            rc = queue_receipt(ac, n);
        }
    }
out:
    exec_state_fini(&es);
    input_data_fini(&in);
    return rc;
}

/* ---- receipt arrival ---- */

/* An action receipt runs when all its input data is there; otherwise it is postponed. */
static int arrive_action(struct apply_ctx *ac, const struct receipt *r)
{
    uint32_t missing = 0;
    for (size_t i = 0; i < r->n_inputs; i++) {
        if (!state_id_has(ac->txn, STATE_COL_RECEIVED_DATA, r->receiver_id, r->inputs[i])) {
            int rc = state_id_set(ac->txn, STATE_COL_POSTPONED_ID, r->receiver_id, r->inputs[i],
                                  r->id, NEAR_HASH_LEN);
            if (rc != YB_OK) {
                return rc;
            }
            missing++;
        }
    }
    if (missing == 0) {
        return execute_action_receipt(ac, r);
    }
    yb_buf_reset(&ac->scratch);
    int rc = receipt_encode(&ac->scratch, r);
    if (rc == YB_OK) {
        rc = state_id_set(ac->txn, STATE_COL_POSTPONED, r->receiver_id, r->id, ac->scratch.data,
                          ac->scratch.len);
    }
    if (rc == YB_OK) {
        rc = state_pending_count_set(ac->txn, r->receiver_id, r->id, missing);
    }
    return rc;
}

/* Data for a postponed receipt: count it down and run the receipt at zero. */
static int arrive_data(struct apply_ctx *ac, const struct receipt *r)
{
    const char *acc = r->receiver_id;
    int rc = state_received_data_set(ac->txn, acc, r->data_id, r->has_data, r->data, r->data_len);
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t *rid = NULL;
    size_t n = 0;
    rc = state_id_get(ac->txn, STATE_COL_POSTPONED_ID, acc, r->data_id, &rid, &n);
    if (rc == YB_ENOTFOUND) {
        return YB_OK; /* the receipt waiting for it has not arrived yet */
    }
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t receipt_id[NEAR_HASH_LEN];
    if (n != NEAR_HASH_LEN) {
        free(rid);
        return YB_EMALFORMED;
    }
    memcpy(receipt_id, rid, NEAR_HASH_LEN);
    free(rid);
    rc = state_id_remove(ac->txn, STATE_COL_POSTPONED_ID, acc, r->data_id);
    uint32_t count = 0;
    if (rc == YB_OK) {
        rc = state_pending_count_get(ac->txn, acc, receipt_id, &count);
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (count > 1) {
        return state_pending_count_set(ac->txn, acc, receipt_id, count - 1);
    }
    rc = state_id_remove(ac->txn, STATE_COL_PENDING_COUNT, acc, receipt_id);
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    if (rc == YB_OK) {
        rc = state_id_get(ac->txn, STATE_COL_POSTPONED, acc, receipt_id, &enc, &enc_len);
    }
    if (rc == YB_OK) {
        rc = state_id_remove(ac->txn, STATE_COL_POSTPONED, acc, receipt_id);
    }
    struct receipt waiting;
    if (rc == YB_OK) {
        rc = receipt_decode(enc, enc_len, &waiting);
        if (rc == YB_OK) {
            rc = execute_action_receipt(ac, &waiting);
            receipt_fini(&waiting);
        }
    }
    free(enc);
    return rc;
}

/* PromiseResume (nep519 §4.3 step 4): the first to arrive runs the parked callback. */
static int arrive_resume(struct apply_ctx *ac, const struct receipt *r)
{
    const char *acc = r->receiver_id;
    enum state_yield_status st;
    int rc = state_yield_status_get(ac->txn, acc, r->data_id, &st);
    if (rc == YB_OK && !r->has_data && st == STATE_YIELD_RESUME_INITIATED) {
        return YB_OK; /* a timeout lost to a resume that already returned 1 */
    }
    if (rc != YB_OK && rc != YB_ENOTFOUND) {
        return rc;
    }
    struct receipt y;
    rc = yield_unpark(ac->txn, acc, r->data_id, &y);
    if (rc == YB_ENOTFOUND) {
        return YB_OK; /* already executed: all but the first resume are ignored */
    }
    if (rc != YB_OK) {
        return rc;
    }
    rc = state_received_data_set(ac->txn, acc, r->data_id, r->has_data, r->data, r->data_len);
    if (rc == YB_OK) {
        yield_event(ac, RUNTIME_YIELD_EXECUTED, acc, r->data_id, y.id, 0);
        rc = execute_action_receipt(ac, &y);
    }
    receipt_fini(&y);
    return rc;
}

static int process_receipt(struct apply_ctx *ac, const struct receipt *r)
{
    switch (r->kind) {
    case RECEIPT_ACTION:
        return arrive_action(ac, r);
    case RECEIPT_DATA:
        return arrive_data(ac, r);
    case RECEIPT_PROMISE_RESUME:
        return arrive_resume(ac, r);
    case RECEIPT_PROMISE_YIELD:
        return yield_park(ac->txn, r);
    }
    return YB_EMALFORMED;
}

/* ---- timeouts ---- */

struct timeout_walk {
    struct apply_ctx *ac;
    uint64_t k; /* timeouts emitted in this block: the salt of their receipt ids */
};

static int on_timeout(void *ctx, const char *acc, const uint8_t data_id[NEAR_HASH_LEN])
{
    struct timeout_walk *w = ctx;
    if (!state_id_has(w->ac->txn, STATE_COL_YIELD_RECEIPT, acc, data_id)) {
        return YB_OK; /* resumed and executed already */
    }
    struct receipt t;
    receipt_init(&t);
    t.kind = RECEIPT_PROMISE_RESUME;
    t.predecessor_id = yb_xstrdup(acc);
    t.receiver_id = yb_xstrdup(acc);
    memcpy(t.data_id, data_id, NEAR_HASH_LEN);
    t.has_data = false;
    receipt_hash_id(data_id, w->ac->blk->height, w->k++, t.id);
    int rc = queue_receipt(w->ac, &t);
    if (rc == YB_OK) {
        w->ac->res->n_timeouts++;
        yield_event(w->ac, RUNTIME_YIELD_TIMEOUT, acc, data_id, t.id, 0);
    }
    receipt_fini(&t);
    return rc;
}

/* ---- transactions ---- */

static int tx_to_receipt(struct apply_ctx *ac, const struct tx_signed *st, struct receipt *r,
                         bool *is_local)
{
    cJSON *err = NULL;
    const char *name = NULL;
    struct verify_cost cost;
    const struct tx *tx = &st->tx;
    int rc = verify_tx(ac->rt, ac->txn, st, ac->blk->height, ac->blk->verify_signatures,
                       ac->blk->block_lookup, ac->blk->block_lookup_ctx, true, &cost, &err, &name);
    struct outcome *o = outcome_list_push(&ac->res->outcomes, st->hash, tx->signer_id, true);
    if (rc == YB_ERUNTIME_INVALID_TX) {
        outcome_set_failure(o, err, name);
        return YB_ENOTFOUND;
    }
    if (rc != YB_OK) {
        return rc;
    }
    receipt_init(r);
    r->kind = RECEIPT_ACTION;
    receipt_id_from_tx(st->hash, ac->blk->height, r->id);
    r->predecessor_id = yb_xstrdup(tx->signer_id);
    r->receiver_id = yb_xstrdup(tx->receiver_id);
    r->signer_id = yb_xstrdup(tx->signer_id);
    r->signer_pk = tx->public_key;
    r->gas_price = ac->rt->config.gas_price;
    if (tx->n_actions > 0) {
        r->actions = yb_xcalloc(tx->n_actions, sizeof *r->actions);
        for (size_t i = 0; i < tx->n_actions; i++) {
            tx_action_copy(&r->actions[i], &tx->actions[i]);
        }
        r->n_actions = tx->n_actions;
    }
    outcome_add_receipt_id(o, r->id);
    outcome_set_receipt(o, r->id);
    record_created(ac, r);
    o->gas_burnt = cost.gas_burnt;
    o->tokens_burnt = (yb_u128)cost.gas_burnt * ac->rt->config.gas_price;
    ac->res->gas_burnt += o->gas_burnt;
    ac->res->tokens_burnt += o->tokens_burnt;
    *is_local = strcmp(tx->signer_id, tx->receiver_id) == 0;
    return YB_OK;
}

/* ---- the block ---- */

void runtime_block_result_init(struct runtime_block_result *res)
{
    memset(res, 0, sizeof *res);
    outcome_list_init(&res->outcomes);
}

void runtime_block_result_fini(struct runtime_block_result *res)
{
    outcome_list_fini(&res->outcomes);
    free(res->yields);
    for (size_t i = 0; i < res->n_created; i++) {
        receipt_fini(&res->created[i]);
    }
    free(res->created);
    memset(res, 0, sizeof *res);
}

/* Runs the queued receipts with index below end: those earlier blocks queued. */
static int run_delayed(struct apply_ctx *ac, uint64_t end)
{
    struct state_queue *dq = &ac->delayed;
    const uint64_t first = dq->q.first;
    uint64_t limit = ac->rt->block_gas_limit;
    int rc = YB_OK;
    while (rc == YB_OK && dq->q.first < end) {
        /* A congested block stops here; the rest keeps its place at the head of the queue.
         * At least one queued receipt runs per block, so the queue always moves. */
        if (limit != 0 && dq->q.first > first && ac->res->gas_burnt >= limit) {
            break;
        }
        /* Decoded straight from the store's slice (it copies what it keeps), then dropped. */
        const uint8_t *v = NULL;
        size_t n = 0;
        struct receipt r;
        rc = state_queue_head(ac->txn, dq, &v, &n);
        if (rc == YB_OK && receipt_decode(v, n, &r) != YB_OK) {
            rc = YB_EMALFORMED;
        } else if (rc == YB_OK) {
            rc = state_queue_drop_head(ac->txn, dq);
            if (rc == YB_OK) {
                rc = process_receipt(ac, &r);
            }
            receipt_fini(&r);
        }
    }
    return rc;
}

int runtime_apply_block(struct runtime *rt, struct store_txn *txn, const struct runtime_block *blk,
                        struct runtime_block_result *res)
{
    uint64_t last = 0;
    int rc = state_last_height_get(txn, &last);
    if (rc == YB_OK && blk->height <= last) {
        return YB_EINVAL;
    }
    if (rc != YB_OK && rc != YB_ENOTFOUND) {
        return rc;
    }
    if (blk->height == 0) {
        return YB_EINVAL;
    }
    rc = state_last_height_set(txn, blk->height);
    if (rc != YB_OK) {
        return rc;
    }
    struct apply_ctx ac = {.rt = rt, .txn = txn, .blk = blk, .res = res};
    /* The delayed queue's indices stay in ac for the whole block (written once, below). Only
     * what earlier blocks queued runs in this one; receipts queued from here on wait. */
    rc = state_queue_open(txn, STATE_COL_DELAYED, &ac.delayed);
    if (rc != YB_OK) {
        return rc;
    }
    const uint64_t queued_end = ac.delayed.q.next;
    yb_buf_init(&ac.scratch, RECEIPT_MAX_ENCODED);

    /* (0) transactions become receipts; (1) local receipts run at once */
    struct receipt *local = blk->n_txs ? yb_xcalloc(blk->n_txs, sizeof *local) : NULL;
    size_t n_local = 0;
    for (size_t i = 0; rc == YB_OK && i < blk->n_txs; i++) {
        struct receipt r;
        bool is_local = false;
        rc = tx_to_receipt(&ac, blk->txs[i], &r, &is_local);
        if (rc == YB_ENOTFOUND) {
            rc = YB_OK; /* invalid: its outcome says why */
            continue;
        }
        if (rc != YB_OK) {
            break;
        }
        if (is_local) {
            local[n_local++] = r;
        } else {
            rc = queue_receipt(&ac, &r);
            receipt_fini(&r);
        }
    }
    for (size_t i = 0; rc == YB_OK && i < n_local; i++) {
        rc = process_receipt(&ac, &local[i]);
    }
    for (size_t i = 0; i < n_local; i++) {
        receipt_fini(&local[i]);
    }
    free(local);

    /* (2)+(3) receipts queued by earlier blocks */
    if (rc == YB_OK) {
        rc = run_delayed(&ac, queued_end);
    }
    /* (4) timeouts, last */
    if (rc == YB_OK) {
        struct timeout_walk w = {.ac = &ac, .k = 0};
        /* Timeouts have the lowest priority: a congested block leaves them for a later one
         * (nearcore's compute-limit check in resolve_promise_yield_timeouts). */
        if (rt->block_gas_limit == 0 || res->gas_burnt < rt->block_gas_limit) {
            rc = yield_queue_pop_expired(txn, blk->height, on_timeout, &w, NULL);
        }
    }
    if (rc == YB_OK) {
        rc = state_queue_flush(txn, &ac.delayed);
        res->n_queued = (size_t)(ac.delayed.q.next - ac.delayed.q.first);
    }
    yb_buf_fini(&ac.scratch);
    return rc;
}
