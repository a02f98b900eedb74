/*
 * keccak.h — Keccak-256 and Keccak-512 as NEAR's keccak256/keccak512 host functions (and
 * Ethereum) define them: the original Keccak padding (0x01), not FIPS-202 SHA-3's (0x06).
 *
 * No Debian 12 library offers the original Keccak: libsodium has none, and OpenSSL 3.0 and
 * nettle ship only FIPS SHA-3. nettle does export the Keccak-f[1600] permutation
 * (sha3_permute), so the permutation — the part that is easy to get subtly wrong — comes from
 * nettle and this module adds only the sponge: absorb in rate-sized blocks, pad, squeeze.
 *
 * Thread rules: reentrant, no state.
 */
#ifndef YB_RUNTIME_KECCAK_H
#define YB_RUNTIME_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define KECCAK256_LEN 32
#define KECCAK512_LEN 64

/* in borrowed (may be NULL when n is 0). */
void keccak_256(const uint8_t *in, size_t n, uint8_t out[KECCAK256_LEN]);
void keccak_512(const uint8_t *in, size_t n, uint8_t out[KECCAK512_LEN]);

/*
 * The sponge itself, exposed so tests can check it against FIPS SHA-3 vectors: rate in bytes
 * (at most 200, a multiple of 8), pad = the domain byte (0x01 Keccak, 0x06 SHA-3), out_len at
 * most rate.
 */
void keccak_sponge(size_t rate, uint8_t pad, const uint8_t *in, size_t n, uint8_t *out,
                   size_t out_len);

#endif
