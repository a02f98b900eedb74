/*
 * config.c — one table of settings drives defaults, the JSON file, the environment, the flags
 * and --help.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "err.h"
#include "json.h"
#include "mem.h"

enum opt_type { OPT_STR, OPT_U32, OPT_U64, OPT_DOUBLE, OPT_INSTANCE };

struct opt {
    const char *key; /* JSON key; the flag is "--" + key with '_' -> '-' */
    enum opt_type type;
    size_t offset;
    const char *def;
    uint64_t min, max; /* for numbers */
    const char *help;
};

#define O(field) offsetof(struct oracle_config, field)

static const struct opt opts[] = {
    {"rpc_url", OPT_STR, O(rpc_url), "http://127.0.0.1:3030", 0, 0, "chain JSON-RPC URL"},
    {"events_url", OPT_STR, O(events_url), "tcp://127.0.0.1:3031", 0, 0,
     "nng SUB URL of chain events (hints); \"\" = poll only"},
    {"contract_id", OPT_STR, O(contract_id), "", 0, 0, "the contract whose requests to answer"},
    {"profile", OPT_STR, O(profile), "yieldbox", 0, 0,
     "contract interface: yieldbox | near-examples"},
    {"account_id", OPT_STR, O(account_id), "", 0, 0, "the oracle's account (signer)"},
    {"key_file", OPT_STR, O(key_file), "", 0, 0, "credentials JSON of account_id"},
    {"journal_dir", OPT_STR, O(journal_dir), "oracle-journal", 0, 0,
     "LMDB directory of journaled answers"},
    {"respond_gas", OPT_U64, O(respond_gas), "30000000000000", 1000000000000ull, 300000000000000ull,
     "gas attached to respond"},
    {"timeout_blocks", OPT_U32, O(timeout_blocks), "200", 1, 1000000,
     "the chain's yield timeout in blocks (caps the expiry a contract reports)"},
    {"ai_backend", OPT_STR, O(ai_backend), "openai", 0, 0, "AI API: openai | anthropic"},
    {"ai_base_url", OPT_STR, O(ai_base_url), "http://127.0.0.1:3033", 0, 0, "AI server URL"},
    {"ai_model", OPT_STR, O(ai_model), "yb-mock", 0, 0, "model name"},
    {"ai_api_key_env", OPT_STR, O(ai_api_key_env), "", 0, 0,
     "environment variable holding the API key; \"\" = none"},
    {"ai_system_prompt", OPT_STR, O(ai_system_prompt), "", 0, 0, "system prompt; \"\" = none"},
    {"ai_temperature", OPT_DOUBLE, O(ai_temperature), "-1", 0, 0,
     "sampling temperature; negative = server default"},
    {"ai_max_tokens", OPT_U32, O(ai_max_tokens), "0", 0, 1000000,
     "answer token limit; 0 = default"},
    {"ai_timeout_ms", OPT_U32, O(ai_timeout_ms), "30000", 100, 3600000,
     "longest AI call (cut further by the request's deadline)"},
    {"ai_connect_timeout_ms", OPT_U32, O(ai_connect_timeout_ms), "5000", 10, 600000,
     "AI connect timeout"},
    {"ai_max_attempts", OPT_U32, O(ai_max_attempts), "6", 1, 100, "AI calls per request at most"},
    {"backoff_base_ms", OPT_U32, O(backoff_base_ms), "200", 1, 600000, "first retry delay scale"},
    {"backoff_cap_ms", OPT_U32, O(backoff_cap_ms), "8000", 1, 600000, "retry delay cap"},
    {"concurrency", OPT_U32, O(concurrency), "256", 1, 100000, "AI calls in flight at most"},
    {"poll_interval_ms", OPT_U32, O(poll_interval_ms), "1000", 5, 3600000,
     "pending-list poll period (events trigger extra polls)"},
    {"sweep_interval_ms", OPT_U32, O(sweep_interval_ms), "10000", 5, 3600000,
     "a timer poll reads the whole pending list once this long passed since the last such "
     "read (other polls read only the requests newer than the last one seen); whole reads find "
     "requests that left the list without our answer (another oracle's, timed out) and also "
     "run at start and before a follower (--instance) takes a request over; near-examples "
     "reads the whole list on every poll"},
    {"safety_margin_blocks", OPT_U32, O(safety_margin_blocks), "2", 0, 100000,
     "blocks kept in reserve before a request's expiry"},
    {"answer_max_bytes", OPT_U32, O(answer_max_bytes), "16384", 1, 65536,
     "answers are cut to this many bytes (UTF-8-safe)"},
    {"send_window", OPT_U32, O(send_window), "4", 1, 1024,
     "respond send_tx calls in flight at most; one at a time keeps the key's nonces in order, "
     "more go out only while a full batch (or, without batches, any answer) waits; those may "
     "land out of nonce order across a block boundary (InvalidNonce: re-signed); 1 = never"},
    {"respond_batch_max", OPT_U32, O(respond_batch_max), "32", 1, 32,
     "answers per respond_many call when several are ready at send time (profiles with a batch "
     "method); a lone answer still goes out at once with respond; 1 = never batch; a key "
     "without respond_many (or a contract without it) means one respond per answer"},
    {"respond_many_gas", OPT_U64, O(respond_many_gas), "200000000000000", 1000000000000ull,
     300000000000000ull, "gas attached to respond_many (a batch of 32 burns ~65 Tgas)"},
    {"instance", OPT_INSTANCE, O(instance_index), "0/1", 0, 0,
     "i/n: this oracle is instance i of n (leader per request by yield_id hash)"},
    {"takeover_blocks", OPT_U32, O(takeover_blocks), "10", 1, 100000,
     "a follower answers when the leader has not after this many blocks"},
    {"metrics_listen", OPT_STR, O(metrics_listen), "http://127.0.0.1:3032", 0, 0,
     "/metrics and /healthz server; \"\" = off"},
    {"log_level", OPT_STR, O(log_level), "info", 0, 0, "debug | info | warn | error"},
    {"log_format", OPT_STR, O(log_format), "text", 0, 0, "text | json"},
};

#define N_OPTS (sizeof opts / sizeof opts[0])

static void set_why(char *why, size_t cap, const char *fmt, const char *a, const char *b)
{
    if (why && cap) {
        snprintf(why, cap, fmt, a, b);
    }
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s[0] || !isdigit((unsigned char)s[0])) {
        return false;
    }
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) {
        return false;
    }
    *out = v;
    return true;
}

/* Stores text value s into the setting o of c. `where` names the source for errors. */
static int set_value(struct oracle_config *c, const struct opt *o, const char *s, const char *where,
                     char *why, size_t cap)
{
    void *p = (char *)c + o->offset;
    char msg[CONFIG_WHY_MAX];
    switch (o->type) {
    case OPT_STR:
        free(*(char **)p);
        *(char **)p = yb_xstrdup(s);
        return YB_OK;
    case OPT_U32:
    case OPT_U64: {
        uint64_t v;
        if (!parse_u64(s, &v) || v < o->min || v > o->max) {
            snprintf(msg, sizeof msg, "expected a number %llu..%llu, got \"%.40s\"",
                     (unsigned long long)o->min, (unsigned long long)o->max, s);
            set_why(why, cap, "%s: %s", where, msg);
            return YB_ECONFIG;
        }
        if (o->type == OPT_U32) {
            *(uint32_t *)p = (uint32_t)v;
        } else {
            *(uint64_t *)p = v;
        }
        return YB_OK;
    }
    case OPT_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || !s[0] || *end) {
            set_why(why, cap, "%s: expected a number, got \"%.40s\"", where, s);
            return YB_ECONFIG;
        }
        *(double *)p = v;
        return YB_OK;
    }
    case OPT_INSTANCE: {
        const char *slash = strchr(s, '/');
        uint64_t i, n;
        char first[24];
        size_t flen = slash ? (size_t)(slash - s) : 0;
        if (!slash || flen == 0 || flen >= sizeof first) {
            set_why(why, cap, "%s: expected i/n, got \"%.40s\"", where, s);
            return YB_ECONFIG;
        }
        memcpy(first, s, flen);
        first[flen] = 0;
        if (!parse_u64(first, &i) || !parse_u64(slash + 1, &n) || n == 0 || n > 1024 || i >= n) {
            set_why(why, cap, "%s: expected i/n with 0 <= i < n <= 1024, got \"%.40s\"", where, s);
            return YB_ECONFIG;
        }
        c->instance_index = (uint32_t)i;
        c->instance_count = (uint32_t)n;
        return YB_OK;
    }
    }
    return YB_EINTERNAL;
}

static const struct opt *find_opt(const char *name, size_t n, bool dashes)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const char *k = opts[i].key;
        if (strlen(k) != n) {
            continue;
        }
        bool same = true;
        for (size_t j = 0; j < n && same; j++) {
            char want = dashes && k[j] == '_' ? '-' : k[j];
            same = name[j] == want;
        }
        if (same) {
            return &opts[i];
        }
    }
    return NULL;
}

static int load_file(struct oracle_config *c, const char *path, char *why, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_why(why, cap, "--config %s: %s", path, strerror(errno));
        return YB_ECONFIG;
    }
    char *text = yb_xmalloc(CONFIG_FILE_MAX + 1);
    size_t n = fread(text, 1, CONFIG_FILE_MAX + 1, f);
    fclose(f);
    if (n > CONFIG_FILE_MAX) {
        free(text);
        set_why(why, cap, "--config %s: %s", path, "larger than 256 KiB");
        return YB_ECONFIG;
    }
    text[n] = 0;
    cJSON_Minify(text); /* strips the comments a commented config carries */
    cJSON *root = NULL;
    int rc = json_parse(text, strlen(text), CONFIG_FILE_MAX, &root, NULL);
    free(text);
    if (rc != YB_OK || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        set_why(why, cap, "--config %s: %s", path, "not a JSON object");
        return YB_ECONFIG;
    }
    rc = YB_OK;
    for (const cJSON *it = root->child; it && rc == YB_OK; it = it->next) {
        const struct opt *o = find_opt(it->string, strlen(it->string), false);
        char where[128];
        snprintf(where, sizeof where, "%s: \"%.60s\"", path, it->string);
        char num[64];
        const char *val = NULL;
        if (!o) {
            set_why(why, cap, "%s: %s", where, "unknown setting");
            rc = YB_ECONFIG;
        } else if (cJSON_IsString(it)) {
            val = it->valuestring;
        } else if (cJSON_IsNumber(it) && o->type != OPT_STR) {
            if (o->type == OPT_DOUBLE) {
                snprintf(num, sizeof num, "%.17g", it->valuedouble);
            } else if (it->valuedouble >= 0 && it->valuedouble <= 1.8e19) {
                snprintf(num, sizeof num, "%.0f", it->valuedouble);
            } else {
                snprintf(num, sizeof num, "-");
            }
            val = num;
        } else {
            set_why(why, cap, "%s: %s", where, "wrong type");
            rc = YB_ECONFIG;
        }
        if (val) {
            rc = set_value(c, o, val, where, why, cap);
        }
    }
    cJSON_Delete(root);
    return rc;
}

static void env_name(const struct opt *o, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "YB_ORACLE_%s", o->key);
    for (size_t i = 10; i < n && i < cap; i++) {
        out[i] = (char)toupper((unsigned char)out[i]);
    }
}

static int load_env(struct oracle_config *c, char *why, size_t cap)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        char name[64];
        env_name(&opts[i], name, sizeof name);
        const char *v = getenv(name);
        if (v) {
            int rc = set_value(c, &opts[i], v, name, why, cap);
            if (rc != YB_OK) {
                return rc;
            }
        }
    }
    return YB_OK;
}

/* Flag i of argv as name + value ("--x=v" or "--x v"); advances *i past what it used. */
static int next_flag(int argc, char **argv, int *i, const char **name, size_t *name_len,
                     const char **value)
{
    const char *a = argv[*i];
    if (strncmp(a, "--", 2) != 0) {
        return YB_ECONFIG;
    }
    *name = a + 2;
    const char *eq = strchr(*name, '=');
    if (eq) {
        *name_len = (size_t)(eq - *name);
        *value = eq + 1;
    } else {
        *name_len = strlen(*name);
        *value = *i + 1 < argc ? argv[*i + 1] : NULL;
        if (*value) {
            (*i)++;
        }
    }
    (*i)++;
    return YB_OK;
}

static bool is_flag(const char *a, const char *name)
{
    return strcmp(a, name) == 0;
}

int config_load(struct oracle_config *c, int argc, char **argv, char *why, size_t cap)
{
    memset(c, 0, sizeof *c);
    int rc = YB_OK;
    for (size_t i = 0; i < N_OPTS && rc == YB_OK; i++) {
        rc = set_value(c, &opts[i], opts[i].def, opts[i].key, why, cap);
    }
    /* --help, --version and --config act before anything else so their order does not matter. */
    const char *config_path = getenv("YB_ORACLE_CONFIG");
    for (int i = 1; i < argc && rc == YB_OK; i++) {
        if (is_flag(argv[i], "--help") || is_flag(argv[i], "-h")) {
            c->show_help = true;
            return YB_OK;
        }
        if (is_flag(argv[i], "--version")) {
            c->show_version = true;
            return YB_OK;
        }
        if (is_flag(argv[i], "--config") && i + 1 < argc) {
            config_path = argv[i + 1];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            config_path = argv[i] + 9;
        }
    }
    if (rc == YB_OK && config_path && config_path[0]) {
        rc = load_file(c, config_path, why, cap);
    }
    if (rc == YB_OK) {
        rc = load_env(c, why, cap);
    }
    for (int i = 1; i < argc && rc == YB_OK;) {
        const char *name, *value;
        size_t len;
        const char *arg = argv[i];
        if (next_flag(argc, argv, &i, &name, &len, &value) != YB_OK) {
            set_why(why, cap, "%s: %s", arg, "unexpected argument (flags start with --)");
            rc = YB_ECONFIG;
            break;
        }
        if (len == 6 && strncmp(name, "config", 6) == 0) {
            continue;
        }
        const struct opt *o = find_opt(name, len, true);
        if (!o) {
            set_why(why, cap, "%s: %s", arg, "unknown flag (see --help)");
            rc = YB_ECONFIG;
        } else if (!value) {
            set_why(why, cap, "%s: %s", arg, "needs a value");
            rc = YB_ECONFIG;
        } else {
            rc = set_value(c, o, value, arg, why, cap);
        }
    }
    if (rc == YB_OK) {
        rc = config_validate(c, why, cap);
    }
    if (rc != YB_OK) {
        config_fini(c);
    }
    return rc;
}

int config_validate(const struct oracle_config *c, char *why, size_t cap)
{
    const struct {
        const char *value, *name;
    } required[] = {
        {c->rpc_url, "rpc_url"},   {c->contract_id, "contract_id"}, {c->account_id, "account_id"},
        {c->key_file, "key_file"}, {c->journal_dir, "journal_dir"}, {c->ai_base_url, "ai_base_url"},
        {c->ai_model, "ai_model"},
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (!required[i].value || !required[i].value[0]) {
            set_why(why, cap, "%s: %s", required[i].name, "required (flag, env or config file)");
            return YB_ECONFIG;
        }
    }
    if (strcmp(c->profile, "yieldbox") != 0 && strcmp(c->profile, "near-examples") != 0) {
        set_why(why, cap, "profile: unknown \"%.40s\"%s", c->profile,
                " (yieldbox | near-examples)");
        return YB_ECONFIG;
    }
    if (!ai_backend_find(c->ai_backend)) {
        set_why(why, cap, "ai_backend: unknown \"%.40s\"%s", c->ai_backend,
                " (openai | anthropic)");
        return YB_ECONFIG;
    }
    if (c->backoff_cap_ms < c->backoff_base_ms) {
        set_why(why, cap, "%s: %s", "backoff_cap_ms", "must be >= backoff_base_ms");
        return YB_ECONFIG;
    }
    return YB_OK;
}

void config_fini(struct oracle_config *c)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        if (opts[i].type == OPT_STR) {
            char **p = (char **)((char *)c + opts[i].offset);
            free(*p);
            *p = NULL;
        }
    }
}

void config_ai(const struct oracle_config *c, struct ai_config *out)
{
    memset(out, 0, sizeof *out);
    out->backend = c->ai_backend;
    out->base_url = c->ai_base_url;
    out->model = c->ai_model;
    out->api_key_env = c->ai_api_key_env;
    out->system_prompt = c->ai_system_prompt;
    out->temperature = c->ai_temperature;
    out->max_tokens = c->ai_max_tokens;
}

void config_usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [--config FILE] [--FLAG VALUE ...]\n\n"
            "yb-oracle answers the pending requests of a yield/resume contract: it polls the\n"
            "contract's pending list (nng events only trigger extra polls), asks an AI over HTTP,\n"
            "journals each answer (LMDB) and submits signed `respond` transactions.\n\n"
            "Settings come from defaults, then --config FILE (JSON, comments allowed, keys as\n"
            "below with '_'), then environment variables, then flags.\n\n"
            "  --config FILE   (YB_ORACLE_CONFIG) commented JSON settings file\n"
            "  --help          this text\n"
            "  --version       print the version\n",
            prog);
    for (size_t i = 0; i < N_OPTS; i++) {
        char flag[64], env[64];
        snprintf(flag, sizeof flag, "--%s", opts[i].key);
        for (char *p = flag; *p; p++) {
            if (*p == '_') {
                *p = '-';
            }
        }
        env_name(&opts[i], env, sizeof env);
        fprintf(f, "  %-24s (%s) %s [default: \"%s\"]\n", flag, env, opts[i].help, opts[i].def);
    }
}
