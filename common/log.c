/*
 * log.c — the process-wide logger.
 *
 * The level and format are atomics so log_enabled() costs no lock on the hot path. Each line is
 * built completely in a local buffer first and then written with a single fwrite while holding
 * the mutex: that keeps lines whole across threads and keeps the output FILE and the component
 * name from changing under a writer.
 */
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "buf.h"
#include "err.h"

#define TS_LEN 25 /* "2026-11-21T19:30:00.123Z" + NUL */
/* Room for the timestamp, level, component, id and the message with every byte escaped. */
#define LINE_MAX_BYTES (8 * LOG_MSG_MAX + 512)

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int log_level = LOG_LEVEL_INFO;
static atomic_int log_format = LOG_FORMAT_TEXT;
static FILE *log_out;                         /* NULL means stderr; guarded by log_lock */
static char log_component[LOG_COMPONENT_MAX]; /* guarded by log_lock */

static const char *const level_names[] = {"debug", "info", "warn", "error"};
static const char *const level_tags[] = {"DEBUG", "INFO", "WARN", "ERROR"};

static bool level_valid(enum log_level level)
{
    return (int)level >= LOG_LEVEL_DEBUG && (int)level <= LOG_LEVEL_ERROR;
}

void log_set_level(enum log_level min)
{
    if (level_valid(min)) {
        atomic_store(&log_level, (int)min);
    }
}

enum log_level log_get_level(void)
{
    return (enum log_level)atomic_load(&log_level);
}

void log_set_format(enum log_format f)
{
    if (f == LOG_FORMAT_TEXT || f == LOG_FORMAT_JSON) {
        atomic_store(&log_format, (int)f);
    }
}

void log_set_output(FILE *f)
{
    pthread_mutex_lock(&log_lock);
    log_out = f;
    pthread_mutex_unlock(&log_lock);
}

void log_set_component(const char *name)
{
    pthread_mutex_lock(&log_lock);
    if (name == NULL) {
        log_component[0] = '\0';
    } else {
        snprintf(log_component, sizeof log_component, "%s", name);
    }
    pthread_mutex_unlock(&log_lock);
}

int log_level_from_str(const char *s, enum log_level *out)
{
    for (int i = LOG_LEVEL_DEBUG; i <= LOG_LEVEL_ERROR; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return YB_OK;
        }
    }
    if (strcmp(s, "warning") == 0) {
        *out = LOG_LEVEL_WARN;
        return YB_OK;
    }
    return YB_EINVAL;
}

int log_format_from_str(const char *s, enum log_format *out)
{
    if (strcmp(s, "text") == 0) {
        *out = LOG_FORMAT_TEXT;
    } else if (strcmp(s, "json") == 0) {
        *out = LOG_FORMAT_JSON;
    } else {
        return YB_EINVAL;
    }
    return YB_OK;
}

const char *log_level_name(enum log_level level)
{
    return level_valid(level) ? level_names[level] : "?";
}

bool log_enabled(enum log_level level)
{
    return level_valid(level) && (int)level >= atomic_load(&log_level);
}

static void format_timestamp(char out[TS_LEN])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char date[20];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, TS_LEN, "%s.%03dZ", date, (int)(ts.tv_nsec / 1000000));
}

/* Formats the message; a cut message ends in "..." so a reader knows text is missing. */
static void format_message(char out[LOG_MSG_MAX], const char *fmt, va_list ap)
{
    int n = vsnprintf(out, LOG_MSG_MAX, fmt, ap);
    if (n < 0) {
        snprintf(out, LOG_MSG_MAX, "(bad log format)");
    } else if (n >= LOG_MSG_MAX) {
        memcpy(out + LOG_MSG_MAX - 4, "...", 4);
    }
}

static void build_text(struct yb_buf *line, const char *ts, enum log_level level,
                       const char *component, const char *id, const char *msg)
{
    yb_buf_printf(line, "%s %s ", ts, level_tags[level]);
    if (component[0] != '\0') {
        yb_buf_printf(line, "[%s] ", component);
    }
    yb_buf_printf(line, "%s ", id);
    size_t start = line->len;
    yb_buf_append_str(line, msg);
    /* One event, one line: a newline inside a message must not start a fake log line. */
    for (size_t i = start; i < line->len; i++) {
        if (line->data[i] < 0x20 || line->data[i] == 0x7f) {
            line->data[i] = ' ';
        }
    }
    yb_buf_append_byte(line, '\n');
}

static bool build_json(struct yb_buf *line, const char *ts, enum log_level level,
                       const char *component, const char *id, const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    bool ok =
        o != NULL && cJSON_AddStringToObject(o, "ts", ts) != NULL &&
        cJSON_AddStringToObject(o, "level", level_names[level]) != NULL &&
        (component[0] == '\0' || cJSON_AddStringToObject(o, "component", component) != NULL) &&
        cJSON_AddStringToObject(o, "id", id) != NULL &&
        cJSON_AddStringToObject(o, "msg", msg) != NULL;
    char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (text == NULL) {
        return false;
    }
    ok = yb_buf_append_str(line, text) == YB_OK && yb_buf_append_byte(line, '\n') == YB_OK;
    free(text);
    return ok;
}

void log_vmsg(enum log_level level, const char *id, const char *fmt, va_list ap)
{
    if (!log_enabled(level)) {
        return;
    }
    char ts[TS_LEN];
    format_timestamp(ts);
    char msg[LOG_MSG_MAX];
    format_message(msg, fmt, ap);
    if (id == NULL || id[0] == '\0') {
        id = "-";
    }

    char component[LOG_COMPONENT_MAX];
    pthread_mutex_lock(&log_lock);
    memcpy(component, log_component, sizeof component);
    pthread_mutex_unlock(&log_lock);

    struct yb_buf line;
    yb_buf_init(&line, LINE_MAX_BYTES);
    bool json = atomic_load(&log_format) == LOG_FORMAT_JSON;
    /* If cJSON runs out of memory the event is still worth a text line. */
    if (!json || !build_json(&line, ts, level, component, id, msg)) {
        yb_buf_reset(&line);
        build_text(&line, ts, level, component, id, msg);
    }
    /* The output is read under the lock that writes, so log_set_output() followed by fclose()
     * of the old stream never races with a line in flight. */
    pthread_mutex_lock(&log_lock);
    FILE *out = log_out != NULL ? log_out : stderr;
    fwrite(line.data, 1, line.len, out);
    fflush(out);
    pthread_mutex_unlock(&log_lock);
    yb_buf_fini(&line);
}

void log_msg(enum log_level level, const char *id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, id, fmt, ap);
    va_end(ap);
}
