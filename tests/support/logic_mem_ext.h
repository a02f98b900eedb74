/*
 * logic_mem_ext.h — an in-memory struct logic_ext_ops for tests of chain/runtime/logic.h: the
 * contract's key-value data, yield statuses, parked yield receipts and yield-id mappings, all
 * in plain arrays. Tests inspect and seed the fields directly.
 */
#ifndef YB_TESTS_LOGIC_MEM_EXT_H
#define YB_TESTS_LOGIC_MEM_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logic.h"

struct mem_ext_kv {
    uint8_t *key, *val; /* owned */
    size_t key_len, val_len;
};

struct mem_ext_yield {
    char account[NEAR_ACCOUNT_ID_MAX + 1];
    uint8_t id[LOGIC_HASH_LEN];    /* data id (status, parked) or yield id (mapping) */
    uint8_t value[LOGIC_HASH_LEN]; /* mapping: the data id */
    enum logic_yield_status status;
};

#define MEM_EXT_MAX 256

struct mem_ext {
    struct mem_ext_kv kv[MEM_EXT_MAX];
    size_t n_kv;
    struct mem_ext_yield status[MEM_EXT_MAX];
    size_t n_status;
    struct mem_ext_yield parked[MEM_EXT_MAX]; /* PromiseYieldReceipt rows */
    size_t n_parked;
    struct mem_ext_yield ids[MEM_EXT_MAX]; /* YieldIdToDataId rows */
    size_t n_ids;
    unsigned calls; /* ext calls made, for tests that count them */
};

extern const struct logic_ext_ops mem_ext_ops;

void mem_ext_init(struct mem_ext *e);
void mem_ext_fini(struct mem_ext *e);
/* The stored value of key, or NULL (borrowed). */
const struct mem_ext_kv *mem_ext_get(const struct mem_ext *e, const void *key, size_t key_len);
/* Status of (account, data_id); LOGIC_YIELD_NONE when absent. */
enum logic_yield_status mem_ext_status(const struct mem_ext *e, const char *account,
                                       const uint8_t data_id[LOGIC_HASH_LEN]);
/* Park a yield receipt for (account, data_id), as rt-core does after a successful call. */
void mem_ext_park(struct mem_ext *e, const char *account, const uint8_t data_id[LOGIC_HASH_LEN]);

#endif
