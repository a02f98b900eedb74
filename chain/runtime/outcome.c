/*
 * outcome.c — execution outcomes and nearcore-shaped failures (see outcome.h).
 */
#include "outcome.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "mem.h"

void outcome_list_init(struct outcome_list *l)
{
    memset(l, 0, sizeof *l);
}

void outcome_list_fini(struct outcome_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        outcome_fini(&l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

struct outcome *outcome_list_push(struct outcome_list *l, const uint8_t id[NEAR_HASH_LEN],
                                  const char *executor_id, bool is_tx)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = yb_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct outcome *o = &l->v[l->n++];
    memset(o, 0, sizeof *o);
    memcpy(o->id, id, NEAR_HASH_LEN);
    o->executor_id = yb_xstrdup(executor_id);
    o->is_tx = is_tx;
    o->status = OUTCOME_SUCCESS_VALUE;
    return o;
}

const struct outcome *outcome_list_find(const struct outcome_list *l,
                                        const uint8_t id[NEAR_HASH_LEN])
{
    for (size_t i = 0; i < l->n; i++) {
        if (memcmp(l->v[i].id, id, NEAR_HASH_LEN) == 0) {
            return &l->v[i];
        }
    }
    return NULL;
}

void outcome_fini(struct outcome *o)
{
    free(o->executor_id);
    free(o->value);
    cJSON_Delete(o->failure);
    free(o->failure_name);
    for (size_t i = 0; i < o->n_logs; i++) {
        free(o->logs[i]);
    }
    free(o->logs);
    free(o->receipt_ids);
    memset(o, 0, sizeof *o);
}

void outcome_add_log(struct outcome *o, const char *line, size_t len)
{
    o->logs = yb_xrealloc(o->logs, (o->n_logs + 1) * sizeof *o->logs);
    o->logs[o->n_logs++] = yb_xstrndup(line, len);
}

void outcome_add_receipt_id(struct outcome *o, const uint8_t id[NEAR_HASH_LEN])
{
    o->receipt_ids = yb_xrealloc(o->receipt_ids, (o->n_receipt_ids + 1) * sizeof *o->receipt_ids);
    memcpy(o->receipt_ids[o->n_receipt_ids++], id, NEAR_HASH_LEN);
}

void outcome_set_value(struct outcome *o, const uint8_t *value, size_t len)
{
    free(o->value);
    o->value = yb_xmalloc(len + 1);
    if (len > 0) {
        memcpy(o->value, value, len);
    }
    o->value_len = len;
    o->status = OUTCOME_SUCCESS_VALUE;
}

void outcome_set_receipt(struct outcome *o, const uint8_t id[NEAR_HASH_LEN])
{
    memcpy(o->return_receipt_id, id, NEAR_HASH_LEN);
    o->status = OUTCOME_SUCCESS_RECEIPT_ID;
}

void outcome_set_failure(struct outcome *o, cJSON *err, const char *name)
{
    cJSON_Delete(o->failure);
    free(o->failure_name);
    o->failure = err;
    o->failure_name = yb_xstrdup(name);
    o->status = OUTCOME_FAILURE;
}

/* "<name>" for a unit variant, {"<name>":fields} otherwise (serde's external tagging). */
static cJSON *variant(const char *name, cJSON *fields)
{
    if (!fields) {
        return cJSON_CreateString(name);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, name, fields);
    return o;
}

static cJSON *wrap(const char *outer, cJSON *inner)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, outer, inner);
    return o;
}

cJSON *outcome_err_invalid_tx(const char *name, cJSON *fields)
{
    return wrap("InvalidTxError", variant(name, fields));
}

cJSON *outcome_err_access_key(const char *name, cJSON *fields)
{
    return outcome_err_invalid_tx("InvalidAccessKeyError", variant(name, fields));
}

cJSON *outcome_err_actions_validation(const char *name, cJSON *fields)
{
    return outcome_err_invalid_tx("ActionsValidation", variant(name, fields));
}

cJSON *outcome_err_action(long index, const char *name, cJSON *fields)
{
    cJSON *ae = cJSON_CreateObject();
    if (index < 0) {
        cJSON_AddNullToObject(ae, "index");
    } else {
        cJSON_AddNumberToObject(ae, "index", (double)index);
    }
    cJSON_AddItemToObject(ae, "kind", variant(name, fields));
    return wrap("ActionError", ae);
}

void outcome_json_u128(cJSON *obj, const char *key, yb_u128 v)
{
    char s[U128_DEC_MAX];
    u128_to_dec(v, s);
    cJSON_AddStringToObject(obj, key, s);
}

void outcome_json_u64(cJSON *obj, const char *key, uint64_t v)
{
    /* Gas and nonces stay below 2^53 in practice, where a double is exact, as in nearcore's
     * JSON (serde writes u64 as a number). */
    cJSON_AddNumberToObject(obj, key, (double)v);
}

void outcome_json_str(cJSON *obj, const char *key, const char *s)
{
    cJSON_AddStringToObject(obj, key, s);
}

void outcome_json_pubkey(cJSON *obj, const char *key, const struct near_pubkey *pk)
{
    char s[NEAR_PUBKEY_STR_MAX];
    if (near_pubkey_format(pk, s) != 0) {
        s[0] = '\0';
    }
    cJSON_AddStringToObject(obj, key, s);
}

cJSON *outcome_to_json(const struct outcome *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *logs = cJSON_AddArrayToObject(j, "logs");
    for (size_t i = 0; i < o->n_logs; i++) {
        cJSON_AddItemToArray(logs, cJSON_CreateString(o->logs[i]));
    }
    cJSON *ids = cJSON_AddArrayToObject(j, "receipt_ids");
    char h[NEAR_HASH_STR_MAX];
    for (size_t i = 0; i < o->n_receipt_ids; i++) {
        near_hash_format(o->receipt_ids[i], h);
        cJSON_AddItemToArray(ids, cJSON_CreateString(h));
    }
    outcome_json_u64(j, "gas_burnt", o->gas_burnt);
    outcome_json_u128(j, "tokens_burnt", o->tokens_burnt);
    cJSON_AddStringToObject(j, "executor_id", o->executor_id);
    cJSON *st = cJSON_CreateObject();
    switch (o->status) {
    case OUTCOME_SUCCESS_VALUE: {
        size_t cap = base64_encoded_len(o->value_len);
        char *b64 = yb_xmalloc(cap);
        if (base64_encode(o->value, o->value_len, b64, cap) != 0) {
            b64[0] = '\0';
        }
        cJSON_AddStringToObject(st, "SuccessValue", b64);
        free(b64);
        break;
    }
    case OUTCOME_SUCCESS_RECEIPT_ID:
        near_hash_format(o->return_receipt_id, h);
        cJSON_AddStringToObject(st, "SuccessReceiptId", h);
        break;
    case OUTCOME_FAILURE:
        cJSON_AddItemToObject(st, "Failure",
                              o->failure ? cJSON_Duplicate(o->failure, 1) : cJSON_CreateNull());
        break;
    }
    cJSON_AddItemToObject(j, "status", st);
    cJSON *md = cJSON_AddObjectToObject(j, "metadata");
    cJSON_AddNumberToObject(md, "version", o->is_tx ? 1 : 3);
    cJSON_AddNullToObject(md, "gas_profile");
    return j;
}
