/*
 * test_crash_proc.c — crash safety through the real binary and JSON-RPC. `yb-chain run`
 * (on-demand, fsync per block) gets a stream of signed `increment` calls to a counter contract
 * over HTTP from several threads (one sender account each, send_tx with wait_until
 * INCLUDED_FINAL or EXECUTED), and one assistant `request` that leaves a yield pending; at a
 * random moment the process gets SIGKILL while calls are in flight. It is restarted on the same
 * home (manual mode) and checked from outside, through RPC only:
 *   - the chain continues from the last committed block: the head is at least the last height
 *     seen before the kill, every height back to genesis is there and links to the one before,
 *     and the next block links to the head;
 *   - every tx whose send_tx answered with a status is found by `tx` with the same outcomes;
 *   - no receipt executed twice and none was lost half-way: the increments that are on the chain
 *     returned exactly 1..K, and the counter is K;
 *   - the pending request keeps its expires_height: still pending one block before it, timed out
 *     at it.
 * (test_crash.c is the in-process variant under heavier load, checked through the node API.)
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chain_proc.h"
#include "codec.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "keyfile.h"
#include "rpc_client.h"
#include "tx.h"

#define COUNTER       "counter.test.near"
#define SENDERS       6    /* sender accounts s0..s5.test.near, one thread each */
#define SENDER_TXS    1500 /* increments pre-signed per sender: more than get sent */
#define LOAD_FIRST_MS 300  /* load before the assistant request */
/* The kill comes KILL_MIN_MS plus a random part of KILL_SPREAD_MS after the yield is pending:
 * the load makes ~180 blocks/s here, and all of it must fit in the yield's 200 blocks. */
#define KILL_MIN_MS    100
#define KILL_SPREAD_MS 400
#define INCREMENT_GAS  30000000000000ull
#define CODE_MAX       (1u << 20)
#define NEAR_YOCTO     ((yb_u128)1000000000000ull * 1000000000000ull)

/* Set (atomically) just before the kill: answers without a status are expected from then on. */
static bool killing;
/* Set (atomically) once the node is dead: the senders stop posting. Stopping them only after
 * the kill keeps calls in flight when it lands (stopping first let every call in flight finish
 * in time, now and then, on a slow sanitizer run). */
static bool stop_load;

struct sender {
    const char *url;
    char account[32];
    char *b64[SENDER_TXS];
    char hash[SENDER_TXS][NEAR_HASH_STR_MAX];
    cJSON *ack[SENDER_TXS]; /* send_tx's result when it answered with a status */
    size_t sent;            /* posted (or being posted) when the kill came */
    size_t live_errors;     /* answers without a status while the node was not being killed */
};

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

/* A sender thread: posts its pre-signed calls one after the other until stopped. No cmocka
 * asserts here (they must run on the test's thread). */
static void *sender_run(void *arg)
{
    struct sender *s = arg;
    for (size_t k = 0; k < SENDER_TXS; k++) {
        if (__atomic_load_n(&stop_load, __ATOMIC_ACQUIRE)) {
            break;
        }
        __atomic_store_n(&s->sent, k + 1, __ATOMIC_RELEASE);
        size_t cap = strlen(s->b64[k]) + 200;
        char *body = malloc(cap);
        int n = snprintf(body, cap,
                         "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"send_tx\",\"params\":"
                         "{\"signed_tx_base64\":\"%s\",\"wait_until\":\"%s\"}}",
                         s->b64[k], k % 2 ? "EXECUTED" : "INCLUDED_FINAL");
        long status = 0;
        cJSON *ans = NULL;
        (void)rpc_post_raw(s->url, body, (size_t)n, &status, &ans);
        free(body);
        const cJSON *r = cJSON_GetObjectItem(ans, "result");
        const cJSON *fes = cJSON_GetObjectItem(r, "final_execution_status");
        if (cJSON_IsString(fes) && strcmp(fes->valuestring, "NONE") != 0) {
            s->ack[k] = cJSON_Duplicate(r, true);
        } else if (!__atomic_load_n(&killing, __ATOMIC_ACQUIRE)) {
            s->live_errors++;
            char *t = ans != NULL ? cJSON_PrintUnformatted(ans) : NULL;
            fprintf(stderr, "%s #%zu: no status: %s\n", s->account, k, t ? t : "(no answer)");
            free(t);
        }
        cJSON_Delete(ans);
    }
    return NULL;
}

/* send_tx with wait_until FINAL of a tx built by the caller (taken), asserting success. */
static void send_final(const struct chain_proc *p, struct tx *tx, const uint8_t *sk)
{
    char hash[NEAR_HASH_STR_MAX];
    char *b64 = rpc_sign_tx(tx, sk, hash);
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    cJSON_AddStringToObject(params, "wait_until", "FINAL");
    cJSON *r = rpc_ok(p, "send_tx", params);
    free(b64);
    const cJSON *st = cJSON_GetObjectItem(r, "status");
    if (cJSON_GetObjectItem(st, "SuccessValue") == NULL) {
        fail_msg("tx %s failed: %s", hash, cJSON_PrintUnformatted(r));
    }
    const cJSON *ro;
    cJSON_ArrayForEach(ro, cJSON_GetObjectItem(r, "receipts_outcome"))
    {
        const cJSON *o = cJSON_GetObjectItem(ro, "outcome");
        assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "status"), "Failure"));
    }
    cJSON_Delete(r);
}

static uint64_t key_nonce(const struct chain_proc *p, const char *account, const char *pk)
{
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "request_type", "view_access_key");
    cJSON_AddStringToObject(q, "account_id", account);
    cJSON_AddStringToObject(q, "public_key", pk);
    cJSON_AddStringToObject(q, "finality", "final");
    cJSON *r = rpc_ok(p, "query", q);
    uint64_t n = rpc_num(r, "nonce");
    cJSON_Delete(r);
    return n;
}

/* The JSON a call_function view returned (its byte array parsed). */
static cJSON *view(const struct chain_proc *p, const char *account, const char *method,
                   const char *args)
{
    char b64[256];
    assert_int_equal(base64_encode((const uint8_t *)args, strlen(args), b64, sizeof b64), YB_OK);
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "request_type", "call_function");
    cJSON_AddStringToObject(q, "account_id", account);
    cJSON_AddStringToObject(q, "method_name", method);
    cJSON_AddStringToObject(q, "args_base64", b64);
    cJSON_AddStringToObject(q, "finality", "final");
    cJSON *r = rpc_ok(p, "query", q);
    uint8_t *raw = NULL;
    size_t len = 0;
    assert_int_equal(json_as_byte_array(cJSON_GetObjectItem(r, "result"), 1 << 20, &raw, &len),
                     YB_OK);
    cJSON *v = NULL;
    assert_int_equal(json_parse((const char *)raw, len, 1 << 20, &v, NULL), YB_OK);
    free(raw);
    cJSON_Delete(r);
    return v;
}

/* The assistant's pending record of request_id (returned), or NULL. */
static cJSON *pending_request(const struct chain_proc *p, uint64_t request_id)
{
    cJSON *list = view(p, "assistant.test.near", "get_pending_requests", "{\"limit\":100}");
    cJSON *found = NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        if (rpc_num(e, "request_id") == request_id) {
            found = cJSON_Duplicate(e, true);
        }
    }
    cJSON_Delete(list);
    return found;
}

/* `tx` with wait_until NONE: the whole answer (result or error). */
static cJSON *tx_lookup(const struct chain_proc *p, const char *hash, const char *signer)
{
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "tx_hash", hash);
    cJSON_AddStringToObject(q, "sender_account_id", signer);
    cJSON_AddStringToObject(q, "wait_until", "NONE");
    return rpc_call(p, "tx", q);
}

/* The SuccessValue of an outcome's (or a result's) "status", decoded, as text into out. */
static void success_text(const cJSON *o, char *out, size_t cap)
{
    const cJSON *sv = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "status"), "SuccessValue");
    assert_true(cJSON_IsString(sv));
    size_t len = 0;
    assert_int_equal(
        base64_decode(sv->valuestring, strlen(sv->valuestring), (uint8_t *)out, cap - 1, &len),
        YB_OK);
    out[len] = '\0';
}

/* The value a FINAL increment returned: its receipt on the counter ended in SuccessValue "N". */
static uint64_t increment_value(const cJSON *r)
{
    const cJSON *ro;
    cJSON_ArrayForEach(ro, cJSON_GetObjectItem(r, "receipts_outcome"))
    {
        const cJSON *o = cJSON_GetObjectItem(ro, "outcome");
        if (strcmp(rpc_str(o, "executor_id"), COUNTER) != 0) {
            continue;
        }
        char text[32];
        success_text(o, text, sizeof text);
        return strtoull(text, NULL, 10);
    }
    fail_msg("no outcome of %s in %s", COUNTER, cJSON_PrintUnformatted(r));
    return 0;
}

/* Every outcome (by id) the acknowledgement carried is in the later answer, unchanged. */
static void assert_same_outcomes(const cJSON *ack, const cJSON *now)
{
    assert_true(cJSON_Compare(cJSON_GetObjectItem(ack, "transaction_outcome"),
                              cJSON_GetObjectItem(now, "transaction_outcome"), true));
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(ack, "receipts_outcome"))
    {
        const cJSON *b, *match = NULL;
        cJSON_ArrayForEach(b, cJSON_GetObjectItem(now, "receipts_outcome"))
        {
            if (strcmp(rpc_str(a, "id"), rpc_str(b, "id")) == 0) {
                match = b;
            }
        }
        assert_non_null(match);
        assert_true(cJSON_Compare(a, match, true));
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Reads a whole contract file (returned, free()). */
static uint8_t *read_wasm(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *code = malloc(CODE_MAX);
    *len = fread(code, 1, CODE_MAX, f);
    fclose(f);
    assert_true(*len > 0 && *len < CODE_MAX);
    return code;
}

/* Makes COUNTER (the counter contract) and the sender accounts (test.near's key) and pre-signs
 * every sender's increments. */
static void setup_load(const struct chain_proc *p, struct sender *s)
{
    struct keyfile root;
    assert_int_equal(chain_proc_key(p, "test.near", &root), YB_OK);
    struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
    memcpy(pk.data, root.pk, sizeof pk.data);
    char pks[NEAR_PUBKEY_STR_MAX];
    near_pubkey_format(&pk, pks);
    uint8_t head[NEAR_HASH_LEN];
    uint64_t height;
    rpc_head(p, head, &height);
    uint64_t nonce = key_nonce(p, "test.near", pks);

    size_t code_len;
    uint8_t *code = read_wasm(YB_CONTRACTS_DIR "/counter.wasm", &code_len);
    struct tx tx;
    assert_int_equal(tx_init(&tx, "test.near", &pk, ++nonce, COUNTER, head), YB_OK);
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    assert_int_equal(tx_add_transfer(&tx, 50 * NEAR_YOCTO), YB_OK);
    assert_int_equal(tx_add_deploy_contract(&tx, code, code_len), YB_OK);
    send_final(p, &tx, root.sk);
    free(code);

    for (int i = 0; i < SENDERS; i++) {
        snprintf(s[i].account, sizeof s[i].account, "s%d.test.near", i);
        assert_int_equal(tx_init(&tx, "test.near", &pk, ++nonce, s[i].account, head), YB_OK);
        assert_int_equal(tx_add_create_account(&tx), YB_OK);
        assert_int_equal(tx_add_transfer(&tx, 100 * NEAR_YOCTO), YB_OK);
        assert_int_equal(tx_add_full_access_key(&tx, &pk), YB_OK);
        send_final(p, &tx, root.sk);
    }
    rpc_head(p, head, &height);
    for (int i = 0; i < SENDERS; i++) {
        s[i].url = p->rpc_url;
        uint64_t n = key_nonce(p, s[i].account, pks);
        for (size_t k = 0; k < SENDER_TXS; k++) {
            assert_int_equal(tx_init(&tx, s[i].account, &pk, n + 1 + k, COUNTER, head), YB_OK);
            assert_int_equal(
                tx_add_function_call(&tx, "increment", (const uint8_t *)"{}", 2, INCREMENT_GAS, 0),
                YB_OK);
            s[i].b64[k] = rpc_sign_tx(&tx, root.sk, s[i].hash[k]);
        }
    }
    keyfile_wipe(&root);
}

/* Sends the assistant request from user.test.near (INCLUDED_FINAL) and waits until its yield
 * is pending; returns the record (returned) and the tx hash. */
static cJSON *request_pending(const struct chain_proc *p, char hash[NEAR_HASH_STR_MAX])
{
    char *b64 = rpc_sign(p, "user.test.near", "assistant.test.near", "request",
                         "{\"prompt\":\"still there after kill -9?\"}", 0, 0, hash);
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    cJSON_AddStringToObject(params, "wait_until", "INCLUDED_FINAL");
    cJSON_Delete(rpc_ok(p, "send_tx", params));
    free(b64);
    for (int i = 0; i < 500; i++) {
        cJSON *list = view(p, "assistant.test.near", "get_pending_requests", "{\"limit\":10}");
        cJSON *rec = NULL;
        if (cJSON_GetArraySize(list) == 1) {
            rec = cJSON_Duplicate(cJSON_GetArrayItem(list, 0), true);
        }
        cJSON_Delete(list);
        if (rec != NULL) {
            return rec;
        }
        sleep_ms(10);
    }
    fail_msg("the request never became pending");
    return NULL;
}

/* Heights 0..head all exist and each block's prev_hash is the hash of the one before; the
 * head's hash into head_hash. */
static void assert_chain_links(const struct chain_proc *p, uint64_t head, char *head_hash)
{
    char prev[NEAR_HASH_STR_MAX] = "";
    for (uint64_t h = 0; h <= head; h++) {
        cJSON *q = cJSON_CreateObject();
        json_add_u64(q, "block_id", h);
        cJSON *b = rpc_ok(p, "block", q);
        const cJSON *hdr = cJSON_GetObjectItem(b, "header");
        assert_int_equal(rpc_num(hdr, "height"), h);
        if (h > 0) {
            assert_string_equal(rpc_str(hdr, "prev_hash"), prev);
        }
        snprintf(prev, sizeof prev, "%s", rpc_str(hdr, "hash"));
        cJSON_Delete(b);
    }
    snprintf(head_hash, NEAR_HASH_STR_MAX, "%s", prev);
}

static void test_kill_9_binary(void **state)
{
    (void)state;
    struct chain_proc p;
    struct chain_proc_opts opts = {.mode = "on-demand"};
    assert_int_equal(chain_proc_start(&p, &opts), 0);
    struct sender *s = calloc(SENDERS, sizeof *s);
    assert_non_null(s);
    setup_load(&p, s);

    uint8_t r[2];
    crypto_random(r, sizeof r);
    int64_t kill_after = KILL_MIN_MS + (((int64_t)r[0] << 8 | r[1]) % KILL_SPREAD_MS);
    __atomic_store_n(&stop_load, false, __ATOMIC_RELEASE);
    __atomic_store_n(&killing, false, __ATOMIC_RELEASE);
    pthread_t th[SENDERS];
    for (int i = 0; i < SENDERS; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, sender_run, &s[i]), 0);
    }
    sleep_ms(LOAD_FIRST_MS);
    char req_hash[NEAR_HASH_STR_MAX];
    cJSON *req = request_pending(&p, req_hash);
    uint64_t request_id = rpc_num(req, "request_id");
    uint64_t expires = rpc_num(req, "expires_height");

    /* Watch the head until the kill: the last height a client saw committed. */
    uint8_t hh[NEAR_HASH_LEN];
    uint64_t seen = 0;
    int64_t kill_at = mono_ms() + kill_after;
    while (mono_ms() < kill_at) {
        rpc_head(&p, hh, &seen);
        sleep_ms(10);
    }
    __atomic_store_n(&killing, true, __ATOMIC_RELEASE);
    int ws = chain_proc_signal(&p, SIGKILL);
    __atomic_store_n(&stop_load, true, __ATOMIC_RELEASE);
    assert_true(WIFSIGNALED(ws));
    size_t sent = 0, acked = 0, live_errors = 0;
    for (int i = 0; i < SENDERS; i++) {
        pthread_join(th[i], NULL);
        sent += s[i].sent;
        live_errors += s[i].live_errors;
        for (size_t k = 0; k < s[i].sent; k++) {
            acked += s[i].ack[k] != NULL;
        }
    }
    print_message("kill -9 %lld ms after the yield: %zu increments sent, %zu acknowledged, "
                  "head seen %llu, request %llu expires at %llu\n",
                  (long long)kill_after, sent, acked, (unsigned long long)seen,
                  (unsigned long long)request_id, (unsigned long long)expires);
    assert_int_equal(live_errors, 0);
    assert_true(acked > 0);
    assert_true(sent > acked); /* the kill came while calls were in flight */

    /* Restart on the same home; manual mode so the checks decide when blocks come. */
    p.opts.mode = "manual";
    assert_int_equal(chain_proc_restart(&p), 0);
    uint64_t head;
    rpc_head(&p, hh, &head);
    assert_true(head >= seen);
    assert_true(head + 3 < expires); /* else the load outran the yield: shorten it */
    char head_hash[NEAR_HASH_STR_MAX];
    assert_chain_links(&p, head, head_hash);
    assert_int_equal(rpc_produce(&p, 1), head + 1);
    cJSON *q = cJSON_CreateObject();
    json_add_u64(q, "block_id", head + 1);
    cJSON *b = rpc_ok(&p, "block", q);
    assert_string_equal(rpc_str(cJSON_GetObjectItem(b, "header"), "prev_hash"), head_hash);
    cJSON_Delete(b);
    rpc_produce(&p, 2); /* receipts (and their refunds) queued at the kill run now */

    /* Every increment on the chain ran once and completely; every acknowledged one is there
     * with the outcomes it was acknowledged with. */
    uint64_t *values = calloc(sent + 1, sizeof *values);
    size_t n_values = 0;
    for (int i = 0; i < SENDERS; i++) {
        for (size_t k = 0; k < s[i].sent; k++) {
            cJSON *ans = tx_lookup(&p, s[i].hash[k], s[i].account);
            const cJSON *res = cJSON_GetObjectItem(ans, "result");
            if (res == NULL) {
                const cJSON *cause =
                    cJSON_GetObjectItem(cJSON_GetObjectItem(ans, "error"), "cause");
                assert_string_equal(rpc_str(cause, "name"), "UNKNOWN_TRANSACTION");
                if (s[i].ack[k] != NULL) {
                    fail_msg("%s #%zu %s was acknowledged but is gone", s[i].account, k,
                             s[i].hash[k]);
                }
            } else {
                rpc_check_final(res, s[i].hash[k], s[i].account);
                values[n_values++] = increment_value(res);
                if (s[i].ack[k] != NULL) {
                    assert_same_outcomes(s[i].ack[k], res);
                }
            }
            cJSON_Delete(ans);
        }
    }
    qsort(values, n_values, sizeof *values, cmp_u64);
    for (size_t i = 0; i < n_values; i++) {
        assert_int_equal(values[i], i + 1);
    }
    cJSON *count = view(&p, COUNTER, "get", "{}");
    assert_int_equal((uint64_t)count->valuedouble, n_values);
    cJSON_Delete(count);
    print_message("after restart: head %llu, %zu increments on the chain, counter %zu\n",
                  (unsigned long long)head, n_values, n_values);
    free(values);

    /* The yield kept its expiry: pending through expires - 1, timed out at expires (its
     * callback, which ends the user's call, runs one block later). */
    uint64_t now = head + 3;
    cJSON *again = pending_request(&p, request_id);
    assert_non_null(again);
    assert_true(cJSON_Compare(req, again, true));
    cJSON_Delete(again);
    if (expires - 1 > now) {
        q = cJSON_CreateObject();
        json_add_u64(q, "delta_height", expires - 1 - now);
        cJSON_Delete(rpc_ok(&p, "sandbox_fast_forward", q));
    }
    again = pending_request(&p, request_id);
    assert_non_null(again);
    cJSON_Delete(again);
    cJSON *ans = tx_lookup(&p, req_hash, "user.test.near");
    assert_string_equal(rpc_str(cJSON_GetObjectItem(ans, "result"), "final_execution_status"),
                        "INCLUDED_FINAL");
    cJSON_Delete(ans);
    assert_int_equal(rpc_produce(&p, 2), expires + 1);
    assert_null(pending_request(&p, request_id));
    ans = tx_lookup(&p, req_hash, "user.test.near");
    const cJSON *res = cJSON_GetObjectItem(ans, "result");
    rpc_check_outcome(res, req_hash, "user.test.near", "EXECUTED"); /* its refund runs next */
    char text[512];
    success_text(res, text, sizeof text);
    cJSON *outcome = rpc_json(text);
    assert_int_equal(rpc_num(outcome, "request_id"), request_id);
    assert_string_equal(rpc_str(outcome, "status"), "timeout");
    cJSON_Delete(outcome);
    cJSON_Delete(ans);
    cJSON_Delete(req);

    for (int i = 0; i < SENDERS; i++) {
        for (size_t k = 0; k < SENDER_TXS; k++) {
            free(s[i].b64[k]);
            cJSON_Delete(s[i].ack[k]);
        }
    }
    free(s);
    chain_proc_cleanup(&p);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_9_binary),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
