// near_host.mjs — a test fixture that runs one contract's functions under Node's WebAssembly with
// the `env` host functions our contracts import, so their behaviour can be tested before (and
// independently of) the chain runtime. It follows the ABI facts of reference/nep519.md §3 and §6:
// registers (register_len = u64::MAX when unused), storage return codes, logs, panics as host
// errors with per-call rollback, view-call prohibitions, and yield/resume bookkeeping (resume
// returns 1 while a yield of this account is pending, payload cap 1024 bytes, 32-byte ids).
// It is not a runtime: no gas, no receipts, no blocks — a test decides when a callback runs
// (deliver / timeout) and what promise results it sees.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const U64_MAX = 0xffffffffffffffffn;
const MAX_YIELD_PAYLOAD = 1024;
const MAX_LOGS = 100;
const MAX_TOTAL_LOG = 16384;

export class HostError extends Error {}

export class NearHost {
  constructor(wasmPath, accountId) {
    this.module = new WebAssembly.Module(readFileSync(wasmPath));
    this.accountId = accountId;
    this.storage = new Map(); // hex(key) -> Buffer
    this.yields = new Map(); // hex(data id) -> {account, method, args, resumed, payload}
    this.yieldsById = new Map(); // hex(yield id) -> hex(data id)
    this.height = 100;
    this.nonce = 0;
  }

  // Runs `method` with JSON (or raw) arguments; returns the outcome. Storage changes are rolled
  // back when the call fails, as a failed receipt's are.
  call(method, args = {}, opts = {}) {
    const ctx = {
      input: Buffer.from(typeof args === 'string' ? args : JSON.stringify(args)),
      predecessor: opts.predecessor ?? 'user.test',
      signer: opts.signer ?? opts.predecessor ?? 'user.test',
      view: opts.view ?? false,
      results: opts.promiseResults ?? [], // [{status:1, value:Buffer} | {status:2}]
      deposit: BigInt(opts.deposit ?? 0),
      registers: new Map(),
      logs: [],
      logBytes: 0,
      returnValue: null,
      promiseReturn: null,
      promises: [],
      resumes: [],
    };
    const saved = new Map(this.storage);
    const savedYields = new Map([...this.yields].map(([k, v]) => [k, { ...v }]));
    const savedIds = new Map(this.yieldsById);
    let error = null;
    try {
      const instance = new WebAssembly.Instance(this.module, { env: this.env(ctx) });
      ctx.memory = instance.exports.memory;
      const fn = instance.exports[method];
      if (typeof fn !== 'function') {
        throw new HostError(`MethodNotFound: ${method}`);
      }
      fn();
    } catch (e) {
      if (!(e instanceof HostError)) {
        throw e; // a trap or a fixture bug: the test must see it
      }
      error = e.message;
      this.storage = saved;
      this.yields = savedYields;
      this.yieldsById = savedIds;
    }
    const value = ctx.returnValue;
    return {
      error,
      logs: ctx.logs,
      value,
      text: value === null ? null : value.toString('utf8'),
      json: value === null || value.length === 0 ? undefined : JSON.parse(value.toString('utf8')),
      promiseReturn: error ? null : ctx.promiseReturn,
      promises: error ? [] : ctx.promises,
      resumes: error ? [] : ctx.resumes,
    };
  }

  // Runs the callback of a pending yield the way the chain does after a resume (payload) or a
  // timeout (status 2); the yield is gone afterwards.
  deliver(dataIdHex, opts = {}) {
    const y = this.yields.get(dataIdHex);
    if (!y) {
      throw new Error(`no pending yield ${dataIdHex}`);
    }
    this.yields.delete(dataIdHex);
    for (const [k, v] of this.yieldsById) {
      if (v === dataIdHex) {
        this.yieldsById.delete(k);
      }
    }
    const results = y.resumed && !opts.timeout ? [{ status: 1, value: y.payload }] : [{ status: 2 }];
    return this.call(y.method, y.args.toString('utf8'), {
      predecessor: this.accountId,
      promiseResults: results,
    });
  }

  storageKeys() {
    return [...this.storage.keys()].map((k) => Buffer.from(k, 'hex'));
  }

  env(ctx) {
    const host = this;
    const mem = () => new Uint8Array(ctx.memory.buffer);
    const read = (ptr, len) => {
      const p = Number(ptr);
      const n = Number(len);
      if (p + n > ctx.memory.buffer.byteLength) {
        throw new HostError('MemoryAccessViolation');
      }
      return Buffer.from(mem().slice(p, p + n));
    };
    const write = (ptr, bytes) => mem().set(bytes, Number(ptr));
    const setReg = (id, bytes) => ctx.registers.set(id, Buffer.from(bytes));
    // A (len, ptr) argument that may name a register (len == u64::MAX).
    const bytesArg = (len, ptr) => {
      if (len === U64_MAX) {
        const r = ctx.registers.get(ptr);
        if (!r) {
          throw new HostError('InvalidRegisterId');
        }
        return r;
      }
      return read(ptr, len);
    };
    const notInView = (name) => {
      if (ctx.view) {
        throw new HostError(`ProhibitedInView: ${name}`);
      }
    };
    const utf8 = (bytes) => {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new HostError('BadUTF8');
      }
    };
    const newPromise = (p) => {
      ctx.promises.push(p);
      return BigInt(ctx.promises.length - 1);
    };
    const dataId = () => createHash('sha256').update(`data-${host.nonce++}`).digest();
    const resume = (idHex, payload) => {
      const y = host.yields.get(idHex);
      if (!y || y.account !== host.accountId) {
        return 0;
      }
      if (!y.resumed) {
        y.resumed = true;
        y.payload = payload;
      }
      ctx.resumes.push({ dataId: idHex, payload });
      return 1;
    };
    return {
      read_register(id, ptr) {
        const r = ctx.registers.get(id);
        if (!r) {
          throw new HostError('InvalidRegisterId');
        }
        write(ptr, r);
      },
      register_len(id) {
        const r = ctx.registers.get(id);
        return r ? BigInt(r.length) : U64_MAX;
      },
      write_register(id, len, ptr) {
        setReg(id, read(ptr, len));
      },
      input(id) {
        setReg(id, ctx.input);
      },
      current_account_id(id) {
        setReg(id, Buffer.from(host.accountId));
      },
      predecessor_account_id(id) {
        notInView('predecessor_account_id');
        setReg(id, Buffer.from(ctx.predecessor));
      },
      signer_account_id(id) {
        notInView('signer_account_id');
        setReg(id, Buffer.from(ctx.signer));
      },
      attached_deposit(ptr) {
        const le = Buffer.alloc(16);
        le.writeBigUInt64LE(ctx.deposit & 0xffffffffffffffffn, 0);
        le.writeBigUInt64LE(ctx.deposit >> 64n, 8);
        write(ptr, le);
      },
      block_index() {
        return BigInt(host.height);
      },
      log_utf8(len, ptr) {
        const text = utf8(bytesArg(len, ptr));
        if (ctx.logs.length >= MAX_LOGS) {
          throw new HostError('NumberOfLogsExceeded');
        }
        ctx.logBytes += Buffer.byteLength(text);
        if (ctx.logBytes > MAX_TOTAL_LOG) {
          throw new HostError('TotalLogLengthExceeded');
        }
        ctx.logs.push(text);
      },
      panic_utf8(len, ptr) {
        throw new HostError(`GuestPanic: ${utf8(bytesArg(len, ptr))}`);
      },
      panic() {
        throw new HostError('GuestPanic: explicit guest panic');
      },
      value_return(len, ptr) {
        ctx.returnValue = bytesArg(len, ptr);
      },
      storage_write(klen, kptr, vlen, vptr, reg) {
        notInView('storage_write');
        const k = bytesArg(klen, kptr).toString('hex');
        const old = host.storage.get(k);
        host.storage.set(k, bytesArg(vlen, vptr));
        if (old) {
          setReg(reg, old);
          return 1n;
        }
        return 0n;
      },
      storage_read(klen, kptr, reg) {
        const v = host.storage.get(bytesArg(klen, kptr).toString('hex'));
        if (!v) {
          return 0n;
        }
        setReg(reg, v);
        return 1n;
      },
      storage_remove(klen, kptr, reg) {
        notInView('storage_remove');
        const k = bytesArg(klen, kptr).toString('hex');
        const v = host.storage.get(k);
        if (!v) {
          return 0n;
        }
        host.storage.delete(k);
        setReg(reg, v);
        return 1n;
      },
      storage_has_key(klen, kptr) {
        return host.storage.has(bytesArg(klen, kptr).toString('hex')) ? 1n : 0n;
      },
      promise_create(alen, aptr, mlen, mptr, glen, gptr, amountPtr, gas) {
        notInView('promise_create');
        return newPromise({
          kind: 'create',
          account: utf8(bytesArg(alen, aptr)),
          method: utf8(bytesArg(mlen, mptr)),
          args: bytesArg(glen, gptr).toString('utf8'),
          gas,
        });
      },
      promise_then(after, alen, aptr, mlen, mptr, glen, gptr, amountPtr, gas) {
        notInView('promise_then');
        if (after >= BigInt(ctx.promises.length)) {
          throw new HostError('InvalidPromiseIndex');
        }
        return newPromise({
          kind: 'then',
          after,
          account: utf8(bytesArg(alen, aptr)),
          actions: [{ method: utf8(bytesArg(mlen, mptr)), args: bytesArg(glen, gptr).toString('utf8'), gas, weight: 0n }],
        });
      },
      promise_and(ptr, count) {
        notInView('promise_and');
        const raw = read(ptr, count * 8n);
        const deps = [];
        for (let i = 0; i < Number(count); i++) {
          const idx = raw.readBigUInt64LE(i * 8);
          if (idx >= BigInt(ctx.promises.length)) {
            throw new HostError('InvalidPromiseIndex');
          }
          deps.push(idx);
        }
        return newPromise({ kind: 'and', deps });
      },
      promise_batch_then(after, alen, aptr) {
        notInView('promise_batch_then');
        if (after >= BigInt(ctx.promises.length)) {
          throw new HostError('InvalidPromiseIndex');
        }
        return newPromise({ kind: 'then', after, account: utf8(bytesArg(alen, aptr)), actions: [] });
      },
      promise_batch_action_function_call_weight(idx, mlen, mptr, glen, gptr, amountPtr, gas, w) {
        notInView('promise_batch_action_function_call_weight');
        const p = ctx.promises[Number(idx)];
        if (!p || p.kind === 'and') {
          throw new HostError('CannotAppendActionToJointPromise');
        }
        p.actions.push({
          method: utf8(bytesArg(mlen, mptr)),
          args: bytesArg(glen, gptr).toString('utf8'),
          gas,
          weight: w,
        });
      },
      promise_return(idx) {
        notInView('promise_return');
        const p = ctx.promises[Number(idx)];
        if (!p) {
          throw new HostError('InvalidPromiseIndex');
        }
        if (p.kind === 'and') {
          throw new HostError('CannotReturnJointPromise');
        }
        ctx.promiseReturn = Number(idx);
      },
      promise_results_count() {
        notInView('promise_results_count');
        return BigInt(ctx.results.length);
      },
      promise_result(i, reg) {
        notInView('promise_result');
        const r = ctx.results[Number(i)];
        if (!r) {
          throw new HostError('InvalidPromiseResultIndex');
        }
        if (r.status === 1) {
          setReg(reg, r.value);
        }
        return BigInt(r.status);
      },
      promise_yield_create(mlen, mptr, alen, aptr, gas, weight, reg) {
        notInView('promise_yield_create');
        const method = utf8(bytesArg(mlen, mptr));
        if (method.length === 0) {
          throw new HostError('EmptyMethodName');
        }
        const id = dataId();
        host.yields.set(id.toString('hex'), {
          account: host.accountId,
          method,
          args: bytesArg(alen, aptr),
          gas,
          weight,
          resumed: false,
          payload: null,
        });
        setReg(reg, id);
        return newPromise({ kind: 'yield', dataId: id.toString('hex'), method, gas, weight });
      },
      promise_yield_create_with_id(mlen, mptr, alen, aptr, amountPtr, gas, weight, ylen, yptr) {
        notInView('promise_yield_create_with_id');
        const method = utf8(bytesArg(mlen, mptr));
        const args = bytesArg(alen, aptr);
        const yid = bytesArg(ylen, yptr);
        if (yid.length !== 32) {
          throw new HostError('YieldIdMalformed');
        }
        if (host.yieldsById.has(yid.toString('hex'))) {
          return U64_MAX;
        }
        const id = dataId();
        host.yields.set(id.toString('hex'), {
          account: host.accountId,
          method,
          args,
          gas,
          weight,
          resumed: false,
          payload: null,
        });
        host.yieldsById.set(yid.toString('hex'), id.toString('hex'));
        return newPromise({ kind: 'yield', dataId: id.toString('hex'), method, gas, weight });
      },
      promise_yield_resume(idlen, idptr, plen, pptr) {
        notInView('promise_yield_resume');
        if (plen === U64_MAX) {
          throw new HostError('IntegerOverflow');
        }
        const id = bytesArg(idlen, idptr);
        const payload = bytesArg(plen, pptr);
        if (payload.length > MAX_YIELD_PAYLOAD) {
          throw new HostError('YieldPayloadLength');
        }
        if (id.length !== 32) {
          throw new HostError('DataIdMalformed');
        }
        return resume(id.toString('hex'), payload);
      },
      promise_yield_resume_with_yield_id(idlen, idptr, plen, pptr) {
        notInView('promise_yield_resume_with_yield_id');
        const yid = bytesArg(idlen, idptr);
        const payload = bytesArg(plen, pptr);
        if (payload.length > MAX_YIELD_PAYLOAD) {
          throw new HostError('YieldPayloadLength');
        }
        if (yid.length !== 32) {
          throw new HostError('YieldIdMalformed');
        }
        const dataHex = host.yieldsById.get(yid.toString('hex'));
        return dataHex ? resume(dataHex, payload) : 0;
      },
    };
  }
}

// Base58 (Bitcoin alphabet) for checking ids the contracts print.
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export function base58(bytes) {
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) {
      break;
    }
    out = '1' + out;
  }
  return out;
}
