/*
 * cmd_ask.c — the assistant contract from the user's side: `yb ask` (send a question, follow it
 * block by block until the answer or the timeout), `yb pending`, `yb request ID`.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "err.h"
#include "json.h"
#include "output.h"

#define ASK_POLL_MS      200   /* how often `yb ask` looks at the chain */
#define ASK_STALL_MS     10000 /* no new block for this long: say how to produce one */
#define ASK_RECONNECT_MS 30000 /* how long a chain that went away may take to come back */
#define ASK_DROP_BLOCKS  20    /* still unknown after this many new blocks: it was dropped */
#define ASK_PROMPT_MAX   4096  /* the contract's ASSISTANT_PROMPT_MAX */
#define ASK_EVENT_PREFIX "EVENT_JSON:"

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The head height from `status`, reporting nothing; *transient says whether trying again may
 * help (no connection, a timeout, a 5xx). */
static int head_quiet(struct cli *cli, uint64_t *height, bool *transient)
{
    cJSON *res = NULL;
    const cJSON *sync = NULL;
    struct rpc_error err = {0};
    int rc = cli_rpc_quiet(cli, "status", NULL, &res, &err);
    *transient = rc != YB_OK && rpc_error_is_transient(rc, &err);
    rpc_error_fini(&err);
    if (rc == YB_OK) {
        rc = json_get_object(res, "sync_info", &sync);
    }
    if (rc == YB_OK) {
        rc = json_get_u64(sync, "latest_block_height", height);
    }
    cJSON_Delete(res);
    return rc;
}

int cmd_ask_find_event(const cJSON *tx_result, const char *event, cJSON **data)
{
    const cJSON *receipts = cJSON_GetObjectItemCaseSensitive(tx_result, "receipts_outcome");
    const cJSON *r = NULL;
    size_t pl = strlen(ASK_EVENT_PREFIX);
    cJSON_ArrayForEach(r, receipts)
    {
        const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(r, "outcome");
        const cJSON *logs = cJSON_GetObjectItemCaseSensitive(outcome, "logs");
        const cJSON *l = NULL;
        cJSON_ArrayForEach(l, logs)
        {
            cJSON *ev = NULL;
            const char *name = NULL;
            const cJSON *arr = NULL;
            if (!cJSON_IsString(l) || strncmp(l->valuestring, ASK_EVENT_PREFIX, pl) != 0) {
                continue;
            }
            const char *text = l->valuestring + pl;
            if (json_parse(text, strlen(text), 1u << 16, &ev, NULL) != YB_OK) {
                continue;
            }
            if (json_get_str(ev, "event", &name) == YB_OK && strcmp(name, event) == 0 &&
                json_get_array(ev, "data", &arr) == YB_OK && cJSON_GetArraySize(arr) > 0) {
                *data = cJSON_Duplicate(cJSON_GetArrayItem(arr, 0), 1);
                cJSON_Delete(ev);
                return YB_OK;
            }
            cJSON_Delete(ev);
        }
    }
    return YB_ENOTFOUND;
}

int cmd_ask_wait_final(struct cli *cli, const char *hash, const char *signer, bool progress,
                       cJSON **value, cJSON **failure, cJSON **tx_result)
{
    uint64_t last_height = UINT64_MAX, first_height = UINT64_MAX, created = 0, expires = 0;
    bool have_request = false, hinted = false;
    long last_change = now_ms(), down_since = 0;
    *value = NULL;
    *failure = NULL;
    for (;;) {
        cJSON *res = NULL;
        uint64_t height = 0;
        bool transient = false;
        int rc = head_quiet(cli, &height, &transient);
        if (rc != YB_OK && transient &&
            (down_since == 0 || now_ms() - down_since < ASK_RECONNECT_MS)) {
            /* The chain may be restarting: the request survives in its store, so keep asking. */
            if (down_since == 0) {
                down_since = now_ms();
                fprintf(stderr, "%syb: lost contact with %s; retrying for %d s\n",
                        cli->tty ? "\n" : "", cli->rpc_url, ASK_RECONNECT_MS / 1000);
            }
            sleep_ms(ASK_POLL_MS);
            continue;
        }
        if (rc != YB_OK) {
            return cli_head_height(cli, &height); /* reports it (or it works again) */
        }
        down_since = 0;
        if (first_height == UINT64_MAX) {
            first_height = height;
        }
        rc = cli_tx_status(cli, hash, signer, "NONE", true, &res);
        if (rc == YB_ECONNECT || rc == YB_ETIMEDOUT) {
            continue; /* the status read decides whether the chain is gone */
        }
        /* Unknown while blocks go by: the node lost it (a restart empties the mempool). */
        if (rc != YB_OK && height > first_height + ASK_DROP_BLOCKS) {
            if (progress) {
                output_progress_end(cli);
            }
            return cli_fail(cli, YB_ENOTFOUND,
                            "transaction %s was not included in %d blocks: the node dropped it "
                            "(restarted?); ask again",
                            hash, ASK_DROP_BLOCKS);
        }
        if (rc == YB_OK) {
            cli_tx_final(res, value, failure);
            if (*value || *failure) {
                if (progress) {
                    output_progress_end(cli);
                }
                if (tx_result) {
                    *tx_result = res;
                } else {
                    cJSON_Delete(res);
                }
                return YB_OK;
            }
            cJSON *created_ev = NULL;
            if (!have_request && cmd_ask_find_event(res, "request_created", &created_ev) == YB_OK) {
                have_request = json_get_u64(created_ev, "created_height", &created) == YB_OK &&
                               json_get_u64(created_ev, "expires_height", &expires) == YB_OK;
                cJSON_Delete(created_ev);
                last_height = have_request ? UINT64_MAX : last_height; /* show it now */
            }
        }
        cJSON_Delete(res);
        if (height != last_height) {
            last_change = now_ms();
            if (progress && have_request) {
                uint64_t left = expires > height ? expires - height : 0;
                output_progress(cli, height, left, expires - created);
            } else if (progress && !cli->tty && !cli->json) {
                printf("height %" PRIu64 ", waiting for the request to run\n", height);
                fflush(stdout);
            }
            last_height = height;
        } else if (!hinted && now_ms() - last_change > ASK_STALL_MS) {
            fprintf(stderr,
                    "\nyb: no new block for %d s: if the chain runs in manual mode, produce "
                    "blocks with `yb blocks N` or `yb fast-forward N`\n",
                    ASK_STALL_MS / 1000);
            hinted = true;
        }
        sleep_ms(ASK_POLL_MS);
    }
}

/* ---- yb ask "PROMPT" [--as A] [--contract C] [--no-wait] ---- */

static int ask_exec(struct cli *cli, int argc, char **argv)
{
    const char *prompt = NULL, *signer = CLI_DEFAULT_SIGNER, *contract = CLI_DEFAULT_CONTRACT;
    bool no_wait = false;
    for (int i = 1; i < argc; i++) {
        int m = cli_opt_value(cli, argc, argv, &i, "--as", &signer);
        if (m == 0) {
            m = cli_opt_value(cli, argc, argv, &i, "--contract", &contract);
        }
        if (m < 0) {
            return -m;
        }
        if (m == 1) {
            continue;
        }
        if (strcmp(argv[i], "--no-wait") == 0) {
            no_wait = true;
        } else if (!prompt) {
            prompt = argv[i];
        } else {
            return cli_fail(cli, YB_EINVAL,
                            "ask: one question at a time; quote it: yb ask \"What is 2+2?\"");
        }
    }
    if (!prompt || !prompt[0]) {
        return cli_fail(cli, YB_EINVAL, "ask: usage: yb ask \"QUESTION\" [--as A] [--contract C]");
    }
    if (strlen(prompt) > ASK_PROMPT_MAX) {
        return cli_fail(cli, YB_ETOOBIG, "ask: the question is over %d bytes", ASK_PROMPT_MAX);
    }
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "prompt", prompt);
    char *args_text = cJSON_PrintUnformatted(args);
    cJSON_Delete(args);
    struct cli_call call = {
        .signer = signer,
        .receiver = contract,
        .method = "request",
        .args = args_text,
        .gas = CLI_ASK_GAS,
    };
    uint8_t hash[NEAR_HASH_LEN];
    char hs[NEAR_HASH_STR_MAX];
    int rc = cli_check_exists(cli, contract);
    if (rc == YB_OK) {
        rc = cli_send_call(cli, &call, "NONE", hash, NULL);
    }
    free(args_text);
    if (rc != YB_OK) {
        return rc;
    }
    near_hash_format(hash, hs);
    if (no_wait) {
        if (cli->json) {
            printf("{\"tx_hash\":\"%s\",\"signer\":\"%s\"}\n", hs, signer);
        } else {
            printf("%s\n", hs);
        }
        return YB_OK;
    }
    if (!cli->json) {
        char mode[32] = "";
        cli_chain_mode(cli, mode, sizeof mode);
        printf("asked %s as %s (transaction %s)\n", contract, signer, hs);
        if (strcmp(mode, "manual") == 0) {
            printf("the chain is in manual mode: produce blocks with `yb blocks N` or "
                   "`yb fast-forward N` in another terminal\n");
        }
        fflush(stdout);
    }
    cJSON *value = NULL, *failure = NULL;
    rc = cmd_ask_wait_final(cli, hs, signer, true, &value, &failure, NULL);
    if (rc != YB_OK) {
        return rc;
    }
    if (failure) {
        char *text = cli_failure_text(failure);
        rc = cli_fail(cli, YB_ERUNTIME, "the request failed: %s (see `yb tx %s --as %s`)", text, hs,
                      signer);
        free(text);
    } else if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "tx_hash", hs);
        cJSON_AddItemToObject(o, "result", value);
        value = NULL;
        /* one line, like the progress lines before it: the stream is JSON lines */
        char *text = cJSON_PrintUnformatted(o);
        if (text) {
            printf("%s\n", text);
            free(text);
        }
        cJSON_Delete(o);
    } else {
        const char *status = "?", *answer = NULL;
        uint64_t id = 0;
        json_get_str(value, "status", &status);
        json_get_u64(value, "request_id", &id);
        if (strcmp(status, "answered") == 0 && json_get_str(value, "answer", &answer) == YB_OK) {
            printf("answer (request %" PRIu64 "): %s\n", id, answer);
        } else if (strcmp(status, "timeout") == 0) {
            printf("request %" PRIu64 " timed out: no oracle answered before its yield expired\n",
                   id);
        } else {
            output_value(value);
        }
    }
    cJSON_Delete(value);
    cJSON_Delete(failure);
    return rc;
}

const struct cmd_entry cmd_ask_entry = {
    .name = "ask",
    .usage = "\"QUESTION\" [--as ACCOUNT] [--contract ID] [--no-wait]",
    .summary = "ask the assistant contract; follow the request until the answer or timeout",
    .help = "Sends `request` with 50 Tgas and shows the height and the blocks left before the\n"
            "request times out, until the oracle's answer (or the timeout) arrives.\n"
            "  --as ACCOUNT   who asks (default " CLI_DEFAULT_SIGNER ")\n"
            "  --contract ID  the assistant contract (default " CLI_DEFAULT_CONTRACT ")\n"
            "  --no-wait      print the transaction hash and return at once\n",
    .exec = ask_exec,
};

/* ---- yb pending [--contract C] ---- */

static int contract_only(struct cli *cli, int argc, char **argv, int npos, const char **pos,
                         const char **contract)
{
    int got = 0;
    for (int i = 1; i < argc; i++) {
        int m = cli_opt_value(cli, argc, argv, &i, "--contract", contract);
        if (m < 0) {
            return -m;
        }
        if (m == 0) {
            if (got == npos) {
                return cli_fail(cli, YB_EINVAL, "%s: unexpected argument \"%s\"", argv[0], argv[i]);
            }
            pos[got++] = argv[i];
        }
    }
    if (got != npos) {
        return cli_fail(cli, YB_EINVAL, "%s: missing argument; see `yb %s --help`", argv[0],
                        argv[0]);
    }
    return YB_OK;
}

static void print_record(const cJSON *r, uint64_t head)
{
    uint64_t id = 0, exp = 0;
    const char *requester = "?", *prompt = "", *status = NULL;
    json_get_u64(r, "request_id", &id);
    json_get_u64(r, "expires_height", &exp);
    json_get_str(r, "requester", &requester);
    json_get_str(r, "prompt", &prompt);
    json_opt_str(r, "status", NULL, &status);
    printf("%-6" PRIu64 " %-10" PRIu64 " %-6" PRId64 " %-24s %s%s%s\n", id, exp,
           (int64_t)(exp - head), requester, status ? status : "", status ? "  " : "", prompt);
}

static int pending_exec(struct cli *cli, int argc, char **argv)
{
    const char *contract = CLI_DEFAULT_CONTRACT;
    int rc = contract_only(cli, argc, argv, 0, NULL, &contract);
    uint64_t head = 0;
    cJSON *list = NULL;
    if (rc == YB_OK) {
        rc = cli_head_height(cli, &head);
    }
    if (rc == YB_OK) {
        rc = cli_view(cli, contract, "get_pending_requests", "{\"limit\":1024}", &list, NULL);
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (cli->json) {
        output_json(list);
    } else if (cJSON_GetArraySize(list) == 0) {
        printf("no pending requests on %s (height %" PRIu64 ")\n", contract, head);
    } else {
        const cJSON *r = NULL;
        printf("%-6s %-10s %-6s %-24s %s\n", "id", "expires", "left", "requester", "prompt");
        cJSON_ArrayForEach(r, list)
        {
            print_record(r, head);
        }
    }
    cJSON_Delete(list);
    return YB_OK;
}

const struct cmd_entry cmd_ask_pending_entry = {
    .name = "pending",
    .usage = "[--contract ID]",
    .summary = "list the requests waiting for an answer, with blocks left before timeout",
    .help = NULL,
    .exec = pending_exec,
};

/* ---- yb request ID [--contract C] ---- */

static int request_exec(struct cli *cli, int argc, char **argv)
{
    const char *contract = CLI_DEFAULT_CONTRACT, *pos[1] = {0};
    uint64_t id = 0, head = 0;
    int rc = contract_only(cli, argc, argv, 1, pos, &contract);
    if (rc == YB_OK) {
        rc = cli_parse_u64(cli, pos[0], "request ID", &id);
    }
    if (rc == YB_OK) {
        rc = cli_head_height(cli, &head);
    }
    char args[64];
    snprintf(args, sizeof args, "{\"request_id\":%" PRIu64 "}", id);
    cJSON *rec = NULL;
    if (rc == YB_OK) {
        rc = cli_view(cli, contract, "get_request", args, &rec, NULL);
    }
    if (rc != YB_OK) {
        return rc;
    }
    if (cJSON_IsNull(rec)) {
        cJSON_Delete(rec);
        return cli_fail(cli, YB_ENOTFOUND,
                        "no request %" PRIu64 " on %s: it never existed or it finished (finished "
                        "requests are removed; `yb tx HASH` shows their result)",
                        id, contract);
    }
    if (cli->json) {
        output_json(rec);
    } else {
        printf("%-6s %-10s %-6s %-24s %s\n", "id", "expires", "left", "requester", "prompt");
        print_record(rec, head);
    }
    cJSON_Delete(rec);
    return YB_OK;
}

const struct cmd_entry cmd_ask_request_entry = {
    .name = "request",
    .usage = "ID [--contract ID]",
    .summary = "show one request of the assistant contract (pending or answered)",
    .help = NULL,
    .exec = request_exec,
};
