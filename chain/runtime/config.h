/*
 * config.h — every cost and limit parameter of the NEAR runtime, in one struct.
 *
 * The numbers are nearcore's (core/parameters/res/runtime_configs/parameters.snap and the
 * protocol-version overlays 67/73/83/85.yaml, as recorded in shared/reference/nep519.md §2 and
 * wasm.md §5). config_default() gives the values of the protocol version we emulate
 * (CONFIG_PROTOCOL_VERSION); tests and the node may change fields afterwards (for example the
 * yield timeout length), the struct is plain data.
 *
 * Gas is u64 (NEAR's `Gas`); balances are u128 yoctoNEAR (yb_u128 from codec.h).
 *
 * Thread rules: a config is immutable once built and may be shared by any number of threads.
 */
#ifndef YB_RUNTIME_CONFIG_H
#define YB_RUNTIME_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"

/* The nearcore protocol version whose parameters and host functions we reproduce. */
#define CONFIG_PROTOCOL_VERSION 86
/* promise_yield_create_with_id / promise_yield_resume_with_yield_id exist from here on. */
#define CONFIG_PV_YIELD_WITH_ID 85

/*
 * Host-function costs (nearcore's ExtCosts). X(ENUM_SUFFIX, "nearcore_name", gas).
 * The order is nearcore's; the names are the ones its gas profiles print.
 */
#define CONFIG_EXT_COST_LIST                                                                       \
    X(BASE, "base", 264768111ULL)                                                                  \
    X(CONTRACT_LOADING_BASE, "contract_loading_base", 35445963ULL)                                 \
    X(CONTRACT_LOADING_BYTES, "contract_loading_bytes", 1089295ULL)                                \
    X(READ_MEMORY_BASE, "read_memory_base", 2609863200ULL)                                         \
    X(READ_MEMORY_BYTE, "read_memory_byte", 3801333ULL)                                            \
    X(WRITE_MEMORY_BASE, "write_memory_base", 2803794861ULL)                                       \
    X(WRITE_MEMORY_BYTE, "write_memory_byte", 2723772ULL)                                          \
    X(READ_REGISTER_BASE, "read_register_base", 2517165186ULL)                                     \
    X(READ_REGISTER_BYTE, "read_register_byte", 98562ULL)                                          \
    X(WRITE_REGISTER_BASE, "write_register_base", 2865522486ULL)                                   \
    X(WRITE_REGISTER_BYTE, "write_register_byte", 3801564ULL)                                      \
    X(UTF8_DECODING_BASE, "utf8_decoding_base", 3111779061ULL)                                     \
    X(UTF8_DECODING_BYTE, "utf8_decoding_byte", 291580479ULL)                                      \
    X(UTF16_DECODING_BASE, "utf16_decoding_base", 3543313050ULL)                                   \
    X(UTF16_DECODING_BYTE, "utf16_decoding_byte", 163577493ULL)                                    \
    X(SHA256_BASE, "sha256_base", 4540970250ULL)                                                   \
    X(SHA256_BYTE, "sha256_byte", 24117351ULL)                                                     \
    X(KECCAK256_BASE, "keccak256_base", 5879491275ULL)                                             \
    X(KECCAK256_BYTE, "keccak256_byte", 21471105ULL)                                               \
    X(KECCAK512_BASE, "keccak512_base", 5811388236ULL)                                             \
    X(KECCAK512_BYTE, "keccak512_byte", 36649701ULL)                                               \
    X(RIPEMD160_BASE, "ripemd160_base", 853675086ULL)                                              \
    X(RIPEMD160_BLOCK, "ripemd160_block", 680107584ULL)                                            \
    X(ED25519_VERIFY_BASE, "ed25519_verify_base", 210000000000ULL)                                 \
    X(ED25519_VERIFY_BYTE, "ed25519_verify_byte", 9000000ULL)                                      \
    X(LOG_BASE, "log_base", 3543313050ULL)                                                         \
    X(LOG_BYTE, "log_byte", 13198791ULL)                                                           \
    X(STORAGE_WRITE_BASE, "storage_write_base", 64196736000ULL)                                    \
    X(STORAGE_WRITE_KEY_BYTE, "storage_write_key_byte", 70482867ULL)                               \
    X(STORAGE_WRITE_VALUE_BYTE, "storage_write_value_byte", 31018539ULL)                           \
    X(STORAGE_WRITE_EVICTED_BYTE, "storage_write_evicted_byte", 32117307ULL)                       \
    X(STORAGE_READ_BASE, "storage_read_base", 56356845750ULL)                                      \
    X(STORAGE_READ_KEY_BYTE, "storage_read_key_byte", 30952533ULL)                                 \
    X(STORAGE_READ_VALUE_BYTE, "storage_read_value_byte", 5611005ULL)                              \
    X(STORAGE_REMOVE_BASE, "storage_remove_base", 53473030500ULL)                                  \
    X(STORAGE_REMOVE_KEY_BYTE, "storage_remove_key_byte", 38220384ULL)                             \
    X(STORAGE_REMOVE_RET_VALUE_BYTE, "storage_remove_ret_value_byte", 11531556ULL)                 \
    X(STORAGE_HAS_KEY_BASE, "storage_has_key_base", 54039896625ULL)                                \
    X(STORAGE_HAS_KEY_BYTE, "storage_has_key_byte", 30790845ULL)                                   \
    X(TOUCHING_TRIE_NODE, "touching_trie_node", 16101955926ULL)                                    \
    X(READ_CACHED_TRIE_NODE, "read_cached_trie_node", 2280000000ULL)                               \
    X(PROMISE_AND_BASE, "promise_and_base", 1465013400ULL)                                         \
    X(PROMISE_AND_PER_PROMISE, "promise_and_per_promise", 5452176ULL)                              \
    X(PROMISE_RETURN, "promise_return", 560152386ULL)                                              \
    X(YIELD_CREATE_BASE, "yield_create_base", 153411779276ULL)                                     \
    X(YIELD_CREATE_BYTE, "yield_create_byte", 15643988ULL)                                         \
    X(YIELD_CREATE_WITH_ID_BASE, "yield_create_with_id_base", 290000000000ULL)                     \
    X(YIELD_RESUME_BASE, "yield_resume_base", 1195627285210ULL)                                    \
    X(YIELD_RESUME_BYTE, "yield_resume_byte", 47683715ULL)                                         \
    X(VALIDATOR_STAKE_BASE, "validator_stake_base", 911834726400ULL)                               \
    X(VALIDATOR_TOTAL_STAKE_BASE, "validator_total_stake_base", 911834726400ULL)                   \
    X(ECRECOVER_BASE, "ecrecover_base", 278821988457ULL)

enum config_ext_cost {
#define X(name, str, gas) CONFIG_EXT_##name,
    CONFIG_EXT_COST_LIST
#undef X
        CONFIG_EXT__COUNT
};

/*
 * Action and receipt fees (nearcore's RuntimeFeesConfig). Each has a send part, which depends
 * on whether sender is receiver ("sir"), and an execution part.
 */
#define CONFIG_FEE_LIST                                                                            \
    X(ACTION_RECEIPT_CREATION, "action_receipt_creation", 108059500000ULL, 108059500000ULL,        \
      108059500000ULL)                                                                             \
    X(DATA_RECEIPT_CREATION_BASE, "data_receipt_creation_base", 36486732312ULL, 36486732312ULL,    \
      36486732312ULL)                                                                              \
    X(DATA_RECEIPT_CREATION_PER_BYTE, "data_receipt_creation_per_byte", 17212011ULL, 47683715ULL,  \
      17212011ULL)                                                                                 \
    X(CREATE_ACCOUNT, "action_create_account", 3850000000000ULL, 3850000000000ULL,                 \
      3850000000000ULL)                                                                            \
    X(DELETE_ACCOUNT, "action_delete_account", 147489000000ULL, 147489000000ULL, 147489000000ULL)  \
    X(DEPLOY_CONTRACT, "action_deploy_contract", 184765750000ULL, 184765750000ULL,                 \
      184765750000ULL)                                                                             \
    X(DEPLOY_CONTRACT_PER_BYTE, "action_deploy_contract_per_byte", 6812999ULL, 6812999ULL,         \
      64572944ULL)                                                                                 \
    X(FUNCTION_CALL, "action_function_call", 200000000000ULL, 200000000000ULL, 780000000000ULL)    \
    X(FUNCTION_CALL_PER_BYTE, "action_function_call_per_byte", 2235934ULL, 2235934ULL, 2235934ULL) \
    X(TRANSFER, "action_transfer", 115123062500ULL, 115123062500ULL, 115123062500ULL)              \
    X(STAKE, "action_stake", 141715687500ULL, 141715687500ULL, 102217625000ULL)                    \
    X(ADD_FULL_ACCESS_KEY, "action_add_full_access_key", 101765125000ULL, 101765125000ULL,         \
      101765125000ULL)                                                                             \
    X(ADD_FUNCTION_CALL_KEY, "action_add_function_call_key", 102217625000ULL, 102217625000ULL,     \
      102217625000ULL)                                                                             \
    X(ADD_FUNCTION_CALL_KEY_PER_BYTE, "action_add_function_call_key_per_byte", 1925331ULL,         \
      1925331ULL, 1925331ULL)                                                                      \
    X(DELETE_KEY, "action_delete_key", 94946625000ULL, 94946625000ULL, 94946625000ULL)

enum config_fee_kind {
#define X(name, str, sir, not_sir, exec) CONFIG_FEE_##name,
    CONFIG_FEE_LIST
#undef X
        CONFIG_FEE__COUNT
};

struct config_fee {
    uint64_t send_sir;     /* sender is receiver */
    uint64_t send_not_sir; /* sender is not receiver */
    uint64_t execution;
};

/* Limits of one function call and of contracts (nearcore's LimitConfig). */
struct config_limits {
    uint64_t max_gas_burnt;         /* per function call */
    uint64_t max_total_prepaid_gas; /* per transaction */
    uint64_t max_register_size;     /* bytes in one register */
    uint64_t max_number_registers;
    uint64_t registers_memory_limit; /* all registers, each counting 8 bytes extra */
    uint64_t max_number_logs;
    uint64_t max_total_log_length; /* bytes over all logs of one call */
    uint64_t max_actions_per_receipt;
    uint64_t max_number_bytes_method_names; /* function-call access keys */
    uint64_t max_length_method_name;
    uint64_t max_arguments_length;
    uint64_t max_length_returned_data;
    uint64_t max_contract_size;
    uint64_t max_transaction_size;
    uint64_t max_length_storage_key;
    uint64_t max_length_storage_value;
    uint64_t max_promises_per_function_call_action;
    uint64_t max_number_input_data_dependencies;
    uint64_t max_yield_payload_size;         /* bytes; over it is HostError YieldPayloadLength */
    uint64_t yield_timeout_length_in_blocks; /* expires_at = height of the creating chunk + this */
    uint64_t initial_memory_pages;           /* 64 KiB pages every contract starts with */
    uint64_t max_memory_pages;
    uint64_t max_stack_height; /* bytes, finite-wasm's count */
    uint64_t max_functions_number_per_contract;
    uint64_t max_locals_per_contract;
};

struct config_runtime {
    uint32_t protocol_version; /* host functions are gated by it (see CONFIG_PV_*) */
    uint64_t regular_op_cost;  /* gas per wasm instruction */
    uint64_t grow_mem_cost;    /* gas per page grown */
    uint64_t ext[CONFIG_EXT__COUNT];
    struct config_fee fees[CONFIG_FEE__COUNT];
    struct config_limits limits;
    yb_u128 storage_amount_per_byte;         /* yoctoNEAR locked per byte of storage */
    uint64_t storage_num_bytes_account;      /* storage usage of an empty account */
    uint64_t storage_num_extra_bytes_record; /* added per data record and per access key */
    uint64_t burnt_gas_reward_num;           /* share of burnt gas credited to the contract */
    uint64_t burnt_gas_reward_den;
    yb_u128 gas_price; /* fixed price of one gas unit, yoctoNEAR */
    /* NEP-616 (nearcore 2.10): besides the new account kind, input() and promise_result() then
     * hand their bytes to a register without the per-byte write charge. */
    bool deterministic_account_ids;
};

/* Fills *out with the parameters of CONFIG_PROTOCOL_VERSION. out borrowed. */
void config_default(struct config_runtime *out);

/* nearcore's name of an ext cost ("storage_write_base"); "?" for an unknown index. */
const char *config_ext_cost_name(enum config_ext_cost c);
/* nearcore's name of a fee ("action_function_call"); "?" for an unknown index. */
const char *config_fee_name(enum config_fee_kind f);

/* The send part of fee f: send_sir when sir, else send_not_sir. cfg borrowed. */
uint64_t config_fee_send(const struct config_runtime *cfg, enum config_fee_kind f, bool sir);
/* The execution part of fee f. cfg borrowed. */
uint64_t config_fee_exec(const struct config_runtime *cfg, enum config_fee_kind f);

#endif
