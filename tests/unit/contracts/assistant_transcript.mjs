// assistant_transcript.mjs — one long scripted session against the assistant contract (every
// method, escapes and non-ASCII text in prompts and answers, the 4 KiB / 16 KiB caps, an event
// that has to omit its prompt, answers by array and base58 ids, refused and late answers,
// timeouts, oracle-set changes, argument errors), reduced to one SHA-256 per step: the call's
// result bytes, logs, error, promises and resumes, and the contract's storage afterwards.
//
// data/assistant_transcript.txt holds the digests the contract produced before its speed work
// (commit 07e9ed9), so contracts.test.mjs can check that the same calls still give the same
// bytes. The one intended difference is left out of the comparison: since then an accepted
// answer drops the yield-index entry ("y:" keys) at once instead of in the callback, so storage
// is compared without "y:" keys between steps, and in full once every callback has run.
//
// Regenerate (only for an intended change of behaviour):
//   node assistant_transcript.mjs path/to/assistant.wasm > data/assistant_transcript.txt
import { createHash } from 'node:crypto';
import { NearHost, base58 } from './near_host.mjs';

const SELF = 'assistant.test';
const ORACLE = 'oracle.test';
const OWNER = 'owner.test';
const PROMPTS = [
  'What is 2+2?',
  'quote " and backslash \\ and slash /',
  'tab\tnewline\nnul\u0000ctl\u001f del\u007f',
  'é€😀 unicode',
  'p'.repeat(4096),
  '\u0001'.repeat(4096), // over the event limit once escaped: prompt_omitted
  'x',
  'a"'.repeat(100),
];

const bigintJson = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x));
const sha256 = (s) => createHash('sha256').update(s).digest('hex');

// Returns [{step, digest}] for the session run against the contract at wasmPath.
export function transcript(wasmPath) {
  const host = new NearHost(wasmPath, SELF);
  const steps = [];
  const storage = (all) =>
    [...host.storage.entries()]
      .filter(([k]) => all || !Buffer.from(k, 'hex').toString('latin1').startsWith('y:'))
      .map(([k, v]) => `${k}=${Buffer.from(v).toString('hex')}`)
      .sort();
  const record = (step, outcome, all = false) => {
    const r = outcome ?? {};
    const text = bigintJson([r.error, r.logs, r.text, r.promises, r.resumes, r.promiseReturn,
      storage(all)]);
    steps.push({ step, digest: sha256(text) });
    return outcome;
  };
  const call = (method, args, opts = {}) =>
    record(`${method} ${typeof args === 'string' ? args : bigintJson(args)}`.slice(0, 80),
      host.call(method, args, opts));
  const b58 = (dataId) => base58(Buffer.from(dataId, 'hex'));

  call('init', { owner_id: OWNER, oracle_ids: [ORACLE, 'o2.test'] }, { predecessor: SELF });
  call('get_config', {}, { view: true });
  const ids = PROMPTS.map((prompt) => {
    const r = call('request', { prompt }, { predecessor: 'alice.test' });
    return r.promises[r.promiseReturn].dataId;
  });
  call('ask_assistant', { prompt: 'second name' }, { predecessor: 'bob.test' });
  call('request', '{"prompt":"a","prompt":"b"}');
  call('request', '{"prompt": 5}');
  call('request', { prompt: '' });
  call('request', { prompt: 'x' }, { deposit: 1 });
  call('get_pending_requests', {}, { view: true });
  call('get_pending_requests', { from_index: 2, limit: 3 }, { view: true });
  call('list_requests', { limit: 4 }, { view: true });
  call('get_request', { request_id: 3 }, { view: true });
  call('get_request', { request_id: 99 }, { view: true });
  call('respond', { yield_id: b58(ids[0]), response: 'four' }, { predecessor: ORACLE });
  call('respond', { yield_id: b58(ids[0]), response: 'again' }, { predecessor: ORACLE });
  call('respond', { yield_id: [...Buffer.from(ids[1], 'hex')], response: 'é "quoted" \n' },
    { predecessor: 'o2.test' });
  call('respond', { yield_id: b58(ids[2]), response: 'x' }, { predecessor: 'mallory.test' });
  call('respond', { yield_id: b58(ids[2]), response: 'y'.repeat(16385) }, { predecessor: ORACLE });
  call('respond', { yield_id: 'not base58!', response: 'y' }, { predecessor: ORACLE });
  call('respond', { yield_id: `1${b58(ids[2])}`, response: 'y' }, { predecessor: ORACLE });
  call('respond', { yield_id: b58(ids[3]), response: 'z'.repeat(16384) }, { predecessor: ORACLE });
  call('get_request', { request_id: 1 }, { view: true });
  call('get_pending_requests', {}, { view: true });
  for (const [i, timeout] of [[0, false], [1, false], [3, false], [4, true], [5, true]]) {
    record(`callback ${i}${timeout ? ' timeout' : ''}`, host.deliver(ids[i], { timeout }));
  }
  call('respond', { yield_id: b58(ids[0]), response: 'late' }, { predecessor: ORACLE });
  call('add_oracle', { account_id: 'new.test' }, { predecessor: OWNER });
  call('add_oracle', { account_id: 'new.test' }, { predecessor: OWNER });
  call('remove_oracle', { account_id: ORACLE }, { predecessor: OWNER });
  call('add_oracle', { account_id: 'x.test' }, { predecessor: 'alice.test' });
  call('get_oracles', {}, { view: true });
  call('respond', { yield_id: b58(ids[6]), response: 'from a removed oracle' }, { predecessor: ORACLE });
  call('respond', { yield_id: b58(ids[6]), response: 'ok' }, { predecessor: 'new.test' });
  call('get_pending_requests', { limit: 100 }, { view: true });
  record('callback 6', host.deliver(ids[6]));
  call('return_external_response', { request_id: 1 },
    { predecessor: 'alice.test', promiseResults: [{ status: 2 }] });
  record('end, storage with y: keys', null, true);
  return steps;
}

if (process.argv[1] && process.argv[1].endsWith('assistant_transcript.mjs')) {
  for (const { step, digest } of transcript(process.argv[2])) {
    process.stdout.write(`${digest} ${step}\n`);
  }
}
