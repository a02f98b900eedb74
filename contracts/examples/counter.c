/*
 * counter.c — the smallest useful contract: a shared counter and a status message per account.
 *
 * Methods (JSON arguments, JSON results):
 *   increment()            -> the new value        (call)
 *   decrement()            -> the new value        (call; panics below zero)
 *   get() / get_num()      -> the value            (view)
 *   reset()                -> null                 (call)
 *   set_status({"message"})                        (call; per predecessor, at most 1024 bytes)
 *   get_status({"account_id"}) -> "message" | null (view)
 *
 * Storage: "count" -> u64 LE; "s:" + account id -> message bytes.
 */
#include "args.h"
#include "env.h"
#include "jw.h"
#include "str.h"
#include "alloc.h"
#include "libc.h"
#include "near.h"

#define COUNTER_KEY   "count"
#define STATUS_PREFIX "s:"
#define STATUS_MAX    1024
/* NEAR account ids are at most 64 bytes. */
#define ACCOUNT_ID_MAX 64

static void return_u64(uint64_t v)
{
    char dec[STR_U64_MAX];
    size_t n = str_from_u64(v, dec);
    env_return(dec, n);
}

static uint64_t count(void)
{
    return env_storage_get_u64(COUNTER_KEY, sizeof COUNTER_KEY - 1, 0);
}

NEAR_METHOD(increment)
{
    uint64_t v = count();
    if (v == UINT64_MAX) {
        env_panic_z("counter: overflow");
    }
    env_storage_set_u64(COUNTER_KEY, sizeof COUNTER_KEY - 1, v + 1);
    return_u64(v + 1);
}

NEAR_METHOD(decrement)
{
    uint64_t v = count();
    if (v == 0) {
        env_panic_z("counter: cannot go below zero");
    }
    env_storage_set_u64(COUNTER_KEY, sizeof COUNTER_KEY - 1, v - 1);
    return_u64(v - 1);
}

NEAR_METHOD(get)
{
    return_u64(count());
}

NEAR_METHOD(get_num)
{
    return_u64(count());
}

NEAR_METHOD(reset)
{
    env_storage_remove(COUNTER_KEY, sizeof COUNTER_KEY - 1);
    env_return_z("null");
}

/* "s:" + account id; id borrowed. */
static char *status_key(const char *id, size_t n, size_t *key_len)
{
    size_t pn = sizeof STATUS_PREFIX - 1;
    char *k = alloc_bytes(pn + n);
    memcpy(k, STATUS_PREFIX, pn);
    memcpy(k + pn, id, n);
    *key_len = pn + n;
    return k;
}

NEAR_METHOD(set_status)
{
    struct args a;
    size_t msg_len;
    size_t id_len;
    size_t key_len;
    args_load(&a);
    char *msg = args_string(&a, "message", STATUS_MAX, &msg_len);
    char *id = env_predecessor(&id_len);
    char *key = status_key(id, id_len, &key_len);
    env_storage_set(key, key_len, msg, msg_len);
}

NEAR_METHOD(get_status)
{
    struct args a;
    size_t id_len;
    size_t key_len;
    size_t msg_len;
    args_load(&a);
    char *id = args_string(&a, "account_id", ACCOUNT_ID_MAX, &id_len);
    char *key = status_key(id, id_len, &key_len);
    uint8_t *msg = env_storage_get(key, key_len, &msg_len);
    struct jw w;
    jw_init(&w, STATUS_MAX * 6 + 16);
    if (msg == NULL) {
        jw_null(&w);
    } else {
        jw_string(&w, (const char *)msg, msg_len);
    }
    env_return_json(&w);
}
