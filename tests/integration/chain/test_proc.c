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

/* A fresh home's data.mdb holds a few genesis blocks: well under this (the map is 64 GiB). */
#define INIT_DATA_MAX (16ll << 20)

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

/* `yb-chain init` opens the store as `run` does by default (store_write_map=false). With
 * MDB_WRITEMAP, LMDB sizes data.mdb to the whole map at once: a 64 GiB file (sparse, so
 * st_blocks stays small either way; the apparent size st_size is what shows it). */
static void test_init_data_file_is_small(void **state)
{
    (void)state;
    const char *bin = getenv("YB_CHAIN");
    assert_non_null(bin);
    const char *tmp = getenv("TMPDIR");
    char home[256];
    snprintf(home, sizeof home, "%s/yb-chain-init-XXXXXX", tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(home));
    char cmd[900];
    snprintf(cmd, sizeof cmd, "'%s' init --home '%s' --force >/dev/null 2>&1", bin, home);
    int rc = system(cmd);
    char path[320];
    snprintf(path, sizeof path, "%s/data/data.mdb", home);
    struct stat st;
    int st_rc = stat(path, &st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(st_rc, 0);
    print_message("init: data.mdb %lld bytes, %lld KiB allocated\n", (long long)st.st_size,
                  (long long)st.st_blocks / 2);
    assert_true(st.st_size < INIT_DATA_MAX);
    assert_true((long long)st.st_blocks * 512 < INIT_DATA_MAX);
}

/* What `yb-chain --help` prints, into out (NUL-terminated). */
static void chain_help(char *out, size_t cap)
{
    const char *bin = getenv("YB_CHAIN");
    assert_non_null(bin);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s --help", bin);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    assert_int_equal(pclose(f), 0);
}

static void test_help_lists_every_flag(void **state)
{
    (void)state;
    char out[8192];
    chain_help(out, sizeof out);
    static const char *const flags[] = {
        "--home",   "--force",         "--contract",   "--mode",    "--block-time", "--rpc",
        "--events", "--yield-timeout", "--log-format", "--no-sync", "--write-map"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        assert_non_null(strstr(out, flags[i]));
    }
}

/* deploy/chain.example.json's "//" lists the `run` flags that override settings: every flag
 * whose --help line names a config key must be there, and the key must be in the example. */
static void test_example_config_lists_run_flags(void **state)
{
    (void)state;
    char out[8192];
    chain_help(out, sizeof out);

    FILE *f = fopen(YB_DEPLOY_DIR "/chain.example.json", "r");
    assert_non_null(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    cJSON *ex = NULL;
    assert_int_equal(json_parse(text, n, sizeof text, &ex, NULL), YB_OK);
    const cJSON *list = cJSON_GetObjectItem(ex, "//");
    assert_true(cJSON_IsString(list));

    /* Each "  --flag ARG   text (config: key...)" line of the help. */
    size_t flags = 0;
    for (const char *line = out; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        const char *cfg = memmem(line, len, "(config: ", 9);
        const char *dash = memmem(line, len, "--", 2);
        if (cfg != NULL && dash != NULL && dash < cfg) {
            char flag[32], key[32];
            size_t fl = strcspn(dash, " \n"), kl = strcspn(cfg + 9, ",) \n");
            assert_true(fl < sizeof flag && kl < sizeof key);
            memcpy(flag, dash, fl);
            flag[fl] = '\0';
            memcpy(key, cfg + 9, kl);
            key[kl] = '\0';
            if (strstr(list->valuestring, flag) == NULL) {
                fail_msg("chain.example.json's \"//\" does not list %s", flag);
            }
            if (cJSON_GetObjectItem(ex, key) == NULL) {
                fail_msg("chain.example.json has no setting %s (%s)", key, flag);
            }
            flags++;
        }
        line += len + (end != NULL ? 1 : 0);
    }
    assert_true(flags >= 8);
    cJSON_Delete(ex);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_stop_restart),
        cmocka_unit_test(test_help_lists_every_flag),
        cmocka_unit_test(test_init_data_file_is_small),
        cmocka_unit_test(test_example_config_lists_run_flags),
        cmocka_unit_test(test_event_seq_survives_restart),
        cmocka_unit_test(test_chain_dies_with_its_test),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
