/*
 * journal.c — LMDB-backed answer journal. Every write is its own committed transaction: the
 * point of the journal is that an answer is durable before the respond leaves the process.
 */
#include "journal.h"

#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "codec.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "mem.h"

/* A stored value is an answer plus a few fields; JSON escaping can grow text up to 6x. */
#define JOURNAL_VALUE_MAX (JOURNAL_ANSWER_MAX * 6 + 1024)

struct journal {
    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *group; /* open between journal_group_begin and journal_group_end */
    int group_rc;   /* the first failure inside the group */
};

static const char *const state_names[] = {"answered", "submitted", "done"};

const char *journal_state_name(enum journal_state s)
{
    return (unsigned)s < 3 ? state_names[s] : "unknown";
}

/* The one place LMDB codes become ours. */
static int from_mdb(int rc, const char *what)
{
    if (rc == MDB_SUCCESS) {
        return YB_OK;
    }
    if (rc == MDB_NOTFOUND) {
        return YB_ENOTFOUND;
    }
    log_error("YB-ORACLE-JOURNAL", "%s: %s", what, mdb_strerror(rc));
    return rc == MDB_MAP_FULL ? YB_ESTORE_FULL : YB_ESTORE;
}

int journal_open(const char *dir, size_t map_size, struct journal **out)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_error("YB-ORACLE-JOURNAL", "cannot create %s: %s", dir, strerror(errno));
        return YB_EIO;
    }
    struct journal *j = yb_xcalloc(1, sizeof *j);
    int rc = mdb_env_create(&j->env);
    if (rc == MDB_SUCCESS) {
        rc = mdb_env_set_mapsize(j->env, map_size ? map_size : JOURNAL_MAP_SIZE_DEFAULT);
    }
    if (rc == MDB_SUCCESS) {
        rc = mdb_env_open(j->env, dir, 0, 0600);
    }
    MDB_txn *txn = NULL;
    if (rc == MDB_SUCCESS) {
        rc = mdb_txn_begin(j->env, NULL, 0, &txn);
    }
    if (rc == MDB_SUCCESS) {
        rc = mdb_dbi_open(txn, NULL, 0, &j->dbi);
    }
    if (rc == MDB_SUCCESS) {
        rc = mdb_txn_commit(txn);
        txn = NULL;
    }
    if (rc != MDB_SUCCESS) {
        if (txn) {
            mdb_txn_abort(txn);
        }
        int err = from_mdb(rc, "open journal");
        mdb_env_close(j->env);
        free(j);
        return err;
    }
    *out = j;
    return YB_OK;
}

void journal_close(struct journal *j)
{
    if (!j) {
        return;
    }
    if (j->group) {
        mdb_txn_abort(j->group);
    }
    mdb_env_close(j->env);
    free(j);
}

void journal_entry_fini(struct journal_entry *e)
{
    free(e->answer);
    memset(e, 0, sizeof *e);
}

static bool valid_key(const char *yield_id)
{
    size_t n = strlen(yield_id);
    return n > 0 && n < NEAR_HASH_STR_MAX;
}

static int decode_entry(const char *key, size_t key_len, const MDB_val *v, struct journal_entry *e)
{
    memset(e, 0, sizeof *e);
    if (key_len == 0 || key_len >= sizeof e->yield_id) {
        return YB_EMALFORMED;
    }
    memcpy(e->yield_id, key, key_len);
    cJSON *root = NULL;
    if (json_parse(v->mv_data, v->mv_size, JOURNAL_VALUE_MAX, &root, NULL) != YB_OK) {
        return YB_EMALFORMED;
    }
    const char *state = NULL, *answer = NULL, *hash = NULL, *outcome = NULL;
    int rc = json_get_u64(root, "request_id", &e->request_id);
    if (rc == YB_OK) {
        rc = json_get_u64(root, "expires_height", &e->expires_height);
    }
    if (rc == YB_OK) {
        rc = json_get_str(root, "state", &state);
    }
    if (rc == YB_OK) {
        rc = json_opt_str(root, "answer", "", &answer);
    }
    if (rc == YB_OK) {
        rc = json_opt_str(root, "tx_hash", NULL, &hash);
    }
    if (rc == YB_OK) {
        rc = json_opt_u64(root, "tx_nonce", 0, &e->tx_nonce);
    }
    if (rc == YB_OK) {
        rc = json_opt_str(root, "outcome", "", &outcome);
    }
    if (rc == YB_OK) {
        rc = YB_EMALFORMED;
        for (unsigned s = 0; s < 3; s++) {
            if (strcmp(state, state_names[s]) == 0) {
                e->state = (enum journal_state)s;
                rc = YB_OK;
            }
        }
    }
    if (rc == YB_OK && hash) {
        rc = near_hash_parse(hash, strlen(hash), e->tx_hash);
        e->has_tx_hash = rc == YB_OK;
    }
    if (rc == YB_OK) {
        e->answer_len = strlen(answer);
        e->answer = yb_xstrndup(answer, e->answer_len);
        size_t n = strlen(outcome);
        if (n >= sizeof e->outcome) {
            n = sizeof e->outcome - 1;
        }
        memcpy(e->outcome, outcome, n);
    }
    cJSON_Delete(root);
    return rc == YB_OK ? YB_OK : YB_EMALFORMED;
}

static int write_entry(MDB_txn *txn, MDB_dbi dbi, const struct journal_entry *e, unsigned flags)
{
    cJSON *o = cJSON_CreateObject();
    json_add_u64(o, "request_id", e->request_id);
    json_add_u64(o, "expires_height", e->expires_height);
    cJSON_AddStringToObject(o, "state", journal_state_name(e->state));
    cJSON_AddStringToObject(o, "answer", e->answer ? e->answer : "");
    if (e->has_tx_hash) {
        char hash[NEAR_HASH_STR_MAX];
        near_hash_format(e->tx_hash, hash);
        cJSON_AddStringToObject(o, "tx_hash", hash);
        json_add_u64(o, "tx_nonce", e->tx_nonce);
    }
    if (e->outcome[0]) {
        cJSON_AddStringToObject(o, "outcome", e->outcome);
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        return YB_ENOMEM;
    }
    MDB_val k = {.mv_size = strlen(e->yield_id), .mv_data = (void *)e->yield_id};
    MDB_val v = {.mv_size = strlen(text), .mv_data = text};
    int rc = mdb_put(txn, dbi, &k, &v, flags);
    cJSON_free(text);
    if (rc == MDB_KEYEXIST) {
        return YB_EEXIST;
    }
    return from_mdb(rc, "journal put");
}

static int update_txn(struct journal *j, const char *yield_id,
                      int (*fn)(struct journal_entry *e, bool found, const void *arg),
                      const void *arg);

/* One read-modify-write in one committed transaction. `fn` edits the entry (found says whether
 * one existed) and returns YB_OK to write it back. */
static int update(struct journal *j, const char *yield_id,
                  int (*fn)(struct journal_entry *e, bool found, const void *arg), const void *arg)
{
    if (j->group) {
        /* A refused update (no such entry, a bad argument) writes nothing and leaves the
         * transaction usable; a store failure may not, so it fails the whole group. */
        int rc = update_txn(j, yield_id, fn, arg);
        if (rc != YB_OK && rc != YB_ENOTFOUND && rc != YB_EINVAL && j->group_rc == YB_OK) {
            j->group_rc = rc;
        }
        return rc;
    }
    /* Bookkeeping after the answer (tx hash, outcome) is committed without its own fsync: the
     * next durable commit or journal_sync carries it. Losing it in a crash costs at most a
     * harmless second respond, never a second AI call (the answer itself is durable). */
    mdb_env_set_flags(j->env, MDB_NOSYNC, 1);
    int rc = update_txn(j, yield_id, fn, arg);
    mdb_env_set_flags(j->env, MDB_NOSYNC, 0);
    return rc;
}

static int update_txn(struct journal *j, const char *yield_id,
                      int (*fn)(struct journal_entry *e, bool found, const void *arg),
                      const void *arg)
{
    if (!valid_key(yield_id)) {
        return YB_EINVAL;
    }
    MDB_txn *txn = j->group;
    int rc = txn ? YB_OK : from_mdb(mdb_txn_begin(j->env, NULL, 0, &txn), "journal begin");
    if (rc != YB_OK) {
        return rc;
    }
    struct journal_entry e;
    MDB_val k = {.mv_size = strlen(yield_id), .mv_data = (void *)yield_id};
    MDB_val v;
    int got = mdb_get(txn, j->dbi, &k, &v);
    bool found = got == MDB_SUCCESS;
    if (found) {
        rc = decode_entry(yield_id, k.mv_size, &v, &e);
    } else if (got == MDB_NOTFOUND) {
        memset(&e, 0, sizeof e);
        memcpy(e.yield_id, yield_id, k.mv_size);
    } else {
        rc = from_mdb(got, "journal get");
    }
    if (rc == YB_OK) {
        rc = fn(&e, found, arg);
    }
    if (rc == YB_OK) {
        rc = write_entry(txn, j->dbi, &e, 0);
    }
    if (j->group) {
        /* journal_group_end commits (or, after a failure, aborts) the whole group. */
    } else if (rc == YB_OK) {
        rc = from_mdb(mdb_txn_commit(txn), "journal commit");
    } else {
        mdb_txn_abort(txn);
    }
    journal_entry_fini(&e);
    return rc;
}

int journal_group_begin(struct journal *j)
{
    if (j->group) {
        return YB_EINVAL;
    }
    j->group_rc = YB_OK;
    return from_mdb(mdb_txn_begin(j->env, NULL, 0, &j->group), "journal begin");
}

int journal_group_end(struct journal *j)
{
    MDB_txn *txn = j->group;
    j->group = NULL;
    if (!txn) {
        return YB_EINVAL;
    }
    if (j->group_rc != YB_OK) {
        mdb_txn_abort(txn);
        return j->group_rc;
    }
    /* Bookkeeping only, so no fsync of its own (as update() says). */
    mdb_env_set_flags(j->env, MDB_NOSYNC, 1);
    int rc = from_mdb(mdb_txn_commit(txn), "journal commit");
    mdb_env_set_flags(j->env, MDB_NOSYNC, 0);
    return rc;
}

static int put_answers(struct journal *j, struct journal_answer *a, size_t n, bool sync);

int journal_put_answers(struct journal *j, struct journal_answer *a, size_t n)
{
    return put_answers(j, a, n, true);
}

int journal_put_answers_nosync(struct journal *j, struct journal_answer *a, size_t n)
{
    return put_answers(j, a, n, false);
}

int journal_flush(struct journal *j)
{
    /* What mdb_env_sync does for an environment without MDB_WRITEMAP, on the descriptor that
     * is fixed after open: so it touches no state a committing thread changes. */
    int fd = -1;
    if (mdb_env_get_fd(j->env, &fd) != MDB_SUCCESS || fdatasync(fd) != 0) {
        log_error("YB-ORACLE-JOURNAL", "journal flush failed: %s", strerror(errno));
        return YB_EIO;
    }
    return YB_OK;
}

static int put_answers(struct journal *j, struct journal_answer *a, size_t n, bool sync)
{
    MDB_txn *txn;
    int rc = from_mdb(mdb_txn_begin(j->env, NULL, 0, &txn), "journal begin");
    for (size_t k = 0; k < n; k++) {
        a[k].rc = rc;
    }
    if (rc != YB_OK) {
        return rc;
    }
    for (size_t k = 0; k < n && rc == YB_OK; k++) {
        if (a[k].len > JOURNAL_ANSWER_MAX) {
            a[k].rc = YB_ETOOBIG;
            continue;
        }
        if (!valid_key(a[k].yield_id)) {
            a[k].rc = YB_EINVAL;
            continue;
        }
        struct journal_entry e = {.request_id = a[k].request_id,
                                  .expires_height = a[k].expires_height,
                                  .state = JOURNAL_ANSWERED,
                                  .answer = yb_xstrndup(a[k].answer, a[k].len),
                                  .answer_len = a[k].len};
        memcpy(e.yield_id, a[k].yield_id, strlen(a[k].yield_id) + 1);
        /* YB_EEXIST is this item's answer; any other failure dooms the whole transaction. */
        a[k].rc = write_entry(txn, j->dbi, &e, MDB_NOOVERWRITE);
        if (a[k].rc != YB_OK && a[k].rc != YB_EEXIST) {
            rc = a[k].rc;
        }
        journal_entry_fini(&e);
    }
    if (rc == YB_OK) {
        mdb_env_set_flags(j->env, MDB_NOSYNC, sync ? 0 : 1);
        rc = from_mdb(mdb_txn_commit(txn), "journal commit");
        mdb_env_set_flags(j->env, MDB_NOSYNC, 0);
    } else {
        mdb_txn_abort(txn);
    }
    if (rc != YB_OK) {
        for (size_t k = 0; k < n; k++) {
            if (a[k].rc == YB_OK) {
                a[k].rc = rc;
            }
        }
    }
    return rc;
}

int journal_put_answer(struct journal *j, const char *yield_id, uint64_t request_id,
                       uint64_t expires_height, const char *answer, size_t len)
{
    struct journal_answer a = {.yield_id = yield_id,
                               .request_id = request_id,
                               .expires_height = expires_height,
                               .answer = answer,
                               .len = len};
    journal_put_answers(j, &a, 1);
    return a.rc;
}

struct submitted_arg {
    const uint8_t *hash;
    uint64_t nonce;
};

static int apply_submitted(struct journal_entry *e, bool found, const void *arg)
{
    const struct submitted_arg *a = arg;
    if (!found) {
        return YB_ENOTFOUND;
    }
    if (e->state == JOURNAL_DONE) {
        return YB_OK; /* the outcome is already known; keep it */
    }
    e->state = JOURNAL_SUBMITTED;
    e->has_tx_hash = true;
    memcpy(e->tx_hash, a->hash, NEAR_HASH_LEN);
    e->tx_nonce = a->nonce;
    return YB_OK;
}

int journal_set_submitted(struct journal *j, const char *yield_id,
                          const uint8_t tx_hash[NEAR_HASH_LEN], uint64_t nonce)
{
    struct submitted_arg a = {.hash = tx_hash, .nonce = nonce};
    return update(j, yield_id, apply_submitted, &a);
}

struct done_arg {
    uint64_t expires_height;
    const char *outcome;
};

static int apply_done(struct journal_entry *e, bool found, const void *arg)
{
    const struct done_arg *a = arg;
    if (!found) {
        e->expires_height = a->expires_height;
    }
    e->state = JOURNAL_DONE;
    size_t n = strlen(a->outcome);
    if (n >= sizeof e->outcome) {
        return YB_EINVAL;
    }
    memcpy(e->outcome, a->outcome, n + 1);
    return YB_OK;
}

int journal_set_done(struct journal *j, const char *yield_id, uint64_t expires_height,
                     const char *outcome)
{
    struct done_arg a = {.expires_height = expires_height, .outcome = outcome};
    return update(j, yield_id, apply_done, &a);
}

int journal_get(struct journal *j, const char *yield_id, struct journal_entry *out)
{
    if (!valid_key(yield_id)) {
        return YB_EINVAL;
    }
    MDB_txn *txn;
    int rc = from_mdb(mdb_txn_begin(j->env, NULL, MDB_RDONLY, &txn), "journal begin");
    if (rc != YB_OK) {
        return rc;
    }
    MDB_val k = {.mv_size = strlen(yield_id), .mv_data = (void *)yield_id};
    MDB_val v;
    rc = from_mdb(mdb_get(txn, j->dbi, &k, &v), "journal get");
    if (rc == YB_OK) {
        rc = decode_entry(yield_id, k.mv_size, &v, out);
    }
    mdb_txn_abort(txn);
    return rc;
}

/* Walks all entries; with del set, deletes those fn marks (returns 1 for). */
static int walk(struct journal *j, bool writable,
                int (*fn)(const struct journal_entry *e, void *ctx, bool *del), void *ctx)
{
    MDB_txn *txn;
    int rc =
        from_mdb(mdb_txn_begin(j->env, NULL, writable ? 0 : MDB_RDONLY, &txn), "journal begin");
    if (rc != YB_OK) {
        return rc;
    }
    MDB_cursor *cur;
    rc = from_mdb(mdb_cursor_open(txn, j->dbi, &cur), "journal cursor");
    if (rc != YB_OK) {
        mdb_txn_abort(txn);
        return rc;
    }
    MDB_val k, v;
    int got = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (got == MDB_SUCCESS && rc == YB_OK) {
        struct journal_entry e;
        if (decode_entry(k.mv_data, k.mv_size, &v, &e) != YB_OK) {
            log_warn("YB-ORACLE-JOURNAL-BAD", "skipping a malformed journal entry (%zu bytes)",
                     v.mv_size);
        } else {
            bool del = false;
            rc = fn(&e, ctx, &del);
            if (rc == YB_OK && del) {
                rc = from_mdb(mdb_cursor_del(cur, 0), "journal delete");
            }
        }
        journal_entry_fini(&e);
        if (rc == YB_OK) {
            got = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
        }
    }
    mdb_cursor_close(cur);
    if (rc == YB_OK && got != MDB_NOTFOUND) {
        rc = from_mdb(got, "journal walk");
    }
    if (rc == YB_OK && writable) {
        return from_mdb(mdb_txn_commit(txn), "journal commit");
    }
    mdb_txn_abort(txn);
    return rc;
}

struct each_ctx {
    int (*fn)(const struct journal_entry *e, void *ctx);
    void *ctx;
};

static int each_one(const struct journal_entry *e, void *ctx, bool *del)
{
    struct each_ctx *c = ctx;
    (void)del;
    return c->fn(e, c->ctx);
}

int journal_each(struct journal *j, int (*fn)(const struct journal_entry *e, void *ctx), void *ctx)
{
    struct each_ctx c = {.fn = fn, .ctx = ctx};
    return walk(j, false, each_one, &c);
}

struct prune_ctx {
    uint64_t height;
    size_t removed;
};

static int prune_one(const struct journal_entry *e, void *ctx, bool *del)
{
    struct prune_ctx *c = ctx;
    if (e->expires_height < c->height) {
        *del = true;
        c->removed++;
    }
    return YB_OK;
}

int journal_prune(struct journal *j, uint64_t height, size_t *n_removed)
{
    struct prune_ctx c = {.height = height};
    int rc = walk(j, true, prune_one, &c);
    if (n_removed) {
        *n_removed = rc == YB_OK ? c.removed : 0;
    }
    return rc;
}

int journal_sync(struct journal *j)
{
    return from_mdb(mdb_env_sync(j->env, 1), "journal sync");
}

int journal_count(struct journal *j, size_t *out)
{
    MDB_txn *txn;
    int rc = from_mdb(mdb_txn_begin(j->env, NULL, MDB_RDONLY, &txn), "journal begin");
    if (rc != YB_OK) {
        return rc;
    }
    MDB_stat st;
    rc = from_mdb(mdb_stat(txn, j->dbi, &st), "journal stat");
    mdb_txn_abort(txn);
    if (rc == YB_OK) {
        *out = st.ms_entries;
    }
    return rc;
}
