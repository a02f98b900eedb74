/* reqlog.c — the ring of reqlog.h. */
#include "reqlog.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

void reqlog_init(struct reqlog *log)
{
    memset(log, 0, sizeof *log);
    pthread_mutex_init(&log->lock, NULL);
    log->ring = yb_xcalloc(REQLOG_MAX, sizeof *log->ring);
}

void reqlog_fini(struct reqlog *log)
{
    free(log->ring);
    log->ring = NULL;
    pthread_mutex_destroy(&log->lock);
}

uint64_t reqlog_next_id(struct reqlog *log)
{
    pthread_mutex_lock(&log->lock);
    uint64_t id = ++log->total;
    pthread_mutex_unlock(&log->lock);
    return id;
}

void reqlog_add(struct reqlog *log, const struct reqlog_entry *e)
{
    /* Entries are placed by id, so the ring stays in id order even when requests finish
     * their bookkeeping out of order. */
    pthread_mutex_lock(&log->lock);
    log->ring[(e->id - 1) % REQLOG_MAX] = *e;
    pthread_mutex_unlock(&log->lock);
}

uint64_t reqlog_total(struct reqlog *log)
{
    pthread_mutex_lock(&log->lock);
    uint64_t n = log->total;
    pthread_mutex_unlock(&log->lock);
    return n;
}

static int dump_entry(const struct reqlog_entry *e, struct yb_buf *out)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)e->id);
    cJSON_AddStringToObject(o, "method", e->method);
    cJSON_AddStringToObject(o, "path", e->path);
    cJSON_AddStringToObject(o, "prompt_sha256", e->prompt_sha256);
    cJSON_AddStringToObject(o, "prompt", e->prompt);
    cJSON_AddStringToObject(o, "behavior", e->behavior);
    cJSON_AddNumberToObject(o, "status", e->status);
    cJSON_AddNumberToObject(o, "delay_ms", e->delay_ms);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        abort(); /* cJSON fails only on allocation */
    }
    int err = yb_buf_append_str(out, text);
    if (!err) {
        err = yb_buf_append_byte(out, '\n');
    }
    cJSON_free(text);
    return err;
}

int reqlog_dump(struct reqlog *log, struct yb_buf *out)
{
    pthread_mutex_lock(&log->lock);
    uint64_t first = log->total > REQLOG_MAX ? log->total - REQLOG_MAX + 1 : 1;
    int err = YB_OK;
    for (uint64_t id = first; id <= log->total && !err; id++) {
        const struct reqlog_entry *e = &log->ring[(id - 1) % REQLOG_MAX];
        /* An id handed out whose request has not been logged yet holds an older entry. */
        if (e->id == id) {
            err = dump_entry(e, out);
        }
    }
    pthread_mutex_unlock(&log->lock);
    return err;
}
