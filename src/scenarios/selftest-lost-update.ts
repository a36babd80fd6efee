/**
 * selftest-lost-update: checks the race hunters. Threads increment a shared
 * counter. `atomic` uses one atomic add; `racy` loads, then stores the
 * incremented value (two yield points), so a single preemption between
 * another thread's load and store loses an update: a bug of depth 1, the
 * reference case for PCT and for schedule shrinking.
 */
import { atomicInc, atomicRead, atomicSet, defineScenario, label } from '../runtime/index.js';

const L_LOAD = label('lost-update:load');
const L_STORE = label('lost-update:store');
const L_ADD = label('lost-update:atomic_inc');

export default defineScenario({
  name: 'selftest-lost-update',
  description: 'Checker calibration: threads increment a counter; the racy variant does load-then-store and loses updates under one preemption.',
  threads: { default: 2, min: 2, max: 16 },
  params: { increments: 3 },
  variants: [
    { name: 'atomic', kind: 'correct', expect: 'pass', spec: null, description: 'atomic_inc()' },
    { name: 'racy', kind: 'mutant', expect: 'fail', spec: null, description: 'load, then store load+1' },
  ],
  shared: { counter: 1 },
  bodies: {
    worker(ctx) {
      const { k } = ctx;
      const a = ctx.addr('counter');
      const n = Number(ctx.params['increments']);
      for (let i = 0; i < n; i++) {
        if (ctx.variant === 'racy') {
          const v = atomicRead(k, a, L_LOAD);
          atomicSet(k, a, v + 1, L_STORE);
        } else {
          atomicInc(k, a, L_ADD);
        }
      }
    },
  },
  setup(s) {
    for (let i = 0; i < s.threads; i++) s.spawn('worker', i);
  },
  check(c) {
    const want = c.threads * Number(c.params['increments']);
    if (c.get('counter') !== want) c.fail(`lost update: counter ${c.get('counter')}, expected ${want}`);
  },
});
