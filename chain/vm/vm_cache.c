/*
 * vm_cache.c — compiled modules keyed by the sha256 of their code, shared between callers,
 * least recently used evicted. A mutex guards the table; loading happens outside it, so two
 * threads loading the same new code may both compile it (the second result is dropped).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "mem.h"
#include "vm_int.h"

struct cache_entry {
    uint8_t hash[SHA256_LEN];
    struct vm_module *mod;
    uint64_t used;
};

struct vm_cache {
    pthread_mutex_t lock;
    struct vm_config cfg;
    struct cache_entry *entries;
    size_t n, max;
    uint64_t tick;
};

int vm_cache_new(const struct vm_config *cfg, size_t max_entries, struct vm_cache **out)
{
    if (max_entries == 0) {
        return YB_EINVAL;
    }
    struct vm_cache *c = yb_xcalloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->cfg = *cfg;
    c->max = max_entries;
    c->entries = yb_xcalloc(max_entries, sizeof(*c->entries));
    *out = c;
    return YB_OK;
}

void vm_cache_free(struct vm_cache *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        vm_module_release(c->entries[i].mod);
    }
    free(c->entries);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static struct cache_entry *find(struct vm_cache *c, const uint8_t *hash)
{
    for (size_t i = 0; i < c->n; i++) {
        if (memcmp(c->entries[i].hash, hash, SHA256_LEN) == 0) {
            return &c->entries[i];
        }
    }
    return NULL;
}

int vm_cache_get(struct vm_cache *c, const uint8_t *code, size_t len, struct vm_module **out,
                 struct vm_error *err)
{
    uint8_t hash[SHA256_LEN];
    crypto_sha256(code, len, hash);
    pthread_mutex_lock(&c->lock);
    struct cache_entry *e = find(c, hash);
    if (e != NULL) {
        e->used = ++c->tick;
        *out = vm_module_retain(e->mod);
        pthread_mutex_unlock(&c->lock);
        return YB_OK;
    }
    pthread_mutex_unlock(&c->lock);

    struct vm_module *m;
    int rc = vm_module_load(&c->cfg, code, len, &m, err);
    if (rc) {
        return rc;
    }
    pthread_mutex_lock(&c->lock);
    e = find(c, hash);
    if (e != NULL) {
        /* Another thread won the race: use its module. */
        vm_module_release(m);
        m = e->mod;
    } else {
        if (c->n == c->max) {
            size_t lru = 0;
            for (size_t i = 1; i < c->n; i++) {
                if (c->entries[i].used < c->entries[lru].used) {
                    lru = i;
                }
            }
            vm_module_release(c->entries[lru].mod);
            c->entries[lru] = c->entries[--c->n];
        }
        e = &c->entries[c->n++];
        memcpy(e->hash, hash, SHA256_LEN);
        e->mod = m;
    }
    e->used = ++c->tick;
    *out = vm_module_retain(m);
    pthread_mutex_unlock(&c->lock);
    return YB_OK;
}
