/*
 * mockai_server.h — yb-mockai's HTTP server on nng's HTTP server.
 *
 * Routes:
 *   POST /v1/chat/completions  the answer (chat.h), with the injected behaviour (behavior.h)
 *   GET  /v1/models            {"object":"list","data":[{"id":<model>,...}]}
 *   GET  /healthz              {"status":"ok","requests":N}
 *   GET  /v1/_log              the request log as JSON lines (reqlog.h); not itself logged
 * Request bodies over CHAT_BODY_MAX get 413. Bodies over MOCKAI_BODY_HARD_MAX are refused by
 * nng itself (nng 1.5.2 answers 400) before they reach the handler, so they are not in the
 * request log and never buffered beyond that cap.
 *
 * Delays never block a thread: a delayed answer waits on an nng sleep aio, so any number of
 * requests can be waiting at once (a hang is a delay of BEHAVIOR_HANG_MS).
 *
 * Every finished request is logged as one line with id MOCKAI-REQUEST: request id, method,
 * path, prompt digest, applied behaviour, status, measured latency.
 */
#ifndef YB_MOCKAI_SERVER_H
#define YB_MOCKAI_SERVER_H

#include <stdint.h>

#include "behavior.h"

#define MOCKAI_DEFAULT_LISTEN "http://127.0.0.1:3033"
#define MOCKAI_DEFAULT_MODEL  "yb-mock-1"
#define MOCKAI_BODY_HARD_MAX  ((size_t)8 << 20)  /* nng's own collection limit */
#define MOCKAI_LOG_DUMP_MAX   ((size_t)16 << 20) /* bytes of one GET /v1/_log answer */

struct mockai_config {
    const char *listen;   /* borrowed URL, e.g. "http://127.0.0.1:3033" */
    const char *model;    /* borrowed; the model named when a request names none */
    struct behavior base; /* --latency-ms, --oversize-bytes, --behavior ... */
    double error_rate;    /* 0..1: share of answers turned into 500 */
    uint32_t rate_limit;  /* requests per second before 429; 0 = unlimited */
    uint64_t seed;        /* for latency ranges and the error rate */
};

struct mockai_server;

/*
 * Start serving on cfg->listen (cfg borrowed; the strings must outlive the server).
 * *out returned; stop with mockai_server_stop. *port (may be NULL) receives the bound port
 * (useful with port 0). Errors: YB_EINVAL (bad URL), YB_ECONNECT (cannot bind).
 */
int mockai_server_start(const struct mockai_config *cfg, struct mockai_server **out,
                        uint16_t *port);

/* Answer every waiting request with an error, stop the server and free it. Accepts NULL. */
void mockai_server_stop(struct mockai_server *m);

#endif
