/* Borsh writer and reader: byte layouts, bounds, caps, tags and UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "borsh.h"
#include "err.h"

static void integers_are_little_endian_fixed_width(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 1024);
    assert_int_equal(borsh_write_u8(&b, 0xAB), YB_OK);
    assert_int_equal(borsh_write_u16(&b, 0x0102), YB_OK);
    assert_int_equal(borsh_write_u32(&b, 0x01020304u), YB_OK);
    assert_int_equal(borsh_write_u64(&b, 0x0102030405060708ull), YB_OK);
    yb_u128 big = ((yb_u128)0x1112131415161718ull << 64) | 0x191A1B1C1D1E1F20ull;
    assert_int_equal(borsh_write_u128(&b, big), YB_OK);
    assert_int_equal(borsh_write_bool(&b, true), YB_OK);
    static const uint8_t want[] = {
        0xAB, 0x02, 0x01, 0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06, 0x05,
        0x04, 0x03, 0x02, 0x01, 0x20, 0x1F, 0x1E, 0x1D, 0x1C, 0x1B, 0x1A,
        0x19, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0x01,
    };
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);

    struct borsh_reader r;
    borsh_reader_init(&r, b.data, b.len);
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    yb_u128 u128;
    bool flag;
    assert_int_equal(borsh_read_u8(&r, &u8), YB_OK);
    assert_int_equal(borsh_read_u16(&r, &u16), YB_OK);
    assert_int_equal(borsh_read_u32(&r, &u32), YB_OK);
    assert_int_equal(borsh_read_u64(&r, &u64), YB_OK);
    assert_int_equal(borsh_read_u128(&r, &u128), YB_OK);
    assert_int_equal(borsh_read_bool(&r, &flag), YB_OK);
    assert_int_equal(borsh_reader_finish(&r), YB_OK);
    assert_int_equal(u8, 0xAB);
    assert_int_equal(u16, 0x0102);
    assert_int_equal(u32, 0x01020304u);
    assert_true(u64 == 0x0102030405060708ull);
    assert_true(u128 == big);
    assert_true(flag);
    yb_buf_fini(&b);
}

static void strings_and_vectors_have_u32_length_prefix(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 1024);
    assert_int_equal(borsh_write_cstr(&b, "héllo"), YB_OK);
    static const uint8_t bytes[] = {1, 2, 3};
    assert_int_equal(borsh_write_bytes(&b, bytes, 3), YB_OK);
    assert_int_equal(borsh_write_bytes(&b, NULL, 0), YB_OK);
    assert_int_equal(borsh_write_option(&b, false), YB_OK);
    assert_int_equal(borsh_write_option(&b, true), YB_OK);
    assert_int_equal(borsh_write_fixed(&b, "xy", 2), YB_OK);
    static const uint8_t want[] = {6, 0, 0, 0, 'h', 0xC3, 0xA9, 'l', 'l', 'o', 3,   0,  0,
                                   0, 1, 2, 3, 0,   0,    0,    0,   0,   1,   'x', 'y'};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);

    struct borsh_reader r;
    borsh_reader_init(&r, b.data, b.len);
    const char *s;
    size_t n;
    assert_int_equal(borsh_read_string(&r, 64, &s, &n), YB_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(s, "héllo", 6);
    /* A slice points into the input, no copy. */
    assert_ptr_equal(s, (const char *)b.data + 4);
    uint8_t *copy;
    assert_int_equal(borsh_read_bytes_dup(&r, 16, &copy, &n), YB_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(copy, bytes, 3);
    free(copy);
    assert_int_equal(borsh_read_bytes_dup(&r, 16, &copy, &n), YB_OK);
    assert_int_equal(n, 0);
    assert_non_null(copy);
    free(copy);
    bool present;
    assert_int_equal(borsh_read_option(&r, &present), YB_OK);
    assert_false(present);
    assert_int_equal(borsh_read_option(&r, &present), YB_OK);
    assert_true(present);
    char two[2];
    assert_int_equal(borsh_read_fixed(&r, two, 2), YB_OK);
    assert_memory_equal(two, "xy", 2);
    assert_int_equal(borsh_reader_finish(&r), YB_OK);
    yb_buf_fini(&b);
}

static void short_reads_are_eof(void **state)
{
    static const uint8_t in[] = {1, 2, 3};
    struct borsh_reader r;
    uint32_t u32;
    uint64_t u64;
    yb_u128 u128;
    uint16_t u16;
    borsh_reader_init(&r, in, sizeof in);
    assert_int_equal(borsh_read_u32(&r, &u32), YB_EBORSH_EOF);
    assert_int_equal(borsh_read_u64(&r, &u64), YB_EBORSH_EOF);
    assert_int_equal(borsh_read_u128(&r, &u128), YB_EBORSH_EOF);
    assert_int_equal(borsh_read_u16(&r, &u16), YB_OK);
    uint8_t four[4];
    assert_int_equal(borsh_read_fixed(&r, four, 2), YB_EBORSH_EOF);
    borsh_reader_init(&r, in, 0);
    uint8_t u8;
    bool b;
    assert_int_equal(borsh_read_u8(&r, &u8), YB_EBORSH_EOF);
    assert_int_equal(borsh_read_bool(&r, &b), YB_EBORSH_EOF);
    assert_int_equal(borsh_read_option(&r, &b), YB_EBORSH_EOF);
    const uint8_t *p;
    size_t n;
    assert_int_equal(borsh_read_bytes(&r, 10, &p, &n), YB_EBORSH_EOF);
}

/* Each row: input bytes, the cap, and the error reading a Vec<u8> / String gives. */
struct len_case {
    const char *name;
    uint8_t in[8];
    size_t n;
    size_t cap;
    int want;
};

static void length_prefixes_are_checked_before_use(void **state)
{
    static const struct len_case cases[] = {
        {"fits exactly", {2, 0, 0, 0, 'a', 'b'}, 6, 2, YB_OK},
        {"over the cap", {3, 0, 0, 0, 'a', 'b', 'c'}, 7, 2, YB_EBORSH_LEN},
        {"past the end", {5, 0, 0, 0, 'a', 'b'}, 6, 100, YB_EBORSH_LEN},
        {"huge length", {0xFF, 0xFF, 0xFF, 0xFF, 'a'}, 5, SIZE_MAX, YB_EBORSH_LEN},
        {"prefix cut short", {1, 0, 0}, 3, 100, YB_EBORSH_EOF},
        {"empty string", {0, 0, 0, 0}, 4, 0, YB_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct len_case *c = &cases[i];
        struct borsh_reader r;
        const char *s;
        char *dup = NULL;
        size_t n;
        print_message("case: %s\n", c->name);
        borsh_reader_init(&r, c->in, c->n);
        assert_int_equal(borsh_read_string(&r, c->cap, &s, &n), c->want);
        borsh_reader_init(&r, c->in, c->n);
        assert_int_equal(borsh_read_cstr(&r, c->cap, &dup), c->want);
        free(dup);
    }
}

static void vec_len_refuses_counts_the_input_cannot_hold(void **state)
{
    static const uint8_t in[] = {3, 0, 0, 0, 'a', 'b', 'c', 'd', 'e', 'f'};
    struct borsh_reader r;
    size_t count;
    borsh_reader_init(&r, in, sizeof in);
    assert_int_equal(borsh_read_vec_len(&r, 10, 2, &count), YB_OK);
    assert_int_equal(count, 3);
    borsh_reader_init(&r, in, sizeof in);
    assert_int_equal(borsh_read_vec_len(&r, 2, 1, &count), YB_EBORSH_LEN);
    borsh_reader_init(&r, in, sizeof in);
    assert_int_equal(borsh_read_vec_len(&r, 10, 3, &count), YB_EBORSH_LEN);
    static const uint8_t huge[] = {0xFF, 0xFF, 0xFF, 0xFF};
    borsh_reader_init(&r, huge, sizeof huge);
    assert_int_equal(borsh_read_vec_len(&r, SIZE_MAX, 1, &count), YB_EBORSH_LEN);
}

static void bool_and_option_tags_must_be_zero_or_one(void **state)
{
    static const uint8_t in[] = {2, 0xFF};
    struct borsh_reader r;
    bool v;
    borsh_reader_init(&r, in, 1);
    assert_int_equal(borsh_read_bool(&r, &v), YB_EBORSH_BOOL);
    borsh_reader_init(&r, in + 1, 1);
    assert_int_equal(borsh_read_bool(&r, &v), YB_EBORSH_BOOL);
    borsh_reader_init(&r, in, 1);
    assert_int_equal(borsh_read_option(&r, &v), YB_EBORSH_TAG);
}

static void trailing_bytes_are_reported(void **state)
{
    static const uint8_t in[] = {1, 2};
    struct borsh_reader r;
    uint8_t v;
    borsh_reader_init(&r, in, sizeof in);
    assert_int_equal(borsh_read_u8(&r, &v), YB_OK);
    assert_int_equal(borsh_reader_remaining(&r), 1);
    assert_int_equal(borsh_reader_finish(&r), YB_EBORSH_TRAILING);
}

struct utf8_case {
    const char *name;
    const char *bytes;
    size_t n;
    int want;
};

static void strings_must_be_valid_utf8(void **state)
{
    static const struct utf8_case cases[] = {
        {"ascii", "abc", 3, YB_OK},
        {"two-byte", "\xC3\xA9", 2, YB_OK},
        {"three-byte", "\xE2\x82\xAC", 3, YB_OK},
        {"four-byte", "\xF0\x9F\x98\x80", 4, YB_OK},
        {"max code point", "\xF4\x8F\xBF\xBF", 4, YB_OK},
        {"lone continuation", "\x80", 1, YB_EUTF8},
        {"overlong two-byte", "\xC0\xAF", 2, YB_EUTF8},
        {"overlong three-byte", "\xE0\x80\xAF", 3, YB_EUTF8},
        {"overlong four-byte", "\xF0\x80\x80\xAF", 4, YB_EUTF8},
        {"surrogate", "\xED\xA0\x80", 3, YB_EUTF8},
        {"past U+10FFFF", "\xF4\x90\x80\x80", 4, YB_EUTF8},
        {"F5 lead", "\xF5\x80\x80\x80", 4, YB_EUTF8},
        {"cut sequence", "\xE2\x82", 2, YB_EUTF8},
        {"bad continuation", "\xE2\x28\xA1", 3, YB_EUTF8},
        {"FF byte", "\xFF", 1, YB_EUTF8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct utf8_case *c = &cases[i];
        print_message("case: %s\n", c->name);
        assert_int_equal(borsh_check_utf8((const uint8_t *)c->bytes, c->n), c->want);
        struct yb_buf b;
        yb_buf_init(&b, 64);
        assert_int_equal(borsh_write_string(&b, c->bytes, c->n), c->want);
        if (c->want != YB_OK) {
            /* Nothing written for a refused string. */
            assert_int_equal(b.len, 0);
            uint8_t raw[16] = {(uint8_t)c->n, 0, 0, 0};
            memcpy(raw + 4, c->bytes, c->n);
            struct borsh_reader r;
            const char *s;
            size_t n;
            borsh_reader_init(&r, raw, 4 + c->n);
            assert_int_equal(borsh_read_string(&r, 64, &s, &n), YB_EUTF8);
        }
        yb_buf_fini(&b);
    }
}

static void cstr_refuses_embedded_nul(void **state)
{
    static const uint8_t in[] = {3, 0, 0, 0, 'a', 0, 'b'};
    struct borsh_reader r;
    char *s = NULL;
    borsh_reader_init(&r, in, sizeof in);
    assert_int_equal(borsh_read_cstr(&r, 10, &s), YB_EMALFORMED);
    assert_null(s);
}

static void writer_respects_buffer_cap_without_partial_values(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 6);
    static const uint8_t three[] = {1, 2, 3};
    assert_int_equal(borsh_write_bytes(&b, three, 3), YB_ETOOBIG);
    assert_int_equal(b.len, 0);
    assert_int_equal(borsh_write_bytes(&b, three, 2), YB_OK);
    assert_int_equal(borsh_write_u8(&b, 9), YB_ETOOBIG);
    assert_int_equal(b.len, 6);
    assert_int_equal(borsh_write_bytes(&b, NULL, 1), YB_EINVAL);
    assert_int_equal(borsh_write_cstr(&b, NULL), YB_EINVAL);
    assert_int_equal(b.len, 6);
    yb_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_are_little_endian_fixed_width),
        cmocka_unit_test(strings_and_vectors_have_u32_length_prefix),
        cmocka_unit_test(short_reads_are_eof),
        cmocka_unit_test(length_prefixes_are_checked_before_use),
        cmocka_unit_test(vec_len_refuses_counts_the_input_cannot_hold),
        cmocka_unit_test(bool_and_option_tags_must_be_zero_or_one),
        cmocka_unit_test(trailing_bytes_are_reported),
        cmocka_unit_test(strings_must_be_valid_utf8),
        cmocka_unit_test(cstr_refuses_embedded_nul),
        cmocka_unit_test(writer_respects_buffer_cap_without_partial_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
