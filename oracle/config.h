/*
 * config.h — yb-oracle's settings: defaults, then a commented JSON file (--config), then the
 * environment (YB_ORACLE_<KEY>), then flags (--<key-with-dashes>), each overriding the last.
 *
 * Every setting is one row of a table (config.c): its JSON key ("rpc_url"), the flag spelling
 * derived from it ("--rpc-url"), the environment variable ("YB_ORACLE_RPC_URL"), its type, its
 * default and a line of help — so --help, the example file and the loader cannot drift apart.
 * The file is JSON with // and block comments allowed (stripped by cJSON_Minify before parsing);
 * an unknown key in it is an error, so typos are caught.
 *
 * Thread rules: load once at start-up; read-only afterwards.
 */
#ifndef YB_ORACLE_CONFIG_H
#define YB_ORACLE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ai.h"

/* A config file larger than this is refused (a real one is ~2 KiB). */
#define CONFIG_FILE_MAX ((size_t)256 << 10)
#define CONFIG_WHY_MAX  256

struct oracle_config {
    /* chain */
    char *rpc_url;
    char *events_url; /* "" = no events, polling only */
    char *contract_id;
    char *profile; /* "yieldbox" or "near-examples" */
    char *account_id;
    char *key_file;
    char *journal_dir;
    uint64_t respond_gas;
    uint32_t timeout_blocks; /* yield timeout, for profiles whose list gives no expiry */
    /* AI */
    char *ai_backend;
    char *ai_base_url;
    char *ai_model;
    char *ai_api_key_env;
    char *ai_system_prompt;
    double ai_temperature;
    uint32_t ai_max_tokens;
    uint32_t ai_timeout_ms;
    uint32_t ai_connect_timeout_ms;
    uint32_t ai_max_attempts;
    uint32_t backoff_base_ms;
    uint32_t backoff_cap_ms;
    /* scheduling */
    uint32_t concurrency;
    uint32_t poll_interval_ms;
    uint32_t sweep_interval_ms; /* whole-list reads on the timer at most this far apart */
    uint32_t safety_margin_blocks;
    uint32_t answer_max_bytes;
    uint32_t send_window;
    uint32_t respond_batch_max; /* 1 = one respond per answer */
    uint64_t respond_many_gas;
    uint32_t instance_index; /* --instance i/n */
    uint32_t instance_count;
    uint32_t takeover_blocks;
    /* operations */
    char *metrics_listen; /* "" = no metrics server */
    char *log_level;
    char *log_format;
    bool show_help;
    bool show_version;
};

/*
 * Fills *c from defaults, the file named by --config (if any), the environment and argv
 * (borrowed; argv[0] is the program). *c is caller-owned: config_fini. On error, why (may be
 * NULL) gets a one-line reason naming the setting, e.g. "--concurrency: expected a number
 * 1..100000, got \"x\"". Errors: YB_ECONFIG (*c is then finished already).
 */
int config_load(struct oracle_config *c, int argc, char **argv, char *why, size_t why_cap);
/* Checks the settings belong together (required ones set, instance i < n, names known).
 * Errors: YB_ECONFIG with why. Called by config_load unless --help or --version. */
int config_validate(const struct oracle_config *c, char *why, size_t why_cap);
void config_fini(struct oracle_config *c);
/* The AI part as ai.h wants it; strings borrowed from c. */
void config_ai(const struct oracle_config *c, struct ai_config *out);
/* Writes the --help text (every flag, its variable, default and meaning) to f. */
void config_usage(FILE *f, const char *prog);

#endif
