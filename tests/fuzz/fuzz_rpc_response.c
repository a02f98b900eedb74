/*
 * fuzz_rpc_response — what a hostile or broken JSON-RPC server can send. The first two bytes
 * pick the HTTP status, the rest is the body. rpc_parse_response must return one of its
 * documented errors, hand back a result only on success and an error object only on YB_ERPC,
 * and leak nothing (the typed JSON getters run on whatever came back).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks a result the way callers do, so the getters see arbitrary trees. */
static void touch(const cJSON *v)
{
    const char *s = NULL;
    uint64_t u = 0;
    yb_u128 b = 0;
    bool f = false;
    const cJSON *o = NULL;
    json_get_str(v, "block_hash", &s);
    json_get_u64(v, "block_height", &u);
    json_get_u128(v, "amount", &b);
    json_opt_bool(v, "final", false, &f);
    json_opt_object(v, "status", &o);
    json_opt_array(v, "logs", &o);
    const cJSON *item = NULL;
    cJSON_ArrayForEach(item, v)
    {
        json_as_u64(item, &u);
        json_as_u128(item, &b);
        json_as_str(item, &s);
        uint8_t *bytes = NULL;
        size_t n = 0;
        if (json_as_byte_array(item, 64, &bytes, &n) == YB_OK) {
            free(bytes);
        }
        if (json_as_base64(item, 64, &bytes, &n) == YB_OK) {
            free(bytes);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    /* Mostly 200, sometimes another status. */
    long status = data[0] < 200 ? 200 : 100 + (long)data[0] * 2 + (data[1] & 1);
    const char *body = (const char *)data + 2;
    size_t len = size - 2;
    cJSON *result = NULL;
    struct rpc_error err;
    int rc = rpc_parse_response(status, body, len, 1 << 16, 7, &result, &err);
    switch (rc) {
    case YB_OK:
        if (result == NULL || err.object != NULL) {
            abort();
        }
        touch(result);
        break;
    case YB_ERPC:
        if (result != NULL || !cJSON_IsObject(err.object)) {
            abort();
        }
        touch(err.object);
        touch(err.cause_info);
        break;
    case YB_EJSON:
    case YB_EHTTP:
    case YB_EMALFORMED:
    case YB_ETOOBIG:
        if (result != NULL || err.object != NULL) {
            abort();
        }
        break;
    default:
        abort();
    }
    if (err.http_status != status) {
        abort();
    }
    cJSON_Delete(result);
    rpc_error_fini(&err);
    return 0;
}
