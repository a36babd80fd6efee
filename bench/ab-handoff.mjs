// A/B of the runtime's park/unpark round trip between two built checkouts,
// loaded side by side in one process and measured in alternating rounds
// (12 x 2,000 round trips, medians) beside the raw futex ping-pong, without
// and with one core taken by a spinning thread. On a shared machine this
// is the only fair comparison: two separate runs see different loads.
//
//   node bench/ab-handoff.mjs /path/to/base-checkout [/path/to/this-checkout]
//
// Both checkouts must be built (npm run build). Used for docs/bench/issue-16.md.
import { fileURLToPath } from 'node:url';
const BASE = process.argv[2];
const HERE = process.argv[3] ?? fileURLToPath(new URL('..', import.meta.url));
if (!BASE) { console.error('usage: node bench/ab-handoff.mjs BASE_CHECKOUT [THIS_CHECKOUT]'); process.exit(2); }
import { Worker } from 'node:worker_threads';
async function partner(root) {
  const { Kernel } = await import(`${root}/dist/src/runtime/kernel/kernel.js`);
  const { KernelMemory } = await import(`${root}/dist/src/runtime/kernel/memory.js`);
  const L = await import(`${root}/dist/src/runtime/kernel/layout.js`);
  const { deref, kmemCacheAlloc } = await import(`${root}/dist/src/runtime/kernel/slab.js`);
  const { complete, waitForCompletion } = await import(`${root}/dist/src/runtime/kernel/sync/completion.js`);
  const sched = await import(`${root}/dist/src/runtime/kernel/sched.js`);
  const layout = { ...L.DEFAULT_LAYOUT_CONFIG, maxTasks: 4, maxExecutors: 1, ringEvents: 64 };
  const mem = KernelMemory.create(layout); mem.resetIteration();
  const hk = new Kernel(mem, true);
  const ping = deref(hk, kmemCacheAlloc(hk, L.CACHE.sync)) + L.SYNC_OBJ;
  const pong = deref(hk, kmemCacheAlloc(hk, L.CACHE.sync)) + L.SYNC_OBJ;
  const stop = deref(hk, kmemCacheAlloc(hk, L.CACHE.sync)) + L.SYNC_OBJ + L.COMPLETION_WORDS;
  const k = new Kernel(mem, false); k.cur = 1; k.curBase = k.base(1);
  mem.i32[L.kNextSlot] = 3; mem.i32[L.kLiveTasks] = 2;
  if (sched.markRunnable) { sched.markRunnable(mem.i32, k.base(1) + L.T_PARK); sched.markRunnable(mem.i32, k.base(2) + L.T_PARK); }
  const w = new Worker(`${root}/dist/bench/workers/echo.js`, { workerData: { kind: 'runtime', sab: mem.sab, layout, ping, pong, stop, slot: 2 } });
  return { rt() { complete(k, ping); waitForCompletion(k, pong); }, async close() { Atomics.store(mem.i32, stop, 1); complete(k, ping); await w.terminate(); } };
}
function rawP() {
  const i32 = new Int32Array(new SharedArrayBuffer(16));
  const w = new Worker(`${HERE}/dist/bench/workers/echo.js`, { workerData: { kind: 'raw', sab: i32.buffer, ping: 0, pong: 1, stop: 2 } });
  let n = 0;
  return { rt() { n++; Atomics.store(i32, 0, n); Atomics.notify(i32, 0); while (Atomics.load(i32, 1) !== n) Atomics.wait(i32, 1, n - 1); }, async close() { Atomics.store(i32, 2, 1); Atomics.store(i32, 0, n + 1); Atomics.notify(i32, 0); await w.terminate(); } };
}
for (const busy of [false, true]) {
  let hog = null;
  if (busy) { const s = new Int32Array(new SharedArrayBuffer(16)); hog = { s, w: new Worker(`${HERE}/dist/bench/workers/echo.js`, { workerData: { kind: 'hog', sab: s.buffer, ping: 0, pong: 1, stop: 2 } }) }; }
  const ps = { raw: rawP(), base: await partner(BASE), new: await partner(HERE) };
  for (const p of Object.values(ps)) for (let i = 0; i < 300; i++) p.rt();
  const res = { raw: [], base: [], new: [] };
  for (let r = 0; r < 12; r++) for (const [n, p] of Object.entries(ps)) { const N = 2000; const t0 = performance.now(); for (let i = 0; i < N; i++) p.rt(); res[n].push((performance.now() - t0) * 1000 / N); }
  const med = (v) => v.sort((a, b) => a - b)[v.length >> 1];
  console.log(busy ? 'one core busy:' : 'no hog:', Object.entries(res).map(([n, v]) => `${n} ${med(v).toFixed(1)} us`).join(', '), `| base/raw ${(med(res.base) / med(res.raw)).toFixed(2)}x new/raw ${(med(res.new) / med(res.raw)).toFixed(2)}x`);
  for (const p of Object.values(ps)) await p.close();
  if (hog) { Atomics.store(hog.s, 2, 1); await hog.w.terminate(); }
}
