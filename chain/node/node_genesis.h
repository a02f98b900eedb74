/*
 * node_genesis.h — `yb-chain init`: a new home with keys, config and a genesis.
 *
 * Accounts (balances in NEAR): test.near (root, 1,000,000,000), assistant.test.near (100, the
 * assistant contract deployed and initialised by block 1: init({"owner_id":"test.near",
 * "oracle_ids":["oracle.test.near"],"timeout_blocks":<yield_timeout>}) signed by the contract
 * account itself, as init is private), oracle.test.near (100; its only key is a FunctionCall
 * access key for `respond` on assistant.test.near with unlimited allowance — a long-running
 * oracle would exhaust a fixed allowance), user.test.near (1,000). Every account but the oracle
 * has one FullAccess key. Keys: HOME/keys/<account>.json (NEAR credential files, mode 0600).
 */
#ifndef YB_NODE_GENESIS_H
#define YB_NODE_GENESIS_H

#include <stdbool.h>

#include "node.h"

#define NODE_GENESIS_ROOT      "test.near"
#define NODE_GENESIS_ASSISTANT "assistant.test.near"
#define NODE_GENESIS_ORACLE    "oracle.test.near"
#define NODE_GENESIS_USER      "user.test.near"

/*
 * Creates cfg->home (0700) with keys/, config.json (from cfg) and data/ holding the genesis
 * block (height 0) and block 1 (the assistant's init). wasm_path (borrowed) is assistant.wasm.
 * Errors: YB_EEXIST (home already has data/ and force is false), YB_EBUSY (a yb-chain is
 * running on the home), YB_EIO, YB_ENOTFOUND (wasm),
 * YB_ETOOBIG, YB_ERUNTIME (the init call failed), store and runtime errors.
 */
int node_genesis_init(const struct node_config *cfg, const char *wasm_path, bool force);

#endif
