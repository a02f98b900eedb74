/*
 * test_crash.c — crash safety. A child process runs the node in on-demand mode with fsync on and
 * submits a stream of transfers and assistant requests, reporting each transaction over a pipe
 * once the node says it was included. The parent kills the child with SIGKILL mid-stream, then
 * reopens the home and checks: every reported transaction is there with its outcome; the block
 * chain links back to genesis; no receipt executed in two blocks; pending yields time out
 * exactly at the expiry heights they had; and the chain keeps producing blocks.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "node.h"
#include "node_fixture.h"
#include "node_genesis.h"
#include "tx.h"

#define RUN_MS      1500 /* load before the kill */
#define MAX_ACKED   200000
#define REQUEST_PER 25 /* one assistant request per this many transfers */

static int ack_fd = -1;

static void on_included(void *arg, const struct node_tx_result *r)
{
    if (r->err == YB_OK) {
        /* One write of 32 bytes is atomic on a pipe: the parent never reads half a hash. */
        ssize_t n = write(ack_fd, r->hash, NEAR_HASH_LEN);
        (void)n;
    }
}

/* The child: runs the node and submits until killed. Never returns. */
static void child_load(struct nfx *f)
{
    for (unsigned i = 0;; i++) {
        struct yb_buf b;
        yb_buf_init(&b, TX_MAX_SIZE);
        int rc;
        if (i % REQUEST_PER == 0) {
            char args[96];
            snprintf(args, sizeof args, "{\"prompt\":\"question %u\"}", i);
            rc = nfx_sign(f, NODE_GENESIS_USER, NODE_GENESIS_USER, NODE_GENESIS_ASSISTANT,
                          "request", args, 0, &b);
        } else {
            rc = nfx_sign(f, NODE_GENESIS_USER, NODE_GENESIS_USER, NODE_GENESIS_ROOT, NULL, NULL,
                          1000 + i, &b);
        }
        if (rc == YB_OK) {
            node_submit_tx(f->node, b.data, b.len, NODE_WAIT_INCLUDED, on_included, NULL, NULL,
                           NULL);
        }
        yb_buf_fini(&b);
        if (i % 8 == 0) {
            usleep(1000);
        }
    }
}

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, NEAR_HASH_LEN);
}

/* The smallest expires_height above `above` among the assistant's pending requests, and how
 * many have one. (A request whose yield timed out in the last block stays listed until its
 * callback runs in the next one, so the caller skips those.) */
static size_t pending_requests(struct nfx *f, uint64_t above, uint64_t *min_expires)
{
    char *v = nfx_view(f, NODE_GENESIS_ASSISTANT, "get_pending_requests", "{\"limit\":1024}");
    assert_non_null(v);
    cJSON *arr = NULL;
    assert_int_equal(json_parse(v, strlen(v), 1 << 24, &arr, NULL), YB_OK);
    free(v);
    size_t n = 0;
    *min_expires = UINT64_MAX;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        uint64_t x;
        assert_int_equal(json_get_u64(e, "expires_height", &x), YB_OK);
        if (x <= above) {
            continue;
        }
        if (x < *min_expires) {
            *min_expires = x;
        }
        n++;
    }
    cJSON_Delete(arr);
    return n;
}

static void test_kill_9_then_restart(void **state)
{
    (void)state;
    struct nfx f;
    /* Create the home with the fixture, then hand it to a child process. */
    assert_int_equal(nfx_start(&f, NODE_MODE_ON_DEMAND, 0, false), 0);
    nfx_stop_keep_home(&f);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        ack_fd = fds[1];
        f.cfg.store_sync = true;
        if (nfx_resume(&f, NODE_MODE_ON_DEMAND) != 0) {
            _exit(3);
        }
        child_load(&f);
        _exit(0);
    }
    close(fds[1]);

    uint8_t(*acked)[NEAR_HASH_LEN] = malloc((size_t)MAX_ACKED * NEAR_HASH_LEN);
    size_t n_acked = 0, partial = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > RUN_MS) {
            break;
        }
        uint8_t *dst = (uint8_t *)acked[n_acked] + partial;
        ssize_t r = read(fds[0], dst, NEAR_HASH_LEN - partial);
        if (r > 0) {
            partial += (size_t)r;
            if (partial == NEAR_HASH_LEN && n_acked + 1 < MAX_ACKED) {
                n_acked++;
                partial = 0;
            }
        } else {
            usleep(1000);
        }
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    /* Everything written before the kill is still in the pipe. */
    for (;;) {
        uint8_t *dst = (uint8_t *)acked[n_acked] + partial;
        ssize_t r = read(fds[0], dst, NEAR_HASH_LEN - partial);
        if (r <= 0) {
            break;
        }
        partial += (size_t)r;
        if (partial == NEAR_HASH_LEN && n_acked + 1 < MAX_ACKED) {
            n_acked++;
            partial = 0;
        }
    }
    close(fds[0]);
    print_message("crash test: %zu transactions acknowledged before SIGKILL\n", n_acked);
    assert_true(n_acked > 50);

    /* Reopen (manual mode: the test drives the blocks from here on). */
    assert_int_equal(nfx_resume(&f, NODE_MODE_MANUAL), 0);
    struct node_snapshot snap;
    assert_int_equal(node_snapshot_begin(f.node, &snap), YB_OK);
    for (size_t i = 0; i < n_acked; i++) {
        struct node_tx tx;
        assert_int_equal(node_tx_get(snap.txn, acked[i], &tx), YB_OK);
        node_tx_fini(&tx);
        struct node_outcome o;
        assert_int_equal(node_outcome_get(snap.txn, acked[i], &o), YB_OK);
        node_outcome_fini(&o);
    }
    /* Walk the chain back to genesis; collect every executed receipt id. */
    size_t cap = 1024, n_ids = 0;
    uint8_t(*ids)[NEAR_HASH_LEN] = malloc(cap * NEAR_HASH_LEN);
    uint64_t h = snap.head.height;
    uint8_t expect_hash[NEAR_HASH_LEN];
    memcpy(expect_hash, snap.head.hash, NEAR_HASH_LEN);
    for (;;) {
        struct node_block b;
        assert_int_equal(node_block_by_height(snap.txn, h, &b), YB_OK);
        assert_memory_equal(b.hash, expect_hash, NEAR_HASH_LEN);
        for (size_t k = 0; k < b.n_receipts; k++) {
            if (n_ids == cap) {
                cap *= 2;
                ids = realloc(ids, cap * NEAR_HASH_LEN);
            }
            memcpy(ids[n_ids++], b.receipt_ids[k], NEAR_HASH_LEN);
        }
        memcpy(expect_hash, b.prev_hash, NEAR_HASH_LEN);
        uint64_t prev = b.prev_height;
        node_block_fini(&b);
        if (h == 0) {
            break;
        }
        h = prev;
    }
    qsort(ids, n_ids, NEAR_HASH_LEN, cmp_hash);
    for (size_t i = 1; i < n_ids; i++) {
        assert_true(memcmp(ids[i - 1], ids[i], NEAR_HASH_LEN) != 0);
    }
    uint64_t head_before = snap.head.height;
    node_snapshot_end(&snap);
    free(ids);

    /* Pending yields keep their expiry: nothing times out one block before the first expiry,
     * and the first one does at its height. */
    uint64_t min_exp;
    size_t pending = pending_requests(&f, head_before, &min_exp);
    print_message("crash test: head %llu, %zu pending requests, first expires at %llu\n",
                  (unsigned long long)head_before, pending, (unsigned long long)min_exp);
    assert_true(pending > 0);
    assert_true(min_exp > head_before);
    struct nfx_wait w;
    nfx_wait_init(&w);
    if (min_exp > head_before + 1) {
        assert_int_equal(node_fast_forward(f.node, min_exp - 1 - head_before, nfx_on_ctl, &w),
                         YB_OK);
        nfx_wait_for(&w, 10000);
        assert_int_equal(w.ctl_err, YB_OK);
        uint64_t min_before_expiry;
        assert_true(pending_requests(&f, head_before, &min_before_expiry) > 0);
        assert_int_equal(min_before_expiry, min_exp);
    }
    assert_int_equal(nfx_produce(&f, 2), YB_OK); /* the expiry block, then the callbacks */
    uint64_t min_after;
    if (pending_requests(&f, head_before, &min_after) > 0) {
        assert_true(min_after > min_exp);
    }
    nfx_wait_fini(&w);
    free(acked);
    nfx_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_9_then_restart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
