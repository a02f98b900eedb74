/*
 * test_spec_value.c — the spec runner's value rules (chain/vm/tool/spec_value.h): NaN classes,
 * exact float bits, reference encodings, and what a script may not write. If these are wrong,
 * vm_spec passes or fails for the wrong reason, so they are pinned down here as tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "spec_value.h"

/* An expectation as the script writes it, an engine result, and whether they match. */
struct match_case {
    const char *type;
    const char *value;
    uint8_t got_type;
    uint64_t got_bits;
    bool matches;
};

static const struct match_case match_cases[] = {
    /* nan:canonical — quiet bit only, either sign */
    {"f32", "nan:canonical", VM_F32, 0x7fc00000, true},
    {"f32", "nan:canonical", VM_F32, 0xffc00000, true},
    {"f32", "nan:canonical", VM_F32, 0x7fc00001, false}, /* payload */
    {"f32", "nan:canonical", VM_F32, 0x7fa00000, false}, /* signalling */
    {"f32", "nan:canonical", VM_F32, 0x7f800000, false}, /* infinity */
    {"f64", "nan:canonical", VM_F64, 0x7ff8000000000000, true},
    {"f64", "nan:canonical", VM_F64, 0xfff8000000000000, true},
    {"f64", "nan:canonical", VM_F64, 0x7ff8000000000001, false},
    {"f64", "nan:canonical", VM_F64, 0x7ff4000000000000, false},
    /* nan:arithmetic — quiet bit set, any payload, either sign */
    {"f32", "nan:arithmetic", VM_F32, 0x7fc00000, true},
    {"f32", "nan:arithmetic", VM_F32, 0xffc00001, true},
    {"f32", "nan:arithmetic", VM_F32, 0x7fffffff, true},
    {"f32", "nan:arithmetic", VM_F32, 0x7fa00000, false},
    {"f32", "nan:arithmetic", VM_F32, 0x7f800000, false},
    {"f64", "nan:arithmetic", VM_F64, 0x7ffc000000000000, true},
    {"f64", "nan:arithmetic", VM_F64, 0x7ff0000000000001, false},
    /* exact bit patterns: signs of zero and NaN payloads count */
    {"f32", "2147483648", VM_F32, 0x80000000, true},
    {"f32", "0", VM_F32, 0x80000000, false},
    {"f32", "2143289345", VM_F32, 0x7fc00001, true},
    {"f64", "9223372036854775808", VM_F64, 0x8000000000000000, true},
    {"i32", "4294967295", VM_I32, 0xffffffff, true},
    {"i32", "4294967295", VM_I32, 0x7fffffff, false},
    {"i64", "18446744073709551615", VM_I64, UINT64_MAX, true},
    /* the result's type must be the expected one */
    {"i32", "0", VM_I64, 0, false},
    {"f32", "0", VM_I32, 0, false},
    /* references: externref N is the host value N + 1, null is 0 */
    {"externref", "7", VM_EXTERNREF, 8, true},
    {"externref", "7", VM_EXTERNREF, 7, false},
    {"externref", "0", VM_EXTERNREF, 1, true},
    {"externref", "null", VM_EXTERNREF, 0, true},
    {"externref", "null", VM_EXTERNREF, 1, false},
    {"funcref", "null", VM_FUNCREF, 0, true},
    {"funcref", "null", VM_FUNCREF, 0x1234, false},
};

static cJSON *value_json(const char *type, const char *value)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", type);
    cJSON_AddStringToObject(j, "value", value);
    return j;
}

static void test_results_match_per_spec_rules(void **state)
{
    for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
        const struct match_case *mc = &match_cases[i];
        cJSON *j = value_json(mc->type, mc->value);
        struct spec_value v;
        union vm_value got;
        memset(&got, 0, sizeof(got));
        if (mc->got_type == VM_I32 || mc->got_type == VM_F32) {
            got.i32 = (uint32_t)mc->got_bits;
        } else {
            got.i64 = mc->got_bits;
        }
        assert_int_equal(spec_value_parse(j, &v), YB_OK);
        if (spec_value_matches(&v, mc->got_type, got) != mc->matches) {
            print_error("case %zu: %s %s vs 0x%llx should %smatch\n", i, mc->type, mc->value,
                        (unsigned long long)mc->got_bits, mc->matches ? "" : "not ");
            fail();
        }
        cJSON_Delete(j);
    }
}

/* What the parser must refuse, so a malformed script is reported instead of half-checked. */
static const struct {
    const char *type;
    const char *value;
    int err;
} bad_values[] = {
    {"i32", "nan:canonical", YB_EJSON_TYPE},
    {"f32", "null", YB_EJSON_TYPE},
    {"v128", "0", YB_EJSON_TYPE},
    {"i64", "18446744073709551616", YB_ENUMBER},
    {"i32", "", YB_ENUMBER},
    {"i32", "12x", YB_ENUMBER},
};

static void test_malformed_values_are_refused(void **state)
{
    for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
        cJSON *j = value_json(bad_values[i].type, bad_values[i].value);
        struct spec_value v;
        assert_int_equal(spec_value_parse(j, &v), bad_values[i].err);
        cJSON_Delete(j);
    }
}

static void test_arguments_reach_the_engine_as_bit_patterns(void **state)
{
    cJSON *f32 = value_json("f32", "2143289345"); /* a NaN with payload 1 */
    cJSON *ext = value_json("externref", "41");
    cJSON *null = value_json("externref", "null");
    struct spec_value v;

    assert_int_equal(spec_value_parse(f32, &v), YB_OK);
    assert_int_equal(spec_value_to_vm(&v).f32_bits, 0x7fc00001);
    assert_int_equal(spec_value_parse(ext, &v), YB_OK);
    assert_int_equal(spec_value_to_vm(&v).ref, 42);
    assert_int_equal(spec_value_parse(null, &v), YB_OK);
    assert_int_equal(spec_value_to_vm(&v).ref, 0);
    cJSON_Delete(f32);
    cJSON_Delete(ext);
    cJSON_Delete(null);
}

static void test_lists_are_capped_and_typed(void **state)
{
    cJSON *arr = cJSON_CreateArray();
    cJSON *notarr = cJSON_CreateObject();
    struct spec_value *vals = NULL;
    uint32_t n = 0;

    assert_int_equal(spec_value_parse_list(NULL, &vals, &n), YB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(spec_value_parse_list(notarr, &vals, &n), YB_EJSON_TYPE);
    for (int i = 0; i <= SPEC_MAX_VALUES; i++) {
        cJSON_AddItemToArray(arr, value_json("i32", "1"));
    }
    assert_int_equal(spec_value_parse_list(arr, &vals, &n), YB_ETOOBIG);
    assert_null(vals);
    cJSON_DeleteItemFromArray(arr, 0);
    assert_int_equal(spec_value_parse_list(arr, &vals, &n), YB_OK);
    assert_int_equal(n, SPEC_MAX_VALUES);
    free(vals);
    cJSON_Delete(arr);
    cJSON_Delete(notarr);
}

static void test_failure_text_shows_bits_and_nan_classes(void **state)
{
    char text[256] = "";
    union vm_value v;
    cJSON *j = value_json("f64", "nan:arithmetic");
    struct spec_value e;

    memset(&v, 0, sizeof(v));
    v.f32_bits = 0x80000000;
    spec_value_describe(text, sizeof(text), VM_F32, v);
    assert_string_equal(text, "f32:0x80000000 (-0)");
    text[0] = '\0';
    assert_int_equal(spec_value_parse(j, &e), YB_OK);
    spec_value_describe_expected(text, sizeof(text), &e);
    assert_string_equal(text, "f64:nan:arithmetic");
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_match_per_spec_rules),
        cmocka_unit_test(test_malformed_values_are_refused),
        cmocka_unit_test(test_arguments_reach_the_engine_as_bit_patterns),
        cmocka_unit_test(test_lists_are_capped_and_typed),
        cmocka_unit_test(test_failure_text_shows_bits_and_nan_classes),
    };
    return cmocka_run_group_tests_name("spec_value", tests, NULL, NULL);
}
