/*
 * test_store.c — chain/store on real LMDB in temporary directories: transactions (block,
 * nested, snapshot), persistence across reopen, prefix iteration, counting, caps and map-full.
 */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "store.h"

struct fixture {
    char dir[64];
    struct store *s;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static struct store *open_fast(const char *dir)
{
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    struct store *s = NULL;
    assert_int_equal(store_open(dir, &o, &s), YB_OK);
    return s;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/yb-store-test-XXXXXX");
    if (!mkdtemp(f->dir)) {
        return -1;
    }
    f->s = open_fast(f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Helpers that keep the tests about behaviour: string keys and values. */
static void put_str(struct store_txn *t, unsigned col, const char *k, const char *v)
{
    assert_int_equal(store_put(t, col, k, strlen(k), v, strlen(v)), YB_OK);
}

static void assert_value(struct store_txn *t, unsigned col, const char *k, const char *want)
{
    struct store_slice v;
    int err = store_get(t, col, k, strlen(k), &v);
    if (!want) {
        assert_int_equal(err, YB_ENOTFOUND);
        return;
    }
    assert_int_equal(err, YB_OK);
    assert_int_equal(v.len, strlen(want));
    assert_memory_equal(v.data, want, v.len);
}

static void commit_one(struct store *s, unsigned col, const char *k, const char *v)
{
    struct store_txn *t = NULL;
    assert_int_equal(store_write_begin(s, &t), YB_OK);
    put_str(t, col, k, v);
    assert_int_equal(store_commit(t), YB_OK);
}

static void put_get_del_in_one_txn(void **state)
{
    struct fixture *f = *state;
    struct store_txn *t = NULL;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    assert_value(t, 0, "alice", NULL);
    put_str(t, 0, "alice", "100");
    assert_value(t, 0, "alice", "100"); /* a write txn reads its own writes */
    put_str(t, 0, "alice", "250");
    assert_value(t, 0, "alice", "250");
    assert_value(t, 1, "alice", NULL); /* columns are separate keyspaces */
    assert_int_equal(store_put(t, 0, "empty", 5, NULL, 0), YB_OK);
    assert_value(t, 0, "empty", "");
    assert_int_equal(store_del(t, 0, "alice", 5), YB_OK);
    assert_value(t, 0, "alice", NULL);
    assert_int_equal(store_del(t, 0, "alice", 5), YB_ENOTFOUND);
    assert_int_equal(store_commit(t), YB_OK);
}

static void commit_persists_across_reopen(void **state)
{
    struct fixture *f = *state;
    commit_one(f->s, 3, "block/1", "hash-one");
    store_close(f->s);
    f->s = open_fast(f->dir);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_value(snap, 3, "block/1", "hash-one");
    store_snapshot_end(snap);
}

static void sync_store_persists_across_reopen(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct store *s = NULL;
    assert_int_equal(store_open(f->dir, NULL, &s), YB_OK); /* defaults: sync on */
    commit_one(s, 0, "k", "durable");
    assert_int_equal(store_sync(s), YB_OK);
    store_close(s);
    f->s = open_fast(f->dir);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_value(snap, 0, "k", "durable");
    store_snapshot_end(snap);
}

static void abort_discards_everything(void **state)
{
    struct fixture *f = *state;
    commit_one(f->s, 0, "kept", "1");
    struct store_txn *t = NULL;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    put_str(t, 0, "lost", "2");
    assert_int_equal(store_del(t, 0, "kept", 4), YB_OK);
    store_abort(t);
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    assert_value(t, 0, "lost", NULL);
    assert_value(t, 0, "kept", "1");
    store_abort(t);
}

static void nested_abort_discards_only_nested(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *receipt = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    put_str(block, 0, "before", "1");
    assert_int_equal(store_nested_begin(block, &receipt), YB_OK);
    assert_value(receipt, 0, "before", "1"); /* a child sees its parent's writes */
    put_str(receipt, 0, "failed-receipt", "x");
    put_str(receipt, 0, "before", "overwritten");
    store_abort(receipt);
    put_str(block, 0, "after", "3");
    assert_int_equal(store_commit(block), YB_OK);

    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_value(snap, 0, "before", "1");
    assert_value(snap, 0, "after", "3");
    assert_value(snap, 0, "failed-receipt", NULL);
    store_snapshot_end(snap);
}

static void nested_commit_merges_then_parent_commit_persists(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *r1 = NULL, *r2 = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    assert_int_equal(store_nested_begin(block, &r1), YB_OK);
    put_str(r1, 0, "r1", "ok");
    assert_int_equal(store_nested_begin(r1, &r2), YB_OK); /* two levels deep */
    put_str(r2, 0, "r2", "ok");
    assert_int_equal(store_commit(r2), YB_OK);
    assert_value(r1, 0, "r2", "ok");
    assert_int_equal(store_commit(r1), YB_OK);
    assert_value(block, 0, "r1", "ok");
    assert_int_equal(store_commit(block), YB_OK);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_value(snap, 0, "r1", "ok");
    assert_value(snap, 0, "r2", "ok");
    store_snapshot_end(snap);
}

static void nested_commit_then_parent_abort_discards_both(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *receipt = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    put_str(block, 0, "parent", "p");
    assert_int_equal(store_nested_begin(block, &receipt), YB_OK);
    put_str(receipt, 0, "child", "c");
    assert_int_equal(store_commit(receipt), YB_OK);
    store_abort(block);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_value(snap, 0, "parent", NULL);
    assert_value(snap, 0, "child", NULL);
    store_snapshot_end(snap);
}

/* A nested txn writes into its parent's LMDB txn and undoes itself from a journal on abort:
 * every kind of change must come back exactly, also for keys changed several times. */
static void nested_abort_restores_every_kind_of_change(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *receipt = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    put_str(block, 0, "overwritten", "old");
    put_str(block, 0, "deleted", "here");
    put_str(block, 1, "other column", "same key elsewhere");
    assert_int_equal(store_nested_begin(block, &receipt), YB_OK);
    put_str(receipt, 0, "overwritten", "new");
    put_str(receipt, 0, "overwritten", "newer, and longer than the first value");
    assert_int_equal(store_del(receipt, 0, "deleted", 7), YB_OK);
    assert_int_equal(store_del(receipt, 0, "deleted", 7), YB_ENOTFOUND);
    assert_int_equal(store_del(receipt, 0, "never", 5), YB_ENOTFOUND);
    put_str(receipt, 0, "created", "c");
    assert_int_equal(store_del(receipt, 0, "created", 7), YB_OK);
    put_str(receipt, 0, "created", "again");
    put_str(receipt, 0, "deleted", "recreated");
    put_str(receipt, 1, "other column", "changed");
    assert_value(receipt, 0, "overwritten", "newer, and longer than the first value");
    store_abort(receipt);
    assert_value(block, 0, "overwritten", "old");
    assert_value(block, 0, "deleted", "here");
    assert_value(block, 0, "created", NULL);
    assert_value(block, 0, "never", NULL);
    assert_value(block, 1, "other column", "same key elsewhere");
    assert_int_equal(store_commit(block), YB_OK);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_value(snap, 0, "overwritten", "old");
    assert_value(snap, 0, "deleted", "here");
    assert_value(snap, 0, "created", NULL);
    store_snapshot_end(snap);
}

/* The journal reuses a read made right before a write of the same key: reads followed by
 * writes, of present and absent keys, interleaved with other writes, all undo exactly. (Only
 * a key's first journal entry matters for the undo, so a wrong first entry is what to catch:
 * a read of the same key in another column.) */
static void reads_before_writes_in_nested_are_undone(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *r = NULL, *r2 = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    put_str(block, 0, "x", "x0");
    put_str(block, 0, "y", "y0");
    put_str(block, 0, "z", "z0");
    assert_int_equal(store_nested_begin(block, &r), YB_OK);
    assert_value(r, 0, "x", "x0");
    put_str(r, 0, "x", "x1"); /* old value from the read */
    assert_value(r, 0, "absent", NULL);
    put_str(r, 0, "absent", "a1"); /* absence from the read */
    assert_value(r, 0, "y", "y0");
    put_str(r, 0, "x", "x2"); /* a different key than the last read */
    put_str(r, 0, "y", "y1"); /* the read went stale with the write above */
    assert_value(r, 1, "z", NULL);
    put_str(r, 0, "z", "z1"); /* same key, other column: must not be taken for it */
    put_str(r, 0, "x", "x3");
    assert_value(r, 0, "y", "y1");
    assert_int_equal(store_del(r, 0, "y", 1), YB_OK);
    /* a read in the parent, then a child writing that key */
    assert_value(r, 0, "x", "x3");
    assert_int_equal(store_nested_begin(r, &r2), YB_OK);
    put_str(r2, 0, "x", "child");
    assert_int_equal(store_commit(r2), YB_OK);
    put_str(r, 0, "x", "x4");
    store_abort(r);
    assert_value(block, 0, "x", "x0");
    assert_value(block, 0, "y", "y0");
    assert_value(block, 0, "absent", NULL);
    assert_value(block, 0, "z", "z0");
    assert_int_equal(store_commit(block), YB_OK);
}

/* A child committed into a nested parent is undone by the parent's abort, newest first. */
static void committed_grandchild_is_undone_with_its_parent(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *r1 = NULL, *r2 = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    put_str(block, 0, "a", "block");
    assert_int_equal(store_nested_begin(block, &r1), YB_OK);
    put_str(r1, 0, "a", "r1");
    assert_int_equal(store_nested_begin(r1, &r2), YB_OK);
    put_str(r2, 0, "a", "r2");
    put_str(r2, 0, "b", "r2");
    assert_int_equal(store_commit(r2), YB_OK);
    assert_value(r1, 0, "a", "r2");
    store_abort(r1);
    assert_value(block, 0, "a", "block");
    assert_value(block, 0, "b", NULL);
    /* and an open grandchild is undone when its grandparent's child aborts */
    assert_int_equal(store_nested_begin(block, &r1), YB_OK);
    put_str(r1, 0, "c", "r1");
    assert_int_equal(store_nested_begin(r1, &r2), YB_OK);
    put_str(r2, 0, "a", "open");
    assert_int_equal(store_del(r2, 0, "c", 1), YB_OK);
    store_abort(r1);
    assert_value(block, 0, "a", "block");
    assert_value(block, 0, "c", NULL);
    /* a committed child under the block stays */
    assert_int_equal(store_nested_begin(block, &r1), YB_OK);
    put_str(r1, 0, "a", "kept");
    assert_int_equal(store_commit(r1), YB_OK);
    assert_int_equal(store_commit(block), YB_OK);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_value(snap, 0, "a", "kept");
    assert_value(snap, 0, "b", NULL);
    store_snapshot_end(snap);
}

static void parent_abort_with_open_child_frees_both(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *receipt = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    assert_int_equal(store_nested_begin(block, &receipt), YB_OK);
    put_str(receipt, 0, "child", "c");
    store_abort(block); /* also ends receipt; ASan checks nothing leaks */
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    assert_value(block, 0, "child", NULL);
    store_abort(block);
}

static void misuse_is_reported_not_undefined(void **state)
{
    struct fixture *f = *state;
    struct store_txn *block = NULL, *second = NULL, *receipt = NULL, *other = NULL;
    struct store_slice v;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    assert_int_equal(store_write_begin(f->s, &second), YB_EBUSY);
    assert_int_equal(store_nested_begin(block, &receipt), YB_OK);
    assert_int_equal(store_nested_begin(block, &other), YB_EBUSY);
    assert_int_equal(store_put(block, 0, "k", 1, "v", 1), YB_EBUSY);
    assert_int_equal(store_get(block, 0, "k", 1, &v), YB_EBUSY);
    assert_int_equal(store_commit(block), YB_EBUSY);
    assert_int_equal(store_commit(receipt), YB_OK);
    assert_int_equal(store_put(block, STORE_MAX_COLUMNS, "k", 1, "v", 1), YB_EINVAL);
    assert_int_equal(store_put(block, 0, "", 0, "v", 1), YB_EINVAL);
    assert_int_equal(store_commit(block), YB_OK);

    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_true(store_txn_is_snapshot(snap));
    assert_int_equal(store_put(snap, 0, "k", 1, "v", 1), YB_EPERM);
    assert_int_equal(store_del(snap, 0, "k", 1), YB_EPERM);
    assert_int_equal(store_nested_begin(snap, &other), YB_EPERM);
    assert_int_equal(store_commit(snap), YB_EPERM);
    store_snapshot_end(snap);
}

static void key_size_cap(void **state)
{
    struct fixture *f = *state;
    uint8_t key[STORE_KEY_MAX + 1];
    memset(key, 'k', sizeof key);
    struct store_txn *t = NULL;
    struct store_slice v;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    assert_int_equal(store_put(t, 0, key, STORE_KEY_MAX, "max", 3), YB_OK);
    assert_int_equal(store_get(t, 0, key, STORE_KEY_MAX, &v), YB_OK);
    assert_int_equal(store_put(t, 0, key, STORE_KEY_MAX + 1, "big", 3), YB_ETOOBIG);
    assert_int_equal(store_get(t, 0, key, STORE_KEY_MAX + 1, &v), YB_ETOOBIG);
    assert_int_equal(store_del(t, 0, key, STORE_KEY_MAX + 1), YB_ETOOBIG);
    /* a rejected key does not poison the transaction */
    assert_int_equal(store_commit(t), YB_OK);
}

/* Snapshot isolation: one begun before a commit keeps its view; one begun after sees it. */
static void snapshot_isolation(void **state)
{
    struct fixture *f = *state;
    commit_one(f->s, 0, "height", "1");
    struct store_txn *before = NULL, *after = NULL, *block = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &before), YB_OK);
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    put_str(block, 0, "height", "2");
    assert_value(before, 0, "height", "1"); /* uncommitted writes are invisible */
    assert_int_equal(store_commit(block), YB_OK);
    assert_value(before, 0, "height", "1"); /* and so are commits after it began */
    assert_int_equal(store_snapshot_begin(f->s, &after), YB_OK);
    assert_value(after, 0, "height", "2");
    store_snapshot_end(before);
    store_snapshot_end(after);
}

struct reader_arg {
    struct store_txn *snap;
    int err;
    char seen[16];
};

static void *reader_thread(void *p)
{
    struct reader_arg *a = p;
    struct store_slice v;
    a->err = store_get(a->snap, 0, "height", 6, &v);
    if (a->err == YB_OK && v.len < sizeof a->seen) {
        memcpy(a->seen, v.data, v.len);
    }
    store_snapshot_end(a->snap); /* ended on a different thread than it began */
    return NULL;
}

static void snapshot_moves_between_threads(void **state)
{
    struct fixture *f = *state;
    commit_one(f->s, 0, "height", "7");
    struct reader_arg a = {0};
    assert_int_equal(store_snapshot_begin(f->s, &a.snap), YB_OK);
    /* a block is written on this thread while the snapshot is read on another */
    struct store_txn *block = NULL;
    assert_int_equal(store_write_begin(f->s, &block), YB_OK);
    put_str(block, 0, "height", "8");
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, reader_thread, &a), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(store_commit(block), YB_OK);
    assert_int_equal(a.err, YB_OK);
    assert_string_equal(a.seen, "7");
}

/* Collect the keys an iterator yields into one "k1,k2,..." string (hex for non-printables). */
static void collect(struct store_txn *t, unsigned col, const void *prefix, size_t plen,
                    const void *start, size_t slen, char *out, size_t cap)
{
    struct store_iter *it = NULL;
    assert_int_equal(store_iter_begin(t, col, prefix, plen, start, slen, &it), YB_OK);
    size_t n = 0;
    out[0] = 0;
    struct store_slice k, v;
    int err = store_iter_next(it, &k, &v);
    while (err == YB_OK) {
        if (n) {
            n += (size_t)snprintf(out + n, cap - n, ",");
        }
        for (size_t i = 0; i < k.len; i++) {
            uint8_t c = k.data[i];
            if (c >= 0x20 && c < 0x7f) {
                n += (size_t)snprintf(out + n, cap - n, "%c", c);
            } else {
                n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
            }
        }
        assert_true(n < cap);
        err = store_iter_next(it, &k, &v);
    }
    assert_int_equal(err, YB_ENOTFOUND);
    assert_int_equal(store_iter_next(it, &k, &v), YB_ENOTFOUND); /* stays at the end */
    store_iter_end(it);
}

static void prefix_iteration_order_and_bounds(void **state)
{
    struct fixture *f = *state;
    struct store_txn *t = NULL;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    const char *keys[] = {"b", "a/2", "a/10", "a/1", "a", "a0", "a/", "c"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        put_str(t, 2, keys[i], "v");
    }
    const uint8_t ff[][3] = {{0xfe, 0xff, 0x01}, {0xff}, {0xff, 0x00}, {0xff, 0xff, 0xff}};
    const size_t fflen[] = {3, 1, 2, 3};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(store_put(t, 2, ff[i], fflen[i], "v", 1), YB_OK);
    }
    char got[256];
    struct {
        const char *prefix, *start, *want;
    } cases[] = {
        {"a/", NULL, "a/,a/1,a/10,a/2"}, /* bytewise order, prefix itself included */
        {"a", NULL, "a,a/,a/1,a/10,a/2,a0"},
        {"a/", "a/10", "a/10,a/2"},     /* seek to a start key */
        {"a/", "a/11", "a/2"},          /* start between keys */
        {"a/", "a", "a/,a/1,a/10,a/2"}, /* start below the prefix */
        {"a/", "b", ""},                /* start past the prefix */
        {"d", NULL, ""},
        {"", "b", "b,c,\\xfe\\xff\\x01,\\xff,\\xff\\x00,\\xff\\xff\\xff"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *s = cases[i].start;
        collect(t, 2, cases[i].prefix, strlen(cases[i].prefix), s, s ? strlen(s) : 0, got,
                sizeof got);
        assert_string_equal(got, cases[i].want);
    }
    /* The 0xFF edge: there is no "next prefix" to stop at, the end of the column must do. */
    collect(t, 2, "\xff", 1, NULL, 0, got, sizeof got);
    assert_string_equal(got, "\\xff,\\xff\\x00,\\xff\\xff\\xff");
    collect(t, 2, "\xff\xff", 2, NULL, 0, got, sizeof got);
    assert_string_equal(got, "\\xff\\xff\\xff");
    collect(t, 2, "\xfe", 1, NULL, 0, got, sizeof got);
    assert_string_equal(got, "\\xfe\\xff\\x01");
    collect(t, 1, NULL, 0, NULL, 0, got, sizeof got); /* an empty column */
    assert_string_equal(got, "");
    assert_int_equal(store_commit(t), YB_OK);
}

static void iteration_in_snapshot_and_fifo_queue(void **state)
{
    struct fixture *f = *state;
    struct store_txn *t = NULL;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    /* a FIFO queue: big-endian sequence numbers sort in insertion order */
    for (uint32_t i = 0; i < 300; i++) {
        uint8_t key[5] = {'q', (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8),
                          (uint8_t)i};
        assert_int_equal(store_put(t, 4, key, sizeof key, &i, sizeof i), YB_OK);
    }
    assert_int_equal(store_commit(t), YB_OK);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    struct store_iter *it = NULL;
    assert_int_equal(store_iter_begin(snap, 4, "q", 1, NULL, 0, &it), YB_OK);
    struct store_slice k, v;
    uint32_t want = 0;
    while (store_iter_next(it, &k, &v) == YB_OK) {
        uint32_t got;
        assert_int_equal(v.len, sizeof got);
        memcpy(&got, v.data, sizeof got);
        assert_int_equal(got, want);
        want++;
    }
    assert_int_equal(want, 300);
    store_iter_end(it);
    store_snapshot_end(snap);
}

static void iterator_left_open_is_closed_with_its_txn(void **state)
{
    struct fixture *f = *state;
    commit_one(f->s, 0, "k", "v");
    struct store_txn *t = NULL, *snap = NULL;
    struct store_iter *wi = NULL, *ri = NULL;
    struct store_slice k;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    assert_int_equal(store_iter_begin(t, 0, NULL, 0, NULL, 0, &wi), YB_OK);
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_int_equal(store_iter_begin(snap, 0, NULL, 0, NULL, 0, &ri), YB_OK);
    assert_int_equal(store_commit(t), YB_OK);
    store_snapshot_end(snap);
    /* the iterators outlived their txns: they report the end and free cleanly */
    assert_int_equal(store_iter_next(wi, &k, NULL), YB_ENOTFOUND);
    assert_int_equal(store_iter_next(ri, &k, NULL), YB_ENOTFOUND);
    store_iter_end(wi);
    store_iter_end(ri);
}

static void count_whole_column_and_prefix(void **state)
{
    struct fixture *f = *state;
    struct store_txn *t = NULL, *r = NULL;
    uint64_t n = 99;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    assert_int_equal(store_count(t, 5, NULL, 0, &n), YB_OK);
    assert_int_equal(n, 0);
    put_str(t, 5, "acc/alice", "1");
    put_str(t, 5, "acc/bob", "1");
    put_str(t, 5, "key/alice", "1");
    assert_int_equal(store_count(t, 5, NULL, 0, &n), YB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_count(t, 5, "acc/", 4, &n), YB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_nested_begin(t, &r), YB_OK);
    put_str(r, 5, "acc/carol", "1");
    assert_int_equal(store_count(r, 5, "acc/", 4, &n), YB_OK);
    assert_int_equal(n, 3);
    store_abort(r);
    assert_int_equal(store_count(t, 5, NULL, 0, &n), YB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_commit(t), YB_OK);
}

static void del_prefix_removes_only_the_prefix(void **state)
{
    struct fixture *f = *state;
    struct store_txn *t = NULL, *r = NULL, *snap = NULL;
    uint64_t n = 0;
    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    const char *keys[] = {"alice",   "alice.near/a", "alice/1", "alice/2",
                          "alice/3", "alicf",        "bob/1"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        put_str(t, 6, keys[i], "v");
    }
    put_str(t, 7, "alice/1", "other column");
    assert_int_equal(store_commit(t), YB_OK);

    assert_int_equal(store_write_begin(f->s, &t), YB_OK);
    assert_int_equal(store_nested_begin(t, &r), YB_OK);
    assert_int_equal(store_del_prefix(r, 6, "alice/", 6, &n), YB_OK);
    assert_int_equal(n, 3);
    store_abort(r); /* a rolled-back receipt takes its deletes with it */
    assert_int_equal(store_count(t, 6, "alice/", 6, &n), YB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_del_prefix(t, 6, "alice/", 6, &n), YB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_del_prefix(t, 6, "zzz", 3, &n), YB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_del_prefix(t, 6, "", 0, &n), YB_EINVAL);
    assert_int_equal(store_commit(t), YB_OK);

    char got[256];
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    collect(snap, 6, NULL, 0, NULL, 0, got, sizeof got);
    assert_string_equal(got, "alice,alice.near/a,alicf,bob/1");
    assert_value(snap, 7, "alice/1", "other column");
    assert_int_equal(store_del_prefix(snap, 6, "a", 1, &n), YB_EPERM);
    store_snapshot_end(snap);
}

static void reader_slots_are_capped_and_reported(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    o.max_readers = 2;
    struct store *s = NULL;
    /* A fresh directory: LMDB keeps the larger slot count of an existing lock file. */
    char dir[80];
    snprintf(dir, sizeof dir, "%s/readers", f->dir);
    assert_int_equal(store_open(dir, &o, &s), YB_OK);
    commit_one(s, 0, "k", "v");
    struct store_txn *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(store_snapshot_begin(s, &a), YB_OK);
    assert_int_equal(store_snapshot_begin(s, &b), YB_OK);
    assert_int_equal(store_snapshot_begin(s, &c), YB_EBUSY); /* all slots taken */
    struct store_info info;
    assert_int_equal(store_info(s, &info), YB_OK);
    assert_int_equal(info.max_readers, 2);
    assert_int_equal(info.snapshots, 2);
    assert_true(info.used_bytes > 0 && info.used_bytes <= info.map_size);
    store_snapshot_end(a);
    assert_int_equal(store_snapshot_begin(s, &c), YB_OK); /* a freed slot is reused */
    store_snapshot_end(b);
    store_snapshot_end(c);
    assert_int_equal(store_info(s, &info), YB_OK);
    assert_int_equal(info.snapshots, 0);
    store_close(s);
    f->s = open_fast(f->dir);
}

/* LMDB may only resize the map when no transaction is active: while a snapshot is open the
 * map does not grow, and the block keeps failing; once it ends, the retry succeeds. */
static void map_growth_waits_for_snapshots(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    o.map_size = 256 * 1024;
    o.max_map_size = 64u << 20;
    struct store *s = NULL;
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    static uint8_t value[4096];
    struct store_txn *snap = NULL, *t = NULL;
    assert_int_equal(store_snapshot_begin(s, &snap), YB_OK);
    for (int attempt = 0; attempt < 3; attempt++) {
        assert_int_equal(store_write_begin(s, &t), YB_OK);
        int err = YB_OK;
        for (uint32_t i = 0; i < 200 && err == YB_OK; i++) {
            err = store_put(t, 0, &i, sizeof i, value, sizeof value);
        }
        assert_int_equal(err, YB_ESTORE_FULL);
        store_abort(t);
    }
    struct store_info info;
    assert_int_equal(store_info(s, &info), YB_OK);
    assert_int_equal(info.map_size, 256 * 1024);
    store_snapshot_end(snap);
    int err = YB_ESTORE_FULL;
    for (int attempt = 0; attempt < 6 && err; attempt++) {
        assert_int_equal(store_write_begin(s, &t), YB_OK);
        err = YB_OK;
        for (uint32_t i = 0; i < 200 && err == YB_OK; i++) {
            err = store_put(t, 0, &i, sizeof i, value, sizeof value);
        }
        if (err) {
            store_abort(t);
        } else {
            err = store_commit(t);
        }
    }
    assert_int_equal(err, YB_OK);
    assert_int_equal(store_info(s, &info), YB_OK);
    assert_true(info.map_size > 256 * 1024);
    store_close(s);
    f->s = open_fast(f->dir);
}

static void named_columns_and_bad_options(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    const char *names[] = {"accounts", "state"};
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    o.n_columns = 2;
    o.column_names = names;
    struct store *s = NULL;
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    commit_one(s, 1, "k", "v");
    struct store_txn *t = NULL;
    assert_int_equal(store_write_begin(s, &t), YB_OK);
    assert_int_equal(store_put(t, 2, "k", 1, "v", 1), YB_EINVAL); /* only 2 columns */
    store_abort(t);
    store_close(s);
    o.n_columns = STORE_MAX_COLUMNS + 1;
    o.column_names = NULL;
    assert_int_equal(store_open(f->dir, &o, &s), YB_EINVAL);
    assert_int_equal(store_open("/proc/no/such/dir", NULL, &s), YB_EIO);
    f->s = open_fast(f->dir);
}

/* Fill a store whose map may not grow: the put that does not fit fails with YB_ESTORE_FULL,
 * the txn can then only be aborted, and the committed data is intact. */
static void map_full_is_reported(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    o.map_size = 256 * 1024;
    o.max_map_size = o.map_size; /* no growth */
    struct store *s = NULL;
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    commit_one(s, 0, "kept", "1");
    static uint8_t value[4096];
    struct store_txn *t = NULL;
    assert_int_equal(store_write_begin(s, &t), YB_OK);
    int err = YB_OK;
    uint32_t i;
    for (i = 0; i < 1000 && err == YB_OK; i++) {
        err = store_put(t, 0, &i, sizeof i, value, sizeof value);
    }
    assert_int_equal(err, YB_ESTORE_FULL);
    assert_int_equal(store_put(t, 0, "x", 1, "y", 1), YB_ESTORE_FULL); /* poisoned */
    assert_int_equal(store_commit(t), YB_ESTORE_FULL);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(s, &snap), YB_OK);
    assert_value(snap, 0, "kept", "1");
    store_snapshot_end(snap);
    /* retrying cannot help: the map may not grow */
    assert_int_equal(store_write_begin(s, &t), YB_OK);
    err = YB_OK;
    for (i = 0; i < 1000 && err == YB_OK; i++) {
        err = store_put(t, 0, &i, sizeof i, value, sizeof value);
    }
    assert_int_equal(err, YB_ESTORE_FULL);
    store_abort(t);
    store_close(s);
    f->s = open_fast(f->dir);
}

/* The store without MDB_WRITEMAP (write_map = false) behaves the same: nested undo, commit,
 * reopen. */
static void read_only_map_mode_keeps_the_semantics(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    o.write_map = false;
    struct store *s = NULL;
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    struct store_txn *t = NULL, *r = NULL;
    assert_int_equal(store_write_begin(s, &t), YB_OK);
    put_str(t, 0, "a", "1");
    assert_int_equal(store_nested_begin(t, &r), YB_OK);
    put_str(r, 0, "a", "2");
    put_str(r, 0, "b", "2");
    store_abort(r);
    assert_int_equal(store_nested_begin(t, &r), YB_OK);
    put_str(r, 0, "c", "3");
    assert_int_equal(store_commit(r), YB_OK);
    assert_int_equal(store_commit(t), YB_OK);
    store_close(s);
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(s, &snap), YB_OK);
    assert_value(snap, 0, "a", "1");
    assert_value(snap, 0, "b", NULL);
    assert_value(snap, 0, "c", "3");
    store_snapshot_end(snap);
    store_close(s);
    f->s = open_fast(f->dir);
}

/* MAP_FULL inside a nested txn poisons the block too (they share one LMDB txn): the child
 * and the block can only be aborted, and the committed data is intact. */
static void map_full_in_nested_poisons_the_block(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    o.map_size = 256 * 1024;
    o.max_map_size = o.map_size;
    struct store *s = NULL;
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    commit_one(s, 0, "kept", "1");
    static uint8_t value[4096];
    struct store_txn *t = NULL, *r = NULL;
    assert_int_equal(store_write_begin(s, &t), YB_OK);
    assert_int_equal(store_nested_begin(t, &r), YB_OK);
    int err = YB_OK;
    for (uint32_t i = 0; i < 1000 && err == YB_OK; i++) {
        err = store_put(r, 0, &i, sizeof i, value, sizeof value);
    }
    assert_int_equal(err, YB_ESTORE_FULL);
    store_abort(r);
    assert_int_equal(store_put(t, 0, "x", 1, "y", 1), YB_ESTORE_FULL);
    assert_int_equal(store_commit(t), YB_ESTORE_FULL);
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(s, &snap), YB_OK);
    assert_value(snap, 0, "kept", "1");
    store_snapshot_end(snap);
    store_close(s);
    f->s = open_fast(f->dir);
}

/* With room to grow, an aborted block that hit MAP_FULL succeeds when retried. */
static void map_grows_after_full(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    struct store_options o;
    store_options_default(&o);
    o.sync = false;
    o.map_size = 256 * 1024;
    o.max_map_size = 64u << 20;
    struct store *s = NULL;
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    static uint8_t value[4096];
    int attempts = 0, err;
    do {
        struct store_txn *t = NULL;
        assert_int_equal(store_write_begin(s, &t), YB_OK);
        err = YB_OK;
        for (uint32_t i = 0; i < 1000 && err == YB_OK; i++) {
            err = store_put(t, 0, &i, sizeof i, value, sizeof value);
        }
        if (err == YB_OK) {
            err = store_commit(t);
        } else {
            assert_int_equal(err, YB_ESTORE_FULL);
            store_abort(t);
        }
        attempts++;
    } while (err != YB_OK && attempts < 10);
    assert_int_equal(err, YB_OK);
    assert_true(attempts > 1); /* it did fill up first */
    uint64_t n = 0;
    struct store_txn *snap = NULL;
    assert_int_equal(store_snapshot_begin(s, &snap), YB_OK);
    assert_int_equal(store_count(snap, 0, NULL, 0, &n), YB_OK);
    assert_int_equal(n, 1000);
    store_snapshot_end(snap);
    store_close(s);
    /* reopening with the original small size works: LMDB raises the map to the data's size */
    assert_int_equal(store_open(f->dir, &o, &s), YB_OK);
    store_close(s);
    f->s = open_fast(f->dir);
}

/* The chain's crash rule: after kill -9 the store holds every committed block and nothing of
 * the block being written. A child commits blocks 1..N with sync on, reports each commit on a
 * pipe, and is killed in the middle of writing block N+1. */
static void kill_9_keeps_exactly_the_committed_blocks(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    f->s = NULL;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        alarm(30); /* never outlive a parent that failed before killing us */
        struct store *s = NULL;
        if (store_open(f->dir, NULL, &s)) { /* defaults: sync on */
            _exit(1);
        }
        for (uint32_t height = 1;; height++) {
            struct store_txn *t = NULL;
            if (store_write_begin(s, &t)) {
                _exit(1);
            }
            char key[32];
            int kn = snprintf(key, sizeof key, "block/%08u", (unsigned)height);
            store_put(t, 0, key, (size_t)kn, &height, sizeof height);
            store_put(t, 0, "head", 4, &height, sizeof height);
            if (height > 20) {
                /* Block 21 stays open forever, half written, until the parent kills us. */
                if (write(fds[1], &height, sizeof height) != sizeof height) {
                    _exit(1);
                }
                pause();
            }
            if (store_commit(t) || write(fds[1], &height, sizeof height) != sizeof height) {
                _exit(1);
            }
        }
    }
    close(fds[1]);
    uint32_t last = 0, h = 0;
    while (read(fds[0], &h, sizeof h) == sizeof h && h <= 20) {
        last = h;
    }
    assert_int_equal(h, 21); /* the child is inside block 21 */
    kill(pid, SIGKILL);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    close(fds[0]);

    f->s = open_fast(f->dir);
    struct store_txn *snap = NULL;
    struct store_slice v;
    uint32_t head = 0;
    uint64_t n = 0;
    assert_int_equal(store_snapshot_begin(f->s, &snap), YB_OK);
    assert_int_equal(store_get(snap, 0, "head", 4, &v), YB_OK);
    memcpy(&head, v.data, sizeof head);
    assert_int_equal(head, last);
    assert_int_equal(last, 20);
    assert_int_equal(store_count(snap, 0, "block/", 6, &n), YB_OK);
    assert_int_equal(n, 20);
    assert_int_equal(store_get(snap, 0, "block/00000021", 14, &v), YB_ENOTFOUND);
    store_snapshot_end(snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(put_get_del_in_one_txn),
        T(commit_persists_across_reopen),
        T(sync_store_persists_across_reopen),
        T(abort_discards_everything),
        T(nested_abort_discards_only_nested),
        T(nested_commit_merges_then_parent_commit_persists),
        T(nested_commit_then_parent_abort_discards_both),
        T(nested_abort_restores_every_kind_of_change),
        T(committed_grandchild_is_undone_with_its_parent),
        T(reads_before_writes_in_nested_are_undone),
        T(parent_abort_with_open_child_frees_both),
        T(misuse_is_reported_not_undefined),
        T(key_size_cap),
        T(snapshot_isolation),
        T(snapshot_moves_between_threads),
        T(prefix_iteration_order_and_bounds),
        T(iteration_in_snapshot_and_fifo_queue),
        T(iterator_left_open_is_closed_with_its_txn),
        T(count_whole_column_and_prefix),
        T(del_prefix_removes_only_the_prefix),
        T(reader_slots_are_capped_and_reported),
        T(map_growth_waits_for_snapshots),
        T(named_columns_and_bad_options),
        T(map_full_is_reported),
        T(map_full_in_nested_poisons_the_block),
        T(read_only_map_mode_keeps_the_semantics),
        T(map_grows_after_full),
        T(kill_9_keeps_exactly_the_committed_blocks),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
