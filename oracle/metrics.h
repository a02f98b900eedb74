/*
 * metrics.h — the oracle's Prometheus metrics and its /metrics + /healthz server (nng HTTP,
 * default http://127.0.0.1:3032). Names follow Prometheus practice: counters end in _total,
 * durations are _seconds histograms (oracle-anchors.md §1.5, §4).
 *
 * The event loop updates the counters; nng's HTTP threads read them. Every field is a C11
 * atomic, so neither side takes a lock and a scrape never stalls the loop.
 */
#ifndef YB_ORACLE_METRICS_H
#define YB_ORACLE_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

/* How a request ended (labels of oracle_requests_total{outcome=...}). */
enum metrics_outcome {
    METRICS_ANSWERED = 0, /* our respond returned true */
    METRICS_LOST,         /* our respond returned false: another responder or the timeout won */
    METRICS_EXPIRED,      /* the deadline passed before an answer could be sent */
    METRICS_FAILED,       /* a permanent error */
    METRICS_GONE,         /* left the pending list without our respond (someone else's) */
    METRICS_OUTCOMES
};

#define METRICS_AI_CLASSES 6 /* enum ai_class */
#define METRICS_BUCKETS    14

struct metrics {
    atomic_uint_fast64_t requests_seen;
    atomic_uint_fast64_t outcomes[METRICS_OUTCOMES];
    atomic_uint_fast64_t ai_calls[METRICS_AI_CLASSES]; /* by ai_class */
    atomic_uint_fast64_t ai_transport_errors;
    atomic_uint_fast64_t retries;
    atomic_uint_fast64_t tx_sent;
    atomic_uint_fast64_t tx_errors;
    atomic_uint_fast64_t nonce_recoveries;
    atomic_uint_fast64_t journal_resubmits;
    atomic_uint_fast64_t polls;
    atomic_uint_fast64_t poll_errors;
    atomic_uint_fast64_t events;
    atomic_int_fast64_t ai_in_flight;
    atomic_int_fast64_t tx_in_flight;
    atomic_int_fast64_t tracked;
    atomic_int_fast64_t journal_entries;
    atomic_uint_fast64_t chain_height;
    atomic_uint_fast64_t last_poll_ok_unix_ms;
    atomic_uint_fast64_t poll_interval_ms; /* for /healthz: polls older than 5 intervals = stale */
    /* oracle_ai_request_duration_seconds */
    atomic_uint_fast64_t ai_buckets[METRICS_BUCKETS]; /* cumulative at render time */
    atomic_uint_fast64_t ai_count;
    atomic_uint_fast64_t ai_sum_us;
};

/* Zeroes m. */
void metrics_init(struct metrics *m);
/* One AI call took `seconds`. Any thread. */
void metrics_observe_ai(struct metrics *m, double seconds);
/* The Prometheus text exposition (version 0.0.4) of m (borrowed) appended to out. */
int metrics_render(struct metrics *m, struct yb_buf *out);
/* True when the last successful poll is recent (within 5 poll intervals, at least 5 s) at
 * now_unix_ms. */
bool metrics_healthy(struct metrics *m, uint64_t now_unix_ms);

struct metrics_server;
/*
 * Serves GET /metrics and GET /healthz (200 "ok" or 503 "stale") for m (borrowed; must outlive
 * the server) at url (borrowed, "http://127.0.0.1:3032"). *out returned (metrics_server_stop).
 * Errors: YB_EIO (cannot listen), YB_EINVAL (bad URL).
 */
int metrics_server_start(struct metrics *m, const char *url, struct metrics_server **out);
/* Stops and frees s (taken; NULL allowed). */
void metrics_server_stop(struct metrics_server *s);

#endif
