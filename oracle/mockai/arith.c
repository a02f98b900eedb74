/* arith.c — the evaluator of arith.h: recursive descent over exact 64-bit rationals. */
#include "arith.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

struct parser {
    const char *s;
    size_t n;
    size_t pos;
    int depth;
};

static int64_t gcd64(int64_t a, int64_t b)
{
    /* Callers pass values > INT64_MIN in magnitude-safe form; see make_value. */
    if (a < 0) {
        a = -a;
    }
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}

/* Build a reduced fraction with a positive denominator. */
static int make_value(int64_t num, int64_t den, struct arith_value *out)
{
    if (den == 0) {
        return YB_EINVAL;
    }
    if (num == INT64_MIN || den == INT64_MIN) {
        return YB_EOVERFLOW; /* cannot be negated or reduced safely */
    }
    if (den < 0) {
        num = -num;
        den = -den;
    }
    int64_t g = gcd64(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }
    out->num = num;
    out->den = den;
    return YB_OK;
}

static int value_add(struct arith_value a, struct arith_value b, bool negate_b,
                     struct arith_value *out)
{
    int64_t an, bn, den;
    if (__builtin_mul_overflow(a.num, b.den, &an) || __builtin_mul_overflow(b.num, a.den, &bn) ||
        __builtin_mul_overflow(a.den, b.den, &den)) {
        return YB_EOVERFLOW;
    }
    int64_t num;
    bool ovf =
        negate_b ? __builtin_sub_overflow(an, bn, &num) : __builtin_add_overflow(an, bn, &num);
    return ovf ? YB_EOVERFLOW : make_value(num, den, out);
}

static int value_mul(struct arith_value a, struct arith_value b, bool divide,
                     struct arith_value *out)
{
    int64_t bn = divide ? b.den : b.num;
    int64_t bd = divide ? b.num : b.den;
    if (bd == 0) {
        return YB_EINVAL;
    }
    int64_t num, den;
    if (__builtin_mul_overflow(a.num, bn, &num) || __builtin_mul_overflow(a.den, bd, &den)) {
        return YB_EOVERFLOW;
    }
    return make_value(num, den, out);
}

static void skip_blanks(struct parser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')) {
        p->pos++;
    }
}

static int peek(struct parser *p)
{
    skip_blanks(p);
    return p->pos < p->n ? (unsigned char)p->s[p->pos] : -1;
}

static int parse_expr(struct parser *p, struct arith_value *out);

static int parse_primary(struct parser *p, struct arith_value *out)
{
    int c = peek(p);
    if (c == '(') {
        p->pos++;
        p->depth++;
        if (p->depth > ARITH_DEPTH_MAX) {
            return YB_ETOOBIG;
        }
        int err = parse_expr(p, out);
        p->depth--;
        if (err) {
            return err;
        }
        if (peek(p) != ')') {
            return YB_EMALFORMED;
        }
        p->pos++;
        return YB_OK;
    }
    if (c < '0' || c > '9') {
        return YB_EMALFORMED;
    }
    int64_t v = 0;
    while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, p->s[p->pos] - '0', &v)) {
            return YB_EOVERFLOW;
        }
        p->pos++;
    }
    out->num = v;
    out->den = 1;
    return YB_OK;
}

static int parse_unary(struct parser *p, struct arith_value *out)
{
    int c = peek(p);
    if (c != '-' && c != '+') {
        return parse_primary(p, out);
    }
    p->pos++;
    p->depth++;
    if (p->depth > ARITH_DEPTH_MAX) {
        return YB_ETOOBIG;
    }
    int err = parse_unary(p, out);
    p->depth--;
    if (!err && c == '-') {
        out->num = -out->num; /* never INT64_MIN: make_value and parse_primary exclude it */
    }
    return err;
}

static int parse_term(struct parser *p, struct arith_value *out)
{
    int err = parse_unary(p, out);
    int c = peek(p);
    while (!err && (c == '*' || c == '/')) {
        p->pos++;
        struct arith_value rhs;
        err = parse_unary(p, &rhs);
        if (!err) {
            err = value_mul(*out, rhs, c == '/', out);
        }
        c = peek(p);
    }
    return err;
}

static int parse_expr(struct parser *p, struct arith_value *out)
{
    int err = parse_term(p, out);
    int c = peek(p);
    while (!err && (c == '+' || c == '-')) {
        p->pos++;
        struct arith_value rhs;
        err = parse_term(p, &rhs);
        if (!err) {
            err = value_add(*out, rhs, c == '-', out);
        }
        c = peek(p);
    }
    return err;
}

int arith_eval(const char *s, size_t n, struct arith_value *out)
{
    if (n > ARITH_EXPR_MAX) {
        return YB_ETOOBIG;
    }
    struct parser p = {.s = s, .n = n};
    struct arith_value v;
    int err = parse_expr(&p, &v);
    if (!err && peek(&p) != -1) {
        err = YB_EMALFORMED; /* trailing tokens */
    }
    if (!err) {
        *out = v;
    }
    return err;
}

static bool is_expr_char(char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '*' || c == '/' || c == '(' ||
           c == ')' || c == ' ' || c == '\t';
}

/* A run worth evaluating has a digit and a binary-looking operator, so "3" or "(a)" do not
 * count as arithmetic. */
static bool run_is_candidate(const char *s, size_t n)
{
    bool digit = false, op = false;
    for (size_t i = 0; i < n; i++) {
        digit = digit || (s[i] >= '0' && s[i] <= '9');
        op = op || s[i] == '+' || s[i] == '-' || s[i] == '*' || s[i] == '/';
    }
    return digit && op;
}

int arith_answer(const char *prompt, char *out, size_t out_cap)
{
    size_t len = strlen(prompt);
    int found = YB_ENOTFOUND;
    size_t i = 0;
    while (i < len) {
        if (!is_expr_char(prompt[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && is_expr_char(prompt[i])) {
            i++;
        }
        if (!run_is_candidate(prompt + start, i - start)) {
            continue;
        }
        struct arith_value v;
        int err = arith_eval(prompt + start, i - start, &v);
        if (err == YB_OK) {
            if (v.den == 1) {
                snprintf(out, out_cap, "%lld", (long long)v.num);
            } else {
                snprintf(out, out_cap, "%lld/%lld", (long long)v.num, (long long)v.den);
            }
            found = YB_OK;
        } else if (err == YB_EINVAL) {
            snprintf(out, out_cap, "division by zero");
            found = YB_OK;
        } else if (err == YB_EOVERFLOW) {
            snprintf(out, out_cap, "overflow");
            found = YB_OK;
        }
    }
    return found;
}
