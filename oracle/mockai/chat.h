/*
 * chat.h — yb-mockai's answer to one POST /v1/chat/completions, as a pure function of the
 * request and the server's settings (no I/O, no clock, no global state: the caller passes the
 * random draws and the time), so it is testable and the HTTP layer stays thin.
 *
 * Request: an OpenAI Chat Completions body (oracle-anchors.md §3.1). The prompt is the last
 * message with role "user"; its content is a string or an array of {"type":"text","text"} parts.
 * Answer: arithmetic evaluated exactly (arith.h), otherwise `yb-mockai answer to: "<prompt>"`;
 * with "stream": true, the same answer as server-sent chat.completion.chunk events.
 */
#ifndef YB_CHAT_H
#define YB_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "behavior.h"
#include "buf.h"

#define CHAT_BODY_MAX       ((size_t)1 << 20) /* request bodies over 1 MiB get 413 */
#define CHAT_PROMPT_HEAD    120               /* bytes of prompt kept in the request log */
#define CHAT_REPLY_BODY_MAX (2 * BEHAVIOR_OVERSIZE_MAX + 65536) /* room for a streamed one */

/* What the server decided before looking at the request (flags and random draws). */
struct chat_settings {
    const char *model;    /* borrowed: default model name */
    struct behavior base; /* from the flags */
    bool error_draw;      /* the --error-rate draw hit: answer 500 unless a fault is set */
    bool rate_limited;    /* over --rate-limit: answer 429 */
    double latency_draw;  /* uniform in [0,1): picks the delay inside a latency range */
    uint64_t request_id;  /* stable id of this request ("chatcmpl-mock-<id>") */
    int64_t now;          /* unix seconds for "created" */
};

struct chat_reply {
    int status;             /* HTTP status */
    uint32_t retry_after_s; /* > 0: send Retry-After */
    uint32_t delay_ms;      /* answer after this long (a hang is BEHAVIOR_HANG_MS) */
    bool hang;
    struct yb_buf body;                     /* owned: the response body (JSON, or broken JSON) */
    const char *content_type;               /* static: "application/json", or
                                               "text/event-stream" for "stream": true */
    char behavior[BEHAVIOR_DESCRIBE_MAX];   /* applied behaviour, for the logs */
    char prompt_sha256[65];                 /* hex sha256 of the prompt as sent; "" if none */
    char prompt_head[CHAT_PROMPT_HEAD + 1]; /* the prompt's first bytes (UTF-8 safe cut) */
};

/*
 * Build the reply to body[0..n) (borrowed) with the X-Mock-Behavior header value `hdr`
 * (borrowed, NULL if absent). *reply is initialised here (caller-owned; release with
 * chat_reply_fini). Protocol errors become replies, not errors: 413 over CHAT_BODY_MAX, 400 for
 * malformed JSON, a missing user message or a bad behaviour spec. Never fails.
 */
void chat_handle(const struct chat_settings *set, const char *body, size_t n, const char *hdr,
                 struct chat_reply *reply);

void chat_reply_fini(struct chat_reply *reply);

/* An OpenAI-style error body {"error":{"message","type","param":null,"code"}} into out (reset
 * first). type and code borrowed; code may be NULL (JSON null). */
void chat_error_body(struct yb_buf *out, const char *message, const char *type, const char *code);

#endif
