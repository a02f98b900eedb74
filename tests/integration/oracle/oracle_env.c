/*
 * oracle_env.c — see oracle_env.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "json.h"
#include "oracle_env.h"

uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- processes ---- */

/* fork + exec argv with stdout/stderr appended to log; env_kv ("K=V" or NULL) added. */
pid_t spawn(char *const argv[], const char *log, const char *env_kv)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* Dies with the test: a failed or killed test leaves no process behind. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        if (env_kv) {
            putenv((char *)env_kv);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static size_t sink(char *p, size_t size, size_t n, void *userp)
{
    struct yb_buf *b = userp;
    return yb_buf_append(b, p, size * n) == YB_OK ? size * n : 0;
}

/* GET url into *body (free()); returns the HTTP status, 0 when nothing answered. */
long http_get(const char *url, char **body)
{
    struct yb_buf b;
    yb_buf_init(&b, 64u << 20);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(c);
    if (body) {
        yb_buf_append_byte(&b, 0);
        *body = (char *)yb_buf_steal(&b, NULL);
    }
    yb_buf_fini(&b);
    return status;
}

bool wait_http_ok(const char *url, int ms)
{
    uint64_t end = mono_ms() + (uint64_t)ms;
    while (mono_ms() < end) {
        if (http_get(url, NULL) == 200) {
            return true;
        }
        usleep(50000);
    }
    return false;
}

static void start_mock(struct env *e, const char *const *extra)
{
    unsigned port = chain_proc_free_port();
    snprintf(e->mock_url, sizeof e->mock_url, "http://127.0.0.1:%u", port);
    char *argv[16] = {getenv("YB_MOCKAI"), "--listen", e->mock_url};
    int n = 3;
    for (int i = 0; extra && extra[i] && n < 15; i++) {
        argv[n++] = (char *)extra[i];
    }
    argv[n] = NULL;
    char log[400];
    snprintf(log, sizeof log, "%s/mockai.log", e->chain.home);
    e->mock = spawn(argv, log, NULL);
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", e->mock_url);
    assert_true(wait_http_ok(url, 10000));
}

/* Starts oracle number i (0-based) with extra flags; failpoint_env may be NULL. Waits for its
 * /healthz (its first successful poll) unless it is expected to die. */
void start_oracle(struct env *e, int i, const char *const *extra, const char *failpoint_env)
{
    unsigned port = chain_proc_free_port();
    snprintf(e->metrics_url[i], sizeof e->metrics_url[i], "http://127.0.0.1:%u", port);
    snprintf(e->journal[i], sizeof e->journal[i], "%s/journal%d", e->chain.home, i);
    char key[400], log[400];
    snprintf(key, sizeof key, "%s/keys/oracle.test.near.json", e->chain.home);
    snprintf(log, sizeof log, "%s/oracle%d.log", e->chain.home, i);
    char *argv[40] = {getenv("YB_ORACLE"),
                      "--rpc-url",
                      e->chain.rpc_url,
                      "--events-url",
                      e->chain.events_url,
                      "--contract-id",
                      "assistant.test.near",
                      "--account-id",
                      "oracle.test.near",
                      "--key-file",
                      key,
                      "--journal-dir",
                      e->journal[i],
                      "--ai-base-url",
                      e->mock_url,
                      "--metrics-listen",
                      e->metrics_url[i],
                      "--poll-interval-ms",
                      "200",
                      "--backoff-base-ms",
                      "100",
                      "--backoff-cap-ms",
                      "1000",
                      "--log-level",
                      "debug"};
    int n = 25;
    for (int k = 0; extra && extra[k] && n < 39; k++) {
        argv[n++] = (char *)extra[k];
    }
    argv[n] = NULL;
    e->oracle[i] = spawn(argv, log, failpoint_env);
    if (!failpoint_env) {
        char url[128];
        snprintf(url, sizeof url, "%s/healthz", e->metrics_url[i]);
        assert_true(wait_http_ok(url, 15000));
    }
}

int stop_pid(pid_t *pid, int sig)
{
    int status = -1;
    if (*pid <= 0) {
        return status;
    }
    kill(*pid, sig);
    uint64_t end = mono_ms() + STOP_WAIT_MS;
    pid_t got = 0;
    while ((got = waitpid(*pid, &status, WNOHANG)) == 0 && mono_ms() < end) {
        usleep(10000);
    }
    if (got == 0) {
        /* A process that ignores its stop signal is a bug to report, not to wait for. */
        fprintf(stderr, "process %d did not stop %d ms after signal %d; killing it\n", (int)*pid,
                STOP_WAIT_MS, sig);
        kill(*pid, SIGKILL);
        waitpid(*pid, &status, 0);
        status = STOP_HUNG;
    }
    *pid = 0;
    return status;
}

void env_start(struct env *e, unsigned block_ms, unsigned yield_timeout,
               const char *const *mock_extra)
{
    env_start_args(e, block_ms, yield_timeout, mock_extra, NULL);
}

void env_start_args(struct env *e, unsigned block_ms, unsigned yield_timeout,
                    const char *const *mock_extra, const char *const *chain_args)
{
    memset(e, 0, sizeof *e);
    e->started = true;
    struct chain_proc_opts o = {.mode = "interval",
                                .block_time_ms = block_ms,
                                .yield_timeout = yield_timeout,
                                .args = chain_args};
    assert_int_equal(chain_proc_start(&e->chain, &o), 0);
    start_mock(e, mock_extra);
    struct rpc_opts ro = {.timeout_ms = 120000};
    assert_int_equal(rpc_client_init(&e->rpc, e->chain.rpc_url, &ro), YB_OK);
    char key[400];
    snprintf(key, sizeof key, "%s/keys/user.test.near.json", e->chain.home);
    assert_int_equal(signer_init(&e->user, key, "user.test.near"), YB_OK);
}

/* Copies the oracles' warnings, errors and sanitizer reports to stderr: what a failed scenario
 * needs to explain. Returns the number of sanitizer report lines (they fail the scenario). */
static int show_oracle_warnings(struct env *e)
{
    int sanitizer = 0;
    for (int i = 0; i < MAX_ORACLES; i++) {
        char path[400], line[1024];
        snprintf(path, sizeof path, "%s/oracle%d.log", e->chain.home, i);
        FILE *f = fopen(path, "r");
        int shown = 0;
        while (f && shown < 40 && fgets(line, sizeof line, f)) {
            bool san = strstr(line, "Sanitizer") || strstr(line, "runtime error:");
            if (san || strstr(line, " WARN ") || strstr(line, " ERROR ")) {
                fprintf(stderr, "  oracle%d: %s", i, line);
                shown++;
                sanitizer += san;
            }
        }
        if (f) {
            fclose(f);
        }
    }
    return sanitizer;
}

/* Stops everything (oracles first, with SIGTERM so sanitizers report at exit). Returns the
 * oracles' sanitizer report lines. */
int env_stop(struct env *e)
{
    if (!e->started) {
        return 0;
    }
    e->started = false;
    int hung = 0;
    for (int i = 0; i < MAX_ORACLES; i++) {
        hung += stop_pid(&e->oracle[i], SIGTERM) == STOP_HUNG;
    }
    int sanitizer = show_oracle_warnings(e) + hung;
    stop_pid(&e->mock, SIGTERM);
    rpc_client_fini(&e->rpc);
    signer_fini(&e->user);
    chain_proc_cleanup(&e->chain);
    return sanitizer;
}

/* ---- the user's side ---- */

cJSON *call_quiet(struct env *e, const char *method, cJSON *params, bool quiet)
{
    cJSON *result = NULL;
    struct rpc_error err = {0};
    int rc = rpc_call(&e->rpc, method, params, &result, &err);
    if (rc != YB_OK && !quiet) {
        char why[512];
        print_error("%s: %s\n", method, rpc_error_describe(rc, &err, why, sizeof why));
    }
    rpc_error_fini(&err);
    cJSON_Delete(params);
    return result;
}

cJSON *call(struct env *e, const char *method, cJSON *params)
{
    return call_quiet(e, method, params, false);
}

void env_final_block_hash(struct env *e, uint8_t out[NEAR_HASH_LEN])
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "finality", "final");
    cJSON *b = call(e, "block", p);
    const cJSON *h = NULL;
    const char *hash = NULL;
    assert_int_equal(json_get_object(b, "header", &h), YB_OK);
    assert_int_equal(json_get_str(h, "hash", &hash), YB_OK);
    assert_int_equal(near_hash_parse(hash, strlen(hash), out), YB_OK);
    cJSON_Delete(b);
}

/* Sends `request` {"prompt"} as user.test.near without waiting; hash gets the tx hash. */
void send_request(struct env *e, const char *prompt, char hash[NEAR_HASH_STR_MAX])
{
    if (!e->user.nonce_known) {
        char pk[NEAR_PUBKEY_STR_MAX];
        signer_public_key(&e->user, pk);
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "request_type", "view_access_key");
        cJSON_AddStringToObject(p, "finality", "optimistic");
        cJSON_AddStringToObject(p, "account_id", "user.test.near");
        cJSON_AddStringToObject(p, "public_key", pk);
        cJSON *r = call(e, "query", p);
        uint64_t nonce = 0;
        assert_int_equal(json_get_u64(r, "nonce", &nonce), YB_OK);
        cJSON_Delete(r);
        signer_recover(&e->user, nonce);
    }
    uint8_t block_hash[NEAR_HASH_LEN];
    env_final_block_hash(e, block_hash);
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "prompt", prompt);
    char *text = cJSON_PrintUnformatted(args);
    cJSON_Delete(args);
    char *b64 = NULL;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(signer_function_call(&e->user, "assistant.test.near", "request", text,
                                          strlen(text), REQUEST_GAS, block_hash, &b64, h, NULL),
                     YB_OK);
    cJSON_free(text);
    near_hash_format(h, hash);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "signed_tx_base64", b64);
    cJSON_AddStringToObject(p, "wait_until", "NONE");
    free(b64);
    cJSON *r = call(e, "send_tx", p);
    assert_non_null(r);
    cJSON_Delete(r);
}

/* Waits for the request tx's final value; status gets "answered"/"timeout", answer (may be
 * NULL) the answer. */
void await_result(struct env *e, const char *hash, char *status, size_t scap, char *answer,
                  size_t acap)
{
    /* Sent with wait_until NONE: until the next block the chain may not know the hash yet. */
    cJSON *r = NULL;
    uint64_t end = mono_ms() + 120000;
    while (!r && mono_ms() < end) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "tx_hash", hash);
        cJSON_AddStringToObject(p, "sender_account_id", "user.test.near");
        cJSON_AddStringToObject(p, "wait_until", "EXECUTED_OPTIMISTIC");
        r = call_quiet(e, "tx", p, true);
        if (!r) {
            usleep(50000);
        }
    }
    assert_non_null(r);
    const cJSON *st = NULL;
    assert_int_equal(json_get_object(r, "status", &st), YB_OK);
    uint8_t *v = NULL;
    size_t n = 0;
    if (json_get_base64(st, "SuccessValue", 1 << 20, &v, &n) != YB_OK) {
        char *t = cJSON_PrintUnformatted(st);
        fail_msg("request %s failed: %s", hash, t);
    }
    cJSON *value = NULL;
    assert_int_equal(json_parse((const char *)v, n, 1 << 20, &value, NULL), YB_OK);
    const char *s = NULL, *a = NULL;
    assert_int_equal(json_get_str(value, "status", &s), YB_OK);
    snprintf(status, scap, "%s", s);
    if (answer) {
        answer[0] = 0;
        if (json_opt_str(value, "answer", NULL, &a) == YB_OK && a) {
            snprintf(answer, acap, "%s", a);
        }
    }
    cJSON_Delete(value);
    free(v);
    cJSON_Delete(r);
}

/* Sends n arithmetic requests tagged `tag` and checks each is answered correctly. */
void ask_and_check(struct env *e, const char *tag, int n)
{
    char hashes[MAX_REQUESTS][NEAR_HASH_STR_MAX];
    for (int i = 0; i < n; i++) {
        char prompt[128];
        snprintf(prompt, sizeof prompt, "%s: what is %d+%d?", tag, i, 100);
        send_request(e, prompt, hashes[i]);
    }
    for (int i = 0; i < n; i++) {
        char status[32], answer[256], want[32];
        await_result(e, hashes[i], status, sizeof status, answer, sizeof answer);
        snprintf(want, sizeof want, "%d", i + 100);
        if (strcmp(status, "answered") != 0 || strcmp(answer, want) != 0) {
            fail_msg("%s request %d: status %s, answer \"%s\", want \"%s\"", tag, i, status, answer,
                     want);
        }
    }
}

/* How many chat completions yb-mockai served whose prompt contains tag. */
int mock_calls(struct env *e, const char *tag)
{
    char url[128], *body = NULL;
    snprintf(url, sizeof url, "%s/v1/_log", e->mock_url);
    assert_int_equal(http_get(url, &body), 200);
    int n = 0;
    const char *p = body;
    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *one = strndup(p, len);
        if (strstr(one, "/v1/chat/completions") && strstr(one, tag)) {
            n++;
        }
        free(one);
        p = end ? end + 1 : NULL;
    }
    free(body);
    return n;
}

long long metrics_sample(const char *body, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = body; p && *p;) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
            return strtoll(p + nl + 1, NULL, 10);
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return -1;
}

/* A counter or gauge from oracle i's /metrics (first sample whose line starts with name). */
long long metric(struct env *e, int i, const char *name)
{
    char url[128], *body = NULL;
    snprintf(url, sizeof url, "%s/metrics", e->metrics_url[i]);
    assert_int_equal(http_get(url, &body), 200);
    long long v = metrics_sample(body, name);
    free(body);
    return v;
}

/* Waits up to 10 s for oracle i's metric `name` to reach want (the oracle learns a respond's
 * outcome about when the user does, so counters may trail the user's view a little). */
long long await_metric(struct env *e, int i, const char *name, long long want)
{
    uint64_t end = mono_ms() + 10000;
    long long v = metric(e, i, name);
    while (v != want && mono_ms() < end) {
        usleep(50000);
        v = metric(e, i, name);
    }
    return v;
}
