/*
 * yield_queue.c — the yield timeout queue and parked yield receipts (see yield_queue.h).
 */
#include "yield_queue.h"

#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "err.h"
#include "mem.h"
#include "state.h"

/* PromiseYieldTimeout{account_id, data_id, expires_at} in Borsh, as nearcore stores it. */
#define ENTRY_MAX (4 + NEAR_ACCOUNT_ID_MAX + NEAR_HASH_LEN + 8)

int yield_queue_push(struct store_txn *txn, const char *acc, const uint8_t data_id[NEAR_HASH_LEN],
                     uint64_t expires_at)
{
    struct yb_buf b;
    yb_buf_init(&b, ENTRY_MAX);
    int rc = near_account_encode(&b, acc);
    if (rc == YB_OK) {
        rc = borsh_write_fixed(&b, data_id, NEAR_HASH_LEN);
    }
    if (rc == YB_OK) {
        rc = borsh_write_u64(&b, expires_at);
    }
    if (rc == YB_OK) {
        rc = state_queue_push(txn, STATE_COL_YIELD_QUEUE, b.data, b.len);
    }
    yb_buf_fini(&b);
    return rc;
}

int yield_queue_pop_expired(struct store_txn *txn, uint64_t height, yield_queue_fn fn, void *ctx,
                            size_t *n_popped)
{
    size_t popped = 0;
    int rc = YB_OK;
    for (;;) {
        struct state_queue_indices q;
        rc = state_queue_indices(txn, STATE_COL_YIELD_QUEUE, &q);
        if (rc != YB_OK || q.first >= q.next) {
            break;
        }
        uint8_t *v = NULL;
        size_t n = 0;
        rc = state_queue_get(txn, STATE_COL_YIELD_QUEUE, q.first, &v, &n);
        if (rc != YB_OK) {
            break;
        }
        struct borsh_reader r;
        borsh_reader_init(&r, v, n);
        char *acc = NULL;
        uint8_t data_id[NEAR_HASH_LEN];
        uint64_t expires_at = 0;
        rc = near_account_decode(&r, &acc);
        if (rc == YB_OK) {
            rc = borsh_read_fixed(&r, data_id, NEAR_HASH_LEN);
        }
        if (rc == YB_OK) {
            rc = borsh_read_u64(&r, &expires_at);
        }
        free(v);
        if (rc != YB_OK) {
            free(acc);
            rc = YB_EMALFORMED;
            break;
        }
        if (expires_at > height) {
            /* ordered queue: nothing behind this entry has expired either */
            free(acc);
            break;
        }
        rc = fn(ctx, acc, data_id);
        free(acc);
        if (rc != YB_OK) {
            break;
        }
        rc = state_queue_pop(txn, STATE_COL_YIELD_QUEUE);
        if (rc != YB_OK) {
            break;
        }
        popped++;
    }
    if (n_popped) {
        *n_popped = popped;
    }
    return rc;
}

int yield_queue_len(struct store_txn *txn, uint64_t *out)
{
    struct state_queue_indices q;
    int rc = state_queue_indices(txn, STATE_COL_YIELD_QUEUE, &q);
    if (rc == YB_OK) {
        *out = q.next - q.first;
    }
    return rc;
}

int yield_park(struct store_txn *txn, const struct receipt *r)
{
    if (r->kind != RECEIPT_PROMISE_YIELD || r->n_inputs != 1) {
        return YB_EINVAL;
    }
    struct yb_buf b;
    yb_buf_init(&b, RECEIPT_MAX_ENCODED);
    int rc = receipt_encode(&b, r);
    if (rc == YB_OK) {
        rc =
            state_id_set(txn, STATE_COL_YIELD_RECEIPT, r->receiver_id, r->inputs[0], b.data, b.len);
    }
    yb_buf_fini(&b);
    return rc;
}

int yield_unpark(struct store_txn *txn, const char *acc, const uint8_t data_id[NEAR_HASH_LEN],
                 struct receipt *out)
{
    uint8_t *v = NULL;
    size_t n = 0;
    int rc = state_id_get(txn, STATE_COL_YIELD_RECEIPT, acc, data_id, &v, &n);
    if (rc != YB_OK) {
        return rc;
    }
    rc = receipt_decode(v, n, out);
    free(v);
    if (rc != YB_OK) {
        return rc;
    }
    rc = state_id_remove(txn, STATE_COL_YIELD_RECEIPT, acc, data_id);
    if (rc == YB_OK) {
        rc = state_id_remove(txn, STATE_COL_YIELD_STATUS, acc, data_id);
        rc = rc == YB_ENOTFOUND ? YB_OK : rc;
    }
    /* yields made with an explicit id (PV 85) also drop both id maps */
    uint8_t *yid = NULL;
    size_t yn = 0;
    if (rc == YB_OK &&
        state_id_get(txn, STATE_COL_DATA_TO_YIELD, acc, data_id, &yid, &yn) == YB_OK) {
        if (yn == NEAR_HASH_LEN) {
            rc = state_id_remove(txn, STATE_COL_YIELD_TO_DATA, acc, yid);
            rc = rc == YB_ENOTFOUND ? YB_OK : rc;
        }
        if (rc == YB_OK) {
            rc = state_id_remove(txn, STATE_COL_DATA_TO_YIELD, acc, data_id);
        }
        free(yid);
    }
    if (rc != YB_OK) {
        receipt_fini(out);
    }
    return rc;
}
