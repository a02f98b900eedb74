/*
 * vm_module.c — decoding a module's sections, module lifetime and introspection.
 *
 * Every count read from the module is checked against the bytes left in its section and the
 * configured limit before anything is allocated, so a hostile header cannot make the engine
 * allocate more than a small multiple of the module's own size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "vm_compile.h"
#include "vm_int.h"
#include "vm_read.h"

static int limit_fail(struct vm_reader *r, const char *what, uint64_t n, uint64_t max)
{
    return vm_fail(r->err, YB_EWASM_LIMIT, "%s: %llu over the limit of %llu (offset 0x%x)", what,
                   (unsigned long long)n, (unsigned long long)max, vm_read_offset(r));
}

/* A vector count: at most one entry per remaining byte and at most max. */
static int read_count(struct vm_reader *r, uint32_t max, const char *what, uint32_t *out)
{
    int rc = vm_read_u32(r, out);
    if (rc) {
        return rc;
    }
    if (*out > (size_t)(r->end - r->p)) {
        return vm_read_fail(r, "length out of bounds");
    }
    if (*out > max) {
        return limit_fail(r, what, *out, max);
    }
    return YB_OK;
}

static bool utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        uint32_t cp;
        size_t len;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) {
            return false;
        }
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += len;
    }
    return true;
}

static int read_name(struct vm_reader *r, char **out)
{
    uint32_t n;
    const uint8_t *p;
    int rc = vm_read_u32(r, &n);
    if (rc == YB_OK) {
        rc = vm_read_bytes(r, n, &p);
    }
    if (rc) {
        return rc;
    }
    if (!utf8_valid(p, n)) {
        return vm_read_fail(r, "malformed UTF-8 encoding");
    }
    if (out != NULL) {
        *out = yb_xstrndup((const char *)p, n);
    }
    return YB_OK;
}

static int read_limits(struct vm_module *m, struct vm_reader *r, bool memory, struct vm_limits *l)
{
    uint8_t flags;
    int rc = vm_read_u8(r, &flags);
    if (rc) {
        return rc;
    }
    /* Shared memories (threads) must have a maximum: flag 3. Flag 2, shared without one, is
     * no module under either reading and stays malformed, as binary.wast asserts. */
    if (memory && flags == 3) {
        return vm_fail(r->err, YB_EWASM_FEATURE, "threads (shared memory) not supported");
    }
    if (memory && flags >= 4 && flags <= 7) {
        return vm_fail(r->err, YB_EWASM_FEATURE, "memory64 not supported");
    }
    if (flags > 1) {
        return vm_read_fail(r, memory ? "integer too large" : "integer representation too long");
    }
    rc = vm_read_u32(r, &l->min);
    if (rc) {
        return rc;
    }
    l->has_max = flags == 1;
    l->max = 0;
    if (l->has_max) {
        rc = vm_read_u32(r, &l->max);
        if (rc) {
            return rc;
        }
    }
    if (memory) {
        if (l->min > VM_MAX_PAGES || (l->has_max && l->max > VM_MAX_PAGES)) {
            return vm_fail(r->err, YB_EWASM_INVALID,
                           "memory size must be at most 65536 pages (4GiB)");
        }
    }
    if (l->has_max && l->min > l->max) {
        return vm_fail(r->err, YB_EWASM_INVALID, "size minimum must not be greater than maximum");
    }
    (void)m;
    return YB_OK;
}

static int read_reftype(struct vm_module *m, struct vm_reader *r, uint8_t *out)
{
    int rc = vm_read_u8(r, out);
    if (rc) {
        return rc;
    }
    if (*out == VM_FUNCREF) {
        return YB_OK;
    }
    if (*out == VM_EXTERNREF) {
        if (!(m->cfg.features & VM_FEATURE_REFERENCE_TYPES)) {
            return vm_fail(r->err, YB_EWASM_FEATURE, "reference types not enabled");
        }
        return YB_OK;
    }
    return vm_read_fail(r, "malformed reference type");
}

static int read_table_type(struct vm_module *m, struct vm_reader *r, struct vm_table_def *t)
{
    int rc = read_reftype(m, r, &t->elemtype);
    if (rc == YB_OK) {
        rc = read_limits(m, r, false, &t->limits);
    }
    if (rc == YB_OK && t->limits.min > m->cfg.max_table_elements) {
        rc = limit_fail(r, "table size", t->limits.min, m->cfg.max_table_elements);
    }
    return rc;
}

static int read_global_type(struct vm_module *m, struct vm_reader *r, uint8_t *valtype,
                            bool *mutable_)
{
    uint8_t mut;
    int rc = vm_compile_valtype(m, r, valtype);
    if (rc == YB_OK) {
        rc = vm_read_u8(r, &mut);
    }
    if (rc) {
        return rc;
    }
    if (mut > 1) {
        return vm_read_fail(r, "malformed mutability");
    }
    *mutable_ = mut == 1;
    return YB_OK;
}

static int section_types(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_types, "types", &n);
    if (rc) {
        return rc;
    }
    m->types = yb_xcalloc(n ? n : 1, sizeof(*m->types));
    for (uint32_t i = 0; i < n; i++) {
        uint8_t form;
        uint32_t np, nr;
        rc = vm_read_u8(r, &form);
        if (rc) {
            return rc;
        }
        if (form == 0x5f || form == 0x5e || form == 0x50 || form == 0x4f || form == 0x4e) {
            /* struct, array, sub, sub final, rec: the GC proposal's composite types. */
            return vm_fail(r->err, YB_EWASM_FEATURE,
                           "GC (struct, array, sub and rec types) not supported");
        }
        if (form != 0x60) {
            return vm_read_fail(r, "integer representation too long");
        }
        rc = read_count(r, m->cfg.max_params, "function params", &np);
        if (rc) {
            return rc;
        }
        struct vm_type *t = &m->types[i];
        m->ntypes = i + 1;
        t->vals = yb_xmalloc(np + 1);
        for (uint32_t k = 0; k < np; k++) {
            rc = vm_compile_valtype(m, r, &t->vals[k]);
            if (rc) {
                return rc;
            }
        }
        t->nparams = np;
        rc = read_count(r, VM_MAX_FUNC_VALUES, "function results", &nr);
        if (rc) {
            return rc;
        }
        if (nr > 1 && !(m->cfg.features & VM_FEATURE_MULTI_VALUE)) {
            return vm_fail(r->err, YB_EWASM_FEATURE, "multi-value not enabled");
        }
        t->vals = yb_xrealloc(t->vals, np + nr + 1);
        for (uint32_t k = 0; k < nr; k++) {
            rc = vm_compile_valtype(m, r, &t->vals[np + k]);
            if (rc) {
                return rc;
            }
        }
        t->nresults = nr;
        t->hash = vm_type_hash(t);
    }
    return YB_OK;
}

static int check_type_index(struct vm_module *m, struct vm_reader *r, uint32_t idx)
{
    if (idx >= m->ntypes) {
        return vm_fail(r->err, YB_EWASM_INVALID, "unknown type %u", idx);
    }
    return YB_OK;
}

static void functype_of(const struct vm_type *t, struct vm_functype *out)
{
    out->nparams = t->nparams;
    out->nresults = t->nresults;
    out->params = t->vals;
    out->results = t->vals + t->nparams;
}

static int section_imports(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_imports_exports, "imports", &n);
    if (rc) {
        return rc;
    }
    m->imports = yb_xcalloc(n ? n : 1, sizeof(*m->imports));
    for (uint32_t i = 0; i < n; i++) {
        struct vm_import *imp = &m->imports[m->nimports];
        uint8_t kind;
        rc = read_name(r, &imp->module_name);
        if (rc == YB_OK) {
            m->nimports++; /* owned now: freed with the module */
            rc = read_name(r, &imp->name);
        }
        if (rc == YB_OK) {
            rc = vm_read_u8(r, &kind);
        }
        if (rc) {
            return rc;
        }
        imp->type.kind = kind;
        switch (kind) {
        case VM_EXTERN_FUNC:
            rc = vm_read_u32(r, &imp->index);
            if (rc == YB_OK) {
                rc = check_type_index(m, r, imp->index);
            }
            if (rc) {
                return rc;
            }
            functype_of(&m->types[imp->index], &imp->type.func);
            m->nfunc_imports++;
            break;
        case VM_EXTERN_TABLE: {
            struct vm_table_def t;
            rc = read_table_type(m, r, &t);
            if (rc) {
                return rc;
            }
            imp->type.elemtype = t.elemtype;
            imp->type.limits = t.limits;
            m->ntable_imports++;
            break;
        }
        case VM_EXTERN_MEMORY:
            rc = read_limits(m, r, true, &imp->type.limits);
            if (rc) {
                return rc;
            }
            m->nmem_imports++;
            if (m->nmem_imports > 1) {
                return vm_fail(r->err, YB_EWASM_INVALID, "multiple memories");
            }
            m->mem = imp->type.limits;
            if (m->cfg.memory_override) {
                /* NEAR replaces the contract's memory: drop the import, define one instead. */
                free(imp->module_name);
                free(imp->name);
                memset(imp, 0, sizeof(*imp));
                m->nimports--;
                m->nmem_imports--;
                m->mem_override = true;
            }
            break;
        case VM_EXTERN_GLOBAL:
            rc = read_global_type(m, r, &imp->type.valtype, &imp->type.mutable_);
            if (rc) {
                return rc;
            }
            if (imp->type.mutable_ && !(m->cfg.features & VM_FEATURE_MUTABLE_GLOBALS)) {
                return vm_fail(r->err, YB_EWASM_FEATURE, "mutable globals not enabled");
            }
            m->nglobal_imports++;
            break;
        default:
            return vm_read_fail(r, "malformed import kind");
        }
    }
    if (m->nfunc_imports > m->cfg.max_functions) {
        return limit_fail(r, "functions", m->nfunc_imports, m->cfg.max_functions);
    }
    /* Index spaces start with the imports. */
    m->funcs = yb_xcalloc(m->nfunc_imports ? m->nfunc_imports : 1, sizeof(*m->funcs));
    uint32_t f = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        if (m->imports[i].type.kind == VM_EXTERN_FUNC) {
            m->funcs[f++].type_index = m->imports[i].index;
        }
    }
    m->nfuncs = m->nfunc_imports;
    m->tables = yb_xcalloc(m->ntable_imports ? m->ntable_imports : 1, sizeof(*m->tables));
    m->globals = yb_xcalloc(m->nglobal_imports ? m->nglobal_imports : 1, sizeof(*m->globals));
    uint32_t t = 0, g = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        struct vm_import *imp = &m->imports[i];
        if (imp->type.kind == VM_EXTERN_TABLE) {
            m->tables[t].elemtype = imp->type.elemtype;
            m->tables[t++].limits = imp->type.limits;
        } else if (imp->type.kind == VM_EXTERN_GLOBAL) {
            m->globals[g].valtype = imp->type.valtype;
            m->globals[g++].mutable_ = imp->type.mutable_;
        }
    }
    m->ntables = t;
    m->nglobals = g;
    m->nmems = m->nmem_imports + (m->mem_override ? 1 : 0);
    if (m->ntables > 1 && !(m->cfg.features & VM_FEATURE_REFERENCE_TYPES)) {
        return vm_fail(r->err, YB_EWASM_FEATURE, "multiple tables need reference types");
    }
    return YB_OK;
}

static int section_functions(struct vm_module *m, struct vm_reader *r, uint32_t *ndefined)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_functions, "functions", &n);
    if (rc) {
        return rc;
    }
    if ((uint64_t)n + m->nfunc_imports > m->cfg.max_functions) {
        return limit_fail(r, "functions", (uint64_t)n + m->nfunc_imports, m->cfg.max_functions);
    }
    m->funcs = yb_xrealloc(m->funcs, (m->nfunc_imports + n + 1) * sizeof(*m->funcs));
    uint64_t params = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct vm_funcdef *f = &m->funcs[m->nfunc_imports + i];
        memset(f, 0, sizeof(*f));
        rc = vm_read_u32(r, &f->type_index);
        if (rc == YB_OK) {
            rc = check_type_index(m, r, f->type_index);
        }
        if (rc) {
            return rc;
        }
        /* NEAR's max_params_per_contract: the params of every defined function. */
        params += m->types[f->type_index].nparams;
        if (params > m->cfg.max_params_per_module) {
            return limit_fail(r, "params per module", params, m->cfg.max_params_per_module);
        }
    }
    m->nfuncs = m->nfunc_imports + n;
    *ndefined = n;
    return YB_OK;
}

static int section_tables(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_tables, "tables", &n);
    if (rc) {
        return rc;
    }
    if ((uint64_t)m->ntables + n > m->cfg.max_tables) {
        return limit_fail(r, "tables", (uint64_t)m->ntables + n, m->cfg.max_tables);
    }
    if (m->ntables + n > 1 && !(m->cfg.features & VM_FEATURE_REFERENCE_TYPES)) {
        return vm_fail(r->err, YB_EWASM_FEATURE, "multiple tables need reference types");
    }
    m->tables = yb_xrealloc(m->tables, (m->ntables + n + 1) * sizeof(*m->tables));
    for (uint32_t i = 0; i < n; i++) {
        rc = read_table_type(m, r, &m->tables[m->ntables]);
        if (rc) {
            return rc;
        }
        m->ntables++;
    }
    return YB_OK;
}

static int section_memory(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, 2, "memories", &n);
    if (rc) {
        if (rc == YB_EWASM_LIMIT) {
            return vm_fail(r->err, YB_EWASM_INVALID, "multiple memories");
        }
        return rc;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct vm_limits l;
        rc = read_limits(m, r, true, &l);
        if (rc) {
            return rc;
        }
        if (m->nmems >= 1) {
            return vm_fail(r->err, YB_EWASM_INVALID, "multiple memories");
        }
        m->mem = l;
        m->nmems = 1;
    }
    return YB_OK;
}

static int section_globals(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_globals, "globals", &n);
    if (rc) {
        return rc;
    }
    if ((uint64_t)m->nglobals + n > m->cfg.max_globals) {
        return limit_fail(r, "globals", (uint64_t)m->nglobals + n, m->cfg.max_globals);
    }
    m->globals = yb_xrealloc(m->globals, (m->nglobals + n + 1) * sizeof(*m->globals));
    for (uint32_t i = 0; i < n; i++) {
        struct vm_global_def *g = &m->globals[m->nglobals];
        rc = read_global_type(m, r, &g->valtype, &g->mutable_);
        if (rc == YB_OK) {
            rc = vm_compile_constexpr(m, r, g->valtype, m->nglobal_imports, &g->init);
        }
        if (rc) {
            return rc;
        }
        m->nglobals++;
    }
    return YB_OK;
}

static int section_exports(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_imports_exports, "exports", &n);
    if (rc) {
        return rc;
    }
    m->exports = yb_xcalloc(n ? n : 1, sizeof(*m->exports));
    for (uint32_t i = 0; i < n; i++) {
        struct vm_export *e = &m->exports[i];
        const uint8_t *name_start = r->p;
        rc = read_name(r, &e->name);
        if (rc) {
            return rc;
        }
        m->nexports = i + 1;
        {
            /* Names may contain NUL: keep the exact bytes for comparisons. */
            struct vm_reader nr = {.p = name_start, .end = r->end, .base = r->base, .err = r->err};
            const uint8_t *bytes;
            vm_read_u32(&nr, &e->name_len);
            vm_read_bytes(&nr, e->name_len, &bytes);
            free(e->name);
            e->name = yb_xmalloc(e->name_len + 1);
            memcpy(e->name, bytes, e->name_len);
            e->name[e->name_len] = '\0';
        }
        rc = vm_read_u8(r, &e->kind);
        if (rc == YB_OK) {
            rc = vm_read_u32(r, &e->index);
        }
        if (rc) {
            return rc;
        }
        uint32_t limit;
        switch (e->kind) {
        case VM_EXTERN_FUNC:
            limit = m->nfuncs;
            break;
        case VM_EXTERN_TABLE:
            limit = m->ntables;
            break;
        case VM_EXTERN_MEMORY:
            limit = m->nmems;
            break;
        case VM_EXTERN_GLOBAL:
            limit = m->nglobals;
            break;
        default:
            return vm_read_fail(r, "malformed export kind");
        }
        if (e->index >= limit) {
            static const char *const kinds[] = {"function", "table", "memory", "global"};
            return vm_fail(r->err, YB_EWASM_INVALID, "unknown %s %u", kinds[e->kind], e->index);
        }
        if (e->kind == VM_EXTERN_FUNC) {
            m->func_refs[e->index] = true;
        }
        for (uint32_t k = 0; k < i; k++) {
            if (m->exports[k].name_len == e->name_len &&
                memcmp(m->exports[k].name, e->name, e->name_len) == 0) {
                return vm_fail(r->err, YB_EWASM_INVALID, "duplicate export name");
            }
        }
    }
    return YB_OK;
}

static int section_start(struct vm_module *m, struct vm_reader *r)
{
    int rc = vm_read_u32(r, &m->start);
    if (rc) {
        return rc;
    }
    if (m->start >= m->nfuncs) {
        return vm_fail(r->err, YB_EWASM_INVALID, "unknown function %u", m->start);
    }
    const struct vm_type *t = &m->types[m->funcs[m->start].type_index];
    if (t->nparams || t->nresults) {
        return vm_fail(r->err, YB_EWASM_INVALID, "start function must be [] -> []");
    }
    m->has_start = true;
    return YB_OK;
}

static int check_table(struct vm_module *m, struct vm_reader *r, uint32_t idx)
{
    if (idx >= m->ntables) {
        return vm_fail(r->err, YB_EWASM_INVALID, "unknown table %u", idx);
    }
    return YB_OK;
}

static int section_elems(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_segments, "element segments", &n);
    if (rc) {
        return rc;
    }
    m->elems = yb_xcalloc(n ? n : 1, sizeof(*m->elems));
    for (uint32_t i = 0; i < n; i++) {
        struct vm_elem *e = &m->elems[i];
        uint32_t flags, count;
        rc = vm_read_u32(r, &flags);
        if (rc) {
            return rc;
        }
        m->nelems = i + 1;
        if (flags > 7) {
            return vm_read_fail(r, "malformed elements segment kind");
        }
        if (flags != 0 && !(m->cfg.features & VM_FEATURE_BULK_MEMORY)) {
            return vm_fail(r->err, YB_EWASM_FEATURE, "bulk memory not enabled");
        }
        e->mode = (flags & 1) ? ((flags & 2) ? VM_SEG_DECLARATIVE : VM_SEG_PASSIVE) : VM_SEG_ACTIVE;
        e->elemtype = VM_FUNCREF;
        bool exprs = flags & 4;
        if (e->mode == VM_SEG_ACTIVE) {
            e->table = 0;
            if (flags & 2) {
                rc = vm_read_u32(r, &e->table);
                if (rc) {
                    return rc;
                }
            }
            rc = check_table(m, r, e->table);
            if (rc == YB_OK) {
                rc = vm_compile_constexpr(m, r, VM_I32, m->nglobal_imports, &e->offset);
            }
            if (rc) {
                return rc;
            }
        }
        if (flags & 3) {
            if (exprs) {
                rc = read_reftype(m, r, &e->elemtype);
            } else {
                uint8_t kind;
                rc = vm_read_u8(r, &kind);
                if (rc == YB_OK && kind != 0) {
                    rc = vm_read_fail(r, "malformed element kind");
                }
            }
            if (rc) {
                return rc;
            }
        }
        rc = read_count(r, m->cfg.max_table_elements, "segment elements", &count);
        if (rc) {
            return rc;
        }
        e->items = yb_xcalloc(count ? count : 1, sizeof(*e->items));
        e->count = count;
        for (uint32_t k = 0; k < count; k++) {
            if (exprs) {
                rc = vm_compile_constexpr(m, r, e->elemtype, m->nglobal_imports, &e->items[k]);
            } else {
                e->items[k].op = 0xd2;
                uint32_t fi;
                rc = vm_read_u32(r, &fi);
                if (rc == YB_OK && fi >= m->nfuncs) {
                    rc = vm_fail(r->err, YB_EWASM_INVALID, "unknown function %u", fi);
                }
                e->items[k].value = fi;
            }
            if (rc) {
                return rc;
            }
            if (e->items[k].op == 0xd2) {
                m->func_refs[e->items[k].value] = true;
            }
        }
        if (e->mode == VM_SEG_ACTIVE && m->tables[e->table].elemtype != e->elemtype) {
            return vm_fail(r->err, YB_EWASM_INVALID, "type mismatch: element segment %u", i);
        }
    }
    return YB_OK;
}

static int section_datas(struct vm_module *m, struct vm_reader *r)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_segments, "data segments", &n);
    if (rc) {
        return rc;
    }
    if (m->has_datacount && n != m->datacount) {
        return vm_fail(r->err, YB_EWASM_MALFORMED,
                       "data count and data section have inconsistent lengths");
    }
    m->datas = yb_xcalloc(n ? n : 1, sizeof(*m->datas));
    for (uint32_t i = 0; i < n; i++) {
        struct vm_data *d = &m->datas[i];
        uint32_t flags;
        const uint8_t *bytes;
        rc = vm_read_u32(r, &flags);
        if (rc) {
            return rc;
        }
        m->ndatas = i + 1;
        if (flags > 2) {
            return vm_read_fail(r, "malformed data segment kind");
        }
        if (flags != 0 && !(m->cfg.features & VM_FEATURE_BULK_MEMORY)) {
            return vm_fail(r->err, YB_EWASM_FEATURE, "bulk memory not enabled");
        }
        d->mode = flags == 1 ? VM_SEG_PASSIVE : VM_SEG_ACTIVE;
        if (d->mode == VM_SEG_ACTIVE) {
            if (flags == 2) {
                rc = vm_read_u32(r, &d->memory);
                if (rc) {
                    return rc;
                }
            }
            if (d->memory >= m->nmems) {
                return vm_fail(r->err, YB_EWASM_INVALID, "unknown memory %u", d->memory);
            }
            rc = vm_compile_constexpr(m, r, VM_I32, m->nglobal_imports, &d->offset);
            if (rc) {
                return rc;
            }
        }
        rc = vm_read_u32(r, &d->len);
        if (rc == YB_OK) {
            rc = vm_read_bytes(r, d->len, &bytes);
        }
        if (rc) {
            return rc;
        }
        d->bytes = yb_xmalloc(d->len + 1);
        memcpy(d->bytes, bytes, d->len);
    }
    return YB_OK;
}

static int section_code(struct vm_module *m, struct vm_reader *r, uint32_t ndefined)
{
    uint32_t n;
    int rc = read_count(r, m->cfg.max_functions, "function bodies", &n);
    if (rc) {
        return rc;
    }
    if (n != ndefined) {
        return vm_fail(r->err, YB_EWASM_MALFORMED,
                       "function and code section have inconsistent lengths");
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t size;
        rc = vm_read_u32(r, &size);
        if (rc) {
            return rc;
        }
        if (size > (size_t)(r->end - r->p)) {
            return vm_read_fail(r, "unexpected end");
        }
        if (size > m->cfg.max_function_body) {
            return limit_fail(r, "function body size", size, m->cfg.max_function_body);
        }
        struct vm_reader body = {.p = r->p, .end = r->p + size, .base = r->base, .err = r->err};
        rc = vm_compile_function(m, m->nfunc_imports + i, &body);
        if (rc) {
            return rc;
        }
        r->p += size;
    }
    return YB_OK;
}

/* Prefix the error message with the section it came from. */
static int section_error(struct vm_error *err, uint8_t id)
{
    static const char *const names[] = {"custom", "type",   "import", "function", "table",
                                        "memory", "global", "export", "start",    "element",
                                        "code",   "data",   "data count"};
    char msg[VM_MSG_MAX + 32];
    int n = snprintf(msg, sizeof(msg), "%s section: %s", names[id], err->msg);
    if (n >= VM_MSG_MAX) {
        msg[VM_MSG_MAX - 1] = '\0';
    }
    memcpy(err->msg, msg, VM_MSG_MAX);
    return err->code;
}

/* Section ids in the order the binary format requires (datacount sits before code). */
static int section_rank(uint8_t id)
{
    static const int8_t rank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return id <= 12 ? rank[id] : -1;
}

static int decode(struct vm_module *m, struct vm_reader *r)
{
    const uint8_t *magic;
    int rc = vm_read_bytes(r, 4, &magic);
    if (rc || memcmp(magic, "\0asm", 4) != 0) {
        return vm_fail(r->err, YB_EWASM_MALFORMED, "magic header not detected");
    }
    const uint8_t *version;
    rc = vm_read_bytes(r, 4, &version);
    if (rc || memcmp(version, "\1\0\0\0", 4) != 0) {
        return vm_fail(r->err, YB_EWASM_MALFORMED, "unknown binary version");
    }
    int last = 0;
    uint32_t ndefined = 0;
    bool have_code = false;
    bool refs_ready = false;
    while (r->p < r->end) {
        uint8_t id;
        uint32_t size;
        rc = vm_read_u8(r, &id);
        if (rc == YB_OK) {
            rc = vm_read_u32(r, &size);
        }
        if (rc) {
            return rc;
        }
        if (size > (size_t)(r->end - r->p)) {
            return vm_read_fail(r, "length out of bounds");
        }
        int rank = section_rank(id);
        if (rank < 0 && id == 13 && size > 0) {
            /* The exception-handling proposal's tag section. An empty one (not even a count)
             * is malformed under either reading, as binary.wast asserts. */
            return vm_fail(r->err, YB_EWASM_FEATURE,
                           "exception handling (tag section) not supported (offset 0x%x)",
                           vm_read_offset(r));
        }
        if (rank < 0) {
            return vm_read_fail(r, "malformed section id");
        }
        struct vm_reader s = {.p = r->p, .end = r->p + size, .base = r->base, .err = r->err};
        r->p += size;
        if (id == 0) {
            rc = read_name(&s, NULL);
            if (rc) {
                return rc;
            }
            continue;
        }
        if (rank <= last) {
            return vm_read_fail(&s, "unexpected content after last section");
        }
        last = rank;
        if (id >= 6 && !refs_ready) {
            /* The function index space is complete: flags for functions declared by reference. */
            free(m->func_refs);
            m->func_refs = yb_xcalloc(m->nfuncs + 1, sizeof(bool));
            refs_ready = true;
        }
        switch (id) {
        case 1:
            rc = section_types(m, &s);
            break;
        case 2:
            rc = section_imports(m, &s);
            break;
        case 3:
            rc = section_functions(m, &s, &ndefined);
            break;
        case 4:
            rc = section_tables(m, &s);
            break;
        case 5:
            rc = section_memory(m, &s);
            break;
        case 6:
            rc = section_globals(m, &s);
            break;
        case 7:
            rc = section_exports(m, &s);
            break;
        case 8:
            rc = section_start(m, &s);
            break;
        case 9:
            rc = section_elems(m, &s);
            break;
        case 10:
            have_code = true;
            rc = section_code(m, &s, ndefined);
            break;
        case 11:
            rc = section_datas(m, &s);
            break;
        case 12:
            rc = vm_read_u32(&s, &m->datacount);
            if (rc == YB_OK && m->datacount > m->cfg.max_segments) {
                rc = limit_fail(&s, "data segments", m->datacount, m->cfg.max_segments);
            }
            m->has_datacount = true;
            break;
        }
        if (rc == YB_OK && s.p != s.end) {
            rc = vm_read_fail(&s, "section size mismatch");
        }
        if (rc) {
            return section_error(r->err, id);
        }
        if (s.p != s.end) {
            return vm_read_fail(&s, "section size mismatch");
        }
    }
    if (ndefined > 0 && !have_code) {
        return vm_fail(r->err, YB_EWASM_MALFORMED,
                       "function and code section have inconsistent lengths");
    }
    if (m->has_datacount && m->datacount != m->ndatas && m->ndatas == 0) {
        return vm_fail(r->err, YB_EWASM_MALFORMED,
                       "data count and data section have inconsistent lengths");
    }
    if (m->cfg.memory_override && m->nmems == 0) {
        m->nmems = 1;
    }
    if (m->cfg.memory_override) {
        m->mem.min = m->cfg.override_initial_pages;
        m->mem.max = m->cfg.override_max_pages;
        m->mem.has_max = true;
        m->mem_override = true;
    }
    return YB_OK;
}

static void module_free(struct vm_module *m)
{
    for (uint32_t i = 0; i < m->ntypes; i++) {
        free(m->types[i].vals);
    }
    free(m->types);
    for (uint32_t i = 0; i < m->nimports; i++) {
        free(m->imports[i].module_name);
        free(m->imports[i].name);
    }
    free(m->imports);
    free(m->funcs);
    free(m->tables);
    free(m->globals);
    for (uint32_t i = 0; i < m->nexports; i++) {
        free(m->exports[i].name);
    }
    free(m->exports);
    for (uint32_t i = 0; i < m->nelems; i++) {
        free(m->elems[i].items);
    }
    free(m->elems);
    for (uint32_t i = 0; i < m->ndatas; i++) {
        free(m->datas[i].bytes);
    }
    free(m->datas);
    free(m->func_refs);
    free(m->code);
    free(m->code_offsets);
    free(m);
}

int vm_module_load(const struct vm_config *cfg, const uint8_t *code, size_t len,
                   struct vm_module **out, struct vm_error *err)
{
    struct vm_error local;
    if (err == NULL) {
        err = &local;
    }
    err->code = YB_OK;
    err->msg[0] = '\0';
    *out = NULL;
    if (len > cfg->max_module_size) {
        return vm_fail(err, YB_EWASM_LIMIT, "module size %zu over the limit of %zu", len,
                       cfg->max_module_size);
    }
    struct vm_module *m = yb_xcalloc(1, sizeof(*m));
    atomic_init(&m->refs, 1);
    m->cfg = *cfg;
    m->func_refs = yb_xcalloc(1, sizeof(bool));
    struct vm_reader r = {.p = code, .end = code + len, .base = code, .err = err};
    int rc = decode(m, &r);
    if (rc) {
        module_free(m);
        return rc;
    }
    *out = m;
    return YB_OK;
}

struct vm_module *vm_module_retain(struct vm_module *m)
{
    atomic_fetch_add(&m->refs, 1);
    return m;
}

void vm_module_release(struct vm_module *m)
{
    if (m != NULL && atomic_fetch_sub(&m->refs, 1) == 1) {
        module_free(m);
    }
}

uint32_t vm_module_import_count(const struct vm_module *m)
{
    return m->nimports;
}

int vm_module_import(const struct vm_module *m, uint32_t i, const char **module_name,
                     const char **name, struct vm_externtype *type)
{
    if (i >= m->nimports) {
        return YB_EINVAL;
    }
    *module_name = m->imports[i].module_name;
    *name = m->imports[i].name;
    *type = m->imports[i].type;
    return YB_OK;
}

uint32_t vm_module_export_count(const struct vm_module *m)
{
    return m->nexports;
}

int vm_module_export(const struct vm_module *m, uint32_t i, const char **name,
                     struct vm_externtype *type)
{
    if (i >= m->nexports) {
        return YB_EINVAL;
    }
    const struct vm_export *e = &m->exports[i];
    *name = e->name;
    memset(type, 0, sizeof(*type));
    type->kind = e->kind;
    switch (e->kind) {
    case VM_EXTERN_FUNC:
        functype_of(&m->types[m->funcs[e->index].type_index], &type->func);
        break;
    case VM_EXTERN_TABLE:
        type->elemtype = m->tables[e->index].elemtype;
        type->limits = m->tables[e->index].limits;
        break;
    case VM_EXTERN_MEMORY:
        type->limits = m->mem;
        break;
    case VM_EXTERN_GLOBAL:
        type->valtype = m->globals[e->index].valtype;
        type->mutable_ = m->globals[e->index].mutable_;
        break;
    }
    return YB_OK;
}
