/*
 * host_math.c — sha256, keccak256, keccak512, ripemd160, ed25519_verify.
 *
 * Hashes come from libraries: sha256 and ed25519 from libsodium (common/crypto.h), ripemd160
 * from nettle, Keccak from nettle's permutation (keccak.h explains why that one needs a sponge
 * of our own).
 */
#include <string.h>

#include <nettle/ripemd160.h>

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

const struct logic_host_fn host_math_fns[] = {
    {"sha256", "III->", h_sha256, 0},
    {"keccak256", "III->", h_keccak256, 0},
    {"keccak512", "III->", h_keccak512, 0},
    {"ripemd160", "III->", h_ripemd160, 0},
    {"ed25519_verify", "IIIIII->I", h_ed25519_verify, 0},
    {NULL, NULL, NULL, 0},
};
