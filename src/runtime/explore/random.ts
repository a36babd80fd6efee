/**
 * `random`: parallel mode delays a thread at a yield point with a seeded
 * probability, choosing between a short spin, a CPU yield and a sleep of up
 * to a few hundred microseconds (rr's chaos mode and rcutorture's stutter in
 * miniature). Controlled mode picks uniformly among runnable tasks at every
 * decision, from the PRNG in the SAB, and fires a uniformly chosen timer
 * when only timers are left.
 */
import { kIterSeed, kPerturbPermille, kSchedRng } from '../kernel/layout.js';
import { localRng, deriveSeed, Xoshiro } from '../kernel/prng.js';
import { sleepUs, spinFor, yieldCpu } from './delay.js';
import type { ParallelPerturber, Strategy } from './types.js';

export const random: Strategy = {
  name: 'random',
  id: 1,
  beginIteration(mem, p) {
    Xoshiro.seedInto(mem.i32, kSchedRng, deriveSeed(p.iterSeed, 0x5c4ed));
    mem.i32[kPerturbPermille] = p.perturbPermille;
    mem.i32[kIterSeed] = p.iterSeed;
  },
  perturber(iterSeed, tid): ParallelPerturber {
    const rng = localRng(deriveSeed(iterSeed, tid));
    return {
      perturb(k) {
        const permille = k.i32[kPerturbPermille]!;
        if (!rng.chance(permille)) return;
        const r = rng.below(10);
        if (r < 5) return spinFor(16 + rng.below(400));
        // Giving up the CPU here is a preemption, not a voluntary switch
        // (nivcsw; RCU Tasks must not take it as a quiescent state, R8).
        k.notePreempted(k.cur);
        if (r < 8) yieldCpu(k.i32);
        else sleepUs(k.i32, 5 + rng.below(200));
      },
    };
  },
  onCreate() {},
  pick(k, runnable) {
    return runnable[new Xoshiro(k.i32, kSchedRng).below(runnable.length)]!;
  },
  pickWhenAlone: false,
  pickTimer(k, timed, step, lbl) {
    // Which timeout fires first is as open as who runs next: a uniform draw.
    return random.pick(k, timed, -1, step, lbl);
  },
  pickData(k, n) {
    return new Xoshiro(k.i32, kSchedRng).below(n);
  },
};
