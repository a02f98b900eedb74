/*
 * node_int.h — private to chain/node: the node's store columns and record codecs
 * (node_store.c), the event publisher (node_events.c) and the metrics (node_metrics.c).
 */
#ifndef YB_NODE_INT_H
#define YB_NODE_INT_H

#include <ev.h>
#include <pthread.h>
#include <time.h>
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
    NODE_COL_RECEIPT,                  /* receipt id -> borsh Receipt (receipt_encode) */
    NODE_COL__END
};

/* ---- node_store.c ---- */

/* Encodes b (borrowed) without its hash, sets b->hash = sha256 of that encoding, and writes the
 * block and its hash index. Errors: store errors. */
int node_store_block_put(struct store_txn *txn, struct node_block *b);
int node_store_tx_put(struct store_txn *txn, const uint8_t hash[NEAR_HASH_LEN], uint64_t height,
                      const uint8_t block_hash[NEAR_HASH_LEN], const uint8_t *bytes, size_t len);
/* Writes o's outcome_to_json text. Errors: store errors. */
/* Stores an action receipt's body (r borrowed) under its id. Errors: store errors, YB_ETOOBIG,
 * encoding errors. */
int node_store_receipt_put(struct store_txn *txn, const struct receipt *r);
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

/* ---- node_events.c: nng PUB, one message "topic JSON" per event ---- */
struct node_events;
/* addr "" or NULL: events off (*out NULL, every call a no-op). Errors: YB_ECONFIG. */
int node_events_open(const char *addr, struct node_events **out);
void node_events_close(struct node_events *ev);
/* Sends "topic " + JSON of obj (borrowed; "seq" is added). Loop thread. Best effort. */
void node_events_publish(struct node_events *ev, const char *topic, cJSON *obj, uint64_t seq);
/* The events of one block (b, res borrowed), in order: block, tx.outcome per tx, yield.* per
 * yield event; each object carries its "topic". Returned array (cJSON_Delete). */
cJSON *node_events_of_block(const struct node_block *b, const struct runtime_block_result *res);

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

/* ---- node.c: the node's state (shared with node_block.c) ---- */
struct pool_entry {
    struct tx_signed *st; /* owned */
    uint8_t *bytes;       /* owned: the signed bytes as received */
    size_t len;
};

struct waiter {
    uint8_t hash[NEAR_HASH_LEN];
    enum node_wait level;
    node_tx_done_fn done;
    void *arg;
    int64_t since_ms;
    bool included;
    uint64_t height;
    uint8_t block_hash[NEAR_HASH_LEN];
    struct waiter *next;
};

enum ctl_kind { CTL_PRODUCE, CTL_FAST_FORWARD, CTL_PATCH };

struct ctl {
    enum ctl_kind kind;
    uint64_t n;
    cJSON *records; /* owned (CTL_PATCH) */
    node_done_fn done;
    void *arg;
    struct ctl *next;
};

struct node {
    struct node_config cfg;
    int lock_fd; /* flock on HOME/yb-chain.lock, held while open */
    struct store *store;
    struct runtime rt;
    struct node_events *events;
    struct node_metrics metrics;
    struct ev_loop *loop;
    ev_async wake;
    ev_timer block_timer; /* interval mode */
    ev_timer soon;        /* on-demand mode: one-shot */
    ev_timer tick;

    pthread_mutex_t mu;
    struct node_head head;
    struct pool_entry *pool;
    size_t pool_n, pool_cap;
    uint8_t (*set)[NEAR_HASH_LEN]; /* pending hashes; slot state in set_state */
    uint8_t *set_state;            /* 0 empty, 1 used, 2 deleted */
    struct waiter *waiters;
    struct ctl *ctl_head, *ctl_tail;

    atomic_bool stopping;
    atomic_int_fast64_t last_tick_ms;
    atomic_int_fast64_t last_block_ms;
    uint64_t seq;    /* loop thread: last event sequence number used */
    uint64_t queued; /* loop thread: receipts the last block left for the next */
    int run_err;
};

static inline int64_t node_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static inline uint64_t node_wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* Whether a level needs the tx's receipts to have run, not just its inclusion. */
static inline bool node_wants_execution(enum node_wait w)
{
    return w == NODE_WAIT_EXECUTED_OPTIMISTIC || w == NODE_WAIT_EXECUTED || w == NODE_WAIT_FINAL;
}

/* Removes a committed tx's hash from the pending set. Caller holds node->mu. */
void node_pending_forget(struct node *node, const uint8_t h[NEAR_HASH_LEN]);

/* ---- node_block.c ---- */
/* Produces one block at head + delta with the patch records (may be NULL) applied first, on
 * the loop thread (or any thread while the loop is not running: genesis). Errors: store and
 * runtime errors, patch errors; the taken transactions go back to the mempool then. */
int node_produce_now(struct node *node, uint64_t delta, const cJSON *patch);

#endif
