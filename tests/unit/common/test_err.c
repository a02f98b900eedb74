/* The error table: every code of YB_ERR_LIST has its own message and its own name, and codes
 * outside the list still get a printable answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"

static void every_error_has_a_message_and_a_name(void **state)
{
    (void)state;
    for (int e = 0; e < YB_ERR__COUNT; e++) {
        assert_non_null(yb_err_str(e));
        assert_non_null(yb_err_name(e));
        assert_int_equal(strncmp(yb_err_name(e), "YB_", 3), 0);
    }
    assert_string_equal(yb_err_str(YB_OK), "ok");
    assert_string_equal(yb_err_name(YB_EBASE58), "YB_EBASE58");
    assert_string_equal(yb_err_str(-1), "unknown error");
    assert_string_equal(yb_err_str(YB_ERR__COUNT), "unknown error");
}

/* The list expanded a second time, here: each code's name and message must be the ones written
 * beside it (a code added out of place in err.c's tables would show up as another's text). */
struct row {
    int code;
    const char *name;
    const char *message;
};

static const struct row rows[] = {
#define X(name, msg) {name, #name, msg},
    YB_ERR_LIST
#undef X
};

static void each_code_maps_to_its_own_name_and_message(void **state)
{
    (void)state;
    size_t n = sizeof rows / sizeof rows[0];
    assert_int_equal(n, YB_ERR__COUNT);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(rows[i].code, (int)i); /* contiguous from YB_OK = 0 */
        assert_string_equal(yb_err_name(rows[i].code), rows[i].name);
        assert_string_equal(yb_err_str(rows[i].code), rows[i].message);
        assert_true(strlen(rows[i].message) > 0);
    }
}

static void names_are_unique(void **state)
{
    (void)state;
    for (int a = 0; a < YB_ERR__COUNT; a++) {
        for (int b = a + 1; b < YB_ERR__COUNT; b++) {
            assert_string_not_equal(yb_err_name(a), yb_err_name(b));
        }
    }
}

static void unknown_codes_have_a_placeholder_name(void **state)
{
    (void)state;
    const int unknown[] = {-1, -1000, YB_ERR__COUNT, YB_ERR__COUNT + 1, 1 << 30};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(yb_err_name(unknown[i]), "YB_E?");
        assert_string_equal(yb_err_str(unknown[i]), "unknown error");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_error_has_a_message_and_a_name),
        cmocka_unit_test(each_code_maps_to_its_own_name_and_message),
        cmocka_unit_test(names_are_unique),
        cmocka_unit_test(unknown_codes_have_a_placeholder_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
