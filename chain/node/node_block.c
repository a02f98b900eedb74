/*
 * node_block.c — producing one block (loop thread): transactions from the mempool, the runtime,
 * and every record of the block in one store txn; then the head, events, metrics and waiters.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "log.h"
#include "mem.h"
#include "node_int.h"
#include "node_patch.h"
#include "tx.h"

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, NEAR_HASH_LEN);
}

/*
 * A block's transactions, ordered by access key (signer, public key) and then nonce, as
 * nearcore's pool hands them out: a client that sends one key's transactions concurrently (a
 * load generator, near-api-js in Promise.all) has them reach the mempool in any order, and
 * applying nonce 5 before nonce 4 would fail the second with InvalidNonce. Keys are ordered by
 * name, and equal nonces by hash, so the order depends only on the block's contents.
 */
static int cmp_pool_entry(const void *a, const void *b)
{
    const struct tx *x = &((const struct pool_entry *)a)->st->tx;
    const struct tx *y = &((const struct pool_entry *)b)->st->tx;
    int c = strcmp(x->signer_id, y->signer_id);
    if (c == 0) {
        c = memcmp(&x->public_key, &y->public_key, sizeof x->public_key);
    }
    if (c == 0 && x->nonce != y->nonce) {
        c = x->nonce < y->nonce ? -1 : 1;
    }
    if (c == 0) {
        c = memcmp(((const struct pool_entry *)a)->st->hash,
                   ((const struct pool_entry *)b)->st->hash, NEAR_HASH_LEN);
    }
    return c;
}

/* Takes up to NODE_MAX_BLOCK_TXS transactions from the front of the mempool, in nonce order per
 * access key (cmp_pool_entry). */
static struct pool_entry *take_txs(struct node *node, size_t *n)
{
    pthread_mutex_lock(&node->mu);
    size_t k = node->pool_n < NODE_MAX_BLOCK_TXS ? node->pool_n : NODE_MAX_BLOCK_TXS;
    struct pool_entry *v = NULL;
    if (k > 0) {
        v = yb_xmalloc(k * sizeof *v);
        memcpy(v, node->pool, k * sizeof *v);
        memmove(node->pool, node->pool + k, (node->pool_n - k) * sizeof *v);
        node->pool_n -= k;
    }
    pthread_mutex_unlock(&node->mu);
    if (k > 1) {
        qsort(v, k, sizeof *v, cmp_pool_entry);
    }
    *n = k;
    return v;
}

static void free_entries(struct pool_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tx_signed_free(v[i].st);
        free(v[i].bytes);
    }
    free(v);
}

/* Puts transactions back at the front after a failed block. */
static void requeue(struct node *node, struct pool_entry *v, size_t n)
{
    pthread_mutex_lock(&node->mu);
    if (node->pool_n + n > node->pool_cap) {
        node->pool_cap = node->pool_n + n;
        node->pool = yb_xrealloc(node->pool, node->pool_cap * sizeof *node->pool);
    }
    memmove(node->pool + n, node->pool, node->pool_n * sizeof *v);
    memcpy(node->pool, v, n * sizeof *v);
    node->pool_n += n;
    pthread_mutex_unlock(&node->mu);
    free(v);
}

/* Completes the waiters this block satisfied. Called after the commit; sorted holds the block's
 * sorted tx hashes plus those dropped as already committed. */
static void complete_waiters(struct node *node, uint8_t (*sorted)[NEAR_HASH_LEN], size_t n_sorted,
                             bool executed)
{
    pthread_mutex_lock(&node->mu);
    struct waiter *list = node->waiters;
    node->waiters = NULL;
    pthread_mutex_unlock(&node->mu);

    struct node_snapshot snap;
    bool have_snap = node_snapshot_begin(node, &snap) == YB_OK;
    struct waiter *keep = NULL, *next;
    for (struct waiter *w = list; w != NULL; w = next) {
        next = w->next;
        bool fire = false;
        struct node_tx_result r = {.err = YB_OK};
        memcpy(r.hash, w->hash, NEAR_HASH_LEN);
        if (!w->included && n_sorted > 0 &&
            bsearch(w->hash, sorted, n_sorted, NEAR_HASH_LEN, cmp_hash) != NULL) {
            struct node_tx t;
            if (have_snap && node_tx_get(snap.txn, w->hash, &t) == YB_OK) {
                w->included = true;
                w->height = t.block_height;
                memcpy(w->block_hash, t.block_hash, NEAR_HASH_LEN);
                node_tx_fini(&t);
            }
        }
        if (w->included) {
            r.reached = NODE_WAIT_INCLUDED_FINAL;
            r.block_height = w->height;
            memcpy(r.block_hash, w->block_hash, NEAR_HASH_LEN);
            if (!node_wants_execution(w->level)) {
                fire = true;
            } else if (executed && have_snap) {
                struct node_outcome *v;
                size_t n;
                bool done = false, complete = false;
                if (node_tx_tree_levels(snap.txn, w->hash, &v, &n, &done, &complete) == YB_OK) {
                    node_outcomes_free(v, n);
                }
                /* EXECUTED_OPTIMISTIC / EXECUTED: the non-refund receipts ran; FINAL: all. */
                if (complete) {
                    r.reached = NODE_WAIT_FINAL;
                } else if (done) {
                    r.reached = NODE_WAIT_EXECUTED;
                }
                fire = complete || (done && w->level != NODE_WAIT_FINAL);
            }
        }
        if (fire) {
            w->done(w->arg, &r);
            free(w);
        } else {
            w->next = keep;
            keep = w;
        }
    }
    if (have_snap) {
        node_snapshot_end(&snap);
    }
    pthread_mutex_lock(&node->mu);
    while (keep != NULL) {
        next = keep->next;
        keep->next = node->waiters;
        node->waiters = keep;
        keep = next;
    }
    pthread_mutex_unlock(&node->mu);
}

/*
 * Produces one block at head + delta: transactions from the mempool, the patch (may be NULL)
 * first, all in one store txn with the block record, tx and outcome records, the head pointer
 * and the event sequence; then commits, publishes events and completes waiters.
 */
int node_produce_now(struct node *node, uint64_t delta, const cJSON *patch)
{
    size_t n_take;
    struct pool_entry *take = take_txs(node, &n_take);
    struct node_head head;
    node_get_head(node, &head);

    struct store_txn *snap = NULL, *txn = NULL;
    int rc = store_snapshot_begin(node->store, &snap);
    rc = rc ? rc : store_write_begin(node->store, &txn);
    if (rc != YB_OK) {
        store_snapshot_end(snap);
        requeue(node, take, n_take);
        return rc;
    }
    if (patch != NULL) {
        rc = node_patch_apply(txn, &node->rt, patch);
    }
    /* A tx committed earlier (a resend racing its own commit) must not run twice: drop it. */
    const struct tx_signed **txs = yb_xcalloc(n_take ? n_take : 1, sizeof *txs);
    size_t n_txs = 0;
    uint8_t(*seen)[NEAR_HASH_LEN] = yb_xmalloc((n_take ? n_take : 1) * NEAR_HASH_LEN);
    for (size_t i = 0; i < n_take; i++) {
        memcpy(seen[i], take[i].st->hash, NEAR_HASH_LEN);
        if (!node_store_tx_exists(txn, take[i].st->hash)) {
            txs[n_txs++] = take[i].st;
        }
    }
    struct node_block b = {0};
    b.height = head.height + delta;
    b.prev_height = head.height;
    memcpy(b.prev_hash, head.hash, NEAR_HASH_LEN);
    uint64_t step_ns = node->cfg.block_time_ms * 1000000ULL;
    uint64_t ts = head.timestamp_ns + (delta > 1 ? delta * step_ns : 1);
    uint64_t wall = node_wall_ns();
    b.timestamp_ns = wall > ts ? wall : ts;
    uint8_t seed_in[NEAR_HASH_LEN + 8];
    memcpy(seed_in, head.hash, NEAR_HASH_LEN);
    memcpy(seed_in + NEAR_HASH_LEN, &b.height, 8);
    crypto_sha256(seed_in, sizeof seed_in, b.random_seed);
    b.gas_price = NODE_GAS_PRICE;

    struct runtime_block_result res;
    runtime_block_result_init(&res);
    if (rc == YB_OK) {
        struct runtime_block blk = {.height = b.height,
                                    .timestamp_ns = b.timestamp_ns,
                                    .txs = txs,
                                    .n_txs = n_txs,
                                    .verify_signatures = false,
                                    .block_lookup = node_store_lookup_block,
                                    .block_lookup_ctx = snap,
                                    .record_receipts = true};
        memcpy(blk.random_seed, b.random_seed, NEAR_HASH_LEN);
        rc = runtime_apply_block(&node->rt, txn, &blk, &res);
    }
    size_t n_receipts = 0;
    if (rc == YB_OK) {
        b.n_txs = n_txs;
        b.tx_hashes = yb_xmalloc((n_txs ? n_txs : 1) * NEAR_HASH_LEN);
        for (size_t i = 0; i < n_txs; i++) {
            memcpy(b.tx_hashes[i], txs[i]->hash, NEAR_HASH_LEN);
        }
        crypto_sha256((const uint8_t *)b.tx_hashes, n_txs * NEAR_HASH_LEN, b.chunk_hash);
        b.receipt_ids = yb_xmalloc((res.outcomes.n ? res.outcomes.n : 1) * NEAR_HASH_LEN);
        for (size_t i = 0; i < res.outcomes.n; i++) {
            if (!res.outcomes.v[i].is_tx) {
                memcpy(b.receipt_ids[n_receipts++], res.outcomes.v[i].id, NEAR_HASH_LEN);
            }
        }
        b.n_receipts = n_receipts;
        b.gas_burnt = res.gas_burnt;
        b.tokens_burnt = res.tokens_burnt;
        rc = node_store_block_put(txn, &b);
    }
    for (size_t i = 0; rc == YB_OK && i < n_take; i++) {
        bool included = false;
        for (size_t k = 0; k < n_txs && !included; k++) {
            included = txs[k] == take[i].st;
        }
        if (included) {
            rc = node_store_tx_put(txn, take[i].st->hash, b.height, b.hash, take[i].bytes,
                                   take[i].len);
        }
    }
    for (size_t i = 0; rc == YB_OK && i < res.outcomes.n; i++) {
        rc = node_store_outcome_put(txn, &res.outcomes.v[i], b.height, b.hash);
    }
    for (size_t i = 0; rc == YB_OK && i < res.n_created; i++) {
        rc = node_store_receipt_put(txn, &res.created[i]);
    }
    cJSON *events = NULL;
    uint64_t pending = 0;
    if (rc == YB_OK) {
        events = node_events_of_block(&b, &res);
        rc = node_store_meta_put(txn, "head", b.height);
        rc = rc ? rc
                : node_store_meta_put(txn, "seq", node->seq + (uint64_t)cJSON_GetArraySize(events));
        rc = rc ? rc : runtime_pending_yields(txn, &pending);
    }
    if (rc == YB_OK) {
        rc = store_commit(txn);
        txn = NULL;
    }
    store_abort(txn);
    store_snapshot_end(snap);
    free(txs);
    if (rc != YB_OK) {
        log_error("CHAIN-BLOCK", "block %llu failed: %s", (unsigned long long)b.height,
                  yb_err_str(rc));
        cJSON_Delete(events);
        runtime_block_result_fini(&res);
        node_block_fini(&b);
        free(seen);
        requeue(node, take, n_take);
        return rc;
    }

    /* Committed: publish the head, then the events, then answer the waiters. */
    pthread_mutex_lock(&node->mu);
    node->head.height = b.height;
    memcpy(node->head.hash, b.hash, NEAR_HASH_LEN);
    node->head.timestamp_ns = b.timestamp_ns;
    for (size_t i = 0; i < n_take; i++) {
        node_pending_forget(node, take[i].st->hash);
    }
    pthread_mutex_unlock(&node->mu);
    atomic_store(&node->last_block_ms, node_now_ms());
    node->queued = res.n_queued;
    struct node_metrics *m = &node->metrics;
    atomic_fetch_add(&m->blocks, 1);
    atomic_fetch_add(&m->txs, n_txs);
    atomic_fetch_add(&m->receipts, res.n_receipts);
    atomic_store(&m->pending_yields, pending);
    for (size_t i = 0; i < res.n_yields; i++) {
        if (res.yields[i].kind == RUNTIME_YIELD_RESUMED) {
            atomic_fetch_add(&m->resumes, 1);
        } else if (res.yields[i].kind == RUNTIME_YIELD_TIMEOUT) {
            atomic_fetch_add(&m->timeouts, 1);
        }
    }
    cJSON *e;
    cJSON_ArrayForEach(e, events)
    {
        cJSON *topic = cJSON_DetachItemFromObjectCaseSensitive(e, "topic");
        node_events_publish(node->events, topic->valuestring, e, ++node->seq);
        cJSON_Delete(topic);
    }
    cJSON_Delete(events);
    log_debug("CHAIN-BLOCK", "block %llu: %zu txs, %zu receipts, %zu queued",
              (unsigned long long)b.height, n_txs, res.n_receipts, res.n_queued);

    qsort(seen, n_take, NEAR_HASH_LEN, cmp_hash);
    complete_waiters(node, seen, n_take, res.outcomes.n > 0);
    free(seen);
    runtime_block_result_fini(&res);
    node_block_fini(&b);
    free_entries(take, n_take);
    return YB_OK;
}
