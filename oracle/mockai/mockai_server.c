/*
 * mockai_server.c — nng HTTP plumbing for yb-mockai: handlers, delayed replies, shutdown.
 *
 * nng calls a handler with an aio that we finish when the reply is ready. A delayed reply keeps
 * that aio in a `struct pending` and starts an nng sleep aio; its callback finishes the HTTP
 * aio. The pending list exists for shutdown: nng_http_server_stop waits for in-flight handler
 * aios, so every sleep is cancelled first (which answers the request with an error).
 */
#include "mockai_server.h"

#include <arpa/inet.h>
#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat.h"
#include "err.h"
#include "httpd.h"
#include "log.h"
#include "mem.h"
#include "reqlog.h"

struct pending {
    struct mockai_server *m;
    nng_aio *http;
    nng_aio *sleep;
    nng_http_res *res;
    struct reqlog_entry entry;
    struct timespec start;
    struct pending *next;
    struct pending **pprev;
};

struct mockai_server {
    struct mockai_config cfg;
    nng_url *url;
    nng_http_server *srv;
    struct reqlog log;

    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t idle;  /* signalled when the pending list empties */
    struct pending *pending;
    bool stopping;
    uint64_t rng;
    int64_t window_sec; /* --rate-limit: the current one-second window and its count */
    uint32_t window_count;
};

/* splitmix64: small, seedable, good enough for fault injection. Called with the lock held. */
static uint64_t rng_next(struct mockai_server *m)
{
    m->rng += 0x9E3779B97F4A7C15ULL;
    uint64_t z = m->rng;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rng_unit(struct mockai_server *m)
{
    return (double)(rng_next(m) >> 11) / 9007199254740992.0;
}

static int64_t elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static nng_http_res *make_res(uint16_t status, const char *type, const void *body, size_t n,
                              uint32_t retry_after_s, uint64_t id)
{
    nng_http_res *res = NULL;
    if (nng_http_res_alloc(&res) != 0) {
        return NULL;
    }
    char v[32];
    nng_http_res_set_status(res, status);
    nng_http_res_set_header(res, "Content-Type", type);
    if (retry_after_s) {
        snprintf(v, sizeof v, "%u", (unsigned)retry_after_s);
        nng_http_res_set_header(res, "Retry-After", v);
    }
    if (id) {
        snprintf(v, sizeof v, "mock-%llu", (unsigned long long)id);
        nng_http_res_set_header(res, "X-Request-Id", v);
    }
    if (n && nng_http_res_copy_data(res, body, n) != 0) {
        nng_http_res_free(res);
        return NULL;
    }
    return res;
}

static void log_request(const struct reqlog_entry *e, int status, int64_t ms)
{
    log_info("MOCKAI-REQUEST", "id=%llu %s %s prompt=%.16s behavior=%s status=%d latency_ms=%lld",
             (unsigned long long)e->id, e->method, e->path,
             e->prompt_sha256[0] ? e->prompt_sha256 : "-", e->behavior, status, (long long)ms);
}

/* Hand res to nng (or fail the aio if it could not be built). */
static void finish(nng_aio *aio, nng_http_res *res)
{
    if (!res) {
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

static void pending_done(void *arg)
{
    struct pending *p = arg;
    struct mockai_server *m = p->m;
    int rv = nng_aio_result(p->sleep);
    int status = rv == 0 ? p->entry.status : 503;
    if (rv == 0) {
        finish(p->http, p->res);
    } else {
        /* Cancelled at shutdown: drop the reply; nng closes the connection. */
        nng_http_res_free(p->res);
        nng_aio_finish(p->http, NNG_ECANCELED);
    }
    log_request(&p->entry, status, elapsed_ms(&p->start));
    pthread_mutex_lock(&m->lock);
    *p->pprev = p->next;
    if (p->next) {
        p->next->pprev = p->pprev;
    }
    if (!m->pending) {
        pthread_cond_broadcast(&m->idle);
    }
    pthread_mutex_unlock(&m->lock);
    /* An aio cannot be freed from its own callback; nng's reaper does it afterwards. */
    nng_aio_reap(p->sleep);
    free(p);
}

/* Send res now, or after delay_ms without holding a thread. */
static void reply(struct mockai_server *m, nng_aio *aio, nng_http_res *res, uint32_t delay_ms,
                  const struct reqlog_entry *e, const struct timespec *start)
{
    if (delay_ms == 0 || !res) {
        finish(aio, res);
        log_request(e, res ? e->status : 500, elapsed_ms(start));
        return;
    }
    struct pending *p = yb_xcalloc(1, sizeof *p);
    p->m = m;
    p->http = aio;
    p->res = res;
    p->entry = *e;
    p->start = *start;
    if (nng_aio_alloc(&p->sleep, pending_done, p) != 0) {
        free(p);
        finish(aio, res);
        log_request(e, e->status, elapsed_ms(start));
        return;
    }
    pthread_mutex_lock(&m->lock);
    p->next = m->pending;
    if (m->pending) {
        m->pending->pprev = &p->next;
    }
    p->pprev = &m->pending;
    m->pending = p;
    nng_sleep_aio((nng_duration)delay_ms, p->sleep);
    pthread_mutex_unlock(&m->lock);
}

static void entry_init(struct reqlog_entry *e, struct mockai_server *m, nng_http_req *req)
{
    memset(e, 0, sizeof *e);
    e->id = reqlog_next_id(&m->log);
    snprintf(e->method, sizeof e->method, "%s", nng_http_req_get_method(req));
    snprintf(e->path, sizeof e->path, "%s", nng_http_req_get_uri(req));
    snprintf(e->behavior, sizeof e->behavior, "-");
}

static void on_chat(nng_aio *aio)
{
    nng_http_req *req = nng_aio_get_input(aio, 0);
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    struct mockai_server *m = nng_http_handler_get_data(h);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);

    struct reqlog_entry e;
    entry_init(&e, m, req);
    struct chat_settings set = {
        .model = m->cfg.model, .base = m->cfg.base, .request_id = e.id, .now = time(NULL)};

    pthread_mutex_lock(&m->lock);
    bool stopping = m->stopping;
    set.latency_draw = rng_unit(m);
    set.error_draw = m->cfg.error_rate > 0 && rng_unit(m) < m->cfg.error_rate;
    if (m->cfg.rate_limit) {
        if (start.tv_sec != m->window_sec) {
            m->window_sec = start.tv_sec;
            m->window_count = 0;
        }
        m->window_count++;
        set.rate_limited = m->window_count > m->cfg.rate_limit;
    }
    pthread_mutex_unlock(&m->lock);

    struct chat_reply r;
    void *body = NULL;
    size_t len = 0;
    nng_http_req_get_data(req, &body, &len);
    chat_handle(&set, body, len, nng_http_req_get_header(req, "X-Mock-Behavior"), &r);
    if (stopping) {
        r.status = 503;
        r.delay_ms = 0;
        r.retry_after_s = 1;
        chat_error_body(&r.body, "yb-mockai is shutting down.", "server_error", NULL);
    }
    e.status = r.status;
    e.delay_ms = r.delay_ms;
    memcpy(e.prompt_sha256, r.prompt_sha256, sizeof e.prompt_sha256);
    memcpy(e.prompt, r.prompt_head, sizeof e.prompt);
    memcpy(e.behavior, r.behavior, sizeof e.behavior);
    reqlog_add(&m->log, &e);
    nng_http_res *res = make_res((uint16_t)r.status, r.content_type, r.body.data, r.body.len,
                                 r.retry_after_s, e.id);
    chat_reply_fini(&r);
    reply(m, aio, res, e.delay_ms, &e, &start);
}

static void on_get(nng_aio *aio, const char *type, struct yb_buf *body, bool logged)
{
    nng_http_req *req = nng_aio_get_input(aio, 0);
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    struct mockai_server *m = nng_http_handler_get_data(h);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    nng_http_res *res = make_res(200, type, body->data, body->len, 0, 0);
    if (!logged) {
        finish(aio, res);
        return;
    }
    struct reqlog_entry e;
    entry_init(&e, m, req);
    e.status = 200;
    reqlog_add(&m->log, &e);
    reply(m, aio, res, 0, &e, &start);
}

static struct mockai_server *server_of(nng_aio *aio)
{
    return nng_http_handler_get_data(nng_aio_get_input(aio, 1));
}

static void on_models(nng_aio *aio)
{
    struct mockai_server *m = server_of(aio);
    struct yb_buf b;
    yb_buf_init(&b, 4096);
    yb_buf_printf(&b,
                  "{\"object\":\"list\",\"data\":[{\"id\":\"%s\",\"object\":\"model\","
                  "\"created\":0,\"owned_by\":\"yieldbox\"}]}",
                  m->cfg.model);
    on_get(aio, "application/json", &b, true);
    yb_buf_fini(&b);
}

static void on_health(nng_aio *aio)
{
    struct mockai_server *m = server_of(aio);
    struct yb_buf b;
    yb_buf_init(&b, 256);
    /* The count includes this request: it is logged as it is answered. */
    yb_buf_printf(&b, "{\"status\":\"ok\",\"requests\":%llu}",
                  (unsigned long long)reqlog_total(&m->log) + 1);
    on_get(aio, "application/json", &b, true);
    yb_buf_fini(&b);
}

static void on_log(nng_aio *aio)
{
    struct mockai_server *m = server_of(aio);
    struct yb_buf b;
    yb_buf_init(&b, MOCKAI_LOG_DUMP_MAX);
    if (reqlog_dump(&m->log, &b)) {
        log_warn("MOCKAI-LOG-CUT", "request log over %zu bytes; answer cut", b.max);
    }
    on_get(aio, "application/x-ndjson", &b, false);
    yb_buf_fini(&b);
}

int mockai_server_start(const struct mockai_config *cfg, struct mockai_server **out, uint16_t *port)
{
    struct mockai_server *m = yb_xcalloc(1, sizeof *m);
    m->cfg = *cfg;
    m->rng = cfg->seed;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->idle, NULL);
    reqlog_init(&m->log);
    int rv = nng_url_parse(&m->url, cfg->listen);
    if (rv != 0 || strcmp(m->url->u_scheme, "http") != 0) {
        log_error("MOCKAI-URL", "bad --listen URL %s (want http://HOST:PORT)", cfg->listen);
        mockai_server_stop(m);
        return YB_EINVAL;
    }
    static const struct httpd_route routes[] = {
        {"/v1/chat/completions", "POST", on_chat, MOCKAI_BODY_HARD_MAX},
        {"/v1/models", "GET", on_models, 0},
        {"/healthz", "GET", on_health, 0},
        {"/v1/_log", "GET", on_log, 0},
    };
    rv = nng_http_server_hold(&m->srv, m->url);
    if (rv == 0) {
        rv = httpd_serve(m->srv, routes, sizeof routes / sizeof routes[0], m);
    }
    if (rv != 0) {
        log_error("MOCKAI-LISTEN", "cannot serve %s: %s", cfg->listen, nng_strerror(rv));
        mockai_server_stop(m);
        return YB_ECONNECT;
    }
    if (port) {
        nng_sockaddr sa;
        *port = 0;
        if (nng_http_server_get_addr(m->srv, &sa) == 0 && sa.s_family == NNG_AF_INET) {
            *port = ntohs(sa.s_in.sa_port);
        }
    }
    *out = m;
    return YB_OK;
}

void mockai_server_stop(struct mockai_server *m)
{
    if (!m) {
        return;
    }
    pthread_mutex_lock(&m->lock);
    m->stopping = true;
    /* Cancelling under the lock is safe: the callbacks run on nng's task threads and only take
     * the lock after we wait on the condition variable. */
    for (struct pending *p = m->pending; p; p = p->next) {
        nng_aio_cancel(p->sleep);
    }
    while (m->pending) {
        pthread_cond_wait(&m->idle, &m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    if (m->srv) {
        nng_http_server_stop(m->srv);
        nng_http_server_release(m->srv);
    }
    if (m->url) {
        nng_url_free(m->url);
    }
    reqlog_fini(&m->log);
    pthread_cond_destroy(&m->idle);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
