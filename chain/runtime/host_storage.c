/*
 * host_storage.c — storage_write / read / remove / has_key (nep519 §6), in nearcore's order of
 * charges and checks. Storage usage is tracked here from lengths: a new record adds
 * key + value + storage_num_extra_bytes_record, an overwrite adds the value's length change,
 * a removal subtracts what the record added.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "logic_int.h"
#include "mem.h"

static int need_ext(struct logic *l)
{
    if (!l->ctx->ext) {
        return logic_fail_internal(l, YB_EINVAL);
    }
    return 0;
}

/* Reads the key argument and checks its length (KeyLengthExceeded). */
static int read_key(struct logic *l, uint64_t len, uint64_t ptr, const uint8_t **key,
                    size_t *key_len)
{
    if (logic_mem_or_reg(l, ptr, len, key, key_len)) {
        return LOGIC_ABORT;
    }
    if (*key_len > l->cfg->limits.max_length_storage_key) {
        return logic_fail(l, LOGIC_ERR_KEY_LENGTH_EXCEEDED, *key_len,
                          l->cfg->limits.max_length_storage_key, NULL);
    }
    return 0;
}

/* The current value of key copied out of ext (*val NULL and *found false when absent). The
 * copy is needed because ext's pointer dies at the next ext call. */
static int read_value_copy(struct logic *l, const uint8_t *key, size_t key_len, uint8_t **val,
                           size_t *val_len, bool *found)
{
    const uint8_t *p = NULL;
    size_t n = 0;
    int rc = l->ctx->ext->storage_read(l->ctx->ext_ctx, key, key_len, &p, &n);
    *val = NULL;
    *val_len = 0;
    *found = false;
    if (rc == YB_ENOTFOUND) {
        return 0;
    }
    if (rc != YB_OK) {
        return logic_fail_internal(l, rc);
    }
    *found = true;
    *val_len = n;
    if (n) {
        *val = yb_xmalloc(n);
        memcpy(*val, p, n);
    }
    return 0;
}

/* A key copied out of a register: a later register write could otherwise free it. */
static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *c = yb_xmalloc(n ? n : 1);
    if (n) {
        memcpy(c, p, n);
    }
    return c;
}

static int h_storage_write(struct vm_call *call, void *ctx, const union vm_value *a,
                           union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const struct config_limits *lim = &l->cfg->limits;
    const uint8_t *kp, *vp;
    size_t klen, vlen;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_check_not_view(l, "storage_write") ||
        logic_pay(l, CONFIG_EXT_STORAGE_WRITE_BASE) ||
        read_key(l, a[0].i64, a[1].i64, &kp, &klen)) {
        return logic_trap(l);
    }
    uint8_t *key = dup_bytes(kp, klen);
    if (logic_mem_or_reg(l, a[3].i64, a[2].i64, &vp, &vlen)) {
        free(key);
        return logic_trap(l);
    }
    if (vlen > lim->max_length_storage_value) {
        free(key);
        logic_fail(l, LOGIC_ERR_VALUE_LENGTH_EXCEEDED, vlen, lim->max_length_storage_value, NULL);
        return logic_trap(l);
    }
    uint8_t *old = NULL;
    size_t old_len = 0;
    bool existed = false;
    int rc = logic_pay_per(l, CONFIG_EXT_STORAGE_WRITE_KEY_BYTE, klen);
    if (!rc) {
        rc = logic_pay_per(l, CONFIG_EXT_STORAGE_WRITE_VALUE_BYTE, vlen);
    }
    if (!rc) {
        rc = need_ext(l);
    }
    if (!rc) {
        rc = read_value_copy(l, key, klen, &old, &old_len, &existed);
    }
    if (!rc && existed) {
        rc = logic_pay_per(l, CONFIG_EXT_STORAGE_WRITE_EVICTED_BYTE, old_len);
    }
    if (!rc) {
        int e = l->ctx->ext->storage_write(l->ctx->ext_ctx, key, klen, vp, vlen);
        if (e != YB_OK) {
            rc = logic_fail_internal(l, e);
        }
    }
    if (!rc) {
        if (existed) {
            l->storage_usage = l->storage_usage - old_len + vlen;
            rc = logic_reg_take(l, a[4].i64, old, old_len);
            old = NULL;
            res[0].i64 = 1;
        } else {
            l->storage_usage += klen + vlen + l->cfg->storage_num_extra_bytes_record;
            res[0].i64 = 0;
        }
    }
    free(old);
    free(key);
    return rc ? logic_trap(l) : YB_OK;
}

static int h_storage_read(struct vm_call *call, void *ctx, const union vm_value *a,
                          union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *kp;
    size_t klen;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_pay(l, CONFIG_EXT_STORAGE_READ_BASE) ||
        read_key(l, a[0].i64, a[1].i64, &kp, &klen) ||
        logic_pay_per(l, CONFIG_EXT_STORAGE_READ_KEY_BYTE, klen) || need_ext(l)) {
        return logic_trap(l);
    }
    /* ext's slice stays valid until the next ext call, and the register copies it: no copy of
     * our own in between. */
    const uint8_t *val = NULL;
    size_t vlen = 0;
    bool found = false;
    int rc = 0;
    int e = l->ctx->ext->storage_read(l->ctx->ext_ctx, kp, klen, &val, &vlen);
    if (e == YB_OK) {
        found = true;
    } else if (e != YB_ENOTFOUND) {
        rc = logic_fail_internal(l, e);
    }
    if (!rc && found) {
        rc = logic_pay_per(l, CONFIG_EXT_STORAGE_READ_VALUE_BYTE, vlen);
        if (!rc) {
            rc = logic_reg_set(l, a[2].i64, val, vlen);
        }
    }
    if (rc) {
        return logic_trap(l);
    }
    res[0].i64 = found ? 1 : 0;
    return YB_OK;
}

static int h_storage_remove(struct vm_call *call, void *ctx, const union vm_value *a,
                            union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *kp;
    size_t klen;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_check_not_view(l, "storage_remove") ||
        logic_pay(l, CONFIG_EXT_STORAGE_REMOVE_BASE) ||
        read_key(l, a[0].i64, a[1].i64, &kp, &klen) ||
        logic_pay_per(l, CONFIG_EXT_STORAGE_REMOVE_KEY_BYTE, klen) || need_ext(l)) {
        return logic_trap(l);
    }
    uint8_t *key = dup_bytes(kp, klen);
    uint8_t *val;
    size_t vlen;
    bool found;
    int rc = read_value_copy(l, key, klen, &val, &vlen, &found);
    if (!rc && found) {
        rc = logic_pay_per(l, CONFIG_EXT_STORAGE_REMOVE_RET_VALUE_BYTE, vlen);
    }
    if (!rc && found) {
        int e = l->ctx->ext->storage_remove(l->ctx->ext_ctx, key, klen);
        if (e != YB_OK) {
            rc = logic_fail_internal(l, e);
        }
    }
    if (!rc && found) {
        l->storage_usage -= klen + vlen + l->cfg->storage_num_extra_bytes_record;
        rc = logic_reg_take(l, a[2].i64, val, vlen);
        val = NULL;
    }
    free(val);
    free(key);
    if (rc) {
        return logic_trap(l);
    }
    res[0].i64 = found ? 1 : 0;
    return YB_OK;
}

static int h_storage_has_key(struct vm_call *call, void *ctx, const union vm_value *a,
                             union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *kp;
    size_t klen;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_pay(l, CONFIG_EXT_STORAGE_HAS_KEY_BASE) ||
        read_key(l, a[0].i64, a[1].i64, &kp, &klen) ||
        logic_pay_per(l, CONFIG_EXT_STORAGE_HAS_KEY_BYTE, klen) || need_ext(l)) {
        return logic_trap(l);
    }
    bool found = false;
    int e = l->ctx->ext->storage_has_key(l->ctx->ext_ctx, kp, klen, &found);
    if (e != YB_OK) {
        logic_fail_internal(l, e);
        return logic_trap(l);
    }
    res[0].i64 = found ? 1 : 0;
    return YB_OK;
}

const struct logic_host_fn host_storage_fns[] = {
    {"storage_write", "IIIII->I", h_storage_write, 0},
    {"storage_read", "III->I", h_storage_read, 0},
    {"storage_remove", "III->I", h_storage_remove, 0},
    {"storage_has_key", "II->I", h_storage_has_key, 0},
    {NULL, NULL, NULL, 0},
};
