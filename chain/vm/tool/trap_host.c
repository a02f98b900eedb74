/*
 * trap_host.c — trapping host functions for every function import (see trap_host.h).
 */
#include "trap_host.h"

#include "err.h"

static int trap_host_call(struct vm_call *call, void *ctx, const union vm_value *args,
                          union vm_value *results)
{
    /* The import's names are not kept: the resolver's strings are only borrowed for the call,
     * and the trap already says which function called out. */
    return vm_call_trap(call, TRAP_HOST_CODE, NULL, "host import called, but no host is bound");
}

int trap_host_resolve(void *ctx, struct vm_store *s, const char *module_name, const char *name,
                      const struct vm_externtype *type, struct vm_extern *out)
{
    if (type->kind != VM_EXTERN_FUNC) {
        return YB_ENOTFOUND;
    }
    out->kind = VM_EXTERN_FUNC;
    return vm_func_new_host(s, &type->func, trap_host_call, NULL, &out->u.func);
}
