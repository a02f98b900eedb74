/* behavior.c — parsing and describing the behaviour syntax of behavior.h. */
#include "behavior.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

void behavior_init(struct behavior *b)
{
    memset(b, 0, sizeof *b);
    b->retry_after_s = 1;
}

/* A decimal number in s[0..n) (no sign, no blanks) not above max. */
static int parse_num(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0 || n > 20) {
        return YB_EMALFORMED;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return YB_EMALFORMED;
        }
        if (v > (UINT64_MAX - 9) / 10) {
            return YB_ETOOBIG;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max) {
        return YB_ETOOBIG;
    }
    *out = v;
    return YB_OK;
}

static bool item_is(const char *item, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(item, word, n) == 0;
}

/* "key=" prefix test; *val gets the rest. */
static bool item_key(const char *item, size_t n, const char *key, const char **val, size_t *vlen)
{
    size_t k = strlen(key);
    if (n <= k || memcmp(item, key, k) != 0 || item[k] != '=') {
        return false;
    }
    *val = item + k + 1;
    *vlen = n - k - 1;
    return true;
}

static int apply_latency(struct behavior *b, const char *v, size_t n)
{
    const char *dash = memchr(v, '-', n);
    uint64_t lo, hi;
    int err;
    if (dash) {
        err = parse_num(v, (size_t)(dash - v), BEHAVIOR_LATENCY_MAX, &lo);
        if (!err) {
            err = parse_num(dash + 1, n - (size_t)(dash - v) - 1, BEHAVIOR_LATENCY_MAX, &hi);
        }
        if (!err && hi < lo) {
            err = YB_EMALFORMED;
        }
    } else {
        err = parse_num(v, n, BEHAVIOR_LATENCY_MAX, &lo);
        hi = lo;
    }
    if (!err) {
        b->latency_min_ms = (uint32_t)lo;
        b->latency_max_ms = (uint32_t)hi;
    }
    return err;
}

static int apply_item(struct behavior *b, const char *item, size_t n)
{
    const char *v;
    size_t vlen;
    uint64_t num;
    int err = YB_OK;
    if (item_key(item, n, "latency", &v, &vlen)) {
        return apply_latency(b, v, vlen);
    }
    if (item_key(item, n, "retry-after", &v, &vlen)) {
        err = parse_num(v, vlen, 86400, &num);
        if (!err) {
            b->retry_after_s = (uint32_t)num;
        }
        return err;
    }
    if (item_key(item, n, "oversize", &v, &vlen)) {
        err = parse_num(v, vlen, BEHAVIOR_OVERSIZE_MAX, &num);
        if (!err) {
            b->oversize = (size_t)num;
        }
        return err;
    }
    int status = 0;
    bool hang = false, malformed = false, quota = false;
    if (item_is(item, n, "ok")) {
        /* nothing: clears the fault below */
    } else if (item_is(item, n, "hang")) {
        hang = true;
    } else if (item_is(item, n, "malformed")) {
        malformed = true;
    } else if (item_is(item, n, "quota")) {
        quota = true;
        status = 429;
    } else if (n == 3 && parse_num(item, n, 599, &num) == YB_OK && num >= 400) {
        status = (int)num;
    } else {
        return YB_EMALFORMED;
    }
    /* Faults are exclusive: the last one named wins. */
    b->status = status;
    b->hang = hang;
    b->malformed = malformed;
    b->quota = quota;
    return YB_OK;
}

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == ';';
}

int behavior_parse(struct behavior *b, const char *spec, size_t n)
{
    if (n > BEHAVIOR_SPEC_MAX) {
        return YB_ETOOBIG;
    }
    struct behavior next = *b;
    size_t i = 0;
    while (i < n) {
        if (is_sep(spec[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && !is_sep(spec[i])) {
            i++;
        }
        int err = apply_item(&next, spec + start, i - start);
        if (err) {
            return err;
        }
    }
    *b = next;
    return YB_OK;
}

int behavior_take_directives(struct behavior *b, char *prompt)
{
    static const char open[] = "[mock:";
    int first_err = YB_OK;
    char *p = strstr(prompt, open);
    while (p) {
        char *close = strchr(p, ']');
        if (!close) {
            break; /* an unterminated directive is ordinary prompt text */
        }
        const char *spec = p + sizeof open - 1;
        int err = behavior_parse(b, spec, (size_t)(close - spec));
        if (err && !first_err) {
            first_err = err;
        }
        memmove(p, close + 1, strlen(close + 1) + 1);
        p = strstr(p, open);
    }
    return first_err;
}

void behavior_describe(const struct behavior *b, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (n < cap) {                                                                             \
            int w = snprintf(out + n, cap - n, "%s", n ? "," : "");                                \
            n += w > 0 ? (size_t)w : 0;                                                            \
        }                                                                                          \
        if (n < cap) {                                                                             \
            int w = snprintf(out + n, cap - n, __VA_ARGS__);                                       \
            n += w > 0 ? (size_t)w : 0;                                                            \
        }                                                                                          \
    } while (0)
    if (b->latency_max_ms) {
        if (b->latency_min_ms == b->latency_max_ms) {
            ADD("latency=%u", (unsigned)b->latency_min_ms);
        } else {
            ADD("latency=%u-%u", (unsigned)b->latency_min_ms, (unsigned)b->latency_max_ms);
        }
    }
    if (b->hang) {
        ADD("hang");
    } else if (b->malformed) {
        ADD("malformed");
    } else if (b->quota) {
        ADD("quota");
    } else if (b->status) {
        ADD("%d", b->status);
    }
    if (b->oversize) {
        ADD("oversize=%zu", b->oversize);
    }
#undef ADD
    if (n == 0 && cap > 1) {
        snprintf(out, cap, "-");
    }
}
