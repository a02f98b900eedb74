/*
 * deadline.h — how much time a request has left, from its expiry height and the observed block
 * time (oracle-anchors.md §4 "Deadline budget").
 *
 * The chain runs a yield's timeout in block `expires_height`. A respond sent while the chain is
 * at height h is included in block h+1 and its receipt resumes in block h+2 (NEAR executes a
 * transaction's receipt one block after inclusion), so the last height at which sending still
 * wins is expires_height - DEADLINE_SUBMIT_BLOCKS - 1, and the answer must be ready before the
 * block after that is produced. The block time is estimated from heights observed over time
 * (an exponentially weighted average), so it follows a chain that runs at 20 ms or at 1 s.
 *
 * Pure functions over caller-owned structs; times are milliseconds of one monotonic clock.
 * Thread rules: a struct deadline_clock belongs to one thread.
 */
#ifndef YB_ORACLE_DEADLINE_H
#define YB_ORACLE_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

/* Blocks between sending a respond and its resume executing (inclusion, then the receipt). */
#define DEADLINE_SUBMIT_BLOCKS 2
/* Until two heights have been seen, blocks are assumed to take this long (NEAR's ~1 s). */
#define DEADLINE_DEFAULT_BLOCK_MS 1000.0
/* Weight of the newest observation in the block-time average. */
#define DEADLINE_EWMA_WEIGHT 0.25
/* A block older than this by its timestamp is taken as seen now (see observe_at). */
#define DEADLINE_MAX_AGE_MS 10000

struct deadline_clock {
    uint64_t height;    /* the latest height seen; 0 = none yet */
    uint64_t at_ms;     /* when it was produced (or first seen) */
    double block_ms;    /* estimated time per block (moving average) */
    double fast_ms;     /* min(block_ms, the latest sample), at least block_ms / 2: what
                           deadlines assume */
    bool have_estimate; /* block_ms comes from observations */
};

void deadline_clock_init(struct deadline_clock *c);
/*
 * Records that the chain was at `height` at now_ms. A higher height updates the block-time
 * estimate from the time since the previous one; the same or a lower height (a restarted chain
 * or a lagging RPC node) changes only the height.
 */
void deadline_clock_observe(struct deadline_clock *c, uint64_t height, uint64_t now_ms);
/*
 * The same for a block produced age_ms before now_ms (from its header's timestamp): the time
 * an RPC answer took to arrive and be read — long under load — then does not make the chain
 * look slower or further behind than it is. age_ms above DEADLINE_MAX_AGE_MS (clocks apart, a
 * stale node) counts as 0.
 */
void deadline_clock_observe_at(struct deadline_clock *c, uint64_t height, uint64_t now_ms,
                               uint64_t age_ms);
/* The chain's estimated height at now_ms (never below the last observed height). */
uint64_t deadline_clock_height(const struct deadline_clock *c, uint64_t now_ms);
/*
 * Milliseconds left at now_ms before a respond for a yield expiring at expires_height can no
 * longer win, keeping margin_blocks in reserve; <= 0 when it is too late. Counts blocks at
 * fast_ms: when blocks speed up again after a slow stretch, the average lags behind and would
 * promise time the chain no longer gives.
 */
int64_t deadline_remaining_ms(const struct deadline_clock *c, uint64_t expires_height,
                              uint32_t margin_blocks, uint64_t now_ms);
/*
 * The time an AI call may take for such a request: the remaining time, capped at max_ms
 * (the configured AI timeout). 0 when it is below min_ms — the request cannot make it and is
 * not started.
 */
uint64_t deadline_ai_budget_ms(const struct deadline_clock *c, uint64_t expires_height,
                               uint32_t margin_blocks, uint64_t now_ms, uint64_t min_ms,
                               uint64_t max_ms);

#endif
