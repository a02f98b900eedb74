/*
 * test_vm_gas.c — gas metering: exact fees of straight-line code, loops, calls and br_table
 * (op cost 1, so fees count instructions), out of gas before the block that does not fit (and
 * none of that block's effects visible), bulk-memory and host-function charges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "vm.h"
#include "vm_test_util.h"

struct fixture {
    struct vm_config cfg;
    struct vm_module *mod;
    struct vm_store *store;
    struct vm_instance *inst;
    int abort_payload;
};

static int host_burn(struct vm_call *call, void *ctx, const union vm_value *args,
                     union vm_value *results)
{
    return vm_call_charge_gas(call, args[0].i64);
}

static int host_abort(struct vm_call *call, void *ctx, const union vm_value *args,
                      union vm_value *results)
{
    struct fixture *fx = ctx;
    return vm_call_trap(call, (int)args[0].i32, &fx->abort_payload, "aborted with %u", args[0].i32);
}

static const uint8_t i64_param[] = {VM_I64};
static const uint8_t i32_param[] = {VM_I32};

static int setup(void **state)
{
    static struct fixture fx;
    memset(&fx, 0, sizeof(fx));
    vm_config_default(&fx.cfg);
    fx.cfg.op_cost = 1;
    fx.cfg.bulk_base_cost = 100;
    fx.cfg.bulk_unit_cost = 2;
    fx.mod = vm_test_load(&fx.cfg, "gas");
    assert_int_equal(vm_store_new(&fx.cfg, &fx.store), YB_OK);
    const struct vm_host_binding bindings[] = {
        {"host", "burn", {1, 0, i64_param, NULL}, host_burn, &fx},
        {"host", "abort", {1, 0, i32_param, NULL}, host_abort, &fx},
    };
    struct vm_bindings b = {bindings, 2};
    struct vm_error err;
    assert_int_equal(
        vm_instance_new(fx.store, fx.mod, vm_bindings_resolve, &b, &fx.inst, &err, NULL), YB_OK);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    vm_store_free(fx->store);
    vm_module_release(fx->mod);
    return 0;
}

/* Call export `name` with one i32/i64 argument (or none) under a fresh gas limit. */
static int call(struct fixture *fx, const char *name, uint64_t limit, const union vm_value *arg,
                uint32_t nresults, union vm_value *result, struct vm_trap *trap)
{
    vm_store_set_gas(fx->store, limit);
    return vm_instance_invoke(fx->inst, name, arg, arg != NULL ? 1 : 0, result, nresults, trap);
}

static void straight_line_fee_is_instruction_count(void **state)
{
    struct fixture *fx = *state;
    union vm_value r;
    assert_int_equal(call(fx, "straight", 1000, NULL, 1, &r, NULL), YB_OK);
    assert_int_equal(r.i32, 3);
    assert_int_equal(vm_store_gas_used(fx->store), 3);
}

static void loop_pays_its_block_every_iteration(void **state)
{
    struct fixture *fx = *state;
    const uint32_t ns[] = {1, 2, 10, 1000};
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        union vm_value a = {.i32 = ns[i]};
        assert_int_equal(call(fx, "loop", UINT64_MAX / 2, &a, 0, NULL, NULL), YB_OK);
        assert_int_equal(vm_store_gas_used(fx->store), 1 + 5 * (uint64_t)ns[i]);
    }
}

static void calls_charge_caller_and_callee(void **state)
{
    struct fixture *fx = *state;
    union vm_value r;
    assert_int_equal(call(fx, "calls", 1000, NULL, 1, &r, NULL), YB_OK);
    assert_int_equal(r.i32, 14);
    assert_int_equal(vm_store_gas_used(fx->store), 5);
}

static void br_table_charges_the_path_taken(void **state)
{
    struct fixture *fx = *state;
    const struct {
        uint32_t index, result;
        uint64_t fee;
    } cases[] = {{0, 10, 4}, {1, 20, 4}, {2, 30, 3}, {99, 30, 3}, {UINT32_MAX, 30, 3}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        union vm_value a = {.i32 = cases[i].index}, r;
        assert_int_equal(call(fx, "table", 1000, &a, 1, &r, NULL), YB_OK);
        assert_int_equal(r.i32, cases[i].result);
        assert_int_equal(vm_store_gas_used(fx->store), cases[i].fee);
    }
}

static void out_of_gas_before_the_block_that_does_not_fit(void **state)
{
    struct fixture *fx = *state;
    uint8_t *mem = vm_memory_data(vm_instance_memory(fx->inst));
    memset(mem, 0, 8);
    union vm_value a = {.i32 = 0};
    struct vm_trap trap;
    /* Block A costs 5, block B 3: with 7, A runs and B never starts. */
    assert_int_equal(call(fx, "two_blocks", 7, &a, 0, NULL, &trap), YB_EOUT_OF_GAS);
    assert_int_equal(trap.kind, VM_TRAP_OUT_OF_GAS);
    assert_string_equal(trap.msg, "out of gas");
    assert_int_equal(mem[0], 1);
    assert_int_equal(mem[4], 0);
    assert_int_equal(vm_store_gas_left(fx->store), 0);
    /* With 8 both run. */
    assert_int_equal(call(fx, "two_blocks", 8, &a, 0, NULL, NULL), YB_OK);
    assert_int_equal(mem[4], 2);
    assert_int_equal(vm_store_gas_used(fx->store), 8);
    /* With 4 not even block A starts. */
    memset(mem, 0, 8);
    assert_int_equal(call(fx, "two_blocks", 4, &a, 0, NULL, &trap), YB_EOUT_OF_GAS);
    assert_int_equal(mem[0], 0);
}

static void bulk_memory_charges_base_and_per_byte(void **state)
{
    struct fixture *fx = *state;
    union vm_value a = {.i32 = 50};
    assert_int_equal(call(fx, "fill", 10000, &a, 0, NULL, NULL), YB_OK);
    assert_int_equal(vm_store_gas_used(fx->store), 3 + 100 + 2 * 50);
    /* The block fits (103) but the 100 bytes (200 units) do not: nothing is written. */
    uint8_t *mem = vm_memory_data(vm_instance_memory(fx->inst));
    memset(mem, 0, 200);
    a.i32 = 100;
    struct vm_trap trap;
    assert_int_equal(call(fx, "fill", 103 + 199, &a, 0, NULL, &trap), YB_EOUT_OF_GAS);
    assert_int_equal(trap.kind, VM_TRAP_OUT_OF_GAS);
    assert_int_equal(mem[0], 0);
}

static void host_functions_charge_gas_and_abort(void **state)
{
    struct fixture *fx = *state;
    union vm_value a = {.i64 = 40};
    assert_int_equal(call(fx, "burn", 100, &a, 0, NULL, NULL), YB_OK);
    assert_int_equal(vm_store_gas_used(fx->store), 2 + 40);
    struct vm_trap trap;
    a.i64 = 99;
    assert_int_equal(call(fx, "burn", 100, &a, 0, NULL, &trap), YB_EOUT_OF_GAS);
    assert_int_equal(trap.kind, VM_TRAP_OUT_OF_GAS);
    assert_int_equal(vm_store_gas_left(fx->store), 0);

    a.i32 = 42;
    assert_int_equal(call(fx, "abort", 100, &a, 0, NULL, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_HOST);
    assert_int_equal(trap.host_code, 42);
    assert_ptr_equal(trap.host_payload, &fx->abort_payload);
    assert_string_equal(trap.msg, "aborted with 42");
    assert_int_not_equal(trap.func_index, UINT32_MAX);
}

static void near_op_cost_is_the_default(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    assert_int_equal(cfg.op_cost, 822756);
    struct vm_module *m = vm_test_load(&cfg, "limits");
    struct vm_store *s;
    struct vm_instance *inst;
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    assert_int_equal(vm_instance_new(s, m, NULL, NULL, &inst, NULL, NULL), YB_OK);
    vm_store_set_gas(s, UINT64_MAX);
    union vm_value r;
    assert_int_equal(vm_instance_invoke(inst, "size", NULL, 0, &r, 1, NULL), YB_OK);
    assert_int_equal(vm_store_gas_used(s), 822756); /* memory.size; end is free */
    vm_store_free(s);
    vm_module_release(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(straight_line_fee_is_instruction_count, setup, teardown),
        cmocka_unit_test_setup_teardown(loop_pays_its_block_every_iteration, setup, teardown),
        cmocka_unit_test_setup_teardown(calls_charge_caller_and_callee, setup, teardown),
        cmocka_unit_test_setup_teardown(br_table_charges_the_path_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(out_of_gas_before_the_block_that_does_not_fit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bulk_memory_charges_base_and_per_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(host_functions_charge_gas_and_abort, setup, teardown),
        cmocka_unit_test(near_op_cost_is_the_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
