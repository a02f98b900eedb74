/*
 * loadgen.c — see loadgen.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "err.h"
#include "json.h"
#include "loadgen.h"
#include "mem.h"
#include "tx.h"

#define USER_ID      "user.test.near"
#define CONTRACT_ID  "assistant.test.near"
#define SEND_TIMEOUT 30000
#define READ_TIMEOUT 120000
#define BLOCK_SLOTS  (1u << 16) /* block cache: distinct blocks of a run stay far below this */
#define ERRORS_SHOWN 5

/* ---- small blocking helpers ---- */

static uint64_t key_nonce(struct env *e, const struct near_pubkey *pk)
{
    char text[NEAR_PUBKEY_STR_MAX];
    near_pubkey_format(pk, text);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "request_type", "view_access_key");
    cJSON_AddStringToObject(p, "finality", "optimistic");
    cJSON_AddStringToObject(p, "account_id", USER_ID);
    cJSON_AddStringToObject(p, "public_key", text);
    cJSON *r = call(e, "query", p);
    uint64_t nonce = 0;
    assert_int_equal(json_get_u64(r, "nonce", &nonce), YB_OK);
    cJSON_Delete(r);
    return nonce;
}

static char *signed_base64(const struct tx_signed *st)
{
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    assert_int_equal(tx_signed_encode(&b, st), YB_OK);
    size_t cap = base64_encoded_len(b.len);
    char *out = yb_xmalloc(cap);
    assert_int_equal(base64_encode(b.data, b.len, out, cap), YB_OK);
    yb_buf_fini(&b);
    return out;
}

void loadgen_init(struct loadgen *g, struct env *e, int n_keys)
{
    memset(g, 0, sizeof *g);
    assert_in_range(n_keys, 1, LOADGEN_MAX_KEYS);
    g->e = e;
    g->n_keys = n_keys;
    signer_recover(&e->user, key_nonce(e, &e->user.pk));
    uint8_t bh[NEAR_HASH_LEN];
    env_final_block_hash(e, bh);
    struct tx tx;
    uint64_t nonce = e->user.last_nonce + 1;
    assert_int_equal(tx_init(&tx, USER_ID, &e->user.pk, nonce, USER_ID, bh), YB_OK);
    for (int k = 0; k < n_keys; k++) {
        struct signer *s = &g->keys[k];
        assert_int_equal(keyfile_generate(&s->key, USER_ID), YB_OK);
        s->pk.type = NEAR_KEY_ED25519;
        memcpy(s->pk.data, s->key.pk, NEAR_ED25519_PK_LEN);
        assert_int_equal(tx_add_full_access_key(&tx, &s->pk), YB_OK);
    }
    struct tx_signed *st = NULL;
    assert_int_equal(tx_sign(&tx, e->user.key.sk, &st), YB_OK);
    tx_fini(&tx);
    char *b64 = signed_base64(st);
    tx_signed_free(st);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "signed_tx_base64", b64);
    cJSON_AddStringToObject(p, "wait_until", "EXECUTED_OPTIMISTIC");
    free(b64);
    cJSON *r = call(e, "send_tx", p);
    const cJSON *status = NULL;
    assert_int_equal(json_get_object(r, "status", &status), YB_OK);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(status, "SuccessValue"));
    cJSON_Delete(r);
    signer_recover(&e->user, nonce);
    for (int k = 0; k < n_keys; k++) {
        signer_recover(&g->keys[k], key_nonce(e, &g->keys[k].pk));
    }
}

void loadgen_fini(struct loadgen *g)
{
    for (int i = 0; i < g->n; i++) {
        free(g->reqs[i].b64);
    }
    free(g->reqs);
    for (int k = 0; k < g->n_keys; k++) {
        signer_fini(&g->keys[k]);
    }
    memset(g, 0, sizeof *g);
}

void loadgen_sign(struct loadgen *g, int n, const char *tag, double rate_per_s)
{
    assert_in_range(n, 1, LOADGEN_MAX_REQUESTS);
    uint8_t bh[NEAR_HASH_LEN];
    env_final_block_hash(g->e, bh);
    g->n = n;
    g->reqs = yb_xcalloc((size_t)n, sizeof *g->reqs);
    uint64_t t0 = mono_ms();
    for (int i = 0; i < n; i++) {
        struct loadgen_req *r = &g->reqs[i];
        char prompt[128];
        snprintf(prompt, sizeof prompt, "%s %d: what is %d*3?", tag, i, i);
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "prompt", prompt);
        char *args = cJSON_PrintUnformatted(a);
        cJSON_Delete(a);
        assert_int_equal(signer_function_call(&g->keys[i % g->n_keys], CONTRACT_ID, "request", args,
                                              strlen(args), REQUEST_GAS, bh, &r->b64, r->hash,
                                              NULL),
                         YB_OK);
        cJSON_free(args);
        r->due_ms = rate_per_s > 0 ? (uint64_t)((double)i * 1000.0 / rate_per_s) : 0;
    }
    g->sign_ms = mono_ms() - t0;
}

/* ---- curl multi ---- */

struct xfer {
    struct rpc_transfer t; /* first: CURLINFO_PRIVATE points here */
    int req;
    bool busy;
};

static void xfer_start(struct loadgen *g, CURLM *m, struct xfer *x, int req, const char *method,
                       cJSON *params, long timeout_ms)
{
    struct rpc_opts o = {.timeout_ms = timeout_ms};
    static uint64_t id;
    assert_int_equal(rpc_transfer_init(&x->t, g->e->chain.rpc_url, &o, method, params, ++id),
                     YB_OK);
    cJSON_Delete(params);
    x->req = req;
    x->busy = true;
    assert_int_equal(curl_multi_add_handle(m, x->t.curl), CURLM_OK);
}

/* Runs the transfers for at most wait_ms and hands each finished one to done(). */
static void multi_step(CURLM *m, int wait_ms,
                       void (*done)(struct loadgen *g, struct xfer *x, int rc, const cJSON *result,
                                    const struct rpc_error *err),
                       struct loadgen *g)
{
    int running = 0;
    curl_multi_poll(m, NULL, 0, wait_ms, NULL);
    curl_multi_perform(m, &running);
    for (;;) {
        int left = 0;
        CURLMsg *msg = curl_multi_info_read(m, &left);
        if (!msg) {
            break;
        }
        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        struct xfer *x = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode code = msg->data.result;
        curl_multi_remove_handle(m, x->t.curl);
        cJSON *result = NULL;
        struct rpc_error err = {0};
        int rc = rpc_transfer_finish(&x->t, (int)code, &result, &err);
        x->busy = false;
        done(g, x, rc, result, &err);
        cJSON_Delete(result);
        rpc_error_fini(&err);
        rpc_transfer_fini(&x->t);
    }
}

/* ---- sending ---- */

static void on_sent(struct loadgen *g, struct xfer *x, int rc, const cJSON *result,
                    const struct rpc_error *err)
{
    (void)result;
    struct loadgen_req *r = &g->reqs[x->req];
    g->send_done++;
    if (rc == YB_OK) {
        r->sent_ms = mono_ms();
        return;
    }
    r->send_failed = true;
    if (g->send_errors++ < ERRORS_SHOWN) {
        char why[512];
        fprintf(stderr, "loadgen: send_tx of request %d: %s\n", x->req,
                rpc_error_describe(rc, err, why, sizeof why));
    }
}

void loadgen_send(struct loadgen *g)
{
    CURLM *m = curl_multi_init();
    struct xfer *xs = yb_xcalloc((size_t)g->n_keys, sizeof *xs);
    int *next = yb_xcalloc((size_t)g->n_keys, sizeof *next); /* key k sends k, k+K, k+2K, ... */
    for (int k = 0; k < g->n_keys; k++) {
        next[k] = k;
    }
    g->send_done = 0;
    g->send_start_ms = mono_ms();
    while (g->send_done < g->n) {
        uint64_t now = mono_ms() - g->send_start_ms;
        uint64_t wake = now + 100;
        for (int k = 0; k < g->n_keys; k++) {
            if (xs[k].busy || next[k] >= g->n) {
                continue;
            }
            struct loadgen_req *r = &g->reqs[next[k]];
            if (r->due_ms > now) {
                wake = r->due_ms < wake ? r->due_ms : wake;
                continue;
            }
            cJSON *p = cJSON_CreateObject();
            cJSON_AddStringToObject(p, "signed_tx_base64", r->b64);
            cJSON_AddStringToObject(p, "wait_until", "NONE");
            xfer_start(g, m, &xs[k], next[k], "send_tx", p, SEND_TIMEOUT);
            next[k] += g->n_keys;
        }
        multi_step(m, (int)(wake - now), on_sent, g);
    }
    g->send_end_ms = mono_ms();
    free(next);
    free(xs);
    curl_multi_cleanup(m);
}

/* ---- collecting ---- */

struct block_slot {
    uint8_t hash[NEAR_HASH_LEN];
    uint64_t height, ts_ns;
    bool used;
};

struct collect {
    struct loadgen *g;
    struct block_slot *blocks; /* BLOCK_SLOTS, open addressing */
    int errors;
};

static struct collect *collecting;

static const struct block_slot *block_of(struct collect *c, const char *hash58)
{
    uint8_t h[NEAR_HASH_LEN];
    if (near_hash_parse(hash58, strlen(hash58), h) != YB_OK) {
        return NULL;
    }
    uint64_t v;
    memcpy(&v, h, sizeof v);
    size_t i = (size_t)(v % BLOCK_SLOTS);
    for (size_t k = 0; k < BLOCK_SLOTS; k++, i = (i + 1) % BLOCK_SLOTS) {
        struct block_slot *s = &c->blocks[i];
        if (s->used && memcmp(s->hash, h, NEAR_HASH_LEN) == 0) {
            return s;
        }
        if (!s->used) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddStringToObject(p, "block_id", hash58);
            cJSON *b = call(c->g->e, "block", p);
            const cJSON *hd = NULL;
            if (!b || json_get_object(b, "header", &hd) != YB_OK ||
                json_get_u64(hd, "height", &s->height) != YB_OK ||
                json_get_u64(hd, "timestamp_nanosec", &s->ts_ns) != YB_OK) {
                cJSON_Delete(b);
                return NULL;
            }
            cJSON_Delete(b);
            memcpy(s->hash, h, NEAR_HASH_LEN);
            s->used = true;
            return s;
        }
    }
    return NULL;
}

/* Whether the request's own value (the callback's result) says "answered"; answer gets its
 * answer (cut to LOADGEN_ANSWER_MAX). */
static bool value_answered(const cJSON *result, char answer[LOADGEN_ANSWER_MAX])
{
    const cJSON *st = NULL;
    uint8_t *v = NULL;
    size_t n = 0;
    if (json_get_object(result, "status", &st) != YB_OK ||
        json_get_base64(st, "SuccessValue", 1 << 20, &v, &n) != YB_OK) {
        return false;
    }
    cJSON *value = NULL;
    const char *s = NULL;
    const char *a = NULL;
    bool ok = json_parse((const char *)v, n, 1 << 20, &value, NULL) == YB_OK &&
              json_get_str(value, "status", &s) == YB_OK && strcmp(s, "answered") == 0;
    if (ok && json_get_str(value, "answer", &a) == YB_OK) {
        snprintf(answer, LOADGEN_ANSWER_MAX, "%s", a);
    }
    cJSON_Delete(value);
    free(v);
    return ok;
}

static void on_status(struct loadgen *g, struct xfer *x, int rc, const cJSON *result,
                      const struct rpc_error *err)
{
    struct collect *c = collecting;
    struct loadgen_req *r = &g->reqs[x->req];
    const cJSON *outs = NULL;
    if (rc != YB_OK || json_get_array(result, "receipts_outcome", &outs) != YB_OK) {
        if (c->errors++ < ERRORS_SHOWN) {
            char why[512];
            fprintf(stderr, "loadgen: tx status of request %d: %s\n", x->req,
                    rpc_error_describe(rc, err, why, sizeof why));
        }
        return;
    }
    r->yield_height = UINT64_MAX;
    r->callback_height = 0;
    for (const cJSON *o = outs->child; o; o = o->next) {
        const cJSON *oc = NULL;
        const char *exec = NULL, *bh = NULL;
        if (json_get_object(o, "outcome", &oc) != YB_OK ||
            json_get_str(oc, "executor_id", &exec) != YB_OK ||
            json_get_str(o, "block_hash", &bh) != YB_OK || strcmp(exec, CONTRACT_ID) != 0) {
            continue;
        }
        const struct block_slot *b = block_of(c, bh);
        if (!b) {
            continue;
        }
        if (b->height < r->yield_height) {
            r->yield_height = b->height;
            r->yield_ts_ns = b->ts_ns;
        }
        if (b->height > r->callback_height) {
            r->callback_height = b->height;
            r->callback_ts_ns = b->ts_ns;
        }
    }
    r->finished = r->yield_height != UINT64_MAX && r->callback_height > r->yield_height;
    r->answered = r->finished && value_answered(result, r->answer);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(result, "status");
    const cJSON *failure = cJSON_GetObjectItemCaseSensitive(st, "Failure");
    if (failure && c->errors++ < ERRORS_SHOWN) {
        char *text = cJSON_PrintUnformatted(failure);
        fprintf(stderr, "loadgen: request %d failed: %.300s\n", x->req, text ? text : "?");
        cJSON_free(text);
    }
}

void loadgen_collect(struct loadgen *g)
{
    struct collect c = {.g = g, .blocks = yb_xcalloc(BLOCK_SLOTS, sizeof *c.blocks)};
    collecting = &c;
    CURLM *m = curl_multi_init();
    struct xfer xs[LOADGEN_COLLECT_WINDOW] = {0};
    int next = 0, busy = 0;
    while (next < g->n || busy > 0) {
        for (int k = 0; k < LOADGEN_COLLECT_WINDOW && next < g->n; k++) {
            if (xs[k].busy) {
                continue;
            }
            while (next < g->n && g->reqs[next].send_failed) {
                next++;
            }
            if (next >= g->n) {
                break;
            }
            char hash[NEAR_HASH_STR_MAX];
            near_hash_format(g->reqs[next].hash, hash);
            cJSON *p = cJSON_CreateObject();
            cJSON_AddStringToObject(p, "tx_hash", hash);
            cJSON_AddStringToObject(p, "sender_account_id", USER_ID);
            cJSON_AddStringToObject(p, "wait_until", "EXECUTED_OPTIMISTIC");
            xfer_start(g, m, &xs[k], next++, "tx", p, READ_TIMEOUT);
        }
        multi_step(m, 100, on_status, g);
        busy = 0;
        for (int k = 0; k < LOADGEN_COLLECT_WINDOW; k++) {
            busy += xs[k].busy;
        }
    }
    curl_multi_cleanup(m);
    collecting = NULL;
    free(c.blocks);
}
