/*
 * jr.c — JSON validation and value lookup over borrowed buffers (see jr.h).
 *
 * One recursive-descent scanner validates everything, and notes an object's top-level members
 * on the way when asked (jr_parse_members), so argument lookups need not walk the text again.
 * Lookups in other objects (jr_get, jr_object_next) skip through text that was validated
 * already, tracking only quotes, escapes and brackets. Strings are scanned eight bytes per step
 * (str_plain_run, str_quote_run): every wasm instruction costs gas. Every index is checked
 * against the buffer length before it is read.
 */
#include "jr.h"

#include "libc.h"

#include "alloc.h"
#include "str.h"

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t skip_ws(const char *p, size_t n, size_t i)
{
    while (i < n && is_ws(p[i])) {
        i++;
    }
    return i;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Four hex digits at p[i..i+4) into *cp. */
static int read_hex4(const char *p, size_t n, size_t i, uint32_t *cp)
{
    if (n < 4 || i > n - 4) {
        return YB_EJSON;
    }
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hex_val(p[i + k]);
        if (h < 0) {
            return YB_EJSON;
        }
        v = (v << 4) | (uint32_t)h;
    }
    *cp = v;
    return YB_OK;
}

static size_t utf8_put(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Walks the string starting at the quote p[*i]; leaves *i after the closing quote. With out
 * non-NULL it also writes the decoded bytes (up to cap; *len counts them all, so the caller can
 * tell an overflow). Lone surrogates are YB_EUTF8, like serde_json.
 */
static int walk_string(const char *p, size_t n, size_t *i, char *out, size_t cap, size_t *len)
{
    const uint8_t *u = (const uint8_t *)p;
    size_t k = *i;
    size_t w = 0;
    if (k >= n || p[k] != '"') {
        return YB_EJSON_TYPE;
    }
    k++;
    for (;;) {
        if (k >= n) {
            return YB_EJSON;
        }
        uint8_t c = u[k];
        if (c == '"') {
            k++;
            break;
        }
        /* Plain ASCII is nearly every byte of real arguments: copy it without the escape and
         * UTF-8 machinery below (every wasm instruction costs gas). */
        if (c >= 0x20 && c < 0x80 && c != '\\') {
            size_t end = k + 1 + str_plain_run(u + k + 1, n - k - 1);
            if (out != NULL && w < cap) {
                size_t room = cap - w;
                libc_copy(out + w, p + k, end - k < room ? end - k : room);
            }
            w += end - k;
            k = end;
            continue;
        }
        if (c < 0x20) {
            return YB_EJSON; /* control characters must be escaped */
        }
        char enc[4];
        size_t enc_n;
        if (c == '\\') {
            if (k + 1 >= n) {
                return YB_EJSON;
            }
            char e = p[k + 1];
            k += 2;
            enc_n = 1;
            switch (e) {
            case '"':
            case '\\':
            case '/':
                enc[0] = e;
                break;
            case 'b':
                enc[0] = '\b';
                break;
            case 'f':
                enc[0] = '\f';
                break;
            case 'n':
                enc[0] = '\n';
                break;
            case 'r':
                enc[0] = '\r';
                break;
            case 't':
                enc[0] = '\t';
                break;
            case 'u': {
                uint32_t cp;
                if (read_hex4(p, n, k, &cp) != YB_OK) {
                    return YB_EJSON;
                }
                k += 4;
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return YB_EUTF8;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo;
                    if (k + 1 >= n || p[k] != '\\' || p[k + 1] != 'u' ||
                        read_hex4(p, n, k + 2, &lo) != YB_OK) {
                        return YB_EUTF8;
                    }
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        return YB_EUTF8;
                    }
                    k += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                enc_n = utf8_put(cp, enc);
                break;
            }
            default:
                return YB_EJSON;
            }
        } else {
            enc_n = str_utf8_seq_len(u, n, k);
            if (enc_n == 0) {
                return YB_EUTF8;
            }
            memcpy(enc, p + k, enc_n);
            k += enc_n;
        }
        if (out != NULL && w + enc_n <= cap) {
            memcpy(out + w, enc, enc_n);
        }
        w += enc_n;
    }
    *i = k;
    if (len != NULL) {
        *len = w;
    }
    return YB_OK;
}

static int scan_number(const char *p, size_t n, size_t *i)
{
    size_t k = *i;
    if (k < n && p[k] == '-') {
        k++;
    }
    if (k >= n || !is_digit(p[k])) {
        return YB_EJSON;
    }
    if (p[k] == '0') {
        k++;
    } else {
        while (k < n && is_digit(p[k])) {
            k++;
        }
    }
    if (k < n && p[k] == '.') {
        k++;
        if (k >= n || !is_digit(p[k])) {
            return YB_EJSON;
        }
        while (k < n && is_digit(p[k])) {
            k++;
        }
    }
    if (k < n && (p[k] == 'e' || p[k] == 'E')) {
        k++;
        if (k < n && (p[k] == '+' || p[k] == '-')) {
            k++;
        }
        if (k >= n || !is_digit(p[k])) {
            return YB_EJSON;
        }
        while (k < n && is_digit(p[k])) {
            k++;
        }
    }
    *i = k;
    return YB_OK;
}

static int scan_literal(const char *p, size_t n, size_t *i, const char *word)
{
    size_t len = strlen(word);
    if (n - *i < len || memcmp(p + *i, word, len) != 0) {
        return YB_EJSON;
    }
    *i += len;
    return YB_OK;
}

/* Where jr_parse_members puts the top-level members it meets while validating. */
struct member_log {
    struct jr_member *m;
    size_t max;
    size_t count;
};

/* Validates the value starting at p[*i] (no leading whitespace); leaves *i after it. With log
 * non-NULL, the members of an object at depth 0 are recorded in it. */
static int scan_value(const char *p, size_t n, size_t *i, int depth, struct member_log *log)
{
    if (*i >= n) {
        return YB_EJSON;
    }
    char c = p[*i];
    if (c == '"') {
        int rc = walk_string(p, n, i, NULL, 0, NULL);
        return rc == YB_EJSON_TYPE ? YB_EJSON : rc;
    }
    if (c == '-' || is_digit(c)) {
        return scan_number(p, n, i);
    }
    if (c == 't') {
        return scan_literal(p, n, i, "true");
    }
    if (c == 'f') {
        return scan_literal(p, n, i, "false");
    }
    if (c == 'n') {
        return scan_literal(p, n, i, "null");
    }
    if (c != '[' && c != '{') {
        return YB_EJSON;
    }
    if (depth >= JR_MAX_DEPTH) {
        return YB_EJSON;
    }
    char close = c == '[' ? ']' : '}';
    size_t k = skip_ws(p, n, *i + 1);
    if (k < n && p[k] == close) {
        *i = k + 1;
        return YB_OK;
    }
    for (;;) {
        int rc;
        struct jr_member *rec = NULL;
        if (c == '{') {
            if (k >= n || p[k] != '"') {
                return YB_EJSON;
            }
            size_t key_start = k;
            size_t key_len;
            rc = walk_string(p, n, &k, NULL, 0, &key_len);
            if (rc != YB_OK) {
                return rc;
            }
            if (log != NULL && depth == 0) {
                if (log->count < log->max) {
                    rec = &log->m[log->count];
                    rec->key.p = p + key_start;
                    rec->key.n = k - key_start;
                    /* Escapes always shrink the text: a key that decodes shorter has some. */
                    rec->key_escaped = key_len != k - key_start - 2;
                }
                log->count++;
            }
            k = skip_ws(p, n, k);
            if (k >= n || p[k] != ':') {
                return YB_EJSON;
            }
            k = skip_ws(p, n, k + 1);
        }
        size_t value_start = k;
        rc = scan_value(p, n, &k, depth + 1, NULL);
        if (rc != YB_OK) {
            return rc;
        }
        if (rec != NULL) {
            rec->value.p = p + value_start;
            rec->value.n = k - value_start;
        }
        k = skip_ws(p, n, k);
        if (k >= n) {
            return YB_EJSON;
        }
        if (p[k] == close) {
            *i = k + 1;
            return YB_OK;
        }
        if (p[k] != ',') {
            return YB_EJSON;
        }
        k = skip_ws(p, n, k + 1);
    }
}

/*
 * Skips the value starting at p[*i] in text jr_parse already validated, tracking only quotes,
 * escapes and brackets: lookups re-walk objects many times and need not re-validate them.
 * Still bounds-checked, so a hand-made invalid value cannot make it read out of range.
 */
static int skip_valid(const char *p, size_t n, size_t *i)
{
    size_t k = *i;
    int depth = 0;
    do {
        if (k >= n) {
            return YB_EJSON;
        }
        char c = p[k];
        if (c == '"') {
            k++;
            while (k < n) {
                k += str_quote_run((const uint8_t *)p + k, n - k);
                if (k >= n || p[k] != '\\') {
                    break;
                }
                k += 2;
            }
            k++;
        } else if (c == '[' || c == '{') {
            depth++;
            k++;
        } else if (c == ']' || c == '}') {
            depth--;
            k++;
        } else if (depth == 0) {
            /* A scalar at the top: a number or a literal runs to the next delimiter. */
            while (k < n && p[k] != ',' && p[k] != ']' && p[k] != '}' && !is_ws(p[k])) {
                k++;
            }
        } else {
            k++;
        }
    } while (depth > 0);
    if (k > n) {
        return YB_EJSON;
    }
    *i = k;
    return YB_OK;
}

/* Compares the raw key string at p[*k] (a validated string) with key, leaving *k after it.
 * Keys without escapes, the usual case, are compared in place; others are decoded first. */
static int match_key(const char *p, size_t n, size_t *k, const char *key, size_t key_len,
                     bool *match)
{
    size_t start = *k + 1;
    size_t end = start;
    bool escaped = false;
    while (end < n) {
        end += str_quote_run((const uint8_t *)p + end, n - end);
        if (end >= n || p[end] != '\\') {
            break;
        }
        escaped = true;
        end += 2;
    }
    if (end >= n) {
        return YB_EJSON;
    }
    if (!escaped) {
        *match = end - start == key_len && memcmp(p + start, key, key_len) == 0;
        *k = end + 1;
        return YB_OK;
    }
    char name[JR_MAX_KEY];
    size_t name_len = 0;
    int rc = walk_string(p, n, k, name, sizeof name, &name_len);
    if (rc != YB_OK) {
        return rc == YB_EJSON_TYPE ? YB_EJSON : rc;
    }
    *match = name_len == key_len && name_len <= sizeof name && memcmp(name, key, key_len) == 0;
    return YB_OK;
}

int jr_parse(const char *p, size_t n, struct jr_value *out)
{
    return jr_parse_members(p, n, out, NULL, 0, NULL);
}

int jr_parse_members(const char *p, size_t n, struct jr_value *out, struct jr_member *members,
                     size_t max, size_t *count)
{
    struct member_log log = {.m = members, .max = max, .count = 0};
    size_t i = skip_ws(p, n, 0);
    size_t start = i;
    int rc = scan_value(p, n, &i, 0, count != NULL ? &log : NULL);
    if (count != NULL) {
        *count = log.count;
    }
    if (rc != YB_OK) {
        return rc == YB_EUTF8 ? YB_EUTF8 : YB_EJSON;
    }
    size_t end = i;
    if (skip_ws(p, n, i) != n) {
        return YB_EJSON;
    }
    if (out != NULL) {
        out->p = p + start;
        out->n = end - start;
    }
    return YB_OK;
}

bool jr_member_is(const struct jr_member *m, const char *key, size_t key_len)
{
    if (!m->key_escaped) {
        return m->key.n - 2 == key_len && libc_same(m->key.p + 1, key, key_len);
    }
    size_t k = 0;
    bool match = false;
    return match_key(m->key.p, m->key.n, &k, key, key_len, &match) == YB_OK && match;
}

int jr_object_next(struct jr_value obj, size_t *pos, struct jr_member *member)
{
    const char *p = obj.p;
    size_t n = obj.n;
    if (jr_type_of(obj) != JR_OBJECT) {
        return YB_EJSON_TYPE;
    }
    size_t k = skip_ws(p, n, *pos == 0 ? 1 : *pos);
    if (k >= n) {
        return YB_EJSON;
    }
    if (p[k] == '}') {
        return YB_ENOTFOUND;
    }
    if (*pos != 0) {
        if (p[k] != ',') {
            return YB_EJSON;
        }
        k = skip_ws(p, n, k + 1);
    }
    size_t key_start = k;
    if (k >= n || p[k] != '"' || skip_valid(p, n, &k) != YB_OK) {
        return YB_EJSON;
    }
    member->key.p = p + key_start;
    member->key.n = k - key_start;
    member->key_escaped =
        str_quote_run((const uint8_t *)p + key_start + 1, k - key_start - 2) != k - key_start - 2;
    k = skip_ws(p, n, k);
    if (k >= n || p[k] != ':') {
        return YB_EJSON;
    }
    k = skip_ws(p, n, k + 1);
    size_t value_start = k;
    int rc = skip_valid(p, n, &k);
    if (rc != YB_OK) {
        return rc;
    }
    member->value.p = p + value_start;
    member->value.n = k - value_start;
    *pos = k;
    return YB_OK;
}

enum jr_type jr_type_of(struct jr_value v)
{
    switch (v.n > 0 ? v.p[0] : 'n') {
    case '"':
        return JR_STRING;
    case '{':
        return JR_OBJECT;
    case '[':
        return JR_ARRAY;
    case 't':
    case 'f':
        return JR_BOOL;
    case 'n':
        return JR_NULL;
    default:
        return JR_NUMBER;
    }
}

int jr_get(struct jr_value obj, const char *key, struct jr_value *out)
{
    const char *p = obj.p;
    size_t n = obj.n;
    size_t key_len = strlen(key);
    int found = 0;
    if (jr_type_of(obj) != JR_OBJECT) {
        return YB_EJSON_TYPE;
    }
    size_t k = skip_ws(p, n, 1);
    if (k < n && p[k] == '}') {
        return YB_EJSON_MISSING;
    }
    for (;;) {
        bool match = false;
        if (k >= n || p[k] != '"') {
            return YB_EJSON;
        }
        int rc = match_key(p, n, &k, key, key_len, &match);
        if (rc != YB_OK) {
            return rc;
        }
        k = skip_ws(p, n, k);
        if (k >= n || p[k] != ':') {
            return YB_EJSON;
        }
        k = skip_ws(p, n, k + 1);
        size_t vstart = k;
        rc = skip_valid(p, n, &k);
        if (rc != YB_OK) {
            return rc;
        }
        if (match) {
            if (found) {
                return YB_EJSON;
            }
            found = 1;
            out->p = p + vstart;
            out->n = k - vstart;
        }
        k = skip_ws(p, n, k);
        if (k >= n) {
            return YB_EJSON;
        }
        if (p[k] == '}') {
            break;
        }
        if (p[k] != ',') {
            return YB_EJSON;
        }
        k = skip_ws(p, n, k + 1);
    }
    return found ? YB_OK : YB_EJSON_MISSING;
}

int jr_string(struct jr_value v, char *out, size_t cap, size_t *out_len)
{
    size_t i = 0;
    size_t len = 0;
    int rc = walk_string(v.p, v.n, &i, out, cap, &len);
    if (rc != YB_OK) {
        return rc;
    }
    if (len > cap) {
        return YB_ETOOBIG;
    }
    *out_len = len;
    return YB_OK;
}

int jr_string_alloc(struct jr_value v, size_t max, char **out, size_t *out_len)
{
    size_t i = 0;
    size_t len = 0;
    int rc;
    /* A string decodes to at most its raw length less the quotes (escapes only shrink), so when
     * that fits the cap one pass decodes straight into a buffer of that size. Otherwise the
     * string is measured first, so nothing over the cap is allocated. */
    size_t bound = v.n >= 2 ? v.n - 2 : 0;
    if (bound > max) {
        rc = walk_string(v.p, v.n, &i, NULL, 0, &len);
        if (rc != YB_OK) {
            return rc;
        }
        if (len > max) {
            return YB_ETOOBIG;
        }
        bound = len;
        i = 0;
    }
    char *s = alloc_bytes(bound + 1);
    rc = walk_string(v.p, v.n, &i, s, bound, &len);
    if (rc != YB_OK) {
        return rc;
    }
    s[len] = '\0';
    *out = s;
    *out_len = len;
    return YB_OK;
}

int jr_u64(struct jr_value v, uint64_t *out)
{
    const char *p = v.p;
    size_t n = v.n;
    if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
        p++;
        n -= 2;
    } else if (jr_type_of(v) != JR_NUMBER) {
        return YB_EJSON_TYPE;
    }
    if (n == 0 || (n > 1 && p[0] == '0')) {
        return YB_ENUMBER;
    }
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i])) {
            return YB_ENUMBER;
        }
        uint64_t d = (uint64_t)(p[i] - '0');
        if (acc > (UINT64_MAX - d) / 10) {
            return YB_EOVERFLOW;
        }
        acc = acc * 10 + d;
    }
    *out = acc;
    return YB_OK;
}

int jr_bool(struct jr_value v, bool *out)
{
    if (v.n == 4 && memcmp(v.p, "true", 4) == 0) {
        *out = true;
        return YB_OK;
    }
    if (v.n == 5 && memcmp(v.p, "false", 5) == 0) {
        *out = false;
        return YB_OK;
    }
    return YB_EJSON_TYPE;
}

int jr_array_next(struct jr_value arr, size_t *pos, struct jr_value *elem)
{
    const char *p = arr.p;
    size_t n = arr.n;
    if (jr_type_of(arr) != JR_ARRAY) {
        return YB_EJSON_TYPE;
    }
    size_t k = skip_ws(p, n, *pos == 0 ? 1 : *pos);
    if (k >= n) {
        return YB_EJSON;
    }
    if (p[k] == ']') {
        return YB_ENOTFOUND;
    }
    if (*pos != 0) {
        if (p[k] != ',') {
            return YB_EJSON;
        }
        k = skip_ws(p, n, k + 1);
    }
    size_t start = k;
    int rc = skip_valid(p, n, &k);
    if (rc != YB_OK) {
        return rc;
    }
    elem->p = p + start;
    elem->n = k - start;
    *pos = k;
    return YB_OK;
}

int jr_hash32(struct jr_value v, uint8_t out[32])
{
    uint8_t tmp[32];
    size_t pos = 0;
    size_t count = 0;
    struct jr_value e;
    int rc;
    if (jr_type_of(v) != JR_ARRAY) {
        return YB_EJSON_TYPE;
    }
    for (;;) {
        rc = jr_array_next(v, &pos, &e);
        if (rc != YB_OK) {
            break;
        }
        uint64_t b;
        if (count >= 32 || jr_type_of(e) != JR_NUMBER) {
            return YB_EJSON_TYPE;
        }
        rc = jr_u64(e, &b);
        if (rc != YB_OK) {
            return rc;
        }
        if (b > 255) {
            return YB_EOVERFLOW;
        }
        tmp[count++] = (uint8_t)b;
    }
    if (rc != YB_ENOTFOUND) {
        return rc;
    }
    if (count != 32) {
        return YB_EJSON_TYPE;
    }
    memcpy(out, tmp, 32);
    return YB_OK;
}
