/*
 * fuzz_receipt.c — receipt_decode on arbitrary bytes (receipts are read back from the store and
 * would be read from peers): never crashes or leaks, and whatever decodes re-encodes to bytes
 * that decode to the same encoding again (the stored form is stable).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct receipt r;
    if (receipt_decode(data, size, &r) != YB_OK) {
        return 0;
    }
    struct yb_buf a, b;
    yb_buf_init(&a, RECEIPT_MAX_ENCODED);
    yb_buf_init(&b, RECEIPT_MAX_ENCODED);
    if (receipt_encode(&a, &r) != YB_OK) {
        abort();
    }
    struct receipt again;
    if (receipt_decode(a.data, a.len, &again) != YB_OK) {
        abort();
    }
    if (receipt_encode(&b, &again) != YB_OK || a.len != b.len || memcmp(a.data, b.data, a.len)) {
        abort();
    }
    receipt_fini(&again);
    receipt_fini(&r);
    yb_buf_fini(&a);
    yb_buf_fini(&b);
    return 0;
}
