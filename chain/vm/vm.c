/*
 * vm.c — configuration defaults, error helpers and type identity shared by the engine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "vm_int.h"

void vm_config_default(struct vm_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->features = VM_FEATURE_ALL;
    cfg->max_module_size = 4u << 20;
    cfg->max_types = 1024;
    cfg->max_functions = 10000;
    cfg->max_function_body = 262144;
    cfg->max_locals = 50000;
    cfg->max_locals_per_module = 10000000;
    cfg->max_blocks_per_function = 50000;
    cfg->max_blocks_per_module = 1000000;
    cfg->max_params_per_module = 10000000;
    cfg->max_params = VM_MAX_FUNC_VALUES;
    cfg->max_tables = 100;
    cfg->max_table_elements = 10000000;
    cfg->max_globals = 100000;
    cfg->max_segments = 100000;
    cfg->max_imports_exports = 100000;
    cfg->max_nesting = 10000;
    cfg->max_memory_pages = VM_MAX_PAGES;
    cfg->memory_override = false;
    cfg->override_initial_pages = VM_NEAR_INITIAL_MEMORY_PAGES;
    cfg->override_max_pages = VM_NEAR_MAX_MEMORY_PAGES;
    cfg->max_stack_bytes = VM_NEAR_MAX_STACK_BYTES;
    cfg->max_call_depth = 10000;
    cfg->op_cost = VM_NEAR_REGULAR_OP_COST;
    cfg->bulk_base_cost = VM_NEAR_LINEAR_OP_BASE_COST;
    cfg->bulk_unit_cost = VM_NEAR_LINEAR_OP_UNIT_COST;
    cfg->grow_page_cost = 0;
}

void vm_config_near(struct vm_config *cfg)
{
    vm_config_default(cfg);
    cfg->memory_override = true;
    cfg->max_params = 64;
    cfg->max_tables = 1;
    cfg->max_table_elements = 10000;
    /* 196,608 since protocol 84 (84.yaml; the first 84.yaml said 262,144). */
    cfg->max_function_body = 196608;
    cfg->max_locals_per_module = 1000000;
    cfg->max_blocks_per_function = 5000;
    cfg->max_blocks_per_module = 50000;
    cfg->max_params_per_module = 50000;
    cfg->max_memory_pages = VM_NEAR_MAX_MEMORY_PAGES;
}

const char *vm_trap_kind_str(enum vm_trap_kind kind)
{
    switch (kind) {
    case VM_TRAP_NONE:
        return "no trap";
    case VM_TRAP_UNREACHABLE:
        return "unreachable";
    case VM_TRAP_MEMORY_OOB:
        return "out of bounds memory access";
    case VM_TRAP_TABLE_OOB:
        return "out of bounds table access";
    case VM_TRAP_DIV_ZERO:
        return "integer divide by zero";
    case VM_TRAP_INT_OVERFLOW:
        return "integer overflow";
    case VM_TRAP_INVALID_CONVERSION:
        return "invalid conversion to integer";
    case VM_TRAP_INDIRECT_MISMATCH:
        return "indirect call type mismatch";
    case VM_TRAP_UNDEFINED_ELEMENT:
        return "undefined element";
    case VM_TRAP_UNINITIALIZED_ELEMENT:
        return "uninitialized element";
    case VM_TRAP_NULL_REFERENCE:
        return "null reference";
    case VM_TRAP_STACK_EXHAUSTED:
        return "call stack exhausted";
    case VM_TRAP_OUT_OF_GAS:
        return "out of gas";
    case VM_TRAP_HOST:
        return "host trap";
    }
    return "unknown trap";
}

int vm_fail(struct vm_error *err, int code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

bool vm_type_equal(const struct vm_type *a, const struct vm_type *b)
{
    if (a == b) {
        return true;
    }
    return a->hash == b->hash && a->nparams == b->nparams && a->nresults == b->nresults &&
           memcmp(a->vals, b->vals, a->nparams + a->nresults) == 0;
}

uint64_t vm_type_hash(const struct vm_type *t)
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)t->nparams << 32 | t->nresults);
    for (uint32_t i = 0; i < t->nparams + t->nresults; i++) {
        h = (h ^ t->vals[i]) * 1099511628211ull;
    }
    return h;
}
