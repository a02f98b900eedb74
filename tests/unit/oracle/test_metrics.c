/*
 * test_metrics.c — oracle/metrics: the Prometheus text exposition (names with units, HELP and
 * TYPE lines, labelled outcomes, a cumulative histogram with +Inf, _sum and _count), health
 * from the age of the last good poll, and the real /metrics and /healthz server over HTTP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "metrics.h"

static void has(const char *text, const char *line)
{
    if (!strstr(text, line)) {
        fail_msg("missing \"%s\" in:\n%s", line, text);
    }
}

static void renders_exposition(void **state)
{
    (void)state;
    static struct metrics m;
    metrics_init(&m);
    atomic_fetch_add(&m.requests_seen, 3);
    atomic_fetch_add(&m.outcomes[METRICS_ANSWERED], 2);
    atomic_fetch_add(&m.outcomes[METRICS_EXPIRED], 1);
    atomic_fetch_add(&m.ai_calls[2], 5);
    atomic_store(&m.ai_in_flight, 4);
    metrics_observe_ai(&m, 0.003);
    metrics_observe_ai(&m, 0.2);
    metrics_observe_ai(&m, 500.0); /* past every bucket: only +Inf */
    struct yb_buf b;
    yb_buf_init(&b, 1 << 20);
    assert_int_equal(metrics_render(&m, &b), YB_OK);
    const char *t = (const char *)b.data;
    has(t, "# TYPE oracle_requests_seen_total counter\noracle_requests_seen_total 3\n");
    has(t, "oracle_requests_total{outcome=\"answered\"} 2\n");
    has(t, "oracle_requests_total{outcome=\"expired\"} 1\n");
    has(t, "oracle_ai_requests_total{class=\"retry_later\"} 5\n");
    has(t, "# TYPE oracle_ai_in_flight gauge\noracle_ai_in_flight 4\n");
    has(t, "# TYPE oracle_ai_request_duration_seconds histogram\n");
    has(t, "oracle_ai_request_duration_seconds_bucket{le=\"0.005\"} 1\n");
    has(t, "oracle_ai_request_duration_seconds_bucket{le=\"0.1\"} 1\n");
    has(t, "oracle_ai_request_duration_seconds_bucket{le=\"0.25\"} 2\n");
    has(t, "oracle_ai_request_duration_seconds_bucket{le=\"120\"} 2\n");
    has(t, "oracle_ai_request_duration_seconds_bucket{le=\"+Inf\"} 3\n");
    has(t, "oracle_ai_request_duration_seconds_count 3\n");
    has(t, "oracle_ai_request_duration_seconds_sum 500.203");
    yb_buf_fini(&b);
}

static void health_follows_polls(void **state)
{
    (void)state;
    static struct metrics m;
    metrics_init(&m);
    atomic_store(&m.poll_interval_ms, 2000);
    assert_false(metrics_healthy(&m, 1000000)); /* never polled */
    atomic_store(&m.last_poll_ok_unix_ms, 1000000);
    assert_true(metrics_healthy(&m, 1009000));
    assert_false(metrics_healthy(&m, 1010001)); /* 5 intervals = 10 s */
}

static size_t sink(char *p, size_t size, size_t n, void *userp)
{
    return yb_buf_append(userp, p, size * n) == YB_OK ? size * n : 0;
}

static long get(const char *url, struct yb_buf *b)
{
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(c);
    return status;
}

static void serves_over_http(void **state)
{
    (void)state;
    static struct metrics m;
    metrics_init(&m);
    struct metrics_server *srv = NULL;
    /* The first free port of a range well away from the defaults (3030-3033). */
    char url[64] = "";
    for (unsigned port = 39320; port < 39400 && !srv; port++) {
        snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
        if (metrics_server_start(&m, url, &srv) != YB_OK) {
            srv = NULL;
        }
    }
    assert_non_null(srv);
    char path[96];
    struct yb_buf b;
    yb_buf_init(&b, 1 << 20);
    snprintf(path, sizeof path, "%s/healthz", url);
    assert_int_equal(get(path, &b), 503);
    atomic_store(&m.last_poll_ok_unix_ms, (uint64_t)time(NULL) * 1000u);
    yb_buf_reset(&b);
    assert_int_equal(get(path, &b), 200);
    yb_buf_reset(&b);
    snprintf(path, sizeof path, "%s/metrics", url);
    assert_int_equal(get(path, &b), 200);
    has((const char *)b.data, "oracle_requests_seen_total 0\n");
    yb_buf_reset(&b);
    snprintf(path, sizeof path, "%s/other", url);
    assert_int_equal(get(path, &b), 404);
    yb_buf_fini(&b);
    metrics_server_stop(srv);
    assert_int_equal(metrics_server_start(&m, "not a url", &srv), YB_EINVAL);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renders_exposition),
        cmocka_unit_test(health_follows_polls),
        cmocka_unit_test(serves_over_http),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
