/*
 * behavior.h — the injectable behaviour of one yb-mockai answer, and its text syntax.
 *
 * One syntax serves the `--behavior` flag, the `X-Mock-Behavior` request header and
 * `[mock:...]` directives inside a prompt: items separated by commas or blanks, later items
 * overriding earlier ones:
 *
 *   latency=MS        delay the answer MS milliseconds (without blocking other requests)
 *   latency=MIN-MAX   a uniformly random delay in [MIN, MAX] (seeded: --seed)
 *   NNN               answer with HTTP status NNN (400..599) and an OpenAI-style error body;
 *                     429 and 503 carry Retry-After
 *   retry-after=S     the Retry-After seconds of a 429/503 (default 1)
 *   quota             429 with code "insufficient_quota" and no Retry-After (not retryable)
 *   hang              never answer; the client gives up (the server drops it at shutdown)
 *   malformed         status 200 with a body that is not valid JSON
 *   oversize=BYTES    pad the answer's content to BYTES bytes
 *   ok                clear any fault set earlier (status, quota, hang, malformed)
 *
 * Precedence: the server's flags, then the header, then the prompt's directives.
 * Functions are pure and thread-safe.
 */
#ifndef YB_BEHAVIOR_H
#define YB_BEHAVIOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BEHAVIOR_SPEC_MAX     512                /* bytes of one header or directive */
#define BEHAVIOR_LATENCY_MAX  600000u            /* 10 minutes */
#define BEHAVIOR_OVERSIZE_MAX ((size_t)64 << 20) /* 64 MiB of answer */
#define BEHAVIOR_HANG_MS      3600000u           /* a hang is a one-hour wait */
#define BEHAVIOR_DESCRIBE_MAX 128

struct behavior {
    uint32_t latency_min_ms; /* 0..BEHAVIOR_LATENCY_MAX; min == max for a fixed delay */
    uint32_t latency_max_ms;
    int status;             /* 0 = answer normally, else an HTTP status 400..599 */
    uint32_t retry_after_s; /* for 429/503 */
    bool quota;
    bool hang;
    bool malformed;
    size_t oversize; /* 0 = no padding */
};

/* The plain behaviour: no delay, a normal answer, Retry-After 1. */
void behavior_init(struct behavior *b);

/*
 * Apply the items of spec[0..n) (borrowed) to *b. On error *b is unchanged.
 * Errors: YB_ETOOBIG (spec over BEHAVIOR_SPEC_MAX, latency or oversize over their caps),
 * YB_EMALFORMED (an unknown item or a bad number).
 */
int behavior_parse(struct behavior *b, const char *spec, size_t n);

/*
 * Remove every `[mock:...]` directive from prompt (NUL-terminated, modified in place) and apply
 * them to *b in order. Errors: as behavior_parse, for the first bad directive (the rest of the
 * prompt is still cleaned, and *b keeps the directives before it).
 */
int behavior_take_directives(struct behavior *b, char *prompt);

/* A short description for the logs ("latency=50-300,status=429"), "-" if plain. */
void behavior_describe(const struct behavior *b, char *out, size_t cap);

#endif
