/*
 * runtime_logic_host — the env host functions through a real wasm module (wat/host.wat) run by
 * logic_run over the in-memory ext of tests/support/logic_mem_ext.c: register semantics,
 * storage return codes and usage, view prohibitions, logs and their limits, panics and
 * AssemblyScript's abort, hashes, promises and their data ids, gas weights, yield/resume
 * (nep519 §3) and the errors nearcore names for each misuse.
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
#define ME   "alice.near"

struct fx {
    struct config_runtime cfg;
    struct vm_module *module; /* host.wasm */
    size_t code_len;
    struct vm_module *actions; /* actions.wasm */
    size_t actions_len;
    struct mem_ext *ext;
    struct logic_ctx ctx;
    struct logic_outcome out;
};

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static struct vm_module *load(const struct config_runtime *cfg, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", YB_LOGIC_WASM_DIR, name);
    uint8_t *code = read_file(path, len);
    struct vm_config vc;
    logic_vm_config(cfg, &vc);
    struct vm_module *m = NULL;
    struct vm_error err;
    int rc = vm_module_load(&vc, code, *len, &m, &err);
    if (rc != YB_OK) {
        fail_msg("%s: %s", name, err.msg);
    }
    free(code);
    return m;
}

static int setup(void **state)
{
    assert_int_equal(crypto_init(), 0);
    struct fx *f = calloc(1, sizeof(*f));
    config_default(&f->cfg);
    f->module = load(&f->cfg, "host.wasm", &f->code_len);
    f->actions = load(&f->cfg, "actions.wasm", &f->actions_len);
    f->ext = malloc(sizeof(*f->ext));
    mem_ext_init(f->ext);
    struct logic_ctx *c = &f->ctx;
    c->config = &f->cfg;
    c->current_account_id = ME;
    c->predecessor_account_id = "bob.near";
    c->signer_account_id = "bob.near";
    c->block_height = 100;
    c->block_timestamp = 1700000000000000000ULL;
    c->account_balance = (yb_u128)10 * 1000000000000000000ULL * 1000000ULL; /* 10 NEAR */
    c->prepaid_gas = 300 * TGAS;
    c->storage_usage = 500;
    memset(c->action_hash, 0xAB, LOGIC_HASH_LEN);
    c->ext = &mem_ext_ops;
    c->ext_ctx = f->ext;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    logic_outcome_fini(&f->out);
    vm_module_release(f->module);
    vm_module_release(f->actions);
    mem_ext_fini(f->ext);
    free(f->ext);
    free(f);
    return 0;
}

/* Runs method with input; the outcome stays in f->out until the next run. */
static struct logic_outcome *run(struct fx *f, const char *method, const void *input, size_t len)
{
    logic_outcome_fini(&f->out);
    f->ctx.input = input;
    f->ctx.input_len = len;
    assert_int_equal(logic_run(&f->ctx, f->module, f->code_len, method, &f->out), YB_OK);
    return &f->out;
}

/* The same on actions.wasm. */
static struct logic_outcome *run_actions(struct fx *f, const char *method)
{
    logic_outcome_fini(&f->out);
    f->ctx.input = NULL;
    f->ctx.input_len = 0;
    assert_int_equal(logic_run(&f->ctx, f->actions, f->actions_len, method, &f->out), YB_OK);
    return &f->out;
}

static struct logic_outcome *run_str(struct fx *f, const char *method, const char *input)
{
    return run(f, method, input, strlen(input));
}

static void assert_ok(const struct logic_outcome *o)
{
    if (o->error.kind != LOGIC_ERR_NONE) {
        fail_msg("call failed: %s (%s)", logic_error_name(o->error.kind),
                 o->error.msg ? o->error.msg : "");
    }
}

static void assert_error(const struct logic_outcome *o, enum logic_error_kind k)
{
    if (o->error.kind != k) {
        fail_msg("expected %s, got %s", logic_error_name(k), logic_error_name(o->error.kind));
    }
}

static uint64_t ret_u64(const struct logic_outcome *o, size_t i)
{
    assert_int_equal(o->return_kind, LOGIC_RETURN_VALUE);
    assert_true(o->return_len >= 8 * (i + 1));
    uint64_t v;
    memcpy(&v, o->return_data + 8 * i, 8);
    return v;
}

static void expected_data_id(const struct fx *f, uint64_t counter, uint8_t out[32])
{
    uint8_t buf[48];
    memcpy(buf, f->ctx.action_hash, 32);
    for (int i = 0; i < 8; i++) {
        buf[32 + i] = (uint8_t)(f->ctx.block_height >> (8 * i));
        buf[40 + i] = (uint8_t)(counter >> (8 * i));
    }
    crypto_sha256(buf, sizeof(buf), out);
}

/* ---- registers and context ---- */

static void value_return_from_register(void **state)
{
    struct logic_outcome *o = run_str(*state, "echo", "hello");
    assert_ok(o);
    assert_int_equal(o->return_len, 5);
    assert_memory_equal(o->return_data, "hello", 5);
    assert_true(o->burnt_gas > 0);
    assert_int_equal(o->burnt_gas, o->used_gas);
}

static void unused_register_len_is_u64_max(void **state)
{
    struct logic_outcome *o = run_str(*state, "unused_register_len", "");
    assert_ok(o);
    assert_true(ret_u64(o, 0) == UINT64_MAX);
}

static void reading_unused_register_is_invalid_register_id(void **state)
{
    struct logic_outcome *o = run_str(*state, "read_unused_register", "");
    assert_error(o, LOGIC_ERR_INVALID_REGISTER_ID);
    assert_int_equal(o->error.a, 7);
    assert_int_equal(o->return_kind, LOGIC_RETURN_NONE);
}

static void write_register_then_read_it(void **state)
{
    struct logic_outcome *o = run_str(*state, "write_then_read_register", "");
    assert_ok(o);
    assert_memory_equal(o->return_data, "v1", 2);
}

static void read_register_outside_memory_is_violation(void **state)
{
    assert_error(run_str(*state, "read_register_out_of_bounds", ""),
                 LOGIC_ERR_MEMORY_ACCESS_VIOLATION);
}

static void context_account_and_height(void **state)
{
    struct logic_outcome *o = run_str(*state, "context", "");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), strlen(ME));
    assert_int_equal(ret_u64(o, 1), 100);
}

static void predecessor_is_prohibited_in_view(void **state)
{
    struct fx *f = *state;
    f->ctx.is_view = true;
    struct logic_outcome *o = run_str(f, "context", "");
    assert_error(o, LOGIC_ERR_PROHIBITED_IN_VIEW);
    assert_string_equal(o->error.msg, "predecessor_account_id");
}

static void attached_deposit_is_u128_le(void **state)
{
    struct fx *f = *state;
    f->ctx.attached_deposit = ((yb_u128)1 << 64) + 5;
    struct logic_outcome *o = run_str(f, "deposit", "");
    assert_ok(o);
    assert_int_equal(o->return_len, 16);
    assert_int_equal(ret_u64(o, 0), 5);
    assert_int_equal(ret_u64(o, 1), 1);
}

/* ---- storage ---- */

static void storage_write_new_then_overwrite(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "swrite", "key");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 0);                   /* new key */
    assert_true(ret_u64(o, 1) == UINT64_MAX);             /* register untouched */
    assert_int_equal(o->storage_usage, 500 + 3 + 2 + 40); /* key + value + record overhead */
    const struct mem_ext_kv *kv = mem_ext_get(f->ext, "key", 3);
    assert_non_null(kv);
    assert_memory_equal(kv->val, "v1", 2);

    f->ctx.storage_usage = o->storage_usage;
    o = run_str(f, "swrite", "key");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1);      /* existed */
    assert_int_equal(ret_u64(o, 1), 2);      /* old value in the register */
    assert_int_equal(o->storage_usage, 545); /* same length: unchanged */
}

static void storage_read_remove_has_key(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "sread", "key");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 0);
    assert_true(ret_u64(o, 1) == UINT64_MAX);
    assert_int_equal(ret_u64(run_str(f, "shas", "key"), 0), 0);
    assert_ok(run_str(f, "swrite", "key"));
    f->ctx.storage_usage = f->out.storage_usage;
    o = run_str(f, "sread", "key");
    assert_int_equal(ret_u64(o, 0), 1);
    assert_int_equal(ret_u64(o, 1), 2);
    assert_int_equal(ret_u64(run_str(f, "shas", "key"), 0), 1);
    o = run_str(f, "sremove", "key");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1);
    assert_int_equal(ret_u64(o, 1), 2);
    assert_int_equal(o->storage_usage, 500);
    assert_null(mem_ext_get(f->ext, "key", 3));
    f->ctx.storage_usage = 500;
    o = run_str(f, "sremove", "key");
    assert_int_equal(ret_u64(o, 0), 0);
    assert_int_equal(o->storage_usage, 500);
}

static void storage_write_prohibited_in_view_read_allowed(void **state)
{
    struct fx *f = *state;
    f->ctx.is_view = true;
    struct logic_outcome *o = run_str(f, "swrite", "key");
    assert_error(o, LOGIC_ERR_PROHIBITED_IN_VIEW);
    assert_string_equal(o->error.msg, "storage_write");
    assert_int_equal(f->ext->n_kv, 0);
    assert_ok(run_str(f, "sread", "key"));
    assert_error(run_str(f, "sremove", "key"), LOGIC_ERR_PROHIBITED_IN_VIEW);
    assert_string_equal(f->out.error.msg, "storage_remove");
}

static void storage_key_over_limit(void **state)
{
    uint64_t len = 2049;
    struct logic_outcome *o = run(*state, "swrite_len", &len, 8);
    assert_error(o, LOGIC_ERR_KEY_LENGTH_EXCEEDED);
    assert_int_equal(o->error.a, 2049);
    assert_int_equal(o->error.b, 2048);
    len = 2048;
    assert_ok(run(*state, "swrite_len", &len, 8));
}

/* ---- logs, panics ---- */

static void log_utf8_and_bad_utf8(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "log_input", "hello");
    assert_ok(o);
    assert_int_equal(o->n_logs, 1);
    assert_string_equal(o->logs[0], "hello");
    assert_error(run_str(f, "log_input", "\xff"), LOGIC_ERR_BAD_UTF8);
    o = run(f, "log_nul_terminated", "abc\0zzz", 7);
    assert_ok(o);
    assert_string_equal(o->logs[0], "abc");
}

/* The sandbox debug print costs nothing and never reaches the outcome's logs. */
static void sandbox_debug_log_is_free_and_not_a_receipt_log(void **state)
{
    struct fx *f = *state;
    uint64_t short_run = run_str(f, "debug_log", "a")->burnt_gas;
    struct logic_outcome *o = run_str(f, "debug_log", "abcdefgh");
    assert_ok(o);
    assert_int_equal(o->n_logs, 0);
    /* only the input's path through the registers grows with the text, never a log charge */
    assert_true(o->burnt_gas - short_run < 7 * f->cfg.ext[CONFIG_EXT_LOG_BYTE]);
    assert_error(run_str(f, "debug_log", "\xff"), LOGIC_ERR_BAD_UTF8);
}

static void log_count_limit(void **state)
{
    uint8_t n = 100;
    struct logic_outcome *o = run(*state, "log_many", &n, 1);
    assert_ok(o);
    assert_int_equal(o->n_logs, 100);
    n = 101;
    o = run(*state, "log_many", &n, 1);
    assert_error(o, LOGIC_ERR_NUMBER_OF_LOGS_EXCEEDED);
    assert_int_equal(o->error.b, 100);
    assert_int_equal(o->n_logs, 100); /* logs of a failed call are kept, as on NEAR */
}

static void log_total_length_limit(void **state)
{
    static char big[9001];
    memset(big, 'x', 9000);
    struct logic_outcome *o = run(*state, "log_input_twice", big, 9000);
    assert_error(o, LOGIC_ERR_TOTAL_LOG_LENGTH_EXCEEDED);
    assert_int_equal(o->error.a, 18000);
    assert_int_equal(o->error.b, 16384);
    assert_int_equal(o->n_logs, 1);
}

static void log_utf16_and_lone_surrogate(void **state)
{
    struct logic_outcome *o = run_str(*state, "log_utf16", "");
    assert_ok(o);
    assert_string_equal(o->logs[0], "h\xc3\xa9");
    assert_error(run_str(*state, "log_utf16_lone_surrogate", ""), LOGIC_ERR_BAD_UTF16);
}

static void panics_carry_their_message(void **state)
{
    struct logic_outcome *o = run_str(*state, "panic_input", "it broke");
    assert_error(o, LOGIC_ERR_GUEST_PANIC);
    assert_string_equal(o->error.msg, "it broke");
    o = run_str(*state, "panic_plain", "");
    assert_error(o, LOGIC_ERR_GUEST_PANIC);
    assert_string_equal(o->error.msg, "explicit guest panic");
}

static void assemblyscript_abort_logs_and_panics(void **state)
{
    struct logic_outcome *o = run_str(*state, "abort_as", "");
    assert_error(o, LOGIC_ERR_GUEST_PANIC);
    assert_string_equal(o->error.msg, "hi, filename: \"f.ts\" line: 3 col: 7");
    assert_int_equal(o->n_logs, 1);
    assert_string_equal(o->logs[0], "ABORT: hi, filename: \"f.ts\" line: 3 col: 7");
}

static void wasm_trap_and_out_of_gas(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "trap", "");
    assert_error(o, LOGIC_ERR_WASM_TRAP);
    assert_int_equal(o->error.trap, VM_TRAP_UNREACHABLE);
    f->ctx.prepaid_gas = 10 * TGAS;
    o = run_str(f, "spin", "");
    assert_error(o, LOGIC_ERR_GAS_EXCEEDED);
    assert_int_equal(o->burnt_gas, 10 * TGAS);
    assert_int_equal(o->used_gas, 10 * TGAS);
    /* At the per-call burn limit it is GasLimitExceeded. */
    f->cfg.limits.max_gas_burnt = 5 * TGAS;
    o = run_str(f, "spin", "");
    assert_error(o, LOGIC_ERR_GAS_LIMIT_EXCEEDED);
    assert_int_equal(o->burnt_gas, 5 * TGAS);
}

/* ---- hashes ---- */

static void hashes_of_abc(void **state)
{
    char h[129];
    struct logic_outcome *o = run_str(*state, "sha256", "abc");
    assert_ok(o);
    hex_encode(o->return_data, o->return_len, h, sizeof(h));
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    o = run_str(*state, "keccak256", "abc");
    hex_encode(o->return_data, o->return_len, h, sizeof(h));
    assert_string_equal(h, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    o = run_str(*state, "keccak512", "");
    assert_int_equal(o->return_len, 64);
    o = run_str(*state, "ripemd160", "abc");
    hex_encode(o->return_data, o->return_len, h, sizeof(h));
    assert_string_equal(h, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
}

static void ed25519_verify_good_and_bad(void **state)
{
    uint8_t seed[32] = {7}, pk[32], sk[64], in[64 + 32 + 5];
    crypto_ed25519_from_seed(seed, pk, sk);
    crypto_ed25519_sign(sk, (const uint8_t *)"hello", 5, in);
    memcpy(in + 64, pk, 32);
    memcpy(in + 96, "hello", 5);
    assert_int_equal(ret_u64(run(*state, "ed25519_verify", in, sizeof(in)), 0), 1);
    in[100] ^= 1;
    assert_int_equal(ret_u64(run(*state, "ed25519_verify", in, sizeof(in)), 0), 0);
}

/* ---- promises ---- */

static void promise_then_links_data_ids(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "promise_chain", "");
    assert_ok(o);
    assert_int_equal(o->n_receipts, 2);
    const struct logic_receipt_draft *a = &o->receipts[0], *b = &o->receipts[1];
    assert_string_equal(a->receiver_id, "bob.near");
    assert_int_equal(a->n_actions, 1);
    assert_int_equal(a->actions[0].type, TX_ACTION_FUNCTION_CALL);
    assert_string_equal(a->actions[0].u.call.method_name, "v1");
    assert_int_equal(a->n_output_data_receivers, 1);
    assert_string_equal(a->output_data_receivers[0].receiver_id, ME);
    uint8_t id[32];
    expected_data_id(f, 0, id);
    assert_memory_equal(a->output_data_receivers[0].data_id, id, 32);
    assert_string_equal(b->receiver_id, ME);
    assert_int_equal(b->n_input_data_ids, 1);
    assert_memory_equal(b->input_data_ids[0], id, 32);
    assert_string_equal(b->actions[0].u.call.method_name, "cb");
    assert_int_equal(o->return_kind, LOGIC_RETURN_RECEIPT);
    assert_int_equal(o->return_receipt_index, 1);
    /* The 2 × 10 Tgas attached are used, not burnt. */
    assert_true(o->used_gas >= o->burnt_gas + 20 * TGAS);
}

static void promise_and_joins_two_receipts(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "promise_and", "");
    assert_ok(o);
    assert_int_equal(o->n_receipts, 3);
    uint8_t id0[32], id1[32];
    expected_data_id(f, 0, id0);
    expected_data_id(f, 1, id1);
    assert_int_equal(o->receipts[2].n_input_data_ids, 2);
    assert_memory_equal(o->receipts[2].input_data_ids[0], id0, 32);
    assert_memory_equal(o->receipts[2].input_data_ids[1], id1, 32);
    assert_memory_equal(o->receipts[0].output_data_receivers[0].data_id, id0, 32);
    assert_memory_equal(o->receipts[1].output_data_receivers[0].data_id, id1, 32);
}

static void gas_weights_share_unused_gas(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "weights", "");
    assert_ok(o);
    assert_int_equal(o->used_gas, f->ctx.prepaid_gas); /* everything unused was handed out */
    const struct tx_action *a = o->receipts[0].actions;
    uint64_t extra0 = a[0].u.call.gas - TGAS, extra1 = a[1].u.call.gas - TGAS;
    uint64_t unused = extra0 + extra1;
    assert_int_equal(extra0, unused / 3);      /* weight 1 of 3, rounded down */
    assert_int_equal(extra1, unused - extra0); /* the last weighted action gets the rest */
    assert_int_equal(o->receipts[0].gas_weights[1], 2);
}

static void view_cannot_create_promises(void **state)
{
    struct fx *f = *state;
    f->ctx.is_view = true;
    struct logic_outcome *o = run_str(f, "promise_chain", "");
    assert_error(o, LOGIC_ERR_PROHIBITED_IN_VIEW);
    assert_string_equal(o->error.msg, "promise_batch_create");
}

static void transfer_deducts_balance_or_fails(void **state)
{
    struct fx *f = *state;
    yb_u128 amount = 1000;
    struct logic_outcome *o = run(f, "transfer", &amount, 16);
    assert_ok(o);
    assert_true(o->balance == f->ctx.account_balance - 1000);
    assert_int_equal(o->receipts[0].actions[0].type, TX_ACTION_TRANSFER);
    amount = f->ctx.account_balance + 1;
    o = run(f, "transfer", &amount, 16);
    assert_error(o, LOGIC_ERR_BALANCE_EXCEEDED);
    assert_int_equal(o->n_receipts, 0); /* a failed call leaves no receipts */
    assert_true(o->balance == f->ctx.account_balance);
}

static void promise_results_success_failed_and_missing(void **state)
{
    struct fx *f = *state;
    struct logic_promise_result r = {
        .status = LOGIC_PROMISE_SUCCESSFUL, .data = (const uint8_t *)"xy", .len = 2};
    f->ctx.promise_results = &r;
    f->ctx.n_promise_results = 1;
    struct logic_outcome *o = run_str(f, "results", "");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1);
    assert_int_equal(ret_u64(o, 1), 1);
    assert_int_equal(o->return_len, 18);
    assert_memory_equal(o->return_data + 16, "xy", 2);
    r.status = LOGIC_PROMISE_FAILED;
    o = run_str(f, "results", "");
    assert_int_equal(ret_u64(o, 1), 2);
    f->ctx.n_promise_results = 0;
    o = run_str(f, "results", "");
    assert_error(o, LOGIC_ERR_INVALID_PROMISE_RESULT_INDEX);
    assert_int_equal(o->error.a, 0);
}

/* ---- yield / resume ---- */

static void yield_create_writes_id_and_status(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "yield", "{\"request_id\":1}");
    assert_ok(o);
    uint8_t id[32];
    expected_data_id(f, 0, id);
    assert_int_equal(o->return_len, 32);
    assert_memory_equal(o->return_data, id, 32);
    assert_int_equal(o->n_receipts, 1);
    const struct logic_receipt_draft *d = &o->receipts[0];
    assert_true(d->is_yield);
    assert_string_equal(d->receiver_id, ME);
    assert_memory_equal(d->yield_data_id, id, 32);
    assert_int_equal(d->n_input_data_ids, 1);
    assert_memory_equal(d->input_data_ids[0], id, 32);
    assert_string_equal(d->actions[0].u.call.method_name, "cb");
    assert_int_equal(d->actions[0].u.call.args_len, 16);
    assert_true(d->actions[0].u.call.deposit == 0);
    /* weight 1: the callback gets 5 Tgas plus everything left over */
    assert_true(d->actions[0].u.call.gas > 5 * TGAS);
    assert_int_equal(o->used_gas, f->ctx.prepaid_gas);
    assert_int_equal(o->n_yields, 1);
    assert_memory_equal(o->yields[0], id, 32);
    assert_int_equal(mem_ext_status(f->ext, ME, id), LOGIC_YIELD_YIELDED);
}

/* The runtime hands logic a derive_hashes callback instead of a precomputed action hash and
 * random seed: it runs once per call, only for a call that makes a data id or reads the seed,
 * and what it derives is what the call uses. */
struct derive_count {
    int calls;
};

static void derive_fixed(const void *arg, uint8_t action_hash[32], uint8_t random_seed[32])
{
    ((struct derive_count *)arg)->calls++;
    memset(action_hash, 0x11, 32);
    memset(random_seed, 0x22, 32);
}

static void hashes_are_derived_once_and_only_when_used(void **state)
{
    struct fx *f = *state;
    struct derive_count n = {0};
    f->ctx.derive_hashes = derive_fixed;
    f->ctx.derive_arg = &n;
    assert_ok(run_str(f, "echo", "no hashes needed"));
    assert_int_equal(n.calls, 0);

    struct logic_outcome *o = run_str(f, "seed", "");
    assert_ok(o);
    assert_int_equal(n.calls, 1);
    uint8_t want[32];
    memset(want, 0x22, 32);
    assert_int_equal(o->return_len, 32);
    assert_memory_equal(o->return_data, want, 32);

    o = run_str(f, "yield", "{\"request_id\":1}");
    assert_ok(o);
    assert_int_equal(n.calls, 2);
    memset(f->ctx.action_hash, 0x11, 32); /* what expected_data_id hashes */
    uint8_t id[32];
    expected_data_id(f, 0, id);
    assert_memory_equal(o->return_data, id, 32);
    f->ctx.derive_hashes = NULL;
}

/* resume input: u64 id_len ‖ id ‖ payload */
static size_t resume_input(uint8_t *buf, const uint8_t *id, uint64_t id_len, const char *payload,
                           size_t payload_len)
{
    memcpy(buf, &id_len, 8);
    memcpy(buf + 8, id, id_len);
    memcpy(buf + 8 + id_len, payload, payload_len);
    return 8 + id_len + payload_len;
}

static void resume_returns_1_only_for_a_pending_yield_here(void **state)
{
    struct fx *f = *state;
    uint8_t id[32], buf[2048];
    expected_data_id(f, 0, id);
    /* never created: 0, nothing emitted */
    size_t n = resume_input(buf, id, 32, "\"ok\"", 4);
    struct logic_outcome *o = run(f, "resume", buf, n);
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 0);
    assert_int_equal(o->n_resumes, 0);
    /* created by another account: 0 */
    assert_int_equal(mem_ext_ops.yield_status_set(f->ext, "carol.near", id, LOGIC_YIELD_YIELDED),
                     0);
    assert_int_equal(ret_u64(run(f, "resume", buf, n), 0), 0);
    /* pending here: 1, status ResumeInitiated, PromiseResume payload recorded */
    assert_int_equal(mem_ext_ops.yield_status_set(f->ext, ME, id, LOGIC_YIELD_YIELDED), 0);
    o = run(f, "resume", buf, n);
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1);
    assert_int_equal(o->n_resumes, 1);
    assert_memory_equal(o->resumes[0].data_id, id, 32);
    assert_int_equal(o->resumes[0].len, 4);
    assert_memory_equal(o->resumes[0].payload, "\"ok\"", 4);
    assert_int_equal(mem_ext_status(f->ext, ME, id), LOGIC_YIELD_RESUME_INITIATED);
    /* a second resume before the callback ran also returns 1 */
    assert_int_equal(ret_u64(run(f, "resume", buf, n), 0), 1);
}

static void resume_finds_a_parked_receipt_without_status(void **state)
{
    struct fx *f = *state;
    uint8_t id[32] = {9}, buf[128];
    mem_ext_park(f->ext, ME, id);
    size_t n = resume_input(buf, id, 32, "", 0);
    assert_int_equal(ret_u64(run(f, "resume", buf, n), 0), 1);
}

static void resume_payload_cap_and_malformed_id_are_host_errors(void **state)
{
    struct fx *f = *state;
    uint8_t id[32], *buf = malloc(2048);
    char payload[1025];
    memset(payload, 'p', sizeof(payload));
    expected_data_id(f, 0, id);
    assert_int_equal(mem_ext_ops.yield_status_set(f->ext, ME, id, LOGIC_YIELD_YIELDED), 0);
    size_t n = resume_input(buf, id, 32, payload, 1024);
    assert_int_equal(ret_u64(run(f, "resume", buf, n), 0), 1);
    n = resume_input(buf, id, 32, payload, 1025);
    struct logic_outcome *o = run(f, "resume", buf, n);
    assert_error(o, LOGIC_ERR_YIELD_PAYLOAD_LENGTH);
    assert_int_equal(o->error.a, 1025);
    assert_int_equal(o->error.b, 1024);
    assert_int_equal(o->n_resumes, 0);
    n = resume_input(buf, id, 31, "x", 1);
    assert_error(run(f, "resume", buf, n), LOGIC_ERR_DATA_ID_MALFORMED);
    /* The per-byte charge on a register payload's u64::MAX length overflows. */
    assert_error(run(f, "resume_payload_register", id, 32), LOGIC_ERR_INTEGER_OVERFLOW);
    f->ctx.is_view = true;
    n = resume_input(buf, id, 32, "x", 1);
    o = run(f, "resume", buf, n);
    assert_error(o, LOGIC_ERR_PROHIBITED_IN_VIEW);
    assert_string_equal(o->error.msg, "promise_yield_resume");
    free(buf);
}

static void yield_and_resume_in_one_call(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_str(f, "yield_and_resume", "");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1);
    assert_int_equal(o->n_yields, 1);
    assert_int_equal(o->n_resumes, 1);
    assert_memory_equal(o->resumes[0].data_id, o->yields[0], 32);
}

static void failed_yield_leaves_no_receipt(void **state)
{
    struct fx *f = *state;
    f->ctx.prepaid_gas = 4 * TGAS; /* less than the callback's 5 Tgas */
    struct logic_outcome *o = run_str(f, "yield", "{}");
    assert_error(o, LOGIC_ERR_GAS_EXCEEDED);
    /* Only what was burnt before the failed prepay is lost, not the whole budget. */
    assert_true(o->burnt_gas < TGAS);
    assert_int_equal(o->used_gas, o->burnt_gas);
    assert_int_equal(o->n_receipts, 0);
    assert_int_equal(o->n_yields, 0);
    assert_int_equal(o->return_kind, LOGIC_RETURN_NONE);
}

static void yield_with_id_duplicate_returns_u64_max(void **state)
{
    struct fx *f = *state;
    uint8_t yid[32];
    memset(yid, 0x42, 32);
    struct logic_outcome *o = run(f, "yield_with_id_twice", yid, 32);
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 0);
    assert_true(ret_u64(o, 1) == UINT64_MAX);
    assert_int_equal(o->n_receipts, 1);
    assert_int_equal(f->ext->n_ids, 1);
    assert_memory_equal(f->ext->ids[0].value, o->yields[0], 32);
    assert_error(run(f, "yield_with_id_twice", yid, 31), LOGIC_ERR_YIELD_ID_MALFORMED);
}

static void resume_with_yield_id_uses_the_mapping(void **state)
{
    struct fx *f = *state;
    uint8_t yid[32], in[40];
    memset(yid, 0x42, 32);
    memcpy(in, yid, 32);
    memcpy(in + 32, "answer", 6);
    assert_int_equal(ret_u64(run(f, "resume_with_id", in, 38), 0), 0); /* no mapping yet */
    assert_ok(run(f, "yield_with_id_twice", yid, 32));
    uint8_t data_id[32];
    memcpy(data_id, f->out.yields[0], 32);
    struct logic_outcome *o = run(f, "resume_with_id", in, 38);
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1);
    assert_memory_equal(o->resumes[0].data_id, data_id, 32);
    /* the two id spaces do not mix: a data id given as a yield id finds nothing */
    memcpy(in, data_id, 32);
    assert_int_equal(ret_u64(run(f, "resume_with_id", in, 38), 0), 0);
}

/* ---- linking and method resolution ---- */

static void missing_import_is_a_link_error_naming_it(void **state)
{
    struct fx *f = *state;
    size_t len;
    struct vm_module *m = load(&f->cfg, "missing_import.wasm", &len);
    logic_outcome_fini(&f->out);
    assert_int_equal(logic_run(&f->ctx, m, len, "main", &f->out), YB_OK);
    assert_error(&f->out, LOGIC_ERR_LINK);
    assert_non_null(strstr(f->out.error.msg, "no_such_host_fn"));
    vm_module_release(m);
}

static void unknown_method_is_method_not_found(void **state)
{
    assert_error(run_str(*state, "no_such_method", ""), LOGIC_ERR_METHOD_NOT_FOUND);
    assert_error(run_str(*state, "", ""), LOGIC_ERR_METHOD_EMPTY_NAME);
}

/* ---- the remaining context functions and every batch action (actions.wasm) ---- */

static void context_of_the_call(void **state)
{
    struct fx *f = *state;
    f->ctx.signer_public_key.type = 0;
    memset(f->ctx.signer_public_key.data, 0x22, 32);
    f->ctx.epoch_height = 3;
    f->ctx.account_locked_balance = 77;
    struct logic_outcome *o = run_actions(f, "context");
    assert_ok(o);
    assert_int_equal(o->return_len, 161);
    assert_int_equal(ret_u64(o, 0), strlen("bob.near"));
    assert_int_equal(ret_u64(o, 1), 33); /* borsh PublicKey: type byte + 32 */
    assert_int_equal(ret_u64(o, 2), 32);
    assert_int_equal(ret_u64(o, 3), f->ctx.block_timestamp);
    assert_int_equal(ret_u64(o, 4), 3);
    assert_int_equal(ret_u64(o, 5), 500);
    assert_int_equal(ret_u64(o, 6), 300 * TGAS);
    assert_true(ret_u64(o, 7) > 0 && ret_u64(o, 7) < o->used_gas);
    yb_u128 bal, locked, stake, total;
    memcpy(&bal, o->return_data + 64, 16);
    memcpy(&locked, o->return_data + 80, 16);
    memcpy(&stake, o->return_data + 96, 16);
    memcpy(&total, o->return_data + 112, 16);
    assert_true(bal == f->ctx.account_balance);
    assert_true(locked == 77);
    assert_true(stake == 0 && total == 0);
    assert_int_equal(o->return_data[128], 0);
    assert_int_equal(o->return_data[129], 0x22);
}

static void every_batch_action_lands_in_the_draft(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_actions(f, "all_actions");
    assert_ok(o);
    assert_int_equal(o->n_receipts, 1);
    const struct logic_receipt_draft *d = &o->receipts[0];
    assert_string_equal(d->receiver_id, "bob.near");
    assert_string_equal(d->refund_to, ME);
    static const enum tx_action_type want[] = {
        TX_ACTION_CREATE_ACCOUNT, TX_ACTION_DEPLOY_CONTRACT, TX_ACTION_FUNCTION_CALL,
        TX_ACTION_TRANSFER,       TX_ACTION_STAKE,           TX_ACTION_ADD_KEY,
        TX_ACTION_ADD_KEY,        TX_ACTION_DELETE_KEY,      TX_ACTION_DELETE_ACCOUNT,
    };
    assert_int_equal(d->n_actions, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < d->n_actions; i++) {
        assert_int_equal(d->actions[i].type, want[i]);
    }
    const struct tx_action *a = d->actions;
    assert_int_equal(a[1].u.deploy.code_len, 8);
    assert_memory_equal(a[1].u.deploy.code, "\0asm", 4);
    assert_string_equal(a[2].u.call.method_name, "a");
    assert_true(a[3].u.transfer.deposit == 5);
    assert_true(a[4].u.stake.stake == 5);
    assert_int_equal(a[4].u.stake.public_key.data[0], 0x11);
    assert_true(a[5].u.add_key.access_key.full_access);
    assert_int_equal(a[5].u.add_key.access_key.nonce, 7);
    const struct tx_access_key *ak = &a[6].u.add_key.access_key;
    assert_false(ak->full_access);
    assert_int_equal(ak->nonce, 8);
    assert_true(ak->has_allowance && ak->allowance == 5);
    assert_string_equal(ak->receiver_id, "bob.near");
    assert_int_equal(ak->n_method_names, 2);
    assert_string_equal(ak->method_names[0], "a");
    assert_string_equal(ak->method_names[1], "bc");
    assert_string_equal(a[8].u.delete_account.beneficiary_id, ME);
    /* only the transfer moves money now; a stake locks it when the receipt runs */
    assert_true(o->balance == f->ctx.account_balance - 5);
}

static void batch_action_misuse_errors(void **state)
{
    struct fx *f = *state;
    assert_error(run_actions(f, "bad_public_key"), LOGIC_ERR_INVALID_PUBLIC_KEY);
    assert_error(run_actions(f, "empty_key_method_name"), LOGIC_ERR_EMPTY_METHOD_NAME);
    struct logic_outcome *o = run_actions(f, "bad_promise_index");
    assert_error(o, LOGIC_ERR_INVALID_PROMISE_INDEX);
    assert_int_equal(o->error.a, 5);
    assert_error(run_actions(f, "append_to_joint_promise"),
                 LOGIC_ERR_CANNOT_APPEND_ACTION_TO_JOINT_PROMISE);
    assert_error(run_actions(f, "return_joint_promise"), LOGIC_ERR_CANNOT_RETURN_JOINT_PROMISE);
}

static void batch_then_to_another_account(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_actions(f, "batch_then");
    assert_ok(o);
    assert_int_equal(o->n_receipts, 2);
    assert_string_equal(o->receipts[0].output_data_receivers[0].receiver_id, ME);
    assert_int_equal(o->receipts[1].n_input_data_ids, 1);
    /* gas: two action receipts (bob: not sir, alice: sir) and one data receipt bob → alice */
    const struct config_runtime *c = &f->cfg;
    uint64_t prepaid = 2 * config_fee_exec(c, CONFIG_FEE_ACTION_RECEIPT_CREATION);
    assert_int_equal(o->used_gas - o->burnt_gas, prepaid);
}

static void current_contract_code_reports_the_hash(void **state)
{
    struct fx *f = *state;
    uint8_t hash[32];
    memset(hash, 0xC0, 32);
    struct logic_outcome *o = run_actions(f, "code_hash");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 0); /* no hash given: no contract */
    f->ctx.code_hash = hash;
    o = run_actions(f, "code_hash");
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1); /* a local contract */
    assert_int_equal(o->return_len, 40);
    assert_memory_equal(o->return_data + 8, hash, 32);
    f->ctx.code_hash = NULL;
}

static void legacy_gas_and_deprecated_iterators(void **state)
{
    struct fx *f = *state;
    size_t len;
    struct vm_module *m = load(&f->cfg, "hostile.wasm", &len);
    uint64_t args[9] = {1000};
    logic_outcome_fini(&f->out);
    f->ctx.input = (const uint8_t *)args;
    f->ctx.input_len = sizeof(args);
    assert_int_equal(logic_run(&f->ctx, m, len, "call_gas", &f->out), YB_OK);
    assert_ok(&f->out);
    uint64_t with = f->out.burnt_gas;
    args[0] = 0;
    logic_outcome_fini(&f->out);
    assert_int_equal(logic_run(&f->ctx, m, len, "call_gas", &f->out), YB_OK);
    assert_int_equal(with - f->out.burnt_gas, 1000 * f->cfg.regular_op_cost);
    logic_outcome_fini(&f->out);
    assert_int_equal(logic_run(&f->ctx, m, len, "call_storage_iter_prefix", &f->out), YB_OK);
    assert_error(&f->out, LOGIC_ERR_DEPRECATED);
    assert_string_equal(f->out.error.msg, "storage_iter_prefix");
    f->ctx.input = NULL;
    f->ctx.input_len = 0;
    vm_module_release(m);
}

static void refund_receiver_and_account_id_checks(void **state)
{
    struct fx *f = *state;
    struct logic_outcome *o = run_actions(f, "refund_to");
    assert_ok(o);
    assert_int_equal(o->return_len, strlen("bob.near")); /* the predecessor by default */
    f->ctx.refund_to_account_id = "carol.near";
    o = run_actions(f, "refund_to");
    assert_memory_equal(o->return_data, "carol.near", 10);
    assert_error(run_actions(f, "invalid_account_id"), LOGIC_ERR_INVALID_ACCOUNT_ID);
    assert_error(run_actions(f, "refund_to_on_joint_promise"),
                 LOGIC_ERR_CANNOT_SET_REFUND_TO_ON_JOINT_PROMISE);
}

static void every_import_links_with_nearcores_signature(void **state)
{
    struct fx *f = *state;
    size_t len;
    struct vm_module *m = load(&f->cfg, "all_imports.wasm", &len);
    logic_outcome_fini(&f->out);
    assert_int_equal(logic_run(&f->ctx, m, len, "main", &f->out), YB_OK);
    assert_ok(&f->out);
    vm_module_release(m);
    /* Before protocol 85 the with_id pair does not exist. */
    f->cfg.protocol_version = 84;
    m = load(&f->cfg, "all_imports.wasm", &len);
    logic_outcome_fini(&f->out);
    assert_int_equal(logic_run(&f->ctx, m, len, "main", &f->out), YB_OK);
    assert_error(&f->out, LOGIC_ERR_LINK);
    assert_non_null(strstr(f->out.error.msg, "promise_yield_create_with_id"));
    vm_module_release(m);
}

/* ---- limits and exact per-byte gas ---- */

static void promises_per_call_limit(void **state)
{
    uint64_t n = 1024;
    assert_ok(run(*state, "many_promises", &n, 8));
    n = 1025;
    struct logic_outcome *o = run(*state, "many_promises", &n, 8);
    assert_error(o, LOGIC_ERR_NUMBER_PROMISES_EXCEEDED);
    assert_int_equal(o->error.a, 1025);
    assert_int_equal(o->error.b, 1024);
    assert_int_equal(o->n_receipts, 0);
}

static void input_data_dependencies_limit(void **state)
{
    uint64_t n = 128;
    assert_ok(run(*state, "and_many", &n, 8));
    n = 129;
    struct logic_outcome *o = run(*state, "and_many", &n, 8);
    assert_error(o, LOGIC_ERR_NUMBER_INPUT_DATA_DEPENDENCIES_EXCEEDED);
    assert_int_equal(o->error.a, 129);
    assert_int_equal(o->error.b, 128);
}

/* A store failure is not a contract failure: logic_run returns it and the outcome carries no
 * effects (the caller aborts the block or retries; nothing is charged to the contract). */
static int failing_storage_write(void *ext, const uint8_t *key, size_t key_len, const uint8_t *val,
                                 size_t val_len)
{
    return YB_ESTORE;
}

static void store_failure_is_returned_not_blamed_on_the_contract(void **state)
{
    struct fx *f = *state;
    struct logic_ext_ops ops = mem_ext_ops;
    ops.storage_write = failing_storage_write;
    f->ctx.ext = &ops;
    logic_outcome_fini(&f->out);
    f->ctx.input = (const uint8_t *)"key";
    f->ctx.input_len = 3;
    assert_int_equal(logic_run(&f->ctx, f->module, f->code_len, "swrite", &f->out), YB_ESTORE);
    assert_int_equal(f->out.return_kind, LOGIC_RETURN_NONE);
    assert_int_equal(f->out.n_receipts, 0);
    assert_int_equal(f->out.storage_usage, f->ctx.storage_usage);
    /* without any ext at all, touching storage is a caller error */
    f->ctx.ext = NULL;
    logic_outcome_fini(&f->out);
    assert_int_equal(logic_run(&f->ctx, f->module, f->code_len, "sread", &f->out), YB_EINVAL);
    f->ctx.ext = &mem_ext_ops;
}

static void register_count_limit_and_overwrite_quirk(void **state)
{
    uint8_t in[9] = {0};
    uint64_t n = 99; /* + register 0 holding the input = 100 registers */
    memcpy(in, &n, 8);
    assert_ok(run(*state, "many_registers", in, 9));
    n = 100;
    memcpy(in, &n, 8);
    assert_error(run(*state, "many_registers", in, 9), LOGIC_ERR_MEMORY_ACCESS_VIOLATION);
    /* nearcore's quirk: with 100 registers, even overwriting one of them fails */
    n = 99;
    memcpy(in, &n, 8);
    in[8] = 1;
    assert_error(run(*state, "many_registers", in, 9), LOGIC_ERR_MEMORY_ACCESS_VIOLATION);
    n = 98;
    memcpy(in, &n, 8);
    assert_ok(run(*state, "many_registers", in, 9));
}

static void returned_value_and_storage_value_limits(void **state)
{
    uint64_t n = 4194304;
    struct logic_outcome *o = run(*state, "return_len", &n, 8);
    assert_ok(o);
    assert_int_equal(o->return_len, 4194304);
    n = 4194305;
    o = run(*state, "return_len", &n, 8);
    assert_error(o, LOGIC_ERR_RETURNED_VALUE_LENGTH_EXCEEDED);
    assert_int_equal(o->error.a, 4194305);
    assert_int_equal(o->error.b, 4194304);
    n = 4194305;
    o = run(*state, "swrite_value_len", &n, 8);
    assert_error(o, LOGIC_ERR_VALUE_LENGTH_EXCEEDED);
    assert_int_equal(o->error.a, 4194305);
}

/* One more byte of log costs exactly the per-byte prices of each host call it passes through:
 * input → register (free per byte since NEP-616), register → memory, memory → log (read, UTF-8
 * decode, log). The wasm code runs the same instructions either way. */
static void per_byte_gas_is_exact(void **state)
{
    struct fx *f = *state;
    uint64_t one = run_str(f, "log_input", "a")->burnt_gas;
    uint64_t two = run_str(f, "log_input", "ab")->burnt_gas;
    const uint64_t *x = f->cfg.ext;
    uint64_t per_byte = x[CONFIG_EXT_READ_REGISTER_BYTE] + x[CONFIG_EXT_WRITE_MEMORY_BYTE] +
                        x[CONFIG_EXT_READ_MEMORY_BYTE] + x[CONFIG_EXT_UTF8_DECODING_BYTE] +
                        x[CONFIG_EXT_LOG_BYTE];
    assert_int_equal(two - one, per_byte);
    /* before NEP-616 the input's bytes were charged as a register write too */
    f->cfg.deterministic_account_ids = false;
    one = run_str(f, "log_input", "a")->burnt_gas;
    two = run_str(f, "log_input", "ab")->burnt_gas;
    assert_int_equal(two - one, per_byte + x[CONFIG_EXT_WRITE_REGISTER_BYTE]);
    /* Every call also pays for loading the contract, per byte of code. */
    assert_true(one > x[CONFIG_EXT_CONTRACT_LOADING_BASE] +
                          x[CONFIG_EXT_CONTRACT_LOADING_BYTES] * f->code_len);
}

/* ---- hostile arguments (wat/hostile.wat: every import, arguments from the input) ---- */

static uint64_t next_rand(uint64_t *s)
{
    /* xorshift64*: a fixed sequence, so a failure reproduces */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Every host function, called with argument vectors mixing edge values (register ids,
 * lengths and pointers at and around every limit, u64::MAX) must end the call cleanly: a
 * result or a named error, consistent gas, no effects after a failure — and nothing for the
 * sanitizers to report. */
static void hostile_arguments_never_break_the_host(void **state)
{
    struct fx *f = *state;
    static const uint64_t edges[] = {
        0,          1,          2,          3,
        7,          8,          16,         31,
        32,         33,         64,         99,
        100,        101,        1000,       1024,
        1025,       2048,       2049,       65000,
        65535,      65536,      1u << 20,   (64u << 20) - 1,
        64u << 20,  1ULL << 32, 1ULL << 63, UINT64_MAX - 1,
        UINT64_MAX,
    };
    const size_t n_edges = sizeof(edges) / sizeof(edges[0]);
    size_t len;
    struct vm_module *m = load(&f->cfg, "hostile.wasm", &len);
    struct logic_promise_result pr = {LOGIC_PROMISE_SUCCESSFUL, (const uint8_t *)"res", 3};
    f->ctx.promise_results = &pr;
    f->ctx.n_promise_results = 1;
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    unsigned calls = 0, kinds[LOGIC_ERR__COUNT] = {0};
    for (uint32_t e = 0; e < vm_module_export_count(m); e++) {
        const char *name;
        struct vm_externtype t;
        assert_int_equal(vm_module_export(m, e, &name, &t), YB_OK);
        if (t.kind != VM_EXTERN_FUNC || strncmp(name, "call_", 5) != 0) {
            continue;
        }
        for (int round = 0; round < 24; round++) {
            uint64_t args[9];
            for (int k = 0; k < 9; k++) {
                uint64_t r = next_rand(&seed);
                args[k] = (r & 3) == 0 ? r : edges[(r >> 8) % n_edges];
            }
            mem_ext_fini(f->ext);
            mem_ext_init(f->ext);
            f->ctx.is_view = (round % 5) == 4;
            logic_outcome_fini(&f->out);
            f->ctx.input = (const uint8_t *)args;
            f->ctx.input_len = sizeof(args);
            int rc = logic_run(&f->ctx, m, len, name, &f->out);
            if (rc != YB_OK) {
                fail_msg("%s round %d: logic_run returned %s", name, round, yb_err_name(rc));
            }
            const struct logic_outcome *o = &f->out;
            assert_true(o->burnt_gas <= o->used_gas);
            assert_true(o->used_gas <= f->ctx.prepaid_gas);
            if (o->error.kind != LOGIC_ERR_NONE) {
                assert_int_equal(o->n_receipts, 0);
                assert_int_equal(o->n_resumes, 0);
                assert_int_equal(o->return_kind, LOGIC_RETURN_NONE);
                assert_int_equal(o->storage_usage, f->ctx.storage_usage);
            }
            calls++;
            kinds[o->error.kind < LOGIC_ERR__COUNT ? o->error.kind : 0]++;
        }
    }
    assert_true(calls > 50 * 24);
    /* the vectors reach both successful calls and the guarded failures */
    assert_true(kinds[LOGIC_ERR_NONE] > 100);
    assert_true(kinds[LOGIC_ERR_MEMORY_ACCESS_VIOLATION] > 100);
    assert_true(kinds[LOGIC_ERR_PROHIBITED_IN_VIEW] > 10);
    f->ctx.input = NULL;
    f->ctx.input_len = 0;
    vm_module_release(m);
}

/* nep519 §5.1/§6: which host functions a view call may use, and the name each prohibited one
 * reports (the wrappers report the batch function they start with, as nearcore does). */
static const struct {
    const char *fn;
    const char *reported; /* NULL: allowed in views */
} view_rules[] = {
    {"signer_account_id", "signer_account_id"},
    {"signer_account_pk", "signer_account_pk"},
    {"predecessor_account_id", "predecessor_account_id"},
    {"refund_to_account_id", "refund_to_account_id"},
    {"prepaid_gas", "prepaid_gas"},
    {"used_gas", "used_gas"},
    {"promise_create", "promise_batch_create"},
    {"promise_then", "promise_batch_then"},
    {"promise_and", "promise_and"},
    {"promise_batch_create", "promise_batch_create"},
    {"promise_batch_then", "promise_batch_then"},
    {"promise_batch_action_create_account", "promise_batch_action_create_account"},
    {"promise_batch_action_deploy_contract", "promise_batch_action_deploy_contract"},
    {"promise_batch_action_function_call", "promise_batch_action_function_call"},
    {"promise_batch_action_function_call_weight", "promise_batch_action_function_call"},
    {"promise_batch_action_transfer", "promise_batch_action_transfer"},
    {"promise_batch_action_stake", "promise_batch_action_stake"},
    {"promise_batch_action_add_key_with_full_access",
     "promise_batch_action_add_key_with_full_access"},
    {"promise_batch_action_add_key_with_function_call",
     "promise_batch_action_add_key_with_function_call"},
    {"promise_batch_action_delete_key", "promise_batch_action_delete_key"},
    {"promise_batch_action_delete_account", "promise_batch_action_delete_account"},
    {"promise_set_refund_to", "promise_set_refund_to"},
    {"promise_yield_create", "promise_yield_create"},
    {"promise_yield_resume", "promise_yield_resume"},
    {"promise_yield_create_with_id", "promise_yield_create_with_id"},
    {"promise_yield_resume_with_yield_id", "promise_yield_resume_with_yield_id"},
    {"promise_results_count", "promise_results_count"},
    {"promise_result", "promise_result"},
    {"promise_return", "promise_return"},
    {"storage_write", "storage_write"},
    {"storage_remove", "storage_remove"},
    {"read_register", NULL},
    {"register_len", NULL},
    {"write_register", NULL},
    {"current_account_id", NULL},
    {"input", NULL},
    {"block_index", NULL},
    {"block_timestamp", NULL},
    {"epoch_height", NULL},
    {"storage_usage", NULL},
    {"account_balance", NULL},
    {"account_locked_balance", NULL},
    {"attached_deposit", NULL},
    {"random_seed", NULL},
    {"sha256", NULL},
    {"keccak256", NULL},
    {"keccak512", NULL},
    {"ripemd160", NULL},
    {"ed25519_verify", NULL},
    {"value_return", NULL},
    {"log_utf8", NULL},
    {"log_utf16", NULL},
    {"storage_read", NULL},
    {"storage_has_key", NULL},
    {"validator_stake", NULL},
    {"validator_total_stake", NULL},
};

static void view_call_rules_per_host_function(void **state)
{
    struct fx *f = *state;
    size_t len;
    struct vm_module *m = load(&f->cfg, "hostile.wasm", &len);
    uint64_t args[9] = {0};
    f->ctx.is_view = true;
    f->ctx.input = (const uint8_t *)args;
    f->ctx.input_len = sizeof(args);
    for (size_t i = 0; i < sizeof(view_rules) / sizeof(view_rules[0]); i++) {
        char method[96];
        snprintf(method, sizeof(method), "call_%s", view_rules[i].fn);
        logic_outcome_fini(&f->out);
        assert_int_equal(logic_run(&f->ctx, m, len, method, &f->out), YB_OK);
        const struct logic_error *e = &f->out.error;
        if (view_rules[i].reported) {
            if (e->kind != LOGIC_ERR_PROHIBITED_IN_VIEW ||
                strcmp(e->msg, view_rules[i].reported) != 0) {
                fail_msg("%s in a view: %s (%s)", view_rules[i].fn, logic_error_name(e->kind),
                         e->msg ? e->msg : "");
            }
        } else if (e->kind == LOGIC_ERR_PROHIBITED_IN_VIEW) {
            fail_msg("%s must be allowed in a view", view_rules[i].fn);
        }
    }
    f->ctx.input = NULL;
    f->ctx.input_len = 0;
    vm_module_release(m);
}

/* go-ethereum's recovery vector (crypto/signature_test.go): message hash, 64-byte signature
 * with recovery id 1, and the uncompressed public key without its 0x04 prefix. */
static void ecrecover_known_vector_and_errors(void **state)
{
    struct fx *f = *state;
    uint8_t in[112] = {0}, want[64];
    size_t n;
    assert_int_equal(hex_decode("ce0677bb30baa8cf067c88db9811f4333d131bf8bcf12fe7065d211dce971008",
                                64, in, 32, &n),
                     0);
    assert_int_equal(hex_decode("90f27b8b488db00b00606796d2987f6a5f59ae62ea05effe84fef5b8b0e54998"
                                "4a691139ad57a3f0b906637673aa2f63d1f55cb1a69199d4009eea23ceaddc93",
                                128, in + 32, 64, &n),
                     0);
    assert_int_equal(hex_decode("e32df42865e97135acfb65f3bae71bdc86f4d49150ad6a440b6f15878109880a"
                                "0a2b2667f7e725ceea70c673093bf67663e0312623c8e091b13cf2c0f11ef652",
                                128, want, 64, &n),
                     0);
    uint64_t v = 1, flag = 0;
    memcpy(in + 96, &v, 8);
    memcpy(in + 104, &flag, 8);
    struct logic_outcome *o = run(f, "ecrecover", in, sizeof(in));
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 1);
    assert_int_equal(o->return_len, 72);
    assert_memory_equal(o->return_data + 8, want, 64);
    /* the other recovery id gives another key (or none), never this one */
    v = 0;
    memcpy(in + 96, &v, 8);
    o = run(f, "ecrecover", in, sizeof(in));
    assert_ok(o);
    assert_false(ret_u64(o, 0) == 1 && memcmp(o->return_data + 8, want, 64) == 0);
    /* v above 3 and a flag other than 0/1 are host errors */
    v = 4;
    memcpy(in + 96, &v, 8);
    o = run(f, "ecrecover", in, sizeof(in));
    assert_error(o, LOGIC_ERR_ECRECOVER_ERROR);
    assert_string_equal(o->error.msg, "V recovery byte 0 through 3 are valid but was provided 4");
    v = 1;
    flag = 2;
    memcpy(in + 96, &v, 8);
    memcpy(in + 104, &flag, 8);
    assert_error(run(f, "ecrecover", in, sizeof(in)), LOGIC_ERR_ECRECOVER_ERROR);
    /* s = 0 fails the value check: 0, not an error */
    flag = 0;
    memcpy(in + 104, &flag, 8);
    memset(in + 64, 0, 32);
    o = run(f, "ecrecover", in, sizeof(in));
    assert_ok(o);
    assert_int_equal(ret_u64(o, 0), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(value_return_from_register),
        T(unused_register_len_is_u64_max),
        T(reading_unused_register_is_invalid_register_id),
        T(write_register_then_read_it),
        T(read_register_outside_memory_is_violation),
        T(context_account_and_height),
        T(predecessor_is_prohibited_in_view),
        T(attached_deposit_is_u128_le),
        T(storage_write_new_then_overwrite),
        T(storage_read_remove_has_key),
        T(storage_write_prohibited_in_view_read_allowed),
        T(storage_key_over_limit),
        T(log_utf8_and_bad_utf8),
        T(log_count_limit),
        T(sandbox_debug_log_is_free_and_not_a_receipt_log),
        T(log_total_length_limit),
        T(log_utf16_and_lone_surrogate),
        T(panics_carry_their_message),
        T(assemblyscript_abort_logs_and_panics),
        T(wasm_trap_and_out_of_gas),
        T(hashes_of_abc),
        T(ed25519_verify_good_and_bad),
        T(ecrecover_known_vector_and_errors),
        T(promise_then_links_data_ids),
        T(promise_and_joins_two_receipts),
        T(gas_weights_share_unused_gas),
        T(view_cannot_create_promises),
        T(transfer_deducts_balance_or_fails),
        T(promise_results_success_failed_and_missing),
        T(yield_create_writes_id_and_status),
        T(resume_returns_1_only_for_a_pending_yield_here),
        T(resume_finds_a_parked_receipt_without_status),
        T(resume_payload_cap_and_malformed_id_are_host_errors),
        T(yield_and_resume_in_one_call),
        T(failed_yield_leaves_no_receipt),
        T(yield_with_id_duplicate_returns_u64_max),
        T(resume_with_yield_id_uses_the_mapping),
        T(missing_import_is_a_link_error_naming_it),
        T(unknown_method_is_method_not_found),
        T(context_of_the_call),
        T(every_batch_action_lands_in_the_draft),
        T(batch_action_misuse_errors),
        T(batch_then_to_another_account),
        T(refund_receiver_and_account_id_checks),
        T(legacy_gas_and_deprecated_iterators),
        T(current_contract_code_reports_the_hash),
        T(every_import_links_with_nearcores_signature),
        T(promises_per_call_limit),
        T(register_count_limit_and_overwrite_quirk),
        T(input_data_dependencies_limit),
        T(store_failure_is_returned_not_blamed_on_the_contract),
        T(returned_value_and_storage_value_limits),
        T(per_byte_gas_is_exact),
        T(hostile_arguments_never_break_the_host),
        T(view_call_rules_per_host_function),
        T(hashes_are_derived_once_and_only_when_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
