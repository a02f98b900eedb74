/*
 * rpc_sandbox.c — the chain controls: sandbox_fast_forward and sandbox_patch_state (as
 * nearcore's sandbox build serves them, near-rpc.md §8.10, nep519.md §10) and yieldbox's own
 * yb_produce_blocks for manual mode. Each parks its call and answers from the node's callback
 * once the block(s) committed.
 */
#include <string.h>

#include "err.h"
#include "json.h"
#include "node.h"
#include "rpc_int.h"

#define RPC_FAST_FORWARD_MAX 1000000000ull /* node_fast_forward's cap on delta_height */
#define RPC_PRODUCE_MAX      10000ull      /* node_produce_blocks' cap on count */

/* {} for the sandbox methods. */
static void on_sandbox_done(void *arg, int err)
{
    struct rpc_call *c = arg;
    if (err != YB_OK) {
        rpc_reply_error(c, rpc_err_internal("%s", yb_err_str(err)));
        return;
    }
    rpc_reply_result(c, cJSON_CreateObject());
}

/* {"latest_block_height","latest_block_hash"} after yb_produce_blocks. */
static void on_produced(void *arg, int err)
{
    struct rpc_call *c = arg;
    if (err != YB_OK) {
        rpc_reply_error(c, rpc_err_internal("%s", yb_err_str(err)));
        return;
    }
    struct node_head head;
    node_get_head(c->node, &head);
    cJSON *r = cJSON_CreateObject();
    json_add_u64(r, "latest_block_height", head.height);
    rpc_json_add_hash(r, "latest_block_hash", head.hash);
    rpc_reply_result(c, r);
}

/* Reads a u64 field of the object params in 1..max; answers and returns false otherwise. */
static bool read_count(struct rpc_call *c, const cJSON *params, const char *key, uint64_t max,
                       uint64_t *out)
{
    bool bad;
    const cJSON *p = rpc_params_object(params, &bad);
    if (p == NULL || json_get_u64(p, key, out) != YB_OK || *out == 0 || *out > max) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: expected {\"%s\": 1..%llu}", key,
                                         (unsigned long long)max));
        return false;
    }
    return true;
}

/* Ends a parked call whose node request was refused (rc != YB_OK) with the matching error. */
static void start_parked(struct rpc_call *c, int rc)
{
    if (rc == YB_OK) {
        return;
    }
    if (rc == YB_EINVAL || rc == YB_EJSON || rc == YB_EJSON_TYPE || rc == YB_EJSON_MISSING ||
        rc == YB_EMALFORMED || rc == YB_ENUMBER || rc == YB_EOVERFLOW || rc == YB_EBASE64 ||
        rc == YB_EBASE58 || rc == YB_EBADKEY || rc == YB_EKEYTYPE || rc == YB_ETOOBIG ||
        rc == YB_EACCOUNT_LEN || rc == YB_EACCOUNT_CHAR || rc == YB_EACCOUNT_SEP) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: %s", yb_err_str(rc)));
        return;
    }
    rpc_reply_error(c, rpc_err_internal("%s", yb_err_str(rc)));
}

void rpc_method_fast_forward(struct rpc_call *c, const cJSON *params)
{
    uint64_t delta;
    if (!read_count(c, params, "delta_height", RPC_FAST_FORWARD_MAX, &delta)) {
        return;
    }
    if (!rpc_call_park(c)) {
        rpc_reply_error(c, rpc_err_internal("node is stopping"));
        return;
    }
    start_parked(c, node_fast_forward(c->node, delta, on_sandbox_done, c));
}

void rpc_method_produce_blocks(struct rpc_call *c, const cJSON *params)
{
    uint64_t count;
    if (!read_count(c, params, "count", RPC_PRODUCE_MAX, &count)) {
        return;
    }
    if (!rpc_call_park(c)) {
        rpc_reply_error(c, rpc_err_internal("node is stopping"));
        return;
    }
    start_parked(c, node_produce_blocks(c->node, count, on_produced, c));
}

void rpc_method_patch_state(struct rpc_call *c, const cJSON *params)
{
    bool bad;
    const cJSON *p = rpc_params_object(params, &bad);
    const cJSON *records = NULL;
    if (p == NULL || json_get_array(p, "records", &records) != YB_OK) {
        rpc_reply_error(c, rpc_err_parse("Invalid params: expected {\"records\": [StateRecord]}"));
        return;
    }
    if (!rpc_call_park(c)) {
        rpc_reply_error(c, rpc_err_internal("node is stopping"));
        return;
    }
    start_parked(c, node_patch_state(c->node, records, on_sandbox_done, c));
}
