/*
 * runtime_logic_config — the parameters of config.h against nearcore's published numbers, and
 * the error names/texts of logic_error.c against nearcore's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "logic.h"

/* Spot checks of values quoted in shared/reference/nep519.md §2 and wasm.md §5. */
static void defaults_match_nearcore(void **state)
{
    struct config_runtime c;
    config_default(&c);
    assert_int_equal(c.protocol_version, 86);
    assert_int_equal(c.regular_op_cost, 822756);
    assert_int_equal(c.ext[CONFIG_EXT_BASE], 264768111ULL);
    assert_int_equal(c.ext[CONFIG_EXT_YIELD_CREATE_BASE], 153411779276ULL);
    assert_int_equal(c.ext[CONFIG_EXT_YIELD_CREATE_BYTE], 15643988ULL);
    assert_int_equal(c.ext[CONFIG_EXT_YIELD_CREATE_WITH_ID_BASE], 290000000000ULL);
    assert_int_equal(c.ext[CONFIG_EXT_YIELD_RESUME_BASE], 1195627285210ULL);
    assert_int_equal(c.ext[CONFIG_EXT_YIELD_RESUME_BYTE], 47683715ULL);
    assert_int_equal(c.ext[CONFIG_EXT_PROMISE_RETURN], 560152386ULL);
    assert_int_equal(c.ext[CONFIG_EXT_PROMISE_AND_BASE], 1465013400ULL);
    assert_int_equal(c.ext[CONFIG_EXT_PROMISE_AND_PER_PROMISE], 5452176ULL);
    assert_int_equal(config_fee_send(&c, CONFIG_FEE_ACTION_RECEIPT_CREATION, true),
                     108059500000ULL);
    assert_int_equal(config_fee_exec(&c, CONFIG_FEE_ACTION_RECEIPT_CREATION), 108059500000ULL);
    assert_int_equal(config_fee_send(&c, CONFIG_FEE_DATA_RECEIPT_CREATION_PER_BYTE, true),
                     17212011ULL);
    assert_int_equal(config_fee_send(&c, CONFIG_FEE_DATA_RECEIPT_CREATION_PER_BYTE, false),
                     47683715ULL);
    assert_int_equal(config_fee_send(&c, CONFIG_FEE_FUNCTION_CALL, false), 200000000000ULL);
    assert_int_equal(config_fee_exec(&c, CONFIG_FEE_FUNCTION_CALL), 780000000000ULL);
    assert_int_equal(config_fee_exec(&c, CONFIG_FEE_DEPLOY_CONTRACT_PER_BYTE), 64572944ULL);
    assert_int_equal(c.limits.max_gas_burnt, 1000000000000000ULL);
    assert_int_equal(c.limits.max_total_prepaid_gas, 1000000000000000ULL);
    assert_int_equal(c.limits.max_yield_payload_size, 1024);
    assert_int_equal(c.limits.yield_timeout_length_in_blocks, 200);
    assert_int_equal(c.limits.max_promises_per_function_call_action, 1024);
    assert_int_equal(c.limits.max_number_input_data_dependencies, 128);
    assert_int_equal(c.limits.max_number_registers, 100);
    assert_int_equal(c.limits.max_register_size, 104857600);
    assert_int_equal(c.limits.registers_memory_limit, 1073741824);
    assert_int_equal(c.limits.max_number_logs, 100);
    assert_int_equal(c.limits.max_total_log_length, 16384);
    assert_int_equal(c.limits.max_length_storage_key, 2048);
    assert_int_equal(c.limits.max_length_storage_value, 4194304);
    assert_int_equal(c.limits.max_length_returned_data, 4194304);
    assert_int_equal(c.limits.initial_memory_pages, 1024);
    assert_int_equal(c.limits.max_memory_pages, 2048);
    assert_int_equal(c.limits.max_stack_height, 262144);
    assert_int_equal(c.storage_num_extra_bytes_record, 40);
    assert_int_equal(c.burnt_gas_reward_num * 10, c.burnt_gas_reward_den * 3);
    assert_true(c.storage_amount_per_byte == (yb_u128)10000000000000000000ULL);
}

/* Every ext cost and fee has nearcore's name and a non-zero price. */
static void every_parameter_named_and_priced(void **state)
{
    struct config_runtime c;
    config_default(&c);
    for (int i = 0; i < CONFIG_EXT__COUNT; i++) {
        assert_string_not_equal(config_ext_cost_name((enum config_ext_cost)i), "?");
        assert_true(c.ext[i] > 0);
    }
    for (int i = 0; i < CONFIG_FEE__COUNT; i++) {
        assert_string_not_equal(config_fee_name((enum config_fee_kind)i), "?");
        assert_true(c.fees[i].execution > 0);
    }
    assert_string_equal(config_ext_cost_name(CONFIG_EXT_STORAGE_WRITE_BASE), "storage_write_base");
    assert_string_equal(config_fee_name(CONFIG_FEE_FUNCTION_CALL), "action_function_call");
    assert_string_equal(config_ext_cost_name(CONFIG_EXT__COUNT), "?");
}

static char *format(const struct logic_error *e)
{
    static char text[512];
    struct yb_buf b;
    yb_buf_init(&b, sizeof(text) - 1);
    assert_int_equal(logic_error_format(e, &b), 0);
    memcpy(text, b.data ? (const char *)b.data : "", b.len);
    text[b.len] = '\0';
    yb_buf_fini(&b);
    return text;
}

/* The texts RPC users see, as nearcore's Display prints them. */
static void error_texts_match_nearcore(void **state)
{
    struct logic_error e = {.kind = LOGIC_ERR_GUEST_PANIC, .msg = "boom"};
    assert_string_equal(format(&e), "Smart contract panicked: boom");
    e = (struct logic_error){.kind = LOGIC_ERR_PROHIBITED_IN_VIEW, .msg = "storage_write"};
    assert_string_equal(format(&e), "storage_write is not allowed in view calls");
    e = (struct logic_error){.kind = LOGIC_ERR_INVALID_REGISTER_ID, .a = 7};
    assert_string_equal(format(&e), "Accessed invalid register id: 7");
    e = (struct logic_error){.kind = LOGIC_ERR_GAS_EXCEEDED};
    assert_string_equal(format(&e), "Exceeded the prepaid gas.");
    e = (struct logic_error){.kind = LOGIC_ERR_WASM_TRAP, .trap = VM_TRAP_UNREACHABLE};
    assert_string_equal(format(&e), "WebAssembly trap: An `unreachable` opcode was executed.");
    e = (struct logic_error){.kind = LOGIC_ERR_KEY_LENGTH_EXCEEDED, .a = 2049, .b = 2048};
    assert_string_equal(format(&e), "The length of a storage key 2049 exceeds the limit 2048");
    e = (struct logic_error){.kind = LOGIC_ERR_YIELD_PAYLOAD_LENGTH, .a = 1025, .b = 1024};
    assert_string_equal(format(&e),
                        "Yield resume payload is 1025 bytes which exceeds the 1024 byte limit");
    e = (struct logic_error){.kind = LOGIC_ERR_DATA_ID_MALFORMED};
    assert_string_equal(format(&e), "yield resumption token is malformed");
    e = (struct logic_error){.kind = LOGIC_ERR_COMPILATION, .msg = "Deserialization"};
    assert_string_equal(format(&e), "PrepareError: Error happened while deserializing the module.");
}

static char *json_of(const struct logic_error *e)
{
    static char text[512];
    cJSON *j = logic_error_to_json(e);
    assert_non_null(j);
    char *s = cJSON_PrintUnformatted(j);
    strncpy(text, s, sizeof(text) - 1);
    cJSON_free(s);
    cJSON_Delete(j);
    return text;
}

/* near-rpc.md §8.9: host errors travel as ExecutionError strings, the rest keep their shape. */
static void error_json_shapes(void **state)
{
    struct logic_error e = {.kind = LOGIC_ERR_GUEST_PANIC, .msg = "x"};
    assert_string_equal(json_of(&e), "{\"ExecutionError\":\"Smart contract panicked: x\"}");
    e = (struct logic_error){.kind = LOGIC_ERR_METHOD_NOT_FOUND};
    assert_string_equal(json_of(&e), "{\"MethodResolveError\":\"MethodNotFound\"}");
    e = (struct logic_error){.kind = LOGIC_ERR_LINK, .msg = "env.foo"};
    assert_string_equal(json_of(&e), "{\"ExecutionError\":\"Link Error: env.foo\"}");
    e = (struct logic_error){.kind = LOGIC_ERR_WASM_TRAP, .trap = VM_TRAP_DIV_ZERO};
    assert_string_equal(json_of(&e), "{\"WasmTrap\":\"IllegalArithmetic\"}");
    e = (struct logic_error){.kind = LOGIC_ERR_COMPILATION, .msg = "Deserialization"};
    assert_string_equal(json_of(&e),
                        "{\"CompilationError\":{\"PrepareError\":\"Deserialization\"}}");
    e = (struct logic_error){.kind = LOGIC_ERR_NONE};
    assert_null(logic_error_to_json(&e));
    assert_string_equal(logic_error_name(LOGIC_ERR_YIELD_PAYLOAD_LENGTH), "YieldPayloadLength");
    assert_string_equal(logic_error_name(LOGIC_ERR_DATA_ID_MALFORMED), "DataIdMalformed");
    assert_string_equal(logic_error_name(LOGIC_ERR__COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_match_nearcore),
        cmocka_unit_test(every_parameter_named_and_priced),
        cmocka_unit_test(error_texts_match_nearcore),
        cmocka_unit_test(error_json_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
