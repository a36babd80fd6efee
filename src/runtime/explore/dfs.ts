/**
 * `dfs`: one run of a depth-first enumeration of the schedule tree
 * (controlled mode only; docs/EXPLORATION.md).
 *
 * Workers cannot be snapshotted, so every schedule is run from the start of
 * the iteration: the harness's exploration tree (explore/tree.ts) hands the
 * run a prefix of decisions (the replay log) and this strategy follows it,
 * then continues with the deterministic scheduler of the bound in force
 * (policy.ts): keep running the current task (preemption bounding) or round
 * robin (delay bounding). Under partial-order reduction the harness also
 * hands over a sleep set, the tasks whose next step was explored from an
 * equivalent state already: past the prefix a sleeping task is not chosen
 * while another can run, and it wakes when a step dependent with its own
 * runs (dependence.ts). When every runnable task sleeps, the run is
 * redundant: the step is noted for the harness, which discards the rest.
 *
 * The controlled core records what the tree needs at each decision (who
 * could run, who decided, who was chosen, the step's footprint) in the
 * exploration log; this file only chooses.
 */
import {
  EX_WORDS,
  EXPLORE_DB,
  kExplore,
  kExploreFiltered,
  kExploreSleepBlocked,
  kExploreSleepLen,
  kExploreTimerStep,
  kReplayLen,
  SCHED_ENTRY_WORDS,
  SL_LABEL,
  SL_WHO,
  SLEEP_WORDS,
  T_YIELDING,
} from '../kernel/layout.js';
import type { Kernel } from '../kernel/kernel.js';
import { dependent, readFootprint } from './dependence.js';
import { defaultOrder, type Policy } from './policy.js';
import { loggedChoice, markDivergence } from './replay.js';
import { onlyChoice } from './controlled.js';
import type { Strategy } from './types.js';

function policyOf(k: Kernel): Policy {
  return k.i32[kExplore] === EXPLORE_DB ? 'db' : 'pb';
}

/** The prefix's choice at `step`, -1 past its end, -2 where the prefix has a data choice. */
function prefixChoice(k: Kernel, step: number): number {
  const i32 = k.i32;
  if (step >= i32[kReplayLen]!) return -1;
  const who = i32[k.L.replayLog + step * SCHED_ENTRY_WORDS + SL_WHO]!;
  return who < 0 ? -2 : k.slotOf(who);
}

/**
 * Past the prefix, wake the sleepers whose next step does not commute with
 * the step just taken (step - 1). Done once per step, whichever of pickTimer
 * and pick comes first.
 */
function filterSleep(k: Kernel, step: number): void {
  const i32 = k.i32;
  const L = k.L;
  const first = i32[kReplayLen]!;
  if (step < first || i32[kExploreFiltered] === step + 1) return;
  i32[kExploreFiltered] = step + 1;
  const n = i32[kExploreSleepLen]!;
  if (n === 0 || step === 0 || step - 1 >= L.config.exploreSteps) {
    // No record of the last step: nothing can be shown independent of it.
    if (step - 1 >= L.config.exploreSteps) i32[kExploreSleepLen] = 0;
    return;
  }
  const last = readFootprint(i32, L.exploreLog + (step - 1) * EX_WORDS);
  for (let i = 0; i < n; i++) {
    const e = L.sleepTable + i * SLEEP_WORDS;
    if (i32[e]! < 0) continue;
    if (dependent(readFootprint(i32, e, 1, 2, 3), last)) i32[e] = -1;
  }
}

function asleep(k: Kernel, slot: number): boolean {
  const i32 = k.i32;
  const n = i32[kExploreSleepLen]!;
  for (let i = 0; i < n; i++) if (i32[k.L.sleepTable + i * SLEEP_WORDS] === slot) return true;
  return false;
}

export const dfs: Strategy = {
  name: 'dfs',
  id: 5,
  beginIteration(mem) {
    // The tree's inputs (prefix, policy, sleep set) are written by the session.
    mem.i32[kExploreSleepBlocked] = 0;
    mem.i32[kExploreTimerStep] = 0;
    mem.i32[kExploreFiltered] = 0;
  },
  perturber() {
    return null;
  },
  onCreate() {},
  pick(k, runnable, cur, step, lbl) {
    const i32 = k.i32;
    // The timer chosen by pickTimer on this step is the only runnable task.
    if (i32[kExploreTimerStep] === step + 1) return runnable[0]!;
    if (cur >= 0 && k.fp !== null && k.fp.muted) {
      // An atomic exit runs on while it can: one choice, no branch.
      onlyChoice(k, step, [cur]);
      return cur;
    }
    if (cur >= 0 && runnable.length > 1 && k.tget(cur, T_YIELDING) !== 0) {
      // Fairness (Musuvathi & Qadeer, "Fair stateless model checking",
      // PLDI'08): a task that yields (sched_yield, a retry loop, a polling
      // sleep) gives way while another task can run. Without this rule the
      // search would contain schedules in which a poller's timeout fires
      // again and again while a runnable task never runs: livelocks of an
      // unfair scheduler, not of the program.
      runnable = runnable.filter((s) => s !== cur);
      onlyChoice(k, step, runnable);
      cur = -1;
    }
    const want = prefixChoice(k, step);
    if (want >= 0) {
      if (runnable.includes(want)) {
        if (i32[k.L.replayLog + step * SCHED_ENTRY_WORDS + SL_LABEL] !== lbl) markDivergence(k, step);
        return want;
      }
      markDivergence(k, step);
    } else if (want === -2) {
      markDivergence(k, step);
    }
    filterSleep(k, step);
    const yielding = (s: number): boolean => k.tget(s, T_YIELDING) !== 0;
    const order = defaultOrder(
      policyOf(k),
      { enabled: runnable, decider: k.cur, curRunnable: cur >= 0, curYielding: cur >= 0 && yielding(cur) },
      yielding,
    );
    const awake = order.find((s) => !asleep(k, s));
    if (awake !== undefined) return awake;
    if (i32[kExploreSleepBlocked] === 0) i32[kExploreSleepBlocked] = step + 1;
    return order[0]!;
  },
  pickWhenAlone: true,
  pickTimer(k, timed, step) {
    const i32 = k.i32;
    i32[kExploreTimerStep] = step + 1;
    const want = prefixChoice(k, step);
    if (want >= 0) {
      if (timed.includes(want)) return want;
      markDivergence(k, step);
    } else if (want === -2) {
      markDivergence(k, step);
    }
    filterSleep(k, step);
    // Which timeout fires is a branch of its own; the deterministic scheduler fires the first in its order.
    return defaultOrder(policyOf(k), { enabled: timed, decider: k.cur, curRunnable: false, curYielding: false }, () => false)[0]!;
  },
  pickData(k, n, step, lbl) {
    // The prefix's alternative; past it the default, alternative 0. The
    // tree branches over every alternative (data choices are never pruned:
    // tree.ts). The sleep set still learns what the step before did.
    filterSleep(k, step);
    return loggedChoice(k, n, step, lbl);
  },
};
