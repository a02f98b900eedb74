/*
 * vm_test_util.c — see vm_test_util.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vm_test_util.h"

uint8_t *vm_test_read_wasm(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.wasm", VM_TEST_WASM_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    assert_true(n > 0);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

struct vm_module *vm_test_load(const struct vm_config *cfg, const char *name)
{
    size_t len;
    uint8_t *code = vm_test_read_wasm(name, &len);
    struct vm_module *m = NULL;
    struct vm_error err = {0};
    int rc = vm_module_load(cfg, code, len, &m, &err);
    free(code);
    if (rc != 0) {
        fail_msg("load %s: %s", name, err.msg);
    }
    return m;
}
