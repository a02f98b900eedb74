/*
 * oracle_env.h — the yb-oracle end-to-end environment shared by the integration test and the
 * benchmark: a real yb-chain (chain_proc), yb-mockai and up to two yb-oracle processes on free
 * loopback ports, a user who signs `request` transactions, and readers for the mock's request
 * log and the oracles' /metrics. Failures are reported through cmocka's asserts.
 */
#ifndef YB_TEST_ORACLE_ENV_H
#define YB_TEST_ORACLE_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <cJSON.h>

#include "chain_proc.h"
#include "rpc.h"
#include "signer.h"

#define BLOCK_MS     50
#define REQUEST_GAS  50000000000000ull
#define MAX_ORACLES  2
#define MAX_REQUESTS 16

struct env {
    struct chain_proc chain;
    pid_t mock;
    char mock_url[64];
    pid_t oracle[MAX_ORACLES];
    char metrics_url[MAX_ORACLES][64];
    char journal[MAX_ORACLES][300];
    struct rpc_client rpc;
    struct signer user;
    bool started;
};

uint64_t mono_ms(void);
/* fork + exec argv with stdout/stderr appended to log; env_kv ("K=V") added when not NULL. */
pid_t spawn(char *const argv[], const char *log, const char *env_kv);
/* GET url; *body (may be NULL) returned (free()). The HTTP status, 0 when nothing answered. */
long http_get(const char *url, char **body);
bool wait_http_ok(const char *url, int ms);
/* Starts the chain (interval mode, block_ms; yield_timeout 0 = default) and yb-mockai with
 * extra flags (NULL-terminated, may be NULL); the user's signer and an RPC client. */
void env_start(struct env *e, unsigned block_ms, unsigned yield_timeout,
               const char *const *mock_extra);
/* env_start with extra `yb-chain run` flags (NULL-terminated, may be NULL). */
void env_start_args(struct env *e, unsigned block_ms, unsigned yield_timeout,
                    const char *const *mock_extra, const char *const *chain_args);
/* Starts oracle i with extra flags; failpoint_env ("K=V") or NULL. Waits for /healthz unless a
 * failpoint is set. */
void start_oracle(struct env *e, int i, const char *const *extra, const char *failpoint_env);
/* How long stop_pid waits for a signalled process before SIGKILL. */
#define STOP_WAIT_MS 20000
#define STOP_HUNG    (-2)
/* Signals *pid, reaps it (SIGKILL after STOP_WAIT_MS), zeroes it. Returns the wait status, -1
 * when nothing ran, STOP_HUNG when the process ignored the signal. */
int stop_pid(pid_t *pid, int sig);
/* Stops everything; returns the oracles' sanitizer report lines plus oracles that did not stop
 * on SIGTERM (0 = clean). */
int env_stop(struct env *e);
/* A JSON-RPC call (params taken); the result (cJSON_Delete) or NULL, printing why unless quiet. */
cJSON *call_quiet(struct env *e, const char *method, cJSON *params, bool quiet);
cJSON *call(struct env *e, const char *method, cJSON *params);
/* The hash of the chain's latest final block (what a transaction names as its block_hash). */
void env_final_block_hash(struct env *e, uint8_t out[NEAR_HASH_LEN]);
/* Signs and sends `request` {"prompt"} as user.test.near with wait_until NONE. */
void send_request(struct env *e, const char *prompt, char hash[NEAR_HASH_STR_MAX]);
/* Waits for a request's final value: status "answered"/"timeout", answer (may be NULL). */
void await_result(struct env *e, const char *hash, char *status, size_t scap, char *answer,
                  size_t acap);
/* Sends n arithmetic requests tagged tag and checks every answer. */
void ask_and_check(struct env *e, const char *tag, int n);
/* Chat completions yb-mockai served whose logged prompt contains tag. */
int mock_calls(struct env *e, const char *tag);
/* The value of the first sample in a Prometheus text body (borrowed) whose line starts with
 * name followed by a space; -1 if absent. */
long long metrics_sample(const char *body, const char *name);
/* A sample of oracle i's /metrics whose line starts with name; -1 if absent. */
long long metric(struct env *e, int i, const char *name);
/* metric(), polled up to 10 s until it equals want. */
long long await_metric(struct env *e, int i, const char *name, long long want);

#endif
