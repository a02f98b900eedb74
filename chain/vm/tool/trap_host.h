/*
 * trap_host.h — an import resolver that binds every function import, whatever its module, name
 * and signature, to a host function that traps when called. For drivers that must instantiate a
 * module without giving it a real host: the near-hello check, the instantiate benchmark, the
 * fuzz target. Memories, tables and globals are not provided (YB_ENOTFOUND), so a module that
 * imports one fails to instantiate naming it.
 */
#ifndef YB_VM_TRAP_HOST_H
#define YB_VM_TRAP_HOST_H

#include "vm.h"

/* The host_code a trapping import reports in struct vm_trap (VM_TRAP_HOST). */
#define TRAP_HOST_CODE 0x7472

/* A vm_resolve_fn: pass trap_host_resolve with a NULL context to vm_instance_new. Function
 * imports get a new host function of exactly the declared type (owned by the store s); anything
 * else is YB_ENOTFOUND. Errors from vm_func_new_host are returned as they are. */
int trap_host_resolve(void *ctx, struct vm_store *s, const char *module_name, const char *name,
                      const struct vm_externtype *type, struct vm_extern *out);

#endif
