/*
 * bench_chain.c — issue 5's speed bar: a load generator for a real `yb-chain` over JSON-RPC.
 *
 * Starts yb-chain (tests/support/chain_proc) in a temporary home on free loopback ports, then:
 *   1. setup: deploys counter.wasm to counter.test.near and creates BENCH_ACCOUNTS sender
 *      accounts with BENCH_KEYS full-access keys each (one signed tx per account from
 *      test.near), and reads every new key's nonce;
 *   2. pre-signs every FunctionCall `increment` transaction (outside the measured loop; the
 *      signing rate is printed on its own). Transaction j uses key j mod (accounts × keys), so
 *      consecutive transactions of one key are a whole key-round apart and rarely race;
 *   3. blasts them with curl multi at a bounded concurrency: `broadcast_tx_async` for
 *      throughput, and every Nth as `send_tx` wait_until=EXECUTED_OPTIMISTIC for the latency
 *      send → executed;
 *   4. counts executed transactions exactly: the counter's `get` view (one increment per
 *      executed tx) is polled every POLL_MS during and after the blast until it reaches the
 *      number of accepted transactions (or stops moving).
 * Prints accepted/s, executed/s, latency percentiles, blocks and txs per block (from /metrics),
 * and the ratio to the 3,000 tx/s target. Loopback only; it stops by itself.
 *
 * Usage: bench_chain [yb-chain binary]   (else $YB_CHAIN). Environment (all optional):
 *   YB_BENCH_SMOKE=1          a few seconds for CI (fewer txs and keys)
 *   YB_BENCH_MODE             interval (default) | on-demand
 *   YB_BENCH_BLOCK_MS         block time for interval mode (default 50)
 *   YB_BENCH_SYNC=1           fsync each block (default off: run --no-sync)
 *   YB_BENCH_TXS              transactions to send (default 60000; smoke 2000)
 *   YB_BENCH_ACCOUNTS, YB_BENCH_KEYS   senders and keys per sender (default 16 × 16)
 *   YB_BENCH_CONCURRENCY      requests in flight (default 256)
 *   YB_BENCH_SAMPLE           one send_tx latency sample every N txs (default 50)
 *   YB_BENCH_RATE             offer at most N txs/s (default 0: as fast as answered), for
 *                             latency without a mempool queue
 *   YB_CONTRACTS_DIR          where counter.wasm is (default: the build's contracts folder)
 * Exit status: 0 when the run completed and every accepted tx executed, 1 otherwise.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "chain_proc.h"
#include "codec.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "keyfile.h"
#include "mem.h"
#include "near.h"
#include "rpc.h"
#include "tx.h"

#ifndef YB_CONTRACTS_DIR
#define YB_CONTRACTS_DIR "contracts"
#endif

/* Caps on what the environment may ask for (everything is allocated up front). */
#define BENCH_MAX_TXS         1000000u /* ~300 MB of pre-signed base64 */
#define BENCH_MAX_ACCOUNTS    256u
#define BENCH_MAX_KEYS        64u
#define BENCH_MAX_CONCURRENCY 4096u
#define BENCH_MAX_CODE        (4u << 20)

#define BENCH_TARGET_TPS  3000.0
#define BENCH_CALL_GAS    10000000000000ull /* 10 Tgas: increment burns ~3 */
#define BENCH_POLL_MS     50                /* counter poll period */
#define BENCH_SETTLE_MS   10000             /* give up when the counter stops moving this long */
#define BENCH_CALL_MS     60000             /* timeout of one RPC during the blast */
#define BENCH_COUNTER     "counter.test.near"
#define BENCH_ROOT        "test.near"
#define BENCH_MAX_ERRNOTE 240

struct bench_cfg {
    bool smoke;
    bool sync;
    const char *mode;
    unsigned block_ms;
    size_t txs;
    unsigned accounts;
    unsigned keys;
    unsigned concurrency;
    unsigned sample_every;
    unsigned rate; /* txs per second to offer; 0 = as fast as the node answers */
};

/* One sender key: its credentials and the next nonce to sign with. */
struct bench_key {
    struct keyfile kf;
    uint64_t nonce;
};

/* A request in flight. The rpc_transfer must not move while curl owns it: slots are a fixed
 * array. */
enum job_kind { JOB_ASYNC, JOB_WAIT, JOB_POLL };

struct job {
    struct rpc_transfer t;
    enum job_kind kind;
    size_t key; /* index into bench_run.keys (tx jobs) */
    double t0;
    bool busy;
};

struct bench_run {
    struct bench_cfg cfg;
    struct chain_proc chain;
    struct rpc_client rpc;
    uint8_t head_hash[NEAR_HASH_LEN];
    struct bench_key *keys; /* accounts × keys */
    size_t n_keys;
    /* Scheduling: at most one request per key in flight, so a key's nonces reach the mempool
     * in order (answers of broadcast_tx_async come after admission). */
    bool *key_busy;
    size_t *key_sent;  /* txs of key k sent so far; its i-th tx is signed_b64[i × n_keys + k] */
    char **signed_b64; /* cfg.txs pre-signed transactions */
    /* blast results */
    size_t accepted, rejected, wait_ok, wait_failed;
    double *lat_ms;
    size_t n_lat;
    char first_error[BENCH_MAX_ERRNOTE];
    uint64_t counter_base, counter_now;
    double t_counter; /* when counter_now was read */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned env_uint(const char *name, unsigned def, unsigned lo, unsigned hi)
{
    const char *s = getenv(name);
    if (s == NULL || s[0] == '\0') {
        return def;
    }
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "bench_chain: %s=%s is not in [%u, %u]; using %u\n", name, s, lo, hi, def);
        return def;
    }
    return (unsigned)v;
}

static void cfg_from_env(struct bench_cfg *c)
{
    const char *smoke = getenv("YB_BENCH_SMOKE");
    c->smoke = smoke != NULL && strcmp(smoke, "1") == 0;
    const char *sync = getenv("YB_BENCH_SYNC");
    c->sync = sync != NULL && strcmp(sync, "1") == 0;
    const char *mode = getenv("YB_BENCH_MODE");
    c->mode = (mode != NULL && strcmp(mode, "on-demand") == 0) ? "on-demand" : "interval";
    c->block_ms = env_uint("YB_BENCH_BLOCK_MS", 50, 1, 10000);
    c->txs = env_uint("YB_BENCH_TXS", c->smoke ? 2000 : 60000, 1, BENCH_MAX_TXS);
    c->accounts = env_uint("YB_BENCH_ACCOUNTS", c->smoke ? 4 : 16, 1, BENCH_MAX_ACCOUNTS);
    c->keys = env_uint("YB_BENCH_KEYS", 16, 1, BENCH_MAX_KEYS);
    c->concurrency =
        env_uint("YB_BENCH_CONCURRENCY", c->smoke ? 64 : 256, 1, BENCH_MAX_CONCURRENCY);
    c->sample_every = env_uint("YB_BENCH_SAMPLE", 50, 1, BENCH_MAX_TXS);
    c->rate = env_uint("YB_BENCH_RATE", 0, 0, BENCH_MAX_TXS);
}

/* ---- setup over the blocking client ---- */

/* rpc_call with a message on failure. params borrowed; *out returned. */
static int call(struct bench_run *b, const char *method, const cJSON *params, cJSON **out)
{
    struct rpc_error err;
    int rc = rpc_call(&b->rpc, method, params, out, &err);
    if (rc != YB_OK) {
        char line[512];
        fprintf(stderr, "bench_chain: %s: %s\n", method,
                rpc_error_describe(rc, &err, line, sizeof line));
    }
    rpc_error_fini(&err);
    return rc;
}

static int read_head(struct bench_run *b)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "finality", "final");
    cJSON *res = NULL;
    int rc = call(b, "block", p, &res);
    cJSON_Delete(p);
    const cJSON *header = NULL;
    const char *hash = NULL;
    if (rc == YB_OK) {
        rc = json_get_object(res, "header", &header);
    }
    if (rc == YB_OK) {
        rc = json_get_str(header, "hash", &hash);
    }
    if (rc == YB_OK) {
        rc = near_hash_parse(hash, strlen(hash), b->head_hash);
    }
    cJSON_Delete(res);
    return rc;
}

static int view_nonce(struct bench_run *b, const char *account, const uint8_t pk[ED25519_PK_LEN],
                      uint64_t *nonce)
{
    struct near_pubkey k = {.type = NEAR_KEY_ED25519};
    memcpy(k.data, pk, sizeof k.data);
    char pks[NEAR_PUBKEY_STR_MAX];
    int rc = near_pubkey_format(&k, pks);
    if (rc != YB_OK) {
        return rc;
    }
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "request_type", "view_access_key");
    cJSON_AddStringToObject(p, "finality", "final");
    cJSON_AddStringToObject(p, "account_id", account);
    cJSON_AddStringToObject(p, "public_key", pks);
    cJSON *res = NULL;
    rc = call(b, "query", p, &res);
    cJSON_Delete(p);
    if (rc == YB_OK) {
        rc = json_get_u64(res, "nonce", nonce);
    }
    cJSON_Delete(res);
    return rc;
}

/* Signs tx (taken) with kf and returns base64 of the SignedTransaction (*b64 returned). */
static int sign_b64(struct tx *tx, const struct keyfile *kf, char **b64)
{
    struct tx_signed *st = NULL;
    int rc = tx_sign(tx, kf->sk, &st);
    if (rc != YB_OK) {
        return rc;
    }
    struct yb_buf buf;
    yb_buf_init(&buf, TX_MAX_SIZE);
    rc = tx_signed_encode(&buf, st);
    if (rc == YB_OK) {
        size_t n = base64_encoded_len(buf.len);
        *b64 = yb_xmalloc(n);
        rc = base64_encode(buf.data, buf.len, *b64, n);
        if (rc != YB_OK) {
            free(*b64);
            *b64 = NULL;
        }
    }
    yb_buf_fini(&buf);
    tx_signed_free(st);
    return rc;
}

/* send_tx wait_until=EXECUTED_OPTIMISTIC; the outcome must be a success. b64 borrowed. */
static int send_and_wait(struct bench_run *b, const char *b64, const char *what)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "signed_tx_base64", b64);
    cJSON_AddStringToObject(p, "wait_until", "EXECUTED_OPTIMISTIC");
    cJSON *res = NULL;
    int rc = call(b, "send_tx", p, &res);
    cJSON_Delete(p);
    const cJSON *status = NULL;
    if (rc == YB_OK) {
        rc = json_get_object(res, "status", &status);
    }
    if (rc == YB_OK && cJSON_GetObjectItemCaseSensitive(status, "Failure") != NULL) {
        char *text = cJSON_PrintUnformatted(status);
        fprintf(stderr, "bench_chain: %s failed: %s\n", what, text != NULL ? text : "?");
        free(text);
        rc = YB_EINTERNAL;
    }
    cJSON_Delete(res);
    return rc;
}

static int read_file(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "bench_chain: cannot open %s: %s\n", path, strerror(errno));
        return YB_ENOTFOUND;
    }
    struct yb_buf buf;
    yb_buf_init(&buf, BENCH_MAX_CODE);
    uint8_t chunk[65536];
    size_t n;
    int rc = YB_OK;
    while (rc == YB_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        rc = yb_buf_append(&buf, chunk, n);
    }
    if (rc == YB_OK && ferror(f)) {
        rc = YB_EIO;
    }
    fclose(f);
    if (rc == YB_OK) {
        *out = yb_buf_steal(&buf, len);
    }
    yb_buf_fini(&buf);
    return rc;
}

/* Deploys counter.wasm to BENCH_COUNTER and creates the sender accounts with their keys. */
static int setup_accounts(struct bench_run *b)
{
    struct keyfile root;
    if (chain_proc_key(&b->chain, BENCH_ROOT, &root) != YB_OK) {
        fprintf(stderr, "bench_chain: no key for %s\n", BENCH_ROOT);
        return YB_ENOTFOUND;
    }
    struct near_pubkey root_pk = {.type = NEAR_KEY_ED25519};
    memcpy(root_pk.data, root.pk, sizeof root_pk.data);
    uint64_t nonce = 0;
    int rc = view_nonce(b, BENCH_ROOT, root.pk, &nonce);

    const char *dir = getenv("YB_CONTRACTS_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/counter.wasm", dir != NULL && dir[0] ? dir : YB_CONTRACTS_DIR);
    uint8_t *code = NULL;
    size_t code_len = 0;
    if (rc == YB_OK) {
        rc = read_file(path, &code, &code_len);
    }
    struct tx tx = {0};
    char *b64 = NULL;
    const yb_u128 ten_near = (yb_u128)10 * 1000000000000ull * 1000000000000ull; /* 10 NEAR */
    if (rc == YB_OK) {
        rc = tx_init(&tx, BENCH_ROOT, &root_pk, ++nonce, BENCH_COUNTER, b->head_hash);
    }
    if (rc == YB_OK) {
        rc = tx_add_create_account(&tx);
    }
    if (rc == YB_OK) {
        rc = tx_add_transfer(&tx, ten_near);
    }
    if (rc == YB_OK) {
        rc = tx_add_deploy_contract(&tx, code, code_len);
    }
    if (rc == YB_OK) {
        rc = sign_b64(&tx, &root, &b64);
    }
    tx_fini(&tx);
    free(code);
    if (rc == YB_OK) {
        rc = send_and_wait(b, b64, "deploying counter.wasm");
    }
    free(b64);

    /* One tx per sender account: CreateAccount, Transfer, AddKey × keys. */
    for (unsigned a = 0; rc == YB_OK && a < b->cfg.accounts; a++) {
        char account[NEAR_ACCOUNT_ID_MAX + 1];
        snprintf(account, sizeof account, "bench%u.%s", a, BENCH_ROOT);
        rc = tx_init(&tx, BENCH_ROOT, &root_pk, ++nonce, account, b->head_hash);
        if (rc == YB_OK) {
            rc = tx_add_create_account(&tx);
        }
        if (rc == YB_OK) {
            rc = tx_add_transfer(&tx, ten_near);
        }
        for (unsigned k = 0; rc == YB_OK && k < b->cfg.keys; k++) {
            struct bench_key *bk = &b->keys[(size_t)a * b->cfg.keys + k];
            rc = keyfile_generate(&bk->kf, account);
            struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
            memcpy(pk.data, bk->kf.pk, sizeof pk.data);
            if (rc == YB_OK) {
                rc = tx_add_full_access_key(&tx, &pk);
            }
        }
        if (rc == YB_OK) {
            rc = sign_b64(&tx, &root, &b64);
        }
        tx_fini(&tx);
        if (rc == YB_OK) {
            rc = send_and_wait(b, b64, "creating a sender account");
        }
        free(b64);
        b64 = NULL;
    }
    /* New keys start at nonce (height - 1) × 10^6; read each one's. */
    for (size_t i = 0; rc == YB_OK && i < b->n_keys; i++) {
        rc = view_nonce(b, b->keys[i].kf.account_id, b->keys[i].kf.pk, &b->keys[i].nonce);
    }
    keyfile_wipe(&root);
    return rc;
}

/* Pre-signs cfg.txs FunctionCall increments; returns the signing rate (tx/s) in *rate. */
static int presign(struct bench_run *b, double *rate)
{
    b->signed_b64 = yb_xcalloc(b->cfg.txs, sizeof *b->signed_b64);
    double t0 = now_s();
    int rc = YB_OK;
    for (size_t j = 0; rc == YB_OK && j < b->cfg.txs; j++) {
        struct bench_key *k = &b->keys[j % b->n_keys];
        struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
        memcpy(pk.data, k->kf.pk, sizeof pk.data);
        struct tx tx = {0};
        rc = tx_init(&tx, k->kf.account_id, &pk, ++k->nonce, BENCH_COUNTER, b->head_hash);
        if (rc == YB_OK) {
            rc =
                tx_add_function_call(&tx, "increment", (const uint8_t *)"{}", 2, BENCH_CALL_GAS, 0);
        }
        if (rc == YB_OK) {
            rc = sign_b64(&tx, &k->kf, &b->signed_b64[j]);
        }
        tx_fini(&tx);
    }
    double dt = now_s() - t0;
    *rate = dt > 0 ? (double)b->cfg.txs / dt : 0;
    return rc;
}

/* ---- the blast: curl multi ---- */

static cJSON *counter_params(void)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "request_type", "call_function");
    cJSON_AddStringToObject(p, "finality", "optimistic");
    cJSON_AddStringToObject(p, "account_id", BENCH_COUNTER);
    cJSON_AddStringToObject(p, "method_name", "get");
    cJSON_AddStringToObject(p, "args_base64", "");
    return p;
}

/* The counter's value from a call_function result ({"result":[bytes of "N"],...}). */
static int counter_value(const cJSON *res, uint64_t *v)
{
    uint8_t *bytes = NULL;
    size_t n = 0;
    int rc = json_get_byte_array(res, "result", 32, &bytes, &n);
    if (rc == YB_OK) {
        char text[33];
        memcpy(text, bytes, n);
        text[n] = '\0';
        char *end = NULL;
        errno = 0;
        unsigned long long x = strtoull(text, &end, 10);
        rc = (errno != 0 || end == text || *end != '\0') ? YB_EMALFORMED : YB_OK;
        *v = x;
    }
    free(bytes);
    return rc;
}

static void note_error(struct bench_run *b, int rc, const struct rpc_error *err)
{
    if (b->first_error[0] != '\0') {
        return;
    }
    const cJSON *why = rpc_error_invalid_tx(err);
    char *text = why != NULL ? cJSON_PrintUnformatted(why) : NULL;
    if (text != NULL) {
        snprintf(b->first_error, sizeof b->first_error, "InvalidTxError %s", text);
    } else {
        rpc_error_describe(rc, err, b->first_error, sizeof b->first_error);
    }
    free(text);
}

/* Starts a request in a free slot. params borrowed. Returns false when curl refused it. */
static bool start_job(CURLM *multi, struct job *jb, const char *url, enum job_kind kind,
                      const char *method, const cJSON *params, uint64_t id)
{
    struct rpc_opts o = {.timeout_ms = BENCH_CALL_MS};
    if (rpc_transfer_init(&jb->t, url, &o, method, params, id) != YB_OK) {
        return false;
    }
    jb->t.user = jb;
    jb->kind = kind;
    jb->busy = true;
    jb->t0 = now_s();
    if (curl_multi_add_handle(multi, jb->t.curl) != CURLM_OK) {
        rpc_transfer_fini(&jb->t);
        jb->busy = false;
        return false;
    }
    return true;
}

static void finish_job(struct bench_run *b, CURLM *multi, struct job *jb, int curl_code)
{
    double t1 = now_s();
    curl_multi_remove_handle(multi, jb->t.curl);
    cJSON *res = NULL;
    struct rpc_error err;
    int rc = rpc_transfer_finish(&jb->t, curl_code, &res, &err);
    switch (jb->kind) {
    case JOB_ASYNC:
        if (rc == YB_OK && cJSON_IsString(res)) {
            b->accepted++;
        } else {
            b->rejected++;
            note_error(b, rc, &err);
        }
        break;
    case JOB_WAIT: {
        const cJSON *status = rc == YB_OK ? cJSON_GetObjectItemCaseSensitive(res, "status") : NULL;
        if (status != NULL && cJSON_GetObjectItemCaseSensitive(status, "SuccessValue") != NULL) {
            b->accepted++;
            b->wait_ok++;
            b->lat_ms[b->n_lat++] = (t1 - jb->t0) * 1000.0;
        } else {
            b->wait_failed++;
            if (rc == YB_OK) {
                b->accepted++; /* admitted, but the call did not succeed */
            } else {
                b->rejected++;
            }
            note_error(b, rc == YB_OK ? YB_EINTERNAL : rc, &err);
        }
        break;
    }
    case JOB_POLL: {
        uint64_t v = 0;
        if (rc == YB_OK && counter_value(res, &v) == YB_OK) {
            b->counter_now = v;
            b->t_counter = t1;
        }
        break;
    }
    }
    if (jb->kind != JOB_POLL) {
        b->key_busy[jb->key] = false;
    }
    cJSON_Delete(res);
    rpc_error_fini(&err);
    rpc_transfer_fini(&jb->t);
    jb->busy = false;
}

/* The next tx of the first idle key with txs left, from *cursor on (round robin). */
static bool pick_tx(struct bench_run *b, size_t *cursor, size_t *j)
{
    for (size_t tries = 0; tries < b->n_keys; tries++) {
        size_t k = *cursor;
        *cursor = (*cursor + 1) % b->n_keys;
        size_t idx = b->key_sent[k] * b->n_keys + k;
        if (!b->key_busy[k] && idx < b->cfg.txs) {
            *j = idx;
            return true;
        }
    }
    return false;
}

struct blast_marks {
    double t_start, t_sent; /* first request, last answer to a tx request */
    double t_done;          /* counter reached the accepted count (0: never) */
    double t_p10, t_p90;    /* counter passed 10% / 90% of the txs */
    uint64_t v_p10, v_p90;
};

static int blast(struct bench_run *b, struct blast_marks *m)
{
    CURLM *multi = curl_multi_init();
    if (multi == NULL) {
        return YB_ENOMEM;
    }
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)b->cfg.concurrency + 8);
    size_t n_jobs = (size_t)b->cfg.concurrency + 1; /* + the poller's slot */
    struct job *jobs = yb_xcalloc(n_jobs, sizeof *jobs);
    struct job *poller = &jobs[b->cfg.concurrency];
    cJSON *poll_params = counter_params();
    size_t next = 0, in_flight = 0, cursor = 0;
    uint64_t id = 1;
    double last_poll = 0, last_change = now_s();
    uint64_t last_value = b->counter_base;
    const uint64_t p10 = b->cfg.txs / 10, p90 = b->cfg.txs - b->cfg.txs / 10;
    int rc = YB_OK;
    memset(m, 0, sizeof *m);
    m->t_start = now_s();
    for (;;) {
        double t = now_s();
        /* An offered rate bounds what has been sent by now (latency without a queue). */
        size_t allowed = b->cfg.txs;
        if (b->cfg.rate != 0) {
            double due = (t - m->t_start) * (double)b->cfg.rate + 1;
            allowed = due < (double)b->cfg.txs ? (size_t)due : b->cfg.txs;
        }
        for (size_t s = 0; s < b->cfg.concurrency && next < allowed; s++) {
            if (jobs[s].busy) {
                continue;
            }
            size_t j = 0;
            if (!pick_tx(b, &cursor, &j)) {
                break; /* every key with txs left has one in flight */
            }
            bool wait = next % b->cfg.sample_every == b->cfg.sample_every / 2;
            cJSON *p;
            if (wait) {
                p = cJSON_CreateObject();
                cJSON_AddStringToObject(p, "signed_tx_base64", b->signed_b64[j]);
                cJSON_AddStringToObject(p, "wait_until", "EXECUTED_OPTIMISTIC");
            } else {
                p = cJSON_CreateArray();
                cJSON_AddItemToArray(p, cJSON_CreateString(b->signed_b64[j]));
            }
            bool ok = start_job(multi, &jobs[s], b->chain.rpc_url, wait ? JOB_WAIT : JOB_ASYNC,
                                wait ? "send_tx" : "broadcast_tx_async", p, id++);
            cJSON_Delete(p);
            if (!ok) {
                rc = YB_EINTERNAL;
                break;
            }
            jobs[s].key = j % b->n_keys;
            b->key_busy[jobs[s].key] = true;
            b->key_sent[jobs[s].key]++;
            next++;
            in_flight++;
        }
        if (!poller->busy && (t - last_poll) * 1000.0 >= BENCH_POLL_MS) {
            if (start_job(multi, poller, b->chain.rpc_url, JOB_POLL, "query", poll_params, id++)) {
                last_poll = t;
            }
        }
        int running = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left = 0;
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            struct rpc_transfer *tr = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&tr);
            struct job *jb = tr->user;
            bool is_tx = jb->kind != JOB_POLL;
            finish_job(b, multi, jb, (int)msg->data.result);
            if (is_tx) {
                in_flight--;
                if (next == b->cfg.txs && in_flight == 0) {
                    m->t_sent = now_s();
                }
            }
        }
        uint64_t done = b->counter_now - b->counter_base;
        if (b->counter_now != last_value) {
            last_value = b->counter_now;
            last_change = b->t_counter;
            if (m->t_p10 == 0 && done >= p10) {
                m->t_p10 = b->t_counter;
                m->v_p10 = done;
            }
            if (m->t_p90 == 0 && done >= p90) {
                m->t_p90 = b->t_counter;
                m->v_p90 = done;
            }
        }
        bool all_answered = next == b->cfg.txs && in_flight == 0;
        if (all_answered && done >= b->accepted) {
            m->t_done = b->t_counter;
            break;
        }
        if (rc != YB_OK || (all_answered && (now_s() - last_change) * 1000.0 > BENCH_SETTLE_MS)) {
            m->t_done = last_change; /* the last execution seen; the caller reports the shortfall */
            break;
        }
        curl_multi_poll(multi, NULL, 0, 5, NULL);
    }
    for (size_t s = 0; s < n_jobs; s++) {
        if (jobs[s].busy) {
            curl_multi_remove_handle(multi, jobs[s].t.curl);
            rpc_transfer_fini(&jobs[s].t);
        }
    }
    cJSON_Delete(poll_params);
    free(jobs);
    curl_multi_cleanup(multi);
    return rc;
}

/* ---- figures ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double p)
{
    if (n == 0) {
        return 0;
    }
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* A counter's value from the Prometheus text (text borrowed); 0 when absent. */
static double metric(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p != NULL && *p != '\0';) {
        if (strncmp(p, name, n) == 0 && p[n] == ' ') {
            return strtod(p + n + 1, NULL);
        }
        p = strchr(p, '\n');
        p = p != NULL ? p + 1 : NULL;
    }
    return 0;
}

static void read_metrics(struct bench_run *b, double *blocks, double *txs)
{
    long status = 0;
    char *body = NULL;
    *blocks = 0;
    *txs = 0;
    if (chain_proc_http_get(&b->chain, "/metrics", &status, &body) == 0 && status == 200) {
        *blocks = metric(body, "yb_chain_blocks_total");
        *txs = metric(body, "yb_chain_txs_total");
    }
    free(body);
}

static int read_counter(struct bench_run *b, uint64_t *v)
{
    cJSON *p = counter_params();
    cJSON *res = NULL;
    int rc = call(b, "query", p, &res);
    cJSON_Delete(p);
    if (rc == YB_OK) {
        rc = counter_value(res, v);
    }
    cJSON_Delete(res);
    return rc;
}

static double loadavg1(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fscanf(f, "%lf", &l) != 1) {
            l = -1;
        }
        fclose(f);
    }
    return l;
}

/* CPU seconds (user + system) used so far by process pid (0 = this one); -1 when unknown. The
 * machine is shared: CPU per transaction moves far less with the load than wall-clock rates. */
static double cpu_seconds(pid_t pid)
{
    char path[64];
    if (pid == 0) {
        snprintf(path, sizeof path, "/proc/self/stat");
    } else {
        snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    char line[1024];
    double v = -1;
    if (fgets(line, sizeof line, f) != NULL) {
        /* Fields after the ")" closing the command name: state is field 3, utime 14, stime 15. */
        const char *p = strrchr(line, ')');
        unsigned long long ut = 0, st = 0;
        if (p != NULL && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                                &ut, &st) == 2) {
            v = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
        }
    }
    fclose(f);
    return v;
}

static int run(struct bench_run *b, const char *binary)
{
    const char *no_sync[] = {"--no-sync", NULL};
    struct chain_proc_opts opts = {
        .binary = binary,
        .mode = b->cfg.mode,
        .block_time_ms = b->cfg.block_ms,
        .args = b->cfg.sync ? NULL : no_sync,
    };
    if (chain_proc_start(&b->chain, &opts) != 0) {
        return YB_EINTERNAL;
    }
    int rc = rpc_client_init(&b->rpc, b->chain.rpc_url, NULL);
    if (rc != YB_OK) {
        return rc;
    }
    b->n_keys = (size_t)b->cfg.accounts * b->cfg.keys;
    b->keys = yb_xcalloc(b->n_keys, sizeof *b->keys);
    b->lat_ms = yb_xcalloc(b->cfg.txs, sizeof *b->lat_ms);
    b->key_busy = yb_xcalloc(b->n_keys, sizeof *b->key_busy);
    b->key_sent = yb_xcalloc(b->n_keys, sizeof *b->key_sent);
    printf("yb-chain %s, block %u ms, store sync %s; %zu txs from %u accounts x %u keys, "
           "%u in flight, offered rate %s, load average %.1f\n",
           b->cfg.mode, b->cfg.block_ms, b->cfg.sync ? "on" : "off", b->cfg.txs, b->cfg.accounts,
           b->cfg.keys, b->cfg.concurrency, b->cfg.rate ? "bounded" : "unbounded", loadavg1());
    if (b->cfg.rate != 0) {
        printf("offered rate %u tx/s\n", b->cfg.rate);
    }
    double t_setup = now_s();
    rc = read_head(b);
    if (rc == YB_OK) {
        rc = setup_accounts(b);
    }
    if (rc != YB_OK) {
        return rc;
    }
    printf("setup: counter deployed, %zu keys ready in %.2f s\n", b->n_keys, now_s() - t_setup);
    double sign_rate = 0;
    rc = presign(b, &sign_rate);
    if (rc != YB_OK) {
        fprintf(stderr, "bench_chain: signing failed: %s\n", yb_err_str(rc));
        return rc;
    }
    printf("pre-signed %zu txs: %.0f tx/s signing (build + sign + borsh + base64, one thread)\n",
           b->cfg.txs, sign_rate);
    rc = read_counter(b, &b->counter_base);
    if (rc != YB_OK) {
        return rc;
    }
    b->counter_now = b->counter_base;
    double blocks0, txs0, blocks1, txs1;
    read_metrics(b, &blocks0, &txs0);
    struct blast_marks m;
    double node_cpu0 = cpu_seconds(b->chain.pid), own_cpu0 = cpu_seconds(0);
    rc = blast(b, &m);
    double node_cpu = cpu_seconds(b->chain.pid) - node_cpu0, own_cpu = cpu_seconds(0) - own_cpu0;
    read_metrics(b, &blocks1, &txs1);
    uint64_t final_value = 0;
    if (read_counter(b, &final_value) == YB_OK) {
        b->counter_now = final_value;
    }
    uint64_t executed = b->counter_now - b->counter_base;

    double send_s = m.t_sent > m.t_start ? m.t_sent - m.t_start : 0;
    double exec_s = m.t_done > m.t_start ? m.t_done - m.t_start : 0;
    double accepted_rate = send_s > 0 ? (double)b->accepted / send_s : 0;
    double exec_rate = exec_s > 0 ? (double)executed / exec_s : 0;
    double steady = m.t_p90 > m.t_p10 ? (double)(m.v_p90 - m.v_p10) / (m.t_p90 - m.t_p10) : 0;
    qsort(b->lat_ms, b->n_lat, sizeof *b->lat_ms, cmp_double);
    double blocks = blocks1 - blocks0;

    printf("accepted   %zu of %zu (%zu rejected) in %.2f s: %.0f tx/s\n", b->accepted, b->cfg.txs,
           b->rejected, send_s, accepted_rate);
    printf("executed   %" PRIu64 " (counter) in %.2f s: %.0f tx/s; steady (10%%..90%%) %.0f tx/s\n",
           executed, exec_s, exec_rate, steady);
    printf("latency    send_tx -> EXECUTED_OPTIMISTIC, %zu samples (%zu failed): p50 %.1f ms, "
           "p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           b->n_lat, b->wait_failed, pct(b->lat_ms, b->n_lat, 50), pct(b->lat_ms, b->n_lat, 95),
           pct(b->lat_ms, b->n_lat, 99), b->n_lat ? b->lat_ms[b->n_lat - 1] : 0.0);
    printf("blocks     %.0f, %.1f txs per block (yb_chain_txs_total +%.0f)\n", blocks,
           blocks > 0 ? (txs1 - txs0) / blocks : 0.0, txs1 - txs0);
    printf("cpu        yb-chain %.2f s (%.0f us per executed tx, %.0f tx per node CPU second), "
           "bench_chain %.2f s\n",
           node_cpu, executed ? node_cpu * 1e6 / (double)executed : 0.0,
           node_cpu > 0 ? (double)executed / node_cpu : 0.0, own_cpu);
    printf("target     %.0f tx/s executed: %.2fx %s\n", BENCH_TARGET_TPS,
           exec_rate / BENCH_TARGET_TPS, exec_rate >= BENCH_TARGET_TPS ? "(met)" : "(not met)");
    printf("load average %.1f after the run\n", loadavg1());
    if (b->first_error[0] != '\0') {
        printf("first error: %s\n", b->first_error);
    }
    if (rc == YB_OK && (executed != b->accepted || b->accepted == 0)) {
        fprintf(stderr, "bench_chain: %" PRIu64 " executed of %zu accepted\n", executed,
                b->accepted);
        rc = YB_EINTERNAL;
    }
    return rc;
}

static void bench_free(struct bench_run *b)
{
    if (b->signed_b64 != NULL) {
        for (size_t j = 0; j < b->cfg.txs; j++) {
            free(b->signed_b64[j]);
        }
    }
    free(b->signed_b64);
    for (size_t i = 0; b->keys != NULL && i < b->n_keys; i++) {
        keyfile_wipe(&b->keys[i].kf);
    }
    free(b->keys);
    free(b->lat_ms);
    free(b->key_busy);
    free(b->key_sent);
    if (b->rpc.url != NULL) {
        rpc_client_fini(&b->rpc);
    }
    chain_proc_cleanup(&b->chain);
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: bench_chain [yb-chain binary]\n");
        return 2;
    }
    if (crypto_init() != YB_OK || rpc_global_init() != YB_OK) {
        fprintf(stderr, "bench_chain: cannot initialise libsodium / libcurl\n");
        return 1;
    }
    struct bench_run *b = yb_xcalloc(1, sizeof *b);
    cfg_from_env(&b->cfg);
    int rc = run(b, argc == 2 ? argv[1] : NULL);
    if (rc != YB_OK) {
        fprintf(stderr, "bench_chain: failed: %s\n", yb_err_str(rc));
    }
    bench_free(b);
    free(b);
    rpc_global_cleanup();
    return rc == YB_OK ? 0 : 1;
}
