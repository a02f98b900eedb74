/*
 * test_vm_cache.c — the module cache: one compile per distinct code, shared references,
 * least-recently-used eviction, failed loads not cached, and modules outliving the cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "vm.h"
#include "vm_test_util.h"

static void same_code_shares_one_module(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_cache *c;
    assert_int_equal(vm_cache_new(&cfg, 4, &c), YB_OK);
    size_t len;
    uint8_t *code = vm_test_read_wasm("limits", &len);
    uint8_t *copy = malloc(len);
    memcpy(copy, code, len);
    struct vm_module *a, *b;
    assert_int_equal(vm_cache_get(c, code, len, &a, NULL), YB_OK);
    assert_int_equal(vm_cache_get(c, copy, len, &b, NULL), YB_OK);
    assert_ptr_equal(a, b); /* keyed by the hash of the bytes, not their address */
    vm_module_release(b);
    vm_cache_free(c);
    /* a still holds a reference: the module outlives the cache and still runs. */
    struct vm_store *s;
    struct vm_instance *inst;
    assert_int_equal(vm_store_new(&cfg, &s), YB_OK);
    assert_int_equal(vm_instance_new(s, a, NULL, NULL, &inst, NULL, NULL), YB_OK);
    union vm_value r;
    assert_int_equal(vm_instance_invoke(inst, "size", NULL, 0, &r, 1, NULL), YB_OK);
    assert_int_equal(r.i32, 1);
    vm_store_free(s);
    vm_module_release(a);
    free(code);
    free(copy);
}

static void least_recently_used_is_evicted(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_cache *c;
    assert_int_equal(vm_cache_new(&cfg, 2, &c), YB_OK);
    const char *names[] = {"limits", "gas", "near_mem"};
    struct vm_module *first[3];
    for (int i = 0; i < 3; i++) {
        size_t len;
        uint8_t *code = vm_test_read_wasm(names[i], &len);
        assert_int_equal(vm_cache_get(c, code, len, &first[i], NULL), YB_OK);
        free(code);
        if (i == 1) {
            /* Touch "limits" so "gas" becomes the least recently used. */
            struct vm_module *again;
            code = vm_test_read_wasm("limits", &len);
            assert_int_equal(vm_cache_get(c, code, len, &again, NULL), YB_OK);
            assert_ptr_equal(again, first[0]);
            vm_module_release(again);
            free(code);
        }
    }
    /* "limits" is still cached; "gas" was evicted, so it is compiled again. */
    size_t len;
    struct vm_module *m;
    uint8_t *code = vm_test_read_wasm("limits", &len);
    assert_int_equal(vm_cache_get(c, code, len, &m, NULL), YB_OK);
    assert_ptr_equal(m, first[0]);
    vm_module_release(m);
    free(code);
    code = vm_test_read_wasm("gas", &len);
    assert_int_equal(vm_cache_get(c, code, len, &m, NULL), YB_OK);
    assert_ptr_not_equal(m, first[1]);
    vm_module_release(m);
    free(code);
    for (int i = 0; i < 3; i++) {
        vm_module_release(first[i]);
    }
    vm_cache_free(c);
}

static void failed_loads_are_reported_and_not_cached(void **state)
{
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_cache *c;
    assert_int_equal(vm_cache_new(&cfg, 2, &c), YB_OK);
    const uint8_t junk[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
    struct vm_module *m = NULL;
    struct vm_error err;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(vm_cache_get(c, junk, sizeof(junk), &m, &err), YB_EWASM_MALFORMED);
        assert_string_equal(err.msg, "unknown binary version");
    }
    vm_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_code_shares_one_module),
        cmocka_unit_test(least_recently_used_is_evicted),
        cmocka_unit_test(failed_loads_are_reported_and_not_cached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
