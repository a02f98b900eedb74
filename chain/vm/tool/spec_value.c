/*
 * spec_value.c — values of the spec scripts: parsing wast2json's {"type", "value"} objects,
 * comparing engine results with them (bit patterns, NaN classes, references) and describing
 * both for failure messages. See spec_value.h.
 */
#include "spec_value.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

static const char *value_str(const cJSON *obj, const char *key)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(j) ? j->valuestring : NULL;
}

const char *spec_value_type_name(uint8_t t)
{
    switch (t) {
    case VM_I32:
        return "i32";
    case VM_I64:
        return "i64";
    case VM_F32:
        return "f32";
    case VM_F64:
        return "f64";
    case VM_FUNCREF:
        return "funcref";
    case VM_EXTERNREF:
        return "externref";
    }
    return "?";
}

/* Appends "type:value" for one engine value, with the float's bits and decimal form so a NaN
 * payload or a sign bit is visible. */
void spec_value_describe(char *dst, size_t cap, uint8_t type, union vm_value v)
{
    size_t n = strlen(dst);
    if (n >= cap) {
        return;
    }
    switch (type) {
    case VM_I32:
        snprintf(dst + n, cap - n, "i32:%" PRIu32 " (0x%" PRIx32 ")", v.i32, v.i32);
        break;
    case VM_I64:
        snprintf(dst + n, cap - n, "i64:%" PRIu64 " (0x%" PRIx64 ")", v.i64, v.i64);
        break;
    case VM_F32:
        snprintf(dst + n, cap - n, "f32:0x%08" PRIx32 " (%.9g)", v.f32_bits, (double)v.f32);
        break;
    case VM_F64:
        snprintf(dst + n, cap - n, "f64:0x%016" PRIx64 " (%.17g)", v.f64_bits, v.f64);
        break;
    case VM_EXTERNREF:
        if (v.ref == 0) {
            snprintf(dst + n, cap - n, "externref:null");
        } else {
            snprintf(dst + n, cap - n, "externref:%" PRIu64, v.ref - 1);
        }
        break;
    case VM_FUNCREF:
        if (v.ref == 0) {
            snprintf(dst + n, cap - n, "funcref:null");
        } else {
            snprintf(dst + n, cap - n, "funcref:0x%" PRIx64, v.ref);
        }
        break;
    default:
        snprintf(dst + n, cap - n, "?:0x%" PRIx64, v.i64);
    }
}

void spec_value_text_append(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(dst);
    if (n < cap) {
        snprintf(dst + n, cap - n, "%s", s);
    }
}

void spec_value_describe_expected(char *dst, size_t cap, const struct spec_value *e)
{
    union vm_value v;
    if (e->nan == SPEC_NAN_CANONICAL) {
        spec_value_text_append(dst, cap,
                               e->type == VM_F32 ? "f32:nan:canonical" : "f64:nan:canonical");
        return;
    }
    if (e->nan == SPEC_NAN_ARITHMETIC) {
        spec_value_text_append(dst, cap,
                               e->type == VM_F32 ? "f32:nan:arithmetic" : "f64:nan:arithmetic");
        return;
    }
    if (e->type == VM_FUNCREF && !e->is_null) {
        spec_value_text_append(dst, cap, "funcref:non-null");
        return;
    }
    memset(&v, 0, sizeof(v));
    switch (e->type) {
    case VM_I32:
    case VM_F32:
        v.i32 = (uint32_t)e->bits;
        break;
    case VM_EXTERNREF:
        v.ref = e->is_null ? 0 : e->bits + 1;
        break;
    default:
        v.i64 = e->bits;
    }
    spec_value_describe(dst, cap, e->type, v);
}

static int spec_value_parse_type(const char *s, uint8_t *out)
{
    static const struct {
        const char *name;
        uint8_t type;
    } types[] = {
        {"i32", VM_I32}, {"i64", VM_I64},         {"f32", VM_F32},
        {"f64", VM_F64}, {"funcref", VM_FUNCREF}, {"externref", VM_EXTERNREF},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(s, types[i].name) == 0) {
            *out = types[i].type;
            return YB_OK;
        }
    }
    return YB_EINVAL;
}

/* {"type": "i32", "value": "4294967295"} → bits; "nan:canonical"/"nan:arithmetic"; "null". */
int spec_value_parse(const cJSON *j, struct spec_value *out)
{
    const char *type = value_str(j, "type");
    const char *value = value_str(j, "value");
    char *end = NULL;
    memset(out, 0, sizeof(*out));
    if (type == NULL || value == NULL || spec_value_parse_type(type, &out->type) != YB_OK) {
        return YB_EJSON_TYPE;
    }
    if (strcmp(value, "nan:canonical") == 0) {
        out->nan = SPEC_NAN_CANONICAL;
        return (out->type == VM_F32 || out->type == VM_F64) ? YB_OK : YB_EJSON_TYPE;
    }
    if (strcmp(value, "nan:arithmetic") == 0) {
        out->nan = SPEC_NAN_ARITHMETIC;
        return (out->type == VM_F32 || out->type == VM_F64) ? YB_OK : YB_EJSON_TYPE;
    }
    if (strcmp(value, "null") == 0) {
        out->is_null = true;
        return (out->type == VM_FUNCREF || out->type == VM_EXTERNREF) ? YB_OK : YB_EJSON_TYPE;
    }
    errno = 0;
    out->bits = strtoull(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0') {
        return YB_ENUMBER;
    }
    return YB_OK;
}

/* Parses a JSON array of values into a returned array (free()); at most SPEC_MAX_VALUES. */
int spec_value_parse_list(const cJSON *arr, struct spec_value **out, uint32_t *n)
{
    int count;
    int err;
    *out = NULL;
    *n = 0;
    if (arr == NULL) {
        return YB_OK;
    }
    if (!cJSON_IsArray(arr)) {
        return YB_EJSON_TYPE;
    }
    count = cJSON_GetArraySize(arr);
    if (count > SPEC_MAX_VALUES) {
        return YB_ETOOBIG;
    }
    *out = yb_xcalloc((size_t)count + 1, sizeof(**out));
    for (int i = 0; i < count; i++) {
        err = spec_value_parse(cJSON_GetArrayItem(arr, i), &(*out)[i]);
        if (err != YB_OK) {
            free(*out);
            *out = NULL;
            return err;
        }
    }
    *n = (uint32_t)count;
    return YB_OK;
}

union vm_value spec_value_to_vm(const struct spec_value *v)
{
    union vm_value r;
    memset(&r, 0, sizeof(r));
    switch (v->type) {
    case VM_I32:
        r.i32 = (uint32_t)v->bits;
        break;
    case VM_F32:
        r.f32_bits = (uint32_t)v->bits;
        break;
    case VM_I64:
        r.i64 = v->bits;
        break;
    case VM_F64:
        r.f64_bits = v->bits;
        break;
    case VM_EXTERNREF:
        /* vm.h: externref N is the host value N + 1, 0 being null. */
        r.ref = v->is_null ? 0 : v->bits + 1;
        break;
    case VM_FUNCREF:
        /* The scripts only pass null funcrefs; a non-null one has no engine handle. */
        r.ref = 0;
        break;
    }
    return r;
}

/* Does the engine's result match the expected value (bit patterns; NaN classes per spec)? */
bool spec_value_matches(const struct spec_value *e, uint8_t type, union vm_value got)
{
    if (e->type != type) {
        return false;
    }
    switch (type) {
    case VM_I32:
        return got.i32 == (uint32_t)e->bits;
    case VM_I64:
        return got.i64 == e->bits;
    case VM_F32:
        if (e->nan == SPEC_NAN_CANONICAL) {
            return (got.f32_bits & 0x7fffffffu) == 0x7fc00000u;
        }
        if (e->nan == SPEC_NAN_ARITHMETIC) {
            return (got.f32_bits & 0x7fc00000u) == 0x7fc00000u;
        }
        return got.f32_bits == (uint32_t)e->bits;
    case VM_F64:
        if (e->nan == SPEC_NAN_CANONICAL) {
            return (got.f64_bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
        }
        if (e->nan == SPEC_NAN_ARITHMETIC) {
            return (got.f64_bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
        }
        return got.f64_bits == e->bits;
    case VM_EXTERNREF:
        return got.ref == (e->is_null ? 0 : e->bits + 1);
    case VM_FUNCREF:
        return e->is_null ? got.ref == 0 : got.ref != 0;
    }
    return false;
}
