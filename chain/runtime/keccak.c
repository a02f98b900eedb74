/*
 * keccak.c — the Keccak sponge over nettle's Keccak-f[1600] permutation (see keccak.h for why).
 */
#include "keccak.h"

#include <stdbool.h>
#include <string.h>

#include <nettle/sha3.h>

void keccak_sponge(size_t rate, uint8_t pad, const uint8_t *in, size_t n, uint8_t *out,
                   size_t out_len)
{
    struct sha3_state st;
    memset(&st, 0, sizeof(st));
    uint8_t block[200];
    for (;;) {
        size_t take = n < rate ? n : rate;
        memset(block, 0, rate);
        if (take) {
            memcpy(block, in, take);
        }
        /* A message that fills its last block exactly still gets a whole block of padding. */
        bool last = take < rate;
        if (last) {
            block[take] ^= pad;
            block[rate - 1] ^= 0x80;
        }
        /* Lanes are little-endian 64-bit words, state index x + 5y = byte offset / 8. */
        for (size_t i = 0; i < rate / 8; i++) {
            uint64_t lane = 0;
            for (int b = 7; b >= 0; b--) {
                lane = (lane << 8) | block[i * 8 + (size_t)b];
            }
            st.a[i] ^= lane;
        }
        sha3_permute(&st);
        if (last) {
            break;
        }
        in += take;
        n -= take;
    }
    for (size_t i = 0; i < out_len; i++) {
        out[i] = (uint8_t)(st.a[i / 8] >> (8 * (i % 8)));
    }
}

void keccak_256(const uint8_t *in, size_t n, uint8_t out[KECCAK256_LEN])
{
    keccak_sponge(200 - 2 * KECCAK256_LEN, 0x01, in, n, out, KECCAK256_LEN);
}

void keccak_512(const uint8_t *in, size_t n, uint8_t out[KECCAK512_LEN])
{
    keccak_sponge(200 - 2 * KECCAK512_LEN, 0x01, in, n, out, KECCAK512_LEN);
}
