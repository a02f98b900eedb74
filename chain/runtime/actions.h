/*
 * actions.h — applying the actions of an action receipt (nearcore runtime/src/actions.rs) and
 * their fees.
 *
 * Each action is checked (actor permission, account existence) and applied to the receipt's
 * nested txn and its in-memory account. A failing action records an ActionError in the
 * exec_state (index = the action's position) and the caller stops there and rolls back.
 *
 * Thread rules: those of the txn.
 */
#ifndef YB_RUNTIME_ACTIONS_H
#define YB_RUNTIME_ACTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "runtime_int.h"
#include "tx.h"

/* The send part of an action's fee, sir = sender is receiver. A Transfer to a NEAR-implicit
 * receiver also pays for creating that account and its key, as nearcore charges it whether or
 * not the account exists yet. cfg, a and receiver borrowed. */
uint64_t actions_send_fee(const struct config_runtime *cfg, const struct tx_action *a,
                          const char *receiver, bool sir);
/* The execution part of an action's fee (same rule for implicit receivers). */
uint64_t actions_exec_fee(const struct config_runtime *cfg, const struct tx_action *a,
                          const char *receiver);
/* The deposit an action attaches (Transfer, FunctionCall), else 0. */
yb_u128 actions_deposit(const struct tx_action *a);

/*
 * Applies action `index` of es->r. YB_OK means "judged": es->failure is set when the action
 * failed. Errors (store, corrupt state) abort the whole block.
 */
int actions_apply(struct exec_state *es, size_t index);

/* Storage bytes an access key record takes (nearcore: key + value + 40). */
uint64_t actions_access_key_bytes(const struct config_runtime *cfg, const struct near_pubkey *pk,
                                  const struct tx_access_key *ak);

#endif
