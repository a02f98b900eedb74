/*
 * xcc.c — cross-contract calls: promise_create + promise_then, and promise_and joining several
 * calls into one callback that reads every result (reference/nep519.md §5).
 *
 * Methods (JSON arguments):
 *   call({"account_id","method","args"?,"gas"?})  promise_create, then promise_then to
 *                                                 on_results (static gas XCC_CALLBACK_GAS); returns
 *                                                 the callback's result (promise_return)
 *   join({"calls":[{"account_id","method","args"?,"gas"?},...]})  up to XCC_MAX_CALLS calls
 *                                                 joined with promise_and, then on_results attached
 *                                                 with promise_batch_then + a weight-1 function
 * call on_results()                                  private callback: reads promise_results_count
 *                                                 and every promise_result, returns
 *     [{"index":0,"status":"success","value":<JSON>|"value_text":"..."|"value_len":N},
 *      {"index":1,"status":"failed"}, ...]
 *   echo({"value"})                               returns value (a call target for demos)
 *   fail({"message"?})                            panics (a failing call target)
 * "args" is any JSON value; its text is sent as the call's argument bytes (none: empty input).
 * join's callback has weight 1, so the call's leftover gas flows into it.
 */
#include "alloc.h"
#include "args.h"
#include "env.h"
#include "jr.h"
#include "jw.h"
#include "libc.h"
#include "near.h"
#include "promise.h"
#include "str.h"

#define XCC_MAX_CALLS    8
#define XCC_DEFAULT_GAS  10000000000000ull
#define XCC_CALLBACK_GAS 10000000000000ull
#define XCC_CALLBACK     "on_results"
#define XCC_METHOD_MAX   256
#define XCC_RESULT_MAX   (1u << 20)
/* Results longer than this are reported by length only. */
#define XCC_VALUE_MAX       (64u * 1024u)
#define XCC_RESULT_REGISTER 1

/* Starts one function call described by the object `call` and returns its promise index. */
static uint64_t start_call(struct jr_value call)
{
    struct args c;
    size_t acc_len;
    size_t method_len;
    if (jr_type_of(call) != JR_OBJECT) {
        env_panic_z("xcc: each call must be an object");
    }
    args_of(&c, call);
    char *account = args_string(&c, "account_id", STR_ACCOUNT_MAX, &acc_len);
    if (!str_account_id_valid(account, acc_len)) {
        args_fail("account_id", ": not a valid NEAR account id");
    }
    char *method = args_string(&c, "method", XCC_METHOD_MAX, &method_len);
    if (method_len == 0 || strlen(method) != method_len) {
        args_fail("method", ": must be a non-empty name without NUL characters");
    }
    const char *call_args = "";
    size_t call_args_len = 0;
    if (args_has(&c, "args")) {
        struct jr_value v = args_value(&c, "args");
        call_args = v.p;
        call_args_len = v.n;
    }
    return promise_call(account, method, call_args, call_args_len,
                        args_u64_or(&c, "gas", XCC_DEFAULT_GAS));
}

NEAR_METHOD(call)
{
    struct args a;
    size_t self_len;
    args_load(&a);
    uint64_t first = start_call(a.root);
    char *self = env_current_account(&self_len);
    near_promise_return(promise_call_then(first, self, XCC_CALLBACK, "", 0, XCC_CALLBACK_GAS));
}

NEAR_METHOD(join)
{
    struct args a;
    uint64_t promises[XCC_MAX_CALLS];
    size_t count = 0;
    size_t pos = 0;
    struct jr_value e;
    args_load(&a);
    struct jr_value calls = args_value(&a, "calls");
    if (jr_type_of(calls) != JR_ARRAY) {
        args_fail("calls", ": expected an array of calls");
    }
    while (jr_array_next(calls, &pos, &e) == YB_OK) {
        if (count >= XCC_MAX_CALLS) {
            args_fail("calls", ": more than 8 calls");
        }
        promises[count++] = start_call(e);
    }
    if (count == 0) {
        args_fail("calls", ": empty");
    }
    uint64_t joint = promise_join(promises, count);
    near_promise_return(promise_callback(joint, XCC_CALLBACK, "", 0, XCC_CALLBACK_GAS, 1));
}

NEAR_METHOD(on_results)
{
    struct jw w;
    env_require_self_call(XCC_CALLBACK);
    uint64_t count = near_promise_results_count();
    jw_init(&w, XCC_RESULT_MAX);
    jw_array_begin(&w);
    for (uint64_t i = 0; i < count; i++) {
        uint8_t *v;
        size_t n;
        /* Another contract chose the value's size: it is read only if it is small. */
        uint64_t status = promise_result_value(i, XCC_RESULT_REGISTER, XCC_VALUE_MAX, &v, &n);
        jw_object_begin(&w);
        jw_key_lit(&w, "index");
        jw_u64(&w, i);
        jw_key_lit(&w, "status");
        if (status == 1) {
            jw_string_z(&w, "success");
            if (v == NULL) {
                jw_key_lit(&w, "value_len");
                jw_u64(&w, n);
            } else if (n > 0 && jr_parse((const char *)v, n, NULL) == YB_OK) {
                jw_key_lit(&w, "value");
                jw_raw(&w, (const char *)v, n);
            } else if (str_utf8_valid((const char *)v, n)) {
                jw_key_lit(&w, "value_text");
                jw_string(&w, (const char *)v, n);
            } else {
                jw_key_lit(&w, "value_len");
                jw_u64(&w, n);
            }
        } else if (status == 2) {
            jw_string_z(&w, "failed");
        } else {
            jw_string_z(&w, "not_ready");
        }
        jw_object_end(&w);
    }
    jw_array_end(&w);
    env_return_json(&w);
}

NEAR_METHOD(echo)
{
    struct args a;
    args_load(&a);
    struct jr_value v = args_value(&a, "value");
    env_return(v.p, v.n);
}

NEAR_METHOD(fail)
{
    struct args a;
    args_load(&a);
    if (args_has(&a, "message")) {
        size_t n;
        char *msg = args_string(&a, "message", 1024, &n);
        env_panic(msg, n);
    }
    env_panic_z("xcc: fail was called");
}
