/*
 * crypto.c — thin wrappers over libsodium, so the rest of yieldbox names one module for hashing,
 * signing and randomness and never includes <sodium.h> itself.
 */
#include "crypto.h"

#include <sodium.h>

#include "err.h"

int crypto_init(void)
{
    /* sodium_init() is itself thread-safe and idempotent: 0 first time, 1 after, -1 on failure. */
    if (sodium_init() < 0) {
        return YB_EINTERNAL;
    }
    return YB_OK;
}

void crypto_sha256(const uint8_t *p, size_t n, uint8_t out[SHA256_LEN])
{
    crypto_hash_sha256(out, p, n);
}

void crypto_ed25519_keypair(uint8_t pk[ED25519_PK_LEN], uint8_t sk[ED25519_SK_LEN])
{
    crypto_sign_ed25519_keypair(pk, sk);
}

void crypto_ed25519_from_seed(const uint8_t seed[ED25519_SEED_LEN], uint8_t pk[ED25519_PK_LEN],
                              uint8_t sk[ED25519_SK_LEN])
{
    crypto_sign_ed25519_seed_keypair(pk, sk, seed);
}

void crypto_ed25519_sign(const uint8_t sk[ED25519_SK_LEN], const uint8_t *msg, size_t n,
                         uint8_t sig[ED25519_SIG_LEN])
{
    crypto_sign_ed25519_detached(sig, NULL, msg, n, sk);
}

int crypto_ed25519_verify(const uint8_t pk[ED25519_PK_LEN], const uint8_t *msg, size_t n,
                          const uint8_t sig[ED25519_SIG_LEN])
{
    if (crypto_sign_ed25519_verify_detached(sig, msg, n, pk) != 0) {
        return YB_EBADSIG;
    }
    return YB_OK;
}

void crypto_random(uint8_t *out, size_t n)
{
    randombytes_buf(out, n);
}

void crypto_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}
