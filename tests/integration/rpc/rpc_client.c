/*
 * rpc_client.c — see rpc_client.h.
 */
#include "rpc_client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "keyfile.h"
#include "tx.h"

#define ANSWER_MAX (8u << 20)
#define CALL_GAS   300000000000000ull

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct yb_buf *b = arg;
    return yb_buf_append(b, data, size * n) == YB_OK ? size * n : 0;
}

int rpc_post_raw(const char *url, const char *body, size_t len, long *status, cJSON **out)
{
    *out = NULL;
    *status = 0;
    CURL *h = curl_easy_init();
    struct yb_buf b;
    yb_buf_init(&b, ANSWER_MAX);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    CURLcode cc = curl_easy_perform(h);
    int rc = -1;
    if (cc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
        if (b.len > 0) {
            (void)json_parse((const char *)b.data, b.len, ANSWER_MAX, out, NULL);
        }
        rc = 0;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    yb_buf_fini(&b);
    return rc;
}

cJSON *rpc_call(const struct chain_proc *p, const char *method, cJSON *params)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "jsonrpc", "2.0");
    cJSON_AddStringToObject(req, "id", "t");
    cJSON_AddStringToObject(req, "method", method);
    cJSON_AddItemToObject(req, "params", params != NULL ? params : cJSON_CreateArray());
    char *text = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    long status;
    cJSON *ans;
    assert_int_equal(rpc_post_raw(p->rpc_url, text, strlen(text), &status, &ans), 0);
    free(text);
    assert_int_equal(status, 200);
    assert_non_null(ans);
    assert_string_equal(cJSON_GetObjectItem(ans, "jsonrpc")->valuestring, "2.0");
    assert_string_equal(cJSON_GetObjectItem(ans, "id")->valuestring, "t");
    return ans;
}

cJSON *rpc_ok(const struct chain_proc *p, const char *method, cJSON *params)
{
    cJSON *ans = rpc_call(p, method, params);
    if (cJSON_GetObjectItem(ans, "error") != NULL) {
        char *t = cJSON_PrintUnformatted(ans);
        fail_msg("%s failed: %s", method, t);
    }
    cJSON *r = cJSON_GetObjectItem(ans, "result");
    assert_non_null(r);
    cJSON *copy = cJSON_Duplicate(r, true);
    cJSON_Delete(ans);
    return copy;
}

cJSON *rpc_err(const struct chain_proc *p, const char *method, cJSON *params, const char *cause)
{
    cJSON *ans = rpc_call(p, method, params);
    assert_null(cJSON_GetObjectItem(ans, "result"));
    cJSON *e = cJSON_GetObjectItem(ans, "error");
    if (e == NULL) {
        char *t = cJSON_PrintUnformatted(ans);
        fail_msg("%s: expected error %s, got %s", method, cause, t);
    }
    const cJSON *c = cJSON_GetObjectItem(e, "cause");
    assert_non_null(c);
    assert_string_equal(cJSON_GetObjectItem(c, "name")->valuestring, cause);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(e, "code")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(e, "message")));
    assert_non_null(cJSON_GetObjectItem(e, "data"));
    cJSON *copy = cJSON_Duplicate(e, true);
    cJSON_Delete(ans);
    return copy;
}

cJSON *rpc_json(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    return j;
}

void rpc_head(const struct chain_proc *p, uint8_t hash[NEAR_HASH_LEN], uint64_t *height)
{
    cJSON *b = rpc_ok(p, "block", rpc_json("{\"finality\":\"final\"}"));
    const cJSON *h = cJSON_GetObjectItem(b, "header");
    const char *hs = cJSON_GetObjectItem(h, "hash")->valuestring;
    assert_int_equal(near_hash_parse(hs, strlen(hs), hash), YB_OK);
    *height = (uint64_t)cJSON_GetObjectItem(h, "height")->valuedouble;
    cJSON_Delete(b);
}

uint64_t rpc_nonce(const struct chain_proc *p, const char *account)
{
    struct keyfile kf;
    assert_int_equal(chain_proc_key(p, account, &kf), YB_OK);
    struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
    memcpy(pk.data, kf.pk, sizeof pk.data);
    keyfile_wipe(&kf);
    char pks[NEAR_PUBKEY_STR_MAX];
    near_pubkey_format(&pk, pks);
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "request_type", "view_access_key");
    cJSON_AddStringToObject(q, "account_id", account);
    cJSON_AddStringToObject(q, "public_key", pks);
    cJSON_AddStringToObject(q, "finality", "optimistic");
    cJSON *r = rpc_ok(p, "query", q);
    uint64_t nonce;
    assert_int_equal(json_get_u64(r, "nonce", &nonce), YB_OK);
    cJSON_Delete(r);
    return nonce;
}

char *rpc_sign(const struct chain_proc *p, const char *account, const char *receiver,
               const char *method, const char *args, yb_u128 deposit, uint64_t nonce,
               char hash_out[NEAR_HASH_STR_MAX])
{
    if (nonce == 0) {
        nonce = rpc_nonce(p, account) + 1;
    }
    uint8_t block[NEAR_HASH_LEN];
    uint64_t height;
    rpc_head(p, block, &height);
    struct keyfile kf;
    assert_int_equal(chain_proc_key(p, account, &kf), YB_OK);
    struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
    memcpy(pk.data, kf.pk, sizeof pk.data);
    struct tx tx;
    assert_int_equal(tx_init(&tx, account, &pk, nonce, receiver, block), YB_OK);
    if (method != NULL) {
        assert_int_equal(tx_add_function_call(&tx, method, (const uint8_t *)args, strlen(args),
                                              CALL_GAS, deposit),
                         YB_OK);
    } else {
        assert_int_equal(tx_add_transfer(&tx, deposit), YB_OK);
    }
    char *out = rpc_sign_tx(&tx, kf.sk, hash_out);
    keyfile_wipe(&kf);
    return out;
}

char *rpc_sign_tx(struct tx *tx, const uint8_t sk[NEAR_ED25519_SK_LEN],
                  char hash_out[NEAR_HASH_STR_MAX])
{
    struct tx_signed *st;
    assert_int_equal(tx_sign(tx, sk, &st), YB_OK);
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    assert_int_equal(tx_signed_encode(&b, st), YB_OK);
    char *out = malloc(base64_encoded_len(b.len));
    assert_non_null(out);
    assert_int_equal(base64_encode(b.data, b.len, out, base64_encoded_len(b.len)), YB_OK);
    if (hash_out != NULL) {
        near_hash_format(st->hash, hash_out);
    }
    yb_buf_fini(&b);
    tx_signed_free(st);
    return out;
}

uint64_t rpc_produce(const struct chain_proc *p, uint64_t count)
{
    cJSON *params = cJSON_CreateObject();
    json_add_u64(params, "count", count);
    cJSON *r = rpc_ok(p, "yb_produce_blocks", params);
    uint64_t h;
    assert_int_equal(json_get_u64(r, "latest_block_height", &h), YB_OK);
    cJSON_Delete(r);
    return h;
}

/* ---- assertions on answers ---- */

const char *rpc_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    if (!cJSON_IsString(v)) {
        fail_msg("field %s is not a string", key);
    }
    return v->valuestring;
}

uint64_t rpc_num(const cJSON *o, const char *key)
{
    uint64_t v = 0;
    if (json_get_u64(o, key, &v) != YB_OK) {
        fail_msg("field %s is not a u64 number", key);
    }
    return v;
}

/* A base58 32-byte hash. */
void rpc_assert_hash(const char *s)
{
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(near_hash_parse(s, strlen(s), h), YB_OK);
}

static const cJSON *outcome_of(const cJSON *with_id)
{
    rpc_assert_hash(rpc_str(with_id, "id"));
    rpc_assert_hash(rpc_str(with_id, "block_hash"));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(with_id, "proof")));
    const cJSON *o = cJSON_GetObjectItem(with_id, "outcome");
    assert_non_null(o);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(o, "logs")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(o, "receipt_ids")));
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(o, "gas_burnt")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "tokens_burnt")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "executor_id")));
    assert_non_null(cJSON_GetObjectItem(o, "status"));
    return o;
}

/* Checks a FinalExecutionOutcomeView of a tx from `signer` with hash `hash`. */
void rpc_check_final(const cJSON *r, const char *hash, const char *signer)
{
    rpc_check_outcome(r, hash, signer, "FINAL");
}

void rpc_check_outcome(const cJSON *r, const char *hash, const char *signer, const char *status)
{
    assert_string_equal(rpc_str(r, "final_execution_status"), status);
    const cJSON *t = cJSON_GetObjectItem(r, "transaction");
    assert_string_equal(rpc_str(t, "hash"), hash);
    assert_string_equal(rpc_str(t, "signer_id"), signer);
    assert_true(strncmp(rpc_str(t, "public_key"), "ed25519:", 8) == 0);
    assert_true(strncmp(rpc_str(t, "signature"), "ed25519:", 8) == 0);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(t, "nonce")));
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(t, "actions")));
    const cJSON *to = cJSON_GetObjectItem(r, "transaction_outcome");
    assert_string_equal(rpc_str(to, "id"), hash);
    const cJSON *o = outcome_of(to);
    assert_string_equal(rpc_str(o, "executor_id"), signer);
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "status"), "SuccessReceiptId"));
    const cJSON *ro = cJSON_GetObjectItem(r, "receipts_outcome");
    assert_true(cJSON_GetArraySize(ro) >= 1);
    /* the first receipt is the one the tx became */
    assert_string_equal(rpc_str(cJSON_GetArrayItem(ro, 0), "id"),
                        rpc_str(cJSON_GetObjectItem(o, "status"), "SuccessReceiptId"));
    const cJSON *x;
    cJSON_ArrayForEach(x, ro)
    {
        outcome_of(x);
    }
}

void *rpc_async_run(void *arg)
{
    struct rpc_async *ps = arg;
    size_t cap = (ps->body != NULL  ? strlen(ps->body)
                  : ps->b64 != NULL ? strlen(ps->b64)
                                    : 0) +
                 200;
    char *body = malloc(cap);
    int n;
    if (ps->body != NULL) {
        n = snprintf(body, cap, "%s", ps->body);
    } else if (ps->tx_hash != NULL) {
        n = snprintf(body, cap,
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tx\",\"params\":"
                     "{\"tx_hash\":\"%s\",\"sender_account_id\":\"%s\","
                     "\"wait_until\":\"%s\"}}",
                     ps->tx_hash, ps->signer != NULL ? ps->signer : "user.test.near",
                     ps->wait != NULL ? ps->wait : "EXECUTED");
    } else {
        n = snprintf(body, cap,
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"send_tx\",\"params\":"
                     "{\"signed_tx_base64\":\"%s\",\"wait_until\":\"%s\"}}",
                     ps->b64, ps->wait != NULL ? ps->wait : "EXECUTED");
    }
    long status;
    cJSON *ans = NULL;
    (void)rpc_post_raw(ps->url, body, (size_t)n, &status, &ans);
    __atomic_store_n(&ps->result, ans, __ATOMIC_RELEASE); /* polled by the main thread */
    free(body);
    return NULL;
}
