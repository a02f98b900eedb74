/*
 * yield_echo.c — raw NEP-519 yield/resume for runtime tests (reference/nep519.md §3, §4.4).
 *
 * Every method is a thin shell over one host function, so a test drives the exact host call it
 * is about. A yield's callback, on_resume, returns what promise_result(0) gave:
 *   {"status":1|2,"payload":"<text>"|null,"payload_hex":"..","payload_len":N,"tag":<tag>}
 * Methods (JSON arguments):
 *   yield({"tag"?,"gas"?,"weight"?})      promise_yield_create; logs "data_id=<base58>", stores it
 *                                         for last_data_id, returns the yield promise
 *   resume({"data_id","payload"})         promise_yield_resume -> 0 or 1 (data_id: base58 or an
 *                                         array of 32 numbers; payload: a string)
 *   yield_and_resume({"payload","tag"?})  both in one call; logs "resume=<0|1>", returns the yield
 *   create_with_id({"yield_id","tag"?,"gas"?,"weight"?}) promise_yield_create_with_id; returns
 *                                         the yield, or {"created":false} if that id is pending
 *   resume_with_id({"yield_id","payload"}) promise_yield_resume_with_yield_id -> 0 or 1
 *   resume_oversized({"data_id"})          resume with a 1025-byte payload: a host error
 *   resume_malformed()                     resume with a 31-byte data id: a host error
 *   resume_with_id_malformed()             resume_with_yield_id with a 31-byte id: a host error
 *   last_data_id()                         the base58 data id of the last `yield` (view)
 */
#include "alloc.h"
#include "args.h"
#include "b58.h"
#include "env.h"
#include "jr.h"
#include "jw.h"
#include "libc.h"
#include "near.h"
#include "promise.h"
#include "str.h"

#define ECHO_CALLBACK       "on_resume"
#define ECHO_DEFAULT_GAS    5000000000000ull
#define ECHO_DEFAULT_WEIGHT 1
/* NEAR's max_yield_payload_size; the oversized probe sends one byte more. */
#define ECHO_PAYLOAD_MAX    1024
#define ECHO_TAG_MAX        256
#define ECHO_YIELD_REGISTER 1
#define ECHO_KEY_LAST       "last"

/* Callback arguments {"tag":<the caller's tag or null>}. */
static const char *callback_args(const struct args *a, size_t *len)
{
    struct jw w;
    jw_init(&w, ECHO_TAG_MAX * 6 + 16);
    jw_object_begin(&w);
    jw_key_lit(&w, "tag");
    if (args_has(a, "tag")) {
        size_t n;
        char *tag = args_string(a, "tag", ECHO_TAG_MAX, &n);
        jw_string(&w, tag, n);
    } else {
        jw_null(&w);
    }
    jw_object_end(&w);
    return env_json_finish(&w, "callback arguments", len);
}

/* promise_yield_create to on_resume; *data_id gets the 32-byte id. */
static uint64_t yield_create(const struct args *a, uint8_t data_id[32])
{
    size_t args_len;
    const char *cb = callback_args(a, &args_len);
    uint64_t gas = args_u64_or(a, "gas", ECHO_DEFAULT_GAS);
    uint64_t weight = args_u64_or(a, "weight", ECHO_DEFAULT_WEIGHT);
    return promise_yield(ECHO_CALLBACK, cb, args_len, gas, weight, ECHO_YIELD_REGISTER, data_id);
}

static void log_data_id(const uint8_t data_id[32])
{
    char text[B58_HASH_TEXT];
    size_t n;
    b58_encode(data_id, 32, text, sizeof text, &n);
    char line[B58_HASH_TEXT + 8];
    memcpy(line, "data_id=", 8);
    memcpy(line + 8, text, n);
    env_log(line, 8 + n);
    env_storage_set(ECHO_KEY_LAST, sizeof ECHO_KEY_LAST - 1, text, n);
}

static void return_u32(uint32_t v)
{
    char dec[STR_U64_MAX];
    size_t n = str_from_u64(v, dec);
    env_return(dec, n);
}

/* The payload argument: a string of at most ECHO_PAYLOAD_MAX bytes (larger ones are refused
 * here; resume_oversized is the way to send one to the host). */
static char *payload_arg(const struct args *a, size_t *len)
{
    return args_string(a, "payload", ECHO_PAYLOAD_MAX, len);
}

NEAR_METHOD(yield)
{
    struct args a;
    uint8_t data_id[32];
    args_load(&a);
    uint64_t promise = yield_create(&a, data_id);
    log_data_id(data_id);
    near_promise_return(promise);
}

NEAR_METHOD(resume)
{
    struct args a;
    uint8_t data_id[32];
    size_t n;
    args_load(&a);
    args_hash32(&a, "data_id", data_id);
    char *payload = payload_arg(&a, &n);
    return_u32(near_promise_yield_resume(32, NEAR_PTR(data_id), n, NEAR_PTR(payload)));
}

NEAR_METHOD(yield_and_resume)
{
    struct args a;
    uint8_t data_id[32];
    size_t n;
    args_load(&a);
    char *payload = payload_arg(&a, &n);
    uint64_t promise = yield_create(&a, data_id);
    log_data_id(data_id);
    uint32_t r = near_promise_yield_resume(32, NEAR_PTR(data_id), n, NEAR_PTR(payload));
    env_log_z(r == 1 ? "resume=1" : "resume=0");
    near_promise_return(promise);
}

NEAR_METHOD(create_with_id)
{
    struct args a;
    uint8_t yield_id[32];
    uint8_t zero[16] = {0};
    size_t args_len;
    args_load(&a);
    args_hash32(&a, "yield_id", yield_id);
    const char *cb = callback_args(&a, &args_len);
    uint64_t gas = args_u64_or(&a, "gas", ECHO_DEFAULT_GAS);
    uint64_t weight = args_u64_or(&a, "weight", ECHO_DEFAULT_WEIGHT);
    uint64_t promise = near_promise_yield_create_with_id(
        sizeof ECHO_CALLBACK - 1, NEAR_PTR(ECHO_CALLBACK), args_len, NEAR_PTR(cb), NEAR_PTR(zero),
        gas, weight, 32, NEAR_PTR(yield_id));
    if (promise == NEAR_YIELD_ID_PENDING) {
        env_return_z("{\"created\":false}");
        return;
    }
    near_promise_return(promise);
}

NEAR_METHOD(resume_with_id)
{
    struct args a;
    uint8_t yield_id[32];
    size_t n;
    args_load(&a);
    args_hash32(&a, "yield_id", yield_id);
    char *payload = payload_arg(&a, &n);
    return_u32(
        near_promise_yield_resume_with_yield_id(32, NEAR_PTR(yield_id), n, NEAR_PTR(payload)));
}

NEAR_METHOD(resume_oversized)
{
    struct args a;
    uint8_t data_id[32];
    args_load(&a);
    args_hash32(&a, "data_id", data_id);
    char *payload = alloc_bytes(ECHO_PAYLOAD_MAX + 1);
    memset(payload, 'x', ECHO_PAYLOAD_MAX + 1);
    return_u32(
        near_promise_yield_resume(32, NEAR_PTR(data_id), ECHO_PAYLOAD_MAX + 1, NEAR_PTR(payload)));
}

NEAR_METHOD(resume_malformed)
{
    uint8_t short_id[31] = {0};
    return_u32(near_promise_yield_resume(sizeof short_id, NEAR_PTR(short_id), 2, NEAR_PTR("ok")));
}

NEAR_METHOD(resume_with_id_malformed)
{
    uint8_t short_id[31] = {0};
    return_u32(near_promise_yield_resume_with_yield_id(sizeof short_id, NEAR_PTR(short_id), 2,
                                                       NEAR_PTR("ok")));
}

NEAR_METHOD(last_data_id)
{
    size_t n;
    uint8_t *text = env_storage_get(ECHO_KEY_LAST, sizeof ECHO_KEY_LAST - 1, &n);
    struct jw w;
    jw_init(&w, 64);
    if (text == NULL) {
        jw_null(&w);
    } else {
        jw_string(&w, (const char *)text, n);
    }
    env_return_json(&w);
}

static void put_hex(struct jw *w, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *s = alloc_bytes(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = hex[p[i] >> 4];
        s[2 * i + 1] = hex[p[i] & 15];
    }
    jw_string(w, s, 2 * n);
}

NEAR_METHOD(on_resume)
{
    struct args a;
    struct jw w;
    env_require_self_call(ECHO_CALLBACK);
    args_load(&a);
    uint64_t count = near_promise_results_count();
    if (count != 1) {
        env_panic_z("on_resume: expected exactly one promise result");
    }
    uint64_t status = near_promise_result(0, ECHO_YIELD_REGISTER);
    jw_init(&w, ECHO_PAYLOAD_MAX * 9 + ECHO_TAG_MAX * 6 + 128);
    jw_object_begin(&w);
    jw_key_lit(&w, "status");
    jw_u64(&w, status);
    if (status == 1) {
        size_t n;
        uint8_t *payload = env_register(ECHO_YIELD_REGISTER, &n);
        if (payload == NULL) {
            env_panic_z("on_resume: status 1 without a value in the register");
        }
        jw_key_lit(&w, "payload");
        if (str_utf8_valid((const char *)payload, n)) {
            jw_string(&w, (const char *)payload, n);
        } else {
            jw_null(&w);
        }
        jw_key_lit(&w, "payload_hex");
        put_hex(&w, payload, n);
        jw_key_lit(&w, "payload_len");
        jw_u64(&w, n);
    } else {
        jw_key_lit(&w, "payload");
        jw_null(&w);
    }
    jw_key_lit(&w, "tag");
    if (args_has(&a, "tag")) {
        struct jr_value tag = args_value(&a, "tag");
        jw_raw(&w, tag.p, tag.n);
    } else {
        jw_null(&w);
    }
    jw_object_end(&w);
    env_return_json(&w);
}
