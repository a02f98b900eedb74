/*
 * vm_instance.c — instantiation: resolve and type-check imports, create memory, tables and
 * globals, apply element and data segments, run the start function; export lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "vm_exec.h"
#include "vm_int.h"
#include "vm_memory.h"
#include "vm_table.h"

static void instance_fini(struct vm_obj *o)
{
    struct vm_instance *inst = (struct vm_instance *)o;
    vm_module_release(inst->mod);
}

/* Import subtyping of limits: the provided object must be at least as large and bounded at
 * least as tightly. */
static bool limits_match(uint32_t have_min, const struct vm_limits *have,
                         const struct vm_limits *want)
{
    if (have_min < want->min) {
        return false;
    }
    if (want->has_max) {
        return have->has_max && have->max <= want->max;
    }
    return true;
}

static bool import_matches(const struct vm_module *m, const struct vm_import *imp,
                           const struct vm_extern *e)
{
    if ((int)e->kind != (int)imp->type.kind) {
        return false;
    }
    switch (e->kind) {
    case VM_EXTERN_FUNC:
        return e->u.func != NULL && vm_type_equal(e->u.func->type, &m->types[imp->index]);
    case VM_EXTERN_TABLE:
        return e->u.table != NULL && e->u.table->elemtype == imp->type.elemtype &&
               limits_match(e->u.table->size, &e->u.table->limits, &imp->type.limits);
    case VM_EXTERN_MEMORY:
        return e->u.memory != NULL &&
               limits_match(e->u.memory->pages, &e->u.memory->limits, &imp->type.limits);
    case VM_EXTERN_GLOBAL:
        return e->u.global != NULL && e->u.global->valtype == imp->type.valtype &&
               e->u.global->mutable_ == imp->type.mutable_;
    }
    return false;
}

static uint64_t const_value(struct vm_instance *inst, const struct vm_constexpr *c)
{
    switch (c->op) {
    case 0x23:
        return inst->globals[c->value]->val.i64;
    case 0xd2:
        return (uint64_t)(uintptr_t)inst->funcs[c->value];
    case 0xd0:
        return 0;
    default:
        return c->value;
    }
}

static int resolve_imports(struct vm_store *s, struct vm_instance *inst, vm_resolve_fn resolve,
                           void *ctx, struct vm_error *err)
{
    const struct vm_module *m = inst->mod;
    uint32_t nf = 0, nt = 0, ng = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const struct vm_import *imp = &m->imports[i];
        struct vm_extern e;
        memset(&e, 0, sizeof(e));
        int rc = resolve == NULL ? YB_ENOTFOUND
                                 : resolve(ctx, s, imp->module_name, imp->name, &imp->type, &e);
        if (rc == YB_ENOTFOUND) {
            return vm_fail(err, YB_EWASM_LINK, "unknown import: %s.%s", imp->module_name,
                           imp->name);
        }
        if (rc != YB_OK) {
            return vm_fail(err, rc, "import %s.%s: %s", imp->module_name, imp->name,
                           yb_err_str(rc));
        }
        if (!import_matches(m, imp, &e)) {
            return vm_fail(err, YB_EWASM_LINK, "incompatible import type: %s.%s", imp->module_name,
                           imp->name);
        }
        switch (e.kind) {
        case VM_EXTERN_FUNC:
            inst->funcs[nf++] = e.u.func;
            break;
        case VM_EXTERN_TABLE:
            inst->tables[nt++] = e.u.table;
            break;
        case VM_EXTERN_MEMORY:
            inst->mem = e.u.memory;
            break;
        case VM_EXTERN_GLOBAL:
            inst->globals[ng++] = e.u.global;
            break;
        }
    }
    return YB_OK;
}

static int create_objects(struct vm_store *s, struct vm_instance *inst, struct vm_error *err)
{
    const struct vm_module *m = inst->mod;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        /* Only functions that can escape the code get an object: exports, table elements,
         * ref.func and global initialisers (all flagged in func_refs at load) and the start
         * function. Direct calls use the funcdef and never look here. */
        if (!m->func_refs[i] && !(m->has_start && m->start == i)) {
            inst->funcs[i] = NULL;
            continue;
        }
        /* Every field written (the block is not zeroed: instantiation is per contract call). */
        struct vm_func *f = &inst->own_funcs[i - m->nfunc_imports];
        *f = (struct vm_func){
            .def = &m->funcs[i],
            .type = &m->types[m->funcs[i].type_index],
            .inst = inst,
            .code = m->code + m->funcs[i].code_start,
            .index = i,
        };
        inst->funcs[i] = f;
    }
    if (m->nmems > 0 && inst->mem == NULL) {
        int rc = vm_memory_create(s, m->mem, s->cfg.max_memory_pages, &inst->mem);
        if (rc) {
            return vm_fail(err, rc == YB_EWASM_LIMIT ? YB_EWASM_LIMIT : rc,
                           "memory of %u pages over the limit of %u pages", m->mem.min,
                           s->cfg.max_memory_pages);
        }
    }
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        int rc = vm_table_new(s, m->tables[i].elemtype, m->tables[i].limits, 0, &inst->tables[i]);
        if (rc) {
            return vm_fail(err, YB_EWASM_LIMIT, "table %u over the limit of %u elements", i,
                           s->cfg.max_table_elements);
        }
    }
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        const struct vm_global_def *d = &m->globals[i];
        struct vm_global *g = &inst->own_globals[i - m->nglobal_imports];
        g->valtype = d->valtype;
        g->mutable_ = d->mutable_;
        g->val.i64 = const_value(inst, &d->init);
        inst->globals[i] = g;
    }
    return YB_OK;
}

static int apply_segments(struct vm_instance *inst, struct vm_trap *trap)
{
    const struct vm_module *m = inst->mod;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const struct vm_elem *e = &m->elems[i];
        if (e->mode == VM_SEG_ACTIVE) {
            struct vm_table *t = inst->tables[e->table];
            uint64_t off = (uint32_t)const_value(inst, &e->offset);
            if (off + e->count > t->size) {
                if (trap != NULL) {
                    memset(trap, 0, sizeof(*trap));
                    trap->kind = VM_TRAP_TABLE_OOB;
                    trap->func_index = UINT32_MAX;
                    snprintf(trap->msg, sizeof(trap->msg), "%s",
                             vm_trap_kind_str(VM_TRAP_TABLE_OOB));
                }
                return YB_EWASM_TRAP;
            }
            for (uint32_t k = 0; k < e->count; k++) {
                t->elems[off + k] = const_value(inst, &e->items[k]);
            }
        }
        if (e->mode != VM_SEG_PASSIVE) {
            inst->elem_dropped[i] = true;
        }
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const struct vm_data *d = &m->datas[i];
        if (d->mode != VM_SEG_ACTIVE) {
            continue;
        }
        uint64_t off = (uint32_t)const_value(inst, &d->offset);
        struct vm_memory *mem = inst->mem;
        if (off + d->len > mem->size) {
            if (trap != NULL) {
                memset(trap, 0, sizeof(*trap));
                trap->kind = VM_TRAP_MEMORY_OOB;
                trap->func_index = UINT32_MAX;
                snprintf(trap->msg, sizeof(trap->msg), "%s", vm_trap_kind_str(VM_TRAP_MEMORY_OOB));
            }
            return YB_EWASM_TRAP;
        }
        memcpy(mem->data + off, d->bytes, d->len);
        vm_memory_mark(mem, off, off + d->len);
        inst->data_dropped[i] = true;
    }
    return YB_OK;
}

int vm_instance_new(struct vm_store *s, struct vm_module *m, vm_resolve_fn resolve,
                    void *resolve_ctx, struct vm_instance **out, struct vm_error *err,
                    struct vm_trap *trap)
{
    *out = NULL;
    struct vm_instance *inst = vm_store_alloc(s, sizeof(*inst));
    inst->store = s;
    inst->mod = vm_module_retain(m);
    /* All per-instance arrays in one block of the store's arena: instantiation is on every
     * contract call. */
    size_t nown = m->nfuncs - m->nfunc_imports, nown_globals = m->nglobals - m->nglobal_imports;
    size_t sz_funcs = m->nfuncs * sizeof(*inst->funcs);
    size_t sz_own = nown * sizeof(*inst->own_funcs);
    size_t sz_tables = m->ntables * sizeof(*inst->tables);
    size_t sz_globals = m->nglobals * sizeof(*inst->globals);
    size_t sz_own_globals = nown_globals * sizeof(*inst->own_globals);
    size_t total =
        sz_own + sz_own_globals + sz_funcs + sz_tables + sz_globals + m->nelems + m->ndatas + 1;
    /* own_funcs (most of the block) is filled by create_objects; the rest starts zeroed. */
    uint8_t *b = vm_store_alloc_raw(s, total);
    memset(b + sz_own, 0, total - sz_own);
    inst->own_funcs = (struct vm_func *)b; /* pointer-aligned structs first */
    b += sz_own;
    inst->own_globals = (struct vm_global *)b;
    b += sz_own_globals;
    inst->funcs = (struct vm_func **)b;
    b += sz_funcs;
    inst->tables = (struct vm_table **)b;
    b += sz_tables;
    inst->globals = (struct vm_global **)b;
    b += sz_globals;
    inst->elem_dropped = (bool *)b;
    b += m->nelems;
    inst->data_dropped = (bool *)b;
    /* The store owns the instance from here on, also when instantiation fails. */
    vm_store_adopt(s, &inst->obj, instance_fini);
    int rc = resolve_imports(s, inst, resolve, resolve_ctx, err);
    if (rc == YB_OK) {
        rc = create_objects(s, inst, err);
    }
    if (rc) {
        return rc;
    }
    rc = apply_segments(inst, trap);
    if (rc) {
        vm_fail(err, rc, "segment out of bounds");
        return rc;
    }
    if (m->has_start) {
        rc = vm_func_call(s, inst->funcs[m->start], NULL, 0, NULL, 0, trap);
        if (rc) {
            vm_fail(err, rc, "start function trapped");
            return rc;
        }
    }
    *out = inst;
    return YB_OK;
}

int vm_instance_export(struct vm_instance *inst, const char *name, struct vm_extern *out)
{
    return vm_instance_export_n(inst, name, strlen(name), out);
}

int vm_instance_export_n(struct vm_instance *inst, const char *name, size_t len,
                         struct vm_extern *out)
{
    const struct vm_module *m = inst->mod;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const struct vm_export *e = &m->exports[i];
        if (len != e->name_len || memcmp(e->name, name, len) != 0) {
            continue;
        }
        out->kind = e->kind;
        switch (e->kind) {
        case VM_EXTERN_FUNC:
            out->u.func = inst->funcs[e->index];
            break;
        case VM_EXTERN_TABLE:
            out->u.table = inst->tables[e->index];
            break;
        case VM_EXTERN_MEMORY:
            out->u.memory = inst->mem;
            break;
        case VM_EXTERN_GLOBAL:
            out->u.global = inst->globals[e->index];
            break;
        }
        return YB_OK;
    }
    return YB_ENOTFOUND;
}

int vm_instance_export_at(struct vm_instance *inst, uint32_t i, struct vm_extern *out)
{
    const struct vm_module *m = inst->mod;
    if (i >= m->nexports) {
        return YB_EINVAL;
    }
    const struct vm_export *e = &m->exports[i];
    return vm_instance_export_n(inst, e->name, e->name_len, out);
}

struct vm_memory *vm_instance_memory(struct vm_instance *inst)
{
    return inst->mem;
}

const struct vm_module *vm_instance_module(const struct vm_instance *inst)
{
    return inst->mod;
}

int vm_instance_invoke(struct vm_instance *inst, const char *name, const union vm_value *args,
                       uint32_t nargs, union vm_value *results, uint32_t nresults,
                       struct vm_trap *trap)
{
    struct vm_extern e;
    int rc = vm_instance_export(inst, name, &e);
    if (rc) {
        return rc;
    }
    if (e.kind != VM_EXTERN_FUNC) {
        return YB_ENOTFOUND;
    }
    return vm_func_call(inst->store, e.u.func, args, nargs, results, nresults, trap);
}
