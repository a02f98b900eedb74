/*
 * test_mockai.c — yb-mockai end to end: the real binary on a free loopback port, spoken to with
 * libcurl. The binary's path is argv[1] or $YB_MOCKAI (set by CMake).
 */
#define _GNU_SOURCE /* kill, fork helpers under -std=gnu17 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ai.h"
#include "buf.h"
#include "codec.h"
#include "crypto.h"
#include "err.h"

static const char *binary;

struct server {
    pid_t pid;
    char base[64];
};

/* A port nobody listens on right now (the kernel's pick for port 0). */
static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct resp {
    long status;
    struct yb_buf body;
    char retry_after[32];
    CURLcode rc;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct resp *r = arg;
    return yb_buf_append(&r->body, p, size * n) == YB_OK ? size * n : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
    struct resp *r = arg;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len > sizeof name && strncasecmp(p, name, sizeof name - 1) == 0) {
        const char *v = p + sizeof name - 1;
        size_t vlen = len - (sizeof name - 1);
        while (vlen && (*v == ' ')) {
            v++;
            vlen--;
        }
        while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n')) {
            vlen--;
        }
        snprintf(r->retry_after, sizeof r->retry_after, "%.*s", (int)vlen, v);
    }
    return len;
}

static CURL *make_req(const struct server *s, const char *path, const char *body, size_t n,
                      const char *behavior, struct curl_slist **hdrs, long timeout_ms,
                      struct resp *r)
{
    char url[128];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    memset(r, 0, sizeof *r);
    yb_buf_init(&r->body, 128u << 20);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    if (behavior) {
        char h[256];
        snprintf(h, sizeof h, "X-Mock-Behavior: %s", behavior);
        *hdrs = curl_slist_append(*hdrs, h);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
    }
    return c;
}

static void http(const struct server *s, const char *path, const char *body, size_t n,
                 const char *behavior, long timeout_ms, struct resp *r)
{
    struct curl_slist *hdrs = NULL;
    CURL *c = make_req(s, path, body, n, behavior, &hdrs, timeout_ms, r);
    r->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
}

/* POST a chat request whose only user message is `prompt`. */
static void ask(const struct server *s, const char *prompt, const char *behavior, struct resp *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", "gpt-4o-mini");
    cJSON *msgs = cJSON_AddArrayToObject(root, "messages");
    cJSON *sys = cJSON_CreateObject();
    cJSON_AddStringToObject(sys, "role", "system");
    cJSON_AddStringToObject(sys, "content", "You are a concise assistant.");
    cJSON_AddItemToArray(msgs, sys);
    cJSON *user = cJSON_CreateObject();
    cJSON_AddStringToObject(user, "role", "user");
    cJSON_AddStringToObject(user, "content", prompt);
    cJSON_AddItemToArray(msgs, user);
    char *body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    http(s, "/v1/chat/completions", body, strlen(body), behavior, 10000, r);
    cJSON_free(body);
}

static void resp_fini(struct resp *r)
{
    yb_buf_fini(&r->body);
}

/* choices[0].message.content of a 200 answer, copied into out. */
static void answer_of(struct resp *r, char *out, size_t cap)
{
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, 200);
    cJSON *root = cJSON_ParseWithLength((const char *)r->body.data, r->body.len);
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItem(root, "object")->valuestring, "chat.completion");
    assert_non_null(cJSON_GetObjectItem(root, "usage"));
    cJSON *choice = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "choices"), 0);
    assert_string_equal(cJSON_GetObjectItem(choice, "finish_reason")->valuestring, "stop");
    cJSON *msg = cJSON_GetObjectItem(choice, "message");
    assert_string_equal(cJSON_GetObjectItem(msg, "role")->valuestring, "assistant");
    snprintf(out, cap, "%s", cJSON_GetObjectItem(msg, "content")->valuestring);
    cJSON_Delete(root);
}

/* error.type (and error.code, "" for null) of an error answer. */
static void error_of(struct resp *r, long status, const char *type, const char *code)
{
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, status);
    cJSON *root = cJSON_ParseWithLength((const char *)r->body.data, r->body.len);
    assert_non_null(root);
    cJSON *err = cJSON_GetObjectItem(root, "error");
    assert_non_null(err);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(err, "message")));
    assert_string_equal(cJSON_GetObjectItem(err, "type")->valuestring, type);
    cJSON *c = cJSON_GetObjectItem(err, "code");
    assert_string_equal(cJSON_IsString(c) ? c->valuestring : "", code);
    cJSON_Delete(root);
}

static void start_server(struct server *s, const char *const *extra)
{
    unsigned port = free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", port);
    const char *argv[16] = {binary, "--listen", s->base, "--seed", "7", "--log-level", "warn"};
    size_t argc = 7;
    for (size_t i = 0; extra && extra[i] && argc < 15; i++) {
        argv[argc++] = extra[i];
    }
    argv[argc] = NULL;
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        execv(binary, (char *const *)argv);
        _exit(127);
    }
    struct resp r;
    for (int i = 0; i < 100; i++) {
        http(s, "/healthz", NULL, 0, NULL, 1000, &r);
        bool up = r.rc == CURLE_OK && r.status == 200;
        resp_fini(&r);
        if (up) {
            return;
        }
        usleep(50 * 1000);
    }
    fail_msg("yb-mockai did not come up on %s", s->base);
}

/* SIGTERM, then the exit status must be 0 (under ASan: no leaks either). */
static void stop_server(struct server *s)
{
    int st = 0;
    kill(s->pid, SIGTERM);
    assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
    if (!WIFEXITED(st)) {
        fail_msg("yb-mockai did not exit cleanly: signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
    }
    assert_int_equal(WEXITSTATUS(st), 0);
}

static int setup(void **state)
{
    struct server *s = calloc(1, sizeof *s);
    start_server(s, NULL);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    struct server *s = *state;
    stop_server(s);
    free(s);
    return 0;
}

static void arithmetic_is_evaluated_exactly(void **state)
{
    static const struct {
        const char *prompt, *want;
    } cases[] = {
        {"What is 2+2?", "4"},
        {"what is 12 * (3 + 4)?", "84"},
        {"Compute -3 - -5 please", "2"},
        {"what is 7/2?", "7/2"},
        {"what is 10/0?", "division by zero"},
        {"what is 9223372036854775807 + 1?", "overflow"},
        {"2 * (3 + (4 - 1)) / 3", "4"},
    };
    char got[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct resp r;
        ask(*state, cases[i].prompt, NULL, &r);
        answer_of(&r, got, sizeof got);
        assert_string_equal(got, cases[i].want);
        resp_fini(&r);
    }
}

static void other_prompts_get_the_template(void **state)
{
    struct resp r;
    char got[256];
    ask(*state, "  Tell me a joke about \"queues\"  ", NULL, &r);
    answer_of(&r, got, sizeof got);
    assert_string_equal(got, "yb-mockai answer to: \"Tell me a joke about \"queues\"\"");
    resp_fini(&r);
    ask(*state, "the 3-body problem", NULL, &r); /* digits without an expression */
    answer_of(&r, got, sizeof got);
    assert_string_equal(got, "yb-mockai answer to: \"the 3-body problem\"");
    resp_fini(&r);
}

static void rate_limit_429_carries_retry_after(void **state)
{
    struct resp r;
    ask(*state, "[mock:429,retry-after=7] What is 2+2?", NULL, &r);
    error_of(&r, 429, "requests", "rate_limit_exceeded");
    assert_string_equal(r.retry_after, "7");
    resp_fini(&r);
    ask(*state, "What is 2+2?", "429", &r); /* the header form */
    error_of(&r, 429, "requests", "rate_limit_exceeded");
    assert_string_equal(r.retry_after, "1");
    resp_fini(&r);
    ask(*state, "[mock:quota] hi", NULL, &r); /* quota: no Retry-After, not retryable */
    error_of(&r, 429, "insufficient_quota", "insufficient_quota");
    assert_string_equal(r.retry_after, "");
    resp_fini(&r);
    ask(*state, "[mock:ok] What is 2+2?", "429", &r); /* the prompt overrides the header */
    assert_int_equal(r.status, 200);
    resp_fini(&r);
}

static void server_errors_500_and_503(void **state)
{
    struct resp r;
    ask(*state, "[mock:500] hi", NULL, &r);
    error_of(&r, 500, "server_error", "");
    resp_fini(&r);
    ask(*state, "hi", "503,retry-after=3", &r);
    error_of(&r, 503, "server_error", "service_unavailable");
    assert_string_equal(r.retry_after, "3");
    resp_fini(&r);
}

static void malformed_mode_sends_broken_json(void **state)
{
    struct resp r;
    ask(*state, "[mock:malformed] What is 2+2?", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(r.body.len > 0);
    cJSON *root = cJSON_ParseWithLength((const char *)r.body.data, r.body.len);
    assert_null(root);
    resp_fini(&r);
}

static void oversize_answer(void **state)
{
    struct resp r;
    char head[64];
    ask(*state, "[mock:oversize=200000] What is 2+2?", NULL, &r);
    assert_int_equal(r.status, 200);
    cJSON *root = cJSON_ParseWithLength((const char *)r.body.data, r.body.len);
    assert_non_null(root);
    cJSON *choice = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "choices"), 0);
    const char *content =
        cJSON_GetObjectItem(cJSON_GetObjectItem(choice, "message"), "content")->valuestring;
    assert_int_equal(strlen(content), 200000);
    snprintf(head, sizeof head, "%.2s", content);
    assert_string_equal(head, "4 ");
    cJSON_Delete(root);
    resp_fini(&r);
}

static void latency_directive_delays_without_blocking(void **state)
{
    struct resp r;
    int64_t t0 = now_ms();
    ask(*state, "[mock:latency=400] What is 2+2?", NULL, &r);
    int64_t took = now_ms() - t0;
    assert_int_equal(r.status, 200);
    assert_true(took >= 390); /* timers have ms granularity */
    resp_fini(&r);

    /* Eight requests of 500 ms at once finish in about 500 ms, not 4 s. */
    enum { N = 8 };
    const char body[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+1?\"}]}";
    CURLM *multi = curl_multi_init();
    CURL *easy[N];
    struct resp rs[N];
    struct curl_slist *hdrs[N];
    for (int i = 0; i < N; i++) {
        easy[i] = make_req(*state, "/v1/chat/completions", body, sizeof body - 1, "latency=500",
                           &hdrs[i], 10000, &rs[i]);
        curl_multi_add_handle(multi, easy[i]);
    }
    t0 = now_ms();
    int running = N;
    while (running > 0) {
        curl_multi_perform(multi, &running);
        if (running > 0) {
            curl_multi_poll(multi, NULL, 0, 100, NULL);
        }
    }
    took = now_ms() - t0;
    for (int i = 0; i < N; i++) {
        long status = 0;
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status);
        assert_int_equal(status, 200);
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
        curl_slist_free_all(hdrs[i]);
        resp_fini(&rs[i]);
    }
    curl_multi_cleanup(multi);
    assert_true(took >= 490);
    assert_true(took < 2000);
}

static void hang_never_answers(void **state)
{
    struct resp r;
    int64_t t0 = now_ms();
    const char body[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"[mock:hang] hi\"}]}";
    http(*state, "/v1/chat/completions", body, sizeof body - 1, NULL, 300, &r);
    assert_int_equal(r.rc, CURLE_OPERATION_TIMEDOUT);
    assert_true(now_ms() - t0 >= 250); /* curl's timer may fire a little early */
    resp_fini(&r);
    /* another hang stays pending while the server is stopped in teardown */
    http(*state, "/v1/chat/completions", body, sizeof body - 1, "hang", 100, &r);
    assert_int_equal(r.rc, CURLE_OPERATION_TIMEDOUT);
    resp_fini(&r);
}

static void oversized_request_gets_413(void **state)
{
    size_t n = (1u << 20) + 1024;
    char *body = malloc(n + 1);
    memset(body, ' ', n);
    memcpy(body, "{\"messages\":[]}", 15);
    body[n] = 0;
    struct resp r;
    http(*state, "/v1/chat/completions", body, n, NULL, 10000, &r);
    error_of(&r, 413, "invalid_request_error", "request_too_large");
    resp_fini(&r);
    free(body);
    /* Past nng's own collection cap (8 MiB) nng refuses the body before our handler; the
     * server must still be up afterwards. */
    n = (9u << 20);
    body = malloc(n);
    memset(body, ' ', n);
    http(*state, "/v1/chat/completions", body, n, NULL, 10000, &r);
    assert_true(r.status >= 400 && r.status < 500);
    resp_fini(&r);
    free(body);
    ask(*state, "What is 1+1?", NULL, &r);
    assert_int_equal(r.status, 200);
    resp_fini(&r);
}

static void bad_requests_get_400(void **state)
{
    static const char *bodies[] = {
        "{\"messages\":[{\"role\":\"user\",\"content\":", /* cut JSON */
        "[1,2,3]",                                        /* not an object */
        "{\"model\":\"x\"}",                              /* no messages */
        "{\"messages\":[{\"role\":\"system\",\"content\":\"only system\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":42}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"[mock:latency=abc] hi\"}]}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct resp r;
        http(*state, "/v1/chat/completions", bodies[i], strlen(bodies[i]), NULL, 10000, &r);
        error_of(&r, 400, "invalid_request_error", "");
        resp_fini(&r);
    }
    struct resp r;
    ask(*state, "hi", "latency=99999999", &r); /* a bad header is a 400 too */
    error_of(&r, 400, "invalid_request_error", "");
    resp_fini(&r);
}

static void content_parts_and_models_and_health(void **state)
{
    struct resp r;
    char got[256];
    const char body[] = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"What is \"},{\"type\":\"text\",\"text\":\"6*7?\"}]}]}";
    http(*state, "/v1/chat/completions", body, sizeof body - 1, NULL, 10000, &r);
    answer_of(&r, got, sizeof got);
    assert_string_equal(got, "42");
    resp_fini(&r);
    http(*state, "/v1/models", NULL, 0, NULL, 10000, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((const char *)r.body.data, "\"yb-mock-1\""));
    resp_fini(&r);
    http(*state, "/healthz", NULL, 0, NULL, 10000, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((const char *)r.body.data, "\"status\":\"ok\""));
    resp_fini(&r);
}

/* The request log answers "how many times was this prompt asked". */
static void request_log_counts_prompts(void **state)
{
    const char *prompt = "How many times was I asked?";
    struct resp r;
    for (int i = 0; i < 3; i++) {
        ask(*state, prompt, NULL, &r);
        resp_fini(&r);
    }
    ask(*state, "something else", NULL, &r);
    resp_fini(&r);
    uint8_t d[SHA256_LEN];
    char hex[65];
    crypto_sha256((const uint8_t *)prompt, strlen(prompt), d);
    hex_encode(d, sizeof d, hex, sizeof hex);

    http(*state, "/v1/_log", NULL, 0, NULL, 10000, &r);
    assert_int_equal(r.status, 200);
    int seen = 0, lines = 0;
    char *text = (char *)r.body.data;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *e = cJSON_Parse(line);
        assert_non_null(e);
        lines++;
        assert_int_equal((int)cJSON_GetObjectItem(e, "id")->valuedouble, lines);
        if (strcmp(cJSON_GetObjectItem(e, "prompt_sha256")->valuestring, hex) == 0) {
            assert_string_equal(cJSON_GetObjectItem(e, "prompt")->valuestring, prompt);
            assert_int_equal((int)cJSON_GetObjectItem(e, "status")->valuedouble, 200);
            seen++;
        }
        cJSON_Delete(e);
    }
    assert_int_equal(seen, 3);
    assert_int_equal(lines, 1 + 4); /* the health check of start-up, then 4 chats */
    resp_fini(&r);
}

static void flags_error_rate_and_rate_limit(void **state)
{
    struct server s;
    const char *const extra[] = {"--error-rate", "1", NULL};
    start_server(&s, extra);
    struct resp r;
    ask(&s, "What is 2+2?", NULL, &r);
    error_of(&r, 500, "server_error", "");
    resp_fini(&r);
    stop_server(&s);

    const char *const limited[] = {"--rate-limit", "2", "--retry-after", "5", NULL};
    start_server(&s, limited);
    /* A second boundary may reset the window: within 4 quick tries one must be limited. */
    int limited_seen = 0;
    for (int i = 0; i < 4 && !limited_seen; i++) {
        ask(&s, "What is 2+2?", NULL, &r);
        if (r.status == 429) {
            assert_string_equal(r.retry_after, "5");
            limited_seen = 1;
        }
        resp_fini(&r);
    }
    assert_true(limited_seen);
    stop_server(&s);

    const char *const slow[] = {"--latency-ms", "200-300", NULL};
    start_server(&s, slow);
    int64_t t0 = now_ms();
    ask(&s, "What is 2+2?", NULL, &r);
    int64_t took = now_ms() - t0;
    assert_int_equal(r.status, 200);
    assert_true(took >= 190 && took < 2000);
    resp_fini(&r);
    stop_server(&s);
}

/* The oracle's own openai backend (oracle/ai.h) against yb-mockai: the request it builds is
 * accepted, and each injected fault lands in the class the oracle acts on. */
static void oracle_backend_classifies_mockai_answers(void **state)
{
    const struct server *s = *state;
    const struct ai_config cfg = {.backend = "openai",
                                  .base_url = s->base,
                                  .model = "yb-mock-1",
                                  .system_prompt = "Answer briefly.",
                                  .temperature = 0,
                                  .max_tokens = 64};
    static const struct {
        const char *prompt;
        enum ai_class want;
        const char *text;
        uint32_t retry_ms;
    } cases[] = {
        {"What is 6 * 7?", AI_OK, "42", 0},
        {"[mock:429,retry-after=2] What is 6 * 7?", AI_RETRY_LATER, NULL, 2000},
        {"[mock:503] hi", AI_RETRY_LATER, NULL, 1000},
        {"[mock:500] hi", AI_RETRY_LATER, NULL, 0},
        {"[mock:quota] hi", AI_PERMANENT_BACKEND, NULL, 0},
        {"[mock:401] hi", AI_PERMANENT_BACKEND, NULL, 0},
        {"[mock:400] hi", AI_PERMANENT_REQUEST, NULL, 0},
        {"[mock:malformed] hi", AI_BAD_RESPONSE, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ai_request req;
        assert_int_equal(ai_build_request(&cfg, cases[i].prompt, &req), YB_OK);
        struct resp r;
        memset(&r, 0, sizeof r);
        yb_buf_init(&r.body, 1u << 20);
        struct curl_slist *hdrs = NULL;
        for (size_t h = 0; h < req.n_headers; h++) {
            hdrs = curl_slist_append(hdrs, req.headers[h]);
        }
        CURL *c = curl_easy_init();
        curl_easy_setopt(c, CURLOPT_URL, req.url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req.body_len);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
        assert_int_equal(curl_easy_perform(c), CURLE_OK);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
        struct ai_result res;
        ai_parse_response(&cfg, r.status, r.retry_after[0] ? r.retry_after : NULL, time(NULL),
                          (const char *)r.body.data, r.body.len, &res);
        if (res.cls != cases[i].want) {
            fail_msg("%s: %s (%s), want %s", cases[i].prompt, ai_class_name(res.cls), res.message,
                     ai_class_name(cases[i].want));
        }
        if (cases[i].text) {
            assert_string_equal(res.text, cases[i].text);
        }
        assert_int_equal(res.retry_after_ms, cases[i].retry_ms);
        ai_result_fini(&res);
        curl_easy_cleanup(c);
        curl_slist_free_all(hdrs);
        resp_fini(&r);
        ai_request_fini(&req);
    }
}

int main(int argc, char **argv)
{
    binary = argc > 1 ? argv[1] : getenv("YB_MOCKAI");
    if (!binary) {
        fprintf(stderr, "usage: test_mockai PATH-TO-yb-mockai (or set YB_MOCKAI)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(arithmetic_is_evaluated_exactly),
        T(other_prompts_get_the_template),
        T(rate_limit_429_carries_retry_after),
        T(server_errors_500_and_503),
        T(malformed_mode_sends_broken_json),
        T(oversize_answer),
        T(latency_directive_delays_without_blocking),
        T(hang_never_answers),
        T(oversized_request_gets_413),
        T(bad_requests_get_400),
        T(content_parts_and_models_and_health),
        T(request_log_counts_prompts),
        T(oracle_backend_classifies_mockai_answers),
        cmocka_unit_test(flags_error_rate_and_rate_limit),
#undef T
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
