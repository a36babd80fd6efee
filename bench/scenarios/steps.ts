/**
 * Benchmark scenario: the same work for every thread, so that the cost of
 * one controlled scheduling step can be read at any thread count. Setup
 * spawns `threads` tasks; each passes STEPS user yield points (ctx.yield)
 * and exits. Under the random strategy almost every decision switches to
 * another task, so a step costs one baton handoff, and every task that is
 * not chosen stays parked: bench/controlled.ts reads µs per step at 4 to 128
 * threads to show the handoff does not cost more with more parked tasks.
 */
import { defineScenario } from '../../src/runtime/index.js';

/** User yield points per thread. */
export const STEPS = 20;

export default defineScenario({
  name: 'bench-steps',
  description: `every thread passes ${STEPS} yield points and exits (controlled-mode step cost by thread count)`,
  threads: { default: 4, min: 1, max: 128 },
  variants: [{ name: 'mainline', kind: 'correct', expect: 'pass', spec: null, description: 'no protocol: yield points only' }],
  shared: { steps: 1 },
  setup(ctx) {
    for (let i = 0; i < ctx.threads; i++) ctx.spawn('worker', i);
  },
  bodies: {
    worker(ctx) {
      for (let i = 0; i < STEPS; i++) ctx.yield();
      ctx.add('steps', 1);
    },
  },
  check(ctx) {
    if (ctx.get('steps') !== ctx.threads) ctx.fail(`${ctx.get('steps')} of ${ctx.threads} threads finished`);
  },
});
