/*
 * cli.c — the parts every `yb` command shares (see cli.h).
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "tx.h"

#define CLI_MSG_MAX 2048

/* ---- errors ---- */

static void fail_emit(struct cli *cli, int rc, const char *msg)
{
    fprintf(stderr, "yb: %s\n", msg);
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "error", msg);
        cJSON_AddStringToObject(o, "code", yb_err_name(rc));
        char *text = cJSON_PrintUnformatted(o);
        if (text) {
            printf("%s\n", text);
            free(text);
        }
        cJSON_Delete(o);
    }
}

int cli_fail(struct cli *cli, int rc, const char *fmt, ...)
{
    char msg[CLI_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fail_emit(cli, rc, msg);
    return rc;
}

/* The account a HANDLER_ERROR names in its info, if any. */
static const char *error_account(const struct rpc_error *err)
{
    const char *acc = NULL;
    if (err->cause_info) {
        json_get_str(err->cause_info, "requested_account_id", &acc);
    }
    return acc;
}

int cli_fail_rpc(struct cli *cli, int rc, const struct rpc_error *err, const char *what)
{
    if (rc == YB_ECONNECT || (rc == YB_EIO && err && err->http_status == 0)) {
        return cli_fail(cli, rc,
                        "cannot reach %s while %s: is yb-chain running? start it with "
                        "`yb-chain run --home %s` (or ./deploy/up.sh), or pass --rpc URL",
                        cli->rpc_url, what, cli->home);
    }
    if (rc == YB_ETIMEDOUT) {
        return cli_fail(cli, rc, "%s: %s did not answer in time; is the chain stuck?", what,
                        cli->rpc_url);
    }
    if (rc == YB_ERPC && err && err->cause_name) {
        if (strcmp(err->cause_name, "UNKNOWN_ACCOUNT") == 0) {
            const char *acc = error_account(err);
            return cli_fail(cli, rc,
                            "%s: account %s does not exist on this chain; check the name "
                            "(`yb keys` lists the accounts in %s/keys)",
                            what, acc ? acc : "(unnamed)", cli->home);
        }
        if (strcmp(err->cause_name, "METHOD_NOT_FOUND") == 0) {
            return cli_fail(cli, rc, "%s: the node at %s does not support this method", what,
                            cli->rpc_url);
        }
    }
    if (rc == YB_ERPC && err && err->legacy && err->message) {
        return cli_fail(cli, rc, "%s: %s", what, err->message);
    }
    char desc[1024];
    rpc_error_describe(rc, err, desc, sizeof desc);
    return cli_fail(cli, rc, "%s: %s", what, desc);
}

/* ---- option helpers ---- */

int cli_opt_value(struct cli *cli, int argc, char **argv, int *i, const char *name,
                  const char **value)
{
    if (strcmp(argv[*i], name) != 0) {
        return 0;
    }
    if (*i + 1 >= argc) {
        return -cli_fail(cli, YB_EINVAL, "%s needs a value", name);
    }
    *value = argv[++*i];
    return 1;
}

int cli_parse_u64(struct cli *cli, const char *s, const char *what, uint64_t *out)
{
    char *end = NULL;
    if (s[0] < '0' || s[0] > '9') {
        return cli_fail(cli, YB_EINVAL, "%s must be a whole number, not \"%s\"", what, s);
    }
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0') {
        return cli_fail(cli, YB_EINVAL, "%s must be a whole number, not \"%s\"", what, s);
    }
    *out = v;
    return YB_OK;
}

int cli_parse_gas(struct cli *cli, const char *s, uint64_t *out)
{
    char *end = NULL;
    if (s[0] < '0' || s[0] > '9') {
        return cli_fail(cli, YB_EINVAL, "--gas: expected e.g. 50T or 50000000000000, not \"%s\"",
                        s);
    }
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t gas = v;
    if (strcmp(end, "T") == 0 || strcmp(end, "Tgas") == 0) {
        gas = v > CLI_MAX_GAS ? CLI_MAX_GAS + 1 : v * 1000000000000ull;
    } else if (*end != '\0') {
        return cli_fail(cli, YB_EINVAL, "--gas: expected e.g. 50T or 50000000000000, not \"%s\"",
                        s);
    }
    if (gas == 0 || gas > CLI_MAX_GAS) {
        return cli_fail(cli, YB_EINVAL, "--gas: must be between 1 and 300T (got %s)", s);
    }
    *out = gas;
    return YB_OK;
}

int cli_parse_deposit(struct cli *cli, const char *s, yb_u128 *out)
{
    yb_u128 one_near = 1;
    for (int k = 0; k < 24; k++) {
        one_near *= 10;
    }
    size_t n = strlen(s);
    const char *suffix = "NEAR";
    size_t sl = strlen(suffix);
    if (n > sl && strcmp(s + n - sl, suffix) == 0) {
        /* whole NEAR with up to 24 decimals */
        const char *dot = memchr(s, '.', n - sl);
        size_t int_len = dot ? (size_t)(dot - s) : n - sl;
        size_t frac_len = dot ? n - sl - int_len - 1 : 0;
        yb_u128 whole = 0, frac = 0;
        if (int_len == 0 || frac_len > 24 || u128_from_dec(s, int_len, &whole) != YB_OK ||
            (frac_len > 0 && u128_from_dec(dot + 1, frac_len, &frac) != YB_OK)) {
            return cli_fail(cli, YB_EINVAL, "--deposit: expected e.g. 1NEAR, 0.5NEAR or yocto");
        }
        for (size_t k = frac_len; k < 24; k++) {
            frac *= 10;
        }
        if (whole > ((yb_u128)-1 - frac) / one_near) {
            return cli_fail(cli, YB_EINVAL, "--deposit: too large");
        }
        *out = whole * one_near + frac;
        return YB_OK;
    }
    if (u128_from_dec(s, n, out) != YB_OK) {
        return cli_fail(cli, YB_EINVAL,
                        "--deposit: expected yoctoNEAR digits or e.g. 1NEAR, not \"%s\"", s);
    }
    return YB_OK;
}

int cli_check_account(struct cli *cli, const char *account)
{
    int rc = near_account_validate_cstr(account);
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "\"%s\" is not a valid account id: %s", account, yb_err_str(rc));
    }
    return YB_OK;
}

int cli_parse_json_args(struct cli *cli, const char *text, cJSON **out)
{
    size_t len = strlen(text), pos = 0;
    int rc = json_parse(text, len, CLI_MAX_ARGS_LEN, out, &pos);
    if (rc == YB_ETOOBIG) {
        return cli_fail(cli, rc, "JSON arguments are over %u bytes", CLI_MAX_ARGS_LEN);
    }
    if (rc != YB_OK) {
        /* Show a window of the text around the error with a caret under the byte. */
        size_t from = pos > 30 ? pos - 30 : 0;
        size_t to = pos + 30 < len ? pos + 30 : len;
        return cli_fail(cli, YB_EJSON, "bad JSON arguments at byte %zu:\n  %.*s\n  %*s^", pos,
                        (int)(to - from), text + from, (int)(pos - from), "");
    }
    return YB_OK;
}

int cli_check_exists(struct cli *cli, const char *account)
{
    int rc = cli_check_account(cli, account);
    if (rc != YB_OK) {
        return rc;
    }
    cJSON *p = cJSON_CreateObject(), *res = NULL;
    cJSON_AddStringToObject(p, "request_type", "view_account");
    cJSON_AddStringToObject(p, "finality", "final");
    cJSON_AddStringToObject(p, "account_id", account);
    char what[128];
    snprintf(what, sizeof what, "checking the receiver %s", account);
    rc = cli_rpc(cli, "query", p, &res, what);
    cJSON_Delete(p);
    cJSON_Delete(res);
    return rc;
}

/* ---- keys ---- */

int cli_load_key(struct cli *cli, const char *account, struct keyfile *out)
{
    char path[CLI_PATH_MAX];
    int rc = cli_check_account(cli, account);
    if (rc != YB_OK) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/keys/%s.json", cli->home, account);
    rc = keyfile_read(path, out);
    if (rc == YB_ENOTFOUND) {
        return cli_fail(cli, rc, "no key for %s in %s/keys; run yb-chain init or pass --home",
                        account, cli->home);
    }
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "cannot read %s: %s", path, yb_err_str(rc));
    }
    if (strcmp(out->account_id, account) != 0) {
        keyfile_wipe(out);
        return cli_fail(cli, YB_EBADKEY, "%s holds the key of %s, not %s", path, out->account_id,
                        account);
    }
    return YB_OK;
}

/* ---- JSON-RPC ---- */

static int rpc_ready(struct cli *cli)
{
    if (cli->rpc_ready) {
        return YB_OK;
    }
    int rc = rpc_client_init(&cli->rpc, cli->rpc_url, NULL);
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "cannot use RPC URL \"%s\": %s", cli->rpc_url, yb_err_str(rc));
    }
    cli->rpc_ready = true;
    return YB_OK;
}

int cli_rpc_quiet(struct cli *cli, const char *method, const cJSON *params, cJSON **result,
                  struct rpc_error *err)
{
    int rc = rpc_ready(cli);
    if (rc != YB_OK) {
        return rc;
    }
    return rpc_call(&cli->rpc, method, params, result, err);
}

int cli_rpc(struct cli *cli, const char *method, const cJSON *params, cJSON **result,
            const char *what)
{
    struct rpc_error err = {0};
    int rc = rpc_ready(cli);
    if (rc != YB_OK) {
        return rc;
    }
    rc = rpc_call(&cli->rpc, method, params, result, &err);
    if (rc != YB_OK) {
        cli_fail_rpc(cli, rc, &err, what);
    }
    rpc_error_fini(&err);
    return rc;
}

int cli_head_height(struct cli *cli, uint64_t *height)
{
    cJSON *res = NULL;
    const cJSON *sync = NULL;
    int rc = cli_rpc(cli, "status", NULL, &res, "reading the chain's status");
    if (rc != YB_OK) {
        return rc;
    }
    rc = json_get_object(res, "sync_info", &sync);
    if (rc == YB_OK) {
        rc = json_get_u64(sync, "latest_block_height", height);
    }
    cJSON_Delete(res);
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "status from %s has no sync_info.latest_block_height",
                        cli->rpc_url);
    }
    return YB_OK;
}

int cli_chain_mode(struct cli *cli, char *out, size_t cap)
{
    cJSON *res = NULL;
    const char *mode = "";
    int rc = cli_rpc(cli, "status", NULL, &res, "reading the chain's status");
    if (rc != YB_OK) {
        return rc;
    }
    json_get_str(res, "node_mode", &mode);
    snprintf(out, cap, "%s", mode);
    cJSON_Delete(res);
    return YB_OK;
}

/* Bytes of a view result or SuccessValue: JSON when they parse, else a string. Returned. */
static cJSON *bytes_to_value(const uint8_t *p, size_t n)
{
    cJSON *v = NULL;
    if (n == 0) {
        return cJSON_CreateNull();
    }
    if (json_parse((const char *)p, n, CLI_MAX_VIEW_RESULT, &v, NULL) == YB_OK) {
        return v;
    }
    char *s = yb_xstrndup((const char *)p, n);
    v = cJSON_CreateString(s);
    free(s);
    return v;
}

int cli_view(struct cli *cli, const char *contract, const char *method, const char *args_json,
             cJSON **result, cJSON **logs)
{
    const char *args = args_json ? args_json : "{}";
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "request_type", "call_function");
    cJSON_AddStringToObject(params, "finality", "final");
    cJSON_AddStringToObject(params, "account_id", contract);
    cJSON_AddStringToObject(params, "method_name", method);
    json_add_base64(params, "args_base64", (const uint8_t *)args, strlen(args));

    char what[256];
    snprintf(what, sizeof what, "viewing %s on %s", method, contract);
    cJSON *res = NULL;
    struct rpc_error err = {0};
    int rc = cli_rpc_quiet(cli, "query", params, &res, &err);
    cJSON_Delete(params);
    if (rc != YB_OK) {
        cli_fail_rpc(cli, rc, &err, what);
        rpc_error_fini(&err);
        return rc;
    }
    uint8_t *bytes = NULL;
    size_t n = 0;
    rc = json_get_byte_array(res, "result", CLI_MAX_VIEW_RESULT, &bytes, &n);
    if (rc != YB_OK) {
        cJSON_Delete(res);
        return cli_fail(cli, rc, "%s: the answer has no result bytes (%s)", what, yb_err_str(rc));
    }
    *result = bytes_to_value(bytes, n);
    free(bytes);
    if (logs) {
        const cJSON *l = NULL;
        json_opt_array(res, "logs", &l);
        *logs = l ? cJSON_Duplicate(l, 1) : cJSON_CreateArray();
    }
    cJSON_Delete(res);
    return YB_OK;
}

/* The access key's nonce and a final block hash, the two reads near-api-js does (§11.2). */
static int tx_context(struct cli *cli, const char *signer, const struct near_pubkey *pk,
                      uint64_t *nonce, uint8_t block_hash[NEAR_HASH_LEN])
{
    char pk_str[NEAR_PUBKEY_STR_MAX];
    near_pubkey_format(pk, pk_str);
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "request_type", "view_access_key");
    cJSON_AddStringToObject(params, "finality", "final");
    cJSON_AddStringToObject(params, "account_id", signer);
    cJSON_AddStringToObject(params, "public_key", pk_str);
    cJSON *res = NULL;
    struct rpc_error err = {0};
    int rc = cli_rpc_quiet(cli, "query", params, &res, &err);
    cJSON_Delete(params);
    if (rc == YB_ERPC && ((err.legacy && err.message && strstr(err.message, "does not exist")) ||
                          (err.cause_name && strcmp(err.cause_name, "UNKNOWN_ACCESS_KEY") == 0))) {
        rpc_error_fini(&err);
        return cli_fail(cli, rc,
                        "the chain does not know %s's key %s: the account does not exist or its "
                        "key in %s/keys is from another chain (pass --home or --rpc)",
                        signer, pk_str, cli->home);
    }
    if (rc != YB_OK) {
        cli_fail_rpc(cli, rc, &err, "reading the signer's access key");
        rpc_error_fini(&err);
        return rc;
    }
    rc = json_get_u64(res, "nonce", nonce);
    cJSON_Delete(res);
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "view_access_key answer has no nonce");
    }

    params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "finality", "final");
    rc = cli_rpc(cli, "block", params, &res, "reading the final block");
    cJSON_Delete(params);
    if (rc != YB_OK) {
        return rc;
    }
    const cJSON *header = NULL;
    const char *hash = NULL;
    rc = json_get_object(res, "header", &header);
    if (rc == YB_OK) {
        rc = json_get_str(header, "hash", &hash);
    }
    if (rc == YB_OK) {
        rc = near_hash_parse(hash, strlen(hash), block_hash);
    }
    cJSON_Delete(res);
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "block answer has no valid header.hash");
    }
    return YB_OK;
}

/* Builds, signs and base64-encodes one transaction. *b64 returned (free()). */
static int build_signed(struct cli *cli, const struct keyfile *kf, const char *receiver,
                        uint64_t nonce, const uint8_t block_hash[NEAR_HASH_LEN], cli_actions_fn add,
                        void *arg, uint8_t hash[NEAR_HASH_LEN], char **b64)
{
    struct tx tx = {0};
    struct near_pubkey pk;
    struct tx_signed *st = NULL;
    near_secret_key_pubkey(kf->sk, &pk);
    int rc = tx_init(&tx, kf->account_id, &pk, nonce, receiver, block_hash);
    if (rc == YB_OK) {
        rc = add(&tx, arg);
    }
    if (rc == YB_OK) {
        rc = tx_sign(&tx, kf->sk, &st);
    }
    tx_fini(&tx);
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "cannot build the transaction: %s", yb_err_str(rc));
    }
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE + 1024);
    rc = tx_signed_encode(&b, st);
    if (rc == YB_OK) {
        size_t cap = base64_encoded_len(b.len);
        *b64 = yb_xmalloc(cap);
        base64_encode(b.data, b.len, *b64, cap);
        memcpy(hash, st->hash, NEAR_HASH_LEN);
    }
    yb_buf_fini(&b);
    tx_signed_free(st);
    if (rc != YB_OK) {
        return cli_fail(cli, rc, "cannot encode the transaction: %s", yb_err_str(rc));
    }
    return YB_OK;
}

static struct cli_nonce *nonce_slot(struct cli *cli, const char *account)
{
    for (size_t i = 0; i < cli->n_nonces; i++) {
        if (strcmp(cli->nonces[i].account, account) == 0) {
            return &cli->nonces[i];
        }
    }
    if (cli->n_nonces == CLI_NONCE_CACHE) {
        return NULL;
    }
    struct cli_nonce *n = &cli->nonces[cli->n_nonces++];
    snprintf(n->account, sizeof n->account, "%s", account);
    n->nonce = 0;
    return n;
}

int cli_send_tx(struct cli *cli, const char *signer, const char *receiver, cli_actions_fn add,
                void *arg, const char *wait, uint8_t hash_out[NEAR_HASH_LEN], cJSON **result)
{
    struct keyfile kf;
    int rc = cli_load_key(cli, signer, &kf);
    if (rc != YB_OK) {
        return rc;
    }
    rc = cli_check_account(cli, receiver);
    struct near_pubkey pk;
    near_secret_key_pubkey(kf.sk, &pk);
    uint64_t nonce = 0;
    uint8_t block_hash[NEAR_HASH_LEN];
    if (rc == YB_OK) {
        rc = tx_context(cli, signer, &pk, &nonce, block_hash);
    }
    struct cli_nonce *cached = nonce_slot(cli, signer);
    if (cached && cached->nonce > nonce) {
        nonce = cached->nonce;
    }
    /* Two tries: a concurrent sender with the same key (the oracle, another yb) may take our
     * nonce between the read and the send; InvalidNonce then names the current one. */
    for (int attempt = 0; rc == YB_OK && attempt < 2; attempt++) {
        char *b64 = NULL;
        uint8_t hash[NEAR_HASH_LEN];
        rc = build_signed(cli, &kf, receiver, nonce + 1, block_hash, add, arg, hash, &b64);
        if (rc != YB_OK) {
            break;
        }
        if (hash_out) {
            memcpy(hash_out, hash, NEAR_HASH_LEN);
        }
        cJSON *params = cJSON_CreateObject();
        cJSON_AddStringToObject(params, "signed_tx_base64", b64);
        cJSON_AddStringToObject(params, "wait_until", wait);
        free(b64);
        cJSON *res = NULL;
        struct rpc_error err = {0};
        rc = cli_rpc_quiet(cli, "send_tx", params, &res, &err);
        cJSON_Delete(params);
        uint64_t ak_nonce = 0;
        if (rc == YB_ERPC && attempt == 0 && rpc_error_is_invalid_nonce(&err, &ak_nonce)) {
            nonce = ak_nonce;
            rc = YB_OK;
            rpc_error_fini(&err);
            continue;
        }
        if (rc == YB_ERPC && rpc_error_invalid_tx(&err)) {
            char *text = cJSON_PrintUnformatted(rpc_error_invalid_tx(&err));
            cli_fail(cli, rc, "the chain refused the transaction: %s", text ? text : "?");
            free(text);
        } else if (rc != YB_OK) {
            cli_fail_rpc(cli, rc, &err, "sending the transaction");
        }
        rpc_error_fini(&err);
        if (rc == YB_OK && cached) {
            cached->nonce = nonce + 1;
        }
        if (rc == YB_OK) {
            if (result) {
                *result = res;
            } else {
                cJSON_Delete(res);
            }
        }
        break;
    }
    keyfile_wipe(&kf);
    return rc;
}

static int add_call(struct tx *tx, void *arg)
{
    const struct cli_call *call = arg;
    const char *args = call->args ? call->args : "{}";
    return tx_add_function_call(tx, call->method, (const uint8_t *)args, strlen(args), call->gas,
                                call->deposit);
}

int cli_send_call(struct cli *cli, const struct cli_call *call, const char *wait,
                  uint8_t hash_out[NEAR_HASH_LEN], cJSON **result)
{
    return cli_send_tx(cli, call->signer, call->receiver, add_call, (void *)call, wait, hash_out,
                       result);
}

int cli_tx_status(struct cli *cli, const char *hash, const char *signer, const char *wait,
                  bool quiet, cJSON **result)
{
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "tx_hash", hash);
    cJSON_AddStringToObject(params, "sender_account_id", signer);
    cJSON_AddStringToObject(params, "wait_until", wait);
    struct rpc_error err = {0};
    int rc = cli_rpc_quiet(cli, "tx", params, result, &err);
    cJSON_Delete(params);
    if (rc != YB_OK && !quiet) {
        if (rc == YB_ERPC && err.cause_name && strcmp(err.cause_name, "UNKNOWN_TRANSACTION") == 0) {
            cli_fail(cli, rc, "transaction %s sent by %s is not known to %s", hash, signer,
                     cli->rpc_url);
        } else {
            cli_fail_rpc(cli, rc, &err, "reading the transaction");
        }
    }
    rpc_error_fini(&err);
    return rc;
}

void cli_tx_final(const cJSON *tx_result, cJSON **value, cJSON **failure)
{
    *value = NULL;
    *failure = NULL;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(tx_result, "status");
    if (!cJSON_IsObject(status)) {
        return;
    }
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(status, "SuccessValue");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(status, "Failure");
    if (sv) {
        uint8_t *bytes = NULL;
        size_t n = 0;
        if (json_as_base64(sv, CLI_MAX_VIEW_RESULT, &bytes, &n) == YB_OK) {
            *value = bytes_to_value(bytes, n);
            free(bytes);
        } else {
            *value = cJSON_CreateString("(undecodable SuccessValue)");
        }
    } else if (f) {
        *failure = cJSON_Duplicate(f, 1);
    }
}

/* Depth-first search for an "ExecutionError" string inside a Failure object. */
static const char *find_execution_error(const cJSON *j)
{
    const cJSON *c = NULL;
    if (!j) {
        return NULL;
    }
    if (j->string && strcmp(j->string, "ExecutionError") == 0 && cJSON_IsString(j)) {
        return j->valuestring;
    }
    cJSON_ArrayForEach(c, j)
    {
        const char *s = find_execution_error(c);
        if (s) {
            return s;
        }
    }
    return NULL;
}

/* The first value named `key` anywhere inside j (borrowed), or NULL. */
static const cJSON *find_key(const cJSON *j, const char *key)
{
    const cJSON *c = NULL;
    if (!j) {
        return NULL;
    }
    if (j->string && strcmp(j->string, key) == 0) {
        return j;
    }
    cJSON_ArrayForEach(c, j)
    {
        const cJSON *f = find_key(c, key);
        if (f) {
            return f;
        }
    }
    return NULL;
}

char *cli_failure_text(const cJSON *failure)
{
    char buf[512];
    const char *s = find_execution_error(failure);
    if (s) {
        return yb_xstrdup(s);
    }
    const cJSON *missing = find_key(failure, "AccountDoesNotExist");
    const cJSON *no_code = find_key(failure, "CodeDoesNotExist");
    const cJSON *no_method = find_key(failure, "MethodResolveError");
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(missing ? missing : no_code, "account_id");
    const char *who = cJSON_IsString(acc) ? acc->valuestring : "the receiver";
    if (missing) {
        snprintf(buf, sizeof buf, "account %s does not exist", who);
        return yb_xstrdup(buf);
    }
    if (no_code) {
        snprintf(buf, sizeof buf, "%s has no contract deployed (yb deploy)", who);
        return yb_xstrdup(buf);
    }
    if (cJSON_IsString(no_method)) {
        snprintf(buf, sizeof buf, "the contract has no such method (%s)", no_method->valuestring);
        return yb_xstrdup(buf);
    }
    char *text = cJSON_PrintUnformatted(failure);
    return text ? text : yb_xstrdup("(failure)");
}

/* Sandbox controls run until the blocks are committed: give them a generous timeout. */
static int sandbox_call(struct cli *cli, const char *method, const char *key, uint64_t n,
                        const char *what)
{
    cJSON *params = cJSON_CreateObject();
    json_add_u64(params, key, n);
    cJSON *res = NULL;
    int rc = cli_rpc(cli, method, params, &res, what);
    cJSON_Delete(params);
    cJSON_Delete(res);
    return rc;
}

int cli_produce_blocks(struct cli *cli, uint64_t n)
{
    return sandbox_call(cli, "yb_produce_blocks", "count", n, "producing blocks");
}

int cli_fast_forward(struct cli *cli, uint64_t delta)
{
    return sandbox_call(cli, "sandbox_fast_forward", "delta_height", delta, "fast-forwarding");
}

void cli_fini(struct cli *cli)
{
    if (cli->rpc_ready) {
        rpc_client_fini(&cli->rpc);
        cli->rpc_ready = false;
    }
}
