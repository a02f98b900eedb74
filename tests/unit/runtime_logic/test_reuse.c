/*
 * runtime_logic_reuse — consecutive contract calls share one reused linear memory (chain/vm
 * keeps the reservation and clears what a call wrote), so bytes a host function wrote into
 * guest memory in one call (read_register of the input, of a storage_read value) must be gone
 * in the next: a leak would make a call's result depend on the previous call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "err.h"
#include "logic.h"
#include "logic_mem_ext.h"
#include "vm.h"

#define TGAS 1000000000000ULL

struct fx {
    struct config_runtime cfg;
    struct vm_module *module;
    size_t code_len;
    struct mem_ext ext;
    struct logic_ctx ctx;
    struct logic_outcome out;
};

static int setup(void **state)
{
    assert_int_equal(crypto_init(), 0);
    struct fx *f = calloc(1, sizeof(*f));
    config_default(&f->cfg);
    char path[512];
    snprintf(path, sizeof(path), "%s/reuse.wasm", YB_LOGIC_WASM_DIR);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint8_t code[4096];
    f->code_len = fread(code, 1, sizeof(code), fp);
    fclose(fp);
    assert_true(f->code_len > 0 && f->code_len < sizeof(code));
    struct vm_config vc;
    logic_vm_config(&f->cfg, &vc);
    struct vm_error err;
    assert_int_equal(vm_module_load(&vc, code, f->code_len, &f->module, &err), YB_OK);
    mem_ext_init(&f->ext);
    struct logic_ctx *c = &f->ctx;
    c->config = &f->cfg;
    c->current_account_id = "alice.near";
    c->predecessor_account_id = "bob.near";
    c->signer_account_id = "bob.near";
    c->block_height = 100;
    c->account_balance = (yb_u128)10 * 1000000000000000000ULL * 1000000ULL;
    c->prepaid_gas = 300 * TGAS;
    c->storage_usage = 500;
    c->ext = &mem_ext_ops;
    c->ext_ctx = &f->ext;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    logic_outcome_fini(&f->out);
    vm_module_release(f->module);
    mem_ext_fini(&f->ext);
    free(f);
    return 0;
}

static const uint8_t *run(struct fx *f, const char *method, const char *input, size_t want_len)
{
    logic_outcome_fini(&f->out);
    f->ctx.input = (const uint8_t *)input;
    f->ctx.input_len = strlen(input);
    assert_int_equal(logic_run(&f->ctx, f->module, f->code_len, method, &f->out), YB_OK);
    assert_int_equal(f->out.error.kind, LOGIC_ERR_NONE);
    assert_int_equal(f->out.return_kind, LOGIC_RETURN_VALUE);
    assert_int_equal(f->out.return_len, want_len);
    return f->out.return_data;
}

static void register_writes_do_not_reach_the_next_call(void **state)
{
    struct fx *f = *state;
    static const uint8_t zero[16];
    /* A clean memory first, then one dirtied by host writes, then the check, a few times. */
    assert_memory_equal(run(f, "look", "", 16), zero, 16);
    for (int i = 0; i < 3; i++) {
        assert_memory_equal(run(f, "dirty", "abcdefgh", 8), "abcdefgh", 8);
        assert_memory_equal(run(f, "look", "", 16), zero, 16);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(register_writes_do_not_reach_the_next_call, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
