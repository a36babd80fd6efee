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
import { kReplayDiverged, kReplayLen, kReplayMisses, SCHED_ENTRY_WORDS, SL_LABEL, SL_WHO, T_YIELDING } from '../kernel/layout.js';
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

/** The slot the replay log chose at `step`, or -1 past its end. */
function replayWant(k: Kernel, step: number): number {
  const i32 = k.i32;
  if (step >= i32[kReplayLen]!) return -1;
  return k.slotOf(i32[k.L.replayLog + step * SCHED_ENTRY_WORDS + SL_WHO]!);
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
    const want = k.slotOf(i32[e + SL_WHO]!);
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
};
