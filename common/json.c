/*
 * json.c — typed getters and capped parsing over cJSON.
 *
 * cJSON keeps numbers only as doubles, so a u64 read from a JSON number is accepted only when
 * the double is a whole number no larger than 2^53 - 1: past that, two different integers in
 * the text can give the same double and we could not tell which one was meant.
 */
#include "json.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

/* Below 10^15 a whole number has at most 15 digits, which cJSON's "%1.15g" prints exactly and
 * without an exponent. */
#define JSON_PRINT_EXACT_LIMIT 1000000000000000ULL

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

int json_parse(const char *text, size_t len, size_t max_len, cJSON **out, size_t *err_pos)
{
    if (len > max_len) {
        return YB_ETOOBIG;
    }
    const char *end = NULL;
    /* require_null_terminated is left off: with an explicit length cJSON would demand a NUL
     * inside that length. Trailing bytes are checked here instead. cJSON 1.7.15 writes its
     * process-wide global_error on every parse, so parses are serialised to keep concurrent
     * callers (nng's HTTP worker threads) free of that data race. */
    pthread_mutex_lock(&parse_lock);
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    pthread_mutex_unlock(&parse_lock);
    if (v == NULL) {
        if (err_pos != NULL) {
            *err_pos = end != NULL && end >= text ? (size_t)(end - text) : 0;
        }
        return YB_EJSON;
    }
    size_t pos = (size_t)(end - text);
    while (pos < len &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) {
        pos++;
    }
    if (pos != len) {
        cJSON_Delete(v);
        if (err_pos != NULL) {
            *err_pos = pos;
        }
        return YB_EJSON;
    }
    *out = v;
    return YB_OK;
}

/* ---- one value ---- */

int json_as_str(const cJSON *v, const char **out)
{
    if (!cJSON_IsString(v) || v->valuestring == NULL) {
        return YB_EJSON_TYPE;
    }
    *out = v->valuestring;
    return YB_OK;
}

static int u64_from_digits(const char *s, uint64_t *out)
{
    yb_u128 x = 0;
    int rc = u128_from_dec(s, strlen(s), &x);
    if (rc != YB_OK) {
        return rc;
    }
    if (x > UINT64_MAX) {
        return YB_EOVERFLOW;
    }
    *out = (uint64_t)x;
    return YB_OK;
}

int json_as_u64(const cJSON *v, uint64_t *out)
{
    if (cJSON_IsString(v) && v->valuestring != NULL) {
        return u64_from_digits(v->valuestring, out);
    }
    /* Raw digits are what json_add_u64 writes for values past 2^53 - 1. */
    if (cJSON_IsRaw(v) && v->valuestring != NULL) {
        return u64_from_digits(v->valuestring, out);
    }
    if (!cJSON_IsNumber(v)) {
        return YB_EJSON_TYPE;
    }
    double d = v->valuedouble;
    /* Written so that NaN fails the range test; the cast is defined once d is in range. */
    if (!(d >= 0 && d <= (double)JSON_MAX_SAFE_INT) || (double)(uint64_t)d != d) {
        return YB_ENUMBER;
    }
    *out = (uint64_t)d;
    return YB_OK;
}

int json_as_u128(const cJSON *v, yb_u128 *out)
{
    if (!cJSON_IsString(v) || v->valuestring == NULL) {
        return YB_EJSON_TYPE;
    }
    return u128_from_dec(v->valuestring, strlen(v->valuestring), out);
}

int json_as_bool(const cJSON *v, bool *out)
{
    if (!cJSON_IsBool(v)) {
        return YB_EJSON_TYPE;
    }
    *out = cJSON_IsTrue(v);
    return YB_OK;
}

int json_as_base64(const cJSON *v, size_t max, uint8_t **out, size_t *len)
{
    const char *s = NULL;
    int rc = json_as_str(v, &s);
    if (rc != YB_OK) {
        return rc;
    }
    size_t slen = strlen(s);
    /* base64_decode reports YB_ETOOBIG from the text's exact size before writing anything. */
    size_t cap = base64_decoded_max(slen);
    if (cap > max) {
        cap = max;
    }
    uint8_t *buf = yb_xmalloc(cap ? cap : 1);
    size_t n = 0;
    rc = base64_decode(s, slen, buf, cap, &n);
    if (rc != YB_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return YB_OK;
}

int json_as_byte_array(const cJSON *v, size_t max, uint8_t **out, size_t *len)
{
    if (!cJSON_IsArray(v)) {
        return YB_EJSON_TYPE;
    }
    size_t n = 0;
    const cJSON *item = NULL;
    cJSON_ArrayForEach(item, v)
    {
        if (!cJSON_IsNumber(item)) {
            return YB_EJSON_TYPE;
        }
        double d = item->valuedouble;
        if (!(d >= 0 && d <= 255) || (double)(int)d != d) {
            return YB_ENUMBER;
        }
        if (++n > max) {
            return YB_ETOOBIG;
        }
    }
    uint8_t *buf = yb_xmalloc(n ? n : 1);
    size_t i = 0;
    cJSON_ArrayForEach(item, v)
    {
        buf[i++] = (uint8_t)item->valuedouble;
    }
    *out = buf;
    *len = n;
    return YB_OK;
}

/* ---- fields ---- */

/* The value under key: YB_EJSON_TYPE if obj is not an object, YB_EJSON_MISSING if absent. */
static int field(const cJSON *obj, const char *key, const cJSON **out)
{
    if (!cJSON_IsObject(obj)) {
        return YB_EJSON_TYPE;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL) {
        return YB_EJSON_MISSING;
    }
    *out = v;
    return YB_OK;
}

/* As field(), but an absent key or a null value is *out = NULL with YB_OK. */
static int opt_field(const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    if (rc == YB_EJSON_MISSING || (rc == YB_OK && cJSON_IsNull(v))) {
        *out = NULL;
        return YB_OK;
    }
    if (rc == YB_OK) {
        *out = v;
    }
    return rc;
}

int json_get_str(const cJSON *obj, const char *key, const char **out)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    return rc != YB_OK ? rc : json_as_str(v, out);
}

int json_get_u64(const cJSON *obj, const char *key, uint64_t *out)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    return rc != YB_OK ? rc : json_as_u64(v, out);
}

int json_get_u128(const cJSON *obj, const char *key, yb_u128 *out)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    return rc != YB_OK ? rc : json_as_u128(v, out);
}

int json_get_bool(const cJSON *obj, const char *key, bool *out)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    return rc != YB_OK ? rc : json_as_bool(v, out);
}

int json_get_object(const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (!cJSON_IsObject(v)) {
        return YB_EJSON_TYPE;
    }
    *out = v;
    return YB_OK;
}

int json_get_base64(const cJSON *obj, const char *key, size_t max, uint8_t **out, size_t *len)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    return rc != YB_OK ? rc : json_as_base64(v, max, out, len);
}

int json_get_byte_array(const cJSON *obj, const char *key, size_t max, uint8_t **out, size_t *len)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    return rc != YB_OK ? rc : json_as_byte_array(v, max, out, len);
}

int json_get_array(const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = NULL;
    int rc = field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (!cJSON_IsArray(v)) {
        return YB_EJSON_TYPE;
    }
    *out = v;
    return YB_OK;
}

int json_opt_str(const cJSON *obj, const char *key, const char *def, const char **out)
{
    const cJSON *v = NULL;
    int rc = opt_field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v == NULL) {
        *out = def;
        return YB_OK;
    }
    return json_as_str(v, out);
}

int json_opt_u64(const cJSON *obj, const char *key, uint64_t def, uint64_t *out)
{
    const cJSON *v = NULL;
    int rc = opt_field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v == NULL) {
        *out = def;
        return YB_OK;
    }
    return json_as_u64(v, out);
}

int json_opt_u128(const cJSON *obj, const char *key, yb_u128 def, yb_u128 *out)
{
    const cJSON *v = NULL;
    int rc = opt_field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v == NULL) {
        *out = def;
        return YB_OK;
    }
    return json_as_u128(v, out);
}

int json_opt_bool(const cJSON *obj, const char *key, bool def, bool *out)
{
    const cJSON *v = NULL;
    int rc = opt_field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v == NULL) {
        *out = def;
        return YB_OK;
    }
    return json_as_bool(v, out);
}

int json_opt_object(const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = NULL;
    int rc = opt_field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v != NULL && !cJSON_IsObject(v)) {
        return YB_EJSON_TYPE;
    }
    *out = v;
    return YB_OK;
}

int json_opt_array(const cJSON *obj, const char *key, const cJSON **out)
{
    const cJSON *v = NULL;
    int rc = opt_field(obj, key, &v);
    if (rc != YB_OK) {
        return rc;
    }
    if (v != NULL && !cJSON_IsArray(v)) {
        return YB_EJSON_TYPE;
    }
    *out = v;
    return YB_OK;
}

/* ---- writers ---- */

int json_add_u64(cJSON *obj, const char *key, uint64_t v)
{
    if (!cJSON_IsObject(obj)) {
        return YB_EINVAL;
    }
    cJSON *item;
    if (v < JSON_PRINT_EXACT_LIMIT) {
        item = cJSON_AddNumberToObject(obj, key, (double)v);
    } else {
        /* cJSON prints doubles with "%1.15g" (and accepts that when it is merely close), so
         * 9007199254740991 would come out as 9.00719925474099e+15; raw digits stay exact. */
        char digits[24];
        snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
        item = cJSON_AddRawToObject(obj, key, digits);
    }
    return item != NULL ? YB_OK : YB_ENOMEM;
}

int json_add_u128(cJSON *obj, const char *key, yb_u128 v)
{
    if (!cJSON_IsObject(obj)) {
        return YB_EINVAL;
    }
    char digits[U128_DEC_MAX];
    u128_to_dec(v, digits);
    return cJSON_AddStringToObject(obj, key, digits) != NULL ? YB_OK : YB_ENOMEM;
}

int json_add_base64(cJSON *obj, const char *key, const uint8_t *p, size_t n)
{
    if (!cJSON_IsObject(obj)) {
        return YB_EINVAL;
    }
    size_t size = base64_encoded_len(n);
    char *text = yb_xmalloc(size);
    int rc = base64_encode(p, n, text, size);
    if (rc == YB_OK && cJSON_AddStringToObject(obj, key, text) == NULL) {
        rc = YB_ENOMEM;
    }
    free(text);
    return rc;
}
