/*
 * ext.c — logic_ext_ops over the state (see ext.h).
 */
#include "ext.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "state.h"

void ext_init(struct ext *e, struct store_txn *txn, const char *account)
{
    e->txn = txn;
    e->account = account;
}

void ext_fini(struct ext *e)
{
    e->txn = NULL;
}

static int storage_read(void *ctx, const uint8_t *key, size_t key_len, const uint8_t **val,
                        size_t *val_len)
{
    struct ext *e = ctx;
    /* Borrowed straight from the store: logic may keep it only until its next ext call, and
     * only an ext call can write to the txn, so the slice outlives every use. */
    return state_data_peek(e->txn, e->account, key, key_len, val, val_len);
}

static int storage_write(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val,
                         size_t val_len)
{
    struct ext *e = ctx;
    return state_data_set(e->txn, e->account, key, key_len, val, val_len);
}

static int storage_remove(void *ctx, const uint8_t *key, size_t key_len)
{
    struct ext *e = ctx;
    int rc = state_data_remove(e->txn, e->account, key, key_len);
    return rc == YB_ENOTFOUND ? YB_OK : rc;
}

static int storage_has_key(void *ctx, const uint8_t *key, size_t key_len, bool *found)
{
    struct ext *e = ctx;
    *found = state_data_has(e->txn, e->account, key, key_len);
    return YB_OK;
}

static int yield_status_get(void *ctx, const char *account, const uint8_t data_id[LOGIC_HASH_LEN],
                            enum logic_yield_status *out)
{
    struct ext *e = ctx;
    enum state_yield_status st;
    int rc = state_yield_status_get(e->txn, account, data_id, &st);
    if (rc == YB_ENOTFOUND) {
        *out = LOGIC_YIELD_NONE;
        return YB_OK;
    }
    if (rc != YB_OK) {
        return rc;
    }
    *out = st == STATE_YIELD_YIELDED ? LOGIC_YIELD_YIELDED : LOGIC_YIELD_RESUME_INITIATED;
    return YB_OK;
}

static int yield_status_set(void *ctx, const char *account, const uint8_t data_id[LOGIC_HASH_LEN],
                            enum logic_yield_status status)
{
    struct ext *e = ctx;
    if (status == LOGIC_YIELD_NONE) {
        int rc = state_id_remove(e->txn, STATE_COL_YIELD_STATUS, account, data_id);
        return rc == YB_ENOTFOUND ? YB_OK : rc;
    }
    return state_yield_status_set(e->txn, account, data_id,
                                  status == LOGIC_YIELD_YIELDED ? STATE_YIELD_YIELDED
                                                                : STATE_YIELD_RESUME_INITIATED);
}

static int yield_status_delete(void *ctx, const char *account,
                               const uint8_t data_id[LOGIC_HASH_LEN])
{
    return yield_status_set(ctx, account, data_id, LOGIC_YIELD_NONE);
}

static int yield_receipt_exists(void *ctx, const char *account,
                                const uint8_t data_id[LOGIC_HASH_LEN], bool *parked)
{
    struct ext *e = ctx;
    *parked = state_id_has(e->txn, STATE_COL_YIELD_RECEIPT, account, data_id);
    return YB_OK;
}

static int yield_id_get(void *ctx, const char *account, const uint8_t yield_id[LOGIC_HASH_LEN],
                        uint8_t data_id_out[LOGIC_HASH_LEN])
{
    struct ext *e = ctx;
    uint8_t *v = NULL;
    size_t n = 0;
    int rc = state_id_get(e->txn, STATE_COL_YIELD_TO_DATA, account, yield_id, &v, &n);
    if (rc != YB_OK) {
        return rc;
    }
    if (n != LOGIC_HASH_LEN) {
        free(v);
        return YB_EMALFORMED;
    }
    memcpy(data_id_out, v, LOGIC_HASH_LEN);
    free(v);
    return YB_OK;
}

static int yield_id_put(void *ctx, const char *account, const uint8_t yield_id[LOGIC_HASH_LEN],
                        const uint8_t data_id[LOGIC_HASH_LEN])
{
    struct ext *e = ctx;
    int rc =
        state_id_set(e->txn, STATE_COL_YIELD_TO_DATA, account, yield_id, data_id, LOGIC_HASH_LEN);
    if (rc == YB_OK) {
        rc = state_id_set(e->txn, STATE_COL_DATA_TO_YIELD, account, data_id, yield_id,
                          LOGIC_HASH_LEN);
    }
    return rc;
}

const struct logic_ext_ops ext_ops = {
    .storage_read = storage_read,
    .storage_write = storage_write,
    .storage_remove = storage_remove,
    .storage_has_key = storage_has_key,
    .yield_status_get = yield_status_get,
    .yield_status_set = yield_status_set,
    .yield_status_delete = yield_status_delete,
    .yield_receipt_exists = yield_receipt_exists,
    .yield_id_get = yield_id_get,
    .yield_id_put = yield_id_put,
};
