/*
 * code_cache.h — compiled contracts by code hash, so a function call needs neither to read the
 * code from the store nor to hash it (the VM's own cache is keyed by sha256 of the bytes, which
 * for a 30 KB contract costs more than running a short method).
 *
 * Direct-mapped on the first byte of the hash: a collision evicts. Entries hold a module
 * reference. Thread-safe (a mutex), so view calls on RPC threads share it with block
 * application.
 */
#ifndef YB_RUNTIME_CODE_CACHE_H
#define YB_RUNTIME_CODE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "near.h"
#include "store.h"
#include "vm.h"

struct code_cache;

/* *out returned (code_cache_free). vmc borrowed: used to compile on a miss. */
struct code_cache *code_cache_new(struct vm_cache *vmc);
void code_cache_free(struct code_cache *cc);

/*
 * The module of acc's contract whose hash is code_hash (both borrowed), loading the code
 * through txn on a miss. *module returned with a new reference (vm_module_release); *code_len
 * is the contract's size. Errors: YB_ENOTFOUND (no code stored), YB_EWASM_* (the code does not
 * compile: the caller reports it as NEAR does), store errors.
 */
int code_cache_get(struct code_cache *cc, struct store_txn *txn, const char *acc,
                   const uint8_t code_hash[NEAR_HASH_LEN], struct vm_module **module,
                   size_t *code_len);

#endif
