/*
 * test_near_hello.c — the real contract main.wasm of the npm package near-hello@0.5.1 (built
 * with near-sdk-as; near-api-js's own tests deploy it) loads under NEAR's rules, declares the
 * 20 `env` imports listed below, and instantiates when they are bound.
 *
 *   test_near_hello PATH/TO/main.wasm      (fetch_and_check.sh fetches it with npm pack)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "spec.h"
#include "trap_host.h"
#include "vm.h"

/* The import section of near-hello 0.5.1's main.wasm, in order (wasm-objdump -x). The
 * signature is "params:results" with i = i32, I = i64. near-sdk-as imports register_len and
 * read_register twice (from two copies of its env bindings), hence 20 imports for 18 names. */
static const struct {
    const char *name;
    const char *sig;
} near_hello_imports[] = {
    {"abort", "iiii:"},
    {"storage_write", "IIIII:I"},
    {"log_utf8", "II:"},
    {"current_account_id", "I:"},
    {"register_len", "I:I"},
    {"read_register", "II:"},
    {"promise_create", "IIIIIIII:I"},
    {"promise_then", "IIIIIIIII:I"},
    {"promise_return", "I:"},
    {"panic", ":"},
    {"input", "I:"},
    {"register_len", "I:I"},
    {"read_register", "II:"},
    {"value_return", "II:"},
    {"storage_read", "III:I"},
    {"storage_usage", ":I"},
    {"storage_remove", "III:I"},
    {"promise_and", "II:I"},
    {"promise_results_count", ":I"},
    {"promise_result", "II:I"},
};
#define NEAR_HELLO_IMPORTS (sizeof(near_hello_imports) / sizeof(near_hello_imports[0]))

static const char *wasm_path;
static uint8_t *wasm_code;
static size_t wasm_len;

static char letter(uint8_t t)
{
    return t == VM_I32 ? 'i' : t == VM_I64 ? 'I' : t == VM_F32 ? 'f' : t == VM_F64 ? 'F' : '?';
}

/* "params:results" for a function type, in the table's notation. */
static void sig_of(const struct vm_functype *t, char *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->nparams && n + 1 < cap; i++) {
        out[n++] = letter(t->params[i]);
    }
    if (n + 1 < cap) {
        out[n++] = ':';
    }
    for (uint32_t i = 0; i < t->nresults && n + 1 < cap; i++) {
        out[n++] = letter(t->results[i]);
    }
    out[n] = '\0';
}

static struct vm_module *load_near(void)
{
    struct vm_config cfg;
    struct vm_module *m = NULL;
    struct vm_error err;
    int rc;
    memset(&err, 0, sizeof(err));
    vm_config_near(&cfg);
    rc = vm_module_load(&cfg, wasm_code, wasm_len, &m, &err);
    if (rc != YB_OK) {
        print_error("load %s: %s: %s\n", wasm_path, yb_err_name(rc), err.msg);
    }
    assert_int_equal(rc, YB_OK);
    return m;
}

static void test_validates_under_near_rules(void **state)
{
    vm_module_release(load_near());
}

static void test_declares_the_20_env_imports(void **state)
{
    struct vm_module *m = load_near();
    assert_int_equal(vm_module_import_count(m), NEAR_HELLO_IMPORTS);
    for (uint32_t i = 0; i < NEAR_HELLO_IMPORTS; i++) {
        const char *mod = NULL;
        const char *name = NULL;
        struct vm_externtype t;
        char sig[64];
        assert_int_equal(vm_module_import(m, i, &mod, &name, &t), YB_OK);
        assert_string_equal(mod, "env");
        assert_string_equal(name, near_hello_imports[i].name);
        assert_int_equal(t.kind, VM_EXTERN_FUNC);
        sig_of(&t.func, sig, sizeof(sig));
        assert_string_equal(sig, near_hello_imports[i].sig);
    }
    vm_module_release(m);
}

static void test_exports_contract_methods(void **state)
{
    static const char *methods[] = {"hello", "setValue", "getValue", "callPromise", "recurse"};
    struct vm_module *m = load_near();
    size_t found = 0;
    for (uint32_t i = 0; i < vm_module_export_count(m); i++) {
        const char *name = NULL;
        struct vm_externtype t;
        assert_int_equal(vm_module_export(m, i, &name, &t), YB_OK);
        for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
            if (strcmp(name, methods[k]) == 0) {
                /* NEAR methods take nothing and return nothing: input and value_return. */
                assert_int_equal(t.kind, VM_EXTERN_FUNC);
                assert_int_equal(t.func.nparams, 0);
                assert_int_equal(t.func.nresults, 0);
                found++;
            }
        }
    }
    assert_int_equal(found, sizeof(methods) / sizeof(methods[0]));
    vm_module_release(m);
}

static void test_instantiates_with_bound_imports(void **state)
{
    struct vm_config cfg;
    struct vm_module *m = load_near();
    struct vm_store *s = NULL;
    struct vm_instance *inst = NULL;
    struct vm_error err;
    struct vm_trap trap;
    struct vm_memory *mem;
    int rc;

    memset(&err, 0, sizeof(err));
    memset(&trap, 0, sizeof(trap));
    vm_config_near(&cfg);
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    /* Instantiation runs AssemblyScript's ~start, which must not need the host. */
    rc = vm_instance_new(s, m, trap_host_resolve, NULL, &inst, &err, &trap);
    if (rc != YB_OK) {
        print_error("instantiate: %s: %s / %s\n", yb_err_name(rc), err.msg, trap.msg);
    }
    assert_int_equal(rc, YB_OK);
    mem = vm_instance_memory(inst);
    assert_non_null(mem);
    assert_int_equal(vm_memory_pages(mem), VM_NEAR_INITIAL_MEMORY_PAGES);
    vm_store_free(s);
    vm_module_release(m);
}

static void test_method_calling_the_host_traps_in_host(void **state)
{
    struct vm_config cfg;
    struct vm_module *m = load_near();
    struct vm_store *s = NULL;
    struct vm_instance *inst = NULL;
    struct vm_trap trap;

    memset(&trap, 0, sizeof(trap));
    vm_config_near(&cfg);
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    vm_store_set_gas(s, 300000000000000ull);
    assert_int_equal(vm_instance_new(s, m, trap_host_resolve, NULL, &inst, NULL, NULL), YB_OK);
    /* hello() starts by reading its arguments with env.input, bound here to a trap. */
    assert_int_equal(vm_instance_invoke(inst, "hello", NULL, 0, NULL, 0, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_HOST);
    assert_int_equal(trap.host_code, TRAP_HOST_CODE);
    assert_true(vm_store_gas_used(s) > 0);
    vm_store_free(s);
    vm_module_release(m);
}

/* Binds every import except env.storage_usage. */
static int resolve_all_but_one(void *ctx, struct vm_store *s, const char *module_name,
                               const char *name, const struct vm_externtype *type,
                               struct vm_extern *out)
{
    if (strcmp(name, "storage_usage") == 0) {
        return YB_ENOTFOUND;
    }
    return trap_host_resolve(ctx, s, module_name, name, type, out);
}

static void test_missing_import_is_named(void **state)
{
    struct vm_config cfg;
    struct vm_module *m = load_near();
    struct vm_store *s = NULL;
    struct vm_instance *inst = NULL;
    struct vm_error err;

    memset(&err, 0, sizeof(err));
    vm_config_near(&cfg);
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    assert_int_equal(vm_instance_new(s, m, resolve_all_but_one, NULL, &inst, &err, NULL),
                     YB_EWASM_LINK);
    assert_non_null(strstr(err.msg, "storage_usage"));
    vm_store_free(s);
    vm_module_release(m);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validates_under_near_rules),
        cmocka_unit_test(test_declares_the_20_env_imports),
        cmocka_unit_test(test_exports_contract_methods),
        cmocka_unit_test(test_instantiates_with_bound_imports),
        cmocka_unit_test(test_method_calling_the_host_traps_in_host),
        cmocka_unit_test(test_missing_import_is_named),
    };
    int rc;
    if (argc != 2) {
        fprintf(stderr, "usage: test_near_hello PATH/TO/near-hello/main.wasm\n");
        return EXIT_FAILURE;
    }
    wasm_path = argv[1];
    rc = spec_read_file(wasm_path, SPEC_MAX_MODULE_BYTES, &wasm_code, &wasm_len);
    if (rc != YB_OK) {
        fprintf(stderr, "cannot read %s: %s\n", wasm_path, yb_err_str(rc));
        return EXIT_FAILURE;
    }
    rc = cmocka_run_group_tests_name("near_hello", tests, NULL, NULL);
    free(wasm_code);
    return rc;
}
