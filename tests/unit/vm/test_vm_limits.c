/*
 * test_vm_limits.c — limits end in clean traps or load errors: the finite-wasm stack height,
 * runaway recursion, memory.grow past the maximum, NEAR's memory override, out-of-bounds
 * access, and hostile modules (huge counts, deep nesting, a 1 GiB data segment that is not
 * there, oversized memories, rejected features) that must fail fast without allocating.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "err.h"
#include "vm.h"
#include "vm_test_util.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
    struct vm_module *mod;
    struct vm_store *store;
    struct vm_instance *inst;
};

static void start(struct run *r, const struct vm_config *cfg, const char *name)
{
    r->mod = vm_test_load(cfg, name);
    assert_int_equal(vm_store_new(cfg, &r->store), YB_OK);
    struct vm_error err;
    int rc = vm_instance_new(r->store, r->mod, NULL, NULL, &r->inst, &err, NULL);
    if (rc != YB_OK) {
        fail_msg("instantiate %s: %s", name, err.msg);
    }
}

static void stop(struct run *r)
{
    vm_store_free(r->store);
    vm_module_release(r->mod);
}

static void stack_height_counts_finite_wasm_bytes(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    cfg.max_stack_bytes = 760; /* ten frames of $down: 64 + 4 + 8 bytes each */
    struct run r;
    start(&r, &cfg, "limits");
    union vm_value a = {.i32 = 9}, res;
    assert_int_equal(vm_instance_invoke(r.inst, "down", &a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 0);
    struct vm_trap trap;
    a.i32 = 10;
    assert_int_equal(vm_instance_invoke(r.inst, "down", &a, 1, &res, 1, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_STACK_EXHAUSTED);
    assert_string_equal(trap.msg, "call stack exhausted");
    assert_int_equal(trap.func_index, 0);
    /* The store is usable again after the trap. */
    a.i32 = 3;
    assert_int_equal(vm_instance_invoke(r.inst, "down", &a, 1, &res, 1, NULL), YB_OK);
    stop(&r);
}

static void runaway_recursion_traps(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct run r;
    start(&r, &cfg, "limits");
    union vm_value a = {.i64 = 0}, res;
    struct vm_trap trap;
    assert_int_equal(vm_instance_invoke(r.inst, "forever", &a, 1, &res, 1, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_STACK_EXHAUSTED);
    assert_int_equal(trap.func_index, 1);
    assert_true(trap.offset > 8);
    stop(&r);
}

static void memory_grow_past_max_returns_minus_one(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct run r;
    start(&r, &cfg, "limits");
    union vm_value a = {.i32 = 1}, res;
    assert_int_equal(vm_instance_invoke(r.inst, "grow", &a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 1);
    assert_int_equal(vm_instance_invoke(r.inst, "grow", &a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, UINT32_MAX);
    assert_int_equal(vm_instance_invoke(r.inst, "size", NULL, 0, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 2);
    /* The last 4 bytes load; 2 bytes further traps with the spec's message. */
    struct vm_trap trap;
    a.i32 = 2 * 65536 - 4;
    assert_int_equal(vm_instance_invoke(r.inst, "load", &a, 1, &res, 1, NULL), YB_OK);
    a.i32 = 2 * 65536 - 2;
    assert_int_equal(vm_instance_invoke(r.inst, "load", &a, 1, &res, 1, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_MEMORY_OOB);
    assert_string_equal(trap.msg, "out of bounds memory access");
    /* Address arithmetic wraps like wasm's: 0xffffffff + 2 is 1, then offset 1 gives 2. */
    uint8_t *data = vm_memory_data(vm_instance_memory(r.inst));
    memcpy(data + 2, "\x11\x22\x33\x44", 4);
    a.i32 = UINT32_MAX;
    assert_int_equal(vm_instance_invoke(r.inst, "load_plus_2", &a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 0x44332211);
    a.i32 = 2 * 65536 - 6; /* + 2 + 1 offset: the last 3 bytes only */
    assert_int_equal(vm_instance_invoke(r.inst, "load_plus_2", &a, 1, &res, 1, &trap),
                     YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_MEMORY_OOB);
    /* Host access is bounds-checked the same way. */
    uint8_t buf[8];
    struct vm_memory *mem = vm_instance_memory(r.inst);
    assert_int_equal(vm_memory_read(mem, 2 * 65536 - 8, buf, 8), YB_OK);
    assert_int_equal(vm_memory_read(mem, 2 * 65536 - 7, buf, 8), YB_EINVAL);
    assert_int_equal(vm_memory_write(mem, UINT64_MAX - 2, buf, 8), YB_EINVAL);
    stop(&r);
}

static void near_memory_override_and_cheap_instantiation(void **state)
{
    struct vm_config cfg;
    vm_config_near(&cfg);
    struct run r;
    start(&r, &cfg, "near_mem");
    union vm_value a, res;
    assert_int_equal(vm_instance_invoke(r.inst, "pages", NULL, 0, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 1024);
    a.i32 = 1024;
    assert_int_equal(vm_instance_invoke(r.inst, "grow", &a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 1024);
    a.i32 = 1;
    assert_int_equal(vm_instance_invoke(r.inst, "grow", &a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, UINT32_MAX);
    /* 64 MiB of zeroed memory, instantly: the last byte reads 0. */
    uint8_t last = 1;
    assert_int_equal(vm_memory_read(vm_instance_memory(r.inst), 64ull * 1024 * 1024 - 1, &last, 1),
                     YB_OK);
    assert_int_equal(last, 0);
    stop(&r);

    /* A cached module instantiated with its 64 MiB memory and a trivial call, many times. */
    struct vm_module *m = vm_test_load(&cfg, "near_mem");
    const int n = 2000;
    double t0 = now();
    for (int i = 0; i < n; i++) {
        struct vm_store *s;
        struct vm_instance *inst;
        assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
        assert_int_equal(vm_instance_new(s, m, NULL, NULL, &inst, NULL, NULL), YB_OK);
        assert_int_equal(vm_instance_invoke(inst, "noop", NULL, 0, NULL, 0, NULL), YB_OK);
        vm_store_free(s);
    }
    double us = (now() - t0) / n * 1e6;
    printf("instantiate 64 MiB module + trivial call: %.1f us\n", us);
    assert_true(us < 2000); /* generous for sanitizer builds; the release figure is ~µs */
    vm_module_release(m);
}

/* ---- hostile modules, built byte by byte ---- */

static int load_bytes(const struct vm_config *cfg, struct vm_test_bytes *b, struct vm_error *err,
                      double *seconds)
{
    double t0 = now();
    int rc = vm_test_load_bytes(cfg, b, err);
    *seconds = now() - t0;
    return rc;
}

static void hostile_modules_fail_fast(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_error err;
    double t;

    /* 4 billion types announced in a 5-byte section. */
    struct vm_test_bytes b = vm_test_header(), s = {0};
    vm_test_put_leb(&s, 0xffffffffu);
    vm_test_put_section(&b, 1, &s);
    assert_int_equal(load_bytes(&cfg, &b, &err, &t), YB_EWASM_MALFORMED);
    assert_true(t < 0.1);

    /* 2^28 functions announced, nothing behind them. */
    b = vm_test_header();
    s.n = 0;
    vm_test_put_leb(&s, 1u << 28);
    vm_test_put_section(&b, 3, &s);
    assert_int_not_equal(load_bytes(&cfg, &b, &err, &t), YB_OK);
    assert_true(t < 0.1);

    /* A 1 GiB active data segment declared in a few bytes. */
    b = vm_test_header();
    s.n = 0;
    vm_test_put(&s, "\1\0\1", 3); /* one memory, min 1 */
    vm_test_put_section(&b, 5, &s);
    s.n = 0;
    vm_test_put(&s, "\1\0\x41\0\x0b", 5); /* one segment, memory 0, offset i32.const 0 */
    vm_test_put_leb(&s, 1u << 30);
    vm_test_put(&s, "abc", 3);
    vm_test_put_section(&b, 11, &s);
    assert_int_equal(load_bytes(&cfg, &b, &err, &t), YB_EWASM_MALFORMED);
    assert_true(t < 0.1);

    /* 20,000 nested blocks: over the nesting limit, a clean error. */
    struct vm_test_bytes body = {0};
    vm_test_put_u8(&body, 0); /* no locals */
    for (int i = 0; i < 20000; i++) {
        vm_test_put(&body, "\x02\x40", 2);
    }
    for (int i = 0; i < 20000; i++) {
        vm_test_put_u8(&body, 0x0b);
    }
    vm_test_put_u8(&body, 0x0b);
    b = vm_test_module_with_bodies(&body, 1);
    assert_int_equal(load_bytes(&cfg, &b, &err, &t), YB_EWASM_LIMIT);
    assert_non_null(strstr(err.msg, "nested"));
    assert_true(t < 0.5);

    /* 4 billion locals. */
    body.n = 0;
    vm_test_put(&body, "\2", 1);
    vm_test_put_leb(&body, 0xffffffffu);
    vm_test_put_u8(&body, 0x7f);
    vm_test_put_leb(&body, 0xffffffffu);
    vm_test_put_u8(&body, 0x7e);
    vm_test_put_u8(&body, 0x0b);
    b = vm_test_module_with_bodies(&body, 1);
    assert_int_equal(load_bytes(&cfg, &b, &err, &t), YB_EWASM_MALFORMED); /* over 2^32 */
    assert_non_null(strstr(err.msg, "too many locals"));
    assert_true(t < 0.1);

    /* A SIMD instruction: rejected naming the feature. */
    body.n = 0;
    vm_test_put(&body, "\0\xfd\x0c", 3);
    for (int i = 0; i < 16; i++) {
        vm_test_put_u8(&body, 0);
    }
    vm_test_put(&body, "\x1a\x0b", 2);
    b = vm_test_module_with_bodies(&body, 1);
    assert_int_equal(load_bytes(&cfg, &b, &err, &t), YB_EWASM_FEATURE);
    assert_non_null(strstr(err.msg, "SIMD"));

    /* 100,000 pending local.get values, then a local.set of each local: the compiler's
     * bookkeeping must stay linear (a naive scan of the stack per local.set is 10^10 steps). */
    struct vm_config big = cfg;
    big.max_function_body = 4u << 20;
    big.max_locals = 200000;
    const uint32_t n = 100000;
    body.n = 0;
    vm_test_put_u8(&body, 1);
    vm_test_put_leb(&body, n);
    vm_test_put_u8(&body, 0x7f);
    for (uint32_t i = 0; i < n; i++) {
        vm_test_put_u8(&body, 0x20);
        vm_test_put_leb(&body, i);
    }
    for (uint32_t i = 0; i < n; i++) {
        vm_test_put(&body, "\x41\x00\x21", 3);
        vm_test_put_leb(&body, i);
    }
    for (uint32_t i = 0; i < n; i++) {
        vm_test_put_u8(&body, 0x1a);
    }
    vm_test_put_u8(&body, 0x0b);
    b = vm_test_module_with_bodies(&body, 1);
    assert_int_equal(load_bytes(&big, &b, &err, &t), YB_OK);
    assert_true(t < 2.0);
    free(body.p);

    /* Over the module size limit. */
    cfg.max_module_size = 16;
    b = vm_test_header();
    s.n = 0;
    vm_test_put(&s, "0123456789", 10);
    vm_test_put_section(&b, 0, &s); /* custom section without a valid name: never parsed */
    assert_int_equal(load_bytes(&cfg, &b, &err, &t), YB_EWASM_LIMIT);
    free(s.p);
}

/* ---- NEAR's size limits (reference/wasm.md §5.5): at the limit loads, one over does not ---- */

/* A body of no locals and `nblocks` empty blocks, cycling through block, loop and if (each
 * counts as one, as nearcore's prepare v3 counts them). */
static struct vm_test_bytes body_with_blocks(uint32_t nblocks)
{
    struct vm_test_bytes body = {0};
    vm_test_put_u8(&body, 0);
    for (uint32_t i = 0; i < nblocks; i++) {
        switch (i % 3) {
        case 0:
            vm_test_put(&body, "\x02\x40\x0b", 3); /* block end */
            break;
        case 1:
            vm_test_put(&body, "\x03\x40\x0b", 3); /* loop end */
            break;
        default:
            vm_test_put(&body, "\x41\x00\x04\x40\x0b", 5); /* i32.const 0 if end */
            break;
        }
    }
    vm_test_put_u8(&body, 0x0b);
    return body;
}

/* Load a module of the given bodies under cfg; on failure err holds the message. */
static int load_bodies(const struct vm_config *cfg, const struct vm_test_bytes *bodies, uint32_t n,
                       struct vm_error *err)
{
    struct vm_test_bytes b = vm_test_module_with_body_list(bodies, n);
    return vm_test_load_bytes(cfg, &b, err);
}

static void assert_limit_error(int rc, const struct vm_error *err, const char *named)
{
    if (rc != YB_EWASM_LIMIT || strstr(err->msg, named) == NULL) {
        fail_msg("want YB_EWASM_LIMIT naming \"%s\", got %s: %s", named, yb_err_name(rc), err->msg);
    }
}

static void near_config_has_nearcores_size_limits(void **state)
{
    struct vm_config cfg;
    vm_config_near(&cfg);
    assert_int_equal(cfg.max_function_body, 196608);
    assert_int_equal(cfg.max_locals_per_module, 1000000);
    assert_int_equal(cfg.max_blocks_per_function, 5000);
    assert_int_equal(cfg.max_blocks_per_module, 50000);
    assert_int_equal(cfg.max_params_per_module, 50000);
    assert_int_equal(cfg.max_functions, 10000);
    assert_int_equal(cfg.max_types, 1024);
    assert_int_equal(cfg.max_params, 64);
    assert_int_equal(cfg.max_tables, 1);
    assert_int_equal(cfg.max_table_elements, 10000);
    assert_int_equal(cfg.max_module_size, 4194304);
}

static void blocks_per_function_limit(void **state)
{
    struct vm_config cfg;
    vm_config_near(&cfg);
    struct vm_error err;
    struct vm_test_bytes body = body_with_blocks(5000);
    assert_int_equal(load_bodies(&cfg, &body, 1, &err), YB_OK);
    free(body.p);

    body = body_with_blocks(5001);
    assert_limit_error(load_bodies(&cfg, &body, 1, &err), &err, "blocks per function");
    assert_non_null(strstr(err.msg, "5001 over the limit of 5000"));
    /* Configurable: a higher limit takes the same module. */
    cfg.max_blocks_per_function = 5001;
    assert_int_equal(load_bodies(&cfg, &body, 1, &err), YB_OK);
    free(body.p);
}

static void blocks_per_module_limit(void **state)
{
    struct vm_config cfg;
    vm_config_near(&cfg);
    struct vm_error err;
    /* Ten functions of 5,000 blocks each: 50,000 in all. */
    struct vm_test_bytes bodies[11];
    for (int i = 0; i < 10; i++) {
        bodies[i] = body_with_blocks(5000);
    }
    bodies[10] = body_with_blocks(1);
    assert_int_equal(load_bodies(&cfg, bodies, 10, &err), YB_OK);
    /* An eleventh function with a single block. */
    assert_limit_error(load_bodies(&cfg, bodies, 11, &err), &err, "blocks per module");
    assert_non_null(strstr(err.msg, "function 10 "));
    cfg.max_blocks_per_module = 50001;
    assert_int_equal(load_bodies(&cfg, bodies, 11, &err), YB_OK);
    for (int i = 0; i < 11; i++) {
        free(bodies[i].p);
    }
}

static void locals_per_module_limit(void **state)
{
    struct vm_config cfg;
    vm_config_near(&cfg);
    struct vm_error err;
    /* Twenty functions declaring 50,000 locals each (the per-function cap): 1,000,000. */
    struct vm_test_bytes bodies[21] = {{0}};
    for (int i = 0; i < 21; i++) {
        vm_test_put_u8(&bodies[i], 1);
        vm_test_put_leb(&bodies[i], i < 20 ? 50000 : 1);
        vm_test_put(&bodies[i], "\x7f\x0b", 2);
    }
    assert_int_equal(load_bodies(&cfg, bodies, 20, &err), YB_OK);
    /* A twenty-first function with one local. */
    assert_limit_error(load_bodies(&cfg, bodies, 21, &err), &err, "locals per module");
    assert_non_null(strstr(err.msg, "1000001 over the limit of 1000000"));
    cfg.max_locals_per_module = 1000001;
    assert_int_equal(load_bodies(&cfg, bodies, 21, &err), YB_OK);
    /* The per-function cap (50,000 with params) is a limit too, not a malformed module. */
    bodies[20].n = 0;
    vm_test_put(&bodies[20], "\x02\x01\x7f", 3);
    vm_test_put_leb(&bodies[20], 50000);
    vm_test_put(&bodies[20], "\x7e\x0b", 2);
    assert_limit_error(load_bodies(&cfg, &bodies[20], 1, &err), &err, "too many locals");
    for (int i = 0; i < 21; i++) {
        free(bodies[i].p);
    }
}

static void function_body_size_limit(void **state)
{
    struct vm_config cfg;
    vm_config_near(&cfg);
    struct vm_error err;
    /* no locals, nops, end: exactly 196,608 bytes */
    struct vm_test_bytes body = {0};
    vm_test_put_u8(&body, 0);
    while (body.n < 196608 - 1) {
        vm_test_put_u8(&body, 0x01);
    }
    vm_test_put_u8(&body, 0x0b);
    assert_int_equal(body.n, 196608);
    assert_int_equal(load_bodies(&cfg, &body, 1, &err), YB_OK);

    body.n--; /* one more nop before the end */
    vm_test_put(&body, "\x01\x0b", 2);
    assert_int_equal(body.n, 196609);
    assert_limit_error(load_bodies(&cfg, &body, 1, &err), &err, "function body size");
    assert_non_null(strstr(err.msg, "196609 over the limit of 196608"));
    /* The default configuration keeps the older 262,144. */
    vm_config_default(&cfg);
    assert_int_equal(load_bodies(&cfg, &body, 1, &err), YB_OK);
    free(body.p);
}

/* A module of three types, [i32 x 64] -> [], [i32 x 16] -> [] and [i32] -> [], and `n64`,
 * `n16` and `n1` empty functions of each. */
static struct vm_test_bytes module_with_params(uint32_t n64, uint32_t n16, uint32_t n1)
{
    static const uint32_t nparams[3] = {64, 16, 1};
    const uint32_t count[3] = {n64, n16, n1};
    struct vm_test_bytes b = vm_test_header(), s = {0};
    vm_test_put_u8(&s, 3);
    for (int t = 0; t < 3; t++) {
        vm_test_put_u8(&s, 0x60);
        vm_test_put_leb(&s, nparams[t]);
        for (uint32_t k = 0; k < nparams[t]; k++) {
            vm_test_put_u8(&s, 0x7f);
        }
        vm_test_put_u8(&s, 0);
    }
    vm_test_put_section(&b, 1, &s);
    s.n = 0;
    vm_test_put_leb(&s, n64 + n16 + n1);
    for (uint8_t t = 0; t < 3; t++) {
        for (uint32_t i = 0; i < count[t]; i++) {
            vm_test_put_u8(&s, t);
        }
    }
    vm_test_put_section(&b, 3, &s);
    s.n = 0;
    vm_test_put_leb(&s, n64 + n16 + n1);
    for (uint32_t i = 0; i < n64 + n16 + n1; i++) {
        vm_test_put(&s, "\x02\x00\x0b", 3); /* size 2: no locals, end */
    }
    vm_test_put_section(&b, 10, &s);
    free(s.p);
    return b;
}

static void params_per_module_limit(void **state)
{
    struct vm_config cfg;
    vm_config_near(&cfg);
    struct vm_error err;
    /* 781 functions of 64 params and one of 16: 50,000 params. */
    struct vm_test_bytes b = module_with_params(781, 1, 0);
    assert_int_equal(vm_test_load_bytes(&cfg, &b, &err), YB_OK);
    /* One more function, of one param. */
    b = module_with_params(781, 1, 1);
    assert_limit_error(vm_test_load_bytes(&cfg, &b, &err), &err, "params per module");
    assert_non_null(strstr(err.msg, "50001 over the limit of 50000"));
    cfg.max_params_per_module = 50001;
    b = module_with_params(781, 1, 1);
    assert_int_equal(vm_test_load_bytes(&cfg, &b, &err), YB_OK);
}

static void memory_over_the_page_cap_does_not_instantiate(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    cfg.max_memory_pages = 1024;
    struct vm_test_bytes b = vm_test_header(), s = {0};
    vm_test_put(&s, "\1\0", 2);
    vm_test_put_leb(&s, 65536); /* 4 GiB minimum */
    vm_test_put_section(&b, 5, &s);
    free(s.p);
    struct vm_module *m;
    struct vm_error err;
    assert_int_equal(vm_module_load(&cfg, b.p, b.n, &m, &err), YB_OK);
    free(b.p);
    struct vm_store *st;
    struct vm_instance *inst;
    assert_int_equal(vm_store_new(&cfg, &st), YB_OK);
    assert_int_equal(vm_instance_new(st, m, NULL, NULL, &inst, &err, NULL), YB_EWASM_LIMIT);
    vm_store_free(st);
    vm_module_release(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_height_counts_finite_wasm_bytes),
        cmocka_unit_test(runaway_recursion_traps),
        cmocka_unit_test(memory_grow_past_max_returns_minus_one),
        cmocka_unit_test(near_memory_override_and_cheap_instantiation),
        cmocka_unit_test(hostile_modules_fail_fast),
        cmocka_unit_test(memory_over_the_page_cap_does_not_instantiate),
        cmocka_unit_test(near_config_has_nearcores_size_limits),
        cmocka_unit_test(blocks_per_function_limit),
        cmocka_unit_test(blocks_per_module_limit),
        cmocka_unit_test(locals_per_module_limit),
        cmocka_unit_test(function_body_size_limit),
        cmocka_unit_test(params_per_module_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
