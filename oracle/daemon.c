/*
 * daemon.c — the oracle's event loop: poll, ask, journal, submit, confirm.
 *
 * Every HTTP call is a `struct call` on the daemon's list (so shutdown can cancel them); a call
 * refers to its request by yield_id, never by pointer, because the request may have left the
 * table (expired, gone from the chain) by the time the call ends.
 */
#include "daemon.h"

#include <curl/curl.h>
#include <ev.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "ai.h"
#include "codec.h"
#include "deadline.h"
#include "err.h"
#include "journal.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "mem.h"
#include "profile.h"
#include "request.h"
#include "rpc.h"
#include "signer.h"

/* An AI call shorter than this is not worth starting. */
#define AI_MIN_BUDGET_MS 50
/* Respond sends per request before giving up (each one after a send that failed outright). */
#define TX_MAX_ATTEMPTS 32
/* send_tx waits for execution: a few blocks, so allow for slow blocks. */
#define TX_TIMEOUT_MS 60000
/* Views (block, pending list, access key). */
#define VIEW_TIMEOUT_MS 10000
/* Polls between journal prunes. */
#define JOURNAL_PRUNE_ROUNDS 100
/* Largest chain event accepted (events are hints; a big one is suspicious). */
#define EVENT_MAX_BYTES (1u << 20)
/* Paging by from_index (an assistant without from_request_id; see poll_tail): an
 * event-triggered poll starts this many items before the first one it expects to be new
 * (requests that left the list meanwhile shift the new ones forward). */
#define POLL_TAIL_SLACK 32
/* The assistant pages by walking its list from the head (gas grows with from_index: ~57 Ggas a
 * step, so a read from 5,000 exceeds a view's 300 Tgas). A tail read starting further in than
 * this is not worth the risk: the poll reads the whole list, page by page, instead. */
#define POLL_TAIL_MAX_FROM 2048
/* Pages of a poll overlap by this many items: requests leaving the list between two pages
 * shift the later ones forward, and a page that does not overlap the previous one (fewer
 * than this many left meanwhile) shows items may have been skipped. */
#define POLL_PAGE_OVERLAP 64
/* The pending view's result bytes (a page of 1024 requests with 4 KiB prompts, escaped). */
#define PENDING_MAX_BYTES (32u << 20)

enum call_kind { CALL_RPC, CALL_AI };

struct daemon;

struct call {
    struct loop_job job; /* first: loop.c hands back this pointer */
    struct call *prev, *next;
    struct daemon *d;
    enum call_kind kind;
    char yield_id[NEAR_HASH_STR_MAX]; /* "" for calls not about one request */
    uint64_t started_ms;
    /* CALL_RPC */
    struct rpc_transfer t;
    char (*ids)[NEAR_HASH_STR_MAX]; /* respond calls: the requests the transaction answers */
    size_t n_ids;
    bool batch; /* the transaction is the profile's batch call */
    uint8_t tx_hash[NEAR_HASH_LEN];
    void (*on_rpc)(struct call *c, int rc, const cJSON *result, const struct rpc_error *err);
    /* CALL_AI */
    CURL *curl;
    struct curl_slist *headers;
    struct ai_request req;
    struct yb_buf body;
    char retry_after[64];
    char curl_err[CURL_ERROR_SIZE];
};

struct daemon {
    const struct oracle_config *cfg;
    const struct profile_ops *profile;
    struct ai_config ai;
    struct metrics *m;
    struct ev_loop *ev;
    struct loop loop;
    struct signer signer;
    struct journal *journal;
    struct request_table reqs;
    struct deadline_clock clock;
    struct ai_backoff backoff;
    struct metrics_server *metrics_srv;
    struct call *calls; /* every call in flight */
    uint64_t rpc_id;
    ev_timer poll_timer;
    ev_timer kick; /* runs schedule() once soon; re-armed for the next backoff expiry */
    ev_signal sigint, sigterm;
    ev_io events_io;
    nng_socket sub;
    bool have_sub;
    /* poll state */
    bool polling, poll_again, nonce_fetching;
    bool poll_again_full; /* the poll asked for while one ran must read the whole list */
    uint64_t round;
    /* Paging by request id (profiles with a cursor, until a reply shows the contract ignores
     * it: then by_index, for good). */
    bool by_index;
    uint64_t page_from_id; /* the page asked for starts at this request id */
    uint64_t poll_height;  /* the block read at this poll's start */
    /* The start height of the last whole-list read that succeeded: every request still tracked
     * in state seen was pending then (or came later). A follower takes a request over only
     * once this is at or past its turn (my_turn); until then it asks for a sweep. */
    uint64_t swept_height;
    uint64_t swept_ms;       /* when it finished (the timer's next one: sweep_interval_ms on) */
    bool sweep_wanted;       /* a follower waits for a whole-list read (see my_turn) */
    uint64_t page_from;      /* paging by from_index */
    bool round_full;         /* this poll reads the whole list (so it may sweep) */
    bool tail_check;         /* this poll's first page must overlap what is known (see poll_tail) */
    bool page_check;         /* this page must overlap the previous one (see on_pending) */
    bool round_gap;          /* a page did not: this poll may have missed requests */
    uint64_t page_last_id;   /* the last request id of the previous page */
    uint64_t list_len;       /* the pending list's length as the last poll read it, 0 = unknown */
    uint64_t removed_since;  /* our answers accepted since then (they left the list) */
    bool have_full;          /* a whole-list poll has succeeded since start */
    uint64_t max_request_id; /* the highest request id any poll returned */
    uint8_t block_hash[NEAR_HASH_LEN];
    bool have_block;
    unsigned ai_in_flight;
    bool failpoint_after_journal; /* YB_ORACLE_FAILPOINT=after-journal (tests only) */
    /* The profile's batch call cannot be used (the key does not allow it, or the contract lacks
     * it): one respond per answer for the rest of the run. */
    bool batch_off;
    /* respond transactions waiting to be signed and sent, in order (a ring of yield ids) */
    char (*sendq)[NEAR_HASH_STR_MAX];
    size_t sq_head, sq_len, sq_cap;
    /* answers waiting for the next group commit (yield ids) */
    char (*jq)[NEAR_HASH_STR_MAX];
    size_t jq_len, jq_cap;
    ev_timer flush;
    unsigned sending; /* send_tx calls in flight (at most cfg->send_window) */
    /* The sync thread: answers are committed without an fsync on the loop thread and wait in
     * dw (ids with the sync generation that covers them) until the thread has flushed the
     * journal; only then are they submitted. A slow disk then delays those answers, not the
     * loop (polls, sends, AI calls). smu guards sync_want/done/rc/stop. */
    pthread_t syncer;
    bool syncer_running;
    pthread_mutex_t smu;
    pthread_cond_t scv;
    uint64_t sync_want, sync_done;
    int sync_rc;
    bool sync_stop;
    ev_async synced;
    struct durable_wait {
        char id[NEAR_HASH_STR_MAX];
        uint64_t gen;
    } * dw;
    size_t dw_len, dw_cap;
};

static uint64_t now_ms(struct daemon *d)
{
    return (uint64_t)(ev_now(d->ev) * 1000.0);
}

static uint64_t unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- calls ---- */

static struct call *call_new(struct daemon *d, enum call_kind kind, const char *yield_id)
{
    struct call *c = yb_xcalloc(1, sizeof *c);
    c->d = d;
    c->kind = kind;
    c->started_ms = now_ms(d);
    if (yield_id) {
        snprintf(c->yield_id, sizeof c->yield_id, "%s", yield_id);
    }
    c->next = d->calls;
    if (d->calls) {
        d->calls->prev = c;
    }
    d->calls = c;
    return c;
}

static void call_free(struct call *c)
{
    struct daemon *d = c->d;
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        d->calls = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    if (c->kind == CALL_RPC) {
        rpc_transfer_fini(&c->t);
        free(c->ids);
    } else {
        if (c->curl) {
            curl_easy_cleanup(c->curl);
        }
        curl_slist_free_all(c->headers);
        ai_request_fini(&c->req);
        yb_buf_fini(&c->body);
    }
    free(c);
}

static void schedule_soon(struct daemon *d);

static void on_rpc_done(struct loop_job *job, int curl_code)
{
    struct call *c = (struct call *)job;
    cJSON *result = NULL;
    struct rpc_error err = {0};
    int rc = rpc_transfer_finish(&c->t, curl_code, &result, &err);
    c->on_rpc(c, rc, result, &err);
    cJSON_Delete(result);
    rpc_error_fini(&err);
    call_free(c);
}

/* Starts a JSON-RPC call; params borrowed. On failure nothing is left running. *out (may be
 * NULL) gets the call. */
static int rpc_start(struct daemon *d, const char *method, const cJSON *params, long timeout_ms,
                     void (*cb)(struct call *c, int rc, const cJSON *result,
                                const struct rpc_error *err),
                     struct call **out)
{
    struct call *c = call_new(d, CALL_RPC, NULL);
    struct rpc_opts o = {.timeout_ms = timeout_ms, .max_response = PENDING_MAX_BYTES * 5};
    int rc = rpc_transfer_init(&c->t, d->cfg->rpc_url, &o, method, params, ++d->rpc_id);
    if (rc == YB_OK) {
        c->on_rpc = cb;
        c->job.done = on_rpc_done;
        rc = loop_add(&d->loop, c->t.curl, &c->job);
    }
    if (rc != YB_OK) {
        log_error("YB-ORACLE-RPC", "cannot start %s: %s", method, yb_err_name(rc));
        call_free(c);
        c = NULL;
    }
    if (out) {
        *out = c;
    }
    return rc;
}

/* Gives call c the respond transaction's requests (ids[0..n) copied) and its hash. */
static void call_set_respond(struct call *c, const char (*ids)[NEAR_HASH_STR_MAX], size_t n,
                             bool batch, const uint8_t hash[NEAR_HASH_LEN])
{
    c->ids = yb_xcalloc(n ? n : 1, NEAR_HASH_STR_MAX);
    memcpy(c->ids, ids, n * NEAR_HASH_STR_MAX);
    c->n_ids = n;
    c->batch = batch;
    memcpy(c->tx_hash, hash, NEAR_HASH_LEN);
}

static void log_rpc_failure(const char *id, const char *what, int rc, const struct rpc_error *err)
{
    char why[512];
    log_warn(id, "%s failed: %s", what, rpc_error_describe(rc, err, why, sizeof why));
}

/* ---- request endings ---- */

static void finish(struct daemon *d, struct request *r, enum request_state to,
                   enum metrics_outcome outcome, const char *journal_outcome)
{
    if (request_transition(r, to) != YB_OK) {
        return;
    }
    atomic_fetch_add(&d->m->outcomes[outcome], 1);
    int rc = journal_set_done(d->journal, r->yield_id, r->expires_height, journal_outcome);
    if (rc != YB_OK) {
        log_error("YB-ORACLE-JOURNAL", "cannot mark %s %s: %s", r->yield_id, journal_outcome,
                  yb_err_name(rc));
    }
}

/* ---- leader election across instances ---- */

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    }
    return h;
}

/* True when this instance may work on r now: it leads, or the instances before it in r's
 * order have had rank × takeover_blocks blocks to answer and a whole-list read from then on
 * still listed r. Polls other than those read only requests newer than the last one seen, so
 * without that read a follower would not know the leader's answer already took r off the list
 * (and would ask the AI again); until it comes, sweep_wanted asks the timer for one. */
static bool my_turn(struct daemon *d, const struct request *r, uint64_t height)
{
    uint32_t n = d->cfg->instance_count;
    if (n <= 1) {
        return true;
    }
    uint32_t leader = (uint32_t)(fnv(r->yield_id) % n);
    uint32_t rank = (d->cfg->instance_index + n - leader) % n;
    if (rank == 0) {
        return true;
    }
    uint64_t since = r->created_height ? r->created_height : r->first_seen_height;
    uint64_t turn = since + (uint64_t)rank * d->cfg->takeover_blocks;
    if (height < turn) {
        return false;
    }
    if (d->swept_height < turn) {
        d->sweep_wanted = true;
        return false;
    }
    return true;
}

/* ---- AI calls ---- */

static size_t on_ai_body(char *p, size_t size, size_t n, void *userp)
{
    struct call *c = userp;
    /* Past the cap the transfer is aborted (returning less than given), and classified as a
     * transport error: the answer would be refused anyway. */
    if (yb_buf_append(&c->body, p, size * n) != YB_OK) {
        return 0;
    }
    return size * n;
}

static size_t on_ai_header(char *p, size_t size, size_t n, void *userp)
{
    struct call *c = userp;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
        size_t start = sizeof name - 1;
        while (start < len && (p[start] == ' ' || p[start] == '\t')) {
            start++;
        }
        size_t end = len;
        while (end > start && (p[end - 1] == '\r' || p[end - 1] == '\n' || p[end - 1] == ' ')) {
            end--;
        }
        size_t vlen =
            end - start < sizeof c->retry_after - 1 ? end - start : sizeof c->retry_after - 1;
        memcpy(c->retry_after, p + start, vlen);
        c->retry_after[vlen] = 0;
    }
    return len;
}

static void submit(struct daemon *d, struct request *r);

/* Answers wait here (state still asking) until the next loop turn journals all of them in one
 * transaction and one fsync: answers that arrive together share one disk flush. */
static void on_flush(struct ev_loop *ev, ev_timer *w, int revents);

static void take_answer(struct daemon *d, struct request *r, const char *text, size_t len)
{
    request_set_answer(r, text, len);
    if (d->jq_len == d->jq_cap) {
        d->jq_cap = d->jq_cap ? d->jq_cap * 2 : 64;
        d->jq = yb_xrealloc(d->jq, d->jq_cap * sizeof *d->jq);
    }
    memcpy(d->jq[d->jq_len++], r->yield_id, NEAR_HASH_STR_MAX);
    if (!ev_is_active(&d->flush)) {
        ev_timer_set(&d->flush, 0.0, 0.0);
        ev_timer_start(d->ev, &d->flush);
    }
}

/* A journaled answer already exists for r: it is the one to submit (never a second answer). */
static void take_journaled(struct daemon *d, struct request *r)
{
    struct journal_entry e;
    if (journal_get(d->journal, r->yield_id, &e) == YB_OK && e.state != JOURNAL_DONE) {
        request_set_answer(r, e.answer, e.answer_len);
        journal_entry_fini(&e);
        request_transition(r, REQ_ANSWERED);
        return;
    }
    journal_entry_fini(&e);
    finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
}

/* ---- the sync thread ---- */

static void *sync_main(void *arg)
{
    struct daemon *d = arg;
    pthread_mutex_lock(&d->smu);
    for (;;) {
        while (!d->sync_stop && d->sync_want == d->sync_done) {
            pthread_cond_wait(&d->scv, &d->smu);
        }
        if (d->sync_want == d->sync_done) {
            break; /* stopping, nothing left to flush */
        }
        uint64_t want = d->sync_want;
        pthread_mutex_unlock(&d->smu);
        int rc = journal_flush(d->journal);
        pthread_mutex_lock(&d->smu);
        d->sync_done = want;
        d->sync_rc = rc;
        ev_async_send(d->ev, &d->synced);
    }
    pthread_mutex_unlock(&d->smu);
    return NULL;
}

static void durable_wait_push(struct daemon *d, const char *yield_id)
{
    if (d->dw_len == d->dw_cap) {
        d->dw_cap = d->dw_cap ? d->dw_cap * 2 : 64;
        d->dw = yb_xrealloc(d->dw, d->dw_cap * sizeof *d->dw);
    }
    struct durable_wait *w = &d->dw[d->dw_len++];
    snprintf(w->id, sizeof w->id, "%s", yield_id);
    w->gen = d->sync_want + 1; /* the flush sync_request asks for next covers it */
}

/* Asks the sync thread for a flush covering everything committed so far. */
static void sync_request(struct daemon *d)
{
    pthread_mutex_lock(&d->smu);
    d->sync_want++;
    pthread_cond_signal(&d->scv);
    pthread_mutex_unlock(&d->smu);
}

/* Answers whose flush completed become answered (submittable); a failed flush fails them, as
 * a failed journal commit does. */
static void on_synced(struct ev_loop *ev, ev_async *w, int revents)
{
    (void)ev;
    (void)revents;
    struct daemon *d = w->data;
    pthread_mutex_lock(&d->smu);
    uint64_t done = d->sync_done;
    int rc = d->sync_rc;
    pthread_mutex_unlock(&d->smu);
    size_t kept = 0, durable = 0;
    for (size_t k = 0; k < d->dw_len; k++) {
        if (d->dw[k].gen > done) {
            d->dw[kept++] = d->dw[k];
            continue;
        }
        struct request *r = request_table_find(&d->reqs, d->dw[k].id);
        if (!r || r->state != REQ_ASKING) {
            continue;
        }
        if (rc == YB_OK) {
            request_transition(r, REQ_ANSWERED);
            durable++;
        } else {
            log_error("YB-ORACLE-JOURNAL", "cannot flush the answer for %s: %s; not submitting",
                      r->yield_id, yb_err_name(rc));
            finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        }
    }
    d->dw_len = kept;
    if (durable && d->failpoint_after_journal) {
        /* Fault injection for the crash test: die exactly between journal and submission. */
        log_warn("YB-ORACLE-FAILPOINT", "%zu answers journaled; killing the process (failpoint)",
                 durable);
        raise(SIGKILL);
    }
    schedule_soon(d);
}

static void syncer_stop(struct daemon *d)
{
    if (!d->syncer_running) {
        return;
    }
    pthread_mutex_lock(&d->smu);
    d->sync_stop = true;
    pthread_cond_signal(&d->scv);
    pthread_mutex_unlock(&d->smu);
    pthread_join(d->syncer, NULL);
    d->syncer_running = false;
}

static void flush_answers(struct daemon *d)
{
    struct journal_answer *a = yb_xcalloc(d->jq_len ? d->jq_len : 1, sizeof *a);
    struct request **rs = yb_xcalloc(d->jq_len ? d->jq_len : 1, sizeof *rs);
    size_t n = 0;
    for (size_t k = 0; k < d->jq_len; k++) {
        struct request *r = request_table_find(&d->reqs, d->jq[k]);
        if (!r || r->state != REQ_ASKING || !r->answer) {
            continue;
        }
        rs[n] = r;
        a[n] = (struct journal_answer){.yield_id = r->yield_id,
                                       .request_id = r->request_id,
                                       .expires_height = r->expires_height,
                                       .answer = r->answer,
                                       .len = r->answer_len};
        n++;
    }
    d->jq_len = 0;
    bool lazy = d->syncer_running;
    if (n) {
        if (lazy) {
            journal_put_answers_nosync(d->journal, a, n);
        } else {
            journal_put_answers(d->journal, a, n);
        }
    }
    size_t waiting = 0;
    for (size_t k = 0; k < n; k++) {
        struct request *r = rs[k];
        if (a[k].rc == YB_OK && lazy) {
            durable_wait_push(d, r->yield_id);
            waiting++;
        } else if (a[k].rc == YB_OK) {
            request_transition(r, REQ_ANSWERED);
        } else if (a[k].rc == YB_EEXIST) {
            take_journaled(d, r);
        } else {
            log_error("YB-ORACLE-JOURNAL", "cannot journal the answer for %s: %s; not submitting",
                      r->yield_id, yb_err_name(a[k].rc));
            finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        }
    }
    free(a);
    free(rs);
    if (waiting) {
        sync_request(d);
        return; /* on_synced goes on once they are on disk */
    }
    if (n && d->failpoint_after_journal) {
        /* Fault injection for the crash test: die exactly between journal and submission. */
        log_warn("YB-ORACLE-FAILPOINT", "%zu answers journaled; killing the process (failpoint)",
                 n);
        raise(SIGKILL);
    }
    schedule_soon(d);
}

static void on_flush(struct ev_loop *ev, ev_timer *w, int revents)
{
    (void)ev;
    (void)revents;
    flush_answers(w->data);
}

static void on_ai_done(struct loop_job *job, int curl_code)
{
    struct call *c = (struct call *)job;
    struct daemon *d = c->d;
    d->ai_in_flight--;
    atomic_fetch_sub(&d->m->ai_in_flight, 1);
    double seconds = (double)(now_ms(d) - c->started_ms) / 1000.0;
    struct ai_result res;
    if (curl_code != CURLE_OK) {
        ai_transport_error(curl_code, c->curl_err[0] ? c->curl_err : curl_easy_strerror(curl_code),
                           &res);
        atomic_fetch_add(&d->m->ai_transport_errors, 1);
    } else {
        long status = 0;
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
        ai_parse_response(&d->ai, status, c->retry_after[0] ? c->retry_after : NULL,
                          (int64_t)time(NULL), (const char *)c->body.data, c->body.len, &res);
        metrics_observe_ai(d->m, seconds);
    }
    if ((unsigned)res.cls < METRICS_AI_CLASSES) {
        atomic_fetch_add(&d->m->ai_calls[res.cls], 1);
    }
    struct request *r = request_table_find(&d->reqs, c->yield_id);
    if (!r || r->state != REQ_ASKING) {
        ai_result_fini(&res);
        call_free(c);
        return;
    }
    switch (res.cls) {
    case AI_OK:
    case AI_TRUNCATED: {
        size_t n = ai_utf8_truncate(res.text, res.text_len, d->cfg->answer_max_bytes);
        log_debug("YB-ORACLE-AI-OK", "%s answered by the AI in %.3f s (%zu bytes%s)", r->yield_id,
                  seconds, n, n < res.text_len ? ", cut" : "");
        take_answer(d, r, res.text, n);
        break;
    }
    case AI_PERMANENT_REQUEST: {
        /* The AI refuses this prompt for good: say so on chain instead of letting it time out. */
        char text[AI_MESSAGE_MAX + 32];
        int n = snprintf(text, sizeof text, "error: %s", res.message);
        log_warn("YB-ORACLE-AI-REFUSED", "%s: AI refused (HTTP %ld): %s; answering with the error",
                 r->yield_id, res.http_status, res.message);
        take_answer(d, r, text,
                    ai_utf8_truncate(text, n > 0 ? (size_t)n : 0, d->cfg->answer_max_bytes));
        break;
    }
    case AI_PERMANENT_BACKEND:
        log_error("YB-ORACLE-AI-BACKEND", "%s: the AI backend refuses us (HTTP %ld): %s",
                  r->yield_id, res.http_status, res.message);
        finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        break;
    case AI_RETRY_LATER:
    case AI_BAD_RESPONSE:
    default:
        if (r->ai_attempts >= d->cfg->ai_max_attempts) {
            log_warn("YB-ORACLE-AI-GIVEUP", "%s: %u AI attempts failed (last: %s, %s); giving up",
                     r->yield_id, r->ai_attempts, ai_class_name(res.cls), res.message);
            finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        } else {
            uint32_t delay = ai_backoff_delay(&d->backoff, r->ai_attempts - 1, res.retry_after_ms);
            log_info("YB-ORACLE-AI-RETRY", "%s: %s (HTTP %ld: %s); retry %u in %u ms", r->yield_id,
                     ai_class_name(res.cls), res.http_status, res.message, r->ai_attempts, delay);
            atomic_fetch_add(&d->m->retries, 1);
            r->not_before_ms = now_ms(d) + delay;
            request_transition(r, REQ_SEEN);
        }
        break;
    }
    ai_result_fini(&res);
    call_free(c);
    schedule_soon(d);
}

static void ask(struct daemon *d, struct request *r, uint64_t budget_ms)
{
    struct call *c = call_new(d, CALL_AI, r->yield_id);
    int rc = ai_build_request(&d->ai, r->prompt, &c->req);
    if (rc == YB_ETOOBIG || rc == YB_EINVAL) {
        call_free(c);
        log_warn("YB-ORACLE-PROMPT", "%s: prompt refused (%s); answering with the error",
                 r->yield_id, yb_err_name(rc));
        request_transition(r, REQ_ASKING);
        static const char msg[] = "error: prompt too large for the AI backend";
        take_answer(d, r, msg, sizeof msg - 1);
        return;
    }
    if (rc != YB_OK) {
        call_free(c);
        log_error("YB-ORACLE-AI-CONFIG", "cannot build the AI request: %s", yb_err_name(rc));
        finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        return;
    }
    c->curl = curl_easy_init();
    yb_buf_init(&c->body, AI_RESPONSE_MAX);
    for (size_t i = 0; i < c->req.n_headers; i++) {
        c->headers = curl_slist_append(c->headers, c->req.headers[i]);
    }
    long connect = (long)d->cfg->ai_connect_timeout_ms;
    if ((uint64_t)connect > budget_ms) {
        connect = (long)budget_ms;
    }
    CURL *e = c->curl;
    CURLcode cc = curl_easy_setopt(e, CURLOPT_URL, c->req.url);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->req.body);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->req.body_len);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)budget_ms);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_ai_body);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_ai_header);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->curl_err);
    cc = cc ? cc : curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    c->job.done = on_ai_done;
    if (cc != CURLE_OK || !e || loop_add(&d->loop, e, &c->job) != YB_OK) {
        call_free(c);
        log_error("YB-ORACLE-AI-CONFIG", "cannot start an AI call");
        finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        return;
    }
    request_transition(r, REQ_ASKING);
    d->ai_in_flight++;
    atomic_fetch_add(&d->m->ai_in_flight, 1);
}

/* ---- respond transactions ---- */

/* What a respond transaction's final status says for each of its n entries (v[0..n)): 1 the
 * answer was accepted (true), 0 refused (false), -2 the transaction failed, -1 no final value
 * yet (or one this profile cannot read). */
static void respond_values(const struct daemon *d, const struct call *c, const cJSON *result,
                           int *v)
{
    for (size_t i = 0; i < c->n_ids; i++) {
        v[i] = -1;
    }
    const cJSON *status = NULL;
    if (json_get_object(result, "status", &status) != YB_OK) {
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(status, "Failure")) {
        for (size_t i = 0; i < c->n_ids; i++) {
            v[i] = -2;
        }
        return;
    }
    uint8_t *text = NULL;
    size_t n = 0;
    if (json_get_base64(status, "SuccessValue", 64u * PROFILE_BATCH_MAX, &text, &n) != YB_OK) {
        return;
    }
    if (!c->batch) {
        v[0] = n == 4 && memcmp(text, "true", 4) == 0 ? 1 : 0;
    } else {
        bool accepted[PROFILE_BATCH_MAX];
        if (c->n_ids <= PROFILE_BATCH_MAX &&
            d->profile->respond_many_result((const char *)text, n, c->n_ids, accepted) == YB_OK) {
            for (size_t i = 0; i < c->n_ids; i++) {
                v[i] = accepted[i] ? 1 : 0;
            }
        } else {
            log_warn("YB-ORACLE-TX-RESULT", "%s returned %.*s: not %zu booleans",
                     d->profile->respond_many_method, (int)(n < 200 ? n : 200), (const char *)text,
                     c->n_ids);
        }
    }
    free(text);
}

/* True when a final status is Failure.InvalidTxError.InvalidNonce; *ak gets ak_nonce. */
static bool invalid_tx_nonce(const cJSON *result, uint64_t *ak)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(result, "status");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(st, "Failure");
    const cJSON *itx = cJSON_GetObjectItemCaseSensitive(f, "InvalidTxError");
    const cJSON *nonce = cJSON_GetObjectItemCaseSensitive(itx, "InvalidNonce");
    return nonce && json_get_u64(nonce, "ak_nonce", ak) == YB_OK;
}

/* Back to answered for another send, unless this request has been sent too often. */
static void retry_send(struct daemon *d, struct request *r)
{
    if (r->tx_attempts >= TX_MAX_ATTEMPTS) {
        log_error("YB-ORACLE-TX-GIVEUP", "%s: %u respond transactions failed; giving up",
                  r->yield_id, r->tx_attempts);
        finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        return;
    }
    request_transition(r, REQ_ANSWERED);
}

/* Commits the journal updates of one respond transaction's requests together (see
 * journal_group_begin); a failure loses only bookkeeping, which a restart redoes. */
static void end_group(struct daemon *d, bool grouped)
{
    int rc = grouped ? journal_group_end(d->journal) : YB_OK;
    if (rc != YB_OK) {
        log_warn("YB-ORACLE-JOURNAL", "cannot record a respond's tx hash or outcomes: %s",
                 yb_err_name(rc));
    }
}

/* One request's share of a respond transaction's outcome: v as respond_values gives it, for
 * a call that reached the chain (rc YB_OK); rc and err for one that did not. *nonce_counted
 * makes one transaction count one nonce recovery, however many answers it carried. */
static void respond_outcome(struct daemon *d, struct request *r, int rc, int v, const cJSON *result,
                            const struct rpc_error *err, bool *nonce_counted)
{
    uint64_t ak = 0;
    if (rc == YB_OK) {
        uint64_t ms = now_ms(d) - r->started_ms;
        if (v == 1) {
            log_info("YB-ORACLE-ANSWERED", "%s (request %llu) answered, %llu ms after first seen",
                     r->yield_id, (unsigned long long)r->request_id, (unsigned long long)ms);
            finish(d, r, REQ_CONFIRMED, METRICS_ANSWERED, "confirmed");
            d->removed_since++;
        } else if (v == 0) {
            log_info("YB-ORACLE-LOST",
                     "%s: respond returned false (answered by another, or "
                     "timed out)",
                     r->yield_id);
            finish(d, r, REQ_CONFIRMED, METRICS_LOST, "lost");
        } else if (v == -2 && invalid_tx_nonce(result, &ak)) {
            /* The chain refused the transaction itself (not the contract): concurrent sends of
             * one key can reach its mempool out of nonce order, so a higher nonce lands first
             * and the lower ones fail. Move past the key's nonce and send again. */
            log_info("YB-ORACLE-NONCE",
                     "%s: InvalidNonce on chain, the key is at %llu; signing "
                     "again",
                     r->yield_id, (unsigned long long)ak);
            if (!*nonce_counted) {
                atomic_fetch_add(&d->m->nonce_recoveries, 1);
                *nonce_counted = true;
            }
            signer_recover(&d->signer, ak);
            retry_send(d, r);
        } else if (v == -2) {
            char *text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(result, "status"));
            log_error("YB-ORACLE-TX-FAILED", "%s: respond failed on chain: %.300s", r->yield_id,
                      text ? text : "?");
            cJSON_free(text);
            finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        } else {
            /* Not final yet (the node stopped waiting): the next poll shows whether it worked;
             * a repeated respond is harmless (false). */
            r->not_before_ms = now_ms(d) + d->cfg->poll_interval_ms * 2u;
            request_transition(r, REQ_ANSWERED);
        }
    } else if (rpc_error_is_invalid_nonce(err, &ak)) {
        log_info("YB-ORACLE-NONCE", "%s: InvalidNonce, the key is at %llu; signing again",
                 r->yield_id, (unsigned long long)ak);
        if (!*nonce_counted) {
            atomic_fetch_add(&d->m->nonce_recoveries, 1);
            *nonce_counted = true;
        }
        signer_recover(&d->signer, ak);
        retry_send(d, r);
    } else {
        log_rpc_failure("YB-ORACLE-TX-ERROR", "send_tx respond", rc, err);
        if (r->tx_attempts >= TX_MAX_ATTEMPTS) {
            finish(d, r, REQ_FAILED, METRICS_FAILED, "failed");
        } else {
            uint32_t delay = ai_backoff_delay(&d->backoff, r->tx_attempts - 1, 0);
            r->not_before_ms = now_ms(d) + delay;
            request_transition(r, REQ_ANSWERED);
        }
    }
}

/* Answers per batch as configured (respond_batch_max, at most PROFILE_BATCH_MAX). */
static size_t batch_cap(const struct daemon *d)
{
    return d->cfg->respond_batch_max < PROFILE_BATCH_MAX ? d->cfg->respond_batch_max
                                                         : PROFILE_BATCH_MAX;
}

/* Turns the batch call off for the rest of the run, saying once why and, when the key is what
 * lacks it (else the contract), how to get batches back. */
static void batching_off(struct daemon *d, const char *why, bool key)
{
    if (d->batch_off) {
        return;
    }
    d->batch_off = true;
    const char *many = d->profile->respond_many_method;
    char how[300];
    if (key) {
        snprintf(how, sizeof how,
                 "add a function-call key for %s allowing %s and %s and give the oracle that key",
                 d->cfg->contract_id, d->profile->respond_method, many);
    } else {
        snprintf(how, sizeof how, "deploy a build of %s's contract that has %s",
                 d->cfg->contract_id, many);
    }
    log_info("YB-ORACLE-BATCH-OFF",
             "%s; sending one %s transaction per answer from now on. To send up to %zu answers "
             "per transaction, %s",
             why, d->profile->respond_method, batch_cap(d), how);
}

/* The error of a failed batch transaction (rc YB_OK: its final status; else send_tx's refusal)
 * when it says the batch method cannot be called (see profile_method_unavailable), else NULL;
 * borrowed from result or err. */
static const cJSON *batch_unavailable(int rc, const cJSON *result, const struct rpc_error *err)
{
    const cJSON *e = NULL;
    if (rc == YB_OK) {
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(result, "status");
        e = cJSON_GetObjectItemCaseSensitive(status, "Failure");
    } else {
        e = rpc_error_invalid_tx(err);
    }
    return profile_method_unavailable(e) ? e : NULL;
}

/* The outcome of a respond transaction (rc YB_OK: the `tx` result) or the failure to get one,
 * applied to each request it answers. */
static void on_submitted(struct call *c, int rc, const cJSON *result, const struct rpc_error *err)
{
    struct daemon *d = c->d;
    int v[PROFILE_BATCH_MAX];
    const cJSON *unavailable = c->batch ? batch_unavailable(rc, result, err) : NULL;
    if (unavailable) {
        /* A key without the batch method (refused at admission: MethodNameMismatch) or a
         * contract deployed before it (MethodNotFound). The answers are journaled and the
         * transaction changed nothing, so they go out again one by one: nothing lost and no AI
         * call repeated. Later batches already in flight come back the same way. */
        char *text = cJSON_PrintUnformatted(unavailable);
        char why[400];
        snprintf(why, sizeof why, "%s refused: %.300s", d->profile->respond_many_method,
                 text ? text : "?");
        cJSON_free(text);
        batching_off(d, why, cJSON_GetObjectItemCaseSensitive(unavailable, "ActionError") == NULL);
    } else if (rc == YB_OK) {
        respond_values(d, c, result, v);
    } else if (!rpc_error_is_invalid_nonce(err, NULL)) {
        atomic_fetch_add(&d->m->tx_errors, 1);
    }
    bool nonce_counted = false;
    bool grouped = journal_group_begin(d->journal) == YB_OK;
    for (size_t i = 0; i < c->n_ids; i++) {
        atomic_fetch_sub(&d->m->tx_in_flight, 1);
        struct request *r = request_table_find(&d->reqs, c->ids[i]);
        if (!r || r->state != REQ_SUBMITTED) {
            continue;
        }
        if (unavailable) {
            /* Not the answer's fault: the refused batch does not count as an attempt. */
            r->tx_attempts = r->tx_attempts > 0 ? r->tx_attempts - 1 : 0;
            r->not_before_ms = 0;
            request_transition(r, REQ_ANSWERED);
        } else {
            respond_outcome(d, r, rc, rc == YB_OK ? v[i] : -1, result, err, &nonce_counted);
        }
    }
    end_group(d, grouped);
    schedule_soon(d);
}

/* The send queue: respond transactions go out one send_tx at a time, signed when they are sent,
 * so the chain receives one key's nonces in order (concurrent sends over several connections
 * can arrive out of order, and a chain that applies them as they come fails the lower nonces).
 * A send with wait_until NONE takes a round trip of about a millisecond; the outcome is then
 * awaited with a `tx` call, many of which run at once. */
static void sendq_push(struct daemon *d, const char *yield_id)
{
    if (d->sq_len == d->sq_cap) {
        size_t cap = d->sq_cap ? d->sq_cap * 2 : 256;
        char(*q)[NEAR_HASH_STR_MAX] = yb_xcalloc(cap, NEAR_HASH_STR_MAX);
        for (size_t k = 0; k < d->sq_len; k++) {
            memcpy(q[k], d->sendq[(d->sq_head + k) % d->sq_cap], NEAR_HASH_STR_MAX);
        }
        free(d->sendq);
        d->sendq = q;
        d->sq_cap = cap;
        d->sq_head = 0;
    }
    snprintf(d->sendq[(d->sq_head + d->sq_len) % d->sq_cap], NEAR_HASH_STR_MAX, "%s", yield_id);
    d->sq_len++;
}

static void send_next(struct daemon *d);

static void on_sent(struct call *c, int rc, const cJSON *result, const struct rpc_error *err)
{
    struct daemon *d = c->d;
    d->sending--;
    if (rc != YB_OK) {
        /* Refused at the door (InvalidNonce, a transport failure): same handling as a failed
         * outcome. */
        on_submitted(c, rc, result, err);
    } else {
        char hash[NEAR_HASH_STR_MAX];
        near_hash_format(c->tx_hash, hash);
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "tx_hash", hash);
        cJSON_AddStringToObject(p, "sender_account_id", d->cfg->account_id);
        cJSON_AddStringToObject(p, "wait_until", "EXECUTED_OPTIMISTIC");
        struct call *w = NULL;
        if (rpc_start(d, "tx", p, TX_TIMEOUT_MS, on_submitted, &w) == YB_OK) {
            call_set_respond(w, (const char(*)[NEAR_HASH_STR_MAX])c->ids, c->n_ids, c->batch,
                             c->tx_hash);
        } else {
            struct rpc_error none = {0};
            on_submitted(c, YB_EINTERNAL, NULL, &none);
        }
        cJSON_Delete(p);
    }
    send_next(d);
}

/* Answers per transaction now: the profile's batch call takes several when they are ready. It
 * never waits for more: whatever is queued when a send slot frees up goes out, so a lone answer
 * is sent at once with respond (keeping NEP-519's 3-block minimum), and under load the queue
 * that builds up while a send is in flight becomes the next batch. */
static size_t batch_limit(const struct daemon *d)
{
    if (!d->profile->respond_many_method || d->batch_off) {
        return 1;
    }
    return batch_cap(d);
}

/* The respond (n == 1) or batch call for rs[0..n), signed; *b64 returned. */
static int sign_respond(struct daemon *d, struct request **rs, size_t n, char **b64,
                        uint8_t hash[NEAR_HASH_LEN], uint64_t *nonce)
{
    char *args = NULL;
    int rc;
    const char *method = d->profile->respond_method;
    uint64_t gas = d->cfg->respond_gas;
    if (n == 1) {
        rc = d->profile->respond_args(rs[0]->yield_id, rs[0]->answer, rs[0]->answer_len, &args);
    } else {
        struct profile_answer a[PROFILE_BATCH_MAX];
        for (size_t i = 0; i < n; i++) {
            a[i] = (struct profile_answer){
                .yield_id = rs[i]->yield_id, .answer = rs[i]->answer, .len = rs[i]->answer_len};
        }
        rc = d->profile->respond_many_args(a, n, &args);
        method = d->profile->respond_many_method;
        gas = d->cfg->respond_many_gas;
    }
    if (rc == YB_OK) {
        rc = signer_function_call(&d->signer, d->cfg->contract_id, method, args, strlen(args), gas,
                                  d->block_hash, b64, hash, nonce);
    }
    free(args);
    return rc;
}

/* Signs and sends one transaction answering rs[0..n) (all REQ_SUBMITTED). */
static void send_one(struct daemon *d, struct request **rs, size_t n)
{
    char *b64 = NULL;
    uint8_t hash[NEAR_HASH_LEN];
    uint64_t nonce = 0;
    int rc = sign_respond(d, rs, n, &b64, hash, &nonce);
    if (rc != YB_OK) {
        free(b64);
        for (size_t i = 0; i < n; i++) {
            log_error("YB-ORACLE-SIGN", "%s: cannot build the respond: %s", rs[i]->yield_id,
                      yb_err_name(rc));
            atomic_fetch_sub(&d->m->tx_in_flight, 1);
            finish(d, rs[i], REQ_FAILED, METRICS_FAILED, "failed");
        }
        return;
    }
    char(*ids)[NEAR_HASH_STR_MAX] = yb_xcalloc(n, NEAR_HASH_STR_MAX);
    bool grouped = journal_group_begin(d->journal) == YB_OK;
    for (size_t i = 0; i < n; i++) {
        struct request *r = rs[i];
        rc = journal_set_submitted(d->journal, r->yield_id, hash, nonce);
        if (rc != YB_OK) {
            log_warn("YB-ORACLE-JOURNAL", "%s: cannot record the tx hash: %s", r->yield_id,
                     yb_err_name(rc));
        }
        memcpy(r->tx_hash, hash, NEAR_HASH_LEN);
        r->has_tx_hash = true;
        memcpy(ids[i], r->yield_id, NEAR_HASH_STR_MAX);
    }
    end_group(d, grouped);
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "signed_tx_base64", b64);
    cJSON_AddStringToObject(params, "wait_until", "NONE");
    free(b64);
    struct call *c = NULL;
    rc = rpc_start(d, "send_tx", params, TX_TIMEOUT_MS, on_sent, &c);
    cJSON_Delete(params);
    if (rc != YB_OK) {
        for (size_t i = 0; i < n; i++) {
            atomic_fetch_sub(&d->m->tx_in_flight, 1);
            rs[i]->not_before_ms = now_ms(d) + 1000;
            request_transition(rs[i], REQ_ANSWERED);
        }
        free(ids);
        return;
    }
    call_set_respond(c, (const char(*)[NEAR_HASH_STR_MAX])ids, n, n > 1, hash);
    free(ids);
    d->sending++;
    atomic_fetch_add(&d->m->tx_sent, 1);
    if (n > 1) {
        log_debug("YB-ORACLE-BATCH", "%s with %zu answers", d->profile->respond_many_method, n);
    }
}

/*
 * Signs and sends queued responds, as many answers per transaction as batch_limit allows. One
 * send at a time keeps the key's nonces in order on the wire, and answers that queue up during
 * it share the next batch. Only while a full batch is still waiting (batches alone do not keep
 * up: each send waits for the chain's admission, tens of ms under load) do more sends go out
 * at once, up to send_window; those may land out of nonce order across a block boundary and
 * are then re-signed (InvalidNonce).
 */
static void send_next(struct daemon *d)
{
    size_t max = batch_limit(d);
    while (d->sq_len > 0 &&
           (d->sending == 0 || (d->sending < d->cfg->send_window && d->sq_len >= max))) {
        struct request *rs[PROFILE_BATCH_MAX];
        size_t n = 0;
        while (n < max && d->sq_len > 0) {
            char id[NEAR_HASH_STR_MAX];
            memcpy(id, d->sendq[d->sq_head], NEAR_HASH_STR_MAX);
            d->sq_head = (d->sq_head + 1) % d->sq_cap;
            d->sq_len--;
            struct request *r = request_table_find(&d->reqs, id);
            if (!r || r->state != REQ_SUBMITTED) {
                atomic_fetch_sub(&d->m->tx_in_flight, 1);
                continue;
            }
            rs[n++] = r;
        }
        if (n > 0) {
            send_one(d, rs, n);
        }
    }
}

/* Queues r's respond; schedule() sends after its pass over all requests, so the answers ready
 * in one pass can share a batch. */
static void submit(struct daemon *d, struct request *r)
{
    if (request_transition(r, REQ_SUBMITTED) != YB_OK) {
        return;
    }
    atomic_fetch_add(&d->m->tx_in_flight, 1);
    sendq_push(d, r->yield_id);
}

/* ---- scheduling ---- */

struct sched {
    struct daemon *d;
    uint64_t now, height;
    uint64_t next_wake; /* earliest not_before in the future, UINT64_MAX = none */
};

static void schedule_one(struct request *r, void *ctx)
{
    struct sched *s = ctx;
    struct daemon *d = s->d;
    if (r->state != REQ_SEEN && r->state != REQ_ANSWERED) {
        return;
    }
    if (!my_turn(d, r, s->height)) {
        return;
    }
    if (r->not_before_ms > s->now) {
        if (r->not_before_ms < s->next_wake) {
            s->next_wake = r->not_before_ms;
        }
        return;
    }
    if (r->state == REQ_ANSWERED) {
        if (d->have_block && d->signer.nonce_known) {
            submit(d, r);
        }
        return;
    }
    /* Budgets need the block time: until two heights were seen (one poll interval after
     * start) it is unknown, and assuming NEAR's 1 s would overrun a fast chain's deadlines. */
    if (d->ai_in_flight >= d->cfg->concurrency || !d->clock.have_estimate) {
        return;
    }
    uint64_t budget =
        deadline_ai_budget_ms(&d->clock, r->expires_height, d->cfg->safety_margin_blocks, s->now,
                              AI_MIN_BUDGET_MS, d->cfg->ai_timeout_ms);
    if (budget == 0) {
        log_warn("YB-ORACLE-EXPIRED", "%s: too late to answer (expires at %llu, chain at ~%llu)",
                 r->yield_id, (unsigned long long)r->expires_height, (unsigned long long)s->height);
        finish(d, r, REQ_EXPIRED, METRICS_EXPIRED, "expired");
        return;
    }
    ask(d, r, budget);
}

static void schedule(struct daemon *d)
{
    struct sched s = {.d = d, .now = now_ms(d), .next_wake = UINT64_MAX};
    s.height = deadline_clock_height(&d->clock, s.now);
    /* Only requests in state seen or answered can be started or sent: the waiting list, not
     * every request remembered until the next sweep (up to sweep_interval_ms of answers). */
    request_table_each_waiting(&d->reqs, schedule_one, &s);
    send_next(d);
    if (s.next_wake != UINT64_MAX && !ev_is_active(&d->kick)) {
        ev_timer_set(&d->kick, (double)(s.next_wake - s.now) / 1000.0, 0.0);
        ev_timer_start(d->ev, &d->kick);
    }
}

static void on_kick(struct ev_loop *ev, ev_timer *w, int revents)
{
    (void)ev;
    (void)revents;
    schedule(w->data);
}

static void schedule_soon(struct daemon *d)
{
    ev_timer_stop(d->ev, &d->kick);
    ev_timer_set(&d->kick, 0.0, 0.0);
    ev_timer_start(d->ev, &d->kick);
}

/* ---- polling the truth ---- */

static void poll_start(struct daemon *d, bool full);
static uint64_t poll_tail(struct daemon *d);

static void add_pending(struct daemon *d, const struct pending_item *it)
{
    if (it->request_id > d->max_request_id) {
        d->max_request_id = it->request_id;
    }
    struct request *r = request_table_find(&d->reqs, it->yield_id);
    if (r) {
        r->last_seen_poll = d->round;
        return;
    }
    if (request_table_add(&d->reqs, it->yield_id, it->prompt, &r) != YB_OK) {
        return;
    }
    r->last_seen_poll = d->round;
    r->request_id = it->request_id;
    r->created_height = it->created_height;
    r->first_seen_height = d->clock.height;
    /* The contract's expiry is its own estimate; the chain's timeout (timeout_blocks, set by
     * the operator) may be shorter, so the earlier of the two is the deadline. */
    uint64_t by_config =
        (it->created_height ? it->created_height : d->clock.height) + d->cfg->timeout_blocks;
    r->expires_height =
        it->expires_height && it->expires_height < by_config ? it->expires_height : by_config;
    r->started_ms = now_ms(d);
    atomic_fetch_add(&d->m->requests_seen, 1);
    struct journal_entry e;
    int rc = journal_get(d->journal, r->yield_id, &e);
    if (rc == YB_OK) {
        if (e.state == JOURNAL_DONE) {
            /* Finished before (possibly by a previous run): never asked again. Restored as a
             * terminal state by the bare transition (which also takes it off the waiting
             * list), not by finish(), so no outcome is counted twice. */
            request_transition(r, strcmp(e.outcome, "expired") == 0 ? REQ_EXPIRED : REQ_FAILED);
        } else {
            log_info("YB-ORACLE-RESUBMIT",
                     "%s: answer found in the journal; resubmitting without "
                     "asking the AI",
                     r->yield_id);
            atomic_fetch_add(&d->m->journal_resubmits, 1);
            request_set_answer(r, e.answer, e.answer_len);
            request_transition(r, REQ_ANSWERED);
        }
        journal_entry_fini(&e);
    }
}

struct sweep {
    struct daemon *d;
    char (*gone)[NEAR_HASH_STR_MAX];
    size_t n, cap;
};

static void sweep_one(struct request *r, void *ctx)
{
    struct sweep *s = ctx;
    struct daemon *d = s->d;
    if (r->last_seen_poll == d->round || r->state == REQ_ASKING || r->state == REQ_SUBMITTED) {
        return;
    }
    if (!request_state_is_terminal(r->state)) {
        /* Left the pending list without our respond: answered by another oracle or timed out. */
        log_info("YB-ORACLE-GONE", "%s left the pending list in state %s", r->yield_id,
                 request_state_name(r->state));
        finish(d, r, REQ_EXPIRED, METRICS_GONE, "gone");
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->gone = yb_xrealloc(s->gone, s->cap * sizeof *s->gone);
    }
    memcpy(s->gone[s->n++], r->yield_id, NEAR_HASH_STR_MAX);
}

/* Every JOURNAL_PRUNE_ROUNDS polls, entries whose yield the chain settled long ago go: past
 * its expiry height the yield is answered or timed out, whatever the journal says, and a
 * margin of timeout_blocks more keeps a lagging RPC node's pending list from bringing one back
 * to an oracle that forgot it. Keeps the journal (and RSS) bounded on a long run. */
static void prune_journal(struct daemon *d)
{
    uint64_t h = d->clock.height;
    if (d->round % JOURNAL_PRUNE_ROUNDS != 0 || h <= 2ull * d->cfg->timeout_blocks) {
        return;
    }
    size_t removed = 0;
    if (journal_prune(d->journal, h - d->cfg->timeout_blocks, &removed) == YB_OK && removed) {
        log_info("YB-ORACLE-JOURNAL-PRUNE", "%zu settled entries removed from the journal",
                 removed);
    }
}

static void poll_finished(struct daemon *d, bool ok)
{
    d->polling = false;
    if (ok) {
        atomic_store(&d->m->last_poll_ok_unix_ms, unix_ms());
        /* Only a poll that read the whole list knows what left it. */
        if (d->round_full && d->round_gap) {
            log_info("YB-ORACLE-POLL-GAP",
                     "the pending list changed between pages; not sweeping after this poll");
        }
        if (d->round_full && !d->round_gap) {
            d->have_full = true;
            d->swept_height = d->poll_height;
            d->swept_ms = now_ms(d);
            struct sweep s = {.d = d};
            request_table_each(&d->reqs, sweep_one, &s);
            for (size_t i = 0; i < s.n; i++) {
                request_table_remove(&d->reqs, s.gone[i]);
            }
            free(s.gone);
        }
        atomic_store(&d->m->tracked, (int_fast64_t)d->reqs.count);
        journal_sync(d->journal);
        prune_journal(d);
        size_t n = 0;
        if (journal_count(d->journal, &n) == YB_OK) {
            atomic_store(&d->m->journal_entries, (int_fast64_t)n);
        }
        schedule(d);
    } else {
        atomic_fetch_add(&d->m->poll_errors, 1);
    }
    if (d->poll_again) {
        bool full = d->poll_again_full || !ok;
        d->poll_again = false;
        d->poll_again_full = false;
        poll_start(d, full);
    }
}

static void fetch_page(struct daemon *d);

/* Whether this poll pages by request id. */
static bool by_id(const struct daemon *d)
{
    return d->profile->cursor && !d->by_index;
}

/*
 * A page read by request id (items[0..count), taken). Ids only grow and the list is in id
 * order, so the next page starts after this one's last id: no overlap, and nothing pending
 * throughout the read is skipped (a whole read may sweep). A reply holding an id below the one
 * asked for comes from an assistant that ignores from_request_id (deployed before it): from
 * then on the oracle pages by from_index, starting this poll again as a whole read — nothing
 * is lost, the items come back in it.
 */
static void on_page_by_id(struct daemon *d, struct pending_item *items, size_t count)
{
    if (profile_cursor_ignored(d->page_from_id, items, count)) {
        profile_items_free(items, count);
        log_warn("YB-ORACLE-NO-CURSOR",
                 "%s on %s ignores from_request_id (an assistant deployed before it); paging "
                 "by from_index from now on, which costs the chain more as the list grows",
                 d->profile->pending_method, d->cfg->contract_id);
        d->by_index = true;
        d->round_full = true;
        d->page_from = 0;
        d->removed_since = 0;
        fetch_page(d);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        add_pending(d, &items[i]);
    }
    bool more = count == PROFILE_PAGE_MAX;
    if (more) {
        log_debug("YB-ORACLE-POLL-PAGE", "a full page from request %llu (%s read); next from %llu",
                  (unsigned long long)d->page_from_id, d->round_full ? "whole" : "new requests'",
                  (unsigned long long)items[count - 1].request_id + 1);
        d->page_from_id = items[count - 1].request_id + 1;
    }
    profile_items_free(items, count);
    if (more) {
        fetch_page(d);
        return;
    }
    poll_finished(d, true);
}

static void on_pending(struct call *c, int rc, const cJSON *result, const struct rpc_error *err)
{
    struct daemon *d = c->d;
    uint8_t *bytes = NULL;
    size_t n = 0;
    cJSON *list = NULL;
    struct pending_item *items = NULL;
    size_t count = 0;
    if (rc == YB_OK) {
        rc = json_get_byte_array(result, "result", PENDING_MAX_BYTES, &bytes, &n);
    }
    if (rc == YB_OK) {
        rc = json_parse((const char *)bytes, n, PENDING_MAX_BYTES, &list, NULL);
    }
    if (rc == YB_OK) {
        rc = d->profile->parse_pending(list, &items, &count);
    }
    free(bytes);
    cJSON_Delete(list);
    if (rc != YB_OK) {
        log_rpc_failure("YB-ORACLE-POLL", d->profile->pending_method, rc, err);
        poll_finished(d, false);
        return;
    }
    if (by_id(d)) {
        on_page_by_id(d, items, count);
        return;
    }
    if (d->tail_check) {
        /* The list is in request-id order, so if the first item read is one already known,
         * every new request is in this read; otherwise some may lie before it (more left the
         * list than we knew of): read again from a quarter of the way, and from the head (a
         * whole read, which may sweep) once that is close. */
        d->tail_check = false;
        if (count == 0 || items[0].request_id > d->max_request_id) {
            profile_items_free(items, count);
            d->page_from = d->page_from / 4 > POLL_TAIL_SLACK ? d->page_from / 4 : 0;
            d->tail_check = d->page_from > 0;
            d->round_full = d->page_from == 0;
            fetch_page(d);
            return;
        }
    }
    if (d->page_check) {
        /* In id order, a page whose first item is not above the previous page's last one
         * covers everything after that one; otherwise requests that left the list between the
         * two reads shifted some past the overlap, unread: this poll must not sweep. */
        d->page_check = false;
        if (count == 0 || items[0].request_id > d->page_last_id) {
            d->round_gap = true;
        }
    }
    for (size_t i = 0; i < count; i++) {
        add_pending(d, &items[i]);
    }
    if (d->profile->pages && count == PROFILE_PAGE_MAX) {
        d->page_from += count - POLL_PAGE_OVERLAP;
        d->page_last_id = items[count - 1].request_id;
        d->page_check = true;
        profile_items_free(items, count);
        fetch_page(d);
        return;
    }
    profile_items_free(items, count);
    d->list_len = d->page_from + count;
    poll_finished(d, true);
}

static void fetch_page(struct daemon *d)
{
    char *args = NULL;
    if (by_id(d)) {
        profile_pending_args_by_id(d->profile, d->page_from_id, PROFILE_PAGE_MAX, &args);
    } else {
        profile_pending_args(d->profile, d->page_from, PROFILE_PAGE_MAX, &args);
    }
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "request_type", "call_function");
    cJSON_AddStringToObject(p, "finality", "optimistic");
    cJSON_AddStringToObject(p, "account_id", d->cfg->contract_id);
    cJSON_AddStringToObject(p, "method_name", d->profile->pending_method);
    json_add_base64(p, "args_base64", (const uint8_t *)args, strlen(args));
    free(args);
    int rc = rpc_start(d, "query", p, VIEW_TIMEOUT_MS, on_pending, NULL);
    cJSON_Delete(p);
    if (rc != YB_OK) {
        poll_finished(d, false);
    }
}

/* What the oracle's access key (its view_access_key "permission", borrowed) allows: a key
 * limited to respond (every key made before respond_many existed) turns batching off now
 * rather than having the first batch refused. */
static void check_permission(struct daemon *d, const cJSON *permission)
{
    const char *contract = d->cfg->contract_id;
    bool ok = false;
    if (profile_key_permits(permission, contract, d->profile->respond_method, &ok) != YB_OK) {
        log_warn("YB-ORACLE-KEY", "cannot read the access key's permission; assuming it allows %s",
                 d->profile->respond_method);
        return;
    }
    if (!ok) {
        log_warn("YB-ORACLE-KEY",
                 "the access key may not call %s on %s: the chain will refuse every answer",
                 d->profile->respond_method, contract);
    }
    if (!d->profile->respond_many_method || d->cfg->respond_batch_max <= 1 || d->batch_off) {
        return;
    }
    if (profile_key_permits(permission, contract, d->profile->respond_many_method, &ok) == YB_OK &&
        !ok) {
        char why[300];
        snprintf(why, sizeof why, "the access key of %s does not allow %s on %s",
                 d->cfg->account_id, d->profile->respond_many_method, contract);
        batching_off(d, why, true);
    }
}

static void on_access_key(struct call *c, int rc, const cJSON *result, const struct rpc_error *err)
{
    struct daemon *d = c->d;
    d->nonce_fetching = false;
    uint64_t nonce = 0;
    if (rc == YB_OK) {
        rc = json_get_u64(result, "nonce", &nonce);
    }
    if (rc != YB_OK) {
        log_rpc_failure("YB-ORACLE-KEY", "view_access_key", rc, err);
        return;
    }
    signer_recover(&d->signer, nonce);
    log_info("YB-ORACLE-KEY", "access key nonce %llu", (unsigned long long)nonce);
    check_permission(d, cJSON_GetObjectItemCaseSensitive(result, "permission"));
    schedule_soon(d);
}

static void fetch_nonce(struct daemon *d)
{
    char pk[NEAR_PUBKEY_STR_MAX];
    signer_public_key(&d->signer, pk);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "request_type", "view_access_key");
    cJSON_AddStringToObject(p, "finality", "optimistic");
    cJSON_AddStringToObject(p, "account_id", d->cfg->account_id);
    cJSON_AddStringToObject(p, "public_key", pk);
    d->nonce_fetching = rpc_start(d, "query", p, VIEW_TIMEOUT_MS, on_access_key, NULL) == YB_OK;
    cJSON_Delete(p);
}

static void on_block(struct call *c, int rc, const cJSON *result, const struct rpc_error *err)
{
    struct daemon *d = c->d;
    const cJSON *header = NULL;
    uint64_t height = 0;
    const char *hash = NULL;
    if (rc == YB_OK) {
        rc = json_get_object(result, "header", &header);
    }
    if (rc == YB_OK) {
        rc = json_get_u64(header, "height", &height);
    }
    if (rc == YB_OK) {
        rc = json_get_str(header, "hash", &hash);
    }
    if (rc == YB_OK) {
        rc = near_hash_parse(hash, strlen(hash), d->block_hash);
    }
    if (rc != YB_OK) {
        log_rpc_failure("YB-ORACLE-POLL", "block", rc, err);
        poll_finished(d, false);
        return;
    }
    d->have_block = true;
    /* Date the height by the block's own timestamp, not by when its answer was read. */
    uint64_t ts_ns = 0, age_ms = 0, unix_now = unix_ms();
    if (json_opt_u64(header, "timestamp_nanosec", 0, &ts_ns) == YB_OK && ts_ns / 1000000u > 0 &&
        ts_ns / 1000000u < unix_now) {
        age_ms = unix_now - ts_ns / 1000000u;
    }
    deadline_clock_observe_at(&d->clock, height, now_ms(d), age_ms);
    atomic_store(&d->m->chain_height, height);
    if (!d->signer.nonce_known && !d->nonce_fetching) {
        fetch_nonce(d);
    }
    d->poll_height = height;
    if (by_id(d)) {
        /* Requests join the list's end with the next id: a tail read asks for what came after
         * the highest id seen. A whole read starts at the head (any id up to it). */
        d->page_from_id = d->round_full ? 0 : d->max_request_id + 1;
    } else {
        d->page_from = d->round_full ? 0 : poll_tail(d);
        d->tail_check = d->page_from > 0;
        d->removed_since = 0;
    }
    fetch_page(d);
}

/*
 * Paging by from_index (an assistant without from_request_id): where a tail poll starts
 * reading. The pending list holds requests in creation
 * (request-id) order and new ones join its end. The last poll saw list_len items; since then
 * removed_since of ours left it (others may have too: timeouts, other oracles), so the first
 * new request is at most at list_len - removed_since. Starting POLL_TAIL_SLACK before that reads
 * the new requests without the whole list — whose size grows with the backlog and made each
 * poll cost more as load rose. on_pending checks the first item read is a known one, else
 * steps back (see there).
 */
static uint64_t poll_tail(struct daemon *d)
{
    uint64_t from = d->list_len > d->removed_since ? d->list_len - d->removed_since : 0;
    from = from > POLL_TAIL_SLACK ? from - POLL_TAIL_SLACK : 0;
    if (from > POLL_TAIL_MAX_FROM) {
        d->round_full = true;
        return 0;
    }
    return from;
}

/* full: read the whole pending list (which also finds requests that left it: at start, every
 * sweep_interval_ms, and when a follower waits for one); else only its new end where the
 * profile allows (events' polls, and the timer's in between). */
static void poll_start(struct daemon *d, bool full)
{
    if (d->polling) {
        d->poll_again = true;
        d->poll_again_full = d->poll_again_full || full;
        return;
    }
    d->polling = true;
    d->round_full = full || !d->have_full || !d->profile->pages;
    if (d->round_full) {
        d->sweep_wanted = false;
    }
    d->tail_check = false;
    d->page_check = false;
    d->round_gap = false;
    d->round++;
    atomic_fetch_add(&d->m->polls, 1);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "finality", "optimistic");
    int rc = rpc_start(d, "block", p, VIEW_TIMEOUT_MS, on_block, NULL);
    cJSON_Delete(p);
    if (rc != YB_OK) {
        poll_finished(d, false);
    }
}

static void on_poll_timer(struct ev_loop *ev, ev_timer *w, int revents)
{
    (void)ev;
    (void)revents;
    struct daemon *d = w->data;
    bool sweep = d->sweep_wanted || now_ms(d) - d->swept_ms >= d->cfg->sweep_interval_ms;
    poll_start(d, sweep);
}

/* ---- events: hints to poll now ---- */

static void on_events(struct ev_loop *ev, ev_io *w, int revents)
{
    (void)ev;
    (void)revents;
    struct daemon *d = w->data;
    bool poll = false;
    for (;;) {
        nng_msg *msg = NULL;
        int rv = nng_recvmsg(d->sub, &msg, NNG_FLAG_NONBLOCK);
        if (rv != 0) {
            break;
        }
        atomic_fetch_add(&d->m->events, 1);
        const char *body = nng_msg_body(msg);
        size_t len = nng_msg_len(msg);
        if (len >= 6 && memcmp(body, "yield.", 6) == 0) {
            poll = true;
        }
        nng_msg_free(msg);
    }
    if (poll) {
        poll_start(d, false);
    }
}

static int events_open(struct daemon *d)
{
    const char *url = d->cfg->events_url;
    if (!url || !url[0]) {
        log_info("YB-ORACLE-EVENTS", "events disabled; polling every %u ms",
                 d->cfg->poll_interval_ms);
        return YB_OK;
    }
    int rv = nng_sub0_open(&d->sub);
    rv = rv ? rv : nng_socket_set(d->sub, NNG_OPT_SUB_SUBSCRIBE, "yield.", 6);
    rv = rv ? rv : nng_socket_set_size(d->sub, NNG_OPT_RECVMAXSZ, EVENT_MAX_BYTES);
    /* Non-blocking dial: the chain may start after us; nng keeps reconnecting. */
    rv = rv ? rv : nng_dial(d->sub, url, NULL, NNG_FLAG_NONBLOCK);
    int fd = -1;
    rv = rv ? rv : nng_socket_get_int(d->sub, NNG_OPT_RECVFD, &fd);
    if (rv != 0) {
        log_error("YB-ORACLE-EVENTS", "cannot subscribe to %s: %s", url, nng_strerror(rv));
        nng_close(d->sub);
        return YB_ECONFIG;
    }
    d->have_sub = true;
    ev_io_init(&d->events_io, on_events, fd, EV_READ);
    d->events_io.data = d;
    ev_io_start(d->ev, &d->events_io);
    log_info("YB-ORACLE-EVENTS", "subscribed to %s (hints; polling every %u ms too)", url,
             d->cfg->poll_interval_ms);
    return YB_OK;
}

/* ---- life cycle ---- */

static void on_signal(struct ev_loop *ev, ev_signal *w, int revents)
{
    (void)revents;
    log_info("YB-ORACLE-STOP", "signal %d: stopping", w->signum);
    ev_break(ev, EVBREAK_ALL);
}

int daemon_new(const struct oracle_config *cfg, struct metrics *m, struct daemon **out)
{
    struct daemon *d = yb_xcalloc(1, sizeof *d);
    d->cfg = cfg;
    d->m = m;
    d->profile = profile_find(cfg->profile);
    const char *fp = getenv("YB_ORACLE_FAILPOINT");
    d->failpoint_after_journal = fp && strcmp(fp, "after-journal") == 0;
    pthread_mutex_init(&d->smu, NULL);
    pthread_cond_init(&d->scv, NULL);
    config_ai(cfg, &d->ai);
    request_table_init(&d->reqs);
    deadline_clock_init(&d->clock);
    d->backoff =
        (struct ai_backoff){.base_ms = cfg->backoff_base_ms,
                            .cap_ms = cfg->backoff_cap_ms,
                            .rng = (uint64_t)unix_ms() ^ ((uint64_t)cfg->instance_index << 32)};
    atomic_store(&m->poll_interval_ms, cfg->poll_interval_ms);
    d->ev = ev_loop_new(EVFLAG_AUTO);
    if (!d->profile || !d->ev) {
        int err = d->ev ? YB_ECONFIG : YB_EINTERNAL;
        if (d->ev) {
            ev_loop_destroy(d->ev);
        }
        free(d);
        return err;
    }
    int rc = signer_init(&d->signer, cfg->key_file, cfg->account_id);
    if (rc == YB_OK) {
        rc = journal_open(cfg->journal_dir, 0, &d->journal);
    }
    if (rc == YB_OK) {
        rc = loop_init(&d->loop, d->ev);
    }
    if (rc == YB_OK) {
        rc = events_open(d);
    }
    if (rc == YB_OK && cfg->metrics_listen[0]) {
        rc = metrics_server_start(m, cfg->metrics_listen, &d->metrics_srv);
    }
    if (rc != YB_OK) {
        daemon_free(d);
        return rc;
    }
    ev_timer_init(&d->poll_timer, on_poll_timer, 0.0, (double)cfg->poll_interval_ms / 1000.0);
    d->poll_timer.data = d;
    ev_timer_init(&d->kick, on_kick, 0.0, 0.0);
    d->kick.data = d;
    ev_timer_init(&d->flush, on_flush, 0.0, 0.0);
    d->flush.data = d;
    ev_async_init(&d->synced, on_synced);
    d->synced.data = d;
    ev_signal_init(&d->sigint, on_signal, SIGINT);
    ev_signal_init(&d->sigterm, on_signal, SIGTERM);
    *out = d;
    return YB_OK;
}

int daemon_run(struct daemon *d)
{
    size_t n = 0;
    journal_count(d->journal, &n);
    log_info("YB-ORACLE-START",
             "answering %s (profile %s) on %s as %s, instance %u/%u, AI %s %s, journal %s (%zu "
             "entries)",
             d->cfg->contract_id, d->profile->name, d->cfg->rpc_url, d->cfg->account_id,
             d->cfg->instance_index, d->cfg->instance_count, d->cfg->ai_backend,
             d->cfg->ai_base_url, d->cfg->journal_dir, n);
    ev_signal_start(d->ev, &d->sigint);
    ev_signal_start(d->ev, &d->sigterm);
    ev_timer_start(d->ev, &d->poll_timer);
    ev_async_start(d->ev, &d->synced);
    d->syncer_running = pthread_create(&d->syncer, NULL, sync_main, d) == 0;
    if (!d->syncer_running) {
        log_warn("YB-ORACLE-JOURNAL", "no sync thread; answers are flushed on the event loop");
    }
    ev_run(d->ev, 0);
    syncer_stop(d);
    /* Answers paid for but not yet journaled are kept, so a restart does not ask again; those
     * committed without a flush are flushed now. */
    if (d->jq_len) {
        flush_answers(d);
    }
    if (d->dw_len) {
        journal_flush(d->journal);
    }
    return YB_OK;
}

void daemon_free(struct daemon *d)
{
    if (!d) {
        return;
    }
    while (d->calls) {
        struct call *c = d->calls;
        loop_cancel(&d->loop, c->kind == CALL_RPC ? c->t.curl : c->curl);
        call_free(c);
    }
    syncer_stop(d);
    if (d->ev) {
        ev_async_stop(d->ev, &d->synced);
        ev_timer_stop(d->ev, &d->poll_timer);
        ev_timer_stop(d->ev, &d->kick);
        ev_timer_stop(d->ev, &d->flush);
        ev_signal_stop(d->ev, &d->sigint);
        ev_signal_stop(d->ev, &d->sigterm);
        if (d->have_sub) {
            ev_io_stop(d->ev, &d->events_io);
        }
    }
    if (d->loop.multi) {
        loop_fini(&d->loop);
    }
    if (d->have_sub) {
        nng_close(d->sub);
    }
    metrics_server_stop(d->metrics_srv);
    journal_close(d->journal);
    signer_fini(&d->signer);
    request_table_fini(&d->reqs);
    free(d->sendq);
    free(d->jq);
    free(d->dw);
    pthread_cond_destroy(&d->scv);
    pthread_mutex_destroy(&d->smu);
    if (d->ev) {
        ev_loop_destroy(d->ev);
    }
    free(d);
}
