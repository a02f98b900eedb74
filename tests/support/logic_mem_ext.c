/*
 * logic_mem_ext.c — see logic_mem_ext.h. Linear searches: tests hold a handful of rows.
 */
#include "logic_mem_ext.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

void mem_ext_init(struct mem_ext *e)
{
    memset(e, 0, sizeof(*e));
}

void mem_ext_fini(struct mem_ext *e)
{
    for (size_t i = 0; i < e->n_kv; i++) {
        free(e->kv[i].key);
        free(e->kv[i].val);
    }
    memset(e, 0, sizeof(*e));
}

static struct mem_ext_kv *find_kv(const struct mem_ext *e, const void *key, size_t n)
{
    for (size_t i = 0; i < e->n_kv; i++) {
        if (e->kv[i].key_len == n && memcmp(e->kv[i].key, key, n) == 0) {
            return (struct mem_ext_kv *)&e->kv[i];
        }
    }
    return NULL;
}

const struct mem_ext_kv *mem_ext_get(const struct mem_ext *e, const void *key, size_t key_len)
{
    return find_kv(e, key, key_len);
}

static struct mem_ext_yield *find_row(struct mem_ext_yield *rows, size_t n, const char *account,
                                      const uint8_t id[LOGIC_HASH_LEN])
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].account, account) == 0 && memcmp(rows[i].id, id, LOGIC_HASH_LEN) == 0) {
            return &rows[i];
        }
    }
    return NULL;
}

static struct mem_ext_yield *add_row(struct mem_ext_yield *rows, size_t *n, const char *account,
                                     const uint8_t id[LOGIC_HASH_LEN])
{
    struct mem_ext_yield *r = find_row(rows, *n, account, id);
    if (r) {
        return r;
    }
    if (*n == MEM_EXT_MAX) {
        return NULL;
    }
    r = &rows[(*n)++];
    memset(r, 0, sizeof(*r));
    strncpy(r->account, account, NEAR_ACCOUNT_ID_MAX);
    memcpy(r->id, id, LOGIC_HASH_LEN);
    return r;
}

enum logic_yield_status mem_ext_status(const struct mem_ext *e, const char *account,
                                       const uint8_t data_id[LOGIC_HASH_LEN])
{
    struct mem_ext_yield *r =
        find_row((struct mem_ext_yield *)e->status, e->n_status, account, data_id);
    return r ? r->status : LOGIC_YIELD_NONE;
}

void mem_ext_park(struct mem_ext *e, const char *account, const uint8_t data_id[LOGIC_HASH_LEN])
{
    add_row(e->parked, &e->n_parked, account, data_id);
}

static int storage_read(void *ctx, const uint8_t *key, size_t key_len, const uint8_t **val,
                        size_t *val_len)
{
    struct mem_ext *e = ctx;
    e->calls++;
    struct mem_ext_kv *kv = find_kv(e, key, key_len);
    if (!kv) {
        return YB_ENOTFOUND;
    }
    *val = kv->val;
    *val_len = kv->val_len;
    return YB_OK;
}

static int storage_write(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val,
                         size_t val_len)
{
    struct mem_ext *e = ctx;
    e->calls++;
    struct mem_ext_kv *kv = find_kv(e, key, key_len);
    if (!kv) {
        if (e->n_kv == MEM_EXT_MAX) {
            return YB_ESTORE_FULL;
        }
        kv = &e->kv[e->n_kv++];
        kv->key = yb_xmalloc(key_len ? key_len : 1);
        memcpy(kv->key, key, key_len);
        kv->key_len = key_len;
    } else {
        free(kv->val);
    }
    kv->val = yb_xmalloc(val_len ? val_len : 1);
    memcpy(kv->val, val, val_len);
    kv->val_len = val_len;
    return YB_OK;
}

static int storage_remove(void *ctx, const uint8_t *key, size_t key_len)
{
    struct mem_ext *e = ctx;
    e->calls++;
    struct mem_ext_kv *kv = find_kv(e, key, key_len);
    if (kv) {
        free(kv->key);
        free(kv->val);
        *kv = e->kv[--e->n_kv];
    }
    return YB_OK;
}

static int storage_has_key(void *ctx, const uint8_t *key, size_t key_len, bool *found)
{
    struct mem_ext *e = ctx;
    e->calls++;
    *found = find_kv(e, key, key_len) != NULL;
    return YB_OK;
}

static int status_get(void *ctx, const char *account, const uint8_t id[LOGIC_HASH_LEN],
                      enum logic_yield_status *out)
{
    struct mem_ext *e = ctx;
    e->calls++;
    *out = mem_ext_status(e, account, id);
    return YB_OK;
}

static int status_set(void *ctx, const char *account, const uint8_t id[LOGIC_HASH_LEN],
                      enum logic_yield_status st)
{
    struct mem_ext *e = ctx;
    e->calls++;
    struct mem_ext_yield *r = add_row(e->status, &e->n_status, account, id);
    if (!r) {
        return YB_ESTORE_FULL;
    }
    r->status = st;
    return YB_OK;
}

static int status_delete(void *ctx, const char *account, const uint8_t id[LOGIC_HASH_LEN])
{
    struct mem_ext *e = ctx;
    e->calls++;
    struct mem_ext_yield *r = find_row(e->status, e->n_status, account, id);
    if (r) {
        *r = e->status[--e->n_status];
    }
    return YB_OK;
}

static int receipt_exists(void *ctx, const char *account, const uint8_t id[LOGIC_HASH_LEN],
                          bool *parked)
{
    struct mem_ext *e = ctx;
    e->calls++;
    *parked = find_row(e->parked, e->n_parked, account, id) != NULL;
    return YB_OK;
}

static int yield_id_get(void *ctx, const char *account, const uint8_t yield_id[LOGIC_HASH_LEN],
                        uint8_t data_id[LOGIC_HASH_LEN])
{
    struct mem_ext *e = ctx;
    e->calls++;
    struct mem_ext_yield *r = find_row(e->ids, e->n_ids, account, yield_id);
    if (!r) {
        return YB_ENOTFOUND;
    }
    memcpy(data_id, r->value, LOGIC_HASH_LEN);
    return YB_OK;
}

static int yield_id_put(void *ctx, const char *account, const uint8_t yield_id[LOGIC_HASH_LEN],
                        const uint8_t data_id[LOGIC_HASH_LEN])
{
    struct mem_ext *e = ctx;
    e->calls++;
    struct mem_ext_yield *r = add_row(e->ids, &e->n_ids, account, yield_id);
    if (!r) {
        return YB_ESTORE_FULL;
    }
    memcpy(r->value, data_id, LOGIC_HASH_LEN);
    return YB_OK;
}

const struct logic_ext_ops mem_ext_ops = {
    .storage_read = storage_read,
    .storage_write = storage_write,
    .storage_remove = storage_remove,
    .storage_has_key = storage_has_key,
    .yield_status_get = status_get,
    .yield_status_set = status_set,
    .yield_status_delete = status_delete,
    .yield_receipt_exists = receipt_exists,
    .yield_id_get = yield_id_get,
    .yield_id_put = yield_id_put,
};
