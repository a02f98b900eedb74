// interop.mjs — near-api-js v7, unmodified, against a running yb-chain (ctest interop_near_api_js).
//
//   node interop.mjs NEAR_HELLO_WASM      with YB_RPC_URL (http://127.0.0.1:PORT) and YB_HOME (the
//                                         chain's home: keys/<account>.json credential files)
//
// Reads status and a block, views an account and an access key, calls get_pending_requests on the
// assistant, sends `request` from the user account and `respond` from the oracle's function-call
// key, waits for the user's transaction result (answered), makes near-api-js retry after an
// InvalidNonce, then deploys near-hello@0.5.1's
// main.wasm to a new sub-account and calls setValue / getValue through it. Exits non-zero on the
// first mismatch, naming it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Account, JsonRpcProvider, KeyPair } from 'near-api-js';

const rpcUrl = process.env.YB_RPC_URL;
const home = process.env.YB_HOME;
const wasmPath = process.argv[2];
assert.ok(rpcUrl && home && wasmPath, 'usage: YB_RPC_URL=.. YB_HOME=.. node interop.mjs WASM');

const ASSISTANT = 'assistant.test.near';
const USER = 'user.test.near';
const ORACLE = 'oracle.test.near';
const GAS = 300000000000000n; // 300 Tgas: request parks a yield, respond resumes it
const step = (what) => console.log(`interop: ${what}`);

// Count InvalidNonce answers on the wire (near-api-js sends JSON-RPC through the global fetch).
let invalidNonces = 0;
const wireFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const res = await wireFetch(...args);
  if ((await res.clone().text()).includes('"InvalidNonce"')) {
    invalidNonces++;
  }
  return res;
};

const credentials = (account) =>
  JSON.parse(fs.readFileSync(`${home}/keys/${account}.json`, 'utf8'));
const provider = new JsonRpcProvider({ url: rpcUrl });

// status and a final block
const status = await provider.viewNodeStatus();
assert.equal(status.chain_id, 'yieldbox');
const block = await provider.viewBlock({ finality: 'final' });
assert.equal(typeof block.header.height, 'number');
assert.match(block.header.hash, /^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
step(`status ok, final block ${block.header.height} ${block.header.hash}`);

// an account and an access key
const view = await provider.viewAccount({ accountId: USER, blockQuery: { finality: 'final' } });
assert.ok(BigInt(view.amount) > 0n, 'user has a balance');
const oracleKey = credentials(ORACLE);
const ak = await provider.viewAccessKey({
  accountId: ORACLE,
  publicKey: oracleKey.public_key,
  finalityQuery: { finality: 'optimistic' },
});
assert.equal(ak.permission.FunctionCall.receiver_id, ASSISTANT);
assert.deepEqual(ak.permission.FunctionCall.method_names, ['respond', 'respond_many']);
step(`view_account ${USER} amount ${view.amount}; oracle key is a function-call key`);

const pending = async () =>
  provider.callFunction({ contractId: ASSISTANT, method: 'get_pending_requests', args: {} });
assert.ok(Array.isArray(await pending()), 'get_pending_requests is an array');

// request from the user (its transaction finishes only after the callback ran) ...
const user = new Account(USER, provider, credentials(USER).private_key);
const oracle = new Account(ORACLE, provider, oracleKey.private_key);
const prompt = `hello from near-api-js ${Date.now()}`;
const requested = user.callFunction({
  contractId: ASSISTANT,
  methodName: 'request',
  args: { prompt },
  gas: GAS,
});
let record;
for (let i = 0; i < 200 && !record; i++) {
  record = (await pending()).find((r) => r.prompt === prompt);
  if (!record) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
assert.ok(record, 'the request shows in get_pending_requests');
step(`request ${record.request_id} pending, yield_id ${record.yield_id}`);

// ... answered by the oracle's function-call key
const accepted = await oracle.callFunction({
  contractId: ASSISTANT,
  methodName: 'respond',
  args: { yield_id: record.yield_id, response: 'hi from the oracle' },
  gas: GAS,
});
assert.equal(accepted, true);
const result = await requested;
assert.equal(result.request_id, record.request_id);
assert.equal(result.status, 'answered');
assert.equal(result.answer, 'hi from the oracle');
step(`user's transaction finished: ${JSON.stringify(result)}`);

// InvalidNonce retry (near-rpc.md §10.2): a second Account object for the same key spends the
// nonce `user` has cached; user's next transaction gets InvalidNonce, which near-api-js only
// recognises through data.TxExecutionError.InvalidTxError.InvalidNonce, and then retries.
const other = new Account(USER, provider, credentials(USER).private_key);
await other.transfer({ receiverId: 'test.near', amount: 1n });
await other.transfer({ receiverId: 'test.near', amount: 1n });
await user.transfer({ receiverId: 'test.near', amount: 2n });
assert.ok(invalidNonces >= 1, 'the stale nonce was refused with InvalidNonce');
step('InvalidNonce answered in the shape near-api-js retries on');

// the other read paths near-api-js offers: getState/getBalance (protocol config + account),
// key list, gas price, and a transaction's status by hash (`tx` and EXPERIMENTAL_tx_status)
const state = await user.getState();
assert.ok(BigInt(state.balance.total) > 0n, 'getState balance');
assert.ok((await user.getBalance()) > 0n, 'getBalance');
const keys = await provider.viewAccessKeyList({ accountId: USER, finalityQuery: { finality: 'final' } });
assert.equal(keys.keys.length, 1);
assert.equal((await provider.viewGasPrice(null)).gas_price, '100000000');
const sent = await user.transfer({ receiverId: 'test.near', amount: 3n });
const txHash = sent.transaction_outcome.id;
for (const view of ['viewTransactionStatus', 'viewTransactionStatusWithReceipts']) {
  const st = await provider[view]({ txHash, accountId: USER, waitUntil: 'FINAL' });
  assert.equal(st.transaction.hash, txHash);
  assert.equal(st.final_execution_status, 'FINAL');
  assert.equal(st.status.SuccessValue, '');
}
step(`getState, getBalance, key list, gas price, tx status of ${txHash}`);

// near-hello@0.5.1 on a new sub-account
const helloKey = KeyPair.fromRandom('ed25519');
const helloId = `hello${Date.now()}.${USER}`;
await user.createSubAccount({
  accountOrPrefix: helloId,
  publicKey: helloKey.getPublicKey(),
  nearToTransfer: 10n ** 25n, // 10 NEAR: storage for the contract
});
const hello = new Account(helloId, provider, helloKey.toString());
await hello.deployContract(new Uint8Array(fs.readFileSync(wasmPath)));
await hello.callFunction({ contractId: helloId, methodName: 'setValue', args: { value: 'yieldbox' } });
const value = await provider.callFunction({ contractId: helloId, method: 'getValue', args: {} });
assert.equal(value, 'yieldbox');
step(`near-hello deployed to ${helloId}: getValue() = ${JSON.stringify(value)}`);
console.log('interop: ok');
