/*
 * near_hello.c — the real near-sdk-as test contract near-hello@0.5.1 (what near-api-js's own
 * tests deploy) on the runtime: setValue/getValue, triggerAssert (AssemblyScript abort) and
 * callPromise with and without a callback, checked against what NEAR returns for them.
 *
 *   runtime_near_hello_bin PATH/TO/main.wasm
 * Run by ctest through tests/integration/near_hello/fetch_and_check.sh, which fetches the
 * package with npm pack (cached) and passes dist/main.wasm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "rt_fixture.h"

#define GAS    (300 * RT_TGAS)
#define HELLO  "hello.test"
#define HELLO2 "hello2.test"
#define USER   "user.test"

static const char *wasm_path;

static int setup(void **state)
{
    struct rt_fixture *f = test_malloc(sizeof *f);
    assert_int_equal(rt_fixture_init(f, NULL), YB_OK);
    assert_int_equal(rt_fixture_account(f, HELLO, rt_near(100)), YB_OK);
    assert_int_equal(rt_fixture_account(f, HELLO2, rt_near(100)), YB_OK);
    assert_int_equal(rt_fixture_account(f, USER, rt_near(100)), YB_OK);
    assert_int_equal(rt_fixture_deploy_file(f, HELLO, wasm_path), YB_OK);
    assert_int_equal(rt_fixture_deploy_file(f, HELLO2, wasm_path), YB_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct rt_fixture *f = *state;
    rt_fixture_fini(f);
    test_free(f);
    return 0;
}

static void assert_value(const struct outcome *o, const char *want)
{
    assert_non_null(o);
    if (!rt_outcome_value_is(o, want)) {
        char *e = o->failure ? cJSON_PrintUnformatted(o->failure) : NULL;
        fail_msg("value %.*s (failure %s), wanted %s", (int)o->value_len,
                 o->value ? (const char *)o->value : "", e ? e : "-", want);
    }
}

static void set_value_then_get_value(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(
        rt_fixture_call(f, USER, HELLO, "setValue", "{\"value\":\"hello world\"}", GAS, 0, h),
        YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    assert_value(o, "\"hello world\"");
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, HELLO, "getValue", "{}", &v), YB_OK);
    assert_null(v.error);
    assert_int_equal(v.value_len, strlen("\"hello world\""));
    assert_memory_equal(v.value, "\"hello world\"", v.value_len);
    runtime_view_result_fini(&v);
    /* hello(name) is a view that returns "hello <name>" */
    assert_int_equal(rt_fixture_view(f, HELLO, "hello", "{\"name\":\"near\"}", &v), YB_OK);
    assert_null(v.error);
    assert_memory_equal(v.value, "\"hello near\"", v.value_len);
    runtime_view_result_fini(&v);
}

static void trigger_assert_panics_with_the_abort_message(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_call(f, USER, HELLO, "triggerAssert", "{}", GAS, 0, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "GuestPanic");
    char *js = cJSON_PrintUnformatted(o->failure);
    if (!strstr(js,
                "Smart contract panicked: expected to fail, filename: \\\"assembly/index.ts\\\"")) {
        fail_msg("failure %s", js);
    }
    cJSON_free(js);
    /* the log written before the assert is kept, then nearcore's "ABORT: ..." line */
    assert_int_equal(o->n_logs, 2);
    assert_string_equal(o->logs[0], "log before assert");
    assert_int_equal(strncmp(o->logs[1], "ABORT: expected to fail, filename: \"assembly/index.ts\"",
                             strlen("ABORT: expected to fail, filename: \"assembly/index.ts\"")),
                     0);
}

static void call_promise_without_callback(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    const char *args =
        "{\"args\":{\"receiver\":\"hello2.test\",\"methodName\":\"callbackWithName\","
        "\"args\":null,\"gas\":\"3000000000000\",\"balance\":\"0\","
        "\"callback\":null,\"callbackArgs\":null,\"callbackBalance\":\"0\","
        "\"callbackGas\":\"0\"}}";
    assert_int_equal(rt_fixture_call(f, USER, HELLO, "callPromise", args, GAS, 0, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    assert_value(o, "{\"rs\":[],\"n\":\"hello2.test\"}");
    struct runtime_view_result v;
    assert_int_equal(rt_fixture_view(f, HELLO2, "getLastResult", "{}", &v), YB_OK);
    assert_null(v.error);
    assert_memory_equal(v.value, "{\"rs\":[],\"n\":\"hello2.test\"}", v.value_len);
    runtime_view_result_fini(&v);
}

static void call_promise_with_callback(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    const char *args =
        "{\"args\":{\"receiver\":\"hello2.test\",\"methodName\":\"callbackWithName\","
        "\"args\":null,\"gas\":\"3000000000000\",\"balance\":\"0\","
        "\"callback\":\"callbackWithName\",\"callbackArgs\":null,"
        "\"callbackBalance\":\"0\",\"callbackGas\":\"2000000000000\"}}";
    assert_int_equal(rt_fixture_call(f, USER, HELLO, "callPromise", args, GAS, 0, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 4), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_SUCCESS);
    assert_value(o, "{\"rs\":[{\"ok\":true,\"r\":{\"rs\":[],\"n\":\"hello2.test\"}}],"
                    "\"n\":\"hello.test\"}");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s near-hello/dist/main.wasm\n", argv[0]);
        return 2;
    }
    wasm_path = argv[1];
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(set_value_then_get_value),
        T(trigger_assert_panics_with_the_abort_message),
        T(call_promise_without_callback),
        T(call_promise_with_callback),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
