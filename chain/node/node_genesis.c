/*
 * node_genesis.c — `yb-chain init` (see node_genesis.h). The contract is initialised by a real
 * signed transaction applied as block 1, so its state is exactly what the contract writes.
 */
#include "node_genesis.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "err.h"
#include "keyfile.h"
#include "log.h"
#include "mem.h"
#include "node_config.h"
#include "node_int.h"
#include "tx.h"

#define INIT_GAS        (100ULL * 1000000000000ULL) /* 100 Tgas */
#define INIT_MAX_BLOCKS 8

static yb_u128 near_amount(uint64_t n)
{
    yb_u128 one = (yb_u128)1000000000000ULL * 1000000000000ULL; /* 10^24 yocto */
    return one * n;
}

static int read_file(const char *path, size_t cap, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return errno == ENOENT ? YB_ENOTFOUND : YB_EIO;
    }
    uint8_t *p = yb_xmalloc(cap + 1);
    size_t n = fread(p, 1, cap + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > cap) {
        free(p);
        return bad ? YB_EIO : YB_ETOOBIG;
    }
    *out = p;
    *len = n;
    return YB_OK;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        log_error("CHAIN-INIT", "cannot create %s: %s", path, strerror(errno));
        return YB_EIO;
    }
    return YB_OK;
}

/* The flock node_open holds (node.c): init must not replace a running node's store. */
static int lock_home(const char *home, int *fd)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/yb-chain.lock", home);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0) {
        log_error("CHAIN-INIT", "cannot open %s: %s", path, strerror(errno));
        return YB_EIO;
    }
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        log_error("CHAIN-LOCKED", "a yb-chain is running on %s: stop it first", home);
        close(*fd);
        *fd = -1;
        return YB_EBUSY;
    }
    return YB_OK;
}

static int write_key(const char *home, const char *account, struct keyfile *kf)
{
    int rc = keyfile_generate(kf, account);
    if (rc != YB_OK) {
        return rc;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/keys/%s.json", home, account);
    return keyfile_write(path, kf);
}

static void pubkey_of(const struct keyfile *kf, struct near_pubkey *pk)
{
    pk->type = NEAR_KEY_ED25519;
    memcpy(pk->data, kf->pk, ED25519_PK_LEN);
}

/* Genesis state and block 0, in one txn. */
static int write_genesis(struct store *s, struct runtime *rt, const struct keyfile keys[4],
                         const uint8_t *code, size_t code_len)
{
    struct store_txn *txn;
    int rc = store_write_begin(s, &txn);
    if (rc != YB_OK) {
        return rc;
    }
    struct near_pubkey pk[4];
    for (int i = 0; i < 4; i++) {
        pubkey_of(&keys[i], &pk[i]);
    }
    rc = runtime_genesis_account(rt, txn, NODE_GENESIS_ROOT, near_amount(1000000000), &pk[0]);
    rc = rc ? rc
            : runtime_genesis_account(rt, txn, NODE_GENESIS_ASSISTANT, near_amount(100), &pk[1]);
    rc = rc ? rc : runtime_genesis_deploy(rt, txn, NODE_GENESIS_ASSISTANT, code, code_len);
    rc = rc ? rc : runtime_genesis_account(rt, txn, NODE_GENESIS_ORACLE, near_amount(100), NULL);
    rc = rc ? rc : runtime_genesis_account(rt, txn, NODE_GENESIS_USER, near_amount(1000), &pk[3]);
    if (rc == YB_OK) {
        /* The oracle's least privilege: FunctionCall on the assistant, methods respond and
         * respond_many (its batch form) only. Storage usage counts the key as nearcore does
         * for an AddKey. */
        char receiver[] = NODE_GENESIS_ASSISTANT;
        char method[] = "respond", method_many[] = "respond_many";
        char *mv[] = {method, method_many};
        struct tx_access_key ak = {.nonce = 0,
                                   .full_access = false,
                                   .has_allowance = false,
                                   .receiver_id = receiver,
                                   .method_names = mv,
                                   .n_method_names = 2};
        struct yb_buf b;
        yb_buf_init(&b, 4096);
        rc = tx_access_key_encode(&b, &ak);
        rc = rc ? rc : state_access_key_set(txn, NODE_GENESIS_ORACLE, &pk[2], b.data, b.len);
        struct state_account a;
        rc = rc ? rc : state_account_get(txn, NODE_GENESIS_ORACLE, &a);
        if (rc == YB_OK) {
            struct yb_buf kb;
            yb_buf_init(&kb, 64);
            near_pubkey_encode(&kb, &pk[2]);
            a.storage_usage += kb.len + b.len + rt->config.storage_num_extra_bytes_record;
            yb_buf_fini(&kb);
            rc = state_account_set(txn, NODE_GENESIS_ORACLE, &a);
        }
        yb_buf_fini(&b);
    }
    struct node_block g = {0};
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    g.timestamp_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
    g.gas_price = NODE_GAS_PRICE;
    crypto_sha256(NULL, 0, g.chunk_hash);
    rc = rc ? rc : node_store_block_put(txn, &g);
    rc = rc ? rc : node_store_meta_put(txn, "head", 0);
    rc = rc ? rc : node_store_meta_put(txn, "seq", 0);
    if (rc != YB_OK) {
        store_abort(txn);
        return rc;
    }
    return store_commit(txn);
}

static void on_init_tx(void *arg, const struct node_tx_result *r)
{
    *(int *)arg = r->err;
}

/* Block 1: the assistant's init, signed by the contract account. */
static int init_contract(struct node *node, const struct keyfile *assistant,
                         uint64_t timeout_blocks)
{
    struct node_head head;
    node_get_head(node, &head);
    struct near_pubkey pk;
    pubkey_of(assistant, &pk);
    char args[256];
    snprintf(args, sizeof args,
             "{\"owner_id\":\"%s\",\"oracle_ids\":[\"%s\"],\"timeout_blocks\":%llu}",
             NODE_GENESIS_ROOT, NODE_GENESIS_ORACLE, (unsigned long long)timeout_blocks);
    struct tx tx;
    struct tx_signed *st = NULL;
    int rc = tx_init(&tx, NODE_GENESIS_ASSISTANT, &pk, 1, NODE_GENESIS_ASSISTANT, head.hash);
    rc = rc ? rc
            : tx_add_function_call(&tx, "init", (const uint8_t *)args, strlen(args), INIT_GAS, 0);
    rc = rc ? rc : tx_sign(&tx, assistant->sk, &st);
    tx_fini(&tx);
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    rc = rc ? rc : tx_signed_encode(&b, st);
    uint8_t hash[NEAR_HASH_LEN];
    int done = -1;
    cJSON *invalid = NULL;
    rc =
        rc ? rc
           : node_submit_tx(node, b.data, b.len, NODE_WAIT_NONE, on_init_tx, &done, hash, &invalid);
    yb_buf_fini(&b);
    tx_signed_free(st);
    if (invalid != NULL) {
        char *t = cJSON_PrintUnformatted(invalid);
        log_error("CHAIN-INIT", "init transaction refused: %s", t ? t : "?");
        cJSON_free(t);
        cJSON_Delete(invalid);
    }
    bool complete = false;
    for (int i = 0; rc == YB_OK && i < INIT_MAX_BLOCKS && !complete; i++) {
        rc = node_produce_now(node, 1, NULL);
        struct node_snapshot snap;
        rc = rc ? rc : node_snapshot_begin(node, &snap);
        if (rc != YB_OK) {
            break;
        }
        struct node_outcome *v = NULL;
        size_t n = 0;
        if (node_tx_tree(snap.txn, hash, &v, &n, &complete) == YB_OK) {
            for (size_t k = 0; complete && k < n; k++) {
                const cJSON *status = cJSON_GetObjectItemCaseSensitive(v[k].json, "status");
                if (cJSON_GetObjectItemCaseSensitive(status, "Failure") != NULL) {
                    char *t = cJSON_PrintUnformatted(status);
                    log_error("CHAIN-INIT", "assistant init failed: %s", t ? t : "?");
                    cJSON_free(t);
                    rc = YB_ERUNTIME;
                }
            }
            node_outcomes_free(v, n);
        }
        node_snapshot_end(&snap);
    }
    if (rc == YB_OK && !complete) {
        rc = YB_ERUNTIME;
    }
    return rc;
}

int node_genesis_init(const struct node_config *cfg, const char *wasm_path, bool force)
{
    int rc = crypto_init();
    if (rc != YB_OK) {
        return rc;
    }
    char path[sizeof cfg->home + 64];
    snprintf(path, sizeof path, "%s/data/data.mdb", cfg->home);
    bool exists = access(path, F_OK) == 0;
    if (exists && !force) {
        return YB_EEXIST;
    }
    /* Hold the home's lock while its store is replaced: a running node keeps it. */
    int lock_fd = -1;
    rc = make_dir(cfg->home);
    rc = rc ? rc : lock_home(cfg->home, &lock_fd);
    if (rc != YB_OK) {
        return rc;
    }
    if (exists) {
        unlink(path);
        snprintf(path, sizeof path, "%s/data/lock.mdb", cfg->home);
        unlink(path);
    }
    uint8_t *code = NULL;
    size_t code_len = 0;
    rc = read_file(wasm_path, TX_MAX_CODE_LEN, &code, &code_len);
    if (rc != YB_OK) {
        log_error("CHAIN-INIT", "cannot read the assistant contract %s: %s", wasm_path,
                  yb_err_str(rc));
        close(lock_fd);
        return rc;
    }
    snprintf(path, sizeof path, "%s/keys", cfg->home);
    rc = make_dir(path);
    static const char *const accounts[4] = {NODE_GENESIS_ROOT, NODE_GENESIS_ASSISTANT,
                                            NODE_GENESIS_ORACLE, NODE_GENESIS_USER};
    struct keyfile keys[4];
    memset(keys, 0, sizeof keys);
    for (int i = 0; rc == YB_OK && i < 4; i++) {
        rc = write_key(cfg->home, accounts[i], &keys[i]);
    }
    rc = rc ? rc : node_config_write(cfg);

    struct runtime rt;
    bool rt_ok = false;
    if (rc == YB_OK) {
        struct config_runtime rcfg;
        config_default(&rcfg);
        rcfg.limits.yield_timeout_length_in_blocks = cfg->yield_timeout;
        rc = runtime_init(&rt, &rcfg);
        rt_ok = rc == YB_OK;
    }
    struct store *s = NULL;
    if (rc == YB_OK) {
        snprintf(path, sizeof path, "%s/data", cfg->home);
        struct store_options so;
        store_options_default(&so);
        so.n_columns = NODE_COL__END;
        /* The store's own default is MDB_WRITEMAP, which sizes data.mdb to the whole map (a
         * 64 GiB sparse file); the node's is store_write_map=false. Genesis follows the node. */
        so.write_map = cfg->store_write_map;
        rc = store_open(path, &so, &s);
    }
    rc = rc ? rc : write_genesis(s, &rt, keys, code, code_len);
    store_close(s);
    if (rt_ok) {
        runtime_fini(&rt);
    }
    free(code);
    close(lock_fd); /* node_open takes it again */

    if (rc == YB_OK) {
        struct node_config quiet = *cfg;
        quiet.events_addr[0] = '\0';
        quiet.mode = NODE_MODE_MANUAL;
        struct node *node;
        rc = node_open(&quiet, &node);
        if (rc == YB_OK) {
            rc = init_contract(node, &keys[1], cfg->yield_timeout);
            node_close(node);
        }
    }
    for (int i = 0; i < 4; i++) {
        keyfile_wipe(&keys[i]);
    }
    return rc;
}
