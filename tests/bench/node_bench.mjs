// Times node's WebAssembly (V8) on the same cpu.wasm the engine benchmark runs.
// Usage: node node_bench.mjs cpu.wasm run_fib [run_mix ...]
// Prints one line per export: "<name> <result as u32> <seconds>". Compilation is outside the
// timed region, as it is for our engine's `--stats` time (which covers the call only).
import { readFileSync } from 'node:fs';

const [file, ...names] = process.argv.slice(2);
if (!file || names.length === 0) {
  console.error('usage: node node_bench.mjs FILE.wasm EXPORT...');
  process.exit(2);
}
const mod = new WebAssembly.Module(readFileSync(file));
for (const name of names) {
  const inst = new WebAssembly.Instance(mod, {});
  const t0 = process.hrtime.bigint();
  const r = inst.exports[name]() >>> 0;
  const t1 = process.hrtime.bigint();
  console.log(`${name} ${r} ${(Number(t1 - t0) / 1e9).toFixed(4)}`);
}
