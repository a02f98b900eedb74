/*
 * vm_exec.h — the interpreter's entry points. Private to chain/vm.
 */
#ifndef YB_VM_EXEC_H
#define YB_VM_EXEC_H

#include "vm_int.h"

/* The handler address of each enum vm_iop (for the compiler's threaded code). */
const void *const *vm_exec_labels(void);

/* Run f with args (f's params) in the store; results written to results. The store's trap is
 * filled on failure. Returns YB_OK, YB_EWASM_TRAP or YB_EOUT_OF_GAS. */
int vm_exec_call(struct vm_store *s, struct vm_func *f, const union vm_value *args,
                 union vm_value *results);

#endif
