/*
 * runtime.h — the NEAR runtime's public entry point: apply one block of transactions to the
 * state in a store write transaction, verify a transaction for admission, run view calls, and
 * build genesis state.
 *
 * Deterministic: no clock, network or threads. Everything a block depends on (height,
 * timestamp, random seed, transactions, the recent block hashes) comes in through
 * struct runtime_block; the result is the state written into the caller's txn plus one
 * execution outcome per transaction and per executed action receipt.
 *
 * Order inside a block (reference/nep519.md §4.4): transactions are verified, charged and
 * turned into receipts; receipts of transactions with signer == receiver run at once (local
 * receipts); then the receipts queued by earlier blocks (the delayed queue: every receipt sent
 * to "another shard" — here, the next block — waits there), until block_gas_limit is burnt;
 * then, if the block is not congested, expired yield timeouts, whose PromiseResume(None)
 * receipts go to the next block. New receipts of this block, refunds included, run in the next
 * block at the earliest. PromiseYield receipts are stored at once (instant receipts).
 *
 * Thread rules: a struct runtime may be shared by threads for runtime_view_call and
 * runtime_verify_tx (the VM module cache is thread-safe); runtime_apply_block runs on the
 * thread owning the write txn.
 */
#ifndef YB_RUNTIME_RUNTIME_H
#define YB_RUNTIME_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "near.h"
#include "outcome.h"
#include "receipt.h"
#include "store.h"
#include "tx.h"
#include "vm.h"

struct code_cache;

/* nearcore's ACCESS_KEY_NONCE_RANGE_MULTIPLIER: nonces stay below height × this. */
#define RUNTIME_NONCE_RANGE_MULTIPLIER 1000000ULL
/* mainnet's transaction_validity_period, in blocks. */
#define RUNTIME_DEFAULT_TX_VALIDITY 86400ULL
/* Top-level account ids shorter than this may only be created by the registrar (nearcore's
 * min_allowed_top_level_account_length). */
#define RUNTIME_MIN_TOP_LEVEL_ACCOUNT_LEN 32
#define RUNTIME_REGISTRAR_ACCOUNT         "registrar"
/* nearcore's chunk gas limit: a block stops taking queued receipts (and timeouts) once this
 * much gas is burnt in it. */
#define RUNTIME_DEFAULT_BLOCK_GAS_LIMIT 1000000000000000ULL
/* Modules kept compiled in the runtime's cache. */
#define RUNTIME_VM_CACHE_ENTRIES 64

struct runtime {
    struct config_runtime config; /* copied at init; plain data, may be edited before use */
    uint64_t tx_validity_period;  /* blocks a block_hash stays valid for */
    uint64_t block_gas_limit;     /* see RUNTIME_DEFAULT_BLOCK_GAS_LIMIT; 0 = no limit */
    struct vm_cache *cache;       /* owned */
    struct code_cache *codes;     /* owned: compiled contracts by code hash */
};

/* Copies cfg (borrowed) and creates the module cache. Pair with runtime_fini.
 * Errors: from vm_cache_new. */
int runtime_init(struct runtime *rt, const struct config_runtime *cfg);
void runtime_fini(struct runtime *rt);

/*
 * Looks up a block hash for the validity window: YB_OK with *height set when hash is a block
 * of the canonical chain, YB_ENOTFOUND otherwise. Supplied by the node.
 */
typedef int (*runtime_block_lookup_fn)(void *ctx, const uint8_t hash[NEAR_HASH_LEN],
                                       uint64_t *height);

struct runtime_block {
    uint64_t height;       /* greater than the previous block's; gaps are allowed */
    uint64_t timestamp_ns; /* block_timestamp() */
    uint8_t random_seed[NEAR_HASH_LEN];
    const struct tx_signed *const *txs; /* borrowed, in block order */
    size_t n_txs;
    bool verify_signatures; /* false when the node already checked them at admission */
    runtime_block_lookup_fn block_lookup; /* NULL: block_hash is not checked */
    void *block_lookup_ctx;
    bool record_receipts; /* true: copy every action receipt made here into res->created */
};

/* What happened to yields in a block, for the node's events and metrics. */
enum runtime_yield_event_kind {
    RUNTIME_YIELD_CREATED = 0,  /* parked; expires_height set */
    RUNTIME_YIELD_RESUMED = 1,  /* a resume returned 1 (a PromiseResume with data was queued) */
    RUNTIME_YIELD_TIMEOUT = 2,  /* expired still parked: PromiseResume(None) queued */
    RUNTIME_YIELD_EXECUTED = 3, /* the callback ran (receipt_id = the yield receipt) */
};

struct runtime_yield_event {
    enum runtime_yield_event_kind kind;
    char account[NEAR_ACCOUNT_ID_MAX + 1];
    uint8_t data_id[NEAR_HASH_LEN];
    uint8_t receipt_id[NEAR_HASH_LEN]; /* CREATED, EXECUTED: the yield receipt; RESUMED: the
                                          receipt whose call resumed it; TIMEOUT: the None resume */
    uint64_t expires_height;           /* CREATED */
};

struct runtime_block_result {
    struct outcome_list outcomes;       /* in execution order: txs first, then receipts */
    struct runtime_yield_event *yields; /* owned, in order of occurrence */
    size_t n_yields;
    uint64_t gas_burnt; /* over all outcomes */
    yb_u128 tokens_burnt;
    size_t n_receipts; /* action receipts executed */
    size_t n_timeouts; /* yield timeouts detected in this block */
    size_t n_queued;   /* receipts left queued for the next block */
    /* With blk->record_receipts: every action receipt this block made (a tx's receipt, the
     * action receipts a receipt created — refunds from "system" and yields included), with its
     * id, in creation order; owned, freed by runtime_block_result_fini. Empty otherwise. */
    struct receipt *created;
    size_t n_created, cap_created;
};

void runtime_block_result_init(struct runtime_block_result *res);
void runtime_block_result_fini(struct runtime_block_result *res);

/* Yields parked right now (created, not yet executed), as seen by txn (borrowed). O(1).
 * Errors: store errors. */
int runtime_pending_yields(struct store_txn *txn, uint64_t *out);

/*
 * Applies block `blk` (borrowed) to the state through `txn` (borrowed; a write txn the caller
 * commits or aborts). res must be initialised; outcomes are appended to it.
 * An invalid transaction is not an error: it gets a Failure{InvalidTxError} outcome and changes
 * nothing. Errors (the caller must abort txn): YB_EINVAL (height not above the last applied
 * one), store errors, YB_EMALFORMED (corrupt state).
 */
int runtime_apply_block(struct runtime *rt, struct store_txn *txn, const struct runtime_block *blk,
                        struct runtime_block_result *res);

/*
 * Checks a transaction as a block at `height` would (signature when check_signature, sizes,
 * actions, block hash through lookup (may be NULL), signer, access key, nonce, balance,
 * allowance, permission) without changing anything. txn borrowed (snapshot or write txn).
 * Returns YB_OK, or YB_ERUNTIME_INVALID_TX with *err set to the TxExecutionError object
 * (returned; cJSON_Delete) and *name to its innermost variant (static). Other errors: store.
 */
int runtime_verify_tx(struct runtime *rt, struct store_txn *txn, const struct tx_signed *st,
                      uint64_t height, bool check_signature, runtime_block_lookup_fn lookup,
                      void *lookup_ctx, cJSON **err, const char **name);

/* The result of a view call. Caller-owned: runtime_view_result_fini. */
struct runtime_view_result {
    uint8_t *value; /* owned return value (may be NULL when empty) */
    size_t value_len;
    char **logs; /* owned */
    size_t n_logs;
    cJSON *error;     /* owned FunctionCallError JSON when the call failed, else NULL */
    char *error_text; /* owned: nearcore's "wasm execution failed with error: ..." text */
};
void runtime_view_result_fini(struct runtime_view_result *v);

/*
 * Runs `method` of account `acc` read-only (all borrowed) over txn (a snapshot), with the
 * block context of height/timestamp. Errors: YB_ENOTFOUND (no such account),
 * YB_ERUNTIME_NO_CODE (account has no contract), store errors. A contract failure is YB_OK with
 * out->error set.
 */
int runtime_view_call(struct runtime *rt, struct store_txn *txn, const char *acc,
                      const char *method, const uint8_t *args, size_t args_len, uint64_t height,
                      uint64_t timestamp_ns, struct runtime_view_result *out);

/* ---- genesis (applied by the node or a test into a write txn before block 1) ---- */

/* Creates account acc with `amount` yocto and, when pk is not NULL, a FullAccess key with nonce
 * 0. Errors: YB_EEXIST, YB_EACCOUNT_* (invalid id), store errors. */
int runtime_genesis_account(struct runtime *rt, struct store_txn *txn, const char *acc,
                            yb_u128 amount, const struct near_pubkey *pk);
/* Deploys code (borrowed) to an existing account, updating code hash and storage usage.
 * Errors: YB_ENOTFOUND, store errors. */
int runtime_genesis_deploy(struct runtime *rt, struct store_txn *txn, const char *acc,
                           const uint8_t *code, size_t len);

#endif
