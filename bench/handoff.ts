/**
 * Handoff benchmarks: one round trip between the main thread and a worker.
 * Baselines (raw futex ping-pong, spin ping-pong) and the runtime's own
 * park/unpark (completions between two simulated tasks) run in the same
 * Bench, so the ratio is taken under the same machine conditions; then the
 * futex baseline and the runtime again with one core taken by a spinning
 * thread (a loaded machine), where spinning cannot win.
 */
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { Kernel } from '../src/runtime/kernel/kernel.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';
import { CACHE, COMPLETION_WORDS, DEFAULT_LAYOUT_CONFIG, kLiveTasks, kNextSlot, SYNC_OBJ, T_PARK, type LayoutConfig } from '../src/runtime/kernel/layout.js';
import { deref, kmemCacheAlloc } from '../src/runtime/kernel/slab.js';
import { complete, waitForCompletion } from '../src/runtime/kernel/sync/completion.js';
import { markRunnable } from '../src/runtime/kernel/sched.js';
import type { BenchOptions } from './types.js';

const ECHO = new URL('./workers/echo.js', import.meta.url);

export interface Partner {
  roundTrip(): void;
  close(): Promise<void>;
}

export function rawPartner(kind: 'raw' | 'spin'): Partner {
  const sab = new SharedArrayBuffer(16);
  const i32 = new Int32Array(sab);
  const w = new Worker(ECHO, { workerData: { kind, sab, ping: 0, pong: 1, stop: 2 } });
  let n = 0;
  return {
    roundTrip() {
      n++;
      Atomics.store(i32, 0, n);
      if (kind === 'raw') Atomics.notify(i32, 0);
      if (kind === 'raw') while (Atomics.load(i32, 1) !== n) Atomics.wait(i32, 1, n - 1);
      else while (Atomics.load(i32, 1) !== n);
    },
    async close() {
      Atomics.store(i32, 2, 1);
      Atomics.store(i32, 0, n + 1);
      Atomics.notify(i32, 0);
      await w.terminate();
    },
  };
}

export function runtimePartner(): Partner {
  const layout: LayoutConfig = { ...DEFAULT_LAYOUT_CONFIG, maxTasks: 4, maxExecutors: 1, ringEvents: 64 };
  const mem = KernelMemory.create(layout);
  mem.resetIteration();
  const hk = new Kernel(mem, true);
  const ping = deref(hk, kmemCacheAlloc(hk, CACHE.sync)) + SYNC_OBJ;
  const pong = deref(hk, kmemCacheAlloc(hk, CACHE.sync)) + SYNC_OBJ;
  const stop = deref(hk, kmemCacheAlloc(hk, CACHE.sync)) + SYNC_OBJ + COMPLETION_WORDS;
  // Two simulated tasks: the main thread is slot 1, the worker slot 2.
  const k = new Kernel(mem, false);
  k.cur = 1;
  k.curBase = k.base(1);
  mem.i32[kNextSlot] = 3; // wake-up scans cover slots 1..2
  mem.i32[kLiveTasks] = 2;
  // Both are on a CPU, as an executor marks a task it starts (kNrRunning, sched.ts).
  markRunnable(mem.i32, k.base(1) + T_PARK);
  markRunnable(mem.i32, k.base(2) + T_PARK);
  const w = new Worker(ECHO, { workerData: { kind: 'runtime', sab: mem.sab, layout, ping, pong, stop, slot: 2 } });
  return {
    roundTrip() {
      complete(k, ping);
      waitForCompletion(k, pong);
    },
    async close() {
      Atomics.store(mem.i32, stop, 1);
      complete(k, ping);
      await w.terminate();
    },
  };
}

/**
 * Other work on the machine: a worker thread that spins on one core until
 * stopped (as the spin baseline's partner did when it stayed alive through
 * the runtime's measurement, the 14x run of issue 16).
 */
function hog(): { stop(): Promise<void> } {
  const sab = new SharedArrayBuffer(16);
  const w = new Worker(ECHO, { workerData: { kind: 'hog', sab, ping: 0, pong: 1, stop: 2 } });
  return {
    async stop() {
      Atomics.store(new Int32Array(sab), 2, 1);
      await w.terminate();
    },
  };
}

/** The names of the handoff figures; `busy`: with one core taken by a spinning thread. */
export function handoffName(what: 'raw' | 'spin' | 'runtime', busy = false): string {
  const base = what === 'raw' ? 'raw Atomics.wait/notify ping-pong' : what === 'spin' ? 'raw spin ping-pong' : 'runtime park/unpark (completion ping-pong)';
  return busy ? `${base}, one core busy` : base;
}

export async function handoffBench(o: BenchOptions): Promise<Bench> {
  const bench = new Bench({ name: 'handoff', time: o.quick ? 300 : 1500, warmupTime: o.quick ? 50 : 200, retainSamples: true });
  const alive = new Set<{ close(): Promise<void> }>();
  const add = (name: string, make: () => Partner, busy: boolean): void => {
    let p: Partner | null = null;
    let h: { stop(): Promise<void> } | null = null;
    bench.add(name, () => p!.roundTrip(), {
      // Each partner (and the hog) lives only while its own task runs: a
      // spinning partner left alive takes a core from every later task.
      beforeAll() {
        if (busy) h = hog();
        p = make();
        alive.add(p);
        // Let the worker start and settle before timing begins.
        for (let i = 0; i < 50; i++) p.roundTrip();
      },
      async afterAll() {
        if (p) {
          alive.delete(p);
          await p.close();
        }
        await h?.stop();
        p = null;
        h = null;
      },
    });
  };
  for (const busy of [false, true]) {
    add(handoffName('raw', busy), () => rawPartner('raw'), busy);
    if (!busy) add(handoffName('spin'), () => rawPartner('spin'), busy);
    add(handoffName('runtime', busy), runtimePartner, busy);
  }
  try {
    await bench.run();
  } finally {
    for (const p of alive) await p.close();
  }
  return bench;
}
