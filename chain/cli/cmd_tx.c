/*
 * cmd_tx.c — `yb tx`, `yb view`, `yb call`, `yb deploy`: transactions and contract calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "output.h"
#include "tx.h"

/* ---- yb tx HASH [--as SIGNER] ---- */

static int tx_exec(struct cli *cli, int argc, char **argv)
{
    const char *hash = NULL, *signer = CLI_DEFAULT_SIGNER;
    for (int i = 1; i < argc; i++) {
        int m = cli_opt_value(cli, argc, argv, &i, "--as", &signer);
        if (m < 0) {
            return -m;
        }
        if (m == 0 && !hash && argv[i][0] != '-') {
            hash = argv[i];
        } else if (m == 0) {
            return cli_fail(cli, YB_EINVAL, "tx: unexpected argument \"%s\"", argv[i]);
        }
    }
    if (!hash) {
        return cli_fail(cli, YB_EINVAL, "tx: which transaction? usage: yb tx HASH [--as SIGNER]");
    }
    uint8_t h[NEAR_HASH_LEN];
    if (near_hash_parse(hash, strlen(hash), h) != YB_OK) {
        return cli_fail(cli, YB_EINVAL, "tx: \"%s\" is not a transaction hash (base58, 32 bytes)",
                        hash);
    }
    cJSON *res = NULL;
    int rc = cli_tx_status(cli, hash, signer, "NONE", false, &res);
    if (rc != YB_OK) {
        return rc;
    }
    if (cli->json) {
        output_json(res);
    } else {
        output_outcome_tree(stdout, res);
    }
    cJSON_Delete(res);
    return YB_OK;
}

const struct cmd_entry cmd_tx_entry = {
    .name = "tx",
    .usage = "HASH [--as SIGNER]",
    .summary = "show a transaction's outcome tree: receipts, logs, gas, final status",
    .help = "  --as SIGNER   the account that sent it (default " CLI_DEFAULT_SIGNER ")\n",
    .exec = tx_exec,
};

/* ---- yb view ACCOUNT METHOD [JSON] ---- */

static int view_exec(struct cli *cli, int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        return cli_fail(cli, YB_EINVAL, "view: usage: yb view ACCOUNT METHOD [JSON]");
    }
    const char *args = argc == 4 ? argv[3] : "{}";
    cJSON *parsed = NULL;
    int rc = cli_check_account(cli, argv[1]);
    if (rc == YB_OK) {
        rc = cli_parse_json_args(cli, args, &parsed);
    }
    cJSON_Delete(parsed);
    if (rc != YB_OK) {
        return rc;
    }
    cJSON *result = NULL, *logs = NULL;
    rc = cli_view(cli, argv[1], argv[2], args, &result, &logs);
    if (rc != YB_OK) {
        return rc;
    }
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "result", result);
        cJSON_AddItemToObject(o, "logs", logs);
        output_json(o);
        cJSON_Delete(o);
        return YB_OK;
    }
    const cJSON *l = NULL;
    cJSON_ArrayForEach(l, logs)
    {
        if (cJSON_IsString(l)) {
            printf("log: %s\n", l->valuestring);
        }
    }
    output_value(result);
    cJSON_Delete(result);
    cJSON_Delete(logs);
    return YB_OK;
}

const struct cmd_entry cmd_tx_view_entry = {
    .name = "view",
    .usage = "ACCOUNT METHOD [JSON]",
    .summary = "call a view method (query call_function, finality final)",
    .help = "  JSON          the arguments, an object (default {})\n",
    .exec = view_exec,
};

/* ---- yb call ACCOUNT METHOD [JSON] [--as A] [--gas G] [--deposit D] ---- */

/*
 * In manual mode nothing runs until someone produces blocks, so waiting for the outcome would
 * hang: send with wait_until NONE instead and say how to go on. *manual tells the caller.
 */
static int wait_level(struct cli *cli, bool *manual)
{
    char mode[32];
    int rc = cli_chain_mode(cli, mode, sizeof mode);
    *manual = rc == YB_OK && strcmp(mode, "manual") == 0;
    return rc;
}

static void print_sent(struct cli *cli, const uint8_t hash[NEAR_HASH_LEN], const char *signer)
{
    char hs[NEAR_HASH_STR_MAX];
    near_hash_format(hash, hs);
    if (cli->json) {
        printf("{\"tx_hash\":\"%s\",\"signer\":\"%s\",\"final_execution_status\":\"NONE\"}\n", hs,
               signer);
    } else {
        printf(
            "sent transaction %s\nthe chain is in manual mode: produce blocks with `yb blocks 2`, "
            "then see the outcome with `yb tx %s --as %s`\n",
            hs, hs, signer);
    }
}

/* Prints a finished transaction: its value, or its failure (then returns YB_ERUNTIME). */
static int print_final(struct cli *cli, const cJSON *res, const uint8_t hash[NEAR_HASH_LEN])
{
    char hs[NEAR_HASH_STR_MAX];
    near_hash_format(hash, hs);
    cJSON *value = NULL, *failure = NULL;
    cli_tx_final(res, &value, &failure);
    int rc = YB_OK;
    if (cli->json) {
        output_json(res);
    } else {
        output_outcome_tree(stdout, res);
        printf("transaction %s\n", hs);
        if (value) {
            output_value(value);
        }
    }
    if (failure) {
        char *text = cli_failure_text(failure);
        rc = cli_fail(cli, YB_ERUNTIME, "transaction %s failed: %s", hs, text);
        free(text);
    }
    cJSON_Delete(value);
    cJSON_Delete(failure);
    return rc;
}

static int call_exec(struct cli *cli, int argc, char **argv)
{
    struct cli_call call = {.signer = CLI_DEFAULT_SIGNER, .gas = CLI_DEFAULT_GAS};
    const char *pos[3] = {0};
    int npos = 0, rc = YB_OK;
    for (int i = 1; i < argc && rc == YB_OK; i++) {
        const char *gas = NULL, *deposit = NULL;
        int m = cli_opt_value(cli, argc, argv, &i, "--as", &call.signer);
        if (m == 0) {
            m = cli_opt_value(cli, argc, argv, &i, "--gas", &gas);
        }
        if (m == 0) {
            m = cli_opt_value(cli, argc, argv, &i, "--deposit", &deposit);
        }
        if (m == 1 && gas) {
            rc = cli_parse_gas(cli, gas, &call.gas);
        } else if (m == 1 && deposit) {
            rc = cli_parse_deposit(cli, deposit, &call.deposit);
        }
        if (m < 0) {
            return -m;
        }
        if (m == 0) {
            if (npos == 3) {
                return cli_fail(cli, YB_EINVAL, "call: unexpected argument \"%s\"", argv[i]);
            }
            pos[npos++] = argv[i];
        }
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (npos < 2) {
        return cli_fail(cli, YB_EINVAL,
                        "call: usage: yb call ACCOUNT METHOD [JSON] [--as A] [--gas G] "
                        "[--deposit D]");
    }
    call.receiver = pos[0];
    call.method = pos[1];
    call.args = npos == 3 ? pos[2] : "{}";
    cJSON *parsed = NULL;
    rc = cli_parse_json_args(cli, call.args, &parsed);
    cJSON_Delete(parsed);
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t hash[NEAR_HASH_LEN];
    cJSON *res = NULL;
    bool manual = false;
    rc = cli_check_exists(cli, call.receiver);
    if (rc == YB_OK) {
        rc = wait_level(cli, &manual);
    }
    if (rc == YB_OK) {
        rc = cli_send_call(cli, &call, manual ? "NONE" : "EXECUTED_OPTIMISTIC", hash, &res);
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (manual) {
        cJSON_Delete(res);
        print_sent(cli, hash, call.signer);
        return YB_OK;
    }
    rc = print_final(cli, res, hash);
    cJSON_Delete(res);
    return rc;
}

const struct cmd_entry cmd_tx_call_entry = {
    .name = "call",
    .usage = "ACCOUNT METHOD [JSON] [--as ACCOUNT] [--gas G] [--deposit D]",
    .summary = "sign and send a function call, wait for its outcome",
    .help = "  JSON          the arguments, an object (default {})\n"
            "  --as ACCOUNT  the signer; its key is HOME/keys/ACCOUNT.json\n"
            "                (default " CLI_DEFAULT_SIGNER ")\n"
            "  --gas G       gas to attach: 50T or units (default 30T, at most 300T)\n"
            "  --deposit D   yoctoNEAR, or e.g. 1NEAR / 0.5NEAR (default 0)\n",
    .exec = call_exec,
};

/* ---- yb deploy ACCOUNT FILE.wasm ---- */

struct deploy_code {
    uint8_t *code;
    size_t len;
};

static int add_deploy(struct tx *tx, void *arg)
{
    const struct deploy_code *d = arg;
    return tx_add_deploy_contract(tx, d->code, d->len);
}

/* Reads a wasm file of at most TX_MAX_CODE_LEN bytes. */
static int read_code(struct cli *cli, const char *path, struct deploy_code *out)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f) {
        return cli_fail(cli, YB_ENOTFOUND, "deploy: cannot open %s", path);
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return cli_fail(cli, YB_EIO, "deploy: %s is not a regular file", path);
    }
    if ((uint64_t)st.st_size > TX_MAX_CODE_LEN) {
        fclose(f);
        return cli_fail(cli, YB_ETOOBIG, "deploy: %s is over NEAR's 4 MiB contract limit", path);
    }
    out->len = (size_t)st.st_size;
    out->code = yb_xmalloc(out->len ? out->len : 1);
    size_t got = fread(out->code, 1, out->len, f);
    fclose(f);
    if (got != out->len) {
        free(out->code);
        return cli_fail(cli, YB_EIO, "deploy: cannot read %s", path);
    }
    static const uint8_t magic[4] = {0, 'a', 's', 'm'};
    if (out->len < 8 || memcmp(out->code, magic, 4) != 0) {
        free(out->code);
        return cli_fail(cli, YB_EWASM_MALFORMED, "deploy: %s is not a WebAssembly module", path);
    }
    return YB_OK;
}

static int deploy_exec(struct cli *cli, int argc, char **argv)
{
    if (argc != 3) {
        return cli_fail(cli, YB_EINVAL, "deploy: usage: yb deploy ACCOUNT FILE.wasm");
    }
    struct deploy_code d;
    int rc = read_code(cli, argv[2], &d);
    if (rc != YB_OK) {
        return rc;
    }
    uint8_t hash[NEAR_HASH_LEN];
    cJSON *res = NULL;
    bool manual = false;
    rc = wait_level(cli, &manual);
    if (rc == YB_OK) {
        rc = cli_send_tx(cli, argv[1], argv[1], add_deploy, &d,
                         manual ? "NONE" : "EXECUTED_OPTIMISTIC", hash, &res);
    }
    free(d.code);
    if (rc != YB_OK) {
        return rc;
    }
    if (manual) {
        cJSON_Delete(res);
        print_sent(cli, hash, argv[1]);
        return YB_OK;
    }
    rc = print_final(cli, res, hash);
    cJSON_Delete(res);
    if (rc == YB_OK && !cli->json) {
        printf("deployed %s (%zu bytes) to %s\n", argv[2], d.len, argv[1]);
    }
    return rc;
}

const struct cmd_entry cmd_tx_deploy_entry = {
    .name = "deploy",
    .usage = "ACCOUNT FILE.wasm",
    .summary = "deploy a contract to ACCOUNT, signed with ACCOUNT's own key",
    .help = NULL,
    .exec = deploy_exec,
};
