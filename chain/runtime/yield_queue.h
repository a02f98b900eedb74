/*
 * yield_queue.h — NEP-519 yield bookkeeping in the state (reference/nep519.md §4): the FIFO
 * timeout queue of (account, data_id, expires_at), parked PromiseYield receipts, and the
 * clean-up when a yield's callback runs.
 *
 * Entries are appended in creation order, so expires_at never decreases along the queue and
 * the expired ones are always a prefix of it.
 *
 * Thread rules: those of the txn.
 */
#ifndef YB_RUNTIME_YIELD_QUEUE_H
#define YB_RUNTIME_YIELD_QUEUE_H

#include <stdint.h>

#include "near.h"
#include "receipt.h"
#include "store.h"

/* Enqueue a timeout for the yield (acc, data_id) (borrowed) expiring at expires_at.
 * Errors: store errors, YB_ETOOBIG. */
int yield_queue_push(struct store_txn *txn, const char *acc, const uint8_t data_id[NEAR_HASH_LEN],
                     uint64_t expires_at);

/* Called for each expired entry, in queue order; acc and data_id borrowed for the call. A
 * non-zero return stops the walk (the entry stays queued) and is returned. */
typedef int (*yield_queue_fn)(void *ctx, const char *acc, const uint8_t data_id[NEAR_HASH_LEN]);

/* Pops every entry with expires_at <= height, calling fn for each before it is removed.
 * *n_popped (may be NULL) counts them. Errors: store errors, YB_EMALFORMED, fn's. */
int yield_queue_pop_expired(struct store_txn *txn, uint64_t height, yield_queue_fn fn, void *ctx,
                            size_t *n_popped);

/* Number of entries still queued. */
int yield_queue_len(struct store_txn *txn, uint64_t *out);

/* Stores a PromiseYield receipt (borrowed) under (receiver, inputs[0]): the instant receipt
 * processing of nep519 §4.3 step 2. Errors: YB_EINVAL (not a yield with one input), store. */
int yield_park(struct store_txn *txn, const struct receipt *r);

/*
 * Takes the parked yield receipt of (acc, data_id) out of the state into *out (caller owns it:
 * receipt_fini) and removes its status and yield-id maps (§4.3 step 4).
 * Errors: YB_ENOTFOUND (nothing parked), store errors, decode errors.
 */
int yield_unpark(struct store_txn *txn, const char *acc, const uint8_t data_id[NEAR_HASH_LEN],
                 struct receipt *out);

#endif
