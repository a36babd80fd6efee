/**
 * The per-thread view of the simulated kernel.
 *
 * Every worker (and the main thread, as the harness) owns one Kernel object
 * over the same KernelMemory. `cur` is the slot of the task this worker is
 * running, the simulator's `current`. The Kernel is where the single hook of
 * lockstep lives: `yieldPoint(label)`. Every primitive operation and every
 * access to kernel memory passes through it, so it is the one place where
 *
 *   - an event is recorded (with a global sequence number: a total order),
 *   - parallel mode injects seeded perturbation,
 *   - controlled mode decides which single thread runs next,
 *   - an aborted iteration unwinds the task.
 */
// The global `performance` is a lazy accessor in Node 20: every use of it
// calls a getter (a clock reading 59-65 ns against 44-48 ns through the
// module's export, the same object bound once; issue 16). Clock readings sit
// on the hot paths: every event, every park.
import { performance } from 'node:perf_hooks';
import { fetchAdd, fetchAnd, fetchOr, loadOnce, Order, storeOnce } from './access.js';
import { AbortIteration, KernelFailure } from './errors.js';
import { Ev, FailKind, TASK_RUNNING, type Mode } from './constants.js';
import {
  EV_AUX,
  EV_KIND,
  MAX_CHOICES,
  EV_LABEL,
  EV_OBJ,
  EV_SEQ,
  EV_TIME,
  EV_WORDS,
  EXEC_WORDS,
  IterState,
  kAbort,
  kFailKind,
  kFailLabel,
  kFailMsgLen,
  kFailSet,
  kFailSpec,
  kFailTid,
  kIterState,
  kMode,
  kNextSlot,
  kSeq,
  SCHED_ENTRY_WORDS,
  SL_LABEL,
  SL_WHO,
  T_CPU,
  T_NIVCSW,
  T_RING_HEAD,
  T_STATE,
  X_BEAT,
  type Layout,
} from './layout.js';
import type { KernelMemory } from './memory.js';
import type { Footprint } from './footprint.js';
import { label } from './labels.js';
import type { Xoshiro } from './prng.js';
import type { WeakMemory } from '../memory/weak/model.js';

/**
 * The label of ctx.choose() (labels are known to a thread only if a module
 * it loads creates them: kernel.ts is loaded by the harness too, executor.ts
 * only by workers, and a seed log names labels by their text).
 */
export const L_USER_CHOOSE = label('ctx.choose');
import { mutantOn, type Mutant } from './mutants.js';
import type { ParallelPerturber, ControlledScheduler, Strategy } from '../explore/types.js';

const ABORT = new AbortIteration();

export class Kernel {
  readonly i32: Int32Array;
  readonly L: Layout;
  /** Current task slot, or -1 when this is the harness (main thread). */
  cur = -1;
  /** Word offset of the current task's record. */
  curBase = 0;
  /** Executor index of this worker (-1 on the main thread). */
  exec = -1;
  /** Controlled mode: only the baton holder runs. */
  controlled = false;
  /** Parallel-mode perturbation for the current task. */
  perturber: ParallelPerturber | null = null;
  /** Controlled-mode scheduler (stateless; its state lives in the SAB). */
  scheduler: ControlledScheduler | null = null;
  /** Words per task record (core fields plus the subsystems' slices). */
  readonly taskWords: number;
  /**
   * The iteration's strategy, resolved from the id word kStrategy once (by
   * the executor when a task starts; by the harness session per iteration),
   * so that decisions and clones do not look it up.
   */
  strategy: Strategy | null = null;
  /** Exhaustive exploration: the running step's footprint recorder (null otherwise). */
  fp: Footprint | null = null;
  /**
   * The current task's PRNG for data choices outside the controlled
   * strategies' shared state (parallel mode, and replay-order following a
   * parallel run): derived from (iteration seed, tid), set when the task starts.
   */
  chooseRng: Xoshiro | null = null;
  /**
   * The weak memory model, while this worker's task holds the baton in a
   * `--memory-model weak` run (access.ts routes accesses through it); null
   * otherwise: in SC runs, on the harness, and while the scheduler decides
   * (its reads of task states are the runtime's, not the program's).
   */
  wm: WeakMemory | null = null;
  private readonly ringEvents: number;
  private readonly schedSteps: number;
  private readonly t0: number;
  /**
   * The iteration's epoch on this thread's clock, read from kernel memory
   * once a task (syncClock(), executor.ts), not at every event: the epoch
   * shares its cache line with words other threads write.
   */
  private clockOffset: number;

  constructor(
    readonly mem: KernelMemory,
    readonly isHarness: boolean,
  ) {
    this.i32 = mem.i32;
    this.L = mem.L;
    this.taskWords = mem.L.taskWords;
    this.ringEvents = mem.L.config.ringEvents;
    this.schedSteps = mem.L.config.schedLogSteps;
    this.t0 = performance.timeOrigin;
    this.clockOffset = this.t0 - mem.epoch;
  }

  // ----- task records ---------------------------------------------------------
  base(slot: number): number {
    return this.L.tasks + slot * this.taskWords;
  }
  tid(slot: number): number {
    return slot + 1;
  }
  slotOf(tid: number): number {
    return tid - 1;
  }
  /** Task slots handed out in this iteration (slots are never reused within one): the bound of every task walk. */
  nrSlots(): number {
    return Atomics.load(this.i32, kNextSlot);
  }
  get curTid(): number {
    return this.cur + 1;
  }
  /** READ_ONCE of a task field (set_bit-style RMWs are relaxed: tor/tand). */
  tget(slot: number, field: number): number {
    return loadOnce(this, this.L.tasks + slot * this.taskWords + field);
  }
  tset(slot: number, field: number, v: number): void {
    storeOnce(this, this.L.tasks + slot * this.taskWords + field, v);
  }
  tor(slot: number, field: number, bits: number): number {
    return fetchOr(this, this.L.tasks + slot * this.taskWords + field, bits, Order.RELAXED);
  }
  tand(slot: number, field: number, bits: number): number {
    return fetchAnd(this, this.L.tasks + slot * this.taskWords + field, bits, Order.RELAXED);
  }

  // ----- the yield point -------------------------------------------------------
  /**
   * A labelled yield point. `obj` is the address the following access
   * touches (0 if none), recorded for the trace.
   */
  yieldPoint(lbl: number, obj = 0): void {
    if (this.isHarness) return;
    const i32 = this.i32;
    // Once the iteration has failed, nothing runs on: the state stays as the
    // failure left it, and no task makes a scheduling decision the harness
    // would race with (controlled replays stay exact).
    if (Atomics.load(i32, kAbort) !== 0 || Atomics.load(i32, kFailSet) !== 0) throw ABORT;
    if (this.exec >= 0) i32[this.L.executors + this.exec * EXEC_WORDS + X_BEAT]!++;
    if (this.controlled) {
      this.record(Atomics.add(i32, kSeq, 1), Ev.YIELD, lbl, obj, 0);
      // The scheduler's reads of task states are the runtime's, not the program's: outside the weak model.
      const wm = this.wm;
      this.wm = null;
      this.scheduler!.yieldPoint(this, lbl);
      this.wm = wm;
      return;
    }
    // Parallel mode: perturb first, then take the ticket, so that the ticket
    // order (the recorded global order that replay turns into a controlled
    // schedule) is as close as possible to the order of the accesses that
    // follow the yield points.
    if (this.perturber !== null) this.perturber.perturb(this, Atomics.load(i32, kSeq));
    const seq = Atomics.add(i32, kSeq, 1);
    if (seq < this.schedSteps) {
      const e = this.L.schedLog + seq * SCHED_ENTRY_WORDS;
      i32[e + SL_WHO] = this.cur + 1;
      i32[e + SL_LABEL] = lbl;
    }
    this.record(seq, Ev.YIELD, lbl, obj, 0);
  }

  /**
   * A data choice: one of `n` alternatives (0 … n - 1), 0 being the default.
   * Controlled mode: the strategy chooses, the schedule log records it as a
   * step (replayed exactly, shrunk, enumerated by \`dfs\`). Parallel mode: the
   * task's own PRNG draws it. Not a preemption point. Scenarios reach it as
   * \`ctx.choose(n)\`; the weak memory model will choose a load's store with it.
   */
  choose(n: number, lbl: number, obj = 0): number {
    if (!Number.isInteger(n) || n < 1 || n > MAX_CHOICES) throw new Error(`choose(${n}): the number of alternatives must be an integer from 1 to ${MAX_CHOICES}`);
    if (n === 1) return 0;
    let c: number;
    if (this.controlled) {
      const wm = this.wm;
      this.wm = null;
      c = this.scheduler!.choose(this, n, lbl);
      this.wm = wm;
    } else c = this.chooseRng!.below(n);
    this.event(Ev.CHOOSE, lbl, obj, c);
    return c;
  }

  /** Throw if the harness aborted the iteration (used after every wake). */
  checkAbort(): void {
    if (Atomics.load(this.i32, kAbort) !== 0) throw ABORT;
  }

  get aborted(): boolean {
    return Atomics.load(this.i32, kAbort) !== 0;
  }

  /**
   * Record an event in the current task's ring (plain stores: single writer),
   * stamped with the clock `ms` (performance.now()): read here unless the
   * caller has just read it for its own use (a block's spin, sched.ts).
   */
  record(seq: number, kind: number, lbl: number, obj: number, aux: number, ms = performance.now()): void {
    if (this.cur < 0) return;
    const i32 = this.i32;
    const hb = this.curBase + T_RING_HEAD;
    const n = i32[hb]!;
    i32[hb] = n + 1;
    const at = this.L.rings + this.cur * this.L.ringStride + (n % this.ringEvents) * EV_WORDS;
    i32[at + EV_SEQ] = seq;
    i32[at + EV_LABEL] = lbl;
    i32[at + EV_KIND] = kind;
    i32[at + EV_OBJ] = obj;
    i32[at + EV_AUX] = aux;
    i32[at + EV_TIME] = this.nowUs(ms);
  }

  /** Record an event with a fresh sequence number (not a scheduling point); `ms` as in record(). */
  event(kind: number, lbl: number, obj = 0, aux = 0, ms?: number): void {
    if (this.cur < 0) return;
    const seq = Atomics.add(this.i32, kSeq, 1);
    if (!this.controlled && seq < this.schedSteps) {
      const e = this.L.schedLog + seq * SCHED_ENTRY_WORDS;
      this.i32[e + SL_WHO] = 0;
      this.i32[e + SL_LABEL] = lbl;
    }
    this.record(seq, kind, lbl, obj, aux, ms);
  }

  /** Take the iteration's epoch (the harness sets it before the tasks start). */
  syncClock(): void {
    this.clockOffset = this.t0 - this.mem.epoch;
  }

  /** Microseconds since the iteration's epoch, of the clock reading `ms` (performance.now()). */
  nowUs(ms = performance.now()): number {
    return Math.round((this.clockOffset + ms) * 1000) | 0;
  }

  /** Preemption accounting for RCU Tasks (an involuntary switch). */
  notePreempted(slot: number): void {
    fetchAdd(this, this.base(slot) + T_NIVCSW, 1, Order.RELAXED);
  }

  /** smp_processor_id(): the simulated CPU the current task runs on. */
  smpProcessorId(): number {
    return this.tget(this.cur, T_CPU);
  }

  isRunnable(slot: number): boolean {
    return this.tget(slot, T_STATE) === TASK_RUNNING;
  }

  // ----- planted bugs -------------------------------------------------------------
  /** Is planted bug (or historical design) `m` switched on in this run? */
  mutant(m: Mutant): boolean {
    return mutantOn(this.i32, m);
  }

  // ----- failures -------------------------------------------------------------------
  /**
   * Record the iteration's first failure in the failure region and tell the
   * harness. Later failures of the same iteration are dropped (the first one
   * is the root cause in almost every case; the trace shows the rest).
   */
  reportFailure(kind: number, message: string, spec: string | null, lbl = 0): boolean {
    const i32 = this.i32;
    if (Atomics.compareExchange(i32, kFailSet, 0, 1) !== 0) return false;
    i32[kFailKind] = kind;
    i32[kFailTid] = this.cur >= 0 ? this.curTid : 0;
    i32[kFailLabel] = lbl;
    i32[kFailSpec] = spec === null ? 0 : label(spec);
    i32[kFailMsgLen] = this.mem.writeFailMessage(message);
    this.event(Ev.FAIL, lbl, 0, kind);
    Atomics.store(i32, kIterState, IterState.FAILED);
    Atomics.notify(i32, kIterState);
    return true;
  }

  fail(err: KernelFailure): never {
    this.reportFailure(err.kind, err.message, err.spec);
    throw err;
  }

  get mode(): Mode {
    return Atomics.load(this.i32, kMode) === 1 ? 'controlled' : 'parallel';
  }
}

export { FailKind };

/** The iteration's strategy (controlled mode), with a clear error if none was set. */
export function strategyOf(k: Kernel): Strategy {
  const s = k.strategy;
  if (s === null) throw new Error('controlled mode: Kernel.strategy is not set (the executor sets it when a task starts, the harness session per iteration)');
  return s;
}
