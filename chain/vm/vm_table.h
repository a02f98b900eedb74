/*
 * vm_table.h — tables of references (private part; the public calls are in vm.h).
 */
#ifndef YB_VM_TABLE_H
#define YB_VM_TABLE_H

#include "vm_int.h"

/* Grow t by n elements set to init; *old gets the previous size. YB_EWASM_LIMIT past its max. */
int vm_table_grow(struct vm_table *t, uint32_t n, uint64_t init, uint32_t *old);

#endif
