/*
 * host_math.c — sha256, keccak256, keccak512, ripemd160, ed25519_verify, ecrecover.
 *
 * Everything comes from libraries: sha256 and ed25519 from libsodium (common/crypto.h),
 * ripemd160 from nettle, Keccak from nettle's permutation (keccak.h explains why that one needs
 * a sponge of our own), secp256k1 public-key recovery from libsecp256k1.
 */
#include <stdio.h>
#include <string.h>

#include <nettle/ripemd160.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "crypto.h"
#include "err.h"
#include "keccak.h"
#include "logic_int.h"

/* A hash host function: hash_base (nearcore charges no `base` here), read the value,
 * hash_byte × len (ripemd160: per 64-byte block), register. */
static int hash_fn(struct vm_call *call, void *ctx, const union vm_value *a,
                   enum config_ext_cost base, enum config_ext_cost per_byte, int which)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *p;
    size_t n;
    if (logic_pay(l, base) || logic_mem_or_reg(l, a[1].i64, a[0].i64, &p, &n)) {
        return logic_trap(l);
    }
    uint8_t out[64];
    size_t out_len;
    int rc;
    if (which == 160) {
        /* ripemd160 is charged per 64-byte block of the padded message. */
        rc = logic_pay_per(l, per_byte, ((uint64_t)n + 9 + 63) / 64);
    } else {
        rc = logic_pay_per(l, per_byte, n);
    }
    if (rc) {
        return logic_trap(l);
    }
    switch (which) {
    case 256:
        crypto_sha256(p, n, out);
        out_len = 32;
        break;
    case 2560:
        keccak_256(p, n, out);
        out_len = 32;
        break;
    case 5120:
        keccak_512(p, n, out);
        out_len = 64;
        break;
    default: {
        struct ripemd160_ctx r;
        ripemd160_init(&r);
        ripemd160_update(&r, n, p);
        ripemd160_digest(&r, RIPEMD160_DIGEST_SIZE, out);
        out_len = RIPEMD160_DIGEST_SIZE;
        break;
    }
    }
    if (logic_reg_set(l, a[2].i64, out, out_len)) {
        return logic_trap(l);
    }
    return YB_OK;
}

static int h_sha256(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)
{
    return hash_fn(call, ctx, a, CONFIG_EXT_SHA256_BASE, CONFIG_EXT_SHA256_BYTE, 256);
}

static int h_keccak256(struct vm_call *call, void *ctx, const union vm_value *a,
                       union vm_value *res)
{
    return hash_fn(call, ctx, a, CONFIG_EXT_KECCAK256_BASE, CONFIG_EXT_KECCAK256_BYTE, 2560);
}

static int h_keccak512(struct vm_call *call, void *ctx, const union vm_value *a,
                       union vm_value *res)
{
    return hash_fn(call, ctx, a, CONFIG_EXT_KECCAK512_BASE, CONFIG_EXT_KECCAK512_BYTE, 5120);
}

static int h_ripemd160(struct vm_call *call, void *ctx, const union vm_value *a,
                       union vm_value *res)
{
    return hash_fn(call, ctx, a, CONFIG_EXT_RIPEMD160_BASE, CONFIG_EXT_RIPEMD160_BLOCK, 160);
}

/* ed25519_verify(sig_len, sig_ptr, msg_len, msg_ptr, pk_len, pk_ptr) -> 1 valid / 0 not. A
 * signature or key of the wrong length is a host error; a key that is not a curve point is 0. */
static int h_ed25519_verify(struct vm_call *call, void *ctx, const union vm_value *a,
                            union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *p;
    size_t n;
    uint8_t sig[ED25519_SIG_LEN], pk[ED25519_PK_LEN];
    if (logic_pay(l, CONFIG_EXT_ED25519_VERIFY_BASE) ||
        logic_mem_or_reg(l, a[1].i64, a[0].i64, &p, &n)) {
        return logic_trap(l);
    }
    if (n != ED25519_SIG_LEN) {
        logic_fail(l, LOGIC_ERR_ED25519_VERIFY_INVALID_INPUT, 0, 0, "invalid signature length");
        return logic_trap(l);
    }
    memcpy(sig, p, n);
    /* nearcore keeps ed25519-dalek 1's early refusal of signatures whose top three bits are
     * set (it decides how much gas the call costs): 0 before the message is even read. */
    if (sig[ED25519_SIG_LEN - 1] & 0xE0) {
        res[0].i64 = 0;
        return YB_OK;
    }
    const uint8_t *msg;
    size_t msg_len;
    if (logic_mem_or_reg(l, a[3].i64, a[2].i64, &msg, &msg_len) ||
        logic_pay_per(l, CONFIG_EXT_ED25519_VERIFY_BYTE, msg_len)) {
        return logic_trap(l);
    }
    /* The message may live in a register the key read below could not disturb, but copy the
     * key out first anyway: both reads borrow. */
    const uint8_t *kp;
    size_t kn;
    if (logic_mem_or_reg(l, a[5].i64, a[4].i64, &kp, &kn)) {
        return logic_trap(l);
    }
    if (kn != ED25519_PK_LEN) {
        logic_fail(l, LOGIC_ERR_ED25519_VERIFY_INVALID_INPUT, 0, 0, "invalid public key length");
        return logic_trap(l);
    }
    memcpy(pk, kp, kn);
    res[0].i64 = crypto_ed25519_verify(pk, msg, msg_len, sig) == YB_OK ? 1 : 0;
    return YB_OK;
}

/* secp256k1's group order n and n/2, big-endian. */
static const uint8_t secp256k1_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
};
static const uint8_t secp256k1_half_n[32] = {
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
};

static bool is_zero32(const uint8_t *p)
{
    for (int i = 0; i < 32; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* nearcore's Secp256K1Signature::check_signature_values: 0 < r < n, 0 < s < n, and with
 * reject_upper also s <= n/2 (the malleable upper half refused). */
static bool signature_values_ok(const uint8_t sig[64], bool reject_upper)
{
    const uint8_t *r = sig, *s = sig + 32;
    if (is_zero32(r) || is_zero32(s) || memcmp(r, secp256k1_n, 32) >= 0) {
        return false;
    }
    return reject_upper ? memcmp(s, secp256k1_half_n, 32) <= 0 : memcmp(s, secp256k1_n, 32) < 0;
}

static int ecrecover_error(struct logic *l, const char *fmt, unsigned long long v)
{
    char msg[128];
    snprintf(msg, sizeof(msg), fmt, v);
    logic_fail(l, LOGIC_ERR_ECRECOVER_ERROR, 0, 0, msg);
    return logic_trap(l);
}

/* ecrecover(hash_len, hash_ptr, sig_len, sig_ptr, v, malleability_flag, register_id) -> 1 and
 * the 64-byte uncompressed public key (no 0x04 prefix) in the register, or 0. Wrong lengths,
 * v > 3 or a flag other than 0/1 are host errors, in nearcore's order. */
static int h_ecrecover(struct vm_call *call, void *ctx, const union vm_value *a,
                       union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *p;
    size_t n;
    uint8_t sig[64], hash[32];
    if (logic_pay(l, CONFIG_EXT_ECRECOVER_BASE) ||
        logic_mem_or_reg(l, a[3].i64, a[2].i64, &p, &n)) {
        return logic_trap(l);
    }
    if (n != 64) {
        return ecrecover_error(
            l, "The length of the signature: %llu, exceeds the limit of 64 bytes", n);
    }
    memcpy(sig, p, 64);
    uint64_t v = a[4].i64, flag = a[5].i64;
    if (v >= 4) {
        return ecrecover_error(l, "V recovery byte 0 through 3 are valid but was provided %llu", v);
    }
    if (logic_mem_or_reg(l, a[1].i64, a[0].i64, &p, &n)) {
        return logic_trap(l);
    }
    if (n != 32) {
        return ecrecover_error(l, "The length of the hash: %llu, exceeds the limit of 32 bytes", n);
    }
    memcpy(hash, p, 32);
    if (flag > 1) {
        return ecrecover_error(l, "Malleability flag needs to be 0 or 1, but is instead %llu",
                               flag);
    }
    res[0].i64 = 0;
    if (!signature_values_ok(sig, flag == 1)) {
        return YB_OK;
    }
    /* Recovery only verifies, so the static context (no signing tables) is enough. */
    const secp256k1_context *sc = secp256k1_context_static;
    secp256k1_ecdsa_recoverable_signature rsig;
    secp256k1_pubkey pub;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(sc, &rsig, sig, (int)v) ||
        !secp256k1_ecdsa_recover(sc, &pub, &rsig, hash)) {
        return YB_OK;
    }
    uint8_t out[65];
    size_t out_len = sizeof(out);
    secp256k1_ec_pubkey_serialize(sc, out, &out_len, &pub, SECP256K1_EC_UNCOMPRESSED);
    if (logic_reg_set(l, a[6].i64, out + 1, 64)) {
        return logic_trap(l);
    }
    res[0].i64 = 1;
    return YB_OK;
}

const struct logic_host_fn host_math_fns[] = {
    {"ecrecover", "IIIIIII->I", h_ecrecover, 0},
    {"sha256", "III->", h_sha256, 0},
    {"keccak256", "III->", h_keccak256, 0},
    {"keccak512", "III->", h_keccak512, 0},
    {"ripemd160", "III->", h_ripemd160, 0},
    {"ed25519_verify", "IIIIII->I", h_ed25519_verify, 0},
    {NULL, NULL, NULL, 0},
};
