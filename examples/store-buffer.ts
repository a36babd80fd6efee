/**
 * store-buffer: Dekker's flags, the pattern every missing smp_mb() breaks
 * (docs/MEMORY-MODEL.md; LKMM's SB+mbonceonces / SB+poonceonces).
 *
 * Two threads each raise their own flag, then look at the other's. If
 * neither sees the other's flag, both believe they are alone. With smp_mb()
 * between the store and the load that cannot happen; without it, a
 * weakly ordered CPU may let each load run before its own store has
 * propagated, and it does happen. Sequentially consistent memory never shows
 * it: run the `no-mb` variant under `--memory-model sc` and it passes.
 *
 * Variants:
 *   mb     (correct) WRITE_ONCE(flag[me], 1); smp_mb(); READ_ONCE(flag[other])
 *   no-mb  (planted) the same without smp_mb(): both may read 0
 *
 * Run it:
 *   npx lockstep stress --scenario-file examples/store-buffer.ts --variant no-mb --memory-model weak --stop-on-failure
 *   npx lockstep stress --scenario-file examples/store-buffer.ts --variant no-mb --mode controlled --iterations 2000   # sc: passes
 *   npx lockstep stress --scenario-file examples/store-buffer.ts --variant mb --memory-model weak --strategy dfs    # verified
 */
import { defineScenario, smpMb } from 'lockstep';

export default defineScenario({
  name: 'store-buffer',
  description: "Dekker's flags: each thread raises its flag and reads the other's; without smp_mb() both may read 0 (weak memory only).",
  threads: { default: 2, min: 2, max: 2 },
  variants: [
    { name: 'mb', kind: 'correct', expect: 'pass', spec: null, description: 'smp_mb() between the store and the load' },
    { name: 'no-mb', kind: 'mutant', expect: 'fail', spec: null, description: 'no barrier: both threads may miss the other (store buffering)' },
  ],
  // flag[t]: thread t is interested; alone[t]: thread t saw the other's flag down.
  shared: { flag: 2, alone: 2 },
  explore: { exit: 'atomic' },
  bodies: {
    dekker(ctx) {
      const me = ctx.arg;
      ctx.store('flag', 1, me);
      if (ctx.variant === 'mb') smpMb(ctx.k);
      if (ctx.load('flag', 1 - me) === 0) ctx.store('alone', 1, me);
    },
  },
  setup(s) {
    s.spawn('dekker', 0);
    s.spawn('dekker', 1);
  },
  check(c) {
    if (c.get('alone', 0) === 1 && c.get('alone', 1) === 1) {
      c.fail('both threads read the other flag as 0: each load ran before the other thread\'s store was visible (store buffering)');
    }
  },
});
