/*
 * node_metrics.c — counters kept by block production and the Prometheus text exposition
 * (format 0.0.4) that /metrics serves; the RPC latency histogram is fed by node-rpc.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "node_int.h"

/* Upper bounds (seconds) of the RPC latency buckets; +Inf is implied. */
static const double rpc_bounds[NODE_RPC_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

void node_metrics_init(struct node_metrics *m)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
}

void node_metrics_fini(struct node_metrics *m)
{
    pthread_mutex_destroy(&m->mu);
}

void node_metrics_observe_rpc(struct node *node, double seconds)
{
    struct node_metrics *m = node_metrics_of(node);
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < NODE_RPC_BUCKETS; i++) {
        if (seconds <= rpc_bounds[i]) {
            m->rpc_buckets[i]++;
            break;
        }
    }
    m->rpc_count++;
    m->rpc_sum += seconds;
    pthread_mutex_unlock(&m->mu);
}

static int counter(struct yb_buf *out, const char *name, const char *type, const char *help,
                   uint64_t v)
{
    return yb_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name,
                         (unsigned long long)v);
}

int node_metrics_render(struct node *node, struct yb_buf *out)
{
    struct node_metrics *m = node_metrics_of(node);
    struct node_head head;
    node_get_head(node, &head);
    int rc = counter(out, "yb_chain_height", "gauge", "Height of the last committed block.",
                     head.height);
    rc = rc ? rc
            : counter(out, "yb_chain_blocks_total", "counter", "Blocks produced by this process.",
                      atomic_load(&m->blocks));
    rc = rc ? rc
            : counter(out, "yb_chain_txs_total", "counter",
                      "Transactions included by this process.", atomic_load(&m->txs));
    rc = rc ? rc
            : counter(out, "yb_chain_receipts_total", "counter",
                      "Action receipts executed by this process.", atomic_load(&m->receipts));
    rc = rc ? rc
            : counter(out, "yb_chain_pending_yields", "gauge",
                      "Yields parked and not yet executed.", atomic_load(&m->pending_yields));
    rc = rc ? rc
            : counter(out, "yb_chain_yield_resumes_total", "counter", "Yields resumed with data.",
                      atomic_load(&m->resumes));
    rc = rc ? rc
            : counter(out, "yb_chain_yield_timeouts_total", "counter", "Yields that timed out.",
                      atomic_load(&m->timeouts));
    rc = rc ? rc
            : counter(out, "yb_chain_mempool_size", "gauge", "Transactions waiting for a block.",
                      node_mempool_size(node));
    if (rc != YB_OK) {
        return rc;
    }
    pthread_mutex_lock(&m->mu);
    rc = yb_buf_append_str(out, "# HELP yb_chain_rpc_request_seconds JSON-RPC request latency.\n"
                                "# TYPE yb_chain_rpc_request_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; rc == YB_OK && i < NODE_RPC_BUCKETS; i++) {
        cum += m->rpc_buckets[i];
        rc = yb_buf_printf(out, "yb_chain_rpc_request_seconds_bucket{le=\"%g\"} %llu\n",
                           rpc_bounds[i], (unsigned long long)cum);
    }
    rc = rc ? rc
            : yb_buf_printf(out,
                            "yb_chain_rpc_request_seconds_bucket{le=\"+Inf\"} %llu\n"
                            "yb_chain_rpc_request_seconds_sum %.6f\n"
                            "yb_chain_rpc_request_seconds_count %llu\n",
                            (unsigned long long)m->rpc_count, m->rpc_sum,
                            (unsigned long long)m->rpc_count);
    pthread_mutex_unlock(&m->mu);
    return rc;
}
