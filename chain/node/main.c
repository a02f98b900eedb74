/*
 * main.c — yb-chain: `init` creates a home, `run` runs the node (block production, JSON-RPC,
 * events) in the foreground until SIGINT/SIGTERM.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "node.h"
#include "node_config.h"
#include "node_genesis.h"

/* The JSON-RPC server is node-rpc's (rpc_server.c); CMake says whether it is in the tree. */
#if YB_HAVE_RPC_SERVER
#include "rpc_server.h"
#define HAVE_RPC_SERVER 1
#else
#define HAVE_RPC_SERVER 0
#endif

#define DEFAULT_HOME ".yieldbox"

static struct node *running;

static void on_signal(int sig)
{
    (void)sig;
    if (running != NULL) {
        node_stop(running); /* ev_async_send: async-signal-safe */
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: yb-chain init [--home DIR] [--force] [--contract FILE] [--yield-timeout N]\n"
               "       yb-chain run  [--home DIR] [--mode M] [--block-time MS] [--rpc ADDR]\n"
               "                     [--events ADDR] [--yield-timeout N] [--log-format text|json]\n"
               "                     [--no-sync] [--write-map on|off]\n"
               "\n"
               "  --home DIR         the chain's home (default ./" DEFAULT_HOME ")\n"
               "  --force            init: replace an existing chain in HOME (keys are new too)\n"
               "  --contract FILE    init: assistant.wasm to deploy (default: the build's)\n"
               "  --mode M           interval | on-demand | manual (config: mode)\n"
               "  --block-time MS    interval mode's block time (config: block_time_ms)\n"
               "  --rpc ADDR         JSON-RPC listen host:port (config: rpc_addr, 127.0.0.1:3030)\n"
               "  --events ADDR      nng PUB URL, \"\" = off (config: events_addr,\n"
               "                     tcp://127.0.0.1:3031)\n"
               "  --yield-timeout N  blocks before a yield times out (config: yield_timeout, 200)\n"
               "  --log-format F     text or json lines on stderr (config: log_format)\n"
               "  --no-sync          do not fsync each block (config: store_sync)\n"
               "  --write-map on|off LMDB MDB_WRITEMAP (config: store_write_map)\n"
               "  -h, --help         this text\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *end != '\0' || s[0] == '-') {
        return YB_EINVAL;
    }
    *out = v;
    return YB_OK;
}

int main(int argc, char **argv)
{
    log_set_component("chain");
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "init") != 0 && strcmp(cmd, "run") != 0) {
        fprintf(stderr, "yb-chain: unknown command %s\n", cmd);
        usage(stderr);
        return 2;
    }
    static const struct option opts[] = {{"home", required_argument, NULL, 'H'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"contract", required_argument, NULL, 'c'},
                                         {"mode", required_argument, NULL, 'm'},
                                         {"block-time", required_argument, NULL, 'b'},
                                         {"rpc", required_argument, NULL, 'r'},
                                         {"events", required_argument, NULL, 'e'},
                                         {"yield-timeout", required_argument, NULL, 'y'},
                                         {"log-format", required_argument, NULL, 'l'},
                                         {"no-sync", no_argument, NULL, 's'},
                                         {"write-map", required_argument, NULL, 'w'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *home = DEFAULT_HOME, *contract = YB_NODE_CONTRACTS_DIR "/assistant.wasm";
    const char *mode = NULL, *rpc = NULL, *events = NULL, *log_format = NULL;
    uint64_t block_time = 0, yield_timeout = 0;
    bool force = false, no_sync = false;
    int write_map = -1; /* -1: the config's */
    optind = 2;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H':
            home = optarg;
            break;
        case 'f':
            force = true;
            break;
        case 'c':
            contract = optarg;
            break;
        case 'm':
            mode = optarg;
            break;
        case 'b':
        case 'y':
            if (parse_u64(optarg, c == 'b' ? &block_time : &yield_timeout) != YB_OK ||
                (c == 'b' ? block_time : yield_timeout) == 0) {
                fprintf(stderr, "yb-chain: --%s needs a positive number\n",
                        c == 'b' ? "block-time" : "yield-timeout");
                return 2;
            }
            break;
        case 'r':
            rpc = optarg;
            break;
        case 'e':
            events = optarg;
            break;
        case 'l':
            log_format = optarg;
            break;
        case 's':
            no_sync = true;
            break;
        case 'w':
            if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
                fprintf(stderr, "yb-chain: --write-map needs on or off\n");
                return 2;
            }
            write_map = strcmp(optarg, "on") == 0;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "yb-chain: unexpected argument %s\n", argv[optind]);
        return 2;
    }
    struct node_config cfg;
    if (node_config_default(&cfg, home) != YB_OK) {
        fprintf(stderr, "yb-chain: home path too long\n");
        return 2;
    }
    if (strcmp(cmd, "run") == 0) {
        int rc = node_config_load(&cfg);
        if (rc != YB_OK) {
            fprintf(stderr, "yb-chain: cannot load %s/%s: %s (run `yb-chain init` first)\n", home,
                    NODE_CONFIG_FILE, yb_err_str(rc));
            return 1;
        }
    }
    if (mode != NULL && node_mode_from_str(mode, &cfg.mode) != YB_OK) {
        fprintf(stderr, "yb-chain: --mode must be interval, on-demand or manual\n");
        return 2;
    }
    if (log_format != NULL) {
        if (strcmp(log_format, "json") != 0 && strcmp(log_format, "text") != 0) {
            fprintf(stderr, "yb-chain: --log-format must be text or json\n");
            return 2;
        }
        cfg.log_json = strcmp(log_format, "json") == 0;
    }
    if (block_time) {
        cfg.block_time_ms = block_time;
    }
    if (yield_timeout) {
        cfg.yield_timeout = yield_timeout;
    }
    if (rpc != NULL) {
        snprintf(cfg.rpc_addr, sizeof cfg.rpc_addr, "%s", rpc);
    }
    if (events != NULL) {
        snprintf(cfg.events_addr, sizeof cfg.events_addr, "%s", events);
    }
    if (no_sync) {
        cfg.store_sync = false;
    }
    if (write_map >= 0) {
        cfg.store_write_map = write_map == 1;
    }
    log_set_format(cfg.log_json ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT);

    if (strcmp(cmd, "init") == 0) {
        int rc = node_genesis_init(&cfg, contract, force);
        if (rc == YB_EEXIST) {
            fprintf(stderr, "yb-chain: %s already holds a chain (use --force to replace it)\n",
                    home);
            return 1;
        }
        if (rc == YB_EBUSY) {
            fprintf(stderr, "yb-chain: a yb-chain is running on %s: stop it first\n", home);
            return 1;
        }
        if (rc != YB_OK) {
            fprintf(stderr, "yb-chain: init failed: %s\n", yb_err_str(rc));
            return 1;
        }
        log_info("CHAIN-INIT", "created %s: accounts %s %s %s %s; keys in %s/keys", home,
                 NODE_GENESIS_ROOT, NODE_GENESIS_ASSISTANT, NODE_GENESIS_ORACLE, NODE_GENESIS_USER,
                 home);
        return 0;
    }

    struct node *node;
    int rc = node_open(&cfg, &node);
    if (rc != YB_OK) {
        fprintf(stderr, "yb-chain: cannot open %s: %s\n", home,
                rc == YB_EBUSY ? "another yb-chain is running on it" : yb_err_str(rc));
        return 1;
    }
#if HAVE_RPC_SERVER
    struct rpc_server *srv = NULL;
    rc = rpc_server_start(node, cfg.rpc_addr, &srv);
    if (rc != YB_OK) {
        fprintf(stderr, "yb-chain: cannot serve JSON-RPC on %s: %s\n", cfg.rpc_addr,
                yb_err_str(rc));
        node_close(node);
        return 1;
    }
#else
    log_warn("CHAIN-NO-RPC", "built without the JSON-RPC server: %s is not served", cfg.rpc_addr);
#endif
    running = node;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct node_head h;
    node_get_head(node, &h);
    log_info("CHAIN-START", "yb-chain running: home %s, height %llu, mode %s, rpc %s, events %s",
             home, (unsigned long long)h.height, node_mode_name(cfg.mode), cfg.rpc_addr,
             cfg.events_addr[0] ? cfg.events_addr : "off");
    rc = node_run(node);
#if HAVE_RPC_SERVER
    rpc_server_stop(srv);
#endif
    running = NULL;
    node_close(node);
    log_info("CHAIN-STOP", "yb-chain stopped%s%s", rc ? ": " : "", rc ? yb_err_str(rc) : "");
    return rc == YB_OK ? 0 : 1;
}
