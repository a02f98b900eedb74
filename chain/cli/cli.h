/*
 * cli.h — what every `yb` command shares: the global options, the JSON-RPC connection, the
 * home's credential files, signing and sending transactions, view calls, and error reporting
 * that tells the user what to do next.
 *
 * Every failure is reported once, where it is detected, through cli_fail (stderr, and a JSON
 * object on stdout with --json); functions then return a yb_err code and callers only pass it
 * up. So a command's exit status is 0 or 1, and the message is already out.
 *
 * Thread rules: single-threaded (the process has one struct cli).
 */
#ifndef YB_CLI_H
#define YB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "codec.h"
#include "keyfile.h"
#include "near.h"
#include "rpc.h"

#define CLI_DEFAULT_RPC      "http://127.0.0.1:3030"
#define CLI_DEFAULT_EVENTS   "tcp://127.0.0.1:3031"
#define CLI_DEFAULT_HOME     "./.yieldbox"
#define CLI_DEFAULT_SIGNER   "user.test.near"
#define CLI_DEFAULT_CONTRACT "assistant.test.near"
#define CLI_DEFAULT_GAS      (30ull * 1000000000000ull)  /* 30 Tgas: near-api-js's default */
#define CLI_ASK_GAS          (50ull * 1000000000000ull)  /* request needs >= 15 Tgas */
#define CLI_MAX_GAS          (300ull * 1000000000000ull) /* NEAR's max_total_prepaid_gas */
#define CLI_MAX_ARGS_LEN     (4u << 20)                  /* = TX_MAX_ARGS_LEN */
#define CLI_MAX_VIEW_RESULT  (4u << 20)                  /* bytes of a view result accepted */
#define CLI_PATH_MAX         4096

#define CLI_NONCE_CACHE 8 /* signers whose last nonce is remembered (yb race uses three) */

struct cli_nonce {
    char account[NEAR_ACCOUNT_ID_MAX + 1];
    uint64_t nonce; /* the last nonce this process sent for the account's key */
};

struct cli {
    const char *rpc_url;    /* borrowed from argv or the default */
    const char *events_url; /* borrowed */
    const char *home;       /* borrowed */
    bool json;              /* --json: machine output on stdout */
    bool tty;               /* stdout is a terminal */
    struct rpc_client rpc;
    bool rpc_ready;
    /* Several transactions of one signer may wait in the same block (yb race): the chain's
     * access-key nonce does not move until they run, so the next nonce is one past the larger
     * of the chain's and the last one sent (near-api-js caches it the same way). */
    struct cli_nonce nonces[CLI_NONCE_CACHE];
    size_t n_nonces;
};

/* A command as the table in main.c lists it (tmux's cmd_entry). */
struct cmd_entry {
    const char *name;
    const char *usage;   /* arguments after the name */
    const char *summary; /* one line for `yb --help` */
    const char *help;    /* the rest of `yb NAME --help`, may be NULL */
    /* argv[0] is the command name; global flags are already removed. Returns 0 or a yb_err
     * code after reporting it (cli_fail). */
    int (*exec)(struct cli *cli, int argc, char **argv);
};

/* ---- errors ---- */

/* Reports a failure: "yb: <message>" on stderr, and {"error":<message>,"code":<name>} on stdout
 * with --json. Returns rc, so `return cli_fail(cli, YB_EINVAL, "...")` reads naturally. */
int cli_fail(struct cli *cli, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports a failed RPC call (rc, err borrowed) with advice: an unreachable node names the URL
 * and how to start yb-chain; an unknown account says so. what (borrowed) says what was being
 * done ("viewing get_request"). Returns rc. */
int cli_fail_rpc(struct cli *cli, int rc, const struct rpc_error *err, const char *what);

/* ---- option helpers ---- */

/* If argv[*i] is `name` (e.g. "--as"), stores the next argument in *value and advances *i.
 * Returns 1 when matched, 0 when not, or -YB_EINVAL (reported) when the value is missing. */
int cli_opt_value(struct cli *cli, int argc, char **argv, int *i, const char *name,
                  const char **value);
/* "50T", "50Tgas", "300000000000000": gas units, at most CLI_MAX_GAS. Errors: YB_EINVAL
 * (reported). */
int cli_parse_gas(struct cli *cli, const char *s, uint64_t *out);
/* "0", "1000000000000000000000000" (yocto) or "2NEAR" / "0.5NEAR". Errors: YB_EINVAL. */
int cli_parse_deposit(struct cli *cli, const char *s, yb_u128 *out);
/* A decimal u64. Errors: YB_EINVAL (reported, naming `what`). */
int cli_parse_u64(struct cli *cli, const char *s, const char *what, uint64_t *out);
/* Checks an account id (reported with the rule broken). */
int cli_check_account(struct cli *cli, const char *account);
/* Checks that account exists on the chain (view_account), so a mistyped receiver is reported
 * before a transaction spends gas on it: "account X does not exist on this chain; ...". */
int cli_check_exists(struct cli *cli, const char *account);
/* Parses JSON arguments text (borrowed); on error reports the byte position with the text and
 * a caret under it. *out returned (cJSON_Delete). Errors: YB_EJSON, YB_ETOOBIG. */
int cli_parse_json_args(struct cli *cli, const char *text, cJSON **out);

/* ---- keys ---- */

/* HOME/keys/<account>.json into *out (keyfile_wipe after use). A missing file is reported as
 * "no key for X in HOME/keys; run yb-chain init or pass --home". */
int cli_load_key(struct cli *cli, const char *account, struct keyfile *out);

/* ---- JSON-RPC ---- */

/* The connection (created on first use). Errors: reported. */
int cli_rpc(struct cli *cli, const char *method, const cJSON *params, cJSON **result,
            const char *what);
/* As cli_rpc, but failures are not reported: the caller decides (err filled, rpc_error_fini). */
int cli_rpc_quiet(struct cli *cli, const char *method, const cJSON *params, cJSON **result,
                  struct rpc_error *err);
/* The head's height (`status`). */
int cli_head_height(struct cli *cli, uint64_t *height);
/* The chain's block mode from `status` (yb-chain's "node_mode": "interval", "on-demand",
 * "manual"); "" when the node does not say (a NEAR node). out gets at most cap bytes. */
int cli_chain_mode(struct cli *cli, char *out, size_t cap);
/* `query call_function` with finality final. args_json borrowed (NULL = "{}"). *result returned:
 * the parsed JSON value of the result bytes, or a JSON string when they are not JSON; *logs
 * (may be NULL) returned too (cJSON array). A contract panic is reported with its message. */
int cli_view(struct cli *cli, const char *contract, const char *method, const char *args_json,
             cJSON **result, cJSON **logs);

/* One function call to send (cli_send_call). */
struct cli_call {
    const char *signer;   /* whose key in HOME/keys signs */
    const char *receiver; /* the contract */
    const char *method;
    const char *args; /* JSON text; NULL = "{}" */
    uint64_t gas;
    yb_u128 deposit;
};

/*
 * Signs and sends a transaction from `signer` to `receiver` whose actions are built by
 * add_actions (called on the fresh tx; returns a yb_err). Nonce = the access key's + 1 (retried
 * once on InvalidNonce); block hash from `block` finality final. wait is a send_tx wait_until
 * ("NONE", "EXECUTED_OPTIMISTIC", "FINAL"). hash_out (may be NULL) gets the tx hash even when
 * the call then fails; *result (may be NULL) the send_tx result (returned).
 */
struct tx;
typedef int (*cli_actions_fn)(struct tx *tx, void *arg);
int cli_send_tx(struct cli *cli, const char *signer, const char *receiver, cli_actions_fn add,
                void *arg, const char *wait, uint8_t hash_out[NEAR_HASH_LEN], cJSON **result);
/* cli_send_tx with one FunctionCall. */
int cli_send_call(struct cli *cli, const struct cli_call *call, const char *wait,
                  uint8_t hash_out[NEAR_HASH_LEN], cJSON **result);
/* `tx` for hash (b58 text) sent by signer, with wait_until `wait`. *result returned. Failures
 * are not reported when quiet (an unknown tx is normal while polling). */
int cli_tx_status(struct cli *cli, const char *hash, const char *signer, const char *wait,
                  bool quiet, cJSON **result);
/* The final status of a tx result: "SuccessValue" bytes decoded into *value (returned, a JSON
 * value or a string), or the Failure object copied into *failure (returned). Both NULL: still
 * running ("Started"/"NotStarted"/no status). */
void cli_tx_final(const cJSON *tx_result, cJSON **value, cJSON **failure);
/* A Failure object in words: the "ExecutionError" text of a contract failure, a sentence for
 * the common action errors (account missing, no contract, method missing), else compact JSON.
 * Returned (free()). */
char *cli_failure_text(const cJSON *failure);

/* Sandbox controls: yb_produce_blocks {"count":n} and sandbox_fast_forward {"delta_height":n}. */
int cli_produce_blocks(struct cli *cli, uint64_t n);
int cli_fast_forward(struct cli *cli, uint64_t delta);

/* Releases the connection. */
void cli_fini(struct cli *cli);

#endif
