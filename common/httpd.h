/*
 * httpd.h — the one way our processes put routes on nng's HTTP server: yb-chain's JSON-RPC
 * server, yb-oracle's /metrics and yb-mockai each describe their routes as a table and call
 * httpd_serve.
 */
#ifndef YB_HTTPD_H
#define YB_HTTPD_H

#include <stddef.h>

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>

struct httpd_route {
    const char *path;         /* exact path, e.g. "/healthz" */
    const char *method;       /* "GET", "POST", ... */
    void (*cb)(nng_aio *aio); /* nng's handler callback */
    size_t body_max;          /* > 0: collect request bodies up to this many bytes; 0: none */
};

/*
 * Registers routes[0..n) on srv (borrowed, held by the caller) with data (borrowed; handlers
 * get it back with nng_http_handler_get_data) and starts the server. Returns nng's error code
 * (0 = serving); on failure the routes already added stay with srv, which the caller releases.
 * Call from one thread before the server is shared.
 */
int httpd_serve(nng_http_server *srv, const struct httpd_route *routes, size_t n, void *data);

#endif
