/*
 * verify.h — transaction validation and charging (nearcore runtime/src/verifier.rs), in
 * nearcore's order (reference/near-rpc.md §9): signature, size, actions, block hash, signer,
 * access key, nonce, balance, allowance, storage stake, function-call permission.
 *
 * Thread rules: those of the txn.
 */
#ifndef YB_RUNTIME_VERIFY_H
#define YB_RUNTIME_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "runtime.h"
#include "tx.h"

/* The cost of a transaction (nearcore's TransactionCost). */
struct verify_cost {
    uint64_t gas_burnt;     /* send fees, burnt when the tx becomes a receipt */
    uint64_t gas_remaining; /* exec fees plus attached gas, prepaid for the receipt */
    yb_u128 deposit;        /* sum of attached deposits */
    yb_u128 total;          /* (gas_burnt + gas_remaining) × price + deposit */
};

/* Computes the cost of tx (borrowed). YB_EOVERFLOW when it does not fit (CostOverflow). */
int verify_tx_cost(const struct config_runtime *cfg, const struct tx *tx, struct verify_cost *out);

/*
 * Validates st against the state in txn at `height`; when charge is true (block application,
 * txn writable) also updates the access key's nonce and allowance and deducts the cost from the
 * signer. Returns YB_OK, or YB_ERUNTIME_INVALID_TX with *err (returned) and *name (static) set;
 * cost (may be NULL) is filled on success. Other errors: store, YB_EMALFORMED.
 */
int verify_tx(struct runtime *rt, struct store_txn *txn, const struct tx_signed *st,
              uint64_t height, bool check_signature, runtime_block_lookup_fn lookup,
              void *lookup_ctx, bool charge, struct verify_cost *cost, cJSON **err,
              const char **name);

#endif
