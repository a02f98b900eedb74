/*
 * test_config.c — oracle/config: defaults, a commented JSON file, environment and flags in
 * that order of precedence, --instance parsing, and refused inputs as a table with the reason
 * each must name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "err.h"

#define REQUIRED "--contract-id", "assistant.test", "--account-id", "oracle.test", "--key-file", "k"

static int load(struct oracle_config *c, char *why, int argc, char **argv)
{
    return config_load(c, argc, argv, why, CONFIG_WHY_MAX);
}

static void defaults_and_flags(void **state)
{
    (void)state;
    char *argv[] = {"yb-oracle",        REQUIRED, "--concurrency=8", "--instance", "1/3",
                    "--ai-temperature", "0.5"};
    struct oracle_config c;
    char why[CONFIG_WHY_MAX] = "";
    assert_int_equal(load(&c, why, (int)(sizeof argv / sizeof argv[0]), argv), YB_OK);
    assert_string_equal(c.rpc_url, "http://127.0.0.1:3030");
    assert_string_equal(c.profile, "yieldbox");
    assert_string_equal(c.contract_id, "assistant.test");
    assert_int_equal(c.concurrency, 8);
    assert_int_equal(c.instance_index, 1);
    assert_int_equal(c.instance_count, 3);
    assert_int_equal(c.answer_max_bytes, 16384);
    assert_int_equal(c.respond_gas, 30000000000000ull);
    assert_int_equal(c.respond_batch_max, 32); /* batches on by default; 1 turns them off */
    assert_int_equal(c.respond_many_gas, 200000000000000ull);
    assert_true(c.ai_temperature > 0.49 && c.ai_temperature < 0.51);
    struct ai_config ai;
    config_ai(&c, &ai);
    assert_string_equal(ai.backend, "openai");
    assert_string_equal(ai.base_url, "http://127.0.0.1:3033");
    config_fini(&c);
}

static void file_env_flag_precedence(void **state)
{
    (void)state;
    char path[] = "/tmp/yb-oracle-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "// yb-oracle settings\n"
                       "{\n"
                       "  /* where the chain is */\n"
                       "  \"rpc_url\": \"http://10.0.0.1:3030\",\n"
                       "  \"contract_id\": \"c.test\",  // the contract\n"
                       "  \"account_id\": \"o.test\",\n"
                       "  \"key_file\": \"/k.json\",\n"
                       "  \"poll_interval_ms\": 250,\n"
                       "  \"concurrency\": 4,\n"
                       "  \"profile\": \"near-examples\"\n"
                       "}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    setenv("YB_ORACLE_CONCURRENCY", "5", 1);
    setenv("YB_ORACLE_POLL_INTERVAL_MS", "300", 1);
    char *argv[] = {"yb-oracle", "--poll-interval-ms", "400", "--config", path};
    struct oracle_config c;
    char why[CONFIG_WHY_MAX] = "";
    int rc = load(&c, why, (int)(sizeof argv / sizeof argv[0]), argv);
    unsetenv("YB_ORACLE_CONCURRENCY");
    unsetenv("YB_ORACLE_POLL_INTERVAL_MS");
    unlink(path);
    if (rc != YB_OK) {
        fail_msg("%s", why);
    }
    assert_string_equal(c.rpc_url, "http://10.0.0.1:3030"); /* file over default */
    assert_int_equal(c.concurrency, 5);                     /* env over file */
    assert_int_equal(c.poll_interval_ms, 400);              /* flag over env */
    assert_string_equal(c.profile, "near-examples");
    config_fini(&c);
}

static void refused_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *flag, *value, *why_has;
    } cases[] = {
        {"--concurrency", "0", "--concurrency"},
        {"--concurrency", "x", "expected a number"},
        {"--concurrency", "-1", "expected a number"},
        {"--instance", "3/3", "--instance"},
        {"--instance", "1", "expected i/n"},
        {"--instance", "/2", "expected i/n"},
        {"--profile", "other", "profile"},
        {"--ai-backend", "gemini", "ai_backend"},
        {"--no-such-flag", "1", "unknown flag"},
        {"--contract-id", "", "contract_id"},
        {"--ai-temperature", "warm", "expected a number"},
        {"--backoff-base-ms", "9000", "backoff_cap_ms"},
        {"--respond-batch-max", "0", "--respond-batch-max"},
        {"--respond-batch-max", "33", "--respond-batch-max"}, /* the contract takes 32 */
        {"--config", "/nonexistent/yb.json", "/nonexistent/yb.json"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[] = {"yb-oracle", REQUIRED, (char *)cases[i].flag, (char *)cases[i].value};
        struct oracle_config c;
        char why[CONFIG_WHY_MAX] = "";
        assert_int_equal(load(&c, why, (int)(sizeof argv / sizeof argv[0]), argv), YB_ECONFIG);
        if (!strstr(why, cases[i].why_has)) {
            fail_msg("case %zu: \"%s\" does not mention \"%s\"", i, why, cases[i].why_has);
        }
    }
    /* Missing required settings and stray arguments. */
    char *bare[] = {"yb-oracle"};
    struct oracle_config c;
    char why[CONFIG_WHY_MAX] = "";
    assert_int_equal(load(&c, why, 1, bare), YB_ECONFIG);
    assert_non_null(strstr(why, "required"));
    char *stray[] = {"yb-oracle", REQUIRED, "positional"};
    assert_int_equal(load(&c, why, (int)(sizeof stray / sizeof stray[0]), stray), YB_ECONFIG);
    char *novalue[] = {"yb-oracle", REQUIRED, "--concurrency"};
    assert_int_equal(load(&c, why, (int)(sizeof novalue / sizeof novalue[0]), novalue), YB_ECONFIG);
    assert_non_null(strstr(why, "needs a value"));
}

static void help_lists_every_flag(void **state)
{
    (void)state;
    char *argv[] = {"yb-oracle", "--bogus", "--help"};
    struct oracle_config c;
    assert_int_equal(load(&c, NULL, 3, argv), YB_OK);
    assert_true(c.show_help);
    config_fini(&c);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    config_usage(f, "yb-oracle");
    fclose(f);
    const char *must[] = {"--rpc-url",         "YB_ORACLE_RPC_URL", "--instance",
                          "--takeover-blocks", "--metrics-listen",  "--ai-api-key-env",
                          "--config"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        if (!strstr(buf, must[i])) {
            fail_msg("--help lacks %s", must[i]);
        }
    }
    free(buf);
}

static void example_file_loads(void **state)
{
    (void)state;
    const char *src = getenv("YB_SOURCE_DIR");
    if (!src) {
        skip();
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/deploy/oracle.example.json", src);
    char *argv[] = {"yb-oracle", "--config", path};
    struct oracle_config c;
    char why[CONFIG_WHY_MAX] = "";
    if (load(&c, why, 3, argv) != YB_OK) {
        fail_msg("deploy/oracle.example.json: %s", why);
    }
    assert_string_equal(c.contract_id, "assistant.test.near");
    assert_string_equal(c.account_id, "oracle.test.near");
    assert_int_equal(c.timeout_blocks, 200);
    assert_int_equal(c.instance_count, 1);
    config_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_and_flags), cmocka_unit_test(file_env_flag_precedence),
        cmocka_unit_test(refused_inputs),     cmocka_unit_test(help_lists_every_flag),
        cmocka_unit_test(example_file_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
