/*
 * patch.h — sandbox_patch_state: write nearcore StateRecords (reference/nep519.md §10,
 * near-rpc.md §8.10) into the state, as the node does at the start of the next block.
 *
 * Supported records: {"Account":{"account_id","account":{"amount","locked","code_hash",
 * "storage_usage"}}}, {"AccessKey":{"account_id","public_key","access_key":{...}}},
 * {"Contract":{"account_id","code":<base64>}}, {"Data":{"account_id","data_key":<base64>,
 * "value":<base64>}}. As in nearcore, records are written as given (storage usage is not
 * recomputed), with one convenience: a Contract record also sets the code hash of an existing
 * account, so the code can be called without a matching Account record. Other record kinds
 * (ReceivedData, PostponedReceipt, DelayedReceipt) are refused.
 *
 * Thread rules: those of the txn.
 */
#ifndef YB_RUNTIME_PATCH_H
#define YB_RUNTIME_PATCH_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "runtime.h"
#include "store.h"

#define PATCH_ERR_MAX 160

/*
 * Applies every record of the JSON array `records` (borrowed) through txn (a write txn), in
 * order. On an invalid record nothing more is written, *applied (may be NULL) counts the
 * records written before it, and err (may be NULL) receives a message naming the record.
 * The caller aborts the txn (or a nested one) to drop the earlier records too.
 * Errors: YB_EJSON_TYPE / YB_EJSON_MISSING / YB_ENOTSUP / YB_EACCOUNT_* / YB_EBASE64 / ... for
 * a bad record, store errors.
 */
int patch_apply(struct runtime *rt, struct store_txn *txn, const cJSON *records, size_t *applied,
                char err[PATCH_ERR_MAX]);

#endif
