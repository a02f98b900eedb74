/*
 * The JSON-RPC client: the pure request/response functions against a table of server answers,
 * then real round trips against a small nng HTTP server on 127.0.0.1, plus a refused connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <nng/supplemental/util/platform.h>

#include "err.h"
#include "json.h"
#include "rpc.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- request building ---- */

static void request_has_the_jsonrpc_envelope(void **state)
{
    cJSON *params = cJSON_Parse("{\"request_type\":\"view_account\",\"finality\":\"final\"}");
    char *text = NULL;
    assert_int_equal(rpc_build_request("query", params, 42, &text), YB_OK);
    cJSON *req = cJSON_Parse(text);
    assert_non_null(req);
    const char *s = NULL;
    uint64_t id = 0;
    assert_int_equal(json_get_str(req, "jsonrpc", &s), YB_OK);
    assert_string_equal(s, "2.0");
    assert_int_equal(json_get_u64(req, "id", &id), YB_OK);
    assert_int_equal(id, 42);
    assert_int_equal(json_get_str(req, "method", &s), YB_OK);
    assert_string_equal(s, "query");
    const cJSON *p = NULL;
    assert_int_equal(json_get_object(req, "params", &p), YB_OK);
    assert_true(cJSON_Compare(p, params, 1));
    cJSON_Delete(req);
    free(text);
    /* params was borrowed: still whole and ours to delete. */
    assert_string_equal(cJSON_GetObjectItem(params, "finality")->valuestring, "final");
    cJSON_Delete(params);

    assert_int_equal(rpc_build_request("status", NULL, 1, &text), YB_OK);
    assert_non_null(strstr(text, "\"params\":[]"));
    free(text);
}

/* ---- response parsing: a table of what servers send ---- */

#define NEAR_ERROR                                                                                 \
    "{\"name\":\"HANDLER_ERROR\",\"cause\":{\"name\":\"UNKNOWN_ACCOUNT\",\"info\":{"               \
    "\"requested_account_id\":\"bob.near\",\"block_height\":42}},\"code\":-32000,"                 \
    "\"message\":\"Server error\",\"data\":\"account bob.near does not exist while viewing\"}"

static const struct {
    const char *name;
    long status;
    const char *body;
    int rc;
} responses[] = {
    {"success", 200, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"a\":1}}", YB_OK},
    {"null result", 200, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":null}", YB_OK},
    {"string id", 200, "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"result\":1}", YB_OK},
    {"error null", 200, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":1,\"error\":null}", YB_OK},
    {"error object", 200, "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"error\":" NEAR_ERROR "}", YB_ERPC},
    {"both", 200, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":1,\"error\":" NEAR_ERROR "}", YB_ERPC},
    {"error with null id", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
     YB_ERPC},
    {"error at HTTP 404", 404, "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":" NEAR_ERROR "}", YB_ERPC},
    {"neither", 200, "{\"jsonrpc\":\"2.0\",\"id\":7}", YB_EMALFORMED},
    {"wrong id", 200, "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":1}", YB_EMALFORMED},
    {"wrong string id", 200, "{\"jsonrpc\":\"2.0\",\"id\":\"07x\",\"result\":1}", YB_EMALFORMED},
    {"no id", 200, "{\"jsonrpc\":\"2.0\",\"result\":1}", YB_EMALFORMED},
    {"error on another id", 200, "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":" NEAR_ERROR "}",
     YB_EMALFORMED},
    {"huge code", 200, "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":1e300}}", YB_ERPC},
    {"error not an object", 200, "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":\"boom\"}",
     YB_EMALFORMED},
    {"batch array", 200, "[{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":1}]", YB_EMALFORMED},
    {"not json", 200, "<html>hello</html>", YB_EJSON},
    {"empty body", 200, "", YB_EJSON},
    {"HTTP 500 text", 500, "Internal Server Error", YB_EHTTP},
    {"HTTP 502 with result", 502, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":1}", YB_EHTTP},
    {"HTTP 429 empty", 429, "", YB_EHTTP},
    {"legacy query error", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"error\":\"wasm execution failed\","
     "\"logs\":[],\"block_height\":5,\"block_hash\":\"x\"}}",
     YB_ERPC},
    {"result with a non-string error field", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"error\":null,\"ok\":1}}", YB_OK},
};

static void responses_are_classified(void **state)
{
    for (size_t i = 0; i < ARRAY_LEN(responses); i++) {
        cJSON *result = NULL;
        struct rpc_error err;
        const char *body = responses[i].body;
        int rc = rpc_parse_response(responses[i].status, body, strlen(body), 0, 7, &result, &err);
        if (rc != responses[i].rc) {
            fail_msg("%s: %s, want %s", responses[i].name, yb_err_name(rc),
                     yb_err_name(responses[i].rc));
        }
        assert_int_equal(err.http_status, responses[i].status);
        if (rc == YB_OK) {
            assert_non_null(result);
        }
        if (rc == YB_ERPC) {
            assert_non_null(err.object);
        }
        cJSON_Delete(result);
        rpc_error_fini(&err);
    }
}

static void near_error_fields_are_picked_out(void **state)
{
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"error\":" NEAR_ERROR "}";
    cJSON *result = NULL;
    struct rpc_error err;
    assert_int_equal(rpc_parse_response(200, body, strlen(body), 0, 7, &result, &err), YB_ERPC);
    assert_null(result);
    assert_string_equal(err.name, "HANDLER_ERROR");
    assert_string_equal(err.cause_name, "UNKNOWN_ACCOUNT");
    assert_int_equal(err.code, -32000);
    assert_string_equal(err.message, "Server error");
    assert_string_equal(err.data->valuestring, "account bob.near does not exist while viewing");
    const char *acct = NULL;
    assert_int_equal(json_get_str(err.cause_info, "requested_account_id", &acct), YB_OK);
    assert_string_equal(acct, "bob.near");
    rpc_error_fini(&err);
    assert_null(err.object);
}

static void legacy_query_error_is_an_rpc_error(void **state)
{
    /* near-rpc.md §10.3: an unknown access key in `query` arrives as a successful response. */
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"error\":\"access key "
                       "ed25519:Anu7 does not exist while viewing\",\"logs\":[],"
                       "\"block_height\":5,\"block_hash\":\"x\"}}";
    cJSON *result = NULL;
    struct rpc_error err;
    assert_int_equal(rpc_parse_response(200, body, strlen(body), 0, 9, &result, &err), YB_ERPC);
    assert_null(result);
    assert_true(err.legacy);
    assert_null(err.name);
    assert_string_equal(err.message, "access key ed25519:Anu7 does not exist while viewing");
    uint64_t h = 0;
    assert_int_equal(json_get_u64(err.object, "block_height", &h), YB_OK);
    assert_int_equal(h, 5);
    rpc_error_fini(&err);
}

static void errors_describe_themselves_in_one_line(void **state)
{
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"error\":" NEAR_ERROR "}";
    cJSON *result = NULL;
    struct rpc_error err;
    char line[256];
    assert_int_equal(rpc_parse_response(200, body, strlen(body), 0, 7, &result, &err), YB_ERPC);
    assert_string_equal(rpc_error_describe(YB_ERPC, &err, line, sizeof line),
                        "YB_ERPC HANDLER_ERROR/UNKNOWN_ACCOUNT code -32000: account bob.near "
                        "does not exist while viewing");
    /* A short buffer gets a cut line, never an overrun. */
    char small[12];
    assert_string_equal(rpc_error_describe(YB_ERPC, &err, small, sizeof small), "YB_ERPC HAN");
    rpc_error_fini(&err);

    assert_int_equal(rpc_parse_response(503, "busy", 4, 0, 7, &result, &err), YB_EHTTP);
    assert_string_equal(rpc_error_describe(YB_EHTTP, &err, line, sizeof line),
                        "YB_EHTTP status 503");
    rpc_error_fini(&err);
    assert_string_equal(rpc_error_describe(YB_ECONNECT, NULL, line, sizeof line), "YB_ECONNECT");
}

static void transient_failures_are_told_from_final_ones(void **state)
{
    static const struct {
        long status;
        const char *body;
        bool transient;
    } cases[] = {
        {503, "busy", true},
        {500, "", true},
        {429, "slow down", true},
        {408, "", true},
        {404, "not here", false},
        {400, "bad", false},
        {200,
         "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"name\":\"HANDLER_ERROR\",\"cause\":"
         "{\"name\":\"TIMEOUT_ERROR\"},\"code\":-32000}}",
         true},
        {200,
         "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"name\":\"INTERNAL_ERROR\",\"cause\":"
         "{\"name\":\"INTERNAL_ERROR\",\"info\":{}},\"code\":-32000}}",
         true},
        {200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":" NEAR_ERROR "}", false},
        {200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"error\":\"wasm execution failed\"}}",
         false},
        {200, "not json", false},
        {200, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":1}", false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cJSON *result = NULL;
        struct rpc_error err;
        int rc = rpc_parse_response(cases[i].status, cases[i].body, strlen(cases[i].body), 0, 1,
                                    &result, &err);
        assert_int_not_equal(rc, YB_OK);
        if (rpc_error_is_transient(rc, &err) != cases[i].transient) {
            fail_msg("case %zu (%ld %s): %s", i, cases[i].status, cases[i].body, yb_err_name(rc));
        }
        rpc_error_fini(&err);
    }
    assert_true(rpc_error_is_transient(YB_ECONNECT, NULL));
    assert_true(rpc_error_is_transient(YB_ETIMEDOUT, NULL));
    assert_false(rpc_error_is_transient(YB_ETOOBIG, NULL));
    assert_false(rpc_error_is_transient(YB_EINVAL, NULL));
}

static void invalid_transaction_keeps_its_data_object(void **state)
{
    /* near-rpc.md §10.2: the detail that makes clients retry with a fresh nonce. */
    const char *body =
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"name\":\"HANDLER_ERROR\",\"cause\":{\"name\":"
        "\"INVALID_TRANSACTION\",\"info\":{}},\"code\":-32000,\"message\":\"Server error\","
        "\"data\":{\"TxExecutionError\":{\"InvalidTxError\":{\"InvalidNonce\":{\"tx_nonce\":5,"
        "\"ak_nonce\":7}}}}}}";
    cJSON *result = NULL;
    struct rpc_error err;
    assert_int_equal(rpc_parse_response(200, body, strlen(body), 0, 3, &result, &err), YB_ERPC);
    assert_string_equal(err.cause_name, "INVALID_TRANSACTION");
    const cJSON *tx = NULL;
    const cJSON *inv = NULL;
    const cJSON *nonce = NULL;
    assert_int_equal(json_get_object(err.data, "TxExecutionError", &tx), YB_OK);
    assert_int_equal(json_get_object(tx, "InvalidTxError", &inv), YB_OK);
    assert_int_equal(json_get_object(inv, "InvalidNonce", &nonce), YB_OK);
    uint64_t ak = 0;
    assert_int_equal(json_get_u64(nonce, "ak_nonce", &ak), YB_OK);
    assert_int_equal(ak, 7);
    /* The shortcut the signer uses. */
    ak = 0;
    assert_true(rpc_error_is_invalid_nonce(&err, &ak));
    assert_int_equal(ak, 7);
    assert_ptr_equal(rpc_error_invalid_tx(&err), inv);
    rpc_error_fini(&err);

    /* A string-valued InvalidTxError is found too, and is not InvalidNonce. */
    const char *expired =
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"name\":\"HANDLER_ERROR\",\"cause\":{\"name\":"
        "\"INVALID_TRANSACTION\",\"info\":{}},\"code\":-32000,\"message\":\"Server error\","
        "\"data\":{\"TxExecutionError\":{\"InvalidTxError\":\"Expired\"}}}}";
    assert_int_equal(rpc_parse_response(200, expired, strlen(expired), 0, 3, &result, &err),
                     YB_ERPC);
    assert_string_equal(rpc_error_invalid_tx(&err)->valuestring, "Expired");
    assert_false(rpc_error_is_invalid_nonce(&err, &ak));
    rpc_error_fini(&err);
    /* Other errors have none. */
    const char *other = "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":" NEAR_ERROR "}";
    assert_int_equal(rpc_parse_response(200, other, strlen(other), 0, 3, &result, &err), YB_ERPC);
    assert_null(rpc_error_invalid_tx(&err));
    assert_false(rpc_error_is_invalid_nonce(&err, NULL));
    rpc_error_fini(&err);
    assert_null(rpc_error_invalid_tx(NULL));
}

static void oversized_response_is_refused_unparsed(void **state)
{
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0123456789\"}";
    cJSON *result = NULL;
    struct rpc_error err;
    size_t len = strlen(body);
    assert_int_equal(rpc_parse_response(200, body, len, len - 1, 7, &result, &err), YB_ETOOBIG);
    assert_null(result);
    rpc_error_fini(&err);
    assert_int_equal(rpc_parse_response(200, body, len, len, 7, &result, &err), YB_OK);
    cJSON_Delete(result);
    rpc_error_fini(&err);
}

/* ---- a real HTTP server (nng) on loopback ---- */

struct server {
    nng_http_server *srv;
    nng_http_handler *h;
    char url[64];
};

static void respond(nng_aio *aio, uint16_t status, const char *body)
{
    nng_http_res *res = NULL;
    if (nng_http_res_alloc(&res) != 0) {
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    nng_http_res_set_status(res, status);
    nng_http_res_set_header(res, "Content-Type", "application/json");
    nng_http_res_copy_data(res, body, strlen(body));
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

/* Writes all of text to a hijacked connection, waiting for it. */
static void conn_write(nng_http_conn *conn, const char *text)
{
    nng_aio *a = NULL;
    if (nng_aio_alloc(&a, NULL, NULL) != 0) {
        return;
    }
    nng_iov iov = {.iov_buf = (void *)text, .iov_len = strlen(text)};
    nng_aio_set_iov(a, 1, &iov);
    nng_http_conn_write_all(conn, a);
    nng_aio_wait(a);
    nng_aio_free(a);
}

/* A chunked response has no Content-Length, so only libcurl's write callback can stop it at
 * the cap. nng's server always sends a length, so this handler takes the connection over and
 * writes eight 1 KiB chunks itself. */
static void respond_chunked(nng_aio *aio, nng_http_req *req)
{
    nng_http_conn *conn = nng_aio_get_input(aio, 2);
    if (nng_http_hijack(conn) != 0) {
        nng_aio_finish(aio, NNG_EINTERNAL);
        return;
    }
    nng_aio_finish(aio, 0);
    nng_http_req_free(req); /* a hijacker owns the request */
    conn_write(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    char chunk[1024 + 16];
    memcpy(chunk, "400\r\n", 5);
    memset(chunk + 5, 'x', 1024);
    memcpy(chunk + 5 + 1024, "\r\n", 3);
    for (int i = 0; i < 8; i++) {
        conn_write(conn, chunk);
    }
    conn_write(conn, "0\r\n\r\n");
    nng_http_conn_close(conn);
}

/* Answers according to the method name, so each test picks the server's behaviour. */
static void handle_rpc(nng_aio *aio)
{
    nng_http_req *req = nng_aio_get_input(aio, 0);
    void *data = NULL;
    size_t len = 0;
    nng_http_req_get_data(req, &data, &len);
    cJSON *in = cJSON_ParseWithLength(data, len);
    const char *method = NULL;
    if (in == NULL || json_get_str(in, "method", &method) != YB_OK) {
        cJSON_Delete(in);
        respond(aio, 400, "bad request");
        return;
    }
    if (strcmp(method, "chunked") == 0) {
        cJSON_Delete(in);
        respond_chunked(aio, req);
        return;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "jsonrpc", "2.0");
    cJSON *id = cJSON_Duplicate(cJSON_GetObjectItem(in, "id"), 1);
    uint16_t status = 200;
    const char *raw = NULL;
    if (strcmp(method, "echo") == 0) {
        cJSON_AddItemToObject(out, "result", cJSON_Duplicate(cJSON_GetObjectItem(in, "params"), 1));
    } else if (strcmp(method, "whoami") == 0) {
        /* What the server saw: the id and the request's content type. */
        cJSON *r = cJSON_AddObjectToObject(out, "result");
        cJSON_AddItemToObject(r, "id", cJSON_Duplicate(id, 1));
        const char *ct = nng_http_req_get_header(req, "Content-Type");
        cJSON_AddStringToObject(r, "content_type", ct != NULL ? ct : "");
    } else if (strcmp(method, "fail") == 0) {
        cJSON_AddItemToObject(out, "error", cJSON_Parse(NEAR_ERROR));
    } else if (strcmp(method, "wrong_id") == 0) {
        cJSON_Delete(id);
        id = cJSON_CreateNumber(999999);
        cJSON_AddNullToObject(out, "result");
    } else if (strcmp(method, "http500") == 0) {
        status = 500;
        raw = "Internal Server Error";
    } else if (strcmp(method, "big") == 0) {
        char *s = calloc(1, 8193);
        memset(s, 'x', 8192);
        cJSON_AddStringToObject(out, "result", s);
        free(s);
    } else if (strcmp(method, "slow") == 0) {
        nng_msleep(800);
        cJSON_AddNullToObject(out, "result");
    } else {
        status = 200;
        cJSON_AddItemToObject(out, "error",
                              cJSON_Parse("{\"code\":-32601,\"message\":\"Method not found\"}"));
    }
    cJSON_AddItemToObject(out, "id", id);
    char *text = cJSON_PrintUnformatted(out);
    respond(aio, status, raw != NULL ? raw : text);
    free(text);
    cJSON_Delete(out);
    cJSON_Delete(in);
}

static int server_start(void **state)
{
    struct server *s = calloc(1, sizeof *s);
    nng_url *u = NULL;
    assert_int_equal(nng_url_parse(&u, "http://127.0.0.1:0"), 0);
    assert_int_equal(nng_http_server_hold(&s->srv, u), 0);
    nng_url_free(u);
    assert_int_equal(nng_http_handler_alloc(&s->h, "/", handle_rpc), 0);
    assert_int_equal(nng_http_handler_set_method(s->h, "POST"), 0);
    assert_int_equal(nng_http_server_add_handler(s->srv, s->h), 0);
    assert_int_equal(nng_http_server_start(s->srv), 0);
    nng_sockaddr sa;
    assert_int_equal(nng_http_server_get_addr(s->srv, &sa), 0);
    assert_int_equal(sa.s_family, NNG_AF_INET);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u/", (unsigned)ntohs(sa.s_in.sa_port));
    *state = s;
    return 0;
}

static int server_stop(void **state)
{
    struct server *s = *state;
    nng_http_server_stop(s->srv);
    nng_http_server_release(s->srv);
    free(s);
    return 0;
}

static void round_trip_echoes_params(void **state)
{
    struct server *s = *state;
    struct rpc_client c;
    assert_int_equal(rpc_client_init(&c, s->url, NULL), YB_OK);
    cJSON *params = cJSON_Parse("{\"block_id\":5,\"finality\":\"final\",\"s\":\"\\u00e9\\n\"}");
    cJSON *result = NULL;
    struct rpc_error err;
    assert_int_equal(rpc_call(&c, "echo", params, &result, &err), YB_OK);
    assert_int_equal(err.http_status, 200);
    assert_true(cJSON_Compare(result, params, 1));
    cJSON_Delete(result);
    rpc_error_fini(&err);
    cJSON_Delete(params);
    rpc_client_fini(&c);
}

static void ids_increment_and_content_type_is_json(void **state)
{
    struct server *s = *state;
    struct rpc_client c;
    assert_int_equal(rpc_client_init(&c, s->url, NULL), YB_OK);
    for (uint64_t want = 1; want <= 3; want++) {
        cJSON *result = NULL;
        assert_int_equal(rpc_call(&c, "whoami", NULL, &result, NULL), YB_OK);
        uint64_t id = 0;
        assert_int_equal(json_get_u64(result, "id", &id), YB_OK);
        assert_int_equal(id, want);
        const char *ct = NULL;
        assert_int_equal(json_get_str(result, "content_type", &ct), YB_OK);
        assert_string_equal(ct, "application/json");
        cJSON_Delete(result);
    }
    assert_int_equal(c.next_id, 4);
    rpc_client_fini(&c);
}

static void server_errors_reach_the_caller(void **state)
{
    struct server *s = *state;
    struct rpc_client c;
    assert_int_equal(rpc_client_init(&c, s->url, NULL), YB_OK);
    cJSON *result = NULL;
    struct rpc_error err;

    assert_int_equal(rpc_call(&c, "fail", NULL, &result, &err), YB_ERPC);
    assert_null(result);
    assert_string_equal(err.cause_name, "UNKNOWN_ACCOUNT");
    rpc_error_fini(&err);

    assert_int_equal(rpc_call(&c, "no_such_method", NULL, &result, &err), YB_ERPC);
    assert_int_equal(err.code, -32601);
    rpc_error_fini(&err);

    assert_int_equal(rpc_call(&c, "http500", NULL, &result, &err), YB_EHTTP);
    assert_int_equal(err.http_status, 500);
    rpc_error_fini(&err);

    assert_int_equal(rpc_call(&c, "wrong_id", NULL, &result, &err), YB_EMALFORMED);
    rpc_error_fini(&err);

    /* The client still works after all that. */
    assert_int_equal(rpc_call(&c, "echo", NULL, &result, &err), YB_OK);
    cJSON_Delete(result);
    rpc_error_fini(&err);
    rpc_client_fini(&c);
}

static void body_over_the_cap_is_too_big(void **state)
{
    struct server *s = *state;
    struct rpc_client c;
    struct rpc_opts o = {.max_response = 1024};
    assert_int_equal(rpc_client_init(&c, s->url, &o), YB_OK);
    cJSON *result = NULL;
    assert_int_equal(rpc_call(&c, "big", NULL, &result, NULL), YB_ETOOBIG);
    assert_null(result);
    rpc_client_fini(&c);

    o.max_response = 16384;
    assert_int_equal(rpc_client_init(&c, s->url, &o), YB_OK);
    assert_int_equal(rpc_call(&c, "big", NULL, &result, NULL), YB_OK);
    assert_int_equal(strlen(result->valuestring), 8192);
    cJSON_Delete(result);
    rpc_client_fini(&c);
}

static void chunked_body_is_capped_by_the_write_callback(void **state)
{
    struct server *s = *state;
    struct rpc_client c;
    struct rpc_opts o = {.max_response = 4096};
    assert_int_equal(rpc_client_init(&c, s->url, &o), YB_OK);
    cJSON *result = NULL;
    assert_int_equal(rpc_call(&c, "chunked", NULL, &result, NULL), YB_ETOOBIG);
    assert_null(result);
    rpc_client_fini(&c);

    /* Under a larger cap the same 8 KiB arrives whole, and is not JSON. */
    o.max_response = 16384;
    assert_int_equal(rpc_client_init(&c, s->url, &o), YB_OK);
    assert_int_equal(rpc_call(&c, "chunked", NULL, &result, NULL), YB_EJSON);
    rpc_client_fini(&c);
}

static void slow_server_times_out(void **state)
{
    struct server *s = *state;
    struct rpc_client c;
    struct rpc_opts o = {.timeout_ms = 200};
    assert_int_equal(rpc_client_init(&c, s->url, &o), YB_OK);
    cJSON *result = NULL;
    struct rpc_error err;
    assert_int_equal(rpc_call(&c, "slow", NULL, &result, &err), YB_ETIMEDOUT);
    assert_true(err.detail[0] != '\0');
    rpc_error_fini(&err);
    rpc_client_fini(&c);
}

static void transfers_run_together_under_curl_multi(void **state)
{
    /* The way the oracle drives calls: several transfers on one multi handle. */
    struct server *s = *state;
    CURLM *multi = curl_multi_init();
    assert_non_null(multi);
    const char *methods[] = {"echo", "fail", "whoami", "http500"};
    const int want[] = {YB_OK, YB_ERPC, YB_OK, YB_EHTTP};
    struct rpc_transfer t[4];
    cJSON *params = cJSON_Parse("[1,2,3]");
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rpc_transfer_init(&t[i], s->url, NULL, methods[i], params, 100 + i),
                         YB_OK);
        t[i].user = (void *)(intptr_t)i;
        assert_int_equal(curl_multi_add_handle(multi, t[i].curl), CURLM_OK);
    }
    cJSON_Delete(params); /* the requests were built at init */

    int running = 1;
    int done = 0;
    while (done < 4) {
        assert_int_equal(curl_multi_perform(multi, &running), CURLM_OK);
        CURLMsg *msg;
        int left = 0;
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            assert_int_equal(msg->msg, CURLMSG_DONE);
            struct rpc_transfer *tr = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&tr);
            assert_non_null(tr);
            int i = (int)(intptr_t)tr->user;
            CURLcode cc = msg->data.result;
            curl_multi_remove_handle(multi, tr->curl);
            cJSON *result = NULL;
            struct rpc_error err;
            int rc = rpc_transfer_finish(tr, (int)cc, &result, &err);
            if (rc != want[i]) {
                fail_msg("%s: %s", methods[i], yb_err_name(rc));
            }
            if (i == 0) {
                assert_int_equal(cJSON_GetArraySize(result), 3);
            } else if (i == 2) {
                uint64_t id = 0;
                assert_int_equal(json_get_u64(result, "id", &id), YB_OK);
                assert_int_equal(id, 102);
            }
            cJSON_Delete(result);
            rpc_error_fini(&err);
            rpc_transfer_fini(tr);
            done++;
        }
        if (done < 4) {
            assert_int_equal(curl_multi_poll(multi, NULL, 0, 1000, NULL), CURLM_OK);
        }
    }
    curl_multi_cleanup(multi);
}

/* A loopback port nobody listens on: bind one, note it, close it. */
static unsigned closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void refused_connection_is_econnect(void **state)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", closed_port());
    struct rpc_client c;
    assert_int_equal(rpc_client_init(&c, url, NULL), YB_OK);
    cJSON *result = NULL;
    struct rpc_error err;
    assert_int_equal(rpc_call(&c, "status", NULL, &result, &err), YB_ECONNECT);
    assert_null(result);
    assert_int_equal(err.http_status, 0);
    rpc_error_fini(&err);
    rpc_client_fini(&c);
}

static void bad_client_settings_are_refused(void **state)
{
    struct rpc_client c;
    assert_int_equal(rpc_client_init(&c, "", NULL), YB_EINVAL);
    struct rpc_opts o = {.timeout_ms = -1};
    assert_int_equal(rpc_client_init(&c, "http://127.0.0.1:1/", &o), YB_EINVAL);
    /* Only http(s): a file:// URL must not read local files. */
    assert_int_equal(rpc_client_init(&c, "file:///etc/passwd", NULL), YB_OK);
    cJSON *result = NULL;
    assert_int_equal(rpc_call(&c, "status", NULL, &result, NULL), YB_EINVAL);
    rpc_client_fini(&c);
}

int main(void)
{
    assert_int_equal(rpc_global_init(), YB_OK);
    assert_int_equal(rpc_global_init(), YB_OK); /* once only */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_has_the_jsonrpc_envelope),
        cmocka_unit_test(responses_are_classified),
        cmocka_unit_test(near_error_fields_are_picked_out),
        cmocka_unit_test(legacy_query_error_is_an_rpc_error),
        cmocka_unit_test(errors_describe_themselves_in_one_line),
        cmocka_unit_test(transient_failures_are_told_from_final_ones),
        cmocka_unit_test(invalid_transaction_keeps_its_data_object),
        cmocka_unit_test(oversized_response_is_refused_unparsed),
        cmocka_unit_test_setup_teardown(round_trip_echoes_params, server_start, server_stop),
        cmocka_unit_test_setup_teardown(ids_increment_and_content_type_is_json, server_start,
                                        server_stop),
        cmocka_unit_test_setup_teardown(server_errors_reach_the_caller, server_start, server_stop),
        cmocka_unit_test_setup_teardown(body_over_the_cap_is_too_big, server_start, server_stop),
        cmocka_unit_test_setup_teardown(chunked_body_is_capped_by_the_write_callback, server_start,
                                        server_stop),
        cmocka_unit_test_setup_teardown(transfers_run_together_under_curl_multi, server_start,
                                        server_stop),
        cmocka_unit_test_setup_teardown(slow_server_times_out, server_start, server_stop),
        cmocka_unit_test(refused_connection_is_econnect),
        cmocka_unit_test(bad_client_settings_are_refused),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rpc_global_cleanup();
    return failed;
}
