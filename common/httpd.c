/*
 * httpd.c — routes on nng's HTTP server (see httpd.h).
 */
#include "httpd.h"

static int add_route(nng_http_server *srv, const struct httpd_route *r, void *data)
{
    nng_http_handler *h = NULL;
    int rv = nng_http_handler_alloc(&h, r->path, r->cb);
    if (rv == 0) {
        rv = nng_http_handler_set_method(h, r->method);
    }
    if (rv == 0 && r->body_max > 0) {
        rv = nng_http_handler_collect_body(h, true, r->body_max);
    }
    if (rv == 0) {
        rv = nng_http_handler_set_data(h, data, NULL);
    }
    if (rv == 0) {
        rv = nng_http_server_add_handler(srv, h);
    }
    if (rv != 0 && h != NULL) {
        nng_http_handler_free(h);
    }
    return rv;
}

int httpd_serve(nng_http_server *srv, const struct httpd_route *routes, size_t n, void *data)
{
    for (size_t i = 0; i < n; i++) {
        int rv = add_route(srv, &routes[i], data);
        if (rv != 0) {
            return rv;
        }
    }
    return nng_http_server_start(srv);
}
