/*
 * jw.c — JSON writing with sticky errors (see jw.h).
 */
#include "jw.h"

#include "libc.h"

#include "alloc.h"
#include "str.h"

#define JW_INITIAL_CAP 256

void jw_init(struct jw *w, size_t max)
{
    /* Field by field: the per-level flags are set when a level opens, so zeroing the whole
     * struct (most of it those arrays) would be wasted work on every writer. */
    w->buf = NULL;
    w->len = 0;
    w->base = 0;
    w->cap = 0;
    w->max = max;
    w->err = YB_OK;
    w->depth = 0;
    w->after_key = false;
}

static void put(struct jw *w, const char *s, size_t n);

void jw_init_prefixed(struct jw *w, size_t max, const char *prefix, size_t n)
{
    jw_init(w, max);
    put(w, prefix, n);
    w->base = w->len;
}

static void fail(struct jw *w, int err)
{
    if (w->err == YB_OK) {
        w->err = err;
    }
}

/* Room for n more bytes plus the final NUL. The bump allocator cannot grow in place, so the
 * buffer doubles and the old copy is abandoned: at most twice the final size is used. */
static bool grow(struct jw *w, size_t n)
{
    if (w->err != YB_OK) {
        return false;
    }
    if (n > w->max - w->len) {
        fail(w, YB_ETOOBIG);
        return false;
    }
    size_t need = w->len + n + 1;
    if (need <= w->cap) {
        return true;
    }
    size_t cap = w->cap == 0 ? JW_INITIAL_CAP : w->cap;
    while (cap < need) {
        cap *= 2;
    }
    if (cap > w->max + 1) {
        cap = w->max + 1;
    }
    char *nb = alloc_bytes(cap);
    if (w->len > 0) {
        memcpy(nb, w->buf, w->len);
    }
    w->buf = nb;
    w->cap = cap;
    return true;
}

/* The common case inline: no error, and room for n bytes, the NUL, and within the cap (cap is
 * at most max + 1, so fitting the buffer also means fitting the cap). */
static inline bool reserve(struct jw *w, size_t n)
{
    if (w->err == YB_OK && n < w->cap - w->len) {
        return true;
    }
    return grow(w, n);
}

static void put(struct jw *w, const char *s, size_t n)
{
    if (reserve(w, n)) {
        libc_copy(w->buf + w->len, s, n);
        w->len += n;
    }
}

static void put_c(struct jw *w, char c)
{
    /* Punctuation is most of the calls: store directly while there is room (and the NUL's). */
    if (w->err == YB_OK && w->len + 2 <= w->cap && w->len < w->max) {
        w->buf[w->len++] = c;
        return;
    }
    put(w, &c, 1);
}

/* Called before every value: a comma if one is due, and a check that values in an object come
 * after a key. */
static void before_value(struct jw *w)
{
    if (w->err != YB_OK) {
        return;
    }
    if (w->depth > 0) {
        int d = w->depth - 1;
        if (w->is_object[d]) {
            if (!w->after_key) {
                fail(w, YB_EINVAL);
                return;
            }
            w->after_key = false;
        } else if (w->has_items[d]) {
            put_c(w, ',');
        }
        w->has_items[d] = true;
    } else if (w->len > w->base) {
        fail(w, YB_EINVAL); /* a second top-level value */
    }
}

/* Writes s as a JSON string. One pass: runs of plain ASCII are found eight bytes at a time and
 * copied whole, multi-byte UTF-8 sequences are validated and copied, and only quote, backslash
 * and control characters are rewritten as escapes. */
static void put_escaped(struct jw *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *u = (const uint8_t *)s;
    size_t i = str_plain_run(u, n);
    if (i == n) {
        /* Plain ASCII (keys, ids, most values): quotes and bytes in one reservation. */
        if (reserve(w, n + 2)) {
            w->buf[w->len] = '"';
            libc_copy(w->buf + w->len + 1, s, n);
            w->buf[w->len + 1 + n] = '"';
            w->len += n + 2;
        }
        return;
    }
    put_c(w, '"');
    size_t run = 0; /* start of the pending run copied as is */
    while (i < n) {
        uint8_t c = u[i];
        if (c >= 0x80) {
            size_t len = str_utf8_seq_len(u, n, i);
            if (len == 0) {
                fail(w, YB_EUTF8);
                return;
            }
            i += len;
            i += str_plain_run(u + i, n - i);
            continue;
        }
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t esc_n = 2;
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            esc_n = 6;
            break;
        }
        put(w, s + run, i - run);
        put(w, esc, esc_n);
        i++;
        run = i;
        i += str_plain_run(u + i, n - i);
    }
    put(w, s + run, n - run);
    put_c(w, '"');
}

static void open_container(struct jw *w, char c, bool is_object)
{
    before_value(w);
    if (w->err != YB_OK) {
        return;
    }
    if (w->depth >= JW_MAX_DEPTH) {
        fail(w, YB_EINVAL);
        return;
    }
    put_c(w, c);
    w->has_items[w->depth] = false;
    w->is_object[w->depth] = is_object;
    w->depth++;
}

static void close_container(struct jw *w, char c, bool is_object)
{
    if (w->err != YB_OK) {
        return;
    }
    if (w->depth == 0 || w->is_object[w->depth - 1] != is_object || w->after_key) {
        fail(w, YB_EINVAL);
        return;
    }
    w->depth--;
    put_c(w, c);
}

void jw_object_begin(struct jw *w)
{
    open_container(w, '{', true);
}

void jw_object_end(struct jw *w)
{
    close_container(w, '}', true);
}

void jw_array_begin(struct jw *w)
{
    open_container(w, '[', false);
}

void jw_array_end(struct jw *w)
{
    close_container(w, ']', false);
}

/* The checks and bookkeeping every key starts with: false when the writer has failed or a key
 * is not allowed here (the writer then records YB_EINVAL); *comma says whether one goes first. */
static bool key_begin(struct jw *w, bool *comma)
{
    if (w->err != YB_OK) {
        return false;
    }
    if (w->depth == 0 || !w->is_object[w->depth - 1] || w->after_key) {
        fail(w, YB_EINVAL);
        return false;
    }
    *comma = w->has_items[w->depth - 1];
    w->after_key = true;
    return true;
}

void jw_key_raw(struct jw *w, const char *text, size_t n)
{
    bool comma;
    if (!key_begin(w, &comma)) {
        return;
    }
    if (reserve(w, n + 1)) {
        char *o = w->buf + w->len;
        if (comma) {
            *o++ = ',';
        }
        libc_copy(o, text, n);
        w->len = (size_t)(o + n - w->buf);
    }
}

void jw_key_n(struct jw *w, const char *key, size_t n)
{
    bool comma;
    if (!key_begin(w, &comma)) {
        return;
    }
    if (str_plain_run((const uint8_t *)key, n) == n) {
        /* The usual key: comma, quotes, name and colon in one reservation. */
        if (reserve(w, n + 4)) {
            char *o = w->buf + w->len;
            if (comma) {
                *o++ = ',';
            }
            *o++ = '"';
            libc_copy(o, key, n);
            o += n;
            *o++ = '"';
            *o++ = ':';
            w->len = (size_t)(o - w->buf);
        }
        return;
    }
    if (comma) {
        put_c(w, ',');
    }
    put_escaped(w, key, n);
    put_c(w, ':');
}

void jw_string(struct jw *w, const char *s, size_t n)
{
    before_value(w);
    if (w->err == YB_OK) {
        put_escaped(w, s, n);
    }
}

void jw_string_plain(struct jw *w, const char *s, size_t n)
{
    before_value(w);
    if (reserve(w, n + 2)) {
        w->buf[w->len] = '"';
        libc_copy(w->buf + w->len + 1, s, n);
        w->buf[w->len + 1 + n] = '"';
        w->len += n + 2;
    }
}

/* v in decimal, written backwards from end; returns where the digits start. */
static char *decimal(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

void jw_u64(struct jw *w, uint64_t v)
{
    char dec[STR_U64_MAX];
    char *start = decimal(v, dec + sizeof dec);
    before_value(w);
    put(w, start, (size_t)(dec + sizeof dec - start));
}

void jw_u64_string(struct jw *w, uint64_t v)
{
    char dec[STR_U64_MAX + 1];
    char *start = decimal(v, dec + sizeof dec - 1);
    dec[sizeof dec - 1] = '"';
    *--start = '"';
    before_value(w);
    put(w, start, (size_t)(dec + sizeof dec - start));
}

void jw_bool(struct jw *w, bool v)
{
    before_value(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
    before_value(w);
    put(w, "null", 4);
}

void jw_byte_array(struct jw *w, const uint8_t *p, size_t n)
{
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        jw_u64(w, p[i]);
    }
    jw_array_end(w);
}

void jw_raw(struct jw *w, const char *json, size_t n)
{
    before_value(w);
    put(w, json, n);
}

int jw_finish(struct jw *w, const char **out, size_t *out_len)
{
    if (w->err == YB_OK && (w->depth != 0 || w->len == w->base)) {
        fail(w, YB_EINVAL);
    }
    if (w->err != YB_OK) {
        return w->err;
    }
    w->buf[w->len] = '\0';
    if (out != NULL) {
        *out = w->buf;
    }
    if (out_len != NULL) {
        *out_len = w->len;
    }
    return YB_OK;
}
