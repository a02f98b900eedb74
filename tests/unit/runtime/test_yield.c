/*
 * test_yield.c — NEP-519 yield/resume on the runtime, every case of reference/nep519.md §4.4,
 * driven through contracts/examples/yield_echo (each method is one host call; its callback
 * on_resume returns {"status":1|2,"payload":...}).
 *
 * Timing (timeout T): a yield created by a receipt at height H expires at H+T; the timeout is
 * detected in the first block with height >= H+T and its callback runs one block later. A resume
 * receipt at height R queues PromiseResume, which runs the callback at R+1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "receipt.h"
#include "rt_fixture.h"
#include "yield_queue.h"

#define T_BLOCKS 10
#define GAS      (100 * RT_TGAS)
#define ECHO     "echo.test"
#define OTHER    "other.test"
#define USER     "user.test"

static int setup_with_timeout(void **state, uint64_t timeout)
{
    struct rt_fixture *f = test_malloc(sizeof *f);
    struct config_runtime cfg;
    config_default(&cfg);
    if (timeout != 0) {
        cfg.limits.yield_timeout_length_in_blocks = timeout;
    }
    assert_int_equal(rt_fixture_init(f, &cfg), YB_OK);
    assert_int_equal(rt_fixture_account(f, ECHO, rt_near(100)), YB_OK);
    assert_int_equal(rt_fixture_account(f, OTHER, rt_near(100)), YB_OK);
    assert_int_equal(rt_fixture_account(f, USER, rt_near(100)), YB_OK);
    assert_int_equal(rt_fixture_deploy_file(f, ECHO, YB_CONTRACTS_DIR "/yield_echo.wasm"), YB_OK);
    assert_int_equal(rt_fixture_deploy_file(f, OTHER, YB_CONTRACTS_DIR "/yield_echo.wasm"), YB_OK);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with_timeout(state, T_BLOCKS);
}

static int setup_default_timeout(void **state)
{
    return setup_with_timeout(state, 0);
}

static int teardown(void **state)
{
    struct rt_fixture *f = *state;
    rt_fixture_fini(f);
    test_free(f);
    return 0;
}

/* The outcome of the receipt a transaction became. */
static const struct outcome *receipt_of(struct rt_fixture *f, const uint8_t tx[NEAR_HASH_LEN])
{
    const struct outcome *o = rt_fixture_outcome(f, tx);
    assert_non_null(o);
    assert_int_equal(o->n_receipt_ids, 1);
    return rt_fixture_outcome(f, o->receipt_ids[0]);
}

/* The base58 data id the yield logged. */
static void logged_data_id(struct rt_fixture *f, const uint8_t tx[NEAR_HASH_LEN],
                           char out[NEAR_HASH_STR_MAX])
{
    const struct outcome *o = receipt_of(f, tx);
    assert_non_null(o);
    for (size_t i = 0; i < o->n_logs; i++) {
        if (strncmp(o->logs[i], "data_id=", 8) == 0) {
            snprintf(out, NEAR_HASH_STR_MAX, "%s", o->logs[i] + 8);
            return;
        }
    }
    fail_msg("no data_id log");
}

static void yield_tx(struct rt_fixture *f, const char *signer, uint8_t h[NEAR_HASH_LEN])
{
    assert_int_equal(rt_fixture_call(f, signer, ECHO, "yield", "{\"tag\":\"t\"}", GAS, 0, h),
                     YB_OK);
}

static void resume_tx(struct rt_fixture *f, const char *signer, const char *contract,
                      const char *data_id, const char *payload, uint8_t h[NEAR_HASH_LEN])
{
    char args[256];
    snprintf(args, sizeof args, "{\"data_id\":\"%s\",\"payload\":\"%s\"}", data_id, payload);
    assert_int_equal(rt_fixture_call(f, signer, contract, "resume", args, GAS, 0, h), YB_OK);
}

/* The value a resume call returned ("1" or "0"). */
static void assert_resume_returned(struct rt_fixture *f, const uint8_t h[NEAR_HASH_LEN],
                                   const char *want)
{
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    assert_true(rt_outcome_value_is(o, want));
}

/* The yield tx finished with the callback's value: status 1 with payload, or status 2. */
static void assert_yield_result(struct rt_fixture *f, const uint8_t h[NEAR_HASH_LEN],
                                const char *payload)
{
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    char *v = test_malloc(o->value_len + 1);
    memcpy(v, o->value, o->value_len);
    v[o->value_len] = '\0';
    if (payload) {
        char want[128];
        snprintf(want, sizeof want, "\"payload\":\"%s\"", payload);
        if (!strstr(v, "\"status\":1") || !strstr(v, want)) {
            fail_msg("callback value %s, wanted payload %s", v, payload);
        }
    } else if (!strstr(v, "\"status\":2")) {
        fail_msg("callback value %s, wanted a timeout", v);
    }
    test_free(v);
}

/* A yield made by a tx in block 1: its receipt runs at H = 2, so it expires at 2 + T. */
static void start_yield(struct rt_fixture *f, uint8_t h[NEAR_HASH_LEN], char id[NEAR_HASH_STR_MAX])
{
    yield_tx(f, USER, h);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(f->height, 2);
    logged_data_id(f, h, id);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_PENDING);
}

static void resume_before_timeout(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    resume_tx(f, USER, ECHO, id, "hello", r);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK); /* tx at 3, resume at 4 */
    assert_resume_returned(f, r, "1");
    assert_int_equal(rt_fixture_final(f, y, NULL), RT_FINAL_PENDING);
    assert_int_equal(rt_fixture_block(f), YB_OK); /* callback at 5 */
    assert_yield_result(f, y, "hello");
    /* the timeout entry is still queued and later finds nothing to do */
    assert_int_equal(rt_fixture_skip(f, T_BLOCKS), YB_OK);
    assert_int_equal(f->last.n_timeouts, 0);
}

static void resume_at_the_timeout_height(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    /* blocks up to H+T-2, then the resume tx at H+T-1 runs its receipt at H+T = 12 */
    assert_int_equal(rt_fixture_blocks(f, T_BLOCKS - 2), YB_OK);
    resume_tx(f, USER, ECHO, id, "just-in-time", r);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(f->height, 2 + T_BLOCKS);
    assert_resume_returned(f, r, "1");
    assert_int_equal(f->last.n_timeouts, 1); /* detected in the same block, after the resume */
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, "just-in-time");
}

static void resume_after_timeout_detected_before_callback(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    assert_int_equal(rt_fixture_blocks(f, T_BLOCKS), YB_OK); /* to H+T: timeout detected */
    assert_int_equal(f->last.n_timeouts, 1);
    assert_int_equal(rt_fixture_final(f, y, NULL), RT_FINAL_PENDING);
    /* a local tx of the contract runs first in the next block, before the queued timeout */
    resume_tx(f, ECHO, ECHO, id, "late-but-first", r);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_resume_returned(f, r, "1");
    assert_int_equal(rt_fixture_final(f, y, NULL), RT_FINAL_PENDING); /* timeout dropped */
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, "late-but-first");
}

static void resume_after_timeout_callback_returns_zero(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    assert_int_equal(rt_fixture_blocks(f, T_BLOCKS + 1), YB_OK);
    assert_yield_result(f, y, NULL);
    resume_tx(f, USER, ECHO, id, "too-late", r);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_resume_returned(f, r, "0");
}

static void double_resume_first_payload_wins(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r1[NEAR_HASH_LEN], r2[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    resume_tx(f, USER, ECHO, id, "first", r1);
    resume_tx(f, USER, ECHO, id, "second", r2);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    assert_resume_returned(f, r1, "1");
    assert_resume_returned(f, r2, "1");
    assert_yield_result(f, y, "first");
}

static void resume_from_another_account_returns_zero(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    resume_tx(f, USER, OTHER, id, "not-yours", r);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_resume_returned(f, r, "0");
    assert_int_equal(rt_fixture_blocks(f, T_BLOCKS), YB_OK);
    assert_yield_result(f, y, NULL);
}

static void yield_and_resume_in_one_call(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "yield_and_resume",
                                     "{\"payload\":\"same-call\"}", GAS, 0, y),
                     YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = receipt_of(f, y);
    bool logged = false;
    for (size_t i = 0; i < o->n_logs; i++) {
        logged = logged || strcmp(o->logs[i], "resume=1") == 0;
    }
    assert_true(logged);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, "same-call");
}

static void yield_and_resume_in_two_txs_of_one_block(void **state)
{
    struct rt_fixture *f = *state;
    /* Both are the contract's own (local) txs, so both run in block H = 1. The resume needs
     * the data id before the yield has run; it is derived as nearcore derives it. */
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_call(f, ECHO, ECHO, "yield", "{}", GAS, 0, y), YB_OK);
    uint64_t height = f->height + 1;
    uint8_t receipt_id[NEAR_HASH_LEN], action_hash[NEAR_HASH_LEN], data_id[NEAR_HASH_LEN];
    receipt_id_from_tx(y, height, receipt_id);
    receipt_action_hash(receipt_id, height, 0, action_hash);
    receipt_hash_id(action_hash, height, 0, data_id);
    char id[NEAR_HASH_STR_MAX];
    near_hash_format(data_id, id);
    resume_tx(f, ECHO, ECHO, id, "same-block", r);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    char logged[NEAR_HASH_STR_MAX];
    logged_data_id(f, y, logged);
    assert_string_equal(logged, id);
    assert_resume_returned(f, r, "1");
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, "same-block");
}

static void skipped_heights_count_toward_the_timeout(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    assert_int_equal(rt_fixture_skip(f, T_BLOCKS + 50), YB_OK); /* no block at H+T itself */
    assert_int_equal(f->last.n_timeouts, 1);
    assert_int_equal(rt_fixture_final(f, y, NULL), RT_FINAL_PENDING);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, NULL);
}

static void default_timeout_is_200_blocks(void **state)
{
    struct rt_fixture *f = *state;
    assert_int_equal(f->rt.config.limits.yield_timeout_length_in_blocks, 200);
    uint8_t y[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    assert_int_equal(rt_fixture_skip(f, 199), YB_OK); /* height 201 < 202 */
    assert_int_equal(f->last.n_timeouts, 0);
    assert_int_equal(rt_fixture_block(f), YB_OK); /* 202 */
    assert_int_equal(f->last.n_timeouts, 1);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, NULL);
}

static void timeouts_fire_in_creation_order(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y1[NEAR_HASH_LEN], y2[NEAR_HASH_LEN], y3[NEAR_HASH_LEN];
    yield_tx(f, USER, y1);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    yield_tx(f, USER, y2);
    yield_tx(f, USER, y3);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    /* y1 expires at 2+T, y2 and y3 at 3+T */
    assert_int_equal(rt_fixture_skip(f, T_BLOCKS - 1), YB_OK);
    assert_int_equal(f->height, 2 + T_BLOCKS);
    assert_int_equal(f->last.n_timeouts, 1);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(f->last.n_timeouts, 2);
    assert_yield_result(f, y1, NULL);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y2, NULL);
    assert_yield_result(f, y3, NULL);
}

static void oversized_payload_and_malformed_data_id_are_host_errors(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    char args[128];
    snprintf(args, sizeof args, "{\"data_id\":\"%s\"}", id);
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "resume_oversized", args, GAS, 0, r), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, r, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "YieldPayloadLength");
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "resume_malformed", "{}", GAS, 0, r), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, r, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "DataIdMalformed");
    /* neither touched the yield: it still times out normally */
    assert_int_equal(rt_fixture_blocks(f, T_BLOCKS), YB_OK);
    assert_yield_result(f, y, NULL);
}

static void state_is_clean_after_the_callback(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    resume_tx(f, USER, ECHO, id, "x", r);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    assert_yield_result(f, y, "x");
    uint8_t data_id[NEAR_HASH_LEN];
    assert_int_equal(near_hash_parse(id, strlen(id), data_id), YB_OK);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->store, &snap), YB_OK);
    assert_false(state_id_has(snap, STATE_COL_YIELD_RECEIPT, ECHO, data_id));
    assert_false(state_id_has(snap, STATE_COL_YIELD_STATUS, ECHO, data_id));
    assert_false(state_id_has(snap, STATE_COL_RECEIVED_DATA, ECHO, data_id));
    store_snapshot_end(snap);
}

/* The kinds of yield events the last block reported, as letters (C R T E). */
static void last_events(struct rt_fixture *f, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < f->last.n_yields && n + 1 < cap; i++) {
        out[n++] = "CRTE"[f->last.yields[i].kind];
        assert_string_equal(f->last.yields[i].account, ECHO);
    }
    out[n] = '\0';
}

static void blocks_report_yield_events(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y1[NEAR_HASH_LEN], y2[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX], ev[16];
    yield_tx(f, USER, y1);
    yield_tx(f, USER, y2);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    last_events(f, ev, sizeof ev);
    assert_string_equal(ev, "CC");
    assert_int_equal(f->last.yields[0].expires_height, 2 + T_BLOCKS);
    struct store_txn *snap = NULL;
    uint64_t pending = 0;
    assert_int_equal(store_snapshot_begin(f->store, &snap), YB_OK);
    assert_int_equal(runtime_pending_yields(snap, &pending), YB_OK);
    store_snapshot_end(snap);
    assert_int_equal(pending, 2);
    logged_data_id(f, y1, id);
    resume_tx(f, USER, ECHO, id, "p", r);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    last_events(f, ev, sizeof ev);
    assert_string_equal(ev, "R");
    assert_int_equal(rt_fixture_block(f), YB_OK);
    last_events(f, ev, sizeof ev);
    assert_string_equal(ev, "E");
    assert_int_equal(rt_fixture_skip(f, T_BLOCKS), YB_OK);
    last_events(f, ev, sizeof ev);
    assert_string_equal(ev, "T");
    assert_int_equal(rt_fixture_block(f), YB_OK);
    last_events(f, ev, sizeof ev);
    assert_string_equal(ev, "E");
    assert_int_equal(store_snapshot_begin(f->store, &snap), YB_OK);
    assert_int_equal(runtime_pending_yields(snap, &pending), YB_OK);
    store_snapshot_end(snap);
    assert_int_equal(pending, 0);
}

static void congested_blocks_delay_receipts_and_timeouts(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], t[3][NEAR_HASH_LEN];
    char id[NEAR_HASH_STR_MAX];
    start_yield(f, y, id);
    /* a limit of 1 gas: every block is congested after its first queued receipt */
    f->rt.block_gas_limit = 1;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rt_fixture_transfer(f, USER, OTHER, 1, t[i]), YB_OK);
    }
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(f->last.n_receipts, 1);
    assert_int_equal(f->last.n_queued, 2);
    assert_int_equal(rt_fixture_final(f, t[0], NULL), RT_FINAL_SUCCESS);
    assert_int_equal(rt_fixture_final(f, t[1], NULL), RT_FINAL_PENDING);
    /* past the expiry, but congested: the timeout waits */
    assert_int_equal(rt_fixture_skip(f, T_BLOCKS), YB_OK);
    assert_int_equal(f->last.n_timeouts, 0);
    assert_int_equal(rt_fixture_final(f, t[1], NULL), RT_FINAL_SUCCESS);
    assert_int_equal(rt_fixture_block(f), YB_OK); /* t[2] */
    assert_int_equal(f->last.n_timeouts, 0);
    /* the queue is empty now: the first quiet block takes the timeout */
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(f->last.n_receipts, 0);
    assert_int_equal(f->last.n_timeouts, 1);
    f->rt.block_gas_limit = RUNTIME_DEFAULT_BLOCK_GAS_LIMIT;
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, NULL);
    assert_int_equal(rt_fixture_final(f, t[2], NULL), RT_FINAL_SUCCESS);
}

/* The data id the first yield of action `action` of the receipt made from tx `tx` (included at
 * height `tx_height`, receipt run at `run_height`) gets, derived as nearcore derives it. */
static void predict_data_id(const uint8_t tx[NEAR_HASH_LEN], uint64_t tx_height,
                            uint64_t run_height, uint64_t action, char out[NEAR_HASH_STR_MAX])
{
    uint8_t receipt_id[NEAR_HASH_LEN], action_hash[NEAR_HASH_LEN], data_id[NEAR_HASH_LEN];
    receipt_id_from_tx(tx, tx_height, receipt_id);
    receipt_action_hash(receipt_id, run_height, action, action_hash);
    receipt_hash_id(action_hash, run_height, 0, data_id);
    near_hash_format(data_id, out);
}

static void yield_and_resume_by_two_users_in_one_block(void **state)
{
    struct rt_fixture *f = *state;
    /* neither tx is local: both receipts run in the next block, the yield first */
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    yield_tx(f, USER, y);
    char id[NEAR_HASH_STR_MAX];
    predict_data_id(y, f->height + 1, f->height + 2, 0, id);
    resume_tx(f, OTHER, ECHO, id, "other-user", r);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    char logged[NEAR_HASH_STR_MAX];
    logged_data_id(f, y, logged);
    assert_string_equal(logged, id);
    assert_resume_returned(f, r, "1");
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_yield_result(f, y, "other-user");
}

static void yield_in_a_failed_receipt_is_dropped(void **state)
{
    struct rt_fixture *f = *state;
    /* one tx, two actions: the yield, then a host error; the whole receipt rolls back */
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, USER, ECHO, &tx), YB_OK);
    assert_int_equal(tx_add_function_call(&tx, "yield", (const uint8_t *)"{}", 2, GAS, 0), YB_OK);
    assert_int_equal(
        tx_add_function_call(&tx, "resume_malformed", (const uint8_t *)"{}", 2, GAS, 0), YB_OK);
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, y), YB_OK);
    char id[NEAR_HASH_STR_MAX];
    predict_data_id(y, f->height + 1, f->height + 2, 0, id);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, y, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "DataIdMalformed");
    /* the failed receipt keeps its logs: the yield did run, with the predicted id */
    char logged[NEAR_HASH_STR_MAX + 8];
    snprintf(logged, sizeof logged, "data_id=%s", id);
    assert_true(o->n_logs >= 1);
    assert_string_equal(o->logs[0], logged);
    assert_int_equal(f->last.n_yields, 0); /* nothing was parked */
    uint8_t data_id[NEAR_HASH_LEN];
    assert_int_equal(near_hash_parse(id, strlen(id), data_id), YB_OK);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->store, &snap), YB_OK);
    assert_false(state_id_has(snap, STATE_COL_YIELD_STATUS, ECHO, data_id));
    assert_false(state_id_has(snap, STATE_COL_YIELD_RECEIPT, ECHO, data_id));
    store_snapshot_end(snap);
    /* so a resume finds nothing, and no timeout ever fires */
    resume_tx(f, USER, ECHO, id, "nobody-home", r);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_resume_returned(f, r, "0");
    assert_int_equal(rt_fixture_skip(f, T_BLOCKS), YB_OK);
    assert_int_equal(f->last.n_timeouts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(resume_before_timeout),
        T(resume_at_the_timeout_height),
        T(resume_after_timeout_detected_before_callback),
        T(resume_after_timeout_callback_returns_zero),
        T(double_resume_first_payload_wins),
        T(resume_from_another_account_returns_zero),
        T(yield_and_resume_in_one_call),
        T(yield_and_resume_in_two_txs_of_one_block),
        T(yield_and_resume_by_two_users_in_one_block),
        T(yield_in_a_failed_receipt_is_dropped),
        T(skipped_heights_count_toward_the_timeout),
        T(timeouts_fire_in_creation_order),
        T(oversized_payload_and_malformed_data_id_are_host_errors),
        T(state_is_clean_after_the_callback),
        T(blocks_report_yield_events),
        T(congested_blocks_delay_receipts_and_timeouts),
        cmocka_unit_test_setup_teardown(default_timeout_is_200_blocks, setup_default_timeout,
                                        teardown),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
