/*
 * config.c — the parameter values of the emulated protocol version. The tables in config.h
 * carry nearcore's numbers; this file only copies them into a struct and adds the scalar
 * parameters, each with the reason it has the value it has.
 */
#include "config.h"

#include <string.h>

static const char *const ext_names[CONFIG_EXT__COUNT] = {
#define X(name, str, gas) [CONFIG_EXT_##name] = str,
    CONFIG_EXT_COST_LIST
#undef X
};

static const char *const fee_names[CONFIG_FEE__COUNT] = {
#define X(name, str, sir, not_sir, exec) [CONFIG_FEE_##name] = str,
    CONFIG_FEE_LIST
#undef X
};

void config_default(struct config_runtime *out)
{
    memset(out, 0, sizeof(*out));
    out->protocol_version = CONFIG_PROTOCOL_VERSION;
    out->regular_op_cost = 822756;
    out->grow_mem_cost = 1;
#define X(name, str, gas) out->ext[CONFIG_EXT_##name] = gas;
    CONFIG_EXT_COST_LIST
#undef X
#define X(name, str, sir, not_sir, exec)                                                           \
    out->fees[CONFIG_FEE_##name] = (struct config_fee){sir, not_sir, exec};
    CONFIG_FEE_LIST
#undef X

    struct config_limits *l = &out->limits;
    /* Both were raised from 300 Tgas to 1 Pgas by protocol 83 (83.yaml). */
    l->max_gas_burnt = 1000000000000000ULL;
    l->max_total_prepaid_gas = 1000000000000000ULL;
    l->max_register_size = 104857600;
    l->max_number_registers = 100;
    l->registers_memory_limit = 1073741824;
    l->max_number_logs = 100;
    l->max_total_log_length = 16384;
    l->max_actions_per_receipt = 100;
    l->max_number_bytes_method_names = 2000;
    l->max_length_method_name = 256;
    l->max_arguments_length = 4194304;
    l->max_length_returned_data = 4194304;
    l->max_contract_size = 4194304;
    l->max_transaction_size = 4194304;
    l->max_length_storage_key = 2048;
    l->max_length_storage_value = 4194304;
    l->max_promises_per_function_call_action = 1024;
    l->max_number_input_data_dependencies = 128;
    l->max_yield_payload_size = 1024;
    l->yield_timeout_length_in_blocks = 200;
    l->initial_memory_pages = 1024;
    l->max_memory_pages = 2048;
    l->max_stack_height = 262144;
    l->max_functions_number_per_contract = 10000;
    l->max_locals_per_contract = 1000000;

    out->storage_amount_per_byte = (yb_u128)10000000000000000000ULL; /* 10^19 yocto = 10 µN */
    out->storage_num_bytes_account = 100;
    out->storage_num_extra_bytes_record = 40;
    out->burnt_gas_reward_num = 3;
    out->burnt_gas_reward_den = 10;
    /* mainnet's minimum gas price, 10^8 yocto per gas (0.0001 NEAR per Tgas); a local chain
     * has no congestion, so the price never moves from its minimum. */
    out->gas_price = 100000000;
    out->deterministic_account_ids = true;
}

const char *config_ext_cost_name(enum config_ext_cost c)
{
    if ((unsigned)c >= CONFIG_EXT__COUNT) {
        return "?";
    }
    return ext_names[c];
}

const char *config_fee_name(enum config_fee_kind f)
{
    if ((unsigned)f >= CONFIG_FEE__COUNT) {
        return "?";
    }
    return fee_names[f];
}

uint64_t config_fee_send(const struct config_runtime *cfg, enum config_fee_kind f, bool sir)
{
    return sir ? cfg->fees[f].send_sir : cfg->fees[f].send_not_sir;
}

uint64_t config_fee_exec(const struct config_runtime *cfg, enum config_fee_kind f)
{
    return cfg->fees[f].execution;
}
