/*
 * request.h — the oracle's per-request state machine, keyed by yield_id.
 *
 *   seen ──▶ asking ──▶ answered ──▶ submitted ──▶ confirmed
 *     │  ◀──────┘ (AI retry later)      │  ▲ (resubmit after a transport failure)
 *     │                                 └──┘
 *     └──────────── any non-terminal state ──▶ expired | failed
 *
 * The rules the daemon relies on:
 *   - at most one AI call per request is in flight: only a `seen` request may start one
 *     (seen → asking), and it returns to `seen` only when that call ended;
 *   - at most one submission per request is in flight: a `submitted` request does not send again
 *     until request_transition(..., REQ_ANSWERED) says the previous send ended without a result;
 *   - confirmed, expired and failed are terminal: nothing leaves them, so a request the oracle
 *     finished is never asked again even if a stale pending list still shows it.
 *
 * struct request_table holds the live requests in a hash table (FNV-1a over the yield id,
 * open addressing with tombstones, grown at 1/2 load).
 *
 * Thread rules: a table and its requests belong to one thread (the event loop).
 */
#ifndef YB_ORACLE_REQUEST_H
#define YB_ORACLE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "near.h"

/* A yield id as the contracts spell it: base58 of the 32-byte data id (<= 44 characters). */
#define REQUEST_YIELD_ID_MAX NEAR_HASH_STR_MAX
/* The most requests one oracle tracks at once; the pending poll stops adding past it. */
#define REQUEST_TABLE_MAX (1u << 20)

enum request_state {
    REQ_SEEN = 0,  /* on the pending list; no AI call in flight */
    REQ_ASKING,    /* one AI call in flight */
    REQ_ANSWERED,  /* answer journaled; not yet sent (or the last send ended without a result) */
    REQ_SUBMITTED, /* a respond transaction is in flight or awaiting its outcome */
    REQ_CONFIRMED, /* terminal: the respond outcome is known (true, or false = someone else won) */
    REQ_EXPIRED,   /* terminal: the deadline passed, or the request left the pending list */
    REQ_FAILED,    /* terminal: a permanent error (AI refused, attempts exhausted) */
};

struct request {
    char yield_id[REQUEST_YIELD_ID_MAX]; /* base58, NUL-terminated: the key */
    uint64_t request_id;                 /* the contract's id, 0 when the profile has none */
    char *prompt;                        /* owned */
    uint64_t created_height;
    uint64_t expires_height; /* the height at which the chain runs the timeout */
    enum request_state state;
    unsigned ai_attempts;   /* AI calls started */
    unsigned tx_attempts;   /* respond transactions sent */
    uint64_t not_before_ms; /* backoff: no new AI call or send before this loop time */
    char *answer;           /* owned once answered */
    size_t answer_len;
    uint8_t tx_hash[NEAR_HASH_LEN]; /* the last respond sent */
    bool has_tx_hash;
    uint64_t last_seen_poll;    /* the poll round that last saw it pending */
    uint64_t first_seen_height; /* chain height when this oracle first saw it */
    uint64_t started_ms;        /* loop time it was first seen (latency figures) */
    /* The table's waiting list (state seen or answered: work the scheduler may start), kept
     * by request_transition; NULL table = not in a table. */
    struct request_table *table;
    struct request *wait_prev, *wait_next;
    bool waiting;
};

/* "seen", "asking", ... (static strings, for logs and metric labels). */
const char *request_state_name(enum request_state s);
/* True for confirmed, expired and failed. */
bool request_state_is_terminal(enum request_state s);
/* True when the machine allows from -> to (see the diagram). */
bool request_transition_allowed(enum request_state from, enum request_state to);
/*
 * Moves r to `to`. r borrowed. Errors: YB_EINVAL when the transition is not allowed (r is left
 * unchanged) — a caller bug or a race the caller must not act on.
 */
int request_transition(struct request *r, enum request_state to);
/* Stores a copy of text[0..len) (borrowed) as r's answer, replacing any earlier one. */
void request_set_answer(struct request *r, const char *text, size_t len);

struct request_table {
    struct request **slots; /* owned; NULL = empty, TOMBSTONE = deleted */
    size_t cap;             /* a power of two */
    size_t count;           /* live requests */
    size_t used;            /* live + tombstones */
    /* Requests in state seen or answered, oldest first: what schedule() walks, so its cost
     * follows the work waiting rather than every request still remembered (terminal ones stay
     * in the table until a sweep). */
    struct request *wait_head, *wait_tail;
    size_t waiting;
};

void request_table_init(struct request_table *t);
/* Frees every request and the table. */
void request_table_fini(struct request_table *t);
/* The request with yield_id (borrowed), or NULL. The pointer stays valid until it is removed. */
struct request *request_table_find(const struct request_table *t, const char *yield_id);
/*
 * Adds a new request in state seen for yield_id (borrowed) with a copy of prompt (borrowed);
 * *out borrowed from the table. Errors: YB_EEXIST (already there; *out is the existing one),
 * YB_EINVAL (empty or over-long yield id), YB_ETOOBIG (REQUEST_TABLE_MAX reached).
 */
int request_table_add(struct request_table *t, const char *yield_id, const char *prompt,
                      struct request **out);
/* Removes and frees the request with yield_id (borrowed). Errors: YB_ENOTFOUND. */
int request_table_remove(struct request_table *t, const char *yield_id);
/* Calls fn(r, ctx) for every request, in no particular order; fn may change r but not add or
 * remove entries. */
void request_table_each(struct request_table *t, void (*fn)(struct request *r, void *ctx),
                        void *ctx);
/* Calls fn(r, ctx) for each request waiting (state seen or answered) when the walk starts,
 * oldest first; fn may change r's state (which may take it off the list or put it back at its
 * end: it is not visited twice) but not add or remove entries. */
void request_table_each_waiting(struct request_table *t,
                                void (*fn)(struct request *r, void *ctx), void *ctx);

#endif
