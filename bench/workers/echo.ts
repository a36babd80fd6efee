/**
 * Echo partner for the handoff benchmarks, in a plain worker thread.
 * `raw`: Atomics.wait / Atomics.notify on two words (the baseline).
 * `spin`: busy Atomics.load on the same words (the spin floor).
 * `runtime`: a simulated task answering through lockstep's completions, i.e.
 * the full spin-then-park path with yield points and breadcrumbs.
 * `paired`: one thread that answers in any of the three, or through the
 * completion protocol alone (completion-floor.ts), switched by the
 * main thread between tasks (partner-words.ts), so that a baseline and the
 * runtime are measured on the same two threads (handoff.ts: PartnerThread).
 * `hog`: no partner; spins on one core until stopped (a loaded machine).
 */
import { workerData } from 'node:worker_threads';
import { Kernel } from '../../src/runtime/kernel/kernel.js';
import { KernelMemory } from '../../src/runtime/kernel/memory.js';
import { complete, waitForCompletion } from '../../src/runtime/kernel/sync/completion.js';
import type { LayoutConfig } from '../../src/runtime/kernel/layout.js';
import { FLOOR_PING, FLOOR_PONG, floorSide, type FloorSide } from '../completion-floor.js';
import { P_ACK, P_MODE, P_PING, P_PONG, PartnerMode } from './partner-words.js';

interface EchoData {
  readonly kind: 'raw' | 'spin' | 'runtime' | 'paired' | 'hog';
  /** The raw words (raw, spin, hog), or the kernel memory (runtime, paired). */
  readonly sab: SharedArrayBuffer;
  readonly layout?: LayoutConfig;
  readonly ping: number;
  readonly pong: number;
  /** raw, spin, runtime, hog: the word that stops the thread (paired: P_MODE). */
  readonly stop?: number;
  readonly slot?: number;
  /** paired: the raw words and the mode (partner-words.ts), and the mode to start in. */
  readonly ctl?: SharedArrayBuffer;
  readonly mode?: number;
  /** paired: the completion floor's words (completion-floor.ts). */
  readonly floor?: SharedArrayBuffer;
}

const d = workerData as EchoData;
const i32 = new Int32Array(d.sab);

/**
 * Answer each ping on word `ping` by one on `pong` (and a futex wake, unless
 * spinning) until `leave()` holds after a ping; returns the last ping seen.
 */
function rawEcho(w: Int32Array, ping: number, pong: number, futex: boolean, seen: number, leave: () => boolean): number {
  for (;;) {
    if (futex) while (Atomics.load(w, ping) === seen) Atomics.wait(w, ping, seen);
    else while (Atomics.load(w, ping) === seen);
    seen = Atomics.load(w, ping);
    if (leave()) return seen;
    Atomics.add(w, pong, 1);
    if (futex) Atomics.notify(w, pong);
  }
}

/** Answer each completion of `ping` by completing `pong`, until `leave()` holds after one. */
function runtimeEcho(k: Kernel, ping: number, pong: number, leave: () => boolean): void {
  for (;;) {
    waitForCompletion(k, ping);
    if (leave()) return;
    complete(k, pong);
  }
}

/** The same over the completion floor's words: the protocol without lockstep's code. */
function floorEcho(f: FloorSide, leave: () => boolean): void {
  for (;;) {
    f.waitForCompletion(FLOOR_PING);
    if (leave()) return;
    f.complete(FLOOR_PONG);
  }
}

function simulatedTask(): Kernel {
  const k = new Kernel(new KernelMemory(d.sab, d.layout!), false);
  k.cur = d.slot!;
  k.curBase = k.base(d.slot!);
  return k;
}

const stopped = (): boolean => Atomics.load(i32, d.stop!) !== 0;

if (d.kind === 'raw' || d.kind === 'spin') {
  rawEcho(i32, d.ping, d.pong, d.kind === 'raw', 0, stopped);
} else if (d.kind === 'hog') {
  // Other work on the machine: keep one core busy until stopped.
  while (!stopped());
} else if (d.kind === 'runtime') {
  runtimeEcho(simulatedTask(), d.ping, d.pong, stopped);
} else {
  // paired: serve the mode the main thread set until it sets another (and
  // wakes us in the old one), acknowledge the switch, serve the new one.
  // The first mode is the one the thread was created in, not P_MODE: a
  // switch made before this thread ran has woken that mode, which must see
  // it and acknowledge it.
  const k = simulatedTask();
  const c = new Int32Array(d.ctl!);
  const floor = new Int32Array(d.floor!);
  const floors = { bare: floorSide(floor, 1, 'bare'), ordered: floorSide(floor, 1, 'ordered') };
  let seen = 0;
  for (let mode = d.mode!; mode !== PartnerMode.STOP; mode = Atomics.load(c, P_MODE)) {
    const m = mode;
    const leave = (): boolean => Atomics.load(c, P_MODE) !== m;
    if (m === PartnerMode.RUNTIME) runtimeEcho(k, d.ping, d.pong, leave);
    else if (m === PartnerMode.FLOOR || m === PartnerMode.FLOOR_ORDERED) floorEcho(m === PartnerMode.FLOOR ? floors.bare : floors.ordered, leave);
    else seen = rawEcho(c, P_PING, P_PONG, m === PartnerMode.RAW, seen, leave);
    Atomics.add(c, P_ACK, 1);
    Atomics.notify(c, P_ACK);
  }
}
