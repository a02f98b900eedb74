/*
 * loadgen.h — the benchmark's load generator: many access keys of user.test.near, `request`
 * transactions signed in advance, sent concurrently over libcurl multi (one send in flight per
 * key, so each key's nonces reach the chain in order) in a burst or at a steady rate, and the
 * per-request results read back from the chain afterwards (yield block, callback block, status).
 *
 * Signing happens before the clock starts and sending costs one HTTP round trip per request, so
 * the figures measure the chain and the oracle, not the generator.
 *
 * Thread rules: one thread; rpc_global_init() and crypto_init() must have run. Failures of the
 * set-up are reported through cmocka's asserts.
 */
#ifndef YB_TEST_LOADGEN_H
#define YB_TEST_LOADGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "oracle_env.h"
#include "signer.h"

/* Keys added to user.test.near at most (one AddKey transaction of up to TX_MAX_ACTIONS). */
#define LOADGEN_MAX_KEYS 100
/* Requests per run at most. */
#define LOADGEN_MAX_REQUESTS 200000
/* Bytes of an answer kept per request (the tests' arithmetic answers are short). */
#define LOADGEN_ANSWER_MAX 32
/* Concurrent `tx` status reads while collecting results. */
#define LOADGEN_COLLECT_WINDOW 32

struct loadgen_req {
    char *b64; /* the signed transaction, owned */
    uint8_t hash[NEAR_HASH_LEN];
    uint64_t due_ms;  /* offset from the start of sending */
    uint64_t sent_ms; /* monotonic ms when send_tx returned; 0 = not sent */
    bool send_failed;
    /* results (loadgen_collect) */
    bool finished;                   /* the request's callback ran */
    bool answered;                   /* ... with status "answered" */
    char answer[LOADGEN_ANSWER_MAX]; /* the callback's answer (cut to fit), "" if none */
    uint64_t yield_height, callback_height;
    uint64_t yield_ts_ns, callback_ts_ns;
};

struct loadgen {
    struct env *e;
    int n_keys;
    struct signer keys[LOADGEN_MAX_KEYS];
    int n;
    struct loadgen_req *reqs; /* n, owned */
    uint64_t sign_ms;         /* how long signing all took */
    uint64_t send_start_ms, send_end_ms;
    int send_errors;
    int send_done; /* sent or refused so far */
};

/* Adds n_keys (1..LOADGEN_MAX_KEYS) fresh full-access keys to user.test.near in one
 * transaction and learns their nonces. */
void loadgen_init(struct loadgen *g, struct env *e, int n_keys);
void loadgen_fini(struct loadgen *g);
/*
 * Signs n `request` transactions {"prompt":"<tag> <i>: what is <i>*3?"} round-robin over the
 * keys (gas REQUEST_GAS), referencing the current final block. rate_per_s > 0 spaces their
 * send times evenly (request i due at i / rate); 0 makes all of them due at once (a burst).
 */
void loadgen_sign(struct loadgen *g, int n, const char *tag, double rate_per_s);
/*
 * Sends every signed request when it is due, one send_tx (wait_until NONE) in flight per key,
 * all keys concurrently. Returns when every request was sent or refused (send_errors counts
 * those; a refused request is not retried).
 */
void loadgen_send(struct loadgen *g);
/*
 * Reads every sent request's outcome (`tx`, wait_until EXECUTED_OPTIMISTIC, so it waits for the
 * callback) LOADGEN_COLLECT_WINDOW at a time, and fills the result fields: the first and last
 * blocks in which the assistant executed a receipt of the request's tree (the yield's creation
 * and the callback), their timestamps, and whether the callback returned "answered" (and what).
 */
void loadgen_collect(struct loadgen *g);

#endif
