/*
 * ai.h — the oracle's AI backends: build the HTTP request for a prompt, classify and parse the
 * response. Pure functions (no I/O): the daemon's HTTP layer (libcurl multi under libev) sends
 * what ai_build_request describes and feeds the answer to ai_parse_response.
 *
 * Backends are ops tables (struct ai_backend_ops); adding one is one file and one entry in the
 * table of ai.c:
 *   "openai"     Chat Completions: OpenAI, Ollama's /v1, llama.cpp server, vLLM, yb-mockai
 *   "anthropic"  the Messages API
 *
 * Classification (oracle-anchors.md §3.5) of every outcome into enum ai_class:
 *   AI_OK                200 with an answer
 *   AI_TRUNCATED         200 with an answer cut by the token limit (finish_reason "length" /
 *                        stop_reason "max_tokens"): the text is there, flagged
 *   AI_RETRY_LATER       connect/timeout errors, 408, 409, 425, 429 (not quota), 5xx, 529:
 *                        back off (ai_backoff_delay), honouring Retry-After, within the deadline
 *   AI_PERMANENT_BACKEND 401, 402, 403, 429 quota/credit exhausted: never retry; alert
 *   AI_PERMANENT_REQUEST 400, 404, 413, 422, other 4xx, content_filter: answer with an error
 *   AI_BAD_RESPONSE      a 200 (or odd status) whose body is not the expected JSON: an error,
 *                        which the scheduler may retry a bounded number of times
 *
 * Thread rules: everything here is reentrant; a struct ai_backoff belongs to one thread.
 */
#ifndef YB_AI_H
#define YB_AI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AI_PROMPT_MAX         ((size_t)64 << 10) /* bytes of prompt accepted */
#define AI_SYSTEM_MAX         ((size_t)16 << 10) /* bytes of system prompt */
#define AI_RESPONSE_MAX       ((size_t)4 << 20)  /* bytes of response body parsed */
#define AI_HEADERS_MAX        4
#define AI_MESSAGE_MAX        256     /* bytes of error description kept */
#define AI_RETRY_AFTER_MAX_MS 120000u /* Retry-After values are capped here */
#define AI_ANTHROPIC_VERSION  "2023-06-01"

enum ai_class {
    AI_OK = 0,
    AI_TRUNCATED,
    AI_RETRY_LATER,
    AI_PERMANENT_BACKEND,
    AI_PERMANENT_REQUEST,
    AI_BAD_RESPONSE,
};

struct ai_config {
    const char *backend;  /* "openai" or "anthropic" */
    const char *base_url; /* "https://api.openai.com", "http://127.0.0.1:3033"; a trailing
                             "/v1" or "/" is accepted */
    const char *model;
    const char *api_key_env;   /* name of the environment variable holding the key; NULL or ""
                                  = send no key (local servers) */
    const char *system_prompt; /* NULL or "" = none */
    double temperature;        /* < 0 = leave out (the server's default) */
    uint32_t max_tokens;       /* 0 = leave out (openai); anthropic requires it: 0 means 1024 */
};

/* An HTTP POST to send. All strings are owned; free with ai_request_fini (which wipes the
 * headers: one of them carries the API key). */
struct ai_request {
    char *url;
    char *headers[AI_HEADERS_MAX]; /* "Name: value" lines, as curl_slist_append wants them */
    size_t n_headers;
    char *body;
    size_t body_len;
};

struct ai_result {
    enum ai_class cls;
    char *text; /* owned: the answer (AI_OK, AI_TRUNCATED), else NULL */
    size_t text_len;
    long http_status;             /* 0 for transport errors */
    uint32_t retry_after_ms;      /* server push-back, 0 = none given */
    char message[AI_MESSAGE_MAX]; /* why, for logs: the server's error message or ours */
};

struct ai_backend_ops {
    const char *name;
    /* Fill *out for `prompt` (borrowed, NUL-terminated) with `api_key` (borrowed, NULL = none).
     * Errors: YB_ETOOBIG (prompt/system over caps), YB_EINVAL. */
    int (*build_request)(const struct ai_config *cfg, const char *prompt, const char *api_key,
                         struct ai_request *out);
    /* Parse a 200 body (borrowed) into out->text, setting out->cls to AI_OK, AI_TRUNCATED,
     * AI_PERMANENT_REQUEST (content filtered) or AI_BAD_RESPONSE. */
    void (*parse_ok)(const char *body, size_t n, struct ai_result *out);
};

/* The backend called `name` (borrowed), or NULL. */
const struct ai_backend_ops *ai_backend_find(const char *name);

/*
 * Build the request for `prompt` (borrowed) with cfg (borrowed). The API key is read from the
 * environment variable cfg->api_key_env. *out is caller-owned; on success free it with
 * ai_request_fini (on error it holds nothing). Errors: YB_ECONFIG (unknown backend, missing
 * model or base_url, key variable named but unset or empty), YB_ETOOBIG, YB_EINVAL.
 */
int ai_build_request(const struct ai_config *cfg, const char *prompt, struct ai_request *out);

void ai_request_fini(struct ai_request *req);

/*
 * Classify and parse one HTTP answer: `status`, the Retry-After header value (borrowed, NULL if
 * absent; seconds or an HTTP date, relative to now_unix), and body[0..n) (borrowed). *out is
 * caller-owned and filled; free it with ai_result_fini. Never fails: every input is classified.
 */
void ai_parse_response(const struct ai_config *cfg, long status, const char *retry_after,
                       int64_t now_unix, const char *body, size_t n, struct ai_result *out);

/* Classify a transport failure (a CURLcode) into *out (AI_RETRY_LATER for connection and
 * timeout errors, AI_PERMANENT_BACKEND for configuration errors such as a bad URL or TLS
 * certificate). `what` (borrowed) is the error text for out->message. */
void ai_transport_error(int curl_code, const char *what, struct ai_result *out);

void ai_result_fini(struct ai_result *res);

/* "3" -> 3000 ms; an HTTP date -> the ms from now_unix to it (0 if past); capped at
 * AI_RETRY_AFTER_MAX_MS. value borrowed. Errors: YB_EMALFORMED (then *ms is 0). */
int ai_parse_retry_after(const char *value, int64_t now_unix, uint32_t *ms);

/* Exponential backoff with full jitter (AWS): delay = rand[0, min(cap, base * 2^attempt)],
 * but never less than the server's Retry-After. Seeded, so tests are reproducible. */
struct ai_backoff {
    uint32_t base_ms; /* e.g. 500 */
    uint32_t cap_ms;  /* e.g. 8000 */
    uint64_t rng;     /* seed; advanced by every call */
};

/* Delay before retry number `attempt` (0 = the first retry). retry_after_ms 0 = none. */
uint32_t ai_backoff_delay(struct ai_backoff *b, unsigned attempt, uint32_t retry_after_ms);

/* The longest prefix of s[0..len) (borrowed) of at most cap bytes that does not end inside a
 * UTF-8 sequence. (Invalid bytes are left as they are; only the cut is made safe.) */
size_t ai_utf8_truncate(const char *s, size_t len, size_t cap);

/* "ok", "truncated", "retry_later", ... (for logs and metric labels). */
const char *ai_class_name(enum ai_class cls);

#endif
