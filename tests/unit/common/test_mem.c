/* The allocation wrappers: never NULL (zero sizes included), calloc zeroes, realloc keeps the
 * contents, the strdup pair copies and terminates, and out-of-memory ends the process with the
 * YB-OOM line instead of returning NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"

/* Under ASan an impossible malloc reports and aborts by itself; ask it to return NULL instead
 * so the OOM test below sees mem.c's own path. Ignored by builds without ASan. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static void zero_sizes_still_return_distinct_usable_blocks(void **state)
{
    (void)state;
    char *a = yb_xmalloc(0);
    char *b = yb_xmalloc(0);
    char *c = yb_xcalloc(0, 16);
    char *d = yb_xcalloc(16, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    assert_ptr_not_equal(a, b);
    /* The wrappers round zero up to one byte, so one byte may be written (ASan checks it). */
    a[0] = 'x';
    assert_int_equal(c[0], 0);
    assert_int_equal(d[0], 0);
    char *e = yb_xrealloc(a, 0);
    assert_non_null(e);
    free(e);
    free(b);
    free(c);
    free(d);
}

static void calloc_zeroes_even_reused_memory(void **state)
{
    (void)state;
    /* Dirty a block, free it, and ask for the same size: malloc is likely to hand it back. */
    enum { N = 4096 };
    unsigned char *dirty = yb_xmalloc(N);
    memset(dirty, 0xA5, N);
    free(dirty);
    unsigned char *p = yb_xcalloc(N / 8, 8);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(p[i], 0);
    }
    free(p);
}

static void realloc_grows_and_shrinks_keeping_the_contents(void **state)
{
    (void)state;
    size_t n = 16;
    unsigned char *p = yb_xrealloc(NULL, n); /* NULL: a plain allocation */
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)i;
    }
    /* Grow by doubling past a page and past malloc's mmap threshold (128 KiB by default). */
    while (n < (size_t)1 << 20) {
        size_t m = n * 2;
        p = yb_xrealloc(p, m);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(p[i], (unsigned char)i);
        }
        for (size_t i = n; i < m; i++) {
            p[i] = (unsigned char)i;
        }
        n = m;
    }
    p = yb_xrealloc(p, 10);
    for (size_t i = 0; i < 10; i++) {
        assert_int_equal(p[i], (unsigned char)i);
    }
    free(p);
}

static void strdup_copies_into_a_new_block(void **state)
{
    (void)state;
    const char *cases[] = {"", "a", "yieldbox", "with\ttab and ünïcode"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = yb_xstrdup(cases[i]);
        assert_ptr_not_equal(s, cases[i]);
        assert_string_equal(s, cases[i]);
        free(s);
    }
}

static void strndup_stops_at_n_or_at_the_nul(void **state)
{
    (void)state;
    struct {
        const char *in;
        size_t n;
        const char *want;
    } cases[] = {
        {"abcdef", 3, "abc"}, {"abcdef", 6, "abcdef"}, {"abc", 100, "abc"}, {"abc", 0, ""},
        {"", 5, ""},          {"a\0bc", 4, "a"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = yb_xstrndup(cases[i].in, cases[i].n);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
    /* Not NUL-terminated input: only the first n bytes may be read (ASan checks it). */
    char raw[4] = {'w', 'x', 'y', 'z'};
    char *s = yb_xstrndup(raw, sizeof raw);
    assert_string_equal(s, "wxyz");
    free(s);
}

/* Runs one impossible allocation in a child; returns its wait status and its stderr. */
static int oom_child(int which, char *err, size_t cap)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        volatile size_t huge = SIZE_MAX - 4096; /* volatile: no compile-time size warning */
        void *p = NULL;
        if (which == 0) {
            p = yb_xmalloc(huge);
        } else if (which == 1) {
            p = yb_xrealloc(NULL, huge);
        } else {
            p = yb_xcalloc(huge / 16, 8);
        }
        free(p);
        _exit(0); /* reached only if the wrapper returned */
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t r;
    while ((r = read(fds[0], err + len, cap - 1 - len)) > 0) {
        len += (size_t)r;
        if (len == cap - 1) {
            break;
        }
    }
    err[len] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void out_of_memory_aborts_with_one_line(void **state)
{
    (void)state;
    for (int which = 0; which < 3; which++) {
        char err[4096];
        int status = oom_child(which, err, sizeof err);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGABRT);
        assert_non_null(strstr(err, "YB-OOM fatal: out of memory allocating"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zero_sizes_still_return_distinct_usable_blocks),
        cmocka_unit_test(calloc_zeroes_even_reused_memory),
        cmocka_unit_test(realloc_grows_and_shrinks_keeping_the_contents),
        cmocka_unit_test(strdup_copies_into_a_new_block),
        cmocka_unit_test(strndup_stops_at_n_or_at_the_nul),
        cmocka_unit_test(out_of_memory_aborts_with_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
