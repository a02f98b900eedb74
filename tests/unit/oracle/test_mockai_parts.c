/*
 * test_mockai_parts.c — yb-mockai's pure parts without the server: the arithmetic evaluator,
 * the behaviour syntax and the chat reply builder, as tables of edge cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "behavior.h"
#include "chat.h"
#include "err.h"

static void arith_eval_table(void **state)
{
    static const struct {
        const char *expr;
        int err;
        int64_t num, den;
    } cases[] = {
        {"2+2", YB_OK, 4, 1},
        {" 12 * (3 + 4) ", YB_OK, 84, 1},
        {"1-2-3", YB_OK, -4, 1}, /* left associative */
        {"2*3+4*5", YB_OK, 26, 1},
        {"8/4/2", YB_OK, 1, 1},
        {"7/2", YB_OK, 7, 2},
        {"-7/2", YB_OK, -7, 2},
        {"6/-4", YB_OK, -3, 2},
        {"1/3+1/6", YB_OK, 1, 2},
        {"--5", YB_OK, 5, 1},
        {"+5", YB_OK, 5, 1},
        {"9223372036854775807", YB_OK, INT64_MAX, 1},
        {"9223372036854775808", YB_EOVERFLOW, 0, 0},
        {"9223372036854775807+1", YB_EOVERFLOW, 0, 0},
        {"3037000500*3037000500", YB_EOVERFLOW, 0, 0},
        {"1/0", YB_EINVAL, 0, 0},
        {"1/(2-2)", YB_EINVAL, 0, 0},
        {"0/5", YB_OK, 0, 1},
        {"", YB_EMALFORMED, 0, 0},
        {"2+", YB_EMALFORMED, 0, 0},
        {"(2+3", YB_EMALFORMED, 0, 0},
        {"2+3)", YB_EMALFORMED, 0, 0},
        {"2 3", YB_EMALFORMED, 0, 0},
        {"()", YB_EMALFORMED, 0, 0},
        {"2*x", YB_EMALFORMED, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct arith_value v = {0, 0};
        int err = arith_eval(cases[i].expr, strlen(cases[i].expr), &v);
        if (err != cases[i].err) {
            fail_msg("\"%s\": %s, want %s", cases[i].expr, yb_err_name(err),
                     yb_err_name(cases[i].err));
        }
        if (!err && (v.num != cases[i].num || v.den != cases[i].den)) {
            fail_msg("\"%s\": %lld/%lld", cases[i].expr, (long long)v.num, (long long)v.den);
        }
    }
}

static void arith_caps(void **state)
{
    char deep[2 * ARITH_DEPTH_MAX + 8];
    size_t n = 0;
    for (int i = 0; i < ARITH_DEPTH_MAX + 1; i++) {
        deep[n++] = '(';
    }
    deep[n++] = '1';
    for (int i = 0; i < ARITH_DEPTH_MAX + 1; i++) {
        deep[n++] = ')';
    }
    struct arith_value v;
    assert_int_equal(arith_eval(deep, n, &v), YB_ETOOBIG);
    assert_int_equal(arith_eval(deep + 1, n - 2, &v), YB_OK); /* exactly the cap */
    char minus[ARITH_DEPTH_MAX + 3];
    memset(minus, '-', ARITH_DEPTH_MAX + 1);
    minus[ARITH_DEPTH_MAX + 1] = '1';
    assert_int_equal(arith_eval(minus, ARITH_DEPTH_MAX + 2, &v), YB_ETOOBIG);
    char long_expr[ARITH_EXPR_MAX + 2];
    memset(long_expr, ' ', sizeof long_expr);
    long_expr[0] = '1';
    assert_int_equal(arith_eval(long_expr, ARITH_EXPR_MAX + 1, &v), YB_ETOOBIG);
    assert_int_equal(arith_eval(long_expr, ARITH_EXPR_MAX, &v), YB_OK);
}

static void arith_answer_finds_the_question(void **state)
{
    static const struct {
        const char *prompt;
        const char *want; /* NULL: no arithmetic */
    } cases[] = {
        {"What is 2+2?", "4"},
        {"what is 12 * (3 + 4)?", "84"},
        {"Q1: what is 1+1? Q2: what is 3*3?", "9"}, /* the last one */
        {"what is 5/0", "division by zero"},
        {"Hello", NULL},
        {"the year 2024", NULL},
        {"the 3-body problem", NULL},
        {"a - b", NULL},
        {"(1)", NULL}, /* no operator */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[ARITH_ANSWER_MAX];
        int err = arith_answer(cases[i].prompt, out, sizeof out);
        if (!cases[i].want) {
            assert_int_equal(err, YB_ENOTFOUND);
        } else {
            assert_int_equal(err, YB_OK);
            assert_string_equal(out, cases[i].want);
        }
    }
}

static void behavior_syntax_table(void **state)
{
    static const struct {
        const char *spec;
        int err;
        const char *described; /* behavior_describe afterwards (from the plain behaviour) */
    } cases[] = {
        {"", YB_OK, "-"},
        {"latency=100", YB_OK, "latency=100"},
        {"latency=50-300", YB_OK, "latency=50-300"},
        {"latency=300-50", YB_EMALFORMED, "-"},
        {"latency=600001", YB_ETOOBIG, "-"},
        {"latency=", YB_EMALFORMED, "-"},
        {"429", YB_OK, "429"},
        {"500, latency=5", YB_OK, "latency=5,500"},
        {"503;retry-after=9", YB_OK, "503"},
        {"399", YB_EMALFORMED, "-"},
        {"600", YB_EMALFORMED, "-"},
        {"hang", YB_OK, "hang"},
        {"malformed 429", YB_OK, "429"}, /* faults are exclusive: the last wins */
        {"429 ok", YB_OK, "-"},
        {"quota", YB_OK, "quota"},
        {"oversize=1000", YB_OK, "oversize=1000"},
        {"oversize=67108865", YB_ETOOBIG, "-"},
        {"teapot", YB_EMALFORMED, "-"},
        {"latency=10 bogus", YB_EMALFORMED, "-"}, /* all or nothing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct behavior b;
        behavior_init(&b);
        int err = behavior_parse(&b, cases[i].spec, strlen(cases[i].spec));
        char d[BEHAVIOR_DESCRIBE_MAX];
        behavior_describe(&b, d, sizeof d);
        if (err != cases[i].err || strcmp(d, cases[i].described) != 0) {
            fail_msg("\"%s\": %s \"%s\", want %s \"%s\"", cases[i].spec, yb_err_name(err), d,
                     yb_err_name(cases[i].err), cases[i].described);
        }
    }
    struct behavior b;
    behavior_init(&b);
    assert_int_equal(behavior_parse(&b, "503,retry-after=9", 17), YB_OK);
    assert_int_equal(b.retry_after_s, 9);
    char big[BEHAVIOR_SPEC_MAX + 2];
    memset(big, ' ', sizeof big);
    assert_int_equal(behavior_parse(&b, big, sizeof big), YB_ETOOBIG);
}

static void directives_are_taken_out_of_the_prompt(void **state)
{
    struct behavior b;
    behavior_init(&b);
    char p[] = "[mock:latency=20]What is [mock:429] 2+2?";
    assert_int_equal(behavior_take_directives(&b, p), YB_OK);
    assert_string_equal(p, "What is  2+2?");
    assert_int_equal(b.status, 429);
    assert_int_equal(b.latency_max_ms, 20);
    char q[] = "[mock:bogus] hi [mock:500] [mock: unterminated";
    behavior_init(&b);
    assert_int_equal(behavior_take_directives(&b, q), YB_EMALFORMED);
    assert_string_equal(q, " hi  [mock: unterminated");
    assert_int_equal(b.status, 500); /* the good directive after the bad one still applies */
}

static const char *content_of(cJSON *root)
{
    cJSON *choice = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "choices"), 0);
    return cJSON_GetObjectItem(cJSON_GetObjectItem(choice, "message"), "content")->valuestring;
}

static void chat_replies_table(void **state)
{
    struct chat_settings set = {.model = "m0", .request_id = 9, .now = 1700000000};
    behavior_init(&set.base);
    static const struct {
        const char *body;
        const char *hdr;
        int status;
        const char *content; /* for 200s */
    } cases[] = {
        {"{\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}", NULL, 200, "4"},
        {"{\"messages\":[{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\","
         "\"content\":\"x\"},{\"role\":\"user\",\"content\":\"second\"}]}",
         NULL, 200, "yb-mockai answer to: \"second\""},
        {"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "503", 503, NULL},
        {"{\"messages\":[{\"role\":\"user\",\"content\":\"hi [mock:ok]\"}]}", "503", 200,
         "yb-mockai answer to: \"hi\""},
        {"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "nonsense", 400, NULL},
        {"{\"messages\":[{\"role\":\"user\"}]}", NULL, 400, NULL},
        {"{\"messages\":{}}", NULL, 400, NULL},
        {"{\"messages\":[{\"content\":\"no role\"}]}", NULL, 400, NULL},
        {"null", NULL, 400, NULL},
        {"", NULL, 400, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct chat_reply r;
        chat_handle(&set, cases[i].body, strlen(cases[i].body), cases[i].hdr, &r);
        if (r.status != cases[i].status) {
            fail_msg("case %zu: status %d, want %d: %s", i, r.status, cases[i].status,
                     (const char *)r.body.data);
        }
        cJSON *root = cJSON_ParseWithLength((const char *)r.body.data, r.body.len);
        assert_non_null(root);
        if (cases[i].content) {
            assert_string_equal(content_of(root), cases[i].content);
            assert_string_equal(cJSON_GetObjectItem(root, "id")->valuestring, "chatcmpl-mock-9");
            assert_string_equal(cJSON_GetObjectItem(root, "model")->valuestring, "m0");
            assert_int_equal((int64_t)cJSON_GetObjectItem(root, "created")->valuedouble,
                             1700000000);
        } else {
            assert_true(cJSON_IsObject(cJSON_GetObjectItem(root, "error")));
        }
        cJSON_Delete(root);
        chat_reply_fini(&r);
    }
}

static void chat_random_draws_are_applied(void **state)
{
    struct chat_settings set = {.model = "m", .request_id = 1};
    behavior_init(&set.base);
    set.base.latency_min_ms = 100;
    set.base.latency_max_ms = 200;
    const char *body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    struct chat_reply r;
    set.latency_draw = 0.0;
    chat_handle(&set, body, strlen(body), NULL, &r);
    assert_int_equal(r.delay_ms, 100);
    chat_reply_fini(&r);
    set.latency_draw = 0.999999;
    chat_handle(&set, body, strlen(body), NULL, &r);
    assert_int_equal(r.delay_ms, 200);
    chat_reply_fini(&r);
    set.error_draw = true;
    chat_handle(&set, body, strlen(body), NULL, &r);
    assert_int_equal(r.status, 500);
    chat_reply_fini(&r);
    set.rate_limited = true;
    chat_handle(&set, body, strlen(body), NULL, &r);
    assert_int_equal(r.status, 429);
    assert_int_equal(r.retry_after_s, 1);
    chat_reply_fini(&r);
    chat_handle(&set, body, strlen(body), "hang", &r); /* an explicit fault wins over draws */
    assert_true(r.hang);
    assert_int_equal(r.delay_ms, BEHAVIOR_HANG_MS);
    chat_reply_fini(&r);
}

static void chat_prompt_digest_and_head(void **state)
{
    struct chat_settings set = {.model = "m"};
    behavior_init(&set.base);
    /* 119 ASCII bytes then é: the 120-byte head must not end in half of it */
    char prompt[200];
    memset(prompt, 'a', 119);
    memcpy(prompt + 119, "\xc3\xa9 tail", 8);
    char body[400];
    snprintf(body, sizeof body, "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}", prompt);
    struct chat_reply r;
    chat_handle(&set, body, strlen(body), NULL, &r);
    assert_int_equal(strlen(r.prompt_head), 119);
    assert_int_equal(strlen(r.prompt_sha256), 64);
    chat_reply_fini(&r);
    char *big = malloc(CHAT_BODY_MAX + 1);
    memset(big, ' ', CHAT_BODY_MAX + 1);
    chat_handle(&set, big, CHAT_BODY_MAX + 1, NULL, &r);
    assert_int_equal(r.status, 413);
    chat_reply_fini(&r);
    free(big);
}

/* Concatenate the content deltas of an SSE body; returns the number of events before [DONE]
 * (fails if [DONE] is missing or an event is not a chunk). */
static int stream_content(const struct yb_buf *body, struct yb_buf *content, const char **finish)
{
    const char *p = (const char *)body->data;
    int events = 0;
    *finish = NULL;
    for (;;) {
        assert_memory_equal(p, "data: ", 6);
        p += 6;
        const char *end = strstr(p, "\n\n");
        assert_non_null(end);
        if (strncmp(p, "[DONE]", 6) == 0) {
            assert_string_equal(end + 2, "");
            return events;
        }
        cJSON *c = cJSON_ParseWithLength(p, (size_t)(end - p));
        assert_non_null(c);
        assert_string_equal(cJSON_GetObjectItem(c, "object")->valuestring, "chat.completion.chunk");
        cJSON *choice = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "choices"), 0);
        cJSON *text = cJSON_GetObjectItem(cJSON_GetObjectItem(choice, "delta"), "content");
        if (cJSON_IsString(text)) {
            yb_buf_append_str(content, text->valuestring);
        }
        cJSON *fr = cJSON_GetObjectItem(choice, "finish_reason");
        if (cJSON_IsString(fr)) {
            *finish = strcmp(fr->valuestring, "stop") == 0 ? "stop" : "other";
        }
        cJSON_Delete(c);
        events++;
        p = end + 2;
    }
}

static void chat_streams_the_same_answer(void **state)
{
    struct chat_settings set = {.model = "m", .request_id = 3};
    behavior_init(&set.base);
    static const struct {
        const char *prompt;
        size_t oversize;
        const char *want; /* NULL: only the length is checked */
        size_t want_len;
    } cases[] = {
        {"What is 2+2?", 0, "4", 1},
        {"caf\\u00e9 \\u2615 and \\ud83d\\ude00 emoji, long enough to need several pieces", 0,
         "yb-mockai answer to: \"caf\xc3\xa9 \xe2\x98\x95 and \xf0\x9f\x98\x80 emoji, long "
         "enough to need several pieces\"",
         0},
        {"[mock:oversize=5000000] hi", 0, NULL, 5000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}",
                 cases[i].prompt);
        struct chat_reply r;
        chat_handle(&set, body, strlen(body), NULL, &r);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.content_type, "text/event-stream");
        struct yb_buf content;
        yb_buf_init(&content, 1u << 26);
        const char *finish = NULL;
        int events = stream_content(&r.body, &content, &finish);
        assert_true(events >= 3); /* role, content, finish */
        assert_non_null(finish);
        assert_string_equal(finish, "stop");
        if (cases[i].want) {
            assert_string_equal((const char *)content.data, cases[i].want);
        } else {
            assert_int_equal(content.len, cases[i].want_len);
        }
        yb_buf_fini(&content);
        chat_reply_fini(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arith_eval_table),
        cmocka_unit_test(arith_caps),
        cmocka_unit_test(arith_answer_finds_the_question),
        cmocka_unit_test(behavior_syntax_table),
        cmocka_unit_test(directives_are_taken_out_of_the_prompt),
        cmocka_unit_test(chat_replies_table),
        cmocka_unit_test(chat_random_draws_are_applied),
        cmocka_unit_test(chat_prompt_digest_and_head),
        cmocka_unit_test(chat_streams_the_same_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
