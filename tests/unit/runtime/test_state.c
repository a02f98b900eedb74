/*
 * test_state.c — the state layout on a real store: accounts, contract data with keys past the
 * LMDB key limit, prefix walks that do not leak into a neighbouring account, received data as
 * Option<bytes>, FIFO queues, and receipt Borsh round trips and ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "err.h"
#include "receipt.h"
#include "rt_fixture.h"
#include "state.h"

struct ctx {
    struct rt_fixture f;
    struct store_txn *txn;
};

static int setup(void **state)
{
    struct ctx *c = test_malloc(sizeof *c);
    assert_int_equal(rt_fixture_init(&c->f, NULL), YB_OK);
    assert_int_equal(store_write_begin(c->f.store, &c->txn), YB_OK);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    store_abort(c->txn);
    rt_fixture_fini(&c->f);
    test_free(c);
    return 0;
}

static void account_round_trip(void **state)
{
    struct ctx *c = *state;
    struct state_account a = {.amount = ((yb_u128)1 << 100) + 7, .locked = 3, .storage_usage = 182};
    memset(a.code_hash, 0xab, sizeof a.code_hash);
    assert_int_equal(state_account_set(c->txn, "a.test", &a), YB_OK);
    struct state_account b;
    assert_int_equal(state_account_get(c->txn, "a.test", &b), YB_OK);
    assert_true(b.amount == a.amount && b.locked == a.locked);
    assert_memory_equal(b.code_hash, a.code_hash, NEAR_HASH_LEN);
    assert_int_equal(b.storage_usage, 182);
    assert_int_equal(state_account_get(c->txn, "b.test", &b), YB_ENOTFOUND);
    assert_false(state_account_exists(c->txn, "a.tes"));
}

struct walk {
    size_t n;
    size_t total_key_bytes;
    size_t long_keys;
};

static int count_data(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val,
                      size_t val_len)
{
    struct walk *w = ctx;
    w->n++;
    w->total_key_bytes += key_len;
    if (key_len > STATE_DATA_KEY_INLINE) {
        w->long_keys++;
        /* the value written below is the key's length as text */
        char want[16];
        int n = snprintf(want, sizeof want, "%zu", key_len);
        assert_int_equal(val_len, (size_t)n);
        assert_memory_equal(val, want, val_len);
    }
    return YB_OK;
}

static void data_keys_of_every_length_up_to_2k(void **state)
{
    struct ctx *c = *state;
    static const size_t lens[] = {1, 2, 399, 400, 401, 511, 1000, 2047, 2048};
    uint8_t key[STATE_DATA_KEY_MAX];
    memset(key, 'k', sizeof key);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char v[16];
        int n = snprintf(v, sizeof v, "%zu", lens[i]);
        assert_int_equal(state_data_set(c->txn, "a.test", key, lens[i], (uint8_t *)v, (size_t)n),
                         YB_OK);
    }
    /* 2049 bytes is over NEAR's limit */
    assert_int_equal(state_data_set(c->txn, "a.test", key, 2049, (const uint8_t *)"x", 1),
                     YB_ETOOBIG);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        uint8_t *v = NULL;
        size_t n = 0;
        assert_int_equal(state_data_get(c->txn, "a.test", key, lens[i], &v, &n), YB_OK);
        char want[16];
        int wn = snprintf(want, sizeof want, "%zu", lens[i]);
        assert_int_equal(n, (size_t)wn);
        assert_memory_equal(v, want, n);
        free(v);
        assert_true(state_data_has(c->txn, "a.test", key, lens[i]));
    }
    /* two long keys sharing their first 400 bytes stay distinct */
    key[1500] = 'z';
    assert_false(state_data_has(c->txn, "a.test", key, 2048));
    key[1500] = 'k';
    /* a neighbour account whose id extends this one is not part of the walk */
    assert_int_equal(state_data_set(c->txn, "a.test2", key, 5, (const uint8_t *)"n", 1), YB_OK);
    struct walk w = {0};
    assert_int_equal(state_data_each(c->txn, "a.test", NULL, 0, count_data, &w), YB_OK);
    assert_int_equal(w.n, sizeof lens / sizeof lens[0]);
    assert_int_equal(w.long_keys, 5);
    /* a prefix longer than the inline part still selects by the full key */
    memset(&w, 0, sizeof w);
    assert_int_equal(state_data_each(c->txn, "a.test", key, 1000, count_data, &w), YB_OK);
    assert_int_equal(w.n, 3); /* the keys of 1000, 2047 and 2048 bytes */
    assert_int_equal(state_data_remove(c->txn, "a.test", key, 2048), YB_OK);
    assert_int_equal(state_data_remove(c->txn, "a.test", key, 2048), YB_ENOTFOUND);
    /* removing the account removes its data, not the neighbour's */
    assert_int_equal(state_account_remove_all(c->txn, "a.test"), YB_OK);
    memset(&w, 0, sizeof w);
    assert_int_equal(state_data_each(c->txn, "a.test", NULL, 0, count_data, &w), YB_OK);
    assert_int_equal(w.n, 0);
    assert_true(state_data_has(c->txn, "a.test2", key, 5));
}

static void received_data_is_an_option(void **state)
{
    struct ctx *c = *state;
    uint8_t id1[NEAR_HASH_LEN] = {1}, id2[NEAR_HASH_LEN] = {2}, id3[NEAR_HASH_LEN] = {3};
    assert_int_equal(state_received_data_set(c->txn, "a.test", id1, true, NULL, 0), YB_OK);
    assert_int_equal(state_received_data_set(c->txn, "a.test", id2, false, NULL, 0), YB_OK);
    assert_int_equal(
        state_received_data_set(c->txn, "a.test", id3, true, (const uint8_t *)"val", 3), YB_OK);
    bool present;
    uint8_t *d;
    size_t n;
    assert_int_equal(state_received_data_get(c->txn, "a.test", id1, &present, &d, &n), YB_OK);
    assert_true(present);
    assert_int_equal(n, 0);
    free(d);
    assert_int_equal(state_received_data_get(c->txn, "a.test", id2, &present, &d, &n), YB_OK);
    assert_false(present);
    free(d);
    assert_int_equal(state_received_data_get(c->txn, "a.test", id3, &present, &d, &n), YB_OK);
    assert_true(present);
    assert_int_equal(n, 3);
    assert_memory_equal(d, "val", 3);
    free(d);
}

static void queues_are_fifo(void **state)
{
    struct ctx *c = *state;
    for (uint8_t i = 0; i < 5; i++) {
        assert_int_equal(state_queue_push(c->txn, STATE_COL_DELAYED, &i, 1), YB_OK);
    }
    assert_int_equal(state_queue_pop(c->txn, STATE_COL_DELAYED), YB_OK);
    struct state_queue_indices q;
    assert_int_equal(state_queue_indices(c->txn, STATE_COL_DELAYED, &q), YB_OK);
    assert_int_equal(q.first, 1);
    assert_int_equal(q.next, 5);
    uint8_t *v;
    size_t n;
    assert_int_equal(state_queue_get(c->txn, STATE_COL_DELAYED, q.first, &v, &n), YB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0], 1);
    free(v);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(state_queue_pop(c->txn, STATE_COL_DELAYED), YB_OK);
    }
    assert_int_equal(state_queue_pop(c->txn, STATE_COL_DELAYED), YB_ENOTFOUND);
    /* the other queue is independent */
    assert_int_equal(state_queue_indices(c->txn, STATE_COL_YIELD_QUEUE, &q), YB_OK);
    assert_int_equal(q.next, 0);
}

/* An open queue keeps its indices in memory: pushes and pops through it interleave with the
 * stored entries, the stored indices change only at the flush, and afterwards the plain calls
 * see exactly the same queue. */
static void open_queue_flushes_its_indices_once(void **state)
{
    struct ctx *c = *state;
    for (uint8_t i = 0; i < 3; i++) {
        assert_int_equal(state_queue_push(c->txn, STATE_COL_DELAYED, &i, 1), YB_OK);
    }
    struct state_queue sq;
    assert_int_equal(state_queue_open(c->txn, STATE_COL_DELAYED, &sq), YB_OK);
    assert_int_equal(sq.q.first, 0);
    assert_int_equal(sq.q.next, 3);
    const uint8_t *v;
    size_t n;
    for (uint8_t i = 3; i < 6; i++) {
        assert_int_equal(state_queue_append(c->txn, &sq, &i, 1), YB_OK);
        assert_int_equal(state_queue_head(c->txn, &sq, &v, &n), YB_OK);
        assert_int_equal(n, 1);
        assert_int_equal(v[0], i - 3);
        assert_int_equal(state_queue_drop_head(c->txn, &sq), YB_OK);
    }
    /* not flushed yet: the stored indices are the old ones */
    struct state_queue_indices q;
    assert_int_equal(state_queue_indices(c->txn, STATE_COL_DELAYED, &q), YB_OK);
    assert_int_equal(q.first, 0);
    assert_int_equal(q.next, 3);
    assert_int_equal(state_queue_flush(c->txn, &sq), YB_OK);
    assert_int_equal(state_queue_indices(c->txn, STATE_COL_DELAYED, &q), YB_OK);
    assert_int_equal(q.first, 3);
    assert_int_equal(q.next, 6);
    for (uint8_t i = 3; i < 6; i++) {
        uint8_t *d;
        assert_int_equal(state_queue_get(c->txn, STATE_COL_DELAYED, i, &d, &n), YB_OK);
        assert_int_equal(d[0], i);
        free(d);
        assert_int_equal(state_queue_pop(c->txn, STATE_COL_DELAYED), YB_OK);
    }
    assert_int_equal(state_queue_open(c->txn, STATE_COL_DELAYED, &sq), YB_OK);
    assert_int_equal(state_queue_head(c->txn, &sq, &v, &n), YB_ENOTFOUND);
    assert_int_equal(state_queue_drop_head(c->txn, &sq), YB_ENOTFOUND);
    assert_int_equal(state_queue_flush(c->txn, &sq), YB_OK);
}

static void receipts_round_trip_through_borsh(void **state)
{
    (void)state;
    struct receipt r;
    receipt_init(&r);
    r.kind = RECEIPT_PROMISE_YIELD;
    memset(r.id, 7, sizeof r.id);
    r.predecessor_id = strdup("a.test");
    r.receiver_id = strdup("a.test");
    r.signer_id = strdup("user.test");
    r.signer_pk.type = NEAR_KEY_ED25519;
    memset(r.signer_pk.data, 9, sizeof r.signer_pk.data);
    r.gas_price = 100000000;
    uint8_t d[NEAR_HASH_LEN] = {42};
    receipt_add_input(&r, d);
    receipt_add_output(&r, d, "b.test");
    struct tx_action a = {.type = TX_ACTION_FUNCTION_CALL};
    a.u.call.method_name = strdup("cb");
    a.u.call.args = (uint8_t *)strdup("{}");
    a.u.call.args_len = 2;
    a.u.call.gas = 5;
    receipt_add_action(&r, &a);
    r.refund_to = strdup("c.test");

    struct yb_buf b;
    yb_buf_init(&b, RECEIPT_MAX_ENCODED);
    assert_int_equal(receipt_encode(&b, &r), YB_OK);
    struct receipt back;
    assert_int_equal(receipt_decode(b.data, b.len, &back), YB_OK);
    assert_int_equal(back.kind, RECEIPT_PROMISE_YIELD);
    assert_string_equal(back.refund_to, "c.test");
    assert_string_equal(back.outputs[0].receiver_id, "b.test");
    assert_memory_equal(back.inputs[0], d, NEAR_HASH_LEN);
    assert_string_equal(back.actions[0].u.call.method_name, "cb");
    struct yb_buf b2;
    yb_buf_init(&b2, RECEIPT_MAX_ENCODED);
    assert_int_equal(receipt_encode(&b2, &back), YB_OK);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len);
    /* every truncation is refused, never read past the end */
    for (size_t n = 0; n < b.len; n++) {
        struct receipt t;
        assert_int_not_equal(receipt_decode(b.data, n, &t), YB_OK);
    }
    yb_buf_fini(&b);
    yb_buf_fini(&b2);
    receipt_fini(&back);
    receipt_fini(&r);
}

static void receipt_ids_follow_nearcore(void **state)
{
    (void)state;
    /* sha256(base ‖ height_le ‖ salt_le) computed by hand for one case */
    uint8_t base[NEAR_HASH_LEN];
    memset(base, 0x11, sizeof base);
    uint8_t in[NEAR_HASH_LEN + 16];
    memcpy(in, base, NEAR_HASH_LEN);
    uint64_t h = 0x0102030405060708ULL;
    for (int i = 0; i < 8; i++) {
        in[NEAR_HASH_LEN + i] = (uint8_t)(h >> (8 * i));
        in[NEAR_HASH_LEN + 8 + i] = i == 0 ? 3 : 0;
    }
    uint8_t want[NEAR_HASH_LEN], got[NEAR_HASH_LEN];
    crypto_sha256(in, sizeof in, want);
    receipt_id_from_parent(base, h, 3, got);
    assert_memory_equal(got, want, NEAR_HASH_LEN);
    /* the tx's receipt is salt 0; action hashes count down from u64::MAX */
    receipt_id_from_tx(base, h, got);
    receipt_hash_id(base, h, 0, want);
    assert_memory_equal(got, want, NEAR_HASH_LEN);
    receipt_action_hash(base, h, 1, got);
    receipt_hash_id(base, h, UINT64_MAX - 1, want);
    assert_memory_equal(got, want, NEAR_HASH_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(account_round_trip),
        T(data_keys_of_every_length_up_to_2k),
        T(received_data_is_an_option),
        T(queues_are_fifo),
        T(open_queue_flushes_its_indices_once),
        cmocka_unit_test(receipts_round_trip_through_borsh),
        cmocka_unit_test(receipt_ids_follow_nearcore),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
