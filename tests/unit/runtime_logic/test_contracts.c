/*
 * runtime_logic_contracts — the real contracts of contracts/ (built to ${YB_CONTRACTS_DIR}) run
 * call by call through logic_run over the in-memory ext: yield_echo's yield, resume and
 * callback as the runtime will sequence them, the host errors it provokes on purpose, and that
 * every contract's imports link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "crypto.h"
#include "err.h"
#include "logic.h"
#include "logic_mem_ext.h"
#include "vm.h"

#define TGAS 1000000000000ULL
#define ME   "echo.test.near"

struct fx {
    struct config_runtime cfg;
    struct vm_cache *cache;
    uint8_t *code;
    size_t code_len;
    struct mem_ext *ext;
    struct logic_ctx ctx;
    struct logic_outcome out;
};

static uint8_t *read_contract(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.wasm", YB_CONTRACTS_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_msg("cannot open %s", path);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static int setup(void **state)
{
    assert_int_equal(crypto_init(), 0);
    struct fx *f = calloc(1, sizeof(*f));
    config_default(&f->cfg);
    struct vm_config vc;
    logic_vm_config(&f->cfg, &vc);
    assert_int_equal(vm_cache_new(&vc, 8, &f->cache), YB_OK);
    f->code = read_contract("yield_echo", &f->code_len);
    f->ext = malloc(sizeof(*f->ext));
    mem_ext_init(f->ext);
    struct logic_ctx *c = &f->ctx;
    c->config = &f->cfg;
    c->current_account_id = ME;
    c->predecessor_account_id = "user.test.near";
    c->signer_account_id = "user.test.near";
    c->block_height = 42;
    c->account_balance = (yb_u128)1000000000000000000ULL * 1000000ULL;
    c->prepaid_gas = 100 * TGAS;
    memset(c->action_hash, 0x5A, LOGIC_HASH_LEN);
    c->ext = &mem_ext_ops;
    c->ext_ctx = f->ext;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    logic_outcome_fini(&f->out);
    vm_cache_free(f->cache);
    free(f->code);
    mem_ext_fini(f->ext);
    free(f->ext);
    free(f);
    return 0;
}

static struct logic_outcome *call(struct fx *f, const char *method, const char *json)
{
    logic_outcome_fini(&f->out);
    f->ctx.input = (const uint8_t *)json;
    f->ctx.input_len = strlen(json);
    assert_int_equal(logic_run_code(&f->ctx, f->cache, f->code, f->code_len, method, &f->out),
                     YB_OK);
    return &f->out;
}

static void assert_ok(const struct logic_outcome *o)
{
    if (o->error.kind != LOGIC_ERR_NONE) {
        fail_msg("call failed: %s (%s)", logic_error_name(o->error.kind),
                 o->error.msg ? o->error.msg : "");
    }
}

static void assert_returns(const struct logic_outcome *o, const char *text)
{
    assert_ok(o);
    assert_int_equal(o->return_kind, LOGIC_RETURN_VALUE);
    assert_int_equal(o->return_len, strlen(text));
    assert_memory_equal(o->return_data, text, o->return_len);
}

/* yield → the promise is returned, the data id logged, status Yielded; resume → 1 and a
 * PromiseResume payload; the callback sees the payload; then failure on timeout. */
static void yield_resume_callback_cycle(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = call(f, "yield", "{\"tag\":\"t1\"}");
    assert_ok(o);
    assert_int_equal(o->n_yields, 1);
    assert_int_equal(o->return_kind, LOGIC_RETURN_RECEIPT);
    assert_true(o->receipts[o->return_receipt_index].is_yield);
    uint8_t data_id[32];
    memcpy(data_id, o->yields[0], 32);
    char b58[64];
    assert_int_equal(base58_encode(data_id, 32, b58, sizeof(b58)), 0);
    char want_log[80];
    snprintf(want_log, sizeof(want_log), "data_id=%s", b58);
    assert_int_equal(o->n_logs, 1);
    assert_string_equal(o->logs[0], want_log);
    assert_int_equal(mem_ext_status(f->ext, ME, data_id), LOGIC_YIELD_YIELDED);
    /* the callback's arguments, as the yield receipt will carry them */
    const struct tx_action *cb = &o->receipts[0].actions[0];
    assert_string_equal(cb->u.call.method_name, "on_resume");
    char *cb_args = strndup((const char *)cb->u.call.args, cb->u.call.args_len);

    char args[256];
    snprintf(args, sizeof(args), "{\"data_id\":\"%s\",\"payload\":\"hello\"}", b58);
    o = call(f, "resume", args);
    assert_returns(o, "1");
    assert_int_equal(o->n_resumes, 1);
    assert_int_equal(o->resumes[0].len, 5);
    assert_int_equal(mem_ext_status(f->ext, ME, data_id), LOGIC_YIELD_RESUME_INITIATED);

    /* The callback runs as a self call with the payload as promise result 0. */
    f->ctx.predecessor_account_id = ME;
    struct logic_promise_result r = {LOGIC_PROMISE_SUCCESSFUL, (const uint8_t *)"hello", 5};
    f->ctx.promise_results = &r;
    f->ctx.n_promise_results = 1;
    o = call(f, "on_resume", cb_args);
    assert_returns(o, "{\"status\":1,\"payload\":\"hello\",\"payload_hex\":\"68656c6c6f\","
                      "\"payload_len\":5,\"tag\":\"t1\"}");
    r.status = LOGIC_PROMISE_FAILED;
    o = call(f, "on_resume", cb_args);
    assert_returns(o, "{\"status\":2,\"payload\":null,\"tag\":\"t1\"}");
    free(cb_args);
}

static void resume_of_unknown_id_returns_0(void **state)
{
    char args[256];
    uint8_t id[32] = {1, 2, 3};
    char b58[64];
    base58_encode(id, 32, b58, sizeof(b58));
    snprintf(args, sizeof(args), "{\"data_id\":\"%s\",\"payload\":\"x\"}", b58);
    struct logic_outcome *o = call(*state, "resume", args);
    assert_returns(o, "0");
    assert_int_equal(o->n_resumes, 0);
}

static void yield_and_resume_in_one_call_logs_1(void **state)
{
    struct logic_outcome *o = call(*state, "yield_and_resume", "{\"payload\":\"p\"}");
    assert_ok(o);
    assert_int_equal(o->n_logs, 2);
    assert_string_equal(o->logs[1], "resume=1");
    assert_int_equal(o->n_resumes, 1);
}

static void deliberate_host_errors(void **state)
{
    struct fx *f = *state;
    assert_ok(call(f, "yield", "{}"));
    char b58[64], args[256];
    base58_encode(f->out.yields[0], 32, b58, sizeof(b58));
    snprintf(args, sizeof(args), "{\"data_id\":\"%s\"}", b58);
    assert_int_equal(call(f, "resume_oversized", args)->error.kind, LOGIC_ERR_YIELD_PAYLOAD_LENGTH);
    assert_int_equal(call(f, "resume_malformed", "{}")->error.kind, LOGIC_ERR_DATA_ID_MALFORMED);
    assert_int_equal(call(f, "resume_with_id_malformed", "{}")->error.kind,
                     LOGIC_ERR_YIELD_ID_MALFORMED);
}

static void create_with_id_twice(void **state)
{
    struct fx *f = *state;
    uint8_t yid[32];
    memset(yid, 7, 32);
    char b58[64], args[256];
    base58_encode(yid, 32, b58, sizeof(b58));
    snprintf(args, sizeof(args), "{\"yield_id\":\"%s\"}", b58);
    struct logic_outcome *o = call(f, "create_with_id", args);
    assert_ok(o);
    assert_int_equal(o->return_kind, LOGIC_RETURN_RECEIPT);
    assert_returns(call(f, "create_with_id", args), "{\"created\":false}");
    snprintf(args, sizeof(args), "{\"yield_id\":\"%s\",\"payload\":\"a\"}", b58);
    assert_returns(call(f, "resume_with_id", args), "1");
}

/* Every contract we ship links against our env (no LinkError) — checked by calling a method
 * that does not exist: instantiation happens first, so a link failure would show instead. */
static void every_contract_links(void **state)
{
    struct fx *f = *state;
    static const char *const names[] = {"assistant", "counter", "xcc", "yield_echo"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t len;
        uint8_t *code = read_contract(names[i], &len);
        logic_outcome_fini(&f->out);
        assert_int_equal(logic_run_code(&f->ctx, f->cache, code, len, "no_such_method", &f->out),
                         YB_OK);
        if (f->out.error.kind != LOGIC_ERR_METHOD_NOT_FOUND) {
            fail_msg("%s: %s (%s)", names[i], logic_error_name(f->out.error.kind),
                     f->out.error.msg ? f->out.error.msg : "");
        }
        free(code);
    }
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(yield_resume_callback_cycle),
        T(resume_of_unknown_id_returns_0),
        T(yield_and_resume_in_one_call_logs_1),
        T(deliberate_host_errors),
        T(create_with_id_twice),
        T(every_contract_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
