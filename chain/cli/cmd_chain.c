/*
 * cmd_chain.c — driving and watching the chain: `yb blocks N` (yb_produce_blocks),
 * `yb fast-forward N` (sandbox_fast_forward) and `yb watch` (the nng event socket).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>

#include "cmd.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "output.h"

#define WATCH_RECV_TIMEOUT_MS 250        /* how often `yb watch` checks for Ctrl-C */
#define WATCH_EVENT_MAX       (1u << 20) /* bytes of one event parsed */

/* Runs one sandbox control and prints the new head. */
static int advance(struct cli *cli, int argc, char **argv, bool fast)
{
    uint64_t n = 0, before = 0, after = 0;
    if (argc != 2) {
        return cli_fail(cli, YB_EINVAL, "%s: usage: yb %s N", argv[0], argv[0]);
    }
    int rc = cli_parse_u64(cli, argv[1], "N", &n);
    if (rc == YB_OK && n == 0) {
        rc = cli_fail(cli, YB_EINVAL, "%s: N must be at least 1", argv[0]);
    }
    if (rc == YB_OK) {
        rc = cli_head_height(cli, &before);
    }
    if (rc == YB_OK) {
        rc = fast ? cli_fast_forward(cli, n) : cli_produce_blocks(cli, n);
    }
    if (rc == YB_OK) {
        rc = cli_head_height(cli, &after);
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (cli->json) {
        printf("{\"from_height\":%" PRIu64 ",\"height\":%" PRIu64 "}\n", before, after);
    } else {
        printf("height %" PRIu64 " -> %" PRIu64 "\n", before, after);
    }
    return YB_OK;
}

static int blocks_exec(struct cli *cli, int argc, char **argv)
{
    return advance(cli, argc, argv, false);
}

static int fast_forward_exec(struct cli *cli, int argc, char **argv)
{
    return advance(cli, argc, argv, true);
}

const struct cmd_entry cmd_chain_blocks_entry = {
    .name = "blocks",
    .usage = "N",
    .summary = "produce N blocks now, one height each (yb_produce_blocks; any mode)",
    .help = "A chain in manual mode produces blocks only when asked: this is how to step it.\n",
    .exec = blocks_exec,
};

const struct cmd_entry cmd_chain_fast_forward_entry = {
    .name = "fast-forward",
    .usage = "N",
    .summary = "jump N heights in one block (sandbox_fast_forward); yields expire",
    .help = "The next block's height is head + N. Skipped heights count for yield timeouts,\n"
            "so `yb fast-forward 200` times out every request made 200 blocks ago or more.\n",
    .exec = fast_forward_exec,
};

/* ---- yb watch ---- */

static volatile sig_atomic_t watch_stop;

static void on_sigint(int sig)
{
    (void)sig;
    watch_stop = 1;
}

/* One event for people: the fields that matter per topic (node_events.c), raw JSON for
 * topics this client does not know. */
static void print_event_human(const char *topic, const cJSON *d, const char *body, size_t bl)
{
    uint64_t h = 0, a = 0, b = 0, gas = 0;
    const char *s1 = "?", *s2 = "?";
    char g[32];
    if (!d) {
        printf("%-14s %.*s\n", topic, (int)bl, body);
    } else if (strcmp(topic, "block") == 0) {
        json_get_u64(d, "height", &h);
        json_get_u64(d, "txs", &a);
        json_get_u64(d, "receipts", &b);
        json_get_u64(d, "gas_burnt", &gas);
        printf("%-14s %" PRIu64 ": %" PRIu64 " txs, %" PRIu64 " receipts, %s\n", topic, h, a, b,
               output_gas(gas, g, sizeof g));
    } else if (strcmp(topic, "tx.outcome") == 0) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(d, "outcome");
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(st, "Failure");
        char *why = f ? cli_failure_text(f) : NULL;
        json_get_u64(d, "height", &h);
        json_get_str(d, "tx_hash", &s1);
        json_get_str(d, "signer_id", &s2);
        printf("%-14s %" PRIu64 ": tx %s from %s %s%s\n", topic, h, s1, s2,
               why ? "refused: " : "accepted", why ? why : "");
        free(why);
    } else if (strncmp(topic, "yield.", 6) == 0) {
        const cJSON *req = cJSON_GetObjectItemCaseSensitive(d, "request");
        const char *prompt = NULL;
        json_get_u64(d, "height", &h);
        json_get_str(d, "account", &s1);
        json_get_str(d, "data_id", &s2);
        printf("%-14s %" PRIu64 ": %s yield %s", topic, h, s1, s2);
        if (json_get_u64(d, "expires_height", &a) == YB_OK) {
            printf(", expires at %" PRIu64, a);
        }
        if (req && json_get_u64(req, "request_id", &b) == YB_OK) {
            printf(", request %" PRIu64, b);
            if (json_get_str(req, "prompt", &prompt) == YB_OK) {
                printf(": \"%.60s%s\"", prompt, strlen(prompt) > 60 ? "..." : "");
            }
        }
        printf("\n");
    } else {
        printf("%-14s %.*s\n", topic, (int)bl, body);
    }
}

/* One message "topic JSON" (node_events.c) printed as a line. */
static void print_event(struct cli *cli, const char *msg, size_t len)
{
    const char *sp = memchr(msg, ' ', len);
    size_t tl = sp ? (size_t)(sp - msg) : len;
    const char *body = sp ? sp + 1 : "";
    size_t bl = sp ? len - tl - 1 : 0;
    char *topic = yb_xstrndup(msg, tl);
    cJSON *data = NULL;
    if (json_parse(body, bl, WATCH_EVENT_MAX, &data, NULL) != YB_OK) {
        data = NULL;
    }
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "topic", topic);
        if (data) {
            cJSON_AddItemToObject(o, "data", data);
            data = NULL;
        }
        char *text = cJSON_PrintUnformatted(o);
        if (text) {
            printf("%s\n", text);
            free(text);
        }
        cJSON_Delete(o);
    } else {
        print_event_human(topic, data, body, bl);
    }
    cJSON_Delete(data);
    free(topic);
    fflush(stdout);
}

static int watch_exec(struct cli *cli, int argc, char **argv)
{
    const char *prefix = "";
    if (argc > 2) {
        return cli_fail(cli, YB_EINVAL, "watch: usage: yb watch [TOPIC-PREFIX]");
    }
    if (argc == 2) {
        prefix = argv[1];
    }
    nng_socket sock;
    int rv = nng_sub0_open(&sock);
    if (rv != 0) {
        return cli_fail(cli, YB_EINTERNAL, "watch: cannot open a SUB socket: %s", nng_strerror(rv));
    }
    nng_socket_set(sock, NNG_OPT_SUB_SUBSCRIBE, prefix, strlen(prefix));
    nng_socket_set_ms(sock, NNG_OPT_RECVTIMEO, WATCH_RECV_TIMEOUT_MS);
    /* Non-blocking dial: the chain may start after us; nng redials by itself. */
    rv = nng_dial(sock, cli->events_url, NULL, NNG_FLAG_NONBLOCK);
    if (rv != 0) {
        nng_close(sock);
        return cli_fail(cli, YB_ECONNECT, "watch: cannot dial %s: %s", cli->events_url,
                        nng_strerror(rv));
    }
    if (!cli->json) {
        fprintf(stderr, "watching events on %s (Ctrl-C stops)\n", cli->events_url);
    }
    struct sigaction sa = {.sa_handler = on_sigint};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (!watch_stop) {
        char *buf = NULL;
        size_t len = 0;
        rv = nng_recv(sock, &buf, &len, NNG_FLAG_ALLOC);
        if (rv == NNG_ETIMEDOUT) {
            continue;
        }
        if (rv != 0) {
            break;
        }
        print_event(cli, buf, len);
        nng_free(buf, len);
    }
    nng_close(sock);
    return YB_OK;
}

const struct cmd_entry cmd_chain_watch_entry = {
    .name = "watch",
    .usage = "[TOPIC-PREFIX]",
    .summary = "print the chain's events as they happen (blocks, yields, ...)",
    .help = "Subscribes to the chain's nng PUB socket (--events URL). TOPIC-PREFIX keeps only\n"
            "events whose topic starts with it, e.g. `yb watch yield.`.\n",
    .exec = watch_exec,
};
