/* mem.c — out-of-memory is fatal: print one line and abort. */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "YB-OOM fatal: out of memory allocating %zu bytes\n", n);
    abort();
}

void *yb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        oom(n);
    }
    return p;
}

void *yb_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) {
        /* count * size may overflow (that is one way calloc fails): say both. */
        fprintf(stderr, "YB-OOM fatal: out of memory allocating %zu x %zu bytes\n", count, size);
        abort();
    }
    return p;
}

void *yb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        oom(n);
    }
    return q;
}

char *yb_xstrdup(const char *s)
{
    return yb_xstrndup(s, strlen(s));
}

char *yb_xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = yb_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
