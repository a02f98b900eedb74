/*
 * journal.h — the oracle's crash-safe memory (LMDB), keyed by yield_id.
 *
 * Each AI answer is written (and the LMDB transaction committed, so it is on disk) before the
 * respond carrying it is sent; the transaction hash is added once the respond is signed; the
 * outcome when it is known. After a crash the daemon reads the journal back: an answered entry
 * is resubmitted instead of asking the AI again, and a finished entry keeps the request from
 * being asked ever again while the chain may still list it. Entries are pruned once their expiry
 * height is well behind the chain.
 *
 * Values are small JSON objects (readable with `mdb_dump`):
 *   {"request_id":7,"expires_height":260,"state":"answered","answer":"4",
 *    "tx_hash":"<base58>","tx_nonce":12}
 *
 * Errors from LMDB are converted here: MDB_MAP_FULL -> YB_ESTORE_FULL, others -> YB_ESTORE
 * (logged with LMDB's text, message id YB-ORACLE-JOURNAL).
 *
 * Thread rules: one struct journal per process and per directory; one thread at a time.
 */
#ifndef YB_ORACLE_JOURNAL_H
#define YB_ORACLE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "near.h"

/* Default LMDB map size: room for ~100k answers of 16 KiB. */
#define JOURNAL_MAP_SIZE_DEFAULT ((size_t)2 << 30)
/* The largest answer journaled (the assistant contract's cap is 16384 bytes). */
#define JOURNAL_ANSWER_MAX ((size_t)64 << 10)

enum journal_state {
    JOURNAL_ANSWERED = 0, /* answer stored, respond not (known to be) sent */
    JOURNAL_SUBMITTED,    /* a respond with tx_hash was sent */
    JOURNAL_DONE,         /* finished: confirmed, expired or failed (see `outcome`) */
};

struct journal_entry {
    char yield_id[NEAR_HASH_STR_MAX];
    uint64_t request_id;
    uint64_t expires_height;
    enum journal_state state;
    char *answer; /* owned (journal_entry_fini); "" for a done entry that never had one */
    size_t answer_len;
    bool has_tx_hash;
    uint8_t tx_hash[NEAR_HASH_LEN];
    uint64_t tx_nonce;
    char outcome[16]; /* for JOURNAL_DONE: "confirmed", "expired", "failed" */
};

struct journal;

/*
 * Opens (creating if needed) the journal in directory dir (borrowed; created with mode 0700 if
 * missing). map_size 0 = JOURNAL_MAP_SIZE_DEFAULT. *out returned (journal_close).
 * Errors: YB_EIO (cannot create the directory), YB_ESTORE.
 */
int journal_open(const char *dir, size_t map_size, struct journal **out);
/* Closes j (taken; NULL allowed). */
void journal_close(struct journal *j);

/*
 * Stores the answer for yield_id (borrowed) before it is submitted. answer[0..len) borrowed.
 * Errors: YB_EEXIST (an entry exists: the request was answered before — never overwrite, the
 * first answer is the one the chain may already hold), YB_ETOOBIG (len > JOURNAL_ANSWER_MAX),
 * YB_EINVAL (bad yield id), YB_ESTORE, YB_ESTORE_FULL.
 */
int journal_put_answer(struct journal *j, const char *yield_id, uint64_t request_id,
                       uint64_t expires_height, const char *answer, size_t len);
/*
 * Durability: journal_put_answer returns only once the answer is on disk (fsync). The updates
 * below (tx hash, outcome) are committed without an fsync of their own — they reach the disk
 * with the next answer or journal_sync. A crash may lose them; the cost is a harmless second
 * respond after restart, never a second AI call.
 */
/* One answer of a batch for journal_put_answers; strings borrowed. */
struct journal_answer {
    const char *yield_id;
    uint64_t request_id;
    uint64_t expires_height;
    const char *answer;
    size_t len;
    int rc; /* out: as journal_put_answer would return for this one */
};
/*
 * Stores n answers in one transaction and one fsync (group commit: answers that arrive together
 * cost one disk flush). Each a[k].rc gets that answer's result (YB_OK, YB_EEXIST, YB_ETOOBIG,
 * YB_EINVAL); a store failure fails all (returned, and in every rc that was YB_OK).
 */
int journal_put_answers(struct journal *j, struct journal_answer *a, size_t n);
/*
 * journal_put_answers without the fsync: the answers are committed (readable at once) but
 * durable only once a later journal_flush has returned — until then they must not be acted
 * on (submitted). Same results and errors.
 */
int journal_put_answers_nosync(struct journal *j, struct journal_answer *a, size_t n);
/*
 * Makes everything committed so far durable (fdatasync of the data file). Unlike every other
 * call here it may run on another thread while the owner thread commits (the daemon's sync
 * thread, so a slow disk does not stop its event loop). Errors: YB_EIO.
 */
int journal_flush(struct journal *j);

/* Records that a respond with tx_hash / nonce was sent. Errors: YB_ENOTFOUND, YB_ESTORE*. */
int journal_set_submitted(struct journal *j, const char *yield_id,
                          const uint8_t tx_hash[NEAR_HASH_LEN], uint64_t nonce);
/*
 * Marks yield_id finished with outcome ("confirmed", "expired", "failed"; borrowed). Creates the
 * entry if there is none (a request that failed before any answer must not be asked again
 * either). Errors: YB_EINVAL, YB_ESTORE*.
 */
int journal_set_done(struct journal *j, const char *yield_id, uint64_t expires_height,
                     const char *outcome);
/*
 * Groups the journal_set_submitted / journal_set_done calls made until journal_group_end into
 * one transaction (one commit instead of one per request: a batch of answers shares a
 * transaction hash and an outcome). Only those two may be called inside a group. A call
 * refused as usual (YB_ENOTFOUND, YB_EINVAL) changes nothing and the group goes on; after a
 * store failure journal_group_end aborts the whole group and returns that error (bookkeeping
 * only: the answers themselves are untouched). Errors: YB_EINVAL (a group is already open /
 * none is open), YB_ESTORE*.
 */
int journal_group_begin(struct journal *j);
int journal_group_end(struct journal *j);
/* Reads the entry for yield_id (borrowed) into *out (caller-owned; journal_entry_fini).
 * Errors: YB_ENOTFOUND, YB_ESTORE, YB_EMALFORMED (a value this code did not write). */
int journal_get(struct journal *j, const char *yield_id, struct journal_entry *out);
void journal_entry_fini(struct journal_entry *e);

/*
 * Calls fn(entry, ctx) for every entry in key order (entry borrowed for the call). fn returning
 * non-zero stops the walk and that value is returned. Malformed values are skipped with a
 * warning. Errors: YB_ESTORE, or fn's value.
 */
int journal_each(struct journal *j, int (*fn)(const struct journal_entry *e, void *ctx), void *ctx);
/* Deletes entries whose expires_height is below `height` (finished or not: the chain has
 * settled them). *n_removed may be NULL. Errors: YB_ESTORE. */
int journal_prune(struct journal *j, uint64_t height, size_t *n_removed);
/* Flushes updates committed without fsync to disk. Errors: YB_ESTORE. */
int journal_sync(struct journal *j);
/* Number of entries. Errors: YB_ESTORE. */
int journal_count(struct journal *j, size_t *out);

/* "answered", "submitted", "done". */
const char *journal_state_name(enum journal_state s);

#endif
