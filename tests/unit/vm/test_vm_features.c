/*
 * test_vm_features.c — proposals beyond WebAssembly 2.0 (SIMD, threads, exception handling,
 * tail calls, memory64, GC) fail at load with YB_EWASM_FEATURE and a message naming the
 * feature, not as a malformed module. One hand-assembled module per case, as a table.
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
#include "vm.h"
#include "vm_test_util.h"

enum where {
    IN_BODY,    /* bytes = one function body of type [] -> [] (locals and code) */
    IN_TYPES,   /* bytes = the whole type section content */
    IN_SECTION, /* bytes = content of section `id`, after a type section holding [] -> [] */
};

struct feature_case {
    const char *what; /* the case, for failure messages */
    enum where where;
    uint8_t id; /* IN_SECTION: the section id */
    const char *bytes;
    size_t len;
    const char *named; /* must appear in the error message */
};

#define B(s) s, sizeof(s) - 1

static const struct feature_case cases[] = {
    /* v128.const 0 (16 bytes), drop */
    {"SIMD opcode", IN_BODY, 0, B("\0\xfd\x0c\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x1a\x0b"), "SIMD"},
    /* a v128 local */
    {"SIMD value type", IN_BODY, 0, B("\1\1\x7b\x0b"), "SIMD"},
    /* memory: shared, min 1, max 1 */
    {"shared memory", IN_SECTION, 5, B("\1\3\1\1"), "threads (shared memory)"},
    /* i32.const 0, i32.atomic.load align=2 offset=0, drop */
    {"atomic load", IN_BODY, 0, B("\0\x41\0\xfe\x10\2\0\x1a\x0b"), "threads (atomics)"},
    /* atomic.fence */
    {"atomic fence", IN_BODY, 0, B("\0\xfe\x03\0\x0b"), "threads (atomics)"},
    /* try (empty) end */
    {"try", IN_BODY, 0, B("\0\x06\x40\x0b\x0b"), "exception handling"},
    /* throw tag 0 */
    {"throw", IN_BODY, 0, B("\0\x08\0\x0b"), "exception handling"},
    /* try_table (empty) with no catch clauses */
    {"try_table", IN_BODY, 0, B("\0\x1f\x40\0\x0b\x0b"), "exception handling"},
    /* throw_ref (rejected at its opcode, before its operand would be checked) */
    {"throw_ref", IN_BODY, 0, B("\0\x0a\x0b"), "exception handling"},
    /* tag section: one tag, attribute 0 (exception), type 0 */
    {"tag section", IN_SECTION, 13, B("\1\0\0"), "exception handling (tag section)"},
    /* return_call 0 */
    {"return_call", IN_BODY, 0, B("\0\x12\0\x0b"), "tail calls"},
    /* i32.const 0, return_call_indirect type 0 table 0 */
    {"return_call_indirect", IN_BODY, 0, B("\0\x41\0\x13\0\0\x0b"), "tail calls"},
    /* memory: i64 index type, min 1 */
    {"memory64", IN_SECTION, 5, B("\1\4\1"), "memory64"},
    /* memory: i64 index type, min 1, max 2 */
    {"memory64 with max", IN_SECTION, 5, B("\1\5\1\2"), "memory64"},
    /* type 0: struct with no fields */
    {"GC struct type", IN_TYPES, 0, B("\1\x5f\0"), "GC"},
    /* type 0: array of mutable i32 */
    {"GC array type", IN_TYPES, 0, B("\1\x5e\x7f\1"), "GC"},
    /* type 0: sub (no supertypes) func [] -> [] */
    {"GC sub type", IN_TYPES, 0, B("\1\x50\0\x60\0\0"), "GC"},
    /* type 0: sub final (no supertypes) func [] -> [] */
    {"GC sub final type", IN_TYPES, 0, B("\1\x4f\0\x60\0\0"), "GC"},
    /* one recursion group of one func [] -> [] */
    {"GC rec group", IN_TYPES, 0, B("\1\x4e\1\x60\0\0"), "GC"},
    /* i32.const 0, ref.i31, drop: a GC-prefixed opcode */
    {"GC opcode", IN_BODY, 0, B("\0\x41\0\xfb\x1c\x1a\x0b"), "GC"},
};

static struct vm_test_bytes build(const struct feature_case *fc)
{
    struct vm_test_bytes content = {0};
    vm_test_put(&content, fc->bytes, fc->len);
    if (fc->where == IN_BODY) {
        struct vm_test_bytes b = vm_test_module_with_bodies(&content, 1);
        free(content.p);
        return b;
    }
    struct vm_test_bytes b = vm_test_header();
    if (fc->where == IN_TYPES) {
        vm_test_put_section(&b, 1, &content);
    } else {
        struct vm_test_bytes types = {0};
        vm_test_put(&types, "\1\x60\0\0", 4);
        vm_test_put_section(&b, 1, &types);
        free(types.p);
        vm_test_put_section(&b, fc->id, &content);
    }
    free(content.p);
    return b;
}

static void unsupported_proposals_are_named_at_load(void **state)
{
    (void)state;
    struct vm_config cfgs[2];
    vm_config_default(&cfgs[0]);
    vm_config_near(&cfgs[1]);
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            const struct feature_case *fc = &cases[i];
            struct vm_test_bytes b = build(fc);
            struct vm_error err = {0};
            int rc = vm_test_load_bytes(&cfgs[k], &b, &err);
            if (rc != YB_EWASM_FEATURE || strstr(err.msg, fc->named) == NULL) {
                fail_msg("%s (%s config): got %s \"%s\", want YB_EWASM_FEATURE naming \"%s\"",
                         fc->what, k ? "NEAR" : "default", yb_err_name(rc), err.msg, fc->named);
            }
        }
    }
}

/* The same modules with the feature taken out load: the cases above fail because of the
 * feature, not because the hand assembly is wrong around it. */
static void the_same_modules_without_the_feature_load(void **state)
{
    (void)state;
    static const struct feature_case plain[] = {
        {"unshared memory", IN_SECTION, 5, B("\1\1\1\1"), NULL},
        {"i32 memory", IN_SECTION, 5, B("\1\0\1"), NULL},
        {"func type", IN_TYPES, 0, B("\1\x60\0\0"), NULL},
        {"block instead of try", IN_BODY, 0, B("\0\x02\x40\x0b\x0b"), NULL},
        {"call instead of return_call", IN_BODY, 0, B("\0\x10\0\x0b"), NULL},
        {"i32 local instead of v128", IN_BODY, 0, B("\1\1\x7f\x0b"), NULL},
    };
    struct vm_config cfg;
    vm_config_default(&cfg);
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        struct vm_test_bytes b = build(&plain[i]);
        struct vm_error err = {0};
        int rc = vm_test_load_bytes(&cfg, &b, &err);
        if (rc != YB_OK) {
            fail_msg("%s: %s \"%s\"", plain[i].what, yb_err_name(rc), err.msg);
        }
    }
}

/* What no module of the proposal could be stays malformed, as the spec's binary.wast asserts:
 * an empty section 13 (not even a tag count), a shared memory without a maximum. */
static void malformed_under_either_reading_stays_malformed(void **state)
{
    (void)state;
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_test_bytes b = vm_test_header();
    vm_test_put(&b, "\x0d\0", 2);
    struct vm_error err = {0};
    assert_int_equal(vm_test_load_bytes(&cfg, &b, &err), YB_EWASM_MALFORMED);
    assert_non_null(strstr(err.msg, "malformed section id"));

    b = vm_test_header();
    vm_test_put(&b, "\x05\x03\x01\x02\x00", 5); /* memory: flags 2, min 0 */
    assert_int_equal(vm_test_load_bytes(&cfg, &b, &err), YB_EWASM_MALFORMED);
}

/* Multi-memory and extended-const are refused as WebAssembly 2.0 refuses them (invalid, the
 * spec suite's "multiple memories" and "constant expression required"). */
static void multi_memory_and_extended_const_are_invalid_as_in_2_0(void **state)
{
    (void)state;
    struct vm_config cfg;
    vm_config_default(&cfg);
    struct vm_error err = {0};
    struct vm_test_bytes b = vm_test_header();
    vm_test_put(&b, "\x05\x05\x02\x00\x01\x00\x01", 7); /* two memories of 1 page */
    assert_int_equal(vm_test_load_bytes(&cfg, &b, &err), YB_EWASM_INVALID);
    assert_non_null(strstr(err.msg, "multiple memories"));

    /* global i32 = (i32.add (i32.const 1) (i32.const 2)) */
    b = vm_test_header();
    vm_test_put(&b, "\x06\x09\x01\x7f\x00\x41\x01\x41\x02\x6a\x0b", 11);
    assert_int_equal(vm_test_load_bytes(&cfg, &b, &err), YB_EWASM_INVALID);
    assert_non_null(strstr(err.msg, "constant expression required"));

    /* i32.load with the multi-memory flag in its alignment: named */
    struct vm_test_bytes body = {0};
    vm_test_put(&body, "\x00\x41\x00\x28\x42\x00\x00\x1a\x0b", 9);
    b = vm_test_module_with_bodies(&body, 1);
    free(body.p);
    assert_int_equal(vm_test_load_bytes(&cfg, &b, &err), YB_EWASM_FEATURE);
    assert_non_null(strstr(err.msg, "multi-memory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unsupported_proposals_are_named_at_load),
        cmocka_unit_test(the_same_modules_without_the_feature_load),
        cmocka_unit_test(malformed_under_either_reading_stays_malformed),
        cmocka_unit_test(multi_memory_and_extended_const_are_invalid_as_in_2_0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
