/*
 * main.c — `yb`, the yieldbox client: global options, the command table, dispatch.
 *
 * Global options may appear anywhere on the line (before or after the command); everything
 * else is handed to the command, which parses its own options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "crypto.h"
#include "err.h"
#include "log.h"
#include "rpc.h"

static const struct cmd_entry *const cmd_table[] = {
    &cmd_ask_entry,          &cmd_ask_pending_entry,        &cmd_ask_request_entry,
    &cmd_tx_entry,           &cmd_chain_watch_entry,        &cmd_tx_view_entry,
    &cmd_tx_call_entry,      &cmd_tx_deploy_entry,          &cmd_account_entry,
    &cmd_account_keys_entry, &cmd_chain_fast_forward_entry, &cmd_chain_blocks_entry,
    &cmd_race_entry,
};
#define CMD_COUNT (sizeof cmd_table / sizeof cmd_table[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: yb [--rpc URL] [--home DIR] [--json] [--events URL] COMMAND [ARGS]\n\n"
                 "The yieldbox client: ask the assistant contract, inspect requests and\n"
                 "transactions, call and deploy contracts, drive a manual-mode chain, and\n"
                 "test timeout-versus-response races.\n\ncommands:\n");
    for (size_t i = 0; i < CMD_COUNT; i++) {
        fprintf(out, "  %-13s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
    }
    fprintf(out, "\nglobal options:\n"
                 "  --rpc URL     the chain's JSON-RPC (default " CLI_DEFAULT_RPC ")\n"
                 "  --home DIR    the yieldbox home; keys in DIR/keys/<account>.json\n"
                 "                (default $YB_HOME, else " CLI_DEFAULT_HOME ")\n"
                 "  --json        machine-readable output on stdout\n"
                 "  --events URL  the chain's event socket (default " CLI_DEFAULT_EVENTS ")\n\n"
                 "`yb COMMAND --help` describes one command.\n");
}

void cmd_print_help(const struct cmd_entry *e)
{
    printf("usage: yb %s%s%s\n\n%s\n", e->name, e->usage[0] ? " " : "", e->usage, e->summary);
    if (e->help) {
        printf("\n%s", e->help);
    }
}

int cmd_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cli cli = {
        .rpc_url = CLI_DEFAULT_RPC,
        .events_url = CLI_DEFAULT_EVENTS,
        .home = CLI_DEFAULT_HOME,
    };
    const char *env_home = getenv("YB_HOME");
    if (env_home && env_home[0]) {
        cli.home = env_home;
    }
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest) {
        return 1;
    }
    /* Global options are taken out wherever they are; a value-less one is a usage error. */
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--rpc") == 0) {
            slot = &cli.rpc_url;
        } else if (strcmp(argv[i], "--home") == 0) {
            slot = &cli.home;
        } else if (strcmp(argv[i], "--events") == 0) {
            slot = &cli.events_url;
        } else if (strcmp(argv[i], "--json") == 0) {
            cli.json = true;
            continue;
        }
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "yb: %s needs a value\n", argv[i]);
                free(rest);
                return 2;
            }
            *slot = argv[++i];
            continue;
        }
        rest[nrest++] = argv[i];
    }
    cli.tty = isatty(STDOUT_FILENO) == 1;

    if (nrest == 0 || strcmp(rest[0], "--help") == 0 || strcmp(rest[0], "-h") == 0 ||
        strcmp(rest[0], "help") == 0) {
        usage(nrest == 0 ? stderr : stdout);
        free(rest);
        return nrest == 0 ? 2 : 0;
    }
    const struct cmd_entry *e = NULL;
    for (size_t i = 0; i < CMD_COUNT; i++) {
        if (strcmp(cmd_table[i]->name, rest[0]) == 0) {
            e = cmd_table[i];
        }
    }
    if (!e) {
        fprintf(stderr, "yb: unknown command \"%s\"; `yb --help` lists them\n", rest[0]);
        free(rest);
        return 2;
    }
    if (cmd_wants_help(nrest, rest)) {
        cmd_print_help(e);
        free(rest);
        return 0;
    }
    log_set_component("yb");
    log_set_level(LOG_LEVEL_WARN);
    if (crypto_init() != YB_OK || rpc_global_init() != YB_OK) {
        fprintf(stderr, "yb: cannot initialise libsodium/libcurl\n");
        free(rest);
        return 1;
    }
    int rc = e->exec(&cli, nrest, rest);
    cli_fini(&cli);
    rpc_global_cleanup();
    free(rest);
    return rc == YB_OK ? 0 : 1;
}
