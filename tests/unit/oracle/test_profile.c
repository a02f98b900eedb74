/*
 * test_profile.c — oracle/profile: pending lists of both contract interfaces parsed from the
 * JSON their views return, malformed lists refused as a table, and respond arguments built in
 * each interface's yield_id spelling; which access keys may call a method and which failures
 * mean a method cannot be called.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "profile.h"

/* base58 of the bytes 1..32 */
static const char *YID = "4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw";
static const char *YID2 = "8rUz82MkFsfqjpVjjgWEM66Brr1sm1R7VKZ991fF41e"; /* bytes 2..33 */

static int parse(const struct profile_ops *p, const char *text, struct pending_item **items,
                 size_t *n)
{
    cJSON *j = NULL;
    assert_int_equal(json_parse(text, strlen(text), 1 << 20, &j, NULL), YB_OK);
    int rc = p->parse_pending(j, items, n);
    cJSON_Delete(j);
    return rc;
}

static void yid_bytes(char *out, size_t cap)
{
    size_t off = 0;
    off += (size_t)snprintf(out + off, cap - off, "[");
    for (int i = 1; i <= 32; i++) {
        off += (size_t)snprintf(out + off, cap - off, "%d%s", i, i < 32 ? "," : "]");
    }
}

static void yieldbox_list(void **state)
{
    (void)state;
    const struct profile_ops *p = profile_find("yieldbox");
    assert_non_null(p);
    assert_string_equal(p->pending_method, "get_pending_requests");
    char text[512];
    snprintf(text, sizeof text,
             "[{\"request_id\":3,\"yield_id\":\"%s\",\"prompt\":\"What is 2+2?\","
             "\"requester\":\"u.test\",\"created_height\":50,\"expires_height\":250}]",
             YID);
    struct pending_item *items;
    size_t n;
    assert_int_equal(parse(p, text, &items, &n), YB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].yield_id, YID);
    assert_int_equal(items[0].request_id, 3);
    assert_int_equal(items[0].expires_height, 250);
    assert_string_equal(items[0].prompt, "What is 2+2?");
    profile_items_free(items, n);
    assert_int_equal(parse(p, "[]", &items, &n), YB_OK);
    assert_int_equal(n, 0);
    profile_items_free(items, n);
    char *args;
    assert_int_equal(profile_pending_args(p, 1024, 1024, &args), YB_OK);
    assert_string_equal(args, "{\"from_index\":1024,\"limit\":1024}");
    free(args);
}

/* Pages by request id: the arguments, and a page that shows the contract ignored the cursor
 * (an item below from_request_id: an assistant deployed before it answers from its head). */
static void yieldbox_cursor(void **state)
{
    (void)state;
    const struct profile_ops *p = profile_find("yieldbox");
    assert_true(p->cursor);
    char *args;
    assert_int_equal(profile_pending_args_by_id(p, 18446744073709551615ull, 1024, &args), YB_OK);
    assert_string_equal(args, "{\"from_request_id\":18446744073709551615,\"limit\":1024}");
    free(args);
    assert_false(profile_find("near-examples")->cursor);
    assert_int_equal(profile_pending_args_by_id(profile_find("near-examples"), 1, 10, &args),
                     YB_EINVAL);

    /* A page of ids 7, 8, 12 (or its items [first, first + n)). */
    struct pending_item items[3] = {{.request_id = 7}, {.request_id = 8}, {.request_id = 12}};
    static const struct {
        uint64_t from;
        size_t first, n;
        bool ignored;
    } cases[] = {
        {0, 0, 3, false},  /* from the head */
        {7, 0, 3, false},  /* a hit */
        {5, 0, 3, false},  /* a miss: the next greater pending id starts the page */
        {12, 2, 1, false}, /* the tail */
        {13, 0, 0, false}, /* past the tail: nothing */
        {8, 0, 3, true},   /* 7 is below the cursor */
        {13, 0, 3, true},  /* the head again: an old assistant */
        {10, 1, 2, true},  /* 8 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = profile_cursor_ignored(cases[i].from, items + cases[i].first, cases[i].n);
        assert_int_equal(got, cases[i].ignored);
    }
}

static void near_examples_list(void **state)
{
    (void)state;
    const struct profile_ops *p = profile_find("near-examples");
    assert_non_null(p);
    assert_string_equal(p->pending_method, "list_requests");
    char bytes[256], text[512];
    yid_bytes(bytes, sizeof bytes);
    snprintf(text, sizeof text, "[{\"yield_id\":%s,\"prompt\":\"hi\"}]", bytes);
    struct pending_item *items;
    size_t n;
    assert_int_equal(parse(p, text, &items, &n), YB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].yield_id, YID);
    assert_int_equal(items[0].expires_height, 0);
    profile_items_free(items, n);
    char *args;
    assert_int_equal(profile_pending_args(p, 0, 10, &args), YB_OK);
    assert_string_equal(args, "{}");
    free(args);
    assert_null(profile_find("other"));
}

static void malformed_lists(void **state)
{
    (void)state;
    static const struct {
        const char *profile, *text;
        int rc;
    } cases[] = {
        {"yieldbox", "{}", YB_EJSON_TYPE},
        {"yieldbox", "[1]", YB_EJSON_TYPE},
        {"yieldbox", "[{\"request_id\":1,\"prompt\":\"p\",\"expires_height\":2}]",
         YB_EJSON_MISSING},
        {"yieldbox",
         "[{\"request_id\":1,\"yield_id\":\"0OIl\",\"prompt\":\"p\",\"expires_height\":2}]",
         YB_EBASE58},
        {"yieldbox",
         "[{\"request_id\":1,\"yield_id\":\"abc\",\"prompt\":\"p\",\"expires_height\":2}]",
         YB_EBASE58},
        {"yieldbox",
         "[{\"request_id\":-1,\"yield_id\":\"4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw\","
         "\"prompt\":\"p\",\"expires_height\":2}]",
         YB_ENUMBER},
        {"yieldbox",
         "[{\"request_id\":1,\"yield_id\":\"4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw\","
         "\"prompt\":7,\"expires_height\":2}]",
         YB_EJSON_TYPE},
        {"near-examples", "[{\"yield_id\":[1,2,3],\"prompt\":\"p\"}]", YB_EMALFORMED},
        {"near-examples", "[{\"yield_id\":\"x\",\"prompt\":\"p\"}]", YB_EJSON_TYPE},
        {"near-examples", "[{\"yield_id\":[256,2,3],\"prompt\":\"p\"}]", YB_EMALFORMED},
        {"near-examples", "[{\"yield_id\":[\"a\"],\"prompt\":\"p\"}]", YB_ENUMBER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pending_item *items = NULL;
        size_t n = 0;
        int rc = parse(profile_find(cases[i].profile), cases[i].text, &items, &n);
        if (rc != cases[i].rc) {
            fail_msg("case %zu: got %d want %d", i, rc, cases[i].rc);
        }
    }
    /* More items than a page may hold. */
    size_t cap = (PROFILE_PAGE_MAX + 1) * 3 + 8;
    char *big = malloc(cap);
    size_t off = 0;
    big[off++] = '[';
    for (size_t i = 0; i <= PROFILE_PAGE_MAX; i++) {
        off += (size_t)snprintf(big + off, cap - off, "%s{}", i ? "," : "");
    }
    big[off++] = ']';
    big[off] = 0;
    struct pending_item *items;
    size_t n;
    assert_int_equal(parse(profile_find("yieldbox"), big, &items, &n), YB_ETOOBIG);
    free(big);
}

static void respond_arguments(void **state)
{
    (void)state;
    char *args;
    assert_int_equal(profile_find("yieldbox")->respond_args(YID, "4\"!", 3, &args), YB_OK);
    char want[512];
    snprintf(want, sizeof want, "{\"yield_id\":\"%s\",\"response\":\"4\\\"!\"}", YID);
    assert_string_equal(args, want);
    free(args);
    assert_int_equal(profile_find("near-examples")->respond_args(YID, "ok", 2, &args), YB_OK);
    char bytes[256];
    yid_bytes(bytes, sizeof bytes);
    snprintf(want, sizeof want, "{\"yield_id\":%s,\"response\":\"ok\"}", bytes);
    assert_string_equal(args, want);
    free(args);
    assert_int_equal(profile_find("yieldbox")->respond_args("bad!", "x", 1, &args), YB_EBASE58);
}

/* yieldbox's batch: {"responses":[{"yield_id","response"},...]} in the order given. */
static void respond_many_arguments(void **state)
{
    (void)state;
    const struct profile_ops *p = profile_find("yieldbox");
    assert_string_equal(p->respond_many_method, "respond_many");
    struct profile_answer a[2] = {{.yield_id = YID, .answer = "4\"!", .len = 3},
                                  {.yield_id = YID2, .answer = "okay", .len = 2}};
    char *args;
    assert_int_equal(p->respond_many_args(a, 2, &args), YB_OK);
    char want[512];
    snprintf(want, sizeof want,
             "{\"responses\":[{\"yield_id\":\"%s\",\"response\":\"4\\\"!\"},"
             "{\"yield_id\":\"%s\",\"response\":\"ok\"}]}",
             YID, YID2);
    assert_string_equal(args, want);
    free(args);
    /* One entry is a valid batch too; none, more than the contract takes, or a bad id are not. */
    assert_int_equal(p->respond_many_args(a, 1, &args), YB_OK);
    free(args);
    assert_int_equal(p->respond_many_args(a, 0, &args), YB_EINVAL);
    struct profile_answer many[PROFILE_BATCH_MAX + 1];
    for (size_t i = 0; i < PROFILE_BATCH_MAX + 1; i++) {
        many[i] = a[0];
    }
    assert_int_equal(p->respond_many_args(many, PROFILE_BATCH_MAX, &args), YB_OK);
    free(args);
    assert_int_equal(p->respond_many_args(many, PROFILE_BATCH_MAX + 1, &args), YB_EINVAL);
    struct profile_answer bad[2] = {a[0], {.yield_id = "bad!", .answer = "x", .len = 1}};
    assert_int_equal(p->respond_many_args(bad, 2, &args), YB_EBASE58);
    /* near-examples/yield-resume has no batch method: one respond per answer. */
    assert_null(profile_find("near-examples")->respond_many_method);
    assert_null(profile_find("near-examples")->respond_many_args);
}

/* The batch's return value: one boolean per entry, in order; anything else is malformed. */
static void respond_many_results(void **state)
{
    (void)state;
    const struct profile_ops *p = profile_find("yieldbox");
    static const struct {
        const char *text;
        size_t n;
        int rc;
        bool want[3];
    } cases[] = {
        {"[true,false,true]", 3, YB_OK, {true, false, true}},
        {"[false]", 1, YB_OK, {false}},
        {"[true,false]", 3, YB_EMALFORMED, {0}},
        {"[true,false,true,true]", 3, YB_EMALFORMED, {0}},
        {"[true,1,true]", 3, YB_EMALFORMED, {0}},
        {"true", 1, YB_EMALFORMED, {0}},
        {"{\"0\":true}", 1, YB_EMALFORMED, {0}},
        {"[true", 1, YB_EJSON, {0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got[3] = {0};
        int rc = p->respond_many_result(cases[i].text, strlen(cases[i].text), cases[i].n, got);
        if (rc != cases[i].rc) {
            fail_msg("%s: rc %s, want %s", cases[i].text, yb_err_name(rc),
                     yb_err_name(cases[i].rc));
        }
        for (size_t k = 0; rc == YB_OK && k < cases[i].n; k++) {
            assert_int_equal(got[k], cases[i].want[k]);
        }
    }
}

/* Whether the oracle's key may batch: view_access_key permissions as a table. */
static void key_permissions(void **state)
{
    (void)state;
    static const struct {
        const char *permission;
        const char *method;
        int rc;
        bool allowed;
    } cases[] = {
        {"\"FullAccess\"", "respond_many", YB_OK, true},
        /* an empty method_names allows every method of the receiver */
        {"{\"FunctionCall\":{\"allowance\":null,\"receiver_id\":\"a.near\",\"method_names\":[]}}",
         "respond_many", YB_OK, true},
        /* a key made before respond_many existed */
        {"{\"FunctionCall\":{\"allowance\":null,\"receiver_id\":\"a.near\","
         "\"method_names\":[\"respond\"]}}",
         "respond_many", YB_OK, false},
        {"{\"FunctionCall\":{\"allowance\":null,\"receiver_id\":\"a.near\","
         "\"method_names\":[\"respond\"]}}",
         "respond", YB_OK, true},
        {"{\"FunctionCall\":{\"allowance\":\"1000\",\"receiver_id\":\"a.near\","
         "\"method_names\":[\"respond\",\"respond_many\"]}}",
         "respond_many", YB_OK, true},
        /* a key for another contract allows nothing here */
        {"{\"FunctionCall\":{\"allowance\":null,\"receiver_id\":\"b.near\","
         "\"method_names\":[\"respond\",\"respond_many\"]}}",
         "respond_many", YB_OK, false},
        {"{\"FunctionCall\":{\"allowance\":null,\"receiver_id\":\"b.near\",\"method_names\":[]}}",
         "respond", YB_OK, false},
        /* malformed */
        {"\"Something\"", "respond_many", YB_EMALFORMED, false},
        {"{\"FunctionCall\":{\"receiver_id\":\"a.near\"}}", "respond_many", YB_EMALFORMED, false},
        {"{\"FunctionCall\":{\"receiver_id\":\"a.near\",\"method_names\":[1]}}", "respond_many",
         YB_EMALFORMED, false},
        {"{\"FunctionCall\":{\"method_names\":[]}}", "respond", YB_EMALFORMED, false},
        {"null", "respond", YB_EMALFORMED, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *perm = cJSON_Parse(cases[i].permission);
        assert_non_null(perm);
        bool allowed = !cases[i].allowed;
        int rc = profile_key_permits(perm, "a.near", cases[i].method, &allowed);
        if (rc != cases[i].rc || allowed != cases[i].allowed) {
            fail_msg("case %zu (%s, %s): rc %s allowed %d", i, cases[i].permission, cases[i].method,
                     yb_err_name(rc), allowed);
        }
        cJSON_Delete(perm);
    }
}

/* Which failures mean "this method cannot be called" (the batch call is then given up). */
static void method_unavailable_errors(void **state)
{
    (void)state;
    static const struct {
        const char *err;
        bool unavailable;
    } cases[] = {
        /* a final status's Failure: the contract predates the method (nearcore and yb-chain) */
        {"{\"ActionError\":{\"index\":0,\"kind\":{\"FunctionCallError\":{\"MethodResolveError\":"
         "\"MethodNotFound\"}}}}",
         true},
        /* ... or the key lost the method after admission */
        {"{\"InvalidTxError\":{\"InvalidAccessKeyError\":{\"MethodNameMismatch\":"
         "{\"method_name\":\"respond_many\"}}}}",
         true},
        /* send_tx's refusal as rpc_error_invalid_tx gives it */
        {"{\"InvalidAccessKeyError\":{\"MethodNameMismatch\":{\"method_name\":\"respond_many\"}}}",
         true},
        /* other failures are not about the method */
        {"{\"ActionError\":{\"index\":0,\"kind\":{\"FunctionCallError\":{\"ExecutionError\":"
         "\"Smart contract panicked: x\"}}}}",
         false},
        {"{\"ActionError\":{\"index\":0,\"kind\":{\"FunctionCallError\":{\"MethodResolveError\":"
         "\"MethodEmptyName\"}}}}",
         false},
        {"{\"InvalidTxError\":{\"InvalidNonce\":{\"tx_nonce\":5,\"ak_nonce\":7}}}", false},
        {"{\"InvalidAccessKeyError\":{\"ReceiverMismatch\":{\"tx_receiver\":\"a\","
         "\"ak_receiver\":\"b\"}}}",
         false},
        {"{\"InvalidAccessKeyError\":\"RequiresFullAccess\"}", false},
        {"\"Expired\"", false},
        {"{}", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *err = cJSON_Parse(cases[i].err);
        assert_non_null(err);
        if (profile_method_unavailable(err) != cases[i].unavailable) {
            fail_msg("case %zu (%s): want %d", i, cases[i].err, cases[i].unavailable);
        }
        cJSON_Delete(err);
    }
    assert_false(profile_method_unavailable(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yieldbox_list),
        cmocka_unit_test(yieldbox_cursor),
        cmocka_unit_test(near_examples_list),
        cmocka_unit_test(malformed_lists),
        cmocka_unit_test(respond_arguments),
        cmocka_unit_test(respond_many_arguments),
        cmocka_unit_test(respond_many_results),
        cmocka_unit_test(key_permissions),
        cmocka_unit_test(method_unavailable_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
