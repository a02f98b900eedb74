/*
 * chain_proc.h — a test fixture that runs the real `yb-chain` binary: `init` into a fresh
 * temporary home, then `run` on free loopback ports (manual mode unless told otherwise), waits
 * until GET /healthz answers 200, and later stops or kills it and removes the home.
 *
 * The binary is opts.binary, else $YB_CHAIN (CMake sets it for tests that depend on yb-chain).
 * The child's stderr goes to HOME/yb-chain.log (kept when the test fails: the home is removed
 * only by chain_proc_cleanup, which prints the log's tail when the process had died badly).
 *
 * The child gets PR_SET_PDEATHSIG(SIGKILL): if the test process (precisely: the thread that
 * called chain_proc_start/restart) dies or exits without cleanup, the chain dies with it.
 *
 * Thread rules: a struct chain_proc belongs to one thread, which must outlive the child. Uses
 * libcurl (call curl_global_init first if other threads use curl); crypto_init() is called when
 * keys are read.
 */
#ifndef YB_TEST_CHAIN_PROC_H
#define YB_TEST_CHAIN_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "keyfile.h"

#define CHAIN_PROC_READY_MS 15000 /* how long start/restart wait for /healthz */

struct chain_proc_opts {
    const char *binary;      /* borrowed; NULL = $YB_CHAIN */
    const char *mode;        /* borrowed; NULL = "manual" */
    unsigned block_time_ms;  /* 0 = the binary's default */
    unsigned yield_timeout;  /* 0 = the binary's default (200) */
    const char *const *args; /* borrowed, NULL-terminated extra `run` arguments, may be NULL */
};

struct chain_proc {
    pid_t pid; /* 0 when not running */
    char binary[512];
    char home[256];      /* the temporary home (mkdtemp) */
    char rpc_addr[32];   /* 127.0.0.1:PORT */
    char rpc_url[64];    /* http://127.0.0.1:PORT */
    char events_url[64]; /* tcp://127.0.0.1:PORT */
    struct chain_proc_opts opts;
};

/* A TCP port on 127.0.0.1 nobody holds right now, below the ephemeral range (0 if none). */
unsigned chain_proc_free_port(void);

/*
 * Creates a temporary home, runs `yb-chain init --home HOME`, starts `yb-chain run` on fresh
 * ports and waits (CHAIN_PROC_READY_MS) for /healthz. p is filled; opts borrowed (may be NULL).
 * Returns 0, or -1 with a message on stderr (p is then cleaned up already).
 */
int chain_proc_start(struct chain_proc *p, const struct chain_proc_opts *opts);

/* Runs `yb-chain run` again on the same home and ports (after a stop or kill) and waits for
 * /healthz. Returns 0 or -1. */
int chain_proc_restart(struct chain_proc *p);

/* Sends `sig` to the running child and reaps it. Returns the child's wait status, or -1 when
 * nothing was running. SIGKILL is the crash test's tool; SIGTERM a graceful stop. */
int chain_proc_signal(struct chain_proc *p, int sig);

/* Reads HOME/keys/<account>.json into *out (keyfile_wipe it). Returns a yb_err code. */
int chain_proc_key(const struct chain_proc *p, const char *account, struct keyfile *out);

/* GET url path on the RPC port into a malloc'd NUL-terminated body (*body, free()); *status gets
 * the HTTP status. Returns 0 or -1 (cannot connect). */
int chain_proc_http_get(const struct chain_proc *p, const char *path, long *status, char **body);

/* POSTs a JSON-RPC request body (borrowed, NUL-terminated) to the RPC root; the answer as a
 * malloc'd NUL-terminated *out (free()), *status the HTTP status. Returns 0 or -1. */
int chain_proc_rpc(const struct chain_proc *p, const char *body, long *status, char **out);

/* Kills the child if it still runs (SIGKILL), and removes the home. Safe to call twice. */
void chain_proc_cleanup(struct chain_proc *p);

#endif
