/*
 * test_cli.c — `yb` end to end: a real yb-chain in manual mode in a temporary home (chain_proc),
 * the real `yb` binary ($YB_CLI) run as a child for every command, its stdout, stderr and exit
 * status checked. Covers the commands, the error messages that tell users what to do, `yb ask`
 * following a request to its answer and to its timeout, `yb watch`, and `yb race --json`, whose
 * whole table is asserted against nep519.md §4.4 by an expectation table written here
 * independently of the client.
 */
#define _GNU_SOURCE /* kill, fork helpers */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chain_proc.h"

#define OUT_MAX   (1u << 20) /* bytes of a child's output read back */
#define ARGS_MAX  32
#define TIMEOUT_T 200 /* the chain's default yield timeout, which race and ask use */

static struct chain_proc chain;
static const char *yb_bin;

struct run {
    int status; /* exit code, or -1 when the child did not exit normally */
    char *out;  /* stdout, NUL-terminated */
    char *err;  /* stderr */
};

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, OUT_MAX + 1);
    if (f && buf) {
        size_t n = fread(buf, 1, OUT_MAX, f);
        buf[n] = '\0';
    }
    if (f) {
        fclose(f);
    }
    return buf;
}

/* Starts `yb --home H --rpc R --events E args...` (args NULL-terminated) with stdout/stderr in
 * files named after tag. */
static pid_t spawn_yb(const char *tag, const char *rpc, const char *const *args)
{
    const char *argv[ARGS_MAX];
    size_t n = 0;
    argv[n++] = yb_bin;
    argv[n++] = "--home";
    argv[n++] = chain.home;
    argv[n++] = "--rpc";
    argv[n++] = rpc ? rpc : chain.rpc_url;
    argv[n++] = "--events";
    argv[n++] = chain.events_url;
    for (size_t i = 0; args[i] && n < ARGS_MAX - 1; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    char out[512], err[512];
    snprintf(out, sizeof out, "%s/%s.out", chain.home, tag);
    snprintf(err, sizeof err, "%s/%s.err", chain.home, tag);
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fo, STDOUT_FILENO);
        dup2(fe, STDERR_FILENO);
        execv(yb_bin, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static void collect(const char *tag, pid_t pid, struct run *r)
{
    int st = 0;
    char path[512];
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    snprintf(path, sizeof path, "%s/%s.out", chain.home, tag);
    r->out = slurp(path);
    snprintf(path, sizeof path, "%s/%s.err", chain.home, tag);
    r->err = slurp(path);
}

/* Runs yb to completion. */
static void yb_rpc(struct run *r, const char *rpc, const char *const *args)
{
    collect("yb", spawn_yb("yb", rpc, args), r);
}

#define YB(r, ...) yb_rpc((r), NULL, (const char *const[]){__VA_ARGS__, NULL})

static cJSON *parse_out(const struct run *r)
{
    cJSON *j = cJSON_Parse(r->out);
    if (!j) {
        fprintf(stderr, "not JSON: %s\n(stderr: %s)\n", r->out, r->err);
    }
    assert_non_null(j);
    return j;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) {
        fprintf(stderr, "expected \"%s\" in:\n%s\n", needle, hay);
        fail();
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- fixture ---- */

static int setup(void **state)
{
    (void)state;
    yb_bin = getenv("YB_CLI");
    if (!yb_bin) {
        fprintf(stderr, "YB_CLI is not set\n");
        return -1;
    }
    return chain_proc_start(&chain, NULL);
}

static int teardown(void **state)
{
    (void)state;
    chain_proc_cleanup(&chain);
    return 0;
}

/* ---- commands ---- */

static void test_keys_lists_genesis_accounts(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "--json", "keys");
    assert_int_equal(r.status, 0);
    cJSON *j = parse_out(&r);
    assert_int_equal(cJSON_GetArraySize(j), 4);
    const char *want[] = {"assistant.test.near", "oracle.test.near", "test.near", "user.test.near"};
    for (int i = 0; i < 4; i++) {
        cJSON *acc = cJSON_GetObjectItem(cJSON_GetArrayItem(j, i), "account_id");
        assert_string_equal(acc->valuestring, want[i]);
    }
    cJSON_Delete(j);
    run_free(&r);
}

static void test_view_and_account(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "--json", "view", "assistant.test.near", "get_config");
    assert_int_equal(r.status, 0);
    cJSON *j = parse_out(&r);
    cJSON *res = cJSON_GetObjectItem(j, "result");
    assert_int_equal(cJSON_GetObjectItem(res, "timeout_blocks")->valueint, TIMEOUT_T);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "oracle_ids"), 0)->valuestring,
                        "oracle.test.near");
    cJSON_Delete(j);
    run_free(&r);

    YB(&r, "account", "oracle.test.near");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "balance   100.0000 NEAR");
    assert_contains(r.out, "\"method_names\":[\"respond\",\"respond_many\"]");
    run_free(&r);
}

static void test_blocks_and_fast_forward(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "--json", "blocks", "3");
    assert_int_equal(r.status, 0);
    cJSON *j = parse_out(&r);
    double from = cJSON_GetObjectItem(j, "from_height")->valuedouble;
    assert_true(cJSON_GetObjectItem(j, "height")->valuedouble == from + 3);
    cJSON_Delete(j);
    run_free(&r);

    YB(&r, "--json", "fast-forward", "50");
    assert_int_equal(r.status, 0);
    j = parse_out(&r);
    from = cJSON_GetObjectItem(j, "from_height")->valuedouble;
    assert_true(cJSON_GetObjectItem(j, "height")->valuedouble == from + 50);
    cJSON_Delete(j);
    run_free(&r);
}

/* In manual mode `yb call` sends and says how to go on; after two blocks `yb tx` shows it. */
static void test_call_then_tx(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "--json", "call", "assistant.test.near", "add_oracle",
       "{\"account_id\":\"helper.test.near\"}", "--as", "test.near", "--gas", "30T");
    assert_int_equal(r.status, 0);
    cJSON *j = parse_out(&r);
    char hash[64];
    snprintf(hash, sizeof hash, "%s", cJSON_GetObjectItem(j, "tx_hash")->valuestring);
    cJSON_Delete(j);
    run_free(&r);

    YB(&r, "blocks", "2");
    assert_int_equal(r.status, 0);
    run_free(&r);

    YB(&r, "tx", hash, "--as", "test.near");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "transaction test.near -> assistant.test.near");
    assert_contains(r.out, "on assistant.test.near");
    assert_contains(r.out, "gas burnt: ");
    assert_contains(r.out, "final status: ok true");
    run_free(&r);

    YB(&r, "view", "assistant.test.near", "get_oracles");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "helper.test.near");
    run_free(&r);
}

static void test_deploy(void **state)
{
    (void)state;
    const char *wasm = getenv("YB_COUNTER_WASM");
    assert_non_null(wasm);
    struct run r;
    YB(&r, "deploy", "user.test.near", wasm);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "sent transaction");
    run_free(&r);
    YB(&r, "blocks", "1");
    run_free(&r);
    YB(&r, "view", "user.test.near", "get");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "0\n");
    run_free(&r);

    YB(&r, "deploy", "user.test.near", "/etc/hostname");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "is not a WebAssembly module");
    run_free(&r);
}

/* ---- error messages ---- */

static void test_error_unknown_account(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "view", "nobody.test.near", "get_config");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "account nobody.test.near does not exist on this chain");
    run_free(&r);

    /* a mistyped receiver is caught before a transaction spends gas on it */
    YB(&r, "call", "nobody.test.near", "increment");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "account nobody.test.near does not exist on this chain");
    run_free(&r);
    YB(&r, "ask", "hi", "--contract", "nobody.test.near");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "account nobody.test.near does not exist on this chain");
    run_free(&r);

    YB(&r, "account", "Bad..Name");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "is not a valid account id");
    run_free(&r);
}

static void test_error_missing_key(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "call", "assistant.test.near", "get_config", "--as", "ghost.test.near");
    assert_int_equal(r.status, 1);
    char want[512];
    snprintf(want, sizeof want,
             "no key for ghost.test.near in %s/keys; run yb-chain init or pass --home", chain.home);
    assert_contains(r.err, want);
    run_free(&r);
}

static void test_error_unreachable_rpc(void **state)
{
    (void)state;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", chain_proc_free_port());
    struct run r;
    yb_rpc(&r, url, (const char *const[]){"pending", NULL});
    assert_int_equal(r.status, 1);
    char want[128];
    snprintf(want, sizeof want, "cannot reach %s", url);
    assert_contains(r.err, want);
    assert_contains(r.err, "is yb-chain running? start it with");
    run_free(&r);
}

static void test_error_bad_json_args(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "view", "assistant.test.near", "get_request", "{\"request_id\": 1,}");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "bad JSON arguments at byte 17");
    assert_contains(r.err, "^");
    run_free(&r);

    YB(&r, "--json", "call", "assistant.test.near", "respond", "[1, 2");
    assert_int_equal(r.status, 1);
    cJSON *j = parse_out(&r);
    assert_string_equal(cJSON_GetObjectItem(j, "code")->valuestring, "YB_EJSON");
    cJSON_Delete(j);
    run_free(&r);
}

static void test_error_usage(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "frobnicate");
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "unknown command");
    run_free(&r);
    YB(&r, "ask", "--help");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "usage: yb ask");
    run_free(&r);
    YB(&r, "call", "assistant.test.near", "respond", "--gas", "301T");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "--gas: must be between 1 and 300T");
    run_free(&r);
}

/* ---- ask ---- */

/* The single pending request's record (returned), waiting for it to appear. */
static cJSON *pending_one(void)
{
    for (int i = 0; i < 50; i++) {
        struct run r;
        YB(&r, "--json", "pending");
        assert_int_equal(r.status, 0);
        cJSON *j = parse_out(&r);
        run_free(&r);
        if (cJSON_GetArraySize(j) == 1) {
            cJSON *rec = cJSON_DetachItemFromArray(j, 0);
            cJSON_Delete(j);
            return rec;
        }
        cJSON_Delete(j);
        YB(&r, "blocks", "1");
        run_free(&r);
        sleep_ms(100);
    }
    fail_msg("no pending request appeared");
    return NULL;
}

/* Produces single blocks until n requests are pending. */
static void wait_pending(int n)
{
    for (int i = 0; i < 50; i++) {
        struct run r;
        YB(&r, "--json", "pending");
        assert_int_equal(r.status, 0);
        cJSON *j = parse_out(&r);
        run_free(&r);
        int have = cJSON_GetArraySize(j);
        cJSON_Delete(j);
        if (have == n) {
            return;
        }
        YB(&r, "blocks", "1");
        run_free(&r);
        sleep_ms(100);
    }
    fail_msg("%d requests never became pending", n);
}

/* Waits (up to 10 s) until the output file of a background yb holds needle. */
static void wait_output(const char *tag, const char *needle)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.out", chain.home, tag);
    for (int i = 0; i < 100; i++) {
        char *text = slurp(path);
        bool found = text && strstr(text, needle);
        free(text);
        if (found) {
            return;
        }
        sleep_ms(100);
    }
    fail_msg("\"%s\" never appeared in %s", needle, path);
}

static void test_ask_answered(void **state)
{
    (void)state;
    pid_t pid = spawn_yb("ask1", NULL, (const char *const[]){"ask", "What is 2+2?", NULL});
    cJSON *rec = pending_one();
    /* while the request waits, ask shows the blocks left before its timeout */
    wait_output("ask1", "blocks left before the timeout");
    const char *yid = cJSON_GetObjectItem(rec, "yield_id")->valuestring;
    char args[256];
    snprintf(args, sizeof args, "{\"yield_id\":\"%s\",\"response\":\"4\"}", yid);
    struct run r;
    YB(&r, "call", "assistant.test.near", "respond", args, "--as", "oracle.test.near");
    assert_int_equal(r.status, 0);
    run_free(&r);
    cJSON_Delete(rec);
    YB(&r, "blocks", "3"); /* include respond, run it, run the callback */
    run_free(&r);
    collect("ask1", pid, &r);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "blocks left before the timeout");
    assert_contains(r.out, "answer (request");
    assert_contains(r.out, "): 4\n");
    run_free(&r);
}

static void test_ask_timeout_and_no_wait(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "--json", "ask", "Will anyone answer?", "--no-wait");
    assert_int_equal(r.status, 0);
    cJSON *j = parse_out(&r);
    assert_non_null(cJSON_GetObjectItem(j, "tx_hash"));
    cJSON_Delete(j);
    run_free(&r);
    YB(&r, "blocks", "2");
    run_free(&r);
    cJSON *rec = pending_one();
    char id[32];
    snprintf(id, sizeof id, "%d", cJSON_GetObjectItem(rec, "request_id")->valueint);
    cJSON_Delete(rec);

    YB(&r, "request", id);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Will anyone answer?");
    run_free(&r);
    YB(&r, "pending");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "requester");
    assert_contains(r.out, "user.test.near");
    assert_contains(r.out, "Will anyone answer?");
    run_free(&r);

    /* A second ask follows the first into its timeout: once its request is pending too,
     * fast-forward past both expiries. */
    pid_t pid = spawn_yb("ask2", NULL, (const char *const[]){"ask", "Anyone?", NULL});
    wait_pending(2);
    YB(&r, "fast-forward", "200");
    run_free(&r);
    YB(&r, "blocks", "1");
    run_free(&r);
    collect("ask2", pid, &r);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "timed out: no oracle answered");
    run_free(&r);

    YB(&r, "request", id);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "it never existed or it finished");
    run_free(&r);
}

/* `yb ask` rides out a chain restart: the request is in the chain's store, so it keeps polling
 * and sees the timeout once the restarted chain reaches the expiry. */
static void test_ask_survives_chain_restart(void **state)
{
    (void)state;
    pid_t pid = spawn_yb("ask3", NULL, (const char *const[]){"ask", "Still there?", NULL});
    wait_pending(1);
    assert_true(chain_proc_signal(&chain, SIGTERM) >= 0);
    sleep_ms(1000); /* several of ask's polls find nobody */
    assert_int_equal(chain_proc_restart(&chain), 0);
    struct run r;
    YB(&r, "fast-forward", "200");
    assert_int_equal(r.status, 0);
    run_free(&r);
    YB(&r, "blocks", "1");
    run_free(&r);
    collect("ask3", pid, &r);
    assert_int_equal(r.status, 0);
    assert_contains(r.err, "lost contact with");
    assert_contains(r.out, "timed out: no oracle answered");
    run_free(&r);
}

/* ---- watch ---- */

static void test_watch_prints_events(void **state)
{
    (void)state;
    pid_t pid = spawn_yb("watch", NULL, (const char *const[]){"--json", "watch", NULL});
    pid_t human = spawn_yb("watch2", NULL, (const char *const[]){"watch", "block", NULL});
    struct run r;
    /* SUB connects asynchronously: produce blocks until one is seen (nng drops messages sent
     * before the subscription is in place). */
    for (int i = 0; i < 30; i++) {
        sleep_ms(100);
        YB(&r, "blocks", "1");
        run_free(&r);
    }
    kill(pid, SIGINT);
    collect("watch", pid, &r);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "{\"topic\":\"block\"");
    run_free(&r);
    /* for people: one line per block, filtered by topic prefix */
    kill(human, SIGINT);
    collect("watch2", human, &r);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, " txs, ");
    assert_contains(r.out, " receipts, ");
    assert_true(strstr(r.out, "tx.outcome") == NULL);
    run_free(&r);
}

/* ---- race ---- */

/* nep519.md §4.4 as the assistant contract shows it, with the block arithmetic of
 * chain/runtime/README.md: respond's receipt runs at E+respond, the callback at E+callback
 * (T = the timeout; "well before" responds at the earliest, two blocks after the request ran). */
struct race_expect {
    const char *scenario;
    int respond_offset; /* E-relative; E-T-relative (the request's own height) when rel_t */
    bool rel_t;
    const char *respond_returned;
    const char *callback_saw;
    int callback_offset; /* E-relative; E-T-relative when cb_rel_t */
    bool cb_rel_t;
    const char *final;
    const char *answer;
};

static const struct race_expect race_table[] = {
    /* §4.4: a resume long before the timeout wins at once */
    {"well_before", 2, true, "true", "payload", 3, true, "answered", "the answer"},
    /* resumed at E-1: the payload runs in E before the timeout step, which finds nothing */
    {"block_before_expiry", -1, false, "true", "payload", 0, false, "answered", "the answer"},
    /* §4.4.4: resume and timeout in the same block, the payload arrives first */
    {"expiry_block", 0, false, "true", "payload", 1, false, "answered", "the answer"},
    /* §4.4.5: timeout fired, callback not yet run: resume returns 1 and wins */
    {"after_timeout_before_callback", 1, false, "true", "payload", 2, false, "answered",
     "the answer"},
    /* §4.4.6: the timeout callback ran: resume returns 0, the result stays the timeout */
    {"after_callback", 2, false, "false", "timeout", 1, false, "timeout", NULL},
    /* two responds in one block: the first answers; the second returns false because the
     * assistant refuses a request that already has an answer (answer_one: requests_has_answer)
     * and never resumes. A second raw resume would return 1 and be ignored (§4.4.7): the
     * first answer wins either way. */
    {"two_in_one_block", 2, true, "true,false", "payload", 3, true, "answered", "first answer"},
    /* only oracles may respond: the contract panics and the request times out */
    {"non_oracle", 2, true, "panic: respond: user.test.near is not an oracle of this contract",
     "timeout", 1, false, "timeout", NULL},
};

static void test_race_table_matches_nep519(void **state)
{
    (void)state;
    struct run r;
    YB(&r, "--json", "race");
    if (r.status != 0) {
        fprintf(stderr, "yb race: %s\n%s\n", r.out, r.err);
    }
    assert_int_equal(r.status, 0);
    cJSON *j = parse_out(&r);
    int t = cJSON_GetObjectItem(j, "timeout_blocks")->valueint;
    assert_int_equal(t, TIMEOUT_T);
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    size_t n = sizeof race_table / sizeof race_table[0];
    assert_int_equal(cJSON_GetArraySize(rows), (int)n);
    for (size_t i = 0; i < n; i++) {
        const struct race_expect *e = &race_table[i];
        cJSON *row = cJSON_GetArrayItem(rows, (int)i);
        int want_respond = e->rel_t ? e->respond_offset - t : e->respond_offset;
        int want_cb = e->cb_rel_t ? e->callback_offset - t : e->callback_offset;
        assert_string_equal(cJSON_GetObjectItem(row, "scenario")->valuestring, e->scenario);
        assert_int_equal(cJSON_GetObjectItem(row, "respond_offset")->valueint, want_respond);
        assert_string_equal(cJSON_GetObjectItem(row, "respond_returned")->valuestring,
                            e->respond_returned);
        assert_string_equal(cJSON_GetObjectItem(row, "callback_saw")->valuestring, e->callback_saw);
        assert_int_equal(cJSON_GetObjectItem(row, "callback_offset")->valueint, want_cb);
        assert_string_equal(cJSON_GetObjectItem(row, "final")->valuestring, e->final);
        cJSON *answer = cJSON_GetObjectItem(row, "answer");
        if (e->answer) {
            assert_non_null(answer);
            assert_string_equal(answer->valuestring, e->answer);
        } else {
            assert_null(answer);
        }
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(row, "matches")));
    }
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "all_match")));
    cJSON_Delete(j);
    run_free(&r);
}

/* race refuses a chain that makes its own blocks. */
static void test_race_refuses_interval_mode(void **state)
{
    (void)state;
    struct chain_proc other;
    struct chain_proc_opts opts = {.mode = "interval", .block_time_ms = 200};
    assert_int_equal(chain_proc_start(&other, &opts), 0);
    struct run r;
    yb_rpc(&r, other.rpc_url, (const char *const[]){"race", NULL});
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "the chain produces blocks in interval mode");
    assert_contains(r.err, "--mode manual");
    run_free(&r);
    chain_proc_cleanup(&other);
}

/* On a chain that makes its own blocks, call and deploy wait for the outcome and print it. */
static void test_call_waits_on_demand_chain(void **state)
{
    (void)state;
    struct chain_proc other;
    struct chain_proc_opts opts = {.mode = "on-demand"};
    assert_int_equal(chain_proc_start(&other, &opts), 0);
    char keys_home[300];
    snprintf(keys_home, sizeof keys_home, "%s", other.home);
    const char *wasm = getenv("YB_COUNTER_WASM");
    struct run r;
#define YB2(r, ...)                                                                                \
    yb_rpc((r), other.rpc_url, (const char *const[]){"--home", keys_home, __VA_ARGS__, NULL})
    YB2(&r, "deploy", "user.test.near", wasm);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "deployed");
    run_free(&r);

    YB2(&r, "call", "user.test.near", "increment", "--gas", "10T");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "final status: ok 1");
    run_free(&r);

    YB2(&r, "--json", "call", "user.test.near", "decrement");
    assert_int_equal(r.status, 0);
    cJSON *j = parse_out(&r);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "status"), "SuccessValue")->valuestring,
        "MA=="); /* "0" */
    cJSON_Delete(j);
    run_free(&r);

    /* a panic: exit 1 with the contract's message */
    YB2(&r, "call", "user.test.near", "decrement");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "failed: Smart contract panicked");
    run_free(&r);

    /* a deposit on a non-payable method is refused by the contract */
    YB2(&r, "call", "assistant.test.near", "request", "{\"prompt\":\"hi\"}", "--deposit", "0.5NEAR",
        "--gas", "50T");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "doesn't accept deposit");
    run_free(&r);

    YB2(&r, "call", "user.test.near", "increment", "--deposit", "1.5XNEAR");
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "--deposit: expected");
    run_free(&r);
#undef YB2
    /* keys of one chain used against another: the access key is unknown there */
    yb_rpc(&r, chain.rpc_url,
           (const char *const[]){"--home", keys_home, "call", "assistant.test.near", "get_config",
                                 NULL});
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "the chain does not know user.test.near's key");
    assert_contains(r.err, "is from another chain");
    run_free(&r);
    chain_proc_cleanup(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_lists_genesis_accounts),
        cmocka_unit_test(test_view_and_account),
        cmocka_unit_test(test_blocks_and_fast_forward),
        cmocka_unit_test(test_call_then_tx),
        cmocka_unit_test(test_deploy),
        cmocka_unit_test(test_error_unknown_account),
        cmocka_unit_test(test_error_missing_key),
        cmocka_unit_test(test_error_unreachable_rpc),
        cmocka_unit_test(test_error_bad_json_args),
        cmocka_unit_test(test_error_usage),
        cmocka_unit_test(test_ask_answered),
        cmocka_unit_test(test_ask_timeout_and_no_wait),
        cmocka_unit_test(test_ask_survives_chain_restart),
        cmocka_unit_test(test_watch_prints_events),
        cmocka_unit_test(test_race_table_matches_nep519),
        cmocka_unit_test(test_race_refuses_interval_mode),
        cmocka_unit_test(test_call_waits_on_demand_chain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
