/*
 * node_int.h — private to chain/node: the node's store columns and record codecs
 * (node_store.c), the event publisher (node_events.c) and the metrics (node_metrics.c).
 */
#ifndef YB_NODE_INT_H
#define YB_NODE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "node.h"
#include "outcome.h"
#include "runtime.h"
#include "state.h"

/* The node's columns follow the runtime's. Keys and values: README.md. */
enum node_col {
    NODE_COL_BLOCK = STATE_COL__COUNT, /* height (u64 BE) -> block record */
    NODE_COL_BLOCK_HASH,               /* block hash -> height (u64 LE) */
    NODE_COL_TX,                       /* tx hash -> height u64, block hash, signed tx bytes */
    NODE_COL_OUTCOME,                  /* id -> height u64, block hash, outcome JSON text */
    NODE_COL_META,                     /* "head" -> height; "genesis" -> hash; "seq" -> u64 */
    NODE_COL__END
};

/* ---- node_store.c ---- */

/* Encodes b (borrowed) without its hash, sets b->hash = sha256 of that encoding, and writes the
 * block and its hash index. Errors: store errors. */
int node_store_block_put(struct store_txn *txn, struct node_block *b);
int node_store_tx_put(struct store_txn *txn, const uint8_t hash[NEAR_HASH_LEN], uint64_t height,
                      const uint8_t block_hash[NEAR_HASH_LEN], const uint8_t *bytes, size_t len);
/* Writes o's outcome_to_json text. Errors: store errors. */
int node_store_outcome_put(struct store_txn *txn, const struct outcome *o, uint64_t height,
                           const uint8_t block_hash[NEAR_HASH_LEN]);
/* Whether a tx with this hash is committed. */
bool node_store_tx_exists(struct store_txn *txn, const uint8_t hash[NEAR_HASH_LEN]);
/* META u64 values ("head", "seq"). get: YB_ENOTFOUND when absent. */
int node_store_meta_get(struct store_txn *txn, const char *key, uint64_t *out);
int node_store_meta_put(struct store_txn *txn, const char *key, uint64_t v);
/* The head as recorded in txn: head block and genesis. Errors: YB_ENOTFOUND (no genesis). */
int node_store_head(struct store_txn *txn, struct node_head *out);
/* runtime_block_lookup_fn over a txn (ctx). */
int node_store_lookup_block(void *ctx, const uint8_t hash[NEAR_HASH_LEN], uint64_t *height);

/* ---- node.c, for genesis (node_genesis.c) ---- */
/* Produces one block at head + delta now, on the calling thread (the loop must not be running).
 * Errors: store and runtime errors. */
int node_produce_now(struct node *node, uint64_t delta);

/* ---- node_events.c: nng PUB, one message "topic JSON" per event ---- */
struct node_events;
/* addr "" or NULL: events off (*out NULL, every call a no-op). Errors: YB_ECONFIG. */
int node_events_open(const char *addr, struct node_events **out);
void node_events_close(struct node_events *ev);
/* Sends "topic " + JSON of obj (borrowed; "seq" is added). Loop thread. Best effort. */
void node_events_publish(struct node_events *ev, const char *topic, cJSON *obj, uint64_t seq);

/* ---- node_metrics.c ---- */
#define NODE_RPC_BUCKETS 12
struct node_metrics {
    atomic_uint_fast64_t blocks, txs, receipts, resumes, timeouts, pending_yields;
    pthread_mutex_t mu; /* the histogram */
    uint64_t rpc_buckets[NODE_RPC_BUCKETS];
    uint64_t rpc_count;
    double rpc_sum;
};
void node_metrics_init(struct node_metrics *m);
void node_metrics_fini(struct node_metrics *m);
/* For node_metrics_render / node_healthz (node.c). */
struct node_metrics *node_metrics_of(struct node *node);

#endif
