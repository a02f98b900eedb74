/*
 * fuzz_contract_json.c — libFuzzer target for the contract SDK's JSON reader and writer.
 *
 * For any input: jr_parse must not crash; if it accepts a document, every member of a top-level
 * object and every element of a top-level array must be reachable, every string must decode, and
 * a decoded string written back with jw must parse and decode to the same bytes. The members
 * jr_parse_members notes while validating must be those jr_object_next walks, and each must be
 * found again by jr_get under its decoded name (unless that name occurs twice).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "jr.h"
#include "jw.h"

#define FUZZ_STRING_MAX  4096
#define FUZZ_MEMBERS_MAX 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes a string value and checks it survives a write/read round trip. */
static void check_string(struct jr_value v)
{
    char *s;
    size_t n;
    if (jr_string_alloc(v, FUZZ_STRING_MAX, &s, &n) != YB_OK) {
        return;
    }
    struct jw w;
    const char *out;
    size_t out_n;
    jw_init(&w, FUZZ_STRING_MAX * 6 + 2);
    jw_string(&w, s, n);
    if (jw_finish(&w, &out, &out_n) != YB_OK) {
        abort(); /* decoded JSON strings are valid UTF-8 and fit the cap */
    }
    struct jr_value back;
    char *s2;
    size_t n2;
    if (jr_parse(out, out_n, &back) != YB_OK || jr_string_alloc(back, n, &s2, &n2) != YB_OK ||
        n2 != n || memcmp(s, s2, n) != 0) {
        abort();
    }
}

static void visit(struct jr_value v)
{
    uint64_t u;
    bool b;
    uint8_t h[32];
    switch (jr_type_of(v)) {
    case JR_STRING:
        check_string(v);
        (void)jr_u64(v, &u);
        break;
    case JR_NUMBER:
        (void)jr_u64(v, &u);
        break;
    case JR_BOOL:
        if (jr_bool(v, &b) != YB_OK) {
            abort();
        }
        break;
    case JR_ARRAY: {
        size_t pos = 0;
        struct jr_value e;
        (void)jr_hash32(v, h);
        while (jr_array_next(v, &pos, &e) == YB_OK) {
            if (jr_type_of(e) == JR_STRING) {
                check_string(e);
            }
        }
        break;
    }
    case JR_OBJECT: {
        struct jr_value m;
        (void)jr_get(v, "prompt", &m);
        (void)jr_get(v, "yield_id", &m);
        break;
    }
    case JR_NULL:
        break;
    }
}

/* jr_parse_members against jr_object_next and jr_get for a top-level object. */
static void check_members(const uint8_t *data, size_t size)
{
    struct jr_member noted[FUZZ_MEMBERS_MAX];
    struct jr_value root;
    size_t count;
    if (jr_parse_members((const char *)data, size, &root, noted, FUZZ_MEMBERS_MAX, &count) !=
        YB_OK) {
        return;
    }
    if (jr_type_of(root) != JR_OBJECT) {
        if (count != 0) {
            abort();
        }
        return;
    }
    size_t pos = 0;
    size_t i = 0;
    struct jr_member m;
    while (jr_object_next(root, &pos, &m) == YB_OK) {
        if (i < FUZZ_MEMBERS_MAX &&
            (m.key.p != noted[i].key.p || m.key.n != noted[i].key.n ||
             m.value.p != noted[i].value.p || m.value.n != noted[i].value.n ||
             m.key_escaped != noted[i].key_escaped)) {
            abort();
        }
        char name[JR_MAX_KEY];
        size_t name_len;
        struct jr_value v;
        if (jr_string(m.key, name, sizeof name - 1, &name_len) == YB_OK &&
            memchr(name, '\0', name_len) == NULL) {
            name[name_len] = '\0';
            if (!jr_member_is(&m, name, name_len)) {
                abort();
            }
            int rc = jr_get(root, name, &v);
            if (rc != YB_OK && rc != YB_EJSON) {
                abort(); /* present: found, or refused as given twice */
            }
        }
        i++;
    }
    if (i != count) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_members(data, size);
    struct jr_value root;
    alloc_reset();
    if (jr_parse((const char *)data, size, &root) == YB_OK) {
        visit(root);
        if (jr_type_of(root) == JR_OBJECT) {
            struct jr_value m;
            if (jr_get(root, "prompt", &m) == YB_OK) {
                visit(m);
            }
        }
    }
    return 0;
}
