/*
 * node_config.c — reading and writing HOME/config.json (see node_config.h).
 */
#include "node_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"

int node_config_default(struct node_config *cfg, const char *home)
{
    memset(cfg, 0, sizeof *cfg);
    if (strlen(home) >= sizeof cfg->home) {
        return YB_ETOOBIG;
    }
    snprintf(cfg->home, sizeof cfg->home, "%s", home);
    snprintf(cfg->rpc_addr, sizeof cfg->rpc_addr, "%s", NODE_DEFAULT_RPC_ADDR);
    snprintf(cfg->events_addr, sizeof cfg->events_addr, "%s", NODE_DEFAULT_EVENTS_ADDR);
    cfg->mode = NODE_MODE_INTERVAL;
    cfg->block_time_ms = NODE_DEFAULT_BLOCK_MS;
    cfg->yield_timeout = NODE_DEFAULT_TIMEOUT;
    cfg->store_sync = true;
    /* MDB_WRITEMAP off: with an fsync per block, the pages msync wrote back are write-protected
     * again, so every page a block touches faulted (~55,000 faults per 7 s of load); off, LMDB
     * writes its dirty copies with pwrite (README.md, Speed: ~7% less CPU per request). */
    cfg->store_write_map = false;
    cfg->log_json = false;
    cfg->wait_timeout_ms = NODE_DEFAULT_WAIT_MS;
    return YB_OK;
}

static int copy_str(const cJSON *root, const char *key, char *out, size_t cap)
{
    const char *s;
    int rc = json_opt_str(root, key, NULL, &s);
    if (rc != YB_OK || s == NULL) {
        return rc;
    }
    if (strlen(s) >= cap) {
        return YB_ETOOBIG;
    }
    snprintf(out, cap, "%s", s);
    return YB_OK;
}

int node_config_load(struct node_config *cfg)
{
    char path[sizeof cfg->home + 32];
    snprintf(path, sizeof path, "%s/%s", cfg->home, NODE_CONFIG_FILE);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return YB_ENOTFOUND;
    }
    char *text = malloc(NODE_CONFIG_MAX + 1);
    size_t n = text ? fread(text, 1, NODE_CONFIG_MAX + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (text == NULL || bad) {
        free(text);
        return YB_EIO;
    }
    if (n > NODE_CONFIG_MAX) {
        free(text);
        return YB_ETOOBIG;
    }
    cJSON *root = NULL;
    int rc = json_parse(text, n, NODE_CONFIG_MAX, &root, NULL);
    free(text);
    if (rc != YB_OK) {
        return rc;
    }
    const char *mode = NULL, *log_format = NULL;
    rc = copy_str(root, "rpc_addr", cfg->rpc_addr, sizeof cfg->rpc_addr);
    rc = rc ? rc : copy_str(root, "events_addr", cfg->events_addr, sizeof cfg->events_addr);
    rc = rc ? rc : json_opt_str(root, "mode", NULL, &mode);
    rc = rc ? rc : json_opt_u64(root, "block_time_ms", cfg->block_time_ms, &cfg->block_time_ms);
    rc = rc ? rc : json_opt_u64(root, "yield_timeout", cfg->yield_timeout, &cfg->yield_timeout);
    rc = rc ? rc : json_opt_bool(root, "store_sync", cfg->store_sync, &cfg->store_sync);
    rc = rc ? rc
            : json_opt_bool(root, "store_write_map", cfg->store_write_map, &cfg->store_write_map);
    rc = rc ? rc
            : json_opt_u64(root, "wait_timeout_ms", cfg->wait_timeout_ms, &cfg->wait_timeout_ms);
    rc = rc ? rc : json_opt_str(root, "log_format", NULL, &log_format);
    if (rc == YB_OK && mode != NULL && node_mode_from_str(mode, &cfg->mode) != YB_OK) {
        rc = YB_ECONFIG;
    }
    if (rc == YB_OK && log_format != NULL) {
        if (strcmp(log_format, "json") == 0 || strcmp(log_format, "text") == 0) {
            cfg->log_json = strcmp(log_format, "json") == 0;
        } else {
            rc = YB_ECONFIG;
        }
    }
    cJSON_Delete(root);
    return rc;
}

int node_config_write(const struct node_config *cfg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "//",
                            "yb-chain settings. Keys starting with // are comments. "
                            "Command-line flags of `yb-chain run` override these.");
    cJSON_AddStringToObject(o, "//rpc_addr", "JSON-RPC HTTP listen address, host:port.");
    cJSON_AddStringToObject(o, "rpc_addr", cfg->rpc_addr);
    cJSON_AddStringToObject(o, "//events_addr",
                            "nng PUB URL for events (block, yield.*, tx.outcome); \"\" = off.");
    cJSON_AddStringToObject(o, "events_addr", cfg->events_addr);
    cJSON_AddStringToObject(o, "//mode",
                            "Block production: interval (every block_time_ms), on-demand (as "
                            "soon as transactions or receipts wait), manual (only on request).");
    cJSON_AddStringToObject(o, "mode", node_mode_name(cfg->mode));
    cJSON_AddStringToObject(o, "//block_time_ms",
                            "Interval mode's block time; also the timestamp step per height of "
                            "sandbox_fast_forward.");
    json_add_u64(o, "block_time_ms", cfg->block_time_ms);
    cJSON_AddStringToObject(o, "//yield_timeout",
                            "Blocks a yielded promise waits for a resume before it times out.");
    json_add_u64(o, "yield_timeout", cfg->yield_timeout);
    cJSON_AddStringToObject(o, "//store_sync",
                            "fsync every block commit (true: no committed block is lost on power "
                            "failure; false: faster, a crash of the OS may lose recent blocks).");
    cJSON_AddBoolToObject(o, "store_sync", cfg->store_sync);
    cJSON_AddStringToObject(o, "//store_write_map",
                            "LMDB writes pages in place in the map (MDB_WRITEMAP) instead of "
                            "copies written out at commit; see chain/node/README.md, Speed.");
    cJSON_AddBoolToObject(o, "store_write_map", cfg->store_write_map);
    cJSON_AddStringToObject(o, "//wait_timeout_ms",
                            "send_tx waits answer TIMEOUT_ERROR after this long without the "
                            "transaction progressing.");
    json_add_u64(o, "wait_timeout_ms", cfg->wait_timeout_ms);
    cJSON_AddStringToObject(o, "//log_format", "text or json (one JSON object per line).");
    cJSON_AddStringToObject(o, "log_format", cfg->log_json ? "json" : "text");
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (text == NULL) {
        return YB_ENOMEM;
    }
    char path[sizeof cfg->home + 32];
    snprintf(path, sizeof path, "%s/%s", cfg->home, NODE_CONFIG_FILE);
    FILE *f = fopen(path, "w");
    int rc = YB_OK;
    if (f == NULL || fputs(text, f) < 0 || fputc('\n', f) < 0) {
        rc = YB_EIO;
    }
    if (f != NULL && fclose(f) != 0) {
        rc = YB_EIO;
    }
    cJSON_free(text);
    return rc;
}
