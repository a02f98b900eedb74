/*
 * node.c — the node's core: opening a home, the mempool and admission, the libev loop that
 * produces blocks in the three modes, waiters for send_tx's wait levels, and sandbox controls.
 *
 * Locking: one mutex (mu) guards the head copy, the mempool, the set of pending hashes, the
 * waiter list and the control queue. Admission verifies outside the lock on an LMDB snapshot,
 * so RPC threads never wait for a block; block production holds mu only to take transactions
 * and, after the commit, to publish the new head and detach the waiters it completes.
 */
#include <ev.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

struct pool_entry {
    struct tx_signed *st; /* owned */
    uint8_t *bytes;       /* owned: the signed bytes as received */
    size_t len;
};

struct waiter {
    uint8_t hash[NEAR_HASH_LEN];
    enum node_wait level;
    node_tx_done_fn done;
    void *arg;
    int64_t since_ms;
    bool included;
    uint64_t height;
    uint8_t block_hash[NEAR_HASH_LEN];
    struct waiter *next;
};

enum ctl_kind { CTL_PRODUCE, CTL_FAST_FORWARD, CTL_PATCH };

struct ctl {
    enum ctl_kind kind;
    uint64_t n;
    cJSON *records; /* owned (CTL_PATCH) */
    node_done_fn done;
    void *arg;
    struct ctl *next;
};

struct node {
    struct node_config cfg;
    struct store *store;
    struct runtime rt;
    struct node_events *events;
    struct node_metrics metrics;
    struct ev_loop *loop;
    ev_async wake;
    ev_timer block_timer; /* interval mode */
    ev_timer soon;        /* on-demand mode: one-shot */
    ev_timer tick;

    pthread_mutex_t mu;
    struct node_head head;
    struct pool_entry *pool;
    size_t pool_n, pool_cap;
    uint8_t (*set)[NEAR_HASH_LEN]; /* pending hashes; slot state in set_state */
    uint8_t *set_state;            /* 0 empty, 1 used, 2 deleted */
    struct waiter *waiters;
    struct ctl *ctl_head, *ctl_tail;

    atomic_bool stopping;
    atomic_int_fast64_t last_tick_ms;
    atomic_int_fast64_t last_block_ms;
    uint64_t seq;    /* loop thread: last event sequence number used */
    uint64_t queued; /* loop thread: receipts the last block left for the next */
    int run_err;
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static uint64_t wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

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

/* Whether a level needs the tx's receipts to have run, not just its inclusion. */
static bool wants_execution(enum node_wait w)
{
    return w == NODE_WAIT_EXECUTED_OPTIMISTIC || w == NODE_WAIT_EXECUTED || w == NODE_WAIT_FINAL;
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

static void set_del(struct node *n, const uint8_t h[NEAR_HASH_LEN])
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
    wt->since_ms = now_ms();
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
    bool complete = false;
    if (node_tx_tree(snap, hash, &v, &n, &complete) == YB_OK) {
        node_outcomes_free(v, n);
    }
    if (complete) {
        r.reached = NODE_WAIT_FINAL;
    }
    if (!wants_execution(w) || complete) {
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
    struct node_snapshot snap;
    rc = node_snapshot_begin(node, &snap);
    if (rc != YB_OK) {
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
    int64_t silent = now_ms() - atomic_load(&node->last_tick_ms);
    bool ok = silent < 5000; /* the tick runs every TICK_S unless the loop is stuck */
    int rc = yb_buf_printf(out, "%s\nheight %llu\n", ok ? "ok" : "stalled",
                           (unsigned long long)h.height);
    if (rc != YB_OK) {
        return rc;
    }
    return ok ? YB_OK : YB_EBUSY;
}

/* ---- block production (loop thread) ---- */

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, NEAR_HASH_LEN);
}

static void add_hash(cJSON *obj, const char *key, const uint8_t h[NEAR_HASH_LEN])
{
    char s[64];
    base58_encode(h, NEAR_HASH_LEN, s, sizeof s);
    cJSON_AddStringToObject(obj, key, s);
}

/* The element of an EVENT_JSON log's "data" array with yield_id == data_id, among the outcomes
 * of `account` in this block: the request the contract announced for that yield. */
static cJSON *find_request(const struct outcome_list *l, const char *account,
                           const uint8_t data_id[NEAR_HASH_LEN])
{
    static const char prefix[] = "EVENT_JSON:";
    char yid[64];
    base58_encode(data_id, NEAR_HASH_LEN, yid, sizeof yid);
    for (size_t i = 0; i < l->n; i++) {
        const struct outcome *o = &l->v[i];
        if (strcmp(o->executor_id, account) != 0) {
            continue;
        }
        for (size_t k = 0; k < o->n_logs; k++) {
            if (strncmp(o->logs[k], prefix, sizeof prefix - 1) != 0) {
                continue;
            }
            const char *j = o->logs[k] + sizeof prefix - 1;
            cJSON *ev = NULL;
            if (json_parse(j, strlen(j), 16384, &ev, NULL) != YB_OK) {
                continue;
            }
            const cJSON *data = cJSON_GetObjectItemCaseSensitive(ev, "data");
            const cJSON *e;
            cJSON_ArrayForEach(e, data)
            {
                const cJSON *y = cJSON_GetObjectItemCaseSensitive(e, "yield_id");
                if (cJSON_IsString(y) && strcmp(y->valuestring, yid) == 0) {
                    cJSON *copy = cJSON_Duplicate(e, true);
                    cJSON_Delete(ev);
                    return copy;
                }
            }
            cJSON_Delete(ev);
        }
    }
    return NULL;
}

/* The events of one block, in order: block, tx.outcome per tx, yield.* per yield event. */
static cJSON *block_events(const struct node_block *b, const struct runtime_block_result *res)
{
    cJSON *list = cJSON_CreateArray();
    cJSON *blk = cJSON_CreateObject();
    cJSON_AddStringToObject(blk, "topic", "block");
    json_add_u64(blk, "height", b->height);
    add_hash(blk, "hash", b->hash);
    add_hash(blk, "prev_hash", b->prev_hash);
    json_add_u64(blk, "timestamp_ns", b->timestamp_ns);
    json_add_u64(blk, "txs", b->n_txs);
    json_add_u64(blk, "receipts", b->n_receipts);
    json_add_u64(blk, "gas_burnt", b->gas_burnt);
    cJSON_AddItemToArray(list, blk);
    for (size_t i = 0; i < res->outcomes.n; i++) {
        const struct outcome *o = &res->outcomes.v[i];
        if (!o->is_tx) {
            continue;
        }
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "topic", "tx.outcome");
        add_hash(e, "tx_hash", o->id);
        cJSON_AddStringToObject(e, "signer_id", o->executor_id);
        json_add_u64(e, "height", b->height);
        add_hash(e, "block_hash", b->hash);
        cJSON_AddItemToObject(e, "outcome", outcome_to_json(o));
        cJSON_AddItemToArray(list, e);
    }
    for (size_t i = 0; i < res->n_yields; i++) {
        const struct runtime_yield_event *y = &res->yields[i];
        const char *topic = y->kind == RUNTIME_YIELD_CREATED   ? "yield.created"
                            : y->kind == RUNTIME_YIELD_RESUMED ? "yield.resumed"
                            : y->kind == RUNTIME_YIELD_TIMEOUT ? "yield.timeout"
                                                               : NULL;
        if (topic == NULL) {
            continue; /* EXECUTED: the callback's tx.outcome/receipt says it */
        }
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "topic", topic);
        cJSON_AddStringToObject(e, "account", y->account);
        add_hash(e, "data_id", y->data_id);
        add_hash(e, "receipt_id", y->receipt_id);
        json_add_u64(e, "height", b->height);
        if (y->kind == RUNTIME_YIELD_CREATED) {
            json_add_u64(e, "expires_height", y->expires_height);
            cJSON *req = find_request(&res->outcomes, y->account, y->data_id);
            if (req != NULL) {
                cJSON_AddItemToObject(e, "request", req);
            }
        }
        cJSON_AddItemToArray(list, e);
    }
    return list;
}

/* Takes up to NODE_MAX_BLOCK_TXS transactions from the front of the mempool. */
static struct pool_entry *take_txs(struct node *node, size_t *n)
{
    pthread_mutex_lock(&node->mu);
    size_t k = node->pool_n < NODE_MAX_BLOCK_TXS ? node->pool_n : NODE_MAX_BLOCK_TXS;
    struct pool_entry *v = NULL;
    if (k > 0) {
        v = yb_xmalloc(k * sizeof *v);
        memcpy(v, node->pool, k * sizeof *v);
        memmove(node->pool, node->pool + k, (node->pool_n - k) * sizeof *v);
        node->pool_n -= k;
    }
    pthread_mutex_unlock(&node->mu);
    *n = k;
    return v;
}

static void free_entries(struct pool_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tx_signed_free(v[i].st);
        free(v[i].bytes);
    }
    free(v);
}

/* Puts transactions back at the front after a failed block. */
static void requeue(struct node *node, struct pool_entry *v, size_t n)
{
    pthread_mutex_lock(&node->mu);
    if (node->pool_n + n > node->pool_cap) {
        node->pool_cap = node->pool_n + n;
        node->pool = yb_xrealloc(node->pool, node->pool_cap * sizeof *node->pool);
    }
    memmove(node->pool + n, node->pool, node->pool_n * sizeof *v);
    memcpy(node->pool, v, n * sizeof *v);
    node->pool_n += n;
    pthread_mutex_unlock(&node->mu);
    free(v);
}

/* Completes the waiters this block satisfied. Called after the commit; hashes is the block's
 * sorted tx hashes plus those dropped as already committed. */
static void complete_waiters(struct node *node, const struct node_block *b,
                             uint8_t (*sorted)[NEAR_HASH_LEN], size_t n_sorted, bool executed)
{
    pthread_mutex_lock(&node->mu);
    struct waiter *list = node->waiters;
    node->waiters = NULL;
    pthread_mutex_unlock(&node->mu);

    struct node_snapshot snap;
    bool have_snap = node_snapshot_begin(node, &snap) == YB_OK;
    struct waiter *keep = NULL, *next;
    for (struct waiter *w = list; w != NULL; w = next) {
        next = w->next;
        bool fire = false;
        struct node_tx_result r = {.err = YB_OK};
        memcpy(r.hash, w->hash, NEAR_HASH_LEN);
        if (!w->included && n_sorted > 0 &&
            bsearch(w->hash, sorted, n_sorted, NEAR_HASH_LEN, cmp_hash) != NULL) {
            struct node_tx t;
            if (have_snap && node_tx_get(snap.txn, w->hash, &t) == YB_OK) {
                w->included = true;
                w->height = t.block_height;
                memcpy(w->block_hash, t.block_hash, NEAR_HASH_LEN);
                node_tx_fini(&t);
            }
        }
        if (w->included) {
            r.reached = NODE_WAIT_INCLUDED_FINAL;
            r.block_height = w->height;
            memcpy(r.block_hash, w->block_hash, NEAR_HASH_LEN);
            if (!wants_execution(w->level)) {
                fire = true;
            } else if (executed && have_snap) {
                struct node_outcome *v;
                size_t n;
                bool complete = false;
                if (node_tx_tree(snap.txn, w->hash, &v, &n, &complete) == YB_OK) {
                    node_outcomes_free(v, n);
                }
                if (complete) {
                    r.reached = NODE_WAIT_FINAL;
                    fire = true;
                }
            }
        }
        if (fire) {
            w->done(w->arg, &r);
            free(w);
        } else {
            w->next = keep;
            keep = w;
        }
    }
    if (have_snap) {
        node_snapshot_end(&snap);
    }
    (void)b;
    pthread_mutex_lock(&node->mu);
    while (keep != NULL) {
        next = keep->next;
        keep->next = node->waiters;
        node->waiters = keep;
        keep = next;
    }
    pthread_mutex_unlock(&node->mu);
}

/*
 * Produces one block at head + delta: transactions from the mempool, the patch (may be NULL)
 * first, all in one store txn with the block record, tx and outcome records, the head pointer
 * and the event sequence; then commits, publishes events and completes waiters.
 */
static int produce_block(struct node *node, uint64_t delta, const cJSON *patch)
{
    size_t n_take;
    struct pool_entry *take = take_txs(node, &n_take);
    struct node_head head;
    node_get_head(node, &head);

    struct store_txn *snap = NULL, *txn = NULL;
    int rc = store_snapshot_begin(node->store, &snap);
    rc = rc ? rc : store_write_begin(node->store, &txn);
    if (rc != YB_OK) {
        store_snapshot_end(snap);
        requeue(node, take, n_take);
        return rc;
    }
    if (patch != NULL) {
        rc = node_patch_apply(txn, &node->rt, patch);
    }
    /* A tx committed earlier (a resend racing its own commit) must not run twice: drop it. */
    const struct tx_signed **txs = yb_xcalloc(n_take ? n_take : 1, sizeof *txs);
    size_t n_txs = 0;
    uint8_t(*seen)[NEAR_HASH_LEN] = yb_xmalloc((n_take ? n_take : 1) * NEAR_HASH_LEN);
    for (size_t i = 0; i < n_take; i++) {
        memcpy(seen[i], take[i].st->hash, NEAR_HASH_LEN);
        if (!node_store_tx_exists(txn, take[i].st->hash)) {
            txs[n_txs++] = take[i].st;
        }
    }
    struct node_block b = {0};
    b.height = head.height + delta;
    b.prev_height = head.height;
    memcpy(b.prev_hash, head.hash, NEAR_HASH_LEN);
    uint64_t step_ns = node->cfg.block_time_ms * 1000000ULL;
    uint64_t ts = head.timestamp_ns + (delta > 1 ? delta * step_ns : 1);
    uint64_t wall = wall_ns();
    b.timestamp_ns = wall > ts ? wall : ts;
    uint8_t seed_in[NEAR_HASH_LEN + 8];
    memcpy(seed_in, head.hash, NEAR_HASH_LEN);
    memcpy(seed_in + NEAR_HASH_LEN, &b.height, 8);
    crypto_sha256(seed_in, sizeof seed_in, b.random_seed);
    b.gas_price = NODE_GAS_PRICE;

    struct runtime_block_result res;
    runtime_block_result_init(&res);
    if (rc == YB_OK) {
        struct runtime_block blk = {.height = b.height,
                                    .timestamp_ns = b.timestamp_ns,
                                    .txs = txs,
                                    .n_txs = n_txs,
                                    .verify_signatures = false,
                                    .block_lookup = node_store_lookup_block,
                                    .block_lookup_ctx = snap};
        memcpy(blk.random_seed, b.random_seed, NEAR_HASH_LEN);
        rc = runtime_apply_block(&node->rt, txn, &blk, &res);
    }
    size_t n_receipts = 0;
    if (rc == YB_OK) {
        b.n_txs = n_txs;
        b.tx_hashes = yb_xmalloc((n_txs ? n_txs : 1) * NEAR_HASH_LEN);
        for (size_t i = 0; i < n_txs; i++) {
            memcpy(b.tx_hashes[i], txs[i]->hash, NEAR_HASH_LEN);
        }
        crypto_sha256((const uint8_t *)b.tx_hashes, n_txs * NEAR_HASH_LEN, b.chunk_hash);
        b.receipt_ids = yb_xmalloc((res.outcomes.n ? res.outcomes.n : 1) * NEAR_HASH_LEN);
        for (size_t i = 0; i < res.outcomes.n; i++) {
            if (!res.outcomes.v[i].is_tx) {
                memcpy(b.receipt_ids[n_receipts++], res.outcomes.v[i].id, NEAR_HASH_LEN);
            }
        }
        b.n_receipts = n_receipts;
        b.gas_burnt = res.gas_burnt;
        b.tokens_burnt = res.tokens_burnt;
        rc = node_store_block_put(txn, &b);
    }
    for (size_t i = 0; rc == YB_OK && i < n_take; i++) {
        bool included = false;
        for (size_t k = 0; k < n_txs && !included; k++) {
            included = txs[k] == take[i].st;
        }
        if (included) {
            rc = node_store_tx_put(txn, take[i].st->hash, b.height, b.hash, take[i].bytes,
                                   take[i].len);
        }
    }
    for (size_t i = 0; rc == YB_OK && i < res.outcomes.n; i++) {
        rc = node_store_outcome_put(txn, &res.outcomes.v[i], b.height, b.hash);
    }
    cJSON *events = NULL;
    uint64_t pending = 0;
    if (rc == YB_OK) {
        events = block_events(&b, &res);
        rc = node_store_meta_put(txn, "head", b.height);
        rc = rc ? rc
                : node_store_meta_put(txn, "seq", node->seq + (uint64_t)cJSON_GetArraySize(events));
        rc = rc ? rc : runtime_pending_yields(txn, &pending);
    }
    if (rc == YB_OK) {
        rc = store_commit(txn);
        txn = NULL;
    }
    store_abort(txn);
    store_snapshot_end(snap);
    free(txs);
    if (rc != YB_OK) {
        log_error("CHAIN-BLOCK", "block %llu failed: %s", (unsigned long long)b.height,
                  yb_err_str(rc));
        cJSON_Delete(events);
        runtime_block_result_fini(&res);
        node_block_fini(&b);
        free(seen);
        requeue(node, take, n_take);
        return rc;
    }

    /* Committed: publish the head, then the events, then answer the waiters. */
    pthread_mutex_lock(&node->mu);
    node->head.height = b.height;
    memcpy(node->head.hash, b.hash, NEAR_HASH_LEN);
    node->head.timestamp_ns = b.timestamp_ns;
    for (size_t i = 0; i < n_take; i++) {
        set_del(node, take[i].st->hash);
    }
    pthread_mutex_unlock(&node->mu);
    atomic_store(&node->last_block_ms, now_ms());
    node->queued = res.n_queued;
    struct node_metrics *m = &node->metrics;
    atomic_fetch_add(&m->blocks, 1);
    atomic_fetch_add(&m->txs, n_txs);
    atomic_fetch_add(&m->receipts, res.n_receipts);
    atomic_store(&m->pending_yields, pending);
    for (size_t i = 0; i < res.n_yields; i++) {
        if (res.yields[i].kind == RUNTIME_YIELD_RESUMED) {
            atomic_fetch_add(&m->resumes, 1);
        } else if (res.yields[i].kind == RUNTIME_YIELD_TIMEOUT) {
            atomic_fetch_add(&m->timeouts, 1);
        }
    }
    cJSON *e;
    cJSON_ArrayForEach(e, events)
    {
        cJSON *topic = cJSON_DetachItemFromObjectCaseSensitive(e, "topic");
        node_events_publish(node->events, topic->valuestring, e, ++node->seq);
        cJSON_Delete(topic);
    }
    cJSON_Delete(events);
    log_debug("CHAIN-BLOCK", "block %llu: %zu txs, %zu receipts, %zu queued",
              (unsigned long long)b.height, n_txs, res.n_receipts, res.n_queued);

    qsort(seen, n_take, NEAR_HASH_LEN, cmp_hash);
    complete_waiters(node, &b, seen, n_take, res.outcomes.n > 0);
    free(seen);
    runtime_block_result_fini(&res);
    node_block_fini(&b);
    free_entries(take, n_take);
    return YB_OK;
}

int node_produce_now(struct node *node, uint64_t delta)
{
    return produce_block(node, delta, NULL);
}

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
            for (uint64_t i = 0; rc == YB_OK && i < c->n; i++) {
                rc = produce_block(node, 1, NULL);
            }
        } else if (c->kind == CTL_FAST_FORWARD) {
            rc = produce_block(node, c->n, NULL);
        } else {
            rc = produce_block(node, 1, c->records);
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
    node->run_err = produce_block(node, 1, NULL);
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
    int64_t now = now_ms();
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
    char dir[sizeof node->cfg.home + 8];
    snprintf(dir, sizeof dir, "%s/data", node->cfg.home);
    struct store_options so;
    store_options_default(&so);
    so.sync = node->cfg.store_sync;
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
    atomic_store(&node->last_tick_ms, now_ms());
    atomic_store(&node->last_block_ms, now_ms());
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
    store_close(node->store);
    runtime_fini(&node->rt);
    node_metrics_fini(&node->metrics);
    pthread_mutex_destroy(&node->mu);
    free(node->set);
    free(node->set_state);
    free(node);
}
