/*
 * mem.h — allocation wrappers that abort with a message on out-of-memory (tmux's xmalloc), so
 * the rest of the code need not pretend to handle it. Sizes fed by untrusted input must be
 * checked against a named cap *before* they reach these.
 */
#ifndef YB_MEM_H
#define YB_MEM_H

#include <stddef.h>

void *yb_xmalloc(size_t n);             /* returned; never NULL */
void *yb_xcalloc(size_t count, size_t size); /* returned, zeroed; never NULL */
void *yb_xrealloc(void *p, size_t n);   /* p taken; returned; never NULL */
char *yb_xstrdup(const char *s);        /* returned; never NULL */
char *yb_xstrndup(const char *s, size_t n); /* returned, NUL-terminated; never NULL */

#endif
