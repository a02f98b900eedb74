/*
 * loop.h — libcurl's multi-socket interface driven by a libev loop (oracle-anchors.md §5.2,
 * the shape of curl's evhiperfifo example): every HTTP call the oracle makes — JSON-RPC and AI —
 * is an easy handle added here, and all of them progress concurrently on the one thread.
 *
 *   struct my_call { struct loop_job job; ... };       job.done = on_my_call_done;
 *   loop_add(&loop, easy, &call->job);
 *   ... later, on the loop thread: on_my_call_done(&call->job, curl_code)
 *
 * The handle is already removed from the multi handle when `done` runs, so `done` may clean it
 * up or reuse it. loop_add takes over CURLOPT_PRIVATE (it points at the job).
 *
 * Thread rules: everything on the thread running the ev loop.
 */
#ifndef YB_ORACLE_LOOP_H
#define YB_ORACLE_LOOP_H

#include <ev.h>

struct loop_job {
    /* Called once when the transfer ended; curl_code is its CURLcode (0 = a response came). */
    void (*done)(struct loop_job *job, int curl_code);
};

struct loop {
    struct ev_loop *ev; /* borrowed */
    void *multi;        /* CURLM *, owned */
    ev_timer timer;     /* libcurl's single timeout */
};

/* Sets l up on ev (borrowed; must outlive l). Errors: YB_EINTERNAL. */
int loop_init(struct loop *l, struct ev_loop *ev);
/* Frees the multi handle. Cancel (loop_cancel) every transfer still running first; the easy
 * handles are the caller's. */
void loop_fini(struct loop *l);
/* Starts curl (borrowed; a configured easy handle) with job (borrowed until done runs).
 * Errors: YB_EINTERNAL. */
int loop_add(struct loop *l, void *curl, struct loop_job *job);
/* Stops curl (borrowed) without calling its job; safe if it already finished. */
void loop_cancel(struct loop *l, void *curl);

#endif
