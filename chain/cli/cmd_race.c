/*
 * cmd_race.c — `yb race`: the timeout-versus-response scenarios of NEP-519, played on a chain in
 * manual mode with the assistant contract, each checked against nep519.md §4.4.
 *
 * Block arithmetic on our runtime (chain/runtime/README.md "Block order"; nep519 §4.4):
 *   - a transaction whose signer is not its receiver (every one here) is turned into a receipt
 *     in the block that includes it (height h) and that receipt runs in block h+1;
 *   - every receipt a block creates (resumes, timeouts' PromiseResume(None), refunds) runs in the
 *     next block; the PromiseYield itself is stored at once ("instant");
 *   - yield timeouts are handled last in a block: the first block with height >= E (E =
 *     expires_height = created + timeout) queues PromiseResume(None), which runs — with the
 *     callback — in the next block. Skipped heights (fast-forward) count.
 * So with C the height where `request` ran and X the height where `respond`'s receipt runs
 * (its tx included at X-1), the rows put X at:
 *   well before expiry   X = C+2: the resume's payload runs the callback at X+1.
 *   block before expiry  X = E-1: the payload runs at E (incoming receipts come before the
 *                        timeout step), the callback has run, the timeout finds nothing.
 *   expiry block         X = E: resume (step 3) precedes the timeout (step 4) in block E; both
 *                        PromiseResumes run at E+1, payload first: the None is ignored (§4.4.4).
 *   after the timeout was detected, before its callback ran: X = E+1. The respond tx was
 *                        included in block E, so its receipt was queued before that block's
 *                        PromiseResume(None) and runs first at E+1: resume returns 1 (the yield
 *                        is still parked), the None is dropped, the payload wins at E+2 (§4.4.5).
 *   after the callback   X = E+2: the timeout callback ran at E+1, the yield is gone: respond
 *                        returns false and the user's result stays the timeout (§4.4.6).
 *   two responds in one block (X = C+2): the first wins; the contract refuses the second
 *                        before it resumes (an answer is already stored), as the chain would
 *                        ignore the second PromiseResume (§4.4.7).
 *   a non-oracle account responds (X = C+2): the contract panics, nothing changes, the request
 *                        later times out.
 * Each row is measured, not assumed: the heights are read back from the outcomes' blocks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "output.h"

#define RACE_ORACLE     "oracle.test.near"
#define RACE_FINISH_MAX 8 /* blocks produced at most while waiting for a callback */
#define RACE_TEXT_MAX   256

enum race_kind {
    RACE_WELL_BEFORE,
    RACE_BLOCK_BEFORE,
    RACE_EXPIRY_BLOCK,
    RACE_AFTER_DETECTED,
    RACE_AFTER_CALLBACK,
    RACE_TWO_IN_ONE,
    RACE_NON_ORACLE,
};

struct race_scenario {
    enum race_kind kind;
    const char *key;
    const char *title;
    /* nep519.md §4.4 as this contract shows it */
    const char *expect_respond;  /* "true", "false", "true,false", "panic" */
    const char *expect_callback; /* "payload" or "timeout" */
    const char *expect_final;    /* "answered" or "timeout" */
    const char *rule;            /* the nep519.md section (and §4.4 item) that decides it */
};

static const struct race_scenario race_scenarios[] = {
    {RACE_WELL_BEFORE, "well_before", "respond well before expiry", "true", "payload", "answered",
     "4.3"},
    {RACE_BLOCK_BEFORE, "block_before_expiry", "respond in the block before expiry", "true",
     "payload", "answered", "4.4(1)"},
    {RACE_EXPIRY_BLOCK, "expiry_block", "respond in the expiry block", "true", "payload",
     "answered", "4.4(4)"},
    {RACE_AFTER_DETECTED, "after_timeout_before_callback",
     "respond after the timeout fired, before its callback", "true", "payload", "answered",
     "4.4(5)"},
    {RACE_AFTER_CALLBACK, "after_callback", "respond after the timeout callback", "false",
     "timeout", "timeout", "4.4(6)"},
    {RACE_TWO_IN_ONE, "two_in_one_block", "two responds in one block", "true,false", "payload",
     "answered", "4.4(7)"},
    {RACE_NON_ORACLE, "non_oracle", "respond from a non-oracle account", "panic", "timeout",
     "timeout", "4.4(10)"},
};
#define RACE_COUNT (sizeof race_scenarios / sizeof race_scenarios[0])

struct race_row {
    const struct race_scenario *s;
    uint64_t request_id;
    int64_t respond_offset; /* height of respond's receipt - E */
    int64_t callback_offset;
    char respond[RACE_TEXT_MAX];
    char callback[RACE_TEXT_MAX];
    char final[RACE_TEXT_MAX];
    char answer[RACE_TEXT_MAX];
    bool matches;
};

struct race {
    struct cli *cli;
    const char *contract;
    const char *user;
    const char *oracle; /* an account of the contract's oracle set, with a key in HOME/keys */
    uint64_t run_id;    /* the head height at start: makes prompts unique per run */
};

/* ---- chain helpers ---- */

static int head(struct race *r, uint64_t *h)
{
    return cli_head_height(r->cli, h);
}

/* Moves the head to exactly `target` (> head): one block per height when it is near, else one
 * fast-forward block (no transaction may wait in the mempool meanwhile). */
static int advance_to(struct race *r, uint64_t target)
{
    uint64_t h = 0;
    int rc = head(r, &h);
    if (rc != YB_OK || target <= h) {
        return rc;
    }
    return target - h == 1 ? cli_produce_blocks(r->cli, 1) : cli_fast_forward(r->cli, target - h);
}

/* The height of the block whose hash (b58) is given. */
static int block_height(struct race *r, const char *hash, uint64_t *height)
{
    cJSON *p = cJSON_CreateObject(), *res = NULL;
    const cJSON *header = NULL;
    cJSON_AddStringToObject(p, "block_id", hash);
    int rc = cli_rpc(r->cli, "block", p, &res, "reading a block");
    cJSON_Delete(p);
    if (rc == YB_OK) {
        rc = json_get_object(res, "header", &header);
    }
    if (rc == YB_OK) {
        rc = json_get_u64(header, "height", height);
    }
    cJSON_Delete(res);
    return rc;
}

/* The outcome (in receipts_outcome) of the receipt the tx became. Borrowed from res. */
static const cJSON *first_receipt(const cJSON *res)
{
    const cJSON *txo = cJSON_GetObjectItemCaseSensitive(res, "transaction_outcome");
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(txo, "outcome");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(st, "SuccessReceiptId");
    const cJSON *item = NULL;
    const cJSON *receipts = cJSON_GetObjectItemCaseSensitive(res, "receipts_outcome");
    cJSON_ArrayForEach(item, receipts)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        if (cJSON_IsString(rid) && cJSON_IsString(id) &&
            strcmp(id->valuestring, rid->valuestring) == 0) {
            return item;
        }
    }
    return NULL;
}

/* The callback's outcome: the receipt whose value is the contract's {"request_id","status"}. */
static const cJSON *callback_receipt(const cJSON *res)
{
    const cJSON *item = NULL;
    const cJSON *receipts = cJSON_GetObjectItemCaseSensitive(res, "receipts_outcome");
    cJSON_ArrayForEach(item, receipts)
    {
        cJSON *tmp = cJSON_CreateObject();
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(item, "outcome");
        cJSON_AddItemToObject(tmp, "status",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(o, "status"), 1));
        cJSON *value = NULL, *failure = NULL;
        cli_tx_final(tmp, &value, &failure);
        bool is_cb = value && cJSON_GetObjectItemCaseSensitive(value, "status") &&
                     cJSON_GetObjectItemCaseSensitive(value, "request_id");
        cJSON_Delete(value);
        cJSON_Delete(failure);
        cJSON_Delete(tmp);
        if (is_cb) {
            return item;
        }
    }
    return NULL;
}

/* Height of the block an outcome item (borrowed) belongs to. */
static int outcome_height(struct race *r, const cJSON *item, uint64_t *h)
{
    const char *bh = NULL;
    if (!item || json_get_str(item, "block_hash", &bh) != YB_OK) {
        return cli_fail(r->cli, YB_EMALFORMED, "race: an outcome has no block_hash");
    }
    return block_height(r, bh, h);
}

/* The final result of a tx that must be finished by now. */
static int final_of(struct race *r, const char *hash, const char *signer, cJSON **res,
                    cJSON **value, cJSON **failure)
{
    int rc = cli_tx_status(r->cli, hash, signer, "NONE", false, res);
    if (rc != YB_OK) {
        return rc;
    }
    cli_tx_final(*res, value, failure);
    return YB_OK;
}

/* Sends `request` as the user and runs it: returns the record (with request_id, yield_id,
 * created_height, expires_height) and the tx hash. */
static int race_request(struct race *r, const struct race_scenario *s, char hash[NEAR_HASH_STR_MAX],
                        cJSON **record)
{
    char prompt[RACE_TEXT_MAX];
    snprintf(prompt, sizeof prompt, "race %" PRIu64 ": %s", r->run_id, s->title);
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "prompt", prompt);
    char *text = cJSON_PrintUnformatted(args);
    cJSON_Delete(args);
    struct cli_call call = {.signer = r->user,
                            .receiver = r->contract,
                            .method = "request",
                            .args = text,
                            .gas = CLI_ASK_GAS};
    uint8_t h[NEAR_HASH_LEN];
    int rc = cli_send_call(r->cli, &call, "NONE", h, NULL);
    free(text);
    if (rc == YB_OK) {
        near_hash_format(h, hash);
        rc = cli_produce_blocks(r->cli, 2); /* include the tx, then run its receipt */
    }
    cJSON *res = NULL, *data = NULL;
    if (rc == YB_OK) {
        rc = cli_tx_status(r->cli, hash, r->user, "NONE", false, &res);
    }
    if (rc == YB_OK && cmd_ask_find_event(res, "request_created", &data) != YB_OK) {
        cJSON *v = NULL, *f = NULL;
        cli_tx_final(res, &v, &f);
        char *why = f ? cli_failure_text(f) : yb_xstrdup("no request_created event");
        rc = cli_fail(r->cli, YB_ERUNTIME, "race: `request` on %s did not create a request: %s",
                      r->contract, why);
        free(why);
        cJSON_Delete(v);
        cJSON_Delete(f);
    }
    cJSON_Delete(res);
    *record = data;
    return rc;
}

/* Sends respond(yield_id, answer) from signer; the tx waits in the mempool. */
static int race_respond(struct race *r, const char *signer, const char *yield_id,
                        const char *answer, char hash[NEAR_HASH_STR_MAX])
{
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "yield_id", yield_id);
    cJSON_AddStringToObject(args, "response", answer);
    char *text = cJSON_PrintUnformatted(args);
    cJSON_Delete(args);
    struct cli_call call = {.signer = signer,
                            .receiver = r->contract,
                            .method = "respond",
                            .args = text,
                            .gas = CLI_DEFAULT_GAS};
    uint8_t h[NEAR_HASH_LEN];
    int rc = cli_send_call(r->cli, &call, "NONE", h, NULL);
    free(text);
    if (rc == YB_OK) {
        near_hash_format(h, hash);
    }
    return rc;
}

/* What a respond tx returned: "true"/"false", or "panic: <message>". Also its receipt's height. */
static int respond_result(struct race *r, const char *hash, const char *signer, char *out,
                          size_t cap, uint64_t *height)
{
    cJSON *res = NULL, *value = NULL, *failure = NULL;
    int rc = final_of(r, hash, signer, &res, &value, &failure);
    if (rc == YB_OK) {
        rc = outcome_height(r, first_receipt(res), height);
    }
    if (rc == YB_OK) {
        if (failure) {
            char *t = cli_failure_text(failure);
            /* nearcore's prefix says nothing the column header does not */
            const char *msg = t;
            const char *pfx = "Smart contract panicked: ";
            if (strncmp(msg, pfx, strlen(pfx)) == 0) {
                msg += strlen(pfx);
            }
            snprintf(out, cap, "panic: %s", msg);
            free(t);
        } else if (cJSON_IsBool(value)) {
            snprintf(out, cap, "%s", cJSON_IsTrue(value) ? "true" : "false");
        } else {
            char *t = value ? cJSON_PrintUnformatted(value) : NULL;
            snprintf(out, cap, "%s", t ? t : "(still running)");
            free(t);
        }
    }
    cJSON_Delete(res);
    cJSON_Delete(value);
    cJSON_Delete(failure);
    return rc;
}

/* Produces blocks until the user's request tx is final (fast-forwarding to E when the
 * request can only end by timing out), then fills the callback and final columns. */
static int race_finish(struct race *r, struct race_row *row, const char *hash, uint64_t expires)
{
    cJSON *res = NULL, *value = NULL, *failure = NULL;
    int rc = YB_OK;
    for (int i = 0; rc == YB_OK; i++) {
        rc = final_of(r, hash, r->user, &res, &value, &failure);
        if (rc != YB_OK || value || failure) {
            break;
        }
        cJSON_Delete(res);
        res = NULL;
        if (i >= RACE_FINISH_MAX) {
            return cli_fail(r->cli, YB_ETIMEDOUT, "race: request %" PRIu64 " never finished",
                            row->request_id);
        }
        uint64_t h = 0;
        rc = head(r, &h);
        if (rc == YB_OK) {
            /* A few single blocks let a resume's payload arrive; past that only the timeout
             * can end it, so jump to the expiry height. */
            rc = (i >= 3 && h + 1 < expires) ? advance_to(r, expires)
                                             : cli_produce_blocks(r->cli, 1);
        }
    }
    if (rc == YB_OK && failure) {
        char *t = cli_failure_text(failure);
        snprintf(row->final, sizeof row->final, "failed: %s", t);
        snprintf(row->callback, sizeof row->callback, "?");
        free(t);
    } else if (rc == YB_OK) {
        const char *status = "?", *answer = NULL;
        uint64_t cb_height = 0;
        json_get_str(value, "status", &status);
        snprintf(row->final, sizeof row->final, "%s", status);
        snprintf(row->callback, sizeof row->callback, "%s",
                 strcmp(status, "answered") == 0 ? "payload" : status);
        if (json_get_str(value, "answer", &answer) == YB_OK) {
            snprintf(row->answer, sizeof row->answer, "%s", answer);
        }
        rc = outcome_height(r, callback_receipt(res), &cb_height);
        row->callback_offset = (int64_t)(cb_height - expires);
    }
    cJSON_Delete(res);
    cJSON_Delete(value);
    cJSON_Delete(failure);
    return rc;
}

/* Nobody but this race may answer its requests: a running yb-oracle would, and every row would
 * then measure the oracle's timing instead. Checked just before the race's own respond. */
static int check_untouched(struct race *r, uint64_t request_id)
{
    char args[64];
    cJSON *rec = NULL;
    const char *status = NULL;
    snprintf(args, sizeof args, "{\"request_id\":%" PRIu64 "}", request_id);
    int rc = cli_view(r->cli, r->contract, "get_request", args, &rec, NULL);
    if (rc == YB_OK && (cJSON_IsNull(rec) || json_get_str(rec, "status", &status) != YB_OK ||
                        strcmp(status, "pending") != 0)) {
        rc = cli_fail(r->cli, YB_EBUSY,
                      "race: request %" PRIu64 " was answered by someone else (is yb-oracle "
                      "running against this chain?); stop every oracle while racing",
                      request_id);
    }
    cJSON_Delete(rec);
    return rc;
}

/* One scenario, start to end. */
static int race_run(struct race *r, struct race_row *row)
{
    const struct race_scenario *s = row->s;
    char req_hash[NEAR_HASH_STR_MAX], h1[NEAR_HASH_STR_MAX], h2[NEAR_HASH_STR_MAX];
    cJSON *rec = NULL;
    const char *yield_id = NULL;
    uint64_t created = 0, expires = 0;
    int rc = race_request(r, s, req_hash, &rec);
    if (rc == YB_OK) {
        bool complete = json_get_u64(rec, "request_id", &row->request_id) == YB_OK &&
                        json_get_str(rec, "yield_id", &yield_id) == YB_OK &&
                        json_get_u64(rec, "created_height", &created) == YB_OK &&
                        json_get_u64(rec, "expires_height", &expires) == YB_OK;
        if (!complete) {
            rc = cli_fail(r->cli, YB_EMALFORMED, "race: request_created event lacks fields");
        }
    }
    if (rc == YB_OK && expires < created + 6) {
        rc = cli_fail(r->cli, YB_EINVAL,
                      "race: the timeout is %" PRIu64 " blocks; the scenarios need at least 6",
                      expires - created);
    }
    /* X = the height where respond's receipt must run; its tx goes in at X-1, so the head must
     * be X-2 when it is sent. */
    uint64_t x = created + 2;
    switch (s->kind) {
    case RACE_BLOCK_BEFORE:
        x = expires - 1;
        break;
    case RACE_EXPIRY_BLOCK:
        x = expires;
        break;
    case RACE_AFTER_DETECTED:
        x = expires + 1;
        break;
    case RACE_AFTER_CALLBACK:
        x = expires + 2;
        break;
    default:
        break;
    }
    if (rc == YB_OK) {
        rc = advance_to(r, x - 2);
    }
    if (rc == YB_OK) {
        rc = check_untouched(r, row->request_id);
    }
    const char *signer = s->kind == RACE_NON_ORACLE ? r->user : r->oracle;
    if (rc == YB_OK) {
        rc = race_respond(r, signer, yield_id,
                          s->kind == RACE_TWO_IN_ONE ? "first answer" : "the answer", h1);
    }
    if (rc == YB_OK && s->kind == RACE_TWO_IN_ONE) {
        rc = race_respond(r, signer, yield_id, "second answer", h2);
    }
    if (rc == YB_OK) {
        rc = cli_produce_blocks(r->cli, 2); /* X-1 includes it, X runs it */
    }
    uint64_t rh = 0;
    if (rc == YB_OK) {
        rc = respond_result(r, h1, signer, row->respond, sizeof row->respond, &rh);
        row->respond_offset = (int64_t)(rh - expires);
    }
    if (rc == YB_OK && s->kind == RACE_TWO_IN_ONE) {
        char second[RACE_TEXT_MAX];
        uint64_t rh2 = 0;
        rc = respond_result(r, h2, signer, second, sizeof second, &rh2);
        size_t n = strlen(row->respond);
        snprintf(row->respond + n, sizeof row->respond - n, ",%s", second);
        if (rc == YB_OK && rh2 != rh) {
            rc = cli_fail(r->cli, YB_EINTERNAL, "race: the two responds ran in different blocks");
        }
    }
    if (rc == YB_OK) {
        rc = race_finish(r, row, req_hash, expires);
    }
    cJSON_Delete(rec);
    if (rc != YB_OK) {
        return rc;
    }
    /* Compare with §4.4: a panic row matches on its prefix; a payload must be the first answer. */
    bool respond_ok = strcmp(s->expect_respond, "panic") == 0
                          ? strncmp(row->respond, "panic:", 6) == 0
                          : strcmp(row->respond, s->expect_respond) == 0;
    bool answer_ok =
        strcmp(s->expect_final, "answered") != 0 ||
        strcmp(row->answer, s->kind == RACE_TWO_IN_ONE ? "first answer" : "the answer") == 0;
    row->matches = respond_ok && answer_ok && strcmp(row->callback, s->expect_callback) == 0 &&
                   strcmp(row->final, s->expect_final) == 0;
    return YB_OK;
}

/* The chain must be in manual mode, or block timing is not ours to decide. */
static int check_manual(struct race *r, uint64_t *timeout)
{
    cJSON *st = NULL, *cfg = NULL;
    const char *mode = NULL;
    int rc = cli_rpc(r->cli, "status", NULL, &st, "reading the chain's status");
    if (rc != YB_OK) {
        return rc;
    }
    if (json_get_str(st, "node_mode", &mode) != YB_OK) {
        cJSON_Delete(st);
        return cli_fail(r->cli, YB_ENOTSUP,
                        "race: %s does not say its block mode (status.node_mode): yb race needs "
                        "a yb-chain in manual mode",
                        r->cli->rpc_url);
    }
    if (strcmp(mode, "manual") != 0) {
        rc = cli_fail(r->cli, YB_ENOTSUP,
                      "race: the chain produces blocks in %s mode, so block timing is not "
                      "deterministic; restart it with `yb-chain run --mode manual --home %s`",
                      mode, r->cli->home);
        cJSON_Delete(st);
        return rc;
    }
    cJSON_Delete(st);
    rc = cli_view(r->cli, r->contract, "get_config", NULL, &cfg, NULL);
    if (rc == YB_OK && json_get_u64(cfg, "timeout_blocks", timeout) != YB_OK) {
        rc = cli_fail(r->cli, YB_EMALFORMED, "race: %s's get_config has no timeout_blocks",
                      r->contract);
    }
    cJSON_Delete(cfg);
    return rc;
}

static const char *offset_text(int64_t off, char *buf, size_t cap)
{
    if (off == 0) {
        snprintf(buf, cap, "E");
    } else {
        snprintf(buf, cap, "E%+" PRId64, off);
    }
    return buf;
}

static void print_table(struct race *r, const struct race_row *rows, size_t n, uint64_t timeout)
{
    char a[32], b[32];
    bool all = true;
    if (r->cli->json) {
        cJSON *o = cJSON_CreateObject();
        json_add_u64(o, "timeout_blocks", timeout);
        cJSON *arr = cJSON_AddArrayToObject(o, "rows");
        for (size_t i = 0; i < n; i++) {
            const struct race_row *w = &rows[i];
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "scenario", w->s->key);
            cJSON_AddStringToObject(j, "title", w->s->title);
            json_add_u64(j, "request_id", w->request_id);
            cJSON_AddNumberToObject(j, "respond_offset", (double)w->respond_offset);
            cJSON_AddStringToObject(j, "respond_returned", w->respond);
            cJSON_AddStringToObject(j, "callback_saw", w->callback);
            cJSON_AddNumberToObject(j, "callback_offset", (double)w->callback_offset);
            cJSON_AddStringToObject(j, "final", w->final);
            if (w->answer[0]) {
                cJSON_AddStringToObject(j, "answer", w->answer);
            }
            cJSON *e = cJSON_AddObjectToObject(j, "expected");
            cJSON_AddStringToObject(e, "respond_returned", w->s->expect_respond);
            cJSON_AddStringToObject(e, "callback_saw", w->s->expect_callback);
            cJSON_AddStringToObject(e, "final", w->s->expect_final);
            cJSON_AddStringToObject(j, "nep519", w->s->rule);
            cJSON_AddBoolToObject(j, "matches", w->matches);
            all = all && w->matches;
            cJSON_AddItemToArray(arr, j);
        }
        cJSON_AddBoolToObject(o, "all_match", all);
        output_json(o);
        cJSON_Delete(o);
        return;
    }
    printf("timeout %" PRIu64 " blocks; E = the request's expiry height; heights are where the "
           "receipts ran\n\n",
           timeout);
    printf("%-52s %-7s %-16s %-24s %-10s %s\n", "scenario", "respond", "callback saw",
           "user's final result", "nep519", "respond returned");
    for (size_t i = 0; i < n; i++) {
        const struct race_row *w = &rows[i];
        char cb[RACE_TEXT_MAX + 40], fin[2 * RACE_TEXT_MAX + 8];
        snprintf(cb, sizeof cb, "%s at %s", w->callback,
                 offset_text(w->callback_offset, b, sizeof b));
        snprintf(fin, sizeof fin, "%s%s%s%s", w->final, w->answer[0] ? " \"" : "", w->answer,
                 w->answer[0] ? "\"" : "");
        char verdict[32];
        snprintf(verdict, sizeof verdict, "%s %s", w->matches ? "ok" : "MISMATCH", w->s->rule);
        printf("%-52s %-7s %-16s %-24s %-10s %s\n", w->s->title,
               offset_text(w->respond_offset, a, sizeof a), cb, fin, verdict, w->respond);
    }
}

static int race_exec(struct cli *cli, int argc, char **argv)
{
    struct race r = {.cli = cli,
                     .contract = CLI_DEFAULT_CONTRACT,
                     .user = CLI_DEFAULT_SIGNER,
                     .oracle = RACE_ORACLE};
    for (int i = 1; i < argc; i++) {
        int m = cli_opt_value(cli, argc, argv, &i, "--contract", &r.contract);
        if (m == 0) {
            m = cli_opt_value(cli, argc, argv, &i, "--as", &r.user);
        }
        if (m == 0) {
            m = cli_opt_value(cli, argc, argv, &i, "--oracle", &r.oracle);
        }
        if (m < 0) {
            return -m;
        }
        if (m == 0) {
            return cli_fail(cli, YB_EINVAL, "race: unexpected argument \"%s\"", argv[i]);
        }
    }
    uint64_t timeout = 0;
    int rc = check_manual(&r, &timeout);
    if (rc == YB_OK) {
        rc = head(&r, &r.run_id);
    }
    struct race_row rows[RACE_COUNT];
    memset(rows, 0, sizeof rows);
    size_t done = 0;
    for (size_t i = 0; rc == YB_OK && i < RACE_COUNT; i++) {
        rows[i].s = &race_scenarios[i];
        if (!cli->json) {
            fprintf(stderr, "running: %s\n", race_scenarios[i].title);
        }
        rc = race_run(&r, &rows[i]);
        if (rc == YB_OK) {
            done++;
        }
    }
    if (rc != YB_OK) {
        return rc;
    }
    print_table(&r, rows, done, timeout);
    for (size_t i = 0; i < done; i++) {
        if (!rows[i].matches) {
            return cli_fail(cli, YB_ERUNTIME, "race: scenario \"%s\" does not match nep519 §4.4",
                            rows[i].s->title);
        }
    }
    return YB_OK;
}

const struct cmd_entry cmd_race_entry = {
    .name = "race",
    .usage = "[--contract ID] [--as ACCOUNT] [--oracle ACCOUNT]",
    .summary = "run the timeout-versus-response scenarios on a manual-mode chain",
    .help = "Needs a yb-chain in manual mode (`yb-chain run --mode manual`) and no yb-oracle\n"
            "answering, since it decides when every block is made. For each scenario it asks\n"
            "a question as ACCOUNT (default " CLI_DEFAULT_SIGNER "), places `respond` (signed\n"
            "by --oracle, default " RACE_ORACLE ", key in HOME/keys) at a block relative to\n"
            "the request's expiry E, and shows what respond returned, what the callback saw and "
            "the final result,\n"
            "checked against NEP-519 (nep519.md §4.4). Exits 1 if any row differs.\n",
    .exec = race_exec,
};
