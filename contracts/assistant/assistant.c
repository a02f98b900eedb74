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
#include "promise.h"
#include "requests.h"
#include "str.h"

#define ASSISTANT_PROMPT_MAX  4096
#define ASSISTANT_ANSWER_MAX  16384
#define ASSISTANT_MAX_ORACLES 32
/* Entries of one respond_many call; 32 request_answered objects (~200 bytes each) fit one
 * event line well under NEAR's 16 KiB log limit. */
#define ASSISTANT_RESPOND_MANY_MAX   32
#define ASSISTANT_RESPOND_MANY_RANGE ": expected 1 to 32 entries (ASSISTANT_RESPOND_MANY_MAX)"
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

/* ---- configuration keys (layout in README.md; request state: requests.c) ---- */
#define KEY_OWNER   "cfg:owner"
#define KEY_ORACLES "cfg:oracles"
#define KEY_TIMEOUT "cfg:timeout"
#define KEYLEN(k)   (sizeof(k) - 1)

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
        /* Stored ids are plain account ids: compared in place unless one has an escape. */
        if (jr_type_of(e) == JR_STRING &&
            str_quote_run((const uint8_t *)e.p + 1, e.n - 2) == e.n - 2) {
            if (str_eq(e.p + 1, e.n - 2, id, n)) {
                return true;
            }
            continue;
        }
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

/* ---- the request reference {"request_id":N} ---- */

#define REFERENCE_PREFIX "{\"request_id\":"
/* The prefix, up to 20 digits and the closing brace. */
#define REFERENCE_MAX (sizeof REFERENCE_PREFIX - 1 + STR_U64_MAX)

/* Writes {"request_id":N}, the yield callback's arguments and the resume payload, to out and
 * returns its length. A fixed shape of a number and a literal needs no JSON writer. */
static size_t request_reference(uint64_t id, char out[REFERENCE_MAX])
{
    size_t n = sizeof REFERENCE_PREFIX - 1;
    memcpy(out, REFERENCE_PREFIX, n);
    n += str_from_u64(id, out + n);
    out[n++] = '}';
    return n;
}

/* ---- events (NEP-297) ---- */

/* Starts the event line in ev; the caller writes the data array and calls env_event_log. A
 * macro so that the literal names' lengths are known at compile time. */
#define event_begin(ev, name)                                                                      \
    env_event_begin((ev), ASSISTANT_STANDARD, ASSISTANT_EVENT_VERSION, name)

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
    uint64_t id = requests_next_id();
    uint64_t created = near_block_index();
    uint64_t expires = created + env_storage_get_u64(KEY_TIMEOUT, KEYLEN(KEY_TIMEOUT),
                                                     ASSISTANT_DEFAULT_TIMEOUT_BLOCKS);

    char cb_args[REFERENCE_MAX];
    size_t cb_len = request_reference(id, cb_args);
    uint8_t yield_id[32];
    uint64_t promise = promise_yield(ASSISTANT_CALLBACK, cb_args, cb_len, ASSISTANT_CALLBACK_GAS,
                                     ASSISTANT_CALLBACK_WEIGHT, ASSISTANT_YIELD_REGISTER, yield_id);
    char yid_text[B58_HASH_TEXT];
    size_t yid_text_len;
    b58_encode(yield_id, 32, yid_text, sizeof yid_text, &yid_text_len);

    struct jw rec;
    jw_init(&rec, ASSISTANT_PROMPT_MAX * 6 + 512);
    jw_object_begin(&rec);
    jw_key_lit(&rec, "request_id");
    jw_u64(&rec, id);
    jw_key_lit(&rec, "yield_id");
    /* Base58 and account ids (the runtime hands out valid ones only) need no escaping. */
    jw_string_plain(&rec, yid_text, yid_text_len);
    jw_key_lit(&rec, "prompt");
    jw_string(&rec, prompt, prompt_len);
    jw_key_lit(&rec, "requester");
    jw_string_plain(&rec, requester, requester_len);
    jw_key_lit(&rec, "created_height");
    jw_u64(&rec, created);
    jw_key_lit(&rec, "expires_height");
    jw_u64(&rec, expires);
    jw_object_end(&rec);
    size_t rec_len;
    const char *rec_text = env_json_finish(&rec, "request record", &rec_len);

    requests_add(id, yield_id, rec_text, rec_len);

    /* The event's data is [record]. A record that would make the data longer than
     * ASSISTANT_EVENT_MAX (a heavily escaped prompt) is logged with prompt_omitted instead, so
     * the line stays under NEAR's log limit; the oracle reads the prompt from the state. */
    struct jw ev;
    event_begin(&ev, "request_created");
    jw_array_begin(&ev);
    if (rec_len + 2 <= ASSISTANT_EVENT_MAX) {
        jw_raw(&ev, rec_text, rec_len);
    } else {
        jw_object_begin(&ev);
        jw_key_lit(&ev, "request_id");
        jw_u64(&ev, id);
        jw_key_lit(&ev, "yield_id");
        jw_string_plain(&ev, yid_text, yid_text_len);
        jw_key_lit(&ev, "prompt_omitted");
        jw_bool(&ev, true);
        jw_key_lit(&ev, "requester");
        jw_string_plain(&ev, requester, requester_len);
        jw_key_lit(&ev, "created_height");
        jw_u64(&ev, created);
        jw_key_lit(&ev, "expires_height");
        jw_u64(&ev, expires);
        jw_object_end(&ev);
    }
    jw_array_end(&ev);
    env_event_log(&ev);
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

static void page_args(const struct args *a, uint64_t *from_index, uint64_t *limit)
{
    *from_index = args_u64_or(a, "from_index", 0);
    *limit = args_u64_or(a, "limit", ASSISTANT_PAGE_DEFAULT);
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
    requests_yield_id(rec, yield_id);
    jw_object_begin(w);
    jw_key_lit(w, "yield_id");
    jw_byte_array(w, yield_id, 32);
    jw_key_lit(w, "prompt");
    jw_raw(w, requests_field(rec, "prompt").p, requests_field(rec, "prompt").n);
    jw_object_end(w);
}

/* get_pending_requests pages either by position (from_index, walked from the head: its cost
 * grows with from_index) or by request id (from_request_id: ids only grow and the list is in id
 * order, so a reader that remembers the last id it saw asks for what came after, at a cost that
 * does not depend on the list's length). Both at once would be ambiguous. */
NEAR_METHOD(get_pending_requests)
{
    struct args a;
    struct jw w;
    uint64_t from_index;
    uint64_t limit;
    args_load(&a);
    page_args(&a, &from_index, &limit);
    jw_init(&w, ASSISTANT_RESULT_MAX);
    if (args_has(&a, "from_request_id")) {
        uint64_t from_id = args_u64(&a, "from_request_id");
        if (from_index != 0) {
            args_fail("from_index", ": must be absent or 0 when `from_request_id` is given");
        }
        requests_page_from_id(&w, from_id, limit, emit_record);
    } else {
        requests_page(&w, from_index, limit, emit_record);
    }
    env_return_json(&w);
}

NEAR_METHOD(list_requests)
{
    struct args a;
    uint64_t from_index;
    uint64_t limit;
    struct jw w;
    args_load(&a);
    page_args(&a, &from_index, &limit);
    jw_init(&w, ASSISTANT_RESULT_MAX);
    requests_page(&w, from_index, limit, emit_example_shape);
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
    if (!requests_get(id, &rec)) {
        jw_null(&w);
    } else {
        jw_object_begin(&w);
        for (size_t i = 0; i < sizeof record_fields / sizeof record_fields[0]; i++) {
            struct jr_value v = requests_field(rec, record_fields[i]);
            jw_key(&w, record_fields[i]);
            jw_raw(&w, v.p, v.n);
        }
        jw_key_lit(&w, "status");
        jw_string_z(&w, requests_has_answer(id) ? "answered" : "pending");
        jw_object_end(&w);
    }
    env_return_json(&w);
}

/* promise_yield_resume with the short reference {"request_id":N} as payload (the callback reads
 * the answer from state); whether the chain accepted it. */
static bool resume_with_reference(const uint8_t yield_id[32], uint64_t id)
{
    char payload[REFERENCE_MAX];
    size_t payload_len = request_reference(id, payload);
    return promise_resume(yield_id, payload, payload_len);
}

/*
 * The yield_id argument: its 32 bytes in id, and in *text the canonical base58 text of them when
 * the argument gave it (the usual form), else NULL. The raw string is decoded first: if that
 * works it holds no escape (a backslash is no base58 digit), so it equals the decoded string,
 * and being base58 of exactly 32 bytes it is the canonical text (its leading '1's are the zero
 * bytes and no zero digit follows) — reused instead of encoding the id again. Anything else
 * (the array form, escapes, errors with their messages) goes through args_hash32.
 */
static void yield_arg(const struct args *a, uint8_t id[32], const char **text, size_t *text_len)
{
    struct jr_value v = args_value(a, "yield_id");
    if (jr_type_of(v) == JR_STRING && v.n - 2 <= B58_MAX_TEXT &&
        b58_decode_exact(v.p + 1, v.n - 2, id, 32) == YB_OK) {
        *text = v.p + 1;
        *text_len = v.n - 2;
        return;
    }
    args_hash32(a, "yield_id", id);
    *text = NULL;
    *text_len = 0;
}

/* One request_answered data object: {"request_id","yield_id","responder","answer_bytes"}. Base58
 * text and account ids (the runtime only hands out valid ones) need no escaping. */
static void write_answered(struct jw *ev, uint64_t id, const uint8_t yield_id[32],
                           const char *yid_text, size_t yid_text_len, const char *responder,
                           size_t responder_len, size_t answer_len)
{
    char encoded[B58_HASH_TEXT];
    if (yid_text == NULL) {
        b58_encode(yield_id, 32, encoded, sizeof encoded, &yid_text_len);
        yid_text = encoded;
    }
    jw_object_begin(ev);
    jw_key_lit(ev, "request_id");
    jw_u64(ev, id);
    jw_key_lit(ev, "yield_id");
    jw_string_plain(ev, yid_text, yid_text_len);
    jw_key_lit(ev, "responder");
    jw_string_plain(ev, responder, responder_len);
    jw_key_lit(ev, "answer_bytes");
    jw_u64(ev, answer_len);
    jw_object_end(ev);
}

/* The caller (returned in *caller) must be in the oracle set; panics "<method>: <caller> is not
 * an oracle of this contract" otherwise. Also checks initialization and the deposit. */
static char *require_oracle(const char *method, size_t *caller_len)
{
    require_initialized();
    env_require_no_deposit(method);
    char *caller = env_predecessor(caller_len);
    if (!is_oracle(caller, *caller_len)) {
        size_t mn = strlen(method);
        char *prefix = alloc_bytes(mn + 3);
        memcpy(prefix, method, mn);
        memcpy(prefix + mn, ": ", 3); /* with its NUL */
        env_panic3(prefix, caller, " is not an oracle of this contract");
    }
    return caller;
}

/*
 * Stores one answer and resumes its yield; whether the chain accepted it (*id then names the
 * request). Unknown yield ids (never created, or already finished) and requests that already
 * have an answer are refused: the chain ignores a second resume's payload, so the stored answer
 * must not change either. The same rule refuses a yield id repeated within one respond_many.
 */
static bool answer_one(const uint8_t yield_id[32], const char *answer, size_t answer_len,
                       uint64_t *id)
{
    if (!requests_find_by_yield(yield_id, id) || requests_has_answer(*id)) {
        return false;
    }
    requests_set_answer(*id, answer, answer_len);
    if (!resume_with_reference(yield_id, *id)) {
        /* The chain has no pending yield any more: no callback will read this answer. */
        requests_drop_answer(*id);
        return false;
    }
    requests_accept(*id, yield_id);
    return true;
}

NEAR_METHOD(respond)
{
    struct args a;
    uint8_t yield_id[32];
    size_t caller_len;
    size_t answer_len;
    uint64_t id;
    char *caller = require_oracle("respond", &caller_len);
    const char *yid_text;
    size_t yid_text_len;
    args_load(&a);
    yield_arg(&a, yield_id, &yid_text, &yid_text_len);
    char *answer = args_string(&a, "response", ASSISTANT_ANSWER_MAX, &answer_len);
    bool accepted = answer_one(yield_id, answer, answer_len, &id);
    if (accepted) {
        struct jw ev;
        event_begin(&ev, "request_answered");
        jw_array_begin(&ev);
        write_answered(&ev, id, yield_id, yid_text, yid_text_len, caller, caller_len, answer_len);
        jw_array_end(&ev);
        env_event_log(&ev);
    }
    env_return_z(accepted ? "true" : "false");
}

/* One entry of respond_many, decoded before any state changes. */
struct respond_entry {
    uint8_t yield_id[32];
    const char *yield_text; /* NULL: encode yield_id when needed */
    size_t yield_text_len;
    char *answer;
    size_t answer_len;
};

/*
 * respond_many: up to ASSISTANT_RESPOND_MANY_MAX answers in one call, each handled exactly like
 * respond, so an oracle pays the per-transaction and per-receipt fees once per batch. The
 * result is a JSON array of booleans in entry order; one request_answered event lists every
 * accepted entry (32 entries stay far below NEAR's 16 KiB log limit).
 */
NEAR_METHOD(respond_many)
{
    struct args a;
    struct respond_entry entries[ASSISTANT_RESPOND_MANY_MAX];
    size_t count = 0;
    size_t caller_len;
    char *caller = require_oracle("respond_many", &caller_len);
    args_load(&a);
    struct jr_value list = args_value(&a, "responses");
    if (jr_type_of(list) != JR_ARRAY) {
        args_fail("responses", ": expected an array of {\"yield_id\",\"response\"} objects");
    }
    struct jr_value e;
    size_t pos = 0;
    while (jr_array_next(list, &pos, &e) == YB_OK) {
        if (count == ASSISTANT_RESPOND_MANY_MAX) {
            args_fail("responses", ASSISTANT_RESPOND_MANY_RANGE);
        }
        if (jr_type_of(e) != JR_OBJECT) {
            args_fail("responses", ": expected an array of {\"yield_id\",\"response\"} objects");
        }
        struct args entry;
        args_of(&entry, e);
        struct respond_entry *r = &entries[count++];
        yield_arg(&entry, r->yield_id, &r->yield_text, &r->yield_text_len);
        r->answer = args_string(&entry, "response", ASSISTANT_ANSWER_MAX, &r->answer_len);
    }
    if (count == 0) {
        args_fail("responses", ASSISTANT_RESPOND_MANY_RANGE);
    }

    struct jw result;
    struct jw ev;
    bool any = false;
    jw_init(&result, ASSISTANT_RESPOND_MANY_MAX * 6 + 2);
    event_begin(&ev, "request_answered");
    jw_array_begin(&result);
    jw_array_begin(&ev);
    for (size_t i = 0; i < count; i++) {
        uint64_t id;
        bool accepted =
            answer_one(entries[i].yield_id, entries[i].answer, entries[i].answer_len, &id);
        if (accepted) {
            write_answered(&ev, id, entries[i].yield_id, entries[i].yield_text,
                           entries[i].yield_text_len, caller, caller_len, entries[i].answer_len);
            any = true;
        }
        jw_bool(&result, accepted);
    }
    jw_array_end(&ev);
    jw_array_end(&result);
    if (any) {
        env_event_log(&ev);
    }
    env_return_json(&result);
}

NEAR_METHOD(return_external_response)
{
    struct args a;
    struct jw w;
    env_require_self_call(ASSISTANT_CALLBACK);
    args_load(&a);
    uint64_t id = args_u64(&a, "request_id");
    if (near_promise_results_count() != 1) {
        env_panic_z("return_external_response: expected exactly one promise result");
    }
    uint64_t status = near_promise_result(0, ASSISTANT_YIELD_REGISTER);
    jw_init(&w, ASSISTANT_ANSWER_MAX * 6 + 128);
    jw_object_begin(&w);
    jw_key_lit(&w, "request_id");
    jw_u64(&w, id);
    if (status == 1) {
        /* respond accepted this answer and already took the request off the pending list and
         * the yield index (requests_accept): only the record and the answer are left. */
        size_t answer_len;
        uint8_t *answer = requests_answer(id, &answer_len);
        if (answer == NULL) {
            env_panic_z("return_external_response: resumed without a stored answer");
        }
        jw_key_lit(&w, "status");
        jw_string_z(&w, "answered");
        jw_key_lit(&w, "answer");
        jw_string(&w, (const char *)answer, answer_len);
        jw_object_end(&w);
        requests_forget_answered(id);
    } else {
        struct jr_value rec;
        bool have_record = requests_get(id, &rec);
        jw_key_lit(&w, "status");
        jw_string_z(&w, "timeout");
        struct jw ev;
        event_begin(&ev, "request_timed_out");
        jw_array_begin(&ev);
        jw_object_begin(&ev);
        jw_key_lit(&ev, "request_id");
        jw_u64(&ev, id);
        if (have_record) {
            jw_key_lit(&ev, "yield_id");
            struct jr_value y = requests_field(rec, "yield_id");
            jw_raw(&ev, y.p, y.n);
        }
        jw_key_lit(&ev, "timed_out_height");
        jw_u64(&ev, near_block_index());
        jw_object_end(&ev);
        jw_array_end(&ev);
        env_event_log(&ev);
        jw_object_end(&w);
        if (have_record) {
            requests_forget(id, rec);
        }
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
    jw_key_lit(&w, "owner_id");
    jw_string(&w, own, on);
    jw_key_lit(&w, "oracle_ids");
    jw_raw(&w, set.p, set.n);
    jw_key_lit(&w, "timeout_blocks");
    jw_u64(&w, env_storage_get_u64(KEY_TIMEOUT, KEYLEN(KEY_TIMEOUT), 0));
    jw_key_lit(&w, "pending");
    jw_u64(&w, requests_pending_count());
    jw_key_lit(&w, "next_request_id");
    jw_u64(&w, requests_peek_next_id());
    jw_key_lit(&w, "prompt_max_bytes");
    jw_u64(&w, ASSISTANT_PROMPT_MAX);
    jw_key_lit(&w, "answer_max_bytes");
    jw_u64(&w, ASSISTANT_ANSWER_MAX);
    jw_object_end(&w);
    env_return_json(&w);
}
