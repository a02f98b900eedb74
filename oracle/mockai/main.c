/* main.c — yb-mockai: flags, signals, and the server's lifetime. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "behavior.h"
#include "crypto.h"
#include "err.h"
#include "log.h"
#include "mockai_server.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: yb-mockai [options]\n"
            "An OpenAI-compatible chat completions server for yieldbox demos and tests.\n"
            "Answers: arithmetic in the last user message is evaluated exactly (\"What is 2+2?\"\n"
            "-> \"4\"); anything else gets `yb-mockai answer to: \"<prompt>\"`.\n"
            "\n"
            "  --listen URL          where to serve (default %s; port 0 picks one)\n"
            "  --model NAME          model reported when a request names none (default %s)\n"
            "  --latency-ms MS|A-B   delay every answer, fixed or uniformly random in [A,B]\n"
            "  --error-rate P        answer this share (0..1) of requests with 500\n"
            "  --rate-limit N        answer 429 (Retry-After) past N requests per second\n"
            "  --retry-after S       Retry-After seconds of 429/503 answers (default 1)\n"
            "  --oversize-bytes N    pad every answer to N bytes\n"
            "  --behavior SPEC       default behaviour, same syntax as the header below\n"
            "  --seed N              seed for latency ranges and the error rate (default 1)\n"
            "  --log-format F        text (default) or json\n"
            "  --log-level L         debug, info (default), warn, error\n"
            "  --help                this text\n"
            "\n"
            "Per-request behaviour: a header `X-Mock-Behavior: SPEC` and/or `[mock:SPEC]` inside\n"
            "the prompt (removed before answering; the prompt wins over the header, the header\n"
            "over the flags). SPEC items, comma-separated: latency=MS, latency=A-B, a status\n"
            "400..599 (429/503 carry Retry-After), retry-after=S, quota (429, not retryable),\n"
            "hang (never answer), malformed (200 with broken JSON), oversize=BYTES, ok.\n"
            "\n"
            "Routes: POST /v1/chat/completions, GET /v1/models, GET /healthz, GET /v1/_log\n"
            "(the request log as JSON lines). SIGINT/SIGTERM stop cleanly.\n",
            MOCKAI_DEFAULT_LISTEN, MOCKAI_DEFAULT_MODEL);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max) {
        return YB_EINVAL;
    }
    *out = v;
    return YB_OK;
}

/* Apply "key=value" to the default behaviour (the flag spellings of behavior.h items). */
static int apply_kv(struct behavior *b, const char *key, const char *value)
{
    char spec[BEHAVIOR_SPEC_MAX];
    int n = snprintf(spec, sizeof spec, "%s=%s", key, value);
    if (n < 0 || (size_t)n >= sizeof spec) {
        return YB_ETOOBIG;
    }
    return behavior_parse(b, spec, (size_t)n);
}

enum {
    OPT_LISTEN = 1,
    OPT_MODEL,
    OPT_LATENCY,
    OPT_ERROR_RATE,
    OPT_RATE_LIMIT,
    OPT_RETRY_AFTER,
    OPT_OVERSIZE,
    OPT_BEHAVIOR,
    OPT_SEED,
    OPT_LOG_FORMAT,
    OPT_LOG_LEVEL,
    OPT_HELP,
};

static int parse_args(int argc, char **argv, struct mockai_config *cfg)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"model", required_argument, NULL, OPT_MODEL},
        {"latency-ms", required_argument, NULL, OPT_LATENCY},
        {"error-rate", required_argument, NULL, OPT_ERROR_RATE},
        {"rate-limit", required_argument, NULL, OPT_RATE_LIMIT},
        {"retry-after", required_argument, NULL, OPT_RETRY_AFTER},
        {"oversize-bytes", required_argument, NULL, OPT_OVERSIZE},
        {"behavior", required_argument, NULL, OPT_BEHAVIOR},
        {"seed", required_argument, NULL, OPT_SEED},
        {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int c = getopt_long(argc, argv, "", opts, NULL);
    while (c != -1) {
        int err = YB_OK;
        uint64_t v = 0;
        char *end = NULL;
        enum log_format fmt;
        enum log_level lvl;
        switch (c) {
        case OPT_LISTEN:
            cfg->listen = optarg;
            break;
        case OPT_MODEL:
            cfg->model = optarg;
            break;
        case OPT_LATENCY:
            err = apply_kv(&cfg->base, "latency", optarg);
            break;
        case OPT_ERROR_RATE:
            cfg->error_rate = strtod(optarg, &end);
            if (end == optarg || *end || !(cfg->error_rate >= 0 && cfg->error_rate <= 1)) {
                err = YB_EINVAL;
            }
            break;
        case OPT_RATE_LIMIT:
            err = parse_u64(optarg, UINT32_MAX, &v);
            cfg->rate_limit = (uint32_t)v;
            break;
        case OPT_RETRY_AFTER:
            err = apply_kv(&cfg->base, "retry-after", optarg);
            break;
        case OPT_OVERSIZE:
            err = apply_kv(&cfg->base, "oversize", optarg);
            break;
        case OPT_BEHAVIOR:
            err = behavior_parse(&cfg->base, optarg, strlen(optarg));
            break;
        case OPT_SEED:
            err = parse_u64(optarg, UINT64_MAX, &cfg->seed);
            break;
        case OPT_LOG_FORMAT:
            err = log_format_from_str(optarg, &fmt);
            if (!err) {
                log_set_format(fmt);
            }
            break;
        case OPT_LOG_LEVEL:
            err = log_level_from_str(optarg, &lvl);
            if (!err) {
                log_set_level(lvl);
            }
            break;
        case OPT_HELP:
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return YB_EINVAL;
        }
        if (err) {
            fprintf(stderr, "yb-mockai: bad value for --%s: %s (%s)\n", opts[c - 1].name, optarg,
                    yb_err_str(err));
            return err;
        }
        c = getopt_long(argc, argv, "", opts, NULL);
    }
    if (optind < argc) {
        fprintf(stderr, "yb-mockai: unexpected argument %s\n", argv[optind]);
        return YB_EINVAL;
    }
    return YB_OK;
}

int main(int argc, char **argv)
{
    struct mockai_config cfg = {
        .listen = MOCKAI_DEFAULT_LISTEN, .model = MOCKAI_DEFAULT_MODEL, .seed = 1};
    behavior_init(&cfg.base);
    log_set_component("mockai");
    if (parse_args(argc, argv, &cfg)) {
        return 2;
    }
    if (crypto_init()) {
        fprintf(stderr, "yb-mockai: libsodium failed to initialise\n");
        return 1;
    }
    /* Block the stop signals before nng starts its threads (they inherit the mask), so only
     * sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct mockai_server *m = NULL;
    uint16_t port = 0;
    if (mockai_server_start(&cfg, &m, &port)) {
        return 1;
    }
    char behavior[BEHAVIOR_DESCRIBE_MAX];
    behavior_describe(&cfg.base, behavior, sizeof behavior);
    log_info("MOCKAI-START",
             "listening on %s (port %u) model=%s behavior=%s error_rate=%g "
             "rate_limit=%u seed=%llu",
             cfg.listen, (unsigned)port, cfg.model, behavior, cfg.error_rate,
             (unsigned)cfg.rate_limit, (unsigned long long)cfg.seed);
    int sig = 0;
    sigwait(&stop, &sig);
    log_info("MOCKAI-STOP", "signal %d: stopping", sig);
    mockai_server_stop(m);
    /* No nng_fini(): nng's reaper may still be finishing closed connections and freed aios,
     * and tearing the library down under it panics. Exiting is the clean end. */
    return 0;
}
