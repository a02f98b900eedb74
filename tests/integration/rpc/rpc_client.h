/*
 * rpc_client.h — raw JSON-RPC over libcurl for the RPC integration tests: post any body, get
 * the HTTP status and the parsed answer, and sign transactions with a home's credential files.
 * Test-only helpers; failures are reported through cmocka asserts.
 */
#ifndef YB_TEST_RPC_CLIENT_H
#define YB_TEST_RPC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "chain_proc.h"
#include "codec.h"
#include "near.h"
#include "tx.h"

/* POSTs body[0..len) to url; *status gets the HTTP status, *out the parsed JSON (NULL when the
 * body is not JSON; cJSON_Delete). Returns 0, or -1 when it cannot connect. */
int rpc_post_raw(const char *url, const char *body, size_t len, long *status, cJSON **out);

/* {"jsonrpc":"2.0","id":"t","method":method,"params":params (taken)} → the whole answer
 * (returned), asserting HTTP 200 and a JSON body. */
cJSON *rpc_call(const struct chain_proc *p, const char *method, cJSON *params);

/* rpc_call that asserts success (no "error" key) and returns a copy of "result" (returned). */
cJSON *rpc_ok(const struct chain_proc *p, const char *method, cJSON *params);

/* rpc_call that asserts an error whose error.cause.name is `cause`; returns the error object
 * (returned). */
cJSON *rpc_err(const struct chain_proc *p, const char *method, cJSON *params, const char *cause);

/* Parses a JSON literal (asserts). */
cJSON *rpc_json(const char *text);

/* The final block's hash and the head height. */
void rpc_head(const struct chain_proc *p, uint8_t hash[NEAR_HASH_LEN], uint64_t *height);

/* Current nonce of account's key from the home's credential file (view_access_key). */
uint64_t rpc_nonce(const struct chain_proc *p, const char *account);

/*
 * Builds base64 of a SignedTransaction from `account`'s credential key: one FunctionCall
 * (method, args JSON text, 300 Tgas) to receiver when method != NULL, else one Transfer of
 * `deposit` yocto. nonce 0 = current + 1. Returned (free()). When hash_out is not NULL it gets
 * the tx hash (base58).
 */
char *rpc_sign(const struct chain_proc *p, const char *account, const char *receiver,
               const char *method, const char *args, yb_u128 deposit, uint64_t nonce,
               char hash_out[NEAR_HASH_STR_MAX]);

/* Base64 of the SignedTransaction of tx (taken: emptied as tx_sign does; it must hold its
 * actions already) signed with sk (borrowed). Returned (free()); hash_out, when not NULL, gets
 * the tx hash (base58). Needs no RPC: for pre-signing many transactions. */
char *rpc_sign_tx(struct tx *tx, const uint8_t sk[NEAR_ED25519_SK_LEN],
                  char hash_out[NEAR_HASH_STR_MAX]);

/* yb_produce_blocks {"count"} → the new head height. */
uint64_t rpc_produce(const struct chain_proc *p, uint64_t count);

/* ---- assertions on answers (cmocka) ---- */

/* obj[key] as a string / a u64 (number or decimal string); fails the test otherwise. */
const char *rpc_str(const cJSON *o, const char *key);
uint64_t rpc_num(const cJSON *o, const char *key);
/* s is the base58 of 32 bytes. */
void rpc_assert_hash(const char *s);
/* r is a FinalExecutionOutcomeView at FINAL of tx `hash` signed by `signer`, checked field by
 * field (transaction, transaction_outcome, every receipts_outcome entry). */
void rpc_check_final(const cJSON *r, const char *hash, const char *signer);
/* rpc_check_final with final_execution_status `status` ("EXECUTED": the refunds have not run). */
void rpc_check_outcome(const cJSON *r, const char *hash, const char *signer, const char *status);

/* A request sent from another thread (it parks until blocks come): rpc_async_run(ps) as a
 * pthread start routine posts send_tx of b64 (or, with tx_hash, a `tx` lookup as signer; or,
 * with body, that whole request) with wait_until `wait` (NULL = EXECUTED) to url and publishes
 * the answer in `result` (atomically: poll it with __atomic_load_n). */
struct rpc_async {
    const char *url;
    char *b64;
    const char *wait;
    const char *tx_hash;
    const char *signer; /* NULL = user.test.near */
    const char *body;   /* borrowed: a JSON-RPC request posted as is, e.g. yb_produce_blocks */
    cJSON *result;
};
void *rpc_async_run(void *arg);

#endif
