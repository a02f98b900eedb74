/*
 * bench_oracle.c — yb-oracle's speed figures (issue 6's speed bar). A benchmark, not a
 * pass/fail test: it prints figures and fails only when the run itself breaks.
 *
 *   YB_CHAIN=... YB_MOCKAI=... YB_ORACLE=... bench_oracle
 *
 * Knobs (environment, defaults in brackets):
 *   BENCH_N [200]          requests in a burst (all due at once)
 *   BENCH_RATE [0]         > 0: a steady offered load of this many requests/s ...
 *   BENCH_SECONDS [5]      ... for this long (N = RATE × SECONDS; BENCH_N is then ignored)
 *   BENCH_USERS [32]       access keys of user.test.near sending concurrently (one send in
 *                          flight per key, so each key's nonces arrive in order)
 *   BENCH_BLOCK_MS [20]    yb-chain's block time (interval mode)
 *   BENCH_SEND_WINDOW [4]  yb-oracle --send-window
 *   BENCH_ORACLE_ARGS      more yb-oracle flags, separated by spaces (the oracle runs with its
 *                          defaults otherwise: --concurrency 2000 made ~1,000 connections to
 *                          yb-mockai at once, and SYNs past its listen backlog waited 1 s)
 *   BENCH_CHAIN_ARGS       more `yb-chain run` flags, separated by spaces (e.g. --no-sync)
 *   BENCH_LOG              keep the oracle's debug log in this file
 *
 * Starts yb-chain, yb-mockai at zero latency and one yb-oracle (events on); adds BENCH_USERS
 * keys to user.test.near; signs every `request` before the clock starts; sends them over curl
 * multi when due; waits until the chain has no pending yield left; then reads each request's
 * outcome. Definitions of the figures printed:
 *   answered/s  requests whose callback returned "answered", divided by the chain time (block
 *               timestamps) from the first request's yield block to the last answer's callback
 *               block (a burst's figure; a steady run's includes the start and the drain);
 *   steady      the answers whose callback falls between the 10th and 90th percentile of
 *               callback times, divided by that span (a steady run's sustained rate);
 *   latency     per answered request, the yield's block to the callback's block, in blocks and
 *               in ms of block timestamps (3 blocks is NEP-519's minimum);
 *   CPU         utime + stime from /proc/PID/stat (getrusage for the generator) between the
 *               first send and the moment the chain had no pending yield;
 *   RSS         VmHWM from /proc/PID/status at that moment.
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
#include <sys/resource.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "json.h"
#include "loadgen.h"
#include "oracle_env.h"

#define SETTLE_TIMEOUT_MS 300000 /* the run is broken if the chain still has yields after this */
#define GAPS_MAX_BLOCKS   20000  /* block intervals are read one block at a time: cap it */
#define EXTRA_ARGS_MAX    16

struct bench_cfg {
    int n, users;
    double rate, seconds;
    unsigned block_ms;
    const char *window, *log;
    char extra_buf[512], chain_buf[512];
    const char *flags[10 + EXTRA_ARGS_MAX + 1];
    const char *chain_flags[EXTRA_ARGS_MAX + 1];
};

static long env_long(const char *name, long def, long lo, long hi)
{
    const char *v = getenv(name);
    long x = v ? strtol(v, NULL, 10) : def;
    return x < lo || x > hi ? def : x;
}

/* Splits text (may be NULL) at spaces into out[0..max) (NULL-terminated), pointing into buf. */
static void split_args(const char *text, char *buf, size_t cap, const char **out, int max)
{
    snprintf(buf, cap, "%s", text ? text : "");
    int k = 0;
    for (char *p = buf; *p && k < max;) {
        while (*p == ' ') {
            *p++ = 0;
        }
        if (!*p) {
            break;
        }
        out[k++] = p;
        while (*p && *p != ' ') {
            p++;
        }
    }
    out[k] = NULL;
}

static void read_cfg(struct bench_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->n = (int)env_long("BENCH_N", 200, 1, LOADGEN_MAX_REQUESTS);
    c->users = (int)env_long("BENCH_USERS", 32, 1, LOADGEN_MAX_KEYS);
    c->rate = getenv("BENCH_RATE") ? strtod(getenv("BENCH_RATE"), NULL) : 0;
    c->seconds = getenv("BENCH_SECONDS") ? strtod(getenv("BENCH_SECONDS"), NULL) : 5;
    if (c->rate > 0 && c->seconds > 0) {
        double n = c->rate * c->seconds;
        c->n = n < 1 ? 1 : n > LOADGEN_MAX_REQUESTS ? LOADGEN_MAX_REQUESTS : (int)n;
    } else {
        c->rate = 0;
    }
    c->block_ms = (unsigned)env_long("BENCH_BLOCK_MS", 20, 1, 60000);
    c->window = getenv("BENCH_SEND_WINDOW") ? getenv("BENCH_SEND_WINDOW") : "4";
    c->log = getenv("BENCH_LOG");
    int k = 0;
    c->flags[k++] = "--log-level";
    c->flags[k++] = c->log ? "debug" : "warn";
    c->flags[k++] = "--send-window";
    c->flags[k++] = c->window;
    c->flags[k++] = "--poll-interval-ms"; /* the default (the tests' fixture polls faster) */
    c->flags[k++] = "1000";
    split_args(getenv("BENCH_ORACLE_ARGS"), c->extra_buf, sizeof c->extra_buf, c->flags + k,
               EXTRA_ARGS_MAX);
    split_args(getenv("BENCH_CHAIN_ARGS"), c->chain_buf, sizeof c->chain_buf, c->chain_flags,
               EXTRA_ARGS_MAX);
}

/* ---- process figures ---- */

/* utime + stime of pid in seconds (/proc/PID/stat fields 14 and 15), -1 if unreadable. */
static double cpu_seconds(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    double s = -1;
    if (f && fgets(line, sizeof line, f)) {
        const char *p = strrchr(line, ')'); /* the command name may hold spaces */
        unsigned long long ut = 0, st = 0;
        if (p &&
            sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2) {
            s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
        }
    }
    if (f) {
        fclose(f);
    }
    return s;
}

static double self_cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static long status_kb(pid_t pid, const char *field)
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

enum { P_CHAIN, P_ORACLE, P_MOCK, P_BENCH, P__N };
static const char *const proc_names[P__N] = {"yb-chain", "yb-oracle", "yb-mockai", "generator"};

static void cpu_sample(struct env *e, double out[P__N])
{
    out[P_CHAIN] = cpu_seconds(e->chain.pid);
    out[P_ORACLE] = cpu_seconds(e->oracle[0]);
    out[P_MOCK] = cpu_seconds(e->mock);
    out[P_BENCH] = self_cpu_seconds();
}

/* ---- the chain's side ---- */

/* A sample from yb-chain's /metrics (first line starting with name), -1 if absent. */
static long long chain_metric(struct env *e, const char *name)
{
    char url[128], *body = NULL;
    snprintf(url, sizeof url, "%s/metrics", e->chain.rpc_url);
    long long v = -1;
    if (http_get(url, &body) == 200) {
        v = metrics_sample(body, name);
    }
    free(body);
    return v;
}

/* Waits until the chain has an empty mempool and no pending yield for 3 blocks in a row: every
 * request was answered or timed out and its callback ran. Returns the wall time it took. */
static uint64_t await_settled(struct env *e)
{
    uint64_t t0 = mono_ms();
    long long quiet_since = -1;
    while (mono_ms() - t0 < SETTLE_TIMEOUT_MS) {
        long long pending = chain_metric(e, "yb_chain_pending_yields");
        long long pool = chain_metric(e, "yb_chain_mempool_size");
        long long h = chain_metric(e, "yb_chain_height");
        if (pending == 0 && pool == 0) {
            quiet_since = quiet_since < 0 ? h : quiet_since;
            if (h >= quiet_since + 3) {
                break;
            }
        } else {
            quiet_since = -1;
        }
        usleep(5000);
    }
    return mono_ms() - t0;
}

/* Timestamp of block `height` (0 when the height has no block). */
static uint64_t block_ts(struct env *e, uint64_t height)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "block_id", (double)height);
    cJSON *b = call_quiet(e, "block", p, true);
    const cJSON *h = NULL;
    uint64_t ts = 0;
    if (b && json_get_object(b, "header", &h) == YB_OK) {
        json_get_u64(h, "timestamp_nanosec", &ts);
    }
    cJSON_Delete(b);
    return ts;
}

/* ---- report ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void print_dist(const char *what, uint64_t *v, size_t n, const char *unit)
{
    qsort(v, n, sizeof *v, cmp_u64);
    printf("  %s: min %llu, median %llu, p95 %llu, max %llu %s\n", what, (unsigned long long)v[0],
           (unsigned long long)v[n / 2], (unsigned long long)v[n * 95 / 100],
           (unsigned long long)v[n - 1], unit);
}

/* Throughput without the start-up and drain tails: the answers whose callback block lies
 * between the 10th and the 90th percentile of callback timestamps, divided by that span. */
static void steady_rate(const struct loadgen *g, int answered)
{
    uint64_t *ts = calloc((size_t)answered, sizeof *ts);
    int k = 0;
    for (int i = 0; i < g->n; i++) {
        if (g->reqs[i].answered) {
            ts[k++] = g->reqs[i].callback_ts_ns;
        }
    }
    qsort(ts, (size_t)k, sizeof *ts, cmp_u64);
    int lo = k / 10, hi = k * 9 / 10;
    if (hi > lo && ts[hi] > ts[lo]) {
        printf("  steady answered/s: %.0f  (%d answers whose callback block is between the 10th "
               "and 90th percentile of callback times / %.3f s)\n",
               (double)(hi - lo) * 1e9 / (double)(ts[hi] - ts[lo]), hi - lo,
               (double)(ts[hi] - ts[lo]) / 1e9);
    }
    free(ts);
}

static void report(struct env *e, const struct bench_cfg *c, struct loadgen *g,
                   const double cpu0[P__N], const double cpu1[P__N], uint64_t settled_ms)
{
    int answered = 0, timed_out = 0, unfinished = 0;
    uint64_t first_yield_ts = UINT64_MAX, last_cb_ts = 0, first_h = UINT64_MAX, last_h = 0;
    uint64_t *blocks = calloc((size_t)g->n, sizeof *blocks);
    uint64_t *ms = calloc((size_t)g->n, sizeof *ms);
    for (int i = 0; i < g->n; i++) {
        const struct loadgen_req *r = &g->reqs[i];
        if (!r->finished) {
            unfinished++;
            continue;
        }
        if (r->yield_ts_ns < first_yield_ts) {
            first_yield_ts = r->yield_ts_ns;
            first_h = r->yield_height;
        }
        if (!r->answered) {
            timed_out++;
            continue;
        }
        if (r->callback_ts_ns > last_cb_ts) {
            last_cb_ts = r->callback_ts_ns;
            last_h = r->callback_height;
        }
        blocks[answered] = r->callback_height - r->yield_height;
        ms[answered] = (r->callback_ts_ns - r->yield_ts_ns) / 1000000u;
        answered++;
    }
    double wall_s = (double)(g->send_end_ms - g->send_start_ms) / 1000.0;
    if (c->rate > 0) {
        printf("bench_oracle: steady load, %.0f requests/s offered for %.1f s (%d requests)",
               c->rate, c->seconds, g->n);
    } else {
        printf("bench_oracle: burst of %d requests", g->n);
    }
    printf(", %d user keys, %u ms blocks, mock AI at zero latency, oracle send window %s%s%s%s%s\n",
           g->n_keys, c->block_ms, c->window, getenv("BENCH_ORACLE_ARGS") ? ", oracle flags: " : "",
           getenv("BENCH_ORACLE_ARGS") ? getenv("BENCH_ORACLE_ARGS") : "",
           getenv("BENCH_CHAIN_ARGS") ? ", chain flags: " : "",
           getenv("BENCH_CHAIN_ARGS") ? getenv("BENCH_CHAIN_ARGS") : "");
    printf("  generator: signed in %llu ms (before the clock); sent in %.3f s (%.0f/s), %d send "
           "errors\n",
           (unsigned long long)g->sign_ms, wall_s, wall_s > 0 ? (double)g->n / wall_s : 0,
           g->send_errors);
    printf("  outcome: %d answered, %d timed out, %d not finished or unreadable\n", answered,
           timed_out, unfinished);
    if (answered > 0 && last_cb_ts > first_yield_ts) {
        double chain_s = (double)(last_cb_ts - first_yield_ts) / 1e9;
        printf("  answered/s: %.0f  (%d answers / %.3f s of chain time, yield block %llu of the "
               "first request to callback block %llu of the last answer)\n",
               (double)answered / chain_s, answered, chain_s, (unsigned long long)first_h,
               (unsigned long long)last_h);
        uint64_t gap_max = 0, prev = 0;
        if (last_h - first_h <= GAPS_MAX_BLOCKS) {
            for (uint64_t h = first_h; h <= last_h; h++) {
                uint64_t ts = block_ts(e, h);
                if (ts && prev && ts - prev > gap_max) {
                    gap_max = ts - prev;
                }
                prev = ts ? ts : prev;
            }
        }
        printf("  blocks in that span: %llu, mean interval %.1f ms, longest %.1f ms\n",
               (unsigned long long)(last_h - first_h),
               chain_s * 1000.0 / (double)(last_h - first_h ? last_h - first_h : 1),
               (double)gap_max / 1e6);
        if (c->rate > 0) {
            steady_rate(g, answered);
        }
        print_dist("yield block -> callback block", blocks, (size_t)answered, "blocks");
        print_dist("in block time", ms, (size_t)answered, "ms");
    }
    printf("  CPU seconds from the first send until no yield was pending (%.2f s wall):",
           wall_s + (double)settled_ms / 1000.0);
    for (int p = 0; p < P__N; p++) {
        printf(" %s %.2f%s", proc_names[p], cpu1[p] - cpu0[p], p + 1 < P__N ? "," : "\n");
    }
    printf("  peak RSS: yb-oracle %ld KiB, yb-chain %ld KiB\n", status_kb(e->oracle[0], "VmHWM:"),
           status_kb(e->chain.pid, "VmHWM:"));
    printf("  oracle: %lld polls, %lld events, %lld respond txs, %lld nonce recoveries, %lld tx "
           "errors, %lld AI retries, %lld answered (respond true)\n",
           metric(e, 0, "oracle_polls_total"), metric(e, 0, "oracle_events_total"),
           metric(e, 0, "oracle_respond_tx_total"), metric(e, 0, "oracle_nonce_recoveries_total"),
           metric(e, 0, "oracle_respond_tx_errors_total"), metric(e, 0, "oracle_ai_retries_total"),
           metric(e, 0, "oracle_requests_total{outcome=\"answered\"}"));
    free(blocks);
    free(ms);
}

static void bench(void **state)
{
    (void)state;
    struct bench_cfg c;
    read_cfg(&c);
    static struct env e;
    env_start_args(&e, c.block_ms, 0, NULL, c.chain_flags);
    start_oracle(&e, 0, c.flags, NULL);
    static struct loadgen g;
    loadgen_init(&g, &e, c.users);
    loadgen_sign(&g, c.n, "bench", c.rate);
    double cpu0[P__N], cpu1[P__N];
    cpu_sample(&e, cpu0);
    loadgen_send(&g);
    uint64_t settled = await_settled(&e);
    cpu_sample(&e, cpu1);
    loadgen_collect(&g);
    report(&e, &c, &g, cpu0, cpu1, settled);
    if (c.log) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "cp '%s/oracle0.log' '%s'", e.chain.home, c.log);
        if (system(cmd) != 0) {
            fprintf(stderr, "cannot copy the oracle log to %s\n", c.log);
        }
    }
    /* A smoke run checks the machinery, not the speed: every request must end. */
    int unfinished = 0;
    for (int i = 0; i < g.n; i++) {
        unfinished += !g.reqs[i].finished;
    }
    int sends = g.send_errors;
    loadgen_fini(&g);
    assert_int_equal(env_stop(&e), 0);
    assert_int_equal(sends, 0);
    assert_int_equal(unfinished, 0);
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
