/*
 * store.c — the LMDB implementation of store.h.
 *
 * Each column is an LMDB named database opened once, at store_open, in its own write
 * transaction: LMDB database handles opened that way stay valid for the environment's lifetime
 * and may be used by every later transaction, read or write, from any thread.
 *
 * The struct store_txn wrapper exists for three reasons LMDB alone does not cover: it knows
 * whether it is a snapshot (so writes get YB_EPERM instead of EACCES), it tracks its open child
 * (using a parent while a child is open is undefined behaviour in LMDB, here it is YB_EBUSY), and
 * it tracks its iterators (LMDB frees write-txn cursors at commit but not read-only ones; we
 * close both ourselves so an iterator left open is never a leak or a double free).
 *
 * Nested transactions are not LMDB's: they share their parent's LMDB txn and keep an undo
 * journal (the value each key had before the child first wrote it). Commit keeps the writes
 * (handing the journal to a nested parent, so that the parent's abort still undoes them);
 * abort replays the journal backwards. LMDB's own nested txns cost a 3 MiB allocation to begin,
 * a copy of every page touched and a merge at commit — a block runs one per receipt, and those
 * costs were several times the undo journal's one extra read per write.
 */
#include "store.h"

#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "log.h"
#include "mem.h"

struct store {
    MDB_env *env;
    MDB_dbi dbi[STORE_MAX_COLUMNS];
    unsigned n_columns;
    size_t max_map_size;

    /* Guards the fields below: the write slot, the snapshot count and map growth, which LMDB
     * only allows while no transaction of this process is active. */
    pthread_mutex_t lock;
    bool write_open;
    unsigned snapshots;
    bool grow_pending; /* a write hit MDB_MAP_FULL; grow at the next store_write_begin */
    size_t map_size;
};

/* The undo journal of a nested txn: entries of [col u32][key_len u32][val_len u32 or
 * JOURNAL_ABSENT][key][value] in bytes, and where each starts (replayed last to first). */
#define JOURNAL_ABSENT UINT32_MAX
struct store_journal {
    uint8_t *bytes;
    size_t len, cap;
    size_t *starts;
    size_t n, cap_starts;
};

struct store_txn {
    struct store *s;
    MDB_txn *txn; /* a nested txn shares its parent's */
    struct store_txn *parent;
    struct store_txn *child;
    struct store_iter *iters; /* open iterators, closed when the txn ends */
    bool snapshot;
    bool nested;
    struct store_journal journal; /* nested only */
    /* Nested only: the last store_get, while no write has happened since. The runtime reads
     * most keys right before writing them (a storage_write's old value, queue indices), so the
     * journal takes the old value from here instead of reading it a second time. */
    struct {
        bool valid;
        bool found;
        unsigned col;
        size_t key_len;
        MDB_val val;
        uint8_t key[STORE_KEY_MAX];
    } last_get;
    int failed; /* first yb error of a put/del: LMDB has poisoned the txn */
};

static int store_write_failed(struct store_txn *txn, int err);

struct store_iter {
    struct store_txn *owner; /* NULL once the owning txn ended */
    struct store_iter *next;
    struct store_iter **pprev;
    MDB_cursor *cur;
    uint8_t prefix[STORE_KEY_MAX];
    size_t prefix_len;
    uint8_t start[STORE_KEY_MAX];
    size_t start_len;
    bool started;
    bool done;
};

/* The one boundary where LMDB codes become yb errors. Unexpected codes are logged with their
 * LMDB text because YB_ESTORE alone would not tell an operator what went wrong. */
static int store_err(int rc, const char *where)
{
    switch (rc) {
    case MDB_SUCCESS:
        return YB_OK;
    case MDB_NOTFOUND:
        return YB_ENOTFOUND;
    case MDB_MAP_FULL:
        return YB_ESTORE_FULL;
    case MDB_READERS_FULL:
        log_warn("STORE-LMDB", "%s: %s", where, mdb_strerror(rc));
        return YB_EBUSY;
    default:
        log_error("STORE-LMDB", "%s: %s (%d)", where, mdb_strerror(rc), rc);
        return YB_ESTORE;
    }
}

void store_options_default(struct store_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->map_size = STORE_DEFAULT_MAP_SIZE;
    opts->max_map_size = STORE_DEFAULT_MAX_MAP_SIZE;
    opts->sync = true;
    opts->write_map = true;
    opts->max_readers = STORE_DEFAULT_READERS;
    opts->n_columns = STORE_MAX_COLUMNS;
}

static int store_make_dir(const char *dir)
{
    if (mkdir(dir, 0700) == 0) {
        return YB_OK;
    }
    if (errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
            return YB_OK;
        }
    }
    log_error("STORE-DIR", "cannot create %s: %s", dir, strerror(errno));
    return YB_EIO;
}

static int store_open_columns(struct store *s, const struct store_options *o)
{
    MDB_txn *txn = NULL;
    int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
    if (rc != MDB_SUCCESS) {
        return store_err(rc, "open columns: txn_begin");
    }
    for (unsigned i = 0; i < s->n_columns; i++) {
        char name[16];
        const char *n = name;
        if (o->column_names) {
            n = o->column_names[i];
        } else {
            snprintf(name, sizeof name, "col%u", i);
        }
        rc = mdb_dbi_open(txn, n, MDB_CREATE, &s->dbi[i]);
        if (rc != MDB_SUCCESS) {
            mdb_txn_abort(txn);
            return store_err(rc, "open columns: dbi_open");
        }
    }
    return store_err(mdb_txn_commit(txn), "open columns: commit");
}

static int store_check_options(const struct store_options *o)
{
    if (o->n_columns > STORE_MAX_COLUMNS) {
        return YB_EINVAL;
    }
    if (o->column_names) {
        for (unsigned i = 0; i < o->n_columns; i++) {
            if (!o->column_names[i] || !o->column_names[i][0]) {
                return YB_EINVAL;
            }
        }
    }
    return YB_OK;
}

int store_open(const char *dir, const struct store_options *opts, struct store **out)
{
    struct store_options o;
    if (opts) {
        o = *opts;
    } else {
        store_options_default(&o);
    }
    if (!dir || !out) {
        return YB_EINVAL;
    }
    if (o.map_size == 0) {
        o.map_size = STORE_DEFAULT_MAP_SIZE;
    }
    if (o.max_map_size < o.map_size) {
        o.max_map_size = o.map_size;
    }
    if (o.max_readers == 0) {
        o.max_readers = STORE_DEFAULT_READERS;
    }
    if (o.n_columns == 0) {
        if (o.column_names) {
            return YB_EINVAL;
        }
        o.n_columns = STORE_MAX_COLUMNS;
    }
    int err = store_check_options(&o);
    if (err) {
        return err;
    }
    err = store_make_dir(dir);
    if (err) {
        return err;
    }

    struct store *s = yb_xcalloc(1, sizeof *s);
    s->n_columns = o.n_columns;
    s->max_map_size = o.max_map_size;
    s->map_size = o.map_size;
    pthread_mutex_init(&s->lock, NULL);

    int rc = mdb_env_create(&s->env);
    if (rc == MDB_SUCCESS) {
        rc = mdb_env_set_mapsize(s->env, o.map_size);
    }
    if (rc == MDB_SUCCESS) {
        rc = mdb_env_set_maxdbs(s->env, o.n_columns);
    }
    if (rc == MDB_SUCCESS) {
        rc = mdb_env_set_maxreaders(s->env, o.max_readers);
    }
    if (rc == MDB_SUCCESS) {
        /* MDB_NOTLS: reader slots belong to transactions, not threads, so a snapshot may be
         * begun on one thread and ended on another. */
        unsigned flags = MDB_NOTLS;
        /* MDB_NORDAHEAD: pages are read where the B-trees lead, never in file order. One
         * profile under the oracle benchmark showed the kernel's readahead around faults
         * zero-filling pages LMDB had not written yet (~4% of yb-chain's samples); alternating
         * A/B runs showed no difference in CPU per answer beyond the noise (±3%). */
        flags |= MDB_NORDAHEAD;
        /* MDB_WRITEMAP is possible because nested txns are ours (LMDB's refuse it); with it a
         * commit neither copies pages into malloc'd buffers nor writes them with writev. */
        if (o.write_map) {
            flags |= MDB_WRITEMAP;
        }
        if (!o.sync) {
            flags |= MDB_NOSYNC | MDB_NOMETASYNC;
        }
        rc = mdb_env_open(s->env, dir, flags, 0600);
    }
    err = store_err(rc, "open");
    if (!err) {
        /* Reader slots of a process killed mid-snapshot would otherwise stay taken. */
        int dead = 0;
        mdb_reader_check(s->env, &dead);
        err = store_open_columns(s, &o);
    }
    if (!err) {
        /* LMDB may have adopted a larger size recorded in an existing environment. */
        MDB_envinfo info;
        mdb_env_info(s->env, &info);
        s->map_size = info.me_mapsize;
        *out = s;
        return YB_OK;
    }
    if (s->env) {
        mdb_env_close(s->env);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
    return err;
}

void store_close(struct store *s)
{
    if (!s) {
        return;
    }
    mdb_env_close(s->env);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int store_info(struct store *s, struct store_info *out)
{
    MDB_envinfo info;
    MDB_stat st;
    int err = store_err(mdb_env_info(s->env, &info), "env_info");
    if (!err) {
        err = store_err(mdb_env_stat(s->env, &st), "env_stat");
    }
    if (err) {
        return err;
    }
    out->map_size = info.me_mapsize;
    out->used_bytes = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
    out->max_readers = info.me_maxreaders;
    out->readers_used = info.me_numreaders;
    pthread_mutex_lock(&s->lock);
    out->snapshots = s->snapshots;
    pthread_mutex_unlock(&s->lock);
    return YB_OK;
}

int store_sync(struct store *s)
{
    return store_err(mdb_env_sync(s->env, 1), "sync");
}

/* Double the map size (capped at max_map_size) after a MAP_FULL. Called with the lock held and
 * no write transaction open; LMDB also requires that no snapshot is open. */
static void store_grow_locked(struct store *s)
{
    if (!s->grow_pending || s->snapshots > 0 || s->map_size >= s->max_map_size) {
        return;
    }
    size_t next = s->map_size > s->max_map_size / 2 ? s->max_map_size : s->map_size * 2;
    int rc = mdb_env_set_mapsize(s->env, next);
    if (rc == MDB_SUCCESS) {
        log_info("STORE-GROW", "map size %zu -> %zu bytes", s->map_size, next);
        s->map_size = next;
        s->grow_pending = false;
    } else {
        store_err(rc, "grow map");
    }
}

static struct store_txn *store_txn_new(struct store *s, MDB_txn *txn, struct store_txn *parent,
                                       bool snapshot)
{
    struct store_txn *t = yb_xcalloc(1, sizeof *t);
    t->s = s;
    t->txn = txn;
    t->parent = parent;
    t->snapshot = snapshot;
    return t;
}

int store_write_begin(struct store *s, struct store_txn **out)
{
    pthread_mutex_lock(&s->lock);
    if (s->write_open) {
        pthread_mutex_unlock(&s->lock);
        return YB_EBUSY;
    }
    store_grow_locked(s);
    s->write_open = true;
    pthread_mutex_unlock(&s->lock);

    MDB_txn *txn = NULL;
    int err = store_err(mdb_txn_begin(s->env, NULL, 0, &txn), "write_begin");
    if (err) {
        pthread_mutex_lock(&s->lock);
        s->write_open = false;
        pthread_mutex_unlock(&s->lock);
        return err;
    }
    *out = store_txn_new(s, txn, NULL, false);
    return YB_OK;
}

int store_nested_begin(struct store_txn *parent, struct store_txn **out)
{
    if (parent->snapshot) {
        return YB_EPERM;
    }
    if (parent->child) {
        return YB_EBUSY;
    }
    struct store_txn *t = store_txn_new(parent->s, parent->txn, parent, false);
    /* The child may write anything: the parent's remembered read would go stale. */
    parent->last_get.valid = false;
    t->nested = true;
    t->failed = parent->failed;
    parent->child = t;
    *out = t;
    return YB_OK;
}

/* ---- undo journal of nested txns ---- */

static uint8_t *journal_reserve(struct store_journal *j, size_t n)
{
    if (j->cap - j->len < n) {
        size_t cap = j->cap ? j->cap : 1024;
        while (cap - j->len < n) {
            cap *= 2;
        }
        j->bytes = yb_xrealloc(j->bytes, cap);
        j->cap = cap;
    }
    if (j->n == j->cap_starts) {
        j->cap_starts = j->cap_starts ? j->cap_starts * 2 : 16;
        j->starts = yb_xrealloc(j->starts, j->cap_starts * sizeof *j->starts);
    }
    j->starts[j->n++] = j->len;
    uint8_t *p = j->bytes + j->len;
    j->len += n;
    return p;
}

/* Record that (col, key) held v (NULL: absent) before this write. */
static void journal_add(struct store_journal *j, unsigned col, const MDB_val *k, const MDB_val *v)
{
    uint32_t h[3] = {col, (uint32_t)k->mv_size, v ? (uint32_t)v->mv_size : JOURNAL_ABSENT};
    uint8_t *p = journal_reserve(j, sizeof h + k->mv_size + (v ? v->mv_size : 0));
    memcpy(p, h, sizeof h);
    memcpy(p + sizeof h, k->mv_data, k->mv_size);
    if (v && v->mv_size) {
        memcpy(p + sizeof h + k->mv_size, v->mv_data, v->mv_size);
    }
}

/* Before txn (nested) writes key: note what it holds now. *existed says whether it exists.
 * Errors: YB_ESTORE (the read failed). */
static int journal_before_write(struct store_txn *txn, unsigned col, const MDB_val *k,
                                bool *existed)
{
    MDB_val old;
    int rc;
    if (txn->last_get.valid && txn->last_get.col == col && txn->last_get.key_len == k->mv_size &&
        memcmp(txn->last_get.key, k->mv_data, k->mv_size) == 0) {
        rc = txn->last_get.found ? MDB_SUCCESS : MDB_NOTFOUND;
        old = txn->last_get.val;
    } else {
        rc = mdb_get(txn->txn, txn->s->dbi[col], (MDB_val *)k, &old);
    }
    /* Whatever happens next is a write: the remembered slice dies with it. */
    txn->last_get.valid = false;
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
        return store_err(rc, "journal");
    }
    *existed = rc == MDB_SUCCESS;
    journal_add(&txn->journal, col, k, *existed ? &old : NULL);
    return YB_OK;
}

/* Puts every key of txn's journal back as it was, newest change first. */
static int journal_undo(struct store_txn *txn)
{
    struct store_journal *j = &txn->journal;
    int err = YB_OK;
    for (size_t i = j->n; i-- > 0 && err == YB_OK;) {
        const uint8_t *p = j->bytes + j->starts[i];
        uint32_t h[3];
        memcpy(h, p, sizeof h);
        MDB_val k = {.mv_size = h[1], .mv_data = (void *)(p + sizeof h)};
        int rc;
        if (h[2] == JOURNAL_ABSENT) {
            rc = mdb_del(txn->txn, txn->s->dbi[h[0]], &k, NULL);
            rc = rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
        } else {
            MDB_val v = {.mv_size = h[2], .mv_data = (void *)(p + sizeof h + h[1])};
            rc = mdb_put(txn->txn, txn->s->dbi[h[0]], &k, &v, 0);
        }
        err = store_err(rc, "undo");
    }
    return err;
}

/* Hands child's journal to its nested parent, after the parent's own entries. */
static void journal_append(struct store_journal *to, const struct store_journal *from)
{
    for (size_t i = 0; i < from->n; i++) {
        size_t end = i + 1 < from->n ? from->starts[i + 1] : from->len;
        size_t n = end - from->starts[i];
        memcpy(journal_reserve(to, n), from->bytes + from->starts[i], n);
    }
}

static void journal_free(struct store_journal *j)
{
    free(j->bytes);
    free(j->starts);
    memset(j, 0, sizeof *j);
}

/* Detach every iterator of t; their cursors are closed here, while the txn is still alive. */
static void store_txn_close_iters(struct store_txn *t)
{
    while (t->iters) {
        struct store_iter *it = t->iters;
        t->iters = it->next;
        mdb_cursor_close(it->cur);
        it->cur = NULL;
        it->owner = NULL;
        it->next = NULL;
        it->pprev = NULL;
        it->done = true;
    }
}

/* Free t and its open descendants (their LMDB txns are already gone or about to be). */
static void store_txn_release(struct store_txn *t)
{
    if (t->child) {
        store_txn_release(t->child);
        t->child = NULL;
    }
    journal_free(&t->journal);
    if (t->parent) {
        t->parent->child = NULL;
    } else if (!t->snapshot) {
        pthread_mutex_lock(&t->s->lock);
        t->s->write_open = false;
        pthread_mutex_unlock(&t->s->lock);
    }
    free(t);
}

static void store_note_full(struct store *s, int err)
{
    if (err == YB_ESTORE_FULL) {
        pthread_mutex_lock(&s->lock);
        s->grow_pending = true;
        pthread_mutex_unlock(&s->lock);
    }
}

/* Close the iterators of t and of all its descendants, deepest first. */
static void store_txn_close_all_iters(struct store_txn *t)
{
    if (t->child) {
        store_txn_close_all_iters(t->child);
    }
    store_txn_close_iters(t);
}

int store_commit(struct store_txn *txn)
{
    if (txn->snapshot) {
        return YB_EPERM;
    }
    if (txn->child) {
        return YB_EBUSY;
    }
    store_txn_close_iters(txn);
    int err;
    if (txn->nested) {
        /* The writes are already in the shared LMDB txn; a nested parent takes over the
         * journal so that its own abort can still undo them. */
        err = txn->failed;
        if (!err && txn->parent->nested) {
            journal_append(&txn->parent->journal, &txn->journal);
        }
    } else if (txn->failed) {
        /* LMDB refuses to commit a poisoned txn; report the original cause, not MDB_BAD_TXN. */
        mdb_txn_abort(txn->txn);
        err = txn->failed;
    } else {
        err = store_err(mdb_txn_commit(txn->txn), "commit");
    }
    if (err && txn->parent) {
        /* The parent's pages may already reflect the child's allocation failure. */
        txn->parent->failed = txn->parent->failed ? txn->parent->failed : err;
    }
    store_note_full(txn->s, err);
    store_txn_release(txn);
    return err;
}

void store_abort(struct store_txn *txn)
{
    if (!txn || txn->snapshot) {
        return;
    }
    store_txn_close_all_iters(txn);
    if (txn->nested) {
        /* Children first: their changes are the newest. A failed undo leaves the shared LMDB
         * txn in an unknown state, so the parent is poisoned: it can only be aborted. */
        struct store_txn *deepest = txn;
        while (deepest->child != NULL) {
            deepest = deepest->child;
        }
        int err = YB_OK;
        for (struct store_txn *u = deepest; err == YB_OK; u = u->parent) {
            err = u->failed ? u->failed : journal_undo(u);
            if (u == txn) {
                break;
            }
        }
        if (err) {
            store_write_failed(txn->parent, err);
        }
    } else {
        /* mdb_txn_abort aborts the open children of txn too (they share or nest in it). */
        mdb_txn_abort(txn->txn);
    }
    store_txn_release(txn);
}

int store_snapshot_begin(struct store *s, struct store_txn **out)
{
    pthread_mutex_lock(&s->lock);
    s->snapshots++;
    pthread_mutex_unlock(&s->lock);
    MDB_txn *txn = NULL;
    int err = store_err(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn), "snapshot_begin");
    if (err) {
        pthread_mutex_lock(&s->lock);
        s->snapshots--;
        pthread_mutex_unlock(&s->lock);
        return err;
    }
    *out = store_txn_new(s, txn, NULL, true);
    return YB_OK;
}

void store_snapshot_end(struct store_txn *snap)
{
    if (!snap || !snap->snapshot) {
        return;
    }
    struct store *s = snap->s;
    store_txn_close_iters(snap);
    mdb_txn_abort(snap->txn);
    free(snap);
    pthread_mutex_lock(&s->lock);
    s->snapshots--;
    pthread_mutex_unlock(&s->lock);
}

bool store_txn_is_snapshot(const struct store_txn *txn)
{
    return txn->snapshot;
}

/* Common argument checks of every keyed operation. */
static int store_check_key(const struct store_txn *txn, unsigned col, const void *key,
                           size_t key_len)
{
    if (col >= txn->s->n_columns || !key || key_len == 0) {
        return YB_EINVAL;
    }
    if (key_len > STORE_KEY_MAX) {
        return YB_ETOOBIG;
    }
    if (txn->child) {
        return YB_EBUSY;
    }
    return YB_OK;
}

int store_get(struct store_txn *txn, unsigned col, const void *key, size_t key_len,
              struct store_slice *val)
{
    int err = store_check_key(txn, col, key, key_len);
    if (err) {
        return err;
    }
    MDB_val k = {.mv_size = key_len, .mv_data = (void *)key};
    MDB_val v;
    err = store_err(mdb_get(txn->txn, txn->s->dbi[col], &k, &v), "get");
    if (txn->nested && (err == YB_OK || err == YB_ENOTFOUND)) {
        txn->last_get.valid = true;
        txn->last_get.found = err == YB_OK;
        txn->last_get.col = col;
        txn->last_get.key_len = key_len;
        txn->last_get.val = v;
        memcpy(txn->last_get.key, key, key_len);
    }
    if (err) {
        return err;
    }
    val->data = v.mv_data;
    val->len = v.mv_size;
    return YB_OK;
}

/* Record a failed write: after anything but NOTFOUND, LMDB has marked the txn as unusable. */
static int store_write_failed(struct store_txn *txn, int err)
{
    /* A nested txn shares its ancestors' LMDB txn: they are poisoned with it. */
    for (struct store_txn *t = txn; err != YB_ENOTFOUND && t != NULL; t = t->parent) {
        if (!t->failed) {
            t->failed = err;
        }
    }
    store_note_full(txn->s, err);
    return err;
}

int store_put(struct store_txn *txn, unsigned col, const void *key, size_t key_len, const void *val,
              size_t val_len)
{
    if (txn->snapshot) {
        return YB_EPERM;
    }
    int err = store_check_key(txn, col, key, key_len);
    if (err) {
        return err;
    }
    if (val_len > STORE_VALUE_MAX) {
        return YB_ETOOBIG;
    }
    if (!val && val_len > 0) {
        return YB_EINVAL;
    }
    if (txn->failed) {
        return txn->failed;
    }
    MDB_val k = {.mv_size = key_len, .mv_data = (void *)key};
    MDB_val v = {.mv_size = val_len, .mv_data = (void *)val};
    if (txn->nested) {
        bool existed;
        err = journal_before_write(txn, col, &k, &existed);
        if (err) {
            return store_write_failed(txn, err);
        }
    }
    err = store_err(mdb_put(txn->txn, txn->s->dbi[col], &k, &v, 0), "put");
    return err ? store_write_failed(txn, err) : YB_OK;
}

int store_del(struct store_txn *txn, unsigned col, const void *key, size_t key_len)
{
    if (txn->snapshot) {
        return YB_EPERM;
    }
    int err = store_check_key(txn, col, key, key_len);
    if (err) {
        return err;
    }
    if (txn->failed) {
        return txn->failed;
    }
    MDB_val k = {.mv_size = key_len, .mv_data = (void *)key};
    if (txn->nested) {
        bool existed;
        err = journal_before_write(txn, col, &k, &existed);
        if (err) {
            return store_write_failed(txn, err);
        }
        if (!existed) {
            txn->journal.n--; /* nothing to undo: the entry just added is dropped */
            txn->journal.len = txn->journal.starts[txn->journal.n];
            return YB_ENOTFOUND;
        }
    }
    err = store_err(mdb_del(txn->txn, txn->s->dbi[col], &k, NULL), "del");
    return err ? store_write_failed(txn, err) : YB_OK;
}

int store_del_prefix(struct store_txn *txn, unsigned col, const void *prefix, size_t prefix_len,
                     uint64_t *removed)
{
    if (txn->snapshot) {
        return YB_EPERM;
    }
    int err = store_check_key(txn, col, prefix, prefix_len);
    if (err) {
        return err;
    }
    if (txn->failed) {
        return txn->failed;
    }
    MDB_cursor *cur = NULL;
    err = store_err(mdb_cursor_open(txn->txn, txn->s->dbi[col], &cur), "cursor_open");
    if (err) {
        return err;
    }
    uint64_t n = 0;
    for (;;) {
        /* Seek afresh after every delete: LMDB's cursor position after mdb_cursor_del is
         * subtle, and a seek costs only a tree descent. */
        MDB_val k = {.mv_size = prefix_len, .mv_data = (void *)prefix};
        MDB_val v;
        int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        if (rc == MDB_NOTFOUND || (rc == MDB_SUCCESS && (k.mv_size < prefix_len ||
                                                         memcmp(k.mv_data, prefix, prefix_len)))) {
            break;
        }
        if (rc == MDB_SUCCESS) {
            if (txn->nested) {
                journal_add(&txn->journal, col, &k, &v);
                txn->last_get.valid = false;
            }
            rc = mdb_cursor_del(cur, 0);
        }
        err = store_err(rc, "del_prefix");
        if (err) {
            store_write_failed(txn, err);
            break;
        }
        n++;
    }
    mdb_cursor_close(cur);
    if (removed) {
        *removed = n;
    }
    return err;
}

int store_iter_begin(struct store_txn *txn, unsigned col, const void *prefix, size_t prefix_len,
                     const void *start, size_t start_len, struct store_iter **out)
{
    if (col >= txn->s->n_columns || (!prefix && prefix_len) || (!start && start_len)) {
        return YB_EINVAL;
    }
    if (prefix_len > STORE_KEY_MAX || start_len > STORE_KEY_MAX) {
        return YB_ETOOBIG;
    }
    if (txn->child) {
        return YB_EBUSY;
    }
    MDB_cursor *cur = NULL;
    int err = store_err(mdb_cursor_open(txn->txn, txn->s->dbi[col], &cur), "cursor_open");
    if (err) {
        return err;
    }
    struct store_iter *it = yb_xcalloc(1, sizeof *it);
    it->cur = cur;
    if (prefix_len) {
        memcpy(it->prefix, prefix, prefix_len);
    }
    it->prefix_len = prefix_len;
    /* The first position is the larger of the prefix and the start key: keys below the
     * prefix can never match it. */
    size_t common = prefix_len < start_len ? prefix_len : start_len;
    int cmp = common ? memcmp(start, prefix, common) : 0;
    if (cmp > 0 || (cmp == 0 && start_len > prefix_len)) {
        memcpy(it->start, start, start_len);
        it->start_len = start_len;
    } else {
        if (prefix_len) {
            memcpy(it->start, prefix, prefix_len);
        }
        it->start_len = prefix_len;
    }
    it->owner = txn;
    it->next = txn->iters;
    if (txn->iters) {
        txn->iters->pprev = &it->next;
    }
    it->pprev = &txn->iters;
    txn->iters = it;
    *out = it;
    return YB_OK;
}

int store_iter_next(struct store_iter *it, struct store_slice *key, struct store_slice *val)
{
    if (it->done) {
        return YB_ENOTFOUND;
    }
    MDB_val k = {0}, v = {0};
    int rc;
    if (it->started) {
        rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);
    } else if (it->start_len == 0) {
        rc = mdb_cursor_get(it->cur, &k, &v, MDB_FIRST);
    } else {
        k.mv_data = it->start;
        k.mv_size = it->start_len;
        rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
    }
    it->started = true;
    int err = store_err(rc, "iter_next");
    if (err == YB_OK &&
        (k.mv_size < it->prefix_len || memcmp(k.mv_data, it->prefix, it->prefix_len) != 0)) {
        err = YB_ENOTFOUND;
    }
    if (err) {
        it->done = true;
        return err;
    }
    if (key) {
        key->data = k.mv_data;
        key->len = k.mv_size;
    }
    if (val) {
        val->data = v.mv_data;
        val->len = v.mv_size;
    }
    return YB_OK;
}

void store_iter_end(struct store_iter *it)
{
    if (!it) {
        return;
    }
    if (it->owner) {
        *it->pprev = it->next;
        if (it->next) {
            it->next->pprev = it->pprev;
        }
        mdb_cursor_close(it->cur);
    }
    free(it);
}

int store_count(struct store_txn *txn, unsigned col, const void *prefix, size_t prefix_len,
                uint64_t *out)
{
    if (col >= txn->s->n_columns || (!prefix && prefix_len)) {
        return YB_EINVAL;
    }
    if (txn->child) {
        return YB_EBUSY;
    }
    if (prefix_len == 0) {
        MDB_stat st;
        int err = store_err(mdb_stat(txn->txn, txn->s->dbi[col], &st), "stat");
        if (!err) {
            *out = st.ms_entries;
        }
        return err;
    }
    struct store_iter *it = NULL;
    int err = store_iter_begin(txn, col, prefix, prefix_len, NULL, 0, &it);
    if (err) {
        return err;
    }
    uint64_t n = 0;
    err = store_iter_next(it, NULL, NULL);
    while (err == YB_OK) {
        n++;
        err = store_iter_next(it, NULL, NULL);
    }
    store_iter_end(it);
    if (err != YB_ENOTFOUND) {
        return err;
    }
    *out = n;
    return YB_OK;
}
