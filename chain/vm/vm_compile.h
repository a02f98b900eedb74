/*
 * vm_compile.h — validate one function body and compile it into the engine's threaded code.
 * Private to chain/vm.
 *
 * Validation and code generation are one pass over the body: the validator's operand stack
 * tells the code generator which frame slot every value lives in, so the compiled code needs no
 * LEB128 decoding, no branch-target search and no stack-pointer arithmetic at run time.
 */
#ifndef YB_VM_COMPILE_H
#define YB_VM_COMPILE_H

#include "vm_int.h"
#include "vm_read.h"

/* Validate and compile defined function `func_index` of m, whose body (after its size) is
 * [body->p, body->end). Appends to m->code; fills m->funcs[func_index]. m borrowed (all
 * sections before code must be decoded). Errors: YB_EWASM_MALFORMED, YB_EWASM_INVALID,
 * YB_EWASM_FEATURE, YB_EWASM_LIMIT, with err naming the function and offset. */
int vm_compile_function(struct vm_module *m, uint32_t func_index, struct vm_reader *body);

/* Validate a constant expression of type `type` at r; `nglobals_visible` bounds global.get.
 * Errors as above. */
int vm_compile_constexpr(struct vm_module *m, struct vm_reader *r, uint8_t type,
                         uint32_t nglobals_visible, struct vm_constexpr *out);

/* Read a value type byte, checking it against the enabled features. */
int vm_compile_valtype(const struct vm_module *m, struct vm_reader *r, uint8_t *out);

#endif
