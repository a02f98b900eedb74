/*
 * ext.h — rt-host's struct logic_ext_ops implemented over the store: contract storage of the
 * current account, yield status, parked-yield lookup and yield-id maps, all inside the
 * executing receipt's nested write txn (or a snapshot for view calls, where writes fail).
 *
 * Thread rules: those of the txn.
 */
#ifndef YB_RUNTIME_EXT_H
#define YB_RUNTIME_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "logic.h"
#include "store.h"

/* Caller-owned; ext_init/ext_fini. Values handed to logic are borrowed from the store, valid
 * until the next write in the txn (which only another ext call can make), as logic.h requires. */
struct ext {
    struct store_txn *txn; /* borrowed */
    const char *account;   /* borrowed: the current account */
};

/* The ops table to put in logic_ctx.ext, with &ext as ext_ctx. */
extern const struct logic_ext_ops ext_ops;

void ext_init(struct ext *e, struct store_txn *txn, const char *account);
void ext_fini(struct ext *e);

#endif
