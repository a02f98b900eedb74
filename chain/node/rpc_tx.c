/*
 * rpc_tx.c — transactions over JSON-RPC: send_tx, broadcast_tx_async, broadcast_tx_commit, tx,
 * EXPERIMENTAL_tx_status (near-rpc.md §8.5–§8.7, §8.9, errors §10.2).
 *
 * Submissions go to node_submit_tx with the call parked; the node's completion callback (on the
 * loop thread, or at once inside node_submit_tx) reads the committed outcomes through a snapshot
 * and answers. `tx` for a committed transaction whose receipts are still running resubmits its
 * stored bytes, which the node treats as a wait on the known transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "node.h"
#include "outcome.h"
#include "rpc_int.h"
#include "tx.h"

/* `tx` for a hash not committed yet waits like nearcore's (10 s by default), then answers
 * TIMEOUT_ERROR: a hash in the mempool gets a waiter completed by its block; one the node has
 * not received is looked up again every RPC_TX_POLL_MS. */
#define RPC_TX_LOOKUP_WAIT_MS 10000u
#define RPC_TX_POLL_MS        50u

/* base64 of a TX_MAX_SIZE transaction: larger strings are refused before decoding. */
#define RPC_TX_B64_MAX (((TX_MAX_SIZE + 2u) / 3u) * 4u)

enum rpc_tx_kind {
    RPC_TX_OUTCOME = 0,  /* FinalExecutionOutcomeView (+ final_execution_status) */
    RPC_TX_HASH = 1,     /* broadcast_tx_async: the bare base58 hash */
    RPC_TX_RECEIPTS = 2, /* EXPERIMENTAL_tx_status */
};

/* ---- FinalExecutionOutcomeView ---- */

static cJSON *outcome_with_id(const struct node_outcome *o)
{
    cJSON *j = cJSON_CreateObject();
    rpc_json_add_hash(j, "id", o->id);
    rpc_json_add_hash(j, "block_hash", o->block_hash);
    cJSON_AddArrayToObject(j, "proof");
    cJSON_AddItemToObject(j, "outcome", cJSON_Duplicate(o->json, true));
    return j;
}

/* The top-level status: follow SuccessReceiptId from the tx outcome until a value or a failure
 * (nearcore's get_final_transaction_result). */
static cJSON *final_status(const struct node_outcome *v, size_t n)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(v[0].json, "status");
    for (size_t hops = 0; hops <= n; hops++) {
        if (st == NULL) {
            break;
        }
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(st, "SuccessValue");
        const cJSON *fail = cJSON_GetObjectItemCaseSensitive(st, "Failure");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(st, "SuccessReceiptId");
        if (val != NULL) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddItemToObject(r, "SuccessValue", cJSON_Duplicate(val, true));
            return r;
        }
        if (fail != NULL) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddItemToObject(r, "Failure", cJSON_Duplicate(fail, true));
            return r;
        }
        if (!cJSON_IsString(next)) {
            break;
        }
        uint8_t id[NEAR_HASH_LEN];
        if (near_hash_parse(next->valuestring, strlen(next->valuestring), id) != YB_OK) {
            break;
        }
        st = NULL;
        for (size_t i = 1; i < n; i++) {
            if (memcmp(v[i].id, id, NEAR_HASH_LEN) == 0) {
                st = cJSON_GetObjectItemCaseSensitive(v[i].json, "status");
            }
        }
        if (st == NULL) {
            return cJSON_CreateString("Started");
        }
    }
    return cJSON_CreateString(n <= 1 ? "NotStarted" : "Started");
}

/* Receipt outcomes in execution order: by block, keeping the tree order inside a block. */
static void sort_by_height(struct node_outcome *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct node_outcome o = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1].block_height > o.block_height) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = o;
    }
}

/* nearcore's ReceiptView of a stored receipt (r borrowed): {"predecessor_id","receiver_id",
 * "receipt_id","receipt":{"Action":{"signer_id","signer_public_key","gas_price",
 * "output_data_receivers":[{"data_id","receiver_id"}],"input_data_ids","actions",
 * "is_promise_yield"}}} (core/primitives/src/views.rs ReceiptView, ReceiptEnumView), or
 * {"Data":{"data_id","data" (base64 or null),"is_promise_resume"}} for data receipts. */
static cJSON *receipt_view(const struct receipt *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "predecessor_id", r->predecessor_id);
    cJSON_AddStringToObject(j, "receiver_id", r->receiver_id);
    rpc_json_add_hash(j, "receipt_id", r->id);
    cJSON *body = cJSON_CreateObject();
    if (receipt_is_action(r)) {
        cJSON *a = cJSON_AddObjectToObject(body, "Action");
        cJSON_AddStringToObject(a, "signer_id", r->signer_id);
        outcome_json_pubkey(a, "signer_public_key", &r->signer_pk);
        outcome_json_u128(a, "gas_price", r->gas_price);
        cJSON *outs = cJSON_AddArrayToObject(a, "output_data_receivers");
        for (size_t i = 0; i < r->n_outputs; i++) {
            cJSON *o = cJSON_CreateObject();
            rpc_json_add_hash(o, "data_id", r->outputs[i].data_id);
            cJSON_AddStringToObject(o, "receiver_id", r->outputs[i].receiver_id);
            cJSON_AddItemToArray(outs, o);
        }
        cJSON *ins = cJSON_AddArrayToObject(a, "input_data_ids");
        for (size_t i = 0; i < r->n_inputs; i++) {
            char s[NEAR_HASH_STR_MAX];
            near_hash_format(r->inputs[i], s);
            cJSON_AddItemToArray(ins, cJSON_CreateString(s));
        }
        cJSON *acts = cJSON_AddArrayToObject(a, "actions");
        for (size_t i = 0; i < r->n_actions; i++) {
            cJSON_AddItemToArray(acts, tx_action_to_json(&r->actions[i]));
        }
        cJSON_AddBoolToObject(a, "is_promise_yield", r->kind == RECEIPT_PROMISE_YIELD);
        if (r->refund_to != NULL) {
            cJSON_AddStringToObject(a, "refund_to", r->refund_to);
        }
    } else {
        cJSON *d = cJSON_AddObjectToObject(body, "Data");
        rpc_json_add_hash(d, "data_id", r->data_id);
        if (r->has_data) {
            size_t cap = base64_encoded_len(r->data_len);
            char *b64 = yb_xmalloc(cap);
            if (base64_encode(r->data, r->data_len, b64, cap) == YB_OK) {
                cJSON_AddStringToObject(d, "data", b64);
            } else {
                cJSON_AddNullToObject(d, "data");
            }
            free(b64);
        } else {
            cJSON_AddNullToObject(d, "data");
        }
        cJSON_AddBoolToObject(d, "is_promise_resume", r->kind == RECEIPT_PROMISE_RESUME);
    }
    cJSON_AddItemToObject(j, "receipt", body);
    return j;
}

/* EXPERIMENTAL_tx_status's "receipts": the body of each receipt in receipts_outcome (v[1..n),
 * same order). As nearcore's get_final_transaction_result_with_receipt, a tx to its own signer
 * leaves out the receipt the tx became (a local receipt nearcore does not store). A receipt
 * whose body was made before bodies were kept is left out. */
static cJSON *receipt_views(struct store_txn *snap, const struct tx_signed *st,
                            const struct node_outcome *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    bool local = strcmp(st->tx.signer_id, st->tx.receiver_id) == 0;
    const uint8_t *first = v[0].n_receipt_ids > 0 ? v[0].receipt_ids[0] : NULL;
    for (size_t i = 1; i < n; i++) {
        if (local && first != NULL && memcmp(v[i].id, first, NEAR_HASH_LEN) == 0) {
            continue;
        }
        struct receipt r;
        if (node_receipt_get(snap, v[i].id, &r) == YB_OK) {
            cJSON_AddItemToArray(arr, receipt_view(&r));
        }
        receipt_fini(&r);
    }
    return arr;
}

/* Builds the result for tx `hash` from a fresh snapshot, with the "receipts" list when
 * with_receipts (EXPERIMENTAL_tx_status); NULL with *err on failure. */
static cJSON *final_outcome(struct node *node, const uint8_t hash[NEAR_HASH_LEN],
                            enum node_wait reached, bool with_receipts, cJSON **err)
{
    struct node_snapshot snap;
    int rc = node_snapshot_begin(node, &snap);
    if (rc != YB_OK) {
        *err = rpc_err_internal("cannot read the chain: %s", yb_err_str(rc));
        return NULL;
    }
    struct node_tx t;
    rc = node_tx_get(snap.txn, hash, &t);
    if (rc != YB_OK) {
        node_snapshot_end(&snap);
        *err = rpc_err_internal("committed transaction unreadable: %s", yb_err_str(rc));
        return NULL;
    }
    struct tx_signed *st = NULL;
    rc = tx_decode_signed(t.bytes, t.len, &st);
    node_tx_fini(&t);
    struct node_outcome *v = NULL;
    size_t n = 0;
    bool executed = false, complete = false;
    if (rc == YB_OK) {
        rc = node_tx_tree_levels(snap.txn, hash, &v, &n, &executed, &complete);
    }
    if (rc != YB_OK || n == 0) {
        node_snapshot_end(&snap);
        tx_signed_free(st);
        node_outcomes_free(v, n);
        *err = rpc_err_internal("transaction outcome unreadable: %s", yb_err_str(rc));
        return NULL;
    }
    if (complete) {
        reached = NODE_WAIT_FINAL;
    } else if (executed) {
        reached = NODE_WAIT_EXECUTED; /* only refunds still to run */
    } else if (reached < NODE_WAIT_INCLUDED_FINAL) {
        reached = NODE_WAIT_INCLUDED_FINAL; /* in a committed block: final at once */
    }
    sort_by_height(v + 1, n - 1);
    cJSON *receipts = with_receipts ? receipt_views(snap.txn, st, v, n) : NULL;
    node_snapshot_end(&snap);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "final_execution_status", node_wait_name(reached));
    cJSON_AddItemToObject(r, "status", final_status(v, n));
    cJSON_AddItemToObject(r, "transaction", tx_signed_to_json(st));
    cJSON_AddItemToObject(r, "transaction_outcome", outcome_with_id(&v[0]));
    cJSON *ro = cJSON_AddArrayToObject(r, "receipts_outcome");
    for (size_t i = 1; i < n; i++) {
        cJSON_AddItemToArray(ro, outcome_with_id(&v[i]));
    }
    if (receipts != NULL) {
        cJSON_AddItemToObject(r, "receipts", receipts);
    }
    tx_signed_free(st);
    node_outcomes_free(v, n);
    return r;
}

/* ---- submission ---- */

/* The reply to a submission, on an nng thread (rpc_call_defer). */
static void tx_reply(struct rpc_call *c)
{
    const struct node_tx_result *r = &c->result;
    if (r->err == YB_ETIMEDOUT) {
        rpc_reply_error(c, rpc_err_handler("TIMEOUT_ERROR", NULL, "Timeout"));
        return;
    }
    if (r->err != YB_OK) {
        rpc_reply_error(c, rpc_err_internal("transaction wait ended: %s", yb_err_str(r->err)));
        return;
    }
    if (c->tx_kind == RPC_TX_HASH) {
        char s[NEAR_HASH_STR_MAX];
        near_hash_format(r->hash, s);
        rpc_reply_result(c, cJSON_CreateString(s));
        return;
    }
    if (c->wait == NODE_WAIT_NONE) {
        cJSON *res = cJSON_CreateObject();
        cJSON_AddStringToObject(res, "final_execution_status", "NONE");
        rpc_reply_result(c, res);
        return;
    }
    cJSON *err = NULL;
    cJSON *res = final_outcome(c->node, r->hash, r->reached, c->tx_kind == RPC_TX_RECEIPTS, &err);
    if (res == NULL) {
        rpc_reply_error(c, err);
        return;
    }
    rpc_reply_result(c, res);
}

/* The node's completion callback: on the loop thread (or inside node_submit_tx). Reading the
 * outcomes and printing the reply happen elsewhere so block production is not delayed. */
static _Thread_local struct rpc_call *submitting; /* the call inside node_submit_tx here */

static void on_tx_done(void *arg, const struct node_tx_result *r)
{
    struct rpc_call *c = arg;
    c->result = *r;
    if (c == submitting) {
        tx_reply(c); /* called back inside node_submit_tx: already on an nng thread */
        return;
    }
    rpc_call_defer(c, tx_reply);
}

static cJSON *err_invalid_tx(cJSON *tx_execution_error)
{
    cJSON *data = cJSON_CreateObject();
    cJSON_AddItemToObject(data, "TxExecutionError", tx_execution_error);
    return rpc_err_handler_json("INVALID_TRANSACTION", cJSON_CreateObject(), data);
}

/* Submits bytes (borrowed) for call c, which ends now or from on_tx_done. */
static void submit(struct rpc_call *c, const uint8_t *bytes, size_t len)
{
    if (len > TX_MAX_SIZE) {
        cJSON *f = cJSON_CreateObject();
        json_add_u64(f, "size", len);
        json_add_u64(f, "limit", TX_MAX_SIZE);
        rpc_reply_error(c, err_invalid_tx(outcome_err_invalid_tx("TransactionSizeExceeded", f)));
        return;
    }
    if (!rpc_call_park(c)) {
        rpc_reply_error(c, rpc_err_internal("node is stopping"));
        return;
    }
    cJSON *invalid = NULL;
    submitting = c;
    int rc = node_submit_tx(c->node, bytes, len, c->wait, on_tx_done, c, NULL, &invalid);
    submitting = NULL;
    if (rc == YB_OK) {
        return; /* c belongs to on_tx_done now (it may already be gone) */
    }
    switch (rc) {
    case YB_ERUNTIME_INVALID_TX:
        if (invalid != NULL) {
            rpc_reply_error(c, err_invalid_tx(invalid));
        } else {
            rpc_reply_error(c, rpc_err_internal("invalid transaction"));
        }
        return;
    case YB_ETX_VERSION:
        rpc_reply_error(c,
                        err_invalid_tx(outcome_err_invalid_tx("InvalidTransactionVersion", NULL)));
        return;
    case YB_EBUSY:
        rpc_reply_error(
            c, rpc_err_internal("the mempool is full (%u transactions)", NODE_MEMPOOL_MAX));
        return;
    case YB_ECLOSED:
        rpc_reply_error(c, rpc_err_internal("node is stopping"));
        return;
    case YB_ESTORE:
    case YB_ESTORE_FULL:
        rpc_reply_error(c, rpc_err_internal("store error: %s", yb_err_str(rc)));
        return;
    default:
        /* Borsh and account-id errors: the bytes are not a SignedTransaction. */
        rpc_reply_error(c, rpc_err_parse("Failed to decode transaction: %s", yb_err_str(rc)));
        return;
    }
}

/* Decodes signed_tx_base64 and submits it. */
static void submit_b64(struct rpc_call *c, const cJSON *b64)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (b64 == NULL || !cJSON_IsString(b64)) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: missing field `signed_tx_base64`"));
        return;
    }
    if (strlen(b64->valuestring) > RPC_TX_B64_MAX) {
        cJSON *f = cJSON_CreateObject();
        json_add_u64(f, "size", base64_decoded_max(strlen(b64->valuestring)));
        json_add_u64(f, "limit", TX_MAX_SIZE);
        rpc_reply_error(c, err_invalid_tx(outcome_err_invalid_tx("TransactionSizeExceeded", f)));
        return;
    }
    if (json_as_base64(b64, TX_MAX_SIZE, &bytes, &len) != YB_OK) {
        rpc_reply_error(c, rpc_err_parse("Failed to decode transaction: invalid base64"));
        return;
    }
    submit(c, bytes, len);
    free(bytes);
}

/* wait_until of an object params (default EXECUTED_OPTIMISTIC). False after answering. */
static bool read_wait(struct rpc_call *c, const cJSON *p)
{
    c->wait = NODE_WAIT_EXECUTED_OPTIMISTIC;
    const cJSON *w = p != NULL ? cJSON_GetObjectItemCaseSensitive(p, "wait_until") : NULL;
    if (w == NULL || cJSON_IsNull(w)) {
        return true;
    }
    if (!cJSON_IsString(w) || node_wait_from_str(w->valuestring, &c->wait) != YB_OK) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: unknown variant of `wait_until`, "
                                         "expected one of `NONE`, `INCLUDED`, "
                                         "`EXECUTED_OPTIMISTIC`, `INCLUDED_FINAL`, `EXECUTED`, "
                                         "`FINAL`"));
        return false;
    }
    return true;
}

/* send_tx / broadcast params: {"signed_tx_base64","wait_until"?} or ["<b64>"]. */
static void send_common(struct rpc_call *c, const cJSON *params, bool allow_wait)
{
    if (cJSON_IsArray(params)) {
        if (cJSON_GetArraySize(params) != 1) {
            rpc_reply_error(c, rpc_err_parse("Invalid params: expected [signed_tx_base64]"));
            return;
        }
        submit_b64(c, cJSON_GetArrayItem(params, 0));
        return;
    }
    if (!cJSON_IsObject(params)) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: expected {\"signed_tx_base64\"}"));
        return;
    }
    if (allow_wait && !read_wait(c, params)) {
        return;
    }
    submit_b64(c, cJSON_GetObjectItemCaseSensitive(params, "signed_tx_base64"));
}

void rpc_method_send_tx(struct rpc_call *c, const cJSON *params)
{
    c->tx_kind = RPC_TX_OUTCOME;
    c->wait = NODE_WAIT_EXECUTED_OPTIMISTIC;
    send_common(c, params, true);
}

void rpc_method_broadcast_async(struct rpc_call *c, const cJSON *params)
{
    c->tx_kind = RPC_TX_HASH;
    c->wait = NODE_WAIT_NONE;
    send_common(c, params, false);
}

void rpc_method_broadcast_commit(struct rpc_call *c, const cJSON *params)
{
    c->tx_kind = RPC_TX_OUTCOME;
    c->wait = NODE_WAIT_EXECUTED_OPTIMISTIC;
    send_common(c, params, false);
}

/* ---- tx / EXPERIMENTAL_tx_status ---- */

/* Looks for the tx of c->result.hash: committed → its outcome (through submit of its stored
 * bytes, which waits for the requested level); not yet → UNKNOWN_TRANSACTION for wait NONE,
 * else look again later until c->deadline, then TIMEOUT_ERROR. */
static void tx_find(struct rpc_call *c)
{
    struct node_snapshot snap;
    int rc = node_snapshot_begin(c->node, &snap);
    if (rc != YB_OK) {
        rpc_reply_error(c, rpc_err_internal("cannot read the chain: %s", yb_err_str(rc)));
        return;
    }
    struct node_tx t;
    rc = node_tx_get(snap.txn, c->result.hash, &t);
    node_snapshot_end(&snap);
    if (rc == YB_ENOTFOUND && c->wait != NODE_WAIT_NONE && rpc_now() < c->deadline) {
        if (!rpc_call_park(c)) {
            rpc_reply_error(c, rpc_err_internal("node is stopping"));
            return;
        }
        /* Sent but not in a block yet: wait on the mempool's copy (completed with the block
         * that includes it) rather than looking again every RPC_TX_POLL_MS; a hash the mempool
         * does not hold (not received yet, or committed just now) is looked up again. */
        if (node_wait_pending(c->node, c->result.hash, c->wait, on_tx_done, c) == YB_OK) {
            return;
        }
        rpc_call_later(c, RPC_TX_POLL_MS, tx_find);
        return;
    }
    if (rc == YB_ENOTFOUND && c->wait != NODE_WAIT_NONE) {
        rpc_reply_error(c, rpc_err_handler("TIMEOUT_ERROR", NULL, "Timeout"));
        return;
    }
    if (rc == YB_ENOTFOUND) {
        char hs[NEAR_HASH_STR_MAX];
        near_hash_format(c->result.hash, hs);
        cJSON *info = cJSON_CreateObject();
        cJSON_AddStringToObject(info, "requested_transaction_hash", hs);
        rpc_reply_error(
            c, rpc_err_handler("UNKNOWN_TRANSACTION", info, "Transaction %s doesn't exist", hs));
        return;
    }
    if (rc != YB_OK) {
        rpc_reply_error(c, rpc_err_internal("reading transaction: %s", yb_err_str(rc)));
        return;
    }
    /* The node answers a resubmitted known transaction at once when it reached the level, else
     * when its receipts have run: exactly the wait `tx` asks for. */
    if (c->wait == NODE_WAIT_NONE) {
        c->wait = NODE_WAIT_INCLUDED; /* a lookup always shows what is known */
    }
    submit(c, t.bytes, t.len);
    node_tx_fini(&t);
}

static void tx_lookup(struct rpc_call *c, const cJSON *params)
{
    const char *hash_s = NULL;
    const char *sender = NULL;
    c->wait = NODE_WAIT_EXECUTED_OPTIMISTIC;
    if (cJSON_IsArray(params) && cJSON_GetArraySize(params) == 2) {
        (void)json_as_str(cJSON_GetArrayItem(params, 0), &hash_s);
        (void)json_as_str(cJSON_GetArrayItem(params, 1), &sender);
    } else if (cJSON_IsObject(params)) {
        const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(params, "signed_tx_base64");
        if (!read_wait(c, params)) {
            return;
        }
        if (b64 != NULL) {
            submit_b64(c, b64);
            return;
        }
        (void)json_get_str(params, "tx_hash", &hash_s);
        (void)json_get_str(params, "sender_account_id", &sender);
    }
    uint8_t hash[NEAR_HASH_LEN];
    if (hash_s == NULL || sender == NULL ||
        near_hash_parse(hash_s, strlen(hash_s), hash) != YB_OK) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: expected {\"tx_hash\", "
                                         "\"sender_account_id\"} or [hash, sender]"));
        return;
    }
    memcpy(c->result.hash, hash, NEAR_HASH_LEN);
    c->deadline = rpc_now() + RPC_TX_LOOKUP_WAIT_MS / 1000.0;
    tx_find(c);
}

void rpc_method_tx(struct rpc_call *c, const cJSON *params)
{
    c->tx_kind = RPC_TX_OUTCOME;
    tx_lookup(c, params);
}

void rpc_method_tx_status(struct rpc_call *c, const cJSON *params)
{
    c->tx_kind = RPC_TX_RECEIPTS;
    tx_lookup(c, params);
}
