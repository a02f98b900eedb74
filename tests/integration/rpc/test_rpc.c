/*
 * test_rpc.c — yb-chain's JSON-RPC end to end: the real binary (chain_proc, manual mode) on a
 * free loopback port, every method called over HTTP with libcurl and its answer checked field by
 * field against near-rpc.md; malformed requests, invalid transactions, manual block stepping,
 * a parked send_tx finished by block production, and the assistant's request → timeout after
 * sandbox_fast_forward(200), and request → respond → answered.
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

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    if (!cJSON_IsString(v)) {
        fail_msg("field %s is not a string", key);
    }
    return v->valuestring;
}

static uint64_t num(const cJSON *o, const char *key)
{
    uint64_t v = 0;
    if (json_get_u64(o, key, &v) != YB_OK) {
        fail_msg("field %s is not a u64 number", key);
    }
    return v;
}

/* A base58 32-byte hash. */
static void assert_hash(const char *s)
{
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(near_hash_parse(s, strlen(s), h), YB_OK);
}

static cJSON *query(const char *fmt, const char *a, const char *b)
{
    char text[1024];
    snprintf(text, sizeof text, fmt, a, b);
    return rpc_json(text);
}

/* ---- views ---- */

static void test_status_and_http_routes(void **state)
{
    (void)state;
    cJSON *st = rpc_ok(&chain, "status", NULL);
    assert_string_equal(str(st, "chain_id"), "yieldbox");
    assert_hash(str(st, "genesis_hash"));
    assert_int_equal(num(st, "protocol_version"), 83);
    assert_int_equal(num(st, "latest_protocol_version"), 83);
    assert_string_equal(str(st, "rpc_addr"), chain.rpc_addr);
    assert_true(strncmp(str(st, "node_public_key"), "ed25519:", 8) == 0);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(st, "validators")));
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "version"), "version"));
    const cJSON *sync = cJSON_GetObjectItem(st, "sync_info");
    assert_hash(str(sync, "latest_block_hash"));
    assert_true(num(sync, "latest_block_height") >= 1);
    assert_int_equal(strlen(str(sync, "latest_block_time")), 30); /* ...T..:..:...123456789Z */
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(sync, "syncing")));
    cJSON_Delete(st);

    cJSON *health = rpc_ok(&chain, "health", NULL);
    assert_true(cJSON_IsNull(health));
    cJSON_Delete(health);
    cJSON *vals = rpc_ok(&chain, "validators", rpc_json("[null]"));
    const cJSON *v0 = cJSON_GetArrayItem(cJSON_GetObjectItem(vals, "current_validators"), 0);
    assert_string_equal(str(v0, "account_id"), "test.near");
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(vals, "next_validators")));
    cJSON_Delete(vals);

    long status;
    char *body;
    assert_int_equal(chain_proc_http_get(&chain, "/status", &status, &body), 0);
    assert_int_equal(status, 200);
    cJSON *gs = rpc_json(body);
    assert_string_equal(str(gs, "chain_id"), "yieldbox");
    cJSON_Delete(gs);
    free(body);
    assert_int_equal(chain_proc_http_get(&chain, "/healthz", &status, &body), 0);
    assert_int_equal(status, 200);
    assert_true(strncmp(body, "ok", 2) == 0);
    free(body);
    assert_int_equal(chain_proc_http_get(&chain, "/metrics", &status, &body), 0);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "yb_chain_height"));
    assert_non_null(strstr(body, "yb_chain_rpc_request_seconds"));
    free(body);
}

static void test_block_and_gas_price(void **state)
{
    (void)state;
    cJSON *b = rpc_ok(&chain, "block", rpc_json("{\"finality\":\"final\"}"));
    assert_string_equal(str(b, "author"), "test.near");
    const cJSON *h = cJSON_GetObjectItem(b, "header");
    uint64_t height = num(h, "height");
    char hash[NEAR_HASH_STR_MAX];
    snprintf(hash, sizeof hash, "%s", str(h, "hash"));
    assert_hash(hash);
    assert_hash(str(h, "prev_hash"));
    /* nanoseconds: past 2^53, so a JSON number read back as a double */
    assert_true(cJSON_GetObjectItem(h, "timestamp")->valuedouble > 1.6e18);
    assert_string_equal(str(h, "gas_price"), "100000000");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "chunks")), 1);
    cJSON_Delete(b);

    /* the same block by height and by hash; optimistic is the head too */
    char q[160];
    snprintf(q, sizeof q, "{\"block_id\":%llu}", (unsigned long long)height);
    b = rpc_ok(&chain, "block", rpc_json(q));
    assert_string_equal(str(cJSON_GetObjectItem(b, "header"), "hash"), hash);
    cJSON_Delete(b);
    snprintf(q, sizeof q, "{\"block_id\":\"%s\"}", hash);
    b = rpc_ok(&chain, "block", rpc_json(q));
    assert_int_equal(num(cJSON_GetObjectItem(b, "header"), "height"), height);
    cJSON_Delete(b);
    snprintf(q, sizeof q, "[%llu]", (unsigned long long)height);
    b = rpc_ok(&chain, "block", rpc_json(q));
    assert_string_equal(str(cJSON_GetObjectItem(b, "header"), "hash"), hash);
    cJSON_Delete(b);
    b = rpc_ok(&chain, "block", rpc_json("{\"sync_checkpoint\":\"genesis\"}"));
    assert_int_equal(num(cJSON_GetObjectItem(b, "header"), "height"), 0);
    cJSON_Delete(b);

    cJSON *e = rpc_err(&chain, "block", rpc_json("{\"block_id\":999999}"), "UNKNOWN_BLOCK");
    assert_string_equal(str(e, "name"), "HANDLER_ERROR");
    assert_int_equal((int)cJSON_GetObjectItem(e, "code")->valuedouble, -32000);
    cJSON_Delete(e);
    e = rpc_err(&chain, "block", rpc_json("{\"finality\":\"soon\"}"), "PARSE_ERROR");
    assert_string_equal(str(e, "name"), "REQUEST_VALIDATION_ERROR");
    cJSON_Delete(e);
    cJSON_Delete(
        rpc_err(&chain, "block", rpc_json("{\"block_id\":\"not-a-hash\"}"), "PARSE_ERROR"));

    cJSON *g = rpc_ok(&chain, "gas_price", rpc_json("[null]"));
    assert_string_equal(str(g, "gas_price"), "100000000");
    cJSON_Delete(g);
    snprintf(q, sizeof q, "[\"%s\"]", hash);
    g = rpc_ok(&chain, "gas_price", rpc_json(q));
    assert_string_equal(str(g, "gas_price"), "100000000");
    cJSON_Delete(g);
}

static void test_query_accounts_and_keys(void **state)
{
    (void)state;
    cJSON *a = rpc_ok(&chain, "query",
                      query("{\"request_type\":\"view_account\",\"account_id\":\"%s\","
                            "\"finality\":\"final\"%s}",
                            "user.test.near", ""));
    assert_true(strlen(str(a, "amount")) > 20);
    assert_string_equal(str(a, "locked"), "0");
    assert_string_equal(str(a, "code_hash"), "11111111111111111111111111111111");
    assert_true(num(a, "storage_usage") > 0);
    assert_int_equal(num(a, "storage_paid_at"), 0);
    assert_true(num(a, "block_height") >= 1);
    assert_hash(str(a, "block_hash"));
    cJSON_Delete(a);

    cJSON *e = rpc_err(&chain, "query",
                       query("{\"request_type\":\"view_account\",\"account_id\":\"%s\","
                             "\"finality\":\"final\"%s}",
                             "nobody.test.near", ""),
                       "UNKNOWN_ACCOUNT");
    const cJSON *info = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "cause"), "info");
    assert_string_equal(str(info, "requested_account_id"), "nobody.test.near");
    assert_hash(str(info, "block_hash"));
    assert_string_equal(str(e, "data"), "account nobody.test.near does not exist while viewing");
    cJSON_Delete(e);
    cJSON_Delete(rpc_err(&chain, "query",
                         query("{\"request_type\":\"view_account\",\"account_id\":\"%s\","
                               "\"finality\":\"final\"%s}",
                               "Bad..Id", ""),
                         "INVALID_ACCOUNT"));

    /* the oracle's key: a function-call key limited to respond on the assistant */
    cJSON *list = rpc_ok(&chain, "query",
                         query("{\"request_type\":\"view_access_key_list\",\"account_id\":"
                               "\"%s\",\"finality\":\"optimistic\"%s}",
                               "oracle.test.near", ""));
    const cJSON *keys = cJSON_GetObjectItem(list, "keys");
    assert_int_equal(cJSON_GetArraySize(keys), 1);
    const cJSON *k0 = cJSON_GetArrayItem(keys, 0);
    char pk[NEAR_PUBKEY_STR_MAX];
    snprintf(pk, sizeof pk, "%s", str(k0, "public_key"));
    assert_true(strncmp(pk, "ed25519:", 8) == 0);
    const cJSON *fc = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(k0, "access_key"), "permission"), "FunctionCall");
    assert_non_null(fc);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(fc, "allowance")));
    assert_string_equal(str(fc, "receiver_id"), "assistant.test.near");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(fc, "method_names"), 0)->valuestring,
                        "respond");
    cJSON_Delete(list);

    cJSON *ak = rpc_ok(&chain, "query",
                       query("{\"request_type\":\"view_access_key\",\"account_id\":"
                             "\"oracle.test.near\",\"public_key\":\"%s\",\"finality\":"
                             "\"optimistic\"%s}",
                             pk, ""));
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(ak, "nonce")));
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(ak, "permission"), "FunctionCall"));
    cJSON_Delete(ak);
    cJSON *fa = rpc_ok(&chain, "query",
                       query("{\"request_type\":\"view_access_key\",\"account_id\":"
                             "\"user.test.near\",\"public_key\":\"%s\",\"finality\":"
                             "\"optimistic\"%s}",
                             pk, ""));
    /* nearcore's legacy form: a successful response with a string error */
    char want[160];
    snprintf(want, sizeof want, "access key %s does not exist while viewing", pk);
    assert_string_equal(str(fa, "error"), want);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(fa, "logs")));
    assert_hash(str(fa, "block_hash"));
    cJSON_Delete(fa);
    cJSON_Delete(rpc_err(&chain, "query",
                         query("{\"request_type\":\"view_access_key\",\"account_id\":"
                               "\"user.test.near\",\"public_key\":\"%s\",\"finality\":"
                               "\"optimistic\"%s}",
                               "ed25519:xyz", ""),
                         "PARSE_ERROR"));
}

static void test_query_contract(void **state)
{
    (void)state;
    cJSON *r = rpc_ok(&chain, "query",
                      query("{\"request_type\":\"call_function\",\"account_id\":\"%s\","
                            "\"method_name\":\"get_config\",\"args_base64\":\"e30=\","
                            "\"finality\":\"optimistic\"%s}",
                            "assistant.test.near", ""));
    const cJSON *bytes = cJSON_GetObjectItem(r, "result");
    assert_true(cJSON_IsArray(bytes));
    char text[4096];
    size_t n = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, bytes)
    {
        assert_true(n < sizeof text - 1);
        text[n++] = (char)b->valueint;
    }
    text[n] = '\0';
    cJSON *cfg = rpc_json(text);
    assert_string_equal(str(cfg, "owner_id"), "test.near");
    assert_int_equal(num(cfg, "timeout_blocks"), 200);
    cJSON_Delete(cfg);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(r, "logs")));
    assert_hash(str(r, "block_hash"));
    cJSON_Delete(r);

    r = rpc_ok(&chain, "query",
               query("{\"request_type\":\"call_function\",\"account_id\":\"%s\","
                     "\"method_name\":\"no_such_method\",\"args_base64\":\"\","
                     "\"finality\":\"optimistic\"%s}",
                     "assistant.test.near", ""));
    assert_non_null(strstr(str(r, "error"), "MethodResolveError(MethodNotFound)"));
    cJSON_Delete(r);
    r = rpc_ok(&chain, "query",
               query("{\"request_type\":\"call_function\",\"account_id\":\"%s\","
                     "\"method_name\":\"x\",\"args_base64\":\"\",\"finality\":\"final\"%s}",
                     "user.test.near", ""));
    assert_non_null(strstr(str(r, "error"), "CodeDoesNotExist { account_id: \"user.test.near\" }"));
    cJSON_Delete(r);
    cJSON_Delete(rpc_err(&chain, "query",
                         query("{\"request_type\":\"call_function\",\"account_id\":\"%s\","
                               "\"method_name\":\"x\",\"args_base64\":\"@@\",\"finality\":"
                               "\"final\"%s}",
                               "assistant.test.near", ""),
                         "PARSE_ERROR"));

    cJSON *acc = rpc_ok(&chain, "query",
                        query("{\"request_type\":\"view_account\",\"account_id\":\"%s\","
                              "\"finality\":\"final\"%s}",
                              "assistant.test.near", ""));
    cJSON *code = rpc_ok(&chain, "query",
                         query("{\"request_type\":\"view_code\",\"account_id\":\"%s\","
                               "\"finality\":\"final\"%s}",
                               "assistant.test.near", ""));
    assert_string_equal(str(code, "hash"), str(acc, "code_hash"));
    assert_true(strncmp(str(code, "code_base64"), "AGFzbQ", 6) == 0); /* \0asm */
    cJSON_Delete(code);
    cJSON_Delete(acc);
    cJSON_Delete(rpc_err(&chain, "query",
                         query("{\"request_type\":\"view_code\",\"account_id\":\"%s\","
                               "\"finality\":\"final\"%s}",
                               "user.test.near", ""),
                         "NO_CONTRACT_CODE"));

    /* view_state: the assistant's config records; a prefix narrows them */
    cJSON *vs = rpc_ok(&chain, "query",
                       query("{\"request_type\":\"view_state\",\"account_id\":\"%s\","
                             "\"prefix_base64\":\"%s\",\"finality\":\"final\"}",
                             "assistant.test.near", "Y2ZnOm93bmVy")); /* "cfg:owner" */
    const cJSON *values = cJSON_GetObjectItem(vs, "values");
    assert_int_equal(cJSON_GetArraySize(values), 1);
    assert_string_equal(str(cJSON_GetArrayItem(values, 0), "key"), "Y2ZnOm93bmVy");
    assert_string_equal(str(cJSON_GetArrayItem(values, 0), "value"),
                        "dGVzdC5uZWFy"); /* test.near */
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(vs, "proof")));
    cJSON_Delete(vs);
    vs = rpc_ok(&chain, "query",
                query("{\"request_type\":\"view_state\",\"account_id\":\"%s\","
                      "\"prefix_base64\":\"%s\",\"finality\":\"final\"}",
                      "assistant.test.near", ""));
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(vs, "values")) >= 3);
    cJSON_Delete(vs);

    cJSON_Delete(rpc_err(&chain, "query",
                         rpc_json("{\"request_type\":\"view_everything\",\"account_id\":\"a.near\","
                                  "\"finality\":\"final\"}"),
                         "PARSE_ERROR"));
    cJSON_Delete(rpc_err(&chain, "query",
                         rpc_json("{\"request_type\":\"view_account\",\"account_id\":\"a.near\"}"),
                         "PARSE_ERROR"));

    cJSON *pc =
        rpc_ok(&chain, "EXPERIMENTAL_protocol_config", rpc_json("{\"finality\":\"optimistic\"}"));
    assert_int_equal(num(pc, "protocol_version"), 83);
    const cJSON *rc = cJSON_GetObjectItem(pc, "runtime_config");
    assert_string_equal(str(rc, "storage_amount_per_byte"), "10000000000000000000");
    assert_int_equal(num(cJSON_GetObjectItem(rc, "account_creation_config"),
                         "min_allowed_top_level_account_length"),
                     32);
    cJSON_Delete(pc);
}

/* ---- the envelope ---- */

static void test_malformed_requests(void **state)
{
    (void)state;
    struct {
        const char *body;
        const char *error_name; /* NULL = success expected */
        const char *cause;
        int code;
    } cases[] = {
        {"{bad json", "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"[1,2,3]", "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7}", "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"teleport\",\"params\":[]}",
         "REQUEST_VALIDATION_ERROR", "METHOD_NOT_FOUND", -32601},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query\",\"params\":42}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"send_tx\",\"params\":{}}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"send_tx\",\"params\":"
         "{\"signed_tx_base64\":\"AAAA\"}}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"send_tx\",\"params\":"
         "{\"signed_tx_base64\":\"AAAA\",\"wait_until\":\"WHENEVER\"}}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tx\",\"params\":{\"tx_hash\":\"zz\"}}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"yb_produce_blocks\",\"params\":{\"count\":0}}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sandbox_fast_forward\",\"params\":{}}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sandbox_patch_state\",\"params\":"
         "{\"records\":[{\"Nonsense\":{}}]}}",
         "REQUEST_VALIDATION_ERROR", "PARSE_ERROR", -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tx\",\"params\":"
         "{\"tx_hash\":\"11111111111111111111111111111111\",\"sender_account_id\":"
         "\"user.test.near\",\"wait_until\":\"NONE\"}}",
         "HANDLER_ERROR", "UNKNOWN_TRANSACTION", -32000},
        {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"status\",\"params\":[]}", NULL, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long status;
        cJSON *ans;
        assert_int_equal(
            rpc_post_raw(chain.rpc_url, cases[i].body, strlen(cases[i].body), &status, &ans), 0);
        assert_int_equal(status, 200);
        assert_non_null(ans);
        const cJSON *e = cJSON_GetObjectItem(ans, "error");
        if (cases[i].error_name == NULL) {
            assert_null(e); /* success: no error key at all */
            assert_non_null(cJSON_GetObjectItem(ans, "result"));
            cJSON_Delete(ans);
            continue;
        }
        if (e == NULL) {
            fail_msg("case %zu (%s): no error", i, cases[i].body);
        }
        assert_null(cJSON_GetObjectItem(ans, "result"));
        assert_string_equal(str(e, "name"), cases[i].error_name);
        assert_string_equal(str(cJSON_GetObjectItem(e, "cause"), "name"), cases[i].cause);
        assert_int_equal((int)cJSON_GetObjectItem(e, "code")->valuedouble, cases[i].code);
        cJSON_Delete(ans);
    }

    /* ids are echoed unchanged, whatever their type */
    const char *ids[] = {"\"abc\"", "123", "12.5", "null", "{\"k\":[1]}"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char body[160];
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"gas_price\","
                 "\"params\":[null]}",
                 ids[i]);
        long status;
        cJSON *ans;
        assert_int_equal(rpc_post_raw(chain.rpc_url, body, strlen(body), &status, &ans), 0);
        cJSON *want = rpc_json(ids[i]);
        assert_true(cJSON_Compare(cJSON_GetObjectItem(ans, "id"), want, true));
        cJSON_Delete(want);
        cJSON_Delete(ans);
    }

    /* a body over 10 MiB is refused without being read */
    size_t big = (10u << 20) + 100;
    char *body = malloc(big + 1);
    assert_non_null(body);
    memset(body, ' ', big);
    body[0] = '{';
    body[big - 1] = '}';
    body[big] = '\0';
    long status;
    cJSON *ans;
    assert_int_equal(rpc_post_raw(chain.rpc_url, body, big, &status, &ans), 0);
    assert_int_equal(status, 413);
    assert_non_null(ans);
    assert_string_equal(
        str(cJSON_GetObjectItem(cJSON_GetObjectItem(ans, "error"), "cause"), "name"),
        "PARSE_ERROR");
    cJSON_Delete(ans);
    free(body);

    /* and the server still answers afterwards */
    cJSON_Delete(rpc_ok(&chain, "status", NULL));
}

/* Every method with params of every wrong shape: a well-formed envelope each time (an error, or
 * a result for methods that take no params), never a crash, and never a change of state. */
static void test_every_method_with_wrong_params(void **state)
{
    (void)state;
    const char *methods[] = {"status",
                             "block",
                             "gas_price",
                             "query",
                             "EXPERIMENTAL_protocol_config",
                             "send_tx",
                             "broadcast_tx_async",
                             "broadcast_tx_commit",
                             "tx",
                             "EXPERIMENTAL_tx_status",
                             "sandbox_fast_forward",
                             "sandbox_patch_state",
                             "yb_produce_blocks"};
    const char *params[] = {"\"x\"",
                            "-1",
                            "1e400",
                            "true",
                            "{}",
                            "[]",
                            "[[[[[[[[[[]]]]]]]]]]",
                            "{\"finality\":7,\"block_id\":{},\"request_type\":[],"
                            "\"signed_tx_base64\":1,\"tx_hash\":null,\"delta_height\":-5,"
                            "\"count\":\"many\",\"records\":{}}",
                            "[\"11111111111111111111111111111111\",7]",
                            "{\"records\":[1,\"a\",null]}"};
    uint8_t h0[NEAR_HASH_LEN];
    uint64_t before;
    rpc_head(&chain, h0, &before);
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        for (size_t p = 0; p < sizeof params / sizeof params[0]; p++) {
            char body[512];
            int n = snprintf(body, sizeof body,
                             "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":\"%s\",\"params\":%s}", p,
                             methods[m], params[p]);
            long status;
            cJSON *ans;
            assert_int_equal(rpc_post_raw(chain.rpc_url, body, (size_t)n, &status, &ans), 0);
            assert_int_equal(status, 200);
            if (ans == NULL) {
                fail_msg("%s with %s: no JSON answer", methods[m], params[p]);
            }
            bool has_result = cJSON_GetObjectItem(ans, "result") != NULL;
            bool has_error = cJSON_GetObjectItem(ans, "error") != NULL;
            assert_true(has_result != has_error);
            assert_int_equal((int)cJSON_GetObjectItem(ans, "id")->valuedouble, (int)p);
            cJSON_Delete(ans);
        }
    }
    uint64_t after;
    rpc_head(&chain, h0, &after);
    assert_int_equal(after, before);
}

/* ---- transactions ---- */

static const cJSON *outcome_of(const cJSON *with_id)
{
    assert_hash(str(with_id, "id"));
    assert_hash(str(with_id, "block_hash"));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(with_id, "proof")));
    const cJSON *o = cJSON_GetObjectItem(with_id, "outcome");
    assert_non_null(o);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(o, "logs")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(o, "receipt_ids")));
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(o, "gas_burnt")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "tokens_burnt")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "executor_id")));
    assert_non_null(cJSON_GetObjectItem(o, "status"));
    return o;
}

/* Checks a FinalExecutionOutcomeView of a tx from `signer` with hash `hash`. */
static void check_final(const cJSON *r, const char *hash, const char *signer)
{
    assert_string_equal(str(r, "final_execution_status"), "FINAL");
    const cJSON *t = cJSON_GetObjectItem(r, "transaction");
    assert_string_equal(str(t, "hash"), hash);
    assert_string_equal(str(t, "signer_id"), signer);
    assert_true(strncmp(str(t, "public_key"), "ed25519:", 8) == 0);
    assert_true(strncmp(str(t, "signature"), "ed25519:", 8) == 0);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(t, "nonce")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(t, "actions")));
    const cJSON *to = cJSON_GetObjectItem(r, "transaction_outcome");
    assert_string_equal(str(to, "id"), hash);
    const cJSON *o = outcome_of(to);
    assert_string_equal(str(o, "executor_id"), signer);
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "status"), "SuccessReceiptId"));
    const cJSON *ro = cJSON_GetObjectItem(r, "receipts_outcome");
    assert_true(cJSON_GetArraySize(ro) >= 1);
    /* the first receipt is the one the tx became */
    assert_string_equal(str(cJSON_GetArrayItem(ro, 0), "id"),
                        str(cJSON_GetObjectItem(o, "status"), "SuccessReceiptId"));
    const cJSON *x;
    cJSON_ArrayForEach(x, ro)
    {
        outcome_of(x);
    }
}

/* send_tx from another thread, parked until the main thread produces a block. */
struct parked_send {
    char *b64;
    const char *wait;    /* NULL = EXECUTED */
    const char *tx_hash; /* not NULL: a `tx` lookup of this hash instead of send_tx */
    cJSON *result;
};

static void *send_in_thread(void *arg)
{
    struct parked_send *ps = arg;
    size_t cap = (ps->b64 != NULL ? strlen(ps->b64) : 0) + 200;
    char *body = malloc(cap);
    int n;
    if (ps->tx_hash != NULL) {
        n = snprintf(body, cap,
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tx\",\"params\":"
                     "{\"tx_hash\":\"%s\",\"sender_account_id\":\"user.test.near\","
                     "\"wait_until\":\"%s\"}}",
                     ps->tx_hash, ps->wait != NULL ? ps->wait : "EXECUTED");
    } else {
        n = snprintf(body, cap,
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"send_tx\",\"params\":"
                     "{\"signed_tx_base64\":\"%s\",\"wait_until\":\"%s\"}}",
                     ps->b64, ps->wait != NULL ? ps->wait : "EXECUTED");
    }
    long status;
    cJSON *ans = NULL;
    (void)rpc_post_raw(chain.rpc_url, body, (size_t)n, &status, &ans);
    __atomic_store_n(&ps->result, ans, __ATOMIC_RELEASE); /* polled by the main thread */
    free(body);
    return NULL;
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
    assert_string_equal(str(r, "final_execution_status"), "NONE");
    assert_int_equal(cJSON_GetArraySize(r), 1);
    cJSON_Delete(r);

    char q[200];
    snprintf(
        q, sizeof q,
        "{\"tx_hash\":\"%s\",\"sender_account_id\":\"user.test.near\",\"wait_until\":\"NONE\"}",
        hash);
    cJSON_Delete(rpc_err(&chain, "tx", rpc_json(q), "UNKNOWN_TRANSACTION"));

    /* `tx` with a wait level waits for the tx to be committed (nearcore: up to 10 s) */
    struct parked_send look = {.tx_hash = hash, .wait = "FINAL"};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, send_in_thread, &look), 0);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    rpc_produce(&chain, 2);
    pthread_join(th, NULL);
    assert_non_null(look.result);
    assert_non_null(cJSON_GetObjectItem(look.result, "result"));
    check_final(cJSON_GetObjectItem(look.result, "result"), hash, "user.test.near");
    cJSON_Delete(look.result);
    snprintf(q, sizeof q, "{\"tx_hash\":\"%s\",\"sender_account_id\":\"user.test.near\"}", hash);
    r = rpc_ok(&chain, "tx", rpc_json(q));
    check_final(r, hash, "user.test.near");
    assert_string_equal(str(cJSON_GetObjectItem(r, "status"), "SuccessValue"), "");
    const cJSON *act = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r, "transaction"), "actions"), 0);
    assert_string_equal(str(cJSON_GetObjectItem(act, "Transfer"), "deposit"), "1000");
    cJSON_Delete(r);
    r = rpc_ok(&chain, "EXPERIMENTAL_tx_status", rpc_json(q));
    check_final(r, hash, "user.test.near");
    cJSON_Delete(r);
    snprintf(q, sizeof q, "[\"%s\",\"user.test.near\"]", hash);
    r = rpc_ok(&chain, "tx", rpc_json(q));
    check_final(r, hash, "user.test.near");
    cJSON_Delete(r);

    /* resending the same signed tx is idempotent: the same outcome, not InvalidNonce */
    params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    cJSON_AddStringToObject(params, "wait_until", "FINAL");
    r = rpc_ok(&chain, "send_tx", params);
    check_final(r, hash, "user.test.near");
    cJSON_Delete(r);
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, cJSON_CreateString(b64));
    r = rpc_ok(&chain, "broadcast_tx_commit", arr);
    check_final(r, hash, "user.test.near");
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
    assert_string_equal(str(e, "name"), "HANDLER_ERROR");
    const cJSON *in = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "TxExecutionError"),
                            "InvalidTxError"),
        "InvalidNonce");
    assert_non_null(in);
    assert_int_equal(num(in, "tx_nonce"), nonce);
    assert_int_equal(num(in, "ak_nonce"), nonce);
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

    struct parked_send ps = {0};
    char hash[NEAR_HASH_STR_MAX];
    ps.b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 3, 0, hash);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, send_in_thread, &ps), 0);
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
    check_final(r, hash, "user.test.near");
    cJSON_Delete(ps.result);
    free(ps.b64);
}

/* Every wait_until level parks until a block answers it. INCLUDED and INCLUDED_FINAL answer once
 * the tx is in a block (final at once here, so INCLUDED_FINAL, or FINAL if the receipt also ran
 * by then) with the tx outcome; the executed levels answer FINAL with the whole tree. */
static void test_send_tx_every_wait_level(void **state)
{
    (void)state;
    const char *levels[] = {"INCLUDED", "EXECUTED_OPTIMISTIC", "INCLUDED_FINAL", "EXECUTED",
                            "FINAL"};
    uint64_t nonce = rpc_nonce(&chain, "user.test.near");
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        struct parked_send ps = {.wait = levels[i]};
        char hash[NEAR_HASH_STR_MAX];
        ps.b64 =
            rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 1, nonce + 1 + i, hash);
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, send_in_thread, &ps), 0);
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
            strcmp(str(r, "final_execution_status"), "INCLUDED_FINAL") == 0) {
            assert_string_equal(str(cJSON_GetObjectItem(r, "transaction"), "hash"), hash);
            assert_string_equal(str(cJSON_GetObjectItem(r, "transaction_outcome"), "id"), hash);
            assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Started");
        } else {
            check_final(r, hash, "user.test.near");
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
    uint64_t request_id = num(cJSON_GetArrayItem(pending, 0), "request_id");
    cJSON_Delete(pending);
    cJSON *r = tx_status(hash, "user.test.near");
    assert_string_equal(str(r, "final_execution_status"), "INCLUDED_FINAL");
    assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Started");
    cJSON_Delete(r);

    cJSON_Delete(rpc_ok(&chain, "sandbox_fast_forward", rpc_json("{\"delta_height\":200}")));
    rpc_produce(&chain, 3); /* the timed-out callback runs one block later */
    r = tx_status(hash, "user.test.near");
    check_final(r, hash, "user.test.near");
    cJSON *v = success_json(r);
    assert_int_equal(num(v, "request_id"), request_id);
    assert_string_equal(str(v, "status"), "timeout");
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
    char args[256];
    snprintf(args, sizeof args, "{\"yield_id\":\"%s\",\"response\":\"4\"}",
             str(cJSON_GetArrayItem(pending, 0), "yield_id"));
    cJSON_Delete(pending);
    char rhash[NEAR_HASH_STR_MAX];
    b64 = rpc_sign(&chain, "oracle.test.near", "assistant.test.near", "respond", args, 0, 0, rhash);
    submit_async(b64);
    free(b64);
    rpc_produce(&chain, 4);
    cJSON *r = tx_status(rhash, "oracle.test.near");
    check_final(r, rhash, "oracle.test.near");
    cJSON *v = success_json(r);
    assert_true(cJSON_IsTrue(v));
    cJSON_Delete(v);
    cJSON_Delete(r);
    r = tx_status(hash, "user.test.near");
    check_final(r, hash, "user.test.near");
    v = success_json(r);
    assert_string_equal(str(v, "status"), "answered");
    assert_string_equal(str(v, "answer"), "4");
    cJSON_Delete(v);
    cJSON_Delete(r);
}

static void test_patch_state(void **state)
{
    (void)state;
    /* a Data record written into the assistant's storage shows in view_state */
    cJSON_Delete(rpc_ok(&chain, "sandbox_patch_state",
                        rpc_json("{\"records\":[{\"Data\":{\"account_id\":\"assistant.test.near\","
                                 "\"data_key\":\"enppOng=\",\"value\":\"aGVsbG8=\"}}]}")));
    cJSON *vs = rpc_ok(&chain, "query",
                       rpc_json("{\"request_type\":\"view_state\",\"account_id\":"
                                "\"assistant.test.near\",\"prefix_base64\":\"enppOng=\","
                                "\"finality\":\"final\"}"));
    const cJSON *values = cJSON_GetObjectItem(vs, "values");
    assert_int_equal(cJSON_GetArraySize(values), 1);
    assert_string_equal(str(cJSON_GetArrayItem(values, 0), "value"), "aGVsbG8=");
    cJSON_Delete(vs);

    /* an Account and a FullAccess key added by patch: viewable, and the account exists */
    cJSON_Delete(rpc_ok(
        &chain, "sandbox_patch_state",
        rpc_json("{\"records\":[{\"Account\":{\"account_id\":\"patched.test.near\",\"account\":"
                 "{\"amount\":\"5000\",\"locked\":\"0\",\"code_hash\":"
                 "\"11111111111111111111111111111111\",\"storage_usage\":182}}},"
                 "{\"AccessKey\":{\"account_id\":\"patched.test.near\",\"public_key\":"
                 "\"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC\",\"access_key\":"
                 "{\"nonce\":42,\"permission\":\"FullAccess\"}}}]}")));
    cJSON *a = rpc_ok(&chain, "query",
                      rpc_json("{\"request_type\":\"view_account\",\"account_id\":"
                               "\"patched.test.near\",\"finality\":\"final\"}"));
    assert_string_equal(str(a, "amount"), "5000");
    cJSON_Delete(a);
    cJSON *ak = rpc_ok(&chain, "query",
                       rpc_json("{\"request_type\":\"view_access_key\",\"account_id\":"
                                "\"patched.test.near\",\"public_key\":"
                                "\"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC\","
                                "\"finality\":\"final\"}"));
    assert_int_equal(num(ak, "nonce"), 42);
    assert_string_equal(str(ak, "permission"), "FullAccess");
    cJSON_Delete(ak);
}

/* Queries read the head's state only: an older block_id is answered like a pruned node would. */
static void test_query_block_reference(void **state)
{
    (void)state;
    uint8_t hash[NEAR_HASH_LEN];
    uint64_t head;
    rpc_head(&chain, hash, &head);
    char q[256];
    snprintf(q, sizeof q,
             "{\"request_type\":\"view_account\",\"account_id\":\"test.near\",\"block_id\":%llu}",
             (unsigned long long)head);
    cJSON *a = rpc_ok(&chain, "query", rpc_json(q));
    assert_int_equal(num(a, "block_height"), head);
    cJSON_Delete(a);
    char hs[NEAR_HASH_STR_MAX];
    near_hash_format(hash, hs);
    snprintf(q, sizeof q,
             "{\"request_type\":\"view_account\",\"account_id\":\"test.near\",\"block_id\":\"%s\"}",
             hs);
    a = rpc_ok(&chain, "query", rpc_json(q));
    assert_string_equal(str(a, "block_hash"), hs);
    cJSON_Delete(a);
    cJSON_Delete(rpc_err(&chain, "query",
                         rpc_json("{\"request_type\":\"view_account\",\"account_id\":"
                                  "\"test.near\",\"block_id\":1}"),
                         "GARBAGE_COLLECTED_BLOCK"));
    cJSON_Delete(rpc_err(&chain, "query",
                         rpc_json("{\"request_type\":\"view_account\",\"account_id\":"
                                  "\"test.near\",\"block_id\":99999999}"),
                         "UNKNOWN_BLOCK"));
}

/* A signed_tx_base64 over 4 MiB of bytes is TransactionSizeExceeded, not a parse of it. */
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
    assert_int_equal(num(tse, "limit"), 4u << 20);
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
    assert_string_equal(str(e, "name"), "HANDLER_ERROR");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "cause"), "info"));
    assert_true(t1.tv_sec - t0.tv_sec >= 9);
    cJSON_Delete(e);
}

/* Last: SIGTERM while a send_tx is parked. The waiting client gets an answer (the server answers
 * parked calls before nng stops), and yb-chain exits 0 — under ASan that includes no leaks. */
static void test_graceful_stop_with_parked_send(void **state)
{
    (void)state;
    struct parked_send ps = {0};
    ps.b64 = rpc_sign(&chain, "user.test.near", "test.near", NULL, NULL, 4, 0, NULL);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, send_in_thread, &ps), 0);
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
    assert_string_equal(str(cJSON_GetObjectItem(e, "cause"), "name"), "INTERNAL_ERROR");
    assert_string_equal(str(e, "data"), "node is stopping");
    cJSON_Delete(ps.result);
    free(ps.b64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_and_http_routes),
        cmocka_unit_test(test_block_and_gas_price),
        cmocka_unit_test(test_query_accounts_and_keys),
        cmocka_unit_test(test_query_contract),
        cmocka_unit_test(test_malformed_requests),
        cmocka_unit_test(test_every_method_with_wrong_params),
        cmocka_unit_test(test_send_tx_transfer),
        cmocka_unit_test(test_invalid_transactions),
        cmocka_unit_test(test_manual_stepping_and_parked_send),
        cmocka_unit_test(test_send_tx_every_wait_level),
        cmocka_unit_test(test_request_times_out_after_fast_forward),
        cmocka_unit_test(test_request_answered_by_oracle),
        cmocka_unit_test(test_patch_state),
        cmocka_unit_test(test_query_block_reference),
        cmocka_unit_test(test_oversized_transaction),
        cmocka_unit_test(test_tx_lookup_times_out),
        cmocka_unit_test(test_graceful_stop_with_parked_send),
    };
    return cmocka_run_group_tests_name("rpc", tests, setup, teardown);
}
