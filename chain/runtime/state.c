/*
 * state.c — the runtime's records in the store (see state.h for the layout).
 */
#include "state.h"

#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "crypto.h"
#include "err.h"
#include "mem.h"

#define ACCOUNT_VALUE_LEN (16 + 16 + NEAR_HASH_LEN + 8)
#define SEP               ','
/* account id, separator, and the longest record key we build below (a borsh public key or the
 * stored form of a contract-data key) */
#define KEY_CAP (NEAR_ACCOUNT_ID_MAX + 1 + STATE_DATA_KEY_INLINE + NEAR_HASH_LEN)

struct key {
    uint8_t b[KEY_CAP];
    size_t n;
};

/* acc ‖ ',' — the prefix of every record of one account. Account ids are validated before
 * they reach the state, so their length is at most NEAR_ACCOUNT_ID_MAX. */
static int key_account(struct key *k, const char *acc)
{
    size_t n = strlen(acc);
    if (n == 0 || n > NEAR_ACCOUNT_ID_MAX) {
        return YB_EINVAL;
    }
    memcpy(k->b, acc, n);
    k->b[n] = SEP;
    k->n = n + 1;
    return YB_OK;
}

static int key_append(struct key *k, const void *p, size_t n)
{
    if (k->n + n > sizeof k->b) {
        return YB_ETOOBIG;
    }
    if (n == 0) {
        return YB_OK; /* p may be NULL then */
    }
    memcpy(k->b + k->n, p, n);
    k->n += n;
    return YB_OK;
}

static int key_id(struct key *k, const char *acc, const uint8_t id[NEAR_HASH_LEN])
{
    int rc = key_account(k, acc);
    if (rc != YB_OK) {
        return rc;
    }
    return key_append(k, id, NEAR_HASH_LEN);
}

/* The stored form of a contract-data key (see STATE_DATA_KEY_INLINE). */
static int key_data(struct key *k, const char *acc, const uint8_t *key, size_t key_len)
{
    if (key_len > STATE_DATA_KEY_MAX) {
        return YB_ETOOBIG;
    }
    int rc = key_account(k, acc);
    if (rc != YB_OK) {
        return rc;
    }
    if (key_len <= STATE_DATA_KEY_INLINE) {
        return key_append(k, key, key_len);
    }
    uint8_t h[SHA256_LEN];
    crypto_sha256(key, key_len, h);
    rc = key_append(k, key, STATE_DATA_KEY_INLINE);
    if (rc == YB_OK) {
        rc = key_append(k, h, sizeof h);
    }
    return rc;
}

static uint8_t *dup_slice(const struct store_slice *s)
{
    /* one extra byte so an empty value still gives a non-NULL pointer */
    uint8_t *p = yb_xmalloc(s->len + 1);
    if (s->len > 0) {
        memcpy(p, s->data, s->len);
    }
    return p;
}

static int get_dup(struct store_txn *txn, enum state_col col, const struct key *k, uint8_t **val,
                   size_t *len)
{
    struct store_slice s;
    int rc = store_get(txn, col, k->b, k->n, &s);
    if (rc != YB_OK) {
        return rc;
    }
    *val = dup_slice(&s);
    *len = s.len;
    return YB_OK;
}

static bool has_key(struct store_txn *txn, enum state_col col, const struct key *k)
{
    struct store_slice s;
    return store_get(txn, col, k->b, k->n, &s) == YB_OK;
}

/* Deletes every key of `col` starting with prefix. The store forbids writing while an
 * iterator is live, so keys are collected first, then deleted. */
static int remove_prefix(struct store_txn *txn, enum state_col col, const struct key *prefix)
{
    for (;;) {
        struct store_iter *it = NULL;
        int rc = store_iter_begin(txn, col, prefix->b, prefix->n, NULL, 0, &it);
        if (rc != YB_OK) {
            return rc;
        }
        struct store_slice ks;
        rc = store_iter_next(it, &ks, NULL);
        if (rc == YB_ENOTFOUND) {
            store_iter_end(it);
            return YB_OK;
        }
        if (rc != YB_OK) {
            store_iter_end(it);
            return rc;
        }
        uint8_t kb[STORE_KEY_MAX];
        size_t kn = ks.len;
        memcpy(kb, ks.data, kn);
        store_iter_end(it);
        rc = store_del(txn, col, kb, kn);
        if (rc != YB_OK) {
            return rc;
        }
    }
}

/* ---- accounts ---- */

/* Little-endian, as Borsh writes integers; written in place because accounts are written
 * several times per receipt and a growable buffer would cost two allocations each time. */
static void put_le(uint8_t *out, unsigned __int128 v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = (uint8_t)(v >> (8 * i));
    }
}

/* Borsh: amount u128, locked u128, code_hash [32], storage_usage u64. */
static void account_encode(const struct state_account *a, uint8_t out[ACCOUNT_VALUE_LEN])
{
    put_le(out, a->amount, 16);
    put_le(out + 16, a->locked, 16);
    memcpy(out + 32, a->code_hash, NEAR_HASH_LEN);
    put_le(out + 32 + NEAR_HASH_LEN, a->storage_usage, 8);
}

int state_account_get(struct store_txn *txn, const char *acc, struct state_account *out)
{
    struct store_slice s;
    size_t n = strlen(acc);
    if (n == 0 || n > NEAR_ACCOUNT_ID_MAX) {
        return YB_EINVAL;
    }
    int rc = store_get(txn, STATE_COL_ACCOUNT, acc, n, &s);
    if (rc != YB_OK) {
        return rc;
    }
    if (s.len != ACCOUNT_VALUE_LEN) {
        return YB_EMALFORMED;
    }
    struct borsh_reader r;
    borsh_reader_init(&r, s.data, s.len);
    (void)borsh_read_u128(&r, &out->amount);
    (void)borsh_read_u128(&r, &out->locked);
    (void)borsh_read_fixed(&r, out->code_hash, NEAR_HASH_LEN);
    (void)borsh_read_u64(&r, &out->storage_usage);
    return YB_OK;
}

bool state_account_exists(struct store_txn *txn, const char *acc)
{
    struct state_account a;
    return state_account_get(txn, acc, &a) == YB_OK;
}

int state_account_set(struct store_txn *txn, const char *acc, const struct state_account *a)
{
    size_t n = strlen(acc);
    if (n == 0 || n > NEAR_ACCOUNT_ID_MAX) {
        return YB_EINVAL;
    }
    uint8_t v[ACCOUNT_VALUE_LEN];
    account_encode(a, v);
    return store_put(txn, STATE_COL_ACCOUNT, acc, n, v, sizeof v);
}

int state_account_remove_all(struct store_txn *txn, const char *acc)
{
    struct key prefix;
    int rc = key_account(&prefix, acc);
    if (rc != YB_OK) {
        return rc;
    }
    rc = store_del(txn, STATE_COL_ACCOUNT, acc, strlen(acc));
    if (rc != YB_OK && rc != YB_ENOTFOUND) {
        return rc;
    }
    rc = state_code_remove(txn, acc);
    if (rc != YB_OK && rc != YB_ENOTFOUND) {
        return rc;
    }
    rc = remove_prefix(txn, STATE_COL_ACCESS_KEY, &prefix);
    if (rc == YB_OK) {
        rc = remove_prefix(txn, STATE_COL_DATA, &prefix);
    }
    return rc;
}

/* ---- code ---- */

int state_code_get(struct store_txn *txn, const char *acc, uint8_t **code, size_t *len)
{
    struct key k;
    int rc = key_account(&k, acc);
    if (rc != YB_OK) {
        return rc;
    }
    k.n--; /* code is keyed by the bare account id */
    return get_dup(txn, STATE_COL_CODE, &k, code, len);
}

int state_code_set(struct store_txn *txn, const char *acc, const uint8_t *code, size_t len)
{
    return store_put(txn, STATE_COL_CODE, acc, strlen(acc), code, len);
}

int state_code_remove(struct store_txn *txn, const char *acc)
{
    return store_del(txn, STATE_COL_CODE, acc, strlen(acc));
}

/* ---- access keys ---- */

static int key_access(struct key *k, const char *acc, const struct near_pubkey *pk)
{
    int rc = key_account(k, acc);
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t t = pk->type;
    rc = key_append(k, &t, 1);
    if (rc == YB_OK) {
        rc = key_append(k, pk->data, NEAR_ED25519_PK_LEN);
    }
    return rc;
}

int state_access_key_get(struct store_txn *txn, const char *acc, const struct near_pubkey *pk,
                         uint8_t **val, size_t *len)
{
    struct key k;
    int rc = key_access(&k, acc, pk);
    if (rc != YB_OK) {
        return rc;
    }
    return get_dup(txn, STATE_COL_ACCESS_KEY, &k, val, len);
}

int state_access_key_set(struct store_txn *txn, const char *acc, const struct near_pubkey *pk,
                         const uint8_t *val, size_t len)
{
    struct key k;
    int rc = key_access(&k, acc, pk);
    if (rc != YB_OK) {
        return rc;
    }
    return store_put(txn, STATE_COL_ACCESS_KEY, k.b, k.n, val, len);
}

int state_access_key_remove(struct store_txn *txn, const char *acc, const struct near_pubkey *pk)
{
    struct key k;
    int rc = key_access(&k, acc, pk);
    if (rc != YB_OK) {
        return rc;
    }
    return store_del(txn, STATE_COL_ACCESS_KEY, k.b, k.n);
}

int state_access_key_each(struct store_txn *txn, const char *acc, state_access_key_fn fn, void *ctx)
{
    struct key prefix;
    int rc = key_account(&prefix, acc);
    if (rc != YB_OK) {
        return rc;
    }
    struct store_iter *it = NULL;
    rc = store_iter_begin(txn, STATE_COL_ACCESS_KEY, prefix.b, prefix.n, NULL, 0, &it);
    if (rc != YB_OK) {
        return rc;
    }
    for (;;) {
        struct store_slice ks, vs;
        rc = store_iter_next(it, &ks, &vs);
        if (rc == YB_ENOTFOUND) {
            rc = YB_OK;
            break;
        }
        if (rc != YB_OK) {
            break;
        }
        if (ks.len != prefix.n + 1 + NEAR_ED25519_PK_LEN) {
            rc = YB_EMALFORMED;
            break;
        }
        struct near_pubkey pk;
        pk.type = ks.data[prefix.n];
        memcpy(pk.data, ks.data + prefix.n + 1, NEAR_ED25519_PK_LEN);
        rc = fn(ctx, &pk, vs.data, vs.len);
        if (rc != YB_OK) {
            break;
        }
    }
    store_iter_end(it);
    return rc;
}

/* ---- contract data ---- */

/* For a long key the stored value is u32 key_len ‖ key ‖ value; split it. */
static int data_unwrap(size_t key_len, const struct store_slice *s, const uint8_t **val,
                       size_t *val_len)
{
    if (key_len <= STATE_DATA_KEY_INLINE) {
        *val = s->data;
        *val_len = s->len;
        return YB_OK;
    }
    if (s->len < 4) {
        return YB_EMALFORMED;
    }
    uint32_t kl = (uint32_t)s->data[0] | (uint32_t)s->data[1] << 8 | (uint32_t)s->data[2] << 16 |
                  (uint32_t)s->data[3] << 24;
    if (kl > STATE_DATA_KEY_MAX || s->len < 4 + (size_t)kl) {
        return YB_EMALFORMED;
    }
    *val = s->data + 4 + kl;
    *val_len = s->len - 4 - kl;
    return YB_OK;
}

int state_data_peek(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len,
                    const uint8_t **val, size_t *val_len)
{
    struct key k;
    int rc = key_data(&k, acc, key, key_len);
    if (rc != YB_OK) {
        return rc;
    }
    struct store_slice s;
    rc = store_get(txn, STATE_COL_DATA, k.b, k.n, &s);
    if (rc != YB_OK) {
        return rc;
    }
    return data_unwrap(key_len, &s, val, val_len);
}

int state_data_get(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len,
                   uint8_t **val, size_t *val_len)
{
    struct key k;
    int rc = key_data(&k, acc, key, key_len);
    if (rc != YB_OK) {
        return rc;
    }
    struct store_slice s;
    rc = store_get(txn, STATE_COL_DATA, k.b, k.n, &s);
    if (rc != YB_OK) {
        return rc;
    }
    const uint8_t *v;
    size_t vn;
    rc = data_unwrap(key_len, &s, &v, &vn);
    if (rc != YB_OK) {
        return rc;
    }
    struct store_slice vs = {v, vn};
    *val = dup_slice(&vs);
    *val_len = vn;
    return YB_OK;
}

bool state_data_has(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len)
{
    struct key k;
    if (key_data(&k, acc, key, key_len) != YB_OK) {
        return false;
    }
    return has_key(txn, STATE_COL_DATA, &k);
}

int state_data_set(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len,
                   const uint8_t *val, size_t val_len)
{
    struct key k;
    int rc = key_data(&k, acc, key, key_len);
    if (rc != YB_OK) {
        return rc;
    }
    if (key_len <= STATE_DATA_KEY_INLINE) {
        return store_put(txn, STATE_COL_DATA, k.b, k.n, val, val_len);
    }
    struct yb_buf b;
    yb_buf_init(&b, STORE_VALUE_MAX);
    rc = borsh_write_bytes(&b, key, key_len);
    if (rc == YB_OK) {
        rc = yb_buf_append(&b, val, val_len);
    }
    if (rc == YB_OK) {
        rc = store_put(txn, STATE_COL_DATA, k.b, k.n, b.data, b.len);
    }
    yb_buf_fini(&b);
    return rc;
}

int state_data_remove(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len)
{
    struct key k;
    int rc = key_data(&k, acc, key, key_len);
    if (rc != YB_OK) {
        return rc;
    }
    return store_del(txn, STATE_COL_DATA, k.b, k.n);
}

int state_data_each(struct store_txn *txn, const char *acc, const uint8_t *prefix,
                    size_t prefix_len, state_data_fn fn, void *ctx)
{
    struct key k;
    /* A prefix longer than the inline part can only match long keys, whose stored form starts
     * with the same inline bytes; the full key is then compared below. */
    size_t inline_len = prefix_len < STATE_DATA_KEY_INLINE ? prefix_len : STATE_DATA_KEY_INLINE;
    int rc = key_data(&k, acc, prefix, inline_len);
    if (rc != YB_OK) {
        return rc;
    }
    size_t acc_part = strlen(acc) + 1;
    struct store_iter *it = NULL;
    rc = store_iter_begin(txn, STATE_COL_DATA, k.b, k.n, NULL, 0, &it);
    if (rc != YB_OK) {
        return rc;
    }
    for (;;) {
        struct store_slice ks, vs;
        rc = store_iter_next(it, &ks, &vs);
        if (rc == YB_ENOTFOUND) {
            rc = YB_OK;
            break;
        }
        if (rc != YB_OK) {
            break;
        }
        const uint8_t *key = ks.data + acc_part;
        size_t key_len = ks.len - acc_part;
        const uint8_t *val = vs.data;
        size_t val_len = vs.len;
        if (key_len > STATE_DATA_KEY_INLINE) {
            struct borsh_reader r;
            borsh_reader_init(&r, vs.data, vs.len);
            rc = borsh_read_bytes(&r, STATE_DATA_KEY_MAX, &key, &key_len);
            if (rc != YB_OK) {
                rc = YB_EMALFORMED;
                break;
            }
            val = vs.data + r.off;
            val_len = vs.len - r.off;
        }
        if (key_len < prefix_len || (prefix_len > 0 && memcmp(key, prefix, prefix_len) != 0)) {
            continue;
        }
        rc = fn(ctx, key, key_len, val, val_len);
        if (rc != YB_OK) {
            break;
        }
    }
    store_iter_end(it);
    return rc;
}

/* ---- (acc, id) records ---- */

int state_id_get(struct store_txn *txn, enum state_col col, const char *acc,
                 const uint8_t id[NEAR_HASH_LEN], uint8_t **val, size_t *len)
{
    struct key k;
    int rc = key_id(&k, acc, id);
    if (rc != YB_OK) {
        return rc;
    }
    return get_dup(txn, col, &k, val, len);
}

bool state_id_has(struct store_txn *txn, enum state_col col, const char *acc,
                  const uint8_t id[NEAR_HASH_LEN])
{
    struct key k;
    if (key_id(&k, acc, id) != YB_OK) {
        return false;
    }
    return has_key(txn, col, &k);
}

int state_id_set(struct store_txn *txn, enum state_col col, const char *acc,
                 const uint8_t id[NEAR_HASH_LEN], const uint8_t *val, size_t len)
{
    struct key k;
    int rc = key_id(&k, acc, id);
    if (rc != YB_OK) {
        return rc;
    }
    return store_put(txn, col, k.b, k.n, val, len);
}

int state_id_remove(struct store_txn *txn, enum state_col col, const char *acc,
                    const uint8_t id[NEAR_HASH_LEN])
{
    struct key k;
    int rc = key_id(&k, acc, id);
    if (rc != YB_OK) {
        return rc;
    }
    return store_del(txn, col, k.b, k.n);
}

int state_received_data_get(struct store_txn *txn, const char *acc,
                            const uint8_t data_id[NEAR_HASH_LEN], bool *present, uint8_t **data,
                            size_t *len)
{
    uint8_t *v;
    size_t n;
    int rc = state_id_get(txn, STATE_COL_RECEIVED_DATA, acc, data_id, &v, &n);
    if (rc != YB_OK) {
        return rc;
    }
    /* Option<Vec<u8>>: a tag byte, then the bytes themselves (no length: the value has one). */
    if (n < 1 || v[0] > 1 || (v[0] == 0 && n != 1)) {
        free(v);
        return YB_EMALFORMED;
    }
    *present = v[0] == 1;
    *len = n - 1;
    *data = yb_xmalloc(n);
    memcpy(*data, v + 1, n - 1);
    free(v);
    return YB_OK;
}

int state_received_data_set(struct store_txn *txn, const char *acc,
                            const uint8_t data_id[NEAR_HASH_LEN], bool present, const uint8_t *data,
                            size_t len)
{
    uint8_t *v = yb_xmalloc(len + 1);
    v[0] = present ? 1 : 0;
    if (present && len > 0) {
        memcpy(v + 1, data, len);
    }
    int rc = state_id_set(txn, STATE_COL_RECEIVED_DATA, acc, data_id, v, present ? len + 1 : 1);
    free(v);
    return rc;
}

static void u64_le(uint64_t v, uint8_t out[8])
{
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t le_u64(const uint8_t p[8])
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

int state_pending_count_get(struct store_txn *txn, const char *acc,
                            const uint8_t receipt_id[NEAR_HASH_LEN], uint32_t *out)
{
    uint8_t *v;
    size_t n;
    int rc = state_id_get(txn, STATE_COL_PENDING_COUNT, acc, receipt_id, &v, &n);
    if (rc != YB_OK) {
        return rc;
    }
    if (n != 4) {
        free(v);
        return YB_EMALFORMED;
    }
    *out = (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
    free(v);
    return YB_OK;
}

int state_pending_count_set(struct store_txn *txn, const char *acc,
                            const uint8_t receipt_id[NEAR_HASH_LEN], uint32_t count)
{
    uint8_t v[4] = {(uint8_t)count, (uint8_t)(count >> 8), (uint8_t)(count >> 16),
                    (uint8_t)(count >> 24)};
    return state_id_set(txn, STATE_COL_PENDING_COUNT, acc, receipt_id, v, sizeof v);
}

int state_yield_status_get(struct store_txn *txn, const char *acc,
                           const uint8_t data_id[NEAR_HASH_LEN], enum state_yield_status *out)
{
    uint8_t *v;
    size_t n;
    int rc = state_id_get(txn, STATE_COL_YIELD_STATUS, acc, data_id, &v, &n);
    if (rc != YB_OK) {
        return rc;
    }
    if (n != 1 || v[0] > STATE_YIELD_RESUME_INITIATED) {
        free(v);
        return YB_EMALFORMED;
    }
    *out = (enum state_yield_status)v[0];
    free(v);
    return YB_OK;
}

int state_yield_status_set(struct store_txn *txn, const char *acc,
                           const uint8_t data_id[NEAR_HASH_LEN], enum state_yield_status st)
{
    uint8_t v = (uint8_t)st;
    return state_id_set(txn, STATE_COL_YIELD_STATUS, acc, data_id, &v, 1);
}

/* ---- queues ---- */

static const uint8_t QUEUE_INDICES_KEY[1] = {'i'};

static void queue_entry_key(uint64_t index, uint8_t out[9])
{
    /* 'e' then the index big-endian, so entries sort in queue order after the indices key */
    out[0] = 'e';
    for (int i = 0; i < 8; i++) {
        out[1 + i] = (uint8_t)(index >> (56 - 8 * i));
    }
}

int state_queue_indices(struct store_txn *txn, enum state_col col, struct state_queue_indices *out)
{
    struct store_slice s;
    int rc = store_get(txn, col, QUEUE_INDICES_KEY, sizeof QUEUE_INDICES_KEY, &s);
    if (rc == YB_ENOTFOUND) {
        out->first = 0;
        out->next = 0;
        return YB_OK;
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (s.len != 16) {
        return YB_EMALFORMED;
    }
    out->first = le_u64(s.data);
    out->next = le_u64(s.data + 8);
    return YB_OK;
}

static int queue_indices_set(struct store_txn *txn, enum state_col col,
                             const struct state_queue_indices *q)
{
    uint8_t v[16];
    u64_le(q->first, v);
    u64_le(q->next, v + 8);
    return store_put(txn, col, QUEUE_INDICES_KEY, sizeof QUEUE_INDICES_KEY, v, sizeof v);
}

int state_queue_push(struct store_txn *txn, enum state_col col, const uint8_t *val, size_t len)
{
    struct state_queue_indices q;
    int rc = state_queue_indices(txn, col, &q);
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t k[9];
    queue_entry_key(q.next, k);
    rc = store_put(txn, col, k, sizeof k, val, len);
    if (rc != YB_OK) {
        return rc;
    }
    q.next++;
    return queue_indices_set(txn, col, &q);
}

int state_queue_get(struct store_txn *txn, enum state_col col, uint64_t index, uint8_t **val,
                    size_t *len)
{
    struct key k;
    queue_entry_key(index, k.b);
    k.n = 9;
    return get_dup(txn, col, &k, val, len);
}

int state_queue_pop(struct store_txn *txn, enum state_col col)
{
    struct state_queue_indices q;
    int rc = state_queue_indices(txn, col, &q);
    if (rc != YB_OK) {
        return rc;
    }
    if (q.first >= q.next) {
        return YB_ENOTFOUND;
    }
    uint8_t k[9];
    queue_entry_key(q.first, k);
    rc = store_del(txn, col, k, sizeof k);
    if (rc != YB_OK) {
        return rc;
    }
    q.first++;
    return queue_indices_set(txn, col, &q);
}

int state_queue_open(struct store_txn *txn, enum state_col col, struct state_queue *out)
{
    out->col = col;
    out->dirty = false;
    return state_queue_indices(txn, col, &out->q);
}

int state_queue_append(struct store_txn *txn, struct state_queue *sq, const uint8_t *val,
                       size_t len)
{
    uint8_t k[9];
    queue_entry_key(sq->q.next, k);
    int rc = store_put(txn, sq->col, k, sizeof k, val, len);
    if (rc == YB_OK) {
        sq->q.next++;
        sq->dirty = true;
    }
    return rc;
}

int state_queue_head(struct store_txn *txn, const struct state_queue *sq, const uint8_t **val,
                     size_t *len)
{
    if (sq->q.first >= sq->q.next) {
        return YB_ENOTFOUND;
    }
    uint8_t k[9];
    queue_entry_key(sq->q.first, k);
    struct store_slice s;
    int rc = store_get(txn, sq->col, k, sizeof k, &s);
    if (rc == YB_OK) {
        *val = s.data;
        *len = s.len;
    }
    return rc;
}

int state_queue_drop_head(struct store_txn *txn, struct state_queue *sq)
{
    if (sq->q.first >= sq->q.next) {
        return YB_ENOTFOUND;
    }
    uint8_t k[9];
    queue_entry_key(sq->q.first, k);
    int rc = store_del(txn, sq->col, k, sizeof k);
    if (rc == YB_OK) {
        sq->q.first++;
        sq->dirty = true;
    }
    return rc;
}

int state_queue_flush(struct store_txn *txn, struct state_queue *sq)
{
    if (!sq->dirty) {
        return YB_OK;
    }
    int rc = queue_indices_set(txn, sq->col, &sq->q);
    if (rc == YB_OK) {
        sq->dirty = false;
    }
    return rc;
}

/* ---- bookkeeping ---- */

static const uint8_t META_HEIGHT_KEY[] = "last_height";

int state_last_height_get(struct store_txn *txn, uint64_t *out)
{
    struct store_slice s;
    int rc = store_get(txn, STATE_COL_META, META_HEIGHT_KEY, sizeof META_HEIGHT_KEY - 1, &s);
    if (rc != YB_OK) {
        return rc;
    }
    if (s.len != 8) {
        return YB_EMALFORMED;
    }
    *out = le_u64(s.data);
    return YB_OK;
}

int state_last_height_set(struct store_txn *txn, uint64_t height)
{
    uint8_t v[8];
    u64_le(height, v);
    return store_put(txn, STATE_COL_META, META_HEIGHT_KEY, sizeof META_HEIGHT_KEY - 1, v, sizeof v);
}
