/*
 * test_rpc_tx.c — yb-chain's JSON-RPC end to end, transactions: the real binary (chain_proc,
 * manual mode); send_tx at every wait_until, broadcast_tx_async/commit, tx and
 * EXPERIMENTAL_tx_status (including waiting for and timing out on unknown hashes), invalid
 * transactions in nearcore's nesting, manual block stepping with parked calls, the assistant's
 * request → timeout after sandbox_fast_forward(200) and request → respond → answered, views
 * answering while a long yb_produce_blocks runs, and a graceful stop while a call is parked.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "chain_proc.h"
#include "codec.h"
#include "err.h"
#include "json.h"
#include "rpc_client.h"

static struct chain_proc chain;

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return chain_proc_start(&chain, NULL);
}

static int teardown(void **state)
{
    (void)state;
    chain_proc_cleanup(&chain);
    curl_global_cleanup();
    return 0;
}

static void test_send_tx_transfer(void **state)
{
    (void)state;
    char hash[NEAR_HASH_STR_MAX];
    char *b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 1000, 0, hash);

    /* In manual mode send_tx waits (parked, no nng thread blocked) until a block runs it. */
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    cJSON_AddStringToObject(params, "wait_until", "NONE");
    cJSON *r = rpc_ok(&chain, "send_tx", params);
    assert_string_equal(rpc_str(r, "final_execution_status"), "NONE");
    assert_int_equal(cJSON_GetArraySize(r), 1);
    cJSON_Delete(r);

    char q[200];
    snprintf(
        q, sizeof q,
        "{\"tx_hash\":\"%s\",\"sender_account_id\":\"user.test.near\",\"wait_until\":\"NONE\"}",
        hash);
    cJSON_Delete(rpc_err(&chain, "tx", rpc_json(q), "UNKNOWN_TRANSACTION"));

    /* `tx` with a wait level waits for the tx to be committed (nearcore: up to 10 s) */
    struct rpc_async look = {.url = chain.rpc_url, .tx_hash = hash, .wait = "FINAL"};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, rpc_async_run, &look), 0);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    rpc_produce(&chain, 2);
    pthread_join(th, NULL);
    assert_non_null(look.result);
    assert_non_null(cJSON_GetObjectItem(look.result, "result"));
    rpc_check_final(cJSON_GetObjectItem(look.result, "result"), hash, "user.test.near");
    cJSON_Delete(look.result);
    snprintf(q, sizeof q, "{\"tx_hash\":\"%s\",\"sender_account_id\":\"user.test.near\"}", hash);
    r = rpc_ok(&chain, "tx", rpc_json(q));
    rpc_check_final(r, hash, "user.test.near");
    assert_string_equal(rpc_str(cJSON_GetObjectItem(r, "status"), "SuccessValue"), "");
    const cJSON *act = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r, "transaction"), "actions"), 0);
    assert_string_equal(rpc_str(cJSON_GetObjectItem(act, "Transfer"), "deposit"), "1000");
    cJSON_Delete(r);
    r = rpc_ok(&chain, "EXPERIMENTAL_tx_status", rpc_json(q));
    rpc_check_final(r, hash, "user.test.near");
    cJSON_Delete(r);
    snprintf(q, sizeof q, "[\"%s\",\"user.test.near\"]", hash);
    r = rpc_ok(&chain, "tx", rpc_json(q));
    rpc_check_final(r, hash, "user.test.near");
    cJSON_Delete(r);

    /* resending the same signed tx is idempotent: the same outcome, not InvalidNonce */
    params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    cJSON_AddStringToObject(params, "wait_until", "FINAL");
    r = rpc_ok(&chain, "send_tx", params);
    rpc_check_final(r, hash, "user.test.near");
    cJSON_Delete(r);
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, cJSON_CreateString(b64));
    r = rpc_ok(&chain, "broadcast_tx_commit", arr);
    rpc_check_final(r, hash, "user.test.near");
    cJSON_Delete(r);
    free(b64);

    /* broadcast_tx_async answers with the bare hash */
    b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 7, 0, hash);
    arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, cJSON_CreateString(b64));
    cJSON *ans = rpc_call(&chain, "broadcast_tx_async", arr);
    assert_null(cJSON_GetObjectItem(ans, "error"));
    assert_string_equal(cJSON_GetObjectItem(ans, "result")->valuestring, hash);
    cJSON_Delete(ans);
    free(b64);
    rpc_produce(&chain, 2);
}

static void test_invalid_transactions(void **state)
{
    (void)state;
    uint64_t nonce = rpc_nonce(&chain, "user.test.near");
    /* nonce replay: a different tx with the current nonce */
    char *b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 5, nonce, NULL);
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    cJSON *e = rpc_err(&chain, "send_tx", params, "INVALID_TRANSACTION");
    assert_string_equal(rpc_str(e, "name"), "HANDLER_ERROR");
    const cJSON *in = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "TxExecutionError"),
                            "InvalidTxError"),
        "InvalidNonce");
    assert_non_null(in);
    assert_int_equal(rpc_num(in, "tx_nonce"), nonce);
    assert_int_equal(rpc_num(in, "ak_nonce"), nonce);
    cJSON_Delete(e);
    free(b64);

    /* bad signature: flip one byte of the signature (the last bytes of the borsh) */
    b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 5, nonce + 1, NULL);
    uint8_t raw[1024];
    size_t len;
    assert_int_equal(base64_decode(b64, strlen(b64), raw, sizeof raw, &len), YB_OK);
    raw[len - 5] ^= 0x40;
    assert_int_equal(base64_encode(raw, len, b64, strlen(b64) + 1), YB_OK);
    params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    e = rpc_err(&chain, "send_tx", params, "INVALID_TRANSACTION");
    const cJSON *ite = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "TxExecutionError"), "InvalidTxError");
    assert_true(cJSON_IsString(ite));
    assert_string_equal(ite->valuestring, "InvalidSignature");
    cJSON_Delete(e);
    free(b64);

    /* the oracle's function-call key may not transfer */
    b64 = rpc_sign(&chain, "oracle.test.near", "test.near", NULL, NULL, 1, 0, NULL);
    params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    e = rpc_err(&chain, "send_tx", params, "INVALID_TRANSACTION");
    assert_non_null(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "TxExecutionError"),
                            "InvalidTxError"),
        "InvalidAccessKeyError"));
    cJSON_Delete(e);
    free(b64);
}

static void test_manual_stepping_and_parked_send(void **state)
{
    (void)state;
    uint8_t h0[NEAR_HASH_LEN];
    uint64_t before;
    rpc_head(&chain, h0, &before);
    assert_int_equal(rpc_produce(&chain, 3), before + 3);
    uint64_t after;
    rpc_head(&chain, h0, &after);
    assert_int_equal(after, before + 3);

    struct rpc_async ps = {.url = chain.rpc_url};
    char hash[NEAR_HASH_STR_MAX];
    ps.b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 3, 0, hash);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, rpc_async_run, &ps), 0);
    /* meanwhile, views still answer at once */
    for (int i = 0; i < 5; i++) {
        cJSON_Delete(rpc_ok(&chain, "status", NULL));
    }
    /* Step until the waiting send_tx returns (the tx may reach the mempool a little later). */
    for (int i = 0; i < 50 && __atomic_load_n(&ps.result, __ATOMIC_ACQUIRE) == NULL; i++) {
        rpc_produce(&chain, 1);
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    pthread_join(th, NULL);
    assert_non_null(ps.result);
    const cJSON *r = cJSON_GetObjectItem(ps.result, "result");
    assert_non_null(r);
    rpc_check_final(r, hash, "user.test.near");
    cJSON_Delete(ps.result);
    free(ps.b64);
}

/* Every wait_until level parks until a block answers it. INCLUDED and INCLUDED_FINAL answer once
 * the tx is in a block (final at once here, so INCLUDED_FINAL, or FINAL if the receipt also ran
 * by then) with the tx outcome; the executed levels answer FINAL with the whole tree (a
 * transfer makes no refund), or EXECUTED if answered before a refund ran. */
static void test_send_tx_every_wait_level(void **state)
{
    (void)state;
    const char *levels[] = {"INCLUDED", "EXECUTED_OPTIMISTIC", "INCLUDED_FINAL", "EXECUTED",
                            "FINAL"};
    uint64_t nonce = rpc_nonce(&chain, "user.test.near");
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        struct rpc_async ps = {.url = chain.rpc_url, .wait = levels[i]};
        char hash[NEAR_HASH_STR_MAX];
        ps.b64 =
            rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 1, nonce + 1 + i, hash);
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, rpc_async_run, &ps), 0);
        for (int k = 0; k < 100 && __atomic_load_n(&ps.result, __ATOMIC_ACQUIRE) == NULL; k++) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
            rpc_produce(&chain, 1);
        }
        pthread_join(th, NULL);
        assert_non_null(ps.result);
        const cJSON *r = cJSON_GetObjectItem(ps.result, "result");
        if (r == NULL) {
            fail_msg("wait_until %s: %s", levels[i], cJSON_PrintUnformatted(ps.result));
        }
        if (strncmp(levels[i], "INCLUDED", 8) == 0 &&
            strcmp(rpc_str(r, "final_execution_status"), "INCLUDED_FINAL") == 0) {
            assert_string_equal(rpc_str(cJSON_GetObjectItem(r, "transaction"), "hash"), hash);
            assert_string_equal(rpc_str(cJSON_GetObjectItem(r, "transaction_outcome"), "id"), hash);
            assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Started");
        } else if (strncmp(levels[i], "EXECUTED", 8) == 0 &&
                   strcmp(rpc_str(r, "final_execution_status"), "EXECUTED") == 0) {
            /* answered before the block that runs the gas refund */
            rpc_check_outcome(r, hash, "user.test.near", "EXECUTED");
        } else {
            rpc_check_final(r, hash, "user.test.near");
        }
        cJSON_Delete(ps.result);
        free(ps.b64);
    }
    rpc_produce(&chain, 2);
}

/* ---- the assistant: request → timeout, request → respond → answered ---- */

/* The base64 SuccessValue of a FinalExecutionOutcome decoded into JSON. */
static cJSON *success_json(const cJSON *r)
{
    const cJSON *sv = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "status"), "SuccessValue");
    if (!cJSON_IsString(sv)) {
        char *t = cJSON_PrintUnformatted(r);
        fail_msg("no SuccessValue: %s", t);
    }
    uint8_t raw[4096];
    size_t len;
    assert_int_equal(
        base64_decode(sv->valuestring, strlen(sv->valuestring), raw, sizeof raw - 1, &len), YB_OK);
    raw[len] = 0;
    return rpc_json((const char *)raw);
}

static cJSON *tx_status(const char *hash, const char *signer)
{
    char q[200];
    snprintf(q, sizeof q,
             "{\"tx_hash\":\"%s\",\"sender_account_id\":\"%s\",\"wait_until\":"
             "\"INCLUDED\"}",
             hash, signer);
    return rpc_ok(&chain, "tx", rpc_json(q));
}

static cJSON *pending_requests(void)
{
    cJSON *r = rpc_ok(&chain, "query",
                      rpc_json("{\"request_type\":\"call_function\",\"account_id\":"
                               "\"assistant.test.near\",\"method_name\":\"get_pending_requests\","
                               "\"args_base64\":\"e30=\",\"finality\":\"optimistic\"}"));
    char text[8192];
    size_t n = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItem(r, "result"))
    {
        assert_true(n < sizeof text - 1);
        text[n++] = (char)b->valueint;
    }
    text[n] = 0;
    cJSON_Delete(r);
    return rpc_json(text);
}

static void submit_async(const char *b64)
{
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, cJSON_CreateString(b64));
    cJSON *r = rpc_ok(&chain, "broadcast_tx_async", arr);
    cJSON_Delete(r);
}

/* The height of the block with this base58 hash (the `block` method). */
static uint64_t height_of_block(const char *hash)
{
    char q[120];
    snprintf(q, sizeof q, "{\"block_id\":\"%s\"}", hash);
    cJSON *b = rpc_ok(&chain, "block", rpc_json(q));
    uint64_t h = rpc_num(cJSON_GetObjectItem(b, "header"), "height");
    cJSON_Delete(b);
    return h;
}

/* The highest block height among a FinalExecutionOutcome's receipt outcomes. */
static uint64_t last_receipt_height(const cJSON *r)
{
    uint64_t max = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(r, "receipts_outcome"))
    {
        uint64_t h = height_of_block(rpc_str(x, "block_hash"));
        max = h > max ? h : max;
    }
    return max;
}

/* Steps one block at a time until a parked call answered; returns the head height then. */
static uint64_t step_until_answered(struct rpc_async *ps)
{
    for (int i = 0; i < 20 && __atomic_load_n(&ps->result, __ATOMIC_ACQUIRE) == NULL; i++) {
        rpc_produce(&chain, 1);
        /* long enough for a loaded (sanitized, parallel) run to answer after this block, so
         * the answer never comes from a later one */
        for (int k = 0; k < 100 && __atomic_load_n(&ps->result, __ATOMIC_ACQUIRE) == NULL; k++) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    uint8_t h[NEAR_HASH_LEN];
    uint64_t height;
    rpc_head(&chain, h, &height);
    return height;
}

/* The "receipts" of EXPERIMENTAL_tx_status for user.test.near's get_pending_requests call
 * (300 Tgas, no deposit), field by field: the call's receipt, then the gas refund. */
static void check_call_receipts(const cJSON *x)
{
    const cJSON *ro = cJSON_GetObjectItem(x, "receipts_outcome");
    const cJSON *list = cJSON_GetObjectItem(x, "receipts");
    const char *key = rpc_str(cJSON_GetObjectItem(x, "transaction"), "public_key");
    assert_true(cJSON_IsArray(list));
    assert_int_equal(cJSON_GetArraySize(list), 2);

    const cJSON *call = cJSON_GetArrayItem(list, 0);
    assert_int_equal(cJSON_GetArraySize(call), 4);
    assert_string_equal(rpc_str(call, "predecessor_id"), "user.test.near");
    assert_string_equal(rpc_str(call, "receiver_id"), "assistant.test.near");
    assert_string_equal(rpc_str(call, "receipt_id"), rpc_str(cJSON_GetArrayItem(ro, 0), "id"));
    const cJSON *a = cJSON_GetObjectItem(cJSON_GetObjectItem(call, "receipt"), "Action");
    assert_non_null(a);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(call, "receipt")), 1);
    assert_string_equal(rpc_str(a, "signer_id"), "user.test.near");
    assert_string_equal(rpc_str(a, "signer_public_key"), key);
    assert_string_equal(rpc_str(a, "gas_price"), "100000000");
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(a, "output_data_receivers")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "output_data_receivers")), 0);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(a, "input_data_ids")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "input_data_ids")), 0);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(a, "is_promise_yield")));
    assert_null(cJSON_GetObjectItem(a, "refund_to"));
    const cJSON *acts = cJSON_GetObjectItem(a, "actions");
    assert_int_equal(cJSON_GetArraySize(acts), 1);
    const cJSON *fc = cJSON_GetObjectItem(cJSON_GetArrayItem(acts, 0), "FunctionCall");
    assert_string_equal(rpc_str(fc, "method_name"), "get_pending_requests");
    assert_string_equal(rpc_str(fc, "args"), "e30=");
    assert_int_equal(rpc_num(fc, "gas"), 300000000000000ULL);
    assert_string_equal(rpc_str(fc, "deposit"), "0");

    /* the refund: from "system" back to the signer, naming the key that paid, price 0 */
    const cJSON *refund = cJSON_GetArrayItem(list, 1);
    assert_string_equal(rpc_str(refund, "predecessor_id"), "system");
    assert_string_equal(rpc_str(refund, "receiver_id"), "user.test.near");
    assert_string_equal(rpc_str(refund, "receipt_id"), rpc_str(cJSON_GetArrayItem(ro, 1), "id"));
    a = cJSON_GetObjectItem(cJSON_GetObjectItem(refund, "receipt"), "Action");
    assert_non_null(a);
    assert_string_equal(rpc_str(a, "signer_id"), "user.test.near");
    assert_string_equal(rpc_str(a, "signer_public_key"), key);
    assert_string_equal(rpc_str(a, "gas_price"), "0");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "output_data_receivers")), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "input_data_ids")), 0);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(a, "is_promise_yield")));
    acts = cJSON_GetObjectItem(a, "actions");
    assert_int_equal(cJSON_GetArraySize(acts), 1);
    const char *dep =
        rpc_str(cJSON_GetObjectItem(cJSON_GetArrayItem(acts, 0), "Transfer"), "deposit");
    assert_true(strlen(dep) > 1 && dep[0] != '0'); /* unused gas × price: well above 9 yocto */
}

/* A tx to its own signer: as nearcore, EXPERIMENTAL_tx_status leaves out the (local) receipt
 * the tx became; `tx` has no "receipts" at all. */
static void test_tx_status_receipts_of_local_tx(void **state)
{
    (void)state;
    struct rpc_async ps = {.url = chain.rpc_url, .wait = "FINAL"};
    char hash[NEAR_HASH_STR_MAX];
    ps.b64 = rpc_sign(&chain, "user.test.near", "user.test.near", NULL, NULL, 5, 0, hash);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, rpc_async_run, &ps), 0);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    step_until_answered(&ps);
    pthread_join(th, NULL);
    rpc_check_final(cJSON_GetObjectItem(ps.result, "result"), hash, "user.test.near");
    char q[200];
    snprintf(q, sizeof q, "[\"%s\",\"user.test.near\"]", hash);
    cJSON *x = rpc_ok(&chain, "EXPERIMENTAL_tx_status", rpc_json(q));
    rpc_check_final(x, hash, "user.test.near");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(x, "receipts_outcome")), 1);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(x, "receipts")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(x, "receipts")), 0);
    cJSON_Delete(x);
    x = rpc_ok(&chain, "tx", rpc_json(q));
    assert_null(cJSON_GetObjectItem(x, "receipts"));
    cJSON_Delete(x);
    cJSON_Delete(ps.result);
    free(ps.b64);
}

/*
 * nearcore's levels: EXECUTED_OPTIMISTIC / EXECUTED wait for every non-refund receipt, FINAL
 * also for the refunds. A function call with unused prepaid gas (a plain transfer prepays no
 * gas and, at a fixed gas price, gets no refund here): the tx in block N, its receipt in N+1
 * (which makes the gas refund from "system"), the refund in N+2. So send_tx
 * EXECUTED_OPTIMISTIC answers after N+1 with status EXECUTED and one receipt outcome, and a
 * FINAL wait on the same tx answers one block later with the refund's outcome too.
 */
static void test_executed_does_not_wait_for_refunds(void **state)
{
    (void)state;
    rpc_produce(&chain, 2); /* nothing of earlier tests still running */
    char hash[NEAR_HASH_STR_MAX];
    struct rpc_async eo = {.url = chain.rpc_url, .wait = "EXECUTED_OPTIMISTIC"};
    eo.b64 = rpc_sign(&chain, "user.test.near", "assistant.test.near", "get_pending_requests", "{}",
                      0, 0, hash);
    pthread_t th_eo, th_final;
    assert_int_equal(pthread_create(&th_eo, NULL, rpc_async_run, &eo), 0);
    /* give the send_tx time to reach the mempool before the first block */
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    struct rpc_async fin = {.url = chain.rpc_url, .tx_hash = hash, .wait = "FINAL"};
    assert_int_equal(pthread_create(&th_final, NULL, rpc_async_run, &fin), 0);
    nanosleep(&pause, NULL);

    uint64_t at_eo = step_until_answered(&eo);
    pthread_join(th_eo, NULL);
    const cJSON *r = cJSON_GetObjectItem(eo.result, "result");
    assert_non_null(r);
    rpc_check_outcome(r, hash, "user.test.near", "EXECUTED");
    cJSON_Delete(success_json(r)); /* the call's JSON return value is already there */
    /* only the Transfer receipt: the refund has not run */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r, "receipts_outcome")), 1);
    uint64_t tx_height =
        height_of_block(rpc_str(cJSON_GetObjectItem(r, "transaction_outcome"), "block_hash"));
    uint64_t eo_height = last_receipt_height(r);
    assert_int_equal(eo_height, tx_height + 1);
    assert_int_equal(at_eo, eo_height);
    /* the FINAL wait is still parked */
    assert_null(__atomic_load_n(&fin.result, __ATOMIC_ACQUIRE));

    uint64_t at_final = step_until_answered(&fin);
    pthread_join(th_final, NULL);
    const cJSON *f = cJSON_GetObjectItem(fin.result, "result");
    assert_non_null(f);
    rpc_check_final(f, hash, "user.test.near");
    const cJSON *ro = cJSON_GetObjectItem(f, "receipts_outcome");
    assert_int_equal(cJSON_GetArraySize(ro), 2);
    uint64_t final_height = last_receipt_height(f);
    assert_int_equal(final_height, eo_height + 1);
    assert_int_equal(at_final, final_height);
    /* the refund: executed by the signer, no gas */
    const cJSON *refund = cJSON_GetObjectItem(cJSON_GetArrayItem(ro, 1), "outcome");
    assert_string_equal(rpc_str(refund, "executor_id"), "user.test.near");
    assert_int_equal(rpc_num(refund, "gas_burnt"), 0);

    /* a later `tx` EXECUTED lookup of the finished tx reports FINAL */
    char q[200];
    snprintf(q, sizeof q,
             "{\"tx_hash\":\"%s\",\"sender_account_id\":\"user.test.near\",\"wait_until\":"
             "\"EXECUTED\"}",
             hash);
    cJSON *again = rpc_ok(&chain, "tx", rpc_json(q));
    rpc_check_final(again, hash, "user.test.near");
    cJSON_Delete(again);

    /* EXPERIMENTAL_tx_status adds the receipts' bodies, in receipts_outcome order */
    cJSON *x = rpc_ok(&chain, "EXPERIMENTAL_tx_status", rpc_json(q));
    rpc_check_final(x, hash, "user.test.near");
    check_call_receipts(x);
    cJSON_Delete(x);
    cJSON_Delete(eo.result);
    cJSON_Delete(fin.result);
    free(eo.b64);
}

static void test_request_times_out_after_fast_forward(void **state)
{
    (void)state;
    char hash[NEAR_HASH_STR_MAX];
    char *b64 = rpc_sign(&chain, "user.test.near", "assistant.test.near", "request",
                         "{\"prompt\":\"will this time out?\"}", 0, 0, hash);
    submit_async(b64);
    free(b64);
    rpc_produce(&chain, 2);
    cJSON *pending = pending_requests();
    assert_int_equal(cJSON_GetArraySize(pending), 1);
    uint64_t request_id = rpc_num(cJSON_GetArrayItem(pending, 0), "request_id");
    cJSON_Delete(pending);
    cJSON *r = tx_status(hash, "user.test.near");
    assert_string_equal(rpc_str(r, "final_execution_status"), "INCLUDED_FINAL");
    assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Started");
    cJSON_Delete(r);

    cJSON_Delete(rpc_ok(&chain, "sandbox_fast_forward", rpc_json("{\"delta_height\":200}")));
    rpc_produce(&chain, 3); /* the timed-out callback runs one block later */
    r = tx_status(hash, "user.test.near");
    rpc_check_final(r, hash, "user.test.near");
    cJSON *v = success_json(r);
    assert_int_equal(rpc_num(v, "request_id"), request_id);
    assert_string_equal(rpc_str(v, "status"), "timeout");
    cJSON_Delete(v);
    cJSON_Delete(r);
    pending = pending_requests();
    assert_int_equal(cJSON_GetArraySize(pending), 0);
    cJSON_Delete(pending);
}

static void test_request_answered_by_oracle(void **state)
{
    (void)state;
    char hash[NEAR_HASH_STR_MAX];
    char *b64 = rpc_sign(&chain, "user.test.near", "assistant.test.near", "request",
                         "{\"prompt\":\"2+2?\"}", 0, 0, hash);
    submit_async(b64);
    free(b64);
    rpc_produce(&chain, 2);
    cJSON *pending = pending_requests();
    assert_int_equal(cJSON_GetArraySize(pending), 1);
    char args[256], yield_id[NEAR_HASH_STR_MAX];
    snprintf(yield_id, sizeof yield_id, "%s", rpc_str(cJSON_GetArrayItem(pending, 0), "yield_id"));
    snprintf(args, sizeof args, "{\"yield_id\":\"%s\",\"response\":\"4\"}", yield_id);
    cJSON_Delete(pending);
    char rhash[NEAR_HASH_STR_MAX];
    b64 = rpc_sign(&chain, "oracle.test.near", "assistant.test.near", "respond", args, 0, 0, rhash);
    submit_async(b64);
    free(b64);
    rpc_produce(&chain, 4);
    cJSON *r = tx_status(rhash, "oracle.test.near");
    rpc_check_final(r, rhash, "oracle.test.near");
    cJSON *v = success_json(r);
    assert_true(cJSON_IsTrue(v));
    cJSON_Delete(v);
    cJSON_Delete(r);
    r = tx_status(hash, "user.test.near");
    rpc_check_final(r, hash, "user.test.near");
    v = success_json(r);
    assert_string_equal(rpc_str(v, "status"), "answered");
    assert_string_equal(rpc_str(v, "answer"), "4");
    cJSON_Delete(v);
    cJSON_Delete(r);

    /* EXPERIMENTAL_tx_status lists the yield receipt: is_promise_yield, waiting on the data id
     * the contract calls its yield_id, and executed (it has an outcome) once resumed */
    char q[200];
    snprintf(q, sizeof q, "[\"%s\",\"user.test.near\"]", hash);
    r = rpc_ok(&chain, "EXPERIMENTAL_tx_status", rpc_json(q));
    const cJSON *ro = cJSON_GetObjectItem(r, "receipts_outcome");
    const cJSON *list = cJSON_GetObjectItem(r, "receipts");
    assert_int_equal(cJSON_GetArraySize(list), cJSON_GetArraySize(ro));
    int yields = 0;
    for (int i = 0; i < cJSON_GetArraySize(list); i++) {
        const cJSON *rv = cJSON_GetArrayItem(list, i);
        assert_string_equal(rpc_str(rv, "receipt_id"), rpc_str(cJSON_GetArrayItem(ro, i), "id"));
        const cJSON *a = cJSON_GetObjectItem(cJSON_GetObjectItem(rv, "receipt"), "Action");
        assert_non_null(a);
        if (!cJSON_IsTrue(cJSON_GetObjectItem(a, "is_promise_yield"))) {
            assert_true(cJSON_IsFalse(cJSON_GetObjectItem(a, "is_promise_yield")));
            continue;
        }
        yields++;
        assert_string_equal(rpc_str(rv, "predecessor_id"), "assistant.test.near");
        assert_string_equal(rpc_str(rv, "receiver_id"), "assistant.test.near");
        assert_string_equal(rpc_str(a, "signer_id"), "user.test.near");
        const cJSON *ins = cJSON_GetObjectItem(a, "input_data_ids");
        assert_int_equal(cJSON_GetArraySize(ins), 1);
        assert_string_equal(cJSON_GetArrayItem(ins, 0)->valuestring, yield_id);
        const cJSON *fc = cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(a, "actions"), 0), "FunctionCall");
        assert_non_null(fc);
        rpc_str(fc, "method_name");
    }
    assert_int_equal(yields, 1);
    cJSON_Delete(r);
}

/* ---- views never wait for block production ---- */

/* Blocks one yb_produce_blocks call makes back to back: ~1.4 ms each on this machine with an
 * fsync per block, so the call runs for seconds (longer under sanitizers). */
#define BUSY_BLOCKS 3000
#define BUSY_VIEWS  4  /* views that must answer while that call runs */
#define BUSY_TRIES  60 /* views tried at most */

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * A view reads a snapshot of the last committed block and never waits for the block loop: while
 * one yb_produce_blocks call makes BUSY_BLOCKS blocks, view_account and call_function answer
 * before that call returns, each at a height strictly inside the run, later views at later
 * heights (they see the blocks committed meanwhile). A view queued behind block production
 * would answer only after the call, at its last height. Time is only a generous second check:
 * the slowest view took less than a quarter of the whole run.
 */
static void test_views_answer_while_blocks_are_produced(void **state)
{
    (void)state;
    uint8_t hash[NEAR_HASH_LEN];
    uint64_t h0;
    rpc_head(&chain, hash, &h0);
    char body[160];
    snprintf(body, sizeof body,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"yb_produce_blocks\",\"params\":"
             "{\"count\":%d}}",
             BUSY_BLOCKS);
    struct rpc_async ps = {.url = chain.rpc_url, .body = body};
    int64_t t0 = mono_ms();
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, rpc_async_run, &ps), 0);
    /* production has started once the head moves */
    uint64_t h = h0;
    while (h == h0 && mono_ms() - t0 < 10000) {
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
        rpc_head(&chain, hash, &h);
    }
    assert_true(h > h0);

    int answered = 0;
    uint64_t first = 0, last = 0;
    int64_t slowest = 0;
    for (int i = 0; i < BUSY_TRIES && (answered < BUSY_VIEWS || last == first); i++) {
        cJSON *q = cJSON_CreateObject();
        cJSON_AddStringToObject(q, "account_id", i % 2 ? "assistant.test.near" : "user.test.near");
        cJSON_AddStringToObject(q, "finality", "final");
        if (i % 2) {
            cJSON_AddStringToObject(q, "request_type", "call_function");
            cJSON_AddStringToObject(q, "method_name", "get_pending_requests");
            cJSON_AddStringToObject(q, "args_base64", "e30=");
        } else {
            cJSON_AddStringToObject(q, "request_type", "view_account");
        }
        int64_t t = mono_ms();
        cJSON *r = rpc_ok(&chain, "query", q);
        int64_t took = mono_ms() - t;
        bool produced = __atomic_load_n(&ps.result, __ATOMIC_ACQUIRE) != NULL;
        uint64_t at = rpc_num(r, "block_height");
        cJSON_Delete(r);
        if (produced) {
            break; /* answered after the run: does not count */
        }
        assert_true(at > h0 && at < h0 + BUSY_BLOCKS);
        if (answered == 0) {
            first = at;
        }
        assert_true(at >= last);
        last = at;
        slowest = took > slowest ? took : slowest;
        answered++;
    }
    pthread_join(th, NULL);
    int64_t run = mono_ms() - t0;
    assert_non_null(ps.result);
    const cJSON *res = cJSON_GetObjectItem(ps.result, "result");
    assert_non_null(res);
    assert_int_equal(rpc_num(res, "latest_block_height"), h0 + BUSY_BLOCKS);
    cJSON_Delete(ps.result);
    print_message("views: %d answered during a %d-block run of %lld ms (heights %llu..%llu), "
                  "slowest %lld ms\n",
                  answered, BUSY_BLOCKS, (long long)run, (unsigned long long)first,
                  (unsigned long long)last, (long long)slowest);
    assert_true(answered >= BUSY_VIEWS);
    assert_true(last > first);
    assert_true(slowest * 4 < run);
}

static void test_oversized_transaction(void **state)
{
    (void)state;
    size_t n = (5u << 20) / 3 * 4; /* base64 of 5 MiB */
    char *b64 = malloc(n + 1);
    assert_non_null(b64);
    memset(b64, 'A', n);
    b64[n] = '\0';
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    free(b64);
    cJSON *e = rpc_err(&chain, "send_tx", params, "INVALID_TRANSACTION");
    const cJSON *tse = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "TxExecutionError"),
                            "InvalidTxError"),
        "TransactionSizeExceeded");
    assert_non_null(tse);
    assert_int_equal(rpc_num(tse, "limit"), 4u << 20);
    cJSON_Delete(e);
}

/* `tx` for a hash never sent waits nearcore's 10 s, then TIMEOUT_ERROR (legacy [hash, signer]). */
static void test_tx_lookup_times_out(void **state)
{
    (void)state;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cJSON *e =
        rpc_err(&chain, "tx", rpc_json("[\"11111111111111111111111111111111\",\"user.test.near\"]"),
                "TIMEOUT_ERROR");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_string_equal(rpc_str(e, "name"), "HANDLER_ERROR");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "cause"), "info"));
    assert_true(t1.tv_sec - t0.tv_sec >= 9);
    cJSON_Delete(e);
}

/* Last: SIGTERM while a send_tx is parked. The waiting client gets an answer (the server answers
 * parked calls before nng stops), and yb-chain exits 0 — under ASan that includes no leaks. */
static void test_graceful_stop_with_parked_send(void **state)
{
    (void)state;
    struct rpc_async ps = {.url = chain.rpc_url};
    ps.b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 4, 0, NULL);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, rpc_async_run, &ps), 0);
    /* wait until the tx sits in the mempool (manual mode: no block comes), so the call is parked */
    bool queued = false;
    for (int i = 0; i < 250 && !queued; i++) {
        long status;
        char *body = NULL;
        assert_int_equal(chain_proc_http_get(&chain, "/metrics", &status, &body), 0);
        queued = strstr(body, "\nyb_chain_mempool_size 1\n") != NULL;
        free(body);
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(queued);
    int st = chain_proc_signal(&chain, SIGTERM);
    pthread_join(th, NULL);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_non_null(ps.result);
    const cJSON *e = cJSON_GetObjectItem(ps.result, "error");
    assert_non_null(e);
    assert_string_equal(rpc_str(cJSON_GetObjectItem(e, "cause"), "name"), "INTERNAL_ERROR");
    assert_string_equal(rpc_str(e, "data"), "node is stopping");
    cJSON_Delete(ps.result);
    free(ps.b64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_tx_transfer),
        cmocka_unit_test(test_invalid_transactions),
        cmocka_unit_test(test_manual_stepping_and_parked_send),
        cmocka_unit_test(test_send_tx_every_wait_level),
        cmocka_unit_test(test_executed_does_not_wait_for_refunds),
        cmocka_unit_test(test_tx_status_receipts_of_local_tx),
        cmocka_unit_test(test_request_times_out_after_fast_forward),
        cmocka_unit_test(test_request_answered_by_oracle),
        cmocka_unit_test(test_views_answer_while_blocks_are_produced),
        cmocka_unit_test(test_oversized_transaction),
        cmocka_unit_test(test_tx_lookup_times_out),
        cmocka_unit_test(test_graceful_stop_with_parked_send),
    };
    return cmocka_run_group_tests_name("rpc_tx", tests, setup, teardown);
}
