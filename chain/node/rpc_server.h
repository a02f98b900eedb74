/*
 * rpc_server.h — yb-chain's NEAR JSON-RPC server on nng's HTTP server (near-rpc.md §7–§10).
 *
 * Routes
 *   POST /          JSON-RPC 2.0 (methods below). Every JSON-RPC answer is HTTP 200
 *                   (near-rpc.md §7: clients retry 500/408). Bodies over RPC_BODY_MAX get 413
 *                   with a PARSE_ERROR body (much larger ones nng's own 400, unread).
 *   OPTIONS /       CORS preflight (any origin; POST, GET; Content-Type), 204
 *   GET /status     the `status` result object without the envelope (as nearcore serves it)
 *   GET /healthz    node_healthz: 200 or 503, text/plain
 *   GET /metrics    node_metrics_render: Prometheus text 0.0.4
 *
 * Methods (params as nearcore takes them, object or legacy array; results and errors as
 * near-rpc.md gives them) and where yieldbox differs:
 *   status, health (null), validators (one producer, one epoch), block, gas_price,
 *   EXPERIMENTAL_protocol_config
 *   query: view_account, view_access_key, view_access_key_list, call_function, view_state
 *     (50,000 bytes at most: TOO_LARGE_CONTRACT_STATE), view_code. Contract errors and unknown
 *     keys in nearcore's legacy "error inside result" form. Only the head's state is kept: a
 *     block_id naming an older block answers GARBAGE_COLLECTED_BLOCK.
 *   send_tx (every wait_until; INCLUDED levels answer with the tx outcome and status "Started"
 *     until the receipts ran; EXECUTED_OPTIMISTIC / EXECUTED answer once every non-refund
 *     receipt ran, with final_execution_status "EXECUTED" while a refund (predecessor
 *     "system") is still to run; FINAL waits for the refunds too — every block is final when
 *     committed, so FINAL = all receipts of the tree executed; a resent known tx gets its
 *     result, not InvalidNonce),
 *   broadcast_tx_async (the hash), broadcast_tx_commit, tx and EXPERIMENTAL_tx_status (by
 *     hash: an unknown hash waits up to 10 s then TIMEOUT_ERROR, or UNKNOWN_TRANSACTION at once
 *     with wait_until NONE). EXPERIMENTAL_tx_status adds nearcore's "receipts": a ReceiptView
 *     ({"predecessor_id","receiver_id","receipt_id","receipt":{"Action":{"signer_id",
 *     "signer_public_key","gas_price","output_data_receivers","input_data_ids","actions",
 *     "is_promise_yield"}}}, "refund_to" when set) per entry of receipts_outcome, same order;
 *     like nearcore it leaves out a tx's own receipt when signer == receiver (a local receipt),
 *     and it omits receipts made before the node kept bodies (NODE_COL_RECEIPT).
 *     receipts_outcome is in execution order (by block, tree order within a block).
 *   sandbox_fast_forward {"delta_height"}, sandbox_patch_state {"records"} → {} once the block
 *     committed; yb_produce_blocks {"count"} → {"latest_block_height","latest_block_hash"}.
 *
 * Threads: requests run on nng's HTTP worker threads. Views read a node snapshot in that thread;
 * methods that wait for the chain (send_tx & co., sandbox controls) park the request and finish
 * it from the node's completion callback, so no nng thread ever blocks on block production;
 * transaction replies are built on nng's task threads, never on the block-producing loop.
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
