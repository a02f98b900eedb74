/*
 * outcome.h — execution outcomes: one per transaction and per executed action receipt, as the
 * node serialises them (reference/near-rpc.md §8.9 ExecutionOutcomeView), and the failures in
 * nearcore's TxExecutionError shape (§10.2, §8.9).
 *
 * A failure is kept as a cJSON object in exactly the JSON the RPC returns under "Failure":
 * {"ActionError":{"index":0,"kind":{"AccountDoesNotExist":{"account_id":"x"}}}} or
 * {"InvalidTxError":{"InvalidNonce":{"tx_nonce":5,"ak_nonce":7}}}; failure_name is the
 * innermost variant ("AccountDoesNotExist", "InvalidNonce") for logs and tests.
 *
 * Thread rules: none; an outcome list belongs to one thread at a time.
 */
#ifndef YB_RUNTIME_OUTCOME_H
#define YB_RUNTIME_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "codec.h"
#include "near.h"

enum outcome_status {
    OUTCOME_SUCCESS_VALUE = 0,      /* value / value_len (possibly empty) */
    OUTCOME_SUCCESS_RECEIPT_ID = 1, /* return_receipt_id */
    OUTCOME_FAILURE = 2,            /* failure / failure_name */
};

struct outcome {
    uint8_t id[NEAR_HASH_LEN]; /* tx hash or receipt id */
    bool is_tx;
    char *executor_id; /* owned: the signer for a tx, the receiver for a receipt */
    enum outcome_status status;
    uint8_t *value; /* owned */
    size_t value_len;
    uint8_t return_receipt_id[NEAR_HASH_LEN];
    cJSON *failure;     /* owned TxExecutionError */
    char *failure_name; /* owned */
    char **logs;        /* owned */
    size_t n_logs;
    uint8_t (*receipt_ids)[NEAR_HASH_LEN]; /* owned: receipts this execution produced */
    size_t n_receipt_ids;
    uint64_t gas_burnt;
    yb_u128 tokens_burnt;
};

/* A growable list of outcomes in execution order. Caller-owned: init/fini. */
struct outcome_list {
    struct outcome *v;
    size_t n;
    size_t cap;
};

void outcome_list_init(struct outcome_list *l);
void outcome_list_fini(struct outcome_list *l);
/* Appends a zeroed outcome with id and executor (both borrowed, copied); the pointer is valid
 * until the next push. */
struct outcome *outcome_list_push(struct outcome_list *l, const uint8_t id[NEAR_HASH_LEN],
                                  const char *executor_id, bool is_tx);
/* The outcome with this id, or NULL. l and id borrowed. */
const struct outcome *outcome_list_find(const struct outcome_list *l,
                                        const uint8_t id[NEAR_HASH_LEN]);

void outcome_fini(struct outcome *o);
/* Appends a log line (copied). */
void outcome_add_log(struct outcome *o, const char *line, size_t len);
void outcome_add_receipt_id(struct outcome *o, const uint8_t id[NEAR_HASH_LEN]);
/* SuccessValue with a copy of value (may be NULL when len is 0). */
void outcome_set_value(struct outcome *o, const uint8_t *value, size_t len);
void outcome_set_receipt(struct outcome *o, const uint8_t id[NEAR_HASH_LEN]);
/* Failure: err taken (a TxExecutionError object from the builders below), name borrowed. */
void outcome_set_failure(struct outcome *o, cJSON *err, const char *name);

/* ---- TxExecutionError builders; all return a new object (taken by outcome_set_failure) ---- */

/* {"InvalidTxError": "<name>"} when fields is NULL, else {"InvalidTxError":{"<name>":fields}}.
 * fields taken. */
cJSON *outcome_err_invalid_tx(const char *name, cJSON *fields);
/* {"InvalidTxError":{"InvalidAccessKeyError": "<name>" | {"<name>":fields}}}. fields taken. */
cJSON *outcome_err_access_key(const char *name, cJSON *fields);
/* {"InvalidTxError":{"ActionsValidation": "<name>" | {"<name>":fields}}}. fields taken. */
cJSON *outcome_err_actions_validation(const char *name, cJSON *fields);
/* {"ActionError":{"index":index (null when < 0),"kind": "<name>" | {"<name>":fields}}}.
 * fields taken. */
cJSON *outcome_err_action(long index, const char *name, cJSON *fields);

/* Field helpers: add to obj (borrowed) a u128 as a decimal string, a u64 as a number, a
 * string, or a public key in "ed25519:..." form. */
void outcome_json_u128(cJSON *obj, const char *key, yb_u128 v);
void outcome_json_u64(cJSON *obj, const char *key, uint64_t v);
void outcome_json_str(cJSON *obj, const char *key, const char *s);
void outcome_json_pubkey(cJSON *obj, const char *key, const struct near_pubkey *pk);

/*
 * The ExecutionOutcomeView of o (borrowed): {"logs","receipt_ids","gas_burnt","tokens_burnt",
 * "executor_id","status","metadata"}. Returned (cJSON_Delete).
 */
cJSON *outcome_to_json(const struct outcome *o);

#endif
