/*
 * bench_runtime.c — the runtime's speed bar (issue 4): assistant request → respond → callback
 * cycles per second, applying real blocks in-process on a real (unsynced) LMDB store.
 *
 * Each round submits N `request` transactions in one block, applies blocks until every yield
 * is parked, then N `respond` transactions from the oracle, and applies blocks until every
 * callback (and refund) has run. Only block application and commit are timed; signing happens
 * before, and signature verification (which the node does at admission) is timed separately
 * over the same transactions.
 *
 * Besides the rate it prints the gas burnt per cycle: the sum of gas_burnt over every outcome of
 * the measured blocks (transactions, receipts, callbacks, refunds) divided by the cycles. Unlike
 * the rate it is deterministic and it is what users pay, so it shows contract-side speed-ups
 * (fewer wasm instructions) without the noise of a shared machine.
 *
 * With a batch size B > 0 the oracle answers through respond_many, B answers per transaction
 * (at most 32, the contract's cap), instead of one respond per answer.
 *
 *   bench_runtime [N per round, default 500] [rounds, default 4] [batch, default 0 = respond]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "mem.h"
#include "rt_fixture.h"

#ifndef YB_CONTRACTS_DIR
#error "YB_CONTRACTS_DIR must point at the built contracts"
#endif

#define GAS (100 * RT_TGAS)
/* The assistant's ASSISTANT_RESPOND_MANY_MAX. */
#define BATCH_MAX 32
/* Room for one respond_many entry: a base58 yield id, a short answer and the JSON around them. */
#define ENTRY_MAX 128

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of the timed blocks: on a shared machine wall time also counts other processes. */
static double apply_cpu_s;

/* Applies one block; returns its wall time and adds its CPU time to apply_cpu_s. */
static double timed_block(struct rt_fixture *f, const char *what)
{
    double t0 = now_s();
    double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    int rc = rt_fixture_block(f);
    apply_cpu_s += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    double t = now_s() - t0;
    if (rc != YB_OK) {
        fprintf(stderr, "bench_runtime: %s: %s\n", what, yb_err_str(rc));
        exit(1);
    }
    return t;
}

static void check(int rc, const char *what)
{
    if (rc != YB_OK) {
        fprintf(stderr, "bench_runtime: %s: %s\n", what, yb_err_str(rc));
        exit(1);
    }
}

/* Applies blocks (timed) until n more action receipts have run in total. */
static double apply_until(struct rt_fixture *f, size_t want_receipts, size_t *blocks)
{
    double t = 0;
    size_t seen = 0;
    while (seen < want_receipts) {
        t += timed_block(f, "apply block");
        seen += f->last.n_receipts;
        (*blocks)++;
        if (*blocks > 10000) {
            fprintf(stderr, "bench_runtime: receipts never ran\n");
            exit(1);
        }
    }
    return t;
}

/* Times signature checks of the pending transactions (the node's admission work). */
static size_t verified;

static double verify_pending(struct rt_fixture *f)
{
    double t0 = now_s();
    for (size_t i = 0; i < f->n_pending; i++) {
        check(tx_signed_verify(f->pending[i]), "signature");
    }
    verified += f->n_pending;
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 500;
    size_t rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 4;
    size_t batch = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
    if (n == 0 || rounds == 0 || batch > BATCH_MAX) {
        fprintf(stderr, "usage: bench_runtime [requests per round] [rounds] [batch 0-32]\n");
        return 2;
    }
    struct rt_fixture f;
    check(rt_fixture_init(&f, NULL), "fixture");
    f.verify_signatures = false; /* timed separately below */
    check(rt_fixture_account(&f, "assistant.bench", rt_near(1000)), "account");
    check(rt_fixture_account(&f, "user.bench", rt_near(1000000)), "account");
    check(rt_fixture_account(&f, "oracle.bench", rt_near(1000000)), "account");
    check(rt_fixture_deploy_file(&f, "assistant.bench", YB_CONTRACTS_DIR "/assistant.wasm"),
          "deploy");
    check(rt_fixture_call(&f, "assistant.bench", "assistant.bench", "init",
                          "{\"oracle_ids\":[\"oracle.bench\"]}", GAS, 0, NULL),
          "init");
    check(rt_fixture_block(&f), "init block");

    /* Outcomes from here on belong to the measured blocks. */
    size_t first_outcome = f.outcomes.n;
    double apply_t = 0, verify_t = 0;
    size_t blocks = 0, answered = 0;
    size_t args_cap = (batch > 0 ? batch : 1) * ENTRY_MAX + 512;
    char *args = yb_xmalloc(args_cap);
    for (size_t round = 0; round < rounds; round++) {
        for (size_t i = 0; i < n; i++) {
            snprintf(args, args_cap, "{\"prompt\":\"question %zu of round %zu\"}", i, round);
            check(
                rt_fixture_call(&f, "user.bench", "assistant.bench", "request", args, GAS, 0, NULL),
                "request tx");
        }
        verify_t += verify_pending(&f);
        /* the tx block, then the request receipts themselves */
        apply_t += apply_until(&f, n, &blocks);

        /* the contract lists at most 1024 per page: page through all pending requests */
        size_t pending = 0;
        size_t respond_receipts = 0;
        while (pending < n) {
            struct runtime_view_result v;
            char q[96];
            snprintf(q, sizeof q, "{\"from_index\":%zu,\"limit\":%zu}", pending, n - pending);
            check(rt_fixture_view(&f, "assistant.bench", "get_pending_requests", q, &v), "view");
            if (v.error) {
                fprintf(stderr, "bench_runtime: view failed: %s\n", v.error_text);
                return 1;
            }
            cJSON *list = cJSON_ParseWithLength((const char *)v.value, v.value_len);
            size_t got = (size_t)cJSON_GetArraySize(list);
            if (got == 0) {
                fprintf(stderr, "bench_runtime: %zu pending, expected %zu\n", pending, n);
                return 1;
            }
            size_t respond_txs = 0;
            for (size_t i = 0; i < got; i++) {
                const cJSON *y = cJSON_GetObjectItem(cJSON_GetArrayItem(list, (int)i), "yield_id");
                if (batch == 0) {
                    snprintf(args, args_cap, "{\"yield_id\":\"%s\",\"response\":\"answer %zu\"}",
                             y->valuestring, pending + i);
                    check(rt_fixture_call(&f, "oracle.bench", "assistant.bench", "respond", args,
                                          GAS, 0, NULL),
                          "respond tx");
                    respond_txs++;
                    continue;
                }
                size_t len = strlen(args);
                if (i % batch == 0) {
                    len = (size_t)snprintf(args, args_cap, "{\"responses\":[");
                }
                snprintf(args + len, args_cap - len,
                         "%s{\"yield_id\":\"%s\",\"response\":\"answer %zu\"}",
                         i % batch == 0 ? "" : ",", y->valuestring, pending + i);
                if (i % batch == batch - 1 || i == got - 1) {
                    len = strlen(args);
                    snprintf(args + len, args_cap - len, "]}");
                    check(rt_fixture_call(&f, "oracle.bench", "assistant.bench", "respond_many",
                                          args, GAS, 0, NULL),
                          "respond_many tx");
                    respond_txs++;
                }
            }
            respond_receipts += respond_txs;
            pending += got;
            cJSON_Delete(list);
            runtime_view_result_fini(&v);
        }
        verify_t += verify_pending(&f);
        /* respond receipts, then the callbacks; then refunds drain */
        apply_t += apply_until(&f, respond_receipts + n, &blocks);
        while (f.last.n_queued > 0) {
            apply_t += timed_block(&f, "drain block");
            blocks++;
        }
        answered += n;
    }
    free(args);
    uint64_t gas = 0;
    for (size_t i = first_outcome; i < f.outcomes.n; i++) {
        gas += f.outcomes.v[i].gas_burnt;
    }
    /* spot-check that the cycles really completed: no request is left pending */
    struct runtime_view_result v;
    check(rt_fixture_view(&f, "assistant.bench", "get_pending_requests", "{}", &v), "view");
    int ok = v.value_len == 2 && memcmp(v.value, "[]", 2) == 0;
    runtime_view_result_fini(&v);
    rt_fixture_fini(&f);
    if (!ok) {
        fprintf(stderr, "bench_runtime: requests left pending\n");
        return 1;
    }
    printf("cycles: %zu in %zu blocks, answered with %s\n", answered, blocks,
           batch == 0 ? "respond" : "respond_many");
    printf("apply+commit: wall %.3f s = %.0f cycles/s (%.1f us per cycle)\n", apply_t,
           (double)answered / apply_t, apply_t * 1e6 / (double)answered);
    printf("apply+commit: CPU  %.3f s = %.0f cycles/s (%.1f us per cycle)\n", apply_cpu_s,
           (double)answered / apply_cpu_s, apply_cpu_s * 1e6 / (double)answered);
    printf("gas burnt: %.4f Tgas per cycle (all outcomes of the measured blocks)\n",
           (double)gas / (double)RT_TGAS / (double)answered);
    printf("signature checks (%zu txs, outside the loop): %.3f s = %.0f cycles/s\n", verified,
           verify_t, (double)answered / verify_t);
    return 0;
}
