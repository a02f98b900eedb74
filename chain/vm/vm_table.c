/*
 * vm_table.c — tables of references (funcref: struct vm_func pointers; externref: host values).
 */
#include <stdlib.h>

#include "err.h"
#include "mem.h"
#include "vm_table.h"

static void table_fini(struct vm_obj *o)
{
    free(((struct vm_table *)o)->elems);
}

int vm_table_new(struct vm_store *s, uint8_t elemtype, struct vm_limits limits, uint64_t init_ref,
                 struct vm_table **out)
{
    if ((elemtype != VM_FUNCREF && elemtype != VM_EXTERNREF) ||
        (limits.has_max && limits.max < limits.min)) {
        return YB_EINVAL;
    }
    uint32_t max = limits.has_max ? limits.max : UINT32_MAX;
    if (max > s->cfg.max_table_elements) {
        max = s->cfg.max_table_elements;
    }
    if (limits.min > max) {
        return YB_EWASM_LIMIT;
    }
    struct vm_table *t = vm_store_alloc(s, sizeof(*t));
    t->elems = yb_xcalloc(limits.min ? limits.min : 1, sizeof(uint64_t));
    for (uint32_t i = 0; i < limits.min; i++) {
        t->elems[i] = init_ref;
    }
    t->size = limits.min;
    t->max = max;
    t->elemtype = elemtype;
    t->limits = limits;
    vm_store_adopt(s, &t->obj, table_fini);
    *out = t;
    return YB_OK;
}

int vm_table_grow(struct vm_table *t, uint32_t n, uint64_t init, uint32_t *old)
{
    *old = t->size;
    if ((uint64_t)t->size + n > t->max) {
        return YB_EWASM_LIMIT;
    }
    if (n == 0) {
        return YB_OK;
    }
    t->elems = yb_xrealloc(t->elems, ((size_t)t->size + n) * sizeof(uint64_t));
    for (uint32_t i = 0; i < n; i++) {
        t->elems[t->size + i] = init;
    }
    t->size += n;
    return YB_OK;
}

uint32_t vm_table_size(const struct vm_table *t)
{
    return t->size;
}

int vm_table_get(const struct vm_table *t, uint32_t i, uint64_t *ref)
{
    if (i >= t->size) {
        return YB_EINVAL;
    }
    *ref = t->elems[i];
    return YB_OK;
}
