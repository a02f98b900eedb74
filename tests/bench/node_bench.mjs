// Times node's WebAssembly (V8) on the same cpu.wasm the engine benchmark runs.
// Usage: node node_bench.mjs [--repeat N] cpu.wasm run_fib [run_mix ...]
// Prints one line per export: "<name> <result as u32> <wall seconds> <cpu seconds>", the best of
// N runs, each on a fresh instance (CPU time is the process's user + system time). Compilation is outside the timed region, as it is for our engine's `--stats`
// time (which covers the call only).
import { readFileSync } from 'node:fs';

let args = process.argv.slice(2);
let repeat = 1;
if (args[0] === '--repeat') {
  repeat = Math.max(1, Number(args[1]) || 1);
  args = args.slice(2);
}
const [file, ...names] = args;
if (!file || names.length === 0) {
  console.error('usage: node node_bench.mjs [--repeat N] FILE.wasm EXPORT...');
  process.exit(2);
}
const mod = new WebAssembly.Module(readFileSync(file));
for (const name of names) {
  let best = Infinity;
  let bestCpu = Infinity;
  let result = 0;
  for (let i = 0; i < repeat; i++) {
    const inst = new WebAssembly.Instance(mod, {});
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    result = inst.exports[name]() >>> 0;
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage(c0);
    best = Math.min(best, Number(t1 - t0) / 1e9);
    bestCpu = Math.min(bestCpu, (c1.user + c1.system) / 1e6);
  }
  console.log(`${name} ${result} ${best.toFixed(4)} ${bestCpu.toFixed(4)}`);
}
