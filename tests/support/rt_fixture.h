/*
 * rt_fixture.h — a runtime on a temporary store, for tests: genesis accounts with
 * deterministic keys, signed transactions, blocks applied and committed one at a time, and the
 * outcomes of every block kept for lookup.
 *
 * Keys are derived from the account id (seed = sha256(id)), so every test run signs the same
 * bytes. Blocks start at height 1; rt_fixture_skip jumps heights as sandbox_fast_forward does.
 *
 * Every function returns YB_OK or an error code; tests assert on it. Thread rules: one thread.
 */
#ifndef YB_TESTS_RT_FIXTURE_H
#define YB_TESTS_RT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "outcome.h"
#include "runtime.h"
#include "state.h"
#include "store.h"
#include "tx.h"

#define RT_FIXTURE_MAX_ACCOUNTS 32
#define RT_TGAS                 1000000000000ULL

/* 1 NEAR = 10^24 yocto. */
static inline yb_u128 rt_near(uint64_t n)
{
    return (yb_u128)n * (yb_u128)1000000000000ULL * (yb_u128)1000000000000ULL;
}

struct rt_fixture_account {
    char id[NEAR_ACCOUNT_ID_MAX + 1];
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    uint64_t nonce; /* last nonce used by the fixture for this key */
};

struct rt_fixture {
    char dir[128];
    struct store *store;
    struct runtime rt;
    uint64_t height;       /* last applied block; 0 before the first */
    uint64_t timestamp_ns; /* of the last block */
    bool verify_signatures;
    struct rt_fixture_account accounts[RT_FIXTURE_MAX_ACCOUNTS];
    size_t n_accounts;
    struct tx_signed **pending; /* signed, waiting for the next block */
    size_t n_pending;
    struct outcome_list outcomes;     /* every outcome of every block, in order */
    struct runtime_block_result last; /* the last block's result (its outcomes moved out) */
};

/* cfg NULL = config_default(). Creates the store in a fresh temp dir. */
int rt_fixture_init(struct rt_fixture *f, const struct config_runtime *cfg);
/* Closes and deletes everything. */
void rt_fixture_fini(struct rt_fixture *f);

/* Genesis (before the first block): an account with a FullAccess key derived from its id. */
int rt_fixture_account(struct rt_fixture *f, const char *id, yb_u128 amount);
/* Genesis deploy of code, or of the file at path (e.g. a contract from YB_CONTRACTS_DIR). */
int rt_fixture_deploy(struct rt_fixture *f, const char *id, const uint8_t *code, size_t len);
int rt_fixture_deploy_file(struct rt_fixture *f, const char *id, const char *path);

/* The deterministic key of an id (also for accounts created later by transactions). */
void rt_fixture_key(const char *id, uint8_t sk[NEAR_ED25519_SK_LEN], struct near_pubkey *pk);

/* Starts a tx signed later with signer's key and its next nonce. tx: caller-owned. */
int rt_fixture_tx(struct rt_fixture *f, const char *signer, const char *receiver, struct tx *tx);
/* Signs tx (taken) with sk and queues it for the next block; *hash receives its id (may be
 * NULL). */
int rt_fixture_submit_signed(struct rt_fixture *f, struct tx *tx,
                             const uint8_t sk[NEAR_ED25519_SK_LEN], uint8_t hash[NEAR_HASH_LEN]);
/* Signs with the signer's fixture key. */
int rt_fixture_submit(struct rt_fixture *f, struct tx *tx, uint8_t hash[NEAR_HASH_LEN]);
/* One FunctionCall transaction (args a NUL-terminated JSON string or NULL). */
int rt_fixture_call(struct rt_fixture *f, const char *signer, const char *receiver,
                    const char *method, const char *args, uint64_t gas, yb_u128 deposit,
                    uint8_t hash[NEAR_HASH_LEN]);
int rt_fixture_transfer(struct rt_fixture *f, const char *signer, const char *receiver,
                        yb_u128 amount, uint8_t hash[NEAR_HASH_LEN]);

/* Applies the next block (height + 1) with the pending txs, commits it. */
int rt_fixture_block(struct rt_fixture *f);
/* n empty or pending-carrying blocks in a row. */
int rt_fixture_blocks(struct rt_fixture *f, unsigned n);
/* The next block at height + delta (heights in between are skipped). */
int rt_fixture_skip(struct rt_fixture *f, uint64_t delta);

/* The outcome with this id from any block so far, or NULL. */
const struct outcome *rt_fixture_outcome(const struct rt_fixture *f,
                                         const uint8_t id[NEAR_HASH_LEN]);

enum rt_final {
    RT_FINAL_PENDING = 0, /* some outcome on the path is not there yet */
    RT_FINAL_SUCCESS = 1,
    RT_FINAL_FAILURE = 2,
};
/* Follows SuccessReceiptId from a tx outcome (nearcore's final status); *last (may be NULL)
 * receives the outcome that decided it. */
enum rt_final rt_fixture_final(const struct rt_fixture *f, const uint8_t tx_hash[NEAR_HASH_LEN],
                               const struct outcome **last);

/* Reads committed state. */
int rt_fixture_get_account(struct rt_fixture *f, const char *id, struct state_account *out);
yb_u128 rt_fixture_balance(struct rt_fixture *f, const char *id);
/* The stored access key of (id, key of key_owner) — *exists false when absent. */
int rt_fixture_get_key(struct rt_fixture *f, const char *id, const struct near_pubkey *pk,
                       bool *exists, struct tx_access_key *out);
/* A view call on committed state. */
int rt_fixture_view(struct rt_fixture *f, const char *id, const char *method, const char *args,
                    struct runtime_view_result *out);
/* True when outcome value equals s (NUL-terminated). */
bool rt_outcome_value_is(const struct outcome *o, const char *s);

#endif
