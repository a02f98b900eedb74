/*
 * main.c — yb-oracle: settings (config.h), logging, then the daemon (daemon.h) until a signal.
 * Exit status: 0 after a clean stop, 2 for bad settings, 1 for any other start-up failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "crypto.h"
#include "daemon.h"
#include "err.h"
#include "log.h"
#include "metrics.h"
#include "rpc.h"

#define YB_ORACLE_VERSION "0.1.0"

int main(int argc, char **argv)
{
    struct oracle_config cfg;
    char why[CONFIG_WHY_MAX] = "";
    if (config_load(&cfg, argc, argv, why, sizeof why) != YB_OK) {
        fprintf(stderr, "yb-oracle: %s\n", why);
        return 2;
    }
    if (cfg.show_help) {
        config_usage(stdout, "yb-oracle");
        config_fini(&cfg);
        return 0;
    }
    if (cfg.show_version) {
        printf("yb-oracle %s\n", YB_ORACLE_VERSION);
        config_fini(&cfg);
        return 0;
    }
    enum log_level level;
    enum log_format format;
    if (log_level_from_str(cfg.log_level, &level) != YB_OK ||
        log_format_from_str(cfg.log_format, &format) != YB_OK) {
        fprintf(stderr, "yb-oracle: --log-level or --log-format: unknown value\n");
        config_fini(&cfg);
        return 2;
    }
    log_set_level(level);
    log_set_format(format);
    log_set_component("oracle");
    if (crypto_init() != YB_OK || rpc_global_init() != YB_OK) {
        log_error("YB-ORACLE-INIT", "cannot initialise libsodium or libcurl");
        config_fini(&cfg);
        return 1;
    }
    static struct metrics m;
    metrics_init(&m);
    struct daemon *d = NULL;
    int rc = daemon_new(&cfg, &m, &d);
    if (rc != YB_OK) {
        log_error("YB-ORACLE-INIT", "cannot start: %s (%s)", yb_err_str(rc), yb_err_name(rc));
        config_fini(&cfg);
        rpc_global_cleanup();
        return rc == YB_ECONFIG ? 2 : 1;
    }
    rc = daemon_run(d);
    daemon_free(d);
    config_fini(&cfg);
    rpc_global_cleanup();
    log_info("YB-ORACLE-STOPPED", "stopped");
    return rc == YB_OK ? 0 : 1;
}
