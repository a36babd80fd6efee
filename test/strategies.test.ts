/**
 * The controlled-mode strategies, called directly on a Kernel on the main
 * thread (no worker pool): task slots are set up by hand as the controlled
 * core sees them (on an executor, TASK_RUNNING, or asleep with a timeout),
 * then `beginIteration`, `onCreate`, `pick` and `pickTimer` are called and
 * what they chose, and what they left in the SAB, is checked. Last, decide()
 * itself: it asks a strategy only through the interface.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TASK_DEAD, TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_RUNNING } from '../src/runtime/kernel/constants.js';
import { tryToWakeUp } from '../src/runtime/kernel/sched.js';
import { Kernel } from '../src/runtime/kernel/kernel.js';
import { label } from '../src/runtime/kernel/labels.js';
import {
  DEFAULT_LAYOUT_CONFIG,
  kChangePoints,
  kDepth,
  kMaxChangePoints,
  kNextSlot,
  kReplayDiverged,
  kReplayLen,
  kReplayMisses,
  kReplayPos,
  kSchedStep,
  SCHED_ENTRY_WORDS,
  SL_LABEL,
  SL_WHO,
  T_AT_YIELD,
  T_EXECUTOR,
  T_PRIO,
  T_STATE,
  T_TIMED,
  T_YIELDING,
} from '../src/runtime/kernel/layout.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';
import { decide } from '../src/runtime/explore/controlled.js';
import { YIELD_RETRY, YIELD_TIMED } from '../src/runtime/kernel/layout.js';
import { STRATEGIES, strategyById, strategyByName } from '../src/runtime/explore/index.js';
import { none } from '../src/runtime/explore/none.js';
import { dfs } from '../src/runtime/explore/dfs.js';
import { pct } from '../src/runtime/explore/pct.js';
import { INITIAL_STEPS, PctSteps } from '../src/runtime/explore/pct-steps.js';
import { random } from '../src/runtime/explore/random.js';
import { replay } from '../src/runtime/explore/replay.js';
import { replayOrder } from '../src/runtime/explore/replay-order.js';
import type { IterationSchedParams, Strategy } from '../src/runtime/explore/types.js';

const A = label('test:strategies:a');
const B = label('test:strategies:b');

/** A main-thread Kernel whose slots 1..n are live tasks on an executor, TASK_RUNNING. */
function kernelWith(n: number): Kernel {
  const mem = KernelMemory.create(DEFAULT_LAYOUT_CONFIG);
  mem.resetIteration();
  mem.i32[kNextSlot] = n + 1;
  const k = new Kernel(mem, false);
  for (let s = 1; s <= n; s++) {
    k.tset(s, T_EXECUTOR, s);
    k.tset(s, T_STATE, TASK_RUNNING);
  }
  return k;
}

function params(iterSeed: number, over: Partial<IterationSchedParams> = {}): IterationSchedParams {
  return { iterSeed, depth: 3, maxSteps: 1000, perturbPermille: 0, ...over };
}

/** Load a replay log as Session.loadReplay does: one (slot, label) per step. */
function loadLog(k: Kernel, entries: readonly (readonly [number, number])[]): void {
  const i32 = k.i32;
  entries.forEach(([slot, lbl], s) => {
    const e = k.L.replayLog + s * SCHED_ENTRY_WORDS;
    i32[e + SL_WHO] = k.tid(slot);
    i32[e + SL_LABEL] = lbl;
  });
  i32[kReplayLen] = entries.length;
  i32[kReplayPos] = 0;
  i32[kReplayDiverged] = 0;
  i32[kReplayMisses] = 0;
}

function sleepTimed(k: Kernel, slot: number): void {
  k.tset(slot, T_STATE, TASK_INTERRUPTIBLE);
  k.tset(slot, T_YIELDING, YIELD_TIMED);
}

// ----- the table ---------------------------------------------------------------

test('the table: users pick none, random, pct, dfs; ids and names resolve to the same objects', () => {
  assert.equal(
    STRATEGIES.map((s) => s.name),
    ['none', 'random', 'pct', 'dfs'],
  );
  for (const s of [none, random, pct, dfs, replay, replayOrder]) {
    assert.is(strategyById(s.id), s);
    assert.is(strategyByName(s.name), s);
  }
  assert.is(strategyByName('nope'), undefined);
  assert.throws(() => strategyById(99), /unknown strategy id 99/);
  // Only the log followers need every step, even those with one choice.
  assert.equal(
    [none, random, pct, replay, replayOrder].map((s) => s.pickWhenAlone),
    [false, false, false, true, true],
  );
});

// ----- none ----------------------------------------------------------------------

test('none: keeps the current task, else the lowest slot; a retrying task gives way', () => {
  const k = kernelWith(4);
  assert.is(none.pick(k, [1, 2, 4], 2, 0, A), 2);
  assert.is(none.pick(k, [2, 4], -1, 0, A), 2);
  k.tset(2, T_YIELDING, YIELD_RETRY);
  assert.is(none.pick(k, [1, 2, 4], 2, 0, A), 1);
  k.tset(1, T_YIELDING, YIELD_RETRY);
  assert.is(none.pick(k, [1, 2, 4], 2, 0, A), 4);
  assert.is(none.pickTimer(k, [3, 4], 0, A), 3);
});

// ----- random --------------------------------------------------------------------

test('random: picks only runnable slots, reaches each of them, about uniformly', () => {
  const k = kernelWith(8);
  random.beginIteration(k.mem, params(7));
  const runnable = [2, 3, 5, 7];
  const counts = new Map<number, number>();
  const draws = 4000;
  for (let i = 0; i < draws; i++) {
    const s = random.pick(k, runnable, 2, i, A);
    assert.ok(runnable.includes(s), `picked slot ${s}, not runnable`);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  assert.equal([...counts.keys()].sort(), runnable);
  // 1000 expected each; a standard deviation is about 27.
  for (const [s, c] of counts) assert.ok(c > 800 && c < 1200, `slot ${s} picked ${c} of ${draws} times`);
});

test('random: the same seed gives the same picks, another seed others; timers are drawn from the sleepers', () => {
  const draw = (seed: number): number[] => {
    const k = kernelWith(6);
    random.beginIteration(k.mem, params(seed));
    return Array.from({ length: 200 }, (_, i) => random.pick(k, [1, 2, 3, 4, 5, 6], -1, i, A));
  };
  assert.equal(draw(7), draw(7));
  assert.not.equal(draw(7), draw(8));
  const k = kernelWith(6);
  random.beginIteration(k.mem, params(7));
  const fired = new Set<number>();
  for (let i = 0; i < 200; i++) fired.add(random.pickTimer(k, [2, 6], i, A));
  assert.equal([...fired].sort(), [2, 6]);
});

// ----- pct -----------------------------------------------------------------------

/** A PCT iteration with slots 1..n created; returns the kernel and the change-point steps. */
function pctIteration(n: number, seed: number, depth = 3): { k: Kernel; cps: number[] } {
  const k = kernelWith(n);
  pct.beginIteration(k.mem, params(seed, { depth }));
  for (let s = 1; s <= n; s++) pct.onCreate(k, s);
  const cps = Array.from({ length: depth - 1 }, (_, i) => k.i32[kChangePoints + i]!);
  return { k, cps };
}

function byPrio(k: Kernel, slots: readonly number[]): number[] {
  return [...slots].sort((a, b) => k.tget(b, T_PRIO) - k.tget(a, T_PRIO));
}

test('pct: d - 1 change points in [1, maxSteps]; distinct priorities above d; reproducible per seed', () => {
  const { k, cps } = pctIteration(6, 7, 4);
  assert.is(k.i32[kDepth], 4);
  assert.is(cps.length, 3);
  for (const c of cps) assert.ok(c >= 1 && c <= 1000, `change point ${c}`);
  for (let i = 3; i < kMaxChangePoints; i++) assert.is(k.i32[kChangePoints + i], 0);
  const prios = [1, 2, 3, 4, 5, 6].map((s) => k.tget(s, T_PRIO));
  assert.is(new Set(prios).size, 6);
  for (const p of prios) assert.ok(p > 4, `priority ${p} not above d`);
  const again = pctIteration(6, 7, 4);
  assert.equal(again.cps, cps);
  assert.equal(
    [1, 2, 3, 4, 5, 6].map((s) => again.k.tget(s, T_PRIO)),
    prios,
  );
});

test('pct: the highest-priority runnable task runs; a yielding one only if all yield', () => {
  const { k } = pctIteration(5, 11);
  const order = byPrio(k, [1, 2, 3, 4, 5]);
  // Step 0 is never a change point (they are drawn from [1, maxSteps]).
  assert.is(pct.pick(k, [1, 2, 3, 4, 5], -1, 0, A), order[0]);
  assert.is(pct.pick(k, order.slice(2).sort(), order[2]!, 0, A), order[2]);
  k.tset(order[0]!, T_YIELDING, YIELD_RETRY);
  assert.is(pct.pick(k, [1, 2, 3, 4, 5], -1, 0, A), order[1]);
  for (const s of [1, 2, 3, 4, 5]) k.tset(s, T_YIELDING, YIELD_RETRY);
  assert.is(pct.pick(k, [1, 2, 3, 4, 5], -1, 0, A), order[0]);
  // Picking changes no priority outside a change point.
  assert.equal(byPrio(k, [1, 2, 3, 4, 5]), order);
});

test('pct: a task that yields drops below every other runnable task, and stays there after its hint is gone', () => {
  const { k } = pctIteration(3, 5);
  const order = byPrio(k, [1, 2, 3]);
  k.tset(order[0]!, T_YIELDING, YIELD_RETRY);
  assert.is(pct.pick(k, [1, 2, 3], order[0]!, 0, A), order[1]);
  assert.equal(byPrio(k, [1, 2, 3]), [order[1], order[2], order[0]]);
  k.tset(order[0]!, T_YIELDING, 0);
  assert.is(pct.pick(k, [1, 2, 3], -1, 0, A), order[1], 'two spinners that yield to each other take turns');
  // Alone, a yielding task keeps its priority: there is nobody to give way to.
  const alone = pctIteration(1, 5);
  alone.k.tset(1, T_YIELDING, YIELD_RETRY);
  const before = alone.k.tget(1, T_PRIO);
  assert.is(pct.pick(alone.k, [1], 1, 0, A), 1);
  assert.is(alone.k.tget(1, T_PRIO), before);
});

test('pct: k is the longest run in program steps; livelocks do not count; --pct-steps fixes it', () => {
  const e = new PctSteps(null);
  assert.is(e.current, INITIAL_STEPS);
  assert.is(e.observe(40, false), 40, 'the first run replaces the initial guess');
  assert.is(e.observe(30, false), 40);
  assert.is(e.observe(200_000, true), 40, 'a livelock is not a length of the program');
  assert.is(e.observe(90, false), 90);
  const fixed = new PctSteps(500);
  assert.is(fixed.observe(90, false), 500);
});

test('pct: at change point i the task that would run is demoted to priority i', () => {
  const { k, cps } = pctIteration(4, 3);
  assert.is.not(cps[0], cps[1]);
  const order = byPrio(k, [1, 2, 3, 4]);
  const all = [1, 2, 3, 4];
  assert.is(pct.pick(k, all, -1, cps[0]!, A), order[1]);
  assert.is(k.tget(order[0]!, T_PRIO), 1);
  assert.is(pct.pick(k, all, -1, cps[1]!, A), order[2]);
  assert.is(k.tget(order[1]!, T_PRIO), 2);
  // Both demoted tasks now sit below every other; the later change point ranks higher.
  assert.equal(byPrio(k, all), [order[2], order[3], order[1], order[0]]);
  assert.is(pct.pick(k, [order[0]!, order[1]!].sort(), -1, 0, A), order[1]);
  // A timer is a decision too: the highest-priority sleeper fires.
  assert.is(pct.pickTimer(k, [order[0]!, order[3]!].sort(), 0, A), order[3]);
});

// ----- replay --------------------------------------------------------------------

test('replay: follows the log step by step without divergence', () => {
  const k = kernelWith(3);
  const log = [2, 1, 3, 2, 2] as const;
  loadLog(
    k,
    log.map((s) => [s, A] as const),
  );
  let cur = 1;
  log.forEach((want, step) => {
    cur = replay.pick(k, [1, 2, 3], cur, step, A);
    assert.is(cur, want);
  });
  assert.is(k.i32[kReplayDiverged], 0);
  assert.is(k.i32[kReplayMisses], 0);
  // Past the end: the default policy (keep the current task; else the lowest slot).
  assert.is(replay.pick(k, [1, 2, 3], 3, log.length, A), 3);
  assert.is(replay.pick(k, [2, 3], -1, log.length, A), 2);
  assert.is(k.i32[kReplayDiverged], 0);
});

test('replay: a wrong label or a task that cannot run is a divergence; the first is kept', () => {
  const k = kernelWith(3);
  loadLog(k, [
    [2, A],
    [3, A],
    [1, A],
  ]);
  // Step 0: the recorded task runs, but the decision point differs.
  assert.is(replay.pick(k, [1, 2, 3], 1, 0, B), 2);
  assert.is(k.i32[kReplayDiverged], 1);
  assert.is(k.i32[kReplayMisses], 1);
  // Step 1: the recorded task is not runnable: the default policy keeps the current one.
  assert.is(replay.pick(k, [1, 2], 2, 1, A), 2);
  assert.is(k.i32[kReplayDiverged], 1);
  assert.is(k.i32[kReplayMisses], 2);
  // Step 2 follows the log again.
  assert.is(replay.pick(k, [1, 2], 2, 2, A), 1);
  assert.is(k.i32[kReplayMisses], 2);
});

test('replay: when only timers are left, the timer of the task the log runs next fires', () => {
  const k = kernelWith(4);
  loadLog(k, [
    [3, A],
    [4, A],
  ]);
  assert.is(replay.pickTimer(k, [2, 3], 0, A), 3);
  // The log's task is not asleep with a timeout, or the log has ended: the lowest slot.
  assert.is(replay.pickTimer(k, [1, 2], 1, A), 1);
  assert.is(replay.pickTimer(k, [2, 4], 2, A), 2);
  assert.is(k.i32[kReplayMisses], 0);
});

// ----- replay-order --------------------------------------------------------------

test('replay-order: an entry is consumed when its task passes that yield point', () => {
  const k = kernelWith(3);
  loadLog(k, [
    [1, A],
    [2, B],
    [3, A],
    [3, A],
  ]);
  // The deciding task itself, at the recorded point.
  assert.is(replayOrder.pick(k, [1, 2, 3], 1, 0, A), 1);
  assert.is(k.i32[kReplayPos], 1);
  // A task parked at the recorded yield point.
  k.tset(2, T_AT_YIELD, B);
  assert.is(replayOrder.pick(k, [1, 2, 3], 1, 1, A), 2);
  assert.is(k.i32[kReplayPos], 2);
  // A task not at a yield point (just created, or woken) runs up to its
  // next one; the entry waits for it there.
  assert.is(replayOrder.pick(k, [1, 2, 3], 2, 2, B), 3);
  assert.is(k.i32[kReplayPos], 2);
  assert.is(replayOrder.pick(k, [1, 2, 3], 3, 3, A), 3);
  assert.is(k.i32[kReplayPos], 3);
  assert.is(k.i32[kReplayMisses], 0);
});

test('replay-order: dead tasks are skipped as misses, blocked ones wait; past the end the default policy', () => {
  const k = kernelWith(3);
  loadLog(k, [
    [3, A],
    [2, A],
    [1, A],
  ]);
  k.tset(3, T_STATE, TASK_DEAD);
  k.tset(2, T_STATE, TASK_INTERRUPTIBLE);
  // Entry 0 names a dead task: dropped. Entry 1 a sleeping one: kept for
  // later, and meanwhile the default policy runs the current task.
  assert.is(replayOrder.pick(k, [1], 1, 0, B), 1);
  assert.is(k.i32[kReplayPos], 1);
  assert.is(k.i32[kReplayDiverged], 1);
  assert.is(k.i32[kReplayMisses], 2);
  // Woken and parked at the recorded point, it runs and the entry is consumed.
  k.tset(2, T_STATE, TASK_RUNNING);
  k.tset(2, T_AT_YIELD, A);
  assert.is(replayOrder.pick(k, [1, 2], 1, 1, A), 2);
  k.tset(1, T_AT_YIELD, A); // task 1 handed over at its yield point
  assert.is(replayOrder.pick(k, [1, 2], 2, 2, A), 1);
  assert.is(k.i32[kReplayPos], 3);
  assert.is(replayOrder.pick(k, [1, 2], 2, 3, A), 2);
  assert.is(replayOrder.pickTimer(k, [2, 3], 3, A), 2);
});

// ----- the controlled core -------------------------------------------------------

/** `base` with pick and pickTimer recorded. */
function probe(base: Strategy, pickWhenAlone: boolean): { s: Strategy; calls: string[] } {
  const calls: string[] = [];
  const s: Strategy = {
    ...base,
    pickWhenAlone,
    pick(k, runnable, cur, step, lbl) {
      calls.push(`pick ${runnable.join(',')}`);
      return base.pick(k, runnable, cur, step, lbl);
    },
    pickTimer(k, timed, step, lbl) {
      calls.push(`timer ${timed.join(',')}`);
      return base.pickTimer(k, timed, step, lbl);
    },
  };
  return { s, calls };
}

test('decide: asks pick with one runnable task only if the strategy wants it', () => {
  for (const alone of [false, true]) {
    const k = kernelWith(2);
    k.tset(2, T_STATE, TASK_INTERRUPTIBLE); // blocked without a timeout
    const { s, calls } = probe(none, alone);
    k.strategy = s;
    assert.is(decide(k, A), 1);
    assert.equal(calls, alone ? ['pick 1'] : []);
    assert.is(k.i32[kSchedStep], 1);
  }
});

test('decide: when nothing runs, the strategy picks which timer fires, and that task runs', () => {
  const k = kernelWith(3);
  k.tset(1, T_STATE, TASK_INTERRUPTIBLE); // blocked without a timeout
  sleepTimed(k, 2);
  sleepTimed(k, 3);
  loadLog(k, [[3, A]]);
  const { s, calls } = probe(replay, true);
  k.strategy = s;
  assert.is(decide(k, A), 3);
  assert.equal(calls, ['timer 2,3', 'pick 3']);
  assert.is(k.tget(3, T_TIMED), 1);
  assert.is(k.tget(3, T_STATE), TASK_RUNNING);
  assert.is(k.tget(2, T_TIMED), 0);
  assert.is(k.i32[kReplayDiverged], 0);
});

test('decide: a sleeping task leaves the runqueue until a wake-up puts it back', () => {
  const k = kernelWith(40); // two words of the dequeued mask
  const { s, calls } = probe(none, true);
  k.strategy = s;
  const dequeued = (slot: number): boolean => (k.i32[k.L.dequeued + (slot >> 5)]! & (1 << (slot & 31))) !== 0;
  for (const slot of [2, 33]) k.tset(slot, T_STATE, TASK_INTERRUPTIBLE);
  decide(k, A);
  assert.ok(dequeued(2) && dequeued(33), 'the sleepers are dequeued');
  assert.not.ok(dequeued(1) || dequeued(34), 'runnable tasks stay');
  // Their records are not read again: a raw state write is not a wake-up.
  // (Under LOCKSTEP_CHECK_RUNQUEUE=1 the check reads every slot and refuses exactly that.)
  k.tset(33, T_STATE, TASK_RUNNING);
  if (process.env['LOCKSTEP_CHECK_RUNQUEUE'] === '1') {
    assert.throws(() => decide(k, A), /runqueue: decision 1 found \[1, 3, .*32, 34, .*\] runnable, every slot says \[1, 3, .*32, 33, 34, /);
    calls.push('pick -');
  } else {
    decide(k, A);
    assert.not.ok(calls[1]!.split(' ')[1]!.split(',').includes('33'));
  }
  k.tset(33, T_STATE, TASK_INTERRUPTIBLE);
  // try_to_wake_up() enqueues: the next decision sees the task again.
  assert.ok(tryToWakeUp(k, 33, TASK_NORMAL));
  assert.not.ok(dequeued(33));
  decide(k, A);
  const seen = calls[2]!.split(' ')[1]!.split(',').map(Number);
  assert.ok(seen.includes(33) && !seen.includes(2));
  assert.is(seen.length, 39);
  // A new iteration starts with every slot enqueued.
  k.mem.resetIteration();
  assert.not.ok(dequeued(2));
});

test('decide: a Kernel without a strategy is refused', () => {
  const k = kernelWith(2);
  assert.throws(() => decide(k, A), /Kernel\.strategy is not set/);
});

test.run();
