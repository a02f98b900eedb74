/* Typed JSON getters, the capped parse, and NEAR's u64/u128 writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>

#include "err.h"
#include "json.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a test document from an exact-size heap copy, so ASan sees any read past `len`. */
static cJSON *parse(const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    cJSON *v = NULL;
    size_t pos = 0;
    int rc = json_parse(copy, len, 1 << 20, &v, &pos);
    free(copy);
    if (rc != YB_OK) {
        fail_msg("parse of %s failed at %zu: %s", text, pos, yb_err_name(rc));
    }
    return v;
}

static void parse_accepts_unterminated_input_and_trailing_space(void **state)
{
    cJSON *v = parse("  {\"a\": [1, 2, {\"b\": null}]} \n\t\r");
    assert_true(cJSON_IsObject(v));
    cJSON_Delete(v);
}

static void parse_rejects_bad_json_with_a_position(void **state)
{
    static const struct {
        const char *text;
        int err;
        size_t pos; /* SIZE_MAX: any position */
    } cases[] = {
        {"", YB_EJSON, 0},
        {"   ", YB_EJSON, SIZE_MAX},
        {"{", YB_EJSON, SIZE_MAX},
        {"{\"a\":1,}", YB_EJSON, SIZE_MAX},
        {"{\"a\" 1}", YB_EJSON, SIZE_MAX},
        {"[1,2] x", YB_EJSON, 6},
        {"{} {}", YB_EJSON, 3},
        {"nul", YB_EJSON, SIZE_MAX},
        {"\"unterminated", YB_EJSON, SIZE_MAX},
        {"{\"a\":1}\0", YB_EJSON, 7}, /* a NUL inside the given length is trailing garbage */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t len = strlen(cases[i].text) + (i == ARRAY_LEN(cases) - 1 ? 1 : 0);
        char *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, cases[i].text, len);
        cJSON *v = NULL;
        size_t pos = SIZE_MAX;
        int rc = json_parse(copy, len, 1024, &v, &pos);
        free(copy);
        if (rc != cases[i].err) {
            fail_msg("json_parse(%s) = %s", cases[i].text, yb_err_name(rc));
        }
        assert_null(v);
        assert_true(pos <= len);
        if (cases[i].pos != SIZE_MAX) {
            assert_int_equal(pos, cases[i].pos);
        }
    }
}

static void parse_refuses_input_over_the_cap_before_parsing(void **state)
{
    const char *text = "[1,2,3]";
    cJSON *v = NULL;
    assert_int_equal(json_parse(text, strlen(text), 6, &v, NULL), YB_ETOOBIG);
    assert_null(v);
    assert_int_equal(json_parse(text, strlen(text), 7, &v, NULL), YB_OK);
    cJSON_Delete(v);
}

static void parse_survives_deep_nesting(void **state)
{
    /* cJSON stops at CJSON_NESTING_LIMIT instead of recursing without bound. */
    size_t depth = 100000;
    char *text = malloc(2 * depth);
    assert_non_null(text);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    cJSON *v = NULL;
    assert_int_equal(json_parse(text, 2 * depth, 4 * depth, &v, NULL), YB_EJSON);
    free(text);
}

static const char doc[] = "{"
                          "\"name\":\"alice.near\","
                          "\"height\":42,"
                          "\"big\":\"18446744073709551615\","
                          "\"safe\":9007199254740991,"
                          "\"unsafe\":9007199254740992,"
                          "\"frac\":1.5,"
                          "\"neg\":-1,"
                          "\"exp\":1e3,"
                          "\"balance\":\"1000000000000000000000000\","
                          "\"balance_num\":1000,"
                          "\"flag\":true,"
                          "\"nothing\":null,"
                          "\"obj\":{\"k\":1},"
                          "\"arr\":[1,\"2\"],"
                          "\"Name\":\"other\""
                          "}";

static void getters_return_typed_values(void **state)
{
    cJSON *o = parse(doc);
    const char *s = NULL;
    assert_int_equal(json_get_str(o, "name", &s), YB_OK);
    assert_string_equal(s, "alice.near");
    uint64_t u = 0;
    assert_int_equal(json_get_u64(o, "height", &u), YB_OK);
    assert_int_equal(u, 42);
    assert_int_equal(json_get_u64(o, "big", &u), YB_OK);
    assert_true(u == UINT64_MAX);
    assert_int_equal(json_get_u64(o, "safe", &u), YB_OK);
    assert_true(u == JSON_MAX_SAFE_INT);
    assert_int_equal(json_get_u64(o, "exp", &u), YB_OK);
    assert_int_equal(u, 1000);
    yb_u128 b = 0;
    assert_int_equal(json_get_u128(o, "balance", &b), YB_OK);
    assert_true(b == (yb_u128)1000000000000ULL * 1000000000000ULL);
    bool f = false;
    assert_int_equal(json_get_bool(o, "flag", &f), YB_OK);
    assert_true(f);
    const cJSON *sub = NULL;
    assert_int_equal(json_get_object(o, "obj", &sub), YB_OK);
    assert_int_equal(json_get_u64(sub, "k", &u), YB_OK);
    assert_int_equal(u, 1);
    const cJSON *arr = NULL;
    assert_int_equal(json_get_array(o, "arr", &arr), YB_OK);
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    assert_int_equal(json_as_u64(cJSON_GetArrayItem(arr, 1), &u), YB_OK);
    assert_int_equal(u, 2);
    cJSON_Delete(o);
}

static void getters_report_missing_and_wrong_types(void **state)
{
    cJSON *o = parse(doc);
    const char *s = "untouched";
    uint64_t u = 7;
    yb_u128 b = 7;
    bool f = false;
    const cJSON *sub = NULL;
    static const struct {
        const char *key;
        char kind; /* s u b(u128) f(bool) o(object) a(array) */
        int err;
    } cases[] = {
        {"absent", 's', YB_EJSON_MISSING},
        {"name ", 's', YB_EJSON_MISSING},
        {"NAME", 's', YB_EJSON_MISSING}, /* keys are case-sensitive */
        {"height", 's', YB_EJSON_TYPE},
        {"nothing", 's', YB_EJSON_TYPE},
        {"name", 'u', YB_ENUMBER},
        {"unsafe", 'u', YB_ENUMBER},
        {"frac", 'u', YB_ENUMBER},
        {"neg", 'u', YB_ENUMBER},
        {"flag", 'u', YB_EJSON_TYPE},
        {"obj", 'u', YB_EJSON_TYPE},
        {"absent", 'u', YB_EJSON_MISSING},
        {"balance_num", 'b', YB_EJSON_TYPE}, /* NEAR balances are strings */
        {"name", 'b', YB_ENUMBER},
        {"height", 'f', YB_EJSON_TYPE},
        {"arr", 'o', YB_EJSON_TYPE},
        {"obj", 'a', YB_EJSON_TYPE},
        {"nothing", 'o', YB_EJSON_TYPE},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int rc = -1;
        switch (cases[i].kind) {
        case 's':
            rc = json_get_str(o, cases[i].key, &s);
            break;
        case 'u':
            rc = json_get_u64(o, cases[i].key, &u);
            break;
        case 'b':
            rc = json_get_u128(o, cases[i].key, &b);
            break;
        case 'f':
            rc = json_get_bool(o, cases[i].key, &f);
            break;
        case 'o':
            rc = json_get_object(o, cases[i].key, &sub);
            break;
        case 'a':
            rc = json_get_array(o, cases[i].key, &sub);
            break;
        }
        if (rc != cases[i].err) {
            fail_msg("get %c \"%s\" = %s, want %s", cases[i].kind, cases[i].key, yb_err_name(rc),
                     yb_err_name(cases[i].err));
        }
    }
    /* Nothing was written by a failed getter. */
    assert_string_equal(s, "untouched");
    assert_int_equal(u, 7);
    assert_true(b == 7);
    assert_null(sub);
    /* A non-object is a type error, not a crash. */
    const cJSON *arr = cJSON_GetObjectItem(o, "arr");
    assert_int_equal(json_get_str(arr, "name", &s), YB_EJSON_TYPE);
    assert_int_equal(json_get_str(NULL, "name", &s), YB_EJSON_TYPE);
    cJSON_Delete(o);
}

static void u64_strings_must_be_plain_digits(void **state)
{
    static const struct {
        const char *text;
        int err;
    } cases[] = {
        {"{\"v\":\"18446744073709551616\"}", YB_EOVERFLOW},
        {"{\"v\":\"-1\"}", YB_ENUMBER},
        {"{\"v\":\"+1\"}", YB_ENUMBER},
        {"{\"v\":\"1.0\"}", YB_ENUMBER},
        {"{\"v\":\"\"}", YB_ENUMBER},
        {"{\"v\":\" 1\"}", YB_ENUMBER},
        {"{\"v\":1e300}", YB_ENUMBER},
        {"{\"v\":-0.5}", YB_ENUMBER},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cJSON *o = parse(cases[i].text);
        uint64_t u = 0;
        assert_int_equal(json_get_u64(o, "v", &u), cases[i].err);
        cJSON_Delete(o);
    }
}

static void optional_getters_use_defaults_for_absent_and_null(void **state)
{
    cJSON *o = parse(doc);
    const char *s = NULL;
    assert_int_equal(json_opt_str(o, "absent", "dflt", &s), YB_OK);
    assert_string_equal(s, "dflt");
    assert_int_equal(json_opt_str(o, "nothing", "dflt", &s), YB_OK);
    assert_string_equal(s, "dflt");
    assert_int_equal(json_opt_str(o, "name", "dflt", &s), YB_OK);
    assert_string_equal(s, "alice.near");
    assert_int_equal(json_opt_str(o, "height", "dflt", &s), YB_EJSON_TYPE);

    uint64_t u = 0;
    assert_int_equal(json_opt_u64(o, "absent", 200, &u), YB_OK);
    assert_int_equal(u, 200);
    assert_int_equal(json_opt_u64(o, "height", 200, &u), YB_OK);
    assert_int_equal(u, 42);
    assert_int_equal(json_opt_u64(o, "frac", 200, &u), YB_ENUMBER);

    yb_u128 b = 0;
    assert_int_equal(json_opt_u128(o, "nothing", 5, &b), YB_OK);
    assert_true(b == 5);
    bool f = false;
    assert_int_equal(json_opt_bool(o, "absent", true, &f), YB_OK);
    assert_true(f);
    assert_int_equal(json_opt_bool(o, "name", true, &f), YB_EJSON_TYPE);

    const cJSON *sub = o;
    assert_int_equal(json_opt_object(o, "nothing", &sub), YB_OK);
    assert_null(sub);
    assert_int_equal(json_opt_object(o, "obj", &sub), YB_OK);
    assert_non_null(sub);
    assert_int_equal(json_opt_array(o, "obj", &sub), YB_EJSON_TYPE);
    assert_int_equal(json_opt_array(o, "absent", &sub), YB_OK);
    assert_null(sub);
    cJSON_Delete(o);
}

static void writers_keep_u64_exact_and_u128_as_strings(void **state)
{
    static const uint64_t values[] = {0,
                                      1,
                                      JSON_MAX_SAFE_INT,
                                      JSON_MAX_SAFE_INT + 1,
                                      UINT64_MAX - 1,
                                      UINT64_MAX,
                                      999999999999999,
                                      1000000000000000,
                                      123456789012345678};
    cJSON *o = cJSON_CreateObject();
    char key[8];
    for (size_t i = 0; i < ARRAY_LEN(values); i++) {
        snprintf(key, sizeof key, "v%zu", i);
        assert_int_equal(json_add_u64(o, key, values[i]), YB_OK);
    }
    const yb_u128 big = ~(yb_u128)0;
    assert_int_equal(json_add_u128(o, "balance", big), YB_OK);
    char *text = cJSON_PrintUnformatted(o);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"v2\":9007199254740991"));
    assert_non_null(strstr(text, "\"v5\":18446744073709551615"));
    assert_non_null(strstr(text, "\"v6\":999999999999999,"));
    assert_non_null(strstr(text, "\"v7\":1000000000000000,"));
    assert_non_null(strstr(text, "\"v8\":123456789012345678,"));
    assert_non_null(strstr(text, "\"balance\":\"340282366920938463463374607431768211455\""));

    /* Read back from the tree as built and from the printed text. */
    cJSON *back = parse(text);
    for (size_t i = 0; i < ARRAY_LEN(values); i++) {
        snprintf(key, sizeof key, "v%zu", i);
        uint64_t u = 0;
        assert_int_equal(json_get_u64(o, key, &u), YB_OK);
        assert_true(u == values[i]);
        /* Printed numbers past 2^53 - 1 are exact text but not exact doubles: refused. */
        int want = values[i] <= JSON_MAX_SAFE_INT ? YB_OK : YB_ENUMBER;
        assert_int_equal(json_get_u64(back, key, &u), want);
    }
    yb_u128 b = 0;
    assert_int_equal(json_get_u128(back, "balance", &b), YB_OK);
    assert_true(b == big);
    free(text);
    cJSON_Delete(back);

    cJSON *arr = cJSON_CreateArray();
    assert_int_equal(json_add_u64(arr, "x", 1), YB_EINVAL);
    assert_int_equal(json_add_u128(arr, "x", 1), YB_EINVAL);
    cJSON_Delete(arr);
    cJSON_Delete(o);
}

static void bytes_from_base64_and_byte_arrays(void **state)
{
    cJSON *o = parse("{\"args\":\"eyJhIjoxfQ==\",\"empty\":\"\",\"bad\":\"e===\","
                     "\"result\":[34,104,105,34],\"none\":[],\"n\":5,"
                     "\"big\":[256],\"neg\":[-1],\"frac\":[1.5],\"str\":[\"1\"]}");
    uint8_t *b = NULL;
    size_t n = 0;
    assert_int_equal(json_get_base64(o, "args", 64, &b, &n), YB_OK);
    assert_int_equal(n, 7);
    assert_memory_equal(b, "{\"a\":1}", 7);
    free(b);
    assert_int_equal(json_get_base64(o, "args", 6, &b, &n), YB_ETOOBIG);
    assert_int_equal(json_get_base64(o, "args", 7, &b, &n), YB_OK);
    free(b);
    assert_int_equal(json_get_base64(o, "empty", 0, &b, &n), YB_OK);
    assert_non_null(b);
    assert_int_equal(n, 0);
    free(b);
    assert_int_equal(json_get_base64(o, "bad", 64, &b, &n), YB_EBASE64);
    assert_int_equal(json_get_base64(o, "n", 64, &b, &n), YB_EJSON_TYPE);
    assert_int_equal(json_get_base64(o, "absent", 64, &b, &n), YB_EJSON_MISSING);

    assert_int_equal(json_get_byte_array(o, "result", 16, &b, &n), YB_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(b, "\"hi\"", 4);
    free(b);
    assert_int_equal(json_get_byte_array(o, "result", 3, &b, &n), YB_ETOOBIG);
    assert_int_equal(json_get_byte_array(o, "none", 3, &b, &n), YB_OK);
    assert_int_equal(n, 0);
    free(b);
    assert_int_equal(json_get_byte_array(o, "big", 3, &b, &n), YB_ENUMBER);
    assert_int_equal(json_get_byte_array(o, "neg", 3, &b, &n), YB_ENUMBER);
    assert_int_equal(json_get_byte_array(o, "frac", 3, &b, &n), YB_ENUMBER);
    assert_int_equal(json_get_byte_array(o, "str", 3, &b, &n), YB_EJSON_TYPE);
    assert_int_equal(json_get_byte_array(o, "args", 3, &b, &n), YB_EJSON_TYPE);

    /* And back: bytes written as base64 read the same. */
    cJSON *w = cJSON_CreateObject();
    const uint8_t raw[] = {0, 1, 2, 250, 255};
    assert_int_equal(json_add_base64(w, "x", raw, sizeof raw), YB_OK);
    assert_string_equal(cJSON_GetObjectItem(w, "x")->valuestring, "AAEC+v8=");
    assert_int_equal(json_get_base64(w, "x", 16, &b, &n), YB_OK);
    assert_int_equal(n, sizeof raw);
    assert_memory_equal(b, raw, sizeof raw);
    free(b);
    cJSON_Delete(w);
    cJSON_Delete(o);
}

#define PARSE_THREADS 4

static void *parse_many(void *arg)
{
    intptr_t bad = (intptr_t)arg & 1;
    const char *text = bad ? "{\"a\":[1,2,}" : "{\"a\":[1,2,3]}";
    for (int i = 0; i < 2000; i++) {
        cJSON *v = NULL;
        size_t pos = 0;
        int rc = json_parse(text, strlen(text), 64, &v, &pos);
        if (rc != (bad ? YB_EJSON : YB_OK) || (bad && pos != 10)) {
            return (void *)1;
        }
        cJSON_Delete(v);
    }
    return NULL;
}

static void concurrent_parses_each_get_their_own_answer(void **state)
{
    pthread_t th[PARSE_THREADS];
    for (intptr_t t = 0; t < PARSE_THREADS; t++) {
        assert_int_equal(pthread_create(&th[t], NULL, parse_many, (void *)t), 0);
    }
    for (int t = 0; t < PARSE_THREADS; t++) {
        void *ret = NULL;
        pthread_join(th[t], &ret);
        assert_null(ret);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_accepts_unterminated_input_and_trailing_space),
        cmocka_unit_test(parse_rejects_bad_json_with_a_position),
        cmocka_unit_test(parse_refuses_input_over_the_cap_before_parsing),
        cmocka_unit_test(parse_survives_deep_nesting),
        cmocka_unit_test(getters_return_typed_values),
        cmocka_unit_test(getters_report_missing_and_wrong_types),
        cmocka_unit_test(u64_strings_must_be_plain_digits),
        cmocka_unit_test(optional_getters_use_defaults_for_absent_and_null),
        cmocka_unit_test(writers_keep_u64_exact_and_u128_as_strings),
        cmocka_unit_test(bytes_from_base64_and_byte_arrays),
        cmocka_unit_test(concurrent_parses_each_get_their_own_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
