/*
 * test_oracle.c — yb-oracle end to end with real processes on loopback: yb-chain (interval
 * mode, 50 ms blocks), yb-mockai and one or two yb-oracle daemons. A user signs `request`
 * transactions to the assistant contract and waits for each transaction's final value, which
 * the contract's callback makes {"request_id","status":"answered"|"timeout","answer"?}.
 * yb-mockai's request log (/v1/_log) shows how often the AI was really asked.
 *
 * Scenarios: answered requests; a mock AI slower than the timeout (the oracle gives up cleanly
 * and stays healthy); 429 and 500 bursts recovered; kill -9 between journal and submission
 * (the restart resubmits and the AI is asked once); chain restarted under the oracle; events
 * disabled (polling alone); two instances (each request answered once, no duplicate AI calls);
 * a follower answering for a leader that is not running;
 * the near-examples profile; settled entries pruned from the journal; a burst answered through
 * respond_many batches, each request exactly once; an oracle key limited to respond (known at
 * startup, or restricted while the oracle runs: the refused batch is sent again one by one); an
 * assistant without respond_many (the failed batch is sent again one by one); an assistant
 * without from_request_id (the oracle pages by from_index instead, losing nothing); a backlog
 * longer than one page of the pending view, in whole reads and in reads of new requests.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "json.h"
#include "loadgen.h"
#include "rpc.h"
#include "oracle_env.h"
#include "signer.h"

#define BLOCK_MS 50

/* The scenario's environment; the teardown stops it even when a scenario fails midway. */
static struct env the_env;

/* ---- scenarios ---- */

static void answers_requests(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 0, NULL);
    start_oracle(env, 0, NULL, NULL);
    ask_and_check(env, "basic", 8);
    assert_int_equal(mock_calls(env, "basic"), 8);
    assert_int_equal(await_metric(env, 0, "oracle_requests_total{outcome=\"answered\"}", 8), 8);
}

static void slow_ai_times_out_cleanly(void **state)
{
    (void)state;
    struct env *env = &the_env;
    const char *mock[] = {"--latency-ms", "8000", NULL};
    env_start(env, BLOCK_MS, 40, mock); /* 40 blocks of 50 ms: 2 s to answer */
    const char *flags[] = {"--timeout-blocks", "40", NULL};
    start_oracle(env, 0, flags, NULL);
    char hash[NEAR_HASH_STR_MAX], status[32];
    send_request(env, "slow: what is 1+1?", hash);
    await_result(env, hash, status, sizeof status, NULL, 0);
    assert_string_equal(status, "timeout");
    /* The oracle gave up on its own and is still alive and healthy. */
    uint64_t end = mono_ms() + 5000;
    while (metric(env, 0, "oracle_ai_in_flight") != 0 && mono_ms() < end) {
        usleep(100000);
    }
    assert_int_equal(metric(env, 0, "oracle_ai_in_flight"), 0);
    assert_int_equal(await_metric(env, 0, "oracle_requests_total{outcome=\"answered\"}", 0), 0);
    assert_int_equal(kill(env->oracle[0], 0), 0);
    char url[1100];
    snprintf(url, sizeof url, "%s/healthz", env->metrics_url[0]);
    assert_int_equal(http_get(url, NULL), 200);
}

static void recovers_from_429_and_500_bursts(void **state)
{
    (void)state;
    struct env *env = &the_env;
    const char *mock[] = {"--rate-limit", "6", "--error-rate", "0.3", "--seed", "7", NULL};
    const char *flags[] = {"--ai-max-attempts", "20", NULL};
    env_start(env, BLOCK_MS, 0, mock);
    start_oracle(env, 0, flags, NULL);
    ask_and_check(env, "bursty", 12);
    assert_true(metric(env, 0, "oracle_ai_retries_total") > 0);
    assert_int_equal(await_metric(env, 0, "oracle_requests_total{outcome=\"answered\"}", 12), 12);
}

static void kill9_after_journal_resubmits(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 0, NULL);
    start_oracle(env, 0, NULL, "YB_ORACLE_FAILPOINT=after-journal");
    char hash[NEAR_HASH_STR_MAX], status[32], answer[64];
    send_request(env, "crash: what is 20+22?", hash);
    int st = 0;
    uint64_t end = mono_ms() + 20000;
    while (waitpid(env->oracle[0], &st, WNOHANG) == 0 && mono_ms() < end) {
        usleep(20000);
    }
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    env->oracle[0] = 0;
    assert_int_equal(mock_calls(env, "crash"), 1);
    start_oracle(env, 0, NULL, NULL);
    await_result(env, hash, status, sizeof status, answer, sizeof answer);
    assert_string_equal(status, "answered");
    assert_string_equal(answer, "42");
    /* The restart resubmitted the journaled answer: the AI was asked once in all. */
    assert_int_equal(mock_calls(env, "crash"), 1);
    assert_int_equal(await_metric(env, 0, "oracle_journal_resubmits_total", 1), 1);
}

static void chain_restart_under_the_oracle(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 0, NULL);
    start_oracle(env, 0, NULL, NULL);
    ask_and_check(env, "before", 2);
    assert_int_equal(chain_proc_signal(&env->chain, SIGTERM) >= 0, 1);
    usleep(500000);
    assert_int_equal(chain_proc_restart(&env->chain), 0);
    ask_and_check(env, "after", 2);
    assert_int_equal(mock_calls(env, "after"), 2);
    assert_int_equal(kill(env->oracle[0], 0), 0);
}

static void polling_alone_answers(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 0, NULL);
    const char *flags[] = {"--events-url", "", NULL};
    start_oracle(env, 0, flags, NULL);
    ask_and_check(env, "polled", 5);
    assert_int_equal(metric(env, 0, "oracle_events_total"), 0);
}

static void two_instances_answer_once(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 0, NULL);
    const char *a[] = {"--instance", "0/2", NULL};
    const char *b[] = {"--instance", "1/2", NULL};
    start_oracle(env, 0, a, NULL);
    start_oracle(env, 1, b, NULL);
    ask_and_check(env, "pair", 10);
    assert_int_equal(mock_calls(env, "pair"), 10);
    /* Each request was answered (respond returned true) by exactly one of the two. */
    const char *answered = "oracle_requests_total{outcome=\"answered\"}";
    long long sum = 0;
    uint64_t end = mono_ms() + 10000;
    do {
        usleep(50000);
        sum = metric(env, 0, answered) + metric(env, 1, answered);
    } while (sum != 10 && mono_ms() < end);
    assert_int_equal(sum, 10);
    /* Past the followers' turn (takeover_blocks 10: 0.5 s) and a poll interval: a follower
     * takes a request over only if a whole-list read after its turn still lists it, so the
     * requests the other instance answered are not asked again. */
    usleep(2000000);
    assert_int_equal(mock_calls(env, "pair"), 10);
}

static void follower_takes_over_from_a_missing_leader(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 0, NULL);
    /* Only instance 1 of 2 runs: the requests whose leader is instance 0 are answered after
     * takeover_blocks, the others at once. */
    const char *flags[] = {"--instance", "1/2", "--takeover-blocks", "10", NULL};
    start_oracle(env, 0, flags, NULL);
    ask_and_check(env, "takeover", 6);
    assert_int_equal(mock_calls(env, "takeover"), 6);
}

static void near_examples_profile(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 0, NULL);
    const char *flags[] = {"--profile", "near-examples", NULL};
    start_oracle(env, 0, flags, NULL);
    ask_and_check(env, "nearex", 3);
}

/* A burst whose answers are ready together goes out in respond_many batches (fewer respond
 * transactions than requests), and every request gets its own answer, exactly once. */
static void burst_answered_in_batches(void **state)
{
    (void)state;
    struct env *env = &the_env;
    /* The same AI latency for all: the answers of a burst arrive together. */
    const char *mock[] = {"--latency-ms", "300", NULL};
    env_start(env, BLOCK_MS, 0, mock);
    start_oracle(env, 0, NULL, NULL);
    enum { N = 24 };
    static struct loadgen g;
    loadgen_init(&g, env, 4);
    loadgen_sign(&g, N, "burst", 0);
    loadgen_send(&g);
    loadgen_collect(&g);
    for (int i = 0; i < N; i++) {
        char want[16];
        snprintf(want, sizeof want, "%d", i * 3);
        if (!g.reqs[i].answered || strcmp(g.reqs[i].answer, want) != 0) {
            fail_msg("request %d: answered %d, answer \"%s\", want \"%s\"", i, g.reqs[i].answered,
                     g.reqs[i].answer, want);
        }
    }
    loadgen_fini(&g);
    assert_int_equal(mock_calls(env, "burst"), N);
    assert_int_equal(await_metric(env, 0, "oracle_requests_total{outcome=\"answered\"}", N), N);
    assert_int_equal(metric(env, 0, "oracle_requests_total{outcome=\"lost\"}"), 0);
    long long txs = metric(env, 0, "oracle_respond_tx_total");
    printf("  %d requests answered with %lld respond transactions\n", N, txs);
    assert_true(txs >= 1 && txs < N);
}

/* Makes oracle.test.near's key a FunctionCall key for respond only (as every key made from our
 * docs before respond_many existed), keeping its nonce, and waits until the chain shows it. */
static void restrict_oracle_key(struct env *env)
{
    char key[400], pk[NEAR_PUBKEY_STR_MAX];
    snprintf(key, sizeof key, "%s/keys/oracle.test.near.json", env->chain.home);
    struct signer s;
    assert_int_equal(signer_init(&s, key, "oracle.test.near"), YB_OK);
    signer_public_key(&s, pk);
    signer_fini(&s);
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "request_type", "view_access_key");
    cJSON_AddStringToObject(q, "finality", "optimistic");
    cJSON_AddStringToObject(q, "account_id", "oracle.test.near");
    cJSON_AddStringToObject(q, "public_key", pk);
    cJSON *ak = call(env, "query", cJSON_Duplicate(q, true));
    uint64_t nonce = 0;
    assert_int_equal(json_get_u64(ak, "nonce", &nonce), YB_OK);
    cJSON_Delete(ak);
    char patch[1024];
    snprintf(patch, sizeof patch,
             "{\"records\":[{\"AccessKey\":{\"account_id\":\"oracle.test.near\",\"public_key\":"
             "\"%s\",\"access_key\":{\"nonce\":%llu,\"permission\":{\"FunctionCall\":{"
             "\"allowance\":null,\"receiver_id\":\"assistant.test.near\",\"method_names\":"
             "[\"respond\"]}}}}}]}",
             pk, (unsigned long long)nonce);
    cJSON_Delete(call(env, "sandbox_patch_state", cJSON_Parse(patch)));
    cJSON *after = call(env, "query", q);
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(after, "permission"), "FunctionCall");
    assert_non_null(fc);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(fc, "method_names")), 1);
    cJSON_Delete(after);
}

/* Lines of oracle i's log containing text. */
static int oracle_log_lines(struct env *env, int i, const char *text)
{
    char path[400], line[2048];
    snprintf(path, sizeof path, "%s/oracle%d.log", env->chain.home, i);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        n += strstr(line, text) != NULL;
    }
    fclose(f);
    return n;
}

/* A burst of n requests tagged tag, each answered with its own answer. */
static void burst_answered(struct env *env, const char *tag, int n)
{
    static struct loadgen g;
    loadgen_init(&g, env, 4);
    loadgen_sign(&g, n, tag, 0);
    loadgen_send(&g);
    loadgen_collect(&g);
    for (int i = 0; i < n; i++) {
        char want[16];
        snprintf(want, sizeof want, "%d", i * 3);
        if (!g.reqs[i].answered || strcmp(g.reqs[i].answer, want) != 0) {
            fail_msg("request %d: answered %d, answer \"%s\", want \"%s\"", i, g.reqs[i].answered,
                     g.reqs[i].answer, want);
        }
    }
    loadgen_fini(&g);
}

/* Oracle 0 answered n requests, the AI was asked once for each of those tagged tag, and none
 * ended lost or failed. */
static void assert_answered_once(struct env *env, const char *tag, int n)
{
    assert_int_equal(mock_calls(env, tag), n);
    assert_int_equal(await_metric(env, 0, "oracle_requests_total{outcome=\"answered\"}", n), n);
    assert_int_equal(metric(env, 0, "oracle_requests_total{outcome=\"lost\"}"), 0);
    assert_int_equal(metric(env, 0, "oracle_requests_total{outcome=\"failed\"}"), 0);
}

/* An oracle key limited to respond (no respond_many): the oracle sees it at startup and answers
 * one respond per request; every request answered exactly once, the AI asked once each. */
static void respond_only_key_answers_one_by_one(void **state)
{
    (void)state;
    struct env *env = &the_env;
    const char *mock[] = {"--latency-ms", "300", NULL};
    env_start(env, BLOCK_MS, 0, mock);
    restrict_oracle_key(env);
    start_oracle(env, 0, NULL, NULL);
    enum { N = 24 };
    burst_answered(env, "ronly", N);
    assert_answered_once(env, "ronly", N);
    /* One respond per answer; more only for re-signs (InvalidNonce: single sends go out up to
     * send_window at once) or an outcome read that timed out. No batch was ever refused. */
    long long txs = metric(env, 0, "oracle_respond_tx_total");
    long long resigned = metric(env, 0, "oracle_nonce_recoveries_total");
    printf("  %d requests answered with %lld respond transactions (%lld re-signed)\n", N, txs,
           resigned);
    assert_true(txs >= N && txs <= N + resigned + 2);
    assert_int_equal(oracle_log_lines(env, 0, "MethodNameMismatch"), 0);
    /* said once, at startup, why */
    assert_int_equal(oracle_log_lines(env, 0, "YB-ORACLE-BATCH-OFF the access key"), 1);
    assert_int_equal(oracle_log_lines(env, 0, "YB-ORACLE-TX-ERROR"), 0);
}

/* The key loses respond_many while the oracle runs (it read a key allowing it at startup): the
 * first batch is refused at admission (MethodNameMismatch); the oracle turns batching off and
 * sends those answers again one by one — nothing lost, no AI call repeated. */
static void batch_refused_falls_back_to_respond(void **state)
{
    (void)state;
    struct env *env = &the_env;
    const char *mock[] = {"--latency-ms", "300", NULL};
    env_start(env, BLOCK_MS, 0, mock);
    start_oracle(env, 0, NULL, NULL);
    restrict_oracle_key(env);
    enum { N = 24 };
    burst_answered(env, "refused", N);
    assert_answered_once(env, "refused", N);
    long long txs = metric(env, 0, "oracle_respond_tx_total");
    long long resigned = metric(env, 0, "oracle_nonce_recoveries_total");
    printf("  %d requests answered with %lld respond transactions (refused batches included, "
           "%lld re-signed)\n",
           N, txs, resigned);
    /* Only the batches sent before the first refusal came back (send_window 4 at most), plus
     * re-signs and outcome reads that timed out. */
    assert_true(txs > N && txs <= N + 4 + resigned + 2);
    assert_int_equal(oracle_log_lines(env, 0, "YB-ORACLE-BATCH-OFF respond_many refused"), 1);
    assert_int_equal(oracle_log_lines(env, 0, "MethodNameMismatch"), 1);
}

/* Redeploys the assistant (state kept) with every occurrence of the n bytes `what` in its code
 * replaced by `with` (same length, so the module stays valid); returns how many there were. */
static size_t redeploy_assistant_patched(struct env *env, const char *what, const char *with,
                                         size_t n)
{
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "request_type", "view_code");
    cJSON_AddStringToObject(q, "finality", "optimistic");
    cJSON_AddStringToObject(q, "account_id", "assistant.test.near");
    cJSON *code = call(env, "query", q);
    uint8_t *wasm = NULL;
    size_t len = 0;
    assert_int_equal(json_get_base64(code, "code_base64", 4u << 20, &wasm, &len), YB_OK);
    cJSON_Delete(code);
    size_t found = 0;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(wasm + i, what, n) == 0) {
            memcpy(wasm + i, with, n);
            found++;
        }
    }
    cJSON *patch = cJSON_CreateObject();
    cJSON *records = cJSON_AddArrayToObject(patch, "records");
    cJSON *rec = cJSON_CreateObject();
    cJSON *contract = cJSON_AddObjectToObject(rec, "Contract");
    cJSON_AddStringToObject(contract, "account_id", "assistant.test.near");
    assert_int_equal(json_add_base64(contract, "code", wasm, len), YB_OK);
    cJSON_AddItemToArray(records, rec);
    free(wasm);
    cJSON_Delete(call(env, "sandbox_patch_state", patch));
    return found;
}

/* Redeploys the assistant with its respond_many export renamed, as a contract built before
 * respond_many existed: a call of it fails with MethodNotFound. The export's name is found by
 * its length prefix and the export kind (function) after it. */
static void assistant_without_respond_many(struct env *env)
{
    static const char name[] = "\x0crespond_many\x00";
    assert_int_equal(redeploy_assistant_patched(env, name, "\x0crespond_nope\x00", sizeof name - 1),
                     1);
}

/* The assistant predates respond_many (an old deployment): the first batch fails on chain with
 * MethodNotFound; the oracle turns batching off and answers those requests one by one. */
static void contract_without_batch_falls_back(void **state)
{
    (void)state;
    struct env *env = &the_env;
    const char *mock[] = {"--latency-ms", "300", NULL};
    env_start(env, BLOCK_MS, 0, mock);
    assistant_without_respond_many(env);
    start_oracle(env, 0, NULL, NULL);
    enum { N = 24 };
    burst_answered(env, "nobatch", N);
    assert_answered_once(env, "nobatch", N);
    long long txs = metric(env, 0, "oracle_respond_tx_total");
    printf("  %d requests answered with %lld respond transactions (failed batches included)\n", N,
           txs);
    assert_true(txs > N);
    assert_int_equal(oracle_log_lines(env, 0, "YB-ORACLE-BATCH-OFF respond_many refused"), 1);
    assert_int_equal(oracle_log_lines(env, 0, "MethodNotFound"), 1);
}

/* An assistant deployed before from_request_id (the argument's name changed in its code, so
 * get_pending_requests ignores it and pages from the head): the first page holding a request
 * below the id asked for shows it; the oracle says so once and pages by from_index from then
 * on — every request of a burst of 1,500 answered once, none lost, the AI asked once each. */
static void contract_without_cursor_falls_back(void **state)
{
    (void)state;
    struct env *env = &the_env;
    /* Answers that take a while: requests stay pending while later ones arrive, so a read of
     * the new ones meets the old ones too. */
    const char *mock[] = {"--latency-ms", "300", NULL};
    env_start(env, BLOCK_MS, 0, mock);
    assert_true(redeploy_assistant_patched(env, "from_request_id", "xrom_request_id", 15) >= 1);
    start_oracle(env, 0, NULL, NULL);
    enum { N = 1500 };
    burst_answered(env, "nocursor", N);
    ask_and_check(env, "nocursor-after", 3);
    assert_answered_once(env, "nocursor", N + 3);
    assert_int_equal(oracle_log_lines(env, 0, "YB-ORACLE-NO-CURSOR"), 1);
}

/* Full pages the oracle read on from (its debug log says each time), in whole reads or in
 * reads of new requests. */
static int pages_read_on(struct env *env, bool whole)
{
    return oracle_log_lines(env, 0, whole ? "(whole read)" : "(new requests' read)");
}

/* Every request of g answered with its own answer, the AI asked once each, none let go as
 * "gone" or lost, and no fallback to from_index. */
static void check_backlog(struct env *env, struct loadgen *g, const char *tag)
{
    for (int i = 0; i < g->n; i++) {
        char want[16];
        snprintf(want, sizeof want, "%d", i * 3);
        if (!g->reqs[i].answered || strcmp(g->reqs[i].answer, want) != 0) {
            fail_msg("request %d: answered %d, answer \"%s\", want \"%s\"", i, g->reqs[i].answered,
                     g->reqs[i].answer, want);
        }
    }
    assert_int_equal(mock_calls(env, tag), g->n);
    assert_int_equal(await_metric(env, 0, "oracle_requests_total{outcome=\"answered\"}", g->n),
                     g->n);
    assert_int_equal(metric(env, 0, "oracle_requests_total{outcome=\"gone\"}"), 0);
    assert_int_equal(metric(env, 0, "oracle_requests_total{outcome=\"lost\"}"), 0);
    assert_int_equal(oracle_log_lines(env, 0, "YB-ORACLE-NO-CURSOR"), 0);
}

/* The assistant's count of pending requests (get_config's "pending"). */
static uint64_t pending_count(struct env *env)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "request_type", "call_function");
    cJSON_AddStringToObject(p, "finality", "optimistic");
    cJSON_AddStringToObject(p, "account_id", "assistant.test.near");
    cJSON_AddStringToObject(p, "method_name", "get_config");
    cJSON_AddStringToObject(p, "args_base64", "");
    cJSON *r = call(env, "query", p);
    uint8_t *bytes = NULL;
    size_t n = 0;
    assert_int_equal(json_get_byte_array(r, "result", 1 << 20, &bytes, &n), YB_OK);
    cJSON *cfg = NULL;
    assert_int_equal(json_parse((const char *)bytes, n, 1 << 20, &cfg, NULL), YB_OK);
    uint64_t pending = 0;
    assert_int_equal(json_get_u64(cfg, "pending", &pending), YB_OK);
    cJSON_Delete(cfg);
    free(bytes);
    cJSON_Delete(r);
    return pending;
}

/* More requests pending at once than one page of the view holds (PROFILE_PAGE_MAX 1024), read
 * by whole reads: the burst is on the chain before the oracle starts, and an oracle's first
 * poll is a whole read (then every poll here: --sweep-interval-ms 50), so it must go page after
 * page by request id, skipping nothing. (Sending while the oracle ran left the pending count
 * below a page now and then on a loaded sanitizer run.) */
static void backlog_past_one_page_in_whole_reads(void **state)
{
    (void)state;
    struct env *env = &the_env;
    /* 1,000 blocks of 50 ms: time for a slow run to answer all before the yields time out. */
    env_start(env, BLOCK_MS, 1000, NULL);
    enum { N = 1500 };
    static struct loadgen g;
    loadgen_init(&g, env, 16);
    loadgen_sign(&g, N, "wholepages", 0);
    loadgen_send(&g);
    uint64_t end = mono_ms() + 30000;
    while (pending_count(env) < N && mono_ms() < end) {
        usleep(20000);
    }
    assert_int_equal(pending_count(env), N);
    const char *flags[] = {"--sweep-interval-ms", "50", "--poll-interval-ms", "50", NULL};
    start_oracle(env, 0, flags, NULL);
    loadgen_collect(&g);
    check_backlog(env, &g, "wholepages");
    loadgen_fini(&g);
    printf("  full pages read on in whole reads: %d\n", pages_read_on(env, true));
    assert_true(pages_read_on(env, true) >= 1);
}

/* The same backlog read as new requests: no events, and the timer's next poll (8 s after the
 * first, which start_oracle waited for) comes after the whole burst is on the chain (checked:
 * all 1,500 pending before it is due), so it reads 1,500 new requests in two pages. */
static void backlog_past_one_page_in_reads_of_new_requests(void **state)
{
    (void)state;
    struct env *env = &the_env;
    enum { N = 1500, POLL_MS = 8000 };
    env_start(env, BLOCK_MS, 1000, NULL);
    static struct loadgen g;
    loadgen_init(&g, env, 16);
    loadgen_sign(&g, N, "newpages", 0);
    const char *flags[] = {"--events-url", "", "--poll-interval-ms", "8000", NULL};
    start_oracle(env, 0, flags, NULL);
    uint64_t polled = mono_ms();
    loadgen_send(&g);
    while (pending_count(env) < N && mono_ms() < polled + POLL_MS) {
        usleep(20000);
    }
    if (mono_ms() >= polled + POLL_MS) {
        fail_msg("the burst was not on the chain within one poll interval (%d ms)", POLL_MS);
    }
    loadgen_collect(&g);
    check_backlog(env, &g, "newpages");
    loadgen_fini(&g);
    printf("  full pages read on in reads of new requests: %d\n", pages_read_on(env, false));
    assert_true(pages_read_on(env, false) >= 1);
}

static void journal_is_pruned(void **state)
{
    (void)state;
    struct env *env = &the_env;
    env_start(env, BLOCK_MS, 20, NULL);
    const char *flags[] = {"--timeout-blocks", "20", "--poll-interval-ms", "20", NULL};
    start_oracle(env, 0, flags, NULL);
    ask_and_check(env, "prune", 2);
    assert_int_equal(await_metric(env, 0, "oracle_journal_entries", 2), 2);
    /* 20 blocks after expiry (2 s at 50 ms) the settled entries leave the journal. */
    assert_int_equal(await_metric(env, 0, "oracle_journal_entries", 0), 0);
}

static int teardown(void **state)
{
    (void)state;
    return env_stop(&the_env) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    return crypto_init() == YB_OK && rpc_global_init() == YB_OK ? 0 : -1;
}

int main(void)
{
    if (!getenv("YB_CHAIN") || !getenv("YB_MOCKAI") || !getenv("YB_ORACLE")) {
        fprintf(stderr, "YB_CHAIN, YB_MOCKAI and YB_ORACLE must name the binaries\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(answers_requests, teardown),
        cmocka_unit_test_teardown(slow_ai_times_out_cleanly, teardown),
        cmocka_unit_test_teardown(recovers_from_429_and_500_bursts, teardown),
        cmocka_unit_test_teardown(kill9_after_journal_resubmits, teardown),
        cmocka_unit_test_teardown(chain_restart_under_the_oracle, teardown),
        cmocka_unit_test_teardown(polling_alone_answers, teardown),
        cmocka_unit_test_teardown(two_instances_answer_once, teardown),
        cmocka_unit_test_teardown(follower_takes_over_from_a_missing_leader, teardown),
        cmocka_unit_test_teardown(near_examples_profile, teardown),
        cmocka_unit_test_teardown(journal_is_pruned, teardown),
        cmocka_unit_test_teardown(burst_answered_in_batches, teardown),
        cmocka_unit_test_teardown(respond_only_key_answers_one_by_one, teardown),
        cmocka_unit_test_teardown(batch_refused_falls_back_to_respond, teardown),
        cmocka_unit_test_teardown(contract_without_batch_falls_back, teardown),
        cmocka_unit_test_teardown(contract_without_cursor_falls_back, teardown),
        cmocka_unit_test_teardown(backlog_past_one_page_in_whole_reads, teardown),
        cmocka_unit_test_teardown(backlog_past_one_page_in_reads_of_new_requests, teardown),
    };
    /* YB_ORACLE_TEST=<glob> runs only the matching scenarios (while working on one). */
    const char *only = getenv("YB_ORACLE_TEST");
    if (only) {
        cmocka_set_test_filter(only);
    }
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
