/*
 * patch.c — sandbox_patch_state records into the state (see patch.h).
 */
#include "patch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "state.h"
#include "tx.h"

/* Contract code and values are capped as the runtime caps them. */
#define PATCH_CODE_MAX  (4u << 20)
#define PATCH_VALUE_MAX (4u << 20)

static int account_id(const cJSON *body, const char **acc)
{
    int rc = json_get_str(body, "account_id", acc);
    if (rc == YB_OK) {
        rc = near_account_validate_cstr(*acc);
    }
    return rc;
}

static int patch_account(struct store_txn *txn, const cJSON *body)
{
    const char *acc;
    const cJSON *a;
    int rc = account_id(body, &acc);
    if (rc == YB_OK) {
        rc = json_get_object(body, "account", &a);
    }
    struct state_account sa;
    memset(&sa, 0, sizeof sa);
    if (rc == YB_OK) {
        rc = json_get_u128(a, "amount", &sa.amount);
    }
    if (rc == YB_OK) {
        rc = json_opt_u128(a, "locked", 0, &sa.locked);
    }
    if (rc == YB_OK) {
        rc = json_opt_u64(a, "storage_usage", 0, &sa.storage_usage);
    }
    const char *hash = NULL;
    if (rc == YB_OK) {
        rc = json_opt_str(a, "code_hash", "11111111111111111111111111111111", &hash);
    }
    if (rc == YB_OK) {
        rc = near_hash_parse(hash, strlen(hash), sa.code_hash);
    }
    if (rc == YB_OK) {
        rc = state_account_set(txn, acc, &sa);
    }
    return rc;
}

static int patch_access_key(struct store_txn *txn, const cJSON *body)
{
    const char *acc, *pk_text;
    const cJSON *akj;
    struct near_pubkey pk;
    int rc = account_id(body, &acc);
    if (rc == YB_OK) {
        rc = json_get_str(body, "public_key", &pk_text);
    }
    if (rc == YB_OK) {
        rc = near_pubkey_parse_cstr(pk_text, &pk);
    }
    if (rc == YB_OK) {
        rc = json_get_object(body, "access_key", &akj);
    }
    struct tx_access_key ak;
    if (rc == YB_OK) {
        rc = tx_access_key_from_json(akj, &ak);
    }
    if (rc != YB_OK) {
        return rc;
    }
    struct yb_buf b;
    yb_buf_init(&b, 1u << 16);
    rc = tx_access_key_encode(&b, &ak);
    if (rc == YB_OK) {
        rc = state_access_key_set(txn, acc, &pk, b.data, b.len);
    }
    yb_buf_fini(&b);
    tx_access_key_fini(&ak);
    return rc;
}

static int patch_contract(struct store_txn *txn, const cJSON *body)
{
    const char *acc;
    uint8_t *code = NULL;
    size_t len = 0;
    int rc = account_id(body, &acc);
    if (rc == YB_OK) {
        rc = json_get_base64(body, "code", PATCH_CODE_MAX, &code, &len);
    }
    if (rc == YB_OK) {
        rc = state_code_set(txn, acc, code, len);
    }
    struct state_account sa;
    if (rc == YB_OK && state_account_get(txn, acc, &sa) == YB_OK) {
        crypto_sha256(code, len, sa.code_hash);
        rc = state_account_set(txn, acc, &sa);
    }
    free(code);
    return rc;
}

static int patch_data(struct store_txn *txn, const cJSON *body)
{
    const char *acc;
    uint8_t *key = NULL, *val = NULL;
    size_t key_len = 0, val_len = 0;
    int rc = account_id(body, &acc);
    if (rc == YB_OK) {
        rc = json_get_base64(body, "data_key", STATE_DATA_KEY_MAX, &key, &key_len);
    }
    if (rc == YB_OK) {
        rc = json_get_base64(body, "value", PATCH_VALUE_MAX, &val, &val_len);
    }
    if (rc == YB_OK) {
        rc = state_data_set(txn, acc, key, key_len, val, val_len);
    }
    free(key);
    free(val);
    return rc;
}

static const struct {
    const char *name;
    int (*apply)(struct store_txn *txn, const cJSON *body);
} kinds[] = {
    {"Account", patch_account},
    {"AccessKey", patch_access_key},
    {"Contract", patch_contract},
    {"Data", patch_data},
};

int patch_apply(struct runtime *rt, struct store_txn *txn, const cJSON *records, size_t *applied,
                char err[PATCH_ERR_MAX])
{
    (void)rt;
    size_t n = 0;
    int rc = YB_OK;
    if (!cJSON_IsArray(records)) {
        rc = YB_EJSON_TYPE;
        if (err) {
            snprintf(err, PATCH_ERR_MAX, "records: expected an array of StateRecords");
        }
        goto out;
    }
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records)
    {
        const cJSON *body = rec->child;
        if (!cJSON_IsObject(rec) || !body || body->next || !cJSON_IsObject(body)) {
            rc = YB_EJSON_TYPE;
            if (err) {
                snprintf(err, PATCH_ERR_MAX, "record %zu: expected {\"<Kind>\":{...}}", n);
            }
            goto out;
        }
        rc = YB_ENOTSUP;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            if (strcmp(body->string, kinds[k].name) == 0) {
                rc = kinds[k].apply(txn, body);
                break;
            }
        }
        if (rc != YB_OK) {
            if (err) {
                snprintf(err, PATCH_ERR_MAX, "record %zu (%.40s): %s", n, body->string,
                         rc == YB_ENOTSUP ? "record kind not supported" : yb_err_str(rc));
            }
            goto out;
        }
        n++;
    }
out:
    if (applied) {
        *applied = n;
    }
    return rc;
}
