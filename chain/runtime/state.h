/*
 * state.h — the runtime's state in the store: key layout and typed accessors.
 *
 * Every record lives in one store column (the runtime owns columns 0..STATE_COL__COUNT-1; the
 * node may use the columns above). Keys are the account id, a ',' separator (a byte no account
 * id may contain), then the record's own key, so one account's records are one prefix.
 * The columns mirror nearcore's trie columns (reference/nep519.md §4.2); chain/runtime/README.md
 * lists the correspondence.
 *
 * Values are copied out of the store: anything returned is owned by the caller. Records whose
 * layout belongs to another module (receipts, access keys) are kept as opaque bytes here and
 * decoded by that module.
 *
 * Errors common to every function: YB_ENOTFOUND (getters: no such record; deleters: nothing to
 * delete, where said), YB_ESTORE / YB_ESTORE_FULL / YB_EBUSY (from the store), YB_EMALFORMED (a
 * stored record of the wrong size: corruption). Thread rules: those of the txn passed in.
 */
#ifndef YB_RUNTIME_STATE_H
#define YB_RUNTIME_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "near.h"
#include "store.h"

enum state_col {
    STATE_COL_ACCOUNT = 0,        /* acc -> struct state_account (nearcore col 0) */
    STATE_COL_CODE = 1,           /* acc -> wasm bytes (col 1) */
    STATE_COL_ACCESS_KEY = 2,     /* acc,pk(borsh) -> borsh AccessKey (col 2) */
    STATE_COL_RECEIVED_DATA = 3,  /* acc,data_id -> Option<bytes> (col 3) */
    STATE_COL_POSTPONED_ID = 4,   /* acc,data_id -> receipt_id (col 4) */
    STATE_COL_PENDING_COUNT = 5,  /* acc,receipt_id -> u32 (col 5) */
    STATE_COL_POSTPONED = 6,      /* acc,receipt_id -> receipt (col 6) */
    STATE_COL_DELAYED = 7,        /* FIFO of receipts waiting for a block (col 7) */
    STATE_COL_DATA = 8,           /* acc,key -> contract value (col 9) */
    STATE_COL_YIELD_QUEUE = 9,    /* FIFO of yield timeouts (cols 10 and 11) */
    STATE_COL_YIELD_RECEIPT = 10, /* acc,data_id -> parked yield receipt (col 12) */
    STATE_COL_YIELD_STATUS = 11,  /* acc,data_id -> u8 enum state_yield_status (col 20) */
    STATE_COL_YIELD_TO_DATA = 12, /* acc,yield_id -> data_id (col 22) */
    STATE_COL_DATA_TO_YIELD = 13, /* acc,data_id -> yield_id (col 23) */
    STATE_COL_META = 14,          /* runtime bookkeeping: last applied height */
    STATE_COL__COUNT = 15
};

/* Contract-data keys up to this many bytes are stored inline; longer ones (NEAR allows 2 KiB,
 * LMDB keys stop at 511) are stored as their first STATE_DATA_KEY_INLINE bytes plus sha256 of
 * the whole key, with the full key kept at the front of the value. */
#define STATE_DATA_KEY_INLINE 400u
#define STATE_DATA_KEY_MAX    2048u /* max_length_storage_key */

/* nearcore's storage accounting (core/primitives runtime fees): an account record counts 100
 * bytes, every other record its key, value and 40 bytes. */
#define STATE_ACCOUNT_RECORD_BYTES 100u
#define STATE_RECORD_EXTRA_BYTES   40u

struct state_account {
    yb_u128 amount;
    yb_u128 locked;
    uint8_t code_hash[NEAR_HASH_LEN]; /* all zero: no contract */
    uint64_t storage_usage;
};

/* ---- accounts ---- */
int state_account_get(struct store_txn *txn, const char *acc, struct state_account *out);
bool state_account_exists(struct store_txn *txn, const char *acc);
int state_account_set(struct store_txn *txn, const char *acc, const struct state_account *a);
/* Removes the account and every record keyed by it (code, keys, data). */
int state_account_remove_all(struct store_txn *txn, const char *acc);

/* ---- contract code: *code returned (free()) ---- */
int state_code_get(struct store_txn *txn, const char *acc, uint8_t **code, size_t *len);
int state_code_set(struct store_txn *txn, const char *acc, const uint8_t *code, size_t len);
int state_code_remove(struct store_txn *txn, const char *acc);

/* ---- access keys: value is the borsh AccessKey (tx.h tx_access_key); *val returned ---- */
int state_access_key_get(struct store_txn *txn, const char *acc, const struct near_pubkey *pk,
                         uint8_t **val, size_t *len);
int state_access_key_set(struct store_txn *txn, const char *acc, const struct near_pubkey *pk,
                         const uint8_t *val, size_t len);
/* YB_ENOTFOUND when the key did not exist. */
int state_access_key_remove(struct store_txn *txn, const char *acc, const struct near_pubkey *pk);

/* Calls fn(ctx, pk, value, len) for each key of acc in key order; a non-zero return stops the
 * walk and is returned. The slices passed to fn are borrowed for the call only. */
typedef int (*state_access_key_fn)(void *ctx, const struct near_pubkey *pk, const uint8_t *val,
                                   size_t len);
int state_access_key_each(struct store_txn *txn, const char *acc, state_access_key_fn fn,
                          void *ctx);

/* ---- contract data (storage_*): key up to STATE_DATA_KEY_MAX bytes; *val returned ---- */
int state_data_get(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len,
                   uint8_t **val, size_t *val_len);
/* The same without a copy: *val is borrowed from the store (valid until the next write in txn,
 * see store.h). */
int state_data_peek(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len,
                    const uint8_t **val, size_t *val_len);
bool state_data_has(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len);
int state_data_set(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len,
                   const uint8_t *val, size_t val_len);
/* YB_ENOTFOUND when absent. */
int state_data_remove(struct store_txn *txn, const char *acc, const uint8_t *key, size_t key_len);
/* Calls fn for each (key, value) of acc whose key starts with prefix, in key order of the
 * stored form (inline keys sort by their bytes). Borrowed slices, valid during the call. */
typedef int (*state_data_fn)(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val,
                             size_t val_len);
int state_data_each(struct store_txn *txn, const char *acc, const uint8_t *prefix,
                    size_t prefix_len, state_data_fn fn, void *ctx);

/* ---- records keyed by (acc, 32-byte id) holding bytes: received data, postponed receipts,
 * parked yield receipts, id maps. *val returned (free()), non-NULL even when empty. ---- */
int state_id_get(struct store_txn *txn, enum state_col col, const char *acc,
                 const uint8_t id[NEAR_HASH_LEN], uint8_t **val, size_t *len);
bool state_id_has(struct store_txn *txn, enum state_col col, const char *acc,
                  const uint8_t id[NEAR_HASH_LEN]);
int state_id_set(struct store_txn *txn, enum state_col col, const char *acc,
                 const uint8_t id[NEAR_HASH_LEN], const uint8_t *val, size_t len);
/* YB_ENOTFOUND when absent. */
int state_id_remove(struct store_txn *txn, enum state_col col, const char *acc,
                    const uint8_t id[NEAR_HASH_LEN]);

/* Received data: Option<bytes>; present == false is a failed promise (DataReceipt None). */
int state_received_data_get(struct store_txn *txn, const char *acc,
                            const uint8_t data_id[NEAR_HASH_LEN], bool *present, uint8_t **data,
                            size_t *len);
int state_received_data_set(struct store_txn *txn, const char *acc,
                            const uint8_t data_id[NEAR_HASH_LEN], bool present, const uint8_t *data,
                            size_t len);

/* Pending data count of a postponed receipt. */
int state_pending_count_get(struct store_txn *txn, const char *acc,
                            const uint8_t receipt_id[NEAR_HASH_LEN], uint32_t *out);
int state_pending_count_set(struct store_txn *txn, const char *acc,
                            const uint8_t receipt_id[NEAR_HASH_LEN], uint32_t count);

/* ---- yield status (reference/nep519.md §4.2): None -> Yielded -> ResumeInitiated -> None ---- */
enum state_yield_status {
    STATE_YIELD_YIELDED = 0,
    STATE_YIELD_RESUME_INITIATED = 1,
};
int state_yield_status_get(struct store_txn *txn, const char *acc,
                           const uint8_t data_id[NEAR_HASH_LEN], enum state_yield_status *out);
int state_yield_status_set(struct store_txn *txn, const char *acc,
                           const uint8_t data_id[NEAR_HASH_LEN], enum state_yield_status st);

/* ---- FIFO queues (delayed receipts, yield timeouts): indices under the key "i", entries
 * under their u64 index big-endian, so the queue is also ordered in the store. ---- */
struct state_queue_indices {
    uint64_t first;
    uint64_t next;
};
int state_queue_indices(struct store_txn *txn, enum state_col col, struct state_queue_indices *out);
/* Appends val (borrowed) at the tail. */
int state_queue_push(struct store_txn *txn, enum state_col col, const uint8_t *val, size_t len);
/* The entry at index (first <= index < next); *val returned (free()). */
int state_queue_get(struct store_txn *txn, enum state_col col, uint64_t index, uint8_t **val,
                    size_t *len);
/* Removes the head entry. YB_ENOTFOUND when the queue is empty. */
int state_queue_pop(struct store_txn *txn, enum state_col col);

/* A queue worked on many times in one txn (a block's delayed receipts): its indices are read
 * once by state_queue_open, kept in the struct, and written once by state_queue_flush — two
 * store operations per push or pop fewer. While it is open, only these calls may touch the
 * queue in that txn (state_queue_indices and the calls above would see stale indices until
 * the flush). The struct is caller-owned; nothing to free. */
struct state_queue {
    enum state_col col;
    struct state_queue_indices q;
    bool dirty; /* q differs from the stored indices */
};
/* Errors: as state_queue_indices. txn and out borrowed. */
int state_queue_open(struct store_txn *txn, enum state_col col, struct state_queue *out);
/* Appends val (borrowed, copied into the store). Errors: the store's. */
int state_queue_append(struct store_txn *txn, struct state_queue *sq, const uint8_t *val,
                       size_t len);
/* The head entry, borrowed from the store until the txn's next write. YB_ENOTFOUND when the
 * queue is empty. */
int state_queue_head(struct store_txn *txn, const struct state_queue *sq, const uint8_t **val,
                     size_t *len);
/* Removes the head entry. YB_ENOTFOUND when the queue is empty. */
int state_queue_drop_head(struct store_txn *txn, struct state_queue *sq);
/* Writes the indices if they changed. Errors: the store's. */
int state_queue_flush(struct store_txn *txn, struct state_queue *sq);

/* ---- runtime bookkeeping ---- */
/* The height of the last applied block; YB_ENOTFOUND before the first. */
int state_last_height_get(struct store_txn *txn, uint64_t *out);
int state_last_height_set(struct store_txn *txn, uint64_t height);

#endif
