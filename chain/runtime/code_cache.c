/*
 * code_cache.c — compiled contracts by code hash (see code_cache.h).
 */
#include "code_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "state.h"

#define SLOTS 256

struct slot {
    uint8_t hash[NEAR_HASH_LEN];
    struct vm_module *module; /* NULL: empty */
    size_t code_len;
};

struct code_cache {
    pthread_mutex_t lock;
    struct vm_cache *vmc; /* borrowed */
    struct slot slots[SLOTS];
};

struct code_cache *code_cache_new(struct vm_cache *vmc)
{
    struct code_cache *cc = yb_xcalloc(1, sizeof *cc);
    pthread_mutex_init(&cc->lock, NULL);
    cc->vmc = vmc;
    return cc;
}

void code_cache_free(struct code_cache *cc)
{
    if (!cc) {
        return;
    }
    for (size_t i = 0; i < SLOTS; i++) {
        vm_module_release(cc->slots[i].module);
    }
    pthread_mutex_destroy(&cc->lock);
    free(cc);
}

int code_cache_get(struct code_cache *cc, struct store_txn *txn, const char *acc,
                   const uint8_t code_hash[NEAR_HASH_LEN], struct vm_module **module,
                   size_t *code_len)
{
    struct slot *s = &cc->slots[code_hash[0]];
    pthread_mutex_lock(&cc->lock);
    if (s->module && memcmp(s->hash, code_hash, NEAR_HASH_LEN) == 0) {
        *module = vm_module_retain(s->module);
        *code_len = s->code_len;
        pthread_mutex_unlock(&cc->lock);
        return YB_OK;
    }
    pthread_mutex_unlock(&cc->lock);

    /* Miss: compile outside the lock (the VM cache is thread-safe itself). */
    uint8_t *code = NULL;
    size_t len = 0;
    int rc = state_code_get(txn, acc, &code, &len);
    if (rc != YB_OK) {
        return rc;
    }
    struct vm_module *m = NULL;
    rc = vm_cache_get(cc->vmc, code, len, &m, NULL);
    free(code);
    if (rc != YB_OK) {
        return rc;
    }
    pthread_mutex_lock(&cc->lock);
    vm_module_release(s->module);
    memcpy(s->hash, code_hash, NEAR_HASH_LEN);
    s->module = vm_module_retain(m);
    s->code_len = len;
    pthread_mutex_unlock(&cc->lock);
    *module = m;
    *code_len = len;
    return YB_OK;
}
