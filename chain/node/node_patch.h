/*
 * node_patch.h — sandbox_patch_state: nearcore StateRecord JSON objects written into the state
 * (Account, Data, Contract, AccessKey). Storage usage is taken as given (Account records carry
 * it); Data and AccessKey records do not adjust it, as nearcore's sandbox does not either.
 */
#ifndef YB_NODE_PATCH_H
#define YB_NODE_PATCH_H

#include <cJSON.h>

#include "runtime.h"
#include "store.h"

#define NODE_PATCH_MAX_RECORDS 10000u

/*
 * Applies the records array (borrowed) through txn (borrowed write txn) — or, with txn NULL,
 * only validates it. Errors: YB_EJSON_TYPE / YB_EJSON_MISSING / YB_EINVAL (malformed record or
 * unknown kind), YB_ETOOBIG (over NODE_PATCH_MAX_RECORDS), YB_EACCOUNT_*, YB_EBASE64,
 * YB_EBASE58, store errors (then the caller aborts txn).
 */
int node_patch_apply(struct store_txn *txn, struct runtime *rt, const cJSON *records);

#endif
