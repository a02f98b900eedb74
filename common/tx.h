/*
 * tx.h — NEAR transactions and actions: the V0 `Transaction` and `SignedTransaction` layouts
 * (reference/near-rpc.md §3), the classic actions (§4, tags 0–7), `AccessKey`, their Borsh
 * encode/decode, the transaction hash, signing and verification, builders, and the JSON views
 * the node's RPC returns.
 *
 * Decoding is strict and capped: every length is checked against a named cap before anything
 * is allocated; account ids are validated; key types other than ed25519 are YB_EKEYTYPE;
 * action tags 8–10 (Delegate, DeployGlobalContract, UseGlobalContract) and 11+ are refused
 * with YB_EACTION; a TransactionV1 (first byte 1, second byte not 0) is YB_ETX_VERSION.
 * A decoded value owns copies of everything; the input may be freed afterwards.
 *
 * Thread rules: no shared state; a struct tx belongs to one thread at a time. crypto_init()
 * must have been called before hashing, signing or verifying.
 */
#ifndef YB_TX_H
#define YB_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "borsh.h"
#include "buf.h"
#include "codec.h"
#include "near.h"

/* ---- caps (nearcore's limits where it has one) ---- */
#define TX_MAX_SIZE               (4u << 20) /* max_transaction_size: 4 MiB of signed bytes */
#define TX_MAX_ACTIONS            100        /* max_actions_per_receipt */
#define TX_MAX_CODE_LEN           (4u << 20) /* max_contract_size */
#define TX_MAX_ARGS_LEN           (4u << 20) /* max_arguments_length */
#define TX_MAX_METHOD_NAME_LEN    256        /* max_length_method_name */
#define TX_MAX_METHOD_NAMES       256        /* method names in one FunctionCall access key */
#define TX_MAX_METHOD_NAMES_BYTES 2000       /* max_number_bytes_method_names (sum of lengths) */

/* Action tags on the wire. 0–7 are supported; the rest are named so errors can say which. */
enum tx_action_type {
    TX_ACTION_CREATE_ACCOUNT = 0,
    TX_ACTION_DEPLOY_CONTRACT = 1,
    TX_ACTION_FUNCTION_CALL = 2,
    TX_ACTION_TRANSFER = 3,
    TX_ACTION_STAKE = 4,
    TX_ACTION_ADD_KEY = 5,
    TX_ACTION_DELETE_KEY = 6,
    TX_ACTION_DELETE_ACCOUNT = 7,
    TX_ACTION_DELEGATE = 8,               /* refused */
    TX_ACTION_DEPLOY_GLOBAL_CONTRACT = 9, /* refused */
    TX_ACTION_USE_GLOBAL_CONTRACT = 10,   /* refused */
};

/* The action's name as NEAR spells it ("FunctionCall"); "Unknown" past 10. Static string. */
const char *tx_action_name(unsigned tag);

/* AccessKey { nonce, permission: FunctionCall(FunctionCallPermission) | FullAccess }. */
struct tx_access_key {
    uint64_t nonce;
    bool full_access;
    /* FunctionCallPermission, meaningful only when !full_access: */
    bool has_allowance; /* false = unlimited */
    yb_u128 allowance;
    char *receiver_id;   /* owned */
    char **method_names; /* owned array of owned strings; empty = any method */
    size_t n_method_names;
};

struct tx_action {
    enum tx_action_type type;
    union {
        struct {
            uint8_t *code; /* owned (never NULL after decode/build, even when empty) */
            size_t code_len;
        } deploy;
        struct {
            char *method_name; /* owned */
            uint8_t *args;     /* owned, never NULL */
            size_t args_len;
            uint64_t gas;
            yb_u128 deposit;
        } call;
        struct {
            yb_u128 deposit;
        } transfer;
        struct {
            yb_u128 stake;
            struct near_pubkey public_key;
        } stake;
        struct {
            struct near_pubkey public_key;
            struct tx_access_key access_key;
        } add_key;
        struct {
            struct near_pubkey public_key;
        } delete_key;
        struct {
            char *beneficiary_id; /* owned */
        } delete_account;
    } u;
};

/* Transaction (V0). Caller-owned; tx_init/tx_fini. */
struct tx {
    char *signer_id; /* owned */
    struct near_pubkey public_key;
    uint64_t nonce;
    char *receiver_id; /* owned */
    uint8_t block_hash[NEAR_HASH_LEN];
    struct tx_action *actions; /* owned */
    size_t n_actions;
};

/* SignedTransaction = Transaction ‖ Signature, plus what a reader computes. */
struct tx_signed {
    struct tx tx;
    struct near_signature signature;
    uint8_t hash[NEAR_HASH_LEN]; /* sha256(borsh(tx)): the tx id */
    size_t size;                 /* bytes of the whole SignedTransaction */
};

/* ---- building ---- */

/*
 * Starts a transaction with no actions. signer_id, receiver_id, pk, block_hash borrowed
 * (copied). Errors: YB_EACCOUNT_* (tx left empty, tx_fini safe).
 */
int tx_init(struct tx *tx, const char *signer_id, const struct near_pubkey *pk, uint64_t nonce,
            const char *receiver_id, const uint8_t block_hash[NEAR_HASH_LEN]);
/* Frees everything the tx owns and leaves it empty. Safe on a zeroed or finished tx. */
void tx_fini(struct tx *tx);

/*
 * Append one action each; every pointer is borrowed (copied). All return YB_ETOOBIG when the
 * tx already has TX_MAX_ACTIONS actions or a payload is over its cap, YB_EACCOUNT_* for a bad
 * account id, YB_EUTF8 for a method name that is not UTF-8, YB_EINVAL for a NULL string, and
 * leave the tx unchanged on error.
 */
int tx_add_create_account(struct tx *tx);
int tx_add_deploy_contract(struct tx *tx, const uint8_t *code, size_t code_len);
int tx_add_function_call(struct tx *tx, const char *method_name, const uint8_t *args,
                         size_t args_len, uint64_t gas, yb_u128 deposit);
int tx_add_transfer(struct tx *tx, yb_u128 deposit);
int tx_add_stake(struct tx *tx, yb_u128 stake, const struct near_pubkey *pk);
/* AddKey with FullAccess permission and nonce 0 (as clients send it). */
int tx_add_full_access_key(struct tx *tx, const struct near_pubkey *pk);
/* AddKey with a FunctionCall permission; allowance NULL = unlimited; method_names may be
 * NULL when n == 0 (any method). */
int tx_add_function_call_key(struct tx *tx, const struct near_pubkey *pk, const yb_u128 *allowance,
                             const char *receiver_id, const char *const *method_names, size_t n);
int tx_add_delete_key(struct tx *tx, const struct near_pubkey *pk);
int tx_add_delete_account(struct tx *tx, const char *beneficiary_id);

/* ---- actions and access keys on their own (receipts reuse these) ---- */

/* Frees what an action owns. */
void tx_action_fini(struct tx_action *a);
/* Deep copy: dst is initialised from src (both borrowed; dst's contents then owned by caller). */
void tx_action_copy(struct tx_action *dst, const struct tx_action *src);
/* Errors: YB_ETOOBIG (buffer cap), YB_EACTION (a type this module cannot encode). */
int tx_action_encode(struct yb_buf *b, const struct tx_action *a);
/*
 * Reads one Action. On success *out is filled (owned by the caller: tx_action_fini).
 * Errors: YB_EBORSH_*, YB_EUTF8, YB_EMALFORMED, YB_EACCOUNT_*, YB_EKEYTYPE, YB_EACTION.
 */
int tx_action_decode(struct borsh_reader *r, struct tx_action *out);

/* Vec<Action>. a borrowed. */
int tx_actions_encode(struct yb_buf *b, const struct tx_action *a, size_t n);
/* Vec<Action> with at most TX_MAX_ACTIONS. *out returned (tx_actions_free; NULL when *n is 0). */
int tx_actions_decode(struct borsh_reader *r, struct tx_action **out, size_t *n);
/* Frees an array of n actions (a taken; NULL allowed). */
void tx_actions_free(struct tx_action *a, size_t n);

void tx_access_key_fini(struct tx_access_key *ak);
void tx_access_key_copy(struct tx_access_key *dst, const struct tx_access_key *src);
int tx_access_key_encode(struct yb_buf *b, const struct tx_access_key *ak);
/* Errors: YB_EBORSH_*, YB_EUTF8, YB_EMALFORMED, YB_EACCOUNT_* (receiver_id). */
int tx_access_key_decode(struct borsh_reader *r, struct tx_access_key *out);

/* ---- transactions ---- */

/* borsh(Transaction). Errors: YB_ETOOBIG (buffer cap), YB_EACTION. */
int tx_encode(struct yb_buf *b, const struct tx *tx);
/* sha256(borsh(Transaction)). Errors: YB_ETOOBIG (over TX_MAX_SIZE), YB_EACTION. */
int tx_hash(const struct tx *tx, uint8_t out[NEAR_HASH_LEN]);
/*
 * Decodes a bare Transaction that must fill p[0..n) exactly. tx is filled (caller-owned,
 * tx_fini) only on success. Errors: as tx_decode_signed.
 */
int tx_decode(const uint8_t *p, size_t n, struct tx *out);

/*
 * Decodes a SignedTransaction filling p[0..n) exactly (p borrowed). *out returned
 * (tx_signed_free) with hash and size recorded. Does not verify the signature.
 * Errors: YB_ETOOBIG (n > TX_MAX_SIZE), YB_ETX_VERSION (TransactionV1), YB_EBORSH_EOF,
 * YB_EBORSH_LEN, YB_EBORSH_TAG, YB_EBORSH_BOOL, YB_EBORSH_TRAILING, YB_EUTF8, YB_EMALFORMED,
 * YB_EACCOUNT_*, YB_EKEYTYPE, YB_EACTION.
 */
int tx_decode_signed(const uint8_t *p, size_t n, struct tx_signed **out);
/*
 * As tx_decode_signed, and on error also writes a one-line reason into why (borrowed, why_cap
 * bytes, always NUL-terminated; may be NULL) for RPC error messages, e.g.
 * "byte 107: unsupported action Delegate (tag 8)". On success why is left untouched.
 */
int tx_decode_signed_why(const uint8_t *p, size_t n, struct tx_signed **out, char *why,
                         size_t why_cap);
/* borsh(SignedTransaction). Errors: YB_ETOOBIG, YB_EACTION. */
int tx_signed_encode(struct yb_buf *b, const struct tx_signed *st);
/* Frees a signed tx (taken; NULL allowed). */
void tx_signed_free(struct tx_signed *st);

/*
 * Signs sha256(borsh(tx)) with sk. tx taken: on success its contents move into *out
 * (returned; tx_signed_free) and *tx is left empty; on error tx is unchanged.
 * Errors: YB_EBADKEY (sk's public half is not tx->public_key), YB_ETOOBIG, YB_EACTION.
 */
int tx_sign(struct tx *tx, const uint8_t sk[NEAR_ED25519_SK_LEN], struct tx_signed **out);
/* Checks st->signature over st->hash with st->tx.public_key. YB_OK or YB_EBADSIG. */
int tx_signed_verify(const struct tx_signed *st);

/* ---- JSON views (nearcore's ActionView / AccessKeyView / SignedTransactionView) ---- */

/* "CreateAccount", {"FunctionCall":{...}}, ... as near-rpc.md §4; DeployContract shows the
 * base64 of sha256(code). Returned (cJSON_Delete); NULL only for an unsupported type. */
cJSON *tx_action_to_json(const struct tx_action *a);
/* {"nonce":N,"permission":"FullAccess" | {"FunctionCall":{allowance,receiver_id,method_names}}}.
 * Returned. */
cJSON *tx_access_key_to_json(const struct tx_access_key *ak);
/*
 * Reads an AccessKey from its JSON view (sandbox_patch_state records, genesis files): "nonce"
 * (a number or decimal string) and "permission" = "FullAccess" or {"FunctionCall":{"allowance":
 * "<u128>" | null, "receiver_id", "method_names":[...]}}. j borrowed; out filled (caller-owned,
 * tx_access_key_fini) only on success.
 * Errors: YB_EJSON_TYPE, YB_EJSON_MISSING, YB_ENUMBER, YB_EOVERFLOW, YB_EMALFORMED (an unknown
 * permission), YB_EACCOUNT_*, YB_ETOOBIG (method-name caps), YB_EUTF8.
 */
int tx_access_key_from_json(const cJSON *j, struct tx_access_key *out);
/* {"signer_id","public_key","nonce","receiver_id","actions":[...],"signature","hash"} as the
 * `transaction` field of tx/send_tx results. Returned. */
cJSON *tx_signed_to_json(const struct tx_signed *st);

#endif
