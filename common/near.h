/*
 * near.h — NEAR's basic types: account ids (reference/near-rpc.md §6.1), public keys,
 * signatures and secret keys (§2), crypto hashes, and their string and Borsh forms.
 *
 * Only ed25519 keys are supported. Key type 1 (secp256k1) and 2 (ML-DSA-65) are recognised
 * and refused with YB_EKEYTYPE; any other key-type byte is YB_EKEYTYPE too.
 *
 * Thread rules: every function is reentrant; there is no shared state.
 */
#ifndef YB_NEAR_H
#define YB_NEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borsh.h"
#include "buf.h"

/* ---- NEAR constants ---- */
#define NEAR_ACCOUNT_ID_MIN  2  /* bytes */
#define NEAR_ACCOUNT_ID_MAX  64 /* bytes */
#define NEAR_HASH_LEN        32 /* CryptoHash */
#define NEAR_ED25519_PK_LEN  32
#define NEAR_ED25519_SIG_LEN 64
#define NEAR_ED25519_SK_LEN  64 /* seed ‖ public key */

/* KeyType bytes on the wire. */
#define NEAR_KEY_ED25519   0
#define NEAR_KEY_SECP256K1 1
#define NEAR_KEY_MLDSA65   2

/* String buffer sizes, including the NUL. base58 of 32 bytes is at most 44 characters, of 64
 * bytes at most 88. */
#define NEAR_HASH_STR_MAX    45
#define NEAR_PUBKEY_STR_MAX  (8 + 44 + 1) /* "ed25519:" + base58(32) */
#define NEAR_SIG_STR_MAX     (8 + 88 + 1) /* "ed25519:" + base58(64) */
#define NEAR_SECKEY_STR_MAX  (8 + 88 + 1) /* "ed25519:" + base58(64) */
#define NEAR_IMPLICIT_ID_LEN 64           /* hex of an ed25519 public key */

/* ---- account ids ---- */
enum near_account_kind {
    NEAR_ACCOUNT_NAMED = 0,
    NEAR_ACCOUNT_NEAR_IMPLICIT, /* 64 lowercase hex characters */
    NEAR_ACCOUNT_ETH_IMPLICIT,  /* "0x" + 40 lowercase hex */
    NEAR_ACCOUNT_DETERMINISTIC, /* "0s" + 40 lowercase hex (NEP-616) */
};

/*
 * Checks id[0..n) against NEAR's account-id rules. s borrowed (need not be NUL-terminated).
 * Errors: YB_EACCOUNT_LEN (not 2..64 bytes), YB_EACCOUNT_CHAR (outside a-z 0-9 - _ .),
 * YB_EACCOUNT_SEP (a separator first, last, or after another separator).
 */
int near_account_validate(const char *s, size_t n);
/* The same for a NUL-terminated string; s borrowed. */
int near_account_validate_cstr(const char *s);
/* The kind of a valid account id (s borrowed). Undefined for invalid ids. */
enum near_account_kind near_account_kind(const char *s, size_t n);
/* True when the id contains no '.'. s borrowed. */
bool near_account_is_top_level(const char *s, size_t n);
/* True when s is exactly "<label>.<parent>" with a label that has no '.'. Both borrowed. */
bool near_account_is_sub_of(const char *s, size_t n, const char *parent, size_t parent_n);
/* The NEAR-implicit account id of an ed25519 public key: 64 lowercase hex + NUL. */
void near_account_implicit(const uint8_t pk[NEAR_ED25519_PK_LEN],
                           char out[NEAR_IMPLICIT_ID_LEN + 1]);

/*
 * Borsh String holding an account id, validated. *out returned (free()), NUL-terminated.
 * Errors: YB_EBORSH_EOF, YB_EBORSH_LEN (length prefix over 64 or past the end), YB_EUTF8,
 * YB_EACCOUNT_*.
 */
int near_account_decode(struct borsh_reader *r, char **out);
/* Writes a valid account id (s borrowed). Errors: YB_EACCOUNT_*, YB_ETOOBIG. */
int near_account_encode(struct yb_buf *b, const char *s);

/* ---- public keys ---- */
struct near_pubkey {
    uint8_t type; /* NEAR_KEY_ED25519 */
    uint8_t data[NEAR_ED25519_PK_LEN];
};

/*
 * Parses "ed25519:<base58>" or a bare base58 string (as near-api-js accepts: 32 bytes means
 * ed25519, 64 bytes secp256k1). s borrowed, n bytes.
 * Errors: YB_EKEYTYPE ("secp256k1:", "ml-dsa-65:", a bare 64-byte key), YB_EBADKEY (another
 * prefix, wrong decoded length), YB_EBASE58 (bad base58).
 */
int near_pubkey_parse(const char *s, size_t n, struct near_pubkey *out);
int near_pubkey_parse_cstr(const char *s, struct near_pubkey *out);
/* Writes "ed25519:<base58>" (always prefixed). Errors: YB_EKEYTYPE. */
int near_pubkey_format(const struct near_pubkey *pk, char out[NEAR_PUBKEY_STR_MAX]);
bool near_pubkey_equal(const struct near_pubkey *a, const struct near_pubkey *b);
/* Borsh PublicKey: u8 key type + 32 bytes. Errors: YB_EKEYTYPE, YB_ETOOBIG. */
int near_pubkey_encode(struct yb_buf *b, const struct near_pubkey *pk);
/* Errors: YB_EBORSH_EOF, YB_EKEYTYPE (any type byte but 0). */
int near_pubkey_decode(struct borsh_reader *r, struct near_pubkey *out);

/* ---- signatures ---- */
struct near_signature {
    uint8_t type; /* NEAR_KEY_ED25519 */
    uint8_t data[NEAR_ED25519_SIG_LEN];
};

/* "ed25519:<base58 of 64 bytes>". Errors: YB_EKEYTYPE, YB_EBADKEY, YB_EBASE58. */
int near_signature_parse(const char *s, size_t n, struct near_signature *out);
int near_signature_format(const struct near_signature *sig, char out[NEAR_SIG_STR_MAX]);
/* Borsh Signature: u8 key type + 64 bytes. Errors as for public keys. */
int near_signature_encode(struct yb_buf *b, const struct near_signature *sig);
int near_signature_decode(struct borsh_reader *r, struct near_signature *out);

/* ---- secret keys: "ed25519:<base58(seed ‖ public key)>", 64 bytes ---- */
/*
 * Parses a secret-key string (prefixed or bare). The public half must match the seed.
 * Errors: YB_EKEYTYPE, YB_EBADKEY (wrong length, or public half does not match the seed),
 * YB_EBASE58.
 */
int near_secret_key_parse(const char *s, size_t n, uint8_t sk[NEAR_ED25519_SK_LEN]);
int near_secret_key_format(const uint8_t sk[NEAR_ED25519_SK_LEN], char out[NEAR_SECKEY_STR_MAX]);
/* The public key of a secret key (its second half). */
void near_secret_key_pubkey(const uint8_t sk[NEAR_ED25519_SK_LEN], struct near_pubkey *out);

/* ---- CryptoHash in JSON: base58 of 32 bytes ---- */
void near_hash_format(const uint8_t h[NEAR_HASH_LEN], char out[NEAR_HASH_STR_MAX]);
/* Errors: YB_EBASE58 (bad characters or not exactly 32 bytes). */
int near_hash_parse(const char *s, size_t n, uint8_t out[NEAR_HASH_LEN]);

#endif
