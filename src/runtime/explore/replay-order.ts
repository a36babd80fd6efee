/**
 * `replay-order`: turn the global order recorded in parallel mode (one
 * ticket per yield point, taken with Atomics.add: a total order, because
 * Atomics are sequentially consistent) into a controlled schedule.
 *
 * Each entry says which task passed the next yield point. At a decision,
 * the task named by the next unconsumed entry runs: if it is the deciding
 * task itself, or a task parked at a yield point, it passes that yield
 * point now and the entry is consumed; a task parked elsewhere (just
 * created, or woken from a sleep) runs up to its next yield point, where it
 * decides again and consumes the entry. Entries of tasks that can no longer
 * run are skipped and counted as misses; past the end of the order the
 * default policy runs. The iteration then either fails the same way (the
 * parallel failure is now an exact, replayable schedule) or not.
 */
import { TASK_DEAD } from '../kernel/constants.js';
import { kNextSlot, kReplayLen, kReplayPos, SCHED_ENTRY_WORDS, SL_LABEL, SL_WHO, T_AT_YIELD, T_STATE } from '../kernel/layout.js';
import { defaultPolicy, markDivergence } from './replay.js';
import type { Strategy } from './types.js';

export const replayOrder: Strategy = {
  name: 'replay-order',
  id: 4,
  beginIteration() {},
  perturber() {
    return null;
  },
  onCreate() {},
  pick(k, runnable, cur, _step, lbl) {
    const i32 = k.i32;
    const n = i32[kReplayLen]!;
    const L = k.L;
    for (let guard = 0; guard < n + 1; guard++) {
      let p = i32[kReplayPos]!;
      while (p < n && i32[L.replayLog + p * SCHED_ENTRY_WORDS + SL_WHO] === 0) p++;
      i32[kReplayPos] = p;
      if (p >= n) return defaultPolicy(runnable, cur, k);
      const e = L.replayLog + p * SCHED_ENTRY_WORDS;
      const want = k.slotOf(i32[e + SL_WHO]!);
      const wantLabel = i32[e + SL_LABEL]!;
      if (want === cur) {
        if (wantLabel !== lbl) markDivergence(k, p);
        i32[kReplayPos] = p + 1;
        return cur;
      }
      if (runnable.includes(want)) {
        const parkedAt = k.tget(want, T_AT_YIELD);
        if (parkedAt !== 0) {
          if (parkedAt !== wantLabel) markDivergence(k, p);
          i32[kReplayPos] = p + 1;
        }
        return want;
      }
      // The recorded task cannot run here. If it is dead it never will:
      // drop the entry. If it is blocked or not created yet, let the default
      // policy move things along and try the entry again at the next step.
      markDivergence(k, p);
      if (want >= 1 && want < Atomics.load(i32, kNextSlot) && k.tget(want, T_STATE) === TASK_DEAD) {
        i32[kReplayPos] = p + 1;
        continue;
      }
      return defaultPolicy(runnable, cur, k);
    }
    return defaultPolicy(runnable, cur, k);
  },
  // An entry is consumed when its task passes the yield point, which may be
  // a step where that task is the only one that can run.
  pickWhenAlone: true,
  pickTimer(_k, timed) {
    // The parallel order records yield points, not timer expiries, so it
    // cannot say whose timeout fired first: the lowest slot's fires.
    return timed[0]!;
  },
  pickData(k, n) {
    // The parallel run drew each task's data choices from the task's own
    // PRNG (Kernel.choose); drawing them the same way here gives the
    // converted run the same values as long as each task makes the same
    // choices in the same order.
    return k.chooseRng!.below(n);
  },
};
