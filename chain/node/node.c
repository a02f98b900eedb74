/*
 * node.c — the node's core: opening a home, the mempool and admission, the libev loop that
 * produces blocks in the three modes, waiters for send_tx's wait levels, and sandbox controls.
 *
 * Locking: one mutex (mu) guards the head copy, the mempool, the set of pending hashes, the
 * waiter list and the control queue. Admission verifies outside the lock on an LMDB snapshot,
 * so RPC threads never wait for a block; block production holds mu only to take transactions
 * and, after the commit, to publish the new head and detach the waiters it completes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "node_int.h"
#include "node_patch.h"
#include "tx.h"

#define ON_DEMAND_DELAY_S 0.005 /* coalesce transactions arriving together into one block */
#define TICK_S            0.25  /* waiter timeouts and the health heartbeat */
#define SET_SLOTS         (NODE_MEMPOOL_MAX * 4) /* open addressing: stays under 1/4 full */
#define FF_MAX            1000000000ULL
#define PRODUCE_MAX       10000ULL

struct node_metrics *node_metrics_of(struct node *node)
{
    return &node->metrics;
}

const struct node_config *node_get_config(const struct node *node)
{
    return &node->cfg;
}

struct runtime *node_runtime(struct node *node)
{
    return &node->rt;
}

const char *node_mode_name(enum node_mode m)
{
    switch (m) {
    case NODE_MODE_INTERVAL:
        return "interval";
    case NODE_MODE_ON_DEMAND:
        return "on-demand";
    case NODE_MODE_MANUAL:
        return "manual";
    }
    return "?";
}

int node_mode_from_str(const char *s, enum node_mode *out)
{
    for (int m = NODE_MODE_INTERVAL; m <= NODE_MODE_MANUAL; m++) {
        if (strcmp(s, node_mode_name((enum node_mode)m)) == 0) {
            *out = (enum node_mode)m;
            return YB_OK;
        }
    }
    return YB_EINVAL;
}

static const char *const wait_names[] = {"NONE",           "INCLUDED", "EXECUTED_OPTIMISTIC",
                                         "INCLUDED_FINAL", "EXECUTED", "FINAL"};

const char *node_wait_name(enum node_wait w)
{
    return (unsigned)w <= NODE_WAIT_FINAL ? wait_names[w] : "?";
}

int node_wait_from_str(const char *s, enum node_wait *out)
{
    for (unsigned i = 0; i <= NODE_WAIT_FINAL; i++) {
        if (strcmp(s, wait_names[i]) == 0) {
            *out = (enum node_wait)i;
            return YB_OK;
        }
    }
    return YB_EINVAL;
}

/* ---- the pending-hash set (under mu) ---- */

static size_t set_slot(const uint8_t h[NEAR_HASH_LEN])
{
    uint64_t v;
    memcpy(&v, h, sizeof v); /* a sha256: already uniform */
    return (size_t)(v % SET_SLOTS);
}

static bool set_has(const struct node *n, const uint8_t h[NEAR_HASH_LEN])
{
    for (size_t i = set_slot(h), k = 0; k < SET_SLOTS; i = (i + 1) % SET_SLOTS, k++) {
        if (n->set_state[i] == 0) {
            return false;
        }
        if (n->set_state[i] == 1 && memcmp(n->set[i], h, NEAR_HASH_LEN) == 0) {
            return true;
        }
    }
    return false;
}

static void set_add(struct node *n, const uint8_t h[NEAR_HASH_LEN])
{
    for (size_t i = set_slot(h);; i = (i + 1) % SET_SLOTS) {
        if (n->set_state[i] != 1) {
            memcpy(n->set[i], h, NEAR_HASH_LEN);
            n->set_state[i] = 1;
            return;
        }
    }
}

void node_pending_forget(struct node *n, const uint8_t h[NEAR_HASH_LEN])
{
    for (size_t i = set_slot(h), k = 0; k < SET_SLOTS; i = (i + 1) % SET_SLOTS, k++) {
        if (n->set_state[i] == 0) {
            return;
        }
        if (n->set_state[i] == 1 && memcmp(n->set[i], h, NEAR_HASH_LEN) == 0) {
            n->set_state[i] = 2;
            return;
        }
    }
}

size_t node_mempool_size(struct node *node)
{
    pthread_mutex_lock(&node->mu);
    size_t n = node->pool_n;
    pthread_mutex_unlock(&node->mu);
    return n;
}

void node_get_head(struct node *node, struct node_head *out)
{
    pthread_mutex_lock(&node->mu);
    *out = node->head;
    pthread_mutex_unlock(&node->mu);
}

int node_snapshot_begin(struct node *node, struct node_snapshot *out)
{
    memset(out, 0, sizeof *out);
    int rc = store_snapshot_begin(node->store, &out->txn);
    if (rc != YB_OK) {
        return rc;
    }
    rc = node_store_head(out->txn, &out->head);
    if (rc != YB_OK) {
        store_snapshot_end(out->txn);
        out->txn = NULL;
    }
    return rc;
}

void node_snapshot_end(struct node_snapshot *snap)
{
    store_snapshot_end(snap->txn);
    snap->txn = NULL;
}

/* ---- submission ---- */

static void waiter_add(struct node *node, const uint8_t hash[NEAR_HASH_LEN], enum node_wait w,
                       node_tx_done_fn done, void *arg)
{
    struct waiter *wt = yb_xcalloc(1, sizeof *wt);
    memcpy(wt->hash, hash, NEAR_HASH_LEN);
    wt->level = w;
    wt->done = done;
    wt->arg = arg;
    wt->since_ms = node_now_ms();
    wt->next = node->waiters;
    node->waiters = wt;
}

/* A tx already committed: answer now when it reached `w`, else wait for its receipts. */
static void submit_known(struct node *node, struct store_txn *snap, const struct node_tx *t,
                         const uint8_t hash[NEAR_HASH_LEN], enum node_wait w, node_tx_done_fn done,
                         void *arg)
{
    struct node_tx_result r = {
        .err = YB_OK, .reached = NODE_WAIT_INCLUDED_FINAL, .block_height = t->block_height};
    memcpy(r.hash, hash, NEAR_HASH_LEN);
    memcpy(r.block_hash, t->block_hash, NEAR_HASH_LEN);
    struct node_outcome *v;
    size_t n;
    bool executed = false, complete = false;
    if (node_tx_tree_levels(snap, hash, &v, &n, &executed, &complete) == YB_OK) {
        node_outcomes_free(v, n);
    }
    if (complete) {
        r.reached = NODE_WAIT_FINAL;
    } else if (executed) {
        r.reached = NODE_WAIT_EXECUTED;
    }
    /* EXECUTED_OPTIMISTIC / EXECUTED: the non-refund receipts ran; FINAL: all of them. */
    if (!node_wants_execution(w) || complete || (executed && w != NODE_WAIT_FINAL)) {
        done(arg, &r);
        return;
    }
    pthread_mutex_lock(&node->mu);
    waiter_add(node, hash, w, done, arg);
    node->waiters->included = true;
    node->waiters->height = t->block_height;
    memcpy(node->waiters->block_hash, t->block_hash, NEAR_HASH_LEN);
    pthread_mutex_unlock(&node->mu);
}

int node_submit_tx(struct node *node, const uint8_t *bytes, size_t len, enum node_wait wait,
                   node_tx_done_fn done, void *arg, uint8_t hash_out[NEAR_HASH_LEN],
                   cJSON **invalid)
{
    if (invalid != NULL) {
        *invalid = NULL;
    }
    if (len > TX_MAX_SIZE) {
        return YB_ETOOBIG;
    }
    if (atomic_load(&node->stopping)) {
        return YB_ECLOSED;
    }
    struct tx_signed *st;
    int rc = tx_decode_signed(bytes, len, &st);
    if (rc != YB_OK) {
        return rc;
    }
    if (hash_out != NULL) {
        memcpy(hash_out, st->hash, NEAR_HASH_LEN);
    }
    /* A bare snapshot and the head height: admission needs no decoded head block. */
    struct node_snapshot snap = {0};
    rc = store_snapshot_begin(node->store, &snap.txn);
    rc = rc ? rc : node_store_meta_get(snap.txn, "head", &snap.head.height);
    if (rc != YB_OK) {
        store_snapshot_end(snap.txn);
        tx_signed_free(st);
        return rc;
    }
    struct node_tx known;
    if (node_tx_get(snap.txn, st->hash, &known) == YB_OK) {
        submit_known(node, snap.txn, &known, st->hash, wait, done, arg);
        node_tx_fini(&known);
        node_snapshot_end(&snap);
        tx_signed_free(st);
        return YB_OK;
    }
    /* Admission: everything a block would check, against the committed state. */
    cJSON *err = NULL;
    const char *name = NULL;
    rc = runtime_verify_tx(&node->rt, snap.txn, st, snap.head.height + 1, true,
                           node_store_lookup_block, snap.txn, &err, &name);
    node_snapshot_end(&snap);
    if (rc != YB_OK) {
        if (invalid != NULL) {
            *invalid = err;
        } else {
            cJSON_Delete(err);
        }
        tx_signed_free(st);
        return rc;
    }
    struct node_tx_result r = {.err = YB_OK, .reached = NODE_WAIT_NONE};
    memcpy(r.hash, st->hash, NEAR_HASH_LEN);
    pthread_mutex_lock(&node->mu);
    if (set_has(node, st->hash)) {
        /* A resend of a tx still waiting: one more waiter, no second copy. */
        if (wait != NODE_WAIT_NONE) {
            waiter_add(node, st->hash, wait, done, arg);
        }
        pthread_mutex_unlock(&node->mu);
        tx_signed_free(st);
        if (wait == NODE_WAIT_NONE) {
            done(arg, &r);
        }
        return YB_OK;
    }
    if (node->pool_n >= NODE_MEMPOOL_MAX) {
        pthread_mutex_unlock(&node->mu);
        tx_signed_free(st);
        return YB_EBUSY;
    }
    if (node->pool_n == node->pool_cap) {
        node->pool_cap = node->pool_cap ? node->pool_cap * 2 : 256;
        node->pool = yb_xrealloc(node->pool, node->pool_cap * sizeof *node->pool);
    }
    struct pool_entry *e = &node->pool[node->pool_n++];
    e->st = st;
    e->bytes = yb_xmalloc(len);
    memcpy(e->bytes, bytes, len);
    e->len = len;
    set_add(node, st->hash);
    if (wait != NODE_WAIT_NONE) {
        waiter_add(node, st->hash, wait, done, arg);
    }
    pthread_mutex_unlock(&node->mu);
    ev_async_send(node->loop, &node->wake);
    if (wait == NODE_WAIT_NONE) {
        done(arg, &r);
    }
    return YB_OK;
}

int node_wait_pending(struct node *node, const uint8_t hash[NEAR_HASH_LEN], enum node_wait wait,
                      node_tx_done_fn done, void *arg)
{
    if (wait == NODE_WAIT_NONE) {
        return YB_EINVAL;
    }
    if (atomic_load(&node->stopping)) {
        return YB_ECLOSED;
    }
    /* Under mu a hash in the set is not yet forgotten by its block, so the block's
     * complete_waiters (which takes the list after forgetting) sees this waiter. */
    pthread_mutex_lock(&node->mu);
    bool pending = set_has(node, hash);
    if (pending) {
        waiter_add(node, hash, wait, done, arg);
    }
    pthread_mutex_unlock(&node->mu);
    return pending ? YB_OK : YB_ENOTFOUND;
}

/* ---- sandbox controls ---- */

static int ctl_push(struct node *node, enum ctl_kind kind, uint64_t n, cJSON *records,
                    node_done_fn done, void *arg)
{
    if (atomic_load(&node->stopping)) {
        cJSON_Delete(records);
        return YB_ECLOSED;
    }
    struct ctl *c = yb_xcalloc(1, sizeof *c);
    c->kind = kind;
    c->n = n;
    c->records = records;
    c->done = done;
    c->arg = arg;
    pthread_mutex_lock(&node->mu);
    if (node->ctl_tail != NULL) {
        node->ctl_tail->next = c;
    } else {
        node->ctl_head = c;
    }
    node->ctl_tail = c;
    pthread_mutex_unlock(&node->mu);
    ev_async_send(node->loop, &node->wake);
    return YB_OK;
}

int node_fast_forward(struct node *node, uint64_t delta, node_done_fn done, void *arg)
{
    if (delta == 0 || delta > FF_MAX) {
        return YB_EINVAL;
    }
    return ctl_push(node, CTL_FAST_FORWARD, delta, NULL, done, arg);
}

int node_produce_blocks(struct node *node, uint64_t count, node_done_fn done, void *arg)
{
    if (count == 0 || count > PRODUCE_MAX) {
        return YB_EINVAL;
    }
    return ctl_push(node, CTL_PRODUCE, count, NULL, done, arg);
}

int node_patch_state(struct node *node, const cJSON *records, node_done_fn done, void *arg)
{
    int rc = node_patch_apply(NULL, &node->rt, records);
    if (rc != YB_OK) {
        return rc;
    }
    return ctl_push(node, CTL_PATCH, 0, cJSON_Duplicate(records, true), done, arg);
}

/* ---- health ---- */

int node_healthz(struct node *node, struct yb_buf *out)
{
    struct node_head h;
    node_get_head(node, &h);
    int64_t silent = node_now_ms() - atomic_load(&node->last_tick_ms);
    bool ok = silent < 5000; /* the tick runs every TICK_S unless the loop is stuck */
    int rc = yb_buf_printf(out, "%s\nheight %llu\n", ok ? "ok" : "stalled",
                           (unsigned long long)h.height);
    if (rc != YB_OK) {
        return rc;
    }
    return ok ? YB_OK : YB_EBUSY;
}

/* ---- block production (loop thread) ---- */

/* Runs the control queue, then schedules on-demand work. */
static void on_wake(struct ev_loop *loop, ev_async *w, int revents)
{
    struct node *node = w->data;
    for (;;) {
        pthread_mutex_lock(&node->mu);
        struct ctl *c = node->ctl_head;
        if (c != NULL) {
            node->ctl_head = c->next;
            if (node->ctl_head == NULL) {
                node->ctl_tail = NULL;
            }
        }
        pthread_mutex_unlock(&node->mu);
        if (c == NULL) {
            break;
        }
        int rc = YB_OK;
        if (c->kind == CTL_PRODUCE) {
            /* A stop request ends a long run between blocks, not after all of them. */
            for (uint64_t i = 0; rc == YB_OK && i < c->n; i++) {
                rc = atomic_load(&node->stopping) ? YB_ECLOSED : node_produce_now(node, 1, NULL);
            }
        } else if (c->kind == CTL_FAST_FORWARD) {
            rc = node_produce_now(node, c->n, NULL);
        } else {
            rc = node_produce_now(node, 1, c->records);
        }
        c->done(c->arg, rc);
        cJSON_Delete(c->records);
        free(c);
    }
    if (atomic_load(&node->stopping)) {
        ev_break(loop, EVBREAK_ALL);
        return;
    }
    if (node->cfg.mode == NODE_MODE_ON_DEMAND && !ev_is_active(&node->soon) &&
        (node_mempool_size(node) > 0 || node->queued > 0)) {
        ev_timer_set(&node->soon, ON_DEMAND_DELAY_S, 0.);
        ev_timer_start(loop, &node->soon);
    }
}

static void on_block_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct node *node = w->data;
    node->run_err = node_produce_now(node, 1, NULL);
    if (node->cfg.mode == NODE_MODE_ON_DEMAND &&
        (node_mempool_size(node) > 0 || node->queued > 0)) {
        ev_timer_set(&node->soon, ON_DEMAND_DELAY_S, 0.);
        ev_timer_start(loop, &node->soon);
    }
}

/* Waiter timeouts: no progress for wait_timeout_ms (from the later of submission and the last
 * block) answers YB_ETIMEDOUT. */
static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct node *node = w->data;
    int64_t now = node_now_ms();
    atomic_store(&node->last_tick_ms, now);
    int64_t last_block = atomic_load(&node->last_block_ms);
    struct waiter *expired = NULL;
    pthread_mutex_lock(&node->mu);
    struct waiter **pp = &node->waiters;
    while (*pp != NULL) {
        struct waiter *wt = *pp;
        int64_t since = wt->since_ms > last_block ? wt->since_ms : last_block;
        if (now - since > (int64_t)node->cfg.wait_timeout_ms) {
            *pp = wt->next;
            wt->next = expired;
            expired = wt;
        } else {
            pp = &wt->next;
        }
    }
    pthread_mutex_unlock(&node->mu);
    while (expired != NULL) {
        struct waiter *wt = expired;
        expired = wt->next;
        struct node_tx_result r = {.err = YB_ETIMEDOUT,
                                   .reached =
                                       wt->included ? NODE_WAIT_INCLUDED_FINAL : NODE_WAIT_NONE,
                                   .block_height = wt->height};
        memcpy(r.hash, wt->hash, NEAR_HASH_LEN);
        memcpy(r.block_hash, wt->block_hash, NEAR_HASH_LEN);
        wt->done(wt->arg, &r);
        free(wt);
    }
}

/* ---- lifetime ---- */

/* One node per home: LMDB would let a second process open the same store, and two block
 * producers on one chain would fork it. An flock on HOME/yb-chain.lock is released by the
 * kernel however the holder dies, so kill -9 never leaves a stale lock. */
static int lock_home(struct node *node)
{
    char path[sizeof node->cfg.home + 32];
    snprintf(path, sizeof path, "%s/yb-chain.lock", node->cfg.home);
    node->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (node->lock_fd < 0) {
        log_error("CHAIN-LOCK", "cannot open %s: %s", path, strerror(errno));
        return errno == ENOENT ? YB_ENOTFOUND : YB_EIO;
    }
    if (flock(node->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        log_error("CHAIN-LOCKED", "another yb-chain is running on %s", node->cfg.home);
        return YB_EBUSY;
    }
    return YB_OK;
}

int node_open(const struct node_config *cfg, struct node **out)
{
    *out = NULL;
    int rc = crypto_init();
    if (rc != YB_OK) {
        return rc;
    }
    struct node *node = yb_xcalloc(1, sizeof *node);
    node->cfg = *cfg;
    if (node->cfg.wait_timeout_ms == 0) {
        node->cfg.wait_timeout_ms = NODE_DEFAULT_WAIT_MS;
    }
    if (node->cfg.block_time_ms == 0) {
        node->cfg.block_time_ms = NODE_DEFAULT_BLOCK_MS;
    }
    pthread_mutex_init(&node->mu, NULL);
    node_metrics_init(&node->metrics);
    node->set = yb_xmalloc((size_t)SET_SLOTS * NEAR_HASH_LEN);
    node->set_state = yb_xcalloc(SET_SLOTS, 1);

    struct config_runtime rcfg;
    config_default(&rcfg);
    if (node->cfg.yield_timeout > 0) {
        rcfg.limits.yield_timeout_length_in_blocks = node->cfg.yield_timeout;
    }
    rc = runtime_init(&node->rt, &rcfg);
    if (rc != YB_OK) {
        node_metrics_fini(&node->metrics);
        pthread_mutex_destroy(&node->mu);
        free(node->set);
        free(node->set_state);
        free(node);
        return rc;
    }
    node->lock_fd = -1;
    rc = lock_home(node);
    if (rc != YB_OK) {
        node_close(node);
        return rc;
    }
    char dir[sizeof node->cfg.home + 8];
    snprintf(dir, sizeof dir, "%s/data", node->cfg.home);
    struct store_options so;
    store_options_default(&so);
    so.sync = node->cfg.store_sync;
    so.write_map = node->cfg.store_write_map;
    so.n_columns = NODE_COL__END;
    rc = store_open(dir, &so, &node->store);
    struct store_txn *snap = NULL;
    rc = rc ? rc : store_snapshot_begin(node->store, &snap);
    rc = rc ? rc : node_store_head(snap, &node->head);
    if (rc == YB_OK && node_store_meta_get(snap, "seq", &node->seq) != YB_OK) {
        node->seq = 0;
    }
    uint64_t pending = 0;
    if (rc == YB_OK && runtime_pending_yields(snap, &pending) == YB_OK) {
        atomic_store(&node->metrics.pending_yields, pending);
    }
    store_snapshot_end(snap);
    rc = rc ? rc : node_events_open(node->cfg.events_addr, &node->events);
    if (rc != YB_OK) {
        node_close(node);
        return rc;
    }
    node->loop = ev_loop_new(EVFLAG_AUTO);
    ev_async_init(&node->wake, on_wake);
    node->wake.data = node;
    ev_async_start(node->loop, &node->wake);
    ev_init(&node->soon, on_block_timer);
    node->soon.data = node;
    double every = (double)node->cfg.block_time_ms / 1000.0;
    ev_timer_init(&node->block_timer, on_block_timer, every, every);
    node->block_timer.data = node;
    ev_timer_init(&node->tick, on_tick, TICK_S, TICK_S);
    node->tick.data = node;
    ev_timer_start(node->loop, &node->tick);
    atomic_store(&node->last_tick_ms, node_now_ms());
    atomic_store(&node->last_block_ms, node_now_ms());
    /* Receipts may have been left queued by the last block before a restart. */
    node->queued = 1;
    *out = node;
    return YB_OK;
}

int node_run(struct node *node)
{
    if (node->cfg.mode == NODE_MODE_INTERVAL) {
        ev_timer_start(node->loop, &node->block_timer);
    }
    ev_async_send(node->loop, &node->wake);
    ev_run(node->loop, 0);
    return node->run_err;
}

void node_stop(struct node *node)
{
    atomic_store(&node->stopping, true);
    ev_async_send(node->loop, &node->wake);
}

void node_close(struct node *node)
{
    if (node == NULL) {
        return;
    }
    atomic_store(&node->stopping, true);
    struct waiter *w = node->waiters;
    while (w != NULL) {
        struct waiter *next = w->next;
        struct node_tx_result r = {.err = YB_ECLOSED};
        memcpy(r.hash, w->hash, NEAR_HASH_LEN);
        w->done(w->arg, &r);
        free(w);
        w = next;
    }
    struct ctl *c = node->ctl_head;
    while (c != NULL) {
        struct ctl *next = c->next;
        c->done(c->arg, YB_ECLOSED);
        cJSON_Delete(c->records);
        free(c);
        c = next;
    }
    for (size_t i = 0; i < node->pool_n; i++) {
        tx_signed_free(node->pool[i].st);
        free(node->pool[i].bytes);
    }
    free(node->pool);
    if (node->loop != NULL) {
        ev_loop_destroy(node->loop);
    }
    node_events_close(node->events);
    if (node->lock_fd >= 0) {
        close(node->lock_fd); /* releases the flock */
    }
    store_close(node->store);
    runtime_fini(&node->rt);
    node_metrics_fini(&node->metrics);
    pthread_mutex_destroy(&node->mu);
    free(node->set);
    free(node->set_state);
    free(node);
}
