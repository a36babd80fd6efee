/**
 * Handoff benchmarks: one round trip between the main thread and a worker.
 * Baselines (raw futex ping-pong, spin ping-pong) and the runtime's own
 * park/unpark (completions between two simulated tasks) run in the same
 * Bench, so the ratio is taken under the same machine conditions; then the
 * futex baseline and the runtime again with one core taken by a spinning
 * thread (a loaded machine), where spinning cannot win.
 *
 * Each condition's figures are measured on the same two threads (and the
 * same hog): one partner thread answers in each protocol in turn
 * (PartnerThread). Two separate partner threads are two draws of where the
 * OS places them, and on this 2-core VM a draw moves a one-core-busy round
 * trip by a third (raw 11.4-12.4 or 15.2-16.9 µs, runtime 15.1-17.2 or
 * 20.0-21.7 µs over 16 fresh pairs each; docs/bench/issue-16.md, eleventh
 * session): a ratio of two draws read the lottery, not the runtime.
 */
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { Kernel } from '../src/runtime/kernel/kernel.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';
import { CACHE, DEFAULT_LAYOUT_CONFIG, kLiveTasks, kNextSlot, SYNC_OBJ, T_PARK, type LayoutConfig } from '../src/runtime/kernel/layout.js';
import { deref, kmemCacheAlloc } from '../src/runtime/kernel/slab.js';
import { complete, waitForCompletion } from '../src/runtime/kernel/sync/completion.js';
import { markRunnable } from '../src/runtime/kernel/sched.js';
import type { BenchOptions } from './types.js';
import { P_ACK, P_MODE, P_PING, P_PONG, P_WORDS, PartnerMode } from './workers/partner-words.js';

const ECHO = new URL('./workers/echo.js', import.meta.url);

export interface Partner {
  roundTrip(): void;
  close(): Promise<void>;
}

export type PartnerProtocol = 'raw' | 'spin' | 'runtime';
const MODE: Record<PartnerProtocol, number> = { raw: PartnerMode.RAW, spin: PartnerMode.SPIN, runtime: PartnerMode.RUNTIME };

/**
 * A partner thread that answers in one protocol at a time: `raw` (futex
 * wait/notify on two words), `spin` (busy loads on them) or `runtime` (two
 * simulated tasks: the main thread is slot 1, the worker slot 2, answering
 * through completions). `use()` switches it between round trips.
 */
export class PartnerThread implements Partner {
  private readonly c = new Int32Array(new SharedArrayBuffer(P_WORDS * 4));
  private readonly k: Kernel;
  private readonly ping: number;
  private readonly pong: number;
  private readonly w: Worker;
  private protocol: PartnerProtocol;
  /** Pings sent and pongs expected on the raw words (a mode switch is a ping without a pong). */
  private pings = 0;
  private pongs = 0;

  constructor(protocol: PartnerProtocol) {
    const layout: LayoutConfig = { ...DEFAULT_LAYOUT_CONFIG, maxTasks: 4, maxExecutors: 1, ringEvents: 64 };
    const mem = KernelMemory.create(layout);
    mem.resetIteration();
    const hk = new Kernel(mem, true);
    this.ping = deref(hk, kmemCacheAlloc(hk, CACHE.sync)) + SYNC_OBJ;
    this.pong = deref(hk, kmemCacheAlloc(hk, CACHE.sync)) + SYNC_OBJ;
    const k = new Kernel(mem, false);
    k.cur = 1;
    k.curBase = k.base(1);
    mem.i32[kNextSlot] = 3; // wake-up scans cover slots 1..2
    mem.i32[kLiveTasks] = 2;
    // Both are on a CPU, as an executor marks a task it starts (kNrRunning, sched.ts).
    markRunnable(mem.i32, k.base(1) + T_PARK);
    markRunnable(mem.i32, k.base(2) + T_PARK);
    this.k = k;
    this.protocol = protocol;
    Atomics.store(this.c, P_MODE, MODE[protocol]);
    this.w = new Worker(ECHO, {
      workerData: { kind: 'paired', sab: mem.sab, layout, ping: this.ping, pong: this.pong, slot: 2, ctl: this.c.buffer, mode: MODE[protocol] },
    });
  }

  roundTrip(): void {
    if (this.protocol === 'runtime') {
      complete(this.k, this.ping);
      waitForCompletion(this.k, this.pong);
      return;
    }
    const c = this.c;
    const want = ++this.pongs;
    Atomics.store(c, P_PING, ++this.pings);
    if (this.protocol === 'raw') {
      Atomics.notify(c, P_PING);
      while (Atomics.load(c, P_PONG) !== want) Atomics.wait(c, P_PONG, want - 1);
    } else while (Atomics.load(c, P_PONG) !== want);
  }

  /** Answer in `protocol` from the next round trip on (the partner acknowledges the switch first). */
  use(protocol: PartnerProtocol): this {
    if (protocol !== this.protocol) {
      const ack = Atomics.load(this.c, P_ACK);
      this.signal(MODE[protocol]);
      while (Atomics.load(this.c, P_ACK) === ack) Atomics.wait(this.c, P_ACK, ack);
      this.protocol = protocol;
    }
    return this;
  }

  async close(): Promise<void> {
    this.signal(PartnerMode.STOP);
    await this.w.terminate();
  }

  /** Set the mode word and wake the partner where it waits in the current protocol. */
  private signal(mode: number): void {
    Atomics.store(this.c, P_MODE, mode);
    if (this.protocol === 'runtime') complete(this.k, this.ping);
    else {
      Atomics.store(this.c, P_PING, ++this.pings);
      Atomics.notify(this.c, P_PING);
    }
  }
}

export function rawPartner(kind: 'raw' | 'spin'): Partner {
  return new PartnerThread(kind);
}

export function runtimePartner(): Partner {
  return new PartnerThread('runtime');
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
  // No tinybench warm-up phase: it warms every task before running any, and
  // each condition's threads (and hog) must live through that condition's
  // tasks only: a hog or a spinning partner left alive takes a core from
  // every later task. Each task warms itself in beforeAll instead.
  const warmMs = o.quick ? 50 : 200;
  const bench = new Bench({ name: 'handoff', time: o.quick ? 300 : 1500, warmup: false, retainSamples: true });
  let pair: PartnerThread | null = null;
  let h: { stop(): Promise<void> } | null = null;
  const closeAll = async (): Promise<void> => {
    const p = pair;
    const q = h;
    pair = null;
    h = null;
    await p?.close();
    await q?.stop();
  };
  for (const busy of [false, true]) {
    const protocols: PartnerProtocol[] = busy ? ['raw', 'runtime'] : ['raw', 'spin', 'runtime'];
    protocols.forEach((what, i) => {
      bench.add(handoffName(what, busy), () => pair!.roundTrip(), {
        beforeAll() {
          if (!pair) {
            if (busy) h = hog();
            pair = new PartnerThread(what);
          }
          pair.use(what);
          // Let the worker start, and this protocol's code warm, before timing begins.
          const end = performance.now() + warmMs;
          for (let n = 0; n < 50 || performance.now() < end; n++) pair.roundTrip();
        },
        async afterAll() {
          if (i === protocols.length - 1) await closeAll();
        },
      });
    });
  }
  try {
    await bench.run();
  } finally {
    await closeAll();
  }
  return bench;
}
