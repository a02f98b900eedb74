/*
 * logic.c — one function call: gas accounting, guest memory and registers, receipt drafts and
 * promises, binding the `env` imports to the engine, running the method, turning traps into
 * nearcore's error kinds, gas-weight distribution, and the outcome's life cycle. Everything the
 * host_*.c files share lives here (declared in logic_int.h); the host functions themselves live
 * in host_*.c.
 */
#include "logic.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "crypto.h"
#include "err.h"
#include "logic_int.h"
#include "mem.h"

/* Every host function table; build_host_index gathers them into one sorted index. */
static const struct logic_host_fn *const host_tables[] = {
    host_registers_fns, host_context_fns, host_storage_fns, host_misc_fns,
    host_math_fns,      host_promise_fns, host_yield_fns,
};

void logic_grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) {
        return;
    }
    size_t ncap = *cap ? *cap * 2 : 4;
    *arr = yb_xrealloc(*arr, ncap * elem);
    *cap = ncap;
}

/* ---- errors ---- */

int logic_fail(struct logic *l, enum logic_error_kind kind, uint64_t a, uint64_t b, const char *msg)
{
    struct logic_error *e = &l->out->error;
    if (e->kind == LOGIC_ERR_NONE) {
        e->kind = kind;
        e->a = a;
        e->b = b;
        e->msg = msg ? yb_xstrdup(msg) : NULL;
    }
    return LOGIC_ABORT;
}

int logic_fail_internal(struct logic *l, int err)
{
    if (l->internal == 0) {
        l->internal = err ? err : YB_EINTERNAL;
    }
    return LOGIC_ABORT;
}

int logic_trap(struct logic *l)
{
    /* Running out of gas is reported as the engine's own out-of-gas trap, so the engine stops
     * exactly as it would for wasm code; the precise kind is already in l->out->error. */
    if (l->out->error.kind == LOGIC_ERR_GAS_EXCEEDED ||
        l->out->error.kind == LOGIC_ERR_GAS_LIMIT_EXCEEDED) {
        return YB_EOUT_OF_GAS;
    }
    return vm_call_trap(l->call, YB_ERUNTIME, NULL, "%s", logic_error_name(l->out->error.kind));
}

struct logic *logic_enter(struct vm_call *call, void *ctx)
{
    struct logic *l = ctx;
    l->call = call;
    return l;
}

/* ---- gas ---- */

uint64_t logic_used_gas(const struct logic *l)
{
    return l->pre_burnt + vm_store_gas_used(l->store);
}

uint64_t logic_burnt_gas(const struct logic *l)
{
    return logic_used_gas(l) - l->promises_gas;
}

/* The out-of-gas kind nearcore reports: the burnt limit is checked before the prepaid one. */
static int fail_gas(struct logic *l, uint64_t new_burnt)
{
    if (new_burnt > l->cfg->limits.max_gas_burnt) {
        return logic_fail(l, LOGIC_ERR_GAS_LIMIT_EXCEEDED, 0, 0, NULL);
    }
    return logic_fail(l, LOGIC_ERR_GAS_EXCEEDED, 0, 0, NULL);
}

int logic_gas(struct logic *l, uint64_t burn, uint64_t use)
{
    uint64_t burnt = logic_burnt_gas(l);
    uint64_t new_burnt = burnt + burn;
    if (new_burnt < burnt) {
        return logic_fail(l, LOGIC_ERR_INTEGER_OVERFLOW, 0, 0, NULL);
    }
    if (vm_call_charge_gas(l->call, use) != YB_OK) {
        if (!l->oog_set) {
            l->oog_set = true;
            l->oog_burnt = new_burnt < l->gas_limit ? new_burnt : l->gas_limit;
        }
        return fail_gas(l, new_burnt);
    }
    l->promises_gas += use - burn;
    return 0;
}

int logic_pay(struct logic *l, enum config_ext_cost c)
{
    uint64_t g = l->cfg->ext[c];
    return logic_gas(l, g, g);
}

int logic_pay_per(struct logic *l, enum config_ext_cost c, uint64_t n)
{
    uint64_t g;
    if (__builtin_mul_overflow(l->cfg->ext[c], n, &g)) {
        return logic_fail(l, LOGIC_ERR_INTEGER_OVERFLOW, 0, 0, NULL);
    }
    return logic_gas(l, g, g);
}

int logic_check_not_view(struct logic *l, const char *name)
{
    if (l->ctx->is_view) {
        return logic_fail(l, LOGIC_ERR_PROHIBITED_IN_VIEW, 0, 0, name);
    }
    return 0;
}

static void hashes_ready(struct logic *l)
{
    if (l->hashes_ready) {
        return;
    }
    if (l->ctx->derive_hashes) {
        l->ctx->derive_hashes(l->ctx->derive_arg, l->action_hash, l->random_seed);
    } else {
        memcpy(l->action_hash, l->ctx->action_hash, LOGIC_HASH_LEN);
        memcpy(l->random_seed, l->ctx->random_seed, LOGIC_HASH_LEN);
    }
    l->hashes_ready = true;
}

const uint8_t *logic_action_hash(struct logic *l)
{
    hashes_ready(l);
    return l->action_hash;
}

const uint8_t *logic_random_seed(struct logic *l)
{
    hashes_ready(l);
    return l->random_seed;
}

void logic_new_data_id(struct logic *l, uint8_t out[LOGIC_HASH_LEN])
{
    uint8_t buf[LOGIC_HASH_LEN + 16];
    memcpy(buf, logic_action_hash(l), LOGIC_HASH_LEN);
    for (int i = 0; i < 8; i++) {
        buf[LOGIC_HASH_LEN + i] = (uint8_t)(l->ctx->block_height >> (8 * i));
        buf[LOGIC_HASH_LEN + 8 + i] = (uint8_t)(l->data_count >> (8 * i));
    }
    crypto_sha256(buf, sizeof(buf), out);
    l->data_count++;
}

/* ---- guest memory and registers (nearcore's vmstate.rs) ---- */

/* Each register costs its length plus this much towards registers_memory_limit. */
#define REGISTER_OVERHEAD 8

/* The caller's memory if [ptr, ptr+len) lies inside it; MemoryAccessViolation otherwise. */
static int mem_bounds(struct logic *l, uint64_t ptr, uint64_t len, struct vm_memory **mem)
{
    struct vm_memory *m = vm_call_memory(l->call);
    uint64_t end;
    if (!m || __builtin_add_overflow(ptr, len, &end) || end > vm_memory_size(m)) {
        return logic_fail(l, LOGIC_ERR_MEMORY_ACCESS_VIOLATION, 0, 0, NULL);
    }
    *mem = m;
    return 0;
}

int logic_mem_view(struct logic *l, uint64_t ptr, uint64_t len, const uint8_t **out)
{
    struct vm_memory *m;
    if (logic_pay(l, CONFIG_EXT_READ_MEMORY_BASE) ||
        logic_pay_per(l, CONFIG_EXT_READ_MEMORY_BYTE, len) || mem_bounds(l, ptr, len, &m)) {
        return LOGIC_ABORT;
    }
    *out = vm_memory_view(m) + ptr;
    return 0;
}

int logic_mem_write(struct logic *l, uint64_t ptr, const void *data, uint64_t len)
{
    struct vm_memory *m;
    if (logic_pay(l, CONFIG_EXT_WRITE_MEMORY_BASE) ||
        logic_pay_per(l, CONFIG_EXT_WRITE_MEMORY_BYTE, len) || mem_bounds(l, ptr, len, &m)) {
        return LOGIC_ABORT;
    }
    /* Through the engine's write, which records the extent written: the memory is cleared by
     * that extent when the call ends (data may point into the memory itself). */
    if (len && vm_memory_write(m, ptr, data, len) != YB_OK) {
        return logic_fail(l, LOGIC_ERR_MEMORY_ACCESS_VIOLATION, 0, 0, NULL);
    }
    return 0;
}

int logic_mem_read_u128(struct logic *l, uint64_t ptr, yb_u128 *out)
{
    const uint8_t *p;
    if (logic_mem_view(l, ptr, 16, &p)) {
        return LOGIC_ABORT;
    }
    yb_u128 v = 0;
    for (int i = 15; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    *out = v;
    return 0;
}

int logic_mem_write_u128(struct logic *l, uint64_t ptr, yb_u128 v)
{
    uint8_t b[16];
    for (int i = 0; i < 16; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
    return logic_mem_write(l, ptr, b, 16);
}

static struct logic_register *reg_find(struct logic *l, uint64_t id)
{
    for (size_t i = 0; i < l->n_regs; i++) {
        if (l->regs[i].id == id) {
            return &l->regs[i];
        }
    }
    return NULL;
}

bool logic_reg_len(struct logic *l, uint64_t id, uint64_t *len)
{
    struct logic_register *r = reg_find(l, id);
    if (!r) {
        return false;
    }
    *len = r->len;
    return true;
}

int logic_reg_get(struct logic *l, uint64_t id, const uint8_t **out, size_t *len)
{
    struct logic_register *r = reg_find(l, id);
    if (!r) {
        return logic_fail(l, LOGIC_ERR_INVALID_REGISTER_ID, id, 0, NULL);
    }
    if (logic_pay(l, CONFIG_EXT_READ_REGISTER_BASE) ||
        logic_pay_per(l, CONFIG_EXT_READ_REGISTER_BYTE, r->len)) {
        return LOGIC_ABORT;
    }
    *out = r->data;
    *len = r->len;
    return 0;
}

int logic_reg_set(struct logic *l, uint64_t id, const uint8_t *data, size_t len)
{
    return logic_reg_set_shared(l, id, data, len, true);
}

/* The charges and nearcore's checks of a register write of len bytes; on success *slot is the
 * register to fill (its old contents still there) and l->regs_memory is updated. */
static int reg_prepare(struct logic *l, uint64_t id, size_t len, bool charge_bytes,
                       struct logic_register **slot)
{
    const struct config_limits *lim = &l->cfg->limits;
    if (logic_pay(l, CONFIG_EXT_WRITE_REGISTER_BASE) ||
        (charge_bytes && logic_pay_per(l, CONFIG_EXT_WRITE_REGISTER_BYTE, len))) {
        return LOGIC_ABORT;
    }
    if (len > lim->max_register_size) {
        return logic_fail(l, LOGIC_ERR_MEMORY_ACCESS_VIOLATION, 0, 0, NULL);
    }
    /* nearcore's quirk: at the register-count limit even overwriting an existing register
     * fails (vmstate.rs check_set_register). */
    if (l->n_regs >= lim->max_number_registers) {
        return logic_fail(l, LOGIC_ERR_MEMORY_ACCESS_VIOLATION, 0, 0, NULL);
    }
    struct logic_register *r = reg_find(l, id);
    uint64_t old = r ? r->len + REGISTER_OVERHEAD : 0;
    uint64_t usage = l->regs_memory - old + len + REGISTER_OVERHEAD;
    if (usage > lim->registers_memory_limit) {
        return logic_fail(l, LOGIC_ERR_MEMORY_ACCESS_VIOLATION, 0, 0, NULL);
    }
    if (!r) {
        logic_grow((void **)&l->regs, &l->cap_regs, l->n_regs, sizeof(*l->regs));
        r = &l->regs[l->n_regs++];
        r->id = id;
        r->data = NULL;
        r->len = 0;
    }
    l->regs_memory = usage;
    *slot = r;
    return 0;
}

int logic_reg_set_shared(struct logic *l, uint64_t id, const uint8_t *data, size_t len,
                         bool charge_bytes)
{
    struct logic_register *r;
    if (reg_prepare(l, id, len, charge_bytes, &r)) {
        return LOGIC_ABORT;
    }
    /* Copy before freeing: data may point into the register being replaced. */
    uint8_t *copy = NULL;
    if (len) {
        copy = yb_xmalloc(len);
        memcpy(copy, data, len);
    }
    free(r->data);
    r->data = copy;
    r->len = len;
    return 0;
}

int logic_reg_take(struct logic *l, uint64_t id, uint8_t *data, size_t len)
{
    struct logic_register *r;
    if (reg_prepare(l, id, len, true, &r)) {
        free(data);
        return LOGIC_ABORT;
    }
    free(r->data);
    r->data = len ? data : NULL;
    if (!len) {
        free(data);
    }
    r->len = len;
    return 0;
}

int logic_mem_or_reg(struct logic *l, uint64_t ptr, uint64_t len, const uint8_t **out,
                     size_t *out_len)
{
    if (len == UINT64_MAX) {
        return logic_reg_get(l, ptr, out, out_len);
    }
    if (logic_mem_view(l, ptr, len, out)) {
        return LOGIC_ABORT;
    }
    *out_len = (size_t)len;
    return 0;
}

void logic_regs_free(struct logic *l)
{
    for (size_t i = 0; i < l->n_regs; i++) {
        free(l->regs[i].data);
    }
    free(l->regs);
    l->regs = NULL;
    l->n_regs = l->cap_regs = 0;
}

/* ---- receipts and promises (shared by host_promise.c and host_yield.c) ---- */

uint64_t logic_new_receipt(struct logic *l, const char *receiver)
{
    struct logic_outcome *o = l->out;
    logic_grow((void **)&o->receipts, &l->cap_receipts, o->n_receipts, sizeof(*o->receipts));
    struct logic_receipt_draft *r = &o->receipts[o->n_receipts];
    memset(r, 0, sizeof(*r));
    r->receiver_id = yb_xstrdup(receiver);
    return o->n_receipts++;
}

int logic_push_promise(struct logic *l, struct logic_promise p, uint64_t *idx)
{
    logic_grow((void **)&l->promises, &l->cap_promises, l->n_promises, sizeof(*l->promises));
    l->promises[l->n_promises++] = p;
    *idx = l->n_promises - 1;
    uint64_t limit = l->cfg->limits.max_promises_per_function_call_action;
    if (l->n_promises > limit) {
        return logic_fail(l, LOGIC_ERR_NUMBER_PROMISES_EXCEEDED, l->n_promises, limit, NULL);
    }
    return 0;
}

int logic_pay_new_receipt(struct logic *l, bool sir, const bool *deps, size_t n_deps)
{
    const struct config_runtime *c = l->cfg;
    uint64_t burn = config_fee_send(c, CONFIG_FEE_ACTION_RECEIPT_CREATION, sir);
    uint64_t use = config_fee_exec(c, CONFIG_FEE_ACTION_RECEIPT_CREATION);
    for (size_t i = 0; i < n_deps; i++) {
        /* Both creation and execution of data receipts count as burnt gas here. */
        burn += config_fee_send(c, CONFIG_FEE_DATA_RECEIPT_CREATION_BASE, deps[i]) +
                config_fee_exec(c, CONFIG_FEE_DATA_RECEIPT_CREATION_BASE);
    }
    return logic_gas(l, burn, use + burn);
}

int logic_pay_action(struct logic *l, enum config_fee_kind f, bool sir, uint64_t n)
{
    uint64_t send, exec, use;
    if (__builtin_mul_overflow(config_fee_send(l->cfg, f, sir), n, &send) ||
        __builtin_mul_overflow(config_fee_exec(l->cfg, f), n, &exec) ||
        __builtin_add_overflow(send, exec, &use)) {
        return logic_fail(l, LOGIC_ERR_INTEGER_OVERFLOW, 0, 0, NULL);
    }
    return logic_gas(l, send, use);
}

/* A new zeroed action at the end of receipt r, with its gas weight. */
struct tx_action *logic_append_action(struct logic *l, uint64_t r, uint64_t weight)
{
    struct logic_receipt_draft *d = &l->out->receipts[r];
    d->actions = yb_xrealloc(d->actions, (d->n_actions + 1) * sizeof(*d->actions));
    d->gas_weights = yb_xrealloc(d->gas_weights, (d->n_actions + 1) * sizeof(uint64_t));
    struct tx_action *a = &d->actions[d->n_actions];
    memset(a, 0, sizeof(*a));
    d->gas_weights[d->n_actions] = weight;
    d->n_actions++;
    return a;
}

int logic_append_function_call(struct logic *l, uint64_t r, const uint8_t *method,
                               size_t method_len, const uint8_t *args, size_t args_len,
                               uint64_t gas, yb_u128 deposit, uint64_t gas_weight)
{
    if (borsh_check_utf8(method, method_len) != YB_OK || memchr(method, 0, method_len)) {
        return logic_fail(l, LOGIC_ERR_INVALID_METHOD_NAME, 0, 0, NULL);
    }
    struct tx_action *a = logic_append_action(l, r, gas_weight);
    a->type = TX_ACTION_FUNCTION_CALL;
    a->u.call.method_name = yb_xstrndup((const char *)method, method_len);
    a->u.call.args = yb_xmalloc(args_len ? args_len : 1);
    if (args_len) {
        memcpy(a->u.call.args, args, args_len);
    }
    a->u.call.args_len = args_len;
    a->u.call.gas = gas;
    a->u.call.deposit = deposit;
    if (gas_weight > 0) {
        logic_grow((void **)&l->weights, &l->cap_weights, l->n_weights, sizeof(*l->weights));
        l->weights[l->n_weights++] = (struct logic_weighted){
            .receipt = r, .action = l->out->receipts[r].n_actions - 1, .weight = gas_weight};
    }
    return 0;
}

int logic_deduct_balance(struct logic *l, yb_u128 amount)
{
    /* nearcore's one-yocto exemption: attaching exactly 1 yocto (the usual proof of a signed
     * call) from an account whose spendable balance is 0 is allowed and costs nothing. */
    if (amount == 1 && l->balance == 0) {
        return 0;
    }
    if (amount > l->balance) {
        return logic_fail(l, LOGIC_ERR_BALANCE_EXCEEDED, 0, 0, NULL);
    }
    l->balance -= amount;
    return 0;
}

int logic_read_account_id(struct logic *l, uint64_t len, uint64_t ptr, char **out)
{
    const uint8_t *p;
    size_t n;
    if (logic_mem_or_reg(l, ptr, len, &p, &n) || logic_pay(l, CONFIG_EXT_UTF8_DECODING_BASE) ||
        logic_pay_per(l, CONFIG_EXT_UTF8_DECODING_BYTE, n)) {
        return LOGIC_ABORT;
    }
    if (borsh_check_utf8(p, n) != YB_OK) {
        return logic_fail(l, LOGIC_ERR_BAD_UTF8, 0, 0, NULL);
    }
    if (near_account_validate((const char *)p, n) != YB_OK) {
        return logic_fail(l, LOGIC_ERR_INVALID_ACCOUNT_ID, 0, 0, NULL);
    }
    *out = yb_xstrndup((const char *)p, n);
    return 0;
}

/* ---- binding ---- */

struct resolve_ctx {
    struct logic *l;
    char missing[160]; /* the first import we could not bind */
    bool foreign;      /* an import from a module other than env */
};

static int sig_to_type(const char *sig, uint8_t *params, uint8_t *results, struct vm_functype *t)
{
    uint32_t np = 0, nr = 0;
    bool res = false;
    for (const char *p = sig; *p; p++) {
        if (*p == '-' || *p == '>') {
            res = true;
            continue;
        }
        uint8_t v = *p == 'I' ? VM_I64 : VM_I32;
        if (res) {
            results[nr++] = v;
        } else {
            params[np++] = v;
        }
    }
    t->nparams = np;
    t->nresults = nr;
    t->params = params;
    t->results = results;
    return 0;
}

/* All host functions sorted by name, each with its engine signature, built once: a contract
 * imports dozens of functions per call, and a binary search keeps binding them off the
 * profile. */
struct host_entry {
    const struct logic_host_fn *f;
    struct vm_functype type; /* params / results point into the arrays below */
    uint8_t params[16];
    uint8_t results[2];
};
static struct host_entry *host_index;
static size_t host_count;
static pthread_once_t host_index_once = PTHREAD_ONCE_INIT;

static int cmp_host_entry(const void *a, const void *b)
{
    const struct host_entry *x = a, *y = b;
    return strcmp(x->f->name, y->f->name);
}

static void build_host_index(void)
{
    size_t n = 0;
    for (size_t t = 0; t < sizeof(host_tables) / sizeof(host_tables[0]); t++) {
        for (const struct logic_host_fn *f = host_tables[t]; f->name; f++) {
            n++;
        }
    }
    /* Lives for the whole process, like the tables it points into. */
    host_index = yb_xcalloc(n, sizeof(*host_index));
    n = 0;
    for (size_t t = 0; t < sizeof(host_tables) / sizeof(host_tables[0]); t++) {
        for (const struct logic_host_fn *f = host_tables[t]; f->name; f++) {
            host_index[n++].f = f;
        }
    }
    qsort(host_index, n, sizeof(*host_index), cmp_host_entry);
    /* Signatures after sorting: type points into its own entry. */
    for (size_t i = 0; i < n; i++) {
        struct host_entry *e = &host_index[i];
        sig_to_type(e->f->sig, e->params, e->results, &e->type);
    }
    host_count = n;
}

/* The last lookups of this thread, by the address of the import's name: the same module binds
 * the same names on every call, and its strings stay put while it is cached. The name is
 * compared too, since a freed module's address may be reused by another. */
#define HOST_MEMO_SLOTS 256 /* a contract's ~20-100 imports rarely share a slot */
static _Thread_local struct {
    const char *name;
    const struct host_entry *e;
} host_memo[HOST_MEMO_SLOTS];

static const struct host_entry *find_host_fn(const struct logic *l, const char *name)
{
    pthread_once(&host_index_once, build_host_index);
    /* Fibonacci hashing of the address: nearby strings land far apart. */
    size_t slot = (size_t)(((uint64_t)(uintptr_t)name * 0x9E3779B97F4A7C15ull) >> 56);
    const struct host_entry *hit = NULL;
    if (host_memo[slot].name == name && strcmp(host_memo[slot].e->f->name, name) == 0) {
        hit = host_memo[slot].e;
    } else {
        struct logic_host_fn kf = {.name = name};
        struct host_entry key = {.f = &kf};
        hit = bsearch(&key, host_index, host_count, sizeof(*host_index), cmp_host_entry);
        if (hit) {
            host_memo[slot].name = name;
            host_memo[slot].e = hit;
        }
    }
    if (!hit || hit->f->min_pv > l->cfg->protocol_version) {
        return NULL;
    }
    return hit;
}

static int resolve(void *vctx, struct vm_store *s, const char *module_name, const char *name,
                   const struct vm_externtype *type, struct vm_extern *out)
{
    struct resolve_ctx *rc = vctx;
    const struct host_entry *e = NULL;
    if (strcmp(module_name, "env") != 0) {
        rc->foreign = true;
    } else if (type->kind == VM_EXTERN_FUNC) {
        e = find_host_fn(rc->l, name);
    }
    if (!e) {
        if (rc->missing[0] == '\0') {
            snprintf(rc->missing, sizeof(rc->missing), "%s.%s", module_name, name);
        }
        return YB_ENOTFOUND;
    }
    out->kind = VM_EXTERN_FUNC;
    return vm_func_new_host(s, &e->type, e->f->fn, rc->l, &out->u.func);
}

void logic_vm_config(const struct config_runtime *cfg, struct vm_config *out)
{
    vm_config_near(out);
    out->op_cost = cfg->regular_op_cost;
    out->grow_page_cost = cfg->grow_mem_cost;
    out->override_initial_pages = (uint32_t)cfg->limits.initial_memory_pages;
    out->override_max_pages = (uint32_t)cfg->limits.max_memory_pages;
    out->max_stack_bytes = (uint32_t)cfg->limits.max_stack_height;
    out->max_functions = (uint32_t)cfg->limits.max_functions_number_per_contract;
    /* The same value as vm_config_near's today; the runtime's config is the one to obey. */
    out->max_locals_per_module = (uint32_t)cfg->limits.max_locals_per_contract;
}

/* ---- the run ---- */

static enum logic_error_kind gas_kind_at_exhaustion(const struct logic *l)
{
    /* The engine stopped at gas_limit = min(prepaid, max_gas_burnt). It is the burnt limit
     * that was hit when that limit is max_gas_burnt and nothing was prepaid to receipts. */
    if (l->promises_gas == 0 && l->ctx->prepaid_gas >= l->cfg->limits.max_gas_burnt) {
        return LOGIC_ERR_GAS_LIMIT_EXCEEDED;
    }
    return LOGIC_ERR_GAS_EXCEEDED;
}

static void set_trap_error(struct logic *l, int rc, const struct vm_trap *trap)
{
    struct logic_error *e = &l->out->error;
    if (e->kind != LOGIC_ERR_NONE) {
        return; /* a host function already said why */
    }
    if (rc == YB_EOUT_OF_GAS || trap->kind == VM_TRAP_OUT_OF_GAS) {
        e->kind = gas_kind_at_exhaustion(l);
        return;
    }
    e->kind = LOGIC_ERR_WASM_TRAP;
    e->trap = trap->kind;
}

/* §5.4: unused gas goes to weighted FunctionCall actions; the last gets the remainder.
 * Returns the gas handed out (it becomes used gas). */
static uint64_t distribute_gas(struct logic *l)
{
    uint64_t used = logic_used_gas(l);
    if (l->n_weights == 0 || used >= l->ctx->prepaid_gas) {
        return 0;
    }
    uint64_t unused = l->ctx->prepaid_gas - used;
    unsigned __int128 sum = 0;
    for (size_t i = 0; i < l->n_weights; i++) {
        sum += l->weights[i].weight;
    }
    uint64_t given = 0;
    for (size_t i = 0; i < l->n_weights; i++) {
        const struct logic_weighted *w = &l->weights[i];
        uint64_t share = (uint64_t)((unsigned __int128)unused * w->weight / sum);
        if (i + 1 == l->n_weights) {
            share += unused - given - share;
        }
        l->out->receipts[w->receipt].actions[w->action].u.call.gas += share;
        given += share;
    }
    return unused;
}

static void drop_effects(struct logic_outcome *o)
{
    for (size_t i = 0; i < o->n_receipts; i++) {
        struct logic_receipt_draft *r = &o->receipts[i];
        free(r->receiver_id);
        tx_actions_free(r->actions, r->n_actions);
        free(r->gas_weights);
        free(r->input_data_ids);
        for (size_t j = 0; j < r->n_output_data_receivers; j++) {
            free(r->output_data_receivers[j].receiver_id);
        }
        free(r->output_data_receivers);
        free(r->refund_to);
    }
    free(o->receipts);
    o->receipts = NULL;
    o->n_receipts = 0;
    for (size_t i = 0; i < o->n_resumes; i++) {
        free(o->resumes[i].payload);
    }
    free(o->resumes);
    o->resumes = NULL;
    o->n_resumes = 0;
    free(o->yields);
    o->yields = NULL;
    o->n_yields = 0;
    free(o->return_data);
    o->return_data = NULL;
    o->return_len = 0;
    o->return_kind = LOGIC_RETURN_NONE;
}

static void logic_free(struct logic *l)
{
    logic_regs_free(l);
    for (size_t i = 0; i < l->n_promises; i++) {
        free(l->promises[i].deps);
    }
    free(l->promises);
    free(l->weights);
    vm_store_free(l->store);
}

/* Instantiates and calls; leaves either out->error or a clean return. */
static int run_method(struct logic *l, struct vm_module *module, const char *method)
{
    struct vm_config vcfg;
    logic_vm_config(l->cfg, &vcfg);
    int rc = vm_store_new(&vcfg, &l->store);
    if (rc != YB_OK) {
        return rc;
    }
    vm_store_set_gas(l->store, l->gas_limit - l->pre_burnt);

    struct resolve_ctx rctx = {.l = l};
    struct vm_instance *inst = NULL;
    struct vm_error verr = {0};
    struct vm_trap trap = {0};
    rc = vm_instance_new(l->store, module, resolve, &rctx, &inst, &verr, &trap);
    if (rc == YB_EWASM_LINK || rc == YB_ENOTFOUND) {
        if (rctx.foreign) {
            /* NEAR's preparation refuses imports from anything but env. */
            logic_fail(l, LOGIC_ERR_COMPILATION, 0, 0, "Instantiate");
            return YB_OK;
        }
        char msg[VM_MSG_MAX + 64];
        if (rctx.missing[0]) {
            snprintf(msg, sizeof(msg), "unknown import: %s is not a host function of this runtime",
                     rctx.missing);
        } else {
            snprintf(msg, sizeof(msg), "%s", verr.msg);
        }
        logic_fail(l, LOGIC_ERR_LINK, 0, 0, msg);
        return YB_OK;
    }
    if (rc == YB_EWASM_TRAP || rc == YB_EOUT_OF_GAS) {
        set_trap_error(l, rc, &trap);
        return l->internal;
    }
    if (rc != YB_OK) {
        logic_fail(l, LOGIC_ERR_COMPILATION, 0, 0, "Instantiate");
        return YB_OK;
    }

    struct vm_extern ex;
    if (vm_instance_export(inst, method, &ex) != YB_OK || ex.kind != VM_EXTERN_FUNC) {
        logic_fail(l, LOGIC_ERR_METHOD_NOT_FOUND, 0, 0, NULL);
        return YB_OK;
    }
    struct vm_functype ft;
    vm_func_type(ex.u.func, &ft);
    if (ft.nparams != 0 || ft.nresults != 0) {
        logic_fail(l, LOGIC_ERR_METHOD_INVALID_SIGNATURE, 0, 0, NULL);
        return YB_OK;
    }
    rc = vm_func_call(l->store, ex.u.func, NULL, 0, NULL, 0, &trap);
    l->call = NULL;
    if (l->internal) {
        return l->internal;
    }
    if (rc != YB_OK) {
        set_trap_error(l, rc, &trap);
    }
    return YB_OK;
}

int logic_run(const struct logic_ctx *ctx, struct vm_module *module, size_t code_len,
              const char *method, struct logic_outcome *out)
{
    memset(out, 0, sizeof(*out));
    if (!ctx || !ctx->config || !module || !method || !ctx->current_account_id) {
        return YB_EINVAL;
    }
    struct logic l = {
        .ctx = ctx,
        .cfg = ctx->config,
        .out = out,
        .balance = ctx->account_balance,
        .storage_usage = ctx->storage_usage,
    };
    out->balance = ctx->account_balance;
    out->storage_usage = ctx->storage_usage;
    if (method[0] == '\0') {
        out->error.kind = LOGIC_ERR_METHOD_EMPTY_NAME;
        return YB_OK;
    }

    l.gas_limit = ctx->prepaid_gas < l.cfg->limits.max_gas_burnt ? ctx->prepaid_gas
                                                                 : l.cfg->limits.max_gas_burnt;
    /* Loading the contract is paid before anything runs (nearcore's contract_loading_*). */
    unsigned __int128 loading =
        (unsigned __int128)l.cfg->ext[CONFIG_EXT_CONTRACT_LOADING_BYTES] * code_len +
        l.cfg->ext[CONFIG_EXT_CONTRACT_LOADING_BASE];
    int rc = YB_OK;
    if (loading > l.gas_limit) {
        l.pre_burnt = l.gas_limit;
        out->error.kind = gas_kind_at_exhaustion(&l);
    } else {
        l.pre_burnt = (uint64_t)loading;
        rc = run_method(&l, module, method);
    }

    if (l.oog_set) {
        /* A host charge failed: nearcore keeps what was burnt until then (not the whole
         * budget, as an exhausted wasm counter would), and the receipts' prepaid gas on top;
         * it can only exceed prepaid_gas by that quirk, which is clamped here. */
        out->burnt_gas = l.oog_burnt;
        out->used_gas = l.oog_burnt + l.promises_gas;
        if (out->used_gas > ctx->prepaid_gas || out->used_gas < l.oog_burnt) {
            out->used_gas = ctx->prepaid_gas > l.oog_burnt ? ctx->prepaid_gas : l.oog_burnt;
        }
    } else if (l.store) {
        out->used_gas = logic_used_gas(&l);
        out->burnt_gas = logic_burnt_gas(&l);
    } else {
        out->used_gas = out->burnt_gas = l.pre_burnt;
    }
    if (rc == YB_OK && out->error.kind == LOGIC_ERR_NONE && !ctx->is_view) {
        out->used_gas += distribute_gas(&l);
    }
    if (rc != YB_OK || out->error.kind != LOGIC_ERR_NONE) {
        drop_effects(out);
        out->balance = ctx->account_balance;
        out->storage_usage = ctx->storage_usage;
    } else {
        out->balance = l.balance;
        out->storage_usage = l.storage_usage;
    }
    logic_free(&l);
    return rc;
}

int logic_run_code(const struct logic_ctx *ctx, struct vm_cache *cache, const uint8_t *code,
                   size_t code_len, const char *method, struct logic_outcome *out)
{
    memset(out, 0, sizeof(*out));
    if (!ctx || !cache || !code) {
        return YB_EINVAL;
    }
    struct vm_module *m = NULL;
    struct vm_error verr = {0};
    int rc = vm_cache_get(cache, code, code_len, &m, &verr);
    if (rc != YB_OK) {
        if (rc == YB_ENOMEM || rc == YB_EINTERNAL) {
            return rc;
        }
        out->balance = ctx->account_balance;
        out->storage_usage = ctx->storage_usage;
        out->error.kind = LOGIC_ERR_COMPILATION;
        out->error.msg = yb_xstrdup(rc == YB_EWASM_LIMIT ? "TooManyFunctions" : "Deserialization");
        return YB_OK;
    }
    rc = logic_run(ctx, m, code_len, method, out);
    vm_module_release(m);
    return rc;
}

void logic_outcome_fini(struct logic_outcome *out)
{
    if (!out) {
        return;
    }
    drop_effects(out);
    for (size_t i = 0; i < out->n_logs; i++) {
        free(out->logs[i]);
    }
    free(out->logs);
    free(out->error.msg);
    memset(out, 0, sizeof(*out));
}
