/*
 * test_deadline.c — oracle/deadline: block-time estimation from observed heights, remaining
 * time before a respond can no longer win, and the AI budget (capped, or 0 = do not start).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deadline.h"

static void estimates_block_time(void **state)
{
    (void)state;
    struct deadline_clock c;
    deadline_clock_init(&c);
    assert_false(c.have_estimate);
    deadline_clock_observe(&c, 100, 10000);
    assert_int_equal(deadline_clock_height(&c, 10000), 100);
    deadline_clock_observe(&c, 110, 10200); /* 20 ms blocks */
    assert_true(c.have_estimate);
    assert_true(c.block_ms > 19.9 && c.block_ms < 20.1);
    /* Extrapolates between observations. */
    assert_int_equal(deadline_clock_height(&c, 10400), 120);
    /* The same height again changes nothing. */
    deadline_clock_observe(&c, 110, 10300);
    assert_int_equal(c.at_ms, 10200);
    /* A slower block pulls the average up by the EWMA weight. */
    deadline_clock_observe(&c, 111, 10300);
    assert_true(c.block_ms > 39.9 && c.block_ms < 40.1);
    /* A chain that went back (restarted) resets the reference point, not the estimate. */
    deadline_clock_observe(&c, 5, 11000);
    assert_int_equal(c.height, 5);
    assert_true(c.block_ms > 39.9 && c.block_ms < 40.1);
}

static void remaining_time_and_budget(void **state)
{
    (void)state;
    struct deadline_clock c;
    deadline_clock_init(&c);
    /* Nothing observed yet: no time can be promised. */
    assert_true(deadline_remaining_ms(&c, 300, 0, 0) <= 0);
    deadline_clock_observe(&c, 100, 0);
    deadline_clock_observe(&c, 200, 100000); /* 1 s blocks, at height 200 */
    /* Expires at 300: the last useful send is at 298 -> 98 blocks -> 98 s. */
    assert_int_equal(deadline_remaining_ms(&c, 300, 0, 100000), 98000);
    /* With a 10-block margin: 88 s, and time already spent in this block counts. */
    assert_int_equal(deadline_remaining_ms(&c, 300, 10, 100500), 87500);
    /* Too late. */
    assert_true(deadline_remaining_ms(&c, 202, 0, 100000) < 0);
    assert_true(deadline_remaining_ms(&c, 1, 0, 100000) < 0);
    /* Budget: capped at the AI timeout, 0 when under the minimum. */
    assert_int_equal(deadline_ai_budget_ms(&c, 300, 0, 100000, 500, 30000), 30000);
    assert_int_equal(deadline_ai_budget_ms(&c, 205, 0, 100000, 500, 30000), 3000);
    assert_int_equal(deadline_ai_budget_ms(&c, 205, 0, 102600, 500, 30000), 0);
    assert_int_equal(deadline_ai_budget_ms(&c, 150, 0, 100000, 500, 30000), 0);
}

/* After a slow stretch the average lags; deadlines count blocks at the latest, faster pace. */
static void deadlines_follow_a_faster_chain_at_once(void **state)
{
    (void)state;
    struct deadline_clock c;
    deadline_clock_init(&c);
    deadline_clock_observe(&c, 100, 0);
    deadline_clock_observe(&c, 110, 1000); /* 100 ms blocks under load */
    deadline_clock_observe(&c, 120, 1200); /* back to 20 ms */
    assert_true(c.block_ms > 79.9 && c.block_ms < 80.1);
    assert_true(c.fast_ms > 39.9 && c.fast_ms < 40.1);
    /* Expires at 220: the last useful send at 218, 98 blocks of 40 ms (the fast sample, at
     * most twice as fast as the 80 ms average), not of 80 ms. */
    assert_int_equal(deadline_remaining_ms(&c, 220, 0, 1200), 3920);
    /* Slower again: the average, not the slow sample, is what deadlines use. */
    deadline_clock_observe(&c, 121, 1400);
    assert_true(c.fast_ms > c.block_ms - 0.01 && c.fast_ms < c.block_ms + 0.01);
}

/* A block dated by its timestamp: the time its answer took to arrive does not count. */
static void observation_dated_by_block_age(void **state)
{
    (void)state;
    struct deadline_clock c;
    deadline_clock_init(&c);
    deadline_clock_observe_at(&c, 100, 10000, 0);
    /* Height 110 was produced at 10200 but read at 10350 (a slow RPC answer). */
    deadline_clock_observe_at(&c, 110, 10350, 150);
    assert_int_equal(c.at_ms, 10200);
    assert_true(c.block_ms > 19.9 && c.block_ms < 20.1);
    /* An age beyond DEADLINE_MAX_AGE_MS (clocks apart) is ignored. */
    deadline_clock_observe_at(&c, 120, 10600, DEADLINE_MAX_AGE_MS + 1);
    assert_int_equal(c.at_ms, 10600);
    /* An age that would date a later height before the previous one: the height is taken,
     * the estimate kept (no zero-length sample). */
    double before = c.block_ms;
    deadline_clock_observe_at(&c, 121, 10650, 500);
    assert_int_equal(c.height, 121);
    assert_int_equal(c.at_ms, 10600);
    assert_true(c.block_ms == before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(estimates_block_time),
        cmocka_unit_test(remaining_time_and_budget),
        cmocka_unit_test(deadlines_follow_a_faster_chain_at_once),
        cmocka_unit_test(observation_dated_by_block_age),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
