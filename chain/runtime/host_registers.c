/*
 * host_registers.c — the three register host functions: read_register, register_len,
 * write_register. The registers themselves (nearcore's vmstate.rs rules) are in logic.c.
 */
#include "err.h"
#include "logic_int.h"

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
    uint64_t len;
    res[0].i64 = logic_reg_len(l, a[0].i64, &len) ? len : UINT64_MAX;
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
