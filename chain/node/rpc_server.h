/*
 * rpc_server.h — yb-chain's NEAR JSON-RPC server on nng's HTTP server (near-rpc.md §7–§10).
 *
 * Routes
 *   POST /          JSON-RPC 2.0: status, health, validators, block, gas_price, query, send_tx,
 * broadcast_tx_async, broadcast_tx_commit, tx, EXPERIMENTAL_tx_status,
 *                   EXPERIMENTAL_protocol_config, sandbox_fast_forward, sandbox_patch_state,
 *                   yb_produce_blocks. Bodies over RPC_BODY_MAX get HTTP 413 with a PARSE_ERROR
 *                   body (much larger ones nng's own 400, unread).
 *                   Every JSON-RPC answer is HTTP 200 (near-rpc.md §7: clients retry 500/408).
 *   OPTIONS /       CORS preflight (any origin; POST, GET; Content-Type), 204
 *   GET /status     the `status` result object without the envelope (as nearcore serves it)
 *   GET /healthz    node_healthz: 200 or 503, text/plain
 *   GET /metrics    node_metrics_render: Prometheus text 0.0.4
 *
 * Threads: requests run on nng's HTTP worker threads. Views read a node snapshot in that thread;
 * methods that wait for the chain (send_tx & co., sandbox controls) park the request and finish
 * it from the node's completion callback, so no nng thread ever blocks on block production.
 */
#ifndef YB_NODE_RPC_SERVER_H
#define YB_NODE_RPC_SERVER_H

struct node;
struct rpc_server;

#define RPC_BODY_MAX (10u << 20) /* request body cap: base64 of a 4 MiB contract plus JSON */

/*
 * Starts serving on listen_addr ("host:port", borrowed). node borrowed: it must outlive the
 * server (rpc_server_stop before node_close). *out returned: rpc_server_stop.
 * Errors: YB_ECONFIG (bad address), YB_ECONNECT (cannot bind). Call on the thread that owns
 * the node (once).
 */
int rpc_server_start(struct node *node, const char *listen_addr, struct rpc_server **out);

/*
 * Stops accepting requests, answers every request still waiting for the chain with an
 * INTERNAL_ERROR ("node is stopping") and closes the listener. Accepts NULL. The node's later
 * completion callbacks for those requests are still accepted (and dropped), so node_close may
 * run afterwards; memory is freed when the last of them arrived.
 */
void rpc_server_stop(struct rpc_server *srv);

#endif
