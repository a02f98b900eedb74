/*
 * crypto.h — hashing, ed25519 and randomness, all through libsodium. crypto_init() must be
 * called once at start-up (it is idempotent and thread-safe after the first call).
 */
#ifndef YB_CRYPTO_H
#define YB_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN        32
#define ED25519_PK_LEN    32
#define ED25519_SK_LEN    64 /* seed ‖ public key, as NEAR's secret-key strings hold */
#define ED25519_SEED_LEN  32
#define ED25519_SIG_LEN   64

/* YB_EINTERNAL if libsodium cannot initialise. */
int crypto_init(void);

void crypto_sha256(const uint8_t *p, size_t n, uint8_t out[SHA256_LEN]);

/* A fresh keypair from the OS RNG. */
void crypto_ed25519_keypair(uint8_t pk[ED25519_PK_LEN], uint8_t sk[ED25519_SK_LEN]);
/* The keypair for a 32-byte seed (deterministic; tests, genesis). */
void crypto_ed25519_from_seed(const uint8_t seed[ED25519_SEED_LEN], uint8_t pk[ED25519_PK_LEN],
                              uint8_t sk[ED25519_SK_LEN]);
void crypto_ed25519_sign(const uint8_t sk[ED25519_SK_LEN], const uint8_t *msg, size_t n,
                         uint8_t sig[ED25519_SIG_LEN]);
/* YB_OK or YB_EBADSIG. */
int crypto_ed25519_verify(const uint8_t pk[ED25519_PK_LEN], const uint8_t *msg, size_t n,
                          const uint8_t sig[ED25519_SIG_LEN]);

void crypto_random(uint8_t *out, size_t n);

/* Zero n bytes in a way the compiler may not optimise away (secret keys before free). */
void crypto_wipe(void *p, size_t n);

#endif
