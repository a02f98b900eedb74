/*
 * rpc.h — a JSON-RPC 2.0 client for NEAR nodes (reference/near-rpc.md §7, §10).
 *
 * Three layers:
 *   - pure functions that build a request body and interpret an HTTP status + body. They do no
 *     I/O, so any transport can reuse them;
 *   - rpc_transfer: one call as a fully configured libcurl easy handle, for callers that drive
 *     curl multi themselves (the oracle, under libev);
 *   - a blocking client: rpc_client_init / rpc_call / rpc_client_fini.
 *
 * Every call has a connect timeout and a total timeout (never "wait forever", libcurl's
 * default), and the response body is capped before it is stored.
 *
 * Results: on YB_OK, *result is the JSON-RPC "result" value (returned; cJSON_Delete; a JSON
 * null when the server sent null). On YB_ERPC, the server's error object is in err (see struct
 * rpc_error), including NEAR's legacy query failures (a result holding an "error" string, §10.3).
 * Other failures: YB_ECONNECT (refused, unresolvable), YB_ETIMEDOUT, YB_ETOOBIG (body
 * over the cap), YB_EHTTP (a non-200 status whose body is not a JSON-RPC error; err->http_status
 * says which), YB_EJSON (a 200 whose body is not JSON), YB_EMALFORMED (JSON but not a JSON-RPC
 * response: no result and no error, or the wrong id), YB_EIO (any other transport failure;
 * err->detail has curl's text).
 *
 * Thread rules: pure functions are reentrant. A struct rpc_client belongs to one thread at a
 * time. rpc_global_init() must have run (once per process, any thread) before the first client.
 */
#ifndef YB_RPC_H
#define YB_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "buf.h"

/* Defaults for struct rpc_opts fields left at 0. */
#define RPC_CONNECT_TIMEOUT_MS 5000
#define RPC_TIMEOUT_MS         30000
/* The largest response body accepted: well above a NEAR block or a 4 MiB contract's view. */
#define RPC_MAX_RESPONSE     (16u << 20)
#define RPC_ERROR_DETAIL_MAX 256

struct rpc_opts {
    long connect_timeout_ms; /* 0: RPC_CONNECT_TIMEOUT_MS */
    long timeout_ms;         /* whole call; 0: RPC_TIMEOUT_MS */
    size_t max_response;     /* 0: RPC_MAX_RESPONSE */
};

/*
 * What went wrong with a call. Fields that do not apply are 0 / NULL. Strings and cJSON pointers
 * borrow from `object`, which the struct owns: call rpc_error_fini after every rpc_call /
 * rpc_parse_response (it is safe on a zeroed or successful one).
 */
struct rpc_error {
    long http_status;        /* the HTTP status, when a response arrived */
    int64_t code;            /* legacy JSON-RPC code: -32000, -32601, -32700 */
    const char *name;        /* "HANDLER_ERROR", "REQUEST_VALIDATION_ERROR", "INTERNAL_ERROR" */
    const char *cause_name;  /* cause.name: "UNKNOWN_ACCOUNT", "INVALID_TRANSACTION", ... */
    const cJSON *cause_info; /* cause.info (object), if any */
    const char *message;     /* legacy "Server error" */
    const cJSON *data;       /* legacy data: a string, or for INVALID_TRANSACTION an object */
    cJSON *object;           /* the whole "error" object; owned */
    /* near-rpc.md §10.3: the failure came as {"result":{"error":"<text>",...}} (a contract
     * panic or an unknown access key in a `query`). Then `object` is that result, `message` and
     * `data` its "error" string, and name/cause are NULL. */
    bool legacy;
    char detail[RPC_ERROR_DETAIL_MAX]; /* transport failures: curl's message */
};

/* Frees err->object and zeroes err; err may be NULL. */
void rpc_error_fini(struct rpc_error *err);

/*
 * One line for a log about a failed call: rc's name plus whatever err holds, e.g.
 * "YB_ERPC HANDLER_ERROR/UNKNOWN_ACCOUNT code -32000: account bob.near does not exist while
 * viewing" or
 * "YB_EHTTP status 503". err borrowed (may be NULL); out gets at most cap bytes, NUL-terminated
 * (cut if longer). Returns out.
 */
const char *rpc_error_describe(int rc, const struct rpc_error *err, char *out, size_t cap);

/*
 * near-rpc.md §10.2: for an INVALID_TRANSACTION error, the InvalidTxError value from
 * data.TxExecutionError.InvalidTxError — a string ("Expired", "InvalidSignature", ...) or an
 * object ({"InvalidNonce":{"tx_nonce":5,"ak_nonce":7}}); borrowed from err. NULL otherwise.
 */
const cJSON *rpc_error_invalid_tx(const struct rpc_error *err);
/*
 * True when err is InvalidNonce; then *ak_nonce (may be NULL) is the access key's nonce, so the
 * next transaction can use ak_nonce + 1.
 */
bool rpc_error_is_invalid_nonce(const struct rpc_error *err, uint64_t *ak_nonce);

/*
 * True when a failed call (rc from rpc_call / rpc_transfer_finish / rpc_parse_response, err
 * borrowed, may be NULL) may succeed if sent again unchanged: no connection, a timeout, a
 * transport error, HTTP 408/429/500/502/503/504 (near-rpc.md §7: the statuses near-api-js
 * retries or a proxy sends), or a JSON-RPC TIMEOUT_ERROR / INTERNAL_ERROR. Resending a signed
 * transaction is safe (same hash, the chain runs it once). Everything else — handler errors,
 * invalid transactions, malformed answers, size caps — is not transient.
 */
bool rpc_error_is_transient(int rc, const struct rpc_error *err);

/* ---- pure layer ---- */

/*
 * The request body {"jsonrpc":"2.0","id":<id>,"method":...,"params":...}, NUL-terminated; *out
 * returned (free()). method, params borrowed; params NULL sends []. Errors: YB_ENOMEM.
 */
int rpc_build_request(const char *method, const cJSON *params, uint64_t id, char **out);

/*
 * Interprets one HTTP response to the request with `id`: body[0..len) borrowed, need not be
 * NUL-terminated. *result returned on YB_OK; err filled (never NULL) on failure. A body over
 * max_len (0: RPC_MAX_RESPONSE) is YB_ETOOBIG. An id echoed back as a string of the same digits
 * is accepted (near-api-js sends string ids, so some servers may answer with them).
 */
int rpc_parse_response(long http_status, const char *body, size_t len, size_t max_len, uint64_t id,
                       cJSON **result, struct rpc_error *err);

/* ---- libcurl ---- */

/* curl_global_init, once per process (later calls do nothing). Errors: YB_EINTERNAL. */
int rpc_global_init(void);
/* curl_global_cleanup: at exit, after every client and transfer is finished. */
void rpc_global_cleanup(void);

/*
 * One call as a configured libcurl easy handle, for callers that drive transfers themselves
 * (curl multi under libev, oracle-anchors.md §5.2): the request body, headers, both timeouts,
 * the response cap and the body buffer are all set up; CURLINFO_PRIVATE gives back the struct.
 *
 *   rpc_transfer_init(&t, url, &opts, "query", params, id);
 *   curl_multi_add_handle(multi, t.curl);
 *   ... on CURLMSG_DONE for t.curl: curl_multi_remove_handle(multi, t.curl);
 *   rc = rpc_transfer_finish(&t, msg->data.result, &result, &err);
 *   rpc_transfer_fini(&t);
 *
 * The struct must stay at one address from init to fini (libcurl holds pointers into it).
 * Thread rules: a transfer belongs to one thread at a time.
 */
struct rpc_transfer {
    void *curl;  /* CURL *, owned */
    uint64_t id; /* the JSON-RPC id sent */
    void *user;  /* the caller's, untouched */
    /* private */
    char *request;
    void *headers;
    struct yb_buf body;
    bool over_cap;
    size_t max_response;
    char curl_msg[RPC_ERROR_DETAIL_MAX];
};

/*
 * url, method, params borrowed (params may be NULL; the request is built now, so params may
 * be freed after). opts borrowed, may be NULL. Errors: YB_EINVAL (empty url, no method,
 * negative timeouts), YB_ENOMEM. On failure there is nothing to fini.
 */
int rpc_transfer_init(struct rpc_transfer *t, const char *url, const struct rpc_opts *opts,
                      const char *method, const cJSON *params, uint64_t id);
/*
 * After the transfer ended with CURLcode curl_code: converts it, or interprets the response
 * (rpc_parse_response). *result returned on YB_OK; err reset and filled (call rpc_error_fini).
 * Errors: as listed at the top of this file.
 */
int rpc_transfer_finish(struct rpc_transfer *t, int curl_code, cJSON **result,
                        struct rpc_error *err);
/* Frees everything; remove t->curl from any multi handle first. */
void rpc_transfer_fini(struct rpc_transfer *t);

/* ---- blocking client ---- */

struct rpc_client {
    char *url;        /* owned */
    void *share;      /* CURLSH *, owned: keeps connections alive between calls */
    uint64_t next_id; /* the id of the next call; starts at 1 */
    struct rpc_opts opts;
};

/*
 * Caller-owned client for the node at url (borrowed, copied), e.g. "http://127.0.0.1:3030".
 * opts borrowed, may be NULL (defaults). Only http and https URLs are used; redirects are not
 * followed. Errors: YB_EINVAL (empty url, negative timeouts), YB_ENOMEM, YB_EINTERNAL.
 */
int rpc_client_init(struct rpc_client *c, const char *url, const struct rpc_opts *opts);
void rpc_client_fini(struct rpc_client *c);

/*
 * One blocking call. method and params borrowed (params may be NULL); *result returned on
 * YB_OK; err may be NULL, else it is reset and filled (call rpc_error_fini afterwards). Each
 * call uses a new id. Errors: as listed at the top of this file.
 */
int rpc_call(struct rpc_client *c, const char *method, const cJSON *params, cJSON **result,
             struct rpc_error *err);

#endif
