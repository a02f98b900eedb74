/*
 * output.c — printing for `yb` (see output.h).
 */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"

#define OUTPUT_BAR_WIDTH 30
#define OUTPUT_MAX_DEPTH 16 /* receipts nest this deep at most when printed */

void output_json(const cJSON *v)
{
    char *text = cJSON_Print(v);
    if (text) {
        printf("%s\n", text);
        free(text);
    }
}

void output_value(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        printf("%s\n", v->valuestring);
    } else {
        output_json(v);
    }
}

const char *output_gas(uint64_t gas, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.2f Tgas", (double)gas / 1e12);
    return buf;
}

static const cJSON *find_outcome(const cJSON *receipts, const char *id)
{
    const cJSON *r = NULL;
    cJSON_ArrayForEach(r, receipts)
    {
        const char *rid = NULL;
        if (json_get_str(r, "id", &rid) == YB_OK && strcmp(rid, id) == 0) {
            return r;
        }
    }
    return NULL;
}

/* The status of one outcome in a few words. */
static void status_text(const cJSON *status, char *buf, size_t cap)
{
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(status, "SuccessValue");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(status, "SuccessReceiptId");
    const cJSON *failure = cJSON_GetObjectItemCaseSensitive(status, "Failure");
    if (cJSON_IsString(status)) {
        snprintf(buf, cap, "%s", status->valuestring);
    } else if (value) {
        uint8_t *bytes = NULL;
        size_t n = 0;
        if (json_as_base64(value, 4096, &bytes, &n) == YB_OK) {
            snprintf(buf, cap, "ok %s%.*s", n ? "" : "(no value)", (int)(n > 200 ? 200 : n),
                     (const char *)bytes);
            free(bytes);
        } else {
            snprintf(buf, cap, "ok (long value)");
        }
    } else if (next) {
        snprintf(buf, cap, "continues in %s", cJSON_IsString(next) ? next->valuestring : "?");
    } else if (failure) {
        char *text = cli_failure_text(failure);
        snprintf(buf, cap, "FAILED %s", text);
        free(text);
    } else {
        snprintf(buf, cap, "?");
    }
}

static void print_outcome(FILE *out, const cJSON *receipts, const cJSON *item, int depth)
{
    const cJSON *outcome = NULL;
    const char *id = "?", *executor = "?";
    uint64_t gas = 0;
    char gbuf[32], sbuf[512];
    json_get_str(item, "id", &id);
    if (json_get_object(item, "outcome", &outcome) != YB_OK) {
        return;
    }
    json_get_str(outcome, "executor_id", &executor);
    json_get_u64(outcome, "gas_burnt", &gas);
    status_text(cJSON_GetObjectItemCaseSensitive(outcome, "status"), sbuf, sizeof sbuf);
    fprintf(out, "%*s%s %s on %s, %s: %s\n", depth * 2, "", depth == 0 ? "tx" : "receipt", id,
            executor, output_gas(gas, gbuf, sizeof gbuf), sbuf);
    const cJSON *logs = cJSON_GetObjectItemCaseSensitive(outcome, "logs");
    const cJSON *l = NULL;
    cJSON_ArrayForEach(l, logs)
    {
        if (cJSON_IsString(l)) {
            fprintf(out, "%*s  log: %s\n", depth * 2, "", l->valuestring);
        }
    }
    if (depth >= OUTPUT_MAX_DEPTH) {
        return;
    }
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(outcome, "receipt_ids");
    const cJSON *rid = NULL;
    cJSON_ArrayForEach(rid, ids)
    {
        const cJSON *child = cJSON_IsString(rid) ? find_outcome(receipts, rid->valuestring) : NULL;
        if (child) {
            print_outcome(out, receipts, child, depth + 1);
        } else if (cJSON_IsString(rid)) {
            fprintf(out, "%*s  receipt %s: not executed yet\n", depth * 2, "", rid->valuestring);
        }
    }
}

void output_outcome_tree(FILE *out, const cJSON *tx_result)
{
    const cJSON *txo = cJSON_GetObjectItemCaseSensitive(tx_result, "transaction_outcome");
    const cJSON *receipts = cJSON_GetObjectItemCaseSensitive(tx_result, "receipts_outcome");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(tx_result, "transaction");
    const char *signer = "?", *receiver = "?";
    if (t) {
        json_get_str(t, "signer_id", &signer);
        json_get_str(t, "receiver_id", &receiver);
        fprintf(out, "transaction %s -> %s\n", signer, receiver);
    }
    if (txo) {
        print_outcome(out, receipts, txo, 0);
    }
    /* what the whole tree cost, as explorers show it */
    uint64_t total = 0, gas = 0;
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(txo, "outcome");
    if (o && json_get_u64(o, "gas_burnt", &gas) == YB_OK) {
        total += gas;
    }
    const cJSON *item = NULL;
    cJSON_ArrayForEach(item, receipts)
    {
        o = cJSON_GetObjectItemCaseSensitive(item, "outcome");
        if (o && json_get_u64(o, "gas_burnt", &gas) == YB_OK) {
            total += gas;
        }
    }
    char sbuf[512], gbuf[32];
    fprintf(out, "gas burnt: %s in total\n", output_gas(total, gbuf, sizeof gbuf));
    status_text(cJSON_GetObjectItemCaseSensitive(tx_result, "status"), sbuf, sizeof sbuf);
    fprintf(out, "final status: %s\n", sbuf);
}

void output_progress(const struct cli *cli, uint64_t height, uint64_t left, uint64_t total)
{
    if (cli->json) {
        printf("{\"height\":%" PRIu64 ",\"blocks_left\":%" PRIu64 "}\n", height, left);
        fflush(stdout);
        return;
    }
    if (!cli->tty) {
        printf("height %" PRIu64 ", %" PRIu64 " blocks left before the timeout\n", height, left);
        fflush(stdout);
        return;
    }
    char bar[OUTPUT_BAR_WIDTH + 1];
    uint64_t used = total > left ? total - left : 0;
    size_t fill = total ? (size_t)(used * OUTPUT_BAR_WIDTH / total) : 0;
    for (size_t i = 0; i < OUTPUT_BAR_WIDTH; i++) {
        bar[i] = i < fill ? '#' : '.';
    }
    bar[OUTPUT_BAR_WIDTH] = '\0';
    printf("\r\033[K[%s] height %" PRIu64 ", %" PRIu64 " blocks left", bar, height, left);
    fflush(stdout);
}

void output_progress_end(const struct cli *cli)
{
    if (cli->tty && !cli->json) {
        printf("\n");
    }
}
