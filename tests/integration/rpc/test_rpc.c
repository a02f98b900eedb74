/*
 * test_rpc.c — yb-chain's JSON-RPC end to end, the read side: the real binary (chain_proc,
 * manual mode) on a free loopback port; status, block, gas_price, every query kind,
 * protocol_config, health/validators, the HTTP routes, sandbox_patch_state, and every kind of
 * malformed request, each answer checked field by field against near-rpc.md.
 * Transactions are in test_rpc_tx.c.
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
    assert_string_equal(rpc_str(st, "chain_id"), "yieldbox");
    rpc_assert_hash(rpc_str(st, "genesis_hash"));
    assert_int_equal(rpc_num(st, "protocol_version"), 83);
    assert_int_equal(rpc_num(st, "latest_protocol_version"), 83);
    assert_string_equal(rpc_str(st, "rpc_addr"), chain.rpc_addr);
    assert_true(strncmp(rpc_str(st, "node_public_key"), "ed25519:", 8) == 0);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(st, "validators")));
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "version"), "version"));
    const cJSON *sync = cJSON_GetObjectItem(st, "sync_info");
    rpc_assert_hash(rpc_str(sync, "latest_block_hash"));
    assert_true(rpc_num(sync, "latest_block_height") >= 1);
    assert_int_equal(strlen(rpc_str(sync, "latest_block_time")), 30); /* ...T..:..:...123456789Z */
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(sync, "syncing")));
    cJSON_Delete(st);

    cJSON *health = rpc_ok(&chain, "health", NULL);
    assert_true(cJSON_IsNull(health));
    cJSON_Delete(health);
    cJSON *vals = rpc_ok(&chain, "validators", rpc_json("[null]"));
    const cJSON *v0 = cJSON_GetArrayItem(cJSON_GetObjectItem(vals, "current_validators"), 0);
    assert_string_equal(rpc_str(v0, "account_id"), "test.near");
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(vals, "next_validators")));
    cJSON_Delete(vals);

    long status;
    char *body;
    assert_int_equal(chain_proc_http_get(&chain, "/status", &status, &body), 0);
    assert_int_equal(status, 200);
    cJSON *gs = rpc_json(body);
    assert_string_equal(rpc_str(gs, "chain_id"), "yieldbox");
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
    assert_string_equal(rpc_str(b, "author"), "test.near");
    const cJSON *h = cJSON_GetObjectItem(b, "header");
    uint64_t height = rpc_num(h, "height");
    char hash[NEAR_HASH_STR_MAX];
    snprintf(hash, sizeof hash, "%s", rpc_str(h, "hash"));
    rpc_assert_hash(hash);
    rpc_assert_hash(rpc_str(h, "prev_hash"));
    /* nanoseconds: past 2^53, so a JSON number read back as a double */
    assert_true(cJSON_GetObjectItem(h, "timestamp")->valuedouble > 1.6e18);
    assert_string_equal(rpc_str(h, "gas_price"), "100000000");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "chunks")), 1);
    cJSON_Delete(b);

    /* the same block by height and by hash; optimistic is the head too */
    char q[160];
    snprintf(q, sizeof q, "{\"block_id\":%llu}", (unsigned long long)height);
    b = rpc_ok(&chain, "block", rpc_json(q));
    assert_string_equal(rpc_str(cJSON_GetObjectItem(b, "header"), "hash"), hash);
    cJSON_Delete(b);
    snprintf(q, sizeof q, "{\"block_id\":\"%s\"}", hash);
    b = rpc_ok(&chain, "block", rpc_json(q));
    assert_int_equal(rpc_num(cJSON_GetObjectItem(b, "header"), "height"), height);
    cJSON_Delete(b);
    snprintf(q, sizeof q, "[%llu]", (unsigned long long)height);
    b = rpc_ok(&chain, "block", rpc_json(q));
    assert_string_equal(rpc_str(cJSON_GetObjectItem(b, "header"), "hash"), hash);
    cJSON_Delete(b);
    b = rpc_ok(&chain, "block", rpc_json("{\"sync_checkpoint\":\"genesis\"}"));
    assert_int_equal(rpc_num(cJSON_GetObjectItem(b, "header"), "height"), 0);
    cJSON_Delete(b);

    cJSON *e = rpc_err(&chain, "block", rpc_json("{\"block_id\":999999}"), "UNKNOWN_BLOCK");
    assert_string_equal(rpc_str(e, "name"), "HANDLER_ERROR");
    assert_int_equal((int)cJSON_GetObjectItem(e, "code")->valuedouble, -32000);
    cJSON_Delete(e);
    e = rpc_err(&chain, "block", rpc_json("{\"finality\":\"soon\"}"), "PARSE_ERROR");
    assert_string_equal(rpc_str(e, "name"), "REQUEST_VALIDATION_ERROR");
    cJSON_Delete(e);
    cJSON_Delete(
        rpc_err(&chain, "block", rpc_json("{\"block_id\":\"not-a-hash\"}"), "PARSE_ERROR"));

    cJSON *g = rpc_ok(&chain, "gas_price", rpc_json("[null]"));
    assert_string_equal(rpc_str(g, "gas_price"), "100000000");
    cJSON_Delete(g);
    snprintf(q, sizeof q, "[\"%s\"]", hash);
    g = rpc_ok(&chain, "gas_price", rpc_json(q));
    assert_string_equal(rpc_str(g, "gas_price"), "100000000");
    cJSON_Delete(g);
}

static void test_query_accounts_and_keys(void **state)
{
    (void)state;
    cJSON *a = rpc_ok(&chain, "query",
                      query("{\"request_type\":\"view_account\",\"account_id\":\"%s\","
                            "\"finality\":\"final\"%s}",
                            "user.test.near", ""));
    assert_true(strlen(rpc_str(a, "amount")) > 20);
    assert_string_equal(rpc_str(a, "locked"), "0");
    assert_string_equal(rpc_str(a, "code_hash"), "11111111111111111111111111111111");
    assert_true(rpc_num(a, "storage_usage") > 0);
    assert_int_equal(rpc_num(a, "storage_paid_at"), 0);
    assert_true(rpc_num(a, "block_height") >= 1);
    rpc_assert_hash(rpc_str(a, "block_hash"));
    cJSON_Delete(a);

    cJSON *e = rpc_err(&chain, "query",
                       query("{\"request_type\":\"view_account\",\"account_id\":\"%s\","
                             "\"finality\":\"final\"%s}",
                             "nobody.test.near", ""),
                       "UNKNOWN_ACCOUNT");
    const cJSON *info = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "cause"), "info");
    assert_string_equal(rpc_str(info, "requested_account_id"), "nobody.test.near");
    rpc_assert_hash(rpc_str(info, "block_hash"));
    assert_string_equal(rpc_str(e, "data"),
                        "account nobody.test.near does not exist while viewing");
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
    snprintf(pk, sizeof pk, "%s", rpc_str(k0, "public_key"));
    assert_true(strncmp(pk, "ed25519:", 8) == 0);
    const cJSON *fc = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(k0, "access_key"), "permission"), "FunctionCall");
    assert_non_null(fc);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(fc, "allowance")));
    assert_string_equal(rpc_str(fc, "receiver_id"), "assistant.test.near");
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
    assert_string_equal(rpc_str(fa, "error"), want);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(fa, "logs")));
    rpc_assert_hash(rpc_str(fa, "block_hash"));
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
    assert_string_equal(rpc_str(cfg, "owner_id"), "test.near");
    assert_int_equal(rpc_num(cfg, "timeout_blocks"), 200);
    cJSON_Delete(cfg);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(r, "logs")));
    rpc_assert_hash(rpc_str(r, "block_hash"));
    cJSON_Delete(r);

    r = rpc_ok(&chain, "query",
               query("{\"request_type\":\"call_function\",\"account_id\":\"%s\","
                     "\"method_name\":\"no_such_method\",\"args_base64\":\"\","
                     "\"finality\":\"optimistic\"%s}",
                     "assistant.test.near", ""));
    assert_non_null(strstr(rpc_str(r, "error"), "MethodResolveError(MethodNotFound)"));
    cJSON_Delete(r);
    r = rpc_ok(&chain, "query",
               query("{\"request_type\":\"call_function\",\"account_id\":\"%s\","
                     "\"method_name\":\"x\",\"args_base64\":\"\",\"finality\":\"final\"%s}",
                     "user.test.near", ""));
    assert_non_null(
        strstr(rpc_str(r, "error"), "CodeDoesNotExist { account_id: \"user.test.near\" }"));
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
    assert_string_equal(rpc_str(code, "hash"), rpc_str(acc, "code_hash"));
    assert_true(strncmp(rpc_str(code, "code_base64"), "AGFzbQ", 6) == 0); /* \0asm */
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
    assert_string_equal(rpc_str(cJSON_GetArrayItem(values, 0), "key"), "Y2ZnOm93bmVy");
    assert_string_equal(rpc_str(cJSON_GetArrayItem(values, 0), "value"),
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
    assert_int_equal(rpc_num(pc, "protocol_version"), 83);
    const cJSON *rc = cJSON_GetObjectItem(pc, "runtime_config");
    assert_string_equal(rpc_str(rc, "storage_amount_per_byte"), "10000000000000000000");
    assert_int_equal(rpc_num(cJSON_GetObjectItem(rc, "account_creation_config"),
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
        assert_string_equal(rpc_str(e, "name"), cases[i].error_name);
        assert_string_equal(rpc_str(cJSON_GetObjectItem(e, "cause"), "name"), cases[i].cause);
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
        rpc_str(cJSON_GetObjectItem(cJSON_GetObjectItem(ans, "error"), "cause"), "name"),
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
    assert_string_equal(rpc_str(cJSON_GetArrayItem(values, 0), "value"), "aGVsbG8=");
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
    assert_string_equal(rpc_str(a, "amount"), "5000");
    cJSON_Delete(a);
    cJSON *ak = rpc_ok(&chain, "query",
                       rpc_json("{\"request_type\":\"view_access_key\",\"account_id\":"
                                "\"patched.test.near\",\"public_key\":"
                                "\"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC\","
                                "\"finality\":\"final\"}"));
    assert_int_equal(rpc_num(ak, "nonce"), 42);
    assert_string_equal(rpc_str(ak, "permission"), "FullAccess");
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
    assert_int_equal(rpc_num(a, "block_height"), head);
    cJSON_Delete(a);
    char hs[NEAR_HASH_STR_MAX];
    near_hash_format(hash, hs);
    snprintf(q, sizeof q,
             "{\"request_type\":\"view_account\",\"account_id\":\"test.near\",\"block_id\":\"%s\"}",
             hs);
    a = rpc_ok(&chain, "query", rpc_json(q));
    assert_string_equal(rpc_str(a, "block_hash"), hs);
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
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_and_http_routes),
        cmocka_unit_test(test_block_and_gas_price),
        cmocka_unit_test(test_query_accounts_and_keys),
        cmocka_unit_test(test_query_contract),
        cmocka_unit_test(test_malformed_requests),
        cmocka_unit_test(test_every_method_with_wrong_params),
        cmocka_unit_test(test_patch_state),
        cmocka_unit_test(test_query_block_reference),
    };
    return cmocka_run_group_tests_name("rpc", tests, setup, teardown);
}
