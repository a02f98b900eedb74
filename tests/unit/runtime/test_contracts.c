/*
 * test_contracts.c — contracts end to end on the runtime: the assistant (answered, timed out,
 * unauthorized respond, long answer, respond_many batches and their cap), the promise DAG of xcc
 * (result order with a failing branch, value_return forwarding through promise_return), out of gas
 * in a yield callback, view-call prohibitions, and the protocol-85 yield-with-id pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "mem.h"
#include "rt_fixture.h"

#define T_BLOCKS  10
#define GAS       (100 * RT_TGAS)
#define ASSISTANT "assistant.test"
#define XCC       "xcc.test"
#define ECHO      "echo.test"
#define COUNTER   "counter.test"
#define USER      "user.test"
#define ORACLE    "oracle.test"
#define MALLORY   "mallory.test"

static int setup(void **state)
{
    struct rt_fixture *f = test_malloc(sizeof *f);
    struct config_runtime cfg;
    config_default(&cfg);
    cfg.limits.yield_timeout_length_in_blocks = T_BLOCKS;
    assert_int_equal(rt_fixture_init(f, &cfg), YB_OK);
    const char *accounts[] = {ASSISTANT, XCC, ECHO, COUNTER, USER, ORACLE, MALLORY};
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
        assert_int_equal(rt_fixture_account(f, accounts[i], rt_near(100)), YB_OK);
    }
    assert_int_equal(rt_fixture_deploy_file(f, ASSISTANT, YB_CONTRACTS_DIR "/assistant.wasm"),
                     YB_OK);
    assert_int_equal(rt_fixture_deploy_file(f, XCC, YB_CONTRACTS_DIR "/xcc.wasm"), YB_OK);
    assert_int_equal(rt_fixture_deploy_file(f, ECHO, YB_CONTRACTS_DIR "/yield_echo.wasm"), YB_OK);
    assert_int_equal(rt_fixture_deploy_file(f, COUNTER, YB_CONTRACTS_DIR "/counter.wasm"), YB_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct rt_fixture *f = *state;
    rt_fixture_fini(f);
    test_free(f);
    return 0;
}

/* The final value of a tx as a parsed JSON document (cJSON_Delete), asserting success. */
static cJSON *final_json(struct rt_fixture *f, const uint8_t h[NEAR_HASH_LEN])
{
    const struct outcome *o = NULL;
    enum rt_final st = rt_fixture_final(f, h, &o);
    if (st != RT_FINAL_SUCCESS) {
        char *e = o && o->failure ? cJSON_PrintUnformatted(o->failure) : NULL;
        fail_msg("tx not successful (%d): %s", (int)st, e ? e : "-");
    }
    cJSON *j = cJSON_ParseWithLength((const char *)o->value, o->value_len);
    assert_non_null(j);
    return j;
}

static const char *str_field(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* ---- the assistant ---- */

static void assistant_init(struct rt_fixture *f)
{
    uint8_t h[NEAR_HASH_LEN];
    char args[256];
    snprintf(args, sizeof args,
             "{\"owner_id\":\"%s\",\"oracle_ids\":[\"%s\"],\"timeout_blocks\":%d}", ASSISTANT,
             ORACLE, T_BLOCKS);
    assert_int_equal(rt_fixture_call(f, ASSISTANT, ASSISTANT, "init", args, GAS, 0, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
}

/* A request by USER, applied; returns the yield id the contract lists for it. */
static void assistant_request(struct rt_fixture *f, uint8_t h[NEAR_HASH_LEN],
                              char yield_id[NEAR_HASH_STR_MAX])
{
    assert_int_equal(
        rt_fixture_call(f, USER, ASSISTANT, "request", "{\"prompt\":\"What is 2+2?\"}", GAS, 0, h),
        YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_PENDING);
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, ASSISTANT, "get_pending_requests", "{}", &v), YB_OK);
    assert_null(v.error);
    cJSON *list = cJSON_ParseWithLength((const char *)v.value, v.value_len);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    cJSON *req = cJSON_GetArrayItem(list, 0);
    assert_string_equal(str_field(req, "prompt"), "What is 2+2?");
    assert_string_equal(str_field(req, "requester"), USER);
    snprintf(yield_id, NEAR_HASH_STR_MAX, "%s", str_field(req, "yield_id"));
    cJSON_Delete(list);
    runtime_view_result_fini(&v);
}

static void assistant_respond(struct rt_fixture *f, const char *who, const char *yield_id,
                              const char *answer, uint8_t h[NEAR_HASH_LEN])
{
    size_t cap = strlen(answer) + 256;
    char *args = yb_xmalloc(cap);
    snprintf(args, cap, "{\"yield_id\":\"%s\",\"response\":\"%s\"}", yield_id, answer);
    assert_int_equal(rt_fixture_call(f, who, ASSISTANT, "respond", args, GAS, 0, h), YB_OK);
    free(args);
}

static void assistant_answered(void **state)
{
    struct rt_fixture *f = *state;
    assistant_init(f);
    uint8_t req[NEAR_HASH_LEN], resp[NEAR_HASH_LEN];
    char yid[NEAR_HASH_STR_MAX];
    assistant_request(f, req, yid);
    assistant_respond(f, ORACLE, yid, "4", resp);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, resp, &o), RT_FINAL_SUCCESS);
    assert_true(rt_outcome_value_is(o, "true"));
    assert_int_equal(rt_fixture_block(f), YB_OK);
    cJSON *j = final_json(f, req);
    assert_string_equal(str_field(j, "status"), "answered");
    assert_string_equal(str_field(j, "answer"), "4");
    cJSON_Delete(j);
    /* cleaned up: nothing pending */
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, ASSISTANT, "get_pending_requests", "{}", &v), YB_OK);
    assert_int_equal(v.value_len, 2);
    assert_memory_equal(v.value, "[]", 2);
    runtime_view_result_fini(&v);
}

static void assistant_timed_out(void **state)
{
    struct rt_fixture *f = *state;
    assistant_init(f);
    uint8_t req[NEAR_HASH_LEN], resp[NEAR_HASH_LEN];
    char yid[NEAR_HASH_STR_MAX];
    assistant_request(f, req, yid);
    assert_int_equal(rt_fixture_blocks(f, T_BLOCKS + 1), YB_OK);
    cJSON *j = final_json(f, req);
    assert_string_equal(str_field(j, "status"), "timeout");
    cJSON_Delete(j);
    /* a late answer is refused, and says so */
    assistant_respond(f, ORACLE, yid, "too late", resp);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, resp, &o), RT_FINAL_SUCCESS);
    assert_true(rt_outcome_value_is(o, "false"));
}

static void assistant_unauthorized_respond_panics(void **state)
{
    struct rt_fixture *f = *state;
    assistant_init(f);
    uint8_t req[NEAR_HASH_LEN], resp[NEAR_HASH_LEN];
    char yid[NEAR_HASH_STR_MAX];
    assistant_request(f, req, yid);
    assistant_respond(f, MALLORY, yid, "fake", resp);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, resp, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "GuestPanic");
    char *js = cJSON_PrintUnformatted(o->failure);
    assert_non_null(strstr(js, "not an oracle"));
    cJSON_free(js);
    /* the request is still pending and still answerable */
    assistant_respond(f, ORACLE, yid, "4", resp);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    cJSON *j = final_json(f, req);
    assert_string_equal(str_field(j, "answer"), "4");
    cJSON_Delete(j);
}

static void assistant_long_answer(void **state)
{
    struct rt_fixture *f = *state;
    assistant_init(f);
    uint8_t req[NEAR_HASH_LEN], resp[NEAR_HASH_LEN];
    char yid[NEAR_HASH_STR_MAX];
    assistant_request(f, req, yid);
    size_t n = 16000; /* far over the 1024-byte resume payload cap */
    char *answer = yb_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        answer[i] = (char)('a' + i % 26);
    }
    answer[n] = '\0';
    assistant_respond(f, ORACLE, yid, answer, resp);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    cJSON *j = final_json(f, req);
    assert_string_equal(str_field(j, "status"), "answered");
    assert_string_equal(str_field(j, "answer"), answer);
    cJSON_Delete(j);
    free(answer);
}

/* n requests by USER in one block, applied; yield_ids[i] receives the i-th listed yield id. */
static void assistant_requests(struct rt_fixture *f, size_t n, uint8_t h[][NEAR_HASH_LEN],
                               char yield_ids[][NEAR_HASH_STR_MAX])
{
    for (size_t i = 0; i < n; i++) {
        char args[64];
        snprintf(args, sizeof args, "{\"prompt\":\"question %zu\"}", i);
        assert_int_equal(rt_fixture_call(f, USER, ASSISTANT, "request", args, GAS, 0, h[i]), YB_OK);
    }
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, ASSISTANT, "get_pending_requests", "{}", &v), YB_OK);
    assert_null(v.error);
    cJSON *list = cJSON_ParseWithLength((const char *)v.value, v.value_len);
    assert_int_equal(cJSON_GetArraySize(list), (int)n);
    for (size_t i = 0; i < n; i++) {
        snprintf(yield_ids[i], NEAR_HASH_STR_MAX, "%s",
                 str_field(cJSON_GetArrayItem(list, (int)i), "yield_id"));
    }
    cJSON_Delete(list);
    runtime_view_result_fini(&v);
}

/* Gas burnt by a transaction calling get_pending_requests (a view method runs as a call too,
 * and its receipt's outcome says what it burnt) with args; the result must list one request,
 * want_id. */
static uint64_t pending_read_gas(struct rt_fixture *f, const char *args, uint64_t want_id)
{
    uint8_t h[NEAR_HASH_LEN];
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_call(f, ORACLE, ASSISTANT, "get_pending_requests", args, GAS, 0, h),
                     YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    cJSON *list = cJSON_ParseWithLength((const char *)o->value, o->value_len);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    const cJSON *id = cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "request_id");
    assert_true(cJSON_IsNumber(id));
    assert_int_equal((uint64_t)id->valuedouble, want_id);
    cJSON_Delete(list);
    return o->gas_burnt;
}

/* n more requests by USER in one block, applied; the pending list then holds `total`. */
static void assistant_fill(struct rt_fixture *f, size_t n, size_t total)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(
            rt_fixture_call(f, USER, ASSISTANT, "request", "{\"prompt\":\"q\"}", GAS, 0, NULL),
            YB_OK);
    }
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, ASSISTANT, "get_config", "{}", &v), YB_OK);
    cJSON *cfg = cJSON_ParseWithLength((const char *)v.value, v.value_len);
    assert_int_equal(cJSON_GetObjectItem(cfg, "pending")->valuedouble, (double)total);
    cJSON_Delete(cfg);
    runtime_view_result_fini(&v);
}

/* Reading the last pending request by from_request_id costs the same with 100 or 400 requests
 * pending; by from_index it grows by a storage read (~57 Ggas of NEAR's fees) per request
 * before it. Both read within the yield timeout (T_BLOCKS), so nothing leaves the list. */
static void assistant_pending_by_id_cost_does_not_grow(void **state)
{
    struct rt_fixture *f = *state;
    assistant_init(f);
    assistant_fill(f, 100, 100);
    uint64_t by_id_100 = pending_read_gas(f, "{\"from_request_id\":100,\"limit\":1}", 100);
    uint64_t by_index_100 = pending_read_gas(f, "{\"from_index\":99,\"limit\":1}", 100);
    assistant_fill(f, 300, 400);
    uint64_t by_id_400 = pending_read_gas(f, "{\"from_request_id\":400,\"limit\":1}", 400);
    uint64_t by_index_400 = pending_read_gas(f, "{\"from_index\":399,\"limit\":1}", 400);
    printf("  the last of 100 / 400 pending: by from_request_id %.2f / %.2f Tgas, by from_index "
           "%.2f / %.2f Tgas\n",
           (double)by_id_100 / 1e12, (double)by_id_400 / 1e12, (double)by_index_100 / 1e12,
           (double)by_index_400 / 1e12);
    /* The same work; only the record's bytes may differ (a yield id of 43 or 44 characters). */
    uint64_t diff = by_id_400 > by_id_100 ? by_id_400 - by_id_100 : by_id_100 - by_id_400;
    assert_true(diff < 1000000000ull);
    /* 300 more steps of the walk from the head. */
    assert_true(by_index_400 - by_index_100 > 300 * 50000000000ull);
    assert_true(by_id_400 < by_index_100);
}

/* respond_many: accepted and refused entries (a duplicate, an unknown id) answered in order,
 * one request_answered event for the accepted ones, every accepted request's callback answered,
 * the one left out still pending; a non-oracle's batch fails as a whole. */
static void assistant_respond_many(void **state)
{
    struct rt_fixture *f = *state;
    assistant_init(f);
    uint8_t req[3][NEAR_HASH_LEN], resp[NEAR_HASH_LEN], bad[NEAR_HASH_LEN];
    char yid[3][NEAR_HASH_STR_MAX];
    assistant_requests(f, 3, req, yid);
    char args[1024];
    snprintf(args, sizeof args,
             "{\"responses\":[{\"yield_id\":\"%s\",\"response\":\"one\"},"
             "{\"yield_id\":\"%s\",\"response\":\"two\"},"
             "{\"yield_id\":\"%s\",\"response\":\"dup\"},"
             "{\"yield_id\":\"11111111111111111111111111111111\",\"response\":\"?\"}]}",
             yid[0], yid[1], yid[0]);
    assert_int_equal(rt_fixture_call(f, MALLORY, ASSISTANT, "respond_many", args, GAS, 0, bad),
                     YB_OK);
    assert_int_equal(rt_fixture_call(f, ORACLE, ASSISTANT, "respond_many", args, GAS, 0, resp),
                     YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);

    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, bad, &o), RT_FINAL_FAILURE);
    char *js = cJSON_PrintUnformatted(o->failure);
    assert_non_null(strstr(js, "respond_many: mallory.test is not an oracle of this contract"));
    cJSON_free(js);

    assert_int_equal(rt_fixture_final(f, resp, &o), RT_FINAL_SUCCESS);
    assert_true(rt_outcome_value_is(o, "[true,true,false,false]"));
    assert_int_equal(o->n_logs, 1);
    const char *prefix = "EVENT_JSON:";
    assert_memory_equal(o->logs[0], prefix, strlen(prefix));
    cJSON *ev = cJSON_Parse(o->logs[0] + strlen(prefix));
    assert_non_null(ev);
    assert_string_equal(str_field(ev, "event"), "request_answered");
    const cJSON *data = cJSON_GetObjectItem(ev, "data");
    assert_int_equal(cJSON_GetArraySize(data), 2);
    for (int i = 0; i < 2; i++) {
        const cJSON *d = cJSON_GetArrayItem(data, i);
        assert_string_equal(str_field(d, "yield_id"), yid[i]);
        assert_string_equal(str_field(d, "responder"), ORACLE);
        assert_int_equal(cJSON_GetObjectItem(d, "answer_bytes")->valueint, 3);
    }
    cJSON_Delete(ev);

    assert_int_equal(rt_fixture_block(f), YB_OK);
    const char *answers[] = {"one", "two"};
    for (int i = 0; i < 2; i++) {
        cJSON *j = final_json(f, req[i]);
        assert_string_equal(str_field(j, "status"), "answered");
        assert_string_equal(str_field(j, "answer"), answers[i]);
        cJSON_Delete(j);
    }
    assert_int_equal(rt_fixture_final(f, req[2], NULL), RT_FINAL_PENDING);
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, ASSISTANT, "get_pending_requests", "{}", &v), YB_OK);
    cJSON *list = cJSON_ParseWithLength((const char *)v.value, v.value_len);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    assert_string_equal(str_field(cJSON_GetArrayItem(list, 0), "yield_id"), yid[2]);
    cJSON_Delete(list);
    runtime_view_result_fini(&v);
}

/* respond_many refuses more than 32 entries, before touching any state. */
static void assistant_respond_many_cap(void **state)
{
    struct rt_fixture *f = *state;
    assistant_init(f);
    uint8_t req[1][NEAR_HASH_LEN], resp[NEAR_HASH_LEN];
    char yid[1][NEAR_HASH_STR_MAX];
    assistant_requests(f, 1, req, yid);
    size_t cap = 33 * 128 + 64;
    char *args = yb_xmalloc(cap);
    size_t len = (size_t)snprintf(args, cap, "{\"responses\":[");
    for (int i = 0; i < 33; i++) {
        len += (size_t)snprintf(args + len, cap - len, "%s{\"yield_id\":\"%s\",\"response\":\"a\"}",
                                i ? "," : "", yid[0]);
    }
    snprintf(args + len, cap - len, "]}");
    assert_int_equal(rt_fixture_call(f, ORACLE, ASSISTANT, "respond_many", args, GAS, 0, resp),
                     YB_OK);
    free(args);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, resp, &o), RT_FINAL_FAILURE);
    char *js = cJSON_PrintUnformatted(o->failure);
    assert_non_null(strstr(js, "argument `responses`: expected 1 to 32 entries"));
    cJSON_free(js);
    assert_int_equal(rt_fixture_final(f, req[0], NULL), RT_FINAL_PENDING);
}

static void oracle_answers_with_a_function_call_key(void **state)
{
    struct rt_fixture *f = *state;
    /* the node's genesis: the oracle signs with a key that may only call `respond` */
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    rt_fixture_key("oracle-respond-key", sk, &pk);
    yb_u128 allowance = rt_near(10);
    const char *methods[] = {"respond"};
    struct tx tx;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_tx(f, ORACLE, ORACLE, &tx), YB_OK);
    assert_int_equal(tx_add_function_call_key(&tx, &pk, &allowance, ASSISTANT, methods, 1), YB_OK);
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assistant_init(f); /* applies the AddKey block too */
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
    uint8_t req[NEAR_HASH_LEN];
    char yid[NEAR_HASH_STR_MAX];
    assistant_request(f, req, yid);

    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    uint64_t nonce = f->height * RUNTIME_NONCE_RANGE_MULTIPLIER;
    /* any other method is refused at admission */
    assert_int_equal(tx_init(&tx, ORACLE, &pk, ++nonce, ASSISTANT, zero), YB_OK);
    assert_int_equal(tx_add_function_call(&tx, "add_oracle", (const uint8_t *)"{}", 2, GAS, 0),
                     YB_OK);
    assert_int_equal(rt_fixture_submit_signed(f, &tx, sk, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(rt_fixture_outcome(f, h)->failure_name, "MethodNameMismatch");
    /* respond goes through */
    char args[256];
    snprintf(args, sizeof args, "{\"yield_id\":\"%s\",\"response\":\"via fc key\"}", yid);
    assert_int_equal(tx_init(&tx, ORACLE, &pk, ++nonce, ASSISTANT, zero), YB_OK);
    assert_int_equal(
        tx_add_function_call(&tx, "respond", (const uint8_t *)args, strlen(args), GAS, 0), YB_OK);
    assert_int_equal(rt_fixture_submit_signed(f, &tx, sk, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    assert_true(rt_outcome_value_is(o, "true"));
    cJSON *j = final_json(f, req);
    assert_string_equal(str_field(j, "answer"), "via fc key");
    cJSON_Delete(j);
}

/* ---- promise DAG ---- */

static void join_reports_results_in_order_with_a_failing_branch(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    const char *args =
        "{\"calls\":["
        "{\"account_id\":\"xcc.test\",\"method\":\"echo\",\"args\":{\"value\":\"a\"}},"
        "{\"account_id\":\"xcc.test\",\"method\":\"fail\",\"args\":{}},"
        "{\"account_id\":\"xcc.test\",\"method\":\"echo\",\"args\":{\"value\":\"c\"}}"
        "]}";
    assert_int_equal(rt_fixture_call(f, USER, XCC, "join", args, 300 * RT_TGAS, 0, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 4), YB_OK);
    cJSON *j = final_json(f, h);
    assert_int_equal(cJSON_GetArraySize(j), 3);
    const char *want[] = {"success", "failed", "success"};
    for (int i = 0; i < 3; i++) {
        cJSON *r = cJSON_GetArrayItem(j, i);
        assert_int_equal(cJSON_GetObjectItem(r, "index")->valueint, i);
        assert_string_equal(str_field(r, "status"), want[i]);
    }
    char *js = cJSON_PrintUnformatted(j);
    assert_non_null(strstr(js, "\"a\""));
    assert_non_null(strstr(js, "\"c\""));
    cJSON_free(js);
    cJSON_Delete(j);
}

static void value_return_is_forwarded_through_promise_return(void **state)
{
    struct rt_fixture *f = *state;
    /* The outer call's target itself returns a promise (an inner call + callback), so the outer
     * callback's data must be forwarded to the inner callback's result. */
    uint8_t h[NEAR_HASH_LEN];
    const char *args =
        "{\"account_id\":\"xcc.test\",\"method\":\"call\",\"gas\":60000000000000,"
        "\"args\":{\"account_id\":\"xcc.test\",\"method\":\"echo\",\"args\":{\"value\":\"deep\"}}}";
    assert_int_equal(rt_fixture_call(f, USER, XCC, "call", args, 300 * RT_TGAS, 0, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 6), YB_OK);
    cJSON *j = final_json(f, h);
    char *js = cJSON_PrintUnformatted(j);
    /* outer on_results sees one successful result whose value is the inner results array */
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(str_field(cJSON_GetArrayItem(j, 0), "status"), "success");
    assert_non_null(strstr(js, "deep"));
    cJSON_free(js);
    cJSON_Delete(j);
}

static void out_of_gas_in_a_callback_fails_only_the_callback(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    /* 1 gas and weight 0: the callback cannot even load the contract */
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "yield", "{\"gas\":1,\"weight\":0}", GAS, 0, y),
                     YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, ECHO, "last_data_id", "{}", &v), YB_OK);
    assert_null(v.error);
    cJSON *id = cJSON_ParseWithLength((const char *)v.value, v.value_len);
    char args[256];
    const char *text = cJSON_IsString(id) ? id->valuestring : str_field(id, "data_id");
    snprintf(args, sizeof args, "{\"data_id\":\"%s\",\"payload\":\"p\"}", text);
    cJSON_Delete(id);
    runtime_view_result_fini(&v);
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "resume", args, GAS, 0, r), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    assert_true(
        rt_outcome_value_is(rt_fixture_outcome(f, rt_fixture_outcome(f, r)->receipt_ids[0]), "1"));
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, y, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "GasExceeded");
    /* the yield is consumed: a new resume finds nothing */
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "resume", args, GAS, 0, r), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_true(
        rt_outcome_value_is(rt_fixture_outcome(f, rt_fixture_outcome(f, r)->receipt_ids[0]), "0"));
}

/* ---- views ---- */

static void view_calls_cannot_change_state_or_yield(void **state)
{
    struct rt_fixture *f = *state;
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, COUNTER, "get", "{}", &v), YB_OK);
    assert_null(v.error);
    assert_int_equal(v.value_len, 1);
    assert_memory_equal(v.value, "0", 1);
    runtime_view_result_fini(&v);

    struct {
        const char *acc, *method, *args, *host_fn;
    } cases[] = {
        {COUNTER, "increment", "{}", "storage_write"},
        {ECHO, "yield", "{}", "promise_yield_create"},
        /* the host function's name in this error is logic's business (nearcore has used
         * "promise_submit_data" for it); "promise_" is common to both spellings */
        {ECHO, "resume_malformed", "{}", "promise_"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(rt_fixture_view(f, cases[i].acc, cases[i].method, cases[i].args, &v),
                         YB_OK);
        assert_non_null(v.error);
        assert_non_null(v.error_text);
        if (!strstr(v.error_text, cases[i].host_fn) ||
            !strstr(v.error_text, "not allowed in view calls")) {
            fail_msg("%s: %s", cases[i].method, v.error_text);
        }
        runtime_view_result_fini(&v);
    }
    assert_int_equal(rt_fixture_view(f, USER, "get", "{}", &v), YB_ERUNTIME_NO_CODE);
    assert_int_equal(rt_fixture_view(f, "nobody.test", "get", "{}", &v), YB_ENOTFOUND);
}

/* ---- yield with id (protocol 85) ---- */

static void yield_with_id_round_trip(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t y[NEAR_HASH_LEN], y2[NEAR_HASH_LEN], r[NEAR_HASH_LEN];
    const char *yid = "{\"yield_id\":\"11111111111111111111111111111112\"}";
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "create_with_id", yid, GAS, 0, y), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    /* the same id again while pending: not created */
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "create_with_id", yid, GAS, 0, y2), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_true(rt_outcome_value_is(
        rt_fixture_outcome(f, rt_fixture_outcome(f, y2)->receipt_ids[0]), "{\"created\":false}"));
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "resume_with_id",
                                     "{\"yield_id\":\"11111111111111111111111111111112\","
                                     "\"payload\":\"by-id\"}",
                                     GAS, 0, r),
                     YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    cJSON *j = final_json(f, y);
    assert_int_equal(cJSON_GetObjectItem(j, "status")->valueint, 1);
    assert_string_equal(str_field(j, "payload"), "by-id");
    cJSON_Delete(j);
    /* the id maps are gone with the callback: the id can be used again */
    assert_int_equal(rt_fixture_call(f, USER, ECHO, "create_with_id", yid, GAS, 0, y2), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_outcome(f, rt_fixture_outcome(f, y2)->receipt_ids[0])->status,
                     OUTCOME_SUCCESS_RECEIPT_ID);
}

/* ---- money ---- */

static void contract_earns_30_percent_of_its_burnt_wasm_gas(void **state)
{
    struct rt_fixture *f = *state;
    const struct config_runtime *cfg = &f->rt.config;
    yb_u128 before = rt_fixture_balance(f, COUNTER);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_call(f, USER, COUNTER, "increment", "{}", GAS, 0, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    assert_true(rt_outcome_value_is(o, "1"));
    /* the receipt burnt its exec fees plus what the contract burnt */
    uint64_t fees = config_fee_exec(cfg, CONFIG_FEE_ACTION_RECEIPT_CREATION) +
                    config_fee_exec(cfg, CONFIG_FEE_FUNCTION_CALL) +
                    config_fee_exec(cfg, CONFIG_FEE_FUNCTION_CALL_PER_BYTE) * (9 + 2);
    assert_true(o->gas_burnt > fees);
    yb_u128 wasm = o->gas_burnt - fees;
    yb_u128 reward = wasm * 3 / 10 * cfg->gas_price;
    assert_true(rt_fixture_balance(f, COUNTER) == before + reward);
}

static void gas_refund_refills_the_function_call_key_allowance(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    rt_fixture_key("user-counter-key", sk, &pk);
    yb_u128 allowance = rt_near(1);
    const char *methods[] = {"increment"};
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, USER, USER, &tx), YB_OK);
    assert_int_equal(tx_add_function_call_key(&tx, &pk, &allowance, COUNTER, methods, 1), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    assert_int_equal(
        tx_init(&tx, USER, &pk, f->height * RUNTIME_NONCE_RANGE_MULTIPLIER + 1, COUNTER, zero),
        YB_OK);
    assert_int_equal(tx_add_function_call(&tx, "increment", (const uint8_t *)"{}", 2, GAS, 0),
                     YB_OK);
    assert_int_equal(rt_fixture_submit_signed(f, &tx, sk, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    bool exists = false;
    struct tx_access_key ak;
    assert_int_equal(rt_fixture_get_key(f, USER, &pk, &exists, &ak), YB_OK);
    yb_u128 charged = ak.allowance; /* the whole prepaid cost is taken at first */
    tx_access_key_fini(&ak);
    assert_true(charged < allowance - (yb_u128)GAS * f->rt.config.gas_price);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK); /* the call, then the gas refund */
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
    assert_int_equal(rt_fixture_get_key(f, USER, &pk, &exists, &ak), YB_OK);
    assert_true(ak.allowance > charged);
    assert_true(ak.allowance > allowance - (yb_u128)GAS * f->rt.config.gas_price);
    tx_access_key_fini(&ak);
}

/* ---- determinism ---- */

/* Runs the same mixed workload on f: assistant request + answer, a promise DAG, transfers. */
static void workload(struct rt_fixture *f)
{
    assistant_init(f);
    uint8_t req[NEAR_HASH_LEN], resp[NEAR_HASH_LEN], h[NEAR_HASH_LEN];
    char yid[NEAR_HASH_STR_MAX];
    assistant_request(f, req, yid);
    assistant_respond(f, ORACLE, yid, "answer", resp);
    assert_int_equal(
        rt_fixture_call(
            f, USER, XCC, "join",
            "{\"calls\":[{\"account_id\":\"xcc.test\",\"method\":\"echo\","
            "\"args\":{\"value\":1}},{\"account_id\":\"xcc.test\",\"method\":\"fail\"}]}",
            300 * RT_TGAS, 0, h),
        YB_OK);
    assert_int_equal(rt_fixture_transfer(f, USER, MALLORY, rt_near(1), h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 6), YB_OK);
    assert_int_equal(rt_fixture_final(f, req, NULL), RT_FINAL_SUCCESS);
}

static void same_blocks_give_the_same_state_and_outcomes(void **state)
{
    struct rt_fixture *a = *state;
    void *other = NULL;
    assert_int_equal(setup(&other), 0);
    struct rt_fixture *b = other;
    workload(a);
    workload(b);
    assert_int_equal(a->outcomes.n, b->outcomes.n);
    for (size_t i = 0; i < a->outcomes.n; i++) {
        cJSON *ja = outcome_to_json(&a->outcomes.v[i]);
        cJSON *jb = outcome_to_json(&b->outcomes.v[i]);
        char *sa = cJSON_PrintUnformatted(ja), *sb = cJSON_PrintUnformatted(jb);
        assert_string_equal(sa, sb);
        assert_memory_equal(a->outcomes.v[i].id, b->outcomes.v[i].id, NEAR_HASH_LEN);
        cJSON_free(sa);
        cJSON_free(sb);
        cJSON_Delete(ja);
        cJSON_Delete(jb);
    }
    /* every record of every runtime column, byte for byte */
    struct store_txn *ta = NULL, *tb = NULL;
    assert_int_equal(store_snapshot_begin(a->store, &ta), YB_OK);
    assert_int_equal(store_snapshot_begin(b->store, &tb), YB_OK);
    size_t records = 0;
    for (unsigned col = 0; col < STATE_COL__COUNT; col++) {
        struct store_iter *ia = NULL, *ib = NULL;
        assert_int_equal(store_iter_begin(ta, col, NULL, 0, NULL, 0, &ia), YB_OK);
        assert_int_equal(store_iter_begin(tb, col, NULL, 0, NULL, 0, &ib), YB_OK);
        for (;;) {
            struct store_slice ka, va, kb, vb;
            int ra = store_iter_next(ia, &ka, &va);
            int rb = store_iter_next(ib, &kb, &vb);
            assert_int_equal(ra, rb);
            if (ra != YB_OK) {
                break;
            }
            assert_int_equal(ka.len, kb.len);
            assert_memory_equal(ka.data, kb.data, ka.len);
            assert_int_equal(va.len, vb.len);
            if (va.len > 0) {
                assert_memory_equal(va.data, vb.data, va.len);
            }
            records++;
        }
        store_iter_end(ia);
        store_iter_end(ib);
    }
    store_snapshot_end(ta);
    store_snapshot_end(tb);
    assert_true(records > 20);
    teardown(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(assistant_answered),
        T(assistant_timed_out),
        T(assistant_unauthorized_respond_panics),
        T(assistant_long_answer),
        T(assistant_respond_many),
        T(assistant_respond_many_cap),
        T(assistant_pending_by_id_cost_does_not_grow),
        T(oracle_answers_with_a_function_call_key),
        T(join_reports_results_in_order_with_a_failing_branch),
        T(value_return_is_forwarded_through_promise_return),
        T(out_of_gas_in_a_callback_fails_only_the_callback),
        T(view_calls_cannot_change_state_or_yield),
        T(yield_with_id_round_trip),
        T(contract_earns_30_percent_of_its_burnt_wasm_gas),
        T(gas_refund_refills_the_function_call_key_allowance),
        T(same_blocks_give_the_same_state_and_outcomes),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
