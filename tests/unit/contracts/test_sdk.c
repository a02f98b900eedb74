/*
 * test_sdk.c — the contract SDK's pure helpers compiled for the host: JSON reader (jr) and
 * writer (jw), base58 (b58), u128 amounts, string helpers and the bump allocator. The same C
 * is compiled into every contract for wasm32.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "amount.h"
#include "b58.h"
#include "codec.h"
#include "jr.h"
#include "jw.h"
#include "libc.h"
#include "str.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- libc: the wasm word-at-a-time memory functions, against the C library ---- */

/* Lengths up to 40 cover the small (< 8) paths, one and several words, and every tail. */
#define LIBC_MAX_N   40
#define LIBC_MAX_OFF 16

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed * 131u + i * 37u + (i >> 3)); /* bytes above 0x7f too */
    }
}

static void libc_memcpy_and_memset_match_at_every_offset_and_length(void **state)
{
    _Alignas(8) uint8_t src[LIBC_MAX_N + LIBC_MAX_OFF];
    _Alignas(8) uint8_t got[LIBC_MAX_N + 2 * LIBC_MAX_OFF];
    _Alignas(8) uint8_t want[LIBC_MAX_N + 2 * LIBC_MAX_OFF];
    (void)state;
    fill_pattern(src, sizeof src, 1);
    for (size_t n = 0; n <= LIBC_MAX_N; n++) {
        for (size_t so = 0; so < 8; so++) {
            for (size_t d = 0; d < 8; d++) {
                memset(got, 0xAA, sizeof got);
                memset(want, 0xAA, sizeof want);
                assert_ptr_equal(libc_memcpy(got + d, src + so, n), got + d);
                memcpy(want + d, src + so, n);
                assert_memory_equal(got, want, sizeof got); /* nothing outside [d, d + n) */
            }
        }
        for (size_t d = 0; d < 8; d++) {
            const int values[] = {0, 0x41, 0x80, 0xFF, -1, 0x1234};
            for (size_t v = 0; v < N_ELEMS(values); v++) {
                memset(got, 0x55, sizeof got);
                memset(want, 0x55, sizeof want);
                assert_ptr_equal(libc_memset(got + d, values[v], n), got + d);
                memset(want + d, values[v], n);
                assert_memory_equal(got, want, sizeof got);
            }
        }
    }
}

static void libc_memmove_handles_overlap_both_ways(void **state)
{
    enum { SIZE = LIBC_MAX_N + 2 * LIBC_MAX_OFF };
    _Alignas(8) uint8_t got[SIZE];
    _Alignas(8) uint8_t want[SIZE];
    (void)state;
    /* Every source and destination offset within 16 bytes of each other: the destination
     * before the source, after it, equal, overlapping by every amount, and apart. */
    for (size_t n = 0; n <= LIBC_MAX_N; n++) {
        for (size_t so = 0; so < 2 * LIBC_MAX_OFF; so++) {
            for (size_t d = 0; d < 2 * LIBC_MAX_OFF; d++) {
                fill_pattern(got, SIZE, (unsigned)n);
                fill_pattern(want, SIZE, (unsigned)n);
                assert_ptr_equal(libc_memmove(got + d, got + so, n), got + d);
                memmove(want + d, want + so, n);
                if (memcmp(got, want, SIZE) != 0) {
                    fail_msg("memmove n=%zu src+%zu dst+%zu differs", n, so, d);
                }
            }
        }
    }
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void libc_memcmp_orders_by_the_first_differing_byte(void **state)
{
    _Alignas(8) uint8_t a[LIBC_MAX_N + 8];
    _Alignas(8) uint8_t b[LIBC_MAX_N + 8];
    (void)state;
    for (size_t n = 0; n <= LIBC_MAX_N; n++) {
        for (size_t off = 0; off < 8; off++) {
            fill_pattern(a + off, n, 3);
            memcpy(b + off, a + off, n);
            assert_int_equal(libc_memcmp(a + off, b + off, n), 0);
            /* One difference at every position, in both directions, with bytes on both sides
             * of 0x80 (the comparison is unsigned); a second, opposite difference later must
             * not decide the order. */
            for (size_t at = 0; at < n; at++) {
                memcpy(b + off, a + off, n);
                b[off + at] = (uint8_t)(a[off + at] ^ 0x80);
                if (at + 1 < n) {
                    b[off + n - 1] =
                        (uint8_t)(a[off + n - 1] + (b[off + at] > a[off + at] ? -1 : 1));
                }
                assert_int_equal(libc_memcmp(a + off, b + off, n),
                                 sign(memcmp(a + off, b + off, n)));
                assert_int_equal(libc_memcmp(b + off, a + off, n),
                                 sign(memcmp(b + off, a + off, n)));
            }
        }
    }
}

static void libc_inline_copy_same_and_u64le_match_the_c_library(void **state)
{
    _Alignas(8) uint8_t src[LIBC_MAX_N + 8];
    _Alignas(8) uint8_t got[LIBC_MAX_N + 16];
    _Alignas(8) uint8_t want[LIBC_MAX_N + 16];
    (void)state;
    fill_pattern(src, sizeof src, 5);
    for (size_t n = 0; n <= LIBC_MAX_N; n++) {
        for (size_t off = 0; off < 8; off++) {
            memset(got, 0xAA, sizeof got);
            memset(want, 0xAA, sizeof want);
            libc_copy(got + off, src + off, n);
            memcpy(want + off, src + off, n);
            assert_memory_equal(got, want, sizeof got);
            /* Equal, then one byte different at every position. */
            assert_true(libc_same(got + off, src + off, n));
            for (size_t at = 0; at < n; at++) {
                got[off + at] ^= 0x01;
                assert_false(libc_same(got + off, src + off, n));
                got[off + at] ^= 0x01;
            }
        }
    }
    uint8_t le[9];
    libc_store_u64le(le + 1, 0x0102030405060708ull);
    assert_int_equal(le[1], 0x08);
    assert_int_equal(le[8], 0x01);
    assert_true(libc_load_u64le(le + 1) == 0x0102030405060708ull);
}

static void libc_strlen_finds_the_terminator_at_any_alignment(void **state)
{
    /* Padded to a multiple of 8 past every terminator, as wasm memory always is. */
    _Alignas(8) char buf[LIBC_MAX_N + 24];
    (void)state;
    for (size_t off = 0; off < 8; off++) {
        for (size_t len = 0; len <= LIBC_MAX_N; len++) {
            memset(buf, 'x', sizeof buf);
            buf[off + len] = '\0';
            buf[sizeof buf - 1] = '\0';
            if (len > 0) {
                buf[off] = (char)0x80; /* high bytes are not terminators */
            }
            assert_int_equal(libc_strlen(buf + off), len);
        }
    }
}

/* ---- jr: whole-document validation ---- */

struct parse_case {
    const char *json;
    int rc;
};

static const struct parse_case parse_cases[] = {
    {"{}", YB_OK},
    {"  {\"a\" : 1 }\n", YB_OK},
    {"[1, -2.5e+3, true, false, null, \"x\", {\"k\": []}]", YB_OK},
    {"\"\\u00e9\\ud83d\\ude00\"", YB_OK},
    {"0", YB_OK},
    {"", YB_EJSON},
    {"{", YB_EJSON},
    {"{\"a\":1,}", YB_EJSON},
    {"[1,]", YB_EJSON},
    {"{a:1}", YB_EJSON},
    {"01", YB_EJSON},
    {"1.", YB_EJSON},
    {"-", YB_EJSON},
    {"tru", YB_EJSON},
    {"{} {}", YB_EJSON},
    {"\"tab\there\"", YB_EJSON},    /* raw control character */
    {"\"\\x41\"", YB_EJSON},        /* unknown escape */
    {"\"\\u12\"", YB_EJSON},        /* short \u */
    {"\"\\udc00\"", YB_EUTF8},      /* lone low surrogate */
    {"\"\\ud800x\"", YB_EUTF8},     /* high surrogate without its pair */
    {"\"\xff\"", YB_EUTF8},         /* invalid UTF-8 byte */
    {"\"\xc0\xaf\"", YB_EUTF8},     /* overlong encoding */
    {"\"\xed\xa0\x80\"", YB_EUTF8}, /* UTF-8-encoded surrogate */
};

static void jr_parse_accepts_json_and_rejects_the_rest(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(parse_cases); i++) {
        const struct parse_case *c = &parse_cases[i];
        int rc = jr_parse(c->json, strlen(c->json), NULL);
        if (rc != c->rc) {
            fail_msg("case %zu (%s): got %d, want %d", i, c->json, rc, c->rc);
        }
    }
}

static void jr_parse_caps_nesting_depth(void **state)
{
    char deep[2 * (JR_MAX_DEPTH + 1) + 1];
    (void)state;
    /* JR_MAX_DEPTH levels are fine, one more is refused (bounds the recursion). */
    for (int depth = JR_MAX_DEPTH; depth <= JR_MAX_DEPTH + 1; depth++) {
        memset(deep, '[', (size_t)depth);
        memset(deep + depth, ']', (size_t)depth);
        int rc = jr_parse(deep, 2 * (size_t)depth, NULL);
        assert_int_equal(rc, depth <= JR_MAX_DEPTH ? YB_OK : YB_EJSON);
    }
}

static struct jr_value parsed(const char *json)
{
    struct jr_value v;
    assert_int_equal(jr_parse(json, strlen(json), &v), YB_OK);
    return v;
}

/* ---- jr: member lookup and typed decoding ---- */

static void jr_get_finds_members_by_unescaped_key(void **state)
{
    struct jr_value obj = parsed("{\"a\":1, \"pr\\u006fmpt\" : \"hi\", \"nested\":{\"prompt\":2}}");
    struct jr_value v;
    char out[16];
    size_t n;
    (void)state;
    assert_int_equal(jr_get(obj, "prompt", &v), YB_OK);
    assert_int_equal(jr_string(v, out, sizeof out, &n), YB_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "hi", 2);
    assert_int_equal(jr_get(obj, "missing", &v), YB_EJSON_MISSING);
    assert_int_equal(jr_get(parsed("[1]"), "a", &v), YB_EJSON_TYPE);
    assert_int_equal(jr_get(parsed("{\"a\":1,\"a\":2}"), "a", &v), YB_EJSON);
}

struct string_case {
    const char *json;
    const char *decoded; /* expected bytes */
    size_t decoded_len;
};

static const struct string_case string_cases[] = {
    {"\"plain\"", "plain", 5},
    {"\"q\\\"b\\\\s\\/\"", "q\"b\\s/", 6},
    {"\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t", 5},
    {"\"\\u0041\\u00e9\"", "A\xc3\xa9", 3},
    {"\"\\u20ac\"", "\xe2\x82\xac", 3},
    {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4},
    {"\"\\u0000\"", "\0", 1},
    {"\"caf\xc3\xa9\"", "caf\xc3\xa9", 5},
    {"\"\"", "", 0},
};

static void jr_parse_members_notes_top_level_members_while_validating(void **state)
{
    const char *doc =
        " { \"a\" : 1 , \"b\\u0063\":{\"x\":[1,{\"y\":2}]},\"s\":\"q\\\"}\" ,\"a\":null } ";
    struct jr_member m[2];
    struct jr_member all[8];
    struct jr_value root;
    size_t count;
    (void)state;
    assert_int_equal(jr_parse_members(doc, strlen(doc), &root, all, 8, &count), YB_OK);
    assert_int_equal(count, 4);
    const char *keys[] = {"\"a\"", "\"b\\u0063\"", "\"s\"", "\"a\""};
    const char *values[] = {"1", "{\"x\":[1,{\"y\":2}]}", "\"q\\\"}\"", "null"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(all[i].key.n, strlen(keys[i]));
        assert_memory_equal(all[i].key.p, keys[i], all[i].key.n);
        assert_int_equal(all[i].value.n, strlen(values[i]));
        assert_memory_equal(all[i].value.p, values[i], all[i].value.n);
    }
    /* Keys compare after unescaping; nested members are not listed. */
    assert_true(jr_member_is(&all[1], "bc", 2));
    assert_false(jr_member_is(&all[1], "b", 1));
    assert_false(jr_member_is(&all[1], "bcd", 3));
    assert_true(jr_member_is(&all[0], "a", 1));
    assert_false(jr_member_is(&all[0], "", 0));
    assert_false(jr_member_is(&all[0], "ab", 2));
    assert_false(jr_member_is(&all[1], "b\\u0063", 7)); /* raw text is not the name */
    assert_true(all[1].key_escaped);
    assert_false(all[0].key_escaped);
    /* More members than room: the count says so, the first ones are kept. */
    assert_int_equal(jr_parse_members(doc, strlen(doc), &root, m, 2, &count), YB_OK);
    assert_int_equal(count, 4);
    assert_true(jr_member_is(&m[1], "bc", 2));
    /* jr_object_next walks the same members. */
    size_t pos = 0;
    struct jr_member e;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(jr_object_next(root, &pos, &e), YB_OK);
        assert_memory_equal(e.key.p, all[i].key.p, e.key.n);
        assert_int_equal(e.key_escaped, all[i].key_escaped);
        assert_ptr_equal(e.value.p, all[i].value.p);
        assert_int_equal(e.value.n, all[i].value.n);
    }
    assert_int_equal(jr_object_next(root, &pos, &e), YB_ENOTFOUND);
    /* Invalid documents still fail, and arrays or scalars list nothing. */
    assert_int_equal(jr_parse_members("{\"a\":1,}", 8, &root, all, 8, &count), YB_EJSON);
    assert_int_equal(jr_parse_members("[{\"a\":1}]", 9, &root, all, 8, &count), YB_OK);
    assert_int_equal(count, 0);
    assert_int_equal(jr_object_next(root, &pos, &e), YB_EJSON_TYPE);
}

static void jr_string_decodes_escapes_to_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(string_cases); i++) {
        const struct string_case *c = &string_cases[i];
        char out[32];
        size_t n = 99;
        int rc = jr_string(parsed(c->json), out, sizeof out, &n);
        if (rc != YB_OK || n != c->decoded_len || memcmp(out, c->decoded, n) != 0) {
            fail_msg("case %zu (%s): rc %d, len %zu", i, c->json, rc, n);
        }
    }
}

static void jr_string_respects_the_cap(void **state)
{
    char out[4];
    size_t n;
    char *s;
    (void)state;
    assert_int_equal(jr_string(parsed("\"abcd\""), out, 4, &n), YB_OK);
    assert_int_equal(jr_string(parsed("\"abcde\""), out, 4, &n), YB_ETOOBIG);
    /* A multi-byte escape that crosses the cap. */
    assert_int_equal(jr_string(parsed("\"abc\\u00e9\""), out, 4, &n), YB_ETOOBIG);
    assert_int_equal(jr_string(parsed("1"), out, 4, &n), YB_EJSON_TYPE);
    assert_int_equal(jr_string_alloc(parsed("\"x\\ny\""), 3, &s, &n), YB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(s, "x\ny");
    assert_int_equal(jr_string_alloc(parsed("\"abcd\""), 3, &s, &n), YB_ETOOBIG);
    /* Raw text within the cap decodes in one pass; escapes and UTF-8 come out exact. */
    assert_int_equal(jr_string_alloc(parsed("\"a\\u00e9\\\"\xe2\x82\xac\""), 16, &s, &n), YB_OK);
    assert_int_equal(n, 7);
    assert_string_equal(s, "a\xc3\xa9\"\xe2\x82\xac");
    assert_int_equal(jr_string_alloc(parsed("\"\""), 0, &s, &n), YB_OK);
    assert_int_equal(n, 0);
    assert_string_equal(s, "");
    assert_int_equal(jr_string_alloc(parsed("[1]"), 16, &s, &n), YB_EJSON_TYPE);
}

struct u64_case {
    const char *json;
    int rc;
    uint64_t value;
};

static const struct u64_case u64_cases[] = {
    {"0", YB_OK, 0},
    {"42", YB_OK, 42},
    {"18446744073709551615", YB_OK, UINT64_MAX},
    {"\"18446744073709551615\"", YB_OK, UINT64_MAX},
    {"\"7\"", YB_OK, 7},
    {"18446744073709551616", YB_EOVERFLOW, 0},
    {"-1", YB_ENUMBER, 0},
    {"1.5", YB_ENUMBER, 0},
    {"1e3", YB_ENUMBER, 0},
    {"\"\"", YB_ENUMBER, 0},
    {"\"012\"", YB_ENUMBER, 0},
    {"\"12a\"", YB_ENUMBER, 0},
    {"true", YB_EJSON_TYPE, 0},
    {"[1]", YB_EJSON_TYPE, 0},
};

static void jr_u64_reads_numbers_and_decimal_strings(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(u64_cases); i++) {
        const struct u64_case *c = &u64_cases[i];
        uint64_t v = 0;
        int rc = jr_u64(parsed(c->json), &v);
        if (rc != c->rc || (rc == YB_OK && v != c->value)) {
            fail_msg("case %zu (%s): rc %d value %llu", i, c->json, rc, (unsigned long long)v);
        }
    }
}

static void jr_bool_reads_true_and_false_only(void **state)
{
    bool b;
    (void)state;
    assert_int_equal(jr_bool(parsed("true"), &b), YB_OK);
    assert_true(b);
    assert_int_equal(jr_bool(parsed("false"), &b), YB_OK);
    assert_false(b);
    assert_int_equal(jr_bool(parsed("1"), &b), YB_EJSON_TYPE);
    assert_int_equal(jr_bool(parsed("\"true\""), &b), YB_EJSON_TYPE);
}

/* Builds "[b0,b1,...]" for n bytes with value i + offset. */
static void byte_array_json(char *out, size_t cap, size_t n, unsigned offset)
{
    size_t len = 0;
    len += (size_t)snprintf(out + len, cap - len, "[");
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(out + len, cap - len, "%s%u", i ? ", " : "", (unsigned)i + offset);
    }
    snprintf(out + len, cap - len, "]");
}

static void jr_hash32_reads_exactly_32_bytes(void **state)
{
    char json[256];
    uint8_t h[32];
    (void)state;
    byte_array_json(json, sizeof json, 32, 230);
    assert_int_equal(jr_hash32(parsed(json), h), YB_EOVERFLOW); /* 230 + 31 > 255 */
    byte_array_json(json, sizeof json, 32, 0);
    assert_int_equal(jr_hash32(parsed(json), h), YB_OK);
    for (int i = 0; i < 32; i++) {
        assert_int_equal(h[i], i);
    }
    byte_array_json(json, sizeof json, 31, 0);
    assert_int_equal(jr_hash32(parsed(json), h), YB_EJSON_TYPE);
    byte_array_json(json, sizeof json, 33, 0);
    assert_int_equal(jr_hash32(parsed(json), h), YB_EJSON_TYPE);
    assert_int_equal(jr_hash32(parsed("\"abc\""), h), YB_EJSON_TYPE);
    assert_int_equal(jr_hash32(parsed("[\"1\",2]"), h), YB_EJSON_TYPE);
}

static void jr_array_next_walks_every_element(void **state)
{
    struct jr_value arr = parsed("[ 1 , {\"a\":[2]} ,\"x\"]");
    struct jr_value e;
    size_t pos = 0;
    (void)state;
    assert_int_equal(jr_array_next(arr, &pos, &e), YB_OK);
    assert_int_equal(jr_type_of(e), JR_NUMBER);
    assert_int_equal(jr_array_next(arr, &pos, &e), YB_OK);
    assert_int_equal(jr_type_of(e), JR_OBJECT);
    assert_int_equal(e.n, strlen("{\"a\":[2]}"));
    assert_int_equal(jr_array_next(arr, &pos, &e), YB_OK);
    assert_int_equal(jr_type_of(e), JR_STRING);
    assert_int_equal(jr_array_next(arr, &pos, &e), YB_ENOTFOUND);
    pos = 0;
    assert_int_equal(jr_array_next(parsed("[]"), &pos, &e), YB_ENOTFOUND);
}

/* ---- jw ---- */

static const char *finish(struct jw *w)
{
    const char *out;
    size_t n;
    assert_int_equal(jw_finish(w, &out, &n), YB_OK);
    assert_int_equal(n, strlen(out));
    return out;
}

static void jw_writes_objects_arrays_and_commas(void **state)
{
    struct jw w;
    uint8_t bytes[3] = {0, 127, 255};
    (void)state;
    jw_init(&w, 1024);
    jw_object_begin(&w);
    jw_key(&w, "request_id");
    jw_u64(&w, UINT64_MAX);
    jw_key(&w, "s");
    jw_u64_string(&w, 7);
    jw_key(&w, "list");
    jw_array_begin(&w);
    jw_bool(&w, true);
    jw_null(&w);
    jw_raw(&w, "{\"x\":1}", 7);
    jw_array_end(&w);
    jw_key(&w, "bytes");
    jw_byte_array(&w, bytes, 3);
    jw_key(&w, "empty");
    jw_object_begin(&w);
    jw_object_end(&w);
    jw_object_end(&w);
    const char *out = finish(&w);
    assert_string_equal(out, "{\"request_id\":18446744073709551615,\"s\":\"7\",\"list\":[true,"
                             "null,{\"x\":1}],\"bytes\":[0,127,255],\"empty\":{}}");
    /* What the writer produces, the reader accepts. */
    assert_int_equal(jr_parse(out, strlen(out), NULL), YB_OK);
}

static void jw_escapes_strings_so_they_round_trip(void **state)
{
    static const char raw[] = "q\"b\\ \n\r\t\b\f \x01\x1f caf\xc3\xa9 \xf0\x9f\x98\x80";
    struct jw w;
    char back[64];
    size_t n;
    (void)state;
    jw_init(&w, 256);
    jw_string(&w, raw, sizeof raw - 1);
    const char *out = finish(&w);
    assert_string_equal(out, "\"q\\\"b\\\\ \\n\\r\\t\\b\\f \\u0001\\u001f caf\xc3\xa9 "
                             "\xf0\x9f\x98\x80\"");
    assert_int_equal(jr_string(parsed(out), back, sizeof back, &n), YB_OK);
    assert_int_equal(n, sizeof raw - 1);
    assert_memory_equal(back, raw, n);
    /* An embedded NUL survives as \u0000. */
    jw_init(&w, 64);
    jw_string(&w, "a\0b", 3);
    assert_string_equal(finish(&w), "\"a\\u0000b\"");
}

static void jw_errors_are_sticky_and_reported(void **state)
{
    struct jw w;
    (void)state;
    jw_init(&w, 8);
    jw_string_z(&w, "123456789"); /* 11 bytes with quotes: over the cap */
    jw_u64(&w, 1);
    assert_int_equal(jw_finish(&w, NULL, NULL), YB_ETOOBIG);

    jw_init(&w, 64);
    jw_string(&w, "\xff", 1);
    assert_int_equal(jw_finish(&w, NULL, NULL), YB_EUTF8);

    jw_init(&w, 64); /* a value where a key is due */
    jw_object_begin(&w);
    jw_u64(&w, 1);
    assert_int_equal(jw_finish(&w, NULL, NULL), YB_EINVAL);

    jw_init(&w, 64); /* unbalanced */
    jw_array_begin(&w);
    assert_int_equal(jw_finish(&w, NULL, NULL), YB_EINVAL);

    jw_init(&w, 64); /* mismatched close */
    jw_array_begin(&w);
    jw_object_end(&w);
    assert_int_equal(jw_finish(&w, NULL, NULL), YB_EINVAL);

    jw_init(&w, 64); /* nothing written */
    assert_int_equal(jw_finish(&w, NULL, NULL), YB_EINVAL);

    jw_init(&w, 64); /* two top-level values */
    jw_u64(&w, 1);
    jw_u64(&w, 2);
    assert_int_equal(jw_finish(&w, NULL, NULL), YB_EINVAL);
}

static void jw_grows_past_its_initial_buffer(void **state)
{
    struct jw w;
    (void)state;
    jw_init(&w, 100000);
    jw_array_begin(&w);
    for (int i = 0; i < 5000; i++) {
        jw_u64(&w, 1000 + (uint64_t)i);
    }
    jw_array_end(&w);
    const char *out = finish(&w);
    assert_int_equal(strlen(out), 2 + 5000 * 4 + 4999);
    assert_int_equal(jr_parse(out, strlen(out), NULL), YB_OK);
}

/* ---- b58 ---- */

struct b58_case {
    const char *hex;
    const char *text;
};

/* Bitcoin Core's base58_encode_decode.json vectors. */
static const struct b58_case b58_cases[] = {
    {"61", "2g"},
    {"626262", "a3gV"},
    {"636363", "aPEr"},
    {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
    {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
    {"516b6fcd0f", "ABnLTmg"},
    {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
    {"572e4794", "3EFU7m"},
    {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
    {"10c8511e", "Rt5zm"},
    {"00000000000000000000", "1111111111"},
};

static size_t from_hex(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned b;
        sscanf(hex + 2 * i, "%2x", &b);
        out[i] = (uint8_t)b;
    }
    return n;
}

static void b58_matches_reference_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(b58_cases); i++) {
        uint8_t bytes[64];
        uint8_t back[64];
        char text[B58_MAX_TEXT];
        size_t tn;
        size_t n = from_hex(b58_cases[i].hex, bytes);
        assert_int_equal(b58_encode(bytes, n, text, sizeof text, &tn), YB_OK);
        assert_string_equal(text, b58_cases[i].text);
        assert_int_equal(tn, strlen(b58_cases[i].text));
        assert_int_equal(b58_decode_exact(text, tn, back, n), YB_OK);
        assert_memory_equal(back, bytes, n);
    }
}

static void b58_round_trips_32_byte_ids(void **state)
{
    (void)state;
    for (unsigned seed = 0; seed < 64; seed++) {
        uint8_t id[32];
        uint8_t back[32];
        char text[B58_HASH_TEXT];
        size_t tn;
        for (int i = 0; i < 32; i++) {
            /* Leading zero bytes for some seeds exercise the '1' prefix. */
            id[i] = (uint8_t)(i < (int)(seed % 4) ? 0 : (seed * 131 + (unsigned)i * 29) & 0xFF);
        }
        assert_int_equal(b58_encode(id, 32, text, sizeof text, &tn), YB_OK);
        assert_true(tn <= 44);
        assert_int_equal(b58_decode_exact(text, tn, back, 32), YB_OK);
        assert_memory_equal(back, id, 32);
    }
    uint8_t all_ff[32];
    char text[B58_HASH_TEXT];
    size_t tn;
    memset(all_ff, 0xFF, 32);
    assert_int_equal(b58_encode(all_ff, 32, text, sizeof text, &tn), YB_OK);
    assert_int_equal(tn, 44); /* the longest a 32-byte id gets */
}

/* Every length from 1 to B58_MAX_BYTES, with and without leading zero bytes, round-trips: the
 * conversion works in 4-byte and 5-digit chunks, so partial first chunks need covering. */
static void b58_round_trips_every_length(void **state)
{
    uint32_t x = 12345;
    (void)state;
    for (size_t n = 1; n <= B58_MAX_BYTES; n++) {
        for (size_t lead = 0; lead < 3 && lead <= n; lead++) {
            uint8_t bytes[B58_MAX_BYTES];
            uint8_t back[B58_MAX_BYTES];
            char text[B58_MAX_TEXT];
            size_t tn;
            for (size_t i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                bytes[i] = i < lead ? 0 : (uint8_t)(x >> 16);
            }
            assert_int_equal(b58_encode(bytes, n, text, sizeof text, &tn), YB_OK);
            assert_int_equal(b58_decode_exact(text, tn, back, n), YB_OK);
            assert_memory_equal(back, bytes, n);
            if (n > 1) {
                assert_int_equal(b58_decode_exact(text, tn, back, n - 1), YB_EBASE58);
            }
        }
    }
}

/* The SDK's limb-wise base58 agrees with common/'s codec (the one the node and RPC use) on
 * every length up to 64 bytes, with 0 to 3 leading zero bytes and all-0xFF values. */
static void b58_agrees_with_the_common_codec(void **state)
{
    uint32_t x = 777;
    (void)state;
    for (size_t n = 1; n <= B58_MAX_BYTES; n++) {
        for (size_t lead = 0; lead <= 4 && lead <= n; lead++) {
            uint8_t bytes[B58_MAX_BYTES];
            uint8_t back[B58_MAX_BYTES];
            char ours[B58_MAX_TEXT];
            char theirs[2 * B58_MAX_TEXT];
            size_t tn;
            for (size_t i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                bytes[i] = i < lead ? 0 : lead == 4 ? 0xFF : (uint8_t)(x >> 16);
            }
            assert_int_equal(b58_encode(bytes, n, ours, sizeof ours, &tn), YB_OK);
            assert_int_equal(base58_encode(bytes, n, theirs, sizeof theirs), YB_OK);
            assert_string_equal(ours, theirs);
            assert_int_equal(b58_decode_exact(theirs, strlen(theirs), back, n), YB_OK);
            assert_memory_equal(back, bytes, n);
        }
    }
}

static void b58_decode_rejects_bad_text_and_wrong_lengths(void **state)
{
    uint8_t out[32];
    char text[B58_HASH_TEXT];
    uint8_t id[32];
    size_t tn;
    (void)state;
    memset(id, 7, 32);
    assert_int_equal(b58_encode(id, 32, text, sizeof text, &tn), YB_OK);
    assert_int_equal(b58_decode_exact(text, tn, out, 31), YB_EBASE58);
    assert_int_equal(b58_decode_exact(text, tn - 1, out, 32), YB_EBASE58);
    text[3] = '0'; /* not in the alphabet (nor are O, I, l) */
    assert_int_equal(b58_decode_exact(text, tn, out, 32), YB_EBASE58);
    assert_int_equal(b58_decode_exact("", 0, out, 32), YB_EBASE58);
    assert_int_equal(b58_encode(id, 32, text, 10, &tn), YB_ETOOBIG);
}

/* ---- amount (u128) ---- */

static void amount_decimal_round_trips_the_extremes(void **state)
{
    static const char *const texts[] = {"0",
                                        "1",
                                        "18446744073709551615",
                                        "18446744073709551616",
                                        "1000000000000000000000000",
                                        "340282366920938463463374607431768211455"};
    (void)state;
    for (size_t i = 0; i < N_ELEMS(texts); i++) {
        struct amount a;
        char out[AMOUNT_DEC_MAX];
        assert_int_equal(amount_from_dec(texts[i], strlen(texts[i]), &a), YB_OK);
        assert_int_equal(amount_to_dec(a, out), strlen(texts[i]));
        assert_string_equal(out, texts[i]);
    }
    struct amount a;
    assert_int_equal(amount_from_dec("18446744073709551616", 20, &a), YB_OK);
    assert_true(a.hi == 1 && a.lo == 0);
    const char *over = "340282366920938463463374607431768211456";
    assert_int_equal(amount_from_dec(over, strlen(over), &a), YB_EOVERFLOW);
    assert_int_equal(amount_from_dec("12x", 3, &a), YB_ENUMBER);
    assert_int_equal(amount_from_dec("007", 3, &a), YB_ENUMBER);
    assert_int_equal(amount_from_dec("", 0, &a), YB_ENUMBER);
}

static void amount_arithmetic_carries_and_detects_overflow(void **state)
{
    struct amount max = {UINT64_MAX, UINT64_MAX};
    struct amount r;
    (void)state;
    assert_int_equal(amount_add(amount_from_u64(UINT64_MAX), amount_from_u64(1), &r), YB_OK);
    assert_true(r.hi == 1 && r.lo == 0);
    assert_int_equal(amount_add(max, amount_from_u64(1), &r), YB_EOVERFLOW);
    struct amount two64 = {0, 1};
    assert_int_equal(amount_sub(two64, amount_from_u64(1), &r), YB_OK);
    assert_true(r.hi == 0 && r.lo == UINT64_MAX);
    assert_int_equal(amount_sub(amount_from_u64(1), amount_from_u64(2), &r), YB_EOVERFLOW);
    assert_int_equal(amount_mul_u64(amount_from_u64(UINT64_MAX), UINT64_MAX, &r), YB_OK);
    /* (2^64-1)^2 = 2^128 - 2^65 + 1 */
    assert_true(r.hi == UINT64_MAX - 1 && r.lo == 1);
    assert_int_equal(amount_mul_u64(max, 2, &r), YB_EOVERFLOW);
    assert_int_equal(amount_mul_u64((struct amount){0, 1ull << 63}, 2, &r), YB_EOVERFLOW);
    assert_int_equal(amount_cmp(max, amount_from_u64(5)), 1);
    assert_int_equal(amount_cmp(amount_from_u64(5), amount_from_u64(5)), 0);
    assert_true(amount_is_zero(amount_from_u64(0)));
}

static void amount_le_bytes_match_near_layout(void **state)
{
    uint8_t le[16];
    struct amount a = {0x0807060504030201ull, 0x100f0e0d0c0b0a09ull};
    (void)state;
    amount_store(a, le);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(le[i], i + 1);
    }
    struct amount b = amount_load(le);
    assert_int_equal(amount_cmp(a, b), 0);
}

/* ---- str ---- */

/* The reference for str_plain_run / str_quote_run: one byte at a time. */
static size_t plain_run_ref(const uint8_t *p, size_t n, bool quotes_only)
{
    size_t i = 0;
    while (i < n && p[i] != '"' && p[i] != '\\' && (quotes_only || (p[i] >= 0x20 && p[i] < 0x80))) {
        i++;
    }
    return i;
}

static void str_runs_stop_at_the_first_special_byte_at_every_position(void **state)
{
    /* Every byte class that ends a run (or, for quote runs, must not), at every position of
     * every length up to 40, after plain bytes and before more special ones. */
    const uint8_t stops[] = {'"',  '\\', 0x00, 0x1F, 0x0A, 0x80, 0xC3,
                             0xFF, 0x7F, 0x20, 0x21, 0x5B, 0x5D};
    uint8_t buf[48];
    (void)state;
    for (size_t n = 0; n <= 40; n++) {
        memset(buf, 'a', sizeof buf);
        assert_int_equal(str_plain_run(buf, n), n);
        assert_int_equal(str_quote_run(buf, n), n);
        for (size_t at = 0; at < n; at++) {
            for (size_t s = 0; s < N_ELEMS(stops); s++) {
                memset(buf, 'a', sizeof buf);
                buf[at] = stops[s];
                if (at + 1 < n) {
                    buf[n - 1] = '"'; /* a later special byte must not matter */
                }
                assert_int_equal(str_plain_run(buf, n), plain_run_ref(buf, n, false));
                assert_int_equal(str_quote_run(buf, n), plain_run_ref(buf, n, true));
            }
        }
    }
}

static void jw_key_lit_writes_what_jw_key_writes(void **state)
{
    struct jw a;
    struct jw b;
    const char *ta;
    const char *tb;
    size_t na;
    size_t nb;
    (void)state;
    jw_init(&a, 256);
    jw_init(&b, 256);
    jw_object_begin(&a);
    jw_object_begin(&b);
    jw_key_lit(&a, "request_id");
    jw_key(&b, "request_id");
    jw_u64(&a, 7);
    jw_u64(&b, 7);
    jw_key_lit(&a, "");
    jw_key(&b, "");
    jw_object_begin(&a);
    jw_object_begin(&b);
    jw_key_lit(&a, "a");
    jw_key(&b, "a");
    jw_null(&a);
    jw_null(&b);
    jw_object_end(&a);
    jw_object_end(&b);
    jw_object_end(&a);
    jw_object_end(&b);
    assert_int_equal(jw_finish(&a, &ta, &na), YB_OK);
    assert_int_equal(jw_finish(&b, &tb, &nb), YB_OK);
    assert_string_equal(ta, "{\"request_id\":7,\"\":{\"a\":null}}");
    assert_string_equal(ta, tb);
    /* jw_string_plain writes what jw_string writes for text without anything to escape. */
    jw_init(&a, 256);
    jw_init(&b, 256);
    jw_array_begin(&a);
    jw_array_begin(&b);
    const char *plain[] = {"", "x", "oracle.test", "3yZe7d3Qx9vPQ8VQr6oUf2Yq1TnHRXuxQbJ9hWsxyzab"};
    for (size_t i = 0; i < N_ELEMS(plain); i++) {
        jw_string_plain(&a, plain[i], strlen(plain[i]));
        jw_string(&b, plain[i], strlen(plain[i]));
    }
    jw_array_end(&a);
    jw_array_end(&b);
    assert_int_equal(jw_finish(&a, &ta, &na), YB_OK);
    assert_int_equal(jw_finish(&b, &tb, &nb), YB_OK);
    assert_string_equal(ta, tb);
    /* The same misuse errors as jw_key: a key where a value is due, or outside an object. */
    jw_init(&a, 256);
    jw_array_begin(&a);
    jw_key_lit(&a, "k");
    assert_int_equal(jw_finish(&a, NULL, NULL), YB_EINVAL);
    jw_init(&a, 256);
    jw_object_begin(&a);
    jw_key_lit(&a, "k");
    jw_key_lit(&a, "k");
    assert_int_equal(jw_finish(&a, NULL, NULL), YB_EINVAL);
    jw_init(&a, 8);
    jw_object_begin(&a);
    jw_key_lit(&a, "longer_than_cap");
    assert_int_equal(jw_finish(&a, NULL, NULL), YB_ETOOBIG);
}

static void jw_escapes_a_special_byte_at_every_position(void **state)
{
    /* Quote, backslash, control and multi-byte characters at every offset of strings around the
     * 8-byte steps: the output decodes back to the input, and plain text stays as it is. */
    const char *specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\xc3\xa9", "\xe2\x82\xac", "\x7f"};
    char text[40];
    (void)state;
    for (size_t n = 1; n <= 24; n++) {
        for (size_t at = 0; at < n; at++) {
            for (size_t s = 0; s < N_ELEMS(specials); s++) {
                size_t sl = strlen(specials[s]);
                memset(text, 'x', sizeof text);
                memcpy(text + at, specials[s], sl);
                size_t len = n + sl - 1;
                struct jw w;
                const char *out;
                size_t out_len;
                jw_init(&w, 1024);
                jw_string(&w, text, len);
                assert_int_equal(jw_finish(&w, &out, &out_len), YB_OK);
                struct jr_value v;
                char back[64];
                size_t back_len;
                assert_int_equal(jr_parse(out, out_len, &v), YB_OK);
                assert_int_equal(jr_string(v, back, sizeof back, &back_len), YB_OK);
                assert_int_equal(back_len, len);
                assert_memory_equal(back, text, len);
                /* Escapes only where needed: the plain prefix is copied as is. */
                assert_memory_equal(out + 1, text, at);
            }
        }
    }
}

static void str_formats_u64_and_compares_bytes(void **state)
{
    char out[STR_U64_MAX];
    (void)state;
    assert_int_equal(str_from_u64(0, out), 1);
    assert_string_equal(out, "0");
    assert_int_equal(str_from_u64(UINT64_MAX, out), 20);
    assert_string_equal(out, "18446744073709551615");
    assert_true(str_eq("alice.near", 10, "alice.near", 10));
    assert_false(str_eq("alice.near", 10, "alice.nea", 9));
    assert_true(str_eq_z("bob", 3, "bob"));
    assert_true(str_eq("", 0, NULL, 0));
}

struct account_case {
    const char *id;
    bool valid;
};

static const struct account_case account_cases[] = {
    {"alice.near", true},
    {"a1", true},
    {"oracle-1.yieldbox_test", true},
    {"0123456789012345678901234567890123456789012345678901234567890123", true},
    {"a", false},
    {"01234567890123456789012345678901234567890123456789012345678901234", false},
    {"Alice.near", false},
    {".alice", false},
    {"alice.", false},
    {"al..ice", false},
    {"al-_ice", false},
    {"ali ce", false},
    {"alice@near", false},
};

static void str_account_ids_follow_near_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ELEMS(account_cases); i++) {
        const struct account_case *c = &account_cases[i];
        if (str_account_id_valid(c->id, strlen(c->id)) != c->valid) {
            fail_msg("account id %s: want %s", c->id, c->valid ? "valid" : "invalid");
        }
    }
}

/* ---- alloc ---- */

static void alloc_returns_aligned_distinct_blocks(void **state)
{
    (void)state;
    size_t before = alloc_used();
    uint8_t *a = alloc_bytes(3);
    uint8_t *b = alloc_bytes(17);
    uint8_t *z = alloc_zeroed(40);
    assert_int_equal((uintptr_t)a % 8, 0);
    assert_int_equal((uintptr_t)b % 8, 0);
    assert_true(b >= a + 3);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(z[i], 0);
    }
    char *d = alloc_dup("abc", 3);
    assert_string_equal(d, "abc");
    assert_true(alloc_used() >= before + 3 + 17 + 40 + 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(libc_memcpy_and_memset_match_at_every_offset_and_length),
        cmocka_unit_test(libc_memmove_handles_overlap_both_ways),
        cmocka_unit_test(libc_memcmp_orders_by_the_first_differing_byte),
        cmocka_unit_test(libc_inline_copy_same_and_u64le_match_the_c_library),
        cmocka_unit_test(libc_strlen_finds_the_terminator_at_any_alignment),
        cmocka_unit_test(jr_parse_accepts_json_and_rejects_the_rest),
        cmocka_unit_test(jr_parse_caps_nesting_depth),
        cmocka_unit_test(jr_get_finds_members_by_unescaped_key),
        cmocka_unit_test(jr_parse_members_notes_top_level_members_while_validating),
        cmocka_unit_test(jr_string_decodes_escapes_to_utf8),
        cmocka_unit_test(jr_string_respects_the_cap),
        cmocka_unit_test(jr_u64_reads_numbers_and_decimal_strings),
        cmocka_unit_test(jr_bool_reads_true_and_false_only),
        cmocka_unit_test(jr_hash32_reads_exactly_32_bytes),
        cmocka_unit_test(jr_array_next_walks_every_element),
        cmocka_unit_test(jw_writes_objects_arrays_and_commas),
        cmocka_unit_test(jw_escapes_strings_so_they_round_trip),
        cmocka_unit_test(jw_errors_are_sticky_and_reported),
        cmocka_unit_test(jw_grows_past_its_initial_buffer),
        cmocka_unit_test(b58_matches_reference_vectors),
        cmocka_unit_test(b58_round_trips_32_byte_ids),
        cmocka_unit_test(b58_round_trips_every_length),
        cmocka_unit_test(b58_agrees_with_the_common_codec),
        cmocka_unit_test(b58_decode_rejects_bad_text_and_wrong_lengths),
        cmocka_unit_test(amount_decimal_round_trips_the_extremes),
        cmocka_unit_test(amount_arithmetic_carries_and_detects_overflow),
        cmocka_unit_test(amount_le_bytes_match_near_layout),
        cmocka_unit_test(str_runs_stop_at_the_first_special_byte_at_every_position),
        cmocka_unit_test(jw_key_lit_writes_what_jw_key_writes),
        cmocka_unit_test(jw_escapes_a_special_byte_at_every_position),
        cmocka_unit_test(str_formats_u64_and_compares_bytes),
        cmocka_unit_test(str_account_ids_follow_near_rules),
        cmocka_unit_test(alloc_returns_aligned_distinct_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
