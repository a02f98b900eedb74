/*
 * host_registers.c — guest memory access and registers (nearcore's vmstate.rs), and the three
 * register host functions: read_register, register_len, write_register.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "logic_int.h"
#include "mem.h"

/* Each register costs its length plus this much towards registers_memory_limit. */
#define REGISTER_OVERHEAD 8

/* Bounds of [ptr, ptr+len) in the caller's memory; MemoryAccessViolation when outside. */
static int mem_bounds(struct logic *l, uint64_t ptr, uint64_t len, uint8_t **base)
{
    struct vm_memory *m = vm_call_memory(l->call);
    uint64_t end;
    if (!m || __builtin_add_overflow(ptr, len, &end) || end > vm_memory_size(m)) {
        return logic_fail(l, LOGIC_ERR_MEMORY_ACCESS_VIOLATION, 0, 0, NULL);
    }
    *base = vm_memory_data(m);
    return 0;
}

int logic_mem_view(struct logic *l, uint64_t ptr, uint64_t len, const uint8_t **out)
{
    uint8_t *base;
    if (logic_pay(l, CONFIG_EXT_READ_MEMORY_BASE) ||
        logic_pay_per(l, CONFIG_EXT_READ_MEMORY_BYTE, len) || mem_bounds(l, ptr, len, &base)) {
        return LOGIC_ABORT;
    }
    *out = base + ptr;
    return 0;
}

int logic_mem_write(struct logic *l, uint64_t ptr, const void *data, uint64_t len)
{
    uint8_t *base;
    if (logic_pay(l, CONFIG_EXT_WRITE_MEMORY_BASE) ||
        logic_pay_per(l, CONFIG_EXT_WRITE_MEMORY_BYTE, len) || mem_bounds(l, ptr, len, &base)) {
        return LOGIC_ABORT;
    }
    if (len) {
        memmove(base + ptr, data, len);
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

int logic_reg_set_shared(struct logic *l, uint64_t id, const uint8_t *data, size_t len,
                         bool charge_bytes)
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
    /* Copy before freeing: data may point into the register being replaced. */
    uint8_t *copy = NULL;
    if (len) {
        copy = yb_xmalloc(len);
        memcpy(copy, data, len);
    }
    if (!r) {
        logic_grow((void **)&l->regs, &l->cap_regs, l->n_regs, sizeof(*l->regs));
        r = &l->regs[l->n_regs++];
        r->id = id;
    } else {
        free(r->data);
    }
    r->data = copy;
    r->len = len;
    l->regs_memory = usage;
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

/* ---- host functions ---- */

static int h_read_register(struct vm_call *call, void *ctx, const union vm_value *a,
                           union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *p;
    size_t n;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_reg_get(l, a[0].i64, &p, &n) ||
        logic_mem_write(l, a[1].i64, p, n)) {
        return logic_trap(l);
    }
    return YB_OK;
}

static int h_register_len(struct vm_call *call, void *ctx, const union vm_value *a,
                          union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    if (logic_pay(l, CONFIG_EXT_BASE)) {
        return logic_trap(l);
    }
    struct logic_register *r = reg_find(l, a[0].i64);
    res[0].i64 = r ? r->len : UINT64_MAX;
    return YB_OK;
}

static int h_write_register(struct vm_call *call, void *ctx, const union vm_value *a,
                            union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *p;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_mem_view(l, a[2].i64, a[1].i64, &p) ||
        logic_reg_set(l, a[0].i64, p, (size_t)a[1].i64)) {
        return logic_trap(l);
    }
    return YB_OK;
}

const struct logic_host_fn host_registers_fns[] = {
    {"read_register", "II->", h_read_register, 0},
    {"register_len", "I->I", h_register_len, 0},
    {"write_register", "III->", h_write_register, 0},
    {NULL, NULL, NULL, 0},
};
