/*
 * test_proc.c — the real yb-chain binary through tests/support/chain_proc: init and run on free
 * ports, /healthz and /metrics, manual stepping over JSON-RPC, a graceful stop on SIGTERM
 * (exit 0), a restart that continues at the same height, and the same after SIGKILL.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chain_proc.h"
#include "err.h"
#include "json.h"

/* yb_chain_height from /metrics. */
static uint64_t metric_height(const struct chain_proc *p)
{
    long status = 0;
    char *body = NULL;
    assert_int_equal(chain_proc_http_get(p, "/metrics", &status, &body), 0);
    assert_int_equal(status, 200);
    const char *h = strstr(body, "\nyb_chain_height ");
    assert_non_null(h);
    uint64_t v = strtoull(h + strlen("\nyb_chain_height "), NULL, 10);
    free(body);
    return v;
}

static void produce(const struct chain_proc *p, unsigned n)
{
    char req[128];
    snprintf(req, sizeof req,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"yb_produce_blocks\",\"params\":"
             "{\"count\":%u}}",
             n);
    long status = 0;
    char *body = NULL;
    assert_int_equal(chain_proc_rpc(p, req, &status, &body), 0);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "\"result\""));
    free(body);
}

/* The seq of the next `block` event on a fresh subscription after producing one block. */
static uint64_t next_block_seq(const struct chain_proc *p)
{
    nng_socket sub;
    assert_int_equal(nng_sub0_open(&sub), 0);
    assert_int_equal(nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, "block ", 6), 0);
    assert_int_equal(nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 5000), 0);
    assert_int_equal(nng_dial(sub, p->events_url, NULL, NNG_FLAG_NONBLOCK), 0);
    usleep(300 * 1000); /* the subscription reaches the publisher */
    produce(p, 1);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(nng_recv(sub, &buf, &len, NNG_FLAG_ALLOC), 0);
    cJSON *j = NULL;
    assert_int_equal(json_parse(buf + 6, len - 6, 1 << 20, &j, NULL), YB_OK);
    uint64_t seq = 0;
    assert_int_equal(json_get_u64(j, "seq", &seq), YB_OK);
    cJSON_Delete(j);
    nng_free(buf, len);
    nng_close(sub);
    return seq;
}

static void test_event_seq_survives_restart(void **state)
{
    (void)state;
    struct chain_proc p;
    assert_int_equal(chain_proc_start(&p, NULL), 0);
    uint64_t s1 = next_block_seq(&p);
    int ws = chain_proc_signal(&p, SIGKILL);
    assert_true(WIFSIGNALED(ws));
    assert_int_equal(chain_proc_restart(&p), 0);
    uint64_t s2 = next_block_seq(&p);
    assert_true(s2 > s1);
    chain_proc_cleanup(&p);
}

static void test_run_stop_restart(void **state)
{
    (void)state;
    struct chain_proc p;
    assert_int_equal(chain_proc_start(&p, NULL), 0);
    char key[512];
    snprintf(key, sizeof key, "%s/keys/oracle.test.near.json", p.home);
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    long status = 0;
    char *body = NULL;
    assert_int_equal(chain_proc_http_get(&p, "/healthz", &status, &body), 0);
    assert_int_equal(status, 200);
    free(body);
    uint64_t h0 = metric_height(&p);
    produce(&p, 3);
    assert_int_equal(metric_height(&p), h0 + 3);

    /* SIGTERM: finish, close, exit 0. */
    int ws = chain_proc_signal(&p, SIGTERM);
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
    assert_int_equal(chain_proc_restart(&p), 0);
    assert_int_equal(metric_height(&p), h0 + 3);
    produce(&p, 2);

    /* SIGKILL right after a commit: the restart continues from it. */
    ws = chain_proc_signal(&p, SIGKILL);
    assert_true(WIFSIGNALED(ws));
    assert_int_equal(chain_proc_restart(&p), 0);
    assert_int_equal(metric_height(&p), h0 + 5);
    chain_proc_cleanup(&p);
}

/* A test process that dies without cleanup takes its chain with it (PR_SET_PDEATHSIG). */
static void test_chain_dies_with_its_test(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t t = fork();
    assert_true(t >= 0);
    if (t == 0) {
        close(fds[0]);
        struct chain_proc p;
        if (chain_proc_start(&p, NULL) != 0) {
            _exit(1);
        }
        ssize_t n = write(fds[1], &p, sizeof p);
        _exit(n == (ssize_t)sizeof p ? 0 : 1); /* no cleanup: the "crashed test" */
    }
    close(fds[1]);
    struct chain_proc p;
    ssize_t n = read(fds[0], &p, sizeof p);
    close(fds[0]);
    int st;
    assert_int_equal(waitpid(t, &st, 0), t);
    assert_int_equal(n, (ssize_t)sizeof p);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; i++) {
        gone = kill(p.pid, 0) != 0;
        if (!gone) {
            usleep(20 * 1000);
        }
    }
    assert_true(gone);
    p.pid = 0;
    chain_proc_cleanup(&p); /* removes the home */
}

static void test_help_lists_every_flag(void **state)
{
    (void)state;
    const char *bin = getenv("YB_CHAIN");
    assert_non_null(bin);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s --help", bin);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    assert_int_equal(pclose(f), 0);
    static const char *const flags[] = {"--home",       "--force",  "--contract", "--mode",
                                        "--block-time", "--rpc",    "--events",   "--yield-timeout",
                                        "--log-format", "--no-sync"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        assert_non_null(strstr(out, flags[i]));
    }
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_stop_restart),
        cmocka_unit_test(test_help_lists_every_flag),
        cmocka_unit_test(test_event_seq_survives_restart),
        cmocka_unit_test(test_chain_dies_with_its_test),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
