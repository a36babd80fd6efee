/**
 * `none`: parallel mode adds no delay at all (the real cores decide);
 * controlled mode runs the current task until it blocks or exits, then the
 * lowest runnable slot: one fixed, preemption-free schedule. When only
 * timers are left, the lowest slot's fires.
 */
import { defaultPolicy } from './replay.js';
import type { Strategy } from './types.js';

export const none: Strategy = {
  name: 'none',
  id: 0,
  beginIteration() {},
  perturber() {
    return null;
  },
  onCreate() {},
  pick(k, runnable, cur) {
    return defaultPolicy(runnable, cur, k);
  },
  pickWhenAlone: false,
  pickTimer(_k, timed) {
    // The lowest slot's timer, as the lowest runnable slot runs otherwise.
    return timed[0]!;
  },
  // One fixed schedule: the default alternative of every data choice.
  pickData: () => 0,
};
