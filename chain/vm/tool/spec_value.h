/*
 * spec_value.h — the values of wast2json spec scripts, for the runner in spec.c (private to
 * chain/vm/tool).
 *
 * A script writes every value as {"type": "i32", "value": "4294967295"}: integers and floats as
 * unsigned decimal bit patterns, floats possibly as "nan:canonical" / "nan:arithmetic",
 * references as "null" or a number (externref N is the host value N + 1 in the engine, vm.h).
 * Description functions append to a NUL-terminated text of capacity cap, truncating quietly.
 * All functions are pure and thread-safe.
 */
#ifndef YB_VM_SPEC_VALUE_H
#define YB_VM_SPEC_VALUE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/* Values in one argument or result list; the spec scripts stay far below it. */
#define SPEC_MAX_VALUES 1024

enum spec_nan {
    SPEC_NAN_NONE = 0,
    SPEC_NAN_CANONICAL,  /* quiet NaN, payload zero, either sign */
    SPEC_NAN_ARITHMETIC, /* quiet bit set, any payload, either sign */
};

struct spec_value {
    uint8_t type; /* enum vm_valtype */
    enum spec_nan nan;
    bool is_null; /* references */
    uint64_t bits;
};

/* "i32", "funcref", ...; "?" for anything else. Never NULL. */
const char *spec_value_type_name(uint8_t type);

/* Parse one {"type", "value"} object (j borrowed) into *out. Errors: YB_EJSON_TYPE (unknown
 * type, NaN class on a non-float, null on a non-reference), YB_ENUMBER (bad digits). */
int spec_value_parse(const cJSON *j, struct spec_value *out);
/* Parse a JSON array (borrowed; NULL means empty) into *out (returned; free()) and *n.
 * Errors: those of spec_value_parse, YB_EJSON_TYPE (not an array), YB_ETOOBIG (over
 * SPEC_MAX_VALUES). On error *out is NULL. */
int spec_value_parse_list(const cJSON *arr, struct spec_value **out, uint32_t *n);

/* The engine value for an argument. Non-null funcrefs have no engine handle and become null. */
union vm_value spec_value_to_vm(const struct spec_value *v);
/* Does the engine's result (its type and value) match the expectation e (borrowed)? */
bool spec_value_matches(const struct spec_value *e, uint8_t type, union vm_value got);

/* Append s to dst. */
void spec_value_text_append(char *dst, size_t cap, const char *s);
/* Append "type:value" for an engine value: integers in decimal and hex, floats as bits and
 * decimal (so NaN payloads and signs show), references as null or their host value. */
void spec_value_describe(char *dst, size_t cap, uint8_t type, union vm_value v);
/* Append an expectation (borrowed) in the same notation, NaN classes by name. */
void spec_value_describe_expected(char *dst, size_t cap, const struct spec_value *e);

#endif
