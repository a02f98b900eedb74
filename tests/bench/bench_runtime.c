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
 *   bench_runtime [N per round, default 500] [rounds, default 4]
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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
        double t0 = now_s();
        check(rt_fixture_block(f), "apply block");
        t += now_s() - t0;
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
static double verify_pending(struct rt_fixture *f)
{
    double t0 = now_s();
    for (size_t i = 0; i < f->n_pending; i++) {
        check(tx_signed_verify(f->pending[i]), "signature");
    }
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 500;
    size_t rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 4;
    if (n == 0 || rounds == 0) {
        fprintf(stderr, "usage: bench_runtime [requests per round] [rounds]\n");
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

    double apply_t = 0, verify_t = 0;
    size_t blocks = 0, answered = 0;
    char *args = yb_xmalloc(512);
    for (size_t round = 0; round < rounds; round++) {
        for (size_t i = 0; i < n; i++) {
            snprintf(args, 512, "{\"prompt\":\"question %zu of round %zu\"}", i, round);
            check(
                rt_fixture_call(&f, "user.bench", "assistant.bench", "request", args, GAS, 0, NULL),
                "request tx");
        }
        verify_t += verify_pending(&f);
        /* the tx block, then the request receipts themselves */
        apply_t += apply_until(&f, n, &blocks);

        /* the contract lists at most 1024 per page: page through all pending requests */
        size_t pending = 0;
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
            for (size_t i = 0; i < got; i++) {
                const cJSON *y = cJSON_GetObjectItem(cJSON_GetArrayItem(list, (int)i), "yield_id");
                snprintf(args, 512, "{\"yield_id\":\"%s\",\"response\":\"answer %zu\"}",
                         y->valuestring, pending + i);
                check(rt_fixture_call(&f, "oracle.bench", "assistant.bench", "respond", args, GAS,
                                      0, NULL),
                      "respond tx");
            }
            pending += got;
            cJSON_Delete(list);
            runtime_view_result_fini(&v);
        }
        verify_t += verify_pending(&f);
        /* respond receipts, then the callbacks; then refunds drain */
        apply_t += apply_until(&f, 2 * n, &blocks);
        while (f.last.n_queued > 0) {
            double t0 = now_s();
            check(rt_fixture_block(&f), "drain block");
            apply_t += now_s() - t0;
            blocks++;
        }
        answered += n;
    }
    free(args);
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
    printf("cycles: %zu in %zu blocks\n", answered, blocks);
    printf("apply+commit: %.3f s = %.0f cycles/s (%.1f us per cycle)\n", apply_t,
           (double)answered / apply_t, apply_t * 1e6 / (double)answered);
    printf("signature checks (2 txs per cycle, outside the loop): %.3f s = %.0f cycles/s\n",
           verify_t, (double)answered / verify_t);
    return 0;
}
