/*
 * args.c — argument getters over jr (see args.h). args_load validates the input once and keeps
 * its members (jr_parse_members); the getters look keys up in that list, by length first.
 */
#include "args.h"

#include "libc.h"

#include "alloc.h"
#include "b58.h"
#include "env.h"
#include "near.h"
#include "str.h"

void args_fail(const char *key, const char *what)
{
    size_t kn = strlen(key);
    char *k = alloc_bytes(kn + 3);
    k[0] = '`';
    memcpy(k + 1, key, kn);
    k[kn + 1] = '`';
    k[kn + 2] = '\0';
    env_panic3("argument ", k, what);
}

void args_load(struct args *a)
{
    size_t n;
    near_input(ENV_SCRATCH_REGISTER);
    uint8_t *in = env_register_max(ENV_SCRATCH_REGISTER, ARGS_MAX_INPUT, &n);
    if (in == NULL && n > ARGS_MAX_INPUT) {
        env_panic_z("arguments: input over 65536 bytes");
    }
    if (in == NULL || n == 0) {
        /* near-sdk treats missing arguments like an empty object for methods without any. */
        in = (uint8_t *)alloc_dup("{}", 2);
        n = 2;
    }
    if (jr_parse_members((const char *)in, n, &a->root, a->members, ARGS_MAX_MEMBERS, &a->count) !=
        YB_OK) {
        env_panic_z("arguments: not valid JSON");
    }
    if (jr_type_of(a->root) != JR_OBJECT) {
        env_panic_z("arguments: expected a JSON object");
    }
    a->indexed = true;
}

void args_of(struct args *a, struct jr_value obj)
{
    size_t pos = 0;
    struct jr_member m;
    a->root = obj;
    a->indexed = true;
    a->count = 0;
    while (jr_object_next(obj, &pos, &m) == YB_OK) {
        if (a->count < ARGS_MAX_MEMBERS) {
            a->members[a->count] = m;
        }
        a->count++;
    }
}

/* jr_get over the noted members: YB_OK, YB_EJSON_MISSING, or YB_EJSON for a key given twice. */
static int lookup(const struct args *a, const char *key, size_t key_len, struct jr_value *out)
{
    if (!a->indexed || a->count > ARGS_MAX_MEMBERS) {
        return jr_get(a->root, key, out);
    }
    bool found = false;
    for (size_t i = 0; i < a->count; i++) {
        if (jr_member_is(&a->members[i], key, key_len)) {
            if (found) {
                return YB_EJSON;
            }
            found = true;
            *out = a->members[i].value;
        }
    }
    return found ? YB_OK : YB_EJSON_MISSING;
}

/* The member or a panic; null counts as missing, as for serde's Option fields. */
static struct jr_value member(const struct args *a, const char *key, size_t key_len)
{
    struct jr_value v;
    int rc = lookup(a, key, key_len, &v);
    if (rc == YB_EJSON) {
        args_fail(key, ": given twice");
    }
    if (rc != YB_OK || jr_type_of(v) == JR_NULL) {
        args_fail(key, ": missing");
    }
    return v;
}

bool args_has_n(const struct args *a, const char *key, size_t key_len)
{
    struct jr_value v;
    return lookup(a, key, key_len, &v) == YB_OK && jr_type_of(v) != JR_NULL;
}

struct jr_value args_value_n(const struct args *a, const char *key, size_t key_len)
{
    return member(a, key, key_len);
}

char *args_string_n(const struct args *a, const char *key, size_t key_len, size_t max, size_t *len)
{
    struct jr_value v = member(a, key, key_len);
    char *s;
    int rc = jr_string_alloc(v, max, &s, len);
    if (rc == YB_EJSON_TYPE) {
        args_fail(key, ": expected a string");
    }
    if (rc == YB_ETOOBIG) {
        char dec[STR_U64_MAX];
        size_t dn = str_from_u64(max, dec);
        static const char pre[] = ": longer than ";
        static const char post[] = " bytes";
        char *what = alloc_bytes(sizeof pre + dn + sizeof post);
        memcpy(what, pre, sizeof pre - 1);
        memcpy(what + sizeof pre - 1, dec, dn);
        memcpy(what + sizeof pre - 1 + dn, post, sizeof post); /* with its NUL */
        args_fail(key, what);
    }
    if (rc != YB_OK) {
        args_fail(key, ": invalid string");
    }
    return s;
}

uint64_t args_u64_n(const struct args *a, const char *key, size_t key_len)
{
    struct jr_value v = member(a, key, key_len);
    uint64_t out;
    int rc = jr_u64(v, &out);
    if (rc == YB_EOVERFLOW) {
        args_fail(key, ": above 18446744073709551615");
    }
    if (rc != YB_OK) {
        args_fail(key, ": expected an unsigned integer");
    }
    return out;
}

uint64_t args_u64_or_n(const struct args *a, const char *key, size_t key_len, uint64_t dflt)
{
    return args_has_n(a, key, key_len) ? args_u64_n(a, key, key_len) : dflt;
}

bool args_bool_n(const struct args *a, const char *key, size_t key_len)
{
    bool out;
    if (jr_bool(member(a, key, key_len), &out) != YB_OK) {
        args_fail(key, ": expected true or false");
    }
    return out;
}

void args_hash32_n(const struct args *a, const char *key, size_t key_len, uint8_t out[32])
{
    struct jr_value v = member(a, key, key_len);
    if (jr_type_of(v) == JR_STRING) {
        char text[B58_MAX_TEXT];
        size_t n;
        if (jr_string(v, text, sizeof text, &n) != YB_OK ||
            b58_decode_exact(text, n, out, 32) != YB_OK) {
            args_fail(key, ": expected base58 of 32 bytes");
        }
        return;
    }
    if (jr_hash32(v, out) != YB_OK) {
        args_fail(key, ": expected an array of 32 numbers 0-255 or a base58 string");
    }
}
