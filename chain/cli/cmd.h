/*
 * cmd.h — the commands of `yb`, one struct cmd_entry each (defined in cmd_*.c, listed in
 * main.c's table).
 */
#ifndef YB_CLI_CMD_H
#define YB_CLI_CMD_H

#include "cli.h"

extern const struct cmd_entry cmd_ask_entry;
extern const struct cmd_entry cmd_ask_pending_entry;
extern const struct cmd_entry cmd_ask_request_entry;
extern const struct cmd_entry cmd_tx_entry;
extern const struct cmd_entry cmd_tx_view_entry;
extern const struct cmd_entry cmd_tx_call_entry;
extern const struct cmd_entry cmd_tx_deploy_entry;
extern const struct cmd_entry cmd_account_entry;
extern const struct cmd_entry cmd_account_keys_entry;
extern const struct cmd_entry cmd_chain_blocks_entry;
extern const struct cmd_entry cmd_chain_fast_forward_entry;
extern const struct cmd_entry cmd_chain_watch_entry;
extern const struct cmd_entry cmd_race_entry;

/*
 * cmd_ask.c's helpers, shared with `yb race`.
 *
 * cmd_ask_find_event: the data[0] object of the first NEP-297 log `EVENT_JSON:{... "event":
 * event ...}` among a tx result's receipt outcomes (borrowed); *data returned. YB_ENOTFOUND if
 * none.
 *
 * cmd_ask_wait_final: polls `tx` (wait_until NONE) and `status` every ASK_POLL_MS until the
 * transaction hash (b58) sent by signer has a final status; *value or *failure returned as
 * cli_tx_final gives them, *tx_result (may be NULL) the last tx result. With progress, prints
 * the height and the blocks left before the request's timeout as they change. Errors: the
 * connection's (reported).
 */
int cmd_ask_find_event(const cJSON *tx_result, const char *event, cJSON **data);
int cmd_ask_wait_final(struct cli *cli, const char *hash, const char *signer, bool progress,
                       cJSON **value, cJSON **failure, cJSON **tx_result);

/* Prints `yb NAME --help` for e. */
void cmd_print_help(const struct cmd_entry *e);
/* True when argv has --help or -h (the command then prints its help and exits 0). */
int cmd_wants_help(int argc, char **argv);

#endif
