/*
 * bench_oracle.c — yb-oracle's speed figures (issue 6's speed bar), not a pass/fail test:
 *
 *   BENCH_N=200 BENCH_BLOCK_MS=20 BENCH_SEND_WINDOW=16 [BENCH_LOG=FILE] bench_oracle
 *   (the defaults shown; BENCH_LOG keeps the oracle's debug log)
 *
 * with YB_CHAIN, YB_MOCKAI and YB_ORACLE naming the binaries. Starts yb-chain in interval mode,
 * yb-mockai at zero latency and one yb-oracle (events on), sends N `request` transactions at
 * once, waits for every one to finish, and prints: answered requests per second (first send to
 * last answer), the latency from the block that created each yield to the block whose callback
 * delivered the answer, in blocks and in ms (block timestamps), and the oracle's peak RSS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "json.h"
#include "oracle_env.h"

#define BENCH_MAX 20000

struct height {
    uint64_t height, ts_ns;
};

/* Height and timestamp of the block with hash (base58). */
static struct height block_of(struct env *e, const char *hash)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "block_id", hash);
    cJSON *b = call(e, "block", p);
    const cJSON *h = NULL;
    struct height out = {0};
    if (b && json_get_object(b, "header", &h) == YB_OK) {
        json_get_u64(h, "height", &out.height);
        json_opt_u64(h, "timestamp_nanosec", 0, &out.ts_ns);
    }
    cJSON_Delete(b);
    return out;
}

/* For a finished request tx: the first and last blocks in which the contract executed (the
 * yield's creation and the callback). False when the outcome is not an answered request. */
static bool request_blocks(struct env *e, const char *hash, struct height *created,
                           struct height *callback)
{
    cJSON *r = NULL;
    for (int tries = 0; !r && tries < 2400; tries++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "tx_hash", hash);
        cJSON_AddStringToObject(p, "sender_account_id", "user.test.near");
        cJSON_AddStringToObject(p, "wait_until", "EXECUTED_OPTIMISTIC");
        r = call_quiet(e, "tx", p, true);
        if (!r) {
            usleep(50000);
        }
    }
    if (!r) {
        return false;
    }
    const cJSON *outs = NULL;
    bool ok = json_get_array(r, "receipts_outcome", &outs) == YB_OK;
    created->height = UINT64_MAX;
    callback->height = 0;
    for (const cJSON *o = ok ? outs->child : NULL; o; o = o->next) {
        const cJSON *oc = NULL;
        const char *exec = NULL, *bh = NULL;
        if (json_get_object(o, "outcome", &oc) != YB_OK ||
            json_get_str(oc, "executor_id", &exec) != YB_OK ||
            json_get_str(o, "block_hash", &bh) != YB_OK ||
            strcmp(exec, "assistant.test.near") != 0) {
            continue;
        }
        struct height h = block_of(e, bh);
        if (h.height < created->height) {
            *created = h;
        }
        if (h.height > callback->height) {
            *callback = h;
        }
    }
    cJSON_Delete(r);
    return ok && callback->height >= created->height && created->height != UINT64_MAX;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static long rss_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0) {
            kb = strtol(line + n + 1, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

static void bench(void **state)
{
    (void)state;
    int n = getenv("BENCH_N") ? (int)strtol(getenv("BENCH_N"), NULL, 10) : 200;
    unsigned block_ms =
        getenv("BENCH_BLOCK_MS") ? (unsigned)strtoul(getenv("BENCH_BLOCK_MS"), NULL, 10) : 20;
    if (n < 1 || n > BENCH_MAX) {
        n = 200;
    }
    static struct env e;
    env_start(&e, block_ms, 0, NULL);
    const char *log_copy = getenv("BENCH_LOG"); /* keep the oracle's debug log there */
    const char *window = getenv("BENCH_SEND_WINDOW") ? getenv("BENCH_SEND_WINDOW") : "16";
    const char *flags[] = {"--log-level",
                           log_copy ? "debug" : "warn",
                           "--concurrency",
                           "2000",
                           "--send-window",
                           window,
                           NULL};
    start_oracle(&e, 0, flags, NULL);
    char(*hashes)[NEAR_HASH_STR_MAX] = calloc((size_t)n, NEAR_HASH_STR_MAX);
    uint64_t t0 = mono_ms();
    for (int i = 0; i < n; i++) {
        char prompt[64];
        snprintf(prompt, sizeof prompt, "bench %d: what is %d*3?", i, i);
        send_request(&e, prompt, hashes[i]);
    }
    uint64_t t_sent = mono_ms();
    uint64_t *blocks = calloc((size_t)n, sizeof *blocks);
    uint64_t *ms = calloc((size_t)n, sizeof *ms);
    int answered = 0;
    for (int i = 0; i < n; i++) {
        struct height c = {0}, cb = {0};
        if (request_blocks(&e, hashes[i], &c, &cb)) {
            blocks[answered] = cb.height - c.height;
            ms[answered] = (cb.ts_ns - c.ts_ns) / 1000000u;
            answered++;
        }
    }
    uint64_t t_done = mono_ms();
    long hwm = rss_kb(e.oracle[0], "VmHWM:");
    long long ok = await_metric(&e, 0, "oracle_requests_total{outcome=\"answered\"}", n);
    qsort(blocks, (size_t)answered, sizeof *blocks, cmp_u64);
    qsort(ms, (size_t)answered, sizeof *ms, cmp_u64);
    printf("bench_oracle: %d requests, %u ms blocks, mock AI at zero latency, send window %s\n", n,
           block_ms, window);
    printf("  sent in %llu ms; all finished %llu ms after the first send\n",
           (unsigned long long)(t_sent - t0), (unsigned long long)(t_done - t0));
    printf("  answered by the oracle (respond true): %lld; finished requests measured: %d\n", ok,
           answered);
    printf("  throughput: %.0f answered requests/s\n",
           (double)ok * 1000.0 / (double)(t_done - t0 ? t_done - t0 : 1));
    if (answered) {
        printf("  yield block -> callback block: min %llu, median %llu, p95 %llu, max %llu "
               "blocks\n",
               (unsigned long long)blocks[0], (unsigned long long)blocks[answered / 2],
               (unsigned long long)blocks[answered * 95 / 100],
               (unsigned long long)blocks[answered - 1]);
        printf("  in block time: min %llu, median %llu, p95 %llu, max %llu ms\n",
               (unsigned long long)ms[0], (unsigned long long)ms[answered / 2],
               (unsigned long long)ms[answered * 95 / 100], (unsigned long long)ms[answered - 1]);
    }
    printf("  yb-oracle peak RSS: %ld KiB\n", hwm);
    printf("  oracle: %lld polls, %lld events, %lld respond txs, %lld nonce recoveries, %lld tx "
           "errors, %lld AI retries\n",
           metric(&e, 0, "oracle_polls_total"), metric(&e, 0, "oracle_events_total"),
           metric(&e, 0, "oracle_respond_tx_total"), metric(&e, 0, "oracle_nonce_recoveries_total"),
           metric(&e, 0, "oracle_respond_tx_errors_total"),
           metric(&e, 0, "oracle_ai_retries_total"));
    if (log_copy) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "cp '%s/oracle0.log' '%s'", e.chain.home, log_copy);
        if (system(cmd) != 0) {
            fprintf(stderr, "cannot copy the oracle log to %s\n", log_copy);
        }
    }
    free(hashes);
    free(blocks);
    free(ms);
    assert_int_equal(env_stop(&e), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (crypto_init() != YB_OK || rpc_global_init() != YB_OK || !getenv("YB_CHAIN") ||
        !getenv("YB_MOCKAI") || !getenv("YB_ORACLE")) {
        fprintf(stderr, "bench_oracle: set YB_CHAIN, YB_MOCKAI and YB_ORACLE\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(bench)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
