/**
 * The raw broadcast-ack floor for N waiters: one Atomics.notify wakes N
 * plain worker threads parked in Atomics.wait, each acks with an
 * Atomics.add, and the last one notifies the caller back. It is the least
 * any "make every sibling do something and wait for all of them" protocol
 * can cost on this machine; each TSYNC point is compared with the floor of
 * the same N.
 *
 * Beside it, the shape of the kernel's TSYNC protocol with no work in it:
 * two rounds in which the caller wakes each waiter on a word of its own
 * (task_work_add() to each sibling, then complete_all(ready_to_commit) over
 * the siblings' waits) and the last ack wakes it back. What that costs
 * against the broadcast is the machine's share of TSYNC's ratio.
 *
 * Each task starts its waiters before it is timed and stops them
 * afterwards, so at most one set of waiters is alive at a time.
 */
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import type { BenchOptions } from './types.js';

const WAITER = new URL('./workers/broadcast.js', import.meta.url);

/** The waiter counts of the floor, the same as the TSYNC sibling counts. */
export const BROADCAST_WAITERS = [1, 2, 4, 8, 16, 32, 64] as const;

/** The waiter counts of the two-round per-thread floor (`lockstep bench`; `--quick` takes 1 and 8). */
export const TWO_ROUND_WAITERS = [1, 2, 4, 8] as const;

export function broadcastAckName(n: number): string {
  return `raw broadcast-ack to ${n} waiter${n === 1 ? '' : 's'}`;
}

export function twoRoundName(n: number): string {
  return `raw two rounds of per-thread wake-ack to ${n} waiter${n === 1 ? '' : 's'}`;
}

interface Waiters {
  round(): void;
  stop(): Promise<void>;
}

/** `perThread`: each waiter on its own word, two rounds a sample unit (see above). */
function startWaiters(n: number, perThread: boolean): Waiters {
  // [0] generation, [1] acks, [2] stop, [3 + i] waiter i's generation (per-thread)
  const i32 = new Int32Array(new SharedArrayBuffer(4 * (3 + n)));
  const workers = Array.from({ length: n }, (_, i) => new Worker(WAITER, { workerData: { sab: i32.buffer, n, slot: perThread ? i : undefined } }));
  let gen = 0;
  const wakeAll = (): void => {
    gen++;
    if (!perThread) {
      Atomics.store(i32, 0, gen);
      Atomics.notify(i32, 0);
      return;
    }
    for (let i = 0; i < n; i++) {
      Atomics.store(i32, 3 + i, gen);
      Atomics.notify(i32, 3 + i, 1);
    }
  };
  const oneRound = (): void => {
    Atomics.store(i32, 1, 0);
    wakeAll();
    for (let a = Atomics.load(i32, 1); a < n; a = Atomics.load(i32, 1)) Atomics.wait(i32, 1, a, 50);
  };
  return {
    round() {
      oneRound();
      if (perThread) oneRound();
    },
    async stop() {
      Atomics.store(i32, 2, 1);
      wakeAll();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** The broadcast floor for each of `ns`, and the two-round per-thread floor for each of `twoRoundNs`. */
export async function broadcastBench(o: BenchOptions, ns: readonly number[], twoRoundNs: readonly number[] = []): Promise<Bench> {
  const bench = new Bench({ name: 'floor', iterations: o.quick ? 5 : 12, time: 0, warmup: false, retainSamples: true });
  const alive = new Set<Waiters>();
  const cases = [...ns.map((n) => ({ n, perThread: false })), ...twoRoundNs.map((n) => ({ n, perThread: true }))];
  for (const { n, perThread } of cases) {
    // Enough rounds per sample to average out the timer, fewer for the slow wide broadcasts.
    const rounds = Math.max(20, Math.round(1600 / n));
    let w: Waiters | null = null;
    bench.add(
      perThread ? twoRoundName(n) : broadcastAckName(n),
      () => {
        const t0 = performance.now();
        for (let i = 0; i < rounds; i++) w!.round();
        return { overriddenDuration: (performance.now() - t0) / rounds };
      },
      {
        beforeAll() {
          w = startWaiters(n, perThread);
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
