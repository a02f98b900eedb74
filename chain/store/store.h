/*
 * store.h — the chain's key-value store: LMDB on disk, one write transaction per block.
 *
 * Model
 *   A store is one directory holding one LMDB environment. Inside it live up to
 *   STORE_MAX_COLUMNS *columns*: independent ordered keyspaces (LMDB named databases), addressed
 *   by a small integer the caller chooses (chain/runtime keeps its own enum of column ids). Keys
 *   are compared as raw bytes (memcmp order, shorter first on a common prefix).
 *
 *   Everything happens inside a transaction (struct store_txn):
 *   - a write transaction (store_write_begin): at most one at a time per store. The chain opens
 *     one per block and commits it at the end, so a block is applied atomically. Reads inside it
 *     see its own writes.
 *   - a nested write transaction (store_nested_begin): a child of a write transaction (or of
 *     another nested one). store_commit merges its changes into the parent; store_abort discards
 *     only the child's changes. The runtime opens one per receipt to roll back a failed receipt.
 *     While a child is open its parent must not be used (the store returns YB_EBUSY). A child
 *     writes straight into its parent's LMDB transaction and keeps an undo journal (each key's
 *     value before the child first changed it), which store_abort replays: beginning and
 *     committing a child cost nothing in LMDB, each put/del one extra read.
 *   - a snapshot (store_snapshot_begin): a read-only view of the last committed state, isolated
 *     from later commits. Many may be open at once, from any thread, beside the write txn.
 *
 * Threads
 *   A store may be shared by threads. A write transaction (and its nested children) must be used
 *   from the thread that began it, and only one write transaction exists at a time. A snapshot
 *   may be used from any one thread at a time and may move between threads (the environment is
 *   opened with MDB_NOTLS), e.g. a JSON-RPC worker may begin it and another end it. store_close
 *   requires that no transaction is open.
 *
 * Borrowed values
 *   Values and keys returned by store_get and store_iter_next point into LMDB's memory map. They
 *   stay valid until the transaction ends; inside a write transaction, only until the next
 *   put/del in that transaction (or any of its children). Copy them to keep them.
 *
 * Key size
 *   Keys are 1..STORE_KEY_MAX (511) bytes: LMDB's compiled-in maximum. Longer keys fail with
 *   YB_ETOOBIG; the store never hashes or splits keys. Callers with longer keys (NEAR contract
 *   storage keys may be 2 KiB) map them themselves; chain/runtime stores such keys as a prefix of
 *   the key followed by sha256 of the whole key, and says so in its README.
 *
 * Errors
 *   LMDB codes are converted in one place (store.c): MDB_NOTFOUND -> YB_ENOTFOUND, MDB_MAP_FULL
 *   -> YB_ESTORE_FULL, everything else -> YB_ESTORE, with mdb_strerror() written to the log with
 *   message id STORE-LMDB. After YB_ESTORE_FULL (or YB_ESTORE) from a put/del inside a write
 *   transaction, that transaction and all its parents can only be aborted: LMDB has poisoned
 *   the one LMDB transaction they share.
 *
 * Map size
 *   The map is virtual address space, not disk: the default (STORE_DEFAULT_MAP_SIZE, 64 GiB)
 *   uses disk only for data actually written. If a write transaction hits the limit, the put
 *   returns YB_ESTORE_FULL; the caller aborts the block, and the next store_write_begin grows
 *   the map (doubling, up to options.max_map_size) when no snapshot is open. If growth is not
 *   possible the retried block fails with YB_ESTORE_FULL again.
 */
#ifndef YB_STORE_H
#define YB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_MAX_COLUMNS          32u
#define STORE_KEY_MAX              511u               /* LMDB's default max key size */
#define STORE_VALUE_MAX            ((size_t)1 << 30)  /* 1 GiB: a sanity cap for one value */
#define STORE_DEFAULT_MAP_SIZE     ((size_t)64 << 30) /* 64 GiB of address space */
#define STORE_DEFAULT_MAX_MAP_SIZE ((size_t)1 << 40)  /* 1 TiB: default growth limit */
#define STORE_DEFAULT_READERS      126u               /* LMDB's default reader slots */

struct store;
struct store_txn;
struct store_iter;

struct store_options {
    size_t map_size;                 /* initial map size in bytes; 0 = STORE_DEFAULT_MAP_SIZE */
    size_t max_map_size;             /* growth limit on MAP_FULL; 0 = never grow past map_size */
    bool sync;                       /* fsync on every commit (default true); false = MDB_NOSYNC |
                                        MDB_NOMETASYNC: fast, but a crash may lose recent commits */
    bool write_map;                  /* default true: MDB_WRITEMAP, writes go straight into the
                                        map (no page copies, no writev at commit; the data file
                                        is a sparse file as large as the map). false: LMDB's
                                        read-only map, writes buffered in malloc'd pages */
    unsigned max_readers;            /* concurrent snapshots; 0 = STORE_DEFAULT_READERS (an
                                        existing lock file may keep a larger count) */
    unsigned n_columns;              /* columns 0..n_columns-1; 0 = STORE_MAX_COLUMNS */
    const char *const *column_names; /* borrowed, optional: n_columns names for the LMDB
                                        databases (for mdb_stat -a); NULL = "col0", "col1", ... */
};

/* A borrowed byte range (see "Borrowed values" above). */
struct store_slice {
    const uint8_t *data;
    size_t len;
};

/* Fill *opts with the defaults: 64 GiB map growing up to STORE_DEFAULT_MAX_MAP_SIZE, sync on,
 * write_map on, STORE_DEFAULT_READERS readers, STORE_MAX_COLUMNS unnamed columns. */
void store_options_default(struct store_options *opts);

/*
 * Open (creating if missing, mode 0700) the store in directory `dir` (borrowed). `opts`
 * (borrowed) may be NULL for the defaults. On success *out is returned: close it with
 * store_close. Errors: YB_EINVAL (bad options, too many columns), YB_EIO (cannot create the
 * directory), YB_ESTORE (LMDB refused: e.g. another process holds a lock it cannot share).
 */
int store_open(const char *dir, const struct store_options *opts, struct store **out);

/* Close the store; no transaction may be open. Accepts NULL. */
void store_close(struct store *s);

/* Figures for metrics and dashboards. */
struct store_info {
    size_t map_size;       /* current map size (address space), bytes */
    size_t used_bytes;     /* pages in use up to the last committed page, bytes */
    unsigned max_readers;  /* reader slots */
    unsigned readers_used; /* slots in use (snapshots, and the reads of write txns) */
    unsigned snapshots;    /* snapshots open in this process */
};

/* Fill *out; any thread. Errors: YB_ESTORE. */
int store_info(struct store *s, struct store_info *out);

/* Force committed data to disk (useful when opened with sync = false). Errors: YB_ESTORE. */
int store_sync(struct store *s);

/*
 * Begin the write transaction of `s` (borrowed). *out is returned; end it with store_commit or
 * store_abort. Grows the map first if the previous write hit MAP_FULL (see "Map size").
 * Errors: YB_EBUSY (a write transaction is already open), YB_ESTORE.
 */
int store_write_begin(struct store *s, struct store_txn **out);

/*
 * Begin a nested write transaction under `parent` (borrowed; a write or nested txn, not a
 * snapshot). *out is returned; end it with store_commit (merge into parent) or store_abort
 * (discard only its changes). Errors: YB_EPERM (parent is a snapshot), YB_EBUSY (parent already
 * has an open child).
 */
int store_nested_begin(struct store_txn *parent, struct store_txn **out);

/*
 * Commit `txn` (taken, also on failure: it is freed either way). A top-level write txn becomes
 * durable (fsync'd when options.sync); a nested one merges into its parent. Errors:
 * YB_EBUSY (txn has an open child — txn is NOT freed then), YB_EPERM (a snapshot: use
 * store_snapshot_end — not freed), YB_ESTORE_FULL, YB_ESTORE (nothing was committed).
 */
int store_commit(struct store_txn *txn);

/* Abort a write or nested txn (taken): its changes (and its open children's) are discarded.
 * Accepts NULL. Aborting a parent with an open child aborts the child too. */
void store_abort(struct store_txn *txn);

/*
 * Begin a read-only snapshot of the last committed state; any thread. *out is returned; end it
 * with store_snapshot_end. Errors: YB_EBUSY (all max_readers slots in use), YB_ESTORE.
 */
int store_snapshot_begin(struct store *s, struct store_txn **out);

/* End a snapshot (taken); any thread that currently owns it. Accepts NULL. */
void store_snapshot_end(struct store_txn *snap);

/*
 * Read `key` (borrowed, key_len bytes) in column `col` through `txn` (borrowed; write, nested or
 * snapshot). *val receives a borrowed slice (see "Borrowed values"). Errors: YB_ENOTFOUND,
 * YB_EINVAL (col out of range, empty key), YB_ETOOBIG (key over STORE_KEY_MAX), YB_EBUSY (txn has
 * an open child), YB_ESTORE.
 */
int store_get(struct store_txn *txn, unsigned col, const void *key, size_t key_len,
              struct store_slice *val);

/*
 * Insert or overwrite `key` -> `val` (both borrowed; copied into the store; val may be empty).
 * Errors: YB_EPERM (snapshot), YB_EINVAL, YB_ETOOBIG (key over STORE_KEY_MAX or value over
 * STORE_VALUE_MAX), YB_EBUSY (open child), YB_ESTORE_FULL, YB_ESTORE.
 */
int store_put(struct store_txn *txn, unsigned col, const void *key, size_t key_len, const void *val,
              size_t val_len);

/* Delete `key` (borrowed). Errors: YB_ENOTFOUND (no such key; nothing changed), YB_EPERM,
 * YB_EINVAL, YB_ETOOBIG, YB_EBUSY, YB_ESTORE_FULL, YB_ESTORE. */
int store_del(struct store_txn *txn, unsigned col, const void *key, size_t key_len);

/*
 * Delete every key of column `col` that starts with `prefix` (borrowed; prefix_len >= 1: use a
 * fresh store directory to wipe a column) in one pass; *removed (may be NULL) receives the
 * count. Open iterators of txn must not be used afterwards. Errors: YB_EPERM (snapshot),
 * YB_EINVAL (empty prefix, bad col), YB_ETOOBIG, YB_EBUSY (open child), YB_ESTORE_FULL,
 * YB_ESTORE.
 */
int store_del_prefix(struct store_txn *txn, unsigned col, const void *prefix, size_t prefix_len,
                     uint64_t *removed);

/*
 * Iterate, in ascending key order, over the keys of column `col` that start with `prefix`
 * (borrowed, may be empty = whole column), beginning at the first key >= `start` (borrowed,
 * optional: NULL/0 = from the first key with the prefix; a start below the prefix is treated
 * as the prefix itself). *out is returned; end it with store_iter_end before the txn ends.
 * The txn must not be written while the iterator is in use (writes invalidate its position).
 * Errors: YB_EINVAL, YB_ETOOBIG (prefix or start over STORE_KEY_MAX), YB_EBUSY, YB_ESTORE.
 */
int store_iter_begin(struct store_txn *txn, unsigned col, const void *prefix, size_t prefix_len,
                     const void *start, size_t start_len, struct store_iter **out);

/*
 * Move to the next entry: *key and *val receive borrowed slices (either may be NULL if not
 * wanted). Returns YB_ENOTFOUND when no key with the prefix is left (and keeps returning it).
 * Errors: YB_ESTORE.
 */
int store_iter_next(struct store_iter *it, struct store_slice *key, struct store_slice *val);

/* End an iterator (taken). Accepts NULL. */
void store_iter_end(struct store_iter *it);

/*
 * Count the keys of column `col` starting with `prefix` (borrowed, may be empty: then the
 * column's entry count is read in O(1)) as seen by `txn`. Errors as store_iter_begin.
 */
int store_count(struct store_txn *txn, unsigned col, const void *prefix, size_t prefix_len,
                uint64_t *out);

/* Whether `txn` is a read-only snapshot. */
bool store_txn_is_snapshot(const struct store_txn *txn);

#endif
