/*
 * node.h — yb-chain's node: the store, the runtime, the mempool, block production on a libev
 * loop, the event publisher, sandbox controls and metrics. The JSON-RPC layer (rpc*.c) is built
 * on this API.
 *
 * Finality
 *   One node, one shard, one chunk per block, no forks: every committed block is final the
 *   moment it is committed. So INCLUDED == INCLUDED_FINAL and EXECUTED_OPTIMISTIC == EXECUTED
 *   here. As in nearcore, EXECUTED-kind waits need every non-refund receipt of the tx's tree
 *   to have run (a refund: predecessor "system"); FINAL needs all of them, refunds included.
 *
 * Threads
 *   node_open, node_run and node_close are called by one owner; node_run may run on another
 *   thread than node_open (tests do), and that thread is "the loop thread" until it returns.
 *   Block production, event publishing and every completion callback that is not called
 *   synchronously (see node_submit_tx) happen on the loop thread. Functions marked
 *   "any thread" may be called from other threads (nng's HTTP worker pool) at any time between
 *   node_open and node_close, including while a block is being produced; they never wait for
 *   block production (reads use LMDB snapshots; submissions take a short mutex).
 *
 * Heights
 *   Genesis is height 0. fast_forward makes the next block's height jump, so heights may have
 *   gaps: node_block_by_height answers YB_ENOTFOUND for a skipped height.
 *
 * Store layout: the runtime owns columns 0..STATE_COL__COUNT-1; the node's columns follow
 *   (node_store.h). README.md describes every record.
 */
#ifndef YB_NODE_H
#define YB_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "buf.h"
#include "codec.h"
#include "near.h"
#include "receipt.h"
#include "store.h"

struct node;
struct runtime;

#define NODE_CHAIN_ID            "yieldbox"
#define NODE_PROTOCOL_VERSION    83u        /* yield/resume semantics of nearcore protocol >= 83 */
#define NODE_GAS_PRICE           100000000u /* yocto per gas: NEAR's min_gas_price, fixed here */
#define NODE_DEFAULT_RPC_ADDR    "127.0.0.1:3030"
#define NODE_DEFAULT_EVENTS_ADDR "tcp://127.0.0.1:3031"
#define NODE_DEFAULT_BLOCK_MS    1000u
#define NODE_DEFAULT_WAIT_MS     60000u /* a waiter times out after this long without progress */
#define NODE_MAX_BLOCK_TXS       4096u  /* transactions taken from the mempool per block */
#define NODE_MEMPOOL_MAX         65536u /* transactions waiting; more are refused (YB_EBUSY) */
#define NODE_ADDR_MAX            256u   /* bytes of an address string, including the NUL */

enum node_mode {
    NODE_MODE_INTERVAL = 0,  /* a block every block_time_ms, work or not */
    NODE_MODE_ON_DEMAND = 1, /* a block as soon as transactions or queued receipts wait */
    NODE_MODE_MANUAL = 2,    /* blocks only through node_produce_blocks / node_fast_forward */
};

/* "interval" | "on-demand" | "manual"; static string. */
const char *node_mode_name(enum node_mode m);
/* Parses a mode name. Errors: YB_EINVAL. */
int node_mode_from_str(const char *s, enum node_mode *out);

/* The running configuration (config.json merged with command-line flags). Plain data. */
struct node_config {
    char home[4096];
    char rpc_addr[NODE_ADDR_MAX];    /* host:port for the JSON-RPC HTTP server */
    char events_addr[NODE_ADDR_MAX]; /* nng URL for the PUB socket; "" = no events */
    enum node_mode mode;
    uint64_t block_time_ms;   /* interval mode */
    uint64_t yield_timeout;   /* blocks a yield waits before it times out */
    bool store_sync;          /* fsync on every block commit */
    bool store_write_map;     /* LMDB MDB_WRITEMAP (store_options.write_map) */
    bool log_json;            /* JSON log lines */
    uint64_t wait_timeout_ms; /* node_submit_tx waiters: see NODE_DEFAULT_WAIT_MS */
};

/* ---- lifetime (loop thread) ---- */

/*
 * Opens the home `cfg->home` (created by `yb-chain init`): the store in HOME/data, the runtime,
 * the events socket (bound now, so a bad address fails here). cfg borrowed (copied). *out
 * returned: node_close. Errors: YB_ENOTFOUND (no home or no genesis in the store: run init),
 * YB_EBUSY (another node holds HOME/yb-chain.lock), YB_ECONFIG (bad address), store and runtime
 * errors.
 */
int node_open(const struct node_config *cfg, struct node **out);

/* Runs the libev loop on the calling thread until node_stop; then finishes the current block
 * and returns. Errors: YB_ESTORE* when a block could not be committed (the node stops). */
int node_run(struct node *node);

/* Asks node_run to return after the current block. Any thread; async-signal-safe. */
void node_stop(struct node *node);

/* Closes everything; pending waiters complete with YB_ECLOSED. Accepts NULL. The RPC server
 * must be stopped first. */
void node_close(struct node *node);

/* The configuration in use (borrowed, valid until node_close). Any thread. */
const struct node_config *node_get_config(const struct node *node);

/* The runtime (borrowed), for runtime_view_call / runtime_verify_tx on a snapshot. */
struct runtime *node_runtime(struct node *node);

/* ---- head and snapshots (any thread) ---- */

struct node_head {
    uint64_t height;
    uint8_t hash[NEAR_HASH_LEN];
    uint64_t timestamp_ns;
    uint8_t genesis_hash[NEAR_HASH_LEN];
    uint64_t genesis_height; /* 0 */
};

/* The head as last committed (no store access). Any thread. */
void node_get_head(struct node *node, struct node_head *out);

/* A read-only view of the last committed block: `txn` for runtime_view_call and the state_*
 * and node_* readers below, `head` the block that state belongs to. */
struct node_snapshot {
    struct store_txn *txn; /* owned by the snapshot */
    struct node_head head;
};

/* Begins a snapshot (never waits for block production). End it with node_snapshot_end on any
 * thread. Errors: YB_EBUSY (all reader slots in use), YB_ESTORE. */
int node_snapshot_begin(struct node *node, struct node_snapshot *out);
void node_snapshot_end(struct node_snapshot *snap);

/* ---- history: blocks, transactions, outcomes (read through a snapshot) ---- */

struct node_block {
    uint64_t height;
    uint8_t hash[NEAR_HASH_LEN];
    uint8_t prev_hash[NEAR_HASH_LEN]; /* zero for genesis */
    uint64_t prev_height;
    uint64_t timestamp_ns;
    uint8_t random_seed[NEAR_HASH_LEN];
    uint8_t chunk_hash[NEAR_HASH_LEN]; /* the block's only chunk: sha256 of its tx hashes */
    yb_u128 gas_price;                 /* NODE_GAS_PRICE */
    uint64_t gas_burnt;
    yb_u128 tokens_burnt;
    uint8_t (*tx_hashes)[NEAR_HASH_LEN]; /* owned, in block order */
    size_t n_txs;
    uint8_t (*receipt_ids)[NEAR_HASH_LEN]; /* owned: receipts executed in this block */
    size_t n_receipts;
};
void node_block_fini(struct node_block *b);

/* Reads a block. snap borrowed (a node snapshot's txn). *out owned: node_block_fini.
 * Errors: YB_ENOTFOUND, YB_EMALFORMED, store errors. */
int node_block_by_height(struct store_txn *snap, uint64_t height, struct node_block *out);
int node_block_by_hash(struct store_txn *snap, const uint8_t hash[NEAR_HASH_LEN],
                       struct node_block *out);

/* A committed transaction: its signed bytes (tx_decode_signed them) and where it went. */
struct node_tx {
    uint8_t *bytes; /* owned */
    size_t len;
    uint64_t block_height;
    uint8_t block_hash[NEAR_HASH_LEN];
};
void node_tx_fini(struct node_tx *t);
/* Errors: YB_ENOTFOUND (not committed — maybe still in the mempool), store errors. */
int node_tx_get(struct store_txn *snap, const uint8_t hash[NEAR_HASH_LEN], struct node_tx *out);

/* One execution outcome as committed. */
struct node_outcome {
    uint8_t id[NEAR_HASH_LEN]; /* tx hash or receipt id */
    uint64_t block_height;
    uint8_t block_hash[NEAR_HASH_LEN];
    cJSON *json;                           /* owned: outcome_to_json's ExecutionOutcomeView */
    uint8_t (*receipt_ids)[NEAR_HASH_LEN]; /* owned: the children (json's receipt_ids) */
    size_t n_receipt_ids;
};
void node_outcome_fini(struct node_outcome *o);
/* Errors: YB_ENOTFOUND (not executed yet), YB_EMALFORMED, store errors. */
int node_outcome_get(struct store_txn *snap, const uint8_t id[NEAR_HASH_LEN],
                     struct node_outcome *out);

/*
 * The outcomes of a transaction's tree: [0] is the tx's own outcome, then every receipt
 * outcome reachable through receipt_ids, breadth first (NEAR's receipts_outcome order).
 * *complete is true when every receipt of the tree has executed (the final outcome is known).
 * *out returned: node_outcomes_free(*out, *n). Errors: YB_ENOTFOUND (tx not executed), store
 * errors. At most NODE_TREE_MAX outcomes are returned (YB_ETOOBIG past that).
 */
#define NODE_TREE_MAX 4096u
int node_tx_tree(struct store_txn *snap, const uint8_t tx_hash[NEAR_HASH_LEN],
                 struct node_outcome **out, size_t *n, bool *complete);
/*
 * node_tx_tree plus *executed: true when every receipt of the tree that is not a refund has
 * executed (nearcore's EXECUTED_OPTIMISTIC / EXECUTED). A refund is a receipt whose
 * predecessor is "system" (its stored body says so); a receipt not executed whose body is
 * unknown counts as not a refund. *complete implies *executed. Same errors as node_tx_tree.
 */
int node_tx_tree_levels(struct store_txn *snap, const uint8_t tx_hash[NEAR_HASH_LEN],
                        struct node_outcome **out, size_t *n, bool *executed, bool *complete);

/* The body of an action receipt made by a block (a tx's receipt or one a receipt created),
 * as the runtime made it. snap borrowed; *out filled (caller: receipt_fini). Errors:
 * YB_ENOTFOUND (unknown id, or made before receipts were kept), YB_EMALFORMED, store errors. */
int node_receipt_get(struct store_txn *snap, const uint8_t id[NEAR_HASH_LEN], struct receipt *out);
void node_outcomes_free(struct node_outcome *v, size_t n);

/* ---- transactions ---- */

/* wait_until levels in NEAR's order (near-rpc.md §8.6). */
enum node_wait {
    NODE_WAIT_NONE = 0,
    NODE_WAIT_INCLUDED = 1,
    NODE_WAIT_EXECUTED_OPTIMISTIC = 2,
    NODE_WAIT_INCLUDED_FINAL = 3,
    NODE_WAIT_EXECUTED = 4,
    NODE_WAIT_FINAL = 5,
};
/* "NONE", "INCLUDED", ... ; static. */
const char *node_wait_name(enum node_wait w);
/* Errors: YB_EINVAL. */
int node_wait_from_str(const char *s, enum node_wait *out);

/* What a submission reached, given to the completion callback (borrowed for the call). */
struct node_tx_result {
    int err; /* YB_OK; YB_ETIMEDOUT (no progress for wait_timeout_ms); YB_ECLOSED (shutdown) */
    uint8_t hash[NEAR_HASH_LEN];
    enum node_wait reached; /* the level reached (with err == YB_OK, >= the requested one) */
    uint64_t block_height;  /* inclusion block when reached >= INCLUDED */
    uint8_t block_hash[NEAR_HASH_LEN];
};
typedef void (*node_tx_done_fn)(void *arg, const struct node_tx_result *r);

/*
 * Submits a SignedTransaction (bytes borrowed, copied): decodes it (cap TX_MAX_SIZE), checks
 * it for admission with runtime_verify_tx on a snapshot at the next height (signature verified
 * here, once), dedupes by hash, queues it and wakes the loop. Any thread.
 * On YB_OK, `done` (with `arg`) is called exactly once: possibly before node_submit_tx returns
 * (wait NONE, or a known tx already at the level), else later on the loop thread.
 * On any other return `done` is never called:
 *   decode errors (YB_EBORSH_*, YB_EACCOUNT_*, YB_ETX_VERSION, YB_EACTION, YB_EKEYTYPE,
 *   YB_ETOOBIG, YB_EUTF8, YB_EMALFORMED);
 *   YB_ERUNTIME_INVALID_TX with *invalid set to the InvalidTxError JSON (returned:
 *   cJSON_Delete) — invalid may be NULL if not wanted;
 *   YB_EBUSY (mempool full), YB_ECLOSED (stopping), store errors.
 * hash_out (may be NULL) receives the tx hash whenever decoding succeeded.
 * A tx admitted here can still fail when its block applies (e.g. two admitted txs with the same
 * nonce): it is then included with a Failure{InvalidTxError} outcome, and its waiters complete
 * normally — read the outcome.
 */
int node_submit_tx(struct node *node, const uint8_t *bytes, size_t len, enum node_wait wait,
                   node_tx_done_fn done, void *arg, uint8_t hash_out[NEAR_HASH_LEN],
                   cJSON **invalid);

/*
 * Waits for a transaction that is in the mempool (admitted, not yet in a block) to reach
 * `wait` (not NONE), without resubmitting its bytes: `tx` queries for a just-sent hash use it
 * instead of looking again on a timer. Any thread. On YB_OK `done` (with `arg`) is called
 * exactly once, later, on the loop thread — as for node_submit_tx. Errors: YB_ENOTFOUND (no
 * such hash in the mempool: never sent, or committed meanwhile — read the store again),
 * YB_EINVAL (wait NONE), YB_ECLOSED.
 */
int node_wait_pending(struct node *node, const uint8_t hash[NEAR_HASH_LEN], enum node_wait wait,
                      node_tx_done_fn done, void *arg);

/* Transactions waiting in the mempool. Any thread. */
size_t node_mempool_size(struct node *node);

/* ---- sandbox controls (any thread; `done` runs on the loop thread, exactly once on YB_OK) ---- */

typedef void (*node_done_fn)(void *arg, int err);

/* The next block's height is head + delta (delta >= 1) and its timestamp advances by
 * delta × block_time_ms; yields expiring up to that height time out in that block. The block is
 * produced in every mode. done gets YB_OK after it committed. Errors: YB_EINVAL (delta 0 or over
 * 1e9), YB_ECLOSED. */
int node_fast_forward(struct node *node, uint64_t delta, node_done_fn done, void *arg);

/* Produces `count` blocks (1..10000) back to back, in any mode; done after the last committed.
 * Errors: YB_EINVAL, YB_ECLOSED. */
int node_produce_blocks(struct node *node, uint64_t count, node_done_fn done, void *arg);

/*
 * Applies nearcore StateRecord objects (near-rpc.md sandbox_patch_state) before the next block
 * in the same store txn, and produces that block at once. records (borrowed; copied) is the
 * "records" array: {"Account":{"account_id","account":{"amount","locked","code_hash",
 * "storage_usage"}}}, {"Data":{"account_id","data_key","value"}} (base64), {"Contract":
 * {"account_id","code"}} (base64), {"AccessKey":{"account_id","public_key","access_key":
 * {"nonce","permission"}}}. Validated here: Errors YB_EJSON_* / YB_EINVAL (malformed record,
 * nothing applied), YB_ECLOSED. done gets YB_OK after the block committed, or the error that
 * made the block fail (then nothing of it was applied): e.g. YB_ENOTFOUND for a Contract record
 * of an account that does not exist (put an Account record before it).
 */
int node_patch_state(struct node *node, const cJSON *records, node_done_fn done, void *arg);

/* ---- health and metrics (any thread) ---- */

/* Appends the /healthz body ("ok\nheight N\n", or "stalled\n...") to out (borrowed). Returns
 * YB_OK when healthy (HTTP 200); YB_EBUSY (HTTP 503) when the loop's 250 ms heartbeat has not
 * run for 5 s (stuck, or busy with one very long produce_blocks); YB_ETOOBIG (out's cap). */
int node_healthz(struct node *node, struct yb_buf *out);

/* Appends the Prometheus text exposition (version 0.0.4) to out (borrowed): yb_chain_height,
 * yb_chain_txs_total, yb_chain_receipts_total, yb_chain_pending_yields,
 * yb_chain_yield_resumes_total, yb_chain_yield_timeouts_total, yb_chain_mempool_size,
 * yb_chain_blocks_total, yb_chain_rpc_request_seconds (histogram). Errors: YB_ETOOBIG (out's
 * cap). */
int node_metrics_render(struct node *node, struct yb_buf *out);

/* Records one RPC request's latency (seconds) into yb_chain_rpc_request_seconds. Any thread. */
void node_metrics_observe_rpc(struct node *node, double seconds);

/*
 * The RPC server, provided by node-rpc in rpc_server.h, is started by yb-chain's main after
 * node_open and stopped before node_close:
 *   int rpc_server_start(struct node *node, const char *listen_addr, struct rpc_server **out);
 *   void rpc_server_stop(struct rpc_server *srv);
 * It routes GET /healthz to node_healthz and GET /metrics to node_metrics_render.
 */

#endif
