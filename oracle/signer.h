/*
 * signer.h — the oracle's key and its nonces: signs FunctionCall transactions (borsh, ed25519 via
 * common/tx) and hands out increasing nonces without asking the chain each time.
 *
 * The nonce comes from the access key once (view_access_key) and then counts up locally, so any
 * number of respond transactions can be in flight at once. When the chain answers InvalidNonce
 * (another process used the key, or a send was lost after the chain saw it), signer_recover moves
 * the counter past the key's nonce the error reports, and the caller signs again.
 *
 * Thread rules: one thread at a time. crypto_init() must have run.
 */
#ifndef YB_ORACLE_SIGNER_H
#define YB_ORACLE_SIGNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"
#include "near.h"

struct signer {
    struct keyfile key;
    struct near_pubkey pk;
    uint64_t last_nonce; /* the last nonce used or seen on the chain */
    bool nonce_known;
};

/*
 * Reads the credentials at key_file (borrowed) and checks they are account_id's (borrowed).
 * Errors: keyfile_read's, YB_ECONFIG (the file is another account's).
 */
int signer_init(struct signer *s, const char *key_file, const char *account_id);
/* Wipes the secret key. */
void signer_fini(struct signer *s);
/* The key as "ed25519:<base58>" for view_access_key; out has NEAR_PUBKEY_STR_MAX bytes. */
void signer_public_key(const struct signer *s, char *out);
/* The access key's nonce as the chain reports it: later nonces start above it (never going
 * back below one already used). */
void signer_recover(struct signer *s, uint64_t ak_nonce);
/*
 * Signs a FunctionCall of method (borrowed) with args[0..args_len) (borrowed), gas, no deposit,
 * from the key's account to receiver (borrowed), referencing block_hash (borrowed; a recent
 * block). *b64 returned (free()): the SignedTransaction in base64, as send_tx wants it;
 * hash (may be NULL) gets the transaction hash, *nonce (may be NULL) the nonce used.
 * Errors: YB_EINVAL (nonce unknown: call signer_recover first), tx_add_function_call's and
 * tx_sign's errors.
 */
int signer_function_call(struct signer *s, const char *receiver, const char *method,
                         const char *args, size_t args_len, uint64_t gas,
                         const uint8_t block_hash[NEAR_HASH_LEN], char **b64,
                         uint8_t hash[NEAR_HASH_LEN], uint64_t *nonce);

#endif
