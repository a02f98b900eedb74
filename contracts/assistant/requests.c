/*
 * requests.c — request records, the yield-id index, answers and the pending list (see
 * requests.h; layout in README.md).
 *
 * The pending list is doubly linked through small link records so that adding at the tail and
 * removing from anywhere are O(1), and the views can page through it in creation order without
 * storage iterators (deprecated on NEAR).
 */
#include "requests.h"

#include "b58.h"
#include "env.h"
#include "libc.h"

#define KEY_NEXT_ID "cfg:next_id"
#define KEY_HEAD    "cfg:head"
#define KEY_TAIL    "cfg:tail"
#define KEY_PENDING "cfg:pending"
#define KEYLEN(k)   (sizeof(k) - 1)

/* A prefix and an 8-byte big-endian id (so keys sort by id), or a 32-byte yield id. */
struct key {
    uint8_t b[2 + 32];
    size_t n;
};

static struct key key_id(char prefix, uint64_t id)
{
    struct key k;
    k.b[0] = (uint8_t)prefix;
    k.b[1] = ':';
    for (int i = 0; i < 8; i++) {
        k.b[2 + i] = (uint8_t)(id >> (56 - 8 * i));
    }
    k.n = 10;
    return k;
}

static struct key key_yield(const uint8_t yield_id[32])
{
    struct key k;
    k.b[0] = 'y';
    k.b[1] = ':';
    memcpy(k.b + 2, yield_id, 32);
    k.n = 34;
    return k;
}

/* ---- the pending list: a doubly linked list of request ids in creation order ---- */
/* Link record "l:<id>": prev id, next id (u64 LE each; 0 = none). Head/tail/count in cfg:. */

struct link {
    uint64_t prev;
    uint64_t next;
};

static bool link_get(uint64_t id, struct link *l)
{
    struct key k = key_id('l', id);
    size_t n;
    uint8_t *v = env_storage_get(k.b, k.n, &n);
    if (v == NULL) {
        return false;
    }
    if (n != 16) {
        env_panic_z("assistant: corrupt pending list in state");
    }
    l->prev = libc_load_u64le(v);
    l->next = libc_load_u64le(v + 8);
    return true;
}

static void link_set(uint64_t id, struct link l)
{
    struct key k = key_id('l', id);
    uint8_t v[16];
    libc_store_u64le(v, l.prev);
    libc_store_u64le(v + 8, l.next);
    env_storage_set(k.b, k.n, v, sizeof v);
}

static void pending_push(uint64_t id)
{
    uint64_t tail = env_storage_get_u64(KEY_TAIL, KEYLEN(KEY_TAIL), 0);
    struct link l = {.prev = tail, .next = 0};
    link_set(id, l);
    if (tail != 0) {
        struct link t;
        if (!link_get(tail, &t)) {
            env_panic_z("assistant: corrupt pending list in state");
        }
        t.next = id;
        link_set(tail, t);
    } else {
        env_storage_set_u64(KEY_HEAD, KEYLEN(KEY_HEAD), id);
    }
    env_storage_set_u64(KEY_TAIL, KEYLEN(KEY_TAIL), id);
    uint64_t count = env_storage_get_u64(KEY_PENDING, KEYLEN(KEY_PENDING), 0);
    env_storage_set_u64(KEY_PENDING, KEYLEN(KEY_PENDING), count + 1);
}

bool requests_unlist(uint64_t id)
{
    struct link l;
    if (!link_get(id, &l)) {
        return false;
    }
    struct key k = key_id('l', id);
    env_storage_remove(k.b, k.n);
    if (l.prev != 0) {
        struct link p;
        if (link_get(l.prev, &p)) {
            p.next = l.next;
            link_set(l.prev, p);
        }
    } else {
        env_storage_set_u64(KEY_HEAD, KEYLEN(KEY_HEAD), l.next);
    }
    if (l.next != 0) {
        struct link nx;
        if (link_get(l.next, &nx)) {
            nx.prev = l.prev;
            link_set(l.next, nx);
        }
    } else {
        env_storage_set_u64(KEY_TAIL, KEYLEN(KEY_TAIL), l.prev);
    }
    uint64_t count = env_storage_get_u64(KEY_PENDING, KEYLEN(KEY_PENDING), 0);
    env_storage_set_u64(KEY_PENDING, KEYLEN(KEY_PENDING), count > 0 ? count - 1 : 0);
    return true;
}

/* ---- request records ---- */
/* "r:<id>" holds the request as the JSON object get_pending_requests returns:
 * {"request_id","yield_id"(base58),"prompt","requester","created_height","expires_height"}. */

bool requests_get(uint64_t id, struct jr_value *rec)
{
    struct key k = key_id('r', id);
    size_t n;
    uint8_t *v = env_storage_get(k.b, k.n, &n);
    if (v == NULL) {
        return false;
    }
    if (jr_parse((const char *)v, n, rec) != YB_OK || jr_type_of(*rec) != JR_OBJECT) {
        env_panic_z("assistant: corrupt request record in state");
    }
    return true;
}

struct jr_value requests_field(struct jr_value rec, const char *name)
{
    struct jr_value v;
    if (jr_get(rec, name, &v) != YB_OK) {
        env_panic3("assistant: request record lacks ", name, NULL);
    }
    return v;
}

void requests_yield_id(struct jr_value rec, uint8_t out[32])
{
    char text[B58_HASH_TEXT];
    size_t n;
    if (jr_string(requests_field(rec, "yield_id"), text, sizeof text, &n) != YB_OK ||
        b58_decode_exact(text, n, out, 32) != YB_OK) {
        env_panic_z("assistant: corrupt yield id in state");
    }
}

bool requests_has_answer(uint64_t id)
{
    struct key k = key_id('a', id);
    return env_storage_has(k.b, k.n);
}

void requests_set_answer(uint64_t id, const char *answer, size_t len)
{
    struct key k = key_id('a', id);
    env_storage_set(k.b, k.n, answer, len);
}

void requests_drop_answer(uint64_t id)
{
    struct key k = key_id('a', id);
    env_storage_remove(k.b, k.n);
}

uint8_t *requests_answer(uint64_t id, size_t *len)
{
    struct key k = key_id('a', id);
    return env_storage_get(k.b, k.n, len);
}

void requests_forget(uint64_t id, struct jr_value rec)
{
    uint8_t yield_id[32];
    requests_yield_id(rec, yield_id);
    struct key ky = key_yield(yield_id);
    struct key kr = key_id('r', id);
    struct key ka = key_id('a', id);
    env_storage_remove(ky.b, ky.n);
    env_storage_remove(kr.b, kr.n);
    env_storage_remove(ka.b, ka.n);
    requests_unlist(id);
}

void requests_accept(uint64_t id, const uint8_t yield_id[32])
{
    struct key ky = key_yield(yield_id);
    requests_unlist(id);
    env_storage_remove(ky.b, ky.n);
}

bool requests_has(uint64_t id)
{
    struct key k = key_id('r', id);
    return env_storage_has(k.b, k.n);
}

bool requests_forget_answered(uint64_t id)
{
    struct key kr = key_id('r', id);
    struct key ka = key_id('a', id);
    if (!env_storage_remove(kr.b, kr.n)) {
        return false;
    }
    env_storage_remove(ka.b, ka.n);
    return true;
}

uint64_t requests_peek_next_id(void)
{
    return env_storage_get_u64(KEY_NEXT_ID, KEYLEN(KEY_NEXT_ID), 1);
}

uint64_t requests_next_id(void)
{
    uint64_t id = requests_peek_next_id();
    env_storage_set_u64(KEY_NEXT_ID, KEYLEN(KEY_NEXT_ID), id + 1);
    return id;
}

uint64_t requests_pending_count(void)
{
    return env_storage_get_u64(KEY_PENDING, KEYLEN(KEY_PENDING), 0);
}

void requests_add(uint64_t id, const uint8_t yield_id[32], const char *record, size_t record_len)
{
    struct key kr = key_id('r', id);
    struct key ky = key_yield(yield_id);
    uint8_t id_le[8];
    libc_store_u64le(id_le, id);
    env_storage_set(kr.b, kr.n, record, record_len);
    env_storage_set(ky.b, ky.n, id_le, sizeof id_le);
    pending_push(id);
}

bool requests_find_by_yield(const uint8_t yield_id[32], uint64_t *id)
{
    struct key ky = key_yield(yield_id);
    size_t n;
    uint8_t *v = env_storage_get(ky.b, ky.n, &n);
    if (v == NULL) {
        return false;
    }
    if (n != 8) {
        env_panic_z("assistant: corrupt yield index in state");
    }
    *id = libc_load_u64le(v);
    return true;
}

/* Writes up to limit records of the pending list as a JSON array, walking from request id
 * `start` (0 = nothing) and skipping the first `skip` items. */
static void page_walk(struct jw *w, uint64_t start, uint64_t skip, uint64_t limit,
                      void (*emit)(struct jw *w, struct jr_value rec))
{
    uint64_t id = start;
    uint64_t index = 0;
    uint64_t emitted = 0;
    jw_array_begin(w);
    while (id != 0 && emitted < limit) {
        struct link l;
        struct jr_value rec;
        if (!link_get(id, &l)) {
            env_panic_z("assistant: corrupt pending list in state");
        }
        if (index >= skip && requests_get(id, &rec)) {
            emit(w, rec);
            emitted++;
        }
        index++;
        id = l.next;
    }
    jw_array_end(w);
}

void requests_page(struct jw *w, uint64_t from_index, uint64_t limit,
                   void (*emit)(struct jw *w, struct jr_value rec))
{
    page_walk(w, env_storage_get_u64(KEY_HEAD, KEYLEN(KEY_HEAD), 0), from_index, limit, emit);
}

/*
 * The first pending request whose id is >= from_id, or 0 if none. The list is in id order, so
 * the head answers every from_id up to its own id and nothing lies past the tail. In between,
 * ids from_id, from_id + 1, from_id + 2, from_id + 4, ... are probed until one is pending (or
 * the tail is passed: the tail is pending); from that anchor the walk goes back along the prev
 * links while ids are still >= from_id. A hit costs one read; a miss costs the probes (log2 of
 * the gap of finished requests) and the pending requests walked back over, which lie between
 * the first pending id >= from_id and the anchor — at most as many as the gap is wide, and
 * the page returns them anyway unless it fills up first.
 */
static uint64_t pending_at_or_after(uint64_t from_id)
{
    uint64_t head = env_storage_get_u64(KEY_HEAD, KEYLEN(KEY_HEAD), 0);
    if (head == 0 || from_id <= head) {
        return head;
    }
    uint64_t tail = env_storage_get_u64(KEY_TAIL, KEYLEN(KEY_TAIL), 0);
    if (from_id > tail) {
        return 0;
    }
    struct link l;
    uint64_t anchor = from_id;
    uint64_t step = 1;
    while (anchor < tail && !link_get(anchor, &l)) {
        anchor = step <= tail - from_id ? from_id + step : tail;
        step *= 2;
    }
    if (anchor >= tail) {
        anchor = tail;
        if (!link_get(anchor, &l)) {
            env_panic_z("assistant: corrupt pending list in state");
        }
    }
    while (l.prev != 0 && l.prev >= from_id) {
        anchor = l.prev;
        if (!link_get(anchor, &l)) {
            env_panic_z("assistant: corrupt pending list in state");
        }
    }
    return anchor;
}

void requests_page_from_id(struct jw *w, uint64_t from_id, uint64_t limit,
                           void (*emit)(struct jw *w, struct jr_value rec))
{
    page_walk(w, limit > 0 ? pending_at_or_after(from_id) : 0, 0, limit, emit);
}
