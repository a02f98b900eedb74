/* Behaviour of the capped buffer (the error table has its own program, test_err.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "err.h"

static void append_within_cap_keeps_nul(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 8);
    assert_int_equal(yb_buf_append_str(&b, "abc"), YB_OK);
    assert_int_equal(yb_buf_printf(&b, "%d", 12345), YB_OK);
    assert_int_equal(b.len, 8);
    assert_string_equal((char *)b.data, "abc12345");
    yb_buf_fini(&b);
}

static void append_past_cap_fails_and_leaves_buffer_unchanged(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 4);
    assert_int_equal(yb_buf_append_str(&b, "abc"), YB_OK);
    assert_int_equal(yb_buf_append_str(&b, "de"), YB_ETOOBIG);
    assert_int_equal(yb_buf_printf(&b, "%s", "xy"), YB_ETOOBIG);
    assert_int_equal(b.len, 3);
    assert_string_equal((char *)b.data, "abc");
    assert_int_equal(yb_buf_append_byte(&b, 'd'), YB_OK);
    assert_int_equal(yb_buf_append_byte(&b, 'e'), YB_ETOOBIG);
    yb_buf_fini(&b);
}

static void huge_length_does_not_wrap(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 16);
    assert_int_equal(yb_buf_append_str(&b, "a"), YB_OK);
    assert_int_equal(yb_buf_append(&b, "x", SIZE_MAX), YB_ETOOBIG);
    yb_buf_fini(&b);
}

static void unlimited_max_does_not_wrap(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, SIZE_MAX);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(yb_buf_append_str(&b, "0123456789"), YB_OK);
    }
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(yb_buf_append(&b, "x", SIZE_MAX), YB_ETOOBIG);
    yb_buf_fini(&b);
}

static void steal_hands_over_contents(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 100);
    size_t n = 0;
    uint8_t *p = yb_buf_steal(&b, &n);
    assert_int_equal(n, 0);
    free(p);
    assert_int_equal(yb_buf_append_str(&b, "hello"), YB_OK);
    p = yb_buf_steal(&b, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(p, "hello", 5);
    assert_null(b.data);
    free(p);
    yb_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(append_within_cap_keeps_nul),
        cmocka_unit_test(append_past_cap_fails_and_leaves_buffer_unchanged),
        cmocka_unit_test(huge_length_does_not_wrap),
        cmocka_unit_test(unlimited_max_does_not_wrap),
        cmocka_unit_test(steal_hands_over_contents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
