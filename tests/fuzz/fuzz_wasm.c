/*
 * fuzz_wasm.c — arbitrary bytes through the whole engine: decode → validate → compile →
 * instantiate (every function import bound to a trapping host function) → call each exported
 * function with zero arguments. Small limits keep every input cheap: a gas budget for the whole
 * input, a few pages of memory, small tables. Inputs of odd length run under NEAR's rules
 * instead (the module's memory replaced by 1,024..2,048 lazily zeroed pages, 1 table, 64
 * params), so the memory override is fuzzed too. The engine must return errors or traps, never
 * crash, leak or hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "trap_host.h"
#include "vm.h"

/* Instructions one input may execute in total (start function and every export together). */
#define FUZZ_INSTRUCTIONS       200000ull
#define FUZZ_MAX_PAGES          16u
#define FUZZ_MAX_TABLE_ELEMENTS 10000u
#define FUZZ_MAX_EXPORTS        1000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_call_exports(struct vm_store *s, struct vm_instance *inst,
                              const struct vm_module *m)
{
    for (uint32_t i = 0; i < vm_module_export_count(m); i++) {
        const char *name = NULL;
        struct vm_externtype t;
        struct vm_extern ext;
        struct vm_functype ft;
        struct vm_trap trap;
        union vm_value *args;
        union vm_value *results;
        if (vm_module_export(m, i, &name, &t) != YB_OK || t.kind != VM_EXTERN_FUNC) {
            continue;
        }
        /* A name with a NUL byte is cut short by vm_module_export's C string and may not be
         * found (or find another export); either is fine for a crash hunt. */
        if (vm_instance_export(inst, name, &ext) != YB_OK || ext.kind != VM_EXTERN_FUNC) {
            continue;
        }
        vm_func_type(ext.u.func, &ft);
        /* Types are capped by the engine at load (VM_MAX_FUNC_VALUES), so these are bounded. */
        args = yb_xcalloc((size_t)ft.nparams + 1, sizeof(*args));
        results = yb_xcalloc((size_t)ft.nresults + 1, sizeof(*results));
        memset(&trap, 0, sizeof(trap));
        (void)vm_func_call(s, ext.u.func, args, ft.nparams, results, ft.nresults, &trap);
        free(args);
        free(results);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vm_config cfg;
    struct vm_module *m = NULL;
    struct vm_store *s = NULL;
    struct vm_instance *inst = NULL;
    struct vm_error err;
    struct vm_trap trap;

    if (size % 2 == 1) {
        vm_config_near(&cfg);
    } else {
        vm_config_default(&cfg);
        cfg.max_memory_pages = FUZZ_MAX_PAGES;
        cfg.max_table_elements = FUZZ_MAX_TABLE_ELEMENTS;
    }
    cfg.max_imports_exports = FUZZ_MAX_EXPORTS;
    if (vm_module_load(&cfg, data, size, &m, &err) != YB_OK) {
        return 0;
    }
    if (vm_store_new(&cfg, &s) == YB_OK) {
        vm_store_set_gas(s, FUZZ_INSTRUCTIONS * cfg.op_cost);
        if (vm_instance_new(s, m, trap_host_resolve, NULL, &inst, &err, &trap) == YB_OK) {
            fuzz_call_exports(s, inst, m);
        }
    }
    vm_store_free(s);
    vm_module_release(m);
    return 0;
}
