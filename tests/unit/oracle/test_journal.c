/*
 * test_journal.c — oracle/journal on a real LMDB directory: answers stored before submission
 * survive a close and reopen (the crash-recovery path), an answer is never overwritten, the
 * submitted and done states with their fields, pruning by height, and malformed input refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "journal.h"

struct fixture {
    char dir[64];
    struct journal *j;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/yb-journal-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    if (journal_open(f->dir, 16u << 20, &f->j) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    journal_close(f->j);
    char path[128];
    snprintf(path, sizeof path, "%s/data.mdb", f->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/lock.mdb", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void answer_survives_reopen(void **state)
{
    struct fixture *f = *state;
    const char *answer = "4 \xe2\x80\x94 \"quoted\"\n";
    assert_int_equal(journal_put_answer(f->j, "YiEld1", 7, 260, answer, strlen(answer)), YB_OK);
    journal_close(f->j);
    assert_int_equal(journal_open(f->dir, 16u << 20, &f->j), YB_OK);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "YiEld1", &e), YB_OK);
    assert_string_equal(e.yield_id, "YiEld1");
    assert_int_equal(e.request_id, 7);
    assert_int_equal(e.expires_height, 260);
    assert_int_equal(e.state, JOURNAL_ANSWERED);
    assert_string_equal(e.answer, answer);
    assert_false(e.has_tx_hash);
    journal_entry_fini(&e);
}

static void first_answer_is_kept(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(journal_put_answer(f->j, "Y2", 1, 10, "first", 5), YB_OK);
    assert_int_equal(journal_put_answer(f->j, "Y2", 1, 10, "second", 6), YB_EEXIST);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "Y2", &e), YB_OK);
    assert_string_equal(e.answer, "first");
    journal_entry_fini(&e);
}

static void submitted_then_done(void **state)
{
    struct fixture *f = *state;
    uint8_t hash[32];
    for (int i = 0; i < 32; i++) {
        hash[i] = (uint8_t)(i * 7 + 1);
    }
    assert_int_equal(journal_set_submitted(f->j, "missing", hash, 5), YB_ENOTFOUND);
    assert_int_equal(journal_put_answer(f->j, "Y3", 3, 300, "ok", 2), YB_OK);
    assert_int_equal(journal_set_submitted(f->j, "Y3", hash, 42), YB_OK);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "Y3", &e), YB_OK);
    assert_int_equal(e.state, JOURNAL_SUBMITTED);
    assert_true(e.has_tx_hash);
    assert_memory_equal(e.tx_hash, hash, 32);
    assert_int_equal(e.tx_nonce, 42);
    journal_entry_fini(&e);
    assert_int_equal(journal_set_done(f->j, "Y3", 0, "confirmed"), YB_OK);
    assert_int_equal(journal_get(f->j, "Y3", &e), YB_OK);
    assert_int_equal(e.state, JOURNAL_DONE);
    assert_string_equal(e.outcome, "confirmed");
    assert_string_equal(e.answer, "ok");
    assert_int_equal(e.expires_height, 300);
    journal_entry_fini(&e);
    /* A request that failed before any answer is remembered too. */
    assert_int_equal(journal_set_done(f->j, "Y4", 400, "failed"), YB_OK);
    assert_int_equal(journal_get(f->j, "Y4", &e), YB_OK);
    assert_int_equal(e.state, JOURNAL_DONE);
    assert_int_equal(e.expires_height, 400);
    assert_string_equal(e.answer, "");
    journal_entry_fini(&e);
    /* It can no longer take an answer. */
    assert_int_equal(journal_put_answer(f->j, "Y4", 4, 400, "late", 4), YB_EEXIST);
    assert_int_equal(journal_set_done(f->j, "Y4", 400, "a-very-long-outcome-name"), YB_EINVAL);
}

/* Answers committed without an fsync are there at once, flushed from another thread, and
 * after a reopen; the results per answer are those of journal_put_answers. */
static void *flush_thread(void *arg)
{
    return (void *)(intptr_t)journal_flush(arg);
}

static void lazy_answers_then_flush(void **state)
{
    struct fixture *f = *state;
    struct journal_answer a[2] = {{.yield_id = "L1", .request_id = 1, .answer = "x", .len = 1},
                                  {.yield_id = "", .request_id = 2, .answer = "y", .len = 1}};
    assert_int_equal(journal_put_answers_nosync(f->j, a, 2), YB_OK);
    assert_int_equal(a[0].rc, YB_OK);
    assert_int_equal(a[1].rc, YB_EINVAL);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "L1", &e), YB_OK);
    journal_entry_fini(&e);
    pthread_t t;
    void *rc = NULL;
    assert_int_equal(pthread_create(&t, NULL, flush_thread, f->j), 0);
    assert_int_equal(pthread_join(t, &rc), 0);
    assert_int_equal((int)(intptr_t)rc, YB_OK);
    journal_close(f->j);
    assert_int_equal(journal_open(f->dir, 16u << 20, &f->j), YB_OK);
    assert_int_equal(journal_get(f->j, "L1", &e), YB_OK);
    assert_string_equal(e.answer, "x");
    assert_int_equal(e.state, JOURNAL_ANSWERED);
    journal_entry_fini(&e);
    /* Same refusal as the synced form: the first answer stays. */
    a[0].answer = "z";
    assert_int_equal(journal_put_answers_nosync(f->j, a, 1), YB_OK);
    assert_int_equal(a[0].rc, YB_EEXIST);
}

/* A group: its updates commit together at the end; a refused one does not spoil the rest. */
static void grouped_updates(void **state)
{
    struct fixture *f = *state;
    uint8_t hash[32] = {9};
    assert_int_equal(journal_put_answer(f->j, "G1", 1, 100, "a", 1), YB_OK);
    assert_int_equal(journal_put_answer(f->j, "G2", 2, 100, "b", 1), YB_OK);
    assert_int_equal(journal_group_end(f->j), YB_EINVAL); /* none open */
    assert_int_equal(journal_group_begin(f->j), YB_OK);
    assert_int_equal(journal_group_begin(f->j), YB_EINVAL); /* no nesting */
    assert_int_equal(journal_set_submitted(f->j, "G1", hash, 7), YB_OK);
    assert_int_equal(journal_set_submitted(f->j, "missing", hash, 7), YB_ENOTFOUND);
    assert_int_equal(journal_set_submitted(f->j, "G2", hash, 7), YB_OK);
    assert_int_equal(journal_set_done(f->j, "G2", 100, "confirmed"), YB_OK);
    assert_int_equal(journal_group_end(f->j), YB_OK);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "G1", &e), YB_OK);
    assert_int_equal(e.state, JOURNAL_SUBMITTED);
    assert_int_equal(e.tx_nonce, 7);
    journal_entry_fini(&e);
    assert_int_equal(journal_get(f->j, "G2", &e), YB_OK);
    assert_int_equal(e.state, JOURNAL_DONE);
    assert_string_equal(e.outcome, "confirmed");
    assert_string_equal(e.answer, "b");
    journal_entry_fini(&e);
    assert_int_equal(journal_get(f->j, "missing", &e), YB_ENOTFOUND);
    journal_entry_fini(&e);
    /* Closing with a group open aborts it (no leak, no half-written entry). */
    assert_int_equal(journal_group_begin(f->j), YB_OK);
    assert_int_equal(journal_set_done(f->j, "G1", 100, "failed"), YB_OK);
}

struct collected {
    size_t n;
    size_t answered;
    char last[64];
};

static int collect(const struct journal_entry *e, void *ctx)
{
    struct collected *c = ctx;
    c->n++;
    if (e->state == JOURNAL_ANSWERED) {
        c->answered++;
    }
    snprintf(c->last, sizeof c->last, "%s", e->yield_id);
    return 0;
}

static int stop_at_first(const struct journal_entry *e, void *ctx)
{
    (void)e;
    (void)ctx;
    return YB_EBUSY;
}

static void walk_and_prune(void **state)
{
    struct fixture *f = *state;
    char id[16];
    for (int i = 0; i < 50; i++) {
        snprintf(id, sizeof id, "K%02d", i);
        assert_int_equal(journal_put_answer(f->j, id, (uint64_t)i, (uint64_t)(100 + i), "a", 1),
                         YB_OK);
    }
    assert_int_equal(journal_set_done(f->j, "K10", 0, "expired"), YB_OK);
    struct collected c = {0};
    assert_int_equal(journal_each(f->j, collect, &c), YB_OK);
    assert_int_equal(c.n, 50);
    assert_int_equal(c.answered, 49);
    assert_string_equal(c.last, "K49"); /* key order */
    assert_int_equal(journal_each(f->j, stop_at_first, NULL), YB_EBUSY);
    size_t removed = 0, left = 0;
    assert_int_equal(journal_prune(f->j, 120, &removed), YB_OK);
    assert_int_equal(removed, 20);
    assert_int_equal(journal_count(f->j, &left), YB_OK);
    assert_int_equal(left, 30);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "K19", &e), YB_ENOTFOUND);
    assert_int_equal(journal_get(f->j, "K20", &e), YB_OK);
    journal_entry_fini(&e);
}

static void refuses_bad_input(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(journal_put_answer(f->j, "", 1, 1, "a", 1), YB_EINVAL);
    char *big = malloc(JOURNAL_ANSWER_MAX + 1);
    memset(big, 'x', JOURNAL_ANSWER_MAX + 1);
    assert_int_equal(journal_put_answer(f->j, "big", 1, 1, big, JOURNAL_ANSWER_MAX + 1),
                     YB_ETOOBIG);
    /* The largest answer fits, escaped or not. */
    memset(big, '"', JOURNAL_ANSWER_MAX);
    assert_int_equal(journal_put_answer(f->j, "big", 1, 1, big, JOURNAL_ANSWER_MAX), YB_OK);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "big", &e), YB_OK);
    assert_int_equal(e.answer_len, JOURNAL_ANSWER_MAX);
    journal_entry_fini(&e);
    free(big);
    struct journal *j2;
    assert_int_equal(journal_open("/proc/definitely/not/here", 0, &j2), YB_EIO);
}

static void group_commit_reports_each_answer(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(journal_put_answer(f->j, "G1", 1, 10, "old", 3), YB_OK);
    struct journal_answer a[] = {
        {.yield_id = "G0", .request_id = 0, .expires_height = 10, .answer = "zero", .len = 4},
        {.yield_id = "G1", .request_id = 1, .expires_height = 10, .answer = "new", .len = 3},
        {.yield_id = "", .request_id = 2, .expires_height = 10, .answer = "x", .len = 1},
        {.yield_id = "G3", .request_id = 3, .expires_height = 10, .answer = "three", .len = 5},
    };
    assert_int_equal(journal_put_answers(f->j, a, 4), YB_OK);
    assert_int_equal(a[0].rc, YB_OK);
    assert_int_equal(a[1].rc, YB_EEXIST);
    assert_int_equal(a[2].rc, YB_EINVAL);
    assert_int_equal(a[3].rc, YB_OK);
    struct journal_entry e;
    assert_int_equal(journal_get(f->j, "G1", &e), YB_OK);
    assert_string_equal(e.answer, "old"); /* the first answer stays */
    journal_entry_fini(&e);
    assert_int_equal(journal_get(f->j, "G3", &e), YB_OK);
    assert_string_equal(e.answer, "three");
    journal_entry_fini(&e);
    assert_int_equal(journal_sync(f->j), YB_OK);
    size_t n = 0;
    assert_int_equal(journal_count(f->j, &n), YB_OK);
    assert_int_equal(n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(answer_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(first_answer_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(submitted_then_done, setup, teardown),
        cmocka_unit_test_setup_teardown(walk_and_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(group_commit_reports_each_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(grouped_updates, setup, teardown),
        cmocka_unit_test_setup_teardown(lazy_answers_then_flush, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
