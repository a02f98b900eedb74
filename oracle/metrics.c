/*
 * metrics.c — counters, the AI latency histogram, the text exposition and the HTTP server.
 */
#include "metrics.h"

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "httpd.h"
#include "log.h"
#include "mem.h"

/* Upper bounds in seconds: from a local mock (ms) to a slow hosted model (a minute). */
static const double bucket_le[METRICS_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                  1,     2.5,  5,     10,   30,  60,   120};

static const char *const outcome_names[METRICS_OUTCOMES] = {"answered", "lost", "expired", "failed",
                                                            "gone"};
/* ai_class_name() order, kept here so metrics does not depend on the AI module. */
static const char *const class_names[METRICS_AI_CLASSES] = {
    "ok", "truncated", "retry_later", "permanent_backend", "permanent_request", "bad_response"};

void metrics_init(struct metrics *m)
{
    memset(m, 0, sizeof *m);
}

void metrics_observe_ai(struct metrics *m, double seconds)
{
    for (int i = 0; i < METRICS_BUCKETS; i++) {
        if (seconds <= bucket_le[i]) {
            atomic_fetch_add(&m->ai_buckets[i], 1);
            break;
        }
    }
    atomic_fetch_add(&m->ai_count, 1);
    atomic_fetch_add(&m->ai_sum_us, (uint64_t)(seconds * 1e6));
}

static void counter(struct yb_buf *b, const char *name, const char *help, uint64_t v)
{
    yb_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
                  (unsigned long long)v);
}

static void gauge(struct yb_buf *b, const char *name, const char *help, long long v)
{
    yb_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name, name, v);
}

int metrics_render(struct metrics *m, struct yb_buf *b)
{
    size_t start = b->len;
    counter(b, "oracle_requests_seen_total", "Requests found pending.",
            atomic_load(&m->requests_seen));
    yb_buf_printf(b, "# HELP oracle_requests_total Requests finished, by outcome.\n"
                     "# TYPE oracle_requests_total counter\n");
    for (int i = 0; i < METRICS_OUTCOMES; i++) {
        yb_buf_printf(b, "oracle_requests_total{outcome=\"%s\"} %llu\n", outcome_names[i],
                      (unsigned long long)atomic_load(&m->outcomes[i]));
    }
    yb_buf_printf(b, "# HELP oracle_ai_requests_total AI calls, by result class.\n"
                     "# TYPE oracle_ai_requests_total counter\n");
    for (int i = 0; i < METRICS_AI_CLASSES; i++) {
        yb_buf_printf(b, "oracle_ai_requests_total{class=\"%s\"} %llu\n", class_names[i],
                      (unsigned long long)atomic_load(&m->ai_calls[i]));
    }
    counter(b, "oracle_ai_transport_errors_total", "AI calls that got no HTTP response.",
            atomic_load(&m->ai_transport_errors));
    counter(b, "oracle_ai_retries_total", "AI calls repeated after a retryable failure.",
            atomic_load(&m->retries));
    counter(b, "oracle_respond_tx_total", "Respond transactions sent.", atomic_load(&m->tx_sent));
    counter(b, "oracle_respond_tx_errors_total", "Respond transactions that failed to send.",
            atomic_load(&m->tx_errors));
    counter(b, "oracle_nonce_recoveries_total", "InvalidNonce answers recovered from.",
            atomic_load(&m->nonce_recoveries));
    counter(b, "oracle_journal_resubmits_total",
            "Journaled answers resubmitted after a restart instead of asking the AI.",
            atomic_load(&m->journal_resubmits));
    counter(b, "oracle_polls_total", "Pending-list polls.", atomic_load(&m->polls));
    counter(b, "oracle_poll_errors_total", "Pending-list polls that failed.",
            atomic_load(&m->poll_errors));
    counter(b, "oracle_events_total", "Chain event messages received (hints).",
            atomic_load(&m->events));
    gauge(b, "oracle_ai_in_flight", "AI calls in flight.",
          (long long)atomic_load(&m->ai_in_flight));
    gauge(b, "oracle_tx_in_flight", "Respond transactions in flight.",
          (long long)atomic_load(&m->tx_in_flight));
    gauge(b, "oracle_requests_tracked", "Requests the oracle is tracking.",
          (long long)atomic_load(&m->tracked));
    gauge(b, "oracle_journal_entries", "Entries in the answer journal.",
          (long long)atomic_load(&m->journal_entries));
    gauge(b, "oracle_chain_head_height", "The chain height last seen.",
          (long long)atomic_load(&m->chain_height));
    yb_buf_printf(b, "# HELP oracle_ai_request_duration_seconds AI call latency.\n"
                     "# TYPE oracle_ai_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (int i = 0; i < METRICS_BUCKETS; i++) {
        cum += atomic_load(&m->ai_buckets[i]);
        yb_buf_printf(b, "oracle_ai_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                      bucket_le[i], (unsigned long long)cum);
    }
    uint64_t count = atomic_load(&m->ai_count);
    yb_buf_printf(b,
                  "oracle_ai_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                  "oracle_ai_request_duration_seconds_sum %.6f\n"
                  "oracle_ai_request_duration_seconds_count %llu\n",
                  (unsigned long long)count, (double)atomic_load(&m->ai_sum_us) / 1e6,
                  (unsigned long long)count);
    return b->len > start ? YB_OK : YB_ETOOBIG;
}

bool metrics_healthy(struct metrics *m, uint64_t now_unix_ms)
{
    uint64_t last = atomic_load(&m->last_poll_ok_unix_ms);
    uint64_t window = atomic_load(&m->poll_interval_ms) * 5;
    if (window < 5000) {
        window = 5000;
    }
    return last != 0 && now_unix_ms - last <= window;
}

struct metrics_server {
    nng_http_server *srv;
    struct metrics *m;
};

static void respond(nng_aio *aio, uint16_t status, const char *type, const void *body, size_t n)
{
    nng_http_res *res = NULL;
    if (nng_http_res_alloc(&res) != 0) {
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    nng_http_res_set_status(res, status);
    nng_http_res_set_header(res, "Content-Type", type);
    if (nng_http_res_copy_data(res, body, n) != 0) {
        nng_http_res_free(res);
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

static struct metrics *server_metrics(nng_aio *aio)
{
    return nng_http_handler_get_data(nng_aio_get_input(aio, 1));
}

static void on_metrics(nng_aio *aio)
{
    struct yb_buf b;
    yb_buf_init(&b, 1 << 20);
    metrics_render(server_metrics(aio), &b);
    respond(aio, 200, "text/plain; version=0.0.4", b.data, b.len);
    yb_buf_fini(&b);
}

static uint64_t unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_healthz(nng_aio *aio)
{
    if (metrics_healthy(server_metrics(aio), unix_ms())) {
        respond(aio, 200, "text/plain", "ok\n", 3);
    } else {
        respond(aio, 503, "text/plain", "stale: no successful poll recently\n", 35);
    }
}

int metrics_server_start(struct metrics *m, const char *url, struct metrics_server **out)
{
    struct metrics_server *s = yb_xcalloc(1, sizeof *s);
    s->m = m;
    nng_url *u = NULL;
    int rv = nng_url_parse(&u, url);
    if (rv == 0) {
        rv = nng_http_server_hold(&s->srv, u);
        nng_url_free(u);
    }
    if (rv != 0) {
        log_error("YB-ORACLE-METRICS", "metrics URL %s: %s", url, nng_strerror(rv));
        free(s);
        return YB_EINVAL;
    }
    static const struct httpd_route routes[] = {
        {"/metrics", "GET", on_metrics, 0},
        {"/healthz", "GET", on_healthz, 0},
    };
    rv = httpd_serve(s->srv, routes, sizeof routes / sizeof routes[0], s->m);
    if (rv != 0) {
        log_error("YB-ORACLE-METRICS", "cannot serve metrics on %s: %s", url, nng_strerror(rv));
        nng_http_server_release(s->srv);
        free(s);
        return YB_EIO;
    }
    *out = s;
    return YB_OK;
}

void metrics_server_stop(struct metrics_server *s)
{
    if (!s) {
        return;
    }
    nng_http_server_stop(s->srv);
    nng_http_server_release(s->srv);
    free(s);
}
