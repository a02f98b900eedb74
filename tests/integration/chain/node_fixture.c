/*
 * node_fixture.c — see node_fixture.h.
 */
#define _GNU_SOURCE /* mkdtemp */
#include "node_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chain_proc.h"
#include "codec.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "node_config.h"
#include "node_genesis.h"
#include "runtime.h"
#include "tx.h"

#define CALL_GAS (300ULL * 1000000000000ULL)

void nfx_wait_init(struct nfx_wait *w)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
}

void nfx_wait_fini(struct nfx_wait *w)
{
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
}

void nfx_wait_for(struct nfx_wait *w, int ms)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += ms / 1000;
    dl.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->mu);
    while (!w->fired) {
        if (pthread_cond_timedwait(&w->cv, &w->mu, &dl) == ETIMEDOUT) {
            break;
        }
    }
    bool fired = w->fired;
    pthread_mutex_unlock(&w->mu);
    assert_true(fired);
}

void nfx_on_done(void *arg, const struct node_tx_result *r)
{
    struct nfx_wait *w = arg;
    pthread_mutex_lock(&w->mu);
    w->r = *r;
    w->fired = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void nfx_on_ctl(void *arg, int err)
{
    struct nfx_wait *w = arg;
    pthread_mutex_lock(&w->mu);
    w->ctl_err = err;
    w->fired = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

const char *nfx_wasm(void)
{
    return YB_CONTRACTS_DIR "/assistant.wasm";
}

static void *run_loop(void *arg)
{
    node_run(arg);
    return NULL;
}

int nfx_start(struct nfx *f, enum node_mode mode, uint64_t yield_timeout, bool events)
{
    memset(f, 0, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->home, sizeof f->home, "%s/yb-node-test-XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(f->home) == NULL) {
        f->home[0] = '\0';
        return -1;
    }
    node_config_default(&f->cfg, f->home);
    f->cfg.events_addr[0] = '\0';
    f->cfg.store_sync = false;
    if (yield_timeout) {
        f->cfg.yield_timeout = yield_timeout;
    }
    int rc = node_genesis_init(&f->cfg, nfx_wasm(), false);
    if (rc != YB_OK) {
        fprintf(stderr, "genesis: %s\n", yb_err_str(rc));
        return -1;
    }
    f->cfg.mode = mode;
    if (events) {
        snprintf(f->cfg.events_addr, sizeof f->cfg.events_addr, "tcp://127.0.0.1:%u",
                 chain_proc_free_port());
    }
    rc = node_open(&f->cfg, &f->node);
    if (rc != YB_OK) {
        fprintf(stderr, "node_open: %s\n", yb_err_str(rc));
        return -1;
    }
    f->nonce = 1000;
    if (pthread_create(&f->thread, NULL, run_loop, f->node) != 0) {
        return -1;
    }
    f->running = true;
    return 0;
}

int nfx_start_interval(struct nfx *f, uint64_t block_ms)
{
    if (nfx_start(f, NODE_MODE_MANUAL, 0, false) != 0) {
        return -1;
    }
    nfx_stop_keep_home(f);
    f->cfg.block_time_ms = block_ms;
    return nfx_resume(f, NODE_MODE_INTERVAL);
}

void nfx_stop_keep_home(struct nfx *f)
{
    if (f->running) {
        node_stop(f->node);
        pthread_join(f->thread, NULL);
        f->running = false;
    }
    node_close(f->node);
    f->node = NULL;
}

int nfx_resume(struct nfx *f, enum node_mode mode)
{
    f->cfg.mode = mode;
    int rc = node_open(&f->cfg, &f->node);
    if (rc != YB_OK) {
        fprintf(stderr, "node_open: %s\n", yb_err_str(rc));
        return -1;
    }
    if (pthread_create(&f->thread, NULL, run_loop, f->node) != 0) {
        return -1;
    }
    f->running = true;
    return 0;
}

void nfx_stop(struct nfx *f)
{
    if (f->running) {
        node_stop(f->node);
        pthread_join(f->thread, NULL);
        f->running = false;
    }
    node_close(f->node);
    f->node = NULL;
    if (f->home[0] != '\0' && getenv("YB_KEEP_HOME") == NULL) {
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/rm", "rm", "-rf", f->home, (char *)NULL);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
    }
    f->home[0] = '\0';
}

int nfx_key(const struct nfx *f, const char *account, struct keyfile *out)
{
    char p[512];
    snprintf(p, sizeof p, "%s/keys/%s.json", f->home, account);
    return keyfile_read(p, out);
}

int nfx_produce(struct nfx *f, uint64_t n)
{
    struct nfx_wait w;
    nfx_wait_init(&w);
    int rc = node_produce_blocks(f->node, n, nfx_on_ctl, &w);
    if (rc == YB_OK) {
        nfx_wait_for(&w, 30000);
        rc = w.ctl_err;
    }
    nfx_wait_fini(&w);
    return rc;
}

char *nfx_view(struct nfx *f, const char *account, const char *method, const char *args)
{
    struct node_snapshot snap;
    if (node_snapshot_begin(f->node, &snap) != YB_OK) {
        return NULL;
    }
    struct runtime_view_result v = {0};
    int rc =
        runtime_view_call(node_runtime(f->node), snap.txn, account, method, (const uint8_t *)args,
                          strlen(args), snap.head.height, snap.head.timestamp_ns, &v);
    node_snapshot_end(&snap);
    char *out = NULL;
    if (rc == YB_OK && v.error == NULL) {
        out = yb_xstrndup((const char *)(v.value ? v.value : (const uint8_t *)""), v.value_len);
    }
    runtime_view_result_fini(&v);
    return out;
}

int nfx_sign(struct nfx *f, const char *signer, const char *key_of, const char *receiver,
             const char *method, const char *args, uint64_t yocto, struct yb_buf *out)
{
    struct keyfile kf, own;
    int rc = nfx_key(f, key_of, &kf);
    rc = rc ? rc : nfx_key(f, signer, &own);
    if (rc != YB_OK) {
        return rc;
    }
    struct node_head h;
    node_get_head(f->node, &h);
    struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
    memcpy(pk.data, own.pk, sizeof pk.data);
    struct tx tx;
    rc = tx_init(&tx, signer, &pk, ++f->nonce, receiver, h.hash);
    if (rc == YB_OK && method != NULL) {
        rc = tx_add_function_call(&tx, method, (const uint8_t *)args, strlen(args), CALL_GAS, 0);
    } else if (rc == YB_OK) {
        rc = tx_add_transfer(&tx, yocto);
    }
    struct tx_signed *st = NULL;
    rc = rc ? rc : tx_sign(&tx, own.sk, &st);
    if (rc == YB_OK && strcmp(signer, key_of) != 0) {
        /* A signature by another key over the same hash: tx_sign refuses a mismatched key,
         * so replace the signature afterwards. */
        crypto_ed25519_sign(kf.sk, st->hash, NEAR_HASH_LEN, st->signature.data);
    }
    tx_fini(&tx);
    rc = rc ? rc : tx_signed_encode(out, st);
    tx_signed_free(st);
    keyfile_wipe(&kf);
    keyfile_wipe(&own);
    return rc;
}

/* Signs (with key_of's secret, normally the signer's own) and submits. */
static int submit(struct nfx *f, const char *signer, const char *key_of, const char *receiver,
                  const char *method, const char *args, uint64_t yocto, enum node_wait wait,
                  struct nfx_wait *w, uint8_t hash[NEAR_HASH_LEN], cJSON **invalid)
{
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    int rc = nfx_sign(f, signer, key_of, receiver, method, args, yocto, &b);
    struct nfx_wait local;
    nfx_wait_init(&local);
    rc = rc ? rc
            : node_submit_tx(f->node, b.data, b.len, wait, nfx_on_done, w ? (void *)w : &local,
                             hash, invalid);
    if (rc == YB_OK && w == NULL) {
        nfx_wait_for(&local, 5000);
    }
    nfx_wait_fini(&local);
    yb_buf_fini(&b);
    return rc;
}

int nfx_transfer(struct nfx *f, const char *from, const char *to, uint64_t yocto,
                 enum node_wait wait, uint8_t hash[NEAR_HASH_LEN])
{
    return submit(f, from, from, to, NULL, NULL, yocto, wait, NULL, hash, NULL);
}

int nfx_transfer_wait(struct nfx *f, const char *from, const char *to, uint64_t yocto,
                      enum node_wait wait, struct nfx_wait *w)
{
    uint8_t hash[NEAR_HASH_LEN];
    return submit(f, from, from, to, NULL, NULL, yocto, wait, w, hash, NULL);
}

int nfx_call(struct nfx *f, const char *signer, const char *receiver, const char *method,
             const char *args, enum node_wait wait, struct nfx_wait *w, uint8_t hash[NEAR_HASH_LEN])
{
    return submit(f, signer, signer, receiver, method, args, 0, wait, w, hash, NULL);
}

int nfx_transfer_badsig(struct nfx *f, cJSON **invalid)
{
    uint8_t hash[NEAR_HASH_LEN];
    return submit(f, NODE_GENESIS_USER, NODE_GENESIS_ROOT, NODE_GENESIS_ROOT, NULL, NULL, 1,
                  NODE_WAIT_NONE, NULL, hash, invalid);
}

int nfx_resend(struct nfx *f, const uint8_t hash[NEAR_HASH_LEN], enum node_wait wait,
               struct nfx_wait *w)
{
    struct node_snapshot snap;
    int rc = node_snapshot_begin(f->node, &snap);
    if (rc != YB_OK) {
        return rc;
    }
    struct node_tx t;
    rc = node_tx_get(snap.txn, hash, &t);
    node_snapshot_end(&snap);
    if (rc == YB_OK) {
        rc = node_submit_tx(f->node, t.bytes, t.len, wait, nfx_on_done, w, NULL, NULL);
        node_tx_fini(&t);
    }
    return rc;
}

char *nfx_final_value(struct nfx *f, const uint8_t hash[NEAR_HASH_LEN])
{
    struct node_snapshot snap;
    if (node_snapshot_begin(f->node, &snap) != YB_OK) {
        return NULL;
    }
    uint8_t id[NEAR_HASH_LEN];
    memcpy(id, hash, NEAR_HASH_LEN);
    char *out = NULL;
    for (int depth = 0; depth < 64 && out == NULL; depth++) {
        struct node_outcome o;
        if (node_outcome_get(snap.txn, id, &o) != YB_OK) {
            char b58[64];
            base58_encode(id, NEAR_HASH_LEN, b58, sizeof b58);
            fprintf(stderr, "nfx_final_value: no outcome %s\n", b58);
            break;
        }
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(o.json, "status");
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(status, "SuccessReceiptId");
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(status, "SuccessValue");
        if (cJSON_IsString(rid)) {
            base58_decode_exact(rid->valuestring, strlen(rid->valuestring), id, NEAR_HASH_LEN);
        } else if (cJSON_IsString(val)) {
            size_t cap = base64_decoded_max(strlen(val->valuestring)) + 1, n = 0;
            out = yb_xcalloc(cap, 1);
            base64_decode(val->valuestring, strlen(val->valuestring), (uint8_t *)out, cap, &n);
        } else {
            out = cJSON_PrintUnformatted(status);
        }
        node_outcome_fini(&o);
    }
    node_snapshot_end(&snap);
    return out;
}
