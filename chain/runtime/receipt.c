/*
 * receipt.c — receipt lifecycle, Borsh form and id derivation (see receipt.h).
 */
#include "receipt.h"

#include <stdlib.h>
#include <string.h>

#include "borsh.h"
#include "crypto.h"
#include "err.h"
#include "mem.h"

/* Tags of the V2 action receipts (ActionReceiptV2 adds refund_to). */
#define TAG_ACTION_V2        5
#define TAG_PROMISE_YIELD_V2 6

void receipt_init(struct receipt *r)
{
    memset(r, 0, sizeof *r);
}

void receipt_fini(struct receipt *r)
{
    free(r->predecessor_id);
    free(r->receiver_id);
    free(r->signer_id);
    for (size_t i = 0; i < r->n_outputs; i++) {
        free(r->outputs[i].receiver_id);
    }
    free(r->outputs);
    free(r->inputs);
    tx_actions_free(r->actions, r->n_actions);
    free(r->refund_to);
    free(r->data);
    memset(r, 0, sizeof *r);
}

static char *dup_or_null(const char *s)
{
    return s ? yb_xstrdup(s) : NULL;
}

void receipt_copy(struct receipt *dst, const struct receipt *src)
{
    *dst = *src;
    dst->predecessor_id = dup_or_null(src->predecessor_id);
    dst->receiver_id = dup_or_null(src->receiver_id);
    dst->signer_id = dup_or_null(src->signer_id);
    dst->refund_to = dup_or_null(src->refund_to);
    dst->outputs = NULL;
    dst->inputs = NULL;
    dst->actions = NULL;
    dst->data = NULL;
    if (src->n_outputs > 0) {
        dst->outputs = yb_xcalloc(src->n_outputs, sizeof *dst->outputs);
        for (size_t i = 0; i < src->n_outputs; i++) {
            memcpy(dst->outputs[i].data_id, src->outputs[i].data_id, NEAR_HASH_LEN);
            dst->outputs[i].receiver_id = yb_xstrdup(src->outputs[i].receiver_id);
        }
    }
    if (src->n_inputs > 0) {
        dst->inputs = yb_xcalloc(src->n_inputs, sizeof *dst->inputs);
        memcpy(dst->inputs, src->inputs, src->n_inputs * sizeof *dst->inputs);
    }
    if (src->n_actions > 0) {
        dst->actions = yb_xcalloc(src->n_actions, sizeof *dst->actions);
        for (size_t i = 0; i < src->n_actions; i++) {
            tx_action_copy(&dst->actions[i], &src->actions[i]);
        }
    }
    if (src->data_len > 0) {
        dst->data = yb_xmalloc(src->data_len);
        memcpy(dst->data, src->data, src->data_len);
    }
}

const char *receipt_refund_receiver(const struct receipt *r)
{
    return r->refund_to ? r->refund_to : r->predecessor_id;
}

bool receipt_is_action(const struct receipt *r)
{
    return r->kind == RECEIPT_ACTION || r->kind == RECEIPT_PROMISE_YIELD;
}

void receipt_add_output(struct receipt *r, const uint8_t data_id[NEAR_HASH_LEN],
                        const char *receiver_id)
{
    r->outputs = yb_xrealloc(r->outputs, (r->n_outputs + 1) * sizeof *r->outputs);
    memcpy(r->outputs[r->n_outputs].data_id, data_id, NEAR_HASH_LEN);
    r->outputs[r->n_outputs].receiver_id = yb_xstrdup(receiver_id);
    r->n_outputs++;
}

void receipt_add_input(struct receipt *r, const uint8_t data_id[NEAR_HASH_LEN])
{
    r->inputs = yb_xrealloc(r->inputs, (r->n_inputs + 1) * sizeof *r->inputs);
    memcpy(r->inputs[r->n_inputs], data_id, NEAR_HASH_LEN);
    r->n_inputs++;
}

void receipt_add_action(struct receipt *r, struct tx_action *a)
{
    r->actions = yb_xrealloc(r->actions, (r->n_actions + 1) * sizeof *r->actions);
    r->actions[r->n_actions] = *a;
    r->n_actions++;
    memset(a, 0, sizeof *a);
}

/* ---- Borsh ---- */

static int encode_action_body(struct yb_buf *b, const struct receipt *r)
{
    int rc = near_account_encode(b, r->signer_id);
    if (rc == YB_OK) {
        rc = near_pubkey_encode(b, &r->signer_pk);
    }
    if (rc == YB_OK) {
        rc = borsh_write_u128(b, r->gas_price);
    }
    if (rc == YB_OK) {
        rc = borsh_write_u32(b, (uint32_t)r->n_outputs);
    }
    for (size_t i = 0; rc == YB_OK && i < r->n_outputs; i++) {
        rc = borsh_write_fixed(b, r->outputs[i].data_id, NEAR_HASH_LEN);
        if (rc == YB_OK) {
            rc = near_account_encode(b, r->outputs[i].receiver_id);
        }
    }
    if (rc == YB_OK) {
        rc = borsh_write_u32(b, (uint32_t)r->n_inputs);
    }
    for (size_t i = 0; rc == YB_OK && i < r->n_inputs; i++) {
        rc = borsh_write_fixed(b, r->inputs[i], NEAR_HASH_LEN);
    }
    if (rc == YB_OK) {
        rc = tx_actions_encode(b, r->actions, r->n_actions);
    }
    if (rc == YB_OK && r->refund_to) {
        rc = borsh_write_option(b, true);
        if (rc == YB_OK) {
            rc = near_account_encode(b, r->refund_to);
        }
    }
    return rc;
}

int receipt_encode(struct yb_buf *b, const struct receipt *r)
{
    int rc = near_account_encode(b, r->predecessor_id);
    if (rc == YB_OK) {
        rc = near_account_encode(b, r->receiver_id);
    }
    if (rc == YB_OK) {
        rc = borsh_write_fixed(b, r->id, NEAR_HASH_LEN);
    }
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t tag = (uint8_t)r->kind;
    if (receipt_is_action(r) && r->refund_to) {
        tag = r->kind == RECEIPT_ACTION ? TAG_ACTION_V2 : TAG_PROMISE_YIELD_V2;
    }
    rc = borsh_write_u8(b, tag);
    if (rc != YB_OK) {
        return rc;
    }
    if (receipt_is_action(r)) {
        return encode_action_body(b, r);
    }
    rc = borsh_write_fixed(b, r->data_id, NEAR_HASH_LEN);
    if (rc == YB_OK) {
        rc = borsh_write_option(b, r->has_data);
    }
    if (rc == YB_OK && r->has_data) {
        rc = borsh_write_bytes(b, r->data, r->data_len);
    }
    return rc;
}

static int decode_action_body(struct borsh_reader *rd, struct receipt *r, bool v2)
{
    int rc = near_account_decode(rd, &r->signer_id);
    if (rc == YB_OK) {
        rc = near_pubkey_decode(rd, &r->signer_pk);
    }
    if (rc == YB_OK) {
        rc = borsh_read_u128(rd, &r->gas_price);
    }
    size_t n = 0;
    if (rc == YB_OK) {
        rc = borsh_read_vec_len(rd, RECEIPT_MAX_OUTPUTS, NEAR_HASH_LEN + 4 + NEAR_ACCOUNT_ID_MIN,
                                &n);
    }
    if (rc == YB_OK && n > 0) {
        r->outputs = yb_xcalloc(n, sizeof *r->outputs);
        for (size_t i = 0; rc == YB_OK && i < n; i++) {
            rc = borsh_read_fixed(rd, r->outputs[i].data_id, NEAR_HASH_LEN);
            if (rc == YB_OK) {
                rc = near_account_decode(rd, &r->outputs[i].receiver_id);
            }
            /* count what was allocated so receipt_fini frees exactly that */
            r->n_outputs = i + 1;
        }
    }
    if (rc == YB_OK) {
        rc = borsh_read_vec_len(rd, RECEIPT_MAX_INPUTS, NEAR_HASH_LEN, &n);
    }
    if (rc == YB_OK && n > 0) {
        r->inputs = yb_xcalloc(n, sizeof *r->inputs);
        r->n_inputs = n;
        for (size_t i = 0; rc == YB_OK && i < n; i++) {
            rc = borsh_read_fixed(rd, r->inputs[i], NEAR_HASH_LEN);
        }
    }
    if (rc == YB_OK) {
        rc = tx_actions_decode(rd, &r->actions, &r->n_actions);
    }
    if (rc == YB_OK && v2) {
        bool present = false;
        rc = borsh_read_option(rd, &present);
        if (rc == YB_OK && present) {
            rc = near_account_decode(rd, &r->refund_to);
        }
    }
    return rc;
}

int receipt_decode(const uint8_t *p, size_t n, struct receipt *out)
{
    struct receipt r;
    receipt_init(&r);
    struct borsh_reader rd;
    borsh_reader_init(&rd, p, n);
    int rc = near_account_decode(&rd, &r.predecessor_id);
    if (rc == YB_OK) {
        rc = near_account_decode(&rd, &r.receiver_id);
    }
    if (rc == YB_OK) {
        rc = borsh_read_fixed(&rd, r.id, NEAR_HASH_LEN);
    }
    uint8_t tag = 0;
    if (rc == YB_OK) {
        rc = borsh_read_u8(&rd, &tag);
    }
    if (rc == YB_OK) {
        switch (tag) {
        case RECEIPT_ACTION:
        case RECEIPT_PROMISE_YIELD:
            r.kind = (enum receipt_kind)tag;
            rc = decode_action_body(&rd, &r, false);
            break;
        case TAG_ACTION_V2:
            r.kind = RECEIPT_ACTION;
            rc = decode_action_body(&rd, &r, true);
            break;
        case TAG_PROMISE_YIELD_V2:
            r.kind = RECEIPT_PROMISE_YIELD;
            rc = decode_action_body(&rd, &r, true);
            break;
        case RECEIPT_DATA:
        case RECEIPT_PROMISE_RESUME:
            r.kind = (enum receipt_kind)tag;
            rc = borsh_read_fixed(&rd, r.data_id, NEAR_HASH_LEN);
            if (rc == YB_OK) {
                rc = borsh_read_option(&rd, &r.has_data);
            }
            if (rc == YB_OK && r.has_data) {
                rc = borsh_read_bytes_dup(&rd, RECEIPT_MAX_DATA, &r.data, &r.data_len);
            }
            break;
        default:
            rc = YB_EBORSH_TAG;
            break;
        }
    }
    if (rc == YB_OK) {
        rc = borsh_reader_finish(&rd);
    }
    if (rc != YB_OK) {
        receipt_fini(&r);
        return rc;
    }
    *out = r;
    return YB_OK;
}

/* ---- ids ---- */

static void put_u64_le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

void receipt_hash_id(const uint8_t base[NEAR_HASH_LEN], uint64_t height, uint64_t salt,
                     uint8_t out[NEAR_HASH_LEN])
{
    uint8_t buf[NEAR_HASH_LEN + 16];
    memcpy(buf, base, NEAR_HASH_LEN);
    put_u64_le(buf + NEAR_HASH_LEN, height);
    put_u64_le(buf + NEAR_HASH_LEN + 8, salt);
    crypto_sha256(buf, sizeof buf, out);
}

void receipt_id_from_tx(const uint8_t tx_hash[NEAR_HASH_LEN], uint64_t height,
                        uint8_t out[NEAR_HASH_LEN])
{
    receipt_hash_id(tx_hash, height, 0, out);
}

void receipt_id_from_parent(const uint8_t parent[NEAR_HASH_LEN], uint64_t height, uint64_t index,
                            uint8_t out[NEAR_HASH_LEN])
{
    receipt_hash_id(parent, height, index, out);
}

void receipt_action_hash(const uint8_t receipt_id[NEAR_HASH_LEN], uint64_t height,
                         uint64_t action_index, uint8_t out[NEAR_HASH_LEN])
{
    receipt_hash_id(receipt_id, height, UINT64_MAX - action_index, out);
}
