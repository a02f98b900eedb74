/*
 * signer.c — key, nonce counter and transaction signing for the oracle.
 */
#include "signer.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "err.h"
#include "log.h"
#include "mem.h"
#include "tx.h"

int signer_init(struct signer *s, const char *key_file, const char *account_id)
{
    memset(s, 0, sizeof *s);
    int rc = keyfile_read(key_file, &s->key);
    if (rc != YB_OK) {
        log_error("YB-ORACLE-KEY", "cannot read the key file %s: %s", key_file, yb_err_str(rc));
        return rc;
    }
    if (strcmp(s->key.account_id, account_id) != 0) {
        log_error("YB-ORACLE-KEY", "%s holds a key of %s, not of %s", key_file, s->key.account_id,
                  account_id);
        keyfile_wipe(&s->key);
        return YB_ECONFIG;
    }
    s->pk.type = NEAR_KEY_ED25519;
    memcpy(s->pk.data, s->key.pk, NEAR_ED25519_PK_LEN);
    return YB_OK;
}

void signer_fini(struct signer *s)
{
    keyfile_wipe(&s->key);
    memset(s, 0, sizeof *s);
}

void signer_public_key(const struct signer *s, char *out)
{
    near_pubkey_format(&s->pk, out);
}

void signer_recover(struct signer *s, uint64_t ak_nonce)
{
    if (!s->nonce_known || ak_nonce > s->last_nonce) {
        s->last_nonce = ak_nonce;
    }
    s->nonce_known = true;
}

int signer_function_call(struct signer *s, const char *receiver, const char *method,
                         const char *args, size_t args_len, uint64_t gas,
                         const uint8_t block_hash[NEAR_HASH_LEN], char **b64,
                         uint8_t hash[NEAR_HASH_LEN], uint64_t *nonce)
{
    if (!s->nonce_known) {
        return YB_EINVAL;
    }
    struct tx tx;
    uint64_t n = s->last_nonce + 1;
    int rc = tx_init(&tx, s->key.account_id, &s->pk, n, receiver, block_hash);
    if (rc == YB_OK) {
        rc = tx_add_function_call(&tx, method, (const uint8_t *)args, args_len, gas, 0);
    }
    struct tx_signed *st = NULL;
    if (rc == YB_OK) {
        rc = tx_sign(&tx, s->key.sk, &st);
    }
    tx_fini(&tx);
    if (rc != YB_OK) {
        return rc;
    }
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    rc = tx_signed_encode(&b, st);
    if (rc == YB_OK) {
        size_t cap = base64_encoded_len(b.len);
        *b64 = yb_xmalloc(cap);
        rc = base64_encode(b.data, b.len, *b64, cap);
        if (rc != YB_OK) {
            free(*b64);
            *b64 = NULL;
        }
    }
    if (rc == YB_OK) {
        s->last_nonce = n;
        if (hash) {
            memcpy(hash, st->hash, NEAR_HASH_LEN);
        }
        if (nonce) {
            *nonce = n;
        }
    }
    yb_buf_fini(&b);
    tx_signed_free(st);
    return rc;
}
