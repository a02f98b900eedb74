/*
 * rpc_server.c — HTTP plumbing and JSON-RPC dispatch for yb-chain (rpc_server.h).
 *
 * nng calls a handler with an aio that we finish once the reply is built. Most methods answer
 * before the handler returns. Methods that wait for the chain park their call in the server's
 * list and are answered from the node's completion callback (on the loop thread).
 *
 * Shutdown: nng_http_server_stop waits for every in-flight handler aio, but the node only
 * completes its waiters in node_close, which runs after us. So rpc_server_stop answers every
 * parked call itself first (marking it answered); the node's later callback then only frees the
 * call. The server struct is reference-counted (one reference for the server, one per parked
 * call) so those late callbacks still find the lock.
 */
#include "rpc_server.h"

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <nng/supplemental/util/platform.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "httpd.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "node.h"
#include "rpc_int.h"

#define RPC_HEALTHZ_MAX 4096u
#define RPC_METRICS_MAX (1u << 20)
#define RPC_URL_MAX     (NODE_ADDR_MAX + 16u)
/* nng_http_server_stop closes connections at once, aborting replies still being written, and
 * offers no completion hook for them: after answering parked calls we give those writes this
 * long (loopback needs microseconds; a slow client gets the closed connection instead). */
#define RPC_STOP_FLUSH_MS 200
/* What nng itself collects: bodies between RPC_BODY_MAX and this get our 413 with a JSON-RPC
 * error; nng refuses larger ones (by Content-Length, before reading) with a plain 400. */
#define RPC_BODY_HARD_MAX (RPC_BODY_MAX + (6u << 20))

struct rpc_server {
    struct node *node;
    nng_url *url;
    nng_http_server *http;
    double started;

    pthread_mutex_t mu;  /* guards everything below */
    pthread_cond_t idle; /* signalled when `working` drops to 0 */
    int refs;            /* 1 for the running server + 1 per parked call */
    int working;         /* deferred replies scheduled or running */
    bool stopping;
    struct rpc_call *parked;
};

struct rpc_method {
    const char *name;
    rpc_method_fn fn;
};

static const struct rpc_method methods[] = {
    {"status", rpc_method_status},
    {"health", rpc_method_health},
    {"validators", rpc_method_validators},
    {"block", rpc_method_block},
    {"gas_price", rpc_method_gas_price},
    {"query", rpc_method_query},
    {"EXPERIMENTAL_protocol_config", rpc_method_protocol_config},
    {"send_tx", rpc_method_send_tx},
    {"broadcast_tx_async", rpc_method_broadcast_async},
    {"broadcast_tx_commit", rpc_method_broadcast_commit},
    {"tx", rpc_method_tx},
    {"EXPERIMENTAL_tx_status", rpc_method_tx_status},
    {"sandbox_fast_forward", rpc_method_fast_forward},
    {"sandbox_patch_state", rpc_method_patch_state},
    {"yb_produce_blocks", rpc_method_produce_blocks},
};

double rpc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t rpc_server_uptime_sec(const struct rpc_server *srv)
{
    return (uint64_t)(rpc_now() - srv->started);
}

static void server_free(struct rpc_server *srv)
{
    if (srv->url != NULL) {
        nng_url_free(srv->url);
    }
    pthread_cond_destroy(&srv->idle);
    pthread_mutex_destroy(&srv->mu);
    free(srv);
}

/* ---- HTTP replies ---- */

/* Hands an HTTP response with `body` to nng; failures to build it close the connection. */
static void http_finish(nng_aio *aio, uint16_t status, const char *ctype, const void *body,
                        size_t len)
{
    nng_http_res *res = NULL;
    int rv = nng_http_res_alloc(&res);
    if (rv == 0) {
        rv = nng_http_res_set_status(res, status);
    }
    if (rv == 0) {
        rv = nng_http_res_set_header(res, "Content-Type", ctype);
    }
    if (rv == 0) {
        /* Browser clients (near-rpc.md §7, nearcore's get_cors). */
        rv = nng_http_res_set_header(res, "Access-Control-Allow-Origin", "*");
    }
    if (rv == 0) {
        rv = nng_http_res_copy_data(res, body, len);
    }
    if (rv != 0) {
        if (res != NULL) {
            nng_http_res_free(res);
        }
        nng_aio_finish(aio, rv);
        return;
    }
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

static void http_finish_json(nng_aio *aio, cJSON *doc)
{
    char *text = cJSON_PrintUnformatted(doc);
    if (text == NULL) {
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    http_finish(aio, 200, "application/json", text, strlen(text));
    free(text);
}

/* Sends the envelope for c (key = "result" or "error", value taken). */
static void send_envelope(struct rpc_call *c, const char *key, cJSON *value)
{
    cJSON *env = cJSON_CreateObject();
    cJSON_AddStringToObject(env, "jsonrpc", "2.0");
    cJSON_AddItemToObject(env, "id", c->id != NULL ? c->id : cJSON_CreateNull());
    c->id = NULL;
    cJSON_AddItemToObject(env, key, value != NULL ? value : cJSON_CreateNull());
    http_finish_json(c->aio, env);
    cJSON_Delete(env);
}

static void call_end(struct rpc_call *c, const char *key, cJSON *value)
{
    struct rpc_server *srv = c->srv;
    bool last = false;
    pthread_mutex_lock(&srv->mu);
    if (c->parked) {
        *c->pprev = c->next;
        if (c->next != NULL) {
            c->next->pprev = c->pprev;
        }
        c->parked = false;
        last = --srv->refs == 0;
    }
    bool answered = c->answered;
    c->answered = true;
    pthread_mutex_unlock(&srv->mu);
    if (!answered) {
        node_metrics_observe_rpc(c->node, rpc_now() - c->start);
        send_envelope(c, key, value);
    } else {
        cJSON_Delete(value);
    }
    cJSON_Delete(c->id);
    if (c->work != NULL) {
        /* possibly inside this aio's own callback: nng frees it later */
        nng_aio_reap(c->work);
    }
    free(c);
    if (last) {
        server_free(srv);
    }
}

void rpc_reply_result(struct rpc_call *c, cJSON *result)
{
    call_end(c, "result", result);
}

void rpc_reply_error(struct rpc_call *c, cJSON *error)
{
    call_end(c, "error", error);
}

bool rpc_call_park(struct rpc_call *c)
{
    struct rpc_server *srv = c->srv;
    if (c->parked) {
        return true; /* only the thread that owns c parks it, so no lock is needed to look */
    }
    pthread_mutex_lock(&srv->mu);
    bool ok = !srv->stopping;
    if (ok) {
        c->parked = true;
        c->next = srv->parked;
        c->pprev = &srv->parked;
        if (srv->parked != NULL) {
            srv->parked->pprev = &c->next;
        }
        srv->parked = c;
        srv->refs++;
    }
    pthread_mutex_unlock(&srv->mu);
    return ok;
}

static void on_deferred(void *arg)
{
    struct rpc_call *c = arg;
    struct rpc_server *srv = c->srv;
    int rv = nng_aio_result(c->work);
    /* The server holds its own reference until `working` is 0 again, so srv outlives c here
     * (fn may end the call, or schedule it again through rpc_call_later). */
    if (rv != 0) {
        rpc_reply_error(c, rpc_err_internal("node is stopping")); /* cancelled by stop */
    } else {
        c->deferred_fn(c);
    }
    pthread_mutex_lock(&srv->mu);
    if (--srv->working == 0) {
        pthread_cond_broadcast(&srv->idle);
    }
    pthread_mutex_unlock(&srv->mu);
}

void rpc_call_later(struct rpc_call *c, unsigned ms, void (*fn)(struct rpc_call *c))
{
    struct rpc_server *srv = c->srv;
    pthread_mutex_lock(&srv->mu);
    bool run = !srv->stopping;
    if (run) {
        srv->working++;
    }
    pthread_mutex_unlock(&srv->mu);
    nng_aio *aio = c->work;
    if (run && aio == NULL && nng_aio_alloc(&aio, on_deferred, c) != 0) {
        pthread_mutex_lock(&srv->mu);
        if (--srv->working == 0) {
            pthread_cond_broadcast(&srv->idle);
        }
        pthread_mutex_unlock(&srv->mu);
        rpc_reply_error(c, rpc_err_internal("out of nng aios"));
        return;
    }
    if (!run) {
        rpc_reply_error(c, rpc_err_internal("node is stopping"));
        return;
    }
    c->work = aio;
    c->deferred_fn = fn;
    if (ms > 0) {
        nng_sleep_aio((nng_duration)ms, aio);
        return;
    }
    /* Now: finish our own aio, which queues its callback on nng's task threads at once (a 0 ms
     * sleep would pass through nng's single timer thread, one reply at a time). */
    if (nng_aio_begin(aio)) {
        nng_aio_finish(aio, 0);
    }
}

void rpc_call_defer(struct rpc_call *c, void (*fn)(struct rpc_call *c))
{
    rpc_call_later(c, 0, fn);
}

/* ---- error objects ---- */

static cJSON *err_object(const char *name, const char *cause, cJSON *info, int code,
                         const char *message, cJSON *data)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", name);
    cJSON *c = cJSON_AddObjectToObject(e, "cause");
    cJSON_AddStringToObject(c, "name", cause);
    if (info != NULL) {
        cJSON_AddItemToObject(c, "info", info);
    }
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    cJSON_AddItemToObject(e, "data", data != NULL ? data : cJSON_CreateNull());
    return e;
}

static char *vformat(const char *fmt, va_list ap)
{
    struct yb_buf b;
    yb_buf_init(&b, 4096);
    /* A message cut at the cap is still a useful message. */
    (void)yb_buf_vprintf(&b, fmt, ap);
    char *s = (char *)yb_buf_steal(&b, NULL);
    yb_buf_fini(&b);
    return s != NULL ? s : yb_xstrdup("");
}

cJSON *rpc_err_parse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    cJSON *info = cJSON_CreateObject();
    cJSON_AddStringToObject(info, "error_message", msg);
    cJSON *e = err_object("REQUEST_VALIDATION_ERROR", "PARSE_ERROR", info, -32700, "Parse error",
                          cJSON_CreateString(msg));
    free(msg);
    return e;
}

cJSON *rpc_err_method(const char *method)
{
    cJSON *info = cJSON_CreateObject();
    cJSON_AddStringToObject(info, "method_name", method);
    return err_object("REQUEST_VALIDATION_ERROR", "METHOD_NOT_FOUND", info, -32601,
                      "Method not found", cJSON_CreateString(method));
}

cJSON *rpc_err_handler_json(const char *cause, cJSON *info, cJSON *data_json)
{
    return err_object("HANDLER_ERROR", cause, info, -32000, "Server error", data_json);
}

cJSON *rpc_err_handler(const char *cause, cJSON *info, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    cJSON *e = rpc_err_handler_json(cause, info, cJSON_CreateString(msg));
    free(msg);
    return e;
}

cJSON *rpc_err_internal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    cJSON *info = cJSON_CreateObject();
    cJSON_AddStringToObject(info, "error_message", msg);
    cJSON *e = err_object("INTERNAL_ERROR", "INTERNAL_ERROR", info, -32000, "Server error",
                          cJSON_CreateString(msg));
    free(msg);
    return e;
}

/* ---- shared JSON helpers ---- */

void rpc_json_add_hash(cJSON *obj, const char *key, const uint8_t h[NEAR_HASH_LEN])
{
    char s[NEAR_HASH_STR_MAX];
    near_hash_format(h, s);
    cJSON_AddStringToObject(obj, key, s);
}

void rpc_json_add_block_ref(cJSON *obj, const struct node_head *head)
{
    json_add_u64(obj, "block_height", head->height);
    rpc_json_add_hash(obj, "block_hash", head->hash);
}

const cJSON *rpc_params_object(const cJSON *params, bool *bad)
{
    *bad = false;
    if (params == NULL || cJSON_IsNull(params)) {
        return NULL;
    }
    if (cJSON_IsObject(params)) {
        return params;
    }
    if (cJSON_IsArray(params) && cJSON_GetArraySize(params) == 1 &&
        cJSON_IsObject(cJSON_GetArrayItem(params, 0))) {
        return cJSON_GetArrayItem(params, 0);
    }
    *bad = true;
    return NULL;
}

/* ---- handlers ---- */

static struct rpc_call *call_new(struct rpc_server *srv, nng_aio *aio)
{
    struct rpc_call *c = yb_xcalloc(1, sizeof *c);
    c->srv = srv;
    c->node = srv->node;
    c->aio = aio;
    c->start = rpc_now();
    return c;
}

static void dispatch(struct rpc_call *c, const void *body, size_t len)
{
    cJSON *req = NULL;
    size_t pos = 0;
    int rc = json_parse(body, len, RPC_BODY_MAX, &req, &pos);
    if (rc != YB_OK) {
        rpc_reply_error(c,
                        rpc_err_parse("Failed to parse the request body as JSON at byte %zu", pos));
        return;
    }
    if (!cJSON_IsObject(req)) {
        cJSON_Delete(req);
        rpc_reply_error(c, rpc_err_parse("The request must be a JSON-RPC 2.0 object"));
        return;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "id");
    if (id != NULL) {
        c->id = cJSON_Duplicate(id, true);
    }
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(req, "method");
    if (!cJSON_IsString(method)) {
        cJSON_Delete(req);
        rpc_reply_error(c, rpc_err_parse("The request has no \"method\" string"));
        return;
    }
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(methods[i].name, method->valuestring) == 0) {
            methods[i].fn(c, params);
            cJSON_Delete(req);
            return;
        }
    }
    rpc_reply_error(c, rpc_err_method(method->valuestring));
    cJSON_Delete(req);
}

static void on_rpc(nng_aio *aio)
{
    nng_http_req *req = nng_aio_get_input(aio, 0);
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    struct rpc_server *srv = nng_http_handler_get_data(h);
    void *body = NULL;
    size_t len = 0;
    nng_http_req_get_data(req, &body, &len);
    if (len > RPC_BODY_MAX) {
        cJSON *env = cJSON_CreateObject();
        cJSON_AddStringToObject(env, "jsonrpc", "2.0");
        cJSON_AddNullToObject(env, "id");
        cJSON_AddItemToObject(env, "error",
                              rpc_err_parse("Request body of %zu bytes is over the "
                                            "%u-byte limit",
                                            len, RPC_BODY_MAX));
        char *text = cJSON_PrintUnformatted(env);
        cJSON_Delete(env);
        http_finish(aio, 413, "application/json", text, text != NULL ? strlen(text) : 0);
        free(text);
        return;
    }
    dispatch(call_new(srv, aio), body, len);
}

static void on_status(nng_aio *aio)
{
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    struct rpc_server *srv = nng_http_handler_get_data(h);
    cJSON *st = rpc_status_json(srv, srv->node);
    http_finish_json(aio, st);
    cJSON_Delete(st);
}

static void on_healthz(nng_aio *aio)
{
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    struct rpc_server *srv = nng_http_handler_get_data(h);
    struct yb_buf b;
    yb_buf_init(&b, RPC_HEALTHZ_MAX);
    int rc = node_healthz(srv->node, &b);
    http_finish(aio, rc == YB_OK ? 200 : 503, "text/plain", b.data, b.len);
    yb_buf_fini(&b);
}

static void on_metrics(nng_aio *aio)
{
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    struct rpc_server *srv = nng_http_handler_get_data(h);
    struct yb_buf b;
    yb_buf_init(&b, RPC_METRICS_MAX);
    int rc = node_metrics_render(srv->node, &b);
    if (rc == YB_OK) {
        http_finish(aio, 200, "text/plain; version=0.0.4", b.data, b.len);
    } else {
        const char *msg = "metrics over their cap\n";
        http_finish(aio, 500, "text/plain", msg, strlen(msg));
    }
    yb_buf_fini(&b);
}

/* CORS preflight for browser clients: nearcore's get_cors allows any origin, POST and GET. */
static void on_options(nng_aio *aio)
{
    nng_http_res *res = NULL;
    int rv = nng_http_res_alloc(&res);
    if (rv == 0) {
        rv = nng_http_res_set_status(res, 204);
    }
    if (rv == 0) {
        rv = nng_http_res_set_header(res, "Access-Control-Allow-Origin", "*");
    }
    if (rv == 0) {
        rv = nng_http_res_set_header(res, "Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    }
    if (rv == 0) {
        rv = nng_http_res_set_header(res, "Access-Control-Allow-Headers", "Content-Type");
    }
    if (rv == 0) {
        rv = nng_http_res_set_header(res, "Access-Control-Max-Age", "3600");
    }
    if (rv != 0) {
        if (res != NULL) {
            nng_http_res_free(res);
        }
        nng_aio_finish(aio, rv);
        return;
    }
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

int rpc_server_start(struct node *node, const char *listen_addr, struct rpc_server **out)
{
    struct rpc_server *srv = yb_xcalloc(1, sizeof *srv);
    srv->node = node;
    srv->started = rpc_now();
    srv->refs = 1;
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->idle, NULL);
    char url[RPC_URL_MAX];
    int n = snprintf(url, sizeof url, "http://%s", listen_addr);
    if (n < 0 || (size_t)n >= sizeof url || nng_url_parse(&srv->url, url) != 0) {
        log_error("RPC-ADDR", "bad JSON-RPC listen address %s (want host:port)", listen_addr);
        server_free(srv);
        return YB_ECONFIG;
    }
    static const struct httpd_route routes[] = {
        {"/", "POST", on_rpc, RPC_BODY_HARD_MAX},
        {"/", "OPTIONS", on_options, 0},
        {"/status", "GET", on_status, 0},
        {"/healthz", "GET", on_healthz, 0},
        {"/metrics", "GET", on_metrics, 0},
    };
    int rv = nng_http_server_hold(&srv->http, srv->url);
    if (rv == 0) {
        rv = httpd_serve(srv->http, routes, sizeof routes / sizeof routes[0], srv);
    }
    if (rv != 0) {
        log_error("RPC-LISTEN", "cannot serve JSON-RPC on %s: %s", listen_addr, nng_strerror(rv));
        if (srv->http != NULL) {
            nng_http_server_release(srv->http);
        }
        server_free(srv);
        return YB_ECONNECT;
    }
    log_info("RPC-LISTEN", "JSON-RPC on http://%s", listen_addr);
    *out = srv;
    return YB_OK;
}

void rpc_server_stop(struct rpc_server *srv)
{
    if (srv == NULL) {
        return;
    }
    pthread_mutex_lock(&srv->mu);
    srv->stopping = true;
    bool answered_any = false;
    for (struct rpc_call *c = srv->parked; c != NULL; c = c->next) {
        if (!c->answered) {
            c->answered = true;
            answered_any = true;
            send_envelope(c, "error", rpc_err_internal("node is stopping"));
        }
        if (c->work != NULL) {
            /* a pending rpc_call_later ends now (its callback only takes the lock) */
            nng_aio_cancel(c->work);
        }
    }
    /* Deferred replies read the node: let those already scheduled finish before node_close. */
    while (srv->working > 0) {
        pthread_cond_wait(&srv->idle, &srv->mu);
    }
    pthread_mutex_unlock(&srv->mu);
    if (answered_any) {
        nng_msleep(RPC_STOP_FLUSH_MS);
    }
    nng_http_server_stop(srv->http);
    nng_http_server_release(srv->http);
    srv->http = NULL;
    pthread_mutex_lock(&srv->mu);
    bool last = --srv->refs == 0;
    pthread_mutex_unlock(&srv->mu);
    if (last) {
        server_free(srv);
    }
}
