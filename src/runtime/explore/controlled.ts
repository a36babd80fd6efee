/**
 * Controlled mode: every task is still its own worker, but exactly one of
 * them runs between yield points. The running task holds the *baton* (its
 * park word is 1). At each decision it asks the strategy who runs next and,
 * if that is someone else, hands the baton over (store + notify on the
 * other task's park word) and parks on its own. The decision state (PRNG,
 * priorities, step counter, schedule log) lives in the SAB, so the sequence
 * of decisions depends only on the seed: same seed, same event sequence.
 *
 * Blocking integrates here: a task that sleeps is not runnable; a wake-up
 * only marks the sleeper runnable (it runs when the strategy picks it). When
 * nothing is runnable but some task sleeps without a timeout, that is a
 * deadlock, reported at once; sleepers with a timeout are woken instead
 * (time passes only when nothing else can run).
 *
 * The core asks the strategy (`Kernel.strategy`, resolved once when the
 * task started) through its interface only: `pick`, `pickTimer` and
 * `pickWhenAlone`. It never tests which strategy it is.
 */
import { FailKind, PF_EXITING, TASK_DEAD, TASK_RUNNING } from '../kernel/constants.js';
import {
  fnv1aWord,
  EX_CHOSEN,
  EX_DECIDER,
  EX_FLAGS,
  EX_MASK_WORDS,
  EX_NFP,
  EX_WORDS,
  EXF_CUR_RUNNABLE,
  EXF_CUR_YIELDING,
  EXF_DATA,
  EXF_TIMER,
  kExploreTimerStep,
  kNextSlot,
  kProgramSteps,
  kSchedCurrent,
  kSchedDecisions,
  kSchedHash,
  kSchedOverflow,
  kSchedPreemptions,
  kSchedStep,
  kSpinners,
  kStepLimit,
  SCHED_ENTRY_WORDS,
  SL_LABEL,
  SL_PREEMPT,
  SL_WHO,
  T_AT_YIELD,
  T_EXECUTOR,
  T_FLAGS,
  T_NIVCSW,
  T_PARK,
  T_STATE,
  T_TIMED,
  T_YIELDING,
  YIELD_POLL,
  YIELD_TIMED,
} from '../kernel/layout.js';
import { strategyOf, type Kernel } from '../kernel/kernel.js';
import { noteInEntry } from '../kernel/footprint.js';
import { dequeueTask, enqueueTask } from '../kernel/runqueue.js';
import { SPIN_US, SpinPolicy } from '../kernel/sched.js';
import type { ControlledScheduler } from './types.js';

/**
 * Baton waits spin only where spinning can win: one task holds the baton
 * and runs, so a spinner has a core of its own only while the holder, the
 * other spinners and itself fit on the cores (with 2 cores: one spinner at
 * a time). Before, every task that handed the baton on spun 2,000 loads, so
 * under the random strategy (a switch at most steps) several spinners took
 * the cores the chosen task needed to wake up.
 */
// The baton comes back after the others' steps, not after one wake: any win
// within the window is worth it, so only a spin that runs out backs off.
const batonPolicy = new SpinPolicy(SPIN_US);

/**
 * Tasks that can run: TASK_RUNNING, or preempted at a yield point whatever
 * their state (a task between set_current_state() and schedule() that is
 * preempted stays on the runqueue: it has not gone to sleep yet). `cur` is
 * the deciding task when it decides at a yield point.
 */
function runnableSlots(k: Kernel, cur: number): number[] {
  // Raw loads of the task table, not k.tget: the scheduler's own reads are
  // no accesses of the program (decide() suspends footprints for them). Plain
  // reads, not Atomics.load: every word read here is written only by the
  // baton holder (or by the harness before the first handoff), and the baton
  // passes through Atomics (handoff/waitBaton), which orders those writes
  // before this read (a worker's Atomics.load cost ~12 ns here, a plain read ~3).
  // Only the slots on the runqueue are read (runqueue.ts): a slot this walk
  // finds unable to run is dequeued until a wake-up enqueues it, so a step
  // does not cost more because other tasks sleep (issue 16: with 124 parked
  // tasks the walk of every slot took ~2.7 µs of a ~20 µs step).
  const i32 = k.i32;
  const n = Atomics.load(i32, kNextSlot);
  const tw = k.L.taskWords;
  const tasks = k.L.tasks;
  const dq = k.L.dequeued;
  const out: number[] = [];
  for (let w = 0; w << 5 < n; w++) {
    // Slot 0 is init, never scheduled; slots from n on are not handed out.
    let m = ~i32[dq + w]!;
    if (w === 0) m &= ~1;
    if ((w + 1) << 5 > n) m &= (1 << (n & 31)) - 1;
    if (cur >= 0 && cur >> 5 === w) m |= 1 << (cur & 31);
    while (m !== 0) {
      const bit = m & -m;
      m ^= bit;
      const s = (w << 5) | (31 - Math.clz32(bit));
      if (canRun(i32, tasks + s * tw, s === cur)) out.push(s);
      else dequeueTask(i32, dq, s);
    }
  }
  if (CHECK_RUNQUEUE) checkRunqueue(k, cur, out);
  return out;
}

/**
 * A task that can run: TASK_RUNNING, at a yield point, polling, or the
 * deciding task itself at a yield point; and on an executor (not the link
 * state: a thread that reaped itself in exit_notify() is unlinked but still
 * runs until do_task_dead()).
 */
function canRun(i32: Int32Array, b: number, isCur: boolean): boolean {
  if (i32[b + T_EXECUTOR]! === 0) return false;
  const st = i32[b + T_STATE]!;
  if (isCur || st === TASK_RUNNING || i32[b + T_AT_YIELD]! !== 0) return true;
  return i32[b + T_YIELDING]! === YIELD_POLL && st !== TASK_DEAD;
}

/**
 * LOCKSTEP_CHECK_RUNQUEUE=1: every decision also reads every slot and fails
 * the run if the runqueue missed a task that can run (a write that makes a
 * slot runnable without enqueueTask()). For the test suite, not for users.
 */
const CHECK_RUNQUEUE = typeof process !== 'undefined' && process.env['LOCKSTEP_CHECK_RUNQUEUE'] === '1';

function checkRunqueue(k: Kernel, cur: number, out: readonly number[]): void {
  const i32 = k.i32;
  const n = Atomics.load(i32, kNextSlot);
  const all: number[] = [];
  for (let s = 1; s < n; s++) if (canRun(i32, k.base(s), s === cur)) all.push(s);
  if (all.join() !== out.join()) {
    throw new Error(`runqueue: decision ${i32[kSchedStep]} found [${out.join(', ')}] runnable, every slot says [${all.join(', ')}]`);
  }
}

function sleepingSlots(k: Kernel, timedOnly: boolean): number[] {
  // Plain reads, as in runnableSlots.
  const i32 = k.i32;
  const n = Atomics.load(i32, kNextSlot);
  const tw = k.L.taskWords;
  const out: number[] = [];
  for (let s = 1, b = k.L.tasks + tw; s < n; s++, b += tw) {
    const st = i32[b + T_STATE]!;
    if (st === TASK_RUNNING || st === TASK_DEAD || i32[b + T_EXECUTOR]! === 0 || i32[b + T_AT_YIELD]! !== 0) continue;
    const y = i32[b + T_YIELDING]!;
    if (timedOnly && y !== YIELD_TIMED && y !== YIELD_POLL) continue;
    out.push(s);
  }
  return out;
}


/**
 * One scheduling decision, made by the baton holder. Returns the slot to run
 * next, or -1 when nothing can run (then either the iteration is over or a
 * deadlock has been reported).
 */
export function decide(k: Kernel, lbl: number, atYield = false): number {
  const fp = k.fp;
  if (fp === null) return decideStep(k, lbl, atYield);
  // Exhaustive exploration: close the step that just ended (its footprint),
  // and record nothing of the scheduler's own reads while deciding.
  fp.suspended = true;
  fp.flush(k.i32, k.L.exploreLog, k.L.config.exploreSteps, k.i32[kSchedStep]! - 1);
  try {
    return decideStep(k, lbl, atYield);
  } finally {
    fp.suspended = false;
  }
}

/** Exploration log: the decision's entry (who could run, who decides), footprint empty. */
function openEntry(k: Kernel, step: number, enabled: readonly number[], flags: number): void {
  if (k.fp === null || step >= k.L.config.exploreSteps) return;
  const i32 = k.i32;
  const e = k.L.exploreLog + step * EX_WORDS;
  i32.fill(0, e, e + EX_MASK_WORDS);
  for (const s of enabled) i32[e + (s >> 5)] = i32[e + (s >> 5)]! | (1 << (s & 31));
  i32[e + EX_CHOSEN] = -1;
  i32[e + EX_DECIDER] = k.cur;
  i32[e + EX_FLAGS] = flags;
  i32[e + EX_NFP] = 0;
}

/** Exploration log: the decision at `step` could only choose among `slots` (an atomic exit runs on; a yielding task gives way). */
export function onlyChoice(k: Kernel, step: number, slots: readonly number[]): void {
  if (k.fp === null || step >= k.L.config.exploreSteps) return;
  const i32 = k.i32;
  const e = k.L.exploreLog + step * EX_WORDS;
  i32.fill(0, e, e + EX_MASK_WORDS);
  for (const s of slots) i32[e + (s >> 5)] = i32[e + (s >> 5)]! | (1 << (s & 31));
}

/**
 * Exploration log: who was chosen, and what the decision itself did to the
 * program's state, as part of the chosen task's step: it reads its own
 * state (a waker's write made it runnable), and preempting a task counts an
 * involuntary switch in that task's nivcsw (RCU Tasks reads it, R8).
 */
function closeEntry(k: Kernel, step: number, next: number, preempted: number): void {
  if (k.fp === null || step >= k.L.config.exploreSteps) return;
  const { i32, L } = k;
  k.i32[L.exploreLog + step * EX_WORDS + EX_CHOSEN] = next;
  noteInEntry(i32, L.exploreLog, L.config.exploreSteps, step, k.base(next) + T_STATE, false);
  if (preempted >= 0) noteInEntry(i32, L.exploreLog, L.config.exploreSteps, step, k.base(preempted) + T_NIVCSW, true);
}

/**
 * The schedule hash's step: FNV-1a over who decided, where, and whom (a
 * slot) or which value (-1 - c) it chose, four bytes a word. Integers, not a
 * string per step: with 64 threads each worker's isolate runs this code
 * only a few dozen times per schedule, too rarely to be optimized, and
 * building the string cost ~3 µs of a ~80 µs step (issue 16).
 */
function hashStep(h: number, who: number, lbl: number, what: number): number {
  return fnv1aWord(fnv1aWord(fnv1aWord(h, who), lbl), what);
}

function decideStep(k: Kernel, lbl: number, atYield: boolean): number {
  const i32 = k.i32;
  const strategy = strategyOf(k);
  let runnable = runnableSlots(k, atYield ? k.cur : -1);
  if (runnable.length === 0) {
    const timed = sleepingSlots(k, true);
    if (timed.length > 0) {
      // Nothing else can run, so time passes: a timed sleeper's timeout
      // fires. Which one is part of the schedule, so the strategy chooses.
      openEntry(k, i32[kSchedStep]!, timed, EXF_TIMER);
      const s = strategy.pickTimer(k, timed, i32[kSchedStep]!, lbl);
      k.tset(s, T_TIMED, 1);
      k.tset(s, T_STATE, TASK_RUNNING);
      enqueueTask(k, s);
      runnable = [s];
    } else {
      const sleeping = sleepingSlots(k, false);
      if (sleeping.length > 0) {
        k.reportFailure(
          FailKind.DEADLOCK,
          `no runnable task: ${sleeping.length} task(s) blocked (${sleeping.map((s) => k.tid(s)).join(', ')})`,
          null,
          lbl,
        );
      }
      return -1;
    }
  }
  const step = i32[kSchedStep]!;
  if (step >= i32[kStepLimit]! && i32[kStepLimit]! > 0) {
    k.reportFailure(FailKind.HANG, `livelock: no completion within ${i32[kStepLimit]} scheduling steps`, null, lbl);
    return -1;
  }
  const cur = k.cur >= 0 && runnable.includes(k.cur) ? k.cur : -1;
  if (k.fp !== null && (i32[kExploreTimerStep] ?? 0) !== step + 1) {
    openEntry(k, step, runnable, cur >= 0 ? EXF_CUR_RUNNABLE | (k.tget(cur, T_YIELDING) !== 0 ? EXF_CUR_YIELDING : 0) : 0);
  }
  const next = runnable.length === 1 && !strategy.pickWhenAlone ? runnable[0]! : strategy.pick(k, runnable, cur, step, lbl);
  closeEntry(k, step, next, cur >= 0 && next !== cur ? cur : -1);
  if (k.tget(next, T_YIELDING) === YIELD_POLL && k.tget(next, T_STATE) !== TASK_RUNNING && k.tget(next, T_AT_YIELD) === 0) {
    // A polling sleeper was chosen: its timeout fires now.
    k.tset(next, T_TIMED, 1);
    k.tset(next, T_STATE, TASK_RUNNING);
    enqueueTask(k, next);
  }
  i32[kSchedStep] = step + 1;
  if ((k.tget(next, T_FLAGS) & PF_EXITING) === 0) i32[kProgramSteps] = step + 1;
  const L = k.L;
  if (step < L.config.schedLogSteps) {
    const at = L.schedLog + step * SCHED_ENTRY_WORDS;
    // The chosen slot, flagged when choosing it preempted a runnable task.
    i32[at + SL_WHO] = next | (cur >= 0 && next !== cur ? SL_PREEMPT : 0);
    i32[at + SL_LABEL] = lbl;
  } else {
    i32[kSchedOverflow] = 1;
  }
  i32[kSchedDecisions]!++;
  // The hash covers who decided, where, and whom it chose: the event sequence.
  i32[kSchedHash] = hashStep(i32[kSchedHash]!, k.cur, lbl, next);
  if (cur >= 0 && next !== cur) {
    i32[kSchedPreemptions]!++;
    k.notePreempted(cur);
  }
  return next;
}

/**
 * A data choice of the running task (Kernel.choose): one of `n` > 1
 * alternatives, chosen by the strategy. It is a step of the schedule like a
 * task choice (SL_WHO = -1 - c in the schedule log), so replay, shrinking,
 * the schedule hash and exploration see it; the running task keeps the
 * baton. Under `dfs` its exploration-log entry has EXF_DATA and the
 * alternatives in the mask, and the footprint of what the task does after
 * choosing until its next decision.
 */
export function decideData(k: Kernel, n: number, lbl: number): number {
  const fp = k.fp;
  const i32 = k.i32;
  const step = i32[kSchedStep]!;
  if (fp !== null) {
    fp.suspended = true;
    fp.flush(i32, k.L.exploreLog, k.L.config.exploreSteps, step - 1);
  }
  try {
    if (k.fp !== null && step < k.L.config.exploreSteps) {
      openEntry(k, step, Array.from({ length: n }, (_, i) => i), EXF_DATA);
    }
    const c = strategyOf(k).pickData(k, n, step, lbl);
    if (k.fp !== null && step < k.L.config.exploreSteps) i32[k.L.exploreLog + step * EX_WORDS + EX_CHOSEN] = c;
    i32[kSchedStep] = step + 1;
    if ((k.tget(k.cur, T_FLAGS) & PF_EXITING) === 0) i32[kProgramSteps] = step + 1;
    const L = k.L;
    if (step < L.config.schedLogSteps) {
      const at = L.schedLog + step * SCHED_ENTRY_WORDS;
      i32[at + SL_WHO] = -1 - c;
      i32[at + SL_LABEL] = lbl;
    } else {
      i32[kSchedOverflow] = 1;
    }
    i32[kSchedDecisions]!++;
    i32[kSchedHash] = hashStep(i32[kSchedHash]!, k.cur, lbl, -1 - c);
    return c;
  } finally {
    if (fp !== null) fp.suspended = false;
  }
}

/** Give the baton to `next` (does not wait). */
export function handoff(k: Kernel, next: number): void {
  const i32 = k.i32;
  Atomics.store(i32, kSchedCurrent, next);
  const pw = k.base(next) + T_PARK;
  Atomics.store(i32, pw, 1);
  Atomics.notify(i32, pw, 1);
}

/** Wait until this task holds the baton again (or the iteration is aborted). */
export function waitBaton(k: Kernel): void {
  const i32 = k.i32;
  const pw = k.curBase + T_PARK;
  if (Atomics.load(i32, pw) === 0) batonPolicy.spin(i32, pw, 0, Atomics.load(i32, kSpinners) + 2);
  while (Atomics.load(i32, pw) === 0) Atomics.wait(i32, pw, 0);
  k.checkAbort();
}

/** Switch from the current (still runnable or blocked) task to `next`. */
function switchTo(k: Kernel, next: number): void {
  Atomics.store(k.i32, k.curBase + T_PARK, 0);
  handoff(k, next);
  waitBaton(k);
}

export const controlled: ControlledScheduler = {
  blocked: (k, lbl) => scheduleBlocked(k, lbl),
  exit: (k, lbl) => scheduleExit(k, lbl),
  choose: (k, n, lbl) => decideData(k, n, lbl),
  yieldPoint(k, lbl) {
    const next = decide(k, lbl, true);
    if (next >= 0 && next !== k.cur) {
      // Parked at a yield point: the access after it is still to come.
      Atomics.store(k.i32, k.curBase + T_AT_YIELD, lbl);
      switchTo(k, next);
      Atomics.store(k.i32, k.curBase + T_AT_YIELD, 0);
    } else if (next < 0) {
      // A failure was reported (livelock): wait for the harness to abort us.
      Atomics.store(k.i32, k.curBase + T_PARK, 0);
      waitBaton(k);
    }
  },
};

/** schedule() of a task that is not runnable any more. */
export function scheduleBlocked(k: Kernel, lbl: number): void {
  const next = decide(k, lbl);
  if (next === k.cur) return; // its own timeout fired
  Atomics.store(k.i32, k.curBase + T_PARK, 0);
  if (next >= 0) handoff(k, next);
  waitBaton(k);
}

/** The current task is dead: pass the baton on; nobody waits for it back. */
export function scheduleExit(k: Kernel, lbl: number): void {
  const next = decide(k, lbl);
  if (next >= 0) handoff(k, next);
}

/** A task about to start on an executor waits for its first turn. */
export function waitFirstTurn(k: Kernel): void {
  waitBaton(k);
}
