/* The logger's line formats, level filter, escaping and whole lines under concurrent writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cJSON.h>
#include <pthread.h>
#include <regex.h>

#include "err.h"
#include "log.h"

struct capture {
    FILE *f;
    char *text;
    size_t len;
};

static int capture_start(void **state)
{
    struct capture *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->f = open_memstream(&c->text, &c->len);
    assert_non_null(c->f);
    log_set_output(c->f);
    log_set_level(LOG_LEVEL_INFO);
    log_set_format(LOG_FORMAT_TEXT);
    log_set_component(NULL);
    *state = c;
    return 0;
}

static int capture_stop(void **state)
{
    struct capture *c = *state;
    log_set_output(NULL);
    fclose(c->f);
    free(c->text);
    free(c);
    return 0;
}

/* Everything written so far (memstreams publish their buffer on fflush). */
static const char *captured(struct capture *c)
{
    fflush(c->f);
    return c->text;
}

static void assert_matches(const char *text, const char *pattern)
{
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (rc != 0) {
        fail_msg("\"%s\" does not match /%s/", text, pattern);
    }
}

#define TS_RE "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"

static void text_line_has_time_level_id_and_message(void **state)
{
    struct capture *c = *state;
    log_warn("YB-RPC-SLOW", "query took %d ms", 812);
    assert_matches(captured(c), "^" TS_RE " WARN YB-RPC-SLOW query took 812 ms\n$");
}

static void component_is_shown_once_set(void **state)
{
    struct capture *c = *state;
    log_set_component("chain");
    log_info("YB-BLOCK", "height %u", 7u);
    log_set_component("");
    log_info("YB-BLOCK", "height %u", 8u);
    assert_matches(captured(c), "^" TS_RE " INFO \\[chain\\] YB-BLOCK height 7\n" TS_RE
                                " INFO YB-BLOCK height 8\n$");
}

static void lines_below_the_minimum_level_are_dropped(void **state)
{
    struct capture *c = *state;
    log_set_level(LOG_LEVEL_WARN);
    assert_false(log_enabled(LOG_LEVEL_INFO));
    assert_true(log_enabled(LOG_LEVEL_ERROR));
    log_debug("YB-D", "no");
    log_info("YB-I", "no");
    log_warn("YB-W", "yes");
    log_error("YB-E", "yes");
    const char *t = captured(c);
    assert_null(strstr(t, "YB-D"));
    assert_null(strstr(t, "YB-I"));
    assert_non_null(strstr(t, "WARN YB-W yes\n"));
    assert_non_null(strstr(t, "ERROR YB-E yes\n"));
    log_set_level(LOG_LEVEL_DEBUG);
    log_debug("YB-D2", "now");
    assert_non_null(strstr(captured(c), "DEBUG YB-D2 now\n"));
}

static void text_lines_stay_one_line(void **state)
{
    struct capture *c = *state;
    log_error("YB-X", "first\nINFO fake line\r\tend");
    assert_matches(captured(c), "^" TS_RE " ERROR YB-X first INFO fake line  end\n$");
}

static void json_lines_are_valid_json_with_escaping(void **state)
{
    struct capture *c = *state;
    log_set_format(LOG_FORMAT_JSON);
    log_set_component("oracle");
    log_warn("YB-AI-FAIL", "backend said \"%s\"\nand %s", "no\\way", "stopped");
    const char *t = captured(c);
    size_t len = strlen(t);
    assert_true(len > 0 && t[len - 1] == '\n');
    assert_null(memchr(t, '\n', len - 1)); /* one line */
    cJSON *o = cJSON_ParseWithLength(t, len);
    assert_non_null(o);
    assert_string_equal(cJSON_GetObjectItem(o, "level")->valuestring, "warn");
    assert_string_equal(cJSON_GetObjectItem(o, "id")->valuestring, "YB-AI-FAIL");
    assert_string_equal(cJSON_GetObjectItem(o, "component")->valuestring, "oracle");
    assert_string_equal(cJSON_GetObjectItem(o, "msg")->valuestring,
                        "backend said \"no\\way\"\nand stopped");
    assert_matches(cJSON_GetObjectItem(o, "ts")->valuestring, "^" TS_RE "$");
    cJSON_Delete(o);
}

static void long_messages_are_cut_with_a_marker(void **state)
{
    struct capture *c = *state;
    char *big = malloc(LOG_MSG_MAX * 2);
    assert_non_null(big);
    memset(big, 'a', LOG_MSG_MAX * 2 - 1);
    big[LOG_MSG_MAX * 2 - 1] = '\0';
    log_info("YB-BIG", "%s", big);
    free(big);
    const char *t = captured(c);
    const char *msg = strstr(t, "YB-BIG ") + strlen("YB-BIG ");
    assert_int_equal(strlen(msg), LOG_MSG_MAX - 1 + 1); /* cut message + newline */
    assert_memory_equal(msg + LOG_MSG_MAX - 4, "...\n", 4);
}

static void level_and_format_names_parse(void **state)
{
    static const struct {
        const char *s;
        int rc;
        enum log_level level;
    } cases[] = {
        {"debug", YB_OK, LOG_LEVEL_DEBUG},
        {"info", YB_OK, LOG_LEVEL_INFO},
        {"warn", YB_OK, LOG_LEVEL_WARN},
        {"warning", YB_OK, LOG_LEVEL_WARN},
        {"error", YB_OK, LOG_LEVEL_ERROR},
        {"INFO", YB_EINVAL, 0},
        {"", YB_EINVAL, 0},
        {"trace", YB_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum log_level l = LOG_LEVEL_ERROR;
        assert_int_equal(log_level_from_str(cases[i].s, &l), cases[i].rc);
        if (cases[i].rc == YB_OK) {
            assert_int_equal(l, cases[i].level);
            assert_int_equal(log_level_from_str(log_level_name(l), &l), YB_OK);
        }
    }
    enum log_format f;
    assert_int_equal(log_format_from_str("json", &f), YB_OK);
    assert_int_equal(f, LOG_FORMAT_JSON);
    assert_int_equal(log_format_from_str("text", &f), YB_OK);
    assert_int_equal(f, LOG_FORMAT_TEXT);
    assert_int_equal(log_format_from_str("xml", &f), YB_EINVAL);
}

#define THREADS          4
#define LINES_PER_THREAD 300

static void *write_lines(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < LINES_PER_THREAD; i++) {
        log_info("YB-T", "thread %d line %d %s", t, i, "padding padding padding padding");
    }
    return NULL;
}

static void concurrent_lines_never_interleave(void **state)
{
    struct capture *c = *state;
    log_set_format(LOG_FORMAT_JSON);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_create(&th[t], NULL, write_lines, (void *)(intptr_t)t), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
    }
    const char *p = captured(c);
    int seen[THREADS] = {0};
    int lines = 0;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        cJSON *o = cJSON_ParseWithLength(p, (size_t)(nl - p));
        assert_non_null(o);
        int t = -1;
        int i = -1;
        assert_int_equal(
            sscanf(cJSON_GetObjectItem(o, "msg")->valuestring, "thread %d line %d", &t, &i), 2);
        assert_true(t >= 0 && t < THREADS);
        assert_int_equal(i, seen[t]); /* each thread's lines in its own order */
        seen[t]++;
        cJSON_Delete(o);
        lines++;
        p = nl + 1;
    }
    assert_int_equal(lines, THREADS * LINES_PER_THREAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(text_line_has_time_level_id_and_message, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(component_is_shown_once_set, capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(lines_below_the_minimum_level_are_dropped, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(text_lines_stay_one_line, capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(json_lines_are_valid_json_with_escaping, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(long_messages_are_cut_with_a_marker, capture_start,
                                        capture_stop),
        cmocka_unit_test(level_and_format_names_parse),
        cmocka_unit_test_setup_teardown(concurrent_lines_never_interleave, capture_start,
                                        capture_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
