/*
 * vm_test_util.h — helpers shared by the engine's unit tests: load a module compiled from wat/,
 * instantiate it, call exports.
 */
#ifndef YB_VM_TEST_UTIL_H
#define YB_VM_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/* The bytes of VM_TEST_WASM_DIR/NAME.wasm (returned; free()); fails the test if unreadable. */
uint8_t *vm_test_read_wasm(const char *name, size_t *len);

/* Load NAME.wasm with cfg; fails the test on any load error. Returned; vm_module_release. */
struct vm_module *vm_test_load(const struct vm_config *cfg, const char *name);

/* ---- modules built byte by byte ---- */

/* A growing byte buffer (p owned; free(p) when done). Zero-initialise before use. */
struct vm_test_bytes {
    uint8_t *p;
    size_t n;
    size_t cap;
};

/* Append n bytes of p (borrowed), one byte, an unsigned LEB128, or a section (id, size,
 * content; content borrowed). */
void vm_test_put(struct vm_test_bytes *b, const void *p, size_t n);
void vm_test_put_u8(struct vm_test_bytes *b, uint8_t v);
void vm_test_put_leb(struct vm_test_bytes *b, uint64_t v);
void vm_test_put_section(struct vm_test_bytes *b, uint8_t id, const struct vm_test_bytes *content);

/* A new buffer holding the module header (magic and version 1). */
struct vm_test_bytes vm_test_header(void);

/* A module of one type [] -> [] and nbodies functions of that type, each with the body `body`
 * (locals and code, borrowed). Returned; free(.p). */
struct vm_test_bytes vm_test_module_with_bodies(const struct vm_test_bytes *body, uint32_t nbodies);

/* The same with n different bodies: function i has bodies[i] (array and bodies borrowed). */
struct vm_test_bytes vm_test_module_with_body_list(const struct vm_test_bytes *bodies, uint32_t n);

/* Load b with cfg, release the module and free b (left empty). Returns the load's result; err
 * receives the message (may be NULL). */
int vm_test_load_bytes(const struct vm_config *cfg, struct vm_test_bytes *b, struct vm_error *err);

#endif
