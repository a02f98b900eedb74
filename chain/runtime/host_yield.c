/*
 * host_yield.c — NEP-519 yield/resume (nep519 §3): promise_yield_create,
 * promise_yield_resume, and the protocol-85 pair promise_yield_create_with_id /
 * promise_yield_resume_with_yield_id, in nearcore's order of charges and checks.
 *
 * Modern (protocol >= 83) semantics: creating a yield writes PromiseYieldStatus::Yielded through
 * ext at once, so a resume later in the same call — or in another receipt of the same block —
 * finds it. A resume returns 1 iff a parked yield receipt or a status row exists for
 * (current account, data_id), sets the status to ResumeInitiated and records the payload for
 * rt-core to emit as a PromiseResume receipt.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "logic_int.h"
#include "mem.h"

static int ext_err(struct logic *l, int rc)
{
    return rc == YB_OK ? 0 : logic_fail_internal(l, rc);
}

static int need_ext(struct logic *l)
{
    return l->ctx->ext ? 0 : logic_fail_internal(l, YB_EINVAL);
}

/* The yield receipt draft (receiver = self, one input data id) and its bookkeeping. */
static uint64_t new_yield_receipt(struct logic *l, const uint8_t data_id[LOGIC_HASH_LEN])
{
    uint64_t r = logic_new_receipt(l, l->ctx->current_account_id);
    struct logic_receipt_draft *d = &l->out->receipts[r];
    d->is_yield = true;
    memcpy(d->yield_data_id, data_id, LOGIC_HASH_LEN);
    d->input_data_ids = yb_xmalloc(LOGIC_HASH_LEN);
    memcpy(d->input_data_ids[0], data_id, LOGIC_HASH_LEN);
    d->n_input_data_ids = 1;
    struct logic_outcome *o = l->out;
    logic_grow((void **)&o->yields, &l->cap_yields, o->n_yields, LOGIC_HASH_LEN);
    memcpy(o->yields[o->n_yields++], data_id, LOGIC_HASH_LEN);
    return r;
}

/* Method name (non-empty) and arguments, copied: both may come from registers or memory. */
static int read_method_args(struct logic *l, uint64_t mlen, uint64_t mptr, uint64_t alen,
                            uint64_t aptr, uint8_t **method, size_t *mn, uint8_t **args, size_t *an)
{
    const uint8_t *p;
    if (logic_mem_or_reg(l, mptr, mlen, &p, mn)) {
        return LOGIC_ABORT;
    }
    if (*mn == 0) {
        return logic_fail(l, LOGIC_ERR_EMPTY_METHOD_NAME, 0, 0, NULL);
    }
    *method = yb_xmalloc(*mn);
    memcpy(*method, p, *mn);
    if (logic_mem_or_reg(l, aptr, alen, &p, an)) {
        free(*method);
        *method = NULL;
        return LOGIC_ABORT;
    }
    *args = yb_xmalloc(*an ? *an : 1);
    if (*an) {
        memcpy(*args, p, *an);
    }
    return 0;
}

/* promise_yield_create(method_len, method_ptr, args_len, args_ptr, gas, gas_weight, register_id)
 * -> promise index; the data id goes to the register. */
static int h_yield_create(struct vm_call *call, void *ctx, const union vm_value *a,
                          union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    uint64_t gas = a[4].i64, weight = a[5].i64, reg = a[6].i64;
    uint8_t *method = NULL, *args = NULL;
    size_t mn = 0, an = 0;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_check_not_view(l, "promise_yield_create") ||
        logic_pay(l, CONFIG_EXT_YIELD_CREATE_BASE) ||
        read_method_args(l, a[0].i64, a[1].i64, a[2].i64, a[3].i64, &method, &mn, &args, &an)) {
        return logic_trap(l);
    }
    uint64_t num_bytes = (uint64_t)mn + an;
    static const bool self_dep[1] = {true};
    uint8_t data_id[LOGIC_HASH_LEN];
    uint64_t r = 0, idx = 0;
    int rc = logic_pay_per(l, CONFIG_EXT_YIELD_CREATE_BYTE, num_bytes);
    if (!rc) {
        rc = logic_gas(l, 0, gas); /* the callback's gas leaves this call's budget */
    }
    if (!rc) {
        rc = logic_pay_new_receipt(l, true, self_dep, 1);
    }
    if (!rc) {
        rc = need_ext(l);
    }
    if (!rc) {
        logic_new_data_id(l, data_id);
        r = new_yield_receipt(l, data_id);
        rc = ext_err(l, l->ctx->ext->yield_status_set(l->ctx->ext_ctx, l->ctx->current_account_id,
                                                      data_id, LOGIC_YIELD_YIELDED));
    }
    if (!rc) {
        rc = logic_push_promise(l, (struct logic_promise){.receipt = r}, &idx);
    }
    if (!rc) {
        rc = logic_pay_action(l, CONFIG_FEE_FUNCTION_CALL, true, 1);
    }
    if (!rc) {
        rc = logic_pay_action(l, CONFIG_FEE_FUNCTION_CALL_PER_BYTE, true, num_bytes);
    }
    if (!rc) {
        rc = logic_append_function_call(l, r, method, mn, args, an, gas, 0, weight);
    }
    if (!rc) {
        rc = logic_reg_set(l, reg, data_id, LOGIC_HASH_LEN);
    }
    free(method);
    free(args);
    if (rc) {
        return logic_trap(l);
    }
    res[0].i64 = idx;
    return YB_OK;
}

/* promise_yield_create_with_id(method_len, method_ptr, args_len, args_ptr, amount_ptr, gas,
 * gas_weight, yield_id_len, yield_id_ptr) -> promise index, or u64::MAX when that yield id is
 * already pending for this account. */
static int h_yield_create_with_id(struct vm_call *call, void *ctx, const union vm_value *a,
                                  union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    uint64_t gas = a[5].i64, weight = a[6].i64;
    yb_u128 amount;
    uint8_t *method = NULL, *args = NULL;
    size_t mn = 0, an = 0;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_check_not_view(l, "promise_yield_create_with_id") ||
        logic_pay(l, CONFIG_EXT_YIELD_CREATE_WITH_ID_BASE) ||
        logic_mem_read_u128(l, a[4].i64, &amount) ||
        read_method_args(l, a[0].i64, a[1].i64, a[2].i64, a[3].i64, &method, &mn, &args, &an)) {
        return logic_trap(l);
    }
    const uint8_t *yp;
    size_t yn;
    uint8_t yield_id[LOGIC_HASH_LEN], data_id[LOGIC_HASH_LEN];
    uint64_t num_bytes = (uint64_t)mn + an, r = 0, idx = 0;
    int rc = logic_mem_or_reg(l, a[8].i64, a[7].i64, &yp, &yn);
    if (!rc && yn != LOGIC_HASH_LEN) {
        rc = logic_fail(l, LOGIC_ERR_YIELD_ID_MALFORMED, 0, 0, NULL);
    }
    if (!rc) {
        memcpy(yield_id, yp, LOGIC_HASH_LEN);
        rc = logic_pay_per(l, CONFIG_EXT_YIELD_CREATE_BYTE, num_bytes);
    }
    if (!rc) {
        rc = need_ext(l);
    }
    bool duplicate = false;
    if (!rc) {
        uint8_t existing[LOGIC_HASH_LEN];
        int e = l->ctx->ext->yield_id_get(l->ctx->ext_ctx, l->ctx->current_account_id, yield_id,
                                          existing);
        if (e == YB_OK) {
            duplicate = true;
        } else if (e != YB_ENOTFOUND) {
            rc = logic_fail_internal(l, e);
        }
    }
    if (!rc && !duplicate) {
        logic_new_data_id(l, data_id);
        rc = ext_err(l, l->ctx->ext->yield_id_put(l->ctx->ext_ctx, l->ctx->current_account_id,
                                                  yield_id, data_id));
        if (!rc) {
            r = new_yield_receipt(l, data_id);
            rc = ext_err(l,
                         l->ctx->ext->yield_status_set(l->ctx->ext_ctx, l->ctx->current_account_id,
                                                       data_id, LOGIC_YIELD_YIELDED));
        }
        if (!rc) {
            rc = logic_gas(l, 0, gas);
        }
        if (!rc) {
            static const bool self_dep[1] = {true};
            rc = logic_pay_new_receipt(l, true, self_dep, 1);
        }
        if (!rc) {
            rc = logic_push_promise(l, (struct logic_promise){.receipt = r}, &idx);
        }
        if (!rc) {
            rc = logic_pay_action(l, CONFIG_FEE_FUNCTION_CALL, true, 1);
        }
        if (!rc) {
            rc = logic_pay_action(l, CONFIG_FEE_FUNCTION_CALL_PER_BYTE, true, num_bytes);
        }
        if (!rc) {
            rc = logic_deduct_balance(l, amount);
        }
        if (!rc) {
            rc = logic_append_function_call(l, r, method, mn, args, an, gas, amount, weight);
        }
    }
    free(method);
    free(args);
    if (rc) {
        return logic_trap(l);
    }
    res[0].i64 = duplicate ? UINT64_MAX : idx;
    return YB_OK;
}

/* Charges and checks shared by both resumes; *id (32 bytes) and the payload are borrowed.
 * name is what ProhibitedInView reports. (nearcore's current source reports
 * "promise_submit_data", the function's pre-release name, for promise_yield_resume; we keep the
 * public name until the runtime tests that pin it move together.) */
static int resume_prologue(struct logic *l, const char *name, enum logic_error_kind malformed,
                           const union vm_value *a, const uint8_t **id, const uint8_t **payload,
                           size_t *payload_len)
{
    size_t idn;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_check_not_view(l, name) ||
        logic_pay(l, CONFIG_EXT_YIELD_RESUME_BASE) ||
        /* The declared length is charged before anything is read: a register payload
         * (u64::MAX) overflows here, as on nearcore. */
        logic_pay_per(l, CONFIG_EXT_YIELD_RESUME_BYTE, a[2].i64) ||
        logic_mem_or_reg(l, a[1].i64, a[0].i64, id, &idn)) {
        return LOGIC_ABORT;
    }
    /* The id may be in a register that the payload read leaves alone; the payload read never
     * writes registers, so both views stay valid. */
    if (logic_mem_or_reg(l, a[3].i64, a[2].i64, payload, payload_len)) {
        return LOGIC_ABORT;
    }
    uint64_t limit = l->cfg->limits.max_yield_payload_size;
    if (*payload_len > limit) {
        return logic_fail(l, LOGIC_ERR_YIELD_PAYLOAD_LENGTH, *payload_len, limit, NULL);
    }
    if (idn != LOGIC_HASH_LEN) {
        return logic_fail(l, malformed, 0, 0, NULL);
    }
    return need_ext(l);
}

/* ext.submit_promise_resume_data: 1 and a recorded resume when the yield is pending here. */
static int submit_resume(struct logic *l, const uint8_t data_id[LOGIC_HASH_LEN],
                         const uint8_t *payload, size_t len, bool *accepted)
{
    const char *me = l->ctx->current_account_id;
    enum logic_yield_status st = LOGIC_YIELD_NONE;
    bool parked = false;
    *accepted = false;
    if (ext_err(l, l->ctx->ext->yield_status_get(l->ctx->ext_ctx, me, data_id, &st))) {
        return LOGIC_ABORT;
    }
    if (st == LOGIC_YIELD_NONE &&
        ext_err(l, l->ctx->ext->yield_receipt_exists(l->ctx->ext_ctx, me, data_id, &parked))) {
        return LOGIC_ABORT;
    }
    if (st == LOGIC_YIELD_NONE && !parked) {
        return 0;
    }
    if (ext_err(l, l->ctx->ext->yield_status_set(l->ctx->ext_ctx, me, data_id,
                                                 LOGIC_YIELD_RESUME_INITIATED))) {
        return LOGIC_ABORT;
    }
    struct logic_outcome *o = l->out;
    logic_grow((void **)&o->resumes, &l->cap_resumes, o->n_resumes, sizeof(*o->resumes));
    struct logic_resume *rs = &o->resumes[o->n_resumes++];
    memcpy(rs->data_id, data_id, LOGIC_HASH_LEN);
    rs->payload = yb_xmalloc(len ? len : 1);
    if (len) {
        memcpy(rs->payload, payload, len);
    }
    rs->len = len;
    *accepted = true;
    return 0;
}

/* promise_yield_resume(data_id_len, data_id_ptr, payload_len, payload_ptr) -> u32 1/0. */
static int h_yield_resume(struct vm_call *call, void *ctx, const union vm_value *a,
                          union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *id, *payload;
    size_t n;
    bool ok;
    if (resume_prologue(l, "promise_yield_resume", LOGIC_ERR_DATA_ID_MALFORMED, a, &id, &payload,
                        &n) ||
        submit_resume(l, id, payload, n, &ok)) {
        return logic_trap(l);
    }
    res[0].i32 = ok ? 1 : 0;
    return YB_OK;
}

/* promise_yield_resume_with_yield_id(yield_id_len, yield_id_ptr, payload_len, payload_ptr). */
static int h_yield_resume_with_id(struct vm_call *call, void *ctx, const union vm_value *a,
                                  union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *id, *payload;
    size_t n;
    if (resume_prologue(l, "promise_yield_resume_with_yield_id", LOGIC_ERR_YIELD_ID_MALFORMED, a,
                        &id, &payload, &n)) {
        return logic_trap(l);
    }
    uint8_t data_id[LOGIC_HASH_LEN];
    int e = l->ctx->ext->yield_id_get(l->ctx->ext_ctx, l->ctx->current_account_id, id, data_id);
    if (e == YB_ENOTFOUND) {
        res[0].i32 = 0;
        return YB_OK;
    }
    bool ok = false;
    if (ext_err(l, e) || submit_resume(l, data_id, payload, n, &ok)) {
        return logic_trap(l);
    }
    res[0].i32 = ok ? 1 : 0;
    return YB_OK;
}

const struct logic_host_fn host_yield_fns[] = {
    {"promise_yield_create", "IIIIIII->I", h_yield_create, 0},
    {"promise_yield_resume", "IIII->i", h_yield_resume, 0},
    {"promise_yield_create_with_id", "IIIIIIIII->I", h_yield_create_with_id,
     CONFIG_PV_YIELD_WITH_ID},
    {"promise_yield_resume_with_yield_id", "IIII->i", h_yield_resume_with_id,
     CONFIG_PV_YIELD_WITH_ID},
    {NULL, NULL, NULL, 0},
};
