/**
 * `replay`: follow a recorded list of controlled-mode decisions (the seed
 * log's `schedule`), step by step. Where the recorded task is not runnable
 * or the decision point's label differs, the replay has diverged: the first
 * such step is kept for the report, and the default policy takes over
 * (keep running the current task, else the lowest runnable slot). Past the
 * end of the list the default policy runs alone, which is also what the
 * shrinker relies on: a shortened schedule means "no more preemptions".
 * When only timers are left, the timer of the task the log runs next fires.
 */
import { kReplayDiverged, kReplayLen, kReplayMisses, SCHED_ENTRY_WORDS, SL_LABEL, SL_WHO, slDataChoice, T_YIELDING } from '../kernel/layout.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Strategy } from './types.js';

export function markDivergence(k: Kernel, step: number): void {
  const i32 = k.i32;
  if (i32[kReplayDiverged] === 0) i32[kReplayDiverged] = step + 1;
  i32[kReplayMisses]!++;
}

/**
 * Keep running the current task, else the lowest runnable slot; but a task
 * in a retry loop (a restarted syscall, sched_yield) gives way, or a
 * non-preemptive schedule would spin it forever against the holder it waits for.
 */
export function defaultPolicy(runnable: readonly number[], cur: number, k?: Kernel): number {
  if (cur >= 0 && runnable.includes(cur)) {
    if (!k || k.tget(cur, T_YIELDING) === 0) return cur;
    const other = runnable.find((s) => s !== cur && k.tget(s, T_YIELDING) === 0);
    return other ?? cur;
  }
  return runnable[0]!;
}

/** The slot the replay log chose at `step`, or -1 past its end or at a data choice. */
function replayWant(k: Kernel, step: number): number {
  const i32 = k.i32;
  if (step >= i32[kReplayLen]!) return -1;
  const who = i32[k.L.replayLog + step * SCHED_ENTRY_WORDS + SL_WHO]!;
  return who < 0 ? -1 : k.slotOf(who);
}

/**
 * A data choice at `step` following a log of decisions (replay, and dfs's
 * prefix): the logged alternative; past the log's end the default (0); a
 * log that has a task switch here, or an alternative out of range, has
 * diverged (then the default too).
 */
export function loggedChoice(k: Kernel, n: number, step: number, lbl: number): number {
  const i32 = k.i32;
  if (step >= i32[kReplayLen]!) return 0;
  const e = k.L.replayLog + step * SCHED_ENTRY_WORDS;
  const c = slDataChoice(i32[e + SL_WHO]!);
  if (c < 0 || c >= n) {
    markDivergence(k, step);
    return 0;
  }
  if (i32[e + SL_LABEL] !== lbl) markDivergence(k, step);
  return c;
}

export const replay: Strategy = {
  name: 'replay',
  id: 3,
  beginIteration() {},
  perturber() {
    return null;
  },
  onCreate() {},
  pick(k, runnable, cur, step, lbl) {
    const i32 = k.i32;
    if (step >= i32[kReplayLen]!) return defaultPolicy(runnable, cur, k);
    const e = k.L.replayLog + step * SCHED_ENTRY_WORDS;
    const who = i32[e + SL_WHO]!;
    const want = who < 0 ? -1 : k.slotOf(who); // a logged data choice here: diverged
    if (runnable.includes(want)) {
      if (i32[e + SL_LABEL] !== lbl) markDivergence(k, step);
      return want;
    }
    markDivergence(k, step);
    return defaultPolicy(runnable, cur, k);
  },
  // Every step is checked against the log, including those with one choice.
  pickWhenAlone: true,
  pickTimer(k, timed, step) {
    // The recorded run woke the task the log runs next: fire its timer. No
    // divergence is marked here; pick() on the same step checks the label.
    const want = replayWant(k, step);
    return timed.includes(want) ? want : timed[0]!;
  },
  pickData: loggedChoice,
};
