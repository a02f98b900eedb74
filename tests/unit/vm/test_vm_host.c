/*
 * test_vm_host.c — what the NEAR runtime relies on: host functions bound by (module, name,
 * signature) read and write guest memory bounds-checked, abort with their own error, imports
 * that are missing or mistyped fail instantiation naming them, and exported globals and memory
 * are reachable from the host.
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

#define BAD_ACCESS 77

/* sum_bytes(ptr, len): the sum of the guest bytes, or a host abort when out of bounds. */
static int host_sum(struct vm_call *call, void *ctx, const union vm_value *args,
                    union vm_value *results)
{
    uint8_t buf[64];
    if (args[1].i64 > sizeof(buf)) {
        return vm_call_trap(call, BAD_ACCESS, NULL, "length %llu too large",
                            (unsigned long long)args[1].i64);
    }
    if (vm_call_read(call, args[0].i64, buf, args[1].i64) != YB_OK) {
        return vm_call_trap(call, BAD_ACCESS, NULL, "read out of bounds");
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < args[1].i64; i++) {
        sum += buf[i];
    }
    results[0].i64 = sum;
    return YB_OK;
}

/* fill(ptr, len): write 0xab over the guest range, or fail with a plain error code. */
static int host_fill(struct vm_call *call, void *ctx, const union vm_value *args,
                     union vm_value *results)
{
    uint8_t buf[64];
    memset(buf, 0xab, sizeof(buf));
    if (args[1].i64 > sizeof(buf)) {
        return YB_ETOOBIG;
    }
    return vm_call_write(call, args[0].i64, buf, args[1].i64);
}

static const uint8_t two_i64[] = {VM_I64, VM_I64};
static const uint8_t one_i64[] = {VM_I64};

struct env {
    struct vm_global *counter;
    const struct vm_host_binding *bindings;
    size_t nbindings;
};

/* Functions from the bindings, the `counter` global from the env struct. */
static int resolve(void *ctx, struct vm_store *s, const char *module_name, const char *name,
                   const struct vm_externtype *type, struct vm_extern *out)
{
    struct env *e = ctx;
    if (strcmp(name, "counter") == 0 && e->counter != NULL) {
        out->kind = VM_EXTERN_GLOBAL;
        out->u.global = e->counter;
        return YB_OK;
    }
    struct vm_bindings b = {e->bindings, e->nbindings};
    return vm_bindings_resolve(&b, s, module_name, name, type, out);
}

static const struct vm_host_binding good[] = {
    {"env", "sum_bytes", {2, 1, two_i64, one_i64}, host_sum, NULL},
    {"env", "fill", {2, 0, two_i64, NULL}, host_fill, NULL},
};

static void host_reads_and_writes_guest_memory(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_module *m = vm_test_load(&cfg, "host");
    struct vm_store *s;
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    struct env e = {.bindings = good, .nbindings = 2};
    assert_int_equal(vm_global_new(s, VM_I64, true, (union vm_value){.i64 = 40}, &e.counter),
                     YB_OK);
    struct vm_instance *inst;
    struct vm_error err;
    assert_int_equal(vm_instance_new(s, m, resolve, &e, &inst, &err, NULL), YB_OK);

    union vm_value args[2] = {{.i64 = 16}, {.i64 = 5}}, r;
    assert_int_equal(vm_instance_invoke(inst, "sum", args, 2, &r, 1, NULL), YB_OK);
    assert_int_equal(r.i64, 15);

    /* The imported global was updated by the guest; the exported one is readable. */
    union vm_value v;
    vm_global_get(e.counter, &v);
    assert_int_equal(v.i64, 41);
    struct vm_extern x;
    assert_int_equal(vm_instance_export(inst, "hits", &x), YB_OK);
    assert_int_equal(x.kind, VM_EXTERN_GLOBAL);
    vm_global_get(x.u.global, &v);
    assert_int_equal(v.i32, 1);

    /* Reading past the end: the host turns the engine's refusal into its own abort. */
    struct vm_trap trap;
    args[0].i64 = 65536 - 2;
    assert_int_equal(vm_instance_invoke(inst, "sum", args, 2, &r, 1, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_HOST);
    assert_int_equal(trap.host_code, BAD_ACCESS);
    assert_string_equal(trap.msg, "read out of bounds");
    args[0].i64 = UINT64_MAX - 1; /* address arithmetic must not wrap */
    assert_int_equal(vm_instance_invoke(inst, "sum", args, 2, &r, 1, &trap), YB_EWASM_TRAP);

    /* Writing: visible to the guest; out of bounds writes nothing and traps with the code. */
    args[0].i64 = 100;
    args[1].i64 = 3;
    assert_int_equal(vm_instance_invoke(inst, "fill", args, 2, NULL, 0, NULL), YB_OK);
    union vm_value a = {.i32 = 102};
    assert_int_equal(vm_instance_invoke(inst, "peek", &a, 1, &r, 1, NULL), YB_OK);
    assert_int_equal(r.i32, 0xab);
    args[0].i64 = 65536 - 1;
    args[1].i64 = 2;
    assert_int_equal(vm_instance_invoke(inst, "fill", args, 2, NULL, 0, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_HOST);
    assert_int_equal(trap.host_code, YB_EINVAL);
    a.i32 = 65535;
    assert_int_equal(vm_instance_invoke(inst, "peek", &a, 1, &r, 1, NULL), YB_OK);
    assert_int_equal(r.i32, 0);

    /* The exported memory is the one the host functions saw. */
    assert_int_equal(vm_instance_export(inst, "memory", &x), YB_OK);
    assert_int_equal(x.kind, VM_EXTERN_MEMORY);
    assert_int_equal(vm_memory_data(x.u.memory)[101], 0xab);
    vm_store_free(s);
    vm_module_release(m);
}

static void missing_or_mistyped_imports_are_named(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_module *m = vm_test_load(&cfg, "host");
    struct vm_store *s;
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    struct vm_instance *inst;
    struct vm_error err;

    /* fill is not bound. */
    struct env e = {.bindings = good, .nbindings = 1};
    assert_int_equal(vm_global_new(s, VM_I64, true, (union vm_value){.i64 = 0}, &e.counter), YB_OK);
    assert_int_equal(vm_instance_new(s, m, resolve, &e, &inst, &err, NULL), YB_EWASM_LINK);
    assert_string_equal(err.msg, "unknown import: env.fill");

    /* sum_bytes bound with the wrong signature. */
    const struct vm_host_binding wrong[] = {
        {"env", "sum_bytes", {2, 0, two_i64, NULL}, host_sum, NULL},
        {"env", "fill", {2, 0, two_i64, NULL}, host_fill, NULL},
    };
    e.bindings = wrong;
    e.nbindings = 2;
    assert_int_equal(vm_instance_new(s, m, resolve, &e, &inst, &err, NULL), YB_EWASM_LINK);
    assert_string_equal(err.msg, "incompatible import type: env.sum_bytes");

    /* An immutable global where a mutable one is imported. */
    e.bindings = good;
    assert_int_equal(vm_global_new(s, VM_I64, false, (union vm_value){.i64 = 0}, &e.counter),
                     YB_OK);
    assert_int_equal(vm_instance_new(s, m, resolve, &e, &inst, &err, NULL), YB_EWASM_LINK);
    assert_string_equal(err.msg, "incompatible import type: env.counter");

    /* Introspection lists the imports with their signatures. */
    assert_int_equal(vm_module_import_count(m), 3);
    const char *mod_name, *name;
    struct vm_externtype t;
    assert_int_equal(vm_module_import(m, 0, &mod_name, &name, &t), YB_OK);
    assert_string_equal(mod_name, "env");
    assert_string_equal(name, "sum_bytes");
    assert_int_equal(t.kind, VM_EXTERN_FUNC);
    assert_int_equal(t.func.nparams, 2);
    assert_int_equal(t.func.nresults, 1);
    assert_int_equal(t.func.params[1], VM_I64);
    assert_int_equal(vm_module_import(m, 3, &mod_name, &name, &t), YB_EINVAL);
    vm_store_free(s);
    vm_module_release(m);
}

static void host_function_called_directly_has_no_memory(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_store *s;
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    struct vm_func *f;
    const struct vm_functype t = {2, 1, two_i64, one_i64};
    assert_int_equal(vm_func_new_host(s, &t, host_sum, NULL, &f), YB_OK);
    union vm_value args[2] = {{.i64 = 0}, {.i64 = 1}}, r;
    struct vm_trap trap;
    assert_int_equal(vm_func_call(s, f, args, 2, &r, 1, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.host_code, BAD_ACCESS);
    assert_int_equal(vm_func_call(s, f, args, 1, &r, 1, &trap), YB_EINVAL);
    vm_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_reads_and_writes_guest_memory),
        cmocka_unit_test(missing_or_mistyped_imports_are_named),
        cmocka_unit_test(host_function_called_directly_has_no_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
