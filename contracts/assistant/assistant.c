/*
 * assistant.c — the AI assistant contract: users ask, an off-chain oracle answers through
 * NEP-519 yield/resume (promise_yield_create / promise_yield_resume).
 *
 * A request yields to return_external_response and returns that yield promise, so the user's
 * transaction ends with the callback's result: {"request_id","status":"answered","answer"} or,
 * when no oracle answered within the timeout, {"request_id","status":"timeout"} — a successful
 * result either way, with the request's state cleaned up. Answers (up to 16 KiB) are stored in
 * state by `respond`; the resume payload carries only {"request_id":N}, so answers are not limited
 * by NEAR's 1024-byte payload cap. Methods, JSON shapes and the storage layout are in README.md.
 */
#include "alloc.h"
#include "args.h"
#include "b58.h"
#include "env.h"
#include "jr.h"
#include "jw.h"
#include "libc.h"
#include "near.h"
#include "str.h"

#define ASSISTANT_PROMPT_MAX  4096
#define ASSISTANT_ANSWER_MAX  16384
#define ASSISTANT_MAX_ORACLES 32
/* NEAR's yield timeout (yield_timeout_length_in_blocks); chains may be configured otherwise,
 * so init accepts "timeout_blocks" and expires_height is only what the contract expects. */
#define ASSISTANT_DEFAULT_TIMEOUT_BLOCKS 200
/* Static gas for the callback; weight 1 also gives it the call's leftover gas. */
#define ASSISTANT_CALLBACK_GAS    10000000000000ull
#define ASSISTANT_CALLBACK_WEIGHT 1
#define ASSISTANT_CALLBACK        "return_external_response"
/* Largest page of get_pending_requests / list_requests. */
#define ASSISTANT_PAGE_MAX     1024
#define ASSISTANT_PAGE_DEFAULT 100
/* NEAR's max_length_returned_data. A page of 100 records (the default) is at most ~2.5 MB even
 * with fully escaped 4 KiB prompts; a larger page that would exceed the cap panics with
 * "result: JSON over its size cap" — ask for a smaller limit. */
#define ASSISTANT_RESULT_MAX (4u << 20)
/* A single log line and all logs of one call share NEAR's 16 KiB limit. */
#define ASSISTANT_EVENT_MAX     16000
#define ASSISTANT_STANDARD      "yieldbox"
#define ASSISTANT_EVENT_VERSION "1.0.0"
/* The register promise_yield_create writes the data id to (0 is the SDK's scratch). */
#define ASSISTANT_YIELD_REGISTER 1

/* ---- storage keys (layout documented in README.md) ---- */
#define KEY_OWNER   "cfg:owner"
#define KEY_ORACLES "cfg:oracles"
#define KEY_TIMEOUT "cfg:timeout"
#define KEY_NEXT_ID "cfg:next_id"
#define KEY_HEAD    "cfg:head"
#define KEY_TAIL    "cfg:tail"
#define KEY_PENDING "cfg:pending"
#define KEYLEN(k)   (sizeof(k) - 1)

/* A prefix and an 8-byte big-endian id (so keys sort by id), or a 32-byte yield id. */
struct key {
    uint8_t b[2 + 32];
    size_t n;
};

static struct key key_id(char prefix, uint64_t id)
{
    struct key k;
    k.b[0] = (uint8_t)prefix;
    k.b[1] = ':';
    for (int i = 0; i < 8; i++) {
        k.b[2 + i] = (uint8_t)(id >> (56 - 8 * i));
    }
    k.n = 10;
    return k;
}

static struct key key_yield(const uint8_t yield_id[32])
{
    struct key k;
    k.b[0] = 'y';
    k.b[1] = ':';
    memcpy(k.b + 2, yield_id, 32);
    k.n = 34;
    return k;
}

/* ---- configuration ---- */

static bool initialized(void)
{
    return env_storage_has(KEY_OWNER, KEYLEN(KEY_OWNER));
}

static void require_initialized(void)
{
    if (!initialized()) {
        env_panic_z("assistant: not initialized (call init first)");
    }
}

static char *owner(size_t *len)
{
    return (char *)env_storage_get(KEY_OWNER, KEYLEN(KEY_OWNER), len);
}

/* The oracle set as stored: a JSON array of account-id strings. */
static struct jr_value oracles_json(void)
{
    size_t n;
    struct jr_value v;
    uint8_t *p = env_storage_get(KEY_ORACLES, KEYLEN(KEY_ORACLES), &n);
    if (p == NULL) {
        p = (uint8_t *)alloc_dup("[]", 2);
        n = 2;
    }
    if (jr_parse((const char *)p, n, &v) != YB_OK || jr_type_of(v) != JR_ARRAY) {
        env_panic_z("assistant: corrupt oracle set in state");
    }
    return v;
}

static bool is_oracle(const char *id, size_t n)
{
    struct jr_value set = oracles_json();
    struct jr_value e;
    size_t pos = 0;
    char name[STR_ACCOUNT_MAX];
    size_t name_len;
    while (jr_array_next(set, &pos, &e) == YB_OK) {
        if (jr_string(e, name, sizeof name, &name_len) == YB_OK && str_eq(name, name_len, id, n)) {
            return true;
        }
    }
    return false;
}

/* Rewrites the oracle set from set, leaving out `drop` and appending `add` (either may be NULL). */
static void store_oracles(struct jr_value set, const char *drop, size_t drop_n, const char *add,
                          size_t add_n)
{
    struct jw w;
    struct jr_value e;
    size_t pos = 0;
    size_t count = 0;
    char name[STR_ACCOUNT_MAX];
    size_t name_len;
    jw_init(&w, (ASSISTANT_MAX_ORACLES + 1) * (STR_ACCOUNT_MAX + 3) + 2);
    jw_array_begin(&w);
    while (jr_array_next(set, &pos, &e) == YB_OK) {
        if (jr_string(e, name, sizeof name, &name_len) != YB_OK) {
            continue;
        }
        if (drop != NULL && str_eq(name, name_len, drop, drop_n)) {
            continue;
        }
        jw_string(&w, name, name_len);
        count++;
    }
    if (add != NULL) {
        if (count >= ASSISTANT_MAX_ORACLES) {
            env_panic_z("assistant: oracle set is full (32 accounts)");
        }
        jw_string(&w, add, add_n);
    }
    jw_array_end(&w);
    size_t n;
    const char *text = env_json_finish(&w, "oracle set", &n);
    env_storage_set(KEY_ORACLES, KEYLEN(KEY_ORACLES), text, n);
}

static void require_owner(const char *method)
{
    size_t on;
    size_t pn;
    require_initialized();
    char *own = owner(&on);
    char *pred = env_predecessor(&pn);
    if (!str_eq(own, on, pred, pn)) {
        env_panic3(method, ": only the owner may call this; caller is ", pred);
    }
}

static char *account_arg(const struct args *a, const char *key, size_t *len)
{
    char *id = args_string(a, key, STR_ACCOUNT_MAX, len);
    if (!str_account_id_valid(id, *len)) {
        args_fail(key, ": not a valid NEAR account id");
    }
    return id;
}

/* ---- the pending list: a doubly linked list of request ids in creation order ---- */
/* Link record "l:<id>": prev id, next id (u64 LE each; 0 = none). Head/tail/count in cfg:. */

struct link {
    uint64_t prev;
    uint64_t next;
};

static uint64_t load_u64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void store_u64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static bool link_get(uint64_t id, struct link *l)
{
    struct key k = key_id('l', id);
    size_t n;
    uint8_t *v = env_storage_get(k.b, k.n, &n);
    if (v == NULL) {
        return false;
    }
    if (n != 16) {
        env_panic_z("assistant: corrupt pending list in state");
    }
    l->prev = load_u64le(v);
    l->next = load_u64le(v + 8);
    return true;
}

static void link_set(uint64_t id, struct link l)
{
    struct key k = key_id('l', id);
    uint8_t v[16];
    store_u64le(v, l.prev);
    store_u64le(v + 8, l.next);
    env_storage_set(k.b, k.n, v, sizeof v);
}

static void pending_push(uint64_t id)
{
    uint64_t tail = env_storage_get_u64(KEY_TAIL, KEYLEN(KEY_TAIL), 0);
    struct link l = {.prev = tail, .next = 0};
    link_set(id, l);
    if (tail != 0) {
        struct link t;
        if (!link_get(tail, &t)) {
            env_panic_z("assistant: corrupt pending list in state");
        }
        t.next = id;
        link_set(tail, t);
    } else {
        env_storage_set_u64(KEY_HEAD, KEYLEN(KEY_HEAD), id);
    }
    env_storage_set_u64(KEY_TAIL, KEYLEN(KEY_TAIL), id);
    uint64_t count = env_storage_get_u64(KEY_PENDING, KEYLEN(KEY_PENDING), 0);
    env_storage_set_u64(KEY_PENDING, KEYLEN(KEY_PENDING), count + 1);
}

/* Unlinks id if it is in the list; returns whether it was. */
static bool pending_remove(uint64_t id)
{
    struct link l;
    if (!link_get(id, &l)) {
        return false;
    }
    struct key k = key_id('l', id);
    env_storage_remove(k.b, k.n);
    if (l.prev != 0) {
        struct link p;
        if (link_get(l.prev, &p)) {
            p.next = l.next;
            link_set(l.prev, p);
        }
    } else {
        env_storage_set_u64(KEY_HEAD, KEYLEN(KEY_HEAD), l.next);
    }
    if (l.next != 0) {
        struct link nx;
        if (link_get(l.next, &nx)) {
            nx.prev = l.prev;
            link_set(l.next, nx);
        }
    } else {
        env_storage_set_u64(KEY_TAIL, KEYLEN(KEY_TAIL), l.prev);
    }
    uint64_t count = env_storage_get_u64(KEY_PENDING, KEYLEN(KEY_PENDING), 0);
    env_storage_set_u64(KEY_PENDING, KEYLEN(KEY_PENDING), count > 0 ? count - 1 : 0);
    return true;
}

/* ---- request records ---- */
/* "r:<id>" holds the request as the JSON object get_pending_requests returns:
 * {"request_id","yield_id"(base58),"prompt","requester","created_height","expires_height"}. */

static bool record_get(uint64_t id, struct jr_value *rec)
{
    struct key k = key_id('r', id);
    size_t n;
    uint8_t *v = env_storage_get(k.b, k.n, &n);
    if (v == NULL) {
        return false;
    }
    if (jr_parse((const char *)v, n, rec) != YB_OK || jr_type_of(*rec) != JR_OBJECT) {
        env_panic_z("assistant: corrupt request record in state");
    }
    return true;
}

static struct jr_value record_field(struct jr_value rec, const char *name)
{
    struct jr_value v;
    if (jr_get(rec, name, &v) != YB_OK) {
        env_panic3("assistant: request record lacks ", name, NULL);
    }
    return v;
}

static void record_yield_id(struct jr_value rec, uint8_t out[32])
{
    char text[B58_HASH_TEXT];
    size_t n;
    if (jr_string(record_field(rec, "yield_id"), text, sizeof text, &n) != YB_OK ||
        b58_decode_exact(text, n, out, 32) != YB_OK) {
        env_panic_z("assistant: corrupt yield id in state");
    }
}

static bool answered(uint64_t id)
{
    struct key k = key_id('a', id);
    return env_storage_has(k.b, k.n);
}

/* Removes everything stored for request id. */
static void request_forget(uint64_t id, struct jr_value rec)
{
    uint8_t yield_id[32];
    record_yield_id(rec, yield_id);
    struct key ky = key_yield(yield_id);
    struct key kr = key_id('r', id);
    struct key ka = key_id('a', id);
    env_storage_remove(ky.b, ky.n);
    env_storage_remove(kr.b, kr.n);
    env_storage_remove(ka.b, ka.n);
    pending_remove(id);
}

/* ---- events (NEP-297) ---- */

static void log_event(const char *event, struct jw *data)
{
    size_t n;
    const char *text = env_json_finish(data, event, &n);
    env_log_event(ASSISTANT_STANDARD, ASSISTANT_EVENT_VERSION, event, text, n);
}

/* ---- methods ---- */

NEAR_METHOD(init)
{
    struct args a;
    size_t owner_len;
    char *own;
    if (initialized()) {
        env_panic_z("assistant: already initialized");
    }
    env_require_self_call("init");
    env_require_no_deposit("init");
    args_load(&a);
    if (args_has(&a, "owner_id")) {
        own = account_arg(&a, "owner_id", &owner_len);
    } else {
        own = env_current_account(&owner_len);
    }
    uint64_t timeout = args_u64_or(&a, "timeout_blocks", ASSISTANT_DEFAULT_TIMEOUT_BLOCKS);
    if (timeout == 0 || timeout > 1000000) {
        args_fail("timeout_blocks", ": must be 1 to 1000000");
    }
    env_storage_set(KEY_OWNER, KEYLEN(KEY_OWNER), own, owner_len);
    env_storage_set_u64(KEY_TIMEOUT, KEYLEN(KEY_TIMEOUT), timeout);
    env_storage_set_u64(KEY_NEXT_ID, KEYLEN(KEY_NEXT_ID), 1);
    struct jr_value none = {"[]", 2};
    store_oracles(none, NULL, 0, NULL, 0);
    if (args_has(&a, "oracle_ids")) {
        struct jr_value list = args_value(&a, "oracle_ids");
        struct jr_value e;
        size_t pos = 0;
        if (jr_type_of(list) != JR_ARRAY) {
            args_fail("oracle_ids", ": expected an array of account ids");
        }
        while (jr_array_next(list, &pos, &e) == YB_OK) {
            char id[STR_ACCOUNT_MAX];
            size_t n;
            if (jr_string(e, id, sizeof id, &n) != YB_OK || !str_account_id_valid(id, n)) {
                args_fail("oracle_ids", ": expected an array of account ids");
            }
            if (!is_oracle(id, n)) {
                store_oracles(oracles_json(), NULL, 0, id, n);
            }
        }
    }
}

/* request / ask_assistant: stores the request, yields, logs request_created, returns the yield. */
static void request_impl(const char *method)
{
    struct args a;
    size_t prompt_len;
    size_t requester_len;
    require_initialized();
    env_require_no_deposit(method);
    args_load(&a);
    char *prompt = args_string(&a, "prompt", ASSISTANT_PROMPT_MAX, &prompt_len);
    if (prompt_len == 0) {
        args_fail("prompt", ": must not be empty");
    }
    char *requester = env_predecessor(&requester_len);
    uint64_t id = env_storage_get_u64(KEY_NEXT_ID, KEYLEN(KEY_NEXT_ID), 1);
    env_storage_set_u64(KEY_NEXT_ID, KEYLEN(KEY_NEXT_ID), id + 1);
    uint64_t created = near_block_index();
    uint64_t expires = created + env_storage_get_u64(KEY_TIMEOUT, KEYLEN(KEY_TIMEOUT),
                                                     ASSISTANT_DEFAULT_TIMEOUT_BLOCKS);

    struct jw cb;
    jw_init(&cb, 64);
    jw_object_begin(&cb);
    jw_key(&cb, "request_id");
    jw_u64(&cb, id);
    jw_object_end(&cb);
    size_t cb_len;
    const char *cb_args = env_json_finish(&cb, "callback arguments", &cb_len);
    uint64_t promise = near_promise_yield_create(
        KEYLEN(ASSISTANT_CALLBACK), NEAR_PTR(ASSISTANT_CALLBACK), cb_len, NEAR_PTR(cb_args),
        ASSISTANT_CALLBACK_GAS, ASSISTANT_CALLBACK_WEIGHT, ASSISTANT_YIELD_REGISTER);
    size_t yid_len;
    uint8_t *yield_id = env_register(ASSISTANT_YIELD_REGISTER, &yid_len);
    if (yield_id == NULL || yid_len != 32) {
        env_panic_z("assistant: promise_yield_create gave no 32-byte data id");
    }
    char yid_text[B58_HASH_TEXT];
    size_t yid_text_len;
    b58_encode(yield_id, 32, yid_text, sizeof yid_text, &yid_text_len);

    struct jw rec;
    jw_init(&rec, ASSISTANT_PROMPT_MAX * 6 + 512);
    jw_object_begin(&rec);
    jw_key(&rec, "request_id");
    jw_u64(&rec, id);
    jw_key(&rec, "yield_id");
    jw_string(&rec, yid_text, yid_text_len);
    jw_key(&rec, "prompt");
    jw_string(&rec, prompt, prompt_len);
    jw_key(&rec, "requester");
    jw_string(&rec, requester, requester_len);
    jw_key(&rec, "created_height");
    jw_u64(&rec, created);
    jw_key(&rec, "expires_height");
    jw_u64(&rec, expires);
    jw_object_end(&rec);
    size_t rec_len;
    const char *rec_text = env_json_finish(&rec, "request record", &rec_len);

    struct key kr = key_id('r', id);
    struct key ky = key_yield(yield_id);
    uint8_t id_le[8];
    store_u64le(id_le, id);
    env_storage_set(kr.b, kr.n, rec_text, rec_len);
    env_storage_set(ky.b, ky.n, id_le, sizeof id_le);
    pending_push(id);

    /* The event is the record itself; a prompt whose escaped form would push the line over
     * NEAR's log limit is left out (prompt_omitted) — the oracle reads it from the state. */
    struct jw ev;
    jw_init(&ev, ASSISTANT_EVENT_MAX);
    jw_array_begin(&ev);
    jw_raw(&ev, rec_text, rec_len);
    jw_array_end(&ev);
    if (jw_finish(&ev, NULL, NULL) == YB_ETOOBIG) {
        jw_init(&ev, ASSISTANT_EVENT_MAX);
        jw_array_begin(&ev);
        jw_object_begin(&ev);
        jw_key(&ev, "request_id");
        jw_u64(&ev, id);
        jw_key(&ev, "yield_id");
        jw_string(&ev, yid_text, yid_text_len);
        jw_key(&ev, "prompt_omitted");
        jw_bool(&ev, true);
        jw_key(&ev, "requester");
        jw_string(&ev, requester, requester_len);
        jw_key(&ev, "created_height");
        jw_u64(&ev, created);
        jw_key(&ev, "expires_height");
        jw_u64(&ev, expires);
        jw_object_end(&ev);
        jw_array_end(&ev);
    }
    log_event("request_created", &ev);
    near_promise_return(promise);
}

NEAR_METHOD(request)
{
    request_impl("request");
}

NEAR_METHOD(ask_assistant)
{
    request_impl("ask_assistant");
}

/* Walks the pending list from its head, skipping from_index entries; calls emit for at most
 * limit records. */
static void pending_page(struct jw *w, uint64_t from_index, uint64_t limit,
                         void (*emit)(struct jw *, struct jr_value))
{
    uint64_t id = env_storage_get_u64(KEY_HEAD, KEYLEN(KEY_HEAD), 0);
    uint64_t index = 0;
    uint64_t emitted = 0;
    jw_array_begin(w);
    while (id != 0 && emitted < limit) {
        struct link l;
        struct jr_value rec;
        if (!link_get(id, &l)) {
            env_panic_z("assistant: corrupt pending list in state");
        }
        if (index >= from_index && record_get(id, &rec)) {
            emit(w, rec);
            emitted++;
        }
        index++;
        id = l.next;
    }
    jw_array_end(w);
}

static void page_args(uint64_t *from_index, uint64_t *limit)
{
    struct args a;
    args_load(&a);
    *from_index = args_u64_or(&a, "from_index", 0);
    *limit = args_u64_or(&a, "limit", ASSISTANT_PAGE_DEFAULT);
    if (*limit > ASSISTANT_PAGE_MAX) {
        *limit = ASSISTANT_PAGE_MAX;
    }
}

static void emit_record(struct jw *w, struct jr_value rec)
{
    jw_raw(w, rec.p, rec.n);
}

/* near-examples/yield-resume's Request: {"yield_id":[32 numbers],"prompt"}. */
static void emit_example_shape(struct jw *w, struct jr_value rec)
{
    uint8_t yield_id[32];
    record_yield_id(rec, yield_id);
    jw_object_begin(w);
    jw_key(w, "yield_id");
    jw_byte_array(w, yield_id, 32);
    jw_key(w, "prompt");
    jw_raw(w, record_field(rec, "prompt").p, record_field(rec, "prompt").n);
    jw_object_end(w);
}

NEAR_METHOD(get_pending_requests)
{
    uint64_t from_index;
    uint64_t limit;
    struct jw w;
    page_args(&from_index, &limit);
    jw_init(&w, ASSISTANT_RESULT_MAX);
    pending_page(&w, from_index, limit, emit_record);
    env_return_json(&w);
}

NEAR_METHOD(list_requests)
{
    uint64_t from_index;
    uint64_t limit;
    struct jw w;
    page_args(&from_index, &limit);
    jw_init(&w, ASSISTANT_RESULT_MAX);
    pending_page(&w, from_index, limit, emit_example_shape);
    env_return_json(&w);
}

static const char *const record_fields[] = {"request_id", "yield_id",       "prompt",
                                            "requester",  "created_height", "expires_height"};

NEAR_METHOD(get_request)
{
    struct args a;
    struct jr_value rec;
    struct jw w;
    args_load(&a);
    uint64_t id = args_u64(&a, "request_id");
    jw_init(&w, ASSISTANT_PROMPT_MAX * 6 + 512);
    if (!record_get(id, &rec)) {
        jw_null(&w);
    } else {
        jw_object_begin(&w);
        for (size_t i = 0; i < sizeof record_fields / sizeof record_fields[0]; i++) {
            struct jr_value v = record_field(rec, record_fields[i]);
            jw_key(&w, record_fields[i]);
            jw_raw(&w, v.p, v.n);
        }
        jw_key(&w, "status");
        jw_string_z(&w, answered(id) ? "answered" : "pending");
        jw_object_end(&w);
    }
    env_return_json(&w);
}

NEAR_METHOD(respond)
{
    struct args a;
    uint8_t yield_id[32];
    size_t caller_len;
    size_t answer_len;
    require_initialized();
    env_require_no_deposit("respond");
    char *caller = env_predecessor(&caller_len);
    if (!is_oracle(caller, caller_len)) {
        env_panic3("respond: ", caller, " is not an oracle of this contract");
    }
    args_load(&a);
    args_hash32(&a, "yield_id", yield_id);
    char *answer = args_string(&a, "response", ASSISTANT_ANSWER_MAX, &answer_len);

    struct key ky = key_yield(yield_id);
    size_t n;
    uint8_t *id_le = env_storage_get(ky.b, ky.n, &n);
    bool accepted = false;
    if (id_le != NULL && n == 8) {
        uint64_t id = load_u64le(id_le);
        struct key ka = key_id('a', id);
        /* A second answer would be ignored by the chain (the first resume wins), so it must not
         * replace the stored one either. */
        if (!env_storage_has(ka.b, ka.n)) {
            env_storage_set(ka.b, ka.n, answer, answer_len);
            struct jw p;
            jw_init(&p, 64);
            jw_object_begin(&p);
            jw_key(&p, "request_id");
            jw_u64(&p, id);
            jw_object_end(&p);
            size_t payload_len;
            const char *payload = env_json_finish(&p, "resume payload", &payload_len);
            accepted = near_promise_yield_resume(32, NEAR_PTR(yield_id), payload_len,
                                                 NEAR_PTR(payload)) == 1;
            if (!accepted) {
                /* Already resumed or timed out: no callback will read this answer. */
                env_storage_remove(ka.b, ka.n);
            } else {
                char yid_text[B58_HASH_TEXT];
                size_t yid_text_len;
                b58_encode(yield_id, 32, yid_text, sizeof yid_text, &yid_text_len);
                pending_remove(id);
                struct jw ev;
                jw_init(&ev, ASSISTANT_EVENT_MAX);
                jw_array_begin(&ev);
                jw_object_begin(&ev);
                jw_key(&ev, "request_id");
                jw_u64(&ev, id);
                jw_key(&ev, "yield_id");
                jw_string(&ev, yid_text, yid_text_len);
                jw_key(&ev, "responder");
                jw_string(&ev, caller, caller_len);
                jw_key(&ev, "answer_bytes");
                jw_u64(&ev, answer_len);
                jw_object_end(&ev);
                jw_array_end(&ev);
                log_event("request_answered", &ev);
            }
        }
    }
    env_return_z(accepted ? "true" : "false");
}

NEAR_METHOD(return_external_response)
{
    struct args a;
    struct jr_value rec;
    struct jw w;
    env_require_self_call(ASSISTANT_CALLBACK);
    args_load(&a);
    uint64_t id = args_u64(&a, "request_id");
    if (near_promise_results_count() != 1) {
        env_panic_z("return_external_response: expected exactly one promise result");
    }
    uint64_t status = near_promise_result(0, ASSISTANT_YIELD_REGISTER);
    bool have_record = record_get(id, &rec);
    jw_init(&w, ASSISTANT_ANSWER_MAX * 6 + 128);
    jw_object_begin(&w);
    jw_key(&w, "request_id");
    jw_u64(&w, id);
    if (status == 1) {
        struct key ka = key_id('a', id);
        size_t answer_len;
        uint8_t *answer = env_storage_get(ka.b, ka.n, &answer_len);
        if (answer == NULL) {
            env_panic_z("return_external_response: resumed without a stored answer");
        }
        jw_key(&w, "status");
        jw_string_z(&w, "answered");
        jw_key(&w, "answer");
        jw_string(&w, (const char *)answer, answer_len);
    } else {
        jw_key(&w, "status");
        jw_string_z(&w, "timeout");
        struct jw ev;
        jw_init(&ev, ASSISTANT_EVENT_MAX);
        jw_array_begin(&ev);
        jw_object_begin(&ev);
        jw_key(&ev, "request_id");
        jw_u64(&ev, id);
        if (have_record) {
            jw_key(&ev, "yield_id");
            struct jr_value y = record_field(rec, "yield_id");
            jw_raw(&ev, y.p, y.n);
        }
        jw_key(&ev, "timed_out_height");
        jw_u64(&ev, near_block_index());
        jw_object_end(&ev);
        jw_array_end(&ev);
        log_event("request_timed_out", &ev);
    }
    jw_object_end(&w);
    if (have_record) {
        request_forget(id, rec);
    }
    env_return_json(&w);
}

NEAR_METHOD(add_oracle)
{
    struct args a;
    size_t n;
    require_owner("add_oracle");
    env_require_no_deposit("add_oracle");
    args_load(&a);
    char *id = account_arg(&a, "account_id", &n);
    bool added = !is_oracle(id, n);
    if (added) {
        store_oracles(oracles_json(), NULL, 0, id, n);
    }
    env_return_z(added ? "true" : "false");
}

NEAR_METHOD(remove_oracle)
{
    struct args a;
    size_t n;
    require_owner("remove_oracle");
    env_require_no_deposit("remove_oracle");
    args_load(&a);
    char *id = account_arg(&a, "account_id", &n);
    bool removed = is_oracle(id, n);
    if (removed) {
        store_oracles(oracles_json(), id, n, NULL, 0);
    }
    env_return_z(removed ? "true" : "false");
}

NEAR_METHOD(get_oracles)
{
    struct jr_value set = oracles_json();
    env_return(set.p, set.n);
}

NEAR_METHOD(get_config)
{
    struct jw w;
    size_t on;
    require_initialized();
    char *own = owner(&on);
    struct jr_value set = oracles_json();
    jw_init(&w, 4096);
    jw_object_begin(&w);
    jw_key(&w, "owner_id");
    jw_string(&w, own, on);
    jw_key(&w, "oracle_ids");
    jw_raw(&w, set.p, set.n);
    jw_key(&w, "timeout_blocks");
    jw_u64(&w, env_storage_get_u64(KEY_TIMEOUT, KEYLEN(KEY_TIMEOUT), 0));
    jw_key(&w, "pending");
    jw_u64(&w, env_storage_get_u64(KEY_PENDING, KEYLEN(KEY_PENDING), 0));
    jw_key(&w, "next_request_id");
    jw_u64(&w, env_storage_get_u64(KEY_NEXT_ID, KEYLEN(KEY_NEXT_ID), 1));
    jw_key(&w, "prompt_max_bytes");
    jw_u64(&w, ASSISTANT_PROMPT_MAX);
    jw_key(&w, "answer_max_bytes");
    jw_u64(&w, ASSISTANT_ANSWER_MAX);
    jw_object_end(&w);
    env_return_json(&w);
}
