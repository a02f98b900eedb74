/*
 * logic.h — running ONE function call of a NEAR contract (nearcore's near-vm-runner + VMLogic).
 *
 * The caller (rt-core's receipt execution, or a view query) fills a struct logic_ctx with who
 * calls what and with which budget, hands over the compiled contract and the method name, and
 * gets back a struct logic_outcome: gas burnt and used, logs, the return value, the receipts the
 * call created (as drafts: rt-core turns them into real receipts with ids), the resumes it
 * submitted, the yields it created, the balance and storage usage afterwards, and — when the
 * call failed — an error named exactly as nearcore's FunctionCallError names it.
 *
 * State goes through struct logic_ext_ops (rt-core implements it over the store inside the
 * receipt's nested write transaction; tests use an in-memory table). Writes made through ext
 * are NOT undone by logic_run when the call fails: the caller rolls the receipt back (NEAR's
 * per-receipt atomicity, nep519 §5.2.3). Receipt drafts, resumes and yields of a failed call
 * are dropped from the outcome.
 *
 * Host functions: the whole `env` ABI of nep519 §3, §5.1, §6 plus ecrecover, validator stake
 * queries, refund_to_account_id, current_contract_code, the legacy `gas` counter, the
 * deprecated storage iterators and the sandbox's sandbox_debug_log (the tables in host_*.c).
 * Not provided: alt_bn128_*, bls12381_*, p256_verify, global-contract / state-init / gas-key
 * actions. A
 * contract importing an `env` function we do not have fails with LOGIC_ERR_LINK naming it.
 *
 * Known differences from nearcore's costs: no touching_trie_node / read_cached_trie_node
 * charges (there is no trie), and running out of gas inside wasm code burns the whole remaining
 * budget rather than nearcore's "burnt so far + the failing block's fee" (the engine meters
 * blocks itself).
 *
 * Thread rules: logic_run may run on any thread; one ctx/outcome per call; ext is called only
 * from the thread running logic_run, synchronously.
 */
#ifndef YB_RUNTIME_LOGIC_H
#define YB_RUNTIME_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "codec.h"
#include "config.h"
#include "near.h"
#include "tx.h"
#include "vm.h"

#define LOGIC_HASH_LEN 32 /* CryptoHash: data ids, yield ids, action hashes */

/* ---- external state (implemented by rt-core over the store) ---- */

/* PromiseYieldStatus of (account, data_id) (nep519 §4.2). NONE = no row. */
enum logic_yield_status {
    LOGIC_YIELD_NONE = 0,
    LOGIC_YIELD_YIELDED = 1,
    LOGIC_YIELD_RESUME_INITIATED = 2,
};

/*
 * Every op returns YB_OK or an error code; an error other than the documented YB_ENOTFOUND
 * aborts the call and logic_run returns it (a store failure, not a contract failure).
 * Keys and account ids are borrowed for the duration of the call. Values handed back through
 * `const uint8_t **` are borrowed from ext and stay valid only until the next call into ext.
 * All state is the CURRENT account's unless an account parameter says otherwise.
 */
struct logic_ext_ops {
    /* Contract data of the current account. YB_ENOTFOUND when absent. */
    int (*storage_read)(void *ext, const uint8_t *key, size_t key_len, const uint8_t **val,
                        size_t *val_len);
    /* Insert or overwrite. */
    int (*storage_write)(void *ext, const uint8_t *key, size_t key_len, const uint8_t *val,
                         size_t val_len);
    /* Delete; removing an absent key is YB_OK. */
    int (*storage_remove)(void *ext, const uint8_t *key, size_t key_len);
    /* *found = whether the key exists. */
    int (*storage_has_key)(void *ext, const uint8_t *key, size_t key_len, bool *found);

    /* PromiseYieldStatus{account, data_id}: get (LOGIC_YIELD_NONE when absent), set, delete. */
    int (*yield_status_get)(void *ext, const char *account, const uint8_t data_id[LOGIC_HASH_LEN],
                            enum logic_yield_status *out);
    int (*yield_status_set)(void *ext, const char *account, const uint8_t data_id[LOGIC_HASH_LEN],
                            enum logic_yield_status status);
    int (*yield_status_delete)(void *ext, const char *account,
                               const uint8_t data_id[LOGIC_HASH_LEN]);
    /* *parked = whether a PromiseYieldReceipt{account, data_id} is stored. */
    int (*yield_receipt_exists)(void *ext, const char *account,
                                const uint8_t data_id[LOGIC_HASH_LEN], bool *parked);
    /* YieldIdToDataId{account, yield_id} (PV 85). YB_ENOTFOUND when absent. */
    int (*yield_id_get)(void *ext, const char *account, const uint8_t yield_id[LOGIC_HASH_LEN],
                        uint8_t data_id_out[LOGIC_HASH_LEN]);
    /* Writes both YieldIdToDataId{account, yield_id} and DataIdToYieldId{account, data_id}. */
    int (*yield_id_put)(void *ext, const char *account, const uint8_t yield_id[LOGIC_HASH_LEN],
                        const uint8_t data_id[LOGIC_HASH_LEN]);
};

/* ---- input ---- */

enum logic_promise_status {
    LOGIC_PROMISE_SUCCESSFUL = 1, /* data holds the value (possibly empty) */
    LOGIC_PROMISE_FAILED = 2,
};

struct logic_promise_result {
    enum logic_promise_status status;
    const uint8_t *data; /* borrowed; SUCCESSFUL only */
    size_t len;
};

/* Everything one call needs. Every pointer is borrowed for the duration of logic_run. */
struct logic_ctx {
    const struct config_runtime *config;
    const char *current_account_id;
    const char *predecessor_account_id;
    const char *signer_account_id;
    struct near_pubkey signer_public_key;
    const uint8_t *input; /* call arguments; may be NULL when input_len is 0 */
    size_t input_len;
    uint64_t block_height;
    uint64_t block_timestamp; /* ns since the Unix epoch */
    uint64_t epoch_height;
    /* The balance the contract sees: the account's balance with attached_deposit already added
     * (nearcore's VMLogic adds the deposit itself; here the caller does, before the call). */
    yb_u128 account_balance;
    yb_u128 account_locked_balance;
    yb_u128 attached_deposit;
    uint64_t prepaid_gas;   /* the FunctionCall action's gas (views: max_gas_burnt) */
    uint64_t storage_usage; /* of the current account before the call */
    uint8_t random_seed[LOGIC_HASH_LEN];
    bool is_view;
    /* Data ids are sha256(action_hash ‖ block_height_le ‖ counter_le), the counter starting
     * at 0 for this action and shared by every data id it makes (nep519 §5.2.6). */
    uint8_t action_hash[LOGIC_HASH_LEN];
    /* Optional: when set, action_hash and random_seed above are ignored and this fills both
     * the first time the call needs either (most calls make no data id and never ask for the
     * seed, and each is a sha256). derive_arg borrowed, passed back. */
    void (*derive_hashes)(const void *derive_arg, uint8_t action_hash[LOGIC_HASH_LEN],
                          uint8_t random_seed[LOGIC_HASH_LEN]);
    const void *derive_arg;
    /* Results of the promises this receipt waited on (callbacks), in input_data_ids order. */
    const struct logic_promise_result *promise_results;
    size_t n_promise_results;
    /* Receivers of this receipt's result (its output_data_receivers' account ids): value_return
     * pays the data-receipt per-byte fee once per receiver. May be NULL when n is 0. */
    const char *const *output_data_receivers;
    size_t n_output_data_receivers;
    /* Who gets this receipt's deposit refund (its refund_to); NULL = the predecessor. */
    const char *refund_to_account_id;
    /* sha256 of the running contract's code (the account's code_hash), for
     * current_contract_code; NULL makes that host function report "no contract". */
    const uint8_t *code_hash;
    /* State access; may be NULL only for code that never touches state (then such a host call
     * fails the call with YB_EINVAL returned from logic_run). */
    const struct logic_ext_ops *ext;
    void *ext_ctx;
};

/* ---- output ---- */

/* One data dependency edge: when this receipt finishes, send its result as data_id to receiver. */
struct logic_data_receiver {
    uint8_t data_id[LOGIC_HASH_LEN];
    char *receiver_id; /* owned */
};

/* A receipt the call created, in creation order; its position is its receipt index. */
struct logic_receipt_draft {
    char *receiver_id;         /* owned */
    struct tx_action *actions; /* owned array (tx_action_fini each) */
    uint64_t *gas_weights;     /* owned, one per action: FunctionCall weight, 0 otherwise */
    size_t n_actions;
    uint8_t (*input_data_ids)[LOGIC_HASH_LEN]; /* owned; results arrive in this order */
    size_t n_input_data_ids;
    struct logic_data_receiver *output_data_receivers; /* owned */
    size_t n_output_data_receivers;
    bool is_yield; /* a PromiseYield receipt: input_data_ids[0] is its data_id */
    uint8_t yield_data_id[LOGIC_HASH_LEN];
    char *refund_to; /* owned; NULL = the predecessor (nearcore's default) */
};

/* A promise_yield_resume that returned 1: rt-core emits PromiseResume{data_id, payload}. */
struct logic_resume {
    uint8_t data_id[LOGIC_HASH_LEN];
    uint8_t *payload; /* owned; never NULL (empty payloads have len 0) */
    size_t len;
};

enum logic_return_kind {
    LOGIC_RETURN_NONE = 0, /* nothing returned: SuccessValue("") */
    LOGIC_RETURN_VALUE,    /* value_return */
    LOGIC_RETURN_RECEIPT,  /* promise_return: the result is receipt_index's result */
};

/*
 * Failure kinds: nearcore's FunctionCallError variants, with HostError and WasmTrap flattened.
 * logic_error_name gives nearcore's variant name ("GuestPanic"), logic_error_format its
 * Display text, logic_error_to_json the object RPC outcomes carry.
 */
#define LOGIC_ERROR_LIST                                                                           \
    X(NONE, "None")                                                                                \
    /* CompilationError{PrepareError|WasmerCompileError} (msg: the reason) */                      \
    X(COMPILATION, "CompilationError")                                                             \
    X(LINK, "LinkError") /* msg */                                                                 \
    /* MethodResolveError */                                                                       \
    X(METHOD_EMPTY_NAME, "MethodEmptyName")                                                        \
    X(METHOD_NOT_FOUND, "MethodNotFound")                                                          \
    X(METHOD_INVALID_SIGNATURE, "MethodInvalidSignature")                                          \
    X(WASM_TRAP, "WasmTrap") /* trap */                                                            \
    /* HostError */                                                                                \
    X(BAD_UTF16, "BadUTF16")                                                                       \
    X(BAD_UTF8, "BadUTF8")                                                                         \
    X(GAS_EXCEEDED, "GasExceeded")                                                                 \
    X(GAS_LIMIT_EXCEEDED, "GasLimitExceeded")                                                      \
    X(BALANCE_EXCEEDED, "BalanceExceeded")                                                         \
    X(EMPTY_METHOD_NAME, "EmptyMethodName")                                                        \
    X(GUEST_PANIC, "GuestPanic") /* msg */                                                         \
    X(INTEGER_OVERFLOW, "IntegerOverflow")                                                         \
    X(INVALID_PROMISE_INDEX, "InvalidPromiseIndex") /* a = index */                                \
    X(CANNOT_APPEND_ACTION_TO_JOINT_PROMISE, "CannotAppendActionToJointPromise")                   \
    X(CANNOT_RETURN_JOINT_PROMISE, "CannotReturnJointPromise")                                     \
    X(INVALID_PROMISE_RESULT_INDEX, "InvalidPromiseResultIndex") /* a = index */                   \
    X(INVALID_REGISTER_ID, "InvalidRegisterId")                  /* a = id */                      \
    X(MEMORY_ACCESS_VIOLATION, "MemoryAccessViolation")                                            \
    X(INVALID_ACCOUNT_ID, "InvalidAccountId")                                                      \
    X(INVALID_METHOD_NAME, "InvalidMethodName")                                                    \
    X(INVALID_PUBLIC_KEY, "InvalidPublicKey")                                                      \
    X(PROHIBITED_IN_VIEW, "ProhibitedInView")              /* msg = method */                      \
    X(NUMBER_OF_LOGS_EXCEEDED, "NumberOfLogsExceeded")     /* b = limit */                         \
    X(KEY_LENGTH_EXCEEDED, "KeyLengthExceeded")            /* a, b */                              \
    X(VALUE_LENGTH_EXCEEDED, "ValueLengthExceeded")        /* a, b */                              \
    X(TOTAL_LOG_LENGTH_EXCEEDED, "TotalLogLengthExceeded") /* a, b */                              \
    X(NUMBER_PROMISES_EXCEEDED, "NumberPromisesExceeded")  /* a, b */                              \
    X(NUMBER_INPUT_DATA_DEPENDENCIES_EXCEEDED, "NumberInputDataDependenciesExceeded") /* a, b */   \
    X(RETURNED_VALUE_LENGTH_EXCEEDED, "ReturnedValueLengthExceeded")                  /* a, b */   \
    X(ED25519_VERIFY_INVALID_INPUT, "Ed25519VerifyInvalidInput")                      /* msg */    \
    X(CONTRACT_SIZE_EXCEEDED, "ContractSizeExceeded")                                 /* a, b */   \
    X(YIELD_PAYLOAD_LENGTH, "YieldPayloadLength")                                     /* a, b */   \
    X(DATA_ID_MALFORMED, "DataIdMalformed")                                                        \
    X(YIELD_ID_MALFORMED, "YieldIdMalformed")                                                      \
    X(CANNOT_SET_REFUND_TO_ON_JOINT_PROMISE, "CannotSetRefundToOnJointPromise")                    \
    X(DEPRECATED, "Deprecated")          /* msg = method */                                        \
    X(ECRECOVER_ERROR, "ECRecoverError") /* msg */

enum logic_error_kind {
#define X(name, str) LOGIC_ERR_##name,
    LOGIC_ERROR_LIST
#undef X
        LOGIC_ERR__COUNT
};

struct logic_error {
    enum logic_error_kind kind;
    enum vm_trap_kind trap; /* LOGIC_ERR_WASM_TRAP */
    char *msg;              /* owned; NULL when the kind carries no text */
    uint64_t a;             /* the offending length / index (see the list) */
    uint64_t b;             /* the limit */
};

struct logic_outcome {
    uint64_t burnt_gas; /* wasm ops, host costs, the send part of new receipts */
    uint64_t used_gas;  /* burnt + gas prepaid to new receipts (incl. weighted shares) */
    char **logs;        /* owned array of owned NUL-terminated strings */
    size_t n_logs;
    enum logic_return_kind return_kind;
    uint8_t *return_data; /* owned; LOGIC_RETURN_VALUE (may be NULL when the value is empty) */
    size_t return_len;
    uint64_t return_receipt_index;        /* LOGIC_RETURN_RECEIPT: index into receipts */
    struct logic_receipt_draft *receipts; /* owned, creation order */
    size_t n_receipts;
    struct logic_resume *resumes; /* owned, submission order */
    size_t n_resumes;
    uint8_t (*yields)[LOGIC_HASH_LEN]; /* owned: data ids of yields created (timeout queue) */
    size_t n_yields;
    yb_u128 balance;          /* account balance after deposits attached to new receipts */
    uint64_t storage_usage;   /* after the call */
    struct logic_error error; /* kind LOGIC_ERR_NONE when the call succeeded */
};

/*
 * Runs `method` of `module` (borrowed; compiled by the caller, e.g. vm_cache_get with a config
 * from logic_vm_config) with ctx (borrowed). code_len is the contract's size in bytes (charged
 * as contract_loading_bytes). *out is initialised here (caller-owned; logic_outcome_fini).
 *
 * A contract failure is NOT an error return: it returns YB_OK with out->error set and gas
 * charged as nearcore charges it. Returns an error code only when the call could not be judged:
 * YB_EINVAL (bad ctx), an error from ext (store failure), YB_EINTERNAL. *out is still
 * initialised then (logic_outcome_fini safe).
 *
 * After a successful non-view call, unused gas is distributed to FunctionCall actions with a
 * gas weight (nep519 §5.4) and counted in used_gas.
 */
int logic_run(const struct logic_ctx *ctx, struct vm_module *module, size_t code_len,
              const char *method, struct logic_outcome *out);

/*
 * Convenience: looks code (borrowed) up in cache (compiling it once) and runs it. A module the
 * engine refuses gives out->error = LOGIC_ERR_COMPILATION (YB_OK returned), as on NEAR.
 */
int logic_run_code(const struct logic_ctx *ctx, struct vm_cache *cache, const uint8_t *code,
                   size_t code_len, const char *method, struct logic_outcome *out);

/* The engine configuration NEAR contracts run with under cfg (borrowed): vm_config_near plus
 * cfg's op cost, memory and stack limits. Use it for the vm_cache passed to logic_run_code. */
void logic_vm_config(const struct config_runtime *cfg, struct vm_config *out);

/* Frees everything the outcome owns and zeroes it. Safe on a zeroed outcome. */
void logic_outcome_fini(struct logic_outcome *out);

/* nearcore's variant name of an error kind ("GuestPanic"); "?" when out of range. */
const char *logic_error_name(enum logic_error_kind kind);

/*
 * nearcore's Display text of an error, as RPC shows it inside ExecutionError:
 * "Smart contract panicked: <msg>", "<method> is not allowed in view calls", ...
 * Appended to b. Errors: YB_ETOOBIG (b's cap).
 */
int logic_error_format(const struct logic_error *e, struct yb_buf *b);

/*
 * The FunctionCallError JSON of RPC outcomes, as nearcore converts its VM errors:
 * {"ExecutionError":"<Display>"} for host errors, {"ExecutionError":"Link Error: <msg>"},
 * {"WasmTrap":"Unreachable"}, {"MethodResolveError":"MethodNotFound"},
 * {"CompilationError":{"PrepareError":"Deserialization"}}. Returned (cJSON_Delete); NULL for
 * LOGIC_ERR_NONE.
 */
cJSON *logic_error_to_json(const struct logic_error *e);

#endif
