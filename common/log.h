/*
 * log.h — one line per event, for operators.
 *
 * Every line carries a level and a stable message id that never changes between releases
 * (`log_warn("YB-RPC-SLOW", "query took %d ms", ms)`), so alerts and greps can key on it. Two
 * formats, chosen at run time:
 *
 *   text (default)  2026-11-21T19:30:00.123Z WARN [chain] YB-RPC-SLOW query took 812 ms
 *   json            {"ts":"2026-11-21T19:30:00.123Z","level":"warn","component":"chain",
 *                    "id":"YB-RPC-SLOW","msg":"query took 812 ms"}
 *
 * The "[component]" part (and the "component" key) appear only once log_set_component() has
 * named one. Timestamps are UTC with milliseconds. Text lines replace control characters in the
 * message with spaces so one event stays one line; JSON lines escape them (cJSON).
 *
 * Thread rules: every function may be called from any thread. Each line is formatted privately
 * and written with one fwrite under a mutex, so lines from different threads never interleave.
 * The settings are process-wide; set them at start-up.
 */
#ifndef YB_LOG_H
#define YB_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

enum log_level {
    LOG_LEVEL_DEBUG = 0,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
};

enum log_format {
    LOG_FORMAT_TEXT = 0,
    LOG_FORMAT_JSON,
};

/* A message longer than this is cut (the line says so with a trailing "..."). */
#define LOG_MSG_MAX       4096
#define LOG_COMPONENT_MAX 32 /* bytes of the component name kept, including the NUL */

/* Lines below `min` are dropped. Default: LOG_LEVEL_INFO. */
void log_set_level(enum log_level min);
enum log_level log_get_level(void);
/* Default: LOG_FORMAT_TEXT. */
void log_set_format(enum log_format f);
/* Where lines go; f borrowed (must stay open until replaced); NULL means stderr (the default).
 * Each line is flushed. */
void log_set_output(FILE *f);
/* The program part ("chain", "oracle"), copied (cut to LOG_COMPONENT_MAX-1 bytes); NULL or ""
 * removes it. */
void log_set_component(const char *name);

/* "debug" "info" "warn" "error" (also "warning"). s borrowed. Errors: YB_EINVAL. */
int log_level_from_str(const char *s, enum log_level *out);
/* "text" or "json" (the --log-format values). s borrowed. Errors: YB_EINVAL. */
int log_format_from_str(const char *s, enum log_format *out);
/* "debug" ... "error"; a static string. */
const char *log_level_name(enum log_level level);

/* True when a line at `level` would be written (skip costly argument building otherwise). */
bool log_enabled(enum log_level level);

/* Writes one line. id and fmt borrowed; id is the stable message id ("YB-RPC-SLOW"). */
void log_msg(enum log_level level, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level level, const char *id, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#define log_debug(id, ...) log_msg(LOG_LEVEL_DEBUG, (id), __VA_ARGS__)
#define log_info(id, ...)  log_msg(LOG_LEVEL_INFO, (id), __VA_ARGS__)
#define log_warn(id, ...)  log_msg(LOG_LEVEL_WARN, (id), __VA_ARGS__)
#define log_error(id, ...) log_msg(LOG_LEVEL_ERROR, (id), __VA_ARGS__)

#endif
