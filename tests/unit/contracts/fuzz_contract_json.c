/*
 * fuzz_contract_json.c — libFuzzer target for the contract SDK's JSON reader and writer.
 *
 * For any input: jr_parse must not crash; if it accepts a document, every member of a top-level
 * object and every element of a top-level array must be reachable, every string must decode, and
 * a decoded string written back with jw must parse and decode to the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "jr.h"
#include "jw.h"

#define FUZZ_STRING_MAX 4096

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
