/**
 * Echo partner for the handoff benchmarks, in a plain worker thread.
 * `raw`: Atomics.wait / Atomics.notify on two words (the baseline).
 * `spin`: busy Atomics.load on the same words (the spin floor).
 * `runtime`: a simulated task answering through lockstep's completions, i.e.
 * the full spin-then-park path with yield points and breadcrumbs.
 * `hog`: no partner; spins on one core until stopped (a loaded machine).
 */
import { workerData } from 'node:worker_threads';
import { Kernel } from '../../src/runtime/kernel/kernel.js';
import { KernelMemory } from '../../src/runtime/kernel/memory.js';
import { complete, waitForCompletion } from '../../src/runtime/kernel/sync/completion.js';
import type { LayoutConfig } from '../../src/runtime/kernel/layout.js';

interface EchoData {
  readonly kind: 'raw' | 'spin' | 'runtime' | 'hog';
  readonly sab: SharedArrayBuffer;
  readonly layout?: LayoutConfig;
  readonly ping: number;
  readonly pong: number;
  readonly stop: number;
  readonly slot?: number;
}

const d = workerData as EchoData;
const i32 = new Int32Array(d.sab);

if (d.kind === 'raw') {
  let seen = 0;
  for (;;) {
    while (Atomics.load(i32, d.ping) === seen) Atomics.wait(i32, d.ping, seen);
    seen = Atomics.load(i32, d.ping);
    if (Atomics.load(i32, d.stop) !== 0) break;
    Atomics.add(i32, d.pong, 1);
    Atomics.notify(i32, d.pong);
  }
} else if (d.kind === 'spin') {
  let seen = 0;
  for (;;) {
    while (Atomics.load(i32, d.ping) === seen);
    seen = Atomics.load(i32, d.ping);
    if (Atomics.load(i32, d.stop) !== 0) break;
    Atomics.add(i32, d.pong, 1);
  }
} else if (d.kind === 'hog') {
  // Other work on the machine: keep one core busy until stopped.
  while (Atomics.load(i32, d.stop) === 0);
} else {
  const mem = new KernelMemory(d.sab, d.layout!);
  const k = new Kernel(mem, false);
  k.cur = d.slot!;
  k.curBase = k.base(d.slot!);
  for (;;) {
    waitForCompletion(k, d.ping);
    if (Atomics.load(i32, d.stop) !== 0) break;
    complete(k, d.pong);
  }
}
