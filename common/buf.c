/* buf.c — capped growable buffer. Growth doubles, but never past max (+1 for the NUL). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"

void yb_buf_init(struct yb_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void yb_buf_fini(struct yb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void yb_buf_reset(struct yb_buf *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

/* Make room for n more bytes plus the terminating NUL. */
static int reserve(struct yb_buf *b, size_t n)
{
    /* The +1 for the NUL must not wrap either, so a max of SIZE_MAX is one byte smaller. */
    size_t limit = b->max == SIZE_MAX ? SIZE_MAX - 1 : b->max;
    if (n > limit || b->len > limit - n) {
        return YB_ETOOBIG;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap) {
        return YB_OK;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need && cap <= (limit + 1) / 2) {
        cap *= 2;
    }
    if (cap > limit + 1) {
        cap = limit + 1;
    }
    if (cap < need) {
        cap = need; /* need <= limit + 1, so this stays within the cap */
    }
    b->data = yb_xrealloc(b->data, cap);
    b->cap = cap;
    return YB_OK;
}

int yb_buf_append(struct yb_buf *b, const void *p, size_t n)
{
    int rc = reserve(b, n);
    if (rc != YB_OK) {
        return rc;
    }
    if (n > 0) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return YB_OK;
}

int yb_buf_append_str(struct yb_buf *b, const char *s)
{
    return yb_buf_append(b, s, strlen(s));
}

int yb_buf_append_byte(struct yb_buf *b, uint8_t c)
{
    return yb_buf_append(b, &c, 1);
}

int yb_buf_vprintf(struct yb_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return YB_EINVAL;
    }
    int rc = reserve(b, (size_t)n);
    if (rc != YB_OK) {
        return rc;
    }
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return YB_OK;
}

int yb_buf_printf(struct yb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = yb_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

uint8_t *yb_buf_steal(struct yb_buf *b, size_t *len)
{
    uint8_t *p = b->data;
    if (p == NULL) {
        p = yb_xcalloc(1, 1);
    }
    if (len != NULL) {
        *len = b->len;
    }
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
