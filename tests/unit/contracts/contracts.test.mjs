// contracts.test.mjs — behaviour of the built contracts, run under Node's WebAssembly with the
// near_host.mjs fixture (the chain runtime's own end-to-end tests live with the runtime).
// Usage: node --test contracts.test.mjs   (YB_CONTRACTS_DIR names the folder of the .wasm files)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { NearHost, base58 } from './near_host.mjs';
import { transcript } from './assistant_transcript.mjs';

const dir = process.env.YB_CONTRACTS_DIR;
if (!dir) {
  throw new Error('YB_CONTRACTS_DIR is not set');
}
const wasm = (name) => join(dir, `${name}.wasm`);

const OWNER = 'owner.test';
const ORACLE = 'oracle.test';
const USER = 'alice.test';
const SELF = 'assistant.test';

// Parses the NEP-297 events in a call's logs.
function events(out) {
  return out.logs
    .filter((l) => l.startsWith('EVENT_JSON:'))
    .map((l) => JSON.parse(l.slice('EVENT_JSON:'.length)));
}

function deployAssistant(initArgs = { owner_id: OWNER, oracle_ids: [ORACLE] }) {
  const host = new NearHost(wasm('assistant'), SELF);
  const out = host.call('init', initArgs, { predecessor: SELF });
  assert.equal(out.error, null);
  return host;
}

function ask(host, prompt, predecessor = USER) {
  const out = host.call('request', { prompt }, { predecessor });
  assert.equal(out.error, null, out.error);
  const y = out.promises[out.promiseReturn];
  assert.equal(y.kind, 'yield');
  return { out, dataId: y.dataId, yieldBytes: [...Buffer.from(y.dataId, 'hex')] };
}

test('assistant: init runs once, only as the contract account', () => {
  const host = new NearHost(wasm('assistant'), SELF);
  const stranger = host.call('init', { owner_id: OWNER }, { predecessor: USER });
  assert.match(stranger.error, /Method init is private/);
  assert.equal(host.call('init', { owner_id: OWNER, oracle_ids: [ORACLE] }, { predecessor: SELF }).error, null);
  assert.match(host.call('init', {}, { predecessor: SELF }).error, /already initialized/);
  const cfg = host.call('get_config', {}, { view: true }).json;
  assert.deepEqual(cfg.oracle_ids, [ORACLE]);
  assert.equal(cfg.owner_id, OWNER);
  assert.equal(cfg.timeout_blocks, 200);
  assert.equal(cfg.prompt_max_bytes, 4096);
  assert.equal(cfg.answer_max_bytes, 16384);
});

test('assistant: request yields to return_external_response and logs request_created', () => {
  const host = deployAssistant();
  const { out, dataId } = ask(host, 'What is "NEAR"?\n');
  const y = out.promises[out.promiseReturn];
  assert.equal(y.method, 'return_external_response');
  assert.equal(y.gas, 10_000_000_000_000n);
  assert.equal(y.weight, 1n);
  const [ev] = events(out);
  assert.equal(ev.standard, 'yieldbox');
  assert.equal(ev.version, '1.0.0');
  assert.equal(ev.event, 'request_created');
  assert.deepEqual(ev.data, [
    {
      request_id: 1,
      yield_id: base58(Buffer.from(dataId, 'hex')),
      prompt: 'What is "NEAR"?\n',
      requester: USER,
      created_height: 100,
      expires_height: 300,
    },
  ]);
  // The callback is created with {"request_id":1}.
  assert.deepEqual(JSON.parse(host.yields.get(dataId).args), { request_id: 1 });
});

test('assistant: call methods refuse attached deposits, like near-sdk non-payable methods', () => {
  const host = deployAssistant();
  const r = host.call('request', { prompt: 'x' }, { predecessor: USER, deposit: 1 });
  assert.match(r.error, /Method request doesn't accept deposit/);
  const big = host.call('ask_assistant', { prompt: 'x' }, { predecessor: USER, deposit: 1n << 100n });
  assert.match(big.error, /Method ask_assistant doesn't accept deposit/);
  assert.match(host.call('add_oracle', { account_id: 'x.test' }, { predecessor: OWNER, deposit: 5 }).error,
    /doesn't accept deposit/);
});

test('assistant: ask_assistant is the same method', () => {
  const host = deployAssistant();
  const out = host.call('ask_assistant', { prompt: 'hi' }, { predecessor: USER });
  assert.equal(out.error, null);
  assert.equal(events(out)[0].data[0].request_id, 1);
});

test('assistant: pending views in both shapes, with paging', () => {
  const host = deployAssistant();
  const a = ask(host, 'first');
  const b = ask(host, 'second', 'bob.test');
  const pending = host.call('get_pending_requests', {}, { view: true }).json;
  assert.equal(pending.length, 2);
  assert.deepEqual(Object.keys(pending[0]).sort(),
    ['created_height', 'expires_height', 'prompt', 'request_id', 'requester', 'yield_id']);
  assert.equal(pending[1].requester, 'bob.test');
  const listed = host.call('list_requests', {}, { view: true }).json;
  assert.deepEqual(listed, [
    { yield_id: a.yieldBytes, prompt: 'first' },
    { yield_id: b.yieldBytes, prompt: 'second' },
  ]);
  const page = host.call('get_pending_requests', { from_index: 1, limit: 5 }, { view: true }).json;
  assert.deepEqual(page.map((r) => r.request_id), [2]);
  assert.deepEqual(host.call('get_pending_requests', { limit: 1 }, { view: true }).json.map((r) => r.prompt), ['first']);
  const one = host.call('get_request', { request_id: 2 }, { view: true }).json;
  assert.equal(one.status, 'pending');
  assert.equal(one.prompt, 'second');
  assert.equal(host.call('get_request', { request_id: 9 }, { view: true }).json, null);
});

test('assistant: answered end to end, state cleaned up', () => {
  const host = deployAssistant();
  const keysBefore = host.storage.size;
  const { dataId, yieldBytes } = ask(host, 'ping');
  const r = host.call('respond', { yield_id: yieldBytes, response: 'pong' }, { predecessor: ORACLE });
  assert.equal(r.error, null);
  assert.equal(r.json, true);
  // The payload is a short reference; the answer waits in state.
  assert.deepEqual(JSON.parse(r.resumes[0].payload), { request_id: 1 });
  assert.equal(events(r)[0].event, 'request_answered');
  assert.equal(events(r)[0].data[0].responder, ORACLE);
  assert.deepEqual(host.call('get_pending_requests', {}, { view: true }).json, []);
  assert.equal(host.call('get_request', { request_id: 1 }, { view: true }).json.status, 'answered');
  // Accepting the answer took the request off the pending list and the yield index: record
  // and answer wait for the callback.
  assert.deepEqual(host.storageKeys().map((k) => k.toString('latin1').slice(0, 2)).filter((k) => !k.startsWith('cf')).sort(),
    ['a:', 'r:']);
  const cb = host.deliver(dataId);
  assert.equal(cb.error, null);
  assert.deepEqual(cb.json, { request_id: 1, status: 'answered', answer: 'pong' });
  assert.equal(host.call('get_request', { request_id: 1 }, { view: true }).json, null);
  // Only configuration and the list's bookkeeping are left.
  const left = host.storageKeys().map((k) => k.toString('latin1')).sort();
  assert.deepEqual(left, ['cfg:head', 'cfg:next_id', 'cfg:oracles', 'cfg:owner', 'cfg:pending', 'cfg:tail', 'cfg:timeout']);
  assert.equal(keysBefore, 3); // owner, oracles, timeout after init
});

test('assistant: timeout ends successfully with status timeout', () => {
  const host = deployAssistant();
  const { dataId } = ask(host, 'nobody answers');
  host.height = 300;
  const cb = host.deliver(dataId, { timeout: true });
  assert.equal(cb.error, null);
  assert.deepEqual(cb.json, { request_id: 1, status: 'timeout' });
  const [ev] = events(cb);
  assert.equal(ev.event, 'request_timed_out');
  assert.equal(ev.data[0].request_id, 1);
  assert.equal(ev.data[0].timed_out_height, 300);
  assert.deepEqual(host.call('get_pending_requests', {}, { view: true }).json, []);
  assert.ok(host.storageKeys().every((k) => k.toString('latin1').startsWith('cfg:')));
});

test('assistant: respond from a non-oracle panics clearly and changes nothing', () => {
  const host = deployAssistant();
  const { yieldBytes } = ask(host, 'q');
  const before = new Map(host.storage);
  const r = host.call('respond', { yield_id: yieldBytes, response: 'x' }, { predecessor: 'mallory.test' });
  assert.match(r.error, /respond: mallory\.test is not an oracle of this contract/);
  assert.deepEqual(host.storage, before);
});

test('assistant: respond accepts a base58 yield id; a second answer returns false', () => {
  const host = deployAssistant();
  const { dataId } = ask(host, 'q');
  const b58 = base58(Buffer.from(dataId, 'hex'));
  assert.equal(host.call('respond', { yield_id: b58, response: 'one' }, { predecessor: ORACLE }).json, true);
  const again = host.call('respond', { yield_id: b58, response: 'two' }, { predecessor: ORACLE });
  assert.equal(again.json, false);
  assert.equal(again.resumes.length, 0);
  assert.deepEqual(host.deliver(dataId).json, { request_id: 1, status: 'answered', answer: 'one' });
  // After the callback the yield is gone: unknown ids answer false.
  assert.equal(host.call('respond', { yield_id: b58, response: 'late' }, { predecessor: ORACLE }).json, false);
});

test('assistant: a resume the chain refuses leaves no stale answer', () => {
  const host = deployAssistant();
  const { dataId, yieldBytes } = ask(host, 'q');
  host.yields.delete(dataId); // the chain no longer has the yield: resume returns 0
  const r = host.call('respond', { yield_id: yieldBytes, response: 'x' }, { predecessor: ORACLE });
  assert.equal(r.error, null);
  assert.equal(r.json, false);
  assert.equal(host.call('get_request', { request_id: 1 }, { view: true }).json.status, 'pending');
  assert.equal(host.call('get_pending_requests', {}, { view: true }).json.length, 1);
});

test('assistant: long answers up to 16 KiB, prompts up to 4 KiB', () => {
  const host = deployAssistant();
  const { dataId, yieldBytes } = ask(host, 'p'.repeat(4096));
  const answer = 'é'.repeat(8192); // 16384 bytes of UTF-8
  const r = host.call('respond', { yield_id: yieldBytes, response: answer }, { predecessor: ORACLE });
  assert.equal(r.json, true);
  assert.ok(r.resumes[0].payload.length <= 1024);
  assert.equal(host.deliver(dataId).json.answer, answer);

  const tooLong = host.call('request', { prompt: 'p'.repeat(4097) }, { predecessor: USER });
  assert.match(tooLong.error, /argument `prompt`: longer than 4096 bytes/);
  const q = ask(host, 'q');
  const big = host.call('respond', { yield_id: q.yieldBytes, response: 'a'.repeat(16385) }, { predecessor: ORACLE });
  assert.match(big.error, /argument `response`: longer than 16384 bytes/);
  assert.match(host.call('request', { prompt: '' }, { predecessor: USER }).error, /must not be empty/);
});

test('assistant: an event with a heavily escaped prompt still fits the log limit', () => {
  const host = deployAssistant();
  const { out } = ask(host, '\u0001'.repeat(4096)); // 6 bytes each once escaped
  const [ev] = events(out);
  assert.equal(ev.data[0].prompt_omitted, true);
  assert.equal(host.call('get_pending_requests', {}, { view: true }).json[0].prompt.length, 4096);
});

test('assistant: the callback is private', () => {
  const host = deployAssistant();
  ask(host, 'q');
  const r = host.call('return_external_response', { request_id: 1 }, {
    predecessor: USER,
    promiseResults: [{ status: 2 }],
  });
  assert.match(r.error, /Method return_external_response is private/);
});

test('assistant: owner manages the oracle set', () => {
  const host = deployAssistant();
  assert.match(host.call('add_oracle', { account_id: 'x.test' }, { predecessor: USER }).error, /only the owner/);
  assert.equal(host.call('add_oracle', { account_id: 'o2.test' }, { predecessor: OWNER }).json, true);
  assert.equal(host.call('add_oracle', { account_id: 'o2.test' }, { predecessor: OWNER }).json, false);
  assert.deepEqual(host.call('get_oracles', {}, { view: true }).json, [ORACLE, 'o2.test']);
  assert.equal(host.call('remove_oracle', { account_id: ORACLE }, { predecessor: OWNER }).json, true);
  assert.deepEqual(host.call('get_oracles', {}, { view: true }).json, ['o2.test']);
  assert.match(host.call('add_oracle', { account_id: 'Bad!' }, { predecessor: OWNER }).error, /not a valid NEAR account id/);
  const { yieldBytes } = ask(host, 'q');
  assert.match(host.call('respond', { yield_id: yieldBytes, response: 'x' }, { predecessor: ORACLE }).error, /not an oracle/);
});

test('assistant: removing requests from the middle keeps the pending list intact', () => {
  const host = deployAssistant();
  const reqs = [ask(host, 'a'), ask(host, 'b'), ask(host, 'c'), ask(host, 'd')];
  host.call('respond', { yield_id: reqs[1].yieldBytes, response: 'B' }, { predecessor: ORACLE });
  host.deliver(reqs[1].dataId);
  host.deliver(reqs[3].dataId, { timeout: true });
  host.call('respond', { yield_id: reqs[0].yieldBytes, response: 'A' }, { predecessor: ORACLE });
  assert.deepEqual(host.call('get_pending_requests', {}, { view: true }).json.map((r) => r.prompt), ['c']);
  assert.equal(host.call('get_config', {}, { view: true }).json.pending, 1);
  const e = ask(host, 'e');
  assert.deepEqual(host.call('list_requests', {}, { view: true }).json.map((r) => r.prompt), ['c', 'e']);
  assert.ok(e.dataId);
});

test('assistant: get_pending_requests by from_request_id: ids >= it, ascending, at most limit', () => {
  const host = deployAssistant();
  const N = 40;
  const reqs = [];
  for (let i = 1; i <= N; i++) {
    reqs.push(ask(host, `q${i}`));
  }
  // Gaps of every width (1, 4, 12 ids), at the head, in the middle and at the tail.
  const finished = [1, 2, 5, 6, 7, 8, 12, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 39, 40];
  for (const id of finished) {
    const r = host.call('respond', { yield_id: reqs[id - 1].yieldBytes, response: 'x' }, { predecessor: ORACLE });
    assert.equal(r.json, true);
  }
  const pending = reqs.map((_, i) => i + 1).filter((id) => !finished.includes(id));
  const ids = (args) => {
    const r = host.call('get_pending_requests', args, { view: true });
    assert.equal(r.error, null, r.error);
    return r.json.map((x) => x.request_id);
  };
  // Every starting id: a hit (pending), a miss (finished: the next greater pending id starts the
  // page), before the head, and past the tail (empty); limits around the page's size.
  for (let from = 0; from <= N + 2; from++) {
    for (const limit of [0, 1, 3, 100]) {
      const want = pending.filter((id) => id >= from).slice(0, limit);
      assert.deepEqual(ids({ from_request_id: from, limit }), want, `from ${from} limit ${limit}`);
    }
  }
  assert.deepEqual(ids({ from_request_id: 13 }), pending.filter((id) => id >= 13)); // limit 100
  assert.deepEqual(ids({ from_request_id: 9, from_index: 0, limit: 2 }), [9, 10]);
  assert.deepEqual(ids({ from_request_id: 2 ** 53 - 1 }), []);
  // Records are the same objects as by position.
  assert.deepEqual(host.call('get_pending_requests', { from_request_id: 14, limit: 2 }, { view: true }).json,
    host.call('get_pending_requests', { from_index: 6, limit: 2 }, { view: true }).json);
  assert.match(host.call('get_pending_requests', { from_request_id: 3, from_index: 1 }, { view: true }).error,
    /argument `from_index`: must be absent or 0 when `from_request_id` is given/);
  assert.match(host.call('get_pending_requests', { from_request_id: 'x' }, { view: true }).error,
    /argument `from_request_id`/);
  // list_requests pages by position only, as before.
  assert.equal(host.call('list_requests', { from_request_id: 30 }, { view: true }).json.length, pending.length);
  // An empty list.
  const empty = deployAssistant();
  assert.deepEqual(empty.call('get_pending_requests', { from_request_id: 0 }, { view: true }).json, []);
  assert.deepEqual(empty.call('get_pending_requests', { from_request_id: 5 }, { view: true }).json, []);
});

test('assistant: bad arguments fail with the argument named', () => {
  const host = deployAssistant();
  assert.match(host.call('request', '{"prompt": 5}', { predecessor: USER }).error, /argument `prompt`: expected a string/);
  assert.match(host.call('request', 'not json', { predecessor: USER }).error, /not valid JSON/);
  assert.match(host.call('request', '{}', { predecessor: USER }).error, /argument `prompt`: missing/);
  const huge = JSON.stringify({ prompt: 'x', pad: 'y'.repeat(70000) });
  assert.match(host.call('request', huge, { predecessor: USER }).error, /input over 65536 bytes/);
  assert.match(host.call('request', '{"prompt":"a","prompt":"b"}', { predecessor: USER }).error, /given twice/);
  assert.match(host.call('respond', { yield_id: [1, 2, 3], response: 'x' }, { predecessor: ORACLE }).error,
    /argument `yield_id`: expected an array of 32 numbers/);
});

test('assistant: respond_many answers a batch like respond, one event, booleans in order', () => {
  const host = deployAssistant();
  const reqs = [ask(host, 'a'), ask(host, 'b'), ask(host, 'c'), ask(host, 'd')];
  const b58 = (r) => base58(Buffer.from(r.dataId, 'hex'));
  // d is answered first by respond, c's yield is gone on the chain: both must be refused.
  assert.equal(host.call('respond', { yield_id: b58(reqs[3]), response: 'D' }, { predecessor: ORACLE }).json, true);
  host.yields.delete(reqs[2].dataId);
  const r = host.call('respond_many', {
    responses: [
      { yield_id: b58(reqs[0]), response: 'A' },
      { yield_id: reqs[1].yieldBytes, response: 'B!' },
      { yield_id: b58(reqs[0]), response: 'again' }, // duplicate within the batch
      { yield_id: b58(reqs[2]), response: 'C' }, // resume refused by the chain
      { yield_id: b58(reqs[3]), response: 'D2' }, // already answered
      { yield_id: base58(Buffer.alloc(32, 7)), response: 'x' }, // unknown
    ],
  }, { predecessor: ORACLE });
  assert.equal(r.error, null, r.error);
  assert.equal(r.text, '[true,true,false,false,false,false]');
  assert.deepEqual(r.resumes.map((x) => [x.dataId, JSON.parse(x.payload)]), [
    [reqs[0].dataId, { request_id: 1 }],
    [reqs[1].dataId, { request_id: 2 }],
  ]); // c's resume returned 0 (not recorded by the host): its answer was dropped again
  const evs = events(r);
  assert.equal(evs.length, 1);
  assert.equal(evs[0].event, 'request_answered');
  assert.deepEqual(evs[0].data, [
    { request_id: 1, yield_id: b58(reqs[0]), responder: ORACLE, answer_bytes: 1 },
    { request_id: 2, yield_id: b58(reqs[1]), responder: ORACLE, answer_bytes: 2 },
  ]);
  assert.deepEqual(host.call('get_pending_requests', {}, { view: true }).json.map((x) => x.prompt), ['c']);
  assert.equal(host.call('get_request', { request_id: 3 }, { view: true }).json.status, 'pending');
  assert.deepEqual(host.deliver(reqs[0].dataId).json, { request_id: 1, status: 'answered', answer: 'A' });
  assert.deepEqual(host.deliver(reqs[1].dataId).json, { request_id: 2, status: 'answered', answer: 'B!' });
  assert.deepEqual(host.deliver(reqs[3].dataId).json, { request_id: 4, status: 'answered', answer: 'D' });
});

test('assistant: respond_many with nothing accepted logs no event', () => {
  const host = deployAssistant();
  const r = host.call('respond_many', { responses: [{ yield_id: base58(Buffer.alloc(32, 1)), response: 'x' }] },
    { predecessor: ORACLE });
  assert.equal(r.error, null);
  assert.equal(r.text, '[false]');
  assert.deepEqual(r.logs, []);
});

test('assistant: respond_many caps, oracle check and bad entries', () => {
  const host = deployAssistant();
  const reqs = Array.from({ length: 33 }, (_, i) => ask(host, `q${i}`));
  const entries = reqs.map((q, i) => ({ yield_id: base58(Buffer.from(q.dataId, 'hex')), response: `answer ${i}` }));
  const before = new Map(host.storage);
  const over = host.call('respond_many', { responses: entries }, { predecessor: ORACLE });
  assert.match(over.error, /argument `responses`: expected 1 to 32 entries/);
  assert.match(host.call('respond_many', { responses: [] }, { predecessor: ORACLE }).error,
    /argument `responses`: expected 1 to 32 entries/);
  assert.match(host.call('respond_many', { responses: entries.slice(0, 2) }, { predecessor: 'mallory.test' }).error,
    /respond_many: mallory\.test is not an oracle of this contract/);
  assert.match(host.call('respond_many', { responses: entries.slice(0, 2) }, { predecessor: ORACLE, deposit: 1 }).error,
    /Method respond_many doesn't accept deposit/);
  assert.match(host.call('respond_many', {}, { predecessor: ORACLE }).error, /argument `responses`: missing/);
  assert.match(host.call('respond_many', { responses: {} }, { predecessor: ORACLE }).error, /argument `responses`: expected an array/);
  assert.match(host.call('respond_many', { responses: ['x'] }, { predecessor: ORACLE }).error, /argument `responses`: expected an array/);
  // One bad entry fails the whole call (the earlier entries roll back with it).
  const bad = [entries[0], { yield_id: entries[1].yield_id, response: 'a'.repeat(16385) }];
  assert.match(host.call('respond_many', { responses: bad }, { predecessor: ORACLE }).error,
    /argument `response`: longer than 16384 bytes/);
  assert.match(host.call('respond_many', { responses: [{ yield_id: [1], response: 'x' }] }, { predecessor: ORACLE }).error,
    /argument `yield_id`: expected an array of 32 numbers/);
  assert.deepEqual(host.storage, before);

  const full = host.call('respond_many', { responses: entries.slice(0, 32) }, { predecessor: ORACLE });
  assert.equal(full.error, null, full.error);
  assert.deepEqual(full.json, Array(32).fill(true));
  const [ev] = events(full);
  assert.equal(ev.data.length, 32);
  assert.ok(full.logs[0].length < 16384);
  assert.deepEqual(host.call('get_pending_requests', {}, { view: true }).json.map((x) => x.prompt), ['q32']);
});

test('assistant: results, events, errors and state are byte for byte the recorded ones', () => {
  // data/assistant_transcript.txt: digests of the same session run before the speed work
  // (assistant_transcript.mjs says what each covers and what is left out).
  const want = readFileSync(new URL('./data/assistant_transcript.txt', import.meta.url), 'utf8')
    .trim().split('\n').map((line) => line.slice(0, 64));
  const got = transcript(wasm('assistant'));
  assert.equal(got.length, want.length);
  got.forEach((s, i) => assert.equal(s.digest, want[i], `step ${i}: ${s.step}`));
});

test('counter: increment, decrement, status messages', () => {
  const host = new NearHost(wasm('counter'), 'counter.test');
  assert.equal(host.call('increment').json, 1);
  assert.equal(host.call('increment').json, 2);
  assert.equal(host.call('decrement').json, 1);
  assert.equal(host.call('get', {}, { view: true }).json, 1);
  assert.equal(host.call('reset').json, null);
  assert.match(host.call('decrement').error, /below zero/);
  assert.equal(host.call('set_status', { message: 'hello "world"' }, { predecessor: USER }).error, null);
  assert.equal(host.call('get_status', { account_id: USER }, { view: true }).json, 'hello "world"');
  assert.equal(host.call('get_status', { account_id: 'bob.test' }, { view: true }).json, null);
  assert.match(host.call('increment', {}, { view: true }).error, /ProhibitedInView/);
});

test('xcc: promise_then to one call, callback reads the result', () => {
  const host = new NearHost(wasm('xcc'), 'xcc.test');
  const out = host.call('call', { account_id: 'counter.test', method: 'get', args: { a: 1 } });
  assert.equal(out.error, null);
  const [create, then] = out.promises;
  assert.deepEqual({ kind: create.kind, account: create.account, method: create.method, args: create.args },
    { kind: 'create', account: 'counter.test', method: 'get', args: '{"a":1}' });
  assert.equal(then.kind, 'then');
  assert.equal(then.after, 0n);
  assert.equal(then.account, 'xcc.test');
  assert.deepEqual(then.actions.map((a) => [a.method, a.gas]), [['on_results', 10_000_000_000_000n]]);
  assert.equal(out.promiseReturn, 1);
  const cb = host.call('on_results', '', {
    predecessor: 'xcc.test',
    promiseResults: [{ status: 1, value: Buffer.from('7') }],
  });
  assert.deepEqual(cb.json, [{ index: 0, status: 'success', value: 7 }]);
});

test('xcc: promise_and joins calls; the callback reports successes and failures in order', () => {
  const host = new NearHost(wasm('xcc'), 'xcc.test');
  const out = host.call('join', {
    calls: [
      { account_id: 'xcc.test', method: 'echo', args: { value: 'x' } },
      { account_id: 'xcc.test', method: 'fail' },
      { account_id: 'counter.test', method: 'get' },
    ],
  });
  assert.equal(out.error, null);
  const and = out.promises[3];
  assert.deepEqual(and, { kind: 'and', deps: [0n, 1n, 2n] });
  assert.equal(out.promises[4].after, 3n);
  assert.deepEqual(out.promises[4].actions.map((a) => [a.method, a.weight]), [['on_results', 1n]]);
  const cb = host.call('on_results', '', {
    predecessor: 'xcc.test',
    promiseResults: [{ status: 1, value: Buffer.from('"x"') }, { status: 2 }, { status: 1, value: Buffer.from('plain text') }],
  });
  assert.deepEqual(cb.json, [
    { index: 0, status: 'success', value: 'x' },
    { index: 1, status: 'failed' },
    { index: 2, status: 'success', value_text: 'plain text' },
  ]);
  const big = host.call('on_results', '', {
    predecessor: 'xcc.test',
    promiseResults: [{ status: 1, value: Buffer.alloc(65537, 0x41) }, { status: 1, value: Buffer.from([0xff]) }],
  });
  assert.deepEqual(big.json, [
    { index: 0, status: 'success', value_len: 65537 },
    { index: 1, status: 'success', value_len: 1 },
  ]);
  assert.match(host.call('fail', { message: 'boom' }).error, /GuestPanic: boom/);
  assert.equal(host.call('echo', { value: { k: [1] } }).text, '{"k":[1]}');
  assert.match(host.call('on_results', '', { predecessor: USER }).error, /is private/);
});

test('yield_echo: yield, resume, callback echoes status and payload', () => {
  const host = new NearHost(wasm('yield_echo'), 'echo.test');
  const y = host.call('yield', { tag: 't1' });
  assert.equal(y.error, null);
  const dataId = y.promises[y.promiseReturn].dataId;
  const b58 = base58(Buffer.from(dataId, 'hex'));
  assert.deepEqual(y.logs, [`data_id=${b58}`]);
  assert.equal(host.call('last_data_id', {}, { view: true }).json, b58);
  assert.equal(host.call('resume', { data_id: b58, payload: 'hello' }).json, 1);
  assert.equal(host.call('resume', { data_id: b58, payload: 'again' }).json, 1); // still pending
  const cb = host.deliver(dataId);
  assert.deepEqual(cb.json, { status: 1, payload: 'hello', payload_hex: '68656c6c6f', payload_len: 5, tag: 't1' });
  assert.equal(host.call('resume', { data_id: b58, payload: 'late' }).json, 0);
  const t = host.call('yield', {});
  assert.deepEqual(host.deliver(t.promises[t.promiseReturn].dataId, { timeout: true }).json,
    { status: 2, payload: null, tag: null });
});

test('yield_echo: yield_and_resume, the _with_id pair and the host-error probes', () => {
  const host = new NearHost(wasm('yield_echo'), 'echo.test');
  const both = host.call('yield_and_resume', { payload: 'now' });
  assert.equal(both.error, null);
  assert.equal(both.logs[1], 'resume=1');
  assert.equal(host.deliver(both.promises[both.promiseReturn].dataId).json.payload, 'now');

  const yid = Array.from({ length: 32 }, (_, i) => i);
  const c = host.call('create_with_id', { yield_id: yid, tag: 'w' });
  assert.equal(c.error, null);
  assert.equal(c.promises[c.promiseReturn].kind, 'yield');
  assert.deepEqual(host.call('create_with_id', { yield_id: yid }).json, { created: false });
  assert.equal(host.call('resume_with_id', { yield_id: yid, payload: 'p' }).json, 1);
  assert.equal(host.call('resume_with_id', { yield_id: Array(32).fill(9), payload: 'p' }).json, 0);

  const y = host.call('yield', {});
  const b58 = base58(Buffer.from(y.promises[y.promiseReturn].dataId, 'hex'));
  assert.match(host.call('resume_oversized', { data_id: b58 }).error, /YieldPayloadLength/);
  assert.match(host.call('resume_malformed').error, /DataIdMalformed/);
  assert.match(host.call('resume_with_id_malformed').error, /YieldIdMalformed/);
  assert.match(host.call('resume', { data_id: b58, payload: 'x'.repeat(1025) }).error, /longer than 1024 bytes/);
});
