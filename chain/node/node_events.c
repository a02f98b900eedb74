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

#include "codec.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "node_int.h"

/* NEAR's max_total_log_length: no single log line of a receipt is longer. */
#define EVENT_LOG_MAX 16384u

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

static void add_hash(cJSON *obj, const char *key, const uint8_t h[NEAR_HASH_LEN])
{
    char s[64];
    base58_encode(h, NEAR_HASH_LEN, s, sizeof s);
    cJSON_AddStringToObject(obj, key, s);
}

/* One announced request: an element of an EVENT_JSON log's "data" array that has a
 * "yield_id", with the account that logged it. */
struct announced {
    const char *account;  /* borrowed from the outcome */
    const char *yield_id; /* borrowed from `elem` */
    cJSON *elem;          /* borrowed from the parsed log in `logs` */
};

struct announcements {
    cJSON *logs; /* owned: an array holding every parsed EVENT_JSON object */
    struct announced *v;
    size_t n, cap;
};

static int cmp_announced(const void *pa, const void *pb)
{
    const struct announced *a = pa, *b = pb;
    int c = strcmp(a->yield_id, b->yield_id);
    return c ? c : strcmp(a->account, b->account);
}

/* Parses each EVENT_JSON log of the block once and sorts its yield-carrying elements, so
 * matching N created yields costs N log N instead of N × (logs in the block). */
static void announcements_build(struct announcements *an, const struct outcome_list *l)
{
    static const char prefix[] = "EVENT_JSON:";
    memset(an, 0, sizeof *an);
    an->logs = cJSON_CreateArray();
    for (size_t i = 0; i < l->n; i++) {
        const struct outcome *o = &l->v[i];
        for (size_t k = 0; k < o->n_logs; k++) {
            if (strncmp(o->logs[k], prefix, sizeof prefix - 1) != 0) {
                continue;
            }
            const char *j = o->logs[k] + sizeof prefix - 1;
            cJSON *ev = NULL;
            if (json_parse(j, strlen(j), EVENT_LOG_MAX, &ev, NULL) != YB_OK) {
                continue;
            }
            cJSON_AddItemToArray(an->logs, ev);
            cJSON *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(ev, "data"))
            {
                const cJSON *y = cJSON_GetObjectItemCaseSensitive(e, "yield_id");
                if (!cJSON_IsString(y)) {
                    continue;
                }
                if (an->n == an->cap) {
                    an->cap = an->cap ? an->cap * 2 : 16;
                    an->v = yb_xrealloc(an->v, an->cap * sizeof *an->v);
                }
                an->v[an->n++] = (struct announced){o->executor_id, y->valuestring, e};
            }
        }
    }
    if (an->n > 1) {
        qsort(an->v, an->n, sizeof *an->v, cmp_announced);
    }
}

static void announcements_fini(struct announcements *an)
{
    cJSON_Delete(an->logs);
    free(an->v);
}

/* A copy of the request `account` announced for yield data_id, or NULL. */
static cJSON *find_request(const struct announcements *an, const char *account,
                           const uint8_t data_id[NEAR_HASH_LEN])
{
    char yid[64];
    base58_encode(data_id, NEAR_HASH_LEN, yid, sizeof yid);
    struct announced key = {account, yid, NULL};
    const struct announced *hit =
        an->n ? bsearch(&key, an->v, an->n, sizeof key, cmp_announced) : NULL;
    return hit ? cJSON_Duplicate(hit->elem, true) : NULL;
}

cJSON *node_events_of_block(const struct node_block *b, const struct runtime_block_result *res)
{
    cJSON *list = cJSON_CreateArray();
    cJSON *blk = cJSON_CreateObject();
    cJSON_AddStringToObject(blk, "topic", "block");
    json_add_u64(blk, "height", b->height);
    add_hash(blk, "hash", b->hash);
    add_hash(blk, "prev_hash", b->prev_hash);
    json_add_u64(blk, "timestamp_ns", b->timestamp_ns);
    json_add_u64(blk, "txs", b->n_txs);
    json_add_u64(blk, "receipts", b->n_receipts);
    json_add_u64(blk, "gas_burnt", b->gas_burnt);
    cJSON_AddItemToArray(list, blk);
    for (size_t i = 0; i < res->outcomes.n; i++) {
        const struct outcome *o = &res->outcomes.v[i];
        if (!o->is_tx) {
            continue;
        }
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "topic", "tx.outcome");
        add_hash(e, "tx_hash", o->id);
        cJSON_AddStringToObject(e, "signer_id", o->executor_id);
        json_add_u64(e, "height", b->height);
        add_hash(e, "block_hash", b->hash);
        cJSON_AddItemToObject(e, "outcome", outcome_to_json(o));
        cJSON_AddItemToArray(list, e);
    }
    struct announcements an = {0};
    bool any_created = false;
    for (size_t i = 0; i < res->n_yields && !any_created; i++) {
        any_created = res->yields[i].kind == RUNTIME_YIELD_CREATED;
    }
    if (any_created) {
        announcements_build(&an, &res->outcomes);
    }
    for (size_t i = 0; i < res->n_yields; i++) {
        const struct runtime_yield_event *y = &res->yields[i];
        const char *topic = y->kind == RUNTIME_YIELD_CREATED   ? "yield.created"
                            : y->kind == RUNTIME_YIELD_RESUMED ? "yield.resumed"
                            : y->kind == RUNTIME_YIELD_TIMEOUT ? "yield.timeout"
                                                               : NULL;
        if (topic == NULL) {
            continue; /* EXECUTED: the callback's tx.outcome/receipt says it */
        }
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "topic", topic);
        cJSON_AddStringToObject(e, "account", y->account);
        add_hash(e, "data_id", y->data_id);
        add_hash(e, "receipt_id", y->receipt_id);
        json_add_u64(e, "height", b->height);
        if (y->kind == RUNTIME_YIELD_CREATED) {
            json_add_u64(e, "expires_height", y->expires_height);
            cJSON *req = find_request(&an, y->account, y->data_id);
            if (req != NULL) {
                cJSON_AddItemToObject(e, "request", req);
            }
        }
        cJSON_AddItemToArray(list, e);
    }
    announcements_fini(&an);
    return list;
}
