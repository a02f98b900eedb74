/*
 * rpc_int.h — private to chain/node/rpc*.c: one JSON-RPC call in flight, the reply and error
 * builders (near-rpc.md §10), and the method handlers of rpc_views.c, rpc_tx.c, rpc_sandbox.c.
 *
 * A method handler is called once per request with the parsed params (borrowed, may be NULL).
 * It must end the call exactly once with rpc_reply_result or rpc_reply_error, either before it
 * returns or later from a node completion callback after rpc_call_park.
 */
#ifndef YB_NODE_RPC_INT_H
#define YB_NODE_RPC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "near.h"
#include "node.h"

struct rpc_server;

struct rpc_call {
    struct rpc_server *srv;
    struct node *node;
    void *aio;     /* nng_aio *: the HTTP handler's aio, finished by the reply */
    cJSON *id;     /* owned copy of the request id (null when absent) */
    double start;  /* monotonic seconds at arrival, for yb_chain_rpc_request_seconds */
    bool parked;   /* waiting for a node callback (in the server's list) */
    bool answered; /* the HTTP reply went out (the stop path may answer first) */
    struct rpc_call *next, **pprev;
    /* what a parked transaction call answers with */
    int tx_kind; /* enum rpc_tx_kind (rpc_tx.c) */
    enum node_wait wait;
    struct node_tx_result result; /* what the node reported, for the deferred reply */
    void *work;                   /* nng_aio *: runs deferred work on an nng thread */
    void (*deferred_fn)(struct rpc_call *c);
    double deadline; /* rpc_tx.c: when a `tx` lookup stops waiting (rpc_now) */
};

typedef void (*rpc_method_fn)(struct rpc_call *c, const cJSON *params);

/* ---- ending a call (any thread) ---- */

/* Answers {"jsonrpc":"2.0","id":..,"result":result}; result taken. Frees the call. */
void rpc_reply_result(struct rpc_call *c, cJSON *result);
/* Answers {"jsonrpc":"2.0","id":..,"error":error}; error taken. Frees the call. */
void rpc_reply_error(struct rpc_call *c, cJSON *error);

/* Registers c as waiting for a node callback, so that rpc_server_stop can answer it.
 * Returns false (and c is not parked) when the server is stopping; true at once when c is
 * parked already. */
bool rpc_call_park(struct rpc_call *c);

/*
 * Runs fn(c) on one of nng's task threads instead of the caller's: a node callback on the loop
 * thread uses this so that building a large reply never delays block production. fn must end
 * the call. When the server is stopping, fn is not run and the call ends with the stop error
 * (rpc_server_stop waits for deferred replies already running, so fn never sees a closed node).
 */
void rpc_call_defer(struct rpc_call *c, void (*fn)(struct rpc_call *c));
/* rpc_call_defer after `ms` milliseconds; c must be parked. rpc_server_stop cancels the wait
 * (the call then ends with the stop error). */
void rpc_call_later(struct rpc_call *c, unsigned ms, void (*fn)(struct rpc_call *c));

/* ---- error objects (all returned, taken by rpc_reply_error) ---- */

/* REQUEST_VALIDATION_ERROR / PARSE_ERROR {error_message}, code -32700: bad JSON, bad params. */
cJSON *rpc_err_parse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* REQUEST_VALIDATION_ERROR / METHOD_NOT_FOUND {method_name}, code -32601. */
cJSON *rpc_err_method(const char *method);
/* HANDLER_ERROR / cause (info taken, NULL = no info key); data is a string (fmt) or, with
 * data_json, that value (taken). code -32000. */
cJSON *rpc_err_handler(const char *cause, cJSON *info, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
cJSON *rpc_err_handler_json(const char *cause, cJSON *info, cJSON *data_json);
/* INTERNAL_ERROR / INTERNAL_ERROR {error_message}, code -32000. */
cJSON *rpc_err_internal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- JSON helpers shared by the handlers ---- */

/* Adds key: base58 of a 32-byte hash. */
void rpc_json_add_hash(cJSON *obj, const char *key, const uint8_t h[NEAR_HASH_LEN]);
/* Adds "block_height" and "block_hash" of head. */
void rpc_json_add_block_ref(cJSON *obj, const struct node_head *head);

/*
 * Reads the params as an object: an object is returned as is; a one-element array whose element
 * is an object gives that element. NULL params give NULL. Anything else: NULL and *bad set.
 */
const cJSON *rpc_params_object(const cJSON *params, bool *bad);

/* ---- handlers ---- */
void rpc_method_status(struct rpc_call *c, const cJSON *params);
void rpc_method_health(struct rpc_call *c, const cJSON *params);
void rpc_method_validators(struct rpc_call *c, const cJSON *params);
void rpc_method_block(struct rpc_call *c, const cJSON *params);
void rpc_method_gas_price(struct rpc_call *c, const cJSON *params);
void rpc_method_query(struct rpc_call *c, const cJSON *params);
void rpc_method_protocol_config(struct rpc_call *c, const cJSON *params);
void rpc_method_send_tx(struct rpc_call *c, const cJSON *params);
void rpc_method_broadcast_async(struct rpc_call *c, const cJSON *params);
void rpc_method_broadcast_commit(struct rpc_call *c, const cJSON *params);
void rpc_method_tx(struct rpc_call *c, const cJSON *params);
void rpc_method_tx_status(struct rpc_call *c, const cJSON *params);
void rpc_method_fast_forward(struct rpc_call *c, const cJSON *params);
void rpc_method_patch_state(struct rpc_call *c, const cJSON *params);
void rpc_method_produce_blocks(struct rpc_call *c, const cJSON *params);

/* The `status` result object (returned), shared by the method and GET /status. */
cJSON *rpc_status_json(struct rpc_server *srv, struct node *node);

/* Monotonic seconds. */
double rpc_now(void);
/* Seconds since rpc_server_start. */
uint64_t rpc_server_uptime_sec(const struct rpc_server *srv);

#endif
