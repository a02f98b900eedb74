/*
 * loop.c — curl multi-socket under libev. One ev_io per socket curl reports, one ev_timer for
 * curl's timeout; finished transfers are collected after every socket action.
 */
#include "loop.h"

#include <curl/curl.h>
#include <stdlib.h>

#include "err.h"
#include "log.h"
#include "mem.h"

struct sock {
    ev_io io;
    struct loop *l;
    curl_socket_t fd;
};

static void check_done(struct loop *l)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(l->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        CURL *easy = msg->easy_handle;
        CURLcode code = msg->data.result;
        struct loop_job *job = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&job);
        curl_multi_remove_handle(l->multi, easy);
        if (job) {
            job->done(job, (int)code);
        }
    }
}

static void on_io(struct ev_loop *ev, ev_io *w, int revents)
{
    (void)ev;
    struct sock *s = (struct sock *)w;
    /* curl may drop this socket (CURL_POLL_REMOVE frees s) inside the action: copy first. */
    struct loop *l = s->l;
    curl_socket_t fd = s->fd;
    int mask =
        (revents & EV_READ ? CURL_CSELECT_IN : 0) | (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);
    int running;
    curl_multi_socket_action(l->multi, fd, mask, &running);
    check_done(l);
}

static void on_timer(struct ev_loop *ev, ev_timer *w, int revents)
{
    (void)ev;
    (void)revents;
    struct loop *l = w->data;
    int running;
    curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(l);
}

/* CURLMOPT_TIMERFUNCTION: one timer, replaced on every call; -1 deletes it. A 0 timeout is
 * served from the loop (a 0-second ev_timer), never by calling curl from inside curl. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    struct loop *l = userp;
    ev_timer_stop(l->ev, &l->timer);
    if (timeout_ms >= 0) {
        ev_timer_set(&l->timer, (double)timeout_ms / 1000.0, 0.0);
        ev_timer_start(l->ev, &l->timer);
    }
    return 0;
}

/* CURLMOPT_SOCKETFUNCTION: create, change or drop the ev_io for fd. */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    struct loop *l = userp;
    struct sock *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            ev_io_stop(l->ev, &s->io);
            free(s);
            curl_multi_assign(l->multi, fd, NULL);
        }
        return 0;
    }
    int events = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);
    if (!s) {
        s = yb_xcalloc(1, sizeof *s);
        s->l = l;
        s->fd = fd;
        curl_multi_assign(l->multi, fd, s);
    } else {
        ev_io_stop(l->ev, &s->io);
    }
    ev_io_init(&s->io, on_io, fd, events);
    ev_io_start(l->ev, &s->io);
    return 0;
}

int loop_init(struct loop *l, struct ev_loop *ev)
{
    l->ev = ev;
    l->multi = curl_multi_init();
    if (!l->multi) {
        return YB_EINTERNAL;
    }
    ev_timer_init(&l->timer, on_timer, 0.0, 0.0);
    l->timer.data = l;
    CURLMcode mc = curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    mc = mc ? mc : curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    mc = mc ? mc : curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    mc = mc ? mc : curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
    if (mc != CURLM_OK) {
        curl_multi_cleanup(l->multi);
        l->multi = NULL;
        return YB_EINTERNAL;
    }
    return YB_OK;
}

void loop_fini(struct loop *l)
{
    if (!l->multi) {
        return;
    }
    ev_timer_stop(l->ev, &l->timer);
    curl_multi_cleanup(l->multi);
    l->multi = NULL;
}

int loop_add(struct loop *l, void *curl, struct loop_job *job)
{
    curl_easy_setopt(curl, CURLOPT_PRIVATE, job);
    if (curl_multi_add_handle(l->multi, curl) != CURLM_OK) {
        return YB_EINTERNAL;
    }
    return YB_OK;
}

void loop_cancel(struct loop *l, void *curl)
{
    /* A no-op for a handle that is not in the multi (already finished). */
    curl_multi_remove_handle(l->multi, curl);
}
