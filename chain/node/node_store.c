/*
 * node_store.c — the node's own records beside the runtime's state: blocks, the block-hash
 * index, transactions, outcomes and the head pointer, all written in the block's store txn so a
 * block, its history and the state it produced commit together (see README.md for layouts).
 */
#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "node_int.h"

/* A block record holds up to NODE_MAX_BLOCK_TXS tx hashes and its receipts; cap the receipts
 * at a generous multiple so a corrupt length cannot ask for gigabytes. */
#define BLOCK_MAX_IDS    (1u << 20)
#define BLOCK_RECORD_MAX (BLOCK_MAX_IDS * 2 * NEAR_HASH_LEN + 256)
#define OUTCOME_JSON_MAX (64u << 20)
#define RECORD_PREFIX    (8 + NEAR_HASH_LEN) /* height and block hash before tx/outcome bodies */

static void be64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
}

static void le64_put(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        out[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t le64_get(const uint8_t p[8])
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

static int block_encode(struct yb_buf *b, const struct node_block *blk)
{
    int rc = borsh_write_u64(b, blk->height);
    rc = rc ? rc : borsh_write_u64(b, blk->prev_height);
    rc = rc ? rc : borsh_write_fixed(b, blk->prev_hash, NEAR_HASH_LEN);
    rc = rc ? rc : borsh_write_u64(b, blk->timestamp_ns);
    rc = rc ? rc : borsh_write_fixed(b, blk->random_seed, NEAR_HASH_LEN);
    rc = rc ? rc : borsh_write_fixed(b, blk->chunk_hash, NEAR_HASH_LEN);
    rc = rc ? rc : borsh_write_u128(b, blk->gas_price);
    rc = rc ? rc : borsh_write_u64(b, blk->gas_burnt);
    rc = rc ? rc : borsh_write_u128(b, blk->tokens_burnt);
    rc = rc ? rc : borsh_write_u32(b, (uint32_t)blk->n_txs);
    for (size_t i = 0; rc == YB_OK && i < blk->n_txs; i++) {
        rc = borsh_write_fixed(b, blk->tx_hashes[i], NEAR_HASH_LEN);
    }
    rc = rc ? rc : borsh_write_u32(b, (uint32_t)blk->n_receipts);
    for (size_t i = 0; rc == YB_OK && i < blk->n_receipts; i++) {
        rc = borsh_write_fixed(b, blk->receipt_ids[i], NEAR_HASH_LEN);
    }
    return rc;
}

static int read_ids(struct borsh_reader *r, uint8_t (**out)[NEAR_HASH_LEN], size_t *n)
{
    size_t count;
    int rc = borsh_read_vec_len(r, BLOCK_MAX_IDS, NEAR_HASH_LEN, &count);
    if (rc != YB_OK) {
        return rc;
    }
    *n = count;
    *out = count ? yb_xmalloc(count * NEAR_HASH_LEN) : NULL;
    for (size_t i = 0; rc == YB_OK && i < count; i++) {
        rc = borsh_read_fixed(r, (*out)[i], NEAR_HASH_LEN);
    }
    return rc;
}

static int block_decode(const uint8_t *p, size_t n, struct node_block *out)
{
    memset(out, 0, sizeof *out);
    struct borsh_reader r;
    borsh_reader_init(&r, p, n);
    int rc = borsh_read_u64(&r, &out->height);
    rc = rc ? rc : borsh_read_u64(&r, &out->prev_height);
    rc = rc ? rc : borsh_read_fixed(&r, out->prev_hash, NEAR_HASH_LEN);
    rc = rc ? rc : borsh_read_u64(&r, &out->timestamp_ns);
    rc = rc ? rc : borsh_read_fixed(&r, out->random_seed, NEAR_HASH_LEN);
    rc = rc ? rc : borsh_read_fixed(&r, out->chunk_hash, NEAR_HASH_LEN);
    rc = rc ? rc : borsh_read_u128(&r, &out->gas_price);
    rc = rc ? rc : borsh_read_u64(&r, &out->gas_burnt);
    rc = rc ? rc : borsh_read_u128(&r, &out->tokens_burnt);
    rc = rc ? rc : read_ids(&r, &out->tx_hashes, &out->n_txs);
    rc = rc ? rc : read_ids(&r, &out->receipt_ids, &out->n_receipts);
    rc = rc ? rc : borsh_reader_finish(&r);
    if (rc != YB_OK) {
        node_block_fini(out);
        return YB_EMALFORMED;
    }
    crypto_sha256(p, n, out->hash);
    return YB_OK;
}

void node_block_fini(struct node_block *b)
{
    free(b->tx_hashes);
    free(b->receipt_ids);
    b->tx_hashes = NULL;
    b->receipt_ids = NULL;
    b->n_txs = b->n_receipts = 0;
}

int node_store_block_put(struct store_txn *txn, struct node_block *b)
{
    struct yb_buf buf;
    yb_buf_init(&buf, BLOCK_RECORD_MAX);
    int rc = block_encode(&buf, b);
    if (rc == YB_OK) {
        crypto_sha256(buf.data, buf.len, b->hash);
        uint8_t key[8], h[8];
        be64(key, b->height);
        le64_put(h, b->height);
        rc = store_put(txn, NODE_COL_BLOCK, key, 8, buf.data, buf.len);
        rc = rc ? rc : store_put(txn, NODE_COL_BLOCK_HASH, b->hash, NEAR_HASH_LEN, h, 8);
    }
    yb_buf_fini(&buf);
    return rc;
}

int node_block_by_height(struct store_txn *snap, uint64_t height, struct node_block *out)
{
    uint8_t key[8];
    be64(key, height);
    struct store_slice v;
    int rc = store_get(snap, NODE_COL_BLOCK, key, 8, &v);
    if (rc != YB_OK) {
        return rc;
    }
    return block_decode(v.data, v.len, out);
}

int node_store_lookup_block(void *ctx, const uint8_t hash[NEAR_HASH_LEN], uint64_t *height)
{
    struct store_slice v;
    int rc = store_get(ctx, NODE_COL_BLOCK_HASH, hash, NEAR_HASH_LEN, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v.len != 8) {
        return YB_EMALFORMED;
    }
    *height = le64_get(v.data);
    return YB_OK;
}

int node_block_by_hash(struct store_txn *snap, const uint8_t hash[NEAR_HASH_LEN],
                       struct node_block *out)
{
    uint64_t height;
    int rc = node_store_lookup_block(snap, hash, &height);
    return rc ? rc : node_block_by_height(snap, height, out);
}

/* height ‖ block hash ‖ body: the shape of tx and outcome records. */
static int put_record(struct store_txn *txn, unsigned col, const uint8_t id[NEAR_HASH_LEN],
                      uint64_t height, const uint8_t block_hash[NEAR_HASH_LEN], const void *body,
                      size_t len)
{
    uint8_t *v = yb_xmalloc(RECORD_PREFIX + len);
    le64_put(v, height);
    memcpy(v + 8, block_hash, NEAR_HASH_LEN);
    if (len) {
        memcpy(v + RECORD_PREFIX, body, len);
    }
    int rc = store_put(txn, col, id, NEAR_HASH_LEN, v, RECORD_PREFIX + len);
    free(v);
    return rc;
}

int node_store_tx_put(struct store_txn *txn, const uint8_t hash[NEAR_HASH_LEN], uint64_t height,
                      const uint8_t block_hash[NEAR_HASH_LEN], const uint8_t *bytes, size_t len)
{
    return put_record(txn, NODE_COL_TX, hash, height, block_hash, bytes, len);
}

bool node_store_tx_exists(struct store_txn *txn, const uint8_t hash[NEAR_HASH_LEN])
{
    struct store_slice v;
    return store_get(txn, NODE_COL_TX, hash, NEAR_HASH_LEN, &v) == YB_OK;
}

int node_tx_get(struct store_txn *snap, const uint8_t hash[NEAR_HASH_LEN], struct node_tx *out)
{
    memset(out, 0, sizeof *out);
    struct store_slice v;
    int rc = store_get(snap, NODE_COL_TX, hash, NEAR_HASH_LEN, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v.len < RECORD_PREFIX) {
        return YB_EMALFORMED;
    }
    out->block_height = le64_get(v.data);
    memcpy(out->block_hash, v.data + 8, NEAR_HASH_LEN);
    out->len = v.len - RECORD_PREFIX;
    out->bytes = yb_xmalloc(out->len ? out->len : 1);
    memcpy(out->bytes, v.data + RECORD_PREFIX, out->len);
    return YB_OK;
}

void node_tx_fini(struct node_tx *t)
{
    free(t->bytes);
    t->bytes = NULL;
    t->len = 0;
}

int node_store_outcome_put(struct store_txn *txn, const struct outcome *o, uint64_t height,
                           const uint8_t block_hash[NEAR_HASH_LEN])
{
    cJSON *j = outcome_to_json(o);
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (text == NULL) {
        return YB_ENOMEM;
    }
    int rc = put_record(txn, NODE_COL_OUTCOME, o->id, height, block_hash, text, strlen(text));
    cJSON_free(text);
    return rc;
}

void node_outcome_fini(struct node_outcome *o)
{
    cJSON_Delete(o->json);
    free(o->receipt_ids);
    o->json = NULL;
    o->receipt_ids = NULL;
    o->n_receipt_ids = 0;
}

int node_outcome_get(struct store_txn *snap, const uint8_t id[NEAR_HASH_LEN],
                     struct node_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct store_slice v;
    int rc = store_get(snap, NODE_COL_OUTCOME, id, NEAR_HASH_LEN, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v.len < RECORD_PREFIX || v.len - RECORD_PREFIX > OUTCOME_JSON_MAX) {
        return YB_EMALFORMED;
    }
    memcpy(out->id, id, NEAR_HASH_LEN);
    out->block_height = le64_get(v.data);
    memcpy(out->block_hash, v.data + 8, NEAR_HASH_LEN);
    if (json_parse((const char *)v.data + RECORD_PREFIX, v.len - RECORD_PREFIX, OUTCOME_JSON_MAX,
                   &out->json, NULL) != YB_OK) {
        out->json = NULL;
    }
    const cJSON *ids =
        out->json ? cJSON_GetObjectItemCaseSensitive(out->json, "receipt_ids") : NULL;
    if (!cJSON_IsArray(ids)) {
        node_outcome_fini(out);
        return YB_EMALFORMED;
    }
    size_t n = (size_t)cJSON_GetArraySize(ids);
    out->receipt_ids = n ? yb_xmalloc(n * NEAR_HASH_LEN) : NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, ids)
    {
        if (!cJSON_IsString(e) ||
            base58_decode_exact(e->valuestring, strlen(e->valuestring),
                                out->receipt_ids[out->n_receipt_ids], NEAR_HASH_LEN) != YB_OK) {
            node_outcome_fini(out);
            return YB_EMALFORMED;
        }
        out->n_receipt_ids++;
    }
    return YB_OK;
}

void node_outcomes_free(struct node_outcome *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        node_outcome_fini(&v[i]);
    }
    free(v);
}

int node_store_receipt_put(struct store_txn *txn, const struct receipt *r)
{
    struct yb_buf b;
    yb_buf_init(&b, RECEIPT_MAX_ENCODED);
    int rc = receipt_encode(&b, r);
    if (rc == YB_OK) {
        rc = store_put(txn, NODE_COL_RECEIPT, r->id, NEAR_HASH_LEN, b.data, b.len);
    }
    yb_buf_fini(&b);
    return rc;
}

int node_receipt_get(struct store_txn *snap, const uint8_t id[NEAR_HASH_LEN], struct receipt *out)
{
    receipt_init(out);
    struct store_slice v;
    int rc = store_get(snap, NODE_COL_RECEIPT, id, NEAR_HASH_LEN, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v.len > RECEIPT_MAX_ENCODED || receipt_decode(v.data, v.len, out) != YB_OK) {
        return YB_EMALFORMED;
    }
    return YB_OK;
}

/* Whether a receipt that has not executed yet is a refund (predecessor "system"). */
static bool is_refund(struct store_txn *snap, const uint8_t id[NEAR_HASH_LEN])
{
    struct receipt r;
    bool yes = false;
    if (node_receipt_get(snap, id, &r) == YB_OK) {
        yes = strcmp(r.predecessor_id, RECEIPT_SYSTEM_ACCOUNT) == 0;
        receipt_fini(&r);
    }
    return yes;
}

int node_tx_tree_levels(struct store_txn *snap, const uint8_t tx_hash[NEAR_HASH_LEN],
                        struct node_outcome **out, size_t *n, bool *executed, bool *complete)
{
    size_t cap = 4, len = 0;
    struct node_outcome *v = yb_xcalloc(cap, sizeof *v);
    int rc = node_outcome_get(snap, tx_hash, &v[0]);
    if (rc != YB_OK) {
        free(v);
        return rc;
    }
    len = 1;
    *complete = true;
    *executed = true;
    /* Breadth first: v itself is the queue; each executed outcome appends its children. */
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < v[i].n_receipt_ids; k++) {
            if (len == NODE_TREE_MAX) {
                node_outcomes_free(v, len);
                return YB_ETOOBIG;
            }
            if (len == cap) {
                cap *= 2;
                v = yb_xrealloc(v, cap * sizeof *v);
            }
            rc = node_outcome_get(snap, v[i].receipt_ids[k], &v[len]);
            if (rc == YB_ENOTFOUND) {
                *complete = false;
                /* A refund has no children, so one still to run never hides a receipt that
                 * EXECUTED would wait for. */
                if (*executed && !is_refund(snap, v[i].receipt_ids[k])) {
                    *executed = false;
                }
                continue;
            }
            if (rc != YB_OK) {
                node_outcomes_free(v, len);
                return rc;
            }
            len++;
        }
    }
    *out = v;
    *n = len;
    return YB_OK;
}

int node_tx_tree(struct store_txn *snap, const uint8_t tx_hash[NEAR_HASH_LEN],
                 struct node_outcome **out, size_t *n, bool *complete)
{
    bool executed;
    return node_tx_tree_levels(snap, tx_hash, out, n, &executed, complete);
}

int node_store_meta_get(struct store_txn *txn, const char *key, uint64_t *out)
{
    struct store_slice v;
    int rc = store_get(txn, NODE_COL_META, key, strlen(key), &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v.len != 8) {
        return YB_EMALFORMED;
    }
    *out = le64_get(v.data);
    return YB_OK;
}

int node_store_meta_put(struct store_txn *txn, const char *key, uint64_t v)
{
    uint8_t b[8];
    le64_put(b, v);
    return store_put(txn, NODE_COL_META, key, strlen(key), b, 8);
}

int node_store_head(struct store_txn *txn, struct node_head *out)
{
    memset(out, 0, sizeof *out);
    uint64_t height;
    int rc = node_store_meta_get(txn, "head", &height);
    if (rc != YB_OK) {
        return rc;
    }
    struct node_block b, g;
    rc = node_block_by_height(txn, height, &b);
    if (rc != YB_OK) {
        return rc == YB_ENOTFOUND ? YB_EMALFORMED : rc;
    }
    rc = node_block_by_height(txn, 0, &g);
    if (rc != YB_OK) {
        node_block_fini(&b);
        return rc == YB_ENOTFOUND ? YB_EMALFORMED : rc;
    }
    out->height = b.height;
    memcpy(out->hash, b.hash, NEAR_HASH_LEN);
    out->timestamp_ns = b.timestamp_ns;
    memcpy(out->genesis_hash, g.hash, NEAR_HASH_LEN);
    out->genesis_height = 0;
    node_block_fini(&b);
    node_block_fini(&g);
    return YB_OK;
}
