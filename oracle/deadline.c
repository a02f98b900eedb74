/*
 * deadline.c — block-time estimate and per-request time budgets.
 */
#include "deadline.h"

#include <string.h>

void deadline_clock_init(struct deadline_clock *c)
{
    memset(c, 0, sizeof *c);
    c->block_ms = DEADLINE_DEFAULT_BLOCK_MS;
    c->fast_ms = DEADLINE_DEFAULT_BLOCK_MS;
}

void deadline_clock_observe_at(struct deadline_clock *c, uint64_t height, uint64_t now_ms,
                               uint64_t age_ms)
{
    if (age_ms > DEADLINE_MAX_AGE_MS || age_ms > now_ms) {
        age_ms = 0;
    }
    uint64_t at = now_ms - age_ms;
    if (c->height != 0 && height > c->height && at <= c->at_ms) {
        /* Dated no later than the previous height (timestamps and reads disagree): a sample
         * from it would claim blocks take no time. Take the height, keep the estimate. */
        c->height = height;
        return;
    }
    deadline_clock_observe(c, height, at);
}

void deadline_clock_observe(struct deadline_clock *c, uint64_t height, uint64_t now_ms)
{
    if (c->height == 0 || height < c->height) {
        /* First sight, or the chain went back (restarted from its store): start over. */
        c->height = height;
        c->at_ms = now_ms;
        return;
    }
    if (height == c->height) {
        return;
    }
    double elapsed = now_ms > c->at_ms ? (double)(now_ms - c->at_ms) : 0.0;
    double sample = elapsed / (double)(height - c->height);
    if (c->have_estimate) {
        c->block_ms = DEADLINE_EWMA_WEIGHT * sample + (1.0 - DEADLINE_EWMA_WEIGHT) * c->block_ms;
    } else {
        c->block_ms = sample;
        c->have_estimate = true;
    }
    /* A chain producing faster than we can observe still counts as at least 1 ms per block. */
    if (c->block_ms < 1.0) {
        c->block_ms = 1.0;
    }
    /* One odd sample (two heights read close together) must not collapse every deadline:
     * at most twice as fast as the average. */
    c->fast_ms = sample < c->block_ms ? sample : c->block_ms;
    if (c->fast_ms < c->block_ms / 2.0) {
        c->fast_ms = c->block_ms / 2.0;
    }
    c->height = height;
    c->at_ms = now_ms;
}

uint64_t deadline_clock_height(const struct deadline_clock *c, uint64_t now_ms)
{
    if (c->height == 0 || now_ms <= c->at_ms) {
        return c->height;
    }
    return c->height + (uint64_t)((double)(now_ms - c->at_ms) / c->block_ms);
}

int64_t deadline_remaining_ms(const struct deadline_clock *c, uint64_t expires_height,
                              uint32_t margin_blocks, uint64_t now_ms)
{
    /* The last height at which a send still resumes in time, less the reserve. */
    uint64_t reserve = (uint64_t)DEADLINE_SUBMIT_BLOCKS + margin_blocks;
    if (expires_height <= reserve || c->height == 0) {
        return c->height == 0 ? 0 : -1;
    }
    uint64_t last = expires_height - reserve;
    if (last <= c->height) {
        return -1;
    }
    double until = (double)(last - c->height) * c->fast_ms - ((double)now_ms - (double)c->at_ms);
    return (int64_t)until;
}

uint64_t deadline_ai_budget_ms(const struct deadline_clock *c, uint64_t expires_height,
                               uint32_t margin_blocks, uint64_t now_ms, uint64_t min_ms,
                               uint64_t max_ms)
{
    int64_t left = deadline_remaining_ms(c, expires_height, margin_blocks, now_ms);
    if (left <= 0 || (uint64_t)left < min_ms) {
        return 0;
    }
    return (uint64_t)left < max_ms ? (uint64_t)left : max_ms;
}
