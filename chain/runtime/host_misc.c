/*
 * host_misc.c — logs (log_utf8, log_utf16), panics (panic, panic_utf8, AssemblyScript's abort)
 * and value_return, with nearcore's limits: at most max_number_logs logs and
 * max_total_log_length bytes over all of them; strings are UTF-8 (or UTF-16) and a length of
 * u64::MAX means "NUL-terminated".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "err.h"
#include "log.h"
#include "logic_int.h"
#include "mem.h"

/* Both strings of an abort are bounded by the log room (16 KiB of UTF-16, at most 24 KiB as
 * UTF-8 each), so the formatted texts fit well inside this. */
#define ABORT_TEXT_MAX (1u << 20)

static uint64_t log_room(const struct logic *l)
{
    uint64_t max = l->cfg->limits.max_total_log_length;
    return l->total_log_len >= max ? 0 : max - l->total_log_len;
}

static int total_log_exceeded(struct logic *l, uint64_t add)
{
    return logic_fail(l, LOGIC_ERR_TOTAL_LOG_LENGTH_EXCEEDED, l->total_log_len + add,
                      l->cfg->limits.max_total_log_length, NULL);
}

/* nearcore's get_utf8_string: *out returned (NUL-terminated, free()). */
static int read_utf8(struct logic *l, uint64_t len, uint64_t ptr, char **out, size_t *out_len)
{
    if (logic_pay(l, CONFIG_EXT_UTF8_DECODING_BASE)) {
        return LOGIC_ABORT;
    }
    uint64_t room = log_room(l);
    const uint8_t *p;
    size_t n = 0;
    if (len != UINT64_MAX) {
        if (len > room) {
            return total_log_exceeded(l, len);
        }
        if (logic_mem_view(l, ptr, len, &p)) {
            return LOGIC_ABORT;
        }
        n = (size_t)len;
    } else {
        /* NUL-terminated: read byte by byte as nearcore does (each byte is a memory read). */
        for (uint64_t i = 0;; i++) {
            const uint8_t *c;
            if (logic_mem_view(l, ptr + i, 1, &c)) {
                return LOGIC_ABORT;
            }
            if (*c == 0) {
                break;
            }
            if (i == room) {
                return total_log_exceeded(l, room + 1);
            }
            n++;
        }
        /* Every byte was bounds-checked (and paid for) above. */
        p = vm_memory_view(vm_call_memory(l->call)) + ptr;
    }
    if (logic_pay_per(l, CONFIG_EXT_UTF8_DECODING_BYTE, n)) {
        return LOGIC_ABORT;
    }
    if (borsh_check_utf8(p, n) != YB_OK) {
        return logic_fail(l, LOGIC_ERR_BAD_UTF8, 0, 0, NULL);
    }
    *out = yb_xstrndup((const char *)p, n);
    *out_len = n;
    return 0;
}

/* Appends code point cp as UTF-8. */
static size_t put_utf8(uint8_t *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xC0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xE0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (uint8_t)(0xF0 | (cp >> 18));
    o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* UTF-16LE units → UTF-8 (Rust's String::from_utf16: unpaired surrogates are errors). */
static int utf16_to_utf8(const uint16_t *u, size_t n, char **out, size_t *out_len)
{
    uint8_t *o = yb_xmalloc(n * 3 + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = u[i];
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 1 >= n || u[i + 1] < 0xDC00 || u[i + 1] > 0xDFFF) {
                free(o);
                return YB_EUTF8;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (u[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(o);
            return YB_EUTF8;
        }
        k += put_utf8(o + k, cp);
    }
    o[k] = '\0';
    *out = (char *)o;
    *out_len = k;
    return YB_OK;
}

/* nearcore's get_utf16_string: len is in bytes (u64::MAX: up to the first 0 unit, each unit
 * read and paid for separately). Order: view the memory, then odd length (BadUTF16), then the
 * log room (TotalLogLengthExceeded), then utf16_decoding_byte, then decoding. */
static int read_utf16(struct logic *l, uint64_t len, uint64_t ptr, char **out, size_t *out_len)
{
    if (logic_pay(l, CONFIG_EXT_UTF16_DECODING_BASE)) {
        return LOGIC_ABORT;
    }
    uint64_t room = log_room(l);
    const uint8_t *p;
    if (len == UINT64_MAX) {
        len = 0;
        for (;;) {
            const uint8_t *c;
            if (logic_mem_view(l, ptr + len, 2, &c)) {
                return LOGIC_ABORT;
            }
            if ((c[0] | c[1]) == 0) {
                break;
            }
            len += 2;
            if (len > room) {
                return total_log_exceeded(l, len);
            }
        }
        /* Every unit was bounds-checked and paid for above. */
        p = vm_memory_view(vm_call_memory(l->call)) + ptr;
    } else if (logic_mem_view(l, ptr, len, &p)) {
        return LOGIC_ABORT;
    }
    if (len % 2 != 0) {
        return logic_fail(l, LOGIC_ERR_BAD_UTF16, 0, 0, NULL);
    }
    if (len > room) {
        return total_log_exceeded(l, len);
    }
    if (logic_pay_per(l, CONFIG_EXT_UTF16_DECODING_BYTE, len)) {
        return LOGIC_ABORT;
    }
    size_t n = (size_t)(len / 2);
    uint16_t *units = yb_xmalloc((n ? n : 1) * sizeof(*units));
    for (size_t i = 0; i < n; i++) {
        units[i] = (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8));
    }
    int rc = 0;
    if (utf16_to_utf8(units, n, out, out_len) != YB_OK) {
        rc = logic_fail(l, LOGIC_ERR_BAD_UTF16, 0, 0, NULL);
    }
    free(units);
    return rc;
}

static int can_add_log(struct logic *l)
{
    if (l->out->n_logs >= l->cfg->limits.max_number_logs) {
        return logic_fail(l, LOGIC_ERR_NUMBER_OF_LOGS_EXCEEDED, 0, l->cfg->limits.max_number_logs,
                          NULL);
    }
    return 0;
}

/* Charges log_base + log_byte × len and stores msg (taken). */
static int push_log(struct logic *l, char *msg, size_t len)
{
    if (logic_pay(l, CONFIG_EXT_LOG_BASE) || logic_pay_per(l, CONFIG_EXT_LOG_BYTE, len)) {
        free(msg);
        return LOGIC_ABORT;
    }
    l->total_log_len += len;
    if (l->total_log_len > l->cfg->limits.max_total_log_length) {
        free(msg);
        /* nearcore adds the length to the running total and then reports total + length, so
         * the figure counts this message twice; kept for identical error texts. */
        return total_log_exceeded(l, len);
    }
    logic_grow((void **)&l->out->logs, &l->cap_logs, l->out->n_logs, sizeof(char *));
    l->out->logs[l->out->n_logs++] = msg;
    return 0;
}

static int h_log_utf8(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    char *msg;
    size_t n;
    if (logic_pay(l, CONFIG_EXT_BASE) || can_add_log(l) ||
        read_utf8(l, a[0].i64, a[1].i64, &msg, &n) || push_log(l, msg, n)) {
        return logic_trap(l);
    }
    return YB_OK;
}

static int h_log_utf16(struct vm_call *call, void *ctx, const union vm_value *a,
                       union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    char *msg;
    size_t n;
    if (logic_pay(l, CONFIG_EXT_BASE) || can_add_log(l) ||
        read_utf16(l, a[0].i64, a[1].i64, &msg, &n) || push_log(l, msg, n)) {
        return logic_trap(l);
    }
    return YB_OK;
}

static int h_panic(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    if (!logic_pay(l, CONFIG_EXT_BASE)) {
        logic_fail(l, LOGIC_ERR_GUEST_PANIC, 0, 0, "explicit guest panic");
    }
    return logic_trap(l);
}

static int h_panic_utf8(struct vm_call *call, void *ctx, const union vm_value *a,
                        union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    char *msg;
    size_t n;
    if (!logic_pay(l, CONFIG_EXT_BASE) && !read_utf8(l, a[0].i64, a[1].i64, &msg, &n)) {
        logic_fail(l, LOGIC_ERR_GUEST_PANIC, 0, 0, msg);
        free(msg);
    }
    return logic_trap(l);
}

/* AssemblyScript strings are UTF-16 with their byte length in the u32 before them. */
static int read_as_string(struct logic *l, uint32_t ptr, char **out, size_t *n)
{
    const uint8_t *p;
    if (logic_mem_view(l, (uint64_t)ptr - 4, 4, &p)) {
        return LOGIC_ABORT;
    }
    uint32_t len =
        (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
    return read_utf16(l, len, ptr, out, n);
}

static int h_abort(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    uint32_t msg_ptr = a[0].i32, file_ptr = a[1].i32, line = a[2].i32, col = a[3].i32;
    if (logic_pay(l, CONFIG_EXT_BASE)) {
        return logic_trap(l);
    }
    if (msg_ptr < 4 || file_ptr < 4) {
        logic_fail(l, LOGIC_ERR_BAD_UTF16, 0, 0, NULL);
        return logic_trap(l);
    }
    if (can_add_log(l)) {
        return logic_trap(l);
    }
    char *msg = NULL, *file = NULL;
    size_t mn, fn;
    if (read_as_string(l, msg_ptr, &msg, &mn) || read_as_string(l, file_ptr, &file, &fn)) {
        free(msg);
        return logic_trap(l);
    }
    struct yb_buf b;
    yb_buf_init(&b, ABORT_TEXT_MAX);
    yb_buf_printf(&b, "%s, filename: \"%s\" line: %u col: %u", msg, file, line, col);
    free(msg);
    free(file);
    size_t len = 0;
    char *text = (char *)yb_buf_steal(&b, &len);
    /* The log is "ABORT: " + message, but log_byte is charged on the message alone. */
    if (logic_pay(l, CONFIG_EXT_LOG_BASE) || logic_pay_per(l, CONFIG_EXT_LOG_BYTE, len)) {
        free(text);
        return logic_trap(l);
    }
    struct yb_buf lb;
    yb_buf_init(&lb, ABORT_TEXT_MAX);
    yb_buf_printf(&lb, "ABORT: %s", text);
    size_t log_len = 0;
    char *log = (char *)yb_buf_steal(&lb, &log_len);
    l->total_log_len += log_len;
    if (l->total_log_len > l->cfg->limits.max_total_log_length) {
        free(log);
        total_log_exceeded(l, log_len); /* counts it twice, as push_log explains */
    } else {
        logic_grow((void **)&l->out->logs, &l->cap_logs, l->out->n_logs, sizeof(char *));
        l->out->logs[l->out->n_logs++] = log;
        logic_fail(l, LOGIC_ERR_GUEST_PANIC, 0, 0, text);
    }
    free(text);
    return logic_trap(l);
}

static int h_value_return(struct vm_call *call, void *ctx, const union vm_value *a,
                          union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    const uint8_t *p;
    size_t n;
    if (logic_pay(l, CONFIG_EXT_BASE) || logic_mem_or_reg(l, a[1].i64, a[0].i64, &p, &n)) {
        return logic_trap(l);
    }
    uint64_t limit = l->cfg->limits.max_length_returned_data;
    if (n > limit) {
        logic_fail(l, LOGIC_ERR_RETURNED_VALUE_LENGTH_EXCEEDED, n, limit, NULL);
        return logic_trap(l);
    }
    /* Each receiver of this receipt's result will get the value in a data receipt. */
    unsigned __int128 burn = 0;
    for (size_t i = 0; i < l->ctx->n_output_data_receivers; i++) {
        bool sir = strcmp(l->ctx->output_data_receivers[i], l->ctx->current_account_id) == 0;
        uint64_t per = config_fee_send(l->cfg, CONFIG_FEE_DATA_RECEIPT_CREATION_PER_BYTE, sir) +
                       config_fee_exec(l->cfg, CONFIG_FEE_DATA_RECEIPT_CREATION_PER_BYTE);
        burn += (unsigned __int128)per * n;
    }
    if (burn > UINT64_MAX) {
        logic_fail(l, LOGIC_ERR_INTEGER_OVERFLOW, 0, 0, NULL);
        return logic_trap(l);
    }
    if (logic_gas(l, (uint64_t)burn, (uint64_t)burn)) {
        return logic_trap(l);
    }
    /* The last value_return or promise_return wins. */
    uint8_t *copy = n ? yb_xmalloc(n) : NULL;
    if (n) {
        memcpy(copy, p, n);
    }
    free(l->out->return_data);
    l->out->return_data = copy;
    l->out->return_len = n;
    l->out->return_kind = LOGIC_RETURN_VALUE;
    return YB_OK;
}

/* gas(opcodes): the counter pre-finite-wasm instrumentation injected into contracts, still in
 * nearcore's import list: opcodes × regular_op_cost, burnt. */
static int h_gas(struct vm_call *call, void *ctx, const union vm_value *a, union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    uint64_t g = (uint64_t)a[0].i32 * l->cfg->regular_op_cost;
    if (logic_gas(l, g, g)) {
        return logic_trap(l);
    }
    return YB_OK;
}

/* The storage iterators nearcore removed: still importable, any call fails as Deprecated. */
static int deprecated(struct vm_call *call, void *ctx, const char *name)
{
    struct logic *l = logic_enter(call, ctx);
    logic_fail(l, LOGIC_ERR_DEPRECATED, 0, 0, name);
    return logic_trap(l);
}

static int h_storage_iter_prefix(struct vm_call *call, void *ctx, const union vm_value *a,
                                 union vm_value *res)
{
    return deprecated(call, ctx, "storage_iter_prefix");
}

static int h_storage_iter_range(struct vm_call *call, void *ctx, const union vm_value *a,
                                union vm_value *res)
{
    return deprecated(call, ctx, "storage_iter_range");
}

static int h_storage_iter_next(struct vm_call *call, void *ctx, const union vm_value *a,
                               union vm_value *res)
{
    return deprecated(call, ctx, "storage_iter_next");
}

/* sandbox_debug_log(len, ptr): nearcore's sandbox-only debug print. Free of gas and absent
 * from the outcome (it is not a log of the receipt): the text goes to the operator's log at
 * debug level. Out-of-bounds memory and bad UTF-8 still fail the call, as in nearcore. */
static int h_sandbox_debug_log(struct vm_call *call, void *ctx, const union vm_value *a,
                               union vm_value *res)
{
    struct logic *l = logic_enter(call, ctx);
    struct vm_memory *m = vm_call_memory(call);
    uint64_t len = a[0].i64, ptr = a[1].i64, end;
    if (!m || __builtin_add_overflow(ptr, len, &end) || end > vm_memory_size(m)) {
        logic_fail(l, LOGIC_ERR_MEMORY_ACCESS_VIOLATION, 0, 0, NULL);
        return logic_trap(l);
    }
    const uint8_t *p = vm_memory_view(m) + ptr;
    if (borsh_check_utf8(p, (size_t)len) != YB_OK) {
        logic_fail(l, LOGIC_ERR_BAD_UTF8, 0, 0, NULL);
        return logic_trap(l);
    }
    if (log_enabled(LOG_LEVEL_DEBUG)) {
        int shown = len > LOG_MSG_MAX ? LOG_MSG_MAX : (int)len;
        log_debug("YB-CONTRACT-DEBUG", "%s: %.*s", l->ctx->current_account_id, shown,
                  (const char *)p);
    }
    return YB_OK;
}

const struct logic_host_fn host_misc_fns[] = {
    {"sandbox_debug_log", "II->", h_sandbox_debug_log, 0},
    {"gas", "i->", h_gas, 0},
    {"storage_iter_prefix", "II->I", h_storage_iter_prefix, 0},
    {"storage_iter_range", "IIII->I", h_storage_iter_range, 0},
    {"storage_iter_next", "III->I", h_storage_iter_next, 0},
    {"log_utf8", "II->", h_log_utf8, 0},
    {"log_utf16", "II->", h_log_utf16, 0},
    {"panic", "->", h_panic, 0},
    {"panic_utf8", "II->", h_panic_utf8, 0},
    {"abort", "iiii->", h_abort, 0},
    {"value_return", "II->", h_value_return, 0},
    {NULL, NULL, NULL, 0},
};
