/*
 * runtime_int.h — structures shared by the block-application modules of chain/runtime
 * (apply.c, actions.c, verify.c, ext.c). Private to this folder.
 */
#ifndef YB_RUNTIME_INT_H
#define YB_RUNTIME_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "logic.h"
#include "receipt.h"
#include "runtime.h"
#include "state.h"

/* One block being applied. */
struct apply_ctx {
    struct runtime *rt;
    struct store_txn *txn; /* the block's write txn */
    const struct runtime_block *blk;
    struct runtime_block_result *res;
    struct yb_buf scratch;      /* receipt encodings on their way to the store; reset before use */
    struct state_queue delayed; /* the delayed-receipt queue, its indices flushed at block end */
};

/* A receipt made while executing another one, waiting for its id. */
struct exec_new_receipt {
    struct receipt r;
    bool is_data; /* data receipts get ids but are not listed in the outcome's receipt_ids */
};

/* The execution of one action receipt (nearcore's ActionResult plus the receipt context). */
struct exec_state {
    struct apply_ctx *ac;
    const struct receipt *r;
    struct store_txn *txn; /* nested txn of this receipt */
    struct state_account account;
    bool account_exists;
    const char *actor_id; /* predecessor, or the receiver once CreateAccount ran */
    uint64_t gas_burnt;   /* exec fees and wasm gas */
    uint64_t gas_used;    /* burnt + gas prepaid to new receipts */
    uint64_t wasm_burnt;  /* burnt inside function calls (the contract's 30% reward base) */
    bool reward_paid;     /* run_actions added the reward to the account it wrote */
    const struct logic_promise_result *results; /* of the receipt's input data */
    size_t n_results;

    struct exec_new_receipt *news; /* new receipts in id order */
    size_t n_news;

    char **logs; /* owned */
    size_t n_logs;
    enum logic_return_kind ret_kind;
    uint8_t *ret_value; /* owned */
    size_t ret_len;
    size_t ret_receipt; /* absolute index into news for LOGIC_RETURN_RECEIPT */

    cJSON *failure;           /* owned ActionError, NULL while all actions succeed */
    const char *failure_name; /* static or owned by failure's strings */
    char *failure_name_owned;
};

/* Appends a new receipt (taken: *r is zeroed) to es; returns its absolute index. */
size_t exec_add_receipt(struct exec_state *es, struct receipt *r, bool is_data);
/* Records an ActionError at action `index` (fields taken). */
void exec_fail(struct exec_state *es, long index, const char *name, cJSON *fields);
/* Records a failure built elsewhere (err taken; name copied). */
void exec_fail_json(struct exec_state *es, cJSON *err, const char *name);

#endif
