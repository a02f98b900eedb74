/*
 * receipt.h — NEAR receipts (reference/nep519.md §4.1): what the runtime stores, queues and
 * executes, their Borsh form, and how their ids are derived (§5.2 item 6).
 *
 * Kinds follow nearcore's ReceiptEnum discriminants. Action receipts (Action, PromiseYield)
 * carry actions (struct tx_action from common/tx.h); data receipts (Data, PromiseResume) carry
 * one Option<bytes>. A refund_to (ActionReceiptV2) is kept in the same struct; the encoding
 * writes tag 5 / 6 (ActionV2 / PromiseYieldV2) when it is set, so the bytes match nearcore's.
 *
 * Thread rules: none; a receipt belongs to one thread at a time.
 */
#ifndef YB_RUNTIME_RECEIPT_H
#define YB_RUNTIME_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "codec.h"
#include "near.h"
#include "tx.h"

/* Borsh discriminants of ReceiptEnum. */
enum receipt_kind {
    RECEIPT_ACTION = 0,
    RECEIPT_DATA = 1,
    RECEIPT_PROMISE_YIELD = 2,
    RECEIPT_PROMISE_RESUME = 3,
};

/* The account refunds come from; its receipts cost no gas (nearcore's "system"). */
#define RECEIPT_SYSTEM_ACCOUNT "system"

/* Caps applied when decoding stored or received receipts. */
#define RECEIPT_MAX_OUTPUTS 1024u       /* output data receivers of one receipt */
#define RECEIPT_MAX_INPUTS  128u        /* max_number_input_data_dependencies */
#define RECEIPT_MAX_DATA    (4u << 20)  /* max_length_returned_data */
#define RECEIPT_MAX_ENCODED (64u << 20) /* one whole encoded receipt */

struct receipt_data_receiver {
    uint8_t data_id[NEAR_HASH_LEN];
    char *receiver_id; /* owned */
};

struct receipt {
    uint8_t id[NEAR_HASH_LEN];
    char *predecessor_id; /* owned */
    char *receiver_id;    /* owned */
    enum receipt_kind kind;

    /* RECEIPT_ACTION / RECEIPT_PROMISE_YIELD */
    char *signer_id; /* owned */
    struct near_pubkey signer_pk;
    yb_u128 gas_price;
    struct receipt_data_receiver *outputs; /* owned array */
    size_t n_outputs;
    uint8_t (*inputs)[NEAR_HASH_LEN]; /* owned array of input data ids */
    size_t n_inputs;
    struct tx_action *actions; /* owned array */
    size_t n_actions;
    char *refund_to; /* owned; NULL = refund the predecessor */

    /* RECEIPT_DATA / RECEIPT_PROMISE_RESUME */
    uint8_t data_id[NEAR_HASH_LEN];
    bool has_data; /* false: the promise failed (or timed out) */
    uint8_t *data; /* owned; may be NULL when data_len is 0 */
    size_t data_len;
};

/* Zero a receipt (all pointers NULL). */
void receipt_init(struct receipt *r);
/* Free everything the receipt owns and zero it. Safe on a zeroed receipt. */
void receipt_fini(struct receipt *r);
/* Deep copy of src (borrowed) into dst (initialised by the call). */
void receipt_copy(struct receipt *dst, const struct receipt *src);
/* The refund receiver of a failed action receipt: refund_to, else the predecessor. */
const char *receipt_refund_receiver(const struct receipt *r);
/* True for action-carrying kinds. */
bool receipt_is_action(const struct receipt *r);

/* Append an output data receiver (receiver borrowed, copied). */
void receipt_add_output(struct receipt *r, const uint8_t data_id[NEAR_HASH_LEN],
                        const char *receiver_id);
/* Append an input data id. */
void receipt_add_input(struct receipt *r, const uint8_t data_id[NEAR_HASH_LEN]);
/* Append an action, taking ownership of *a's contents (a is zeroed). */
void receipt_add_action(struct receipt *r, struct tx_action *a);

/* borsh(Receipt): predecessor_id, receiver_id, receipt_id, then the ReceiptEnum.
 * Errors: YB_ETOOBIG (buffer cap), YB_EACTION, YB_EACCOUNT_*. */
int receipt_encode(struct yb_buf *b, const struct receipt *r);
/*
 * Decodes a receipt filling p[0..n) exactly (p borrowed). out is filled on success (caller
 * owns it: receipt_fini). Errors: YB_EBORSH_*, YB_EUTF8, YB_EACCOUNT_*, YB_EKEYTYPE,
 * YB_EACTION, YB_EMALFORMED.
 */
int receipt_decode(const uint8_t *p, size_t n, struct receipt *out);

/* ---- ids (nearcore core/primitives/src/utils.rs, protocol with BlockHeightForReceiptId) ---- */

/* sha256(base ‖ height_le ‖ salt_le): the one hash all ids below are made of. */
void receipt_hash_id(const uint8_t base[NEAR_HASH_LEN], uint64_t height, uint64_t salt,
                     uint8_t out[NEAR_HASH_LEN]);
/* The receipt a transaction becomes: salt 0 over the tx hash. */
void receipt_id_from_tx(const uint8_t tx_hash[NEAR_HASH_LEN], uint64_t height,
                        uint8_t out[NEAR_HASH_LEN]);
/* The index-th new receipt made while executing parent. */
void receipt_id_from_parent(const uint8_t parent[NEAR_HASH_LEN], uint64_t height, uint64_t index,
                            uint8_t out[NEAR_HASH_LEN]);
/* The action hash of action `action_index` of a receipt: salt u64::MAX - index, so it never
 * collides with a new receipt id. */
void receipt_action_hash(const uint8_t receipt_id[NEAR_HASH_LEN], uint64_t height,
                         uint64_t action_index, uint8_t out[NEAR_HASH_LEN]);

#endif
