/**
 * Handoff benchmarks: one round trip between the main thread and a worker.
 * Baselines (raw futex ping-pong, spin ping-pong, the completion protocol
 * alone in plain JS: completion-floor.ts) and the runtime's own park/unpark
 * (completions between two simulated tasks) run in the same Bench, so the
 * ratio is taken under the same machine conditions; then the
 * futex baseline and the runtime again with one core taken by a spinning
 * thread (a loaded machine), where spinning cannot win.
 *
 * Each condition's figures are measured on the same two threads (and the
 * same hog): one partner thread answers in each protocol in turn
 * (PartnerThread). Two separate partner threads are two draws of where the
 * OS places them, and on this 2-core VM a draw moves a one-core-busy round
 * trip by a third (raw 11.4-12.4 or 15.2-16.9 µs, runtime 15.1-17.2 or
 * 20.0-21.7 µs over 16 fresh pairs each; docs/bench/issue-16.md, eleventh
 * session): a ratio of two draws read the lottery, not the runtime. One
 * core busy, the OS also moves the threads while a row runs, so those two
 * rows are timed in alternating blocks (timeBusy).
 */
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { Kernel } from '../src/runtime/kernel/kernel.js';
import { KernelMemory, lineAlignedSab } from '../src/runtime/kernel/memory.js';
import { CACHE, DEFAULT_LAYOUT_CONFIG, kLiveTasks, kNextSlot, SYNC_OBJ, T_PARK, type LayoutConfig } from '../src/runtime/kernel/layout.js';
import { deref, kmemCacheAlloc } from '../src/runtime/kernel/slab.js';
import { complete, waitForCompletion } from '../src/runtime/kernel/sync/completion.js';
import { markRunnable } from '../src/runtime/kernel/sched.js';
import { FLOOR_PING, FLOOR_PONG, FLOOR_WORDS, floorSide, initFloor } from './completion-floor.js';
import type { BenchOptions } from './types.js';
import { P_ACK, P_MODE, P_PING, P_PONG, P_WORDS, PartnerMode } from './workers/partner-words.js';

const ECHO = new URL('./workers/echo.js', import.meta.url);

export interface Partner {
  roundTrip(): void;
  close(): Promise<void>;
}

/** `floor`, `floor-ordered`: the completion protocol alone, bare or with lockstep's counts and order (completion-floor.ts). */
export type PartnerProtocol = 'raw' | 'spin' | 'runtime' | 'floor' | 'floor-ordered';
const MODE: Record<PartnerProtocol, number> = {
  raw: PartnerMode.RAW,
  spin: PartnerMode.SPIN,
  runtime: PartnerMode.RUNTIME,
  floor: PartnerMode.FLOOR,
  'floor-ordered': PartnerMode.FLOOR_ORDERED,
};

/**
 * A partner thread that answers in one protocol at a time: `raw` (futex
 * wait/notify on two words), `spin` (busy loads on them), `runtime` (two
 * simulated tasks: the main thread is slot 1, the worker slot 2, answering
 * through completions) or `floor` / `floor-ordered` (the same protocol's
 * accesses in plain JS, completion-floor.ts: task 0 the main thread, task 1
 * the worker). `use()` switches it between round trips.
 */
export class PartnerThread implements Partner {
  private readonly c = new Int32Array(new SharedArrayBuffer(P_WORDS * 4));
  private readonly k: Kernel;
  private readonly ping: number;
  private readonly pong: number;
  private readonly w: Worker;
  private readonly floor = new Int32Array(lineAlignedSab(FLOOR_WORDS * 4));
  private readonly floors = { floor: floorSide(this.floor, 0, 'bare'), 'floor-ordered': floorSide(this.floor, 0, 'ordered') };
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
    initFloor(this.floor);
    this.protocol = protocol;
    Atomics.store(this.c, P_MODE, MODE[protocol]);
    this.w = new Worker(ECHO, {
      workerData: { kind: 'paired', sab: mem.sab, layout, ping: this.ping, pong: this.pong, slot: 2, ctl: this.c.buffer, mode: MODE[protocol], floor: this.floor.buffer },
    });
  }

  roundTrip(): void {
    const p = this.protocol;
    if (p === 'runtime') {
      complete(this.k, this.ping);
      waitForCompletion(this.k, this.pong);
      return;
    }
    if (p === 'floor' || p === 'floor-ordered') {
      const f = this.floors[p];
      f.complete(FLOOR_PING);
      f.waitForCompletion(FLOOR_PONG);
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

  /** Untimed round trips for `ms` (at least 50): the partner started, the protocol's code warm, a switch settled. */
  runFor(ms: number): void {
    const end = performance.now() + ms;
    for (let n = 0; n < 50 || performance.now() < end; n++) this.roundTrip();
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
    const p = this.protocol;
    if (p === 'runtime') complete(this.k, this.ping);
    else if (p === 'floor' || p === 'floor-ordered') this.floors[p].complete(FLOOR_PING);
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
export function handoffName(what: PartnerProtocol, busy = false): string {
  const base = {
    raw: 'raw Atomics.wait/notify ping-pong',
    spin: 'raw spin ping-pong',
    runtime: 'runtime park/unpark (completion ping-pong)',
    floor: 'completion protocol alone, plain JS (spinning)',
    'floor-ordered': "completion protocol alone, plain JS, with lockstep's counts and recorded order",
  }[what];
  return busy ? `${base}, one core busy` : base;
}

/** Blocks each one-core-busy row is timed in, round trips it records in each, and the untimed ms after a switch of rows. */
export function handoffBlocks(quick: boolean): { blocks: number; perBlock: number; settleMs: number } {
  return quick ? { blocks: 4, perBlock: 1000, settleMs: 20 } : { blocks: 12, perBlock: 4000, settleMs: 30 };
}

/** The rows in the order they are timed, block by block: every block runs each row once, the first row rotating. */
export function blockOrder<T>(rows: readonly T[], blocks: number): T[] {
  const out: T[] = [];
  for (let b = 0; b < blocks; b++) for (let j = 0; j < rows.length; j++) out.push(rows[(b + j) % rows.length]!);
  return out;
}

/**
 * Time the one-core-busy rows on one partner thread beside one hog, in
 * alternating blocks. With one core busy the OS moves the threads between
 * CPUs every few tens of ms, and a raw round trip is ~12 or ~16 µs as they
 * lie: rows timed one after the other on the same threads still read 0.90x
 * and 1.57x in two runs of ten (docs/bench/issue-16.md, eleventh session).
 * Alternating blocks give both rows the same mixture of placements.
 * Returns each row's blocks of round trips, in ms.
 */
async function timeBusy(rows: readonly PartnerProtocol[], warmMs: number, quick: boolean): Promise<Map<PartnerProtocol, number[][]>> {
  const { blocks, perBlock, settleMs } = handoffBlocks(quick);
  const out = new Map<PartnerProtocol, number[][]>(rows.map((p) => [p, []]));
  const h = hog();
  const pair = new PartnerThread(rows[0]!);
  try {
    // Let the worker start, and each protocol's code warm, before timing begins.
    for (const p of rows) pair.use(p).runFor(warmMs);
    for (const p of blockOrder(rows, blocks)) {
      // Untimed round trips after the switch, so that no block starts in the other protocol's wake.
      pair.use(p).runFor(settleMs);
      const xs: number[] = [];
      for (let i = 0; i < perBlock; i++) {
        const t0 = performance.now();
        pair.roundTrip();
        xs.push(performance.now() - t0);
      }
      out.get(p)!.push(xs);
    }
  } finally {
    await pair.close();
    await h.stop();
  }
  return out;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

/**
 * The paired ratio of two rows timed in alternating blocks (blockOrder): the
 * median over blocks i of median(row block i) / median(baseline block i).
 * Block i of each row are timed next to each other, so each quotient compares
 * round trips under one placement of the threads; the OS moving them between
 * blocks moves both sides of a quotient, not the ratio (a run whose pooled
 * medians read 1.35x read 1.21x block by block: docs/bench/issue-16.md,
 * twelfth session).
 */
export function pairedBlockRatio(row: readonly (readonly number[])[], baseline: readonly (readonly number[])[]): number {
  if (row.length === 0 || row.length !== baseline.length) throw new Error(`pairedBlockRatio: ${row.length} blocks against ${baseline.length}`);
  return median(row.map((xs, i) => median(xs) / median(baseline[i]!)));
}

/** A row's paired ratio against its baseline (pairedBlockRatio), by row name. */
export interface PairedRatio {
  readonly name: string;
  readonly baseline: string;
  readonly ratio: number;
}

/**
 * Cores free: raw futex, raw spin, the completion floor (bare, then with
 * lockstep's counts and order) and the runtime, one row after the other
 * on one partner thread, each warmed in its own beforeAll and timed by
 * tinybench; then one core busy: raw futex and the runtime in alternating
 * blocks (timeBusy), handed to tinybench as overridden durations.
 * Alternating would not do with cores free: the spin row's spinning partner
 * and the futex row's idle cores change what the next block finds (the
 * runtime's spin decision reads the machine's load and its own recent
 * spins, and its code takes 200-400 ms from cold to spinning).
 */
export async function handoffBench(o: BenchOptions): Promise<{ benches: Bench[]; paired: PairedRatio[] }> {
  const warmMs = o.quick ? 50 : 200;
  // No tinybench warm-up phase: it warms every task before running any, and
  // the partner thread must live through these rows only. Each row warms
  // itself in beforeAll instead.
  const free = new Bench({ name: 'handoff', time: o.quick ? 300 : 1500, warmup: false, retainSamples: true });
  let pair: PartnerThread | null = null;
  const close = async (): Promise<void> => {
    const p = pair;
    pair = null;
    await p?.close();
  };
  const rows: PartnerProtocol[] = ['raw', 'spin', 'floor', 'floor-ordered', 'runtime'];
  rows.forEach((what, i) => {
    free.add(handoffName(what), () => pair!.roundTrip(), {
      beforeAll() {
        pair ??= new PartnerThread(what);
        pair.use(what).runFor(warmMs);
      },
      async afterAll() {
        if (i === rows.length - 1) await close();
      },
    });
  });
  try {
    await free.run();
  } finally {
    await close();
  }
  const { blocks, perBlock } = handoffBlocks(o.quick);
  const busyRows: PartnerProtocol[] = ['raw', 'runtime'];
  const timed = await timeBusy(busyRows, warmMs, o.quick);
  const busy = new Bench({ name: 'handoff', iterations: blocks * perBlock, time: 0, warmup: false, retainSamples: true });
  for (const p of busyRows) {
    const xs = timed.get(p)!.flat();
    let i = 0;
    busy.add(handoffName(p, true), () => ({ overriddenDuration: xs[i++]! }));
  }
  await busy.run();
  const paired: PairedRatio = {
    name: handoffName('runtime', true),
    baseline: handoffName('raw', true),
    ratio: pairedBlockRatio(timed.get('runtime')!, timed.get('raw')!),
  };
  return { benches: [free, busy], paired: [paired] };
}
