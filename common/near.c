/* near.c — account ids, keys, signatures and hashes in their string and Borsh forms. */
#include "near.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "crypto.h"
#include "err.h"
#include "mem.h"

/* ---- account ids ---- */

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_separator(char c)
{
    return c == '-' || c == '_' || c == '.';
}

static bool is_lower_hex(char c)
{
    return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9');
}

/*
 * One left-to-right scan, reporting the first problem met, as near-account-id's validator
 * does: so "a..B" is a separator error and "A..b" a character error.
 */
int near_account_validate(const char *s, size_t n)
{
    if (n < NEAR_ACCOUNT_ID_MIN || n > NEAR_ACCOUNT_ID_MAX) {
        return YB_EACCOUNT_LEN;
    }
    bool prev_sep = true; /* treats the start as a separator: no id may begin with one */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_separator(c)) {
            if (prev_sep) {
                return YB_EACCOUNT_SEP;
            }
            prev_sep = true;
        } else if (is_lower_alnum(c)) {
            prev_sep = false;
        } else {
            return YB_EACCOUNT_CHAR;
        }
    }
    return prev_sep ? YB_EACCOUNT_SEP : YB_OK;
}

int near_account_validate_cstr(const char *s)
{
    if (s == NULL) {
        return YB_EINVAL;
    }
    /* strnlen bounds the scan: an unterminated or huge string is simply too long. */
    return near_account_validate(s, strnlen(s, NEAR_ACCOUNT_ID_MAX + 1));
}

static bool all_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_lower_hex(s[i])) {
            return false;
        }
    }
    return true;
}

enum near_account_kind near_account_kind(const char *s, size_t n)
{
    if (n == NEAR_IMPLICIT_ID_LEN && all_lower_hex(s, n)) {
        return NEAR_ACCOUNT_NEAR_IMPLICIT;
    }
    if (n == 42 && s[0] == '0' && all_lower_hex(s + 2, 40)) {
        if (s[1] == 'x') {
            return NEAR_ACCOUNT_ETH_IMPLICIT;
        }
        if (s[1] == 's') {
            return NEAR_ACCOUNT_DETERMINISTIC;
        }
    }
    return NEAR_ACCOUNT_NAMED;
}

bool near_account_is_top_level(const char *s, size_t n)
{
    return memchr(s, '.', n) == NULL;
}

bool near_account_is_sub_of(const char *s, size_t n, const char *parent, size_t parent_n)
{
    /* Needs at least one label byte and the dot in front of the parent. */
    if (n < parent_n + 2 || memcmp(s + n - parent_n, parent, parent_n) != 0) {
        return false;
    }
    size_t label_n = n - parent_n - 1;
    return s[label_n] == '.' && memchr(s, '.', label_n) == NULL;
}

void near_account_implicit(const uint8_t pk[NEAR_ED25519_PK_LEN],
                           char out[NEAR_IMPLICIT_ID_LEN + 1])
{
    /* Cannot fail: the output holds exactly 2 * 32 + 1 bytes. */
    hex_encode(pk, NEAR_ED25519_PK_LEN, out, NEAR_IMPLICIT_ID_LEN + 1);
}

int near_account_decode(struct borsh_reader *r, char **out)
{
    const char *s;
    size_t n;
    int rc = borsh_read_string(r, NEAR_ACCOUNT_ID_MAX, &s, &n);
    if (rc != YB_OK) {
        return rc;
    }
    rc = near_account_validate(s, n);
    if (rc != YB_OK) {
        return rc;
    }
    *out = yb_xstrndup(s, n);
    return YB_OK;
}

int near_account_encode(struct yb_buf *b, const char *s)
{
    int rc = near_account_validate_cstr(s);
    if (rc != YB_OK) {
        return rc;
    }
    return borsh_write_bytes(b, (const uint8_t *)s, strlen(s));
}

/* ---- key strings ---- */

#define ED25519_PREFIX "ed25519:"

/*
 * Splits "<type>:<base58>" and decodes the base58 part into out (cap bytes). A string without
 * ':' is bare base58 and gets *type = -1. Known non-ed25519 prefixes are YB_EKEYTYPE, unknown
 * ones YB_EBADKEY. A decoded value longer than cap is reported as YB_EBADKEY (wrong length).
 */
static int parse_key_string(const char *s, size_t n, int *type, uint8_t *out, size_t cap,
                            size_t *out_len)
{
    const char *colon = memchr(s, ':', n);
    const char *b58 = s;
    *type = -1;
    if (colon != NULL) {
        size_t plen = (size_t)(colon - s);
        if (plen == 7 && memcmp(s, "ed25519", 7) == 0) {
            *type = NEAR_KEY_ED25519;
        } else if ((plen == 9 && memcmp(s, "secp256k1", 9) == 0) ||
                   (plen == 9 && memcmp(s, "ml-dsa-65", 9) == 0)) {
            return YB_EKEYTYPE;
        } else {
            return YB_EBADKEY;
        }
        b58 = colon + 1;
    }
    size_t b58_n = n - (size_t)(b58 - s);
    int rc = base58_decode(b58, b58_n, out, cap, out_len);
    if (rc == YB_ETOOBIG) {
        return YB_EBADKEY;
    }
    return rc;
}

int near_pubkey_parse(const char *s, size_t n, struct near_pubkey *out)
{
    uint8_t tmp[NEAR_ED25519_SK_LEN];
    size_t len;
    int type;
    int rc = parse_key_string(s, n, &type, tmp, sizeof tmp, &len);
    if (rc != YB_OK) {
        return rc;
    }
    /* near-api-js reads a bare 64-byte key as secp256k1, which we do not support. */
    if (type == -1 && len == 64) {
        return YB_EKEYTYPE;
    }
    if (len != NEAR_ED25519_PK_LEN) {
        return YB_EBADKEY;
    }
    out->type = NEAR_KEY_ED25519;
    memcpy(out->data, tmp, NEAR_ED25519_PK_LEN);
    return YB_OK;
}

int near_pubkey_parse_cstr(const char *s, struct near_pubkey *out)
{
    return near_pubkey_parse(s, strlen(s), out);
}

/* "ed25519:" + base58(p); out has room for 8 + base58 of up to 64 bytes + NUL. */
static int format_prefixed(const uint8_t *p, size_t n, char *out, size_t out_cap)
{
    size_t plen = strlen(ED25519_PREFIX);
    memcpy(out, ED25519_PREFIX, plen);
    return base58_encode(p, n, out + plen, out_cap - plen);
}

int near_pubkey_format(const struct near_pubkey *pk, char out[NEAR_PUBKEY_STR_MAX])
{
    if (pk->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    return format_prefixed(pk->data, NEAR_ED25519_PK_LEN, out, NEAR_PUBKEY_STR_MAX);
}

bool near_pubkey_equal(const struct near_pubkey *a, const struct near_pubkey *b)
{
    return a->type == b->type && memcmp(a->data, b->data, NEAR_ED25519_PK_LEN) == 0;
}

int near_pubkey_encode(struct yb_buf *b, const struct near_pubkey *pk)
{
    if (pk->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    uint8_t tmp[1 + NEAR_ED25519_PK_LEN];
    tmp[0] = pk->type;
    memcpy(tmp + 1, pk->data, NEAR_ED25519_PK_LEN);
    return yb_buf_append(b, tmp, sizeof tmp);
}

int near_pubkey_decode(struct borsh_reader *r, struct near_pubkey *out)
{
    uint8_t type;
    int rc = borsh_read_u8(r, &type);
    if (rc != YB_OK) {
        return rc;
    }
    /* secp256k1 (1), ML-DSA-65 (2) and anything unknown: the lengths differ, so stop here. */
    if (type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    out->type = type;
    return borsh_read_fixed(r, out->data, NEAR_ED25519_PK_LEN);
}

/* ---- signatures ---- */

int near_signature_parse(const char *s, size_t n, struct near_signature *out)
{
    uint8_t tmp[NEAR_ED25519_SIG_LEN];
    size_t len;
    int type;
    int rc = parse_key_string(s, n, &type, tmp, sizeof tmp, &len);
    if (rc != YB_OK) {
        return rc;
    }
    if (len != NEAR_ED25519_SIG_LEN) {
        return YB_EBADKEY;
    }
    out->type = NEAR_KEY_ED25519;
    memcpy(out->data, tmp, NEAR_ED25519_SIG_LEN);
    return YB_OK;
}

int near_signature_format(const struct near_signature *sig, char out[NEAR_SIG_STR_MAX])
{
    if (sig->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    return format_prefixed(sig->data, NEAR_ED25519_SIG_LEN, out, NEAR_SIG_STR_MAX);
}

int near_signature_encode(struct yb_buf *b, const struct near_signature *sig)
{
    if (sig->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    uint8_t tmp[1 + NEAR_ED25519_SIG_LEN];
    tmp[0] = sig->type;
    memcpy(tmp + 1, sig->data, NEAR_ED25519_SIG_LEN);
    return yb_buf_append(b, tmp, sizeof tmp);
}

int near_signature_decode(struct borsh_reader *r, struct near_signature *out)
{
    uint8_t type;
    int rc = borsh_read_u8(r, &type);
    if (rc != YB_OK) {
        return rc;
    }
    if (type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    out->type = type;
    return borsh_read_fixed(r, out->data, NEAR_ED25519_SIG_LEN);
}

/* ---- secret keys ---- */

int near_secret_key_parse(const char *s, size_t n, uint8_t sk[NEAR_ED25519_SK_LEN])
{
    uint8_t tmp[NEAR_ED25519_SK_LEN];
    size_t len;
    int type;
    int rc = parse_key_string(s, n, &type, tmp, sizeof tmp, &len);
    if (rc != YB_OK) {
        crypto_wipe(tmp, sizeof tmp);
        return rc;
    }
    if (len != NEAR_ED25519_SK_LEN) {
        crypto_wipe(tmp, sizeof tmp);
        return YB_EBADKEY;
    }
    /* A key file whose public half does not belong to its seed would sign as someone else. */
    uint8_t pk[ED25519_PK_LEN];
    uint8_t derived[ED25519_SK_LEN];
    crypto_ed25519_from_seed(tmp, pk, derived);
    bool match = memcmp(pk, tmp + ED25519_SEED_LEN, ED25519_PK_LEN) == 0;
    crypto_wipe(derived, sizeof derived);
    if (!match) {
        crypto_wipe(tmp, sizeof tmp);
        return YB_EBADKEY;
    }
    memcpy(sk, tmp, NEAR_ED25519_SK_LEN);
    crypto_wipe(tmp, sizeof tmp);
    return YB_OK;
}

int near_secret_key_format(const uint8_t sk[NEAR_ED25519_SK_LEN], char out[NEAR_SECKEY_STR_MAX])
{
    return format_prefixed(sk, NEAR_ED25519_SK_LEN, out, NEAR_SECKEY_STR_MAX);
}

void near_secret_key_pubkey(const uint8_t sk[NEAR_ED25519_SK_LEN], struct near_pubkey *out)
{
    out->type = NEAR_KEY_ED25519;
    memcpy(out->data, sk + ED25519_SEED_LEN, NEAR_ED25519_PK_LEN);
}

/* ---- hashes ---- */

void near_hash_format(const uint8_t h[NEAR_HASH_LEN], char out[NEAR_HASH_STR_MAX])
{
    /* Cannot fail: 32 bytes are at most 44 base58 characters. */
    base58_encode(h, NEAR_HASH_LEN, out, NEAR_HASH_STR_MAX);
}

int near_hash_parse(const char *s, size_t n, uint8_t out[NEAR_HASH_LEN])
{
    int rc = base58_decode_exact(s, n, out, NEAR_HASH_LEN);
    if (rc == YB_ETOOBIG) {
        return YB_EBASE58;
    }
    return rc;
}
