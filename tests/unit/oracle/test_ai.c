/*
 * test_ai.c — oracle/ai: request building per backend, response classification as tables
 * (valid, malformed, missing fields, huge, error bodies per status), Retry-After, backoff and
 * UTF-8-safe truncation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "ai.h"
#include "err.h"

static const struct ai_config openai_cfg = {
    .backend = "openai",
    .base_url = "http://127.0.0.1:3033/",
    .model = "gpt-4o-mini",
    .api_key_env = "YB_TEST_AI_KEY",
    .system_prompt = "You are a concise assistant.",
    .temperature = 0.2,
    .max_tokens = 256,
};

static const struct ai_config anthropic_cfg = {
    .backend = "anthropic",
    .base_url = "https://api.anthropic.com/v1",
    .model = "claude-x",
    .api_key_env = "YB_TEST_AI_KEY",
    .system_prompt = "Be brief.",
    .temperature = -1,
    .max_tokens = 0,
};

static bool has_header(const struct ai_request *r, const char *line)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        if (strcmp(r->headers[i], line) == 0) {
            return true;
        }
    }
    return false;
}

static void openai_request_has_model_messages_and_auth(void **state)
{
    setenv("YB_TEST_AI_KEY", "sk-test", 1);
    struct ai_request r;
    assert_int_equal(ai_build_request(&openai_cfg, "What is 2+2?", &r), YB_OK);
    assert_string_equal(r.url, "http://127.0.0.1:3033/v1/chat/completions");
    assert_true(has_header(&r, "Authorization: Bearer sk-test"));
    assert_true(has_header(&r, "Content-Type: application/json"));
    cJSON *body = cJSON_ParseWithLength(r.body, r.body_len);
    assert_non_null(body);
    assert_string_equal(cJSON_GetObjectItem(body, "model")->valuestring, "gpt-4o-mini");
    cJSON *msgs = cJSON_GetObjectItem(body, "messages");
    assert_int_equal(cJSON_GetArraySize(msgs), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 0), "role")->valuestring,
                        "system");
    cJSON *user = cJSON_GetArrayItem(msgs, 1);
    assert_string_equal(cJSON_GetObjectItem(user, "role")->valuestring, "user");
    assert_string_equal(cJSON_GetObjectItem(user, "content")->valuestring, "What is 2+2?");
    assert_float_equal(cJSON_GetObjectItem(body, "temperature")->valuedouble, 0.2, 1e-9);
    assert_int_equal(cJSON_GetObjectItem(body, "max_tokens")->valueint, 256);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(body, "stream")));
    cJSON_Delete(body);
    ai_request_fini(&r);
}

static void anthropic_request_has_version_key_and_required_max_tokens(void **state)
{
    setenv("YB_TEST_AI_KEY", "ant-key", 1);
    struct ai_request r;
    assert_int_equal(ai_build_request(&anthropic_cfg, "hi \"there\"", &r), YB_OK);
    assert_string_equal(r.url, "https://api.anthropic.com/v1/messages");
    assert_true(has_header(&r, "x-api-key: ant-key"));
    assert_true(has_header(&r, "anthropic-version: 2023-06-01"));
    cJSON *body = cJSON_ParseWithLength(r.body, r.body_len);
    assert_non_null(body);
    assert_int_equal(cJSON_GetObjectItem(body, "max_tokens")->valueint, 1024);
    assert_string_equal(cJSON_GetObjectItem(body, "system")->valuestring, "Be brief.");
    assert_null(cJSON_GetObjectItem(body, "temperature")); /* < 0: left out */
    cJSON *user = cJSON_GetArrayItem(cJSON_GetObjectItem(body, "messages"), 0);
    assert_string_equal(cJSON_GetObjectItem(user, "content")->valuestring, "hi \"there\"");
    cJSON_Delete(body);
    ai_request_fini(&r);
}

static void request_configuration_errors(void **state)
{
    struct ai_request r;
    struct ai_config c = openai_cfg;
    unsetenv("YB_TEST_AI_KEY");
    assert_int_equal(ai_build_request(&c, "x", &r), YB_ECONFIG); /* key variable unset */
    setenv("YB_TEST_AI_KEY", "", 1);
    assert_int_equal(ai_build_request(&c, "x", &r), YB_ECONFIG); /* or empty */
    c.api_key_env = NULL;                                        /* a local server: no key */
    assert_int_equal(ai_build_request(&c, "x", &r), YB_OK);
    assert_int_equal(r.n_headers, 1);
    ai_request_fini(&r);
    c.backend = "gemini";
    assert_int_equal(ai_build_request(&c, "x", &r), YB_ECONFIG);
    c = openai_cfg;
    c.api_key_env = NULL;
    c.model = "";
    assert_int_equal(ai_build_request(&c, "x", &r), YB_ECONFIG);
    c.model = "m";
    char *huge = malloc(AI_PROMPT_MAX + 2);
    memset(huge, 'a', AI_PROMPT_MAX + 1);
    huge[AI_PROMPT_MAX + 1] = 0;
    assert_int_equal(ai_build_request(&c, huge, &r), YB_ETOOBIG);
    huge[AI_PROMPT_MAX] = 0;
    assert_int_equal(ai_build_request(&c, huge, &r), YB_OK);
    ai_request_fini(&r);
    free(huge);
}

struct parse_case {
    const char *name;
    const struct ai_config *cfg;
    long status;
    const char *retry_after;
    const char *body;
    enum ai_class want;
    const char *text;       /* NULL: no text expected */
    uint32_t retry_ms;      /* expected retry_after_ms */
    const char *in_message; /* a substring of message, or NULL */
};

static const struct parse_case parse_cases[] = {
    {"openai ok", &openai_cfg, 200, NULL,
     "{\"id\":\"chatcmpl-abc\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
     "\"message\":{\"role\":\"assistant\",\"content\":\"4\"},\"finish_reason\":\"stop\"}]}",
     AI_OK, "4", 0, "stop"},
    {"openai length", &openai_cfg, 200, NULL,
     "{\"choices\":[{\"message\":{\"content\":\"part\"},\"finish_reason\":\"length\"}]}",
     AI_TRUNCATED, "part", 0, "length"},
    {"openai content filter", &openai_cfg, 200, NULL,
     "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"content_filter\"}]}",
     AI_PERMANENT_REQUEST, NULL, 0, "content filter"},
    {"openai null content", &openai_cfg, 200, NULL,
     "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"tool_calls\"}]}",
     AI_BAD_RESPONSE, NULL, 0, "tool_calls"},
    {"openai malformed", &openai_cfg, 200, NULL, "{\"id\":\"x\",\"choices\":[{\"message\":{\"co",
     AI_BAD_RESPONSE, NULL, 0, "not JSON"},
    {"openai no choices", &openai_cfg, 200, NULL, "{\"choices\":[]}", AI_BAD_RESPONSE, NULL, 0,
     "choices"},
    {"openai missing message", &openai_cfg, 200, NULL, "{\"choices\":[{\"index\":0}]}",
     AI_BAD_RESPONSE, NULL, 0, NULL},
    {"openai empty body", &openai_cfg, 200, NULL, "", AI_BAD_RESPONSE, NULL, 0, NULL},
    {"openai 400", &openai_cfg, 400, NULL,
     "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":null,"
     "\"code\":null}}",
     AI_PERMANENT_REQUEST, NULL, 0, "invalid_request_error: bad"},
    {"openai 401", &openai_cfg, 401, NULL,
     "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\","
     "\"code\":\"invalid_api_key\"}}",
     AI_PERMANENT_BACKEND, NULL, 0, "Incorrect API key"},
    {"openai 403", &openai_cfg, 403, "5", "{\"error\":{\"message\":\"region\"}}",
     AI_PERMANENT_BACKEND, NULL, 0, "region"},
    {"openai 404 model", &openai_cfg, 404, NULL, "{\"error\":{\"message\":\"model not found\"}}",
     AI_PERMANENT_REQUEST, NULL, 0, NULL},
    {"openai 408", &openai_cfg, 408, NULL, "", AI_RETRY_LATER, NULL, 0, "HTTP 408"},
    {"openai 409", &openai_cfg, 409, NULL, "", AI_RETRY_LATER, NULL, 0, NULL},
    {"openai 413", &openai_cfg, 413, NULL, "{}", AI_PERMANENT_REQUEST, NULL, 0, NULL},
    {"openai 422", &openai_cfg, 422, NULL, "not json", AI_PERMANENT_REQUEST, NULL, 0, NULL},
    {"openai 429 rate", &openai_cfg, 429, "7",
     "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
     "\"code\":\"rate_limit_exceeded\"}}",
     AI_RETRY_LATER, NULL, 7000, "Rate limit"},
    {"openai 429 quota code", &openai_cfg, 429, "7",
     "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":"
     "\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
     AI_PERMANENT_BACKEND, NULL, 0, "quota"},
    {"openai 429 quota text only", &openai_cfg, 429, NULL,
     "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan\"}}",
     AI_PERMANENT_BACKEND, NULL, 0, NULL},
    {"openai 500", &openai_cfg, 500, NULL, "{\"error\":{\"message\":\"oops\"}}", AI_RETRY_LATER,
     NULL, 0, "oops"},
    {"openai 502 html", &openai_cfg, 502, NULL, "<html>bad gateway</html>", AI_RETRY_LATER, NULL, 0,
     "HTTP 502"},
    {"openai 503 retry-after", &openai_cfg, 503, "2",
     "{\"error\":{\"message\":\"overloaded\",\"type\":\"service_unavailable_error\"}}",
     AI_RETRY_LATER, NULL, 2000, "overloaded"},
    {"openai 503 huge retry-after", &openai_cfg, 503, "86400", "", AI_RETRY_LATER, NULL,
     AI_RETRY_AFTER_MAX_MS, NULL},
    {"openai 503 bad retry-after", &openai_cfg, 503, "soon", "", AI_RETRY_LATER, NULL, 0, NULL},
    {"ollama 503 string error", &openai_cfg, 503, NULL, "{\"error\":\"server busy\"}",
     AI_RETRY_LATER, NULL, 0, "server busy"},
    {"llama.cpp loading", &openai_cfg, 503, NULL,
     "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}",
     AI_RETRY_LATER, NULL, 0, "Loading model"},
    {"redirect", &openai_cfg, 302, NULL, "", AI_BAD_RESPONSE, NULL, 0, NULL},
    {"anthropic ok", &anthropic_cfg, 200, NULL,
     "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":"
     "\"text\",\"text\":\"Hello\"},{\"type\":\"tool_use\",\"id\":\"t\"},{\"type\":\"text\","
     "\"text\":\" world\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3}}",
     AI_OK, "Hello world", 0, "end_turn"},
    {"anthropic max_tokens", &anthropic_cfg, 200, NULL,
     "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"cut\"}],"
     "\"stop_reason\":\"max_tokens\"}",
     AI_TRUNCATED, "cut", 0, NULL},
    {"anthropic refusal", &anthropic_cfg, 200, NULL,
     "{\"type\":\"message\",\"content\":[],\"stop_reason\":\"refusal\"}", AI_PERMANENT_REQUEST,
     NULL, 0, "refused"},
    {"anthropic no text", &anthropic_cfg, 200, NULL,
     "{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\"}],\"stop_reason\":\"tool_use\"}",
     AI_BAD_RESPONSE, NULL, 0, "no text"},
    {"anthropic wrong type", &anthropic_cfg, 200, NULL,
     "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"x\"}}",
     AI_BAD_RESPONSE, NULL, 0, NULL},
    {"anthropic malformed", &anthropic_cfg, 200, NULL, "{\"type\":\"message\",\"content\":[",
     AI_BAD_RESPONSE, NULL, 0, "not JSON"},
    {"anthropic 401", &anthropic_cfg, 401, NULL,
     "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid "
     "x-api-key\"},\"request_id\":\"req_1\"}",
     AI_PERMANENT_BACKEND, NULL, 0, "authentication_error: invalid x-api-key"},
    {"anthropic 429", &anthropic_cfg, 429, "3",
     "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}",
     AI_RETRY_LATER, NULL, 3000, "rate_limit_error"},
    {"anthropic 529", &anthropic_cfg, 529, NULL,
     "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
     AI_RETRY_LATER, NULL, 0, "overloaded_error"},
    {"anthropic 413", &anthropic_cfg, 413, NULL,
     "{\"type\":\"error\",\"error\":{\"type\":\"request_too_large\",\"message\":\"big\"}}",
     AI_PERMANENT_REQUEST, NULL, 0, NULL},
    {"anthropic 402 billing", &anthropic_cfg, 402, NULL,
     "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\",\"message\":\"pay\"}}",
     AI_PERMANENT_BACKEND, NULL, 0, NULL},
};

static void responses_are_classified(void **state)
{
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        struct ai_result r;
        ai_parse_response(c->cfg, c->status, c->retry_after, 1700000000, c->body, strlen(c->body),
                          &r);
        if (r.cls != c->want) {
            fail_msg("%s: class %s, want %s (%s)", c->name, ai_class_name(r.cls),
                     ai_class_name(c->want), r.message);
        }
        assert_int_equal(r.http_status, c->status);
        if (c->text) {
            assert_non_null(r.text);
            assert_string_equal(r.text, c->text);
            assert_int_equal(r.text_len, strlen(c->text));
        } else {
            assert_null(r.text);
        }
        if (r.retry_after_ms != c->retry_ms) {
            fail_msg("%s: retry_after_ms %u, want %u", c->name, r.retry_after_ms, c->retry_ms);
        }
        if (c->in_message && !strstr(r.message, c->in_message)) {
            fail_msg("%s: message \"%s\" lacks \"%s\"", c->name, r.message, c->in_message);
        }
        ai_result_fini(&r);
    }
}

static void huge_responses_are_refused_before_parsing(void **state)
{
    size_t n = AI_RESPONSE_MAX + 1;
    char *body = malloc(n);
    memset(body, ' ', n);
    struct ai_result r;
    ai_parse_response(&openai_cfg, 200, NULL, 0, body, n, &r);
    assert_int_equal(r.cls, AI_BAD_RESPONSE);
    assert_non_null(strstr(r.message, "cap"));
    ai_result_fini(&r);
    /* A long error message is cut to the message buffer on a character boundary. */
    const char *head = "{\"error\":{\"message\":\"";
    memcpy(body, head, strlen(head));
    size_t pos = strlen(head);
    for (int i = 0; i < 400; i++) {
        memcpy(body + pos, "\xc3\xa9", 2); /* é */
        pos += 2;
    }
    memcpy(body + pos, "\"}}", 3);
    pos += 3;
    ai_parse_response(&openai_cfg, 500, NULL, 0, body, pos, &r);
    assert_int_equal(r.cls, AI_RETRY_LATER);
    size_t len = strlen(r.message);
    assert_true(len < AI_MESSAGE_MAX);
    assert_int_not_equal((unsigned char)r.message[len - 1], 0xc3); /* no half character */
    ai_result_fini(&r);
    free(body);
}

static void transport_errors(void **state)
{
    static const struct {
        int code;
        enum ai_class want;
    } cases[] = {
        {CURLE_COULDNT_CONNECT, AI_RETRY_LATER},
        {CURLE_OPERATION_TIMEDOUT, AI_RETRY_LATER},
        {CURLE_COULDNT_RESOLVE_HOST, AI_RETRY_LATER},
        {CURLE_RECV_ERROR, AI_RETRY_LATER},
        {CURLE_GOT_NOTHING, AI_RETRY_LATER},
        {CURLE_URL_MALFORMAT, AI_PERMANENT_BACKEND},
        {CURLE_UNSUPPORTED_PROTOCOL, AI_PERMANENT_BACKEND},
        {CURLE_PEER_FAILED_VERIFICATION, AI_PERMANENT_BACKEND},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ai_result r;
        ai_transport_error(cases[i].code, NULL, &r);
        assert_int_equal(r.cls, cases[i].want);
        assert_int_equal(r.http_status, 0);
        assert_non_null(strstr(r.message, "transport: "));
        ai_result_fini(&r);
    }
}

static void retry_after_forms(void **state)
{
    static const struct {
        const char *value;
        int err;
        uint32_t ms;
    } cases[] = {
        {"0", YB_OK, 0},
        {"3", YB_OK, 3000},
        {" 12 ", YB_OK, 12000},
        {"120", YB_OK, AI_RETRY_AFTER_MAX_MS},
        {"99999999999999999999", YB_OK, AI_RETRY_AFTER_MAX_MS},
        {"Tue, 14 Nov 2023 22:13:30 GMT", YB_OK, 10000}, /* now + 10 s */
        {"Tue, 14 Nov 2023 22:13:00 GMT", YB_OK, 0},     /* in the past */
        {"Tue, 14 Nov 2023 23:13:20 GMT", YB_OK, AI_RETRY_AFTER_MAX_MS},
        {"1.5", YB_EMALFORMED, 0},
        {"soon", YB_EMALFORMED, 0},
        {"", YB_EMALFORMED, 0},
        {"-1", YB_EMALFORMED, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t ms = 77;
        int err = ai_parse_retry_after(cases[i].value, 1700000000, &ms);
        if (err != cases[i].err || ms != cases[i].ms) {
            fail_msg("\"%s\": err %d ms %u, want %d %u", cases[i].value, err, ms, cases[i].err,
                     cases[i].ms);
        }
    }
}

static void backoff_is_bounded_jittered_and_reproducible(void **state)
{
    struct ai_backoff a = {.base_ms = 500, .cap_ms = 8000, .rng = 42};
    struct ai_backoff b = a;
    uint32_t max_seen = 0;
    bool varied = false;
    uint32_t first = ai_backoff_delay(&a, 0, 0);
    assert_int_equal(first, ai_backoff_delay(&b, 0, 0)); /* same seed, same delays */
    assert_true(first <= 500);
    for (unsigned attempt = 0; attempt < 40; attempt++) {
        uint64_t ceiling = 500ull << (attempt < 5 ? attempt : 5);
        if (ceiling > 8000) {
            ceiling = 8000;
        }
        for (int k = 0; k < 50; k++) {
            uint32_t d = ai_backoff_delay(&a, attempt, 0);
            assert_true(d <= ceiling);
            varied = varied || d != first;
            max_seen = d > max_seen ? d : max_seen;
        }
    }
    assert_true(varied);
    assert_true(max_seen > 4000); /* the cap is reached, not just the base */
    /* The server's Retry-After is a floor. */
    for (int k = 0; k < 50; k++) {
        assert_true(ai_backoff_delay(&a, 0, 3000) >= 3000);
    }
    struct ai_backoff c = {.base_ms = 500, .cap_ms = 8000, .rng = 43};
    bool differs = false;
    struct ai_backoff d = {.base_ms = 500, .cap_ms = 8000, .rng = 42};
    for (int k = 0; k < 10; k++) {
        differs = differs || ai_backoff_delay(&c, 3, 0) != ai_backoff_delay(&d, 3, 0);
    }
    assert_true(differs); /* the seed matters */
}

static void utf8_truncation_never_splits_a_character(void **state)
{
    static const struct {
        const char *s;
        size_t cap, want;
    } cases[] = {
        {"hello", 10, 5},
        {"hello", 5, 5},
        {"hello", 3, 3},
        {"h\xc3\xa9llo", 2, 1}, /* é is 2 bytes: cut before it */
        {"h\xc3\xa9llo", 3, 3}, /* right after it */
        {"\xe2\x82\xac", 2, 0}, /* € is 3 bytes */
        {"\xe2\x82\xac", 1, 0},
        {"a\xf0\x9f\x98\x80", 4, 1}, /* 😀 is 4 bytes */
        {"a\xf0\x9f\x98\x80", 5, 5},
        {"a\xf0\x9f\x98\x80"
         "b",
         5, 5},
        {"", 0, 0},
        {"abc", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = ai_utf8_truncate(cases[i].s, strlen(cases[i].s), cases[i].cap);
        if (got != cases[i].want) {
            fail_msg("case %zu: %zu, want %zu", i, got, cases[i].want);
        }
    }
}

static void backends_are_found_by_name(void **state)
{
    assert_string_equal(ai_backend_find("openai")->name, "openai");
    assert_string_equal(ai_backend_find("anthropic")->name, "anthropic");
    assert_null(ai_backend_find("gpt"));
    assert_null(ai_backend_find(NULL));
    assert_string_equal(ai_class_name(AI_RETRY_LATER), "retry_later");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openai_request_has_model_messages_and_auth),
        cmocka_unit_test(anthropic_request_has_version_key_and_required_max_tokens),
        cmocka_unit_test(request_configuration_errors),
        cmocka_unit_test(responses_are_classified),
        cmocka_unit_test(huge_responses_are_refused_before_parsing),
        cmocka_unit_test(transport_errors),
        cmocka_unit_test(retry_after_forms),
        cmocka_unit_test(backoff_is_bounded_jittered_and_reproducible),
        cmocka_unit_test(utf8_truncation_never_splits_a_character),
        cmocka_unit_test(backends_are_found_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
