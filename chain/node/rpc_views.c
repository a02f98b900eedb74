/*
 * rpc_views.c — the read-only JSON-RPC methods: status, block, gas_price, query,
 * EXPERIMENTAL_protocol_config (near-rpc.md §8.1–§8.4, §8.8, errors §10).
 *
 * Every method reads one node snapshot in the calling (nng worker) thread and never waits for
 * block production. The node keeps no historical state, so a query names either the head (any
 * finality, or the head's height/hash) or gets GARBAGE_COLLECTED_BLOCK, as a nearcore node that
 * pruned that state would answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borsh.h"
#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "node.h"
#include "rpc_int.h"
#include "runtime.h"
#include "state.h"
#include "tx.h"

#define RPC_AUTHOR         "test.near" /* the one block producer (genesis root account) */
#define RPC_VIEW_STATE_MAX 50000u      /* nearcore's trie_viewer_state_size_limit (bytes) */
#define RPC_ARGS_MAX       (4u << 20)  /* max_arguments_length */
#define RPC_TIME_STR_MAX   40u
#define RPC_VERSION        "0.1.0"
#define RPC_VM_ERROR_MAX   8192u /* bytes of a call_function error text */

static const uint8_t zero_hash[NEAR_HASH_LEN];

/* RFC 3339 with nanoseconds, as nearcore prints latest_block_time. */
static void format_time(uint64_t ns, char out[RPC_TIME_STR_MAX])
{
    time_t sec = (time_t)(ns / 1000000000u);
    struct tm tm;
    gmtime_r(&sec, &tm);
    char day[24];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, RPC_TIME_STR_MAX, "%s.%09luZ", day, (unsigned long)(ns % 1000000000u));
}

static void add_u64_str(cJSON *obj, const char *key, uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    cJSON_AddStringToObject(obj, key, s);
}

static void add_zero_sig(cJSON *obj, const char *key)
{
    struct near_signature sig;
    memset(&sig, 0, sizeof sig);
    sig.type = NEAR_KEY_ED25519;
    char s[NEAR_SIG_STR_MAX];
    near_signature_format(&sig, s);
    cJSON_AddStringToObject(obj, key, s);
}

/* ---- block references ---- */

/*
 * Reads the block a request names: {"finality"}, {"block_id": height | "<b58 hash>"},
 * {"sync_checkpoint"}; ref NULL means the head. Returns NULL with *out filled (node_block_fini),
 * or the error object to answer with.
 */
static cJSON *block_resolve(struct node_snapshot *snap, const cJSON *ref, struct node_block *out)
{
    uint64_t height = snap->head.height;
    const cJSON *id = ref != NULL ? cJSON_GetObjectItemCaseSensitive(ref, "block_id") : NULL;
    const cJSON *fin = ref != NULL ? cJSON_GetObjectItemCaseSensitive(ref, "finality") : NULL;
    const cJSON *cp = ref != NULL ? cJSON_GetObjectItemCaseSensitive(ref, "sync_checkpoint") : NULL;
    int rc;
    if (id != NULL && !cJSON_IsNull(id)) {
        if (cJSON_IsString(id)) {
            uint8_t hash[NEAR_HASH_LEN];
            if (near_hash_parse(id->valuestring, strlen(id->valuestring), hash) != YB_OK) {
                return rpc_err_parse("block_id: not a block height or a base58 block hash");
            }
            rc = node_block_by_hash(snap->txn, hash, out);
        } else if (json_as_u64(id, &height) == YB_OK) {
            rc = node_block_by_height(snap->txn, height, out);
        } else {
            return rpc_err_parse("block_id: not a block height or a base58 block hash");
        }
    } else if (fin != NULL) {
        const char *f = cJSON_IsString(fin) ? fin->valuestring : "";
        if (strcmp(f, "optimistic") != 0 && strcmp(f, "near-final") != 0 &&
            strcmp(f, "final") != 0) {
            return rpc_err_parse("finality: unknown variant, expected one of `optimistic`, "
                                 "`near-final`, `final`");
        }
        rc = node_block_by_height(snap->txn, snap->head.height, out);
    } else if (cp != NULL) {
        const char *s = cJSON_IsString(cp) ? cp->valuestring : "";
        if (strcmp(s, "genesis") != 0 && strcmp(s, "earliest_available") != 0) {
            return rpc_err_parse("sync_checkpoint: unknown variant, expected `genesis` or "
                                 "`earliest_available`");
        }
        rc = node_block_by_height(snap->txn, 0, out);
    } else if (ref == NULL) {
        rc = node_block_by_height(snap->txn, snap->head.height, out);
    } else {
        return rpc_err_parse("one of `finality`, `block_id` or `sync_checkpoint` is required");
    }
    if (rc == YB_ENOTFOUND) {
        cJSON *info = cJSON_CreateObject();
        cJSON_AddItemToObject(info, "block_reference",
                              ref != NULL ? cJSON_Duplicate(ref, true) : cJSON_CreateNull());
        return rpc_err_handler("UNKNOWN_BLOCK", info, "DB Not Found Error: block not found");
    }
    if (rc != YB_OK) {
        return rpc_err_internal("reading block: %s", yb_err_str(rc));
    }
    return NULL;
}

static cJSON *block_json(const struct node_block *b)
{
    cJSON *res = cJSON_CreateObject();
    cJSON_AddStringToObject(res, "author", RPC_AUTHOR);
    cJSON *h = cJSON_AddObjectToObject(res, "header");
    json_add_u64(h, "height", b->height);
    json_add_u64(h, "prev_height", b->prev_height);
    rpc_json_add_hash(h, "epoch_id", zero_hash);
    rpc_json_add_hash(h, "next_epoch_id", zero_hash);
    rpc_json_add_hash(h, "hash", b->hash);
    rpc_json_add_hash(h, "prev_hash", b->prev_hash);
    rpc_json_add_hash(h, "prev_state_root", zero_hash);
    rpc_json_add_hash(h, "block_body_hash", zero_hash);
    rpc_json_add_hash(h, "chunk_receipts_root", zero_hash);
    rpc_json_add_hash(h, "chunk_headers_root", zero_hash);
    rpc_json_add_hash(h, "chunk_tx_root", b->chunk_hash);
    rpc_json_add_hash(h, "outcome_root", zero_hash);
    json_add_u64(h, "chunks_included", 1);
    rpc_json_add_hash(h, "challenges_root", zero_hash);
    json_add_u64(h, "timestamp", b->timestamp_ns);
    add_u64_str(h, "timestamp_nanosec", b->timestamp_ns);
    rpc_json_add_hash(h, "random_value", b->random_seed);
    cJSON_AddArrayToObject(h, "validator_proposals");
    cJSON *mask = cJSON_AddArrayToObject(h, "chunk_mask");
    cJSON_AddItemToArray(mask, cJSON_CreateTrue());
    json_add_u128(h, "gas_price", b->gas_price);
    json_add_u64(h, "block_ordinal", b->height + 1);
    cJSON_AddStringToObject(h, "total_supply", "0");
    cJSON_AddArrayToObject(h, "challenges_result");
    /* One producer, no forks: every committed block is final the moment it is committed. */
    rpc_json_add_hash(h, "last_final_block", b->hash);
    rpc_json_add_hash(h, "last_ds_final_block", b->hash);
    rpc_json_add_hash(h, "next_bp_hash", zero_hash);
    rpc_json_add_hash(h, "block_merkle_root", zero_hash);
    cJSON_AddNullToObject(h, "epoch_sync_data_hash");
    cJSON_AddArrayToObject(h, "approvals");
    add_zero_sig(h, "signature");
    json_add_u64(h, "latest_protocol_version", NODE_PROTOCOL_VERSION);

    cJSON *chunks = cJSON_AddArrayToObject(res, "chunks");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToArray(chunks, c);
    rpc_json_add_hash(c, "chunk_hash", b->chunk_hash);
    rpc_json_add_hash(c, "prev_block_hash", b->prev_hash);
    rpc_json_add_hash(c, "outcome_root", zero_hash);
    rpc_json_add_hash(c, "prev_state_root", zero_hash);
    rpc_json_add_hash(c, "encoded_merkle_root", zero_hash);
    json_add_u64(c, "encoded_length", 0);
    json_add_u64(c, "height_created", b->height);
    json_add_u64(c, "height_included", b->height);
    json_add_u64(c, "shard_id", 0);
    json_add_u64(c, "gas_used", b->gas_burnt);
    json_add_u64(c, "gas_limit", RUNTIME_DEFAULT_BLOCK_GAS_LIMIT);
    cJSON_AddStringToObject(c, "rent_paid", "0");
    cJSON_AddStringToObject(c, "validator_reward", "0");
    json_add_u128(c, "balance_burnt", b->tokens_burnt);
    rpc_json_add_hash(c, "outgoing_receipts_root", zero_hash);
    rpc_json_add_hash(c, "tx_root", b->chunk_hash);
    cJSON_AddArrayToObject(c, "validator_proposals");
    add_zero_sig(c, "signature");
    return res;
}

/* Opens a snapshot or answers the call with the error; returns false then. */
static bool snapshot_or_reply(struct rpc_call *c, struct node_snapshot *snap)
{
    int rc = node_snapshot_begin(c->node, snap);
    if (rc != YB_OK) {
        rpc_reply_error(c, rpc_err_internal("cannot read the chain: %s", yb_err_str(rc)));
        return false;
    }
    return true;
}

/* ---- status ---- */

cJSON *rpc_status_json(struct rpc_server *srv, struct node *node)
{
    struct node_head head;
    node_get_head(node, &head);
    const struct node_config *cfg = node_get_config(node);
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "chain_id", NODE_CHAIN_ID);
    rpc_json_add_hash(st, "genesis_hash", head.genesis_hash);
    json_add_u64(st, "latest_protocol_version", NODE_PROTOCOL_VERSION);
    json_add_u64(st, "protocol_version", NODE_PROTOCOL_VERSION);
    struct near_pubkey pk;
    memset(&pk, 0, sizeof pk);
    pk.type = NEAR_KEY_ED25519;
    char pks[NEAR_PUBKEY_STR_MAX];
    near_pubkey_format(&pk, pks);
    cJSON_AddStringToObject(st, "node_public_key", pks);
    cJSON_AddStringToObject(st, "rpc_addr", cfg->rpc_addr);
    json_add_u64(st, "uptime_sec", rpc_server_uptime_sec(srv));
    cJSON *vals = cJSON_AddArrayToObject(st, "validators");
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "account_id", RPC_AUTHOR);
    cJSON_AddItemToArray(vals, v);
    cJSON *ver = cJSON_AddObjectToObject(st, "version");
    cJSON_AddStringToObject(ver, "version", RPC_VERSION);
    cJSON_AddStringToObject(ver, "build", "yieldbox");
    cJSON_AddStringToObject(ver, "commit", "");
    cJSON_AddStringToObject(st, "node_mode", node_mode_name(cfg->mode));
    cJSON *sync = cJSON_AddObjectToObject(st, "sync_info");
    char t[RPC_TIME_STR_MAX];
    rpc_json_add_hash(sync, "latest_block_hash", head.hash);
    json_add_u64(sync, "latest_block_height", head.height);
    format_time(head.timestamp_ns, t);
    cJSON_AddStringToObject(sync, "latest_block_time", t);
    rpc_json_add_hash(sync, "latest_state_root", zero_hash);
    rpc_json_add_hash(sync, "earliest_block_hash", head.genesis_hash);
    json_add_u64(sync, "earliest_block_height", head.genesis_height);
    rpc_json_add_hash(sync, "epoch_id", zero_hash);
    json_add_u64(sync, "epoch_start_height", head.genesis_height);
    cJSON_AddBoolToObject(sync, "syncing", false);
    return st;
}

void rpc_method_status(struct rpc_call *c, const cJSON *params)
{
    (void)params;
    rpc_reply_result(c, rpc_status_json(c->srv, c->node));
}

/* nearcore's `health`: a null result while the node is healthy, else an error. */
void rpc_method_health(struct rpc_call *c, const cJSON *params)
{
    (void)params;
    struct yb_buf b;
    yb_buf_init(&b, 4096);
    int rc = node_healthz(c->node, &b);
    yb_buf_fini(&b);
    if (rc != YB_OK) {
        rpc_reply_error(c, rpc_err_internal("block production is stalled"));
        return;
    }
    rpc_reply_result(c, cJSON_CreateNull());
}

/* `validators` ([null] or {"epoch_id"|"block_id"}): the one block producer, one epoch. */
void rpc_method_validators(struct rpc_call *c, const cJSON *params)
{
    (void)params;
    struct node_snapshot snap;
    if (!snapshot_or_reply(c, &snap)) {
        return;
    }
    struct state_account a;
    int rc = state_account_get(snap.txn, RPC_AUTHOR, &a);
    node_snapshot_end(&snap);
    cJSON *r = cJSON_CreateObject();
    cJSON *cur = cJSON_AddArrayToObject(r, "current_validators");
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "account_id", RPC_AUTHOR);
    cJSON_AddStringToObject(v, "public_key", "ed25519:11111111111111111111111111111111");
    cJSON_AddBoolToObject(v, "is_slashed", false);
    json_add_u128(v, "stake", rc == YB_OK ? a.locked : 0);
    cJSON *shards = cJSON_AddArrayToObject(v, "shards");
    cJSON_AddItemToArray(shards, cJSON_CreateNumber(0));
    json_add_u64(v, "num_produced_blocks", snap.head.height);
    json_add_u64(v, "num_expected_blocks", snap.head.height);
    json_add_u64(v, "num_produced_chunks", snap.head.height);
    json_add_u64(v, "num_expected_chunks", snap.head.height);
    cJSON_AddItemToArray(cur, v);
    cJSON_AddArrayToObject(r, "next_validators");
    cJSON_AddArrayToObject(r, "current_fishermen");
    cJSON_AddArrayToObject(r, "next_fishermen");
    cJSON_AddArrayToObject(r, "current_proposals");
    cJSON_AddArrayToObject(r, "prev_epoch_kickout");
    json_add_u64(r, "epoch_start_height", snap.head.genesis_height);
    json_add_u64(r, "epoch_height", 1);
    rpc_reply_result(c, r);
}

/* ---- block, gas_price ---- */

/* The params of block/gas_price: an object, or a legacy [id] / [null] array. *bad on nonsense;
 * *tmp holds a built {"block_id":…} to free afterwards. */
static const cJSON *block_ref_params(const cJSON *params, cJSON **tmp, bool *bad)
{
    *tmp = NULL;
    *bad = false;
    if (params == NULL || cJSON_IsNull(params)) {
        return NULL;
    }
    if (cJSON_IsObject(params)) {
        return params;
    }
    if (cJSON_IsArray(params) && cJSON_GetArraySize(params) <= 1) {
        const cJSON *e = cJSON_GetArrayItem(params, 0);
        if (e == NULL || cJSON_IsNull(e)) {
            return NULL;
        }
        if (cJSON_IsObject(e)) {
            return e;
        }
        *tmp = cJSON_CreateObject();
        cJSON_AddItemToObject(*tmp, "block_id", cJSON_Duplicate(e, true));
        return *tmp;
    }
    *bad = true;
    return NULL;
}

void rpc_method_block(struct rpc_call *c, const cJSON *params)
{
    cJSON *tmp;
    bool bad;
    const cJSON *ref = block_ref_params(params, &tmp, &bad);
    if (bad || ref == NULL) {
        cJSON_Delete(tmp);
        rpc_reply_error(c, rpc_err_parse("Invalid params: expected {\"finality\"} or "
                                         "{\"block_id\"}"));
        return;
    }
    struct node_snapshot snap;
    if (!snapshot_or_reply(c, &snap)) {
        cJSON_Delete(tmp);
        return;
    }
    struct node_block b;
    cJSON *err = block_resolve(&snap, ref, &b);
    node_snapshot_end(&snap);
    cJSON_Delete(tmp);
    if (err != NULL) {
        rpc_reply_error(c, err);
        return;
    }
    cJSON *res = block_json(&b);
    node_block_fini(&b);
    rpc_reply_result(c, res);
}

void rpc_method_gas_price(struct rpc_call *c, const cJSON *params)
{
    cJSON *tmp;
    bool bad;
    const cJSON *ref = block_ref_params(params, &tmp, &bad);
    if (bad) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: expected [block_id] or [null]"));
        return;
    }
    struct node_snapshot snap;
    if (!snapshot_or_reply(c, &snap)) {
        cJSON_Delete(tmp);
        return;
    }
    struct node_block b;
    cJSON *err = block_resolve(&snap, ref, &b);
    node_snapshot_end(&snap);
    cJSON_Delete(tmp);
    if (err != NULL) {
        rpc_reply_error(c, err);
        return;
    }
    cJSON *res = cJSON_CreateObject();
    json_add_u128(res, "gas_price", b.gas_price);
    node_block_fini(&b);
    rpc_reply_result(c, res);
}

/* ---- query ---- */

struct query {
    struct rpc_call *c;
    struct node_snapshot snap;
    const cJSON *p;
    const char *account_id;
    cJSON *err; /* set by fail(): the error to answer with */
};

/* Records the error a query answers with; returns NULL for `return fail(q, ...)`. */
static cJSON *fail(struct query *q, cJSON *err)
{
    q->err = err;
    return NULL;
}

/*
 * Adds key: [b0,b1,...] — a view's result as NEAR's JSON array of byte numbers — as raw JSON
 * text. A cJSON number per byte is printed with printf("%1.15g") and read back with sscanf to
 * check the round trip: for a pending list of a few hundred KB that was the largest single
 * cost of the RPC threads under load (perf: printf/scanf ~12% of yb-chain's CPU).
 */
static void add_byte_array(cJSON *obj, const char *key, const uint8_t *p, size_t n)
{
    char *text = yb_xmalloc(n * 4 + 3); /* "255," per byte, brackets, NUL */
    size_t k = 0;
    text[k++] = '[';
    for (size_t i = 0; i < n; i++) {
        unsigned v = p[i];
        if (v >= 100) {
            text[k++] = (char)('0' + v / 100);
        }
        if (v >= 10) {
            text[k++] = (char)('0' + v / 10 % 10);
        }
        text[k++] = (char)('0' + v % 10);
        text[k++] = ',';
    }
    k -= n > 0; /* the last comma */
    text[k++] = ']';
    text[k] = 0;
    cJSON_AddRawToObject(obj, key, text);
    free(text);
}

static cJSON *info_account(const struct query *q, const char *key)
{
    cJSON *info = cJSON_CreateObject();
    cJSON_AddStringToObject(info, key, q->account_id);
    rpc_json_add_block_ref(info, &q->snap.head);
    return info;
}

static cJSON *err_unknown_account(const struct query *q)
{
    return rpc_err_handler("UNKNOWN_ACCOUNT", info_account(q, "requested_account_id"),
                           "account %s does not exist while viewing", q->account_id);
}

static cJSON *err_no_code(const struct query *q)
{
    return rpc_err_handler("NO_CONTRACT_CODE", info_account(q, "contract_account_id"),
                           "Contract code for contract ID #%s has never been observed on the node",
                           q->account_id);
}

/* nearcore's legacy "error inside result" (near-rpc.md §10.3). */
static cJSON *legacy_error(const struct query *q, const char *text)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "error", text);
    cJSON_AddArrayToObject(r, "logs");
    return r; /* rpc_method_query adds block_height and block_hash */
}

/* Rust's Debug form of a FunctionCallError JSON value ({"MethodResolveError":"MethodNotFound"}
 * → MethodResolveError(MethodNotFound)), which nearcore puts in vm_error and near-api-js
 * matches with regexes. */
static int debug_form(struct yb_buf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        return yb_buf_append_str(b, v->valuestring);
    }
    const cJSON *k = cJSON_IsObject(v) ? v->child : NULL;
    if (k == NULL || k->string == NULL) {
        return yb_buf_append_str(b, "?");
    }
    int rc = yb_buf_printf(b, "%s(", k->string);
    if (rc == YB_OK && cJSON_IsString(k) && strcmp(k->string, "ExecutionError") == 0) {
        rc = yb_buf_printf(b, "\"%s\"", k->valuestring);
    } else if (rc == YB_OK) {
        rc = debug_form(b, k);
    }
    return rc == YB_OK ? yb_buf_append_str(b, ")") : rc;
}

static cJSON *q_view_account(struct query *q)
{
    struct state_account a;
    int rc = state_account_get(q->snap.txn, q->account_id, &a);
    if (rc == YB_ENOTFOUND) {
        return fail(q, err_unknown_account(q));
    }
    if (rc != YB_OK) {
        return fail(q, rpc_err_internal("reading account: %s", yb_err_str(rc)));
    }
    cJSON *r = cJSON_CreateObject();
    json_add_u128(r, "amount", a.amount);
    json_add_u128(r, "locked", a.locked);
    rpc_json_add_hash(r, "code_hash", a.code_hash);
    json_add_u64(r, "storage_usage", a.storage_usage);
    json_add_u64(r, "storage_paid_at", 0);
    return r;
}

/* Decodes a stored borsh AccessKey into its JSON view; NULL when malformed. */
static cJSON *access_key_view(const uint8_t *val, size_t len)
{
    struct borsh_reader r;
    borsh_reader_init(&r, val, len);
    struct tx_access_key ak;
    if (tx_access_key_decode(&r, &ak) != YB_OK) {
        return NULL;
    }
    cJSON *j = tx_access_key_to_json(&ak);
    tx_access_key_fini(&ak);
    return j;
}

static cJSON *q_view_access_key(struct query *q)
{
    const char *pks;
    if (json_get_str(q->p, "public_key", &pks) != YB_OK) {
        return fail(q, rpc_err_parse("Invalid params: missing field `public_key`"));
    }
    struct near_pubkey pk;
    if (near_pubkey_parse_cstr(pks, &pk) != YB_OK) {
        return fail(q, rpc_err_parse("Invalid params: public_key %s is not a valid key", pks));
    }
    char canon[NEAR_PUBKEY_STR_MAX];
    near_pubkey_format(&pk, canon);
    uint8_t *val = NULL;
    size_t len = 0;
    int rc = state_access_key_get(q->snap.txn, q->account_id, &pk, &val, &len);
    if (rc == YB_ENOTFOUND) {
        char text[NEAR_PUBKEY_STR_MAX + 48];
        snprintf(text, sizeof text, "access key %s does not exist while viewing", canon);
        return legacy_error(q, text);
    }
    if (rc != YB_OK) {
        return fail(q, rpc_err_internal("reading access key: %s", yb_err_str(rc)));
    }
    cJSON *r = access_key_view(val, len);
    free(val);
    return r != NULL ? r : fail(q, rpc_err_internal("stored access key is malformed"));
}

struct key_list {
    cJSON *keys;
    bool bad;
};

static int each_key(void *ctx, const struct near_pubkey *pk, const uint8_t *val, size_t len)
{
    struct key_list *kl = ctx;
    cJSON *ak = access_key_view(val, len);
    if (ak == NULL) {
        kl->bad = true;
        return YB_EMALFORMED;
    }
    cJSON *e = cJSON_CreateObject();
    char s[NEAR_PUBKEY_STR_MAX];
    near_pubkey_format(pk, s);
    cJSON_AddStringToObject(e, "public_key", s);
    cJSON_AddItemToObject(e, "access_key", ak);
    cJSON_AddItemToArray(kl->keys, e);
    return YB_OK;
}

static cJSON *q_view_access_key_list(struct query *q)
{
    if (!state_account_exists(q->snap.txn, q->account_id)) {
        return fail(q, err_unknown_account(q));
    }
    struct key_list kl = {.keys = cJSON_CreateArray()};
    int rc = state_access_key_each(q->snap.txn, q->account_id, each_key, &kl);
    if (rc != YB_OK) {
        cJSON_Delete(kl.keys);
        return fail(q, rpc_err_internal("reading access keys: %s", yb_err_str(rc)));
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "keys", kl.keys);
    return r;
}

static cJSON *q_call_function(struct query *q)
{
    const char *method;
    if (json_get_str(q->p, "method_name", &method) != YB_OK) {
        return fail(q, rpc_err_parse("Invalid params: missing field `method_name`"));
    }
    uint8_t *args = NULL;
    size_t args_len = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(q->p, "args_base64");
    if (a == NULL || json_as_base64(a, RPC_ARGS_MAX, &args, &args_len) != YB_OK) {
        return fail(
            q, rpc_err_parse("Invalid params: `args_base64` must be base64 of at most %u bytes",
                             RPC_ARGS_MAX));
    }
    struct runtime_view_result vr;
    memset(&vr, 0, sizeof vr);
    int rc = runtime_view_call(node_runtime(q->c->node), q->snap.txn, q->account_id, method, args,
                               args_len, q->snap.head.height, q->snap.head.timestamp_ns, &vr);
    free(args);
    if (rc == YB_ENOTFOUND) {
        runtime_view_result_fini(&vr);
        return fail(q, err_unknown_account(q));
    }
    if (rc == YB_ERUNTIME_NO_CODE) {
        /* nearcore reports this as a contract execution error (legacy form); near-api-js maps
         * the CodeDoesNotExist text to its typed error. */
        runtime_view_result_fini(&vr);
        char text[200];
        snprintf(text, sizeof text,
                 "wasm execution failed with error: FunctionCallError(CompilationError("
                 "CodeDoesNotExist { "
                 "account_id: \"%s\" }))",
                 q->account_id);
        return legacy_error(q, text);
    }
    if (rc != YB_OK) {
        runtime_view_result_fini(&vr);
        return fail(q, rpc_err_internal("view call failed: %s", yb_err_str(rc)));
    }
    cJSON *r;
    if (vr.error != NULL) {
        struct yb_buf text;
        yb_buf_init(&text, RPC_VM_ERROR_MAX);
        int frc = yb_buf_append_str(&text, "wasm execution failed with error: FunctionCallError(");
        if (frc == YB_OK) {
            frc = debug_form(&text, vr.error);
        }
        if (frc == YB_OK) {
            frc = yb_buf_append_str(&text, ")");
        }
        const char *fallback = vr.error_text != NULL ? vr.error_text : "wasm execution failed";
        r = legacy_error(q, frc == YB_OK ? (const char *)text.data : fallback);
        yb_buf_fini(&text);
        cJSON *logs = cJSON_GetObjectItemCaseSensitive(r, "logs");
        for (size_t i = 0; i < vr.n_logs; i++) {
            cJSON_AddItemToArray(logs, cJSON_CreateString(vr.logs[i]));
        }
    } else {
        r = cJSON_CreateObject();
        add_byte_array(r, "result", vr.value, vr.value_len);
        cJSON *logs = cJSON_AddArrayToObject(r, "logs");
        for (size_t i = 0; i < vr.n_logs; i++) {
            cJSON_AddItemToArray(logs, cJSON_CreateString(vr.logs[i]));
        }
    }
    runtime_view_result_fini(&vr);
    return r;
}

struct state_walk {
    cJSON *values;
    size_t bytes;
};

static int each_value(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val,
                      size_t val_len)
{
    struct state_walk *w = ctx;
    w->bytes += key_len + val_len;
    if (w->bytes > RPC_VIEW_STATE_MAX) {
        return YB_ETOOBIG;
    }
    cJSON *e = cJSON_CreateObject();
    json_add_base64(e, "key", key, key_len);
    json_add_base64(e, "value", val, val_len);
    cJSON_AddItemToArray(w->values, e);
    return YB_OK;
}

static cJSON *q_view_state(struct query *q)
{
    uint8_t *prefix = NULL;
    size_t prefix_len = 0;
    const cJSON *pb = cJSON_GetObjectItemCaseSensitive(q->p, "prefix_base64");
    if (pb == NULL || json_as_base64(pb, STATE_DATA_KEY_MAX, &prefix, &prefix_len) != YB_OK) {
        return fail(
            q, rpc_err_parse("Invalid params: `prefix_base64` must be base64 of at most %u bytes",
                             STATE_DATA_KEY_MAX));
    }
    if (!state_account_exists(q->snap.txn, q->account_id)) {
        free(prefix);
        return fail(q, err_unknown_account(q));
    }
    struct state_walk w = {.values = cJSON_CreateArray()};
    int rc = state_data_each(q->snap.txn, q->account_id, prefix, prefix_len, each_value, &w);
    free(prefix);
    if (rc == YB_ETOOBIG) {
        cJSON_Delete(w.values);
        return fail(
            q, rpc_err_handler("TOO_LARGE_CONTRACT_STATE", info_account(q, "contract_account_id"),
                               "State of contract %s is too large to be viewed", q->account_id));
    }
    if (rc != YB_OK) {
        cJSON_Delete(w.values);
        return fail(q, rpc_err_internal("reading state: %s", yb_err_str(rc)));
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "values", w.values);
    cJSON_AddArrayToObject(r, "proof");
    return r;
}

static cJSON *q_view_code(struct query *q)
{
    struct state_account a;
    int rc = state_account_get(q->snap.txn, q->account_id, &a);
    if (rc == YB_ENOTFOUND) {
        return fail(q, err_unknown_account(q));
    }
    uint8_t *code = NULL;
    size_t len = 0;
    if (rc == YB_OK) {
        rc = state_code_get(q->snap.txn, q->account_id, &code, &len);
    }
    if (rc == YB_ENOTFOUND) {
        return fail(q, err_no_code(q));
    }
    if (rc != YB_OK) {
        return fail(q, rpc_err_internal("reading code: %s", yb_err_str(rc)));
    }
    cJSON *r = cJSON_CreateObject();
    json_add_base64(r, "code_base64", code, len);
    rpc_json_add_hash(r, "hash", a.code_hash);
    free(code);
    return r;
}

struct query_kind {
    const char *name;
    cJSON *(*fn)(struct query *q);
};

static const struct query_kind query_kinds[] = {
    {"view_account", q_view_account},
    {"view_access_key", q_view_access_key},
    {"view_access_key_list", q_view_access_key_list},
    {"call_function", q_call_function},
    {"view_state", q_view_state},
    {"view_code", q_view_code},
};

void rpc_method_query(struct rpc_call *c, const cJSON *params)
{
    bool bad;
    const cJSON *p = rpc_params_object(params, &bad);
    const char *kind = NULL;
    if (p == NULL || json_get_str(p, "request_type", &kind) != YB_OK) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: expected an object with `request_type`"));
        return;
    }
    const struct query_kind *qk = NULL;
    for (size_t i = 0; i < sizeof query_kinds / sizeof query_kinds[0]; i++) {
        if (strcmp(query_kinds[i].name, kind) == 0) {
            qk = &query_kinds[i];
        }
    }
    if (qk == NULL) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: unknown request_type `%s`", kind));
        return;
    }
    struct query q = {.c = c, .p = p};
    if (json_get_str(p, "account_id", &q.account_id) != YB_OK) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: missing field `account_id`"));
        return;
    }
    if (!snapshot_or_reply(c, &q.snap)) {
        return;
    }
    struct node_block b;
    cJSON *err = block_resolve(&q.snap, p, &b);
    if (err == NULL) {
        if (b.height != q.snap.head.height) {
            cJSON *info = cJSON_CreateObject();
            rpc_json_add_block_ref(info, &q.snap.head);
            cJSON_ReplaceItemInObject(info, "block_height", cJSON_CreateNumber((double)b.height));
            cJSON_DeleteItemFromObject(info, "block_hash");
            rpc_json_add_hash(info, "block_hash", b.hash);
            err = rpc_err_handler("GARBAGE_COLLECTED_BLOCK", info,
                                  "The state of block %llu is not kept: query the head",
                                  (unsigned long long)b.height);
        }
        node_block_fini(&b);
    }
    if (err == NULL && near_account_validate_cstr(q.account_id) != YB_OK) {
        err = rpc_err_handler("INVALID_ACCOUNT", info_account(&q, "requested_account_id"),
                              "Account ID %s is invalid", q.account_id);
    }
    cJSON *res = err == NULL ? qk->fn(&q) : NULL;
    node_snapshot_end(&q.snap);
    if (err != NULL) {
        rpc_reply_error(c, err);
        return;
    }
    if (res == NULL) {
        rpc_reply_error(c, q.err != NULL ? q.err : rpc_err_internal("query failed"));
        return;
    }
    rpc_json_add_block_ref(res, &q.snap.head);
    rpc_reply_result(c, res);
}

/* ---- EXPERIMENTAL_protocol_config ---- */

void rpc_method_protocol_config(struct rpc_call *c, const cJSON *params)
{
    (void)params;
    struct node_head head;
    node_get_head(c->node, &head);
    const struct runtime *rt = node_runtime(c->node);
    cJSON *r = cJSON_CreateObject();
    json_add_u64(r, "protocol_version", NODE_PROTOCOL_VERSION);
    cJSON_AddStringToObject(r, "chain_id", NODE_CHAIN_ID);
    json_add_u64(r, "genesis_height", head.genesis_height);
    json_add_u64(r, "epoch_length", 43200);
    json_add_u64(r, "num_block_producer_seats", 1);
    json_add_u64(r, "transaction_validity_period", rt->tx_validity_period);
    json_add_u64(r, "gas_limit", rt->block_gas_limit);
    add_u64_str(r, "min_gas_price", NODE_GAS_PRICE);
    add_u64_str(r, "max_gas_price", NODE_GAS_PRICE);
    cJSON *ratio = cJSON_AddArrayToObject(r, "minimum_stake_ratio");
    cJSON_AddItemToArray(ratio, cJSON_CreateNumber(1));
    cJSON_AddItemToArray(ratio, cJSON_CreateNumber(6250));
    cJSON *rc = cJSON_AddObjectToObject(r, "runtime_config");
    json_add_u128(rc, "storage_amount_per_byte", rt->config.storage_amount_per_byte);
    cJSON *acc = cJSON_AddObjectToObject(rc, "account_creation_config");
    json_add_u64(acc, "min_allowed_top_level_account_length", RUNTIME_MIN_TOP_LEVEL_ACCOUNT_LEN);
    cJSON_AddStringToObject(acc, "registrar_account_id", RUNTIME_REGISTRAR_ACCOUNT);
    rpc_reply_result(c, r);
}
