/*
 * daemon.h — yb-oracle's scheduler: one libev loop that polls the contract's pending list (the
 * truth), treats chain events as hints to poll now, asks the AI for each new request within its
 * deadline, journals the answer, and submits a signed respond, all over libcurl multi (loop.h).
 *
 * Per request (request.h): seen → asking → answered → submitted → confirmed | expired | failed.
 * Restart recovery: a request found pending whose answer is in the journal goes straight to
 * answered (resubmitted, the AI is not asked again); one the journal marks done is left alone.
 * Several instances (--instance i/n): the leader of a request is hash(yield_id) mod n; instance
 * at distance k from it steps in only after k × takeover_blocks blocks.
 *
 * Fault injection for tests: YB_ORACLE_FAILPOINT=after-journal in the environment makes the
 * process SIGKILL itself right after the first answer is journaled and before it is submitted.
 *
 * Thread rules: daemon_run runs the loop on the calling thread until SIGINT/SIGTERM or
 * daemon_stop; the metrics server reads struct metrics from nng's threads (atomics).
 */
#ifndef YB_ORACLE_DAEMON_H
#define YB_ORACLE_DAEMON_H

#include "config.h"
#include "metrics.h"

struct daemon;

/*
 * Prepares a daemon for cfg (borrowed; must outlive it) and m (borrowed): reads the key, opens
 * the journal, sets up the loop, the events subscription and the metrics server. crypto_init
 * and rpc_global_init must have run. *out returned (daemon_free).
 * Errors: YB_ECONFIG, keyfile and journal errors, YB_EIO (metrics port taken), YB_EINTERNAL.
 */
int daemon_new(const struct oracle_config *cfg, struct metrics *m, struct daemon **out);
/* Runs until a stop signal. Returns YB_OK after a clean stop. */
int daemon_run(struct daemon *d);
/* Cancels every call in flight and frees d (taken; NULL allowed). */
void daemon_free(struct daemon *d);

#endif
