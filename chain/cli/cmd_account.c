/*
 * cmd_account.c — `yb account ACCOUNT` (balance, storage, code, keys) and `yb keys` (the
 * credential files in HOME/keys).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "json.h"
#include "mem.h"
#include "output.h"

static cJSON *query_params(const char *type, const char *account)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "request_type", type);
    cJSON_AddStringToObject(p, "finality", "final");
    cJSON_AddStringToObject(p, "account_id", account);
    return p;
}

static int account_exec(struct cli *cli, int argc, char **argv)
{
    if (argc != 2) {
        return cli_fail(cli, YB_EINVAL, "account: usage: yb account ACCOUNT");
    }
    int rc = cli_check_account(cli, argv[1]);
    if (rc != YB_OK) {
        return rc;
    }
    cJSON *p = query_params("view_account", argv[1]);
    cJSON *acc = NULL, *keys = NULL;
    rc = cli_rpc(cli, "query", p, &acc, "viewing the account");
    cJSON_Delete(p);
    if (rc != YB_OK) {
        return rc;
    }
    p = query_params("view_access_key_list", argv[1]);
    rc = cli_rpc(cli, "query", p, &keys, "listing the account's keys");
    cJSON_Delete(p);
    if (rc != YB_OK) {
        cJSON_Delete(acc);
        return rc;
    }
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "account_id", argv[1]);
        cJSON_AddItemToObject(o, "account", acc);
        cJSON_AddItemToObject(o, "keys", cJSON_DetachItemFromObject(keys, "keys"));
        output_json(o);
        cJSON_Delete(o);
        cJSON_Delete(keys);
        return YB_OK;
    }
    yb_u128 amount = 0;
    uint64_t storage = 0;
    const char *code_hash = "?";
    json_get_u128(acc, "amount", &amount);
    json_get_u64(acc, "storage_usage", &storage);
    json_get_str(acc, "code_hash", &code_hash);
    char dec[U128_DEC_MAX];
    u128_to_dec(amount, dec);
    /* yocto → NEAR with 4 decimals for people; the exact figure stays in --json. */
    yb_u128 one = 1;
    for (int k = 0; k < 20; k++) {
        one *= 10;
    }
    yb_u128 tenk = amount / one;
    printf("account   %s\nbalance   %llu.%04llu NEAR (%s yocto)\nstorage   %llu bytes\n"
           "code hash %s%s\n",
           argv[1], (unsigned long long)(tenk / 10000), (unsigned long long)(tenk % 10000), dec,
           (unsigned long long)storage, code_hash,
           strcmp(code_hash, "11111111111111111111111111111111") == 0 ? " (no contract)" : "");
    const cJSON *list = NULL, *k = NULL;
    json_get_array(keys, "keys", &list);
    cJSON_ArrayForEach(k, list)
    {
        const char *pk = "?";
        const cJSON *ak = NULL;
        json_get_str(k, "public_key", &pk);
        json_get_object(k, "access_key", &ak);
        const cJSON *perm = ak ? cJSON_GetObjectItemCaseSensitive(ak, "permission") : NULL;
        char *ptext = perm && !cJSON_IsString(perm) ? cJSON_PrintUnformatted(perm) : NULL;
        printf("key       %s %s\n", pk,
               ptext ? ptext : (cJSON_IsString(perm) ? perm->valuestring : "?"));
        free(ptext);
    }
    cJSON_Delete(acc);
    cJSON_Delete(keys);
    return YB_OK;
}

const struct cmd_entry cmd_account_entry = {
    .name = "account",
    .usage = "ACCOUNT",
    .summary = "show an account: balance, storage, contract code hash, access keys",
    .help = NULL,
    .exec = account_exec,
};

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define KEYS_MAX 1024 /* files listed at most */

static int keys_exec(struct cli *cli, int argc, char **argv)
{
    if (argc != 1) {
        return cli_fail(cli, YB_EINVAL, "keys: takes no arguments");
    }
    char dir[CLI_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/keys", cli->home);
    DIR *d = opendir(dir);
    if (!d) {
        return cli_fail(cli, YB_ENOTFOUND, "no keys directory %s; run yb-chain init or pass --home",
                        dir);
    }
    char *names[KEYS_MAX];
    size_t n = 0;
    for (struct dirent *ent = readdir(d); ent != NULL && n < KEYS_MAX; ent = readdir(d)) {
        size_t len = strlen(ent->d_name);
        if (len > 5 && strcmp(ent->d_name + len - 5, ".json") == 0) {
            names[n++] = yb_xstrndup(ent->d_name, len - 5);
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], name_cmp);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        struct keyfile kf;
        char path[CLI_PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
        int rc = keyfile_read(path, &kf);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", path);
        if (rc == YB_OK) {
            struct near_pubkey pk;
            char pks[NEAR_PUBKEY_STR_MAX];
            near_secret_key_pubkey(kf.sk, &pk);
            near_pubkey_format(&pk, pks);
            cJSON_AddStringToObject(o, "account_id", kf.account_id);
            cJSON_AddStringToObject(o, "public_key", pks);
            if (!cli->json) {
                printf("%-32s %s\n", kf.account_id, pks);
            }
        } else {
            cJSON_AddStringToObject(o, "error", yb_err_str(rc));
            if (!cli->json) {
                printf("%-32s (unreadable: %s)\n", names[i], yb_err_str(rc));
            }
        }
        keyfile_wipe(&kf);
        cJSON_AddItemToArray(arr, o);
        free(names[i]);
    }
    if (cli->json) {
        output_json(arr);
    } else if (n == 0) {
        printf("no keys in %s\n", dir);
    }
    cJSON_Delete(arr);
    return YB_OK;
}

const struct cmd_entry cmd_account_keys_entry = {
    .name = "keys",
    .usage = "",
    .summary = "list the credential files in HOME/keys (account and public key)",
    .help = NULL,
    .exec = keys_exec,
};
