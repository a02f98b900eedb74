/*
 * rt_fixture.c — a runtime on a temporary LMDB store for tests (see rt_fixture.h).
 */
#include "rt_fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "borsh.h"
#include "crypto.h"
#include "err.h"
#include "mem.h"

int rt_fixture_init(struct rt_fixture *f, const struct config_runtime *cfg)
{
    memset(f, 0, sizeof *f);
    int rc = crypto_init();
    if (rc != YB_OK) {
        return rc;
    }
    snprintf(f->dir, sizeof f->dir, "/tmp/yb-rt-XXXXXX");
    if (!mkdtemp(f->dir)) {
        return YB_EIO;
    }
    struct store_options so;
    store_options_default(&so);
    so.sync = false;
    so.map_size = (size_t)1 << 30;
    so.n_columns = STATE_COL__COUNT;
    rc = store_open(f->dir, &so, &f->store);
    if (rc != YB_OK) {
        return rc;
    }
    struct config_runtime def;
    if (!cfg) {
        config_default(&def);
        cfg = &def;
    }
    rc = runtime_init(&f->rt, cfg);
    f->timestamp_ns = 1700000000000000000ULL;
    f->verify_signatures = true;
    outcome_list_init(&f->outcomes);
    runtime_block_result_init(&f->last);
    return rc;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

void rt_fixture_fini(struct rt_fixture *f)
{
    for (size_t i = 0; i < f->n_pending; i++) {
        tx_signed_free(f->pending[i]);
    }
    free(f->pending);
    outcome_list_fini(&f->outcomes);
    runtime_block_result_fini(&f->last);
    runtime_fini(&f->rt);
    store_close(f->store);
    if (f->dir[0]) {
        remove_dir(f->dir);
    }
    memset(f, 0, sizeof *f);
}

void rt_fixture_key(const char *id, uint8_t sk[NEAR_ED25519_SK_LEN], struct near_pubkey *pk)
{
    uint8_t seed[ED25519_SEED_LEN];
    crypto_sha256((const uint8_t *)id, strlen(id), seed);
    pk->type = NEAR_KEY_ED25519;
    crypto_ed25519_from_seed(seed, pk->data, sk);
}

static struct rt_fixture_account *find_account(struct rt_fixture *f, const char *id)
{
    for (size_t i = 0; i < f->n_accounts; i++) {
        if (strcmp(f->accounts[i].id, id) == 0) {
            return &f->accounts[i];
        }
    }
    if (f->n_accounts == RT_FIXTURE_MAX_ACCOUNTS || strlen(id) > NEAR_ACCOUNT_ID_MAX) {
        return NULL;
    }
    /* accounts created by transactions get their key on first use */
    struct rt_fixture_account *a = &f->accounts[f->n_accounts++];
    memset(a, 0, sizeof *a);
    memcpy(a->id, id, strlen(id) + 1);
    rt_fixture_key(id, a->sk, &a->pk);
    return a;
}

static int with_write(struct rt_fixture *f,
                      int (*fn)(struct rt_fixture *, struct store_txn *, const void *),
                      const void *arg)
{
    struct store_txn *txn = NULL;
    int rc = store_write_begin(f->store, &txn);
    if (rc != YB_OK) {
        return rc;
    }
    rc = fn(f, txn, arg);
    if (rc != YB_OK) {
        store_abort(txn);
        return rc;
    }
    return store_commit(txn);
}

struct genesis_arg {
    const char *id;
    yb_u128 amount;
    const uint8_t *code;
    size_t len;
};

static int do_account(struct rt_fixture *f, struct store_txn *txn, const void *arg)
{
    const struct genesis_arg *g = arg;
    struct rt_fixture_account *a = find_account(f, g->id);
    if (!a) {
        return YB_ETOOBIG;
    }
    return runtime_genesis_account(&f->rt, txn, g->id, g->amount, &a->pk);
}

int rt_fixture_account(struct rt_fixture *f, const char *id, yb_u128 amount)
{
    struct genesis_arg g = {.id = id, .amount = amount};
    return with_write(f, do_account, &g);
}

static int do_deploy(struct rt_fixture *f, struct store_txn *txn, const void *arg)
{
    const struct genesis_arg *g = arg;
    return runtime_genesis_deploy(&f->rt, txn, g->id, g->code, g->len);
}

int rt_fixture_deploy(struct rt_fixture *f, const char *id, const uint8_t *code, size_t len)
{
    struct genesis_arg g = {.id = id, .code = code, .len = len};
    return with_write(f, do_deploy, &g);
}

int rt_fixture_deploy_file(struct rt_fixture *f, const char *id, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        return YB_ENOTFOUND;
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = yb_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        if (got == 0) {
            break;
        }
        n += got;
    }
    fclose(fp);
    int rc = rt_fixture_deploy(f, id, buf, n);
    free(buf);
    return rc;
}

int rt_fixture_tx(struct rt_fixture *f, const char *signer, const char *receiver, struct tx *tx)
{
    struct rt_fixture_account *a = find_account(f, signer);
    if (!a) {
        return YB_ETOOBIG;
    }
    /* Keys added by AddKey start at (h-1)·10^6; stay above that and below (h+1)·10^6. */
    uint64_t floor = f->height * RUNTIME_NONCE_RANGE_MULTIPLIER;
    if (a->nonce < floor) {
        a->nonce = floor;
    }
    a->nonce++;
    static const uint8_t zero_hash[NEAR_HASH_LEN] = {0};
    return tx_init(tx, signer, &a->pk, a->nonce, receiver, zero_hash);
}

int rt_fixture_submit_signed(struct rt_fixture *f, struct tx *tx,
                             const uint8_t sk[NEAR_ED25519_SK_LEN], uint8_t hash[NEAR_HASH_LEN])
{
    struct tx_signed *st = NULL;
    int rc = tx_sign(tx, sk, &st);
    if (rc != YB_OK) {
        tx_fini(tx);
        return rc;
    }
    /* tx_sign does not fill size; a block checks it, so compute it like a decoder would */
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE * 2);
    rc = tx_signed_encode(&b, st);
    st->size = b.len;
    yb_buf_fini(&b);
    if (rc != YB_OK) {
        tx_signed_free(st);
        return rc;
    }
    if (hash) {
        memcpy(hash, st->hash, NEAR_HASH_LEN);
    }
    f->pending = yb_xrealloc(f->pending, (f->n_pending + 1) * sizeof *f->pending);
    f->pending[f->n_pending++] = st;
    return YB_OK;
}

int rt_fixture_submit(struct rt_fixture *f, struct tx *tx, uint8_t hash[NEAR_HASH_LEN])
{
    struct rt_fixture_account *a = find_account(f, tx->signer_id);
    if (!a) {
        tx_fini(tx);
        return YB_ETOOBIG;
    }
    return rt_fixture_submit_signed(f, tx, a->sk, hash);
}

int rt_fixture_call(struct rt_fixture *f, const char *signer, const char *receiver,
                    const char *method, const char *args, uint64_t gas, yb_u128 deposit,
                    uint8_t hash[NEAR_HASH_LEN])
{
    struct tx tx;
    int rc = rt_fixture_tx(f, signer, receiver, &tx);
    if (rc != YB_OK) {
        return rc;
    }
    const char *a = args ? args : "";
    rc = tx_add_function_call(&tx, method, (const uint8_t *)a, strlen(a), gas, deposit);
    if (rc != YB_OK) {
        tx_fini(&tx);
        return rc;
    }
    return rt_fixture_submit(f, &tx, hash);
}

int rt_fixture_transfer(struct rt_fixture *f, const char *signer, const char *receiver,
                        yb_u128 amount, uint8_t hash[NEAR_HASH_LEN])
{
    struct tx tx;
    int rc = rt_fixture_tx(f, signer, receiver, &tx);
    if (rc != YB_OK) {
        return rc;
    }
    rc = tx_add_transfer(&tx, amount);
    if (rc != YB_OK) {
        tx_fini(&tx);
        return rc;
    }
    return rt_fixture_submit(f, &tx, hash);
}

static int apply_at(struct rt_fixture *f, uint64_t height)
{
    struct runtime_block blk;
    memset(&blk, 0, sizeof blk);
    blk.height = height;
    blk.timestamp_ns = f->timestamp_ns + (height - f->height) * 1000000000ULL;
    crypto_sha256((const uint8_t *)&height, sizeof height, blk.random_seed);
    blk.txs = (const struct tx_signed *const *)f->pending;
    blk.n_txs = f->n_pending;
    blk.verify_signatures = f->verify_signatures;

    runtime_block_result_fini(&f->last);
    runtime_block_result_init(&f->last);
    struct store_txn *txn = NULL;
    int rc = store_write_begin(f->store, &txn);
    if (rc != YB_OK) {
        return rc;
    }
    rc = runtime_apply_block(&f->rt, txn, &blk, &f->last);
    if (rc != YB_OK) {
        store_abort(txn);
        return rc;
    }
    rc = store_commit(txn);
    if (rc != YB_OK) {
        return rc;
    }
    for (size_t i = 0; i < f->n_pending; i++) {
        tx_signed_free(f->pending[i]);
    }
    f->n_pending = 0;
    f->height = height;
    f->timestamp_ns = blk.timestamp_ns;
    /* keep every outcome: move them out of the block result */
    for (size_t i = 0; i < f->last.outcomes.n; i++) {
        if (f->outcomes.n == f->outcomes.cap) {
            f->outcomes.cap = f->outcomes.cap ? f->outcomes.cap * 2 : 64;
            f->outcomes.v = yb_xrealloc(f->outcomes.v, f->outcomes.cap * sizeof *f->outcomes.v);
        }
        f->outcomes.v[f->outcomes.n++] = f->last.outcomes.v[i];
    }
    f->last.outcomes.n = 0;
    return YB_OK;
}

int rt_fixture_block(struct rt_fixture *f)
{
    return apply_at(f, f->height + 1);
}

int rt_fixture_blocks(struct rt_fixture *f, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int rc = rt_fixture_block(f);
        if (rc != YB_OK) {
            return rc;
        }
    }
    return YB_OK;
}

int rt_fixture_skip(struct rt_fixture *f, uint64_t delta)
{
    return apply_at(f, f->height + delta);
}

const struct outcome *rt_fixture_outcome(const struct rt_fixture *f,
                                         const uint8_t id[NEAR_HASH_LEN])
{
    return outcome_list_find(&f->outcomes, id);
}

enum rt_final rt_fixture_final(const struct rt_fixture *f, const uint8_t tx_hash[NEAR_HASH_LEN],
                               const struct outcome **last)
{
    const struct outcome *o = rt_fixture_outcome(f, tx_hash);
    for (int hops = 0; o && hops < 1000; hops++) {
        if (last) {
            *last = o;
        }
        if (o->status == OUTCOME_FAILURE) {
            return RT_FINAL_FAILURE;
        }
        if (o->status == OUTCOME_SUCCESS_VALUE) {
            return RT_FINAL_SUCCESS;
        }
        o = rt_fixture_outcome(f, o->return_receipt_id);
    }
    return RT_FINAL_PENDING;
}

int rt_fixture_get_account(struct rt_fixture *f, const char *id, struct state_account *out)
{
    struct store_txn *snap = NULL;
    int rc = store_snapshot_begin(f->store, &snap);
    if (rc != YB_OK) {
        return rc;
    }
    rc = state_account_get(snap, id, out);
    store_snapshot_end(snap);
    return rc;
}

yb_u128 rt_fixture_balance(struct rt_fixture *f, const char *id)
{
    struct state_account a;
    if (rt_fixture_get_account(f, id, &a) != YB_OK) {
        return 0;
    }
    return a.amount;
}

int rt_fixture_get_key(struct rt_fixture *f, const char *id, const struct near_pubkey *pk,
                       bool *exists, struct tx_access_key *out)
{
    struct store_txn *snap = NULL;
    int rc = store_snapshot_begin(f->store, &snap);
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t *v = NULL;
    size_t n = 0;
    rc = state_access_key_get(snap, id, pk, &v, &n);
    store_snapshot_end(snap);
    *exists = rc == YB_OK;
    if (rc == YB_ENOTFOUND) {
        return YB_OK;
    }
    if (rc != YB_OK) {
        return rc;
    }
    struct borsh_reader r;
    borsh_reader_init(&r, v, n);
    rc = tx_access_key_decode(&r, out);
    free(v);
    return rc;
}

int rt_fixture_view(struct rt_fixture *f, const char *id, const char *method, const char *args,
                    struct runtime_view_result *out)
{
    struct store_txn *snap = NULL;
    int rc = store_snapshot_begin(f->store, &snap);
    if (rc != YB_OK) {
        return rc;
    }
    const char *a = args ? args : "";
    rc = runtime_view_call(&f->rt, snap, id, method, (const uint8_t *)a, strlen(a), f->height,
                           f->timestamp_ns, out);
    store_snapshot_end(snap);
    return rc;
}

bool rt_outcome_value_is(const struct outcome *o, const char *s)
{
    size_t n = strlen(s);
    return o && o->status == OUTCOME_SUCCESS_VALUE && o->value_len == n &&
           (n == 0 || memcmp(o->value, s, n) == 0);
}
