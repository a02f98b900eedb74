/*
 * amount.c — 128-bit arithmetic over 32-bit limbs (see amount.h). Products and quotients of
 * 32-bit limbs fit in u64, which wasm32 computes natively (i64.mul, i64.div_u), so nothing here
 * makes clang call a compiler-rt helper.
 */
#include "amount.h"

/* Limb i holds bits 32i..32i+31. */
static void to_limbs(struct amount a, uint32_t l[4])
{
    l[0] = (uint32_t)a.lo;
    l[1] = (uint32_t)(a.lo >> 32);
    l[2] = (uint32_t)a.hi;
    l[3] = (uint32_t)(a.hi >> 32);
}

static struct amount from_limbs(const uint32_t l[4])
{
    struct amount a = {.lo = (uint64_t)l[0] | ((uint64_t)l[1] << 32),
                       .hi = (uint64_t)l[2] | ((uint64_t)l[3] << 32)};
    return a;
}

struct amount amount_from_u64(uint64_t v)
{
    struct amount a = {.lo = v, .hi = 0};
    return a;
}

struct amount amount_load(const uint8_t le[16])
{
    struct amount a = {0, 0};
    for (int i = 7; i >= 0; i--) {
        a.lo = (a.lo << 8) | le[i];
        a.hi = (a.hi << 8) | le[8 + i];
    }
    return a;
}

void amount_store(struct amount a, uint8_t le[16])
{
    for (int i = 0; i < 8; i++) {
        le[i] = (uint8_t)(a.lo >> (8 * i));
        le[8 + i] = (uint8_t)(a.hi >> (8 * i));
    }
}

int amount_cmp(struct amount a, struct amount b)
{
    if (a.hi != b.hi) {
        return a.hi < b.hi ? -1 : 1;
    }
    if (a.lo != b.lo) {
        return a.lo < b.lo ? -1 : 1;
    }
    return 0;
}

bool amount_is_zero(struct amount a)
{
    return a.lo == 0 && a.hi == 0;
}

int amount_add(struct amount a, struct amount b, struct amount *out)
{
    struct amount r;
    r.lo = a.lo + b.lo;
    uint64_t carry = r.lo < a.lo ? 1 : 0;
    if (a.hi > UINT64_MAX - b.hi || a.hi + b.hi > UINT64_MAX - carry) {
        return YB_EOVERFLOW;
    }
    r.hi = a.hi + b.hi + carry;
    *out = r;
    return YB_OK;
}

int amount_sub(struct amount a, struct amount b, struct amount *out)
{
    if (amount_cmp(a, b) < 0) {
        return YB_EOVERFLOW;
    }
    struct amount r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo ? 1 : 0);
    *out = r;
    return YB_OK;
}

int amount_mul_u64(struct amount a, uint64_t m, struct amount *out)
{
    uint32_t l[4];
    uint32_t r[4] = {0, 0, 0, 0};
    uint32_t ml[2] = {(uint32_t)m, (uint32_t)(m >> 32)};
    to_limbs(a, l);
    for (int j = 0; j < 2; j++) {
        uint64_t carry = 0;
        for (int i = 0; i < 4; i++) {
            uint64_t t = (uint64_t)l[i] * ml[j] + carry;
            if (i + j < 4) {
                t += r[i + j];
                r[i + j] = (uint32_t)t;
                carry = t >> 32;
            } else if (t != 0) {
                return YB_EOVERFLOW;
            } else {
                carry = 0;
            }
        }
        if (carry != 0) {
            return YB_EOVERFLOW;
        }
    }
    *out = from_limbs(r);
    return YB_OK;
}

/* a / d in place over the limbs, returning the remainder (d < 2^32). */
static uint32_t div_small(uint32_t l[4], uint32_t d)
{
    uint64_t rem = 0;
    for (int i = 3; i >= 0; i--) {
        uint64_t cur = (rem << 32) | l[i];
        l[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    return (uint32_t)rem;
}

size_t amount_to_dec(struct amount a, char out[AMOUNT_DEC_MAX])
{
    uint32_t l[4];
    char rev[AMOUNT_DEC_MAX];
    size_t n = 0;
    to_limbs(a, l);
    do {
        rev[n++] = (char)('0' + div_small(l, 10));
    } while ((l[0] | l[1] | l[2] | l[3]) != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = rev[n - 1 - i];
    }
    out[n] = '\0';
    return n;
}

int amount_from_dec(const char *s, size_t n, struct amount *out)
{
    struct amount acc = {0, 0};
    if (n == 0) {
        return YB_ENUMBER;
    }
    if (n >= AMOUNT_DEC_MAX) {
        return YB_ETOOBIG;
    }
    if (n > 1 && s[0] == '0') {
        return YB_ENUMBER;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return YB_ENUMBER;
        }
        int rc = amount_mul_u64(acc, 10, &acc);
        if (rc == YB_OK) {
            rc = amount_add(acc, amount_from_u64((uint64_t)(s[i] - '0')), &acc);
        }
        if (rc != YB_OK) {
            return rc;
        }
    }
    *out = acc;
    return YB_OK;
}
