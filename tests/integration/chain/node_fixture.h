/*
 * node_fixture.h — the node in-process for tests: a fresh home made by node_genesis_init, the
 * loop on its own thread, signed transactions from the home's keys, and waits for callbacks.
 */
#ifndef YB_TEST_NODE_FIXTURE_H
#define YB_TEST_NODE_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "keyfile.h"
#include "node.h"

struct nfx {
    char home[256];
    struct node_config cfg;
    struct node *node;
    pthread_t thread;
    bool running;
    uint64_t nonce;
};

/* A completion to wait for: tx (nfx_on_done) or control (nfx_on_ctl). */
struct nfx_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool fired;
    struct node_tx_result r;
    int ctl_err;
};
void nfx_wait_init(struct nfx_wait *w);
void nfx_wait_fini(struct nfx_wait *w);
/* Waits up to ms for the callback; fails the test when it does not come. */
void nfx_wait_for(struct nfx_wait *w, int ms);
void nfx_on_done(void *arg, const struct node_tx_result *r);
void nfx_on_ctl(void *arg, int err);

const char *nfx_wasm(void);
/* Creates the home and runs the node. events: publish on a free loopback port. 0 or -1. */
int nfx_start(struct nfx *f, enum node_mode mode, uint64_t yield_timeout, bool events);
/* Stops the loop, closes the node, removes the home. Safe when not started. */
void nfx_stop(struct nfx *f);
/* nfx_start, then run in interval mode with block_ms. */
int nfx_start_interval(struct nfx *f, uint64_t block_ms);
/* Stops and closes the node but keeps the home; nfx_resume reopens it in `mode`. */
void nfx_stop_keep_home(struct nfx *f);
int nfx_resume(struct nfx *f, enum node_mode mode);
int nfx_key(const struct nfx *f, const char *account, struct keyfile *out);
/* produce_blocks(n) and wait for it. */
int nfx_produce(struct nfx *f, uint64_t n);
/* A view call's value as a NUL-terminated string (free()), or NULL. */
char *nfx_view(struct nfx *f, const char *account, const char *method, const char *args);

/* Appends a signed tx to out: a transfer of yocto (method NULL) or a function call, by signer,
 * signed with key_of's secret key (normally signer itself), nonce from f's counter. */
int nfx_sign(struct nfx *f, const char *signer, const char *key_of, const char *receiver,
             const char *method, const char *args, uint64_t yocto, struct yb_buf *out);

/* Signed transactions from the home's keys (nonces from one increasing counter). */
int nfx_transfer(struct nfx *f, const char *from, const char *to, uint64_t yocto,
                 enum node_wait wait, uint8_t hash[NEAR_HASH_LEN]);
int nfx_transfer_wait(struct nfx *f, const char *from, const char *to, uint64_t yocto,
                      enum node_wait wait, struct nfx_wait *w);
int nfx_call(struct nfx *f, const char *signer, const char *receiver, const char *method,
             const char *args, enum node_wait wait, struct nfx_wait *w,
             uint8_t hash[NEAR_HASH_LEN]);
/* A transfer from user.test.near signed with test.near's secret key. */
int nfx_transfer_badsig(struct nfx *f, cJSON **invalid);
/* Resubmits a committed tx's bytes. */
int nfx_resend(struct nfx *f, const uint8_t hash[NEAR_HASH_LEN], enum node_wait wait,
               struct nfx_wait *w);
/* The final SuccessValue of a tx (following SuccessReceiptId), decoded, NUL-terminated; or
 * the status JSON text when it failed. free(). */
char *nfx_final_value(struct nfx *f, const uint8_t hash[NEAR_HASH_LEN]);

#endif
