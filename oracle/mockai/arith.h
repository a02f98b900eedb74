/*
 * arith.h — yb-mockai's exact integer arithmetic: "What is 12 * (3 + 4)?" -> "84".
 *
 * Grammar (a tiny recursive-descent parser; blanks allowed between tokens):
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := ('+' | '-') unary | primary
 *   primary := digits | '(' expr ')'
 * Values are exact rationals of 64-bit integers, so "7/2" is answered "7/2" and "6/3" is "2".
 * All functions are pure and thread-safe.
 */
#ifndef YB_ARITH_H
#define YB_ARITH_H

#include <stddef.h>
#include <stdint.h>

#define ARITH_EXPR_MAX   256 /* bytes of one expression */
#define ARITH_DEPTH_MAX  32  /* nesting of parentheses and unary signs */
#define ARITH_ANSWER_MAX 48  /* "-9223372036854775808/9223372036854775807" fits */

/* A reduced fraction: den > 0 and gcd(|num|, den) == 1. */
struct arith_value {
    int64_t num;
    int64_t den;
};

/*
 * Evaluate the whole of s[0..n) (borrowed). Errors: YB_EMALFORMED (not an expression of the
 * grammar), YB_ETOOBIG (over ARITH_EXPR_MAX bytes or ARITH_DEPTH_MAX deep), YB_EINVAL (division
 * by zero), YB_EOVERFLOW (a result outside 64-bit integers).
 */
int arith_eval(const char *s, size_t n, struct arith_value *out);

/*
 * Find an arithmetic expression in a prompt (borrowed, NUL-terminated) — the last run of digits,
 * operators, parentheses and blanks holding at least one digit and one operator that parses —
 * and write its answer to out (out_cap >= ARITH_ANSWER_MAX): "84", "7/2", or the text
 * "division by zero" / "overflow" when the expression has no 64-bit answer.
 * Errors: YB_ENOTFOUND (no arithmetic in the prompt).
 */
int arith_answer(const char *prompt, char *out, size_t out_cap);

#endif
