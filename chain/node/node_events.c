/*
 * node_events.c — the event publisher: an nng PUB socket; each event is one message
 * "topic JSON" so subscribers filter by topic prefix (nng's SUB matches message prefixes).
 * Publishing never blocks: PUB drops messages for slow subscribers, which is why every event
 * carries a sequence number (README.md: events are hints; gaps are detectable).
 */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "mem.h"
#include "node_int.h"

struct node_events {
    nng_socket sock;
};

int node_events_open(const char *addr, struct node_events **out)
{
    *out = NULL;
    if (addr == NULL || addr[0] == '\0') {
        return YB_OK;
    }
    struct node_events *ev = yb_xcalloc(1, sizeof *ev);
    int rv = nng_pub0_open(&ev->sock);
    if (rv == 0) {
        rv = nng_listen(ev->sock, addr, NULL, 0);
        if (rv != 0) {
            nng_close(ev->sock);
        }
    }
    if (rv != 0) {
        log_error("CHAIN-EVENTS", "cannot publish events on %s: %s", addr, nng_strerror(rv));
        free(ev);
        return YB_ECONFIG;
    }
    *out = ev;
    return YB_OK;
}

void node_events_close(struct node_events *ev)
{
    if (ev == NULL) {
        return;
    }
    nng_close(ev->sock);
    free(ev);
}

void node_events_publish(struct node_events *ev, const char *topic, cJSON *obj, uint64_t seq)
{
    if (ev == NULL) {
        return;
    }
    cJSON_AddNumberToObject(obj, "seq", (double)seq);
    char *text = cJSON_PrintUnformatted(obj);
    if (text == NULL) {
        return;
    }
    size_t tl = strlen(topic), jl = strlen(text);
    nng_msg *msg;
    if (nng_msg_alloc(&msg, 0) == 0) {
        nng_msg_append(msg, topic, tl);
        nng_msg_append(msg, " ", 1);
        nng_msg_append(msg, text, jl);
        if (nng_sendmsg(ev->sock, msg, NNG_FLAG_NONBLOCK) != 0) {
            nng_msg_free(msg);
        }
    }
    cJSON_free(text);
}
