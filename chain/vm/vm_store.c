/*
 * vm_store.c — stores (one execution context and everything created in it), globals, host
 * functions, calls into wasm, and what a host function may do while it runs.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "err.h"
#include "mem.h"
#include "vm_exec.h"
#include "vm_int.h"
#include "vm_memory.h"

/* Value stack size in slots: frames beyond it trap "call stack exhausted". Mapped lazily. */
#define STORE_STACK_SLOTS (4u << 20)

/* Arena chunks are this large unless one object needs more. An instance of a typical contract
 * (100-200 functions, 20 host imports) fits in one. */
#define STORE_ARENA_CHUNK (32u << 10)

/* One spare store struct and one spare arena chunk per thread: a runtime that makes a store
 * per contract call then allocates nothing for the store and its objects on the common path. */
static _Thread_local struct vm_store *spare_store;
static _Thread_local struct vm_arena_chunk *spare_chunk;
/* The execution area, below, has its spare too. */
static _Thread_local void *spare_area;
static _Thread_local size_t spare_size;

/* A thread that kept spares gives them back when it exits (a node runs contracts on worker
 * threads): a key whose destructor frees them, set once per thread. */
static pthread_key_t spare_key;
static pthread_once_t spare_key_once = PTHREAD_ONCE_INIT;
static _Thread_local bool spare_key_set;

static void spares_release(void *unused)
{
    (void)unused;
    free(spare_store);
    spare_store = NULL;
    free(spare_chunk);
    spare_chunk = NULL;
    if (spare_area != NULL) {
        munmap(spare_area, spare_size);
        spare_area = NULL;
    }
    vm_memory_spare_release();
}

static void spare_key_create(void)
{
    (void)pthread_key_create(&spare_key, spares_release);
}

void vm_spares_note(void)
{
    if (!spare_key_set) {
        pthread_once(&spare_key_once, spare_key_create);
        (void)pthread_setspecific(spare_key, &spare_key_set);
        spare_key_set = true;
    }
}

static void arena_release(struct vm_arena_chunk *c)
{
    while (c != NULL) {
        struct vm_arena_chunk *next = c->next;
        if (spare_chunk == NULL && c->size == STORE_ARENA_CHUNK) {
            c->next = NULL;
            spare_chunk = c;
            vm_spares_note();
        } else {
            free(c);
        }
        c = next;
    }
}

void *vm_store_alloc(struct vm_store *s, size_t n)
{
    void *p = vm_store_alloc_raw(s, n);
    memset(p, 0, n);
    return p;
}

void *vm_store_alloc_raw(struct vm_store *s, size_t n)
{
    if (n > SIZE_MAX / 2) {
        /* No validated module asks for this much (its counts are capped at load); rounding
         * up below would wrap. yb_xmalloc reports the failure and aborts. */
        return yb_xmalloc(n);
    }
    n = (n + 15) & ~(size_t)15;
    struct vm_arena_chunk *c = s->arena;
    if (c == NULL || c->size - c->used < n) {
        if (n <= STORE_ARENA_CHUNK && spare_chunk != NULL) {
            c = spare_chunk;
            spare_chunk = NULL;
        } else {
            size_t size = n > STORE_ARENA_CHUNK ? n : STORE_ARENA_CHUNK;
            c = yb_xmalloc(sizeof(*c) + size);
            c->size = size;
        }
        c->used = 0;
        c->next = s->arena;
        s->arena = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

int vm_store_new(const struct vm_config *cfg, struct vm_store **out)
{
    struct vm_store *s = spare_store;
    if (s != NULL) {
        spare_store = NULL;
        memset(s, 0, sizeof(*s));
    } else {
        s = yb_xcalloc(1, sizeof(*s));
    }
    s->cfg = *cfg;
    s->gas_limit = UINT64_MAX;
    s->gas_left = UINT64_MAX;
    *out = s;
    return YB_OK;
}

/* The stack, frames and host-call buffers are mapped on the first call, so instantiating a
 * module whose code never runs costs nothing here. */
static size_t exec_area_size(const struct vm_store *s)
{
    return (size_t)(s->cfg.max_call_depth + 2) * sizeof(struct vm_frame) +
           2 * VM_MAX_FUNC_VALUES * sizeof(union vm_value) + STORE_STACK_SLOTS * sizeof(vm_slot);
}

/* One spare execution area per thread (spare_area above): a runtime that creates a store per
 * call reuses the mapping (and its already-faulted pages) instead of mapping and unmapping
 * 32 MiB each time. Its contents need no clearing: frames and locals are written before they
 * are read. */

static int ensure_exec_area(struct vm_store *s)
{
    if (s->stack != NULL) {
        return YB_OK;
    }
    size_t n = exec_area_size(s);
    void *p;
    if (spare_area != NULL && spare_size == n) {
        p = spare_area;
        spare_area = NULL;
    } else {
        p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                 0);
        if (p == MAP_FAILED) {
            return YB_ENOMEM;
        }
    }
    uint8_t *b = p;
    s->frames = (struct vm_frame *)b;
    s->nframes_max = s->cfg.max_call_depth + 1;
    b += (size_t)(s->cfg.max_call_depth + 2) * sizeof(struct vm_frame);
    s->host_args = (union vm_value *)b;
    b += VM_MAX_FUNC_VALUES * sizeof(union vm_value);
    s->host_results = (union vm_value *)b;
    b += VM_MAX_FUNC_VALUES * sizeof(union vm_value);
    s->stack = (vm_slot *)b;
    s->stack_slots = STORE_STACK_SLOTS;
    return YB_OK;
}

void vm_store_free(struct vm_store *s)
{
    if (s == NULL) {
        return;
    }
    struct vm_obj *o = s->objs;
    while (o != NULL) {
        struct vm_obj *next = o->next;
        if (o->fini != NULL) {
            o->fini(o);
        }
        o = next;
    }
    arena_release(s->arena);
    if (s->frames != NULL) {
        if (spare_area == NULL) {
            spare_area = s->frames;
            spare_size = exec_area_size(s);
            vm_spares_note();
        } else {
            munmap(s->frames, exec_area_size(s));
        }
    }
    if (spare_store == NULL) {
        spare_store = s;
        vm_spares_note();
    } else {
        free(s);
    }
}

void vm_store_adopt(struct vm_store *s, struct vm_obj *o, void (*fini)(struct vm_obj *o))
{
    o->fini = fini;
    o->next = s->objs;
    s->objs = o;
}

void vm_store_set_gas(struct vm_store *s, uint64_t limit)
{
    s->gas_limit = limit;
    s->gas_left = limit;
}

uint64_t vm_store_gas_used(const struct vm_store *s)
{
    return s->gas_limit - s->gas_left;
}

uint64_t vm_store_gas_left(const struct vm_store *s)
{
    return s->gas_left;
}

/* ---- globals ---- */

int vm_global_new(struct vm_store *s, uint8_t valtype, bool mutable_, union vm_value value,
                  struct vm_global **out)
{
    switch (valtype) {
    case VM_I32:
    case VM_I64:
    case VM_F32:
    case VM_F64:
    case VM_FUNCREF:
    case VM_EXTERNREF:
        break;
    default:
        return YB_EINVAL;
    }
    struct vm_global *g = vm_store_alloc(s, sizeof(*g));
    g->valtype = valtype;
    g->mutable_ = mutable_;
    g->val.i64 = (valtype == VM_I32 || valtype == VM_F32) ? value.i32 : value.i64;
    vm_store_adopt(s, &g->obj, NULL);
    *out = g;
    return YB_OK;
}

void vm_global_get(const struct vm_global *g, union vm_value *out)
{
    out->i64 = (g->valtype == VM_I32 || g->valtype == VM_F32) ? g->val.i32 : g->val.i64;
}

uint8_t vm_global_valtype(const struct vm_global *g)
{
    return g->valtype;
}

int vm_global_set(struct vm_global *g, union vm_value v)
{
    if (!g->mutable_) {
        return YB_EPERM;
    }
    g->val.i64 = v.i64;
    return YB_OK;
}

/* ---- functions ---- */

int vm_func_new_host(struct vm_store *s, const struct vm_functype *type, vm_host_fn fn, void *ctx,
                     struct vm_func **out)
{
    if (fn == NULL || type->nparams > VM_MAX_FUNC_VALUES || type->nresults > VM_MAX_FUNC_VALUES) {
        return YB_EINVAL;
    }
    /* The signature's bytes right behind the struct: one allocation per host import. */
    struct vm_func *f = vm_store_alloc(s, sizeof(*f) + type->nparams + type->nresults + 1);
    f->own_type.nparams = type->nparams;
    f->own_type.nresults = type->nresults;
    f->own_type.vals = (uint8_t *)(f + 1);
    if (type->nparams) {
        memcpy(f->own_type.vals, type->params, type->nparams);
    }
    if (type->nresults) {
        memcpy(f->own_type.vals + type->nparams, type->results, type->nresults);
    }
    f->own_type.hash = vm_type_hash(&f->own_type);
    f->type = &f->own_type;
    f->host = fn;
    f->host_ctx = ctx;
    f->index = UINT32_MAX;
    vm_store_adopt(s, &f->obj, NULL);
    *out = f;
    return YB_OK;
}

void vm_func_type(const struct vm_func *f, struct vm_functype *out)
{
    out->nparams = f->type->nparams;
    out->nresults = f->type->nresults;
    out->params = f->type->vals;
    out->results = f->type->vals + f->type->nparams;
}

int vm_func_call(struct vm_store *s, struct vm_func *f, const union vm_value *args, uint32_t nargs,
                 union vm_value *results, uint32_t nresults, struct vm_trap *trap)
{
    if (nargs != f->type->nparams || nresults != f->type->nresults) {
        return YB_EINVAL;
    }
    if (s->running) {
        return YB_EBUSY;
    }
    int rc = ensure_exec_area(s);
    if (rc) {
        return rc;
    }
    rc = vm_exec_call(s, f, args, results);
    if (rc != YB_OK && trap != NULL) {
        *trap = s->trap;
    }
    return rc;
}

/* ---- inside a host function ---- */

struct vm_instance *vm_call_instance(struct vm_call *call)
{
    return call->inst;
}

struct vm_memory *vm_call_memory(struct vm_call *call)
{
    return call->inst != NULL ? call->inst->mem : NULL;
}

int vm_call_read(struct vm_call *call, uint64_t addr, void *dst, uint64_t len)
{
    return vm_memory_read(vm_call_memory(call), addr, dst, len);
}

int vm_call_write(struct vm_call *call, uint64_t addr, const void *src, uint64_t len)
{
    return vm_memory_write(vm_call_memory(call), addr, src, len);
}

int vm_call_charge_gas(struct vm_call *call, uint64_t gas)
{
    struct vm_store *s = call->store;
    if (s->gas_left < gas) {
        s->gas_left = 0;
        return YB_EOUT_OF_GAS;
    }
    s->gas_left -= gas;
    return YB_OK;
}

uint64_t vm_call_gas_left(const struct vm_call *call)
{
    return call->store->gas_left;
}

int vm_call_trap(struct vm_call *call, int code, void *payload, const char *fmt, ...)
{
    struct vm_trap *t = &call->store->trap;
    va_list ap;
    t->kind = VM_TRAP_HOST;
    t->host_code = code;
    t->host_payload = payload;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
    va_end(ap);
    return YB_EWASM_TRAP;
}

int vm_bindings_resolve(void *ctx, struct vm_store *s, const char *module_name, const char *name,
                        const struct vm_externtype *type, struct vm_extern *out)
{
    const struct vm_bindings *b = ctx;
    if (type->kind != VM_EXTERN_FUNC) {
        return YB_ENOTFOUND;
    }
    for (size_t i = 0; i < b->count; i++) {
        const struct vm_host_binding *h = &b->items[i];
        if (strcmp(h->module_name, module_name) == 0 && strcmp(h->name, name) == 0) {
            out->kind = VM_EXTERN_FUNC;
            return vm_func_new_host(s, &h->type, h->fn, h->ctx, &out->u.func);
        }
    }
    return YB_ENOTFOUND;
}
