/**
 * `pct`: Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS'10).
 *
 * Controlled mode is PCT proper: every task gets a distinct random priority
 * above d; the highest-priority runnable task always runs; at d - 1 change
 * points drawn uniformly from [1, k] the task that would run is demoted to
 * priority i (below every initial priority). A bug of depth d is then found
 * with probability >= 1 / (n * k^(d-1)) per run. k is the step bound, learned
 * from the runs themselves (pct-steps.ts). A task that yields (sched_yield,
 * a restarted syscall) drops below every other runnable task, and tasks in a
 * timed sleep or a retry loop are also marked "yielding" and passed over
 * while another can run, so a top-priority poller cannot starve the task it
 * polls for (Shuttle's `yield_spin_loop` lesson).
 *
 * Parallel mode is the real-core analogue: each task draws a priority from
 * (seed, iteration, tid); at a yield point a task delays in proportion to the
 * number of runnable tasks above it, and the change points (counted in global
 * yield-point tickets) demote whoever crosses them.
 */
import { TASK_RUNNING } from '../kernel/constants.js';
import {
  kChangePoints,
  kDepth,
  kIterSeed,
  kMaxChangePoints,
  kNextSlot,
  kPerturbPermille,
  kSchedRng,
  SlotState,
  T_PRIO,
  T_SLOT,
  T_STATE,
  T_YIELDING,
  YIELD_RETRY,
} from '../kernel/layout.js';
import { deriveSeed, localRng, Xoshiro } from '../kernel/prng.js';
import { sleepUs, yieldCpu } from './delay.js';
import type { Kernel } from '../kernel/kernel.js';
import type { ParallelPerturber, PctBound, Strategy } from './types.js';

function changePointIndex(i32: Int32Array, step: number): number {
  const d = i32[kDepth]!;
  for (let i = 0; i < d - 1 && i < kMaxChangePoints; i++) if (i32[kChangePoints + i] === step) return i + 1;
  return 0;
}

export const pct: Strategy = {
  name: 'pct',
  id: 2,
  missBound: (threads, steps, depth, runs) => pctMissBound(threads, steps, depth, runs),
  beginIteration(mem, p) {
    const i32 = mem.i32;
    Xoshiro.seedInto(i32, kSchedRng, deriveSeed(p.iterSeed, 0x9c7));
    const rng = new Xoshiro(i32, kSchedRng);
    const d = Math.max(1, Math.min(p.depth, kMaxChangePoints + 1));
    i32[kDepth] = d;
    for (let i = 0; i < kMaxChangePoints; i++) i32[kChangePoints + i] = 0;
    for (let i = 0; i < d - 1; i++) i32[kChangePoints + i] = 1 + rng.below(Math.max(1, p.maxSteps));
    i32[kPerturbPermille] = p.perturbPermille;
    i32[kIterSeed] = p.iterSeed;
  },
  perturber(iterSeed, tid): ParallelPerturber {
    const rng = localRng(deriveSeed(iterSeed, tid, 0x9c7));
    let prio = -1;
    return {
      perturb(k, seq) {
        const i32 = k.i32;
        if (prio < 0) {
          prio = i32[kDepth]! + 1 + rng.below(1 << 20);
          k.tset(k.cur, T_PRIO, prio);
        }
        const cp = changePointIndex(i32, seq);
        if (cp > 0) {
          prio = cp;
          k.tset(k.cur, T_PRIO, prio);
        }
        if (!rng.chance(i32[kPerturbPermille]!)) return;
        const rank = rankOf(k, prio);
        if (rank === 0) return;
        k.notePreempted(k.cur); // an involuntary switch (nivcsw)
        if (prio < i32[kDepth]!) sleepUs(i32, 50 + rng.below(150));
        else if (rank === 1) yieldCpu(i32);
        else sleepUs(i32, 10 * rank + rng.below(20));
      },
    };
  },
  onCreate(k, slot) {
    const rng = new Xoshiro(k.i32, kSchedRng);
    const d = k.i32[kDepth]!;
    // Distinct: the low bits carry the slot.
    k.tset(slot, T_PRIO, d + 1 + ((rng.below(1 << 16) << 8) | slot));
  },
  pick(k, runnable, cur, step) {
    const i32 = k.i32;
    if (cur >= 0 && k.tget(cur, T_YIELDING) === YIELD_RETRY && runnable.length > 1) {
      // The current task offers the CPU (sched_yield, a restarted syscall):
      // it goes below every other task, as PCT implementations treat a
      // yield (Shuttle's PCT deprioritises a yielding task). A hint alone is
      // not enough: two tasks that spin-yield waiting for each other would
      // both carry it, and the higher one would run forever.
      k.tset(cur, T_PRIO, lowestPrio(k, runnable, cur) - 1);
    }
    const cp = changePointIndex(i32, step);
    if (cp > 0) {
      const top = highest(k, runnable, false);
      k.tset(top, T_PRIO, cp);
    }
    return highest(k, runnable, true);
  },
  pickWhenAlone: false,
  pickTimer(k, timed, step, lbl) {
    // Firing a timer is a decision like any other: the highest-priority
    // sleeper's timeout fires, unless a change point on this step demotes it.
    return pct.pick(k, timed, -1, step, lbl);
  },
  pickData(k, n) {
    // PCT's guarantee is about the order of tasks; a data choice (a value,
    // not a task) is a uniform draw, as the random strategy makes it.
    return new Xoshiro(k.i32, kSchedRng).below(n);
  },
};

/** The lowest priority among `runnable` other than `cur`. */
function lowestPrio(k: Kernel, runnable: readonly number[], cur: number): number {
  let low = Infinity;
  for (const s of runnable) if (s !== cur) low = Math.min(low, k.tget(s, T_PRIO));
  return low;
}

function highest(k: Kernel, runnable: readonly number[], avoidYielding: boolean): number {
  let best = -1;
  let bestPrio = -Infinity;
  let bestYielding = true;
  for (const s of runnable) {
    const p = k.tget(s, T_PRIO);
    const y = avoidYielding && k.tget(s, T_YIELDING) !== 0;
    if (best < 0 || (bestYielding && !y) || (y === bestYielding && p > bestPrio)) {
      best = s;
      bestPrio = p;
      bestYielding = y;
    }
  }
  return best;
}

/** Number of runnable, linked tasks with a higher priority than `prio`. */
function rankOf(k: Kernel, prio: number): number {
  const n = Atomics.load(k.i32, kNextSlot);
  let rank = 0;
  for (let s = 1; s < n; s++) {
    if (s === k.cur) continue;
    if (k.tget(s, T_SLOT) !== SlotState.LINKED || k.tget(s, T_STATE) !== TASK_RUNNING) continue;
    if (k.tget(s, T_PRIO) > prio) rank++;
  }
  return rank;
}

/** PCT's guarantee (Burckhardt et al.): a run finds a depth-d bug with probability >= 1/(n k^(d-1)). */
export function pctMissBound(threads: number, steps: number, depth: number, runs: number): PctBound {
  const k = Math.max(1, steps);
  const perRun = 1 / (Math.max(1, threads) * Math.pow(k, Math.max(0, depth - 1)));
  const miss = Math.exp(runs * Math.log1p(-Math.min(perRun, 1 - 1e-16)));
  return { threads, steps: k, depth, runs, perRun, miss };
}
