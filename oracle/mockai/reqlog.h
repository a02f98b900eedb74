/*
 * reqlog.h — yb-mockai's in-memory request log: the last REQLOG_MAX requests, served as JSON
 * lines by GET /v1/_log so tests can check how often a prompt was asked.
 *
 * Each line: {"id","method","path","prompt_sha256","prompt","behavior","status","delay_ms"}.
 * Thread rules: every function may be called from any thread (one mutex inside).
 */
#ifndef YB_REQLOG_H
#define YB_REQLOG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chat.h"

#define REQLOG_MAX 10000 /* entries kept; older ones are dropped (ids keep counting) */

struct reqlog_entry {
    uint64_t id;
    char method[8];
    char path[64];
    char prompt_sha256[65];
    char prompt[CHAT_PROMPT_HEAD + 1];
    char behavior[BEHAVIOR_DESCRIBE_MAX];
    int status;
    uint32_t delay_ms;
};

struct reqlog {
    pthread_mutex_t lock;
    struct reqlog_entry *ring; /* owned, REQLOG_MAX entries */
    uint64_t total;            /* requests ever logged */
};

/* Caller-owned; pair with reqlog_fini. */
void reqlog_init(struct reqlog *log);
void reqlog_fini(struct reqlog *log);

/* A new request id (1, 2, ...). */
uint64_t reqlog_next_id(struct reqlog *log);

/* Append a copy of *e (borrowed). */
void reqlog_add(struct reqlog *log, const struct reqlog_entry *e);

/* Requests logged so far. */
uint64_t reqlog_total(struct reqlog *log);

/* The kept entries, oldest first, one JSON object per line, appended to out.
 * Errors: YB_ETOOBIG (out's cap reached; out holds the lines that fit). */
int reqlog_dump(struct reqlog *log, struct yb_buf *out);

#endif
