/*
 * node_patch.c — sandbox_patch_state records (see node_patch.h). One code path validates and
 * applies, so a record that passed validation at submission cannot fail differently later.
 */
#include "node_patch.h"

#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "err.h"
#include "json.h"
#include "state.h"
#include "tx.h"

static int patch_account(struct store_txn *txn, const cJSON *r, const char *acc)
{
    const cJSON *a;
    struct state_account sa = {0};
    const char *code_hash = NULL;
    uint64_t usage = 0;
    int rc = json_get_object(r, "account", &a);
    rc = rc ? rc : json_get_u128(a, "amount", &sa.amount);
    rc = rc ? rc : json_opt_u128(a, "locked", 0, &sa.locked);
    rc = rc ? rc : json_opt_str(a, "code_hash", "11111111111111111111111111111111", &code_hash);
    rc = rc ? rc : json_opt_u64(a, "storage_usage", 0, &usage);
    rc = rc ? rc : base58_decode_exact(code_hash, strlen(code_hash), sa.code_hash, NEAR_HASH_LEN);
    sa.storage_usage = usage;
    if (rc == YB_OK && txn != NULL) {
        rc = state_account_set(txn, acc, &sa);
    }
    return rc;
}

static int patch_data(struct store_txn *txn, const cJSON *r, const char *acc)
{
    uint8_t *key = NULL, *val = NULL;
    size_t klen = 0, vlen = 0;
    int rc = json_get_base64(r, "data_key", STATE_DATA_KEY_MAX, &key, &klen);
    rc = rc ? rc : json_get_base64(r, "value", TX_MAX_ARGS_LEN, &val, &vlen);
    if (rc == YB_OK && klen == 0) {
        rc = YB_EINVAL;
    }
    if (rc == YB_OK && txn != NULL) {
        rc = state_data_set(txn, acc, key, klen, val, vlen);
    }
    free(key);
    free(val);
    return rc;
}

static int patch_contract(struct store_txn *txn, struct runtime *rt, const cJSON *r,
                          const char *acc)
{
    uint8_t *code = NULL;
    size_t len = 0;
    int rc = json_get_base64(r, "code", TX_MAX_CODE_LEN, &code, &len);
    if (rc == YB_OK && txn != NULL) {
        rc = runtime_genesis_deploy(rt, txn, acc, code, len);
    }
    free(code);
    return rc;
}

static int patch_access_key(struct store_txn *txn, const cJSON *r, const char *acc)
{
    const char *pks;
    const cJSON *akj;
    struct near_pubkey pk;
    struct tx_access_key ak = {0};
    int rc = json_get_str(r, "public_key", &pks);
    rc = rc ? rc : near_pubkey_parse_cstr(pks, &pk);
    rc = rc ? rc : json_get_object(r, "access_key", &akj);
    rc = rc ? rc : tx_access_key_from_json(akj, &ak);
    if (rc == YB_OK && txn != NULL) {
        struct yb_buf b;
        yb_buf_init(&b, 1u << 16);
        rc = tx_access_key_encode(&b, &ak);
        rc = rc ? rc : state_access_key_set(txn, acc, &pk, b.data, b.len);
        yb_buf_fini(&b);
    }
    tx_access_key_fini(&ak);
    return rc;
}

int node_patch_apply(struct store_txn *txn, struct runtime *rt, const cJSON *records)
{
    if (!cJSON_IsArray(records)) {
        return YB_EJSON_TYPE;
    }
    if ((size_t)cJSON_GetArraySize(records) > NODE_PATCH_MAX_RECORDS) {
        return YB_ETOOBIG;
    }
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records)
    {
        const cJSON *body = rec ? rec->child : NULL;
        if (!cJSON_IsObject(rec) || body == NULL || body->next != NULL || !cJSON_IsObject(body)) {
            return YB_EINVAL;
        }
        const char *acc;
        int rc = json_get_str(body, "account_id", &acc);
        rc = rc ? rc : near_account_validate_cstr(acc);
        if (rc != YB_OK) {
            return rc;
        }
        if (strcmp(body->string, "Account") == 0) {
            rc = patch_account(txn, body, acc);
        } else if (strcmp(body->string, "Data") == 0) {
            rc = patch_data(txn, body, acc);
        } else if (strcmp(body->string, "Contract") == 0) {
            rc = patch_contract(txn, rt, body, acc);
        } else if (strcmp(body->string, "AccessKey") == 0) {
            rc = patch_access_key(txn, body, acc);
        } else {
            rc = YB_EINVAL;
        }
        if (rc != YB_OK) {
            return rc;
        }
    }
    return YB_OK;
}
