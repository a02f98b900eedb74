/*
 * buf.h — a growable byte buffer with a maximum size (curl's dynbuf).
 *
 * A buffer is created with the largest size it may ever reach; an append that would pass it
 * fails with YB_ETOOBIG and leaves the buffer unchanged. The contents are always followed by a
 * NUL byte (not counted in len) so text can be used as a C string.
 */
#ifndef YB_BUF_H
#define YB_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct yb_buf {
    uint8_t *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* appends past this fail */
};

/* Caller-owned; pair with yb_buf_fini. Allocates nothing yet. */
void yb_buf_init(struct yb_buf *b, size_t max);
void yb_buf_fini(struct yb_buf *b);
/* Drop the contents, keep the allocation. */
void yb_buf_reset(struct yb_buf *b);

/* Errors: YB_ETOOBIG when len + n > max (buffer unchanged). */
int yb_buf_append(struct yb_buf *b, const void *p, size_t n);
int yb_buf_append_str(struct yb_buf *b, const char *s);
int yb_buf_append_byte(struct yb_buf *b, uint8_t c);
int yb_buf_printf(struct yb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int yb_buf_vprintf(struct yb_buf *b, const char *fmt, va_list ap);

/* Hand the contents to the caller (returned; free with free()), leaving b empty. *len may be NULL. */
uint8_t *yb_buf_steal(struct yb_buf *b, size_t *len);

#endif
