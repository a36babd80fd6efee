/**
 * The raw broadcast-ack floor for N waiters: one Atomics.notify wakes N
 * plain worker threads parked in Atomics.wait, each acks with an
 * Atomics.add, and the last one notifies the caller back. It is the least
 * any "make every sibling do something and wait for all of them" protocol
 * can cost on this machine; each TSYNC point is compared with the floor of
 * the same N. Each task starts its waiters before it is timed and stops
 * them afterwards, so at most one set of waiters is alive at a time.
 */
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import type { BenchOptions } from './types.js';

const WAITER = new URL('./workers/broadcast.js', import.meta.url);

/** The waiter counts of the floor, the same as the TSYNC sibling counts. */
export const BROADCAST_WAITERS = [1, 2, 4, 8, 16, 32, 64] as const;

export function broadcastAckName(n: number): string {
  return `raw broadcast-ack to ${n} waiter${n === 1 ? '' : 's'}`;
}

interface Waiters {
  round(): void;
  stop(): Promise<void>;
}

function startWaiters(n: number): Waiters {
  const i32 = new Int32Array(new SharedArrayBuffer(12)); // [0] generation, [1] acks, [2] stop
  const workers = Array.from({ length: n }, () => new Worker(WAITER, { workerData: { sab: i32.buffer, n } }));
  let gen = 0;
  return {
    round() {
      Atomics.store(i32, 1, 0);
      Atomics.store(i32, 0, ++gen);
      Atomics.notify(i32, 0);
      for (let a = Atomics.load(i32, 1); a < n; a = Atomics.load(i32, 1)) Atomics.wait(i32, 1, a, 50);
    },
    async stop() {
      Atomics.store(i32, 2, 1);
      Atomics.store(i32, 0, ++gen);
      Atomics.notify(i32, 0);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export async function broadcastBench(o: BenchOptions, ns: readonly number[]): Promise<Bench> {
  const bench = new Bench({ name: 'floor', iterations: o.quick ? 5 : 12, time: 0, warmup: false, retainSamples: true });
  const alive = new Set<Waiters>();
  for (const n of ns) {
    // Enough rounds per sample to average out the timer, fewer for the slow wide broadcasts.
    const rounds = Math.max(20, Math.round(1600 / n));
    let w: Waiters | null = null;
    bench.add(
      broadcastAckName(n),
      () => {
        const t0 = performance.now();
        for (let i = 0; i < rounds; i++) w!.round();
        return { overriddenDuration: (performance.now() - t0) / rounds };
      },
      {
        beforeAll() {
          w = startWaiters(n);
          alive.add(w);
          // The first rounds wait for the threads to start; then let them settle.
          for (let i = 0; i < 50; i++) w.round();
        },
        async afterAll() {
          if (w) {
            alive.delete(w);
            await w.stop();
          }
          w = null;
        },
      },
    );
  }
  try {
    await bench.run();
  } finally {
    for (const w of alive) await w.stop();
  }
  return bench;
}
