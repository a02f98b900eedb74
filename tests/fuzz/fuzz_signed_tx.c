/*
 * fuzz_signed_tx — SignedTransaction decoding on arbitrary bytes. Decoding must either fail
 * with a named error and hand back nothing, or succeed on input that re-encodes to exactly the
 * same bytes with a stable hash. The JSON view, verification and deep copies run on every
 * decoded transaction so the sanitizers see them too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "tx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_actions_copy(const struct tx *tx, const struct yb_buf *want)
{
    struct tx copy = *tx;
    copy.actions = tx->n_actions ? calloc(tx->n_actions, sizeof *copy.actions) : NULL;
    for (size_t i = 0; i < tx->n_actions; i++) {
        tx_action_copy(&copy.actions[i], &tx->actions[i]);
    }
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    if (tx_encode(&b, &copy) != YB_OK || b.len > want->len ||
        memcmp(b.data, want->data, b.len) != 0) {
        abort();
    }
    yb_buf_fini(&b);
    tx_actions_free(copy.actions, copy.n_actions);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (crypto_init() != YB_OK) {
            abort();
        }
        ready = 1;
    }
    struct tx_signed *st = NULL;
    int rc = tx_decode_signed(data, size, &st);
    if (rc != YB_OK) {
        if (st != NULL || rc <= YB_OK || rc >= YB_ERR__COUNT) {
            abort();
        }
        return 0;
    }
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    if (tx_signed_encode(&b, st) != YB_OK || b.len != size || memcmp(b.data, data, size) != 0) {
        abort();
    }
    uint8_t h[32];
    if (st->size != size || tx_hash(&st->tx, h) != YB_OK || memcmp(h, st->hash, 32) != 0) {
        abort();
    }
    check_actions_copy(&st->tx, &b);
    rc = tx_signed_verify(st);
    if (rc != YB_OK && rc != YB_EBADSIG) {
        abort();
    }
    cJSON *j = tx_signed_to_json(st);
    char *s = cJSON_PrintUnformatted(j);
    if (s == NULL) {
        abort();
    }
    free(s);
    cJSON_Delete(j);
    yb_buf_fini(&b);
    tx_signed_free(st);
    return 0;
}
