/*
 * test_request.c — oracle/request: the state machine's allowed and refused transitions as a
 * table, the one-AI-call / one-submission rules, terminal states, and the yield-id table
 * (add, find, duplicate, remove with tombstones, growth past thousands of entries), and its
 * waiting list (seen and answered requests, oldest first, kept by every transition).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "request.h"

/* Every (from, to) pair the machine allows; all others must be refused. */
static const struct {
    enum request_state from, to;
} allowed[] = {
    {REQ_SEEN, REQ_ASKING},         {REQ_SEEN, REQ_ANSWERED},     {REQ_SEEN, REQ_EXPIRED},
    {REQ_SEEN, REQ_FAILED},         {REQ_ASKING, REQ_SEEN},       {REQ_ASKING, REQ_ANSWERED},
    {REQ_ASKING, REQ_EXPIRED},      {REQ_ASKING, REQ_FAILED},     {REQ_ANSWERED, REQ_SUBMITTED},
    {REQ_ANSWERED, REQ_EXPIRED},    {REQ_ANSWERED, REQ_FAILED},   {REQ_SUBMITTED, REQ_ANSWERED},
    {REQ_SUBMITTED, REQ_CONFIRMED}, {REQ_SUBMITTED, REQ_EXPIRED}, {REQ_SUBMITTED, REQ_FAILED},
};

static bool in_table(enum request_state from, enum request_state to)
{
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        if (allowed[i].from == from && allowed[i].to == to) {
            return true;
        }
    }
    return false;
}

static void transitions_match_the_diagram(void **state)
{
    (void)state;
    for (int from = REQ_SEEN; from <= REQ_FAILED; from++) {
        for (int to = REQ_SEEN; to <= REQ_FAILED; to++) {
            bool want = in_table(from, to);
            struct request r = {.state = from};
            int rc = request_transition(&r, to);
            if (want != (rc == YB_OK)) {
                fail_msg("%s -> %s: expected %s", request_state_name(from), request_state_name(to),
                         want ? "allowed" : "refused");
            }
            assert_int_equal(r.state, want ? to : from);
        }
    }
}

static void one_ai_call_and_one_submission_at_a_time(void **state)
{
    (void)state;
    struct request r = {.state = REQ_SEEN};
    assert_int_equal(request_transition(&r, REQ_ASKING), YB_OK);
    /* A second AI call while one is in flight is refused. */
    assert_int_equal(request_transition(&r, REQ_ASKING), YB_EINVAL);
    assert_int_equal(request_transition(&r, REQ_SEEN), YB_OK); /* retry later */
    assert_int_equal(request_transition(&r, REQ_ASKING), YB_OK);
    assert_int_equal(r.ai_attempts, 2);
    assert_int_equal(request_transition(&r, REQ_ANSWERED), YB_OK);
    /* Once answered the AI is never asked again. */
    assert_int_equal(request_transition(&r, REQ_ASKING), YB_EINVAL);
    assert_int_equal(request_transition(&r, REQ_SUBMITTED), YB_OK);
    assert_int_equal(request_transition(&r, REQ_SUBMITTED), YB_EINVAL);
    assert_int_equal(request_transition(&r, REQ_ANSWERED), YB_OK); /* send failed, resend */
    assert_int_equal(request_transition(&r, REQ_SUBMITTED), YB_OK);
    assert_int_equal(r.tx_attempts, 2);
    assert_int_equal(request_transition(&r, REQ_CONFIRMED), YB_OK);
    assert_true(request_state_is_terminal(r.state));
}

static void terminal_states_stay(void **state)
{
    (void)state;
    const enum request_state terminal[] = {REQ_CONFIRMED, REQ_EXPIRED, REQ_FAILED};
    for (size_t i = 0; i < 3; i++) {
        for (int to = REQ_SEEN; to <= REQ_FAILED; to++) {
            struct request r = {.state = terminal[i]};
            assert_int_equal(request_transition(&r, to), YB_EINVAL);
        }
    }
    assert_string_equal(request_state_name(REQ_SUBMITTED), "submitted");
    assert_string_equal(request_state_name((enum request_state)99), "unknown");
}

static void table_add_find_remove(void **state)
{
    (void)state;
    struct request_table t;
    request_table_init(&t);
    struct request *r, *again;
    assert_null(request_table_find(&t, "abc"));
    assert_int_equal(request_table_remove(&t, "abc"), YB_ENOTFOUND);
    assert_int_equal(request_table_add(&t, "abc", "What is 2+2?", &r), YB_OK);
    assert_string_equal(r->prompt, "What is 2+2?");
    assert_int_equal(r->state, REQ_SEEN);
    assert_int_equal(request_table_add(&t, "abc", "other", &again), YB_EEXIST);
    assert_ptr_equal(again, r);
    assert_ptr_equal(request_table_find(&t, "abc"), r);
    request_set_answer(r, "4 and more", 1);
    assert_string_equal(r->answer, "4");
    assert_int_equal(request_table_add(&t, "", "x", &r), YB_EINVAL);
    char longid[REQUEST_YIELD_ID_MAX + 1];
    memset(longid, 'A', sizeof longid - 1);
    longid[sizeof longid - 1] = 0;
    assert_int_equal(request_table_add(&t, longid, "x", &r), YB_EINVAL);
    assert_int_equal(request_table_remove(&t, "abc"), YB_OK);
    assert_null(request_table_find(&t, "abc"));
    assert_int_equal(t.count, 0);
    request_table_fini(&t);
}

static void count_one(struct request *r, void *ctx)
{
    (void)r;
    (*(size_t *)ctx)++;
}

static void table_grows_and_reuses_tombstones(void **state)
{
    (void)state;
    struct request_table t;
    request_table_init(&t);
    char id[32];
    struct request *r;
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "y%d", i);
        assert_int_equal(request_table_add(&t, id, "p", &r), YB_OK);
        r->request_id = (uint64_t)i;
    }
    for (int i = 0; i < 5000; i += 2) {
        snprintf(id, sizeof id, "y%d", i);
        assert_int_equal(request_table_remove(&t, id), YB_OK);
    }
    /* Churn: many add/remove rounds must not fill the table with tombstones. */
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 1000; i++) {
            snprintf(id, sizeof id, "z%d-%d", round, i);
            assert_int_equal(request_table_add(&t, id, "p", &r), YB_OK);
        }
        for (int i = 0; i < 1000; i++) {
            snprintf(id, sizeof id, "z%d-%d", round, i);
            assert_int_equal(request_table_remove(&t, id), YB_OK);
        }
    }
    assert_int_equal(t.count, 2500);
    assert_true(t.cap <= 16384);
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "y%d", i);
        r = request_table_find(&t, id);
        if (i % 2) {
            assert_non_null(r);
            assert_int_equal(r->request_id, (uint64_t)i);
        } else {
            assert_null(r);
        }
    }
    size_t n = 0;
    request_table_each(&t, count_one, &n);
    assert_int_equal(n, 2500);
    request_table_fini(&t);
}

/* The ids on the waiting list, in order, written as "y1 y3 ..." into out. */
struct walk {
    char out[256];
    enum request_state move_to; /* what the walk does to each visited request (REQ_SEEN: none) */
    bool cycle;                 /* and then back to seen: onto the end of the list again */
};

static void note_one(struct request *r, void *ctx)
{
    struct walk *w = ctx;
    size_t n = strlen(w->out);
    snprintf(w->out + n, sizeof w->out - n, "%s%s", n ? " " : "", r->yield_id);
    if (w->move_to != REQ_SEEN) {
        assert_int_equal(request_transition(r, w->move_to), YB_OK);
    }
    if (w->cycle) {
        assert_int_equal(request_transition(r, REQ_SEEN), YB_OK);
    }
}

static const char *waiting(struct request_table *t)
{
    static struct walk w;
    memset(&w, 0, sizeof w);
    w.move_to = REQ_SEEN;
    request_table_each_waiting(t, note_one, &w);
    return w.out;
}

static void waiting_list_follows_the_states(void **state)
{
    (void)state;
    struct request_table t;
    request_table_init(&t);
    struct request *r[5];
    char id[8];
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "y%d", i);
        assert_int_equal(request_table_add(&t, id, "p", &r[i]), YB_OK);
    }
    assert_string_equal(waiting(&t), "y0 y1 y2 y3 y4"); /* new = seen: waiting, oldest first */
    assert_int_equal(request_transition(r[1], REQ_ASKING), YB_OK);
    assert_int_equal(request_transition(r[3], REQ_ASKING), YB_OK);
    assert_string_equal(waiting(&t), "y0 y2 y4");
    assert_int_equal(request_transition(r[3], REQ_ANSWERED), YB_OK); /* answered waits to send */
    assert_int_equal(request_transition(r[1], REQ_SEEN), YB_OK);     /* retry later */
    assert_string_equal(waiting(&t), "y0 y2 y4 y3 y1");
    assert_int_equal(request_transition(r[3], REQ_SUBMITTED), YB_OK);
    assert_int_equal(request_transition(r[0], REQ_EXPIRED), YB_OK);
    assert_string_equal(waiting(&t), "y2 y4 y1");
    /* A refused transition changes nothing. */
    assert_int_equal(request_transition(r[0], REQ_SEEN), YB_EINVAL);
    assert_string_equal(waiting(&t), "y2 y4 y1");
    assert_int_equal(request_table_remove(&t, "y4"), YB_OK);
    assert_string_equal(waiting(&t), "y2 y1");
    assert_int_equal(t.waiting, 2);
    request_table_fini(&t);
}

static void waiting_walk_visits_each_once(void **state)
{
    (void)state;
    struct request_table t;
    request_table_init(&t);
    struct request *r;
    char id[8];
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "y%d", i);
        assert_int_equal(request_table_add(&t, id, "p", &r), YB_OK);
    }
    /* Each visit starts an AI call (off the list); then each call ends in "retry later" (back
     * on at the end): neither walk may see a request twice or loop. */
    struct walk w = {.move_to = REQ_ASKING};
    request_table_each_waiting(&t, note_one, &w);
    assert_string_equal(w.out, "y0 y1 y2");
    assert_int_equal(t.waiting, 0);
    assert_string_equal(waiting(&t), "");
    struct request *all[3];
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "y%d", i);
        all[i] = request_table_find(&t, id);
        assert_int_equal(request_transition(all[i], REQ_SEEN), YB_OK);
    }
    struct walk again = {.move_to = REQ_ASKING};
    request_table_each_waiting(&t, note_one, &again);
    assert_string_equal(again.out, "y0 y1 y2");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(request_transition(all[i], REQ_SEEN), YB_OK);
    }
    /* A walk that puts each one back at the end (asking, then seen) still visits each once. */
    struct walk cycle = {.move_to = REQ_ASKING, .cycle = true};
    request_table_each_waiting(&t, note_one, &cycle);
    assert_string_equal(cycle.out, "y0 y1 y2");
    assert_string_equal(waiting(&t), "y0 y1 y2");
    request_table_fini(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transitions_match_the_diagram),
        cmocka_unit_test(one_ai_call_and_one_submission_at_a_time),
        cmocka_unit_test(terminal_states_stay),
        cmocka_unit_test(table_add_find_remove),
        cmocka_unit_test(table_grows_and_reuses_tombstones),
        cmocka_unit_test(waiting_list_follows_the_states),
        cmocka_unit_test(waiting_walk_visits_each_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
