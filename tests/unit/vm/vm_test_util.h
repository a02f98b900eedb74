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

#endif
