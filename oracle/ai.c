/*
 * ai.c — what every AI backend shares: the backend table, HTTP status classification
 * (oracle-anchors.md §3.5), Retry-After, backoff and UTF-8-safe truncation.
 */
#define _GNU_SOURCE /* strptime, timegm */
#include "ai.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ai_int.h"
#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "mem.h"

static const struct ai_backend_ops *const backends[] = {
    &ai_openai_ops,
    &ai_anthropic_ops,
};

const struct ai_backend_ops *ai_backend_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof backends / sizeof backends[0]; i++) {
        if (strcmp(backends[i]->name, name) == 0) {
            return backends[i];
        }
    }
    return NULL;
}

const char *ai_class_name(enum ai_class cls)
{
    switch (cls) {
    case AI_OK:
        return "ok";
    case AI_TRUNCATED:
        return "truncated";
    case AI_RETRY_LATER:
        return "retry_later";
    case AI_PERMANENT_BACKEND:
        return "permanent_backend";
    case AI_PERMANENT_REQUEST:
        return "permanent_request";
    case AI_BAD_RESPONSE:
        return "bad_response";
    }
    return "unknown";
}

char *ai_int_strfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = yb_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *ai_int_join_url(const char *base, const char *path)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    /* Accept both "https://api.openai.com" and "https://api.openai.com/v1" (the form most
     * OpenAI-compatible servers document). */
    if (n >= 3 && memcmp(base + n - 3, "/v1", 3) == 0) {
        n -= 3;
    }
    return ai_int_strfmt("%.*s%s", (int)n, base, path);
}

void ai_int_message(struct ai_result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *full = yb_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(full, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    /* Cut on a character boundary: messages end up in JSON logs. */
    size_t keep = ai_utf8_truncate(full, strlen(full), sizeof res->message - 1);
    memcpy(res->message, full, keep);
    res->message[keep] = 0;
    free(full);
}

void ai_int_set_body(struct ai_request *req, cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) {
        abort(); /* cJSON fails only on allocation: the yb_xmalloc policy */
    }
    req->body = yb_xstrdup(text);
    req->body_len = strlen(req->body);
    cJSON_free(text);
}

int ai_build_request(const struct ai_config *cfg, const char *prompt, struct ai_request *out)
{
    memset(out, 0, sizeof *out);
    const struct ai_backend_ops *ops = ai_backend_find(cfg->backend);
    if (!ops || !cfg->model || !cfg->model[0] || !cfg->base_url || !cfg->base_url[0]) {
        return YB_ECONFIG;
    }
    if (!prompt) {
        return YB_EINVAL;
    }
    if (strlen(prompt) > AI_PROMPT_MAX ||
        (cfg->system_prompt && strlen(cfg->system_prompt) > AI_SYSTEM_MAX)) {
        return YB_ETOOBIG;
    }
    const char *key = NULL;
    if (cfg->api_key_env && cfg->api_key_env[0]) {
        key = getenv(cfg->api_key_env);
        if (!key || !key[0]) {
            return YB_ECONFIG;
        }
    }
    int err = ops->build_request(cfg, prompt, key, out);
    if (err) {
        ai_request_fini(out);
    }
    return err;
}

void ai_request_fini(struct ai_request *req)
{
    free(req->url);
    for (size_t i = 0; i < req->n_headers; i++) {
        crypto_wipe(req->headers[i], strlen(req->headers[i]));
        free(req->headers[i]);
    }
    free(req->body);
    memset(req, 0, sizeof *req);
}

void ai_result_fini(struct ai_result *res)
{
    free(res->text);
    res->text = NULL;
    res->text_len = 0;
}

int ai_parse_retry_after(const char *value, int64_t now_unix, uint32_t *ms)
{
    *ms = 0;
    while (*value == ' ') {
        value++;
    }
    if (*value >= '0' && *value <= '9') {
        char *end = NULL;
        unsigned long long s = strtoull(value, &end, 10);
        while (*end == ' ') {
            end++;
        }
        if (*end) {
            return YB_EMALFORMED;
        }
        *ms = s >= AI_RETRY_AFTER_MAX_MS / 1000 ? AI_RETRY_AFTER_MAX_MS : (uint32_t)s * 1000;
        return YB_OK;
    }
    /* The HTTP-date form (RFC 9110 IMF-fixdate): "Wed, 21 Oct 2015 07:28:00 GMT". */
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end) {
        return YB_EMALFORMED;
    }
    int64_t at = (int64_t)timegm(&tm);
    int64_t wait = at > now_unix ? (at - now_unix) * 1000 : 0;
    *ms = wait >= AI_RETRY_AFTER_MAX_MS ? AI_RETRY_AFTER_MAX_MS : (uint32_t)wait;
    return YB_OK;
}

/* The error object of a non-200 body, both shapes: OpenAI {"error":{"message","type","code"}}
 * and Anthropic {"type":"error","error":{"type","message"}}. Returns the parsed root (caller
 * deletes) and the fields found (borrowed from it), or NULL when the body is not JSON. */
static cJSON *error_fields(const char *body, size_t n, const char **message, const char **type,
                           const char **code)
{
    *message = *type = *code = NULL;
    cJSON *root = cJSON_ParseWithLength(body, n);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (cJSON_IsObject(err)) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(err, "message");
        *message = cJSON_IsString(v) ? v->valuestring : NULL;
        v = cJSON_GetObjectItemCaseSensitive(err, "type");
        *type = cJSON_IsString(v) ? v->valuestring : NULL;
        v = cJSON_GetObjectItemCaseSensitive(err, "code");
        *code = cJSON_IsString(v) ? v->valuestring : NULL;
    } else if (cJSON_IsString(err)) {
        *message = err->valuestring; /* Ollama: {"error":"..."} */
    }
    return root;
}

static bool is_quota(const char *message, const char *type, const char *code)
{
    static const char *const words[] = {"insufficient_quota", "credit_balance_exhausted",
                                        "billing_error", "billing_hard_limit_reached"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if ((type && strcmp(type, words[i]) == 0) || (code && strcmp(code, words[i]) == 0)) {
            return true;
        }
    }
    return message && strstr(message, "exceeded your current quota") != NULL;
}

static enum ai_class classify_status(long status)
{
    switch (status) {
    case 401:
    case 402:
    case 403:
        return AI_PERMANENT_BACKEND;
    case 408:
    case 409:
    case 425:
    case 429:
        return AI_RETRY_LATER;
    default:
        break;
    }
    if (status >= 500 && status <= 599) {
        return AI_RETRY_LATER; /* 500, 502, 503, 504, 529 (Anthropic overloaded), ... */
    }
    if (status >= 400 && status <= 499) {
        return AI_PERMANENT_REQUEST; /* 400, 404, 413, 422, ... */
    }
    return AI_BAD_RESPONSE; /* 1xx, 3xx, other 2xx: nothing we asked for */
}

void ai_parse_response(const struct ai_config *cfg, long status, const char *retry_after,
                       int64_t now_unix, const char *body, size_t n, struct ai_result *out)
{
    memset(out, 0, sizeof *out);
    out->http_status = status;
    if (!body) {
        body = "";
        n = 0;
    }
    if (n > AI_RESPONSE_MAX) {
        out->cls = AI_BAD_RESPONSE;
        ai_int_message(out, "HTTP %ld: response of %zu bytes is over the %zu-byte cap", status, n,
                       AI_RESPONSE_MAX);
        return;
    }
    const struct ai_backend_ops *ops = ai_backend_find(cfg->backend);
    if (status == 200 && ops) {
        ops->parse_ok(body, n, out);
        return;
    }
    const char *message, *type, *code;
    cJSON *root = error_fields(body, n, &message, &type, &code);
    out->cls = classify_status(status);
    if (status == 429 && is_quota(message, type, code)) {
        out->cls = AI_PERMANENT_BACKEND; /* out of credit: retrying cannot help */
    }
    if (status == 200) {
        out->cls = AI_BAD_RESPONSE; /* unknown backend: cannot read the answer */
    }
    ai_int_message(out, "HTTP %ld%s%s%s%s", status, type || code ? " " : "",
                   type ? type : (code ? code : ""), message ? ": " : "", message ? message : "");
    cJSON_Delete(root);
    if (out->cls == AI_RETRY_LATER && retry_after) {
        ai_parse_retry_after(retry_after, now_unix, &out->retry_after_ms);
    }
}

void ai_transport_error(int curl_code, const char *what, struct ai_result *out)
{
    memset(out, 0, sizeof *out);
    switch ((CURLcode)curl_code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_AGAIN:
        out->cls = AI_RETRY_LATER;
        break;
    default:
        /* A bad URL, an unsupported protocol, a certificate problem: the configuration. */
        out->cls = AI_PERMANENT_BACKEND;
        break;
    }
    ai_int_message(out, "transport: %s", what ? what : curl_easy_strerror((CURLcode)curl_code));
}

/* splitmix64: seeded, reproducible jitter. */
static uint64_t backoff_rng(struct ai_backoff *b)
{
    b->rng += 0x9E3779B97F4A7C15ULL;
    uint64_t z = b->rng;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint32_t ai_backoff_delay(struct ai_backoff *b, unsigned attempt, uint32_t retry_after_ms)
{
    uint64_t ceiling = b->base_ms;
    for (unsigned i = 0; i < attempt && ceiling < b->cap_ms; i++) {
        ceiling *= 2;
    }
    if (ceiling > b->cap_ms) {
        ceiling = b->cap_ms;
    }
    uint32_t delay = (uint32_t)(backoff_rng(b) % (ceiling + 1));
    return delay < retry_after_ms ? retry_after_ms : delay;
}

size_t ai_utf8_truncate(const char *s, size_t len, size_t cap)
{
    if (len <= cap) {
        return len;
    }
    size_t n = cap;
    /* s[n] is the first byte dropped; if it continues a sequence, drop that sequence's start
     * too. At most 3 continuation bytes belong to one sequence. */
    size_t back = 0;
    while (n > 0 && back < 4 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
        back++;
    }
    return n;
}
