/*
 * profile.c — the two contract interfaces the oracle serves.
 */
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai.h"
#include "codec.h"
#include "err.h"
#include "json.h"
#include "mem.h"

void profile_items_free(struct pending_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].prompt);
    }
    free(items);
}

static int take_prompt(const cJSON *o, struct pending_item *it)
{
    const char *prompt;
    int rc = json_get_str(o, "prompt", &prompt);
    if (rc != YB_OK) {
        return rc;
    }
    size_t n = strlen(prompt);
    if (n > AI_PROMPT_MAX) {
        return YB_ETOOBIG;
    }
    it->prompt = yb_xstrndup(prompt, n);
    return YB_OK;
}

/* Shared walk: checks the list, allocates, and calls one item parser per element. */
static int parse_list(const cJSON *list, struct pending_item **items, size_t *n,
                      int (*one)(const cJSON *o, struct pending_item *it))
{
    if (!cJSON_IsArray(list)) {
        return YB_EJSON_TYPE;
    }
    size_t count = (size_t)cJSON_GetArraySize(list);
    if (count > PROFILE_PAGE_MAX) {
        return YB_ETOOBIG;
    }
    struct pending_item *out = yb_xcalloc(count ? count : 1, sizeof *out);
    size_t i = 0;
    int rc = YB_OK;
    for (const cJSON *o = list->child; o && rc == YB_OK; o = o->next, i++) {
        rc = cJSON_IsObject(o) ? one(o, &out[i]) : YB_EJSON_TYPE;
    }
    if (rc != YB_OK) {
        profile_items_free(out, count);
        return rc;
    }
    *items = out;
    *n = count;
    return YB_OK;
}

static int yieldbox_item(const cJSON *o, struct pending_item *it)
{
    const char *yid;
    uint8_t raw[NEAR_HASH_LEN];
    int rc = json_get_str(o, "yield_id", &yid);
    if (rc == YB_OK) {
        /* Round-trip through bytes so only a canonical 32-byte base58 id gets in. */
        rc = near_hash_parse(yid, strlen(yid), raw);
    }
    if (rc == YB_OK) {
        near_hash_format(raw, it->yield_id);
        rc = json_get_u64(o, "request_id", &it->request_id);
    }
    if (rc == YB_OK) {
        rc = json_opt_u64(o, "created_height", 0, &it->created_height);
    }
    if (rc == YB_OK) {
        rc = json_get_u64(o, "expires_height", &it->expires_height);
    }
    if (rc == YB_OK) {
        rc = take_prompt(o, it);
    }
    return rc;
}

static int yieldbox_parse(const cJSON *list, struct pending_item **items, size_t *n)
{
    return parse_list(list, items, n, yieldbox_item);
}

static int near_examples_item(const cJSON *o, struct pending_item *it)
{
    const cJSON *arr = NULL;
    int rc = json_get_array(o, "yield_id", &arr);
    uint8_t raw[NEAR_HASH_LEN];
    size_t i = 0;
    for (const cJSON *b = arr ? arr->child : NULL; rc == YB_OK && b; b = b->next, i++) {
        uint64_t v;
        if (i >= NEAR_HASH_LEN) {
            return YB_EMALFORMED;
        }
        rc = json_as_u64(b, &v);
        if (rc == YB_OK && v > 255) {
            rc = YB_EMALFORMED;
        }
        raw[i < NEAR_HASH_LEN ? i : 0] = (uint8_t)v;
    }
    if (rc == YB_OK && i != NEAR_HASH_LEN) {
        rc = YB_EMALFORMED;
    }
    if (rc == YB_OK) {
        near_hash_format(raw, it->yield_id);
        rc = take_prompt(o, it);
    }
    return rc;
}

static int near_examples_parse(const cJSON *list, struct pending_item **items, size_t *n)
{
    return parse_list(list, items, n, near_examples_item);
}

static int respond_json(cJSON *yield_id, const char *answer, size_t len, char **out)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "yield_id", yield_id);
    char *copy = yb_xstrndup(answer, len);
    cJSON_AddStringToObject(o, "response", copy);
    free(copy);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        return YB_ENOMEM;
    }
    *out = yb_xstrdup(text);
    cJSON_free(text);
    return YB_OK;
}

static int yieldbox_respond(const char *yield_id, const char *answer, size_t len, char **out)
{
    uint8_t raw[NEAR_HASH_LEN];
    int rc = near_hash_parse(yield_id, strlen(yield_id), raw);
    if (rc != YB_OK) {
        return rc;
    }
    return respond_json(cJSON_CreateString(yield_id), answer, len, out);
}

static int near_examples_respond(const char *yield_id, const char *answer, size_t len, char **out)
{
    uint8_t raw[NEAR_HASH_LEN];
    int rc = near_hash_parse(yield_id, strlen(yield_id), raw);
    if (rc != YB_OK) {
        return rc;
    }
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < NEAR_HASH_LEN; i++) {
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(raw[i]));
    }
    return respond_json(arr, answer, len, out);
}

static int yieldbox_respond_many(const struct profile_answer *answers, size_t n, char **out)
{
    if (n < 1 || n > PROFILE_BATCH_MAX) {
        return YB_EINVAL;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(o, "responses");
    int rc = YB_OK;
    for (size_t i = 0; i < n && rc == YB_OK; i++) {
        uint8_t raw[NEAR_HASH_LEN];
        rc = near_hash_parse(answers[i].yield_id, strlen(answers[i].yield_id), raw);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "yield_id", answers[i].yield_id);
        char *copy = yb_xstrndup(answers[i].answer, answers[i].len);
        cJSON_AddStringToObject(e, "response", copy);
        free(copy);
        cJSON_AddItemToArray(list, e);
    }
    char *text = rc == YB_OK ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (rc != YB_OK) {
        return rc;
    }
    if (!text) {
        return YB_ENOMEM;
    }
    *out = yb_xstrdup(text);
    cJSON_free(text);
    return YB_OK;
}

static int yieldbox_respond_many_result(const char *text, size_t len, size_t n, bool *accepted)
{
    cJSON *v = NULL;
    int rc = json_parse(text, len, len + 1, &v, NULL);
    if (rc != YB_OK) {
        return rc;
    }
    size_t i = 0;
    rc = cJSON_IsArray(v) ? YB_OK : YB_EMALFORMED;
    for (const cJSON *b = rc == YB_OK ? v->child : NULL; b && rc == YB_OK; b = b->next, i++) {
        if (i >= n || !cJSON_IsBool(b)) {
            rc = YB_EMALFORMED;
        } else {
            accepted[i] = cJSON_IsTrue(b);
        }
    }
    if (rc == YB_OK && i != n) {
        rc = YB_EMALFORMED;
    }
    cJSON_Delete(v);
    return rc;
}

static const struct profile_ops profiles[] = {
    {
        .name = "yieldbox",
        .pending_method = "get_pending_requests",
        .respond_method = "respond",
        .pages = true,
        .cursor = true,
        .parse_pending = yieldbox_parse,
        .respond_args = yieldbox_respond,
        .respond_many_method = "respond_many",
        .respond_many_args = yieldbox_respond_many,
        .respond_many_result = yieldbox_respond_many_result,
    },
    {
        .name = "near-examples",
        .pending_method = "list_requests",
        .respond_method = "respond",
        .pages = false,
        .parse_pending = near_examples_parse,
        .respond_args = near_examples_respond,
    },
};

int profile_key_permits(const cJSON *permission, const char *receiver, const char *method,
                        bool *allowed)
{
    *allowed = false;
    if (cJSON_IsString(permission) && strcmp(permission->valuestring, "FullAccess") == 0) {
        *allowed = true;
        return YB_OK;
    }
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(permission, "FunctionCall");
    const char *to = NULL;
    const cJSON *names = NULL;
    if (!cJSON_IsObject(fc) || json_get_str(fc, "receiver_id", &to) != YB_OK ||
        json_get_array(fc, "method_names", &names) != YB_OK) {
        return YB_EMALFORMED;
    }
    bool listed = names->child == NULL; /* an empty list allows every method */
    for (const cJSON *m = names->child; m; m = m->next) {
        if (!cJSON_IsString(m)) {
            return YB_EMALFORMED;
        }
        if (strcmp(m->valuestring, method) == 0) {
            listed = true;
        }
    }
    *allowed = listed && strcmp(to, receiver) == 0;
    return YB_OK;
}

bool profile_method_unavailable(const cJSON *err)
{
    const cJSON *itx = cJSON_GetObjectItemCaseSensitive(err, "InvalidTxError");
    const cJSON *ak = cJSON_GetObjectItemCaseSensitive(itx ? itx : err, "InvalidAccessKeyError");
    if (cJSON_GetObjectItemCaseSensitive(ak, "MethodNameMismatch")) {
        return true;
    }
    const cJSON *action = cJSON_GetObjectItemCaseSensitive(err, "ActionError");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(action, "kind");
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(kind, "FunctionCallError");
    const cJSON *resolve = cJSON_GetObjectItemCaseSensitive(call, "MethodResolveError");
    return cJSON_IsString(resolve) && strcmp(resolve->valuestring, "MethodNotFound") == 0;
}

const struct profile_ops *profile_find(const char *name)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        if (strcmp(profiles[i].name, name) == 0) {
            return &profiles[i];
        }
    }
    return NULL;
}

int profile_pending_args(const struct profile_ops *p, uint64_t from, uint32_t limit, char **out)
{
    char text[96];
    if (p->pages) {
        snprintf(text, sizeof text, "{\"from_index\":%llu,\"limit\":%u}", (unsigned long long)from,
                 limit);
    } else {
        snprintf(text, sizeof text, "{}");
    }
    *out = yb_xstrdup(text);
    return YB_OK;
}

int profile_pending_args_by_id(const struct profile_ops *p, uint64_t from_id, uint32_t limit,
                               char **out)
{
    char text[96];
    if (!p->cursor) {
        return YB_EINVAL;
    }
    snprintf(text, sizeof text, "{\"from_request_id\":%llu,\"limit\":%u}",
             (unsigned long long)from_id, limit);
    *out = yb_xstrdup(text);
    return YB_OK;
}

bool profile_cursor_ignored(uint64_t from_id, const struct pending_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].request_id < from_id) {
            return true;
        }
    }
    return false;
}
