/*
 * rpc.c — JSON-RPC 2.0 over HTTP POST with libcurl's easy interface.
 *
 * The request/response logic is kept apart from libcurl (rpc_build_request,
 * rpc_parse_response) so a curl-multi client can share it. CURLcode values are converted to
 * enum yb_err in one place, curl_to_err().
 */
#include "rpc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "mem.h"

void rpc_error_fini(struct rpc_error *err)
{
    if (err == NULL) {
        return;
    }
    cJSON_Delete(err->object);
    memset(err, 0, sizeof *err);
}

/* snprintf at *used, advancing it; output past the end of out is cut, never overrun. */
static void describe_add(char *out, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void describe_add(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
    if (*used + 1 >= cap) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (n > 0) {
        *used = *used + (size_t)n < cap - 1 ? *used + (size_t)n : cap - 1;
    }
}

const char *rpc_error_describe(int rc, const struct rpc_error *err, char *out, size_t cap)
{
    if (cap == 0) {
        return out;
    }
    size_t used = 0;
    out[0] = '\0';
    describe_add(out, cap, &used, "%s", yb_err_name(rc));
    if (err != NULL && rc == YB_ERPC) {
        if (err->legacy) {
            describe_add(out, cap, &used, " query error");
        } else {
            describe_add(out, cap, &used, " %s/%s code %lld", err->name ? err->name : "-",
                         err->cause_name ? err->cause_name : "-", (long long)err->code);
        }
        /* data says the most when it is a string (§10.1); otherwise the message. */
        if (cJSON_IsString(err->data) && err->data->valuestring != NULL) {
            describe_add(out, cap, &used, ": %s", err->data->valuestring);
        } else if (err->message != NULL) {
            describe_add(out, cap, &used, ": %s", err->message);
        }
    } else if (err != NULL && err->http_status != 0 && err->http_status != 200) {
        describe_add(out, cap, &used, " status %ld", err->http_status);
    }
    if (err != NULL && err->detail[0] != '\0') {
        describe_add(out, cap, &used, ": %s", err->detail);
    }
    return out;
}

const cJSON *rpc_error_invalid_tx(const struct rpc_error *err)
{
    const cJSON *exec = NULL;
    if (err == NULL || json_get_object(err->data, "TxExecutionError", &exec) != YB_OK) {
        return NULL;
    }
    return cJSON_GetObjectItemCaseSensitive(exec, "InvalidTxError");
}

bool rpc_error_is_invalid_nonce(const struct rpc_error *err, uint64_t *ak_nonce)
{
    const cJSON *nonce = NULL;
    uint64_t n = 0;
    if (json_get_object(rpc_error_invalid_tx(err), "InvalidNonce", &nonce) != YB_OK ||
        json_get_u64(nonce, "ak_nonce", &n) != YB_OK) {
        return false;
    }
    if (ak_nonce != NULL) {
        *ak_nonce = n;
    }
    return true;
}

bool rpc_error_is_transient(int rc, const struct rpc_error *err)
{
    switch (rc) {
    case YB_ECONNECT:
    case YB_ETIMEDOUT:
    case YB_EIO:
        return true;
    case YB_EHTTP: {
        long st = err != NULL ? err->http_status : 0;
        return st == 408 || st == 429 || st == 500 || st == 502 || st == 503 || st == 504;
    }
    case YB_ERPC:
        if (err == NULL || err->legacy) {
            return false;
        }
        return (err->cause_name != NULL && strcmp(err->cause_name, "TIMEOUT_ERROR") == 0) ||
               (err->name != NULL && strcmp(err->name, "INTERNAL_ERROR") == 0);
    default:
        return false;
    }
}

/* ---- pure layer ---- */

int rpc_build_request(const char *method, const cJSON *params, uint64_t id, char **out)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root != NULL && cJSON_AddStringToObject(root, "jsonrpc", "2.0") != NULL &&
              json_add_u64(root, "id", id) == YB_OK &&
              cJSON_AddStringToObject(root, "method", method) != NULL;
    if (ok && params != NULL) {
        /* A reference prints the caller's tree without copying it and without taking it:
         * deleting root leaves params alone. cJSON's API is not const-correct here. */
        ok = cJSON_AddItemReferenceToObject(root, "params", (cJSON *)params);
    } else if (ok) {
        ok = cJSON_AddArrayToObject(root, "params") != NULL;
    }
    char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL) {
        return YB_ENOMEM;
    }
    *out = text;
    return YB_OK;
}

/* True when the response's id is ours: the same number, or the same digits as a string. */
static bool id_matches(const cJSON *v, uint64_t id)
{
    uint64_t got = 0;
    return v != NULL && json_as_u64(v, &got) == YB_OK && got == id;
}

/* Takes the "error" object out of root into err and picks out NEAR's fields (§10.1). */
static void take_error(cJSON *root, struct rpc_error *err)
{
    cJSON *e = cJSON_DetachItemFromObjectCaseSensitive(root, "error");
    err->object = e;
    const char *s = NULL;
    if (json_get_str(e, "name", &s) == YB_OK) {
        err->name = s;
    }
    if (json_get_str(e, "message", &s) == YB_OK) {
        err->message = s;
    }
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
    /* The range test comes first: converting an out-of-range double is undefined
     * (fuzz_rpc_response found {"code":1e300}). */
    if (cJSON_IsNumber(code) && code->valuedouble >= -9.0e15 && code->valuedouble <= 9.0e15) {
        err->code = (int64_t)code->valuedouble;
    }
    err->data = cJSON_GetObjectItemCaseSensitive(e, "data");
    const cJSON *cause = NULL;
    if (json_get_object(e, "cause", &cause) == YB_OK) {
        if (json_get_str(cause, "name", &s) == YB_OK) {
            err->cause_name = s;
        }
        const cJSON *info = NULL;
        if (json_get_object(cause, "info", &info) == YB_OK) {
            err->cause_info = info;
        }
    }
}

int rpc_parse_response(long http_status, const char *body, size_t len, size_t max_len, uint64_t id,
                       cJSON **result, struct rpc_error *err)
{
    memset(err, 0, sizeof *err);
    err->http_status = http_status;
    /* A non-200 answer is only trusted when it carries a proper JSON-RPC error. */
    int not_rpc = http_status == 200 ? YB_EMALFORMED : YB_EHTTP;
    if (max_len == 0) {
        max_len = RPC_MAX_RESPONSE;
    }
    if (len > max_len) {
        return YB_ETOOBIG;
    }
    cJSON *root = NULL;
    if (json_parse(body, len, max_len, &root, NULL) != YB_OK) {
        return http_status == 200 ? YB_EJSON : YB_EHTTP;
    }
    int rc;
    const cJSON *id_item = cJSON_GetObjectItemCaseSensitive(root, "id");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "result");
    if (!cJSON_IsObject(root)) {
        rc = not_rpc;
    } else if (error != NULL && !cJSON_IsNull(error)) {
        /* JSON-RPC 2.0 lets a server answer a request it could not parse with id null. */
        if (cJSON_IsObject(error) && (id_matches(id_item, id) || cJSON_IsNull(id_item))) {
            take_error(root, err);
            rc = YB_ERPC;
        } else {
            rc = not_rpc;
        }
    } else if (res == NULL || http_status != 200 || !id_matches(id_item, id)) {
        rc = not_rpc;
    } else {
        cJSON *r = cJSON_DetachItemFromObjectCaseSensitive(root, "result");
        const char *legacy = NULL;
        /* near-rpc.md §10.3: nearcore reports some query failures as a result holding an
         * "error" string, and near-api-js treats any such result as an error; so do we. */
        if (json_get_str(r, "error", &legacy) == YB_OK) {
            err->object = r;
            err->message = legacy;
            err->data = cJSON_GetObjectItemCaseSensitive(r, "error");
            err->legacy = true;
            rc = YB_ERPC;
        } else {
            *result = r;
            rc = YB_OK;
        }
    }
    cJSON_Delete(root);
    return rc;
}

/* ---- blocking client ---- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_OK;

static void global_init_once(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int rpc_global_init(void)
{
    pthread_once(&global_once, global_init_once);
    return global_rc == CURLE_OK ? YB_OK : YB_EINTERNAL;
}

void rpc_global_cleanup(void)
{
    curl_global_cleanup();
}

/* The one place CURLcode becomes enum yb_err. */
static int curl_to_err(CURLcode cc, bool body_over_cap)
{
    switch (cc) {
    case CURLE_OK:
        return YB_OK;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return YB_ECONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return YB_ETIMEDOUT;
    case CURLE_FILESIZE_EXCEEDED:
        return YB_ETOOBIG;
    case CURLE_WRITE_ERROR:
        return body_over_cap ? YB_ETOOBIG : YB_EIO;
    case CURLE_OUT_OF_MEMORY:
        return YB_ENOMEM;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return YB_EINVAL;
    default:
        return YB_EIO;
    }
}

/* Returning less than asked makes libcurl stop with CURLE_WRITE_ERROR: that is the cap. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *userdata)
{
    struct rpc_transfer *t = userdata;
    size_t n = size * nmemb;
    if (yb_buf_append(&t->body, p, n) != YB_OK) {
        t->over_cap = true;
        return 0;
    }
    return n;
}

/* opts with zero fields replaced by the defaults; YB_EINVAL on negative timeouts. */
static int resolve_opts(const struct rpc_opts *opts, struct rpc_opts *out)
{
    struct rpc_opts o = {0};
    if (opts != NULL) {
        o = *opts;
    }
    if (o.connect_timeout_ms < 0 || o.timeout_ms < 0) {
        return YB_EINVAL;
    }
    o.connect_timeout_ms = o.connect_timeout_ms ? o.connect_timeout_ms : RPC_CONNECT_TIMEOUT_MS;
    o.timeout_ms = o.timeout_ms ? o.timeout_ms : RPC_TIMEOUT_MS;
    o.max_response = o.max_response ? o.max_response : RPC_MAX_RESPONSE;
    *out = o;
    return YB_OK;
}

_Static_assert(RPC_ERROR_DETAIL_MAX >= CURL_ERROR_SIZE, "curl's error buffer must fit");

/* Sets up t; `share` (a CURLSH *, or NULL) lets successive transfers reuse connections. */
static int transfer_setup(struct rpc_transfer *t, const char *url, const struct rpc_opts *opts,
                          const char *method, const cJSON *params, uint64_t id, CURLSH *share)
{
    memset(t, 0, sizeof *t);
    struct rpc_opts o;
    if (url == NULL || url[0] == '\0' || method == NULL || resolve_opts(opts, &o) != YB_OK) {
        return YB_EINVAL;
    }
    int rc = rpc_build_request(method, params, id, &t->request);
    if (rc != YB_OK) {
        return rc;
    }
    t->id = id;
    t->max_response = o.max_response;
    yb_buf_init(&t->body, o.max_response);
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        rpc_transfer_fini(t);
        return YB_ENOMEM;
    }
    t->curl = curl;
    struct curl_slist *h = NULL;
    const char *lines[] = {"Content-Type: application/json", "Accept: application/json",
                           "Expect:"}; /* no 100-continue round trip for large bodies */
    for (size_t i = 0; i < 3; i++) {
        struct curl_slist *next = curl_slist_append(h, lines[i]);
        if (next == NULL) {
            curl_slist_free_all(h);
            rpc_transfer_fini(t);
            return YB_ENOMEM;
        }
        h = next;
    }
    t->headers = h;

    /* Timeouts are always set: libcurl's default total timeout is "never"
     * (oracle-anchors.md §5.2). NOSIGNAL keeps it from using SIGALRM in threads. The size cap
     * is applied twice: MAXFILESIZE refuses a too-large Content-Length up front, the write
     * callback stops bodies of unknown length. */
    CURLcode cc = CURLE_OK;
    cc |= curl_easy_setopt(curl, CURLOPT_URL, url);
    cc |= curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    cc |= curl_easy_setopt(curl, CURLOPT_POSTFIELDS, t->request);
    cc |= curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(t->request));
    cc |= curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    cc |= curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
    cc |= curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o.timeout_ms);
    cc |= curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o.max_response);
    cc |= curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    cc |= curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    cc |= curl_easy_setopt(curl, CURLOPT_USERAGENT, "yieldbox/0.1");
    cc |= curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    cc |= curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
    cc |= curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, t->curl_msg);
    cc |= curl_easy_setopt(curl, CURLOPT_PRIVATE, t);
    if (share != NULL) {
        cc |= curl_easy_setopt(curl, CURLOPT_SHARE, share);
    }
    if (cc != CURLE_OK) {
        rpc_transfer_fini(t);
        return YB_EINVAL;
    }
    return YB_OK;
}

int rpc_transfer_init(struct rpc_transfer *t, const char *url, const struct rpc_opts *opts,
                      const char *method, const cJSON *params, uint64_t id)
{
    return transfer_setup(t, url, opts, method, params, id, NULL);
}

int rpc_transfer_finish(struct rpc_transfer *t, int curl_code, cJSON **result,
                        struct rpc_error *err)
{
    memset(err, 0, sizeof *err);
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    int rc = curl_to_err((CURLcode)curl_code, t->over_cap);
    if (rc != YB_OK) {
        err->http_status = status;
        snprintf(err->detail, sizeof err->detail, "%s",
                 t->curl_msg[0] != '\0' ? t->curl_msg : curl_easy_strerror((CURLcode)curl_code));
        return rc;
    }
    const char *text = t->body.data != NULL ? (const char *)t->body.data : "";
    return rpc_parse_response(status, text, t->body.len, t->max_response, t->id, result, err);
}

void rpc_transfer_fini(struct rpc_transfer *t)
{
    if (t->curl != NULL) {
        curl_easy_cleanup(t->curl);
    }
    curl_slist_free_all(t->headers);
    free(t->request);
    yb_buf_fini(&t->body);
    memset(t, 0, sizeof *t);
}

int rpc_client_init(struct rpc_client *c, const char *url, const struct rpc_opts *opts)
{
    memset(c, 0, sizeof *c);
    struct rpc_opts o;
    if (url == NULL || url[0] == '\0' || resolve_opts(opts, &o) != YB_OK) {
        return YB_EINVAL;
    }
    /* A share handle keeps the connection cache between calls, so a client that makes many
     * calls reuses one keep-alive connection although each call has its own easy handle. */
    CURLSH *share = curl_share_init();
    if (share == NULL) {
        return YB_ENOMEM;
    }
    if (curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK) {
        curl_share_cleanup(share);
        return YB_EINTERNAL;
    }
    c->url = yb_xstrdup(url);
    c->share = share;
    c->next_id = 1;
    c->opts = o;
    return YB_OK;
}

void rpc_client_fini(struct rpc_client *c)
{
    if (c->share != NULL) {
        curl_share_cleanup(c->share);
    }
    free(c->url);
    memset(c, 0, sizeof *c);
}

int rpc_call(struct rpc_client *c, const char *method, const cJSON *params, cJSON **result,
             struct rpc_error *err)
{
    struct rpc_error local;
    if (err == NULL) {
        err = &local;
    }
    memset(err, 0, sizeof *err);
    struct rpc_transfer t;
    int rc = transfer_setup(&t, c->url, &c->opts, method, params, c->next_id++, c->share);
    if (rc != YB_OK) {
        return rc;
    }
    CURLcode cc = curl_easy_perform(t.curl);
    rc = rpc_transfer_finish(&t, (int)cc, result, err);
    rpc_transfer_fini(&t);
    if (err == &local) {
        rpc_error_fini(&local);
    }
    return rc;
}
