/**
 * selftest-abba: checks the checker. Two threads take two mutexes; in the
 * `abba` variant they take them in opposite orders, the textbook deadlock.
 * The watchdog (parallel mode) or the scheduler (controlled mode) must
 * report it with a wait-for cycle naming both threads and both mutexes.
 */
import { defineScenario, label, loadPlain, mutexLock, mutexUnlock } from '../runtime/index.js';

const L_FIRST = label('abba:lock first');
const L_SECOND = label('abba:lock second');
const L_UNLOCK = label('abba:unlock');

export default defineScenario({
  name: 'selftest-abba',
  description: 'Checker calibration: two threads take mutexes A and B; the abba variant takes them in opposite orders and must be reported as a deadlock with its cycle.',
  threads: { default: 2, min: 2, max: 8 },
  variants: [
    { name: 'ordered', kind: 'correct', expect: 'pass', spec: null, description: 'every thread takes A then B' },
    { name: 'abba', kind: 'mutant', expect: 'fail', spec: null, description: 'odd threads take B then A' },
  ],
  shared: { a: 1, b: 1, entered: 1 },
  bodies: {
    worker(ctx) {
      const { k } = ctx;
      const a = loadPlain(k, ctx.addr('a'));
      const b = loadPlain(k, ctx.addr('b'));
      const reversed = ctx.variant === 'abba' && ctx.arg % 2 === 1;
      const [first, second] = reversed ? [b, a] : [a, b];
      for (let round = 0; round < 2; round++) {
        mutexLock(k, first, L_FIRST);
        ctx.add('entered', 1);
        mutexLock(k, second, L_SECOND);
        mutexUnlock(k, second, L_UNLOCK);
        mutexUnlock(k, first, L_UNLOCK);
      }
    },
  },
  setup(s) {
    s.set('a', s.mutex('A'));
    s.set('b', s.mutex('B'));
    for (let i = 0; i < s.threads; i++) s.spawn('worker', i);
  },
  check(c) {
    if (c.get('entered') !== 2 * c.threads) c.fail(`critical sections entered ${c.get('entered')}, expected ${2 * c.threads}`);
  },
});
