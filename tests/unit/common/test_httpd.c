/*
 * test_httpd.c — common/httpd: a table of routes served by a real nng HTTP server on loopback,
 * asked with libcurl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>

#include "httpd.h"

#define BODY_MAX 64

struct server {
    nng_http_server *srv;
    char base[64];
    char tag[16]; /* the handler data the routes must get back */
};

/* Answers 200 with "<tag> <method> <body length>". */
static void on_echo(nng_aio *aio)
{
    nng_http_req *req = nng_aio_get_input(aio, 0);
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    const struct server *s = nng_http_handler_get_data(h);
    void *body = NULL;
    size_t len = 0;
    nng_http_req_get_data(req, &body, &len);
    char text[64];
    int n = snprintf(text, sizeof text, "%s %s %zu", s->tag, nng_http_req_get_method(req), len);
    nng_http_res *res = NULL;
    if (nng_http_res_alloc(&res) != 0 || nng_http_res_copy_data(res, text, (size_t)n) != 0) {
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

static int server_start(void **state)
{
    static const struct httpd_route routes[] = {
        {"/get", "GET", on_echo, 0},
        {"/post", "POST", on_echo, BODY_MAX},
    };
    struct server *s = calloc(1, sizeof *s);
    snprintf(s->tag, sizeof s->tag, "tag-%d", 7);
    nng_url *u = NULL;
    assert_int_equal(nng_url_parse(&u, "http://127.0.0.1:0"), 0);
    assert_int_equal(nng_http_server_hold(&s->srv, u), 0);
    nng_url_free(u);
    assert_int_equal(httpd_serve(s->srv, routes, sizeof routes / sizeof routes[0], s), 0);
    nng_sockaddr sa;
    assert_int_equal(nng_http_server_get_addr(s->srv, &sa), 0);
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", (unsigned)ntohs(sa.s_in.sa_port));
    *state = s;
    return 0;
}

static int server_stop(void **state)
{
    struct server *s = *state;
    nng_http_server_stop(s->srv);
    nng_http_server_release(s->srv);
    free(s);
    return 0;
}

struct reply {
    char text[256];
    size_t len;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    struct reply *r = arg;
    size_t k = size * n;
    size_t room = sizeof r->text - 1 - r->len;
    memcpy(r->text + r->len, p, k < room ? k : room);
    r->len += k < room ? k : room;
    r->text[r->len] = '\0';
    return k;
}

/* HTTP status of METHOD base+path with body (NULL: none); the answer's text in *r. */
static long ask(const struct server *s, const char *method, const char *path, const char *body,
                struct reply *r)
{
    char url[128];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    long status = 0;
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

static void every_route_is_served_with_its_data(void **state)
{
    struct reply r;
    assert_int_equal(ask(*state, "GET", "/get", NULL, &r), 200);
    assert_string_equal(r.text, "tag-7 GET 0");
    assert_int_equal(ask(*state, "POST", "/post", "{\"a\":1}", &r), 200);
    assert_string_equal(r.text, "tag-7 POST 7");
}

static void wrong_method_and_unknown_path_are_refused(void **state)
{
    struct reply r;
    assert_int_equal(ask(*state, "POST", "/get", "x", &r), 405);
    assert_int_equal(ask(*state, "GET", "/post", NULL, &r), 405);
    assert_int_equal(ask(*state, "GET", "/nowhere", NULL, &r), 404);
}

static void body_over_the_route_cap_is_refused(void **state)
{
    char big[BODY_MAX + 2];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct reply r;
    /* nng 1.5.2 refuses it before the handler runs, with 400 Bad Request */
    assert_int_equal(ask(*state, "POST", "/post", big, &r), 400);
    big[BODY_MAX] = '\0'; /* exactly the cap is fine */
    assert_int_equal(ask(*state, "POST", "/post", big, &r), 200);
    assert_string_equal(r.text, "tag-7 POST 64");
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_is_served_with_its_data),
        cmocka_unit_test(wrong_method_and_unknown_path_are_refused),
        cmocka_unit_test(body_over_the_route_cap_is_refused),
    };
    int rc = cmocka_run_group_tests(tests, server_start, server_stop);
    curl_global_cleanup();
    return rc;
}
