/*
 * vm_test_util.c — see vm_test_util.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void vm_test_put(struct vm_test_bytes *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void vm_test_put_u8(struct vm_test_bytes *b, uint8_t v)
{
    vm_test_put(b, &v, 1);
}

void vm_test_put_leb(struct vm_test_bytes *b, uint64_t v)
{
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        vm_test_put_u8(b, v ? (uint8_t)(c | 0x80) : c);
    } while (v);
}

void vm_test_put_section(struct vm_test_bytes *b, uint8_t id, const struct vm_test_bytes *content)
{
    vm_test_put_u8(b, id);
    vm_test_put_leb(b, content->n);
    if (content->n > 0) {
        vm_test_put(b, content->p, content->n);
    }
}

struct vm_test_bytes vm_test_header(void)
{
    struct vm_test_bytes b = {0};
    vm_test_put(&b, "\0asm\1\0\0\0", 8);
    return b;
}

struct vm_test_bytes vm_test_module_with_body_list(const struct vm_test_bytes *bodies, uint32_t n)
{
    struct vm_test_bytes b = vm_test_header(), s = {0};
    vm_test_put(&s, "\1\x60\0\0", 4);
    vm_test_put_section(&b, 1, &s);
    s.n = 0;
    vm_test_put_leb(&s, n);
    for (uint32_t i = 0; i < n; i++) {
        vm_test_put_u8(&s, 0);
    }
    vm_test_put_section(&b, 3, &s);
    s.n = 0;
    vm_test_put_leb(&s, n);
    for (uint32_t i = 0; i < n; i++) {
        vm_test_put_leb(&s, bodies[i].n);
        vm_test_put(&s, bodies[i].p, bodies[i].n);
    }
    vm_test_put_section(&b, 10, &s);
    free(s.p);
    return b;
}

struct vm_test_bytes vm_test_module_with_bodies(const struct vm_test_bytes *body, uint32_t nbodies)
{
    struct vm_test_bytes *list = calloc(nbodies ? nbodies : 1, sizeof(*list));
    assert_non_null(list);
    for (uint32_t i = 0; i < nbodies; i++) {
        list[i] = *body;
    }
    struct vm_test_bytes b = vm_test_module_with_body_list(list, nbodies);
    free(list);
    return b;
}

int vm_test_load_bytes(const struct vm_config *cfg, struct vm_test_bytes *b, struct vm_error *err)
{
    struct vm_module *m = NULL;
    int rc = vm_module_load(cfg, b->p, b->n, &m, err);
    vm_module_release(m);
    free(b->p);
    *b = (struct vm_test_bytes){0};
    return rc;
}
