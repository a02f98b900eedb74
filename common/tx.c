/* tx.c — NEAR transactions and actions: builders, Borsh encode/decode, hash, sign, JSON views. */
#include "tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "json.h"
#include "mem.h"

/* Borsh Signature of an ed25519 signature: type byte + 64 bytes. */
#define TX_SIGNATURE_WIRE_LEN (1 + NEAR_ED25519_SIG_LEN)
/* The Transaction part may use what the signature leaves of TX_MAX_SIZE. */
#define TX_BODY_MAX (TX_MAX_SIZE - TX_SIGNATURE_WIRE_LEN)

static const char *const action_names[] = {
    [TX_ACTION_CREATE_ACCOUNT] = "CreateAccount",
    [TX_ACTION_DEPLOY_CONTRACT] = "DeployContract",
    [TX_ACTION_FUNCTION_CALL] = "FunctionCall",
    [TX_ACTION_TRANSFER] = "Transfer",
    [TX_ACTION_STAKE] = "Stake",
    [TX_ACTION_ADD_KEY] = "AddKey",
    [TX_ACTION_DELETE_KEY] = "DeleteKey",
    [TX_ACTION_DELETE_ACCOUNT] = "DeleteAccount",
    [TX_ACTION_DELEGATE] = "Delegate",
    [TX_ACTION_DEPLOY_GLOBAL_CONTRACT] = "DeployGlobalContract",
    [TX_ACTION_USE_GLOBAL_CONTRACT] = "UseGlobalContract",
};

const char *tx_action_name(unsigned tag)
{
    if (tag < sizeof action_names / sizeof action_names[0]) {
        return action_names[tag];
    }
    return "Unknown";
}

/* ---- access keys ---- */

void tx_access_key_fini(struct tx_access_key *ak)
{
    free(ak->receiver_id);
    for (size_t i = 0; i < ak->n_method_names; i++) {
        free(ak->method_names[i]);
    }
    free(ak->method_names);
    memset(ak, 0, sizeof *ak);
}

void tx_access_key_copy(struct tx_access_key *dst, const struct tx_access_key *src)
{
    *dst = *src;
    dst->receiver_id = src->receiver_id ? yb_xstrdup(src->receiver_id) : NULL;
    dst->method_names = NULL;
    if (src->n_method_names > 0) {
        dst->method_names = yb_xcalloc(src->n_method_names, sizeof(char *));
        for (size_t i = 0; i < src->n_method_names; i++) {
            dst->method_names[i] = yb_xstrdup(src->method_names[i]);
        }
    }
}

int tx_access_key_encode(struct yb_buf *b, const struct tx_access_key *ak)
{
    int rc = borsh_write_u64(b, ak->nonce);
    if (rc != YB_OK) {
        return rc;
    }
    if (ak->full_access) {
        return borsh_write_u8(b, 1);
    }
    rc = borsh_write_u8(b, 0);
    if (rc == YB_OK) {
        rc = borsh_write_option(b, ak->has_allowance);
    }
    if (rc == YB_OK && ak->has_allowance) {
        rc = borsh_write_u128(b, ak->allowance);
    }
    if (rc == YB_OK) {
        rc = near_account_encode(b, ak->receiver_id);
    }
    if (rc == YB_OK) {
        rc = ak->n_method_names > UINT32_MAX ? YB_ETOOBIG
                                             : borsh_write_u32(b, (uint32_t)ak->n_method_names);
    }
    for (size_t i = 0; rc == YB_OK && i < ak->n_method_names; i++) {
        rc = borsh_write_cstr(b, ak->method_names[i]);
    }
    return rc;
}

int tx_access_key_decode(struct borsh_reader *r, struct tx_access_key *out)
{
    struct tx_access_key ak;
    memset(&ak, 0, sizeof ak);
    uint8_t perm;
    int rc = borsh_read_u64(r, &ak.nonce);
    if (rc == YB_OK) {
        rc = borsh_read_u8(r, &perm);
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (perm == 1) {
        ak.full_access = true;
        *out = ak;
        return YB_OK;
    }
    if (perm != 0) {
        return YB_EBORSH_TAG;
    }
    rc = borsh_read_option(r, &ak.has_allowance);
    if (rc == YB_OK && ak.has_allowance) {
        rc = borsh_read_u128(r, &ak.allowance);
    }
    if (rc == YB_OK) {
        rc = near_account_decode(r, &ak.receiver_id);
    }
    size_t count = 0;
    if (rc == YB_OK) {
        /* Each name costs at least its 4-byte length prefix. */
        rc = borsh_read_vec_len(r, TX_MAX_METHOD_NAMES, 4, &count);
    }
    if (rc == YB_OK && count > 0) {
        ak.method_names = yb_xcalloc(count, sizeof(char *));
    }
    for (size_t i = 0; rc == YB_OK && i < count; i++) {
        rc = borsh_read_cstr(r, TX_MAX_METHOD_NAME_LEN, &ak.method_names[i]);
        if (rc == YB_OK) {
            ak.n_method_names = i + 1;
        }
    }
    if (rc != YB_OK) {
        tx_access_key_fini(&ak);
        return rc;
    }
    *out = ak;
    return YB_OK;
}

/* ---- actions ---- */

void tx_action_fini(struct tx_action *a)
{
    switch (a->type) {
    case TX_ACTION_DEPLOY_CONTRACT:
        free(a->u.deploy.code);
        break;
    case TX_ACTION_FUNCTION_CALL:
        free(a->u.call.method_name);
        free(a->u.call.args);
        break;
    case TX_ACTION_ADD_KEY:
        tx_access_key_fini(&a->u.add_key.access_key);
        break;
    case TX_ACTION_DELETE_ACCOUNT:
        free(a->u.delete_account.beneficiary_id);
        break;
    default:
        break;
    }
    memset(a, 0, sizeof *a);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    /* One spare byte so empty payloads still own a real pointer. */
    uint8_t *copy = yb_xmalloc(n + 1);
    if (n > 0) {
        memcpy(copy, p, n);
    }
    return copy;
}

void tx_action_copy(struct tx_action *dst, const struct tx_action *src)
{
    *dst = *src;
    switch (src->type) {
    case TX_ACTION_DEPLOY_CONTRACT:
        dst->u.deploy.code = dup_bytes(src->u.deploy.code, src->u.deploy.code_len);
        break;
    case TX_ACTION_FUNCTION_CALL:
        dst->u.call.method_name = yb_xstrdup(src->u.call.method_name);
        dst->u.call.args = dup_bytes(src->u.call.args, src->u.call.args_len);
        break;
    case TX_ACTION_ADD_KEY:
        tx_access_key_copy(&dst->u.add_key.access_key, &src->u.add_key.access_key);
        break;
    case TX_ACTION_DELETE_ACCOUNT:
        dst->u.delete_account.beneficiary_id = yb_xstrdup(src->u.delete_account.beneficiary_id);
        break;
    default:
        break;
    }
}

int tx_action_encode(struct yb_buf *b, const struct tx_action *a)
{
    if ((unsigned)a->type > TX_ACTION_DELETE_ACCOUNT) {
        return YB_EACTION;
    }
    int rc = borsh_write_u8(b, (uint8_t)a->type);
    if (rc != YB_OK) {
        return rc;
    }
    switch (a->type) {
    case TX_ACTION_CREATE_ACCOUNT:
        return YB_OK;
    case TX_ACTION_DEPLOY_CONTRACT:
        return borsh_write_bytes(b, a->u.deploy.code, a->u.deploy.code_len);
    case TX_ACTION_FUNCTION_CALL:
        rc = borsh_write_cstr(b, a->u.call.method_name);
        if (rc == YB_OK) {
            rc = borsh_write_bytes(b, a->u.call.args, a->u.call.args_len);
        }
        if (rc == YB_OK) {
            rc = borsh_write_u64(b, a->u.call.gas);
        }
        if (rc == YB_OK) {
            rc = borsh_write_u128(b, a->u.call.deposit);
        }
        return rc;
    case TX_ACTION_TRANSFER:
        return borsh_write_u128(b, a->u.transfer.deposit);
    case TX_ACTION_STAKE:
        /* Stake is written stake first, then the key (nearcore's StakeAction field order). */
        rc = borsh_write_u128(b, a->u.stake.stake);
        if (rc == YB_OK) {
            rc = near_pubkey_encode(b, &a->u.stake.public_key);
        }
        return rc;
    case TX_ACTION_ADD_KEY:
        rc = near_pubkey_encode(b, &a->u.add_key.public_key);
        if (rc == YB_OK) {
            rc = tx_access_key_encode(b, &a->u.add_key.access_key);
        }
        return rc;
    case TX_ACTION_DELETE_KEY:
        return near_pubkey_encode(b, &a->u.delete_key.public_key);
    case TX_ACTION_DELETE_ACCOUNT:
        return near_account_encode(b, a->u.delete_account.beneficiary_id);
    default:
        return YB_EACTION;
    }
}

static int decode_function_call(struct borsh_reader *r, struct tx_action *a)
{
    int rc = borsh_read_cstr(r, TX_MAX_METHOD_NAME_LEN, &a->u.call.method_name);
    if (rc == YB_OK) {
        rc = borsh_read_bytes_dup(r, TX_MAX_ARGS_LEN, &a->u.call.args, &a->u.call.args_len);
    }
    if (rc == YB_OK) {
        rc = borsh_read_u64(r, &a->u.call.gas);
    }
    if (rc == YB_OK) {
        rc = borsh_read_u128(r, &a->u.call.deposit);
    }
    return rc;
}

int tx_action_decode(struct borsh_reader *r, struct tx_action *out)
{
    struct tx_action a;
    memset(&a, 0, sizeof a);
    uint8_t tag;
    int rc = borsh_read_u8(r, &tag);
    if (rc != YB_OK) {
        return rc;
    }
    /*
     * Tags 8–10 (Delegate, global contracts) and 11+ (state init, gas keys) are valid NEAR but
     * not supported here. Stop right after the tag: callers can name it from r->p[r->off - 1].
     */
    if (tag > TX_ACTION_DELETE_ACCOUNT) {
        return YB_EACTION;
    }
    a.type = (enum tx_action_type)tag;
    switch (a.type) {
    case TX_ACTION_CREATE_ACCOUNT:
        break;
    case TX_ACTION_DEPLOY_CONTRACT:
        rc = borsh_read_bytes_dup(r, TX_MAX_CODE_LEN, &a.u.deploy.code, &a.u.deploy.code_len);
        break;
    case TX_ACTION_FUNCTION_CALL:
        rc = decode_function_call(r, &a);
        break;
    case TX_ACTION_TRANSFER:
        rc = borsh_read_u128(r, &a.u.transfer.deposit);
        break;
    case TX_ACTION_STAKE:
        rc = borsh_read_u128(r, &a.u.stake.stake);
        if (rc == YB_OK) {
            rc = near_pubkey_decode(r, &a.u.stake.public_key);
        }
        break;
    case TX_ACTION_ADD_KEY:
        rc = near_pubkey_decode(r, &a.u.add_key.public_key);
        if (rc == YB_OK) {
            rc = tx_access_key_decode(r, &a.u.add_key.access_key);
        }
        break;
    case TX_ACTION_DELETE_KEY:
        rc = near_pubkey_decode(r, &a.u.delete_key.public_key);
        break;
    case TX_ACTION_DELETE_ACCOUNT:
        rc = near_account_decode(r, &a.u.delete_account.beneficiary_id);
        break;
    default:
        rc = YB_EACTION;
        break;
    }
    if (rc != YB_OK) {
        tx_action_fini(&a);
        return rc;
    }
    *out = a;
    return YB_OK;
}

int tx_actions_encode(struct yb_buf *b, const struct tx_action *a, size_t n)
{
    if (n > UINT32_MAX) {
        return YB_ETOOBIG;
    }
    int rc = borsh_write_u32(b, (uint32_t)n);
    for (size_t i = 0; rc == YB_OK && i < n; i++) {
        rc = tx_action_encode(b, &a[i]);
    }
    return rc;
}

int tx_actions_decode(struct borsh_reader *r, struct tx_action **out, size_t *n)
{
    size_t count;
    /* Each action is at least its one-byte tag. */
    int rc = borsh_read_vec_len(r, TX_MAX_ACTIONS, 1, &count);
    if (rc != YB_OK) {
        return rc;
    }
    struct tx_action *a = count > 0 ? yb_xcalloc(count, sizeof *a) : NULL;
    for (size_t i = 0; i < count; i++) {
        rc = tx_action_decode(r, &a[i]);
        if (rc != YB_OK) {
            tx_actions_free(a, i);
            return rc;
        }
    }
    *out = a;
    *n = count;
    return YB_OK;
}

void tx_actions_free(struct tx_action *a, size_t n)
{
    if (a == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        tx_action_fini(&a[i]);
    }
    free(a);
}

/* ---- building ---- */

int tx_init(struct tx *tx, const char *signer_id, const struct near_pubkey *pk, uint64_t nonce,
            const char *receiver_id, const uint8_t block_hash[NEAR_HASH_LEN])
{
    memset(tx, 0, sizeof *tx);
    int rc = near_account_validate_cstr(signer_id);
    if (rc == YB_OK) {
        rc = near_account_validate_cstr(receiver_id);
    }
    if (rc != YB_OK) {
        return rc;
    }
    tx->signer_id = yb_xstrdup(signer_id);
    tx->public_key = *pk;
    tx->nonce = nonce;
    tx->receiver_id = yb_xstrdup(receiver_id);
    memcpy(tx->block_hash, block_hash, NEAR_HASH_LEN);
    return YB_OK;
}

void tx_fini(struct tx *tx)
{
    free(tx->signer_id);
    free(tx->receiver_id);
    tx_actions_free(tx->actions, tx->n_actions);
    memset(tx, 0, sizeof *tx);
}

/* Appends an already-owned action; the caller has checked everything else. */
static int push_action(struct tx *tx, struct tx_action *a)
{
    if (tx->n_actions >= TX_MAX_ACTIONS) {
        tx_action_fini(a);
        return YB_ETOOBIG;
    }
    tx->actions = yb_xrealloc(tx->actions, (tx->n_actions + 1) * sizeof *tx->actions);
    tx->actions[tx->n_actions++] = *a;
    return YB_OK;
}

static struct tx_action new_action(enum tx_action_type type)
{
    struct tx_action a;
    memset(&a, 0, sizeof a);
    a.type = type;
    return a;
}

int tx_add_create_account(struct tx *tx)
{
    struct tx_action a = new_action(TX_ACTION_CREATE_ACCOUNT);
    return push_action(tx, &a);
}

int tx_add_deploy_contract(struct tx *tx, const uint8_t *code, size_t code_len)
{
    if (code_len > TX_MAX_CODE_LEN || (code == NULL && code_len > 0)) {
        return code_len > TX_MAX_CODE_LEN ? YB_ETOOBIG : YB_EINVAL;
    }
    struct tx_action a = new_action(TX_ACTION_DEPLOY_CONTRACT);
    a.u.deploy.code = dup_bytes(code, code_len);
    a.u.deploy.code_len = code_len;
    return push_action(tx, &a);
}

/* A method name the decoder would accept: UTF-8, no NUL (it is a C string), capped. */
static int check_method_name(const char *name)
{
    if (name == NULL) {
        return YB_EINVAL;
    }
    size_t n = strnlen(name, TX_MAX_METHOD_NAME_LEN + 1);
    if (n > TX_MAX_METHOD_NAME_LEN) {
        return YB_ETOOBIG;
    }
    return borsh_check_utf8((const uint8_t *)name, n);
}

int tx_add_function_call(struct tx *tx, const char *method_name, const uint8_t *args,
                         size_t args_len, uint64_t gas, yb_u128 deposit)
{
    int rc = check_method_name(method_name);
    if (rc != YB_OK) {
        return rc;
    }
    if (args_len > TX_MAX_ARGS_LEN) {
        return YB_ETOOBIG;
    }
    if (args == NULL && args_len > 0) {
        return YB_EINVAL;
    }
    struct tx_action a = new_action(TX_ACTION_FUNCTION_CALL);
    a.u.call.method_name = yb_xstrdup(method_name);
    a.u.call.args = dup_bytes(args, args_len);
    a.u.call.args_len = args_len;
    a.u.call.gas = gas;
    a.u.call.deposit = deposit;
    return push_action(tx, &a);
}

int tx_add_transfer(struct tx *tx, yb_u128 deposit)
{
    struct tx_action a = new_action(TX_ACTION_TRANSFER);
    a.u.transfer.deposit = deposit;
    return push_action(tx, &a);
}

int tx_add_stake(struct tx *tx, yb_u128 stake, const struct near_pubkey *pk)
{
    if (pk->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    struct tx_action a = new_action(TX_ACTION_STAKE);
    a.u.stake.stake = stake;
    a.u.stake.public_key = *pk;
    return push_action(tx, &a);
}

int tx_add_full_access_key(struct tx *tx, const struct near_pubkey *pk)
{
    if (pk->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    struct tx_action a = new_action(TX_ACTION_ADD_KEY);
    a.u.add_key.public_key = *pk;
    a.u.add_key.access_key.full_access = true;
    return push_action(tx, &a);
}

int tx_add_function_call_key(struct tx *tx, const struct near_pubkey *pk, const yb_u128 *allowance,
                             const char *receiver_id, const char *const *method_names, size_t n)
{
    if (pk->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    int rc = near_account_validate_cstr(receiver_id);
    if (rc != YB_OK) {
        return rc;
    }
    if (n > TX_MAX_METHOD_NAMES) {
        return YB_ETOOBIG;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        rc = check_method_name(method_names[i]);
        if (rc != YB_OK) {
            return rc;
        }
        total += strlen(method_names[i]);
    }
    if (total > TX_MAX_METHOD_NAMES_BYTES) {
        return YB_ETOOBIG;
    }
    struct tx_action a = new_action(TX_ACTION_ADD_KEY);
    a.u.add_key.public_key = *pk;
    struct tx_access_key *ak = &a.u.add_key.access_key;
    ak->has_allowance = allowance != NULL;
    ak->allowance = allowance ? *allowance : 0;
    ak->receiver_id = yb_xstrdup(receiver_id);
    ak->n_method_names = n;
    ak->method_names = n > 0 ? yb_xcalloc(n, sizeof(char *)) : NULL;
    for (size_t i = 0; i < n; i++) {
        ak->method_names[i] = yb_xstrdup(method_names[i]);
    }
    return push_action(tx, &a);
}

int tx_add_delete_key(struct tx *tx, const struct near_pubkey *pk)
{
    if (pk->type != NEAR_KEY_ED25519) {
        return YB_EKEYTYPE;
    }
    struct tx_action a = new_action(TX_ACTION_DELETE_KEY);
    a.u.delete_key.public_key = *pk;
    return push_action(tx, &a);
}

int tx_add_delete_account(struct tx *tx, const char *beneficiary_id)
{
    int rc = near_account_validate_cstr(beneficiary_id);
    if (rc != YB_OK) {
        return rc;
    }
    struct tx_action a = new_action(TX_ACTION_DELETE_ACCOUNT);
    a.u.delete_account.beneficiary_id = yb_xstrdup(beneficiary_id);
    return push_action(tx, &a);
}

/* ---- transactions ---- */

int tx_encode(struct yb_buf *b, const struct tx *tx)
{
    int rc = near_account_encode(b, tx->signer_id);
    if (rc == YB_OK) {
        rc = near_pubkey_encode(b, &tx->public_key);
    }
    if (rc == YB_OK) {
        rc = borsh_write_u64(b, tx->nonce);
    }
    if (rc == YB_OK) {
        rc = near_account_encode(b, tx->receiver_id);
    }
    if (rc == YB_OK) {
        rc = borsh_write_fixed(b, tx->block_hash, NEAR_HASH_LEN);
    }
    if (rc == YB_OK) {
        rc = tx_actions_encode(b, tx->actions, tx->n_actions);
    }
    return rc;
}

/* Encodes the body under TX_BODY_MAX and hashes it; *len gets the body's size. */
static int hash_body(const struct tx *tx, uint8_t out[NEAR_HASH_LEN], size_t *len)
{
    struct yb_buf b;
    yb_buf_init(&b, TX_BODY_MAX);
    int rc = tx_encode(&b, tx);
    if (rc == YB_OK) {
        crypto_sha256(b.data, b.len, out);
        *len = b.len;
    }
    yb_buf_fini(&b);
    return rc;
}

int tx_hash(const struct tx *tx, uint8_t out[NEAR_HASH_LEN])
{
    size_t len;
    return hash_body(tx, out, &len);
}

static int decode_body(struct borsh_reader *r, struct tx *tx)
{
    memset(tx, 0, sizeof *tx);
    int rc = near_account_decode(r, &tx->signer_id);
    if (rc == YB_OK) {
        rc = near_pubkey_decode(r, &tx->public_key);
    }
    if (rc == YB_OK) {
        rc = borsh_read_u64(r, &tx->nonce);
    }
    if (rc == YB_OK) {
        rc = near_account_decode(r, &tx->receiver_id);
    }
    if (rc == YB_OK) {
        rc = borsh_read_fixed(r, tx->block_hash, NEAR_HASH_LEN);
    }
    if (rc == YB_OK) {
        rc = tx_actions_decode(r, &tx->actions, &tx->n_actions);
    }
    if (rc != YB_OK) {
        tx_fini(tx);
    }
    return rc;
}

/*
 * nearcore tells V0 from V1 by the first two bytes: V0 starts with the u32 length of an
 * account id (at most 64, so byte 1 is always 0); V1 starts with the tag 0x01 followed by the
 * first byte of that length, which is not 0 for any valid id.
 */
static bool is_v1(const uint8_t *p, size_t n)
{
    return n >= 2 && p[0] == 1 && p[1] != 0;
}

int tx_decode(const uint8_t *p, size_t n, struct tx *out)
{
    if (n > TX_BODY_MAX) {
        return YB_ETOOBIG;
    }
    if (is_v1(p, n)) {
        return YB_ETX_VERSION;
    }
    struct borsh_reader r;
    borsh_reader_init(&r, p, n);
    struct tx tx;
    int rc = decode_body(&r, &tx);
    if (rc != YB_OK) {
        return rc;
    }
    rc = borsh_reader_finish(&r);
    if (rc != YB_OK) {
        tx_fini(&tx);
        return rc;
    }
    *out = tx;
    return YB_OK;
}

/* The whole decode; r is left where it stopped, so a caller can say where and why. */
static int decode_signed(const uint8_t *p, size_t n, struct borsh_reader *r, struct tx_signed **out)
{
    borsh_reader_init(r, p, n);
    if (n > TX_MAX_SIZE) {
        return YB_ETOOBIG;
    }
    if (is_v1(p, n)) {
        return YB_ETX_VERSION;
    }
    struct tx_signed *st = yb_xcalloc(1, sizeof *st);
    int rc = decode_body(r, &st->tx);
    if (rc == YB_OK) {
        /* The hash covers the Transaction bytes only, exactly as they arrived. */
        crypto_sha256(p, r->off, st->hash);
        rc = near_signature_decode(r, &st->signature);
    }
    if (rc == YB_OK) {
        rc = borsh_reader_finish(r);
    }
    if (rc != YB_OK) {
        tx_signed_free(st);
        return rc;
    }
    st->size = n;
    *out = st;
    return YB_OK;
}

int tx_decode_signed(const uint8_t *p, size_t n, struct tx_signed **out)
{
    struct borsh_reader r;
    return decode_signed(p, n, &r, out);
}

int tx_decode_signed_why(const uint8_t *p, size_t n, struct tx_signed **out, char *why,
                         size_t why_cap)
{
    struct borsh_reader r;
    int rc = decode_signed(p, n, &r, out);
    if (rc == YB_OK || why == NULL || why_cap == 0) {
        return rc;
    }
    if (rc == YB_ETOOBIG) {
        snprintf(why, why_cap, "transaction of %zu bytes is over the %u-byte limit", n,
                 (unsigned)TX_MAX_SIZE);
    } else if (rc == YB_ETX_VERSION) {
        snprintf(why, why_cap, "byte 0: %s", yb_err_str(rc));
    } else if (rc == YB_EACTION && r.off > 0) {
        /* tx_action_decode stops right after an unsupported tag. */
        unsigned tag = r.p[r.off - 1];
        snprintf(why, why_cap, "byte %zu: unsupported action %s (tag %u)", r.off - 1,
                 tx_action_name(tag), tag);
    } else {
        snprintf(why, why_cap, "byte %zu: %s", r.off, yb_err_str(rc));
    }
    return rc;
}

int tx_signed_encode(struct yb_buf *b, const struct tx_signed *st)
{
    int rc = tx_encode(b, &st->tx);
    if (rc == YB_OK) {
        rc = near_signature_encode(b, &st->signature);
    }
    return rc;
}

void tx_signed_free(struct tx_signed *st)
{
    if (st == NULL) {
        return;
    }
    tx_fini(&st->tx);
    free(st);
}

int tx_sign(struct tx *tx, const uint8_t sk[NEAR_ED25519_SK_LEN], struct tx_signed **out)
{
    struct near_pubkey signer;
    near_secret_key_pubkey(sk, &signer);
    if (!near_pubkey_equal(&signer, &tx->public_key)) {
        return YB_EBADKEY;
    }
    uint8_t hash[NEAR_HASH_LEN];
    size_t len;
    int rc = hash_body(tx, hash, &len);
    if (rc != YB_OK) {
        return rc;
    }
    struct tx_signed *st = yb_xcalloc(1, sizeof *st);
    crypto_ed25519_sign(sk, hash, sizeof hash, st->signature.data);
    st->signature.type = NEAR_KEY_ED25519;
    memcpy(st->hash, hash, sizeof hash);
    st->size = len + TX_SIGNATURE_WIRE_LEN;
    st->tx = *tx;
    memset(tx, 0, sizeof *tx);
    *out = st;
    return YB_OK;
}

int tx_signed_verify(const struct tx_signed *st)
{
    if (st->signature.type != NEAR_KEY_ED25519 || st->tx.public_key.type != NEAR_KEY_ED25519) {
        return YB_EBADSIG;
    }
    /* NEAR signs the 32-byte digest, not the transaction bytes (near-rpc.md §3). */
    return crypto_ed25519_verify(st->tx.public_key.data, st->hash, NEAR_HASH_LEN,
                                 st->signature.data);
}

/* ---- JSON views ---- */

static cJSON *json_base64(const uint8_t *p, size_t n)
{
    size_t cap = base64_encoded_len(n);
    char *s = yb_xmalloc(cap);
    base64_encode(p, n, s, cap);
    cJSON *j = cJSON_CreateString(s);
    free(s);
    return j;
}

static cJSON *json_pubkey(const struct near_pubkey *pk)
{
    char tmp[NEAR_PUBKEY_STR_MAX];
    if (near_pubkey_format(pk, tmp) != YB_OK) {
        return cJSON_CreateNull();
    }
    return cJSON_CreateString(tmp);
}

cJSON *tx_access_key_to_json(const struct tx_access_key *ak)
{
    cJSON *o = cJSON_CreateObject();
    json_add_u64(o, "nonce", ak->nonce);
    if (ak->full_access) {
        cJSON_AddStringToObject(o, "permission", "FullAccess");
        return o;
    }
    cJSON *fc = cJSON_CreateObject();
    if (ak->has_allowance) {
        json_add_u128(fc, "allowance", ak->allowance);
    } else {
        cJSON_AddNullToObject(fc, "allowance");
    }
    cJSON_AddStringToObject(fc, "receiver_id", ak->receiver_id ? ak->receiver_id : "");
    cJSON *names = cJSON_AddArrayToObject(fc, "method_names");
    for (size_t i = 0; i < ak->n_method_names; i++) {
        cJSON_AddItemToArray(names, cJSON_CreateString(ak->method_names[i]));
    }
    cJSON *perm = cJSON_CreateObject();
    cJSON_AddItemToObject(perm, "FunctionCall", fc);
    cJSON_AddItemToObject(o, "permission", perm);
    return o;
}

/* Method names from JSON: strings under the same caps the Borsh decoder applies. */
static int method_names_from_json(const cJSON *arr, struct tx_access_key *ak)
{
    int count = cJSON_GetArraySize(arr);
    if (count < 0 || (size_t)count > TX_MAX_METHOD_NAMES) {
        return YB_ETOOBIG;
    }
    ak->method_names = count > 0 ? yb_xcalloc((size_t)count, sizeof(char *)) : NULL;
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        const char *name;
        int rc = json_as_str(item, &name);
        if (rc == YB_OK) {
            rc = strlen(name) > TX_MAX_METHOD_NAME_LEN
                     ? YB_ETOOBIG
                     : borsh_check_utf8((const uint8_t *)name, strlen(name));
        }
        if (rc != YB_OK) {
            return rc;
        }
        ak->method_names[ak->n_method_names++] = yb_xstrdup(name);
    }
    return YB_OK;
}

int tx_access_key_from_json(const cJSON *j, struct tx_access_key *out)
{
    struct tx_access_key ak;
    memset(&ak, 0, sizeof ak);
    int rc = json_get_u64(j, "nonce", &ak.nonce);
    if (rc != YB_OK) {
        return rc;
    }
    const cJSON *perm = cJSON_GetObjectItemCaseSensitive(j, "permission");
    if (perm == NULL) {
        return YB_EJSON_MISSING;
    }
    if (cJSON_IsString(perm)) {
        if (strcmp(perm->valuestring, "FullAccess") != 0) {
            return YB_EMALFORMED;
        }
        ak.full_access = true;
        *out = ak;
        return YB_OK;
    }
    const cJSON *fc;
    rc = json_get_object(perm, "FunctionCall", &fc);
    if (rc == YB_EJSON_MISSING) {
        return YB_EMALFORMED;
    }
    if (rc != YB_OK) {
        return rc;
    }
    /* allowance: a decimal string, or null / absent for unlimited. */
    const cJSON *allowance = cJSON_GetObjectItemCaseSensitive(fc, "allowance");
    if (allowance != NULL && !cJSON_IsNull(allowance)) {
        rc = json_as_u128(allowance, &ak.allowance);
        ak.has_allowance = true;
    }
    const char *receiver;
    if (rc == YB_OK) {
        rc = json_get_str(fc, "receiver_id", &receiver);
    }
    if (rc == YB_OK) {
        rc = near_account_validate_cstr(receiver);
    }
    if (rc != YB_OK) {
        return rc;
    }
    ak.receiver_id = yb_xstrdup(receiver);
    const cJSON *names;
    rc = json_opt_array(fc, "method_names", &names);
    if (rc == YB_OK && names != NULL) {
        rc = method_names_from_json(names, &ak);
    }
    if (rc != YB_OK) {
        tx_access_key_fini(&ak);
        return rc;
    }
    *out = ak;
    return YB_OK;
}

cJSON *tx_action_to_json(const struct tx_action *a)
{
    if ((unsigned)a->type > TX_ACTION_DELETE_ACCOUNT) {
        return NULL;
    }
    if (a->type == TX_ACTION_CREATE_ACCOUNT) {
        return cJSON_CreateString("CreateAccount");
    }
    cJSON *body = cJSON_CreateObject();
    switch (a->type) {
    case TX_ACTION_DEPLOY_CONTRACT: {
        /* The view carries the code's hash, not the code (nearcore views.rs). */
        uint8_t h[SHA256_LEN];
        crypto_sha256(a->u.deploy.code, a->u.deploy.code_len, h);
        cJSON_AddItemToObject(body, "code", json_base64(h, sizeof h));
        break;
    }
    case TX_ACTION_FUNCTION_CALL:
        cJSON_AddStringToObject(body, "method_name", a->u.call.method_name);
        cJSON_AddItemToObject(body, "args", json_base64(a->u.call.args, a->u.call.args_len));
        json_add_u64(body, "gas", a->u.call.gas);
        json_add_u128(body, "deposit", a->u.call.deposit);
        break;
    case TX_ACTION_TRANSFER:
        json_add_u128(body, "deposit", a->u.transfer.deposit);
        break;
    case TX_ACTION_STAKE:
        json_add_u128(body, "stake", a->u.stake.stake);
        cJSON_AddItemToObject(body, "public_key", json_pubkey(&a->u.stake.public_key));
        break;
    case TX_ACTION_ADD_KEY:
        cJSON_AddItemToObject(body, "public_key", json_pubkey(&a->u.add_key.public_key));
        cJSON_AddItemToObject(body, "access_key", tx_access_key_to_json(&a->u.add_key.access_key));
        break;
    case TX_ACTION_DELETE_KEY:
        cJSON_AddItemToObject(body, "public_key", json_pubkey(&a->u.delete_key.public_key));
        break;
    case TX_ACTION_DELETE_ACCOUNT:
        cJSON_AddStringToObject(body, "beneficiary_id", a->u.delete_account.beneficiary_id);
        break;
    default:
        break;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, tx_action_name(a->type), body);
    return o;
}

cJSON *tx_signed_to_json(const struct tx_signed *st)
{
    const struct tx *tx = &st->tx;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "signer_id", tx->signer_id);
    cJSON_AddItemToObject(o, "public_key", json_pubkey(&tx->public_key));
    json_add_u64(o, "nonce", tx->nonce);
    cJSON_AddStringToObject(o, "receiver_id", tx->receiver_id);
    cJSON *actions = cJSON_AddArrayToObject(o, "actions");
    for (size_t i = 0; i < tx->n_actions; i++) {
        cJSON *a = tx_action_to_json(&tx->actions[i]);
        if (a != NULL) {
            cJSON_AddItemToArray(actions, a);
        }
    }
    char sig[NEAR_SIG_STR_MAX];
    if (near_signature_format(&st->signature, sig) == YB_OK) {
        cJSON_AddStringToObject(o, "signature", sig);
    } else {
        cJSON_AddNullToObject(o, "signature");
    }
    char hash[NEAR_HASH_STR_MAX];
    near_hash_format(st->hash, hash);
    cJSON_AddStringToObject(o, "hash", hash);
    return o;
}
