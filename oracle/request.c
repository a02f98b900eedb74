/*
 * request.c — the per-request state machine and the table of live requests.
 */
#include "request.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

/* Deleted slots keep probe chains intact until the next rehash. */
static struct request *const TOMBSTONE = (struct request *)&TOMBSTONE;

static const char *const state_names[] = {
    [REQ_SEEN] = "seen",           [REQ_ASKING] = "asking",       [REQ_ANSWERED] = "answered",
    [REQ_SUBMITTED] = "submitted", [REQ_CONFIRMED] = "confirmed", [REQ_EXPIRED] = "expired",
    [REQ_FAILED] = "failed",
};

const char *request_state_name(enum request_state s)
{
    if ((unsigned)s >= sizeof state_names / sizeof state_names[0]) {
        return "unknown";
    }
    return state_names[s];
}

bool request_state_is_terminal(enum request_state s)
{
    return s == REQ_CONFIRMED || s == REQ_EXPIRED || s == REQ_FAILED;
}

bool request_transition_allowed(enum request_state from, enum request_state to)
{
    if (request_state_is_terminal(from)) {
        return false;
    }
    /* Any live request may end as expired (deadline, or gone from the pending list) or failed. */
    if (to == REQ_EXPIRED || to == REQ_FAILED) {
        return true;
    }
    switch (from) {
    case REQ_SEEN:
        /* answered directly: a journaled answer found after a restart. */
        return to == REQ_ASKING || to == REQ_ANSWERED;
    case REQ_ASKING:
        /* back to seen: the AI call ended with "retry later". */
        return to == REQ_SEEN || to == REQ_ANSWERED;
    case REQ_ANSWERED:
        return to == REQ_SUBMITTED;
    case REQ_SUBMITTED:
        /* back to answered: the send ended without an outcome and may be repeated. */
        return to == REQ_ANSWERED || to == REQ_CONFIRMED;
    default:
        return false;
    }
}

static bool state_waits(enum request_state s)
{
    return s == REQ_SEEN || s == REQ_ANSWERED;
}

static void wait_unlink(struct request_table *t, struct request *r)
{
    if (!r->waiting) {
        return;
    }
    if (r->wait_prev) {
        r->wait_prev->wait_next = r->wait_next;
    } else {
        t->wait_head = r->wait_next;
    }
    if (r->wait_next) {
        r->wait_next->wait_prev = r->wait_prev;
    } else {
        t->wait_tail = r->wait_prev;
    }
    r->wait_prev = r->wait_next = NULL;
    r->waiting = false;
    t->waiting--;
}

static void wait_append(struct request_table *t, struct request *r)
{
    if (r->waiting) {
        return;
    }
    r->wait_prev = t->wait_tail;
    r->wait_next = NULL;
    if (t->wait_tail) {
        t->wait_tail->wait_next = r;
    } else {
        t->wait_head = r;
    }
    t->wait_tail = r;
    r->waiting = true;
    t->waiting++;
}

/* Puts r on its table's waiting list or takes it off, as its state says. */
static void wait_sync(struct request *r)
{
    if (r->table == NULL) {
        return;
    }
    if (state_waits(r->state)) {
        wait_append(r->table, r);
    } else {
        wait_unlink(r->table, r);
    }
}

int request_transition(struct request *r, enum request_state to)
{
    if (!request_transition_allowed(r->state, to)) {
        return YB_EINVAL;
    }
    if (to == REQ_ASKING) {
        r->ai_attempts++;
    } else if (to == REQ_SUBMITTED) {
        r->tx_attempts++;
    }
    r->state = to;
    wait_sync(r);
    return YB_OK;
}

void request_set_answer(struct request *r, const char *text, size_t len)
{
    free(r->answer);
    r->answer = yb_xstrndup(text, len);
    r->answer_len = len;
}

static void request_free(struct request *r)
{
    free(r->prompt);
    free(r->answer);
    free(r);
}

/* FNV-1a: yield ids are base58 of a hash already, so any cheap mix spreads them well. */
static uint64_t key_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    }
    return h;
}

void request_table_init(struct request_table *t)
{
    memset(t, 0, sizeof *t);
}

void request_table_fini(struct request_table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i] && t->slots[i] != TOMBSTONE) {
            request_free(t->slots[i]);
        }
    }
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* The slot holding yield_id, or (when absent) the first free slot on its probe path. */
static size_t probe(const struct request_table *t, const char *yield_id, bool *found)
{
    size_t mask = t->cap - 1;
    size_t i = key_hash(yield_id) & mask;
    size_t first_free = SIZE_MAX;
    *found = false;
    for (;;) {
        struct request *r = t->slots[i];
        if (!r) {
            return first_free != SIZE_MAX ? first_free : i;
        }
        if (r == TOMBSTONE) {
            if (first_free == SIZE_MAX) {
                first_free = i;
            }
        } else if (strcmp(r->yield_id, yield_id) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static void rehash(struct request_table *t, size_t new_cap)
{
    struct request **old = t->slots;
    size_t old_cap = t->cap;
    t->slots = yb_xcalloc(new_cap, sizeof *t->slots);
    t->cap = new_cap;
    t->used = t->count;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] && old[i] != TOMBSTONE) {
            bool found;
            t->slots[probe(t, old[i]->yield_id, &found)] = old[i];
        }
    }
    free(old);
}

struct request *request_table_find(const struct request_table *t, const char *yield_id)
{
    if (t->cap == 0) {
        return NULL;
    }
    bool found;
    size_t i = probe(t, yield_id, &found);
    return found ? t->slots[i] : NULL;
}

int request_table_add(struct request_table *t, const char *yield_id, const char *prompt,
                      struct request **out)
{
    size_t n = strlen(yield_id);
    if (n == 0 || n >= REQUEST_YIELD_ID_MAX) {
        return YB_EINVAL;
    }
    struct request *existing = request_table_find(t, yield_id);
    if (existing) {
        *out = existing;
        return YB_EEXIST;
    }
    if (t->count >= REQUEST_TABLE_MAX) {
        return YB_ETOOBIG;
    }
    /* Keep the load (tombstones included) at most 1/2 so probe chains stay short. */
    if ((t->used + 1) * 2 > t->cap) {
        /* Rehashing drops the tombstones; grow only when live entries need the room. */
        size_t new_cap = t->cap ? t->cap : 64;
        while ((t->count + 1) * 4 > new_cap) {
            new_cap *= 2;
        }
        rehash(t, new_cap);
    }
    struct request *r = yb_xcalloc(1, sizeof *r);
    memcpy(r->yield_id, yield_id, n + 1);
    r->prompt = yb_xstrdup(prompt ? prompt : "");
    r->state = REQ_SEEN;
    bool found;
    size_t i = probe(t, yield_id, &found);
    if (t->slots[i] != TOMBSTONE) {
        t->used++;
    }
    t->slots[i] = r;
    t->count++;
    r->table = t;
    wait_sync(r);
    *out = r;
    return YB_OK;
}

int request_table_remove(struct request_table *t, const char *yield_id)
{
    if (t->cap == 0) {
        return YB_ENOTFOUND;
    }
    bool found;
    size_t i = probe(t, yield_id, &found);
    if (!found) {
        return YB_ENOTFOUND;
    }
    wait_unlink(t, t->slots[i]);
    request_free(t->slots[i]);
    t->slots[i] = TOMBSTONE;
    t->count--;
    return YB_OK;
}

void request_table_each(struct request_table *t, void (*fn)(struct request *r, void *ctx),
                        void *ctx)
{
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i] && t->slots[i] != TOMBSTONE) {
            fn(t->slots[i], ctx);
        }
    }
}

void request_table_each_waiting(struct request_table *t,
                                void (*fn)(struct request *r, void *ctx), void *ctx)
{
    /* Only those waiting at the start: fn may put r back at the end of the list. */
    size_t n = t->waiting;
    struct request *r = t->wait_head;
    for (size_t i = 0; i < n && r != NULL; i++) {
        struct request *next = r->wait_next;
        fn(r, ctx);
        r = next;
    }
}
